//! Checking what a person or an integration typed: strings in, typed values out, every problem
//! collected by field so a form can show them all at once. Never echoes a value back.

use crate::domain::dates::DateKind;
pub use crate::domain::input::parse_date;
use crate::domain::text::{Lines, control_problem};
use crate::error::{AppError, FieldErrors};
use time::Date;

/// Describes a serde_json error without the offending value (a body the API could not read,
/// or an edit that no longer makes a whole entry).
pub fn describe_json(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = e.to_string();
    let at = format!("(line {}, column {})", e.line(), e.column());
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            format!("The request body is not valid JSON {at}.")
        }
        Category::Data => {
            if let Some(rest) = text.strip_prefix("missing field `") {
                let field = rest.split('`').next().unwrap_or_default();
                format!("The field `{field}` is required.")
            } else if let Some(rest) = text.strip_prefix("unknown field `") {
                let field = rest.split('`').next().unwrap_or_default();
                format!("The field `{field}` is not recognised.")
            } else {
                format!("A field has the wrong type {at}.")
            }
        }
    }
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

    /// Takes in the problems of a part of the body checked on its own (`admission`), each named
    /// under the part (`admission.admitted_on`).
    pub fn nest(&mut self, part: &str, inner: Check) {
        for (field, messages) in inner.errors {
            self.errors
                .entry(format!("{part}.{field}"))
                .or_default()
                .extend(messages);
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    /// A required piece of text on one line, of at most `max` characters, trimmed.
    pub fn text(&mut self, field: &str, label: &str, v: &Option<String>, max: usize) -> String {
        self.required(field, label, v, max, Lines::One)
    }

    /// Optional text on one line: empty means none.
    pub fn optional_text(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        max: usize,
    ) -> Option<String> {
        self.optional(field, label, v, max, Lines::One)
    }

    /// A required piece of text that may run over several lines (findings, a reason).
    pub fn paragraph(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        max: usize,
    ) -> String {
        self.required(field, label, v, max, Lines::Many)
    }

    /// Optional text over several lines: empty means none.
    pub fn optional_paragraph(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        max: usize,
    ) -> Option<String> {
        self.optional(field, label, v, max, Lines::Many)
    }

    fn required(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        max: usize,
        lines: Lines,
    ) -> String {
        if present(v).is_none() {
            self.fail(field, format!("Enter {label}"));
            return String::new();
        }
        self.optional(field, label, v, max, lines)
            .unwrap_or_default()
    }

    fn optional(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        max: usize,
        lines: Lines,
    ) -> Option<String> {
        let s = present(v)?;
        if let Some(problem) = control_problem(s, lines) {
            self.fail(field, format!("{} {problem}", capitalise(label)));
            return None;
        }
        let len = s.chars().count();
        if len > max {
            self.fail(
                field,
                format!(
                    "{} must be {max} characters or fewer (it has {len})",
                    capitalise(label)
                ),
            );
            return None;
        }
        Some(s.to_string())
    }

    /// Any other text a client sends that is stored or looked up (an id, a filter): one line
    /// with no control characters. Empty or absent is fine.
    pub fn line(&mut self, field: &str, label: &str, raw: Option<&str>) {
        if let Some(problem) = raw.and_then(|s| control_problem(s, Lines::One)) {
            self.fail(field, format!("{} {problem}", capitalise(label)));
        }
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
            let message = match crate::domain::dates::missing_parts(s) {
                Some(parts) => format!("Enter {label} with {parts}"),
                None => {
                    format!("Enter {label} as a real date, like 27 3 2026 (in the API: 2026-03-27)")
                }
            };
            self.fail(field, message);
        }
        d
    }

    /// A required date, plausible for its kind (`domain::dates`) as seen from `today`.
    pub fn dated(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        kind: DateKind,
        today: Date,
    ) -> Option<Date> {
        let d = self.date(field, label, v)?;
        self.plausible(field, label, d, kind, today)
    }

    /// An optional date, plausible for its kind when given.
    pub fn optional_dated(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        kind: DateKind,
        today: Date,
    ) -> Option<Date> {
        let d = self.optional_date(field, label, v)?;
        self.plausible(field, label, d, kind, today)
    }

    /// A date that must be a plausible past event: from 2010-01-01, not after `today`.
    pub fn past_date(
        &mut self,
        field: &str,
        label: &str,
        v: &Option<String>,
        today: Date,
    ) -> Option<Date> {
        self.dated(field, label, v, DateKind::Event, today)
    }

    fn plausible(
        &mut self,
        field: &str,
        label: &str,
        d: Date,
        kind: DateKind,
        today: Date,
    ) -> Option<Date> {
        match kind.problem(d, today) {
            None => Some(d),
            Some(problem) => {
                self.fail(
                    field,
                    format!("{} {}", capitalise(label), problem.describe()),
                );
                None
            }
        }
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

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::validation(self.errors))
        }
    }
}

/// Lines of text that reach a service without a `Check` (a sign-in username, a user's display
/// name), as `(field, label, text)`: refused with 422 naming each field that holds a control
/// character, tab or line break.
pub fn lines(texts: &[(&str, &str, &str)]) -> Result<(), AppError> {
    let mut c = Check::default();
    for (field, label, text) in texts {
        c.line(field, label, Some(text));
    }
    c.finish()
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
