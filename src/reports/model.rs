//! The report model: everything a return's PDF shows, already worded and formatted, so the
//! renderer only lays it out. Built from the frozen figures (`services::returns`), it is what
//! the snapshot tests pin down.

use serde::Serialize;

/// The marking carried on every page of an identifiable return.
pub const MARKING: &str = "OFFICIAL-SENSITIVE: PERSONAL";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// "Monthly return to NHS England" or "Weekly inpatient return".
    pub title: String,
    /// The commissioning organisation (the `organisation` setting).
    pub organisation: String,
    /// "October 2026", or "Week ending Sunday 22 November 2026".
    pub period: String,
    /// "23:59:59 on Saturday 31 October 2026".
    pub as_at: String,
    /// "Cara Commissioner (commissioner), 2 November 2026 at 10:14 UTC".
    pub generated: String,
    /// Headline figures, in reading order: (label, value).
    pub summary: Vec<(String, u64)>,
    /// The bar chart of rating counts.
    pub chart: Vec<Bar>,
    /// Ratings by age band, shown beside the chart: a header row, then one row per rating.
    pub breakdown: Vec<Vec<String>>,
    /// "Changes since the previous return": one section per kind of change.
    pub changes: Vec<Section>,
    /// The per-person table.
    pub table: Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    Red,
    Amber,
    Green,
    Blue,
    Grey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub colour: Colour,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// "Joined (3)".
    pub heading: String,
    /// One line per change; empty means "None".
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub title: String,
    /// Relative width: the renderer shares the page width in proportion.
    pub weight: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    /// "People on the register (42)".
    pub heading: String,
    pub columns: Vec<Column>,
    /// Each row has one cell per column (may be empty).
    pub rows: Vec<Vec<String>>,
}

// ---------------------------------------------------------------------------------------------
// Building the report from a return's figures

use crate::domain::person::{LegalStatus, SecurityLevel};
use crate::services::returns::{Changes, Figures, Imprint, MonthlyRow, WeeklyRow};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn parse_day(s: &str) -> Option<Date> {
    crate::domain::input::parse_date(s)
}

/// "31 October 2026".
pub fn long_date(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[d.month() as usize - 1],
        d.year()
    )
}

/// "31 Oct 2026" (table cells), or the text as it was if it is not a date.
fn short_date(s: &Option<String>) -> String {
    match s.as_deref() {
        None => String::new(),
        Some(text) => match parse_day(text) {
            Some(d) => format!(
                "{:02} {} {}",
                d.day(),
                &MONTHS[d.month() as usize - 1][..3],
                d.year()
            ),
            None => text.to_string(),
        },
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn period_words(f: &Figures, last: Option<Date>) -> String {
    match (f.kind.as_str(), last) {
        ("weekly", Some(d)) => format!("Week ending Sunday {}", long_date(d)),
        (_, Some(d)) => format!("{} {}", MONTHS[d.month() as usize - 1], d.year()),
        _ => f.period.clone(),
    }
}

fn stamp(at: OffsetDateTime) -> String {
    format!(
        "{} at {:02}:{:02} UTC",
        long_date(at.date()),
        at.hour(),
        at.minute()
    )
}

fn columns(spec: &[(&str, u16)]) -> Vec<Column> {
    spec.iter()
        .map(|(title, weight)| Column {
            title: title.to_string(),
            weight: *weight,
        })
        .collect()
}

fn section(heading: &str, list: &[crate::services::returns::Change]) -> Section {
    Section {
        heading: format!("{heading} ({})", list.len()),
        lines: list
            .iter()
            .map(|c| {
                let on =
                    c.on.as_ref()
                        .map(|d| format!(", {}", short_date(&Some(d.clone()))))
                        .unwrap_or_default();
                format!("{} ({}): {}{on}", c.name, c.nhs_number, c.detail)
            })
            .collect(),
    }
}

/// The headline figures of a return in reading order, worded: (label, value).
pub fn summary(counts: &BTreeMap<String, u64>, weekly: bool) -> Vec<(String, u64)> {
    let count = |key: &str| counts.get(key).copied().unwrap_or(0);
    let mut summary: Vec<(String, u64)> = Vec::new();
    let mut add = |label: &str, key: &str| summary.push((label.to_string(), count(key)));
    if weekly {
        add("In hospital", "in_hospital");
    }
    add("On the register", "on_register");
    add("Red", "red");
    add("Amber", "amber");
    add("Green", "green");
    add("Blue (in hospital)", "blue");
    if count("unrated") > 0 {
        add("Not yet rated", "unrated");
    }
    let within = if weekly {
        "in the week"
    } else {
        "in the month"
    };
    add(&format!("Added {within}"), "added");
    add(&format!("Left {within}"), "left");
    add(&format!("Admissions {within}"), "admissions");
    add(&format!("Discharges {within}"), "discharges");
    add(&format!("Reviews held {within}"), "reviews_held");
    for kind in crate::domain::review::ReviewKind::ALL {
        add(
            &format!("  of which {}", kind.label()),
            &format!("reviews_held_{}", kind.as_str()),
        );
    }
    add("Reviews overdue", "reviews_overdue");
    add("Actions open", "actions_open");
    add("Actions overdue", "actions_overdue");
    add(
        &format!("Referrals received {within}"),
        "referrals_received",
    );
    add(
        &format!("Referrals accepted {within}"),
        "referrals_accepted",
    );
    add(
        &format!("Referrals declined {within}"),
        "referrals_declined",
    );
    add("Referrals awaiting a decision", "referrals_awaiting");
    add(
        "  of which past the 28-day decision date",
        "referrals_overdue",
    );
    summary
}

/// The bars of the rating chart: red, amber, green, blue, and "not rated" when anyone is.
pub fn chart(counts: &BTreeMap<String, u64>) -> Vec<Bar> {
    let count = |key: &str| counts.get(key).copied().unwrap_or(0);
    let mut bars: Vec<Bar> = [
        ("Red", "red", Colour::Red),
        ("Amber", "amber", Colour::Amber),
        ("Green", "green", Colour::Green),
        ("Blue", "blue", Colour::Blue),
    ]
    .into_iter()
    .map(|(label, key, colour)| Bar {
        label: label.into(),
        value: count(key),
        colour,
    })
    .collect();
    if count("unrated") > 0 {
        bars.push(Bar {
            label: "Not rated".into(),
            value: count("unrated"),
            colour: Colour::Grey,
        });
    }
    bars
}

/// People by rating and age band, with totals: a header row, then red, amber, green, blue and
/// (when anyone is) not yet rated.
pub fn breakdown(by: &BTreeMap<String, BTreeMap<String, u64>>) -> Vec<Vec<String>> {
    let bands = ["0-17", "18-25", "26+"];
    let mut rows = vec![
        ["Rating", "0\u{2013}17", "18\u{2013}25", "26+", "All"]
            .map(String::from)
            .to_vec(),
    ];
    for (rating, label) in [
        ("red", "Red"),
        ("amber", "Amber"),
        ("green", "Green"),
        ("blue", "Blue"),
        ("unrated", "Not yet rated"),
    ] {
        let n = |band: &str| {
            by.get(rating)
                .and_then(|b| b.get(band))
                .copied()
                .unwrap_or(0)
        };
        let total: u64 = bands.iter().map(|b| n(b)).sum();
        if rating == "unrated" && total == 0 {
            continue;
        }
        let mut row = vec![label.to_string()];
        row.extend(bands.iter().map(|b| n(b).to_string()));
        row.push(total.to_string());
        rows.push(row);
    }
    rows
}

/// The headline figures then (at the previous return's as-at) and now: (label, then, now).
pub fn against(
    counts: &BTreeMap<String, u64>,
    before: &BTreeMap<String, u64>,
    weekly: bool,
) -> Vec<(&'static str, u64, u64)> {
    let mut rows = vec![("On the register", "on_register")];
    if weekly {
        rows.insert(0, ("In hospital", "in_hospital"));
    }
    rows.extend([
        ("Red", "red"),
        ("Amber", "amber"),
        ("Green", "green"),
        ("Blue", "blue"),
    ]);
    let n = |m: &BTreeMap<String, u64>, key: &str| m.get(key).copied().unwrap_or(0);
    rows.into_iter()
        .map(|(label, key)| (label, n(before, key), n(counts, key)))
        .collect()
}

const WEEKLY_COLUMNS: [(&str, u16); 12] = [
    ("NHS number", 11),
    ("Name", 16),
    ("Admitted", 9),
    ("Hospital", 16),
    ("Security", 9),
    ("Legal status", 12),
    ("Days", 5),
    ("Last review", 9),
    ("Next review due", 9),
    ("Last visit", 9),
    ("Next visit due", 9),
    ("Planned discharge", 9),
];

const MONTHLY_COLUMNS: [(&str, u16); 11] = [
    ("NHS number", 11),
    ("Name", 17),
    ("Age band", 7),
    ("Rating", 6),
    ("Change", 9),
    ("Setting", 14),
    ("Last review", 9),
    ("Next review due", 9),
    ("Open actions", 6),
    ("Overdue", 6),
    ("Keyworker", 14),
];

/// A weekly row's cells, as the table shows them.
fn weekly_cells(r: &WeeklyRow) -> Vec<String> {
    vec![
        r.nhs_number.clone(),
        r.name.clone(),
        short_date(&Some(r.admitted_on.clone())),
        r.hospital.clone(),
        SecurityLevel::parse(&r.security_level)
            .map(|s| s.label().to_string())
            .unwrap_or_else(|| r.security_level.clone()),
        LegalStatus::parse(&r.legal_status)
            .map(|s| s.label().to_string())
            .unwrap_or_else(|| r.legal_status.clone()),
        r.length_of_stay_days.to_string(),
        short_date(&r.last_review),
        short_date(&r.next_review_due),
        short_date(&r.last_visit),
        short_date(&r.next_visit_due),
        short_date(&r.planned_discharge_on),
    ]
}

/// A monthly row's cells, as the table shows them.
fn monthly_cells(r: &MonthlyRow) -> Vec<String> {
    let change = match r.change.as_str() {
        "new" => "New".to_string(),
        "same" => "Same".to_string(),
        "changed" => format!(
            "From {}",
            crate::services::returns::rating_word(r.previous_rating)
        ),
        _ => format!(
            "{} from {}",
            if r.change == "up" { "Up" } else { "Down" },
            crate::services::returns::rating_word(r.previous_rating)
        ),
    };
    vec![
        r.nhs_number.clone(),
        r.name.clone(),
        r.age_band.replace('_', " "),
        capitalised(crate::services::returns::rating_word(r.rating)),
        change,
        r.setting.clone(),
        short_date(&r.last_review),
        short_date(&r.next_review_due),
        r.actions_open.to_string(),
        r.actions_overdue.to_string(),
        r.keyworker.clone().unwrap_or_default(),
    ]
}

/// The table's rows, as cells.
enum Rows {
    Weekly(Vec<Vec<String>>),
    Monthly(Vec<Vec<String>>),
}

/// The report of a return: its figures and changes worded for the PDF.
pub fn build(f: &Figures, changes: &Changes, imprint: &Imprint) -> Report {
    let rows = if f.kind == "weekly" {
        Rows::Weekly(f.weekly_rows.iter().map(weekly_cells).collect())
    } else {
        Rows::Monthly(f.monthly_rows.iter().map(monthly_cells).collect())
    };
    report(f, changes, imprint, rows)
}

/// As `build`, taking the figures: each row is dropped as soon as its cells are made, so a
/// large return's rows are not held twice while its PDF is written.
pub fn build_from(mut f: Figures, changes: &Changes, imprint: &Imprint) -> Report {
    let weekly = std::mem::take(&mut f.weekly_rows);
    let monthly = std::mem::take(&mut f.monthly_rows);
    let rows = if f.kind == "weekly" {
        drop(monthly);
        Rows::Weekly(weekly.into_iter().map(|r| weekly_cells(&r)).collect())
    } else {
        drop(weekly);
        Rows::Monthly(monthly.into_iter().map(|r| monthly_cells(&r)).collect())
    };
    report(&f, changes, imprint, rows)
}

fn report(f: &Figures, changes: &Changes, imprint: &Imprint, rows: Rows) -> Report {
    let last = f.as_at.get(..10).and_then(parse_day);
    let weekly = f.kind == "weekly";
    let within = if weekly {
        "in the week"
    } else {
        "in the month"
    };
    let summary = summary(&f.counts, weekly);
    let chart = chart(&f.counts);

    let mut headline = Section {
        heading: format!(
            "Against the previous return ({}, as at {})",
            changes.previous_period,
            changes
                .previous_as_at
                .get(..10)
                .and_then(parse_day)
                .map(long_date)
                .unwrap_or_else(|| changes.previous_as_at.clone())
        ),
        lines: Vec::new(),
    };
    for (label, was, is) in against(&f.counts, &changes.before, weekly) {
        let delta = match is as i64 - was as i64 {
            0 => "no change".to_string(),
            d => format!("{d:+}"),
        };
        headline
            .lines
            .push(format!("{label}: {was} then, {is} now ({delta})"));
    }
    let sections = vec![
        headline,
        section("Joined", &changes.joined),
        section("Left", &changes.left),
        section("Rating changed", &changes.rating_changes),
        section(&format!("Admitted {within}"), &changes.admissions),
        section(&format!("Discharged {within}"), &changes.discharges),
    ];

    let table = match rows {
        Rows::Weekly(rows) => Table {
            heading: format!("People in hospital ({})", rows.len()),
            columns: columns(&WEEKLY_COLUMNS),
            rows,
        },
        Rows::Monthly(rows) => Table {
            heading: format!("People on the register ({})", rows.len()),
            columns: columns(&MONTHLY_COLUMNS),
            rows,
        },
    };

    Report {
        title: if weekly {
            "Weekly inpatient return".into()
        } else {
            "Monthly return to NHS England".into()
        },
        organisation: imprint.organisation.clone(),
        period: period_words(f, last),
        as_at: last
            .map(|d| format!("23:59:59 on {}", long_date(d)))
            .unwrap_or_else(|| f.as_at.clone()),
        generated: format!("{}, {}", imprint.printed_by, stamp(imprint.printed_at)),
        summary,
        chart,
        breakdown: breakdown(&f.by_rating_and_band),
        changes: sections,
        table,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::risk::Rating;
    use crate::services::returns::{Change, MonthlyRow, WeeklyRow};
    use time::macros::datetime;

    fn change(nhs: &str, name: &str, detail: &str, on: Option<&str>) -> Change {
        Change {
            nhs_number: nhs.into(),
            name: name.into(),
            detail: detail.into(),
            on: on.map(String::from),
        }
    }

    /// A small hand-built monthly return: the report model pinned down below.
    pub(crate) fn monthly_sample() -> (Figures, Changes, Imprint) {
        let mut counts: BTreeMap<String, u64> = [
            ("on_register", 3),
            ("red", 1),
            ("amber", 1),
            ("green", 0),
            ("blue", 1),
            ("added", 1),
            ("left", 1),
            ("admissions", 1),
            ("discharges", 0),
            ("reviews_held", 2),
            ("reviews_overdue", 1),
            ("actions_open", 4),
            ("actions_overdue", 1),
            ("referrals_received", 2),
            ("referrals_accepted", 1),
            ("referrals_declined", 0),
            ("referrals_awaiting", 1),
            ("referrals_overdue", 0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        counts.insert("reviews_held_community".into(), 1);
        counts.insert("reviews_held_inpatient".into(), 1);
        let row = |nhs: &str, name: &str, rating, previous, change: &str| MonthlyRow {
            nhs_number: nhs.into(),
            name: name.into(),
            age_band: "18-25".into(),
            rating,
            previous_rating: previous,
            change: change.into(),
            setting: "Family home".into(),
            last_review: Some("2026-10-02".into()),
            next_review_due: Some("2027-01-04".into()),
            actions_open: 2,
            actions_overdue: 1,
            keyworker: Some("=HYPERLINK(\"x\")".into()),
        };
        let figures = Figures {
            kind: "monthly".into(),
            period: "2026-10".into(),
            as_at: "2026-10-31 23:59:59".into(),
            counts,
            by_rating_and_band: BTreeMap::new(),
            monthly_rows: vec![
                row(
                    "999 000 0018",
                    "Zoë Ñúñez",
                    Some(Rating::Red),
                    Some(Rating::Amber),
                    "up",
                ),
                row(
                    "999 000 0026",
                    "Siân Łukasz",
                    Some(Rating::Blue),
                    Some(Rating::Blue),
                    "same",
                ),
                row(
                    "999 000 0034",
                    "Oisín Ó Súilleabháin",
                    Some(Rating::Amber),
                    None,
                    "new",
                ),
            ],
            weekly_rows: Vec::new(),
        };
        let changes = Changes {
            previous_period: "2026-09".into(),
            previous_as_at: "2026-09-30 23:59:59".into(),
            before: [
                ("on_register", 3),
                ("red", 0),
                ("amber", 2),
                ("green", 0),
                ("blue", 1),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            joined: vec![change(
                "999 000 0034",
                "Oisín Ó Súilleabháin",
                "Registered, amber",
                Some("2026-10-12"),
            )],
            left: vec![change(
                "999 000 0042",
                "José Ruiz",
                "Closed: moved out of area",
                Some("2026-10-20"),
            )],
            rating_changes: vec![change("999 000 0018", "Zoë Ñúñez", "amber to red", None)],
            admissions: Vec::new(),
            discharges: Vec::new(),
        };
        let imprint = Imprint {
            organisation: "NHS Cambridgeshire and Peterborough ICB".into(),
            printed_by: "Cara Commissioner (commissioner)".into(),
            printed_at: datetime!(2026-11-02 10:14:30 UTC),
        };
        (figures, changes, imprint)
    }

    /// Compares with the file under `src/reports/snapshots/`; `UPDATE_SNAPSHOTS=1` rewrites it.
    fn snapshot(name: &str, actual: &Report) {
        let text = serde_json::to_string_pretty(actual).unwrap() + "\n";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/reports/snapshots")
            .join(format!("{name}.json"));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_SNAPSHOTS=1", path.display()));
        assert_eq!(
            text, expected,
            "report model changed: review, then UPDATE_SNAPSHOTS=1"
        );
    }

    #[test]
    fn monthly_report_model() {
        let (f, c, i) = monthly_sample();
        let report = build(&f, &c, &i);
        snapshot("monthly", &report);
        // The points a reader relies on, spelled out as well.
        assert_eq!(report.period, "October 2026");
        assert_eq!(report.as_at, "23:59:59 on 31 October 2026");
        assert_eq!(
            report.generated,
            "Cara Commissioner (commissioner), 2 November 2026 at 10:14 UTC"
        );
        assert_eq!(report.table.rows.len(), 3);
        assert_eq!(report.table.rows[0][4], "Up from amber");
        assert_eq!(report.table.rows[0][6], "02 Oct 2026");
        assert!(
            report
                .table
                .rows
                .iter()
                .all(|r| r.len() == report.table.columns.len())
        );
        assert_eq!(
            report.changes[0].lines[0],
            "On the register: 3 then, 3 now (no change)"
        );
        assert_eq!(report.changes[2].heading, "Left (1)");
        assert_eq!(
            report.chart.iter().map(|b| b.value).collect::<Vec<_>>(),
            [1, 1, 0, 1]
        );
    }

    #[test]
    fn taking_the_figures_builds_the_same_report() {
        let (f, c, i) = monthly_sample();
        assert_eq!(build_from(f.clone(), &c, &i), build(&f, &c, &i));
        let (mut w, c, i) = monthly_sample();
        w.kind = "weekly".into();
        w.weekly_rows = vec![WeeklyRow {
            nhs_number: "999 000 0026".into(),
            name: "Siân Łukasz".into(),
            admitted_on: "2026-08-01".into(),
            hospital: "Cavell Centre, Ward 3".into(),
            security_level: "medium".into(),
            legal_status: "section_3".into(),
            length_of_stay_days: 113,
            last_review: None,
            next_review_due: Some("2026-11-29".into()),
            last_visit: Some("2026-10-30".into()),
            next_visit_due: None,
            planned_discharge_on: None,
        }];
        let report = build_from(w.clone(), &c, &i);
        assert_eq!(report, build(&w, &c, &i));
        assert_eq!(
            report.table.rows.len(),
            1,
            "the weekly rows, not the monthly"
        );
    }

    #[test]
    fn weekly_report_model() {
        let (mut f, c, i) = monthly_sample();
        f.kind = "weekly".into();
        f.period = "2026-11-22".into();
        f.as_at = "2026-11-22 23:59:59".into();
        f.monthly_rows.clear();
        f.counts.insert("in_hospital".into(), 1);
        f.weekly_rows = vec![WeeklyRow {
            nhs_number: "999 000 0026".into(),
            name: "Siân Łukasz".into(),
            admitted_on: "2026-08-01".into(),
            hospital: "Cavell Centre, Ward 3".into(),
            security_level: "medium".into(),
            legal_status: "section_3".into(),
            length_of_stay_days: 113,
            last_review: None,
            next_review_due: Some("2026-11-29".into()),
            last_visit: Some("2026-10-30".into()),
            next_visit_due: Some("2026-12-25".into()),
            planned_discharge_on: None,
        }];
        let report = build(&f, &c, &i);
        snapshot("weekly", &report);
        assert_eq!(report.title, "Weekly inpatient return");
        assert_eq!(report.period, "Week ending Sunday 22 November 2026");
        assert_eq!(report.summary[0], ("In hospital".to_string(), 1));
        assert_eq!(report.table.rows[0][5], "Section 3");
        assert_eq!(report.table.rows[0][6], "113");
    }
}
