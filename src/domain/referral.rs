//! Referrals to the single point of access: when a decision is due, when it is overdue, and
//! what the referral's own risk tool answers suggest.

use time::{Date, Duration};

super::vocabulary::vocabulary!(ReferralStatus {
    AwaitingDecision = "awaiting_decision",
    Accepted = "accepted",
    Declined = "declined",
});

/// The decision is due this many days after receipt (`referral_decision_days`).
pub fn decision_due(received_on: Date, days: u32) -> Date {
    received_on + Duration::days(i64::from(days))
}

/// Overdue: still awaiting a decision after the day it was due.
pub fn is_overdue(status: ReferralStatus, due: Date, today: Date) -> bool {
    status == ReferralStatus::AwaitingDecision && today > due
}

/// The first receipt day whose decision is not yet overdue at the end of `today`: a referral
/// still awaiting a decision is overdue ([`is_overdue`]) exactly when it was received before this
/// day. A bound a query can compare the stored receipt day with, so the rule stays here.
pub fn overdue_if_received_before(today: Date, days: u32) -> Date {
    today - Duration::days(i64::from(days))
}

/// Days until the decision is due (negative once overdue).
pub fn days_left(due: Date, today: Date) -> i64 {
    (due - today).whole_days()
}

/// No multi-disciplinary team meeting was held before referring: flagged to the commissioner.
pub fn mdt_missing(mdt_held_on: Option<Date>) -> bool {
    mdt_held_on.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn due_twenty_eight_days_after_receipt_and_overdue_the_day_after() {
        let received = date!(2026 - 01 - 31);
        let due = decision_due(received, 28);
        assert_eq!(due, date!(2026 - 02 - 28));
        let awaiting = ReferralStatus::AwaitingDecision;
        assert!(!is_overdue(awaiting, due, date!(2026 - 02 - 27)));
        assert!(
            !is_overdue(awaiting, due, due),
            "due today is not yet overdue"
        );
        assert!(is_overdue(awaiting, due, date!(2026 - 03 - 01)));
        assert!(!is_overdue(
            ReferralStatus::Accepted,
            due,
            date!(2026 - 03 - 01)
        ));
        assert!(!is_overdue(
            ReferralStatus::Declined,
            due,
            date!(2026 - 03 - 01)
        ));
        assert_eq!(days_left(due, date!(2026 - 02 - 20)), 8);
        assert_eq!(days_left(due, date!(2026 - 03 - 02)), -2);
        assert_eq!(
            decision_due(date!(2028 - 02 - 01), 28),
            date!(2028 - 02 - 29),
            "leap year"
        );
    }

    #[test]
    fn the_bound_for_a_query_agrees_with_the_rule() {
        let today = date!(2026 - 03 - 01);
        for days in [0, 1, 28, 29, 90] {
            let bound = overdue_if_received_before(today, days);
            for back in 0..120 {
                let received = today - Duration::days(back);
                assert_eq!(
                    received < bound,
                    is_overdue(
                        ReferralStatus::AwaitingDecision,
                        decision_due(received, days),
                        today
                    ),
                    "received {received}, {days} days"
                );
            }
        }
    }

    #[test]
    fn mdt_flag() {
        assert!(mdt_missing(None));
        assert!(!mdt_missing(Some(date!(2026 - 01 - 02))));
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            ReferralStatus::AwaitingDecision,
            ReferralStatus::Accepted,
            ReferralStatus::Declined,
        ] {
            assert_eq!(ReferralStatus::parse(s.as_str()), Some(s));
        }
    }
}
