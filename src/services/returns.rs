//! The figures of the monthly and weekly returns, as at 23:59:59 on the period's last day,
//! worked out from the dated history (registrations, ratings, stays, reviews, actions,
//! referrals). People whose consent has been withdrawn are left out of every return, whatever
//! its period. Storing, PDF and CSV build on this (issue 5).

use super::audit::{self, Event};
use super::{Actor, App, input};
use crate::domain::deadlines;
pub use crate::domain::returns::{Change, Changes, Figures, MonthlyRow, WeeklyRow, rating_word};
use crate::domain::returns::{Period, ReturnKind};
use crate::domain::risk::Rating;
use crate::entities::{person, return_content, stored_return};
use crate::error::AppError;
pub use crate::reports::model::Imprint;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};

mod load;
#[doc(hidden)]
pub mod reference;
mod tally;

/// How serious a rating is, for "up" and "down": blue and red above amber above green.
fn severity(r: Option<Rating>) -> u8 {
    match r {
        Some(Rating::Red) | Some(Rating::Blue) => 3,
        Some(Rating::Amber) => 2,
        Some(Rating::Green) => 1,
        None => 0,
    }
}

fn full_name(p: &person::Model) -> String {
    format!("{} {}", p.given_name, p.family_name)
}

fn formatted_nhs(p: &person::Model) -> String {
    crate::domain::nhs_number::NhsNumber::parse(&p.nhs_number)
        .map(|n| n.to_string())
        .unwrap_or_else(|_| p.nhs_number.clone())
}

/// The figures and the changes of a return for `period`, from the history as it stands: the
/// register read a batch of people at a time (`load`), each person's facts put to the deadline
/// engine and counted (`tally`), then dropped, so the memory needed grows with the rows of the
/// return, not with the history behind them.
pub async fn compute(app: &App, period: Period) -> Result<(Figures, Changes), AppError> {
    compute_in_batches(app, period, load::BATCH).await
}

/// A batch being read, given up if the return stops (an error) before it is wanted.
struct Reading(rocket::tokio::task::JoinHandle<Result<Option<load::Batch>, AppError>>);

impl Drop for Reading {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// `compute`, reading `batch` people at a time (tests use small batches, to cross batches).
#[doc(hidden)]
pub async fn compute_in_batches(
    app: &App,
    period: Period,
    batch: u64,
) -> Result<(Figures, Changes), AppError> {
    let started = std::time::Instant::now();
    let schedule = &app.policies.schedule;
    let mut tally = tally::Tally::new(
        period,
        deadlines::Rules {
            deadlines: &schedule.deadlines,
            holidays: &schedule.bank_holidays,
        },
    );
    // One snapshot for the whole return: every batch, and the referrals, read at one moment, so
    // a change between two batches cannot make the figures disagree with each other. The next
    // batch is read while this one is counted.
    let snapshot = std::sync::Arc::new(load::Snapshot::open(&app.db).await?);
    let read = |after: Option<String>| {
        Reading(rocket::tokio::spawn(load::Batch::after(
            snapshot.clone(),
            after,
            batch,
        )))
    };
    let mut reading = std::time::Duration::ZERO;
    let mut people = 0;
    let mut next = read(None);
    loop {
        let t = std::time::Instant::now();
        let Some(batch) = (&mut next.0)
            .await
            .map_err(|e| AppError::Internal(format!("reading the register: {e}")))??
        else {
            break;
        };
        reading += t.elapsed();
        next = read(batch.last_id().map(str::to_string));
        for person in batch.people() {
            tally.person(&person)?;
            people += 1;
        }
    }
    drop(next);
    let t = std::time::Instant::now();
    let referrals = load::referrals(&snapshot).await?;
    reading += t.elapsed();
    if let Ok(snapshot) = std::sync::Arc::try_unwrap(snapshot) {
        snapshot.close().await?;
    }
    tally.referrals(&referrals, schedule.referral_decision_days);
    let out = tally.finish();
    tracing::debug!(
        people,
        waited_ms = reading.as_millis() as u64,
        figures_ms = (started.elapsed() - reading).as_millis() as u64,
        "return figures"
    );
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Generated returns: frozen, with the SHA-256 of their PDF

/// The changes since the previous return, as counts; `people` only for those who may see who.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangesView {
    pub previous_period: String,
    pub previous_as_at: String,
    pub before: BTreeMap<String, u64>,
    pub joined: u64,
    pub left: u64,
    pub rating_changes: u64,
    pub admissions: u64,
    pub discharges: u64,
    /// Who joined, left, changed rating, was admitted or discharged (returns.download only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub people: Option<Changes>,
}

impl ChangesView {
    fn of(c: &Changes) -> Self {
        ChangesView {
            previous_period: c.previous_period.clone(),
            previous_as_at: c.previous_as_at.clone(),
            before: c.before.clone(),
            joined: c.joined.len() as u64,
            left: c.left.len() as u64,
            rating_changes: c.rating_changes.len() as u64,
            admissions: c.admissions.len() as u64,
            discharges: c.discharges.len() as u64,
            people: None,
        }
    }
}

/// The stored figures column: counts and the rating × age band table.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredFigures {
    counts: BTreeMap<String, u64>,
    by_rating_and_band: BTreeMap<String, BTreeMap<String, u64>>,
}

/// A generated return as the API and pages show it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReturnView {
    pub id: String,
    /// `monthly` or `weekly`.
    pub kind: String,
    /// `YYYY-MM`, or the week's Sunday `YYYY-MM-DD`.
    pub period: String,
    /// 23:59:59 UK time on the period's last day, in UTC.
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String")]
    pub as_at: OffsetDateTime,
    pub organisation: String,
    /// SHA-256 (hex) of the PDF.
    pub sha256: String,
    pub counts: BTreeMap<String, u64>,
    /// Rating → age band → people.
    pub by_rating_and_band: BTreeMap<String, BTreeMap<String, u64>>,
    pub changes: ChangesView,
    /// Rows in the per-person table.
    pub row_count: u64,
    pub generated_by: String,
    pub generated_role: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String")]
    pub generated_at: OffsetDateTime,
    /// The earliest return with exactly the same content, when this one repeats it (its PDF is
    /// then byte-identical, carrying that return's "generated by" line).
    pub same_as: Option<String>,
}

/// The as-at instant of a period: 23:59:59 UK time on its last day.
pub fn as_at_instant(day: Date) -> OffsetDateTime {
    crate::clock::uk_instant(day, time::macros::time!(23:59:59))
}

/// SHA-256 (hex) of a value's JSON, hashed as it is written: the same digest as of
/// `to_json(v)`, without a return's rows (tens of megabytes) held as text.
fn json_sha256<T: Serialize>(v: &T) -> Result<String, AppError> {
    use sha2::Digest;
    struct Hashing(sha2::Sha256);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(sha2::Sha256::new());
    serde_json::to_writer(&mut hashing, v)
        .map_err(|e| AppError::Internal(format!("return JSON: {e}")))?;
    Ok(hashing
        .0
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn to_json<T: Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(format!("return JSON: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, AppError> {
    serde_json::from_str(s).map_err(|e| AppError::Internal(format!("stored return JSON: {e}")))
}

/// What the user asked for.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewReturn {
    /// `monthly` or `weekly`.
    #[schemars(with = "crate::services::schema::ReturnKind")]
    pub kind: Option<String>,
    /// `YYYY-MM` for a month, or a Sunday's date for a week.
    #[schemars(with = "crate::services::schema::Period")]
    pub period: Option<String>,
}

/// Checks the request: a known kind and a period that has ended.
pub fn requested_period(input: &NewReturn, today: Date) -> Result<Period, AppError> {
    let mut c = input::Check::default();
    let kind = c.choice(
        "kind",
        "the kind of return",
        &input.kind,
        ReturnKind::parse,
        "monthly or weekly".into(),
    );
    let period = match (kind, input.period.as_deref().map(str::trim)) {
        (_, None | Some("")) => {
            c.fail(
                "period",
                "Give the period: YYYY-MM for a month, a Sunday for a week",
            );
            None
        }
        (Some(kind), Some(text)) => match Period::parse(kind, text) {
            Ok(p) if !p.is_over(today) => {
                c.fail(
                    "period",
                    format!(
                        "That period has not ended yet: a return is as at 23:59:59 on {}",
                        p.last
                    ),
                );
                None
            }
            Ok(p) if !crate::domain::dates::period_plausible(p.last) => {
                c.fail(
                    "period",
                    "Returns start from January 2010 (the first week ends Sunday 3 January 2010)",
                );
                None
            }
            Ok(p) => Some(p),
            Err(why) => {
                c.fail("period", why);
                None
            }
        },
        (None, Some(_)) => None,
    };
    c.finish()?;
    period.ok_or_else(|| AppError::Internal("period unchecked".into()))
}

/// Works out a return, renders its PDF and stores it, frozen, with one audit entry. If a return
/// of the same period already holds exactly the same content, the PDF carries that one's
/// "generated by" line, so it comes out byte-identical.
pub async fn generate(
    app: &App,
    actor: &Actor,
    display_name: &str,
    input: &NewReturn,
) -> Result<ReturnView, AppError> {
    let period = requested_period(input, app.clock.today())?;
    let started = std::time::Instant::now();
    let (figures, changes) = compute(app, period).await?;
    let computed = started.elapsed();
    crate::memory::give_back_freed();
    let organisation = app.settings.organisation.clone();
    let content_sha256 = json_sha256(&(&organisation, &figures, &changes))?;
    let (imprint, now) = imprint(app, actor, display_name, period, &content_sha256).await?;
    // The rows as stored; then the same rows made into the PDF's table, each dropped as it goes.
    let rows = if period.kind == ReturnKind::Weekly {
        to_json(&figures.weekly_rows)?
    } else {
        to_json(&figures.monthly_rows)?
    };
    let row_count = (figures.weekly_rows.len() + figures.monthly_rows.len()) as i64;
    let stored_figures = to_json(&StoredFigures {
        counts: figures.counts.clone(),
        by_rating_and_band: figures.by_rating_and_band.clone(),
    })?;
    let report = crate::reports::model::build_from(figures, &changes, &imprint);
    let pdf = rocket::tokio::task::spawn_blocking(move || crate::reports::pdf::render(&report))
        .await
        .map_err(|e| AppError::Internal(format!("PDF task: {e}")))?
        .map_err(|e| AppError::Internal(format!("PDF: {e}")))?;
    let rendered = started.elapsed();
    crate::memory::give_back_freed();
    let model = stored_return::Model {
        id: uuid::Uuid::new_v4().to_string(),
        kind: period.kind.as_str().into(),
        period: period.label(),
        as_at: period.last,
        organisation,
        figures: stored_figures,
        changes_summary: to_json(&ChangesView::of(&changes))?,
        row_count,
        sha256: sha256_hex(&pdf),
        content_sha256,
        printed_by: imprint.printed_by,
        printed_at: imprint.printed_at,
        generated_by: actor.user_id.clone(),
        generated_by_name: display_name.chars().take(200).collect(),
        generated_role: actor.role.clone(),
        generated_at: now,
    };
    let pdf_bytes = pdf.len();
    store(app, actor, &model, rows, &changes, pdf).await?;
    tracing::info!(
        kind = %model.kind,
        period = %model.period,
        rows = model.row_count,
        pdf_bytes,
        figures_ms = computed.as_millis() as u64,
        pdf_ms = (rendered - computed).as_millis() as u64,
        store_ms = (started.elapsed() - rendered).as_millis() as u64,
        "return generated"
    );
    let mut view = view_of(app, &model).await?;
    let mut full = ChangesView::of(&changes);
    full.people = Some(changes);
    view.changes = full;
    Ok(view)
}

/// Whose "generated by" line a new return carries: that of the earliest return of the same
/// period with exactly the same content, if there is one (so the PDF comes out
/// byte-identical), else the user's, now; and the time now.
async fn imprint(
    app: &App,
    actor: &Actor,
    display_name: &str,
    period: Period,
    content_sha256: &str,
) -> Result<(Imprint, OffsetDateTime), AppError> {
    let earlier = stored_return::Entity::find()
        .filter(stored_return::Column::Kind.eq(period.kind.as_str()))
        .filter(stored_return::Column::Period.eq(period.label()))
        .filter(stored_return::Column::ContentSha256.eq(content_sha256))
        .order_by_asc(stored_return::Column::GeneratedAt)
        .one(&app.db)
        .await?;
    let now = app.clock.now();
    let organisation = app.settings.organisation.clone();
    let imprint = match earlier {
        Some(e) => Imprint {
            organisation,
            printed_by: e.printed_by,
            printed_at: e.printed_at,
        },
        None => Imprint {
            organisation,
            printed_by: match actor.user_id {
                Some(_) => format!("{display_name} ({})", actor.role),
                None => display_name.to_string(),
            },
            printed_at: now,
        },
    };
    Ok((imprint, now))
}

/// Stores a generated return with its contents and the audit entry, in one transaction. The
/// rows and the PDF (tens of megabytes for a large register) are written, not read back.
async fn store(
    app: &App,
    actor: &Actor,
    model: &stored_return::Model,
    rows: String,
    changes: &Changes,
    pdf: Vec<u8>,
) -> Result<(), AppError> {
    let mut tx = audit::begin(app).await?;
    stored_return::Entity::insert(stored_return::ActiveModel::from(model.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    return_content::Entity::insert(return_content::ActiveModel::from(return_content::Model {
        return_id: model.id.clone(),
        rows,
        changes: to_json(changes)?,
        pdf,
    }))
    .exec_without_returning(tx.conn())
    .await?;
    tx.record(
        actor,
        Event::new("return.generated", "return", Some(model.id.clone())).detail(
            serde_json::json!({
                "kind": model.kind, "period": model.period, "sha256": model.sha256,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn view_of(app: &App, m: &stored_return::Model) -> Result<ReturnView, AppError> {
    let same_as = stored_return::Entity::find()
        .filter(stored_return::Column::Kind.eq(m.kind.as_str()))
        .filter(stored_return::Column::Period.eq(m.period.as_str()))
        .filter(stored_return::Column::ContentSha256.eq(m.content_sha256.as_str()))
        .filter(stored_return::Column::GeneratedAt.lt(m.generated_at))
        .order_by_asc(stored_return::Column::GeneratedAt)
        .one(&app.db)
        .await?
        .map(|e| e.id);
    view_from(m, same_as)
}

/// The view of a stored return, given the earliest one with the same content (if not itself).
fn view_from(m: &stored_return::Model, same_as: Option<String>) -> Result<ReturnView, AppError> {
    let figures: StoredFigures = from_json(&m.figures)?;
    Ok(ReturnView {
        id: m.id.clone(),
        kind: m.kind.clone(),
        period: m.period.clone(),
        as_at: as_at_instant(m.as_at),
        organisation: m.organisation.clone(),
        sha256: m.sha256.clone(),
        counts: figures.counts,
        by_rating_and_band: figures.by_rating_and_band,
        changes: from_json(&m.changes_summary)?,
        row_count: m.row_count.max(0) as u64,
        generated_by: m.generated_by_name.clone(),
        generated_role: m.generated_role.clone(),
        generated_at: m.generated_at,
        same_as,
    })
}

/// Generated returns, newest first, optionally of one kind. Figures only: no one identifiable,
/// so no audit entry.
pub async fn list(app: &App, kind: Option<ReturnKind>) -> Result<Vec<ReturnView>, AppError> {
    let mut q = stored_return::Entity::find()
        .order_by_desc(stored_return::Column::GeneratedAt)
        .order_by_desc(stored_return::Column::Id);
    if let Some(k) = kind {
        q = q.filter(stored_return::Column::Kind.eq(k.as_str()));
    }
    let models = q.all(&app.db).await?;
    // The earliest of each content, for `same_as`, without a query per return.
    let mut first: HashMap<(&str, &str, &str), (&OffsetDateTime, &str)> = HashMap::new();
    for m in &models {
        let key = (
            m.kind.as_str(),
            m.period.as_str(),
            m.content_sha256.as_str(),
        );
        let entry = first.entry(key).or_insert((&m.generated_at, &m.id));
        if (&m.generated_at, m.id.as_str()) < *entry {
            *entry = (&m.generated_at, &m.id);
        }
    }
    models
        .iter()
        .map(|m| {
            let key = (
                m.kind.as_str(),
                m.period.as_str(),
                m.content_sha256.as_str(),
            );
            let same_as = first
                .get(&key)
                .filter(|(_, id)| *id != m.id)
                .map(|(_, id)| id.to_string());
            view_from(m, same_as)
        })
        .collect()
}

async fn find(app: &App, id: &str) -> Result<stored_return::Model, AppError> {
    stored_return::Entity::find_by_id(id.to_string())
        .one(&app.db)
        .await?
        .ok_or_else(|| AppError::NotFound("No return has that id.".into()))
}

/// One column of a return's contents (its rows, its changes or its PDF), alone: each is large.
async fn content<T: sea_orm::TryGetable>(
    app: &App,
    id: &str,
    column: return_content::Column,
) -> Result<T, AppError> {
    use sea_orm::QuerySelect;
    return_content::Entity::find_by_id(id.to_string())
        .select_only()
        .column(column)
        .into_tuple::<T>()
        .one(&app.db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("return {id} has no contents")))
}

/// One return. Those who may download it also see who is in its changes (audited).
pub async fn get(
    app: &App,
    actor: &Actor,
    id: &str,
    identifiable: bool,
) -> Result<ReturnView, AppError> {
    let m = find(app, id).await?;
    let mut view = view_of(app, &m).await?;
    if identifiable {
        let changes: String = content(app, id, return_content::Column::Changes).await?;
        view.changes.people = Some(from_json(&changes)?);
    }
    audit::record_alone(
        app,
        actor,
        Event::new("return.read", "return", Some(m.id.clone()))
            .detail(serde_json::json!({ "identifiable": identifiable })),
    )
    .await?;
    Ok(view)
}

/// A download: the file name and the bytes.
pub struct Download {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn file_stem(m: &stored_return::Model) -> String {
    format!("tcr-{}-return-{}", m.kind, m.period)
}

/// The stored PDF, exactly as generated (its SHA-256 checked before it leaves). Audited.
pub async fn pdf(app: &App, actor: &Actor, id: &str) -> Result<Download, AppError> {
    let m = find(app, id).await?;
    let pdf: Vec<u8> = content(app, id, return_content::Column::Pdf).await?;
    if sha256_hex(&pdf) != m.sha256 {
        return Err(AppError::Internal(format!(
            "return {id}: stored PDF does not match its SHA-256"
        )));
    }
    audit::record_alone(
        app,
        actor,
        Event::new("return.pdf.downloaded", "return", Some(m.id.clone())),
    )
    .await?;
    Ok(Download {
        file_name: format!("{}.pdf", file_stem(&m)),
        bytes: pdf,
    })
}

/// The per-person rows as CSV, from the frozen rows. Audited.
pub async fn csv(app: &App, actor: &Actor, id: &str) -> Result<Download, AppError> {
    let m = find(app, id).await?;
    let rows: String = content(app, id, return_content::Column::Rows).await?;
    let mut figures = Figures {
        kind: m.kind.clone(),
        period: m.period.clone(),
        as_at: format!("{} 23:59:59", m.as_at),
        counts: BTreeMap::new(),
        by_rating_and_band: BTreeMap::new(),
        monthly_rows: Vec::new(),
        weekly_rows: Vec::new(),
    };
    if m.kind == ReturnKind::Weekly.as_str() {
        figures.weekly_rows = from_json(&rows)?;
    } else {
        figures.monthly_rows = from_json(&rows)?;
    }
    audit::record_alone(
        app,
        actor,
        Event::new("return.csv.downloaded", "return", Some(m.id.clone())),
    )
    .await?;
    Ok(Download {
        file_name: format!("{}.csv", file_stem(&m)),
        bytes: crate::reports::csv::render(&figures).into_bytes(),
    })
}
