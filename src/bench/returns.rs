//! `tcr bench` without `--load`: for each backend and size, a synthetic register is seeded and
//! its projection filled, then the monthly return, the weekly return and the commissioner's
//! dashboard are each measured in a child process (`tcr bench-child`) on that database, so that
//! neither the seeding nor another measurement counts in its peak memory. Prints one markdown row
//! per backend and size.

use super::setup::{BenchDb, Paths, fail, seeded};
use crate::config::{self, Settings};
use crate::domain::returns::{Period, ReturnKind};
use crate::{StartError, clock, prepare};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use time::Date;

/// Measures the returns and the dashboard on registers of each size in `sizes`, on each of
/// `backends` (`sqlite`, `postgres`), `runs` times each; with `keep`, the databases stay. With
/// `figures`, the figures over time instead (`bench::figures`).
pub async fn run(
    sizes: Vec<usize>,
    backends: Vec<String>,
    runs: usize,
    postgres_url: String,
    keep: bool,
    figures: bool,
) -> Result<(), StartError> {
    if figures {
        return super::figures::run(sizes, backends, runs, postgres_url, keep).await;
    }
    let paths = Paths::find("tcr-bench")?;
    let today = clock::Clock::today(&clock::SystemClock);
    let month = Period::latest_ended(ReturnKind::Monthly, today).label();
    let week = Period::latest_ended(ReturnKind::Weekly, today).label();
    println!(
        "Monthly return for {month} and weekly return for the week ending {week}, end to end (a `tcr return` process: connect, query, figures, PDF, store), {runs} run(s) each."
    );
    println!(
        "| backend | people | rows | seed (s) | projection (s) | return: best (s) | median (s) | peak memory (MB) | PDF (MB) | weekly: best (s) | its peak memory (MB) | dashboard: best (s) | its peak memory (MB) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let bench = Bench {
        paths,
        today,
        month,
        week,
        runs: runs.max(1),
    };
    for backend in &backends {
        for &n in &sizes {
            bench.one(backend, n, &postgres_url, keep).await?;
        }
    }
    if !keep {
        std::fs::remove_dir_all(&bench.paths.work).ok();
    }
    Ok(())
}

/// What every backend and size is measured with.
struct Bench {
    paths: Paths,
    today: Date,
    /// The monthly return's period (the last month ended) and the weekly one's.
    month: String,
    week: String,
    /// Runs of each measurement (at least one).
    runs: usize,
}

impl Bench {
    /// One backend and size: a fresh database, seeded, measured, one row printed; then the
    /// database dropped unless `keep`.
    async fn one(
        &self,
        backend: &str,
        n: usize,
        postgres_url: &str,
        keep: bool,
    ) -> Result<(), StartError> {
        let work = &self.paths.work;
        let db = BenchDb::create(backend, "bench", n, work, postgres_url).await?;
        let (app, seed_s, project_s) = seeded(&db, n, self.today).await?;
        let pdf = work.join(format!("return-{backend}-{n}.pdf"));
        let said = work.join(format!("measured-{backend}-{n}.txt"));
        let mut times = self.monthly(&db, &pdf, &said)?;
        let rows = crate::services::returns::list(&app, None)
            .await
            .map_err(|e| fail("reading the return", &format!("{e:?}")))?
            .first()
            .map(|r| r.row_count)
            .unwrap_or(0);
        let peak = times.iter().map(|m| m.peak_mb).fold(0.0, f64::max);
        let pdf_mb = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        // The weekly return, as many runs (its PDF beside the monthly one's).
        let weekly_pdf = work.join(format!("weekly-{backend}-{n}.pdf"));
        let (weekly_best, weekly_mb) = self.weekly(&db, &weekly_pdf, &said)?;
        let runs_arg = self.runs.to_string();
        let said_arg = said.display().to_string();
        let (dash, dashboard) = measure_child(
            &mut self.child(
                &db,
                &[
                    "bench-child",
                    "dashboard",
                    "--runs",
                    &runs_arg,
                    "--out",
                    &said_arg,
                ],
            ),
            &said,
        )?;
        let dash_mb = dash.peak_mb;
        times.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
        println!(
            "| {backend} | {n} | {rows} | {seed_s:.1} | {project_s:.1} | {:.2} | {:.2} | {peak:.0} | {pdf_mb:.1} | {weekly_best:.2} | {weekly_mb:.0} | {dashboard:.2} | {dash_mb:.0} |",
            times[0].seconds,
            times[times.len() / 2].seconds,
        );
        app.db.clone().close().await.ok();
        if keep {
            println!("  kept: {}", db.describe());
            return Ok(());
        }
        db.drop().await
    }

    /// The monthly return, `runs` times, into `pdf`.
    fn monthly(&self, db: &BenchDb, pdf: &Path, said: &Path) -> Result<Vec<Measured>, StartError> {
        let (pdf_arg, said_arg) = (pdf.display().to_string(), said.display().to_string());
        let mut results = Vec::new();
        for _ in 0..self.runs {
            let mut cmd = self.child(
                db,
                &[
                    "bench-child",
                    "return",
                    "--period",
                    &self.month,
                    "--pdf",
                    &pdf_arg,
                    "--out",
                    &said_arg,
                ],
            );
            let (m, _) = measure_child(&mut cmd, said)?;
            results.push(m);
        }
        Ok(results)
    }

    /// The weekly return, `runs` times, into `pdf`: the best time and the highest peak memory.
    fn weekly(&self, db: &BenchDb, pdf: &Path, said: &Path) -> Result<(f64, f64), StartError> {
        let (pdf_arg, said_arg) = (pdf.display().to_string(), said.display().to_string());
        let (mut best, mut mb) = (f64::MAX, 0.0f64);
        for _ in 0..self.runs {
            let (m, _) = measure_child(
                &mut self.child(
                    db,
                    &[
                        "bench-child",
                        "weekly",
                        "--period",
                        &self.week,
                        "--pdf",
                        &pdf_arg,
                        "--out",
                        &said_arg,
                    ],
                ),
                said,
            )?;
            best = best.min(m.seconds);
            mb = mb.max(m.peak_mb);
        }
        Ok((best, mb))
    }

    /// A `tcr` child process on this database, its output discarded.
    fn child(&self, db: &BenchDb, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.paths.exe);
        cmd.args(args)
            .env("TCR_DATABASE_URL", &db.url)
            .env("TCR_POLICIES_DIR", &self.paths.policies)
            .env("TCR_LOG", "warn,tcr=info")
            .stdout(std::process::Stdio::null());
        if let Some(schema) = &db.schema {
            cmd.env("TCR_DATABASE_SCHEMA", schema);
        }
        cmd
    }
}

/// `tcr bench-child`: one measured child. `return` generates the monthly return for `period`
/// into `pdf` (`weekly`, the weekly return); `dashboard` builds the commissioner's dashboard
/// `runs` times. Writes to `out` the best time in seconds and this process's own peak memory
/// in MB.
pub async fn child(
    what: &str,
    runs: usize,
    period: String,
    pdf: PathBuf,
    out: &Path,
) -> Result<(), StartError> {
    let best = match what {
        "return" | "weekly" => {
            let kind = if what == "weekly" {
                "weekly"
            } else {
                "monthly"
            };
            let t = std::time::Instant::now();
            crate::cli::generate_return(kind.into(), period, pdf, None).await?;
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
    std::fs::write(out, format!("{best} {peak}"))
        .map_err(|e| StartError::Other(format!("writing {}: {e}", out.display())))
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
fn measure_child(cmd: &mut Command, out: &Path) -> Result<(Measured, f64), StartError> {
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
fn measure(cmd: &mut Command) -> Result<Measured, StartError> {
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

/// The commissioner's dashboard over the seeded register, in this process: the best of `runs`.
async fn time_dashboard(
    app: &crate::services::App,
    runs: usize,
) -> Result<f64, crate::error::AppError> {
    let password = crate::auth::token::random_hex(16);
    let username = format!("bench.{}", &crate::auth::token::random_hex(4));
    crate::services::users::create(
        app,
        &crate::services::Actor::cli(),
        crate::services::users::NewUser {
            username: username.clone(),
            display_name: "Bench Commissioner".into(),
            role: "commissioner".into(),
            password: password.clone(),
            panel_kind: None,
            email: None,
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
