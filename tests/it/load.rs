//! `tcr bench --load`: its driver against a real server on a real port (in this process), and
//! the whole command (seeding, `tcr serve` as a child, sign-ins, phases) on a small register.

use crate::support::TestApp;
use std::time::Duration;
use tcr::bench::load::{self, Client, Via};
use tcr::bench::serve::{commissioner, free_port, sample};

#[rocket::async_test]
async fn the_driver_signs_in_and_times_every_route_over_http() {
    let t = TestApp::new().await;
    let today = t.app.clock.today();
    tcr::bench::seed_synthetic(&t.db, 40, today, 7)
        .await
        .expect("seed");
    tcr::services::people::projection::refresh_stale(
        &t.db,
        &t.app.policies.schedule,
        today,
        1000,
        u64::MAX,
    )
    .await
    .expect("projection");
    commissioner(&t.app, "load.test", "a long load test password")
        .await
        .expect("commissioner");
    let port = free_port(19180).expect("a free port");
    let figment = tcr::config::figment()
        .merge(("secret_key", "a".repeat(64)))
        .merge(("address", "127.0.0.1"))
        .merge(("port", port));
    let rocket = tcr::build(figment, t.app.clone())
        .await
        .expect("build")
        .ignite()
        .await
        .expect("ignite");
    let shutdown = rocket.shutdown();
    let server = rocket::tokio::spawn(rocket.launch());

    let mut first = None;
    for _ in 0..100 {
        match Client::sign_in(port, "load.test", "a long load test password").await {
            Ok(c) => {
                first = Some(c);
                break;
            }
            Err(_) => rocket::tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    let first = first.expect("the server answers and the commissioner signs in");
    let second = Client::sign_in(port, "load.test", "a long load test password")
        .await
        .expect("a second sign-in");
    let refused = Client::sign_in(port, "load.test", "not the password").await;
    assert!(refused.is_err(), "a wrong password gives no client");
    let mut clients = vec![first, second];

    let sample = sample(&t.db, today).await.expect("sample");
    assert!(!sample.ids.is_empty() && sample.ids.len() <= 40);
    let routes = load::routes(&sample);
    for route in &routes {
        let s = load::drive(&mut clients, route, 5, Duration::from_secs(60)).await;
        assert_eq!(
            (s.ok, s.errors),
            (5, 0),
            "{}: {:?}",
            route.name,
            s.first_error
        );
        assert!(s.p50_ms > 0.0 && s.p50_ms <= s.p95_ms && s.p95_ms <= s.max_ms);
        assert!(s.body_bytes > 0, "{} has a body", route.name);
    }
    // The page routes really are pages of a signed-in user, not the sign-in form.
    let page = clients[0].fetch(Via::Page, "/").await.expect("dashboard");
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("name=\"password\""));
    // A route that fails is counted, not timed.
    let missing = load::Route::new(
        "missing",
        Via::Api,
        vec!["/api/v1/people/00000000-0000-4000-8000-000000000000".into()],
    );
    let s = load::drive(&mut clients, &missing, 3, Duration::from_secs(60)).await;
    assert_eq!((s.ok, s.errors), (0, 3));
    assert!(s.first_error.unwrap_or_default().starts_with("status 404"));

    drop(clients);
    shutdown.notify();
    let _ = server.await;
}

#[test]
fn the_load_command_serves_a_small_register_and_prints_its_table() {
    let db = crate::cli::temp_db();
    let out = crate::cli::tcr(&db)
        .env("TMPDIR", std::env::temp_dir())
        .args([
            "bench",
            "--load",
            "--people",
            "30",
            "--backends",
            "sqlite",
            "--clients",
            "1,2",
            "--requests",
            "3",
            "--port",
            "19150",
            "--routes",
            "a person,dashboard",
        ])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{table}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for row in [
        "| sqlite | 30 | 1 | a person | 3 | 0 |",
        "| sqlite | 30 | 2 | a person | 3 | 0 |",
        "| sqlite | 30 | 2 | a person's due list | 3 | 0 |",
        "| sqlite | 30 | 2 | dashboard page | 3 | 0 |",
    ] {
        assert!(table.contains(row), "{row} missing from:\n{table}");
    }
    assert!(!table.contains("people rating=red"), "{table}");
    assert!(table.contains("| sqlite | 30 |") && table.contains("with 1: "));
}
