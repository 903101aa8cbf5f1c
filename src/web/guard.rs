//! The `Caller` guard: authenticates the request (bearer token under `/api`, the private session
//! cookie elsewhere) and authorises it for the matched route's permission from `web::routes`.
//! A route with no entry there is refused. Failures become 401 or 403 through the catchers.

use crate::error::{AppError, is_api};
use crate::services::App;
use crate::services::sessions::{self, Kind, SignedIn};
use crate::web::routes;
use rocket::http::{Method, Status};
use rocket::request::{FromRequest, Outcome, Request};

pub const SESSION_COOKIE: &str = "tcr_session";
/// The session cookie's name behind TLS (see `csrf::CSRF_COOKIE_TLS`).
pub const SESSION_COOKIE_TLS: &str = "__Host-tcr_session";

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SESSION_COOKIE_TLS
    } else {
        SESSION_COOKIE
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Api,
    Browser,
}

/// A signed-in user allowed to use the matched route.
#[derive(Debug, Clone)]
pub struct Caller {
    pub who: SignedIn,
    pub via: Via,
}

impl std::ops::Deref for Caller {
    type Target = SignedIn;
    fn deref(&self) -> &SignedIn {
        &self.who
    }
}

/// The signed-in user, if any, once per request. Database trouble is remembered so the answer is
/// a 500 rather than a misleading 401.
struct Authenticated(Result<Option<SignedIn>, String>);

fn bearer(req: &Request<'_>) -> Option<String> {
    let header = req.headers().get_one("Authorization")?;
    let (scheme, value) = header.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| value.trim().to_string())
}

async fn authenticated<'r>(req: &'r Request<'_>) -> &'r Authenticated {
    req.local_cache_async(async {
        let Some(app) = req.rocket().state::<App>() else {
            return Authenticated(Err("App state missing".into()));
        };
        let (secret, kind) = if is_api(req) {
            (bearer(req), Kind::Api)
        } else {
            (
                req.cookies()
                    .get_private(session_cookie_name(crate::web::csrf::secure(req)))
                    .map(|c| c.value().to_string()),
                Kind::Browser,
            )
        };
        match secret {
            None => Authenticated(Ok(None)),
            Some(secret) => Authenticated(
                sessions::authenticate(app, &secret, kind)
                    .await
                    .map_err(|e| e.to_string()),
            ),
        }
    })
    .await
}

/// The lapsed session (timed out, not revoked, of a user still active) that the browser's session
/// cookie names, if any, looked up once per request and only when asked for: by `Caller` when a
/// page form arrives without a live session, and by the sign-in page to say why the user was
/// signed out.
pub async fn lapsed_session(req: &Request<'_>) -> Option<sessions::Lapsed> {
    struct Cached(Option<sessions::Lapsed>);
    req.local_cache_async(async {
        let Some(app) = req.rocket().state::<App>() else {
            return Cached(None);
        };
        let secret = req
            .cookies()
            .get_private(session_cookie_name(crate::web::csrf::secure(req)))
            .map(|c| c.value().to_string());
        match secret {
            // Database trouble here only means the form is not kept: the usual 401 follows.
            Some(secret) => Cached(sessions::lapsed(app, &secret).await.ok().flatten()),
            None => Cached(None),
        }
    })
    .await
    .0
    .clone()
}

/// Set when `Caller` forwarded a page form whose session had lapsed, so that the kept-form route
/// of the same path (ranked after it) keeps the body.
pub struct FormOfLapsedSession(pub Option<sessions::Lapsed>);

/// Remembers why a guard refused, for the catcher to say.
pub struct GuardRefusal(pub Option<String>);

/// Set when a user with a one-time password asked for anything else: pages send them to the
/// password page.
pub struct PasswordChangeDue(pub bool);

/// What a user with a one-time password may do before changing it: change it, see who they
/// are, and sign out.
const BEFORE_PASSWORD_CHANGE: &[(Method, &str)] = &[
    (Method::Post, "/api/v1/me/password"),
    (Method::Get, "/api/v1/me"),
    (Method::Post, "/api/v1/logout"),
    (Method::Get, "/account/password"),
    (Method::Post, "/account/password"),
    (Method::Post, "/logout"),
];

fn open_before_password_change(endpoint: &routes::Endpoint) -> bool {
    BEFORE_PASSWORD_CHANGE
        .iter()
        .any(|(m, p)| *m == endpoint.method && *p == endpoint.path)
}

fn refuse<T>(req: &Request<'_>, error: AppError) -> Outcome<T, ()> {
    if let AppError::Internal(detail) = &error {
        tracing::error!(route = %crate::web::log::route_label(req), "{detail}");
    }
    let status = error.status();
    req.local_cache(|| GuardRefusal(Some(error.public_message())));
    Outcome::Error((status, ()))
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Caller {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let Some(endpoint) = req.route().and_then(routes::for_route) else {
            return refuse(req, AppError::Forbidden);
        };
        let who = match &authenticated(req).await.0 {
            Err(detail) => return refuse(req, AppError::internal(detail.clone())),
            Ok(None) => {
                // A page form sent after the session lapsed goes on to the kept-form route
                // (`web::pages::kept`), which keeps what was typed before asking to sign in.
                if !is_api(req)
                    && req.method() == Method::Post
                    && let Some(lapsed) = lapsed_session(req).await
                {
                    req.local_cache(|| FormOfLapsedSession(Some(lapsed)));
                    return Outcome::Forward(Status::Unauthorized);
                }
                return refuse(req, AppError::Unauthenticated);
            }
            Ok(Some(who)) => who.clone(),
        };
        if who.user.must_change_password && !open_before_password_change(endpoint) {
            req.local_cache(|| PasswordChangeDue(true));
            req.local_cache(|| {
                GuardRefusal(Some(
                    "Change your one-time password first (POST /api/v1/me/password, or the \
                     Change your password page)."
                        .into(),
                ))
            });
            return Outcome::Error((Status::Forbidden, ()));
        }
        let allowed = req
            .rocket()
            .state::<App>()
            .is_some_and(|app| endpoint.access.allows(&app.policies.access, who.role()));
        if !allowed {
            return refuse(req, AppError::Forbidden);
        }
        let via = if is_api(req) { Via::Api } else { Via::Browser };
        Outcome::Success(Caller { who, via })
    }
}

/// The signed-in user on a public route (the sign-in page), without any permission check.
pub struct MaybeSignedIn(pub Option<SignedIn>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for MaybeSignedIn {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match &authenticated(req).await.0 {
            Ok(who) => Outcome::Success(MaybeSignedIn(who.clone())),
            Err(_) => Outcome::Error((Status::InternalServerError, ())),
        }
    }
}

/// The browser's lapsed session, if its cookie names one (for the sign-in page).
pub struct LapsedSession(pub Option<sessions::Lapsed>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for LapsedSession {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        Outcome::Success(LapsedSession(lapsed_session(req).await))
    }
}
