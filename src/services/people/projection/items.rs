//! One thing owed, as the projection stores it (`person_due_items`) and read back: everything
//! needed to give the deadline engine's item back, and the API's word for it to count by.

use crate::domain::deadlines::{self, Item, Owed, Why};
use crate::domain::ids::PersonId;
use crate::domain::review::ReviewKind;
use crate::entities::person_due_item;
use time::Date;

/// The words an item's row stores for why a review is owed.
fn why_word(why: Why) -> &'static str {
    match why {
        Why::Admission => "admission",
        Why::Inpatient => "inpatient",
        Why::Red => "red",
        Why::FollowUp => "follow_up",
    }
}

fn why_of(word: &str) -> Option<Why> {
    [Why::Admission, Why::Inpatient, Why::Red, Why::FollowUp]
        .into_iter()
        .find(|w| why_word(*w) == word)
}

/// One thing owed as its row: everything needed to give the engine's item back
/// ([`owed_of`]), and the API's word for it to count by.
pub(super) fn item_row(person_id: &PersonId, seq: i32, item: &Item) -> person_due_item::Model {
    let mut row = person_due_item::Model {
        person_id: person_id.clone(),
        seq,
        owed: String::new(),
        kind: item.owed.kind(),
        review_kind: None,
        why: None,
        review_id: None,
        action_id: None,
        stay_id: None,
        held_on: None,
        due: item.due,
        review_on: None,
        review_booked_at: None,
    };
    let tag = match &item.owed {
        Owed::ScheduledReview { review_id, kind } => {
            row.review_id = Some(review_id.clone());
            row.review_kind = Some(kind.as_str().to_string());
            "scheduled_review"
        }
        Owed::UnscheduledReview { kind, why } => {
            row.review_kind = Some(kind.as_str().to_string());
            row.why = Some(why_word(*why).to_string());
            "unscheduled_review"
        }
        Owed::Report {
            review_id,
            kind,
            held_on,
        } => {
            row.review_id = Some(review_id.clone());
            row.review_kind = Some(kind.as_str().to_string());
            row.held_on = Some(*held_on);
            "report"
        }
        Owed::Visit { stay_id } => {
            row.stay_id = Some(stay_id.clone());
            "visit"
        }
        Owed::SocialWorker { stay_id } => {
            row.stay_id = Some(stay_id.clone());
            "social_worker"
        }
        Owed::Notification { stay_id } => {
            row.stay_id = Some(stay_id.clone());
            "notification"
        }
        Owed::Action {
            action_id,
            review_id,
        } => {
            row.action_id = Some(action_id.clone());
            row.review_id = Some(review_id.clone());
            "action"
        }
    };
    row.owed = tag.to_string();
    row
}

/// The engine's item a row holds, with whether it is overdue at the end of `today`; none for
/// a row this version cannot read.
pub fn owed_of(row: &person_due_item::Model, today: Date) -> Option<Item> {
    let review_kind = || row.review_kind.as_deref().and_then(ReviewKind::parse);
    let owed = match row.owed.as_str() {
        "scheduled_review" => Owed::ScheduledReview {
            review_id: row.review_id.clone()?,
            kind: review_kind()?,
        },
        "unscheduled_review" => Owed::UnscheduledReview {
            kind: review_kind()?,
            why: why_of(row.why.as_deref()?)?,
        },
        "report" => Owed::Report {
            review_id: row.review_id.clone()?,
            kind: review_kind()?,
            held_on: row.held_on?,
        },
        "visit" => Owed::Visit {
            stay_id: row.stay_id.clone()?,
        },
        "social_worker" => Owed::SocialWorker {
            stay_id: row.stay_id.clone()?,
        },
        "notification" => Owed::Notification {
            stay_id: row.stay_id.clone()?,
        },
        "action" => Owed::Action {
            action_id: row.action_id.clone()?,
            review_id: row.review_id.clone()?,
        },
        _ => return None,
    };
    Some(Item {
        owed,
        due: row.due,
        overdue: deadlines::is_overdue(row.due, today),
    })
}
