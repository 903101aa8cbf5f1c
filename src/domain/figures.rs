//! Figures over time: for each month of a range, the register's figures as at 23:59:59 on its
//! last day, counted by the same rules as the monthly return (`services::returns`), and given
//! out with small numbers suppressed and the rest rounded for readers who may not see exact
//! ones; and the words for each figure, breakdown and group, for the page and the files.

use super::returns::{Period, ReturnKind};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, Duration};

mod words;
pub use words::{BREAKDOWNS, FIGURES, breakdown_name, figure_name, group_name};

/// The most months one request may cover.
pub const MAX_MONTHS: usize = 24;

/// Months shown when no range is given: the last twelve whole months.
pub const DEFAULT_MONTHS: usize = 12;

/// The smallest count given as a number to a reader who sees suppressed figures (1 to 7 are
/// `*`).
pub const SMALLEST_SHOWN: u64 = 8;

/// What a suppressed reader's counts from 8 up are rounded to the nearest multiple of, so that
/// a hidden part of a breakdown cannot be recovered by subtracting the shown ones from the
/// whole (NHS England's practice for the Assuring Transformation statistics).
pub const ROUNDED_TO: u64 = 5;

/// A month (`YYYY-MM`), or why not.
pub fn month(text: &str) -> Result<Period, &'static str> {
    Period::parse(ReturnKind::Monthly, text)
}

/// The month after `m`.
pub fn next(m: Period) -> Period {
    let first = m.last + Duration::days(1);
    month(&format!("{:04}-{:02}", first.year(), first.month() as u8)).unwrap_or(m)
}

/// The months from `from` to `to`, both included (none if `to` is before `from`).
pub fn months(from: Period, to: Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut m = from;
    while m.last <= to.last && out.len() <= MAX_MONTHS {
        out.push(m);
        m = next(m);
    }
    out
}

/// The default range on `today`: the last twelve whole months, the one just ended last.
pub fn default_range(today: Date) -> (Period, Period) {
    let to = Period::latest_ended(ReturnKind::Monthly, today);
    let mut from = to;
    for _ in 1..DEFAULT_MONTHS {
        from = from.previous();
    }
    (from, to)
}

/// Whether a reader sees exact numbers, or 1 to 7 as `*` and the rest rounded to the nearest 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Exact,
    Suppressed,
}

/// One figure as given out: a number, or `*` for a small number suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Shown {
    Count(u64),
    Amount(f64),
    /// `*`: a number from 1 to 7, or worked out from one.
    Hidden(String),
}

fn hidden() -> Shown {
    Shown::Hidden("*".into())
}

impl Disclosure {
    /// The one rule: a count as a reader may see it. Exact readers see it as it is; suppressed
    /// readers see 0 as 0, nothing for 1 to 7 (`*`), and every other count rounded to the
    /// nearest 5 (8 → 10, 12 → 10, 13 → 15; no count is halfway).
    pub fn disclose(self, n: u64) -> Option<u64> {
        match self {
            Disclosure::Exact => Some(n),
            Disclosure::Suppressed if n == 0 => Some(0),
            Disclosure::Suppressed if n < SMALLEST_SHOWN => None,
            Disclosure::Suppressed => Some((n + ROUNDED_TO / 2) / ROUNDED_TO * ROUNDED_TO),
        }
    }

    /// Whether `n` is given as `*`.
    pub fn hides(self, n: u64) -> bool {
        self.disclose(n).is_none()
    }

    /// A count as given out.
    pub fn count(self, n: u64) -> Shown {
        self.disclose(n).map_or_else(hidden, Shown::Count)
    }

    /// A percentage (one decimal place) of `part` in `whole`, worked out from the two as given
    /// out (rounded ones for a suppressed reader, so it agrees with them and tells nothing
    /// more): none of nothing, `*` when either is hidden.
    pub fn share(self, part: u64, whole: u64) -> Option<Shown> {
        if whole == 0 {
            return None;
        }
        let (Some(part), Some(whole)) = (self.disclose(part), self.disclose(whole)) else {
            return Some(hidden());
        };
        Some(Shown::Amount(
            (part as f64 * 1000.0 / whole as f64).round() / 10.0,
        ))
    }

    /// An amount worked out from `base` people (a length of stay, in days: not a count of
    /// people, so not rounded): `*` when `base` is hidden.
    pub fn amount_of(self, amount: Option<f64>, base: u64) -> Option<Shown> {
        let amount = amount?;
        Some(if self.hides(base) {
            hidden()
        } else {
            Shown::Amount(amount)
        })
    }
}

/// The median of `values` (the mean of the middle two of an even number); none of none.
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid] as f64
    } else {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    })
}

/// A month's figures as counted, before they are given out.
#[derive(Debug, Clone, Default)]
pub struct Tallied {
    /// Counts by name (`on_register`, `admissions`, …).
    pub counts: BTreeMap<&'static str, u64>,
    /// Parts and wholes of the shares: name → (part, whole).
    pub shares: BTreeMap<&'static str, (u64, u64)>,
    /// On the register by rating (`red`, …, `unrated`) and age band (`0-17`, `18-25`, `26+`).
    pub by_rating_and_band: BTreeMap<String, BTreeMap<String, u64>>,
    /// On the register at the month's end by local authority, ethnicity, sex and needs.
    pub breakdowns: BTreeMap<&'static str, BTreeMap<String, u64>>,
    /// Lengths of stay, in days, of those in hospital at the month's end.
    pub stays_days: Vec<i64>,
}

impl Tallied {
    pub fn bump(&mut self, name: &'static str) {
        *self.counts.entry(name).or_default() += 1;
    }

    /// Adds one to a share's whole and, if `counted`, to its part.
    pub fn share(&mut self, name: &'static str, counted: bool) {
        let s = self.shares.entry(name).or_default();
        s.1 += 1;
        if counted {
            s.0 += 1;
        }
    }

    pub fn breakdown(&mut self, name: &'static str, key: &str) {
        *self
            .breakdowns
            .entry(name)
            .or_default()
            .entry(key.to_string())
            .or_default() += 1;
    }

    /// The month's figures as given out to a reader with `disclosure`.
    pub fn shown(mut self, m: Period, disclosure: Disclosure) -> MonthFigures {
        let mut counts: BTreeMap<String, Option<Shown>> = self
            .counts
            .iter()
            .map(|(k, n)| (k.to_string(), Some(disclosure.count(*n))))
            .collect();
        for (name, (part, whole)) in &self.shares {
            counts.insert(format!("{name}_part"), Some(disclosure.count(*part)));
            counts.insert(format!("{name}_whole"), Some(disclosure.count(*whole)));
            counts.insert(format!("{name}_percent"), disclosure.share(*part, *whole));
        }
        let in_hospital = self.stays_days.len() as u64;
        let longest = self.stays_days.iter().max().map(|d| *d as f64);
        counts.insert(
            "length_of_stay_median_days".into(),
            disclosure.amount_of(median(&mut self.stays_days), in_hospital),
        );
        counts.insert(
            "length_of_stay_longest_days".into(),
            disclosure.amount_of(longest, in_hospital),
        );
        let table = |t: BTreeMap<String, u64>| -> BTreeMap<String, Shown> {
            t.into_iter()
                .map(|(k, n)| (k, disclosure.count(n)))
                .collect()
        };
        MonthFigures {
            month: m.label(),
            as_at: m.last,
            counts,
            by_rating_and_band: self
                .by_rating_and_band
                .into_iter()
                .map(|(k, t)| (k, table(t)))
                .collect(),
            breakdowns: self
                .breakdowns
                .into_iter()
                .map(|(k, t)| (k.to_string(), table(t)))
                .collect(),
        }
    }
}

/// One month's figures, as at 23:59:59 on its last day.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    #[serde(with = "super::dates::iso")]
    #[schemars(with = "String")]
    pub as_at: Date,
    /// Each figure by name: a number, `*` (1 to 7, for analysts), or null (a share or length of
    /// stay of nobody). Analysts' other counts are rounded to the nearest 5.
    pub counts: BTreeMap<String, Option<Shown>>,
    /// On the register by rating and age band.
    pub by_rating_and_band: BTreeMap<String, BTreeMap<String, Shown>>,
    /// On the register by `local_authority`, `ethnicity`, `sex` and `needs`.
    pub breakdowns: BTreeMap<String, BTreeMap<String, Shown>>,
}

/// The figures of a range of months.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FiguresView {
    pub months: Vec<MonthFigures>,
    /// Whether numbers from 1 to 7 are given as `*`.
    pub suppressed: bool,
    /// Whether the other counts are rounded to the nearest 5 (with `suppressed`), and the
    /// percentages worked out from the rounded counts.
    pub rounded: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn counts_as_each_reader_sees_them() {
        // (count, as a suppressed reader sees it): 0 stays, 1 to 7 hidden, the rest to the
        // nearest 5.
        let table: [(u64, Option<u64>); 16] = [
            (0, Some(0)),
            (1, None),
            (2, None),
            (7, None),
            (8, Some(10)),
            (9, Some(10)),
            (10, Some(10)),
            (12, Some(10)),
            (13, Some(15)),
            (14, Some(15)),
            (15, Some(15)),
            (17, Some(15)),
            (18, Some(20)),
            (22, Some(20)),
            (23, Some(25)),
            (1_002, Some(1_000)),
        ];
        for (n, want) in table {
            let s = Disclosure::Suppressed;
            assert_eq!(s.disclose(n), want, "{n}");
            assert_eq!(s.hides(n), want.is_none(), "{n}");
            assert_eq!(s.count(n), want.map_or_else(hidden, Shown::Count), "{n}");
            assert_eq!(Disclosure::Exact.count(n), Shown::Count(n), "{n}");
            assert!(!Disclosure::Exact.hides(n));
        }
        assert_eq!(
            serde_json::to_value(Disclosure::Suppressed.count(5)).unwrap(),
            serde_json::json!("*")
        );
    }

    #[test]
    fn shares_from_the_counts_as_shown() {
        let (s, e) = (Disclosure::Suppressed, Disclosure::Exact);
        // (part, whole, suppressed reader's share, exact reader's share)
        let table = [
            (0, 0, None, None),
            (0, 9, Some(Shown::Amount(0.0)), Some(Shown::Amount(0.0))),
            (3, 40, Some(hidden()), Some(Shown::Amount(7.5))),
            (3, 7, Some(hidden()), Some(Shown::Amount(42.9))),
            (7, 7, Some(hidden()), Some(Shown::Amount(100.0))),
            // 9 of 12 shows as 10 of 10: the share says the same as the counts beside it.
            (9, 12, Some(Shown::Amount(100.0)), Some(Shown::Amount(75.0))),
            (8, 13, Some(Shown::Amount(66.7)), Some(Shown::Amount(61.5))),
            (1, 3, Some(hidden()), Some(Shown::Amount(33.3))),
            (
                12,
                12,
                Some(Shown::Amount(100.0)),
                Some(Shown::Amount(100.0)),
            ),
            (0, 3, Some(hidden()), Some(Shown::Amount(0.0))),
        ];
        for (part, whole, suppressed, exact) in table {
            assert_eq!(s.share(part, whole), suppressed, "{part} of {whole}");
            assert_eq!(e.share(part, whole), exact, "{part} of {whole}");
        }
    }

    #[test]
    fn lengths_of_stay_are_exact_unless_their_base_is_hidden() {
        let s = Disclosure::Suppressed;
        assert_eq!(s.amount_of(Some(12.0), 3), Some(hidden()));
        assert_eq!(s.amount_of(Some(12.0), 8), Some(Shown::Amount(12.0)));
        assert_eq!(s.amount_of(Some(12.5), 13), Some(Shown::Amount(12.5)));
        assert_eq!(s.amount_of(None, 0), None);
        assert_eq!(
            Disclosure::Exact.amount_of(Some(3.0), 1),
            Some(Shown::Amount(3.0))
        );
    }

    #[test]
    fn median_of_odd_even_and_none() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5.0));
        assert_eq!(median(&mut [9, 1, 5]), Some(5.0));
        assert_eq!(median(&mut [10, 1, 4, 7]), Some(5.5));
    }

    #[test]
    fn ranges_of_months() {
        let (from, to) = default_range(date!(2026 - 11 - 30));
        assert_eq!(
            (from.label(), to.label()),
            ("2025-11".into(), "2026-10".into())
        );
        assert_eq!(months(from, to).len(), 12);
        let dec = month("2025-12").unwrap();
        assert_eq!(next(dec).label(), "2026-01");
        assert!(months(next(dec), dec).is_empty());
        assert!(month("2026-13").is_err());
    }
}
