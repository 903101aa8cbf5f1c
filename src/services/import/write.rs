//! The commit's writes: each accepted row through the same services as the forms, inside the
//! one transaction. A row that fails here (a rule only the stored record can answer, such as a
//! rating too soon after a discharge) stops the whole import, naming the row.

use super::rows::RowInput;
use super::{Outcome, RowOutcome};
use crate::domain::ids::PersonId;
use crate::domain::risk::Rating;
use crate::error::AppError;
use crate::policy::Policies;
use crate::services::admissions::{admit_checked_in, check_admission_fields};
use crate::services::audit::AuditedTx;
use crate::services::input::Check;
use crate::services::people::{self, Reader};
use crate::services::{Actor, risk};
use time::Date;

/// Names the row in whatever stopped it.
fn at_row(line: usize, e: AppError) -> AppError {
    match e {
        AppError::Internal(_) => e,
        other => {
            let why = super::classify::reasons(&other).join("; ");
            AppError::Conflict(format!("Row {line}: {why}. Nothing was imported."))
        }
    }
}

/// The rating the row gives, unless it is blue (worked out from the admission).
fn rating_of(row: &RowInput) -> Option<(Rating, Date)> {
    let r = Rating::parse(row.rating.as_deref()?).filter(|r| *r != Rating::Blue)?;
    let d = crate::domain::input::parse_date(row.rating_on.as_deref()?)?;
    Some((r, d))
}

/// Writes the add and update rows, setting the id of each entry added. New entries without an
/// admission go in one batch (the same checks, multi-row statements); the rest row by row.
pub(super) async fn apply(
    tx: &mut AuditedTx,
    actor: &Actor,
    import_id: &str,
    rows: &[RowInput],
    outcomes: &mut [RowOutcome],
    today: Date,
    policies: &Policies,
) -> Result<(), AppError> {
    add_batch(tx, actor, import_id, rows, outcomes, today).await?;
    let reader = Reader::everyone();
    for (row, o) in rows.iter().zip(outcomes.iter_mut()) {
        let result = match o.outcome {
            Outcome::Add if !batched(o) => {
                let (joins, admits) = (o.joins, admits(o));
                add(
                    tx,
                    actor,
                    import_id,
                    row,
                    (joins, admits),
                    today,
                    policies,
                    &reader,
                )
                .await
                .map(|id| o.person_id = Some(id))
            }
            Outcome::Update => {
                let Some(id) = o.person_id.clone() else {
                    return Err(AppError::internal("update row without its entry"));
                };
                update(
                    tx, actor, import_id, row, &o.changes, &id, today, policies, &reader,
                )
                .await
            }
            _ => Ok(()),
        };
        result.map_err(|e| at_row(row.line, e))?;
    }
    Ok(())
}

/// A new entry (not joining an inpatient-only one) with no admission: written in the batch.
fn batched(o: &RowOutcome) -> bool {
    o.outcome == Outcome::Add && !admits(o) && !o.joins
}

/// Whether the row brings an admission to record (not one the entry already has).
fn admits(o: &RowOutcome) -> bool {
    o.changes.iter().any(|c| c == "admission")
}

async fn add_batch(
    tx: &mut AuditedTx,
    actor: &Actor,
    import_id: &str,
    rows: &[RowInput],
    outcomes: &mut [RowOutcome],
    today: Date,
) -> Result<(), AppError> {
    let picked: Vec<usize> = (0..rows.len()).filter(|&i| batched(&outcomes[i])).collect();
    let inputs: Vec<&people::NewPerson> = picked.iter().map(|&i| &rows[i].person).collect();
    let ids = people::register_many_in(tx, actor, &inputs, today)
        .await
        .map_err(|(k, e)| at_row(rows[picked[k]].line, e))?;
    let mut ratings = Vec::new();
    for (&i, id) in picked.iter().zip(ids) {
        if let Some((rating, on)) = rating_of(&rows[i]) {
            ratings.push((id.clone(), rating, on));
        }
        outcomes[i].person_id = Some(id);
    }
    risk::record_new_ratings_in(tx, actor, &ratings, ("import", import_id)).await
}

#[allow(clippy::too_many_arguments)]
async fn add(
    tx: &mut AuditedTx,
    actor: &Actor,
    import_id: &str,
    row: &RowInput,
    (joins, admits): (bool, bool),
    today: Date,
    policies: &Policies,
    reader: &Reader,
) -> Result<PersonId, AppError> {
    let id = people::register_in(tx, actor, &row.person, today).await?;
    if let Some((rating, on)) = rating_of(row) {
        let days = policies.schedule.post_discharge_red_days;
        // A new entry has no stays yet (the row's admission is written after its rating); an
        // inpatient-only entry joining has its own, read.
        let stays = (!joins).then(Vec::new);
        let source = ("import", import_id);
        risk::record_given_rating_in(tx, actor, &id, rating, on, source, stays, days).await?;
    }
    if admits {
        admit(tx, actor, row, &id, today, reader).await?;
    }
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn update(
    tx: &mut AuditedTx,
    actor: &Actor,
    import_id: &str,
    row: &RowInput,
    changes: &[String],
    id: &PersonId,
    today: Date,
    policies: &Policies,
    reader: &Reader,
) -> Result<(), AppError> {
    let fields: serde_json::Map<String, serde_json::Value> = row
        .given
        .iter()
        .filter(|(k, _)| changes.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !fields.is_empty() {
        people::update_in(tx, actor, reader, id, &fields, today, &policies.schedule).await?;
    }
    if changes.iter().any(|c| c == "rating")
        && let Some((rating, on)) = rating_of(row)
    {
        let days = policies.schedule.post_discharge_red_days;
        let source = ("import", import_id);
        risk::record_given_rating_in(tx, actor, id, rating, on, source, None, days).await?;
    }
    if changes.iter().any(|c| c == "admission") {
        admit(tx, actor, row, id, today, reader).await?;
    }
    Ok(())
}

/// The row's open admission, if it gives one: checked as the admission form's, rated blue.
async fn admit(
    tx: &mut AuditedTx,
    actor: &Actor,
    row: &RowInput,
    id: &PersonId,
    today: Date,
    reader: &Reader,
) -> Result<(), AppError> {
    let Some(input) = &row.admission else {
        return Ok(());
    };
    let mut c = Check::default();
    let checked = check_admission_fields(&mut c, input, today);
    c.finish()?;
    let checked = checked.ok_or_else(|| AppError::internal("checked admission incomplete"))?;
    admit_checked_in(tx, actor, reader, id, checked).await
}
