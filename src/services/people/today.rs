//! Today's register rows read back from the projection: the deadline engine's answer stored for
//! today (`person_due`, `person_due_items`), so a page of the register reads its fifty people's
//! entries, consents and stored answers, never their histories. A person whose stored answer is
//! not for today (the catch-up has not reached them yet) is worked out from their records, as
//! the person page does.

use super::{Derived, PersonView, Reader, Whose, load_records, view, view_with};
use crate::domain::deadlines::Item;
use crate::domain::risk::Rating;
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
    ids: &[String],
    today: Date,
) -> Result<Vec<PersonView>, AppError> {
    let scope = reader.scope;
    let db = &app.db;
    let these = || ids.iter().map(String::as_str);
    let people = scope
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(these()))
        .all(db)
        .await?;
    let consents: HashMap<String, consent_entity::Model> = scope
        .select::<consent_entity::Entity>()
        .filter(consent_entity::Column::PersonId.is_in(these()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.person_id.clone(), c))
        .collect();
    let mut derived = stored(app, reader, ids, today).await?;
    // Anyone the projection has not yet answered for today: from their records.
    let behind: Vec<String> = ids
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
                let consent = consents.get(id).ok_or_else(|| {
                    AppError::Internal(format!("person {id} has no consent record"))
                })?;
                out.push(view_with(p, consent, d, today)?);
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
    id: &str,
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
    let rows = scope
        .select::<person_due_item::Entity>()
        .filter(person_due_item::Column::PersonId.eq(id))
        .order_by_asc(person_due_item::Column::Seq)
        .all(db)
        .await?;
    let Some(items) = rows
        .iter()
        .map(|row| owed_of(row, today))
        .collect::<Option<Vec<Item>>>()
    else {
        return Ok(None);
    };
    let named = Named::read(db, scope, items.iter()).await?;
    let mut words: Vec<DueItem> = items.iter().map(|i| named.word(i)).collect();
    in_order(&mut words);
    Ok(Some(words))
}

/// What the projection stores for these people today, for those whose rows are for today.
async fn stored(
    app: &App,
    reader: &Reader,
    ids: &[String],
    today: Date,
) -> Result<HashMap<String, Derived>, AppError> {
    let scope = reader.scope;
    let db = &app.db;
    let these = || ids.iter().map(String::as_str);
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
    let late: Vec<(String, Item)> = scope
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
        let rating = match due.rating.as_deref() {
            None => None,
            Some(word) => Rating::parse(word)
                .zip(due.rating_since)
                .map(Some)
                .ok_or_else(|| {
                    AppError::Internal(format!(
                        "person {} has an unknown stored rating",
                        due.person_id
                    ))
                })?,
        };
        out.insert(
            due.person_id.clone(),
            Derived {
                rating,
                in_hospital: due.in_hospital_since.is_some(),
                next_review_due: due.next_review_due,
                overdue: words.into_iter().map(|w| w.what).collect(),
            },
        );
    }
    Ok(out)
}
