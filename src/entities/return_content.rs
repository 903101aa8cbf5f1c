//! The identifiable part of a generated return: its per-person rows, the people in its
//! changes, and the PDF bytes. Kept apart so lists and figures never load them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "return_contents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub return_id: String,
    /// JSON array of the monthly or weekly rows.
    #[sea_orm(column_type = "Text")]
    pub rows: String,
    /// JSON: the full changes, with the people in them.
    #[sea_orm(column_type = "Text")]
    pub changes: String,
    #[sea_orm(column_type = "Blob")]
    pub pdf: Vec<u8>,
    /// JSON array of a monthly return's spells in hospital at its end (the Assuring
    /// Transformation cut); none for a weekly return, whose rows are those, and for monthly
    /// returns stored before migration 000024.
    #[sea_orm(column_type = "Text", nullable)]
    pub inpatients: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
