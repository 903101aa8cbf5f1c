//! The consent gate. No one joins the register, and no review is held, without a consent record
//! whose basis is valid for the person's age on the day consent was recorded:
//!
//! | age on that day | valid bases |
//! |---|---|
//! | under 16 | `parental` (name and relationship of the person with parental responsibility), or `self` when the child is Gillick competent |
//! | 16 or over | `self`, or `best_interests` (capacity assessment and best-interests meeting, both dated, neither after the consent) |

use super::age::age_on;
use time::Date;

super::vocabulary::vocabulary!(ConsentBasis {
    Parental = "parental" / "Parental consent",
    SelfConsent = "self" / "The person's own consent",
    BestInterests = "best_interests" / "Best-interests decision",
});

/// A consent record as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub basis: ConsentBasis,
    pub recorded_on: Date,
    pub given_by: Option<String>,
    pub relationship: Option<String>,
    pub gillick_competent: bool,
    pub capacity_assessed_on: Option<Date>,
    pub best_interests_decision_on: Option<Date>,
}

/// Why consent is not valid: the field to correct and the rule, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> Result<(), Refusal> {
    Err(Refusal {
        field,
        message: message.into(),
    })
}

fn filled(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|v| !v.trim().is_empty())
}

/// Checks a consent record for someone born on `born`, on `today`.
pub fn check(consent: &Consent, born: Date, today: Date) -> Result<(), Refusal> {
    if consent.recorded_on > today {
        return refuse(
            "consent.recorded_on",
            "The consent date cannot be in the future",
        );
    }
    let Some(age) = age_on(born, consent.recorded_on) else {
        return refuse(
            "consent.recorded_on",
            "The consent date is before the date of birth",
        );
    };
    if age < 16 {
        under_16(consent, age)
    } else {
        from_16(consent, age)
    }
}

/// A child under 16 consents through a parent, or themselves when Gillick competent.
fn under_16(consent: &Consent, age: u32) -> Result<(), Refusal> {
    match consent.basis {
        ConsentBasis::Parental => {
            if !filled(&consent.given_by) {
                return refuse(
                    "consent.given_by",
                    "Parental consent needs the name of the person with parental responsibility who gave it",
                );
            }
            if !filled(&consent.relationship) {
                return refuse(
                    "consent.relationship",
                    "Parental consent needs their relationship to the child (for example mother, or local authority)",
                );
            }
        }
        ConsentBasis::SelfConsent => {
            if !consent.gillick_competent {
                return refuse(
                    "consent.gillick_competent",
                    format!(
                        "A child under 16 (this child was {age} on the consent date) can consent for themselves only when assessed Gillick competent; otherwise record parental consent"
                    ),
                );
            }
        }
        ConsentBasis::BestInterests => {
            return refuse(
                "consent.basis",
                format!(
                    "A best-interests decision under the Mental Capacity Act applies from 16; this child was {age} on the consent date: record parental consent, or their own if Gillick competent"
                ),
            );
        }
    }
    Ok(())
}

/// From 16 a person consents themselves, or lacking capacity a best-interests decision is
/// recorded after a capacity assessment.
fn from_16(consent: &Consent, age: u32) -> Result<(), Refusal> {
    match consent.basis {
        ConsentBasis::Parental => {
            return refuse(
                "consent.basis",
                format!(
                    "Parental consent is not valid from 16 (the person was {age} on the consent date): record their own consent, or a best-interests decision if they lack capacity"
                ),
            );
        }
        ConsentBasis::SelfConsent => {}
        ConsentBasis::BestInterests => {
            let Some(assessed) = consent.capacity_assessed_on else {
                return refuse(
                    "consent.capacity_assessed_on",
                    "A best-interests decision needs the date of the mental capacity assessment",
                );
            };
            let Some(decided) = consent.best_interests_decision_on else {
                return refuse(
                    "consent.best_interests_decision_on",
                    "A best-interests decision needs the date of the best-interests meeting",
                );
            };
            if assessed > consent.recorded_on {
                return refuse(
                    "consent.capacity_assessed_on",
                    "The capacity assessment must be on or before the consent date",
                );
            }
            if decided > consent.recorded_on {
                return refuse(
                    "consent.best_interests_decision_on",
                    "The best-interests meeting must be on or before the consent date",
                );
            }
        }
    }
    Ok(())
}

/// The day the person joins the register: the consent date unless another is given, never
/// before the consent and never in the future.
pub fn registration_day(
    consent: &Consent,
    given: Option<Date>,
    today: Date,
) -> Result<Date, Refusal> {
    let day = given.unwrap_or(consent.recorded_on);
    if day < consent.recorded_on {
        refuse(
            "registered_on",
            "A person cannot join the register before consent was recorded",
        )?;
    }
    if day > today {
        refuse(
            "registered_on",
            "The registration date cannot be in the future",
        )?;
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const BORN: Date = date!(2010 - 06 - 15); // 16 on 2026-06-15
    const TODAY: Date = date!(2026 - 11 - 23);

    fn consent(basis: ConsentBasis, on: Date) -> Consent {
        Consent {
            basis,
            recorded_on: on,
            given_by: Some("Ann Lee".into()),
            relationship: Some("mother".into()),
            gillick_competent: false,
            capacity_assessed_on: Some(date!(2026 - 06 - 01)),
            best_interests_decision_on: Some(date!(2026 - 06 - 10)),
        }
    }

    #[test]
    fn around_the_16th_birthday() {
        use ConsentBasis::*;
        let day_before = date!(2026 - 06 - 14);
        let birthday = date!(2026 - 06 - 15);
        let day_after = date!(2026 - 06 - 16);
        let cases = [
            (Parental, day_before, Ok(())),
            (Parental, birthday, Err("consent.basis")),
            (Parental, day_after, Err("consent.basis")),
            (SelfConsent, day_before, Err("consent.gillick_competent")),
            (SelfConsent, birthday, Ok(())),
            (SelfConsent, day_after, Ok(())),
            (BestInterests, day_before, Err("consent.basis")),
            (BestInterests, birthday, Ok(())),
            (BestInterests, day_after, Ok(())),
        ];
        for (basis, on, want) in cases {
            let got = check(&consent(basis, on), BORN, TODAY).map_err(|r| r.field);
            assert_eq!(got, want, "{basis:?} on {on}");
        }
    }

    #[test]
    fn what_each_basis_needs() {
        let on = date!(2026 - 01 - 10); // 15
        let mut c = consent(ConsentBasis::Parental, on);
        c.given_by = Some("  ".into());
        assert_eq!(
            check(&c, BORN, TODAY).unwrap_err().field,
            "consent.given_by"
        );
        let mut c = consent(ConsentBasis::Parental, on);
        c.relationship = None;
        assert_eq!(
            check(&c, BORN, TODAY).unwrap_err().field,
            "consent.relationship"
        );
        let mut c = consent(ConsentBasis::SelfConsent, on);
        c.gillick_competent = true;
        assert!(check(&c, BORN, TODAY).is_ok());

        let on = date!(2026 - 07 - 01); // 16
        let mut c = consent(ConsentBasis::BestInterests, on);
        c.capacity_assessed_on = None;
        assert_eq!(
            check(&c, BORN, TODAY).unwrap_err().field,
            "consent.capacity_assessed_on"
        );
        let mut c = consent(ConsentBasis::BestInterests, on);
        c.best_interests_decision_on = None;
        assert_eq!(
            check(&c, BORN, TODAY).unwrap_err().field,
            "consent.best_interests_decision_on"
        );
        let mut c = consent(ConsentBasis::BestInterests, on);
        c.capacity_assessed_on = Some(on);
        c.best_interests_decision_on = Some(on);
        assert!(
            check(&c, BORN, TODAY).is_ok(),
            "both on the consent day is fine"
        );
        c.best_interests_decision_on = on.next_day();
        assert_eq!(
            check(&c, BORN, TODAY).unwrap_err().field,
            "consent.best_interests_decision_on"
        );
        c.best_interests_decision_on = Some(on);
        c.capacity_assessed_on = on.next_day();
        assert_eq!(
            check(&c, BORN, TODAY).unwrap_err().field,
            "consent.capacity_assessed_on"
        );
    }

    #[test]
    fn consent_dates_must_be_real() {
        let c = consent(ConsentBasis::SelfConsent, TODAY.next_day().unwrap());
        assert!(
            check(&c, BORN, TODAY)
                .unwrap_err()
                .message
                .contains("future")
        );
        let c = consent(ConsentBasis::Parental, date!(2010 - 06 - 14));
        assert!(
            check(&c, BORN, TODAY)
                .unwrap_err()
                .message
                .contains("before the date of birth")
        );
        assert!(check(&consent(ConsentBasis::SelfConsent, TODAY), BORN, TODAY).is_ok());
    }

    #[test]
    fn registration_defaults_to_the_consent_day_and_never_precedes_it() {
        let c = consent(ConsentBasis::SelfConsent, date!(2026 - 11 - 02));
        assert_eq!(registration_day(&c, None, TODAY), Ok(date!(2026 - 11 - 02)));
        assert_eq!(
            registration_day(&c, Some(date!(2026 - 11 - 05)), TODAY),
            Ok(date!(2026 - 11 - 05))
        );
        assert!(registration_day(&c, Some(date!(2026 - 11 - 01)), TODAY).is_err());
        assert!(registration_day(&c, Some(date!(2026 - 11 - 24)), TODAY).is_err());
    }

    #[test]
    fn refusals_name_the_rule() {
        let c = consent(ConsentBasis::Parental, date!(2026 - 07 - 01));
        let r = check(&c, BORN, TODAY).unwrap_err();
        assert!(r.message.contains("not valid from 16"), "{}", r.message);
    }
}
