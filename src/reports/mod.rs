//! Returns rendered for people and systems: the report model, its PDF (printpdf) and the CSV
//! of the per-person rows.

pub mod at_csv;
pub mod csv;
pub mod model;
pub mod pdf;
