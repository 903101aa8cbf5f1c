//! What scheduling, holding, cancelling a review and updating an action send.

use super::*;

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewReview {
    /// `community`, `laep`, `post_admission`, `inpatient` or `follow_up`.
    #[schemars(with = "ReviewKind")]
    pub kind: Option<String>,
    #[schemars(with = "crate::services::schema::Day")]
    pub scheduled_for: Option<String>,
    /// The day it was booked (default today, or the review's date when that is earlier): not
    /// before the person joined the register (nor, for a review of a stay, before the
    /// admission), not after the review's date, not in the future.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub scheduled_on: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub chair_id: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub expert_by_experience_id: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Id>")]
    pub clinical_expert_id: Option<String>,
    /// When it starts, `HH:MM` (24-hour clock, UK local time).
    #[schemars(with = "Option<crate::services::schema::StartTime>")]
    pub starts_at: Option<String>,
    /// Where it is held: a place, or a joining link for a video call.
    #[schemars(with = "Option<crate::services::schema::Text<500>>")]
    pub place: Option<String>,
    /// Pages set this to ask before booking a weekend or bank holiday (the API takes the date
    /// as given).
    #[serde(skip)]
    #[schemars(skip)]
    pub ask_day_off: bool,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct NewAction {
    #[schemars(with = "crate::services::schema::Text<200>")]
    pub who: Option<String>,
    #[schemars(with = "crate::services::schema::Text<5_000>")]
    pub what: Option<String>,
    /// The day it is due (`YYYY-MM-DD`), not before the review.
    #[schemars(with = "crate::services::schema::Day")]
    pub when: Option<String>,
    #[schemars(with = "crate::services::schema::Text<5_000>")]
    pub how: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Outcome {
    #[schemars(with = "crate::services::schema::Day")]
    pub held_on: Option<String>,
    /// One finding for each key line of enquiry the review is held under
    /// (`policies/lines-of-enquiry.toml`; the review's `lines_of_enquiry`): `safe`,
    /// `current_care`, `daily_life`, `physical_health`, `future_plan`, `need_for_hospital`, and
    /// `education` in a CETR.
    #[schemars(with = "crate::services::schema::Findings")]
    pub findings: Option<BTreeMap<String, String>>,
    #[schemars(with = "crate::services::schema::Text<20_000>")]
    pub recommendations: Option<String>,
    #[schemars(with = "Option<Vec<NewAction>>")]
    pub actions: Option<Vec<NewAction>>,
    /// For someone not on the register (an inpatient-only entry), whose review rests on their
    /// agreement rather than register consent: `true` that they agreed to it being held.
    pub person_agreed: Option<bool>,
    /// Who attended: the panel's seats that were there, and others by role.
    pub attendance: Option<AttendanceInput>,
    /// The person's own words.
    #[schemars(with = "Option<crate::services::schema::Text<10_000>>")]
    pub person_views: Option<String>,
    /// The family's own words.
    #[schemars(with = "Option<crate::services::schema::Text<10_000>>")]
    pub family_views: Option<String>,
    /// What was agreed, in easy words: the easy-read report's "What we agreed".
    #[schemars(with = "Option<crate::services::schema::Text<2_000>>")]
    pub easy_words: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AttendanceInput {
    /// The panel's seats that attended: `chair`, `expert_by_experience`, `clinical_expert`.
    #[schemars(with = "Option<Vec<crate::domain::enquiry::Seat>>")]
    pub panel: Option<Vec<String>>,
    /// Everyone else who took part, by role; a name is optional.
    pub others: Option<Vec<AttendeeInput>>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AttendeeInput {
    #[schemars(with = "crate::domain::enquiry::AttendeeRole")]
    pub role: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Text<200>>")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ReportSent {
    #[schemars(with = "crate::services::schema::Day")]
    pub sent_on: Option<String>,
    /// To whom: `person`, `family`, `advocate`, `provider`, `care_coordinator`,
    /// `social_worker`, `gp`, `education`, `commissioner` (the pages ask for at least one).
    #[schemars(with = "Option<Vec<crate::domain::enquiry::Recipient>>")]
    pub sent_to: Option<Vec<String>>,
    /// How: `secure_email`, `post`, `by_hand` or `portal`.
    #[schemars(with = "Option<crate::domain::enquiry::SentBy>")]
    pub sent_by: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Cancel {
    #[schemars(with = "crate::services::schema::Text<2_000>")]
    pub reason: Option<String>,
    /// The day it was cancelled (default today): not before it was booked, not in the future.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub cancelled_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ActionUpdate {
    /// `open`, `done` (with `completed_on`) or `dropped` (with a `note` giving the reason).
    #[schemars(with = "ActionStatus")]
    pub status: Option<String>,
    /// The day it was done (required for `done`) or dropped (default today): not before the
    /// review that agreed it, not in the future.
    #[schemars(with = "Option<crate::services::schema::Day>")]
    pub completed_on: Option<String>,
    #[schemars(with = "Option<crate::services::schema::Note<5_000>>")]
    pub note: Option<String>,
}
