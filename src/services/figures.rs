//! Figures over time: each month of a range (the last twelve whole months unless asked; at most
//! 24) as at its end, counted from one read of the register by the monthly return's rules
//! (`returns::months`), and given out exactly to readers who may download returns
//! (commissioners) and with 1 to 7 as `*` and the rest rounded to the nearest 5 to everyone
//! else (analysts). Nobody identifiable is in them. Each read, as JSON or a file, is audited
//! (`figures.read`, with the range and the format).

use super::audit::{self, Event};
use super::{Actor, App, input};
use crate::domain::figures::{self, Disclosure, FiguresView, MAX_MONTHS};
use crate::domain::returns::Period;
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::export::Format;
use crate::services::returns::Download;

/// The months asked for, `from` and `to` as `YYYY-MM` (either left out: the default range's),
/// checked against `today`: each a month, `to` not before `from`, at most 24 months, none in
/// the future (a month is counted as at its end, so it must have ended). A refusal names the
/// field.
pub fn range(
    from: Option<&str>,
    to: Option<&str>,
    today: time::Date,
) -> Result<Vec<Period>, AppError> {
    let (default_from, default_to) = figures::default_range(today);
    let mut c = input::Check::default();
    let mut month = |field: &str, text: Option<&str>, default: Period| -> Option<Period> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return Some(default);
        };
        match figures::month(text) {
            Ok(m) if !m.is_over(today) => {
                c.fail(field, "Choose a month that has ended");
                None
            }
            Ok(m) => Some(m),
            Err(why) => {
                c.fail(field, why);
                None
            }
        }
    };
    let from = month("from", from, default_from);
    let to = month("to", to, default_to);
    let mut months = Vec::new();
    if let (Some(from), Some(to)) = (from, to) {
        if to.last < from.last {
            c.fail("to", "Choose a month on or after the first month");
        } else {
            months = figures::months(from, to);
            if months.len() > MAX_MONTHS {
                c.fail("to", format!("Choose at most {MAX_MONTHS} months"));
            }
        }
    }
    c.finish()?;
    Ok(months)
}

/// How `role` is given the figures: exactly to those who may download returns (they see who is
/// in a return anyway), with small numbers hidden and the rest rounded to everyone else. The one
/// place it is decided.
pub fn disclosure(app: &App, role: crate::domain::role::Role) -> Disclosure {
    if app
        .policies
        .access
        .allows(role, Permission::ReturnsDownload)
    {
        Disclosure::Exact
    } else {
        Disclosure::Suppressed
    }
}

/// The figures of `months` for a reader with `disclosure`, audited.
pub async fn months(
    app: &App,
    actor: &Actor,
    months: &[Period],
    disclosure: Disclosure,
) -> Result<FiguresView, AppError> {
    read(app, actor, months, disclosure, None).await
}

/// The figures of `months` for the Figures page, audited as read there.
pub async fn page(
    app: &App,
    actor: &Actor,
    months: &[Period],
    disclosure: Disclosure,
) -> Result<FiguresView, AppError> {
    read(app, actor, months, disclosure, Some("page")).await
}

/// The figures of `months` as a PDF of the page: the same sections, charts and tables, A4
/// portrait. The same figures give the same bytes (dated the range's last day). Audited as a read
/// with its format.
pub async fn pdf(
    app: &App,
    actor: &Actor,
    months: &[Period],
    disclosure: Disclosure,
) -> Result<Download, AppError> {
    let view = read(app, actor, months, disclosure, Some("pdf")).await?;
    let organisation = app.settings.organisation.clone();
    let file_name = format!("{}.pdf", file_stem(months));
    let bytes = rocket::tokio::task::spawn_blocking(move || {
        let doc = crate::reports::figures::document(
            &crate::reports::figures::report(&view),
            &organisation,
        );
        crate::reports::pdf::render_document(&doc)
    })
    .await
    .map_err(|e| AppError::failed("the figures' renderer", e))?
    .map_err(|e| AppError::internal(format!("the figures' PDF: {e}")))?;
    Ok(Download { file_name, bytes })
}

/// The figures of `months` as a spreadsheet or CSV: one long table a row per month × figure ×
/// group (`reports::figures_sheet`), and in the workbook a notes sheet saying how they were given
/// out; the CSV is the table alone. Dated the range's last day, so the same figures give the
/// same bytes. Audited as a read with its format.
pub async fn sheets(
    app: &App,
    actor: &Actor,
    months: &[Period],
    disclosure: Disclosure,
    format: Format,
) -> Result<Download, AppError> {
    let view = read(app, actor, months, disclosure, Some(format.as_str())).await?;
    let created = months.last().map_or_else(|| app.clock.today(), |m| m.last);
    let sheets = crate::reports::figures_sheet::sheets(&view);
    super::export::file(format, &sheets, &file_stem(months), created)
}

/// A download's name: the range, nothing of anyone (`tcr-figures-2025-11-to-2026-10`).
pub fn file_stem(months: &[Period]) -> String {
    match (months.first(), months.last()) {
        (Some(a), Some(b)) => format!("tcr-figures-{}-to-{}", a.label(), b.label()),
        _ => "tcr-figures".into(),
    }
}

async fn read(
    app: &App,
    actor: &Actor,
    months: &[Period],
    disclosure: Disclosure,
    format: Option<&str>,
) -> Result<FiguresView, AppError> {
    let tallied = super::returns::months::tally(app, months).await?;
    let view = FiguresView {
        months: tallied
            .into_iter()
            .zip(months)
            .map(|(t, m)| t.shown(*m, disclosure))
            .collect(),
        suppressed: disclosure == Disclosure::Suppressed,
        rounded: disclosure == Disclosure::Suppressed,
    };
    audit::record_alone(
        app,
        actor,
        Event::new("figures.read", "figures", None).detail(serde_json::json!({
            "from": months.first().map(|m| m.label()),
            "to": months.last().map(|m| m.label()),
            "suppressed": view.suppressed,
            "format": format.unwrap_or("json"),
        })),
    )
    .await?;
    Ok(view)
}
