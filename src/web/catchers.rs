//! What Rocket answers when no handler does (unknown route, a guard's refusal, an unreadable
//! body): the JSON error of API.md under `/api`, an HTML page elsewhere, and for a page that
//! needs signing in, a redirect to the sign-in page.

use crate::auth::guard::{GuardRefusal, PasswordChangeDue};
use crate::error::{ErrorBody, json_response};
use crate::web::api::body::BodyRefusal;
use rocket::http::Status;
use rocket::response::{self, Redirect, Responder};
use rocket::{Catcher, Request, catch, catchers};

pub fn api() -> Vec<Catcher> {
    catchers![api_default]
}

pub fn pages() -> Vec<Catcher> {
    catchers![page_default]
}

fn code_for(status: Status) -> &'static str {
    match status.code {
        400 => "bad_request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        413 => "bad_request",
        422 => "validation_failed",
        429 => "rate_limited",
        c if c < 500 => "bad_request",
        _ => "internal_error",
    }
}

fn message_for(status: Status, req: &Request<'_>) -> String {
    if let Some(m) = &req.local_cache(|| BodyRefusal(None)).0 {
        return m.clone();
    }
    if let Some(m) = &req.local_cache(|| GuardRefusal(None)).0 {
        return m.clone();
    }
    match status.code {
        400 => "The request could not be read.".into(),
        401 => "Sign in to continue.".into(),
        403 => "You do not have permission to do that.".into(),
        404 => "There is nothing here.".into(),
        405 => "That method is not allowed here.".into(),
        413 => "The request body is too large.".into(),
        422 => "The request could not be read.".into(),
        c if c < 500 => "The request could not be handled.".into(),
        _ => "Something went wrong on our side. Nothing was changed; please try again.".into(),
    }
}

/// Rocket answers an unreadable body with 422; API.md calls that 400 `bad_request`.
fn api_status(status: Status) -> Status {
    match status.code {
        413 | 415 => Status::BadRequest,
        422 => Status::BadRequest,
        c if c >= 400 => status,
        _ => Status::InternalServerError,
    }
}

struct ApiError(Status, String);

impl<'r> Responder<'r, 'static> for ApiError {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        json_response(self.0, &ErrorBody::new(code_for(self.0), self.1, None))
    }
}

#[catch(default)]
fn api_default(status: Status, req: &Request<'_>) -> ApiError {
    let status = api_status(status);
    ApiError(status, message_for(status, req))
}

// Built once per response and moved straight into it: size does not matter.
#[allow(clippy::large_enum_variant)]
enum PageAnswer {
    SignIn(Redirect),
    Page(Status, String),
}

impl<'r> Responder<'r, 'static> for PageAnswer {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match self {
            PageAnswer::SignIn(r) => r.respond_to(req),
            PageAnswer::Page(status, message) => {
                crate::web::pages::error_page(req, status, &message)
            }
        }
    }
}

#[catch(default)]
fn page_default(status: Status, req: &Request<'_>) -> PageAnswer {
    if req.local_cache(|| PasswordChangeDue(false)).0 {
        return PageAnswer::SignIn(Redirect::to("/account/password"));
    }
    if status == Status::Unauthorized {
        let next = req.uri().path().to_string();
        let target = if next == "/" || req.method() != rocket::http::Method::Get {
            "/login".to_string()
        } else {
            format!("/login?next={}", crate::web::query_value(&next))
        };
        return PageAnswer::SignIn(Redirect::to(target));
    }
    PageAnswer::Page(status, message_for(status, req))
}
