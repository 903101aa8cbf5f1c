//! The synthetic register's tests: the NHS numbers and ids, the copied risk tool, a seeded
//! register checked row by row against the register's rules, and (ignored) the timings.

use super::generate::{HISTORY_DAYS, HORIZON_DAYS};
use super::rng::{NhsNumbers, Rng, days};
use super::seed_synthetic;
use super::tool::{AMBER_FROM, KEY_RULE_UNDER_AGE, QUESTIONS, RED_FROM, TOOL_VERSION};
use crate::domain::age::age_on;
use crate::domain::consent::{self as rules, Consent};
use crate::domain::ids::PersonId;
use crate::domain::nhs_number::NhsNumber;
use crate::domain::person::Status;
use crate::domain::returns::{Period, ReturnKind};
use crate::domain::review::{ActionStatus, ReviewStatus};
use crate::entities::{
    action, admission, consent, person, rating_event, referral, review, risk_assessment, visit,
};
use crate::services::App;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use time::Date;

/// Removes a test database (and SQLite's side files) however the test ends.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> Self {
        TempDb(std::env::temp_dir().join(format!(
            "tcr-bench-{name}-{}.db",
            uuid::Uuid::new_v4().simple()
        )))
    }

    fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.0.display())
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

fn policies_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies")
}

async fn app_on(url: String) -> App {
    let settings = crate::config::Settings {
        database_url: url,
        policies_dir: policies_dir(),
        ..Default::default()
    };
    crate::prepare(settings, Arc::new(crate::clock::SystemClock))
        .await
        .expect("prepare")
}

#[test]
fn nhs_numbers_are_valid_unique_and_in_the_test_range() {
    let mut numbers = NhsNumbers::new(42, HashSet::new());
    let mut seen = HashSet::new();
    for _ in 0..200_000 {
        let n = numbers.take().expect("number");
        let parsed = NhsNumber::parse(&n).expect("valid check digit");
        assert!(parsed.is_test_range(), "{n}");
        assert!(seen.insert(n.clone()), "repeated {n}");
    }
    let taken: HashSet<String> = seen.iter().take(10).cloned().collect();
    let mut again = NhsNumbers::new(42, taken.clone());
    for _ in 0..100 {
        assert!(!taken.contains(&again.take().expect("number")));
    }
}

#[test]
fn ids_are_uuid_v4_shaped_and_repeatable() {
    let mut a = Rng::for_item(7, 3);
    let mut b = Rng::for_item(7, 3);
    let id = a.uuid();
    assert_eq!(id, b.uuid());
    let parsed = uuid::Uuid::parse_str(&id).expect("uuid");
    assert_eq!(parsed.get_version_num(), 4);
    assert_ne!(Rng::for_item(7, 4).uuid(), id);
    assert_ne!(Rng::for_item(8, 3).uuid(), id);
}

#[test]
fn the_copied_risk_tool_matches_the_policy() {
    let policies = crate::policy::Policies::load(&policies_dir()).expect("policies");
    let tool = &policies.risk_tool;
    assert_eq!(tool.version, TOOL_VERSION);
    assert_eq!(tool.thresholds.red, RED_FROM);
    assert_eq!(tool.thresholds.amber, AMBER_FROM);
    assert_eq!(tool.key_rule_under_age, KEY_RULE_UNDER_AGE);
    let copied: Vec<(String, u32, bool)> = QUESTIONS
        .iter()
        .map(|(id, w, k)| (id.to_string(), *w, *k))
        .collect();
    let policy: Vec<(String, u32, bool)> = tool
        .questions
        .iter()
        .map(|q| (q.id.clone(), q.weight, q.key))
        .collect();
    assert_eq!(copied, policy);
}

/// Seeds 200 people and checks every row against the register's rules, then reads them
/// as the monthly return does.
#[rocket::async_test]
async fn seeds_a_register_the_services_can_read() {
    let file = TempDb::new("seed");
    let app = app_on(file.url()).await;
    seed_and_check(&app, 200).await;
}

/// The same on PostgreSQL (two writers), when `TCR_BENCH_PG_URL` names a server: in a
/// database `tcr_bench_seed_check`, created and dropped here.
#[rocket::async_test]
#[ignore]
async fn seeds_a_register_the_services_can_read_on_postgres() {
    let Some(url) = std::env::var("TCR_BENCH_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let guard = PgDb::create(&url, "tcr_bench_seed_check").await;
    let app = app_on(guard.url.clone()).await;
    seed_and_check(&app, 5_000).await; // two chunks: both writers insert
    app.db.clone().close().await.ok();
}

/// A scratch PostgreSQL database, dropped however the test ends.
struct PgDb {
    admin_url: String,
    name: &'static str,
    url: String,
}

impl PgDb {
    async fn create(admin_url: &str, name: &'static str) -> Self {
        let (base, _) = admin_url.rsplit_once('/').expect("database URL");
        let admin = Database::connect(admin_url.to_string())
            .await
            .expect("connect");
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin.execute_unprepared(&sql).await.expect(&sql);
        }
        admin.close().await.ok();
        PgDb {
            admin_url: admin_url.to_string(),
            name,
            url: format!("{base}/{name}"),
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name);
        // Drop runs inside the test's runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = rocket::tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(db) = Database::connect(url).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = db.execute_unprepared(&sql).await;
                }
            });
        })
        .join();
    }
}

/// Seeds `n` people and checks every row against the register's rules, then reads them
/// as the person pages and the monthly return do.
async fn seed_and_check(app: &App, n: usize) {
    let today = app.clock.today();
    let stats = seed_synthetic(&app.db, n, today, 2026).await.expect("seed");
    let db = &app.db;

    assert_eq!(stats.people, n as u64);
    assert_eq!(stats.consents, n as u64);
    check_counts(db, &stats).await;
    let people = check_people_and_consent(db, today).await;
    let closed = people.iter().filter(|p| p.status == Status::Closed).count();
    let withdrawn = people
        .iter()
        .filter(|p| p.status == Status::Withdrawn)
        .count();
    assert!(closed > 0, "some closed");
    let events = check_rating_histories(db, &people, today).await;
    check_assessments(app, &people).await;
    check_stays(db, &events).await;
    check_reviews_and_actions(db, today).await;
    let active = check_views_and_return(app, &people, today).await;
    assert_eq!(active + closed + withdrawn, people.len());
}

/// Every table holds what the seeding said it wrote, and there are no audit entries.
async fn check_counts(db: &DatabaseConnection, stats: &super::SeedStats) {
    assert_eq!(
        person::Entity::find().count(db).await.unwrap(),
        stats.people
    );
    assert_eq!(
        consent::Entity::find().count(db).await.unwrap(),
        stats.consents
    );
    assert_eq!(
        risk_assessment::Entity::find().count(db).await.unwrap(),
        stats.risk_assessments
    );
    assert_eq!(
        rating_event::Entity::find().count(db).await.unwrap(),
        stats.rating_events
    );
    assert_eq!(
        admission::Entity::find().count(db).await.unwrap(),
        stats.admissions
    );
    assert_eq!(visit::Entity::find().count(db).await.unwrap(), stats.visits);
    assert_eq!(
        review::Entity::find().count(db).await.unwrap(),
        stats.reviews
    );
    assert_eq!(
        action::Entity::find().count(db).await.unwrap(),
        stats.actions
    );
    assert_eq!(
        referral::Entity::find().count(db).await.unwrap(),
        stats.referrals
    );
    assert_eq!(
        crate::entities::audit_entry::Entity::find()
            .count(db)
            .await
            .unwrap(),
        0,
        "no audit entries"
    );
}

/// NHS numbers and consent; returns the people.
async fn check_people_and_consent(db: &DatabaseConnection, today: Date) -> Vec<person::Model> {
    let people = person::Entity::find().all(db).await.unwrap();
    let consents: HashMap<PersonId, consent::Model> = consent::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.person_id.clone(), c))
        .collect();
    let numbers: HashSet<&str> = people.iter().map(|p| p.nhs_number.as_str()).collect();
    assert_eq!(numbers.len(), people.len(), "NHS numbers are unique");
    for p in &people {
        let n = NhsNumber::parse(&p.nhs_number).expect("valid NHS number");
        assert!(n.is_test_range());
        let c = consents.get(&p.id).expect("every person has consent");
        let consent = Consent {
            basis: c.basis,
            recorded_on: c.recorded_on,
            given_by: c.given_by.clone(),
            relationship: c.relationship.clone(),
            gillick_competent: c.gillick_competent,
            capacity_assessed_on: c.capacity_assessed_on,
            best_interests_decision_on: c.best_interests_decision_on,
        };
        rules::check(&consent, p.date_of_birth, today).expect("consent valid");
        assert!(p.registered_on >= today - days(HORIZON_DAYS) && p.registered_on <= today);
        assert!(p.registered_on >= c.recorded_on);
    }
    people
}

/// Rating histories: 1–6 events over the last two years, after consent, before the end;
/// returns the events.
async fn check_rating_histories(
    db: &DatabaseConnection,
    people: &[person::Model],
    today: Date,
) -> Vec<rating_event::Model> {
    let events = rating_event::Entity::find().all(db).await.unwrap();
    let mut per_person: HashMap<&PersonId, Vec<&rating_event::Model>> = HashMap::new();
    for e in &events {
        per_person.entry(&e.person_id).or_default().push(e);
    }
    for p in people {
        let mine = per_person.get(&p.id).expect("a rating history");
        assert!((1..=6).contains(&mine.len()), "{} events", mine.len());
        let end = p.closed_on.or(p.withdrawn_on).unwrap_or(today);
        for e in mine {
            assert!(e.effective_on >= p.registered_on);
            assert!(e.effective_on >= today - days(HISTORY_DAYS));
            assert!(e.effective_on <= end);
        }
        let mut by_seq = mine.clone();
        by_seq.sort_by_key(|e| e.seq);
        assert!(
            by_seq
                .windows(2)
                .all(|w| w[0].effective_on <= w[1].effective_on),
            "entered in date order"
        );
    }
    events
}

/// Assessments score as the policy's tool does.
async fn check_assessments(app: &App, people: &[person::Model]) {
    let born: HashMap<&PersonId, Date> = people.iter().map(|p| (&p.id, p.date_of_birth)).collect();
    for a in risk_assessment::Entity::find().all(&app.db).await.unwrap() {
        let answers: BTreeMap<String, bool> = serde_json::from_str(&a.answers).unwrap();
        let age = age_on(born[&a.person_id], a.assessed_on).unwrap();
        let scored = app.policies.risk_tool.score(&answers, age).expect("scores");
        assert_eq!(scored.score as i32, a.score);
        assert_eq!(scored.suggested, a.suggested_rating);
        assert_eq!(a.override_reason.is_some(), a.rating != a.suggested_rating);
    }
}

/// No assessment during a stay or in the 14 days after it; some stays open, some ended.
async fn check_stays(db: &DatabaseConnection, events: &[rating_event::Model]) {
    let stays = admission::Entity::find().all(db).await.unwrap();
    for s in &stays {
        assert!(
            !events.iter().any(|e| {
                e.person_id == s.person_id
                    && e.source == "assessment"
                    && e.effective_on >= s.admitted_on
                    && s.discharged_on
                        .is_none_or(|d| e.effective_on < d + days(14))
            }),
            "assessment in hospital or in the red window"
        );
    }
    assert!(stays.iter().any(|s| s.discharged_on.is_none()));
    assert!(stays.iter().any(|s| s.discharged_on.is_some()));
}

/// Reviews and actions.
async fn check_reviews_and_actions(db: &DatabaseConnection, today: Date) {
    let reviews = review::Entity::find().all(db).await.unwrap();
    let actions = action::Entity::find().all(db).await.unwrap();
    for r in &reviews {
        assert!(r.created_at.date() <= today);
        assert!(r.created_at.date() <= r.held_on.unwrap_or(r.scheduled_for).max(today));
        if r.status == ReviewStatus::Held {
            let mine = actions.iter().filter(|a| a.review_id == r.id).count();
            assert!((2..=4).contains(&mine));
            assert!(r.held_on.is_some_and(|h| h <= today));
        }
    }
    assert!(
        reviews
            .iter()
            .any(|r| r.status == ReviewStatus::Scheduled && r.scheduled_for < today)
    );
    assert!(
        actions
            .iter()
            .any(|a| a.status == ActionStatus::Open && a.due_on < today)
    );
    assert!(actions.iter().any(|a| a.status == ActionStatus::Done));
    for a in &actions {
        assert!(a.completed_on.is_none_or(|d| d <= today));
    }
}

/// Every person on the register has a view (the return reads the same records), and the
/// monthly return counts them; returns how many are on the register.
async fn check_views_and_return(app: &App, people: &[person::Model], today: Date) -> usize {
    let db = &app.db;
    let mut active = 0;
    for p in people.iter().filter(|p| p.status == Status::Active) {
        let v = crate::services::people::view_by_id(db, &p.id, today, &app.policies.schedule)
            .await
            .unwrap_or_else(|e| panic!("view of {}: {e:?}", p.id));
        assert_eq!(v.status, crate::domain::person::Status::Active);
        active += 1;
    }
    let month = format!("{:04}-{:02}", today.year(), today.month() as u8);
    let period = Period::parse(ReturnKind::Monthly, &month).unwrap();
    let (figures, _) = crate::services::returns::compute(app, period)
        .await
        .expect("monthly return");
    assert_eq!(figures.counts["on_register"], active as u64);
    active
}

#[rocket::async_test]
async fn the_same_seed_gives_the_same_rows() {
    let today = time::macros::date!(2026 - 11 - 23);
    let mut all = Vec::new();
    for _ in 0..2 {
        let file = TempDb::new("same");
        let app = app_on(file.url()).await;
        let stats = seed_synthetic(&app.db, 50, today, 99).await.expect("seed");
        let mut people = person::Entity::find().all(&app.db).await.unwrap();
        people.sort_by(|a, b| a.id.cmp(&b.id));
        let mut reviews = review::Entity::find().all(&app.db).await.unwrap();
        reviews.sort_by(|a, b| a.id.cmp(&b.id));
        let events = rating_event::Entity::find().all(&app.db).await.unwrap();
        all.push((stats, people, reviews, events));
    }
    assert_eq!(all[0], all[1]);
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// Timings: `cargo test --release --lib bench::tests::timings -- --ignored --nocapture`.
/// `TCR_BENCH_SIZES` (default `10000,100000`); `TCR_BENCH_PG_URL` (e.g.
/// `postgres://postgres@127.0.0.1:5432/test`) also runs on PostgreSQL, in a database
/// `tcr_bench_seed` created and dropped for each size. `TCR_BENCH_RETURN_MAX` (default 0):
/// also time the monthly return up to this many people.
#[rocket::async_test]
#[ignore]
async fn timings() {
    let sizes: Vec<usize> = std::env::var("TCR_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let return_max: usize = std::env::var("TCR_BENCH_RETURN_MAX")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let pg = std::env::var("TCR_BENCH_PG_URL")
        .ok()
        .filter(|s| !s.is_empty());
    let today = crate::clock::uk_date(time::OffsetDateTime::now_utc());
    for &n in &sizes {
        let file = TempDb::new("timing");
        let app = app_on(file.url()).await;
        let t = Instant::now();
        let stats = seed_synthetic(&app.db, n, today, 1).await.expect("seed");
        println!(
            "sqlite   {n:>7} people: {:>8} rows in {:6.2} s  {stats:?}",
            stats.total(),
            secs(t)
        );
        if n <= 10_000 {
            describe(&app.db, today).await;
        }
        time_return(&app, n, return_max, "sqlite").await;
        app.db.clone().close().await.ok();
    }
    let Some(url) = pg else { return };
    for &n in &sizes {
        let guard = PgDb::create(&url, "tcr_bench_seed").await;
        let app = app_on(guard.url.clone()).await;
        let t = Instant::now();
        let stats = seed_synthetic(&app.db, n, today, 1).await.expect("seed");
        println!(
            "postgres {n:>7} people: {:>8} rows in {:6.2} s  {stats:?}",
            stats.total(),
            secs(t)
        );
        time_return(&app, n, return_max, "postgres").await;
        app.db.clone().close().await.ok();
    }
}

/// What the seeded register looks like, in counts.
async fn describe(db: &DatabaseConnection, today: Date) {
    let day = today.to_string();
    let queries = [
        (
            "people by status",
            "SELECT status, COUNT(*) FROM people GROUP BY status ORDER BY status".to_string(),
        ),
        (
            "stays (open = in hospital)",
            "SELECT CASE WHEN discharged_on IS NULL THEN 'open' ELSE 'discharged' END, \
             COUNT(*) FROM admissions GROUP BY 1 ORDER BY 1"
                .to_string(),
        ),
        (
            "rating events by source",
            "SELECT source, COUNT(*) FROM rating_events GROUP BY source ORDER BY source"
                .to_string(),
        ),
        (
            "people by number of rating events",
            "SELECT CAST(n AS TEXT), COUNT(*) FROM (SELECT person_id, COUNT(*) AS n \
             FROM rating_events GROUP BY person_id) t GROUP BY n ORDER BY n"
                .to_string(),
        ),
        (
            "reviews by status",
            "SELECT status, COUNT(*) FROM reviews GROUP BY status ORDER BY status".to_string(),
        ),
        (
            "reviews by kind",
            "SELECT kind, COUNT(*) FROM reviews GROUP BY kind ORDER BY kind".to_string(),
        ),
        (
            "scheduled reviews overdue",
            format!(
                "SELECT 'overdue', COUNT(*) FROM reviews WHERE status = 'scheduled' \
                 AND COALESCE(due_by, scheduled_for) < '{day}'"
            ),
        ),
        (
            "actions by status",
            "SELECT status, COUNT(*) FROM actions GROUP BY status ORDER BY status".to_string(),
        ),
        (
            "open actions overdue",
            format!(
                "SELECT 'overdue', COUNT(*) FROM actions WHERE status = 'open' \
                 AND due_on < '{day}'"
            ),
        ),
        (
            "referrals by status",
            "SELECT status, COUNT(*) FROM referrals GROUP BY status ORDER BY status".to_string(),
        ),
        (
            "consents by basis",
            "SELECT basis, COUNT(*) FROM consents GROUP BY basis ORDER BY basis".to_string(),
        ),
    ];
    for (title, sql) in queries {
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await
            .expect(title);
        let parts: Vec<String> = rows
            .iter()
            .map(|r| {
                let k: String = r.try_get_by_index(0).unwrap_or_default();
                let v: i64 = r.try_get_by_index(1).unwrap_or_default();
                format!("{k}={v}")
            })
            .collect();
        println!("  {title}: {}", parts.join(", "));
    }
}

async fn time_return(app: &App, n: usize, max: usize, what: &str) {
    if n > max {
        return;
    }
    let today = app.clock.today();
    let month = format!("{:04}-{:02}", today.year(), today.month() as u8);
    let period = Period::parse(ReturnKind::Monthly, &month).unwrap();
    let t = Instant::now();
    crate::services::returns::compute(app, period)
        .await
        .expect("return");
    println!(
        "{what:<8} {n:>7} people: returns::compute {:6.2} s",
        secs(t)
    );
}
