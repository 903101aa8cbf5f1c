//! Who may read which reviews: all of them, or those a panel member sits on until the report
//! is sent.

use super::*;

/// The reviews a user may read: all, or those they sit on until the report is sent.
#[derive(Debug, Clone)]
pub struct ReviewReader {
    pub(crate) all: bool,
    pub(crate) member: Option<UserId>,
    /// Whether withdrawn people's reviews are within reach.
    pub scope: Scope,
}

impl ReviewReader {
    pub fn of(app: &App, who: &SignedIn) -> Self {
        let has = |p| app.policies.access.allows(who.role(), p);
        ReviewReader {
            all: has(Permission::ReviewsRead),
            member: has(Permission::ReviewsReadAssigned).then(|| who.user.id.clone()),
            scope: Scope::of(app, who),
        }
    }

    pub fn may_read(&self, r: &review::Model) -> bool {
        self.all
            || self
                .member
                .as_ref()
                .is_some_and(|m| sits_on(m, r) && is_live(r))
    }
}

pub(super) fn sits_on(user_id: &str, r: &review::Model) -> bool {
    [
        &r.chair_id,
        &r.expert_by_experience_id,
        &r.clinical_expert_id,
    ]
    .iter()
    .any(|m| m.as_deref() == Some(user_id))
}

/// From scheduling until the report is sent (and not cancelled).
fn is_live(r: &review::Model) -> bool {
    r.status != ReviewStatus::Cancelled && r.report_sent_on.is_none()
}

/// The people a panel member may read: those of the live reviews they sit on, found by the
/// seats' indexes (a member sits on a handful of reviews; the register has many thousands).
pub async fn assigned_people(
    db: &impl ConnectionTrait,
    scope: Scope,
    user_id: &str,
) -> Result<Vec<PersonId>, AppError> {
    Ok(scope
        .select::<review::Entity>()
        .filter(review::Column::Id.in_subquery(crate::services::worklists::sits_on(user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect())
}

pub(crate) async fn find(
    db: &impl ConnectionTrait,
    reader: &ReviewReader,
    id: &ReviewId,
) -> Result<review::Model, AppError> {
    reader
        .scope
        .by_id::<review::Entity>(id)
        .one(db)
        .await?
        .filter(|r| reader.may_read(r))
        .ok_or_else(|| AppError::not_found("Review"))
}
