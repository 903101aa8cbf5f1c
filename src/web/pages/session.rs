//! The sign-in page, signing in and signing out in the browser.

use super::{Html, Page};
use crate::error::AppError;
use crate::services::sessions::{self, Kind, Lapsed};
use crate::web::Caller;
use crate::web::client::ClientAddress;
use crate::web::csrf::{self, CsrfForm, Protected};
use crate::web::guard::{LapsedSession, session_cookie_name};
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar};
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::json;

#[derive(FromForm)]
pub struct LoginForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    username: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    next: String,
}

impl Protected for LoginForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// A form that carries nothing but its CSRF token (other fields are ignored).
#[derive(FromForm)]
pub struct CsrfOnly {
    #[field(default = String::new())]
    csrf_token: String,
}

impl Protected for CsrfOnly {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// Only a plain path on this site is a safe place to return to after signing in: it starts
/// with one `/`, holds only the printable ASCII a URI may carry (no space, tab, CR, LF, NUL,
/// DEL, backslash or non-ASCII character) and is not absurdly long. Anything else is `/`, so a
/// crafted link cannot break anyone's sign-in.
pub fn safe_next(next: &str) -> &str {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%".contains(c);
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 2048
        && next.chars().all(plain)
        && rocket::http::uri::Origin::parse(next).is_ok();
    if local { next } else { "/" }
}

#[derive(rocket::Responder)]
// Built once per response and moved straight into it: size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum LoginAnswer {
    Redirect(Redirect),
    Page(Html),
}

/// Why the browser's last session ended, when it timed out rather than being signed out.
fn signed_out_because(lapsed: Option<Lapsed>) -> Option<&'static str> {
    lapsed.map(|l| {
        if l.idle {
            "You were signed out after 30 minutes without activity."
        } else {
            "You were signed out because you had been signed in for 12 hours."
        }
    })
}

/// The sign-in page. Someone already signed in goes straight on to `next`.
#[get("/login?<next>")]
pub async fn login_page(
    page: Page<'_>,
    lapsed: LapsedSession,
    next: Option<&str>,
) -> Result<LoginAnswer, AppError> {
    let next = safe_next(next.unwrap_or("/"));
    if page.who.is_some() {
        return Ok(LoginAnswer::Redirect(Redirect::to(next.to_string())));
    }
    Ok(LoginAnswer::Page(page.render(
        "login.html",
        json!({
            "title": "Sign in", "next": next,
            "signed_out": signed_out_because(lapsed.0),
            "kept": next.starts_with("/kept/"),
        }),
    )?))
}

#[post("/login", data = "<form>")]
pub async fn login(
    page: Page<'_>,
    jar: &CookieJar<'_>,
    address: ClientAddress,
    form: CsrfForm<LoginForm>,
) -> Result<LoginAnswer, AppError> {
    let CsrfForm(form) = form;
    let secure = page.app.settings.behind_tls;
    let checked = crate::services::input::lines(&[("username", "the username", &form.username)]);
    let kind = Kind::Browser;
    let outcome = match checked {
        Ok(()) => sessions::login(page.app, &form.username, &form.password, kind, &address.0).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok((secret, who)) => {
            jar.add_private(csrf::session_cookie(
                session_cookie_name(secure),
                secret,
                secure,
            ));
            csrf::rotate(jar, secure);
            // A one-time password from an administrator must be changed first.
            let to = if who.user.must_change_password {
                super::account::PASSWORD_PAGE
            } else {
                safe_next(&form.next)
            };
            Ok(LoginAnswer::Redirect(Redirect::to(to.to_string())))
        }
        Err(
            e @ (AppError::BadCredentials
            | AppError::RateLimited { .. }
            | AppError::Validation { .. }),
        ) => {
            let retry_after = match e {
                AppError::RateLimited { retry_after } => Some(retry_after),
                _ => None,
            };
            let mut html = page.render_status(
                e.status(),
                "login.html",
                json!({
                    "title": "Sign in",
                    "next": safe_next(&form.next),
                    "username": form.username,
                    "errors": [{"field": "username", "message": login_problem(&e)}],
                }),
            )?;
            html.retry_after = retry_after;
            Ok(LoginAnswer::Page(html))
        }
        Err(other) => Err(other),
    }
}

/// The sign-in page's one error line: the field's own message for a refused username.
fn login_problem(e: &AppError) -> String {
    e.fields()
        .and_then(|f| f.get("username"))
        .and_then(|m| m.first())
        .cloned()
        .unwrap_or_else(|| e.public_message())
}

#[post("/logout", data = "<form>")]
pub async fn logout(
    page: Page<'_>,
    caller: Caller,
    jar: &CookieJar<'_>,
    form: CsrfForm<CsrfOnly>,
) -> Result<Flash<Redirect>, AppError> {
    let _ = form;
    sessions::logout(page.app, &caller).await?;
    let secure = page.app.settings.behind_tls;
    jar.remove_private(Cookie::build(session_cookie_name(secure)).path("/"));
    csrf::rotate(jar, page.app.settings.behind_tls);
    Ok(Flash::success(
        Redirect::to("/login"),
        "You have signed out.",
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_must_stay_on_this_site() {
        for (next, want) in [
            ("/admin/users", "/admin/users"),
            ("//evil.example/", "/"),
            ("https://evil.example/", "/"),
            ("/\\evil.example", "/"),
            ("", "/"),
            ("/a\tb", "/"),
            ("/a\rb", "/"),
            ("/a\nb", "/"),
            ("/a\u{0}b", "/"),
            ("/a\u{7f}b", "/"),
            ("/people/Zoë", "/"),
            ("/a b", "/"),
            ("/people?q=lee&status=active", "/people?q=lee&status=active"),
            ("/people?q=Zo%C3%AB", "/people?q=Zo%C3%AB"),
        ] {
            assert_eq!(super::safe_next(next), want, "{next}");
        }
    }
}
