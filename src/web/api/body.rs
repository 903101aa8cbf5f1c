//! `ApiJson<T>`: a JSON body read with the configured size limit and parsed with a message that
//! says what is wrong without echoing what was sent (it may be a password or a name). Only a
//! body declared JSON is read (415 otherwise: a page on another site cannot post a form or
//! `text/plain` to the API from a visitor's browser), and no string in it may hold a control
//! character other than a tab or a line break (422 naming the field; each field's own rule then
//! decides whether it may run over several lines).

use crate::domain::text::{Lines, control_problem};
use crate::error::FieldErrors;
use crate::services::input::describe_json as describe;
use crate::web::catchers::Refusal;
use rocket::data::{self, Data, FromData, ToByteUnit};
use rocket::http::Status;
use rocket::request::Request;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

/// Why a body was refused, for the 400 catcher.
pub struct BodyRefusal(pub Option<String>);

/// `application/json`, or a `+json` type such as `application/merge-patch+json`.
fn is_json(ct: Option<&rocket::http::ContentType>) -> bool {
    ct.is_some_and(|ct| ct.is_json() || ct.sub().as_str().ends_with("+json"))
}

/// The fields of a parsed body whose strings (or keys) hold a control character that is not a
/// tab or a line break, named as the services name them (`consent.given_by`,
/// `actions[2].what`), each with the refusal.
pub fn control_fields(value: &serde_json::Value) -> FieldErrors {
    fn walk(v: &serde_json::Value, path: &str, out: &mut FieldErrors) {
        let name = |p: &str| {
            if p.is_empty() {
                "body".to_string()
            } else {
                p.to_string()
            }
        };
        match v {
            serde_json::Value::String(s) => {
                if let Some(problem) = control_problem(s, Lines::Many) {
                    out.entry(name(path))
                        .or_default()
                        .push(format!("This field {problem}"));
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    if control_problem(key, Lines::One).is_some() {
                        out.entry(name(path))
                            .or_default()
                            .push("A field name holds a control character".into());
                        continue;
                    }
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(item, &child, out);
                }
            }
            _ => {}
        }
    }
    let mut out = FieldErrors::new();
    walk(value, "", &mut out);
    out
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for ApiJson<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let refuse = |status: Status, message: String| {
            req.local_cache(|| BodyRefusal(Some(message)));
            data::Outcome::Error((status, ()))
        };
        if !is_json(req.content_type()) {
            return refuse(
                Status::UnsupportedMediaType,
                "Send the body as JSON, with `Content-Type: application/json`.".into(),
            );
        }
        let limit = req.limits().get("json").unwrap_or(1.mebibytes());
        let bytes = match data.open(limit).into_bytes().await {
            Ok(b) if b.is_complete() => b.into_inner(),
            Ok(_) => {
                return refuse(
                    Status::PayloadTooLarge,
                    format!("The request body is larger than the limit of {limit}."),
                );
            }
            Err(_) => {
                return refuse(
                    Status::BadRequest,
                    "The request body could not be read.".into(),
                );
            }
        };
        let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"null".to_vec()
        } else {
            bytes
        };
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            let fields = control_fields(&value);
            if !fields.is_empty() {
                req.local_cache(|| Refusal::fields(fields));
                return data::Outcome::Error((Status::UnprocessableEntity, ()));
            }
        }
        match serde_json::from_slice::<T>(&bytes) {
            Ok(value) => data::Outcome::Success(ApiJson(value)),
            Err(e) if bytes == b"null" && e.is_data() => {
                refuse(Status::BadRequest, "A JSON body is required.".into())
            }
            Err(e) => refuse(Status::BadRequest, describe(&e)),
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
    fn control_characters_are_named_by_field() {
        let body = serde_json::json!({
            "given_name": "Sam\u{0}",
            "reason": "line one\nline two\ttabbed",
            "consent": {"given_by": "Ann\u{1b}"},
            "actions": [{"who": "ok"}, {"what": "a\u{7f}"}],
            "answers": {"mh\u{0}": true},
        });
        let fields = control_fields(&body);
        let mut names: Vec<_> = fields.keys().cloned().collect();
        names.sort();
        assert_eq!(
            names,
            [
                "actions[1].what",
                "answers",
                "consent.given_by",
                "given_name"
            ]
        );
        assert!(control_fields(&serde_json::json!("\u{0}")).contains_key("body"));
        assert!(control_fields(&serde_json::json!({"a": "Zoë\r\n"})).is_empty());
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
