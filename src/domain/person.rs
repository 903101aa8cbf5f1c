//! The register entry's vocabularies and its eligibility rule.

use time::Date;

use super::ratings::Stay;
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
    /// Where an entry stands: on the register, closed (left it), consent withdrawn, or an
    /// inpatient recorded for NHS England's Assuring Transformation collection without register
    /// consent (never on the register until they consent).
    Status {
        Active = "active" / "Active",
        Closed = "closed" / "Closed",
        Withdrawn = "withdrawn" / "Consent withdrawn",
        InpatientOnly = "inpatient_only" / "Inpatient only (not on the register)",
    }
);

impl Status {
    /// Whether the service still works with the entry: on the active register, or an
    /// inpatient-only entry (admissions, visits, reviews; never a rating).
    pub fn in_care(self) -> bool {
        matches!(self, Status::Active | Status::InpatientOnly)
    }
}

/// Where an entry stands on any day, from its dated facts: the one definition of "on the
/// register" and "an inpatient-only entry" that the lists, the dashboard, the returns and the
/// deadline engine all ask. (Withdrawn entries are out of every read but the weekly return's:
/// see `services::scope`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: Status,
    /// The day they joined the register. For an inpatient-only entry not (yet) on it, the day
    /// the entry began, and never read as a register day.
    pub registered_on: Date,
    pub closed_on: Option<Date>,
    /// The day an inpatient-only entry began, kept when they later join the register (from
    /// `registered_on`).
    pub inpatient_only_from: Option<Date>,
    /// The day register consent was withdrawn, for a withdrawn entry.
    pub withdrawn_on: Option<Date>,
}

vocabulary!(
    /// On what basis someone in hospital is in the weekly inpatient return.
    InpatientBasis {
        /// On the register, with its consent.
        Register = "register" / "Register",
        /// NHS England's Assuring Transformation collection: an inpatient-only entry, or
        /// someone who withdrew register consent during this stay.
        AssuringTransformation = "assuring_transformation" / "Assuring Transformation",
    }
);

impl Standing {
    /// On the register from the day they joined it, throughout.
    pub fn registered(registered_on: Date) -> Self {
        Standing {
            status: Status::Active,
            registered_on,
            closed_on: None,
            inpatient_only_from: None,
            withdrawn_on: None,
        }
    }

    /// On the register at the end of `day`: joined by then and not closed by then.
    pub fn on_register_on(&self, day: Date) -> bool {
        match self.status {
            Status::Withdrawn | Status::InpatientOnly => false,
            Status::Active | Status::Closed => {
                self.registered_on <= day && self.closed_on.is_none_or(|c| c > day)
            }
        }
    }

    /// An inpatient-only entry at the end of `day`: begun by then and not yet on the register.
    pub fn inpatient_only_on(&self, day: Date) -> bool {
        let begun = self.inpatient_only_from.is_some_and(|f| f <= day);
        match self.status {
            Status::Withdrawn => false,
            Status::InpatientOnly => begun,
            Status::Active | Status::Closed => begun && day < self.registered_on,
        }
    }

    /// Whether, and on what basis, someone in hospital at the end of `day` during `stay` is in
    /// the weekly inpatient return: on the register; an inpatient-only entry; or withdrawn from
    /// the register while in hospital on this stay (kept on the Assuring Transformation basis
    /// until its discharge). A closed entry, or one withdrawn outside this stay, is not.
    pub fn inpatient_basis(&self, day: Date, stay: &Stay) -> Option<InpatientBasis> {
        if !stay.covers(day) {
            return None;
        }
        if self.on_register_on(day) {
            Some(InpatientBasis::Register)
        } else if self.inpatient_only_on(day)
            || (self.status == Status::Withdrawn
                && self.withdrawn_on.is_some_and(|w| stay.covers(w)))
        {
            Some(InpatientBasis::AssuringTransformation)
        } else {
            None
        }
    }

    /// The entry's status at the end of `day` (a withdrawal is final whenever it is read).
    pub fn status_on(&self, day: Date) -> Status {
        if self.status == Status::Withdrawn {
            Status::Withdrawn
        } else if self.inpatient_only_on(day) || self.status == Status::InpatientOnly {
            Status::InpatientOnly
        } else if self.closed_on.is_some_and(|c| c <= day) {
            Status::Closed
        } else {
            Status::Active
        }
    }
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
        assert_eq!(
            Status::choices(),
            "active, closed, withdrawn or inpatient_only"
        );
        assert_eq!(LegalStatus::parse("section_3"), Some(LegalStatus::Section3));
    }

    /// The weekly return's basis: on the register; inpatient-only until they join; withdrawn
    /// during this stay (kept until its discharge, not for an earlier stay); closed, never.
    #[test]
    fn who_the_weekly_return_reports_and_on_what_basis() {
        use time::macros::date;
        let stay = Stay {
            admitted_on: date!(2026 - 03 - 01),
            discharged_on: Some(date!(2026 - 06 - 01)),
        };
        let day = date!(2026 - 04 - 05);
        let register = Standing::registered(date!(2026 - 01 - 01));
        assert_eq!(
            register.inpatient_basis(day, &stay),
            Some(InpatientBasis::Register)
        );
        assert_eq!(register.inpatient_basis(date!(2026 - 06 - 01), &stay), None);
        let only = Standing {
            status: Status::InpatientOnly,
            registered_on: date!(2026 - 03 - 01),
            inpatient_only_from: Some(date!(2026 - 03 - 01)),
            ..register
        };
        assert_eq!(
            only.inpatient_basis(day, &stay),
            Some(InpatientBasis::AssuringTransformation)
        );
        assert!(!only.on_register_on(day));
        assert_eq!(only.status_on(day), Status::InpatientOnly);
        // Joined the register on 1 April: inpatient-only before, on the register from then.
        let joined = Standing {
            status: Status::Active,
            registered_on: date!(2026 - 04 - 01),
            ..only
        };
        assert_eq!(
            joined.inpatient_basis(date!(2026 - 03 - 31), &stay),
            Some(InpatientBasis::AssuringTransformation)
        );
        assert_eq!(
            joined.status_on(date!(2026 - 03 - 31)),
            Status::InpatientOnly
        );
        assert_eq!(
            joined.inpatient_basis(date!(2026 - 04 - 01), &stay),
            Some(InpatientBasis::Register)
        );
        // Withdrawn during the stay: kept; withdrawn after it ended: not.
        let during = Standing {
            status: Status::Withdrawn,
            withdrawn_on: Some(date!(2026 - 04 - 10)),
            ..register
        };
        assert_eq!(
            during.inpatient_basis(day, &stay),
            Some(InpatientBasis::AssuringTransformation)
        );
        let after = Standing {
            withdrawn_on: Some(date!(2026 - 06 - 01)),
            ..during
        };
        assert_eq!(after.inpatient_basis(day, &stay), None);
        let closed = Standing {
            status: Status::Closed,
            closed_on: Some(date!(2026 - 04 - 01)),
            ..register
        };
        assert_eq!(closed.inpatient_basis(day, &stay), None);
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
