//! The register entry's vocabularies and its eligibility rule.

use time::Date;

use super::vocabulary::vocabulary;

vocabulary!(Sex {
    Female = "female" / "Female",
    Male = "male" / "Male",
    Indeterminate = "indeterminate" / "Indeterminate",
    NotKnown = "not_known" / "Not known",
});

vocabulary!(Setting {
    FamilyHome = "family_home" / "Family home",
    ResidentialSchool = "residential_school" / "Residential school",
    ResidentialCare = "residential_care" / "Residential care",
    SupportedLiving = "supported_living" / "Supported living",
    FosterCare = "foster_care" / "Foster care",
    Hospital = "hospital" / "Hospital",
    Other = "other" / "Other",
});

vocabulary!(
    /// Where an entry stands: on the register, closed (left it), or consent withdrawn.
    Status {
        Active = "active" / "Active",
        Closed = "closed" / "Closed",
        Withdrawn = "withdrawn" / "Consent withdrawn",
    }
);

/// On the register at the end of `day`: registered by then and not closed by then. (Withdrawn
/// entries are out of every read: see `services::scope`.) The lists, the dashboard, the returns
/// and the deadline engine all use this one definition.
pub fn on_register_on(registered_on: Date, closed_on: Option<Date>, day: Date) -> bool {
    registered_on <= day && closed_on.is_none_or(|c| c > day)
}

vocabulary!(SecurityLevel {
    None = "none" / "None",
    Low = "low" / "Low secure",
    Medium = "medium" / "Medium secure",
    High = "high" / "High secure",
});

vocabulary!(LegalStatus {
    Informal = "informal" / "Informal",
    Section2 = "section_2" / "Section 2",
    Section3 = "section_3" / "Section 3",
    Other = "other" / "Other",
});

/// Only people with a learning disability and/or autism belong on the register.
pub fn eligibility_problem(learning_disability: bool, autism: bool) -> Option<&'static str> {
    (!learning_disability && !autism).then_some(
        "The register is for people with a learning disability, autism or both: tick at least one",
    )
}

/// A UK postcode, normalised to upper case with one space before the inward code.
pub fn normalise_postcode(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
        return None;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward_ok = inward.as_bytes()[0].is_ascii_digit()
        && inward[1..].bytes().all(|b| b.is_ascii_alphabetic());
    let outward_ok = outward.as_bytes()[0].is_ascii_alphabetic()
        && outward.bytes().all(|b| b.is_ascii_alphanumeric());
    (inward_ok && outward_ok).then(|| format!("{outward} {inward}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_and_list_choices() {
        for s in Setting::ALL {
            assert_eq!(Setting::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Sex::parse("Female"), None);
        assert_eq!(Status::choices(), "active, closed or withdrawn");
        assert_eq!(LegalStatus::parse("section_3"), Some(LegalStatus::Section3));
    }

    #[test]
    fn eligibility_needs_ld_or_autism() {
        assert!(eligibility_problem(false, false).is_some());
        assert!(eligibility_problem(true, false).is_none());
        assert!(eligibility_problem(false, true).is_none());
        assert!(eligibility_problem(true, true).is_none());
    }

    #[test]
    fn postcodes() {
        let cases = [
            ("PE1 1AA", Some("PE1 1AA")),
            ("pe11aa", Some("PE1 1AA")),
            ("CB2 0QQ", Some("CB2 0QQ")),
            ("EC1A 1BB", Some("EC1A 1BB")),
            ("ec1a1bb", Some("EC1A 1BB")),
            ("PE1", None),
            ("1PE 1AA", None),
            ("PE1 AAA", None),
            ("PE1 1A1", None),
            ("PE1 1AAAAA", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalise_postcode(raw).as_deref(), want, "{raw}");
        }
    }
}
