//! The five roles of SPEC.md. A user holds exactly one.

use std::fmt;
use std::str::FromStr;

super::vocabulary::vocabulary!(
    /// A user's role; ordered as SPEC.md lists them.
    #[derive(PartialOrd, Ord)]
    Role {
        Commissioner = "commissioner" / "Commissioner",
        PanelChair = "panel_chair" / "Panel chair",
        PanelMember = "panel_member" / "Panel member",
        Analyst = "analyst" / "Analyst",
        Admin = "admin" / "Administrator",
    }
);

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
        Role::parse(s).ok_or(UnknownRole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for &role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!("Admin".parse::<Role>(), Err(UnknownRole));
        assert_eq!("".parse::<Role>(), Err(UnknownRole));
    }
}
