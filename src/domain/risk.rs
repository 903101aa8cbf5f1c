//! The risk tool and RAG + Blue ratings. The tool (questions, weights, key questions,
//! thresholds) comes from `policies/risk-tool.toml`; these functions score answers against it,
//! suggest a rating, and check a confirmed rating that differs from the suggestion.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

super::vocabulary::vocabulary!(
    /// A risk rating. `ALL` is the register's order: red, blue, amber, green.
    Rating {
        Red = "red" / "Red",
        /// In a mental health hospital. Derived from admissions, never chosen.
        Blue = "blue" / "Blue (in hospital)",
        Amber = "amber" / "Amber",
        Green = "green" / "Green",
    }
);

impl Rating {
    /// Order on the register and in returns: red, blue, amber, green.
    pub fn rank(self) -> u8 {
        match self {
            Rating::Red => 0,
            Rating::Blue => 1,
            Rating::Amber => 2,
            Rating::Green => 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub weight: u32,
    #[serde(default)]
    pub key: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Thresholds {
    /// A score at or above this suggests red.
    pub red: u32,
    /// A score at or above this (and below red) suggests amber.
    pub amber: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RiskTool {
    pub version: String,
    pub thresholds: Thresholds,
    /// Under this age, every key question answered yes suggests red whatever the score.
    pub key_rule_under_age: u32,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub score: u32,
    pub suggested: Rating,
    pub all_keys_yes: bool,
}

impl RiskTool {
    /// Checks the tool makes sense: questions with distinct ids, positive weights, at least one
    /// key question, amber below red.
    pub fn check(&self) -> Result<(), String> {
        if self.version.trim().is_empty() {
            return Err("version is empty".into());
        }
        if self.questions.is_empty() {
            return Err("no questions".into());
        }
        let mut ids = std::collections::BTreeSet::new();
        for q in &self.questions {
            if q.id.trim().is_empty() || !ids.insert(q.id.as_str()) {
                return Err(format!("question id `{}` is empty or repeated", q.id));
            }
            if q.weight == 0 {
                return Err(format!("question `{}` has weight 0", q.id));
            }
        }
        if !self.questions.iter().any(|q| q.key) {
            return Err("no key question".into());
        }
        if self.thresholds.amber == 0 || self.thresholds.amber >= self.thresholds.red {
            return Err("thresholds must satisfy 0 < amber < red".into());
        }
        Ok(())
    }

    /// Scores a complete set of answers for a person of `age`. Every question must be answered
    /// and no unknown question given: the error lists the ids at fault.
    pub fn score(&self, answers: &BTreeMap<String, bool>, age: u32) -> Result<Scored, ScoreError> {
        let unknown: Vec<String> = answers
            .keys()
            .filter(|k| !self.questions.iter().any(|q| &q.id == *k))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(ScoreError::Unknown(unknown));
        }
        let missing: Vec<String> = self
            .questions
            .iter()
            .filter(|q| !answers.contains_key(&q.id))
            .map(|q| q.id.clone())
            .collect();
        if !missing.is_empty() {
            return Err(ScoreError::Unanswered(missing));
        }
        let score = self
            .questions
            .iter()
            .filter(|q| answers.get(&q.id) == Some(&true))
            .map(|q| q.weight)
            .sum();
        let all_keys_yes = self
            .questions
            .iter()
            .filter(|q| q.key)
            .all(|q| answers.get(&q.id) == Some(&true));
        let child_in_crisis = all_keys_yes && age < self.key_rule_under_age;
        let suggested = if child_in_crisis || score >= self.thresholds.red {
            Rating::Red
        } else if score >= self.thresholds.amber {
            Rating::Amber
        } else {
            Rating::Green
        };
        Ok(Scored {
            score,
            suggested,
            all_keys_yes,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreError {
    Unanswered(Vec<String>),
    Unknown(Vec<String>),
}

impl ScoreError {
    pub fn message(&self) -> String {
        match self {
            ScoreError::Unanswered(ids) => {
                format!("Answer every question (unanswered: {})", ids.join(", "))
            }
            ScoreError::Unknown(ids) => format!(
                "These are not questions of the risk tool: {}",
                ids.join(", ")
            ),
        }
    }
}

/// The confirmed rating: the suggestion, or another with a reason. Blue is never chosen.
pub fn confirm(
    suggested: Rating,
    chosen: Option<Rating>,
    override_reason: Option<&str>,
) -> Result<Rating, (&'static str, &'static str)> {
    let reason_given = override_reason.is_some_and(|r| !r.trim().is_empty());
    match chosen {
        None => Ok(suggested),
        Some(Rating::Blue) => Err((
            "rating",
            "Blue is set by recording a hospital admission, not chosen in an assessment",
        )),
        Some(r) if r == suggested => Ok(r),
        Some(_) if !reason_given => Err((
            "override_reason",
            "Give a reason for confirming a rating different from the suggested one",
        )),
        Some(r) => Ok(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool() -> RiskTool {
        let text = include_str!("../../policies/risk-tool.toml");
        toml::from_str(text).unwrap()
    }

    fn answers(yes: &[&str]) -> BTreeMap<String, bool> {
        tool()
            .questions
            .iter()
            .map(|q| (q.id.clone(), yes.contains(&q.id.as_str())))
            .collect()
    }

    const KEYS: [&str; 4] = [
        "mh_unstable",
        "behaviour_challenges",
        "unstable_environment",
        "crisis_last_month",
    ];

    #[test]
    fn the_shipped_tool_is_the_2020_tcr_1_default() {
        let t = tool();
        t.check().unwrap();
        assert_eq!(t.version, "2020-tcr-1");
        assert_eq!(t.questions.len(), 12);
        assert_eq!(
            t.questions.iter().map(|q| q.weight).sum::<u32>(),
            3 * 5 + 2 * 4 + 3
        );
        assert_eq!(t.questions.iter().filter(|q| q.key).count(), 4);
        assert_eq!(t.thresholds, Thresholds { red: 14, amber: 7 });
    }

    #[test]
    fn thresholds_at_their_edges() {
        let t = tool();
        let cases: [(&[&str], u32, Rating); 6] = [
            (&[], 0, Rating::Green),
            (
                &["mh_unstable", "admission_last_year", "criminal_justice"],
                6,
                Rating::Green,
            ),
            (
                &[
                    "mh_unstable",
                    "admission_last_year",
                    "criminal_justice",
                    "transition",
                ],
                7,
                Rating::Amber,
            ),
            (
                &[
                    "mh_unstable",
                    "behaviour_challenges",
                    "harm_to_self_or_others",
                    "admission_last_year",
                    "criminal_justice",
                    "transition",
                ],
                13,
                Rating::Amber,
            ),
            (
                &[
                    "mh_unstable",
                    "behaviour_challenges",
                    "harm_to_self_or_others",
                    "admission_last_year",
                    "criminal_justice",
                    "transition",
                    "substance_misuse",
                ],
                14,
                Rating::Red,
            ),
            (
                &[
                    "mh_unstable",
                    "behaviour_challenges",
                    "unstable_environment",
                    "crisis_last_month",
                    "harm_to_self_or_others",
                    "admission_last_year",
                    "placement_breakdown",
                    "carers_not_coping",
                    "community_options_exhausted",
                    "criminal_justice",
                    "transition",
                    "substance_misuse",
                ],
                26,
                Rating::Red,
            ),
        ];
        for (yes, score, rating) in cases {
            let s = t.score(&answers(yes), 30).unwrap();
            assert_eq!((s.score, s.suggested), (score, rating), "{yes:?}");
        }
    }

    #[test]
    fn all_four_key_questions_make_a_child_red_whatever_the_score() {
        let t = tool();
        let s = t.score(&answers(&KEYS), 17).unwrap();
        assert_eq!((s.score, s.suggested), (12, Rating::Red));
        let s = t.score(&answers(&KEYS), 18).unwrap();
        assert_eq!((s.score, s.suggested), (12, Rating::Amber), "not from 18");
        let s = t.score(&answers(&KEYS[..3]), 10).unwrap();
        assert_eq!(s.suggested, Rating::Amber, "three keys are not enough");
    }

    #[test]
    fn unanswered_and_unknown_questions_are_refused() {
        let t = tool();
        let mut a = answers(&[]);
        a.remove("transition");
        assert_eq!(
            t.score(&a, 20),
            Err(ScoreError::Unanswered(vec!["transition".into()]))
        );
        let mut a = answers(&[]);
        a.insert("astrology".into(), true);
        assert_eq!(
            t.score(&a, 20),
            Err(ScoreError::Unknown(vec!["astrology".into()]))
        );
    }

    #[test]
    fn confirming_a_different_rating_needs_a_reason_and_never_blue() {
        assert_eq!(confirm(Rating::Amber, None, None), Ok(Rating::Amber));
        assert_eq!(
            confirm(Rating::Amber, Some(Rating::Amber), None),
            Ok(Rating::Amber)
        );
        assert_eq!(
            confirm(Rating::Amber, Some(Rating::Red), None)
                .unwrap_err()
                .0,
            "override_reason"
        );
        assert_eq!(
            confirm(Rating::Amber, Some(Rating::Red), Some("  "))
                .unwrap_err()
                .0,
            "override_reason"
        );
        assert_eq!(
            confirm(Rating::Amber, Some(Rating::Red), Some("family in crisis")),
            Ok(Rating::Red)
        );
        assert_eq!(
            confirm(Rating::Amber, Some(Rating::Blue), Some("x"))
                .unwrap_err()
                .0,
            "rating"
        );
    }

    #[test]
    fn bad_tools_are_refused() {
        let mut t = tool();
        t.thresholds.amber = 14;
        assert!(t.check().is_err());
        let mut t = tool();
        t.questions[1].id = t.questions[0].id.clone();
        assert!(t.check().is_err());
        let mut t = tool();
        t.questions.iter_mut().for_each(|q| q.key = false);
        assert!(t.check().is_err());
    }
}
