//! The stylesheet, compiled in and cacheable.

use crate::web::templates::STYLESHEET;
use rocket::get;
use rocket::http::{ContentType, Header};

#[derive(rocket::Responder)]
pub struct Css {
    body: (ContentType, &'static str),
    cache: Header<'static>,
}

#[get("/assets/tcr.css")]
pub fn stylesheet() -> Css {
    Css {
        body: (ContentType::CSS, STYLESHEET),
        cache: Header::new("Cache-Control", "public, max-age=3600"),
    }
}
