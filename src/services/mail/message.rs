//! The emails' words and their rendering as whole messages (with the `.ics` invitation
//! attached), from plain values: no database, no clock, unit-tested here. An email names no
//! one: a person appears by initials, a review and a person by a link.

use crate::domain::dates::long_date;
use crate::domain::ical::{self, Event, Method};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use time::{Date, OffsetDateTime};

/// A review as its panel is told of it.
#[derive(Debug, Clone)]
pub struct ReviewNote {
    pub review_id: String,
    /// `CETR community review`.
    pub what: String,
    pub initials: String,
    pub day: Date,
    pub starts_at: Option<String>,
    pub place: Option<String>,
    /// The review page at the public address, when one is set.
    pub link: Option<String>,
}

/// An invitation (`Method::Request`: new or updated) or a cancellation (`Method::Cancel`).
#[derive(Debug, Clone)]
pub struct Invitation {
    pub review: ReviewNote,
    /// `chair`, `expert by experience`, `clinical expert`.
    pub seat: &'static str,
    pub method: Method,
    pub sequence: u32,
    pub stamp: OffsetDateTime,
}

/// One line of a commissioner's digest: what falls due, for whom (initials), and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestLine {
    pub initials: String,
    pub what: String,
    pub due: Date,
    pub link: Option<String>,
}

/// A message ready to store: subject and the whole RFC 5322 text.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("not an email address")]
    Address,
    #[error("the message could not be built: {0}")]
    Build(String),
}

fn mailbox(address: &str) -> Result<Mailbox, MessageError> {
    address.parse().map_err(|_| MessageError::Address)
}

fn details(r: &ReviewNote) -> String {
    let mut out = format!("Date: {}\n", long_date(r.day));
    if let Some(t) = &r.starts_at {
        out.push_str(&format!("Start time: {t}\n"));
    }
    out.push_str(&format!(
        "Place or joining link: {}\n",
        r.place.as_deref().unwrap_or("not given yet")
    ));
    out.push('\n');
    out.push_str(&match &r.link {
        Some(l) => format!("Open the review in tcr: {l}\n"),
        None => "Open the review from your home page in tcr.\n".to_string(),
    });
    out
}

const FOOTER: &str = "\n--\nSent by tcr, the Transforming Care register. This email names no one: sign in to see who the review is for.\n";

/// The invitation's or cancellation's subject and body.
pub fn invitation_words(inv: &Invitation) -> (String, String) {
    let r = &inv.review;
    let on = long_date(r.day);
    match (inv.method, inv.sequence) {
        (Method::Cancel, _) => (
            format!("Cancelled: {} on {on} ({})", r.what, r.initials),
            format!(
                "The {} for {} on {on}, on whose panel you were the {}, is cancelled or you are no longer on its panel.\n\n{}{FOOTER}",
                r.what,
                r.initials,
                inv.seat,
                details(r)
            ),
        ),
        (_, 0) => (
            format!("Invitation: {} on {on} ({})", r.what, r.initials),
            format!(
                "You are invited to sit as the {} on a {} for {}\n\n{}\nA calendar invitation is attached.\n{FOOTER}",
                inv.seat,
                r.what,
                r.initials,
                details(r)
            ),
        ),
        _ => (
            format!("Updated: {} on {on} ({})", r.what, r.initials),
            format!(
                "The {} for {} on whose panel you sit as the {} has changed. It now stands as follows.\n\n{}\nThe attached calendar invitation replaces the earlier one.\n{FOOTER}",
                r.what,
                r.initials,
                inv.seat,
                details(r)
            ),
        ),
    }
}

/// The calendar object attached to an invitation.
pub fn invitation_ics(inv: &Invitation, from: &str, to: &str) -> String {
    let r = &inv.review;
    let event = Event {
        uid: format!("{}@tcr", r.review_id),
        sequence: inv.sequence,
        stamp: inv.stamp,
        day: r.day,
        starts_at: r.starts_at.clone(),
        summary: format!("{} ({}) - you are the {}", r.what, r.initials, inv.seat),
        location: r.place.clone(),
        description: match &r.link {
            Some(l) => format!("Open the review in tcr: {l}"),
            None => "Open the review from your home page in tcr.".to_string(),
        },
        url: r.link.clone(),
        organizer: Some(from.to_string()),
        attendee: Some(to.to_string()),
    };
    ical::calendar(inv.method, None, &[event])
}

/// An invitation or cancellation as a message with its `.ics` attached.
pub fn invitation(inv: &Invitation, from: &str, to: &str) -> Result<Rendered, MessageError> {
    let (subject, body) = invitation_words(inv);
    let ics = invitation_ics(inv, from, to);
    let kind = ContentType::parse(&format!(
        "text/calendar; charset=utf-8; method={}",
        inv.method.as_str()
    ))
    .map_err(|e| MessageError::Build(e.to_string()))?;
    let parts = MultiPart::mixed()
        .singlepart(text_part(body)?)
        .singlepart(Attachment::new("invite.ics".into()).body(qp(ics)?, kind));
    let message = lettre::Message::builder()
        .from(mailbox(from)?)
        .to(mailbox(to)?)
        .subject(subject.clone())
        .multipart(parts)
        .map_err(|e| MessageError::Build(e.to_string()))?;
    finish(subject, message)
}

/// The reminder two working days before a review.
pub fn reminder(
    r: &ReviewNote,
    seat: &str,
    from: &str,
    to: &str,
) -> Result<Rendered, MessageError> {
    let on = long_date(r.day);
    let subject = format!("Reminder: {} on {on} ({})", r.what, r.initials);
    let body = format!(
        "A reminder that you sit as the {seat} on the {} for {} on {on}.\n\n{}{FOOTER}",
        r.what,
        r.initials,
        details(r)
    );
    plain(subject, body, from, to)
}

/// The weekly digest of what falls overdue in the week from `monday`.
pub fn digest(
    monday: Date,
    lines: &[DigestLine],
    home: Option<&str>,
    from: &str,
    to: &str,
) -> Result<Rendered, MessageError> {
    let subject = format!(
        "Due this week: {} item{} from {}",
        lines.len(),
        if lines.len() == 1 { "" } else { "s" },
        long_date(monday)
    );
    let mut body = format!(
        "These fall overdue in the week from {} unless done by their due date:\n\n",
        long_date(monday)
    );
    if lines.is_empty() {
        body.push_str("Nothing falls due this week.\n");
    }
    for l in lines {
        body.push_str(&format!(
            "- {}: {}, due {}",
            l.initials,
            l.what,
            long_date(l.due)
        ));
        if let Some(link) = &l.link {
            body.push_str(&format!("\n  {link}"));
        }
        body.push('\n');
    }
    if let Some(h) = home {
        body.push_str(&format!("\nThe full list is in tcr: {h}/\n"));
    }
    body.push_str(FOOTER);
    plain(subject, body, from, to)
}

fn plain(subject: String, body: String, from: &str, to: &str) -> Result<Rendered, MessageError> {
    let message = lettre::Message::builder()
        .from(mailbox(from)?)
        .to(mailbox(to)?)
        .subject(subject.clone())
        .singlepart(text_part(body)?)
        .map_err(|e| MessageError::Build(e.to_string()))?;
    finish(subject, message)
}

/// Always quoted-printable, so that every reader (and a test) finds the words as written.
fn qp(text: String) -> Result<Body, MessageError> {
    Body::new_with_encoding(text, ContentTransferEncoding::QuotedPrintable)
        .map_err(|_| MessageError::Build("not encodable".into()))
}

fn text_part(body: String) -> Result<SinglePart, MessageError> {
    Ok(SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(qp(body)?))
}

fn finish(subject: String, message: lettre::Message) -> Result<Rendered, MessageError> {
    let text = String::from_utf8(message.formatted())
        .map_err(|_| MessageError::Build("not 7-bit text".into()))?;
    Ok(Rendered { subject, text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn note() -> ReviewNote {
        ReviewNote {
            review_id: "r1".into(),
            what: "CETR community review".into(),
            initials: "S.L.".into(),
            day: date!(2026 - 12 - 03),
            starts_at: Some("10:00".into()),
            place: Some("https://meet.example/abc".into()),
            link: Some("https://tcr.example/reviews/r1".into()),
        }
    }

    fn inv(method: Method, sequence: u32) -> Invitation {
        Invitation {
            review: note(),
            seat: "chair",
            method,
            sequence,
            stamp: datetime!(2026-11-30 09:00 UTC),
        }
    }

    #[test]
    fn invitations_update_and_cancel() {
        let (s, b) = invitation_words(&inv(Method::Request, 0));
        assert_eq!(
            s,
            "Invitation: CETR community review on Thursday 3 December 2026 (S.L.)"
        );
        assert!(b.contains("as the chair") && b.contains("Start time: 10:00"));
        assert!(b.contains("https://tcr.example/reviews/r1"));
        assert!(
            invitation_words(&inv(Method::Request, 1))
                .0
                .starts_with("Updated: ")
        );
        assert!(
            invitation_words(&inv(Method::Cancel, 2))
                .0
                .starts_with("Cancelled: ")
        );
        let m = invitation(
            &inv(Method::Request, 1),
            "tcr@example.nhs.uk",
            "a@example.nhs.uk",
        )
        .unwrap();
        assert!(
            m.text
                .contains("text/calendar; charset=utf-8; method=REQUEST")
        );
        assert!(m.text.contains("invite.ics"));
        assert!(m.text.is_ascii());
        let ics = invitation_ics(&inv(Method::Cancel, 2), "t@x.uk", "a@x.uk");
        assert!(ics.contains("METHOD:CANCEL\r\n") && ics.contains("SEQUENCE:2\r\n"));
        assert!(invitation(&inv(Method::Request, 0), "t@x.uk", "not an address").is_err());
    }

    #[test]
    fn reminders_and_digests() {
        let m = reminder(&note(), "clinical expert", "t@x.uk", "a@x.uk").unwrap();
        assert!(m.subject.starts_with("Reminder: CETR community review"));
        let lines = vec![DigestLine {
            initials: "S.L.".into(),
            what: "community review".into(),
            due: date!(2026 - 12 - 02),
            link: Some("https://tcr.example/people/p1".into()),
        }];
        let d = digest(
            date!(2026 - 11 - 30),
            &lines,
            Some("https://tcr.example"),
            "t@x.uk",
            "c@x.uk",
        )
        .unwrap();
        assert_eq!(
            d.subject,
            "Due this week: 1 item from Monday 30 November 2026"
        );
    }
}
