//! The projection (`person_due` and its items) against the deadline engine: a register with
//! varied histories built through the API over forty days, then, for every person, the stored
//! rows against the engine's answer worked out from scratch (the due list, read back from the
//! projection, against the engine's in words; the person's view; and the engine run afresh on
//! their facts); the review list's overdue filter and the dashboard's counts against the same
//! answers; and `rebuild_all`.

use crate::register::{answers, nhs, own, parental, person, today, ymd};
use crate::reviews::{RED, panel};
use crate::support::*;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tcr::domain::ids::PersonId;
use tcr::entities::{person as person_entity, person_due, person_due_item};
use time::{Date, Duration};

fn days(n: i64) -> Duration {
    Duration::days(n)
}

async fn ok(t: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let (s, b) = t.post_json(path, Some(token), &body).await;
    assert!(
        s == Status::Ok || s == Status::Created,
        "{path}: {s} {b} (sent {body})"
    );
    b
}

async fn add(t: &TestApp, c: &str, n: u32, name: &str, born: Date) -> String {
    let start = today(t);
    let consent = if (start - born).whole_days() < 365 * 16 {
        parental(start - days(200))
    } else {
        own(start - days(200))
    };
    let mut body = person(&nhs(n), born, consent);
    body["given_name"] = json!(name);
    body["family_name"] = json!(format!("Family{n}"));
    ok(t, "/api/v1/people", c, body).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn rate(t: &TestApp, c: &str, id: &str, on: Date, yes: &[&str]) {
    let body = json!({"assessed_on": ymd(on), "answers": answers(yes)});
    ok(t, &format!("/api/v1/people/{id}/risk-assessments"), c, body).await;
}

async fn admit(t: &TestApp, c: &str, id: &str, on: Date, security: &str) -> String {
    let body = json!({"admitted_on": ymd(on), "hospital": "Cavell Centre", "security_level": security,
                      "legal_status": "section_3", "planned_discharge_on": null});
    ok(t, &format!("/api/v1/people/{id}/admissions"), c, body).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn book(t: &TestApp, c: &str, id: &str, kind: &str, on: Date, seats: &[String; 3]) -> String {
    let body = json!({"kind": kind, "scheduled_for": ymd(on), "chair_id": seats[0],
                      "expert_by_experience_id": seats[1], "clinical_expert_id": seats[2]});
    ok(t, &format!("/api/v1/people/{id}/reviews"), c, body).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn hold(t: &TestApp, c: &str, review: &str, on: Date, actions: &[(&str, Date)]) -> Value {
    let actions: Vec<Value> = actions
        .iter()
        .map(|(what, when)| json!({"who": "Keyworker", "what": what, "when": ymd(*when), "how": "Phone"}))
        .collect();
    let body = json!({"held_on": ymd(on), "findings": crate::reviews::findings_for(t, c, review).await, "recommendations": "Carry on",
                      "actions": actions});
    ok(t, &format!("/api/v1/reviews/{review}/outcome"), c, body).await
}

/// The register's people on file (withdrawn included), by id.
async fn everyone(t: &TestApp) -> Vec<person_entity::Model> {
    person_entity::Entity::find()
        .order_by_asc(person_entity::Column::Id)
        .all(&t.db)
        .await
        .unwrap()
}

async fn stored(t: &TestApp, id: &str) -> (Option<person_due::Model>, Vec<person_due_item::Model>) {
    let row = person_due::Entity::find_by_id(PersonId::from_text(id))
        .one(&t.db)
        .await
        .unwrap();
    let items = person_due_item::Entity::find()
        .filter(person_due_item::Column::PersonId.eq(id))
        .order_by_asc(person_due_item::Column::Seq)
        .all(&t.db)
        .await
        .unwrap();
    (row, items)
}

/// A number shown on the dashboard's glance, by its label.
fn stat(home: &str, label: &str) -> u64 {
    let at = home
        .find(&format!("<span class=\"stat__label\">{label}"))
        .unwrap_or_else(|| panic!("no {label} on {home}"));
    let before = &home[..at];
    let open = before.rfind("stat__number\">").unwrap() + "stat__number\">".len();
    before[open..before[open..].find('<').unwrap() + open]
        .parse()
        .unwrap()
}

/// Every person's stored rows against the engine's answer from scratch, and the lists and the
/// dashboard's counts against the same answers. Returns the overdue counts by dashboard part.
async fn agree(t: &TestApp, c: &str, when: &str) -> [u64; 3] {
    let day = today(t);
    // What the dashboard shows first catches up rows computed for an earlier day.
    let (user, password) = t.user_with_role("commissioner").await;
    t.page_login(&user, &password).await;
    let (status, home) = t.page("/").await;
    assert_eq!(status, Status::Ok);

    let schedule = &t.app.policies.schedule;
    // The commissioner as the services see them, for the person page's one read.
    let (_, me) = t.get("/api/v1/me", Some(c)).await;
    let me = tcr::services::sessions::SignedIn {
        session_id: "projection-test".into(),
        user: tcr::services::users::view(
            &t.db,
            &tcr::domain::ids::UserId::from_text(me["id"].as_str().unwrap()),
        )
        .await
        .unwrap(),
        started_at: time::OffsetDateTime::now_utc(),
        active_at: time::OffsetDateTime::now_utc(),
    };
    let reader = tcr::services::people::Reader::of(&t.app, &me);
    let mut overdue = [0u64; 3];
    let mut rows = Vec::new();
    for status in ["active", "closed"] {
        let path = format!("/api/v1/people?per_page=100&status={status}");
        let (s, list) = t.get(&path, Some(c)).await;
        assert_eq!(s, Status::Ok, "{list}");
        rows.extend(list["items"].as_array().unwrap().iter().cloned());
    }
    let (mut in_hospital, mut ratings) = (0u64, BTreeMap::<String, u64>::new());
    for p in everyone(t).await {
        let (row, items) = stored(t, &p.id).await;
        if p.status.as_str() == "withdrawn" {
            assert!(
                row.is_none() && items.is_empty(),
                "{when}: withdrawn means gone"
            );
            continue;
        }
        let row = row.unwrap_or_else(|| panic!("{when}: no row for {}", p.given_name));
        assert_eq!(row.computed_for, day, "{when}: {}", p.given_name);
        // The engine run afresh on the facts gives exactly the stored rows.
        let fresh = tcr::services::people::projection::computed(
            &t.db,
            schedule,
            std::slice::from_ref(&p.id),
            day,
        )
        .await
        .unwrap();
        assert_eq!(
            fresh,
            vec![(row.clone(), items.clone())],
            "{when}: {}",
            p.given_name
        );
        // The due list (another loader: stays' and entries' revisions too) agrees item by item.
        let (s, due) = t
            .get(&format!("/api/v1/people/{}/due", p.id), Some(c))
            .await;
        assert_eq!(s, Status::Ok, "{due}");
        let mut said: Vec<(String, String, bool)> = due["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let kind = i["kind"].as_str().unwrap().to_string();
                (
                    kind,
                    i["due_by"].as_str().unwrap().to_string(),
                    i["overdue"] == true,
                )
            })
            .collect();
        let mut kept: Vec<(String, String, bool)> = items
            .iter()
            .map(|i| (i.kind.as_str().to_string(), i.due.to_string(), i.due < day))
            .collect();
        said.sort();
        kept.sort();
        assert_eq!(kept, said, "{when}: {}'s items", p.given_name);
        // Read back from the projection, the due list is the engine's, worked out afresh from
        // the records, word for word.
        let worked = tcr::services::people::worked_out_due(
            &t.db,
            tcr::services::scope::Scope::Register,
            &p,
            schedule,
            day,
        )
        .await
        .unwrap();
        assert_eq!(
            due["items"],
            serde_json::to_value(&worked).unwrap(),
            "{when}: {}'s due list",
            p.given_name
        );
        // The person's view: rating, since when, in hospital, next review due.
        let (_, v) = t.get(&format!("/api/v1/people/{}", p.id), Some(c)).await;
        // Read back from the projection (the person and the register's rows), it is the view
        // the engine works out from their records, field by field: overdue words included.
        let from_records = tcr::services::people::view_by_id(&t.db, &p.id, day, schedule)
            .await
            .unwrap();
        let from_records = serde_json::to_value(from_records).unwrap();
        assert_eq!(v, from_records, "{when}: {}", p.given_name);
        // The person page reads the row and the due list from one read of the projection:
        // the same view, and (while on the register) the same list.
        let page = tcr::services::people::page(&t.app, &me, &reader, &p.id, false)
            .await
            .unwrap();
        assert_eq!(
            serde_json::to_value(&page.dossier.person).unwrap(),
            from_records,
            "{when}: {}'s page",
            p.given_name
        );
        let page_due = serde_json::to_value(&page.due).unwrap();
        if p.status.as_str() == "active" {
            assert_eq!(page_due, due["items"], "{when}: {}'s page", p.given_name);
        } else {
            assert_eq!(page_due, serde_json::json!([]));
        }
        let listed = rows
            .iter()
            .find(|r| r["id"] == p.id.as_str())
            .unwrap_or_else(|| panic!("{when}: {} listed", p.given_name));
        assert_eq!(listed, &from_records, "{when}: {}'s row", p.given_name);
        assert_eq!(
            row.rating.map(|r| r.as_str()),
            v["rating"].as_str(),
            "{when}: {v}"
        );
        assert_eq!(
            row.rating_since.map(|d| d.to_string()).as_deref(),
            v["rating_since"].as_str(),
            "{when}: {v}"
        );
        assert_eq!(row.in_hospital_since.is_some(), v["in_hospital"] == true);
        assert_eq!(
            row.next_review_due.map(|d| d.to_string()).as_deref(),
            v["next_review_due"].as_str()
        );
        if v["status"] == "active" {
            in_hospital += u64::from(v["in_hospital"] == true);
            let key = v["rating"].as_str().unwrap_or("unrated").to_string();
            *ratings.entry(key).or_default() += 1;
            for (kind, _, late) in &said {
                let part = match kind.as_str() {
                    "review" | "red_review" | "report" => 0,
                    "visit" | "social_worker" => 1,
                    _ => 2,
                };
                overdue[part] += u64::from(*late);
            }
        } else {
            assert!(said.is_empty(), "{when}: a closed entry owes nothing");
        }
    }
    // The dashboard's counts are the engine's.
    assert!(
        home.contains(&format!(
            "reviews {}, visits {}, actions {}",
            overdue[0], overdue[1], overdue[2]
        )),
        "{when}: {overdue:?} in {home}"
    );
    assert_eq!(stat(&home, "in hospital"), in_hospital, "{when}");
    let chart = ratings
        .iter()
        .filter(|(k, _)| k.as_str() != "unrated")
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>();
    for part in chart {
        let (k, n) = part.split_once(' ').unwrap();
        let label = format!("{}{} {n}", k[..1].to_uppercase(), &k[1..]);
        assert!(home.contains(&label), "{when}: {label} in the chart");
    }
    // The watch's overdue parts, each kind read on its own and merged: every item, the longest
    // overdue first, and the first rows the head of the whole list.
    let counts = tcr::services::watch::counts(&t.app, day).await.unwrap();
    let whole = tcr::services::watch::first_rows(&t.app, day, &counts, 1_000)
        .await
        .unwrap();
    let head = tcr::services::watch::first_rows(&t.app, day, &counts, 2)
        .await
        .unwrap();
    for (all, first, n) in [
        (&whole.overdue_reviews, &head.overdue_reviews, overdue[0]),
        (&whole.overdue_visits, &head.overdue_visits, overdue[1]),
    ] {
        let (all, first) = (all.as_ref().unwrap(), first.as_ref().unwrap());
        assert_eq!(all.rows.len() as u64, n, "{when}");
        let days: Vec<String> = all.rows.iter().map(|r| r.due.due_by.to_string()).collect();
        assert!(days.is_sorted(), "{when}: {days:?}");
        let as_json =
            |rows: &[tcr::services::watch::OverdueItem]| serde_json::to_value(rows).unwrap();
        let n_first = first.rows.len();
        assert_eq!(n_first, all.rows.len().min(2), "{when}");
        assert_eq!(
            as_json(&first.rows),
            as_json(&all.rows[..n_first]),
            "{when}"
        );
    }
    let (_, part) = t.page("/today/overdue-reviews").await;
    assert!(
        part.contains(&format!("Overdue reviews and reports ({})", overdue[0])),
        "{when}: {part}"
    );

    // The review list's overdue filter is each review's own overdue flags, and the pages of a
    // list are the list.
    let (_, all) = t.get("/api/v1/reviews?per_page=500", Some(c)).await;
    let all = all["items"].as_array().unwrap().clone();
    let flagged: Vec<&str> = all
        .iter()
        .filter(|r| r["overdue"] == true || r["report_overdue"] == true)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let (_, late) = t
        .get("/api/v1/reviews?overdue=true&per_page=500", Some(c))
        .await;
    let listed: Vec<&str> = late["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, flagged, "{when}: overdue reviews");
    assert_eq!(late["total"], flagged.len());
    let (_, fine) = t
        .get("/api/v1/reviews?overdue=false&per_page=500", Some(c))
        .await;
    assert_eq!(
        fine["total"].as_u64().unwrap() + flagged.len() as u64,
        all.len() as u64
    );
    let mut paged = Vec::new();
    for page in 1.. {
        let (_, p) = t
            .get(&format!("/api/v1/reviews?per_page=2&page={page}"), Some(c))
            .await;
        assert_eq!(p["total"], all.len());
        let items = p["items"].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        paged.extend(items.into_iter().map(|r| r["id"].clone()));
    }
    let whole: Vec<Value> = all.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(paged, whole, "{when}: pages in order");
    overdue
}

#[rocket::async_test]
async fn the_projection_is_the_engines_answer_for_varied_histories() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let seats = [p.chair.0.clone(), p.expert.0.clone(), p.clinician.0.clone()];
    let s = today(&t);
    let child = s - days(365 * 12);
    let adult = s - days(365 * 30);

    // Red for a month with no review; amber with a review in three days.
    let red = add(&t, &c, 10, "Ruby", child).await;
    rate(&t, &c, &red, s - days(30), RED).await;
    let amber = add(&t, &c, 20, "Amber", adult).await;
    rate(
        &t,
        &c,
        &amber,
        s - days(20),
        &["mh_unstable", "behaviour_challenges"],
    )
    .await;
    book(&t, &c, &amber, "community", s + days(3), &seats).await;
    // In hospital two months (no review, no visit); a child a fortnight ago, medium secure,
    // with the post-admission review booked; discharged ten days ago after a long stay.
    let inpatient = add(&t, &c, 30, "Ivan", adult).await;
    admit(&t, &c, &inpatient, s - days(60), "none").await;
    let young = add(&t, &c, 40, "Yara", child).await;
    admit(&t, &c, &young, s - days(14), "medium").await;
    let post = book(&t, &c, &young, "post_admission", s + days(2), &seats).await;
    let home = add(&t, &c, 50, "Dan", adult).await;
    let stay = admit(&t, &c, &home, s - days(100), "low").await;
    let body = json!({"visited_on": ymd(s - days(60)), "visitor": "Commissioner"});
    ok(&t, &format!("/api/v1/people/{home}/visits"), &c, body).await;
    let body = json!({"discharged_on": ymd(s - days(10)), "destination": "family_home"});
    ok(
        &t,
        &format!("/api/v1/admissions/{stay}/discharge"),
        &c,
        body,
    )
    .await;
    // Green, reviewed tomorrow; amber reviewed in four days; red with a review then cancelled.
    let green = add(&t, &c, 60, "Gina", adult).await;
    rate(&t, &c, &green, s - days(40), &[]).await;
    let green_review = book(&t, &c, &green, "community", s + days(1), &seats).await;
    let sent = add(&t, &c, 70, "Sami", adult).await;
    rate(
        &t,
        &c,
        &sent,
        s - days(10),
        &["mh_unstable", "behaviour_challenges"],
    )
    .await;
    let sent_review = book(&t, &c, &sent, "community", s + days(4), &seats).await;
    let cancelled = add(&t, &c, 80, "Cal", adult).await;
    rate(&t, &c, &cancelled, s - days(3), RED).await;
    let doomed = book(&t, &c, &cancelled, "community", s + days(5), &seats).await;
    ok(
        &t,
        &format!("/api/v1/reviews/{doomed}/cancel"),
        &c,
        json!({"reason": "Family away"}),
    )
    .await;
    // Closed today with a red rating; withdrawn; never rated; a review a month away.
    let closed = add(&t, &c, 90, "Clo", adult).await;
    rate(&t, &c, &closed, s - days(30), RED).await;
    let body = json!({"closed_on": ymd(s), "reason": "Moved away"});
    ok(&t, &format!("/api/v1/people/{closed}/close"), &c, body).await;
    let gone = add(&t, &c, 100, "Wren", adult).await;
    rate(&t, &c, &gone, s - days(30), RED).await;
    let body = json!({"withdrawn_on": ymd(s), "reason": "Asked to be removed"});
    ok(
        &t,
        &format!("/api/v1/people/{gone}/consent/withdraw"),
        &c,
        body,
    )
    .await;
    add(&t, &c, 110, "Una", adult).await;
    let later = add(&t, &c, 120, "Leo", child).await;
    rate(&t, &c, &later, s - days(5), &["mh_unstable"]).await;
    book(&t, &c, &later, "community", s + days(30), &seats).await;

    let first = agree(&t, &c, "day 0").await;
    assert!(
        first[0] >= 2 && first[1] >= 1,
        "something overdue: {first:?}"
    );

    // Twenty days on: reviews held with actions (one soon late), a report sent, an action done.
    t.clock.advance(days(20));
    let c = t.token_for_role("commissioner").await;
    hold(
        &t,
        &c,
        &post,
        s + days(2),
        &[("Family meeting", s + days(25))],
    )
    .await;
    hold(
        &t,
        &c,
        &green_review,
        s + days(1),
        &[
            ("Book the dentist", s + days(5)),
            ("Plan the summer", s + days(60)),
        ],
    )
    .await;
    let held = hold(
        &t,
        &c,
        &sent_review,
        s + days(4),
        &[("Call the school", s + days(10))],
    )
    .await;
    ok(
        &t,
        &format!("/api/v1/reviews/{sent_review}/report-sent"),
        &c,
        json!({"sent_on": ymd(s + days(6))}),
    )
    .await;
    let action = held["actions"][0]["id"].as_str().unwrap();
    let (st, b) = t
        .patch_json(
            &format!("/api/v1/actions/{action}"),
            Some(&c),
            &json!({"status": "done", "completed_on": ymd(s + days(8))}),
        )
        .await;
    assert_eq!(st, Status::Ok, "{b}");
    agree(&t, &c, "day 20").await;

    // Forty days on, with no write since: reports, actions and visits have fallen due.
    t.clock.advance(days(20));
    let c = t.token_for_role("commissioner").await;
    let last = agree(&t, &c, "day 40").await;
    assert!(
        last.iter().all(|n| *n > 0),
        "reviews, visits and actions overdue: {last:?}"
    );
}

#[rocket::async_test]
async fn rebuild_all_deletes_and_recomputes_every_row() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let s = today(&t);
    let mut ids = Vec::new();
    for n in 0..7u32 {
        let id = add(
            &t,
            &c,
            300 + 10 * n,
            "Rae",
            s - days(365 * (10 + 5 * i64::from(n))),
        )
        .await;
        if n % 2 == 0 && n % 3 != 1 {
            rate(&t, &c, &id, s - days(20 + i64::from(n)), RED).await;
        }
        if n % 3 == 1 {
            admit(&t, &c, &id, s - days(40), "none").await;
        }
        ids.push(id);
    }
    let gone = ids.pop().unwrap();
    let body = json!({"withdrawn_on": ymd(s), "reason": "Asked to be removed"});
    ok(
        &t,
        &format!("/api/v1/people/{gone}/consent/withdraw"),
        &c,
        body,
    )
    .await;
    let rows = || async {
        (
            person_due::Entity::find()
                .order_by_asc(person_due::Column::PersonId)
                .all(&t.db)
                .await
                .unwrap(),
            person_due_item::Entity::find()
                .order_by_asc(person_due_item::Column::PersonId)
                .order_by_asc(person_due_item::Column::Seq)
                .all(&t.db)
                .await
                .unwrap(),
        )
    };
    let kept = rows().await;
    assert_eq!(kept.0.len(), ids.len());
    assert!(kept.1.len() >= ids.len(), "{:?}", kept.1);

    // Spoil the projection every way: a row gone, a due moved, an item gone, a row and an item
    // for the withdrawn entry, a row computed for another day.
    person_due::Entity::delete_by_id(PersonId::from_text(ids[0].clone()))
        .exec(&t.db)
        .await
        .unwrap();
    let mut moved: person_due_item::ActiveModel = kept.1[0].clone().into();
    moved.due = sea_orm::Set(s + days(400));
    sea_orm::ActiveModelTrait::update(moved, &t.db)
        .await
        .unwrap();
    person_due_item::Entity::delete_many()
        .filter(person_due_item::Column::PersonId.eq(kept.1.last().unwrap().person_id.clone()))
        .exec(&t.db)
        .await
        .unwrap();
    let mut ghost = kept.0[1].clone();
    ghost.person_id = PersonId::from_text(gone.clone());
    person_due::Entity::insert(person_due::ActiveModel::from(ghost))
        .exec_without_returning(&t.db)
        .await
        .unwrap();
    let mut ghost_item = kept.1[0].clone();
    ghost_item.person_id = PersonId::from_text(gone.clone());
    person_due_item::Entity::insert(person_due_item::ActiveModel::from(ghost_item))
        .exec_without_returning(&t.db)
        .await
        .unwrap();
    person_due::Entity::update_many()
        .col_expr(
            person_due::Column::ComputedFor,
            sea_orm::sea_query::Expr::value(s - days(3)),
        )
        .filter(person_due::Column::PersonId.eq(ids[2].clone()))
        .exec(&t.db)
        .await
        .unwrap();
    assert_ne!(rows().await, kept);

    let done = tcr::services::people::projection::rebuild_all(&t.db, &t.app.policies.schedule, s)
        .await
        .unwrap();
    assert_eq!(done, ids.len() as u64, "every entry on the register, once");
    assert_eq!(
        rows().await,
        kept,
        "rebuilt from the facts as the writes kept it"
    );
    agree(&t, &c, "rebuilt").await;
}

/// Two servers over one database, each keeping its own counts (`services::counted`): a count one
/// has kept is never shown after a write made through the other, nor after the day turns.
#[rocket::async_test]
async fn kept_counts_follow_every_servers_writes_and_the_day() {
    use rocket::http::{ContentType, Header};
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let s = today(&t);
    let adult = s - days(365 * 30);
    let first = add(&t, &c, 10, "Ruby", adult).await;
    rate(&t, &c, &first, s, RED).await;
    let total = |path: &'static str| {
        let t = &t;
        let c = c.clone();
        async move {
            let (status, body) = t.get(path, Some(&c)).await;
            assert_eq!(status, Status::Ok, "{body}");
            body["total"].as_u64().unwrap()
        }
    };
    let reds = "/api/v1/people?rating=red";
    let late = "/api/v1/people?overdue=true";
    assert_eq!(total(reds).await, 1);
    assert_eq!(total(reds).await, 1, "the kept count, read again");
    assert_eq!(total(late).await, 0);

    // The second server: the same database, its own memory.
    let mut other = t.app.clone();
    other.counts = tcr::services::counted::Counted::default();
    let figment = tcr::config::figment().merge(("secret_key", "a".repeat(64)));
    let rocket = tcr::build(figment, other).await.expect("build");
    let second = rocket::local::asynchronous::Client::tracked(rocket)
        .await
        .expect("client");
    let consent = own(s - days(200));
    let mut body = person(&nhs(20), adult, consent);
    body["given_name"] = json!("Rhys");
    let res = second
        .post("/api/v1/people")
        .header(Header::new("Authorization", format!("Bearer {c}")))
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await;
    let (status, made) = TestApp::json(res).await;
    assert_eq!(status, Status::Created, "{made}");
    let id = made["id"].as_str().unwrap();
    let body = json!({"assessed_on": ymd(s), "answers": answers(RED)});
    let res = second
        .post(format!("/api/v1/people/{id}/risk-assessments"))
        .header(Header::new("Authorization", format!("Bearer {c}")))
        .header(ContentType::JSON)
        .body(body.to_string())
        .dispatch()
        .await;
    assert!(res.status().class().is_success(), "{:?}", res.status());
    assert_eq!(total(reds).await, 2, "the first server counts again");

    // No write, a later day: both reviews after a red rating are overdue.
    t.clock.advance(days(90));
    let c2 = t.token_for_role("commissioner").await;
    let (_, now_late) = t.get(late, Some(&c2)).await;
    assert_eq!(now_late["total"], 2, "{now_late}");
}
