//! Request logging without personal data: the matched route's pattern (`/api/v1/users/<id>`),
//! never the URI itself, whose path or query may hold a name or an NHS number.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Data, Request, Response};
use std::time::Instant;

pub struct RequestLog;

struct Started(Option<Instant>);

/// "METHOD /pattern" of the matched route, or "METHOD (no route)".
pub fn route_label(req: &Request<'_>) -> String {
    match req.route() {
        Some(route) => format!("{} {}", req.method(), route.uri.path()),
        None => format!("{} (no route)", req.method()),
    }
}

#[rocket::async_trait]
impl Fairing for RequestLog {
    fn info(&self) -> Info {
        Info {
            name: "request log",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        req.local_cache(|| Started(Some(Instant::now())));
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let ms = req
            .local_cache(|| Started(None))
            .0
            .map(|t| t.elapsed().as_secs_f64() * 1000.0)
            .unwrap_or_default();
        tracing::info!(
            route = %route_label(req),
            status = res.status().code,
            ms = format_args!("{ms:.1}"),
            "request"
        );
    }
}
