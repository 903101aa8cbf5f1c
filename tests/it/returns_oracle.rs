//! The streamed return (a batch of people at a time, compact rows) against the first way of
//! working one out (the whole history loaded as models, `returns::reference`): on a varied
//! register they must give the same figures, rows and changes, whatever the batch size.

use crate::register::{nhs, own, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use tcr::domain::returns::{Period, ReturnKind};
use tcr::entities::{admission, person as person_entity};
use tcr::services::returns;
use time::Duration;

/// The last `n` months and `n` weeks that have ended.
fn periods(t: &TestApp, n: usize) -> Vec<Period> {
    let mut out = Vec::new();
    for kind in [ReturnKind::Monthly, ReturnKind::Weekly] {
        let mut p = Period::latest_ended(kind, today(t));
        for _ in 0..n {
            out.push(p);
            p = p.previous();
        }
    }
    out
}

/// A synthetic register (ratings, stays, visits, reviews and their actions, referrals,
/// closures, withdrawals), with edits on top through the API: details and a social worker
/// changed after the periods, a stay's security stepped down, someone withdrawn, someone
/// closed, and a child in hospital turning 18 during last month.
async fn varied_register(t: &TestApp) {
    let c = t.token_for_role("commissioner").await;
    tcr::bench::seed_synthetic(&t.db, 240, today(t), 15)
        .await
        .expect("seed");
    let people = person_entity::Entity::find()
        .filter(person_entity::Column::Status.eq("active"))
        .order_by_asc(person_entity::Column::Id)
        .all(&t.db)
        .await
        .unwrap();
    assert!(people.len() > 200, "{}", people.len());
    for (i, p) in people.iter().take(6).enumerate() {
        let (s, e) = t
            .patch_json(
                &format!("/api/v1/people/{}", p.id),
                Some(&c),
                &json!({"family_name": format!("Ó Súilleabháin {i}"), "keyworker": "Łukasz Nowak",
                        "setting": "residential_school"}),
            )
            .await;
        assert_eq!(s, Status::Ok, "{e}");
    }
    let (s, e) = t
        .post_json(
            &format!("/api/v1/people/{}/consent/withdraw", people[10].id),
            Some(&c),
            &json!({"withdrawn_on": ymd(today(t)), "reason": "Withdrawn"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{e}");
    let (s, e) = t
        .post_json(
            &format!("/api/v1/people/{}/close", people[11].id),
            Some(&c),
            &json!({"closed_on": ymd(today(t) - Duration::days(20)), "reason": "Moved out of area"}),
        )
        .await;
    assert!(s == Status::Ok || s == Status::UnprocessableEntity, "{e}");
    let open = admission::Entity::find()
        .filter(admission::Column::DischargedOn.is_null())
        .filter(admission::Column::SecurityLevel.ne("none"))
        .order_by_asc(admission::Column::Id)
        .all(&t.db)
        .await
        .unwrap();
    let mut stepped_down = 0;
    for stay in open.iter().take(4) {
        let (s, _) = t
            .patch_json(
                &format!("/api/v1/admissions/{}", stay.id),
                Some(&c),
                &json!({"security_level": "none", "legal_status": "informal",
                        "planned_discharge_on": ymd(today(t) + Duration::days(30)),
                        "effective_on": ymd(today(t) - Duration::days(9))}),
            )
            .await;
        stepped_down += usize::from(s == Status::Ok);
    }
    assert!(stepped_down > 0, "a stay stepped down");

    // Fay turns 18 on the 10th of last month, in hospital since the month before.
    let month = Period::latest_ended(ReturnKind::Monthly, today(t));
    let born = (month.first + Duration::days(9))
        .replace_year(month.first.year() - 18)
        .unwrap();
    let (s, fay) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(7001), born, own(month.first - Duration::days(70))),
        )
        .await;
    assert_eq!(s, Status::Created, "{fay}");
    let fay = fay["id"].as_str().unwrap().to_string();
    let (s, e) = t
        .post_json(
            &format!("/api/v1/people/{fay}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(month.first - Duration::days(30)), "hospital": "Cavell Centre",
                    "security_level": "low", "legal_status": "section_3"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{e}");
    let (s, e) = t
        .patch_json(
            &format!("/api/v1/people/{fay}"),
            Some(&c),
            &json!({"social_worker": "Ann Smith", "social_worker_from": ymd(month.first + Duration::days(3))}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{e}");
    let (_, gus) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(
                &nhs(7002),
                born - Duration::days(4000),
                own(month.first + Duration::days(2)),
            ),
        )
        .await;
    assert!(gus["id"].is_string(), "{gus}");
}

#[rocket::async_test]
async fn streamed_returns_match_the_whole_history_read() {
    let t = TestApp::new().await;
    varied_register(&t).await;
    let mut seen = (0, 0, 0, 0, 0);
    for period in periods(&t, 4) {
        let oracle = returns::reference::compute(&t.app, period).await.unwrap();
        for batch in [1, 7, 5000] {
            let streamed = returns::compute_in_batches(&t.app, period, batch)
                .await
                .unwrap();
            same(
                &streamed,
                &oracle,
                &format!("{} in batches of {batch}", period.label()),
            );
        }
        let (f, c) = oracle;
        seen.0 += f.monthly_rows.len() + f.weekly_rows.len();
        seen.1 += f.counts["actions_overdue"] + f.counts["reviews_overdue"];
        seen.2 += c.joined.len() + c.left.len() + c.rating_changes.len();
        seen.3 += c.admissions.len() + c.discharges.len();
        seen.4 += f.counts["referrals_received"] + f.counts["reviews_held"];
    }
    // Not a comparison of empty returns.
    assert!(seen.0 > 800, "rows {seen:?}");
    assert!(
        seen.1 > 0 && seen.2 > 0 && seen.3 > 0 && seen.4 > 0,
        "{seen:?}"
    );
}

/// The first difference, named, rather than two whole returns printed.
fn same(
    a: &(returns::Figures, returns::Changes),
    b: &(returns::Figures, returns::Changes),
    what: &str,
) {
    let (fa, fb) = (&a.0, &b.0);
    assert_eq!(fa.counts, fb.counts, "counts of {what}");
    assert_eq!(
        fa.by_rating_and_band, fb.by_rating_and_band,
        "bands of {what}"
    );
    for (rows_a, rows_b) in [
        (
            format!("{:?}", fa.monthly_rows),
            format!("{:?}", fb.monthly_rows),
        ),
        (
            format!("{:?}", fa.weekly_rows),
            format!("{:?}", fb.weekly_rows),
        ),
    ] {
        let at = rows_a
            .bytes()
            .zip(rows_b.bytes())
            .position(|(x, y)| x != y)
            .unwrap_or(rows_a.len().min(rows_b.len()));
        let near = |s: &str| {
            let from = (0..=at.saturating_sub(300))
                .rev()
                .find(|i| s.is_char_boundary(*i));
            let to = ((at + 200).min(s.len())..=s.len()).find(|i| s.is_char_boundary(*i));
            s[from.unwrap_or(0)..to.unwrap_or(s.len())].to_string()
        };
        assert!(
            rows_a == rows_b,
            "rows of {what} differ:\n{}\nagainst\n{}",
            near(&rows_a),
            near(&rows_b)
        );
    }
    assert_eq!(fa, fb, "figures of {what}");
    assert_eq!(a.1, b.1, "changes of {what}");
}
