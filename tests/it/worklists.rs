//! The actions worklist: each row names its person, soonest due first then by the person's
//! name, paged in SQL, filtered by owner and overdue; panel members see only their reviews'
//! actions; owners already used are suggested most used first, on the API and as the outcome
//! form's datalist.

use crate::register::{nhs, parental, person, today, ymd};
use crate::reviews::{findings, member};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use time::Duration;

/// A child named `given family` with a held review whose plan has these actions
/// (who, days from today): returns the person's id and the token of the review's expert by
/// experience (a panel member, who reads only the reviews they sit on).
pub(crate) async fn with_actions(
    t: &TestApp,
    c: &str,
    n: u32,
    name: (&str, &str),
    actions: &[(&str, i64)],
) -> (String, String) {
    let mut body = person(
        &nhs(n),
        today(t) - Duration::days(365 * 14),
        parental(today(t) - Duration::days(30)),
    );
    body["given_name"] = json!(name.0);
    body["family_name"] = json!(name.1);
    let (s, p) = t.post_json("/api/v1/people", Some(c), &body).await;
    assert_eq!(s, Status::Created, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    let (chair_id, chair) = member(t, "panel_chair").await;
    let (expert_id, expert) = member(t, "panel_member").await;
    let (clinician_id, _) = member(t, "clinical_expert").await;
    let day = today(t) - Duration::days(2);
    let (s, review) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&chair),
            &json!({"kind": "community", "scheduled_for": ymd(day), "chair_id": chair_id, "expert_by_experience_id": expert_id, "clinical_expert_id": clinician_id}),
        )
        .await;
    assert_eq!(s, Status::Created, "{review}");
    let plan: Vec<Value> = actions
        .iter()
        .map(|(who, days)| json!({"who": who, "what": format!("Task for {}", name.1), "when": ymd(today(t) + Duration::days(*days)), "how": "By phone"}))
        .collect();
    let (s, b) = t
        .post_json(
            &format!("/api/v1/reviews/{}/outcome", review["id"].as_str().unwrap()),
            Some(&chair),
            &json!({"held_on": ymd(day), "findings": findings(), "recommendations": "Support", "actions": plan}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    (id, expert)
}

fn rows(list: &Value) -> Vec<(String, String, String)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["when"].as_str().unwrap().to_string(),
                a["person_name"].as_str().unwrap().to_string(),
                a["who"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[rocket::async_test]
async fn actions_name_their_person_sort_by_due_then_name_and_page() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let d = |n: i64| ymd(today(&t) + Duration::days(n));
    let (zed, zed_member) = with_actions(
        &t,
        &c,
        100,
        ("Zed", "Young"),
        &[("Dr Shah", 5), ("Social care", -1)],
    )
    .await;
    with_actions(
        &t,
        &c,
        200,
        ("Ann", "Ash"),
        &[("Dr Shah", 5), ("dr shah", 9)],
    )
    .await;

    let (s, list) = t.get("/api/v1/actions", Some(&c)).await;
    assert_eq!(s, Status::Ok, "{list}");
    assert_eq!(
        rows(&list),
        vec![
            (d(-1), "Zed Young".into(), "Social care".into()),
            (d(5), "Ann Ash".into(), "Dr Shah".into()),
            (d(5), "Zed Young".into(), "Dr Shah".into()),
            (d(9), "Ann Ash".into(), "dr shah".into()),
        ],
        "due date first, then the person's name"
    );
    assert_eq!(list["items"][0]["person_id"], zed.as_str());
    assert_eq!(list["items"][0]["overdue"], true);

    // Paged in SQL: the total is the whole list, each page its share.
    let (_, page2) = t.get("/api/v1/actions?per_page=3&page=2", Some(&c)).await;
    assert_eq!(page2["total"], 4);
    assert_eq!(
        rows(&page2),
        vec![(d(9), "Ann Ash".into(), "dr shah".into())]
    );

    // Filters: overdue, and one owner whatever the case.
    let (_, overdue) = t.get("/api/v1/actions?overdue=true", Some(&c)).await;
    assert_eq!(
        rows(&overdue),
        vec![(d(-1), "Zed Young".into(), "Social care".into())]
    );
    let (_, not_overdue) = t.get("/api/v1/actions?overdue=false", Some(&c)).await;
    assert_eq!(not_overdue["total"], 3);
    let (_, shah) = t.get("/api/v1/actions?who=DR%20SHAH", Some(&c)).await;
    assert_eq!(shah["total"], 3);
    let (s, b) = t
        .get(
            &format!("/api/v1/actions?who={}", "x".repeat(101)),
            Some(&c),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");

    // A panel member of Zed's review sees only Zed's actions.
    let (_, theirs) = t.get("/api/v1/actions", Some(&zed_member)).await;
    assert_eq!(theirs["total"], 2, "{theirs}");
    assert!(rows(&theirs).iter().all(|r| r.1 == "Zed Young"));

    // Owners already used, most used first; `q` narrows; wildcards are letters.
    let (s, owners) = t.get("/api/v1/actions/owners", Some(&c)).await;
    assert_eq!(s, Status::Ok, "{owners}");
    assert_eq!(owners["items"][0], json!({"who": "Dr Shah", "actions": 2}));
    assert_eq!(owners["items"].as_array().unwrap().len(), 3);
    let (_, social) = t.get("/api/v1/actions/owners?q=SOCIAL", Some(&c)).await;
    assert_eq!(
        social["items"],
        json!([{"who": "Social care", "actions": 1}])
    );
    let (_, none) = t.get("/api/v1/actions/owners?q=%25", Some(&c)).await;
    assert_eq!(
        none["items"],
        json!([]),
        "% is a letter to find, not a wildcard"
    );
    let (_, member_owners) = t.get("/api/v1/actions/owners", Some(&zed_member)).await;
    assert_eq!(
        member_owners["items"].as_array().unwrap().len(),
        2,
        "only their reviews' owners"
    );
}

#[rocket::async_test]
async fn the_actions_page_names_people_and_the_outcome_form_suggests_owners() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    with_actions(
        &t,
        &c,
        300,
        ("Marie", "Lefèvre"),
        &[("Dr Shah", -2), ("Ward manager", 4)],
    )
    .await;
    let (user, password) = t.user_with_role("commissioner").await;
    t.page_login(&user, &password).await;
    let (s, page) = t.page("/actions").await;
    assert_eq!(s, Status::Ok);
    assert!(page.contains(">Marie Lefèvre</a>"), "{page}");
    let shah = page.find("Dr Shah</td>").expect("Dr Shah's row");
    let ward = page
        .find("Ward manager</td>")
        .expect("the ward manager's row");
    assert!(shah < ward, "soonest due first");
    assert!(page.contains("Overdue"));
    let (_, only) = t.page("/actions?who=Ward%20manager").await;
    assert!(!only.contains("Dr Shah</td>") && only.contains("Ward manager</td>"));
    let (_, overdue) = t.page("/actions?overdue=true").await;
    assert!(overdue.contains("Dr Shah</td>") && !overdue.contains("Ward manager</td>"));
    let (s, bad) = t.page("/actions?overdue=maybe").await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(bad.contains("error-summary"));

    // Another review's outcome form offers the owners already used.
    let (chair_id, chair) = member(&t, "panel_chair").await;
    let (expert_id, _) = member(&t, "panel_member").await;
    let (clinician_id, _) = member(&t, "clinical_expert").await;
    let mut body = person(
        &nhs(400),
        today(&t) - Duration::days(365 * 12),
        parental(today(&t) - Duration::days(10)),
    );
    body["family_name"] = json!("Other");
    let (_, p) = t.post_json("/api/v1/people", Some(&c), &body).await;
    let (_, review) = t
        .post_json(
            &format!("/api/v1/people/{}/reviews", p["id"].as_str().unwrap()),
            Some(&chair),
            &json!({"kind": "community", "scheduled_for": ymd(today(&t)), "chair_id": chair_id, "expert_by_experience_id": expert_id, "clinical_expert_id": clinician_id}),
        )
        .await;
    let (_, form) = t
        .page(&format!("/reviews/{}", review["id"].as_str().unwrap()))
        .await;
    assert!(form.contains(r#"list="action-owners""#), "{form}");
    assert!(form.contains(r#"<datalist id="action-owners"><option value="Dr Shah"></option><option value="Ward manager"></option></datalist>"#), "{form}");
}
