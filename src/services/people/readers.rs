//! Who may read whom: the caller's share of the register, and one entry looked up within it.

use super::*;

/// The share of the register a user may read, from the permissions their role holds.
#[derive(Debug, Clone)]
pub struct Reader {
    pub(super) all: bool,
    pub(super) assigned_to: Option<crate::domain::ids::UserId>,
    /// Whether withdrawn entries are within reach (records administrators).
    pub scope: Scope,
}

impl Reader {
    /// The whole register (not withdrawn entries): an import, whose caller may add and edit
    /// anyone, and the command line.
    pub fn everyone() -> Self {
        Reader {
            all: true,
            assigned_to: None,
            scope: Scope::Register,
        }
    }

    pub fn of(app: &App, who: &SignedIn) -> Self {
        let has = |p| app.policies.access.allows(who.role(), p);
        Reader {
            all: has(Permission::PeopleRead),
            assigned_to: has(Permission::PeopleReadAssigned).then(|| who.user.id.clone()),
            scope: Scope::of(app, who),
        }
    }

    /// This reader's share within the register alone (`Scope::Register`): what an export reads,
    /// whoever asks, so a records administrator's withdrawn entries never leave in a file.
    pub fn register_only(&self) -> Reader {
        Reader {
            scope: Scope::Register,
            ..self.clone()
        }
    }

    /// The people of the live reviews this reader sits on (empty unless reading by assignment).
    pub(super) async fn assigned(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<std::collections::HashSet<PersonId>, AppError> {
        match (&self.assigned_to, self.all) {
            (Some(user), false) => Ok(crate::services::reviews::assigned_people(
                db, self.scope, user,
            )
            .await?
            .into_iter()
            .collect()),
            _ => Ok(Default::default()),
        }
    }

    /// Within this reader's share: the whole register, the people of their reviews, or (for a
    /// records administrator, whose scope reaches them) the withdrawn entries.
    pub(super) fn may_read(
        &self,
        p: &person::Model,
        assigned: &std::collections::HashSet<PersonId>,
    ) -> bool {
        if p.status == Status::Withdrawn {
            return self.scope == Scope::Retained;
        }
        self.all || assigned.contains(&p.id)
    }
}

/// A readable person's name, "Given Family", and whether their entry is active: what the
/// pages' headings need of them.
#[derive(Debug, Clone)]
pub struct NameOf {
    pub full_name: String,
    pub active: bool,
}

/// `find_readable`, as the name the pages show.
pub async fn name_of(
    db: &impl ConnectionTrait,
    reader: &Reader,
    id: &PersonId,
) -> Result<NameOf, AppError> {
    let p = find_readable(db, reader, id).await?;
    Ok(NameOf {
        full_name: format!("{} {}", p.given_name, p.family_name),
        active: p.status == Status::Active,
    })
}

/// Loads a person the reader may see; anyone else is "not found" (existence is not revealed).
pub async fn find_readable(
    db: &impl ConnectionTrait,
    reader: &Reader,
    id: &PersonId,
) -> Result<person::Model, AppError> {
    let assigned = reader.assigned(db).await?;
    reader
        .scope
        .by_id::<person::Entity>(id)
        .one(db)
        .await?
        .filter(|p| reader.may_read(p, &assigned))
        .ok_or_else(|| AppError::not_found("Person"))
}
