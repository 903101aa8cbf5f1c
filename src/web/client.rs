//! The client's address, for sign-in limits: the connection's peer, unless the service is
//! configured (`TCR_CLIENT_IP_HEADER`) to trust one header written by its proxy. A header a
//! client could write itself is never believed otherwise.

use crate::domain::accounts::sessions::address_key;
use crate::services::App;
use rocket::request::{FromRequest, Outcome, Request};
use std::net::IpAddr;

/// The client address as sign-in limits count it (see `address_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The address in the trusted header: its last comma-separated entry, which is the one the
/// trusted proxy itself added (earlier entries of `X-Forwarded-For` come from the client).
fn from_header(req: &Request<'_>, header: &str) -> Option<IpAddr> {
    let value = req.headers().get(header).last()?;
    value.rsplit(',').next()?.trim().parse().ok()
}

pub fn client_address(req: &Request<'_>) -> ClientAddress {
    let header = req
        .rocket()
        .state::<App>()
        .and_then(|app| app.settings.client_ip_header.as_deref());
    let ip = header
        .and_then(|h| from_header(req, h))
        .or_else(|| req.remote().map(|peer| peer.ip()));
    ClientAddress(address_key(ip))
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientAddress {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        Outcome::Success(client_address(req))
    }
}
