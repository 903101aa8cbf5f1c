//! Age in whole years on a date, the age bands of the returns, and CETR or CTR.

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

super::vocabulary::vocabulary!(
    /// The age bands of the returns, by their names as the returns write them; labels in words
    /// for people.
    AgeBand {
        Child = "0-17" / "0 to 17",
        YoungAdult = "18-25" / "18 to 25",
        Adult = "26+" / "26 and over",
    }
);

impl AgeBand {
    pub fn of(age: u32) -> Self {
        match age {
            0..=17 => AgeBand::Child,
            18..=25 => AgeBand::YoungAdult,
            _ => AgeBand::Adult,
        }
    }

    /// The dates of birth of the band's people on `day`, as `(after, up_to)`: born strictly
    /// after the first and on or before the second (either open), so that a list can filter by
    /// band with a range over the date of birth. Agrees with [`age_on`] at every birthday,
    /// 29 February included.
    pub fn born_between(self, day: Date) -> (Option<Date>, Option<Date>) {
        let turned = |years: i32| years_before(day, years);
        match self {
            AgeBand::Child => (Some(turned(18)), None),
            AgeBand::YoungAdult => (Some(turned(26)), Some(turned(18))),
            AgeBand::Adult => (None, Some(turned(26))),
        }
    }
}

/// The latest birth date of someone who is `years` old on `day` (29 February, in a year without
/// one, stands as 28 February: that child has their birthday on 1 March).
fn years_before(day: Date, years: i32) -> Date {
    let year = day.year() - years;
    Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| Date::from_calendar_date(year, day.month(), 28))
        .unwrap_or(Date::MIN)
}

super::vocabulary::vocabulary!(
    /// A CETR (care, education and treatment review) or a CTR (care and treatment review).
    ReviewType {
        Cetr = "cetr",
        Ctr = "ctr",
    }
);

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
    fn band_ranges_agree_with_ages() {
        let days = [
            date!(2026 - 02 - 28),
            date!(2026 - 03 - 01),
            date!(2028 - 02 - 29),
            date!(2026 - 12 - 31),
        ];
        for day in days {
            let mut born = day - time::Duration::days(365 * 30);
            while born <= day {
                let band = AgeBand::of(age_on(born, day).unwrap_or(0));
                for b in AgeBand::ALL {
                    let (after, up_to) = b.born_between(day);
                    let inside = after.is_none_or(|a| born > a) && up_to.is_none_or(|u| born <= u);
                    assert_eq!(inside, *b == band, "{born} on {day}: {b:?}");
                }
                born += time::Duration::days(1);
            }
        }
        assert_eq!(AgeBand::parse("18-25"), Some(AgeBand::YoungAdult));
        assert_eq!(AgeBand::parse("adult"), None);
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
