//! Tera templates, compiled into the binary so that `tcr` renders the same pages from any
//! working directory (tests, the release binary, a container) with nothing to install beside it.

use crate::error::AppError;

pub struct Templates {
    tera: tera::Tera,
}

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $name)))),*]
    };
}

/// Every template, by the name pages render it with.
pub const TEMPLATES: &[(&str, &str)] = embedded![
    "base.html",
    "partials/errors.html",
    "partials/pagination.html",
    "error.html",
    "login.html",
    "home.html",
    "admin/users.html",
    "admin/user_new.html",
    "admin/password_reset.html",
    "account/password.html",
    "admin/audit.html",
    "admin/audit_verify.html",
    "partials/rating.html",
    "partials/fields.html",
    "partials/reviews.html",
    "partials/chart.html",
    "partials/dashboard.html",
    "partials/timeout.html",
    "kept.html",
    "people/list.html",
    "people/form.html",
    "people/show.html",
    "people/assess.html",
    "people/action.html",
    "referrals/list.html",
    "referrals/form.html",
    "referrals/show.html",
    "reviews/list.html",
    "reviews/schedule.html",
    "reviews/outcome_fields.html",
    "reviews/show.html",
    "reviews/amend.html",
    "reviews/actions.html",
    "returns/list.html",
    "returns/show.html",
    "partials/moves.html",
    "reviews/change.html",
    "reviews/cancel.html",
    "diary.html",
];

pub const STYLESHEET: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/templates/assets/tcr.css"
));

/// The one script: moves focus to an error summary and from its links to the fields, and shows
/// the timeout warning.
pub const SCRIPT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/templates/assets/tcr.js"
));

impl Templates {
    pub fn load() -> Result<Self, String> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        super::display::register(&mut tera);
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .map_err(|e| format!("templates: {e:?}"))?;
        // `{% if place is link %}`: an http(s) address, the only kind shown as a link.
        tera.register_tester("link", |value: Option<&tera::Value>, _: &[tera::Value]| {
            Ok(value
                .and_then(tera::Value::as_str)
                .is_some_and(crate::domain::panel::is_link))
        });
        // `{{ day | long_date }}`: `2026-12-05` as `Saturday 5 December 2026`.
        tera.register_filter(
            "long_date",
            |value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
                let text = value.as_str().unwrap_or_default();
                Ok(tera::Value::String(
                    crate::services::input::parse_date(text)
                        .map_or_else(|| text.to_string(), crate::domain::panel::long_date),
                ))
            },
        );
        Ok(Templates { tera })
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, AppError> {
        self.tera
            .render(name, context)
            .map_err(|e| AppError::Internal(format!("template {name}: {e:?}")))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_parses() {
        super::Templates::load().unwrap();
    }
}
