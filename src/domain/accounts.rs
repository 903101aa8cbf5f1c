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

/// The least zxcvbn score (0–4) a password must reach: 3 means "safely unguessable", at least
/// 10^10 guesses by zxcvbn's estimate (its own advice is that anything below 3 is too weak).
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// Why a password cannot be used by `username`: too short or too long, only spaces, one
/// character repeated, the username itself, or common enough to be guessed (zxcvbn's
/// estimate, with the username as a word an attacker would try). Counts characters, not
/// bytes, so a passphrase in any language is measured as a person would count it.
pub fn password_problem(password: &str, username: &str) -> Option<&'static str> {
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
    let mut chars = password.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return Some("A password cannot be one character repeated");
    }
    let username = normalise_username(username);
    if !username.is_empty() && password.trim().to_lowercase() == username {
        return Some("A password cannot be the username");
    }
    let inputs: Vec<&str> = [username.as_str()]
        .into_iter()
        .filter(|u| !u.is_empty())
        .collect();
    if (zxcvbn::zxcvbn(password, &inputs).score() as u8) < MIN_PASSWORD_SCORE {
        return Some(
            "This password is too common or too easy to guess: try three or four unrelated words",
        );
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
            ("ŁódźKraków9", false),  // 11 characters, more bytes
            ("ŁódźKraków97", true),  // 12 characters
            ("            ", false), // 12 spaces
        ];
        for (password, ok) in cases {
            assert_eq!(
                password_problem(password, "sam").is_none(),
                ok,
                "{password:?}"
            );
        }
        // 256 characters of no pattern zxcvbn knows pass; 257 are too many.
        let varied: String = (0..257u32)
            .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
            .collect();
        assert!(password_problem(&varied[..256], "sam").is_none());
        assert_eq!(
            password_problem(&varied, "sam"),
            Some("Enter a password of at most 256 characters")
        );
    }

    #[test]
    fn common_repeated_and_username_passwords_are_refused() {
        let too_common = Some(
            "This password is too common or too easy to guess: try three or four unrelated words",
        );
        let cases = [
            (
                "aaaaaaaaaaaa",
                "sam",
                Some("A password cannot be one character repeated"),
            ),
            (
                "ŁŁŁŁŁŁŁŁŁŁŁŁ",
                "sam",
                Some("A password cannot be one character repeated"),
            ),
            ("password1234", "sam", too_common),
            ("qwertyuiop12", "sam", too_common),
            ("iloveyou2026", "sam", too_common),
            ("passwordpassword", "sam", too_common),
            ("ann.chair.2026", "ann.chair", too_common),
            (
                "commissioner1",
                "commissioner1",
                Some("A password cannot be the username"),
            ),
            (
                "Commissioner1",
                "commissioner1",
                Some("A password cannot be the username"),
            ),
            ("kettle orbit mango", "sam", None),
            ("demo-password-2026", "commissioner", None),
            ("correct horse battery", "sam", None),
        ];
        for (password, username, want) in cases {
            assert_eq!(password_problem(password, username), want, "{password:?}");
        }
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
    use serde::Deserialize;
    use std::net::{IpAddr, Ipv6Addr};
    use time::{Duration, OffsetDateTime};

    /// A session unused for this long must sign in again.
    pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
    /// No session lives longer than this, however active.
    pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);

    crate::domain::vocabulary::vocabulary!(
        /// How a session was opened: a page cookie or an API bearer token. A secret of one kind
        /// is never accepted as the other.
        SessionKind {
            Browser = "browser",
            Api = "api",
        }
    );

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum SessionState {
        Live,
        Idle,
        Expired,
    }

    /// The timeout warning is shown this long before a session ends (the GOV.UK pattern).
    pub const WARN_BEFORE: Duration = Duration::minutes(2);

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

    /// When a session ends if nothing more happens: 30 minutes after its last recorded activity,
    /// or 12 hours after it began, whichever is sooner. `session_state` is `Live` exactly
    /// before this instant.
    pub fn ends_at(created: OffsetDateTime, last_seen: OffsetDateTime) -> OffsetDateTime {
        (last_seen + IDLE_TIMEOUT).min(absolute_end(created))
    }

    /// When a session ends however active it is.
    pub fn absolute_end(created: OffsetDateTime) -> OffsetDateTime {
        created + ABSOLUTE_TIMEOUT
    }

    /// How many failed sign-ins are tolerated, and for how long they count
    /// (`policies/signin.toml`; every key optional, these are the defaults).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct SignInLimits {
        /// Failures count for this long.
        pub window_minutes: u32,
        /// Failures from one client address, whatever the usernames, before that address
        /// must wait (password spraying).
        pub per_address: u32,
        /// Failures for one username from one address before that pair must wait.
        pub per_username_and_address: u32,
        /// Failures for one username from all addresses together before each further attempt
        /// at it waits (a distributed guess at one account)…
        pub per_username: u32,
        /// … first this many seconds after the latest failure, doubling with each failure
        /// beyond `per_username` …
        pub backoff_first_seconds: u32,
        /// … up to this.
        pub backoff_max_seconds: u32,
    }

    impl Default for SignInLimits {
        fn default() -> Self {
            SignInLimits {
                window_minutes: 15,
                per_address: 20,
                per_username_and_address: 5,
                per_username: 10,
                backoff_first_seconds: 2,
                backoff_max_seconds: 300,
            }
        }
    }

    impl SignInLimits {
        pub fn window(&self) -> Duration {
            Duration::minutes(self.window_minutes.into())
        }

        /// Why these limits make no sense, if they do not.
        pub fn problem(&self) -> Option<String> {
            if !(1..=24 * 60).contains(&self.window_minutes) {
                return Some("window_minutes must be from 1 to 1440".into());
            }
            let counts = [
                ("per_address", self.per_address),
                ("per_username_and_address", self.per_username_and_address),
                ("per_username", self.per_username),
            ];
            if let Some((name, _)) = counts.iter().find(|(_, n)| *n == 0) {
                return Some(format!("{name} must be at least 1"));
            }
            if self.per_username_and_address > self.per_address {
                return Some("per_username_and_address cannot be more than per_address".into());
            }
            if self.backoff_first_seconds == 0
                || self.backoff_first_seconds > self.backoff_max_seconds
            {
                return Some(
                    "backoff_first_seconds must be at least 1 and at most backoff_max_seconds"
                        .into(),
                );
            }
            if self.backoff_max_seconds > 24 * 60 * 60 {
                return Some("backoff_max_seconds must be at most a day".into());
            }
            None
        }
    }

    /// The client address as sign-in limits count it: an IPv4 address as it is, an IPv6
    /// address by its /64 network (one subscriber usually holds a whole /64, so counting single
    /// IPv6 addresses would let one client spray from millions), an IPv4-mapped IPv6 address as
    /// the IPv4 one. `unknown` when the connection's address is not known.
    pub fn address_key(ip: Option<IpAddr>) -> String {
        match ip {
            None => "unknown".into(),
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                    format!("{net}/64")
                }
            },
        }
    }

    /// One failed sign-in: the (normalised) username tried, the client address and when.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Failure {
        pub username: String,
        pub address: String,
        pub at: OffsetDateTime,
    }

    /// Seconds until `username` may be tried again from `address`, given recent failures (any
    /// order; those for other usernames from other addresses are ignored). `None` means go
    /// ahead. The longest of three waits: the address's, the pair's, and the username's
    /// back-off.
    pub fn retry_after(
        limits: &SignInLimits,
        failures: &[Failure],
        username: &str,
        address: &str,
        now: OffsetDateTime,
    ) -> Option<u64> {
        let window = limits.window();
        let recent = |keep: &dyn Fn(&Failure) -> bool| -> Vec<OffsetDateTime> {
            failures
                .iter()
                .filter(|f| now - f.at < window && keep(f))
                .map(|f| f.at)
                .collect()
        };
        let from_address = recent(&|f| f.address == address);
        let pair = recent(&|f| f.address == address && f.username == username);
        let account = recent(&|f| f.username == username);
        [
            window_wait(from_address, limits.per_address, window, now),
            window_wait(pair, limits.per_username_and_address, window, now),
            backoff_wait(account, limits, now),
        ]
        .into_iter()
        .flatten()
        .max()
    }

    /// Once `limit` failures fall within the window, wait until the `limit`-th most recent
    /// leaves it.
    fn window_wait(
        mut times: Vec<OffsetDateTime>,
        limit: u32,
        window: Duration,
        now: OffsetDateTime,
    ) -> Option<u64> {
        let limit = limit as usize;
        if limit == 0 || times.len() < limit {
            return None;
        }
        times.sort_unstable_by(|a, b| b.cmp(a));
        let wait = window - (now - times[limit - 1]);
        Some(wait.whole_seconds().max(1) as u64)
    }

    /// From `per_username` failures on, each further attempt waits `backoff_first_seconds`
    /// after the latest failure, doubling with each failure beyond, up to the maximum.
    fn backoff_wait(
        times: Vec<OffsetDateTime>,
        limits: &SignInLimits,
        now: OffsetDateTime,
    ) -> Option<u64> {
        let count = times.len() as u32;
        if count < limits.per_username {
            return None;
        }
        let latest = times.into_iter().max()?;
        let doublings = (count - limits.per_username).min(31);
        let backoff = u64::from(limits.backoff_first_seconds)
            .saturating_mul(1u64 << doublings)
            .min(limits.backoff_max_seconds.into());
        let waited = (now - latest).whole_seconds().max(0) as u64;
        (waited < backoff).then(|| (backoff - waited).max(1))
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
        fn a_session_ends_at_its_idle_or_absolute_limit_whichever_is_sooner() {
            let m = Duration::minutes;
            let cases = [
                (m(60), m(0), NOW + m(30)),
                (m(60), m(29), NOW + m(1)),
                (Duration::hours(12) - m(10), m(0), NOW + m(10)),
                (Duration::hours(12) - m(40), m(0), NOW + m(30)),
            ];
            for (age, idle, want) in cases {
                let end = ends_at(NOW - age, NOW - idle);
                assert_eq!(end, want, "{age} {idle}");
                // Live just before the end, not at it.
                let just_before = end - Duration::microseconds(1);
                assert_eq!(
                    session_state(NOW - age, NOW - idle, just_before),
                    SessionState::Live
                );
                assert_ne!(
                    session_state(NOW - age, NOW - idle, end),
                    SessionState::Live
                );
            }
        }

        fn fail(username: &str, address: &str, minutes_ago: i64) -> Failure {
            Failure {
                username: username.into(),
                address: address.into(),
                at: NOW - Duration::minutes(minutes_ago),
            }
        }

        fn wait(failures: &[Failure], username: &str, address: &str) -> Option<u64> {
            retry_after(&SignInLimits::default(), failures, username, address, NOW)
        }

        #[test]
        fn five_failures_lock_the_username_from_that_address_only() {
            let four: Vec<_> = (1..=4).map(|m| fail("admin", "10.0.0.1", m)).collect();
            assert_eq!(wait(&four, "admin", "10.0.0.1"), None);
            let mut five = four.clone();
            five.push(fail("admin", "10.0.0.1", 5));
            assert_eq!(wait(&five, "admin", "10.0.0.1"), Some(10 * 60));
            // The real user elsewhere, and another username from the same address, go ahead.
            assert_eq!(wait(&five, "admin", "10.0.0.2"), None);
            assert_eq!(wait(&five, "ann", "10.0.0.1"), None);
            // The oldest is outside the window: four count.
            let mut old = four.clone();
            old.push(fail("admin", "10.0.0.1", 15));
            assert_eq!(wait(&old, "admin", "10.0.0.1"), None);
            // Six failures: the wait runs from the fifth most recent.
            let mut six = four;
            six.extend([fail("admin", "10.0.0.1", 6), fail("admin", "10.0.0.1", 14)]);
            assert_eq!(wait(&six, "admin", "10.0.0.1"), Some(9 * 60));
        }

        #[test]
        fn twenty_failures_from_one_address_stop_it_for_every_username() {
            let sprayed: Vec<_> = (0..19)
                .map(|i| fail(&format!("user{i}"), "10.0.0.9", 1 + i / 2))
                .collect();
            assert_eq!(wait(&sprayed, "someone", "10.0.0.9"), None);
            let mut twenty = sprayed.clone();
            twenty.push(fail("user19", "10.0.0.9", 12));
            // The 20th most recent failure is 12 minutes old: 3 minutes to go.
            assert_eq!(wait(&twenty, "someone", "10.0.0.9"), Some(3 * 60));
            assert_eq!(wait(&twenty, "someone", "10.0.0.10"), None);
        }

        #[test]
        fn strangers_elsewhere_only_slow_the_username_down_with_back_off() {
            // Five strangers, one failure each: nothing.
            let five: Vec<_> = (0..5)
                .map(|i| fail("admin", &format!("198.51.100.{i}"), 1))
                .collect();
            assert_eq!(wait(&five, "admin", "10.0.0.2"), None);
            // Ten failures: the first back-off, 2 s after the latest.
            let mut ten: Vec<_> = (0..10)
                .map(|i| fail("admin", &format!("198.51.100.{i}"), 3))
                .collect();
            assert_eq!(
                wait(&ten, "admin", "10.0.0.2"),
                None,
                "3 minutes have passed"
            );
            ten.last_mut().unwrap().at = NOW - Duration::seconds(1);
            assert_eq!(wait(&ten, "admin", "10.0.0.2"), Some(1));
            // Each further failure doubles it: 12 failures → 8 s; 30 → capped at 300 s.
            let mut twelve = ten.clone();
            twelve.extend((10..12).map(|i| fail("admin", &format!("198.51.100.{i}"), 5)));
            assert_eq!(wait(&twelve, "admin", "10.0.0.2"), Some(7));
            let thirty: Vec<_> = (0..30)
                .map(|i| Failure {
                    at: NOW,
                    ..fail("admin", &format!("198.51.100.{i}"), 0)
                })
                .collect();
            assert_eq!(wait(&thirty, "admin", "10.0.0.2"), Some(300));
        }

        #[test]
        fn addresses_are_counted_by_ipv4_address_or_ipv6_network() {
            let key = |s: &str| address_key(Some(s.parse().unwrap()));
            assert_eq!(key("203.0.113.7"), "203.0.113.7");
            assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
            assert_eq!(key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
            assert_eq!(key("2001:db8:1:2:ffff::1"), key("2001:db8:1:2::9"));
            assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
            assert_eq!(address_key(None), "unknown");
        }

        #[test]
        fn limits_are_checked() {
            assert_eq!(SignInLimits::default().problem(), None);
            let bad = [
                SignInLimits {
                    window_minutes: 0,
                    ..Default::default()
                },
                SignInLimits {
                    per_address: 0,
                    ..Default::default()
                },
                SignInLimits {
                    per_username_and_address: 21,
                    ..Default::default()
                },
                SignInLimits {
                    backoff_first_seconds: 0,
                    ..Default::default()
                },
                SignInLimits {
                    backoff_first_seconds: 400,
                    ..Default::default()
                },
            ];
            for limits in bad {
                assert!(limits.problem().is_some(), "{limits:?}");
            }
        }
    }
}
