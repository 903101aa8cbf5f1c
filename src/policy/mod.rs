//! Policies an ICB can change without a rebuild: `policies/*.toml`, loaded and checked once at
//! start-up into typed structs. A policy file that does not make sense stops the start with a
//! message naming the file and the problem.

pub mod access;

use std::path::Path;

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
            let parsed = crate::services::input::parse_date(day).ok_or_else(|| {
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
        Ok(Policies {
            access,
            risk_tool,
            schedule,
        })
    }
}

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
