//! Every route of the service, the permission it requires, and what the OpenAPI document says
//! of it. The `Caller` guard looks the matched route up here: a route missing from this table is
//! refused for everyone, and tests fail on it.

use crate::policy::Permission;
use rocket::http::Method;
use rocket::{Build, Rocket, Route};
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, health, the API description, stylesheet).
    Public,
    /// Any signed-in user, whatever their role (home page, sign out).
    SignedIn,
    /// Users whose role holds this permission in `policies/access.toml`.
    Needs(Permission),
    /// Users whose role holds any of these; the service then limits what each may see by which
    /// of them the role holds (reading the register: all of it, assigned people, or withdrawn).
    AnyOf(&'static [Permission]),
}

impl Access {
    pub fn allows(
        self,
        policy: &crate::policy::AccessPolicy,
        role: crate::domain::role::Role,
    ) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Needs(p) => policy.allows(role, p),
            Access::AnyOf(ps) => ps.iter().any(|p| policy.allows(role, *p)),
        }
    }

    /// In words, for the API description.
    pub fn describe(self) -> String {
        match self {
            Access::Public => "Public.".into(),
            Access::SignedIn => "Any signed-in user.".into(),
            Access::Needs(p) => format!("Requires permission `{p}` (see policies/access.toml)."),
            Access::AnyOf(ps) => {
                let names: Vec<String> = ps.iter().map(|p| format!("`{p}`")).collect();
                format!(
                    "Requires any of {}; each gives its own share of the register.",
                    names.join(", ")
                )
            }
        }
    }
}

/// Reading reviews: all of them, or the ones one sits on.
pub const READ_REVIEWS: Access =
    Access::AnyOf(&[Permission::ReviewsRead, Permission::ReviewsReadAssigned]);
/// Recording outcomes: of any review, or of the ones one chairs (the service checks which).
pub const RECORD_REVIEWS: Access =
    Access::AnyOf(&[Permission::ReviewsRecord, Permission::ReviewsRecordChaired]);

/// Reading people: the whole register, the people of one's reviews, or withdrawn records.
pub const READ_PEOPLE: Access = Access::AnyOf(&[
    Permission::PeopleRead,
    Permission::PeopleReadAssigned,
    Permission::PeopleReadWithdrawn,
]);

pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The schema of `T`, as a reference into the document's components.
pub fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub method: Method,
    /// The path as Rocket mounts it, with `<param>` segments.
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    pub body: Option<SchemaFn>,
    pub response: Option<SchemaFn>,
    pub status: u16,
    /// A file response's media type (`application/pdf`), instead of JSON.
    pub file: Option<&'static str>,
    /// The query parameters the handler reads, with their real types.
    pub query: &'static [(&'static str, SchemaFn)],
    /// Error statuses beyond those its shape implies (400/422 with a body, 401/403 by access,
    /// 404 with a path id, 422 with query parameters): 409 for a rule about the record's state.
    pub errors: &'static [u16],
    /// Takes a file (`multipart/form-data`: `file`, `title`, `kind`) instead of JSON.
    pub upload: bool,
}

const fn ep(method: Method, path: &'static str, access: Access, summary: &'static str) -> Endpoint {
    Endpoint {
        method,
        path,
        access,
        summary,
        body: None,
        response: None,
        status: 200,
        file: None,
        query: &[],
        errors: &[],
        upload: false,
    }
}

impl Endpoint {
    const fn body(mut self, f: SchemaFn) -> Self {
        self.body = Some(f);
        self
    }
    const fn upload(mut self) -> Self {
        self.upload = true;
        self
    }
    const fn file(mut self, media_type: &'static str) -> Self {
        self.file = Some(media_type);
        self
    }
    const fn query(mut self, params: &'static [(&'static str, SchemaFn)]) -> Self {
        self.query = params;
        self
    }
    /// May also answer these error statuses.
    const fn may(mut self, errors: &'static [u16]) -> Self {
        self.errors = errors;
        self
    }
    const fn returns(mut self, status: u16, f: SchemaFn) -> Self {
        self.status = status;
        self.response = Some(f);
        self
    }
}

mod api;
mod pages;
mod record;

const TABLES: [&[Endpoint]; 4] = [api::ENDPOINTS, record::API, pages::ENDPOINTS, record::PAGES];

const ENDPOINT_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < TABLES.len() {
        n += TABLES[i].len();
        i += 1;
    }
    n
};

/// The tables one after the other, in a `const` so the list stays a `&'static` slice.
const fn concat(tables: [&[Endpoint]; 4]) -> [Endpoint; ENDPOINT_COUNT] {
    let mut all = [tables[0][0]; ENDPOINT_COUNT];
    let mut at = 0;
    let mut t = 0;
    while t < tables.len() {
        let mut i = 0;
        while i < tables[t].len() {
            all[at] = tables[t][i];
            at += 1;
            i += 1;
        }
        t += 1;
    }
    all
}

/// Every endpoint: the API's (`routes/api.rs`, then the record's in `routes/record.rs`), then
/// the pages' (`routes/pages.rs`, then the record's).
pub static ENDPOINTS: &[Endpoint] = &concat(TABLES);

/// The registry entry for a mounted route.
pub fn lookup(method: Method, path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS
        .iter()
        .find(|e| e.method == method && e.path == path)
}

/// The registry entry for the route that matched a request.
pub fn for_route(route: &Route) -> Option<&'static Endpoint> {
    lookup(route.method, route.uri.path())
}

/// Mounts every route of both faces.
pub fn mount(rocket: Rocket<Build>) -> Rocket<Build> {
    rocket
        .mount("/", crate::web::api::routes())
        .mount("/", crate::web::pages::routes())
}
