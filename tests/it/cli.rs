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

/// `tcr import`: one line per row and the counts; `--dry-run` writes nothing; a second run of
/// the same file adds nobody; a mapping file names the columns of a sheet whose headers are not
/// tcr's own.
#[test]
fn import_prints_each_row_and_the_counts() {
    let db = temp_db();
    let dir = std::env::temp_dir().join(format!("tcr-import-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    let day = |days: i64| (today - time::Duration::days(days)).to_string();
    let n = |k: u32| crate::register::nhs(k).replace(' ', "");
    let csv = format!(
        "NHS number,Given name,Family name,Date of birth,Sex,Postcode,Local authority,Learning disability,Autism,EHCP,Setting,Consent basis,Consent recorded on,Rating,Rating on\n\
         {},Ann,Lee,{},female,PE1 1AA,Peterborough,yes,no,no,family_home,self,{},amber,{}\n\
         {},Ben,Lee,{},male,PE1 1AA,Peterborough,yes,no,no,family_home,,,,\n\
         123,Cy,Lee,{},male,PE1 1AA,Peterborough,yes,no,no,family_home,self,{},,\n",
        n(31),
        day(365 * 30),
        day(20),
        day(10),
        n(42),
        day(365 * 30),
        day(365 * 30),
        day(20),
    );
    let file = dir.join("register.csv");
    std::fs::write(&file, csv).unwrap();
    let run = |extra: &[&str]| {
        let out = tcr(&db)
            .arg("import")
            .arg(&file)
            .args(extra)
            .env("TCR_POLICIES_DIR", crate::support::policies_dir())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let dry = run(&["--dry-run"]);
    let lines: Vec<&str> = dry.lines().collect();
    assert_eq!(lines[0], "row 2: add");
    assert!(
        lines[1].starts_with("row 3: needs_consent: consent:"),
        "{dry}"
    );
    assert!(lines[2].starts_with("row 4: refused: nhs_number:"), "{dry}");
    assert_eq!(
        lines.last().unwrap(),
        &"1 added, 0 updated, 0 duplicates, 1 need consent, 1 refused"
    );
    let real = run(&[]);
    assert_eq!(
        real.lines().last().unwrap(),
        "1 added, 0 updated, 0 duplicates, 1 need consent, 1 refused"
    );
    let again = run(&[]);
    assert!(again.starts_with("row 2: unchanged"), "{again}");
    assert_eq!(
        again.lines().last().unwrap(),
        "0 added, 0 updated, 0 duplicates, 1 need consent, 1 refused"
    );
    // A mapping file for a sheet with other headers.
    let other = format!(
        "NHS No.,First,Last,Born,Gender,PC,Council,LD,ASD,Plan,Where,Basis,Consented,Keyworker\n\
         {},Ann,Lee,{},female,PE1 1AA,Peterborough,Y,N,N,Family home,Self,{},Kim\n",
        n(31),
        day(365 * 30),
        day(20),
    );
    std::fs::write(&file, other).unwrap();
    let mapping = dir.join("mapping.toml");
    std::fs::write(
        &mapping,
        "[columns]\nnhs_number = \"NHS No.\"\ngiven_name = \"First\"\nfamily_name = \"Last\"\n\
         date_of_birth = \"Born\"\nsex = \"Gender\"\npostcode = \"PC\"\nlocal_authority = \"Council\"\n\
         learning_disability = \"LD\"\nautism = \"ASD\"\nehcp = \"Plan\"\nsetting = \"Where\"\n\
         consent_basis = \"Basis\"\nconsent_recorded_on = \"Consented\"\nkeyworker = \"Keyworker\"\n",
    )
    .unwrap();
    let mapped = run(&["--mapping", mapping.to_str().unwrap()]);
    assert_eq!(mapped.lines().next().unwrap(), "row 2: update: keyworker");
    assert_eq!(
        mapped.lines().last().unwrap(),
        "0 added, 1 updated, 0 duplicates, 0 need consent, 0 refused"
    );
    // A mapping naming a column the file lacks is an error, and nothing is written.
    std::fs::write(&mapping, "[columns]\nnhs_number = \"Nope\"\n").unwrap();
    let out = tcr(&db)
        .arg("import")
        .arg(&file)
        .args(["--mapping", mapping.to_str().unwrap()])
        .env("TCR_POLICIES_DIR", crate::support::policies_dir())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Nope"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
