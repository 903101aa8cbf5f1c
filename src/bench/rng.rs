//! The synthetic register's randomness: a `SplitMix64` stream per person ([`Rng`], the demo's
//! generator with the draws only the benchmark needs), and NHS numbers from the `999` test
//! range that never repeat ([`NhsNumbers`]).

pub(super) use crate::demo::rng::Rng;
use crate::demo::rng::mix;
use crate::domain::nhs_number::check_digit;
use sea_orm::DbErr;
use std::collections::HashSet;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

impl Rng {
    /// An independent stream for item `i` of the run `seed`.
    pub(super) fn for_item(seed: u64, i: u64) -> Self {
        Rng(mix(seed ^ mix(i.wrapping_add(0x5EED_0000_7C52_0DE3))))
    }

    /// A day from `from` to `to`, both included (`from` when `to` is earlier).
    pub(super) fn day(&mut self, from: Date, to: Date) -> Date {
        from + Duration::days(self.range(0, (to - from).whole_days()))
    }

    /// A moment on `d` in office hours, UTC, in whole seconds.
    pub(super) fn at(&mut self, d: Date) -> OffsetDateTime {
        let t = Time::from_hms(
            self.range(8, 17) as u8,
            self.range(0, 59) as u8,
            self.range(0, 59) as u8,
        )
        .unwrap_or(Time::MIDNIGHT);
        PrimitiveDateTime::new(d, t).assume_utc()
    }

    /// A UUID-v4-shaped id.
    pub(super) fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

pub(super) fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// NHS numbers `999 xxx xxx c`: the six middle digits walk a seed-chosen permutation of
/// 0..1,000,000 (an affine map with a multiplier prime to 10), skipping the prefixes that admit
/// no check digit and any number already taken, so they never repeat.
pub(super) struct NhsNumbers {
    multiplier: u64,
    offset: u64,
    next: u64,
    taken: HashSet<String>,
}

const MIDDLES: u64 = 1_000_000;

impl NhsNumbers {
    pub(super) fn new(seed: u64, taken: HashSet<String>) -> Self {
        let mut multiplier = (mix(seed ^ 0x4E48_5300) % MIDDLES) | 1;
        while multiplier.is_multiple_of(5) {
            multiplier = (multiplier + 2) % MIDDLES;
        }
        NhsNumbers {
            multiplier,
            offset: mix(seed ^ 0x4E48_5301) % MIDDLES,
            next: 0,
            taken,
        }
    }

    pub(super) fn take(&mut self) -> Result<String, DbErr> {
        while self.next < MIDDLES {
            let k = (self.multiplier * self.next + self.offset) % MIDDLES;
            self.next += 1;
            let mut digits = [9u8, 9, 9, 0, 0, 0, 0, 0, 0];
            let mut rest = k;
            for d in digits.iter_mut().skip(3).rev() {
                *d = (rest % 10) as u8;
                rest /= 10;
            }
            let Some(check) = check_digit(&digits) else {
                continue;
            };
            let s: String = digits
                .iter()
                .chain(std::iter::once(&check))
                .map(|d| char::from(b'0' + d))
                .collect();
            if !self.taken.contains(&s) {
                return Ok(s);
            }
        }
        Err(DbErr::Custom(
            "the 999 test range of NHS numbers is used up (about 909,000 numbers)".into(),
        ))
    }
}
