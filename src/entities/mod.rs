//! sea-orm entities, one file a table. No logic lives here: rules are in `domain`, use cases in
//! `services`.

pub mod action;
pub mod admission;
pub mod admission_revision;
pub mod audit_entry;
pub mod audit_head;
pub mod consent;
pub mod document;
pub mod document_content;
pub mod escalation;
mod ids;
pub mod import;
pub mod import_mapping;
pub mod import_row;
pub mod kept_form;
pub mod login_failure;
pub mod mail_outbox;
pub mod person;
pub mod person_due;
pub mod person_due_item;
pub mod person_due_word;
pub mod person_note;
pub mod person_revision;
pub mod person_timeline;
pub mod projection_state;
pub mod rating_event;
pub mod referral;
pub mod register_version;
pub mod return_content;
pub mod review;
pub mod review_addendum;
pub mod risk_assessment;
pub mod session;
pub mod stored_return;
pub mod user;
pub mod visit;
mod words;
