//! Typed ids: a person's id, a review's, an action's… each its own type, so that one cannot be
//! passed where another is wanted. Each is a UUID's text, sent and received as a plain string
//! (`serde(transparent)`), and stored as text (`entities/ids.rs` gives the column types). An id
//! read from outside (a URL, a form, a body) is taken as given with `from_text`: it is checked by
//! looking it up, as before.

use std::fmt;

/// Declares each id type: a string newtype with `new` (a fresh v4 UUID), `from_text`, `as_str`,
/// `into_string` and `Display`.
macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(
            Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        #[serde(transparent)]
        #[schemars(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh id (a v4 UUID), for a record about to be written.
            pub fn new() -> Self {
                Self(uuid::Uuid::new_v4().to_string())
            }

            /// An id as read from outside or from storage, taken as given: a lookup checks it.
            pub fn from_text(text: impl Into<String>) -> Self {
                Self(text.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        /// Reads as its text wherever text is wanted (a link, a log line, a lookup by text);
        /// only a typed parameter takes it as an id.
        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    )+};
}

ids!(
    /// A person on the register.
    PersonId,
    /// A review (CETR or CTR).
    ReviewId,
    /// An action of a review's plan.
    ActionId,
    /// A stay in hospital (an admission).
    StayId,
    /// A referral.
    ReferralId,
    /// A user of the service.
    UserId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_text_in_json_and_a_fresh_one_is_a_uuid() {
        let id = PersonId::from_text("3f0c8a8e-0000-4000-8000-000000000001");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"3f0c8a8e-0000-4000-8000-000000000001\""
        );
        let back: PersonId = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back.as_str(), "abc");
        assert_eq!(back.to_string(), "abc");
        let fresh = ReviewId::new();
        assert!(uuid::Uuid::parse_str(fresh.as_str()).is_ok());
        assert_ne!(fresh, ReviewId::new());
    }

    #[test]
    fn an_id_is_described_as_a_plain_string() {
        let id = serde_json::to_value(schemars::schema_for!(UserId)).unwrap();
        let plain = serde_json::to_value(schemars::schema_for!(String)).unwrap();
        assert_eq!(id["type"], plain["type"]);
        assert_eq!(id.get("format"), plain.get("format"));
    }
}
