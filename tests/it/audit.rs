//! The audit trail records what happened, can be read by person, user and date, and its hash
//! chain catches any edit or deletion.

use crate::support::*;
use rocket::http::Status;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

async fn exec(t: &TestApp, sql: &str) {
    let backend = t.db.get_database_backend();
    t.db.execute_raw(Statement::from_string(backend, sql.to_string()))
        .await
        .expect(sql);
}

#[rocket::async_test]
async fn logins_user_changes_and_reads_of_the_trail_are_recorded() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    t.post_json(
        "/api/v1/login",
        None,
        &json!({"username": "admin", "password": "wrong password!"}),
    )
    .await;
    t.post_json(
        "/api/v1/login",
        None,
        &json!({"username": "ghost", "password": "wrong password!"}),
    )
    .await;
    t.user_with_role("analyst").await;
    let (status, trail) = t.get("/api/v1/audit?per_page=500", Some(&admin)).await;
    assert_eq!(status, Status::Ok);
    let actions: Vec<(&str, &str)> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["action"].as_str().unwrap(), i["user"].as_str().unwrap()))
        .collect();
    for expected in [
        ("user.create", "system"),
        ("login.ok", "admin"),
        ("login.failed", "admin"),
        ("login.failed", "(unknown)"),
        ("user.create", "admin"),
    ] {
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
    // The unknown username typed is not kept (it might have been a password).
    assert!(!trail.to_string().contains("ghost"));
    for item in trail["items"].as_array().unwrap() {
        for key in ["at", "user", "role", "action", "entity", "entity_id"] {
            assert!(item.get(key).is_some(), "{key} in {item}");
        }
    }
    // Newest first, and reading the trail was itself recorded.
    let (_, again) = t.get("/api/v1/audit?per_page=1", Some(&admin)).await;
    assert_eq!(again["items"][0]["action"], "audit.read");
    assert_eq!(again["per_page"], 1);
    assert!(again["total"].as_u64().unwrap() > 6);

    let (_, by_user) = t.get("/api/v1/audit?user=system", Some(&admin)).await;
    assert!(
        by_user["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["user"] == "system")
    );
    let (_, future) = t.get("/api/v1/audit?from=2099-01-01", Some(&admin)).await;
    assert_eq!(future["total"], 0);
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let (_, todays) = t
        .get(
            &format!("/api/v1/audit?from={today}&to={today}"),
            Some(&admin),
        )
        .await;
    assert!(todays["total"].as_u64().unwrap() > 0);
}

#[rocket::async_test]
async fn verify_passes_on_an_untouched_trail() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    t.user_with_role("commissioner").await;
    let (status, v) = t.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["entries"].as_u64().unwrap() >= 4);
}

#[rocket::async_test]
async fn verify_catches_an_edited_entry() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    t.user_with_role("commissioner").await;
    exec(
        &t,
        "UPDATE audit_log SET username = 'someone_else' WHERE seq = 2",
    )
    .await;
    let (_, v) = t.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["broken_at"], 2);
}

#[rocket::async_test]
async fn verify_catches_a_deleted_entry_and_a_cut_tail() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    t.user_with_role("commissioner").await;
    exec(&t, "DELETE FROM audit_log WHERE seq = 3").await;
    let (_, v) = t.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["broken_at"], 3);

    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    t.user_with_role("commissioner").await;
    exec(
        &t,
        "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
    )
    .await;
    let (_, v) = t.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(v["ok"], false, "{v}");
}

#[rocket::async_test]
async fn a_rewritten_entry_with_a_recomputed_hash_still_breaks_the_chain() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    t.user_with_role("commissioner").await;
    // Tamper with entry 2 and even fix its own hash: entry 3's link now fails.
    exec(&t, "UPDATE audit_log SET action = 'x', hash = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' WHERE seq = 2").await;
    let (_, v) = t.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(v["ok"], false);
    let _ = DbBackend::Sqlite;
}

#[rocket::async_test]
async fn concurrent_writers_keep_the_chain_whole() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    // Twenty sign-ins and failures at once: every one appends to the chain in its own
    // transaction, so they must queue on the head row rather than fork the chain.
    let attempts = (0..20).map(|i| {
        let password = if i % 2 == 0 {
            ADMIN_PASSWORD
        } else {
            "wrong password!"
        };
        t.client
            .post("/api/v1/login")
            .header(rocket::http::ContentType::JSON)
            .body(json!({"username": "admin", "password": password}).to_string())
            .dispatch()
    });
    let statuses: Vec<Status> = rocket::futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    assert!(statuses.iter().all(|s| s.code < 500), "{statuses:?}");
    let (_, v) = t.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["entries"].as_u64().unwrap() >= 21, "{v}");
}
