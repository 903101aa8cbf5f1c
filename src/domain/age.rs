//! Age in whole years on a date, the age bands of the returns, and CETR or CTR.

use serde::Serialize;
use time::Date;

/// Whole years between `born` and `on`. Someone born on 29 February gains a year on 1 March in
/// a common year (the anniversary has not come on 28 February). `None` before birth.
pub fn age_on(born: Date, on: Date) -> Option<u32> {
    if on < born {
        return None;
    }
    let mut years = on.year() - born.year();
    if (on.month() as u8, on.day()) < (born.month() as u8, born.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum AgeBand {
    #[serde(rename = "0-17")]
    Child,
    #[serde(rename = "18-25")]
    YoungAdult,
    #[serde(rename = "26+")]
    Adult,
}

impl AgeBand {
    pub fn of(age: u32) -> Self {
        match age {
            0..=17 => AgeBand::Child,
            18..=25 => AgeBand::YoungAdult,
            _ => AgeBand::Adult,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Child => "0-17",
            AgeBand::YoungAdult => "18-25",
            AgeBand::Adult => "26+",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewType {
    Cetr,
    Ctr,
}

/// A CETR for a child, or an 18–25-year-old with an EHCP; otherwise a CTR.
pub fn review_type(age: u32, ehcp: bool) -> ReviewType {
    if age < 18 || (age <= 25 && ehcp) {
        ReviewType::Cetr
    } else {
        ReviewType::Ctr
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn age_at_birthday_boundaries() {
        let born = date!(2010 - 06 - 15);
        let cases = [
            (date!(2026 - 06 - 14), Some(15)),
            (date!(2026 - 06 - 15), Some(16)),
            (date!(2026 - 06 - 16), Some(16)),
            (date!(2010 - 06 - 15), Some(0)),
            (date!(2010 - 06 - 14), None),
        ];
        for (on, want) in cases {
            assert_eq!(age_on(born, on), want, "{on}");
        }
    }

    #[test]
    fn leap_day_birthdays() {
        let born = date!(2008 - 02 - 29);
        assert_eq!(age_on(born, date!(2026 - 02 - 28)), Some(17));
        assert_eq!(age_on(born, date!(2026 - 03 - 01)), Some(18));
        assert_eq!(age_on(born, date!(2028 - 02 - 29)), Some(20));
    }

    #[test]
    fn bands_and_review_types() {
        let cases = [
            (17, false, AgeBand::Child, ReviewType::Cetr),
            (18, false, AgeBand::YoungAdult, ReviewType::Ctr),
            (18, true, AgeBand::YoungAdult, ReviewType::Cetr),
            (25, true, AgeBand::YoungAdult, ReviewType::Cetr),
            (26, true, AgeBand::Adult, ReviewType::Ctr),
            (0, false, AgeBand::Child, ReviewType::Cetr),
        ];
        for (age, ehcp, band, kind) in cases {
            assert_eq!(AgeBand::of(age), band, "{age}");
            assert_eq!(review_type(age, ehcp), kind, "{age} {ehcp}");
        }
    }
}
