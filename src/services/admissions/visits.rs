//! Commissioner oversight visits to someone in hospital: recorded against their open stay,
//! and listed with each stay.

use super::open_admission;
use crate::domain::ids::{PersonId, StayId};
use crate::entities::visit;
use crate::error::AppError;
use crate::services::audit::{self, Event};
use crate::services::input::Check;
use crate::services::people::{Reader, find_readable};
use crate::services::scope::Scope;
use crate::services::{Actor, App};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewVisit {
    #[schemars(with = "crate::services::schema::Day")]
    pub visited_on: Option<String>,
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub visitor: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VisitView {
    pub id: String,
    pub admission_id: StayId,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub visited_on: Date,
    pub visitor: String,
}

/// The visits made during a stay, newest first.
pub(in crate::services) async fn visits_of(
    db: &impl ConnectionTrait,
    scope: Scope,
    admission_id: &StayId,
) -> Result<Vec<VisitView>, AppError> {
    Ok(scope
        .select::<visit::Entity>()
        .filter(visit::Column::AdmissionId.eq(admission_id))
        .order_by_desc(visit::Column::VisitedOn)
        .all(db)
        .await?
        .into_iter()
        .map(|v| VisitView {
            id: v.id,
            admission_id: v.admission_id,
            visited_on: v.visited_on,
            visitor: v.visitor,
        })
        .collect())
}

/// Records an oversight visit to someone now in hospital, in one transaction with its audit
/// entry; the visit belongs to their open stay.
pub async fn record_visit(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
    input: NewVisit,
) -> Result<VisitView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let visited_on = c.past_date(
        "visited_on",
        "the date of the visit",
        &input.visited_on,
        today,
    );
    let visitor = c.text("visitor", "who visited", &input.visitor, 200);
    c.finish()?;
    let Some(visited_on) = visited_on else {
        return Err(AppError::internal("checked input incomplete"));
    };
    let mut tx = audit::begin(app).await?;
    find_readable(tx.conn(), reader, person_id).await?;
    let Some(stay) = open_admission(tx.conn(), person_id).await? else {
        return Err(AppError::Conflict(
            "Oversight visits are for people in hospital: this person is not.".into(),
        ));
    };
    if visited_on < stay.admitted_on {
        return Err(AppError::field(
            "visited_on",
            format!(
                "The visit cannot be before the admission ({})",
                crate::domain::dates::long_date(stay.admitted_on)
            ),
        ));
    }
    let row = visit::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        person_id: Set(person_id.into()),
        admission_id: Set(stay.id.clone()),
        visited_on: Set(visited_on),
        visitor: Set(visitor),
        recorded_by: Set(actor.username.clone()),
        recorded_at: Set(tx.now()),
    }
    .insert(tx.conn())
    .await?;
    tx.record(
        actor,
        Event::person("visit.create", person_id).detail(serde_json::json!({"visit_id": row.id})),
    )
    .await?;
    tx.commit().await?;
    Ok(VisitView {
        id: row.id,
        admission_id: row.admission_id,
        visited_on: row.visited_on,
        visitor: row.visitor,
    })
}
