//! Test harness: each test gets its own database (a temp SQLite file, or a fresh PostgreSQL
//! schema when `TCR_TEST_DATABASE_URL` is set) and a Rocket built exactly as `tcr serve` builds
//! it, driven through its local client. The clock can be moved forward.

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use tcr::clock::ShiftedClock;
use tcr::config::Settings;

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

pub struct TestApp {
    pub client: Client,
    pub clock: Arc<ShiftedClock>,
    pub db: DatabaseConnection,
    pub app: tcr::services::App,
    _cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Postgres { url, schema } => {
                let (url, schema) = (url.clone(), schema.clone());
                // Drop runs inside the test's runtime: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = rocket::tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async {
                        if let Ok(db) = Database::connect(url).await {
                            let _ = db
                                .execute_unprepared(&format!(
                                    "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
                                ))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

async fn fresh_database() -> (String, Option<String>, Cleanup) {
    let id = uuid::Uuid::new_v4().simple().to_string();
    match std::env::var("TCR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("tcr_test_{id}");
            let db = Database::connect(url.clone())
                .await
                .expect("connect to test PostgreSQL");
            db.execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
                .await
                .expect("create schema");
            db.close().await.ok();
            (
                url.clone(),
                Some(schema.clone()),
                Cleanup::Postgres { url, schema },
            )
        }
        _ => {
            let path = std::env::temp_dir().join(format!("tcr-test-{id}.db"));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            (url, None, Cleanup::Sqlite(path))
        }
    }
}

pub fn policies_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies")
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with(|_| {}).await
    }

    /// A test app whose settings `configure` adjusts (behind TLS, a trusted proxy header…).
    pub async fn with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let (database_url, database_schema, cleanup) = fresh_database().await;
        let mut settings = Settings {
            database_url,
            database_schema,
            admin_password: Some(ADMIN_PASSWORD.into()),
            policies_dir: policies_dir(),
            ..Settings::default()
        };
        configure(&mut settings);
        let clock = Arc::new(ShiftedClock::default());
        let app = tcr::prepare(settings, clock.clone())
            .await
            .expect("prepare");
        let figment = tcr::config::figment().merge(("secret_key", "a".repeat(64)));
        let rocket = tcr::build(figment, app.clone()).await.expect("build");
        let client = Client::tracked(rocket).await.expect("client");
        TestApp {
            client,
            clock,
            db: app.db.clone(),
            app,
            _cleanup: cleanup,
        }
    }

    pub async fn json(res: LocalResponse<'_>) -> (Status, Value) {
        let status = res.status();
        let text = res.into_string().await.unwrap_or_default();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (Status, Value) {
        let mut req = self.client.get(path.to_string());
        if let Some(t) = token {
            req = req.header(Header::new("Authorization", format!("Bearer {t}")));
        }
        Self::json(req.dispatch().await).await
    }

    /// A file download: status, content type, content disposition and the bytes.
    pub async fn download(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> (Status, String, String, Vec<u8>) {
        let mut req = self.client.get(path.to_string());
        if let Some(t) = token {
            req = req.header(Header::new("Authorization", format!("Bearer {t}")));
        }
        let res = req.dispatch().await;
        let status = res.status();
        let content_type = res
            .content_type()
            .map(|c| c.to_string())
            .unwrap_or_default();
        let disposition = res
            .headers()
            .get_one("Content-Disposition")
            .unwrap_or_default()
            .to_string();
        let bytes = res.into_bytes().await.unwrap_or_default();
        (status, content_type, disposition, bytes)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &str) -> (Status, Value) {
        let mut req = self
            .client
            .post(path.to_string())
            .header(ContentType::JSON)
            .body(body);
        if let Some(t) = token {
            req = req.header(Header::new("Authorization", format!("Bearer {t}")));
        }
        Self::json(req.dispatch().await).await
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> (Status, Value) {
        self.post(path, token, &body.to_string()).await
    }

    pub async fn patch_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> (Status, Value) {
        let mut req = self
            .client
            .patch(path.to_string())
            .header(ContentType::JSON)
            .body(body.to_string());
        if let Some(t) = token {
            req = req.header(Header::new("Authorization", format!("Bearer {t}")));
        }
        Self::json(req.dispatch().await).await
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .post_json(
                "/api/v1/login",
                None,
                &serde_json::json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(status, Status::Ok, "login {username}: {body}");
        body["token"].as_str().expect("token").to_string()
    }

    pub async fn admin_token(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user with the role through the API and returns (username, password). A
    /// `panel_member` is an expert by experience; `clinical_expert` (or `expert_by_experience`)
    /// creates a panel member of that kind.
    pub async fn user_with_role(&self, role: &str) -> (String, String) {
        let (role, panel_kind) = match role {
            "panel_member" | "expert_by_experience" => {
                ("panel_member", Some("expert_by_experience"))
            }
            "clinical_expert" => ("panel_member", Some("clinical_expert")),
            other => (other, None),
        };
        let admin = self.admin_token().await;
        let username = format!(
            "{}-{}",
            role.replace('_', "-"),
            &uuid::Uuid::new_v4().simple().to_string()[..6]
        );
        let password = format!("password for {username}");
        let (status, body) = self
            .post_json(
                "/api/v1/users",
                Some(&admin),
                &serde_json::json!({"username": username, "display_name": format!("Test {role}"), "role": role, "password": password, "panel_kind": panel_kind}),
            )
            .await;
        assert_eq!(status, Status::Created, "{body}");
        (username, password)
    }

    pub async fn token_for_role(&self, role: &str) -> String {
        if role == "admin" {
            return self.admin_token().await;
        }
        let (u, p) = self.user_with_role(role).await;
        self.login(&u, &p).await
    }

    /// Loads a page in the browser client and returns (status, body).
    pub async fn page(&self, path: &str) -> (Status, String) {
        let res = self.client.get(path.to_string()).dispatch().await;
        let status = res.status();
        (status, res.into_string().await.unwrap_or_default())
    }

    /// The CSRF token the sign-in page (or any page) carries for this client.
    pub async fn csrf(&self) -> String {
        let (_, body) = self.page("/login").await;
        extract_csrf(&body).expect("csrf token on the sign-in page")
    }

    /// Signs in through the sign-in page with this client's cookies (signing out first if
    /// this client is signed in).
    pub async fn page_login(&self, username: &str, password: &str) -> Status {
        let (_, home) = self.page("/").await;
        if home.contains("action=\"/logout\"") {
            let csrf = extract_csrf(&home).expect("csrf on the home page");
            self.post_form("/logout", &[("csrf_token", &csrf)]).await;
        }
        let csrf = self.csrf().await;
        let res = self
            .client
            .post("/login")
            .header(ContentType::Form)
            .body(form(&[
                ("csrf_token", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ]))
            .dispatch()
            .await;
        res.status()
    }

    /// Posts a form with this client's cookies.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (Status, String, Option<String>) {
        let res = self
            .client
            .post(path.to_string())
            .header(ContentType::Form)
            .body(form(fields))
            .dispatch()
            .await;
        let status = res.status();
        let location = res.headers().get_one("Location").map(String::from);
        (
            status,
            res.into_string().await.unwrap_or_default(),
            location,
        )
    }
}

/// Rolls the schema back to before the migration whose name holds `name`: that one and every one
/// after it, so that later migrations do not break the test that asks.
pub async fn migrate_down_to_before(db: &sea_orm::DatabaseConnection, name: &str) {
    use migration::MigratorTrait;
    let names: Vec<String> = migration::Migrator::migrations()
        .iter()
        .map(|m| migration::MigrationName::name(m.as_ref()).to_string())
        .collect();
    let from = names
        .iter()
        .position(|n| n.contains(name))
        .unwrap_or_else(|| panic!("no migration {name}"));
    migration::Migrator::down(db, Some((names.len() - from) as u32))
        .await
        .unwrap();
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// The value a page's GOV.UK date input shows, joined as `YYYY-MM-DD` from its day, month and
/// year boxes (posted as `<posted>-day`, `-month`, `-year`); `None` when the page has no such
/// input, `Some("")` when its boxes are empty.
pub fn date_input_value(html: &str, posted: &str) -> Option<String> {
    let part = |p: &str| -> Option<String> {
        let marker = format!("name=\"{posted}-{p}\"");
        let at = html.find(&marker)? + marker.len();
        let rest = &html[at..];
        let tag_end = rest.find('>')?;
        let v = rest[..tag_end].find("value=\"")? + "value=\"".len();
        let end = rest[v..].find('"')? + v;
        Some(rest[v..end].to_string())
    };
    let (d, m, y) = (part("day")?, part("month")?, part("year")?);
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Some(String::new());
    }
    Some(format!("{y}-{m}-{d}"))
}

pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Fills a route pattern's `<param>` segments with an unused UUID.
pub fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('<') {
                uuid::Uuid::new_v4().to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
