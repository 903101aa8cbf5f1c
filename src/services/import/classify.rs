//! What each row would do to the register, decided before anything is written (and again inside
//! the commit's transaction): *add*, *update* (which fields), *unchanged*, *duplicate*,
//! *needs consent* or *refused* with every reason. The register's own checks decide: the consent
//! gate and field checks of a new entry (`people::check_entry`), those of an edit
//! (`people::changed_fields`), those of an admission; only what is particular to a sheet is
//! here (a rating given without the tool, the same person twice in one file).

use super::rows::RowInput;
use super::{Outcome, RowOutcome};
use crate::domain::dates::DateKind;
use crate::domain::ids::PersonId;
use crate::domain::person::Status;
use crate::domain::risk::Rating;
use crate::entities::{admission, person, rating_event};
use crate::error::AppError;
use crate::services::admissions::check_admission_fields;
use crate::services::input::Check;
use crate::services::people;
use crate::services::scope::Scope;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use time::Date;

/// Reads of the register are made a chunk of values at a time (within every backend's limit
/// on bound parameters).
const CHUNK: usize = 500;

/// What the register already holds about the people a sheet names.
#[derive(Default)]
struct Known {
    by_nhs: HashMap<String, person::Model>,
    /// Date of birth and folded names → the entries' NHS numbers and ids.
    by_name: HashMap<(Date, String, String), Vec<(String, PersonId)>>,
    /// Ratings already recorded, as (person, rating, day).
    ratings: HashSet<(PersonId, Rating, Date)>,
    /// The day each person's open admission began.
    open_stays: HashMap<PersonId, Date>,
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn name_key(r: &RowInput) -> Option<(Date, String, String)> {
    let dob = crate::domain::input::parse_date(r.person.date_of_birth.as_deref()?)?;
    Some((
        dob,
        fold(r.person.given_name.as_deref()?),
        fold(r.person.family_name.as_deref()?),
    ))
}

async fn known(db: &impl ConnectionTrait, rows: &[RowInput]) -> Result<Known, AppError> {
    let mut k = Known::default();
    let numbers: Vec<String> = rows.iter().filter_map(RowInput::nhs_digits).collect();
    for chunk in numbers.chunks(CHUNK) {
        for p in Scope::Register
            .select::<person::Entity>()
            .filter(person::Column::NhsNumber.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            k.by_nhs.insert(p.nhs_number.clone(), p);
        }
    }
    let births: Vec<Date> = rows
        .iter()
        .filter_map(name_key)
        .map(|(d, _, _)| d)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in births.chunks(CHUNK) {
        for p in Scope::Register
            .select::<person::Entity>()
            .filter(person::Column::DateOfBirth.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            k.by_name
                .entry((p.date_of_birth, fold(&p.given_name), fold(&p.family_name)))
                .or_default()
                .push((p.nhs_number.clone(), p.id.clone()));
        }
    }
    let ids: Vec<PersonId> = k.by_nhs.values().map(|p| p.id.clone()).collect();
    for chunk in ids.chunks(CHUNK) {
        for e in Scope::Register
            .select::<rating_event::Entity>()
            .filter(rating_event::Column::PersonId.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            k.ratings.insert((e.person_id, e.rating, e.effective_on));
        }
        for s in Scope::Register
            .select::<admission::Entity>()
            .filter(admission::Column::PersonId.is_in(chunk.iter().cloned()))
            .filter(admission::Column::DischargedOn.is_null())
            .all(db)
            .await?
        {
            k.open_stays.insert(s.person_id, s.admitted_on);
        }
    }
    Ok(k)
}

/// Every problem of a refusal, as `field: why` lines.
pub(super) fn reasons(e: &AppError) -> Vec<String> {
    match e {
        AppError::Validation { fields, .. } if !fields.is_empty() => fields
            .iter()
            .flat_map(|(f, whys)| whys.iter().map(move |w| format!("{f}: {w}")))
            .collect(),
        AppError::ConsentRequired { message, field } => vec![format!("{field}: {message}")],
        AppError::ConflictOn { message, field } => vec![format!("{field}: {message}")],
        other => vec![other.to_string()],
    }
}

/// The rating columns checked: the rating to record and its day, if one is given. `registered`
/// is the day the person is (or will be) on the register from; `admitted` the day an admission
/// given in the row begins.
fn check_rating(
    row: &RowInput,
    registered: Option<Date>,
    admitted: Option<Date>,
    today: Date,
    problems: &mut Vec<String>,
) -> Option<(Rating, Date)> {
    let rating = match row.rating.as_deref() {
        None => None,
        Some(word) => match Rating::parse(word) {
            // Blue comes with the admission; if the admission's columns are wrong, they say so.
            Some(Rating::Blue) if admitted.is_some() || row.admission.is_some() => return None,
            Some(Rating::Blue) => {
                problems.push("rating: Blue is worked out from an open admission, never given: fill in the admission, or give the rating before it".into());
                return None;
            }
            Some(r) => Some(r),
            None => {
                problems.push("rating: Enter red, amber or green".into());
                return None;
            }
        },
    };
    let day = row
        .rating_on
        .as_deref()
        .and_then(crate::domain::input::parse_date);
    match (rating, day) {
        (None, None) => None,
        (Some(_), None) => {
            problems.push("rating_on: Give the day the rating was given".into());
            None
        }
        (None, Some(_)) => {
            problems.push("rating: Give the rating given on that day".into());
            None
        }
        (Some(r), Some(d)) => {
            if let Some(p) = DateKind::Event.problem(d, today) {
                problems.push(format!("rating_on: The rating day {}", p.describe()));
                return None;
            }
            if let Some(reg) = registered.filter(|reg| d < *reg) {
                problems.push(format!(
                    "rating_on: A rating cannot be dated before the person joined the register ({reg})"
                ));
                return None;
            }
            if let Some(a) = admitted.filter(|a| d >= *a) {
                problems.push(format!(
                    "rating_on: Someone in hospital is rated blue: give the rating before the admission ({a})"
                ));
                return None;
            }
            Some((r, d))
        }
    }
}

/// The admission columns checked as the admission form's are.
fn check_admission(row: &RowInput, today: Date, problems: &mut Vec<String>) -> Option<Date> {
    let input = row.admission.as_ref()?;
    let mut c = Check::default();
    let checked = check_admission_fields(&mut c, input, today);
    match c.finish() {
        Ok(()) => checked.map(|a| a.admitted_on),
        Err(e) => {
            problems.extend(reasons(&e));
            None
        }
    }
}

/// Each row's outcome, in the order of the sheet.
pub(super) async fn classify(
    db: &impl ConnectionTrait,
    rows: &[RowInput],
    today: Date,
) -> Result<Vec<RowOutcome>, AppError> {
    let known = known(db, rows).await?;
    let mut seen_nhs: HashMap<String, usize> = HashMap::new();
    let mut seen_name: HashMap<(Date, String, String), (usize, Option<String>)> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut o = one(row, &known, today);
        let digits = row.nhs_digits();
        if let Some(n) = &digits {
            if let Some(first) = seen_nhs.get(n) {
                o = RowOutcome::not_written(
                    row,
                    Outcome::Refused,
                    vec![format!("nhs_number: The same NHS number as row {first}")],
                );
            } else {
                seen_nhs.insert(n.clone(), row.line);
            }
        }
        if let Some(key) = name_key(row) {
            match seen_name.get(&key) {
                Some((first, other)) if *other != digits && o.outcome == Outcome::Add => {
                    o = RowOutcome::not_written(
                        row,
                        Outcome::Duplicate,
                        vec![format!(
                            "The same name and date of birth as row {first}, with another NHS number"
                        )],
                    );
                }
                Some(_) => {}
                None => {
                    seen_name.insert(key, (row.line, digits.clone()));
                }
            }
        }
        out.push(o);
    }
    Ok(out)
}

fn one(row: &RowInput, known: &Known, today: Date) -> RowOutcome {
    let mut problems = row.problems.clone();
    let admitted = check_admission(row, today, &mut problems);
    let existing = row
        .nhs_digits()
        .and_then(|n| known.by_nhs.get(&n))
        .filter(|p| p.status != Status::InpatientOnly);
    if let Some(p) = existing {
        return existing_entry(row, p, known, admitted, today, problems);
    }
    let registered = match people::check_entry(&row.person, today) {
        Ok(day) => Some(day),
        Err(e) => {
            let consent_only = match &e {
                AppError::ConsentRequired { .. } => true,
                AppError::Validation { fields, .. } => {
                    !fields.is_empty() && fields.keys().all(|f| f.starts_with("consent"))
                }
                _ => false,
            };
            let why = reasons(&e);
            check_rating(row, None, admitted, today, &mut problems);
            if consent_only && problems.is_empty() {
                return RowOutcome::not_written(row, Outcome::NeedsConsent, why);
            }
            problems.extend(why);
            return RowOutcome::not_written(row, Outcome::Refused, problems);
        }
    };
    // An inpatient-only entry with the number joins the register: the row names it, and its
    // stay is the admission the row may give again.
    let joins = row
        .nhs_digits()
        .and_then(|n| known.by_nhs.get(&n))
        .map(|p| p.id.clone());
    let stay = joins
        .as_ref()
        .and_then(|id| known.open_stays.get(id))
        .copied();
    let mut changes = Vec::new();
    match (admitted, stay) {
        (Some(a), Some(s)) if a != s => problems.push(format!(
            "admitted_on: This person is already in hospital since {s}: record changes to the stay on their page"
        )),
        (Some(_), None) => changes.push("admission".to_string()),
        _ => {}
    }
    check_rating(row, registered, admitted.or(stay), today, &mut problems);
    if !problems.is_empty() {
        return RowOutcome::not_written(row, Outcome::Refused, problems);
    }
    if let Some(key) = name_key(row) {
        let digits = row.nhs_digits();
        if let Some((_, id)) = known
            .by_name
            .get(&key)
            .and_then(|v| v.iter().find(|(n, _)| Some(n) != digits.as_ref()))
        {
            let mut o = RowOutcome::not_written(
                row,
                Outcome::Duplicate,
                vec!["The same name and date of birth as someone on the register with another NHS number: check before adding".into()],
            );
            o.person_id = Some(id.clone());
            return o;
        }
    }
    RowOutcome {
        line: row.line,
        outcome: Outcome::Add,
        joins: joins.is_some(),
        person_id: joins,
        reasons: Vec::new(),
        changes,
        detail: None,
    }
}

/// A row naming someone already on the register: what it changes, if anything.
fn existing_entry(
    row: &RowInput,
    p: &person::Model,
    known: &Known,
    admitted: Option<Date>,
    today: Date,
    mut problems: Vec<String>,
) -> RowOutcome {
    if p.status != Status::Active {
        problems.push(
            "nhs_number: This person's register entry is closed: an import does not reopen it"
                .into(),
        );
        return RowOutcome::about(p, Outcome::Refused, row.line, problems);
    }
    let mut changes: Vec<String> = match people::changed_fields(p, &row.given, today) {
        Ok(fields) => fields.into_iter().map(String::from).collect(),
        Err(e) => {
            problems.extend(reasons(&e));
            Vec::new()
        }
    };
    let stay = known.open_stays.get(&p.id).copied();
    match (admitted, stay) {
        (Some(a), Some(s)) if a != s => problems.push(format!(
            "admitted_on: This person is already in hospital since {s}: record changes to the stay on their page"
        )),
        (Some(_), None) => changes.push("admission".into()),
        _ => {}
    }
    let registered = row
        .given
        .get("registered_on")
        .and_then(|v| v.as_str())
        .and_then(crate::domain::input::parse_date)
        .unwrap_or(p.registered_on);
    let rating_admitted = admitted.or(stay);
    if let Some((r, d)) = check_rating(row, Some(registered), rating_admitted, today, &mut problems)
        && !known.ratings.contains(&(p.id.clone(), r, d))
    {
        changes.push("rating".into());
    }
    if !problems.is_empty() {
        return RowOutcome::about(p, Outcome::Refused, row.line, problems);
    }
    RowOutcome {
        line: row.line,
        outcome: if changes.is_empty() {
            Outcome::Unchanged
        } else {
            Outcome::Update
        },
        person_id: Some(p.id.clone()),
        reasons: Vec::new(),
        changes,
        detail: None,
        joins: false,
    }
}
