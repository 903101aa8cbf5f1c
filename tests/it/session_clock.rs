//! The session's clock as pages see it: the countdown the timeout warning reads, *Stay signed
//! in*, and signing in again to the page asked for, saying why the session ended (issue 14).

use crate::kept::{post_from, sign_in, user};
use crate::support::*;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tcr::entities::session;
use time::Duration;

fn attribute(html: &str, name: &str) -> i64 {
    let marker = format!("{name}=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("{html}")) + marker.len();
    let len = html[at..].find('"').unwrap();
    html[at..at + len].parse().unwrap()
}

/// The `data-session-left` a signed-in page carries.
async fn seconds_left(t: &TestApp) -> i64 {
    attribute(&t.page("/").await.1, "data-session-left")
}

fn limit_left(html: &str) -> i64 {
    attribute(html, "data-session-limit-left")
}

/// Equal but for the real time a few requests take.
fn assert_near(got: i64, want: i64) {
    assert!((want - 2..=want).contains(&got), "{got} is not {want}");
}

#[rocket::async_test]
async fn pages_count_down_from_the_recorded_activity_and_stay_signed_in_resets_it() {
    let t = TestApp::new().await;
    let (chair, password, _) = user(&t, "panel_chair").await;
    sign_in(&t, &chair, &password, "/").await;
    assert_near(seconds_left(&t).await, 30 * 60);
    let (_, home) = t.page("/").await;
    assert!(
        home.contains("data-session-warn=\"120\"")
            && home.contains("data-session-idle=\"1800\"")
            && home.contains("id=\"timeout-warning\"")
            && home.contains("aria-modal=\"true\"")
            && home.contains("Stay signed in")
    );
    assert_near(limit_left(&home), 12 * 60 * 60);
    // Activity is recorded at most once a minute: 40 seconds on, the clock still runs from
    // signing in.
    t.clock.advance(Duration::seconds(40));
    assert_near(seconds_left(&t).await, 30 * 60 - 40);

    let csrf = t.csrf_signed_in().await;
    let (status, body, _) = t
        .post_form("/session/keep-alive", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(status, Status::NoContent);
    assert!(body.is_empty());
    assert_near(seconds_left(&t).await, 30 * 60);
    let row = session::Entity::find()
        .filter(session::Column::Kind.eq("browser"))
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .max_by_key(|s| s.created_at)
        .unwrap();
    assert!(t.app.clock.now() - row.last_seen_at < Duration::seconds(2));

    // Kept alive at 40 s: still signed in 30 min 10 s after signing in.
    t.clock
        .advance(Duration::minutes(29) + Duration::seconds(30));
    let (status, _) = t.page("/").await;
    assert_eq!(status, Status::Ok);
    t.clock.advance(Duration::minutes(30));
    let (status, _) = t.page("/").await;
    assert_eq!(status, Status::SeeOther);

    // Without a token, or signed out, no keep-alive.
    let (status, _, _) = t.post_form("/session/keep-alive", &[]).await;
    assert_ne!(status, Status::NoContent);
    // The sign-in page and pages for nobody carry no countdown.
    let (_, login) = t.page("/login").await;
    assert!(!login.contains("data-session-left") && !login.contains("timeout-warning"));
}

#[rocket::async_test]
async fn signing_in_returns_to_the_page_asked_for() {
    let t = TestApp::new().await;
    let (chair, password, _) = user(&t, "panel_chair").await;
    // A page with a query: the whole address comes back.
    let res = t.client.get("/reviews?status=held").dispatch().await;
    assert_eq!(res.status(), Status::SeeOther);
    let location = res.headers().get_one("Location").unwrap().to_string();
    assert_eq!(location, "/login?next=/reviews%3Fstatus%3Dheld");
    let (_, login) = t.page(&location).await;
    assert!(
        login.contains("value=\"&#x2F;reviews?status=held\""),
        "{login}"
    );
    assert!(!login.contains("You were signed out"));
    assert_eq!(
        sign_in(&t, &chair, &password, "/reviews?status=held").await,
        "/reviews?status=held"
    );
    // Already signed in, the sign-in page goes straight on.
    let res = t.client.get("/login?next=/reviews").dispatch().await;
    assert_eq!(res.headers().get_one("Location"), Some("/reviews"));
    let res = t.client.get("/login?next=//evil.example").dispatch().await;
    assert_eq!(res.headers().get_one("Location"), Some("/"));

    // The 12-hour limit is named as such.
    t.clock.advance(Duration::hours(12));
    let (_, login) = t.page("/login").await;
    assert!(
        login.contains("You were signed out because you had been signed in for 12 hours."),
        "{login}"
    );
    // A form sent without a session returns to the page it was on.
    let (status, location, _) = post_from(
        &t,
        "/people/new?x=1",
        "/people",
        form(&[("csrf_token", "0")]),
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/login?next=/people/new%3Fx%3D1"));
}
