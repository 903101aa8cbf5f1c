//! CSRF protection for the HTML forms. A random token lives in a private (encrypted, HttpOnly,
//! SameSite=Strict, browser-session) cookie and is repeated in a hidden field of every form; `CsrfForm<T>` refuses a
//! submission whose field does not match the cookie, or whose `Origin` (or `Sec-Fetch-Site`)
//! shows it came from another site. The API is not exposed to CSRF: it takes bearer tokens,
//! never cookies.

use crate::auth::token::{constant_time_eq, random_hex};
use rocket::data::Limits;
use rocket::data::{self, Data, FromData};
use rocket::form::{Form, FromForm, ValueField};
use rocket::http::RawStr;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};

pub const CSRF_COOKIE: &str = "tcr_csrf";
/// Behind TLS the cookie carries the `__Host-` prefix: browsers then accept it only with
/// `Secure`, `Path=/` and no `Domain`, so no other host or plain-HTTP page can plant one.
pub const CSRF_COOKIE_TLS: &str = "__Host-tcr_csrf";
pub const CSRF_FIELD: &str = "csrf_token";

pub fn cookie_name(secure: bool) -> &'static str {
    if secure { CSRF_COOKIE_TLS } else { CSRF_COOKIE }
}

/// The attributes every tcr cookie shares: encrypted by the caller (`add_private`), HttpOnly,
/// SameSite=Strict, path `/`, `Secure` behind TLS, and no `Expires`: it ends with the browser
/// session (Rocket would otherwise give a private cookie a week), while the server-side session
/// ends after 30 minutes idle or 12 hours whatever the cookie says.
pub fn session_cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        // `None` is the cookie crate's `Expiration::Session`: no `Expires`, no `Max-Age`.
        .expires(None::<time::OffsetDateTime>)
        .build()
}

/// The current CSRF token, created (and its cookie set) on first use.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

pub fn cookie(value: String, secure: bool) -> Cookie<'static> {
    session_cookie(cookie_name(secure), value, secure)
}

/// True behind TLS (`TCR_BEHIND_TLS`): cookies get `Secure` and the `__Host-` prefix.
pub fn secure(req: &Request<'_>) -> bool {
    req.rocket()
        .state::<crate::services::App>()
        .is_some_and(|app| app.settings.behind_tls)
}

/// Issues a fresh token (at sign-in and sign-out, so a token never outlives a session).
pub fn rotate(jar: &CookieJar<'_>, secure: bool) -> String {
    let value = random_hex(32);
    jar.add_private(cookie(value.clone(), secure));
    value
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let token = req.local_cache(|| {
            let jar = req.cookies();
            match jar.get_private(cookie_name(secure(req))) {
                Some(c) if c.value().len() == 64 => c.value().to_string(),
                _ => rotate(jar, secure(req)),
            }
        });
        Outcome::Success(CsrfToken(token.clone()))
    }
}

/// A form that carries the CSRF field.
pub trait Protected {
    fn csrf_token(&self) -> &str;
}

/// Refuses requests that say they come from elsewhere. Browsers send `Origin` on every POST
/// and `Sec-Fetch-Site` on every request; either naming another site is enough to refuse.
pub fn same_origin(req: &Request<'_>) -> bool {
    if req.headers().get_one("Sec-Fetch-Site") == Some("cross-site") {
        return false;
    }
    let Some(origin) = req.headers().get_one("Origin") else {
        return true;
    };
    let Some(host) = req.headers().get_one("Host") else {
        return false;
    };
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or("");
    origin_host.eq_ignore_ascii_case(host)
}

/// A form body checked against CSRF before the handler sees it.
pub struct CsrfForm<T>(pub T);

/// Refuses a form (403) with words for the page.
fn refuse<'r, T: FromData<'r, Error = ()>>(
    req: &'r Request<'_>,
    message: &str,
) -> data::Outcome<'r, T> {
    req.local_cache(|| crate::web::guard::GuardRefusal(Some(message.to_string())));
    data::Outcome::Error((Status::Forbidden, ()))
}

/// Why a form is not read at all: sent from another site, or not in its encoding.
enum Unread {
    Foreign,
    Encoding,
}

/// The checks both kinds of form pass before their body is read.
fn unread(req: &Request<'_>, encoded: bool) -> Option<Unread> {
    if !same_origin(req) {
        Some(Unread::Foreign)
    } else if !encoded {
        Some(Unread::Encoding)
    } else {
        None
    }
}

/// The answer to a form not read.
fn answer_unread<'r, T: FromData<'r, Error = ()>>(
    req: &'r Request<'_>,
    data: Data<'r>,
    why: Unread,
) -> data::Outcome<'r, T> {
    match why {
        Unread::Foreign => refuse(
            req,
            "This form was sent from another website, so it was not accepted.",
        ),
        Unread::Encoding => data::Outcome::Forward((data, Status::UnsupportedMediaType)),
    }
}

/// The form read, accepted when its hidden field matches the cookie.
fn token_matches<'r, F: Protected, T: FromData<'r, Error = ()>>(
    req: &'r Request<'_>,
    form: F,
    wrap: impl FnOnce(F) -> T,
) -> data::Outcome<'r, T> {
    match req.cookies().get_private(cookie_name(secure(req))) {
        Some(cookie) if constant_time_eq(cookie.value(), form.csrf_token()) => {
            data::Outcome::Success(wrap(form))
        }
        _ => refuse(
            req,
            "This form has expired. Go back, reload the page and try again.",
        ),
    }
}

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + Protected + Send + 'r> FromData<'r> for CsrfForm<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if let Some(why) = unread(req, req.content_type().is_some_and(|ct| ct.is_form())) {
            return answer_unread(req, data, why);
        }
        let fields = match form_fields(req, data).await {
            Ok(fields) => fields,
            Err(status) => return data::Outcome::Error((status, ())),
        };
        let values = fields
            .iter()
            .map(|(name, value)| ValueField::from((name.as_str(), value.as_str())));
        match Form::<T>::parse_iter(values) {
            Ok(form) => token_matches(req, form, CsrfForm),
            Err(e) => data::Outcome::Error((e.status(), ())),
        }
    }
}

/// A file upload (`multipart/form-data`) checked against CSRF as [`CsrfForm`] checks a form:
/// same origin, and the hidden field equal to the cookie. Its size is bounded by the `file` and
/// `data-form` limits.
pub struct CsrfUpload<T>(pub T);

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + Protected + Send + 'r> FromData<'r> for CsrfUpload<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if let Some(why) = unread(req, req.content_type().is_some_and(|ct| ct.is_form_data())) {
            return answer_unread(req, data, why);
        }
        match Form::<T>::from_data(req, data).await {
            data::Outcome::Success(form) => token_matches(req, form.into_inner(), CsrfUpload),
            data::Outcome::Error((status, _)) => data::Outcome::Error((status, ())),
            data::Outcome::Forward(f) => data::Outcome::Forward(f),
        }
    }
}

/// An urlencoded form body's fields as sent, in order, percent-decoded as browsers encode them.
pub fn decode_fields(body: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &str| RawStr::new(s).url_decode_lossy().into_owned();
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// The submitted fields of an urlencoded form, percent-decoded, with each GOV.UK date input's
/// three parts joined into one date field (`web::date_input`). Kept for the request's lifetime
/// so the form can borrow from them.
struct FormFields(Vec<(String, String)>);

async fn form_fields<'r>(
    req: &'r Request<'_>,
    data: Data<'r>,
) -> Result<&'r [(String, String)], Status> {
    let limit = req.limits().get("form").unwrap_or(Limits::FORM);
    let body = data
        .open(limit)
        .into_string()
        .await
        .map_err(|_| Status::BadRequest)?;
    if !body.is_complete() {
        return Err(Status::PayloadTooLarge);
    }
    let joined = crate::web::date_input::join(decode_fields(body.as_bytes()));
    Ok(&req.local_cache(move || FormFields(joined)).0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rocket::local::blocking::Client;

    #[test]
    fn origin_checks() {
        let client = Client::debug_with(vec![]).unwrap();
        let cases: [(&[(&str, &str)], bool); 6] = [
            (&[("Host", "tcr.example")], true),
            (
                &[("Host", "tcr.example"), ("Origin", "https://tcr.example")],
                true,
            ),
            (
                &[
                    ("Host", "127.0.0.1:8000"),
                    ("Origin", "http://127.0.0.1:8000"),
                ],
                true,
            ),
            (
                &[("Host", "tcr.example"), ("Origin", "https://evil.example")],
                false,
            ),
            (&[("Host", "tcr.example"), ("Origin", "null")], false),
            (
                &[("Host", "tcr.example"), ("Sec-Fetch-Site", "cross-site")],
                false,
            ),
        ];
        for (headers, ok) in cases {
            let mut req = client.post("/");
            for (k, v) in headers {
                req = req.header(rocket::http::Header::new(*k, *v));
            }
            assert_eq!(same_origin(req.inner()), ok, "{headers:?}");
        }
    }
}
