//! A person as the register shows them, and the records their view is worked out from.

use super::*;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConsentView {
    pub basis: ConsentBasis,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub recorded_on: Date,
    pub given_by: Option<String>,
    pub relationship: Option<String>,
    pub gillick_competent: bool,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub capacity_assessed_on: Option<Date>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub best_interests_decision_on: Option<Date>,
}

/// A person as the API and pages show them. Dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonView {
    pub id: PersonId,
    /// Formatted `943 476 5919`.
    pub nhs_number: String,
    pub given_name: String,
    pub family_name: String,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub date_of_birth: Date,
    pub sex: Sex,
    pub postcode: String,
    pub local_authority: String,
    pub learning_disability: bool,
    pub autism: bool,
    pub ehcp: bool,
    pub setting: Setting,
    pub social_worker: Option<String>,
    /// The day the social worker named (or their removal) took effect.
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub social_worker_from: Option<Date>,
    pub keyworker: Option<String>,
    /// The NHS ethnic category's code, or null when not recorded.
    pub ethnicity: Option<crate::domain::ethnicity::Ethnicity>,
    /// The day they joined the register; null for an inpatient-only entry.
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub registered_on: Option<Date>,
    pub status: Status,
    /// The day an inpatient-only entry (Assuring Transformation, no register consent) began.
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub inpatient_only_from: Option<Date>,
    /// The day their objection to identifiable sharing was recorded, while it stands: their
    /// rows in returns are de-identified.
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub objects_since: Option<Date>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub closed_on: Option<Date>,
    pub closed_reason: Option<String>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub withdrawn_on: Option<Date>,
    pub age: u32,
    pub age_band: AgeBand,
    pub review_type: ReviewType,
    /// Current rating (or as of the list's `as_of` day); null before the first assessment.
    pub rating: Option<Rating>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub rating_since: Option<Date>,
    pub in_hospital: bool,
    /// Set once reviews are scheduled (CETR workflow).
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub next_review_due: Option<Date>,
    /// What is overdue for this person, in words.
    pub overdue: Vec<String>,
    /// The register consent; null for an inpatient-only entry.
    pub consent: Option<ConsentView>,
}

/// Everything needed to describe people: their rows, consent, rating events and stays.
pub(super) struct Records {
    pub(super) consents: HashMap<PersonId, consent_entity::Model>,
    pub(super) events: HashMap<PersonId, Vec<RatingEvent>>,
    pub(super) stays: HashMap<PersonId, Vec<Stay>>,
    pub(super) admissions: HashMap<PersonId, Vec<admission::Model>>,
    /// Per stay, its earlier values, in the order they took effect (the engine reads the
    /// security level and the CQC facts as they stood on a day).
    pub(super) stay_revisions:
        HashMap<crate::domain::ids::StayId, Vec<crate::entities::admission_revision::Model>>,
    pub(super) reviews: HashMap<PersonId, Vec<crate::entities::review::Model>>,
    pub(super) actions: HashMap<PersonId, Vec<crate::entities::action::Model>>,
    pub(super) visits: HashMap<PersonId, Vec<crate::entities::visit::Model>>,
    pub(super) schedule: crate::policy::Schedule,
}

impl Records {
    /// What is on file for one person, for working out what is due.
    pub(super) fn rows(&self, id: &PersonId) -> crate::services::due::Rows<'_> {
        fn of<'a, T>(m: &'a HashMap<PersonId, Vec<T>>, id: &PersonId) -> &'a [T] {
            m.get(id).map(Vec::as_slice).unwrap_or(&[])
        }
        crate::services::due::Rows {
            reviews: of(&self.reviews, id),
            actions: of(&self.actions, id),
            stays: of(&self.admissions, id),
            visits: of(&self.visits, id),
            ratings: of(&self.events, id),
            stay_revisions: Some(&self.stay_revisions),
            social_worker_history: &[],
        }
    }
}

/// The rows of a query, streamed and grouped by `key`, in the order the query gives them.
async fn grouped<C, E>(
    db: &C,
    query: sea_orm::Select<E>,
    key: impl Fn(&E::Model) -> PersonId,
) -> Result<HashMap<PersonId, Vec<E::Model>>, AppError>
where
    C: ConnectionTrait + StreamTrait,
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let mut out: HashMap<PersonId, Vec<E::Model>> = HashMap::new();
    let mut rows = query.stream(db).await?;
    while let Some(row) = rows.try_next().await? {
        out.entry(key(&row)).or_default().push(row);
    }
    Ok(out)
}

/// Whose records to load.
#[derive(Debug, Clone, Copy)]
pub(super) enum Whose<'a> {
    All,
    One(&'a PersonId),
    These(&'a [PersonId]),
    /// Ids from the first to the last (a batch of the returns' read, in id order).
    Between(&'a PersonId, &'a PersonId),
}

impl Whose<'_> {
    /// The rows of these people, by a table's person column.
    pub(super) fn on(self, column: impl ColumnTrait) -> sea_orm::Condition {
        let all = sea_orm::Condition::all();
        match self {
            Whose::All => all,
            Whose::One(id) => all.add(column.eq(id)),
            Whose::These(ids) => all.add(column.is_in(ids)),
            Whose::Between(first, last) => all.add(column.between(first, last)),
        }
    }
}

/// Reviews without the free text no deadline or return reads (findings, recommendations, the
/// reason cancelled), so a large register loads quickly.
fn without_review_text(
    reviews: sea_orm::Select<crate::entities::review::Entity>,
) -> sea_orm::Select<crate::entities::review::Entity> {
    use crate::entities::review::Column;
    use sea_orm::sea_query::Expr;
    use sea_orm::{Iterable, QuerySelect};
    reviews
        .select_only()
        .columns(Column::iter().filter(|c| {
            !matches!(
                c,
                Column::Findings | Column::Recommendations | Column::CancelledReason
            )
        }))
        .expr_as(Expr::cust("NULL"), "findings")
        .expr_as(Expr::cust("NULL"), "recommendations")
        .expr_as(Expr::cust("NULL"), "cancelled_reason")
}

/// Actions without their WHO, WHAT, HOW and note.
fn without_action_text(
    actions: sea_orm::Select<crate::entities::action::Entity>,
) -> sea_orm::Select<crate::entities::action::Entity> {
    use crate::entities::action::Column;
    use sea_orm::sea_query::Expr;
    use sea_orm::{Iterable, QuerySelect};
    actions
        .select_only()
        .columns(
            Column::iter()
                .filter(|c| !matches!(c, Column::Who | Column::What | Column::How | Column::Note)),
        )
        .expr_as(Expr::cust("''"), "who")
        .expr_as(Expr::cust("''"), "what")
        .expr_as(Expr::cust("''"), "how")
        .expr_as(Expr::cust("NULL"), "note")
}

/// Everything on file for one person, or for everyone. `lean` leaves out the free text of
/// reviews and actions (findings, recommendations, WHO/WHAT/HOW, notes), for views that only
/// need dates and statuses.
pub(super) async fn load_records<C: ConnectionTrait + StreamTrait>(
    db: &C,
    scope: Scope,
    whose: Whose<'_>,
    schedule: &crate::policy::Schedule,
    lean: bool,
) -> Result<Records, AppError> {
    let mut consents = scope.select::<consent_entity::Entity>();
    let mut events = scope.select::<rating_event::Entity>();
    let mut stays = scope.select::<admission::Entity>();
    let mut reviews = scope.select::<crate::entities::review::Entity>();
    let mut actions = scope.select::<crate::entities::action::Entity>();
    if lean {
        reviews = without_review_text(reviews);
        actions = without_action_text(actions);
    }
    let mut visits = scope.select::<crate::entities::visit::Entity>();
    if !matches!(whose, Whose::All) {
        consents = consents.filter(whose.on(consent_entity::Column::PersonId));
        events = events.filter(whose.on(rating_event::Column::PersonId));
        stays = stays.filter(whose.on(admission::Column::PersonId));
        reviews = reviews.filter(whose.on(crate::entities::review::Column::PersonId));
        actions = actions.filter(whose.on(crate::entities::action::Column::PersonId));
        visits = visits.filter(whose.on(crate::entities::visit::Column::PersonId));
    }
    // Streamed row by row and grouped by person: the whole register's history never sits in
    // memory twice (as rows and as models), which matters for the returns of a large register.
    let reviews = grouped(db, reviews, |r| r.person_id.clone()).await?;
    let actions = grouped(db, actions, |a| a.person_id.clone()).await?;
    let visits = grouped(db, visits, |v| v.person_id.clone()).await?;
    let consents = grouped(db, consents, |c| c.person_id.clone()).await?;
    let events = grouped(db, events, |e| e.person_id.clone()).await?;
    let stay_revisions = super::load_stay_revisions(db, scope, whose).await?;
    let admissions = grouped(db, stays, |a| a.person_id.clone()).await?;
    let mut records = Records {
        stay_revisions,
        consents: consents
            .into_iter()
            .filter_map(|(id, mut list)| list.pop().map(|c| (id, c)))
            .collect(),
        events: HashMap::with_capacity(events.len()),
        stays: admissions
            .iter()
            .map(|(id, list)| {
                let stays = list
                    .iter()
                    .map(|a| Stay {
                        admitted_on: a.admitted_on,
                        discharged_on: a.discharged_on,
                    })
                    .collect();
                (id.clone(), stays)
            })
            .collect(),
        admissions,
        reviews,
        actions,
        visits,
        schedule: schedule.clone(),
    };
    for (id, list) in events {
        let mut out = Vec::with_capacity(list.len());
        for e in list {
            out.push(RatingEvent {
                rating: e.rating,
                effective_on: e.effective_on,
                seq: e.seq,
            });
        }
        records.events.insert(id, out);
    }
    Ok(records)
}

pub(super) fn fmt_date(d: Date) -> String {
    d.to_string()
}

pub(super) fn view(
    p: &person::Model,
    records: &Records,
    day: Date,
) -> Result<PersonView, AppError> {
    let consent = records.consents.get(&p.id);
    let events = records.events.get(&p.id).map_or(&[][..], Vec::as_slice);
    let stays = records.stays.get(&p.id).map_or(&[][..], Vec::as_slice);
    let rows = records.rows(&p.id);
    let owed = crate::services::due::owed(p, &rows, &records.schedule, day);
    let derived = Derived {
        rating: rating_of(&standing(p), events, stays, day),
        in_hospital: stays.iter().any(|s| s.covers(day)),
        next_review_due: crate::domain::deadlines::next_review_due(&owed),
        overdue: overdue_words(&rows, &owed),
    };
    view_with(p, consent, derived, day)
}

/// What is overdue among these items, in words, soonest first.
fn overdue_words(
    rows: &crate::services::due::Rows<'_>,
    items: &[crate::domain::deadlines::Item],
) -> Vec<String> {
    crate::services::due::words(rows, items)
        .into_iter()
        .filter(|d| d.overdue)
        .map(|d| d.what)
        .collect()
}

/// What the register works out for a person on a day, beside their entry: from the deadline
/// engine over their records ([`view`]), or read back from today's projection, which stores
/// the same engine's answer (`find`'s rows).
pub(super) struct Derived {
    pub(super) rating: Option<(Rating, Date)>,
    pub(super) in_hospital: bool,
    pub(super) next_review_due: Option<Date>,
    pub(super) overdue: Vec<String>,
}

/// A person as shown: their entry and consent as stored, and what was derived for `day`.
pub(super) fn view_with(
    p: &person::Model,
    c: Option<&consent_entity::Model>,
    derived: Derived,
    day: Date,
) -> Result<PersonView, AppError> {
    let corrupt = |what: &str| AppError::internal(format!("person {} has an unknown {what}", p.id));
    // Only an inpatient-only entry is without register consent.
    if c.is_none() && p.status != Status::InpatientOnly {
        return Err(AppError::internal(format!(
            "person {} has no consent record",
            p.id
        )));
    }
    let nhs = NhsNumber::parse(&p.nhs_number).map_err(|_| corrupt("NHS number"))?;
    let age = age_on(p.date_of_birth, day).unwrap_or(0);
    let Derived {
        rating,
        in_hospital,
        next_review_due,
        overdue,
    } = derived;
    Ok(PersonView {
        id: p.id.clone(),
        nhs_number: nhs.to_string(),
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        date_of_birth: p.date_of_birth,
        sex: p.sex,
        postcode: p.postcode.clone(),
        local_authority: p.local_authority.clone(),
        learning_disability: p.learning_disability,
        autism: p.autism,
        ehcp: p.ehcp,
        setting: p.setting,
        social_worker: p.social_worker.clone(),
        social_worker_from: p.social_worker_from,
        keyworker: p.keyworker.clone(),
        ethnicity: p.ethnicity,
        registered_on: (p.status != Status::InpatientOnly).then_some(p.registered_on),
        status: status_on(p, day),
        inpatient_only_from: p.inpatient_only_from,
        objects_since: p.objects_since,
        closed_on: p.closed_on,
        closed_reason: p.closed_reason.clone(),
        withdrawn_on: p.withdrawn_on,
        age,
        age_band: AgeBand::of(age),
        review_type: review_type(age, p.ehcp),
        rating: rating.map(|(r, _)| r),
        rating_since: rating.map(|(_, d)| d),
        in_hospital,
        next_review_due,
        overdue,
        consent: c.map(|c| ConsentView {
            basis: c.basis,
            recorded_on: c.recorded_on,
            given_by: c.given_by.clone(),
            relationship: c.relationship.clone(),
            gillick_competent: c.gillick_competent,
            capacity_assessed_on: c.capacity_assessed_on,
            best_interests_decision_on: c.best_interests_decision_on,
        }),
    })
}

/// Where the entry stands over time (`domain::person::Standing`: on the register, closed,
/// inpatient-only, withdrawn), from its row.
pub(crate) fn standing(p: &person::Model) -> Standing {
    Standing {
        status: p.status,
        registered_on: p.registered_on,
        closed_on: p.closed_on,
        inpatient_only_from: p.inpatient_only_from,
        withdrawn_on: p.withdrawn_on,
    }
}

/// The entry's status at the end of `day` (withdrawal is final whenever it is read).
pub(super) fn status_on(p: &person::Model, day: Date) -> Status {
    standing(p).status_on(day)
}
