//! Bringing a register in from a spreadsheet (issue 18): upload, map, preview, commit, and
//! `tcr import` on the command line.
//!
//! A file is read into a grid (`grid`), its rows through the mapping into the inputs the forms
//! send (`rows`), each row judged against the register by the register's own checks
//! (`classify`) and, on commit, written through the same services as the forms (`write`): the
//! consent gate, the rating dated as given, blue from an open admission. All the accepted rows
//! are written in one audited transaction or none are. The preview is kept (`store`), with the
//! file until it is committed; the commit judges every row again inside its transaction and
//! writes only if the outcome is still what the preview showed.

pub mod grid;

mod classify;
mod rows;
mod store;
mod write;

pub use store::{
    ImportSummary, ImportView, MappingRow, PREVIEW_KEPT_DAYS, RowView, get, list, row_page,
    worklist,
};

use crate::domain::ids::PersonId;
use crate::domain::import::{Field, Mapping, mapping_for};
use crate::error::AppError;
use crate::services::audit;
use crate::services::{Actor, App};
use grid::{Format, Grid};
use rows::RowInput;
use serde::Serialize;

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Add,
    Update,
    /// Already on the register as the row has it: nothing to write.
    Unchanged,
    Duplicate,
    NeedsConsent,
    Refused,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Add,
        Outcome::Update,
        Outcome::Unchanged,
        Outcome::Duplicate,
        Outcome::NeedsConsent,
        Outcome::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Add => "add",
            Outcome::Update => "update",
            Outcome::Unchanged => "unchanged",
            Outcome::Duplicate => "duplicate",
            Outcome::NeedsConsent => "needs_consent",
            Outcome::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// How the page names it.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Add => "Add",
            Outcome::Update => "Update",
            Outcome::Unchanged => "Unchanged",
            Outcome::Duplicate => "Possible duplicate",
            Outcome::NeedsConsent => "Needs consent",
            Outcome::Refused => "Refused",
        }
    }
}

/// One row's outcome, with its reasons or the fields it changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowOutcome {
    pub line: usize,
    pub outcome: Outcome,
    /// The entry it adds (once written), updates or matches.
    pub person_id: Option<PersonId>,
    pub reasons: Vec<String>,
    pub changes: Vec<String>,
    /// The row's identifying details, kept only for a row that does not enter the register.
    #[serde(skip)]
    pub detail: Option<serde_json::Value>,
    /// An add that joins the inpatient-only entry with its NHS number (`person_id`).
    #[serde(skip)]
    pub joins: bool,
}

impl RowOutcome {
    /// A row that does not enter the register, with why (and its details for the worklist).
    fn not_written(row: &RowInput, outcome: Outcome, reasons: Vec<String>) -> Self {
        RowOutcome {
            line: row.line,
            outcome,
            person_id: None,
            reasons,
            changes: Vec::new(),
            detail: Some(row.detail()),
            joins: false,
        }
    }

    /// A row about someone on the register that is not written: linked to them, nothing of the
    /// row kept (their entry says who they are, and goes if they withdraw).
    fn about(
        p: &crate::entities::person::Model,
        outcome: Outcome,
        line: usize,
        reasons: Vec<String>,
    ) -> Self {
        RowOutcome {
            line,
            outcome,
            person_id: Some(p.id.clone()),
            reasons,
            changes: Vec::new(),
            detail: None,
            joins: false,
        }
    }

    /// The outcome as `tcr import` prints it.
    pub fn line_text(&self) -> String {
        let what = match self.outcome {
            Outcome::Refused => format!("refused: {}", self.reasons.join("; ")),
            Outcome::Update => format!("update: {}", self.changes.join(", ")),
            Outcome::Duplicate | Outcome::NeedsConsent => {
                format!("{}: {}", self.outcome.as_str(), self.reasons.join("; "))
            }
            o => o.as_str().to_string(),
        };
        format!("row {}: {what}", self.line)
    }
}

/// The rows by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    pub needs_consent: usize,
    pub refused: usize,
}

impl Counts {
    pub fn of(outcomes: &[RowOutcome]) -> Counts {
        let mut c = Counts::default();
        for o in outcomes {
            *match o.outcome {
                Outcome::Add => &mut c.added,
                Outcome::Update => &mut c.updated,
                Outcome::Unchanged => &mut c.unchanged,
                Outcome::Duplicate => &mut c.duplicates,
                Outcome::NeedsConsent => &mut c.needs_consent,
                Outcome::Refused => &mut c.refused,
            } += 1;
        }
        c
    }

    /// The last line `tcr import` prints (API.md).
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} updated, {} duplicates, {} need consent, {} refused",
            self.added, self.updated, self.duplicates, self.needs_consent, self.refused
        )
    }
}

/// A file as uploaded.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub sheet: Option<String>,
}

fn format_of(upload: &Upload) -> Result<Format, AppError> {
    if upload.bytes.is_empty() {
        return Err(AppError::field("file", "Choose a file to import"));
    }
    Format::of(&upload.file_name, &upload.bytes).ok_or_else(|| {
        AppError::field(
            "file",
            "Choose an Excel workbook (.xlsx) or a CSV file (.csv)",
        )
    })
}

/// A mapping as chosen (field name → header), checked against the file's headers: every field
/// known, every header in the file, no column chosen for two fields.
pub fn check_mapping(chosen: &[(String, String)], headers: &[String]) -> Result<Mapping, AppError> {
    let mut c = crate::services::input::Check::default();
    let mut mapping = Mapping::new();
    let mut used: std::collections::HashMap<&str, Field> = Default::default();
    for (name, header) in chosen {
        let header = header.trim();
        if header.is_empty() {
            continue;
        }
        let Some(field) = Field::parse(name.trim()) else {
            c.fail(&format!("mapping.{name}"), "tcr has no field of this name");
            continue;
        };
        let Some(h) = headers.iter().find(|h| h.as_str() == header) else {
            c.fail(
                &format!("mapping.{name}"),
                format!("The file has no column headed “{header}”"),
            );
            continue;
        };
        if let Some(other) = used.get(h.as_str()) {
            c.fail(
                &format!("mapping.{name}"),
                format!("This column is already chosen for {}", other.title()),
            );
            continue;
        }
        used.insert(h.as_str(), field);
        mapping.insert(field, h.clone());
    }
    c.finish()?;
    Ok(mapping)
}

/// An upload read: its format and its grid of cells.
struct Read {
    format: Format,
    grid: Grid,
}

fn read(upload: &Upload) -> Result<Read, AppError> {
    let format = format_of(upload)?;
    let grid = grid::read(format, &upload.bytes, upload.sheet.as_deref())?;
    Ok(Read { format, grid })
}

/// Uploads a file and previews it: nothing is written to the register.
pub async fn preview(app: &App, actor: &Actor, upload: Upload) -> Result<ImportView, AppError> {
    let file = read(&upload)?;
    let mapping = match store::saved_mapping(&app.db, &file.grid.headers).await? {
        Some(saved) => saved,
        None => mapping_for(&file.grid.headers, false),
    };
    let rows = rows::read_rows(&file.grid, &mapping);
    let outcomes = classify::classify(&app.db, &rows, app.clock.today()).await?;
    let mut tx = audit::begin(app).await?;
    store::expire_old(&tx).await?;
    let id = store::insert(&tx, actor, &upload, &file, &mapping, &outcomes, true).await?;
    tx.record(actor, store::event("import.preview", &id, &outcomes))
        .await?;
    tx.commit().await?;
    get(app, actor, &id, false).await
}

/// Maps the columns again (and saves the mapping for the next file with these headers), then
/// previews again.
pub async fn remap(
    app: &App,
    actor: &Actor,
    id: &str,
    chosen: &[(String, String)],
) -> Result<ImportView, AppError> {
    let (model, upload) = store::previewed(&app.db, id).await?;
    let Read { grid, .. } = read(&upload)?;
    let mapping = check_mapping(chosen, &grid.headers)?;
    let rows = rows::read_rows(&grid, &mapping);
    let outcomes = classify::classify(&app.db, &rows, app.clock.today()).await?;
    let mut tx = audit::begin(app).await?;
    store::replace_preview(&tx, actor, &model, &grid.headers, &mapping, &outcomes).await?;
    tx.record(actor, store::event("import.preview", id, &outcomes))
        .await?;
    tx.commit().await?;
    get(app, actor, id, false).await
}

/// Commits a previewed import: every accepted row in one transaction, or nothing. Each row is
/// judged again inside it; if any outcome differs from the preview (someone changed the register
/// since), nothing is written and the preview must be looked at again.
pub async fn commit(app: &App, actor: &Actor, id: &str) -> Result<ImportView, AppError> {
    let today = app.clock.today();
    let mut tx = audit::begin(app).await?;
    let (model, upload) = store::previewed(tx.conn(), id).await?;
    let Read { grid, .. } = read(&upload)?;
    let mapping = store::mapping_of(&model)?;
    let rows = rows::read_rows(&grid, &mapping);
    let mut outcomes = classify::classify(tx.conn(), &rows, today).await?;
    if store::preview_differs(tx.conn(), id, &outcomes).await? {
        return Err(AppError::Conflict(
            "The register has changed since this preview, so nothing was imported. Look at the preview again, then import.".into(),
        ));
    }
    write::apply(
        &mut tx,
        actor,
        id,
        &rows,
        &mut outcomes,
        today,
        &app.policies,
    )
    .await?;
    store::mark_committed(&tx, actor, &model, &outcomes).await?;
    tx.record(actor, store::event("import.commit", id, &outcomes))
        .await?;
    tx.commit().await?;
    get(app, actor, id, false).await
}

/// `tcr import`: each row's outcome and the counts; with `dry_run` nothing is written (not even
/// the import's record). Without a mapping, columns are matched by their headers' names only.
pub async fn run(
    app: &App,
    actor: &Actor,
    upload: Upload,
    chosen: Option<Vec<(String, String)>>,
    dry_run: bool,
) -> Result<(Vec<RowOutcome>, Counts), AppError> {
    let today = app.clock.today();
    let file = read(&upload)?;
    let mapping = match chosen {
        Some(c) => check_mapping(&c, &file.grid.headers)?,
        None => mapping_for(&file.grid.headers, true),
    };
    let rows = rows::read_rows(&file.grid, &mapping);
    if dry_run {
        let outcomes = classify::classify(&app.db, &rows, today).await?;
        let counts = Counts::of(&outcomes);
        return Ok((outcomes, counts));
    }
    let mut tx = audit::begin(app).await?;
    let mut outcomes = classify::classify(tx.conn(), &rows, today).await?;
    let id = store::insert(&tx, actor, &upload, &file, &mapping, &outcomes, false).await?;
    write::apply(
        &mut tx,
        actor,
        &id,
        &rows,
        &mut outcomes,
        today,
        &app.policies,
    )
    .await?;
    let model = store::model(tx.conn(), &id).await?;
    store::mark_committed(&tx, actor, &model, &outcomes).await?;
    tx.record(actor, store::event("import.commit", &id, &outcomes))
        .await?;
    tx.commit().await?;
    let counts = Counts::of(&outcomes);
    Ok((outcomes, counts))
}
