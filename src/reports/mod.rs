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

/// The security marking a file carries at the top and bottom of every page (the Government
/// Security Classifications): files that name people are personal; figures with exact small
/// numbers could point to someone, so they are sensitive; figures with small numbers hidden and
/// the rest rounded are official only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Marking {
    Personal,
    Sensitive,
    Official,
}

impl Marking {
    pub const fn words(self) -> &'static str {
        match self {
            Marking::Personal => "OFFICIAL-SENSITIVE: PERSONAL",
            Marking::Sensitive => "OFFICIAL-SENSITIVE",
            Marking::Official => "OFFICIAL",
        }
    }
}

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
