//! Inpatients for NHS England's Assuring Transformation (AT) collection: the collection's code
//! lists and export columns (`policies/assuring-transformation.toml`), the hospital's
//! organisation code, and the reference that stands for someone who objects to identifiable
//! sharing.

use serde::{Deserialize, Serialize};
use time::Date;

/// The collection's items recorded on a stay (each a code of its list, a day, or words), as
/// they stand from a day: a change keeps the earlier values for earlier days, as the stay's
/// security level and legal status do. Stored as one JSON value on the stay and its revisions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StayItems {
    /// The provider running the hospital.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_reason: Option<String>,
    /// A learning disability or autism first diagnosed after the admission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosed_after_admission: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advocate_type: Option<String>,
    /// What keeps them in hospital, each from its day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discharge_barriers: Vec<Barrier>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::dates::iso::option"
    )]
    #[schemars(with = "Option<String>")]
    pub planned_transfer_on: Option<Date>,
    /// Section 17 extended leave, from and to.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::dates::iso::option"
    )]
    #[schemars(with = "Option<String>")]
    pub section17_leave_from: Option<Date>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::dates::iso::option"
    )]
    #[schemars(with = "Option<String>")]
    pub section17_leave_to: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ehc_plan: Option<String>,
    /// The hospital's CQC rating as recorded for this stay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cqc_rating: Option<String>,
    /// The day the ICB chief executive, the regional team and the host commissioner were told
    /// of an admission to a hospital rated inadequate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::dates::iso::option"
    )]
    #[schemars(with = "Option<String>")]
    pub cqc_notified_on: Option<Date>,
}

/// A barrier to discharge and the day it began.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Barrier {
    pub code: String,
    #[serde(with = "super::dates::iso")]
    #[schemars(with = "String")]
    pub since: Date,
}

/// The day the episode in force at the end of `day` began: the spell's start, or the day of
/// the latest transfer by then. `revisions` are the spell's earlier values in order, each as
/// (the day they gave way, their episode); `current` is the episode running now.
pub fn episode_start<'a>(
    admitted_on: Date,
    revisions: impl Iterator<Item = (Date, &'a str)>,
    current: &str,
    day: Date,
) -> Date {
    let revisions: Vec<(Date, &str)> = revisions.collect();
    let mut start = admitted_on;
    for (i, (until, episode)) in revisions.iter().enumerate() {
        let next = revisions.get(i + 1).map_or(current, |n| n.1);
        if *until <= day && next != *episode {
            start = *until;
        }
    }
    start
}

impl StayItems {
    /// The items as stored (none stored: none recorded; a value this version cannot read is
    /// the stored text's fault, named by the caller).
    pub fn from_stored(text: Option<&str>) -> Result<Self, serde_json::Error> {
        match text {
            None => Ok(Self::default()),
            Some(t) => serde_json::from_str(t),
        }
    }

    /// The items to store: none when nothing is recorded.
    pub fn to_stored(&self) -> Option<String> {
        (self != &Self::default()).then(|| serde_json::to_string(self).unwrap_or_default())
    }
}

/// One code of a list and its words: `["mental_health", "Deterioration in mental health"]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Code(pub String, pub String);

/// The collection's code lists, each in the order the forms offer it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeLists {
    pub admission_reason: Vec<Code>,
    pub diagnosed_after_admission: Vec<Code>,
    pub advocate_type: Vec<Code>,
    pub discharge_barrier: Vec<Code>,
    pub ehc_plan: Vec<Code>,
    pub cqc_rating: Vec<Code>,
}

/// Which code list an item takes its value from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    AdmissionReason,
    DiagnosedAfterAdmission,
    AdvocateType,
    DischargeBarrier,
    EhcPlan,
    CqcRating,
}

impl List {
    pub const ALL: [List; 6] = [
        List::AdmissionReason,
        List::DiagnosedAfterAdmission,
        List::AdvocateType,
        List::DischargeBarrier,
        List::EhcPlan,
        List::CqcRating,
    ];

    /// The list's name in the policy file, and the item's field name.
    pub fn name(self) -> &'static str {
        match self {
            List::AdmissionReason => "admission_reason",
            List::DiagnosedAfterAdmission => "diagnosed_after_admission",
            List::AdvocateType => "advocate_type",
            List::DischargeBarrier => "discharge_barrier",
            List::EhcPlan => "ehc_plan",
            List::CqcRating => "cqc_rating",
        }
    }
}

/// The CQC rating that raises the notification item.
pub const INADEQUATE: &str = "inadequate";

/// Every column the export knows, in no particular order (the policy gives the order).
pub const COLUMNS: &[&str] = &[
    "local_reference",
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "sex",
    "age_band",
    "basis",
    "de_identified",
    "spell_id",
    "spell_start",
    "episode_start",
    "hospital",
    "hospital_ods_code",
    "provider",
    "security_level",
    "legal_status",
    "length_of_stay_days",
    "admission_reason",
    "on_register_before_admission",
    "diagnosed_after_admission",
    "advocate_type",
    "discharge_barriers",
    "planned_transfer_on",
    "planned_discharge_on",
    "section17_leave_from",
    "section17_leave_to",
    "ehc_plan",
    "cqc_rating",
];

/// `policies/assuring-transformation.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collection {
    /// The revision of the collection the file follows.
    pub version: String,
    pub codes: CodeLists,
    pub export: Export,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub columns: Vec<String>,
}

impl Collection {
    /// The codes of one list.
    pub fn list(&self, list: List) -> &[Code] {
        let c = &self.codes;
        match list {
            List::AdmissionReason => &c.admission_reason,
            List::DiagnosedAfterAdmission => &c.diagnosed_after_admission,
            List::AdvocateType => &c.advocate_type,
            List::DischargeBarrier => &c.discharge_barrier,
            List::EhcPlan => &c.ehc_plan,
            List::CqcRating => &c.cqc_rating,
        }
    }

    /// The words for a code, if the list has it.
    pub fn label(&self, list: List, code: &str) -> Option<&str> {
        self.list(list)
            .iter()
            .find(|c| c.0 == code)
            .map(|c| c.1.as_str())
    }

    /// The codes of a list as a message lists them: `a, b or c`.
    pub fn choices(&self, list: List) -> String {
        let codes: Vec<&str> = self.list(list).iter().map(|c| c.0.as_str()).collect();
        match codes.split_last() {
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// What is wrong with the file, if anything: an empty list, a code that is not a lower-case
    /// word or is given twice, an empty label, an unknown or repeated export column, no columns,
    /// or no `inadequate` CQC rating (the notification rule reads it).
    pub fn problem(&self) -> Option<String> {
        if self.version.trim().is_empty() {
            return Some("version is empty".into());
        }
        for list in List::ALL {
            let codes = self.list(list);
            if codes.is_empty() {
                return Some(format!("codes.{} is empty", list.name()));
            }
            for (i, Code(code, label)) in codes.iter().enumerate() {
                let word = !code.is_empty()
                    && code
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !word {
                    return Some(format!(
                        "codes.{}: `{code}` is not a lower-case word (a-z, 0-9, _)",
                        list.name()
                    ));
                }
                if label.trim().is_empty() {
                    return Some(format!("codes.{}: `{code}` has no words", list.name()));
                }
                if codes[..i].iter().any(|c| &c.0 == code) {
                    return Some(format!("codes.{}: `{code}` is listed twice", list.name()));
                }
            }
        }
        if self.label(List::CqcRating, INADEQUATE).is_none() {
            return Some(format!("codes.cqc_rating must list `{INADEQUATE}`"));
        }
        if self.export.columns.is_empty() {
            return Some("export.columns is empty".into());
        }
        for (i, column) in self.export.columns.iter().enumerate() {
            if !COLUMNS.contains(&column.as_str()) {
                return Some(format!(
                    "export.columns: `{column}` is not a column the service knows ({})",
                    COLUMNS.join(", ")
                ));
            }
            if self.export.columns[..i].contains(column) {
                return Some(format!("export.columns: `{column}` is listed twice"));
            }
        }
        None
    }
}

/// A hospital's organisation (ODS) code as written: 3 to 10 letters and digits (a trust like
/// `RT5`, a site like `RT5AB`), upper-cased; spaces around it are dropped.
pub fn ods_code(raw: &str) -> Option<String> {
    let code = raw.trim().to_ascii_uppercase();
    ((3..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(code)
}

/// What the message says when an ODS code is refused.
pub const ODS_CODE_RULE: &str =
    "Enter the hospital's ODS code as 3 to 10 letters and digits, like RT5 or RT5AB";

/// The reference a de-identified row carries instead of NHS number, name, date of birth and
/// postcode: `L-` and the first 12 characters of the entry's id, stable for as long as the entry
/// is kept, meaningful only to the ICB that holds the register.
pub fn local_reference(entry_id: &str) -> String {
    let short: String = entry_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    format!("L-{}", short.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Collection {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/policies/assuring-transformation.toml"
        );
        toml::from_str(&std::fs::read_to_string(path).expect("read")).expect("parse")
    }

    #[test]
    fn the_shipped_file_is_sound_and_lists_every_column() {
        let c = shipped();
        assert_eq!(c.problem(), None);
        assert_eq!(c.export.columns.len(), COLUMNS.len());
        assert_eq!(c.label(List::CqcRating, "inadequate"), Some("Inadequate"));
        assert_eq!(
            c.choices(List::EhcPlan),
            "yes, no, being_assessed or not_applicable"
        );
    }

    #[test]
    fn a_bad_file_is_named() {
        let mut c = shipped();
        c.codes
            .advocate_type
            .push(Code("imha".into(), "Again".into()));
        assert!(c.problem().unwrap().contains("listed twice"));
        let mut c = shipped();
        c.codes.ehc_plan[0].0 = "Yes".into();
        assert!(c.problem().unwrap().contains("lower-case"));
        let mut c = shipped();
        c.export.columns.push("shoe_size".into());
        assert!(c.problem().unwrap().contains("shoe_size"));
        let mut c = shipped();
        c.codes.cqc_rating.retain(|r| r.0 != "inadequate");
        assert!(c.problem().unwrap().contains("inadequate"));
        let mut c = shipped();
        c.codes.discharge_barrier.clear();
        assert!(c.problem().unwrap().contains("empty"));
    }

    #[test]
    fn ods_codes() {
        let cases = [
            ("RT5", Some("RT5")),
            (" rt5ab ", Some("RT5AB")),
            ("R1", None),
            ("RT5-AB", None),
            ("ABCDEFGHIJK", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(ods_code(raw).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn local_references_are_short_stable_and_not_the_whole_id() {
        let id = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b";
        assert_eq!(local_reference(id), "L-3F2B8C1E9A4D");
        assert_eq!(local_reference(id), local_reference(id));
    }
}
