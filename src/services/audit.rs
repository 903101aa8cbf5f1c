//! The audit trail: append-only and tamper-evident. Every state change and every read of a
//! person's data runs in an [`AuditedTx`], which locks the chain head first, writes the change,
//! appends the entry (hash of the previous entry + its own canonical content), and commits both
//! together — or neither.

use super::scope::Scope;
use super::sessions::SignedIn;
use super::{Actor, App};
use crate::domain::ids::PersonId;
use crate::entities::{audit_entry, audit_head};
use crate::error::AppError;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, to what. `detail` must not repeat personal data already in the record it
/// points at; it says what changed (field names, reasons).
#[derive(Debug, Clone)]
pub struct Event {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    pub person_id: Option<PersonId>,
    pub detail: serde_json::Value,
}

impl Event {
    pub fn new(action: &'static str, entity: &'static str, entity_id: Option<String>) -> Self {
        Event {
            action,
            entity,
            entity_id,
            person_id: None,
            detail: serde_json::Value::Null,
        }
    }

    /// An event about a person's record.
    pub fn person(action: &'static str, person_id: &PersonId) -> Self {
        Event {
            action,
            entity: "person",
            entity_id: Some(person_id.to_string()),
            person_id: Some(person_id.clone()),
            detail: serde_json::Value::Null,
        }
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// A transaction whose changes are committed only together with their audit entries.
pub struct AuditedTx {
    tx: DatabaseTransaction,
    now: OffsetDateTime,
    recorded: bool,
    /// The chain's head as this transaction has left it (its last entry's sequence number and
    /// hash), read once: the row is locked from `begin` until the commit, so no other writer can
    /// move it, and it is written once, at the commit, however many entries were appended.
    head: Option<(i64, String)>,
    /// The entries appended, chained and hashed, written together at the commit (nothing reads
    /// the trail inside a writing transaction).
    pending: Vec<audit_entry::ActiveModel>,
    /// The people the entries name, whose projection (`person_due`) and search key the commit
    /// refreshes; `None` for a transaction that only records a read.
    touched: Option<Touched>,
    /// This process's turn to write (SQLite); declared last, so it is let go after the
    /// transaction.
    _turn: Option<rocket::tokio::sync::OwnedMutexGuard<()>>,
}

struct Touched {
    policies: std::sync::Arc<crate::policy::Policies>,
    today: time::Date,
    people: Vec<PersonId>,
    /// The same people, to tell a new one quickly (an import names thousands).
    seen: std::collections::HashSet<PersonId>,
}

/// Starts an audited transaction, taking the chain head's lock first so that appends from any
/// number of instances line up one after another.
pub async fn begin(app: &App) -> Result<AuditedTx, AppError> {
    let turn = app.writes.enter().await;
    let tx = app
        .db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq))
        .filter(audit_head::Column::Id.eq(1))
        .exec(&tx)
        .await?;
    Ok(AuditedTx {
        tx,
        now: app.clock.now(),
        recorded: false,
        head: None,
        pending: Vec::new(),
        touched: Some(Touched {
            policies: app.policies.clone(),
            today: app.clock.today(),
            people: Vec::new(),
            seen: Default::default(),
        }),
        _turn: turn,
    })
}

impl AuditedTx {
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// The moment this transaction stands for (its audit entries carry it).
    pub fn now(&self) -> OffsetDateTime {
        self.now
    }

    /// Appends one entry to the chain (written with the others at the commit).
    pub async fn record(&mut self, actor: &Actor, event: Event) -> Result<(), AppError> {
        let (seq, prev_hash) = match self.head.take() {
            Some(head) => head,
            None => {
                let head = audit_head::Entity::find_by_id(1)
                    .one(&self.tx)
                    .await?
                    .ok_or_else(|| AppError::internal("audit head row missing"))?;
                (head.seq, head.hash)
            }
        };
        let mut entry = audit_entry::Model {
            seq: seq + 1,
            at: self.now,
            user_id: actor.user_id.clone(),
            username: actor.username.clone(),
            role: actor.role.clone(),
            action: event.action.into(),
            entity: event.entity.into(),
            entity_id: event.entity_id,
            person_id: event.person_id.clone(),
            detail: if event.detail.is_null() {
                String::new()
            } else {
                event.detail.to_string()
            },
            prev_hash,
            hash: String::new(),
        };
        entry.hash = entry_hash(&entry);
        self.head = Some((entry.seq, entry.hash.clone()));
        self.pending.push(entry.into());
        self.recorded = true;
        if let (Some(t), Some(id)) = (&mut self.touched, event.person_id)
            && t.seen.insert(id.clone())
        {
            t.people.push(id);
        }
        Ok(())
    }

    /// Commits the change and its entries. A transaction that recorded nothing is a bug: it is
    /// rolled back rather than committing an unaudited change.
    pub async fn commit(self) -> Result<(), AppError> {
        if !self.recorded {
            self.tx.rollback().await?;
            return Err(AppError::internal(
                "audited transaction committed without an audit entry",
            ));
        }
        // A thousand entries a statement, within every backend's limit on bound values.
        for entries in self.pending.chunks(1000) {
            audit_entry::Entity::insert_many(entries.to_vec())
                .exec_without_returning(&self.tx)
                .await?;
        }
        if let Some((seq, hash)) = &self.head {
            audit_head::ActiveModel {
                id: Set(1),
                seq: Set(*seq),
                hash: Set(hash.clone()),
            }
            .update(&self.tx)
            .await?;
        }
        // Every write about a person refreshes what the register filters and sorts by, in the
        // same transaction: the one place that keeps the projection equal to the engine.
        if let Some(t) = &self.touched {
            // A chunk at a time: an import names thousands, and each refresh binds its people's
            // ids and writes their rows in statements of bounded size.
            for people in t.people.chunks(500) {
                super::people::projection::refresh(&self.tx, &t.policies.schedule, people, t.today)
                    .await?;
            }
            // Any write may change what a kept count counted (`counted`), whoever it names.
            super::counted::moved(&self.tx).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// Records a single event on its own (a read, a failed login).
pub async fn record_alone(app: &App, actor: &Actor, event: Event) -> Result<(), AppError> {
    let mut tx = begin(app).await?;
    tx.touched = None;
    tx.record(actor, event).await?;
    tx.commit().await
}

/// The content an entry's hash covers, as a JSON array in a fixed order.
fn canonical(entry: &audit_entry::Model) -> String {
    let at = entry.at.format(&Rfc3339).unwrap_or_default();
    serde_json::json!([
        entry.seq,
        at,
        entry.user_id,
        entry.username,
        entry.role,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.person_id,
        entry.detail,
    ])
    .to_string()
}

/// SHA-256 over the previous entry's hash and this entry's canonical content.
pub fn entry_hash(entry: &audit_entry::Model) -> String {
    let mut data = entry.prev_hash.clone().into_bytes();
    data.push(b'\n');
    data.extend_from_slice(canonical(entry).as_bytes());
    crate::auth::token::sha256_hex(&data)
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Verification {
    /// True when every entry links to the one before and its hash matches its content.
    pub ok: bool,
    /// How many entries were checked.
    pub entries: u64,
    /// The sequence number of the first entry that does not check out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Checks the chain and records that it was checked, and what was found.
pub async fn verify(app: &App, actor: &Actor) -> Result<Verification, AppError> {
    let result = verify_chain(&app.db).await?;
    record_alone(
        app,
        actor,
        Event::new("audit.verify", "audit", None)
            .detail(serde_json::json!({"ok": result.ok, "entries": result.entries})),
    )
    .await?;
    Ok(result)
}

/// Walks the whole chain in pages and reports the first break: an edited entry (hash
/// mismatch), a removed or reordered one (sequence gap, broken link) or a removed tail (head
/// mismatch).
pub async fn verify_chain(db: &impl ConnectionTrait) -> Result<Verification, AppError> {
    const PAGE: u64 = 1000;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS_HASH.to_string();
    let mut checked = 0u64;
    let broken = |seq: i64, checked: u64, problem: &str| Verification {
        ok: false,
        entries: checked,
        broken_at: Some(seq),
        problem: Some(problem.to_string()),
    };
    loop {
        // The chain covers every entry, withdrawn people's too; only counts leave this check.
        let page = Scope::Retained
            .select::<audit_entry::Entity>()
            .filter(audit_entry::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await?;
        let len = page.len() as u64;
        for entry in page {
            if entry.seq != expected_seq {
                return Ok(broken(expected_seq, checked, "an entry is missing"));
            }
            if entry.prev_hash != prev {
                return Ok(broken(
                    entry.seq,
                    checked,
                    "the link to the previous entry is broken",
                ));
            }
            if entry_hash(&entry) != entry.hash {
                return Ok(broken(
                    entry.seq,
                    checked,
                    "the entry was changed after it was written",
                ));
            }
            prev = entry.hash;
            expected_seq += 1;
            checked += 1;
        }
        if len < PAGE {
            break;
        }
    }
    let head = audit_head::Entity::find_by_id(1).one(db).await?;
    match head {
        Some(h) if h.seq == checked as i64 && h.hash == prev => Ok(Verification {
            ok: true,
            entries: checked,
            broken_at: None,
            problem: None,
        }),
        _ => Ok(broken(
            checked as i64 + 1,
            checked,
            "entries are missing from the end of the trail",
        )),
    }
}

/// Filters for reading the trail.
#[derive(Debug, Default, Clone)]
pub struct TrailQuery {
    pub person_id: Option<PersonId>,
    /// The entries about whoever holds this NHS number (digits).
    pub nhs_number: Option<String>,
    pub username: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    pub page: u64,
    pub per_page: u64,
}

/// One page of the trail, newest first, and the total matching.
pub async fn trail(
    db: &impl ConnectionTrait,
    scope: Scope,
    q: &TrailQuery,
) -> Result<(Vec<audit_entry::Model>, u64), AppError> {
    let mut select = scope.select::<audit_entry::Entity>();
    if let Some(p) = &q.person_id {
        select = select.filter(audit_entry::Column::PersonId.eq(p.clone()));
    }
    if let Some(n) = &q.nhs_number {
        let holders = sea_orm::sea_query::Query::select()
            .column(crate::entities::person::Column::Id)
            .from(crate::entities::person::Entity)
            .and_where(crate::entities::person::Column::NhsNumber.eq(n.as_str()))
            .to_owned();
        select = select.filter(audit_entry::Column::PersonId.in_subquery(holders));
    }
    if let Some(u) = &q.username {
        select = select.filter(audit_entry::Column::Username.eq(u.clone()));
    }
    if let Some(from) = q.from {
        select = select.filter(audit_entry::Column::At.gte(from));
    }
    if let Some(to) = q.to {
        select = select.filter(audit_entry::Column::At.lt(to));
    }
    let total = select.clone().count(db).await?;
    let items = select
        .order_by_desc(audit_entry::Column::Seq)
        .offset((q.page.saturating_sub(1)) * q.per_page)
        .limit(q.per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// One entry of the trail as its readers see it (the API's list, the admin page).
#[derive(Debug, Clone)]
pub struct TrailEntry {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub username: String,
    pub role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub person_id: Option<PersonId>,
}

impl TrailEntry {
    fn of(m: &audit_entry::Model) -> Self {
        TrailEntry {
            seq: m.seq,
            at: m.at,
            username: m.username.clone(),
            role: m.role.clone(),
            action: m.action.clone(),
            entity: m.entity.clone(),
            entity_id: m.entity_id.clone(),
            person_id: m.person_id.clone(),
        }
    }
}

/// The rows of a page of the trail, once their reading is recorded (and by what filter).
async fn read_trail_rows(
    app: &App,
    reader: &SignedIn,
    q: &TrailQuery,
) -> Result<(Vec<audit_entry::Model>, u64), AppError> {
    let (rows, total) = trail(&app.db, Scope::of(app, reader), q).await?;
    let event = Event::new("audit.read", "audit", None).detail(serde_json::json!({
        "person_id": q.person_id, "by_nhs_number": q.nhs_number.is_some(), "user": q.username, "page": q.page,
    }));
    record_alone(
        app,
        &reader.actor(),
        Event {
            person_id: q.person_id.clone(),
            ..event
        },
    )
    .await?;
    Ok((rows, total))
}

/// Reads a page of the trail and records that it was read (and by what filter).
pub async fn read_trail(
    app: &App,
    reader: &SignedIn,
    q: &TrailQuery,
) -> Result<(Vec<TrailEntry>, u64), AppError> {
    let (rows, total) = read_trail_rows(app, reader, q).await?;
    Ok((rows.iter().map(TrailEntry::of).collect(), total))
}

/// `read_trail`, each entry with its sentence for people (`sentences`).
pub async fn read_trail_in_words(
    app: &App,
    reader: &SignedIn,
    q: &TrailQuery,
) -> Result<(Vec<(TrailEntry, String)>, u64), AppError> {
    let (rows, total) = read_trail_rows(app, reader, q).await?;
    let words = sentences(&app.db, Scope::of(app, reader), &rows).await?;
    let entries = rows.iter().map(TrailEntry::of).zip(words).collect();
    Ok((entries, total))
}

/// Entries as sentences for people ("Cara Commissioner recorded a risk assessment for
/// Z. Kowalczyk on 6 Dec 2026 at 14:05"): who by their display name, the person by initial and
/// family name where the scope lets the reader see them, the time in the UK. Two queries a page.
pub async fn sentences(
    db: &impl ConnectionTrait,
    scope: Scope,
    rows: &[audit_entry::Model],
) -> Result<Vec<String>, AppError> {
    use crate::domain::audit_words::{brief_name, sentence, when};
    use crate::entities::{person, user};
    use std::collections::HashMap;
    let usernames: Vec<&str> = rows.iter().map(|r| r.username.as_str()).collect();
    let names: HashMap<String, String> = user::Entity::find()
        .filter(user::Column::Username.is_in(usernames))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.username, u.display_name))
        .collect();
    let ids: Vec<&PersonId> = rows.iter().filter_map(|r| r.person_id.as_ref()).collect();
    let people: HashMap<PersonId, String> = scope
        .select::<person::Entity>()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, brief_name(&p.given_name, &p.family_name)))
        .collect();
    Ok(rows
        .iter()
        .map(|r| {
            let who = match (names.get(&r.username), r.role.as_str()) {
                (Some(name), _) => name.clone(),
                (None, "system") => "The service".to_string(),
                (None, _) if r.username == "cli" => "The command line".to_string(),
                (None, _) => format!("Someone using the username \u{201c}{}\u{201d}", r.username),
            };
            let person = r.person_id.as_ref().and_then(|id| people.get(id));
            sentence(
                &who,
                &r.action,
                person.map(String::as_str),
                &when(crate::clock::uk_local(r.at)),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn entry() -> audit_entry::Model {
        audit_entry::Model {
            seq: 1,
            at: datetime!(2026-11-23 10:00:00.123456 UTC),
            user_id: None,
            username: "admin".into(),
            role: "admin".into(),
            action: "login.ok".into(),
            entity: "session".into(),
            entity_id: None,
            person_id: None,
            detail: String::new(),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn hash_covers_every_field_and_the_previous_hash() {
        let base = entry_hash(&entry());
        type Change = Box<dyn Fn(&mut audit_entry::Model)>;
        let variants: Vec<Change> = vec![
            Box::new(|e| e.seq = 2),
            Box::new(|e| e.at += time::Duration::microseconds(1)),
            Box::new(|e| e.user_id = Some(crate::domain::ids::UserId::from_text("x"))),
            Box::new(|e| e.username = "admin2".into()),
            Box::new(|e| e.role = "analyst".into()),
            Box::new(|e| e.action = "login.failed".into()),
            Box::new(|e| e.entity = "user".into()),
            Box::new(|e| e.entity_id = Some("1".into())),
            Box::new(|e| e.person_id = Some(PersonId::from_text("1"))),
            Box::new(|e| e.detail = "{}".into()),
            Box::new(|e| e.prev_hash = "1".repeat(64)),
        ];
        for change in variants {
            let mut e = entry();
            change(&mut e);
            assert_ne!(entry_hash(&e), base);
        }
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        // "ab" + "c" must not hash like "a" + "bc".
        let mut a = entry();
        a.username = "ab".into();
        a.role = "c".into();
        let mut b = entry();
        b.username = "a".into();
        b.role = "bc".into();
        assert_ne!(entry_hash(&a), entry_hash(&b));
    }
}
