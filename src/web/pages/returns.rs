//! The Returns page: generate the monthly or weekly return, see its figures and what changed,
//! download the PDF and CSV; and the list of earlier returns.

use super::Answer;
use super::{Html, Page, form_errors};
use crate::domain::returns::{Period, ReturnKind};
use crate::error::{AppError, FieldErrors};
use crate::policy::Permission;
use crate::reports::model;
use crate::services::returns::{self, NewReturn, ReturnView};
use crate::web::Caller;
use crate::web::UuidParam;
use crate::web::api::returns::{FileDownload, csv_type, pdf_type};
use crate::web::csrf::CsrfForm;
use crate::web::form::Fields;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};

/// The list page; `sent` is the kind and period of a refused submission, kept in its form.
fn list_context(view: &Page<'_>, earlier: &[ReturnView], sent: Option<(&str, &str)>) -> Value {
    let today = view.app.clock.today();
    let month = Period::latest_ended(ReturnKind::Monthly, today).label();
    let week = Period::latest_ended(ReturnKind::Weekly, today).label();
    let value = |kind: &str, suggested: &str| match sent {
        Some((k, period)) if k == kind => period.to_string(),
        _ => suggested.to_string(),
    };
    json!({
        "title": "Returns",
        "returns": earlier,
        "can_generate": view.can(Permission::ReturnsGenerate),
        "can_download": view.can(Permission::ReturnsDownload),
        "hints": {
            "monthly": format!("As YYYY-MM, for example {month}"),
            "weekly": "The last Sunday is suggested.".to_string(),
        },
        "values": {"monthly": value("monthly", &month), "weekly": value("weekly", &week)},
        "errors": [],
        "field_errors": {},
    })
}

#[get("/returns")]
pub async fn returns_page(view: Page<'_>, _caller: Caller) -> Result<Html, AppError> {
    let earlier = returns::list(view.app, None).await?;
    let ctx = list_context(&view, &earlier, None);
    view.render("returns/list.html", ctx)
}

#[post("/returns", data = "<form>")]
pub async fn generate_submit(
    view: Page<'_>,
    caller: Caller,
    form: CsrfForm<Fields>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let input: NewReturn = f.input(&[])?;
    match returns::generate(view.app, &caller.actor(), &caller.user.display_name, &input).await {
        Ok(r) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/returns/{}", r.id)),
            match &r.same_as {
                Some(_) => "Return generated. Nothing has changed since it was last generated: its PDF is identical.".to_string(),
                None => "Return generated and stored. Its figures will not change.".to_string(),
            },
        ))),
        Err(AppError::Validation { fields, .. }) => {
            // Each kind has its own form: point the messages at the one that was sent.
            let kind = if f.get("kind") == Some("weekly") {
                "weekly"
            } else {
                "monthly"
            };
            let fields: FieldErrors = fields
                .into_iter()
                .map(|(k, v)| (format!("{kind}-{k}"), v))
                .collect();
            let earlier = returns::list(view.app, None).await?;
            let mut ctx = list_context(&view, &earlier, Some((kind, f.get("period").unwrap_or_default())));
            let errors = form_errors(&fields, &[]);
            ctx["errors"] = errors["errors"].clone();
            ctx["field_errors"] = errors["field_errors"].clone();
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "returns/list.html",
                ctx,
            )?))
        }
        Err(e) => Err(e),
    }
}

#[get("/returns/<id>")]
pub async fn return_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    let can_download = view.can(Permission::ReturnsDownload);
    let r = returns::get(view.app, &caller.actor(), &id.0, can_download).await?;
    let weekly = r.kind == "weekly";
    let chart = super::rating_chart(r.counts.as_map(), "chart-title");
    let summary: Vec<Value> = model::summary(&r.counts, weekly)
        .into_iter()
        .map(|(label, value)| {
            let sub = label.starts_with("  ");
            json!({"label": label.trim(), "value": value, "sub": sub})
        })
        .collect();
    let against: Vec<Value> = model::against(&r.counts, &r.changes.before, weekly)
        .into_iter()
        .map(|(label, was, is)| {
            json!({"label": label, "was": was, "is": is, "delta": format!("{:+}", is as i64 - was as i64)})
        })
        .collect();
    let bands: Vec<Value> = ["red", "amber", "green", "blue", "unrated"]
        .into_iter()
        .filter_map(|rating| {
            let row = r.by_rating_and_band.get(rating)?;
            let n = |band: &str| row.get(band).copied().unwrap_or(0);
            (rating != "unrated" || row.values().any(|v| *v > 0)).then(|| {
                json!({"rating": rating, "child": n("0-17"), "young_adult": n("18-25"), "adult": n("26+")})
            })
        })
        .collect();
    let people_parts: Vec<Value> = match &r.changes.people {
        Some(p) => [
            ("Joined", &p.joined),
            ("Left", &p.left),
            ("Rating changed", &p.rating_changes),
            ("Admitted", &p.admissions),
            ("Discharged", &p.discharges),
        ]
        .into_iter()
        .map(|(heading, items)| json!({"heading": heading, "items": items}))
        .collect(),
        None => Vec::new(),
    };
    let title = format!(
        "{} {}",
        if weekly {
            "Weekly inpatient return, week ending"
        } else {
            "Monthly return,"
        },
        r.period
    );
    view.render(
        "returns/show.html",
        json!({
            "title": title,
            "role_label": r.generated_role.parse::<crate::domain::role::Role>().map(|x| x.label()).ok(),
            "r": r,
            "weekly": weekly,
            "summary": summary,
            "chart": chart,
            "against": against,
            "bands": bands,
            "people_parts": people_parts,
            "can_download": can_download,
            "downloads": super::exports::links(&format!("/returns/{}/export", id.0), &[]),
        }),
    )
}

#[get("/returns/<id>/pdf")]
pub async fn pdf_download(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<FileDownload, AppError> {
    Ok(FileDownload {
        content_type: pdf_type(),
        download: returns::pdf(view.app, &caller.actor(), &id.0).await?,
    })
}

#[get("/returns/<id>/at.csv")]
pub async fn at_csv_download(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<FileDownload, AppError> {
    Ok(FileDownload {
        content_type: csv_type(),
        download: returns::at_csv(view.app, &caller.actor(), &id.0).await?,
    })
}

#[get("/returns/<id>/csv")]
pub async fn csv_download(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<FileDownload, AppError> {
    Ok(FileDownload {
        content_type: csv_type(),
        download: returns::csv(view.app, &caller.actor(), &id.0).await?,
    })
}
