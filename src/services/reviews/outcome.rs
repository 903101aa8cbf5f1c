//! An outcome's fields as given, checked: the date held, a finding for each key line of
//! enquiry the review is held under, the recommendations, who attended, the person's and the
//! family's words, what was agreed in easy words, and the action plan.

use super::*;
use crate::domain::enquiry::{Attendance, Attendee, AttendeeRole, Line, Seat};

/// An outcome as given, checked: the date held, a finding for each key line of enquiry,
/// the recommendations, and each action's WHO, WHAT, WHEN (not before the review) and HOW.
pub(in crate::services) struct CheckedOutcome {
    pub held_on: Date,
    pub findings: BTreeMap<String, String>,
    pub recommendations: String,
    pub actions: Vec<(String, String, Date, String)>,
    /// `None` when not given (an API client of the first contract).
    pub attendance: Option<Attendance>,
    pub person_views: Option<String>,
    pub family_views: Option<String>,
    pub easy_words: Option<String>,
}

/// Checks an outcome's fields, when it is recorded and when it is amended.
pub(in crate::services) fn check_outcome(
    input: &Outcome,
    lines: &[Line],
    today: Date,
) -> Result<CheckedOutcome, AppError> {
    let mut c = Check::default();
    let held_on = c.past_date(
        "held_on",
        "the date the review was held",
        &input.held_on,
        today,
    );
    let findings = check_findings(&mut c, lines, input.findings.clone().unwrap_or_default());
    let recommendations = c.paragraph(
        "recommendations",
        "the recommendations",
        &input.recommendations,
        20_000,
    );
    let actions = check_actions(
        &mut c,
        input.actions.as_deref().unwrap_or_default(),
        held_on,
        today,
    );
    let attendance = input
        .attendance
        .as_ref()
        .map(|a| check_attendance(&mut c, a));
    let person_views = c.optional_paragraph(
        "person_views",
        "the person's views",
        &input.person_views,
        VIEWS_MAX,
    );
    let family_views = c.optional_paragraph(
        "family_views",
        "the family's views",
        &input.family_views,
        VIEWS_MAX,
    );
    let easy_words = c.optional_paragraph(
        "easy_words",
        "what was agreed, in easy words",
        &input.easy_words,
        EASY_WORDS_MAX,
    );
    c.finish()?;
    let Some(held_on) = held_on else {
        return Err(AppError::internal("checked input incomplete"));
    };
    Ok(CheckedOutcome {
        held_on,
        findings,
        recommendations,
        actions: actions
            .into_iter()
            .map(|(who, what, when, how)| (who, what, when.unwrap_or(held_on), how))
            .collect(),
        attendance,
        person_views,
        family_views,
        easy_words,
    })
}

/// A finding for each key line of enquiry of the review, and none for anything else.
fn check_findings(
    c: &mut Check,
    lines: &[Line],
    given: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut findings = BTreeMap::new();
    for line in lines {
        let text = c.paragraph(
            &format!("findings.{}", line.key),
            &format!("the finding for \"{}\"", line.question),
            &given.get(&line.key).cloned(),
            10_000,
        );
        findings.insert(line.key.clone(), text);
    }
    for key in given.keys().filter(|k| !lines.iter().any(|l| &l.key == *k)) {
        c.fail(
            &format!("findings.{key}"),
            "This is not one of the key lines of enquiry of this review",
        );
    }
    findings
}

/// The person's and the family's views: up to this many characters each.
const VIEWS_MAX: usize = 10_000;
/// What was agreed in easy words: short, as easy read asks.
pub const EASY_WORDS_MAX: usize = 2_000;
/// At most this many others attending.
pub const MAX_ATTENDEES: usize = 30;

/// Who attended: seats of the panel (each once), and others by role with an optional name.
fn check_attendance(c: &mut Check, given: &AttendanceInput) -> Attendance {
    let mut panel = Vec::new();
    for (i, seat) in given.panel.iter().flatten().enumerate() {
        let field = format!("attendance.panel[{i}]");
        match Seat::parse(seat.trim()) {
            Some(s) if !panel.contains(&s) => panel.push(s),
            Some(_) => c.fail(&field, "Each seat of the panel is listed once"),
            None => c.fail(&field, format!("Choose a seat: {}", Seat::choices())),
        }
    }
    panel.sort_by_key(|s| Seat::ALL.iter().position(|a| a == s));
    let others_given = given.others.as_deref().unwrap_or_default();
    if others_given.len() > MAX_ATTENDEES {
        c.fail(
            "attendance.others",
            format!("List at most {MAX_ATTENDEES} others who attended"),
        );
    }
    let mut others = Vec::new();
    for (i, a) in others_given.iter().take(MAX_ATTENDEES).enumerate() {
        let field = |part: &str| format!("attendance.others[{i}].{part}");
        let name = c.optional_text(&field("name"), "their name", &a.name, 200);
        if a.role.is_none() && name.is_none() {
            continue; // an empty row of the form
        }
        let role = c.choice(
            &field("role"),
            "their role",
            &a.role,
            AttendeeRole::parse,
            AttendeeRole::choices(),
        );
        if let Some(role) = role {
            others.push(Attendee { role, name });
        }
    }
    Attendance { panel, others }
}

/// Each action's WHO, WHAT, WHEN (not before the review) and HOW, at most `MAX_ACTIONS` of them.
fn check_actions(
    c: &mut Check,
    given: &[NewAction],
    held_on: Option<Date>,
    today: Date,
) -> Vec<(String, String, Option<Date>, String)> {
    if given.len() > MAX_ACTIONS {
        c.fail(
            "actions",
            format!(
                "An action plan can hold at most {MAX_ACTIONS} actions (this one has {})",
                given.len()
            ),
        );
    }
    let mut actions = Vec::new();
    for (i, a) in given.iter().take(MAX_ACTIONS).enumerate() {
        let field = |part: &str| format!("actions[{i}].{part}");
        let who_ = c.paragraph(&field("who"), "WHO will do it", &a.who, 200);
        let what = c.paragraph(&field("what"), "WHAT will be done", &a.what, 5_000);
        let when = c.dated(
            &field("when"),
            "WHEN it is due",
            &a.when,
            DateKind::Planned,
            today,
        );
        let how = c.paragraph(&field("how"), "HOW it will be done", &a.how, 5_000);
        if let (Some(w), Some(h)) = (when, held_on)
            && w < h
        {
            c.fail(&field("when"), "An action cannot be due before the review");
        }
        actions.push((who_, what, when, how));
    }
    actions
}

/// The key lines of enquiry of a review: those it was held under, or, until it is held, those
/// the policy gives its type and setting now.
pub(crate) fn lines_of(app: &App, r: &review::Model) -> Result<Vec<Line>, AppError> {
    match &r.enquiry_lines {
        Some(json) => serde_json::from_str(json)
            .map_err(|e| AppError::failed("a review's lines of enquiry", e)),
        None => Ok(app
            .policies
            .enquiry
            .lines_for(r.review_type, r.kind.setting())),
    }
}

/// Who attended a review, as kept (none when not recorded).
pub(crate) fn attendance_of(r: &review::Model) -> Result<Option<Attendance>, AppError> {
    r.attendance
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| AppError::failed("a review's attendance", e))
}
