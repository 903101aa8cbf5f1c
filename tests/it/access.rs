//! Authorisation: every mounted route is in the route table with a permission, and each role
//! gets exactly what the hand-written table below says — through the API and through the pages.
//! The table is written from the meaning of the roles in SPEC.md ("Who uses it") and of the
//! permissions described in `policies/access.toml`; it is never computed from the policy the
//! service loads, so a wrong grant fails here as surely as a missing guard.

use crate::support::*;
use rocket::http::{ContentType, Header, Method, Status};
use std::collections::HashSet;
use tcr::domain::role::Role;
use tcr::web::routes::{ENDPOINTS, lookup};

use Method::{Get, Patch, Post};

/// The columns of [`WHO`], in order: first whether anyone signed out may use the route, then one
/// column per role, each holding the role's letter when it may, and `.` when it may not.
///
/// ```text
///   a  anyone, signed out included (a public route); `.`: signed-out callers get 401 (API)
///      or are sent to sign in (pages)
///   C  commissioner        keeps the register: the register, reviews, actions, returns
///   H  panel chair         reads the register, schedules reviews, records those they chair
///   M  panel member        expert by experience or clinical expert: only the reviews they sit
///                          on and those people's records (the service narrows lists and reads)
///   A  analyst             aggregate figures and returns' counts; no person records
///   D  admin               users, roles, audit trail; reads withdrawn entries (records
///                          retention), which it alone still sees; no register editing
/// ```
///
/// A role that may not use a route gets 403 there. Being allowed through the door says nothing of
/// how much a route then shows: a panel member listing people sees only their reviews' people,
/// an admin only withdrawn entries, an analyst a return without names.
const COLUMNS: [(char, Role); 5] = [
    ('C', Role::Commissioner),
    ('H', Role::PanelChair),
    ('M', Role::PanelMember),
    ('A', Role::Analyst),
    ('D', Role::Admin),
];

/// Who may use each mounted route (see [`COLUMNS`] for the legend), in the order of
/// `web/routes.rs`. Every mounted route has exactly one row.
#[rustfmt::skip]
const WHO: &[(Method, &str, &str)] = &[
    // Health, the API description, the session.
    (Get,   "/health",                                  "aCHMAD"),
    (Get,   "/api/v1/openapi.json",                     "aCHMAD"),
    (Post,  "/api/v1/login",                            "aCHMAD"),
    (Post,  "/api/v1/logout",                           ".CHMAD"),
    (Get,   "/api/v1/me",                               ".CHMAD"),
    (Post,  "/api/v1/me/password",                      ".CHMAD"),
    // Users and the audit trail: the administrator's alone.
    (Get,   "/api/v1/users",                            ".....D"),
    (Post,  "/api/v1/users",                            ".....D"),
    (Get,   "/api/v1/users/<id>",                       ".....D"),
    (Post,  "/api/v1/users/<id>/deactivate",            ".....D"),
    (Post,  "/api/v1/users/<id>/reactivate",            ".....D"),
    (Post,  "/api/v1/users/<id>/password",              ".....D"),
    (Post,  "/api/v1/users/<id>/panel-kind",            ".....D"),
    (Post,  "/api/v1/users/<id>/email",                 ".....D"),
    (Get,   "/api/v1/audit",                            ".....D"),
    (Get,   "/api/v1/audit/verify",                     ".....D"),
    // The register: the commissioner keeps it; chairs read all of it, panel members their
    // reviews' people, the admin withdrawn entries.
    (Post,  "/api/v1/people",                           ".C...."),
    (Get,   "/api/v1/people",                           ".CHM.D"),
    (Get,   "/api/v1/people/<id>",                      ".CHM.D"),
    (Patch, "/api/v1/people/<id>",                      ".C...."),
    (Post,  "/api/v1/people/<id>/consent/withdraw",     ".C...."),
    (Post,  "/api/v1/people/<id>/close",                ".C...."),
    (Post,  "/api/v1/inpatients",                       ".C...."),
    (Post,  "/api/v1/people/<id>/objection",            ".C...."),
    // The risk tool's questions and thresholds hold no personal data: every role that works
    // with ratings or figures reads them; the admin has no use for them.
    (Get,   "/api/v1/risk-tool",                        ".CHMA."),
    (Post,  "/api/v1/people/<id>/risk-assessments",     ".C...."),
    (Get,   "/api/v1/people/<id>/ratings",              ".CHM.D"),
    (Post,  "/api/v1/people/<id>/admissions",           ".C...."),
    (Get,   "/api/v1/people/<id>/admissions",           ".CHM.D"),
    (Post,  "/api/v1/admissions/<id>/discharge",        ".C...."),
    (Post,  "/api/v1/admissions/<id>/transfer",         ".C...."),
    (Post,  "/api/v1/people/<id>/visits",               ".C...."),
    // Escalations to the oversight panel: the commissioner's, who records the visits.
    (Post,  "/api/v1/people/<id>/escalations",          ".C...."),
    (Get,   "/api/v1/escalations",                      ".C...."),
    (Get,   "/api/v1/escalations/<id>",                 ".C...."),
    (Post,  "/api/v1/escalations/<id>/close",           ".C...."),
    (Patch, "/api/v1/admissions/<id>",                  ".C...."),
    (Post,  "/api/v1/risk-assessments/<id>/void",       ".C...."),
    // Referrals: the commissioner's alone. SPEC.md gives the panel chair "read the register",
    // and a referral is someone not (yet) on it, who has not consented.
    (Post,  "/api/v1/referrals",                        ".C...."),
    (Get,   "/api/v1/referrals",                        ".C...."),
    (Get,   "/api/v1/referrals/<id>",                   ".C...."),
    (Post,  "/api/v1/referrals/<id>/decision",          ".C...."),
    (Post,  "/api/v1/referrals/<id>/outcome-sent",      ".C...."),
    // Returns: the analyst reads the figures, never the identifiable PDF and CSV.
    (Post,  "/api/v1/returns",                          ".C...."),
    (Get,   "/api/v1/returns",                          ".C..A."),
    (Get,   "/api/v1/returns/<id>",                     ".C..A."),
    (Get,   "/api/v1/returns/<id>/pdf",                 ".C...."),
    (Get,   "/api/v1/returns/<id>/csv",                 ".C...."),
    (Get,   "/api/v1/returns/<id>/at.csv",              ".C...."),
    (Get,   "/api/v1/figures",                          ".C..A."),
    (Get,   "/api/v1/figures.pdf",                      ".C..A."),
    // Reviews: scheduling (and so moving and cancelling) is the commissioner's and the chair's;
    // recording is theirs too, the chair's limited by the service to the reviews they chair;
    // panel members read the reviews they sit on.
    (Post,  "/api/v1/people/<id>/reviews",              ".CH..."),
    (Get,   "/api/v1/reviews",                          ".CHM.."),
    (Get,   "/api/v1/reviews/<id>",                     ".CHM.."),
    (Get,   "/api/v1/reviews/<id>/report.pdf",          ".CHM.."),
    (Get,   "/api/v1/reviews/<id>/easy-read.pdf",       ".CHM.."),
    (Post,  "/api/v1/reviews/<id>/outcome",             ".CH..."),
    (Patch, "/api/v1/reviews/<id>/outcome",             ".CH..."),
    (Post,  "/api/v1/reviews/<id>/addenda",             ".CH..."),
    (Get,   "/api/v1/reviews/<id>/addenda",             ".CHM.."),
    (Post,  "/api/v1/reviews/<id>/report-sent",         ".CH..."),
    (Post,  "/api/v1/reviews/<id>/cancel",              ".CH..."),
    (Patch, "/api/v1/reviews/<id>",                     ".CH..."),
    // Actions. NOTE: SPEC.md gives actions to the commissioner, and the chair only "outcomes
    // and action plans of reviews they chair"; access.toml grants the chair `actions.update`,
    // which lets them mark any review's actions done, dropped or open again. This row encodes
    // the current grant.
    (Patch, "/api/v1/actions/<id>",                     ".CH..."),
    (Get,   "/api/v1/actions",                          ".CHM.."),
    (Get,   "/api/v1/actions/owners",                   ".CHM.."),
    (Get,   "/api/v1/people/<id>/due",                  ".CHM.D"),
    // The person's record (issue 19): notes and documents are written by the commissioner
    // (and a review's pack also by its chair, which the service checks); read by whoever reads
    // the person or the review.
    (Get,   "/api/v1/people/<id>/notes",                ".CHM.D"),
    (Post,  "/api/v1/people/<id>/notes",                ".C...."),
    (Get,   "/api/v1/people/<id>/chronology",           ".CHM.D"),
    (Get,   "/api/v1/people/<id>/documents",            ".CHM.D"),
    (Post,  "/api/v1/people/<id>/documents",            ".C...."),
    (Get,   "/api/v1/reviews/<id>/documents",           ".CHM.."),
    (Post,  "/api/v1/reviews/<id>/documents",           ".CH..."),
    (Get,   "/api/v1/documents/<id>",                   ".CHM.D"),
    // Pages: assets and signing in and out.
    (Get,   "/assets/tcr.css",                          "aCHMAD"),
    (Get,   "/assets/tcr.js",                           "aCHMAD"),
    (Get,   "/login",                                   "aCHMAD"),
    (Post,  "/login",                                   "aCHMAD"),
    (Post,  "/logout",                                  ".CHMAD"),
    (Get,   "/account/password",                        ".CHMAD"),
    (Post,  "/account/password",                        ".CHMAD"),
    (Get,   "/",                                        ".CHMAD"),
    // Administration.
    (Get,   "/admin/users",                             ".....D"),
    (Get,   "/admin/users/new",                         ".....D"),
    (Post,  "/admin/users",                             ".....D"),
    (Post,  "/admin/users/<id>/deactivate",             ".....D"),
    (Post,  "/admin/users/<id>/reactivate",             ".....D"),
    (Post,  "/admin/users/<id>/panel-kind",             ".....D"),
    (Post,  "/admin/users/<id>/email",                  ".....D"),
    (Post,  "/admin/users/<id>/reset-password",         ".....D"),
    (Get,   "/admin/audit",                             ".....D"),
    (Get,   "/admin/audit/verify",                      ".....D"),
    // The register's pages.
    (Get,   "/people",                                  ".CHM.D"),
    (Get,   "/people/export",                           ".CHM.D"),
    (Get,   "/people/new",                              ".C...."),
    (Post,  "/people",                                  ".C...."),
    (Get,   "/people/<id>",                             ".CHM.D"),
    (Get,   "/people/<id>/edit",                        ".C...."),
    (Post,  "/people/<id>/edit",                        ".C...."),
    (Get,   "/people/<id>/assess",                      ".C...."),
    (Post,  "/people/<id>/assess",                      ".C...."),
    (Get,   "/people/<id>/admit",                       ".C...."),
    (Post,  "/people/<id>/admit",                       ".C...."),
    (Get,   "/admissions/<id>/discharge",               ".C...."),
    (Post,  "/admissions/<id>/discharge",               ".C...."),
    (Get,   "/admissions/<id>/items",                   ".C...."),
    (Post,  "/admissions/<id>/items",                   ".C...."),
    (Get,   "/admissions/<id>/transfer",                ".C...."),
    (Post,  "/admissions/<id>/transfer",                ".C...."),
    (Get,   "/admissions/<id>/change",                  ".C...."),
    (Post,  "/admissions/<id>/change",                  ".C...."),
    (Get,   "/admissions/<id>/correct",                 ".C...."),
    (Post,  "/admissions/<id>/correct",                 ".C...."),
    (Get,   "/risk-assessments/<id>/void",              ".C...."),
    (Post,  "/risk-assessments/<id>/void",              ".C...."),
    (Get,   "/people/<id>/visit",                       ".C...."),
    (Post,  "/people/<id>/visit",                       ".C...."),
    (Get,   "/people/<id>/escalate",                    ".C...."),
    (Post,  "/people/<id>/escalate",                    ".C...."),
    (Get,   "/escalations",                             ".C...."),
    (Get,   "/escalations/<id>",                        ".C...."),
    (Post,  "/escalations/<id>/close",                  ".C...."),
    (Get,   "/people/<id>/close",                       ".C...."),
    (Post,  "/people/<id>/close",                       ".C...."),
    (Get,   "/inpatients/new",                          ".C...."),
    (Post,  "/inpatients",                              ".C...."),
    (Get,   "/people/<id>/join",                        ".C...."),
    (Get,   "/people/<id>/objection",                   ".C...."),
    (Post,  "/people/<id>/objection",                   ".C...."),
    (Get,   "/people/<id>/withdraw",                    ".C...."),
    (Post,  "/people/<id>/withdraw",                    ".C...."),
    // Referrals' pages: the commissioner's, as in the API above.
    (Get,   "/referrals",                               ".C...."),
    (Get,   "/referrals/export",                        ".C...."),
    // Returns' pages.
    (Get,   "/returns",                                 ".C..A."),
    (Post,  "/returns",                                 ".C...."),
    (Get,   "/returns/<id>",                            ".C..A."),
    (Get,   "/returns/<id>/export",                     ".C..A."),
    (Get,   "/returns/<id>/pdf",                        ".C...."),
    (Get,   "/returns/<id>/csv",                        ".C...."),
    (Get,   "/returns/<id>/at.csv",                     ".C...."),
    (Get,   "/figures",                                 ".C..A."),
    (Get,   "/figures.pdf",                             ".C..A."),
    (Get,   "/figures/export",                          ".C..A."),
    (Get,   "/referrals/new",                           ".C...."),
    (Post,  "/referrals",                               ".C...."),
    (Get,   "/referrals/<id>",                          ".C...."),
    (Get,   "/referrals/<id>/accept",                   ".C...."),
    (Post,  "/referrals/<id>/accept",                   ".C...."),
    (Post,  "/referrals/<id>/decline",                  ".C...."),
    (Post,  "/referrals/<id>/outcome-sent",             ".C...."),
    // Reviews' pages and the dashboard's parts in full (the whole register and every review).
    (Get,   "/reviews",                                 ".CHM.."),
    (Get,   "/reviews/export",                          ".CHM.."),
    (Get,   "/today/<part>",                            ".CH..."),
    (Get,   "/people/<id>/reviews/new",                 ".CH..."),
    (Post,  "/people/<id>/reviews",                     ".CH..."),
    (Get,   "/reviews/<id>",                            ".CHM.."),
    (Get,   "/reviews/<id>/report.pdf",                 ".CHM.."),
    (Get,   "/reviews/<id>/easy-read.pdf",              ".CHM.."),
    (Post,  "/reviews/<id>/outcome",                    ".CH..."),
    (Get,   "/reviews/<id>/amend",                      ".CH..."),
    (Post,  "/reviews/<id>/amend",                      ".CH..."),
    (Post,  "/reviews/<id>/addenda",                    ".CH..."),
    (Post,  "/reviews/<id>/report-sent",                ".CH..."),
    (Get,   "/reviews/<id>/cancel",                     ".CH..."),
    (Post,  "/reviews/<id>/cancel",                     ".CH..."),
    (Get,   "/reviews/<id>/change",                     ".CH..."),
    (Post,  "/reviews/<id>/change",                     ".CH..."),
    (Get,   "/actions",                                 ".CHM.."),
    (Get,   "/actions/export",                          ".CHM.."),
    // NOTE: the chair's `actions.update`, as in the API above.
    (Post,  "/actions/<id>",                            ".CH..."),
    // The calendar at its secret link, and forms kept when a session runs out.
    (Get,   "/calendar/<secret>",                       "aCHMAD"),
    (Post,  "/session/keep-alive",                      ".CHMAD"),
    (Post,  "/kept",                                    "aCHMAD"),
    (Get,   "/kept/<id>",                               ".CHMAD"),
    (Post,  "/kept/<id>",                               ".CHMAD"),
    (Post,  "/kept/<id>/discard",                       ".CHMAD"),
    // Imports: whoever may add and edit people.
    (Get,   "/import",                                  ".C...."),
    (Post,  "/import",                                  ".C...."),
    (Get,   "/import/<id>",                             ".C...."),
    (Post,  "/import/<id>/mapping",                     ".C...."),
    (Post,  "/import/<id>/commit",                      ".C...."),
    (Get,   "/import/<id>/worklist.csv",                ".C...."),
    // The person's record (issue 19).
    (Get,   "/people/<id>/chronology",                  ".CHM.D"),
    (Post,  "/people/<id>/notes",                       ".C...."),
    (Post,  "/people/<id>/documents",                   ".C...."),
    (Post,  "/reviews/<id>/documents",                  ".CH..."),
    (Get,   "/documents/<id>",                          ".CHM.D"),
];

/// One row of [`WHO`], read.
struct Row {
    method: Method,
    path: &'static str,
    public: bool,
    roles: Vec<Role>,
}

impl Row {
    fn allows(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The table's rows, each checked against the legend (a letter in the wrong column, or a public
/// route some role may not use, is a mistake in the table).
fn rows() -> Vec<Row> {
    WHO.iter()
        .map(|&(method, path, who)| {
            let cells: Vec<char> = who.chars().collect();
            assert_eq!(
                cells.len(),
                1 + COLUMNS.len(),
                "{method} {path}: {who:?} should have one column for signed-out callers and one per role"
            );
            let public = match cells[0] {
                'a' => true,
                '.' => false,
                other => panic!("{method} {path}: {other:?} in the signed-out column"),
            };
            let mut roles = Vec::new();
            for (&cell, &(letter, role)) in cells[1..].iter().zip(&COLUMNS) {
                match cell {
                    '.' => {}
                    c if c == letter => roles.push(role),
                    other => panic!("{method} {path}: {other:?} in the {role} column ({letter} or .)"),
                }
            }
            assert!(
                !public || roles.len() == COLUMNS.len(),
                "{method} {path}: a public route is open to every role"
            );
            Row {
                method,
                path,
                public,
                roles,
            }
        })
        .collect()
}

#[test]
fn the_table_has_a_column_for_every_role() {
    for &role in Role::ALL {
        assert!(
            COLUMNS.iter().any(|&(_, r)| r == role),
            "{role} has no column in the table of tests/it/access.rs"
        );
    }
    assert_eq!(COLUMNS.len(), Role::ALL.len(), "a role has two columns");
}

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

#[rocket::async_test]
async fn every_mounted_route_has_exactly_one_row_in_the_role_table() {
    let t = TestApp::new().await;
    let mounted: HashSet<(Method, String)> = t
        .client
        .rocket()
        .routes()
        .map(|r| (r.method, r.uri.path().to_string()))
        .collect();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for row in rows() {
        if !seen.insert((row.method, row.path.to_string())) {
            problems.push(format!("{} {} has two rows", row.method, row.path));
        }
        if !mounted.contains(&(row.method, row.path.to_string())) {
            problems.push(format!(
                "{} {} has a row but is not mounted",
                row.method, row.path
            ));
        }
    }
    let mut missing: Vec<_> = mounted.difference(&seen).collect();
    missing.sort_by_key(|(method, path)| (path.clone(), method.as_str()));
    for (method, path) in missing {
        problems.push(format!(
            "{method} {path} is mounted but has no row: write who may use it in WHO"
        ));
    }
    assert!(
        problems.is_empty(),
        "the role table in tests/it/access.rs:\n  {}",
        problems.join("\n  ")
    );
}

/// Endpoints that end the caller's session are exercised last, elsewhere.
fn skip(row: &Row) -> bool {
    row.path.ends_with("/logout")
}

/// Whether a signed-in role got what the table says, or the line saying what went wrong.
fn judge(role: Role, row: &Row, status: Status, problems: &mut Vec<String>) {
    let (method, path) = (row.method, row.path);
    if row.allows(role) {
        if status == Status::Forbidden {
            problems.push(format!(
                "{role} should be allowed {method} {path}, but got {status}"
            ));
        } else if status.code >= 500 {
            problems.push(format!("{role} {method} {path}: {status}"));
        }
    } else if status != Status::Forbidden {
        problems.push(format!(
            "{role} should be refused {method} {path}, but got {status}"
        ));
    }
}

fn report(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what} differ from the table in tests/it/access.rs ({} cases):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[rocket::async_test]
async fn api_role_matrix_matches_the_table() {
    let t = TestApp::new().await;
    let api: Vec<Row> = rows()
        .into_iter()
        .filter(|row| row.path.starts_with("/api/") && !skip(row))
        .collect();
    let mut problems = Vec::new();
    for row in &api {
        let status = t
            .client
            .req(row.method, concrete(row.path))
            .header(ContentType::JSON)
            .body("{}")
            .dispatch()
            .await
            .status();
        let (method, path) = (row.method, row.path);
        if row.public && status == Status::Unauthorized {
            problems.push(format!(
                "signed out should be allowed {method} {path}, but got {status}"
            ));
        } else if !row.public && status != Status::Unauthorized {
            problems.push(format!(
                "signed out should get 401 at {method} {path}, but got {status}"
            ));
        }
    }
    for &role in Role::ALL {
        let token = t.token_for_role(role.as_str()).await;
        for row in &api {
            let status = t
                .client
                .req(row.method, concrete(row.path))
                .header(ContentType::JSON)
                .header(Header::new("Authorization", format!("Bearer {token}")))
                .body("{}")
                .dispatch()
                .await
                .status();
            if status == Status::Unauthorized {
                problems.push(format!("{role} {} {}: {status}", row.method, row.path));
            } else {
                judge(role, row, status, &mut problems);
            }
        }
    }
    report("API answers", problems);
}

#[rocket::async_test]
async fn page_role_matrix_matches_the_table() {
    let t = TestApp::new().await;
    let pages: Vec<Row> = rows()
        .into_iter()
        .filter(|row| {
            !row.path.starts_with("/api/")
                && row.path != "/health"
                && !skip(row)
                && row.path != "/login"
        })
        .collect();
    let mut problems = Vec::new();
    // Signed out: pages that need a user send the browser to sign in.
    for row in &pages {
        let csrf = t.csrf().await;
        let status = if row.method == Method::Post {
            t.post_form(&concrete(row.path), &[("csrf_token", &csrf)])
                .await
                .0
        } else {
            t.page(&concrete(row.path)).await.0
        };
        let (method, path) = (row.method, row.path);
        if row.public {
            // A public route with an unknown key in its path (the calendar link) is a 404.
            if !(status.code < 400 || (path.contains('<') && status == Status::NotFound)) {
                problems.push(format!(
                    "signed out should be allowed {method} {path}, but got {status}"
                ));
            }
        } else if status != Status::SeeOther && status != Status::Unauthorized {
            problems.push(format!(
                "signed out should be sent to sign in from {method} {path}, but got {status}"
            ));
        }
    }
    for &role in Role::ALL {
        let (username, password) = if role == Role::Admin {
            ("admin".to_string(), ADMIN_PASSWORD.to_string())
        } else {
            t.user_with_role(role.as_str()).await
        };
        assert_eq!(t.page_login(&username, &password).await, Status::SeeOther);
        for row in &pages {
            let csrf = t.csrf_signed_in().await;
            let status = if row.method == Method::Post {
                t.post_form(&concrete(row.path), &[("csrf_token", &csrf)])
                    .await
                    .0
            } else {
                t.page(&concrete(row.path)).await.0
            };
            judge(role, row, status, &mut problems);
        }
    }
    report("Page answers", problems);
}

impl TestApp {
    /// The CSRF token from the home page of a signed-in browser.
    pub async fn csrf_signed_in(&self) -> String {
        let (_, body) = self.page("/").await;
        extract_csrf(&body).expect("csrf token on the home page")
    }
}
