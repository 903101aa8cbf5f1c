//! Worklists across the register: the actions of review plans, each naming its person, soonest
//! due first and paged in SQL; and the owners already named on actions, so that a new action's
//! WHO converges on one spelling.

use super::App;
use super::audit::{self, Event};
use super::reviews::{ActionView, ReviewReader, action_view};
use super::sessions::SignedIn;
use crate::domain::ids::PersonId;
use crate::domain::review::{ActionStatus, ReviewStatus};
use crate::entities::{action, person, review};
use crate::error::AppError;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select,
};
use serde::Serialize;
use std::collections::HashMap;

/// An action on the worklist, with the person it is for.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ActionItem {
    #[serde(flatten)]
    pub action: ActionView,
    /// The person's name as the register shows it ("Given Family").
    pub person_name: String,
}

/// Filters of the actions list.
#[derive(Debug, Clone, Default)]
pub struct ActionQuery {
    pub overdue: Option<bool>,
    pub status: Option<ActionStatus>,
    /// One owner, as written (case ignored).
    pub who: Option<String>,
    pub page: u64,
    pub per_page: u64,
}

/// The reviews on which `user_id` holds a seat (chair, expert by experience or clinical expert),
/// in SQL: each seat is indexed.
pub(crate) fn seated(user_id: &str) -> Condition {
    Condition::any()
        .add(review::Column::ChairId.eq(user_id))
        .add(review::Column::ExpertByExperienceId.eq(user_id))
        .add(review::Column::ClinicalExpertId.eq(user_id))
}

/// The live reviews a panel member sits on: from scheduling until the report is sent, and not
/// cancelled (`reviews::readers::is_live`, in SQL).
pub(crate) fn sits_on(user_id: &str) -> SelectStatement {
    Query::select()
        .column(review::Column::Id)
        .from(review::Entity)
        .cond_where(
            Condition::all()
                .add(seated(user_id))
                .add(review::Column::Status.ne(ReviewStatus::Cancelled))
                .add(review::Column::ReportSentOn.is_null()),
        )
        .to_owned()
}

/// The actions of the reviews the reader may read (`ReviewReader::may_read`, in SQL).
fn readable(reader: &ReviewReader) -> Select<action::Entity> {
    let select = reader.scope.select::<action::Entity>();
    match (&reader.all, &reader.member) {
        (true, _) => select,
        (false, Some(member)) => {
            select.filter(action::Column::ReviewId.in_subquery(sits_on(member)))
        }
        (false, None) => select.filter(Expr::val(1).eq(0)),
    }
}

/// Open and past its day: `domain::review::action_overdue` in SQL.
fn overdue_now(today: time::Date) -> Condition {
    // `deadlines::is_overdue(due_on, today)`: today is after the due day.
    Condition::all()
        .add(action::Column::Status.eq(ActionStatus::Open))
        .add(action::Column::DueOn.lt(today))
}

/// Actions across the reviews the user may read, soonest due first, then by the person's
/// family and given names; one page, and how many match in all. The read is audited.
pub async fn list_actions(
    app: &App,
    who: &SignedIn,
    q: &ActionQuery,
) -> Result<(Vec<ActionItem>, u64), AppError> {
    let (items, total) = actions_page(app, who, q).await?;
    audit::record_alone(
        app,
        &who.actor(),
        Event::new("action.list", "action", None).detail(serde_json::json!({
            "overdue": q.overdue, "status": q.status.map(ActionStatus::as_str),
            "by_owner": q.who.is_some(), "page": q.page, "shown": items.len(),
        })),
    )
    .await?;
    Ok((items, total))
}

/// One page of the actions list and how many match, unaudited: for [`list_actions`] and the
/// export, which pages through the same query and records its own entry.
pub(crate) async fn actions_page(
    app: &App,
    who: &SignedIn,
    q: &ActionQuery,
) -> Result<(Vec<ActionItem>, u64), AppError> {
    let today = app.clock.today();
    let reader = ReviewReader::of(app, who);
    let mut select = readable(&reader);
    if let Some(o) = q.overdue {
        let cond = overdue_now(today);
        select = select.filter(if o { cond } else { cond.not() });
    }
    if let Some(s) = q.status {
        select = select.filter(action::Column::Status.eq(s));
    }
    if let Some(w) = &q.who {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col((
                action::Entity,
                action::Column::Who,
            ))))
            .eq(w.trim().to_lowercase()),
        );
    }
    let to_person = action::Entity::belongs_to(person::Entity)
        .from(action::Column::PersonId)
        .to(person::Column::Id)
        .into();
    let lower = |c: person::Column| Func::lower(Expr::col((person::Entity, c)));
    let select = select
        .join(JoinType::InnerJoin, to_person)
        .order_by_asc(action::Column::DueOn)
        .order_by_asc(lower(person::Column::FamilyName))
        .order_by_asc(lower(person::Column::GivenName))
        .order_by_asc(action::Column::PersonId)
        .order_by_asc(action::Column::Id);
    let total = crate::services::counted::rows(app, select.clone()).await?;
    let rows = select
        .offset(q.page.saturating_sub(1) * q.per_page)
        .limit(q.per_page)
        .all(&app.db)
        .await?;
    let ids: Vec<&PersonId> = rows.iter().map(|a| &a.person_id).collect();
    let names: HashMap<PersonId, String> = reader
        .scope
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} {}", p.given_name, p.family_name)))
        .collect();
    let items = rows
        .iter()
        .map(|a| {
            Ok(ActionItem {
                action: action_view(a, today)?,
                person_name: names.get(&a.person_id).cloned().unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((items, total))
}

/// An owner already named on actions, and on how many.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Owner {
    pub who: String,
    pub actions: u64,
}

/// The owners named on the actions the user may read, most used first (at most 50), those
/// containing `q` (case ignored) when given: suggestions for the outcome form's WHO.
pub async fn owners(app: &App, who: &SignedIn, q: Option<&str>) -> Result<Vec<Owner>, AppError> {
    let reader = ReviewReader::of(app, who);
    let mut select = readable(&reader);
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!(
            "%{}%",
            q.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        select = select.filter(
            Expr::expr(Func::lower(Expr::col((
                action::Entity,
                action::Column::Who,
            ))))
            .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
        );
    }
    let select = select
        .select_only()
        .column(action::Column::Who)
        // COUNT(*), not COUNT(id): the owners' index (who, person_id) then answers alone.
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(action::Column::Who)
        .order_by_desc(Expr::cust("COUNT(*)"))
        .order_by_asc(action::Column::Who)
        .limit(50);
    // Counted once for each version of the register (`counted`): every action is read.
    let at = super::counted::Counted::at(&app.db, app.clock.today()).await?;
    let what = format!("owners: {}", select.build(app.db.get_database_backend()));
    let rows: Vec<(String, i64)> = app
        .counts
        .get(at, &what, || async {
            Ok(select.into_tuple().all(&app.db).await?)
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(who, n)| Owner {
            who,
            actions: u64::try_from(n).unwrap_or(0),
        })
        .collect())
}
