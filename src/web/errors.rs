//! How an `AppError` is answered: the JSON error of API.md under `/api`, the HTML error page
//! elsewhere, with `Retry-After` when the request was rate limited. An internal failure is logged
//! with an incident number (and the route) and shown to the user only as that number.

use crate::error::{AppError, ErrorBody, is_api, json_response};
use crate::web::log::route_label;
use crate::web::pages::error_page;
use rocket::http::Header;
use rocket::request::Request;
use rocket::response::{self, Responder};

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        if let AppError::Internal(detail) = &self {
            let incident = uuid::Uuid::new_v4().simple().to_string();
            tracing::error!(incident = %&incident[..8], route = %route_label(req), "{detail}");
        }
        let status = self.status();
        let mut response = if is_api(req) {
            let body = ErrorBody::new(self.code(), self.public_message(), self.fields().cloned());
            json_response(status, &body)?
        } else {
            error_page(req, status, &self.public_message())?
        };
        if let AppError::RateLimited { retry_after } = self {
            response.set_header(Header::new("Retry-After", retry_after.to_string()));
        }
        Ok(response)
    }
}
