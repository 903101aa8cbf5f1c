//! A held review's report and its easy-read version as PDFs: the facts read once (through the
//! reader's scope, so a withdrawn person's review has none), worded by `reports::review_report`
//! and drawn by `reports::pdf::render_document`. The same review gives the same bytes, so the
//! SHA-256 kept when the report is recorded as sent names exactly the report that went.

use super::*;
use crate::auth::token::sha256_hex;
use crate::domain::enquiry::Seat;
use crate::reports::review_report::{self, PlannedAction, ReviewFacts};
use crate::services::returns::Download;

/// Which of a review's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// The report to the person, their family and the professionals.
    Report,
    /// The easy-read version for the person.
    EasyRead,
}

impl Version {
    fn word(self) -> &'static str {
        match self {
            Version::Report => "report",
            Version::EasyRead => "easy_read",
        }
    }
}

/// A review's report as a download (panel members while they sit on it, and whoever reads
/// every review), audited as a read of the person with the report's SHA-256.
pub async fn report(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
    version: Version,
) -> Result<Download, AppError> {
    let reader = ReviewReader::of(app, who);
    let r = find(&app.db, &reader, id).await?;
    let facts = facts(app, &app.db, reader.scope, &r).await?;
    let bytes = render(facts, version).await?;
    let sha256 = sha256_hex(&bytes);
    audit::record_alone(
        app,
        &who.actor(),
        Event::person("review.report_download", &r.person_id).detail(serde_json::json!({
            "review_id": id, "version": version.word(), "sha256": sha256,
        })),
    )
    .await?;
    let stem = match version {
        Version::Report => "report",
        Version::EasyRead => "easy-read",
    };
    Ok(Download {
        file_name: format!(
            "{}-{stem}-{}.pdf",
            r.review_type.as_str(),
            r.held_on.map(|d| d.to_string()).unwrap_or_default()
        ),
        bytes,
    })
}

/// The SHA-256 of a held review's report and of its easy-read version, as they are now.
pub(super) async fn digests(
    app: &App,
    db: &impl ConnectionTrait,
    scope: Scope,
    r: &review::Model,
) -> Result<(String, String), AppError> {
    let facts = facts(app, db, scope, r).await?;
    let report = render(facts.clone(), Version::Report).await?;
    let easy = render(facts, Version::EasyRead).await?;
    Ok((sha256_hex(&report), sha256_hex(&easy)))
}

/// The PDF, drawn off the async threads.
async fn render(facts: ReviewFacts, version: Version) -> Result<Vec<u8>, AppError> {
    rocket::tokio::task::spawn_blocking(move || {
        let doc = match version {
            Version::Report => review_report::report(&facts),
            Version::EasyRead => review_report::easy_read(&facts),
        };
        crate::reports::pdf::render_document(&doc)
    })
    .await
    .map_err(|e| AppError::failed("the review report's renderer", e))?
    .map_err(|e| AppError::internal(format!("the review report: {e}")))
}

/// What the reports say about this review: it must be held.
async fn facts(
    app: &App,
    db: &impl ConnectionTrait,
    scope: Scope,
    r: &review::Model,
) -> Result<ReviewFacts, AppError> {
    let Some(held_on) = r.held_on.filter(|_| r.status == ReviewStatus::Held) else {
        return Err(AppError::Conflict(
            "A review's report follows its outcome: this review has not been held.".into(),
        ));
    };
    let person = scope
        .by_id::<crate::entities::person::Entity>(&r.person_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Person"))?;
    let seats = [
        (Seat::Chair, &r.chair_id),
        (Seat::ExpertByExperience, &r.expert_by_experience_id),
        (Seat::ClinicalExpert, &r.clinical_expert_id),
    ];
    let names: HashMap<UserId, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(seats.iter().filter_map(|(_, id)| (*id).clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let panel = seats
        .iter()
        .filter_map(|(seat, id)| {
            let id = (*id).as_ref()?;
            Some((*seat, names.get(id).cloned().unwrap_or_default()))
        })
        .collect();
    let actions = scope
        .select::<action::Entity>()
        .filter(action::Column::ReviewId.eq(r.id.clone()))
        .order_by_asc(action::Column::DueOn)
        .order_by_asc(action::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| PlannedAction {
            who: a.who,
            what: a.what,
            when: a.due_on,
            how: a.how,
        })
        .collect();
    let next = scope
        .select::<review::Entity>()
        .filter(review::Column::PreviousReviewId.eq(r.id.clone()))
        .filter(review::Column::Status.ne(ReviewStatus::Cancelled))
        .order_by_asc(review::Column::ScheduledFor)
        .one(db)
        .await?
        .map(|n| (n.kind, n.due_by.unwrap_or(n.scheduled_for)));
    let findings = match &r.findings {
        Some(json) => {
            serde_json::from_str(json).map_err(|e| AppError::failed("a review's findings", e))?
        }
        None => BTreeMap::new(),
    };
    let nhs_number = crate::domain::nhs_number::NhsNumber::parse(&person.nhs_number)
        .map(|n| n.to_string())
        .unwrap_or_else(|_| person.nhs_number.clone());
    Ok(ReviewFacts {
        organisation: app.settings.organisation.clone(),
        review_type: r.review_type,
        kind: r.kind,
        held_on,
        starts_at: r.starts_at.clone(),
        place: r.place.clone(),
        given_name: person.given_name,
        family_name: person.family_name,
        nhs_number,
        date_of_birth: person.date_of_birth,
        panel,
        attendance: super::attendance_of(r)?,
        person_views: r.person_views.clone(),
        family_views: r.family_views.clone(),
        easy_words: r.easy_words.clone(),
        lines: super::lines_of(app, r)?,
        enquiry_version: r.enquiry_version.clone(),
        findings,
        recommendations: r.recommendations.clone().unwrap_or_default(),
        actions,
        next,
    })
}
