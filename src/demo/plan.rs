//! The plan: pure, so the same seed always gives the same register (relative to today). Who
//! each demo person is (`Context::person`) and their consent; their history is drawn in
//! `history`.

use super::rng::Rng;
use super::words::{
    ADULT_SETTINGS, CAMBS_CB, CAMBS_PE, CHILD_SETTINGS, FAMILY, FATHERS, FEMALE, INWARD_LETTERS,
    KEYWORKERS, MALE, MOTHERS, PBORO_PE, SOCIAL_WORKERS, UNISEX,
};
use super::{DISCHARGED, IN_HOSPITAL, PEOPLE, SEED, VISITED};
use crate::domain::age::age_on;
use crate::domain::nhs_number::NhsNumber;
use crate::domain::risk::{Rating, RiskTool};
use crate::services::people::{ConsentInput, NewPerson};
use std::collections::{BTreeMap, HashSet};
use time::{Date, Duration};

/// One person to add, and their history in date order.
pub(super) struct Planned {
    pub(super) input: NewPerson,
    pub(super) steps: Vec<Step>,
}

pub(super) enum Step {
    Assess {
        on: Date,
        answers: BTreeMap<String, bool>,
        /// An override of the suggestion (with its reason), or `None` to accept it.
        rating: Option<Rating>,
        reason: Option<&'static str>,
    },
    Admit {
        on: Date,
        hospital: &'static str,
        security_level: &'static str,
        legal_status: &'static str,
        planned_discharge_on: Option<Date>,
    },
    Visit {
        on: Date,
        visitor: &'static str,
    },
    Discharge {
        on: Date,
        destination: &'static str,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Course {
    /// Lives in the community throughout.
    Community,
    /// In hospital now; `visited` when a commissioner oversight visit has been recorded.
    InHospital { visited: bool },
    /// Was admitted, and discharged at least 20 days ago.
    Discharged,
}

/// A rating to aim an assessment at: 0 green, 1 amber, 2 red.
pub(crate) type Level = i64;

pub(crate) const GREEN: Level = 0;
pub(crate) const AMBER: Level = 1;
pub(crate) const RED: Level = 2;

/// Cycles through a list of names so that each is used before any repeats.
struct Cycle {
    next: usize,
}

impl Cycle {
    fn take(&mut self, names: &[&'static str]) -> &'static str {
        let name = names[self.next % names.len()];
        self.next += 1;
        name
    }
}

/// The whole demo register, relative to `today`.
pub(super) fn plan(today: Date, tool: &RiskTool, red_days: u32) -> Vec<Planned> {
    let mut rng = Rng(SEED);
    let mut courses = vec![Course::Community; PEOPLE];
    let mut order: Vec<usize> = (0..PEOPLE).collect();
    rng.shuffle(&mut order);
    for (n, &i) in order.iter().enumerate() {
        courses[i] = if n < IN_HOSPITAL {
            Course::InHospital {
                visited: n < VISITED,
            }
        } else if n < IN_HOSPITAL + DISCHARGED {
            Course::Discharged
        } else {
            Course::Community
        };
    }
    let mut ctx = Context {
        rng,
        today,
        tool,
        red_days: i64::from(red_days),
        female: Cycle { next: 0 },
        male: Cycle { next: 0 },
        unisex: Cycle { next: 0 },
        numbers: HashSet::new(),
        names: HashSet::new(),
    };
    // Ages today: a fifth 8–13, three tenths 14–17, three tenths 18–25, a fifth 26–45.
    let mut bands = vec![(14, 17); PEOPLE];
    let quotas = [((8, 13), 20), ((18, 25), 30), ((26, 45), 20)];
    let mut n = 0;
    for (band, percent) in quotas {
        for _ in 0..PEOPLE * percent / 100 {
            bands[n] = band;
            n += 1;
        }
    }
    ctx.rng.shuffle(&mut bands);
    courses
        .into_iter()
        .zip(bands)
        .map(|(c, band)| ctx.person(c, band))
        .collect()
}

/// What the plan is drawn with: the generator, today, the risk tool, and what has been used.
pub(super) struct Context<'a> {
    pub(super) rng: Rng,
    pub(super) today: Date,
    pub(super) tool: &'a RiskTool,
    pub(super) red_days: i64,
    female: Cycle,
    male: Cycle,
    unisex: Cycle,
    numbers: HashSet<String>,
    names: HashSet<(String, String)>,
}

impl Context<'_> {
    pub(super) fn days_ago(&self, n: i64) -> Date {
        self.today - Duration::days(n)
    }

    fn nhs_number(&mut self) -> NhsNumber {
        loop {
            let mut digits = [9u8, 9, 9, 0, 0, 0, 0, 0, 0];
            for d in digits.iter_mut().skip(3) {
                *d = self.rng.range(0, 9) as u8;
            }
            // Some prefixes admit no valid number (their check digit would be 10): skip them.
            if let Some(n) = NhsNumber::from_first_nine(digits)
                && self.numbers.insert(n.digits().to_string())
            {
                return n;
            }
        }
    }

    /// A date of birth making the person an age within `band` today.
    fn date_of_birth(&mut self, band: (i64, i64)) -> Date {
        let years = self.rng.range(band.0, band.1);
        // `years` ago today (the 28th at the latest, so the day exists in every month), less
        // under a year: exactly `years` old today.
        let anniversary = Date::from_calendar_date(
            self.today.year() - years as i32,
            self.today.month(),
            self.today.day().min(28),
        )
        .unwrap_or(self.today - Duration::days(years * 365));
        anniversary - Duration::days(self.rng.range(0, 360))
    }

    fn postcode(&mut self, local_authority: &str) -> String {
        let outward = if local_authority == "Peterborough" {
            format!("PE{}", self.rng.pick(PBORO_PE))
        } else if self.rng.chance(75) {
            format!("CB{}", self.rng.pick(CAMBS_CB))
        } else {
            format!("PE{}", self.rng.pick(CAMBS_PE))
        };
        let digit = self.rng.range(0, 9);
        let a = char::from(self.rng.pick(INWARD_LETTERS));
        let b = char::from(self.rng.pick(INWARD_LETTERS));
        format!("{outward} {digit}{a}{b}")
    }

    fn person(&mut self, course: Course, band: (i64, i64)) -> Planned {
        let sex = self.rng.weighted(&[
            ("male", 62),
            ("female", 33),
            ("indeterminate", 2),
            ("not_known", 3),
        ]);
        let (given, family) = self.name(sex);
        let nhs = self.nhs_number();
        let born = self.date_of_birth(band);
        let age = age_on(born, self.today).unwrap_or(0);
        let child = age < 18;
        let local_authority = if self.rng.chance(55) {
            "Cambridgeshire"
        } else {
            "Peterborough"
        };
        let postcode = self.postcode(local_authority);
        let (learning_disability, autism) =
            self.rng
                .weighted(&[((true, false), 30), ((false, true), 35), ((true, true), 35)]);
        let setting = self.setting(child);
        let ehcp = age < 26 && self.rng.chance(if child { 70 } else { 45 });
        let social_worker = self
            .rng
            .chance(if child { 80 } else { 55 })
            .then(|| self.rng.pick(SOCIAL_WORKERS).to_string());
        let keyworker = self
            .rng
            .chance(55)
            .then(|| self.rng.pick(KEYWORKERS).to_string());

        let (consent_ago, steps) = self.history(course, born);
        let consent_on = self.days_ago(consent_ago);
        let consent = self.consent(born, consent_on, family, setting, local_authority);
        Planned {
            input: NewPerson {
                nhs_number: Some(nhs.digits().to_string()),
                given_name: Some(given.into()),
                family_name: Some(family.into()),
                date_of_birth: Some(born.to_string()),
                sex: Some(sex.into()),
                postcode: Some(postcode),
                local_authority: Some(local_authority.into()),
                learning_disability: Some(learning_disability),
                autism: Some(autism),
                ehcp: Some(ehcp),
                setting: Some(setting.into()),
                social_worker,
                social_worker_from: None,
                keyworker,
                // From the number, not the generator, so that the rest of the demo is unchanged.
                ethnicity: Some(
                    DEMO_ETHNICITIES
                        [usize::from(nhs.digits().as_bytes()[8]) % DEMO_ETHNICITIES.len()]
                    .into(),
                ),
                registered_on: None,
                consent: Some(consent),
            },
            steps,
        }
    }

    /// A name not given to anyone before: the first names taken in turn, the family name drawn.
    fn name(&mut self, sex: &str) -> (&'static str, &'static str) {
        loop {
            let given = match sex {
                "male" => self.male.take(MALE),
                "female" => self.female.take(FEMALE),
                _ => self.unisex.take(UNISEX),
            };
            let family = self.rng.pick(FAMILY);
            if self.names.insert((given.into(), family.into())) {
                return (given, family);
            }
        }
    }

    /// Where a child or an adult lives.
    fn setting(&mut self, child: bool) -> &'static str {
        self.rng.weighted(if child {
            CHILD_SETTINGS
        } else {
            ADULT_SETTINGS
        })
    }

    /// A consent valid for the person's age on `on`.
    fn consent(
        &mut self,
        born: Date,
        on: Date,
        family: &str,
        setting: &str,
        local_authority: &str,
    ) -> ConsentInput {
        let age = age_on(born, on).unwrap_or(0);
        let mut c = ConsentInput {
            recorded_on: Some(on.to_string()),
            ..Default::default()
        };
        if age < 16 {
            if age >= 12 && self.rng.chance(20) {
                c.basis = Some("self".into());
                c.gillick_competent = Some(true);
            } else if setting == "foster_care" || setting == "residential_care" {
                c.basis = Some("parental".into());
                c.given_by = Some(match local_authority {
                    "Peterborough" => "Peterborough City Council".into(),
                    _ => "Cambridgeshire County Council".into(),
                });
                c.relationship = Some("local authority (care order)".into());
            } else {
                c.basis = Some("parental".into());
                let (parent, relationship) = self.rng.weighted(&[
                    ((MOTHERS, "mother"), 55),
                    ((FATHERS, "father"), 25),
                    ((MOTHERS, "adoptive mother"), 8),
                    ((MOTHERS, "special guardian (grandmother)"), 12),
                ]);
                c.given_by = Some(format!("{} {family}", self.rng.pick(parent)));
                c.relationship = Some(relationship.into());
            }
        } else if self.rng.chance(35) {
            // Lacks capacity to consent: assessed, then a best-interests meeting, both before.
            let sixteenth = self.sixteenth_birthday(born);
            let mut assessed = on - Duration::days(self.rng.range(5, 40));
            if assessed < sixteenth {
                assessed = on;
            }
            let gap = (on - assessed).whole_days();
            let decided = assessed + Duration::days(self.rng.range(0, gap));
            c.basis = Some("best_interests".into());
            c.capacity_assessed_on = Some(assessed.to_string());
            c.best_interests_decision_on = Some(decided.to_string());
        } else {
            c.basis = Some("self".into());
        }
        c
    }

    pub(super) fn sixteenth_birthday(&self, born: Date) -> Date {
        // 29 February birthdays fall on 1 March in a common year (as `age_on` counts them).
        Date::from_calendar_date(born.year() + 16, born.month(), born.day())
            .unwrap_or_else(|_| born + Duration::days(16 * 365 + 4))
    }
}

/// The ethnic categories the demo's people are given (mostly White British, as in the region).
const DEMO_ETHNICITIES: &[&str] = &["A", "A", "A", "A", "C", "D", "H", "J", "N", "M", "Z"];
