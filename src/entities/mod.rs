//! sea-orm entities, one file a table. No logic lives here: rules are in `domain`, use cases in
//! `services`.

pub mod audit_entry;
pub mod audit_head;
pub mod login_failure;
pub mod session;
pub mod user;
