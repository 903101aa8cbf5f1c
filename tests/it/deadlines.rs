//! One deadline engine, seen through the API: reviews owed but not yet booked count in the
//! return, and the due list as at a past day is the due list as it stood on that day.

use crate::register::{nhs, parental, person, today, ymd};
use crate::reviews::panel;
use crate::support::*;
use rocket::http::Status;
use serde_json::json;
use tcr::domain::schedule::add_working_days;
use time::Duration;

/// A child admitted on the first of last month, with no review booked: their post-admission
/// review fell due ten working days later and is overdue at the month's end — counted in the
/// month's return (as owed and not booked, and by kind) and shown as the row's next review due.
#[rocket::async_test]
async fn an_owed_unbooked_post_admission_review_is_overdue_in_the_months_return() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let first = today(&t).replace_day(1).unwrap() - Duration::days(1);
    let first = first.replace_day(1).unwrap();
    let last = today(&t).replace_day(1).unwrap() - Duration::days(1);
    let born = today(&t) - Duration::days(365 * 14);
    let (s, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(31), born, parental(first - Duration::days(60))),
        )
        .await;
    assert_eq!(s, Status::Created, "{p}");
    let id = p["id"].as_str().unwrap();
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(first), "hospital": "Hospital A", "security_level": "none", "legal_status": "section_2"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let due = add_working_days(first, 10, &t.app.policies.schedule.bank_holidays);

    // The due list as at the month's end names it, overdue, and not booked.
    let (s, list) = t
        .get(
            &format!("/api/v1/people/{id}/due?as_of={}", ymd(last)),
            Some(&c),
        )
        .await;
    assert_eq!(s, Status::Ok, "{list}");
    let owed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["what"] == "Post-admission review")
        .unwrap_or_else(|| panic!("owed: {list}"));
    assert_eq!(
        (owed["due_by"].as_str(), owed["overdue"].as_bool()),
        (Some(ymd(due).as_str()), Some(true))
    );

    let month = format!("{:04}-{:02}", last.year(), u8::from(last.month()));
    let (s, r) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "monthly", "period": month}),
        )
        .await;
    assert_eq!(s, Status::Created, "{r}");
    let counts = &r["counts"];
    assert_eq!(counts["reviews_overdue"], 1, "{counts}");
    assert_eq!(counts["reviews_overdue_unscheduled"], 1, "{counts}");
    assert_eq!(counts["reviews_overdue_post_admission"], 1, "{counts}");
    let (s, _, _, csv) = t
        .download(
            &format!("/api/v1/returns/{}/csv", r["id"].as_str().unwrap()),
            Some(&c),
        )
        .await;
    assert_eq!(s, Status::Ok);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains(&ymd(due)), "next review due on the row: {csv}");
}

/// What a person owed at the end of a day, read later with `as_of`, is what the due list said
/// on that day — whatever was recorded since with later dates.
#[rocket::async_test]
async fn the_due_list_as_at_a_day_is_the_due_list_of_that_day() {
    let t = TestApp::new().await;
    let (cu, cp) = t.user_with_role("commissioner").await;
    let c = t.login(&cu, &cp).await;
    let (chair_user, chair_password) = t.user_with_role("panel_chair").await;
    let p = panel(&t).await;
    let born = today(&t) - Duration::days(365 * 30);
    let (_, sam) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(
                &nhs(32),
                born,
                json!({"basis": "self", "recorded_on": ymd(today(&t) - Duration::days(100))}),
            ),
        )
        .await;
    let id = sam["id"].as_str().unwrap().to_string();
    let admitted = today(&t) - Duration::days(40);
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(admitted), "hospital": "Hospital B", "security_level": "medium", "legal_status": "section_3"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let day = today(&t);
    let (_, then) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let kinds: Vec<&str> = then["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"review") && kinds.contains(&"visit"),
        "{then}"
    );

    // Later: a visit, a review booked and held, its report — all dated after `day`.
    t.clock.advance(Duration::days(10));
    let later = today(&t);
    let c = t.login(&cu, &cp).await;
    let chair = t.login(&chair_user, &chair_password).await;
    let (_, me) = t.get("/api/v1/me", Some(&chair)).await;
    let chair_id = me["id"].as_str().unwrap().to_string();
    let (s, v) = t
        .post_json(
            &format!("/api/v1/people/{id}/visits"),
            Some(&c),
            &json!({"visited_on": ymd(later), "visitor": "Cara"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{v}");
    let (s, review) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&chair),
            &json!({"kind": "post_admission", "scheduled_for": ymd(later), "chair_id": chair_id,
                    "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{review}");
    let rid = review["id"].as_str().unwrap();
    let (s, held) = t
        .post_json(
            &format!("/api/v1/reviews/{rid}/outcome"),
            Some(&chair),
            &json!({"held_on": ymd(later), "findings": crate::reviews::findings_ctr(), "recommendations": "Keep going",
                    "actions": [{"who": "Ward team", "what": "Discharge plan", "when": ymd(later + Duration::days(20)), "how": "CPA meeting"}]}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{held}");

    let (_, now) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    assert_ne!(now, then, "the later facts change today's list");
    let (s, as_at) = t
        .get(
            &format!("/api/v1/people/{id}/due?as_of={}", ymd(day)),
            Some(&c),
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(as_at, then, "as at {day}");

    // A day in the future, or before 2010, is refused by name.
    for bad in [
        ymd(today(&t) + Duration::days(1)),
        "2009-12-31".into(),
        "31/12/2026".into(),
    ] {
        let (s, e) = t
            .get(&format!("/api/v1/people/{id}/due?as_of={bad}"), Some(&c))
            .await;
        assert_eq!(s, Status::UnprocessableEntity, "{bad}: {e}");
        assert!(e["error"]["fields"]["as_of"].is_array(), "{e}");
    }
}

/// The register as at a past day shows each person's details as they stood then, as the
/// returns do, and searches them by those details.
#[rocket::async_test]
async fn the_register_as_at_a_day_shows_details_as_they_stood() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 30);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(
                &nhs(33),
                born,
                json!({"basis": "self", "recorded_on": ymd(today(&t) - Duration::days(30))}),
            ),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    let (s, e) = t
        .patch_json(
            &format!("/api/v1/people/{id}"),
            Some(&c),
            &json!({"family_name": "Okonkwo", "setting": "supported_living"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{e}");
    let yesterday = ymd(today(&t) - Duration::days(1));
    let (_, then) = t
        .get(&format!("/api/v1/people?as_of={yesterday}"), Some(&c))
        .await;
    assert_eq!(
        (
            then["items"][0]["family_name"].as_str(),
            then["items"][0]["setting"].as_str()
        ),
        (Some("Lee"), Some("family_home")),
        "{then}"
    );
    let (_, found) = t
        .get(&format!("/api/v1/people?as_of={yesterday}&q=lee"), Some(&c))
        .await;
    assert_eq!(found["total"], 1, "{found}");
    let (_, now) = t.get("/api/v1/people", Some(&c)).await;
    assert_eq!(now["items"][0]["family_name"], "Okonkwo");
}

/// A social worker named for a child in hospital counts from the day given for it, not the day
/// the entry was edited; the day is checked like any other.
#[rocket::async_test]
async fn a_social_worker_counts_from_the_day_given() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let day = today(&t);
    let born = day - Duration::days(365 * 12);
    let registered = day - Duration::days(120);
    let (s, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(34), born, parental(registered)),
        )
        .await;
    assert_eq!(s, Status::Created, "{p}");
    let id = p["id"].as_str().unwrap();
    let admitted = day - Duration::days(60);
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(admitted), "hospital": "Hospital C", "security_level": "none", "legal_status": "section_2"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let owes = |list: &serde_json::Value| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "social_worker")
    };
    let (_, before) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    assert!(owes(&before), "{before}");

    // Refused: before registration, and in the future.
    for (bad, why) in [
        (registered - Duration::days(1), "before"),
        (day + Duration::days(1), "future"),
    ] {
        let (s, e) = t
            .patch_json(
                &format!("/api/v1/people/{id}"),
                Some(&c),
                &json!({"social_worker": "Ann Smith", "social_worker_from": ymd(bad)}),
            )
            .await;
        assert_eq!(s, Status::UnprocessableEntity, "{why}: {e}");
        assert!(e["error"]["fields"]["social_worker_from"].is_array(), "{e}");
    }

    let allocated = admitted + Duration::days(10);
    let (s, v) = t
        .patch_json(
            &format!("/api/v1/people/{id}"),
            Some(&c),
            &json!({"social_worker": "Ann Smith", "social_worker_from": ymd(allocated)}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["social_worker_from"], ymd(allocated));
    let as_of = |d: time::Date| format!("/api/v1/people/{id}/due?as_of={}", ymd(d));
    let (_, then) = t.get(&as_of(allocated - Duration::days(1)), Some(&c)).await;
    assert!(owes(&then), "still owed the day before: {then}");
    let (_, from) = t.get(&as_of(allocated), Some(&c)).await;
    assert!(!owes(&from), "not owed from the day given: {from}");
    let (_, now) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    assert!(!owes(&now), "{now}");
}

/// A change of a stay that names nothing that changed is refused, and records nothing.
#[rocket::async_test]
async fn a_stay_change_must_say_what_changed() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 30);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(
                &nhs(35),
                born,
                json!({"basis": "self", "recorded_on": ymd(today(&t) - Duration::days(30))}),
            ),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    let (_, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(today(&t) - Duration::days(5)), "hospital": "Hospital D", "security_level": "low", "legal_status": "section_3"}),
        )
        .await;
    let path = format!("/api/v1/admissions/{}", stay["id"].as_str().unwrap());
    for body in [json!({}), json!({"effective_on": ymd(today(&t))})] {
        let (s, e) = t.patch_json(&path, Some(&c), &body).await;
        assert_eq!(s, Status::UnprocessableEntity, "{e}");
        assert!(e["error"]["fields"]["security_level"].is_array(), "{e}");
    }
    let (_, stays) = t
        .get(&format!("/api/v1/people/{id}/admissions"), Some(&c))
        .await;
    assert_eq!(stays["items"][0]["security_level"], "low", "{stays}");
}
