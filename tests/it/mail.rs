//! Email through a real SMTP server on loopback (`smtp.rs`): invitations with their `.ics` when
//! a review is booked, moved and cancelled; reminders two working days before; the Monday
//! digest; nothing sent twice; nothing written without `TCR_SMTP_URL`; a refusing server
//! retried while the booking stands.

use crate::register::{answers, nhs, parental, person, today, ymd};
use crate::reviews::{RED, panel};
use crate::smtp::{Received, SmtpServer};
use crate::support::*;
use rocket::http::Status;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tcr::domain::ids::UserId;
use tcr::entities::mail_outbox;
use tcr::services::Actor;
use tcr::services::mail::{self, NOT_SET_UP};
use tcr::services::users::{EmailChange, set_email};
use time::{Date, Duration, Weekday};

async fn with_mail(server: &SmtpServer) -> TestApp {
    let url = server.url();
    TestApp::with(move |s| {
        s.smtp_url = Some(url);
        s.mail_from = "tcr@example.nhs.uk".into();
        s.public_url = Some("https://tcr.example".into());
    })
    .await
}

async fn give_email(t: &TestApp, id: &str, email: &str) {
    set_email(
        &t.app,
        &Actor::cli(),
        &UserId::from_text(id),
        EmailChange {
            email: Some(email.into()),
        },
    )
    .await
    .expect("set email");
}

/// Sam Lee on the register (consent 20 days ago): their id.
async fn sam(t: &TestApp, c: &str, n: u32) -> String {
    let born = today(t) - Duration::days(365 * 15);
    let (s, p) = t
        .post_json(
            "/api/v1/people",
            Some(c),
            &person(&nhs(n), born, parental(today(t) - Duration::days(20))),
        )
        .await;
    assert_eq!(s, Status::Created, "{p}");
    p["id"].as_str().unwrap().to_string()
}

fn ics(m: &Received) -> String {
    let text = m.text();
    let start = text.find("BEGIN:VCALENDAR").expect("an .ics attached");
    let end = text.find("END:VCALENDAR").expect("its end") + "END:VCALENDAR".len();
    // Unfold continuation lines.
    text[start..end].replace("\r\n ", "")
}

fn to(m: &Received) -> &str {
    m.to[0].as_str()
}

fn sorted(mut v: Vec<Received>) -> Vec<Received> {
    v.sort_by(|a, b| a.to.cmp(&b.to));
    v
}

fn compact(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month() as u8, d.day())
}

async fn run(t: &TestApp) -> mail::Run {
    mail::run_once(&t.app).await.expect("mail run")
}

#[rocket::async_test]
async fn invitations_when_booked_moved_and_cancelled() {
    let server = SmtpServer::start().await;
    let t = with_mail(&server).await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    give_email(&t, &p.chair.0, "chair@example.nhs.uk").await;
    give_email(&t, &p.expert.0, "expert@example.nhs.uk").await;
    // The clinical expert has no address: nothing goes to them.
    let id = sam(&t, &c, 1).await;
    let day = today(&t) + Duration::days(10);
    let (s, review) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&c),
            &json!({"kind": "community", "scheduled_for": ymd(day), "starts_at": "10:00",
                    "place": "Room 4, Lynch Wood", "chair_id": p.chair.0,
                    "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{review}");
    let rid = review["id"].as_str().unwrap().to_string();
    assert_eq!(run(&t).await.delivered.sent, 2);
    let got = sorted(server.take());
    assert_eq!(
        got.iter().map(to).collect::<Vec<_>>(),
        ["chair@example.nhs.uk", "expert@example.nhs.uk"]
    );
    for m in &got {
        let text = m.text();
        assert!(
            text.contains("Subject: Invitation: CETR community review"),
            "{text}"
        );
        assert!(text.contains("S.L.") && !text.contains("Sam") && !text.contains("Lee"));
        assert!(text.contains(&format!("https://tcr.example/reviews/{rid}")));
        let cal = ics(m);
        for line in [
            "METHOD:REQUEST".to_string(),
            format!("UID:{rid}@tcr"),
            "SEQUENCE:0".into(),
            format!("DTSTART;TZID=Europe/London:{}T100000", compact(day)),
            "LOCATION:Room 4\\, Lynch Wood".into(),
        ] {
            assert!(cal.contains(&line), "{line} in {cal}");
        }
    }
    assert!(got[0].text().contains("as the chair"));

    // Moved a day later: an update with a higher SEQUENCE.
    let (s, moved) = t
        .patch_json(
            &format!("/api/v1/reviews/{rid}"),
            Some(&c),
            &json!({"scheduled_for": ymd(day + Duration::days(1)), "reason": "Room double-booked"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{moved}");
    run(&t).await;
    let got = server.take();
    assert_eq!(got.len(), 2);
    for m in &got {
        let cal = ics(m);
        assert!(
            cal.contains("SEQUENCE:1") && cal.contains("METHOD:REQUEST"),
            "{cal}"
        );
        assert!(cal.contains(&compact(day + Duration::days(1))));
        assert!(m.text().contains("Subject: Updated: "));
    }

    // A new expert: the old one is told they are off the panel, the new one invited.
    let other = crate::reviews::member(&t, "panel_member").await;
    give_email(&t, &other.0, "other@example.nhs.uk").await;
    let (s, _) = t
        .patch_json(
            &format!("/api/v1/reviews/{rid}"),
            Some(&c),
            &json!({"expert_by_experience_id": other.0, "reason": "Unwell"}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    run(&t).await;
    let got = sorted(server.take());
    let by = |a: &str| got.iter().find(|m| to(m) == a).map(ics).expect(a);
    assert!(by("expert@example.nhs.uk").contains("METHOD:CANCEL"));
    assert!(by("other@example.nhs.uk").contains("METHOD:REQUEST"));
    assert!(by("chair@example.nhs.uk").contains("SEQUENCE:2"));

    // Cancelled: a cancellation to each member with an address.
    let (s, _) = t
        .post_json(
            &format!("/api/v1/reviews/{rid}/cancel"),
            Some(&c),
            &json!({"reason": "Family asked to postpone"}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    run(&t).await;
    let got = sorted(server.take());
    assert_eq!(
        got.iter().map(to).collect::<Vec<_>>(),
        ["chair@example.nhs.uk", "other@example.nhs.uk"]
    );
    for m in &got {
        let cal = ics(m);
        assert!(
            cal.contains("METHOD:CANCEL") && cal.contains("SEQUENCE:3"),
            "{cal}"
        );
        assert!(cal.contains("STATUS:CANCELLED"));
    }

    // A second run sends nothing again.
    assert_eq!(run(&t).await, mail::Run::default());
    assert!(server.take().is_empty());

    // A booking refused (a clash on the chair's day) writes nothing.
    let before = mail_outbox::Entity::find().count(&t.db).await.unwrap();
    let id2 = sam(&t, &c, 2).await;
    let body = json!({"kind": "community", "scheduled_for": ymd(day + Duration::days(20)),
                      "chair_id": p.chair.0, "expert_by_experience_id": other.0,
                      "clinical_expert_id": p.clinician.0});
    let path = format!("/api/v1/people/{id2}/reviews");
    assert_eq!(t.post_json(&path, Some(&c), &body).await.0, Status::Created);
    assert_eq!(
        t.post_json(&path, Some(&c), &body).await.0,
        Status::Conflict
    );
    let after = mail_outbox::Entity::find().count(&t.db).await.unwrap();
    assert_eq!(after - before, 2, "the clash wrote nothing");
}

/// The first bank holiday on a Monday at least a week away, from the policy's calendar.
fn bank_holiday_monday(t: &TestApp) -> Date {
    let from = today(t) + Duration::days(7);
    *t.app
        .policies
        .schedule
        .bank_holidays
        .iter()
        .find(|d| **d >= from && d.weekday() == Weekday::Monday)
        .expect("a bank holiday Monday ahead in policies/schedule.toml")
}

#[rocket::async_test]
async fn reminders_two_working_days_before_across_a_bank_holiday_weekend() {
    let server = SmtpServer::start().await;
    let t = with_mail(&server).await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    give_email(&t, &p.chair.0, "chair@example.nhs.uk").await;
    give_email(&t, &p.clinician.0, "clinician@example.nhs.uk").await;
    let id = sam(&t, &c, 3).await;
    // The Tuesday after a bank holiday Monday.
    let review_day = bank_holiday_monday(&t) + Duration::days(1);
    let holidays = t.app.policies.schedule.bank_holidays.clone();
    let mut expected = review_day;
    let mut left = 2;
    while left > 0 {
        expected -= Duration::days(1);
        let weekend = matches!(expected.weekday(), Weekday::Saturday | Weekday::Sunday);
        if !weekend && !holidays.contains(&expected) {
            left -= 1;
        }
    }
    assert!(
        expected <= review_day - Duration::days(5),
        "skips the long weekend"
    );
    let (s, r) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&c),
            &json!({"kind": "community", "scheduled_for": ymd(review_day),
                    "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0,
                    "clinical_expert_id": p.clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{r}");
    run(&t).await;
    assert_eq!(server.take().len(), 2, "the invitations");

    // The day before the reminder day: nothing.
    t.clock
        .advance(Duration::days((expected - today(&t)).whole_days() - 1));
    assert_eq!(run(&t).await.reminders, 0);
    // On the reminder day: one to each member with an address.
    t.clock.advance(Duration::days(1));
    assert_eq!(today(&t), expected);
    let done = run(&t).await;
    assert_eq!((done.reminders, done.delivered.sent), (2, 2));
    let got = server.take();
    assert!(got.iter().all(|m| m.text().contains("Subject: Reminder: ")));
    assert!(got.iter().all(|m| !m.text().contains("Lee")));
    // Again that day, and the next: not twice.
    assert_eq!(run(&t).await.reminders, 0);
    t.clock.advance(Duration::days(1));
    assert_eq!(run(&t).await.reminders, 0);
    assert!(server.take().is_empty());
}

#[rocket::async_test]
async fn the_monday_digest_lists_what_falls_overdue_that_week() {
    let server = SmtpServer::start().await;
    let t = with_mail(&server).await;
    let c = t.token_for_role("commissioner").await;
    let (_, me) = t.get("/api/v1/me", Some(&c)).await;
    give_email(
        &t,
        me["id"].as_str().unwrap(),
        "commissioner@example.nhs.uk",
    )
    .await;
    let monday = (0..7)
        .map(|n| today(&t) + Duration::days(n))
        .find(|d| d.weekday() == Weekday::Monday)
        .unwrap();
    // Sam rated red twelve days before Monday: a review is due on Wednesday.
    let sam = sam(&t, &c, 4).await;
    let rate = |on: Date| json!({"assessed_on": ymd(on), "answers": answers(RED)});
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{sam}/risk-assessments"),
            Some(&c),
            &rate(monday - Duration::days(12)),
        )
        .await;
    assert_eq!(s, Status::Created);
    // Ali Khan rated red today: due in a fortnight, not this week.
    let mut ali: Value = person(
        &nhs(5),
        today(&t) - Duration::days(365 * 30),
        parental(today(&t) - Duration::days(20)),
    );
    ali["given_name"] = json!("Ali");
    ali["family_name"] = json!("Khan");
    ali["consent"] = json!({"basis": "self", "recorded_on": ymd(today(&t) - Duration::days(20))});
    let (s, ali) = t.post_json("/api/v1/people", Some(&c), &ali).await;
    assert_eq!(s, Status::Created, "{ali}");
    let ali = ali["id"].as_str().unwrap();
    t.post_json(
        &format!("/api/v1/people/{ali}/risk-assessments"),
        Some(&c),
        &rate(today(&t)),
    )
    .await;

    t.clock
        .advance(Duration::days((monday - today(&t)).whole_days()));
    let done = run(&t).await;
    assert_eq!((done.digests, done.delivered.sent), (1, 1));
    let got = server.take();
    assert_eq!(to(&got[0]), "commissioner@example.nhs.uk");
    let text = got[0].text();
    assert!(
        text.contains("Subject: Due this week: 1 item from Monday"),
        "{text}"
    );
    assert!(text.contains("- S.L.: Community review, due"), "{text}");
    assert!(text.contains(&format!("https://tcr.example/people/{sam}")));
    assert!(!text.contains("A.K.") && !text.contains("Lee") && !text.contains("Khan"));
    // Not twice, and not on Tuesday.
    assert_eq!(run(&t).await.digests, 0);
    t.clock.advance(Duration::days(1));
    assert_eq!(run(&t).await.digests, 0);
    assert!(server.take().is_empty());
}

/// A LAEP review booked `days` ahead for person `n`, its chair with an address, while the mail
/// server refuses everything: the booking stands and its invitation waits in the outbox.
async fn booked_while_refused(n: u32, days: i64) -> (SmtpServer, TestApp) {
    let server = SmtpServer::start().await;
    let t = with_mail(&server).await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    give_email(&t, &p.chair.0, "chair@example.nhs.uk").await;
    let id = sam(&t, &c, n).await;
    server.refuse(true);
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&c),
            &json!({"kind": "laep", "scheduled_for": ymd(today(&t) + Duration::days(days)),
                    "chair_id": p.chair.0}),
        )
        .await;
    assert_eq!(s, Status::Created);
    (server, t)
}

#[rocket::async_test]
async fn a_refusing_server_is_retried_and_the_booking_stands() {
    let (server, t) = booked_while_refused(6, 3).await;
    let done = run(&t).await;
    assert_eq!((done.delivered.sent, done.delivered.retrying), (0, 1));
    let row = mail_outbox::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
    let error = row.last_error.clone().unwrap_or_default();
    assert!(
        error.contains("451") || error.contains("transient"),
        "{error}"
    );
    assert!(!error.contains('@'));
    // Not again before its wait is over; then sent once the server takes it.
    server.refuse(false);
    assert_eq!(run(&t).await.delivered.sent, 0);
    t.clock.advance(Duration::minutes(2));
    assert_eq!(run(&t).await.delivered.sent, 1);
    assert_eq!(server.take().len(), 1);
    // A quarter on, the sent email forgets its address and its words; its key (the claim) and
    // sequence (the calendar's) stay. The day before, nothing is forgotten.
    t.clock.advance(Duration::days(mail::KEPT_DAYS - 1));
    assert_eq!(run(&t).await.forgotten, 0);
    t.clock.advance(Duration::days(1));
    let done = run(&t).await;
    assert_eq!(done.forgotten, 1);
    assert!(
        done.summary(&t.app)
            .contains("1 old emails' addresses and words forgotten")
    );
    let kept = mail_outbox::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((kept.recipient.as_str(), kept.message.as_str()), ("", ""));
    assert_eq!(
        (kept.status.as_str(), kept.key, kept.sequence),
        ("sent", row.key, row.sequence)
    );
    assert_eq!(run(&t).await.forgotten, 0, "once");
}

#[rocket::async_test]
async fn without_an_smtp_url_nothing_is_written_and_the_pages_say_so() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    give_email(&t, &p.chair.0, "chair@example.nhs.uk").await;
    let id = sam(&t, &c, 7).await;
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&c),
            &json!({"kind": "laep", "scheduled_for": ymd(today(&t) + Duration::days(3)),
                    "chair_id": p.chair.0}),
        )
        .await;
    assert_eq!(s, Status::Created);
    assert_eq!(run(&t).await, mail::Run::default());
    assert_eq!(mail_outbox::Entity::find().count(&t.db).await.unwrap(), 0);

    let (user, password) = t.user_with_role("commissioner").await;
    assert_eq!(t.page_login(&user, &password).await, Status::SeeOther);
    let (s, html) = t.page(&format!("/people/{id}/reviews/new")).await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains(NOT_SET_UP), "booking page");

    // The administrator sets addresses (a bad one is refused) and sees that none are sent.
    let admin = t.admin_token().await;
    let user = |email: &str| {
        json!({"username": format!("ann-{}", email.len()), "display_name": "Ann Chair",
               "role": "panel_chair", "password": "a long enough password 42", "email": email})
    };
    let (s, bad) = t
        .post_json("/api/v1/users", Some(&admin), &user("ann at nhs"))
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(bad["error"]["fields"]["email"].is_array(), "{bad}");
    let (s, ann) = t
        .post_json("/api/v1/users", Some(&admin), &user("ann@example.nhs.uk"))
        .await;
    assert_eq!(s, Status::Created, "{ann}");
    assert_eq!(ann["email"], "ann@example.nhs.uk");
    let ann_id = ann["id"].as_str().unwrap();
    let (s, cleared) = t
        .post_json(
            &format!("/api/v1/users/{ann_id}/email"),
            Some(&admin),
            &json!({"email": ""}),
        )
        .await;
    assert_eq!((s, &cleared["email"]), (Status::Ok, &Value::Null));
    assert_eq!(
        t.page_login("admin", ADMIN_PASSWORD).await,
        Status::SeeOther
    );
    let (_, html) = t.page("/admin/users").await;
    assert!(html.contains(NOT_SET_UP), "users page");
    let csrf = extract_csrf(&html).expect("a form token");
    let (s, _, _) = t
        .post_form(
            &format!("/admin/users/{ann_id}/email"),
            &[("csrf_token", &csrf), ("email", "ann.chair@example.nhs.uk")],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    let (_, html) = t.page("/admin/users").await;
    assert!(html.contains("ann.chair@example.nhs.uk"));
}

#[rocket::async_test]
async fn withdrawing_consent_cancels_and_two_senders_at_once_send_each_email_once() {
    let server = SmtpServer::start().await;
    let t = with_mail(&server).await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    give_email(&t, &p.chair.0, "chair@example.nhs.uk").await;
    give_email(&t, &p.expert.0, "expert@example.nhs.uk").await;
    give_email(&t, &p.clinician.0, "clinician@example.nhs.uk").await;
    let id = sam(&t, &c, 8).await;
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&c),
            &json!({"kind": "community", "scheduled_for": ymd(today(&t) + Duration::days(9)),
                    "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0,
                    "clinical_expert_id": p.clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created);
    // Two senders at once (as two instances would): each email goes once.
    let (a, b) = rocket::tokio::join!(mail::run_once(&t.app), mail::run_once(&t.app));
    let sent = a.unwrap().delivered.sent + b.unwrap().delivered.sent;
    assert_eq!(sent, 3);
    assert_eq!(server.take().len(), 3);

    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(today(&t)), "reason": "Family withdrew consent"}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    run(&t).await;
    let got = server.take();
    assert_eq!(got.len(), 3);
    for m in &got {
        let text = m.text();
        assert!(ics(m).contains("METHOD:CANCEL"), "{text}");
        assert!(!text.contains("Lee") && !text.contains("Family withdrew"));
    }
}

/// An email the server keeps refusing is given up after its tries, and the administrator sees
/// it on the Users page — the address to mend, the review, the server's last answer — while one
/// still waiting to be tried again is counted.
#[rocket::async_test]
async fn emails_given_up_are_shown_to_the_administrator() {
    let (_server, t) = booked_while_refused(7, 30).await;
    assert_eq!(run(&t).await.delivered.retrying, 1);
    assert_eq!(
        t.page_login("admin", ADMIN_PASSWORD).await,
        Status::SeeOther
    );
    let (_, page) = t.page("/admin/users").await;
    assert!(
        page.contains("1 email is waiting to be tried again"),
        "{page}"
    );
    let mut given_up = 0;
    for _ in 0..mail::outbox::MAX_ATTEMPTS {
        t.clock.advance(Duration::hours(5));
        given_up += run(&t).await.delivered.given_up;
    }
    assert_eq!(given_up, 1);
    // Two days on, the session has lapsed: sign in again.
    assert_eq!(
        t.page_login("admin", ADMIN_PASSWORD).await,
        Status::SeeOther
    );
    let (s, page) = t.page("/admin/users").await;
    assert_eq!(s, Status::Ok);
    assert!(page.contains("Email that did not go"), "{page}");
    assert!(
        page.contains("1 email could not be sent in the last 90 days"),
        "{page}"
    );
    assert!(page.contains("chair@example.nhs.uk"));
    assert!(page.contains(">Invitation<span"), "{page}");
    assert!(!page.contains("waiting to be tried again"), "{page}");
}
