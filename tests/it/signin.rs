//! Issue 12: sign-in limits per client address and per (username, address) with a per-username
//! back-off, the trusted proxy header, the password rule on every path, a user's own password
//! change, an administrator's reset to a one-time password, and session-lifetime cookies.

use crate::support::{ADMIN_PASSWORD, TestApp, extract_csrf, form};
use rocket::http::{ContentType, Header, Status};
use serde_json::{Value, json};
use std::net::SocketAddr;
use time::Duration;

fn peer(ip: &str) -> SocketAddr {
    if ip.contains(':') {
        format!("[{ip}]:40000")
    } else {
        format!("{ip}:40000")
    }
    .parse()
    .expect("socket address")
}

/// `POST /api/v1/login` from the peer address `from`, with extra headers: status, the
/// `Retry-After` seconds if any, and the body.
async fn login_from(
    t: &TestApp,
    from: &str,
    username: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> (Status, Option<u64>, Value) {
    let mut req = t
        .client
        .post("/api/v1/login")
        .remote(peer(from))
        .header(ContentType::JSON)
        .body(json!({"username": username, "password": password}).to_string());
    for (name, value) in headers {
        req = req.header(Header::new(name.to_string(), value.to_string()));
    }
    let res = req.dispatch().await;
    let retry = res
        .headers()
        .get_one("Retry-After")
        .and_then(|v| v.parse().ok());
    let (status, body) = TestApp::json(res).await;
    (status, retry, body)
}

async fn post_from(
    t: &TestApp,
    from: &str,
    path: &str,
    token: &str,
    body: &Value,
) -> (Status, Value) {
    let res = t
        .client
        .post(path.to_string())
        .remote(peer(from))
        .header(ContentType::JSON)
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .body(body.to_string())
        .dispatch()
        .await;
    TestApp::json(res).await
}

#[rocket::async_test]
async fn five_failures_lock_the_username_from_that_address_but_not_from_another() {
    let t = TestApp::new().await;
    for n in 1..=5 {
        let (status, _, body) = login_from(&t, "10.0.0.1", "admin", "wrong password!", &[]).await;
        assert_eq!(status, Status::Unauthorized, "failure {n}: {body}");
    }
    // The sixth attempt from there is refused before the password is looked at.
    let (status, retry, body) = login_from(&t, "10.0.0.1", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::TooManyRequests, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    let retry = retry.expect("Retry-After");
    assert!((14 * 60..=15 * 60).contains(&retry), "{retry}");
    // The real user, from another address, signs in.
    let (status, _, body) = login_from(&t, "10.0.0.2", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::Ok, "{body}");
    // Another username from the locked address is not affected either.
    let (u, p) = t.user_with_role("analyst").await;
    let (status, _, _) = login_from(&t, "10.0.0.1", &u, &p, &[]).await;
    assert_eq!(status, Status::Ok);
    // Once the window has passed, the pair may try again.
    t.clock.advance(Duration::minutes(15));
    let (status, _, _) = login_from(&t, "10.0.0.1", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::Ok);
}

#[rocket::async_test]
async fn twenty_failures_from_one_address_stop_that_address_for_every_username() {
    let t = TestApp::new().await;
    for n in 0..20 {
        let (status, _, _) =
            login_from(&t, "192.0.2.9", &format!("guess{n}"), "Summer2026!!", &[]).await;
        assert_eq!(status, Status::Unauthorized, "failure {}", n + 1);
    }
    // The 21st attempt from that address is refused, even with a right password.
    let (status, retry, body) = login_from(&t, "192.0.2.9", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::TooManyRequests, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(retry.is_some_and(|s| s > 0 && s <= 15 * 60), "{retry:?}");
    // Other addresses are not affected.
    let (status, _, _) = login_from(&t, "192.0.2.10", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::Ok);
    // Fifteen minutes on, the address may try again.
    t.clock.advance(Duration::minutes(15));
    let (status, _, _) = login_from(&t, "192.0.2.9", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::Ok);
}

#[rocket::async_test]
async fn nineteen_failures_from_one_address_are_not_yet_stopped() {
    let t = TestApp::new().await;
    for n in 0..19 {
        login_from(&t, "192.0.2.9", &format!("guess{n}"), "Summer2026!!", &[]).await;
    }
    let (status, _, body) = login_from(&t, "192.0.2.9", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::Ok, "{body}");
}

/// A copy of the shipped policies with these sign-in limits.
fn policies_with_signin(limits: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tcr-policies-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(crate::support::policies_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.join("signin.toml"), limits).unwrap();
    dir
}

#[rocket::async_test]
async fn strangers_cannot_lock_the_real_user_out_and_many_only_slow_the_account_down() {
    // The shipped limits, but a back-off long enough to observe on a slow machine.
    let dir = policies_with_signin("per_username = 10\nbackoff_first_seconds = 60\n");
    let policies = dir.clone();
    let t = TestApp::with(move |s| s.policies_dir = policies).await;
    // Five strangers, one wrong password each.
    for n in 0..5 {
        let from = format!("198.51.100.{n}");
        login_from(&t, &from, "admin", "wrong password!", &[]).await;
    }
    let (status, _, _) = login_from(&t, "10.0.0.2", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::Ok);

    // Ten failures from ten addresses (the success above forgave none of theirs): each further
    // attempt at the account, from anywhere, waits after the latest failure.
    for n in 5..10 {
        let from = format!("198.51.100.{n}");
        login_from(&t, &from, "admin", "wrong password!", &[]).await;
    }
    let (status, retry, _) = login_from(&t, "10.0.0.2", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::TooManyRequests);
    assert!(retry.is_some_and(|s| (50..=60).contains(&s)), "{retry:?}");
    t.clock.advance(Duration::seconds(60));
    let (status, _, _) = login_from(&t, "10.0.0.2", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::Ok);
    // One more failure doubles the wait.
    login_from(&t, "198.51.100.11", "admin", "wrong password!", &[]).await;
    let (_, retry, _) = login_from(&t, "10.0.0.2", "admin", ADMIN_PASSWORD, &[]).await;
    assert!(retry.is_some_and(|s| (110..=120).contains(&s)), "{retry:?}");
    std::fs::remove_dir_all(dir).ok();
}

#[rocket::async_test]
async fn x_real_ip_is_ignored_unless_a_header_is_configured() {
    // Not configured: the header is the client's to invent, so the peer address counts.
    let t = TestApp::new().await;
    for n in 0..5 {
        let fake = format!("203.0.113.{n}");
        login_from(
            &t,
            "10.0.0.1",
            "admin",
            "wrong password!",
            &[("X-Real-IP", &fake)],
        )
        .await;
    }
    let fresh = [("X-Real-IP", "203.0.113.99")];
    let (status, _, _) = login_from(&t, "10.0.0.1", "admin", ADMIN_PASSWORD, &fresh).await;
    assert_eq!(status, Status::TooManyRequests);

    // Configured: the proxy's header names the client; the peer is the proxy.
    let t = TestApp::with(|s| s.client_ip_header = Some("X-Real-IP".into())).await;
    let one = [("X-Real-IP", "203.0.113.1")];
    for _ in 0..5 {
        login_from(&t, "10.0.0.1", "admin", "wrong password!", &one).await;
    }
    let (status, _, _) = login_from(&t, "10.0.0.1", "admin", ADMIN_PASSWORD, &one).await;
    assert_eq!(status, Status::TooManyRequests);
    let two = [("X-Real-IP", "203.0.113.2")];
    let (status, _, _) = login_from(&t, "10.0.0.1", "admin", ADMIN_PASSWORD, &two).await;
    assert_eq!(status, Status::Ok);
}

#[rocket::async_test]
async fn a_trusted_forwarded_for_header_counts_the_address_its_proxy_added() {
    let t = TestApp::with(|s| s.client_ip_header = Some("X-Forwarded-For".into())).await;
    // The client put its own entries first; the proxy appended the address it saw.
    for n in 0..5 {
        let chain = format!("203.0.113.{n}, 198.51.100.7");
        let headers = [("X-Forwarded-For", chain.as_str())];
        login_from(&t, "10.0.0.1", "admin", "wrong password!", &headers).await;
    }
    let locked = [("X-Forwarded-For", "203.0.113.50, 198.51.100.7")];
    let (status, _, _) = login_from(&t, "10.0.0.1", "admin", ADMIN_PASSWORD, &locked).await;
    assert_eq!(status, Status::TooManyRequests);
    let other = [("X-Forwarded-For", "198.51.100.8")];
    let (status, _, _) = login_from(&t, "10.0.0.1", "admin", ADMIN_PASSWORD, &other).await;
    assert_eq!(status, Status::Ok);
}

#[rocket::async_test]
async fn ipv6_clients_are_counted_by_their_slash_64() {
    let t = TestApp::new().await;
    for n in 1..=5 {
        let from = format!("2001:db8:1:2::{n}");
        login_from(&t, &from, "admin", "wrong password!", &[]).await;
    }
    let (status, _, _) = login_from(&t, "2001:db8:1:2::99", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::TooManyRequests);
    let (status, _, _) = login_from(&t, "2001:db8:1:3::1", "admin", ADMIN_PASSWORD, &[]).await;
    assert_eq!(status, Status::Ok);
}

#[rocket::async_test]
async fn creating_a_user_refuses_short_common_and_username_passwords() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    let cases = [
        ("elevenchars", "at least 12 characters"),
        ("password1234", "too common"),
        ("qwertyuiop12", "too common"),
        ("zzzzzzzzzzzzzz", "one character repeated"),
        ("kim.analyst7", "cannot be the username"),
    ];
    for (password, why) in cases {
        let body = json!({"username": "kim.analyst7", "display_name": "Kim", "role": "analyst", "password": password});
        let (status, res) = t.post_json("/api/v1/users", Some(&admin), &body).await;
        assert_eq!(status, Status::UnprocessableEntity, "{password}: {res}");
        assert_eq!(res["error"]["code"], "validation_failed");
        let message = res["error"]["fields"]["password"][0].as_str().unwrap_or("");
        assert!(message.contains(why), "{password}: {message}");
        assert!(!res.to_string().contains(password), "never echoed");
    }
    let (status, users) = t.get("/api/v1/users", Some(&admin)).await;
    assert_eq!((status, users["total"].as_u64()), (Status::Ok, Some(1)));
    // Twelve characters that are not common pass.
    let body = json!({"username": "kim.analyst7", "display_name": "Kim", "role": "analyst", "password": "twelve chars"});
    let (status, res) = t.post_json("/api/v1/users", Some(&admin), &body).await;
    assert_eq!(status, Status::Created, "{res}");
}

#[rocket::async_test]
async fn the_user_form_refuses_a_common_password() {
    let t = TestApp::new().await;
    t.page_login("admin", ADMIN_PASSWORD).await;
    let (_, page) = t.page("/admin/users/new").await;
    let csrf = extract_csrf(&page).unwrap();
    let (status, body, _) = t
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &csrf),
                ("display_name", "Kim Analyst"),
                ("username", "kim"),
                ("role", "analyst"),
                ("password", "password1234"),
            ],
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("too common"), "{body}");
}

#[test]
fn tcr_user_add_refuses_a_common_password() {
    let db = crate::cli::temp_db();
    let out = crate::cli::tcr(&db)
        .args(["user", "add", "kim", "--role", "analyst"])
        .env("TCR_PASSWORD", "password1234")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too common"));
    // The first admin's configured password obeys the rule too: the service will not start.
    let out = crate::cli::tcr(&db)
        .args(["migrate"])
        .env("TCR_ADMIN_PASSWORD", "password1234")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("TCR_ADMIN_PASSWORD"));
}

#[rocket::async_test]
async fn changing_ones_password_ends_the_other_sessions_and_tokens() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("commissioner").await;
    let this = t.login(&u, &p).await;
    let other = t.login(&u, &p).await;
    let new = "a brand new passphrase";
    let (status, body) = t
        .post_json(
            "/api/v1/me/password",
            Some(&this),
            &json!({"current_password": p, "new_password": new}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["username"], u.as_str());
    assert_eq!(
        t.get("/api/v1/me", Some(&other)).await.0,
        Status::Unauthorized
    );
    assert_eq!(t.get("/api/v1/me", Some(&this)).await.0, Status::Ok);
    let (status, _, _) = login_from(&t, "10.0.0.3", &u, &p, &[]).await;
    assert_eq!(status, Status::Unauthorized, "the old password is gone");
    t.login(&u, new).await;

    let admin = t.admin_token().await;
    let (_, trail) = t.get("/api/v1/audit?per_page=500", Some(&admin)).await;
    let changes = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "user.password_change" && e["user"] == u.as_str())
        .count();
    assert_eq!(changes, 1);
}

#[rocket::async_test]
async fn a_bad_password_change_changes_nothing() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("analyst").await;
    let token = t.login(&u, &p).await;
    let other = t.login(&u, &p).await;
    let cases = [
        (
            json!({"current_password": p, "new_password": "password1234"}),
            "new_password",
        ),
        (
            json!({"current_password": p, "new_password": p}),
            "new_password",
        ),
        (
            json!({"current_password": p, "new_password": u}),
            "new_password",
        ),
        (
            json!({"new_password": "a brand new passphrase"}),
            "current_password",
        ),
        (json!({}), "new_password"),
    ];
    for (body, field) in cases {
        let (status, res) = t
            .post_json("/api/v1/me/password", Some(&token), &body)
            .await;
        assert_eq!(status, Status::UnprocessableEntity, "{body}: {res}");
        assert!(res["error"]["fields"][field].is_array(), "{body}: {res}");
    }
    // A wrong current password is a 401 and nothing changes.
    let wrong =
        json!({"current_password": "not my password", "new_password": "a brand new passphrase"});
    let (status, res) = t
        .post_json("/api/v1/me/password", Some(&token), &wrong)
        .await;
    assert_eq!(status, Status::Unauthorized, "{res}");
    assert_eq!(res["error"]["code"], "unauthenticated");
    assert_eq!(t.get("/api/v1/me", Some(&other)).await.0, Status::Ok);
    t.login(&u, &p).await;
}

#[rocket::async_test]
async fn wrong_current_passwords_count_as_failed_sign_ins() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("analyst").await;
    let token = t.login(&u, &p).await;
    let wrong =
        json!({"current_password": "not my password", "new_password": "a brand new passphrase"});
    for _ in 0..5 {
        let (status, _) = post_from(&t, "10.0.0.5", "/api/v1/me/password", &token, &wrong).await;
        assert_eq!(status, Status::Unauthorized);
    }
    // Now even the right current password waits, and so does signing in from that address.
    let right = json!({"current_password": p, "new_password": "a brand new passphrase"});
    let (status, res) = post_from(&t, "10.0.0.5", "/api/v1/me/password", &token, &right).await;
    assert_eq!(status, Status::TooManyRequests, "{res}");
    let (status, _, _) = login_from(&t, "10.0.0.5", &u, &p, &[]).await;
    assert_eq!(status, Status::TooManyRequests);
    let (status, _, _) = login_from(&t, "10.0.0.6", &u, &p, &[]).await;
    assert_eq!(status, Status::Ok);
}

#[rocket::async_test]
async fn the_change_password_page_works_from_the_user_menu() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("analyst").await;
    let api = t.login(&u, &p).await;
    t.page_login(&u, &p).await;
    let (_, home) = t.page("/").await;
    assert!(
        home.contains("href=\"/account/password\""),
        "user menu link"
    );
    let (status, page) = t.page("/account/password").await;
    assert_eq!(status, Status::Ok);
    let csrf = extract_csrf(&page).unwrap();
    let new = "a brand new passphrase";
    let (status, body, _) = t
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", &p),
                ("new_password", new),
                ("confirm_password", "a brand new passphrasf"),
            ],
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("Enter the same new password twice"), "{body}");
    let (status, body, _) = t
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", "not my password"),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(status, Status::Unauthorized);
    assert!(body.contains("current password is not correct"), "{body}");
    // Without the CSRF token nothing happens.
    let (status, _, _) = t
        .post_form(
            "/account/password",
            &[
                ("current_password", &p),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(status, Status::Forbidden);
    let (status, _, location) = t
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", &p),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!((status, location.as_deref()), (Status::SeeOther, Some("/")));
    assert_eq!(t.page("/").await.0, Status::Ok, "this session stays");
    assert_eq!(
        t.get("/api/v1/me", Some(&api)).await.0,
        Status::Unauthorized
    );
    t.login(&u, new).await;
}

#[rocket::async_test]
async fn an_admin_reset_sets_a_one_time_password_that_must_be_changed_first() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    let (u, p) = t.user_with_role("commissioner").await;
    let before = t.login(&u, &p).await;
    let (_, users) = t.get("/api/v1/users", Some(&admin)).await;
    let id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["username"] == u.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A lock on the account is lifted by the reset.
    for _ in 0..5 {
        t.post_json(
            "/api/v1/login",
            None,
            &json!({"username": u, "password": "wrong password!"}),
        )
        .await;
    }
    let path = format!("/api/v1/users/{id}/password");
    let (status, res) = t.post_json(&path, Some(&admin), &json!({})).await;
    assert_eq!(status, Status::Ok, "{res}");
    let one_time = res["one_time_password"].as_str().unwrap().to_string();
    assert_eq!(res["user"]["must_change_password"], true);
    assert_eq!(
        t.get("/api/v1/me", Some(&before)).await.0,
        Status::Unauthorized
    );
    let (status, _) = t
        .post_json(
            "/api/v1/login",
            None,
            &json!({"username": u, "password": p}),
        )
        .await;
    assert_eq!(status, Status::Unauthorized, "the old password is gone");

    let (status, res) = t
        .post_json(
            "/api/v1/login",
            None,
            &json!({"username": u, "password": one_time}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{res}");
    assert_eq!(res["user"]["must_change_password"], true);
    let token = res["token"].as_str().unwrap().to_string();
    let (status, res) = t.get("/api/v1/people", Some(&token)).await;
    assert_eq!(status, Status::Forbidden);
    assert!(
        res["error"]["message"]
            .as_str()
            .unwrap()
            .contains("one-time password")
    );
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.0, Status::Ok);
    let new = "my own passphrase now";
    let (status, res) = t
        .post_json(
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": one_time, "new_password": new}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{res}");
    assert_eq!(res["must_change_password"], false);
    assert_eq!(t.get("/api/v1/people", Some(&token)).await.0, Status::Ok);

    let (_, trail) = t.get("/api/v1/audit?per_page=500", Some(&admin)).await;
    let resets: Vec<&Value> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "user.password_reset")
        .collect();
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0]["entity_id"], id.as_str());
    assert_eq!(resets[0]["user"], "admin");
}

#[rocket::async_test]
async fn resets_are_for_admins_on_other_users_with_a_strong_password() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    let (_, me) = t.get("/api/v1/me", Some(&admin)).await;
    let my_id = me["id"].as_str().unwrap();
    let (status, _) = t
        .post_json(
            &format!("/api/v1/users/{my_id}/password"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(status, Status::Conflict);
    let (u, p) = t.user_with_role("analyst").await;
    let (_, users) = t.get("/api/v1/users", Some(&admin)).await;
    let id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["username"] == u.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/users/{id}/password");
    let (status, res) = t
        .post_json(&path, Some(&admin), &json!({"password": "password1234"}))
        .await;
    assert_eq!(status, Status::UnprocessableEntity, "{res}");
    assert!(res["error"]["fields"]["password"].is_array());
    t.login(&u, &p).await;
    let commissioner = t.token_for_role("commissioner").await;
    let (status, _) = t.post_json(&path, Some(&commissioner), &json!({})).await;
    assert_eq!(status, Status::Forbidden);
    // A chosen one-time password that passes the rule is used as given.
    let (status, res) = t
        .post_json(
            &path,
            Some(&admin),
            &json!({"password": "kettle orbit mango"}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{res}");
    assert_eq!(res["one_time_password"], "kettle orbit mango");
    t.login(&u, "kettle orbit mango").await;
}

#[rocket::async_test]
async fn the_users_page_resets_a_password_and_the_user_is_sent_to_change_it() {
    let t = TestApp::new().await;
    let (u, _) = t.user_with_role("commissioner").await;
    t.page_login("admin", ADMIN_PASSWORD).await;
    let (_, page) = t.page("/admin/users").await;
    let marker = "/reset-password\"";
    let end = page.find(marker).expect("a Reset password button");
    let start = page[..end].rfind("/admin/users/").unwrap();
    let action = format!("{}/reset-password", &page[start..end]);
    let csrf = extract_csrf(&page).unwrap();
    let (status, shown, _) = t.post_form(&action, &[("csrf_token", &csrf)]).await;
    assert_eq!(status, Status::Ok);
    let code_start = shown.find("id=\"one-time-password\">").expect("shown once")
        + "id=\"one-time-password\">".len();
    let one_time = shown[code_start..].split('<').next().unwrap().to_string();
    assert_eq!(one_time.len(), 19, "{one_time}");

    // The user signs in with it and is sent to change it; every other page sends them back.
    let (_, home) = t.page("/").await;
    let logout_csrf = extract_csrf(&home).unwrap();
    t.post_form("/logout", &[("csrf_token", &logout_csrf)])
        .await;
    let csrf_login = t.csrf().await;
    let (status, _, location) = t
        .post_form(
            "/login",
            &[
                ("csrf_token", &csrf_login),
                ("username", &u),
                ("password", &one_time),
                ("next", "/people"),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/account/password"));
    let res = t.client.get("/people").dispatch().await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(res.headers().get_one("Location"), Some("/account/password"));
    let (status, page) = t.page("/account/password").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("one-time password"), "{page}");
    assert!(
        !page.contains("class=\"navigation\""),
        "no navigation until it is changed"
    );
    let csrf = extract_csrf(&page).unwrap();
    let new = "my own passphrase now";
    let (status, _, location) = t
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", &one_time),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!((status, location.as_deref()), (Status::SeeOther, Some("/")));
    assert_eq!(t.page("/people").await.0, Status::Ok);
}

fn set_cookie<'a>(headers: &'a rocket::http::HeaderMap<'_>, name: &str) -> Option<&'a str> {
    headers
        .get("Set-Cookie")
        .find(|c| c.starts_with(&format!("{name}=")))
}

async fn sign_in_through_the_page(t: &TestApp) -> Vec<String> {
    let csrf = t.csrf().await;
    let res = t
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[
            ("csrf_token", &csrf),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
        ]))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::SeeOther);
    res.headers().get("Set-Cookie").map(String::from).collect()
}

#[rocket::async_test]
async fn session_and_csrf_cookies_end_with_the_browser_session() {
    let t = TestApp::new().await;
    let cookies = sign_in_through_the_page(&t).await;
    for name in ["tcr_session", "tcr_csrf"] {
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {cookies:?}"));
        assert!(
            !cookie.contains("Expires") && !cookie.contains("Max-Age"),
            "{cookie}"
        );
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    }
    // The CSRF cookie set on a first visit is a session cookie too.
    let fresh = TestApp::new().await;
    let res = fresh.client.get("/login").dispatch().await;
    let cookie = set_cookie(res.headers(), "tcr_csrf")
        .expect("csrf cookie")
        .to_string();
    assert!(
        !cookie.contains("Expires") && !cookie.contains("Max-Age"),
        "{cookie}"
    );
}

#[rocket::async_test]
async fn behind_tls_cookies_carry_the_host_prefix_and_secure() {
    let t = TestApp::with(|s| s.behind_tls = true).await;
    let cookies = sign_in_through_the_page(&t).await;
    for name in ["__Host-tcr_session", "__Host-tcr_csrf"] {
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {cookies:?}"));
        assert!(
            cookie.contains("Secure") && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(
            !cookie.contains("Domain") && !cookie.contains("Expires"),
            "{cookie}"
        );
    }
    assert!(
        !cookies.iter().any(|c| c.starts_with("tcr_")),
        "{cookies:?}"
    );
    // The prefixed cookies are the ones read back: the session works.
    let (status, home) = t.page("/").await;
    assert_eq!(status, Status::Ok);
    assert!(home.contains("action=\"/logout\""));
}
