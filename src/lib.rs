//! tcr — the Transforming Care register and CETR service.
//!
//! Map of the crate. Data walks one way: request → handler → service → domain rule and
//! entities → database, and back. Imports point down only (`layers` checks it; the table is
//! there and in `docs/architecture.md`):
//!
//! - [`domain`]: pure rules, no Rocket and no database (consent, risk, ratings, the deadline
//!   engine, returns' figures). Imports nothing of the crate.
//! - [`entities`]: sea-orm entities only; [`db`] connects, migrates and keeps statistics.
//! - [`config`], [`clock`], [`memory`], [`error`]: settings, "now", handing memory back, the one
//!   error enum (how the web answers it is `web::errors`).
//! - [`policy`]: `policies/*.toml` loaded into typed structs at start (access, risk tool,
//!   schedule).
//! - [`reports`]: a return's report model, drawn as PDF (printpdf) and written as CSV; knows the
//!   domain and its own model, never the services.
//! - [`auth`]: passwords (argon2) and tokens.
//! - [`services`]: use cases; each owns its transaction and writes its audit entry in it
//!   (people, risk, admissions, referrals, reviews, due, returns, users, sessions, audit), and
//!   every read of person-linked rows passes `services::scope`.
//! - [`web`]: the route table, JSON handlers (`web::api`), HTML pages (`web::pages`), the
//!   request guards (the `Caller`, CSRF, the client's address), catchers and fairings.
//! - [`cli`]: `tcr serve | demo | migrate | user | return | reindex | bench …`.
//! - [`demo`]: the demo register, seeded through the services.
//! - [`bench`]: `tcr bench`'s synthetic register, the returns' measurements, and `--load`'s
//!   server, clients and driver.

pub mod auth;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod entities;
pub mod error;
#[cfg(test)]
mod layers;
pub mod memory;
pub mod policy;
pub mod reports;
pub mod services;
pub mod web;

use clock::Clock;
use config::Settings;
use policy::Policies;
use rocket::figment::Figment;
use rocket::{Build, Rocket};
use services::App;
use std::sync::Arc;

/// Why the service could not start, in words for the person starting it.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(#[from] config::ConfigError),
    #[error("policies: {0}")]
    Policy(#[from] policy::PolicyError),
    #[error("database: cannot connect: {0}")]
    Connect(sea_orm::DbErr),
    #[error("database: migration failed: {0}")]
    Migrate(sea_orm::DbErr),
    #[error("{0}")]
    Other(String),
}

/// Connects, migrates and loads policies: everything the services need.
pub async fn prepare(settings: Settings, clock: Arc<dyn Clock>) -> Result<App, StartError> {
    settings.check()?;
    let policies = Policies::load(&settings.policies_dir)?;
    let db = db::connect(&settings).await.map_err(StartError::Connect)?;
    db::migrate(&db).await.map_err(StartError::Migrate)?;
    // Migration 000014 added the search key; rows written before it get theirs here, once.
    services::people::projection::fill_search_keys(&db)
        .await
        .map_err(|e| StartError::Other(format!("filling search keys: {e:?}")))?;
    Ok(App {
        writes: db::WriteGate::for_kind(settings.database_kind()),
        counts: services::counted::Counted::default(),
        db,
        policies: Arc::new(policies),
        clock,
        settings: Arc::new(settings),
    })
}

/// Builds the Rocket over a prepared `App`: routes from the route table, catchers, fairings.
/// On an empty database it also creates `admin`, printing a generated password once.
pub async fn build(figment: Figment, app: App) -> Result<Rocket<Build>, StartError> {
    let templates = web::templates::Templates::load().map_err(StartError::Other)?;
    let configured = app.settings.admin_password.clone();
    if let Some(generated) = services::users::ensure_first_admin(&app, configured.as_deref())
        .await
        .map_err(|e| StartError::Other(format!("creating the admin user: {e:?}")))?
    {
        println!("Created user `admin` with password: {generated}");
        println!("This password is shown only once. Sign in and keep it safe.");
    }
    let behind_tls = app.settings.behind_tls;
    // Rocket's own client address follows tcr's: no header unless one is configured.
    let figment = match &app.settings.client_ip_header {
        Some(header) => figment.merge(("ip_header", header.clone())),
        None => figment.merge(("ip_header", false)),
    };
    let seal_key = kept_form_key(&figment);
    let rocket = rocket::custom(figment)
        .manage(app)
        .manage(seal_key)
        .manage(templates)
        .register("/api", web::catchers::api())
        .register("/", web::catchers::pages())
        .attach(services::people::projection::CatchUp)
        .attach(services::mail::Sender)
        .attach(web::edges::Edges)
        .attach(web::headers::SecurityHeaders { behind_tls })
        .attach(web::log::RequestLog);
    Ok(web::routes::mount(rocket))
}

/// The key kept forms are sealed with: derived from the configured secret key, which every
/// instance shares, or random for this process when none is configured (a debug build).
fn kept_form_key(figment: &Figment) -> services::kept::SealKey {
    let configured = config::secret_key_configured(figment)
        .then(|| figment.find_value(rocket::Config::SECRET_KEY).ok())
        .flatten()
        .and_then(|value| serde_json::to_vec(&value).ok());
    match configured {
        Some(secret) => services::kept::SealKey::derive(&secret),
        None => services::kept::SealKey::random(),
    }
}

/// Settings from the figment, then `prepare` and `build` on the system clock.
pub async fn rocket_from(figment: Figment) -> Result<Rocket<Build>, StartError> {
    let settings = Settings::from_figment(&figment)?;
    config::check_secret_key(&figment, settings.demo)?;
    let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
    build(figment, app).await
}
