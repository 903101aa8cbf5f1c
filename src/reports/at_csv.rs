//! The Assuring Transformation export of a return: one row per spell in hospital at its as-at
//! day, one column per item in the order `policies/assuring-transformation.toml` gives
//! (`export.columns`). Codes are written as the policy's codes, days as `YYYY-MM-DD`, yes/no as
//! `yes`/`no`; a de-identified row's identifying columns are empty. Same CSV rules as the
//! return's own (`super::csv`).

use super::csv::line;
use crate::domain::inpatients::Collection;
use crate::domain::returns::WeeklyRow;
use time::Date;

fn day(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// The stay's items, as the weekly return's own CSV adds them after its columns (codes as the
/// policy's codes): the collection's items recorded on the stay, as at the return's day.
pub const STAY_ITEMS: [(&str, &str); 12] = [
    ("hospital_ods_code", "Hospital ODS code"),
    ("provider", "Provider"),
    ("admission_reason", "Reason for admission"),
    (
        "on_register_before_admission",
        "On the register before admission",
    ),
    ("diagnosed_after_admission", "Diagnosed after admission"),
    ("advocate_type", "Advocate"),
    ("discharge_barriers", "Barriers to discharge"),
    ("planned_transfer_on", "Planned transfer"),
    ("section17_leave_from", "Section 17 leave from"),
    ("section17_leave_to", "Section 17 leave to"),
    ("ehc_plan", "EHC plan"),
    ("cqc_rating", "CQC rating"),
];

/// One cell of a row, by its column's name (a name the policy check knows).
pub(super) fn value(r: &WeeklyRow, column: &str) -> String {
    let at = r.at.as_ref();
    let items = at.map(|a| &a.items);
    let text = |v: Option<&String>| v.cloned().unwrap_or_default();
    match column {
        "local_reference" => text(r.local_reference.as_ref()),
        "nhs_number" => r.nhs_number.replace(' ', ""),
        "given_name" => text(at.and_then(|a| a.given_name.as_ref())),
        "family_name" => text(at.and_then(|a| a.family_name.as_ref())),
        "date_of_birth" => day(at.and_then(|a| a.date_of_birth)),
        "postcode" => text(at.and_then(|a| a.postcode.as_ref())),
        "sex" => at.map(|a| a.sex.clone()).unwrap_or_default(),
        "age_band" => r.age_band.clone(),
        "basis" => r.basis.as_str().to_string(),
        "de_identified" => yes_no(r.local_reference.is_some()),
        "spell_id" => at.map(|a| a.spell_id.clone()).unwrap_or_default(),
        "spell_start" => r.admitted_on.to_string(),
        "episode_start" => day(at.map(|a| a.episode_started_on)),
        "hospital" => r.hospital.clone(),
        "hospital_ods_code" => text(at.and_then(|a| a.hospital_ods_code.as_ref())),
        "provider" => text(items.and_then(|i| i.provider.as_ref())),
        "security_level" => r.security_level.clone(),
        "legal_status" => r.legal_status.clone(),
        "length_of_stay_days" => r.length_of_stay_days.to_string(),
        "admission_reason" => text(items.and_then(|i| i.admission_reason.as_ref())),
        "on_register_before_admission" => at
            .map(|a| yes_no(a.on_register_before_admission))
            .unwrap_or_default(),
        "diagnosed_after_admission" => {
            text(items.and_then(|i| i.diagnosed_after_admission.as_ref()))
        }
        "advocate_type" => text(items.and_then(|i| i.advocate_type.as_ref())),
        "discharge_barriers" => items
            .map(|i| {
                i.discharge_barriers
                    .iter()
                    .map(|b| format!("{}:{}", b.code, b.since))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default(),
        "planned_transfer_on" => day(items.and_then(|i| i.planned_transfer_on)),
        "planned_discharge_on" => day(r.planned_discharge_on),
        "section17_leave_from" => day(items.and_then(|i| i.section17_leave_from)),
        "section17_leave_to" => day(items.and_then(|i| i.section17_leave_to)),
        "ehc_plan" => text(items.and_then(|i| i.ehc_plan.as_ref())),
        "cqc_rating" => text(items.and_then(|i| i.cqc_rating.as_ref())),
        _ => String::new(),
    }
}

/// The export: a header of the policy's column names, then one line per spell.
pub fn render(rows: &[WeeklyRow], collection: &Collection) -> String {
    let columns = &collection.export.columns;
    let mut out = line(columns);
    for r in rows {
        let cells: Vec<String> = columns.iter().map(|c| value(r, c)).collect();
        out.push_str(&line(&cells));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::inpatients::{Barrier, Export, StayItems};
    use crate::domain::person::InpatientBasis;
    use crate::domain::returns::AtDetails;
    use time::macros::date;

    fn collection(columns: &[&str]) -> Collection {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/policies/assuring-transformation.toml"
        );
        let mut c: Collection =
            toml::from_str(&std::fs::read_to_string(path).expect("read")).expect("parse");
        c.export = Export {
            columns: columns.iter().map(|c| c.to_string()).collect(),
        };
        c
    }

    fn row() -> WeeklyRow {
        WeeklyRow {
            nhs_number: "943 476 5919".into(),
            name: "Sam Lee".into(),
            local_reference: None,
            age_band: "26+".into(),
            basis: InpatientBasis::AssuringTransformation,
            admitted_on: date!(2026 - 10 - 01),
            hospital: "Oak Ward, Elm House".into(),
            security_level: "medium".into(),
            legal_status: "section_3".into(),
            length_of_stay_days: 59,
            last_review: None,
            next_review_due: None,
            last_visit: None,
            next_visit_due: None,
            planned_discharge_on: None,
            at: Some(AtDetails {
                spell_id: "s-1".into(),
                episode_started_on: date!(2026 - 11 - 01),
                hospital_ods_code: Some("RV5".into()),
                given_name: Some("Sam".into()),
                family_name: Some("=Lee".into()),
                date_of_birth: Some(date!(1990 - 01 - 02)),
                postcode: Some("PE1 1AA".into()),
                sex: "male".into(),
                on_register_before_admission: false,
                items: StayItems {
                    discharge_barriers: vec![
                        Barrier {
                            code: "funding".into(),
                            since: date!(2026 - 11 - 03),
                        },
                        Barrier {
                            code: "no_accommodation".into(),
                            since: date!(2026 - 11 - 05),
                        },
                    ],
                    ehc_plan: Some("not_applicable".into()),
                    ..StayItems::default()
                },
            }),
        }
    }

    /// The columns come in the policy's order, whatever it is; formulas stay text.
    #[test]
    fn columns_in_the_policys_order() {
        let c = collection(&[
            "spell_id",
            "family_name",
            "nhs_number",
            "hospital",
            "discharge_barriers",
            "ehc_plan",
            "on_register_before_admission",
            "episode_start",
            "basis",
        ]);
        let text = render(&[row()], &c);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "spell_id,family_name,nhs_number,hospital,discharge_barriers,ehc_plan,on_register_before_admission,episode_start,basis"
        );
        assert_eq!(
            lines[1],
            "s-1,'=Lee,9434765919,\"Oak Ward, Elm House\",funding:2026-11-03;no_accommodation:2026-11-05,not_applicable,no,2026-11-01,assuring_transformation"
        );
        assert_eq!(lines.len(), 3);
    }

    /// A de-identified row carries its local reference and none of the identifying columns.
    #[test]
    fn de_identified_rows_carry_no_identity() {
        let mut r = row();
        r.nhs_number = String::new();
        r.name = "L-ABC".into();
        r.local_reference = Some("L-ABC".into());
        if let Some(at) = r.at.as_mut() {
            at.given_name = None;
            at.family_name = None;
            at.date_of_birth = None;
            at.postcode = None;
        }
        let c = collection(&[
            "local_reference",
            "nhs_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "postcode",
            "de_identified",
        ]);
        let text = render(&[r], &c);
        assert_eq!(text.split("\r\n").nth(1), Some("L-ABC,,,,,,yes"));
    }
}
