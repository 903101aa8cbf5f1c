//! The `tcr` binary: its commands and its refusal to start on bad settings.

use std::process::Command;

pub fn tcr(db: &TempDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcr"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "TCR_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db.display()),
        )
        .env("TCR_ADMIN_PASSWORD", crate::support::ADMIN_PASSWORD);
    cmd
}

/// A SQLite file for one test, removed with its `-wal` and `-shm` when the test ends (passed or
/// failed): the commands run as child processes, which have exited by then.
pub struct TempDb(std::path::PathBuf);

impl std::ops::Deref for TempDb {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

pub fn temp_db() -> TempDb {
    TempDb(std::env::temp_dir().join(format!("tcr-cli-{}.db", uuid::Uuid::new_v4().simple())))
}

#[test]
fn user_add_and_list() {
    let db = temp_db();
    let out = tcr(&db).args(["migrate"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tcr(&db)
        .args([
            "user",
            "add",
            "Sam.Chair",
            "--role",
            "panel_chair",
            "--display-name",
            "Sam Chair",
        ])
        .env("TCR_PASSWORD", "a long enough password")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tcr(&db).args(["user", "list"]).output().unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.contains("sam.chair") && listing.contains("panel_chair"),
        "{listing}"
    );

    let out = tcr(&db)
        .args(["user", "add", "shorty", "--role", "analyst"])
        .env("TCR_PASSWORD", "short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12 characters"));

    let out = tcr(&db).args(["audit", "verify"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact"));
}

#[test]
fn bad_settings_stop_the_start_with_a_clear_message() {
    let db = temp_db();
    let out = tcr(&db)
        .env("TCR_DATABASE_URL", "mysql://root@localhost/tcr")
        .args(["migrate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TCR_DATABASE_URL must start with"));

    let out = tcr(&db)
        .env("TCR_POLICIES_DIR", "/nonexistent")
        .args(["migrate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("access.toml"));

    let out = tcr(&db)
        .env("TCR_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .args(["migrate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot connect"));
}
