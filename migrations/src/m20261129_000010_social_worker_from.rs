//! `people.social_worker_from`: the day the social worker named on an entry (or their absence)
//! took effect, as the user gives it (valid time), so the duty to allocate a social worker to a
//! child in hospital reads who was named on each day, not when the entry was edited. Entries
//! that already name a social worker are taken to have had them since registration.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    SocialWorker,
    SocialWorkerFrom,
    RegisteredOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .add_column(date_null(People::SocialWorkerFrom))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(People::Table)
                    .value(People::SocialWorkerFrom, Expr::col(People::RegisteredOn))
                    .and_where(Expr::col(People::SocialWorker).is_not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .drop_column(People::SocialWorkerFrom)
                    .to_owned(),
            )
            .await
    }
}
