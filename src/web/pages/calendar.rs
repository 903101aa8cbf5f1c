//! Each user's scheduled reviews as an iCalendar (RFC 5545) feed at a secret link, for Outlook.
//! Events carry only the review kind, date, seat and the person's initials.

use crate::error::AppError;
use crate::services::reviews::{self, CalendarEntry};
use crate::services::{App, users};
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

pub fn ics(entries: &[CalendarEntry], base_url: &str) -> String {
    let fmt_day = |d: time::Date| format!("{:04}{:02}{:02}", d.year(), d.month() as u8, d.day());
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
    for e in entries {
        let stamp = e.created_at.to_offset(time::UtcOffset::UTC);
        let summary = format!(
            "{} {} ({}) - you are the {}",
            e.review_type,
            e.kind.label().to_lowercase(),
            e.initials,
            e.seat
        );
        for line in [
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
            format!("DTSTART;VALUE=DATE:{}", fmt_day(e.day)),
            format!(
                "DTEND;VALUE=DATE:{}",
                fmt_day(e.day.next_day().unwrap_or(e.day))
            ),
            format!("SUMMARY:{}", escape(&summary)),
            format!(
                "DESCRIPTION:{}",
                escape(&format!(
                    "Open the review in tcr: {base_url}/reviews/{}",
                    e.review_id
                ))
            ),
            "END:VEVENT".to_string(),
        ] {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[get("/calendar/<secret>")]
pub async fn feed(app: &State<App>, secret: &str) -> Result<(ContentType, String), AppError> {
    let secret = secret.strip_suffix(".ics").unwrap_or(secret);
    let user = users::by_calendar_secret(&app.db, secret)
        .await?
        .ok_or_else(|| AppError::not_found("Calendar"))?;
    let entries = reviews::calendar_for(app, &user).await?;
    Ok((ContentType::new("text", "calendar"), ics(&entries, "")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::ReviewKind;
    use time::macros::{date, datetime};

    #[test]
    fn an_event_per_review_with_escaped_folded_lines() {
        let e = CalendarEntry {
            review_id: "r1".into(),
            kind: ReviewKind::Community,
            review_type: "CETR".into(),
            day: date!(2026 - 12 - 31),
            initials: "Z.Ł.".into(),
            seat: "chair",
            created_at: datetime!(2026-11-23 10:00 UTC),
        };
        let text = ics(&[e], "https://tcr.example");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"));
        assert!(text.contains("UID:r1@tcr"));
        assert!(text.contains("(Z.Ł.)"));
        assert!(text.lines().all(|l| l.len() <= 75), "{text}");
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
