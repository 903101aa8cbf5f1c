//! `/api/v1/audit`: administrators read the trail (per person, per user, by date) and verify
//! its chain. Reading the trail is itself recorded.

use super::types::{AuditItem, ListOf, Paging};
use crate::domain::ids::PersonId;
use crate::error::AppError;
use crate::services::App;
use crate::services::audit::{self, TrailEntry, TrailQuery, Verification};
use crate::web::Caller;
use rocket::serde::json::Json;
use rocket::{State, get};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

/// A day (`YYYY-MM-DD`, taken whole) or an RFC 3339 timestamp. `end` moves a day to the start of
/// the next, so `to=2026-11-23` includes all of the 23rd.
pub fn parse_bound(field: &str, raw: &str, end: bool) -> Result<OffsetDateTime, AppError> {
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Ok(t);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = Date::parse(raw, &format)
        .map_err(|_| AppError::field(field, "Enter a date as YYYY-MM-DD or an RFC 3339 time"))?;
    let day = if end {
        day.next_day().unwrap_or(day)
    } else {
        day
    };
    Ok(day.with_time(Time::MIDNIGHT).assume_utc())
}

pub fn trail_query(
    person_id: Option<&str>,
    nhs_number: Option<&str>,
    user: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    paging: Paging,
) -> Result<TrailQuery, AppError> {
    let non_empty = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let nhs_number = non_empty(nhs_number)
        .map(|n| {
            crate::domain::nhs_number::NhsNumber::parse(&n)
                .map(|n| n.digits().to_string())
                .map_err(|_| {
                    AppError::field(
                        "nhs_number",
                        "Enter a valid 10-digit NHS number, like 943 476 5919",
                    )
                })
        })
        .transpose()?;
    Ok(TrailQuery {
        person_id: non_empty(person_id).map(PersonId::from_text),
        nhs_number,
        username: non_empty(user).map(|u| u.to_lowercase()),
        from: non_empty(from)
            .map(|f| parse_bound("from", &f, false))
            .transpose()?,
        to: non_empty(to)
            .map(|t| parse_bound("to", &t, true))
            .transpose()?,
        page: paging.page,
        per_page: paging.per_page,
    })
}

pub fn item(m: &TrailEntry) -> AuditItem {
    AuditItem {
        seq: m.seq,
        at: m.at.format(&Rfc3339).unwrap_or_default(),
        user: m.username.clone(),
        role: m.role.clone(),
        action: m.action.clone(),
        entity: m.entity.clone(),
        entity_id: m.entity_id.clone(),
        person_id: m.person_id.clone(),
    }
}

#[get("/api/v1/audit?<person_id>&<nhs_number>&<user>&<from>&<to>&<page>&<per_page>")]
#[allow(clippy::too_many_arguments)]
pub async fn trail(
    app: &State<App>,
    caller: Caller,
    person_id: Option<&str>,
    nhs_number: Option<&str>,
    user: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<Json<ListOf<AuditItem>>, AppError> {
    let paging = Paging::parse(page, per_page)?;
    let q = trail_query(person_id, nhs_number, user, from, to, paging)?;
    let (rows, total) = audit::read_trail(app, &caller, &q).await?;
    Ok(Json(paging.wrap(rows.iter().map(item).collect(), total)))
}

#[get("/api/v1/audit/verify")]
pub async fn verify(app: &State<App>, caller: Caller) -> Result<Json<Verification>, AppError> {
    Ok(Json(audit::verify(app, &caller.actor()).await?))
}
