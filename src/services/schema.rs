//! What input fields really hold, for the API description. The input structs read most fields as
//! `Option<String>` on purpose, so that every problem is reported by field (`422`) rather than as
//! an unreadable body (`400`); these types only describe them (`#[schemars(with = "...")]`): a
//! required field is named by a plain type here, an optional one by `Option<...>`.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;

macro_rules! described {
    ($(#[$meta:meta])* $name:ident, $schema:tt) => {
        $(#[$meta])*
        pub struct $name;
        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

described!(
    /// A calendar day, `YYYY-MM-DD`.
    Day,
    {"type": "string", "format": "date"}
);

described!(
    /// A record's id.
    Id,
    {"type": "string", "format": "uuid"}
);

described!(
    /// An NHS number: ten digits with a valid check digit (modulus 11); spaces or dashes allowed.
    NhsNumber,
    {"type": "string", "example": "943 476 5919"}
);

described!(
    /// A UK postcode, any spacing or case.
    Postcode,
    {"type": "string", "example": "PE1 1AA"}
);

described!(
    /// A return's period: `YYYY-MM` for a month, or a Sunday (`YYYY-MM-DD`) for a week.
    Period,
    {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$", "example": "2026-10"}
);

described!(
    /// A username: 3 to 64 lower-case letters, digits, dots, hyphens or underscores.
    Username,
    {"type": "string", "minLength": 3, "maxLength": 64}
);

described!(
    /// A start time on the 24-hour clock, UK local time: `HH:MM` (`9:30` is read as `09:30`).
    StartTime,
    {"type": "string", "pattern": "^[0-9]{1,2}:[0-9]{2}$", "example": "09:30"}
);

described!(
    /// A password: at least 12 characters.
    Password,
    {"type": "string", "minLength": 12}
);

/// Required text of at most `MAX` characters (after trimming; blank is refused).
pub struct Text<const MAX: usize>;

impl<const MAX: usize> JsonSchema for Text<MAX> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Text{MAX}").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "minLength": 1, "maxLength": MAX})
    }
}

/// Optional text of at most `MAX` characters; empty means none.
pub struct Note<const MAX: usize>;

impl<const MAX: usize> JsonSchema for Note<MAX> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Note{MAX}").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "maxLength": MAX})
    }
}

/// The rating a person may be given: blue comes only from an admission.
#[derive(JsonSchema)]
#[schemars(rename_all = "snake_case")]
pub enum ChosenRating {
    Red,
    Amber,
    Green,
}

/// A referral decision.
#[derive(JsonSchema)]
#[schemars(rename_all = "snake_case")]
pub enum DecisionOutcome {
    Accepted,
    Declined,
}

/// A kind of return.
#[derive(JsonSchema)]
#[schemars(rename_all = "snake_case")]
pub enum ReturnKind {
    Monthly,
    Weekly,
}

/// Risk tool answers: question id → yes (true) or no (false).
pub type Answers = std::collections::BTreeMap<String, bool>;

/// A review's findings: one for each key line of enquiry, nothing else.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Findings {
    safe: Text<10_000>,
    current_care: Text<10_000>,
    daily_life: Text<10_000>,
    physical_health: Text<10_000>,
    future_plan: Text<10_000>,
    need_for_hospital: Text<10_000>,
}
