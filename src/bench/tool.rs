//! The risk tool, a copy of `policies/risk-tool.toml` (a test checks they agree): answers aimed
//! at a rating, scored as the service scores them, without loading the policies.

use super::rng::Rng;
use crate::demo::{AMBER, GREEN, Level, RED};
use crate::domain::risk::Rating;
use std::collections::BTreeMap;

pub(super) const TOOL_VERSION: &str = "2020-tcr-1";
pub(super) const RED_FROM: u32 = 14;
pub(super) const AMBER_FROM: u32 = 7;
pub(super) const KEY_RULE_UNDER_AGE: u32 = 18;
/// Question id, weight, key question.
pub(super) const QUESTIONS: [(&str, u32, bool); 12] = [
    ("mh_unstable", 3, true),
    ("behaviour_challenges", 3, true),
    ("unstable_environment", 3, true),
    ("crisis_last_month", 3, true),
    ("harm_to_self_or_others", 3, false),
    ("admission_last_year", 2, false),
    ("placement_breakdown", 2, false),
    ("carers_not_coping", 2, false),
    ("community_options_exhausted", 2, false),
    ("criminal_justice", 1, false),
    ("transition", 1, false),
    ("substance_misuse", 1, false),
];

pub(super) fn rating_of(level: Level) -> Rating {
    match level {
        GREEN => Rating::Green,
        AMBER => Rating::Amber,
        _ => Rating::Red,
    }
}

/// Answers aimed at `level`, their score and the suggested level for someone of `age`.
pub(super) fn answers(g: &mut Rng, level: Level, age: u32) -> ([bool; 12], u32, Level) {
    let (lo, hi) = match level {
        GREEN => (0, i64::from(AMBER_FROM) - 1),
        AMBER => (i64::from(AMBER_FROM), i64::from(RED_FROM) - 1),
        _ => (i64::from(RED_FROM), i64::from(RED_FROM) + 8),
    };
    let goal = g.range(lo, hi) as u32;
    let mut order: [usize; 12] = std::array::from_fn(|i| i);
    g.shuffle(&mut order);
    let mut yes = [false; 12];
    let mut score = 0;
    for i in order {
        let w = QUESTIONS[i].1;
        if score + w <= goal {
            score += w;
            yes[i] = true;
        }
    }
    let all_keys = QUESTIONS
        .iter()
        .zip(yes)
        .filter(|((_, _, key), _)| *key)
        .all(|(_, y)| y);
    let suggested = if (all_keys && age < KEY_RULE_UNDER_AGE) || score >= RED_FROM {
        RED
    } else if score >= AMBER_FROM {
        AMBER
    } else {
        GREEN
    };
    (yes, score, suggested)
}

/// The answers as the service stores them: a JSON object in question-id order.
pub(super) fn answers_json(yes: &[bool; 12]) -> String {
    let map: BTreeMap<&str, bool> = QUESTIONS
        .iter()
        .zip(yes)
        .map(|((id, _, _), y)| (*id, *y))
        .collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
}
