//! The HTTP faces of the service: the JSON API (`api`) and the HTML pages (`pages`), over the
//! same services. `routes` lists every route with the permission it needs; nothing is mounted
//! any other way.

pub mod api;
pub mod catchers;
pub mod headers;
pub mod log;
pub mod pages;
pub mod routes;
pub mod templates;

/// An id segment of a URL. A segment that is not a UUID can match no record, so it is kept as
/// an empty id and the lookup answers 404, exactly as for an unknown id.
#[derive(Debug, Clone)]
pub struct UuidParam(pub String);

impl<'a> rocket::request::FromParam<'a> for UuidParam {
    type Error = std::convert::Infallible;

    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        Ok(UuidParam(
            uuid::Uuid::parse_str(param)
                .map(|u| u.to_string())
                .unwrap_or_default(),
        ))
    }
}
