//! Holding a review (findings and actions, which schedule the next review in the same
//! transaction) and recording its report as sent.

use super::*;
use crate::domain::enquiry::{Recipient, SentBy};
use sea_orm::QuerySelect;

/// May this user record outcomes and reports for this review?
pub(in crate::services) fn may_record(app: &App, who: &SignedIn, r: &review::Model) -> bool {
    may_record_chaired_by(app, who, r.chair_id.as_deref())
}

/// May this user record outcomes and reports, and keep the action plan, of a review chaired by
/// `chair_id`? Those who record any review's may; a chair, only their own reviews'.
pub fn may_record_chaired_by(app: &App, who: &SignedIn, chair_id: Option<&str>) -> bool {
    let has = |p| app.policies.access.allows(who.role(), p);
    has(Permission::ReviewsRecord)
        || (has(Permission::ReviewsRecordChaired) && chair_id == Some(who.user.id.as_str()))
}

/// Of these reviews, those whose action plans this user may keep ([`may_record_chaired_by`]
/// and `actions.update`), read in one query.
pub async fn plans_kept_by(
    app: &App,
    who: &SignedIn,
    review_ids: &[&str],
) -> Result<std::collections::HashSet<String>, AppError> {
    let has = |p| app.policies.access.allows(who.role(), p);
    if !has(Permission::ActionsUpdate) || review_ids.is_empty() {
        return Ok(Default::default());
    }
    if has(Permission::ReviewsRecord) {
        return Ok(review_ids.iter().map(|id| id.to_string()).collect());
    }
    if !has(Permission::ReviewsRecordChaired) {
        return Ok(Default::default());
    }
    let chaired: Vec<String> = Scope::of(app, who)
        .select::<review::Entity>()
        .select_only()
        .column(review::Column::Id)
        .filter(review::Column::Id.is_in(review_ids.iter().copied()))
        .filter(review::Column::ChairId.eq(who.user.id.as_str()))
        .into_tuple()
        .all(&app.db)
        .await?;
    Ok(chaired.into_iter().collect())
}

/// Records a scheduled review as held, with its findings and action plan, and books the next
/// review, in one transaction with its audit entry.
pub async fn hold(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
    input: Outcome,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let actor = who.actor();
    let mut tx = audit::begin(app).await?;
    let reader = ReviewReader::of(app, who);
    let current = find(tx.conn(), &reader, id).await?;
    // The lines it is held under: the policy's now, kept with the review from here on.
    let lines = app
        .policies
        .enquiry
        .lines_for(current.review_type, current.kind.setting());
    let CheckedOutcome {
        held_on,
        findings,
        recommendations,
        actions,
        attendance,
        person_views,
        family_views,
        easy_words,
    } = check_outcome(&input, &lines, today)?;
    let (panel, person) =
        check_holdable(app, who, tx.conn(), &reader, id, &current, held_on).await?;
    if person.status == crate::domain::person::Status::InpatientOnly
        && input.person_agreed != Some(true)
    {
        return Err(AppError::ConsentRequired {
            message: "This person is not on the register: their review is held only with their agreement. Confirm that they agreed".into(),
            field: "person_agreed".into(),
        });
    }
    let mut row: review::ActiveModel = current.clone().into();
    row.status = Set(ReviewStatus::Held);
    row.held_on = Set(Some(held_on));
    row.findings = Set(Some(to_json(&findings)?));
    row.recommendations = Set(Some(recommendations));
    row.enquiry_version = Set(Some(app.policies.enquiry.version.clone()));
    row.enquiry_lines = Set(Some(to_json(&lines)?));
    row.attendance = Set(attendance.as_ref().map(to_json).transpose()?);
    row.person_views = Set(person_views);
    row.family_views = Set(family_views);
    row.easy_words = Set(easy_words);
    let held = row.update(tx.conn()).await?;
    for (who_, what, when, how) in actions {
        action::ActiveModel {
            id: Set(ActionId::new()),
            review_id: Set(held.id.clone()),
            person_id: Set(held.person_id.clone()),
            who: Set(who_),
            what: Set(what),
            due_on: Set(when),
            how: Set(how),
            status: Set(ActionStatus::Open),
            completed_on: Set(None),
            note: Set(None),
            created_at: Set(tx.now()),
            updated_at: Set(tx.now()),
        }
        .insert(tx.conn())
        .await?;
    }
    // The next review, booked by the hold on the day it was held.
    let (booking, next_panel) =
        next_booking(app, tx.conn(), &person, &panel, held_on, today).await?;
    let next = insert_review(
        &tx,
        &actor,
        &person,
        booking,
        &next_panel,
        Some(held.id.clone()),
    )
    .await?;
    crate::services::mail::review_changed(app, &tx, &next, crate::services::mail::Change::Booked)
        .await?;
    tx.record(
        &actor,
        Event::person("review.hold", &held.person_id)
            .detail(serde_json::json!({"review_id": held.id, "next_review_id": next.id})),
    )
    .await?;
    let mut result = view(tx.conn(), reader.scope, &held, app).await?;
    result.next_review = Some(Box::new(view(tx.conn(), reader.scope, &next, app).await?));
    tx.commit().await?;
    Ok(result)
}

/// Whether this user may hold this review on `held_on`, in this order (the first problem
/// wins): they may record it, it is scheduled, its panel is complete, the person is still on
/// the active register (consent), the day is not before it was booked, and the panel is free
/// that day. Returns its panel and the person, which booking the next review needs.
async fn check_holdable(
    app: &App,
    who: &SignedIn,
    db: &impl ConnectionTrait,
    reader: &ReviewReader,
    id: &ReviewId,
    current: &review::Model,
    held_on: Date,
) -> Result<(Panel, crate::entities::person::Model), AppError> {
    if !may_record(app, who, current) {
        return Err(AppError::Forbidden);
    }
    if current.status != ReviewStatus::Scheduled {
        return Err(AppError::Conflict(
            "Only a scheduled review can be held.".into(),
        ));
    }
    let kind = current.kind;
    let panel = Panel {
        chair: current.chair_id.clone(),
        expert_by_experience: current.expert_by_experience_id.clone(),
        clinical_expert: current.clinical_expert_id.clone(),
    };
    if let Some((field, message)) = rules::panel_problem(kind, &panel) {
        return Err(AppError::field(
            field,
            format!("A review cannot be held without its panel: {message}"),
        ));
    }
    let person = reader
        .scope
        .by_id::<crate::entities::person::Entity>(&current.person_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Person"))?;
    if !person.status.in_care() {
        return Err(AppError::ConsentRequired {
            message: "No review is held without valid consent: this person is no longer on the active register".into(),
            field: "held_on".into(),
        });
    }
    if held_on < current.scheduled_on {
        return Err(AppError::field(
            "held_on",
            format!(
                "A review cannot be held before the day it was booked ({})",
                crate::domain::dates::long_date(current.scheduled_on)
            ),
        ));
    }
    if held_on != current.scheduled_for
        && let Some((_, message)) = clash(db, &panel, held_on, Some(id)).await?
    {
        return Err(AppError::Conflict(message));
    }
    Ok((panel, person))
}

/// The booking of the review that follows one held on `held_on`, by the hold, on the day it
/// was held, with the same panel where they are free that day. It is booked on the last
/// working day on or before its due date (the due date stays as the rules compute it).
async fn next_booking(
    app: &App,
    db: &impl ConnectionTrait,
    person: &crate::entities::person::Model,
    panel: &Panel,
    held_on: Date,
    today: Date,
) -> Result<(Booking, Panel), AppError> {
    let (next_kind, next_due, next_day) = next_after(app, db, person, held_on, today).await?;
    let next_panel = if clash(db, panel, next_day, None).await?.is_some() {
        Panel::default()
    } else {
        panel.clone()
    };
    Ok((
        Booking {
            kind: next_kind,
            day: next_day,
            booked_on: held_on,
            due: Some(next_due),
            starts_at: None,
            place: None,
        },
        next_panel,
    ))
}

/// The review a hold books: an inpatient review while in hospital on the day it was held,
/// else a follow-up of the action plan; its due date as the rules compute it, and the day it
/// is booked for: the last working day on or before the due date (`schedule::booking_day`).
pub(in crate::services) async fn next_after(
    app: &App,
    db: &impl ConnectionTrait,
    person: &crate::entities::person::Model,
    held_on: Date,
    today: Date,
) -> Result<(ReviewKind, Date, Date), AppError> {
    let stay = Scope::Register
        .select::<admission::Entity>()
        .filter(admission::Column::PersonId.eq(person.id.clone()))
        .filter(admission::Column::AdmittedOn.lte(held_on))
        .all(db)
        .await?
        .into_iter()
        .find(|a| crate::services::admissions::in_hospital_on(a, held_on));
    let deadlines = &app.policies.schedule.deadlines;
    let (next_kind, next_due) = match &stay {
        Some(s) => {
            let child = age_on(person.date_of_birth, today).is_some_and(|a| a < 18);
            (
                ReviewKind::Inpatient,
                schedule::next_inpatient_review_due(
                    held_on,
                    child,
                    crate::services::due::security(s.security_level),
                    deadlines,
                ),
            )
        }
        None => (
            ReviewKind::FollowUp,
            schedule::follow_up_due(held_on, deadlines),
        ),
    };
    let day = schedule::booking_day(next_due, held_on, &app.policies.schedule.bank_holidays);
    Ok((next_kind, next_due, day))
}

pub async fn report_sent(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
    input: ReportSent,
) -> Result<ReviewView, AppError> {
    let today = app.clock.today();
    let mut c = Check::default();
    let sent_on = c.past_date(
        "sent_on",
        "the date the report was sent",
        &input.sent_on,
        today,
    );
    let sent_to = input
        .sent_to
        .as_ref()
        .map(|given| check_recipients(&mut c, given));
    let sent_by = input.sent_by.as_ref().map(|given| {
        c.choice(
            "sent_by",
            "how the report was sent",
            &Some(given.clone()),
            SentBy::parse,
            SentBy::choices(),
        )
    });
    c.finish()?;
    let Some(sent_on) = sent_on else {
        return Err(AppError::internal("checked input incomplete"));
    };
    let mut tx = audit::begin(app).await?;
    let current = find(tx.conn(), &ReviewReader::of(app, who), id).await?;
    if !may_record(app, who, &current) {
        return Err(AppError::Forbidden);
    }
    let Some(held_on) = current
        .held_on
        .filter(|_| current.status == ReviewStatus::Held)
    else {
        return Err(AppError::Conflict(
            "The report follows a held review: this one has not been held.".into(),
        ));
    };
    if current.report_sent_on.is_some() {
        return Err(AppError::Conflict(
            "The report has already been recorded as sent.".into(),
        ));
    }
    if sent_on < held_on {
        return Err(AppError::field(
            "sent_on",
            format!("The report cannot be sent before the review ({held_on})"),
        ));
    }
    // Which report went: the report and its easy-read version as they are at this moment.
    let (report_sha256, easy_read_sha256) =
        super::report::digests(app, tx.conn(), Scope::of(app, who), &current).await?;
    let person_id = current.person_id.clone();
    let mut row: review::ActiveModel = current.into();
    row.report_sent_on = Set(Some(sent_on));
    row.report_sent_to = Set(sent_to.as_ref().map(to_json).transpose()?);
    row.report_sent_by = Set(sent_by.flatten().map(|b| b.as_str().to_string()));
    row.report_sha256 = Set(Some(report_sha256.clone()));
    row.easy_read_sha256 = Set(Some(easy_read_sha256.clone()));
    let updated = row.update(tx.conn()).await?;
    tx.record(
        &who.actor(),
        Event::person("review.report_sent", &person_id).detail(serde_json::json!({
            "review_id": id,
            "sent_to": sent_to,
            "sent_by": sent_by.flatten(),
            "report_sha256": report_sha256,
            "easy_read_sha256": easy_read_sha256,
        })),
    )
    .await?;
    let result = view(tx.conn(), Scope::of(app, who), &updated, app).await?;
    tx.commit().await?;
    Ok(result)
}

/// A value as the JSON a review's column keeps.
pub(in crate::services) fn to_json(value: &impl Serialize) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::failed("JSON", e))
}

/// To whom a report was sent: at least one recipient, each once.
fn check_recipients(c: &mut Check, given: &[String]) -> Vec<Recipient> {
    let mut out = Vec::new();
    for (i, word) in given.iter().enumerate() {
        match Recipient::parse(word.trim()) {
            Some(r) if !out.contains(&r) => out.push(r),
            Some(_) => {}
            None => c.fail(
                &format!("sent_to[{i}]"),
                format!("Choose who the report went to: {}", Recipient::choices()),
            ),
        }
    }
    if given.is_empty() {
        c.fail("sent_to", "Choose who the report was sent to");
    }
    out.sort_by_key(|r| Recipient::ALL.iter().position(|a| a == r));
    out
}
