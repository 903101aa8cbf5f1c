//! Authorisation: every mounted route is in the route table with a permission, and each role
//! gets exactly what `policies/access.toml` grants — through the API and through the pages.

use crate::support::*;
use rocket::http::{ContentType, Header, Method, Status};
use std::collections::HashSet;
use tcr::domain::role::Role;
use tcr::web::routes::{Access, ENDPOINTS, Endpoint, lookup};

#[rocket::async_test]
async fn every_mounted_route_names_its_permission_and_every_entry_is_mounted() {
    let t = TestApp::new().await;
    let mounted: Vec<(Method, String)> = t
        .client
        .rocket()
        .routes()
        .map(|r| (r.method, r.uri.path().to_string()))
        .collect();
    for (method, path) in &mounted {
        assert!(
            lookup(*method, path).is_some(),
            "{method} {path} is mounted but not in web/routes.rs"
        );
    }
    let mounted: HashSet<_> = mounted.into_iter().collect();
    let mut seen = HashSet::new();
    for e in ENDPOINTS {
        assert!(
            mounted.contains(&(e.method, e.path.to_string())),
            "{} {} is listed but not mounted",
            e.method,
            e.path
        );
        assert!(
            seen.insert((e.method, e.path)),
            "{} {} is listed twice",
            e.method,
            e.path
        );
    }
}

/// What a role may do with an endpoint, according to the policy file the service loaded.
fn allowed(t: &TestApp, role: Role, e: &Endpoint) -> bool {
    e.access.allows(&t.app.policies.access, role)
}

/// Endpoints that end the caller's session are exercised last, elsewhere.
fn skip(e: &Endpoint) -> bool {
    e.path.ends_with("/logout")
}

#[rocket::async_test]
async fn api_role_matrix_matches_the_policy_file() {
    let t = TestApp::new().await;
    let api: Vec<&Endpoint> = ENDPOINTS
        .iter()
        .filter(|e| e.path.starts_with("/api/") && !skip(e))
        .collect();
    for e in &api {
        let req = t
            .client
            .req(e.method, concrete(e.path))
            .header(ContentType::JSON)
            .body("{}");
        let status = req.dispatch().await.status();
        match e.access {
            Access::Public => assert_ne!(status, Status::Unauthorized, "{} {}", e.method, e.path),
            _ => assert_eq!(
                status,
                Status::Unauthorized,
                "anonymous {} {}",
                e.method,
                e.path
            ),
        }
    }
    for role in Role::ALL {
        let token = t.token_for_role(role.as_str()).await;
        for e in &api {
            let res = t
                .client
                .req(e.method, concrete(e.path))
                .header(ContentType::JSON)
                .header(Header::new("Authorization", format!("Bearer {token}")))
                .body("{}")
                .dispatch()
                .await;
            let status = res.status();
            assert_ne!(
                status,
                Status::Unauthorized,
                "{role} {} {}",
                e.method,
                e.path
            );
            if allowed(&t, role, e) {
                assert_ne!(
                    status,
                    Status::Forbidden,
                    "{role} should be allowed {} {}",
                    e.method,
                    e.path
                );
            } else {
                assert_eq!(
                    status,
                    Status::Forbidden,
                    "{role} should be refused {} {}",
                    e.method,
                    e.path
                );
            }
        }
    }
}

#[rocket::async_test]
async fn page_role_matrix_matches_the_policy_file() {
    let t = TestApp::new().await;
    let pages: Vec<&Endpoint> = ENDPOINTS
        .iter()
        .filter(|e| {
            !e.path.starts_with("/api/") && e.path != "/health" && !skip(e) && e.path != "/login"
        })
        .collect();
    // Signed out: pages that need a user send the browser to sign in.
    for e in &pages {
        let csrf = t.csrf().await;
        let status = if e.method == Method::Post {
            t.post_form(&concrete(e.path), &[("csrf_token", &csrf)])
                .await
                .0
        } else {
            t.page(&concrete(e.path)).await.0
        };
        match e.access {
            // A public route with an unknown key in its path (the calendar link) is a 404.
            Access::Public => assert!(
                status.code < 400 || (e.path.contains('<') && status == Status::NotFound),
                "{} {}: {status}",
                e.method,
                e.path
            ),
            _ => assert!(
                status == Status::SeeOther || status == Status::Unauthorized,
                "{} {}: {status}",
                e.method,
                e.path
            ),
        }
    }
    for role in Role::ALL {
        let (username, password) = if role == Role::Admin {
            ("admin".to_string(), ADMIN_PASSWORD.to_string())
        } else {
            t.user_with_role(role.as_str()).await
        };
        assert_eq!(t.page_login(&username, &password).await, Status::SeeOther);
        for e in &pages {
            let csrf = t.csrf_signed_in().await;
            let status = if e.method == Method::Post {
                t.post_form(&concrete(e.path), &[("csrf_token", &csrf)])
                    .await
                    .0
            } else {
                t.page(&concrete(e.path)).await.0
            };
            if allowed(&t, role, e) {
                assert_ne!(
                    status,
                    Status::Forbidden,
                    "{role} should be allowed {} {}",
                    e.method,
                    e.path
                );
                assert!(
                    status.code < 500,
                    "{role} {} {}: {status}",
                    e.method,
                    e.path
                );
            } else {
                assert_eq!(
                    status,
                    Status::Forbidden,
                    "{role} should be refused {} {}",
                    e.method,
                    e.path
                );
            }
        }
    }
}

impl TestApp {
    /// The CSRF token from the home page of a signed-in browser.
    pub async fn csrf_signed_in(&self) -> String {
        let (_, body) = self.page("/").await;
        extract_csrf(&body).expect("csrf token on the home page")
    }
}
