//! Schema migrations for tcr, one file per change. A landed migration is never edited: add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_register;
mod m20261123_000003_referrals;
mod m20261123_000004_reviews;
mod m20261123_000005_returns;
mod m20261123_000006_admission_revisions;
mod m20261129_000007_nhs_number_among_live;
mod m20261129_000008_signin;
mod m20261129_000009_valid_time;
mod m20261129_000010_social_worker_from;
mod m20261129_000011_corrections;
mod m20261129_000012_review_moves;
mod m20261129_000013_kept_forms;
mod m20261129_000014_find;
mod m20261129_000015_due_items;
mod m20261129_000016_timeline;
mod m20261129_000017_people_status;
mod m20261129_000018_timeline_search;
mod m20261129_000019_lists_covering;
mod m20261129_000020_register_version;
mod m20261129_000021_review_order;
mod m20261130_000022_search_words;
mod m20261130_000023_inpatients;
mod m20261130_000024_stay_items;
mod m20261130_000025_imports;
mod m20261130_000026_review_report;
mod m20261130_000027_record;
mod m20261130_000028_visits;
mod m20261130_000029_mail;
mod m20261130_000030_review_seats;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_register::Migration),
            Box::new(m20261123_000003_referrals::Migration),
            Box::new(m20261123_000004_reviews::Migration),
            Box::new(m20261123_000005_returns::Migration),
            Box::new(m20261123_000006_admission_revisions::Migration),
            Box::new(m20261129_000007_nhs_number_among_live::Migration),
            Box::new(m20261129_000008_signin::Migration),
            Box::new(m20261129_000009_valid_time::Migration),
            Box::new(m20261129_000010_social_worker_from::Migration),
            Box::new(m20261129_000011_corrections::Migration),
            Box::new(m20261129_000012_review_moves::Migration),
            Box::new(m20261129_000013_kept_forms::Migration),
            Box::new(m20261129_000014_find::Migration),
            Box::new(m20261129_000015_due_items::Migration),
            Box::new(m20261129_000016_timeline::Migration),
            Box::new(m20261129_000017_people_status::Migration),
            Box::new(m20261129_000018_timeline_search::Migration),
            Box::new(m20261129_000019_lists_covering::Migration),
            Box::new(m20261129_000020_register_version::Migration),
            Box::new(m20261129_000021_review_order::Migration),
            Box::new(m20261130_000022_search_words::Migration),
            Box::new(m20261130_000023_inpatients::Migration),
            Box::new(m20261130_000024_stay_items::Migration),
            Box::new(m20261130_000025_imports::Migration),
            Box::new(m20261130_000026_review_report::Migration),
            Box::new(m20261130_000027_record::Migration),
            Box::new(m20261130_000028_visits::Migration),
            Box::new(m20261130_000029_mail::Migration),
            Box::new(m20261130_000030_review_seats::Migration),
        ]
    }
}
