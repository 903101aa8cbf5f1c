//! Bringing a register in from a spreadsheet: the fields a column can fill, how a header names
//! one, and how the cells spreadsheets really hold (text, numbers, Excel serial dates, yes/no in
//! its many spellings) become the text a register form sends. Nothing here decides who may join
//! the register: the rows become the same inputs as the forms and pass the same checks.

use std::collections::BTreeMap;
use time::{Date, Duration, Month};

/// One column of an import, as the spreadsheet gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date cell: days since the 1900 epoch (its serial number).
    Date(f64),
    Bool(bool),
}

/// What a field's value is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    YesNo,
    NhsNumber,
    /// The NHS ethnic category: its code or its words (`A`, `White British`), as the code.
    Ethnicity,
    /// One word of a vocabulary (`family_home`, `section_3`): spaces and hyphens become `_`.
    Word,
}

macro_rules! fields {
    ($($variant:ident = $name:literal, $kind:ident, $title:literal, [$($alias:literal),*];)*) => {
        /// A tcr field an import column can fill.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Field { $($variant),* }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            /// Its name (the API's field name; a mapping file's key).
            pub fn name(self) -> &'static str {
                match self { $(Field::$variant => $name),* }
            }

            /// How the import page labels it.
            pub fn title(self) -> &'static str {
                match self { $(Field::$variant => $title),* }
            }

            pub fn kind(self) -> Kind {
                match self { $(Field::$variant => Kind::$kind),* }
            }

            /// Header spellings seen in registers kept in spreadsheets, besides the name.
            fn aliases(self) -> &'static [&'static str] {
                match self { $(Field::$variant => &[$($alias),*]),* }
            }
        }
    };
}

fields! {
    NhsNumber = "nhs_number", NhsNumber, "NHS number", ["nhs no", "nhs", "nhs num"];
    GivenName = "given_name", Text, "Given name", ["first name", "forename", "forenames", "given names"];
    FamilyName = "family_name", Text, "Family name", ["surname", "last name"];
    DateOfBirth = "date_of_birth", Date, "Date of birth", ["dob", "birth date"];
    Sex = "sex", Word, "Sex", ["gender"];
    Postcode = "postcode", Text, "Postcode", ["post code"];
    LocalAuthority = "local_authority", Text, "Local authority", ["la", "council"];
    LearningDisability = "learning_disability", YesNo, "Learning disability", ["ld"];
    Autism = "autism", YesNo, "Autism", ["autistic", "asd"];
    Ehcp = "ehcp", YesNo, "EHCP", ["ehc plan"];
    Setting = "setting", Word, "Current setting", ["current setting", "placement"];
    SocialWorker = "social_worker", Text, "Social worker", ["allocated social worker"];
    SocialWorkerFrom = "social_worker_from", Date, "Social worker from", [];
    Keyworker = "keyworker", Text, "Keyworker", ["key worker"];
    Ethnicity = "ethnicity", Ethnicity, "Ethnicity (NHS ethnic category)", ["ethnic group", "ethnic category", "ethnic origin", "ethnicity code"];
    RegisteredOn = "registered_on", Date, "Joined the register on", ["date added", "date registered", "added to register"];
    ConsentBasis = "consent_basis", Word, "Consent basis", ["consent"];
    ConsentRecordedOn = "consent_recorded_on", Date, "Consent recorded on", ["consent date", "date of consent"];
    ConsentGivenBy = "consent_given_by", Text, "Consent given by", [];
    ConsentRelationship = "consent_relationship", Text, "Relationship of who consented", [];
    ConsentGillickCompetent = "consent_gillick_competent", YesNo, "Gillick competent", ["gillick", "gillick competent"];
    ConsentCapacityAssessedOn = "consent_capacity_assessed_on", Date, "Capacity assessed on", ["capacity assessment date"];
    ConsentBestInterestsDecisionOn = "consent_best_interests_decision_on", Date, "Best-interests decision on", ["best interests decision date", "best interests meeting"];
    Rating = "rating", Word, "Rating (red, amber, green)", ["rag", "rag rating", "risk rating", "current rating"];
    RatingOn = "rating_on", Date, "Rating given on", ["rating date", "rag date", "date rated"];
    AdmittedOn = "admitted_on", Date, "Admitted on", ["admission date", "date admitted"];
    Hospital = "hospital", Text, "Hospital", ["hospital name"];
    HospitalOdsCode = "hospital_ods_code", Text, "Hospital ODS code", ["ods code"];
    SecurityLevel = "security_level", Word, "Security level", ["security"];
    LegalStatus = "legal_status", Word, "Legal status", ["mha", "mha status", "mha section", "section"];
    PlannedDischargeOn = "planned_discharge_on", Date, "Planned discharge on", ["planned discharge date"];
}

impl Field {
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The consent fields: a row whose only problems are here needs consent, not correction.
    pub fn is_consent(self) -> bool {
        self.name().starts_with("consent_")
    }

    /// The fields of an open admission.
    pub fn is_admission(self) -> bool {
        matches!(
            self,
            Field::AdmittedOn
                | Field::Hospital
                | Field::HospitalOdsCode
                | Field::SecurityLevel
                | Field::LegalStatus
                | Field::PlannedDischargeOn
        )
    }
}

/// A header as compared: letters and digits only, lower case (`NHS No.` → `nhsno`).
fn folded(header: &str) -> String {
    header
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The field a header names exactly: its name, case, spaces and underscores aside (API.md).
pub fn field_named(header: &str) -> Option<Field> {
    let h = folded(header);
    Field::ALL.iter().copied().find(|f| folded(f.name()) == h)
}

/// The field a header probably means: its name, or one of the spellings registers use.
pub fn guess_field(header: &str) -> Option<Field> {
    field_named(header).or_else(|| {
        let h = folded(header);
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.aliases().iter().any(|a| folded(a) == h))
    })
}

/// Which column fills which field (by the column's header as written in the file).
pub type Mapping = BTreeMap<Field, String>;

/// A mapping for these headers: each field to the first column whose header names it (exactly
/// when `exact`, else also by the usual spellings).
pub fn mapping_for(headers: &[String], exact: bool) -> Mapping {
    let mut mapping = Mapping::new();
    for h in headers {
        let found = if exact {
            field_named(h)
        } else {
            guess_field(h)
        };
        if let Some(f) = found {
            mapping.entry(f).or_insert_with(|| h.clone());
        }
    }
    mapping
}

/// The day an Excel serial number stands for (1900 date system; serial 60 is Excel's
/// 29 February 1900, which never was, so serials from 61 count from 30 December 1899).
pub fn excel_date(serial: f64) -> Option<Date> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as i64;
    let epoch = Date::from_calendar_date(1899, Month::December, 30).ok()?;
    let days = if days < 61 { days + 1 } else { days };
    epoch.checked_add(Duration::days(days))
}

/// A day as typed into a spreadsheet: `2026-10-31`, `31/10/2026` (or `31-10-2026`,
/// `31.10.2026`), with or without leading zeros, or a serial number written as text.
pub fn text_date(s: &str) -> Option<Date> {
    let s = s.trim();
    // A date cell exported as text sometimes carries a midnight time.
    let s = s
        .strip_suffix(" 00:00:00")
        .or_else(|| s.strip_suffix("T00:00:00"))
        .unwrap_or(s);
    if let Some(d) = crate::domain::input::parse_date(s) {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 4
        && (1..=2).contains(&d.len())
        && (1..=2).contains(&m.len())
    {
        let (d, m, y) = (
            d.parse::<u8>().ok()?,
            m.parse::<u8>().ok()?,
            y.parse().ok()?,
        );
        return Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok();
    }
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && s.len() <= 6 {
        return excel_date(s.parse().ok()?);
    }
    None
}

/// Yes or no in the spellings spreadsheets use.
pub fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "t" | "1" => Some(true),
        "no" | "n" | "false" | "f" | "0" => Some(false),
        _ => None,
    }
}

/// A word of a vocabulary as people type it: `Family home` → `family_home`, `Section 3` →
/// `section_3`, `Best-interests` → `best_interests`. The vocabulary then says if it is one.
pub fn word(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let joined: Vec<&str> = lower
        .split([' ', '-', '_'])
        .filter(|p| !p.is_empty())
        .collect();
    let w = joined.join("_");
    match w.as_str() {
        // Sex is often kept as a letter.
        "f" => "female".into(),
        "m" => "male".into(),
        _ => w,
    }
}

/// A whole number as its digits (NHS numbers and codes kept as numbers lose nothing else).
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// What a cell says as the text a form would send for this field: `Ok(None)` when empty,
/// `Err` with what to enter when it cannot be read as the field's kind. Dates come out as
/// `YYYY-MM-DD`, yes/no as `true`/`false`; the register's own checks then judge the value.
pub fn value_of(field: Field, cell: &Cell) -> Result<Option<String>, String> {
    let text = match cell {
        Cell::Empty => return Ok(None),
        Cell::Text(t) if t.trim().is_empty() => return Ok(None),
        Cell::Text(t) => t.trim().to_string(),
        Cell::Number(n) => number_text(*n),
        Cell::Date(serial) => match field.kind() {
            Kind::Date => {
                return excel_date(*serial)
                    .map(|d| Some(d.to_string()))
                    .ok_or_else(|| "This date cell holds no day tcr can read".into());
            }
            _ => return Err("This is a date; enter text".into()),
        },
        Cell::Bool(b) => b.to_string(),
    };
    match field.kind() {
        Kind::Text => Ok(Some(text)),
        Kind::NhsNumber => Ok(Some(text)),
        Kind::Word => Ok(Some(word(&text))),
        Kind::Ethnicity => crate::domain::ethnicity::Ethnicity::read(&text)
            .map(|e| Some(e.as_str().to_string()))
            .ok_or_else(|| {
                "Enter the NHS ethnic category: its code (A to S, Z or 99) or its words, like White - British".into()
            }),
        Kind::YesNo => yes_no(&text)
            .map(|b| Some(b.to_string()))
            .ok_or_else(|| "Enter yes or no".into()),
        Kind::Date => {
            let day = match cell {
                Cell::Number(n) => excel_date(*n),
                _ => text_date(&text),
            };
            day.map(|d| Some(d.to_string()))
                .ok_or_else(|| "Enter the date as YYYY-MM-DD or DD/MM/YYYY".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn headers_are_matched_by_name_and_by_the_usual_spellings() {
        assert_eq!(field_named("NHS Number"), Some(Field::NhsNumber));
        assert_eq!(field_named("nhs_number"), Some(Field::NhsNumber));
        assert_eq!(field_named("Consent Basis"), Some(Field::ConsentBasis));
        assert_eq!(field_named("NHS No."), None);
        assert_eq!(guess_field("NHS No."), Some(Field::NhsNumber));
        assert_eq!(guess_field("Surname"), Some(Field::FamilyName));
        assert_eq!(guess_field("DOB"), Some(Field::DateOfBirth));
        assert_eq!(guess_field("RAG rating"), Some(Field::Rating));
        assert_eq!(guess_field("Favourite colour"), None);
        let headers: Vec<String> = ["Forename", "Surname", "Surname", "Notes"]
            .map(String::from)
            .into();
        let m = mapping_for(&headers, false);
        assert_eq!(m.len(), 2);
        assert_eq!(m[&Field::FamilyName], "Surname");
        assert!(mapping_for(&headers, true).is_empty());
    }

    #[test]
    fn excel_serial_dates_count_from_1900_with_its_phantom_leap_day() {
        assert_eq!(excel_date(1.0), Some(date!(1900 - 01 - 01)));
        assert_eq!(excel_date(59.0), Some(date!(1900 - 02 - 28)));
        assert_eq!(excel_date(61.0), Some(date!(1900 - 03 - 01)));
        assert_eq!(excel_date(46326.0), Some(date!(2026 - 10 - 31)));
        // A time of day is not a different day.
        assert_eq!(excel_date(46326.75), Some(date!(2026 - 10 - 31)));
        assert_eq!(excel_date(0.0), None);
        assert_eq!(excel_date(f64::NAN), None);
        assert_eq!(excel_date(-3.0), None);
    }

    #[test]
    fn dates_in_the_forms_spreadsheets_hold() {
        for (text, day) in [
            ("2026-10-31", Some(date!(2026 - 10 - 31))),
            ("31/10/2026", Some(date!(2026 - 10 - 31))),
            ("1/2/2026", Some(date!(2026 - 02 - 01))),
            ("01-02-2026", Some(date!(2026 - 02 - 01))),
            ("31.10.2026", Some(date!(2026 - 10 - 31))),
            ("2026-10-31 00:00:00", Some(date!(2026 - 10 - 31))),
            ("46326", Some(date!(2026 - 10 - 31))),
            ("31/02/2026", None),
            ("10/31/2026", None),
            ("31/10/26", None),
            ("soon", None),
            ("", None),
        ] {
            assert_eq!(text_date(text), day, "{text}");
        }
    }

    #[test]
    fn cells_become_what_a_form_sends() {
        let v = |f, c| value_of(f, &c);
        assert_eq!(
            v(Field::NhsNumber, Cell::Number(9434765919.0)),
            Ok(Some("9434765919".into()))
        );
        assert_eq!(
            v(Field::DateOfBirth, Cell::Date(46326.0)),
            Ok(Some("2026-10-31".into()))
        );
        assert_eq!(
            v(Field::DateOfBirth, Cell::Number(46326.0)),
            Ok(Some("2026-10-31".into()))
        );
        assert!(v(Field::DateOfBirth, Cell::Text("next week".into())).is_err());
        assert_eq!(
            v(Field::Autism, Cell::Text("Y".into())),
            Ok(Some("true".into()))
        );
        assert_eq!(
            v(Field::Autism, Cell::Bool(false)),
            Ok(Some("false".into()))
        );
        assert_eq!(v(Field::Autism, Cell::Number(1.0)), Ok(Some("true".into())));
        assert!(v(Field::Autism, Cell::Text("maybe".into())).is_err());
        assert_eq!(
            v(Field::Setting, Cell::Text("Family home".into())),
            Ok(Some("family_home".into()))
        );
        assert_eq!(
            v(Field::LegalStatus, Cell::Text("Section 3".into())),
            Ok(Some("section_3".into()))
        );
        assert_eq!(
            v(Field::Sex, Cell::Text("F".into())),
            Ok(Some("female".into()))
        );
        assert_eq!(
            v(Field::Ethnicity, Cell::Text("White British".into())),
            Ok(Some("A".into()))
        );
        assert_eq!(
            v(Field::Ethnicity, Cell::Number(99.0)),
            Ok(Some("99".into()))
        );
        assert!(v(Field::Ethnicity, Cell::Text("Martian".into())).is_err());
        assert_eq!(guess_field("Ethnic group"), Some(Field::Ethnicity));
        assert_eq!(v(Field::GivenName, Cell::Text("  ".into())), Ok(None));
        assert_eq!(v(Field::GivenName, Cell::Empty), Ok(None));
        // A formula-looking name is just text: nothing here evaluates it.
        assert_eq!(
            v(Field::GivenName, Cell::Text("=1+1".into())),
            Ok(Some("=1+1".into()))
        );
    }
}
