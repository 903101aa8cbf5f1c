//! Correcting a held review's outcome: until its report is sent the chair (or a commissioner)
//! may amend the findings, recommendations, action plan and the day it was held; after that
//! the outcome stands as sent and corrections are written beside it as dated, signed addenda.

use super::App;
use super::audit::{self, Event};
use super::input::Check;
use super::reviews::{
    CheckedOutcome, NewAction, Outcome, ReviewReader, ReviewView, check_outcome, clash, find,
    lines_of, may_record, next_after, to_json, view,
};
use super::scope::Scope;
use super::sessions::SignedIn;
use crate::domain::enquiry::Line;
use crate::domain::ids::{ActionId, ReviewId};
use crate::domain::review::{ActionStatus, Panel, ReviewStatus};
use crate::entities::{action, review, review_addendum};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// One action of an amended plan. With `id`, it is that action of the plan, changed; without,
/// it keeps the action of the plan with the same WHO and WHAT if there is one, else it is new.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AmendedAction {
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub id: Option<String>,
    #[serde(flatten)]
    pub action: NewAction,
}

/// The body of `PATCH /api/v1/reviews/{id}/outcome`: the outcome as it should read (the same
/// fields as recording it), and optionally why it was amended. Actions of the plan left out
/// are dropped when still open (with a note saying so); done or dropped ones stay as they are.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct OutcomeAmendment {
    #[schemars(with = "crate::services::schema::Day")]
    pub held_on: Option<String>,
    #[schemars(with = "crate::services::schema::Findings")]
    pub findings: Option<BTreeMap<String, String>>,
    #[schemars(with = "crate::services::schema::Text<20_000>")]
    pub recommendations: Option<String>,
    #[schemars(with = "Option<Vec<AmendedAction>>")]
    pub actions: Option<Vec<AmendedAction>>,
    /// Why it was amended (kept in the audit trail).
    #[schemars(with = "Option<crate::services::schema::Note<2000>>")]
    pub reason: Option<String>,
    /// Who attended, the person's and the family's views, what was agreed in easy words: as
    /// when it is recorded; the amendment replaces them (left out: none).
    pub attendance: Option<super::reviews::AttendanceInput>,
    #[schemars(with = "Option<crate::services::schema::Text<10_000>>")]
    pub person_views: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Text<10_000>>")]
    pub family_views: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Text<2_000>>")]
    pub easy_words: Option<String>,
}

/// Amends a held review's outcome before its report is sent, in one transaction with its
/// audit entry. When the day it was held moves, the review the hold booked moves with it by
/// the same rule, if it is still scheduled on the day the hold gave it (one moved by hand
/// stays where it was put).
pub async fn amend(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
    input: OutcomeAmendment,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let mut tx = audit::begin(app).await?;
    let reader = ReviewReader::of(app, who);
    let current = find(tx.conn(), &reader, id).await?;
    let lines = lines_of(app, &current)?;
    let (given, reason, checked) = check_amendment(&input, &lines, today)?;
    let CheckedOutcome {
        held_on,
        findings,
        recommendations,
        actions,
        attendance,
        person_views,
        family_views,
        easy_words,
    } = checked;
    let was_held_on = check_amendable(app, who, tx.conn(), id, &current, held_on).await?;

    // The plan: match each given action to one on file, by id or by WHO and WHAT.
    let existing = plan_on_file(tx.conn(), id).await?;
    let (matched, taken) = match_actions(&given, &actions, &existing)?;
    check_not_closed_before(&existing, held_on)?;
    let now = tx.now();
    let (kept, added) =
        write_actions(tx.conn(), id, &current, &existing, actions, matched, now).await?;
    let dropped = drop_left_out(tx.conn(), &existing, &taken, &reason, today, now).await?;

    let person_id = current.person_id.clone();
    let mut row: review::ActiveModel = current.clone().into();
    row.held_on = Set(Some(held_on));
    row.findings = Set(Some(to_json(&findings)?));
    row.recommendations = Set(Some(recommendations));
    row.enquiry_lines = Set(Some(to_json(&lines)?));
    row.attendance = Set(attendance.as_ref().map(to_json).transpose()?);
    row.person_views = Set(person_views);
    row.family_views = Set(family_views);
    row.easy_words = Set(easy_words);
    let amended = row.update(tx.conn()).await?;
    let redated = if held_on == was_held_on {
        None
    } else {
        redate_next(
            app,
            tx.conn(),
            &reader,
            &amended,
            was_held_on,
            held_on,
            today,
        )
        .await?
    };
    tx.record(
        &who.actor(),
        Event::person("review.amend", &person_id).detail(serde_json::json!({
            "review_id": id,
            "reason": reason,
            "held_on": {"from": was_held_on.to_string(), "to": held_on.to_string()},
            "actions": {"kept": kept, "added": added, "dropped": dropped},
            "next_review_redated": redated,
        })),
    )
    .await?;
    let result = view(tx.conn(), reader.scope, &amended, app).await?;
    tx.commit().await?;
    Ok(result)
}

/// One action of a checked plan: who, what, by when and how.
type PlannedAction = (String, String, Date, String);

/// Checks the amendment's fields before anything is read: the outcome as when it is recorded,
/// plus the reason and each action's id. Both sets of checks run, and the outcome's errors win,
/// as they did when this was written inline.
fn check_amendment(
    input: &OutcomeAmendment,
    lines: &[Line],
    today: Date,
) -> Result<(Vec<AmendedAction>, Option<String>, CheckedOutcome), AppError> {
    let given = input.actions.clone().unwrap_or_default();
    let outcome = Outcome {
        held_on: input.held_on.clone(),
        findings: input.findings.clone(),
        recommendations: input.recommendations.clone(),
        actions: Some(given.iter().map(|a| a.action.clone()).collect()),
        // Agreement was asked when the review was held; an amendment does not ask again.
        person_agreed: None,
        attendance: input.attendance.clone(),
        person_views: input.person_views.clone(),
        family_views: input.family_views.clone(),
        easy_words: input.easy_words.clone(),
    };
    let checked = check_outcome(&outcome, lines, today);
    let mut c = Check::default();
    let reason = c.optional_paragraph("reason", "the reason", &input.reason, 2000);
    for (i, a) in given.iter().enumerate() {
        c.line(
            &format!("actions[{i}].id"),
            "the action's id",
            a.id.as_deref(),
        );
    }
    match (checked, c.finish()) {
        (Ok(o), Ok(())) => Ok((given, reason, o)),
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Whether this user may amend this review's outcome to be held on `held_on`: it must be held,
/// its report not yet sent, the new day not before it was booked, and its panel free that day.
/// Returns the day it was held until now.
async fn check_amendable(
    app: &App,
    who: &SignedIn,
    db: &impl ConnectionTrait,
    id: &ReviewId,
    current: &review::Model,
    held_on: Date,
) -> Result<Date, AppError> {
    if !may_record(app, who, current) {
        return Err(AppError::Forbidden);
    }
    let Some(was_held_on) = current
        .held_on
        .filter(|_| current.status == ReviewStatus::Held)
    else {
        return Err(AppError::Conflict(
            "Only the outcome of a held review can be amended.".into(),
        ));
    };
    if current.report_sent_on.is_some() {
        return Err(AppError::Conflict(
            "The report has been sent, so the outcome stands as sent: add an addendum instead."
                .into(),
        ));
    }
    if held_on < current.scheduled_on {
        return Err(AppError::field(
            "held_on",
            format!(
                "A review cannot be held before the day it was booked ({})",
                crate::domain::dates::long_date(current.scheduled_on)
            ),
        ));
    }
    let panel = Panel {
        chair: current.chair_id.clone(),
        expert_by_experience: current.expert_by_experience_id.clone(),
        clinical_expert: current.clinical_expert_id.clone(),
    };
    if held_on != was_held_on
        && held_on != current.scheduled_for
        && let Some((_, message)) = clash(db, &panel, held_on, Some(id)).await?
    {
        return Err(AppError::Conflict(message));
    }
    Ok(was_held_on)
}

/// The review's action plan as it is on file, oldest first (the order matching relies on).
async fn plan_on_file(
    db: &impl ConnectionTrait,
    id: &ReviewId,
) -> Result<Vec<action::Model>, AppError> {
    Ok(Scope::Register
        .select::<action::Entity>()
        .filter(action::Column::ReviewId.eq(id))
        .order_by_asc(action::Column::CreatedAt)
        .order_by_asc(action::Column::Id)
        .all(db)
        .await?)
}

/// Matches each given action to one on file: by its id when given (which must be an action of
/// this plan, not already matched), else by the first unmatched one with the same WHO and
/// WHAT. Returns, for each given action, the index of its match, and which ones on file were
/// matched.
fn match_actions(
    given: &[AmendedAction],
    actions: &[PlannedAction],
    existing: &[action::Model],
) -> Result<(Vec<Option<usize>>, Vec<bool>), AppError> {
    let mut matched: Vec<Option<usize>> = Vec::new();
    let mut taken = vec![false; existing.len()];
    for (i, (a, (who_, what, _, _))) in given.iter().zip(actions).enumerate() {
        let wanted = a.id.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let found = match wanted {
            Some(wanted) => {
                let at = existing.iter().position(|e| e.id == wanted);
                match at {
                    Some(at) if !taken[at] => Some(at),
                    _ => {
                        return Err(AppError::field(
                            &format!("actions[{i}].id"),
                            "This is not an action of this review's plan (or it is given twice)",
                        ));
                    }
                }
            }
            None => existing
                .iter()
                .enumerate()
                .position(|(at, e)| !taken[at] && e.who == *who_ && e.what == *what),
        };
        if let Some(at) = found {
            taken[at] = true;
        }
        matched.push(found);
    }
    Ok((matched, taken))
}

/// A review cannot be held after one of its actions was closed: its plan came out of it.
fn check_not_closed_before(existing: &[action::Model], held_on: Date) -> Result<(), AppError> {
    for e in existing {
        if let Some(closed) = e.completed_on.filter(|d| *d < held_on) {
            return Err(AppError::field(
                "held_on",
                format!(
                    "An action of this plan was closed on {closed}, before that date: the review was held before its actions were done"
                ),
            ));
        }
    }
    Ok(())
}

/// Writes the given actions in order: a matched one is updated in place (keeping its status),
/// an unmatched one is added as open. Returns the ids kept and the ids added.
async fn write_actions(
    db: &impl ConnectionTrait,
    id: &ReviewId,
    current: &review::Model,
    existing: &[action::Model],
    actions: Vec<PlannedAction>,
    matched: Vec<Option<usize>>,
    now: time::OffsetDateTime,
) -> Result<(Vec<ActionId>, Vec<ActionId>), AppError> {
    let mut kept = Vec::new();
    let mut added = Vec::new();
    for ((who_, what, when, how), at) in actions.into_iter().zip(matched) {
        match at {
            Some(at) => {
                let mut row: action::ActiveModel = existing[at].clone().into();
                row.who = Set(who_);
                row.what = Set(what);
                row.due_on = Set(when);
                row.how = Set(how);
                row.updated_at = Set(now);
                kept.push(row.update(db).await?.id);
            }
            None => {
                let row = action::ActiveModel {
                    id: Set(ActionId::new()),
                    review_id: Set(id.clone()),
                    person_id: Set(current.person_id.clone()),
                    who: Set(who_),
                    what: Set(what),
                    due_on: Set(when),
                    how: Set(how),
                    status: Set(ActionStatus::Open),
                    completed_on: Set(None),
                    note: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(db)
                .await?;
                added.push(row.id);
            }
        }
    }
    Ok((kept, added))
}

/// Drops the open actions on file that the amended plan left out, today, with a note saying
/// why; done or dropped ones stay as they are. Returns the ids dropped.
async fn drop_left_out(
    db: &impl ConnectionTrait,
    existing: &[action::Model],
    taken: &[bool],
    reason: &Option<String>,
    today: Date,
    now: time::OffsetDateTime,
) -> Result<Vec<ActionId>, AppError> {
    let mut dropped = Vec::new();
    let note = match reason {
        Some(r) => format!("Removed from the plan when the outcome was amended: {r}"),
        None => "Removed from the plan when the outcome was amended".to_string(),
    };
    for (e, _) in existing
        .iter()
        .zip(taken)
        .filter(|(e, t)| !**t && e.status == ActionStatus::Open)
    {
        let mut row: action::ActiveModel = e.clone().into();
        row.status = Set(ActionStatus::Dropped);
        row.completed_on = Set(Some(today));
        row.note = Set(Some(note.clone()));
        row.updated_at = Set(now);
        dropped.push(row.update(db).await?.id);
    }
    Ok(dropped)
}

/// Moves the review a hold booked when the day it was held is corrected, by the same rule as
/// the hold; only while it is still scheduled on the day the hold booked (its due date), on
/// the day the review was held. Its panel stays unless one of them is busy on the new day.
async fn redate_next(
    app: &App,
    db: &impl ConnectionTrait,
    reader: &ReviewReader,
    held: &review::Model,
    was_held_on: Date,
    held_on: Date,
    today: Date,
) -> Result<Option<ReviewId>, AppError> {
    let next = Scope::Register
        .select::<review::Entity>()
        .filter(review::Column::PreviousReviewId.eq(held.id.clone()))
        .one(db)
        .await?;
    let holidays = &app.policies.schedule.bank_holidays;
    // Untouched since the hold booked it: still on the day the hold chose for its due date.
    let Some(next) = next.filter(|n| {
        n.status == ReviewStatus::Scheduled
            && n.due_by.is_some_and(|due| {
                crate::domain::schedule::booking_day(due, was_held_on, holidays) == n.scheduled_for
            })
            && n.scheduled_on == was_held_on
    }) else {
        return Ok(None);
    };
    let person = reader
        .scope
        .by_id::<crate::entities::person::Entity>(&held.person_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Person"))?;
    let (kind, due, day) = next_after(app, db, &person, held_on, today).await?;
    let panel = Panel {
        chair: next.chair_id.clone(),
        expert_by_experience: next.expert_by_experience_id.clone(),
        clinical_expert: next.clinical_expert_id.clone(),
    };
    let free = clash(db, &panel, day, Some(&next.id)).await?.is_none();
    let next_id = next.id.clone();
    let mut row: review::ActiveModel = next.into();
    row.kind = Set(kind);
    row.scheduled_for = Set(day);
    row.due_by = Set(Some(due));
    row.scheduled_on = Set(held_on);
    if !free {
        row.chair_id = Set(None);
        row.expert_by_experience_id = Set(None);
        row.clinical_expert_id = Set(None);
    }
    row.update(db).await?;
    Ok(Some(next_id))
}

// ---------------------------------------------------------------------------------------------
// Addenda

/// The body of `POST /api/v1/reviews/{id}/addenda`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewAddendum {
    #[schemars(with = "crate::services::schema::Text<10_000>")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AddendumView {
    pub id: String,
    pub review_id: ReviewId,
    pub text: String,
    /// The day it was written.
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub written_on: Date,
    /// Who wrote it (username).
    pub author: String,
}

fn addendum_view(a: review_addendum::Model) -> AddendumView {
    AddendumView {
        id: a.id,
        review_id: a.review_id,
        text: a.text,
        written_on: a.written_on,
        author: a.author,
    }
}

/// Adds an addendum, dated today and signed by the user, to a review whose report was sent.
pub async fn add_addendum(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
    input: NewAddendum,
) -> Result<AddendumView, AppError> {
    let mut c = Check::default();
    let text = c.paragraph("text", "the addendum", &input.text, 10_000);
    c.finish()?;
    let mut tx = audit::begin(app).await?;
    let current = find(tx.conn(), &ReviewReader::of(app, who), id).await?;
    if !may_record(app, who, &current) {
        return Err(AppError::Forbidden);
    }
    if current.report_sent_on.is_none() {
        return Err(AppError::Conflict(
            "Until the report is sent, amend the outcome itself: an addendum follows a sent report."
                .into(),
        ));
    }
    let row = review_addendum::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        review_id: Set(id.clone()),
        person_id: Set(current.person_id.clone()),
        text: Set(text),
        written_on: Set(app.clock.today()),
        author: Set(who.actor().username),
        recorded_at: Set(tx.now()),
    }
    .insert(tx.conn())
    .await?;
    tx.record(
        &who.actor(),
        Event::person("review.addendum", &current.person_id)
            .detail(serde_json::json!({"review_id": id, "addendum_id": row.id})),
    )
    .await?;
    tx.commit().await?;
    Ok(addendum_view(row))
}

/// A review's addenda, oldest first; the reader must be able to read the review.
pub async fn addenda(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
) -> Result<Vec<AddendumView>, AppError> {
    let reader = ReviewReader::of(app, who);
    let r = find(&app.db, &reader, id).await?;
    let out = addenda_of(&app.db, reader.scope, &r.id).await?;
    audit::record_alone(
        app,
        &who.actor(),
        Event::person("review.addenda.read", &r.person_id)
            .detail(serde_json::json!({"review_id": id})),
    )
    .await?;
    Ok(out)
}

/// The addenda of a review already found readable, oldest first.
pub async fn addenda_of(
    db: &impl ConnectionTrait,
    scope: Scope,
    review_id: &ReviewId,
) -> Result<Vec<AddendumView>, AppError> {
    Ok(scope
        .select::<review_addendum::Entity>()
        .filter(review_addendum::Column::ReviewId.eq(review_id))
        .order_by_asc(review_addendum::Column::RecordedAt)
        .all(db)
        .await?
        .into_iter()
        .map(addendum_view)
        .collect())
}
