//! Referrals to the single point of access: recording them, the 28-day decision, accepting
//! (which adds the person through the consent gate in the same transaction, with the referral's
//! risk tool answers as their first assessment) or declining, and telling the referrer.

use super::audit::{self, Event};
use super::input::Check;
use super::people::{self, NewPerson, Reader};
use super::risk::{record_assessment, score};
use super::scope::Scope;
use super::{Actor, App};
use crate::domain::age::age_on;
use crate::domain::dates::DateKind;
use crate::domain::nhs_number::NhsNumber;
use crate::domain::referral::{self as rules, ReferralStatus};
use crate::domain::risk::Rating;
use crate::entities::{person, referral};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// The body of `POST /api/v1/referrals`: what a commissioner types in from the referral.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct NewReferral {
    #[schemars(with = "crate::services::schema::Day")]
    pub received_on: Option<String>,
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub referrer_name: Option<String>,
    /// Role or agency, for example "GP", "school SENCo", "mother".
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub referrer_role: Option<String>,
    /// Phone or email.
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub referrer_contact: Option<String>,
    #[schemars(with = "crate::services::schema::Text<100>")]
    pub given_name: Option<String>,
    #[schemars(with = "crate::services::schema::Text<100>")]
    pub family_name: Option<String>,
    #[schemars(with = "crate::services::schema::Day")]
    pub date_of_birth: Option<String>,
    /// When known.
    #[schemars(with = "Option<crate::services::schema::NhsNumber>")]
    pub nhs_number: Option<String>,
    #[schemars(with = "crate::services::schema::Text<10_000>")]
    pub reason: Option<String>,
    /// The multi-disciplinary team meeting held before referring; null when none was held.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub mdt_held_on: Option<String>,
    /// Risk tool answers, when the referrer completed the tool: every question, true or false.
    #[schemars(with = "Option<crate::services::schema::Answers>")]
    pub answers: Option<BTreeMap<String, serde_json::Value>>,
}

/// The body of `POST /api/v1/referrals/{id}/decision`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    #[schemars(with = "crate::services::schema::Day")]
    pub decided_on: Option<String>,
    /// `accepted` or `declined`.
    #[schemars(with = "crate::services::schema::DecisionOutcome")]
    pub outcome: Option<String>,
    /// Required when declining.
    #[schemars(with = "Option<crate::services::schema::Note<10_000>>")]
    pub reason: Option<String>,
    /// Required when accepting: the register entry with its consent, as for `POST /api/v1/people`.
    pub person: Option<NewPerson>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct OutcomeSent {
    #[schemars(with = "crate::services::schema::Day")]
    pub sent_on: Option<String>,
}

/// Someone on the register who may be the person referred.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PossibleDuplicate {
    pub person_id: String,
    pub name: String,
    pub nhs_number: String,
    /// `nhs_number`, or `name_and_date_of_birth`.
    pub matched_on: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReferralView {
    pub id: String,
    pub status: ReferralStatus,
    pub received_on: String,
    pub decision_due_by: String,
    /// Days until the decision is due; negative once overdue.
    pub days_left: i64,
    pub overdue: bool,
    pub mdt_held: bool,
    pub mdt_held_on: Option<String>,
    pub referrer_name: String,
    pub referrer_role: String,
    pub referrer_contact: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub nhs_number: Option<String>,
    pub reason: String,
    pub score: Option<u32>,
    pub suggested_rating: Option<Rating>,
    pub tool_version: Option<String>,
    pub answers: Option<BTreeMap<String, bool>>,
    pub decided_on: Option<String>,
    pub decision_reason: Option<String>,
    pub person_id: Option<String>,
    pub outcome_sent_on: Option<String>,
    pub possible_duplicates: Vec<PossibleDuplicate>,
}

fn corrupt(what: &str) -> AppError {
    AppError::Internal(format!("referral has an unknown {what}"))
}

fn view(
    r: &referral::Model,
    days: u32,
    today: Date,
    duplicates: Vec<PossibleDuplicate>,
) -> Result<ReferralView, AppError> {
    let status = ReferralStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?;
    let due = rules::decision_due(r.received_on, days);
    let answers = match &r.answers {
        Some(json) => Some(serde_json::from_str(json).map_err(|_| corrupt("answers"))?),
        None => None,
    };
    Ok(ReferralView {
        id: r.id.clone(),
        status,
        received_on: r.received_on.to_string(),
        decision_due_by: due.to_string(),
        days_left: rules::days_left(due, today),
        overdue: rules::is_overdue(status, due, today),
        mdt_held: !rules::mdt_missing(r.mdt_held_on),
        mdt_held_on: r.mdt_held_on.map(|d| d.to_string()),
        referrer_name: r.referrer_name.clone(),
        referrer_role: r.referrer_role.clone(),
        referrer_contact: r.referrer_contact.clone(),
        given_name: r.given_name.clone(),
        family_name: r.family_name.clone(),
        date_of_birth: r.date_of_birth.to_string(),
        nhs_number: r
            .nhs_number
            .as_deref()
            .and_then(|n| NhsNumber::parse(n).ok())
            .map(|n| n.to_string()),
        reason: r.reason.clone(),
        score: r.score.map(|s| s as u32),
        suggested_rating: r.suggested_rating.as_deref().and_then(Rating::parse),
        tool_version: r.tool_version.clone(),
        answers,
        decided_on: r.decided_on.map(|d| d.to_string()),
        decision_reason: r.decision_reason.clone(),
        person_id: r.person_id.clone(),
        outcome_sent_on: r.outcome_sent_on.map(|d| d.to_string()),
        possible_duplicates: duplicates,
    })
}

/// People already on the register who match by NHS number, or by names and date of birth.
async fn duplicates_of(
    db: &impl ConnectionTrait,
    reader: &Reader,
    r: &referral::Model,
) -> Result<Vec<PossibleDuplicate>, AppError> {
    // Withdrawn entries are gone: they are nobody's duplicate.
    let mut candidates = Scope::Register
        .select::<person::Entity>()
        .filter(person::Column::DateOfBirth.eq(r.date_of_birth));
    if let Some(n) = &r.nhs_number {
        candidates = Scope::Register.select::<person::Entity>().filter(
            sea_orm::Condition::any()
                .add(person::Column::DateOfBirth.eq(r.date_of_birth))
                .add(person::Column::NhsNumber.eq(n.clone())),
        );
    }
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    let mut out = Vec::new();
    for p in candidates.all(db).await? {
        if p.id == r.person_id.clone().unwrap_or_default() {
            continue;
        }
        let by_number = r.nhs_number.as_deref() == Some(p.nhs_number.as_str());
        let by_name = same(&p.given_name, &r.given_name) && same(&p.family_name, &r.family_name);
        if !(by_number || by_name) {
            continue;
        }
        // Only name people the caller may read; others are still flagged, without detail.
        let readable = people::find_readable(db, reader, &p.id).await.is_ok();
        out.push(PossibleDuplicate {
            person_id: if readable {
                p.id.clone()
            } else {
                String::new()
            },
            name: if readable {
                format!("{} {}", p.given_name, p.family_name)
            } else {
                "someone you cannot see".into()
            },
            nhs_number: if readable {
                NhsNumber::parse(&p.nhs_number)
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            },
            matched_on: if by_number {
                "nhs_number"
            } else {
                "name_and_date_of_birth"
            }
            .into(),
        });
    }
    Ok(out)
}

pub async fn create(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    input: NewReferral,
) -> Result<ReferralView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let received_on = c.past_date(
        "received_on",
        "the date the referral was received",
        &input.received_on,
        today,
    );
    let referrer_name = c.text(
        "referrer_name",
        "the referrer's name",
        &input.referrer_name,
        200,
    );
    let referrer_role = c.text(
        "referrer_role",
        "the referrer's role or agency",
        &input.referrer_role,
        200,
    );
    let referrer_contact = c.text(
        "referrer_contact",
        "how to contact the referrer",
        &input.referrer_contact,
        200,
    );
    let given_name = c.text(
        "given_name",
        "the person's given name",
        &input.given_name,
        100,
    );
    let family_name = c.text(
        "family_name",
        "the person's family name",
        &input.family_name,
        100,
    );
    let date_of_birth = c.dated(
        "date_of_birth",
        "the person's date of birth",
        &input.date_of_birth,
        DateKind::Birth,
        today,
    );
    let nhs_number = match input
        .nhs_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => NhsNumber::parse(raw)
            .map_err(|e| c.fail("nhs_number", e.message()))
            .ok(),
    };
    let reason = c.paragraph(
        "reason",
        "the reason for the referral",
        &input.reason,
        10_000,
    );
    let mdt_held_on = c.optional_dated(
        "mdt_held_on",
        "the date of the MDT meeting",
        &input.mdt_held_on,
        DateKind::Event,
        today,
    );
    if let (Some(mdt), Some(received)) = (mdt_held_on, received_on)
        && mdt > received
    {
        c.fail(
            "mdt_held_on",
            "The MDT meeting should be on or before the date the referral was received",
        );
    }
    let mut answers = None;
    if let Some(raw) = &input.answers {
        let mut parsed = BTreeMap::new();
        for (id, v) in raw {
            match v.as_bool() {
                Some(b) => {
                    parsed.insert(id.clone(), b);
                }
                None => c.fail(&format!("answers.{id}"), "Answer yes (true) or no (false)"),
            }
        }
        answers = Some(parsed);
    }
    c.finish()?;
    let (Some(received_on), Some(date_of_birth)) = (received_on, date_of_birth) else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    if date_of_birth > received_on {
        return Err(AppError::field(
            "date_of_birth",
            "The date of birth is after the referral was received",
        ));
    }
    let tool = &app.policies.risk_tool;
    let scored = match &answers {
        Some(a) => Some(score(
            tool,
            a,
            age_on(date_of_birth, received_on).unwrap_or(0),
        )?),
        None => None,
    };
    let mut tx = audit::begin(app).await?;
    let row = referral::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        received_on: Set(received_on),
        referrer_name: Set(referrer_name),
        referrer_role: Set(referrer_role),
        referrer_contact: Set(referrer_contact),
        given_name: Set(given_name),
        family_name: Set(family_name),
        date_of_birth: Set(date_of_birth),
        nhs_number: Set(nhs_number.map(|n| n.digits().to_string())),
        reason: Set(reason),
        mdt_held_on: Set(mdt_held_on),
        answers: Set(answers
            .as_ref()
            .map(|a| serde_json::to_string(a).unwrap_or_default())),
        score: Set(scored.as_ref().map(|s| s.score as i32)),
        suggested_rating: Set(scored.as_ref().map(|s| s.suggested.as_str().to_string())),
        tool_version: Set(scored.as_ref().map(|_| tool.version.clone())),
        status: Set(ReferralStatus::AwaitingDecision.as_str().into()),
        decided_on: Set(None),
        decision_reason: Set(None),
        decided_by: Set(None),
        person_id: Set(None),
        outcome_sent_on: Set(None),
        created_by: Set(actor.username.clone()),
        created_at: Set(tx.now()),
    }
    .insert(tx.conn())
    .await?;
    tx.record(
        actor,
        Event::new("referral.create", "referral", Some(row.id.clone())),
    )
    .await?;
    let duplicates = duplicates_of(tx.conn(), reader, &row).await?;
    let result = view(
        &row,
        app.policies.schedule.referral_decision_days,
        today,
        duplicates,
    )?;
    tx.commit().await?;
    Ok(result)
}

async fn find(
    db: &impl ConnectionTrait,
    scope: Scope,
    id: &str,
) -> Result<referral::Model, AppError> {
    scope
        .by_id::<referral::Entity>(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Referral"))
}

pub async fn get(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &str,
) -> Result<ReferralView, AppError> {
    let r = find(&app.db, reader.scope, id).await?;
    let duplicates = duplicates_of(&app.db, reader, &r).await?;
    let result = view(
        &r,
        app.policies.schedule.referral_decision_days,
        app.clock.today(),
        duplicates,
    )?;
    audit::record_alone(
        app,
        actor,
        Event::new("referral.read", "referral", Some(id.to_string())),
    )
    .await?;
    Ok(result)
}

/// Filters and page of the referral list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReferralQuery {
    pub status: Option<ReferralStatus>,
    /// Only those decided (accepted or declined).
    pub decided: bool,
    pub overdue: Option<bool>,
    pub page: u64,
    pub per_page: u64,
}

/// Referrals: awaiting a decision first (soonest due, so overdue, first), then decided (latest
/// first); filtered, ordered and paged in SQL, with how many match in all. One audit entry
/// records the list read.
pub async fn list(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    q: &ReferralQuery,
) -> Result<(Vec<ReferralView>, u64), AppError> {
    use sea_orm::sea_query::ExprTrait;
    use sea_orm::{QueryOrder, QuerySelect};
    let today = app.clock.today();
    let days = app.policies.schedule.referral_decision_days;
    let awaiting = || referral::Column::Status.eq(ReferralStatus::AwaitingDecision.as_str());
    let mut select = reader.scope.select::<referral::Entity>();
    if let Some(s) = q.status {
        select = select.filter(referral::Column::Status.eq(s.as_str()));
    }
    if q.decided {
        select = select.filter(awaiting().not());
    }
    if let Some(o) = q.overdue {
        // `rules::is_overdue`, through the bound the rule gives for the day received.
        let late = sea_orm::Condition::all()
            .add(awaiting())
            .add(referral::Column::ReceivedOn.lt(rules::overdue_if_received_before(today, days)));
        select = select.filter(if o { late } else { late.not() });
    }
    // Awaiting a decision first, by receipt (the decision is due a fixed number of days after
    // it: by due date is by receipt); then the decided, latest first. Each part is read in its
    // index's order and the page is cut across the two, so a page never sorts every referral.
    let waiting = select
        .clone()
        .filter(awaiting())
        .order_by_asc(referral::Column::ReceivedOn)
        .order_by_asc(referral::Column::CreatedAt)
        .order_by_asc(referral::Column::Id);
    let decided = select
        .filter(awaiting().not())
        .order_by_desc(referral::Column::DecidedOn)
        .order_by_asc(referral::Column::CreatedAt)
        .order_by_asc(referral::Column::Id);
    let first = crate::services::counted::rows(app, waiting.clone()).await?;
    let total = first + crate::services::counted::rows(app, decided.clone()).await?;
    let skip = q.page.saturating_sub(1) * q.per_page;
    let mut rows = Vec::new();
    if skip < first {
        rows = waiting.offset(skip).limit(q.per_page).all(&app.db).await?;
    }
    let wanted = q.per_page - rows.len() as u64;
    if wanted > 0 && skip + q.per_page > first {
        let from = skip.saturating_sub(first);
        rows.extend(decided.offset(from).limit(wanted).all(&app.db).await?);
    }
    let items = rows
        .iter()
        .map(|r| view(r, days, today, Vec::new()))
        .collect::<Result<Vec<_>, _>>()?;
    audit::record_alone(
        app,
        actor,
        Event::new("referral.list", "referral", None).detail(serde_json::json!({
            "status": q.status.map(ReferralStatus::as_str), "overdue": q.overdue,
            "page": q.page, "shown": items.len(), "total": total,
        })),
    )
    .await?;
    Ok((items, total))
}

/// Accepts (adding the person through the consent gate, in the same transaction) or declines.
/// A refused consent leaves both the register and the referral untouched.
pub async fn decide(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &str,
    input: Decision,
) -> Result<ReferralView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let decided_on = c.past_date(
        "decided_on",
        "the date of the decision",
        &input.decided_on,
        today,
    );
    let outcome = c.choice(
        "outcome",
        "the outcome",
        &input.outcome,
        |s| match s {
            "accepted" => Some(ReferralStatus::Accepted),
            "declined" => Some(ReferralStatus::Declined),
            _ => None,
        },
        "accepted or declined".into(),
    );
    let reason = c.optional_paragraph("reason", "the reason", &input.reason, 10_000);
    if outcome == Some(ReferralStatus::Declined) && reason.is_none() {
        c.fail(
            "reason",
            "Give the reason for declining: the referrer and the family are told it",
        );
    }
    if outcome == Some(ReferralStatus::Accepted) && input.person.is_none() {
        c.fail(
            "person",
            "Accepting adds the person to the register: give their details and consent",
        );
    }
    c.finish()?;
    let (Some(decided_on), Some(outcome)) = (decided_on, outcome) else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    let mut tx = audit::begin(app).await?;
    let current = find(tx.conn(), reader.scope, id).await?;
    if current.status != ReferralStatus::AwaitingDecision.as_str() {
        return Err(AppError::Conflict(
            "This referral has already been decided.".into(),
        ));
    }
    if decided_on < current.received_on {
        return Err(AppError::field(
            "decided_on",
            format!(
                "The decision cannot be before the referral was received ({})",
                crate::domain::dates::long_date(current.received_on)
            ),
        ));
    }
    let mut person_id = None;
    if let (ReferralStatus::Accepted, Some(person)) = (outcome, &input.person) {
        let new_id = people::register_in(&mut tx, actor, person, today).await?;
        if let Some(json) = &current.answers {
            let answers: BTreeMap<String, bool> =
                serde_json::from_str(json).map_err(|_| corrupt("answers"))?;
            let added =
                people::view_by_id(tx.conn(), &new_id, decided_on, &app.policies.schedule).await?;
            let born =
                crate::services::input::parse_date(&added.date_of_birth).unwrap_or(decided_on);
            let scored = score(
                &app.policies.risk_tool,
                &answers,
                age_on(born, decided_on).unwrap_or(0),
            )?;
            let note = Some(format!(
                "From the referral received {}",
                crate::domain::dates::long_date(current.received_on)
            ));
            record_assessment(
                &tx,
                actor,
                &new_id,
                decided_on,
                &answers,
                &scored,
                scored.suggested,
                note,
                &app.policies.risk_tool.version,
            )
            .await?;
        }
        person_id = Some(new_id);
    }
    let mut row: referral::ActiveModel = current.into();
    row.status = Set(outcome.as_str().into());
    row.decided_on = Set(Some(decided_on));
    row.decision_reason = Set(reason);
    row.decided_by = Set(Some(actor.username.clone()));
    row.person_id = Set(person_id.clone());
    let updated = row.update(tx.conn()).await?;
    let action = if outcome == ReferralStatus::Accepted {
        "referral.accept"
    } else {
        "referral.decline"
    };
    let mut event = Event::new(action, "referral", Some(id.to_string()));
    event.person_id = person_id;
    tx.record(actor, event).await?;
    let duplicates = duplicates_of(tx.conn(), reader, &updated).await?;
    let result = view(
        &updated,
        app.policies.schedule.referral_decision_days,
        today,
        duplicates,
    )?;
    tx.commit().await?;
    Ok(result)
}

/// Records the day the referrer and the family were told the outcome.
pub async fn outcome_sent(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &str,
    input: OutcomeSent,
) -> Result<ReferralView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let sent_on = c.past_date(
        "sent_on",
        "the date the outcome was sent",
        &input.sent_on,
        today,
    );
    c.finish()?;
    let Some(sent_on) = sent_on else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    let mut tx = audit::begin(app).await?;
    let current = find(tx.conn(), reader.scope, id).await?;
    let Some(decided_on) = current.decided_on else {
        return Err(AppError::Conflict(
            "There is no decision to send yet.".into(),
        ));
    };
    if current.outcome_sent_on.is_some() {
        return Err(AppError::Conflict(
            "The outcome has already been recorded as sent.".into(),
        ));
    }
    if sent_on < decided_on {
        return Err(AppError::field(
            "sent_on",
            format!("The outcome cannot be sent before the decision ({decided_on})"),
        ));
    }
    let mut row: referral::ActiveModel = current.into();
    row.outcome_sent_on = Set(Some(sent_on));
    let updated = row.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::new("referral.outcome_sent", "referral", Some(id.to_string())),
    )
    .await?;
    let duplicates = duplicates_of(tx.conn(), reader, &updated).await?;
    let result = view(
        &updated,
        app.policies.schedule.referral_decision_days,
        today,
        duplicates,
    )?;
    tx.commit().await?;
    Ok(result)
}
