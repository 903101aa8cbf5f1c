//! Who is asking and may they: password hashing, random tokens, the request guards that turn a
//! cookie or bearer token into a `Caller` authorised for the matched route, CSRF, and the
//! client's address for sign-in limits.

pub mod client;
pub mod csrf;
pub mod guard;
pub mod password;
pub mod token;

pub use guard::{Caller, Via};
