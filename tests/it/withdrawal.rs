//! Withdrawn means gone, checked from the route table: after a person withdraws consent, every
//! route and page of the service — each taking each of the ids of their records, and each list
//! with filters aimed at them — answers every role except records administrators exactly as if
//! the person had never existed. A route added later is covered without anyone listing it here.
//! Also: re-registering the NHS number of a withdrawn entry creates a new entry.

use crate::register::{answers, nhs, parental, person, today, ymd};
use crate::reviews::{RED, findings, member};
use crate::support::*;
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::{Value, json};
use tcr::web::routes::ENDPOINTS;
use time::Duration;

const GIVEN: &str = "Zephyrine";
const FAMILY: &str = "Quillfeather";

/// The register with a person who then withdrew, and what would reveal them.
struct World {
    t: TestApp,
    commissioner: String,
    chair: (String, String),
    expert: (String, String, String),
    /// Every id of the withdrawn person's records.
    ids: Vec<(&'static str, String)>,
    /// Text that only the withdrawn person's records hold.
    words: Vec<String>,
    withdrawn_on: time::Date,
}

async fn world() -> World {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = member(&t, "panel_chair").await;
    let (expert_name, expert_password) = t.user_with_role("panel_member").await;
    let expert_token = t.login(&expert_name, &expert_password).await;
    let (_, me) = t.get("/api/v1/me", Some(&expert_token)).await;
    let expert = (
        me["id"].as_str().unwrap().to_string(),
        expert_name,
        expert_password,
    );
    let clinician = member(&t, "clinical_expert").await;
    let day = today(&t);
    let born = day - Duration::days(365 * 15);
    let number = nhs(7001);

    // A referral, accepted: the person joins through the consent gate.
    let (s, referral) = t
        .post_json(
            "/api/v1/referrals",
            Some(&c),
            &json!({
                "received_on": ymd(day - Duration::days(200)), "referrer_name": "Dr Priya Shah",
                "referrer_role": "GP", "referrer_contact": "practice@example.nhs.uk",
                "given_name": GIVEN, "family_name": FAMILY, "date_of_birth": ymd(born),
                "nhs_number": number, "reason": "Crisis at home", "mdt_held_on": null, "answers": null,
            }),
        )
        .await;
    assert_eq!(s, Status::Created, "{referral}");
    let referral_id = referral["id"].as_str().unwrap().to_string();
    let mut body = person(&number, born, parental(day - Duration::days(190)));
    body["given_name"] = json!(GIVEN);
    body["family_name"] = json!(FAMILY);
    body["keyworker"] = json!("Keyworker Xanthippe");
    let (s, decided) = t
        .post_json(
            &format!("/api/v1/referrals/{referral_id}/decision"),
            Some(&c),
            &json!({"decided_on": ymd(day - Duration::days(190)), "outcome": "accepted", "person": body}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{decided}");
    let id = decided["person_id"].as_str().unwrap().to_string();

    // Assessed, admitted, visited, the stay changed, discharged.
    let (s, assessment) = t
        .post_json(
            &format!("/api/v1/people/{id}/risk-assessments"),
            Some(&c),
            &json!({"assessed_on": ymd(day - Duration::days(180)), "answers": answers(RED)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{assessment}");
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(day - Duration::days(170)), "hospital": "Hospital Ysolde",
                    "security_level": "none", "legal_status": "informal"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let stay_id = stay["id"].as_str().unwrap().to_string();
    let (s, v) = t
        .post_json(
            &format!("/api/v1/people/{id}/visits"),
            Some(&c),
            &json!({"visited_on": ymd(day - Duration::days(160)), "visitor": "Visitor Wulfric"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{v}");
    let (s, v) = t
        .patch_json(
            &format!("/api/v1/admissions/{stay_id}"),
            Some(&c),
            &json!({"security_level": "low"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let (s, v) = t
        .post_json(
            &format!("/api/v1/admissions/{stay_id}/discharge"),
            Some(&c),
            &json!({"discharged_on": ymd(day - Duration::days(100)), "destination": "family_home"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");

    // A community CETR held with an action plan (its report not yet sent, so live for the
    // panel), which scheduled a follow-up.
    let held_on = day - Duration::days(20);
    let (s, review) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&chair.1),
            &json!({"kind": "community", "scheduled_for": ymd(held_on), "chair_id": chair.0,
                    "expert_by_experience_id": expert.0, "clinical_expert_id": clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{review}");
    let review_id = review["id"].as_str().unwrap().to_string();
    let (s, held) = t
        .post_json(
            &format!("/api/v1/reviews/{review_id}/outcome"),
            Some(&chair.1),
            &json!({"held_on": ymd(held_on), "findings": findings(), "recommendations": "Recommendation Barnabus",
                    "actions": [
                        {"who": "Team Ottoline", "what": "Action Percival", "when": ymd(day - Duration::days(5)), "how": "How Cressida"},
                        {"who": "Team Ottoline", "what": "Action Eglantine", "when": ymd(day + Duration::days(30)), "how": "How Cressida"},
                    ]}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{held}");
    // A note on the record, and a document in the review's pack.
    let (s, n) = t
        .post_json(
            &format!("/api/v1/people/{id}/notes"),
            Some(&c),
            &json!({"noted_on": ymd(day - Duration::days(3)), "category": "contact", "text": "Note Xanthippe"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{n}");
    let (s, document) = crate::record::upload(
        &t,
        &c,
        &format!("/api/v1/reviews/{review_id}/documents"),
        "pack.pdf",
        crate::record::PDF,
        "pack_paper",
    )
    .await;
    assert_eq!(s, Status::Created, "{document}");
    let mut ids = vec![
        ("person", id.clone()),
        ("referral", referral_id),
        ("assessment", assessment["id"].as_str().unwrap().to_string()),
        ("admission", stay_id),
        ("review", review_id),
        (
            "follow-up",
            held["next_review"]["id"].as_str().unwrap().to_string(),
        ),
    ];
    for a in held["actions"].as_array().unwrap() {
        ids.push(("action", a["id"].as_str().unwrap().to_string()));
    }
    ids.push(("document", document["id"].as_str().unwrap().to_string()));

    // Someone who stays, so lists are not empty.
    let (s, kept) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(7002), born, parental(day - Duration::days(30))),
        )
        .await;
    assert_eq!(s, Status::Created, "{kept}");

    // The withdrawal.
    let withdrawn_on = day - Duration::days(2);
    let (s, w) = t
        .post_json(
            &format!("/api/v1/people/{id}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(withdrawn_on), "reason": "Withdrew by letter"}),
        )
        .await;
    assert_eq!(
        (s, w["status"].as_str()),
        (Status::Ok, Some("withdrawn")),
        "{w}"
    );

    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let mut words: Vec<String> = [
        GIVEN,
        FAMILY,
        "Xanthippe",
        "Ysolde",
        "Wulfric",
        "Barnabus",
        "Ottoline",
        "Percival",
        "Eglantine",
        "Cressida",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    words.push(number.clone());
    words.push(digits);
    words.extend(ids.iter().map(|(_, id)| id.clone()));
    World {
        t,
        commissioner: c,
        chair,
        expert,
        ids,
        words,
        withdrawn_on,
    }
}

/// How one request went, with the given id written as `<id>` so two answers can be compared.
async fn call(
    t: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    csrf: Option<&str>,
    id: &str,
) -> (Status, String) {
    let mut req = t.client.req(method, path.to_string());
    if path.starts_with("/api/") {
        req = req.header(ContentType::JSON);
        if method != Method::Get {
            req = req.body("{}");
        }
    } else if method != Method::Get {
        req = req
            .header(ContentType::Form)
            .body(form(&[("csrf_token", csrf.unwrap_or_default())]));
    }
    if let Some(token) = token {
        req = req.header(Header::new("Authorization", format!("Bearer {token}")));
    }
    let res = req.dispatch().await;
    let status = res.status();
    let location = res.headers().get_one("Location").map(String::from);
    let mut body = res.into_string().await.unwrap_or_default();
    // A page form answers with a redirect and a flash message: follow it, so where it leads
    // and what it says are compared too (and the message does not linger into the next page).
    if !path.starts_with("/api/") && method != Method::Get {
        let next = location.clone().unwrap_or_else(|| "/".into());
        let (s, page) = t.page(&next).await;
        body.push_str(&format!("\n--> {next} {s}\n{page}"));
    }
    (status, steady(&body).replace(id, "<id>"))
}

/// A signed-in page counts its session down in seconds (`data-session-left`,
/// `data-session-limit-left`, for the timeout warning): two answers a second apart differ there
/// and nowhere that could reveal anyone, so those numbers are left out of the comparison.
fn steady(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("-left=\"") {
        let (before, after) = rest.split_at(at + "-left=\"".len());
        out.push_str(before);
        rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

fn reveals<'a>(body: &str, words: &'a [String]) -> Option<&'a String> {
    words.iter().find(|w| body.contains(w.as_str()))
}

/// Every route and page, as a caller who may not read withdrawn records: each route taking an
/// id answers for each of the withdrawn person's ids exactly as for an id that never existed,
/// and no route (lists with filters aimed at the person included) names any of their records.
async fn nothing_reveals_them(w: &World, token: Option<&str>, who: &str) {
    let t = &w.t;
    let csrf = match token {
        Some(_) => Some(t.csrf_signed_in().await),
        None => Some(t.csrf().await),
    };
    // Filters aimed at the person, each with a twin aimed at no one: the two must answer alike
    // (a search box shows what was searched for).
    let digits: String = nhs(7001).chars().filter(char::is_ascii_digit).collect();
    let nobody_digits: String = nhs(7999).chars().filter(char::is_ascii_digit).collect();
    let aimed = [
        (
            "person_id",
            w.ids[0].1.clone(),
            uuid::Uuid::new_v4().to_string(),
        ),
        ("q", FAMILY.to_string(), "Nobodyknowsme".to_string()),
        ("q", digits, nobody_digits),
    ];
    let filters = [
        String::new(),
        "?status=withdrawn".to_string(),
        format!("?as_of={}", ymd(w.withdrawn_on - Duration::days(1))),
        "?overdue=true".to_string(),
        "?status=held".to_string(),
    ];
    let mut checked = 0;
    for e in ENDPOINTS {
        if e.path.ends_with("/logout") || e.path.ends_with("/login") {
            continue;
        }
        if e.path.contains('<') {
            for (kind, id) in &w.ids {
                let theirs = e.path.replace(
                    &e.path[e.path.find('<').unwrap()..=e.path.find('>').unwrap()],
                    id,
                );
                let unknown = uuid::Uuid::new_v4().to_string();
                let nobody = theirs.replace(id.as_str(), &unknown);
                let a = call(t, e.method, &theirs, token, csrf.as_deref(), id).await;
                let b = call(t, e.method, &nobody, token, csrf.as_deref(), &unknown).await;
                assert_eq!(
                    a, b,
                    "{who}: {} {} with the withdrawn {kind}'s id answers differently from an unknown id",
                    e.method, e.path
                );
                if let Some(word) = reveals(&a.1, &w.words) {
                    panic!("{who}: {} {theirs} reveals {word:?}", e.method);
                }
                checked += 1;
            }
        } else if e.method == Method::Get {
            for (name, theirs, nobody) in &aimed {
                let a = format!("{}?{name}={theirs}", e.path);
                let b = format!("{}?{name}={nobody}", e.path);
                let a = call(t, e.method, &a, token, None, theirs).await;
                let b = call(t, e.method, &b, token, None, nobody).await;
                assert_eq!(
                    a, b,
                    "{who}: GET {}?{name}= aimed at the withdrawn person answers differently from one aimed at no one",
                    e.path
                );
                checked += 1;
            }
            for filter in &filters {
                let path = format!("{}{filter}", e.path);
                let (status, body) = call(t, e.method, &path, token, None, "\u{0}").await;
                assert!(status.code < 500, "{who}: GET {path}: {status}");
                if let Some(word) = reveals(&body, &w.words) {
                    panic!("{who}: GET {path} ({status}) reveals {word:?}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "{who}: only {checked} requests checked");
}

/// Signs the browser client in as the user, for the pages.
async fn browser(w: &World, username: &str, password: &str) {
    assert_eq!(w.t.page_login(username, password).await, Status::SeeOther);
}

#[rocket::async_test]
async fn withdrawn_is_gone_for_the_commissioner() {
    let w = world().await;
    let (username, password) = w.t.user_with_role("commissioner").await;
    browser(&w, &username, &password).await;
    nothing_reveals_them(&w, Some(&w.commissioner), "commissioner").await;

    // Returns generated after the withdrawal leave them out, for this month and earlier ones.
    let day = today(&w.t);
    for (kind, period) in [
        (
            "monthly",
            format!("{:04}-{:02}", day.year(), u8::from(day.month())),
        ),
        ("weekly", {
            let mut d = day - Duration::days(1);
            while d.weekday() != time::Weekday::Sunday {
                d -= Duration::days(1);
            }
            ymd(d)
        }),
    ] {
        let mut period = period;
        if kind == "monthly" {
            let first = day.replace_day(1).unwrap() - Duration::days(1);
            period = format!("{:04}-{:02}", first.year(), u8::from(first.month()));
        }
        let (s, r) =
            w.t.post_json(
                "/api/v1/returns",
                Some(&w.commissioner),
                &json!({"kind": kind, "period": period}),
            )
            .await;
        assert_eq!(s, Status::Created, "{r}");
        let rid = r["id"].as_str().unwrap();
        assert!(reveals(&r.to_string(), &w.words).is_none(), "{kind}: {r}");
        let (s, _, _, csv) =
            w.t.download(&format!("/api/v1/returns/{rid}/csv"), Some(&w.commissioner))
                .await;
        assert_eq!(s, Status::Ok);
        let csv = String::from_utf8_lossy(&csv);
        assert!(reveals(&csv, &w.words).is_none(), "{kind} CSV: {csv}");
        let (s, page) = w.t.page(&format!("/returns/{rid}")).await;
        assert_eq!(s, Status::Ok);
        assert!(reveals(&page, &w.words).is_none(), "{kind} page");
    }
}

#[rocket::async_test]
async fn withdrawn_is_gone_for_the_chair() {
    let w = world().await;
    let (_, token) = &w.chair;
    let (username, password) = w.t.user_with_role("panel_chair").await;
    browser(&w, &username, &password).await;
    nothing_reveals_them(&w, Some(token), "panel chair").await;
}

/// The panel member sat on the withdrawn person's review, whose report is not yet sent: it
/// leaves their home page, their reviews, the person's record and pack.
#[rocket::async_test]
async fn withdrawn_is_gone_for_the_panel_member_who_sat_on_their_review() {
    let w = world().await;
    let (_, username, password) = &w.expert;
    let token = w.t.login(username, password).await;
    browser(&w, username, password).await;
    nothing_reveals_them(&w, Some(&token), "panel member").await;
}

#[rocket::async_test]
async fn withdrawn_is_gone_for_the_analyst_and_the_public() {
    let w = world().await;
    let token = w.t.token_for_role("analyst").await;
    nothing_reveals_them(&w, None, "signed out").await;
    let (username, password) = w.t.user_with_role("analyst").await;
    browser(&w, &username, &password).await;
    nothing_reveals_them(&w, Some(&token), "analyst").await;
}

/// Records administrators still read the withdrawn entry (kept for records retention), and the
/// audit trail shows who withdrew it.
#[rocket::async_test]
async fn records_administrators_still_read_the_withdrawn_entry() {
    let w = world().await;
    let admin = w.t.admin_token().await;
    let id = &w.ids[0].1;
    let (s, p) = w.t.get(&format!("/api/v1/people/{id}"), Some(&admin)).await;
    assert_eq!(
        (s, p["status"].as_str()),
        (Status::Ok, Some("withdrawn")),
        "{p}"
    );
    let (_, list) =
        w.t.get("/api/v1/people?status=withdrawn", Some(&admin))
            .await;
    assert_eq!(list["total"], 1, "{list}");
    let (_, trail) =
        w.t.get(&format!("/api/v1/audit?person_id={id}"), Some(&admin))
            .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["action"].as_str())
        .collect();
    assert!(actions.contains(&"person.withdraw"), "{actions:?}");
}

/// Re-registering: the NHS number of a withdrawn entry joins again as a new entry (a 409 would
/// reveal the withdrawn record, and block a person who consents again); uniqueness still holds
/// among entries that are not withdrawn, and the old records stay gone.
#[rocket::async_test]
async fn a_withdrawn_number_may_join_again_as_a_new_entry() {
    let w = world().await;
    let t = &w.t;
    let c = &w.commissioner;
    let day = today(t);
    let number = nhs(7001);
    let mut body = person(&number, day - Duration::days(365 * 15), parental(day));
    body["given_name"] = json!(GIVEN);
    body["family_name"] = json!(FAMILY);
    let (s, again) = t.post_json("/api/v1/people", Some(c), &body).await;
    assert_eq!(s, Status::Created, "{again}");
    let new_id = again["id"].as_str().unwrap().to_string();
    assert_ne!(new_id, w.ids[0].1);
    assert_eq!(again["rating"], Value::Null, "a new entry starts afresh");
    let (_, ratings) = t
        .get(&format!("/api/v1/people/{new_id}/ratings"), Some(c))
        .await;
    assert_eq!(ratings["total"], 0, "{ratings}");
    let (_, reviews) = t
        .get(&format!("/api/v1/reviews?person_id={new_id}"), Some(c))
        .await;
    assert_eq!(reviews["total"], 0, "{reviews}");
    assert_eq!(
        t.get(&format!("/api/v1/people/{}", w.ids[0].1), Some(c))
            .await
            .0,
        Status::NotFound
    );

    // While that entry stands, the number is taken.
    let (s, dup) = t.post_json("/api/v1/people", Some(c), &body).await;
    assert_eq!(
        (s, dup["error"]["code"].as_str()),
        (Status::Conflict, Some("conflict")),
        "{dup}"
    );
    // The admin sees both entries.
    let admin = t.admin_token().await;
    let (_, both) = t
        .get(
            &format!("/api/v1/people?status=withdrawn&q={FAMILY}"),
            Some(&admin),
        )
        .await;
    assert_eq!(both["total"], 1, "{both}");
    let (_, active) = t.get(&format!("/api/v1/people?q={FAMILY}"), Some(c)).await;
    assert_eq!(active["total"], 1, "{active}");
    assert_eq!(active["items"][0]["id"], new_id.as_str());
}
