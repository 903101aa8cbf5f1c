//! Panels by role and reviews that move: the kind of a panel member (expert by experience or
//! clinical expert) and the seat each kind may take; a review's start time and its place or
//! joining link; and the words for a day that is not a working day.

use super::schedule::is_working_day;
use std::collections::BTreeSet;
use time::{Date, Weekday};

super::vocabulary::vocabulary!(
    /// What a panel member is: the admin sets it, and it decides which seat they may take.
    PanelKind {
    ExpertByExperience = "expert_by_experience" / "Expert by experience",
    ClinicalExpert = "clinical_expert" / "Clinical expert",
    }
);

impl PanelKind {
    /// The seat a member of this kind takes (the field that names it).
    pub fn seat(self) -> &'static str {
        match self {
            PanelKind::ExpertByExperience => "expert_by_experience_id",
            PanelKind::ClinicalExpert => "clinical_expert_id",
        }
    }

    /// The kind a member seat takes; the chair's seat takes none.
    pub fn for_seat(field: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.seat() == field)
    }
}

/// "an expert by experience", "a clinical expert".
fn with_article(kind: PanelKind) -> String {
    let words = kind.label().to_lowercase();
    let article = if words.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {words}")
}

/// Why a panel member of kind `kind` (`None`: not yet set) cannot take the member seat `field`.
pub fn seat_problem(field: &str, kind: Option<PanelKind>) -> Option<String> {
    let wanted = PanelKind::for_seat(field)?;
    match kind {
        Some(k) if k == wanted => None,
        Some(k) => Some(format!(
            "This seat is for {}; this person is {}",
            with_article(wanted),
            with_article(k)
        )),
        None => Some(
            "This panel member has no panel kind yet: the admin must set it (expert by experience or clinical expert) on the Users page before they can be seated"
                .into(),
        ),
    }
}

/// The seat's name in words, as the pages and the diary show it.
pub fn seat_label(field: &str) -> &'static str {
    match PanelKind::for_seat(field) {
        Some(k) => k.label(),
        None => "Chair",
    }
}

/// A start time `HH:MM` (24-hour clock, local time), as given or with a single-digit hour
/// (`9:30`), normalised to `HH:MM`.
pub fn parse_start_time(s: &str) -> Option<String> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    if !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// The longest place or joining link kept.
pub const PLACE_MAX: usize = 500;

/// A place that is a web address tcr may show as a link: `http` or `https` only, no spaces.
pub fn is_link(place: &str) -> bool {
    let lower = place.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with('/') && !place.trim().chars().any(char::is_whitespace)
    })
}

/// Why a day is not a working day, in words ("a Saturday", "a bank holiday"); `None` for a
/// working day.
pub fn day_off(d: Date, holidays: &BTreeSet<Date>) -> Option<&'static str> {
    if is_working_day(d, holidays) {
        return None;
    }
    Some(match d.weekday() {
        Weekday::Saturday => "a Saturday",
        Weekday::Sunday => "a Sunday",
        _ => "a bank holiday",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn each_seat_takes_its_own_kind() {
        use PanelKind::*;
        let cases = [
            ("expert_by_experience_id", Some(ExpertByExperience), true),
            ("expert_by_experience_id", Some(ClinicalExpert), false),
            ("clinical_expert_id", Some(ClinicalExpert), true),
            ("clinical_expert_id", Some(ExpertByExperience), false),
            ("clinical_expert_id", None, false),
            ("expert_by_experience_id", None, false),
            ("chair_id", None, true),
        ];
        for (field, kind, ok) in cases {
            assert_eq!(seat_problem(field, kind).is_none(), ok, "{field} {kind:?}");
        }
        assert!(
            seat_problem("clinical_expert_id", None)
                .unwrap()
                .contains("admin must set it")
        );
        assert_eq!(seat_label("chair_id"), "Chair");
        assert_eq!(seat_label("clinical_expert_id"), "Clinical expert");
    }

    #[test]
    fn start_times() {
        let cases = [
            ("09:30", Some("09:30")),
            ("9:30", Some("09:30")),
            (" 23:59 ", Some("23:59")),
            ("00:00", Some("00:00")),
            ("24:00", None),
            ("12:60", None),
            ("12:5", None),
            ("1230", None),
            ("ab:cd", None),
            ("+1:30", None),
            ("", None),
        ];
        for (given, want) in cases {
            assert_eq!(parse_start_time(given).as_deref(), want, "{given}");
        }
    }

    #[test]
    fn links_are_http_or_https_only() {
        assert!(is_link("https://meet.example.org/abc"));
        assert!(is_link("HTTP://example.org"));
        assert!(!is_link("javascript:alert(1)"));
        assert!(!is_link("https://"));
        assert!(!is_link("https:///x"));
        assert!(!is_link("Room 4, Brookfields Hospital"));
        assert!(!is_link("https://example.org/a b"));
        assert!(!is_link("ftp://example.org"));
    }

    #[test]
    fn days_off_in_words() {
        let holidays: BTreeSet<Date> = [date!(2026 - 12 - 28)].into_iter().collect();
        assert_eq!(
            day_off(date!(2026 - 12 - 05), &holidays),
            Some("a Saturday")
        );
        assert_eq!(day_off(date!(2026 - 12 - 06), &holidays), Some("a Sunday"));
        assert_eq!(
            day_off(date!(2026 - 12 - 28), &holidays),
            Some("a bank holiday")
        );
        assert_eq!(day_off(date!(2026 - 12 - 29), &holidays), None);
        assert_eq!(
            crate::domain::dates::long_date(date!(2026 - 12 - 05)),
            "Saturday 5 December 2026"
        );
    }
}
