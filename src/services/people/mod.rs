//! The register: adding people through the consent gate, reading them (within the caller's
//! share of the register), the list with its filters and `as_of`, edits, closing and withdrawal.
//! Every read and write is audited with the person's id.

use super::audit::{self, Event};
use super::input::{Check, describe_json};
use super::scope::Scope;
use super::{Actor, App};
use crate::domain::age::{AgeBand, ReviewType, age_on, review_type};
use crate::domain::consent::{self, Consent, ConsentBasis};
use crate::domain::dates::DateKind;
use crate::domain::ids::PersonId;
use crate::domain::nhs_number::NhsNumber;
use crate::domain::person::{
    Setting, Sex, Standing, Status, eligibility_problem, normalise_postcode,
};
use crate::domain::ratings::{RatingEvent, Stay, derived_rating, rating_of};
use crate::domain::risk::Rating;
use crate::entities::{
    admission, consent as consent_entity, person, person_revision, rating_event,
};
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::sessions::SignedIn;
use rocket::futures::TryStreamExt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    StreamTrait,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use time::Date;

mod dossier;
mod find;
mod past;
pub mod projection;
mod timeline;
mod today;
pub use dossier::{Dossier, PersonPage, dossier, due, page, worked_out_due};
pub(crate) use find::whole;
pub use find::{ListQuery, Sort, SortKey, list, local_authorities};

mod batch;
mod end;
mod inpatient;
mod input;
mod readers;
mod register;
mod snapshot;
mod update;
mod views;
pub use batch::register_many_in;
pub use end::{EndKind, Ending, end};
pub use inpatient::{InpatientView, NewInpatient, Objection, record_inpatient, record_objection};
pub use input::{ConsentInput, NewPerson};
use input::{Details, check_consent_fields, check_details, consent_refused};
pub use readers::{NameOf, Reader, find_readable, name_of};
use register::duplicate_nhs_number;
pub use register::{check_entry, get, register, register_in, view_by_id};
pub(crate) use snapshot::{EarlierDetails, Snapshot};
use snapshot::{
    Revision, details_as_at, load_revisions, load_stay_revisions, social_worker_history,
};
pub(crate) use update::update_in;
pub use update::{PATCHABLE, as_input, changed_fields, update};
pub(crate) use views::standing;
pub use views::{ConsentView, PersonView};
use views::{Derived, Records, Whose, fmt_date, load_records, status_on, view, view_with};
