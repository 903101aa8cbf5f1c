//! The sections of the figures: what each counts, how its lines look and which tables it has.

use super::{Key, Measure, Section, Table, by_month, measure, month_words, over_time, words};
use crate::domain::age::AgeBand;
use crate::domain::ethnicity::Ethnicity;
use crate::domain::figures::{FiguresView, MonthFigures, Shown, group_name};
use crate::domain::person::Sex;
use crate::reports::chart::{self, Bar, Ink, Shape};

type Look = (Ink, Shape, Option<(f32, f32)>);

/// Four lines that differ by shape and dash as well as by colour.
const FIRST: Look = (Ink::Accent, Shape::Circle, None);
const SECOND: Look = (Ink::Text, Shape::Square, Some((7.0, 3.0)));
const THIRD: Look = (Ink::Grey, Shape::Diamond, Some((2.0, 3.0)));
const FOURTH: Look = (Ink::Purple, Shape::Triangle, Some((12.0, 4.0)));

pub(super) fn ratings(view: &FiguresView) -> Section {
    let lines = [
        measure("Red", (Ink::Red, Shape::Square, None), "rated_red"),
        measure(
            "Amber",
            (Ink::Amber, Shape::Circle, Some((7.0, 3.0))),
            "rated_amber",
        ),
        measure(
            "Green",
            (Ink::Green, Shape::Diamond, Some((2.0, 3.0))),
            "rated_green",
        ),
        measure(
            "Blue (in hospital)",
            (Ink::Blue, Shape::Triangle, Some((12.0, 4.0))),
            "rated_blue",
        ),
        measure(
            "Not yet rated",
            (Ink::Grey, Shape::Dash, Some((1.0, 3.0))),
            "unrated",
        ),
    ];
    let mut columns = lines.to_vec();
    columns.push(measure("All on the register", FIRST, "on_register"));
    Section {
        id: "ratings",
        heading: "People on the register by rating".into(),
        lead: "Everyone on the register at the end of each month, by their rating then (blue while in hospital)."
            .into(),
        chart: over_time(view, "people on the register by rating", &lines, 0.0, None),
        tables: vec![by_month(view, "People on the register by rating, by month", &columns)],
    }
}

pub(super) fn ages(view: &FiguresView) -> Section {
    let looks = [FIRST, SECOND, THIRD];
    let lines: Vec<Measure> = AgeBand::ALL
        .iter()
        .zip(looks)
        .map(|(b, (ink, shape, dash))| Measure {
            name: b.label(),
            ink,
            shape,
            dash,
            unit: "",
            key: Key::Group("age_band", b.as_str()),
        })
        .collect();
    let mut tables = vec![by_month(
        view,
        "People on the register by age, by month",
        &lines,
    )];
    if let Some(last) = view.months.last() {
        tables.push(Table {
            caption: format!(
                "People on the register by rating and age, end of {}",
                month_words(last.as_at)
            ),
            columns: std::iter::once("Rating".to_string())
                .chain(AgeBand::ALL.iter().map(|b| b.label().to_string()))
                .collect(),
            rows: [
                ("red", "Red"),
                ("amber", "Amber"),
                ("green", "Green"),
                ("blue", "Blue (in hospital)"),
                ("unrated", "Not yet rated"),
            ]
            .iter()
            .map(|(key, name)| {
                let row = last.by_rating_and_band.get(*key);
                std::iter::once(name.to_string())
                    .chain(
                        AgeBand::ALL
                            .iter()
                            .map(|b| words(row.and_then(|r| r.get(b.as_str())))),
                    )
                    .collect()
            })
            .collect(),
        });
    }
    Section {
        id: "ages",
        heading: "People on the register by age".into(),
        lead: "By their age at the end of each month, in the returns' three bands.".into(),
        chart: over_time(view, "people on the register by age", &lines, 0.0, None),
        tables,
    }
}

pub(super) fn hospital(view: &FiguresView) -> Section {
    let lines = [
        measure("In hospital", FIRST, "in_hospital"),
        measure("Admissions", SECOND, "admissions"),
        measure("Discharges", THIRD, "discharges"),
    ];
    let mut columns = lines.to_vec();
    columns.push(measure(
        "Median stay (days)",
        FIRST,
        "length_of_stay_median_days",
    ));
    columns.push(measure(
        "Longest stay (days)",
        FIRST,
        "length_of_stay_longest_days",
    ));
    Section {
        id: "hospital",
        heading: "In hospital".into(),
        lead: "People in a mental health hospital at the end of each month, admissions and discharges in the month, and how long those in hospital at its end had been there."
            .into(),
        chart: over_time(view, "people in hospital, admissions and discharges", &lines, 0.0, None),
        tables: vec![by_month(view, "In hospital, admissions and discharges, by month", &columns)],
    }
}

pub(super) fn reviewed_before(view: &FiguresView) -> Section {
    let share = [
        measure(
            "Children",
            FIRST,
            "child_admissions_reviewed_before_percent",
        ),
        measure("All ages", SECOND, "admissions_reviewed_before_percent"),
    ];
    let children = [
        measure(
            "Children admitted",
            FIRST,
            "child_admissions_reviewed_before_whole",
        ),
        measure(
            "With a review in the 6 months before",
            FIRST,
            "child_admissions_reviewed_before_part",
        ),
        measure(
            "Share reviewed before",
            FIRST,
            "child_admissions_reviewed_before_percent",
        ),
    ];
    let all = [
        measure("Admissions", FIRST, "admissions_reviewed_before_whole"),
        measure(
            "With a review in the 6 months before",
            FIRST,
            "admissions_reviewed_before_part",
        ),
        measure(
            "Share reviewed before",
            FIRST,
            "admissions_reviewed_before_percent",
        ),
    ];
    Section {
        id: "reviewed-before",
        heading: "Admissions with a community review first".into(),
        lead: "Of the month's admissions, the share of people who had a community CETR or a LAEP review in the 6 months before: children (under 18 when admitted), for whom NHS England's aim is at least 90%, and all ages."
            .into(),
        chart: over_time(
            view,
            "the share of admissions with a community review in the 6 months before",
            &share,
            100.0,
            Some((90.0, "Aim for children: 90%".into())),
        ),
        tables: vec![
            by_month(
                view,
                "Children's admissions with a community review first, by month",
                &children,
            ),
            by_month(
                view,
                "All admissions with a community review first, by month",
                &all,
            ),
        ],
    }
}

pub(super) fn reviews(view: &FiguresView) -> Section {
    let lines = [
        measure("Reviews held", FIRST, "reviews_held"),
        measure("Reviews overdue", SECOND, "reviews_overdue"),
        measure("Visits overdue", THIRD, "visits_overdue"),
        measure("Actions overdue", FOURTH, "actions_overdue"),
    ];
    let held = [
        measure("All held", FIRST, "reviews_held"),
        measure("Community", FIRST, "reviews_held_community"),
        measure("LAEP", FIRST, "reviews_held_laep"),
        measure("Post-admission", FIRST, "reviews_held_post_admission"),
        measure("Inpatient", FIRST, "reviews_held_inpatient"),
        measure("Follow-up", FIRST, "reviews_held_follow_up"),
        measure(
            "Held by their due date",
            FIRST,
            "reviews_held_by_due_date_percent",
        ),
    ];
    let overdue = [
        measure("Reviews", FIRST, "reviews_overdue"),
        measure("Visits", FIRST, "visits_overdue"),
        measure("Actions", FIRST, "actions_overdue"),
    ];
    Section {
        id: "reviews",
        heading: "Reviews, visits and actions".into(),
        lead: "Reviews held in each month by kind, and the reviews, visits and agreed actions overdue at its end by the same deadlines as the register shows."
            .into(),
        chart: over_time(view, "reviews held and what was overdue", &lines, 0.0, None),
        tables: vec![
            by_month(view, "Reviews held by kind, by month", &held),
            by_month(view, "Overdue at the end of each month", &overdue),
        ],
    }
}

pub(super) fn referrals(view: &FiguresView) -> Section {
    let lines = [
        measure("Received", FIRST, "referrals_received"),
        measure("Decided in time", SECOND, "referrals_decided_in_time"),
        measure("Accepted", THIRD, "referrals_accepted"),
    ];
    Section {
        id: "referrals",
        heading: "Referrals".into(),
        lead: "Referrals received in each month; of them, those decided within the days the referral policy allows (28); and referrals accepted in the month."
            .into(),
        chart: over_time(view, "referrals", &lines, 0.0, None),
        tables: vec![by_month(view, "Referrals, by month", &lines)],
    }
}

/// The order groups are listed in: the vocabulary's, then anything else by name.
fn rank(breakdown: &str, key: &str) -> usize {
    match breakdown {
        "ethnicity" => Ethnicity::ALL.iter().position(|e| e.as_str() == key),
        "sex" => Sex::ALL.iter().position(|s| s.as_str() == key),
        "needs" => ["learning_disability", "autism", "both", "neither"]
            .iter()
            .position(|k| *k == key),
        _ => None,
    }
    .unwrap_or(usize::MAX)
}

/// The register at the end of the last month by local authority, ethnicity, sex and needs:
/// each a bar chart, and a table with the first month beside the last.
pub(super) fn breakdowns(view: &FiguresView) -> Vec<Section> {
    let (Some(first), Some(last)) = (view.months.first(), view.months.last()) else {
        return Vec::new();
    };
    let when = month_words(last.as_at);
    [
        ("local_authority", "by-local-authority", "local authority", "Local authority"),
        ("ethnicity", "by-ethnicity", "ethnicity", "Ethnic category"),
        ("sex", "by-sex", "sex", "Sex"),
        ("needs", "by-needs", "learning disability and autism", "Needs"),
    ]
    .into_iter()
    .map(|(key, id, what, column)| {
        let at = |m: &MonthFigures| m.breakdowns.get(key).cloned().unwrap_or_default();
        let (then, now) = (at(first), at(last));
        let mut groups: Vec<&String> = then.keys().chain(now.keys()).collect();
        groups.sort_by(|a, b| rank(key, a).cmp(&rank(key, b)).then(a.cmp(b)));
        groups.dedup();
        let bars: Vec<Bar> = groups
            .iter()
            .map(|g| {
                let s = now.get(*g);
                Bar {
                    label: group_name(key, g),
                    value: match s {
                        Some(Shown::Count(n)) => Some(*n as f64),
                        _ => None,
                    },
                    shown: s.map_or("0".into(), |s| words(Some(s))),
                    ink: Ink::Accent,
                }
            })
            .collect();
        let mut columns = vec![column.to_string()];
        let same = first.as_at == last.as_at;
        if !same {
            columns.push(format!("End of {}", month_words(first.as_at)));
        }
        columns.push(format!("End of {when}"));
        let rows = groups
            .iter()
            .map(|g| {
                let mut row = vec![group_name(key, g)];
                if !same {
                    row.push(then.get(*g).map_or("0".into(), |s| words(Some(s))));
                }
                row.push(now.get(*g).map_or("0".into(), |s| words(Some(s))));
                row
            })
            .collect();
        Section {
            id,
            heading: format!("By {what}"),
            lead: format!("People on the register at the end of {when} by {what}."),
            chart: chart::bars(
                &format!(
                    "Bar chart of people on the register at the end of {when} by {what}. The numbers are in the table below."
                ),
                &bars,
            ),
            tables: vec![Table {
                caption: format!("People on the register by {what}"),
                columns,
                rows,
            }],
        }
    })
    .collect()
}
