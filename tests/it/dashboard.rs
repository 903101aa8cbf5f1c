//! The dashboard, the page after sign-in, for each role: a register built through the API, then
//! each role's page read through the real router.

use crate::register::{answers, nhs, own, parental, person, today, ymd};
use crate::reviews::{RED, member};
use crate::support::*;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tcr::domain::returns::{Period, ReturnKind};
use tcr::entities::audit_entry;
use time::{Date, Duration};

/// The part of the page in the section labelled by the heading `id`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("aria-labelledby=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").expect("section ends")]
}

async fn add(
    t: &TestApp,
    token: &str,
    n: u32,
    name: (&str, &str),
    born: Date,
    consent: Value,
) -> String {
    let mut body = person(&nhs(n), born, consent);
    body["given_name"] = json!(name.0);
    body["family_name"] = json!(name.1);
    let (status, p) = t.post_json("/api/v1/people", Some(token), &body).await;
    assert_eq!(status, Status::Created, "{p}");
    p["id"].as_str().unwrap().to_string()
}

async fn assess(t: &TestApp, token: &str, id: &str, on: Date, yes: &[&str]) {
    let (status, body) = t
        .post_json(
            &format!("/api/v1/people/{id}/risk-assessments"),
            Some(token),
            &json!({"assessed_on": ymd(on), "answers": answers(yes)}),
        )
        .await;
    assert_eq!(status, Status::Created, "{body}");
}

async fn schedule(t: &TestApp, token: &str, id: &str, on: Date, panel: [&str; 3]) -> String {
    let (status, r) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(token),
            &json!({"kind": "community", "scheduled_for": ymd(on), "chair_id": panel[0],
                    "expert_by_experience_id": panel[1], "clinical_expert_id": panel[2]}),
        )
        .await;
    assert_eq!(status, Status::Created, "{r}");
    r["id"].as_str().unwrap().to_string()
}

/// A user of the role who can sign in to the pages: (id, username, password).
async fn signed_up(t: &TestApp, role: &str) -> (String, String, String) {
    let (user, password) = t.user_with_role(role).await;
    let token = t.login(&user, &password).await;
    let (_, me) = t.get("/api/v1/me", Some(&token)).await;
    (me["id"].as_str().unwrap().to_string(), user, password)
}

#[rocket::async_test]
async fn each_role_sees_its_own_dashboard() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = signed_up(&t, "panel_chair").await;
    let amber_expert = signed_up(&t, "panel_member").await;
    let (gina_expert, _) = member(&t, "panel_member").await;
    let (clinician, _) = member(&t, "clinical_expert").await;
    let start = today(&t);
    let child = start - Duration::days(365 * 12);
    let adult = start - Duration::days(365 * 30);

    // Ruby: red for 20 days with no review (the red review was due 14 days after the rating).
    let ruby = add(
        &t,
        &c,
        100,
        ("Ruby", "Redfern"),
        child,
        parental(start - Duration::days(100)),
    )
    .await;
    assess(&t, &c, &ruby, start - Duration::days(20), RED).await;
    // Amber: amber, with a review in a week on a full panel.
    let amber = add(
        &t,
        &c,
        200,
        ("Amber", "Ames"),
        adult,
        own(start - Duration::days(100)),
    )
    .await;
    assess(
        &t,
        &c,
        &amber,
        start - Duration::days(20),
        &["mh_unstable", "behaviour_challenges", "admission_last_year"],
    )
    .await;
    let amber_review = schedule(
        &t,
        &c,
        &amber,
        start + Duration::days(7),
        [&chair.0, &amber_expert.0, &clinician],
    )
    .await;
    // Henry: in hospital for 30 days.
    let henry = add(
        &t,
        &c,
        300,
        ("Henry", "Hollis"),
        adult,
        own(start - Duration::days(100)),
    )
    .await;
    let (status, body) = t
        .post_json(
            &format!("/api/v1/people/{henry}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(start - Duration::days(30)), "hospital": "Fulbourn Hospital",
                    "security_level": "none", "legal_status": "section_3", "planned_discharge_on": null}),
        )
        .await;
    assert_eq!(status, Status::Created, "{body}");
    // Gina: green, reviewed today with an action due in two days.
    let gina = add(
        &t,
        &c,
        400,
        ("Gina", "Greenwood"),
        adult,
        own(start - Duration::days(100)),
    )
    .await;
    assess(&t, &c, &gina, start - Duration::days(20), &[]).await;
    let gina_review = schedule(&t, &c, &gina, start, [&chair.0, &gina_expert, &clinician]).await;
    let (status, body) = t
        .post_json(
            &format!("/api/v1/reviews/{gina_review}/outcome"),
            Some(&c),
            &json!({"held_on": ymd(start), "findings": crate::reviews::findings_ctr(), "recommendations": "Carry on",
                    "actions": [{"who": "Keyworker", "what": "Book the dentist", "when": ymd(start + Duration::days(2)), "how": "Phone"}]}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");

    // Five days on: the action is three days late, Amber's review is in two days.
    t.clock.advance(Duration::days(5));
    let now = today(&t);
    let c = t.token_for_role("commissioner").await; // the earlier session has timed out
    let period = Period::latest_ended(ReturnKind::Monthly, now).label();
    let (status, ret) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "monthly", "period": period}),
        )
        .await;
    assert_eq!(status, Status::Created, "{ret}");
    let return_id = ret["id"].as_str().unwrap();

    // The commissioner.
    let (user, password) = t.user_with_role("commissioner").await;
    t.page_login(&user, &password).await;
    let (status, home) = t.page("/").await;
    assert_eq!(status, Status::Ok);
    assert!(
        home.contains("People by rating: Red 1, Amber 1, Green 1, Blue 1"),
        "{home}"
    );
    assert!(home.contains("href=\"/people?rating=red\""));
    let glance = &home[home.find("stat-group").unwrap()..];
    let glance = &glance[..glance.find("</ul>").unwrap()];
    assert!(
        glance.contains("reviews 2, visits 0, actions 1") && glance.contains("href=\"#overdue\""),
        "{glance}"
    );
    let hospital = section(&home, "in-hospital");
    assert!(hospital.contains("Henry Hollis") && hospital.contains("Fulbourn Hospital"));
    assert!(
        hospital.contains(">35</td>"),
        "days in hospital: {hospital}"
    );
    assert!(
        hospital.contains(&format!("/people/{henry}/visit")),
        "{hospital}"
    );
    let overdue = section(&home, "overdue");
    assert!(overdue.contains("Ruby Redfern") && overdue.contains("Review after a red rating"));
    assert!(
        overdue.contains("Overdue 11 days"),
        "red review due 14 days after the rating: {overdue}"
    );
    assert!(overdue.contains(&format!("/people/{ruby}/reviews/new")));
    // Henry, an adult admitted 35 days ago: the post-admission review was due at 28 days; the
    // oversight visit (8 weeks) is not yet due.
    assert!(
        overdue.contains("Post-admission review") && overdue.contains("Overdue 7 days"),
        "{overdue}"
    );
    assert!(overdue.contains("No visit is overdue."));
    assert!(overdue.contains("Book the dentist") && overdue.contains("Overdue 3 days"));
    assert!(overdue.contains(&format!("/reviews/{gina_review}")));
    let upcoming = section(&home, "upcoming");
    assert!(upcoming.contains("Amber Ames") && upcoming.contains("Panel complete"));
    assert!(upcoming.contains(&format!("/reviews/{amber_review}")));
    assert!(
        !upcoming.contains("Gina"),
        "Gina's follow-up is months away"
    );
    let unscheduled = section(&home, "unscheduled");
    assert!(unscheduled.contains("Ruby Redfern"));
    for absent in ["Amber Ames", "Gina", "Henry"] {
        assert!(!unscheduled.contains(absent), "{absent} in {unscheduled}");
    }
    assert!(section(&home, "returns-heading").contains(&format!("/returns/{return_id}")));
    let reads = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("dashboard.read"))
        .filter(audit_entry::Column::Username.eq(user.clone()))
        .count(&t.db)
        .await
        .unwrap();
    assert!(reads >= 1, "the dashboard read is audited");

    // The analyst: figures and returns, nobody named.
    let (user, password) = t.user_with_role("analyst").await;
    t.page_login(&user, &password).await;
    let (_, home) = t.page("/").await;
    assert!(home.contains("People by rating: Red 1, Amber 1, Green 1, Blue 1"));
    assert!(home.contains(&format!("/returns/{return_id}")));
    // The headline counts, as numbers that lead nowhere.
    assert!(
        home.contains(
            r#"<span class="stat__number">1</span> <span class="stat__label">in hospital</span>"#
        ),
        "{home}"
    );
    assert!(home.contains("reviews 2, visits 0, actions 1"), "{home}");
    assert!(!home.contains("href=\"#in-hospital\""));
    for name in ["Ruby", "Amber Ames", "Henry", "Gina", "/people/"] {
        assert!(!home.contains(name), "the analyst sees {name}");
    }

    // The chair: their diary — the review they chair coming up, and Gina's follow-up months
    // away — and the one held without its report sent, by initials.
    t.page_login(&chair.1, &chair.2).await;
    let (_, home) = t.page("/").await;
    assert!(home.contains("Your reviews"));
    assert!(
        home.contains("Coming up (2)")
            && home.contains("A.A.")
            && home.contains(&format!("/reviews/{amber_review}")),
        "{home}"
    );
    assert!(home.contains("Held, awaiting the report (1)") && home.contains("G.G."));
    assert!(!home.contains("Ruby") && !home.contains("Henry") && !home.contains("Amber Ames"));

    // A panel member: Amber's review alone, the one they sit on.
    t.page_login(&amber_expert.1, &amber_expert.2).await;
    let (_, home) = t.page("/").await;
    assert!(home.contains("A.A.") && home.contains(&format!("/reviews/{amber_review}")));
    for name in ["Ruby", "Henry", "Gina", "People by rating"] {
        assert!(!home.contains(name), "the panel member sees {name}");
    }
}

#[rocket::async_test]
async fn the_admin_sees_failed_sign_ins_and_a_broken_audit_chain() {
    let t = TestApp::new().await;
    let (user, _) = t.user_with_role("commissioner").await;
    assert_eq!(
        t.page_login(&user, "not the password").await,
        Status::Unauthorized
    );
    t.page_login("admin", ADMIN_PASSWORD).await;
    let (status, home) = t.page("/").await;
    assert_eq!(status, Status::Ok);
    assert!(home.contains("Audit trail intact"), "{home}");
    assert!(home.contains("Failed sign-ins in the last 7 days"));
    assert!(
        home.contains(&format!("<td data-label=\"Username\">{user}</td>")),
        "{home}"
    );
    assert!(home.contains("href=\"/admin/users\""));
    assert!(
        !home.contains("People by rating"),
        "no register figures for the admin"
    );

    // An entry edited behind the service's back shows at once.
    audit_entry::Entity::update_many()
        .col_expr(
            audit_entry::Column::Detail,
            sea_orm::sea_query::Expr::value("{}"),
        )
        .filter(audit_entry::Column::Seq.eq(2))
        .exec(&t.db)
        .await
        .unwrap();
    let (_, home) = t.page("/").await;
    assert!(
        home.contains("The audit trail has been tampered with"),
        "{home}"
    );
    assert!(home.contains("Entry 2: the entry was changed after it was written"));
}

#[rocket::async_test]
async fn a_long_part_shows_its_first_rows_its_count_and_a_link_to_the_rest() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let start = today(&t);
    let adult = start - Duration::days(365 * 30);
    // Twelve people red for three weeks and more, none with a review: twelve red reviews overdue.
    for n in 0..12u32 {
        let family = format!("Person{n:02}");
        let id = add(
            &t,
            &c,
            500 + 10 * n,
            ("Red", &family),
            adult,
            own(start - Duration::days(100)),
        )
        .await;
        assess(&t, &c, &id, start - Duration::days(20 + i64::from(n)), RED).await;
    }
    let (user, password) = t.user_with_role("commissioner").await;
    t.page_login(&user, &password).await;
    let (_, home) = t.page("/").await;
    let home = home.replace("&#x2F;", "/"); // Tera escapes slashes in attributes
    let overdue = section(&home, "overdue");
    assert!(overdue.contains("Reviews and reports (12)"), "{overdue}");
    let reviews = &overdue[..overdue.find("<h3>Visits").unwrap()];
    assert_eq!(
        reviews.matches("Review after a red rating").count(),
        10,
        "{reviews}"
    );
    assert!(
        reviews.contains("href=\"/today/overdue-reviews\"")
            && reviews.contains("See all 12 overdue reviews and reports"),
        "{reviews}"
    );
    // The longest overdue first: rated 31 days ago.
    assert!(reviews.find("Person11").unwrap() < reviews.find("Person05").unwrap());
    assert!(!reviews.contains("Person01"), "beyond the first ten");
    let unscheduled = section(&home, "unscheduled");
    assert!(unscheduled.contains("(12)") && unscheduled.contains("/today/unscheduled"));
    assert!(
        !section(&home, "in-hospital").contains("See all"),
        "nothing more to see"
    );

    // The link lists them all, with the same count.
    let (status, all) = t.page("/today/overdue-reviews").await;
    assert_eq!(status, Status::Ok);
    assert!(all.contains("Overdue reviews and reports (12)"), "{all}");
    assert_eq!(all.matches("Review after a red rating").count(), 12);
    assert!(all.contains("Person01") && all.contains("12 in all"));
    let (status, page) = t.page("/today/unscheduled").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(page.matches("Schedule a review<span").count(), 12, "{page}");
    assert_eq!(t.page("/today/nowhere").await.0, Status::NotFound);
    assert_eq!(
        t.page("/today/unscheduled?page=none").await.0,
        Status::UnprocessableEntity
    );
    let reads = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("dashboard.read"))
        .filter(audit_entry::Column::Detail.contains("overdue-reviews"))
        .count(&t.db)
        .await
        .unwrap();
    assert_eq!(reads, 1, "the full list's read is audited");

    // The analyst has the numbers and nobody named, here as on the dashboard.
    let (user, password) = t.user_with_role("analyst").await;
    t.page_login(&user, &password).await;
    let (_, home) = t.page("/").await;
    assert!(home.contains("reviews 12, visits 0, actions 0"), "{home}");
    assert!(!home.contains("Person0"));
    assert_eq!(t.page("/today/overdue-reviews").await.0, Status::Forbidden);
}
