//! Security headers on every response: a CSP with no inline script or style, no framing, no
//! MIME sniffing, no referrer to other sites, and no caching of anything but the stylesheet (pages hold
//! personal data). HSTS when a TLS proxy is in front.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

pub struct SecurityHeaders {
    pub behind_tls: bool,
}

/// `connect-src 'self'`: the timeout warning's *Stay signed in* calls this site, nothing else.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
base-uri 'none'";

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        res.set_header(Header::new("Content-Security-Policy", CSP));
        res.set_header(Header::new("X-Frame-Options", "DENY"));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        // `same-origin`, not `no-referrer`: with no referrer at all, browsers send `Origin: null`
        // on same-site form posts, which the CSRF origin check must refuse.
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
        res.set_header(Header::new("Cross-Origin-Opener-Policy", "same-origin"));
        res.set_header(Header::new(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ));
        if !req.uri().path().starts_with("/assets/") {
            res.set_header(Header::new("Cache-Control", "no-store"));
        }
        if self.behind_tls {
            res.set_header(Header::new(
                "Strict-Transport-Security",
                "max-age=31536000; includeSubDomains",
            ));
        }
    }
}
