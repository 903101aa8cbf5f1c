//! The report model's tests: the summary, chart, breakdown and rows of each return, and the
//! snapshots under `src/reports/snapshots/`.

use super::*;
use crate::domain::returns::{Change, MonthlyRow, WeeklyRow};
use crate::domain::review::ReviewKind;
use crate::domain::risk::Rating;
use time::macros::datetime;

fn day(s: &str) -> Date {
    crate::domain::input::parse_date(s).unwrap()
}

fn change(nhs: &str, name: &str, detail: &str, on: Option<&str>) -> Change {
    Change {
        nhs_number: nhs.into(),
        name: name.into(),
        detail: detail.into(),
        on: on.map(day),
    }
}

/// A small hand-built monthly return: the report model pinned down below.
pub(crate) fn monthly_sample() -> (Figures, Changes, Imprint) {
    let mut counts = Counts::default();
    for (name, n) in [
        (Count::OnRegister, 3),
        (Count::Rated(Some(Rating::Red)), 1),
        (Count::Rated(Some(Rating::Amber)), 1),
        (Count::Rated(Some(Rating::Green)), 0),
        (Count::Rated(Some(Rating::Blue)), 1),
        (Count::Added, 1),
        (Count::Left, 1),
        (Count::Admissions, 1),
        (Count::Discharges, 0),
        (Count::ReviewsHeld, 2),
        (Count::ReviewsOverdue, 1),
        (Count::ActionsOpen, 4),
        (Count::ActionsOverdue, 1),
        (Count::ReferralsReceived, 2),
        (Count::ReferralsAccepted, 1),
        (Count::ReferralsDeclined, 0),
        (Count::ReferralsAwaiting, 1),
        (Count::ReferralsOverdue, 0),
        (Count::ReviewsHeldOf(ReviewKind::Community), 1),
        (Count::ReviewsHeldOf(ReviewKind::Inpatient), 1),
    ] {
        counts.set(name, n);
    }
    let row = |nhs: &str, name: &str, rating, previous, change: &str| MonthlyRow {
        nhs_number: nhs.into(),
        name: name.into(),
        local_reference: None,
        age_band: "18-25".into(),
        rating,
        previous_rating: previous,
        change: change.into(),
        setting: "Family home".into(),
        last_review: Some(day("2026-10-02")),
        next_review_due: Some(day("2027-01-04")),
        actions_open: 2,
        actions_overdue: 1,
        keyworker: Some("=HYPERLINK(\"x\")".into()),
    };
    let figures = Figures {
        kind: "monthly".into(),
        period: "2026-10".into(),
        as_at: day("2026-10-31"),
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
        previous_as_at: day("2026-09-30"),
        before: {
            let mut before = Counts::default();
            before.set(Count::OnRegister, 3);
            for (rating, n) in [
                (Rating::Red, 0),
                (Rating::Amber, 2),
                (Rating::Green, 0),
                (Rating::Blue, 1),
            ] {
                before.set(Count::Rated(Some(rating)), n);
            }
            before
        },
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
        local_reference: None,
        age_band: "adult".into(),
        basis: crate::domain::person::InpatientBasis::Register,
        admitted_on: day("2026-08-01"),
        hospital: "Cavell Centre, Ward 3".into(),
        security_level: "medium".into(),
        legal_status: "section_3".into(),
        length_of_stay_days: 113,
        last_review: None,
        next_review_due: Some(day("2026-11-29")),
        last_visit: Some(day("2026-10-30")),
        next_visit_due: None,
        planned_discharge_on: None,
        at: None,
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
    f.as_at = day("2026-11-22");
    f.monthly_rows.clear();
    f.counts.set(Count::InHospital, 1);
    f.weekly_rows = vec![WeeklyRow {
        nhs_number: "999 000 0026".into(),
        name: "Siân Łukasz".into(),
        local_reference: None,
        age_band: "adult".into(),
        basis: crate::domain::person::InpatientBasis::Register,
        admitted_on: day("2026-08-01"),
        hospital: "Cavell Centre, Ward 3".into(),
        security_level: "medium".into(),
        legal_status: "section_3".into(),
        length_of_stay_days: 113,
        last_review: None,
        next_review_due: Some(day("2026-11-29")),
        last_visit: Some(day("2026-10-30")),
        next_visit_due: Some(day("2026-12-25")),
        planned_discharge_on: None,
        at: None,
    }];
    let report = build(&f, &c, &i);
    snapshot("weekly", &report);
    assert_eq!(report.title, "Weekly inpatient return");
    assert_eq!(report.period, "Week ending Sunday 22 November 2026");
    assert_eq!(report.summary[0], ("In hospital".to_string(), 1));
    assert_eq!(report.table.rows[0][5], "Section 3");
    assert_eq!(report.table.rows[0][6], "113");
}
