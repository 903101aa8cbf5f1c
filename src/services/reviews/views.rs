//! A review and its action plan as pages and the API show them, with the names and people
//! they point to looked up once for a whole list.

use super::*;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PanelMember {
    pub id: UserId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ActionView {
    pub id: ActionId,
    pub review_id: ReviewId,
    pub person_id: PersonId,
    pub who: String,
    pub what: String,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub when: Date,
    pub how: String,
    pub status: ActionStatus,
    /// The day it was done or dropped.
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub completed_on: Option<Date>,
    pub note: Option<String>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReviewView {
    pub id: ReviewId,
    pub person_id: PersonId,
    pub person_name: String,
    pub kind: ReviewKind,
    /// `cetr` or `ctr`, from the person's age (and EHCP) on the review day.
    pub review_type: String,
    pub status: ReviewStatus,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub scheduled_for: Date,
    /// When it starts, `HH:MM` UK local time, if given.
    pub starts_at: Option<String>,
    /// Where it is held: a place, or a joining link.
    pub place: Option<String>,
    /// The day it was booked.
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub scheduled_on: Date,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub due_by: Option<Date>,
    /// Scheduled and past its due date (or its date, when it has none).
    pub overdue: bool,
    pub chair: Option<PanelMember>,
    pub expert_by_experience: Option<PanelMember>,
    pub clinical_expert: Option<PanelMember>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub held_on: Option<Date>,
    /// The key lines of enquiry its findings answer: those it was held under, or (until it is
    /// held) those the policy gives a review of its type and setting.
    pub lines_of_enquiry: Vec<crate::domain::enquiry::Line>,
    /// The version of the lines of enquiry it was held under.
    pub enquiry_version: Option<String>,
    pub findings: Option<BTreeMap<String, String>>,
    pub recommendations: Option<String>,
    /// Who attended (when recorded).
    pub attendance: Option<crate::domain::enquiry::Attendance>,
    pub person_views: Option<String>,
    pub family_views: Option<String>,
    /// What was agreed, in easy words.
    pub easy_words: Option<String>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub report_due_by: Option<Date>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub report_sent_on: Option<Date>,
    /// To whom the report was sent, and how (when recorded).
    pub report_sent_to: Vec<crate::domain::enquiry::Recipient>,
    pub report_sent_by: Option<crate::domain::enquiry::SentBy>,
    /// SHA-256 of the report, and of its easy-read version, as recorded sent.
    pub report_sha256: Option<String>,
    pub easy_read_sha256: Option<String>,
    pub report_overdue: bool,
    pub cancelled_reason: Option<String>,
    /// The day it was cancelled.
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub cancelled_on: Option<Date>,
    pub previous_review_id: Option<ReviewId>,
    pub actions: Vec<ActionView>,
    /// After an outcome is recorded: the review it scheduled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_review: Option<Box<ReviewView>>,
}

pub(crate) fn action_view(a: &action::Model, today: Date) -> Result<ActionView, AppError> {
    let status = a.status;
    Ok(ActionView {
        id: a.id.clone(),
        review_id: a.review_id.clone(),
        person_id: a.person_id.clone(),
        who: a.who.clone(),
        what: a.what.clone(),
        when: a.due_on,
        how: a.how.clone(),
        status,
        completed_on: a.completed_on,
        note: a.note.clone(),
        overdue: rules::action_overdue(status, a.due_on, today),
    })
}

pub(super) async fn names(db: &impl ConnectionTrait) -> Result<HashMap<UserId, String>, AppError> {
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
    pub(super) users: HashMap<UserId, String>,
    pub(super) people: HashMap<PersonId, crate::entities::person::Model>,
    pub(super) actions: HashMap<ReviewId, Vec<action::Model>>,
    pub(super) open_stays: HashMap<PersonId, admission::Model>,
    pub(super) reviews_by_person: HashMap<PersonId, Vec<review::Model>>,
}

/// What the views of these people's reviews are built from.
pub(crate) async fn lookups(
    db: &impl ConnectionTrait,
    scope: Scope,
    people: &[PersonId],
) -> Result<Lookups, AppError> {
    let ids = || people.iter();
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

/// What the review's person owes today, by the deadline engine: an inpatient review's due date
/// follows the stay's security level and the person's age today, so it is worked out on every
/// read. A closed entry owes nothing.
fn owed_for(
    r: &review::Model,
    lk: &Lookups,
    app: &App,
    today: Date,
) -> Vec<crate::domain::deadlines::Item> {
    let Some(p) = lk.people.get(&r.person_id) else {
        return Vec::new();
    };
    let rows = crate::services::due::Rows {
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
    crate::services::due::owed(p, &rows, &app.policies.schedule, today)
}

pub(crate) fn view_with(
    r: &review::Model,
    lk: &Lookups,
    app: &App,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let member = |id: &Option<UserId>| {
        id.as_ref().map(|id| PanelMember {
            id: id.clone(),
            name: lk.users.get(id).cloned().unwrap_or_default(),
        })
    };
    let (status, kind) = (r.status, r.kind);
    let actions = lk
        .actions
        .get(&r.id)
        .into_iter()
        .flatten()
        .map(|a| action_view(a, today))
        .collect::<Result<Vec<_>, _>>()?;
    let person = lk.people.get(&r.person_id);
    let owed = owed_for(r, lk, app, today);
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
        Some(json) => {
            Some(serde_json::from_str(json).map_err(|_| AppError::internal("bad findings"))?)
        }
        None => None,
    };
    Ok(ReviewView {
        id: r.id.clone(),
        person_id: r.person_id.clone(),
        person_name: person
            .map(|p| format!("{} {}", p.given_name, p.family_name))
            .unwrap_or_default(),
        kind,
        review_type: r.review_type.as_str().into(),
        status,
        scheduled_for: r.scheduled_for,
        starts_at: r.starts_at.clone(),
        place: r.place.clone(),
        scheduled_on: r.scheduled_on,
        due_by: due,
        overdue: booked.is_some_and(|i| i.overdue),
        chair: member(&r.chair_id),
        expert_by_experience: member(&r.expert_by_experience_id),
        clinical_expert: member(&r.clinical_expert_id),
        held_on: r.held_on,
        lines_of_enquiry: super::lines_of(app, r)?,
        enquiry_version: r.enquiry_version.clone(),
        findings,
        recommendations: r.recommendations.clone(),
        attendance: super::attendance_of(r)?,
        person_views: r.person_views.clone(),
        family_views: r.family_views.clone(),
        easy_words: r.easy_words.clone(),
        report_due_by: report_due,
        report_sent_on: r.report_sent_on,
        report_sent_to: match &r.report_sent_to {
            Some(json) => serde_json::from_str(json)
                .map_err(|e| AppError::failed("a review's report recipients", e))?,
            None => Vec::new(),
        },
        report_sent_by: r
            .report_sent_by
            .as_deref()
            .and_then(crate::domain::enquiry::SentBy::parse),
        report_sha256: r.report_sha256.clone(),
        easy_read_sha256: r.easy_read_sha256.clone(),
        report_overdue: report.is_some_and(|i| i.overdue),
        cancelled_reason: r.cancelled_reason.clone(),
        cancelled_on: r.cancelled_on,
        previous_review_id: r.previous_review_id.clone(),
        actions,
        next_review: None,
    })
}
