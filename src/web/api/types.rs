//! Request and response shapes of the API that are not a service's own view type, and the
//! list envelope and paging of API.md.

use crate::error::AppError;
use crate::services::users::UserView;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, JsonSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, JsonSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. Expires after 30 minutes unused or 12 hours.
    pub token: String,
    pub user: SessionUser,
}

#[derive(Serialize, JsonSchema)]
pub struct SessionUser {
    pub id: String,
    pub username: String,
    pub role: crate::domain::role::Role,
    /// True after an administrator's reset: change the password (`POST /api/v1/me/password`)
    /// before anything else.
    pub must_change_password: bool,
}

impl From<&UserView> for SessionUser {
    fn from(u: &UserView) -> Self {
        SessionUser {
            id: u.id.clone(),
            username: u.username.clone(),
            role: u.role,
            must_change_password: u.must_change_password,
        }
    }
}

#[derive(Serialize, JsonSchema)]
pub struct Health {
    pub status: String,
    pub database: String,
}

#[derive(Serialize, JsonSchema)]
pub struct AuditItem {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub user: String,
    pub role: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub person_id: Option<String>,
}

/// A page of a list: `{"items", "total", "page", "per_page"}`.
#[derive(Serialize, JsonSchema)]
pub struct ListOf<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 500;

/// `?page=&per_page=` checked: page from 1, per_page 1–500 (default 50).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    pub fn parse(page: Option<&str>, per_page: Option<&str>) -> Result<Self, AppError> {
        let mut fields = crate::error::FieldErrors::new();
        let mut number = |name: &str, raw: Option<&str>, default: u64, max: u64| match raw {
            None | Some("") => default,
            Some(text) => match text.parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    fields
                        .entry(name.to_string())
                        .or_default()
                        .push(format!("Enter a whole number from 1 to {max}"));
                    default
                }
            },
        };
        let page = number("page", page, 1, u32::MAX as u64);
        let per_page = number("per_page", per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE);
        if fields.is_empty() {
            Ok(Paging { page, per_page })
        } else {
            Err(AppError::validation(fields))
        }
    }

    /// One page of a list held whole in memory.
    pub fn slice<T>(self, all: Vec<T>) -> ListOf<T> {
        let total = all.len() as u64;
        let start = (self.page.saturating_sub(1) * self.per_page).min(total) as usize;
        let items = all
            .into_iter()
            .skip(start)
            .take(self.per_page as usize)
            .collect();
        self.wrap(items, total)
    }

    pub fn wrap<T>(self, items: Vec<T>, total: u64) -> ListOf<T> {
        ListOf {
            items,
            total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_bounds() {
        let p = Paging::parse(None, None).unwrap();
        assert_eq!((p.page, p.per_page), (1, 50));
        let p = Paging::parse(Some("3"), Some("500")).unwrap();
        assert_eq!((p.page, p.per_page), (3, 500));
        for (page, per) in [
            ("0", "1"),
            ("1", "0"),
            ("1", "501"),
            ("x", "1"),
            ("-1", "1"),
        ] {
            assert!(
                Paging::parse(Some(page), Some(per)).is_err(),
                "{page} {per}"
            );
        }
    }
}
