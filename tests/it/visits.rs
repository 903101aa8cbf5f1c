//! Oversight visits with their findings, and concerns escalated to the ICB's oversight panel:
//! recorded and shown, refused with what was typed kept, on the commissioner's dashboard while
//! open, closed with an outcome, and gone with the rest of the record when consent is withdrawn.

use crate::register::{nhs, own, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use time::Duration;

/// A commissioner signed in on the browser client, and their API token.
async fn commissioner(t: &TestApp) -> String {
    let (user, password) = t.user_with_role("commissioner").await;
    assert_eq!(t.page_login(&user, &password).await, Status::SeeOther);
    t.login(&user, &password).await
}

/// An adult on the register, admitted to hospital 20 days ago; their id.
async fn inpatient(t: &TestApp, c: &str, n: u32, family: &str) -> String {
    let born = today(t) - Duration::days(365 * 30);
    let mut body = person(&nhs(n), born, own(today(t) - Duration::days(60)));
    body["family_name"] = json!(family);
    let (s, p) = t.post_json("/api/v1/people", Some(c), &body).await;
    assert_eq!(s, Status::Created, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    let admission = json!({"admitted_on": ymd(today(t) - Duration::days(20)), "hospital": "Cavell Centre", "security_level": "low", "legal_status": "section_3"});
    let (s, a) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(c),
            &admission,
        )
        .await;
    assert_eq!(s, Status::Created, "{a}");
    id
}

fn field_error(b: &Value, field: &str) -> String {
    b["error"]["fields"][field][0]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[rocket::async_test]
async fn a_visit_with_findings_is_recorded_and_shown() {
    let t = TestApp::new().await;
    let c = commissioner(&t).await;
    let id = inpatient(&t, &c, 301, "Okafor").await;
    let visited = ymd(today(&t) - Duration::days(2));
    // The two fields API.md fixes are still enough.
    let (s, v) = t
        .post_json(
            &format!("/api/v1/people/{id}/visits"),
            Some(&c),
            &json!({"visited_on": visited, "visitor": "Cara Commissioner"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{v}");
    assert_eq!(v["seen_in_person"], Value::Null);
    assert_eq!(v["restrictive_practices"], json!([]));

    let (s, v) = t
        .post_json(
            &format!("/api/v1/people/{id}/visits"),
            Some(&c),
            &json!({
                "visited_on": visited, "visitor": "Dev Commissioner", "seen_in_person": true,
                "not_seen_reason": "kept only when they were not seen",
                "views": "Wants to go home to Peterborough",
                "concerns": "Three restraints in a week\nNo community plan",
                "restrictive_practices": ["seclusion", "prone_restraint", "seclusion"],
                "actions_agreed": "Ward to send the incident log by Friday",
            }),
        )
        .await;
    assert_eq!(s, Status::Created, "{v}");
    assert_eq!(v["seen_in_person"], true);
    assert_eq!(v["not_seen_reason"], Value::Null);
    assert_eq!(
        v["restrictive_practices"],
        json!(["prone_restraint", "seclusion"])
    );

    let (_, stays) = t
        .get(&format!("/api/v1/people/{id}/admissions"), Some(&c))
        .await;
    let visits = &stays["items"][0]["visits"];
    assert_eq!(visits.as_array().map(Vec::len), Some(2), "{stays}");
    assert!(
        visits
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["concerns"] == "Three restraints in a week\nNo community plan"),
        "{visits}"
    );

    let (s, page) = t.page(&format!("/people/{id}")).await;
    assert_eq!(s, Status::Ok);
    for shown in [
        "Dev Commissioner",
        "Wants to go home to Peterborough",
        "Three restraints in a week",
        "Prone restraint; Seclusion",
        "Ward to send the incident log by Friday",
        "Escalate a concern from this visit",
    ] {
        assert!(page.contains(shown), "the person page shows {shown}");
    }
}

#[rocket::async_test]
async fn findings_that_do_not_add_up_are_refused_by_field() {
    let t = TestApp::new().await;
    let c = commissioner(&t).await;
    let id = inpatient(&t, &c, 302, "Barnes").await;
    let on = ymd(today(&t) - Duration::days(1));
    let cases = [
        (
            json!({"visited_on": on, "visitor": "Cara", "seen_in_person": false}),
            "not_seen_reason",
            "not seen",
        ),
        (
            json!({"visited_on": on, "visitor": "Cara", "restrictive_practices": ["none_observed", "seclusion"]}),
            "restrictive_practices",
            "None observed",
        ),
        (
            json!({"visited_on": on, "visitor": "Cara", "restrictive_practices": ["tasering"]}),
            "restrictive_practices",
            "seclusion",
        ),
    ];
    for (body, field, says) in cases {
        let (s, b) = t
            .post_json(&format!("/api/v1/people/{id}/visits"), Some(&c), &body)
            .await;
        assert_eq!(s, Status::UnprocessableEntity, "{body}: {b}");
        assert!(field_error(&b, field).contains(says), "{field}: {b}");
    }
}

#[rocket::async_test]
async fn a_refused_visit_form_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let c = commissioner(&t).await;
    let id = inpatient(&t, &c, 303, "Novak").await;
    let (s, page) = t.page(&format!("/people/{id}/visit")).await;
    assert_eq!(s, Status::Ok);
    let csrf = extract_csrf(&page).unwrap();
    let d = today(&t) - Duration::days(1);
    let (day, month, year) = (
        d.day().to_string(),
        (d.month() as u8).to_string(),
        d.year().to_string(),
    );
    let (s, body, _) = t
        .post_form(
            &format!("/people/{id}/visit"),
            &[
                ("csrf_token", &csrf),
                ("visited_on-day", &day),
                ("visited_on-month", &month),
                ("visited_on-year", &year),
                ("visitor", "Cara Commissioner"),
                ("seen_in_person", "no"),
                ("concerns", "Staff shortages on the ward"),
                ("restrictive_practices[4]", "seclusion"),
                ("actions_agreed", "Call the ward manager"),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("Say why the person was not seen in person"));
    assert!(body.contains("Staff shortages on the ward"));
    assert!(body.contains("Call the ward manager"));
    assert!(body.contains("value=\"Cara Commissioner\""));
    assert!(
        body.contains("value=\"no\" checked"),
        "the answer stays chosen"
    );
    assert!(
        body.contains("value=\"seclusion\" checked"),
        "the practice stays ticked"
    );
    assert!(
        date_input_value(&body, "visited_on").is_some_and(|v| v.starts_with(&year)),
        "the date typed stays"
    );

    // Given the reason, it is recorded and the person page lists it.
    let csrf = extract_csrf(&body).unwrap();
    let (s, _, to) = t
        .post_form(
            &format!("/people/{id}/visit"),
            &[
                ("csrf_token", &csrf),
                ("visited_on-day", &day),
                ("visited_on-month", &month),
                ("visited_on-year", &year),
                ("visitor", "Cara Commissioner"),
                ("seen_in_person", "no"),
                ("not_seen_reason", "In seclusion all afternoon"),
                ("restrictive_practices[4]", "seclusion"),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(to.as_deref(), Some(format!("/people/{id}#visits").as_str()));
    let (_, page) = t.page(&format!("/people/{id}")).await;
    assert!(page.contains("No: <span class=\"prewrap\">In seclusion all afternoon"));
}

#[rocket::async_test]
async fn an_escalation_is_on_the_dashboard_until_closed_with_an_outcome() {
    let t = TestApp::new().await;
    let c = commissioner(&t).await;
    let id = inpatient(&t, &c, 304, "Quartermaine").await;
    let visited = today(&t) - Duration::days(5);
    let (_, v) = t
        .post_json(
            &format!("/api/v1/people/{id}/visits"),
            Some(&c),
            &json!({"visited_on": ymd(visited), "visitor": "Cara", "seen_in_person": true, "concerns": "Long-term segregation for six weeks"}),
        )
        .await;
    let visit_id = v["id"].as_str().unwrap();

    // Refusals: before the visit, no concern, an unknown urgency.
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/escalations"),
            Some(&c),
            &json!({"raised_on": ymd(visited - Duration::days(1)), "concern": "x", "urgency": "urgent", "visit_id": visit_id}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(
        field_error(&b, "raised_on").contains("before the visit"),
        "{b}"
    );
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/escalations"),
            Some(&c),
            &json!({"raised_on": ymd(visited), "urgency": "soonish"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(field_error(&b, "concern").contains("Enter the concern"));
    assert!(field_error(&b, "urgency").contains("routine, urgent or immediate"));

    // From the visit, through the form the person page links to.
    let (s, form) = t
        .page(&format!("/people/{id}/escalate?visit={visit_id}"))
        .await;
    assert_eq!(s, Status::Ok);
    assert!(
        form.contains("Long-term segregation for six weeks"),
        "the visit's concern starts the form"
    );
    let csrf = extract_csrf(&form).unwrap();
    let raised = today(&t) - Duration::days(3);
    let (s, _, to) = t
        .post_form(
            &format!("/people/{id}/escalate"),
            &[
                ("csrf_token", &csrf),
                ("visit_id", visit_id),
                ("raised_on-day", &raised.day().to_string()),
                ("raised_on-month", &(raised.month() as u8).to_string()),
                ("raised_on-year", &raised.year().to_string()),
                ("concern", "Long-term segregation for six weeks, no review"),
                ("urgency", "urgent"),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    let page_of = to.unwrap();
    let escalation = page_of.trim_start_matches("/escalations/").to_string();
    // And one more, older, through the API: the dashboard lists the oldest first.
    let (s, older) = t
        .post_json(
            &format!("/api/v1/people/{id}/escalations"),
            Some(&c),
            &json!({"raised_on": ymd(today(&t) - Duration::days(4)), "concern": "No advocate for a month", "urgency": "routine"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{older}");
    assert_eq!(older["status"], "open");
    assert_eq!(older["days_open"], 4);

    let (s, open) = t.get("/api/v1/escalations?status=open", Some(&c)).await;
    assert_eq!(s, Status::Ok);
    let concerns: Vec<&str> = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["concern"].as_str().unwrap())
        .collect();
    assert_eq!(
        concerns,
        [
            "No advocate for a month",
            "Long-term segregation for six weeks, no review"
        ]
    );
    let (_, home) = t.page("/").await;
    assert!(
        home.contains("Escalated to the oversight panel, open (2)"),
        "on the dashboard"
    );
    let first = home.find("No advocate for a month").unwrap();
    let second = home
        .find("Long-term segregation for six weeks, no review")
        .unwrap();
    assert!(first < second, "oldest first");
    assert!(home.contains(&format!("href=\"/escalations/{escalation}\"")));

    // Closing needs an outcome, and not a day before it was raised.
    let (s, shown) = t.page(&page_of).await;
    assert_eq!(s, Status::Ok);
    let csrf = extract_csrf(&shown).unwrap();
    let (s, body, _) = t
        .post_form(
            &format!("/escalations/{escalation}/close"),
            &[
                ("csrf_token", &csrf),
                ("closed_on-day", &today(&t).day().to_string()),
                ("closed_on-month", &(today(&t).month() as u8).to_string()),
                ("closed_on-year", &today(&t).year().to_string()),
                ("outcome", ""),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("Enter the outcome"));
    let (s, b) = t
        .post_json(
            &format!("/api/v1/escalations/{escalation}/close"),
            Some(&c),
            &json!({"closed_on": ymd(raised - Duration::days(1)), "outcome": "x"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    let (s, closed) = t
        .post_json(
            &format!("/api/v1/escalations/{escalation}/close"),
            Some(&c),
            &json!({"closed_on": ymd(today(&t)), "outcome": "Panel agreed a CETR within two weeks"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{closed}");
    assert_eq!(
        (closed["status"].as_str(), closed["days_open"].as_i64()),
        (Some("closed"), Some(3))
    );
    let (s, _) = t
        .post_json(
            &format!("/api/v1/escalations/{escalation}/close"),
            Some(&c),
            &json!({"closed_on": ymd(today(&t)), "outcome": "again"}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "closed once");

    let (_, home) = t.page("/").await;
    assert!(home.contains("Escalated to the oversight panel, open (1)"));
    assert!(!home.contains("Long-term segregation for six weeks, no review"));
    let (_, closed_list) = t.get("/api/v1/escalations?status=closed", Some(&c)).await;
    assert_eq!(closed_list["total"], 1);
    assert_eq!(
        closed_list["items"][0]["outcome"],
        "Panel agreed a CETR within two weeks"
    );
    let (s, b) = t.get("/api/v1/escalations?status=maybe", Some(&c)).await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    let (_, page) = t.page(&page_of).await;
    assert!(page.contains("Panel agreed a CETR within two weeks"));
    assert!(!page.contains("Close the escalation"));

    // The person's chronology has both escalations raised, and the one closed, newest first.
    let (s, chron) = t
        .get(
            &format!("/api/v1/people/{id}/chronology?kind=escalation"),
            Some(&c),
        )
        .await;
    assert_eq!(s, Status::Ok, "{chron}");
    let whats: Vec<&str> = chron["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["what"].as_str())
        .collect();
    assert_eq!(whats.len(), 3, "two raised, one closed: {chron}");
    assert!(
        whats[0].starts_with("Escalation closed: Panel agreed a CETR"),
        "{whats:?}"
    );
    assert!(
        whats[1].starts_with("Escalated to the oversight panel"),
        "{whats:?}"
    );

    // Each write is in the audit trail, in words.
    let (_, trail) = t
        .get(
            &format!("/api/v1/audit?person_id={id}"),
            Some(&t.admin_token().await),
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"escalation.raise") && actions.contains(&"escalation.close"));
}

#[rocket::async_test]
async fn an_escalation_about_someone_who_withdraws_is_gone() {
    let t = TestApp::new().await;
    let c = commissioner(&t).await;
    let id = inpatient(&t, &c, 305, "Withers").await;
    let (s, e) = t
        .post_json(
            &format!("/api/v1/people/{id}/escalations"),
            Some(&c),
            &json!({"raised_on": ymd(today(&t)), "concern": "Family report bruising", "urgency": "immediate"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{e}");
    let escalation = e["id"].as_str().unwrap();
    let (_, home) = t.page("/").await;
    assert!(home.contains("Family report bruising"));

    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(today(&t)), "reason": "Withdrew consent by letter"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    let (_, open) = t.get("/api/v1/escalations", Some(&c)).await;
    assert_eq!(open["total"], 0, "{open}");
    let (s, _) = t
        .get(&format!("/api/v1/escalations/{escalation}"), Some(&c))
        .await;
    assert_eq!(s, Status::NotFound);
    let (s, _) = t.page(&format!("/escalations/{escalation}")).await;
    assert_eq!(s, Status::NotFound);
    let (s, _) = t
        .post_json(
            &format!("/api/v1/escalations/{escalation}/close"),
            Some(&c),
            &json!({"closed_on": ymd(today(&t)), "outcome": "x"}),
        )
        .await;
    assert_eq!(s, Status::NotFound);
    let (_, home) = t.page("/").await;
    assert!(!home.contains("Family report bruising"));
    assert!(home.contains("No escalation is open."));
}
