//! A person's chronology: their notes merged with what the service itself knows happened to
//! them — registration, consent, ratings, admissions, transfers, discharges, oversight visits,
//! escalations, reviews booked, held, cancelled and reported, referrals, documents — newest first by the day
//! it happened (valid time), filtered by kind, note category and a range of days, and paged.
//!
//! It reads one person's own facts, each through `Scope`, and the services that already shape
//! them (`risk::history_rows`, `admissions::rows_for`); a review appears only when the reader
//! may read it, as on the person page.

use super::documents::person_documents_in;
use super::notes::notes_of;
use crate::domain::dates::long_date;
use crate::domain::ids::PersonId;
use crate::domain::record::{EventKind, NoteCategory};
use crate::domain::referral::ReferralStatus;
use crate::entities::{consent, referral, review};
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::audit::{self, Event};
use crate::services::input::Check;
use crate::services::people::{Reader, find_readable};
use crate::services::reviews::ReviewReader;
use crate::services::sessions::SignedIn;
use crate::services::{App, admissions, risk};
use sea_orm::{ColumnTrait, QueryFilter};
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// Entries on a page.
pub const PER_PAGE: usize = 50;

/// The filters as sent (query string): each checked, a bad one refused by name.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChronologyQuery {
    pub kind: Option<String>,
    pub category: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<u64>,
}

struct Filter {
    kind: Option<EventKind>,
    category: Option<NoteCategory>,
    from: Option<Date>,
    to: Option<Date>,
    page: usize,
}

impl ChronologyQuery {
    fn check(&self) -> Result<Filter, AppError> {
        let mut c = Check::default();
        let kind = c.optional_choice(
            "kind",
            self.kind.as_deref(),
            EventKind::parse,
            &format!("Choose one of {}", EventKind::choices()),
        );
        let category = c.optional_choice(
            "category",
            self.category.as_deref(),
            NoteCategory::parse,
            &format!("Choose one of {}", NoteCategory::choices()),
        );
        let from = c.optional_date("from", "the first day", &self.from);
        let to = c.optional_date("to", "the last day", &self.to);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            c.fail("to", "The last day cannot be before the first day");
        }
        c.finish()?;
        Ok(Filter {
            kind,
            category,
            from,
            to,
            page: usize::try_from(self.page.unwrap_or(1).max(1)).unwrap_or(usize::MAX),
        })
    }
}

/// One entry: a note, or an event of the service's.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Entry {
    #[serde(with = "crate::domain::dates::iso")]
    #[schemars(with = "String")]
    pub day: Date,
    pub kind: EventKind,
    pub kind_label: String,
    /// A note's category.
    pub category: Option<NoteCategory>,
    pub category_label: Option<String>,
    /// One line saying what happened.
    pub what: String,
    /// A note's text.
    pub text: Option<String>,
    /// Who wrote or recorded it.
    pub by: Option<String>,
    /// When it was typed in (RFC 3339), where it is known.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schemars(with = "Option<String>")]
    pub written_at: Option<OffsetDateTime>,
    /// A page about it (a review, a document).
    pub link: Option<String>,
}

fn event(day: Date, kind: EventKind, what: String) -> Entry {
    Entry {
        day,
        kind,
        kind_label: kind.label().into(),
        category: None,
        category_label: None,
        what,
        text: None,
        by: None,
        written_at: None,
        link: None,
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Chronology {
    pub person_id: PersonId,
    pub entries: Vec<Entry>,
    /// Entries matching the filters, on every page.
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub per_page: u64,
}

/// The chronology of a person the reader may read, filtered and paged, read with one audit
/// entry (a read of the person).
pub async fn chronology(
    app: &App,
    who: &SignedIn,
    person_id: &PersonId,
    query: &ChronologyQuery,
) -> Result<Chronology, AppError> {
    let filter = query.check()?;
    let reader = Reader::of(app, who);
    let mut all = entries(app, who, &reader, person_id).await?;
    all.retain(|e| {
        filter.kind.is_none_or(|k| e.kind == k)
            && filter.category.is_none_or(|c| e.category == Some(c))
            && filter.from.is_none_or(|f| e.day >= f)
            && filter.to.is_none_or(|t| e.day <= t)
    });
    // Newest first; on one day, the later-written first, then the later of the service's own
    // events (each kind is gathered oldest first: booked before held, consent after
    // registration).
    let mut all: Vec<(usize, Entry)> = all.into_iter().enumerate().collect();
    all.sort_by(|(i, a), (j, b)| {
        b.day
            .cmp(&a.day)
            .then(b.written_at.cmp(&a.written_at))
            .then(j.cmp(i))
    });
    let all: Vec<Entry> = all.into_iter().map(|(_, e)| e).collect();
    let total = all.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = filter.page.min(pages);
    let entries: Vec<Entry> = all
        .into_iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    audit::record_alone(
        app,
        &who.actor(),
        Event::person("chronology.read", person_id),
    )
    .await?;
    Ok(Chronology {
        person_id: person_id.clone(),
        entries,
        total: total as u64,
        page: page as u64,
        pages: pages as u64,
        per_page: PER_PAGE as u64,
    })
}

/// Every entry about the person, unordered.
async fn entries(
    app: &App,
    who: &SignedIn,
    reader: &Reader,
    person_id: &PersonId,
) -> Result<Vec<Entry>, AppError> {
    let db = &app.db;
    let scope = reader.scope;
    let p = find_readable(db, reader, person_id).await?;
    let mut out = Vec::new();
    for c in scope
        .select::<consent::Entity>()
        .filter(consent::Column::PersonId.eq(person_id))
        .all(db)
        .await?
    {
        let mut e = event(
            c.recorded_on,
            EventKind::Consent,
            format!("Consent recorded: {}", c.basis.label()),
        );
        e.by = Some(c.recorded_by);
        out.push(e);
    }
    if let Some(day) = p.inpatient_only_from {
        out.push(event(
            day,
            EventKind::Registered,
            "Recorded as an inpatient, not on the register".into(),
        ));
    }
    if p.status != crate::domain::person::Status::InpatientOnly {
        out.push(event(
            p.registered_on,
            EventKind::Registered,
            "Added to the register".into(),
        ));
    }
    // Oldest first, as every kind is gathered.
    for h in risk::history_rows(db, scope, person_id)
        .await?
        .into_iter()
        .rev()
    {
        // Blue on admission and red on discharge are the stay's own entries below.
        if h.source == "admission" || h.source == "discharge" {
            continue;
        }
        let mut what = format!("Rated {}", h.rating.label().to_lowercase());
        if let Some(reason) = h.reason.filter(|r| !r.is_empty()) {
            what = format!("{what}: {reason}");
        }
        let mut e = event(h.effective_on, EventKind::Rated, what);
        e.by = Some(h.recorded_by);
        out.push(e);
    }
    stays(db, scope, person_id, &mut out).await?;
    reviews(app, who, person_id, &mut out).await?;
    for r in scope
        .select::<referral::Entity>()
        .filter(referral::Column::PersonId.eq(person_id))
        .all(db)
        .await?
    {
        out.push(event(
            r.received_on,
            EventKind::Referral,
            format!("Referral received from {}", r.referrer_role),
        ));
        if let Some(day) = r.decided_on {
            let what = match r.status {
                ReferralStatus::Accepted => "Referral accepted",
                ReferralStatus::Declined => "Referral declined",
                ReferralStatus::AwaitingDecision => "Referral decided",
            };
            out.push(event(day, EventKind::Referral, what.into()));
        }
    }
    // Concerns escalated to the oversight panel, for those who raise and close them.
    if app
        .policies
        .access
        .allows(who.role(), Permission::AdmissionsRecord)
    {
        for x in crate::services::escalations::of_person(app, reader, person_id).await? {
            let link = Some(format!("/escalations/{}", x.id));
            let mut e = event(
                x.raised_on,
                EventKind::Escalation,
                format!(
                    "Escalated to the oversight panel ({}): {}",
                    x.urgency.label().to_lowercase(),
                    x.concern
                ),
            );
            e.by = Some(x.raised_by.clone());
            e.link = link.clone();
            out.push(e);
            if let (Some(day), Some(outcome)) = (x.closed_on, &x.outcome) {
                let mut e = event(
                    day,
                    EventKind::Escalation,
                    format!("Escalation closed: {outcome}"),
                );
                e.by = x.closed_by.clone();
                e.link = link;
                out.push(e);
            }
        }
    }
    for d in person_documents_in(app, who, reader, person_id).await? {
        let mut e = event(
            d.uploaded_at.date(),
            EventKind::Document,
            format!("Document added: {} ({})", d.title, d.kind.label()),
        );
        e.by = Some(d.uploaded_by.clone());
        e.written_at = Some(d.uploaded_at);
        e.link = Some(format!("/documents/{}", d.id));
        out.push(e);
    }
    for n in notes_of(db, scope, person_id).await? {
        out.push(Entry {
            day: n.noted_on,
            kind: EventKind::Note,
            kind_label: EventKind::Note.label().into(),
            category: Some(n.category),
            category_label: Some(n.category_label),
            what: format!("Note: {}", n.category.label()),
            text: Some(n.text),
            by: Some(n.written_by),
            written_at: Some(n.written_at),
            link: None,
        });
    }
    if let Some(day) = p.closed_on {
        let why = p.closed_reason.clone().unwrap_or_default();
        out.push(event(
            day,
            EventKind::Closed,
            format!("Entry closed: {why}"),
        ));
    }
    if let Some(day) = p.withdrawn_on {
        out.push(event(day, EventKind::Closed, "Consent withdrawn".into()));
    }
    Ok(out)
}

/// Admissions, transfers, discharges and oversight visits.
async fn stays(
    db: &sea_orm::DatabaseConnection,
    scope: crate::services::scope::Scope,
    person_id: &PersonId,
    out: &mut Vec<Entry>,
) -> Result<(), AppError> {
    for a in admissions::rows_for(db, scope, person_id).await? {
        let first = a
            .episodes
            .first()
            .map_or(a.hospital.clone(), |e| e.hospital.clone());
        out.push(event(
            a.admitted_on,
            EventKind::Admitted,
            format!("Admitted to {first}"),
        ));
        for e in a.episodes.iter().skip(1) {
            out.push(event(
                e.started_on,
                EventKind::Transferred,
                format!("Transferred to {}", e.hospital),
            ));
        }
        if let Some(day) = a.discharged_on {
            let to = a.destination.clone().unwrap_or_default();
            out.push(event(
                day,
                EventKind::Discharged,
                format!("Discharged from {} to {to}", a.hospital),
            ));
        }
        for v in &a.visits {
            out.push(event(
                v.visited_on,
                EventKind::Visit,
                format!("Oversight visit by {}", v.visitor),
            ));
        }
    }
    Ok(())
}

/// The reviews the reader may read: booked, held, cancelled, report sent.
async fn reviews(
    app: &App,
    who: &SignedIn,
    person_id: &PersonId,
    out: &mut Vec<Entry>,
) -> Result<(), AppError> {
    let has = |p| app.policies.access.allows(who.role(), p);
    if !has(Permission::ReviewsRead) && !has(Permission::ReviewsReadAssigned) {
        return Ok(());
    }
    let reader = ReviewReader::of(app, who);
    for r in reader
        .scope
        .select::<review::Entity>()
        .filter(review::Column::PersonId.eq(person_id))
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|r| reader.may_read(r))
    {
        let name = format!(
            "{} ({})",
            r.kind.label(),
            r.review_type.as_str().to_uppercase()
        );
        let link = Some(format!("/reviews/{}", r.id));
        let mut push = |day: Date, what: String| {
            let mut e = event(day, EventKind::Review, what);
            e.link = link.clone();
            out.push(e);
        };
        push(
            r.scheduled_on,
            format!("{name} booked for {}", long_date(r.scheduled_for)),
        );
        if let Some(day) = r.held_on {
            push(day, format!("{name} held"));
        }
        if let Some(day) = r.cancelled_on {
            let why = r.cancelled_reason.clone().unwrap_or_default();
            push(day, format!("{name} cancelled: {why}"));
        }
        if let Some(day) = r.report_sent_on {
            push(day, format!("{name}: report sent"));
        }
    }
    Ok(())
}
