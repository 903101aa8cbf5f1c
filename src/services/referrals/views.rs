//! What a referral sends and how it is shown, with the possible duplicates on the register.

use super::*;

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
    pub person_id: PersonId,
    pub name: String,
    pub nhs_number: String,
    /// `nhs_number`, or `name_and_date_of_birth`.
    pub matched_on: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReferralView {
    pub id: ReferralId,
    pub status: ReferralStatus,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub received_on: Date,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub decision_due_by: Date,
    /// Days until the decision is due; negative once overdue.
    pub days_left: i64,
    pub overdue: bool,
    pub mdt_held: bool,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub mdt_held_on: Option<Date>,
    pub referrer_name: String,
    pub referrer_role: String,
    pub referrer_contact: String,
    pub given_name: String,
    pub family_name: String,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub date_of_birth: Date,
    pub nhs_number: Option<String>,
    pub reason: String,
    pub score: Option<u32>,
    pub suggested_rating: Option<Rating>,
    pub tool_version: Option<String>,
    pub answers: Option<BTreeMap<String, bool>>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub decided_on: Option<Date>,
    pub decision_reason: Option<String>,
    pub person_id: Option<PersonId>,
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub outcome_sent_on: Option<Date>,
    pub possible_duplicates: Vec<PossibleDuplicate>,
}

pub(super) fn corrupt(what: &str) -> AppError {
    AppError::internal(format!("referral has an unknown {what}"))
}

pub(super) fn view(
    r: &referral::Model,
    days: u32,
    today: Date,
    duplicates: Vec<PossibleDuplicate>,
) -> Result<ReferralView, AppError> {
    let status = r.status;
    let due = rules::decision_due(r.received_on, days);
    let answers = match &r.answers {
        Some(json) => Some(serde_json::from_str(json).map_err(|_| corrupt("answers"))?),
        None => None,
    };
    Ok(ReferralView {
        id: r.id.clone(),
        status,
        received_on: r.received_on,
        decision_due_by: due,
        days_left: rules::days_left(due, today),
        overdue: rules::is_overdue(status, due, today),
        mdt_held: !rules::mdt_missing(r.mdt_held_on),
        mdt_held_on: r.mdt_held_on,
        referrer_name: r.referrer_name.clone(),
        referrer_role: r.referrer_role.clone(),
        referrer_contact: r.referrer_contact.clone(),
        given_name: r.given_name.clone(),
        family_name: r.family_name.clone(),
        date_of_birth: r.date_of_birth,
        nhs_number: r
            .nhs_number
            .as_deref()
            .and_then(|n| NhsNumber::parse(n).ok())
            .map(|n| n.to_string()),
        reason: r.reason.clone(),
        score: r.score.map(|s| s as u32),
        suggested_rating: r.suggested_rating,
        tool_version: r.tool_version.clone(),
        answers,
        decided_on: r.decided_on,
        decision_reason: r.decision_reason.clone(),
        person_id: r.person_id.clone(),
        outcome_sent_on: r.outcome_sent_on,
        possible_duplicates: duplicates,
    })
}

/// People already on the register who match by NHS number, or by names and date of birth.
pub(super) async fn duplicates_of(
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
        if r.person_id.as_ref() == Some(&p.id) {
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
                PersonId::default()
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
