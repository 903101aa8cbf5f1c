//! The domain's stored words as column types: for each `vocabulary!` enum listed below, what
//! sea-orm's `DeriveValueType` would write for a string enum, so that an entity's column can be
//! the enum itself. The column holds exactly the word `as_str` gives; a word the vocabulary does
//! not know fails the read, naming the type (not the value: it may be personal). The domain
//! stays free of sea-orm: the impls live here, beside the entities that use them.

use crate::domain::{
    accounts::sessions::SessionKind,
    age::ReviewType,
    consent::ConsentBasis,
    deadlines::DueKind,
    ethnicity::Ethnicity,
    panel::PanelKind,
    person::{LegalStatus, SecurityLevel, Setting, Sex, Status},
    record::{DocumentKind, NoteCategory, Storage},
    referral::ReferralStatus,
    returns::ReturnKind,
    review::{ActionStatus, ReviewKind, ReviewStatus},
    risk::Rating,
    role::Role,
    visits::{EscalationStatus, Urgency},
};

/// Implements `From<T> for Value`, `TryGetable`, `ValueType`, `Nullable` and `IntoActiveValue`
/// for each vocabulary enum named, storing it as its word in a string column.
macro_rules! stored_words {
    ($($name:ident),+ $(,)?) => {$(
        impl From<$name> for sea_orm::Value {
            fn from(word: $name) -> Self {
                sea_orm::Value::String(Some(word.as_str().to_owned()))
            }
        }

        impl sea_orm::TryGetable for $name {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let word = String::try_get_by(res, idx)?;
                $name::parse(&word).ok_or_else(|| {
                    sea_orm::TryGetError::DbErr(sea_orm::DbErr::Type(format!(
                        "a stored word that is not a {}",
                        stringify!($name)
                    )))
                })
            }
        }

        impl sea_orm::sea_query::ValueType for $name {
            fn try_from(
                value: sea_orm::Value,
            ) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let word = <String as sea_orm::sea_query::ValueType>::try_from(value)?;
                $name::parse(&word).ok_or(sea_orm::sea_query::ValueTypeErr)
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
    )+};
}

stored_words!(
    ActionStatus,
    ConsentBasis,
    DueKind,
    PanelKind,
    Rating,
    ReferralStatus,
    ReturnKind,
    ReviewKind,
    ReviewStatus,
    ReviewType,
    Role,
    SessionKind,
    Status,
    Sex,
    Setting,
    SecurityLevel,
    LegalStatus,
    NoteCategory,
    DocumentKind,
    Storage,
    Ethnicity,
    Urgency,
    EscalationStatus,
);

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{Nullable, ValueType};
    use sea_orm::{ConnectionTrait, Database, DbBackend, DbErr, Statement, TryGetError, Value};

    #[test]
    fn a_word_is_stored_as_its_text_and_read_back() {
        for s in ReviewStatus::ALL {
            let v = Value::from(*s);
            assert_eq!(v, Value::String(Some(s.as_str().to_owned())));
            assert_eq!(<ReviewStatus as ValueType>::try_from(v).unwrap(), *s);
        }
        assert_eq!(Value::from(Some(Rating::Red)), Value::from("red"));
        assert_eq!(Value::from(None::<Rating>), Value::String(None));
        assert_eq!(<Rating as Nullable>::null(), Value::String(None));
        assert!(<Rating as ValueType>::try_from(Value::from("purple")).is_err());
        assert_eq!(<Role as ValueType>::type_name(), "Role");
    }

    #[rocket::async_test]
    async fn an_unknown_word_fails_the_read_naming_the_type_not_the_word() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT 'held' AS known, 'secret-word' AS unknown, NULL AS absent",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.try_get::<ReviewStatus>("", "known").unwrap(),
            ReviewStatus::Held
        );
        assert_eq!(row.try_get::<Option<Rating>>("", "absent").unwrap(), None);
        let Err(DbErr::Type(message)) = row.try_get::<ReviewStatus>("", "unknown") else {
            panic!("an unknown word must fail as a type error");
        };
        assert!(message.contains("ReviewStatus"), "{message}");
        assert!(!message.contains("secret-word"), "{message}");
        let got = <ReviewStatus as sea_orm::TryGetable>::try_get(&row, "", "unknown");
        assert!(matches!(got, Err(TryGetError::DbErr(DbErr::Type(_)))));
    }
}
