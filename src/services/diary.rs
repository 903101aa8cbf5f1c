//! A reviewer's diary: the reviews a panel member or chair sits on, by date, as their home page
//! shows them. It says when and where the reviewer must be, in which seat, for whom (initials)
//! and whether the pack is ready; whether the ICB's deadline is overdue is the commissioner's
//! concern and is not shown here. Read in SQL by seat (indexed), bounded, withdrawn people gone.

use super::App;
use super::audit::{self, Event};
use super::scope::Scope;
use super::sessions::SignedIn;
use crate::domain::ids::{PersonId, ReviewId};
use crate::domain::panel::seat_label;
use crate::domain::review::ReviewStatus;
use crate::entities::{person, review, risk_assessment};
use crate::error::AppError;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::collections::HashMap;
use time::Date;

/// The most rows each part of the diary shows (a reviewer's real diary holds a few dozen).
pub const DIARY_LIMIT: u64 = 100;

#[derive(Debug, Clone, Serialize)]
pub struct DiaryEntry {
    pub review_id: ReviewId,
    /// The day of the review, or the day it was held.
    #[serde(with = "crate::domain::dates::iso")]
    pub day: Date,
    pub starts_at: Option<String>,
    pub place: Option<String>,
    /// The person's initials only.
    pub initials: String,
    /// `CETR` or `CTR`, and the kind in words.
    pub review_type: String,
    pub kind: String,
    /// Chair, Expert by experience or Clinical expert.
    pub seat: &'static str,
    /// The pack is ready when a risk assessment of the person is on file, dated on or before
    /// the review's day: the pack's rating and its reasons are there to read.
    pub pack_ready: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct Diary {
    /// Scheduled for today or later, soonest first.
    pub upcoming: Vec<DiaryEntry>,
    pub upcoming_total: u64,
    /// Scheduled on a day now past with no outcome recorded yet, most recent first.
    pub outcome_awaited: Vec<DiaryEntry>,
    /// Held, the report not yet sent, oldest first.
    pub report_awaited: Vec<DiaryEntry>,
    pub limit: u64,
}

fn mine(user_id: &str) -> Condition {
    super::worklists::seated(user_id)
}

fn seat_of(user_id: &str, r: &review::Model) -> &'static str {
    if r.chair_id.as_deref() == Some(user_id) {
        seat_label("chair_id")
    } else if r.expert_by_experience_id.as_deref() == Some(user_id) {
        seat_label("expert_by_experience_id")
    } else {
        seat_label("clinical_expert_id")
    }
}

fn initials(p: &person::Model) -> String {
    let first = |s: &str| {
        s.chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default()
    };
    format!("{}.{}.", first(&p.given_name), first(&p.family_name))
}

/// The diary of the signed-in reviewer; one audit entry records how many reviews it showed.
pub async fn for_user(app: &App, who: &SignedIn) -> Result<Diary, AppError> {
    let today = app.clock.today();
    let me = who.user.id.as_str();
    let Mine {
        upcoming,
        upcoming_total,
        past,
        held,
    } = my_reviews(&app.db, me, today).await?;
    let (people, first_assessed) =
        people_and_packs(&app.db, upcoming.iter().chain(&past).chain(&held)).await?;

    let entry = |r: &review::Model, day: Date| -> Option<DiaryEntry> {
        let p = people.get(&r.person_id)?;
        Some(DiaryEntry {
            review_id: r.id.clone(),
            day,
            starts_at: r.starts_at.clone(),
            place: r.place.clone(),
            initials: initials(p),
            review_type: r.review_type.as_str().to_uppercase(),
            kind: r.kind.label().into(),
            seat: seat_of(me, r),
            pack_ready: first_assessed
                .get(&r.person_id)
                .is_some_and(|first| *first <= r.scheduled_for),
        })
    };
    let diary = Diary {
        upcoming: upcoming
            .iter()
            .filter_map(|r| entry(r, r.scheduled_for))
            .collect(),
        upcoming_total,
        outcome_awaited: past
            .iter()
            .filter_map(|r| entry(r, r.scheduled_for))
            .collect(),
        report_awaited: held
            .iter()
            .filter_map(|r| entry(r, r.held_on.unwrap_or(r.scheduled_for)))
            .collect(),
        limit: DIARY_LIMIT,
    };
    audit::record_alone(
        app,
        &who.actor(),
        Event::new("diary.read", "review", None).detail(serde_json::json!({
            "shown": diary.upcoming.len() + diary.outcome_awaited.len() + diary.report_awaited.len()
        })),
    )
    .await?;
    Ok(diary)
}

/// The reviews a reviewer sits on, each part bounded by [`DIARY_LIMIT`].
struct Mine {
    upcoming: Vec<review::Model>,
    /// How many are upcoming in all, however many are shown.
    upcoming_total: u64,
    past: Vec<review::Model>,
    held: Vec<review::Model>,
}

/// Reads the three parts of a reviewer's diary, by seat (indexed): scheduled for today or
/// later, scheduled on a day now past, and held with the report not yet sent.
async fn my_reviews(db: &impl ConnectionTrait, me: &str, today: Date) -> Result<Mine, AppError> {
    let scheduled = || {
        Scope::Register
            .select::<review::Entity>()
            .filter(mine(me))
            .filter(review::Column::Status.eq(ReviewStatus::Scheduled))
    };
    let upcoming = scheduled().filter(review::Column::ScheduledFor.gte(today));
    let upcoming_total = upcoming.clone().count(db).await?;
    let upcoming = upcoming
        .order_by_asc(review::Column::ScheduledFor)
        .order_by_asc(review::Column::StartsAt)
        .limit(DIARY_LIMIT)
        .all(db)
        .await?;
    let past = scheduled()
        .filter(review::Column::ScheduledFor.lt(today))
        .order_by_desc(review::Column::ScheduledFor)
        .limit(DIARY_LIMIT)
        .all(db)
        .await?;
    let held = Scope::Register
        .select::<review::Entity>()
        .filter(mine(me))
        .filter(review::Column::Status.eq(ReviewStatus::Held))
        .filter(review::Column::ReportSentOn.is_null())
        .order_by_asc(review::Column::HeldOn)
        .limit(DIARY_LIMIT)
        .all(db)
        .await?;
    Ok(Mine {
        upcoming,
        upcoming_total,
        past,
        held,
    })
}

/// The people these reviews are for (withdrawn people are gone), and the day of each one's
/// first risk assessment on file, which says whether a review's pack is ready.
async fn people_and_packs(
    db: &impl ConnectionTrait,
    reviews: impl Iterator<Item = &review::Model>,
) -> Result<(HashMap<PersonId, person::Model>, HashMap<PersonId, Date>), AppError> {
    let ids: Vec<PersonId> = reviews
        .map(|r| r.person_id.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let people: HashMap<PersonId, person::Model> = Scope::Register
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    // The first risk assessment on file for each person.
    let first_assessed: HashMap<PersonId, Date> = Scope::Register
        .select::<risk_assessment::Entity>()
        .select_only()
        .column(risk_assessment::Column::PersonId)
        .column_as(risk_assessment::Column::AssessedOn.min(), "first")
        .filter(risk_assessment::Column::PersonId.is_in(ids))
        // A voided assessment was entered in error: it readies no pack.
        .filter(risk_assessment::Column::VoidedAt.is_null())
        .group_by(risk_assessment::Column::PersonId)
        .into_tuple::<(PersonId, Date)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok((people, first_assessed))
}
