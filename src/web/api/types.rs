//! Request and response shapes of the API that are not a service's own view type, and the
//! list envelope and paging of API.md.

use crate::domain::ids::PersonId;
use crate::error::AppError;
use crate::services::people::{Ending, NewPerson};
use crate::services::users::UserView;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

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
    pub id: crate::domain::ids::UserId,
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
    pub person_id: Option<PersonId>,
}

/// A page of a list: `{"items", "total", "page", "per_page"}`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "ListOf{T}")]
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

/// `PATCH /api/v1/people/{id}`: any of the person's fields except `consent` (always refused
/// there: withdraw it, or add the person again). Absent fields stay as they are; unknown ones are
/// refused.
pub fn person_changes(generator: &mut SchemaGenerator) -> Schema {
    let mut schema = NewPerson::json_schema(generator);
    if let Some(obj) = schema.as_object_mut() {
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            props.remove("consent");
        }
        obj.remove("required");
        obj.insert("additionalProperties".into(), false.into());
        obj.insert(
            "description".into(),
            "Any of the person's fields but consent; absent fields are unchanged.".into(),
        );
    }
    named(generator, "PersonChanges", schema)
}

/// `POST /api/v1/people/{id}/close`: `closed_on` and `reason`.
pub fn closure(generator: &mut SchemaGenerator) -> Schema {
    ending(generator, "closed_on", "withdrawn_on")
}

/// `POST /api/v1/people/{id}/consent/withdraw`: `withdrawn_on` and `reason`.
pub fn withdrawal(generator: &mut SchemaGenerator) -> Schema {
    ending(generator, "withdrawn_on", "closed_on")
}

fn ending(generator: &mut SchemaGenerator, day: &str, other: &str) -> Schema {
    let mut schema = Ending::json_schema(generator);
    if let Some(obj) = schema.as_object_mut() {
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            props.remove(other);
            if let Some(Value::Object(day_schema)) = props.get_mut(day) {
                day_schema.remove("nullable");
            }
        }
        obj.insert("required".into(), json!([day, "reason"]));
        obj.remove("description");
    }
    let name = if day == "closed_on" {
        "Closure"
    } else {
        "Withdrawal"
    };
    named(generator, name, schema)
}

/// Keeps a schema built here among the document's components (where the generator's
/// OpenAPI transforms are applied to it), and refers to it.
fn named(generator: &mut SchemaGenerator, name: &str, schema: Schema) -> Schema {
    generator
        .definitions_mut()
        .insert(name.to_string(), schema.to_value());
    let path = format!("#{}/{name}", generator.settings().definitions_path);
    schemars::json_schema!({ "$ref": path })
}

/// The real types of query parameters (the handlers read them as text to name the field in a
/// `422`).
pub mod query {
    use super::MAX_PER_PAGE;
    use schemars::{Schema, SchemaGenerator, json_schema};

    pub fn page(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "integer", "minimum": 1, "maximum": u32::MAX, "default": 1})
    }

    pub fn per_page(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": super::DEFAULT_PER_PAGE})
    }

    /// A month, `YYYY-MM`.
    pub fn month(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"})
    }

    pub fn flag(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "boolean"})
    }

    pub fn search(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "maxLength": 100})
    }

    /// The register's sorts (`-` before one: descending).
    pub fn people_sort(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": [
            "rating", "-rating", "name", "-name", "next_review_due", "-next_review_due",
            "days_in_hospital", "-days_in_hospital"
        ]})
    }

    /// An export's file format (`?format=`): the whole list as a file instead of a JSON page.
    pub fn format(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": ["xlsx", "csv"]})
    }

    pub fn text(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string"})
    }

    /// A whole day (`YYYY-MM-DD`) or an RFC 3339 time.
    pub fn day_or_time(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"anyOf": [
            {"type": "string", "format": "date"},
            {"type": "string", "format": "date-time"}
        ]})
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
