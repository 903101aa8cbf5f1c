//! The return figures, worked out from the dated history as at the end of a past period.

use crate::register::{answers, nhs, own, person, today, ymd};
use crate::support::*;
use serde_json::json;
use tcr::domain::returns::{Period, ReturnKind};
use tcr::services::returns;
use time::{Duration, Weekday};

#[rocket::async_test]
async fn a_past_month_as_it_stood_and_without_withdrawn_people() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    // The last complete month, and days in it.
    let first_of_this = today(&t).replace_day(1).unwrap();
    let last_month = Period::parse(
        ReturnKind::Monthly,
        &format!(
            "{:04}-{:02}",
            (first_of_this - Duration::days(1)).year(),
            (first_of_this - Duration::days(1)).month() as u8
        ),
    )
    .unwrap();
    let in_month = |d: i64| last_month.first + Duration::days(d);
    let born = today(&t) - Duration::days(365 * 30);

    // Ann: registered before the month, red in it, admitted in it.
    let (_, ann) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(1), born, own(last_month.first - Duration::days(40))),
        )
        .await;
    let ann = ann["id"].as_str().unwrap().to_string();
    t.post_json(&format!("/api/v1/people/{ann}/risk-assessments"), Some(&c), &json!({"assessed_on": ymd(last_month.first - Duration::days(30)), "answers": answers(&[])})).await;
    t.post_json(&format!("/api/v1/people/{ann}/risk-assessments"), Some(&c), &json!({"assessed_on": ymd(in_month(2)), "answers": answers(&["mh_unstable", "behaviour_challenges", "harm_to_self_or_others", "admission_last_year", "placement_breakdown", "criminal_justice"])})).await;
    t.post_json(&format!("/api/v1/people/{ann}/admissions"), Some(&c), &json!({"admitted_on": ymd(in_month(5)), "hospital": "Cavell Centre", "security_level": "none", "legal_status": "informal"})).await;
    // Bob: joined in the month, amber.
    let (_, bob) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(2), born, own(in_month(3))),
        )
        .await;
    let bob = bob["id"].as_str().unwrap().to_string();
    t.post_json(&format!("/api/v1/people/{bob}/risk-assessments"), Some(&c), &json!({"assessed_on": ymd(in_month(4)), "answers": answers(&["mh_unstable", "behaviour_challenges", "transition"])})).await;
    // Cal: on the register then, consent withdrawn since: left out of every return.
    let (_, cal) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(3), born, own(last_month.first - Duration::days(10))),
        )
        .await;
    let cal = cal["id"].as_str().unwrap().to_string();
    // Dee: joins after the month.
    t.post_json(
        "/api/v1/people",
        Some(&c),
        &person(&nhs(4), born, own(today(&t))),
    )
    .await;
    // A referral received in the month, still awaiting.
    let referral = json!({"received_on": ymd(in_month(1)), "referrer_name": "GP", "referrer_role": "GP", "referrer_contact": "x",
        "given_name": "Eve", "family_name": "Ray", "date_of_birth": ymd(born), "reason": "Crisis"});
    t.post_json("/api/v1/referrals", Some(&c), &referral).await;

    let before = returns::compute(&t.app, last_month).await.unwrap();
    assert_eq!(before.counts["on_register"], 3, "{:?}", before.counts);
    t.post_json(
        &format!("/api/v1/people/{cal}/consent/withdraw"),
        Some(&c),
        &json!({"withdrawn_on": ymd(today(&t)), "reason": "Withdrawn"}),
    )
    .await;

    let f = returns::compute(&t.app, last_month).await.unwrap();
    let n = |k: &str| f.counts[k];
    assert_eq!(
        n("on_register"),
        2,
        "Cal is left out even of an earlier month now"
    );
    assert_eq!(
        (n("blue"), n("amber"), n("red"), n("green")),
        (1, 1, 0, 0),
        "Ann in hospital at the month's end, Bob amber"
    );
    assert_eq!(
        (n("added"), n("left"), n("admissions"), n("discharges")),
        (1, 0, 1, 0)
    );
    assert_eq!(
        (
            n("referrals_received"),
            n("referrals_awaiting"),
            n("referrals_accepted")
        ),
        (1, 1, 0)
    );
    assert_eq!(f.by_rating_and_band["blue"]["26+"], 1);
    assert_eq!(f.monthly_rows.len(), 2);
    assert_eq!(
        f.monthly_rows[0].rating,
        Some(tcr::domain::risk::Rating::Blue),
        "blue before amber"
    );
    assert_eq!(
        f.monthly_rows[0].change, "up",
        "green at the end of the month before"
    );
    assert_eq!(f.monthly_rows[1].change, "new", "Bob joined in the month");
    assert!(!f.monthly_rows.iter().any(|r| r.nhs_number == nhs(3)));

    // The weekly inpatient return for the Sunday ending the month's last full week.
    let mut sunday = last_month.last;
    while sunday.weekday() != Weekday::Sunday {
        sunday -= Duration::days(1);
    }
    let week = Period::parse(ReturnKind::Weekly, &ymd(sunday)).unwrap();
    let w = returns::compute(&t.app, week).await.unwrap();
    let ann_in = sunday >= in_month(5);
    assert_eq!(w.counts["in_hospital"], u64::from(ann_in));
    if ann_in {
        assert_eq!(w.weekly_rows[0].hospital, "Cavell Centre");
        assert_eq!(
            w.weekly_rows[0].length_of_stay_days,
            (sunday - in_month(5)).whole_days()
        );
    }
}
