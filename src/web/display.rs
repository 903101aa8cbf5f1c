//! Dates and times in words meant for people, as the NHS and GOV.UK style guides write them:
//! "Sunday 6 December 2026" in sentences, "6 Dec 2026" in tables, and a time of day as the
//! clock in England showed it ("14:05", British Summer Time included). Pages use them through
//! the Tera filters `long_date`, `short_date` and `date_time`; nothing else formats a date for
//! a reader. A value that is not a date passes through unchanged.

use crate::domain::dates::{long_date, short_date};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};

/// A day or a moment, read from `YYYY-MM-DD` or an RFC 3339 timestamp (as the API writes them).
enum When {
    Day(Date),
    Moment(OffsetDateTime),
}

fn read(s: &str) -> Option<When> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Some(When::Moment(t));
    }
    crate::services::input::parse_date(s).map(When::Day)
}

fn day_of(w: &When) -> Date {
    match w {
        When::Day(d) => *d,
        When::Moment(t) => crate::clock::uk_date(*t),
    }
}

/// "6 Dec 2026 at 14:05", in England's time.
pub fn date_time(t: OffsetDateTime) -> String {
    let local = crate::clock::uk_local(t);
    format!(
        "{} at {:02}:{:02}",
        short_date(local.date()),
        local.hour(),
        local.minute()
    )
}

fn filter(
    f: fn(&When) -> String,
) -> impl Fn(&tera::Value, &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    move |value, _| {
        Ok(match value {
            tera::Value::String(s) => match read(s) {
                Some(w) => tera::Value::String(f(&w)),
                None => value.clone(),
            },
            tera::Value::Null => tera::Value::String(String::new()),
            other => other.clone(),
        })
    }
}

pub fn register(tera: &mut tera::Tera) {
    tera.register_filter("long_date", filter(|w| long_date(day_of(w))));
    tera.register_filter("short_date", filter(|w| short_date(day_of(w))));
    tera.register_filter(
        "date_time",
        filter(|w| match w {
            When::Moment(t) => date_time(*t),
            When::Day(d) => short_date(*d),
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn days_in_words() {
        assert_eq!(long_date(date!(2026 - 12 - 06)), "Sunday 6 December 2026");
        assert_eq!(short_date(date!(2026 - 12 - 06)), "6 Dec 2026");
        assert_eq!(short_date(date!(2027 - 09 - 30)), "30 Sep 2027");
    }

    #[test]
    fn times_are_england_s_clock_across_summer_time() {
        // 2026: BST from 01:00 UTC on 29 March to 01:00 UTC on 25 October.
        assert_eq!(
            date_time(datetime!(2026-03-29 00:59 UTC)),
            "29 Mar 2026 at 00:59"
        );
        assert_eq!(
            date_time(datetime!(2026-03-29 01:00 UTC)),
            "29 Mar 2026 at 02:00"
        );
        assert_eq!(
            date_time(datetime!(2026-10-25 00:59 UTC)),
            "25 Oct 2026 at 01:59"
        );
        assert_eq!(
            date_time(datetime!(2026-10-25 01:00 UTC)),
            "25 Oct 2026 at 01:00"
        );
        // Late on a summer evening in UTC is the next day in England.
        assert_eq!(
            date_time(datetime!(2026-06-30 23:30 UTC)),
            "1 Jul 2026 at 00:30"
        );
    }

    #[test]
    fn filters_leave_what_is_not_a_date() {
        let mut tera = tera::Tera::default();
        register(&mut tera);
        let render = |tpl: &str, v: serde_json::Value| {
            let mut ctx = tera::Context::new();
            ctx.insert("v", &v);
            tera.clone().render_str(tpl, &ctx).unwrap()
        };
        assert_eq!(
            render("{{ v | long_date }}", "2026-12-06".into()),
            "Sunday 6 December 2026"
        );
        assert_eq!(
            render("{{ v | short_date }}", "2026-06-30T23:30:00Z".into()),
            "1 Jul 2026"
        );
        // 23:30 UTC on 31 May is 00:30 on 1 June in England (summer time).
        assert_eq!(
            render("{{ v | short_date }}", "2026-05-31T23:30:00Z".into()),
            "1 Jun 2026"
        );
        assert_eq!(render("{{ v | short_date }}", "soon".into()), "soon");
        assert_eq!(render("{{ v | short_date }}", serde_json::Value::Null), "");
    }
}
