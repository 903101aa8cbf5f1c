//! Risk assessments and the rating history. A confirmed rating joins the history as a dated
//! event; admissions and discharges add theirs (see `admissions`).

use super::audit::{self, Event};
use super::input::Check;
use super::people::{Reader, find_readable};
use super::scope::Scope;
use super::{Actor, App};
use crate::domain::age::age_on;
use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::domain::ratings::{Stay, assessment_conflict};
use crate::domain::risk::{self, Rating, RiskTool};
use crate::entities::{admission, consent, rating_event, risk_assessment};
use crate::error::AppError;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// The body of `POST /api/v1/people/{id}/risk-assessments`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewAssessment {
    #[schemars(with = "crate::services::schema::Day")]
    pub assessed_on: Option<String>,
    /// Question id → yes (true) or no (false); every question of the tool must be answered.
    #[schemars(with = "crate::services::schema::Answers")]
    pub answers: Option<BTreeMap<String, serde_json::Value>>,
    /// The confirmed rating; null accepts the suggestion.
    #[schemars(with = "Option<crate::services::schema::ChosenRating>")]
    pub rating: Option<String>,
    /// Required when `rating` differs from the suggestion.
    #[schemars(with = "Option<crate::services::schema::Note<2000>>")]
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssessmentView {
    pub id: String,
    pub person_id: PersonId,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub assessed_on: Date,
    pub score: u32,
    pub suggested_rating: Rating,
    pub rating: Rating,
    pub override_reason: Option<String>,
    pub tool_version: String,
    pub answers: BTreeMap<String, bool>,
    pub assessed_by: String,
}

/// One entry of the rating history.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RatingHistoryItem {
    pub rating: Rating,
    /// The day the rating took effect (as entered).
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub effective_on: Date,
    /// `assessment`, `admission` or `discharge`.
    pub source: String,
    pub source_id: String,
    pub reason: Option<String>,
    pub recorded_by: String,
    /// When it was typed in (RFC 3339).
    pub recorded_at: String,
}

/// Reads answers: every value must be true or false.
fn read_answers(
    c: &mut Check,
    raw: &Option<BTreeMap<String, serde_json::Value>>,
) -> Option<BTreeMap<String, bool>> {
    let Some(raw) = raw else {
        c.fail("answers", "Answer every question of the risk tool");
        return None;
    };
    let mut answers = BTreeMap::new();
    for (id, v) in raw {
        match v.as_bool() {
            Some(b) => {
                answers.insert(id.clone(), b);
            }
            None => c.fail(&format!("answers.{id}"), "Answer yes (true) or no (false)"),
        }
    }
    Some(answers)
}

/// Scores answers for someone of `age`, as field errors when incomplete.
pub fn score(
    tool: &RiskTool,
    answers: &BTreeMap<String, bool>,
    age: u32,
) -> Result<risk::Scored, AppError> {
    tool.score(answers, age)
        .map_err(|e| AppError::field("answers", e.message()))
}

/// The stays of a person on the register (the rating rules read them).
pub async fn stays_of(
    db: &impl ConnectionTrait,
    person_id: &PersonId,
) -> Result<Vec<Stay>, AppError> {
    Ok(Scope::Register
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .iter()
        .map(|a| Stay {
            admitted_on: a.admitted_on,
            discharged_on: a.discharged_on,
        })
        .collect())
}

/// Scores answers for the confirmation step of the assessment page, without recording them.
pub async fn preview(
    app: &App,
    reader: &Reader,
    person_id: &PersonId,
    input: &NewAssessment,
) -> Result<risk::Scored, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let assessed_on = c.past_date(
        "assessed_on",
        "the date of the assessment",
        &input.assessed_on,
        today,
    );
    let answers = read_answers(&mut c, &input.answers);
    c.finish()?;
    let (Some(assessed_on), Some(answers)) = (assessed_on, answers) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    let person = find_readable(&app.db, reader, person_id).await?;
    let age = age_on(person.date_of_birth, assessed_on).unwrap_or(0);
    score(&app.policies.risk_tool, &answers, age)
}

/// The day assessed, the answers, the rating chosen (if the suggestion is overridden) and the
/// reason for overriding it.
struct CheckedAssessment {
    assessed_on: time::Date,
    answers: BTreeMap<String, bool>,
    chosen: Option<Rating>,
    reason: Option<String>,
}

fn check_assessment(
    input: &NewAssessment,
    today: time::Date,
) -> Result<CheckedAssessment, AppError> {
    let mut c = Check::default();
    let assessed_on = c.past_date(
        "assessed_on",
        "the date of the assessment",
        &input.assessed_on,
        today,
    );
    let answers = read_answers(&mut c, &input.answers);
    let chosen = match input
        .rating
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => {
            let r = Rating::parse(s);
            if r.is_none() {
                c.fail(
                    "rating",
                    "Choose red, amber or green (or leave empty to accept the suggestion)",
                );
            }
            r
        }
    };
    let reason = c.optional_paragraph(
        "override_reason",
        "the reason",
        &input.override_reason,
        2000,
    );
    c.finish()?;
    let (Some(assessed_on), Some(answers)) = (assessed_on, answers) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    Ok(CheckedAssessment {
        assessed_on,
        answers,
        chosen,
        reason,
    })
}

pub async fn assess(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
    input: NewAssessment,
) -> Result<AssessmentView, AppError> {
    let today = app.clock.today();
    let tool = &app.policies.risk_tool;
    let CheckedAssessment {
        assessed_on,
        answers,
        chosen,
        reason,
    } = check_assessment(&input, today)?;

    let mut tx = audit::begin(app).await?;
    let person = find_readable(tx.conn(), reader, person_id).await?;
    if person.status == Status::InpatientOnly {
        return Err(AppError::Conflict(
            "This is an inpatient-only entry: it is not on the register and is never rated. Add them to the register with their consent first.".into(),
        ));
    }
    if person.status != Status::Active {
        return Err(AppError::Conflict(
            "Only people on the active register can be assessed.".into(),
        ));
    }
    let consented = Scope::Register
        .select::<consent::Entity>()
        .filter(consent::Column::PersonId.eq(person_id))
        .one(tx.conn())
        .await?
        .map(|c| c.recorded_on);
    if consented.is_some_and(|d| assessed_on < d) {
        return Err(AppError::field(
            "assessed_on",
            "An assessment cannot be dated before consent was given",
        ));
    }
    let age = age_on(person.date_of_birth, assessed_on).unwrap_or(0);
    let scored = score(tool, &answers, age)?;
    let rating = risk::confirm(scored.suggested, chosen, reason.as_deref())
        .map_err(|(f, m)| AppError::field(f, m))?;
    let stays = stays_of(tx.conn(), person_id).await?;
    if let Some(conflict) = assessment_conflict(
        &stays,
        assessed_on,
        rating,
        app.policies.schedule.post_discharge_red_days,
    ) {
        return Err(AppError::Conflict(conflict.message()));
    }
    let view = record_assessment(
        &tx,
        actor,
        person_id,
        assessed_on,
        &answers,
        &scored,
        rating,
        reason,
        &tool.version,
    )
    .await?;
    tx.record(
        actor,
        Event::person("risk.assess", person_id)
            .detail(serde_json::json!({"assessment_id": view.id, "rating": rating.as_str()})),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// Writes an assessment and its rating event inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn record_assessment(
    tx: &audit::AuditedTx,
    actor: &Actor,
    person_id: &PersonId,
    assessed_on: time::Date,
    answers: &BTreeMap<String, bool>,
    scored: &risk::Scored,
    rating: Rating,
    override_reason: Option<String>,
    tool_version: &str,
) -> Result<AssessmentView, AppError> {
    let id = uuid::Uuid::new_v4().to_string();
    let answers_json = serde_json::to_string(answers).map_err(|e| AppError::failed("JSON", e))?;
    risk_assessment::ActiveModel {
        id: Set(id.clone()),
        person_id: Set(person_id.into()),
        assessed_on: Set(assessed_on),
        answers: Set(answers_json),
        score: Set(scored.score as i32),
        suggested_rating: Set(scored.suggested),
        rating: Set(rating),
        override_reason: Set(override_reason.clone()),
        tool_version: Set(tool_version.into()),
        assessed_by: Set(actor.username.clone()),
        recorded_at: Set(tx.now()),
        voided_at: Set(None),
        voided_by: Set(None),
        void_reason: Set(None),
    }
    .insert(tx.conn())
    .await?;
    let why = match &override_reason {
        Some(r) => format!(
            "Risk assessment, score {} (suggested {}): {r}",
            scored.score,
            scored.suggested.as_str()
        ),
        None => format!("Risk assessment, score {}", scored.score),
    };
    add_rating_event(
        tx,
        actor,
        person_id,
        rating,
        assessed_on,
        "assessment",
        &id,
        Some(why),
    )
    .await?;
    Ok(AssessmentView {
        id,
        person_id: person_id.into(),
        assessed_on,
        score: scored.score,
        suggested_rating: scored.suggested,
        rating,
        override_reason,
        tool_version: tool_version.into(),
        answers: answers.clone(),
        assessed_by: actor.username.clone(),
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn add_rating_event(
    tx: &audit::AuditedTx,
    actor: &Actor,
    person_id: &PersonId,
    rating: Rating,
    on: time::Date,
    source: &str,
    source_id: &str,
    reason: Option<String>,
) -> Result<(), AppError> {
    rating_event::ActiveModel {
        person_id: Set(person_id.into()),
        rating: Set(rating),
        effective_on: Set(on),
        source: Set(source.into()),
        source_id: Set(source_id.into()),
        reason: Set(reason),
        recorded_by: Set(actor.username.clone()),
        recorded_at: Set(tx.now()),
        ..Default::default()
    }
    .insert(tx.conn())
    .await?;
    Ok(())
}

/// A rating given outside the tool (on a register kept before tcr, brought in by an import),
/// dated as given, inside the caller's transaction: refused where the tool's own would be (while
/// in hospital, or lower than red too soon after a discharge), and audited. `stays`: the
/// person's stays when the caller knows them (none, for an entry it has just added).
#[allow(clippy::too_many_arguments)]
pub async fn record_given_rating_in(
    tx: &mut audit::AuditedTx,
    actor: &Actor,
    person_id: &PersonId,
    rating: Rating,
    on: time::Date,
    (source, source_id): (&str, &str),
    stays: Option<Vec<Stay>>,
    red_days: u32,
) -> Result<(), AppError> {
    let stays = match stays {
        Some(known) => known,
        None => stays_of(tx.conn(), person_id).await?,
    };
    if let Some(conflict) = assessment_conflict(&stays, on, rating, red_days) {
        return Err(AppError::Conflict(conflict.message()));
    }
    add_rating_event(
        tx,
        actor,
        person_id,
        rating,
        on,
        source,
        source_id,
        Some(GIVEN_BEFORE.into()),
    )
    .await?;
    tx.record(
        actor,
        Event::person("risk.rate", person_id)
            .detail(serde_json::json!({"rating": rating.as_str(), "source": source})),
    )
    .await
}

/// Ratings given outside the tool to entries just added (an import's batch), dated as given:
/// they have no stays yet, so nothing the tool would refuse; written in multi-row statements,
/// each audited.
pub async fn record_new_ratings_in(
    tx: &mut audit::AuditedTx,
    actor: &Actor,
    ratings: &[(PersonId, Rating, time::Date)],
    (source, source_id): (&str, &str),
) -> Result<(), AppError> {
    let rows: Vec<rating_event::ActiveModel> = ratings
        .iter()
        .map(|(person_id, rating, on)| rating_event::ActiveModel {
            person_id: Set(person_id.clone()),
            rating: Set(*rating),
            effective_on: Set(*on),
            source: Set(source.into()),
            source_id: Set(source_id.into()),
            reason: Set(Some(GIVEN_BEFORE.into())),
            recorded_by: Set(actor.username.clone()),
            recorded_at: Set(tx.now()),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(1000) {
        rating_event::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx.conn())
            .await?;
    }
    for (person_id, rating, _) in ratings {
        tx.record(
            actor,
            Event::person("risk.rate", person_id)
                .detail(serde_json::json!({"rating": rating.as_str(), "source": source})),
        )
        .await?;
    }
    Ok(())
}

/// Why a rating given outside the tool is on the record.
const GIVEN_BEFORE: &str = "Rating brought in from a register kept before tcr";

/// The rating history, newest first; the read is audited.
pub async fn history(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
) -> Result<Vec<RatingHistoryItem>, AppError> {
    find_readable(&app.db, reader, person_id).await?;
    let items = history_rows(&app.db, reader.scope, person_id).await?;
    audit::record_alone(app, actor, Event::person("rating.history.read", person_id)).await?;
    Ok(items)
}

/// The rating history of someone already found readable, newest first.
pub async fn history_rows(
    db: &impl ConnectionTrait,
    scope: Scope,
    person_id: &PersonId,
) -> Result<Vec<RatingHistoryItem>, AppError> {
    let rows = scope
        .select::<rating_event::Entity>()
        .filter(rating_event::Column::PersonId.eq(person_id))
        .order_by_desc(rating_event::Column::EffectiveOn)
        .order_by_desc(rating_event::Column::Seq)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(RatingHistoryItem {
                rating: r.rating,
                effective_on: r.effective_on,
                source: r.source,
                source_id: r.source_id,
                reason: r.reason,
                recorded_by: r.recorded_by,
                recorded_at: r
                    .recorded_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
            })
        })
        .collect()
}
