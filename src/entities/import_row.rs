//! One row of an import and what became of it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_rows")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub import_id: String,
    /// The row's number in the spreadsheet (the header is row 1).
    #[sea_orm(primary_key, auto_increment = false)]
    pub line: i32,
    /// `add`, `update`, `unchanged`, `duplicate`, `needs_consent` or `refused`.
    pub outcome: String,
    /// The entry added or updated (or matched, for `unchanged`); read through the register's
    /// scope like any person, so a withdrawn entry is gone from here too.
    pub person_id: Option<String>,
    /// JSON array of `field: why` for refused, duplicate and needs-consent rows.
    #[sea_orm(column_type = "Text")]
    pub reasons: String,
    /// JSON array of the fields an update changes.
    #[sea_orm(column_type = "Text")]
    pub changes: String,
    /// JSON: NHS number, names and date of birth, only for a row that did not enter the register
    /// (the worklist of who needs consent, or correcting).
    #[sea_orm(column_type = "Text", nullable)]
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
