//! Policies an ICB can change without a rebuild: `policies/*.toml`, loaded and checked once at
//! start-up into typed structs. A policy file that does not make sense stops the start with a
//! message naming the file and the problem.

pub mod access;

use std::path::Path;

use crate::domain::accounts::sessions::SignInLimits;
use crate::domain::enquiry::Enquiry;
use crate::domain::inpatients::Collection;
use crate::domain::risk::RiskTool;
use crate::domain::schedule::Deadlines;
pub use access::{AccessPolicy, Permission};
use std::collections::BTreeSet;
use time::Date;

/// Every policy the service runs on.
#[derive(Debug, Clone)]
pub struct Policies {
    pub access: AccessPolicy,
    pub risk_tool: RiskTool,
    pub schedule: Schedule,
    /// `policies/signin.toml` (optional: the defaults of [`SignInLimits`] without it).
    pub signin: SignInLimits,
    /// `policies/assuring-transformation.toml`: the AT collection's code lists and export.
    pub collection: Collection,
    /// `policies/lines-of-enquiry.toml` (optional: the shipped file's lines without it).
    pub enquiry: Enquiry,
}

/// `policies/schedule.toml`: the timescales the service enforces.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub post_discharge_red_days: u32,
    pub referral_decision_days: u32,
    pub deadlines: Deadlines,
    /// England and Wales bank holidays: working days skip them.
    pub bank_holidays: BTreeSet<Date>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleFile {
    /// Days a discharged person stays red before a lower rating is accepted.
    pub post_discharge_red_days: u32,
    /// Days after receipt by which a referral should be decided.
    pub referral_decision_days: u32,
    bank_holidays: Vec<String>,
    deadlines: Deadlines,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

impl Policies {
    pub fn load(dir: &Path) -> Result<Self, PolicyError> {
        let access_path = dir.join("access.toml");
        let text = read(&access_path)?;
        let access = AccessPolicy::parse(&text).map_err(|message| PolicyError::Invalid {
            path: access_path.display().to_string(),
            message,
        })?;
        let tool_path = dir.join("risk-tool.toml");
        let risk_tool: RiskTool = parse_toml(&tool_path)?;
        risk_tool
            .check()
            .map_err(|message| invalid(&tool_path, message))?;
        let schedule_path = dir.join("schedule.toml");
        let file: ScheduleFile = parse_toml(&schedule_path)?;
        let mut bank_holidays = BTreeSet::new();
        for day in &file.bank_holidays {
            let parsed = crate::domain::input::parse_date(day).ok_or_else(|| {
                invalid(
                    &schedule_path,
                    format!("bank holiday `{day}` is not a YYYY-MM-DD date"),
                )
            })?;
            bank_holidays.insert(parsed);
        }
        let schedule = Schedule {
            post_discharge_red_days: file.post_discharge_red_days,
            referral_decision_days: file.referral_decision_days,
            deadlines: file.deadlines,
            bank_holidays,
        };
        if schedule.post_discharge_red_days > 365 || schedule.referral_decision_days > 365 {
            return Err(invalid(&schedule_path, "a timescale is over a year".into()));
        }
        if schedule.referral_decision_days == 0 {
            return Err(invalid(
                &schedule_path,
                "referral_decision_days must be at least 1".into(),
            ));
        }
        let signin = load_signin(&dir.join("signin.toml"))?;
        let collection_path = dir.join("assuring-transformation.toml");
        let collection: Collection = parse_toml(&collection_path)?;
        if let Some(message) = collection.problem() {
            return Err(invalid(&collection_path, message));
        }
        let enquiry = load_enquiry(&dir.join("lines-of-enquiry.toml"))?;
        Ok(Policies {
            access,
            risk_tool,
            schedule,
            signin,
            collection,
            enquiry,
        })
    }
}

/// The sign-in limits: the file's values over the defaults, or the defaults when there is no file.
fn load_signin(path: &Path) -> Result<SignInLimits, PolicyError> {
    if !path.exists() {
        return Ok(SignInLimits::default());
    }
    let limits: SignInLimits = parse_toml(path)?;
    match limits.problem() {
        Some(message) => Err(invalid(path, message)),
        None => Ok(limits),
    }
}

/// The key lines of enquiry: the file's, checked, or the shipped ones when there is no file.
fn load_enquiry(path: &Path) -> Result<Enquiry, PolicyError> {
    let enquiry: Enquiry = if path.exists() {
        parse_toml(path)?
    } else {
        toml::from_str(SHIPPED_ENQUIRY).map_err(|e| invalid(path, e.message().to_string()))?
    };
    match enquiry.problem() {
        Some(message) => Err(invalid(path, message)),
        None => Ok(enquiry),
    }
}

/// The lines of enquiry shipped with tcr (what the generators of sample data hold reviews under).
pub fn shipped_enquiry() -> &'static Enquiry {
    static SHIPPED: std::sync::OnceLock<Enquiry> = std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| {
        toml::from_str(SHIPPED_ENQUIRY).unwrap_or_else(|_| Enquiry {
            version: String::new(),
            lines: Vec::new(),
        })
    })
}

/// The lines of enquiry shipped with tcr, for a policies directory without the file.
const SHIPPED_ENQUIRY: &str = include_str!("../../policies/lines-of-enquiry.toml");

fn invalid(path: &Path, message: String) -> PolicyError {
    PolicyError::Invalid {
        path: path.display().to_string(),
        message,
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, PolicyError> {
    let text = read(path)?;
    toml::from_str(&text).map_err(|e| invalid(path, e.message().to_string()))
}

fn read(path: &Path) -> Result<String, PolicyError> {
    std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
        path: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signin_limits_default_without_a_file_and_are_checked_with_one() {
        let dir = std::env::temp_dir().join(format!("tcr-signin-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("signin.toml");
        assert_eq!(load_signin(&path).unwrap(), SignInLimits::default());
        std::fs::write(&path, "per_address = 50\n").unwrap();
        let limits = load_signin(&path).unwrap();
        assert_eq!(limits.per_address, 50);
        assert_eq!(limits.per_username_and_address, 5);
        std::fs::write(&path, "per_address = 0\n").unwrap();
        assert!(
            load_signin(&path)
                .unwrap_err()
                .to_string()
                .contains("per_address")
        );
        std::fs::write(&path, "per_adress = 50\n").unwrap();
        assert!(load_signin(&path).is_err(), "unknown keys are refused");
        std::fs::remove_dir_all(&dir).ok();
        let shipped = load_signin(
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies/signin.toml"),
        );
        assert_eq!(shipped.unwrap(), SignInLimits::default());
    }
}
