//! The domain's typed ids as column types: for each id of `domain::ids`, what sea-orm's
//! `DeriveValueType` would write for a string newtype, so that an entity's id columns (primary
//! keys too) can be the id itself. The column holds exactly the id's text. The domain stays free
//! of sea-orm: the impls live here, beside the entities that use them (as `words.rs` does for the
//! vocabulary).

use crate::domain::ids::{ActionId, PersonId, ReferralId, ReviewId, StayId, UserId};

/// Implements `From<T> for Value`, `TryGetable`, `ValueType`, `Nullable`, `IntoActiveValue` and
/// `TryFromU64` (always an error: these ids are never the database's counters) for each id named.
macro_rules! stored_ids {
    ($($name:ident),+ $(,)?) => {$(
        impl From<$name> for sea_orm::Value {
            fn from(id: $name) -> Self {
                sea_orm::Value::String(Some(id.into_string()))
            }
        }

        impl From<&$name> for sea_orm::Value {
            fn from(id: &$name) -> Self {
                sea_orm::Value::String(Some(id.as_str().to_owned()))
            }
        }

        impl sea_orm::TryGetable for $name {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                String::try_get_by(res, idx).map($name::from_text)
            }
        }

        impl sea_orm::sea_query::ValueType for $name {
            fn try_from(
                value: sea_orm::Value,
            ) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                <String as sea_orm::sea_query::ValueType>::try_from(value).map($name::from_text)
            }

            fn type_name() -> String {
                stringify!($name).to_owned()
            }

            fn array_type() -> sea_orm::sea_query::ArrayType {
                sea_orm::sea_query::ArrayType::String
            }

            fn column_type() -> sea_orm::sea_query::ColumnType {
                sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None)
            }
        }

        impl sea_orm::sea_query::Nullable for $name {
            fn null() -> sea_orm::Value {
                sea_orm::Value::String(None)
            }
        }

        impl sea_orm::IntoActiveValue<$name> for $name {
            fn into_active_value(self) -> sea_orm::ActiveValue<$name> {
                sea_orm::ActiveValue::Set(self)
            }
        }

        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(_: u64) -> Result<Self, sea_orm::DbErr> {
                Err(sea_orm::DbErr::ConvertFromU64(stringify!($name)))
            }
        }
    )+};
}

stored_ids!(ActionId, PersonId, ReferralId, ReviewId, StayId, UserId);

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{Nullable, ValueType};
    use sea_orm::{TryFromU64, Value};

    #[test]
    fn an_id_is_stored_as_its_text_and_read_back() {
        let id = PersonId::new();
        let v = Value::from(id.clone());
        assert_eq!(v, Value::String(Some(id.as_str().to_owned())));
        assert_eq!(Value::from(&id), v);
        assert_eq!(<PersonId as ValueType>::try_from(v).unwrap(), id);
        assert_eq!(Value::from(None::<ReviewId>), Value::String(None));
        assert_eq!(<ReviewId as Nullable>::null(), Value::String(None));
        assert_eq!(<UserId as ValueType>::type_name(), "UserId");
        assert!(StayId::try_from_u64(1).is_err());
    }
}
