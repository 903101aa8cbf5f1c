//! One spreadsheet brought in: previewed, then committed (or left as a preview).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub file_name: String,
    /// `xlsx` or `csv`.
    pub format: String,
    /// Of the file as uploaded: the same file imported twice is seen to be the same.
    pub sha256: String,
    pub sheet: Option<String>,
    /// JSON array: the file's column headers, in order (the page maps them without reading the
    /// file again).
    #[sea_orm(column_type = "Text")]
    pub headers: String,
    /// The file, kept between its preview and its commit, and dropped once committed.
    #[sea_orm(column_type = "Blob", nullable)]
    pub content: Option<Vec<u8>>,
    /// JSON: field name → the column's header.
    #[sea_orm(column_type = "Text")]
    pub mapping: String,
    /// `previewed` or `committed`.
    pub status: String,
    /// JSON: the count of rows by outcome.
    #[sea_orm(column_type = "Text")]
    pub counts: String,
    pub created_by: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub committed_by: Option<String>,
    pub committed_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
