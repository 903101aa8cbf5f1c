//! Reading one review (with the one before it), and a user's calendar of the reviews they sit on.

use super::*;

pub async fn get(app: &App, who: &SignedIn, id: &ReviewId) -> Result<ReviewView, AppError> {
    let r = find(&app.db, &ReviewReader::of(app, who), id).await?;
    let result = view(&app.db, Scope::of(app, who), &r, app).await?;
    audit::record_alone(
        app,
        &who.actor(),
        Event::person("review.read", &r.person_id).detail(serde_json::json!({"review_id": id})),
    )
    .await?;
    Ok(result)
}

/// A review with the previous review (whose actions this one follows up) and, as its
/// `next_review`, the follow-up it led to when the reader may see that one; read with one audit
/// entry: the review page.
pub async fn with_previous(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
) -> Result<(ReviewView, Option<ReviewView>), AppError> {
    let reader = ReviewReader::of(app, who);
    let r = find(&app.db, &reader, id).await?;
    let mut current = view(&app.db, reader.scope, &r, app).await?;
    if let Some(next) = reader
        .scope
        .select::<review::Entity>()
        .filter(review::Column::PreviousReviewId.eq(r.id.clone()))
        .filter(review::Column::Status.ne(ReviewStatus::Cancelled))
        .order_by_asc(review::Column::ScheduledFor)
        .one(&app.db)
        .await?
        .filter(|n| reader.may_read(n))
    {
        current.next_review = Some(Box::new(view(&app.db, reader.scope, &next, app).await?));
    }
    // The previous review's actions belong to the same person's pack, so whoever may read this
    // review may read them.
    let previous = match &r.previous_review_id {
        Some(prev) => match reader
            .scope
            .by_id::<review::Entity>(prev)
            .one(&app.db)
            .await?
        {
            Some(p) => Some(view(&app.db, reader.scope, &p, app).await?),
            None => None,
        },
        None => None,
    };
    audit::record_alone(
        app,
        &who.actor(),
        Event::person("review.read", &r.person_id).detail(serde_json::json!({"review_id": id})),
    )
    .await?;
    Ok((current, previous))
}

/// A scheduled review on someone's calendar.
#[derive(Debug, Clone)]
pub struct CalendarEntry {
    pub review_id: ReviewId,
    pub kind: ReviewKind,
    pub review_type: String,
    pub day: Date,
    /// `HH:MM` local time, when given (else an all-day event).
    pub starts_at: Option<String>,
    pub place: Option<String>,
    /// Initials only: calendars leave the service.
    pub initials: String,
    pub seat: &'static str,
    pub created_at: time::OffsetDateTime,
}

/// The calendar feed behind a calendar link's secret: the reviews its (active) user sits on, or
/// `None` when the secret is no one's. Audited.
pub async fn calendar_by_secret(
    app: &App,
    secret: &str,
) -> Result<Option<Vec<CalendarEntry>>, AppError> {
    let Some(user) = crate::services::users::by_calendar_secret(&app.db, secret).await? else {
        return Ok(None);
    };
    Ok(Some(calendar_for(app, &user).await?))
}

/// The scheduled reviews a user sits on, for their calendar feed. Audited.
pub async fn calendar_for(app: &App, user: &user::Model) -> Result<Vec<CalendarEntry>, AppError> {
    let people: HashMap<PersonId, crate::entities::person::Model> = Scope::Register
        .select::<crate::entities::person::Entity>()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let mut out = Vec::new();
    for r in Scope::Register
        .select::<review::Entity>()
        .filter(review::Column::Status.eq(ReviewStatus::Scheduled))
        .order_by_asc(review::Column::ScheduledFor)
        .all(&app.db)
        .await?
    {
        let seat = if r.chair_id.as_deref() == Some(user.id.as_str()) {
            "chair"
        } else if r.expert_by_experience_id.as_deref() == Some(user.id.as_str()) {
            "expert by experience"
        } else if r.clinical_expert_id.as_deref() == Some(user.id.as_str()) {
            "clinical expert"
        } else {
            continue;
        };
        let Some(person) = people.get(&r.person_id).filter(|p| p.status.in_care()) else {
            continue;
        };
        let initial = |s: &str| {
            s.chars()
                .next()
                .map(|c| c.to_uppercase().collect::<String>())
                .unwrap_or_default()
        };
        out.push(CalendarEntry {
            review_id: r.id.clone(),
            kind: r.kind,
            review_type: r.review_type.as_str().to_uppercase(),
            day: r.scheduled_for,
            starts_at: r.starts_at.clone(),
            place: r.place.clone(),
            initials: format!(
                "{}.{}.",
                initial(&person.given_name),
                initial(&person.family_name)
            ),
            seat,
            created_at: r.created_at,
        });
    }
    let actor = Actor {
        user_id: Some(user.id.clone()),
        username: user.username.clone(),
        role: user.role.as_str().into(),
    };
    audit::record_alone(
        app,
        &actor,
        Event::new("calendar.read", "review", None).detail(serde_json::json!({"shown": out.len()})),
    )
    .await?;
    Ok(out)
}
