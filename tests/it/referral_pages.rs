//! A referral through the pages, from the form to the decision.

use crate::register::{nhs, today, ymd};
use crate::support::*;
use rocket::http::Status;
use time::Duration;

const QUESTIONS: [&str; 12] = [
    "mh_unstable",
    "behaviour_challenges",
    "unstable_environment",
    "crisis_last_month",
    "harm_to_self_or_others",
    "admission_last_year",
    "placement_breakdown",
    "carers_not_coping",
    "community_options_exhausted",
    "criminal_justice",
    "transition",
    "substance_misuse",
];

#[rocket::async_test]
async fn a_commissioner_takes_a_referral_from_email_to_decision() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("commissioner").await;
    t.page_login(&u, &p).await;
    let csrf = t.csrf_signed_in().await;
    let (status, form) = t.page("/referrals/new").await;
    assert_eq!(status, Status::Ok);
    assert!(form.contains("Risk tool (if the referrer completed it)"));

    let received = ymd(today(&t) - Duration::days(30));
    let born = ymd(today(&t) - Duration::days(365 * 14));
    let number = nhs(700);
    let base = vec![
        ("csrf_token", csrf.as_str()),
        ("received_on", received.as_str()),
        ("referrer_name", "Ms Kay Morgan"),
        ("referrer_role", "School SENCo"),
        ("referrer_contact", "senco@school.example"),
        ("given_name", "Chloé"),
        ("family_name", "Ward"),
        ("date_of_birth", born.as_str()),
        ("nhs_number", number.as_str()),
        ("reason", "Exclusion likely; family at breaking point."),
    ];
    // One answer only: the tool, once started, must be finished.
    let mut partial = base.clone();
    partial.push(("answers[mh_unstable]", "yes"));
    let (status, body, _) = t.post_form("/referrals", &partial).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body.contains("Answer every question") && body.contains("Chloé"),
        "{body}"
    );

    let names: Vec<String> = QUESTIONS.iter().map(|q| format!("answers[{q}]")).collect();
    let mut full = base.clone();
    for (i, n) in names.iter().enumerate() {
        full.push((n.as_str(), if i < 5 { "yes" } else { "no" }));
    }
    let (status, _, location) = t.post_form("/referrals", &full).await;
    assert_eq!(status, Status::SeeOther);
    let url = location.unwrap();
    let (_, page) = t.page(&url).await;
    assert!(
        page.contains("Overdue by 2 days") && page.contains("No MDT was held"),
        "{page}"
    );
    assert!(page.contains("Score 15") && page.contains("rating--red"));
    let (_, list) = t.page("/referrals").await;
    assert!(list.contains("Ward, Chloé") && list.contains("Overdue"));

    // Accept: the person form comes filled from the referral; consent refused first.
    let (status, accept) = t.page(&format!("{url}/accept")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        accept.contains("value=\"Chloé\"") && accept.contains("Accept and add to the register")
    );
    let today_s = ymd(today(&t));
    let person = vec![
        ("csrf_token", csrf.as_str()),
        ("decided_on", today_s.as_str()),
        ("nhs_number", number.as_str()),
        ("given_name", "Chloé"),
        ("family_name", "Ward"),
        ("date_of_birth", born.as_str()),
        ("sex", "female"),
        ("postcode", "PE2 5XY"),
        ("local_authority", "Peterborough"),
        ("autism", "true"),
        ("setting", "family_home"),
        ("consent.recorded_on", today_s.as_str()),
    ];
    let mut refused = person.clone();
    refused.push(("consent.basis", "best_interests"));
    let (status, body, _) = t.post_form(&format!("{url}/accept"), &refused).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("Consent rule not met"), "{body}");
    let (_, still) = t.page(&url).await;
    assert!(still.contains("Awaiting a decision"));

    let mut accepted = person.clone();
    accepted.extend([
        ("consent.basis", "parental"),
        ("consent.given_by", "Marie Ward"),
        ("consent.relationship", "mother"),
    ]);
    let (status, _, location) = t.post_form(&format!("{url}/accept"), &accepted).await;
    assert_eq!(status, Status::SeeOther);
    let person_url = location.unwrap();
    assert!(person_url.starts_with("/people/"));
    let (_, person_page) = t.page(&person_url).await;
    assert!(
        person_page.contains("From the referral received") && person_page.contains("rating--red"),
        "{person_page}"
    );

    let (status, _, _) = t
        .post_form(
            &format!("{url}/outcome-sent"),
            &[("csrf_token", &csrf), ("sent_on", &today_s)],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    let (_, done) = t.page(&url).await;
    assert!(
        done.contains("Accepted on") && done.contains("were told on"),
        "{done}"
    );
}

#[rocket::async_test]
async fn declining_needs_a_reason() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("commissioner").await;
    t.page_login(&u, &p).await;
    let csrf = t.csrf_signed_in().await;
    let received = ymd(today(&t));
    let born = ymd(today(&t) - Duration::days(365 * 40));
    let (_, _, location) = t
        .post_form(
            "/referrals",
            &[
                ("csrf_token", &csrf),
                ("received_on", &received),
                ("referrer_name", "Self"),
                ("referrer_role", "The person"),
                ("referrer_contact", "07700 900000"),
                ("given_name", "Seán"),
                ("family_name", "Byrne"),
                ("date_of_birth", &born),
                ("reason", "Asking for support"),
                ("mdt_held_on", ""),
            ],
        )
        .await;
    let url = location.unwrap();
    let (_, _, back) = t
        .post_form(
            &format!("{url}/decline"),
            &[
                ("csrf_token", &csrf),
                ("decided_on", &received),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(back.as_deref(), Some(url.as_str()));
    let (_, page) = t.page(&url).await;
    assert!(page.contains("Give the reason for declining"), "{page}");
    t.post_form(
        &format!("{url}/decline"),
        &[
            ("csrf_token", &csrf),
            ("decided_on", &received),
            ("reason", "Needs met by community team"),
        ],
    )
    .await;
    let (_, page) = t.page(&url).await;
    assert!(page.contains("Declined on") && page.contains("Needs met by community team"));
}
