//! The HTML face: sign in and out, CSRF on every form, security headers, the admin pages.

use crate::support::*;
use rocket::http::{ContentType, Header, Method, Status};
use tcr::web::routes::ENDPOINTS;

#[rocket::async_test]
async fn signed_out_visitors_are_sent_to_sign_in_and_come_back() {
    let t = TestApp::new().await;
    let res = t.client.get("/admin/users").dispatch().await;
    assert_eq!(res.status(), Status::SeeOther);
    assert_eq!(
        res.headers().get_one("Location"),
        Some("/login?next=/admin/users")
    );

    let (status, body) = t.page("/login?next=/admin/users").await;
    assert_eq!(status, Status::Ok);
    assert!(body.contains("Skip to main content") && body.contains("<h1>Sign in</h1>"));
    let csrf = extract_csrf(&body).unwrap();
    let (status, _, location) = t
        .post_form(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", "/admin/users"),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/admin/users"));
    let (status, body) = t.page("/admin/users").await;
    assert_eq!(status, Status::Ok);
    assert!(
        body.contains("Signed in as <strong>Administrator</strong>"),
        "{body}"
    );
}

#[rocket::async_test]
async fn a_wrong_password_shows_the_form_again_and_throttles_like_the_api() {
    let t = TestApp::new().await;
    for _ in 0..5 {
        let csrf = t.csrf().await;
        let (status, body, _) = t
            .post_form(
                "/login",
                &[
                    ("csrf_token", &csrf),
                    ("username", "admin"),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        assert_eq!(status, Status::Unauthorized);
        assert!(
            body.contains("There is a problem")
                && body.contains("The username or password is not correct.")
        );
        assert!(
            !body.contains("wrong password!"),
            "the password is not sent back"
        );
    }
    let csrf = t.csrf().await;
    let res = t
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[
            ("csrf_token", &csrf),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
        ]))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::TooManyRequests);
    assert!(res.headers().get_one("Retry-After").is_some());
}

#[rocket::async_test]
async fn every_form_refuses_a_missing_or_wrong_csrf_token_or_a_foreign_origin() {
    let t = TestApp::new().await;
    assert_eq!(
        t.page_login("admin", ADMIN_PASSWORD).await,
        Status::SeeOther
    );
    let posts: Vec<_> = ENDPOINTS
        .iter()
        .filter(|e| e.method == Method::Post && !e.path.starts_with("/api/"))
        .collect();
    assert!(posts.len() >= 5);
    for e in posts {
        let path = concrete(e.path);
        let (status, _, _) = t.post_form(&path, &[]).await;
        assert_eq!(status, Status::Forbidden, "no token: {path}");
        let (status, _, _) = t.post_form(&path, &[("csrf_token", &"0".repeat(64))]).await;
        assert_eq!(status, Status::Forbidden, "wrong token: {path}");
        let good = t.csrf_signed_in().await;
        let res = t
            .client
            .post(path.clone())
            .header(ContentType::Form)
            .header(Header::new("Origin", "https://evil.example"))
            .body(form(&[("csrf_token", &good)]))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::Forbidden, "foreign origin: {path}");
    }
    // Still signed in: none of the refused posts signed us out.
    assert_eq!(t.page("/admin/users").await.0, Status::Ok);
}

#[rocket::async_test]
async fn every_response_carries_the_security_headers() {
    let t = TestApp::new().await;
    for path in ["/login", "/api/v1/openapi.json", "/no-such-page", "/health"] {
        let res = t.client.get(path).dispatch().await;
        let h = res.headers();
        let csp = h.get_one("Content-Security-Policy").unwrap_or_default();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h.get_one("X-Frame-Options"), Some("DENY"), "{path}");
        assert_eq!(
            h.get_one("X-Content-Type-Options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(h.get_one("Referrer-Policy"), Some("same-origin"), "{path}");
        assert_eq!(h.get_one("Cache-Control"), Some("no-store"), "{path}");
    }
    let (_, login) = t.page("/login").await;
    // The one script is the service's own file (the CSP allows only 'self'); nothing inline.
    let scripts: Vec<&str> = login
        .match_indices("<script")
        .map(|(i, _)| &login[i..])
        .collect();
    assert_eq!(scripts.len(), 1, "one script element");
    assert!(scripts[0].starts_with(r#"<script src="/assets/tcr.js" defer></script>"#));
    assert!(!login.contains("style="), "no inline style");
    let res = t.client.get("/assets/tcr.js").dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        res.content_type(),
        Some(rocket::http::ContentType::JavaScript)
    );
    assert!(
        res.into_string()
            .await
            .unwrap_or_default()
            .contains(".error-summary")
    );
}

#[rocket::async_test]
async fn session_cookie_is_private_http_only_and_strict() {
    let t = TestApp::new().await;
    let csrf = t.csrf().await;
    let res = t
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[
            ("csrf_token", &csrf),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
        ]))
        .dispatch()
        .await;
    let cookie = res
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with("tcr_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    // Encrypted: the value is not the bare 64-hex token.
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("tcr_session=");
    assert_ne!(value.len(), 64);
}

#[rocket::async_test]
async fn admin_adds_a_user_through_the_form() {
    let t = TestApp::new().await;
    t.page_login("admin", ADMIN_PASSWORD).await;
    let (status, body) = t.page("/admin/users/new").await;
    assert_eq!(status, Status::Ok);
    let csrf = extract_csrf(&body).unwrap();

    let (status, body, _) = t
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &csrf),
                ("username", "x"),
                ("display_name", "Zoë Łukasz"),
                ("role", ""),
                ("password", "tiny-secret"),
            ],
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("There is a problem"));
    assert!(body.contains("Enter a username of at least 3 characters"));
    assert!(body.contains("Enter a password of at least 12 characters"));
    assert!(body.contains("value=\"Zoë Łukasz\""), "kept what was typed");
    assert!(!body.contains("tiny-secret"), "never the password");

    let (status, _, location) = t
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &csrf),
                ("username", "zoe.l"),
                ("display_name", "Zoë Łukasz"),
                ("role", "commissioner"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/admin/users"));
    let (_, list) = t.page("/admin/users").await;
    assert!(
        list.contains("Zoë Łukasz") && list.contains("can now sign in as zoe.l"),
        "{list}"
    );

    let (status, body, _) = t
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &csrf),
                ("username", "zoe.l"),
                ("display_name", "Other"),
                ("role", "analyst"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("That username is already taken."));
}

#[rocket::async_test]
async fn signing_out_ends_the_browser_session() {
    let t = TestApp::new().await;
    t.page_login("admin", ADMIN_PASSWORD).await;
    let csrf = t.csrf_signed_in().await;
    let (status, _, location) = t.post_form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(location.as_deref(), Some("/login"));
    let res = t.client.get("/").dispatch().await;
    assert_eq!(res.status(), Status::SeeOther);
    let (_, body) = t.page("/login").await;
    assert!(body.contains("You have signed out."));
}

#[rocket::async_test]
async fn audit_pages_show_the_trail_and_its_check() {
    let t = TestApp::new().await;
    t.page_login("admin", ADMIN_PASSWORD).await;
    let (status, body) = t.page("/admin/audit?user=admin").await;
    assert_eq!(status, Status::Ok);
    assert!(body.contains("login.ok"));
    let (status, body) = t.page("/admin/audit?from=not-a-date").await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("Enter a date as YYYY-MM-DD"));
    let (status, body) = t.page("/admin/audit/verify").await;
    assert_eq!(status, Status::Ok);
    assert!(body.contains("The audit trail is intact"));
}

#[rocket::async_test]
async fn unknown_pages_get_an_html_404_and_the_stylesheet_is_served() {
    let t = TestApp::new().await;
    let res = t.client.get("/nowhere").dispatch().await;
    assert_eq!(res.status(), Status::NotFound);
    assert_eq!(res.content_type(), Some(ContentType::HTML));
    let css = t.client.get("/assets/tcr.css").dispatch().await;
    assert_eq!(css.status(), Status::Ok);
    assert_eq!(css.content_type(), Some(ContentType::CSS));
}
