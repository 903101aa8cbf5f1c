//! Typed settings, read once at start from Rocket's figment: built-in defaults, then
//! `Rocket.toml`, then `ROCKET_*` and `TCR_*` environment variables (the last one wins). Checked
//! before anything starts, so a bad setting is a clear message and not a panic.

use rocket::figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The settings tcr reads itself; Rocket reads its own (`address`, `port`, `secret_key`,
/// `limits`) from the same figment.
#[derive(Clone, Deserialize, Serialize)]
pub struct Settings {
    /// `sqlite://FILE?mode=rwc` or `postgres://user@host:port/db`.
    pub database_url: String,
    /// PostgreSQL schema to use instead of `public` (one database, several deployments or tests).
    #[serde(default)]
    pub database_schema: Option<String>,
    /// Password for the `admin` user created on the first start of an empty database.
    #[serde(default)]
    pub admin_password: Option<String>,
    /// Folder holding `access.toml` and the other policy files.
    pub policies_dir: PathBuf,
    /// The organisation named on pages and returns.
    pub organisation: String,
    /// Set when a TLS-terminating proxy is in front: cookies get `Secure`, responses HSTS.
    #[serde(default)]
    pub behind_tls: bool,
    /// Demo mode: demo logins, and no secret key needed in a release build.
    #[serde(default)]
    pub demo: bool,
    /// The one request header naming the client's address that tcr trusts (`X-Real-IP`,
    /// `X-Forwarded-For`…), set only when every request comes through a proxy that writes it.
    /// Unset, the client address is the connection's peer and no header is believed.
    #[serde(default)]
    pub client_ip_header: Option<String>,
    /// The address people reach tcr at (`https://tcr.example.nhs.uk`), for absolute links that
    /// leave the service (the calendar feed's links to each review). Never guessed from a
    /// request's Host header, which a client can forge: unset, the feed carries no link.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Statements slower than this many milliseconds are logged (as `warn`, with their SQL
    /// text and time; bound values, which may be personal data, are never logged). Unset, none.
    #[serde(default)]
    pub slow_query_ms: Option<u64>,
    /// A directory to keep uploaded documents in, one file each named by its id
    /// (`TCR_DOCUMENTS_DIR`). Unset, their bytes are kept in the database.
    #[serde(default)]
    pub documents_dir: Option<PathBuf>,
    /// The largest document accepted, in MB (`TCR_DOCUMENT_LIMIT_MB`, default 10; at most
    /// [`UPLOAD_LIMIT_MB`], the request limit of every upload).
    #[serde(default = "default_document_limit_mb")]
    pub document_limit_mb: u64,
    /// Where email goes out (`TCR_SMTP_URL`): `smtp://host:port` (plain, a relay on the same
    /// network), `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host`
    /// (TLS from the start). Unset, no invitation, reminder or digest is written or sent.
    #[serde(default)]
    pub smtp_url: Option<String>,
    /// The sender's address on every email (`TCR_MAIL_FROM`); required with `TCR_SMTP_URL`.
    #[serde(default)]
    pub mail_from: String,
}

/// The largest document accepted by default, in MB.
pub const DOCUMENT_LIMIT_MB: u64 = 10;

fn default_document_limit_mb() -> u64 {
    DOCUMENT_LIMIT_MB
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the admin password or database credentials.
        f.debug_struct("Settings")
            .field("database", &self.database_kind())
            .field("policies_dir", &self.policies_dir)
            .field("organisation", &self.organisation)
            .field("behind_tls", &self.behind_tls)
            .field("demo", &self.demo)
            .field("client_ip_header", &self.client_ip_header)
            .field("public_url", &self.public_url)
            .field("slow_query_ms", &self.slow_query_ms)
            .field("documents_dir", &self.documents_dir)
            .field("document_limit_mb", &self.document_limit_mb)
            .field("smtp", &self.smtp_url.is_some())
            .field("mail_from", &self.mail_from)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Invalid(String),
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://tcr.db?mode=rwc";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DEFAULT_DATABASE_URL.into(),
            database_schema: None,
            admin_password: None,
            policies_dir: PathBuf::from("policies"),
            organisation: "NHS Cambridgeshire and Peterborough ICB".into(),
            behind_tls: false,
            demo: false,
            client_ip_header: None,
            public_url: None,
            slow_query_ms: None,
            documents_dir: None,
            document_limit_mb: DOCUMENT_LIMIT_MB,
            smtp_url: None,
            mail_from: String::new(),
        }
    }
}

/// Request body limits built in, so that they hold wherever tcr is started from (Rocket's own
/// defaults, 32 KiB for a form, apply when no `Rocket.toml` is found and refused long review
/// outcomes). The longest real form — a review outcome with six findings of up to 10,000
/// characters, 20,000 of recommendations and up to 50 actions — is under 1 MiB even
/// URL-encoded; every field carries its own maximum length besides.
pub const FORM_LIMIT: &str = "1 MiB";
pub const JSON_LIMIT: &str = "1 MiB";
/// A spreadsheet to import (`/import`): 10,000 rows of a register are 1–3 MB as CSV and less as
/// .xlsx; the limit leaves room for a wide sheet without letting anyone fill the disk.
pub const UPLOAD_LIMIT_MB: u64 = 20;
const UPLOAD_LIMIT: &str = "20 MiB";

/// The figment every part of tcr reads: built-in defaults (Rocket's, then tcr's limits) <
/// Rocket.toml < ROCKET_* < TCR_*.
pub fn figment() -> Figment {
    Figment::from(rocket::Config::default())
        .merge(Serialized::defaults(serde_json::json!({
            "limits": {"form": FORM_LIMIT, "json": JSON_LIMIT,
                       "data-form": UPLOAD_LIMIT, "file": UPLOAD_LIMIT}
        })))
        .merge(Toml::file(Env::var_or("ROCKET_CONFIG", "Rocket.toml")).nested())
        .merge(Env::prefixed("ROCKET_").ignore(&["PROFILE"]).global())
        .join(Serialized::defaults(Settings::default()))
        .join(("cli_colors", false))
        .join(("ident", false))
        .merge(
            Env::prefixed("TCR_")
                .ignore(&["TEST_DATABASE_URL", "PASSWORD", "LOG"])
                .global(),
        )
        // tcr logs requests itself, without URIs that may carry names or NHS numbers.
        .merge(("log_level", "off"))
        // Rocket believes `X-Real-IP` from anyone by default; tcr trusts a header only when
        // `client_ip_header` names one (`build` turns it back on then).
        .merge(("ip_header", false))
}

impl Settings {
    /// Reads and checks the settings.
    pub fn from_figment(figment: &Figment) -> Result<Self, ConfigError> {
        let settings: Settings = figment
            .extract()
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        settings.check()?;
        Ok(settings)
    }

    pub fn check(&self) -> Result<(), ConfigError> {
        if self.database_kind() == DatabaseKind::Unsupported {
            return Err(ConfigError::Invalid(
                "TCR_DATABASE_URL must start with sqlite:// or postgres://".into(),
            ));
        }
        if let Some(schema) = &self.database_schema {
            let ok = !schema.is_empty()
                && schema.len() <= 63
                && schema
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                return Err(ConfigError::Invalid(
                    "TCR_DATABASE_SCHEMA may contain only letters, digits and underscores".into(),
                ));
            }
        }
        if let Some(header) = &self.client_ip_header {
            let ok = !header.is_empty()
                && header.len() <= 64
                && header
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                return Err(ConfigError::Invalid(
                    "TCR_CLIENT_IP_HEADER must be one header name, such as X-Real-IP".into(),
                ));
            }
        }
        if let Some(url) = &self.public_url
            && public_url_problem(url).is_some()
        {
            return Err(ConfigError::Invalid(
                "TCR_PUBLIC_URL must be an http:// or https:// address with no path, query or spaces, such as https://tcr.example.nhs.uk".into(),
            ));
        }
        if self.document_limit_mb == 0 || self.document_limit_mb > UPLOAD_LIMIT_MB {
            return Err(ConfigError::Invalid(format!(
                "TCR_DOCUMENT_LIMIT_MB must be from 1 to {UPLOAD_LIMIT_MB} (the upload limit)"
            )));
        }
        if let Some(url) = self.smtp()
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(ConfigError::Invalid(
                "TCR_SMTP_URL must start with smtp:// or smtps://, such as smtp://user:pass@mail.example.nhs.uk:587?tls=required".into(),
            ));
        }
        if self.smtp().is_some() && crate::domain::email::address_problem(&self.mail_from).is_some()
        {
            return Err(ConfigError::Invalid(
                "TCR_MAIL_FROM must be set to the sender's email address, such as tcr@example.nhs.uk, when TCR_SMTP_URL is set".into(),
            ));
        }
        if let Some(password) = &self.admin_password
            && let Some(problem) = crate::domain::accounts::password_problem(password, "admin")
        {
            return Err(ConfigError::Invalid(format!(
                "TCR_ADMIN_PASSWORD: {problem}"
            )));
        }
        Ok(())
    }

    /// The SMTP server's address, when email is set up (an empty setting is none).
    pub fn smtp(&self) -> Option<&str> {
        self.smtp_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
    }

    /// The public address without a trailing slash, when one is set.
    pub fn public_base(&self) -> Option<&str> {
        self.public_url.as_deref().map(|u| u.trim_end_matches('/'))
    }

    pub fn database_kind(&self) -> DatabaseKind {
        if self.database_url.starts_with("sqlite:") {
            DatabaseKind::Sqlite
        } else if self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://")
        {
            DatabaseKind::Postgres
        } else {
            DatabaseKind::Unsupported
        }
    }
}

/// Why a public address is not usable: it must be `http(s)://host[:port]` (a trailing slash
/// allowed), nothing after it.
fn public_url_problem(url: &str) -> Option<&'static str> {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Some("not http or https");
    };
    let host = rest.strip_suffix('/').unwrap_or(rest);
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    (!ok).then_some("not a plain address")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
    Unsupported,
}

/// A release build refuses to start without a stable secret key (it encrypts the session and
/// CSRF cookies, and every instance behind a load balancer must share it), except in demo mode.
pub fn check_secret_key(figment: &Figment, demo: bool) -> Result<(), ConfigError> {
    if cfg!(debug_assertions) || demo {
        return Ok(());
    }
    if secret_key_configured(figment) {
        Ok(())
    } else {
        Err(ConfigError::Invalid(
            "TCR_SECRET_KEY is required in a release build (generate one with `openssl rand -base64 32`); \
             `tcr demo` runs without one"
                .into(),
        ))
    }
}

/// True when a usable secret key is set. Rocket's own defaults carry an all-zero key, so the
/// parsed key is checked rather than the setting's presence.
pub fn secret_key_configured(figment: &Figment) -> bool {
    figment
        .extract::<rocket::Config>()
        .is_ok_and(|c| !c.secret_key.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_or_missing_secret_key_does_not_count() {
        let base = Figment::from(rocket::Config::default());
        assert!(!secret_key_configured(&base));
        assert!(secret_key_configured(
            &base.clone().merge(("secret_key", "a".repeat(64)))
        ));
    }

    #[test]
    fn a_public_url_is_a_plain_http_address() {
        for ok in [
            "https://tcr.example.nhs.uk",
            "https://tcr.example.nhs.uk/",
            "http://127.0.0.1:8000",
        ] {
            assert_eq!(public_url_problem(ok), None, "{ok}");
        }
        for bad in [
            "tcr.example.nhs.uk",
            "ftp://x",
            "https://",
            "https://x/path",
            "https://x?y",
            "javascript:alert(1)",
        ] {
            assert!(public_url_problem(bad).is_some(), "{bad}");
        }
        let s = Settings {
            public_url: Some("https://tcr.example/".into()),
            ..Settings::default()
        };
        assert_eq!(s.public_base(), Some("https://tcr.example"));
        assert!(s.check().is_ok());
    }

    fn with(url: &str) -> Settings {
        Settings {
            database_url: url.into(),
            ..Settings::default()
        }
    }

    #[test]
    fn body_limits_hold_without_a_rocket_toml() {
        use rocket::data::ToByteUnit;
        let limits = |f: Figment| f.extract::<rocket::Config>().unwrap().limits;
        let built_in = limits(Figment::from(rocket::Config::default()).merge(
            Serialized::defaults(
                serde_json::json!({"limits": {"form": FORM_LIMIT, "json": JSON_LIMIT}}),
            ),
        ));
        assert_eq!(built_in.get("form"), Some(1.mebibytes()));
        assert_eq!(built_in.get("json"), Some(1.mebibytes()));
        // Rocket's other limits are kept, not replaced.
        assert_eq!(built_in.get("string"), Some(8.kibibytes()));
        let ours = limits(figment());
        assert_eq!(ours.get("form"), Some(1.mebibytes()));
        assert_eq!(ours.get("file"), Some(UPLOAD_LIMIT_MB.mebibytes()));
        assert_eq!(ours.get("data-form"), Some(UPLOAD_LIMIT_MB.mebibytes()));
        let overridden = limits(figment().merge(("limits.form", "2 MiB")));
        assert_eq!(overridden.get("form"), Some(2.mebibytes()));
    }

    #[test]
    fn database_urls() {
        assert!(with("sqlite://tcr.db?mode=rwc").check().is_ok());
        assert!(with("postgres://postgres@127.0.0.1/test").check().is_ok());
        assert!(with("postgresql://postgres@127.0.0.1/test").check().is_ok());
        let err = with("mysql://root@localhost/tcr").check().unwrap_err();
        assert!(err.to_string().contains("TCR_DATABASE_URL"));
    }

    #[test]
    fn schema_names_are_plain_identifiers() {
        let mut s = with("postgres://x@y/z");
        s.database_schema = Some("t_123".into());
        assert!(s.check().is_ok());
        s.database_schema = Some("x; drop table users".into());
        assert!(s.check().is_err());
    }

    #[test]
    fn email_needs_an_smtp_address_and_a_sender() {
        let mut s = with("sqlite://x.db");
        assert!(s.check().is_ok() && s.smtp().is_none());
        s.smtp_url = Some("   ".into());
        assert!(s.smtp().is_none(), "empty is none");
        s.smtp_url = Some("smtp://127.0.0.1:2525".into());
        assert!(s.check().unwrap_err().to_string().contains("TCR_MAIL_FROM"));
        s.mail_from = "tcr@example.nhs.uk".into();
        assert!(s.check().is_ok());
        s.smtp_url = Some("http://mail".into());
        assert!(s.check().unwrap_err().to_string().contains("TCR_SMTP_URL"));
    }

    #[test]
    fn short_admin_password_is_refused_at_start() {
        let s = Settings {
            admin_password: Some("short".into()),
            ..Settings::default()
        };
        assert!(
            s.check()
                .unwrap_err()
                .to_string()
                .contains("TCR_ADMIN_PASSWORD")
        );
    }

    #[test]
    fn client_ip_header_is_one_header_name() {
        let mut s = with("sqlite://x.db");
        for (header, ok) in [
            ("X-Real-IP", true),
            ("X-Forwarded-For", true),
            ("", false),
            ("X-Real-IP, X-Forwarded-For", false),
            ("X-Real-IP:", false),
        ] {
            s.client_ip_header = Some(header.into());
            assert_eq!(s.check().is_ok(), ok, "{header:?}");
        }
    }

    #[test]
    fn rockets_own_ip_header_is_off() {
        let config: rocket::Config = figment().extract().unwrap();
        assert!(config.ip_header.is_none());
    }

    #[test]
    fn common_admin_password_is_refused_at_start() {
        let s = Settings {
            admin_password: Some("password1234".into()),
            ..Settings::default()
        };
        assert!(
            s.check()
                .unwrap_err()
                .to_string()
                .contains("TCR_ADMIN_PASSWORD")
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let mut s = with("postgres://user:hunter2@db/tcr");
        s.admin_password = Some("a-very-secret-password".into());
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("a-very-secret"));
    }
}
