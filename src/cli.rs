//! The command line: `tcr serve`, `tcr demo`, `tcr migrate`, `tcr user add|list`,
//! `tcr audit verify`, `tcr return monthly|weekly`. Each command reads the same settings as the service.

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
        Command::Migrate => {
            let settings = Settings::from_figment(&config::figment())?;
            prepare(settings, Arc::new(clock::SystemClock)).await?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::RefreshDue => {
            let settings = Settings::from_figment(&config::figment())?;
            let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
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
        Command::Reindex => {
            let settings = Settings::from_figment(&config::figment())?;
            let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
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
            load,
            ..
        } if load.load => bench_load(&load, &people, &backends, &postgres_url, keep).await,
        Command::Bench {
            people,
            backends,
            runs,
            postgres_url,
            keep,
            ..
        } => bench(people, backends, runs, postgres_url, keep).await,
        Command::BenchChild {
            what,
            runs,
            period,
            pdf,
            out,
        } => {
            let best = match what.as_str() {
                "return" | "weekly" => {
                    let kind = if what == "weekly" {
                        "weekly"
                    } else {
                        "monthly"
                    };
                    let t = std::time::Instant::now();
                    generate_return(kind.into(), period, pdf, None).await?;
                    t.elapsed().as_secs_f64()
                }
                "dashboard" => {
                    let settings = Settings::from_figment(&config::figment())?;
                    let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
                    time_dashboard(&app, runs)
                        .await
                        .map_err(|e| StartError::Other(format!("the dashboard: {e:?}")))?
                }
                other => return Err(StartError::Other(format!("nothing to measure: {other}"))),
            };
            let peak = own_peak_mb().unwrap_or(0.0);
            std::fs::write(&out, format!("{best} {peak}"))
                .map_err(|e| StartError::Other(format!("writing {}: {e}", out.display())))
        }
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

async fn generate_return(
    kind: String,
    period: String,
    out: std::path::PathBuf,
    csv: Option<std::path::PathBuf>,
) -> Result<(), StartError> {
    use crate::services::returns;
    let started = std::time::Instant::now();
    let settings = Settings::from_figment(&config::figment())?;
    let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
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

/// One measured run of a child process: wall time, peak resident memory, exit status.
struct Measured {
    seconds: f64,
    peak_mb: f64,
    ok: bool,
}

/// This process's own peak resident memory (VmHWM) in MB. Unlike `ru_maxrss`, which a child
/// inherits from the parent's address space at exec, it counts only what this program used.
fn own_peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs a `tcr bench-child` and reads back what it measured of itself: (its best in-process
/// time, its peak memory), with its wall time.
fn measure_child(
    cmd: &mut std::process::Command,
    out: &std::path::Path,
) -> Result<(Measured, f64), StartError> {
    let mut m = measure(cmd)?;
    let said = std::fs::read_to_string(out).unwrap_or_default();
    let mut parts = said.split_whitespace().map(|p| p.parse::<f64>().ok());
    match (m.ok, parts.next().flatten(), parts.next().flatten()) {
        (true, Some(best), Some(peak)) => {
            if peak > 0.0 {
                m.peak_mb = peak;
            }
            Ok((m, best))
        }
        _ => {
            let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy()).collect();
            Err(StartError::Other(format!(
                "the measured child `tcr {}` failed",
                args.join(" ")
            )))
        }
    }
}

/// Runs the command and measures it with `wait4`: its wall time, whether it succeeded, and its
/// `ru_maxrss` (which counts the parent's address space too; `measure_child` replaces it).
fn measure(cmd: &mut std::process::Command) -> Result<Measured, StartError> {
    let started = std::time::Instant::now();
    let child = cmd
        .spawn()
        .map_err(|e| StartError::Other(format!("cannot start the child process: {e}")))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value to be filled in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped; the pointers are to live locals.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        return Err(StartError::Other("lost the child process".into()));
    }
    Ok(Measured {
        seconds: started.elapsed().as_secs_f64(),
        // Linux reports ru_maxrss in KiB.
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    })
}

async fn bench(
    sizes: Vec<usize>,
    backends: Vec<String>,
    runs: usize,
    postgres_url: String,
    keep: bool,
) -> Result<(), StartError> {
    use sea_orm::ConnectionTrait;
    let fail = |what: &str, e: &dyn std::fmt::Display| StartError::Other(format!("{what}: {e}"));
    let exe = std::env::current_exe().map_err(|e| fail("finding tcr", &e))?;
    let base = Settings::from_figment(&config::figment())?;
    let policies = std::fs::canonicalize(&base.policies_dir)
        .map_err(|e| fail("finding the policies folder", &e))?;
    let today = clock::Clock::today(&clock::SystemClock);
    let month = crate::domain::returns::Period::latest_ended(
        crate::domain::returns::ReturnKind::Monthly,
        today,
    )
    .label();
    let week = crate::domain::returns::Period::latest_ended(
        crate::domain::returns::ReturnKind::Weekly,
        today,
    )
    .label();
    let work = std::env::temp_dir().join(format!("tcr-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| fail("creating a work folder", &e))?;
    println!(
        "Monthly return for {month} and weekly return for the week ending {week}, end to end (a `tcr return` process: connect, query, figures, PDF, store), {runs} run(s) each."
    );
    println!(
        "| backend | people | rows | seed (s) | projection (s) | return: best (s) | median (s) | peak memory (MB) | PDF (MB) | weekly: best (s) | its peak memory (MB) | dashboard: best (s) | its peak memory (MB) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for backend in &backends {
        for &n in &sizes {
            let (url, schema) = match backend.as_str() {
                "sqlite" => (
                    format!(
                        "sqlite://{}?mode=rwc",
                        work.join(format!("bench-{n}.db")).display()
                    ),
                    None,
                ),
                "postgres" => (
                    postgres_url.clone(),
                    Some(format!("tcr_bench_{}_{n}", std::process::id())),
                ),
                other => {
                    return Err(StartError::Other(format!(
                        "unknown backend {other}: use sqlite or postgres"
                    )));
                }
            };
            if let Some(schema) = &schema {
                let admin = sea_orm::Database::connect(&url)
                    .await
                    .map_err(StartError::Connect)?;
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
                    .await
                    .map_err(|e| fail("creating the bench schema", &e))?;
            }
            let mut figment = config::figment().merge(("database_url", url.clone()));
            if let Some(schema) = &schema {
                figment = figment.merge(("database_schema", schema.clone()));
            }
            let settings = Settings::from_figment(&figment)?;
            let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
            let seeding = std::time::Instant::now();
            crate::bench::seed_synthetic(&app.db, n, today, 2026)
                .await
                .map_err(|e| fail("seeding", &e))?;
            let seed_s = seeding.elapsed().as_secs_f64();
            let projecting = std::time::Instant::now();
            crate::bench::project(&app, today)
                .await
                .map_err(|e| fail("refreshing the projection", &e.public_message()))?;
            let project_s = projecting.elapsed().as_secs_f64();
            let pdf = work.join(format!("return-{backend}-{n}.pdf"));
            // Each measurement is a child process on this database, so that neither the seeding
            // nor another measurement counts in its peak memory.
            let child = |args: &[&str]| {
                let mut cmd = std::process::Command::new(&exe);
                cmd.args(args)
                    .env("TCR_DATABASE_URL", &url)
                    .env("TCR_POLICIES_DIR", &policies)
                    .env("TCR_LOG", "warn,tcr=info")
                    .stdout(std::process::Stdio::null());
                if let Some(schema) = &schema {
                    cmd.env("TCR_DATABASE_SCHEMA", schema);
                }
                cmd
            };
            let pdf_arg = pdf.display().to_string();
            let said = work.join(format!("measured-{backend}-{n}.txt"));
            let said_arg = said.display().to_string();
            let mut results = Vec::new();
            for _ in 0..runs.max(1) {
                let mut cmd = child(&[
                    "bench-child",
                    "return",
                    "--period",
                    &month,
                    "--pdf",
                    &pdf_arg,
                    "--out",
                    &said_arg,
                ]);
                let (m, _) = measure_child(&mut cmd, &said)?;
                results.push(m);
            }
            let rows = crate::services::returns::list(&app, None)
                .await
                .map_err(|e| fail("reading the return", &format!("{e:?}")))?
                .first()
                .map(|r| r.row_count)
                .unwrap_or(0);
            let mut times: Vec<f64> = results.iter().map(|m| m.seconds).collect();
            times.sort_by(f64::total_cmp);
            let peak = results.iter().map(|m| m.peak_mb).fold(0.0, f64::max);
            let pdf_mb = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
            // The weekly return, as many runs (its PDF beside the monthly one's).
            let weekly_pdf = work.join(format!("weekly-{backend}-{n}.pdf"));
            let weekly_pdf_arg = weekly_pdf.display().to_string();
            let (mut weekly_best, mut weekly_mb) = (f64::MAX, 0.0f64);
            for _ in 0..runs.max(1) {
                let (m, _) = measure_child(
                    &mut child(&[
                        "bench-child",
                        "weekly",
                        "--period",
                        &week,
                        "--pdf",
                        &weekly_pdf_arg,
                        "--out",
                        &said_arg,
                    ]),
                    &said,
                )?;
                weekly_best = weekly_best.min(m.seconds);
                weekly_mb = weekly_mb.max(m.peak_mb);
            }
            let runs_arg = runs.max(1).to_string();
            let (dash, dashboard) = measure_child(
                &mut child(&[
                    "bench-child",
                    "dashboard",
                    "--runs",
                    &runs_arg,
                    "--out",
                    &said_arg,
                ]),
                &said,
            )?;
            let dash_mb = dash.peak_mb;
            println!(
                "| {backend} | {n} | {rows} | {seed_s:.1} | {project_s:.1} | {:.2} | {:.2} | {peak:.0} | {pdf_mb:.1} | {weekly_best:.2} | {weekly_mb:.0} | {dashboard:.2} | {dash_mb:.0} |",
                times[0],
                times[times.len() / 2],
            );
            app.db.clone().close().await.ok();
            if keep {
                println!(
                    "  kept: TCR_DATABASE_URL='{url}'{}",
                    schema
                        .as_deref()
                        .map(|s| format!(" TCR_DATABASE_SCHEMA={s}"))
                        .unwrap_or_default()
                );
                continue;
            }
            if let Some(schema) = &schema {
                let admin = sea_orm::Database::connect(&url)
                    .await
                    .map_err(StartError::Connect)?;
                admin
                    .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                    .await
                    .map_err(|e| fail("dropping the bench schema", &e))?;
            }
        }
    }
    if !keep {
        std::fs::remove_dir_all(&work).ok();
    }
    Ok(())
}

/// `tcr bench --load`: each seeded register served by `tcr serve` and driven by concurrent
/// clients (`crate::bench::serve`).
async fn bench_load(
    load: &crate::bench::serve::LoadArgs,
    people: &[usize],
    backends: &[String],
    postgres_url: &str,
    keep: bool,
) -> Result<(), StartError> {
    crate::bench::serve::run(load, people, backends, postgres_url, keep).await
}

/// The commissioner's dashboard over the seeded register, in this process: the best of `runs`.
async fn time_dashboard(
    app: &crate::services::App,
    runs: usize,
) -> Result<f64, crate::error::AppError> {
    let password = crate::auth::token::random_hex(16);
    let username = format!("bench.{}", &crate::auth::token::random_hex(4));
    crate::services::users::create(
        app,
        &Actor::cli(),
        crate::services::users::NewUser {
            username: username.clone(),
            display_name: "Bench Commissioner".into(),
            role: "commissioner".into(),
            password: password.clone(),
            panel_kind: None,
        },
    )
    .await?;
    let (_, who) = crate::services::sessions::login(
        app,
        &username,
        &password,
        crate::services::sessions::Kind::Browser,
        "bench",
    )
    .await?;
    let mut best = f64::MAX;
    for _ in 0..runs.max(1) {
        let t = std::time::Instant::now();
        crate::services::dashboard::for_user(app, &who).await?;
        best = best.min(t.elapsed().as_secs_f64());
    }
    Ok(best)
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
    let settings = Settings::from_figment(&config::figment())?;
    let app = prepare(settings, Arc::new(clock::SystemClock)).await?;
    match cmd {
        UserCommand::Add {
            name,
            role,
            display_name,
            panel_kind,
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
