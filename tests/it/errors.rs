//! Every error code of API.md this part of the service can produce, in the documented shape,
//! and no 5xx for anything a client can send.

use crate::support::*;
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::{Value, json};
use tcr::web::routes::ENDPOINTS;

fn assert_error(status: Status, body: &Value, want_status: Status, code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[rocket::async_test]
async fn each_error_code_in_its_documented_shape() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;

    let (s, b) = t.post("/api/v1/users", Some(&admin), "{not json").await;
    assert_error(s, &b, Status::BadRequest, "bad_request");
    let (s, b) = t
        .post("/api/v1/users", Some(&admin), r#"{"username": 5}"#)
        .await;
    assert_error(s, &b, Status::BadRequest, "bad_request");
    let (s, b) = t.post("/api/v1/login", None, "").await;
    assert_error(s, &b, Status::BadRequest, "bad_request");

    let (s, b) = t.get("/api/v1/users", None).await;
    assert_error(s, &b, Status::Unauthorized, "unauthenticated");

    let analyst = t.token_for_role("analyst").await;
    let (s, b) = t.get("/api/v1/users", Some(&analyst)).await;
    assert_error(s, &b, Status::Forbidden, "forbidden");

    let (s, b) = t.get("/api/v1/no-such-thing", Some(&admin)).await;
    assert_error(s, &b, Status::NotFound, "not_found");
    let (s, b) = t
        .get(
            &format!("/api/v1/users/{}", uuid::Uuid::new_v4()),
            Some(&admin),
        )
        .await;
    assert_error(s, &b, Status::NotFound, "not_found");
    let (s, b) = t.get("/api/v1/users/not-a-uuid", Some(&admin)).await;
    assert_error(s, &b, Status::NotFound, "not_found");

    let new = json!({"username": "ann.chair", "display_name": "Ann Chair", "role": "panel_chair", "password": "long enough password"});
    assert_eq!(
        t.post_json("/api/v1/users", Some(&admin), &new).await.0,
        Status::Created
    );
    let mut same_name = new.clone();
    same_name["username"] = json!("ANN.CHAIR");
    let (s, b) = t.post_json("/api/v1/users", Some(&admin), &same_name).await;
    assert_error(s, &b, Status::Conflict, "conflict");

    let bad =
        json!({"username": "x", "display_name": "", "role": "superuser", "password": "hunter2"});
    let (s, b) = t.post_json("/api/v1/users", Some(&admin), &bad).await;
    assert_error(s, &b, Status::UnprocessableEntity, "validation_failed");
    for field in ["username", "display_name", "role", "password"] {
        assert!(
            b["error"]["fields"][field]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{field}: {b}"
        );
    }
    assert!(
        !b.to_string().contains("hunter2"),
        "the rejected password is never echoed: {b}"
    );

    let (s, b) = t.get("/api/v1/users?per_page=501", Some(&admin)).await;
    assert_error(s, &b, Status::UnprocessableEntity, "validation_failed");
    let (s, b) = t.get("/api/v1/audit?from=yesterday", Some(&admin)).await;
    assert_error(s, &b, Status::UnprocessableEntity, "validation_failed");
}

#[rocket::async_test]
async fn unreadable_bodies_and_odd_requests_never_get_a_5xx() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    let bodies = [
        "",
        "null",
        "[]",
        "{}",
        "\"text\"",
        "{\"username\": null}",
        "\u{0}\u{1}",
        &"x".repeat(2 * 1024 * 1024),
    ];
    for endpoint in ENDPOINTS
        .iter()
        .filter(|e| e.path.starts_with("/api/") && e.path != "/api/v1/logout")
    {
        let path = concrete(endpoint.path);
        for body in bodies {
            let mut req = t
                .client
                .req(endpoint.method, path.clone())
                .header(Header::new("Authorization", format!("Bearer {admin}")));
            if endpoint.method == Method::Post {
                req = req.header(ContentType::JSON).body(body);
            }
            let res = req.dispatch().await;
            assert!(
                res.status().code < 500,
                "{} {} with {:?}: {}",
                endpoint.method,
                path,
                &body[..body.len().min(20)],
                res.status()
            );
            let (_, value) = TestApp::json(res).await;
            if value.get("error").is_some() {
                assert!(value["error"]["code"].is_string(), "{value}");
            }
        }
    }
}

#[rocket::async_test]
async fn health_needs_no_sign_in() {
    let t = TestApp::new().await;
    let (s, b) = t.get("/health", None).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(b, json!({"status": "ok", "database": "ok"}));
}

#[rocket::async_test]
async fn the_openapi_document_describes_every_mounted_api_route() {
    let t = TestApp::new().await;
    let (s, doc) = t.get("/api/v1/openapi.json", None).await;
    assert_eq!(s, Status::Ok);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let routes: Vec<_> = t.client.rocket().routes().collect();
    let mut api = 0;
    for route in routes {
        let path = route.uri.path().to_string();
        if !path.starts_with("/api/") && path != "/health" {
            continue;
        }
        api += 1;
        let openapi_path: String = path
            .split('/')
            .map(|s| {
                if s.starts_with('<') {
                    format!("{{{}}}", &s[1..s.len() - 1])
                } else {
                    s.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let op = &doc["paths"][&openapi_path][route.method.as_str().to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} missing from openapi.json",
            route.method,
            path
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{path}"
        );
    }
    assert!(api >= 12);
    // Request bodies are described from the Rust types.
    let login = &doc["paths"]["/api/v1/login"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    assert_eq!(login["$ref"], "#/components/schemas/LoginRequest");
    assert!(doc["components"]["schemas"]["NewUser"]["properties"]["password"].is_object());
}
