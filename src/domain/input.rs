//! Reading what was typed, where the rule is pure: a date is `YYYY-MM-DD`, strictly. The
//! checking of whole forms, with errors collected by field, is `services::input`'s.

use time::Date;

/// `YYYY-MM-DD`, strictly.
pub fn parse_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &format).ok()
}
