//! Returns and lists rendered for people and systems: the report model, its PDF (printpdf), the
//! CSV of a return's per-person rows, and the exports' generic table (`sheet`) written as .xlsx
//! or CSV, the figures over time's among them (`figures_sheet`).

pub mod at_csv;
pub mod chart;
pub mod csv;
pub mod document;
pub mod figures;
pub mod figures_sheet;
pub mod model;
pub mod pdf;
pub mod return_sheet;
pub mod review_report;
pub mod sheet;
pub mod svg;
pub mod xlsx;

/// A count with its thousands grouped: `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
