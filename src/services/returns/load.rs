//! The returns' read of the register: a batch of people at a time, in id order, and of each
//! batch's rows (fetched by the batch's range of ids) only the columns the figures read —
//! dates, statuses, ids, and the few words a row of the return shows. Each person's rows are
//! turned into the deadline engine's facts (with the same rules as `services::due`), and the
//! batch is dropped before the next is read, so a return's memory does not grow with the
//! history behind it. Every query goes through `Scope::Register`: withdrawn people stay out.

mod one_person;
pub(super) use one_person::Person;

use super::super::people::EarlierDetails;
use super::super::scope::Scope;
use crate::domain::ids::{ActionId, PersonId, ReviewId, StayId};
use crate::domain::person::Status;
use crate::domain::person::{LegalStatus, SecurityLevel};
use crate::domain::ratings::RatingEvent;
use crate::domain::referral::ReferralStatus;
use crate::domain::review::{ActionStatus, ReviewKind, ReviewStatus};
use crate::domain::risk::Rating;
use crate::entities::{
    action, admission, admission_revision, audit_head, person, rating_event, referral, review,
    visit,
};
use crate::error::AppError;
use rocket::futures::TryFutureExt;
use rocket::tokio::try_join;
use sea_orm::sea_query::Query;
use sea_orm::{
    AccessMode, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, DerivePartialModel, EntityTrait, IsolationLevel, QueryFilter, QueryOrder,
    QuerySelect, TransactionOptions, TransactionTrait,
};
use std::collections::HashMap;
use std::sync::Arc;
use time::{Date, OffsetDateTime};

/// People read at a time. A batch's rows take some 15 MB, and two are held at once (one counted,
/// the next read). Each batch's queries read pages all over each table (people's rows lie where
/// they were written, not by id), so much smaller batches read more: at 100,000 people on
/// SQLite, 10,000 at a time took 5.1 s to read and the return peaked at 250 MB; 20,000 at a time,
/// 5.1 s and 669 MB (before the memory given back between phases).
pub(super) const BATCH: u64 = 10_000;

/// The return's view of the database: a few read-only transactions (repeatable read on
/// PostgreSQL; on SQLite every read transaction is a snapshot), each on its own connection so
/// that a batch's tables are read at the same time, and all seeing the same moment. Every change
/// to the facts a return reads appends to the audit chain in its own transaction, so the chain
/// head's sequence number names a state of the database: the transactions are opened, each
/// reads the head (a transaction's view starts at its first read), and they are opened again if
/// a change landed between them.
pub(super) struct Snapshot {
    readers: Vec<DatabaseTransaction>,
    /// Whom the return reads (`Scope::Returns`: the register, and those withdrawn during a stay).
    scope: Scope,
}

/// Connections a return reads on at once (of the pool's 8 on SQLite, 16 on PostgreSQL).
const READERS: usize = 4;

impl Snapshot {
    pub(super) async fn open(db: &DatabaseConnection, scope: Scope) -> Result<Snapshot, AppError> {
        let options = || match db.get_database_backend() {
            DbBackend::Postgres => TransactionOptions {
                isolation_level: Some(IsolationLevel::RepeatableRead),
                access_mode: Some(AccessMode::ReadOnly),
                ..Default::default()
            },
            _ => TransactionOptions::default(),
        };
        for _ in 0..10 {
            let mut txs = Vec::with_capacity(READERS);
            for _ in 0..READERS {
                txs.push(db.begin_with_options(options()).await?);
            }
            let mut heads = Vec::with_capacity(READERS);
            for tx in &txs {
                heads.push(
                    audit_head::Entity::find_by_id(1)
                        .one(tx)
                        .await?
                        .map(|h| h.seq),
                );
            }
            if heads.windows(2).all(|w| w[0] == w[1]) {
                return Ok(Snapshot {
                    readers: txs,
                    scope,
                });
            }
            for tx in txs {
                tx.rollback().await?;
            }
        }
        Err(AppError::internal(
            "the register changed while a return began reading it, ten times over",
        ))
    }

    /// The `i`th reader (any `i`).
    fn on(&self, i: usize) -> &DatabaseTransaction {
        &self.readers[i % self.readers.len()]
    }

    /// Ends the read (nothing was written).
    pub(super) async fn close(self) -> Result<(), AppError> {
        for tx in self.readers {
            tx.rollback().await?;
        }
        Ok(())
    }
}

/// What the return reads of a register entry.
#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "person::Entity")]
struct EntryRow {
    id: PersonId,
    nhs_number: String,
    given_name: String,
    family_name: String,
    date_of_birth: Date,
    sex: crate::domain::person::Sex,
    postcode: String,
    local_authority: String,
    learning_disability: bool,
    autism: bool,
    social_worker: Option<String>,
    social_worker_from: Option<Date>,
    keyworker: Option<String>,
    ethnicity: Option<crate::domain::ethnicity::Ethnicity>,
    setting: crate::domain::person::Setting,
    status: Status,
    registered_on: Date,
    closed_on: Option<Date>,
    closed_reason: Option<String>,
    withdrawn_on: Option<Date>,
    inpatient_only_from: Option<Date>,
    objects_since: Option<Date>,
}

impl EntryRow {
    /// The entry as a model, so that its earlier details apply as everywhere else
    /// (`people::EarlierDetails`). Only the columns read above are filled: a return reads
    /// nothing else (no search keys or timestamps; the local authority and needs are the
    /// figures' breakdowns).
    fn into_model(self) -> person::Model {
        person::Model {
            id: self.id,
            nhs_number: self.nhs_number,
            given_name: self.given_name,
            family_name: self.family_name,
            date_of_birth: self.date_of_birth,
            sex: self.sex,
            postcode: self.postcode,
            local_authority: self.local_authority,
            learning_disability: self.learning_disability,
            autism: self.autism,
            ehcp: false,
            social_worker: self.social_worker,
            social_worker_from: self.social_worker_from,
            keyworker: self.keyworker,
            ethnicity: self.ethnicity,
            setting: self.setting,
            status: self.status,
            registered_on: self.registered_on,
            closed_on: self.closed_on,
            closed_reason: self.closed_reason,
            withdrawn_on: self.withdrawn_on,
            withdrawn_reason: None,
            withdrawn_at: None,
            inpatient_only_from: self.inpatient_only_from,
            objects_since: self.objects_since,
            search_key: None,
            sort_name: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }
}

/// What the engine and the return read of a review.
#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "review::Entity")]
pub(super) struct ReviewRow {
    pub id: ReviewId,
    pub person_id: PersonId,
    pub kind: ReviewKind,
    pub status: ReviewStatus,
    pub scheduled_on: Date,
    pub scheduled_for: Date,
    pub due_by: Option<Date>,
    pub held_on: Option<Date>,
    pub report_sent_on: Option<Date>,
    pub cancelled_on: Option<Date>,
}

/// What the engine reads of an action.
#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "action::Entity")]
struct ActionRow {
    id: ActionId,
    person_id: PersonId,
    review_id: ReviewId,
    due_on: Date,
    status: ActionStatus,
    completed_on: Option<Date>,
    updated_at: OffsetDateTime,
}

/// What the engine and the weekly return read of a stay.
#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "admission::Entity")]
pub(super) struct StayRow {
    pub id: StayId,
    pub person_id: PersonId,
    pub admitted_on: Date,
    pub discharged_on: Option<Date>,
    pub hospital: String,
    pub hospital_ods_code: Option<String>,
    pub episode_id: StayId,
    pub security_level: SecurityLevel,
    pub legal_status: LegalStatus,
    pub planned_discharge_on: Option<Date>,
    pub items: Option<String>,
}

/// A stay's values until a change took effect.
#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "admission_revision::Entity")]
struct StayRevisionRow {
    admission_id: StayId,
    effective_on: Date,
    valid_until: OffsetDateTime,
    episode_id: StayId,
    hospital: String,
    hospital_ods_code: Option<String>,
    security_level: SecurityLevel,
    legal_status: LegalStatus,
    planned_discharge_on: Option<Date>,
    items: Option<String>,
}

#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "visit::Entity")]
pub(super) struct VisitRow {
    pub person_id: PersonId,
    pub admission_id: StayId,
    pub visited_on: Date,
}

#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "rating_event::Entity")]
struct RatingRow {
    seq: i64,
    person_id: PersonId,
    rating: Rating,
    effective_on: Date,
}

/// What the return counts of a referral.
#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "referral::Entity")]
pub(super) struct ReferralRow {
    pub received_on: Date,
    pub status: ReferralStatus,
    pub decided_on: Option<Date>,
}

/// One person's rows.
#[derive(Debug, Default)]
struct Rows {
    reviews: Vec<ReviewRow>,
    actions: Vec<ActionRow>,
    stays: Vec<StayRow>,
    visits: Vec<VisitRow>,
    ratings: Vec<RatingEvent>,
}

/// A batch of people with their rows.
pub(super) struct Batch {
    people: Vec<person::Model>,
    rows: Vec<Rows>,
    earlier: EarlierDetails,
    /// Per stay, its values before each change, in the order the changes took effect.
    stay_revisions: HashMap<StayId, Vec<StayRevisionRow>>,
}

/// The rows of a person-linked table for the people with ids from `first` to `last`.
macro_rules! rows_of {
    ($snapshot:expr, $i:expr, $entity:ident, $row:ty, $first:expr, $last:expr) => {
        $snapshot
            .scope
            .select::<$entity::Entity>()
            .filter($entity::Column::PersonId.between($first, $last))
            .into_partial_model::<$row>()
            .all($snapshot.on($i))
            .map_err(AppError::from)
    };
}

impl Batch {
    /// The next `limit` people in the snapshot's scope (on the register whatever their status,
    /// inpatient-only entries, and those withdrawn during a stay)
    /// after the id `after`, with their rows; none once everyone has been read, all in the
    /// return's one snapshot.
    pub(super) async fn after(
        snapshot: Arc<Snapshot>,
        after: Option<PersonId>,
        limit: u64,
    ) -> Result<Option<Batch>, AppError> {
        let db = snapshot.on(0);
        let mut lap = Lap::default();
        let mut select = snapshot
            .scope
            .select::<person::Entity>()
            .order_by_asc(person::Column::Id)
            .limit(limit.max(1));
        if let Some(id) = &after {
            select = select.filter(person::Column::Id.gt(id));
        }
        let people: Vec<person::Model> = select
            .into_partial_model::<EntryRow>()
            .all(db)
            .await?
            .into_iter()
            .map(EntryRow::into_model)
            .collect();
        lap.mark("people");
        let (Some(first), Some(last)) = (people.first(), people.last()) else {
            return Ok(None);
        };
        let (first, last) = (&first.id, &last.id);
        let (reviews, actions, stays, visits, ratings, stay_revisions, earlier) = try_join!(
            rows_of!(snapshot, 0, review, ReviewRow, first, last),
            rows_of!(snapshot, 1, action, ActionRow, first, last),
            rows_of!(snapshot, 2, admission, StayRow, first, last),
            rows_of!(snapshot, 3, visit, VisitRow, first, last),
            rows_of!(snapshot, 1, rating_event, RatingRow, first, last),
            stay_revisions(snapshot.on(2), snapshot.scope, first, last),
            EarlierDetails::between(snapshot.on(3), snapshot.scope, first, last),
        )?;
        lap.mark("rows");
        let index: HashMap<&PersonId, usize> =
            people.iter().enumerate().map(|(i, p)| (&p.id, i)).collect();
        let mut rows: Vec<Rows> = people.iter().map(|_| Rows::default()).collect();
        for r in reviews {
            if let Some(p) = slot(&index, &mut rows, &r.person_id) {
                p.reviews.push(r);
            }
        }
        for a in actions {
            if let Some(p) = slot(&index, &mut rows, &a.person_id) {
                p.actions.push(a);
            }
        }
        for s in stays {
            if let Some(p) = slot(&index, &mut rows, &s.person_id) {
                p.stays.push(s);
            }
        }
        for v in visits {
            if let Some(p) = slot(&index, &mut rows, &v.person_id) {
                p.visits.push(v);
            }
        }
        for e in ratings {
            if let Some(p) = slot(&index, &mut rows, &e.person_id) {
                p.ratings.push(RatingEvent {
                    rating: e.rating,
                    effective_on: e.effective_on,
                    seq: e.seq,
                });
            }
        }
        drop(index);
        lap.mark("grouped");
        tracing::debug!(people = people.len(), ms = ?lap.0, "return batch read");
        Ok(Some(Batch {
            people,
            rows,
            earlier,
            stay_revisions,
        }))
    }

    /// The last id read, to start the next batch after.
    pub(super) fn last_id(&self) -> Option<&PersonId> {
        self.people.last().map(|p| &p.id)
    }

    /// Each person of the batch, in id order.
    pub(super) fn people(&self) -> impl Iterator<Item = Person<'_>> {
        self.people
            .iter()
            .zip(&self.rows)
            .map(|(now, rows)| Person {
                now,
                rows,
                batch: self,
            })
    }
}

/// Milliseconds spent on each part of a batch's read (`TCR_LOG=tcr=debug` shows them).
#[derive(Debug)]
struct Lap(Vec<(&'static str, u128)>, std::time::Instant);

impl Default for Lap {
    fn default() -> Self {
        Lap(Vec::new(), std::time::Instant::now())
    }
}

impl Lap {
    fn mark(&mut self, what: &'static str) {
        self.0.push((what, self.1.elapsed().as_millis()));
        self.1 = std::time::Instant::now();
    }
}

/// A person's rows by their id. A row of someone outside the batch (it cannot happen: the id
/// range holds the batch and withdrawn people only) is left out rather than given to anyone.
fn slot<'r>(
    index: &HashMap<&PersonId, usize>,
    rows: &'r mut [Rows],
    id: &PersonId,
) -> Option<&'r mut Rows> {
    index.get(id).and_then(|&i| rows.get_mut(i))
}

/// Each stay's earlier values, for the stays of the people with ids from `first` to `last`.
async fn stay_revisions(
    db: &impl ConnectionTrait,
    scope: Scope,
    first: &PersonId,
    last: &PersonId,
) -> Result<HashMap<StayId, Vec<StayRevisionRow>>, AppError> {
    let stays = Query::select()
        .column(admission::Column::Id)
        .from(admission::Entity)
        .and_where(admission::Column::PersonId.between(first, last))
        .to_owned();
    let list = scope
        .select::<admission_revision::Entity>()
        .filter(admission_revision::Column::AdmissionId.in_subquery(stays))
        .into_partial_model::<StayRevisionRow>()
        .all(db)
        .await?;
    let mut out: HashMap<StayId, Vec<StayRevisionRow>> = HashMap::new();
    for r in list {
        out.entry(r.admission_id.clone()).or_default().push(r);
    }
    // In the order the changes took effect (refused out of order), then as recorded.
    for list in out.values_mut() {
        list.sort_by_key(|r| (r.effective_on, r.valid_until));
    }
    Ok(out)
}

/// The referrals a return counts: those not yet tied to anyone, and those of people on the
/// register (withdrawn people's are left out).
pub(super) async fn referrals(snapshot: &Snapshot) -> Result<Vec<ReferralRow>, AppError> {
    let db = snapshot.on(0);
    let people = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::Status.ne(Status::Withdrawn.as_str()))
        .to_owned();
    Ok(Scope::Register
        .select::<referral::Entity>()
        .filter(
            Condition::any()
                .add(referral::Column::PersonId.is_null())
                .add(referral::Column::PersonId.in_subquery(people)),
        )
        .into_partial_model::<ReferralRow>()
        .all(db)
        .await?)
}
