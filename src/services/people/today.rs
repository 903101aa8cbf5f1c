//! Today's register rows read back from the projection: the deadline engine's answer stored for
//! today (`person_due`, `person_due_items`), so a page of the register reads its fifty people's
//! entries, consents and stored answers, never their histories. A person whose stored answer is
//! not for today (the catch-up has not reached them yet) is worked out from their records, as
//! the person page does.

use super::{Derived, PersonView, Reader, Whose, load_records, view, view_with};
use crate::domain::deadlines::Item;
use crate::domain::ids::PersonId;
use crate::entities::{consent as consent_entity, person, person_due, person_due_item};
use crate::error::AppError;
use crate::services::App;
use crate::services::due::{DueItem, Named, in_order};
use crate::services::people::projection::owed_of;
use crate::services::scope::Scope;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use time::Date;

/// These people's rows today, in this order (ids the reader may not read are left out).
pub(super) async fn rows(
    app: &App,
    reader: &Reader,
    ids: &[PersonId],
    today: Date,
) -> Result<Vec<PersonView>, AppError> {
    let people = reader
        .scope
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids))
        .all(&app.db)
        .await?;
    rows_of(app, reader, &people, ids, today).await
}

/// These people's rows today, their entries already read, in the order of `ids`.
pub(super) async fn rows_of(
    app: &App,
    reader: &Reader,
    people: &[person::Model],
    ids: &[PersonId],
    today: Date,
) -> Result<Vec<PersonView>, AppError> {
    let scope = reader.scope;
    let db = &app.db;
    let these = || ids.iter();
    let consents: HashMap<PersonId, consent_entity::Model> = scope
        .select::<consent_entity::Entity>()
        .filter(consent_entity::Column::PersonId.is_in(these()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.person_id.clone(), c))
        .collect();
    let mut derived = stored(app, reader, ids, today).await?;
    // Anyone the projection has not yet answered for today: from their records.
    let behind: Vec<PersonId> = ids
        .iter()
        .filter(|id| !derived.contains_key(*id))
        .cloned()
        .collect();
    let records = if behind.is_empty() {
        None
    } else {
        let r = load_records(
            db,
            scope,
            Whose::These(&behind),
            &app.policies.schedule,
            false,
        );
        Some(r.await?)
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(p) = people.iter().find(|p| &p.id == id) else {
            continue;
        };
        match (derived.remove(id), &records) {
            (Some(d), _) => {
                out.push(view_with(p, consents.get(id), d, today)?);
            }
            (None, Some(records)) => out.push(view(p, records, today)?),
            (None, None) => {}
        }
    }
    Ok(out)
}

/// What a person owes today, read back from the projection, in words; `None` when their
/// stored answer is not for today (or holds a row this version cannot read), for the engine to
/// work out instead.
pub(super) async fn due(
    app: &App,
    scope: Scope,
    id: &PersonId,
    today: Date,
) -> Result<Option<Vec<DueItem>>, AppError> {
    let db = &app.db;
    let fresh = scope
        .select::<person_due::Entity>()
        .filter(person_due::Column::PersonId.eq(id))
        .one(db)
        .await?
        .is_some_and(|d| d.computed_for == today);
    if !fresh {
        return Ok(None);
    }
    let Some(items) = stored_items(app, scope, id, today).await? else {
        return Ok(None);
    };
    Ok(Some(worded(app, scope, &items).await?))
}

/// Everything a person owes as stored in the projection, in its order; `None` when a row
/// cannot be read by this version (for the engine to work out instead).
async fn stored_items(
    app: &App,
    scope: Scope,
    id: &PersonId,
    today: Date,
) -> Result<Option<Vec<Item>>, AppError> {
    let rows = scope
        .select::<person_due_item::Entity>()
        .filter(person_due_item::Column::PersonId.eq(id))
        .order_by_asc(person_due_item::Column::Seq)
        .all(&app.db)
        .await?;
    Ok(rows.iter().map(|row| owed_of(row, today)).collect())
}

/// The items in words, soonest first, with the booked reviews and actions they name read once.
async fn worded(app: &App, scope: Scope, items: &[Item]) -> Result<Vec<DueItem>, AppError> {
    let named = Named::read(&app.db, scope, items.iter()).await?;
    let mut words: Vec<DueItem> = items.iter().map(|i| named.word(i)).collect();
    in_order(&mut words);
    Ok(words)
}

/// One person's row today and what they owe, from one read of their projection (the person
/// page): the row's overdue words are the overdue ones of the same list. When their stored
/// answer is not for today, the row is worked out from their records and the list is `None`.
pub(super) async fn row_and_due(
    app: &App,
    reader: &Reader,
    p: &person::Model,
    today: Date,
) -> Result<(PersonView, Option<Vec<DueItem>>), AppError> {
    let scope = reader.scope;
    let due = scope
        .select::<person_due::Entity>()
        .filter(person_due::Column::PersonId.eq(&p.id))
        .one(&app.db)
        .await?
        .filter(|d| d.computed_for == today);
    let items = match &due {
        Some(_) => stored_items(app, scope, &p.id, today).await?,
        None => None,
    };
    let (Some(due), Some(items)) = (due, items) else {
        let ids = [p.id.clone()];
        let view = rows_of(app, reader, std::slice::from_ref(p), &ids, today)
            .await?
            .pop()
            .ok_or_else(|| AppError::not_found("Person"))?;
        return Ok((view, None));
    };
    let consent = scope
        .select::<consent_entity::Entity>()
        .filter(consent_entity::Column::PersonId.eq(&p.id))
        .one(&app.db)
        .await?;
    let owed = worded(app, scope, &items).await?;
    let overdue = owed
        .iter()
        .filter(|w| w.overdue)
        .map(|w| w.what.clone())
        .collect();
    let view = view_with(p, consent.as_ref(), derived(&due, overdue)?, today)?;
    Ok((view, Some(owed)))
}

/// The projection's answer for one person as the view needs it.
fn derived(due: &person_due::Model, overdue: Vec<String>) -> Result<Derived, AppError> {
    let rating = match due.rating {
        None => None,
        Some(rating) => Some((
            rating,
            due.rating_since.ok_or_else(|| {
                AppError::internal(format!(
                    "person {} has a stored rating without its day",
                    due.person_id
                ))
            })?,
        )),
    };
    Ok(Derived {
        rating,
        in_hospital: due.in_hospital_since.is_some(),
        next_review_due: due.next_review_due,
        overdue,
    })
}

/// What the projection stores for these people today, for those whose rows are for today.
async fn stored(
    app: &App,
    reader: &Reader,
    ids: &[PersonId],
    today: Date,
) -> Result<HashMap<PersonId, Derived>, AppError> {
    let scope = reader.scope;
    let db = &app.db;
    let these = || ids.iter();
    // Those computed for today only; checked here, not in SQL, where the day's index (every
    // row alike) would tempt the planner away from the primary key.
    let dues: Vec<person_due::Model> = scope
        .select::<person_due::Entity>()
        .filter(person_due::Column::PersonId.is_in(these()))
        .all(db)
        .await?
        .into_iter()
        .filter(|d| d.computed_for == today)
        .collect();
    // The overdue ones only (`deadlines::is_overdue`, checked again on each item below).
    let late: Vec<(PersonId, Item)> = scope
        .select::<person_due_item::Entity>()
        .filter(person_due_item::Column::PersonId.is_in(these()))
        .filter(person_due_item::Column::Due.lt(today))
        .order_by_asc(person_due_item::Column::PersonId)
        .order_by_asc(person_due_item::Column::Seq)
        .all(db)
        .await?
        .iter()
        .filter_map(|row| Some((row.person_id.clone(), owed_of(row, today)?)))
        .filter(|(_, item)| item.overdue)
        .collect();
    // The booked reviews and actions their words name.
    let named = Named::read(db, scope, late.iter().map(|(_, i)| i)).await?;
    let mut out = HashMap::with_capacity(dues.len());
    for due in dues {
        let mut words: Vec<DueItem> = late
            .iter()
            .filter(|(id, _)| *id == due.person_id)
            .map(|(_, i)| named.word(i))
            .collect();
        in_order(&mut words);
        let overdue = words.into_iter().map(|w| w.what).collect();
        out.insert(due.person_id.clone(), derived(&due, overdue)?);
    }
    Ok(out)
}
