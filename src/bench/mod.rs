//! A fast synthetic register for benchmarks (the monthly return at 10,000 and 100,000 people).
//!
//! Unlike [`crate::demo`], nothing goes through the services: rows are generated in memory,
//! person by person, and written with multi-row `INSERT`s (`insert_many`) of
//! floor(limit / columns) rows, the limit being the backend's bound-parameter maximum (SQLite
//! 32,766; PostgreSQL 65,535). One producer generates chunks of 4,096 people in order; on
//! PostgreSQL two writers (two pooled connections, each with its own transaction) insert them
//! concurrently, which overlaps encoding with the server's work; SQLite has one writer, with a
//! 256 MiB page cache while it seeds. The transactions are committed only once every insert has
//! succeeded, so a failure while inserting leaves nothing behind (only a failure between the
//! two commits on PostgreSQL could leave half). Only the domain tables are
//! written (people, consents, risk assessments, rating events, admissions, visits, reviews,
//! actions, referrals): there are no audit entries and no users.
//!
//! The data still obeys the register's rules, so every read path works on it: each person has
//! a consent valid for their age on the day it was recorded, a unique NHS number in the `999`
//! test range with a correct check digit, and a dated rating history the hospital rules accept
//! (no assessment while in hospital, blue from admission, red on discharge and for the 14 days
//! after it). Risk assessments are scored with a copy of `policies/risk-tool.toml`
//! (version `2020-tcr-1`). Review panels are left empty (no users are written or read), so the
//! same `seed` gives the same rows on any database.
//!
//! Everything is deterministic for a given `seed` and `today`: ids are UUID-v4-shaped strings
//! drawn from a per-person `SplitMix64` stream.
//!
//! `tcr bench` measures the returns and the dashboard on such a register, each in a child
//! process ([`returns`]). `tcr bench --load` serves such a register and drives it with
//! concurrent clients: [`serve`] runs it, [`load`] drives the routes and sums up, [`http`] is its
//! small HTTP/1.1 client. `tcr bench --figures` times the figures over time ([`figures`]). All
//! set up their databases and paths with `setup`.
//!
//! The seeding's parts: `seed` writes the rows ([`seed_synthetic`], then [`project`]),
//! `generate` draws each person's rows, `rng` is the randomness and the NHS numbers, `tool` the
//! copy of the risk tool, `words` the vocabularies.

pub mod figures;
pub mod http;
pub mod import;
pub mod load;
pub mod returns;
pub mod serve;

mod generate;
mod rng;
mod seed;
mod setup;
mod tool;
mod words;

#[cfg(test)]
mod tests;

pub use seed::{SeedStats, project, seed_synthetic};
