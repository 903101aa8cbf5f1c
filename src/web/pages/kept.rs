//! Forms that don't lose work (issue 14): keeping a page form that arrived after its session
//! lapsed, handing it back after the same user signs in again, and *Stay signed in*.
//!
//! Rocket reads no body when a request guard fails, so `Caller` forwards a page form whose
//! session has lapsed (`FormOfLapsedSession`), and a kept-form route mounted on the same path
//! with a later rank reads the body, checks its CSRF token and origin, keeps it sealed
//! (`services::kept`) and sends the browser to sign in with `next=/kept/<id>`. After signing
//! in, that page offers the form back: *Send it* posts the kept fields with a fresh CSRF token
//! to `/kept/<id>`, which uses the kept form up and answers `307 Temporary Redirect` to the
//! form's own path, so the browser sends the same body there and the form's own handler does
//! the rest — a form it refuses comes back with what was typed and its errors, as always.

use super::session::{CsrfOnly, safe_next};
use super::{Html, Page};
use crate::auth::token::constant_time_eq;
use crate::error::AppError;
use crate::services::kept::{self, SealKey, Use};
use crate::services::sessions::{self, Lapsed};
use crate::services::{Actor, App};
use crate::web::Caller;
use crate::web::csrf::{CSRF_FIELD, cookie_name, same_origin, secure};
use crate::web::guard::{FormOfLapsedSession, GuardRefusal, MaybeSignedIn, lapsed_session};
use crate::web::routes::ENDPOINTS;
use crate::web::{UuidParam, query_value};
use rocket::data::{Data, ToByteUnit};
use rocket::http::uri::Origin;
use rocket::http::{ContentType, Method, Status};
use rocket::response::{Flash, Redirect};
use rocket::route::{self, Handler, Route};
use rocket::{Request, State, get, post};
use serde_json::json;

/// Paths whose forms are never kept: signing in and out, keeping the session alive, and the
/// kept forms themselves.
fn never_kept(path: &str) -> bool {
    path == "/login"
        || path == "/logout"
        || path.starts_with("/kept")
        || path.starts_with("/session/")
}

/// One kept-form route for each page form in the route table, ranked after the form's own.
pub fn routes() -> Vec<Route> {
    ENDPOINTS
        .iter()
        .filter(|e| e.method == Method::Post && !e.path.starts_with("/api/") && !never_kept(e.path))
        .map(|e| {
            let mut route = Route::ranked(100, Method::Post, e.path, KeepLapsedForm);
            route.name = Some("keep_lapsed_form".into());
            route
        })
        .collect()
}

/// The page a form was on, from the browser's `Referer` (sent on same-origin requests under the
/// `same-origin` referrer policy), when it is a page of this site; otherwise none.
pub fn form_page(req: &Request<'_>) -> Option<String> {
    let referer = req.headers().get_one("Referer")?;
    let host = req.headers().get_one("Host")?;
    let rest = referer
        .strip_prefix("https://")
        .or_else(|| referer.strip_prefix("http://"))?;
    let rest = rest.strip_prefix(host)?;
    let page = safe_next(rest);
    (page == rest && !page.starts_with("/login")).then(|| page.to_string())
}

/// The form's fields as it was sent, in order, decoded.
pub use crate::web::csrf::decode_fields as fields;

/// Why a body cannot be kept, as the status the request then ends with.
enum NotKept {
    /// Not a urlencoded form, too large, or not from this site with its CSRF token: the
    /// browser is sent to sign in as before, nothing kept.
    Unkeepable,
    Failed(AppError),
}

/// Reads a urlencoded form body (within the form limit) sent from this site with the right
/// CSRF token.
async fn checked_body(req: &Request<'_>, data: Data<'_>) -> Result<Vec<u8>, NotKept> {
    if req.content_type() != Some(&ContentType::Form) || !same_origin(req) {
        return Err(NotKept::Unkeepable);
    }
    let limit = req.limits().get("form").unwrap_or(1.mebibytes());
    let body = match data.open(limit).into_bytes().await {
        Ok(read) if read.is_complete() => read.into_inner(),
        _ => return Err(NotKept::Unkeepable),
    };
    let expected = req.cookies().get_private(cookie_name(secure(req)));
    let sent = fields(&body)
        .into_iter()
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value);
    match (expected, sent) {
        (Some(cookie), Some(sent)) if constant_time_eq(cookie.value(), &sent) => Ok(body),
        _ => Err(NotKept::Unkeepable),
    }
}

/// Keeps `body`, sent to `path` by `user`, and returns its id.
async fn keep_body(
    req: &Request<'_>,
    user: &Actor,
    path: &str,
    body: &[u8],
) -> Result<String, NotKept> {
    let (Some(app), Some(key)) = (req.rocket().state::<App>(), req.rocket().state::<SealKey>())
    else {
        return Err(NotKept::Failed(AppError::internal("state missing")));
    };
    let return_to = form_page(req).unwrap_or_else(|| "/".into());
    kept::keep(app, key, user, path, &return_to, body)
        .await
        .map_err(NotKept::Failed)
}

fn sign_in_to_get_it_back(id: &str) -> String {
    format!("/login?next={}", query_value(&format!("/kept/{id}")))
}

/// The kept-form route: reached only when the form's own route forwarded.
#[derive(Clone)]
struct KeepLapsedForm;

#[rocket::async_trait]
impl Handler for KeepLapsedForm {
    async fn handle<'r>(&self, req: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        let lapsed = req.local_cache(|| FormOfLapsedSession(None)).0.clone();
        let Some(Lapsed { user, .. }) = lapsed else {
            // The form's own route forwarded for its body (not a form): as it would have been.
            return route::Outcome::Forward((data, Status::UnsupportedMediaType));
        };
        let path = req.uri().path().to_string();
        let kept = match checked_body(req, data).await {
            Ok(body) => keep_body(req, &user, &path, &body).await,
            Err(e) => Err(e),
        };
        answer(req, kept, sign_in_to_get_it_back)
    }
}

fn answer<'r>(
    req: &'r Request<'_>,
    kept: Result<String, NotKept>,
    next: fn(&str) -> String,
) -> route::Outcome<'r> {
    match kept {
        Ok(id) => route::Outcome::from(req, Redirect::to(next(&id))),
        // Not kept: the usual answer to a form without a live session, sign in.
        Err(NotKept::Unkeepable) => route::Outcome::Error(Status::Unauthorized),
        Err(NotKept::Failed(e)) => route::Outcome::from(req, e),
    }
}

/// `POST /kept?to=<path>`: where the timeout warning's script sends a form being typed in when
/// the session runs out, to keep it without sending it on (`to` is the form's own path). With
/// a session still live (another tab kept it alive) the form is kept all the same and offered
/// back at once.
#[derive(Clone)]
struct KeepTyped;

pub fn keep_typed_route() -> Route {
    let mut route = Route::new(Method::Post, "/kept", KeepTyped);
    route.name = Some("keep_typed".into());
    route
}

#[rocket::async_trait]
impl Handler for KeepTyped {
    async fn handle<'r>(&self, req: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        let signed_in = match req.guard::<MaybeSignedIn>().await {
            rocket::request::Outcome::Success(m) => m.0,
            _ => return route::Outcome::Error(Status::InternalServerError),
        };
        let (user, next): (Actor, fn(&str) -> String) = match (signed_in, lapsed_session(req).await)
        {
            (Some(who), _) => (who.actor(), |id| format!("/kept/{id}")),
            (None, Some(lapsed)) => (lapsed.user, sign_in_to_get_it_back),
            (None, None) => return route::Outcome::Error(Status::Unauthorized),
        };
        let body = match checked_body(req, data).await {
            Ok(body) => body,
            Err(_) => {
                req.local_cache(|| {
                    GuardRefusal(Some(
                        "This form has expired. Go back, reload the page and try again.".into(),
                    ))
                });
                return route::Outcome::Error(Status::Forbidden);
            }
        };
        let to = req.query_value::<&str>("to").and_then(Result::ok);
        let Some(path) = to.filter(|p| is_page_form(p)) else {
            return route::Outcome::Error(Status::BadRequest);
        };
        let kept = keep_body(req, &user, path, &body).await;
        answer(req, kept, next)
    }
}

/// Whether `path` is where one of the page forms in the route table posts.
fn is_page_form(path: &str) -> bool {
    let Ok(origin) = Origin::parse(path) else {
        return false;
    };
    if origin.query().is_some() || safe_next(path) != path || never_kept(path) {
        return false;
    }
    let segments: Vec<&str> = origin.path().segments().collect();
    ENDPOINTS.iter().any(|e| {
        let pattern: Vec<&str> = e.path.split('/').filter(|s| !s.is_empty()).collect();
        e.method == Method::Post
            && !e.path.starts_with("/api/")
            && pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| p.starts_with('<') || p == s)
    })
}

/// The signed-in user's kept form, offered back.
#[get("/kept/<id>")]
pub async fn kept_page(
    page: Page<'_>,
    caller: Caller,
    key: &State<SealKey>,
    id: UuidParam,
) -> Result<Html, AppError> {
    let kept = kept::get(page.app, key, &caller, &id.0).await?;
    let fields = fields(&kept.body);
    let typed: Vec<&str> = fields
        .iter()
        .filter(|(name, value)| name != CSRF_FIELD && !value.trim().is_empty())
        .map(|(_, value)| value.as_str())
        .collect();
    let hidden: Vec<_> = fields
        .iter()
        .filter(|(name, _)| name != CSRF_FIELD)
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    page.render(
        "kept.html",
        json!({
            "title": "Your work was kept",
            "id": kept.id, "typed": typed, "hidden": hidden, "return_to": kept.return_to,
        }),
    )
}

/// *Send it*: uses the kept form up and has the browser send it on to its own path (307 keeps
/// the method and the body, which carries a fresh CSRF token).
#[post("/kept/<id>", data = "<form>")]
pub async fn send_kept(
    page: Page<'_>,
    caller: Caller,
    key: &State<SealKey>,
    id: UuidParam,
    form: crate::web::csrf::CsrfForm<CsrfOnly>,
) -> Result<Redirect, AppError> {
    let _ = form;
    let kept = kept::take(page.app, key, &caller, &id.0, Use::Send).await?;
    Ok(Redirect::temporary(kept.path))
}

#[post("/kept/<id>/discard", data = "<form>")]
pub async fn discard_kept(
    page: Page<'_>,
    caller: Caller,
    key: &State<SealKey>,
    id: UuidParam,
    form: crate::web::csrf::CsrfForm<CsrfOnly>,
) -> Result<Flash<Redirect>, AppError> {
    let _ = form;
    let kept = kept::take(page.app, key, &caller, &id.0, Use::Discard).await?;
    Ok(Flash::success(
        Redirect::to(kept.return_to),
        "What you typed has been discarded.",
    ))
}

/// *Stay signed in*: records activity now. 204, so the page stays as it is.
#[post("/session/keep-alive", data = "<form>")]
pub async fn keep_alive(
    page: Page<'_>,
    caller: Caller,
    form: crate::web::csrf::CsrfForm<CsrfOnly>,
) -> Result<Status, AppError> {
    let _ = form;
    sessions::keep_alive(page.app, &caller).await?;
    Ok(Status::NoContent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_decode_as_browsers_encode() {
        assert_eq!(
            fields(b"csrf_token=ab&findings%5Bhealth%5D=Line+one%0D%0ALine+two&empty=&flag"),
            vec![
                ("csrf_token".into(), "ab".into()),
                ("findings[health]".into(), "Line one\r\nLine two".into()),
                ("empty".into(), "".into()),
                ("flag".into(), "".into()),
            ]
        );
    }

    #[test]
    fn only_page_form_paths_can_be_kept() {
        for (path, ok) in [
            (
                "/reviews/0b7e6c1e-55d5-4f4e-9d59-3c1f7a0e6c11/outcome",
                true,
            ),
            ("/people", true),
            ("/people/x/edit", true),
            ("/people/x/edit/more", false),
            ("/api/v1/people", false),
            ("/login", false),
            ("/logout", false),
            ("/kept", false),
            ("/session/keep-alive", false),
            ("/people?x=1", false),
            ("//evil.example/people", false),
            ("/reviews", false),
        ] {
            assert_eq!(is_page_form(path), ok, "{path}");
        }
    }
}
