//! A CETR or CTR: scheduled with its panel, then held with its outcome (or cancelled).

use crate::domain::age::ReviewType;
use crate::domain::ids::{PersonId, ReviewId, UserId};
use crate::domain::review::ReviewKind;
use crate::domain::review::ReviewStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ReviewId,
    pub person_id: PersonId,
    pub kind: ReviewKind,
    pub review_type: ReviewType,
    pub status: ReviewStatus,
    pub scheduled_for: TimeDate,
    /// When it starts, `HH:MM` local time (Europe/London), if given.
    pub starts_at: Option<String>,
    /// Where it is held: a place, or a joining link for a video call.
    pub place: Option<String>,
    /// The day it was booked, as the user gave it (valid time).
    pub scheduled_on: TimeDate,
    pub due_by: Option<TimeDate>,
    pub chair_id: Option<UserId>,
    pub expert_by_experience_id: Option<UserId>,
    pub clinical_expert_id: Option<UserId>,
    pub held_on: Option<TimeDate>,
    /// JSON object: line of enquiry → finding.
    pub findings: Option<String>,
    pub recommendations: Option<String>,
    pub report_sent_on: Option<TimeDate>,
    /// The version of `policies/lines-of-enquiry.toml` it was held under.
    pub enquiry_version: Option<String>,
    /// JSON list of the lines of enquiry it was held under: `[{"key","question","easy"}]`.
    pub enquiry_lines: Option<String>,
    /// JSON `{"panel":[seat…],"others":[{"role","name"}]}`: who attended.
    pub attendance: Option<String>,
    /// The person's own words.
    pub person_views: Option<String>,
    /// The family's own words.
    pub family_views: Option<String>,
    /// What was agreed, in easy words (for the easy-read report).
    pub easy_words: Option<String>,
    /// JSON list of recipients of the report.
    pub report_sent_to: Option<String>,
    /// How the report was sent.
    pub report_sent_by: Option<String>,
    /// SHA-256 (hex) of the report recorded as sent, and of its easy-read version.
    pub report_sha256: Option<String>,
    pub easy_read_sha256: Option<String>,
    pub cancelled_reason: Option<String>,
    /// The day it was cancelled, as the user gave it.
    pub cancelled_on: Option<TimeDate>,
    /// The held review that scheduled this one.
    pub previous_review_id: Option<ReviewId>,
    pub created_by: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
