//! A file uploaded to a person's record, or to a review's pack (`review_id`).

use crate::domain::ids::{PersonId, ReviewId};
use crate::domain::record::{DocumentKind, Storage};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub person_id: PersonId,
    /// The review whose pack it belongs to; none for the person's own documents.
    pub review_id: Option<ReviewId>,
    /// As uploaded, made safe (`domain::record::safe_file_name`).
    pub file_name: String,
    pub title: String,
    pub kind: DocumentKind,
    /// Decided from the bytes (`domain::record::sniff`), never from the name.
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// In `document_contents`, or a file named by the id in `TCR_DOCUMENTS_DIR`.
    pub storage: Storage,
    pub uploaded_by: String,
    pub uploaded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
