//! What Rocket answers when no handler does (unknown route, a method a path does not have, a
//! guard's refusal, an unreadable or refused body, an edge refused in `web::edges`): the JSON
//! error of API.md under `/api`, an HTML page elsewhere, and for a page that needs signing in,
//! a redirect to the sign-in page.

use crate::error::{AppError, ErrorBody, FieldErrors, INTERNAL_MESSAGE, code_for, json_response};
use crate::web::api::body::BodyRefusal;
use crate::web::guard::{GuardRefusal, PasswordChangeDue};
use rocket::http::{Header, Status};
use rocket::response::{self, Redirect, Responder};
use rocket::{Catcher, Request, catch, catchers};

pub fn api() -> Vec<Catcher> {
    catchers![api_default]
}

pub fn pages() -> Vec<Catcher> {
    catchers![page_default]
}

/// A refusal decided before any handler ran (an edge of HTTP, control characters in a JSON
/// body), kept in the request's cache for the catcher to answer with.
pub struct Refusal(Option<(Status, String, Option<FieldErrors>)>);

impl Refusal {
    pub fn status(status: Status, message: String) -> Self {
        Refusal(Some((status, message, None)))
    }

    /// 422 `validation_failed` naming the fields.
    pub fn fields(fields: FieldErrors) -> Self {
        let message = fields
            .values()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_else(|| "Some fields are not valid.".into());
        Refusal(Some((Status::UnprocessableEntity, message, Some(fields))))
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
        401 => AppError::Unauthenticated.to_string(),
        403 => AppError::Forbidden.to_string(),
        404 => "There is nothing here.".into(),
        405 => "That method is not allowed here.".into(),
        413 => "The request body is too large.".into(),
        // A document upload takes a file, not JSON.
        415 if req.uri().path().ends_with("/documents") => {
            "Send the file as `multipart/form-data` (fields `file`, `title`, `kind`).".into()
        }
        415 => "Send the body as JSON, with `Content-Type: application/json`.".into(),
        422 => "The request could not be read.".into(),
        c if c < 500 => "The request could not be handled.".into(),
        _ => INTERNAL_MESSAGE.into(),
    }
}

/// Rocket answers an unreadable body with 422; API.md calls that 400 `bad_request`.
fn api_status(status: Status) -> Status {
    match status.code {
        422 => Status::BadRequest,
        c if c >= 400 => status,
        _ => Status::InternalServerError,
    }
}

/// What a catcher decided: status, message, fields, and for 405 the methods the path has.
struct Decided {
    status: Status,
    message: String,
    fields: Option<FieldErrors>,
    allow: Option<String>,
}

fn decide(status: Status, req: &Request<'_>, api: bool) -> Decided {
    if let Some((status, message, fields)) = &req.local_cache(|| Refusal(None)).0 {
        return Decided {
            status: *status,
            message: message.clone(),
            fields: fields.clone(),
            allow: None,
        };
    }
    if status == Status::NotFound && req.route().is_none() {
        let methods = crate::web::edges::allowed_methods(req);
        if !methods.is_empty() && !methods.contains(&req.method()) {
            let allow: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
            return Decided {
                status: Status::MethodNotAllowed,
                message: format!(
                    "{} is not allowed here; this address answers {}.",
                    req.method(),
                    allow.join(", ")
                ),
                fields: None,
                allow: Some(allow.join(", ")),
            };
        }
    }
    let status = if api { api_status(status) } else { status };
    Decided {
        status,
        message: message_for(status, req),
        fields: None,
        allow: None,
    }
}

struct ApiError(Decided);

impl<'r> Responder<'r, 'static> for ApiError {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let d = self.0;
        let mut res = json_response(
            d.status,
            &ErrorBody::new(code_for(d.status), d.message, d.fields),
        )?;
        if let Some(allow) = d.allow {
            res.set_header(Header::new("Allow", allow));
        }
        Ok(res)
    }
}

#[catch(default)]
fn api_default(status: Status, req: &Request<'_>) -> ApiError {
    ApiError(decide(status, req, true))
}

// Built once per response and moved straight into it: size does not matter.
#[allow(clippy::large_enum_variant)]
enum PageAnswer {
    SignIn(Redirect),
    Page(Decided),
}

impl<'r> Responder<'r, 'static> for PageAnswer {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match self {
            PageAnswer::SignIn(r) => r.respond_to(req),
            PageAnswer::Page(d) => {
                let mut res = crate::web::pages::error_page(req, d.status, &d.message)?;
                if let Some(allow) = d.allow {
                    res.set_header(Header::new("Allow", allow));
                }
                Ok(res)
            }
        }
    }
}

/// The sign-in page, with the page to come back to afterwards: the page asked for (its query
/// too), or for a form sent without a session the page the form was on.
fn sign_in_then(req: &Request<'_>) -> String {
    let next = if req.method() == rocket::http::Method::Get {
        Some(req.uri().to_string())
    } else {
        crate::web::pages::kept::form_page(req)
    };
    let next = next.map(|n| crate::web::pages::session::safe_next(&n).to_string());
    match next {
        Some(n) if n != "/" => format!("/login?next={}", crate::web::query_value(&n)),
        _ => "/login".to_string(),
    }
}

#[catch(default)]
fn page_default(status: Status, req: &Request<'_>) -> PageAnswer {
    if req.local_cache(|| PasswordChangeDue(false)).0 {
        return PageAnswer::SignIn(Redirect::to("/account/password"));
    }
    if status == Status::Unauthorized {
        return PageAnswer::SignIn(Redirect::to(sign_in_then(req)));
    }
    PageAnswer::Page(decide(status, req, false))
}
