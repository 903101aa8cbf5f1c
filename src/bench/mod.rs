//! A fast synthetic register for benchmarks (the monthly return at 10,000 and 100,000 people).
//!
//! Unlike [`crate::demo`], nothing goes through the services: rows are generated in memory,
//! person by person, and written with multi-row `INSERT`s (`insert_many`) of
//! floor(limit / columns) rows, the limit being the backend's bound-parameter maximum (SQLite
//! 32,766; PostgreSQL 65,535). One producer generates chunks of 4,096 people in order; on
//! PostgreSQL two writers (two pooled connections, each with its own transaction) insert them
//! concurrently, which overlaps encoding with the server's work; SQLite has one writer, with a
//! 256 MiB page cache while it seeds. The transactions are committed only once every insert has
//! succeeded, so a failure while inserting leaves nothing behind (only a failure between the
//! two commits on PostgreSQL could leave half). Only the domain tables are
//! written (people, consents, risk assessments, rating events, admissions, visits, reviews,
//! actions, referrals): there are no audit entries and no users.
//!
//! The data still obeys the register's rules, so every read path works on it: each person has
//! a consent valid for their age on the day it was recorded, a unique NHS number in the `999`
//! test range with a correct check digit, and a dated rating history the hospital rules accept
//! (no assessment while in hospital, blue from admission, red on discharge and for the 14 days
//! after it). Risk assessments are scored with a copy of `policies/risk-tool.toml`
//! (version `2020-tcr-1`). Review panels are left empty (no users are written or read), so the
//! same `seed` gives the same rows on any database.
//!
//! Everything is deterministic for a given `seed` and `today`: ids are UUID-v4-shaped strings
//! drawn from a per-person `SplitMix64` stream.
//!
//! `tcr bench --load` serves such a register and drives it with concurrent clients: [`serve`]
//! runs it, [`load`] drives the routes and sums up, [`http`] is its small HTTP/1.1 client.

pub mod http;
pub mod load;
pub mod serve;

// Names, places and reasons are shared with the demo register.
use crate::demo;
use crate::demo::{
    AMBER, CAMBS_CB, CAMBS_PE, DESTINATIONS, FATHERS, GREEN, HOSPITALS, Hospital, INWARD_LETTERS,
    KEYWORKERS, Level, MOTHERS, OVERRIDE_DOWN, OVERRIDE_UP, PBORO_PE, RED, SOCIAL_WORKERS,
    VISITORS,
};
use crate::domain::age::age_on;
use crate::domain::nhs_number::check_digit;
use crate::domain::review::LINES_OF_ENQUIRY;
use crate::domain::schedule::add_months;
use crate::entities::{
    action, admission, consent, person, rating_event, referral, review, risk_assessment, visit,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, IntoActiveModel, Iterable, QuerySelect, TransactionTrait,
};
use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// Rows inserted, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedStats {
    pub people: u64,
    pub consents: u64,
    pub risk_assessments: u64,
    pub rating_events: u64,
    pub admissions: u64,
    pub visits: u64,
    pub reviews: u64,
    pub actions: u64,
    pub referrals: u64,
}

impl SeedStats {
    /// Rows inserted in all tables.
    pub fn total(&self) -> u64 {
        self.people
            + self.consents
            + self.risk_assessments
            + self.rating_events
            + self.admissions
            + self.visits
            + self.reviews
            + self.actions
            + self.referrals
    }

    fn add(&mut self, o: SeedStats) {
        self.people += o.people;
        self.consents += o.consents;
        self.risk_assessments += o.risk_assessments;
        self.rating_events += o.rating_events;
        self.admissions += o.admissions;
        self.visits += o.visits;
        self.reviews += o.reviews;
        self.actions += o.actions;
        self.referrals += o.referrals;
    }
}

/// Who the synthetic rows say recorded them.
const BY: &str = "synthetic";
/// How far back registrations go: three years.
const HORIZON_DAYS: i64 = 1095;
/// How far back rating histories go: two years.
const HISTORY_DAYS: i64 = 730;
/// People generated (and written) at a time, to bound memory.
const CHUNK: usize = 4096;
/// Bound parameters per statement: SQLite's default `SQLITE_MAX_VARIABLE_NUMBER` (3.32+).
const SQLITE_PARAMS: usize = 32_766;
/// PostgreSQL (and MySQL) allow at most this many bind parameters in one statement.
const POSTGRES_PARAMS: usize = 65_535;
/// Concurrent writers (connections, each with its own transaction) on PostgreSQL.
const POSTGRES_WRITERS: usize = 2;
/// SQLite page cache for the seeding connection, in KiB (the default is 2 MiB).
const SQLITE_CACHE_KIB: i64 = -262_144;

/// Brings a seeded register's projection up to date for `today` (what `tcr refresh-due` does),
/// so that what is measured next reads the projection rather than filling it.
pub async fn project(
    app: &crate::services::App,
    today: Date,
) -> Result<(), crate::error::AppError> {
    crate::services::people::projection::refresh_stale(
        &app.db,
        &app.policies.schedule,
        today,
        1000,
        u64::MAX,
    )
    .await?;
    crate::services::people::projection::fill_search_keys(&app.db).await?;
    crate::db::after_bulk_change(&app.db).await?;
    Ok(())
}

/// Seeds `people` synthetic people with their histories, dated back from `today` (registrations
/// over the last three years, rating events over the last two; upcoming reviews and the due
/// dates of open actions may fall after `today`). The same `seed` and `today` give the same rows.
/// Meant for an empty register: NHS numbers already on the register are skipped, nothing else
/// is checked against existing rows. On error nothing is written. On PostgreSQL it uses two
/// connections of the pool (one if a second cannot be had).
pub async fn seed_synthetic(
    db: &DatabaseConnection,
    people: usize,
    today: Date,
    seed: u64,
) -> Result<SeedStats, DbErr> {
    let backend = db.get_database_backend();
    let (limit, writers) = match backend {
        DbBackend::Sqlite => (SQLITE_PARAMS, 1),
        _ => (POSTGRES_PARAMS, POSTGRES_WRITERS),
    };
    let taken: HashSet<String> = person::Entity::find()
        .select_only()
        .column(person::Column::NhsNumber)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut numbers = NhsNumbers::new(seed, taken);

    let mut txs = vec![db.begin().await?];
    while txs.len() < writers {
        match db.begin().await {
            Ok(tx) => txs.push(tx),
            Err(_) => break, // a small pool: make do with fewer writers
        }
    }
    // A bigger page cache for the seeding connection only, put back before the commit.
    let mut restore_cache = None;
    if backend == DbBackend::Sqlite {
        let row = txs[0]
            .query_one_raw(sea_orm::Statement::from_string(
                backend,
                "PRAGMA cache_size",
            ))
            .await?;
        restore_cache = row.and_then(|r| r.try_get_by_index::<i64>(0).ok());
        txs[0]
            .execute_unprepared(&format!("PRAGMA cache_size = {}", SQLITE_CACHE_KIB))
            .await?;
    }

    // One producer generates chunks in person order (so the rows do not depend on the number of
    // writers); the writers take them as they come, each in its own transaction.
    let (send, recv) = rocket::tokio::sync::mpsc::channel::<Rows>(writers);
    let recv = rocket::tokio::sync::Mutex::new(recv);
    let produce = async move {
        let mut next = 0;
        while next < people {
            let end = (next + CHUNK).min(people);
            let mut rows = Rows::default();
            for i in next..end {
                let mut g = Gen {
                    rng: Rng::for_item(seed, i as u64),
                    today,
                    rows: &mut rows,
                };
                g.person(&mut numbers)?;
            }
            if send.send(rows).await.is_err() {
                break; // a writer failed and closed the queue
            }
            next = end;
        }
        Ok::<(), DbErr>(())
    };
    let (produced, written) = rocket::futures::future::join(
        produce,
        rocket::futures::future::join_all(txs.iter().map(|tx| write(tx, &recv, limit))),
    )
    .await;
    produced?;
    let mut stats = SeedStats::default();
    for w in written {
        stats.add(w?);
    }
    if let Some(kib) = restore_cache {
        txs[0]
            .execute_unprepared(&format!("PRAGMA cache_size = {kib}"))
            .await?;
    }
    for tx in txs {
        tx.commit().await?;
    }
    Ok(stats)
}

// ---------------------------------------------------------------------------------------------
// Writing

type Queue = rocket::tokio::sync::Mutex<rocket::tokio::sync::mpsc::Receiver<Rows>>;

/// A writer: takes chunks off the queue and inserts them in `tx` until the queue is empty and
/// closed; on error, closes the queue so the producer and the other writers stop.
async fn write(tx: &DatabaseTransaction, queue: &Queue, limit: usize) -> Result<SeedStats, DbErr> {
    let mut stats = SeedStats::default();
    loop {
        let rows = queue.lock().await.recv().await;
        let Some(rows) = rows else {
            return Ok(stats);
        };
        match rows.insert(tx, limit).await {
            Ok(s) => stats.add(s),
            Err(e) => {
                queue.lock().await.close();
                return Err(e);
            }
        }
    }
}

#[derive(Default)]
struct Rows {
    people: Vec<person::Model>,
    consents: Vec<consent::Model>,
    assessments: Vec<risk_assessment::Model>,
    /// Active models: `seq` is left to the database.
    events: Vec<rating_event::ActiveModel>,
    admissions: Vec<admission::Model>,
    visits: Vec<visit::Model>,
    reviews: Vec<review::Model>,
    actions: Vec<action::Model>,
    referrals: Vec<referral::Model>,
}

impl Rows {
    /// Parents before children, for the foreign keys.
    async fn insert(self, db: &impl ConnectionTrait, limit: usize) -> Result<SeedStats, DbErr> {
        fn active<M: IntoActiveModel<A>, A: ActiveModelTrait>(rows: Vec<M>) -> Vec<A> {
            rows.into_iter()
                .map(IntoActiveModel::into_active_model)
                .collect()
        }
        Ok(SeedStats {
            people: insert(db, active::<_, person::ActiveModel>(self.people), limit).await?,
            consents: insert(db, active::<_, consent::ActiveModel>(self.consents), limit).await?,
            risk_assessments: insert(
                db,
                active::<_, risk_assessment::ActiveModel>(self.assessments),
                limit,
            )
            .await?,
            rating_events: insert(db, self.events, limit).await?,
            admissions: insert(
                db,
                active::<_, admission::ActiveModel>(self.admissions),
                limit,
            )
            .await?,
            visits: insert(db, active::<_, visit::ActiveModel>(self.visits), limit).await?,
            reviews: insert(db, active::<_, review::ActiveModel>(self.reviews), limit).await?,
            actions: insert(db, active::<_, action::ActiveModel>(self.actions), limit).await?,
            referrals: insert(
                db,
                active::<_, referral::ActiveModel>(self.referrals),
                limit,
            )
            .await?,
        })
    }
}

/// Multi-row inserts of at most `limit / columns` rows each; returns the rows written.
async fn insert<A>(db: &impl ConnectionTrait, rows: Vec<A>, limit: usize) -> Result<u64, DbErr>
where
    A: ActiveModelTrait + Send,
{
    let columns = <<A as ActiveModelTrait>::Entity as EntityTrait>::Column::iter().count();
    let per_statement = (limit / columns.max(1)).max(1);
    let mut written = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(per_statement).collect();
        written += <A::Entity as EntityTrait>::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(written)
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// `SplitMix64`.
struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// An independent stream for item `i` of the run `seed`.
    fn for_item(seed: u64, i: u64) -> Self {
        Rng(mix(seed ^ mix(i.wrapping_add(0x5EED_0000_7C52_0DE3))))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// From `lo` to `hi`, both included (`lo` when `hi <= lo`).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    fn pct(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut n = self.next() % total.max(1);
        for (item, w) in items {
            if n < *w {
                return *item;
            }
            n -= w;
        }
        items[items.len() - 1].0
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }

    /// A day from `from` to `to`, both included (`from` when `to` is earlier).
    fn day(&mut self, from: Date, to: Date) -> Date {
        from + Duration::days(self.range(0, (to - from).whole_days()))
    }

    /// A moment on `d` in office hours, UTC, in whole seconds.
    fn at(&mut self, d: Date) -> OffsetDateTime {
        let t = Time::from_hms(
            self.range(8, 17) as u8,
            self.range(0, 59) as u8,
            self.range(0, 59) as u8,
        )
        .unwrap_or(Time::MIDNIGHT);
        PrimitiveDateTime::new(d, t).assume_utc()
    }

    /// A UUID-v4-shaped id.
    fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// NHS numbers `999 xxx xxx c`: the six middle digits walk a seed-chosen permutation of
/// 0..1,000,000 (an affine map with a multiplier prime to 10), skipping the prefixes that admit
/// no check digit and any number already taken, so they never repeat.
struct NhsNumbers {
    multiplier: u64,
    offset: u64,
    next: u64,
    taken: HashSet<String>,
}

const MIDDLES: u64 = 1_000_000;

impl NhsNumbers {
    fn new(seed: u64, taken: HashSet<String>) -> Self {
        let mut multiplier = (mix(seed ^ 0x4E48_5300) % MIDDLES) | 1;
        while multiplier.is_multiple_of(5) {
            multiplier = (multiplier + 2) % MIDDLES;
        }
        NhsNumbers {
            multiplier,
            offset: mix(seed ^ 0x4E48_5301) % MIDDLES,
            next: 0,
            taken,
        }
    }

    fn take(&mut self) -> Result<String, DbErr> {
        while self.next < MIDDLES {
            let k = (self.multiplier * self.next + self.offset) % MIDDLES;
            self.next += 1;
            let mut digits = [9u8, 9, 9, 0, 0, 0, 0, 0, 0];
            let mut rest = k;
            for d in digits.iter_mut().skip(3).rev() {
                *d = (rest % 10) as u8;
                rest /= 10;
            }
            let Some(check) = check_digit(&digits) else {
                continue;
            };
            let s: String = digits
                .iter()
                .chain(std::iter::once(&check))
                .map(|d| char::from(b'0' + d))
                .collect();
            if !self.taken.contains(&s) {
                return Ok(s);
            }
        }
        Err(DbErr::Custom(
            "the 999 test range of NHS numbers is used up (about 909,000 numbers)".into(),
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// The risk tool (a copy of policies/risk-tool.toml; a test checks they agree)

const TOOL_VERSION: &str = "2020-tcr-1";
const RED_FROM: u32 = 14;
const AMBER_FROM: u32 = 7;
const KEY_RULE_UNDER_AGE: u32 = 18;
/// Question id, weight, key question.
const QUESTIONS: [(&str, u32, bool); 12] = [
    ("mh_unstable", 3, true),
    ("behaviour_challenges", 3, true),
    ("unstable_environment", 3, true),
    ("crisis_last_month", 3, true),
    ("harm_to_self_or_others", 3, false),
    ("admission_last_year", 2, false),
    ("placement_breakdown", 2, false),
    ("carers_not_coping", 2, false),
    ("community_options_exhausted", 2, false),
    ("criminal_justice", 1, false),
    ("transition", 1, false),
    ("substance_misuse", 1, false),
];

fn rating_str(level: Level) -> &'static str {
    match level {
        GREEN => "green",
        AMBER => "amber",
        _ => "red",
    }
}

/// Answers aimed at `level`, their score and the suggested level for someone of `age`.
fn answers(g: &mut Rng, level: Level, age: u32) -> ([bool; 12], u32, Level) {
    let (lo, hi) = match level {
        GREEN => (0, i64::from(AMBER_FROM) - 1),
        AMBER => (i64::from(AMBER_FROM), i64::from(RED_FROM) - 1),
        _ => (i64::from(RED_FROM), i64::from(RED_FROM) + 8),
    };
    let goal = g.range(lo, hi) as u32;
    let mut order: [usize; 12] = std::array::from_fn(|i| i);
    g.shuffle(&mut order);
    let mut yes = [false; 12];
    let mut score = 0;
    for i in order {
        let w = QUESTIONS[i].1;
        if score + w <= goal {
            score += w;
            yes[i] = true;
        }
    }
    let all_keys = QUESTIONS
        .iter()
        .zip(yes)
        .filter(|((_, _, key), _)| *key)
        .all(|(_, y)| y);
    let suggested = if (all_keys && age < KEY_RULE_UNDER_AGE) || score >= RED_FROM {
        RED
    } else if score >= AMBER_FROM {
        AMBER
    } else {
        GREEN
    };
    (yes, score, suggested)
}

/// The answers as the service stores them: a JSON object in question-id order.
fn answers_json(yes: &[bool; 12]) -> String {
    let map: BTreeMap<&str, bool> = QUESTIONS
        .iter()
        .zip(yes)
        .map(|((id, _, _), y)| (*id, *y))
        .collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
}

// ---------------------------------------------------------------------------------------------
// One person

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Course {
    Community,
    /// In hospital today.
    InHospital,
    /// Admitted and discharged within the history window.
    Discharged,
}

/// An open stay, for the reviews that follow it.
struct OpenStay {
    admitted_on: Date,
    security_level: &'static str,
}

struct Gen<'a> {
    rng: Rng,
    today: Date,
    rows: &'a mut Rows,
}

impl Gen<'_> {
    fn person(&mut self, numbers: &mut NhsNumbers) -> Result<(), DbErr> {
        let today = self.today;
        let g = &mut self.rng;
        let id = g.uuid();
        let nhs_number = numbers.take()?;
        let sex = g.weighted(&[
            ("male", 62),
            ("female", 33),
            ("indeterminate", 2),
            ("not_known", 3),
        ]);
        let given = given_name(g, sex);
        let family = g.pick(&FAMILY);
        // Ages today: a fifth 8–13, three tenths 14–17, three tenths 18–25, a fifth 26–45.
        let band = g.weighted(&[
            ((8, 13), 20),
            ((14, 17), 30),
            ((18, 25), 30),
            ((26, 45), 20),
        ]);
        let born = birth_date(g, today, band);
        let age = age_on(born, today).unwrap_or(0);
        let child = age < 18;
        let registered_on = today - days(g.range(3, HORIZON_DAYS - 45));

        // 1% consent withdrawn, 3% closed, the rest active.
        let fate = g.range(0, 999);
        // Left within the last two years (so inside the history window), a month or more after
        // joining where there has been a month.
        let left_from = (registered_on + days(30).min(today - registered_on))
            .max(today - days(HISTORY_DAYS - 30));
        let last_day = g.day(left_from, today);
        let (status, end) = match fate {
            0..=9 => ("withdrawn", last_day),
            10..=39 => ("closed", last_day),
            _ => ("active", today),
        };

        let local_authority = if g.pct(55) {
            "Cambridgeshire"
        } else {
            "Peterborough"
        };
        let postcode = postcode(g, local_authority);
        let (learning_disability, autism) =
            g.weighted(&[((true, false), 30), ((false, true), 35), ((true, true), 35)]);
        let mut setting = if child {
            g.weighted(&[
                ("family_home", 45),
                ("residential_school", 20),
                ("foster_care", 12),
                ("residential_care", 12),
                ("other", 5),
            ])
        } else {
            g.weighted(&[
                ("supported_living", 35),
                ("residential_care", 25),
                ("family_home", 30),
                ("other", 10),
            ])
        };
        let ehcp = age < 26 && g.pct(if child { 70 } else { 45 });
        let social_worker = g
            .pct(if child { 80 } else { 55 })
            .then(|| g.pick(SOCIAL_WORKERS).to_string());
        let keyworker = g.pct(55).then(|| g.pick(KEYWORKERS).to_string());

        let consent = consent_row(
            g,
            &id,
            born,
            registered_on,
            family,
            setting,
            local_authority,
        );
        self.rows.consents.push(consent);

        // The rating history: 1–6 events in [window, end].
        let window = registered_on.max(today - days(HISTORY_DAYS));
        let span = (end - window).whole_days();
        let roll = g.range(0, 99);
        let course = if status == "active" && span >= 20 && roll < 6 {
            Course::InHospital
        } else if span >= 60 && roll < 10 {
            Course::Discharged
        } else {
            Course::Community
        };
        if course == Course::InHospital && g.pct(50) {
            setting = "hospital";
        }
        let created_at = g.at(registered_on);
        let ended_at = g.at(end);
        let (closed_on, closed_reason) = match status {
            "closed" => (Some(end), Some(g.pick(CLOSED_REASONS).to_string())),
            _ => (None, None),
        };
        let (withdrawn_on, withdrawn_reason, withdrawn_at) = match status {
            "withdrawn" => (
                Some(end),
                Some(g.pick(WITHDRAWN_REASONS).to_string()),
                Some(ended_at),
            ),
            _ => (None, None, None),
        };
        let updated_at = if status == "active" {
            created_at
        } else {
            ended_at
        };
        self.rows.people.push(person::Model {
            id: id.clone(),
            nhs_number: nhs_number.clone(),
            given_name: given.into(),
            family_name: family.into(),
            date_of_birth: born,
            sex: sex.into(),
            postcode,
            local_authority: local_authority.into(),
            learning_disability,
            autism,
            ehcp,
            social_worker_from: social_worker.as_ref().map(|_| registered_on),
            social_worker,
            keyworker,
            setting: setting.into(),
            status: status.into(),
            registered_on,
            closed_on,
            closed_reason,
            withdrawn_on,
            withdrawn_reason,
            withdrawn_at,
            search_key: Some(crate::domain::search::key(given, family, &nhs_number)),
            sort_name: Some(crate::domain::search::sort_name(given, family)),
            created_at,
            updated_at,
        });

        let stay = self.history(&id, born, course, window, end);
        self.reviews(&id, born, ehcp, registered_on, status, end, stay.as_ref());
        self.referrals(
            &id,
            given,
            family,
            born,
            &nhs_number,
            registered_on,
            numbers,
        )?;
        Ok(())
    }

    /// Assessments, admissions, discharges and visits, in date order; the open stay, if any.
    fn history(
        &mut self,
        pid: &str,
        born: Date,
        course: Course,
        window: Date,
        end: Date,
    ) -> Option<OpenStay> {
        let g = &mut self.rng;
        match course {
            Course::Community => {
                let n = g.weighted(&[(1, 25), (2, 25), (3, 20), (4, 15), (5, 10), (6, 5)]);
                let first = g.day(window, (window + days(30)).min(end));
                let mut dates = vec![first];
                for _ in 1..n {
                    dates.push(g.day(first, end));
                }
                dates.sort();
                let mut level = g.weighted(&[(GREEN, 35), (AMBER, 40), (RED, 25)]);
                for d in dates {
                    self.assess(pid, born, d, level, true);
                    level = (level + self.rng.range(-1, 1)).clamp(GREEN, RED);
                }
                None
            }
            Course::InHospital => {
                let admitted = g.day((window + days(15)).max(end - days(400)), end - days(1));
                let before = g.weighted(&[(1, 30), (2, 35), (3, 25), (4, 10)]);
                self.before_admission(pid, born, window, admitted, before);
                let stay = self.admit(pid, born, admitted, None, end);
                Some(stay)
            }
            Course::Discharged => {
                let length = g.range(10, 150).min((end - window).whole_days() - 20);
                let discharged = g.day(window + days(10 + length), end);
                let admitted = discharged - days(length);
                let before = g.range(1, 2);
                self.before_admission(pid, born, window, admitted, before);
                self.admit(pid, born, admitted, Some(discharged), end);
                let red_until = discharged + days(14);
                if red_until <= end {
                    let after = self.rng.weighted(&[(0, 30), (1, 45), (2, 25)]);
                    let mut dates: Vec<Date> =
                        (0..after).map(|_| self.rng.day(red_until, end)).collect();
                    dates.sort();
                    for d in dates {
                        let level = self.rng.weighted(&[(GREEN, 30), (AMBER, 45), (RED, 25)]);
                        self.assess(pid, born, d, level, true);
                    }
                }
                None
            }
        }
    }

    /// `count` assessments from `window` to the day before `admitted`, rising to the last (red,
    /// now and then amber).
    fn before_admission(
        &mut self,
        pid: &str,
        born: Date,
        window: Date,
        admitted: Date,
        count: i64,
    ) {
        let last_day = (admitted - days(1)).max(window);
        let mut dates: Vec<Date> = (0..count).map(|_| self.rng.day(window, last_day)).collect();
        dates.sort();
        let last = if self.rng.pct(85) { RED } else { AMBER };
        let mut level = (last - self.rng.range(0, count - 1)).max(GREEN);
        let n = dates.len();
        for (i, d) in dates.into_iter().enumerate() {
            let is_last = i + 1 == n;
            let target = if is_last { last } else { level };
            self.assess(pid, born, d, target, !is_last);
            level = (level + 1).min(last);
        }
    }

    fn assess(&mut self, pid: &str, born: Date, on: Date, level: Level, may_override: bool) {
        let g = &mut self.rng;
        let age = age_on(born, on).unwrap_or(0);
        let (yes, score, suggested) = answers(g, level, age);
        let (rating, reason) = if may_override && g.pct(10) {
            let up = match suggested {
                GREEN => true,
                RED => false,
                _ => g.pct(50),
            };
            if up {
                (suggested + 1, Some(g.pick(OVERRIDE_UP)))
            } else {
                (suggested - 1, Some(g.pick(OVERRIDE_DOWN)))
            }
        } else {
            (suggested, None)
        };
        let id = g.uuid();
        let recorded_at = g.at(on);
        let why = match reason {
            Some(r) => format!(
                "Risk assessment, score {score} (suggested {}): {r}",
                rating_str(suggested)
            ),
            None => format!("Risk assessment, score {score}"),
        };
        self.rows.assessments.push(risk_assessment::Model {
            id: id.clone(),
            person_id: pid.into(),
            assessed_on: on,
            answers: answers_json(&yes),
            score: score as i32,
            suggested_rating: rating_str(suggested).into(),
            rating: rating_str(rating).into(),
            override_reason: reason.map(String::from),
            tool_version: TOOL_VERSION.into(),
            assessed_by: BY.into(),
            recorded_at,
            voided_at: None,
            voided_by: None,
            void_reason: None,
        });
        self.event(pid, rating_str(rating), on, "assessment", &id, why);
    }

    fn event(
        &mut self,
        pid: &str,
        rating: &str,
        on: Date,
        source: &str,
        source_id: &str,
        why: String,
    ) {
        let recorded_at = self.rng.at(on);
        self.rows.events.push(rating_event::ActiveModel {
            seq: NotSet,
            person_id: Set(pid.into()),
            rating: Set(rating.into()),
            effective_on: Set(on),
            source: Set(source.into()),
            source_id: Set(source_id.into()),
            reason: Set(Some(why)),
            recorded_by: Set(BY.into()),
            recorded_at: Set(recorded_at),
        });
    }

    /// An admission on `admitted` (blue), its visits, and its discharge (red) if given.
    fn admit(
        &mut self,
        pid: &str,
        born: Date,
        admitted: Date,
        discharged: Option<Date>,
        end: Date,
    ) -> OpenStay {
        let g = &mut self.rng;
        let child = age_on(born, admitted).is_some_and(|a| a < 18);
        let choices: Vec<&Hospital> = HOSPITALS.iter().filter(|h| h.children == child).collect();
        let hospital = loop {
            let h = g.pick(&choices);
            if h.name != "Rampton Hospital" || g.pct(20) {
                break h;
            }
        };
        let security_level = g.pick(hospital.security);
        let legal_status = match security_level {
            "high" | "medium" => g.weighted(&[("section_3", 70), ("other", 30)]),
            "low" => g.weighted(&[("section_3", 75), ("section_2", 25)]),
            _ => g.weighted(&[("informal", 25), ("section_2", 40), ("section_3", 35)]),
        };
        let planned = g.pct(60).then(|| admitted + days(g.range(28, 180)));
        let destination = discharged.map(|_| g.pick(DESTINATIONS));
        let id = g.uuid();
        let recorded_at = g.at(admitted);
        self.rows.admissions.push(admission::Model {
            id: id.clone(),
            person_id: pid.into(),
            admitted_on: admitted,
            hospital: hospital.name.into(),
            security_level: security_level.into(),
            legal_status: legal_status.into(),
            planned_discharge_on: planned,
            discharged_on: discharged,
            destination: destination.map(String::from),
            recorded_by: BY.into(),
            recorded_at,
        });
        self.event(
            pid,
            "blue",
            admitted,
            "admission",
            &id,
            format!("Admitted to {}", hospital.name),
        );
        // Oversight visits every six to nine weeks, now and then missed.
        let last_visit_day = discharged.map_or(end, |d| d - days(1));
        let mut day = admitted + days(self.rng.range(14, 56));
        let mut visits = 0;
        while day <= last_visit_day && visits < 6 {
            if self.rng.pct(75) {
                let recorded_at = self.rng.at(day);
                self.rows.visits.push(visit::Model {
                    id: self.rng.uuid(),
                    person_id: pid.into(),
                    admission_id: id.clone(),
                    visited_on: day,
                    visitor: self.rng.pick(VISITORS).into(),
                    recorded_by: BY.into(),
                    recorded_at,
                });
                visits += 1;
            }
            day += days(self.rng.range(42, 63));
        }
        if let (Some(d), Some(dest)) = (discharged, destination) {
            self.event(
                pid,
                "red",
                d,
                "discharge",
                &id,
                format!("Discharged to {dest}: red for at least 14 days"),
            );
        }
        OpenStay {
            admitted_on: admitted,
            security_level,
        }
    }

    /// About 1.5 reviews a person: chains of held reviews (each with its action plan) ending in
    /// the scheduled review the last one set up (upcoming, some overdue; cancelled for people no
    /// longer on the register).
    #[allow(clippy::too_many_arguments)]
    fn reviews(
        &mut self,
        pid: &str,
        born: Date,
        ehcp: bool,
        registered_on: Date,
        status: &str,
        end: Date,
        stay: Option<&OpenStay>,
    ) {
        let today = self.today;
        let n = self
            .rng
            .weighted(&[(0, 25), (1, 25), (2, 30), (3, 15), (4, 5)]);
        if n == 0 {
            return;
        }
        let active = status == "active";
        // (kind, scheduled_for, due_by, held_on)
        let mut plan: Vec<(&'static str, Date, Option<Date>, Option<Date>)> = Vec::new();
        if let Some(s) = stay {
            // Post-admission review, then inpatient reviews at the interval for the person.
            let child_then = age_on(born, s.admitted_on).is_some_and(|a| a < 18);
            let pa_due = s.admitted_on + days(if child_then { 14 } else { 28 });
            let months = if age_on(born, today).is_some_and(|a| a < 18) {
                3
            } else if s.security_level == "none" {
                6
            } else {
                12
            };
            let mut kind = "post_admission";
            let mut when =
                s.admitted_on + days(self.rng.range(5, if child_then { 12 } else { 26 }));
            let mut due = pa_due;
            for k in 0..n {
                let last = k + 1 == n;
                if last || when > today {
                    plan.push((kind, when, Some(due), None));
                    break;
                }
                let held = (when + days(self.rng.range(-3, 7))).clamp(s.admitted_on, today);
                plan.push((kind, when, Some(due), Some(held)));
                kind = "inpatient";
                when = add_months(held, months);
                due = when;
            }
        } else {
            // Held community reviews three months apart, back from the latest, then the
            // follow-up the latest one scheduled.
            let earliest = registered_on + days(7);
            let mut held: Vec<Date> = Vec::new();
            let mut day = if active {
                today - days(self.rng.range(0, 105))
            } else {
                end - days(self.rng.range(0, 60))
            };
            for _ in 1..n {
                if day < earliest {
                    break;
                }
                held.push(day);
                day -= days(self.rng.range(85, 120));
            }
            held.reverse();
            let first_kind = if self.rng.pct(12) {
                "laep"
            } else {
                "community"
            };
            let mut previous: Option<Date> = None;
            for h in held {
                match previous {
                    None => plan.push((first_kind, h, None, Some(h))),
                    Some(p) => {
                        let due = add_months(p, 3);
                        plan.push(("follow_up", due, Some(due), Some(h)));
                    }
                }
                previous = Some(h);
            }
            match previous {
                Some(p) => {
                    let due = add_months(p, 3);
                    plan.push(("follow_up", due, Some(due), None));
                }
                None => {
                    let day = if active {
                        today + days(self.rng.range(-10, 60))
                    } else {
                        end + days(self.rng.range(1, 60))
                    };
                    plan.push((first_kind, day.max(earliest), None, None));
                }
            }
        }

        let mut previous: Option<(String, Date)> = None;
        for (kind, scheduled_for, due_by, held_on) in plan {
            let g = &mut self.rng;
            let id = g.uuid();
            let created_at = match &previous {
                // Scheduled when the previous review was held.
                Some((_, h)) => {
                    let t = Time::from_hms(16, g.range(0, 59) as u8, 0).unwrap_or(Time::MIDNIGHT);
                    PrimitiveDateTime::new(*h, t).assume_utc()
                }
                None => {
                    let first_day = held_on.unwrap_or(scheduled_for);
                    let day = (first_day - days(g.range(7, 42)))
                        .max(registered_on)
                        .min(today)
                        .min(end)
                        .min(first_day);
                    g.at(day)
                }
            };
            let age = age_on(born, scheduled_for).unwrap_or(0);
            let review_type = if age < 18 || (age <= 25 && ehcp) {
                "cetr"
            } else {
                "ctr"
            };
            let (review_status, cancelled_reason) = match held_on {
                Some(_) => ("held", None),
                None if status == "withdrawn" => ("cancelled", Some("Consent withdrawn")),
                None if status == "closed" => ("cancelled", Some(CANCELLED_CLOSED)),
                None if g.pct(3) => ("cancelled", Some(g.pick(CANCELLED_REASONS))),
                None => ("scheduled", None),
            };
            let (findings, recommendations, report_sent_on) = match held_on {
                Some(h) => {
                    let findings: BTreeMap<&str, &str> = LINES_OF_ENQUIRY
                        .iter()
                        .map(|(k, _)| (*k, g.pick(FINDINGS)))
                        .collect();
                    let sent = h + days(g.range(2, 20));
                    (
                        serde_json::to_string(&findings).ok(),
                        Some(g.pick(RECOMMENDATIONS).to_string()),
                        (sent <= today && g.pct(85)).then_some(sent),
                    )
                }
                None => (None, None, None),
            };
            let scheduled_on = match &previous {
                Some((_, h)) => *h,
                None => [
                    Some(crate::clock::uk_date(created_at)),
                    Some(scheduled_for),
                    held_on,
                ]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(scheduled_for),
            };
            let cancelled_on = cancelled_reason.map(|_| scheduled_on.max(end.min(today)));
            self.rows.reviews.push(review::Model {
                id: id.clone(),
                person_id: pid.into(),
                kind: kind.into(),
                review_type: review_type.into(),
                status: review_status.into(),
                scheduled_for,
                starts_at: None,
                place: None,
                scheduled_on,
                due_by,
                chair_id: None,
                expert_by_experience_id: None,
                clinical_expert_id: None,
                held_on,
                findings,
                recommendations,
                report_sent_on,
                cancelled_reason: cancelled_reason.map(String::from),
                cancelled_on,
                previous_review_id: previous.as_ref().map(|(p, _)| p.clone()),
                created_by: BY.into(),
                created_at,
            });
            if let Some(h) = held_on {
                self.actions(pid, &id, h, end);
                previous = Some((id, h));
            }
        }
    }

    /// Two to four actions agreed at a review held on `held`: done, open (overdue once past
    /// their day) or dropped.
    fn actions(&mut self, pid: &str, review_id: &str, held: Date, end: Date) {
        let today = self.today;
        let g = &mut self.rng;
        let latest = today.min(end).max(held);
        for _ in 0..g.range(2, 4) {
            let due_on = held + days(g.range(7, 90));
            let created_at = PrimitiveDateTime::new(
                held,
                Time::from_hms(16, g.range(0, 59) as u8, 0).unwrap_or(Time::MIDNIGHT),
            )
            .assume_utc();
            let roll = g.range(0, 99);
            let (status, completed_on, note, updated_at) = if due_on < today {
                match roll {
                    0..=59 => {
                        let late = g.range(-10, 20);
                        let done = g.day(held, (due_on + days(late)).min(latest));
                        ("done", Some(done), None, g.at(done))
                    }
                    60..=89 => ("open", None, None, created_at),
                    _ => {
                        let dropped = g.day(held, latest);
                        (
                            "dropped",
                            Some(dropped),
                            Some(g.pick(DROPPED_NOTES)),
                            g.at(dropped),
                        )
                    }
                }
            } else if roll < 20 {
                let done = g.day(held, latest);
                ("done", Some(done), None, g.at(done))
            } else {
                ("open", None, None, created_at)
            };
            let (who, what, how) = g.pick(ACTIONS);
            self.rows.actions.push(action::Model {
                id: g.uuid(),
                review_id: review_id.into(),
                person_id: pid.into(),
                who: who.into(),
                what: what.into(),
                due_on,
                how: how.into(),
                status: status.into(),
                completed_on,
                note: note.map(String::from),
                created_at,
                updated_at: updated_at.max(created_at),
            });
        }
    }

    /// About one person in five comes with a referral: 14% the accepted referral that added
    /// them, 6% a referral about someone else (declined, or still awaiting a decision).
    #[allow(clippy::too_many_arguments)]
    fn referrals(
        &mut self,
        pid: &str,
        given: &str,
        family: &str,
        born: Date,
        nhs_number: &str,
        registered_on: Date,
        numbers: &mut NhsNumbers,
    ) -> Result<(), DbErr> {
        let today = self.today;
        let oldest = today - days(HORIZON_DAYS);
        let roll = self.rng.range(0, 99);
        if roll < 14 {
            let g = &mut self.rng;
            let received = (registered_on - days(g.range(5, 40))).max(oldest);
            let sent = registered_on + days(g.range(0, 7));
            let nhs = g.pct(80).then(|| nhs_number.to_string());
            let row = self.referral(
                given,
                family,
                born,
                nhs,
                received,
                ("accepted", Some(registered_on), Some(pid.to_string())),
                (sent <= today).then_some(sent),
            );
            self.rows.referrals.push(row);
        } else if roll < 20 {
            let g = &mut self.rng;
            let sex = g.weighted(&[("male", 62), ("female", 33), ("not_known", 5)]);
            let given = given_name(g, sex);
            let family = g.pick(&FAMILY);
            let band = g.weighted(&[((8, 17), 55), ((18, 25), 30), ((26, 45), 15)]);
            let born = birth_date(g, today, band);
            let nhs = if g.pct(50) {
                Some(numbers.take()?)
            } else {
                None
            };
            let g = &mut self.rng;
            let row = if g.pct(60) {
                let received = today - days(g.range(30, HORIZON_DAYS));
                let decided = (received + days(g.range(3, 40))).min(today);
                let sent = decided + days(g.range(0, 10));
                let sent = (sent <= today && g.pct(80)).then_some(sent);
                self.referral(
                    given,
                    family,
                    born,
                    nhs,
                    received,
                    ("declined", Some(decided), None),
                    sent,
                )
            } else {
                let received = today - days(g.range(0, 60));
                self.referral(
                    given,
                    family,
                    born,
                    nhs,
                    received,
                    ("awaiting_decision", None, None),
                    None,
                )
            };
            self.rows.referrals.push(row);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn referral(
        &mut self,
        given: &str,
        family: &str,
        born: Date,
        nhs_number: Option<String>,
        received_on: Date,
        (status, decided_on, person_id): (&str, Option<Date>, Option<String>),
        outcome_sent_on: Option<Date>,
    ) -> referral::Model {
        let g = &mut self.rng;
        let oldest = self.today - days(HORIZON_DAYS);
        let (referrer_name, referrer_role) = g.pick(REFERRERS);
        let mdt_held_on = g
            .pct(80)
            .then(|| (received_on - days(g.range(0, 30))).max(oldest));
        let scored = g.pct(70).then(|| {
            let level = g.weighted(&[(GREEN, 20), (AMBER, 40), (RED, 40)]);
            let age = age_on(born, received_on).unwrap_or(0);
            answers(g, level, age)
        });
        let decision_reason = match status {
            "declined" => Some(g.pick(DECLINE_REASONS).to_string()),
            "accepted" => g
                .pct(50)
                .then(|| "Meets the criteria: at risk of admission without extra support".into()),
            _ => None,
        };
        referral::Model {
            id: g.uuid(),
            received_on,
            referrer_name: referrer_name.into(),
            referrer_role: referrer_role.into(),
            referrer_contact: g.pick(CONTACTS).into(),
            given_name: given.into(),
            family_name: family.into(),
            date_of_birth: born,
            nhs_number,
            reason: g.pick(REFERRAL_REASONS).into(),
            mdt_held_on,
            answers: scored.as_ref().map(|(yes, _, _)| answers_json(yes)),
            score: scored.as_ref().map(|(_, s, _)| *s as i32),
            suggested_rating: scored.as_ref().map(|(_, _, l)| rating_str(*l).to_string()),
            tool_version: scored.as_ref().map(|_| TOOL_VERSION.to_string()),
            status: status.into(),
            decided_on,
            decision_reason,
            decided_by: decided_on.map(|_| BY.to_string()),
            person_id,
            outcome_sent_on,
            created_by: BY.into(),
            created_at: g.at(received_on),
        }
    }
}

fn given_name(g: &mut Rng, sex: &str) -> &'static str {
    match sex {
        "male" => g.pick(&MALE),
        "female" => g.pick(&FEMALE),
        _ => g.pick(&UNISEX),
    }
}

/// A date of birth making the person an age within `band` (years) on `today`.
fn birth_date(g: &mut Rng, today: Date, band: (i64, i64)) -> Date {
    let years = g.range(band.0, band.1);
    let anniversary = Date::from_calendar_date(
        today.year() - years as i32,
        today.month(),
        today.day().min(28),
    )
    .unwrap_or(today - days(years * 365));
    anniversary - days(g.range(0, 360))
}

fn postcode(g: &mut Rng, local_authority: &str) -> String {
    let outward = if local_authority == "Peterborough" {
        format!("PE{}", g.pick(PBORO_PE))
    } else if g.pct(75) {
        format!("CB{}", g.pick(CAMBS_CB))
    } else {
        format!("PE{}", g.pick(CAMBS_PE))
    };
    let digit = g.range(0, 9);
    let a = char::from(g.pick(INWARD_LETTERS));
    let b = char::from(g.pick(INWARD_LETTERS));
    format!("{outward} {digit}{a}{b}")
}

/// A consent valid for the person's age on `on` (see `domain::consent`).
fn consent_row(
    g: &mut Rng,
    pid: &str,
    born: Date,
    on: Date,
    family: &str,
    setting: &str,
    local_authority: &str,
) -> consent::Model {
    let age = age_on(born, on).unwrap_or(0);
    let mut c = consent::Model {
        id: g.uuid(),
        person_id: pid.into(),
        basis: "self".into(),
        recorded_on: on,
        given_by: None,
        relationship: None,
        gillick_competent: false,
        capacity_assessed_on: None,
        best_interests_decision_on: None,
        recorded_by: BY.into(),
        recorded_at: g.at(on),
    };
    if age < 16 {
        if age >= 12 && g.pct(20) {
            c.gillick_competent = true;
        } else if setting == "foster_care" || setting == "residential_care" {
            c.basis = "parental".into();
            c.given_by = Some(match local_authority {
                "Peterborough" => "Peterborough City Council".into(),
                _ => "Cambridgeshire County Council".into(),
            });
            c.relationship = Some("local authority (care order)".into());
        } else {
            c.basis = "parental".into();
            let (parents, relationship) = g.weighted(&[
                ((MOTHERS, "mother"), 55),
                ((FATHERS, "father"), 25),
                ((MOTHERS, "adoptive mother"), 8),
                ((MOTHERS, "special guardian (grandmother)"), 12),
            ]);
            c.given_by = Some(format!("{} {family}", g.pick(parents)));
            c.relationship = Some(relationship.into());
        }
    } else if g.pct(35) {
        // Lacks capacity: assessed, then a best-interests meeting, neither after the consent
        // and neither before the 16th birthday.
        let sixteenth = Date::from_calendar_date(born.year() + 16, born.month(), born.day())
            .unwrap_or(born + days(16 * 365 + 4));
        let assessed = (on - days(g.range(5, 40))).max(sixteenth).min(on);
        let decided = g.day(assessed, on);
        c.basis = "best_interests".into();
        c.capacity_assessed_on = Some(assessed);
        c.best_interests_decision_on = Some(decided);
    }
    c
}

// ---------------------------------------------------------------------------------------------
// Vocabularies and names

/// The demo's names and more (more of them accented), so that a large register repeats fewer.
static FEMALE: LazyLock<Vec<&str>> =
    LazyLock::new(|| [demo::FEMALE, &["Aoife", "Renée", "Zofia", "Inés"]].concat());
static MALE: LazyLock<Vec<&str>> =
    LazyLock::new(|| [demo::MALE, &["Oisín", "José", "Rónán", "Jérôme"]].concat());
static UNISEX: LazyLock<Vec<&str>> = LazyLock::new(|| [demo::UNISEX, &["Rowan"]].concat());
static FAMILY: LazyLock<Vec<&str>> = LazyLock::new(|| {
    [
        demo::FAMILY,
        &[
            "Ó Súilleabháin",
            "Muñoz",
            "Müller",
            "Dąbrowski",
            "O'Connor",
            "Nguyen",
            "Smith",
            "Jones",
            "Williams",
            "Taylor",
            "Brown",
            "Davies",
            "Evans",
            "Wilson",
            "Patel",
            "Khan",
        ],
    ]
    .concat()
});

const CLOSED_REASONS: &[&str] = &[
    "Moved out of the area; care transferred to the new commissioner",
    "Stable for over a year: no longer at risk of admission",
    "Died",
    "Now supported by adult community services; no longer needs the register",
];
const WITHDRAWN_REASONS: &[&str] = &[
    "The person asked to be removed from the register",
    "Parent withdrew consent on the child's behalf",
];
const CANCELLED_CLOSED: &str = "Left the register";
const CANCELLED_REASONS: &[&str] = &[
    "Family unavailable on the day; to be rearranged",
    "Panel member unwell; to be rearranged",
];
const FINDINGS: &[&str] = &[
    "Discussed with the family and the team; see the action plan.",
    "No concerns raised; current arrangements are working.",
    "Some concerns: addressed in the action plan.",
    "Needs more information from the provider before the panel can be assured.",
];
const RECOMMENDATIONS: &[&str] = &[
    "Increase support at home; review the placement plan.",
    "Continue the current plan; share the crisis plan with school.",
    "Plan discharge to a supported living placement within three months.",
    "Refer for a sensory assessment and update the positive behaviour support plan.",
];
/// WHO, WHAT, HOW.
const ACTIONS: &[(&str, &str, &str)] = &[
    (
        "Children's social care",
        "Arrange a short-break (respite) package",
        "Funding request to the joint panel",
    ),
    (
        "Community LD nursing team",
        "Positive behaviour support plan",
        "Two home visits and a plan shared with school",
    ),
    (
        "Care coordinator",
        "Update the crisis plan",
        "Meeting with the family and the provider",
    ),
    (
        "Commissioner",
        "Identify a specialist placement",
        "Approach three providers on the framework",
    ),
    (
        "Psychiatrist",
        "Medication review",
        "Outpatient appointment and letter to the GP",
    ),
    (
        "SENCo",
        "Review the EHCP",
        "Early annual review with the local authority",
    ),
];
const DROPPED_NOTES: &[&str] = &[
    "No longer needed: the placement changed",
    "Superseded by the next review's plan",
];
const REFERRERS: &[(&str, &str)] = &[
    ("Dr Helen Price", "Consultant psychiatrist, CAMHS"),
    ("Mark Ellis", "Social worker, Peterborough City Council"),
    ("Sarah Lin", "SENCo, Fenland Academy"),
    ("Dr Amir Patel", "GP"),
    ("Community nurse", "Learning disability nursing team"),
    ("Janet Hughes", "Parent"),
];
const CONTACTS: &[&str] = &[
    "via the single point of access mailbox",
    "ld.team@example.nhs.uk",
    "surgery reception",
    "01733 000000",
];
const REFERRAL_REASONS: &[&str] = &[
    "Three A&E attendances this month; residential school placement ending.",
    "Supported living provider has given notice.",
    "We cannot keep him safe at home any more and need help.",
    "Struggling with the move to secondary school; parents worried.",
    "Worsening anxiety and self-injury; community team at capacity.",
];
const DECLINE_REASONS: &[&str] = &[
    "Not at risk of admission: needs met by the community learning disability team, who will follow up.",
    "Neither a learning disability nor autism: signposted to community mental health services.",
];

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consent::{self as rules, Consent, ConsentBasis};
    use crate::domain::nhs_number::NhsNumber;
    use crate::domain::returns::{Period, ReturnKind};
    use crate::services::App;
    use sea_orm::{ConnectionTrait, Database, PaginatorTrait};
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::time::Instant;

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

        // NHS numbers and consent.
        let people = person::Entity::find().all(db).await.unwrap();
        let consents: HashMap<String, consent::Model> = consent::Entity::find()
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
                basis: ConsentBasis::parse(&c.basis).expect("basis"),
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
        let closed = people.iter().filter(|p| p.status == "closed").count();
        let withdrawn = people.iter().filter(|p| p.status == "withdrawn").count();
        assert!(closed > 0, "some closed");

        // Rating histories: 1–6 events over the last two years, after consent, before the end.
        let events = rating_event::Entity::find().all(db).await.unwrap();
        let mut per_person: HashMap<&str, Vec<&rating_event::Model>> = HashMap::new();
        for e in &events {
            per_person.entry(e.person_id.as_str()).or_default().push(e);
        }
        for p in &people {
            let mine = per_person.get(p.id.as_str()).expect("a rating history");
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
        // Assessments score as the policy's tool does.
        let born: HashMap<&str, Date> = people
            .iter()
            .map(|p| (p.id.as_str(), p.date_of_birth))
            .collect();
        for a in risk_assessment::Entity::find().all(db).await.unwrap() {
            let answers: BTreeMap<String, bool> = serde_json::from_str(&a.answers).unwrap();
            let age = age_on(born[a.person_id.as_str()], a.assessed_on).unwrap();
            let scored = app.policies.risk_tool.score(&answers, age).expect("scores");
            assert_eq!(scored.score as i32, a.score);
            assert_eq!(scored.suggested.as_str(), a.suggested_rating);
            assert_eq!(a.override_reason.is_some(), a.rating != a.suggested_rating);
        }
        // No assessment during a stay or in the 14 days after it.
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

        // Reviews and actions.
        let reviews = review::Entity::find().all(db).await.unwrap();
        let actions = action::Entity::find().all(db).await.unwrap();
        for r in &reviews {
            assert!(r.created_at.date() <= today);
            assert!(r.created_at.date() <= r.held_on.unwrap_or(r.scheduled_for).max(today));
            if r.status == "held" {
                let mine = actions.iter().filter(|a| a.review_id == r.id).count();
                assert!((2..=4).contains(&mine));
                assert!(r.held_on.is_some_and(|h| h <= today));
            }
        }
        assert!(
            reviews
                .iter()
                .any(|r| r.status == "scheduled" && r.scheduled_for < today)
        );
        assert!(
            actions
                .iter()
                .any(|a| a.status == "open" && a.due_on < today)
        );
        assert!(actions.iter().any(|a| a.status == "done"));
        for a in &actions {
            assert!(a.completed_on.is_none_or(|d| d <= today));
        }

        // Every person on the register has a view (the return reads the same records).
        let mut active = 0;
        for p in people.iter().filter(|p| p.status == "active") {
            let v = crate::services::people::view_by_id(db, &p.id, today, &app.policies.schedule)
                .await
                .unwrap_or_else(|e| panic!("view of {}: {e:?}", p.id));
            assert_eq!(v.status, crate::domain::person::Status::Active);
            active += 1;
        }
        assert_eq!(active + closed + withdrawn, people.len());
        let month = format!("{:04}-{:02}", today.year(), today.month() as u8);
        let period = Period::parse(ReturnKind::Monthly, &month).unwrap();
        let (figures, _) = crate::services::returns::compute(app, period)
            .await
            .expect("monthly return");
        assert_eq!(figures.counts["on_register"], active as u64);
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
                "SELECT status, COUNT(*) FROM referrals GROUP BY status ORDER BY status"
                    .to_string(),
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
}
