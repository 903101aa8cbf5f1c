//! Referrals to the single point of access: recording them, the 28-day decision, accepting
//! (which adds the person through the consent gate in the same transaction, with the referral's
//! risk tool answers as their first assessment) or declining, and telling the referrer.

use super::audit::{self, Event};
use super::input::Check;
use super::people::{self, NewPerson, Reader};
use super::risk::{record_assessment, score};
use super::scope::Scope;
use super::{Actor, App};
use crate::domain::age::age_on;
use crate::domain::dates::DateKind;
use crate::domain::ids::{PersonId, ReferralId};
use crate::domain::nhs_number::NhsNumber;
use crate::domain::referral::{self as rules, ReferralStatus};
use crate::domain::risk::Rating;
use crate::entities::{person, referral};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

mod create;
mod decide;
mod read;
mod views;
pub use create::create;
pub use decide::{decide, outcome_sent};
use read::find;
pub use read::{ReferralQuery, get, list, page};
pub use views::{Decision, NewReferral, OutcomeSent, PossibleDuplicate, ReferralView};
use views::{corrupt, duplicates_of, view};
