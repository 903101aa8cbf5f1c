//! One person's rating history: risk assessments scored with the copied tool, admissions
//! (blue) with their oversight visits, and discharges (red for the 14 days after).

use super::{BY, Course, Gen, OpenStay};
use crate::bench::rng::days;
use crate::bench::tool::{TOOL_VERSION, answers, answers_json, rating_of};
use crate::demo::words::{DESTINATIONS, HOSPITALS, Hospital, OVERRIDE_DOWN, OVERRIDE_UP, VISITORS};
use crate::demo::{AMBER, GREEN, Level, RED};
use crate::domain::age::age_on;
use crate::domain::ids::{PersonId, StayId};
use crate::domain::risk::Rating;
use crate::entities::{admission, rating_event, risk_assessment, visit};
use sea_orm::ActiveValue::{NotSet, Set};
use time::Date;

impl Gen<'_> {
    /// Assessments, admissions, discharges and visits, in date order; the open stay, if any.
    pub(super) fn history(
        &mut self,
        pid: &PersonId,
        born: Date,
        course: Course,
        window: Date,
        end: Date,
    ) -> Option<OpenStay> {
        let g = &mut self.rng;
        match course {
            Course::Community => {
                let n = g.weighted(&[(1, 25), (2, 25), (3, 20), (4, 15), (5, 10), (6, 5)]);
                let first = g.day(window, (window + days(30)).min(end));
                let mut dates = vec![first];
                for _ in 1..n {
                    dates.push(g.day(first, end));
                }
                dates.sort();
                let mut level = g.weighted(&[(GREEN, 35), (AMBER, 40), (RED, 25)]);
                for d in dates {
                    self.assess(pid, born, d, level, true);
                    level = (level + self.rng.range(-1, 1)).clamp(GREEN, RED);
                }
                None
            }
            Course::InHospital => {
                let admitted = g.day((window + days(15)).max(end - days(400)), end - days(1));
                let before = g.weighted(&[(1, 30), (2, 35), (3, 25), (4, 10)]);
                self.before_admission(pid, born, window, admitted, before);
                let stay = self.admit(pid, born, admitted, None, end);
                Some(stay)
            }
            Course::Discharged => {
                let length = g.range(10, 150).min((end - window).whole_days() - 20);
                let discharged = g.day(window + days(10 + length), end);
                let admitted = discharged - days(length);
                let before = g.range(1, 2);
                self.before_admission(pid, born, window, admitted, before);
                self.admit(pid, born, admitted, Some(discharged), end);
                let red_until = discharged + days(14);
                if red_until <= end {
                    let after = self.rng.weighted(&[(0, 30), (1, 45), (2, 25)]);
                    let mut dates: Vec<Date> =
                        (0..after).map(|_| self.rng.day(red_until, end)).collect();
                    dates.sort();
                    for d in dates {
                        let level = self.rng.weighted(&[(GREEN, 30), (AMBER, 45), (RED, 25)]);
                        self.assess(pid, born, d, level, true);
                    }
                }
                None
            }
        }
    }

    /// `count` assessments from `window` to the day before `admitted`, rising to the last (red,
    /// now and then amber).
    fn before_admission(
        &mut self,
        pid: &PersonId,
        born: Date,
        window: Date,
        admitted: Date,
        count: i64,
    ) {
        let last_day = (admitted - days(1)).max(window);
        let mut dates: Vec<Date> = (0..count).map(|_| self.rng.day(window, last_day)).collect();
        dates.sort();
        let last = if self.rng.chance(85) { RED } else { AMBER };
        let mut level = (last - self.rng.range(0, count - 1)).max(GREEN);
        let n = dates.len();
        for (i, d) in dates.into_iter().enumerate() {
            let is_last = i + 1 == n;
            let target = if is_last { last } else { level };
            self.assess(pid, born, d, target, !is_last);
            level = (level + 1).min(last);
        }
    }

    fn assess(&mut self, pid: &PersonId, born: Date, on: Date, level: Level, may_override: bool) {
        let g = &mut self.rng;
        let age = age_on(born, on).unwrap_or(0);
        let (yes, score, suggested) = answers(g, level, age);
        let (rating, reason) = if may_override && g.chance(10) {
            let up = match suggested {
                GREEN => true,
                RED => false,
                _ => g.chance(50),
            };
            if up {
                (suggested + 1, Some(g.pick(OVERRIDE_UP)))
            } else {
                (suggested - 1, Some(g.pick(OVERRIDE_DOWN)))
            }
        } else {
            (suggested, None)
        };
        let id = g.uuid();
        let recorded_at = g.at(on);
        let why = match reason {
            Some(r) => format!(
                "Risk assessment, score {score} (suggested {}): {r}",
                rating_of(suggested).as_str()
            ),
            None => format!("Risk assessment, score {score}"),
        };
        self.rows.assessments.push(risk_assessment::Model {
            id: id.clone(),
            person_id: pid.clone(),
            assessed_on: on,
            answers: answers_json(&yes),
            score: score as i32,
            suggested_rating: rating_of(suggested),
            rating: rating_of(rating),
            override_reason: reason.map(String::from),
            tool_version: TOOL_VERSION.into(),
            assessed_by: BY.into(),
            recorded_at,
            voided_at: None,
            voided_by: None,
            void_reason: None,
        });
        self.event(pid, rating_of(rating), on, "assessment", &id, why);
    }

    fn event(
        &mut self,
        pid: &PersonId,
        rating: Rating,
        on: Date,
        source: &str,
        source_id: &str,
        why: String,
    ) {
        let recorded_at = self.rng.at(on);
        self.rows.events.push(rating_event::ActiveModel {
            seq: NotSet,
            person_id: Set(pid.clone()),
            rating: Set(rating),
            effective_on: Set(on),
            source: Set(source.into()),
            source_id: Set(source_id.into()),
            reason: Set(Some(why)),
            recorded_by: Set(BY.into()),
            recorded_at: Set(recorded_at),
        });
    }

    /// An admission on `admitted` (blue), its visits, and its discharge (red) if given.
    fn admit(
        &mut self,
        pid: &PersonId,
        born: Date,
        admitted: Date,
        discharged: Option<Date>,
        end: Date,
    ) -> OpenStay {
        let g = &mut self.rng;
        let child = age_on(born, admitted).is_some_and(|a| a < 18);
        let choices: Vec<&Hospital> = HOSPITALS.iter().filter(|h| h.children == child).collect();
        let hospital = loop {
            let h = g.pick(&choices);
            if h.name != "Rampton Hospital" || g.chance(20) {
                break h;
            }
        };
        let security_level = g.pick(hospital.security);
        let legal_status = match security_level {
            "high" | "medium" => g.weighted(&[("section_3", 70), ("other", 30)]),
            "low" => g.weighted(&[("section_3", 75), ("section_2", 25)]),
            _ => g.weighted(&[("informal", 25), ("section_2", 40), ("section_3", 35)]),
        };
        let planned = g.chance(60).then(|| admitted + days(g.range(28, 180)));
        let destination = discharged.map(|_| g.pick(DESTINATIONS));
        let id = StayId::from_text(g.uuid());
        let recorded_at = g.at(admitted);
        self.rows.admissions.push(admission::Model {
            id: id.clone(),
            person_id: pid.clone(),
            admitted_on: admitted,
            hospital: hospital.name.into(),
            hospital_ods_code: None,
            episode_id: id.clone(),
            episode_started_on: admitted,
            security_level: crate::domain::person::SecurityLevel::parse(security_level)
                .expect("the generator's levels are the vocabulary's"),
            legal_status: crate::domain::person::LegalStatus::parse(legal_status)
                .expect("the generator's statuses are the vocabulary's"),
            planned_discharge_on: planned,
            discharged_on: discharged,
            destination: destination.map(String::from),
            items: None,
            recorded_by: BY.into(),
            recorded_at,
        });
        self.event(
            pid,
            Rating::Blue,
            admitted,
            "admission",
            id.as_str(),
            format!("Admitted to {}", hospital.name),
        );
        let last_visit_day = discharged.map_or(end, |d| d - days(1));
        self.visits(pid, &id, admitted, last_visit_day);
        if let (Some(d), Some(dest)) = (discharged, destination) {
            self.event(
                pid,
                Rating::Red,
                d,
                "discharge",
                id.as_str(),
                format!("Discharged to {dest}: red for at least 14 days"),
            );
        }
        OpenStay {
            admitted_on: admitted,
            security_level,
        }
    }

    /// Oversight visits every six to nine weeks, now and then missed: up to six, from two to
    /// eight weeks after `admitted` to `last_day`.
    fn visits(&mut self, pid: &PersonId, admission_id: &StayId, admitted: Date, last_day: Date) {
        let mut day = admitted + days(self.rng.range(14, 56));
        let mut visits = 0;
        while day <= last_day && visits < 6 {
            if self.rng.chance(75) {
                let recorded_at = self.rng.at(day);
                self.rows.visits.push(visit::Model {
                    id: self.rng.uuid(),
                    person_id: pid.clone(),
                    admission_id: admission_id.clone(),
                    visited_on: day,
                    visitor: self.rng.pick(VISITORS).into(),
                    seen_in_person: None,
                    not_seen_reason: None,
                    views: None,
                    concerns: None,
                    restrictive_practices: None,
                    actions_agreed: None,
                    recorded_by: BY.into(),
                    recorded_at,
                });
                visits += 1;
            }
            day += days(self.rng.range(42, 63));
        }
    }
}
