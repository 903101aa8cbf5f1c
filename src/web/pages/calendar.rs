//! Each user's scheduled reviews as an iCalendar (RFC 5545) feed at a secret link, for Outlook.
//! Events carry the review kind, date (and start time: a timed event of `EVENT_HOURS` in
//! Europe/London time), place, seat and the person's initials, and a link to the review built
//! from `TCR_PUBLIC_URL` when it is set.

use crate::error::AppError;
use crate::services::App;
use crate::services::reviews::{self, CalendarEntry};
use rocket::http::ContentType;
use rocket::{State, get};

/// Escapes TEXT values: backslash, semicolon, comma and newlines.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets, never inside a character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// How long a timed review event lasts in the calendar (a CETR meeting usually takes a morning
/// or an afternoon).
pub const EVENT_HOURS: i64 = 2;

/// Europe/London, for timed events: GMT in winter, BST (+01:00) from 01:00 UTC on the last
/// Sunday of March to 01:00 UTC on the last Sunday of October (the UK's rules since 1996).
const VTIMEZONE: [&str; 17] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/London",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19810329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19961027T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

fn fmt_day(d: time::Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month() as u8, d.day())
}

fn fmt_local(t: time::PrimitiveDateTime) -> String {
    format!("{}T{:02}{:02}00", fmt_day(t.date()), t.hour(), t.minute())
}

/// The event's start and end lines: local Europe/London times for a review with a start time,
/// else a whole day.
fn when(e: &CalendarEntry) -> [String; 2] {
    let start = e.starts_at.as_deref().and_then(|t| {
        let (h, m) = t.split_once(':')?;
        let time = time::Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()?;
        Some(time::PrimitiveDateTime::new(e.day, time))
    });
    match start {
        Some(s) => [
            format!("DTSTART;TZID=Europe/London:{}", fmt_local(s)),
            format!(
                "DTEND;TZID=Europe/London:{}",
                fmt_local(s + time::Duration::hours(EVENT_HOURS))
            ),
        ],
        None => [
            format!("DTSTART;VALUE=DATE:{}", fmt_day(e.day)),
            format!(
                "DTEND;VALUE=DATE:{}",
                fmt_day(e.day.next_day().unwrap_or(e.day))
            ),
        ],
    }
}

/// The feed. `base_url` is the configured public address (`TCR_PUBLIC_URL`): each event links
/// to its review page there; without one, events carry no link.
pub fn ics(entries: &[CalendarEntry], base_url: Option<&str>) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tcr//Transforming Care register//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Transforming Care reviews",
    ] {
        out.push_str(&fold(line));
    }
    if entries.iter().any(|e| e.starts_at.is_some()) {
        for line in VTIMEZONE {
            out.push_str(&fold(line));
        }
    }
    for e in entries {
        let stamp = e.created_at.to_offset(time::UtcOffset::UTC);
        let summary = format!(
            "{} {} ({}) - you are the {}",
            e.review_type,
            e.kind.label().to_lowercase(),
            e.initials,
            e.seat
        );
        let link = base_url.map(|b| format!("{b}/reviews/{}", e.review_id));
        let [start, end] = when(e);
        let mut lines = vec![
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}@tcr", e.review_id),
            format!(
                "DTSTAMP:{:04}{:02}{:02}T{:02}{:02}{:02}Z",
                stamp.year(),
                stamp.month() as u8,
                stamp.day(),
                stamp.hour(),
                stamp.minute(),
                stamp.second()
            ),
            start,
            end,
            format!("SUMMARY:{}", escape(&summary)),
        ];
        if let Some(place) = &e.place {
            lines.push(format!("LOCATION:{}", escape(place)));
        }
        lines.push(format!(
            "DESCRIPTION:{}",
            escape(&match &link {
                Some(l) => format!("Open the review in tcr: {l}"),
                None => "Open the review from your home page in tcr.".to_string(),
            })
        ));
        if let Some(l) = &link {
            lines.push(format!("URL:{l}"));
        }
        lines.push("END:VEVENT".to_string());
        for line in lines {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
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
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
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
