//! The CETR journey through the API: rate red → review due → schedule with a panel → hold with
//! actions → follow-up scheduled → actions done; and clashes, panel members' view, hospital
//! deadlines and withdrawal.

use crate::register::{answers, nhs, parental, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use time::Duration;

pub struct Panel {
    pub chair: (String, String),
    pub expert: (String, String),
    pub clinician: (String, String),
}

/// A user of the role, signed in: (id, token).
pub async fn member(t: &TestApp, role: &str) -> (String, String) {
    let token = t.token_for_role(role).await;
    let (_, me) = t.get("/api/v1/me", Some(&token)).await;
    (me["id"].as_str().unwrap().to_string(), token)
}

pub async fn panel(t: &TestApp) -> Panel {
    Panel {
        chair: member(t, "panel_chair").await,
        expert: member(t, "panel_member").await,
        clinician: member(t, "clinical_expert").await,
    }
}

/// A finding for each key line of enquiry of a CETR (the six, and education).
pub fn findings() -> Value {
    let mut f = findings_ctr();
    f["education"] = json!("Part-time timetable; EHCP review due");
    f
}

/// A finding for each key line of enquiry this review asks (as the API lists them).
pub async fn findings_for(t: &TestApp, token: &str, review_id: &str) -> Value {
    let (_, review) = t
        .get(&format!("/api/v1/reviews/{review_id}"), Some(token))
        .await;
    let all = findings();
    let lines = review["lines_of_enquiry"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    lines
        .iter()
        .filter_map(|l| l["key"].as_str())
        .map(|k| (k.to_string(), all[k].clone()))
        .collect::<serde_json::Map<String, Value>>()
        .into()
}

/// A finding for each key line of enquiry of a CTR (an adult's review: no education line).
pub fn findings_ctr() -> Value {
    json!({"safe": "Safe at home with extra support", "current_care": "Good but stretched", "daily_life": "Attending school part-time",
           "physical_health": "Annual health check overdue", "future_plan": "Transition plan needed", "need_for_hospital": "No"})
}

pub const RED: &[&str] = &[
    "mh_unstable",
    "behaviour_challenges",
    "harm_to_self_or_others",
    "admission_last_year",
    "placement_breakdown",
    "criminal_justice",
];

#[rocket::async_test]
async fn red_rating_to_review_to_follow_up_to_actions_done() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let born = today(&t) - Duration::days(365 * 15);
    let (_, sam) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(1), born, parental(today(&t) - Duration::days(20))),
        )
        .await;
    let id = sam["id"].as_str().unwrap().to_string();
    let rated = today(&t) - Duration::days(10);
    t.post_json(
        &format!("/api/v1/people/{id}/risk-assessments"),
        Some(&c),
        &json!({"assessed_on": ymd(rated), "answers": answers(RED)}),
    )
    .await;

    // A red rating with no review: one is due within 14 days.
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let red = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "red_review")
        .expect("red review due");
    assert_eq!(red["due_by"], ymd(rated + Duration::days(14)));
    assert_eq!(red["overdue"], false);

    // The panel member cannot see Sam yet.
    assert_eq!(
        t.get(&format!("/api/v1/people/{id}"), Some(&p.expert.1))
            .await
            .0,
        Status::NotFound
    );

    // Schedule a community CETR.
    let day = today(&t) - Duration::days(1);
    let body = json!({"kind": "community", "scheduled_for": ymd(day), "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0});
    let (s, review) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&p.chair.1),
            &body,
        )
        .await;
    assert_eq!(s, Status::Created, "{review}");
    assert_eq!(
        (
            review["status"].as_str(),
            review["review_type"].as_str(),
            review["kind"].as_str()
        ),
        (Some("scheduled"), Some("cetr"), Some("community"))
    );
    assert_eq!(review["due_by"], ymd(rated + Duration::days(14)));
    let review_id = review["id"].as_str().unwrap().to_string();
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    assert!(
        due["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] != "red_review"),
        "a review is scheduled now"
    );
    let (_, sam_now) = t.get(&format!("/api/v1/people/{id}"), Some(&c)).await;
    assert_eq!(sam_now["next_review_due"], ymd(rated + Duration::days(14)));

    // Now the panel member sees Sam and the review — and nobody else.
    assert_eq!(
        t.get(&format!("/api/v1/people/{id}"), Some(&p.expert.1))
            .await
            .0,
        Status::Ok
    );
    assert_eq!(
        t.get(&format!("/api/v1/reviews/{review_id}"), Some(&p.expert.1))
            .await
            .0,
        Status::Ok
    );
    let (_, theirs) = t.get("/api/v1/people", Some(&p.expert.1)).await;
    assert_eq!(theirs["total"], 1);

    // Someone who is not its chair cannot hold it; a bad outcome is refused.
    let other_chair = member(&t, "panel_chair").await;
    let outcome = json!({"held_on": ymd(day), "findings": findings(), "recommendations": "Increase support at home",
    "actions": [
        {"who": "Peterborough children's social care", "what": "Respite package", "when": ymd(today(&t) + Duration::days(30)), "how": "Panel funding request"},
        {"who": "Dr Shah (GP)", "what": "Annual health check", "when": ymd(today(&t) - Duration::days(1)), "how": "Book at surgery"},
    ]});
    assert_eq!(
        t.post_json(
            &format!("/api/v1/reviews/{review_id}/outcome"),
            Some(&other_chair.1),
            &outcome
        )
        .await
        .0,
        Status::Forbidden
    );
    let mut bad = outcome.clone();
    bad["findings"].as_object_mut().unwrap().remove("safe");
    bad["actions"][0]["when"] = json!(ymd(day - Duration::days(1)));
    bad["actions"][1]["who"] = json!("");
    let (s, b) = t
        .post_json(
            &format!("/api/v1/reviews/{review_id}/outcome"),
            Some(&p.chair.1),
            &bad,
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    for f in ["findings.safe", "actions[0].when", "actions[1].who"] {
        assert!(b["error"]["fields"][f].is_array(), "{f}: {b}");
    }

    // Held by its chair: the actions are recorded and the follow-up is scheduled.
    let (s, held) = t
        .post_json(
            &format!("/api/v1/reviews/{review_id}/outcome"),
            Some(&p.chair.1),
            &outcome,
        )
        .await;
    assert_eq!(s, Status::Ok, "{held}");
    assert_eq!(held["status"], "held");
    assert_eq!(held["actions"].as_array().unwrap().len(), 2);
    assert_eq!(held["report_due_by"], ymd(day + Duration::days(14)));
    let next = &held["next_review"];
    assert_eq!(next["kind"], "follow_up");
    assert_eq!(next["status"], "scheduled");
    let three_months = tcr::domain::schedule::add_months(day, 3);
    assert_eq!(next["due_by"], ymd(three_months));
    assert_eq!(
        next["chair"]["id"],
        p.chair.0.as_str(),
        "the same panel where free"
    );
    assert_eq!(
        t.post_json(
            &format!("/api/v1/reviews/{review_id}/outcome"),
            Some(&p.chair.1),
            &outcome
        )
        .await
        .0,
        Status::Conflict
    );

    // Overdue action listed; done and dropped.
    let (_, overdue) = t.get("/api/v1/actions?overdue=true", Some(&c)).await;
    assert_eq!(overdue["total"], 1);
    let gp_action = overdue["items"][0]["id"].as_str().unwrap().to_string();
    let (_, sam_now) = t.get(&format!("/api/v1/people/{id}"), Some(&c)).await;
    assert!(
        sam_now["overdue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o.as_str().unwrap().contains("Annual health check")),
        "{sam_now}"
    );
    let (s, b) = t
        .patch_json(
            &format!("/api/v1/actions/{gp_action}"),
            Some(&c),
            &json!({"status": "dropped"}),
        )
        .await;
    assert_eq!(
        s,
        Status::UnprocessableEntity,
        "dropping needs a reason: {b}"
    );
    // Among chairs, only the review's own keeps its plan: another chair reads the review but
    // may not change its actions.
    let other_chair = member(&t, "panel_chair").await;
    let done = json!({"status": "done", "completed_on": ymd(today(&t))});
    let (s, _) = t
        .patch_json(
            &format!("/api/v1/actions/{gp_action}"),
            Some(&other_chair.1),
            &done,
        )
        .await;
    assert_eq!(s, Status::Forbidden, "a chair of other reviews");
    let (s, a) = t
        .patch_json(&format!("/api/v1/actions/{gp_action}"), Some(&c), &done)
        .await;
    assert_eq!(
        (s, a["status"].as_str(), a["overdue"].as_bool()),
        (Status::Ok, Some("done"), Some(false)),
        "{a}"
    );
    let (_, overdue) = t.get("/api/v1/actions?overdue=true", Some(&c)).await;
    assert_eq!(overdue["total"], 0);

    // The report is sent.
    let (s, r) = t
        .post_json(
            &format!("/api/v1/reviews/{review_id}/report-sent"),
            Some(&p.chair.1),
            &json!({"sent_on": ymd(today(&t))}),
        )
        .await;
    assert_eq!(
        (s, r["report_sent_on"].as_str()),
        (Status::Ok, Some(ymd(today(&t)).as_str()))
    );
    let (_, list) = t
        .get(
            &format!("/api/v1/reviews?person_id={id}&status=scheduled"),
            Some(&c),
        )
        .await;
    assert_eq!(list["total"], 1, "the follow-up");
}

#[rocket::async_test]
async fn panel_rules_and_clashes() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let born = today(&t) - Duration::days(365 * 30);
    let (_, a) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(
                &nhs(10),
                born,
                json!({"basis": "self", "recorded_on": ymd(today(&t))}),
            ),
        )
        .await;
    let (_, b) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(
                &nhs(11),
                born,
                json!({"basis": "self", "recorded_on": ymd(today(&t))}),
            ),
        )
        .await;
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let day = ymd(today(&t) + Duration::days(7));
    let full = json!({"kind": "community", "scheduled_for": day, "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0});
    let mut same = full.clone();
    same["clinical_expert_id"] = json!(p.expert.0);
    let (s, e) = t
        .post_json(&format!("/api/v1/people/{a}/reviews"), Some(&c), &same)
        .await;
    assert_eq!(
        s,
        Status::UnprocessableEntity,
        "three different people: {e}"
    );
    let mut short = full.clone();
    short["clinical_expert_id"] = Value::Null;
    assert_eq!(
        t.post_json(&format!("/api/v1/people/{a}/reviews"), Some(&c), &short)
            .await
            .0,
        Status::UnprocessableEntity
    );
    let mut wrong_role = full.clone();
    wrong_role["expert_by_experience_id"] = json!(p.chair.0);
    assert_eq!(
        t.post_json(
            &format!("/api/v1/people/{a}/reviews"),
            Some(&c),
            &wrong_role
        )
        .await
        .0,
        Status::UnprocessableEntity
    );

    assert_eq!(
        t.post_json(&format!("/api/v1/people/{a}/reviews"), Some(&c), &full)
            .await
            .0,
        Status::Created
    );
    // The same expert on another review that day: refused, naming the clash.
    let other = member(&t, "panel_chair").await;
    let other_clinician = member(&t, "clinical_expert").await;
    let clash = json!({"kind": "community", "scheduled_for": day, "chair_id": other.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": other_clinician.0});
    let (s, e) = t
        .post_json(&format!("/api/v1/people/{b}/reviews"), Some(&c), &clash)
        .await;
    assert_eq!(s, Status::Conflict);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already on the panel of another review"),
        "{e}"
    );
    // A LAEP needs only its chair.
    let laep = json!({"kind": "laep", "scheduled_for": ymd(today(&t) + Duration::days(8)), "chair_id": other.0});
    assert_eq!(
        t.post_json(&format!("/api/v1/people/{b}/reviews"), Some(&c), &laep)
            .await
            .0,
        Status::Created
    );
    // Inpatient reviews are for people in hospital.
    let mut inpatient = full.clone();
    inpatient["kind"] = json!("inpatient");
    inpatient["scheduled_for"] = json!(ymd(today(&t) + Duration::days(20)));
    assert_eq!(
        t.post_json(&format!("/api/v1/people/{b}/reviews"), Some(&c), &inpatient)
            .await
            .0,
        Status::Conflict
    );

    // Withdrawing consent cancels the scheduled reviews (kept for records retention, and gone
    // from every list).
    t.post_json(
        &format!("/api/v1/people/{a}/consent/withdraw"),
        Some(&c),
        &json!({"withdrawn_on": ymd(today(&t)), "reason": "Withdrawn"}),
    )
    .await;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let kept = tcr::entities::review::Entity::find()
        .filter(tcr::entities::review::Column::PersonId.eq(a))
        .all(&t.db)
        .await
        .unwrap();
    assert!(!kept.is_empty());
    assert!(kept.iter().all(|r| r.status.as_str() == "cancelled"
        && r.cancelled_reason.as_deref() == Some("Consent withdrawn")));
    let (_, list) = t.get("/api/v1/reviews?status=cancelled", Some(&c)).await;
    assert_eq!(list["total"], 0, "{list}");
}

#[rocket::async_test]
async fn hospital_deadlines_for_a_child() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 14);
    let (_, kid) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(20), born, parental(today(&t) - Duration::days(60))),
        )
        .await;
    let id = kid["id"].as_str().unwrap();
    let admitted = today(&t) - Duration::days(50);
    t.post_json(&format!("/api/v1/people/{id}/admissions"), Some(&c), &json!({"admitted_on": ymd(admitted), "hospital": "Darwin Centre", "security_level": "none", "legal_status": "section_2"})).await;
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let items = due["items"].as_array().unwrap();
    let find = |kind: &str| {
        items
            .iter()
            .find(|i| i["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind} in {due}"))
    };
    let post = find("review");
    assert!(post["what"].as_str().unwrap().contains("Post-admission"));
    assert_eq!(
        post["overdue"], true,
        "10 working days after an admission 50 days ago"
    );
    assert_eq!(find("visit")["due_by"], ymd(admitted + Duration::weeks(6)));
    assert_eq!(find("visit")["overdue"], true);
    assert_eq!(
        find("social_worker")["due_by"],
        ymd(admitted + Duration::days(89))
    );
    t.post_json(
        &format!("/api/v1/people/{id}/visits"),
        Some(&c),
        &json!({"visited_on": ymd(today(&t)), "visitor": "Cara"}),
    )
    .await;
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let visit = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "visit")
        .unwrap()
        .clone();
    assert_eq!(
        visit["due_by"],
        ymd(today(&t) + Duration::weeks(6)),
        "from the last visit"
    );
}

#[rocket::async_test]
async fn a_step_down_in_security_brings_the_next_inpatient_review_forward() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let born = today(&t) - Duration::days(365 * 30);
    let (_, adult) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(
                &nhs(30),
                born,
                json!({"basis": "self", "recorded_on": ymd(today(&t) - Duration::days(200))}),
            ),
        )
        .await;
    let id = adult["id"].as_str().unwrap();
    let admitted = today(&t) - Duration::days(100);
    let (_, stay) = t.post_json(&format!("/api/v1/people/{id}/admissions"), Some(&c), &json!({"admitted_on": ymd(admitted), "hospital": "St Andrew's", "security_level": "medium", "legal_status": "section_3"})).await;
    let held = today(&t) - Duration::days(2);
    let body = json!({"kind": "inpatient", "scheduled_for": ymd(held), "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0});
    let (_, r) = t
        .post_json(&format!("/api/v1/people/{id}/reviews"), Some(&c), &body)
        .await;
    let outcome = json!({"held_on": ymd(held), "findings": crate::reviews::findings_ctr(), "recommendations": "Plan step-down", "actions": []});
    let (s, h) = t
        .post_json(
            &format!("/api/v1/reviews/{}/outcome", r["id"].as_str().unwrap()),
            Some(&p.chair.1),
            &outcome,
        )
        .await;
    assert_eq!(s, Status::Ok, "{h}");
    let next_id = h["next_review"]["id"].as_str().unwrap().to_string();
    assert_eq!(h["next_review"]["kind"], "inpatient");
    assert_eq!(
        h["next_review"]["due_by"],
        ymd(tcr::domain::schedule::add_months(held, 12)),
        "adult, medium secure: 12 months"
    );

    let stay_id = stay["id"].as_str().unwrap();
    let (s, b) = t
        .patch_json(
            &format!("/api/v1/admissions/{stay_id}"),
            Some(&c),
            &json!({"security_level": "castle"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    let (s, _) = t
        .patch_json(
            &format!("/api/v1/admissions/{stay_id}"),
            Some(&c),
            &json!({"security_level": "none"}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (_, next) = t.get(&format!("/api/v1/reviews/{next_id}"), Some(&c)).await;
    assert_eq!(
        next["due_by"],
        ymd(tcr::domain::schedule::add_months(held, 6)),
        "stepped down to none: 6 months"
    );
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    assert!(
        due["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["due_by"] == ymd(tcr::domain::schedule::add_months(held, 6))),
        "{due}"
    );
}
