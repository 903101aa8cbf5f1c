//! `/api/v1/people`, `/api/v1/risk-tool`, `/api/v1/admissions`: the register, its risk tool,
//! ratings, admissions and visits.

use super::body::ApiJson;
use super::export::{self, ListOrFile};
use super::types::{ListOf, Paging};
use crate::domain::age::AgeBand;
use crate::domain::ids::{PersonId, StayId};
use crate::domain::person::{Setting, Status};
use crate::domain::risk::{Rating, RiskTool};
use crate::error::AppError;
use crate::services::admissions::{
    self, AdmissionView, Discharge, NewAdmission, NewVisit, Transfer, VisitView,
};
use crate::services::people::{
    self, EndKind, Ending, InpatientView, ListQuery, NewInpatient, NewPerson, Objection,
    PersonView, Reader, Sort,
};
use crate::services::risk::{self, AssessmentView, NewAssessment, RatingHistoryItem};
use crate::services::{self, App, input};
use crate::web::Caller;
use rocket::http::Status as Http;
use rocket::serde::json::Json;
use rocket::{State, get, patch, post};

fn blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The register list's query string, as typed (the page keeps it to fill its form in again).
#[derive(Debug, Default, Clone, rocket::FromForm, serde::Serialize)]
pub struct ListParams<'r> {
    pub rating: Option<&'r str>,
    pub q: Option<&'r str>,
    pub status: Option<&'r str>,
    pub as_of: Option<&'r str>,
    pub local_authority: Option<&'r str>,
    pub setting: Option<&'r str>,
    pub age_band: Option<&'r str>,
    pub overdue: Option<&'r str>,
    pub sort: Option<&'r str>,
}

impl<'r> ListParams<'r> {
    /// Each filter by its query name, as typed (for links that keep them).
    pub fn pairs(&self) -> [(&'static str, Option<&'r str>); 9] {
        [
            ("q", self.q),
            ("local_authority", self.local_authority),
            ("setting", self.setting),
            ("age_band", self.age_band),
            ("rating", self.rating),
            ("status", self.status),
            ("overdue", self.overdue),
            ("sort", self.sort),
            ("as_of", self.as_of),
        ]
    }

    /// The filters and sort checked, each refusal naming its field.
    pub fn check(&self, paging: Paging) -> Result<ListQuery, AppError> {
        let mut c = input::Check::default();
        let rating = c.optional_choice(
            "rating",
            blank(self.rating),
            Rating::parse,
            "Choose red, amber, green or blue",
        );
        let status = c.optional_choice(
            "status",
            blank(self.status),
            Status::parse,
            &format!("Choose {}", Status::choices()),
        );
        let as_of = c.optional_choice(
            "as_of",
            blank(self.as_of),
            input::parse_date,
            "Enter the date as YYYY-MM-DD",
        );
        let setting = c.optional_choice(
            "setting",
            blank(self.setting),
            Setting::parse,
            &format!("Choose {}", Setting::choices()),
        );
        let age_band = c.optional_choice(
            "age_band",
            blank(self.age_band),
            AgeBand::parse,
            "Choose 0-17, 18-25 or 26+",
        );
        let sort = c.optional_choice(
            "sort",
            blank(self.sort),
            Sort::parse,
            "Choose name, rating, next_review_due or days_in_hospital (a - before it: descending)",
        );
        let overdue = c.optional_choice(
            "overdue",
            blank(self.overdue),
            |v| match v {
                "true" | "on" | "yes" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            "Choose true or false",
        );
        for (field, value) in [("q", self.q), ("local_authority", self.local_authority)] {
            if let Some(v) = blank(value) {
                if v.chars().count() > 100 {
                    c.fail(field, "Search for at most 100 characters");
                } else if crate::domain::text::control_problem(v, crate::domain::text::Lines::One)
                    .is_some()
                {
                    c.fail(field, "Enter one line of text");
                }
            }
        }
        c.finish()?;
        Ok(ListQuery {
            rating,
            q: blank(self.q).map(String::from),
            status,
            as_of,
            local_authority: blank(self.local_authority).map(String::from),
            setting,
            age_band,
            overdue: overdue.unwrap_or(false),
            sort: sort.unwrap_or_default(),
            page: paging.page,
            per_page: paging.per_page,
        })
    }
}

#[post("/api/v1/people", data = "<body>")]
pub async fn create(
    app: &State<App>,
    caller: Caller,
    body: ApiJson<NewPerson>,
) -> Result<(Http, Json<PersonView>), AppError> {
    let person = people::register(app, &caller.actor(), body.0).await?;
    Ok((Http::Created, Json(person)))
}

#[get("/api/v1/people?<page>&<per_page>&<format>&<filters..>")]
pub async fn list(
    app: &State<App>,
    caller: Caller,
    filters: ListParams<'_>,
    page: Option<&str>,
    per_page: Option<&str>,
    format: Option<&str>,
) -> Result<ListOrFile<ListOf<PersonView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let query = filters.check(paging)?;
    let (actor, reader) = (caller.actor(), Reader::of(app, &caller));
    if let Some(format) = export::format(format)? {
        let download = services::export::people(app, &actor, &reader, &query, format).await?;
        return Ok(export::file(format, download));
    }
    let (items, total) = people::list(app, &actor, &reader, &query).await?;
    Ok(ListOrFile::List(Json(paging.wrap(items, total))))
}

#[get("/api/v1/people/<id>")]
pub async fn get(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
) -> Result<Json<PersonView>, AppError> {
    Ok(Json(
        people::get(app, &caller.actor(), &Reader::of(app, &caller), &id).await?,
    ))
}

#[patch("/api/v1/people/<id>", data = "<body>")]
pub async fn update(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<serde_json::Map<String, serde_json::Value>>,
) -> Result<Json<PersonView>, AppError> {
    Ok(Json(
        people::update(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0).await?,
    ))
}

#[post("/api/v1/people/<id>/consent/withdraw", data = "<body>")]
pub async fn withdraw(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<Ending>,
) -> Result<Json<PersonView>, AppError> {
    Ok(Json(
        people::end(
            app,
            &caller.actor(),
            &Reader::of(app, &caller),
            &id,
            EndKind::Withdraw,
            body.0,
        )
        .await?,
    ))
}

#[post("/api/v1/inpatients", data = "<body>")]
pub async fn record_inpatient(
    app: &State<App>,
    caller: Caller,
    body: ApiJson<NewInpatient>,
) -> Result<(Http, Json<InpatientView>), AppError> {
    let view = people::record_inpatient(app, &caller.actor(), body.0).await?;
    Ok((Http::Created, Json(view)))
}

#[post("/api/v1/people/<id>/objection", data = "<body>")]
pub async fn objection(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<Objection>,
) -> Result<Json<PersonView>, AppError> {
    Ok(Json(
        people::record_objection(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0)
            .await?,
    ))
}

#[post("/api/v1/people/<id>/close", data = "<body>")]
pub async fn close(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<Ending>,
) -> Result<Json<PersonView>, AppError> {
    Ok(Json(
        people::end(
            app,
            &caller.actor(),
            &Reader::of(app, &caller),
            &id,
            EndKind::Close,
            body.0,
        )
        .await?,
    ))
}

#[get("/api/v1/risk-tool")]
pub fn risk_tool(app: &State<App>, _caller: Caller) -> Json<RiskTool> {
    Json(app.policies.risk_tool.clone())
}

#[post("/api/v1/people/<id>/risk-assessments", data = "<body>")]
pub async fn assess(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<NewAssessment>,
) -> Result<(Http, Json<AssessmentView>), AppError> {
    let view = risk::assess(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0).await?;
    Ok((Http::Created, Json(view)))
}

#[get("/api/v1/people/<id>/ratings?<page>&<per_page>")]
pub async fn ratings(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<RatingHistoryItem>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let all = risk::history(app, &caller.actor(), &Reader::of(app, &caller), &id).await?;
    Ok(Json(paging.slice(all)))
}

#[post("/api/v1/people/<id>/admissions", data = "<body>")]
pub async fn admit(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<NewAdmission>,
) -> Result<(Http, Json<AdmissionView>), AppError> {
    let view =
        admissions::admit(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0).await?;
    Ok((Http::Created, Json(view)))
}

#[get("/api/v1/people/<id>/admissions?<page>&<per_page>")]
pub async fn admissions_of(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<AdmissionView>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let all = admissions::list_for(app, &caller.actor(), &Reader::of(app, &caller), &id).await?;
    Ok(Json(paging.slice(all)))
}

#[post("/api/v1/admissions/<id>/discharge", data = "<body>")]
pub async fn discharge(
    app: &State<App>,
    caller: Caller,
    id: StayId,
    body: ApiJson<Discharge>,
) -> Result<Json<AdmissionView>, AppError> {
    Ok(Json(
        admissions::discharge(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0).await?,
    ))
}

#[post("/api/v1/admissions/<id>/transfer", data = "<body>")]
pub async fn transfer(
    app: &State<App>,
    caller: Caller,
    id: StayId,
    body: ApiJson<Transfer>,
) -> Result<(Http, Json<AdmissionView>), AppError> {
    let view =
        admissions::transfer(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0).await?;
    Ok((Http::Created, Json(view)))
}

#[post("/api/v1/people/<id>/visits", data = "<body>")]
pub async fn visit(
    app: &State<App>,
    caller: Caller,
    id: PersonId,
    body: ApiJson<NewVisit>,
) -> Result<(Http, Json<VisitView>), AppError> {
    let view =
        admissions::record_visit(app, &caller.actor(), &Reader::of(app, &caller), &id, body.0)
            .await?;
    Ok((Http::Created, Json(view)))
}
