//! `tcr bench --import`: a register kept in a spreadsheet, brought in as the Import page brings
//! it. For each backend and size, a fresh database and a synthetic `.xlsx` of that many rows
//! (in the shapes real registers have: spreadsheet dates, `Y`/`N`, most rows complete, some
//! without consent, a few refused, some in hospital); then, timed in this process: the preview
//! (read, judge every row against the register, keep the outcomes), the commit (every accepted
//! row through the consent gate, its rating and admission, audited, the projection refreshed,
//! one transaction), and a second preview of the same file (every row now `unchanged`).

use super::rng::{NhsNumbers, Rng};
use super::setup::{BenchDb, Paths, fail};
use crate::services::Actor;
use crate::services::import::{self, Upload};
use crate::{StartError, clock, prepare};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::sync::Arc;
use std::time::Instant;
use time::{Date, Duration};

const HEADERS: [&str; 22] = [
    "NHS number",
    "Given name",
    "Family name",
    "Date of birth",
    "Sex",
    "Postcode",
    "Local authority",
    "Learning disability",
    "Autism",
    "EHCP",
    "Setting",
    "Keyworker",
    "Consent basis",
    "Consent recorded on",
    "Consent given by",
    "Consent relationship",
    "Rating",
    "Rating on",
    "Admitted on",
    "Hospital",
    "Security level",
    "Legal status",
];

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> StartError {
    fail("writing the bench workbook", &e)
}

fn excel_day(d: Date) -> Result<ExcelDateTime, StartError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day()).map_err(xlsx_err)
}

/// `n` rows of a register as a workbook (the same rows for the same `n`).
pub fn workbook(n: usize, today: Date) -> Result<Vec<u8>, StartError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let uk = Format::new().set_num_format("dd/mm/yyyy");
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).map_err(xlsx_err)?;
    }
    let mut numbers = NhsNumbers::new(2026, Default::default());
    for i in 0..n {
        let r = (i + 1) as u32;
        let mut rng = Rng::for_item(18, i as u64);
        let nhs = numbers
            .take()
            .map_err(|e| fail("drawing NHS numbers", &e))?;
        let age = rng.range(8, 60);
        let born = today - Duration::days(age * 365 + rng.range(30, 300));
        let female = rng.chance(50);
        let given = if female {
            rng.pick(crate::demo::words::FEMALE)
        } else {
            rng.pick(crate::demo::words::MALE)
        };
        let consented = today - Duration::days(rng.range(30, 700));
        let text = |c: u16, s: &str, sheet: &mut rust_xlsxwriter::Worksheet| {
            sheet.write_string(r, c, s).map(|_| ()).map_err(xlsx_err)
        };
        sheet
            .write_number(r, 0, nhs.parse::<f64>().unwrap_or_default())
            .map_err(xlsx_err)?;
        text(1, given, sheet)?;
        text(2, rng.pick(crate::demo::words::FAMILY), sheet)?;
        sheet
            .write_datetime_with_format(r, 3, &excel_day(born)?, &uk)
            .map_err(xlsx_err)?;
        text(4, if female { "F" } else { "M" }, sheet)?;
        // About one row in a hundred has a postcode that is not one: refused.
        text(5, if rng.chance(1) { "UNKNOWN" } else { "PE1 1AA" }, sheet)?;
        text(6, "Peterborough", sheet)?;
        text(7, if rng.chance(70) { "Y" } else { "N" }, sheet)?;
        text(8, "Y", sheet)?;
        text(9, if age < 26 && rng.chance(40) { "Y" } else { "N" }, sheet)?;
        text(10, "Family home", sheet)?;
        text(11, rng.pick(crate::demo::words::KEYWORKERS), sheet)?;
        // About one row in twenty has no consent recorded: it needs consent.
        if !rng.chance(5) {
            if age < 16 {
                text(12, "parental", sheet)?;
                text(14, rng.pick(crate::demo::words::MOTHERS), sheet)?;
                text(15, "mother", sheet)?;
            } else {
                text(12, "self", sheet)?;
            }
            sheet
                .write_datetime_with_format(r, 13, &excel_day(consented)?, &uk)
                .map_err(xlsx_err)?;
        }
        let rated = consented + Duration::days(rng.range(0, 20));
        if rng.chance(8) {
            text(16, "Blue", sheet)?;
            sheet
                .write_datetime_with_format(r, 18, &excel_day(rated)?, &uk)
                .map_err(xlsx_err)?;
            text(19, "St Elsewhere", sheet)?;
            text(20, rng.pick(&["none", "low", "medium"]), sheet)?;
            text(21, rng.pick(&["Section 2", "Section 3", "Informal"]), sheet)?;
        } else {
            text(16, rng.pick(&["Red", "Amber", "Green", "Green"]), sheet)?;
            sheet
                .write_datetime_with_format(r, 17, &excel_day(rated)?, &uk)
                .map_err(xlsx_err)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_err)
}

/// Measures the import of `sizes` rows on each of `backends`; prints one markdown row each.
pub async fn run(
    sizes: Vec<usize>,
    backends: Vec<String>,
    postgres_url: String,
    keep: bool,
) -> Result<(), StartError> {
    let paths = Paths::find("tcr-bench-import")?;
    let today = clock::Clock::today(&clock::SystemClock);
    println!("Import of a register kept in a spreadsheet (.xlsx), in this process.");
    println!(
        "| backend | rows | file (MB) | preview (s) | commit (s) | same file again: preview (s) | added | need consent | refused |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for backend in &backends {
        for &n in &sizes {
            let db = BenchDb::create(backend, "import", n, &paths.work, &postgres_url).await?;
            let app = prepare(db.settings()?, Arc::new(clock::SystemClock)).await?;
            let bytes = workbook(n, today)?;
            let mb = bytes.len() as f64 / 1e6;
            let actor = Actor::cli();
            let upload = || Upload {
                file_name: format!("register-{n}.xlsx"),
                bytes: bytes.clone(),
                sheet: None,
            };
            let t = Instant::now();
            let v = import::preview(&app, &actor, upload())
                .await
                .map_err(|e| fail("previewing", &format!("{e:?}")))?;
            let preview_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let done = import::commit(&app, &actor, &v.id)
                .await
                .map_err(|e| fail("committing", &format!("{e:?}")))?;
            let commit_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            import::preview(&app, &actor, upload())
                .await
                .map_err(|e| fail("previewing again", &format!("{e:?}")))?;
            let again_s = t.elapsed().as_secs_f64();
            let c = done.counts;
            println!(
                "| {backend} | {n} | {mb:.1} | {preview_s:.2} | {commit_s:.2} | {again_s:.2} | {} | {} | {} |",
                c.added, c.needs_consent, c.refused
            );
            app.db.clone().close().await.ok();
            if keep {
                println!("  kept: {}", db.describe());
            } else {
                db.drop().await?;
            }
        }
    }
    if !keep {
        std::fs::remove_dir_all(&paths.work).ok();
    }
    Ok(())
}
