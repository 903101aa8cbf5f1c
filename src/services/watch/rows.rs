//! The rows of the watch's parts, a page at a time: each page's people, their items in words
//! and the rows they name (a stay's hospital, a booked review's day, an action's WHO and WHAT),
//! read by id for that page alone.

use super::{Part, in_care, overdue_items, unscheduled_people, upcoming_reviews};
use crate::domain::deadlines::DueKind;
use crate::domain::ids::{ActionId, PersonId, ReviewId};
use crate::domain::person::Status;
use crate::domain::risk::Rating;
use crate::entities::{action, admission, person, person_due, person_due_item, review};
use crate::error::AppError;
use crate::services::App;
use crate::services::admissions::in_hospital_on;
use crate::services::due;
use crate::services::people::projection::owed_of;
use crate::services::scope::Scope;
use sea_orm::{ColumnTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait};
use serde::Serialize;
use std::collections::HashMap;
use time::Date;

/// A person named on the watch, and where to find them.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub person_id: PersonId,
    pub name: String,
    pub rating: Option<Rating>,
    /// An inpatient-only entry (Assuring Transformation): in hospital, not on the register.
    pub inpatient_only: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Inpatient {
    pub person: Named,
    #[serde(with = "crate::domain::dates::iso")]
    pub admitted_on: Date,
    pub hospital: String,
    /// Days since admission (the day of admission is day 0).
    pub days_in_hospital: i64,
    pub next_review: Option<Due>,
    pub next_visit: Option<Due>,
}

/// Something due on a day, and the review it concerns when there is one.
#[derive(Debug, Clone, Serialize)]
pub struct Due {
    pub what: String,
    #[serde(with = "crate::domain::dates::iso")]
    pub due_by: Date,
    pub overdue: bool,
    pub days_overdue: i64,
    /// `review`, `report`, `red_review`, `visit`, `social_worker` or `action`.
    pub kind: DueKind,
    pub review_id: Option<ReviewId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverdueItem {
    pub person: Named,
    pub due: Due,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverdueAction {
    pub person: Named,
    pub action_id: ActionId,
    pub review_id: ReviewId,
    pub who: String,
    pub what: String,
    #[serde(with = "crate::domain::dates::iso")]
    pub due_by: Date,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpcomingReview {
    pub person: Named,
    pub review_id: ReviewId,
    pub kind: String,
    #[serde(with = "crate::domain::dates::iso")]
    pub scheduled_for: Date,
    /// Chair, expert by experience and clinical expert all chosen.
    pub panel_complete: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unscheduled {
    pub person: Named,
    #[serde(with = "crate::domain::dates::iso::option")]
    pub rating_since: Option<Date>,
    /// When a review is due for them, if one is (after a red rating, or in hospital).
    pub due: Option<Due>,
}

/// The first rows of a part (or one page of them), how many there are in all, and the page
/// that lists them all.
#[derive(Debug, Serialize)]
pub struct Listed<T> {
    pub rows: Vec<T>,
    pub total: u64,
    pub href: String,
}

/// The parts of the watch that were read.
#[derive(Debug, Default, Serialize)]
pub struct Watch {
    pub inpatients: Option<Listed<Inpatient>>,
    pub overdue_reviews: Option<Listed<OverdueItem>>,
    pub overdue_visits: Option<Listed<OverdueItem>>,
    pub overdue_actions: Option<Listed<OverdueAction>>,
    pub upcoming: Option<Listed<UpcomingReview>>,
    pub unscheduled: Option<Listed<Unscheduled>>,
}

impl Watch {
    /// How many rows name a person.
    pub fn named(&self) -> usize {
        fn n<T>(l: &Option<Listed<T>>) -> usize {
            l.as_ref().map_or(0, |l| l.rows.len())
        }
        n(&self.inpatients)
            + n(&self.overdue_reviews)
            + n(&self.overdue_visits)
            + n(&self.overdue_actions)
            + n(&self.upcoming)
            + n(&self.unscheduled)
    }
}
/// The named people, with their current rating.
async fn named(app: &App, ids: &[PersonId]) -> Result<HashMap<PersonId, Named>, AppError> {
    let rows: Vec<(PersonId, String, String, Status, Option<Rating>)> = Scope::Register
        .select::<person::Entity>()
        .join(JoinType::LeftJoin, person_due::Relation::Person.def().rev())
        .select_only()
        .columns([
            person::Column::Id,
            person::Column::GivenName,
            person::Column::FamilyName,
            person::Column::Status,
        ])
        .column(person_due::Column::Rating)
        .filter(person::Column::Id.is_in(ids))
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, given, family, status, rating)| {
            let named = Named {
                person_id: id.clone(),
                name: format!("{given} {family}"),
                rating,
                inpatient_only: status == Status::InpatientOnly,
            };
            (id, named)
        })
        .collect())
}

/// Items of the projection in words, reading the booked reviews' days and the actions' WHO
/// and WHAT by id.
async fn dues(
    app: &App,
    today: Date,
    rows: &[&person_due_item::Model],
) -> Result<Vec<Option<Due>>, AppError> {
    let items: Vec<_> = rows.iter().map(|r| owed_of(r, today)).collect();
    let named = due::Named::read(&app.db, Scope::Register, items.iter().flatten()).await?;
    Ok(items
        .into_iter()
        .map(|item| {
            let item = item?;
            let word = named.word(&item);
            Some(Due {
                what: word.what,
                due_by: item.due,
                overdue: word.overdue,
                days_overdue: Ord::max((today - item.due).whole_days(), 0),
                kind: word.kind,
                review_id: word.review_id,
            })
        })
        .collect())
}

/// These people's items, in the engine's order (soonest due first).
async fn items_of(
    app: &App,
    ids: &[PersonId],
) -> Result<HashMap<PersonId, Vec<person_due_item::Model>>, AppError> {
    let mut out: HashMap<PersonId, Vec<person_due_item::Model>> = HashMap::new();
    for i in Scope::Register
        .select::<person_due_item::Entity>()
        .filter(person_due_item::Column::PersonId.is_in(ids))
        .order_by_asc(person_due_item::Column::PersonId)
        .order_by_asc(person_due_item::Column::Seq)
        .all(&app.db)
        .await?
    {
        out.entry(i.person_id.clone()).or_default().push(i);
    }
    Ok(out)
}

/// For each person: the first of their items that is a review (booked or still to book), and
/// the first oversight visit, in words.
async fn next_review_and_visit(
    app: &App,
    today: Date,
    ids: &[PersonId],
) -> Result<HashMap<PersonId, (Option<Due>, Option<Due>)>, AppError> {
    let items = items_of(app, ids).await?;
    let mut picked: Vec<&person_due_item::Model> = Vec::new();
    let mut marks: Vec<(PersonId, bool)> = Vec::new();
    for (id, list) in &items {
        let review = list
            .iter()
            .find(|i| matches!(i.kind, DueKind::Review | DueKind::RedReview));
        let visit = list.iter().find(|i| i.kind == DueKind::Visit);
        for (item, is_review) in [(review, true), (visit, false)] {
            if let Some(i) = item {
                picked.push(i);
                marks.push((id.clone(), is_review));
            }
        }
    }
    let words = dues(app, today, &picked).await?;
    let mut out: HashMap<PersonId, (Option<Due>, Option<Due>)> = HashMap::new();
    for ((id, is_review), due) in marks.into_iter().zip(words) {
        let entry = out.entry(id).or_default();
        if is_review {
            entry.0 = due;
        } else {
            entry.1 = due;
        }
    }
    Ok(out)
}

fn unnamed(id: &PersonId) -> Named {
    Named {
        person_id: id.clone(),
        name: String::new(),
        rating: None,
        inpatient_only: false,
    }
}

/// People in hospital today, the longest stay first.
pub(super) async fn inpatients(
    app: &App,
    today: Date,
    offset: u64,
    limit: u64,
) -> Result<Vec<Inpatient>, AppError> {
    let ids: Vec<PersonId> = in_care()
        .select_only()
        .column(person_due::Column::PersonId)
        .filter(person_due::Column::InHospitalSince.is_not_null())
        .order_by_asc(person_due::Column::InHospitalSince)
        .order_by_asc(person_due::Column::SortName)
        .order_by_asc(person_due::Column::PersonId)
        .offset(offset)
        .limit(limit)
        .into_tuple()
        .all(&app.db)
        .await?;
    let names = named(app, &ids).await?;
    let mut next = next_review_and_visit(app, today, &ids).await?;
    let stays = Scope::Register
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.is_in(&ids))
        .all(&app.db)
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        let Some(stay) = stays
            .iter()
            .filter(|s| &s.person_id == id && in_hospital_on(s, today))
            .max_by_key(|s| s.admitted_on)
        else {
            continue;
        };
        let (next_review, next_visit) = next.remove(id).unwrap_or_default();
        out.push(Inpatient {
            person: names.get(id).cloned().unwrap_or_else(|| unnamed(id)),
            admitted_on: stay.admitted_on,
            hospital: stay.hospital.clone(),
            days_in_hospital: (today - stay.admitted_on).whole_days(),
            next_review,
            next_visit,
        });
    }
    Ok(out)
}

/// Overdue items of a part, the longest overdue first (then by name). Each kind is read on its
/// own, in order from its index, stopping after `offset + limit` rows; the kinds' rows are then
/// merged. One query over all of a part's kinds at once cannot be read in order from an
/// index, and sorted every overdue item of the register (tens of thousands) for ten rows.
async fn overdue(
    app: &App,
    today: Date,
    part: Part,
    offset: u64,
    limit: u64,
) -> Result<Vec<person_due_item::Model>, AppError> {
    let mut rows: Vec<(String, person_due_item::Model)> = Vec::new();
    for kind in part.kinds() {
        let theirs: Vec<(person_due_item::Model, Option<person_due::Model>)> =
            overdue_items(today, &[*kind])
                .select_also(person_due::Entity)
                .order_by_asc(person_due_item::Column::Due)
                .order_by_asc(person_due::Column::SortName)
                .order_by_asc(person_due_item::Column::PersonId)
                .order_by_asc(person_due_item::Column::Seq)
                .limit(offset + limit)
                .all(&app.db)
                .await?;
        rows.extend(
            theirs
                .into_iter()
                .map(|(item, due)| (due.map(|d| d.sort_name).unwrap_or_default(), item)),
        );
    }
    rows.sort_by(|(a_name, a), (b_name, b)| {
        (a.due, a_name, &a.person_id, a.seq).cmp(&(b.due, b_name, &b.person_id, b.seq))
    });
    Ok(rows
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|(_, item)| item)
        .collect())
}

pub(super) async fn overdue_things(
    app: &App,
    today: Date,
    part: Part,
    offset: u64,
    limit: u64,
) -> Result<Vec<OverdueItem>, AppError> {
    let rows = overdue(app, today, part, offset, limit).await?;
    let ids: Vec<PersonId> = rows.iter().map(|r| r.person_id.clone()).collect();
    let names = named(app, &ids).await?;
    let refs: Vec<&person_due_item::Model> = rows.iter().collect();
    let words = dues(app, today, &refs).await?;
    Ok(rows
        .iter()
        .zip(words)
        .filter_map(|(r, due)| {
            Some(OverdueItem {
                person: names
                    .get(&r.person_id)
                    .cloned()
                    .unwrap_or_else(|| unnamed(&r.person_id)),
                due: due?,
            })
        })
        .collect())
}

pub(super) async fn overdue_actions(
    app: &App,
    today: Date,
    offset: u64,
    limit: u64,
) -> Result<Vec<OverdueAction>, AppError> {
    let rows = overdue(app, today, Part::OverdueActions, offset, limit).await?;
    let ids: Vec<PersonId> = rows.iter().map(|r| r.person_id.clone()).collect();
    let names = named(app, &ids).await?;
    let actions: HashMap<ActionId, action::Model> = Scope::Register
        .select::<action::Entity>()
        .filter(action::Column::Id.is_in(rows.iter().filter_map(|r| r.action_id.as_ref())))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|r| {
            let a = actions.get(r.action_id.as_ref()?)?;
            Some(OverdueAction {
                person: names
                    .get(&r.person_id)
                    .cloned()
                    .unwrap_or_else(|| unnamed(&r.person_id)),
                action_id: a.id.clone(),
                review_id: a.review_id.clone(),
                who: a.who.clone(),
                what: a.what.clone(),
                due_by: r.due,
                days_overdue: Ord::max((today - r.due).whole_days(), 0),
            })
        })
        .collect())
}

pub(super) async fn upcoming(
    app: &App,
    today: Date,
    offset: u64,
    limit: u64,
) -> Result<Vec<UpcomingReview>, AppError> {
    let rows = upcoming_reviews(today)
        .order_by_asc(review::Column::ScheduledFor)
        .order_by_asc(person_due::Column::SortName)
        .order_by_asc(review::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(&app.db)
        .await?;
    let ids: Vec<PersonId> = rows.iter().map(|r| r.person_id.clone()).collect();
    let names = named(app, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| UpcomingReview {
            person: names
                .get(&r.person_id)
                .cloned()
                .unwrap_or_else(|| unnamed(&r.person_id)),
            kind: r.kind.label().into(),
            scheduled_for: r.scheduled_for,
            panel_complete: r.chair_id.is_some()
                && r.expert_by_experience_id.is_some()
                && r.clinical_expert_id.is_some(),
            review_id: r.id,
        })
        .collect())
}

/// Red first, then the longest rated.
pub(super) async fn unscheduled(
    app: &App,
    today: Date,
    offset: u64,
    limit: u64,
) -> Result<Vec<Unscheduled>, AppError> {
    let page: Vec<(PersonId, Option<Date>)> = unscheduled_people()
        .select_only()
        .column(person_due::Column::PersonId)
        .column(person_due::Column::RatingSince)
        .order_by_asc(person_due::Column::RatingRank)
        .order_by_asc(person_due::Column::RatingSince)
        .order_by_asc(person_due::Column::SortName)
        .order_by_asc(person_due::Column::PersonId)
        .offset(offset)
        .limit(limit)
        .into_tuple()
        .all(&app.db)
        .await?;
    let ids: Vec<PersonId> = page.iter().map(|(id, _)| id.clone()).collect();
    let names = named(app, &ids).await?;
    let mut next = next_review_and_visit(app, today, &ids).await?;
    let mut out = Vec::with_capacity(page.len());
    for (id, since) in page {
        let (due, _) = next.remove(&id).unwrap_or_default();
        out.push(Unscheduled {
            person: names.get(&id).cloned().unwrap_or_else(|| unnamed(&id)),
            rating_since: since,
            due,
        });
    }
    Ok(out)
}
