//! Finding people: the register's search (case, accents, any part, any order, NHS number with
//! spaces), its filters (local authority, setting, age band, overdue) and sorts, paged in SQL
//! over the projection; the projection's agreement with the deadline engine after every kind of
//! write and after days pass; the audit trail by NHS number and in sentences.

use crate::register::{answers, nhs, own, parental, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use time::{Date, Duration};

struct Who {
    given: &'static str,
    family: &'static str,
    la: &'static str,
    setting: &'static str,
}

const PEOPLE: &[Who] = &[
    Who {
        given: "Alfie",
        family: "Dunmore",
        la: "Peterborough",
        setting: "family_home",
    },
    Who {
        given: "Seán",
        family: "Ó Briain",
        la: "Cambridgeshire",
        setting: "residential_school",
    },
    Who {
        given: "Marie",
        family: "Lefèvre",
        la: "Peterborough",
        setting: "supported_living",
    },
    Who {
        given: "Zofia",
        family: "Kowalczyk-Łukasiewicz",
        la: "Norfolk",
        setting: "family_home",
    },
    Who {
        given: "Ben",
        family: "O'Neill",
        la: "Cambridgeshire",
        setting: "residential_care",
    },
];

/// Adds someone born on `born` (a child with parental consent, an adult with their own).
async fn add_one(t: &TestApp, c: &str, n: u32, w: &Who, born: Date) -> (String, String) {
    let consent = if born > today(t) - Duration::days(365 * 16) {
        parental(today(t) - Duration::days(60))
    } else {
        own(today(t) - Duration::days(60))
    };
    let mut body = person(&nhs(n), born, consent);
    body["given_name"] = json!(w.given);
    body["family_name"] = json!(w.family);
    body["local_authority"] = json!(w.la);
    body["setting"] = json!(w.setting);
    let (s, p) = t.post_json("/api/v1/people", Some(c), &body).await;
    assert_eq!(s, Status::Created, "{p}");
    (
        p["id"].as_str().unwrap().to_string(),
        p["nhs_number"].as_str().unwrap().to_string(),
    )
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["family_name"].as_str().unwrap().to_string())
        .collect()
}

async fn found(t: &TestApp, c: &str, query: &str) -> Vec<String> {
    let (s, list) = t.get(&format!("/api/v1/people?{query}"), Some(c)).await;
    assert_eq!(s, Status::Ok, "{query}: {list}");
    names(&list)
}

/// Everyone, born between 10 and 50 years ago.
async fn register(t: &TestApp, c: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, w) in PEOPLE.iter().enumerate() {
        let born = today(t) - Duration::days(365 * (10 + 10 * i as i64));
        out.push(add_one(t, c, 100 + 10 * i as u32, w, born).await);
    }
    out
}

#[rocket::async_test]
async fn search_ignores_case_accents_and_order_and_finds_words_by_their_start() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let ids = register(&t, &c).await;
    let q = |s: &str| format!("q={}", tcr::web::query_value(s));
    for (query, want) in [
        ("Dunmore, Alfie", vec!["Dunmore"]),
        ("alfie dun", vec!["Dunmore"]),
        ("DUNMORE", vec!["Dunmore"]),
        ("sean", vec!["Ó Briain"]),
        ("o briain", vec!["Ó Briain"]),
        ("lefevre", vec!["Lefèvre"]),
        ("LEFÈVRE marie", vec!["Lefèvre"]),
        ("lukasiewicz", vec!["Kowalczyk-Łukasiewicz"]),
        ("kowalczyk zofia", vec!["Kowalczyk-Łukasiewicz"]),
        ("oneill", vec!["O'Neill"]),
        ("o'neill", vec!["O'Neill"]),
        ("alfie smith", vec![]),
        // Each typed word starts a word of the names: "dun" and "luk" do, "unmore" does not.
        ("dun", vec!["Dunmore"]),
        ("luk zof", vec!["Kowalczyk-Łukasiewicz"]),
        ("unmore", vec![]),
        ("siewicz", vec![]),
        // Wildcards typed are letters to find, not patterns that match everyone.
        ("%", vec![]),
        ("_", vec![]),
        ("dun%", vec!["Dunmore"]),
        ("alf_dun", vec!["Dunmore"]),
    ] {
        let got = found(&t, &c, &q(query)).await;
        if query.chars().all(|ch| !ch.is_alphanumeric()) {
            // Nothing to search for: the whole register (the search is ignored).
            assert_eq!(got.len(), PEOPLE.len(), "{query}");
        } else {
            assert_eq!(got, want, "{query}");
        }
    }
    // An NHS number with spaces, without, or its start; not its middle or end.
    let nhs_spaced = &ids[2].1;
    for query in [
        nhs_spaced.clone(),
        nhs_spaced.replace(' ', ""),
        nhs_spaced[..nhs_spaced.len() - 1].to_string(),
    ] {
        assert_eq!(found(&t, &c, &q(&query)).await, vec!["Lefèvre"], "{query}");
    }
    assert!(found(&t, &c, &q(&nhs_spaced[4..])).await.is_empty());
    // The page finds the same, and keeps what was typed.
    let (user, password) = t.user_with_role("commissioner").await;
    t.page_login(&user, &password).await;
    let (s, page) = t.page("/people?q=lefevre").await;
    assert_eq!(s, Status::Ok);
    assert!(page.contains("Lefèvre, Marie"), "{page}");
    assert!(!page.contains("Dunmore, Alfie"));
    assert!(page.contains(r#"value="lefevre""#));
    // A search longer than 100 characters is refused, naming the field.
    let (s, b) = t
        .get(&format!("/api/v1/people?q={}", "a".repeat(101)), Some(&c))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
}

#[rocket::async_test]
async fn filters_and_sorts_in_sql_with_age_band_boundaries() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let day = today(&t);
    let born_years_ago = |y: i32, extra: i64| {
        day.replace_year(day.year() - y).unwrap_or(day) - Duration::days(extra)
    };
    // Turns 18 today (18–25), turns 18 tomorrow (0–17), turns 26 today (26+), 25 (18–25).
    let ages = [(18, 0), (18, -1), (26, 0), (25, 0), (40, 3)];
    let mut ids = Vec::new();
    for (i, (w, (y, extra))) in PEOPLE.iter().zip(ages).enumerate() {
        ids.push(
            add_one(&t, &c, 400 + 10 * i as u32, w, born_years_ago(y, extra))
                .await
                .0,
        );
    }
    assert_eq!(found(&t, &c, "age_band=0-17").await, vec!["Ó Briain"]);
    assert_eq!(
        found(&t, &c, "age_band=18-25&sort=name").await,
        vec!["Dunmore", "Kowalczyk-Łukasiewicz"]
    );
    assert_eq!(
        found(&t, &c, "age_band=26%2B&sort=name").await,
        vec!["Lefèvre", "O'Neill"]
    );
    assert_eq!(
        found(&t, &c, "local_authority=Peterborough&sort=-name").await,
        vec!["Lefèvre", "Dunmore"]
    );
    assert_eq!(
        found(&t, &c, "local_authority=peterborough").await,
        Vec::<String>::new()
    );
    assert_eq!(
        found(&t, &c, "setting=family_home&sort=name").await,
        vec!["Dunmore", "Kowalczyk-Łukasiewicz"]
    );
    assert_eq!(
        found(&t, &c, "sort=name").await,
        vec![
            "Dunmore",
            "Kowalczyk-Łukasiewicz",
            "Lefèvre",
            "Ó Briain",
            "O'Neill"
        ],
        "accents and apostrophes do not decide the order"
    );

    // Rating and hospital: Lefèvre red, O'Neill admitted 30 days ago, Dunmore 5 days ago.
    let c2 = &c;
    let rated = day - Duration::days(20);
    let red = [
        "mh_unstable",
        "behaviour_challenges",
        "harm_to_self_or_others",
        "admission_last_year",
        "placement_breakdown",
        "criminal_justice",
    ];
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{}/risk-assessments", ids[2]),
            Some(c2),
            &json!({"assessed_on": ymd(rated), "answers": answers(&red)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{b}");
    for (i, days) in [(4usize, 30i64), (0, 5)] {
        let (s, b) = t
            .post_json(
                &format!("/api/v1/people/{}/admissions", ids[i]),
                Some(c2),
                &json!({"admitted_on": ymd(day - Duration::days(days)), "hospital": "Cavell Centre", "security_level": "low", "legal_status": "section_3", "planned_discharge_on": null}),
            )
            .await;
        assert_eq!(s, Status::Created, "{b}");
    }
    assert_eq!(
        found(&t, &c, "sort=-days_in_hospital").await[..2],
        ["O'Neill".to_string(), "Dunmore".to_string()]
    );
    assert_eq!(
        found(&t, &c, "sort=days_in_hospital").await[..2],
        ["Dunmore".to_string(), "O'Neill".to_string()]
    );
    // Red first, then blue (in hospital), then the unrated by name.
    assert_eq!(
        found(&t, &c, "sort=rating").await,
        vec![
            "Lefèvre",
            "Dunmore",
            "O'Neill",
            "Kowalczyk-Łukasiewicz",
            "Ó Briain"
        ]
    );
    assert_eq!(
        found(&t, &c, "rating=blue&sort=name").await,
        vec!["Dunmore", "O'Neill"]
    );

    // Overdue: the red review was due 14 days after the rating, 6 days ago; the admissions'
    // post-admission reviews are owed. Whatever the list says, each row's own overdue words
    // agree with the filter.
    let (_, all) = t.get("/api/v1/people?per_page=100", Some(&c)).await;
    let overdue_names: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["overdue"].as_array().unwrap().is_empty())
        .map(|p| p["family_name"].as_str().unwrap().to_string())
        .collect();
    assert!(overdue_names.contains(&"Lefèvre".to_string()), "{all}");
    let mut filtered = found(&t, &c, "overdue=true").await;
    let mut expected = overdue_names.clone();
    filtered.sort();
    expected.sort();
    assert_eq!(filtered, expected);
    // Next review due: soonest first, people with none last.
    let (_, by_due) = t.get("/api/v1/people?sort=next_review_due", Some(&c)).await;
    let dues: Vec<Option<String>> = by_due["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["next_review_due"].as_str().map(String::from))
        .collect();
    let mut sorted = dues.clone();
    sorted.sort_by(|a, b| a.is_none().cmp(&b.is_none()).then(a.cmp(b)));
    assert_eq!(dues, sorted);
    assert!(dues[0].is_some());

    // Bad values are refused, each naming its field; nothing else is read.
    for (query, field) in [
        ("age_band=adult", "age_band"),
        ("setting=castle", "setting"),
        ("sort=age", "sort"),
        ("sort=--name", "sort"),
        ("overdue=maybe", "overdue"),
    ] {
        let (s, b) = t.get(&format!("/api/v1/people?{query}"), Some(&c)).await;
        assert_eq!(s, Status::UnprocessableEntity, "{query}: {b}");
        assert!(b.to_string().contains(field), "{query}: {b}");
    }

    // Paging keeps the filters; the page shows the Overdue tag and the choices.
    let (_, paged) = t
        .get("/api/v1/people?sort=name&per_page=2&page=2", Some(&c))
        .await;
    assert_eq!(names(&paged), vec!["Lefèvre", "Ó Briain"]);
    assert_eq!(paged["total"], 5);
    let (user, password) = t.user_with_role("commissioner").await;
    t.page_login(&user, &password).await;
    let (s, page) = t
        .page("/people?sort=name&local_authority=Cambridgeshire&overdue=true")
        .await;
    assert_eq!(s, Status::Ok);
    assert!(
        page.contains(r#"<option value="Norfolk">"#),
        "the local authorities present are offered"
    );
    assert!(page.contains(r#"id="overdue" name="overdue" type="checkbox" value="true" checked"#));
    let (_, page) = t.page("/people?per_page=1").await;
    assert!(
        page.contains(">Overdue<"),
        "an Overdue tag on the rows: {page}"
    );
    assert!(page.contains("Family home"), "settings in words");
    assert!(!page.contains("family_home<"), "no codes in words");
    let (s, page) = t.page("/people?setting=castle&q=keep+me").await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(page.contains("error-summary"));
    assert!(
        page.contains(r#"value="keep me""#),
        "what was typed is kept"
    );
}

/// Migration 000022 fills the word index from the search keys already stored.
#[rocket::async_test]
async fn the_word_index_is_filled_for_entries_already_on_file() {
    use migration::MigratorTrait;
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    register(&t, &c).await;
    migrate_down_to_before(&t.db, "000022_search_words").await;
    migration::Migrator::up(&t.db, None).await.unwrap();
    assert_eq!(
        found(&t, &c, "q=luk+zof").await,
        vec!["Kowalczyk-Łukasiewicz"]
    );
    assert_eq!(found(&t, &c, "q=marie").await, vec!["Lefèvre"]);
    assert!(found(&t, &c, "q=arie").await.is_empty());
}

/// A person's projection row as the database holds it.
async fn projection(t: &TestApp, id: &str) -> Option<tcr::entities::person_due::Model> {
    tcr::entities::person_due::Entity::find_by_id(tcr::domain::ids::PersonId::from_text(id))
        .one(&t.db)
        .await
        .unwrap()
}

/// The projection equals what the person's own view (the engine) says today.
async fn agrees(t: &TestApp, c: &str, id: &str, after: &str) {
    let (_, p) = t.get(&format!("/api/v1/people/{id}"), Some(c)).await;
    let row = projection(t, id)
        .await
        .unwrap_or_else(|| panic!("{after}: no row"));
    assert_eq!(row.computed_for, today(t), "{after}");
    assert_eq!(
        row.next_review_due.map(|d| d.to_string()),
        p["next_review_due"].as_str().map(String::from),
        "{after}: next review due"
    );
    assert_eq!(
        row.earliest_due.is_some_and(|d| d < today(t)),
        !p["overdue"].as_array().unwrap().is_empty(),
        "{after}: overdue {p}"
    );
    assert_eq!(
        row.rating.map(|r| r.as_str()),
        p["rating"].as_str(),
        "{after}: rating"
    );
    assert_eq!(
        row.in_hospital_since.is_some(),
        p["in_hospital"] == true,
        "{after}"
    );
    // The word index holds the key's words, and only those.
    let mut words: Vec<String> = tcr::entities::person_due_word::Entity::find()
        .filter(tcr::entities::person_due_word::Column::PersonId.eq(id))
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.word)
        .collect();
    words.sort();
    assert_eq!(
        words,
        tcr::domain::search::words(&row.search_key),
        "{after}: words"
    );
}

#[rocket::async_test]
async fn every_kind_of_write_refreshes_the_projection() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let (chair_id, chair) = crate::reviews::member(&t, "panel_chair").await;
    let (expert_id, _) = crate::reviews::member(&t, "panel_member").await;
    let (clinician_id, _) = crate::reviews::member(&t, "clinical_expert").await;
    let w = &PEOPLE[0];
    let (id, _) = add_one(&t, &c, 90, w, today(&t) - Duration::days(365 * 15)).await;
    agrees(&t, &c, &id, "create").await;
    let red = [
        "mh_unstable",
        "behaviour_challenges",
        "harm_to_self_or_others",
        "admission_last_year",
        "placement_breakdown",
        "criminal_justice",
    ];
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/risk-assessments"),
            Some(&c),
            &json!({"assessed_on": ymd(today(&t) - Duration::days(20)), "answers": answers(&red)}),
        )
        .await;
    assert_eq!(s, Status::Created);
    agrees(&t, &c, &id, "risk assessment").await;
    assert_eq!(
        projection(&t, &id)
            .await
            .unwrap()
            .rating
            .map(|r| r.as_str()),
        Some("red")
    );
    let (s, p) = t
        .patch_json(
            &format!("/api/v1/people/{id}"),
            Some(&c),
            &json!({"family_name": "Lefèvre"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{p}");
    assert_eq!(
        found(&t, &c, "q=lefevre").await,
        vec!["Lefèvre"],
        "the search key follows an edit"
    );
    assert!(found(&t, &c, "q=dunmore").await.is_empty());
    let day = today(&t) - Duration::days(1);
    let (s, review) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&chair),
            &json!({"kind": "community", "scheduled_for": ymd(day), "chair_id": chair_id, "expert_by_experience_id": expert_id, "clinical_expert_id": clinician_id}),
        )
        .await;
    assert_eq!(s, Status::Created, "{review}");
    agrees(&t, &c, &id, "review booked").await;
    let review_id = review["id"].as_str().unwrap();
    let outcome = json!({"held_on": ymd(day), "findings": crate::reviews::findings(), "recommendations": "More support",
        "actions": [{"who": "Dr Shah (GP)", "what": "Annual health check", "when": ymd(today(&t) - Duration::days(1)), "how": "Book at surgery"}]});
    let (s, b) = t
        .post_json(
            &format!("/api/v1/reviews/{review_id}/outcome"),
            Some(&chair),
            &outcome,
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    agrees(&t, &c, &id, "review held").await;
    assert!(
        found(&t, &c, "overdue=true")
            .await
            .contains(&"Lefèvre".to_string())
    );
    let (_, actions) = t.get("/api/v1/actions", Some(&c)).await;
    let action_id = actions["items"][0]["id"].as_str().unwrap();
    let (s, b) = t
        .patch_json(
            &format!("/api/v1/actions/{action_id}"),
            Some(&c),
            &json!({"status": "done", "completed_on": ymd(today(&t))}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    agrees(&t, &c, &id, "action done").await;
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(today(&t)), "hospital": "Cavell Centre", "security_level": "low", "legal_status": "section_3", "planned_discharge_on": null}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    agrees(&t, &c, &id, "admission").await;
    assert_eq!(
        projection(&t, &id).await.unwrap().in_hospital_since,
        Some(today(&t))
    );
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/close"),
            Some(&c),
            &json!({"closed_on": ymd(today(&t)), "reason": "Moved away"}),
        )
        .await;
    assert!(s == Status::Ok || s == Status::Conflict, "{b}");
    if s == Status::Ok {
        agrees(&t, &c, &id, "closed").await;
    }
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(today(&t)), "reason": "Asked"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    assert!(
        projection(&t, &id).await.is_none(),
        "withdrawn means gone, from the projection too"
    );
}

#[rocket::async_test]
async fn days_passing_are_caught_up_before_a_list_reads() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let (id, _) = add_one(&t, &c, 95, &PEOPLE[1], today(&t) - Duration::days(365 * 30)).await;
    let red = [
        "mh_unstable",
        "behaviour_challenges",
        "harm_to_self_or_others",
        "admission_last_year",
        "placement_breakdown",
        "criminal_justice",
    ];
    t.post_json(
        &format!("/api/v1/people/{id}/risk-assessments"),
        Some(&c),
        &json!({"assessed_on": ymd(today(&t)), "answers": answers(&red)}),
    )
    .await;
    // Due in 14 days: not overdue today; overdue once 15 days have passed, with no write.
    assert!(found(&t, &c, "overdue=true").await.is_empty());
    t.clock.advance(Duration::days(15));
    let c = t.token_for_role("commissioner").await;
    assert_eq!(found(&t, &c, "overdue=true").await, vec!["Ó Briain"]);
    agrees(&t, &c, &id, "15 days later").await;
    // The catch-up's own entry point finds nothing left to do.
    let done = tcr::services::people::projection::refresh_stale(
        &t.db,
        &t.app.policies.schedule,
        today(&t),
        10,
        100,
    )
    .await
    .unwrap();
    assert_eq!(done, 0);
}

#[rocket::async_test]
async fn the_projection_equals_the_engine_for_generated_people() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let mut ids = Vec::new();
    for i in 0..12u32 {
        let w = &PEOPLE[(i % 5) as usize];
        let born = today(&t) - Duration::days(365 * (8 + 3 * i64::from(i)) + i64::from(i) * 17);
        let (id, _) = add_one(&t, &c, 200 + 10 * i, w, born).await;
        let yes: &[&str] = match i % 3 {
            0 => &[
                "mh_unstable",
                "behaviour_challenges",
                "harm_to_self_or_others",
                "admission_last_year",
                "placement_breakdown",
                "criminal_justice",
            ],
            1 => &["mh_unstable"],
            _ => &[],
        };
        if i % 4 != 3 {
            t.post_json(
                &format!("/api/v1/people/{id}/risk-assessments"),
                Some(&c),
                &json!({"assessed_on": ymd(today(&t) - Duration::days(i64::from(i) * 3)), "answers": answers(yes)}),
            )
            .await;
        }
        if i % 5 == 2 {
            t.post_json(
                &format!("/api/v1/people/{id}/admissions"),
                Some(&c),
                &json!({"admitted_on": ymd(today(&t) - Duration::days(i64::from(i))), "hospital": "Cavell Centre", "security_level": "medium", "legal_status": "section_3", "planned_discharge_on": null}),
            )
            .await;
        }
        ids.push(id);
    }
    // Rebuilt from scratch by the catch-up, the projection is the same as the one kept by writes.
    let kept: Vec<_> = tcr::entities::person_due::Entity::find()
        .all(&t.db)
        .await
        .unwrap();
    tcr::entities::person_due::Entity::delete_many()
        .exec(&t.db)
        .await
        .unwrap();
    let done = tcr::services::people::projection::refresh_stale(
        &t.db,
        &t.app.policies.schedule,
        today(&t),
        5,
        1000,
    )
    .await
    .unwrap();
    assert_eq!(done, 12);
    let mut rebuilt: Vec<_> = tcr::entities::person_due::Entity::find()
        .all(&t.db)
        .await
        .unwrap();
    let mut kept = kept;
    kept.sort_by(|a, b| a.person_id.cmp(&b.person_id));
    rebuilt.sort_by(|a, b| a.person_id.cmp(&b.person_id));
    assert_eq!(kept, rebuilt);
    for id in &ids {
        agrees(&t, &c, id, "generated").await;
    }
}

#[rocket::async_test]
async fn the_audit_trail_by_nhs_number_and_in_sentences() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let ids = register(&t, &c).await;
    let admin = t.admin_token().await;
    let (lefevre, number) = (&ids[2].0, &ids[2].1);
    t.get(&format!("/api/v1/people/{lefevre}"), Some(&c)).await;
    for spelled in [
        number.clone(),
        number.replace(' ', ""),
        number.replace(' ', "-"),
    ] {
        let (s, trail) = t
            .get(
                &format!(
                    "/api/v1/audit?nhs_number={}",
                    tcr::web::query_value(&spelled)
                ),
                Some(&admin),
            )
            .await;
        assert_eq!(s, Status::Ok, "{trail}");
        let items = trail["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "created and read: {trail}");
        assert!(items.iter().all(|e| e["person_id"] == lefevre.as_str()));
    }
    let (s, b) = t.get("/api/v1/audit?nhs_number=123", Some(&admin)).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(b.to_string().contains("nhs_number"), "{b}");

    t.page_login("admin", ADMIN_PASSWORD).await;
    let (s, page) = t
        .page(&format!(
            "/admin/audit?nhs_number={}",
            tcr::web::query_value(number)
        ))
        .await;
    assert_eq!(s, Status::Ok);
    assert!(page.contains("looked at the record of M. Lef"), "{page}");
    assert!(page.contains("added M. Lef"), "{page}");
    assert!(!page.contains("Dunmore"), "{page}");
    let (_, page) = t.page("/admin/audit").await;
    assert!(
        page.contains("Administrator") || page.contains("signed in"),
        "{page}"
    );
    assert!(page.contains(" signed in on "), "{page}");
    // No raw codes or ISO times in the visible words.
    let visible: String = page
        .split('<')
        .filter_map(|part| part.split_once('>').map(|(_, text)| text))
        .collect();
    assert!(!visible.contains("login.ok"), "{visible}");
    assert!(!visible.contains("person.create"), "{visible}");
    assert!(
        !visible.contains("T0") && !visible.contains("T1") && !visible.contains("T2"),
        "{visible}"
    );
    let (s, page) = t.page("/admin/audit?nhs_number=12").await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(page.contains("valid 10-digit NHS number"));
    assert!(page.contains(r#"value="12""#), "what was typed is kept");
}

#[rocket::async_test]
async fn the_api_document_describes_the_new_parameters() {
    let t = TestApp::new().await;
    let (_, doc) = t.get("/api/v1/openapi.json", None).await;
    let names = |path: &str| -> Vec<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    let people = names("/api/v1/people");
    for n in [
        "q",
        "local_authority",
        "setting",
        "age_band",
        "overdue",
        "sort",
        "rating",
        "status",
        "as_of",
    ] {
        assert!(people.contains(&n.to_string()), "{n}: {people:?}");
    }
    assert!(names("/api/v1/audit").contains(&"nhs_number".to_string()));
    assert!(names("/api/v1/actions").contains(&"who".to_string()));
    assert!(names("/api/v1/actions/owners").contains(&"q".to_string()));
    let sort = doc["paths"]["/api/v1/people"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "sort")
        .unwrap();
    assert!(
        sort["schema"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("-days_in_hospital"))
    );
}

/// `tcr refresh-due` brings every stale row up to date, and says how many.
#[test]
fn the_refresh_due_command_catches_up() {
    let db = crate::cli::temp_db();
    let out = crate::cli::tcr(&db).args(["refresh-due"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Refreshed 0 register entries for today."
    );
}
