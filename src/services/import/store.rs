//! Imports kept: the file between its preview and its commit, the mapping, each row's outcome,
//! the mappings saved for the next file with the same columns, and how each is read back.

use super::{Counts, Outcome, RowOutcome, Upload};
use crate::auth::token::sha256_hex;
use crate::domain::ids::PersonId;
use crate::domain::import::{Field, Mapping};
use crate::entities::{import, import_mapping, import_row, person};
use crate::error::AppError;
use crate::services::audit::{self, AuditedTx, Event};
use crate::services::scope::Scope;
use crate::services::{Actor, App};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

const PREVIEWED: &str = "previewed";
const COMMITTED: &str = "committed";
const EXPIRED: &str = "expired";

/// How long a preview that is never committed keeps its file and rows: the file holds people
/// who have not consented to be on the register.
pub const PREVIEW_KEPT_DAYS: i64 = 7;

/// What identifies a file's columns: its headers, folded, in order.
fn headers_key(headers: &[String]) -> String {
    let folded: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    sha256_hex(folded.join("\u{1f}").as_bytes())
}

fn mapping_json(m: &Mapping) -> String {
    let named: std::collections::BTreeMap<&str, &str> =
        m.iter().map(|(f, h)| (f.name(), h.as_str())).collect();
    serde_json::to_string(&named).unwrap_or_else(|_| "{}".into())
}

fn parse_mapping(json: &str) -> Result<Mapping, AppError> {
    let named: std::collections::BTreeMap<String, String> =
        serde_json::from_str(json).map_err(|e| AppError::failed("an import's mapping", e))?;
    Ok(named
        .into_iter()
        .filter_map(|(f, h)| Field::parse(&f).map(|f| (f, h)))
        .collect())
}

pub(super) fn mapping_of(m: &import::Model) -> Result<Mapping, AppError> {
    parse_mapping(&m.mapping)
}

/// The mapping last saved for a file with these headers, if any still fits them.
pub(super) async fn saved_mapping(
    db: &impl ConnectionTrait,
    headers: &[String],
) -> Result<Option<Mapping>, AppError> {
    let Some(saved) = import_mapping::Entity::find_by_id(headers_key(headers))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let m = parse_mapping(&saved.mapping)?;
    Ok(m.values().all(|h| headers.contains(h)).then_some(m))
}

/// The audit entry of a preview or a commit: the import and its counts (no one's details).
pub(super) fn event(action: &'static str, id: &str, outcomes: &[RowOutcome]) -> Event {
    Event::new(action, "import", Some(id.to_string()))
        .detail(serde_json::json!({ "counts": Counts::of(outcomes) }))
}

fn row_models(id: &str, outcomes: &[RowOutcome]) -> Vec<import_row::ActiveModel> {
    outcomes
        .iter()
        .map(|o| import_row::ActiveModel {
            import_id: Set(id.to_string()),
            line: Set(i32::try_from(o.line).unwrap_or(i32::MAX)),
            outcome: Set(o.outcome.as_str().into()),
            person_id: Set(o.person_id.as_ref().map(|p| p.as_str().to_string())),
            reasons: Set(serde_json::to_string(&o.reasons).unwrap_or_default()),
            changes: Set(serde_json::to_string(&o.changes).unwrap_or_default()),
            detail: Set(o.detail.as_ref().map(|d| d.to_string())),
        })
        .collect()
}

/// The import's rows replaced by these outcomes (a new preview, or the rows as committed).
async fn replace_rows(
    db: &impl ConnectionTrait,
    id: &str,
    outcomes: &[RowOutcome],
) -> Result<(), AppError> {
    import_row::Entity::delete_many()
        .filter(import_row::Column::ImportId.eq(id))
        .exec(db)
        .await?;
    insert_rows(db, id, outcomes).await
}

async fn insert_rows(
    db: &impl ConnectionTrait,
    id: &str,
    outcomes: &[RowOutcome],
) -> Result<(), AppError> {
    for chunk in row_models(id, outcomes).chunks(500) {
        import_row::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Keeps a new import and its rows' outcomes; the file too while it awaits its commit.
pub(super) async fn insert(
    tx: &AuditedTx,
    actor: &Actor,
    upload: &Upload,
    read: &super::Read,
    mapping: &Mapping,
    outcomes: &[RowOutcome],
    keep_file: bool,
) -> Result<String, AppError> {
    let id = uuid::Uuid::new_v4().to_string();
    let name: String = upload.file_name.chars().take(255).collect();
    import::ActiveModel {
        id: Set(id.clone()),
        file_name: Set(name),
        format: Set(read.format.as_str().into()),
        sha256: Set(sha256_hex(&upload.bytes)),
        sheet: Set(upload.sheet.clone()),
        headers: Set(serde_json::to_string(&read.grid.headers).unwrap_or_default()),
        content: Set(keep_file.then(|| upload.bytes.clone())),
        mapping: Set(mapping_json(mapping)),
        status: Set(PREVIEWED.into()),
        counts: Set(serde_json::to_string(&Counts::of(outcomes)).unwrap_or_default()),
        created_by: Set(actor.username.clone()),
        created_at: Set(tx.now()),
        committed_by: Set(None),
        committed_at: Set(None),
    }
    .insert(tx.conn())
    .await?;
    insert_rows(tx.conn(), &id, outcomes).await?;
    Ok(id)
}

pub(super) async fn model(db: &impl ConnectionTrait, id: &str) -> Result<import::Model, AppError> {
    import::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Import"))
}

/// Previews never committed, older than [`PREVIEW_KEPT_DAYS`]: their file and rows are let go
/// (the import stays listed, as expired, with its counts).
pub(super) async fn expire_old(tx: &AuditedTx) -> Result<(), AppError> {
    let before = tx.now() - time::Duration::days(PREVIEW_KEPT_DAYS);
    let old: Vec<String> = import::Entity::find()
        .filter(import::Column::Status.eq(PREVIEWED))
        .filter(import::Column::CreatedAt.lt(before))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    if old.is_empty() {
        return Ok(());
    }
    import_row::Entity::delete_many()
        .filter(import_row::Column::ImportId.is_in(old.clone()))
        .exec(tx.conn())
        .await?;
    import::Entity::update_many()
        .col_expr(import::Column::Status, EXPIRED.into())
        .col_expr(
            import::Column::Content,
            sea_orm::sea_query::Expr::value(Option::<Vec<u8>>::None),
        )
        .filter(import::Column::Id.is_in(old))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// An import awaiting its commit, and its file.
pub(super) async fn previewed(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<(import::Model, Upload), AppError> {
    let m = model(db, id).await?;
    let Some(bytes) = m.content.clone().filter(|_| m.status == PREVIEWED) else {
        return Err(AppError::Conflict(if m.status == EXPIRED {
            format!(
                "This preview was not imported within {PREVIEW_KEPT_DAYS} days, so its file was let go. Upload the file again."
            )
        } else {
            "This import has already been committed.".into()
        }));
    };
    let upload = Upload {
        file_name: m.file_name.clone(),
        bytes,
        sheet: m.sheet.clone(),
    };
    Ok((m, upload))
}

/// A new preview of the same file with another mapping, which is saved for the next file with
/// the same headers.
pub(super) async fn replace_preview(
    tx: &AuditedTx,
    actor: &Actor,
    m: &import::Model,
    headers: &[String],
    mapping: &Mapping,
    outcomes: &[RowOutcome],
) -> Result<(), AppError> {
    replace_rows(tx.conn(), &m.id, outcomes).await?;
    let mut row: import::ActiveModel = m.clone().into();
    row.mapping = Set(mapping_json(mapping));
    row.counts = Set(serde_json::to_string(&Counts::of(outcomes)).unwrap_or_default());
    row.update(tx.conn()).await?;
    import_mapping::Entity::insert(import_mapping::ActiveModel {
        headers_key: Set(headers_key(headers)),
        mapping: Set(mapping_json(mapping)),
        saved_by: Set(actor.username.clone()),
        saved_at: Set(tx.now()),
    })
    .on_conflict(
        OnConflict::column(import_mapping::Column::HeadersKey)
            .update_columns([
                import_mapping::Column::Mapping,
                import_mapping::Column::SavedBy,
                import_mapping::Column::SavedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(tx.conn())
    .await?;
    Ok(())
}

/// Whether the rows judged now differ from what the preview showed.
pub(super) async fn preview_differs(
    db: &impl ConnectionTrait,
    id: &str,
    now: &[RowOutcome],
) -> Result<bool, AppError> {
    let shown = import_row::Entity::find()
        .filter(import_row::Column::ImportId.eq(id))
        .order_by_asc(import_row::Column::Line)
        .all(db)
        .await?;
    if shown.len() != now.len() {
        return Ok(true);
    }
    Ok(shown.iter().zip(now).any(|(s, n)| {
        s.line as usize != n.line
            || s.outcome != n.outcome.as_str()
            || s.changes != serde_json::to_string(&n.changes).unwrap_or_default()
    }))
}

/// The import committed: its rows as written (with the entries added), the file let go.
pub(super) async fn mark_committed(
    tx: &AuditedTx,
    actor: &Actor,
    m: &import::Model,
    outcomes: &[RowOutcome],
) -> Result<(), AppError> {
    replace_rows(tx.conn(), &m.id, outcomes).await?;
    let mut row: import::ActiveModel = m.clone().into();
    row.status = Set(COMMITTED.into());
    row.content = Set(None);
    row.counts = Set(serde_json::to_string(&Counts::of(outcomes)).unwrap_or_default());
    row.committed_by = Set(Some(actor.username.clone()));
    row.committed_at = Set(Some(tx.now()));
    row.update(tx.conn()).await?;
    Ok(())
}

/// One tcr field and the column chosen for it.
#[derive(Debug, Clone, Serialize)]
pub struct MappingRow {
    pub field: &'static str,
    pub title: &'static str,
    pub header: Option<String>,
}

/// An import as the page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportView {
    pub id: String,
    pub file_name: String,
    pub format: String,
    pub status: String,
    pub committed: bool,
    pub counts: Counts,
    pub created_by: String,
    pub created_at: String,
    pub committed_by: Option<String>,
    pub committed_at: Option<String>,
    /// The file's headers, while it awaits its commit.
    pub headers: Vec<String>,
    pub mapping: Vec<MappingRow>,
    /// When this same file (by its SHA-256) was committed before, if it was.
    pub committed_before: Option<String>,
}

fn moment(t: time::OffsetDateTime) -> String {
    crate::domain::dates::long_date(t.date()) + &format!(" at {:02}:{:02}", t.hour(), t.minute())
}

/// An import, its mapping and counts; `audited` records the read.
pub async fn get(
    app: &App,
    actor: &Actor,
    id: &str,
    audited: bool,
) -> Result<ImportView, AppError> {
    let m = model(&app.db, id).await?;
    let mapping = parse_mapping(&m.mapping)?;
    // Offered for mapping only while the file awaits its commit.
    let headers = match m.status.as_str() {
        PREVIEWED => serde_json::from_str(&m.headers).unwrap_or_default(),
        _ => Vec::new(),
    };
    let before = import::Entity::find()
        .filter(import::Column::Sha256.eq(&m.sha256))
        .filter(import::Column::Status.eq(COMMITTED))
        .filter(import::Column::Id.ne(&m.id))
        .order_by_desc(import::Column::CommittedAt)
        .one(&app.db)
        .await?;
    if audited {
        audit::record_alone(
            app,
            actor,
            Event::new("import.read", "import", Some(id.into())),
        )
        .await?;
    }
    Ok(ImportView {
        id: m.id.clone(),
        file_name: m.file_name.clone(),
        format: m.format.clone(),
        committed: m.status == COMMITTED,
        status: m.status.clone(),
        counts: serde_json::from_str(&m.counts).unwrap_or_default(),
        created_by: m.created_by.clone(),
        created_at: moment(m.created_at),
        committed_by: m.committed_by.clone(),
        committed_at: m.committed_at.map(moment),
        headers,
        mapping: Field::ALL
            .iter()
            .map(|f| MappingRow {
                field: f.name(),
                title: f.title(),
                header: mapping.get(f).cloned(),
            })
            .collect(),
        committed_before: before.and_then(|b| b.committed_at).map(moment),
    })
}

/// An import in the list of imports.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub id: String,
    pub file_name: String,
    pub status: String,
    pub counts: Counts,
    pub created_by: String,
    pub created_at: String,
}

/// The latest imports, newest first.
pub async fn list(app: &App) -> Result<Vec<ImportSummary>, AppError> {
    Ok(import::Entity::find()
        .order_by_desc(import::Column::CreatedAt)
        .limit(50)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|m| ImportSummary {
            counts: serde_json::from_str(&m.counts).unwrap_or_default(),
            created_at: moment(m.created_at),
            id: m.id,
            file_name: m.file_name,
            status: m.status,
            created_by: m.created_by,
        })
        .collect())
}

/// A row as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub line: i32,
    pub outcome: &'static str,
    pub label: &'static str,
    /// The entry it is about, while it stands on the register.
    pub person_id: Option<String>,
    pub name: Option<String>,
    pub reasons: Vec<String>,
    pub changes: Vec<String>,
}

fn detail_name(detail: &Option<String>) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(detail.as_deref()?).ok()?;
    let part = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let name = format!("{} {}", part("given_name"), part("family_name"));
    Some(name.trim().to_string()).filter(|n| !n.is_empty())
}

/// One page of an import's rows, optionally of one outcome, with the total.
pub async fn row_page(
    app: &App,
    id: &str,
    outcome: Option<Outcome>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<RowView>, u64), AppError> {
    let mut q = import_row::Entity::find().filter(import_row::Column::ImportId.eq(id));
    if let Some(o) = outcome {
        q = q.filter(import_row::Column::Outcome.eq(o.as_str()));
    }
    let total = q.clone().count(&app.db).await?;
    let rows = q
        .order_by_asc(import_row::Column::Line)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(&app.db)
        .await?;
    // The entries named, read through the register's scope: a withdrawn one is gone here too.
    let ids: Vec<PersonId> = rows
        .iter()
        .filter_map(|r| r.person_id.as_deref().map(PersonId::from_text))
        .collect();
    let names: std::collections::HashMap<String, String> = Scope::Register
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.id.as_str().to_string(),
                format!("{} {}", p.given_name, p.family_name),
            )
        })
        .collect();
    Ok((
        rows.into_iter()
            .map(|r| {
                let outcome = Outcome::parse(&r.outcome).unwrap_or(Outcome::Refused);
                let on_register = r
                    .person_id
                    .as_ref()
                    .and_then(|p| names.get(p).map(|n| (p.clone(), n.clone())));
                RowView {
                    line: r.line,
                    outcome: outcome.as_str(),
                    label: outcome.label(),
                    name: on_register
                        .as_ref()
                        .map(|(_, n)| n.clone())
                        .or_else(|| detail_name(&r.detail)),
                    person_id: on_register.map(|(p, _)| p),
                    reasons: serde_json::from_str(&r.reasons).unwrap_or_default(),
                    changes: serde_json::from_str(&r.changes).unwrap_or_default(),
                }
            })
            .collect(),
        total,
    ))
}

/// The rows that did not enter the register for want of consent (or were refused or held as
/// possible duplicates), as CSV: a worklist to follow up. Audited.
pub async fn worklist(app: &App, actor: &Actor, id: &str) -> Result<String, AppError> {
    let m = model(&app.db, id).await?;
    let rows = import_row::Entity::find()
        .filter(import_row::Column::ImportId.eq(id))
        .filter(import_row::Column::Detail.is_not_null())
        .order_by_asc(import_row::Column::Line)
        .all(&app.db)
        .await?;
    let mut out = crate::reports::csv::line(
        &[
            "Row",
            "Outcome",
            "NHS number",
            "Given name",
            "Family name",
            "Date of birth",
            "What is needed",
        ]
        .map(String::from),
    );
    for r in &rows {
        let v: serde_json::Value =
            serde_json::from_str(r.detail.as_deref().unwrap_or("{}")).unwrap_or_default();
        let part = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let reasons: Vec<String> = serde_json::from_str(&r.reasons).unwrap_or_default();
        let label = Outcome::parse(&r.outcome).map_or("", Outcome::label);
        out.push_str(&crate::reports::csv::line(&[
            r.line.to_string(),
            label.to_string(),
            // Shown 3-3-4 where it is a valid number; as given where it is not.
            crate::domain::nhs_number::NhsNumber::parse(&part("nhs_number"))
                .map_or_else(|_| part("nhs_number"), |n| n.to_string()),
            part("given_name"),
            part("family_name"),
            part("date_of_birth"),
            reasons.join("; "),
        ]));
    }
    audit::record_alone(
        app,
        actor,
        Event::new("import.worklist.downloaded", "import", Some(m.id))
            .detail(serde_json::json!({"rows": rows.len()})),
    )
    .await?;
    Ok(out)
}
