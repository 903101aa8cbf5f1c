//! Review pages: the reviews list (upcoming, overdue, held without a report), scheduling from a
//! person's page, the review page with its pack and the outcome form (action rows added without
//! JavaScript), and the actions page.

use super::register::{Answer, refusal, with};
use super::{Html, Page, form_errors, some};
use crate::domain::review::{LINES_OF_ENQUIRY, ReviewKind};
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::people::{self, Reader};
use crate::services::reviews::{
    self, ActionUpdate, NewAction, NewReview, Outcome, ReportSent, Section,
};
use crate::web::Caller;
use crate::web::UuidParam;
use crate::web::csrf::{CsrfForm, Protected};
use rocket::form::FromForm;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{get, post};
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn kinds() -> Value {
    ReviewKind::ALL
        .iter()
        .map(|k| json!({"value": k.as_str(), "label": k.label()}))
        .collect()
}

/// Reviews in each section of the reviews page, a page at a time.
const SECTION_PAGE: u64 = 25;

/// The reviews page: every section's first page with its count, or (`section`) one section's
/// `page`, with the same pagination as the register.
#[get("/reviews?<section>&<page>")]
pub async fn reviews_page(
    view: Page<'_>,
    caller: Caller,
    section: Option<&str>,
    page: Option<&str>,
) -> Result<Html, AppError> {
    let paging = crate::web::api::types::Paging::parse(page, None)?;
    let only = match section.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some((
            Section::parse(raw).ok_or_else(|| {
                AppError::field("section", "Choose overdue, upcoming, unreported or later")
            })?,
            paging.page,
        )),
    };
    let deadlines = view.can(Permission::ReviewsRead);
    let agenda = reviews::Agenda::read(view.app, &caller, deadlines, only, SECTION_PAGE).await?;
    let days = reviews::UPCOMING_DAYS;
    let sections: Vec<Value> = agenda
        .sections
        .iter()
        .map(|s| {
            let (heading, caption, empty) = match s.section {
                Section::Overdue => (
                    "Overdue".to_string(),
                    "Overdue reviews".to_string(),
                    "None overdue.".to_string(),
                ),
                Section::Upcoming => (
                    format!("In the next {days} days"),
                    format!("Reviews in the next {days} days"),
                    format!("None in the next {days} days."),
                ),
                Section::Unreported => (
                    "Held, report not yet sent".to_string(),
                    "Reviews held without a report sent".to_string(),
                    "Every held review's report has been sent.".to_string(),
                ),
                Section::Later => (
                    "Later".to_string(),
                    "Reviews scheduled later".to_string(),
                    "None.".to_string(),
                ),
            };
            let link = format!("/reviews?section={}", s.section.as_str());
            let mut pages = super::admin::pagination(&link, s.page, s.per_page, s.total);
            pages["label"] = json!(format!("Pages of {}", caption.to_lowercase()));
            json!({
                "id": s.section.as_str(), "heading": heading, "caption": caption,
                "empty": empty, "items": s.items, "total": s.total, "pagination": pages,
            })
        })
        .collect();
    view.render(
        "reviews/list.html",
        json!({"title": "Reviews", "sections": sections, "deadlines": agenda.deadlines,
               "one_section": only.is_some()}),
    )
}

#[derive(FromForm)]
pub struct ScheduleForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    kind: String,
    #[field(default = String::new())]
    scheduled_for: String,
    #[field(default = String::new())]
    scheduled_on: String,
    #[field(default = String::new())]
    chair_id: String,
    #[field(default = String::new())]
    expert_by_experience_id: String,
    #[field(default = String::new())]
    clinical_expert_id: String,
    #[field(default = String::new())]
    starts_at: String,
    #[field(default = String::new())]
    place: String,
    #[field(default = String::new())]
    confirm_day_off: String,
}

impl Protected for ScheduleForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

async fn schedule_context(
    view: &Page<'_>,
    caller: &Caller,
    person_id: &str,
    form: Value,
) -> Result<Value, AppError> {
    let reader = Reader::of(view.app, caller);
    let due = people::due(
        view.app,
        &caller.actor(),
        &reader,
        person_id,
        view.app.clock.today(),
    )
    .await?;
    let person = people::name_of(&view.app.db, &reader, person_id).await?;
    Ok(with(
        super::review_moves::pickers(view.app).await?,
        json!({
            "title": format!("Schedule a review: {}", person.full_name),
            "person_id": person_id, "due": due, "kinds": kinds(), "form": form,
        }),
    ))
}

#[get("/people/<id>/reviews/new")]
pub async fn schedule_page(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
) -> Result<Html, AppError> {
    let ctx = schedule_context(
        &view,
        &caller,
        &id.0,
        json!({"kind": "", "scheduled_for": "", "scheduled_on": view.app.clock.today().to_string(),
            "chair_id": caller.user.id, "expert_by_experience_id": "", "clinical_expert_id": "",
            "starts_at": "", "place": ""}),
    )
    .await?;
    view.render("reviews/schedule.html", ctx)
}

#[post("/people/<id>/reviews", data = "<form>")]
pub async fn schedule_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<ScheduleForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let input = NewReview {
        kind: some(&f.kind),
        scheduled_for: some(&f.scheduled_for),
        scheduled_on: some(&f.scheduled_on),
        chair_id: some(&f.chair_id),
        expert_by_experience_id: some(&f.expert_by_experience_id),
        clinical_expert_id: some(&f.clinical_expert_id),
        starts_at: some(&f.starts_at),
        place: some(&f.place),
        ask_day_off: super::review_moves::ask_day_off(&f.scheduled_for, &f.confirm_day_off),
    };
    let result = reviews::schedule(
        view.app,
        &caller.actor(),
        &Reader::of(view.app, &caller),
        &id.0,
        input,
    )
    .await;
    match result {
        Ok(r) => Ok(Answer::Done(Flash::success(
            Redirect::to(format!("/reviews/{}", r.id)),
            {
                let on = |d: &str| {
                    crate::services::input::parse_date(d)
                        .map_or_else(|| d.to_string(), crate::domain::dates::long_date)
                };
                let at = r
                    .starts_at
                    .as_ref()
                    .map(|t| format!(" at {t}"))
                    .unwrap_or_default();
                match &r.due_by {
                    Some(due) => format!(
                        "Review scheduled for {}{at}; it is due by {}.",
                        on(&r.scheduled_for),
                        on(due)
                    ),
                    None => format!("Review scheduled for {}{at}.", on(&r.scheduled_for)),
                }
            },
        ))),
        Err(e) => {
            let (fields, _) = refusal(e, "expert_by_experience_id")?;
            let question =
                super::review_moves::day_off_question(view.app, &fields, &f.scheduled_for);
            let echo = json!({"kind": f.kind, "scheduled_for": f.scheduled_for, "scheduled_on": f.scheduled_on, "chair_id": f.chair_id,
                "expert_by_experience_id": f.expert_by_experience_id, "clinical_expert_id": f.clinical_expert_id,
                "starts_at": f.starts_at, "place": f.place});
            let ctx = with(
                schedule_context(&view, &caller, &id.0, echo).await?,
                with(
                    form_errors(
                        &fields,
                        &[
                            "kind",
                            "scheduled_for",
                            "confirm_day_off",
                            "scheduled_on",
                            "starts_at",
                            "place",
                            "chair_id",
                            "expert_by_experience_id",
                            "clinical_expert_id",
                        ],
                    ),
                    json!({"day_off": question}),
                ),
            );
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "reviews/schedule.html",
                ctx,
            )?))
        }
    }
}

/// Blank action rows shown on the outcome form; "Add another action" adds one more.
const START_ROWS: usize = 3;

pub(super) async fn review_context(
    view: &Page<'_>,
    caller: &Caller,
    id: &str,
    form: Value,
    rows: usize,
) -> Result<Value, AppError> {
    let (review, previous) = reviews::with_previous(view.app, caller, id).await?;
    let reader = Reader::of(view.app, caller);
    // The pack: withheld while consent is not valid (the person has left the active register).
    let pack = match people::dossier(view.app, &caller.actor(), &reader, &review.person_id).await {
        Ok(d) if d.person.status == crate::domain::person::Status::Active => Some(json!({
            "person": d.person, "history": d.history, "admissions": d.admissions,
        })),
        Ok(_) | Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    let may_record = crate::services::reviews::may_record_chaired_by(
        view.app,
        caller,
        review.chair.as_ref().map(|c| c.id.as_str()),
    );
    let addenda = crate::services::review_amend::addenda_of(
        &view.app.db,
        crate::services::scope::Scope::of(view.app, caller),
        &review.id,
    )
    .await?;
    // Owners already named, offered on the action plan's WHO so that spellings converge.
    let owners = if may_record {
        crate::services::worklists::owners(view.app, caller, None).await?
    } else {
        Vec::new()
    };
    Ok(json!({
        "addenda": addenda,
        "title": format!("{} for {}", review.kind.label(), review.person_name),
        "owners": owners,
        "review": review,
        "previous": previous,
        "pack": pack,
        "lines": LINES_OF_ENQUIRY.iter().map(|(k, q)| json!({"key": k, "question": q})).collect::<Vec<_>>(),
        "rows": (0..rows).collect::<Vec<_>>(),
        "form": form,
        "today": view.app.clock.today().to_string(),
        "may_record": may_record,
        "may_schedule": view.can(Permission::ReviewsSchedule),
        "may_update_actions": may_record && view.can(Permission::ActionsUpdate),
    }))
}

#[get("/reviews/<id>")]
pub async fn review_page(view: Page<'_>, caller: Caller, id: UuidParam) -> Result<Html, AppError> {
    let ctx = review_context(
        &view,
        &caller,
        &id.0,
        json!({"findings": {}, "actions": []}),
        START_ROWS,
    )
    .await?;
    view.render("reviews/show.html", ctx)
}

#[derive(FromForm)]
pub struct OutcomeForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    step: String,
    #[field(default = String::new())]
    held_on: String,
    findings: BTreeMap<String, String>,
    #[field(default = String::new())]
    recommendations: String,
    actions: Vec<ActionRow>,
}

#[derive(FromForm, Clone, serde::Serialize)]
pub struct ActionRow {
    #[field(default = String::new())]
    who: String,
    #[field(default = String::new())]
    what: String,
    #[field(default = String::new())]
    when: String,
    #[field(default = String::new())]
    how: String,
}

impl Protected for OutcomeForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// The action rows of an outcome form with something typed in them: rows left wholly empty
/// are not actions.
pub(super) fn filled_rows<T: Clone>(rows: &[T], cells: impl Fn(&T) -> [&String; 4]) -> Vec<T> {
    rows.iter()
        .filter(|a| cells(a).iter().any(|s| !s.trim().is_empty()))
        .cloned()
        .collect()
}

#[post("/reviews/<id>/outcome", data = "<form>")]
pub async fn outcome_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<OutcomeForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let rows = filled_rows(&f.actions, |a| [&a.who, &a.what, &a.when, &a.how]);
    let echo = json!({"held_on": f.held_on, "findings": f.findings, "recommendations": f.recommendations, "actions": rows});
    if f.step == "add_row" {
        let ctx = review_context(&view, &caller, &id.0, echo, rows.len() + 1).await?;
        return Ok(Answer::Page(view.render("reviews/show.html", ctx)?));
    }
    let input = Outcome {
        held_on: some(&f.held_on),
        findings: Some(f.findings.clone()),
        recommendations: some(&f.recommendations),
        actions: Some(
            rows.iter()
                .map(|a| NewAction {
                    who: some(&a.who),
                    what: some(&a.what),
                    when: some(&a.when),
                    how: some(&a.how),
                })
                .collect(),
        ),
    };
    match reviews::hold(view.app, &caller, &id.0, input).await {
        Ok(r) => {
            let next = r
                .next_review
                .as_ref()
                .map(|n| {
                    format!(
                        " The {} is scheduled, due by {}.",
                        n.kind.label().to_lowercase(),
                        crate::web::display::day_in_words(&n.due_by.clone().unwrap_or_default())
                    )
                })
                .unwrap_or_default();
            Ok(Answer::Done(Flash::success(
                Redirect::to(format!("/reviews/{}", r.id)),
                format!("Outcome recorded with {} action(s).{next}", r.actions.len()),
            )))
        }
        Err(e) => {
            let (fields, consent) = refusal(e, "held_on")?;
            let mut order: Vec<String> = vec!["held_on".into()];
            order.extend(
                LINES_OF_ENQUIRY
                    .iter()
                    .map(|(k, _)| format!("findings.{k}")),
            );
            order.push("recommendations".into());
            let order: Vec<&str> = order.iter().map(String::as_str).collect();
            let ctx = with(
                review_context(&view, &caller, &id.0, echo, rows.len().max(START_ROWS)).await?,
                with(
                    form_errors(&fields, &order),
                    json!({"consent_rule": consent}),
                ),
            );
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "reviews/show.html",
                ctx,
            )?))
        }
    }
}

#[derive(FromForm)]
pub struct SmallForm {
    #[field(default = String::new())]
    csrf_token: String,
    #[field(default = String::new())]
    sent_on: String,
    #[field(default = String::new())]
    status: String,
    #[field(default = String::new())]
    completed_on: String,
    #[field(default = String::new())]
    note: String,
    #[field(default = String::new())]
    back: String,
}

impl Protected for SmallForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

fn flash_result(
    back: String,
    result: Result<String, AppError>,
) -> Result<Flash<Redirect>, AppError> {
    let to = Redirect::to(back);
    match result {
        Ok(m) => Ok(Flash::success(to, m)),
        Err(AppError::Validation { fields, .. }) => Ok(Flash::error(
            to,
            fields
                .values()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(". "),
        )),
        Err(AppError::Conflict(m)) => Ok(Flash::error(to, m)),
        Err(other) => Err(other),
    }
}

#[post("/reviews/<id>/report-sent", data = "<form>")]
pub async fn report_sent_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<SmallForm>,
) -> Result<Flash<Redirect>, AppError> {
    let result = reviews::report_sent(
        view.app,
        &caller,
        &id.0,
        ReportSent {
            sent_on: some(&form.0.sent_on),
        },
    )
    .await
    .map(|_| "The report is recorded as sent.".to_string());
    flash_result(format!("/reviews/{}", id.0), result)
}

/// The open actions, soonest due first, naming each person, filtered by owner and overdue and
/// paged in SQL; `Err` carries the page of refused filters.
async fn actions_context(
    view: &Page<'_>,
    caller: &Caller,
    who: Option<&str>,
    overdue: Option<&str>,
    page: Option<&str>,
) -> Result<Result<Value, Value>, AppError> {
    let filters =
        json!({"who": who.unwrap_or(""), "overdue": overdue.is_some_and(|o| o == "true")});
    let owners = crate::services::worklists::owners(view.app, caller, None).await?;
    let base = json!({
        "title": "Actions", "filters": filters, "owners": owners,
        "today": view.app.clock.today().to_string(),
        "may_update": view.can(Permission::ActionsUpdate), "typed": {},
    });
    let query = crate::web::api::types::Paging::parse(page, None).and_then(|p| {
        let mut q = crate::web::api::reviews::action_query(overdue, None, who, p)?;
        q.status = Some(crate::domain::review::ActionStatus::Open);
        Ok(q)
    });
    let query = match query {
        Ok(q) => q,
        Err(AppError::Validation { fields, .. }) => {
            return Ok(Err(super::register::with(
                base,
                super::register::with(
                    form_errors(&fields, &["who", "overdue", "page"]),
                    json!({"actions": []}),
                ),
            )));
        }
        Err(other) => return Err(other),
    };
    let (items, total) = crate::services::worklists::list_actions(view.app, caller, &query).await?;
    // The rows whose plan this user keeps: a chair's own reviews', or every one.
    let reviews: Vec<&str> = items.iter().map(|a| a.action.review_id.as_str()).collect();
    let kept = crate::services::reviews::plans_kept_by(view.app, caller, &reviews).await?;
    let link = crate::web::link_with("/actions", [("who", who), ("overdue", overdue)]);
    Ok(Ok(super::register::with(
        base,
        json!({
            "actions": items, "kept": kept,
            "pagination": super::admin::pagination(&link, query.page, query.per_page, total),
            "errors": [], "field_errors": {},
        }),
    )))
}

#[get("/actions?<who>&<overdue>&<page>")]
pub async fn actions_page(
    view: Page<'_>,
    caller: Caller,
    who: Option<&str>,
    overdue: Option<&str>,
    page: Option<&str>,
) -> Result<Html, AppError> {
    match actions_context(&view, &caller, who, overdue, page).await? {
        Ok(ctx) => view.render("reviews/actions.html", ctx),
        Err(ctx) => view.render_status(Http::UnprocessableEntity, "reviews/actions.html", ctx),
    }
}

#[post("/actions/<id>", data = "<form>")]
pub async fn action_submit(
    view: Page<'_>,
    caller: Caller,
    id: UuidParam,
    form: CsrfForm<SmallForm>,
) -> Result<Answer, AppError> {
    let f = form.0;
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") {
        f.back.clone()
    } else {
        "/actions".into()
    };
    let input = ActionUpdate {
        status: some(&f.status),
        completed_on: some(&f.completed_on),
        note: some(&f.note),
    };
    let result = reviews::update_action(view.app, &caller, &id.0, input)
        .await
        .map(|a| format!("Action for {} marked {}.", a.who, a.status.as_str()));
    match result {
        // On the actions page a refusal shows there, by the action's own fields, with what
        // was typed kept.
        Err(e @ (AppError::Validation { .. } | AppError::Conflict(_))) if back == "/actions" => {
            let (fields, _) = refusal(e, "note")?;
            let fields: crate::error::FieldErrors = fields
                .into_iter()
                .map(|(k, v)| (format!("{k}-{}", id.0), v))
                .collect();
            let order = [format!("completed_on-{}", id.0), format!("note-{}", id.0)];
            let order: Vec<&str> = order.iter().map(String::as_str).collect();
            let listed = match actions_context(&view, &caller, None, None, None).await? {
                Ok(ctx) | Err(ctx) => ctx,
            };
            let mut ctx = with(listed, form_errors(&fields, &order));
            ctx["typed"] = json!({"id": id.0, "status": f.status, "completed_on": f.completed_on, "note": f.note});
            Ok(Answer::Page(view.render_status(
                Http::UnprocessableEntity,
                "reviews/actions.html",
                ctx,
            )?))
        }
        other => flash_result(back, other).map(Answer::Done),
    }
}
