//! Escalations: a concern about a person raised with the ICB's oversight panel (from an
//! oversight visit or not), open until it is closed with the day and the outcome. Open ones are
//! listed on the commissioner's dashboard, oldest first. Every read goes through `Scope`, so an
//! escalation about someone who withdrew consent is gone with the rest of their record.

use crate::domain::dates::long_date;
use crate::domain::ids::PersonId;
use crate::domain::visits::{EscalationStatus, Urgency};
use crate::entities::{escalation, person, visit};
use crate::error::AppError;
use crate::services::audit::{self, Event};
use crate::services::input::Check;
use crate::services::people::{Reader, find_readable};
use crate::services::scope::Scope;
use crate::services::{Actor, App};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::Date;

/// A concern to raise (the body of `POST /api/v1/people/{id}/escalations`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct NewEscalation {
    /// The day the concern was raised (not in the future).
    #[schemars(with = "crate::services::schema::Day")]
    pub raised_on: Option<String>,
    #[schemars(with = "crate::services::schema::Note<4000>")]
    pub concern: Option<String>,
    /// `routine`, `urgent` or `immediate`.
    #[schemars(with = "Urgency")]
    pub urgency: Option<String>,
    /// The oversight visit it comes from, if any (one of this person's).
    #[schemars(with = "Option<String>")]
    pub visit_id: Option<String>,
}

/// How an escalation was closed (the body of `POST /api/v1/escalations/{id}/close`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct CloseEscalation {
    #[schemars(with = "crate::services::schema::Day")]
    pub closed_on: Option<String>,
    #[schemars(with = "crate::services::schema::Note<4000>")]
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EscalationView {
    pub id: String,
    pub person_id: PersonId,
    /// "Given Family".
    pub person_name: String,
    pub visit_id: Option<String>,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub raised_on: Date,
    pub concern: String,
    pub urgency: Urgency,
    pub raised_by: String,
    pub status: EscalationStatus,
    /// Days from raising to closing, or to today while open.
    pub days_open: i64,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub closed_on: Option<Date>,
    pub outcome: Option<String>,
    pub closed_by: Option<String>,
}

fn view(e: escalation::Model, name: String, today: Date) -> EscalationView {
    let until = e.closed_on.unwrap_or(today);
    EscalationView {
        days_open: (until - e.raised_on).whole_days().max(0),
        id: e.id,
        person_id: e.person_id,
        person_name: name,
        visit_id: e.visit_id,
        raised_on: e.raised_on,
        concern: e.concern,
        urgency: e.urgency,
        raised_by: e.raised_by,
        status: e.status,
        closed_on: e.closed_on,
        outcome: e.outcome,
        closed_by: e.closed_by,
    }
}

/// Raises a concern about a person on the register or in hospital, in one transaction with its
/// audit entry.
pub async fn raise(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
    input: NewEscalation,
) -> Result<EscalationView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let raised_on = c.past_date(
        "raised_on",
        "the day the concern was raised",
        &input.raised_on,
        today,
    );
    let concern = c.paragraph("concern", "the concern", &input.concern, 4000);
    let urgency = c.choice(
        "urgency",
        "how urgent it is",
        &input.urgency,
        Urgency::parse,
        Urgency::choices(),
    );
    c.line("visit_id", "the visit", input.visit_id.as_deref());
    c.finish()?;
    let (Some(raised_on), Some(urgency)) = (raised_on, urgency) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    let mut tx = audit::begin(app).await?;
    let p = find_readable(tx.conn(), reader, person_id).await?;
    if !p.status.in_care() {
        return Err(AppError::Conflict(
            "Escalations are for people on the register or in hospital: this entry is closed."
                .into(),
        ));
    }
    let visit_id = match input.visit_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) => {
            let v = reader
                .scope
                .select::<visit::Entity>()
                .filter(visit::Column::Id.eq(id))
                .filter(visit::Column::PersonId.eq(person_id))
                .one(tx.conn())
                .await?
                .ok_or_else(|| AppError::field("visit_id", "This visit is not one of theirs"))?;
            if raised_on < v.visited_on {
                return Err(AppError::field(
                    "raised_on",
                    format!(
                        "The concern cannot be raised before the visit ({})",
                        long_date(v.visited_on)
                    ),
                ));
            }
            Some(v.id)
        }
    };
    let row = escalation::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        person_id: Set(person_id.clone()),
        visit_id: Set(visit_id),
        raised_on: Set(raised_on),
        concern: Set(concern),
        urgency: Set(urgency),
        raised_by: Set(actor.username.clone()),
        raised_at: Set(tx.now()),
        status: Set(EscalationStatus::Open),
        closed_on: Set(None),
        outcome: Set(None),
        closed_by: Set(None),
        closed_at: Set(None),
    }
    .insert(tx.conn())
    .await?;
    tx.record(
        actor,
        Event::person("escalation.raise", person_id)
            .detail(serde_json::json!({"escalation_id": row.id, "urgency": urgency.as_str()})),
    )
    .await?;
    tx.commit().await?;
    Ok(view(row, full_name(&p), today))
}

/// Closes an open escalation with the day and the outcome, in one transaction with its audit
/// entry.
pub async fn close(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &str,
    input: CloseEscalation,
) -> Result<EscalationView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let closed_on = c.past_date(
        "closed_on",
        "the day it was closed",
        &input.closed_on,
        today,
    );
    let outcome = c.paragraph("outcome", "the outcome", &input.outcome, 4000);
    c.finish()?;
    let Some(closed_on) = closed_on else {
        return Err(AppError::internal("checked input incomplete"));
    };
    let mut tx = audit::begin(app).await?;
    let e = find(tx.conn(), reader.scope, id).await?;
    let p = find_readable(tx.conn(), reader, &e.person_id).await?;
    if e.status != EscalationStatus::Open {
        return Err(AppError::Conflict(
            "This escalation is already closed.".into(),
        ));
    }
    if closed_on < e.raised_on {
        return Err(AppError::field(
            "closed_on",
            format!(
                "It cannot be closed before it was raised ({})",
                long_date(e.raised_on)
            ),
        ));
    }
    let person_id = e.person_id.clone();
    let mut row: escalation::ActiveModel = e.into();
    row.status = Set(EscalationStatus::Closed);
    row.closed_on = Set(Some(closed_on));
    row.outcome = Set(Some(outcome));
    row.closed_by = Set(Some(actor.username.clone()));
    row.closed_at = Set(Some(tx.now()));
    let row = row.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::person("escalation.close", &person_id)
            .detail(serde_json::json!({"escalation_id": row.id})),
    )
    .await?;
    tx.commit().await?;
    Ok(view(row, full_name(&p), today))
}

async fn find(
    db: &impl ConnectionTrait,
    scope: Scope,
    id: &str,
) -> Result<escalation::Model, AppError> {
    scope
        .by_id::<escalation::Entity>(id.to_string())
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Escalation"))
}

fn full_name(p: &person::Model) -> String {
    format!("{} {}", p.given_name, p.family_name)
}

/// One escalation, its read audited.
pub async fn get(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &str,
) -> Result<EscalationView, AppError> {
    let e = find(&app.db, reader.scope, id).await?;
    let p = find_readable(&app.db, reader, &e.person_id).await?;
    audit::record_alone(
        app,
        actor,
        Event::person("escalation.read", &p.id).detail(serde_json::json!({"escalation_id": e.id})),
    )
    .await?;
    Ok(view(e, full_name(&p), app.clock.today()))
}

/// The escalations with this status (or all), oldest raised first, at most `limit`, with how
/// many there are in all. No audit entry: the callers record theirs (the list, the dashboard).
pub async fn listed(
    db: &impl ConnectionTrait,
    scope: Scope,
    status: Option<EscalationStatus>,
    limit: Option<u64>,
    today: Date,
) -> Result<(Vec<EscalationView>, u64), AppError> {
    let mut select = scope.select::<escalation::Entity>();
    if let Some(s) = status {
        select = select.filter(escalation::Column::Status.eq(s));
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_asc(escalation::Column::RaisedOn)
        .order_by_asc(escalation::Column::RaisedAt)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<PersonId> = rows.iter().map(|e| e.person_id.clone()).collect();
    let names: HashMap<PersonId, String> = scope
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), full_name(&p)))
        .collect();
    let items = rows
        .into_iter()
        .map(|e| {
            let name = names.get(&e.person_id).cloned().unwrap_or_default();
            view(e, name, today)
        })
        .collect();
    Ok((items, total))
}

/// The escalations list (`GET /api/v1/escalations`), its read audited.
pub async fn list(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    status: Option<EscalationStatus>,
) -> Result<Vec<EscalationView>, AppError> {
    let (items, _) = listed(&app.db, reader.scope, status, None, app.clock.today()).await?;
    audit::record_alone(
        app,
        actor,
        Event::new("escalation.list", "escalation", None)
            .detail(serde_json::json!({"status": status.map(|s| s.as_str())})),
    )
    .await?;
    Ok(items)
}

/// A person's escalations, newest first (for their page, whose read is audited already).
pub async fn of_person(
    app: &App,
    reader: &Reader,
    person_id: &PersonId,
) -> Result<Vec<EscalationView>, AppError> {
    let p = find_readable(&app.db, reader, person_id).await?;
    let name = full_name(&p);
    let today = app.clock.today();
    Ok(reader
        .scope
        .select::<escalation::Entity>()
        .filter(escalation::Column::PersonId.eq(person_id))
        .order_by_desc(escalation::Column::RaisedOn)
        .order_by_desc(escalation::Column::RaisedAt)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|e| view(e, name.clone(), today))
        .collect())
}

/// What the escalation form shows: the person's name, and the visit it comes from (when one of
/// theirs is named).
pub async fn form_for(
    app: &App,
    reader: &Reader,
    person_id: &PersonId,
    visit_id: Option<&str>,
) -> Result<(String, Option<crate::services::admissions::VisitView>), AppError> {
    let p = find_readable(&app.db, reader, person_id).await?;
    let visit = match visit_id.map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(id) => reader
            .scope
            .select::<visit::Entity>()
            .filter(visit::Column::Id.eq(id))
            .filter(visit::Column::PersonId.eq(person_id))
            .one(&app.db)
            .await?
            .map(crate::services::admissions::VisitView::of),
    };
    Ok((full_name(&p), visit))
}
