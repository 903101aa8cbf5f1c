//! `policies/access.toml`: which role holds which named permission.

use crate::domain::role::Role;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// The permissions a route can require. The vocabulary is fixed in code; which role holds which
/// is the policy file's business.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    UsersRead,
    UsersManage,
    AuditRead,
    AuditVerify,
    RiskToolRead,
    PeopleRead,
    PeopleReadAssigned,
    PeopleReadWithdrawn,
    PeopleWrite,
    RiskAssess,
    AdmissionsRecord,
    ReferralsRead,
    ReferralsWrite,
    ReviewsRead,
    ReviewsReadAssigned,
    ReviewsSchedule,
    ReviewsRecord,
    ReviewsRecordChaired,
    ActionsUpdate,
    ReturnsRead,
    ReturnsGenerate,
    ReturnsDownload,
}

impl Permission {
    pub const ALL: [Permission; 22] = [
        Permission::UsersRead,
        Permission::UsersManage,
        Permission::AuditRead,
        Permission::AuditVerify,
        Permission::RiskToolRead,
        Permission::PeopleRead,
        Permission::PeopleReadAssigned,
        Permission::PeopleReadWithdrawn,
        Permission::PeopleWrite,
        Permission::RiskAssess,
        Permission::AdmissionsRecord,
        Permission::ReferralsRead,
        Permission::ReferralsWrite,
        Permission::ReviewsRead,
        Permission::ReviewsReadAssigned,
        Permission::ReviewsSchedule,
        Permission::ReviewsRecord,
        Permission::ReviewsRecordChaired,
        Permission::ActionsUpdate,
        Permission::ReturnsRead,
        Permission::ReturnsGenerate,
        Permission::ReturnsDownload,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::UsersRead => "users.read",
            Permission::UsersManage => "users.manage",
            Permission::AuditRead => "audit.read",
            Permission::AuditVerify => "audit.verify",
            Permission::RiskToolRead => "risk_tool.read",
            Permission::PeopleRead => "people.read",
            Permission::PeopleReadAssigned => "people.read_assigned",
            Permission::PeopleReadWithdrawn => "people.read_withdrawn",
            Permission::PeopleWrite => "people.write",
            Permission::RiskAssess => "risk.assess",
            Permission::AdmissionsRecord => "admissions.record",
            Permission::ReferralsRead => "referrals.read",
            Permission::ReferralsWrite => "referrals.write",
            Permission::ReviewsRead => "reviews.read",
            Permission::ReviewsReadAssigned => "reviews.read_assigned",
            Permission::ReviewsSchedule => "reviews.schedule",
            Permission::ReviewsRecord => "reviews.record",
            Permission::ReviewsRecordChaired => "reviews.record_chaired",
            Permission::ActionsUpdate => "actions.update",
            Permission::ReturnsRead => "returns.read",
            Permission::ReturnsGenerate => "returns.generate",
            Permission::ReturnsDownload => "returns.download",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Permission {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Permission::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPolicy {
    grants: BTreeMap<Role, BTreeSet<Permission>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessFile {
    roles: BTreeMap<String, RoleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleEntry {
    permissions: Vec<String>,
}

impl AccessPolicy {
    /// Parses and checks the file: every role of SPEC.md present, no unknown role or permission.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: AccessFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let mut grants = BTreeMap::new();
        for (name, entry) in file.roles {
            let role: Role = name.parse().map_err(|_| format!("unknown role `{name}`"))?;
            let mut set = BTreeSet::new();
            for p in entry.permissions {
                let perm: Permission = p
                    .parse()
                    .map_err(|_| format!("unknown permission `{p}` for role `{name}`"))?;
                set.insert(perm);
            }
            grants.insert(role, set);
        }
        if let Some(missing) = Role::ALL.iter().find(|r| !grants.contains_key(r)) {
            return Err(format!(
                "role `{missing}` is missing (list it, even with no permissions)"
            ));
        }
        Ok(AccessPolicy { grants })
    }

    pub fn allows(&self, role: Role, permission: Permission) -> bool {
        self.grants
            .get(&role)
            .is_some_and(|set| set.contains(&permission))
    }

    pub fn permissions_of(&self, role: Role) -> impl Iterator<Item = Permission> + '_ {
        self.grants.get(&role).into_iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_ROLES: &str = "[roles.commissioner]\npermissions = []\n[roles.panel_chair]\npermissions = []\n[roles.panel_member]\npermissions = []\n[roles.analyst]\npermissions = []\n";

    #[test]
    fn grants_only_what_is_listed() {
        let text = format!("{ALL_ROLES}[roles.admin]\npermissions = [\"users.read\"]\n");
        let policy = AccessPolicy::parse(&text).unwrap();
        assert!(policy.allows(Role::Admin, Permission::UsersRead));
        assert!(!policy.allows(Role::Admin, Permission::UsersManage));
        assert!(!policy.allows(Role::Commissioner, Permission::UsersRead));
    }

    #[test]
    fn refuses_unknown_names_and_missing_roles() {
        let unknown_perm = format!("{ALL_ROLES}[roles.admin]\npermissions = [\"users.delete\"]\n");
        assert!(
            AccessPolicy::parse(&unknown_perm)
                .unwrap_err()
                .contains("users.delete")
        );
        let unknown_role =
            format!("{ALL_ROLES}[roles.admin]\npermissions = []\n[roles.root]\npermissions = []\n");
        assert!(
            AccessPolicy::parse(&unknown_role)
                .unwrap_err()
                .contains("root")
        );
        assert!(
            AccessPolicy::parse(ALL_ROLES)
                .unwrap_err()
                .contains("admin")
        );
    }

    #[test]
    fn the_shipped_policy_loads() {
        let text = include_str!("../../policies/access.toml");
        let policy = AccessPolicy::parse(text).unwrap();
        assert!(policy.allows(Role::Admin, Permission::AuditVerify));
    }
}
