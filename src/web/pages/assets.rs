//! The stylesheet and the script, compiled in and cacheable.

use crate::web::templates::{SCRIPT, STYLESHEET};
use rocket::get;
use rocket::http::{ContentType, Header};

#[derive(rocket::Responder)]
pub struct Asset {
    body: (ContentType, &'static str),
    cache: Header<'static>,
}

#[get("/assets/tcr.css")]
pub fn stylesheet() -> Asset {
    Asset {
        body: (ContentType::CSS, STYLESHEET),
        cache: Header::new("Cache-Control", "public, max-age=3600"),
    }
}

#[get("/assets/tcr.js")]
pub fn script() -> Asset {
    Asset {
        body: (ContentType::JavaScript, SCRIPT),
        cache: Header::new("Cache-Control", "public, max-age=3600"),
    }
}
