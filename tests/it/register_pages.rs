//! The register through the pages, as a commissioner uses it.

use crate::register::{nhs, today, ymd};
use crate::support::*;
use rocket::http::Status;
use time::Duration;

async fn signed_in_commissioner(t: &TestApp) {
    let (u, p) = t.user_with_role("commissioner").await;
    assert_eq!(t.page_login(&u, &p).await, Status::SeeOther);
}

fn person_fields<'a>(
    nhs_number: &'a str,
    born: &'a str,
    consent_on: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("nhs_number", nhs_number),
        ("given_name", "Siân"),
        ("family_name", "Łukasz-Evans"),
        ("date_of_birth", born),
        ("sex", "female"),
        ("postcode", "cb2 0qq"),
        ("local_authority", "Cambridgeshire"),
        ("learning_disability", "true"),
        ("setting", "residential_school"),
        ("consent.recorded_on", consent_on),
        ("consent.given_by", "Rhiannon Evans"),
        ("consent.relationship", "mother"),
    ]
}

#[rocket::async_test]
async fn a_commissioner_adds_a_child_assesses_and_admits_them() {
    let t = TestApp::new().await;
    signed_in_commissioner(&t).await;
    let (status, form) = t.page("/people/new").await;
    assert_eq!(status, Status::Ok);
    assert!(form.contains("Basis of consent") && form.contains("Gillick"));
    let csrf = extract_csrf(&form).unwrap();
    let number = nhs(500);
    let born = today(&t) - Duration::days(365 * 12);
    let (born, consent_on) = (ymd(born), ymd(today(&t) - Duration::days(2)));

    // Refused first: the child's own consent without a Gillick assessment.
    let mut fields = person_fields(&number, &born, &consent_on);
    fields.push(("csrf_token", &csrf));
    let mut refused = fields.clone();
    refused.push(("consent.basis", "self"));
    let (status, body, _) = t.post_form("/people", &refused).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body.contains("Consent rule not met") && body.contains("Gillick competent"),
        "{body}"
    );
    assert!(body.contains("value=\"Siân\""), "what was typed is kept");
    let (_, list) = t.page("/people").await;
    assert!(list.contains("Nobody matches."), "nothing was saved");

    // Then accepted with parental consent.
    let mut accepted = fields.clone();
    accepted.push(("consent.basis", "parental"));
    let (status, _, location) = t.post_form("/people", &accepted).await;
    assert_eq!(status, Status::SeeOther);
    let person_url = location.unwrap();
    let (status, page) = t.page(&person_url).await;
    assert_eq!(status, Status::Ok);
    assert!(
        page.contains("Siân Łukasz-Evans") && page.contains(&number) && page.contains("CB2 0QQ")
    );
    assert!(page.contains("is on the register") && page.contains("Not yet rated"));
    assert!(page.contains("Rhiannon Evans (mother)"));

    // Assess: answers first, then the suggestion to confirm.
    let id = person_url.trim_start_matches("/people/");
    let (_, assess) = t.page(&format!("{person_url}/assess")).await;
    assert!(assess.contains("Key question"));
    let keys = [
        "mh_unstable",
        "behaviour_challenges",
        "unstable_environment",
        "crisis_last_month",
    ];
    let others = [
        "harm_to_self_or_others",
        "admission_last_year",
        "placement_breakdown",
        "carers_not_coping",
        "community_options_exhausted",
        "criminal_justice",
        "transition",
        "substance_misuse",
    ];
    let names: Vec<String> = keys
        .iter()
        .chain(others.iter())
        .map(|q| format!("answers[{q}]"))
        .collect();
    let mut answers: Vec<(&str, &str)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), if i < 4 { "yes" } else { "no" }))
        .collect();
    let today_s = ymd(today(&t));
    answers.extend([
        ("csrf_token", csrf.as_str()),
        ("assessed_on", today_s.as_str()),
        ("step", "score"),
    ]);
    let (status, confirm, _) = t.post_form(&format!("/people/{id}/assess"), &answers).await;
    assert_eq!(status, Status::Ok, "{confirm}");
    assert!(
        confirm.contains("Score 12") && confirm.contains("All key questions were answered yes"),
        "{confirm}"
    );
    let mut confirmed: Vec<(&str, &str)> = answers
        .iter()
        .filter(|(k, _)| *k != "step")
        .cloned()
        .collect();
    confirmed.extend([("step", "confirm"), ("rating", "red")]);
    let (status, _, _) = t
        .post_form(&format!("/people/{id}/assess"), &confirmed)
        .await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = t.page(&person_url).await;
    assert!(
        page.contains("rating--red") && page.contains("Risk assessment, score 12"),
        "{page}"
    );

    // Admit, then discharge. The admission day starts at today; the optional planned discharge
    // starts empty, so nothing is saved that was not entered.
    let (_, form) = t.page(&format!("/people/{id}/admit")).await;
    assert_eq!(
        date_input_value(&form, "fields[admitted_on]"),
        Some(ymd(today(&t))),
        "{form}"
    );
    assert_eq!(
        date_input_value(&form, "fields[planned_discharge_on]").as_deref(),
        Some(""),
        "{form}"
    );
    let admitted = ymd(today(&t)); // the same day as the assessment, after it
    let (status, body, _) = t
        .post_form(
            &format!("/people/{id}/admit"),
            &[
                ("csrf_token", &csrf),
                ("fields[admitted_on]", &admitted),
                ("fields[hospital]", ""),
            ],
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(
        body.contains("Enter the hospital") && body.contains("Choose the security level"),
        "{body}"
    );
    let (status, _, _) = t
        .post_form(
            &format!("/people/{id}/admit"),
            &[
                ("csrf_token", &csrf),
                ("fields[admitted_on]", &admitted),
                ("fields[hospital]", "Cavell Centre"),
                ("fields[security_level]", "none"),
                ("fields[legal_status]", "informal"),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = t.page(&person_url).await;
    assert!(
        page.contains("Blue (in hospital)") && page.contains("Record discharge"),
        "{page}"
    );
    let marker = "href=\"/admissions/";
    let start = page.find(marker).unwrap() + marker.len();
    let admission = &page[start..start + 36];
    let (status, _, _) = t
        .post_form(
            &format!("/admissions/{admission}/discharge"),
            &[
                ("csrf_token", &csrf),
                ("fields[discharged_on]", &today_s),
                ("fields[destination]", "Family home"),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = t.page(&person_url).await;
    assert!(page.contains("Discharged to Family home"), "{page}");

    // The register shows them red.
    let (_, list) = t.page("/people?rating=red").await;
    assert!(list.contains("Łukasz-Evans, Siân") && list.contains("rating--red"));
}

#[rocket::async_test]
async fn withdrawing_consent_through_the_page_takes_them_off_the_register() {
    let t = TestApp::new().await;
    signed_in_commissioner(&t).await;
    let csrf = t.csrf_signed_in().await;
    let number = nhs(600);
    let born = ymd(today(&t) - Duration::days(365 * 30));
    let on = ymd(today(&t));
    let mut fields = person_fields(&number, &born, &on);
    fields.retain(|(k, _)| !k.starts_with("consent."));
    fields.extend([
        ("csrf_token", csrf.as_str()),
        ("consent.basis", "self"),
        ("consent.recorded_on", on.as_str()),
    ]);
    let (_, _, location) = t.post_form("/people", &fields).await;
    let url = location.unwrap();
    let (status, body, _) = t
        .post_form(
            &format!("{url}/withdraw"),
            &[("csrf_token", &csrf), ("fields[withdrawn_on]", &on)],
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("Enter the reason"));
    let (status, _, location) = t
        .post_form(
            &format!("{url}/withdraw"),
            &[
                ("csrf_token", &csrf),
                ("fields[withdrawn_on]", &on),
                ("fields[reason]", "Withdrawn by phone"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (Status::SeeOther, Some("/people"))
    );
    assert_eq!(t.page(&url).await.0, Status::NotFound);
    let (_, list) = t.page("/people").await;
    assert!(!list.contains(&number));
}
