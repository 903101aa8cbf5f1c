//! Email: invitations to a review's panel when it is booked, moved or cancelled (with an
//! `.ics`), reminders two working days before it, and each commissioner's Monday digest of what
//! falls overdue that week. Everything goes through the outbox (`mail_outbox`): invitations are
//! written in the booking's own transaction, reminders and digests are claimed by a unique key,
//! and a sender delivers them (the server's background task every minute, or `tcr mail
//! send-due`). With no `TCR_SMTP_URL`, nothing is written or sent. An email names no one:
//! initials and links only.

mod due;
mod invite;
pub mod message;
pub mod outbox;

pub use invite::{Change, review_changed};
pub use outbox::{Delivered, KEPT_DAYS};

use super::App;
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::services::reviews::ReviewView;

/// What the pages say when email is not set up.
pub const NOT_SET_UP: &str = "Email is not set up: no invitations or reminders are sent";

/// Whether email is set up (`TCR_SMTP_URL`).
pub fn enabled(app: &App) -> bool {
    app.settings.smtp().is_some()
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub reminders: u64,
    pub digests: u64,
    pub delivered: Delivered,
    /// Old messages whose address and words were forgotten (`outbox::KEPT_DAYS`).
    pub forgotten: u64,
}

impl Run {
    /// The run in a line, for `tcr mail send-due`.
    pub fn summary(&self, app: &App) -> String {
        let forgotten = match self.forgotten {
            0 => String::new(),
            n => format!(" {n} old emails' addresses and words forgotten."),
        };
        if !enabled(app) {
            return format!("{NOT_SET_UP}.{forgotten}");
        }
        let d = self.delivered;
        format!(
            "{} reminders and {} digests written; {} emails sent, {} to try again, {} given up.{forgotten}",
            self.reminders, self.digests, d.sent, d.retrying, d.given_up
        )
    }
}

/// Writes the reminders and digests due today and delivers what is pending: the background
/// task's turn, and `tcr mail send-due`. Safe to run on several instances at once.
pub async fn run_once(app: &App) -> Result<Run, AppError> {
    // Even with email switched off since: what was kept is forgotten on time.
    let forgotten = outbox::forget_old(app).await?;
    if !enabled(app) {
        return Ok(Run {
            forgotten,
            ..Run::default()
        });
    }
    let reminders = due::reminders(app).await?;
    let digests = due::digests(app).await?;
    let delivered = outbox::deliver(app, 200).await?;
    Ok(Run {
        reminders,
        digests,
        delivered,
        forgotten,
    })
}

/// The seats of a booked review whose member gets no invitation because they have no email
/// address, as "the clinical expert (J.S.)" (seat and initials, no name); none when email is not
/// set up (the page says so instead).
pub async fn not_invited(app: &App, r: &ReviewView) -> Result<Vec<String>, AppError> {
    if !enabled(app) {
        return Ok(Vec::new());
    }
    let seats = [
        ("chair", &r.chair),
        ("expert by experience", &r.expert_by_experience),
        ("clinical expert", &r.clinical_expert),
    ];
    let ids: Vec<UserId> = seats
        .iter()
        .filter_map(|(_, m)| m.as_ref().map(|m| m.id.clone()))
        .collect();
    let emails = invite::addresses(&app.db, ids.into_iter()).await?;
    Ok(seats
        .iter()
        .filter_map(|(seat, m)| {
            let m = m.as_ref()?;
            if emails.contains_key(&m.id) {
                return None;
            }
            let initials: String = m
                .name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .flat_map(char::to_uppercase)
                .map(|c| format!("{c}."))
                .collect();
            Some(format!("the {seat} ({initials})"))
        })
        .collect())
}

/// The server's sender: from lift-off, every minute, writes what falls due and delivers what
/// is pending. Several instances may run it at once.
pub struct Sender;

#[rocket::async_trait]
impl rocket::fairing::Fairing for Sender {
    fn info(&self) -> rocket::fairing::Info {
        rocket::fairing::Info {
            name: "email sender",
            kind: rocket::fairing::Kind::Liftoff,
        }
    }

    async fn on_liftoff(&self, rocket: &rocket::Rocket<rocket::Orbit>) {
        let Some(app) = rocket.state::<App>().cloned() else {
            return;
        };
        if !enabled(&app) {
            return;
        }
        rocket::tokio::spawn(async move {
            loop {
                if let Err(e) = run_once(&app).await {
                    tracing::warn!("sending email failed: {}", e.public_message());
                }
                rocket::tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            }
        });
    }
}
