//! The demo's referrals: some awaiting a decision, one about someone already on the register,
//! and one declined with the outcome sent.

use crate::entities::person;
use crate::error::AppError;
use crate::services::people::Reader;
use crate::services::referrals::{self, Decision, NewReferral, OutcomeSent};
use crate::services::{Actor, App};
use sea_orm::EntityTrait;
use std::collections::BTreeMap;
use time::Date;

/// Referrer, their role, given and family name, age in years, received (days ago), MDT held
/// (days ago), the risk tool's answers and the reason.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    Option<i64>,
    Option<BTreeMap<String, serde_json::Value>>,
    &'static str,
);

/// A handful of referrals in every state: awaiting (one overdue, one due soon, one without an
/// MDT), one matching someone already on the register, one declined with the outcome sent.
pub(super) async fn seed_referrals(
    app: &App,
    actor: &Actor,
    reader: &Reader,
) -> Result<(), AppError> {
    let today = app.clock.today();
    let existing = person::Entity::find().one(&app.db).await?;
    for case in awaiting(app) {
        referrals::create(app, actor, reader, new_referral(today, case)).await?;
    }
    if let Some(p) = existing {
        referrals::create(
            app,
            actor,
            reader,
            NewReferral {
                received_on: day(today, 1),
                referrer_name: Some("Dr Amir Patel".into()),
                referrer_role: Some("GP".into()),
                referrer_contact: Some("surgery reception".into()),
                given_name: Some(p.given_name.clone()),
                family_name: Some(p.family_name.clone()),
                date_of_birth: Some(p.date_of_birth.to_string()),
                nhs_number: None,
                reason: Some("Re-referral after a crisis at the weekend.".into()),
                mdt_held_on: None,
                answers: None,
            },
        )
        .await?;
    }
    declined(app, actor, reader, today).await
}

/// `ago` days before `today`, as a form gives it.
fn day(today: Date, ago: i64) -> Option<String> {
    Some((today - time::Duration::days(ago)).to_string())
}

/// The risk tool's answers: yes to the questions in `yes`, no to the rest.
fn answers(app: &App, yes: &[&str]) -> Option<BTreeMap<String, serde_json::Value>> {
    Some(
        app.policies
            .risk_tool
            .questions
            .iter()
            .map(|q| {
                (
                    q.id.clone(),
                    serde_json::json!(yes.contains(&q.id.as_str())),
                )
            })
            .collect(),
    )
}

/// The referrals awaiting a decision.
fn awaiting(app: &App) -> [Case; 4] {
    [
        (
            "Dr Helen Price",
            "Consultant psychiatrist, CAMHS",
            "Aoife",
            "Kelly",
            15,
            33,
            Some(40),
            answers(
                app,
                &[
                    "mh_unstable",
                    "behaviour_challenges",
                    "unstable_environment",
                    "crisis_last_month",
                ],
            ),
            "Three A&E attendances this month; residential school placement ending.",
        ),
        (
            "Mark Ellis",
            "Social worker, Peterborough City Council",
            "Tomasz",
            "Nowak",
            19,
            20,
            Some(22),
            answers(
                app,
                &[
                    "behaviour_challenges",
                    "placement_breakdown",
                    "carers_not_coping",
                ],
            ),
            "Supported living provider has given notice.",
        ),
        (
            "Janet Hughes",
            "Mother",
            "Oliver",
            "Hughes",
            11,
            5,
            None,
            None,
            "We cannot keep him safe at home any more and need help.",
        ),
        (
            "Sarah Lin",
            "SENCo, Fenland Academy",
            "Grace",
            "Okoro",
            13,
            2,
            Some(3),
            answers(app, &["mh_unstable", "transition"]),
            "Struggling with the move to secondary school; parents worried.",
        ),
    ]
}

fn new_referral(today: Date, case: Case) -> NewReferral {
    let (referrer, role, given, family, age, received_ago, mdt_ago, answers, reason) = case;
    let born = today - time::Duration::days(365 * age + 40);
    NewReferral {
        received_on: day(today, received_ago),
        referrer_name: Some(referrer.into()),
        referrer_role: Some(role.into()),
        referrer_contact: Some("via the single point of access mailbox".into()),
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        date_of_birth: Some(born.to_string()),
        nhs_number: None,
        reason: Some(reason.into()),
        mdt_held_on: mdt_ago.and_then(|ago| day(today, ago)),
        answers,
    }
}

/// A referral declined, with the outcome sent the next day.
async fn declined(app: &App, actor: &Actor, reader: &Reader, today: Date) -> Result<(), AppError> {
    let declined = referrals::create(
        app,
        actor,
        reader,
        NewReferral {
            received_on: day(today, 45),
            referrer_name: Some("Community nurse".into()),
            referrer_role: Some("Learning disability nursing team".into()),
            referrer_contact: Some("ld.team@example.nhs.uk".into()),
            given_name: Some("Ellis".into()),
            family_name: Some("Marsh".into()),
            date_of_birth: Some((today - time::Duration::days(365 * 34)).to_string()),
            nhs_number: None,
            reason: Some("Worsening anxiety.".into()),
            mdt_held_on: day(today, 50),
            answers: None,
        },
    )
    .await?;
    referrals::decide(app, actor, reader, &declined.id, Decision {
        decided_on: day(today, 30),
        outcome: Some("declined".into()),
        reason: Some("Not at risk of admission: needs met by the community learning disability team, who will follow up.".into()),
        person: None,
    })
    .await?;
    referrals::outcome_sent(
        app,
        actor,
        reader,
        &declined.id,
        OutcomeSent {
            sent_on: day(today, 29),
        },
    )
    .await?;
    Ok(())
}
