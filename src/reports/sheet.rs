//! One generic table for every export: a named sheet of typed cells under a header row. The
//! services fill it from their lists; `xlsx` and `csv` write it, so a column's type is decided
//! once (a date stays a date in the workbook and reads `YYYY-MM-DD` in the CSV).

use time::Date;

/// A file format an export is asked for (`?format=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }
}

/// One cell, typed so the workbook can hold it as Excel would (a date cell, a number).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Date(Date),
    Number(f64),
    Bool(bool),
    Empty,
}

impl Cell {
    /// Text, or an empty cell for none.
    pub fn text(v: Option<impl Into<String>>) -> Cell {
        v.map_or(Cell::Empty, |v| Cell::Text(v.into()))
    }

    /// A day, or an empty cell for none.
    pub fn date(v: Option<Date>) -> Cell {
        v.map_or(Cell::Empty, Cell::Date)
    }

    /// A count (every number the exports hold is a whole one).
    pub fn count(v: impl Into<u64>) -> Cell {
        // Counts of people and rows stay far below 2^53, so the f64 is exact.
        Cell::Number(v.into() as f64)
    }

    /// As the CSV writes it: days `YYYY-MM-DD`, yes/no, whole numbers without a point.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => d.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A table: its sheet name (at most 31 characters, as Excel allows), header and rows, each row
/// as long as the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    /// The marking in its printed header and footer (personal unless said otherwise: the
    /// exports name people and their care).
    pub marking: super::Marking,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: &str, columns: &[&str]) -> Self {
        Sheet {
            name: name.to_string(),
            marking: super::Marking::Personal,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// A return's headline figures as a sheet: label, number (`model::summary`'s words).
pub fn summary(figures: &[(String, u64)]) -> Sheet {
    let mut sheet = Sheet::new("Summary", &["Figure", "Number"]);
    for (label, n) in figures {
        sheet
            .rows
            .push(vec![Cell::Text(label.trim().to_string()), Cell::count(*n)]);
    }
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_as_text() {
        let day = time::macros::date!(2026 - 10 - 31);
        assert_eq!(Cell::Date(day).as_text(), "2026-10-31");
        assert_eq!(Cell::count(2u64).as_text(), "2");
        assert_eq!(Cell::Bool(true).as_text(), "yes");
        assert_eq!(Cell::text(None::<String>), Cell::Empty);
        assert_eq!(Format::parse("xlsx"), Some(Format::Xlsx));
        assert_eq!(Format::parse("XLSX"), None);
    }
}
