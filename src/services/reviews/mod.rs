//! Reviews and their action plans: scheduling with a panel (no one on two reviews in a day),
//! the due date each kind carries, holding with findings and actions (which schedules the next
//! review in the same transaction), the report, cancelling, and updating actions.

use super::audit::{self, Event};
use super::input::Check;
use super::people::{self, Reader};
use super::scope::Scope;
use super::sessions::SignedIn;
use super::{Actor, App};
use crate::domain::age::{ReviewType, age_on, review_type};
use crate::domain::dates::DateKind;
use crate::domain::deadlines::Owed;
use crate::domain::ids::{ActionId, PersonId, ReviewId, UserId};
use crate::domain::panel::{PLACE_MAX, parse_start_time, seat_problem};
use crate::domain::review::{self as rules, ActionStatus, Panel, ReviewKind, ReviewStatus};
use crate::domain::role::Role;
use crate::domain::schedule;
use crate::entities::{action, admission, review, user};
use crate::error::AppError;
use crate::policy::Permission;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use time::Date;

mod actions;
mod booking;
mod cancel;
mod hold;
mod input;
mod outcome;
mod read;
mod readers;
mod report;
mod views;
pub use actions::update_action;
use booking::{Booking, insert_review};
pub use booking::{MAX_ACTIONS, schedule};
pub(crate) use booking::{Seats, check_panel, check_starts_at, clash, review_type_on};
pub use cancel::{cancel, cancel_all_for};
pub use hold::{hold, may_record_chaired_by, plans_kept_by, report_sent};
pub(super) use hold::{may_record, next_after, to_json};
pub use input::{
    ActionUpdate, AttendanceInput, AttendeeInput, Cancel, NewAction, NewReview, Outcome, ReportSent,
};
pub(super) use outcome::{CheckedOutcome, check_outcome};
pub(crate) use outcome::{attendance_of, lines_of};
pub use read::{CalendarEntry, calendar_by_secret, calendar_for, get, with_previous};
pub(crate) use readers::find;
use readers::sits_on;
pub use readers::{ReviewReader, assigned_people};
pub use report::{Version as ReportVersion, report};
use views::names;
pub use views::{ActionView, PanelMember, ReviewView};
pub(crate) use views::{Lookups, action_view, lookups, view, view_with};

pub use super::review_list::{Agenda, ReviewQuery, Section, UPCOMING_DAYS, list};
