//! The register: adding people through the consent gate, reading them (within the caller's
//! share of the register), the list with its filters and `as_of`, edits, closing and withdrawal.
//! Every read and write is audited with the person's id.

use super::audit::{self, Event};
use super::input::{Check, describe_json};
use super::scope::Scope;
use super::{Actor, App};
use crate::domain::age::{AgeBand, ReviewType, age_on, review_type};
use crate::domain::consent::{self, Consent, ConsentBasis};
use crate::domain::dates::DateKind;
use crate::domain::nhs_number::NhsNumber;
use crate::domain::person::{Setting, Sex, Status, eligibility_problem, normalise_postcode};
use crate::domain::ratings::{RatingEvent, Stay, derived_rating};
use crate::domain::risk::Rating;
use crate::entities::{
    admission, consent as consent_entity, person, person_revision, rating_event,
};
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::sessions::SignedIn;
use rocket::futures::TryStreamExt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    StreamTrait,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use time::Date;

mod dossier;
mod find;
mod past;
pub mod projection;
mod timeline;
mod today;
pub use dossier::{Dossier, PersonPage, dossier, due, page, worked_out_due};
pub use find::{ListQuery, Sort, SortKey, list, local_authorities};

// ---------------------------------------------------------------------------------------------
// Input

/// A consent record as sent: strings, so every problem can be named by field.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ConsentInput {
    /// `parental`, `self` or `best_interests`.
    #[schemars(with = "crate::domain::consent::ConsentBasis")]
    pub basis: Option<String>,
    #[schemars(with = "crate::services::schema::Day")]
    pub recorded_on: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Note<200>>")]
    pub given_by: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Note<100>>")]
    pub relationship: Option<String>,
    pub gillick_competent: Option<bool>,
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub capacity_assessed_on: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub best_interests_decision_on: Option<String>,
}

/// A new register entry with its consent (the body of `POST /api/v1/people`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct NewPerson {
    #[schemars(with = "crate::services::schema::NhsNumber")]
    pub nhs_number: Option<String>,
    #[schemars(with = "crate::services::schema::Text<100>")]
    pub given_name: Option<String>,
    #[schemars(with = "crate::services::schema::Text<100>")]
    pub family_name: Option<String>,
    #[schemars(with = "crate::services::schema::Day")]
    pub date_of_birth: Option<String>,
    /// `female`, `male`, `indeterminate` or `not_known`.
    #[schemars(with = "crate::domain::person::Sex")]
    pub sex: Option<String>,
    #[schemars(with = "crate::services::schema::Postcode")]
    pub postcode: Option<String>,
    #[schemars(with = "crate::services::schema::Text<100>")]
    pub local_authority: Option<String>,
    pub learning_disability: Option<bool>,
    pub autism: Option<bool>,
    pub ehcp: Option<bool>,
    /// `family_home`, `residential_school`, `residential_care`, `supported_living`, `foster_care`, `hospital` or `other`.
    #[schemars(with = "crate::domain::person::Setting")]
    pub setting: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Note<200>>")]
    pub social_worker: Option<String>,
    /// The day the social worker named (or their removal) took effect: by default the
    /// registration day on entry, and today on an edit that changes the social worker. Not in
    /// the future, not before registration, not before the day last given.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub social_worker_from: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Note<200>>")]
    pub keyworker: Option<String>,
    /// Defaults to the consent date; never before it.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub registered_on: Option<String>,
    #[schemars(with = "ConsentInput")]
    pub consent: Option<ConsentInput>,
}

/// The person fields as checked.
#[derive(Debug, Clone)]
struct Details {
    nhs_number: NhsNumber,
    given_name: String,
    family_name: String,
    date_of_birth: Date,
    sex: Sex,
    postcode: String,
    local_authority: String,
    learning_disability: bool,
    autism: bool,
    ehcp: bool,
    setting: Setting,
    social_worker: Option<String>,
    /// As given, if given.
    social_worker_from: Option<Date>,
    keyworker: Option<String>,
}

fn check_details(c: &mut Check, p: &NewPerson, today: Date) -> Option<Details> {
    let nhs = match p
        .nhs_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => {
            c.fail("nhs_number", "Enter the NHS number");
            None
        }
        Some(raw) => NhsNumber::parse(raw)
            .map_err(|e| c.fail("nhs_number", e.message()))
            .ok(),
    };
    let given_name = c.text("given_name", "the given name", &p.given_name, 100);
    let family_name = c.text("family_name", "the family name", &p.family_name, 100);
    let date_of_birth = c.dated(
        "date_of_birth",
        "the date of birth",
        &p.date_of_birth,
        DateKind::Birth,
        today,
    );
    if let Some(born) = date_of_birth
        && age_on(born, today).is_some_and(|a| a > 120)
    {
        c.fail(
            "date_of_birth",
            "Check the date of birth: that is over 120 years ago",
        );
    }
    let sex = c.choice("sex", "the sex", &p.sex, Sex::parse, Sex::choices());
    let postcode = match p
        .postcode
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => {
            c.fail("postcode", "Enter the postcode");
            None
        }
        Some(raw) => {
            let pc = normalise_postcode(raw);
            if pc.is_none() {
                c.fail("postcode", "Enter a real UK postcode, like PE1 1AA");
            }
            pc
        }
    };
    let local_authority = c.text(
        "local_authority",
        "the local authority",
        &p.local_authority,
        100,
    );
    let learning_disability = p.learning_disability.unwrap_or(false);
    let autism = p.autism.unwrap_or(false);
    if let Some(problem) = eligibility_problem(learning_disability, autism) {
        c.fail("learning_disability", problem);
    }
    let setting = c.choice(
        "setting",
        "the current setting",
        &p.setting,
        Setting::parse,
        Setting::choices(),
    );
    let social_worker = c.optional_text(
        "social_worker",
        "the social worker's name",
        &p.social_worker,
        200,
    );
    let social_worker_from = c.optional_dated(
        "social_worker_from",
        "the day the social worker took effect",
        &p.social_worker_from,
        DateKind::Event,
        today,
    );
    let keyworker = c.optional_text("keyworker", "the keyworker's name", &p.keyworker, 200);
    Some(Details {
        nhs_number: nhs?,
        given_name,
        family_name,
        date_of_birth: date_of_birth?,
        sex: sex?,
        postcode: postcode?,
        local_authority,
        learning_disability,
        autism,
        ehcp: p.ehcp.unwrap_or(false),
        setting: setting?,
        social_worker,
        social_worker_from,
        keyworker,
    })
}

fn check_consent_fields(
    c: &mut Check,
    input: &Option<ConsentInput>,
    today: Date,
) -> Option<Consent> {
    let Some(ci) = input else {
        c.fail(
            "consent",
            "Record the consent: nobody joins the register without it",
        );
        return None;
    };
    let basis = c.choice(
        "consent.basis",
        "the basis of consent",
        &ci.basis,
        ConsentBasis::parse,
        "parental, self or best_interests".into(),
    );
    let recorded_on = c.past_date(
        "consent.recorded_on",
        "the date consent was given",
        &ci.recorded_on,
        today,
    );
    let capacity_assessed_on = c.optional_dated(
        "consent.capacity_assessed_on",
        "the capacity assessment date",
        &ci.capacity_assessed_on,
        DateKind::Event,
        today,
    );
    let best_interests_decision_on = c.optional_dated(
        "consent.best_interests_decision_on",
        "the best-interests meeting date",
        &ci.best_interests_decision_on,
        DateKind::Event,
        today,
    );
    let given_by = c.optional_text(
        "consent.given_by",
        "the name of who consented",
        &ci.given_by,
        200,
    );
    let relationship = c.optional_text(
        "consent.relationship",
        "the relationship",
        &ci.relationship,
        100,
    );
    Some(Consent {
        basis: basis?,
        recorded_on: recorded_on?,
        given_by,
        relationship,
        gillick_competent: ci.gillick_competent.unwrap_or(false),
        capacity_assessed_on,
        best_interests_decision_on,
    })
}

/// The consent refusal, as the API's `consent_required` (and the field, for the pages).
fn consent_refused(r: consent::Refusal) -> AppError {
    AppError::ConsentRequired {
        message: r.message,
        field: r.field.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Views

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConsentView {
    pub basis: ConsentBasis,
    pub recorded_on: String,
    pub given_by: Option<String>,
    pub relationship: Option<String>,
    pub gillick_competent: bool,
    pub capacity_assessed_on: Option<String>,
    pub best_interests_decision_on: Option<String>,
}

/// A person as the API and pages show them. Dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonView {
    pub id: String,
    /// Formatted `943 476 5919`.
    pub nhs_number: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub sex: Sex,
    pub postcode: String,
    pub local_authority: String,
    pub learning_disability: bool,
    pub autism: bool,
    pub ehcp: bool,
    pub setting: Setting,
    pub social_worker: Option<String>,
    /// The day the social worker named (or their removal) took effect.
    pub social_worker_from: Option<String>,
    pub keyworker: Option<String>,
    pub registered_on: String,
    pub status: Status,
    pub closed_on: Option<String>,
    pub closed_reason: Option<String>,
    pub withdrawn_on: Option<String>,
    pub age: u32,
    pub age_band: AgeBand,
    pub review_type: ReviewType,
    /// Current rating (or as of the list's `as_of` day); null before the first assessment.
    pub rating: Option<Rating>,
    pub rating_since: Option<String>,
    pub in_hospital: bool,
    /// Set once reviews are scheduled (CETR workflow).
    pub next_review_due: Option<String>,
    /// What is overdue for this person, in words.
    pub overdue: Vec<String>,
    pub consent: ConsentView,
}

/// Everything needed to describe people: their rows, consent, rating events and stays.
struct Records {
    consents: HashMap<String, consent_entity::Model>,
    events: HashMap<String, Vec<RatingEvent>>,
    stays: HashMap<String, Vec<Stay>>,
    admissions: HashMap<String, Vec<admission::Model>>,
    reviews: HashMap<String, Vec<crate::entities::review::Model>>,
    actions: HashMap<String, Vec<crate::entities::action::Model>>,
    visits: HashMap<String, Vec<crate::entities::visit::Model>>,
    schedule: crate::policy::Schedule,
}

impl Records {
    /// What is on file for one person, for working out what is due.
    fn rows(&self, id: &str) -> super::due::Rows<'_> {
        fn of<'a, T>(m: &'a HashMap<String, Vec<T>>, id: &str) -> &'a [T] {
            m.get(id).map(Vec::as_slice).unwrap_or(&[])
        }
        super::due::Rows {
            reviews: of(&self.reviews, id),
            actions: of(&self.actions, id),
            stays: of(&self.admissions, id),
            visits: of(&self.visits, id),
            ratings: of(&self.events, id),
            stay_revisions: None,
            social_worker_history: &[],
        }
    }
}

/// The rows of a query, streamed and grouped by `key`, in the order the query gives them.
async fn grouped<C, E>(
    db: &C,
    query: sea_orm::Select<E>,
    key: impl Fn(&E::Model) -> String,
) -> Result<HashMap<String, Vec<E::Model>>, AppError>
where
    C: ConnectionTrait + StreamTrait,
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let mut out: HashMap<String, Vec<E::Model>> = HashMap::new();
    let mut rows = query.stream(db).await?;
    while let Some(row) = rows.try_next().await? {
        out.entry(key(&row)).or_default().push(row);
    }
    Ok(out)
}

/// Whose records to load.
#[derive(Debug, Clone, Copy)]
enum Whose<'a> {
    All,
    One(&'a str),
    These(&'a [String]),
    /// Ids from the first to the last (a batch of the returns' read, in id order).
    Between(&'a str, &'a str),
}

impl Whose<'_> {
    /// The rows of these people, by a table's person column.
    fn on(self, column: impl ColumnTrait) -> sea_orm::Condition {
        let all = sea_orm::Condition::all();
        match self {
            Whose::All => all,
            Whose::One(id) => all.add(column.eq(id)),
            Whose::These(ids) => all.add(column.is_in(ids.iter().map(String::as_str))),
            Whose::Between(first, last) => all.add(column.between(first, last)),
        }
    }
}

/// Everything on file for one person, or for everyone. `lean` leaves out the free text of
/// reviews and actions (findings, recommendations, WHO/WHAT/HOW, notes), for views that only
/// need dates and statuses.
async fn load_records<C: ConnectionTrait + StreamTrait>(
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
        // Free text no deadline or return reads: left out, so a large register loads quickly.
        use crate::entities::{action as a, review as r};
        use sea_orm::sea_query::Expr;
        use sea_orm::{Iterable, QuerySelect};
        reviews = reviews
            .select_only()
            .columns(r::Column::iter().filter(|c| {
                !matches!(
                    c,
                    r::Column::Findings | r::Column::Recommendations | r::Column::CancelledReason
                )
            }))
            .expr_as(Expr::cust("NULL"), "findings")
            .expr_as(Expr::cust("NULL"), "recommendations")
            .expr_as(Expr::cust("NULL"), "cancelled_reason");
        actions = actions
            .select_only()
            .columns(a::Column::iter().filter(|c| {
                !matches!(
                    c,
                    a::Column::Who | a::Column::What | a::Column::How | a::Column::Note
                )
            }))
            .expr_as(Expr::cust("''"), "who")
            .expr_as(Expr::cust("''"), "what")
            .expr_as(Expr::cust("''"), "how")
            .expr_as(Expr::cust("NULL"), "note");
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
    let admissions = grouped(db, stays, |a| a.person_id.clone()).await?;
    let mut records = Records {
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
            let rating = Rating::parse(&e.rating)
                .ok_or_else(|| AppError::Internal("unknown rating in history".into()))?;
            out.push(RatingEvent {
                rating,
                effective_on: e.effective_on,
                seq: e.seq,
            });
        }
        records.events.insert(id, out);
    }
    Ok(records)
}

fn fmt_date(d: Date) -> String {
    d.to_string()
}

fn view(p: &person::Model, records: &Records, day: Date) -> Result<PersonView, AppError> {
    let consent = records
        .consents
        .get(&p.id)
        .ok_or_else(|| AppError::Internal(format!("person {} has no consent record", p.id)))?;
    let events = records.events.get(&p.id).map_or(&[][..], Vec::as_slice);
    let stays = records.stays.get(&p.id).map_or(&[][..], Vec::as_slice);
    let rows = records.rows(&p.id);
    let owed = super::due::owed(p, &rows, &records.schedule, day);
    let derived = Derived {
        rating: derived_rating(events, stays, day),
        in_hospital: stays.iter().any(|s| s.covers(day)),
        next_review_due: crate::domain::deadlines::next_review_due(&owed),
        overdue: overdue_words(&rows, &owed),
    };
    view_with(p, consent, derived, day)
}

/// What is overdue among these items, in words, soonest first.
fn overdue_words(
    rows: &super::due::Rows<'_>,
    items: &[crate::domain::deadlines::Item],
) -> Vec<String> {
    super::due::words(rows, items)
        .into_iter()
        .filter(|d| d.overdue)
        .map(|d| d.what)
        .collect()
}

/// What the register works out for a person on a day, beside their entry: from the deadline
/// engine over their records ([`view`]), or read back from today's projection, which stores
/// the same engine's answer (`find`'s rows).
struct Derived {
    rating: Option<(Rating, Date)>,
    in_hospital: bool,
    next_review_due: Option<Date>,
    overdue: Vec<String>,
}

/// A person as shown: their entry and consent as stored, and what was derived for `day`.
fn view_with(
    p: &person::Model,
    c: &consent_entity::Model,
    derived: Derived,
    day: Date,
) -> Result<PersonView, AppError> {
    let corrupt = |what: &str| AppError::Internal(format!("person {} has an unknown {what}", p.id));
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
        date_of_birth: fmt_date(p.date_of_birth),
        sex: Sex::parse(&p.sex).ok_or_else(|| corrupt("sex"))?,
        postcode: p.postcode.clone(),
        local_authority: p.local_authority.clone(),
        learning_disability: p.learning_disability,
        autism: p.autism,
        ehcp: p.ehcp,
        setting: Setting::parse(&p.setting).ok_or_else(|| corrupt("setting"))?,
        social_worker: p.social_worker.clone(),
        social_worker_from: p.social_worker_from.map(fmt_date),
        keyworker: p.keyworker.clone(),
        registered_on: fmt_date(p.registered_on),
        status: status_on(p, day),
        closed_on: p.closed_on.map(fmt_date),
        closed_reason: p.closed_reason.clone(),
        withdrawn_on: p.withdrawn_on.map(fmt_date),
        age,
        age_band: AgeBand::of(age),
        review_type: review_type(age, p.ehcp),
        rating: rating.map(|(r, _)| r),
        rating_since: rating.map(|(_, d)| fmt_date(d)),
        in_hospital,
        next_review_due: next_review_due.map(fmt_date),
        overdue,
        consent: ConsentView {
            basis: ConsentBasis::parse(&c.basis).ok_or_else(|| corrupt("consent basis"))?,
            recorded_on: fmt_date(c.recorded_on),
            given_by: c.given_by.clone(),
            relationship: c.relationship.clone(),
            gillick_competent: c.gillick_competent,
            capacity_assessed_on: c.capacity_assessed_on.map(fmt_date),
            best_interests_decision_on: c.best_interests_decision_on.map(fmt_date),
        },
    })
}

/// The entry's status at the end of `day` (withdrawal is final whenever it is read).
fn status_on(p: &person::Model, day: Date) -> Status {
    if p.status == Status::Withdrawn.as_str() {
        Status::Withdrawn
    } else if p.closed_on.is_some_and(|c| c <= day) {
        Status::Closed
    } else {
        Status::Active
    }
}

// ---------------------------------------------------------------------------------------------
// Who may read whom

/// The share of the register a user may read, from the permissions their role holds.
#[derive(Debug, Clone)]
pub struct Reader {
    all: bool,
    assigned_to: Option<String>,
    /// Whether withdrawn entries are within reach (records administrators).
    pub scope: Scope,
}

impl Reader {
    pub fn of(app: &App, who: &SignedIn) -> Self {
        let has = |p| app.policies.access.allows(who.role(), p);
        Reader {
            all: has(Permission::PeopleRead),
            assigned_to: has(Permission::PeopleReadAssigned).then(|| who.user.id.clone()),
            scope: Scope::of(app, who),
        }
    }

    /// The people of the live reviews this reader sits on (empty unless reading by assignment).
    async fn assigned(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<std::collections::HashSet<String>, AppError> {
        match (&self.assigned_to, self.all) {
            (Some(user), false) => Ok(super::reviews::assigned_people(db, self.scope, user)
                .await?
                .into_iter()
                .collect()),
            _ => Ok(Default::default()),
        }
    }

    /// Within this reader's share: the whole register, the people of their reviews, or (for a
    /// records administrator, whose scope reaches them) the withdrawn entries.
    fn may_read(&self, p: &person::Model, assigned: &std::collections::HashSet<String>) -> bool {
        if p.status == Status::Withdrawn.as_str() {
            return self.scope == Scope::Retained;
        }
        self.all || assigned.contains(&p.id)
    }
}

/// A readable person's name, "Given Family", and whether their entry is active: what the
/// pages' headings need of them.
#[derive(Debug, Clone)]
pub struct NameOf {
    pub full_name: String,
    pub active: bool,
}

/// `find_readable`, as the name the pages show.
pub async fn name_of(
    db: &impl ConnectionTrait,
    reader: &Reader,
    id: &str,
) -> Result<NameOf, AppError> {
    let p = find_readable(db, reader, id).await?;
    Ok(NameOf {
        full_name: format!("{} {}", p.given_name, p.family_name),
        active: p.status == Status::Active.as_str(),
    })
}

/// Loads a person the reader may see; anyone else is "not found" (existence is not revealed).
pub async fn find_readable(
    db: &impl ConnectionTrait,
    reader: &Reader,
    id: &str,
) -> Result<person::Model, AppError> {
    let assigned = reader.assigned(db).await?;
    reader
        .scope
        .by_id::<person::Entity>(id)
        .one(db)
        .await?
        .filter(|p| reader.may_read(p, &assigned))
        .ok_or_else(|| AppError::not_found("Person"))
}

// ---------------------------------------------------------------------------------------------
// Use cases

fn check_new(input: &NewPerson, today: Date) -> Result<(Details, Consent, Date), AppError> {
    let mut c = Check::default();
    let details = check_details(&mut c, input, today);
    let consent = check_consent_fields(&mut c, &input.consent, today);
    let registered_on = c.optional_dated(
        "registered_on",
        "the registration date",
        &input.registered_on,
        DateKind::Event,
        today,
    );
    c.finish()?;
    let (Some(details), Some(consent)) = (details, consent) else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    consent::check(&consent, details.date_of_birth, today).map_err(consent_refused)?;
    let registered_on = consent::registration_day(&consent, registered_on, today)
        .map_err(|r| AppError::field(r.field, r.message))?;
    Ok((details, consent, registered_on))
}

/// Adds a person through the consent gate: nothing is written unless all of it is valid.
pub async fn register(app: &App, actor: &Actor, input: NewPerson) -> Result<PersonView, AppError> {
    let today = app.clock.today();
    let mut tx = audit::begin(app).await?;
    let id = register_in(&mut tx, actor, &input, today).await?;
    let records = load_records(
        tx.conn(),
        Scope::Register,
        Whose::One(&id),
        &app.policies.schedule,
        false,
    )
    .await?;
    let model = Scope::Register
        .by_id::<person::Entity>(&id)
        .one(tx.conn())
        .await?
        .ok_or_else(|| AppError::Internal("person vanished".into()))?;
    let result = view(&model, &records, today)?;
    tx.commit().await?;
    Ok(result)
}

/// The consent gate and the insert, inside the caller's audited transaction (adding a person,
/// or accepting a referral). Returns the new person's id.
pub async fn register_in(
    tx: &mut audit::AuditedTx,
    actor: &Actor,
    input: &NewPerson,
    today: Date,
) -> Result<String, AppError> {
    let (details, consent, registered_on) = check_new(input, today)?;
    let id = insert_person(tx, actor, &details, &consent, registered_on).await?;
    tx.record(actor, Event::person("person.create", &id))
        .await?;
    Ok(id)
}

/// A person's view by id, for a caller that has already checked access.
pub async fn view_by_id(
    db: &(impl ConnectionTrait + StreamTrait),
    id: &str,
    today: Date,
    schedule: &crate::policy::Schedule,
) -> Result<PersonView, AppError> {
    let model = Scope::Register
        .by_id::<person::Entity>(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Person"))?;
    let records = load_records(db, Scope::Register, Whose::One(id), schedule, false).await?;
    view(&model, &records, today)
}

/// Inserts the person and their consent inside the caller's audited transaction (the referral
/// decision reuses this). Refuses a duplicate NHS number.
async fn insert_person(
    tx: &audit::AuditedTx,
    actor: &Actor,
    d: &Details,
    consent: &Consent,
    registered_on: Date,
) -> Result<String, AppError> {
    // Unique among entries whose consent stands: a withdrawn entry's number may join again.
    let existing = Scope::Register
        .select::<person::Entity>()
        .filter(person::Column::NhsNumber.eq(d.nhs_number.digits()))
        .count(tx.conn())
        .await?;
    if existing > 0 {
        return Err(duplicate_nhs_number());
    }
    let id = uuid::Uuid::new_v4().to_string();
    let now = tx.now();
    let row = person::ActiveModel {
        id: Set(id.clone()),
        nhs_number: Set(d.nhs_number.digits().to_string()),
        given_name: Set(d.given_name.clone()),
        family_name: Set(d.family_name.clone()),
        date_of_birth: Set(d.date_of_birth),
        sex: Set(d.sex.as_str().into()),
        postcode: Set(d.postcode.clone()),
        local_authority: Set(d.local_authority.clone()),
        learning_disability: Set(d.learning_disability),
        autism: Set(d.autism),
        ehcp: Set(d.ehcp),
        social_worker: Set(d.social_worker.clone()),
        social_worker_from: Set(d
            .social_worker
            .as_ref()
            .map(|_| d.social_worker_from.unwrap_or(registered_on))),
        keyworker: Set(d.keyworker.clone()),
        setting: Set(d.setting.as_str().into()),
        status: Set(Status::Active.as_str().into()),
        registered_on: Set(registered_on),
        closed_on: Set(None),
        closed_reason: Set(None),
        withdrawn_on: Set(None),
        withdrawn_reason: Set(None),
        withdrawn_at: Set(None),
        search_key: Set(Some(crate::domain::search::key(
            &d.given_name,
            &d.family_name,
            d.nhs_number.digits(),
        ))),
        sort_name: Set(Some(crate::domain::search::sort_name(
            &d.given_name,
            &d.family_name,
        ))),
        created_at: Set(now),
        updated_at: Set(now),
    };
    if let Err(e) = row.insert(tx.conn()).await {
        return Err(match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => duplicate_nhs_number(),
            _ => e.into(),
        });
    }
    consent_entity::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        person_id: Set(id.clone()),
        basis: Set(consent.basis.as_str().into()),
        recorded_on: Set(consent.recorded_on),
        given_by: Set(consent.given_by.clone()),
        relationship: Set(consent.relationship.clone()),
        gillick_competent: Set(consent.gillick_competent),
        capacity_assessed_on: Set(consent.capacity_assessed_on),
        best_interests_decision_on: Set(consent.best_interests_decision_on),
        recorded_by: Set(actor.username.clone()),
        recorded_at: Set(now),
    }
    .insert(tx.conn())
    .await?;
    Ok(id)
}

fn duplicate_nhs_number() -> AppError {
    AppError::Conflict("Someone with that NHS number is already on the register.".into())
}

/// One person, as the reader may see them; the read is audited.
pub async fn get(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &str,
) -> Result<PersonView, AppError> {
    find_readable(&app.db, reader, id).await?;
    let ids = [id.to_string()];
    let result = today::rows(app, reader, &ids, app.clock.today())
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("Person"))?;
    audit::record_alone(app, actor, Event::person("person.read", id)).await?;
    Ok(result)
}

/// The whole register with its records, loaded once (a handful of queries, whatever its size)
/// and then viewed as at any day. For the returns: withdrawn entries are left out whatever the
/// day; no audit entry here (the return records its own) and no read scope (returns are the
/// commissioners').
pub(crate) struct Snapshot {
    people: Vec<person::Model>,
    records: Records,
    /// Per person, the details before each edit, oldest first.
    revisions: HashMap<String, Vec<(time::OffsetDateTime, Revision)>>,
    /// Per stay, its security level, legal status and planned discharge before each change.
    stay_revisions: HashMap<String, Vec<crate::entities::admission_revision::Model>>,
    /// Per person, whether a social worker was named until each edit, oldest first.
    social_worker_history: HashMap<String, Vec<(Option<Date>, bool)>>,
}

/// The editable details of a register entry, as they stood before an edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Revision {
    nhs_number: String,
    given_name: String,
    family_name: String,
    date_of_birth: Date,
    sex: String,
    postcode: String,
    local_authority: String,
    learning_disability: bool,
    autism: bool,
    ehcp: bool,
    social_worker: Option<String>,
    /// Absent from revisions written before migration 000010.
    #[serde(default)]
    social_worker_from: Option<Date>,
    keyworker: Option<String>,
    setting: String,
    registered_on: Date,
}

impl Revision {
    fn of(p: &person::Model) -> Self {
        Revision {
            nhs_number: p.nhs_number.clone(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            date_of_birth: p.date_of_birth,
            sex: p.sex.clone(),
            postcode: p.postcode.clone(),
            local_authority: p.local_authority.clone(),
            learning_disability: p.learning_disability,
            autism: p.autism,
            ehcp: p.ehcp,
            social_worker: p.social_worker.clone(),
            social_worker_from: p.social_worker_from,
            keyworker: p.keyworker.clone(),
            setting: p.setting.clone(),
            registered_on: p.registered_on,
        }
    }

    fn to_json(&self) -> Result<String, AppError> {
        serde_json::to_string(self).map_err(|e| AppError::Internal(format!("revision: {e}")))
    }

    fn apply(&self, p: &mut person::Model) {
        p.nhs_number.clone_from(&self.nhs_number);
        p.given_name.clone_from(&self.given_name);
        p.family_name.clone_from(&self.family_name);
        p.date_of_birth = self.date_of_birth;
        p.sex.clone_from(&self.sex);
        p.postcode.clone_from(&self.postcode);
        p.local_authority.clone_from(&self.local_authority);
        p.learning_disability = self.learning_disability;
        p.autism = self.autism;
        p.ehcp = self.ehcp;
        p.social_worker.clone_from(&self.social_worker);
        p.social_worker_from = self.social_worker_from;
        p.keyworker.clone_from(&self.keyworker);
        p.setting.clone_from(&self.setting);
        p.registered_on = self.registered_on;
    }
}

/// Each person's details before each edit, oldest first: one person's, or everyone's.
async fn load_revisions(
    db: &impl ConnectionTrait,
    scope: Scope,
    whose: Whose<'_>,
) -> Result<HashMap<String, Vec<(time::OffsetDateTime, Revision)>>, AppError> {
    let select = scope
        .select::<person_revision::Entity>()
        .filter(whose.on(person_revision::Column::PersonId));
    let mut revisions: HashMap<String, Vec<(time::OffsetDateTime, Revision)>> = HashMap::new();
    for r in select.all(db).await? {
        let data: Revision = serde_json::from_str(&r.data)
            .map_err(|e| AppError::Internal(format!("revision {}: {e}", r.id)))?;
        revisions
            .entry(r.person_id)
            .or_default()
            .push((r.valid_until, data));
    }
    for list in revisions.values_mut() {
        list.sort_by_key(|(until, _)| *until);
    }
    Ok(revisions)
}

/// Each person's earlier social workers (whether named, from which day), oldest first.
fn social_worker_history(
    revisions: &HashMap<String, Vec<(time::OffsetDateTime, Revision)>>,
) -> HashMap<String, Vec<(Option<Date>, bool)>> {
    revisions
        .iter()
        .map(|(id, list)| {
            let named = list
                .iter()
                .map(|(_, r)| (r.social_worker_from, r.social_worker.is_some()))
                .collect();
            (id.clone(), named)
        })
        .collect()
}

/// Each stay's earlier values (security level, legal status, planned discharge), in the order
/// the changes took effect: one person's stays, or everyone's.
async fn load_stay_revisions(
    db: &impl ConnectionTrait,
    scope: Scope,
    person_id: Option<&str>,
) -> Result<HashMap<String, Vec<crate::entities::admission_revision::Model>>, AppError> {
    use crate::entities::admission_revision as revision;
    let mut select = scope.select::<revision::Entity>();
    if let Some(id) = person_id {
        let theirs = sea_orm::sea_query::Query::select()
            .column(admission::Column::Id)
            .from(admission::Entity)
            .and_where(admission::Column::PersonId.eq(id))
            .to_owned();
        select = select.filter(revision::Column::AdmissionId.in_subquery(theirs));
    }
    let mut out: HashMap<String, Vec<revision::Model>> = HashMap::new();
    for r in select.all(db).await? {
        out.entry(r.admission_id.clone()).or_default().push(r);
    }
    // In the order the changes took effect (refused out of order), then as recorded.
    for list in out.values_mut() {
        list.sort_by_key(|r| (r.effective_on, r.valid_until));
    }
    Ok(out)
}

/// The person's details as they stood at the end of `day` (UK time): the first revision still
/// in force then, or the entry as it is now. The register's `as_of` view and the returns both
/// read people this way.
fn details_as_at<'a>(
    p: &'a person::Model,
    revisions: &HashMap<String, Vec<(time::OffsetDateTime, Revision)>>,
    day: Date,
) -> Cow<'a, person::Model> {
    let end = crate::clock::uk_instant(day, time::macros::time!(23:59:59));
    match revisions
        .get(&p.id)
        .and_then(|list| list.iter().find(|(until, _)| *until > end))
    {
        Some((_, revision)) => {
            let mut then = p.clone();
            revision.apply(&mut then);
            Cow::Owned(then)
        }
        None => Cow::Borrowed(p),
    }
}

/// The earlier details of a batch of register entries (ids from `first` to `last`, withdrawn
/// ones left out), for the returns, which read the register a batch at a time.
pub(crate) struct EarlierDetails {
    revisions: HashMap<String, Vec<(time::OffsetDateTime, Revision)>>,
    social_worker_history: HashMap<String, Vec<(Option<Date>, bool)>>,
}

impl EarlierDetails {
    pub(crate) async fn between(
        db: &impl ConnectionTrait,
        first: &str,
        last: &str,
    ) -> Result<Self, AppError> {
        let revisions = load_revisions(db, Scope::Register, Whose::Between(first, last)).await?;
        let social_worker_history = social_worker_history(&revisions);
        Ok(EarlierDetails {
            revisions,
            social_worker_history,
        })
    }

    /// The person's details as they stood at the end of `day` (as `Snapshot::as_at`).
    pub(crate) fn as_at<'a>(&self, p: &'a person::Model, day: Date) -> Cow<'a, person::Model> {
        details_as_at(p, &self.revisions, day)
    }

    /// Whether a social worker was named until each edit, oldest first.
    pub(crate) fn social_worker_history(&self, id: &str) -> &[(Option<Date>, bool)] {
        self.social_worker_history
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

impl Snapshot {
    pub(crate) async fn load(app: &App) -> Result<Self, AppError> {
        let people: Vec<person::Model> = Scope::Register
            .select::<person::Entity>()
            .stream(&app.db)
            .await?
            .try_collect()
            .await?;
        let records = load_records(
            &app.db,
            Scope::Register,
            Whose::All,
            &app.policies.schedule,
            true,
        )
        .await?;
        let revisions = load_revisions(&app.db, Scope::Register, Whose::All).await?;
        let social_worker_history = social_worker_history(&revisions);
        let stay_revisions = load_stay_revisions(&app.db, Scope::Register, None).await?;
        Ok(Snapshot {
            people,
            records,
            revisions,
            stay_revisions,
            social_worker_history,
        })
    }

    /// A stay as it stood at the end of `day`: the security level, legal status and planned
    /// discharge before the first change taking effect after `day`, or the stay as it is now.
    /// By the days the changes took effect, not when they were recorded.
    pub(crate) fn stay_as_at<'a>(
        &self,
        stay: &'a admission::Model,
        day: Date,
    ) -> Cow<'a, admission::Model> {
        match self
            .stay_revisions
            .get(&stay.id)
            .and_then(|list| list.iter().find(|r| r.effective_on > day))
        {
            Some(r) => {
                let mut then = stay.clone();
                then.security_level.clone_from(&r.security_level);
                then.legal_status.clone_from(&r.legal_status);
                then.planned_discharge_on = r.planned_discharge_on;
                Cow::Owned(then)
            }
            None => Cow::Borrowed(stay),
        }
    }

    /// The person's details as they stood at the end of `day` (UK time): the first revision
    /// still in force then, or the entry as it is now.
    pub(crate) fn as_at<'a>(&self, p: &'a person::Model, day: Date) -> Cow<'a, person::Model> {
        details_as_at(p, &self.revisions, day)
    }

    /// Whether the person stood on the register at the end of `day`.
    pub(crate) fn active_on(p: &person::Model, day: Date) -> bool {
        p.status != Status::Withdrawn.as_str()
            && crate::domain::person::on_register_on(p.registered_on, p.closed_on, day)
    }

    /// A person (as at `day`) as they stood at the end of `day`.
    pub(crate) fn view(&self, p: &person::Model, day: Date) -> Result<PersonView, AppError> {
        view(p, &self.records, day)
    }

    /// Everyone not withdrawn, whatever their status, with their details as at `day`.
    pub(crate) fn people_at(&self, day: Date) -> Vec<Cow<'_, person::Model>> {
        self.people.iter().map(|p| self.as_at(p, day)).collect()
    }

    /// A person's rating at the end of `day`.
    pub(crate) fn rating_on(&self, id: &str, day: Date) -> Option<Rating> {
        self.rating_since(id, day).map(|(r, _)| r)
    }

    /// A person's rating at the end of `day` and the day it took that value.
    pub(crate) fn rating_since(&self, id: &str, day: Date) -> Option<(Rating, Date)> {
        let events = self
            .records
            .events
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let stays = self.records.stays.get(id).map(Vec::as_slice).unwrap_or(&[]);
        derived_rating(events, stays, day)
    }

    /// The person's rows, with their stays' and entry's earlier values (for past days).
    fn rows(&self, p: &person::Model) -> super::due::Rows<'_> {
        super::due::Rows {
            stay_revisions: Some(&self.stay_revisions),
            social_worker_history: self
                .social_worker_history
                .get(&p.id)
                .map(Vec::as_slice)
                .unwrap_or(&[]),
            ..self.records.rows(&p.id)
        }
    }

    /// Everything owed for the person at the end of `day`, as the engine answers.
    pub(crate) fn owed(&self, p: &person::Model, day: Date) -> Vec<crate::domain::deadlines::Item> {
        super::due::owed(p, &self.rows(p), &self.records.schedule, day)
    }

    pub(crate) fn reviews(&self, id: &str) -> &[crate::entities::review::Model] {
        self.records
            .reviews
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub(crate) fn admissions(&self, id: &str) -> &[admission::Model] {
        self.records
            .admissions
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub(crate) fn visits(&self, id: &str) -> &[crate::entities::visit::Model] {
        self.records
            .visits
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// Which person fields a PATCH may carry.
pub const PATCHABLE: &[&str] = &[
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "local_authority",
    "learning_disability",
    "autism",
    "ehcp",
    "setting",
    "social_worker",
    "social_worker_from",
    "keyworker",
    "registered_on",
];

/// Changes some fields of an active entry. The same rules apply as on entry: a valid and unique
/// NHS number, eligibility, and a consent still valid for the (possibly corrected) date of birth.
pub async fn update(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &str,
    changes: serde_json::Map<String, serde_json::Value>,
) -> Result<PersonView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    for key in changes.keys() {
        if key == "consent" {
            c.fail(
                "consent",
                "Consent cannot be changed here: withdraw it, or add the person again",
            );
        } else if !PATCHABLE.contains(&key.as_str()) {
            c.fail(key, "This field cannot be changed");
        }
    }
    c.finish()?;
    let mut tx = audit::begin(app).await?;
    let current = find_readable(tx.conn(), reader, id).await?;
    if current.status != Status::Active.as_str() {
        return Err(AppError::Conflict(
            "Only an active register entry can be edited.".into(),
        ));
    }
    // Start from the entry as it is, overlay the changes, and check the whole again.
    let mut merged =
        serde_json::to_value(as_input(&current)).map_err(|e| AppError::Internal(e.to_string()))?;
    for (k, v) in &changes {
        merged[k] = v.clone();
    }
    let input: NewPerson =
        serde_json::from_value(merged).map_err(|e| AppError::BadRequest(describe_json(&e)))?;
    let mut c = Check::default();
    let details = check_details(&mut c, &input, today);
    let registered_on = c.dated(
        "registered_on",
        "the registration date",
        &input.registered_on,
        DateKind::Event,
        today,
    );
    c.finish()?;
    let (Some(d), Some(registered_on)) = (details, registered_on) else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    let records = load_records(
        tx.conn(),
        reader.scope,
        Whose::One(id),
        &app.policies.schedule,
        false,
    )
    .await?;
    let consent = stored_consent(&records, id)?;
    consent::check(&consent, d.date_of_birth, today).map_err(consent_refused)?;
    consent::registration_day(&consent, Some(registered_on), today)
        .map_err(|r| AppError::field(r.field, r.message))?;
    if d.nhs_number.digits() != current.nhs_number {
        let taken = Scope::Register
            .select::<person::Entity>()
            .filter(person::Column::NhsNumber.eq(d.nhs_number.digits()))
            .count(tx.conn())
            .await?;
        if taken > 0 {
            return Err(duplicate_nhs_number());
        }
    }
    // The social worker's day: as given, else today when the social worker changes; given days
    // stay in order, so the history reads the same whichever day is asked about.
    let changed = d.social_worker != current.social_worker;
    let social_worker_from = match d.social_worker_from {
        Some(day) => {
            if day < registered_on {
                return Err(AppError::field(
                    "social_worker_from",
                    format!(
                        "This cannot be before the person joined the register ({registered_on})"
                    ),
                ));
            }
            if let Some(last) = current.social_worker_from.filter(|last| day < *last) {
                return Err(AppError::field(
                    "social_worker_from",
                    format!(
                        "This cannot be before the day last given for the social worker ({last})"
                    ),
                ));
            }
            Some(day)
        }
        None if changed => Some(today.max(current.social_worker_from.unwrap_or(today))),
        None => current.social_worker_from,
    };
    // Keep the details as they stood until now, for returns as at an earlier day.
    person_revision::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        person_id: Set(current.id.clone()),
        valid_until: Set(tx.now()),
        data: Set(Revision::of(&current).to_json()?),
    }
    .insert(tx.conn())
    .await?;
    let mut row: person::ActiveModel = current.into();
    row.nhs_number = Set(d.nhs_number.digits().into());
    row.given_name = Set(d.given_name);
    row.family_name = Set(d.family_name);
    row.date_of_birth = Set(d.date_of_birth);
    row.sex = Set(d.sex.as_str().into());
    row.postcode = Set(d.postcode);
    row.local_authority = Set(d.local_authority);
    row.learning_disability = Set(d.learning_disability);
    row.autism = Set(d.autism);
    row.ehcp = Set(d.ehcp);
    row.setting = Set(d.setting.as_str().into());
    row.social_worker_from = Set(social_worker_from);
    row.social_worker = Set(d.social_worker);
    row.keyworker = Set(d.keyworker);
    row.registered_on = Set(registered_on);
    row.updated_at = Set(tx.now());
    let updated = row.update(tx.conn()).await?;
    let fields: Vec<&String> = changes.keys().collect();
    tx.record(
        actor,
        Event::person("person.update", id).detail(serde_json::json!({"fields": fields})),
    )
    .await?;
    let result = view(&updated, &records, today)?;
    tx.commit().await?;
    Ok(result)
}

fn stored_consent(records: &Records, id: &str) -> Result<Consent, AppError> {
    let c = records
        .consents
        .get(id)
        .ok_or_else(|| AppError::Internal("no consent".into()))?;
    Ok(Consent {
        basis: ConsentBasis::parse(&c.basis)
            .ok_or_else(|| AppError::Internal("bad basis".into()))?,
        recorded_on: c.recorded_on,
        given_by: c.given_by.clone(),
        relationship: c.relationship.clone(),
        gillick_competent: c.gillick_competent,
        capacity_assessed_on: c.capacity_assessed_on,
        best_interests_decision_on: c.best_interests_decision_on,
    })
}

/// The stored entry as an input, for PATCH and the edit form.
pub fn as_input(p: &person::Model) -> NewPerson {
    NewPerson {
        nhs_number: Some(p.nhs_number.clone()),
        given_name: Some(p.given_name.clone()),
        family_name: Some(p.family_name.clone()),
        date_of_birth: Some(fmt_date(p.date_of_birth)),
        sex: Some(p.sex.clone()),
        postcode: Some(p.postcode.clone()),
        local_authority: Some(p.local_authority.clone()),
        learning_disability: Some(p.learning_disability),
        autism: Some(p.autism),
        ehcp: Some(p.ehcp),
        setting: Some(p.setting.clone()),
        social_worker: p.social_worker.clone(),
        social_worker_from: None,
        keyworker: p.keyworker.clone(),
        registered_on: Some(fmt_date(p.registered_on)),
        consent: None,
    }
}

/// The day and reason of a closure or withdrawal.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Ending {
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub withdrawn_on: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub closed_on: Option<String>,
    #[schemars(with = "crate::services::schema::Text<2000>")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndKind {
    Close,
    Withdraw,
}

/// Closes an entry (the person no longer needs the register) or records that consent was
/// withdrawn. Both keep the record; a withdrawn one is then seen only by records administrators.
pub async fn end(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &str,
    kind: EndKind,
    input: Ending,
) -> Result<PersonView, AppError> {
    let today = app.clock.today();
    let (field, label, raw) = match kind {
        EndKind::Close => ("closed_on", "the date the entry closes", &input.closed_on),
        EndKind::Withdraw => (
            "withdrawn_on",
            "the date consent was withdrawn",
            &input.withdrawn_on,
        ),
    };
    let mut c = Check::default();
    let day = c.past_date(field, label, raw, today);
    let reason = c.paragraph("reason", "the reason", &input.reason, 2000);
    c.finish()?;
    let Some(day) = day else {
        return Err(AppError::Internal("checked input incomplete".into()));
    };
    let mut tx = audit::begin(app).await?;
    let current = find_readable(tx.conn(), reader, id).await?;
    let status = current.status.clone();
    match kind {
        EndKind::Close if status != Status::Active.as_str() => {
            return Err(AppError::Conflict(
                "Only an active register entry can be closed.".into(),
            ));
        }
        EndKind::Withdraw if status == Status::Withdrawn.as_str() => {
            return Err(AppError::Conflict(
                "Consent has already been withdrawn for this person.".into(),
            ));
        }
        _ => {}
    }
    if day < current.registered_on {
        return Err(AppError::field(
            field,
            format!(
                "This cannot be before the person joined the register ({})",
                crate::domain::dates::long_date(current.registered_on)
            ),
        ));
    }
    let mut row: person::ActiveModel = current.into();
    let action = match kind {
        EndKind::Close => {
            row.status = Set(Status::Closed.as_str().into());
            row.closed_on = Set(Some(day));
            row.closed_reason = Set(Some(reason.clone()));
            "person.close"
        }
        EndKind::Withdraw => {
            row.status = Set(Status::Withdrawn.as_str().into());
            row.withdrawn_on = Set(Some(day));
            row.withdrawn_reason = Set(Some(reason.clone()));
            row.withdrawn_at = Set(Some(tx.now()));
            super::reviews::cancel_all_for(&tx, id, "Consent withdrawn", day).await?;
            "person.withdraw"
        }
    };
    row.updated_at = Set(tx.now());
    let updated = row.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::person(action, id)
            .detail(serde_json::json!({"on": fmt_date(day), "reason": reason})),
    )
    .await?;
    let records = load_records(
        tx.conn(),
        Scope::Retained,
        Whose::One(id),
        &app.policies.schedule,
        false,
    )
    .await?;
    let result = view(&updated, &records, today)?;
    tx.commit().await?;
    Ok(result)
}
