//! Recording a referral to the single point of access.

use super::*;

/// Records a referral as received, awaiting a decision, in one transaction with its audit
/// entry; its risk tool answers, when given, are scored now with the tool in force.
pub async fn create(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    input: NewReferral,
) -> Result<ReferralView, AppError> {
    let today = app.clock.today();
    let r = check_referral(&input, today)?;
    let tool = &app.policies.risk_tool;
    let scored = match &r.answers {
        Some(a) => Some(score(
            tool,
            a,
            age_on(r.date_of_birth, r.received_on).unwrap_or(0),
        )?),
        None => None,
    };
    let mut tx = audit::begin(app).await?;
    let row = referral::ActiveModel {
        id: Set(ReferralId::new()),
        received_on: Set(r.received_on),
        referrer_name: Set(r.referrer_name),
        referrer_role: Set(r.referrer_role),
        referrer_contact: Set(r.referrer_contact),
        given_name: Set(r.given_name),
        family_name: Set(r.family_name),
        date_of_birth: Set(r.date_of_birth),
        nhs_number: Set(r.nhs_number.map(|n| n.digits().to_string())),
        reason: Set(r.reason),
        mdt_held_on: Set(r.mdt_held_on),
        answers: Set(r
            .answers
            .as_ref()
            .map(|a| serde_json::to_string(a).unwrap_or_default())),
        score: Set(scored.as_ref().map(|s| s.score as i32)),
        suggested_rating: Set(scored.as_ref().map(|s| s.suggested)),
        tool_version: Set(scored.as_ref().map(|_| tool.version.clone())),
        status: Set(ReferralStatus::AwaitingDecision),
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
        Event::new("referral.create", "referral", Some(row.id.to_string())),
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

/// A new referral's fields once checked.
struct CheckedReferral {
    received_on: Date,
    referrer_name: String,
    referrer_role: String,
    referrer_contact: String,
    given_name: String,
    family_name: String,
    date_of_birth: Date,
    nhs_number: Option<NhsNumber>,
    reason: String,
    mdt_held_on: Option<Date>,
    answers: Option<BTreeMap<String, bool>>,
}

/// Checks a new referral's fields, in the order of the form, so that all the field errors come
/// back together; then that the person was born before the referral was received.
fn check_referral(input: &NewReferral, today: Date) -> Result<CheckedReferral, AppError> {
    let mut c = Check::default();
    let received_on = c.past_date(
        "received_on",
        "the date the referral was received",
        &input.received_on,
        today,
    );
    let (referrer_name, referrer_role, referrer_contact) = check_referrer(&mut c, input);
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
    let nhs_number = check_nhs_number(&mut c, input);
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
    let answers = check_answers(&mut c, input);
    c.finish()?;
    let (Some(received_on), Some(date_of_birth)) = (received_on, date_of_birth) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    if date_of_birth > received_on {
        return Err(AppError::field(
            "date_of_birth",
            "The date of birth is after the referral was received",
        ));
    }
    Ok(CheckedReferral {
        received_on,
        referrer_name,
        referrer_role,
        referrer_contact,
        given_name,
        family_name,
        date_of_birth,
        nhs_number,
        reason,
        mdt_held_on,
        answers,
    })
}

/// The referrer's name, role or agency, and contact: all three are required.
fn check_referrer(c: &mut Check, input: &NewReferral) -> (String, String, String) {
    let name = c.text(
        "referrer_name",
        "the referrer's name",
        &input.referrer_name,
        200,
    );
    let role = c.text(
        "referrer_role",
        "the referrer's role or agency",
        &input.referrer_role,
        200,
    );
    let contact = c.text(
        "referrer_contact",
        "how to contact the referrer",
        &input.referrer_contact,
        200,
    );
    (name, role, contact)
}

/// The person's NHS number, if given (a referral may come before one is known).
fn check_nhs_number(c: &mut Check, input: &NewReferral) -> Option<NhsNumber> {
    match input
        .nhs_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => NhsNumber::parse(raw)
            .map_err(|e| c.fail("nhs_number", e.message()))
            .ok(),
    }
}

/// The risk tool answers, if given: each one yes (`true`) or no (`false`).
fn check_answers(c: &mut Check, input: &NewReferral) -> Option<BTreeMap<String, bool>> {
    let raw = input.answers.as_ref()?;
    let mut parsed = BTreeMap::new();
    for (id, v) in raw {
        match v.as_bool() {
            Some(b) => {
                parsed.insert(id.clone(), b);
            }
            None => c.fail(&format!("answers.{id}"), "Answer yes (true) or no (false)"),
        }
    }
    Some(parsed)
}
