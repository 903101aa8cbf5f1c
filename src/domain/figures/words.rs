//! The words for the figures over time: each figure's key, each breakdown and each group of one,
//! decided once here for the figures page and the downloads.

/// Every figure a month has, in the order they are listed, with its words (the page's labels
/// and the files' `figure_name`). The breakdowns are of `on_register`.
pub const FIGURES: [(&str, &str); 32] = [
    ("on_register", "People on the register"),
    ("rated_red", "Rated red"),
    ("rated_amber", "Rated amber"),
    ("rated_green", "Rated green"),
    ("rated_blue", "Rated blue (in hospital)"),
    ("unrated", "Not yet rated"),
    ("admissions", "Admissions in the month"),
    (
        "admissions_reviewed_before_part",
        "Admissions with a community or LAEP review before",
    ),
    (
        "admissions_reviewed_before_whole",
        "Admissions in the month (for the share reviewed before)",
    ),
    (
        "admissions_reviewed_before_percent",
        "Admissions with a community or LAEP review before (%)",
    ),
    (
        "child_admissions_reviewed_before_part",
        "Children's admissions with a community or LAEP review before",
    ),
    (
        "child_admissions_reviewed_before_whole",
        "Children's admissions in the month (under 18 when admitted)",
    ),
    (
        "child_admissions_reviewed_before_percent",
        "Children's admissions with a community or LAEP review before (%)",
    ),
    ("discharges", "Discharges in the month"),
    ("in_hospital", "In hospital at the month's end"),
    (
        "length_of_stay_median_days",
        "Median length of stay of those in hospital (days)",
    ),
    (
        "length_of_stay_longest_days",
        "Longest length of stay of those in hospital (days)",
    ),
    ("reviews_held", "Reviews held in the month"),
    ("reviews_held_community", "Community reviews held"),
    ("reviews_held_laep", "LAEP reviews held"),
    ("reviews_held_post_admission", "Post-admission reviews held"),
    ("reviews_held_inpatient", "Inpatient reviews held"),
    ("reviews_held_follow_up", "Follow-up reviews held"),
    (
        "reviews_held_by_due_date_part",
        "Reviews held by their due date",
    ),
    (
        "reviews_held_by_due_date_whole",
        "Reviews held that had a due date",
    ),
    (
        "reviews_held_by_due_date_percent",
        "Reviews held by their due date (%)",
    ),
    ("reviews_overdue", "Reviews overdue at the month's end"),
    (
        "visits_overdue",
        "Oversight visits overdue at the month's end",
    ),
    ("actions_overdue", "Actions overdue at the month's end"),
    ("referrals_received", "Referrals received in the month"),
    (
        "referrals_decided_in_time",
        "Referrals received in the month and decided in time",
    ),
    ("referrals_accepted", "Referrals accepted in the month"),
];

/// The words for a figure's key (`on_register` → "People on the register"); an unknown key is
/// "Another figure" (every key the months have is in [`FIGURES`]: a test checks).
pub fn figure_name(key: &str) -> &'static str {
    looked_up(&FIGURES, key).unwrap_or("Another figure")
}

/// A key's words in a table of them.
fn looked_up(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, words)| *words)
}

/// The ways the register at a month's end is broken down, with their words: `all` for a figure
/// on its own; `rating` (the `rated_*` counts), `rating_and_age_band` and the `breakdowns`
/// (`age_band`, `local_authority`, `ethnicity`, `sex`, `needs`).
pub const BREAKDOWNS: [(&str, &str); 8] = [
    ("all", "All"),
    ("rating", "Rating"),
    ("rating_and_age_band", "Rating and age band"),
    ("age_band", "Age band"),
    ("local_authority", "Local authority"),
    ("ethnicity", "Ethnic category"),
    ("sex", "Sex"),
    ("needs", "Learning disability and autism"),
];

/// The words for a breakdown's key; an unknown key is "Another breakdown".
pub fn breakdown_name(key: &str) -> &'static str {
    looked_up(&BREAKDOWNS, key).unwrap_or("Another breakdown")
}

/// The words for a group of a breakdown (`ethnicity`, `A` → "White - British";
/// `rating_and_age_band`, `red 0-17` → "Red, 0 to 17"); a local authority, or a key with no
/// words, as it is.
pub fn group_name(breakdown: &str, group: &str) -> String {
    use crate::domain::{age::AgeBand, ethnicity::Ethnicity, person::Sex, risk::Rating};
    let rating = |word: &str| match Rating::parse(word) {
        Some(r) => r.label().to_string(),
        None if word == "unrated" => "Not yet rated".to_string(),
        None => word.to_string(),
    };
    match breakdown {
        "all" => "All".into(),
        "rating" => rating(group),
        "rating_and_age_band" => match group.split_once(' ') {
            Some((r, band)) => format!(
                "{}, {}",
                rating(r),
                AgeBand::parse(band).map(AgeBand::label).unwrap_or(band)
            ),
            None => rating(group),
        },
        "age_band" => AgeBand::parse(group)
            .map(AgeBand::label)
            .unwrap_or(group)
            .into(),
        "ethnicity" => Ethnicity::parse(group)
            .map(Ethnicity::label)
            .unwrap_or(group)
            .into(),
        "sex" => Sex::parse(group).map(Sex::label).unwrap_or(group).into(),
        "needs" => match group {
            "learning_disability" => "Learning disability",
            "autism" => "Autism",
            "both" => "Learning disability and autism",
            "neither" => "Neither recorded",
            other => other,
        }
        .into(),
        _ => group.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_figures_breakdowns_and_groups() {
        assert_eq!(figure_name("on_register"), "People on the register");
        assert_eq!(figure_name("no_such_figure"), "Another figure");
        assert_eq!(breakdown_name("ethnicity"), "Ethnic category");
        let mut keys: Vec<&str> = FIGURES.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), FIGURES.len(), "each figure once");
        for (breakdown, group, want) in [
            ("all", "all", "All"),
            ("rating", "blue", "Blue (in hospital)"),
            ("rating", "unrated", "Not yet rated"),
            ("rating_and_age_band", "red 0-17", "Red, 0 to 17"),
            (
                "rating_and_age_band",
                "unrated 26+",
                "Not yet rated, 26 and over",
            ),
            ("ethnicity", "A", "White - British"),
            ("ethnicity", "99", "Not known"),
            ("ethnicity", "Not recorded", "Not recorded"),
            ("local_authority", "Fenland", "Fenland"),
            ("sex", "not_known", "Not known"),
            ("needs", "both", "Learning disability and autism"),
            ("age_band", "18-25", "18 to 25"),
        ] {
            assert_eq!(group_name(breakdown, group), want, "{breakdown} {group}");
        }
    }
}
