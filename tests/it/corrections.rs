//! Corrections through the API: a stay's admission date, hospital, security level and legal
//! status (history rewritten, frozen returns unchanged), a risk assessment voided, a held
//! review's outcome amended until its report is sent and addenda after, actions reopened.

use crate::register::{answers, nhs, parental, person, today, ymd};
use crate::reviews::{RED, findings, panel};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use time::{Date, Duration};

/// A 15-year-old on the register since `registered`, as (token, person id).
async fn someone(t: &TestApp, n: u32, registered: Date) -> (String, String) {
    let c = t.token_for_role("commissioner").await;
    let born = today(t) - Duration::days(365 * 15);
    let mut body = person(&nhs(n), born, parental(registered));
    body["registered_on"] = json!(ymd(registered));
    let (s, p) = t.post_json("/api/v1/people", Some(&c), &body).await;
    assert_eq!(s, Status::Created, "{p}");
    (c, p["id"].as_str().unwrap().to_string())
}

async fn admit(t: &TestApp, c: &str, id: &str, on: Date, hospital: &str) -> String {
    let (s, a) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(c),
            &json!({"admitted_on": ymd(on), "hospital": hospital, "security_level": "none",
                    "legal_status": "informal"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{a}");
    a["id"].as_str().unwrap().to_string()
}

async fn assess(t: &TestApp, c: &str, id: &str, on: Date, yes: &[&str]) -> Value {
    let (s, a) = t
        .post_json(
            &format!("/api/v1/people/{id}/risk-assessments"),
            Some(c),
            &json!({"assessed_on": ymd(on), "answers": answers(yes)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{a}");
    a
}

fn field_error<'a>(body: &'a Value, field: &str) -> &'a Value {
    &body["error"]["fields"][field]
}

async fn audit_actions(t: &TestApp, person_id: &str) -> Vec<Value> {
    let admin = t.admin_token().await;
    let (s, trail) = t
        .get(
            &format!("/api/v1/audit?person_id={person_id}&per_page=500"),
            Some(&admin),
        )
        .await;
    assert_eq!(s, Status::Ok, "{trail}");
    trail["items"].as_array().unwrap().clone()
}

fn post_admission_due(due: &Value) -> Option<String> {
    due["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "review")
        .map(|i| i["due_by"].as_str().unwrap().to_string())
}

#[rocket::async_test]
async fn correcting_the_admission_date_moves_the_blue_rating_and_the_dues() {
    let t = TestApp::new().await;
    let day = today(&t);
    let (c, id) = someone(&t, 1, day - Duration::days(200)).await;
    assess(&t, &c, &id, day - Duration::days(150), &[]).await;
    let stay = admit(&t, &c, &id, day - Duration::days(100), "Hospital Ashgrove").await;
    let (_, due_before) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let before = post_admission_due(&due_before).expect("a post-admission review is due");

    let new_start = day - Duration::days(90);
    let (s, a) = t
        .patch_json(
            &format!("/api/v1/admissions/{stay}"),
            Some(&c),
            &json!({"admitted_on": ymd(new_start), "hospital": "Hospital Birchwood",
                    "legal_status": "section_3", "correction_reason": "Typed the referral date"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{a}");
    assert_eq!(a["admitted_on"], ymd(new_start));
    assert_eq!(a["hospital"], "Hospital Birchwood");
    assert_eq!(a["legal_status"], "section_3");
    assert_eq!(a["security_level"], "none", "absent fields are unchanged");

    // The blue rating starts on the corrected day, with the corrected hospital.
    let (_, ratings) = t
        .get(&format!("/api/v1/people/{id}/ratings"), Some(&c))
        .await;
    let blue = &ratings["items"][0];
    assert_eq!(blue["rating"], "blue");
    assert_eq!(blue["effective_on"], ymd(new_start));
    assert_eq!(blue["reason"], "Admitted to Hospital Birchwood");
    // On a day between the old and the new start the person was still green.
    let between = ymd(day - Duration::days(95));
    let (_, then) = t
        .get(&format!("/api/v1/people?as_of={between}&q=Lee"), Some(&c))
        .await;
    assert_eq!(then["items"][0]["rating"], "green", "{then}");
    assert_eq!(then["items"][0]["in_hospital"], false, "{then}");

    // The deadline engine follows: the post-admission review is due later.
    let (_, due_after) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let after = post_admission_due(&due_after).unwrap();
    assert!(after > before, "{before} → {after}");

    // In the audit trail, with the reason and what changed.
    let trail = audit_actions(&t, &id).await;
    assert!(
        trail.iter().any(|e| e["action"] == "admission.correct"),
        "{trail:?}"
    );
}

#[rocket::async_test]
async fn a_correction_keeps_the_recording_rules() {
    let t = TestApp::new().await;
    let day = today(&t);
    let registered = day - Duration::days(200);
    let (c, id) = someone(&t, 2, registered).await;
    assess(&t, &c, &id, day - Duration::days(150), &[]).await;
    let stay = admit(&t, &c, &id, day - Duration::days(100), "Hospital Ashgrove").await;
    let path = format!("/api/v1/admissions/{stay}");
    let correct = |on: Date| json!({"admitted_on": ymd(on), "correction_reason": "Wrong date"});

    // Before the person joined the register: refused; on that day: fine.
    let (s, e) = t
        .patch_json(&path, Some(&c), &correct(registered - Duration::days(1)))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(field_error(&e, "admitted_on").is_array(), "{e}");
    // In the future.
    let (s, e) = t
        .patch_json(&path, Some(&c), &correct(day + Duration::days(1)))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    // The assessment of day -150 would fall inside the stay.
    let (s, e) = t
        .patch_json(&path, Some(&c), &correct(day - Duration::days(151)))
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("risk assessment"),
        "{e}"
    );
    // On the assessment's own day the stay may begin (blue wins that day), as when recording.
    let (s, e) = t
        .patch_json(&path, Some(&c), &correct(day - Duration::days(150)))
        .await;
    assert_eq!(s, Status::Ok, "{e}");

    // A visit and a dated change now sit inside the stay: the start cannot pass them.
    let (s, v) = t
        .post_json(
            &format!("/api/v1/people/{id}/visits"),
            Some(&c),
            &json!({"visited_on": ymd(day - Duration::days(80)), "visitor": "Jo"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{v}");
    let (s, v) = t
        .patch_json(
            &path,
            Some(&c),
            &json!({"security_level": "low", "effective_on": ymd(day - Duration::days(60))}),
        )
        .await;
    assert_eq!(s, Status::Ok, "the dated change still works: {v}");
    let (s, e) = t
        .patch_json(&path, Some(&c), &correct(day - Duration::days(79)))
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("visit"),
        "{e}"
    );
    let (s, e) = t
        .patch_json(&path, Some(&c), &correct(day - Duration::days(80)))
        .await;
    assert_eq!(s, Status::Ok, "on the visit's day: {e}");

    // The two kinds are not mixed; a correction needs its reason; something must change.
    let (s, e) = t
        .patch_json(
            &path,
            Some(&c),
            &json!({"admitted_on": ymd(day - Duration::days(85)), "effective_on": ymd(day), "correction_reason": "x"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(field_error(&e, "effective_on").is_array(), "{e}");
    let (s, e) = t
        .patch_json(
            &path,
            Some(&c),
            &json!({"admitted_on": ymd(day - Duration::days(85))}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(field_error(&e, "correction_reason").is_array(), "{e}");
    let (s, e) = t
        .patch_json(
            &path,
            Some(&c),
            &json!({"hospital": "Elsewhere", "correction_reason": "  "}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(field_error(&e, "correction_reason").is_array(), "{e}");
    let (s, e) = t
        .patch_json(&path, Some(&c), &json!({"correction_reason": "Nothing"}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    let (s, e) = t
        .patch_json(
            &path,
            Some(&c),
            &json!({"security_level": "medium", "correction_reason": "Was medium"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{e}");
    assert_eq!(e["security_level"], "medium");

    // Others may not; an unknown stay is not found.
    let analyst = t.token_for_role("analyst").await;
    let (s, _) = t.patch_json(&path, Some(&analyst), &correct(day)).await;
    assert_eq!(s, Status::Forbidden);
    let (s, _) = t
        .patch_json(
            &format!("/api/v1/admissions/{}", uuid::Uuid::new_v4()),
            Some(&c),
            &correct(day),
        )
        .await;
    assert_eq!(s, Status::NotFound);
}

#[rocket::async_test]
async fn stays_cannot_be_corrected_into_each_other() {
    let t = TestApp::new().await;
    let day = today(&t);
    let (c, id) = someone(&t, 3, day - Duration::days(300)).await;
    let first = admit(&t, &c, &id, day - Duration::days(200), "Hospital Ashgrove").await;
    let (s, d) = t
        .post_json(
            &format!("/api/v1/admissions/{first}/discharge"),
            Some(&c),
            &json!({"discharged_on": ymd(day - Duration::days(50)), "destination": "family_home"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{d}");
    let second = admit(&t, &c, &id, day - Duration::days(30), "Hospital Birchwood").await;
    let path = format!("/api/v1/admissions/{second}");
    let correct = |on: Date| json!({"admitted_on": ymd(on), "correction_reason": "Wrong date"});
    let (s, e) = t
        .patch_json(&path, Some(&c), &correct(day - Duration::days(51)))
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("another stay"),
        "{e}"
    );
    let (s, e) = t
        .patch_json(&path, Some(&c), &correct(day - Duration::days(50)))
        .await;
    assert_eq!(s, Status::Ok, "readmitted on the day of discharge: {e}");
    // The first stay's start cannot pass its own discharge.
    let (s, e) = t
        .patch_json(
            &format!("/api/v1/admissions/{first}"),
            Some(&c),
            &correct(day - Duration::days(49)),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
}

/// The first day of the month before `d`'s.
fn first_of_last_month(d: Date) -> Date {
    (d.replace_day(1).unwrap() - Duration::days(1))
        .replace_day(1)
        .unwrap()
}

#[rocket::async_test]
async fn a_frozen_return_keeps_its_bytes_after_a_correction() {
    let t = TestApp::new().await;
    let day = today(&t);
    let last_month = first_of_last_month(day);
    let (c, id) = someone(&t, 4, last_month - Duration::days(120)).await;
    let stay = admit(
        &t,
        &c,
        &id,
        last_month + Duration::days(9),
        "Hospital Ashgrove",
    )
    .await;
    let period = format!("{:04}-{:02}", last_month.year(), last_month.month() as u8);
    let body = json!({"kind": "monthly", "period": period});
    let (s, first) = t.post_json("/api/v1/returns", Some(&c), &body).await;
    assert_eq!(s, Status::Created, "{first}");
    assert_eq!(first["counts"]["admissions"], 1, "{first}");
    let rid = first["id"].as_str().unwrap().to_string();
    let (_, _, _, pdf) = t
        .download(&format!("/api/v1/returns/{rid}/pdf"), Some(&c))
        .await;
    let (_, _, _, csv) = t
        .download(&format!("/api/v1/returns/{rid}/csv"), Some(&c))
        .await;

    // The stay really began the month before.
    let (s, a) = t
        .patch_json(
            &format!("/api/v1/admissions/{stay}"),
            Some(&c),
            &json!({"admitted_on": ymd(last_month - Duration::days(5)), "correction_reason": "Admitted earlier"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{a}");

    let (_, _, _, pdf_after) = t
        .download(&format!("/api/v1/returns/{rid}/pdf"), Some(&c))
        .await;
    let (_, _, _, csv_after) = t
        .download(&format!("/api/v1/returns/{rid}/csv"), Some(&c))
        .await;
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(pdf_after, pdf, "the stored PDF keeps its bytes");
    assert_eq!(csv_after, csv, "the stored CSV keeps its bytes");
    let (_, stored) = t.get(&format!("/api/v1/returns/{rid}"), Some(&c)).await;
    assert_eq!(stored["counts"]["admissions"], 1);
    // A return made now reads the corrected stay.
    let (s, again) = t.post_json("/api/v1/returns", Some(&c), &body).await;
    assert_eq!(s, Status::Created, "{again}");
    assert_eq!(again["counts"]["admissions"], 0, "{again}");
    assert_ne!(again["sha256"], first["sha256"]);
}

const AMBER: &[&str] = &[
    "mh_unstable",
    "behaviour_challenges",
    "unstable_environment",
];

#[rocket::async_test]
async fn a_voided_assessment_reads_as_never_entered() {
    let t = TestApp::new().await;
    let day = today(&t);
    let (c, id) = someone(&t, 5, day - Duration::days(100)).await;
    let red = assess(&t, &c, &id, day - Duration::days(40), RED).await;
    assert_eq!(red["rating"], "red");
    let amber = assess(&t, &c, &id, day - Duration::days(20), AMBER).await;
    assert_eq!(amber["rating"], "amber");
    let amber_id = amber["id"].as_str().unwrap();
    let (_, p) = t.get(&format!("/api/v1/people/{id}"), Some(&c)).await;
    assert_eq!(p["rating"], "amber");

    let path = format!("/api/v1/risk-assessments/{amber_id}/void");
    let (s, e) = t.post_json(&path, Some(&c), &json!({"reason": " "})).await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(field_error(&e, "reason").is_array(), "{e}");
    let analyst = t.token_for_role("analyst").await;
    let (s, _) = t
        .post_json(&path, Some(&analyst), &json!({"reason": "x"}))
        .await;
    assert_eq!(s, Status::Forbidden);

    let (s, v) = t
        .post_json(
            &path,
            Some(&c),
            &json!({"reason": "Entered against the wrong person"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["voided"], true);
    assert_eq!(v["void_reason"], "Entered against the wrong person");
    assert_eq!(v["rating"], "amber");

    // The rating falls back, the history leaves it out, and red's review is owed again.
    let (_, p) = t.get(&format!("/api/v1/people/{id}"), Some(&c)).await;
    assert_eq!(p["rating"], "red", "{p}");
    assert_eq!(p["rating_since"], ymd(day - Duration::days(40)));
    let (_, ratings) = t
        .get(&format!("/api/v1/people/{id}/ratings"), Some(&c))
        .await;
    assert_eq!(ratings["total"], 1, "{ratings}");
    assert_eq!(ratings["items"][0]["rating"], "red");
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    assert!(
        due["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "red_review" && i["overdue"] == true),
        "{due}"
    );
    let (_, reds) = t.get("/api/v1/people?rating=amber", Some(&c)).await;
    assert_eq!(reds["total"], 0, "{reds}");

    // Not twice; an unknown one is not found.
    let (s, e) = t
        .post_json(&path, Some(&c), &json!({"reason": "Again"}))
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    let (s, _) = t
        .post_json(
            &format!("/api/v1/risk-assessments/{}/void", uuid::Uuid::new_v4()),
            Some(&c),
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(s, Status::NotFound);

    // The voided date no longer holds the person out of hospital on that day.
    admit(&t, &c, &id, day - Duration::days(30), "Hospital Ashgrove").await;
    let trail = audit_actions(&t, &id).await;
    assert!(
        trail.iter().any(|e| e["action"] == "risk.void"),
        "{trail:?}"
    );
}

/// A community review held `held_ago` days ago with two actions: (review, chair token,
/// commissioner token, person id, held review json).
async fn held_review(t: &TestApp, n: u32, held_ago: i64) -> (String, String, String, Value) {
    let day = today(t);
    let (c, id) = someone(t, n, day - Duration::days(200)).await;
    let p = panel(t).await;
    let held_on = day - Duration::days(held_ago);
    let (s, r) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&p.chair.1),
            &json!({"kind": "community", "scheduled_for": ymd(held_on),
                    "scheduled_on": ymd(held_on - Duration::days(10)),
                    "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0,
                    "clinical_expert_id": p.clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{r}");
    let rid = r["id"].as_str().unwrap().to_string();
    let (s, held) = t
        .post_json(
            &format!("/api/v1/reviews/{rid}/outcome"),
            Some(&p.chair.1),
            &json!({"held_on": ymd(held_on), "findings": findings(), "recommendations": "Keep going",
                    "actions": [
                        {"who": "Team A", "what": "Fix the plan", "when": ymd(day + Duration::days(10)), "how": "Meet"},
                        {"who": "Team B", "what": "Call the school", "when": ymd(day + Duration::days(20)), "how": "Phone"},
                    ]}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{held}");
    (rid, p.chair.1, c, held)
}

#[rocket::async_test]
async fn an_outcome_is_amended_until_the_report_is_sent_then_addenda() {
    let t = TestApp::new().await;
    let day = today(&t);
    let (rid, chair, c, held) = held_review(&t, 6, 5).await;
    let first = held["actions"][0]["id"].as_str().unwrap().to_string();
    let second = held["actions"][1]["id"].as_str().unwrap().to_string();
    let next_id = held["next_review"]["id"].as_str().unwrap().to_string();
    let next_due = held["next_review"]["due_by"].as_str().unwrap().to_string();
    let path = format!("/api/v1/reviews/{rid}/outcome");
    let new_held = day - Duration::days(12);
    let mut f = findings();
    f["safe"] = json!("Safe, with a crisis plan");
    let body = json!({"held_on": ymd(new_held), "findings": f, "recommendations": "Keep going, and review in May",
    "reason": "Typed up from the wrong notes",
    "actions": [
        {"id": first, "who": "Team A", "what": "Fix the plan", "when": ymd(day + Duration::days(12)), "how": "Meet twice"},
        {"who": "Team C", "what": "Book respite", "when": ymd(day + Duration::days(30)), "how": "Referral"},
    ]});

    // Someone else on the panel may not; a chair of other reviews may not.
    let other_chair = t.token_for_role("panel_chair").await;
    let (s, _) = t.patch_json(&path, Some(&other_chair), &body).await;
    assert_eq!(s, Status::Forbidden);

    let (s, a) = t.patch_json(&path, Some(&chair), &body).await;
    assert_eq!(s, Status::Ok, "{a}");
    assert_eq!(a["held_on"], ymd(new_held));
    assert_eq!(a["findings"]["safe"], "Safe, with a crisis plan");
    assert_eq!(a["recommendations"], "Keep going, and review in May");
    let actions = a["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 3, "{a}");
    let kept = actions.iter().find(|x| x["id"] == first).unwrap();
    assert_eq!(kept["when"], ymd(day + Duration::days(12)));
    assert_eq!(kept["how"], "Meet twice");
    assert_eq!(kept["status"], "open");
    let gone = actions.iter().find(|x| x["id"] == second).unwrap();
    assert_eq!(gone["status"], "dropped", "{gone}");
    assert!(
        gone["note"]
            .as_str()
            .unwrap()
            .contains("Typed up from the wrong notes")
    );
    assert!(
        actions
            .iter()
            .any(|x| x["who"] == "Team C" && x["status"] == "open")
    );
    // The follow-up the hold booked moves with the day held, by the same rule.
    let (_, next) = t.get(&format!("/api/v1/reviews/{next_id}"), Some(&c)).await;
    assert_ne!(next["due_by"], next_due, "{next}");
    assert!(next["due_by"].as_str().unwrap() < next_due.as_str());
    assert_eq!(next["scheduled_on"], ymd(new_held));

    // Bad input changes nothing: an action of another plan, an action due before the review.
    let mut bad = body.clone();
    bad["actions"][0]["id"] = json!(uuid::Uuid::new_v4().to_string());
    let (s, e) = t.patch_json(&path, Some(&chair), &bad).await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(field_error(&e, "actions[0].id").is_array(), "{e}");
    let mut bad = body.clone();
    bad["actions"][1]["when"] = json!(ymd(new_held - Duration::days(1)));
    let (s, e) = t.patch_json(&path, Some(&chair), &bad).await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    // A commissioner may amend too.
    let mut again = body.clone();
    again["recommendations"] = json!("Amended by the commissioner");
    let (s, a) = t.patch_json(&path, Some(&c), &again).await;
    assert_eq!(s, Status::Ok, "{a}");
    assert_eq!(
        a["actions"].as_array().unwrap().len(),
        3,
        "matched by id and by WHO/WHAT"
    );

    // No addendum before the report is sent.
    let addenda = format!("/api/v1/reviews/{rid}/addenda");
    let (s, e) = t
        .post_json(&addenda, Some(&chair), &json!({"text": "Too early"}))
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    let (s, r) = t
        .post_json(
            &format!("/api/v1/reviews/{rid}/report-sent"),
            Some(&chair),
            &json!({"sent_on": ymd(day)}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{r}");
    let (s, e) = t.patch_json(&path, Some(&chair), &body).await;
    assert_eq!(s, Status::Conflict, "{e}");
    let (s, e) = t
        .post_json(&addenda, Some(&chair), &json!({"text": ""}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    let (s, ad) = t
        .post_json(
            &addenda,
            Some(&chair),
            &json!({"text": "The school confirmed a place from January."}),
        )
        .await;
    assert_eq!(s, Status::Created, "{ad}");
    assert_eq!(ad["written_on"], ymd(day));
    assert!(ad["author"].as_str().is_some_and(|a| !a.is_empty()));
    let (s, list) = t.get(&addenda, Some(&c)).await;
    assert_eq!(s, Status::Ok, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(
        list["items"][0]["text"],
        "The school confirmed a place from January."
    );
    let trail = audit_actions(&t, held["person_id"].as_str().unwrap()).await;
    for action in ["review.amend", "review.addendum"] {
        assert!(trail.iter().any(|e| e["action"] == action), "{action}");
    }
}

#[rocket::async_test]
async fn a_follow_up_moved_by_hand_stays_where_it_was_put() {
    let t = TestApp::new().await;
    let day = today(&t);
    let (rid, chair, c, held) = held_review(&t, 7, 5).await;
    let next_id = held["next_review"]["id"].as_str().unwrap().to_string();
    let (_, before) = t.get(&format!("/api/v1/reviews/{next_id}"), Some(&c)).await;
    // The hold's booking is cancelled and nothing else was booked: amending moves nothing.
    let (s, x) = t
        .post_json(
            &format!("/api/v1/reviews/{next_id}/cancel"),
            Some(&c),
            &json!({"reason": "Booked elsewhere"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{x}");
    let (s, a) = t
        .patch_json(
            &format!("/api/v1/reviews/{rid}/outcome"),
            Some(&chair),
            &json!({"held_on": ymd(day - Duration::days(7)), "findings": findings(),
                    "recommendations": "Same", "actions": []}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{a}");
    // Both actions left out of the plan were open: dropped, and say why.
    assert!(
        a["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] == "dropped")
    );
    let (_, after) = t.get(&format!("/api/v1/reviews/{next_id}"), Some(&c)).await;
    assert_eq!(after["scheduled_for"], before["scheduled_for"]);
    assert_eq!(after["status"], "cancelled");
    // Not before the day it was booked.
    let (s, e) = t
        .patch_json(
            &format!("/api/v1/reviews/{rid}/outcome"),
            Some(&chair),
            &json!({"held_on": ymd(day - Duration::days(16)), "findings": findings(),
                    "recommendations": "Same", "actions": []}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
}

#[rocket::async_test]
async fn actions_done_on_a_day_and_reopened_with_a_reason() {
    let t = TestApp::new().await;
    let day = today(&t);
    let (_, chair, _c, held) = held_review(&t, 8, 5).await;
    let action = held["actions"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/actions/{action}");
    let held_on = day - Duration::days(5);
    for (on, ok) in [
        (held_on - Duration::days(1), false),
        (day + Duration::days(1), false),
        (held_on, true),
    ] {
        let (s, a) = t
            .patch_json(
                &path,
                Some(&chair),
                &json!({"status": "done", "completed_on": ymd(on)}),
            )
            .await;
        if ok {
            assert_eq!(s, Status::Ok, "{a}");
            assert_eq!(a["completed_on"], ymd(on));
        } else {
            assert_eq!(s, Status::UnprocessableEntity, "{on}: {a}");
        }
    }
    let (s, e) = t
        .patch_json(&path, Some(&chair), &json!({"status": "open"}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    let (s, a) = t
        .patch_json(
            &path,
            Some(&chair),
            &json!({"status": "open", "note": "Ticked by mistake"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{a}");
    assert_eq!(a["status"], "open");
    assert!(a["completed_on"].is_null());
    let (s, _) = t
        .patch_json(
            &path,
            Some(&chair),
            &json!({"status": "open", "note": "Again"}),
        )
        .await;
    assert_eq!(s, Status::Conflict);
}

#[rocket::async_test]
async fn a_withdrawn_persons_addenda_and_voided_assessments_are_gone() {
    let t = TestApp::new().await;
    let day = today(&t);
    let (rid, chair, c, held) = held_review(&t, 9, 5).await;
    let id = held["person_id"].as_str().unwrap().to_string();
    let a = assess(&t, &c, &id, day - Duration::days(30), &[]).await;
    let aid = a["id"].as_str().unwrap();
    let (s, _) = t
        .post_json(
            &format!("/api/v1/risk-assessments/{aid}/void"),
            Some(&c),
            &json!({"reason": "Wrong person"}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (s, _) = t
        .post_json(
            &format!("/api/v1/reviews/{rid}/report-sent"),
            Some(&chair),
            &json!({"sent_on": ymd(day)}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (s, _) = t
        .post_json(
            &format!("/api/v1/reviews/{rid}/addenda"),
            Some(&chair),
            &json!({"text": "Addendum Philomena"}),
        )
        .await;
    assert_eq!(s, Status::Created);
    let (s, w) = t
        .post_json(
            &format!("/api/v1/people/{id}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(day), "reason": "By letter"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{w}");
    for token in [&c, &chair] {
        let (s, body) = t
            .get(&format!("/api/v1/reviews/{rid}/addenda"), Some(token))
            .await;
        assert_eq!(s, Status::NotFound, "{body}");
        let (s, _) = t
            .post_json(
                &format!("/api/v1/reviews/{rid}/addenda"),
                Some(token),
                &json!({"text": "More"}),
            )
            .await;
        assert_eq!(s, Status::NotFound);
    }
    let (s, _) = t
        .post_json(
            &format!("/api/v1/risk-assessments/{aid}/void"),
            Some(&c),
            &json!({"reason": "Again"}),
        )
        .await;
    assert_eq!(
        s,
        Status::NotFound,
        "same answer as an id that never existed"
    );
}
