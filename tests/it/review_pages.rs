//! The CETR journey through the pages, as a panel chair and as a panel member.

use crate::register::{nhs, parental, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use serde_json::json;
use time::Duration;

#[rocket::async_test]
async fn a_chair_schedules_holds_and_reports_and_a_member_sees_only_theirs() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 16);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(1), born, parental(today(&t) - Duration::days(400))),
        )
        .await;
    let (_, other) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(2), born, parental(today(&t) - Duration::days(400))),
        )
        .await;
    let (id, other_id) = (
        p["id"].as_str().unwrap().to_string(),
        other["id"].as_str().unwrap().to_string(),
    );

    let (chair_user, chair_pw) = t.user_with_role("panel_chair").await;
    let (expert_user, expert_pw) = t.user_with_role("panel_member").await;
    let (clin_user, _) = t.user_with_role("clinical_expert").await;
    let admin = t.admin_token().await;
    let (_, users) = t.get("/api/v1/users?per_page=500", Some(&admin)).await;
    let id_of = |name: &str| {
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (chair_id, expert_id, clin_id) =
        (id_of(&chair_user), id_of(&expert_user), id_of(&clin_user));

    // The chair schedules from the person's page.
    t.page_login(&chair_user, &chair_pw).await;
    let (status, form) = t.page(&format!("/people/{id}/reviews/new")).await;
    assert_eq!(status, Status::Ok);
    assert!(form.contains("Independent clinical expert"));
    let csrf = t.csrf_signed_in().await;
    let day = ymd(today(&t));
    let (status, body, _) = t
        .post_form(
            &format!("/people/{id}/reviews"),
            &[
                ("csrf_token", &csrf),
                ("kind", "community"),
                ("scheduled_for", &day),
                ("confirm_day_off", &day),
                ("chair_id", &chair_id),
                ("expert_by_experience_id", &expert_id),
                ("clinical_expert_id", &expert_id),
            ],
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("three different people"), "{body}");
    let (status, _, location) = t
        .post_form(
            &format!("/people/{id}/reviews"),
            &[
                ("csrf_token", &csrf),
                ("kind", "community"),
                ("scheduled_for", &day),
                ("confirm_day_off", &day),
                ("chair_id", &chair_id),
                ("expert_by_experience_id", &expert_id),
                ("clinical_expert_id", &clin_id),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    let review_url = location.unwrap();
    let (_, page) = t.page(&review_url).await;
    assert!(
        page.contains("The pack")
            && page.contains("Record the outcome")
            && page.contains("Add another action"),
        "{page}"
    );

    // Adding a row keeps what was typed, without JavaScript.
    let (status, more, _) = t
        .post_form(
            &format!("{review_url}/outcome"),
            &[
                ("csrf_token", &csrf),
                ("step", "add_row"),
                ("held_on", &day),
                ("findings[safe]", "Safe now"),
                ("actions[0].who", "School"),
                ("actions[0].what", "Reduced timetable"),
                ("actions[0].when", &day),
                ("actions[0].how", "Agreed with head"),
            ],
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert!(
        more.contains("Safe now")
            && more.contains("Reduced timetable")
            && more.contains("actions[1].who"),
        "{more}"
    );

    let mut outcome = vec![
        ("csrf_token", csrf.as_str()),
        ("step", "record"),
        ("held_on", day.as_str()),
        ("recommendations", "Keep at home with support"),
    ];
    let findings = [
        ("findings[safe]", "Safe"),
        ("findings[current_care]", "Good"),
        ("findings[daily_life]", "Busy"),
        ("findings[physical_health]", "Fine"),
        ("findings[future_plan]", "Transition plan"),
        ("findings[need_for_hospital]", "No"),
        ("findings[education]", "Part-time timetable"),
    ];
    outcome.extend(findings);
    let when = ymd(today(&t) + Duration::days(21));
    outcome.extend([
        ("actions[0].who", "School"),
        ("actions[0].what", "Reduced timetable"),
        ("actions[0].when", when.as_str()),
        ("actions[0].how", "Agreed with head"),
    ]);
    let (status, _, _) = t
        .post_form(&format!("{review_url}/outcome"), &outcome)
        .await;
    assert_eq!(status, Status::SeeOther);
    let (_, held) = t.page(&review_url).await;
    assert!(
        held.contains("Held on")
            && held.contains("Reduced timetable")
            && held.contains("Record the report as sent"),
        "{held}"
    );

    // The member sees this person's reviews and nobody else's record.
    t.page_login(&expert_user, &expert_pw).await;
    let (status, list) = t.page("/reviews").await;
    assert_eq!(status, Status::Ok);
    assert!(
        list.contains("Follow-up") || list.contains("Follow up"),
        "the follow-up they sit on: {list}"
    );
    assert_eq!(t.page(&format!("/people/{id}")).await.0, Status::Ok);
    assert_eq!(
        t.page(&format!("/people/{other_id}")).await.0,
        Status::NotFound
    );
    assert_eq!(
        t.page(&format!("/people/{id}/reviews/new")).await.0,
        Status::Forbidden
    );

    // Their calendar link lists the follow-up, with initials only.
    let (_, home) = t.page("/").await;
    let home = home.replace("&#x2F;", "/"); // Tera escapes slashes in attributes; browsers undo it
    let start = home
        .find("/calendar/")
        .unwrap_or_else(|| panic!("calendar link: {home}"));
    let link = &home[start..start + "/calendar/".len() + 64 + 4];
    let res = t.client.get(link.to_string()).dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    let ics = res.into_string().await.unwrap();
    assert!(
        ics.contains("BEGIN:VEVENT") && ics.contains("(S.L.)") && !ics.contains("Lee"),
        "{ics}"
    );
    assert_eq!(
        t.client
            .get(format!("/calendar/{}.ics", "0".repeat(64)))
            .dispatch()
            .await
            .status(),
        Status::NotFound
    );

    // A chair of other reviews reads the action but is not offered its update forms.
    let (other, other_pw) = t.user_with_role("panel_chair").await;
    t.page_login(&other, &other_pw).await;
    let (_, theirs) = t.page("/actions").await;
    assert!(
        theirs.contains("Reduced timetable")
            && theirs.contains("Kept by the review's chair")
            && !theirs.contains("Reason for dropping"),
        "{theirs}"
    );

    // The actions page (commissioner) marks the action done.
    let (u, pw) = t.user_with_role("commissioner").await;
    t.page_login(&u, &pw).await;
    let (_, actions) = t.page("/actions").await;
    assert!(actions.contains("School") && actions.contains("Reduced timetable"));
    assert!(actions.contains("Reason for dropping"), "{actions}");
    let (_, api) = t.get("/api/v1/actions", Some(&c)).await;
    let action_id = api["items"][0]["id"].as_str().unwrap().to_string();
    let csrf = t.csrf_signed_in().await;
    let (status, _, _) = t
        .post_form(
            &format!("/actions/{action_id}"),
            &[
                ("csrf_token", &csrf),
                ("status", "done"),
                ("completed_on", &day),
                ("back", "/actions"),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    let (_, after) = t
        .get(
            &format!("/api/v1/reviews?person_id={id}&status=held"),
            Some(&c),
        )
        .await;
    assert_eq!(after["items"][0]["actions"][0]["status"], "done");
    let _ = json!({});
}

#[rocket::async_test]
async fn the_reviews_page_pages_each_section_with_its_count() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let (chair, _) = crate::reviews::member(&t, "panel_chair").await;
    let born = today(&t) - Duration::days(365 * 30);
    // 27 reviews later than the next fortnight, one a day (a panel sits once a day).
    for n in 0..27u32 {
        let (s, p) = t
            .post_json(
                "/api/v1/people",
                Some(&c),
                &person(&nhs(600 + 10 * n), born, crate::register::own(today(&t))),
            )
            .await;
        assert_eq!(s, Status::Created, "{p}");
        let (s, r) = t
            .post_json(
                &format!("/api/v1/people/{}/reviews", p["id"].as_str().unwrap()),
                Some(&c),
                &json!({"kind": "laep", "scheduled_for": ymd(today(&t) + Duration::days(20 + i64::from(n))),
                        "chair_id": chair}),
            )
            .await;
        assert_eq!(s, Status::Created, "{r}");
    }
    let (u, pw) = t.user_with_role("commissioner").await;
    t.page_login(&u, &pw).await;
    let (status, list) = t.page("/reviews").await;
    assert_eq!(status, Status::Ok);
    let list = list.replace("&#x2F;", "/").replace("&amp;", "&");
    for heading in [
        "Overdue (0)",
        "In the next 14 days (0)",
        "Held, report not yet sent (0)",
        "Later (27)",
    ] {
        assert!(list.contains(heading), "{heading}: {list}");
    }
    let later = &list[list.find("Later (27)").unwrap()..];
    assert_eq!(later.matches("href=\"/reviews/").count(), 25, "{later}");
    assert!(later.contains("Page 1 of 2 (27 in all)"), "{later}");
    assert!(
        later.contains("aria-label=\"Pages of reviews scheduled later\"")
            && later.contains("href=\"/reviews?section=later&page=2\""),
        "{later}"
    );
    let (status, second) = t.page("/reviews?section=later&page=2").await;
    assert_eq!(status, Status::Ok);
    assert!(
        second.contains("Later (27)") && !second.contains("Overdue ("),
        "{second}"
    );
    assert_eq!(second.matches("href=\"/reviews/").count(), 2, "{second}");
    assert!(
        second.contains("href=\"/reviews\""),
        "back to every section"
    );
    // The API pages the same list.
    let (_, api) = t.get("/api/v1/reviews?per_page=10&page=3", Some(&c)).await;
    assert_eq!(
        (
            api["total"].as_u64(),
            api["items"].as_array().unwrap().len()
        ),
        (Some(27), 7)
    );
    assert_eq!(
        t.page("/reviews?section=sideways").await.0,
        Status::UnprocessableEntity
    );
}

/// The ids of the reviews a page section links to, in order.
fn linked_reviews(html: &str) -> Vec<String> {
    let html = html.replace("&#x2F;", "/");
    html.split("href=\"/reviews/")
        .skip(1)
        .map(|rest| rest.chars().take(36).collect::<String>())
        .filter(|id| id.len() == 36 && id.chars().all(|ch| ch.is_ascii_hexdigit() || ch == '-'))
        .collect()
}

#[rocket::async_test]
async fn upcoming_reviews_page_across_past_bookings_awaiting_an_outcome_and_the_days_ahead() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let panel = crate::reviews::panel(&t).await;
    let mut chairs = Vec::new();
    for _ in 0..3 {
        chairs.push(crate::reviews::member(&t, "panel_chair").await.0);
    }
    let born = today(&t) - Duration::days(365 * 30);
    // Days 1 to 3: a post-admission review each (due four weeks after the admission), and on
    // days 1 and 2 a community review (due the day it is booked for); then 24 community
    // reviews over days 5 to 12, three chairs a day (a panel member sits once a day).
    for n in 0..29u32 {
        let (s, p) = t
            .post_json(
                "/api/v1/people",
                Some(&c),
                &person(&nhs(700 + 10 * n), born, crate::register::own(today(&t))),
            )
            .await;
        assert_eq!(s, Status::Created, "{p}");
        let id = p["id"].as_str().unwrap().to_string();
        let (day, body) = if n < 3 {
            let (s, a) = t
                .post_json(
                    &format!("/api/v1/people/{id}/admissions"),
                    Some(&c),
                    &json!({"admitted_on": ymd(today(&t)), "hospital": "Cavell Centre",
                            "security_level": "low", "legal_status": "section_3"}),
                )
                .await;
            assert_eq!(s, Status::Created, "{a}");
            (
                i64::from(n) + 1,
                json!({"kind": "post_admission", "chair_id": panel.chair.0,
                       "expert_by_experience_id": panel.expert.0,
                       "clinical_expert_id": panel.clinician.0}),
            )
        } else if n < 5 {
            (
                i64::from(n) - 2,
                json!({"kind": "laep", "chair_id": chairs[0]}),
            )
        } else {
            let k = n - 5;
            (
                5 + i64::from(k / 3),
                json!({"kind": "laep", "chair_id": chairs[(k % 3) as usize]}),
            )
        };
        let mut body = body;
        body["scheduled_for"] = json!(ymd(today(&t) + Duration::days(day)));
        let (s, r) = t
            .post_json(&format!("/api/v1/people/{id}/reviews"), Some(&c), &body)
            .await;
        assert_eq!(s, Status::Created, "{r}");
    }
    // Four days on, the first days' are past: the post-admission ones await their outcome (not
    // overdue), the community ones are overdue.
    t.clock.advance(Duration::days(4));
    let c = t.token_for_role("commissioner").await;
    let day = today(&t);
    let soon = day + Duration::days(14);
    // What the section should hold, from the API's own fields, in the list's order.
    let (_, all) = t
        .get("/api/v1/reviews?status=scheduled&per_page=100", Some(&c))
        .await;
    let expected: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let on = r["scheduled_for"].as_str().unwrap();
            on <= ymd(soon).as_str() && (on >= ymd(day).as_str() || r["overdue"] == false)
        })
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let awaiting = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["scheduled_for"].as_str().unwrap() < ymd(day).as_str())
        .filter(|r| r["overdue"] == false)
        .count();
    assert_eq!((expected.len(), awaiting), (27, 3), "{all}");
    let (u, pw) = t.user_with_role("commissioner").await;
    t.page_login(&u, &pw).await;
    let (status, first) = t.page("/reviews").await;
    assert_eq!(status, Status::Ok);
    assert!(first.contains("Overdue (2)"), "{first}");
    assert!(first.contains("In the next 14 days (27)"), "{first}");
    let upcoming = &first[first.find("In the next 14 days (27)").unwrap()..];
    let upcoming = &upcoming[..upcoming.find("Held, report not yet sent").unwrap()];
    let (status, second) = t.page("/reviews?section=upcoming&page=2").await;
    assert_eq!(status, Status::Ok);
    let mut shown = linked_reviews(upcoming);
    shown.dedup();
    let mut rest = linked_reviews(&second);
    rest.dedup();
    assert_eq!(shown.len(), 25, "{upcoming}");
    shown.extend(rest);
    assert_eq!(
        shown, expected,
        "the past bookings awaiting an outcome first, then by day"
    );
}
