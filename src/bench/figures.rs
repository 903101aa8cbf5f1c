//! `tcr bench --figures`: the figures over time (`services::figures`) for the last twelve whole
//! months, on a synthetic register of each size (`seed`), timed in this process: the one read
//! of the register, every month counted and given out (suppressed, as an analyst sees them),
//! and the audit entry. The speed target is 12 months at 10,000 people in 1 s (release build).

use super::setup::{BenchDb, Paths, fail, seeded};
use crate::domain::figures::{self, Disclosure};
use crate::services::Actor;
use crate::{StartError, clock};
use std::time::Instant;

/// Measures the figures on registers of each size in `sizes`, on each of `backends`, `runs`
/// times each; prints one markdown row per backend and size.
pub async fn run(
    sizes: Vec<usize>,
    backends: Vec<String>,
    runs: usize,
    postgres_url: String,
    keep: bool,
) -> Result<(), StartError> {
    let paths = Paths::find("tcr-bench-figures")?;
    let today = clock::Clock::today(&clock::SystemClock);
    let (from, to) = figures::default_range(today);
    let months = figures::months(from, to);
    println!(
        "Figures over time for {} to {} ({} months), in this process, {runs} run(s) each.",
        from.label(),
        to.label(),
        months.len()
    );
    println!(
        "| backend | people | seed (s) | figures: best (s) | median (s) | page's charts (ms) | PDF (ms) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for backend in &backends {
        for &n in &sizes {
            let db = BenchDb::create(backend, "figures", n, &paths.work, &postgres_url).await?;
            let (app, seed_s, _) = seeded(&db, n, today).await?;
            let actor = Actor::cli();
            let mut times = Vec::new();
            let mut view = None;
            for _ in 0..runs.max(1) {
                let t = Instant::now();
                view = Some(
                    crate::services::figures::months(&app, &actor, &months, Disclosure::Suppressed)
                        .await
                        .map_err(|e| fail("working out the figures", &e.public_message()))?,
                );
                times.push(t.elapsed().as_secs_f64());
            }
            times.sort_by(f64::total_cmp);
            let (page_ms, pdf_ms) = view.as_ref().map_or(Ok((0.0, 0.0)), drawn)?;
            println!(
                "| {backend} | {n} | {seed_s:.1} | {:.2} | {:.2} | {page_ms:.0} | {pdf_ms:.0} |",
                times[0],
                times[times.len() / 2]
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

/// How long the page's sections and their SVG charts take to draw from the figures, and the PDF
/// of them (milliseconds).
fn drawn(view: &figures::FiguresView) -> Result<(f64, f64), StartError> {
    use crate::reports::{figures as page, pdf, svg};
    let t = Instant::now();
    let report = page::report(view);
    let svgs: usize = report
        .sections
        .iter()
        .map(|s| svg::svg(&s.chart, s.id).len())
        .sum();
    let page_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let bytes = pdf::render_document(&page::document(&report, "NHS Bench ICB"))
        .map_err(|e| fail("drawing the figures' PDF", &e))?;
    let pdf_ms = t.elapsed().as_secs_f64() * 1000.0;
    debug_assert!(svgs > 0 && !bytes.is_empty());
    Ok((page_ms, pdf_ms))
}
