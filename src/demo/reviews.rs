//! The demo's reviews: held community reviews with their action plans, upcoming community and
//! inpatient reviews, and one overdue, each with the demo panel.

use crate::domain::ids::ReviewId;
use crate::domain::risk::Rating;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::people::Reader;
use crate::services::reviews::{self, NewAction, NewReview, Outcome};
use crate::services::sessions::SignedIn;
use crate::services::users::{self, UserView};
use crate::services::{Actor, App};
use time::Date;

/// The demo panel: `chair`, `expert` and `clinician`.
struct Panel<'a> {
    chair: &'a UserView,
    expert: &'a UserView,
    clinician: &'a UserView,
}

impl Panel<'_> {
    /// A review of `kind` on `day` with this panel, in the morning or the afternoon, in a room or
    /// online (by the day of the month).
    fn review(&self, kind: &str, day: Date) -> NewReview {
        NewReview {
            kind: Some(kind.into()),
            scheduled_for: Some(day.to_string()),
            scheduled_on: None,
            chair_id: Some(self.chair.id.to_string()),
            expert_by_experience_id: Some(self.expert.id.to_string()),
            clinical_expert_id: Some(self.clinician.id.to_string()),
            starts_at: Some(
                if day.day().is_multiple_of(2) {
                    "10:00"
                } else {
                    "14:30"
                }
                .into(),
            ),
            place: Some(if day.day().is_multiple_of(3) {
                "https://meet.example.nhs.uk/cetr-room".into()
            } else {
                "Meeting room 2, Brookfields Campus, Cambridge".into()
            }),
            ask_day_off: false,
        }
    }
}

/// Reviews for some of the red and blue people, with the demo panel (`chair`, `expert`,
/// `clinician`) when those users exist: held ones with action plans (one action overdue) and
/// their follow-ups, upcoming ones, and one overdue.
pub(super) async fn seed_reviews(
    app: &App,
    actor: &Actor,
    reader: &Reader,
    who: &SignedIn,
) -> Result<(), AppError> {
    let chairs = users::active_with_roles(&app.db, &[Role::PanelChair]).await?;
    let members = users::active_with_roles(&app.db, &[Role::PanelMember]).await?;
    let (Some(chair), Some(expert), Some(clinician)) = (
        chairs.iter().find(|u| u.username == "chair"),
        members.iter().find(|u| u.username == "expert"),
        members.iter().find(|u| u.username == "clinician"),
    ) else {
        return Ok(());
    };
    let panel = Panel {
        chair,
        expert,
        clinician,
    };
    let today = app.clock.today();
    let query = crate::services::people::ListQuery {
        page: 1,
        per_page: 500,
        ..Default::default()
    };
    let (people, _) = crate::services::people::list(app, actor, reader, &query).await?;
    let mut day_offset = 0i64;
    let mut next_day = |from: i64| {
        day_offset += 1;
        today + time::Duration::days(from + day_offset)
    };
    let red: Vec<_> = people
        .iter()
        .filter(|p| p.rating == Some(Rating::Red))
        .collect();
    let blue: Vec<_> = people
        .iter()
        .filter(|p| p.rating == Some(Rating::Blue))
        .collect();
    // Held community reviews, 20–40 days ago, with their action plans.
    for p in red.iter().take(3) {
        let held = next_day(-45);
        let r =
            reviews::schedule(app, actor, reader, &p.id, panel.review("community", held)).await?;
        hold_with_plan(app, who, &r.id, held).await?;
    }
    // Some of those now in hospital had a community review in the days before they were
    // admitted (the figures' "community review first").
    for p in blue.iter().skip(3).take(4) {
        let (Some(admitted), Some(registered)) = (p.rating_since, p.registered_on) else {
            continue;
        };
        let held = admitted - time::Duration::days(3);
        if held <= registered {
            continue;
        }
        let r =
            reviews::schedule(app, actor, reader, &p.id, panel.review("community", held)).await?;
        hold_with_plan(app, who, &r.id, held).await?;
    }
    // Upcoming community reviews for other red people, and inpatient reviews for people in hospital.
    for p in red.iter().skip(3).take(3) {
        let input = panel.review("community", next_day(3));
        reviews::schedule(app, actor, reader, &p.id, input).await?;
    }
    for p in blue.iter().take(2) {
        let input = panel.review("inpatient", next_day(10));
        reviews::schedule(app, actor, reader, &p.id, input).await?;
    }
    // One overdue: scheduled in the past and never held.
    if let Some(p) = blue.get(2) {
        let input = panel.review("post_admission", next_day(-20));
        reviews::schedule(app, actor, reader, &p.id, input).await?;
    }
    Ok(())
}

/// Records review `id` as held on `held`, with findings and a two-action plan (one due ten days
/// later, so overdue by now).
async fn hold_with_plan(
    app: &App,
    who: &SignedIn,
    id: &ReviewId,
    held: Date,
) -> Result<(), AppError> {
    let findings = reviews::get(app, who, id)
        .await?
        .lines_of_enquiry
        .into_iter()
        .map(|l| {
            (
                l.key,
                "Discussed with the family and the team; see the action plan.".to_string(),
            )
        })
        .collect();
    let attendance = reviews::AttendanceInput {
        panel: Some(vec![
            "chair".into(),
            "expert_by_experience".into(),
            "clinical_expert".into(),
        ]),
        others: Some(vec![
            reviews::AttendeeInput {
                role: Some("person".into()),
                name: None,
            },
            reviews::AttendeeInput {
                role: Some("parent_carer".into()),
                name: None,
            },
            reviews::AttendeeInput {
                role: Some("social_worker".into()),
                name: Some("Children's social care duty team".into()),
            },
        ]),
    };
    let action = |who: &str, what: &str, when: Date, how: &str| NewAction {
        who: Some(who.into()),
        what: Some(what.into()),
        when: Some(when.to_string()),
        how: Some(how.into()),
    };
    reviews::hold(
        app,
        who,
        id,
        Outcome {
            held_on: Some(held.to_string()),
            findings: Some(findings),
            recommendations: Some("Increase support at home; review the placement plan.".into()),
            actions: Some(vec![
                action(
                    "Children's social care",
                    "Arrange a short-break (respite) package",
                    held + time::Duration::days(60),
                    "Funding request to the joint panel",
                ),
                action(
                    "Community LD nursing team",
                    "Positive behaviour support plan",
                    held + time::Duration::days(10),
                    "Two home visits and a plan shared with school",
                ),
            ]),
            person_agreed: None,
            attendance: Some(attendance),
            person_views: Some(
                "I like my school. I want to stay at home. Loud places make me upset.".into(),
            ),
            family_views: Some(
                "We need help in the evenings and at weekends; we are worn out.".into(),
            ),
            easy_words: Some(
                "You want to stay at home.\nWe will get you short breaks.\nA nurse will make a plan with you and your school.".into(),
            ),
        },
    )
    .await?;
    Ok(())
}
