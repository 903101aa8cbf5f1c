//! One person as their pages read them: the dossier (their view, rating history, stays and
//! entry), what they owe, and the person page, which reads all of it with one audit entry.

use super::{
    NewPerson, PersonView, Reader, Whose, as_input, find_readable, load_records, load_revisions,
    social_worker_history, today,
};
use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::entities::person;
use crate::error::AppError;
use crate::services::audit::{self, Event};
use crate::services::due::{self, DueItem};
use crate::services::review_list::{self, ReviewQuery};
use crate::services::reviews::ReviewView;
use crate::services::scope::Scope;
use crate::services::sessions::SignedIn;
use crate::services::{Actor, App, admissions, risk};
use sea_orm::{ConnectionTrait, StreamTrait};
use time::Date;

/// One person as their pages show them, read with one audit entry.
pub struct Dossier {
    pub person: PersonView,
    pub history: Vec<risk::RatingHistoryItem>,
    pub admissions: Vec<admissions::AdmissionView>,
    /// The stored entry as an input (for the edit form).
    pub input: NewPerson,
}

pub async fn dossier(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &PersonId,
) -> Result<Dossier, AppError> {
    let (dossier, _, _) = read(app, reader, id, false).await?;
    audit::record_alone(app, actor, Event::person("person.read", id)).await?;
    Ok(dossier)
}

/// The person, their rating history and stays, and the entry as an input, without an audit
/// entry. The person's view is today's register row (read back from the projection); with
/// `owed`, also what they owe today as the projection stores it (`None` when it has not
/// answered for today yet), from the same read.
async fn read(
    app: &App,
    reader: &Reader,
    id: &PersonId,
    owed: bool,
) -> Result<(Dossier, person::Model, Option<Vec<DueItem>>), AppError> {
    let model = find_readable(&app.db, reader, id).await?;
    let today = app.clock.today();
    let (person, due) = if owed {
        today::row_and_due(app, reader, &model, today).await?
    } else {
        let ids = std::slice::from_ref(id);
        let row = today::rows_of(app, reader, std::slice::from_ref(&model), ids, today)
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("Person"))?;
        (row, None)
    };
    let history = risk::history_rows(&app.db, reader.scope, id).await?;
    let admissions = admissions::rows_for(&app.db, reader.scope, id).await?;
    let dossier = Dossier {
        person,
        history,
        admissions,
        input: as_input(&model),
    };
    Ok((dossier, model, due))
}

/// The person page: the dossier, what they owe today (while active) and their reviews (for a
/// reader of reviews), read with one audit entry.
pub struct PersonPage {
    pub dossier: Dossier,
    pub due: Vec<DueItem>,
    pub reviews: Vec<ReviewView>,
}

pub async fn page(
    app: &App,
    who: &SignedIn,
    reader: &Reader,
    id: &PersonId,
    with_reviews: bool,
) -> Result<PersonPage, AppError> {
    let (dossier, model, stored) = read(app, reader, id, true).await?;
    let due = match (dossier.person.status, stored) {
        (Status::Active, Some(owed)) => owed,
        (Status::Active, None) => {
            let schedule = &app.policies.schedule;
            worked_out_due(&app.db, reader.scope, &model, schedule, app.clock.today()).await?
        }
        _ => Vec::new(),
    };
    let reviews = if with_reviews {
        let q = ReviewQuery {
            person_id: Some(id.clone()),
            ..Default::default()
        };
        review_list::read(app, who, &q, None).await?.0
    } else {
        Vec::new()
    };
    audit::record_alone(
        app,
        &who.actor(),
        Event::person("person.read", id).detail(serde_json::json!({
            "page": true, "due": due.len(), "reviews": reviews.len(),
        })),
    )
    .await?;
    Ok(PersonPage {
        dossier,
        due,
        reviews,
    })
}

/// Every deadline that applies to the person at the end of `day`, from the facts dated on or
/// before it; the read is audited.
pub async fn due(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &PersonId,
    day: Date,
) -> Result<Vec<DueItem>, AppError> {
    let model = find_readable(&app.db, reader, id).await?;
    let items = owed_by(app, reader, &model, day).await?;
    audit::record_alone(app, actor, Event::person("person.due.read", id)).await?;
    Ok(items)
}

/// What a person owes at the end of `day`, in words. Today's is read back from the projection
/// (the engine's answer stored for today) when their row is for today; a past or future day, or
/// a row the catch-up has not reached, is worked out from their records.
pub(crate) async fn owed_by(
    app: &App,
    reader: &Reader,
    model: &person::Model,
    day: Date,
) -> Result<Vec<DueItem>, AppError> {
    if day == app.clock.today()
        && let Some(items) = today::due(app, reader.scope, &model.id, day).await?
    {
        return Ok(items);
    }
    worked_out_due(&app.db, reader.scope, model, &app.policies.schedule, day).await
}

/// What a person owes at the end of `day`, worked out by the engine from their records (the
/// stays' and the entry's revisions too, so that a past day reads them as they stood then).
pub async fn worked_out_due(
    db: &(impl ConnectionTrait + StreamTrait),
    scope: Scope,
    model: &person::Model,
    schedule: &crate::policy::Schedule,
    day: Date,
) -> Result<Vec<DueItem>, AppError> {
    let id = &model.id;
    let records = load_records(db, scope, Whose::One(id), schedule, false).await?;
    let history = social_worker_history(&load_revisions(db, scope, Whose::One(id)).await?);
    let rows = due::Rows {
        social_worker_history: history.get(id).map(Vec::as_slice).unwrap_or(&[]),
        ..records.rows(id)
    };
    Ok(due::items(model, &rows, schedule, day))
}
