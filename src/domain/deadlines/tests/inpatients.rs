//! The engine for inpatients: an inpatient-only entry's duties, and the notification of an
//! admission to a hospital rated inadequate.

use super::*;

/// An admission to a hospital rated inadequate owes a notification, due three days after the
/// rating was recorded for the stay, until a notification dated by then is recorded; a later
/// rating that is not inadequate ends it; a day before the rating owes none.
#[test]
fn an_inadequate_hospital_owes_a_notification_until_it_is_sent() {
    let admitted = date!(2026 - 03 - 02);
    let mut f = adult();
    let mut s = stay("s", admitted, Security::None);
    let inadequate = |notified_on| Cqc {
        inadequate: true,
        notified_on,
    };
    s.cqc = vec![
        (admitted, Cqc::default()),
        (date!(2026 - 03 - 10), inadequate(None)),
        (
            date!(2026 - 03 - 20),
            inadequate(Some(date!(2026 - 03 - 19))),
        ),
    ];
    f.stays.push(s);
    let told = |day| {
        find(&owed_on(&f, day), |o| {
            matches!(o, Owed::Notification { .. })
        })
        .map(|i| (i.due, i.overdue))
    };
    assert_eq!(told(date!(2026 - 03 - 09)), None);
    assert_eq!(
        told(date!(2026 - 03 - 10)),
        Some((date!(2026 - 03 - 13), false))
    );
    assert_eq!(
        told(date!(2026 - 03 - 14)),
        Some((date!(2026 - 03 - 13), true))
    );
    assert_eq!(
        told(date!(2026 - 03 - 20)),
        None,
        "the notification of the 19th is recorded"
    );
    // The item's word is the API's.
    assert_eq!(
        Owed::Notification {
            stay_id: StayId::from_text("s")
        }
        .kind()
        .as_str(),
        "notification"
    );
}

/// An inpatient-only entry (not on the register) is owed what its stay brings — the
/// post-admission review, visits — but not the register's community duties (a red rating's
/// review); before the entry began, nothing; once they join the register, everything.
#[test]
fn an_inpatient_only_entry_is_owed_the_stay_not_the_register() {
    let admitted = date!(2026 - 03 - 02);
    let mut f = Facts {
        standing: Some(Standing {
            status: Status::InpatientOnly,
            registered_on: admitted,
            closed_on: None,
            inpatient_only_from: Some(admitted),
            withdrawn_on: None,
        }),
        ..adult()
    };
    f.stays.push(stay("s", admitted, Security::None));
    f.stays[0].discharged_on = Some(date!(2026 - 05 - 01));
    f.ratings.push(RatingEvent {
        rating: Rating::Red,
        effective_on: date!(2026 - 05 - 01),
        seq: 1,
    });
    assert!(owed_on(&f, date!(2026 - 03 - 01)).is_empty());
    let in_hospital = owed_on(&f, date!(2026 - 03 - 03));
    assert!(find(&in_hospital, |o| matches!(o, Owed::Visit { .. })).is_some());
    assert!(
        find(&in_hospital, |o| matches!(
            o,
            Owed::UnscheduledReview {
                why: Why::Admission,
                ..
            }
        ))
        .is_some()
    );
    // Discharged and red: a register entry would owe a review within 14 days; this one owes none.
    assert!(owed_on(&f, date!(2026 - 05 - 02)).is_empty());
    // Joined the register on 1 May: from then the register's duties apply.
    f.standing = Some(Standing {
        status: Status::Active,
        registered_on: date!(2026 - 05 - 01),
        ..f.standing.unwrap()
    });
    assert!(!owed_on(&f, date!(2026 - 05 - 02)).is_empty());
}
