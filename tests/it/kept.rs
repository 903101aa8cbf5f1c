//! Forms that don't lose work: a page form sent after its session lapsed is kept, sealed, for its
//! user for an hour, and sent or discarded after they sign in again (issue 14). The session's
//! clock as pages see it is in `session_clock.rs`.

use crate::register::{nhs, parental, person, today, ymd};
use crate::support::*;
use rocket::http::{ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::sync::atomic::{AtomicU32, Ordering};
use tcr::entities::{audit_entry, kept_form};
use time::Duration;

/// A signed-in user of the pages: (username, password, user id).
pub async fn user(t: &TestApp, role: &str) -> (String, String, String) {
    let (username, password) = t.user_with_role(role).await;
    let id = user_id(t, &username, &password).await;
    (username, password, id)
}

async fn user_id(t: &TestApp, username: &str, password: &str) -> String {
    let token = t.login(username, password).await;
    let (_, me) = t.get("/api/v1/me", Some(&token)).await;
    me["id"].as_str().unwrap().to_string()
}

/// NHS numbers for the people of these tests, one each.
static NEXT: AtomicU32 = AtomicU32::new(1);

/// A review chaired by `chair`, scheduled for today, whose outcome form is open.
async fn review(t: &TestApp, chair: &str) -> String {
    let c = t.token_for_role("commissioner").await;
    let born = today(t) - Duration::days(365 * 16);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(
                &nhs(NEXT.fetch_add(1, Ordering::Relaxed)),
                born,
                parental(today(t) - Duration::days(400)),
            ),
        )
        .await;
    let (_, _, expert) = user(t, "panel_member").await;
    let (_, _, clinician) = user(t, "clinical_expert").await;
    let (status, r) = t
        .post_json(
            &format!("/api/v1/people/{}/reviews", p["id"].as_str().unwrap()),
            Some(&c),
            &json!({"kind": "community", "scheduled_for": ymd(today(t)), "chair_id": chair,
                    "expert_by_experience_id": expert, "clinical_expert_id": clinician}),
        )
        .await;
    assert_eq!(status, Status::Created, "{r}");
    r["id"].as_str().unwrap().to_string()
}

/// A chair signed in with the outcome form of their review open.
struct Opened {
    chair: String,
    password: String,
    review_id: String,
    review_page: String,
    outcome_path: String,
    csrf: String,
}

async fn open_outcome(t: &TestApp) -> Opened {
    let (chair, password, chair_id) = user(t, "panel_chair").await;
    let review_id = review(t, &chair_id).await;
    let review_page = format!("/reviews/{review_id}");
    sign_in(t, &chair, &password, "/").await;
    let (status, page) = t.page(&review_page).await;
    assert_eq!(status, Status::Ok);
    Opened {
        chair,
        password,
        outcome_path: format!("{review_page}/outcome"),
        csrf: extract_csrf(&page).unwrap(),
        review_id,
        review_page,
    }
}

/// Signs in through the sign-in page with `next`, returning where it sends the browser.
pub async fn sign_in(t: &TestApp, username: &str, password: &str, next: &str) -> String {
    let (_, home) = t.page("/").await;
    if home.contains("action=\"/logout\"") {
        let csrf = extract_csrf(&home).unwrap();
        t.post_form("/logout", &[("csrf_token", &csrf)]).await;
    }
    let csrf = t.csrf().await;
    let (status, _, location) = t
        .post_form(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("username", username),
                ("password", password),
                ("next", next),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    location.unwrap()
}

/// Posts a form as a browser does from the page `from`.
pub async fn post_from(
    t: &TestApp,
    from: &str,
    path: &str,
    body: String,
) -> (Status, Option<String>, String) {
    let res = t
        .client
        .post(path.to_string())
        .header(ContentType::Form)
        .header(Header::new("Referer", format!("http://localhost{from}")))
        .header(Header::new("Host", "localhost"))
        .body(body)
        .dispatch()
        .await;
    let status = res.status();
    let location = res.headers().get_one("Location").map(String::from);
    (
        status,
        location,
        res.into_string().await.unwrap_or_default(),
    )
}

/// The outcome as the chair typed it: long findings with line breaks and characters HTML and
/// URLs care about.
fn outcome(csrf: &str) -> Vec<(String, String)> {
    let long = "Sam is settled at home. \"Quotes\", <angle brackets> & ampersands;\r\n\
                a second line with 50% + more.\r\n"
        .repeat(60);
    let mut fields = vec![
        ("csrf_token".to_string(), csrf.to_string()),
        ("step".into(), "record".into()),
        ("held_on".into(), String::new()),
        ("recommendations".into(), long.clone()),
    ];
    for key in [
        "safe",
        "current_care",
        "daily_life",
        "physical_health",
        "future_plan",
        "need_for_hospital",
        "education",
    ] {
        fields.push((format!("findings[{key}]"), format!("{key}: {long}")));
    }
    fields
}

fn encode(fields: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form(&pairs)
}

/// What a browser undoes of Tera's escaping in attribute values.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The fields of the form posting to `action` on a page, as a browser would send them.
fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("form {action}: {html}"));
    let end = start + html[start..].find("</form>").unwrap();
    let mut fields = vec![];
    for input in html[start..end].split("<input").skip(1) {
        let attr = |name: &str| {
            let marker = format!("{name}=\"");
            let at = input.find(&marker)? + marker.len();
            let len = input[at..].find('"')?;
            Some(unescape(&input[at..at + len]))
        };
        fields.push((attr("name").unwrap(), attr("value").unwrap_or_default()));
    }
    fields
}

fn kept_id(location: &str) -> String {
    let marker = "next=/kept/";
    let at = location
        .find(marker)
        .unwrap_or_else(|| panic!("{location}"))
        + marker.len();
    location[at..at + 36].to_string()
}

#[rocket::async_test]
async fn an_outcome_sent_after_the_session_lapsed_is_kept_and_sent_after_signing_in_again() {
    let t = TestApp::new().await;
    let Opened {
        chair,
        password,
        review_id,
        review_page,
        outcome_path,
        csrf,
    } = open_outcome(&t).await;
    let chair_id = user_id(&t, &chair, &password).await;
    let mut typed = outcome(&csrf);
    typed[2].1 = ymd(today(&t));

    // Typing for half an hour: the session lapses before the form is sent.
    t.clock.advance(Duration::minutes(30));
    let (status, location, _) = post_from(&t, &review_page, &outcome_path, encode(&typed)).await;
    assert_eq!(status, Status::SeeOther);
    let location = location.unwrap();
    assert!(location.starts_with("/login?next=/kept/"), "{location}");
    let id = kept_id(&location);

    // Kept sealed: nothing typed is readable in the database or the audit trail.
    let row = kept_form::Entity::find_by_id(id.clone())
        .one(&t.db)
        .await
        .unwrap()
        .expect("kept");
    assert_eq!(row.user_id, chair_id);
    assert_eq!(row.path, outcome_path);
    assert_eq!(row.return_to, review_page);
    assert!(!String::from_utf8_lossy(&row.sealed).contains("settled"));
    let entries = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("form.kept"))
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert!(!format!("{entries:?}").contains("settled"));

    // The sign-in page says why, and that the work was kept.
    let (_, login) = t.page(&location).await;
    assert!(
        login.contains("You were signed out after 30 minutes without activity.")
            && login.contains("What you were typing has been kept"),
        "{login}"
    );
    let after = sign_in(&t, &chair, &password, &format!("/kept/{id}")).await;
    assert_eq!(after, format!("/kept/{id}"));
    let (status, offer) = t.page(&after).await;
    assert_eq!(status, Status::Ok);
    assert!(offer.contains("Your work was kept") && offer.contains("Sam is settled at home."));

    // Send it: the kept fields with a fresh token go on to the form's own path.
    let fields = form_fields(&offer, &format!("/kept/{id}"));
    let fresh = extract_csrf(&offer).unwrap();
    assert_ne!(fresh, csrf);
    assert_eq!(fields[0], ("csrf_token".to_string(), fresh.clone()));
    let mut expected = typed.clone();
    expected[0].1 = fresh;
    // A browser normalises line breaks in values to CRLF when it sends them.
    let sent: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.clone(), v.replace("\r\n", "\n").replace('\n', "\r\n")))
        .collect();
    assert_eq!(sent, expected);
    let (status, location, _) = post_from(&t, &after, &format!("/kept/{id}"), encode(&sent)).await;
    assert_eq!(status, Status::TemporaryRedirect);
    assert_eq!(location.as_deref(), Some(outcome_path.as_str()));
    // The browser repeats the same body there (307).
    let (status, location, body) = post_from(&t, &after, &outcome_path, encode(&sent)).await;
    assert_eq!(status, Status::SeeOther, "{body}");
    assert_eq!(location.as_deref(), Some(review_page.as_str()));
    let token = t.login(&chair, &password).await;
    let (_, held) = t
        .get(&format!("/api/v1/reviews/{review_id}"), Some(&token))
        .await;
    assert_eq!(held["status"], "held", "{held}");
    let recommendations = held["recommendations"].as_str().unwrap_or_default();
    assert!(
        recommendations
            .starts_with("Sam is settled at home. \"Quotes\", <angle brackets> & ampersands;")
            && recommendations.contains("50% + more.")
            && recommendations.len() >= typed[3].1.len() - 200,
        "{held}"
    );

    // Used once: gone.
    assert_eq!(t.page(&format!("/kept/{id}")).await.0, Status::NotFound);
    assert!(
        kept_form::Entity::find_by_id(id)
            .one(&t.db)
            .await
            .unwrap()
            .is_none()
    );
}

/// A chair's outcome form kept after their session lapsed: (chair, password, kept id, review page).
async fn kept_outcome(t: &TestApp) -> (String, String, String, String) {
    let o = open_outcome(t).await;
    t.clock.advance(Duration::minutes(31));
    let (status, location, _) = post_from(
        t,
        &o.review_page,
        &o.outcome_path,
        encode(&outcome(&o.csrf)),
    )
    .await;
    let (chair, password, review_page) = (o.chair, o.password, o.review_page);
    assert_eq!(status, Status::SeeOther);
    (chair, password, kept_id(&location.unwrap()), review_page)
}

#[rocket::async_test]
async fn another_user_never_sees_a_kept_form() {
    let t = TestApp::new().await;
    let (chair, password, id, _) = kept_outcome(&t).await;
    let (other, other_password, _) = user(&t, "panel_chair").await;
    // Signing in with the link meant for the chair lands on nothing.
    sign_in(&t, &other, &other_password, &format!("/kept/{id}")).await;
    let (status, page) = t.page(&format!("/kept/{id}")).await;
    assert_eq!(status, Status::NotFound);
    assert!(!page.contains("settled"));
    let csrf = t.csrf_signed_in().await;
    for path in [format!("/kept/{id}"), format!("/kept/{id}/discard")] {
        let (status, _, _) = t.post_form(&path, &[("csrf_token", &csrf)]).await;
        assert_eq!(status, Status::NotFound, "{path}");
    }
    // Still there for the chair.
    t.page_login(&chair, &password).await;
    assert_eq!(t.page(&format!("/kept/{id}")).await.0, Status::Ok);
}

#[rocket::async_test]
async fn a_kept_form_lasts_an_hour_then_is_ignored_and_purged() {
    let t = TestApp::new().await;
    let (chair, password, id, _) = kept_outcome(&t).await;
    t.clock.advance(Duration::minutes(59));
    sign_in(&t, &chair, &password, "/").await;
    assert_eq!(t.page(&format!("/kept/{id}")).await.0, Status::Ok);
    t.clock.advance(Duration::minutes(1));
    let (status, page) = t.page(&format!("/kept/{id}")).await;
    assert_eq!(status, Status::NotFound);
    assert!(page.contains("its hour has passed"), "{page}");
    // The next form kept sweeps it away.
    let (_, _, other, _) = kept_outcome(&t).await;
    let left: Vec<String> = kept_form::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(left, vec![other]);
}

#[rocket::async_test]
async fn a_kept_form_can_be_discarded_back_to_its_page() {
    let t = TestApp::new().await;
    let (chair, password, id, review_page) = kept_outcome(&t).await;
    sign_in(&t, &chair, &password, "/").await;
    let csrf = t.csrf_signed_in().await;
    let (status, _, location) = t
        .post_form(&format!("/kept/{id}/discard"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some(review_page.as_str()));
    let (_, page) = t.page(&review_page).await;
    assert!(page.contains("What you typed has been discarded."));
    assert_eq!(t.page(&format!("/kept/{id}")).await.0, Status::NotFound);
    let discarded = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("form.discarded"))
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(discarded.len(), 1);
}

#[rocket::async_test]
async fn nothing_is_kept_without_the_right_token_or_from_a_signed_out_session() {
    let t = TestApp::new().await;
    let Opened {
        chair,
        password,
        review_id: _,
        review_page,
        outcome_path,
        csrf,
    } = open_outcome(&t).await;
    t.clock.advance(Duration::minutes(30));

    // A wrong token: not kept, and the browser is sent to sign in and back to the form's page.
    let (status, location, _) = post_from(
        &t,
        &review_page,
        &outcome_path,
        encode(&outcome(&"0".repeat(64))),
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(
        location.as_deref(),
        Some(format!("/login?next={review_page}").as_str())
    );
    // Another site's form: not kept either.
    let res = t
        .client
        .post(outcome_path.clone())
        .header(ContentType::Form)
        .header(Header::new("Origin", "https://evil.example"))
        .body(encode(&outcome(&csrf)))
        .dispatch()
        .await;
    assert!(res.status() == Status::SeeOther || res.status() == Status::Forbidden);
    // Not a form: as before.
    let res = t
        .client
        .post(outcome_path.clone())
        .header(ContentType::JSON)
        .body("{}")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(kept_form::Entity::find().all(&t.db).await.unwrap().len(), 0);

    // Signed out (the session revoked, not lapsed): nothing kept.
    t.clock.advance(Duration::minutes(-30));
    t.page_login(&chair, &password).await;
    let (_, home) = t.page("/").await;
    let token = extract_csrf(&home).unwrap();
    t.post_form("/logout", &[("csrf_token", &token)]).await;
    let token = t.csrf().await;
    let (status, location, _) =
        post_from(&t, &review_page, &outcome_path, encode(&outcome(&token))).await;
    assert_eq!(status, Status::SeeOther);
    assert!(!location.unwrap().contains("kept"));
    assert_eq!(kept_form::Entity::find().all(&t.db).await.unwrap().len(), 0);
}

#[rocket::async_test]
async fn the_timeout_script_keeps_a_form_without_sending_it() {
    let t = TestApp::new().await;
    let Opened {
        chair,
        password,
        review_id,
        review_page,
        outcome_path,
        csrf,
    } = open_outcome(&t).await;
    let keep = format!("/kept?to={}", outcome_path.replace('/', "%2F"));

    // Only a page form's path can be named.
    for to in [
        "/api/v1/people",
        "/login",
        "https://evil.example/",
        "/nowhere",
    ] {
        let (status, _, _) = post_from(
            &t,
            &review_page,
            &format!("/kept?to={to}"),
            encode(&outcome(&csrf)),
        )
        .await;
        assert_eq!(status, Status::BadRequest, "{to}");
    }
    // A wrong token is refused.
    let (status, _, _) =
        post_from(&t, &review_page, &keep, encode(&outcome(&"1".repeat(64)))).await;
    assert_eq!(status, Status::Forbidden);

    // Still signed in (another tab kept the session alive): kept and offered back at once.
    let (status, location, _) = post_from(&t, &review_page, &keep, encode(&outcome(&csrf))).await;
    assert_eq!(status, Status::SeeOther);
    let location = location.unwrap();
    assert!(location.starts_with("/kept/"), "{location}");
    assert_eq!(t.page(&location).await.0, Status::Ok);

    // Lapsed: kept, then sign in; the review itself is untouched.
    t.clock.advance(Duration::minutes(30));
    let (status, location, _) = post_from(&t, &review_page, &keep, encode(&outcome(&csrf))).await;
    assert_eq!(status, Status::SeeOther);
    let location = location.unwrap();
    assert!(location.starts_with("/login?next=/kept/"), "{location}");
    let token = t.login(&chair, &password).await;
    let (_, review) = t
        .get(&format!("/api/v1/reviews/{review_id}"), Some(&token))
        .await;
    assert_eq!(review["status"], "scheduled");
    assert_eq!(kept_form::Entity::find().all(&t.db).await.unwrap().len(), 2);
}
