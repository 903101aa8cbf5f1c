//! The command line: `tcr serve`, `tcr demo`, `tcr migrate`, `tcr user add|list`,
//! `tcr audit verify`. Each command reads the same settings as the service.

use crate::config::{self, Settings};
use crate::services::{Actor, users};
use crate::{StartError, clock, prepare, rocket_from};
use clap::{Parser, Subcommand};
use rocket::figment::Figment;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "tcr",
    version,
    about = "Transforming Care register and CETR service"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database and serve the web pages and the API.
    Serve,
    /// Serve a demonstration instance on its own SQLite file, with a sign-in for every role.
    Demo,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Audit trail tools.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user. The password comes from TCR_PASSWORD, or is asked for.
    Add {
        /// Username (letters, numbers, dots, hyphens, underscores).
        name: String,
        /// commissioner, panel_chair, panel_member, analyst or admin.
        #[arg(long)]
        role: String,
        /// The person's name as shown on pages (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
    },
    /// List users.
    List,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the audit trail's hash chain.
    Verify,
}

/// The demo's database, kept apart from a real `tcr.db`.
pub const DEMO_DATABASE_URL: &str = "sqlite://tcr-demo.db?mode=rwc";
/// The password of every demo user (the demo holds synthetic data only).
pub const DEMO_PASSWORD: &str = "demo-password-2026";

pub const DEMO_USERS: &[(&str, &str, &str)] = &[
    ("commissioner", "Cara Commissioner", "commissioner"),
    ("chair", "Pat Chair", "panel_chair"),
    ("expert", "Eve Expert-by-experience", "panel_member"),
    ("clinician", "Dr Cal Clinical", "panel_member"),
    ("analyst", "Ana Analyst", "analyst"),
];

pub async fn run(cli: Cli) -> Result<(), StartError> {
    match cli.command {
        Command::Serve => serve(config::figment()).await,
        Command::Demo => demo().await,
        Command::Migrate => {
            let settings = Settings::from_figment(&config::figment())?;
            prepare(settings, Arc::new(clock::SystemClock)).await?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::User(cmd) => user(cmd).await,
        Command::Audit(AuditCommand::Verify) => {
            let settings = Settings::from_figment(&config::figment())?;
            let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
            let result = crate::services::audit::verify_chain(&app.db)
                .await
                .map_err(|e| StartError::Other(format!("{e:?}")))?;
            if result.ok {
                println!("Audit trail intact: {} entries checked.", result.entries);
                Ok(())
            } else {
                Err(StartError::Other(format!(
                    "Audit trail BROKEN at entry {}: {}",
                    result.broken_at.unwrap_or_default(),
                    result.problem.unwrap_or_default()
                )))
            }
        }
    }
}

async fn serve(figment: Figment) -> Result<(), StartError> {
    let rocket = rocket_from(figment).await?;
    let ignited = rocket
        .ignite()
        .await
        .map_err(|e| StartError::Other(format!("cannot start: {e}")))?;
    let config = ignited.config();
    println!("tcr listening on http://{}:{}", config.address, config.port);
    ignited
        .launch()
        .await
        .map_err(|e| StartError::Other(format!("server stopped: {e}")))?;
    Ok(())
}

async fn demo() -> Result<(), StartError> {
    let mut figment = config::figment()
        .merge(("demo", true))
        .join(("database_url", DEMO_DATABASE_URL));
    if std::env::var_os("TCR_DATABASE_URL").is_none() {
        figment = figment.merge(("database_url", DEMO_DATABASE_URL));
    }
    if std::env::var_os("TCR_ADMIN_PASSWORD").is_none() {
        figment = figment.merge(("admin_password", DEMO_PASSWORD));
    }
    if !config::secret_key_configured(&figment) {
        // A fresh key each start: demo sessions do not survive a restart, which is fine.
        figment = figment.merge(("secret_key", crate::auth::token::random_hex(32)));
    }
    let settings = Settings::from_figment(&figment)?;
    let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
    let admin_password = app.settings.admin_password.clone();
    users::ensure_first_admin(&app, admin_password.as_deref())
        .await
        .map_err(|e| StartError::Other(format!("creating the admin user: {e:?}")))?;
    for (username, display_name, role) in DEMO_USERS {
        let exists = users::list(&app.db, 1, 500)
            .await
            .map_err(|e| StartError::Other(format!("{e:?}")))?
            .0
            .iter()
            .any(|u| u.username == *username);
        if !exists {
            let input = users::NewUser {
                username: username.to_string(),
                display_name: display_name.to_string(),
                role: role.to_string(),
                password: DEMO_PASSWORD.into(),
            };
            users::create(&app, &Actor::system(), input)
                .await
                .map_err(|e| StartError::Other(format!("demo user: {e:?}")))?;
        }
    }
    let created = crate::demo::seed(&app)
        .await
        .map_err(|e| StartError::Other(format!("demo data: {e:?}")))?;
    if created > 0 {
        println!(
            "Demo register: {created} synthetic people (NHS numbers from the 999 test range)."
        );
    }
    println!("Demo sign-ins (password `{DEMO_PASSWORD}` for each):");
    println!("  admin (admin)");
    for (username, _, role) in DEMO_USERS {
        println!("  {username} ({role})");
    }
    let rocket = crate::build(figment, app).await?;
    let ignited = rocket
        .ignite()
        .await
        .map_err(|e| StartError::Other(format!("cannot start: {e}")))?;
    let config = ignited.config();
    println!(
        "tcr demo listening on http://{}:{}",
        config.address, config.port
    );
    ignited
        .launch()
        .await
        .map_err(|e| StartError::Other(format!("server stopped: {e}")))?;
    Ok(())
}

async fn user(cmd: UserCommand) -> Result<(), StartError> {
    let settings = Settings::from_figment(&config::figment())?;
    let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
    match cmd {
        UserCommand::Add {
            name,
            role,
            display_name,
        } => {
            let password = match std::env::var("TCR_PASSWORD") {
                Ok(p) => p,
                Err(_) => rpassword::prompt_password(format!("Password for {name}: "))
                    .map_err(|e| StartError::Other(format!("cannot read the password: {e}")))?,
            };
            let input = users::NewUser {
                display_name: display_name.unwrap_or_else(|| name.clone()),
                username: name,
                role,
                password,
            };
            match users::create(&app, &Actor::cli(), input).await {
                Ok(u) => {
                    println!("Added {} ({}).", u.username, u.role);
                    Ok(())
                }
                Err(crate::error::AppError::Validation { fields, .. }) => {
                    let problems: Vec<String> = fields
                        .iter()
                        .map(|(f, m)| format!("{f}: {}", m.join("; ")))
                        .collect();
                    Err(StartError::Other(problems.join("\n")))
                }
                Err(e) => Err(StartError::Other(e.public_message())),
            }
        }
        UserCommand::List => {
            let (items, _) = users::list(&app.db, 1, 500)
                .await
                .map_err(|e| StartError::Other(format!("{e:?}")))?;
            println!("{:<24} {:<14} {:<8} name", "username", "role", "active");
            for u in items {
                println!(
                    "{:<24} {:<14} {:<8} {}",
                    u.username,
                    u.role.as_str(),
                    if u.active { "yes" } else { "no" },
                    u.display_name
                );
            }
            Ok(())
        }
    }
}
