//! The lists as the reports' sheets: the columns a reader sees on each list's page, typed (days
//! as dates, ages and counts as numbers, yes/no as booleans). Every answer is the list's own
//! (overdue, due dates, ratings): nothing is worked out again here.

use crate::reports::sheet::{Cell, Sheet};
use crate::services::people::PersonView;
use crate::services::referrals::ReferralView;
use crate::services::reviews::ReviewView;
use crate::services::worklists::ActionItem;

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// The register list.
pub(super) fn people(items: &[PersonView]) -> Sheet {
    let mut sheet = Sheet::new(
        "Register",
        &[
            "NHS number",
            "Family name",
            "Given name",
            "Date of birth",
            "Age",
            "Age band",
            "Sex",
            "Ethnic category code",
            "Ethnic category",
            "Local authority",
            "Setting",
            "Rating",
            "Rating since",
            "Status",
            "In hospital",
            "Next review due",
            "Overdue",
            "What is overdue",
            "Keyworker",
            "Social worker",
            "On the register since",
        ],
    );
    for p in items {
        sheet.rows.push(vec![
            text(&p.nhs_number),
            text(&p.family_name),
            text(&p.given_name),
            Cell::Date(p.date_of_birth),
            Cell::count(p.age),
            text(p.age_band.as_str()),
            text(p.sex.label()),
            Cell::text(p.ethnicity.map(|e| e.as_str())),
            Cell::text(p.ethnicity.map(|e| e.label())),
            text(&p.local_authority),
            text(p.setting.label()),
            Cell::text(p.rating.map(|r| r.label())),
            Cell::date(p.rating_since),
            text(p.status.label()),
            Cell::Bool(p.in_hospital),
            Cell::date(p.next_review_due),
            Cell::Bool(!p.overdue.is_empty()),
            text(&p.overdue.join("; ")),
            Cell::text(p.keyworker.clone()),
            Cell::text(p.social_worker.clone()),
            Cell::date(p.registered_on),
        ]);
    }
    sheet
}

/// The reviews list.
pub(super) fn reviews(items: &[ReviewView]) -> Sheet {
    let mut sheet = Sheet::new(
        "Reviews",
        &[
            "Person",
            "Type",
            "Kind",
            "Status",
            "Due by",
            "Scheduled for",
            "Booked on",
            "Overdue",
            "Held on",
            "Chair",
            "Report due by",
            "Report sent on",
            "Report overdue",
            "Cancelled on",
        ],
    );
    for r in items {
        sheet.rows.push(vec![
            text(&r.person_name),
            text(&r.review_type.to_uppercase()),
            text(r.kind.label()),
            text(r.status.as_str()),
            Cell::date(r.due_by),
            Cell::Date(r.scheduled_for),
            Cell::Date(r.scheduled_on),
            Cell::Bool(r.overdue),
            Cell::date(r.held_on),
            Cell::text(r.chair.as_ref().map(|c| c.name.clone())),
            Cell::date(r.report_due_by),
            Cell::date(r.report_sent_on),
            Cell::Bool(r.report_overdue),
            Cell::date(r.cancelled_on),
        ]);
    }
    sheet
}

/// The actions tracker: WHO, WHAT, WHEN, HOW, with the list's own overdue.
pub(super) fn actions(items: &[ActionItem]) -> Sheet {
    let mut sheet = Sheet::new(
        "Actions",
        &[
            "Person",
            "Review",
            "WHO",
            "WHAT",
            "WHEN",
            "HOW",
            "Status",
            "Overdue",
            "Done or dropped on",
            "Note",
        ],
    );
    for item in items {
        let a = &item.action;
        sheet.rows.push(vec![
            text(&item.person_name),
            text(&a.review_id),
            text(&a.who),
            text(&a.what),
            Cell::Date(a.when),
            text(&a.how),
            text(a.status.as_str()),
            Cell::Bool(a.overdue),
            Cell::date(a.completed_on),
            Cell::text(a.note.clone()),
        ]);
    }
    sheet
}

/// The referrals list.
pub(super) fn referrals(items: &[ReferralView]) -> Sheet {
    let mut sheet = Sheet::new(
        "Referrals",
        &[
            "Received",
            "Family name",
            "Given name",
            "Date of birth",
            "NHS number",
            "Referrer",
            "Referrer's role",
            "Status",
            "Decision due",
            "Overdue",
            "Decided on",
            "Reason for the decision",
            "Outcome sent on",
        ],
    );
    for r in items {
        sheet.rows.push(vec![
            Cell::Date(r.received_on),
            text(&r.family_name),
            text(&r.given_name),
            Cell::Date(r.date_of_birth),
            Cell::text(r.nhs_number.clone()),
            text(&r.referrer_name),
            text(&r.referrer_role),
            text(r.status.as_str()),
            Cell::Date(r.decision_due_by),
            Cell::Bool(r.overdue),
            Cell::date(r.decided_on),
            Cell::text(r.decision_reason.clone()),
            Cell::date(r.outcome_sent_on),
        ]);
    }
    sheet
}
