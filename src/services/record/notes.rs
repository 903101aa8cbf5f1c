//! Dated notes on a person: written by those who keep the register (`people.write`), read by
//! whoever may read the person. Append-only: a note is never edited or deleted; a correction is
//! a new note that says what it corrects.

use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::domain::record::NoteCategory;
use crate::entities::person_note;
use crate::error::AppError;
use crate::services::audit::{self, Event};
use crate::services::input::Check;
use crate::services::people::{Reader, find_readable};
use crate::services::scope::Scope;
use crate::services::{Actor, App};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// The longest note, in characters.
pub const NOTE_MAX: usize = 10_000;

#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct NewNote {
    /// The day it happened (not in the future).
    #[schemars(with = "crate::services::schema::Day")]
    pub noted_on: Option<String>,
    /// contact, meeting, safeguarding, health, education, housing, care, legal or other.
    pub category: Option<String>,
    /// What happened; several lines allowed.
    #[schemars(with = "crate::services::schema::Text<10000>")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NoteView {
    pub id: String,
    pub person_id: PersonId,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub noted_on: Date,
    pub category: NoteCategory,
    pub category_label: String,
    pub text: String,
    pub written_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String")]
    pub written_at: OffsetDateTime,
}

pub(super) fn note_view(n: person_note::Model) -> NoteView {
    NoteView {
        id: n.id,
        person_id: n.person_id,
        noted_on: n.noted_on,
        category: n.category,
        category_label: n.category.label().into(),
        text: n.text,
        written_by: n.written_by,
        written_at: n.written_at,
    }
}

/// A person's notes, newest first (by the day it happened, then by when it was written).
pub(super) async fn notes_of(
    db: &impl ConnectionTrait,
    scope: Scope,
    person_id: &PersonId,
) -> Result<Vec<NoteView>, AppError> {
    Ok(scope
        .select::<person_note::Entity>()
        .filter(person_note::Column::PersonId.eq(person_id))
        .order_by_desc(person_note::Column::NotedOn)
        .order_by_desc(person_note::Column::WrittenAt)
        .all(db)
        .await?
        .into_iter()
        .map(note_view)
        .collect())
}

/// A person's notes, newest first, read with one audit entry.
pub async fn notes(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
) -> Result<Vec<NoteView>, AppError> {
    find_readable(&app.db, reader, person_id).await?;
    let list = notes_of(&app.db, reader.scope, person_id).await?;
    audit::record_alone(app, actor, Event::person("note.list", person_id)).await?;
    Ok(list)
}

/// Adds a note to a person's record, in one transaction with its audit entry. A withdrawn
/// entry takes no notes (it is kept read-only).
pub async fn add_note(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
    input: NewNote,
) -> Result<NoteView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let noted_on = c.past_date("noted_on", "the day it happened", &input.noted_on, today);
    let category = c.choice(
        "category",
        "what the note is about",
        &input.category,
        NoteCategory::parse,
        NoteCategory::choices(),
    );
    let text = c.paragraph("text", "what happened", &input.text, NOTE_MAX);
    c.finish()?;
    let (Some(noted_on), Some(category)) = (noted_on, category) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    let mut tx = audit::begin(app).await?;
    let p = find_readable(tx.conn(), reader, person_id).await?;
    if p.status == Status::Withdrawn {
        return Err(AppError::Conflict(
            "This person withdrew consent: their record is kept read-only.".into(),
        ));
    }
    let row = person_note::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        person_id: Set(person_id.clone()),
        noted_on: Set(noted_on),
        category: Set(category),
        text: Set(text),
        written_by: Set(actor.username.clone()),
        written_at: Set(tx.now()),
    }
    .insert(tx.conn())
    .await?;
    tx.record(
        actor,
        Event::person("note.add", person_id)
            .detail(serde_json::json!({"note_id": row.id, "category": category.as_str()})),
    )
    .await?;
    tx.commit().await?;
    Ok(note_view(row))
}
