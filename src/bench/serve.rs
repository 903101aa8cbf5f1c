//! `tcr bench --load`: for each backend and size, seed a synthetic register, bring its
//! projection up to date (what `tcr reindex` does), add a commissioner, start `tcr serve` on it
//! as a child process, sign clients in, and drive issue 15's routes with 8 and then 16 clients
//! at once ([`super::load`]). Prints one markdown row per route and phase as it goes (with the
//! server's peak memory, `VmHWM`, so far), then a summary; progress goes to stderr.

use super::load::{self, Client, Sample, Stats};
use super::setup::{BenchDb, Paths, fail, seeded};
use crate::services::Actor;
use crate::{StartError, clock};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The load test's options (`tcr bench --load …`).
#[derive(clap::Args, Debug, Clone)]
pub struct LoadArgs {
    /// Instead of the returns: serve each seeded register (`tcr serve`, a child process) and
    /// drive the register's routes with concurrent clients.
    #[arg(long)]
    pub load: bool,
    /// With --load: clients at once, one phase each, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "8,16")]
    pub clients: Vec<usize>,
    /// With --load: requests per route in each phase.
    #[arg(long, default_value_t = 200)]
    pub requests: usize,
    /// With --load: at most this many seconds per route in each phase (fewer requests then).
    #[arg(long, default_value_t = 30.0)]
    pub seconds: f64,
    /// With --load: the first port to try for the server; the next free one is taken (up to
    /// 99 further).
    #[arg(long, default_value_t = 19100)]
    pub port: u16,
    /// With --load: only the routes whose name contains one of these, comma-separated
    /// (`people,dashboard`).
    #[arg(long, value_delimiter = ',')]
    pub routes: Vec<String>,
    /// With --load: kill the server when its resident memory passes this many MB (the route
    /// then counts failures and the server is started again for the next), so that a runaway
    /// route cannot exhaust a shared machine.
    #[arg(long, default_value_t = 4096)]
    pub max_server_mb: u64,
    /// With --load: leave out the routes whose name contains one of these, comma-separated
    /// (`as_of,dashboard`).
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
}

/// People ids sampled for the routes that vary over the register.
const SAMPLE: usize = 200;
/// How long the server may take to answer `/health`.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// One backend and size, measured.
struct Measured {
    backend: String,
    people: usize,
    seed_s: f64,
    reindex_s: f64,
    /// (clients, the server's peak memory once that phase ended).
    phases: Vec<(usize, Option<f64>)>,
    end_mb: Option<f64>,
    /// The routes (and phases) during which the guard killed the server.
    killed: Vec<String>,
    /// The machine's 1-minute load average when the clients started and when they ended (the
    /// machine may be shared: a load above its cores slows every figure).
    load_average: (Option<f64>, Option<f64>),
}

/// Runs the load test over every backend and size.
pub async fn run(
    args: &LoadArgs,
    sizes: &[usize],
    backends: &[String],
    postgres_url: &str,
    keep: bool,
) -> Result<(), StartError> {
    let Paths {
        exe,
        policies,
        work,
    } = Paths::find("tcr-load")?;
    println!(
        "Under load: each route driven by N clients at once (one keep-alive connection and one \
         sign-in each), up to {} requests or {} s per route and phase; times from sending the \
         request to the last byte of the body; the server's peak memory (VmHWM) once the route ran.",
        args.requests, args.seconds
    );
    println!();
    println!("{}", load::TABLE_HEAD);
    let mut all = Vec::new();
    for backend in backends {
        for &n in sizes {
            let db = BenchDb::create(backend, "load", n, &work, postgres_url).await?;
            let measured = measure(args, &db, backend, n, &exe, &policies, &work).await;
            if keep {
                eprintln!("  kept: {}", db.describe());
            } else {
                db.drop().await?;
            }
            all.push(measured?);
        }
    }
    println!();
    print_summary(&all);
    if !keep {
        std::fs::remove_dir_all(&work).ok();
    }
    Ok(())
}

async fn measure(
    args: &LoadArgs,
    db: &BenchDb,
    backend: &str,
    n: usize,
    exe: &Path,
    policies: &Path,
    work: &Path,
) -> Result<Measured, StartError> {
    let today = clock::Clock::today(&clock::SystemClock);
    eprintln!("{backend}, {n} people: seeding…");
    let register = Register::prepare(db, n, today).await?;
    eprintln!(
        "{backend}, {n} people: seeded in {:.1} s, projection refreshed in {:.1} s; serving…",
        register.seed_s, register.reindex_s
    );
    let serve = ServeWith {
        exe,
        db,
        policies,
        args,
        register: &register,
        log: work.join(format!("serve-{backend}-{n}.log")),
    };
    let mut live = serve.start().await?;
    let routes: Vec<_> = load::routes(&register.sample)
        .into_iter()
        .filter(|r| args.routes.is_empty() || args.routes.iter().any(|f| r.name.contains(f)))
        .filter(|r| !args.skip.iter().any(|f| r.name.contains(f)))
        .collect();
    warm_up(&mut live.clients[0], &routes).await;
    let load_before = load_average();
    let limit = Duration::from_secs_f64(args.seconds.max(0.1));
    let mut phases = Vec::new();
    let mut killed = Vec::new();
    for &c in &args.clients {
        let c = c.clamp(1, live.clients.len());
        for route in &routes {
            let stats: Stats =
                load::drive(&mut live.clients[..c], route, args.requests, limit).await;
            println!("{}", load::table_row(backend, n, &stats, live.peak_mb()));
            if let Some(why) = &stats.first_error {
                eprintln!(
                    "  {}: {} failed, the first: {why}",
                    stats.route, stats.errors
                );
            }
            if live.guard.tripped().is_some() {
                eprintln!(
                    "  the server passed {} MB during `{}` with {c} clients and was killed \
                     (--max-server-mb); starting it again",
                    args.max_server_mb, stats.route
                );
                killed.push(format!("{} ({c} clients)", stats.route));
                live.stop();
                live = serve.start().await?;
            }
        }
        phases.push((c, live.peak_mb()));
    }
    let load_after = load_average();
    let end_mb = live.stop();
    Ok(Measured {
        backend: backend.to_string(),
        people: n,
        seed_s: register.seed_s,
        reindex_s: register.reindex_s,
        phases,
        end_mb,
        killed,
        load_average: (load_before, load_after),
    })
}

/// What a server is started with.
struct ServeWith<'a> {
    exe: &'a Path,
    db: &'a BenchDb,
    policies: &'a Path,
    args: &'a LoadArgs,
    register: &'a Register,
    log: PathBuf,
}

/// A running server, its memory guard, and its signed-in clients.
struct Live {
    server: Server,
    guard: Guard,
    clients: Vec<Client>,
}

impl ServeWith<'_> {
    /// Starts the server, watches its memory and signs in as many clients as the largest phase.
    async fn start(&self) -> Result<Live, StartError> {
        let server =
            Server::start(self.exe, self.db, self.policies, self.args.port, &self.log).await?;
        let guard = Guard::watch(server.pid(), self.args.max_server_mb);
        let most = self.args.clients.iter().copied().max().unwrap_or(1).max(1);
        let mut clients = Vec::with_capacity(most);
        for _ in 0..most {
            let client = Client::sign_in(
                server.port,
                &self.register.username,
                &self.register.password,
            )
            .await
            .map_err(|e| StartError::Other(format!("signing a client in: {e}")))?;
            clients.push(client);
        }
        Ok(Live {
            server,
            guard,
            clients,
        })
    }
}

impl Live {
    /// The server's peak memory so far, in MB.
    fn peak_mb(&self) -> Option<f64> {
        load::memory_mb(self.server.pid()).map(|(hwm, _)| hwm)
    }

    /// Signs out nothing (the sessions lapse), stops watching and stops the server; returns its
    /// peak memory.
    fn stop(self) -> Option<f64> {
        let Live {
            server,
            guard,
            clients,
        } = self;
        drop(clients);
        drop(guard);
        server.stop()
    }
}

/// The 1-minute load average (`/proc/loadavg`).
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// One request to each route first, untimed: the server's caches warm, and a route that fails
/// says so before it is driven.
async fn warm_up(client: &mut Client, routes: &[load::Route]) {
    for route in routes {
        let Some(path) = route.paths.first() else {
            continue;
        };
        match client.fetch(route.via, path).await {
            Ok(r) if r.status == 200 => {}
            Ok(r) => eprintln!("  warm-up: {} answered {} on {path}", route.name, r.status),
            Err(e) => eprintln!("  warm-up: {} failed on {path}: {e}", route.name),
        }
    }
}

fn print_summary(all: &[Measured]) {
    println!(
        "| backend | people | seed (s) | projection refresh (s) | server peak after each phase, by clients (MB) | at the end (MB) | load average, start → end | killed for memory during |"
    );
    println!("|---|---:|---:|---:|---|---:|---|---|");
    let mb = |m: Option<f64>| m.map_or("–".to_string(), |m| format!("{m:.0}"));
    for m in all {
        let phases: Vec<String> = m
            .phases
            .iter()
            .map(|(c, peak)| format!("with {c}: {}", mb(*peak)))
            .collect();
        let load = |l: Option<f64>| l.map_or("–".to_string(), |l| format!("{l:.1}"));
        println!(
            "| {} | {} | {:.1} | {:.1} | {} | {} | {} → {} | {} |",
            m.backend,
            m.people,
            m.seed_s,
            m.reindex_s,
            phases.join(" · "),
            mb(m.end_mb),
            load(m.load_average.0),
            load(m.load_average.1),
            if m.killed.is_empty() {
                "–".to_string()
            } else {
                m.killed.join(", ")
            },
        );
    }
}

/// A seeded register, its projection filled, with a commissioner to sign in as.
struct Register {
    seed_s: f64,
    reindex_s: f64,
    username: String,
    password: String,
    sample: Sample,
}

impl Register {
    async fn prepare(db: &BenchDb, n: usize, today: time::Date) -> Result<Register, StartError> {
        let (app, seed_s, reindex_s) = seeded(db, n, today).await?;
        let username = format!("load.{}", crate::auth::token::random_hex(4));
        let password = crate::auth::token::random_hex(16);
        commissioner(&app, &username, &password).await?;
        let sample = sample(&app.db, today)
            .await
            .map_err(|e| fail("sampling the register", &e))?;
        app.db.clone().close().await.ok();
        Ok(Register {
            seed_s,
            reindex_s,
            username,
            password,
            sample,
        })
    }
}

/// Adds a commissioner (a user who reads the whole register) with this password.
pub async fn commissioner(
    app: &crate::services::App,
    username: &str,
    password: &str,
) -> Result<(), StartError> {
    let input = crate::services::users::NewUser {
        username: username.to_string(),
        display_name: "Load Commissioner".into(),
        role: "commissioner".into(),
        password: password.to_string(),
        panel_kind: None,
        email: None,
    };
    crate::services::users::create(app, &Actor::cli(), input)
        .await
        .map(|_| ())
        .map_err(|e| fail("adding the commissioner", &format!("{e:?}")))
}

/// Up to 200 people on the register, spread over it (every k-th by id): their ids, NHS numbers
/// and (different) family names; and the last day of last month for `as_of`.
pub async fn sample(
    db: &sea_orm::DatabaseConnection,
    today: time::Date,
) -> Result<Sample, sea_orm::DbErr> {
    use crate::entities::person;
    use sea_orm::{QueryOrder, QuerySelect};
    let everyone: Vec<(String, String, String)> = crate::services::scope::Scope::Register
        .select::<person::Entity>()
        .select_only()
        .columns([
            person::Column::Id,
            person::Column::FamilyName,
            person::Column::NhsNumber,
        ])
        .order_by_asc(person::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let step = everyone.len().div_ceil(SAMPLE).max(1);
    let picked: Vec<_> = everyone.into_iter().step_by(step).collect();
    let mut family_names: Vec<String> = Vec::new();
    for (_, family, _) in &picked {
        if !family_names.contains(family) {
            family_names.push(family.clone());
        }
    }
    let first_of_month = today.replace_day(1).unwrap_or(today);
    Ok(Sample {
        ids: picked.iter().map(|(id, _, _)| id.clone()).collect(),
        nhs_numbers: picked.iter().map(|(_, _, nhs)| nhs.clone()).collect(),
        family_names,
        past_day: (first_of_month - time::Duration::days(1)).to_string(),
    })
}

/// `tcr serve` in a child process on a free port, its output in a log file; stopped (or
/// killed) when dropped.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Server {
    async fn start(
        exe: &Path,
        db: &BenchDb,
        policies: &Path,
        first_port: u16,
        log: &PathBuf,
    ) -> Result<Server, StartError> {
        let port = free_port(first_port)
            .ok_or_else(|| StartError::Other(format!("no free port from {first_port}")))?;
        // Appended to: a server started again after the memory guard keeps the first one's log.
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| fail("creating the server log", &e))?;
        let err = out.try_clone().map_err(|e| fail("the server log", &e))?;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("serve")
            .env("TCR_DATABASE_URL", &db.url)
            .env("TCR_ADDRESS", "127.0.0.1")
            .env("TCR_PORT", port.to_string())
            .env("TCR_SECRET_KEY", crate::auth::token::random_hex(32))
            .env("TCR_POLICIES_DIR", policies)
            .env("TCR_LOG", "warn")
            .env_remove("TCR_DEMO")
            .stdin(std::process::Stdio::null())
            .stdout(out)
            .stderr(err);
        match &db.schema {
            Some(schema) => cmd.env("TCR_DATABASE_SCHEMA", schema),
            None => cmd.env_remove("TCR_DATABASE_SCHEMA"),
        };
        let child = cmd.spawn().map_err(|e| fail("starting tcr serve", &e))?;
        let mut server = Server { child, port };
        let started = Instant::now();
        let mut probe = super::http::Conn::new(port);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                let said = std::fs::read_to_string(log).unwrap_or_default();
                return Err(StartError::Other(format!(
                    "tcr serve stopped ({status}): {}",
                    said.trim()
                )));
            }
            if probe
                .get("/health", &[])
                .await
                .is_ok_and(|r| r.status == 200)
            {
                return Ok(server);
            }
            if started.elapsed() > START_TIMEOUT {
                server.kill();
                return Err(StartError::Other(format!(
                    "tcr serve did not answer /health within {} s (log: {})",
                    START_TIMEOUT.as_secs(),
                    log.display()
                )));
            }
            rocket::tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server (SIGTERM, then SIGKILL after 10 s); returns its peak memory in MB.
    fn stop(mut self) -> Option<f64> {
        let peak = load::memory_mb(self.pid()).map(|(hwm, _)| hwm);
        // SAFETY: signalling our own child, which has not been reaped (we hold its `Child`).
        unsafe {
            libc::kill(self.pid() as libc::pid_t, libc::SIGTERM);
        }
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return peak;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.kill();
        peak
    }

    fn kill(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Watches a process's resident memory (every 100 ms) and kills it once it passes the limit.
struct Guard {
    tripped: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Guard {
    fn watch(pid: u32, max_mb: u64) -> Guard {
        let tripped = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let (t, d) = (tripped.clone(), done.clone());
        let thread = std::thread::spawn(move || {
            while !d.load(Ordering::Relaxed) {
                let rss = load::memory_mb(pid).map_or(0.0, |(_, rss)| rss);
                if rss > max_mb as f64 {
                    // SAFETY: our own child, not reaped before this thread is joined.
                    unsafe {
                        libc::kill(pid as libc::pid_t, libc::SIGKILL);
                    }
                    t.store(max_mb, Ordering::Relaxed);
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Guard {
            tripped,
            done,
            thread: Some(thread),
        }
    }

    /// The limit passed, if the process was killed for it.
    fn tripped(&self) -> Option<u64> {
        Some(self.tripped.load(Ordering::Relaxed)).filter(|&mb| mb > 0)
    }
}

/// Stops watching: dropped before the process is reaped, so its pid cannot be another's.
impl Drop for Guard {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

/// The first port from `first` (and up to 99 after it) that can be bound on 127.0.0.1 now.
pub fn free_port(first: u16) -> Option<u16> {
    (first..=first.saturating_add(99))
        .find(|&p| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok())
}
