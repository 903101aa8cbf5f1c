//! Each user's scheduled reviews as an iCalendar (RFC 5545) feed at a secret link, for Outlook.
//! Events carry the review kind, date (and start time: a timed event of `EVENT_HOURS` in
//! Europe/London time), place, seat and the person's initials, and a link to the review built
//! from `TCR_PUBLIC_URL` when it is set.

use crate::error::AppError;
use crate::services::App;
use crate::services::reviews::{self, CalendarEntry};
use rocket::http::ContentType;
use rocket::{State, get};

pub use crate::domain::ical::EVENT_HOURS;
use crate::domain::ical::{self, Event, Method};

/// The feed. `base_url` is the configured public address (`TCR_PUBLIC_URL`): each event links
/// to its review page there; without one, events carry no link.
pub fn ics(entries: &[CalendarEntry], base_url: Option<&str>) -> String {
    let events: Vec<Event> = entries
        .iter()
        .map(|e| {
            let link = base_url.map(|b| format!("{b}/reviews/{}", e.review_id));
            Event {
                uid: format!("{}@tcr", e.review_id),
                sequence: 0,
                stamp: e.created_at,
                day: e.day,
                starts_at: e.starts_at.clone(),
                summary: format!(
                    "{} {} ({}) - you are the {}",
                    e.review_type,
                    e.kind.label().to_lowercase(),
                    e.initials,
                    e.seat
                ),
                location: e.place.clone(),
                description: match &link {
                    Some(l) => format!("Open the review in tcr: {l}"),
                    None => "Open the review from your home page in tcr.".to_string(),
                },
                url: link,
                organizer: None,
                attendee: None,
            }
        })
        .collect();
    ical::calendar(Method::Publish, Some("Transforming Care reviews"), &events)
}

#[get("/calendar/<secret>")]
pub async fn feed(app: &State<App>, secret: &str) -> Result<(ContentType, String), AppError> {
    let secret = secret.strip_suffix(".ics").unwrap_or(secret);
    let entries = reviews::calendar_by_secret(app, secret)
        .await?
        .ok_or_else(|| AppError::not_found("Calendar"))?;
    Ok((
        ContentType::new("text", "calendar"),
        ics(&entries, app.settings.public_base()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::ReviewKind;
    use time::macros::{date, datetime};

    #[test]
    fn an_event_per_review_with_escaped_folded_lines() {
        let e = CalendarEntry {
            review_id: crate::domain::ids::ReviewId::from_text("r1"),
            kind: ReviewKind::Community,
            review_type: "CETR".into(),
            day: date!(2026 - 12 - 31),
            starts_at: None,
            place: None,
            initials: "Z.Ł.".into(),
            seat: "chair",
            created_at: datetime!(2026-11-23 10:00 UTC),
        };
        let text = ics(&[e], Some("https://tcr.example"));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"));
        assert!(text.contains("UID:r1@tcr"));
        assert!(text.contains("(Z.Ł.)"));
        assert!(text.lines().all(|l| l.len() <= 75), "{text}");
        assert!(text.contains("URL:https://tcr.example/reviews/r1"));
        assert!(
            !text.contains("VTIMEZONE"),
            "all-day events need no time zone"
        );
    }

    #[test]
    fn a_review_with_a_start_time_is_a_timed_event_in_london_time() {
        let e = |starts: &str| CalendarEntry {
            review_id: crate::domain::ids::ReviewId::from_text("r2"),
            kind: ReviewKind::Inpatient,
            review_type: "CTR".into(),
            day: date!(2026 - 07 - 01),
            starts_at: Some(starts.into()),
            place: Some("Ward 3, Fulbourn; bring ID".into()),
            initials: "A.B.".into(),
            seat: "clinical expert",
            created_at: datetime!(2026-06-01 10:00 UTC),
        };
        let text = ics(&[e("09:30")], None);
        assert!(
            text.contains("DTSTART;TZID=Europe/London:20260701T093000\r\n"),
            "{text}"
        );
        assert!(
            text.contains("DTEND;TZID=Europe/London:20260701T113000\r\n"),
            "{text}"
        );
        assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"));
        assert!(text.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"));
        assert!(text.contains("LOCATION:Ward 3\\, Fulbourn\\; bring ID"));
        assert!(!text.contains("URL:"), "no public address, no link");
        assert!(!text.contains("VALUE=DATE"));
        // Late in the evening: the event ends the next day.
        let late = ics(&[e("23:15")], None);
        assert!(
            late.contains("DTEND;TZID=Europe/London:20260702T011500"),
            "{late}"
        );
        // Every BEGIN has its END.
        for block in ["VCALENDAR", "VTIMEZONE", "DAYLIGHT", "STANDARD", "VEVENT"] {
            assert_eq!(
                text.matches(&format!("BEGIN:{block}")).count(),
                text.matches(&format!("END:{block}")).count(),
                "{block}"
            );
        }
    }
}
