//! iCalendar (RFC 5545) text for reviews: the one writer of VCALENDAR and VEVENT, used by each
//! user's calendar feed (`METHOD:PUBLISH`) and by the panel's email invitations
//! (`METHOD:REQUEST`, and `METHOD:CANCEL` when a review is called off). Events are all-day, or
//! timed in Europe/London time for `EVENT_HOURS` when the review has a start time.

use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// How long a timed review event lasts in the calendar (a CETR meeting usually takes a morning
/// or an afternoon).
pub const EVENT_HOURS: i64 = 2;

/// What a calendar object asks of its reader (RFC 5546).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A feed: here are the events.
    Publish,
    /// An invitation, or an update to one (a higher SEQUENCE).
    Request,
    /// The event is called off.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// One review as an event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable for the review (`<review id>@tcr`): an update replaces the event.
    pub uid: String,
    /// Grows with each change sent about the event.
    pub sequence: u32,
    /// When this version of the event was made.
    pub stamp: OffsetDateTime,
    pub day: Date,
    /// `HH:MM`, Europe/London, when given (else an all-day event).
    pub starts_at: Option<String>,
    pub summary: String,
    pub location: Option<String>,
    pub description: String,
    pub url: Option<String>,
    /// `mailto:` addresses for an invitation: who sends it and who it is for.
    pub organizer: Option<String>,
    pub attendee: Option<String>,
}

/// Escapes TEXT values: backslash, semicolon, comma and newlines.
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\r', "")
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

fn fmt_day(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month() as u8, d.day())
}

fn fmt_local(t: PrimitiveDateTime) -> String {
    format!("{}T{:02}{:02}00", fmt_day(t.date()), t.hour(), t.minute())
}

fn fmt_utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{}T{:02}{:02}{:02}Z",
        fmt_day(t.date()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn start_time(e: &Event) -> Option<PrimitiveDateTime> {
    let (h, m) = e.starts_at.as_deref()?.split_once(':')?;
    let time = time::Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()?;
    Some(PrimitiveDateTime::new(e.day, time))
}

/// The event's start and end lines: local Europe/London times for a review with a start time,
/// else a whole day.
fn when(e: &Event) -> [String; 2] {
    match start_time(e) {
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

/// A calendar of these events; `name` titles a feed (`X-WR-CALNAME`).
pub fn calendar(method: Method, name: Option<&str>, events: &[Event]) -> String {
    let mut lines: Vec<String> = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tcr//Transforming Care register//EN",
        "CALSCALE:GREGORIAN",
    ]
    .map(String::from)
    .into();
    lines.push(format!("METHOD:{}", method.as_str()));
    if let Some(name) = name {
        lines.push(format!("X-WR-CALNAME:{}", escape(name)));
    }
    if events.iter().any(|e| start_time(e).is_some()) {
        lines.extend(VTIMEZONE.map(String::from));
    }
    for e in events {
        let [start, end] = when(e);
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", e.uid),
            format!("SEQUENCE:{}", e.sequence),
            format!("DTSTAMP:{}", fmt_utc(e.stamp)),
            start,
            end,
            format!("SUMMARY:{}", escape(&e.summary)),
        ]);
        if method == Method::Cancel {
            lines.push("STATUS:CANCELLED".into());
        } else if method == Method::Request {
            lines.push("STATUS:CONFIRMED".into());
        }
        if let Some(o) = &e.organizer {
            lines.push(format!("ORGANIZER:mailto:{o}"));
        }
        if let Some(a) = &e.attendee {
            lines.push(format!(
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{a}"
            ));
        }
        if let Some(place) = &e.location {
            lines.push(format!("LOCATION:{}", escape(place)));
        }
        lines.push(format!("DESCRIPTION:{}", escape(&e.description)));
        if let Some(l) = &e.url {
            lines.push(format!("URL:{l}"));
        }
        lines.push("END:VEVENT".to_string());
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn event() -> Event {
        Event {
            uid: "r1@tcr".into(),
            sequence: 2,
            stamp: datetime!(2026-11-23 10:00 UTC),
            day: date!(2026 - 12 - 31),
            starts_at: Some("10:00".into()),
            summary: "CETR community review (S.L.)".into(),
            location: Some("Room 1, Lynch Wood\nPeterborough".into()),
            description: "Open the review in tcr: https://tcr.example/reviews/r1".into(),
            url: Some("https://tcr.example/reviews/r1".into()),
            organizer: Some("tcr@example.nhs.uk".into()),
            attendee: Some("a@example.nhs.uk".into()),
        }
    }

    #[test]
    fn an_invitation_and_its_cancellation() {
        let text = calendar(Method::Request, None, &[event()]);
        for line in [
            "METHOD:REQUEST",
            "UID:r1@tcr",
            "SEQUENCE:2",
            "DTSTAMP:20261123T100000Z",
            "DTSTART;TZID=Europe/London:20261231T100000",
            "LOCATION:Room 1\\, Lynch Wood\\nPeterborough",
            "ORGANIZER:mailto:tcr@example.nhs.uk",
            "STATUS:CONFIRMED",
        ] {
            assert!(text.contains(&format!("{line}\r\n")), "{line}\n{text}");
        }
        assert!(!text.contains("X-WR-CALNAME"));
        let cancel = calendar(Method::Cancel, None, &[event()]);
        assert!(cancel.contains("METHOD:CANCEL\r\n") && cancel.contains("STATUS:CANCELLED\r\n"));
        assert_eq!(escape("a;b,c\\d\r\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
