//! The page after sign-in: what each role has to deal with today. The issue lays it out by role
//! (a commissioner watches the whole register, an analyst the figures, an admin the users and
//! the audit trail; a chair and a panel member see their diary, `services::diary`); each part is
//! also gated on the permission it reads with, so a narrower policy narrows the dashboard too.

use super::App;
use super::audit::{self, Event, Verification};
use super::people::projection;
use super::returns::{self, ReturnView};
use super::scope::Scope;
use super::sessions::SignedIn;
use super::watch::{self, Counts, Watch};
use crate::domain::role::Role;
use crate::entities::{audit_entry, user};
use crate::error::AppError;
use crate::policy::Permission;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, Duration};

pub use super::watch::{
    Due, Inpatient, Named, OverdueAction, OverdueItem, Unscheduled, UpcomingReview,
};

/// How many of the latest returns the dashboard lists.
const LATEST_RETURNS: usize = 4;
/// How far back, and how many, failed sign-ins the admin sees.
const FAILED_LOGIN_DAYS: i64 = 7;
const FAILED_LOGINS_SHOWN: u64 = 10;
/// How many rows each part of the commissioner's watch shows; the rest are a link away.
pub const FIRST_ROWS: u64 = 10;

#[derive(Debug, Serialize)]
pub struct Dashboard {
    #[serde(with = "crate::domain::dates::iso")]
    pub today: Date,
    /// People on the register today by rating (`red`, `amber`, `green`, `blue`, `unrated`).
    pub ratings: Option<BTreeMap<String, u64>>,
    /// The register's headline counts (for the analyst too: numbers, nobody named).
    pub glance: Option<Glance>,
    /// Each part's first rows, its count and the page listing it whole.
    pub register: Option<Watch>,
    pub returns: Option<Vec<ReturnView>>,
    pub admin: Option<AdminWatch>,
    /// Concerns escalated to the oversight panel and still open, oldest first.
    pub escalations: Option<OpenEscalations>,
}

/// The first open escalations, how many are open, and the page listing them all.
#[derive(Debug, Serialize)]
pub struct OpenEscalations {
    pub rows: Vec<super::escalations::EscalationView>,
    pub total: u64,
    pub href: &'static str,
}

/// How many are in hospital, overdue, reviewed soon, and red or amber with no review scheduled.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Glance {
    pub in_hospital: u64,
    pub overdue_reviews: u64,
    pub overdue_visits: u64,
    pub overdue_actions: u64,
    pub overdue: u64,
    pub upcoming: u64,
    pub unscheduled: u64,
}

impl Glance {
    fn of(c: &Counts) -> Self {
        Glance {
            in_hospital: c.in_hospital,
            overdue_reviews: c.overdue_reviews,
            overdue_visits: c.overdue_visits,
            overdue_actions: c.overdue_actions,
            overdue: c.overdue_reviews + c.overdue_visits + c.overdue_actions,
            upcoming: c.upcoming,
            unscheduled: c.unscheduled,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedLogin {
    pub at: String,
    pub username: String,
    pub via: String,
}

#[derive(Debug, Default, Serialize)]
pub struct AdminWatch {
    /// Active users by role label, and how many are deactivated.
    pub users_by_role: Vec<(String, u64)>,
    pub users_inactive: u64,
    pub failed_logins: Option<Vec<FailedLogin>>,
    pub failed_login_days: i64,
    pub chain: Option<Verification>,
}

/// The dashboard of the signed-in user; one audit entry records what it showed. The register's
/// figures are aggregate queries over the projection and each list is its first rows, so the
/// page costs the same at any register size.
pub async fn for_user(app: &App, who: &SignedIn) -> Result<Dashboard, AppError> {
    let can = |p| app.policies.access.allows(who.role(), p);
    let today = app.clock.today();
    let role = who.role();
    let mut d = Dashboard {
        today,
        ratings: None,
        glance: None,
        register: None,
        returns: None,
        admin: None,
        escalations: None,
    };
    let figures = matches!(role, Role::Commissioner | Role::Analyst);
    if figures && (can(Permission::PeopleRead) || can(Permission::ReturnsRead)) {
        projection::catch_up(app).await?;
        let counts = watch::counts(app, today).await?;
        d.ratings = Some(counts.ratings.clone());
        d.glance = Some(Glance::of(&counts));
        // Who is named: only for a role that reads the whole register and its reviews.
        if role == Role::Commissioner && can(Permission::PeopleRead) && can(Permission::ReviewsRead)
        {
            d.register = Some(watch::first_rows(app, today, &counts, FIRST_ROWS).await?);
        }
    }
    if figures && can(Permission::ReturnsRead) {
        let mut all = returns::list(app, None).await?;
        all.truncate(LATEST_RETURNS);
        d.returns = Some(all);
    }
    if role == Role::Commissioner
        && can(Permission::PeopleRead)
        && can(Permission::AdmissionsRecord)
    {
        let (rows, total) = super::escalations::listed(
            &app.db,
            Scope::of(app, who),
            Some(crate::domain::visits::EscalationStatus::Open),
            Some(FIRST_ROWS),
            today,
        )
        .await?;
        d.escalations = Some(OpenEscalations {
            rows,
            total,
            href: "/escalations",
        });
    }
    if role == Role::Admin {
        d.admin = Some(admin_watch(app, who).await?);
    }
    let named = d.register.as_ref().map_or(0, Watch::named)
        + d.escalations.as_ref().map_or(0, |e| e.rows.len());
    audit::record_alone(
        app,
        &who.actor(),
        Event::new("dashboard.read", "dashboard", None)
            .detail(serde_json::json!({"items_naming_people": named})),
    )
    .await?;
    Ok(d)
}

async fn admin_watch(app: &App, who: &SignedIn) -> Result<AdminWatch, AppError> {
    let can = |p| app.policies.access.allows(who.role(), p);
    let mut w = AdminWatch {
        failed_login_days: FAILED_LOGIN_DAYS,
        ..AdminWatch::default()
    };
    if can(Permission::UsersRead) {
        let users = user::Entity::find().all(&app.db).await?;
        for &role in Role::ALL {
            let n = users.iter().filter(|u| u.active && u.role == role).count() as u64;
            w.users_by_role.push((role.label().to_string(), n));
        }
        w.users_inactive = users.iter().filter(|u| !u.active).count() as u64;
    }
    if can(Permission::AuditRead) {
        let since = app.clock.now() - Duration::days(FAILED_LOGIN_DAYS);
        let rows = Scope::of(app, who)
            .select::<audit_entry::Entity>()
            .filter(audit_entry::Column::Action.eq("login.failed"))
            .filter(audit_entry::Column::At.gte(since))
            .order_by_desc(audit_entry::Column::Seq)
            .limit(FAILED_LOGINS_SHOWN)
            .all(&app.db)
            .await?;
        w.failed_logins = Some(
            rows.into_iter()
                .map(|e| {
                    let via = serde_json::from_str::<serde_json::Value>(&e.detail)
                        .ok()
                        .and_then(|v| v["via"].as_str().map(str::to_string))
                        .unwrap_or_default();
                    FailedLogin {
                        at: e
                            .at
                            .format(time::macros::format_description!(
                                "[year]-[month]-[day] [hour]:[minute] UTC"
                            ))
                            .unwrap_or_default(),
                        username: e.username,
                        via,
                    }
                })
                .collect(),
        );
    }
    if can(Permission::AuditVerify) {
        w.chain = Some(audit::verify(app, &who.actor()).await?);
    }
    Ok(w)
}
