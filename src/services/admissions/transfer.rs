//! Transfers between hospitals. An admission row is a **spell**: from admission to discharge,
//! whatever moves it holds. A transfer ends the current **episode** (the stay in one hospital)
//! and starts the next in the same spell, without a discharge: no red rating after it, no new
//! post-admission review, the length of stay counted from the spell's start, the visits and
//! reviews carried on. The episode ended is kept as a revision of the spell (its hospital,
//! security level and legal status until the transfer day), so a return as at an earlier day
//! reads the hospital they were in then.

use super::change::{check_changeable, keep_as_revision};
use super::{AdmissionView, check_ods_code, find_stay, stored_items, view_of};
use crate::domain::ids::StayId;
use crate::domain::inpatients::StayItems;
use crate::domain::person::{LegalStatus, SecurityLevel};
use crate::entities::{admission, admission_revision};
use crate::error::AppError;
use crate::services::audit::{self, Event};
use crate::services::input::Check;
use crate::services::people::Reader;
use crate::services::{Actor, App};
use sea_orm::{ActiveModelTrait, Set};
use serde::{Deserialize, Serialize};
use time::Date;

/// The body of `POST /api/v1/admissions/{id}/transfer`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct Transfer {
    /// The day they moved: not in the future, not before the spell or its latest change.
    #[schemars(with = "crate::services::schema::Day")]
    pub transferred_on: Option<String>,
    /// The hospital they moved to.
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub hospital: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Text<10>>")]
    pub hospital_ods_code: Option<String>,
    #[schemars(with = "SecurityLevel")]
    pub security_level: Option<String>,
    #[schemars(with = "LegalStatus")]
    pub legal_status: Option<String>,
}

/// One episode of a spell: its stay in one hospital.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct EpisodeView {
    pub id: StayId,
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub started_on: Date,
    /// The day a transfer (or the discharge) ended it; none while it runs.
    #[serde(with = "crate::domain::dates::iso::option")]
    #[schemars(with = "Option<String>")]
    pub ended_on: Option<Date>,
    pub hospital: String,
    pub hospital_ods_code: Option<String>,
}

/// A spell's episodes in order, from its revisions (each holds the values until a change or a
/// transfer, oldest first) and its row (the episode running now, or the last).
pub(super) fn episodes(
    stay: &admission::Model,
    revisions: &[admission_revision::Model],
) -> Vec<EpisodeView> {
    // Each revision's values held until its day; the row's until the discharge.
    let held = revisions
        .iter()
        .map(|r| {
            (
                &r.episode_id,
                &r.hospital,
                &r.hospital_ods_code,
                Some(r.effective_on),
            )
        })
        .chain(std::iter::once((
            &stay.episode_id,
            &stay.hospital,
            &stay.hospital_ods_code,
            stay.discharged_on,
        )));
    let mut out: Vec<EpisodeView> = Vec::new();
    for (id, hospital, code, until) in held {
        match out.last_mut() {
            Some(last) if &last.id == id => {
                // The same episode changed (or was corrected): its latest values count.
                last.hospital.clone_from(hospital);
                last.hospital_ods_code.clone_from(code);
                last.ended_on = until;
            }
            _ => {
                let started_on = out
                    .last()
                    .and_then(|e| e.ended_on)
                    .unwrap_or(stay.admitted_on);
                out.push(EpisodeView {
                    id: id.clone(),
                    started_on,
                    ended_on: until,
                    hospital: hospital.clone(),
                    hospital_ods_code: code.clone(),
                });
            }
        }
    }
    out
}

/// A transfer's fields once checked.
struct Checked {
    on: Date,
    hospital: String,
    ods_code: Option<String>,
    security: SecurityLevel,
    legal: LegalStatus,
}

fn check(input: &Transfer, today: Date) -> Result<Checked, AppError> {
    let mut c = Check::default();
    let on = c.past_date(
        "transferred_on",
        "the day of the transfer",
        &input.transferred_on,
        today,
    );
    let hospital = c.text(
        "hospital",
        "the hospital they moved to",
        &input.hospital,
        200,
    );
    let ods_code = check_ods_code(&mut c, &input.hospital_ods_code);
    let security = c.choice(
        "security_level",
        "the security level",
        &input.security_level,
        SecurityLevel::parse,
        SecurityLevel::choices(),
    );
    let legal = c.choice(
        "legal_status",
        "the legal status",
        &input.legal_status,
        LegalStatus::parse,
        LegalStatus::choices(),
    );
    c.finish()?;
    let (Some(on), Some(security), Some(legal)) = (on, security, legal) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    Ok(Checked {
        on,
        hospital,
        ods_code,
        security,
        legal,
    })
}

/// Records a transfer of an open spell to another hospital, in one transaction with its audit
/// entry: the new episode is the spell's from the transfer day. Returns the spell as it now
/// stands (its `id` the new episode's, its `spell_id` unchanged).
pub async fn transfer(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    admission_id: &StayId,
    input: Transfer,
) -> Result<AdmissionView, AppError> {
    let t = check(&input, app.clock.today())?;
    let mut tx = audit::begin(app).await?;
    let stay = find_stay(tx.conn(), reader, admission_id).await?;
    if stay.discharged_on.is_some() {
        return Err(AppError::Conflict(
            "This stay has ended with a discharge: record a new admission instead.".into(),
        ));
    }
    check_changeable(tx.conn(), &stay, ("transferred_on", "the transfer"), t.on).await?;
    if t.hospital.eq_ignore_ascii_case(&stay.hospital) && t.ods_code == stay.hospital_ods_code {
        return Err(AppError::field(
            "hospital",
            "That is the hospital they are in: record a change of security level or legal status instead",
        ));
    }
    keep_as_revision(&tx, &stay, t.on).await?;
    let person_id = stay.person_id.clone();
    let from = stay.episode_id.clone();
    let episode = StayId::new();
    // The new hospital's provider and CQC rating are its own; a planned transfer has happened.
    let items = StayItems {
        provider: None,
        cqc_rating: None,
        cqc_notified_on: None,
        planned_transfer_on: None,
        ..stored_items(&stay)?
    };
    let mut row: admission::ActiveModel = stay.into();
    row.items = Set(items.to_stored());
    row.hospital = Set(t.hospital);
    row.hospital_ods_code = Set(t.ods_code);
    row.security_level = Set(t.security);
    row.legal_status = Set(t.legal);
    row.episode_id = Set(episode.clone());
    row.episode_started_on = Set(t.on);
    let updated = row.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::person("admission.transfer", &person_id).detail(serde_json::json!({
            "admission_id": updated.id,
            "from_episode": from,
            "episode": episode,
            "transferred_on": t.on.to_string(),
        })),
    )
    .await?;
    let view = view_of(tx.conn(), reader.scope, &updated).await?;
    tx.commit().await?;
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn stay() -> admission::Model {
        admission::Model {
            id: StayId::from_text("s"),
            person_id: crate::domain::ids::PersonId::from_text("p"),
            admitted_on: date!(2026 - 01 - 10),
            hospital: "Cavell Centre".into(),
            hospital_ods_code: Some("RT1AB".into()),
            episode_id: StayId::from_text("e3"),
            episode_started_on: date!(2026 - 03 - 01),
            security_level: SecurityLevel::Low,
            legal_status: LegalStatus::Section3,
            planned_discharge_on: None,
            discharged_on: None,
            destination: None,
            items: None,
            recorded_by: "x".into(),
            recorded_at: datetime!(2026-01-10 09:00 UTC),
        }
    }

    fn revision(episode: &str, hospital: &str, until: Date) -> admission_revision::Model {
        admission_revision::Model {
            id: format!("r-{until}"),
            admission_id: StayId::from_text("s"),
            valid_until: datetime!(2026-03-01 09:00 UTC),
            effective_on: until,
            episode_id: StayId::from_text(episode),
            hospital: hospital.into(),
            hospital_ods_code: None,
            security_level: SecurityLevel::Medium,
            legal_status: LegalStatus::Section3,
            planned_discharge_on: None,
            items: None,
        }
    }

    /// Two transfers and a change within the first episode: three episodes, each from the day
    /// the one before it ended, the first from the admission.
    #[test]
    fn a_spells_episodes_from_its_revisions() {
        let revisions = [
            revision("s", "Fens Unit", date!(2026 - 01 - 20)),
            revision("s", "Fens Unit", date!(2026 - 02 - 01)),
            revision("e2", "Oak Ward", date!(2026 - 03 - 01)),
        ];
        let got = episodes(&stay(), &revisions);
        let days: Vec<(&str, Date, Option<Date>, &str)> = got
            .iter()
            .map(|e| (e.id.as_str(), e.started_on, e.ended_on, e.hospital.as_str()))
            .collect();
        assert_eq!(
            days,
            [
                (
                    "s",
                    date!(2026 - 01 - 10),
                    Some(date!(2026 - 02 - 01)),
                    "Fens Unit"
                ),
                (
                    "e2",
                    date!(2026 - 02 - 01),
                    Some(date!(2026 - 03 - 01)),
                    "Oak Ward"
                ),
                ("e3", date!(2026 - 03 - 01), None, "Cavell Centre"),
            ]
        );
        // A spell never transferred is one episode: itself.
        let mut one = stay();
        one.episode_id = one.id.clone();
        assert_eq!(episodes(&one, &[]).len(), 1);
    }
}
