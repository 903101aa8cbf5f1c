//! The per-person rows of a return as CSV (RFC 4180: comma-separated, CRLF line ends, fields
//! quoted when they hold a comma, quote or line break, quotes doubled). A cell a spreadsheet
//! would read as a formula (starting `=`, `+`, `-`, `@`, tab or carriage return) is prefixed
//! with an apostrophe so it stays text.

use super::at_csv::{STAY_ITEMS, value};
use crate::domain::returns::Figures;

fn cell(value: &str) -> String {
    let safe = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

pub fn line(cells: &[String]) -> String {
    let mut out = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// A day as `2026-10-31`, or nothing.
fn day_cell(d: Option<time::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The rows of the return: one per person on the register (monthly) or in hospital (weekly).
pub fn render(f: &Figures) -> String {
    if f.kind == "weekly" {
        weekly(f)
    } else {
        monthly(f)
    }
}

/// The weekly return's rows: the stay as at the Sunday, then the collection's items.
fn weekly(f: &Figures) -> String {
    let mut out = String::new();
    out.push_str(&line(
        &[
            "NHS number",
            "Name",
            "Admitted",
            "Hospital",
            "Security level",
            "Legal status",
            "Length of stay (days)",
            "Last review",
            "Next review due",
            "Last oversight visit",
            "Next visit due",
            "Planned discharge",
            "Age band",
            "Basis",
            "De-identified",
        ]
        .into_iter()
        .chain(STAY_ITEMS.iter().map(|(_, title)| *title))
        .map(String::from)
        .collect::<Vec<_>>(),
    ));
    for r in &f.weekly_rows {
        out.push_str(&line(
            &[
                r.nhs_number.clone(),
                r.name.clone(),
                r.admitted_on.to_string(),
                r.hospital.clone(),
                r.security_level.clone(),
                r.legal_status.clone(),
                r.length_of_stay_days.to_string(),
                day_cell(r.last_review),
                day_cell(r.next_review_due),
                day_cell(r.last_visit),
                day_cell(r.next_visit_due),
                day_cell(r.planned_discharge_on),
                r.age_band.clone(),
                r.basis.as_str().to_string(),
                yes_no(r.local_reference.is_some()),
            ]
            .into_iter()
            .chain(STAY_ITEMS.iter().map(|(column, _)| value(r, column)))
            .collect::<Vec<_>>(),
        ));
    }
    out
}

/// The monthly return's rows: one per person on the register.
fn monthly(f: &Figures) -> String {
    let mut out = String::new();
    out.push_str(&line(
        &[
            "NHS number",
            "Name",
            "Age band",
            "Rating",
            "Previous rating",
            "Change",
            "Setting",
            "Last review",
            "Next review due",
            "Open actions",
            "Overdue actions",
            "Keyworker",
        ]
        .map(String::from),
    ));
    let rating = |r: Option<crate::domain::risk::Rating>| {
        r.map(|r| r.as_str().to_string()).unwrap_or_default()
    };
    for r in &f.monthly_rows {
        out.push_str(&line(&[
            r.nhs_number.clone(),
            r.name.clone(),
            r.age_band.clone(),
            rating(r.rating),
            rating(r.previous_rating),
            r.change.clone(),
            r.setting.clone(),
            day_cell(r.last_review),
            day_cell(r.next_review_due),
            r.actions_open.to_string(),
            r.actions_overdue.to_string(),
            opt(&r.keyworker),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::returns::MonthlyRow;

    #[test]
    fn quoting_and_formula_safety() {
        let cases = [
            ("plain", "plain"),
            ("Lee, Sam", "\"Lee, Sam\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("+44 1733", "'+44 1733"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("Zoë Łukasz", "Zoë Łukasz"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(cell(input), want, "{input:?}");
        }
    }

    fn day(s: &str) -> time::Date {
        crate::domain::input::parse_date(s).unwrap()
    }

    #[test]
    fn monthly_rows_with_a_header_and_crlf() {
        let f = Figures {
            kind: "monthly".into(),
            period: "2026-10".into(),
            as_at: day("2026-10-31"),
            counts: Default::default(),
            by_rating_and_band: Default::default(),
            monthly_rows: vec![MonthlyRow {
                nhs_number: "999 000 0050".into(),
                name: "Siân O'Neil, Jr".into(),
                local_reference: None,
                age_band: "0-17".into(),
                rating: Some(crate::domain::risk::Rating::Red),
                previous_rating: None,
                change: "new".into(),
                setting: "Family home".into(),
                last_review: None,
                next_review_due: Some(day("2026-11-14")),
                actions_open: 2,
                actions_overdue: 1,
                keyworker: Some("=cmd".into()),
            }],
            weekly_rows: vec![],
        };
        let text = render(&f);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.len(), 3, "header, one row, and the final CRLF");
        assert!(lines[0].starts_with("NHS number,Name,Age band,Rating"));
        assert_eq!(
            lines[1],
            "999 000 0050,\"Siân O'Neil, Jr\",0-17,red,,new,Family home,,2026-11-14,2,1,'=cmd"
        );
    }
}
