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
    "partials/due.html",
    "partials/dashboard.html",
    "today.html",
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
    "figures/show.html",
    "returns/show.html",
    "partials/moves.html",
    "partials/downloads.html",
    "reviews/change.html",
    "reviews/cancel.html",
    "diary.html",
    "imports/list.html",
    "imports/show.html",
    "record/documents.html",
    "record/upload.html",
    "record/chronology.html",
    "people/visit.html",
    "escalations/form.html",
    "escalations/show.html",
    "escalations/list.html",
    "partials/visits.html",
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
        tera.register_filter("label", label_filter);
        Ok(Templates { tera })
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, AppError> {
        self.tera
            .render(name, context)
            .map_err(|e| AppError::failed(format!("template {name}"), e))
    }
}

/// A stored code in words, by the one mapping its vocabulary has (`label()` in `domain`):
/// `{{ p.setting | label(of="setting") }}` shows "Family home" for `family_home`. A code the
/// vocabulary does not know is shown as it is.
fn label_filter(
    v: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    use crate::domain::{person, review, role};
    let (Some(code), Some(of)) = (v.as_str(), args.get("of").and_then(|o| o.as_str())) else {
        return Ok(v.clone());
    };
    let words = match of {
        "setting" => person::Setting::parse(code).map(person::Setting::label),
        "sex" => person::Sex::parse(code).map(person::Sex::label),
        "status" => person::Status::parse(code).map(person::Status::label),
        "security_level" => person::SecurityLevel::parse(code).map(person::SecurityLevel::label),
        "legal_status" => person::LegalStatus::parse(code).map(person::LegalStatus::label),
        "review_kind" => review::ReviewKind::parse(code).map(review::ReviewKind::label),
        "role" => code.parse::<role::Role>().ok().map(role::Role::label),
        "ethnicity" => crate::domain::ethnicity::Ethnicity::parse(code)
            .map(crate::domain::ethnicity::Ethnicity::label),
        "restrictive" => crate::domain::visits::Restrictive::parse(code)
            .map(crate::domain::visits::Restrictive::label),
        "urgency" => {
            crate::domain::visits::Urgency::parse(code).map(crate::domain::visits::Urgency::label)
        }
        other => return Err(tera::Error::msg(format!("label: no vocabulary {other}"))),
    };
    Ok(words.map_or_else(|| v.clone(), |w| tera::Value::String(w.into())))
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_in_words() {
        use tera::Value;
        let s = |t: &str| Value::String(t.into());
        let of = |o: &str| [("of".to_string(), s(o))].into_iter().collect();
        assert_eq!(
            super::label_filter(&s("family_home"), &of("setting")).unwrap(),
            s("Family home")
        );
        assert_eq!(
            super::label_filter(&s("panel_member"), &of("role")).unwrap(),
            s("Panel member")
        );
        assert_eq!(
            super::label_filter(&s("post_admission"), &of("review_kind")).unwrap(),
            s("Post-admission review")
        );
        assert_eq!(
            super::label_filter(&s("section_3"), &of("legal_status")).unwrap(),
            s("Section 3")
        );
        assert_eq!(
            super::label_filter(&s("odd"), &of("setting")).unwrap(),
            s("odd")
        );
        assert!(super::label_filter(&s("x"), &of("nothing")).is_err());
    }

    #[test]
    fn every_template_parses() {
        super::Templates::load().unwrap();
    }
}
