//! What an oversight visit records and the escalations it can raise: the words of restrictive
//! practices observed (as NHS England's Mental Health Services Data Set names its restrictive
//! intervention types), an escalation's urgency and status, and the rule that "none observed"
//! stands alone.

use super::vocabulary::vocabulary;

vocabulary!(
    /// A restrictive practice seen or reported at a visit (MHSDS restrictive intervention types,
    /// grouped as commissioners record them).
    Restrictive {
        PhysicalRestraint = "physical_restraint" / "Physical restraint",
        ProneRestraint = "prone_restraint" / "Prone restraint",
        MechanicalRestraint = "mechanical_restraint" / "Mechanical restraint",
        ChemicalRestraint = "chemical_restraint" / "Chemical restraint, including rapid tranquillisation",
        Seclusion = "seclusion" / "Seclusion",
        Segregation = "segregation" / "Long-term segregation",
        NoneObserved = "none_observed" / "None observed",
    }
);

vocabulary!(
    /// How soon the oversight panel should act on an escalation.
    Urgency {
        Routine = "routine" / "Routine: at the next panel",
        Urgent = "urgent" / "Urgent: within a week",
        Immediate = "immediate" / "Immediate: the person is at risk now",
    }
);

vocabulary!(EscalationStatus {
    Open = "open" / "Open",
    Closed = "closed" / "Closed",
});

/// The practices as given, each once and in the vocabulary's order; `Err` names what is wrong:
/// a word not in the list, or "none observed" beside a practice.
pub fn practices(words: &[String]) -> Result<Vec<Restrictive>, String> {
    let mut found = Vec::new();
    for w in words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        match Restrictive::parse(w) {
            Some(r) => found.push(r),
            None => {
                return Err(format!(
                    "Choose restrictive practices from: {}",
                    Restrictive::choices()
                ));
            }
        }
    }
    let all: Vec<Restrictive> = Restrictive::ALL
        .iter()
        .copied()
        .filter(|r| found.contains(r))
        .collect();
    if all.contains(&Restrictive::NoneObserved) && all.len() > 1 {
        return Err("\"None observed\" cannot be chosen with a practice that was observed".into());
    }
    Ok(all)
}

/// Stored as their words, space-separated.
pub fn stored(practices: &[Restrictive]) -> String {
    practices
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Read back from the stored words (unknown words are left out).
pub fn from_stored(s: &str) -> Vec<Restrictive> {
    s.split_whitespace()
        .filter_map(Restrictive::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn practices_are_a_set_and_none_stands_alone() {
        assert_eq!(
            practices(&words(&["seclusion", "prone_restraint", "seclusion"])),
            Ok(vec![Restrictive::ProneRestraint, Restrictive::Seclusion])
        );
        assert_eq!(practices(&words(&[])), Ok(vec![]));
        assert!(practices(&words(&["none_observed", "seclusion"])).is_err());
        assert!(
            practices(&words(&["tasering"]))
                .unwrap_err()
                .contains("seclusion")
        );
        let p = vec![Restrictive::Seclusion, Restrictive::Segregation];
        assert_eq!(from_stored(&stored(&p)), p);
    }
}
