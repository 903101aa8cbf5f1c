//! Use cases. A service owns its transaction, calls the domain rules, writes the audit entry in
//! the same transaction, and returns plain views. Handlers call exactly one service function.

pub mod admissions;
pub mod audit;
pub mod corrections;
pub mod counted;
pub mod dashboard;
pub mod diary;
pub mod due;
pub mod escalations;
pub mod export;
pub mod figures;
pub mod import;
pub mod input;
pub mod kept;
pub mod mail;
pub mod people;
pub mod record;
pub mod referrals;
pub mod returns;
pub mod review_amend;
pub mod review_list;
pub mod review_moves;
pub mod reviews;
pub mod risk;
pub mod schema;
pub mod scope;
pub mod sessions;
pub mod users;
pub mod watch;
pub mod worklists;

use crate::clock::Clock;
use crate::config::Settings;
use crate::policy::Policies;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// What every service needs, managed as Rocket state.
#[derive(Clone)]
pub struct App {
    pub db: DatabaseConnection,
    pub policies: Arc<Policies>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    /// One writer at a time on SQLite (`db::WriteGate`).
    pub writes: crate::db::WriteGate,
    /// The counts this server has made over the projection (`counted`).
    pub counts: counted::Counted,
}

/// Who is acting, as the audit trail records them.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<crate::domain::ids::UserId>,
    pub username: String,
    pub role: String,
}

impl Actor {
    /// The command line, acting with administrator powers on the machine that runs tcr.
    pub fn cli() -> Self {
        Actor {
            user_id: None,
            username: "cli".into(),
            role: "admin".into(),
        }
    }

    /// The service itself (first start).
    pub fn system() -> Self {
        Actor {
            user_id: None,
            username: "system".into(),
            role: "system".into(),
        }
    }
}
