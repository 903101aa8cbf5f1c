//! The projection's version: one row, moved on by every transaction that changes the register's
//! projection (`services::people::projection::refresh`, the rebuild). A count over the
//! projection read at version V stays true while the version is V, so each server may keep the
//! counts it has made (`services::counted`) and check one number instead of counting again;
//! servers sharing a database each check the shared number, so none can serve another's
//! stale count.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RegisterVersion {
    Table,
    Id,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RegisterVersion::Table)
                    .col(
                        ColumnDef::new(RegisterVersion::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RegisterVersion::Version)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(RegisterVersion::Table)
                    .columns([RegisterVersion::Id, RegisterVersion::Version])
                    .values_panic([1.into(), 0i64.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RegisterVersion::Table).to_owned())
            .await
    }
}
