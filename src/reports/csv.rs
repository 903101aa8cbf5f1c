//! Sheets as CSV, a return's per-person rows among them (RFC 4180: comma-separated, CRLF line
//! ends, fields quoted when they hold a comma, quote or line break, quotes doubled). A cell a spreadsheet
//! would read as a formula (starting `=`, `+`, `-`, `@`, tab or carriage return) is prefixed
//! with an apostrophe so it stays text.

use super::sheet::{Cell, Sheet};
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

/// A sheet as CSV: its header, then its rows (days `YYYY-MM-DD`, yes/no, whole numbers).
pub fn sheet(s: &Sheet) -> String {
    let mut out = line(&s.columns);
    for row in &s.rows {
        out.push_str(&line(&row.iter().map(Cell::as_text).collect::<Vec<_>>()));
    }
    out
}

/// The rows of the return: one per person on the register (monthly) or in hospital (weekly).
pub fn render(f: &Figures) -> String {
    sheet(&super::return_sheet::rows(f))
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
