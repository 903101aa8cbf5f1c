//! The key lines of enquiry a review's findings answer (`policies/lines-of-enquiry.toml`), and
//! the words of what a review's outcome and report record besides them: who attended, and to
//! whom and how the report was sent.
//!
//! NHS England's four templates differ: child or adult (CETR or CTR), community or inpatient.
//! The policy file lists every line once, with the reviews it belongs to and, where the
//! question is asked differently, the question for each setting. An ICB edits the file and
//! gives it a new `version`; a review keeps the lines (and the version) it was held under, so
//! its report reads as it was written whatever the file says later.

use serde::{Deserialize, Serialize};

use super::age::ReviewType;
use super::review::ReviewKind;
use super::vocabulary::vocabulary;

vocabulary!(Setting {
    Community = "community" / "Community",
    Inpatient = "inpatient" / "Inpatient",
});

impl ReviewKind {
    /// The template a review of this kind follows: a community or LAEP review, and the
    /// follow-up of a community review's plan, are community reviews; the others are held in
    /// hospital.
    pub fn setting(self) -> Setting {
        match self {
            ReviewKind::Community | ReviewKind::Laep | ReviewKind::FollowUp => Setting::Community,
            ReviewKind::PostAdmission | ReviewKind::Inpatient => Setting::Inpatient,
        }
    }
}

/// One line of enquiry as a review asks it: its key (the findings' field), the question, and
/// the question in easy words (for the easy-read report). Stored with the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Line {
    pub key: String,
    pub question: String,
    pub easy: String,
}

/// `policies/lines-of-enquiry.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enquiry {
    /// Written into every review held under it, and onto its report.
    pub version: String,
    pub lines: Vec<LineRule>,
}

/// A line of the policy file: asked in every review unless `reviews` or `settings` narrow it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineRule {
    pub key: String,
    pub question: String,
    pub easy: String,
    /// Only in these types of review (`cetr`, `ctr`); all when left out.
    #[serde(default)]
    pub reviews: Vec<ReviewType>,
    /// Only in these settings (`community`, `inpatient`); all when left out.
    #[serde(default)]
    pub settings: Vec<Setting>,
    /// The question as a community review asks it, when it differs.
    pub community_question: Option<String>,
    /// The question as an inpatient review asks it, when it differs.
    pub inpatient_question: Option<String>,
}

impl Enquiry {
    /// The lines a review of this type and setting answers, in the file's order.
    pub fn lines_for(&self, review_type: ReviewType, setting: Setting) -> Vec<Line> {
        self.lines
            .iter()
            .filter(|l| l.reviews.is_empty() || l.reviews.contains(&review_type))
            .filter(|l| l.settings.is_empty() || l.settings.contains(&setting))
            .map(|l| {
                let asked = match setting {
                    Setting::Community => &l.community_question,
                    Setting::Inpatient => &l.inpatient_question,
                };
                Line {
                    key: l.key.clone(),
                    question: asked.clone().unwrap_or_else(|| l.question.clone()),
                    easy: l.easy.clone(),
                }
            })
            .collect()
    }

    /// What is wrong with the file, if anything: a version, keys that can be field names and
    /// appear once, words for each line, and lines for each of the four templates.
    pub fn problem(&self) -> Option<String> {
        if self.version.trim().is_empty() || self.version.len() > 40 {
            return Some("`version` must be given (at most 40 characters)".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for l in &self.lines {
            let key_ok = !l.key.is_empty()
                && l.key.len() <= 40
                && l.key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            if !key_ok {
                return Some(format!(
                    "line `{}`: a key is lowercase letters and underscores",
                    l.key
                ));
            }
            if !seen.insert(l.key.as_str()) {
                return Some(format!("line `{}` is listed twice", l.key));
            }
            let texts = [Some(&l.question), Some(&l.easy)]
                .into_iter()
                .chain([l.community_question.as_ref(), l.inpatient_question.as_ref()]);
            if texts
                .flatten()
                .any(|t| t.trim().is_empty() || t.chars().count() > 300)
            {
                return Some(format!(
                    "line `{}`: its questions must be given, at most 300 characters each",
                    l.key
                ));
            }
        }
        for t in ReviewType::ALL {
            for s in Setting::ALL {
                if self.lines_for(*t, *s).is_empty() {
                    return Some(format!(
                        "no line of enquiry for a {} {} review",
                        s.as_str(),
                        t.as_str()
                    ));
                }
            }
        }
        None
    }
}

vocabulary!(
    /// A seat on the review's panel, as the attendance lists it.
    Seat {
        Chair = "chair" / "Chair",
        ExpertByExperience = "expert_by_experience" / "Expert by experience",
        ClinicalExpert = "clinical_expert" / "Clinical expert",
    }
);

vocabulary!(
    /// Who else took part in a review, by role.
    AttendeeRole {
        Person = "person" / "The person",
        ParentCarer = "parent_carer" / "Parent or carer",
        Family = "family" / "Family member",
        Advocate = "advocate" / "Advocate",
        SocialWorker = "social_worker" / "Social worker",
        CareCoordinator = "care_coordinator" / "Care coordinator",
        ResponsibleClinician = "responsible_clinician" / "Responsible clinician",
        WardStaff = "ward_staff" / "Nurse or ward staff",
        Education = "education" / "School, college or education officer",
        Provider = "provider" / "Care provider",
        Commissioner = "commissioner" / "Commissioner",
        Gp = "gp" / "GP",
        Other = "other" / "Other",
    }
);

vocabulary!(
    /// To whom a review's report was sent.
    Recipient {
        Person = "person" / "The person",
        Family = "family" / "Family or carers",
        Advocate = "advocate" / "Advocate",
        Provider = "provider" / "Hospital or care provider",
        CareCoordinator = "care_coordinator" / "Care coordinator",
        SocialWorker = "social_worker" / "Social worker",
        Gp = "gp" / "GP",
        Education = "education" / "School or college",
        Commissioner = "commissioner" / "Commissioner",
    }
);

vocabulary!(
    /// How a review's report was sent.
    SentBy {
        SecureEmail = "secure_email" / "Secure email",
        Post = "post" / "Post",
        ByHand = "by_hand" / "By hand",
        Portal = "portal" / "Shared care record or portal",
    }
);

/// Who attended a review: the panel's seats that were there, and everyone else by role (a
/// name is optional: a parent may not want theirs in the report).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attendance {
    pub panel: Vec<Seat>,
    pub others: Vec<Attendee>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attendee {
    pub role: AttendeeRole,
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Enquiry {
        let text = include_str!("../../policies/lines-of-enquiry.toml");
        toml::from_str(text).unwrap()
    }

    #[test]
    fn the_shipped_file_has_six_lines_for_a_ctr_and_education_besides_for_a_cetr() {
        let e = shipped();
        assert_eq!(e.problem(), None);
        let keys = |t, s| {
            e.lines_for(t, s)
                .into_iter()
                .map(|l| l.key)
                .collect::<Vec<_>>()
        };
        let six = [
            "safe",
            "current_care",
            "daily_life",
            "physical_health",
            "future_plan",
            "need_for_hospital",
        ];
        for s in Setting::ALL {
            assert_eq!(keys(ReviewType::Ctr, *s), six);
            let cetr = keys(ReviewType::Cetr, *s);
            assert_eq!(cetr.len(), 7);
            assert!(cetr.contains(&"education".to_string()));
            assert!(six.iter().all(|k| cetr.iter().any(|c| c == k)));
        }
        let asked = |s| {
            e.lines_for(ReviewType::Ctr, s)
                .into_iter()
                .find(|l| l.key == "need_for_hospital")
                .unwrap()
                .question
        };
        assert_ne!(asked(Setting::Community), asked(Setting::Inpatient));
    }

    #[test]
    fn kinds_follow_their_setting() {
        assert_eq!(ReviewKind::Laep.setting(), Setting::Community);
        assert_eq!(ReviewKind::FollowUp.setting(), Setting::Community);
        assert_eq!(ReviewKind::PostAdmission.setting(), Setting::Inpatient);
    }

    #[test]
    fn a_bad_file_is_named() {
        let mut e = shipped();
        e.lines.push(e.lines[0].clone());
        assert!(e.problem().unwrap().contains("twice"));
        let mut e = shipped();
        e.lines[0].key = "Safe!".into();
        assert!(e.problem().unwrap().contains("lowercase"));
        let mut e = shipped();
        for l in &mut e.lines {
            l.settings = vec![Setting::Community];
        }
        assert!(e.problem().unwrap().contains("inpatient"));
        let mut e = shipped();
        e.version = " ".into();
        assert!(e.problem().is_some());
        assert!(toml::from_str::<Enquiry>("version = \"1\"\nlines = []\nextra = 1").is_err());
    }
}
