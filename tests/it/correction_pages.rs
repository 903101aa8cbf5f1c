//! Corrections through the pages: the person page's Change links, correcting a stay, voiding
//! an assessment, amending an outcome and adding an addendum, closing and reopening actions.

use crate::register::{answers, nhs, parental, person, today, ymd};
use crate::reviews::{RED, findings};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use time::Duration;

/// Signs this client in as a new user of `role`; returns (user id, API token).
async fn sign_in(t: &TestApp, role: &str) -> (String, String) {
    let (u, p) = t.user_with_role(role).await;
    assert_eq!(t.page_login(&u, &p).await, Status::SeeOther);
    let token = t.login(&u, &p).await;
    let (_, me) = t.get("/api/v1/me", Some(&token)).await;
    (me["id"].as_str().unwrap().to_string(), token)
}

async fn add_person(t: &TestApp, c: &str, n: u32) -> String {
    let day = today(t);
    let mut body = person(
        &nhs(n),
        day - Duration::days(365 * 15),
        parental(day - Duration::days(200)),
    );
    body["registered_on"] = json!(ymd(day - Duration::days(200)));
    let (s, p) = t.post_json("/api/v1/people", Some(c), &body).await;
    assert_eq!(s, Status::Created, "{p}");
    p["id"].as_str().unwrap().to_string()
}

#[rocket::async_test]
async fn a_commissioner_corrects_a_stay_and_voids_an_assessment_on_the_pages() {
    let t = TestApp::new().await;
    let (_, c) = sign_in(&t, "commissioner").await;
    let day = today(&t);
    let id = add_person(&t, &c, 21).await;
    let (s, a) = t
        .post_json(
            &format!("/api/v1/people/{id}/risk-assessments"),
            Some(&c),
            &json!({"assessed_on": ymd(day - Duration::days(60)), "answers": answers(RED)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{a}");
    let assessment = a["id"].as_str().unwrap().to_string();
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(day - Duration::days(30)), "hospital": "Hospital Ashgrove",
                    "security_level": "low", "legal_status": "section_2"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let stay = stay["id"].as_str().unwrap().to_string();

    // Every row of the summary list has its Change link to the right field.
    let (s, page) = t.page(&format!("/people/{id}")).await;
    assert_eq!(s, Status::Ok);
    for anchor in [
        "nhs_number",
        "date_of_birth",
        "sex",
        "postcode",
        "local_authority",
        "learning_disability",
        "ehcp",
        "setting",
        "social_worker",
        "keyworker",
        "registered_on",
    ] {
        assert!(
            page.contains(&format!(
                "/people/{id}/edit#{anchor}\">Change<span class=\"visually-hidden\">"
            )),
            "{anchor}"
        );
    }
    assert!(page.contains(&format!("/admissions/{stay}/correct")));
    assert!(page.contains(&format!("/risk-assessments/{assessment}/void")));
    let (_, edit) = t.page(&format!("/people/{id}/edit")).await;
    for anchor in [
        "id=\"registered_on\"",
        "id=\"ehcp\"",
        "id=\"learning_disability\"",
    ] {
        assert!(edit.contains(anchor), "{anchor}");
    }

    // The correction form starts from the stay as recorded; a refusal keeps what was typed.
    let path = format!("/admissions/{stay}/correct");
    let (s, form) = t.page(&path).await;
    assert_eq!(s, Status::Ok);
    assert!(form.contains("value=\"Hospital Ashgrove\""), "{form}");
    assert_eq!(
        date_input_value(&form, "fields[admitted_on]"),
        Some(ymd(day - Duration::days(30)))
    );
    let csrf = extract_csrf(&form).unwrap();
    let tomorrow = ymd(day + Duration::days(1));
    let (s, body, _) = t
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("fields[admitted_on]", &tomorrow),
                ("fields[hospital]", "Hospital Birchwood"),
                ("fields[security_level]", "low"),
                ("fields[legal_status]", "section_2"),
                ("fields[correction_reason]", "Typed the wrong hospital"),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("There is a problem"));
    assert!(body.contains("Typed the wrong hospital"));
    assert!(body.contains("value=\"Hospital Birchwood\""));
    let start = ymd(day - Duration::days(32));
    let (s, _, to) = t
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("fields[admitted_on]", &start),
                ("fields[hospital]", "Hospital Birchwood"),
                ("fields[security_level]", "low"),
                ("fields[legal_status]", "section_2"),
                ("fields[correction_reason]", "Typed the wrong hospital"),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(to.as_deref(), Some(format!("/people/{id}").as_str()));
    let (_, page) = t.page(&format!("/people/{id}")).await;
    assert!(page.contains("Hospital Birchwood"));
    assert!(page.contains(&tcr::domain::dates::short_date(day - Duration::days(32))));

    // Voiding: a confirmation page, a reason, then struck through with who and why.
    let void = format!("/risk-assessments/{assessment}/void");
    let (s, confirm) = t.page(&void).await;
    assert_eq!(s, Status::Ok);
    assert!(confirm.contains("Void this assessment"));
    let (s, body, _) = t
        .post_form(&void, &[("csrf_token", &csrf), ("fields[reason]", " ")])
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("There is a problem"));
    let (s, _, _) = t
        .post_form(
            &void,
            &[
                ("csrf_token", &csrf),
                ("fields[reason]", "Entered against the wrong person"),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    let (_, page) = t.page(&format!("/people/{id}")).await;
    assert!(page.contains("Voided assessments"));
    assert!(page.contains("<del>"));
    assert!(page.contains("Entered against the wrong person"));
    assert!(!page.contains(&void), "no void link for a voided one");
    let (s, _) = t.page(&void).await;
    assert_eq!(s, Status::Conflict);
}

/// A community review chaired by the signed-in chair, held with two actions.
async fn held(t: &TestApp, chair: &(String, String), c: &str) -> (String, Value) {
    let day = today(t);
    let id = add_person(t, c, 22).await;
    let expert = crate::reviews::member(t, "panel_member").await;
    let clinician = crate::reviews::member(t, "clinical_expert").await;
    let held_on = day - Duration::days(3);
    let (s, r) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&chair.1),
            &json!({"kind": "community", "scheduled_for": ymd(held_on), "scheduled_on": ymd(held_on),
                    "chair_id": chair.0, "expert_by_experience_id": expert.0, "clinical_expert_id": clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{r}");
    let rid = r["id"].as_str().unwrap().to_string();
    let (s, h) = t
        .post_json(
            &format!("/api/v1/reviews/{rid}/outcome"),
            Some(&chair.1),
            &json!({"held_on": ymd(held_on), "findings": findings(), "recommendations": "Keep going",
                    "actions": [
                        {"who": "Team A", "what": "Fix the plan", "when": ymd(day + Duration::days(10)), "how": "Meet"},
                        {"who": "Team B", "what": "Call the school", "when": ymd(day + Duration::days(20)), "how": "Phone"},
                    ]}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{h}");
    (rid, h)
}

#[rocket::async_test]
async fn the_chair_amends_the_outcome_then_adds_an_addendum() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = sign_in(&t, "panel_chair").await;
    let (rid, h) = held(&t, &chair, &c).await;
    let first = h["actions"][0]["id"].as_str().unwrap();

    let amend = format!("/reviews/{rid}/amend");
    let (s, form) = t.page(&amend).await;
    assert_eq!(s, Status::Ok, "{form}");
    assert!(
        form.contains(&format!("value=\"{first}\"")),
        "the action's id rides along"
    );
    assert!(form.contains("Keep going"));
    let csrf = extract_csrf(&form).unwrap();
    let held_on = h["held_on"].as_str().unwrap().to_string();
    let mut fields: Vec<(String, String)> = vec![
        ("csrf_token".into(), csrf.clone()),
        ("step".into(), "amend".into()),
        ("held_on".into(), held_on.clone()),
        ("recommendations".into(), "Keep going, with respite".into()),
        ("reason".into(), "Missed a recommendation".into()),
    ];
    for (k, v) in findings().as_object().unwrap() {
        fields.push((format!("findings[{k}]"), v.as_str().unwrap().into()));
    }
    for (i, a) in h["actions"].as_array().unwrap().iter().enumerate() {
        for col in ["id", "who", "what", "when", "how"] {
            fields.push((
                format!("actions[{i}].{col}"),
                a[col].as_str().unwrap().into(),
            ));
        }
    }
    // A refusal keeps what was typed.
    let mut bad = fields.clone();
    bad[2].1 = ymd(today(&t) + Duration::days(2));
    let refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (s, body, _) = t.post_form(&amend, &refs).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("There is a problem"));
    assert!(body.contains("Keep going, with respite"));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (s, _, to) = t.post_form(&amend, &refs).await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(to.as_deref(), Some(format!("/reviews/{rid}").as_str()));
    let (_, r) = t.get(&format!("/api/v1/reviews/{rid}"), Some(&c)).await;
    assert_eq!(r["recommendations"], "Keep going, with respite");
    assert_eq!(r["actions"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(r["actions"][0]["id"], first);

    // Once the report is sent: no amending; the addendum form instead.
    let (s, _) = t
        .post_json(
            &format!("/api/v1/reviews/{rid}/report-sent"),
            Some(&chair.1),
            &json!({"sent_on": ymd(today(&t))}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (s, _) = t.page(&amend).await;
    assert_eq!(s, Status::Conflict);
    let (_, page) = t.page(&format!("/reviews/{rid}")).await;
    assert!(page.contains("Add an addendum"));
    let addenda = format!("/reviews/{rid}/addenda");
    let (s, body, _) = t
        .post_form(&addenda, &[("csrf_token", &csrf), ("text", "")])
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("There is a problem"));
    let (s, _, _) = t
        .post_form(
            &addenda,
            &[("csrf_token", &csrf), ("text", "School place confirmed")],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    let (_, page) = t.page(&format!("/reviews/{rid}")).await;
    assert!(page.contains("School place confirmed"));
    assert!(page.contains(&tcr::domain::dates::long_date(today(&t))));
}

#[rocket::async_test]
async fn actions_are_done_on_a_day_dropped_with_a_reason_and_reopened() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = sign_in(&t, "panel_chair").await;
    let (rid, h) = held(&t, &chair, &c).await;
    let first = h["actions"][0]["id"].as_str().unwrap().to_string();
    let second = h["actions"][1]["id"].as_str().unwrap().to_string();
    let (s, page) = t.page("/actions").await;
    assert_eq!(s, Status::Ok);
    assert!(page.contains(&format!("id=\"completed_on-{first}\"")));
    assert_eq!(
        date_input_value(&page, "completed_on"),
        Some(ymd(today(&t))),
        "defaults to today"
    );
    let csrf = extract_csrf(&page).unwrap();
    let path = format!("/actions/{second}");

    // Dropping without a reason: the error summary, by that action's field.
    let (s, body, _) = t
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("status", "dropped"),
                ("note", ""),
                ("back", "/actions"),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("There is a problem"));
    assert!(body.contains(&format!("href=\"#note-{second}\"")), "{body}");
    // Done tomorrow: refused, the day typed kept.
    let tomorrow = ymd(today(&t) + Duration::days(1));
    let (s, body, _) = t
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("status", "done"),
                ("completed_on", &tomorrow),
                ("back", "/actions"),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    // The day typed comes back in that action's own boxes.
    let row = &body[body.find(&format!("id=\"completed_on-{second}\"")).unwrap()..];
    assert_eq!(
        date_input_value(row, "completed_on"),
        Some(tomorrow.clone())
    );
    let yesterday = ymd(today(&t) - Duration::days(1));
    let (s, _, _) = t
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("status", "done"),
                ("completed_on", &yesterday),
                ("back", "/actions"),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    let (_, a) = t.get(&format!("/api/v1/reviews/{rid}"), Some(&c)).await;
    let done = a["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == second)
        .unwrap();
    assert_eq!(done["status"], "done");
    assert_eq!(done["completed_on"], yesterday);

    // Undone from the review page, with a reason.
    let (_, page) = t.page(&format!("/reviews/{rid}")).await;
    assert!(page.contains(&format!("id=\"reopen-{second}\"")));
    assert!(
        !page.contains(&format!("id=\"reopen-{first}\"")),
        "open ones have none"
    );
    let back = format!("/reviews/{rid}");
    let (s, _, _) = t
        .post_form(
            &path,
            &[
                ("csrf_token", &csrf),
                ("status", "open"),
                ("note", "Ticked by mistake"),
                ("back", &back),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    let (_, a) = t.get(&format!("/api/v1/reviews/{rid}"), Some(&c)).await;
    let reopened = a["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == second)
        .unwrap();
    assert_eq!(reopened["status"], "open");
}
