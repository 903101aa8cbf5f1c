//! Counts over the register (and the few other answers that read all of it: the owners named
//! on actions, the local authorities), kept by this server between requests while the register
//! stands still. Every audited write and every change to the projection moves the register's version on
//! (`register_version`, in that transaction: [`moved`]); a count is reused only when it was made
//! at the version the database holds now and for the same day, so checking one row replaces
//! counting tens of thousands. Servers sharing one database each keep their own counts and each
//! check the shared version, so no server can show a count another's write has made untrue,
//! and nothing in memory needs sharing. A count is made after reading the version: a write
//! landing in between can only leave a count filed under a version already gone.

use crate::entities::register_version;
use crate::error::AppError;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryTrait, Select,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::Date;

/// How many counts a server keeps (each under a hundred bytes: a count is filed under the
/// SHA-256 of what names it, so neither a long query nor the words of a search are held);
/// past it, it starts afresh.
const KEPT: usize = 1_024;

/// Moves the projection's version on, inside the caller's transaction: every count made
/// before it is no longer reused.
pub async fn moved(db: &impl ConnectionTrait) -> Result<(), AppError> {
    register_version::Entity::update_many()
        .col_expr(
            register_version::Column::Version,
            Expr::col(register_version::Column::Version).add(1),
        )
        .filter(register_version::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(())
}

/// The projection's version now.
pub async fn version(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    let row = register_version::Entity::find_by_id(1).one(db).await?;
    row.map(|r| r.version)
        .ok_or_else(|| AppError::internal("the register's version row is missing"))
}

/// How many rows `select` gives, counted once for each version of the register and day: its
/// SQL text with its values names the count.
pub async fn rows<E>(app: &super::App, select: Select<E>) -> Result<u64, AppError>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let at = Counted::at(&app.db, app.clock.today()).await?;
    let what = format!("rows of {}", select.build(app.db.get_database_backend()));
    app.counts
        .get(
            at,
            &what,
            || async move { Ok(select.count(&app.db).await?) },
        )
        .await
}

/// What a count is filed under: the SHA-256 of what names it.
fn filed(what: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(what.as_bytes()).into()
}

/// A count (or a set of counts) as kept, with the version and day it was made for.
type Kept = (i64, Date, Arc<dyn std::any::Any + Send + Sync>);

/// This server's counts, by what was counted.
#[derive(Clone, Default)]
pub struct Counted(Arc<Mutex<HashMap<[u8; 32], Kept>>>);

/// The version a request reads its counts at: read once, used for each of its counts.
#[derive(Clone, Copy, Debug)]
pub struct At {
    pub version: i64,
    pub day: Date,
}

impl Counted {
    /// The version to count at for `day` (one read of one row).
    pub async fn at(db: &impl ConnectionTrait, day: Date) -> Result<At, AppError> {
        Ok(At {
            version: version(db).await?,
            day,
        })
    }

    /// The count named `what` at `at`: kept, or made by `count` and kept. `what` names the
    /// query with its values (its SQL text, say), never a person's details alone.
    pub async fn get<T, F, Fut>(&self, at: At, what: &str, count: F) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        if let Some(n) = self.kept::<T>(at, what) {
            return Ok(n);
        }
        let n = count().await?;
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(filed(what), (at.version, at.day, Arc::new(n.clone())));
        Ok(n)
    }

    fn kept<T: Clone + 'static>(&self, at: At, what: &str) -> Option<T> {
        let kept = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match kept.get(&filed(what)) {
            Some((v, d, n)) if *v == at.version && *d == at.day => n.downcast_ref::<T>().cloned(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[rocket::async_test]
    async fn a_count_is_reused_only_at_its_version_and_day() {
        let counted = Counted::default();
        let day = date!(2026 - 11 - 29);
        let at = At { version: 3, day };
        let made = |n: u64| move || async move { Ok::<u64, AppError>(n) };
        assert_eq!(counted.get(at, "red", made(5)).await.unwrap(), 5);
        // Kept: the second count is not made.
        assert_eq!(counted.get(at, "red", made(6)).await.unwrap(), 5);
        // Another thing counted, another version, another day: counted again.
        assert_eq!(counted.get(at, "amber", made(7)).await.unwrap(), 7);
        let later = At { version: 4, day };
        assert_eq!(counted.get(later, "red", made(8)).await.unwrap(), 8);
        let tomorrow = At {
            version: 4,
            day: date!(2026 - 11 - 30),
        };
        assert_eq!(counted.get(tomorrow, "red", made(9)).await.unwrap(), 9);
        // A failed count keeps nothing.
        let failed = || async { Err::<u64, AppError>(AppError::internal("x")) };
        let next = At { version: 5, day };
        assert!(counted.get(next, "red", failed).await.is_err());
        assert_eq!(counted.get(next, "red", made(10)).await.unwrap(), 10);
    }
}
