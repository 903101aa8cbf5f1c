//! Reviews that move: a scheduled review is rescheduled (date, start time, place or joining
//! link) or its panel changed without cancelling it, under the same panel and clash rules as
//! scheduling, in one transaction with its audit entry and the reason given. The review keeps
//! its due date: the deadline does not move with the booking (a review moved past it shows as
//! overdue to the commissioner).

use super::App;
use super::audit::{self, Event};
use super::input::Check;
use super::reviews::{
    self, ReviewReader, ReviewView, Seats, check_panel, check_starts_at, clash, review_type_on,
};
use super::sessions::SignedIn;
use crate::domain::dates::DateKind;
use crate::domain::ids::{ReviewId, UserId};
use crate::domain::panel::PLACE_MAX;
use crate::domain::review::{self as rules, Panel, ReviewKind, ReviewStatus};
use crate::entities::{person, review};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::{Deserialize, Deserializer};
use time::Date;

/// `PATCH /api/v1/reviews/{id}`: what to change, and why. A field left out stays as it is; a
/// start time, place or member seat sent as `null` (or empty) is cleared.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct ReviewChange {
    /// The new date (`YYYY-MM-DD`): not before the day it was booked.
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub scheduled_for: Option<Option<String>>,
    /// `HH:MM`, 24-hour clock, UK local time; `null` clears it.
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Option<crate::services::schema::StartTime>")]
    pub starts_at: Option<Option<String>>,
    /// A place, or a joining link; `null` clears it.
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Option<crate::services::schema::Text<500>>")]
    pub place: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub chair_id: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub expert_by_experience_id: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub clinical_expert_id: Option<Option<String>>,
    /// Why it changes (required; kept in the audit trail).
    #[schemars(with = "crate::services::schema::Text<2_000>")]
    pub reason: Option<String>,
    /// Pages set this to ask before moving a review to a weekend or bank holiday (the API takes
    /// the date as given).
    #[serde(skip)]
    #[schemars(skip)]
    pub ask_day_off: bool,
}

/// A field that is present, even as `null`: `Some(None)`; absent: `None` (by `default`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// One field's value before and after, for the audit entry.
fn diff(
    changes: &mut serde_json::Map<String, serde_json::Value>,
    field: &str,
    before: Option<String>,
    after: Option<String>,
) {
    if before != after {
        changes.insert(
            field.into(),
            serde_json::json!({"from": before, "to": after}),
        );
    }
}

/// Reschedules a scheduled review and/or changes its panel.
pub async fn change(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
    input: ReviewChange,
) -> Result<ReviewView, AppError> {
    let checked = check_change(app, &input).await?;

    let mut tx = audit::begin(app).await?;
    let reader = ReviewReader::of(app, who);
    let current = reviews::find(tx.conn(), &reader, id).await?;
    if current.status != ReviewStatus::Scheduled {
        return Err(AppError::Conflict(
            "Only a scheduled review can be moved or have its panel changed: this one has been held or cancelled.".into(),
        ));
    }
    let kind = current.kind;
    let panel = panel_after(&current, &checked);
    let day: Date = checked.day.unwrap_or(current.scheduled_for);
    let starts_at = checked
        .starts_at
        .unwrap_or_else(|| current.starts_at.clone());
    let place = checked.place.unwrap_or_else(|| current.place.clone());

    let changes = changes_of(&current, day, &starts_at, &place, &panel);
    check_move(
        app,
        tx.conn(),
        id,
        &current,
        &Move {
            kind,
            panel: &panel,
            day,
            changes: &changes,
            ask_day_off: input.ask_day_off,
        },
    )
    .await?;
    let person = reader
        .scope
        .by_id::<person::Entity>(&current.person_id)
        .one(tx.conn())
        .await?
        .ok_or_else(|| AppError::not_found("Review"))?;
    let person_id = current.person_id.clone();
    let before = current.clone();
    let mut row: review::ActiveModel = current.into();
    row.scheduled_for = Set(day);
    row.review_type = Set(review_type_on(&person, day));
    row.starts_at = Set(starts_at);
    row.place = Set(place);
    row.chair_id = Set(panel.chair.clone());
    row.expert_by_experience_id = Set(panel.expert_by_experience.clone());
    row.clinical_expert_id = Set(panel.clinical_expert.clone());
    let updated = row.update(tx.conn()).await?;
    crate::services::mail::review_changed(
        app,
        &tx,
        &updated,
        crate::services::mail::Change::Moved(&before),
    )
    .await?;
    tx.record(
        &who.actor(),
        Event::person("review.change", &person_id).detail(serde_json::json!({
            "review_id": id,
            "reason": checked.reason,
            "changes": changes,
        })),
    )
    .await?;
    let result = reviews::view(tx.conn(), reader.scope, &updated, app).await?;
    tx.commit().await?;
    Ok(result)
}

/// A change's fields once checked. `None` is a field left out (it stays as it is); for start
/// time and place, `Some(None)` clears it.
struct CheckedChange {
    reason: String,
    day: Option<Date>,
    starts_at: Option<Option<String>>,
    place: Option<Option<String>>,
    /// The panel seats sent, by field name (a seat sent as `null` is emptied).
    seats_sent: Vec<&'static str>,
    /// The members chosen for the seats sent.
    chosen: Panel,
}

/// Checks every field of a change before the review is read, so that all the field errors
/// come back together.
async fn check_change(app: &App, input: &ReviewChange) -> Result<CheckedChange, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let reason = c.paragraph("reason", "the reason for the change", &input.reason, 2_000);
    let day = match &input.scheduled_for {
        Some(raw) => c.dated(
            "scheduled_for",
            "the date of the review",
            raw,
            DateKind::ScheduledReview,
            today,
        ),
        None => None,
    };
    let starts_at = input
        .starts_at
        .as_ref()
        .map(|raw| check_starts_at(&mut c, raw));
    let place = input
        .place
        .as_ref()
        .map(|raw| c.optional_text("place", "the place or joining link", raw, PLACE_MAX));
    let seats: Vec<(&'static str, &Option<String>)> = [
        ("chair_id", &input.chair_id),
        ("expert_by_experience_id", &input.expert_by_experience_id),
        ("clinical_expert_id", &input.clinical_expert_id),
    ]
    .into_iter()
    .filter_map(|(f, v)| v.as_ref().map(|v| (f, v)))
    .collect();
    let chosen = check_panel(&mut c, &app.db, &seats as &Seats<'_>).await?;
    c.finish()?;
    Ok(CheckedChange {
        reason,
        day,
        starts_at,
        place,
        seats_sent: seats.iter().map(|(f, _)| *f).collect(),
        chosen,
    })
}

/// The panel after the change: each seat sent replaces the one on file.
fn panel_after(current: &review::Model, checked: &CheckedChange) -> Panel {
    let seat = |field: &str, now: &Option<UserId>, new: &Option<UserId>| {
        if checked.seats_sent.contains(&field) {
            new.clone()
        } else {
            now.clone()
        }
    };
    let chosen = &checked.chosen;
    Panel {
        chair: seat("chair_id", &current.chair_id, &chosen.chair),
        expert_by_experience: seat(
            "expert_by_experience_id",
            &current.expert_by_experience_id,
            &chosen.expert_by_experience,
        ),
        clinical_expert: seat(
            "clinical_expert_id",
            &current.clinical_expert_id,
            &chosen.clinical_expert,
        ),
    }
}

/// What the change changes, field by field, before and after (for the audit entry, and to
/// tell a change that changes nothing).
fn changes_of(
    current: &review::Model,
    day: Date,
    starts_at: &Option<String>,
    place: &Option<String>,
    panel: &Panel,
) -> serde_json::Map<String, serde_json::Value> {
    let mut changes = serde_json::Map::new();
    diff(
        &mut changes,
        "scheduled_for",
        Some(current.scheduled_for.to_string()),
        Some(day.to_string()),
    );
    diff(
        &mut changes,
        "starts_at",
        current.starts_at.clone(),
        starts_at.clone(),
    );
    diff(&mut changes, "place", current.place.clone(), place.clone());
    diff(
        &mut changes,
        "chair_id",
        current.chair_id.clone().map(UserId::into_string),
        panel.chair.clone().map(UserId::into_string),
    );
    diff(
        &mut changes,
        "expert_by_experience_id",
        current
            .expert_by_experience_id
            .clone()
            .map(UserId::into_string),
        panel.expert_by_experience.clone().map(UserId::into_string),
    );
    diff(
        &mut changes,
        "clinical_expert_id",
        current.clinical_expert_id.clone().map(UserId::into_string),
        panel.clinical_expert.clone().map(UserId::into_string),
    );
    changes
}

/// The review as it would be after the change, for [`check_move`].
struct Move<'a> {
    kind: ReviewKind,
    panel: &'a Panel,
    day: Date,
    changes: &'a serde_json::Map<String, serde_json::Value>,
    ask_day_off: bool,
}

/// Whether the change may be made, in this order (the first problem wins): it changes
/// something, the panel suits the kind of review, a page has asked about a day off, the new
/// day is not before the day it was booked, and the panel is free on the day.
async fn check_move(
    app: &App,
    db: &impl ConnectionTrait,
    id: &ReviewId,
    current: &review::Model,
    m: &Move<'_>,
) -> Result<(), AppError> {
    if m.changes.is_empty() {
        return Err(AppError::field(
            "scheduled_for",
            "Nothing was changed: give a new date, start time, place or panel member",
        ));
    }
    if let Some((field, message)) = rules::panel_problem(m.kind, m.panel) {
        return Err(AppError::field(field, message));
    }
    if m.ask_day_off
        && m.day != current.scheduled_for
        && let Some(message) = day_off_problem(app, m.day)
    {
        return Err(AppError::field("confirm_day_off", message));
    }
    if m.day < current.scheduled_on {
        return Err(AppError::field(
            "scheduled_for",
            format!(
                "The review cannot be moved to before the day it was booked ({})",
                crate::domain::dates::long_date(current.scheduled_on)
            ),
        ));
    }
    let moved_or_reseated = m
        .changes
        .keys()
        .any(|k| k == "scheduled_for" || k.ends_with("_id"));
    if moved_or_reseated && let Some((field, message)) = clash(db, m.panel, m.day, Some(id)).await?
    {
        return Err(AppError::ConflictOn {
            message,
            field: field.into(),
        });
    }
    Ok(())
}

/// Whether a day is a weekend or bank holiday, in words (`a Saturday`): the pages ask before
/// booking on one; the API takes the date as given.
pub fn day_off(app: &App, day: Date) -> Option<&'static str> {
    crate::domain::panel::day_off(day, &app.policies.schedule.bank_holidays)
}

/// The question a page asks before booking on a weekend or bank holiday, as a field error.
pub fn day_off_problem(app: &App, day: Date) -> Option<String> {
    day_off(app, day).map(|why| {
        format!(
            "{} is {why}: tick the box to book it anyway, or choose another date",
            crate::domain::dates::long_date(day)
        )
    })
}

/// Whether a review on `day` would be after its due date (it then shows as overdue).
pub fn after_due(r: &ReviewView, day: Date) -> Option<Date> {
    r.due_by.filter(|due| day > *due)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_null_and_given_differ() {
        let c: ReviewChange =
            serde_json::from_str(r#"{"place": null, "starts_at": "10:00", "reason": "r"}"#)
                .unwrap();
        assert_eq!(c.place, Some(None));
        assert_eq!(c.starts_at, Some(Some("10:00".into())));
        assert_eq!(c.chair_id, None);
    }
}
