//! What registering or editing a person sends, and its checks: every problem named by field.

use super::*;

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
    /// The NHS ethnic category's code (`A`…`S`, `Z` not stated, `99` not known); optional.
    #[schemars(with = "Option<crate::domain::ethnicity::Ethnicity>")]
    pub ethnicity: Option<String>,
    /// Defaults to the consent date; never before it.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub registered_on: Option<String>,
    #[schemars(with = "ConsentInput")]
    pub consent: Option<ConsentInput>,
}

/// The person fields as checked.
#[derive(Debug, Clone)]
pub(super) struct Details {
    pub(super) nhs_number: NhsNumber,
    pub(super) given_name: String,
    pub(super) family_name: String,
    pub(super) date_of_birth: Date,
    pub(super) sex: Sex,
    pub(super) postcode: String,
    pub(super) local_authority: String,
    pub(super) learning_disability: bool,
    pub(super) autism: bool,
    pub(super) ehcp: bool,
    pub(super) setting: Setting,
    pub(super) social_worker: Option<String>,
    /// As given, if given.
    pub(super) social_worker_from: Option<Date>,
    pub(super) keyworker: Option<String>,
    pub(super) ethnicity: Option<crate::domain::ethnicity::Ethnicity>,
}

fn check_nhs_number(c: &mut Check, given: Option<&str>) -> Option<NhsNumber> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            c.fail("nhs_number", "Enter the NHS number");
            None
        }
        Some(raw) => NhsNumber::parse(raw)
            .map_err(|e| c.fail("nhs_number", e.message()))
            .ok(),
    }
}

/// A date of birth: a real past date, and not over 120 years ago.
fn check_born(c: &mut Check, given: &Option<String>, today: Date) -> Option<Date> {
    let born = c.dated(
        "date_of_birth",
        "the date of birth",
        given,
        DateKind::Birth,
        today,
    )?;
    if age_on(born, today).is_some_and(|a| a > 120) {
        c.fail(
            "date_of_birth",
            "Check the date of birth: that is over 120 years ago",
        );
    }
    Some(born)
}

fn check_postcode(c: &mut Check, given: Option<&str>) -> Option<String> {
    let Some(raw) = given.map(str::trim).filter(|s| !s.is_empty()) else {
        c.fail("postcode", "Enter the postcode");
        return None;
    };
    let pc = normalise_postcode(raw);
    if pc.is_none() {
        c.fail("postcode", "Enter a real UK postcode, like PE1 1AA");
    }
    pc
}

pub(super) fn check_details(c: &mut Check, p: &NewPerson, today: Date) -> Option<Details> {
    let nhs = check_nhs_number(c, p.nhs_number.as_deref());
    let given_name = c.text("given_name", "the given name", &p.given_name, 100);
    let family_name = c.text("family_name", "the family name", &p.family_name, 100);
    let date_of_birth = check_born(c, &p.date_of_birth, today);
    let sex = c.choice("sex", "the sex", &p.sex, Sex::parse, Sex::choices());
    let postcode = check_postcode(c, p.postcode.as_deref());
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
    let ethnicity = check_ethnicity(c, p.ethnicity.as_deref());
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
        ethnicity,
    })
}

/// The ethnic category: optional, and by its code when given.
fn check_ethnicity(
    c: &mut Check,
    given: Option<&str>,
) -> Option<crate::domain::ethnicity::Ethnicity> {
    use crate::domain::ethnicity::Ethnicity;
    c.optional_choice("ethnicity", given, Ethnicity::parse, Ethnicity::message())
}

pub(super) fn check_consent_fields(
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
pub(super) fn consent_refused(r: consent::Refusal) -> AppError {
    AppError::ConsentRequired {
        message: r.message,
        field: r.field.to_string(),
    }
}
