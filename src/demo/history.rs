//! A demo person's history, in date order: risk assessments whose answers suggest the rating
//! aimed at (now and then overridden), admissions, oversight visits and discharges.

use super::plan::{AMBER, Context, Course, GREEN, Level, RED, Step};
use super::words::{DESTINATIONS, HOSPITALS, Hospital, OVERRIDE_DOWN, OVERRIDE_UP, VISITORS};
use crate::domain::age::age_on;
use crate::domain::risk::Rating;
use std::collections::BTreeMap;
use time::{Date, Duration};

impl Context<'_> {
    /// How many days ago consent was given, and the history after it, in date order.
    pub(super) fn history(&mut self, course: Course, born: Date) -> (i64, Vec<Step>) {
        let mut steps = Vec::new();
        match course {
            Course::Community => {
                let consent_ago = self.rng.range(1, 700);
                let count = if consent_ago <= 14 && self.rng.chance(50) {
                    0 // recently added, awaiting a first assessment
                } else {
                    self.rng.weighted(&[(1, 35), (2, 35), (3, 30)])
                };
                let mut level = self.rng.weighted(&[(GREEN, 35), (AMBER, 40), (RED, 25)]);
                let mut ago = consent_ago - self.rng.range(0, 21.min(consent_ago));
                for _ in 0..count {
                    let step = self.assessment(self.days_ago(ago), level, born, true);
                    steps.push(step);
                    level = (level + self.rng.range(-1, 1)).clamp(GREEN, RED);
                    ago -= self.rng.range(28, 120);
                    if ago < 0 {
                        break;
                    }
                }
                (consent_ago, steps)
            }
            Course::InHospital { visited } => {
                let admitted_ago = if visited {
                    self.rng.range(30, 240)
                } else {
                    self.rng.range(2, 240)
                };
                let last = if self.rng.chance(85) { RED } else { AMBER };
                let consent_ago = self.before_admission(&mut steps, admitted_ago, last, born);
                let admitted_on = self.days_ago(admitted_ago);
                steps.push(self.admission(admitted_on, born));
                if visited {
                    let ago = self.rng.range(0, admitted_ago - 14);
                    let on = self.days_ago(ago);
                    let visitor = self.rng.pick(VISITORS);
                    steps.push(Step::Visit { on, visitor });
                }
                (consent_ago, steps)
            }
            Course::Discharged => {
                // Discharged long enough ago for the post-discharge red window to have ended.
                let earliest = 20.max(self.red_days + 1);
                let discharged_ago = self.rng.range(earliest, earliest.max(200));
                let admitted_ago = discharged_ago + self.rng.range(10, 150);
                let consent_ago = self.before_admission(&mut steps, admitted_ago, RED, born);
                steps.push(self.admission(self.days_ago(admitted_ago), born));
                steps.push(Step::Discharge {
                    on: self.days_ago(discharged_ago),
                    destination: self.rng.pick(DESTINATIONS),
                });
                if self.rng.chance(75) {
                    // First reassessment once the red window is over.
                    let ago = self.rng.range(0, discharged_ago - self.red_days - 1);
                    let level = self.rng.weighted(&[(GREEN, 35), (AMBER, 45), (RED, 20)]);
                    steps.push(self.assessment(self.days_ago(ago), level, born, false));
                }
                (consent_ago, steps)
            }
        }
    }

    /// One to three assessments leading up to an admission `admitted_ago` days ago, the last at
    /// `last`; returns how many days ago consent was given (on or before the first).
    fn before_admission(
        &mut self,
        steps: &mut Vec<Step>,
        admitted_ago: i64,
        last: Level,
        born: Date,
    ) -> i64 {
        let count = self.rng.weighted(&[(1, 30), (2, 40), (3, 30)]);
        let mut agos = vec![admitted_ago + self.rng.range(1, 45)];
        for _ in 1..count {
            let previous = agos[agos.len() - 1];
            agos.push(previous + self.rng.range(28, 120));
        }
        agos.reverse();
        let mut level = (last - self.rng.range(0, count as i64 - 1)).max(GREEN);
        for ago in &agos {
            let on = self.days_ago(*ago);
            let is_last = *ago == agos[agos.len() - 1];
            let target = if is_last { last } else { level };
            let step = self.assessment(on, target, born, !is_last);
            steps.push(step);
            level = (level + 1).min(last);
        }
        agos[0] + self.rng.range(0, 30)
    }

    fn admission(&mut self, on: Date, born: Date) -> Step {
        let child = age_on(born, on).is_some_and(|a| a < 18);
        let choices: Vec<&Hospital> = HOSPITALS.iter().filter(|h| h.children == child).collect();
        // Most adults go to the local units; Rampton (high secure) is rare.
        let hospital = loop {
            let h = self.rng.pick(&choices);
            if h.name != "Rampton Hospital" || self.rng.chance(20) {
                break h;
            }
        };
        let security_level = self.rng.pick(hospital.security);
        let legal_status = match security_level {
            "high" | "medium" => self.rng.weighted(&[("section_3", 70), ("other", 30)]),
            "low" => self.rng.weighted(&[("section_3", 75), ("section_2", 25)]),
            _ => self
                .rng
                .weighted(&[("informal", 25), ("section_2", 40), ("section_3", 35)]),
        };
        let planned_discharge_on = self
            .rng
            .chance(60)
            .then(|| on + Duration::days(self.rng.range(28, 180)));
        Step::Admit {
            on,
            hospital: hospital.name,
            security_level,
            legal_status,
            planned_discharge_on,
        }
    }

    /// An assessment on `on` whose answers suggest `level`; now and then (when `may_override`)
    /// the commissioner confirms a neighbouring rating instead, with a reason.
    fn assessment(&mut self, on: Date, level: Level, born: Date, may_override: bool) -> Step {
        let age = age_on(born, on).unwrap_or(0);
        let answers = self.answers(level, age);
        let (rating, reason) = if may_override && self.rng.chance(10) {
            let up = match level {
                GREEN => true,
                RED => false,
                _ => self.rng.chance(50),
            };
            if up {
                (Some(rating_of(level + 1)), Some(self.rng.pick(OVERRIDE_UP)))
            } else {
                (
                    Some(rating_of(level - 1)),
                    Some(self.rng.pick(OVERRIDE_DOWN)),
                )
            }
        } else {
            (None, None)
        };
        Step::Assess {
            on,
            answers,
            rating,
            reason,
        }
    }

    /// Answers to every question of the tool whose score suggests `level` for someone of `age`.
    fn answers(&mut self, level: Level, age: u32) -> BTreeMap<String, bool> {
        let t = self.tool.thresholds;
        let total: u32 = self.tool.questions.iter().map(|q| q.weight).sum();
        let (lo, hi) = match level {
            GREEN => (0, t.amber.saturating_sub(1)),
            AMBER => (t.amber, t.red.saturating_sub(1)),
            _ => (t.red, total.min(t.red + 8)),
        };
        let want = rating_of(level);
        let mut answers = BTreeMap::new();
        for _ in 0..100 {
            let goal = self.rng.range(i64::from(lo), i64::from(hi)) as u32;
            let mut order: Vec<usize> = (0..self.tool.questions.len()).collect();
            self.rng.shuffle(&mut order);
            answers = self
                .tool
                .questions
                .iter()
                .map(|q| (q.id.clone(), false))
                .collect();
            let mut score = 0;
            for i in order {
                let q = &self.tool.questions[i];
                if score + q.weight <= goal {
                    score += q.weight;
                    answers.insert(q.id.clone(), true);
                }
            }
            if self
                .tool
                .score(&answers, age)
                .is_ok_and(|s| s.suggested == want)
            {
                break;
            }
        }
        answers
    }
}

fn rating_of(level: Level) -> Rating {
    match level {
        GREEN => Rating::Green,
        AMBER => Rating::Amber,
        _ => Rating::Red,
    }
}
