//! Figures over time (`GET /api/v1/figures`): a history built over several months through the
//! API, each month as at its end — a birthday moving someone's age band, a transfer that is no
//! new admission, a withdrawn person left out of every month, small numbers hidden from the
//! analyst (and the rest rounded: `figures_downloads`), and past months unchanged by facts
//! dated later.

use crate::register::{answers, nhs, own, person, today, ymd};
use crate::reviews::{Panel, findings_for, panel};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use tcr::domain::returns::{Period, ReturnKind};
use time::{Date, Duration};

fn days(n: i64) -> Duration {
    Duration::days(n)
}

async fn ok(t: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let (s, b) = t.post_json(path, Some(token), &body).await;
    assert!(
        s == Status::Ok || s == Status::Created,
        "{path}: {s} {b} (sent {body})"
    );
    b
}

async fn add(t: &TestApp, c: &str, n: u32, born: Date, registered: Date) -> String {
    ok(
        t,
        "/api/v1/people",
        c,
        person(&nhs(n), born, own(registered)),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn admit(t: &TestApp, c: &str, id: &str, on: Date) -> String {
    let body = json!({"admitted_on": ymd(on), "hospital": "Cavell Centre", "security_level": "none",
                      "legal_status": "section_3", "planned_discharge_on": null});
    ok(t, &format!("/api/v1/people/{id}/admissions"), c, body).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A community review of `person` by panel `p`, booked ten days before and held on `held_on`.
async fn held_community_review(t: &TestApp, p: &Panel, person: &str, held_on: Date) {
    let review = ok(
        t,
        &format!("/api/v1/people/{person}/reviews"),
        &p.chair.1,
        json!({"kind": "community", "scheduled_for": ymd(held_on), "scheduled_on": ymd(held_on - days(10)),
               "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0}),
    )
    .await;
    let rid = review["id"].as_str().unwrap();
    let findings = findings_for(t, &p.chair.1, rid).await;
    ok(
        t,
        &format!("/api/v1/reviews/{rid}/outcome"),
        &p.chair.1,
        json!({"held_on": ymd(held_on), "findings": findings, "recommendations": "Keep going", "actions": []}),
    )
    .await;
}

/// The figures of `from` to `to` for `token`, by month label.
async fn figures(t: &TestApp, token: &str, from: Period, to: Period) -> Vec<Value> {
    let (s, body) = t
        .get(
            &format!("/api/v1/figures?from={}&to={}", from.label(), to.label()),
            Some(token),
        )
        .await;
    assert_eq!(s, Status::Ok, "{body}");
    body["months"].as_array().unwrap().clone()
}

#[rocket::async_test]
async fn months_as_they_stood_by_the_returns_rules() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let analyst = t.token_for_role("analyst").await;
    let day = today(&t);
    // Four whole months, m[3] the one just ended.
    let last = Period::latest_ended(ReturnKind::Monthly, day);
    let m = [
        last.previous().previous().previous(),
        last.previous().previous(),
        last.previous(),
        last,
    ];
    let before = m[0].first - days(60);
    let adult = day - days(365 * 40);

    // Tia turns 18 on the 15th of m[2].
    let birthday = m[2].first + days(14);
    let tia_born = birthday.replace_year(birthday.year() - 18).unwrap();
    let tia = add(&t, &c, 1, tia_born, before).await;
    // Ann: a community review in m[0], admitted in m[1], transferred in m[2], home in m[3].
    let ann = add(&t, &c, 2, adult, before).await;
    let p = panel(&t).await;
    held_community_review(&t, &p, &ann, m[0].first + days(5)).await;
    let ann_admitted = m[1].first + days(2);
    let stay = admit(&t, &c, &ann, ann_admitted).await;
    ok(
        &t,
        &format!("/api/v1/admissions/{stay}/transfer"),
        &c,
        json!({"transferred_on": ymd(m[2].first + days(1)), "hospital": "Oak Ward", "hospital_ods_code": "rv5",
               "security_level": "medium", "legal_status": "section_3"}),
    )
    .await;
    ok(
        &t,
        &format!("/api/v1/admissions/{stay}/discharge"),
        &c,
        json!({"discharged_on": ymd(m[3].first + days(3)), "destination": "Home"}),
    )
    .await;
    // Bob: rated amber before, admitted in m[2] with no review before.
    let bob = add(&t, &c, 3, adult, before).await;
    let body = json!({"assessed_on": ymd(before + days(1)), "answers": answers(&["mh_unstable", "behaviour_challenges", "transition"])});
    ok(
        &t,
        &format!("/api/v1/people/{bob}/risk-assessments"),
        &c,
        body,
    )
    .await;
    let bob_admitted = m[2].first + days(9);
    let bob_stay = admit(&t, &c, &bob, bob_admitted).await;
    // Cal: on the register throughout, until his consent is withdrawn (below).
    let cal = add(&t, &c, 4, adult, before).await;
    // A referral received in m[2], declined within the decision days.
    let referral = ok(
        &t,
        "/api/v1/referrals",
        &c,
        json!({"received_on": ymd(m[2].first + days(3)), "referrer_name": "GP",
        "referrer_role": "GP", "referrer_contact": "x", "given_name": "Eve", "family_name": "Ray",
        "date_of_birth": ymd(adult), "reason": "Crisis"}),
    )
    .await;
    let rf = referral["id"].as_str().unwrap();
    let decision = json!({"decided_on": ymd(m[2].first + days(8)), "outcome": "declined", "reason": "Not eligible"});
    ok(
        &t,
        &format!("/api/v1/referrals/{rf}/decision"),
        &c,
        decision,
    )
    .await;

    let months = figures(&t, &c, m[0], m[3]).await;
    assert_eq!(months.len(), 4);
    let at = |i: usize, k: &str| months[i]["counts"][k].clone();
    let labels: Vec<&str> = months
        .iter()
        .map(|x| x["month"].as_str().unwrap())
        .collect();
    assert_eq!(labels, m.iter().map(|x| x.label()).collect::<Vec<_>>());
    for (i, month) in months.iter().enumerate() {
        assert_eq!(month["counts"]["on_register"], 4, "month {i}: {month}");
    }
    // Tia's band moves in the month of her birthday.
    let band =
        |i: usize, rating: &str, band: &str| months[i]["by_rating_and_band"][rating][band].clone();
    assert_eq!(band(1, "unrated", "0-17"), 1, "{}", months[1]);
    assert_eq!(band(2, "unrated", "0-17"), 0, "{}", months[2]);
    assert_eq!(band(2, "unrated", "18-25"), 1, "{}", months[2]);
    let _ = tia;
    // Reviews held: Ann's community review in m[0].
    assert_eq!(at(0, "reviews_held"), 1);
    assert_eq!(at(0, "reviews_held_community"), 1);
    assert_eq!(at(1, "reviews_held"), 0);
    // Admissions: Ann in m[1] (reviewed before), Bob in m[2] (not); the transfer is none.
    assert_eq!(
        (
            at(1, "admissions"),
            at(2, "admissions"),
            at(3, "admissions")
        ),
        (json!(1), json!(1), json!(0))
    );
    assert_eq!(at(1, "admissions_reviewed_before_part"), 1);
    assert_eq!(at(1, "admissions_reviewed_before_percent"), 100.0);
    assert_eq!(at(2, "admissions_reviewed_before_percent"), 0.0);
    assert_eq!(at(0, "admissions_reviewed_before_percent"), Value::Null);
    assert_eq!(at(3, "discharges"), 1);
    // In hospital at each month's end, and how long.
    assert_eq!(at(1, "in_hospital"), 1);
    assert_eq!(at(2, "in_hospital"), 2);
    assert_eq!(at(3, "in_hospital"), 1);
    let ann_days = (m[2].last - ann_admitted).whole_days();
    let bob_days = (m[2].last - bob_admitted).whole_days();
    assert_eq!(at(2, "length_of_stay_longest_days"), ann_days as f64);
    assert_eq!(
        at(2, "length_of_stay_median_days"),
        (ann_days + bob_days) as f64 / 2.0
    );
    assert_eq!(band(2, "blue", "26+"), 2);
    assert_eq!(band(3, "amber", "26+"), 0, "Bob still in hospital: blue");
    assert_eq!(at(2, "referrals_received"), 1);
    assert_eq!(at(2, "referrals_decided_in_time"), 1);
    assert_eq!(at(2, "referrals_accepted"), 0);
    assert_eq!(at(1, "referrals_received"), 0);
    assert_eq!(band(1, "amber", "26+"), 1, "Bob amber before his admission");
    // Breakdowns of the register at the month's end.
    let b = &months[3]["breakdowns"];
    assert_eq!(b["local_authority"]["Peterborough"], 4, "{b}");
    assert_eq!(b["ethnicity"]["Not recorded"], 4);
    assert_eq!(b["sex"]["male"], 4);
    assert_eq!(b["needs"]["both"], 4);
    assert_eq!(b["needs"]["neither"], 0, "every key of a fixed vocabulary");
    assert_eq!(b["sex"]["female"], 0);

    // Read two people at a time, the months come out the same.
    let shown = |list: Vec<tcr::domain::figures::Tallied>| -> Vec<_> {
        list.into_iter()
            .zip(m)
            .map(|(t, month)| t.shown(month, tcr::domain::figures::Disclosure::Exact))
            .collect()
    };
    let small = tcr::services::returns::months::tally_in_batches(&t.app, &m, 2)
        .await
        .unwrap();
    let whole = tcr::services::returns::months::tally_in_batches(&t.app, &m, 100)
        .await
        .unwrap();
    assert_eq!(shown(small), shown(whole));

    // The analyst: 1 to 7 as "*", 0 as 0, shares of hidden counts hidden (the rest rounded to
    // the nearest 5: `figures_downloads`).
    let hidden = figures(&t, &analyst, m[0], m[3]).await;
    assert_eq!(hidden[0]["counts"]["on_register"], "*");
    assert_eq!(hidden[0]["counts"]["admissions"], 0);
    assert_eq!(
        hidden[1]["counts"]["admissions_reviewed_before_percent"],
        "*"
    );
    assert_eq!(hidden[2]["counts"]["length_of_stay_median_days"], "*");
    assert_eq!(hidden[3]["breakdowns"]["sex"]["male"], "*");
    assert_eq!(hidden[2]["by_rating_and_band"]["blue"]["26+"], "*");
    assert_eq!(hidden[2]["by_rating_and_band"]["red"]["26+"], 0);

    // Facts dated after the range leave its months as they were.
    add(&t, &c, 5, adult, day).await;
    ok(
        &t,
        &format!("/api/v1/admissions/{bob_stay}/discharge"),
        &c,
        json!({"discharged_on": ymd(day), "destination": "Home"}),
    )
    .await;
    assert_eq!(figures(&t, &c, m[0], m[3]).await, months);

    // A withdrawn person is left out of every month, even those before the withdrawal.
    ok(
        &t,
        &format!("/api/v1/people/{cal}/consent/withdraw"),
        &c,
        json!({"withdrawn_on": ymd(day), "reason": "Withdrawn"}),
    )
    .await;
    let after = figures(&t, &c, m[0], m[3]).await;
    for (i, month) in after.iter().enumerate() {
        assert_eq!(month["counts"]["on_register"], 3, "month {i}");
    }
}

#[rocket::async_test]
async fn a_bad_range_is_refused_naming_the_field() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let day = today(&t);
    let last = Period::latest_ended(ReturnKind::Monthly, day);
    let next_year = format!("{:04}-{:02}", day.year() + 1, day.month() as u8);
    let long_ago = format!("{:04}-{:02}", day.year() - 3, day.month() as u8);
    for (query, field) in [
        ("from=2026-13".to_string(), "from"),
        ("from=last-month".to_string(), "from"),
        (format!("to={next_year}"), "to"),
        (
            format!("to={:04}-{:02}", day.year(), day.month() as u8),
            "to",
        ),
        (
            format!("from={}&to={}", last.label(), last.previous().label()),
            "to",
        ),
        (format!("from={long_ago}&to={}", last.label()), "to"),
    ] {
        let (s, e) = t.get(&format!("/api/v1/figures?{query}"), Some(&c)).await;
        assert_eq!(s, Status::UnprocessableEntity, "{query}: {e}");
        assert!(
            e["error"]["fields"][field].is_array(),
            "{query} names {field}: {e}"
        );
    }
    // No range: the last twelve whole months, the one just ended last; and the read is audited.
    let (s, body) = t.get("/api/v1/figures", Some(&c)).await;
    assert_eq!(s, Status::Ok, "{body}");
    let months = body["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[11]["month"], last.label());
    assert_eq!(body["suppressed"], false);
    assert_eq!(body["rounded"], false);
    let (_, audit) = t
        .get("/api/v1/audit?per_page=500", Some(&t.admin_token().await))
        .await;
    assert!(audit.to_string().contains("figures.read"), "{audit}");
}

/// NHS England's aim — at least 90% of admissions with a community review first — is for
/// children: the children's share counts those under 18 on the day they were admitted (the day
/// before the 18th birthday a child, on it an adult), beside the share of all ages.
#[rocket::async_test]
async fn the_childrens_share_counts_those_under_18_when_admitted() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let m = Period::latest_ended(ReturnKind::Monthly, today(&t));
    let registered = m.first - days(60);
    let eighteenth = |on: Date| on.replace_year(on.year() - 18).unwrap();
    // Kai turns 18 the day after his admission; Lee is admitted on her 18th birthday.
    let kai_admitted = m.first + days(9);
    let kai = add(&t, &c, 11, eighteenth(kai_admitted + days(1)), registered).await;
    let lee_admitted = m.first + days(5);
    let lee = add(&t, &c, 12, eighteenth(lee_admitted), registered).await;
    // Kai had a community review before his admission; Lee none.
    let p = panel(&t).await;
    held_community_review(&t, &p, &kai, m.first - days(20)).await;
    admit(&t, &c, &kai, kai_admitted).await;
    admit(&t, &c, &lee, lee_admitted).await;

    let month = &figures(&t, &c, m, m).await[0]["counts"];
    assert_eq!(month["admissions"], 2, "{month}");
    assert_eq!(
        month["child_admissions_reviewed_before_whole"], 1,
        "{month}"
    );
    assert_eq!(month["child_admissions_reviewed_before_part"], 1, "{month}");
    assert_eq!(month["child_admissions_reviewed_before_percent"], 100.0);
    assert_eq!(month["admissions_reviewed_before_whole"], 2);
    assert_eq!(month["admissions_reviewed_before_percent"], 50.0);
    // The page says it in words, children first, against the aim.
    let (u, pw) = t.user_with_role("commissioner").await;
    t.page_login(&u, &pw).await;
    let (s, body) = t
        .page(&format!("/figures?from={0}&to={0}", m.label()))
        .await;
    assert_eq!(s, Status::Ok);
    assert!(
        body.contains("Children&#x27;s admissions with a community review first, by month"),
        "{body}"
    );
    assert!(body.contains("Aim for children: 90%"));
}
