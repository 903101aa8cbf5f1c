//! Reminders and digests: written when they fall due, each claimed by its unique key (so
//! that of several instances running this at once, one writes it and the others' inserts do
//! nothing). Reminders go to each panel member two working days before a review
//! (`domain::email::reminder_owed`, on the bank-holiday calendar); digests to each
//! commissioner on Mondays, listing what falls overdue in the coming week as the deadline
//! engine's projection (`person_due_items`) has it.

use super::invite::{addresses, note, seats};
use super::message::{self, DigestLine};
use super::outbox::{self, Queued};
use crate::domain::deadlines::DueKind;
use crate::domain::email::{digest_day, initials, reminder_owed};
use crate::domain::ids::PersonId;
use crate::domain::review::{ReviewKind, ReviewStatus};
use crate::domain::role::Role;
use crate::entities::{person, person_due_item, review, user};
use crate::error::AppError;
use crate::services::App;
use crate::services::scope::Scope;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use time::Duration;

/// Writes the reminders owed today; returns how many were written.
pub async fn reminders(app: &App) -> Result<u64, AppError> {
    let today = app.clock.today();
    let holidays = &app.policies.schedule.bank_holidays;
    // Two working days back never spans more than a fortnight of holidays.
    let soon = Scope::Register
        .select::<review::Entity>()
        .filter(review::Column::Status.eq(ReviewStatus::Scheduled))
        .filter(review::Column::ScheduledFor.gt(today))
        .filter(review::Column::ScheduledFor.lte(today + Duration::days(14)))
        .order_by_asc(review::Column::ScheduledFor)
        .all(&app.db)
        .await?;
    let mut written = 0;
    for r in soon
        .iter()
        .filter(|r| reminder_owed(r.scheduled_for, today, holidays))
    {
        let panel = seats(r);
        let emails = addresses(&app.db, panel.iter().map(|(_, u)| u.clone())).await?;
        if emails.is_empty() {
            continue;
        }
        let note = note(app, &app.db, r).await?;
        for (seat, member) in panel {
            let Some(to) = emails.get(&member) else {
                continue;
            };
            let Ok(m) = message::reminder(&note, seat, &app.settings.mail_from, to) else {
                continue;
            };
            let _turn = app.writes.enter().await;
            let key = format!("reminder:{}:{member}:{}", r.id, r.scheduled_for);
            written += u64::from(put(app, key, "reminder", Some(r), to, m.text).await?);
        }
    }
    Ok(written)
}

async fn put(
    app: &App,
    key: String,
    kind: &'static str,
    r: Option<&review::Model>,
    to: &str,
    text: String,
) -> Result<bool, AppError> {
    outbox::put(
        &app.db,
        app.clock.now(),
        Queued {
            key,
            kind,
            review_id: r.map(|r| r.id.clone()),
            sequence: 0,
            recipient: to.to_string(),
            message: text,
        },
    )
    .await
}

/// What an item owed is, in a digest's words.
fn what(kind: DueKind, review_kind: Option<&str>) -> String {
    match kind {
        DueKind::Review | DueKind::RedReview => review_kind
            .and_then(ReviewKind::parse)
            .map_or("a review".into(), |k| k.label().to_string()),
        DueKind::Report => "the review report".into(),
        DueKind::Visit => "an oversight visit".into(),
        DueKind::SocialWorker => "a social worker allocated".into(),
        DueKind::Notification => "a notification".into(),
        DueKind::Action => "an action from the plan".into(),
    }
}

/// On a Monday, writes each commissioner's digest of the week; returns how many were written.
pub async fn digests(app: &App) -> Result<u64, AppError> {
    let monday = app.clock.today();
    if !digest_day(monday) {
        return Ok(0);
    }
    let commissioners: Vec<(user::Model, String)> = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Commissioner))
        .filter(user::Column::Active.eq(true))
        .all(&app.db)
        .await?
        .into_iter()
        .filter_map(|u| u.email.clone().map(|e| (u, e)))
        .collect();
    if commissioners.is_empty() {
        return Ok(0);
    }
    // Today's answers: the projection as at today (the catch-up may not have run since
    // midnight).
    crate::services::people::projection::refresh_stale(
        &app.db,
        &app.policies.schedule,
        monday,
        500,
        u64::MAX,
    )
    .await?;
    let items = Scope::Register
        .select::<person_due_item::Entity>()
        .filter(person_due_item::Column::Due.gte(monday))
        .filter(person_due_item::Column::Due.lt(monday + Duration::days(7)))
        .order_by_asc(person_due_item::Column::Due)
        .all(&app.db)
        .await?;
    let ids: Vec<PersonId> = items.iter().map(|i| i.person_id.clone()).collect();
    let people: HashMap<PersonId, person::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        Scope::Register
            .select::<person::Entity>()
            .filter(person::Column::Id.is_in(ids))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect()
    };
    let base = app.settings.public_base();
    let lines: Vec<DigestLine> = items
        .iter()
        .filter_map(|i| {
            let p = people.get(&i.person_id)?;
            Some(DigestLine {
                initials: initials(&p.given_name, &p.family_name),
                what: what(i.kind, i.review_kind.as_deref()),
                due: i.due,
                link: base.map(|b| format!("{b}/people/{}", p.id)),
            })
        })
        .collect();
    let mut written = 0;
    for (u, to) in commissioners {
        let Ok(m) = message::digest(monday, &lines, base, &app.settings.mail_from, &to) else {
            continue;
        };
        let _turn = app.writes.enter().await;
        let key = format!("digest:{}:{monday}", u.id);
        written += u64::from(put(app, key, "digest", None, &to, m.text).await?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_words() {
        assert_eq!(what(DueKind::Review, Some("follow_up")), "Follow-up review");
        assert_eq!(what(DueKind::RedReview, None), "a review");
        assert_eq!(what(DueKind::Visit, None), "an oversight visit");
    }
}
