//! Pure rules of the service: no Rocket, no database, no clock of their own. Each rule is a
//! function of its inputs and is table-tested at its boundaries. The register, consent, risk
//! tool, schedule and returns rules arrive here as their own modules.

pub mod accounts;
pub mod role;
