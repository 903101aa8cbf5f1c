//! Reviews that move: `PATCH /api/v1/reviews/{id}` reschedules or changes the panel with a
//! reason (the due date stays), under the panel and clash rules; the move and cancel pages; the
//! weekend and bank holiday question; a hold books the next review on a working day; the start
//! time and place on the review page and in the calendar feed.

use crate::panels::adult;
use crate::register::{answers, today, ymd};
use crate::reviews::{RED, member, panel};
use crate::support::*;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use time::{Date, Duration, Weekday};

/// The first day from `from` on (inclusive) that is this weekday.
pub fn next(from: Date, day: Weekday) -> Date {
    (0..7)
        .map(|i| from + Duration::days(i))
        .find(|d| d.weekday() == day)
        .unwrap()
}

async fn rate_red(t: &TestApp, c: &str, id: &str, on: Date) {
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/risk-assessments"),
            Some(c),
            &json!({"assessed_on": ymd(on), "answers": answers(RED)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{b}");
}

async fn book(t: &TestApp, c: &str, id: &str, body: Value) -> Value {
    let (s, r) = t
        .post_json(&format!("/api/v1/people/{id}/reviews"), Some(c), &body)
        .await;
    assert_eq!(s, Status::Created, "{r}");
    r
}

#[rocket::async_test]
async fn a_review_moves_with_a_reason_and_keeps_its_due_date() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let id = adult(&t, &c, 1).await;
    let rated = today(&t) - Duration::days(2);
    rate_red(&t, &c, &id, rated).await;
    let due = rated + Duration::days(14);
    let first = next(today(&t) + Duration::days(3), Weekday::Tuesday);
    let r = book(&t, &c, &id, json!({"kind": "community", "scheduled_for": ymd(first),
        "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0,
        "starts_at": "9:30", "place": "Room 4, Brookfields"})).await;
    assert_eq!(
        (r["starts_at"].as_str(), r["place"].as_str()),
        (Some("09:30"), Some("Room 4, Brookfields"))
    );
    assert_eq!(r["due_by"], ymd(due));
    let rid = r["id"].as_str().unwrap().to_string();
    let url = format!("/api/v1/reviews/{rid}");

    // A reason is required; nothing changes without one.
    let moved = first + Duration::days(1);
    let (s, e) = t
        .patch_json(&url, Some(&c), &json!({"scheduled_for": ymd(moved)}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(e["error"]["fields"]["reason"].is_array(), "{e}");
    // A change that changes nothing is refused, saying so.
    let (s, e) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"scheduled_for": ymd(first), "starts_at": "09:30", "reason": "Checking"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(e.to_string().contains("Nothing was changed"), "{e}");
    // A bad time and a date before it was booked.
    let (s, e) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"starts_at": "25:00", "reason": "r"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(e["error"]["fields"]["starts_at"].is_array(), "{e}");
    let (s, e) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"scheduled_for": ymd(today(&t) - Duration::days(1)), "reason": "r"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(e["error"]["fields"]["scheduled_for"].is_array(), "{e}");

    // Moved a day on, to the afternoon, online: the due date stays.
    let (s, r) = t
        .patch_json(&url, Some(&p.chair.1), &json!({"scheduled_for": ymd(moved), "starts_at": "14:00",
            "place": "https://meet.example.nhs.uk/r/123", "reason": "The family asked for the afternoon"}))
        .await;
    assert_eq!(s, Status::Ok, "{r}");
    assert_eq!(r["scheduled_for"], ymd(moved));
    assert_eq!(r["starts_at"], "14:00");
    assert_eq!(r["place"], "https://meet.example.nhs.uk/r/123");
    assert_eq!(
        r["due_by"],
        ymd(due),
        "the deadline does not move with the booking"
    );
    assert_eq!(r["status"], "scheduled");
    // A panel member cannot move it.
    assert_eq!(
        t.patch_json(
            &url,
            Some(&p.expert.1),
            &json!({"starts_at": "10:00", "reason": "r"})
        )
        .await
        .0,
        Status::Forbidden
    );
    // Clearing the place; leaving the rest.
    let (s, r) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"place": null, "reason": "Room to be confirmed"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{r}");
    assert_eq!(
        (r["place"].clone(), r["starts_at"].clone()),
        (Value::Null, json!("14:00"))
    );

    // Moved past its due date: allowed; once the due date passes it is overdue to the
    // commissioner, and its due date is still the rules' one.
    let late = next(due + Duration::days(3), Weekday::Wednesday);
    let (s, r) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"scheduled_for": ymd(late), "reason": "Chair away"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{r}");
    assert_eq!(
        (r["due_by"].clone(), r["overdue"].clone()),
        (json!(ymd(due)), json!(false))
    );
    t.clock
        .advance(Duration::days((due - today(&t)).whole_days() + 1));
    let c = t.token_for_role("commissioner").await; // a token does not live that long
    let (_, r) = t.get(&url, Some(&c)).await;
    assert_eq!(
        (r["due_by"].clone(), r["overdue"].clone()),
        (json!(ymd(due)), json!(true))
    );

    // Each change is one audit entry with its reason.
    let admin = t.admin_token().await;
    let (_, trail) = t.get("/api/v1/audit?per_page=500", Some(&admin)).await;
    let changes = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "review.change")
        .count();
    assert_eq!(changes, 3, "{trail}");
    let entries = tcr::entities::audit_entry::Entity::find()
        .filter(tcr::entities::audit_entry::Column::Action.eq("review.change"))
        .all(&t.db)
        .await
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.detail.contains("The family asked for the afternoon")
                && e.detail
                    .contains("\"starts_at\":{\"from\":\"09:30\",\"to\":\"14:00\"}")),
        "{entries:?}"
    );

    // Cancelled, it no longer moves.
    let (s, _) = t
        .post_json(
            &format!("{url}/cancel"),
            Some(&c),
            &json!({"reason": "Moved away"}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    let (s, e) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"starts_at": "10:00", "reason": "r"}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    assert_eq!(
        t.patch_json(
            &format!("/api/v1/reviews/{}", uuid::Uuid::new_v4()),
            Some(&c),
            &json!({"starts_at": "10:00", "reason": "r"})
        )
        .await
        .0,
        Status::NotFound
    );
}

#[rocket::async_test]
async fn changing_the_panel_keeps_the_seat_and_clash_rules() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let a = adult(&t, &c, 2).await;
    let b = adult(&t, &c, 3).await;
    let day = next(today(&t) + Duration::days(7), Weekday::Thursday);
    let other_day = day + Duration::days(1);
    let ra = book(&t, &c, &a, json!({"kind": "community", "scheduled_for": ymd(day),
        "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0})).await;
    let other_chair = member(&t, "panel_chair").await;
    let other_expert = member(&t, "expert_by_experience").await;
    let other_clinician = member(&t, "clinical_expert").await;
    let rb = book(&t, &c, &b, json!({"kind": "community", "scheduled_for": ymd(other_day),
        "chair_id": other_chair.0, "expert_by_experience_id": other_expert.0, "clinical_expert_id": other_clinician.0})).await;
    let url = format!("/api/v1/reviews/{}", rb["id"].as_str().unwrap());

    // The wrong kind in a seat: 422 naming the seat.
    let (s, e) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"clinical_expert_id": other_expert.0, "reason": "Ill"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(e["error"]["fields"]["clinical_expert_id"].is_array(), "{e}");
    // Moving B onto A's day with A's chair: the chair is double-booked.
    let (s, e) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"scheduled_for": ymd(day), "chair_id": p.chair.0, "reason": "Chair swap"}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("(the chair) is already on the panel"),
        "{e}"
    );
    // Moving B onto A's day with its own panel is fine; then taking A's clinician clashes.
    let (s, r) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"scheduled_for": ymd(day), "reason": "Venue free that day"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{r}");
    let (s, e) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"clinical_expert_id": p.clinician.0, "reason": "Cover"}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("(a panel member)"),
        "{e}"
    );
    // Clearing a seat a community review needs: 422.
    let (s, e) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"expert_by_experience_id": null, "reason": "Withdrew"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(
        e["error"]["fields"]["expert_by_experience_id"].is_array(),
        "{e}"
    );
    // A free clinician of the right kind: the panel changes, the review stays.
    let spare = member(&t, "clinical_expert").await;
    let (s, r) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"clinical_expert_id": spare.0, "reason": "Cover for illness"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{r}");
    assert_eq!(r["clinical_expert"]["id"], spare.0);
    assert_eq!(r["id"], rb["id"]);
    // Review A is untouched by all this.
    let (_, a_now) = t
        .get(
            &format!("/api/v1/reviews/{}", ra["id"].as_str().unwrap()),
            Some(&c),
        )
        .await;
    assert_eq!(a_now["clinical_expert"]["id"], p.clinician.0);
    // The new clinician sees the review; the one replaced no longer does.
    assert_eq!(t.get(&url, Some(&spare.1)).await.0, Status::Ok);
    assert_eq!(
        t.get(&url, Some(&other_clinician.1)).await.0,
        Status::NotFound
    );
}

#[rocket::async_test]
async fn the_api_books_a_weekend_as_given_and_the_pages_ask_first() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let id = adult(&t, &c, 4).await;
    let saturday = next(today(&t) + Duration::days(1), Weekday::Saturday);
    let r = book(
        &t,
        &c,
        &id,
        json!({"kind": "laep", "scheduled_for": ymd(saturday), "chair_id": p.chair.0}),
    )
    .await;
    assert_eq!(
        r["scheduled_for"],
        ymd(saturday),
        "the API takes the date as given"
    );
    let rid = r["id"].as_str().unwrap().to_string();

    let (u, pw) = t.user_with_role("commissioner").await;
    t.page_login(&u, &pw).await;
    let (_, form) = t.page(&format!("/people/{id}/reviews/new")).await;
    let csrf = extract_csrf(&form).unwrap();
    let sunday = ymd(saturday + Duration::days(1));
    let fields = |confirm: &'static str| {
        vec![
            ("kind", "laep"),
            ("chair_id", p.chair.0.as_str()),
            ("starts_at", "11:00"),
            ("place", "Ward 2"),
            ("confirm_day_off", confirm),
        ]
    };
    let mut first = vec![
        ("csrf_token", csrf.as_str()),
        ("scheduled_for", sunday.as_str()),
    ];
    first.extend(fields(""));
    let (s, page, _) = t.post_form(&format!("/people/{id}/reviews"), &first).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(page.contains("is a Sunday. Book it anyway?"), "{page}");
    assert!(page.contains("href=\"#confirm_day_off\""));
    assert!(page.contains(&format!(
        "id=\"confirm_day_off\" name=\"confirm_day_off\" type=\"checkbox\" value=\"{sunday}\""
    )));
    assert!(page.contains("value=\"Ward 2\"") && page.contains("value=\"11:00\""));
    // A confirmation for another day does not count.
    let saturday_s = ymd(saturday);
    let mut wrong = vec![
        ("csrf_token", csrf.as_str()),
        ("scheduled_for", sunday.as_str()),
    ];
    wrong.extend(fields(""));
    wrong.retain(|(k, _)| *k != "confirm_day_off");
    wrong.push(("confirm_day_off", saturday_s.as_str()));
    assert_eq!(
        t.post_form(&format!("/people/{id}/reviews"), &wrong)
            .await
            .0,
        Status::UnprocessableEntity
    );
    let mut confirmed = vec![
        ("csrf_token", csrf.as_str()),
        ("scheduled_for", sunday.as_str()),
    ];
    confirmed.extend(fields(""));
    confirmed.retain(|(k, _)| *k != "confirm_day_off");
    confirmed.push(("confirm_day_off", sunday.as_str()));
    let (s, _, to) = t
        .post_form(&format!("/people/{id}/reviews"), &confirmed)
        .await;
    assert_eq!(s, Status::SeeOther);
    assert!(to.unwrap().starts_with("/reviews/"));

    // The move page asks too, for a bank holiday.
    let holiday = *t
        .app
        .policies
        .schedule
        .bank_holidays
        .range(today(&t) + Duration::days(1)..)
        .find(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
        .expect("a bank holiday ahead in the policy");
    let (_, change) = t.page(&format!("/reviews/{rid}/change")).await;
    assert!(change.contains("Reason for the change"), "{change}");
    let h = ymd(holiday);
    let chair = p.chair.0.clone();
    let form = |confirm: &'static str| -> Vec<(&str, String)> {
        vec![
            ("csrf_token", csrf.clone()),
            ("scheduled_for", h.clone()),
            ("chair_id", chair.clone()),
            ("reason", "Panel availability".into()),
            (
                "confirm_day_off",
                if confirm.is_empty() {
                    String::new()
                } else {
                    h.clone()
                },
            ),
        ]
    };
    let post = |v: &Vec<(&'static str, String)>| {
        v.iter().map(|(a, b)| (*a, b.clone())).collect::<Vec<_>>()
    };
    let ask = post(&form(""));
    let ask: Vec<(&str, &str)> = ask.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let (s, page, _) = t.post_form(&format!("/reviews/{rid}/change"), &ask).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(
        page.contains("is a bank holiday. Book it anyway?"),
        "{page}"
    );
    assert!(page.contains("value=\"Panel availability\""));
    let ok = post(&form("yes"));
    let ok: Vec<(&str, &str)> = ok.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let (s, _, to) = t.post_form(&format!("/reviews/{rid}/change"), &ok).await;
    assert_eq!(
        (s, to.as_deref()),
        (Status::SeeOther, Some(format!("/reviews/{rid}").as_str()))
    );
    let (_, r) = t.get(&format!("/api/v1/reviews/{rid}"), Some(&c)).await;
    assert_eq!(r["scheduled_for"], h);
}

#[rocket::async_test]
async fn a_hold_books_the_next_review_on_the_last_working_day_before_it_is_due() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let holidays = t.app.policies.schedule.bank_holidays.clone();
    // A day in the last two months whose follow-up (three months on) falls on a weekend.
    let held = (1..60)
        .map(|i| today(&t) - Duration::days(i))
        .find(|d| {
            let due = tcr::domain::schedule::add_months(*d, 3);
            matches!(due.weekday(), Weekday::Saturday | Weekday::Sunday)
        })
        .unwrap();
    let due = tcr::domain::schedule::add_months(held, 3);
    let mut want = due;
    while matches!(want.weekday(), Weekday::Saturday | Weekday::Sunday) || holidays.contains(&want)
    {
        want -= Duration::days(1);
    }
    assert!(want < due && want > held);
    let id = adult(&t, &c, 5).await;
    let r = book(&t, &c, &id, json!({"kind": "community", "scheduled_for": ymd(held),
        "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0})).await;
    let (s, out) = t
        .post_json(
            &format!("/api/v1/reviews/{}/outcome", r["id"].as_str().unwrap()),
            Some(&c),
            &json!({"held_on": ymd(held), "findings": crate::reviews::findings_ctr(), "recommendations": "Keep going", "actions": []}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{out}");
    let next_review = &out["next_review"];
    assert_eq!(next_review["kind"], "follow_up");
    assert_eq!(
        next_review["due_by"],
        ymd(due),
        "a weekend never extends a deadline"
    );
    assert_eq!(
        next_review["scheduled_for"],
        ymd(want),
        "booked on a working day"
    );
}

#[rocket::async_test]
async fn cancelling_has_its_own_page_with_a_reason() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let id = adult(&t, &c, 6).await;
    let day = next(today(&t) + Duration::days(2), Weekday::Monday);
    let r = book(
        &t,
        &c,
        &id,
        json!({"kind": "laep", "scheduled_for": ymd(day), "chair_id": p.chair.0,
        "starts_at": "10:15", "place": "javascript:alert(1)"}),
    )
    .await;
    let rid = r["id"].as_str().unwrap().to_string();
    let (u, pw) = t.user_with_role("commissioner").await;
    t.page_login(&u, &pw).await;
    let (_, show) = t.page(&format!("/reviews/{rid}")).await;
    assert!(
        show.contains(&format!("href=\"/reviews/{rid}/cancel\"")),
        "{show}"
    );
    assert!(show.contains(&format!("href=\"/reviews/{rid}/change\"")));
    assert!(
        !show.contains("name=\"reason\""),
        "no one-click cancel on the review page"
    );
    assert!(show.contains("at 10:15"), "{show}");
    assert!(
        show.contains("javascript:alert(1)") && !show.contains("href=\"javascript"),
        "a place that is not http(s) is text"
    );
    let (s, page) = t.page(&format!("/reviews/{rid}/cancel")).await;
    assert_eq!(s, Status::Ok);
    assert!(page.contains("Cancel this review") && page.contains("Reason for cancelling"));
    let csrf = extract_csrf(&page).unwrap();
    let today_s = ymd(today(&t));
    let (s, again, _) = t
        .post_form(
            &format!("/reviews/{rid}/cancel"),
            &[
                ("csrf_token", &csrf),
                ("reason", ""),
                ("cancelled_on", &today_s),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(again.contains("href=\"#reason\""), "{again}");
    assert_eq!(
        date_input_value(&again, "cancelled_on"),
        Some(today_s.clone())
    );
    let (_, still) = t.get(&format!("/api/v1/reviews/{rid}"), Some(&c)).await;
    assert_eq!(still["status"], "scheduled");
    let (s, _, to) = t
        .post_form(
            &format!("/reviews/{rid}/cancel"),
            &[
                ("csrf_token", &csrf),
                ("reason", "Family moved"),
                ("cancelled_on", &today_s),
            ],
        )
        .await;
    assert_eq!(
        (s, to.as_deref()),
        (Status::SeeOther, Some(format!("/reviews/{rid}").as_str()))
    );
    let (_, gone) = t.get(&format!("/api/v1/reviews/{rid}"), Some(&c)).await;
    assert_eq!(gone["status"], "cancelled");
    // Neither page is offered for a cancelled review.
    assert_eq!(
        t.page(&format!("/reviews/{rid}/cancel")).await.0,
        Status::Conflict
    );
    assert_eq!(
        t.page(&format!("/reviews/{rid}/change")).await.0,
        Status::Conflict
    );
    // A panel member may use neither.
    let (mu, mpw) = t.user_with_role("panel_member").await;
    t.page_login(&mu, &mpw).await;
    assert_eq!(
        t.page(&format!("/reviews/{rid}/change")).await.0,
        Status::Forbidden
    );
}

#[rocket::async_test]
async fn the_calendar_has_timed_events_with_the_place_and_an_absolute_link() {
    let t = TestApp::with(|s| s.public_url = Some("https://tcr.example.nhs.uk/".into())).await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let id = adult(&t, &c, 7).await;
    let day = next(today(&t) + Duration::days(2), Weekday::Wednesday);
    let r = book(&t, &c, &id, json!({"kind": "community", "scheduled_for": ymd(day),
        "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0,
        "starts_at": "13:45", "place": "https://meet.example.nhs.uk/r/9"})).await;
    let rid = r["id"].as_str().unwrap();
    let secret = tcr::entities::user::Entity::find_by_id(tcr::domain::ids::UserId::from_text(
        p.expert.0.clone(),
    ))
    .one(&t.db)
    .await
    .unwrap()
    .unwrap()
    .calendar_secret;
    let res = t
        .client
        .get(format!("/calendar/{secret}.ics"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let ics = res.into_string().await.unwrap().replace("\r\n ", "");
    let stamp = format!("{:04}{:02}{:02}", day.year(), day.month() as u8, day.day());
    assert!(
        ics.contains(&format!("DTSTART;TZID=Europe/London:{stamp}T134500")),
        "{ics}"
    );
    assert!(
        ics.contains(&format!("DTEND;TZID=Europe/London:{stamp}T154500")),
        "{ics}"
    );
    assert!(ics.contains("BEGIN:VTIMEZONE"));
    assert!(ics.contains("LOCATION:https://meet.example.nhs.uk/r/9"));
    assert!(
        ics.contains(&format!("URL:https://tcr.example.nhs.uk/reviews/{rid}")),
        "{ics}"
    );
    assert!(ics.contains("you are the expert by experience"));
}
