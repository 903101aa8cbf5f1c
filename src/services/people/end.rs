//! Closing an entry or withdrawing its consent, on a given day.

use super::*;

/// The day and reason of a closure or withdrawal.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Ending {
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub withdrawn_on: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub closed_on: Option<String>,
    #[schemars(with = "crate::services::schema::Text<2000>")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndKind {
    Close,
    Withdraw,
}

/// The field of the day (closed or withdrawn on), the day and the reason.
fn check_ending(
    kind: EndKind,
    input: &Ending,
    today: Date,
) -> Result<(&'static str, Date, String), AppError> {
    let (field, label, raw) = match kind {
        EndKind::Close => ("closed_on", "the date the entry closes", &input.closed_on),
        EndKind::Withdraw => (
            "withdrawn_on",
            "the date consent was withdrawn",
            &input.withdrawn_on,
        ),
    };
    let mut c = Check::default();
    let day = c.past_date(field, label, raw, today);
    let reason = c.paragraph("reason", "the reason", &input.reason, 2000);
    c.finish()?;
    let day = day.ok_or_else(|| AppError::internal("checked input incomplete"))?;
    Ok((field, day, reason))
}

/// Only an active entry closes; consent is withdrawn once.
fn may_end(kind: EndKind, status: Status) -> Result<(), AppError> {
    match kind {
        _ if status == Status::InpatientOnly => Err(AppError::Conflict(
            "This is an inpatient-only entry: it is not on the register, so there is no register entry to close or consent to withdraw.".into(),
        )),
        EndKind::Close if status != Status::Active => Err(AppError::Conflict(
            "Only an active register entry can be closed.".into(),
        )),
        EndKind::Withdraw if status == Status::Withdrawn => Err(AppError::Conflict(
            "Consent has already been withdrawn for this person.".into(),
        )),
        _ => Ok(()),
    }
}

/// Closes an entry (the person no longer needs the register) or records that consent was
/// withdrawn. Both keep the record; a withdrawn one is then seen only by records administrators.
pub async fn end(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &PersonId,
    kind: EndKind,
    input: Ending,
) -> Result<PersonView, AppError> {
    let today = app.clock.today();
    let (field, day, reason) = check_ending(kind, &input, today)?;
    let mut tx = audit::begin(app).await?;
    let current = find_readable(tx.conn(), reader, id).await?;
    may_end(kind, current.status)?;
    if day < current.registered_on {
        return Err(AppError::field(
            field,
            format!(
                "This cannot be before the person joined the register ({})",
                crate::domain::dates::long_date(current.registered_on)
            ),
        ));
    }
    let mut row: person::ActiveModel = current.into();
    let action = match kind {
        EndKind::Close => {
            row.status = Set(Status::Closed);
            row.closed_on = Set(Some(day));
            row.closed_reason = Set(Some(reason.clone()));
            "person.close"
        }
        EndKind::Withdraw => {
            row.status = Set(Status::Withdrawn);
            row.withdrawn_on = Set(Some(day));
            row.withdrawn_reason = Set(Some(reason.clone()));
            row.withdrawn_at = Set(Some(tx.now()));
            crate::services::reviews::cancel_all_for(app, &tx, id, "Consent withdrawn", day)
                .await?;
            "person.withdraw"
        }
    };
    row.updated_at = Set(tx.now());
    let updated = row.update(tx.conn()).await?;
    tx.record(
        actor,
        Event::person(action, id)
            .detail(serde_json::json!({"on": fmt_date(day), "reason": reason})),
    )
    .await?;
    let records = load_records(
        tx.conn(),
        Scope::Retained,
        Whose::One(id),
        &app.policies.schedule,
        false,
    )
    .await?;
    let result = view(&updated, &records, today)?;
    tx.commit().await?;
    Ok(result)
}
