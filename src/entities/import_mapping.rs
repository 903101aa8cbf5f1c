//! A column mapping saved for the next file with the same headers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_mappings")]
pub struct Model {
    /// SHA-256 of the file's headers, folded and in order.
    #[sea_orm(primary_key, auto_increment = false)]
    pub headers_key: String,
    /// JSON: field name → header.
    #[sea_orm(column_type = "Text")]
    pub mapping: String,
    pub saved_by: String,
    pub saved_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
