//! Each register entry's answers over time (`person_timeline`): the register as at a past day
//! reads the one stretch covering that day for each person, in SQL, instead of rebuilding every
//! person's history per request.
//!
//! Nothing here decides an answer. The answers are sampled from the same functions the register's
//! rows use (`status_on`, `details_as_at`, `derived_rating`, `in_hospital_on`) on every day where
//! one of their inputs changes: a rating's day, a stay's first and last day, registration and
//! closure, and the day of each edit of the details. Between two such days none of those
//! functions can change, so each stretch holds one answer. Written for the people each write
//! names, in that write's transaction (`projection::refresh`), and for everyone by `tcr reindex`.

use super::{Records, Revision, details_as_at, standing};
use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::domain::ratings::rating_of;
use crate::domain::risk::Rating;
use crate::domain::search;
use crate::entities::{person, person_timeline};
use crate::error::AppError;
use crate::services::admissions::in_hospital_on;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

/// The `until_day` of the stretch still running.
pub(crate) const OPEN: Date = time::macros::date!(9999 - 12 - 31);

/// What the register answers about a person on one day, where they are on it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Answer {
    status: Status,
    rating: Option<Rating>,
    rating_rank: i32,
    in_hospital_since: Option<Date>,
    search_key: String,
    sort_name: String,
    local_authority: String,
    setting: crate::domain::person::Setting,
    date_of_birth: Date,
}

fn answer(
    p: &person::Model,
    records: &Records,
    revisions: &HashMap<PersonId, Vec<(OffsetDateTime, Revision)>>,
    day: Date,
) -> Option<Answer> {
    let then = details_as_at(p, revisions, day);
    let standing = standing(&then);
    if then.registered_on > day && !standing.inpatient_only_on(day) {
        return None;
    }
    let events = records.events.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
    let stays = records.stays.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
    let rating = rating_of(&standing, events, stays, day).map(|(r, _)| r);
    Some(Answer {
        status: standing.status_on(day),
        rating,
        rating_rank: rating.map_or(9, |r| i32::from(r.rank())),
        in_hospital_since: records
            .admissions
            .get(&p.id)
            .into_iter()
            .flatten()
            .filter(|s| in_hospital_on(s, day))
            .map(|s| s.admitted_on)
            .max(),
        search_key: search::key(&then.given_name, &then.family_name, &then.nhs_number),
        sort_name: search::sort_name(&then.given_name, &then.family_name),
        local_authority: then.local_authority.clone(),
        setting: then.setting,
        date_of_birth: then.date_of_birth,
    })
}

/// The days on which one of the answer's inputs may change.
fn turning_days(
    p: &person::Model,
    records: &Records,
    revisions: &HashMap<PersonId, Vec<(OffsetDateTime, Revision)>>,
) -> Vec<Date> {
    let mut days = vec![p.registered_on];
    days.extend(p.inpatient_only_from);
    days.extend(p.closed_on);
    days.extend(
        records
            .events
            .get(&p.id)
            .into_iter()
            .flatten()
            .map(|e| e.effective_on),
    );
    for s in records.admissions.get(&p.id).into_iter().flatten() {
        days.push(s.admitted_on);
        days.extend(s.discharged_on);
    }
    for (until, r) in revisions.get(&p.id).into_iter().flatten() {
        // The edit shows from the end of the day it was made (an edit in the day's last second
        // from the next day).
        let made = crate::clock::uk_date(*until);
        days.extend([made, made + Duration::days(1), r.registered_on]);
    }
    days.sort_unstable();
    days.dedup();
    days
}

/// One person's stretches, oldest first; none for a withdrawn entry.
pub(super) fn stretches(
    p: &person::Model,
    records: &Records,
    revisions: &HashMap<PersonId, Vec<(OffsetDateTime, Revision)>>,
) -> Vec<person_timeline::Model> {
    if p.status == crate::domain::person::Status::Withdrawn {
        return Vec::new();
    }
    let mut out: Vec<(Date, Answer)> = Vec::new();
    let mut ends: Vec<Date> = Vec::new();
    let mut current: Option<Answer> = None;
    for day in turning_days(p, records, revisions) {
        let now = answer(p, records, revisions, day);
        if now == current {
            continue;
        }
        if current.is_some() {
            ends.push(day);
        }
        if let Some(a) = &now {
            out.push((day, a.clone()));
        }
        current = now;
    }
    ends.push(OPEN);
    out.into_iter()
        .zip(ends)
        .map(|((from_day, a), until_day)| person_timeline::Model {
            person_id: p.id.clone(),
            from_day,
            until_day,
            status: a.status,
            rating: a.rating,
            rating_rank: a.rating_rank,
            in_hospital_since: a.in_hospital_since,
            search_key: a.search_key,
            sort_name: a.sort_name,
            local_authority: a.local_authority,
            setting: a.setting,
            date_of_birth: a.date_of_birth,
        })
        .collect()
}

/// Replaces these people's stretches, on the caller's connection or transaction.
pub(super) async fn write(
    db: &impl ConnectionTrait,
    ids: &[PersonId],
    rows: Vec<person_timeline::Model>,
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    person_timeline::Entity::delete_many()
        .filter(person_timeline::Column::PersonId.is_in(ids))
        .exec(db)
        .await?;
    // 12 values a row: well under either backend's bound-parameter limit.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<person_timeline::ActiveModel> =
            rows.by_ref().take(2_000).map(Into::into).collect();
        person_timeline::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Where stored stretches differ from the facts: each stretch recomputed from scratch must equal
/// the stored one, and on every day from `from` to `to` the stretch covering it must hold the
/// answer the register's functions give for that day. One line a person found wrong.
pub(super) fn check(
    p: &person::Model,
    records: &Records,
    revisions: &HashMap<PersonId, Vec<(OffsetDateTime, Revision)>>,
    stored: &[person_timeline::Model],
    (from, to): (Date, Date),
) -> Option<String> {
    let fresh = stretches(p, records, revisions);
    if fresh != stored {
        return Some(format!(
            "{}: {} stretches stored, {} from the facts, or they differ",
            p.id,
            stored.len(),
            fresh.len()
        ));
    }
    let mut day = from;
    while day <= to {
        let covering = fresh
            .iter()
            .find(|s| s.from_day <= day && day < s.until_day)
            .map(|s| Answer {
                status: s.status,
                rating: s.rating,
                rating_rank: s.rating_rank,
                in_hospital_since: s.in_hospital_since,
                search_key: s.search_key.clone(),
                sort_name: s.sort_name.clone(),
                local_authority: s.local_authority.clone(),
                setting: s.setting,
                date_of_birth: s.date_of_birth,
            });
        let wanted = if p.status == crate::domain::person::Status::Withdrawn {
            None
        } else {
            answer(p, records, revisions, day)
        };
        if covering != wanted {
            return Some(format!("{}: the stretch covering {day} is wrong", p.id));
        }
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    None
}
