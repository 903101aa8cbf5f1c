//! Referrals through the API: refer, accept through the consent gate (refused, then accepted) with
//! the referral's risk answers as the first assessment, decline, duplicates, overdue, outcome sent.

use crate::register::{answers, nhs, parental, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use time::Duration;

fn referral(
    t: &TestApp,
    received_days_ago: i64,
    born: time::Date,
    nhs_number: Option<&str>,
) -> Value {
    json!({
        "received_on": ymd(today(t) - Duration::days(received_days_ago)),
        "referrer_name": "Dr Priya Shah", "referrer_role": "GP", "referrer_contact": "practice@example.nhs.uk",
        "given_name": "Sam", "family_name": "Lee", "date_of_birth": ymd(born), "nhs_number": nhs_number,
        "reason": "Escalating crisis at home; school placement breaking down.",
        "mdt_held_on": null, "answers": null,
    })
}

const KEYS: &[&str] = &[
    "mh_unstable",
    "behaviour_challenges",
    "unstable_environment",
    "crisis_last_month",
];

#[rocket::async_test]
async fn refer_then_accept_through_the_consent_gate_with_the_referral_assessment() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 12);
    let number = nhs(900);
    let mut body = referral(&t, 3, born, Some(&number));
    body["answers"] = answers(KEYS);
    let (s, r) = t.post_json("/api/v1/referrals", Some(&c), &body).await;
    assert_eq!(s, Status::Created, "{r}");
    assert_eq!(r["status"], "awaiting_decision");
    assert_eq!(r["decision_due_by"], ymd(today(&t) + Duration::days(25)));
    assert_eq!(r["mdt_held"], false, "no MDT was held: flagged");
    assert_eq!(
        r["suggested_rating"], "red",
        "a child with every key question yes"
    );
    assert_eq!(r["overdue"], false);
    let id = r["id"].as_str().unwrap().to_string();

    // Consent refused: nothing is created and the referral still awaits a decision.
    let mut refused = person(
        &number,
        born,
        json!({"basis": "self", "recorded_on": ymd(today(&t))}),
    );
    refused["given_name"] = json!("Sam");
    let decision = json!({"decided_on": ymd(today(&t)), "outcome": "accepted", "reason": null, "person": refused});
    let (s, b) = t
        .post_json(
            &format!("/api/v1/referrals/{id}/decision"),
            Some(&c),
            &decision,
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (Status::UnprocessableEntity, Some("consent_required")),
        "{b}"
    );
    assert_eq!(t.get("/api/v1/people", Some(&c)).await.1["total"], 0);
    assert_eq!(
        t.get(&format!("/api/v1/referrals/{id}"), Some(&c)).await.1["status"],
        "awaiting_decision"
    );

    // Accepted with parental consent.
    let accepted = json!({"decided_on": ymd(today(&t)), "outcome": "accepted",
        "person": person(&number, born, parental(today(&t) - Duration::days(1)))});
    let (s, r) = t
        .post_json(
            &format!("/api/v1/referrals/{id}/decision"),
            Some(&c),
            &accepted,
        )
        .await;
    assert_eq!(s, Status::Ok, "{r}");
    assert_eq!(r["status"], "accepted");
    let person_id = r["person_id"].as_str().unwrap().to_string();
    let (_, p) = t
        .get(&format!("/api/v1/people/{person_id}"), Some(&c))
        .await;
    assert_eq!(
        (p["rating"].as_str(), p["rating_since"].as_str()),
        (Some("red"), Some(ymd(today(&t)).as_str())),
        "{p}"
    );
    let (_, h) = t
        .get(&format!("/api/v1/people/{person_id}/ratings"), Some(&c))
        .await;
    assert!(
        h["items"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("From the referral"),
        "{h}"
    );

    // A second decision is a conflict; then the outcome is sent.
    let (s, _) = t
        .post_json(
            &format!("/api/v1/referrals/{id}/decision"),
            Some(&c),
            &json!({"decided_on": ymd(today(&t)), "outcome": "declined", "reason": "x"}),
        )
        .await;
    assert_eq!(s, Status::Conflict);
    let (s, b) = t
        .post_json(
            &format!("/api/v1/referrals/{id}/outcome-sent"),
            Some(&c),
            &json!({"sent_on": ymd(today(&t) - Duration::days(1))}),
        )
        .await;
    assert_eq!(
        s,
        Status::UnprocessableEntity,
        "not before the decision: {b}"
    );
    let (s, r) = t
        .post_json(
            &format!("/api/v1/referrals/{id}/outcome-sent"),
            Some(&c),
            &json!({"sent_on": ymd(today(&t))}),
        )
        .await;
    assert_eq!(
        (s, r["outcome_sent_on"].as_str()),
        (Status::Ok, Some(ymd(today(&t)).as_str()))
    );

    let admin = t.admin_token().await;
    let (_, trail) = t
        .get(
            &format!("/api/v1/audit?person_id={person_id}"),
            Some(&admin),
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"referral.accept") && actions.contains(&"person.create"),
        "{actions:?}"
    );
}

#[rocket::async_test]
async fn refer_then_decline_with_a_reason() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let mut body = referral(&t, 1, today(&t) - Duration::days(365 * 30), None);
    body["mdt_held_on"] = json!(ymd(today(&t) - Duration::days(5)));
    let (_, r) = t.post_json("/api/v1/referrals", Some(&c), &body).await;
    assert_eq!(
        (r["mdt_held"].as_bool(), r["suggested_rating"].clone()),
        (Some(true), Value::Null)
    );
    let id = r["id"].as_str().unwrap();
    let (s, b) = t
        .post_json(
            &format!("/api/v1/referrals/{id}/decision"),
            Some(&c),
            &json!({"decided_on": ymd(today(&t)), "outcome": "declined"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(b["error"]["fields"]["reason"].is_array());
    let (s, b) = t
        .post_json(
            &format!("/api/v1/referrals/{id}/decision"),
            Some(&c),
            &json!({"decided_on": ymd(today(&t)), "outcome": "maybe", "reason": "x"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    let (s, r) = t.post_json(&format!("/api/v1/referrals/{id}/decision"), Some(&c), &json!({"decided_on": ymd(today(&t)), "outcome": "declined", "reason": "No learning disability or autism diagnosis; signposted to CAMHS"})).await;
    assert_eq!(
        (s, r["status"].as_str(), r["person_id"].clone()),
        (Status::Ok, Some("declined"), Value::Null),
        "{r}"
    );
    assert_eq!(t.get("/api/v1/people", Some(&c)).await.1["total"], 0);
}

#[rocket::async_test]
async fn the_list_puts_overdue_first_and_filters() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 20);
    for days_ago in [2, 40, 28, 29] {
        t.post_json(
            "/api/v1/referrals",
            Some(&c),
            &referral(&t, days_ago, born, None),
        )
        .await;
    }
    let (_, all) = t.get("/api/v1/referrals", Some(&c)).await;
    let received: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["received_on"].as_str().unwrap().to_string())
        .collect();
    let expect: Vec<String> = [40, 29, 28, 2]
        .iter()
        .map(|d| ymd(today(&t) - Duration::days(*d)))
        .collect();
    assert_eq!(received, expect, "soonest due first");
    let (_, overdue) = t
        .get(
            "/api/v1/referrals?status=awaiting_decision&overdue=true",
            Some(&c),
        )
        .await;
    assert_eq!(
        overdue["total"], 2,
        "received 40 and 29 days ago; 28 days ago is due today"
    );
    assert!(
        overdue["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["days_left"].as_i64().unwrap() < 0)
    );
    let (s, _) = t.get("/api/v1/referrals?overdue=perhaps", Some(&c)).await;
    assert_eq!(s, Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn a_referral_for_someone_on_the_register_says_so() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 12);
    let number = nhs(950);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&number, born, parental(today(&t))),
        )
        .await;
    let (_, by_number) = t
        .post_json(
            "/api/v1/referrals",
            Some(&c),
            &referral(&t, 0, born, Some(&number)),
        )
        .await;
    assert_eq!(by_number["possible_duplicates"][0]["person_id"], p["id"]);
    assert_eq!(
        by_number["possible_duplicates"][0]["matched_on"],
        "nhs_number"
    );
    let (_, by_name) = t
        .post_json("/api/v1/referrals", Some(&c), &referral(&t, 0, born, None))
        .await;
    assert_eq!(
        by_name["possible_duplicates"][0]["matched_on"],
        "name_and_date_of_birth"
    );
    // Accepting it again would be a second entry: refused.
    let id = by_name["id"].as_str().unwrap();
    let accept = json!({"decided_on": ymd(today(&t)), "outcome": "accepted", "person": person(&number, born, parental(today(&t)))});
    assert_eq!(
        t.post_json(
            &format!("/api/v1/referrals/{id}/decision"),
            Some(&c),
            &accept
        )
        .await
        .0,
        Status::Conflict
    );
}

#[rocket::async_test]
async fn bad_referrals_and_who_may_see_them() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 12);
    let mut bad = referral(&t, 0, born, Some("943 476 5918"));
    bad["received_on"] = json!(ymd(today(&t) + Duration::days(1)));
    bad["reason"] = json!("");
    let (s, b) = t.post_json("/api/v1/referrals", Some(&c), &bad).await;
    assert_eq!(s, Status::UnprocessableEntity);
    for f in ["received_on", "nhs_number", "reason"] {
        assert!(b["error"]["fields"][f].is_array(), "{f}: {b}");
    }
    let mut partial = referral(&t, 0, born, None);
    partial["answers"] = json!({"mh_unstable": true});
    assert_eq!(
        t.post_json("/api/v1/referrals", Some(&c), &partial).await.0,
        Status::UnprocessableEntity,
        "unanswered questions"
    );
    assert_eq!(t.get("/api/v1/referrals", Some(&c)).await.1["total"], 0);

    let (_, r) = t
        .post_json("/api/v1/referrals", Some(&c), &referral(&t, 0, born, None))
        .await;
    let id = r["id"].as_str().unwrap();
    let chair = t.token_for_role("panel_chair").await;
    assert_eq!(
        t.get(&format!("/api/v1/referrals/{id}"), Some(&chair))
            .await
            .0,
        Status::Forbidden,
        "a chair reads the register, and someone referred is not on it"
    );
    assert_eq!(
        t.post_json(
            "/api/v1/referrals",
            Some(&chair),
            &referral(&t, 0, born, None)
        )
        .await
        .0,
        Status::Forbidden
    );
    let analyst = t.token_for_role("analyst").await;
    assert_eq!(
        t.get("/api/v1/referrals", Some(&analyst)).await.0,
        Status::Forbidden
    );
}

#[rocket::async_test]
async fn the_list_pages_awaiting_first_then_decided_newest_first() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 20);
    let mut ids = Vec::new();
    for days_ago in [3, 50, 20, 35, 10] {
        let (_, r) = t
            .post_json(
                "/api/v1/referrals",
                Some(&c),
                &referral(&t, days_ago, born, None),
            )
            .await;
        ids.push(r["id"].as_str().unwrap().to_string());
    }
    // Declined: the one received 50 days ago, decided 40 days ago; the one received 20 days ago,
    // decided 5 days ago.
    for (id, decided) in [(&ids[1], 40), (&ids[2], 5)] {
        let (s, b) = t
            .post_json(
                &format!("/api/v1/referrals/{id}/decision"),
                Some(&c),
                &json!({"decided_on": ymd(today(&t) - Duration::days(decided)), "outcome": "declined",
                        "reason": "Signposted to the community team"}),
            )
            .await;
        assert_eq!(s, Status::Ok, "{b}");
    }
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (_, p) = t
            .get(
                &format!("/api/v1/referrals?per_page=2&page={page}"),
                Some(&c),
            )
            .await;
        assert_eq!(p["total"], 5);
        for r in p["items"].as_array().unwrap() {
            seen.push(r["id"].as_str().unwrap().to_string());
        }
    }
    let expect = [&ids[3], &ids[4], &ids[0], &ids[2], &ids[1]].map(|s| s.clone());
    assert_eq!(
        seen, expect,
        "awaiting by due date, then decided newest first"
    );
    let (_, late) = t.get("/api/v1/referrals?overdue=true", Some(&c)).await;
    assert_eq!(
        late["total"], 1,
        "received 35 days ago and awaiting: {late}"
    );
    let (_, fine) = t.get("/api/v1/referrals?overdue=false", Some(&c)).await;
    assert_eq!(fine["total"], 4, "{fine}");
    let (_, declined) = t.get("/api/v1/referrals?status=declined", Some(&c)).await;
    assert_eq!(declined["total"], 2);

    // The page: each part with its count.
    let (user, password) = t.user_with_role("commissioner").await;
    t.page_login(&user, &password).await;
    let (_, page) = t.page("/referrals").await;
    assert!(
        page.contains("Awaiting a decision (3)") && page.contains("Decided (2)"),
        "{page}"
    );
    let (_, decided) = t.page("/referrals?section=decided").await;
    assert!(decided.contains("Decided (2)") && !decided.contains("Awaiting a decision"));
    assert_eq!(
        t.page("/referrals?section=sideways").await.0,
        Status::UnprocessableEntity
    );
}
