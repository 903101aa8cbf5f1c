//! The page after sign-in: what each role has to deal with today. The issue lays it out by role
//! (a commissioner watches the whole register, an analyst the figures, an admin the users and
//! the audit trail; a chair and a panel member see their diary, `services::diary`); each part is
//! also gated on the permission it reads with, so a narrower policy narrows the dashboard too.

use super::App;
use super::admissions::in_hospital_on;
use super::audit::{self, Event, Verification};
use super::people::Snapshot;
use super::returns::{self, ReturnView};
use super::reviews::UPCOMING_DAYS;
use super::scope::Scope;
use super::sessions::SignedIn;
use crate::domain::review::{ActionStatus, ReviewStatus};
use crate::domain::risk::Rating;
use crate::domain::role::Role;
use crate::entities::{action, audit_entry, user};
use crate::error::AppError;
use crate::policy::Permission;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, Duration};

/// How many of the latest returns the dashboard lists.
const LATEST_RETURNS: usize = 4;
/// How far back, and how many, failed sign-ins the admin sees.
const FAILED_LOGIN_DAYS: i64 = 7;
const FAILED_LOGINS_SHOWN: u64 = 10;

#[derive(Debug, Default, Serialize)]
pub struct Dashboard {
    pub today: String,
    /// People on the register today by rating (`red`, `amber`, `green`, `blue`, `unrated`).
    pub ratings: Option<BTreeMap<String, u64>>,
    /// The register's headline counts (for the analyst too: numbers, nobody named).
    pub glance: Option<Glance>,
    pub register: Option<RegisterWatch>,
    pub returns: Option<Vec<ReturnView>>,
    pub admin: Option<AdminWatch>,
}

/// How many are in hospital, overdue, reviewed soon, and red or amber with no review scheduled.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Glance {
    pub in_hospital: usize,
    pub overdue_reviews: usize,
    pub overdue_visits: usize,
    pub overdue_actions: usize,
    pub overdue: usize,
    pub upcoming: usize,
    pub unscheduled: usize,
}

impl Glance {
    fn of(w: &RegisterWatch, late_actions: usize) -> Self {
        Glance {
            in_hospital: w.inpatients.len(),
            overdue_reviews: w.overdue_reviews.len(),
            overdue_visits: w.overdue_visits.len(),
            overdue_actions: late_actions,
            overdue: w.overdue_reviews.len() + w.overdue_visits.len() + late_actions,
            upcoming: w.upcoming.len(),
            unscheduled: w.unscheduled.len(),
        }
    }
}

/// A person named on the dashboard, and where to find them.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub person_id: String,
    pub name: String,
    pub rating: Option<Rating>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Inpatient {
    pub person: Named,
    pub admitted_on: String,
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
    pub due_by: String,
    pub overdue: bool,
    pub days_overdue: i64,
    /// `review`, `report`, `red_review`, `visit`, `social_worker` or `action`.
    pub kind: String,
    pub review_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverdueItem {
    pub person: Named,
    pub due: Due,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverdueAction {
    pub person: Named,
    pub action_id: String,
    pub review_id: String,
    pub who: String,
    pub what: String,
    pub due_by: String,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpcomingReview {
    pub person: Named,
    pub review_id: String,
    pub kind: String,
    pub scheduled_for: String,
    /// Chair, expert by experience and clinical expert all chosen.
    pub panel_complete: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unscheduled {
    pub person: Named,
    pub rating_since: String,
    /// When a review is due for them, if one is (after a red rating, or in hospital).
    pub due: Option<Due>,
}

/// The commissioner's view of the whole register today.
#[derive(Debug, Default, Serialize)]
pub struct RegisterWatch {
    pub inpatients: Vec<Inpatient>,
    /// Reviews (and review reports) past their due date, oldest first.
    pub overdue_reviews: Vec<OverdueItem>,
    /// Oversight visits (and social worker allocations) past their due date.
    pub overdue_visits: Vec<OverdueItem>,
    pub overdue_actions: Vec<OverdueAction>,
    pub upcoming: Vec<UpcomingReview>,
    /// Red and amber people with no review scheduled.
    pub unscheduled: Vec<Unscheduled>,
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

/// The dashboard of the signed-in user; one audit entry records what it showed.
pub async fn for_user(app: &App, who: &SignedIn) -> Result<Dashboard, AppError> {
    let can = |p| app.policies.access.allows(who.role(), p);
    let today = app.clock.today();
    let role = who.role();
    let mut d = Dashboard {
        today: today.to_string(),
        ..Dashboard::default()
    };
    let figures = matches!(role, Role::Commissioner | Role::Analyst);
    if figures && (can(Permission::PeopleRead) || can(Permission::ReturnsRead)) {
        let snapshot = Snapshot::load(app).await?;
        d.ratings = Some(rating_counts(&snapshot, today));
        let (mut watch, late_actions) = watch(&snapshot, today);
        d.glance = Some(Glance::of(&watch, late_actions.len()));
        // Who is named: only for a role that reads the whole register and its reviews (the
        // late actions' text is read for them alone).
        if role == Role::Commissioner && can(Permission::PeopleRead) && can(Permission::ReviewsRead)
        {
            watch.overdue_actions = overdue_actions(app, late_actions, today).await?;
            d.register = Some(watch);
        }
    }
    if figures && can(Permission::ReturnsRead) {
        let mut all = returns::list(app, None).await?;
        all.truncate(LATEST_RETURNS);
        d.returns = Some(all);
    }
    if role == Role::Admin {
        d.admin = Some(admin_watch(app, who).await?);
    }
    let named = d.register.as_ref().map_or(0, |r| {
        r.inpatients.len()
            + r.overdue_reviews.len()
            + r.overdue_visits.len()
            + r.overdue_actions.len()
            + r.upcoming.len()
            + r.unscheduled.len()
    });
    audit::record_alone(
        app,
        &who.actor(),
        Event::new("dashboard.read", "dashboard", None)
            .detail(serde_json::json!({"items_naming_people": named})),
    )
    .await?;
    Ok(d)
}

fn rating_counts(snapshot: &Snapshot, today: Date) -> BTreeMap<String, u64> {
    let mut counts: BTreeMap<String, u64> = ["red", "amber", "green", "blue", "unrated"]
        .into_iter()
        .map(|k| (k.to_string(), 0))
        .collect();
    for p in snapshot.people_at(today) {
        if Snapshot::active_on(&p, today) {
            let key = snapshot
                .rating_on(&p.id, today)
                .map_or("unrated", Rating::as_str);
            *counts.entry(key.to_string()).or_default() += 1;
        }
    }
    counts
}

fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

fn due_of(item: &super::due::DueItem, today: Date) -> Due {
    let days_overdue = Date::parse(
        &item.due_by,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_or(0, |d| days_between(d, today).max(0));
    Due {
        what: item.what.clone(),
        due_by: item.due_by.clone(),
        overdue: item.overdue,
        days_overdue,
        kind: item.kind.clone(),
        review_id: item.review_id.clone(),
    }
}

/// The register today, and the open actions past their date (whose text the snapshot leaves
/// out), by id with their person.
fn watch(snapshot: &Snapshot, today: Date) -> (RegisterWatch, Vec<(Named, String)>) {
    let mut w = RegisterWatch::default();
    let soon = today + Duration::days(UPCOMING_DAYS);
    let mut late_actions: Vec<(Named, String)> = Vec::new();
    for p in snapshot.people_at(today) {
        if !Snapshot::active_on(&p, today) {
            continue;
        }
        let rating = snapshot.rating_since(&p.id, today);
        let named = Named {
            person_id: p.id.clone(),
            name: format!("{} {}", p.given_name, p.family_name),
            rating: rating.map(|(r, _)| r),
        };
        let due: Vec<Due> = snapshot
            .due(&p, today)
            .iter()
            .map(|i| due_of(i, today))
            .collect();
        let is_review = |d: &&Due| matches!(d.kind.as_str(), "review" | "red_review");
        for d in due.iter().filter(|d| d.overdue) {
            match d.kind.as_str() {
                "review" | "red_review" | "report" => w.overdue_reviews.push(OverdueItem {
                    person: named.clone(),
                    due: d.clone(),
                }),
                "visit" | "social_worker" => w.overdue_visits.push(OverdueItem {
                    person: named.clone(),
                    due: d.clone(),
                }),
                _ => {}
            }
        }
        for a in snapshot.actions(&p.id) {
            if a.status == ActionStatus::Open.as_str() && a.due_on < today {
                late_actions.push((named.clone(), a.id.clone()));
            }
        }
        let scheduled: Vec<_> = snapshot
            .reviews(&p.id)
            .iter()
            .filter(|r| r.status == ReviewStatus::Scheduled.as_str())
            .collect();
        for r in scheduled
            .iter()
            .filter(|r| r.scheduled_for >= today && r.scheduled_for <= soon)
        {
            w.upcoming.push(UpcomingReview {
                person: named.clone(),
                review_id: r.id.clone(),
                kind: crate::domain::review::ReviewKind::parse(&r.kind)
                    .map_or_else(|| r.kind.clone(), |k| k.label().to_string()),
                scheduled_for: r.scheduled_for.to_string(),
                panel_complete: r.chair_id.is_some()
                    && r.expert_by_experience_id.is_some()
                    && r.clinical_expert_id.is_some(),
            });
        }
        if let Some(stay) = snapshot
            .admissions(&p.id)
            .iter()
            .find(|s| in_hospital_on(s, today))
        {
            w.inpatients.push(Inpatient {
                person: named.clone(),
                admitted_on: stay.admitted_on.to_string(),
                hospital: stay.hospital.clone(),
                days_in_hospital: days_between(stay.admitted_on, today),
                next_review: due
                    .iter()
                    .filter(is_review)
                    .min_by(|a, b| a.due_by.cmp(&b.due_by))
                    .cloned(),
                next_visit: due.iter().find(|d| d.kind == "visit").cloned(),
            });
        }
        if let Some((Rating::Red | Rating::Amber, since)) = rating
            && scheduled.is_empty()
        {
            w.unscheduled.push(Unscheduled {
                person: named.clone(),
                rating_since: since.to_string(),
                due: due.iter().find(is_review).cloned(),
            });
        }
    }
    w.inpatients.sort_by(|a, b| {
        b.days_in_hospital
            .cmp(&a.days_in_hospital)
            .then_with(|| a.person.name.cmp(&b.person.name))
    });
    for list in [&mut w.overdue_reviews, &mut w.overdue_visits] {
        list.sort_by(|a, b| {
            a.due
                .due_by
                .cmp(&b.due.due_by)
                .then_with(|| a.person.name.cmp(&b.person.name))
        });
    }
    w.upcoming.sort_by(|a, b| {
        a.scheduled_for
            .cmp(&b.scheduled_for)
            .then_with(|| a.person.name.cmp(&b.person.name))
    });
    w.unscheduled.sort_by(|a, b| {
        let weight = |u: &Unscheduled| u.person.rating != Some(Rating::Red);
        weight(a)
            .cmp(&weight(b))
            .then_with(|| a.rating_since.cmp(&b.rating_since))
            .then_with(|| a.person.name.cmp(&b.person.name))
    });
    (w, late_actions)
}

/// The text of the late actions, read in chunks by id, oldest due first.
async fn overdue_actions(
    app: &App,
    late: Vec<(Named, String)>,
    today: Date,
) -> Result<Vec<OverdueAction>, AppError> {
    let by_id: BTreeMap<String, Named> = late.into_iter().map(|(n, id)| (id, n)).collect();
    let ids: Vec<&String> = by_id.keys().collect();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = Scope::Register
            .select::<action::Entity>()
            .filter(action::Column::Id.is_in(chunk.iter().map(|s| s.as_str())))
            .all(&app.db)
            .await?;
        for a in rows {
            if let Some(person) = by_id.get(&a.id) {
                out.push(OverdueAction {
                    person: person.clone(),
                    action_id: a.id,
                    review_id: a.review_id,
                    who: a.who,
                    what: a.what,
                    due_by: a.due_on.to_string(),
                    days_overdue: days_between(a.due_on, today),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        a.due_by
            .cmp(&b.due_by)
            .then_with(|| a.person.name.cmp(&b.person.name))
    });
    Ok(out)
}

async fn admin_watch(app: &App, who: &SignedIn) -> Result<AdminWatch, AppError> {
    let can = |p| app.policies.access.allows(who.role(), p);
    let mut w = AdminWatch {
        failed_login_days: FAILED_LOGIN_DAYS,
        ..AdminWatch::default()
    };
    if can(Permission::UsersRead) {
        let users = user::Entity::find().all(&app.db).await?;
        for role in Role::ALL {
            let n = users
                .iter()
                .filter(|u| u.active && u.role == role.as_str())
                .count() as u64;
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
