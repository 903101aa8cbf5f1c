//! Drawing the synthetic register, person by person: [`Gen`] makes one person's rows (the person,
//! their consent, rating history, stays, reviews, actions and referrals) from that person's own
//! random stream, so a chunk's rows depend only on the seed, `today` and who is in it.
//!
//! [`person`] draws who the person is, [`history`] their assessments and stays, [`reviews`]
//! their reviews and action plans, [`referrals`] the referrals that come with them.

mod history;
mod person;
mod referrals;
mod reviews;

use super::rng::{NhsNumbers, Rng};
use super::seed::Rows;
use sea_orm::DbErr;
use std::ops::Range;
use time::Date;

/// Who the synthetic rows say recorded them.
pub(super) const BY: &str = "synthetic";
/// How far back registrations go: three years.
pub(super) const HORIZON_DAYS: i64 = 1095;
/// How far back rating histories go: two years.
pub(super) const HISTORY_DAYS: i64 = 730;

/// The rows of people `items` of the run `seed`, in order, each drawn from its own stream.
pub(super) fn chunk(
    seed: u64,
    items: Range<usize>,
    today: Date,
    numbers: &mut NhsNumbers,
) -> Result<Rows, DbErr> {
    let mut rows = Rows::default();
    for i in items {
        let mut g = Gen {
            rng: Rng::for_item(seed, i as u64),
            today,
            rows: &mut rows,
        };
        g.person(numbers)?;
    }
    Ok(rows)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Course {
    Community,
    /// In hospital today.
    InHospital,
    /// Admitted and discharged within the history window.
    Discharged,
}

/// An open stay, for the reviews that follow it.
struct OpenStay {
    admitted_on: Date,
    security_level: &'static str,
}

/// One person's generator: their random stream, the day the register is drawn for, and the
/// chunk's rows it adds to.
struct Gen<'a> {
    rng: Rng,
    today: Date,
    rows: &'a mut Rows,
}
