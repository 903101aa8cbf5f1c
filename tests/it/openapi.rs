//! The served OpenAPI document tells the truth: real types, enums with their values, dates,
//! required and optional fields, typed query parameters, and the error statuses each route gives
//! (checked against what the routes do at their boundaries).

use crate::register::{add, own, person};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use time::Duration;

/// Follows a `$ref` into the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn body_schema<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    resolve(
        doc,
        &doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"],
    )
}

fn required(schema: &Value) -> Vec<&str> {
    schema["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// A property's schema, through `allOf` (a `$ref` with a description) and `$ref`.
fn deref<'a>(doc: &'a Value, prop: &'a Value) -> &'a Value {
    match prop["allOf"].as_array() {
        Some(all) => resolve(doc, &all[0]),
        None => resolve(doc, prop),
    }
}

/// The enum values of a property, including those of each `oneOf` branch.
fn values(doc: &Value, prop: &Value) -> Vec<String> {
    let target = deref(doc, prop);
    let branches = match target["oneOf"].as_array() {
        Some(all) => all.iter().collect(),
        None => vec![target],
    };
    branches
        .iter()
        .filter_map(|b| b["enum"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect()
}

fn param<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .map(|p| &p["schema"])
        .unwrap_or(&Value::Null)
}

async fn document(t: &TestApp) -> Value {
    let (s, doc) = t.get("/api/v1/openapi.json", None).await;
    assert_eq!(s, Status::Ok);
    doc
}

#[rocket::async_test]
async fn request_bodies_have_real_types_enums_dates_and_required_fields() {
    let t = TestApp::new().await;
    let doc = document(&t).await;
    let new_person = body_schema(&doc, "/api/v1/people", "post");
    let props = &new_person["properties"];
    assert_eq!(props["date_of_birth"]["type"], "string");
    assert_eq!(props["date_of_birth"]["format"], "date");
    assert!(props["date_of_birth"]["nullable"].is_null());
    assert_eq!(props["given_name"]["maxLength"], 100);
    assert_eq!(props["given_name"]["minLength"], 1);
    assert_eq!(props["learning_disability"]["type"], "boolean");
    assert_eq!(
        values(&doc, &props["sex"]),
        ["female", "male", "indeterminate", "not_known"]
    );
    assert_eq!(values(&doc, &props["setting"]).len(), 7);
    // Required: what the service refuses when missing; optional ones are nullable.
    let req = required(new_person);
    for field in [
        "nhs_number",
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "postcode",
        "local_authority",
        "setting",
        "consent",
    ] {
        assert!(req.contains(&field), "{field} should be required");
    }
    for field in ["social_worker", "keyworker", "registered_on", "ehcp"] {
        assert!(!req.contains(&field), "{field} should be optional");
        assert_eq!(props[field]["nullable"], true, "{field}");
    }
    assert_eq!(props["registered_on"]["format"], "date");
    let consent = resolve(&doc, &props["consent"]);
    assert_eq!(
        values(&doc, &consent["properties"]["basis"]),
        ["parental", "self", "best_interests"]
    );
    assert_eq!(required(consent), ["basis", "recorded_on"]);

    // A chosen rating is never blue; the returns' kinds and periods.
    let assessment = body_schema(&doc, "/api/v1/people/{id}/risk-assessments", "post");
    let rating = &assessment["properties"]["rating"];
    let chosen = rating["anyOf"]
        .as_array()
        .map(|a| values(&doc, &a[0]))
        .unwrap_or_else(|| values(&doc, rating));
    assert_eq!(chosen, ["red", "amber", "green"]);
    assert_eq!(
        assessment["properties"]["answers"]["additionalProperties"]["type"],
        "boolean"
    );
    let new_return = body_schema(&doc, "/api/v1/returns", "post");
    assert_eq!(
        values(&doc, &new_return["properties"]["kind"]),
        ["monthly", "weekly"]
    );
    assert_eq!(required(new_return), ["kind", "period"]);
    // Review panels are user ids; findings are the six key lines of enquiry and nothing else.
    let review = body_schema(&doc, "/api/v1/people/{id}/reviews", "post");
    assert_eq!(review["properties"]["chair_id"]["format"], "uuid");
    let outcome = body_schema(&doc, "/api/v1/reviews/{id}/outcome", "post");
    let findings = deref(&doc, &outcome["properties"]["findings"]);
    assert_eq!(required(findings).len(), 6);
    assert_eq!(findings["additionalProperties"], false);
    // Closing needs closed_on, withdrawing withdrawn_on: each route names its own.
    let close = body_schema(&doc, "/api/v1/people/{id}/close", "post");
    assert_eq!(required(close), ["closed_on", "reason"]);
    assert!(close["properties"]["withdrawn_on"].is_null());
    let withdraw = body_schema(&doc, "/api/v1/people/{id}/consent/withdraw", "post");
    assert_eq!(required(withdraw), ["withdrawn_on", "reason"]);
    // Responses: a field the service always writes is required, and null where it may be.
    let person_view = &doc["components"]["schemas"]["PersonView"];
    assert!(required(person_view).contains(&"keyworker"));
    assert_eq!(person_view["properties"]["keyworker"]["nullable"], true);
}

#[rocket::async_test]
async fn patch_person_leaves_out_consent_which_the_route_refuses() {
    let t = TestApp::new().await;
    let doc = document(&t).await;
    let changes = body_schema(&doc, "/api/v1/people/{id}", "patch");
    assert!(changes["properties"]["consent"].is_null());
    assert!(changes["properties"]["given_name"].is_object());
    assert!(required(changes).is_empty());
    assert_eq!(changes["additionalProperties"], false);

    // What the document says is what the route does.
    let token = t.token_for_role("commissioner").await;
    let today = t.app.clock.today();
    let born = today - Duration::days(365 * 30);
    let (s, p) = add(
        &t,
        &token,
        &person(&crate::register::nhs(7), born, own(today)),
    )
    .await;
    assert_eq!(s, Status::Created, "{p}");
    let path = format!("/api/v1/people/{}", p["id"].as_str().unwrap());
    let (s, b) = t
        .patch_json(&path, Some(&token), &json!({"consent": {"basis": "self"}}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(b["error"]["fields"]["consent"].is_array());
    let (s, b) = t
        .patch_json(&path, Some(&token), &json!({"favourite_colour": "red"}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(b["error"]["fields"]["favourite_colour"].is_array());
    let (s, b) = t
        .patch_json(&path, Some(&token), &json!({"keyworker": "Jo Bloggs"}))
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    assert_eq!(b["keyworker"], "Jo Bloggs");
}

#[rocket::async_test]
async fn query_parameters_are_typed_and_their_bounds_hold() {
    let t = TestApp::new().await;
    let doc = document(&t).await;
    let page = param(&doc, "/api/v1/people", "page");
    assert_eq!(page["type"], "integer");
    assert_eq!(page["minimum"], 1);
    let per_page = param(&doc, "/api/v1/people", "per_page");
    assert_eq!(per_page["type"], "integer");
    assert_eq!(
        (
            &per_page["minimum"],
            &per_page["maximum"],
            &per_page["default"]
        ),
        (&json!(1), &json!(500), &json!(50))
    );
    assert_eq!(
        values(&doc, param(&doc, "/api/v1/people", "rating")),
        ["red", "amber", "green", "blue"]
    );
    assert_eq!(
        values(&doc, param(&doc, "/api/v1/people", "status")),
        ["active", "closed", "withdrawn", "inpatient_only"]
    );
    assert_eq!(param(&doc, "/api/v1/people", "as_of")["format"], "date");
    assert_eq!(param(&doc, "/api/v1/people", "q")["maxLength"], 100);
    assert_eq!(
        param(&doc, "/api/v1/referrals", "overdue")["type"],
        "boolean"
    );
    assert_eq!(
        values(&doc, param(&doc, "/api/v1/actions", "status")),
        ["open", "done", "dropped"]
    );
    assert_eq!(
        values(&doc, param(&doc, "/api/v1/returns", "kind")),
        ["monthly", "weekly"]
    );

    // The bounds it states are the route's.
    let token = t.token_for_role("commissioner").await;
    for (query, status) in [
        ("per_page=500", Status::Ok),
        ("per_page=1&page=1", Status::Ok),
        ("per_page=501", Status::UnprocessableEntity),
        ("per_page=0", Status::UnprocessableEntity),
        ("page=0", Status::UnprocessableEntity),
        ("page=4294967295", Status::Ok),
        ("page=4294967296", Status::UnprocessableEntity),
        ("rating=blue", Status::Ok),
        ("rating=purple", Status::UnprocessableEntity),
        ("as_of=2026-02-30", Status::UnprocessableEntity),
        ("overdue=true", Status::Ok),
        ("overdue=maybe", Status::UnprocessableEntity),
    ] {
        let path = if query.starts_with("overdue") {
            format!("/api/v1/referrals?{query}")
        } else {
            format!("/api/v1/people?{query}")
        };
        let (s, _) = t.get(&path, Some(&token)).await;
        assert_eq!(s, status, "{path}");
    }

    // Every query parameter of every mounted API route is typed by the route table.
    for route in t.client.rocket().routes() {
        if !route.uri.path().starts_with("/api/") {
            continue;
        }
        let Some(endpoint) = tcr::web::routes::for_route(route) else {
            continue;
        };
        for name in tcr::web::api::openapi::query_names(route) {
            assert!(
                endpoint.query.iter().any(|(n, _)| *n == name),
                "{} {} does not type its query parameter {name}",
                route.method,
                route.uri.path()
            );
        }
    }
}

#[rocket::async_test]
async fn each_route_lists_the_error_statuses_it_gives_with_the_envelope() {
    let t = TestApp::new().await;
    let doc = document(&t).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.contains_key("4XX"), "{method} {path}");
            let public = op["security"].as_array().is_some_and(|s| s.is_empty());
            if !public {
                assert!(responses.contains_key("401"), "{method} {path}");
            }
            if op["requestBody"].is_object() {
                assert!(responses.contains_key("400"), "{method} {path}");
                assert!(responses.contains_key("422"), "{method} {path}");
            }
            if path.contains("{id}") {
                assert!(responses.contains_key("404"), "{method} {path}");
            }
            for (code, response) in responses {
                if code.starts_with('4') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path} {code}"
                    );
                }
            }
        }
    }
    let login = &doc["paths"]["/api/v1/login"]["post"]["responses"];
    assert!(login["429"].is_object() && login["401"].is_object());
    assert!(doc["paths"]["/api/v1/people"]["post"]["responses"]["409"].is_object());
    assert!(doc["paths"]["/health"]["get"]["responses"]["503"].is_object());
    // The envelope: code and message always, fields for validation.
    let error = &doc["components"]["schemas"]["ErrorDetail"];
    assert_eq!(required(error), ["code", "message"]);

    // A 404 from a route with an id is the envelope the document names.
    let token = t.token_for_role("commissioner").await;
    let (s, b) = t
        .get(
            "/api/v1/people/00000000-0000-4000-8000-000000000000",
            Some(&token),
        )
        .await;
    assert_eq!(s, Status::NotFound);
    assert_eq!(b["error"]["code"], "not_found");
}
