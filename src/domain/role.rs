//! The five roles of SPEC.md. A user holds exactly one.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Commissioner,
    PanelChair,
    PanelMember,
    Analyst,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Commissioner,
        Role::PanelChair,
        Role::PanelMember,
        Role::Analyst,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Commissioner => "commissioner",
            Role::PanelChair => "panel_chair",
            Role::PanelMember => "panel_member",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// How the role reads to a person on a page.
    pub fn label(self) -> &'static str {
        match self {
            Role::Commissioner => "Commissioner",
            Role::PanelChair => "Panel chair",
            Role::PanelMember => "Panel member",
            Role::Analyst => "Analyst",
            Role::Admin => "Administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownRole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!("Admin".parse::<Role>(), Err(UnknownRole));
        assert_eq!("".parse::<Role>(), Err(UnknownRole));
    }
}
