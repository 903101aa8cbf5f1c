//! The whole register with its records, loaded once and viewed as at any day (for the
//! returns), and the dated revisions of an entry's details.

use super::*;

/// The whole register with its records, loaded once (a handful of queries, whatever its size)
/// and then viewed as at any day. For the returns: withdrawn entries are left out whatever the
/// day; no audit entry here (the return records its own) and no read scope (returns are the
/// commissioners').
pub(crate) struct Snapshot {
    pub(super) people: Vec<person::Model>,
    pub(super) records: Records,
    /// Per person, the details before each edit, oldest first.
    pub(super) revisions: HashMap<PersonId, Vec<(time::OffsetDateTime, Revision)>>,
    /// Per person, whether a social worker was named until each edit, oldest first.
    pub(super) social_worker_history: HashMap<PersonId, Vec<(Option<Date>, bool)>>,
}

/// The editable details of a register entry, as they stood before an edit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Revision {
    pub(super) nhs_number: String,
    pub(super) given_name: String,
    pub(super) family_name: String,
    pub(super) date_of_birth: Date,
    pub(super) sex: crate::domain::person::Sex,
    pub(super) postcode: String,
    pub(super) local_authority: String,
    pub(super) learning_disability: bool,
    pub(super) autism: bool,
    pub(super) ehcp: bool,
    pub(super) social_worker: Option<String>,
    /// Absent from revisions written before migration 000010.
    #[serde(default)]
    pub(super) social_worker_from: Option<Date>,
    pub(super) keyworker: Option<String>,
    /// Absent from revisions written before migration 000028.
    #[serde(default)]
    pub(super) ethnicity: Option<crate::domain::ethnicity::Ethnicity>,
    pub(super) setting: crate::domain::person::Setting,
    pub(super) registered_on: Date,
}

impl Revision {
    pub(super) fn of(p: &person::Model) -> Self {
        Revision {
            nhs_number: p.nhs_number.clone(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            postcode: p.postcode.clone(),
            local_authority: p.local_authority.clone(),
            learning_disability: p.learning_disability,
            autism: p.autism,
            ehcp: p.ehcp,
            social_worker: p.social_worker.clone(),
            social_worker_from: p.social_worker_from,
            keyworker: p.keyworker.clone(),
            ethnicity: p.ethnicity,
            setting: p.setting,
            registered_on: p.registered_on,
        }
    }

    pub(super) fn to_json(&self) -> Result<String, AppError> {
        serde_json::to_string(self).map_err(|e| AppError::failed("revision", e))
    }

    pub(super) fn apply(&self, p: &mut person::Model) {
        p.nhs_number.clone_from(&self.nhs_number);
        p.given_name.clone_from(&self.given_name);
        p.family_name.clone_from(&self.family_name);
        p.date_of_birth = self.date_of_birth;
        p.sex = self.sex;
        p.postcode.clone_from(&self.postcode);
        p.local_authority.clone_from(&self.local_authority);
        p.learning_disability = self.learning_disability;
        p.autism = self.autism;
        p.ehcp = self.ehcp;
        p.social_worker.clone_from(&self.social_worker);
        p.social_worker_from = self.social_worker_from;
        p.keyworker.clone_from(&self.keyworker);
        p.ethnicity = self.ethnicity;
        p.setting = self.setting;
        p.registered_on = self.registered_on;
    }
}

/// Each person's details before each edit, oldest first: one person's, or everyone's.
pub(super) async fn load_revisions(
    db: &impl ConnectionTrait,
    scope: Scope,
    whose: Whose<'_>,
) -> Result<HashMap<PersonId, Vec<(time::OffsetDateTime, Revision)>>, AppError> {
    let select = scope
        .select::<person_revision::Entity>()
        .filter(whose.on(person_revision::Column::PersonId));
    let mut revisions: HashMap<PersonId, Vec<(time::OffsetDateTime, Revision)>> = HashMap::new();
    for r in select.all(db).await? {
        let data: Revision = serde_json::from_str(&r.data)
            .map_err(|e| AppError::failed(format!("revision {}", r.id), e))?;
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
pub(super) fn social_worker_history(
    revisions: &HashMap<PersonId, Vec<(time::OffsetDateTime, Revision)>>,
) -> HashMap<PersonId, Vec<(Option<Date>, bool)>> {
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

/// Each stay's earlier values (hospital, security level, legal status, planned discharge,
/// items), in the order the changes took effect, for the stays of these people.
pub(super) async fn load_stay_revisions(
    db: &impl ConnectionTrait,
    scope: Scope,
    whose: Whose<'_>,
) -> Result<
    HashMap<crate::domain::ids::StayId, Vec<crate::entities::admission_revision::Model>>,
    AppError,
> {
    use crate::entities::admission_revision as revision;
    let mut select = scope.select::<revision::Entity>();
    if !matches!(whose, Whose::All) {
        let theirs = sea_orm::sea_query::Query::select()
            .column(admission::Column::Id)
            .from(admission::Entity)
            .cond_where(whose.on(admission::Column::PersonId))
            .to_owned();
        select = select.filter(revision::Column::AdmissionId.in_subquery(theirs));
    }
    let mut out: HashMap<crate::domain::ids::StayId, Vec<revision::Model>> = HashMap::new();
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
pub(super) fn details_as_at<'a>(
    p: &'a person::Model,
    revisions: &HashMap<PersonId, Vec<(time::OffsetDateTime, Revision)>>,
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
    pub(super) revisions: HashMap<PersonId, Vec<(time::OffsetDateTime, Revision)>>,
    pub(super) social_worker_history: HashMap<PersonId, Vec<(Option<Date>, bool)>>,
}

impl EarlierDetails {
    pub(crate) async fn between(
        db: &impl ConnectionTrait,
        scope: Scope,
        first: &PersonId,
        last: &PersonId,
    ) -> Result<Self, AppError> {
        let revisions = load_revisions(db, scope, Whose::Between(first, last)).await?;
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
    pub(crate) fn social_worker_history(&self, id: &PersonId) -> &[(Option<Date>, bool)] {
        self.social_worker_history
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

impl Snapshot {
    /// Everyone within `scope` with their whole history.
    pub(crate) async fn load(app: &App, scope: Scope) -> Result<Self, AppError> {
        let people: Vec<person::Model> = scope
            .select::<person::Entity>()
            .stream(&app.db)
            .await?
            .try_collect()
            .await?;
        let records =
            load_records(&app.db, scope, Whose::All, &app.policies.schedule, true).await?;
        let revisions = load_revisions(&app.db, scope, Whose::All).await?;
        let social_worker_history = social_worker_history(&revisions);
        Ok(Snapshot {
            people,
            records,
            revisions,
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
            .records
            .stay_revisions
            .get(&stay.id)
            .and_then(|list| list.iter().find(|r| r.effective_on > day))
        {
            Some(r) => {
                let mut then = stay.clone();
                then.hospital.clone_from(&r.hospital);
                then.hospital_ods_code.clone_from(&r.hospital_ods_code);
                then.episode_id.clone_from(&r.episode_id);
                then.items.clone_from(&r.items);
                then.security_level.clone_from(&r.security_level);
                then.legal_status.clone_from(&r.legal_status);
                then.planned_discharge_on = r.planned_discharge_on;
                Cow::Owned(then)
            }
            None => Cow::Borrowed(stay),
        }
    }

    /// The day the episode in force at the end of `day` began (the spell's start, or its latest
    /// transfer by then).
    pub(crate) fn episode_start(&self, stay: &admission::Model, day: Date) -> Date {
        let revisions = self
            .records
            .stay_revisions
            .get(&stay.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        crate::domain::inpatients::episode_start(
            stay.admitted_on,
            revisions
                .iter()
                .map(|r| (r.effective_on, r.episode_id.as_str())),
            &stay.episode_id,
            day,
        )
    }

    /// The person's details as they stood at the end of `day` (UK time): the first revision
    /// still in force then, or the entry as it is now.
    pub(crate) fn as_at<'a>(&self, p: &'a person::Model, day: Date) -> Cow<'a, person::Model> {
        details_as_at(p, &self.revisions, day)
    }

    /// Whether the person stood on the register at the end of `day`.
    pub(crate) fn active_on(p: &person::Model, day: Date) -> bool {
        super::standing(p).on_register_on(day)
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
    pub(crate) fn rating_on(&self, id: &PersonId, day: Date) -> Option<Rating> {
        self.rating_since(id, day).map(|(r, _)| r)
    }

    /// A person's rating at the end of `day` and the day it took that value.
    pub(crate) fn rating_since(&self, id: &PersonId, day: Date) -> Option<(Rating, Date)> {
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
    pub(super) fn rows(&self, p: &person::Model) -> crate::services::due::Rows<'_> {
        crate::services::due::Rows {
            stay_revisions: Some(&self.records.stay_revisions),
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
        crate::services::due::owed(p, &self.rows(p), &self.records.schedule, day)
    }

    pub(crate) fn reviews(&self, id: &PersonId) -> &[crate::entities::review::Model] {
        self.records
            .reviews
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub(crate) fn admissions(&self, id: &PersonId) -> &[admission::Model] {
        self.records
            .admissions
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub(crate) fn visits(&self, id: &PersonId) -> &[crate::entities::visit::Model] {
        self.records
            .visits
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}
