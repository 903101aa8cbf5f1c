//! The edges of HTTP, before any handler: an over-long URI (414), a control character in a
//! query parameter (422 naming it) or in a path segment (404), and which methods a known path
//! has (for 405 with `Allow`). A refused request is turned away here and answered by the
//! catchers, so every route, present and future, gets the same rule.

use crate::domain::text::{Lines, control_problem};
use crate::web::catchers::Refusal;
use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{Method, Status};
use rocket::{Data, Request};

/// The longest request URI (path and query) accepted. Far above any link the service makes.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Query parameters that are not refused but fall back to a default when not plain: the
/// sign-in page's `next` (a crafted link must not break a victim's sign-in).
const FALLS_BACK: &[&str] = &["next"];

pub struct Edges;

#[rocket::async_trait]
impl Fairing for Edges {
    fn info(&self) -> Info {
        Info {
            name: "HTTP edges",
            kind: Kind::Request,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        let Some(refusal) = refusal_for(req) else {
            join_query_dates(req);
            return;
        };
        let api = req.uri().path().starts_with("/api/");
        req.local_cache(|| refusal);
        // A path no route has: the request goes straight to the catcher, which answers with
        // the refusal cached above (JSON under /api, a page elsewhere).
        req.set_uri(if api {
            rocket::uri!("/api/-refused")
        } else {
            rocket::uri!("/-refused")
        });
    }
}

/// A page's GET form (a register's "as at" day, the audit trail's period) sends its GOV.UK date
/// inputs as three parameters; the handler reads one date, so the query is rewritten with each
/// triple joined (`web::date_input`), as page forms' bodies are.
fn join_query_dates(req: &mut Request<'_>) {
    if req.method() != Method::Get || req.uri().path().starts_with("/api/") {
        return;
    }
    let fields: Vec<(String, String)> = req
        .query_fields()
        .map(|f| (f.name.source().as_str().to_string(), f.value.to_string()))
        .collect();
    let is_part = |n: &str| ["-day", "-month", "-year"].iter().any(|s| n.ends_with(s));
    if !fields.iter().any(|(n, _)| is_part(n)) {
        return;
    }
    let query: Vec<String> = crate::web::date_input::join(fields)
        .iter()
        .map(|(n, v)| format!("{}={}", super::query_value(n), super::query_value(v)))
        .collect();
    let uri = format!("{}?{}", req.uri().path(), query.join("&"));
    if let Ok(origin) = rocket::http::uri::Origin::parse_owned(uri) {
        req.set_uri(origin);
    }
}

fn refusal_for(req: &Request<'_>) -> Option<Refusal> {
    let uri_len =
        req.uri().path().as_str().len() + req.uri().query().map_or(0, |q| q.as_str().len() + 1);
    if uri_len > MAX_URI_BYTES {
        return Some(Refusal::status(
            Status::UriTooLong,
            format!("The address is longer than the limit of {MAX_URI_BYTES} bytes."),
        ));
    }
    if req
        .uri()
        .path()
        .segments()
        .any(|s| line_problem(s).is_some())
    {
        return Some(Refusal::status(
            Status::NotFound,
            "There is nothing here.".into(),
        ));
    }
    let mut fields = crate::error::FieldErrors::new();
    for field in req.query_fields() {
        let name = field.name.source().as_str();
        if FALLS_BACK.contains(&name) {
            continue;
        }
        let (field_name, problem) = match (line_problem(name), line_problem(field.value)) {
            (Some(problem), _) => ("query", problem),
            (None, Some(problem)) => (name, problem),
            (None, None) => continue,
        };
        fields
            .entry(field_name.to_string())
            .or_default()
            .push(format!("The parameter `{field_name}` {problem}"));
    }
    (!fields.is_empty()).then(|| Refusal::fields(fields))
}

fn line_problem(s: &str) -> Option<&'static str> {
    control_problem(s, Lines::One)
}

/// The methods the service has for this path (HEAD with GET), when it has any.
pub fn allowed_methods(req: &Request<'_>) -> Vec<Method> {
    let path: Vec<&str> = req.uri().path().segments().collect();
    let mut methods: Vec<Method> = req
        .rocket()
        .routes()
        .filter(|r| pattern_matches(r.uri.path(), &path))
        .map(|r| r.method)
        .collect();
    if methods.contains(&Method::Get) {
        methods.push(Method::Head);
    }
    methods.sort_by_key(|m| m.as_str());
    methods.dedup();
    methods
}

/// Whether a route's path pattern (`/api/v1/people/<id>`) matches the request's segments.
fn pattern_matches(pattern: &str, path: &[&str]) -> bool {
    let parts: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    if parts.last().is_some_and(|p| p.ends_with("..>")) {
        let fixed = &parts[..parts.len() - 1];
        return path.len() >= fixed.len() && segments_match(fixed, &path[..fixed.len()]);
    }
    parts.len() == path.len() && segments_match(&parts, path)
}

fn segments_match(parts: &[&str], path: &[&str]) -> bool {
    parts
        .iter()
        .zip(path)
        .all(|(p, s)| (p.starts_with('<') && p.ends_with('>')) || p == s)
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn patterns() {
        assert!(pattern_matches(
            "/api/v1/people/<id>",
            &["api", "v1", "people", "x"]
        ));
        assert!(!pattern_matches(
            "/api/v1/people/<id>",
            &["api", "v1", "people"]
        ));
        assert!(!pattern_matches(
            "/api/v1/people",
            &["api", "v1", "people", "x"]
        ));
        assert!(pattern_matches("/", &[]));
        assert!(pattern_matches("/files/<p..>", &["files", "a", "b"]));
        assert!(!pattern_matches("/api/v1/users", &["api", "v1", "user"]));
    }
}
