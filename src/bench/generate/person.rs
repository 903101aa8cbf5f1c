//! Who one synthetic person is: their identity, circumstances and consent, and the person row;
//! then [`Gen::person`] goes on to their history, reviews and referrals.

use super::{BY, Course, Gen, HISTORY_DAYS, HORIZON_DAYS};
use crate::bench::rng::{NhsNumbers, Rng, days};
use crate::bench::words::{CLOSED_REASONS, FAMILY, FEMALE, MALE, UNISEX, WITHDRAWN_REASONS};
use crate::demo::words::{
    ADULT_SETTINGS, CAMBS_CB, CAMBS_PE, CHILD_SETTINGS, FATHERS, INWARD_LETTERS, KEYWORKERS,
    MOTHERS, PBORO_PE, SOCIAL_WORKERS,
};
use crate::domain::age::age_on;
use crate::domain::consent::ConsentBasis;
use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::entities::{consent, person};
use sea_orm::DbErr;
use time::Date;

/// Who the person is, drawn first: their name, age, when they joined and whether (and when)
/// they left.
struct Identity {
    id: PersonId,
    nhs_number: String,
    sex: &'static str,
    given: &'static str,
    family: &'static str,
    born: Date,
    registered_on: Date,
    status: Status,
    /// The day they left, or today.
    end: Date,
}

/// Where and how the person lives, and who supports them.
struct Circumstances {
    local_authority: &'static str,
    postcode: String,
    learning_disability: bool,
    autism: bool,
    setting: &'static str,
    ehcp: bool,
    social_worker: Option<String>,
    keyworker: Option<String>,
}

impl Gen<'_> {
    pub(super) fn person(&mut self, numbers: &mut NhsNumbers) -> Result<(), DbErr> {
        let today = self.today;
        let who = self.identity(numbers)?;
        let mut about = self.circumstances(who.born);
        let consent = consent_row(
            &mut self.rng,
            &who.id,
            who.born,
            who.registered_on,
            who.family,
            about.setting,
            about.local_authority,
        );
        self.rows.consents.push(consent);

        // The rating history: 1–6 events in [window, end].
        let window = who.registered_on.max(today - days(HISTORY_DAYS));
        let course = self.course(who.status, window, who.end);
        if course == Course::InHospital && self.rng.chance(50) {
            about.setting = "hospital";
        }
        let ehcp = about.ehcp;
        let row = self.person_row(&who, about);
        self.rows.people.push(row);

        let stay = self.history(&who.id, who.born, course, window, who.end);
        self.reviews(
            &who.id,
            who.born,
            ehcp,
            who.registered_on,
            who.status,
            who.end,
            stay.as_ref(),
        );
        self.referrals(
            &who.id,
            who.given,
            who.family,
            who.born,
            &who.nhs_number,
            who.registered_on,
            numbers,
        )?;
        Ok(())
    }

    fn identity(&mut self, numbers: &mut NhsNumbers) -> Result<Identity, DbErr> {
        let today = self.today;
        let g = &mut self.rng;
        let id = PersonId::from_text(g.uuid());
        let nhs_number = numbers.take()?;
        let sex = g.weighted(&[
            ("male", 62),
            ("female", 33),
            ("indeterminate", 2),
            ("not_known", 3),
        ]);
        let given = given_name(g, sex);
        let family = g.pick(&FAMILY);
        // Ages today: a fifth 8–13, three tenths 14–17, three tenths 18–25, a fifth 26–45.
        let band = g.weighted(&[
            ((8, 13), 20),
            ((14, 17), 30),
            ((18, 25), 30),
            ((26, 45), 20),
        ]);
        let born = birth_date(g, today, band);
        let registered_on = today - days(g.range(3, HORIZON_DAYS - 45));

        // 1% consent withdrawn, 3% closed, the rest active.
        let fate = g.range(0, 999);
        // Left within the last two years (so inside the history window), a month or more after
        // joining where there has been a month.
        let left_from = (registered_on + days(30).min(today - registered_on))
            .max(today - days(HISTORY_DAYS - 30));
        let last_day = g.day(left_from, today);
        let (status, end) = match fate {
            0..=9 => (Status::Withdrawn, last_day),
            10..=39 => (Status::Closed, last_day),
            _ => (Status::Active, today),
        };
        Ok(Identity {
            id,
            nhs_number,
            sex,
            given,
            family,
            born,
            registered_on,
            status,
            end,
        })
    }

    fn circumstances(&mut self, born: Date) -> Circumstances {
        let g = &mut self.rng;
        let age = age_on(born, self.today).unwrap_or(0);
        let child = age < 18;
        let local_authority = if g.chance(55) {
            "Cambridgeshire"
        } else {
            "Peterborough"
        };
        let postcode = postcode(g, local_authority);
        let (learning_disability, autism) =
            g.weighted(&[((true, false), 30), ((false, true), 35), ((true, true), 35)]);
        let setting = g.weighted(if child {
            CHILD_SETTINGS
        } else {
            ADULT_SETTINGS
        });
        let ehcp = age < 26 && g.chance(if child { 70 } else { 45 });
        let social_worker = g
            .chance(if child { 80 } else { 55 })
            .then(|| g.pick(SOCIAL_WORKERS).to_string());
        let keyworker = g.chance(55).then(|| g.pick(KEYWORKERS).to_string());
        Circumstances {
            local_authority,
            postcode,
            learning_disability,
            autism,
            setting,
            ehcp,
            social_worker,
            keyworker,
        }
    }

    /// Whether the person stays in the community, is in hospital today, or has been discharged.
    fn course(&mut self, status: Status, window: Date, end: Date) -> Course {
        let span = (end - window).whole_days();
        let roll = self.rng.range(0, 99);
        if status == Status::Active && span >= 20 && roll < 6 {
            Course::InHospital
        } else if span >= 60 && roll < 10 {
            Course::Discharged
        } else {
            Course::Community
        }
    }

    fn person_row(&mut self, who: &Identity, about: Circumstances) -> person::Model {
        let g = &mut self.rng;
        let (status, end) = (who.status, who.end);
        let created_at = g.at(who.registered_on);
        let ended_at = g.at(end);
        let (closed_on, closed_reason) = match status {
            Status::Closed => (Some(end), Some(g.pick(CLOSED_REASONS).to_string())),
            _ => (None, None),
        };
        let (withdrawn_on, withdrawn_reason, withdrawn_at) = match status {
            Status::Withdrawn => (
                Some(end),
                Some(g.pick(WITHDRAWN_REASONS).to_string()),
                Some(ended_at),
            ),
            _ => (None, None, None),
        };
        let updated_at = if status == Status::Active {
            created_at
        } else {
            ended_at
        };
        let (given, family) = (who.given, who.family);
        person::Model {
            id: who.id.clone(),
            nhs_number: who.nhs_number.clone(),
            given_name: given.into(),
            family_name: family.into(),
            date_of_birth: who.born,
            sex: crate::domain::person::Sex::parse(who.sex)
                .expect("the generator's sexes are the vocabulary's"),
            postcode: about.postcode,
            local_authority: about.local_authority.into(),
            learning_disability: about.learning_disability,
            autism: about.autism,
            ehcp: about.ehcp,
            social_worker_from: about.social_worker.as_ref().map(|_| who.registered_on),
            social_worker: about.social_worker,
            keyworker: about.keyworker,
            ethnicity: None,
            setting: crate::domain::person::Setting::parse(about.setting)
                .expect("the generator's settings are the vocabulary's"),
            status,
            registered_on: who.registered_on,
            closed_on,
            closed_reason,
            withdrawn_on,
            withdrawn_reason,
            withdrawn_at,
            inpatient_only_from: None,
            objects_since: None,
            search_key: Some(crate::domain::search::key(given, family, &who.nhs_number)),
            sort_name: Some(crate::domain::search::sort_name(given, family)),
            created_at,
            updated_at,
        }
    }
}

pub(super) fn given_name(g: &mut Rng, sex: &str) -> &'static str {
    match sex {
        "male" => g.pick(&MALE),
        "female" => g.pick(&FEMALE),
        _ => g.pick(&UNISEX),
    }
}

/// A date of birth making the person an age within `band` (years) on `today`.
pub(super) fn birth_date(g: &mut Rng, today: Date, band: (i64, i64)) -> Date {
    let years = g.range(band.0, band.1);
    let anniversary = Date::from_calendar_date(
        today.year() - years as i32,
        today.month(),
        today.day().min(28),
    )
    .unwrap_or(today - days(years * 365));
    anniversary - days(g.range(0, 360))
}

fn postcode(g: &mut Rng, local_authority: &str) -> String {
    let outward = if local_authority == "Peterborough" {
        format!("PE{}", g.pick(PBORO_PE))
    } else if g.chance(75) {
        format!("CB{}", g.pick(CAMBS_CB))
    } else {
        format!("PE{}", g.pick(CAMBS_PE))
    };
    let digit = g.range(0, 9);
    let a = char::from(g.pick(INWARD_LETTERS));
    let b = char::from(g.pick(INWARD_LETTERS));
    format!("{outward} {digit}{a}{b}")
}

/// A consent valid for the person's age on `on` (see `domain::consent`).
fn consent_row(
    g: &mut Rng,
    pid: &PersonId,
    born: Date,
    on: Date,
    family: &str,
    setting: &str,
    local_authority: &str,
) -> consent::Model {
    let age = age_on(born, on).unwrap_or(0);
    let mut c = consent::Model {
        id: g.uuid(),
        person_id: pid.clone(),
        basis: ConsentBasis::SelfConsent,
        recorded_on: on,
        given_by: None,
        relationship: None,
        gillick_competent: false,
        capacity_assessed_on: None,
        best_interests_decision_on: None,
        recorded_by: BY.into(),
        recorded_at: g.at(on),
    };
    if age < 16 {
        if age >= 12 && g.chance(20) {
            c.gillick_competent = true;
        } else if setting == "foster_care" || setting == "residential_care" {
            c.basis = ConsentBasis::Parental;
            c.given_by = Some(match local_authority {
                "Peterborough" => "Peterborough City Council".into(),
                _ => "Cambridgeshire County Council".into(),
            });
            c.relationship = Some("local authority (care order)".into());
        } else {
            c.basis = ConsentBasis::Parental;
            let (parents, relationship) = g.weighted(&[
                ((MOTHERS, "mother"), 55),
                ((FATHERS, "father"), 25),
                ((MOTHERS, "adoptive mother"), 8),
                ((MOTHERS, "special guardian (grandmother)"), 12),
            ]);
            c.given_by = Some(format!("{} {family}", g.pick(parents)));
            c.relationship = Some(relationship.into());
        }
    } else if g.chance(35) {
        // Lacks capacity: assessed, then a best-interests meeting, neither after the consent
        // and neither before the 16th birthday.
        let sixteenth = Date::from_calendar_date(born.year() + 16, born.month(), born.day())
            .unwrap_or(born + days(16 * 365 + 4));
        let assessed = (on - days(g.range(5, 40))).max(sixteenth).min(on);
        let decided = g.day(assessed, on);
        c.basis = ConsentBasis::BestInterests;
        c.capacity_assessed_on = Some(assessed);
        c.best_interests_decision_on = Some(decided);
    }
    c
}
