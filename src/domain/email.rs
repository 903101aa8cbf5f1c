//! Email's pure rules: whether an address is usable, the day a panel member is reminded of a
//! review (two working days before it), the Monday a commissioner's weekly digest belongs to,
//! and a person's initials — the only thing an email says about who a review is for.

use super::schedule::is_working_day;
use std::collections::BTreeSet;
use time::{Date, Duration, Weekday};

/// The longest address SMTP carries (RFC 5321: 254 octets in a path).
pub const ADDRESS_MAX: usize = 254;

/// How many working days before a review its panel is reminded.
pub const REMINDER_WORKING_DAYS: u32 = 2;

/// Why this is not an email address (`name@example.nhs.uk`), or `None` when it is one: one `@`,
/// a local part of at most 64 characters without spaces or brackets, and a domain of dotted
/// labels of letters, digits and hyphens. Deliberately plain: no quoted local parts, no IP
/// literals, which no NHS mailbox uses.
pub fn address_problem(address: &str) -> Option<&'static str> {
    if address.len() > ADDRESS_MAX {
        return Some("An email address has at most 254 characters");
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Some("Enter an email address such as name@example.nhs.uk");
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    (!(local_ok && domain_ok)).then_some("Enter an email address such as name@example.nhs.uk")
}

/// The working day `n` working days before `day` (not counting `day` itself).
pub fn working_days_before(day: Date, n: u32, holidays: &BTreeSet<Date>) -> Date {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d -= Duration::days(1);
        if is_working_day(d, holidays) {
            left -= 1;
        }
    }
    d
}

/// The day a review's panel is reminded of it.
pub fn reminder_day(review_day: Date, holidays: &BTreeSet<Date>) -> Date {
    working_days_before(review_day, REMINDER_WORKING_DAYS, holidays)
}

/// Whether a reminder for a review on `review_day` is owed on `today`: from its reminder day
/// until the day before the review (a run missed on the day itself still sends it).
pub fn reminder_owed(review_day: Date, today: Date, holidays: &BTreeSet<Date>) -> bool {
    reminder_day(review_day, holidays) <= today && today < review_day
}

/// Digests go out on Mondays, about the week starting that day.
pub fn digest_day(today: Date) -> bool {
    today.weekday() == Weekday::Monday
}

/// `S.L.` for Sam Lee: the first letter of each name, upper-cased.
pub fn initials(given: &str, family: &str) -> String {
    let initial = |s: &str| {
        s.trim()
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default()
    };
    format!("{}.{}.", initial(given), initial(family))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn addresses() {
        for ok in ["a@b.co", "first.last+tcr@nhs.net", "x_y@sub.example.nhs.uk"] {
            assert_eq!(address_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "plain",
            "@nhs.net",
            "a@",
            "a@localhost",
            "a b@nhs.net",
            "a@nhs..net",
            "a@-nhs.net",
            ".a@nhs.net",
            "a@b@nhs.net",
            "<a@nhs.net>",
            "a@nhs.net\r\nBcc: x@y.z",
        ] {
            assert!(address_problem(bad).is_some(), "{bad:?}");
        }
        assert!(address_problem(&format!("{}@nhs.net", "a".repeat(65))).is_some());
    }

    #[test]
    fn reminders_are_two_working_days_before() {
        let none = BTreeSet::new();
        // Thursday's review: reminded on Tuesday.
        assert_eq!(
            reminder_day(date!(2026 - 12 - 03), &none),
            date!(2026 - 12 - 01)
        );
        // Monday's review: reminded on the Thursday before.
        assert_eq!(
            reminder_day(date!(2026 - 12 - 07), &none),
            date!(2026 - 12 - 03)
        );
        // Tuesday after the Easter bank holiday weekend (Good Friday 2 April, Easter Monday
        // 5 April 2027): reminded on Thursday 1 April.
        let easter: BTreeSet<Date> = [date!(2027 - 04 - 02), date!(2027 - 04 - 05)].into();
        assert_eq!(
            reminder_day(date!(2027 - 04 - 06), &easter),
            date!(2027 - 03 - 31)
        );
        assert_eq!(
            reminder_day(date!(2027 - 04 - 07), &easter),
            date!(2027 - 04 - 01)
        );
        // Owed from that day until the day before the review.
        let review = date!(2027 - 04 - 07);
        assert!(!reminder_owed(review, date!(2027 - 03 - 31), &easter));
        assert!(reminder_owed(review, date!(2027 - 04 - 01), &easter));
        assert!(reminder_owed(review, date!(2027 - 04 - 06), &easter));
        assert!(!reminder_owed(review, review, &easter));
    }

    #[test]
    fn digests_on_mondays_and_initials() {
        assert!(digest_day(date!(2026 - 11 - 30)));
        assert!(!digest_day(date!(2026 - 12 - 01)));
        assert_eq!(initials("sam", "Lee"), "S.L.");
        assert_eq!(initials("Żaneta", " ŁUK"), "Ż.Ł.");
        assert_eq!(initials("", "Lee"), ".L.");
    }
}
