//! What both benchmarks set up: where `tcr` and the policies are and a work folder
//! ([`Paths`]), a fresh database for each backend and size ([`BenchDb`]), and a synthetic register
//! seeded on it with its projection filled ([`seeded`]).

use crate::config::{self, Settings};
use crate::services::App;
use crate::{StartError, clock, prepare};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// A step of a benchmark that failed, in words.
pub(super) fn fail(what: &str, e: &dyn std::fmt::Display) -> StartError {
    StartError::Other(format!("{what}: {e}"))
}

/// The `tcr` executable (for the child processes), the policies folder (absolute, for them) and
/// a work folder of this process's own.
pub(super) struct Paths {
    pub(super) exe: PathBuf,
    pub(super) policies: PathBuf,
    pub(super) work: PathBuf,
}

impl Paths {
    /// The work folder is `{work}-{pid}` in the temporary folder, created here.
    pub(super) fn find(work: &str) -> Result<Paths, StartError> {
        let exe = std::env::current_exe().map_err(|e| fail("finding tcr", &e))?;
        let base = Settings::from_figment(&config::figment())?;
        let policies = std::fs::canonicalize(&base.policies_dir)
            .map_err(|e| fail("finding the policies folder", &e))?;
        let work = std::env::temp_dir().join(format!("{work}-{}", std::process::id()));
        std::fs::create_dir_all(&work).map_err(|e| fail("creating a work folder", &e))?;
        Ok(Paths {
            exe,
            policies,
            work,
        })
    }
}

/// A fresh SQLite file or a throwaway PostgreSQL schema.
pub(super) struct BenchDb {
    pub(super) url: String,
    pub(super) schema: Option<String>,
}

impl BenchDb {
    /// `{prefix}-{n}.db` in `work`, or the schema `tcr_{prefix}_{pid}_{n}` on `postgres_url`.
    pub(super) async fn create(
        backend: &str,
        prefix: &str,
        n: usize,
        work: &Path,
        postgres_url: &str,
    ) -> Result<BenchDb, StartError> {
        use sea_orm::ConnectionTrait;
        match backend {
            "sqlite" => Ok(BenchDb {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    work.join(format!("{prefix}-{n}.db")).display()
                ),
                schema: None,
            }),
            "postgres" => {
                let schema = format!("tcr_{prefix}_{}_{n}", std::process::id());
                let admin = sea_orm::Database::connect(postgres_url)
                    .await
                    .map_err(StartError::Connect)?;
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
                    .await
                    .map_err(|e| fail("creating the bench schema", &e))?;
                admin.close().await.ok();
                Ok(BenchDb {
                    url: postgres_url.to_string(),
                    schema: Some(schema),
                })
            }
            other => Err(StartError::Other(format!(
                "unknown backend {other}: use sqlite or postgres"
            ))),
        }
    }

    pub(super) fn settings(&self) -> Result<Settings, StartError> {
        let mut figment = config::figment().merge(("database_url", self.url.clone()));
        if let Some(schema) = &self.schema {
            figment = figment.merge(("database_schema", schema.clone()));
        }
        Ok(Settings::from_figment(&figment)?)
    }

    pub(super) fn describe(&self) -> String {
        format!(
            "TCR_DATABASE_URL='{}'{}",
            self.url,
            self.schema
                .as_deref()
                .map(|s| format!(" TCR_DATABASE_SCHEMA={s}"))
                .unwrap_or_default()
        )
    }

    pub(super) async fn drop(&self) -> Result<(), StartError> {
        use sea_orm::ConnectionTrait;
        let Some(schema) = &self.schema else {
            return Ok(());
        };
        let admin = sea_orm::Database::connect(&self.url)
            .await
            .map_err(StartError::Connect)?;
        admin
            .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
            .await
            .map_err(|e| fail("dropping the bench schema", &e))?;
        admin.close().await.ok();
        Ok(())
    }
}

/// Seeds `n` synthetic people on `db` (seed 2026) and fills the projection for `today`: the
/// service on it, and the seconds each took.
pub(super) async fn seeded(
    db: &BenchDb,
    n: usize,
    today: time::Date,
) -> Result<(App, f64, f64), StartError> {
    let app = prepare(db.settings()?, Arc::new(clock::SystemClock)).await?;
    let t = Instant::now();
    super::seed_synthetic(&app.db, n, today, 2026)
        .await
        .map_err(|e| fail("seeding", &e))?;
    let seed_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    super::project(&app, today)
        .await
        .map_err(|e| fail("refreshing the projection", &e.public_message()))?;
    let project_s = t.elapsed().as_secs_f64();
    Ok((app, seed_s, project_s))
}
