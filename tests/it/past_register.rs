//! The register as at a past day, paged in SQL over each entry's timeline: the same people as
//! the deadline engine finds from the dated facts on every day around every fact, for every
//! filter; the stored timeline equal to the facts (and shown wrong when it is not); `reindex`
//! rebuilding it.

use crate::register::{answers, nhs, own, parental, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use time::{Date, Duration};

fn ago(t: &TestApp, days: i64) -> Date {
    today(t) - Duration::days(days)
}

async fn ok(t: &TestApp, c: &str, path: &str, body: Value) -> Value {
    let (s, v) = t.post_json(path, Some(c), &body).await;
    assert!(s == Status::Ok || s == Status::Created, "{path}: {s} {v}");
    v
}

/// Eight entries whose answers change over the last four months: registered on different
/// days, rated and re-rated, admitted and discharged, closed, renamed and moved, withdrawn.
/// Returns the days on which something happened.
async fn histories(t: &TestApp, c: &str) -> Vec<Date> {
    let mut days = Vec::new();
    for i in 0..8u32 {
        let child = i % 2 == 0;
        let born = if child {
            ago(t, 365 * 12 + 40 * i64::from(i))
        } else {
            ago(t, 365 * 30)
        };
        let registered = ago(t, 120 - 10 * i64::from(i));
        let consent = if child {
            parental(registered)
        } else {
            own(registered)
        };
        let mut body = person(&nhs(700 + i), born, consent);
        body["given_name"] =
            json!(["Ada", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal"][i as usize]);
        body["family_name"] = json!(
            [
                "Moss", "Nunn", "Oakes", "Pike", "Quill", "Reed", "Shaw", "Tate"
            ][i as usize]
        );
        body["local_authority"] = json!(if i % 3 == 0 {
            "Norfolk"
        } else {
            "Peterborough"
        });
        body["registered_on"] = json!(ymd(registered));
        let p = ok(t, c, "/api/v1/people", body).await;
        let id = p["id"].as_str().unwrap().to_string();
        days.push(registered);
        let rated = registered + Duration::days(3);
        let red = [
            "mh_unstable",
            "behaviour_challenges",
            "harm_to_self_or_others",
            "admission_last_year",
            "placement_breakdown",
            "criminal_justice",
        ];
        let yes: &[&str] = if i % 2 == 0 { &red } else { &["mh_unstable"] };
        ok(
            t,
            c,
            &format!("/api/v1/people/{id}/risk-assessments"),
            json!({"assessed_on": ymd(rated), "answers": answers(yes)}),
        )
        .await;
        days.push(rated);
        if i % 4 == 1 {
            let (admitted, discharged) = (rated + Duration::days(10), rated + Duration::days(30));
            let a = ok(t, c, &format!("/api/v1/people/{id}/admissions"),
                json!({"admitted_on": ymd(admitted), "hospital": "Cavell Centre", "security_level": "medium",
                       "legal_status": "section_3", "planned_discharge_on": null})).await;
            ok(
                t,
                c,
                &format!("/api/v1/admissions/{}/discharge", a["id"].as_str().unwrap()),
                json!({"discharged_on": ymd(discharged), "destination": "home"}),
            )
            .await;
            let after = discharged + Duration::days(20);
            ok(
                t,
                c,
                &format!("/api/v1/people/{id}/risk-assessments"),
                json!({"assessed_on": ymd(after), "answers": answers(&[])}),
            )
            .await;
            days.extend([admitted, discharged, after]);
        }
        if i == 3 {
            let a = ok(t, c, &format!("/api/v1/people/{id}/admissions"),
                json!({"admitted_on": ymd(ago(t, 15)), "hospital": "Cavell Centre", "security_level": "low",
                       "legal_status": "section_2", "planned_discharge_on": null})).await;
            assert!(a["id"].is_string());
            days.push(ago(t, 15));
        }
        if i == 4 {
            ok(
                t,
                c,
                &format!("/api/v1/people/{id}/close"),
                json!({"closed_on": ymd(ago(t, 20)), "reason": "Moved away"}),
            )
            .await;
            days.push(ago(t, 20));
        }
        if i == 5 {
            let (s, v) = t
                .patch_json(
                    &format!("/api/v1/people/{id}"),
                    Some(c),
                    &json!({"family_name": "Rowe", "local_authority": "Norfolk"}),
                )
                .await;
            assert_eq!(s, Status::Ok, "{v}");
        }
        if i == 6 {
            ok(
                t,
                c,
                &format!("/api/v1/people/{id}/consent/withdraw"),
                json!({"withdrawn_on": ymd(ago(t, 5)), "reason": "Asked to leave"}),
            )
            .await;
        }
    }
    days.push(today(t));
    days
}

async fn ids(t: &TestApp, c: &str, query: &str) -> (BTreeSet<String>, u64) {
    let (s, v) = t
        .get(&format!("/api/v1/people?per_page=500&{query}"), Some(c))
        .await;
    assert_eq!(s, Status::Ok, "{query}: {v}");
    let items = v["items"].as_array().unwrap();
    let set = items
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    (set, v["total"].as_u64().unwrap())
}

#[rocket::async_test]
async fn past_days_from_the_timeline_agree_with_the_engine_for_every_filter() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let facts = histories(&t, &c).await;
    let mut days: BTreeSet<Date> = BTreeSet::new();
    for d in facts {
        days.extend([d - Duration::days(1), d, d + Duration::days(1)]);
    }
    let filters = [
        "",
        "rating=red",
        "rating=amber",
        "rating=green",
        "rating=blue",
        "status=closed",
        "q=oak",
        "q=rowe",
        "q=reed",
        "local_authority=Norfolk",
        "age_band=0-17",
    ];
    let mut seen = 0;
    for day in days.iter().filter(|d| **d < today(&t)) {
        for f in filters {
            let q = format!("as_of={}&{f}", ymd(*day));
            // By rating: the timeline in SQL. By next review due: the engine over each person.
            let (sql, sql_total) = ids(&t, &c, &format!("{q}&sort=rating")).await;
            let (engine, engine_total) = ids(&t, &c, &format!("{q}&sort=next_review_due")).await;
            assert_eq!(sql, engine, "{q}");
            assert_eq!(sql_total, engine_total, "{q}");
            seen += sql.len();
        }
    }
    assert!(
        seen > 300,
        "the histories give the lists something to find ({seen})"
    );
    // One day in detail: the renamed entry is found by its old name before the edit only.
    let before = ymd(ago(&t, 1));
    assert_eq!(ids(&t, &c, &format!("as_of={before}&q=reed")).await.1, 1);
    assert_eq!(ids(&t, &c, &format!("as_of={before}&q=rowe")).await.1, 0);
    assert_eq!(ids(&t, &c, "q=rowe").await.1, 1);
    // The withdrawn entry is on no past day's list.
    assert_eq!(
        ids(&t, &c, &format!("as_of={}&q=shaw", ymd(ago(&t, 30))))
            .await
            .1,
        0
    );
}

#[rocket::async_test]
async fn the_timeline_equals_the_facts_and_reindex_rebuilds_it() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    histories(&t, &c).await;
    let schedule = &t.app.policies.schedule;
    let range = (ago(&t, 130), today(&t) + Duration::days(2));
    let wrong = tcr::services::people::projection::verify(&t.db, schedule, range)
        .await
        .unwrap();
    assert!(wrong.is_empty(), "{wrong:?}");
    let kept = tcr::entities::person_timeline::Entity::find()
        .all(&t.db)
        .await
        .unwrap();
    assert!(kept.len() >= 14, "stretches written ({})", kept.len());
    // The check can fail: with one entry's stretches gone, it names that entry.
    let one = kept[0].person_id.clone();
    tcr::entities::person_timeline::Entity::delete_many()
        .filter(tcr::entities::person_timeline::Column::PersonId.eq(one.as_str()))
        .exec(&t.db)
        .await
        .unwrap();
    let wrong = tcr::services::people::projection::verify(&t.db, schedule, range)
        .await
        .unwrap();
    assert_eq!(wrong.len(), 1, "{wrong:?}");
    assert!(wrong[0].starts_with(one.as_str()));
    tcr::entities::person_timeline::Entity::delete_many()
        .exec(&t.db)
        .await
        .unwrap();
    tcr::entities::person_due::Entity::delete_many()
        .exec(&t.db)
        .await
        .unwrap();
    let done = tcr::services::people::projection::rebuild_all(&t.db, schedule, today(&t))
        .await
        .unwrap();
    assert_eq!(
        done, 7,
        "every entry on the register (the withdrawn one loses its rows)"
    );
    let mut rebuilt = tcr::entities::person_timeline::Entity::find()
        .all(&t.db)
        .await
        .unwrap();
    let mut kept = kept;
    let key = |s: &tcr::entities::person_timeline::Model| (s.person_id.clone(), s.from_day);
    kept.sort_by_key(key);
    rebuilt.sort_by_key(key);
    assert_eq!(kept, rebuilt);
    assert_eq!(
        tcr::entities::person_due::Entity::find()
            .all(&t.db)
            .await
            .unwrap()
            .len(),
        7,
        "today's projection for everyone not withdrawn"
    );
    let wrong = tcr::services::people::projection::verify(&t.db, schedule, range)
        .await
        .unwrap();
    assert!(wrong.is_empty(), "{wrong:?}");
}
