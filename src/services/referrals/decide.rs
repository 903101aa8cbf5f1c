//! Deciding a referral (accepting adds the person through the consent gate in the same
//! transaction) and recording that the outcome was sent.

use super::*;

/// Accepts (adding the person through the consent gate, in the same transaction) or declines.
/// A refused consent leaves both the register and the referral untouched.
pub async fn decide(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &ReferralId,
    input: Decision,
) -> Result<ReferralView, AppError> {
    let today = app.clock.today();
    let (decided_on, outcome, reason) = check_decision(&input, today)?;
    let mut tx = audit::begin(app).await?;
    let current = find(tx.conn(), reader.scope, id).await?;
    if current.status != ReferralStatus::AwaitingDecision {
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
            first_assessment(app, &tx, actor, &current, json, &new_id, decided_on).await?;
        }
        person_id = Some(new_id);
    }
    let mut row: referral::ActiveModel = current.into();
    row.status = Set(outcome);
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

/// Checks a decision's fields before the referral is read, so that all the field errors come
/// back together: a decline needs its reason, an acceptance the person's details. Returns the
/// day decided, the outcome and the reason.
fn check_decision(
    input: &Decision,
    today: Date,
) -> Result<(Date, ReferralStatus, Option<String>), AppError> {
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
        return Err(AppError::internal("checked input incomplete"));
    };
    Ok((decided_on, outcome, reason))
}

/// Records the referral's risk tool answers (`json`) as the first assessment of the person
/// its acceptance just added, on the day it was decided, scored with the tool in force for
/// their age that day.
async fn first_assessment(
    app: &App,
    tx: &audit::AuditedTx,
    actor: &Actor,
    current: &referral::Model,
    json: &str,
    new_id: &PersonId,
    decided_on: Date,
) -> Result<(), AppError> {
    let answers: BTreeMap<String, bool> =
        serde_json::from_str(json).map_err(|_| corrupt("answers"))?;
    let added = people::view_by_id(tx.conn(), new_id, decided_on, &app.policies.schedule).await?;
    let born = added.date_of_birth;
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
        tx,
        actor,
        new_id,
        decided_on,
        &answers,
        &scored,
        scored.suggested,
        note,
        &app.policies.risk_tool.version,
    )
    .await?;
    Ok(())
}

/// Records the day the referrer and the family were told the outcome.
pub async fn outcome_sent(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &ReferralId,
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
        return Err(AppError::internal("checked input incomplete"));
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
