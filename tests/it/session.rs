//! Signing in and out through the API: tokens, revocation, timeouts, throttling.

use crate::support::*;
use rocket::http::{Header, Status};
use serde_json::json;
use time::Duration;

#[rocket::async_test]
async fn login_gives_a_token_that_logout_revokes() {
    let t = TestApp::new().await;
    let (status, body) = t
        .post_json(
            "/api/v1/login",
            None,
            &json!({"username": "admin", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["user"]["username"], "admin");
    assert_eq!(body["user"]["role"], "admin");
    assert!(body["user"]["id"].as_str().unwrap().len() == 36);
    let token = body["token"].as_str().unwrap().to_string();

    let (status, me) = t.get("/api/v1/me", Some(&token)).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(me["username"], "admin");

    let (status, _) = t.post("/api/v1/logout", Some(&token), "").await;
    assert_eq!(status, Status::Ok);
    let (status, body) = t.get("/api/v1/me", Some(&token)).await;
    assert_eq!(status, Status::Unauthorized);
    assert_eq!(body["error"]["code"], "unauthenticated");
    // A second token of the same user is untouched by the first one's logout.
    let other = t.admin_token().await;
    assert_eq!(t.get("/api/v1/me", Some(&other)).await.0, Status::Ok);
}

#[rocket::async_test]
async fn wrong_username_and_wrong_password_get_the_same_answer() {
    let t = TestApp::new().await;
    let (s1, wrong_password) = t
        .post_json(
            "/api/v1/login",
            None,
            &json!({"username": "admin", "password": "not the password"}),
        )
        .await;
    let (s2, wrong_user) = t
        .post_json(
            "/api/v1/login",
            None,
            &json!({"username": "nobody", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!((s1, s2), (Status::Unauthorized, Status::Unauthorized));
    assert_eq!(wrong_password, wrong_user);
    assert_eq!(wrong_password["error"]["code"], "unauthenticated");
}

#[rocket::async_test]
async fn usernames_are_not_case_sensitive() {
    let t = TestApp::new().await;
    t.login("ADMIN", ADMIN_PASSWORD).await;
}

#[rocket::async_test]
async fn five_failures_in_fifteen_minutes_throttle_that_username() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("analyst").await;
    let bad = json!({"username": "admin", "password": "wrong password!"});
    for _ in 0..5 {
        assert_eq!(
            t.post_json("/api/v1/login", None, &bad).await.0,
            Status::Unauthorized
        );
    }
    // Now even the right password is refused, with a Retry-After.
    let res = t
        .client
        .post("/api/v1/login")
        .header(rocket::http::ContentType::JSON)
        .body(json!({"username": "admin", "password": ADMIN_PASSWORD}).to_string())
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::TooManyRequests);
    let retry: u64 = res
        .headers()
        .get_one("Retry-After")
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 14 * 60 && retry <= 15 * 60, "{retry}");
    let (_, body) = TestApp::json(res).await;
    assert_eq!(body["error"]["code"], "rate_limited");

    // Other usernames are unaffected.
    t.login(&u, &p).await;

    // Fifteen minutes after the failures, the right password works again.
    t.clock.advance(Duration::minutes(15));
    t.login("admin", ADMIN_PASSWORD).await;
}

#[rocket::async_test]
async fn four_failures_do_not_throttle_and_success_resets_the_count() {
    let t = TestApp::new().await;
    let bad = json!({"username": "admin", "password": "wrong password!"});
    for _ in 0..4 {
        t.post_json("/api/v1/login", None, &bad).await;
    }
    t.admin_token().await;
    for _ in 0..4 {
        t.post_json("/api/v1/login", None, &bad).await;
    }
    t.admin_token().await;
}

#[rocket::async_test]
async fn sessions_time_out_after_30_idle_minutes() {
    let t = TestApp::new().await;
    let token = t.admin_token().await;
    t.clock.advance(Duration::minutes(29));
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.0, Status::Ok);
    t.clock.advance(Duration::minutes(29));
    assert_eq!(
        t.get("/api/v1/me", Some(&token)).await.0,
        Status::Ok,
        "activity restarts the idle clock"
    );
    t.clock.advance(Duration::minutes(30));
    assert_eq!(
        t.get("/api/v1/me", Some(&token)).await.0,
        Status::Unauthorized
    );
}

#[rocket::async_test]
async fn sessions_end_after_12_hours_however_active() {
    let t = TestApp::new().await;
    let token = t.admin_token().await;
    for _ in 0..35 {
        t.clock.advance(Duration::minutes(20));
        assert_eq!(t.get("/api/v1/me", Some(&token)).await.0, Status::Ok);
    }
    t.clock.advance(Duration::minutes(20)); // 12 hours
    assert_eq!(
        t.get("/api/v1/me", Some(&token)).await.0,
        Status::Unauthorized
    );
}

#[rocket::async_test]
async fn deactivating_a_user_ends_their_sessions_and_sign_in() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    let (u, p) = t.user_with_role("commissioner").await;
    let token = t.login(&u, &p).await;
    let (_, list) = t.get("/api/v1/users?per_page=500", Some(&admin)).await;
    let id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["username"] == u.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = t
        .post(&format!("/api/v1/users/{id}/deactivate"), Some(&admin), "")
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["active"], false);
    assert_eq!(
        t.get("/api/v1/me", Some(&token)).await.0,
        Status::Unauthorized
    );
    let (status, _) = t
        .post_json(
            "/api/v1/login",
            None,
            &json!({"username": u, "password": p}),
        )
        .await;
    assert_eq!(status, Status::Unauthorized);
    // Deactivating again is a conflict; reactivating lets them back in.
    assert_eq!(
        t.post(&format!("/api/v1/users/{id}/deactivate"), Some(&admin), "")
            .await
            .0,
        Status::Conflict
    );
    assert_eq!(
        t.post(&format!("/api/v1/users/{id}/reactivate"), Some(&admin), "")
            .await
            .0,
        Status::Ok
    );
    t.login(&u, &p).await;
}

#[rocket::async_test]
async fn an_admin_cannot_deactivate_themselves() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    let (_, me) = t.get("/api/v1/me", Some(&admin)).await;
    let id = me["id"].as_str().unwrap();
    let (status, body) = t
        .post(&format!("/api/v1/users/{id}/deactivate"), Some(&admin), "")
        .await;
    assert_eq!(status, Status::Conflict);
    assert_eq!(body["error"]["code"], "conflict");
}

#[rocket::async_test]
async fn a_bearer_token_is_not_a_browser_session_and_a_malformed_header_is_refused() {
    let t = TestApp::new().await;
    let token = t.admin_token().await;
    for header in [
        format!("Token {token}"),
        "Bearer".into(),
        format!("Bearer {token}x"),
        "Bearer ".into(),
    ] {
        let res = t
            .client
            .get("/api/v1/me")
            .header(Header::new("Authorization", header.clone()))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::Unauthorized, "{header}");
    }
    // The API token does not open the pages.
    let res = t
        .client
        .get("/admin/users")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::SeeOther);
}
