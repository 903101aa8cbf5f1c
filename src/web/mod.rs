//! The HTTP faces of the service: the JSON API (`api`) and the HTML pages (`pages`), over the
//! same services. `routes` lists every route with the permission it needs; nothing is mounted
//! any other way. The request guards are here too: `guard` turns a cookie or bearer token into
//! a `Caller` authorised for the matched route, `csrf` protects forms, `client` is the client's
//! address for sign-in limits.

pub mod api;
pub mod catchers;
pub mod client;
pub mod csrf;
pub mod date_input;
pub mod display;
pub mod edges;
pub mod errors;
pub mod form;
pub mod guard;
pub mod headers;
pub mod log;
pub mod pages;
pub mod routes;
pub mod templates;

pub use guard::{Caller, Via};

/// An id segment of a URL. A segment that is not a UUID can match no record, so it is kept as
/// an empty id and the lookup answers 404, exactly as for an unknown id.
#[derive(Debug, Clone)]
pub struct UuidParam(pub String);

impl<'a> rocket::request::FromParam<'a> for UuidParam {
    type Error = std::convert::Infallible;

    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        Ok(UuidParam(uuid_segment(param)))
    }
}

/// The UUID text of an id segment, normalised; empty for a segment that is not a UUID (it can
/// match no record, so the lookup answers 404, exactly as for an unknown id).
fn uuid_segment(param: &str) -> String {
    uuid::Uuid::parse_str(param)
        .map(|u| u.to_string())
        .unwrap_or_default()
}

/// Each typed id is a URL segment the same way as `UuidParam`: any text is accepted.
macro_rules! id_params {
    ($($name:ident),+ $(,)?) => {$(
        impl<'a> rocket::request::FromParam<'a> for crate::domain::ids::$name {
            type Error = std::convert::Infallible;

            fn from_param(param: &'a str) -> Result<Self, Self::Error> {
                Ok(Self::from_text(uuid_segment(param)))
            }
        }
    )+};
}

id_params!(ActionId, PersonId, ReferralId, ReviewId, StayId, UserId);

/// Percent-encodes a value for a URL's query string (links that keep a list's filters, the
/// sign-in page's `next`). Unreserved characters, `/` and `:` stay as they are.
pub fn query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A list's link that keeps its filters: `path?k=v&…` with the non-empty values, encoded.
pub fn link_with<'a>(
    path: &str,
    pairs: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> String {
    let query: Vec<String> = pairs
        .into_iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", query_value(v)))
        })
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values() {
        assert_eq!(super::query_value("/admin/users"), "/admin/users");
        assert_eq!(
            super::query_value("Siân O'Neil & co"),
            "Si%C3%A2n%20O%27Neil%20%26%20co"
        );
        assert_eq!(
            super::query_value("2026-11-23T10:00:00Z"),
            "2026-11-23T10:00:00Z"
        );
        assert_eq!(super::query_value("a=b?c#d"), "a%3Db%3Fc%23d");
    }
}
