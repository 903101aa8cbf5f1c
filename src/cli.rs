//! The command line: `tcr serve`, `tcr demo`, `tcr migrate`, `tcr user add|list`,
//! `tcr audit verify`, `tcr return monthly|weekly`. Each command reads the same settings as the service.
//! `tcr bench` is parsed here and measured in [`crate::bench`] (`bench::returns`,
//! `bench::serve` for `--load`, `bench::figures` for `--figures`).

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
    /// Bring the register's projection (what it filters and sorts by: overdue, next review due,
    /// rating, days in hospital) up to date for today, for every entry computed for an earlier
    /// day. The server does this by itself at start and every quarter of an hour; run it from
    /// a scheduler just after midnight to have it done before anyone signs in.
    RefreshDue,
    /// Rebuild the register's projection (today's answers and each entry's timeline of past
    /// days) from the dated facts, for everyone; after restoring a backup, or to check it.
    Reindex,
    /// Email: `tcr mail send-due` writes today's reminders and digests and sends what waits,
    /// once (as the server does every minute). Nothing happens without TCR_SMTP_URL.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Audit trail tools.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Generate a return (stored, frozen and audited like one generated on the Returns page)
    /// and save its PDF: `tcr return monthly --period 2026-10 --out october.pdf`.
    Return {
        /// monthly or weekly.
        kind: String,
        /// YYYY-MM for a month; the week's Sunday (YYYY-MM-DD) for a week.
        #[arg(long)]
        period: String,
        /// Where to save the PDF.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Also save the per-person rows as CSV here.
        #[arg(long)]
        csv: Option<std::path::PathBuf>,
    },
    /// Bring people in from a spreadsheet (.xlsx, its first sheet unless --sheet names one, or
    /// .csv) through the consent gate, as the Import page does, all in one transaction: prints
    /// each row's outcome and a last line of counts. Without --mapping, columns are matched by
    /// their headers: the field names of POST /api/v1/people, consent_basis, consent_recorded_on,
    /// …, rating and rating_on, admitted_on, hospital, security_level, legal_status.
    Import {
        /// The .xlsx or .csv file.
        file: std::path::PathBuf,
        /// A TOML file: `[columns]` with `field = "Header in the sheet"` lines (and optionally
        /// `sheet = "Name"` above it).
        #[arg(long)]
        mapping: Option<std::path::PathBuf>,
        /// Judge every row and print the outcomes; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The sheet to read (by default the first).
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Benchmark the monthly return end to end (query, figures, PDF, storing) and the
    /// commissioner's dashboard on a synthetic register: each size on a fresh database, each run
    /// in a child process whose wall time and peak memory are measured. With `--load`: serve
    /// each register (`tcr serve`) and time its routes under 8 and then 16 clients at once.
    Bench {
        /// Register sizes, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
        people: Vec<usize>,
        /// Backends, comma-separated: sqlite, postgres.
        #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
        backends: Vec<String>,
        /// Runs of the return per size (the first also warms the database's caches).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// The PostgreSQL server to use (a throwaway schema is created and dropped).
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
        postgres_url: String,
        /// Keep the SQLite files (and PostgreSQL schemas) for profiling, and print where.
        #[arg(long)]
        keep: bool,
        /// `--load`: the register's routes under concurrent clients instead of the returns.
        #[command(flatten)]
        load: crate::bench::serve::LoadArgs,
        /// `--import`: a register of each size brought in from a spreadsheet (preview, commit,
        /// and the same file again) instead of the returns.
        #[arg(long)]
        import: bool,
        /// `--figures`: the figures over time (the last 12 months) instead of the returns.
        #[arg(long)]
        figures: bool,
    },
    /// For `tcr bench`: one measured child. `return` generates the monthly return for `period`
    /// into `pdf` (`weekly`, the weekly return); `dashboard` builds the commissioner's dashboard `runs` times. Writes to `out`
    /// the best time in seconds and this process's own peak memory in MB.
    #[command(hide = true)]
    BenchChild {
        what: String,
        #[arg(long, default_value_t = 1)]
        runs: usize,
        #[arg(long, default_value = "")]
        period: String,
        #[arg(long, default_value = "bench.pdf")]
        pdf: std::path::PathBuf,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum MailCommand {
    /// Write what falls due today and send what is waiting, once.
    SendDue,
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
        /// For a panel_member (required): expert_by_experience or clinical_expert.
        #[arg(long)]
        panel_kind: Option<String>,
        /// Where invitations and reminders go (optional).
        #[arg(long)]
        email: Option<String>,
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

/// Username, name, role and panel kind of each demo sign-in.
pub const DEMO_USERS: &[(&str, &str, &str, Option<&str>)] = &[
    ("commissioner", "Cara Commissioner", "commissioner", None),
    ("chair", "Pat Chair", "panel_chair", None),
    (
        "expert",
        "Eve Expert-by-experience",
        "panel_member",
        Some("expert_by_experience"),
    ),
    (
        "clinician",
        "Dr Cal Clinical",
        "panel_member",
        Some("clinical_expert"),
    ),
    ("analyst", "Ana Analyst", "analyst", None),
];

pub async fn run(cli: Cli) -> Result<(), StartError> {
    match cli.command {
        Command::Serve => serve(config::figment()).await,
        Command::Demo => demo().await,
        Command::Migrate => migrate().await,
        Command::RefreshDue => refresh_due().await,
        Command::Reindex => reindex().await,
        Command::Mail(MailCommand::SendDue) => send_due_mail().await,
        Command::User(cmd) => user(cmd).await,
        Command::Return {
            kind,
            period,
            out,
            csv,
        } => generate_return(kind, period, out, csv).await,
        Command::Bench {
            people,
            backends,
            postgres_url,
            keep,
            import: true,
            ..
        } => crate::bench::import::run(people, backends, postgres_url, keep).await,
        Command::Bench {
            people,
            backends,
            postgres_url,
            keep,
            load,
            ..
        } if load.load => {
            crate::bench::serve::run(&load, &people, &backends, &postgres_url, keep).await
        }
        Command::Bench {
            people,
            backends,
            runs,
            postgres_url,
            keep,
            figures,
            ..
        } => crate::bench::returns::run(people, backends, runs, postgres_url, keep, figures).await,
        Command::BenchChild {
            what,
            runs,
            period,
            pdf,
            out,
        } => crate::bench::returns::child(&what, runs, period, pdf, &out).await,
        Command::Audit(AuditCommand::Verify) => audit_verify().await,
        Command::Import {
            file,
            mapping,
            dry_run,
            sheet,
        } => import(&file, mapping.as_deref(), dry_run, sheet).await,
    }
}

/// The service as every command but `serve` and `demo` uses it: settings read, database migrated.
async fn app() -> Result<crate::services::App, StartError> {
    let settings = Settings::from_figment(&config::figment())?;
    prepare(settings, Arc::new(clock::SystemClock)).await
}

async fn migrate() -> Result<(), StartError> {
    app().await?;
    println!("Database is up to date.");
    Ok(())
}

async fn refresh_due() -> Result<(), StartError> {
    let app = app().await?;
    let done = crate::services::people::projection::refresh_stale(
        &app.db,
        &app.policies.schedule,
        app.clock.today(),
        500,
        u64::MAX,
    )
    .await
    .map_err(explain)?;
    println!("Refreshed {done} register entries for today.");
    Ok(())
}

async fn send_due_mail() -> Result<(), StartError> {
    let app = app().await?;
    let run = crate::services::mail::run_once(&app).await;
    println!("{}", run.map_err(explain)?.summary(&app));
    Ok(())
}

async fn reindex() -> Result<(), StartError> {
    let app = app().await?;
    let started = std::time::Instant::now();
    let done = crate::services::people::projection::rebuild_all(
        &app.db,
        &app.policies.schedule,
        app.clock.today(),
    )
    .await
    .map_err(explain)?;
    crate::db::after_bulk_change(&app.db)
        .await
        .map_err(|e| StartError::Other(format!("analysing the tables: {e}")))?;
    println!(
        "Rebuilt the projection of {done} entries in {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn audit_verify() -> Result<(), StartError> {
    let app = app().await?;
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

/// A service error in words for the terminal: the message and any field errors.
fn explain(e: crate::error::AppError) -> StartError {
    match e {
        crate::error::AppError::Validation { fields, .. } => StartError::Other(
            fields
                .into_iter()
                .flat_map(|(field, why)| why.into_iter().map(move |w| format!("{field}: {w}")))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        // The operator at the console is told what failed (the server's pages never are).
        crate::error::AppError::Internal(detail) => {
            StartError::Other(format!("internal error: {detail}"))
        }
        other => StartError::Other(format!("{other}")),
    }
}

/// `tcr return`: generates a return (stored, frozen and audited) and saves its PDF, and its rows
/// as CSV when asked.
pub(crate) async fn generate_return(
    kind: String,
    period: String,
    out: std::path::PathBuf,
    csv: Option<std::path::PathBuf>,
) -> Result<(), StartError> {
    use crate::services::returns;
    let started = std::time::Instant::now();
    let app = app().await?;
    let actor = Actor::cli();
    let request = returns::NewReturn {
        kind: Some(kind),
        period: Some(period),
    };
    let view = returns::generate(&app, &actor, "tcr return (command line)", &request)
        .await
        .map_err(explain)?;
    let pdf = returns::pdf(&app, &actor, &view.id)
        .await
        .map_err(explain)?;
    std::fs::write(&out, &pdf.bytes)
        .map_err(|e| StartError::Other(format!("cannot write {}: {e}", out.display())))?;
    if let Some(path) = &csv {
        let file = returns::csv(&app, &actor, &view.id)
            .await
            .map_err(explain)?;
        std::fs::write(path, &file.bytes)
            .map_err(|e| StartError::Other(format!("cannot write {}: {e}", path.display())))?;
    }
    println!(
        "{} return {}: {} rows, as at {}. PDF {} KB, SHA-256 {}{}",
        view.kind,
        view.period,
        view.row_count,
        view.as_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        pdf.bytes.len().div_ceil(1024),
        view.sha256,
        view.same_as
            .as_deref()
            .map(|id| format!(" (identical to return {id})"))
            .unwrap_or_default()
    );
    println!(
        "Saved {}{} in {:.2} s. Return id {}.",
        out.display(),
        csv.map(|p| format!(" and {}", p.display()))
            .unwrap_or_default(),
        started.elapsed().as_secs_f64(),
        view.id
    );
    Ok(())
}

async fn serve(figment: Figment) -> Result<(), StartError> {
    let rocket = rocket_from(figment).await?;
    launch(rocket, "tcr").await
}

/// Starts serving. "listening" is printed only once the port is bound (at lift-off); when it
/// cannot be bound, the error says which address and why, and the command exits non-zero.
async fn launch(
    rocket: rocket::Rocket<rocket::Build>,
    name: &'static str,
) -> Result<(), StartError> {
    let rocket = rocket.attach(rocket::fairing::AdHoc::on_liftoff("announce", move |r| {
        Box::pin(async move {
            let config = r.config();
            println!(
                "{name} listening on http://{}:{}",
                config.address, config.port
            );
        })
    }));
    let ignited = rocket
        .ignite()
        .await
        .map_err(|e| StartError::Other(format!("cannot start: {e}")))?;
    let (address, port) = (ignited.config().address, ignited.config().port);
    match ignited.launch().await {
        Ok(_) => Ok(()),
        Err(e) => Err(StartError::Other(match e.kind() {
            rocket::error::ErrorKind::Bind(io) => {
                format!("cannot listen on {address}:{port}: {io}; nothing was started")
            }
            other => format!("server stopped: {other}"),
        })),
    }
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
    for (username, display_name, role, panel_kind) in DEMO_USERS {
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
                panel_kind: panel_kind.map(String::from),
                email: None,
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
    for (username, _, role, _) in DEMO_USERS {
        println!("  {username} ({role})");
    }
    let rocket = crate::build(figment, app).await?;
    launch(rocket, "tcr demo").await
}

async fn user(cmd: UserCommand) -> Result<(), StartError> {
    let app = app().await?;
    match cmd {
        UserCommand::Add {
            name,
            role,
            display_name,
            panel_kind,
            email,
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
                panel_kind,
                email,
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

/// A mapping file for `tcr import`: `sheet = "…"` (optional) and `[columns]` of
/// `field = "Header"`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    sheet: Option<String>,
    columns: std::collections::BTreeMap<String, String>,
}

/// `tcr import`: one line per row, then the counts. It runs (exit 0) whatever the rows' outcomes;
/// a file or mapping it cannot read, or a commit the register refuses, is an error.
async fn import(
    file: &std::path::Path,
    mapping: Option<&std::path::Path>,
    dry_run: bool,
    sheet: Option<String>,
) -> Result<(), StartError> {
    use crate::services::import;
    let bytes = std::fs::read(file)
        .map_err(|e| StartError::Other(format!("cannot read {}: {e}", file.display())))?;
    let (chosen, mapped_sheet) = match mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| StartError::Other(format!("cannot read {}: {e}", path.display())))?;
            let m: MappingFile = toml::from_str(&text)
                .map_err(|e| StartError::Other(format!("{}: {e}", path.display())))?;
            (Some(m.columns.into_iter().collect()), m.sheet)
        }
        None => (None, None),
    };
    let app = app().await?;
    let upload = import::Upload {
        file_name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes,
        sheet: sheet.or(mapped_sheet),
    };
    let (outcomes, counts) = import::run(&app, &Actor::cli(), upload, chosen, dry_run)
        .await
        .map_err(explain)?;
    for o in &outcomes {
        println!("{}", o.line_text());
    }
    if dry_run {
        println!("(dry run: nothing was written)");
    }
    println!("{}", counts.summary());
    Ok(())
}
