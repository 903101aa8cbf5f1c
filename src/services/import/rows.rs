//! A sheet's rows as the inputs the forms send: each row's cells, through the mapping, become a
//! `NewPerson` (with its consent), a rating and its day, and an open admission, so that the
//! register's own checks judge them.

use super::grid::Grid;
use crate::domain::import::{Cell, Field, Mapping, value_of};
use crate::services::admissions::NewAdmission;
use crate::services::people::NewPerson;
use serde_json::{Map, Value};

/// One row, read.
#[derive(Debug, Clone)]
pub(super) struct RowInput {
    pub line: usize,
    pub person: NewPerson,
    /// The person fields the row gives (an update changes only these).
    pub given: Map<String, Value>,
    pub rating: Option<String>,
    pub rating_on: Option<String>,
    pub admission: Option<NewAdmission>,
    /// `field: why` for cells that could not be read as their field.
    pub problems: Vec<String>,
}

impl RowInput {
    /// The digits of the NHS number given, for matching (the check says if they are valid).
    pub fn nhs_digits(&self) -> Option<String> {
        self.person
            .nhs_number
            .as_deref()
            .map(|n| n.chars().filter(|c| !c.is_whitespace()).collect())
    }

    /// What identifies the row to the person keeping the worklist.
    pub fn detail(&self) -> Value {
        serde_json::json!({
            "nhs_number": self.person.nhs_number,
            "given_name": self.person.given_name,
            "family_name": self.person.family_name,
            "date_of_birth": self.person.date_of_birth,
        })
    }
}

/// Which column holds each mapped field (the first with that header).
fn columns(grid: &Grid, mapping: &Mapping) -> Vec<(Field, usize)> {
    mapping
        .iter()
        .filter_map(|(field, header)| {
            grid.headers
                .iter()
                .position(|h| h == header)
                .map(|i| (*field, i))
        })
        .collect()
}

/// Every row of the sheet, read through the mapping.
pub(super) fn read_rows(grid: &Grid, mapping: &Mapping) -> Vec<RowInput> {
    let columns = columns(grid, mapping);
    grid.rows
        .iter()
        .map(|(line, cells)| row(*line, cells, &columns))
        .collect()
}

fn row(line: usize, cells: &[Cell], columns: &[(Field, usize)]) -> RowInput {
    let mut person = Map::new();
    let mut consent = Map::new();
    let mut admission = Map::new();
    let mut rating = None;
    let mut rating_on = None;
    let mut problems = Vec::new();
    for (field, i) in columns {
        let cell = cells.get(*i).unwrap_or(&Cell::Empty);
        let text = match value_of(*field, cell) {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(why) => {
                problems.push(format!("{}: {why}", field.name()));
                continue;
            }
        };
        let value = match text.as_str() {
            "true" if is_yes_no(*field) => Value::Bool(true),
            "false" if is_yes_no(*field) => Value::Bool(false),
            _ => Value::String(text.clone()),
        };
        match field {
            Field::Rating => rating = Some(text),
            Field::RatingOn => rating_on = Some(text),
            f if f.is_consent() => {
                let key = f.name().trim_start_matches("consent_");
                consent.insert(key.into(), value);
            }
            f if f.is_admission() => {
                admission.insert(f.name().into(), value);
            }
            f => {
                person.insert(f.name().into(), value);
            }
        }
    }
    let given = person.clone();
    if !consent.is_empty() {
        person.insert("consent".into(), Value::Object(consent));
    }
    // Every value is a string or a bool where the input wants one, so this cannot fail; a row
    // that somehow did would be refused, never half-read.
    let person: NewPerson = serde_json::from_value(Value::Object(person)).unwrap_or_else(|_| {
        problems.push("row: this row could not be read".into());
        NewPerson::default()
    });
    let admission = (!admission.is_empty())
        .then(|| serde_json::from_value(Value::Object(admission)).ok())
        .flatten();
    RowInput {
        line,
        person,
        given,
        rating,
        rating_on,
        admission,
        problems,
    }
}

fn is_yes_no(f: Field) -> bool {
    f.kind() == crate::domain::import::Kind::YesNo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::import::mapping_for;

    #[test]
    fn a_row_becomes_the_inputs_of_the_forms() {
        let headers: Vec<String> = [
            "NHS number",
            "Given name",
            "Autism",
            "Consent basis",
            "Consent date",
            "Rating",
            "Rating date",
            "Admission date",
            "Notes",
        ]
        .map(String::from)
        .into();
        let grid = Grid {
            rows: vec![(
                2,
                vec![
                    Cell::Number(9990000018.0),
                    Cell::Text("Jo".into()),
                    Cell::Text("Y".into()),
                    Cell::Text("Self".into()),
                    Cell::Date(46326.0),
                    Cell::Text("Amber".into()),
                    Cell::Text("soon".into()),
                    Cell::Empty,
                    Cell::Text("ignored".into()),
                ],
            )],
            headers: headers.clone(),
        };
        let rows = read_rows(&grid, &mapping_for(&headers, false));
        let r = &rows[0];
        assert_eq!(r.line, 2);
        assert_eq!(r.person.nhs_number.as_deref(), Some("9990000018"));
        assert_eq!(r.person.autism, Some(true));
        let consent = r.person.consent.as_ref().unwrap();
        assert_eq!(consent.basis.as_deref(), Some("self"));
        assert_eq!(consent.recorded_on.as_deref(), Some("2026-10-31"));
        assert_eq!(r.rating.as_deref(), Some("amber"));
        assert_eq!(r.rating_on, None);
        assert_eq!(
            r.problems,
            ["rating_on: Enter the date as YYYY-MM-DD or DD/MM/YYYY"]
        );
        assert!(r.admission.is_none());
        assert_eq!(
            r.given.keys().collect::<Vec<_>>(),
            ["autism", "given_name", "nhs_number"]
        );
    }
}
