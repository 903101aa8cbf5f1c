//! A return as sheets: its headline figures (`Summary`) and its per-person rows (`Rows`: the
//! monthly return's people on the register, the weekly return's inpatients). The return's CSV
//! is its `Rows` sheet, so the two files never disagree.

use super::at_csv::{STAY_ITEMS, value};
use super::sheet::{Cell, Sheet};
use crate::domain::returns::Figures;
use crate::domain::risk::Rating;

/// The rows of the return: one per person on the register (monthly) or in hospital (weekly).
pub fn rows(f: &Figures) -> Sheet {
    if f.kind == "weekly" {
        weekly(f)
    } else {
        monthly(f)
    }
}

/// The weekly return's rows: the stay as at the Sunday, then the collection's items.
fn weekly(f: &Figures) -> Sheet {
    let mut columns = vec![
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
    ];
    columns.extend(STAY_ITEMS.iter().map(|(_, title)| *title));
    let mut sheet = Sheet::new("Rows", &columns);
    for r in &f.weekly_rows {
        let mut row = vec![
            Cell::Text(r.nhs_number.clone()),
            Cell::Text(r.name.clone()),
            Cell::Date(r.admitted_on),
            Cell::Text(r.hospital.clone()),
            Cell::Text(r.security_level.clone()),
            Cell::Text(r.legal_status.clone()),
            Cell::Number(r.length_of_stay_days as f64),
            Cell::date(r.last_review),
            Cell::date(r.next_review_due),
            Cell::date(r.last_visit),
            Cell::date(r.next_visit_due),
            Cell::date(r.planned_discharge_on),
            Cell::Text(r.age_band.clone()),
            Cell::Text(r.basis.as_str().to_string()),
            Cell::Bool(r.local_reference.is_some()),
        ];
        row.extend(
            STAY_ITEMS
                .iter()
                .map(|(column, _)| Cell::Text(value(r, column))),
        );
        sheet.rows.push(row);
    }
    sheet
}

/// The monthly return's rows: one per person on the register.
fn monthly(f: &Figures) -> Sheet {
    let mut sheet = Sheet::new(
        "Rows",
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
        ],
    );
    let rating = |r: Option<Rating>| Cell::text(r.map(Rating::as_str));
    for r in &f.monthly_rows {
        sheet.rows.push(vec![
            Cell::Text(r.nhs_number.clone()),
            Cell::Text(r.name.clone()),
            Cell::Text(r.age_band.clone()),
            rating(r.rating),
            rating(r.previous_rating),
            Cell::Text(r.change.clone()),
            Cell::Text(r.setting.clone()),
            Cell::date(r.last_review),
            Cell::date(r.next_review_due),
            Cell::count(r.actions_open),
            Cell::count(r.actions_overdue),
            Cell::text(r.keyworker.clone()),
        ]);
    }
    sheet
}

/// The return as a workbook's sheets: the summary, and the rows for those who may see who.
pub fn sheets(f: &Figures, identifiable: bool) -> Vec<Sheet> {
    let summary = super::sheet::summary(&super::model::summary(&f.counts, f.kind == "weekly"));
    if identifiable {
        vec![summary, rows(f)]
    } else {
        vec![summary]
    }
}
