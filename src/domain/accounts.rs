//! Rules for user accounts: what a username and a password must be.

/// Shortest password accepted (NCSC and OWASP guidance favour length over composition rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted; argon2 does not need more and it bounds the work per attempt.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Usernames are matched without regard to case, so they are stored in lower case.
pub fn normalise_username(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// Why a username cannot be used, in words for the person typing it.
pub fn username_problem(username: &str) -> Option<&'static str> {
    let len = username.chars().count();
    if len < 3 {
        return Some("Enter a username of at least 3 characters");
    }
    if len > 64 {
        return Some("Enter a username of at most 64 characters");
    }
    let allowed =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_');
    if !username.chars().all(allowed) {
        return Some("Use only letters, numbers, dots, hyphens and underscores in a username");
    }
    if !username.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("Start a username with a letter or a number");
    }
    None
}

/// Why a password cannot be used. Counts characters, not bytes, so a passphrase in any
/// language is measured as a person would count it.
pub fn password_problem(password: &str) -> Option<&'static str> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_CHARS {
        return Some("Enter a password of at least 12 characters");
    }
    if len > MAX_PASSWORD_CHARS {
        return Some("Enter a password of at most 256 characters");
    }
    if password.trim().is_empty() {
        return Some("A password cannot be only spaces");
    }
    None
}

/// Why a display name cannot be used.
pub fn display_name_problem(name: &str) -> Option<&'static str> {
    let len = name.trim().chars().count();
    if len == 0 {
        return Some("Enter the person's name");
    }
    if len > 200 {
        return Some("Enter a name of at most 200 characters");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_length_boundaries() {
        let cases = [
            ("", false),
            ("elevenchars", false),  // 11
            ("twelve chars", true),  // 12
            ("ŁŁŁŁŁŁŁŁŁŁŁŁ", true),  // 12 characters, 24 bytes
            ("ŁŁŁŁŁŁŁŁŁŁŁ", false),  // 11 characters, 22 bytes
            ("            ", false), // 12 spaces
        ];
        for (password, ok) in cases {
            assert_eq!(password_problem(password).is_none(), ok, "{password:?}");
        }
        assert!(password_problem(&"a".repeat(256)).is_none());
        assert!(password_problem(&"a".repeat(257)).is_some());
    }

    #[test]
    fn username_rules() {
        let cases = [
            ("ab", false),
            ("abc", true),
            ("sam.lee", true),
            ("sam-lee_2", true),
            ("Sam", false), // callers normalise first
            ("_sam", false),
            ("sam lee", false),
            ("sam@nhs", false),
        ];
        for (name, ok) in cases {
            assert_eq!(username_problem(name).is_none(), ok, "{name:?}");
        }
        assert!(username_problem(&"a".repeat(64)).is_none());
        assert!(username_problem(&"a".repeat(65)).is_some());
        assert_eq!(normalise_username("  Sam.Lee "), "sam.lee");
    }
}

/// Sessions and sign-in throttling: the timings of issue 2 and API.md.
pub mod sessions {
    use time::{Duration, OffsetDateTime};

    /// A session unused for this long must sign in again.
    pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
    /// No session lives longer than this, however active.
    pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
    /// Failed sign-ins for one username that trigger throttling …
    pub const MAX_FAILURES: usize = 5;
    /// … when they all fall within this window.
    pub const FAILURE_WINDOW: Duration = Duration::minutes(15);

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum SessionState {
        Live,
        Idle,
        Expired,
    }

    pub fn session_state(
        created: OffsetDateTime,
        last_seen: OffsetDateTime,
        now: OffsetDateTime,
    ) -> SessionState {
        if now - created >= ABSOLUTE_TIMEOUT {
            SessionState::Expired
        } else if now - last_seen >= IDLE_TIMEOUT {
            SessionState::Idle
        } else {
            SessionState::Live
        }
    }

    /// Seconds until another attempt is allowed, given the failures in the last window (any
    /// order). `None` means go ahead.
    pub fn retry_after(failures: &[OffsetDateTime], now: OffsetDateTime) -> Option<u64> {
        let mut recent: Vec<_> = failures
            .iter()
            .copied()
            .filter(|at| now - *at < FAILURE_WINDOW)
            .collect();
        if recent.len() < MAX_FAILURES {
            return None;
        }
        recent.sort_unstable_by(|a, b| b.cmp(a));
        // Allowed again once the fifth most recent failure leaves the window.
        let fifth = recent[MAX_FAILURES - 1];
        let wait = FAILURE_WINDOW - (now - fifth);
        Some(wait.whole_seconds().max(1) as u64)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use time::macros::datetime;

        const NOW: OffsetDateTime = datetime!(2026-11-23 12:00 UTC);

        #[test]
        fn idle_and_absolute_timeouts() {
            let m = Duration::minutes;
            let cases = [
                (m(60), m(29), SessionState::Live),
                (m(60), m(30), SessionState::Idle),
                (Duration::hours(12) - m(1), m(1), SessionState::Live),
                (Duration::hours(12), m(1), SessionState::Expired),
            ];
            for (age, idle, want) in cases {
                assert_eq!(
                    session_state(NOW - age, NOW - idle, NOW),
                    want,
                    "{age} {idle}"
                );
            }
        }

        #[test]
        fn throttles_after_five_failures_in_fifteen_minutes() {
            let at = |mins: i64| NOW - Duration::minutes(mins);
            assert_eq!(retry_after(&[at(1), at(2), at(3), at(4)], NOW), None);
            assert_eq!(
                retry_after(&[at(1), at(2), at(3), at(4), at(5)], NOW),
                Some(10 * 60)
            );
            // The oldest is outside the window: four count.
            assert_eq!(
                retry_after(&[at(1), at(2), at(3), at(4), at(15)], NOW),
                None
            );
            // Six failures: the wait runs from the fifth most recent.
            assert_eq!(
                retry_after(&[at(14), at(1), at(2), at(3), at(4), at(6)], NOW),
                Some(9 * 60)
            );
        }
    }
}
