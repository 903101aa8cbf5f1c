//! Many new entries through the consent gate at once (an import's added rows): each checked
//! exactly as `register_in` checks one, the numbers looked for in one read, the entries and their
//! consents written in multi-row statements, each audited as `person.create`. One round trip per
//! few hundred people instead of four per person, which is what a network database makes of a
//! register of thousands.

use super::register::{Joining, check_new, duplicate_nhs_number, new_rows, unique_or};
use super::*;

/// Rows a statement: within every backend's limit on bound values for the widest table here.
const PER_STATEMENT: usize = 500;

/// Adds these people (none of them joining an inpatient-only entry: those go one at a time
/// through `register_in`). The ids in the order given; on a refusal, which input and why, and
/// nothing is kept (the caller's transaction is dropped).
pub async fn register_many_in(
    tx: &mut audit::AuditedTx,
    actor: &Actor,
    inputs: &[&NewPerson],
    today: Date,
) -> Result<Vec<PersonId>, (usize, AppError)> {
    let mut checked = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        checked.push(check_new(input, today).map_err(|e| (i, e))?);
    }
    let numbers: Vec<String> = checked
        .iter()
        .map(|(d, _, _)| d.nhs_number.digits().to_string())
        .collect();
    for chunk in numbers.chunks(PER_STATEMENT) {
        let taken = Scope::Register
            .select::<person::Entity>()
            .filter(person::Column::NhsNumber.is_in(chunk.iter().cloned()))
            .one(tx.conn())
            .await
            .map_err(|e| (0, e.into()))?;
        if let Some(p) = taken {
            let i = numbers.iter().position(|n| *n == p.nhs_number).unwrap_or(0);
            return Err((i, duplicate_nhs_number()));
        }
    }
    let mut ids = Vec::with_capacity(checked.len());
    let mut people = Vec::with_capacity(checked.len());
    let mut consents = Vec::with_capacity(checked.len());
    for (details, consent, registered_on) in &checked {
        let joining = Joining::Register {
            consent,
            registered_on: *registered_on,
        };
        let (id, row, consent) = new_rows(tx, actor, details, joining);
        ids.push(id);
        people.push(row);
        consents.extend(consent);
    }
    for chunk in people.chunks(PER_STATEMENT) {
        person::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx.conn())
            .await
            .map_err(|e| (0, unique_or(e)))?;
    }
    for chunk in consents.chunks(PER_STATEMENT) {
        consent_entity::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx.conn())
            .await
            .map_err(|e| (0, e.into()))?;
    }
    for (i, id) in ids.iter().enumerate() {
        tx.record(actor, Event::person("person.create", id))
            .await
            .map_err(|e| (i, e))?;
    }
    Ok(ids)
}
