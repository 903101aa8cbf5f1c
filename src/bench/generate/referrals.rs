//! The referrals that come with a person: the accepted referral that added them, or a
//! referral about someone else (declined, or still awaiting a decision).

use super::person::{birth_date, given_name};
use super::{BY, Gen, HORIZON_DAYS};
use crate::bench::rng::{NhsNumbers, days};
use crate::bench::tool::{TOOL_VERSION, answers, answers_json, rating_of};
use crate::bench::words::{CONTACTS, DECLINE_REASONS, FAMILY, REFERRAL_REASONS, REFERRERS};
use crate::demo::{AMBER, GREEN, RED};
use crate::domain::age::age_on;
use crate::domain::ids::{PersonId, ReferralId};
use crate::domain::referral::ReferralStatus;
use crate::entities::referral;
use sea_orm::DbErr;
use time::Date;

impl Gen<'_> {
    /// About one person in five comes with a referral: 14% the accepted referral that added
    /// them, 6% a referral about someone else (declined, or still awaiting a decision).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn referrals(
        &mut self,
        pid: &PersonId,
        given: &str,
        family: &str,
        born: Date,
        nhs_number: &str,
        registered_on: Date,
        numbers: &mut NhsNumbers,
    ) -> Result<(), DbErr> {
        let today = self.today;
        let oldest = today - days(HORIZON_DAYS);
        let roll = self.rng.range(0, 99);
        if roll < 14 {
            let g = &mut self.rng;
            let received = (registered_on - days(g.range(5, 40))).max(oldest);
            let sent = registered_on + days(g.range(0, 7));
            let nhs = g.chance(80).then(|| nhs_number.to_string());
            let row = self.referral(
                given,
                family,
                born,
                nhs,
                received,
                (
                    ReferralStatus::Accepted,
                    Some(registered_on),
                    Some(pid.clone()),
                ),
                (sent <= today).then_some(sent),
            );
            self.rows.referrals.push(row);
        } else if roll < 20 {
            let g = &mut self.rng;
            let sex = g.weighted(&[("male", 62), ("female", 33), ("not_known", 5)]);
            let given = given_name(g, sex);
            let family = g.pick(&FAMILY);
            let band = g.weighted(&[((8, 17), 55), ((18, 25), 30), ((26, 45), 15)]);
            let born = birth_date(g, today, band);
            let nhs = if g.chance(50) {
                Some(numbers.take()?)
            } else {
                None
            };
            let g = &mut self.rng;
            let row = if g.chance(60) {
                let received = today - days(g.range(30, HORIZON_DAYS));
                let decided = (received + days(g.range(3, 40))).min(today);
                let sent = decided + days(g.range(0, 10));
                let sent = (sent <= today && g.chance(80)).then_some(sent);
                self.referral(
                    given,
                    family,
                    born,
                    nhs,
                    received,
                    (ReferralStatus::Declined, Some(decided), None),
                    sent,
                )
            } else {
                let received = today - days(g.range(0, 60));
                self.referral(
                    given,
                    family,
                    born,
                    nhs,
                    received,
                    (ReferralStatus::AwaitingDecision, None, None),
                    None,
                )
            };
            self.rows.referrals.push(row);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn referral(
        &mut self,
        given: &str,
        family: &str,
        born: Date,
        nhs_number: Option<String>,
        received_on: Date,
        (status, decided_on, person_id): (ReferralStatus, Option<Date>, Option<PersonId>),
        outcome_sent_on: Option<Date>,
    ) -> referral::Model {
        let g = &mut self.rng;
        let oldest = self.today - days(HORIZON_DAYS);
        let (referrer_name, referrer_role) = g.pick(REFERRERS);
        let mdt_held_on = g
            .chance(80)
            .then(|| (received_on - days(g.range(0, 30))).max(oldest));
        let scored = g.chance(70).then(|| {
            let level = g.weighted(&[(GREEN, 20), (AMBER, 40), (RED, 40)]);
            let age = age_on(born, received_on).unwrap_or(0);
            answers(g, level, age)
        });
        let decision_reason = match status {
            ReferralStatus::Declined => Some(g.pick(DECLINE_REASONS).to_string()),
            ReferralStatus::Accepted => g
                .chance(50)
                .then(|| "Meets the criteria: at risk of admission without extra support".into()),
            _ => None,
        };
        referral::Model {
            id: ReferralId::from_text(g.uuid()),
            received_on,
            referrer_name: referrer_name.into(),
            referrer_role: referrer_role.into(),
            referrer_contact: g.pick(CONTACTS).into(),
            given_name: given.into(),
            family_name: family.into(),
            date_of_birth: born,
            nhs_number,
            reason: g.pick(REFERRAL_REASONS).into(),
            mdt_held_on,
            answers: scored.as_ref().map(|(yes, _, _)| answers_json(yes)),
            score: scored.as_ref().map(|(_, s, _)| *s as i32),
            suggested_rating: scored.as_ref().map(|(_, _, l)| rating_of(*l)),
            tool_version: scored.as_ref().map(|_| TOOL_VERSION.to_string()),
            status,
            decided_on,
            decision_reason,
            decided_by: decided_on.map(|_| BY.to_string()),
            person_id,
            outcome_sent_on,
            created_by: BY.into(),
            created_at: g.at(received_on),
        }
    }
}
