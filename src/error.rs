//! One error type for the whole service. Handlers and services return `AppError`; it becomes the
//! JSON error of API.md under `/api` and an HTML error page elsewhere (`web::errors` answers it,
//! so this module knows nothing of the web). Internal failures are logged with an incident
//! number and shown to the user only as that number.

use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Response};
use sea_orm::DbErr;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Cursor;

/// Field name → reasons, as in API.md's `fields`.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// A failed sign-in: the same words whether the username or the password was wrong.
    #[error("The username or password is not correct.")]
    BadCredentials,
    /// Changing one's password with a wrong current password (counted as a failed sign-in).
    #[error("Your current password is not correct.")]
    WrongCurrentPassword,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A conflict caused by one field's value (a panel member double-booked: the seat they were
    /// chosen for). A 409 like `Conflict`; `field` tells a page where to show it.
    #[error("{message}")]
    ConflictOn { message: String, field: String },
    #[error("{message}")]
    Validation {
        message: String,
        fields: FieldErrors,
    },
    /// The consent gate refused; `field` says which answer to change (shown on pages only: the
    /// API's `fields` are for validation errors).
    #[error("{message}")]
    ConsentRequired { message: String, field: String },
    #[error("Too many failed attempts. Try again in {} minute(s).", retry_after.div_ceil(60))]
    RateLimited { retry_after: u64 },
    /// Anything the client could not have caused. What failed, and why, goes to the log only.
    #[error("internal error")]
    Internal(Failure),
}

/// What went wrong inside, for the log only: what was being done, and the error that stopped it,
/// kept whole so that its own causes are logged too.
#[derive(Debug)]
pub struct Failure {
    what: Cow<'static, str>,
    cause: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl fmt::Display for Failure {
    /// "what: cause: its cause…", each link of the chain once.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)?;
        let mut next: Option<&(dyn std::error::Error + 'static)> = match &self.cause {
            Some(cause) => Some(cause.as_ref()),
            None => None,
        };
        let mut last = String::new();
        while let Some(e) = next {
            let said = e.to_string();
            // Many errors repeat their source's words in their own; say them once.
            if !last.contains(&said) {
                write!(f, ": {said}")?;
            }
            last = said;
            next = e.source();
        }
        Ok(())
    }
}

impl AppError {
    /// An internal failure described in words, with no error behind it (a broken invariant).
    pub fn internal(what: impl Into<Cow<'static, str>>) -> Self {
        AppError::Internal(Failure {
            what: what.into(),
            cause: None,
        })
    }

    /// An internal failure while doing `what`, caused by `cause`, which is kept (and logged with
    /// its own causes).
    pub fn failed(
        what: impl Into<Cow<'static, str>>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        AppError::Internal(Failure {
            what: what.into(),
            cause: Some(Box::new(cause)),
        })
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("{what} not found."))
    }

    /// A validation failure on one field.
    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        let mut fields = FieldErrors::new();
        fields.insert(field.to_string(), vec![reason.into()]);
        AppError::validation(fields)
    }

    pub fn validation(fields: FieldErrors) -> Self {
        AppError::Validation {
            message: "Some fields are not valid.".into(),
            fields,
        }
    }

    pub fn status(&self) -> Status {
        match self {
            AppError::BadRequest(_) => Status::BadRequest,
            AppError::Unauthenticated
            | AppError::BadCredentials
            | AppError::WrongCurrentPassword => Status::Unauthorized,
            AppError::Forbidden => Status::Forbidden,
            AppError::NotFound(_) => Status::NotFound,
            AppError::Conflict(_) | AppError::ConflictOn { .. } => Status::Conflict,
            AppError::Validation { .. } | AppError::ConsentRequired { .. } => {
                Status::UnprocessableEntity
            }
            AppError::RateLimited { .. } => Status::TooManyRequests,
            AppError::Internal(_) => Status::InternalServerError,
        }
    }

    /// API.md's code: the status's own (`code_for`), but for a consent refusal.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::ConsentRequired { .. } => "consent_required",
            other => code_for(other.status()),
        }
    }

    /// The sentence shown to the client: never internals.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(_) => INTERNAL_MESSAGE.into(),
            other => other.to_string(),
        }
    }

    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation { fields, .. } => Some(fields),
            _ => None,
        }
    }
}

/// What the client is told of any internal failure.
pub const INTERNAL_MESSAGE: &str =
    "Something went wrong on our side. Nothing was changed; please try again.";

/// API.md's error code for an HTTP status: the one table, for `AppError`s and for the refusals
/// Rocket makes before any handler runs (`web::catchers`).
pub fn code_for(status: Status) -> &'static str {
    match status.code {
        400 => "bad_request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        422 => "validation_failed",
        429 => "rate_limited",
        c if c < 500 => "bad_request",
        _ => "internal_error",
    }
}

impl From<DbErr> for AppError {
    fn from(e: DbErr) -> Self {
        AppError::failed("database", e)
    }
}

/// The JSON body of every API error.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldErrors>,
}

impl ErrorBody {
    pub fn new(code: &str, message: String, fields: Option<FieldErrors>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: code.into(),
                message,
                fields,
            },
        }
    }
}

/// True for requests answered in JSON.
pub fn is_api(req: &Request<'_>) -> bool {
    let path = req.uri().path();
    path == "/api" || path.starts_with("/api/")
}

pub fn json_response<'r>(status: Status, body: &impl Serialize) -> response::Result<'r> {
    let text = serde_json::to_string(body).map_err(|_| Status::InternalServerError)?;
    Response::build()
        .status(status)
        .header(ContentType::JSON)
        .sized_body(text.len(), Cursor::new(text))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error with a cause of its own, whose words repeat the cause's (as many do).
    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "cannot write: {}", self.0)
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn an_internal_failure_keeps_its_cause_for_the_log_and_tells_the_client_nothing() {
        let cause = Outer(std::io::Error::other("disk full"));
        let e = AppError::failed("storing the return", cause);
        let AppError::Internal(failure) = &e else {
            panic!("{e:?}")
        };
        // The whole chain, each link once.
        assert_eq!(
            failure.to_string(),
            "storing the return: cannot write: disk full"
        );
        assert!(!e.public_message().contains("disk"));
        assert_eq!(e.to_string(), "internal error");
        let plain = AppError::internal(format!("person {} has no consent record", 7));
        let AppError::Internal(failure) = &plain else {
            panic!()
        };
        assert_eq!(failure.to_string(), "person 7 has no consent record");
        let from_db: AppError = DbErr::Custom("no such table".into()).into();
        let AppError::Internal(failure) = &from_db else {
            panic!()
        };
        assert!(failure.to_string().starts_with("database: "), "{failure}");
        assert!(failure.to_string().contains("no such table"), "{failure}");
    }

    #[test]
    fn statuses_and_codes_follow_the_api_contract() {
        let cases = [
            (AppError::BadRequest("x".into()), 400, "bad_request"),
            (AppError::Unauthenticated, 401, "unauthenticated"),
            (AppError::Forbidden, 403, "forbidden"),
            (AppError::not_found("User"), 404, "not_found"),
            (AppError::Conflict("x".into()), 409, "conflict"),
            (
                AppError::ConflictOn {
                    message: "x".into(),
                    field: "chair_id".into(),
                },
                409,
                "conflict",
            ),
            (
                AppError::field("password", "too short"),
                422,
                "validation_failed",
            ),
            (
                AppError::ConsentRequired {
                    message: "x".into(),
                    field: "consent.basis".into(),
                },
                422,
                "consent_required",
            ),
            (
                AppError::RateLimited { retry_after: 61 },
                429,
                "rate_limited",
            ),
            (AppError::internal("secret detail"), 500, "internal_error"),
        ];
        for (err, status, code) in cases {
            assert_eq!(err.status().code, status);
            assert_eq!(err.code(), code);
        }
    }

    #[test]
    fn internal_detail_never_reaches_the_client() {
        let err = AppError::from(DbErr::Custom("SELECT * FROM users".into()));
        assert!(!err.public_message().contains("SELECT"));
    }

    #[test]
    fn retry_after_rounds_up_to_minutes() {
        assert!(
            AppError::RateLimited { retry_after: 61 }
                .to_string()
                .contains("2 minute")
        );
    }
}
