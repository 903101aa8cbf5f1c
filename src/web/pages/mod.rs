//! HTML handlers over the same services as the API. Every page renders through [`Page`], which
//! supplies the layout's context: who is signed in, the navigation their role allows, the CSRF
//! token for forms and any flash message.

pub mod account;
pub mod admin;
pub mod assets;
pub mod calendar;
pub mod corrections;
pub mod diary;
pub mod exports;
pub mod figures;
pub mod imports;
pub mod inpatients;
pub mod kept;
pub mod panel_kinds;
pub mod record;
pub mod referrals;
pub mod register;
pub mod returns;
pub mod review_moves;
pub mod reviews;
pub mod session;
pub mod short_forms;
pub mod today;
pub mod user_email;
pub mod visits;

use crate::error::{AppError, FieldErrors};
use crate::policy::Permission;
use crate::services::App;
use crate::services::sessions::SignedIn;
use crate::web::csrf::CsrfToken;
use crate::web::guard::MaybeSignedIn;
use crate::web::templates::Templates;
use rocket::http::{ContentType, Header, Status};
use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::{Route, get};
use serde_json::{Value, json};
use std::io::Cursor;

pub fn routes() -> Vec<Route> {
    let mut routes = kept::routes();
    routes.push(kept::keep_typed_route());
    routes.extend(account_routes());
    routes.extend(register_routes());
    routes.extend(referral_and_review_routes());
    routes.extend(return_and_feed_routes());
    routes.extend(rocket::routes![
        imports::import_page,
        imports::upload,
        imports::show,
        imports::remap,
        imports::commit,
        imports::worklist,
    ]);
    routes.extend(rocket::routes![
        record::chronology_page,
        record::add_note,
        record::upload_to_person,
        record::upload_to_review,
        record::download,
    ]);
    routes
}

/// Home, assets, signing in, one's account, and administration.
fn account_routes() -> Vec<Route> {
    rocket::routes![
        home,
        assets::stylesheet,
        assets::script,
        session::login_page,
        session::login,
        session::logout,
        admin::users_page,
        admin::new_user_page,
        admin::create_user,
        admin::deactivate_user,
        admin::reactivate_user,
        admin::reset_password,
        panel_kinds::set_panel_kind,
        user_email::set_email,
        account::password_page,
        account::change_password,
        admin::audit_page,
        admin::audit_verify_page,
    ]
}

/// The register: people, their assessments, short forms, and corrections.
fn register_routes() -> Vec<Route> {
    rocket::routes![
        register::register_page,
        register::new_person_page,
        register::create_person,
        register::person_page,
        register::edit_person_page,
        register::update_person,
        register::assess_page,
        register::assess_submit,
        inpatients::new_inpatient_page,
        inpatients::create_inpatient,
        inpatients::join_page,
        inpatients::objection_page,
        inpatients::objection_submit,
        inpatients::items_page,
        inpatients::items_submit,
        short_forms::admit_page,
        short_forms::admit_submit,
        short_forms::discharge_page,
        short_forms::discharge_submit,
        short_forms::change_stay_page,
        short_forms::change_stay_submit,
        short_forms::transfer_page,
        short_forms::transfer_submit,
        visits::visit_page,
        visits::visit_submit,
        visits::escalate_page,
        visits::escalate_submit,
        visits::escalations_page,
        visits::escalation_page,
        visits::close_submit,
        short_forms::close_page,
        short_forms::close_submit,
        short_forms::withdraw_page,
        short_forms::withdraw_submit,
        corrections::correct_stay_page,
        corrections::correct_stay_submit,
        corrections::void_page,
        corrections::void_submit,
        corrections::amend_page,
        corrections::amend_submit,
        corrections::addendum_submit,
    ]
}

/// Referrals, reviews and their actions.
fn referral_and_review_routes() -> Vec<Route> {
    rocket::routes![
        referrals::referrals_page,
        referrals::new_referral_page,
        referrals::create_referral,
        referrals::referral_page,
        referrals::accept_page,
        referrals::accept_submit,
        referrals::decline_submit,
        referrals::outcome_sent_submit,
        reviews::list::reviews_page,
        today::part_page,
        reviews::schedule::schedule_page,
        reviews::schedule::schedule_submit,
        reviews::review_page,
        reviews::outcome_submit,
        reviews::report_sent_submit,
        reviews::reports::report_pdf,
        reviews::reports::easy_read_pdf,
        review_moves::cancel_page,
        review_moves::cancel_submit,
        review_moves::change_page,
        review_moves::change_submit,
        reviews::actions::actions_page,
        reviews::actions::action_submit,
    ]
}

/// Returns, the calendar feed, and kept forms.
fn return_and_feed_routes() -> Vec<Route> {
    rocket::routes![
        figures::figures_page,
        figures::figures_pdf,
        returns::returns_page,
        returns::generate_submit,
        returns::return_page,
        returns::pdf_download,
        returns::csv_download,
        returns::at_csv_download,
        exports::people,
        exports::reviews,
        exports::actions,
        exports::referrals,
        exports::return_file,
        exports::figures,
        calendar::feed,
        kept::kept_page,
        kept::send_kept,
        kept::discard_kept,
        kept::keep_alive,
    ]
}

/// The navigation, shown to a role only where it holds the permission.
const NAV: &[(&str, &str, Option<Permission>)] = &[
    ("Home", "/", None),
    ("Register", "/people", Some(Permission::PeopleRead)),
    ("Referrals", "/referrals", Some(Permission::ReferralsRead)),
    ("Reviews", "/reviews", Some(Permission::ReviewsRead)),
    (
        "My reviews",
        "/reviews",
        Some(Permission::ReviewsReadAssigned),
    ),
    ("Actions", "/actions", Some(Permission::ReviewsRead)),
    ("Returns", "/returns", Some(Permission::ReturnsRead)),
    ("Figures", "/figures", Some(Permission::ReturnsRead)),
    ("Import", "/import", Some(Permission::PeopleWrite)),
    (
        "Withdrawn records",
        "/people?status=withdrawn",
        Some(Permission::PeopleReadWithdrawn),
    ),
    ("Users", "/admin/users", Some(Permission::UsersRead)),
    ("Audit trail", "/admin/audit", Some(Permission::AuditRead)),
];

/// What the timeout warning needs, in seconds from now (robust to the browser's clock being
/// wrong): when the session ends as the server recorded its activity, when it ends however
/// active, its idle limit and how long before the end to warn.
fn session_clock(who: &SignedIn, now: time::OffsetDateTime) -> Value {
    use crate::domain::accounts::sessions::{IDLE_TIMEOUT, WARN_BEFORE, absolute_end, ends_at};
    let left = |at: time::OffsetDateTime| (at - now).whole_seconds().max(0);
    json!({
        "seconds_left": left(ends_at(who.started_at, who.active_at)),
        "limit_seconds_left": left(absolute_end(who.started_at)),
        "idle_seconds": IDLE_TIMEOUT.whole_seconds(),
        "warn_seconds": WARN_BEFORE.whole_seconds(),
    })
}

/// Everything a page needs to render inside the layout.
pub struct Page<'r> {
    pub app: &'r App,
    templates: &'r Templates,
    pub csrf: String,
    pub who: Option<SignedIn>,
    flash: Option<(String, String)>,
    path: String,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Page<'r> {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let (Some(app), Some(templates)) = (
            req.rocket().state::<App>(),
            req.rocket().state::<Templates>(),
        ) else {
            return Outcome::Error((Status::InternalServerError, ()));
        };
        let csrf = match req.guard::<CsrfToken>().await {
            Outcome::Success(t) => t.0,
            _ => return Outcome::Error((Status::InternalServerError, ())),
        };
        let who = match req.guard::<MaybeSignedIn>().await {
            Outcome::Success(m) => m.0,
            _ => return Outcome::Error((Status::InternalServerError, ())),
        };
        let flash = match req.guard::<Option<FlashMessage<'_>>>().await {
            Outcome::Success(Some(f)) => Some((f.kind().to_string(), f.message().to_string())),
            _ => None,
        };
        Outcome::Success(Page {
            app,
            templates,
            csrf,
            who,
            flash,
            path: req.uri().path().to_string(),
        })
    }
}

impl Page<'_> {
    pub fn can(&self, permission: Permission) -> bool {
        self.who
            .as_ref()
            .is_some_and(|w| self.app.policies.access.allows(w.role(), permission))
    }

    fn base(&self) -> Value {
        let nav: Vec<Value> = match &self.who {
            None => vec![],
            // A one-time password must be changed before anything else.
            Some(w) if w.user.must_change_password => vec![],
            Some(_) => NAV
                .iter()
                .filter(|(_, _, p)| p.is_none_or(|p| self.can(p)))
                .map(|(label, href, _)| {
                    let current = if *href == "/" {
                        self.path == "/"
                    } else {
                        self.path.starts_with(href)
                    };
                    json!({"label": label, "href": href, "current": current})
                })
                .collect(),
        };
        json!({
            "organisation": self.app.settings.organisation,
            "demo": self.app.settings.demo,
            "csrf_token": self.csrf,
            "user": self.who.as_ref().map(|w| json!({
                "username": w.user.username,
                "display_name": w.user.display_name,
                "role": w.user.role.as_str(),
                "role_label": w.user.role.label(),
            })),
            "nav": nav,
            "session": self.who.as_ref().map(|w| session_clock(w, self.app.clock.now())),
            "errors": [],
            "field_errors": {},
            "flash": self.flash.as_ref().map(|(kind, message)| json!({"kind": kind, "message": message})),
        })
    }

    /// Renders `name` with the layout's context plus `extra`.
    pub fn render(&self, name: &str, extra: Value) -> Result<Html, AppError> {
        self.render_status(Status::Ok, name, extra)
    }

    pub fn render_status(
        &self,
        status: Status,
        name: &str,
        extra: Value,
    ) -> Result<Html, AppError> {
        let mut context = self.base();
        if let (Some(base), Value::Object(more)) = (context.as_object_mut(), extra) {
            base.extend(more);
        }
        let ctx =
            tera::Context::from_value(context).map_err(|e| AppError::failed("page context", e))?;
        Ok(Html {
            status,
            body: self.templates.render(name, &ctx)?,
            retry_after: None,
        })
    }
}

/// What a form's handler answers: done (a redirect with its flash message), or a page (the
/// form again with its errors, or what it leads to).
#[derive(rocket::Responder)]
// Built once per response and moved straight into it: size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Answer {
    Done(rocket::response::Flash<rocket::response::Redirect>),
    Page(Html),
}

/// An HTML response with a status (a form shown again with its errors is a 422).
pub struct Html {
    pub status: Status,
    pub body: String,
    pub retry_after: Option<u64>,
}

impl<'r> Responder<'r, 'static> for Html {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let mut res = Response::build()
            .status(self.status)
            .header(ContentType::HTML)
            .sized_body(self.body.len(), Cursor::new(self.body))
            .finalize();
        if let Some(secs) = self.retry_after {
            res.set_header(Header::new("Retry-After", secs.to_string()));
        }
        Ok(res)
    }
}

/// A form field's text, trimmed; empty means not given.
pub fn some(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Field errors as the templates show them: a summary list (in field order) and a message by
/// each field.
pub fn form_errors(fields: &FieldErrors, order: &[&str]) -> Value {
    let mut summary = Vec::new();
    for name in order.iter().copied().chain(
        fields
            .keys()
            .map(String::as_str)
            .filter(|k| !order.contains(k)),
    ) {
        if let Some(messages) = fields.get(name) {
            for m in messages {
                summary.push(json!({"field": name, "message": m}));
            }
        }
    }
    json!({
        "errors": summary,
        "field_errors": fields.iter().map(|(k, v)| (k.clone(), json!(v.join(". ")))).collect::<serde_json::Map<_, _>>(),
    })
}

/// A standalone error page (used by `AppError` and the catchers), rendered without a database
/// lookup so it works when the database does not.
pub fn error_page(req: &Request<'_>, status: Status, message: &str) -> response::Result<'static> {
    let title = match status.code {
        403 => "You cannot see this page",
        404 => "Page not found",
        409 => "That could not be done",
        422 | 400 => "That could not be done",
        429 => "Too many attempts",
        c if c >= 500 => "Sorry, there is a problem with the service",
        _ => "Something is not right",
    };
    let organisation = req
        .rocket()
        .state::<App>()
        .map(|a| a.settings.organisation.clone())
        .unwrap_or_default();
    let body = req
        .rocket()
        .state::<Templates>()
        .and_then(|t| {
            let ctx = tera::Context::from_value(json!({
                "title": title, "message": message, "status": status.code,
                "organisation": organisation, "nav": [], "user": null,
                "errors": [], "field_errors": {},
            }))
            .ok()?;
            t.render("error.html", &ctx).ok()
        })
        .unwrap_or_else(|| format!("{title}\n\n{message}\n"));
    Response::build()
        .status(status)
        .header(ContentType::HTML)
        .sized_body(body.len(), Cursor::new(body))
        .ok()
}

/// The rating chart: its bars (for the table beside it and its links) and the chart drawn as
/// SVG by the figures' own chart (`reports::chart`), each rating in its colour and its word;
/// `id` names the chart's title on the page.
pub fn rating_chart(counts: &std::collections::BTreeMap<String, u64>, id: &str) -> Value {
    use crate::reports::chart::{self, Ink};
    use crate::reports::model::Colour;
    let bars = crate::reports::model::chart(counts);
    let keyed: Vec<(&str, Ink)> = bars
        .iter()
        .map(|b| match b.colour {
            Colour::Red => ("red", Ink::Red),
            Colour::Amber => ("amber", Ink::Amber),
            Colour::Green => ("green", Ink::Green),
            Colour::Blue => ("blue", Ink::Blue),
            Colour::Grey => ("unrated", Ink::Grey),
        })
        .collect();
    let drawn: Vec<chart::Bar> = bars
        .iter()
        .zip(&keyed)
        .map(|(b, (_, ink))| chart::Bar {
            label: b.label.clone(),
            value: Some(b.value as f64),
            shown: crate::reports::thousands(b.value),
            ink: *ink,
        })
        .collect();
    let title = format!(
        "People by rating: {}",
        bars.iter()
            .map(|b| format!("{} {}", b.label, b.value))
            .collect::<Vec<_>>()
            .join(", ")
    );
    json!({
        "svg": crate::reports::svg::svg(&chart::bars(&title, &drawn), id),
        "bars": bars.iter().zip(&keyed).map(|(b, (key, _))| json!({
            "label": b.label, "value": b.value, "key": key,
        })).collect::<Vec<_>>(),
    })
}

/// The dashboard: what the signed-in user's role has to deal with today.
#[get("/")]
pub async fn home(page: Page<'_>, caller: crate::web::Caller) -> Result<Html, AppError> {
    // A chair's and a panel member's home page is their diary.
    if matches!(
        caller.role(),
        crate::domain::role::Role::PanelChair | crate::domain::role::Role::PanelMember
    ) && (page.can(Permission::ReviewsRead) || page.can(Permission::ReviewsReadAssigned))
    {
        return diary::page(&page, &caller).await;
    }
    let dashboard = crate::services::dashboard::for_user(page.app, &caller).await?;
    let reviewer = page.can(Permission::ReviewsRead) || page.can(Permission::ReviewsReadAssigned);
    let calendar = if reviewer {
        let secret = crate::services::users::calendar_secret(&page.app.db, &caller.user.id).await?;
        Some(format!("/calendar/{secret}.ics"))
    } else {
        None
    };
    let chart = dashboard
        .ratings
        .as_ref()
        .map(|r| rating_chart(r, "ratings-chart-title"));
    let on_register: u64 = dashboard.ratings.as_ref().map_or(0, |c| c.values().sum());
    page.render(
        "home.html",
        json!({
            "title": "Home", "d": dashboard, "chart": chart, "on_register": on_register,
            "calendar": calendar,
            "upcoming_days": crate::services::reviews::UPCOMING_DAYS,
            "can_read_people": page.can(Permission::PeopleRead),
            "can_schedule": page.can(Permission::ReviewsSchedule),
            "can_visit": page.can(Permission::AdmissionsRecord),
            "can_edit": page.can(Permission::PeopleWrite),
            "can_update_actions": page.can(Permission::ActionsUpdate),
        }),
    )
}
