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
    "reviews/show.html",
    "reviews/actions.html",
    "returns/list.html",
    "returns/show.html",
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
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .map_err(|e| format!("templates: {e:?}"))?;
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
