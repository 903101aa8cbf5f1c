//! The synthetic register's randomness: a `SplitMix64` stream per person ([`Rng`]), and NHS
//! numbers from the `999` test range that never repeat ([`NhsNumbers`]).

use crate::domain::nhs_number::check_digit;
use sea_orm::DbErr;
use std::collections::HashSet;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// `SplitMix64`.
pub(super) struct Rng(u64);

pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// An independent stream for item `i` of the run `seed`.
    pub(super) fn for_item(seed: u64, i: u64) -> Self {
        Rng(mix(seed ^ mix(i.wrapping_add(0x5EED_0000_7C52_0DE3))))
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// From `lo` to `hi`, both included (`lo` when `hi <= lo`).
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    pub(super) fn pct(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }

    pub(super) fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut n = self.next() % total.max(1);
        for (item, w) in items {
            if n < *w {
                return *item;
            }
            n -= w;
        }
        items[items.len() - 1].0
    }

    pub(super) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
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
