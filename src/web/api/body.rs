//! `ApiJson<T>`: a JSON body read with the configured size limit and parsed with a message that
//! says what is wrong without echoing what was sent (it may be a password or a name).

use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::http::Status;
use rocket::request::Request;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

/// Why a body was refused, for the 400 catcher.
pub struct BodyRefusal(pub Option<String>);

/// Describes a serde_json error without the offending value.
pub fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = e.to_string();
    let at = format!("(line {}, column {})", e.line(), e.column());
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            format!("The request body is not valid JSON {at}.")
        }
        Category::Data => {
            if let Some(rest) = text.strip_prefix("missing field `") {
                let field = rest.split('`').next().unwrap_or_default();
                format!("The field `{field}` is required.")
            } else if let Some(rest) = text.strip_prefix("unknown field `") {
                let field = rest.split('`').next().unwrap_or_default();
                format!("The field `{field}` is not recognised.")
            } else {
                format!("A field has the wrong type {at}.")
            }
        }
    }
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for ApiJson<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let refuse = |message: String| {
            req.local_cache(|| BodyRefusal(Some(message)));
            data::Outcome::Error((Status::BadRequest, ()))
        };
        let limit = req.limits().get("json").unwrap_or(1.mebibytes());
        let bytes = match data.open(limit).into_bytes().await {
            Ok(b) if b.is_complete() => b.into_inner(),
            Ok(_) => return refuse("The request body is too large.".into()),
            Err(_) => return refuse("The request body could not be read.".into()),
        };
        let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"null".to_vec()
        } else {
            bytes
        };
        match serde_json::from_slice::<T>(&bytes) {
            Ok(value) => data::Outcome::Success(ApiJson(value)),
            Err(e) if bytes == b"null" && e.is_data() => refuse("A JSON body is required.".into()),
            Err(e) => refuse(describe(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Login {
        username: String,
        password: String,
    }

    #[test]
    fn messages_never_echo_values() {
        let cases = [
            (
                r#"{"username": 1, "password": "hunter2-secret"}"#,
                "wrong type",
            ),
            (r#"{"username": "a"}"#, "`password` is required"),
            (
                r#"{"username": "a", "password": "hunter2-secret""#,
                "not valid JSON",
            ),
            (r#"{"username": "a", "password": 123456789}"#, "wrong type"),
        ];
        for (body, expected) in cases {
            let err = serde_json::from_str::<Login>(body).unwrap_err();
            let message = describe(&err);
            assert!(message.contains(expected), "{body} → {message}");
            assert!(!message.contains("hunter2") && !message.contains("123456789"));
        }
    }
}
