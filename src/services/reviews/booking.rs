//! Scheduling a review: the panel (no one on two reviews in a day), the due date its kind
//! carries, the booking.

use super::*;

/// The most actions one review's plan may hold (a real plan has up to twenty or so).
pub const MAX_ACTIONS: usize = 50;

/// The seats as chosen: `(field, user id)` for `chair_id`, `expert_by_experience_id` and
/// `clinical_expert_id`.
pub(crate) type Seats<'a> = [(&'static str, &'a Option<String>)];

fn given(id: &Option<String>) -> Option<&str> {
    id.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Checks each chosen panel member is an active user of a role that can sit in that seat and,
/// in a member seat, of that seat's panel kind. A person chosen for two seats is left to the
/// panel rule (three different people).
pub(crate) async fn check_panel(
    c: &mut Check,
    db: &impl ConnectionTrait,
    seats: &Seats<'_>,
) -> Result<Panel, AppError> {
    let mut panel = Panel::default();
    for (field, id) in seats {
        let field = *field;
        let (roles, who): (&[Role], &str) = if field == "chair_id" {
            (
                &[Role::PanelChair, Role::Commissioner],
                "a panel chair or commissioner",
            )
        } else {
            (&[Role::PanelMember], "a panel member")
        };
        let Some(id) = given(id) else {
            continue;
        };
        let twice = seats
            .iter()
            .any(|(other, o)| *other != field && given(o) == Some(id));
        // Not a user id at all (a crafted form, a stray control character): nobody to look up.
        let found = match uuid::Uuid::parse_str(id) {
            Ok(_) => {
                user::Entity::find_by_id(UserId::from_text(id))
                    .one(db)
                    .await?
            }
            Err(_) => None,
        };
        match found {
            Some(u) if u.active && roles.contains(&u.role) => {
                let kind = u.panel_kind;
                if let Some(problem) = seat_problem(field, kind).filter(|_| !twice) {
                    c.fail(field, problem);
                    continue;
                }
                let slot = match field {
                    "chair_id" => &mut panel.chair,
                    "expert_by_experience_id" => &mut panel.expert_by_experience,
                    _ => &mut panel.clinical_expert,
                };
                *slot = Some(u.id);
            }
            _ => c.fail(field, format!("Choose an active user who is {who}")),
        }
    }
    Ok(panel)
}

/// The first panel member already on another review that day: the seat they were chosen for,
/// and the clash in words naming them.
pub(crate) async fn clash(
    db: &impl ConnectionTrait,
    panel: &Panel,
    day: Date,
    except: Option<&ReviewId>,
) -> Result<Option<(&'static str, String)>, AppError> {
    // A withdrawn person's reviews are gone: they hold no one's day.
    let same_day = Scope::Register
        .select::<review::Entity>()
        .filter(review::Column::Status.ne(ReviewStatus::Cancelled))
        .filter(
            sea_orm::Condition::any()
                .add(review::Column::HeldOn.eq(day))
                .add(
                    sea_orm::Condition::all()
                        .add(review::Column::HeldOn.is_null())
                        .add(review::Column::ScheduledFor.eq(day)),
                ),
        )
        .all(db)
        .await?;
    let users = names(db).await?;
    for r in same_day {
        if except == Some(&r.id) || r.held_on.unwrap_or(r.scheduled_for) != day {
            continue;
        }
        let seats = [
            ("chair_id", &panel.chair),
            ("expert_by_experience_id", &panel.expert_by_experience),
            ("clinical_expert_id", &panel.clinical_expert),
        ];
        if let Some((field, m)) = seats
            .into_iter()
            .find_map(|(f, m)| m.as_ref().filter(|m| sits_on(m, &r)).map(|m| (f, m)))
        {
            let name = users
                .get(m)
                .cloned()
                .unwrap_or_else(|| "A panel member".into());
            let role = if field == "chair_id" {
                "the chair"
            } else {
                "a panel member"
            };
            return Ok(Some((
                field,
                format!(
                    "{name} ({role}) is already on the panel of another review on {day}: a panel member cannot sit on two reviews on the same day."
                ),
            )));
        }
    }
    Ok(None)
}

/// When a review of this kind is due for this person, if a deadline applies.
async fn due_by(
    app: &App,
    db: &(impl ConnectionTrait + sea_orm::StreamTrait),
    person: &crate::entities::person::Model,
    kind: ReviewKind,
    today: Date,
) -> Result<Option<Date>, AppError> {
    let rules_ = &app.policies.schedule.deadlines;
    let held: Vec<review::Model> = Scope::Register
        .select::<review::Entity>()
        .filter(review::Column::PersonId.eq(person.id.clone()))
        .filter(review::Column::Status.eq(ReviewStatus::Held))
        .all(db)
        .await?;
    let last_held = |kinds: &[ReviewKind], before: Option<Date>| {
        held.iter()
            .filter(|r| kinds.contains(&r.kind))
            .filter_map(|r| r.held_on)
            .filter(|d| before.is_none_or(|b| *d <= b))
            .max()
    };
    let stay = Scope::Register
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.eq(person.id.clone()))
        .filter(admission::Column::DischargedOn.is_null())
        .one(db)
        .await?;
    let child_on = |d: Date| age_on(person.date_of_birth, d).is_some_and(|a| a < 18);
    Ok(match kind {
        ReviewKind::PostAdmission => match &stay {
            Some(s) => schedule::post_admission_review_due(
                s.admitted_on,
                child_on(s.admitted_on),
                last_held(
                    &[ReviewKind::Community, ReviewKind::Laep],
                    Some(s.admitted_on),
                ),
                rules_,
                &app.policies.schedule.bank_holidays,
            ),
            None => None,
        },
        ReviewKind::Inpatient => match &stay {
            Some(s) => {
                let since = last_held(&[ReviewKind::Inpatient, ReviewKind::PostAdmission], None)
                    .filter(|d| *d >= s.admitted_on)
                    .unwrap_or(s.admitted_on);
                Some(schedule::next_inpatient_review_due(
                    since,
                    child_on(today),
                    crate::services::due::security(s.security_level),
                    rules_,
                ))
            }
            None => None,
        },
        ReviewKind::FollowUp => last_held(
            &[
                ReviewKind::Community,
                ReviewKind::Laep,
                ReviewKind::FollowUp,
            ],
            None,
        )
        .map(|d| schedule::follow_up_due(d, rules_)),
        ReviewKind::Community | ReviewKind::Laep => {
            let view = people::view_by_id(db, &person.id, today, &app.policies.schedule).await?;
            match (view.rating, view.rating_since) {
                (Some(crate::domain::risk::Rating::Red), Some(since)) => {
                    Some(schedule::red_review_due(since, rules_))
                }
                _ => None,
            }
        }
    })
}

/// Books a review for someone on the active register, with its due date and panel, in one
/// transaction with its audit entry.
pub async fn schedule(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    person_id: &PersonId,
    input: NewReview,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let CheckedReview {
        kind,
        day,
        booked_on,
        starts_at,
        place,
        panel,
    } = check_review(app, &input, today).await?;
    // Booked today unless told otherwise; a review entered for a day already past was booked
    // by that day at the latest.
    let booked_on = booked_on.unwrap_or(today.min(day));
    let mut tx = audit::begin(app).await?;
    let person = check_bookable(tx.conn(), reader, person_id, kind, booked_on).await?;
    if let Some((field, message)) = clash(tx.conn(), &panel, day, None).await? {
        return Err(AppError::ConflictOn {
            message,
            field: field.into(),
        });
    }
    let due = due_by(app, tx.conn(), &person, kind, today).await?;
    let row = insert_review(
        &tx,
        actor,
        &person,
        Booking {
            kind,
            day,
            booked_on,
            due,
            starts_at,
            place,
        },
        &panel,
        None,
    )
    .await?;
    crate::services::mail::review_changed(app, &tx, &row, crate::services::mail::Change::Booked)
        .await?;
    tx.record(
        actor,
        Event::person("review.schedule", person_id).detail(serde_json::json!({
            "review_id": row.id,
            "kind": kind.as_str(),
            "scheduled_on": booked_on.to_string(),
        })),
    )
    .await?;
    let result = view(tx.conn(), reader.scope, &row, app).await?;
    tx.commit().await?;
    Ok(result)
}

/// A new review's fields once checked; `booked_on` is `None` when not given.
struct CheckedReview {
    kind: ReviewKind,
    day: Date,
    booked_on: Option<Date>,
    starts_at: Option<String>,
    place: Option<String>,
    panel: Panel,
}

/// Checks a new review's fields before the person is read, so that all the field errors come
/// back together; the panel rule for its kind is checked only once each seat is valid.
async fn check_review(
    app: &App,
    input: &NewReview,
    today: Date,
) -> Result<CheckedReview, AppError> {
    let mut c = Check::default();
    let kind = c.choice(
        "kind",
        "the kind of review",
        &input.kind,
        ReviewKind::parse,
        "community, laep, post_admission, inpatient or follow_up".into(),
    );
    let day = c.dated(
        "scheduled_for",
        "the date of the review",
        &input.scheduled_for,
        DateKind::ScheduledReview,
        today,
    );
    if input.ask_day_off
        && let Some(message) =
            day.and_then(|d| crate::services::review_moves::day_off_problem(app, d))
    {
        c.fail("confirm_day_off", message);
    }
    let booked_on = c.optional_dated(
        "scheduled_on",
        "the day it was booked",
        &input.scheduled_on,
        DateKind::Event,
        today,
    );
    if let (Some(b), Some(d)) = (booked_on, day)
        && b > d
    {
        c.fail(
            "scheduled_on",
            "The day it was booked cannot be after the date of the review",
        );
    }
    let starts_at = check_starts_at(&mut c, &input.starts_at);
    let place = c.optional_text(
        "place",
        "the place or joining link",
        &input.place,
        PLACE_MAX,
    );
    let seats = [
        ("chair_id", &input.chair_id),
        ("expert_by_experience_id", &input.expert_by_experience_id),
        ("clinical_expert_id", &input.clinical_expert_id),
    ];
    let panel = check_panel(&mut c, &app.db, &seats).await?;
    if let Some(kind) = kind
        && !c.has("chair_id")
        && !c.has("expert_by_experience_id")
        && !c.has("clinical_expert_id")
        && let Some((field, message)) = rules::panel_problem(kind, &panel)
    {
        c.fail(field, message);
    }
    c.finish()?;
    let (Some(kind), Some(day)) = (kind, day) else {
        return Err(AppError::internal("checked input incomplete"));
    };
    Ok(CheckedReview {
        kind,
        day,
        booked_on,
        starts_at,
        place,
        panel,
    })
}

/// Whether a review of this kind, booked on `booked_on`, may be booked for this person, in
/// this order (the first problem wins): on the active register, booked no earlier than they
/// joined it, and for a review of a stay, in hospital since no later than it was booked.
/// Returns the person.
async fn check_bookable(
    db: &impl ConnectionTrait,
    reader: &Reader,
    person_id: &PersonId,
    kind: ReviewKind,
    booked_on: Date,
) -> Result<crate::entities::person::Model, AppError> {
    let person = people::find_readable(db, reader, person_id).await?;
    if !person.status.in_care() {
        return Err(AppError::Conflict(
            "Reviews are held only for people on the active register or in hospital on an inpatient-only entry.".into(),
        ));
    }
    if booked_on < person.registered_on {
        return Err(AppError::field(
            "scheduled_on",
            format!(
                "The day it was booked cannot be before the person joined the register ({})",
                crate::domain::dates::long_date(person.registered_on)
            ),
        ));
    }
    if matches!(kind, ReviewKind::PostAdmission | ReviewKind::Inpatient) {
        let Some(stay) = Scope::Register
            .select::<admission::Entity>()
            .filter(admission::Column::PersonId.eq(person_id))
            .filter(admission::Column::DischargedOn.is_null())
            .one(db)
            .await?
        else {
            return Err(AppError::Conflict(
                "Post-admission and inpatient reviews are for people in hospital.".into(),
            ));
        };
        if booked_on < stay.admitted_on {
            return Err(AppError::field(
                "scheduled_on",
                format!(
                    "A review of a stay cannot be booked before the admission ({})",
                    crate::domain::dates::long_date(stay.admitted_on)
                ),
            ));
        }
    }
    Ok(person)
}

/// A review to book: its kind, its date, the day it was booked and its due date, if any; its
/// start time and place, if given.
pub(super) struct Booking {
    pub(super) kind: ReviewKind,
    pub(super) day: Date,
    pub(super) booked_on: Date,
    pub(super) due: Option<Date>,
    pub(super) starts_at: Option<String>,
    pub(super) place: Option<String>,
}

/// An optional start time, `HH:MM`.
pub(crate) fn check_starts_at(c: &mut Check, v: &Option<String>) -> Option<String> {
    let raw = given(v)?;
    let t = parse_start_time(raw);
    if t.is_none() {
        c.fail(
            "starts_at",
            "Enter the start time as hours and minutes on the 24-hour clock, such as 09:30 or 14:00",
        );
    }
    t
}

/// `cetr` or `ctr`: from the person's age (and EHCP) on the review day.
pub(crate) fn review_type_on(person: &crate::entities::person::Model, day: Date) -> ReviewType {
    let age = age_on(person.date_of_birth, day).unwrap_or(0);
    review_type(age, person.ehcp)
}

pub(super) async fn insert_review(
    tx: &audit::AuditedTx,
    actor: &Actor,
    person: &crate::entities::person::Model,
    booking: Booking,
    panel: &Panel,
    previous: Option<ReviewId>,
) -> Result<review::Model, AppError> {
    let Booking {
        kind,
        day,
        booked_on,
        due,
        starts_at,
        place,
    } = booking;
    Ok(review::ActiveModel {
        id: Set(ReviewId::new()),
        person_id: Set(person.id.clone()),
        kind: Set(kind),
        review_type: Set(review_type_on(person, day)),
        status: Set(ReviewStatus::Scheduled),
        scheduled_for: Set(day),
        starts_at: Set(starts_at),
        place: Set(place),
        scheduled_on: Set(booked_on),
        due_by: Set(due),
        chair_id: Set(panel.chair.clone()),
        expert_by_experience_id: Set(panel.expert_by_experience.clone()),
        clinical_expert_id: Set(panel.clinical_expert.clone()),
        held_on: Set(None),
        findings: Set(None),
        recommendations: Set(None),
        report_sent_on: Set(None),
        cancelled_reason: Set(None),
        cancelled_on: Set(None),
        previous_review_id: Set(previous),
        created_by: Set(actor.username.clone()),
        created_at: Set(tx.now()),
        // What a hold and the report's sending record.
        ..Default::default()
    }
    .insert(tx.conn())
    .await?)
}
