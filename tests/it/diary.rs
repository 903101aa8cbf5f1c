//! A reviewer's diary: a panel member's and a chair's home page lists their reviews by date
//! (weekday, date, time, place or link, initials, seat, pack ready), upcoming first, then those
//! held awaiting the report; never "overdue"; withdrawn people gone.

use crate::panels::adult_named;
use crate::register::{answers, today, ymd};
use crate::review_moves::next;
use crate::reviews::{RED, panel};
use crate::support::*;
use rocket::http::Status;
use serde_json::json;
use time::{Duration, Weekday};

fn diary_row<'a>(home: &'a str, review_id: &str) -> &'a str {
    let at = home
        .find(&format!("/reviews/{review_id}\""))
        .unwrap_or_else(|| panic!("review {review_id} in {home}"));
    let start = home[..at].rfind("<tr>").unwrap();
    let end = home[at..].find("</tr>").unwrap() + at;
    &home[start..end]
}

/// The username and password of a user made by `user_with_role`, from their id.
async fn sign_in_of(t: &TestApp, id: &str) -> (String, String) {
    let admin = t.admin_token().await;
    let (_, users) = t.get("/api/v1/users?per_page=500", Some(&admin)).await;
    let name = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap()["username"]
        .as_str()
        .unwrap()
        .to_string();
    let password = format!("password for {name}");
    (name, password)
}

#[rocket::async_test]
async fn the_diary_lists_a_reviewers_reviews_by_date_with_seat_time_place_and_pack() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let (expert_user, expert_pw) = sign_in_of(&t, &p.expert.0).await;
    let ann = adult_named(&t, &c, 1, "Ann", "Ash").await;
    let bob = adult_named(&t, &c, 2, "Bob", "Birch").await;
    let cat = adult_named(&t, &c, 3, "Cat", "Cole").await;
    // Ann has a risk assessment on file (her pack is ready): red 20 days ago, so her review was
    // due 6 days ago. Bob has none.
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{ann}/risk-assessments"),
            Some(&c),
            &json!({"assessed_on": ymd(today(&t) - Duration::days(20)), "answers": answers(RED)}),
        )
        .await;
    assert_eq!(s, Status::Created);
    let book = |id: String, day: time::Date, extra: serde_json::Value| {
        let p = &p;
        let c = &c;
        let t = &t;
        async move {
            let mut body = json!({"kind": "community", "scheduled_for": ymd(day), "chair_id": p.chair.0,
                "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0});
            for (k, v) in extra.as_object().unwrap() {
                body[k] = v.clone();
            }
            let (s, r) = t
                .post_json(&format!("/api/v1/people/{id}/reviews"), Some(c), &body)
                .await;
            assert_eq!(s, Status::Created, "{r}");
            r["id"].as_str().unwrap().to_string()
        }
    };
    // Next Sunday (its due date may already have passed for the ICB: not the diary's concern),
    // and a Tuesday after it; Cat's review was held a week ago, its report not yet sent.
    let sunday = next(today(&t) + Duration::days(1), Weekday::Sunday);
    let tuesday = sunday + Duration::days(2);
    let held_day = today(&t) - Duration::days(7);
    let later = book(
        bob.clone(),
        tuesday,
        json!({"starts_at": "09:00", "place": "Room 4, Brookfields"}),
    )
    .await;
    let soon = book(
        ann.clone(),
        sunday,
        json!({"starts_at": "14:30", "place": "https://meet.example.nhs.uk/r/1"}),
    )
    .await;
    let held = book(cat.clone(), held_day, json!({})).await;
    let (s, out) = t
        .post_json(
            &format!("/api/v1/reviews/{held}/outcome"),
            Some(&c),
            &json!({"held_on": ymd(held_day), "findings": crate::reviews::findings_ctr(), "recommendations": "r", "actions": []}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{out}");
    let follow_up = out["next_review"]["id"].as_str().unwrap().to_string();

    assert_eq!(
        t.page_login(&expert_user, &expert_pw).await,
        Status::SeeOther
    );
    let (s, home) = t.page("/").await;
    assert_eq!(s, Status::Ok);
    let home = home.replace("&#x2F;", "/"); // Tera escapes slashes in attributes
    assert!(home.contains("<h1>Your reviews</h1>"), "{home}");
    for word in ["Overdue", "overdue"] {
        assert!(
            !home.contains(word),
            "the diary says nothing of overdue: {home}"
        );
    }
    for name in ["Ann", "Bob", "Ash", "Birch", "Cole"] {
        assert!(!home.contains(name), "initials only: {name}");
    }
    // Upcoming by date: Sunday's, Tuesday's, then the follow-up months away.
    let upcoming =
        &home[home.find("id=\"upcoming\"").unwrap()..home.find("id=\"report-awaited\"").unwrap()];
    let pos = |id: &str| {
        upcoming
            .find(&format!("/reviews/{id}\""))
            .unwrap_or_else(|| panic!("{id} in {upcoming}"))
    };
    assert!(
        pos(&soon) < pos(&later) && pos(&later) < pos(&follow_up),
        "{upcoming}"
    );
    assert!(upcoming.contains("Coming up (3)"), "{upcoming}");
    let row = diary_row(&home, &soon);
    assert!(
        row.contains(&format!(
            "Sunday {} {} {}",
            sunday.day(),
            sunday.month(),
            sunday.year()
        )),
        "{row}"
    );
    assert!(
        row.contains("14:30") && row.contains("A.A.") && row.contains("Expert by experience"),
        "{row}"
    );
    assert!(
        row.contains("<a href=\"https://meet.example.nhs.uk/r/1\""),
        "a link is a link: {row}"
    );
    assert!(row.contains("Ready"), "{row}");
    let row = diary_row(&home, &later);
    assert!(
        row.contains("Tuesday")
            && row.contains("09:00")
            && row.contains("Room 4, Brookfields")
            && row.contains("B.B."),
        "{row}"
    );
    assert!(
        row.contains("Not ready"),
        "no risk assessment on file: {row}"
    );
    // Held, awaiting the report, after.
    let awaiting = &home[home.find("id=\"report-awaited\"").unwrap()..];
    assert!(
        awaiting.contains(&format!("/reviews/{held}\"")) && awaiting.contains("C.C."),
        "{awaiting}"
    );
    assert!(awaiting.contains("Held, awaiting the report (1)"));
    assert!(
        home.find(&format!("/reviews/{held}\"")).unwrap()
            > home.find(&format!("/reviews/{follow_up}\"")).unwrap()
    );

    // Their reviews page goes by date too: Ann's Sunday review is in the next 14 days.
    let (_, list) = t.page("/reviews").await;
    assert!(!list.contains("Overdue"), "{list}");
    let next14 = &list[list.find("In the next 14 days").unwrap()
        ..list.find("Held, report not yet sent").unwrap()];
    assert!(next14.contains(&format!("/reviews/{soon}\"")), "{list}");

    // For the commissioner Ann's review — due 6 days ago, booked for Sunday — is overdue, and
    // it is in the next 14 days as well: the date says when the panel meets.
    let (u, pw) = t.user_with_role("commissioner").await;
    t.page_login(&u, &pw).await;
    let (_, list) = t.page("/reviews").await;
    let overdue = &list[list.find("Overdue (").unwrap()..list.find("In the next 14 days").unwrap()];
    let next14 = &list[list.find("In the next 14 days").unwrap()
        ..list.find("Held, report not yet sent").unwrap()];
    assert!(overdue.contains(&format!("/reviews/{soon}\"")), "{list}");
    assert!(next14.contains(&format!("/reviews/{soon}\"")), "{list}");

    // The clinician and the chair each see the same reviews in their own seat.
    let (chair_user, chair_pw) = sign_in_of(&t, &p.chair.0).await;
    t.page_login(&chair_user, &chair_pw).await;
    let (_, home) = t.page("/").await;
    assert!(diary_row(&home, &soon).contains("Chair"), "{home}");
    assert!(
        !home.contains("People by rating"),
        "the chair's home is the diary"
    );

    // Withdrawn: Ann's review leaves the diary.
    let (s, w) = t
        .post_json(
            &format!("/api/v1/people/{ann}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(today(&t)), "reason": "Asked to be removed"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{w}");
    let (_, home) = t.page("/").await;
    assert!(!home.contains(&format!("/reviews/{soon}\"")), "{home}");
    assert!(home.contains(&format!("/reviews/{later}\"")));

    // The commissioner's home stays the dashboard.
    t.page_login(&u, &pw).await;
    let (_, home) = t.page("/").await;
    assert!(home.contains("Today on the register"), "{home}");
}
