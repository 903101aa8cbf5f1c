//! Reading one referral and the paged list (every read audited).

use super::*;

pub(super) async fn find(
    db: &impl ConnectionTrait,
    scope: Scope,
    id: &ReferralId,
) -> Result<referral::Model, AppError> {
    scope
        .by_id::<referral::Entity>(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Referral"))
}

pub async fn get(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    id: &ReferralId,
) -> Result<ReferralView, AppError> {
    let r = find(&app.db, reader.scope, id).await?;
    let duplicates = duplicates_of(&app.db, reader, &r).await?;
    let result = view(
        &r,
        app.policies.schedule.referral_decision_days,
        app.clock.today(),
        duplicates,
    )?;
    audit::record_alone(
        app,
        actor,
        Event::new("referral.read", "referral", Some(id.to_string())),
    )
    .await?;
    Ok(result)
}

/// Filters and page of the referral list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReferralQuery {
    pub status: Option<ReferralStatus>,
    /// Only those decided (accepted or declined).
    pub decided: bool,
    pub overdue: Option<bool>,
    pub page: u64,
    pub per_page: u64,
}

/// Referrals: awaiting a decision first (soonest due, so overdue, first), then decided (latest
/// first); filtered, ordered and paged in SQL, with how many match in all. One audit entry
/// records the list read.
pub async fn list(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    q: &ReferralQuery,
) -> Result<(Vec<ReferralView>, u64), AppError> {
    let (items, total) = page(app, reader, q).await?;
    audit::record_alone(
        app,
        actor,
        Event::new("referral.list", "referral", None).detail(serde_json::json!({
            "status": q.status.map(ReferralStatus::as_str), "overdue": q.overdue,
            "page": q.page, "shown": items.len(), "total": total,
        })),
    )
    .await?;
    Ok((items, total))
}

/// One page of the list and how many match, unaudited: for [`list`] and the export, which
/// pages through the same query and records its own entry.
pub async fn page(
    app: &App,
    reader: &Reader,
    q: &ReferralQuery,
) -> Result<(Vec<ReferralView>, u64), AppError> {
    use sea_orm::sea_query::ExprTrait;
    use sea_orm::{QueryOrder, QuerySelect};
    let today = app.clock.today();
    let days = app.policies.schedule.referral_decision_days;
    let awaiting = || referral::Column::Status.eq(ReferralStatus::AwaitingDecision);
    let mut select = reader.scope.select::<referral::Entity>();
    if let Some(s) = q.status {
        select = select.filter(referral::Column::Status.eq(s));
    }
    if q.decided {
        select = select.filter(awaiting().not());
    }
    if let Some(o) = q.overdue {
        // `rules::is_overdue`, through the bound the rule gives for the day received.
        let late = sea_orm::Condition::all()
            .add(awaiting())
            .add(referral::Column::ReceivedOn.lt(rules::overdue_if_received_before(today, days)));
        select = select.filter(if o { late } else { late.not() });
    }
    // Awaiting a decision first, by receipt (the decision is due a fixed number of days after
    // it: by due date is by receipt); then the decided, latest first. Each part is read in its
    // index's order and the page is cut across the two, so a page never sorts every referral.
    let waiting = select
        .clone()
        .filter(awaiting())
        .order_by_asc(referral::Column::ReceivedOn)
        .order_by_asc(referral::Column::CreatedAt)
        .order_by_asc(referral::Column::Id);
    let decided = select
        .filter(awaiting().not())
        .order_by_desc(referral::Column::DecidedOn)
        .order_by_asc(referral::Column::CreatedAt)
        .order_by_asc(referral::Column::Id);
    let first = crate::services::counted::rows(app, waiting.clone()).await?;
    let total = first + crate::services::counted::rows(app, decided.clone()).await?;
    let skip = q.page.saturating_sub(1) * q.per_page;
    let mut rows = Vec::new();
    if skip < first {
        rows = waiting.offset(skip).limit(q.per_page).all(&app.db).await?;
    }
    let wanted = q.per_page - rows.len() as u64;
    if wanted > 0 && skip + q.per_page > first {
        let from = skip.saturating_sub(first);
        rows.extend(decided.offset(from).limit(wanted).all(&app.db).await?);
    }
    let items = rows
        .iter()
        .map(|r| view(r, days, today, Vec::new()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((items, total))
}
