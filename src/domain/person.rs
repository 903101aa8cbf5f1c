//! The register entry's vocabularies and its eligibility rule.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            /// "a, b or c", for messages.
            pub fn choices() -> String {
                let all: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                match all.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                    _ => all.join(""),
                }
            }
        }
    };
}

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
}
