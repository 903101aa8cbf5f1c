//! Inpatients for NHS England's Assuring Transformation (AT) collection: the hospital's
//! organisation code, and the reference that stands for someone who objects to identifiable
//! sharing.

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
