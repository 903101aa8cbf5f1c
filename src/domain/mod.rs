//! Pure rules of the service: no Rocket, no database, no clock of their own. Each rule is a
//! function of its inputs and is table-tested at its boundaries.

pub mod accounts;
pub mod age;
pub mod audit_words;
pub mod consent;
pub mod dates;
pub mod deadlines;
pub mod email;
pub mod enquiry;
pub mod ethnicity;
pub mod figures;
pub mod ical;
pub mod ids;
pub mod import;
pub mod inpatients;
pub mod input;
pub mod nhs_number;
pub mod panel;
pub mod person;
pub mod ratings;
pub mod record;
pub mod referral;
pub mod returns;
pub mod review;
pub mod risk;
pub mod role;
pub mod schedule;
pub mod search;
pub mod text;
pub mod visits;
pub mod vocabulary;
