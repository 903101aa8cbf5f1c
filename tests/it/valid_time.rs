//! Valid time on every write (issue 13): the days users give for booking, cancelling, changing a
//! stay and dropping an action are the days the returns and the engine go by — never when the
//! row was written; backdating has bounds; later-dated facts leave past returns byte-identical;
//! migration 000009 fills the days in for rows already on file.

use crate::register::{answers, nhs, own, person, today, ymd};
use crate::reviews::{RED, panel};
use crate::support::*;
use rocket::http::Status;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use serde_json::{Value, json};
use tcr::domain::returns::{Period, ReturnKind};
use tcr::services::returns::{self, Figures};
use time::{Date, Duration, OffsetDateTime, Weekday};

fn field_error(body: &Value, field: &str) -> String {
    body["error"]["fields"][field][0]
        .as_str()
        .unwrap_or_else(|| panic!("no error for {field}: {body}"))
        .to_string()
}

/// The calendar month `back` months before this one.
fn month_back(t: &TestApp, back: u32) -> Period {
    let mut first = today(t).replace_day(1).unwrap();
    for _ in 0..back {
        first = (first - Duration::days(1)).replace_day(1).unwrap();
    }
    Period::parse(
        ReturnKind::Monthly,
        &format!("{:04}-{:02}", first.year(), first.month() as u8),
    )
    .unwrap()
}

/// The latest Sunday before today.
fn last_sunday(t: &TestApp) -> Date {
    let mut d = today(t) - Duration::days(1);
    while d.weekday() != Weekday::Sunday {
        d -= Duration::days(1);
    }
    d
}

async fn figures(t: &TestApp, period: Period) -> Figures {
    returns::compute(&t.app, period).await.unwrap().0
}

async fn adult(t: &TestApp, c: &str, n: u32, registered_on: Date) -> String {
    let born = today(t) - Duration::days(365 * 30);
    let (s, p) = t
        .post_json(
            "/api/v1/people",
            Some(c),
            &person(&nhs(n), born, own(registered_on)),
        )
        .await;
    assert_eq!(s, Status::Created, "{p}");
    p["id"].as_str().unwrap().to_string()
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

/// A LAEP (chair only: the commissioner) for `day`, booked on `booked` when given.
async fn laep(
    t: &TestApp,
    c: &str,
    chair: &str,
    id: &str,
    day: Date,
    booked: Option<Date>,
) -> (Status, Value) {
    let mut body = json!({"kind": "laep", "scheduled_for": ymd(day), "chair_id": chair});
    if let Some(b) = booked {
        body["scheduled_on"] = json!(ymd(b));
    }
    t.post_json(&format!("/api/v1/people/{id}/reviews"), Some(c), &body)
        .await
}

async fn my_id(t: &TestApp, token: &str) -> String {
    t.get("/api/v1/me", Some(token)).await.1["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[rocket::async_test]
async fn a_review_booked_on_a_past_day_counts_as_scheduled_in_that_periods_return() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = my_id(&t, &c).await;
    let month = month_back(&t, 1);
    let red_on = month.first + Duration::days(2);
    let ann = adult(&t, &c, 1, month.first - Duration::days(40)).await;
    let bob = adult(&t, &c, 2, month.first - Duration::days(40)).await;
    rate_red(&t, &c, &ann, red_on).await;
    rate_red(&t, &c, &bob, red_on).await;
    let f = figures(&t, month).await;
    assert_eq!(
        f.counts["reviews_overdue_unscheduled"], 2,
        "both owed a review after the red rating, neither booked: {:?}",
        f.counts
    );

    // Ann's review was booked in the month and is recorded only now; Bob's is booked today.
    let (s, r) = laep(
        &t,
        &c,
        &chair,
        &ann,
        today(&t) + Duration::days(7),
        Some(red_on + Duration::days(3)),
    )
    .await;
    assert_eq!(s, Status::Created, "{r}");
    assert_eq!(r["scheduled_on"], ymd(red_on + Duration::days(3)));
    assert_eq!(r["cancelled_on"], Value::Null);
    let (s, r) = laep(&t, &c, &chair, &bob, today(&t) + Duration::days(8), None).await;
    assert_eq!(s, Status::Created, "{r}");
    assert_eq!(r["scheduled_on"], ymd(today(&t)), "booked today by default");

    let f = figures(&t, month).await;
    assert_eq!(
        f.counts["reviews_overdue_unscheduled"], 1,
        "only Bob is still owed a review to book at the month's end"
    );
    assert_eq!(
        f.counts["reviews_overdue"], 2,
        "Ann's booked review is past its due date too"
    );
    // The review's own view says when it was booked.
    let (_, list) = t
        .get(&format!("/api/v1/reviews?person_id={ann}"), Some(&c))
        .await;
    assert_eq!(
        list["items"][0]["scheduled_on"],
        ymd(red_on + Duration::days(3))
    );
}

#[rocket::async_test]
async fn a_cancellation_counts_from_its_day_and_not_before() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = my_id(&t, &c).await;
    let (m1, m2) = (month_back(&t, 2), month_back(&t, 1));
    let red_on = m1.first + Duration::days(1);
    let ann = adult(&t, &c, 3, m1.first - Duration::days(30)).await;
    let bob = adult(&t, &c, 4, m1.first - Duration::days(30)).await;
    let mut reviews = Vec::new();
    for (n, who) in [&ann, &bob].into_iter().enumerate() {
        rate_red(&t, &c, who, red_on).await;
        let (s, r) = laep(
            &t,
            &c,
            &chair,
            who,
            today(&t) + Duration::days(10 + n as i64),
            Some(red_on + Duration::days(1)),
        )
        .await;
        assert_eq!(s, Status::Created, "{r}");
        reviews.push(r["id"].as_str().unwrap().to_string());
    }
    let unscheduled = |f: &Figures| f.counts["reviews_overdue_unscheduled"];
    assert_eq!(unscheduled(&figures(&t, m1).await), 0);
    assert_eq!(unscheduled(&figures(&t, m2).await), 0);

    // Refused: before it was booked, or in the future; nothing changes.
    let (tt, cc) = (&t, c.as_str());
    let cancel = |id: &str, on: Date| {
        let path = format!("/api/v1/reviews/{id}/cancel");
        let body = json!({"reason": "Family asked to move it", "cancelled_on": ymd(on)});
        async move { tt.post_json(&path, Some(cc), &body).await }
    };
    let (s, b) = cancel(&reviews[0], red_on).await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(field_error(&b, "cancelled_on").contains("booked"), "{b}");
    let (s, b) = cancel(&reviews[0], today(&t) + Duration::days(1)).await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(field_error(&b, "cancelled_on").contains("future"), "{b}");
    let (_, r) = t
        .get(&format!("/api/v1/reviews/{}", reviews[0]), Some(&c))
        .await;
    assert_eq!(r["status"], "scheduled");

    // Ann's is cancelled from the first day of the later month, Bob's from the last day of
    // the earlier one: each is scheduled the day before its cancellation and not on it.
    let (s, r) = cancel(&reviews[0], m2.first).await;
    assert_eq!(s, Status::Ok, "{r}");
    assert_eq!(r["cancelled_on"], ymd(m2.first));
    let (s, r) = cancel(&reviews[1], m1.last).await;
    assert_eq!(s, Status::Ok, "{r}");
    assert_eq!(
        unscheduled(&figures(&t, m1).await),
        1,
        "Bob's is cancelled at the end of its own day; Ann's still stood then"
    );
    assert_eq!(unscheduled(&figures(&t, m2).await), 2);
}

#[rocket::async_test]
async fn a_step_down_moves_the_next_inpatient_review_from_its_day_on() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let sunday = last_sunday(&t);
    let admitted = sunday - Duration::days(200);
    let id = adult(&t, &c, 5, admitted - Duration::days(100)).await;
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(admitted), "hospital": "Cavell Centre", "security_level": "low", "legal_status": "section_3"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let stay = stay["id"].as_str().unwrap().to_string();
    let held = admitted + Duration::days(10);
    let body = |booked: Date| {
        json!({"kind": "post_admission", "scheduled_for": ymd(held), "scheduled_on": ymd(booked),
            "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0})
    };
    let path = format!("/api/v1/people/{id}/reviews");
    let (s, b) = t
        .post_json(&path, Some(&c), &body(admitted - Duration::days(1)))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(
        field_error(&b, "scheduled_on").contains("admission"),
        "a review of a stay is not booked before the admission: {b}"
    );
    let (s, review) = t.post_json(&path, Some(&c), &body(admitted)).await;
    assert_eq!(s, Status::Created, "{review}");
    let outcome = json!({"held_on": ymd(held), "findings": crate::reviews::findings_ctr(), "recommendations": "Keep going", "actions": []});
    let (s, done) = t
        .post_json(
            &format!("/api/v1/reviews/{}/outcome", review["id"].as_str().unwrap()),
            Some(&p.chair.1),
            &outcome,
        )
        .await;
    assert_eq!(s, Status::Ok, "{done}");
    assert_eq!(
        done["next_review"]["scheduled_on"],
        ymd(held),
        "the next review is booked on the day the hold was"
    );

    let week = |d: Date| Period::parse(ReturnKind::Weekly, &ymd(d)).unwrap();
    let row = |f: Figures| {
        let r = &f.weekly_rows[0];
        (r.security_level.clone(), r.next_review_due.map(ymd))
    };
    let secure_due = tcr::domain::schedule::add_months(held, 12);
    let open_due = tcr::domain::schedule::add_months(held, 6);
    assert_eq!(
        row(figures(&t, week(sunday)).await),
        ("low".to_string(), Some(ymd(secure_due)))
    );

    // Refused: before the admission, in the future.
    let (tt, cc) = (&t, c.as_str());
    let change = |on: Date| {
        let path = format!("/api/v1/admissions/{stay}");
        let body = json!({"security_level": "none", "effective_on": ymd(on)});
        async move { tt.patch_json(&path, Some(cc), &body).await }
    };
    for (on, words) in [
        (admitted - Duration::days(1), "admission"),
        (today(&t) + Duration::days(1), "future"),
    ] {
        let (s, b) = change(on).await;
        assert_eq!(s, Status::UnprocessableEntity, "{b}");
        assert!(field_error(&b, "effective_on").contains(words), "{b}");
    }
    // Stepped down from the Sunday, recorded days later.
    let (s, b) = change(sunday).await;
    assert_eq!(s, Status::Ok, "{b}");
    assert_eq!(b["security_level"], "none");
    assert_eq!(
        row(figures(&t, week(sunday)).await),
        ("none".to_string(), Some(ymd(open_due))),
        "from the day it took effect"
    );
    assert_eq!(
        row(figures(&t, week(sunday - Duration::days(7))).await),
        ("low".to_string(), Some(ymd(secure_due))),
        "the week before keeps the earlier level and due date"
    );
    // Changes stay in order: none dated before the latest one.
    let (s, b) = t
        .patch_json(
            &format!("/api/v1/admissions/{stay}"),
            Some(&c),
            &json!({"legal_status": "informal", "effective_on": ymd(sunday - Duration::days(1))}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(
        field_error(&b, "effective_on").contains("latest recorded change"),
        "{b}"
    );
}

#[rocket::async_test]
async fn booking_days_before_registration_or_in_the_future_are_refused() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = my_id(&t, &c).await;
    let registered = today(&t) - Duration::days(30);
    let id = adult(&t, &c, 6, registered).await;
    let ahead = today(&t) + Duration::days(20);
    for (booked, words) in [
        (registered - Duration::days(1), "joined the register"),
        (today(&t) + Duration::days(1), "future"),
        (
            Date::from_calendar_date(2009, time::Month::December, 31).unwrap(),
            "2010",
        ),
    ] {
        let (s, b) = laep(&t, &c, &chair, &id, ahead, Some(booked)).await;
        assert_eq!(s, Status::UnprocessableEntity, "{booked}: {b}");
        assert!(field_error(&b, "scheduled_on").contains(words), "{b}");
    }
    // Not booked after the review's own date.
    let (s, b) = laep(
        &t,
        &c,
        &chair,
        &id,
        today(&t) - Duration::days(5),
        Some(today(&t) - Duration::days(2)),
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(field_error(&b, "scheduled_on").contains("after the date"));
    let (_, list) = t
        .get(&format!("/api/v1/reviews?person_id={id}"), Some(&c))
        .await;
    assert_eq!(list["total"], 0, "nothing was written");
    // On the day of registration is fine; a review entered for a past day defaults to that day.
    let (s, b) = laep(&t, &c, &chair, &id, ahead, Some(registered)).await;
    assert_eq!(s, Status::Created, "{b}");
    let past = today(&t) - Duration::days(3);
    let (s, b) = laep(&t, &c, &chair, &id, past, None).await;
    assert_eq!(s, Status::Created, "{b}");
    assert_eq!(b["scheduled_on"], ymd(past));
    // It cannot be held before it was booked.
    let (s, b) = t
        .post_json(
            &format!("/api/v1/reviews/{}/outcome", b["id"].as_str().unwrap()),
            Some(&c),
            &json!({"held_on": ymd(past - Duration::days(1)), "findings": crate::reviews::findings_ctr(), "recommendations": "x", "actions": []}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(field_error(&b, "held_on").contains("booked"), "{b}");
}

#[rocket::async_test]
async fn a_dropped_action_stops_being_owed_from_its_day() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = my_id(&t, &c).await;
    let (m1, m2) = (month_back(&t, 2), month_back(&t, 1));
    let id = adult(&t, &c, 7, m1.first - Duration::days(30)).await;
    let held = m1.first + Duration::days(3);
    let (s, r) = laep(&t, &c, &chair, &id, held, None).await;
    assert_eq!(s, Status::Created, "{r}");
    let action = |what: &str| json!({"who": "Community team", "what": what, "when": ymd(m1.first + Duration::days(10)), "how": "Visits"});
    let (s, done) = t
        .post_json(
            &format!("/api/v1/reviews/{}/outcome", r["id"].as_str().unwrap()),
            Some(&c),
            &json!({"held_on": ymd(held), "findings": crate::reviews::findings_ctr(), "recommendations": "Support",
                "actions": [action("Support plan"), action("Housing referral")]}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{done}");
    let ids: Vec<String> = done["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let open = |f: &Figures| f.counts["actions_open"];
    assert_eq!(open(&figures(&t, m1).await), 2);
    assert_eq!(open(&figures(&t, m2).await), 2);

    let (tt, cc) = (&t, c.as_str());
    let drop = |id: &str, on: Option<Date>| {
        let path = format!("/api/v1/actions/{id}");
        let mut body = json!({"status": "dropped", "note": "No longer needed"});
        if let Some(on) = on {
            body["completed_on"] = json!(ymd(on));
        }
        async move { tt.patch_json(&path, Some(cc), &body).await }
    };
    for (on, words) in [
        (held - Duration::days(1), "before the review"),
        (today(&t) + Duration::days(1), "future"),
    ] {
        let (s, b) = drop(&ids[0], Some(on)).await;
        assert_eq!(s, Status::UnprocessableEntity, "{b}");
        assert!(field_error(&b, "completed_on").contains(words), "{b}");
    }
    let (s, a) = drop(&ids[0], Some(m2.first)).await;
    assert_eq!(s, Status::Ok, "{a}");
    assert_eq!(a["completed_on"], ymd(m2.first));
    let (s, a) = drop(&ids[1], None).await;
    assert_eq!(s, Status::Ok, "{a}");
    assert_eq!(
        a["completed_on"],
        ymd(today(&t)),
        "dropped today by default"
    );
    assert_eq!(
        open(&figures(&t, m1).await),
        2,
        "both still owed the day before"
    );
    assert_eq!(
        open(&figures(&t, m2).await),
        1,
        "one dropped in the month, one only today"
    );
    // Reopened, it has no day.
    let (s, a) = t
        .patch_json(
            &format!("/api/v1/actions/{}", ids[1]),
            Some(&c),
            &json!({"status": "open", "note": "Needed after all"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{a}");
    assert_eq!(a["completed_on"], Value::Null);
    assert_eq!(a["note"], "Needed after all");
    // Reopening needs a reason, and an open action cannot be reopened.
    let (s, e) = t
        .patch_json(
            &format!("/api/v1/actions/{}", ids[0]),
            Some(&c),
            &json!({"status": "open"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(e["error"]["fields"]["note"].is_array(), "{e}");
    let (s, e) = t
        .patch_json(
            &format!("/api/v1/actions/{}", ids[1]),
            Some(&c),
            &json!({"status": "open", "note": "Again"}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
}

#[rocket::async_test]
async fn later_dated_changes_leave_a_past_returns_pdf_byte_identical() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = my_id(&t, &c).await;
    let p = panel(&t).await;
    let month = month_back(&t, 1);
    let sunday = last_sunday(&t);
    let start = Ord::min(month.first, sunday) - Duration::days(60);
    // In hospital, secure, with a post-admission review booked long ago for today.
    let inpatient = adult(&t, &c, 8, start).await;
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{inpatient}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(start + Duration::days(5)), "hospital": "Cavell Centre", "security_level": "medium", "legal_status": "section_3"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let stay = stay["id"].as_str().unwrap().to_string();
    let (s, post_admission) = t
        .post_json(
            &format!("/api/v1/people/{inpatient}/reviews"),
            Some(&c),
            &json!({"kind": "post_admission", "scheduled_for": ymd(today(&t)), "scheduled_on": ymd(start + Duration::days(6)),
                "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{post_admission}");
    // Red, with a review booked in the month for a day still to come.
    let red = adult(&t, &c, 9, start).await;
    rate_red(&t, &c, &red, month.first + Duration::days(1)).await;
    let (s, booked) = laep(
        &t,
        &c,
        &chair,
        &red,
        today(&t) + Duration::days(5),
        Some(month.first + Duration::days(2)),
    )
    .await;
    assert_eq!(s, Status::Created, "{booked}");

    let (tt, cc) = (&t, c.as_str());
    let generate = |kind: &'static str, period: String| async move {
        let (s, r) = tt
            .post_json(
                "/api/v1/returns",
                Some(cc),
                &json!({"kind": kind, "period": period}),
            )
            .await;
        assert_eq!(s, Status::Created, "{r}");
        let id = r["id"].as_str().unwrap().to_string();
        let (s, _, _, pdf) = tt
            .download(&format!("/api/v1/returns/{id}/pdf"), Some(cc))
            .await;
        assert_eq!(s, Status::Ok);
        (r["sha256"].as_str().unwrap().to_string(), pdf)
    };
    let month_label = format!("{:04}-{:02}", month.first.year(), month.first.month() as u8);
    let monthly = generate("monthly", month_label.clone()).await;
    let weekly = generate("weekly", ymd(sunday)).await;

    // Everything below is dated today, after both periods.
    let (s, b) = t
        .patch_json(
            &format!("/api/v1/admissions/{stay}"),
            Some(&c),
            &json!({"security_level": "none", "legal_status": "informal"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    let (s, b) = t
        .post_json(
            &format!(
                "/api/v1/reviews/{}/outcome",
                post_admission["id"].as_str().unwrap()
            ),
            Some(&p.chair.1),
            &json!({"held_on": ymd(today(&t)), "findings": crate::reviews::findings_ctr(), "recommendations": "Plan discharge", "actions": []}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    let (s, b) = t
        .post_json(
            &format!("/api/v1/reviews/{}/cancel", booked["id"].as_str().unwrap()),
            Some(&c),
            &json!({"reason": "Crisis passed"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    assert_eq!(b["cancelled_on"], ymd(today(&t)));

    let again = generate("monthly", month_label).await;
    assert_eq!(again.0, monthly.0, "monthly sha256");
    assert!(again.1 == monthly.1, "monthly PDF bytes");
    let again = generate("weekly", ymd(sunday)).await;
    assert_eq!(again.0, weekly.0, "weekly sha256");
    assert!(again.1 == weekly.1, "weekly PDF bytes");
}

async fn set_instant(t: &TestApp, table: &str, column: &str, id: &str, at: OffsetDateTime) {
    t.db.execute(
        Query::update()
            .table(Alias::new(table))
            .value(Alias::new(column), at)
            .and_where(Expr::col(Alias::new("id")).eq(id)),
    )
    .await
    .unwrap();
}

#[rocket::async_test]
async fn the_migration_fills_in_the_days_for_rows_already_on_file() {
    use migration::MigratorTrait;
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = my_id(&t, &c).await;
    let day = |n: i64| today(&t) - Duration::days(n);
    let id = adult(&t, &c, 10, day(100)).await;
    // Held 20 days ago, which booked a follow-up; another booked and cancelled; a stay changed.
    let (_, held) = laep(&t, &c, &chair, &id, day(20), None).await;
    let held_id = held["id"].as_str().unwrap().to_string();
    let (s, outcome) = t
        .post_json(
            &format!("/api/v1/reviews/{held_id}/outcome"),
            Some(&c),
            &json!({"held_on": ymd(day(20)), "findings": crate::reviews::findings_ctr(), "recommendations": "x",
                "actions": [{"who": "Team", "what": "Plan", "when": ymd(day(10)), "how": "Visits"}]}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{outcome}");
    let follow_up = outcome["next_review"]["id"].as_str().unwrap().to_string();
    let action = outcome["actions"][0]["id"].as_str().unwrap().to_string();
    t.patch_json(
        &format!("/api/v1/actions/{action}"),
        Some(&c),
        &json!({"status": "dropped", "note": "Not needed"}),
    )
    .await;
    let (_, cancelled) = laep(&t, &c, &chair, &id, day(-30), None).await;
    let cancelled_id = cancelled["id"].as_str().unwrap().to_string();
    t.post_json(
        &format!("/api/v1/reviews/{cancelled_id}/cancel"),
        Some(&c),
        &json!({"reason": "Moved"}),
    )
    .await;
    let (_, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(day(5)), "hospital": "Cavell Centre", "security_level": "low", "legal_status": "informal"}),
        )
        .await;
    let stay = stay["id"].as_str().unwrap().to_string();
    t.patch_json(
        &format!("/api/v1/admissions/{stay}"),
        Some(&c),
        &json!({"security_level": "none"}),
    )
    .await;

    // Back to the schema before valid time, with the rows written at known moments: late in a
    // UK evening, so the UK day differs from the UTC one in summer.
    migrate_down_to_before(&t.db, "000009_valid_time").await;
    let late = |n: i64| day(n).with_hms(23, 30, 0).unwrap().assume_utc();
    set_instant(&t, "reviews", "created_at", &cancelled_id, late(12)).await;
    set_instant(&t, "reviews", "created_at", &follow_up, late(2)).await;
    set_instant(&t, "actions", "updated_at", &action, late(3)).await;
    t.db.execute(
        Query::update()
            .table(Alias::new("actions"))
            .value(Alias::new("completed_on"), Option::<Date>::None)
            .and_where(Expr::col(Alias::new("id")).eq(action.as_str())),
    )
    .await
    .unwrap();
    t.db.execute(
        Query::update()
            .table(Alias::new("admission_revisions"))
            .value(Alias::new("valid_until"), late(1))
            .and_where(Expr::col(Alias::new("admission_id")).eq(stay.as_str())),
    )
    .await
    .unwrap();
    migration::Migrator::up(&t.db, None).await.unwrap();

    let uk = tcr::clock::uk_date;
    let review = |id: String| {
        let c = c.clone();
        let t = &t;
        async move { t.get(&format!("/api/v1/reviews/{id}"), Some(&c)).await.1 }
    };
    let r = review(held_id).await;
    assert_eq!(
        r["scheduled_on"],
        ymd(day(20)),
        "the earliest: its own date"
    );
    let r = review(follow_up).await;
    assert_eq!(
        r["scheduled_on"],
        ymd(day(20)),
        "booked by the hold: the day it was held"
    );
    let r = review(cancelled_id).await;
    assert_eq!(
        r["scheduled_on"],
        ymd(uk(late(12))),
        "the UK day it was recorded"
    );
    assert_eq!(
        r["cancelled_on"],
        ymd(uk(late(12))),
        "cancelled on its booking day"
    );
    let (_, actions) = t.get("/api/v1/actions", Some(&c)).await;
    let dropped = actions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == action.as_str())
        .unwrap();
    assert_eq!(dropped["completed_on"], ymd(uk(late(3))));
    let row =
        t.db.query_one(
            Query::select()
                .column(Alias::new("effective_on"))
                .from(Alias::new("admission_revisions"))
                .and_where(Expr::col(Alias::new("admission_id")).eq(stay.as_str())),
        )
        .await
        .unwrap()
        .unwrap();
    let effective: Date = row.try_get("", "effective_on").unwrap();
    assert_eq!(effective, uk(late(1)));
    // And new writes still work on the migrated schema.
    let (s, b) = laep(&t, &c, &chair, &id, day(-40), Some(day(1))).await;
    assert_eq!(s, Status::Created, "{b}");
}

#[rocket::async_test]
async fn the_pages_ask_for_the_days_default_to_today_and_keep_what_was_typed() {
    let t = TestApp::new().await;
    let (user, password) = t.user_with_role("commissioner").await;
    let c = t.login(&user, &password).await;
    let chair = my_id(&t, &c).await;
    let id = adult(&t, &c, 11, today(&t) - Duration::days(60)).await;
    assert_eq!(t.page_login(&user, &password).await, Status::SeeOther);
    let now = ymd(today(&t));

    let (s, html) = t.page(&format!("/people/{id}/reviews/new")).await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains("Booked on"));
    assert_eq!(date_input_value(&html, "scheduled_on"), Some(now.clone()));
    let csrf = extract_csrf(&html).unwrap();
    let future = ymd(today(&t) + Duration::days(2));
    let ahead = ymd(today(&t) + Duration::days(9));
    let (s, html, _) = t
        .post_form(
            &format!("/people/{id}/reviews"),
            &[
                ("csrf_token", &csrf),
                ("kind", "laep"),
                ("scheduled_for", &ahead),
                ("scheduled_on", &future),
                ("chair_id", &chair),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(html.contains("id=\"scheduled_on-error\""), "{html}");
    assert_eq!(
        date_input_value(&html, "scheduled_on"),
        Some(future.clone())
    );

    let (_, r) = laep(&t, &c, &chair, &id, today(&t) + Duration::days(9), None).await;
    let rid = r["id"].as_str().unwrap();
    let (_, html) = t.page(&format!("/reviews/{rid}")).await;
    assert!(html.contains(&format!(
        "<dt>Booked on</dt><dd>{}</dd>",
        tcr::domain::dates::long_date(today(&t))
    )));
    // Cancelling has its own page.
    let (_, html) = t.page(&format!("/reviews/{rid}/cancel")).await;
    assert!(html.contains("Cancelled on"));
    let csrf = extract_csrf(&html).unwrap();
    let yesterday = ymd(today(&t) - Duration::days(1));
    let (s, html, _) = t
        .post_form(
            &format!("/reviews/{rid}/cancel"),
            &[
                ("csrf_token", &csrf),
                ("reason", "Family on holiday"),
                ("cancelled_on", &yesterday),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(html.contains("id=\"cancelled_on-error\""), "{html}");
    assert!(html.contains("value=\"Family on holiday\""));
    assert_eq!(
        date_input_value(&html, "cancelled_on"),
        Some(yesterday.clone())
    );
    let (s, _, to) = t
        .post_form(
            &format!("/reviews/{rid}/cancel"),
            &[
                ("csrf_token", &csrf),
                ("reason", "Family on holiday"),
                ("cancelled_on", &now),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(to.as_deref(), Some(format!("/reviews/{rid}").as_str()));

    let admitted = today(&t) - Duration::days(20);
    let (_, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(admitted), "hospital": "Cavell Centre", "security_level": "low", "legal_status": "informal"}),
        )
        .await;
    let stay = stay["id"].as_str().unwrap();
    let (s, html) = t.page(&format!("/admissions/{stay}/change")).await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains(">From<"));
    assert_eq!(
        date_input_value(&html, "fields[effective_on]"),
        Some(now.clone())
    );
    let csrf = extract_csrf(&html).unwrap();
    let before = ymd(admitted - Duration::days(1));
    let (s, html, _) = t
        .post_form(
            &format!("/admissions/{stay}/change"),
            &[
                ("csrf_token", &csrf),
                ("fields[security_level]", "none"),
                ("fields[effective_on]", &before),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(html.contains("id=\"effective_on-error\""), "{html}");
    assert_eq!(
        date_input_value(&html, "fields[effective_on]"),
        Some(before.clone())
    );
    let from = ymd(admitted + Duration::days(3));
    let (s, _, _) = t
        .post_form(
            &format!("/admissions/{stay}/change"),
            &[
                ("csrf_token", &csrf),
                ("fields[security_level]", "none"),
                ("fields[effective_on]", &from),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    let (_, stays) = t
        .get(&format!("/api/v1/people/{id}/admissions"), Some(&c))
        .await;
    assert_eq!(stays["items"][0]["security_level"], "none", "{stays}");
}

#[rocket::async_test]
async fn the_api_document_types_the_new_days() {
    let t = TestApp::new().await;
    let (_, doc) = t.get("/api/v1/openapi.json", None).await;
    let schemas = &doc["components"]["schemas"];
    for (schema, field) in [
        ("NewReview", "scheduled_on"),
        ("Cancel", "cancelled_on"),
        ("AdmissionPatch", "effective_on"),
        ("ActionUpdate", "completed_on"),
        ("ReviewView", "scheduled_on"),
        ("ReviewView", "cancelled_on"),
    ] {
        let prop = &schemas[schema]["properties"][field];
        assert!(
            prop.to_string().contains("date") || schema == "ReviewView",
            "{schema}.{field}: {prop}"
        );
        assert!(!prop.is_null(), "{schema}.{field} is documented");
        let required = schemas[schema]["required"].to_string();
        if schema != "ReviewView" {
            assert!(!required.contains(field), "{schema}.{field} is optional");
        }
    }
}

#[rocket::async_test]
async fn withdrawal_cancels_open_reviews_on_its_day_or_their_booking_day() {
    use sea_orm::EntityTrait;
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = my_id(&t, &c).await;
    let day = |n: i64| today(&t) - Duration::days(n);
    let id = adult(&t, &c, 12, day(60)).await;
    let (_, early) = laep(&t, &c, &chair, &id, day(-10), Some(day(10))).await;
    let (_, late) = laep(&t, &c, &chair, &id, day(-11), Some(day(2))).await;
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(day(5)), "reason": "Withdrawn"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    for (review, want) in [(early, day(5)), (late, day(2))] {
        let row = tcr::entities::review::Entity::find_by_id(tcr::domain::ids::ReviewId::from_text(
            review["id"].as_str().unwrap(),
        ))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
        assert_eq!(row.status.as_str(), "cancelled");
        assert_eq!(row.cancelled_on, Some(want));
    }
}
