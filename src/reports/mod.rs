//! Returns rendered for people and systems: CSV now; the PDF (printpdf) follows with issue 5.

pub mod csv;
