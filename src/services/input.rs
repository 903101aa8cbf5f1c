//! Checking what a person or an integration typed: strings in, typed values out, every problem
//! collected by field so a form can show them all at once. Never echoes a value back.

use crate::error::{AppError, FieldErrors};
use time::Date;

/// `YYYY-MM-DD`, strictly.
pub fn parse_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &format).ok()
}

#[derive(Default)]
pub struct Check {
    errors: FieldErrors,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Check {
    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    /// A required piece of text of at most `max` characters, trimmed.
    pub fn text(&mut self, field: &str, label: &str, v: &Option<String>, max: usize) -> String {
        match present(v) {
            None => {
                self.fail(field, format!("Enter {label}"));
                String::new()
            }
            Some(s) if s.chars().count() > max => {
                self.fail(
                    field,
                    format!("{} must be {max} characters or fewer", capitalise(label)),
                );
                String::new()
            }
            Some(s) => s.to_string(),
        }
    }

    /// Optional text: empty means none.
    pub fn optional_text(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        max: usize,
    ) -> Option<String> {
        let s = present(v)?;
        if s.chars().count() > max {
            self.fail(
                field,
                format!("{} must be {max} characters or fewer", capitalise(label)),
            );
            return None;
        }
        Some(s.to_string())
    }

    pub fn date(&mut self, field: &str, label: &str, v: &Option<String>) -> Option<Date> {
        match present(v) {
            None => {
                self.fail(field, format!("Enter {label}"));
                None
            }
            Some(s) => self.parse_date(field, label, s),
        }
    }

    pub fn optional_date(&mut self, field: &str, label: &str, v: &Option<String>) -> Option<Date> {
        present(v).and_then(|s| self.parse_date(field, label, s))
    }

    fn parse_date(&mut self, field: &str, label: &str, s: &str) -> Option<Date> {
        let d = parse_date(s);
        if d.is_none() {
            self.fail(field, format!("Enter {label} as a real date, YYYY-MM-DD"));
        }
        d
    }

    /// A date that must not be after `today`.
    pub fn past_date(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        today: Date,
    ) -> Option<Date> {
        let d = self.date(field, label, v)?;
        if d > today {
            self.fail(
                field,
                format!("{} cannot be in the future", capitalise(label)),
            );
            return None;
        }
        Some(d)
    }

    /// One of a fixed set of values.
    pub fn choice<T>(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        parse: fn(&str) -> Option<T>,
        choices: String,
    ) -> Option<T> {
        match present(v) {
            None => {
                self.fail(field, format!("Choose {label}"));
                None
            }
            Some(s) => {
                let t = parse(s);
                if t.is_none() {
                    self.fail(field, format!("Choose {label}: one of {choices}"));
                }
                t
            }
        }
    }

    /// An optional filter of a fixed set (a query parameter): empty means none.
    pub fn optional_choice<T>(
        &mut self,
        field: &str,
        raw: Option<&str>,
        parse: impl Fn(&str) -> Option<T>,
        message: &str,
    ) -> Option<T> {
        let text = raw.map(str::trim).filter(|s| !s.is_empty())?;
        let parsed = parse(text);
        if parsed.is_none() {
            self.fail(field, message);
        }
        parsed
    }

    /// An optional `true`/`false` filter.
    pub fn optional_flag(&mut self, field: &str, raw: Option<&str>) -> Option<bool> {
        self.optional_choice(field, raw, |s| s.parse::<bool>().ok(), "Use true or false")
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::validation(self.errors))
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_strict() {
        assert_eq!(parse_date("2026-02-28"), Some(date!(2026 - 02 - 28)));
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2028-02-29"), Some(date!(2028 - 02 - 29)));
        assert_eq!(parse_date("28/02/2026"), None);
        assert_eq!(parse_date("2026-2-28"), None);
    }

    #[test]
    fn collects_every_problem() {
        let mut c = Check::default();
        c.text("given_name", "a given name", &None, 100);
        c.text("family_name", "a family name", &Some("x".repeat(101)), 100);
        c.past_date(
            "recorded_on",
            "the consent date",
            &Some("2099-01-01".into()),
            date!(2026 - 11 - 23),
        );
        c.choice(
            "sex",
            "a sex",
            &Some("f".into()),
            crate::domain::person::Sex::parse,
            crate::domain::person::Sex::choices(),
        );
        let err = c.finish().unwrap_err();
        let fields = err.fields().unwrap();
        assert_eq!(fields.len(), 4);
        assert!(fields["family_name"][0].contains("100 characters"));
        assert!(fields["recorded_on"][0].contains("future"));
        assert!(fields["sex"][0].contains("female, male, indeterminate or not_known"));
    }
}
