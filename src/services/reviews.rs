//! Reviews and their action plans: scheduling with a panel (no one on two reviews in a day),
//! the due date each kind carries, holding with findings and actions (which schedules the next
//! review in the same transaction), the report, cancelling, and updating actions.

use super::audit::{self, Event};
use super::input::Check;
use super::people::{self, Reader};
use super::scope::Scope;
use super::sessions::SignedIn;
use super::{Actor, App};
use crate::domain::age::{age_on, review_type};
use crate::domain::dates::DateKind;
use crate::domain::deadlines::Owed;
use crate::domain::panel::{PLACE_MAX, PanelKind, parse_start_time, seat_problem};
use crate::domain::person::{SecurityLevel, Status};
use crate::domain::review::{
    self as rules, ActionStatus, LINES_OF_ENQUIRY, Panel, ReviewKind, ReviewStatus,
};
use crate::domain::role::Role;
use crate::domain::schedule::{self, Security};
use crate::entities::{action, admission, review, user};
use crate::error::AppError;
use crate::policy::Permission;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use time::Date;

// ---------------------------------------------------------------------------------------------
// Input and views

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewReview {
    /// `community`, `laep`, `post_admission`, `inpatient` or `follow_up`.
    #[schemars(with = "ReviewKind")]
    pub kind: Option<String>,
    #[schemars(with = "crate::services::schema::Day")]
    pub scheduled_for: Option<String>,
    /// The day it was booked (default today, or the review's date when that is earlier): not
    /// before the person joined the register (nor, for a review of a stay, before the
    /// admission), not after the review's date, not in the future.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub scheduled_on: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub chair_id: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub expert_by_experience_id: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub clinical_expert_id: Option<String>,
    /// When it starts, `HH:MM` (24-hour clock, UK local time).
    #[schemars(with = "Option<crate::services::schema::StartTime>")]
    pub starts_at: Option<String>,
    /// Where it is held: a place, or a joining link for a video call.
    #[schemars(with = "Option<crate::services::schema::Text<500>>")]
    pub place: Option<String>,
    /// Pages set this to ask before booking a weekend or bank holiday (the API takes the date
    /// as given).
    #[serde(skip)]
    #[schemars(skip)]
    pub ask_day_off: bool,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewAction {
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub who: Option<String>,
    #[schemars(with = "crate::services::schema::Text<5_000>")]
    pub what: Option<String>,
    /// The day it is due (`YYYY-MM-DD`), not before the review.
    #[schemars(with = "crate::services::schema::Day")]
    pub when: Option<String>,
    #[schemars(with = "crate::services::schema::Text<5_000>")]
    pub how: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Outcome {
    #[schemars(with = "crate::services::schema::Day")]
    pub held_on: Option<String>,
    /// One finding for each key line of enquiry: `safe`, `current_care`, `daily_life`,
    /// `physical_health`, `future_plan`, `need_for_hospital`.
    #[schemars(with = "crate::services::schema::Findings")]
    pub findings: Option<BTreeMap<String, String>>,
    #[schemars(with = "crate::services::schema::Text<20_000>")]
    pub recommendations: Option<String>,
    #[schemars(with = "Option<Vec<NewAction>>")]
    pub actions: Option<Vec<NewAction>>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ReportSent {
    #[schemars(with = "crate::services::schema::Day")]
    pub sent_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Cancel {
    #[schemars(with = "crate::services::schema::Text<2_000>")]
    pub reason: Option<String>,
    /// The day it was cancelled (default today): not before it was booked, not in the future.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub cancelled_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ActionUpdate {
    /// `open`, `done` (with `completed_on`) or `dropped` (with a `note` giving the reason).
    #[schemars(with = "ActionStatus")]
    pub status: Option<String>,
    /// The day it was done (required for `done`) or dropped (default today): not before the
    /// review that agreed it, not in the future.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub completed_on: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Note<5_000>>")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PanelMember {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ActionView {
    pub id: String,
    pub review_id: String,
    pub person_id: String,
    pub who: String,
    pub what: String,
    pub when: String,
    pub how: String,
    pub status: ActionStatus,
    /// The day it was done or dropped.
    pub completed_on: Option<String>,
    pub note: Option<String>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReviewView {
    pub id: String,
    pub person_id: String,
    pub person_name: String,
    pub kind: ReviewKind,
    /// `cetr` or `ctr`, from the person's age (and EHCP) on the review day.
    pub review_type: String,
    pub status: ReviewStatus,
    pub scheduled_for: String,
    /// When it starts, `HH:MM` UK local time, if given.
    pub starts_at: Option<String>,
    /// Where it is held: a place, or a joining link.
    pub place: Option<String>,
    /// The day it was booked.
    pub scheduled_on: String,
    pub due_by: Option<String>,
    /// Scheduled and past its due date (or its date, when it has none).
    pub overdue: bool,
    pub chair: Option<PanelMember>,
    pub expert_by_experience: Option<PanelMember>,
    pub clinical_expert: Option<PanelMember>,
    pub held_on: Option<String>,
    pub findings: Option<BTreeMap<String, String>>,
    pub recommendations: Option<String>,
    pub report_due_by: Option<String>,
    pub report_sent_on: Option<String>,
    pub report_overdue: bool,
    pub cancelled_reason: Option<String>,
    /// The day it was cancelled.
    pub cancelled_on: Option<String>,
    pub previous_review_id: Option<String>,
    pub actions: Vec<ActionView>,
    /// After an outcome is recorded: the review it scheduled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_review: Option<Box<ReviewView>>,
}

pub(crate) fn action_view(a: &action::Model, today: Date) -> Result<ActionView, AppError> {
    let status = ActionStatus::parse(&a.status)
        .ok_or_else(|| AppError::Internal("unknown action status".into()))?;
    Ok(ActionView {
        id: a.id.clone(),
        review_id: a.review_id.clone(),
        person_id: a.person_id.clone(),
        who: a.who.clone(),
        what: a.what.clone(),
        when: a.due_on.to_string(),
        how: a.how.clone(),
        status,
        completed_on: a.completed_on.map(|d| d.to_string()),
        note: a.note.clone(),
        overdue: rules::action_overdue(status, a.due_on, today),
    })
}

async fn names(db: &impl ConnectionTrait) -> Result<HashMap<String, String>, AppError> {
    Ok(user::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// What review views are built from, loaded once for a whole list (or one person's reviews)
/// instead of once per review.
pub(crate) struct Lookups {
    users: HashMap<String, String>,
    people: HashMap<String, crate::entities::person::Model>,
    actions: HashMap<String, Vec<action::Model>>,
    open_stays: HashMap<String, admission::Model>,
    reviews_by_person: HashMap<String, Vec<review::Model>>,
}

/// What the views of these people's reviews are built from.
pub(crate) async fn lookups(
    db: &impl ConnectionTrait,
    scope: Scope,
    people: &[String],
) -> Result<Lookups, AppError> {
    let ids = || people.iter().map(String::as_str);
    let of = scope
        .select::<crate::entities::person::Entity>()
        .filter(crate::entities::person::Column::Id.is_in(ids()));
    let actions = scope
        .select::<action::Entity>()
        .filter(action::Column::PersonId.is_in(ids()))
        .order_by_asc(action::Column::DueOn);
    let stays = scope
        .select::<admission::Entity>()
        .filter(admission::Column::DischargedOn.is_null())
        .filter(admission::Column::PersonId.is_in(ids()));
    let reviews = scope
        .select::<review::Entity>()
        .filter(review::Column::PersonId.is_in(ids()));
    let mut lk = Lookups {
        users: names(db).await?,
        people: of
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect(),
        actions: HashMap::new(),
        open_stays: stays
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.person_id.clone(), s))
            .collect(),
        reviews_by_person: HashMap::new(),
    };
    for a in actions.all(db).await? {
        lk.actions.entry(a.review_id.clone()).or_default().push(a);
    }
    for r in reviews.all(db).await? {
        lk.reviews_by_person
            .entry(r.person_id.clone())
            .or_default()
            .push(r);
    }
    Ok(lk)
}

/// One review's view, loading only what it needs.
pub(crate) async fn view(
    db: &impl ConnectionTrait,
    scope: Scope,
    r: &review::Model,
    app: &App,
) -> Result<ReviewView, AppError> {
    let lk = lookups(db, scope, std::slice::from_ref(&r.person_id)).await?;
    view_with(r, &lk, app)
}

pub(crate) fn view_with(
    r: &review::Model,
    lk: &Lookups,
    app: &App,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let member = |id: &Option<String>| {
        id.as_ref().map(|id| PanelMember {
            id: id.clone(),
            name: lk.users.get(id).cloned().unwrap_or_default(),
        })
    };
    let status = ReviewStatus::parse(&r.status)
        .ok_or_else(|| AppError::Internal("unknown review status".into()))?;
    let kind = ReviewKind::parse(&r.kind)
        .ok_or_else(|| AppError::Internal("unknown review kind".into()))?;
    let actions = lk
        .actions
        .get(&r.id)
        .into_iter()
        .flatten()
        .map(|a| action_view(a, today))
        .collect::<Result<Vec<_>, _>>()?;
    let person = lk.people.get(&r.person_id);
    // Due dates and overdue flags are the deadline engine's: an inpatient review's due date
    // follows the stay's security level and the person's age today, so it is worked out on
    // every read. A closed entry owes nothing.
    let owed = match person {
        Some(p) => {
            let rows = super::due::Rows {
                reviews: lk
                    .reviews_by_person
                    .get(&r.person_id)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
                stays: lk
                    .open_stays
                    .get(&r.person_id)
                    .map(std::slice::from_ref)
                    .unwrap_or(&[]),
                ..Default::default()
            };
            super::due::owed(p, &rows, &app.policies.schedule, today)
        }
        None => Vec::new(),
    };
    let booked = owed
        .iter()
        .find(|i| matches!(&i.owed, Owed::ScheduledReview { review_id, .. } if *review_id == r.id));
    let report = owed
        .iter()
        .find(|i| matches!(&i.owed, Owed::Report { review_id, .. } if *review_id == r.id));
    let due = booked.map(|i| i.due).or(r.due_by);
    let report_due = report.map(|i| i.due).or_else(|| {
        r.held_on
            .map(|h| schedule::report_due(h, &app.policies.schedule.deadlines))
    });
    let findings = match &r.findings {
        Some(json) => Some(
            serde_json::from_str(json).map_err(|_| AppError::Internal("bad findings".into()))?,
        ),
        None => None,
    };
    Ok(ReviewView {
        id: r.id.clone(),
        person_id: r.person_id.clone(),
        person_name: person
            .map(|p| format!("{} {}", p.given_name, p.family_name))
            .unwrap_or_default(),
        kind,
        review_type: r.review_type.clone(),
        status,
        scheduled_for: r.scheduled_for.to_string(),
        starts_at: r.starts_at.clone(),
        place: r.place.clone(),
        scheduled_on: r.scheduled_on.to_string(),
        due_by: due.map(|d| d.to_string()),
        overdue: booked.is_some_and(|i| i.overdue),
        chair: member(&r.chair_id),
        expert_by_experience: member(&r.expert_by_experience_id),
        clinical_expert: member(&r.clinical_expert_id),
        held_on: r.held_on.map(|d| d.to_string()),
        findings,
        recommendations: r.recommendations.clone(),
        report_due_by: report_due.map(|d| d.to_string()),
        report_sent_on: r.report_sent_on.map(|d| d.to_string()),
        report_overdue: report.is_some_and(|i| i.overdue),
        cancelled_reason: r.cancelled_reason.clone(),
        cancelled_on: r.cancelled_on.map(|d| d.to_string()),
        previous_review_id: r.previous_review_id.clone(),
        actions,
        next_review: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Who may read and record

/// The reviews a user may read: all, or those they sit on until the report is sent.
#[derive(Debug, Clone)]
pub struct ReviewReader {
    pub(crate) all: bool,
    pub(crate) member: Option<String>,
    /// Whether withdrawn people's reviews are within reach.
    pub scope: Scope,
}

impl ReviewReader {
    pub fn of(app: &App, who: &SignedIn) -> Self {
        let has = |p| app.policies.access.allows(who.role(), p);
        ReviewReader {
            all: has(Permission::ReviewsRead),
            member: has(Permission::ReviewsReadAssigned).then(|| who.user.id.clone()),
            scope: Scope::of(app, who),
        }
    }

    pub fn may_read(&self, r: &review::Model) -> bool {
        self.all
            || self
                .member
                .as_ref()
                .is_some_and(|m| sits_on(m, r) && is_live(r))
    }
}

fn sits_on(user_id: &str, r: &review::Model) -> bool {
    [
        &r.chair_id,
        &r.expert_by_experience_id,
        &r.clinical_expert_id,
    ]
    .iter()
    .any(|m| m.as_deref() == Some(user_id))
}

/// From scheduling until the report is sent (and not cancelled).
fn is_live(r: &review::Model) -> bool {
    r.status != ReviewStatus::Cancelled.as_str() && r.report_sent_on.is_none()
}

/// The people a panel member may read: those of the live reviews they sit on.
pub async fn assigned_people(
    db: &impl ConnectionTrait,
    scope: Scope,
    user_id: &str,
) -> Result<Vec<String>, AppError> {
    Ok(scope
        .select::<review::Entity>()
        .all(db)
        .await?
        .into_iter()
        .filter(|r| sits_on(user_id, r) && is_live(r))
        .map(|r| r.person_id)
        .collect())
}

pub(crate) async fn find(
    db: &impl ConnectionTrait,
    reader: &ReviewReader,
    id: &str,
) -> Result<review::Model, AppError> {
    reader
        .scope
        .by_id::<review::Entity>(id)
        .one(db)
        .await?
        .filter(|r| reader.may_read(r))
        .ok_or_else(|| AppError::not_found("Review"))
}

// ---------------------------------------------------------------------------------------------
// Scheduling

/// The most actions one review's plan may hold (a real plan has up to twenty or so).
pub const MAX_ACTIONS: usize = 50;

/// The seats as chosen: `(field, user id)` for `chair_id`, `expert_by_experience_id` and
/// `clinical_expert_id`.
pub(crate) type Seats<'a> = [(&'static str, &'a Option<String>)];

fn given(id: &Option<String>) -> Option<&str> {
    id.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Checks each chosen panel member is an active user of a role that can sit in that seat and,
/// in a member seat, of that seat's panel kind. A person chosen for two seats is left to the
/// panel rule (three different people).
pub(crate) async fn check_panel(
    c: &mut Check,
    db: &impl ConnectionTrait,
    seats: &Seats<'_>,
) -> Result<Panel, AppError> {
    let mut panel = Panel::default();
    for (field, id) in seats {
        let field = *field;
        let (roles, who): (&[Role], &str) = if field == "chair_id" {
            (
                &[Role::PanelChair, Role::Commissioner],
                "a panel chair or commissioner",
            )
        } else {
            (&[Role::PanelMember], "a panel member")
        };
        let Some(id) = given(id) else {
            continue;
        };
        let twice = seats
            .iter()
            .any(|(other, o)| *other != field && given(o) == Some(id));
        // Not a user id at all (a crafted form, a stray control character): nobody to look up.
        let found = match uuid::Uuid::parse_str(id) {
            Ok(_) => user::Entity::find_by_id(id.to_string()).one(db).await?,
            Err(_) => None,
        };
        match found {
            Some(u) if u.active && u.role.parse::<Role>().is_ok_and(|r| roles.contains(&r)) => {
                let kind = u.panel_kind.as_deref().and_then(PanelKind::parse);
                if let Some(problem) = seat_problem(field, kind).filter(|_| !twice) {
                    c.fail(field, problem);
                    continue;
                }
                let slot = match field {
                    "chair_id" => &mut panel.chair,
                    "expert_by_experience_id" => &mut panel.expert_by_experience,
                    _ => &mut panel.clinical_expert,
                };
                *slot = Some(u.id);
            }
            _ => c.fail(field, format!("Choose an active user who is {who}")),
        }
    }
    Ok(panel)
}

/// The first panel member already on another review that day: the seat they were chosen for,
/// and the clash in words naming them.
pub(crate) async fn clash(
    db: &impl ConnectionTrait,
    panel: &Panel,
    day: Date,
    except: Option<&str>,
) -> Result<Option<(&'static str, String)>, AppError> {
    // A withdrawn person's reviews are gone: they hold no one's day.
    let same_day = Scope::Register
        .select::<review::Entity>()
        .filter(review::Column::Status.ne(ReviewStatus::Cancelled.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(review::Column::HeldOn.eq(day))
                .add(
                    sea_orm::Condition::all()
                        .add(review::Column::HeldOn.is_null())
                        .add(review::Column::ScheduledFor.eq(day)),
                ),
        )
        .all(db)
        .await?;
    let users = names(db).await?;
    for r in same_day {
        if except == Some(r.id.as_str()) || r.held_on.unwrap_or(r.scheduled_for) != day {
            continue;
        }
        let seats = [
            ("chair_id", &panel.chair),
            ("expert_by_experience_id", &panel.expert_by_experience),
            ("clinical_expert_id", &panel.clinical_expert),
        ];
        if let Some((field, m)) = seats
            .into_iter()
            .find_map(|(f, m)| m.as_ref().filter(|m| sits_on(m, &r)).map(|m| (f, m)))
        {
            let name = users
                .get(m)
                .cloned()
                .unwrap_or_else(|| "A panel member".into());
            let role = if field == "chair_id" {
                "the chair"
            } else {
                "a panel member"
            };
            return Ok(Some((
                field,
                format!(
                    "{name} ({role}) is already on the panel of another review on {day}: a panel member cannot sit on two reviews on the same day."
                ),
            )));
        }
    }
    Ok(None)
}

/// When a review of this kind is due for this person, if a deadline applies.
async fn due_by(
    app: &App,
    db: &(impl ConnectionTrait + sea_orm::StreamTrait),
    person: &crate::entities::person::Model,
    kind: ReviewKind,
    today: Date,
) -> Result<Option<Date>, AppError> {
    let rules_ = &app.policies.schedule.deadlines;
    let held: Vec<review::Model> = Scope::Register
        .select::<review::Entity>()
        .filter(review::Column::PersonId.eq(person.id.clone()))
        .filter(review::Column::Status.eq(ReviewStatus::Held.as_str()))
        .all(db)
        .await?;
    let last_held = |kinds: &[ReviewKind], before: Option<Date>| {
        held.iter()
            .filter(|r| ReviewKind::parse(&r.kind).is_some_and(|k| kinds.contains(&k)))
            .filter_map(|r| r.held_on)
            .filter(|d| before.is_none_or(|b| *d <= b))
            .max()
    };
    let stay = Scope::Register
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.eq(person.id.clone()))
        .filter(admission::Column::DischargedOn.is_null())
        .one(db)
        .await?;
    let child_on = |d: Date| age_on(person.date_of_birth, d).is_some_and(|a| a < 18);
    Ok(match kind {
        ReviewKind::PostAdmission => match &stay {
            Some(s) => schedule::post_admission_review_due(
                s.admitted_on,
                child_on(s.admitted_on),
                last_held(
                    &[ReviewKind::Community, ReviewKind::Laep],
                    Some(s.admitted_on),
                ),
                rules_,
                &app.policies.schedule.bank_holidays,
            ),
            None => None,
        },
        ReviewKind::Inpatient => match &stay {
            Some(s) => {
                let since = last_held(&[ReviewKind::Inpatient, ReviewKind::PostAdmission], None)
                    .filter(|d| *d >= s.admitted_on)
                    .unwrap_or(s.admitted_on);
                Some(schedule::next_inpatient_review_due(
                    since,
                    child_on(today),
                    security(&s.security_level),
                    rules_,
                ))
            }
            None => None,
        },
        ReviewKind::FollowUp => last_held(
            &[
                ReviewKind::Community,
                ReviewKind::Laep,
                ReviewKind::FollowUp,
            ],
            None,
        )
        .map(|d| schedule::follow_up_due(d, rules_)),
        ReviewKind::Community | ReviewKind::Laep => {
            let view = people::view_by_id(db, &person.id, today, &app.policies.schedule).await?;
            match (
                view.rating,
                view.rating_since
                    .as_deref()
                    .and_then(super::input::parse_date),
            ) {
                (Some(crate::domain::risk::Rating::Red), Some(since)) => {
                    Some(schedule::red_review_due(since, rules_))
                }
                _ => None,
            }
        }
    })
}

fn security(level: &str) -> Security {
    match SecurityLevel::parse(level) {
        Some(SecurityLevel::None) | None => Security::None,
        Some(_) => Security::Secure,
    }
}

pub async fn schedule(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &str,
    input: NewReview,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let kind = c.choice(
        "kind",
        "the kind of review",
        &input.kind,
        ReviewKind::parse,
        "community, laep, post_admission, inpatient or follow_up".into(),
    );
    let day = c.dated(
        "scheduled_for",
        "the date of the review",
        &input.scheduled_for,
        DateKind::ScheduledReview,
        today,
    );
    if input.ask_day_off
        && let Some(message) = day.and_then(|d| super::review_moves::day_off_problem(app, d))
    {
        c.fail("confirm_day_off", message);
    }
    let booked_on = c.optional_dated(
        "scheduled_on",
        "the day it was booked",
        &input.scheduled_on,
        DateKind::Event,
        today,
    );
    if let (Some(b), Some(d)) = (booked_on, day)
        && b > d
    {
        c.fail(
            "scheduled_on",
            "The day it was booked cannot be after the date of the review",
        );
    }
    let starts_at = check_starts_at(&mut c, &input.starts_at);
    let place = c.optional_text(
        "place",
        "the place or joining link",
        &input.place,
        PLACE_MAX,
    );
    let seats = [
        ("chair_id", &input.chair_id),
        ("expert_by_experience_id", &input.expert_by_experience_id),
        ("clinical_expert_id", &input.clinical_expert_id),
    ];
    let panel = check_panel(&mut c, &app.db, &seats).await?;
    if let Some(kind) = kind
        && !c.has("chair_id")
        && !c.has("expert_by_experience_id")
        && !c.has("clinical_expert_id")
        && let Some((field, message)) = rules::panel_problem(kind, &panel)
    {
        c.fail(field, message);
    }
    c.finish()?;
    let (Some(kind), Some(day)) = (kind, day) else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    // Booked today unless told otherwise; a review entered for a day already past was booked
    // by that day at the latest.
    let booked_on = booked_on.unwrap_or(today.min(day));
    let mut tx = audit::begin(app).await?;
    let person = people::find_readable(tx.conn(), reader, person_id).await?;
    if person.status != Status::Active.as_str() {
        return Err(AppError::Conflict(
            "Reviews are held only for people on the active register.".into(),
        ));
    }
    if booked_on < person.registered_on {
        return Err(AppError::field(
            "scheduled_on",
            format!(
                "The day it was booked cannot be before the person joined the register ({})",
                crate::domain::dates::long_date(person.registered_on)
            ),
        ));
    }
    if matches!(kind, ReviewKind::PostAdmission | ReviewKind::Inpatient) {
        let Some(stay) = Scope::Register
            .select::<admission::Entity>()
            .filter(admission::Column::PersonId.eq(person_id))
            .filter(admission::Column::DischargedOn.is_null())
            .one(tx.conn())
            .await?
        else {
            return Err(AppError::Conflict(
                "Post-admission and inpatient reviews are for people in hospital.".into(),
            ));
        };
        if booked_on < stay.admitted_on {
            return Err(AppError::field(
                "scheduled_on",
                format!(
                    "A review of a stay cannot be booked before the admission ({})",
                    crate::domain::dates::long_date(stay.admitted_on)
                ),
            ));
        }
    }
    if let Some((field, message)) = clash(tx.conn(), &panel, day, None).await? {
        return Err(AppError::ConflictOn {
            message,
            field: field.into(),
        });
    }
    let due = due_by(app, tx.conn(), &person, kind, today).await?;
    let row = insert_review(
        &tx,
        actor,
        &person,
        Booking {
            kind,
            day,
            booked_on,
            due,
            starts_at,
            place,
        },
        &panel,
        None,
    )
    .await?;
    tx.record(
        actor,
        Event::person("review.schedule", person_id).detail(serde_json::json!({
            "review_id": row.id,
            "kind": kind.as_str(),
            "scheduled_on": booked_on.to_string(),
        })),
    )
    .await?;
    let result = view(tx.conn(), reader.scope, &row, app).await?;
    tx.commit().await?;
    Ok(result)
}

/// A review to book: its kind, its date, the day it was booked and its due date, if any; its
/// start time and place, if given.
struct Booking {
    kind: ReviewKind,
    day: Date,
    booked_on: Date,
    due: Option<Date>,
    starts_at: Option<String>,
    place: Option<String>,
}

/// An optional start time, `HH:MM`.
pub(crate) fn check_starts_at(c: &mut Check, v: &Option<String>) -> Option<String> {
    let raw = given(v)?;
    let t = parse_start_time(raw);
    if t.is_none() {
        c.fail(
            "starts_at",
            "Enter the start time as hours and minutes on the 24-hour clock, such as 09:30 or 14:00",
        );
    }
    t
}

/// `cetr` or `ctr`: from the person's age (and EHCP) on the review day.
pub(crate) fn review_type_on(person: &crate::entities::person::Model, day: Date) -> String {
    let age = age_on(person.date_of_birth, day).unwrap_or(0);
    match review_type(age, person.ehcp) {
        crate::domain::age::ReviewType::Cetr => "cetr".into(),
        crate::domain::age::ReviewType::Ctr => "ctr".into(),
    }
}

async fn insert_review(
    tx: &audit::AuditedTx,
    actor: &Actor,
    person: &crate::entities::person::Model,
    booking: Booking,
    panel: &Panel,
    previous: Option<String>,
) -> Result<review::Model, AppError> {
    let Booking {
        kind,
        day,
        booked_on,
        due,
        starts_at,
        place,
    } = booking;
    Ok(review::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        person_id: Set(person.id.clone()),
        kind: Set(kind.as_str().into()),
        review_type: Set(review_type_on(person, day)),
        status: Set(ReviewStatus::Scheduled.as_str().into()),
        scheduled_for: Set(day),
        starts_at: Set(starts_at),
        place: Set(place),
        scheduled_on: Set(booked_on),
        due_by: Set(due),
        chair_id: Set(panel.chair.clone()),
        expert_by_experience_id: Set(panel.expert_by_experience.clone()),
        clinical_expert_id: Set(panel.clinical_expert.clone()),
        held_on: Set(None),
        findings: Set(None),
        recommendations: Set(None),
        report_sent_on: Set(None),
        cancelled_reason: Set(None),
        cancelled_on: Set(None),
        previous_review_id: Set(previous),
        created_by: Set(actor.username.clone()),
        created_at: Set(tx.now()),
    }
    .insert(tx.conn())
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Holding a review

/// May this user record outcomes and reports for this review?
pub(super) fn may_record(app: &App, who: &SignedIn, r: &review::Model) -> bool {
    let has = |p| app.policies.access.allows(who.role(), p);
    has(Permission::ReviewsRecord)
        || (has(Permission::ReviewsRecordChaired)
            && r.chair_id.as_deref() == Some(who.user.id.as_str()))
}

/// An outcome as given, checked: the date held, a finding for each key line of enquiry,
/// the recommendations, and each action's WHO, WHAT, WHEN (not before the review) and HOW.
pub(super) struct CheckedOutcome {
    pub held_on: Date,
    pub findings: BTreeMap<String, String>,
    pub recommendations: String,
    pub actions: Vec<(String, String, Date, String)>,
}

/// Checks an outcome's fields, when it is recorded and when it is amended.
pub(super) fn check_outcome(input: &Outcome, today: Date) -> Result<CheckedOutcome, AppError> {
    let mut c = Check::default();
    let held_on = c.past_date(
        "held_on",
        "the date the review was held",
        &input.held_on,
        today,
    );
    let given = input.findings.clone().unwrap_or_default();
    let mut findings = BTreeMap::new();
    for (key, question) in LINES_OF_ENQUIRY {
        let text = c.paragraph(
            &format!("findings.{key}"),
            &format!("the finding for \"{question}\""),
            &given.get(key).cloned(),
            10_000,
        );
        findings.insert(key.to_string(), text);
    }
    for key in given
        .keys()
        .filter(|k| !LINES_OF_ENQUIRY.iter().any(|(l, _)| l == k))
    {
        c.fail(
            &format!("findings.{key}"),
            "This is not one of the key lines of enquiry",
        );
    }
    let recommendations = c.paragraph(
        "recommendations",
        "the recommendations",
        &input.recommendations,
        20_000,
    );
    let mut actions = Vec::new();
    let given_actions = input.actions.clone().unwrap_or_default();
    if given_actions.len() > MAX_ACTIONS {
        c.fail(
            "actions",
            format!(
                "An action plan can hold at most {MAX_ACTIONS} actions (this one has {})",
                given_actions.len()
            ),
        );
    }
    for (i, a) in given_actions.iter().take(MAX_ACTIONS).enumerate() {
        let who_ = c.paragraph(&format!("actions[{i}].who"), "WHO will do it", &a.who, 200);
        let what = c.paragraph(
            &format!("actions[{i}].what"),
            "WHAT will be done",
            &a.what,
            5_000,
        );
        let when = c.dated(
            &format!("actions[{i}].when"),
            "WHEN it is due",
            &a.when,
            DateKind::Planned,
            today,
        );
        let how = c.paragraph(
            &format!("actions[{i}].how"),
            "HOW it will be done",
            &a.how,
            5_000,
        );
        if let (Some(w), Some(h)) = (when, held_on)
            && w < h
        {
            c.fail(
                &format!("actions[{i}].when"),
                "An action cannot be due before the review",
            );
        }
        actions.push((who_, what, when, how));
    }
    c.finish()?;
    let Some(held_on) = held_on else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    Ok(CheckedOutcome {
        held_on,
        findings,
        recommendations,
        actions: actions
            .into_iter()
            .map(|(who, what, when, how)| (who, what, when.unwrap_or(held_on), how))
            .collect(),
    })
}

pub async fn hold(
    app: &App,
    who: &SignedIn,
    id: &str,
    input: Outcome,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let actor = who.actor();
    let CheckedOutcome {
        held_on,
        findings,
        recommendations,
        actions,
    } = check_outcome(&input, today)?;

    let mut tx = audit::begin(app).await?;
    let reader = ReviewReader::of(app, who);
    let current = find(tx.conn(), &reader, id).await?;
    if !may_record(app, who, &current) {
        return Err(AppError::Forbidden);
    }
    if current.status != ReviewStatus::Scheduled.as_str() {
        return Err(AppError::Conflict(
            "Only a scheduled review can be held.".into(),
        ));
    }
    let kind =
        ReviewKind::parse(&current.kind).ok_or_else(|| AppError::Internal("bad kind".into()))?;
    let panel = Panel {
        chair: current.chair_id.clone(),
        expert_by_experience: current.expert_by_experience_id.clone(),
        clinical_expert: current.clinical_expert_id.clone(),
    };
    if let Some((field, message)) = rules::panel_problem(kind, &panel) {
        return Err(AppError::field(
            field,
            format!("A review cannot be held without its panel: {message}"),
        ));
    }
    let person = reader
        .scope
        .by_id::<crate::entities::person::Entity>(&current.person_id)
        .one(tx.conn())
        .await?
        .ok_or_else(|| AppError::not_found("Person"))?;
    if person.status != Status::Active.as_str() {
        return Err(AppError::ConsentRequired {
            message: "No review is held without valid consent: this person is no longer on the active register".into(),
            field: "held_on".into(),
        });
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
    if held_on != current.scheduled_for
        && let Some((_, message)) = clash(tx.conn(), &panel, held_on, Some(id)).await?
    {
        return Err(AppError::Conflict(message));
    }
    let mut row: review::ActiveModel = current.clone().into();
    row.status = Set(ReviewStatus::Held.as_str().into());
    row.held_on = Set(Some(held_on));
    row.findings = Set(Some(
        serde_json::to_string(&findings).map_err(|e| AppError::Internal(e.to_string()))?,
    ));
    row.recommendations = Set(Some(recommendations));
    let held = row.update(tx.conn()).await?;
    for (who_, what, when, how) in actions {
        action::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            review_id: Set(held.id.clone()),
            person_id: Set(held.person_id.clone()),
            who: Set(who_),
            what: Set(what),
            due_on: Set(when),
            how: Set(how),
            status: Set(ActionStatus::Open.as_str().into()),
            completed_on: Set(None),
            note: Set(None),
            created_at: Set(tx.now()),
            updated_at: Set(tx.now()),
        }
        .insert(tx.conn())
        .await?;
    }
    // The next review, with the same panel where they are free that day. It is booked on the
    // last working day on or before its due date (the due date stays as the rules compute it).
    let (next_kind, next_due, next_day) =
        next_after(app, tx.conn(), &person, held_on, today).await?;
    let next_panel = if clash(tx.conn(), &panel, next_day, None).await?.is_some() {
        Panel::default()
    } else {
        panel.clone()
    };
    // Booked by the hold, on the day it was held.
    let next = insert_review(
        &tx,
        &actor,
        &person,
        Booking {
            kind: next_kind,
            day: next_day,
            booked_on: held_on,
            due: Some(next_due),
            starts_at: None,
            place: None,
        },
        &next_panel,
        Some(held.id.clone()),
    )
    .await?;
    tx.record(
        &actor,
        Event::person("review.hold", &held.person_id)
            .detail(serde_json::json!({"review_id": held.id, "next_review_id": next.id})),
    )
    .await?;
    let mut result = view(tx.conn(), reader.scope, &held, app).await?;
    result.next_review = Some(Box::new(view(tx.conn(), reader.scope, &next, app).await?));
    tx.commit().await?;
    Ok(result)
}

/// The review a hold books: an inpatient review while in hospital on the day it was held,
/// else a follow-up of the action plan; its due date as the rules compute it, and the day it
/// is booked for: the last working day on or before the due date (`schedule::booking_day`).
pub(super) async fn next_after(
    app: &App,
    db: &impl ConnectionTrait,
    person: &crate::entities::person::Model,
    held_on: Date,
    today: Date,
) -> Result<(ReviewKind, Date, Date), AppError> {
    let stay = Scope::Register
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.eq(person.id.clone()))
        .filter(admission::Column::AdmittedOn.lte(held_on))
        .all(db)
        .await?
        .into_iter()
        .find(|a| super::admissions::in_hospital_on(a, held_on));
    let deadlines = &app.policies.schedule.deadlines;
    let (next_kind, next_due) = match &stay {
        Some(s) => {
            let child = age_on(person.date_of_birth, today).is_some_and(|a| a < 18);
            (
                ReviewKind::Inpatient,
                schedule::next_inpatient_review_due(
                    held_on,
                    child,
                    security(&s.security_level),
                    deadlines,
                ),
            )
        }
        None => (
            ReviewKind::FollowUp,
            schedule::follow_up_due(held_on, deadlines),
        ),
    };
    let day = schedule::booking_day(next_due, held_on, &app.policies.schedule.bank_holidays);
    Ok((next_kind, next_due, day))
}

pub async fn report_sent(
    app: &App,
    who: &SignedIn,
    id: &str,
    input: ReportSent,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let sent_on = c.past_date(
        "sent_on",
        "the date the report was sent",
        &input.sent_on,
        today,
    );
    c.finish()?;
    let Some(sent_on) = sent_on else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    let mut tx = audit::begin(app).await?;
    let current = find(tx.conn(), &ReviewReader::of(app, who), id).await?;
    if !may_record(app, who, &current) {
        return Err(AppError::Forbidden);
    }
    let Some(held_on) = current
        .held_on
        .filter(|_| current.status == ReviewStatus::Held.as_str())
    else {
        return Err(AppError::Conflict(
            "The report follows a held review: this one has not been held.".into(),
        ));
    };
    if current.report_sent_on.is_some() {
        return Err(AppError::Conflict(
            "The report has already been recorded as sent.".into(),
        ));
    }
    if sent_on < held_on {
        return Err(AppError::field(
            "sent_on",
            format!("The report cannot be sent before the review ({held_on})"),
        ));
    }
    let person_id = current.person_id.clone();
    let mut row: review::ActiveModel = current.into();
    row.report_sent_on = Set(Some(sent_on));
    let updated = row.update(tx.conn()).await?;
    tx.record(
        &who.actor(),
        Event::person("review.report_sent", &person_id)
            .detail(serde_json::json!({"review_id": id})),
    )
    .await?;
    let result = view(tx.conn(), Scope::of(app, who), &updated, app).await?;
    tx.commit().await?;
    Ok(result)
}

pub async fn cancel(
    app: &App,
    who: &SignedIn,
    id: &str,
    input: Cancel,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let reason = c.paragraph("reason", "the reason", &input.reason, 2_000);
    let cancelled_on = c
        .optional_dated(
            "cancelled_on",
            "the day it was cancelled",
            &input.cancelled_on,
            DateKind::Event,
            today,
        )
        .unwrap_or(today);
    c.finish()?;
    let mut tx = audit::begin(app).await?;
    let current = find(tx.conn(), &ReviewReader::of(app, who), id).await?;
    if current.status != ReviewStatus::Scheduled.as_str() {
        return Err(AppError::Conflict(
            "Only a scheduled review can be cancelled.".into(),
        ));
    }
    if cancelled_on < current.scheduled_on {
        return Err(AppError::field(
            "cancelled_on",
            format!(
                "The day it was cancelled cannot be before the day it was booked ({})",
                crate::domain::dates::long_date(current.scheduled_on)
            ),
        ));
    }
    let person_id = current.person_id.clone();
    let mut row: review::ActiveModel = current.into();
    row.status = Set(ReviewStatus::Cancelled.as_str().into());
    row.cancelled_reason = Set(Some(reason));
    row.cancelled_on = Set(Some(cancelled_on));
    let updated = row.update(tx.conn()).await?;
    tx.record(
        &who.actor(),
        Event::person("review.cancel", &person_id).detail(serde_json::json!({
            "review_id": id,
            "cancelled_on": cancelled_on.to_string(),
        })),
    )
    .await?;
    let result = view(tx.conn(), Scope::of(app, who), &updated, app).await?;
    tx.commit().await?;
    Ok(result)
}

/// Cancels a person's scheduled reviews inside the caller's transaction (consent withdrawn on
/// `day`): each is cancelled that day, or on the day it was booked if that was later.
pub async fn cancel_all_for(
    tx: &audit::AuditedTx,
    person_id: &str,
    reason: &str,
    day: Date,
) -> Result<u64, AppError> {
    // The person's entry is being withdrawn in this same transaction: reach past the door.
    let open = Scope::Retained
        .select::<review::Entity>()
        .filter(review::Column::PersonId.eq(person_id))
        .filter(review::Column::Status.eq(ReviewStatus::Scheduled.as_str()))
        .all(tx.conn())
        .await?;
    let count = open.len() as u64;
    for r in open {
        let cancelled_on = day.max(r.scheduled_on);
        let mut row: review::ActiveModel = r.into();
        row.cancelled_on = Set(Some(cancelled_on));
        row.status = Set(ReviewStatus::Cancelled.as_str().into());
        row.cancelled_reason = Set(Some(reason.to_string()));
        row.update(tx.conn()).await?;
    }
    Ok(count)
}

pub async fn get(app: &App, who: &SignedIn, id: &str) -> Result<ReviewView, AppError> {
    let r = find(&app.db, &ReviewReader::of(app, who), id).await?;
    let result = view(&app.db, Scope::of(app, who), &r, app).await?;
    audit::record_alone(
        app,
        &who.actor(),
        Event::person("review.read", &r.person_id).detail(serde_json::json!({"review_id": id})),
    )
    .await?;
    Ok(result)
}

/// A review with the previous review (whose actions this one follows up) and, as its
/// `next_review`, the follow-up it led to when the reader may see that one; read with one audit
/// entry: the review page.
pub async fn with_previous(
    app: &App,
    who: &SignedIn,
    id: &str,
) -> Result<(ReviewView, Option<ReviewView>), AppError> {
    let reader = ReviewReader::of(app, who);
    let r = find(&app.db, &reader, id).await?;
    let mut current = view(&app.db, reader.scope, &r, app).await?;
    if let Some(next) = reader
        .scope
        .select::<review::Entity>()
        .filter(review::Column::PreviousReviewId.eq(r.id.clone()))
        .filter(review::Column::Status.ne(ReviewStatus::Cancelled.as_str()))
        .order_by_asc(review::Column::ScheduledFor)
        .one(&app.db)
        .await?
        .filter(|n| reader.may_read(n))
    {
        current.next_review = Some(Box::new(view(&app.db, reader.scope, &next, app).await?));
    }
    // The previous review's actions belong to the same person's pack, so whoever may read this
    // review may read them.
    let previous = match &r.previous_review_id {
        Some(prev) => match reader
            .scope
            .by_id::<review::Entity>(prev)
            .one(&app.db)
            .await?
        {
            Some(p) => Some(view(&app.db, reader.scope, &p, app).await?),
            None => None,
        },
        None => None,
    };
    audit::record_alone(
        app,
        &who.actor(),
        Event::person("review.read", &r.person_id).detail(serde_json::json!({"review_id": id})),
    )
    .await?;
    Ok((current, previous))
}

/// A scheduled review on someone's calendar.
#[derive(Debug, Clone)]
pub struct CalendarEntry {
    pub review_id: String,
    pub kind: ReviewKind,
    pub review_type: String,
    pub day: Date,
    /// `HH:MM` local time, when given (else an all-day event).
    pub starts_at: Option<String>,
    pub place: Option<String>,
    /// Initials only: calendars leave the service.
    pub initials: String,
    pub seat: &'static str,
    pub created_at: time::OffsetDateTime,
}

/// The calendar feed behind a calendar link's secret: the reviews its (active) user sits on, or
/// `None` when the secret is no one's. Audited.
pub async fn calendar_by_secret(
    app: &App,
    secret: &str,
) -> Result<Option<Vec<CalendarEntry>>, AppError> {
    let Some(user) = super::users::by_calendar_secret(&app.db, secret).await? else {
        return Ok(None);
    };
    Ok(Some(calendar_for(app, &user).await?))
}

/// The scheduled reviews a user sits on, for their calendar feed. Audited.
pub async fn calendar_for(app: &App, user: &user::Model) -> Result<Vec<CalendarEntry>, AppError> {
    let people: HashMap<String, crate::entities::person::Model> = Scope::Register
        .select::<crate::entities::person::Entity>()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let mut out = Vec::new();
    for r in Scope::Register
        .select::<review::Entity>()
        .filter(review::Column::Status.eq(ReviewStatus::Scheduled.as_str()))
        .order_by_asc(review::Column::ScheduledFor)
        .all(&app.db)
        .await?
    {
        let seat = if r.chair_id.as_deref() == Some(user.id.as_str()) {
            "chair"
        } else if r.expert_by_experience_id.as_deref() == Some(user.id.as_str()) {
            "expert by experience"
        } else if r.clinical_expert_id.as_deref() == Some(user.id.as_str()) {
            "clinical expert"
        } else {
            continue;
        };
        let Some(person) = people
            .get(&r.person_id)
            .filter(|p| p.status == Status::Active.as_str())
        else {
            continue;
        };
        let initial = |s: &str| {
            s.chars()
                .next()
                .map(|c| c.to_uppercase().collect::<String>())
                .unwrap_or_default()
        };
        out.push(CalendarEntry {
            review_id: r.id.clone(),
            kind: ReviewKind::parse(&r.kind).unwrap_or(ReviewKind::Community),
            review_type: r.review_type.to_uppercase(),
            day: r.scheduled_for,
            starts_at: r.starts_at.clone(),
            place: r.place.clone(),
            initials: format!(
                "{}.{}.",
                initial(&person.given_name),
                initial(&person.family_name)
            ),
            seat,
            created_at: r.created_at,
        });
    }
    let actor = Actor {
        user_id: Some(user.id.clone()),
        username: user.username.clone(),
        role: user.role.clone(),
    };
    audit::record_alone(
        app,
        &actor,
        Event::new("calendar.read", "review", None).detail(serde_json::json!({"shown": out.len()})),
    )
    .await?;
    Ok(out)
}

pub use super::review_list::{Agenda, ReviewQuery, Section, UPCOMING_DAYS, list};

// ---------------------------------------------------------------------------------------------
// Actions

pub async fn update_action(
    app: &App,
    who: &SignedIn,
    id: &str,
    input: ActionUpdate,
) -> Result<ActionView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let status = c.choice(
        "status",
        "the status",
        &input.status,
        ActionStatus::parse,
        "open, done or dropped".into(),
    );
    let completed_on = c.optional_dated(
        "completed_on",
        if status == Some(ActionStatus::Dropped) {
            "the date it was dropped"
        } else {
            "the date it was done"
        },
        &input.completed_on,
        DateKind::Event,
        today,
    );
    let note = c.optional_paragraph("note", "the note", &input.note, 5_000);
    if status == Some(ActionStatus::Done) && completed_on.is_none() && !c.has("completed_on") {
        c.fail("completed_on", "Give the date the action was done");
    }
    if status == Some(ActionStatus::Dropped) && note.is_none() {
        c.fail("note", "Give the reason the action was dropped");
    }
    if status == Some(ActionStatus::Open) && note.is_none() {
        c.fail("note", "Give the reason the action is reopened");
    }
    c.finish()?;
    let Some(status) = status else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    let mut tx = audit::begin(app).await?;
    let reader = ReviewReader::of(app, who);
    let current = reader
        .scope
        .by_id::<action::Entity>(id)
        .one(tx.conn())
        .await?
        .ok_or_else(|| AppError::not_found("Action"))?;
    let review = find(tx.conn(), &reader, &current.review_id)
        .await
        .map_err(|e| match e {
            // The same answer as for an action that does not exist.
            AppError::NotFound(_) => AppError::not_found("Action"),
            other => other,
        })?;
    if status == ActionStatus::Open && current.status == ActionStatus::Open.as_str() {
        return Err(AppError::Conflict("This action is already open.".into()));
    }
    // The day it was done (given) or dropped (given, or today); an open action has none.
    let closed_on = match status {
        ActionStatus::Done => completed_on,
        ActionStatus::Dropped => Some(completed_on.unwrap_or(today)),
        ActionStatus::Open => None,
    };
    if let (Some(closed), Some(held)) = (closed_on, review.held_on)
        && closed < held
    {
        return Err(AppError::field(
            "completed_on",
            format!(
                "An action cannot be {} before the review that agreed it ({held})",
                if status == ActionStatus::Dropped {
                    "dropped"
                } else {
                    "done"
                }
            ),
        ));
    }
    let person_id = current.person_id.clone();
    let mut row: action::ActiveModel = current.into();
    row.status = Set(status.as_str().into());
    row.completed_on = Set(closed_on);
    row.note = Set(note);
    row.updated_at = Set(tx.now());
    let updated = row.update(tx.conn()).await?;
    tx.record(
        &who.actor(),
        Event::person("action.update", &person_id).detail(serde_json::json!({
            "action_id": id,
            "status": status.as_str(),
            "completed_on": closed_on.map(|d| d.to_string()),
        })),
    )
    .await?;
    tx.commit().await?;
    action_view(&updated, today)
}
