//! Commissioner oversight visits to someone in hospital: recorded against their open stay with
//! what they found (seen in person or why not, the person's views, concerns, restrictive
//! practices observed, actions agreed), and listed with each stay.

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
    /// Whether the visitor saw the person in person; when not, `not_seen_reason` says why.
    pub seen_in_person: Option<bool>,
    #[schemars(with = "Option<crate::services::schema::Note<1000>>")]
    pub not_seen_reason: Option<String>,
    /// The person's views, in their words or as told.
    #[schemars(with = "Option<crate::services::schema::Note<4000>>")]
    pub views: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Note<4000>>")]
    pub concerns: Option<String>,
    /// Words of the restrictive practices observed (`none_observed` alone, or any of the others).
    #[schemars(with = "Option<Vec<crate::domain::visits::Restrictive>>")]
    pub restrictive_practices: Option<Vec<String>>,
    #[schemars(with = "Option<crate::services::schema::Note<4000>>")]
    pub actions_agreed: Option<String>,
}

/// What a visit found, as checked.
struct Findings {
    seen_in_person: Option<bool>,
    not_seen_reason: Option<String>,
    views: Option<String>,
    concerns: Option<String>,
    restrictive_practices: Option<String>,
    actions_agreed: Option<String>,
}

/// Checks what the visit found: a reason is required when the person was not seen (and not
/// kept when they were); the practices are a set, "none observed" alone.
fn check_findings(c: &mut Check, input: &NewVisit) -> Findings {
    let reason = c.optional_paragraph(
        "not_seen_reason",
        "why they were not seen",
        &input.not_seen_reason,
        1000,
    );
    if input.seen_in_person == Some(false) && reason.is_none() && !c.has("not_seen_reason") {
        c.fail(
            "not_seen_reason",
            "Say why the person was not seen in person",
        );
    }
    let practices = match &input.restrictive_practices {
        None => None,
        Some(words) => match crate::domain::visits::practices(words) {
            Ok(p) if p.is_empty() => None,
            Ok(p) => Some(crate::domain::visits::stored(&p)),
            Err(problem) => {
                c.fail("restrictive_practices", problem);
                None
            }
        },
    };
    Findings {
        seen_in_person: input.seen_in_person,
        not_seen_reason: reason.filter(|_| input.seen_in_person == Some(false)),
        views: c.optional_paragraph("views", "the person's views", &input.views, 4000),
        concerns: c.optional_paragraph("concerns", "the concerns", &input.concerns, 4000),
        restrictive_practices: practices,
        actions_agreed: c.optional_paragraph(
            "actions_agreed",
            "the actions agreed",
            &input.actions_agreed,
            4000,
        ),
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VisitView {
    pub id: String,
    pub admission_id: StayId,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub visited_on: Date,
    pub visitor: String,
    /// Null for visits recorded before findings were kept.
    pub seen_in_person: Option<bool>,
    pub not_seen_reason: Option<String>,
    pub views: Option<String>,
    pub concerns: Option<String>,
    /// Empty when none was recorded; `["none_observed"]` when the visitor saw none.
    pub restrictive_practices: Vec<crate::domain::visits::Restrictive>,
    pub actions_agreed: Option<String>,
}

impl VisitView {
    pub(in crate::services) fn of(v: visit::Model) -> Self {
        VisitView {
            restrictive_practices: v
                .restrictive_practices
                .as_deref()
                .map(crate::domain::visits::from_stored)
                .unwrap_or_default(),
            id: v.id,
            admission_id: v.admission_id,
            visited_on: v.visited_on,
            visitor: v.visitor,
            seen_in_person: v.seen_in_person,
            not_seen_reason: v.not_seen_reason,
            views: v.views,
            concerns: v.concerns,
            actions_agreed: v.actions_agreed,
        }
    }
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
        .map(VisitView::of)
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
    let found = check_findings(&mut c, &input);
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
        seen_in_person: Set(found.seen_in_person),
        not_seen_reason: Set(found.not_seen_reason),
        views: Set(found.views),
        concerns: Set(found.concerns),
        restrictive_practices: Set(found.restrictive_practices),
        actions_agreed: Set(found.actions_agreed),
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
    Ok(VisitView::of(row))
}
