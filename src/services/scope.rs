//! The one door for every read of person-linked rows: **withdrawn means gone**.
//!
//! When a person withdraws consent, every record about them — the entry, its consent, ratings and
//! assessments, stays and visits, reviews and their action plans, the referral that added them,
//! their revisions and audit entries — disappears for every reader except records administrators
//! (`people.read_withdrawn`), and a direct read answers "not found" exactly as for an id that
//! never existed. Rather than remembering a filter in each service, every query over a
//! person-linked table starts here ([`Scope::select`], [`Scope::by_id`]), which adds the rule in
//! SQL. A test below fails when code elsewhere starts a query over such a table by itself, so a
//! read added later cannot forget it. The one exception is the returns' (`Scope::Returns`): a
//! stay during which consent was withdrawn stays in the Assuring Transformation count until its
//! discharge (SPEC.md, "Returns").

use crate::domain::person::Status;
use crate::entities::{
    action, admission, admission_revision, audit_entry, consent, document, document_content,
    escalation, person, person_due, person_due_item, person_due_word, person_note, person_revision,
    person_timeline, rating_event, referral, review, review_addendum, risk_assessment, visit,
};
use crate::policy::Permission;
use crate::services::App;
use crate::services::sessions::SignedIn;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PrimaryKeyTrait, QueryFilter, Select};

/// How far a read reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everyone whose consent stands (active and closed entries): what every role reads, and
    /// what every list, count, due date, return and export is built from.
    Register,
    /// Also entries whose consent was withdrawn, kept for records retention: records
    /// administrators, and the withdrawal itself.
    Retained,
    /// What the returns read: the register's reach, and people who withdrew register consent
    /// while in hospital, whom NHS England's Assuring Transformation collection still counts
    /// until that stay's discharge (`domain::person::Standing::inpatient_basis` decides, row by
    /// row, which of their days are reported; nothing else of theirs is counted).
    Returns,
}

impl Scope {
    /// The reach of a signed-in user's reads, from their role's permissions.
    pub fn of(app: &App, who: &SignedIn) -> Self {
        if app
            .policies
            .access
            .allows(who.role(), Permission::PeopleReadWithdrawn)
        {
            Scope::Retained
        } else {
            Scope::Register
        }
    }

    /// A query over a person-linked table, reaching only the rows this scope may see.
    pub fn select<E: PersonLinked>(self) -> Select<E> {
        self.limit(E::find())
    }

    /// One row by id, or nothing when it is out of reach (as for an id that does not exist).
    pub fn by_id<E>(self, id: impl Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>) -> Select<E>
    where
        E: PersonLinked,
    {
        self.limit(E::find_by_id(id))
    }

    fn limit<E: PersonLinked>(self, select: Select<E>) -> Select<E> {
        match self {
            Scope::Register => select.filter(E::not_withdrawn()),
            Scope::Retained => select,
            Scope::Returns => select.filter(E::not_about(withdrawn_outside_a_stay())),
        }
    }
}

/// A table whose rows are about one person.
pub trait PersonLinked: EntityTrait {
    /// The rows that are not about a person whose consent was withdrawn.
    fn not_withdrawn() -> Condition {
        Self::not_about(withdrawn_people())
    }

    /// The rows that are not about anyone among `gone` (a query of people's ids).
    fn not_about(gone: SelectStatement) -> Condition;
}

/// People whose consent was withdrawn when they were not in hospital: `SELECT id FROM people
/// WHERE status = 'withdrawn' AND NOT EXISTS (a stay covering the day of withdrawal)`.
fn withdrawn_outside_a_stay() -> SelectStatement {
    let stay = Alias::new("kept_stay");
    let covering = Query::select()
        .expr(Expr::val(1))
        .from_as(admission::Entity, stay.clone())
        .and_where(
            Expr::col((stay.clone(), admission::Column::PersonId))
                .equals((person::Entity, person::Column::Id)),
        )
        .and_where(
            Expr::col((stay.clone(), admission::Column::AdmittedOn))
                .lte(Expr::col((person::Entity, person::Column::WithdrawnOn))),
        )
        .and_where(
            Expr::col((stay.clone(), admission::Column::DischargedOn))
                .is_null()
                .or(Expr::col((stay, admission::Column::DischargedOn))
                    .gt(Expr::col((person::Entity, person::Column::WithdrawnOn)))),
        )
        .to_owned();
    Query::select()
        .column((person::Entity, person::Column::Id))
        .from(person::Entity)
        .and_where(Expr::col((person::Entity, person::Column::Status)).eq(Status::Withdrawn))
        .and_where(Expr::exists(covering).not())
        .to_owned()
}

/// `SELECT id FROM people WHERE status = 'withdrawn'`.
fn withdrawn_people() -> SelectStatement {
    Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::Status.eq(Status::Withdrawn))
        .to_owned()
}

impl PersonLinked for person::Entity {
    fn not_withdrawn() -> Condition {
        Condition::all().add(person::Column::Status.ne(Status::Withdrawn))
    }

    fn not_about(gone: SelectStatement) -> Condition {
        Condition::all().add(person::Column::Id.not_in_subquery(gone))
    }
}

/// Tables whose `person_id` is always set.
macro_rules! linked {
    ($($m:ident),*) => {$(
        impl PersonLinked for $m::Entity {
            fn not_about(gone: SelectStatement) -> Condition {
                Condition::all().add($m::Column::PersonId.not_in_subquery(gone))
            }
        }
    )*};
}
linked!(
    consent,
    rating_event,
    risk_assessment,
    admission,
    visit,
    review,
    action,
    person_revision,
    review_addendum,
    person_due_item,
    person_note,
    document,
    document_content,
    escalation
);

/// The register's projections (today's answers, each entry's timeline) hold no row about a
/// withdrawn entry: the withdrawal's own transaction deletes them (`projection::refresh`, run by
/// `AuditedTx::commit` for every person an entry names), and their `status` is only ever
/// `active` or `closed`. The door still stands here, on their own column, so that a list
/// reading them does not look each row's person up as well.
macro_rules! projected {
    ($($m:ident),*) => {$(
        impl PersonLinked for $m::Entity {
            fn not_about(_: SelectStatement) -> Condition {
                Condition::all().add($m::Column::Status.ne(Status::Withdrawn))
            }
        }
    )*};
}
projected!(person_due, person_timeline);

/// The words a search seeks are rows of a projection row (`ON DELETE CASCADE`, migration
/// 000022): a withdrawal, which deletes the entry's projection row, deletes its words with it,
/// so no word of a withdrawn entry is ever there to read. Nothing to add here.
impl PersonLinked for person_due_word::Entity {
    fn not_about(_: SelectStatement) -> Condition {
        Condition::all()
    }
}

/// Tables whose rows may be about no one (a referral not yet accepted, a sign-in).
macro_rules! maybe_linked {
    ($($m:ident),*) => {$(
        impl PersonLinked for $m::Entity {
            fn not_about(gone: SelectStatement) -> Condition {
                Condition::any()
                    .add($m::Column::PersonId.is_null())
                    .add($m::Column::PersonId.not_in_subquery(gone))
            }
        }
    )*};
}
maybe_linked!(referral, audit_entry);

impl PersonLinked for admission_revision::Entity {
    fn not_about(gone: SelectStatement) -> Condition {
        let withdrawn_stays = Query::select()
            .column(admission::Column::Id)
            .from(admission::Entity)
            .and_where(admission::Column::PersonId.in_subquery(gone))
            .to_owned();
        Condition::all()
            .add(admission_revision::Column::AdmissionId.not_in_subquery(withdrawn_stays))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The person-linked tables, by the module names the code uses for them.
    const LINKED: &[&str] = &[
        "person",
        "consent",
        "consent_entity",
        "rating_event",
        "risk_assessment",
        "admission",
        "admission_revision",
        "visit",
        "review",
        "action",
        "referral",
        "person_revision",
        "person_due",
        "person_timeline",
        "person_due_item",
        "person_due_word",
        "audit_entry",
        "review_addendum",
        "person_note",
        "document",
        "document_content",
        "escalation",
    ];

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every query over a person-linked table goes through `Scope`; nothing else starts one
    /// (the demo and benchmark generators, `demo/` and `bench/seed.rs` with its tests, write
    /// their own synthetic data and are exempt).
    #[test]
    fn person_linked_reads_pass_the_door() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let exempt = [
            "services/scope.rs",
            "demo/mod.rs",
            "demo/referrals.rs",
            "bench/seed.rs",
            "bench/tests.rs",
        ];
        let mut offences = Vec::new();
        for file in files {
            let rel = file.strip_prefix(&src).expect("under src");
            let rel = rel.to_string_lossy().replace('\\', "/");
            if exempt.contains(&rel.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("read");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for table in LINKED {
                    for call in ["::Entity::find", "::Entity::find_by_id"] {
                        let needle = format!("{table}{call}");
                        let hit = code.match_indices(&needle).any(|(at, _)| {
                            at == 0 || {
                                let before = code.as_bytes()[at - 1];
                                !(before.is_ascii_alphanumeric() || before == b'_')
                            }
                        });
                        if hit {
                            offences.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
                        }
                    }
                }
                // An alias would hide the table's name from this check.
                if code.contains("::Entity as ") {
                    offences.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
        offences.dedup();
        assert!(
            offences.is_empty(),
            "person-linked rows read without services::scope (withdrawn means gone):\n{}",
            offences.join("\n")
        );
    }
}
