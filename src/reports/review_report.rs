//! A held review's report and its easy-read version, as documents (`reports::document`): what
//! the report says, worded here from the review's facts; `pdf::render_document` draws them.
//!
//! The easy-read version follows the published guidance (Mencap; Department of Health, "Making
//! written information easier to understand for people with learning disabilities"): short
//! sentences, one idea a line, everyday words, large type, a picture beside each heading, the
//! person spoken to as "you", numbers and dates written in full, no initials or jargon without
//! saying what they mean.

use crate::domain::age::ReviewType;
use crate::domain::dates::long_date;
use crate::domain::enquiry::{Attendance, AttendeeRole, Line, Seat};
use crate::domain::review::ReviewKind;
use crate::reports::document::{Block, Document, Style, Symbol};
use std::collections::BTreeMap;
use time::Date;

/// Everything a review's reports say, handed over by the service.
#[derive(Debug, Clone)]
pub struct ReviewFacts {
    pub organisation: String,
    pub review_type: ReviewType,
    pub kind: ReviewKind,
    pub held_on: Date,
    pub starts_at: Option<String>,
    pub place: Option<String>,
    pub given_name: String,
    pub family_name: String,
    /// Shown 3-3-4.
    pub nhs_number: String,
    pub date_of_birth: Date,
    /// Each seat with the name of who sat in it.
    pub panel: Vec<(Seat, String)>,
    /// `None`: attendance was not recorded.
    pub attendance: Option<Attendance>,
    pub person_views: Option<String>,
    pub family_views: Option<String>,
    pub easy_words: Option<String>,
    pub lines: Vec<Line>,
    pub enquiry_version: Option<String>,
    pub findings: BTreeMap<String, String>,
    pub recommendations: String,
    pub actions: Vec<PlannedAction>,
    /// The review the hold booked: its kind and the day it is due by.
    pub next: Option<(ReviewKind, Date)>,
}

#[derive(Debug, Clone)]
pub struct PlannedAction {
    pub who: String,
    pub what: String,
    pub when: Date,
    pub how: String,
}

fn review_name(t: ReviewType) -> &'static str {
    match t {
        ReviewType::Cetr => "Care, Education and Treatment Review (CETR)",
        ReviewType::Ctr => "Care and Treatment Review (CTR)",
    }
}

fn short(t: ReviewType) -> &'static str {
    match t {
        ReviewType::Cetr => "CETR",
        ReviewType::Ctr => "CTR",
    }
}

fn heading(text: &str, symbol: Option<Symbol>) -> Block {
    Block::Heading {
        text: text.into(),
        symbol,
    }
}

fn para(text: impl Into<String>) -> Block {
    Block::Para { text: text.into() }
}

fn note(text: impl Into<String>) -> Block {
    Block::Note { text: text.into() }
}

/// The report to the person, their family and the professionals.
pub fn report(f: &ReviewFacts) -> Document {
    let name = format!("{} {}", f.given_name, f.family_name);
    let mut blocks = vec![
        Block::Title {
            text: format!("{}: report", review_name(f.review_type)),
        },
        Block::Subtitle {
            text: format!("{} held on {}", f.kind.label(), long_date(f.held_on)),
        },
        Block::Subtitle {
            text: f.organisation.clone(),
        },
        heading("About the review", None),
    ];
    let mut about = vec![
        ("Name".to_string(), name.clone()),
        ("NHS number".into(), f.nhs_number.clone()),
        (
            "Date of birth".into(),
            crate::reports::model::long_date(f.date_of_birth),
        ),
        (
            "Review".into(),
            format!(
                "{}, {}",
                short(f.review_type),
                f.kind.label().to_lowercase()
            ),
        ),
        ("Held on".into(), long_date(f.held_on)),
    ];
    let when_where = [f.starts_at.clone(), f.place.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    if !when_where.is_empty() {
        about.push(("Time and place".into(), when_where));
    }
    if let Some(v) = &f.enquiry_version {
        about.push(("Key lines of enquiry".into(), format!("version {v}")));
    }
    blocks.push(Block::Pairs { pairs: about });

    blocks.push(heading("The panel and who attended", None));
    blocks.push(attendance_table(f));

    for (title, words) in [
        ("The person's views", &f.person_views),
        ("The family's views", &f.family_views),
    ] {
        blocks.push(heading(title, None));
        blocks.push(match words {
            Some(w) => para(w.clone()),
            None => note("Not recorded."),
        });
    }

    blocks.push(heading("Findings under the key lines of enquiry", None));
    for line in &f.lines {
        blocks.push(Block::Label {
            text: line.question.clone(),
        });
        blocks.push(match f.findings.get(&line.key) {
            Some(text) => para(text.clone()),
            None => note("Not recorded."),
        });
    }

    blocks.push(heading("Recommendations", None));
    blocks.push(para(f.recommendations.clone()));

    blocks.push(heading("Action plan", None));
    if f.actions.is_empty() {
        blocks.push(note("No actions were agreed."));
    } else {
        blocks.push(Block::Table {
            columns: vec![
                ("WHO".into(), 22),
                ("WHAT".into(), 36),
                ("WHEN".into(), 14),
                ("HOW".into(), 28),
            ],
            rows: f
                .actions
                .iter()
                .map(|a| {
                    vec![
                        a.who.clone(),
                        a.what.clone(),
                        crate::domain::dates::short_date(a.when),
                        a.how.clone(),
                    ]
                })
                .collect(),
        });
    }

    blocks.push(heading("What happens next", None));
    blocks.push(match f.next {
        Some((kind, due)) => para(format!(
            "The {} is due by {}. The action plan is followed up then.",
            kind.label().to_lowercase(),
            long_date(due)
        )),
        None => note("No further review is booked."),
    });

    Document {
        marking: crate::reports::Marking::Personal,
        style: Style::Standard,
        title: format!("{} report: {name}", short(f.review_type)),
        footer: format!(
            "{} report \u{2014} {name} \u{2014} held {}",
            short(f.review_type),
            crate::domain::dates::short_date(f.held_on)
        ),
        organisation: f.organisation.clone(),
        day: f.held_on,
        blocks,
    }
}

/// The panel's seats with who sat in them and whether they attended, then everyone else.
fn attendance_table(f: &ReviewFacts) -> Block {
    let attended = |seat: Seat| match &f.attendance {
        Some(a) if a.panel.contains(&seat) => "Yes",
        Some(_) => "No",
        None => "Not recorded",
    };
    let mut rows: Vec<Vec<String>> = f
        .panel
        .iter()
        .map(|(seat, name)| {
            vec![
                format!("{} (panel)", seat.label()),
                name.clone(),
                attended(*seat).into(),
            ]
        })
        .collect();
    for o in f.attendance.iter().flat_map(|a| &a.others) {
        rows.push(vec![
            o.role.label().into(),
            o.name.clone().unwrap_or_default(),
            "Yes".into(),
        ]);
    }
    Block::Table {
        columns: vec![
            ("Role".into(), 40),
            ("Name".into(), 40),
            ("Attended".into(), 20),
        ],
        rows,
    }
}

/// The report in easy read, for the person.
pub fn easy_read(f: &ReviewFacts) -> Document {
    let mut blocks = vec![
        Block::Title {
            text: "Your review".into(),
        },
        Block::Subtitle {
            text: format!("{}: easy read", review_name(f.review_type)),
        },
        heading("About this report", Some(Symbol::Document)),
        para(format!(
            "This report is for {}.\nIt tells you about your review meeting.\nThe meeting was on {}.\nA review checks you get the right care and support.",
            f.given_name,
            long_date(f.held_on)
        )),
        heading("Who was there", Some(Symbol::People)),
        para(who_was_there(f).join("\n")),
    ];
    if let Some(words) = &f.person_views {
        blocks.push(heading("What you told us", Some(Symbol::Speech)));
        blocks.push(para(words.clone()));
    }
    blocks.push(heading(
        "What the meeting talked about",
        Some(Symbol::Question),
    ));
    blocks.push(para(
        f.lines
            .iter()
            .map(|l| l.easy.clone())
            .collect::<Vec<_>>()
            .join("\n"),
    ));
    blocks.push(heading("What we agreed", Some(Symbol::Tick)));
    blocks.push(match &f.easy_words {
        Some(words) => para(words.clone()),
        None => para("Ask the person who ran your meeting to tell you what was agreed."),
    });
    blocks.push(heading("What will happen next", Some(Symbol::Steps)));
    // The plan as agreed at the meeting (what happens to each action later is not this
    // report's: it stays the record of the meeting).
    if f.actions.is_empty() {
        blocks.push(para("No one has a job to do from this meeting."));
    } else {
        blocks.push(para("These people will do these things for you."));
        for a in &f.actions {
            blocks.push(Block::Card {
                lines: vec![
                    ("Who will do it".into(), a.who.clone()),
                    ("What they will do".into(), a.what.clone()),
                    ("When".into(), format!("By {}", long_date(a.when))),
                ],
            });
        }
    }
    blocks.push(heading("Your next meeting", Some(Symbol::Calendar)));
    blocks.push(match f.next {
        Some((_, due)) => para(format!(
            "We will meet again by {}.\nWe will check the plan is working.",
            long_date(due)
        )),
        None => para("There is no other meeting booked yet."),
    });
    blocks.push(heading("Help with this report", Some(Symbol::Heart)));
    blocks.push(para(
        "Ask someone you trust to read this with you.\nThis could be your family, your advocate or your care coordinator.\nYou can ask questions about anything in it.",
    ));
    Document {
        marking: crate::reports::Marking::Personal,
        style: Style::EasyRead,
        title: format!("Your review: easy read ({})", f.given_name),
        footer: format!(
            "Your review \u{2014} easy read \u{2014} {}",
            long_date(f.held_on)
        ),
        organisation: f.organisation.clone(),
        day: f.held_on,
        blocks,
    }
}

/// Who was there, a line each, in easy words.
fn who_was_there(f: &ReviewFacts) -> Vec<String> {
    let mut out = Vec::new();
    let others = f.attendance.iter().flat_map(|a| &a.others);
    if others.clone().any(|o| o.role == AttendeeRole::Person) {
        out.push("You.".to_string());
    }
    for (seat, name) in &f.panel {
        let was_there = f.attendance.as_ref().is_none_or(|a| a.panel.contains(seat));
        if !was_there {
            continue;
        }
        out.push(match seat {
            Seat::Chair => format!("{name}. They ran the meeting."),
            Seat::ExpertByExperience => {
                format!("{name}. They know about care from their own life.")
            }
            Seat::ClinicalExpert => format!("{name}. They know about health care."),
        });
    }
    for o in others.filter(|o| o.role != AttendeeRole::Person) {
        let who = match o.role {
            AttendeeRole::ParentCarer | AttendeeRole::Family => "Your family",
            AttendeeRole::Advocate => "Your advocate",
            AttendeeRole::SocialWorker => "Your social worker",
            AttendeeRole::CareCoordinator => "Your care coordinator",
            AttendeeRole::ResponsibleClinician => "Your doctor",
            AttendeeRole::WardStaff => "A nurse or staff from the ward",
            AttendeeRole::Education => "Someone from your school or college",
            AttendeeRole::Provider => "Someone from the people who support you",
            AttendeeRole::Commissioner => "Someone who plans and pays for your care",
            AttendeeRole::Gp => "Your GP (your family doctor)",
            AttendeeRole::Person | AttendeeRole::Other => "Someone else who knows you",
        };
        out.push(match &o.name {
            Some(n) => format!("{who}: {n}."),
            None => format!("{who}."),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::enquiry::Attendee;
    use time::macros::date;

    fn facts() -> ReviewFacts {
        ReviewFacts {
            organisation: "NHS Test ICB".into(),
            review_type: ReviewType::Cetr,
            kind: ReviewKind::Community,
            held_on: date!(2026 - 11 - 02),
            starts_at: Some("10:30".into()),
            place: Some("Room 2".into()),
            given_name: "Zoë".into(),
            family_name: "Kowalska".into(),
            nhs_number: "943 476 5919".into(),
            date_of_birth: date!(2014 - 03 - 09),
            panel: vec![
                (Seat::Chair, "Pat Chair".into()),
                (Seat::ExpertByExperience, "Eve Expert".into()),
                (Seat::ClinicalExpert, "Dr Cal".into()),
            ],
            attendance: Some(Attendance {
                panel: vec![Seat::Chair, Seat::ClinicalExpert],
                others: vec![
                    Attendee {
                        role: AttendeeRole::Person,
                        name: None,
                    },
                    Attendee {
                        role: AttendeeRole::ParentCarer,
                        name: Some("Ann Kowalska".into()),
                    },
                ],
            }),
            person_views: Some("I like my school.".into()),
            family_views: None,
            easy_words: Some("You want to stay at home.\nA nurse will visit you.".into()),
            lines: vec![
                Line {
                    key: "safe".into(),
                    question: "Is the person safe?".into(),
                    easy: "Are you safe?".into(),
                },
                Line {
                    key: "education".into(),
                    question: "Is the person learning?".into(),
                    easy: "Are you learning?".into(),
                },
            ],
            enquiry_version: Some("2026-11".into()),
            findings: [(
                "safe".to_string(),
                "Safe with a package of care.".to_string(),
            )]
            .into(),
            recommendations: "Increase support.".into(),
            actions: vec![PlannedAction {
                who: "Community LD nurse".into(),
                what: "Positive behaviour support plan".into(),
                when: date!(2026 - 12 - 07),
                how: "Weekly visits".into(),
            }],
            next: Some((ReviewKind::FollowUp, date!(2027 - 02 - 02))),
        }
    }

    #[test]
    fn the_report_says_everything_recorded_and_what_was_not() {
        let f = facts();
        let doc = report(&f);
        let words = doc.words().join("\n");
        for expected in [
            "Care, Education and Treatment Review (CETR): report",
            "943 476 5919",
            "9 March 2014",
            "version 2026-11",
            "Ann Kowalska",
            "I like my school.",
            "Is the person safe?",
            "Safe with a package of care.",
            "Increase support.",
            "WHO",
            "HOW",
            "Positive behaviour support plan",
            "7 Dec 2026",
            "Weekly visits",
            "The follow-up review is due by Tuesday 2 February 2027.",
        ] {
            assert!(words.contains(expected), "{expected} in {words}");
        }
        // The family's views were not given; the education finding is missing.
        assert_eq!(words.matches("Not recorded.").count(), 2, "{words}");
        // The expert by experience did not attend.
        let Some(Block::Table { rows, .. }) = doc.blocks.iter().find(
            |b| matches!(b, Block::Table { rows, .. } if rows.iter().any(|r| r[1] == "Eve Expert")),
        ) else {
            panic!("attendance table");
        };
        let eve = rows.iter().find(|r| r[1] == "Eve Expert").unwrap();
        assert_eq!(eve[2], "No");
    }

    #[test]
    fn the_easy_read_speaks_to_the_person_in_easy_words_without_the_professionals_findings() {
        let doc = easy_read(&facts());
        assert_eq!(doc.style, Style::EasyRead);
        let words = doc.words().join("\n");
        for expected in [
            "This report is for Zoë.",
            "You.",
            "Your family: Ann Kowalska.",
            "Pat Chair. They ran the meeting.",
            "Are you learning?",
            "You want to stay at home.",
            "Who will do it",
            "What they will do",
            "By Monday 7 December 2026",
            "We will meet again by Tuesday 2 February 2027.",
        ] {
            assert!(words.contains(expected), "{expected} in {words}");
        }
        assert!(!words.contains("Safe with a package of care."));
        assert!(!words.contains("Eve Expert"), "she did not attend");
        assert!(
            !words.contains("943 476 5919"),
            "no NHS number in easy read"
        );
        // Every heading carries a symbol.
        assert!(
            doc.blocks
                .iter()
                .all(|b| !matches!(b, Block::Heading { symbol: None, .. }))
        );
    }
}
