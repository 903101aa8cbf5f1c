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
}

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
    }
}

impl Endpoint {
    const fn body(mut self, f: SchemaFn) -> Self {
        self.body = Some(f);
        self
    }
    const fn returns(mut self, status: u16, f: SchemaFn) -> Self {
        self.status = status;
        self.response = Some(f);
        self
    }
}

use crate::services::audit::Verification;
use crate::services::users::{NewUser, UserView};
use crate::web::api::types::{AuditItem, Health, ListOf, LoginRequest, LoginResponse};
use Access::*;
use Method::{Get, Post};
use Permission::*;

pub static ENDPOINTS: &[Endpoint] = &[
    // Health and the API description.
    ep(Get, "/health", Public, "Service and database health").returns(200, schema::<Health>),
    ep(
        Get,
        "/api/v1/openapi.json",
        Public,
        "This API described in OpenAPI 3",
    ),
    // Session.
    ep(
        Post,
        "/api/v1/login",
        Public,
        "Sign in and receive a bearer token",
    )
    .body(schema::<LoginRequest>)
    .returns(200, schema::<LoginResponse>),
    ep(
        Post,
        "/api/v1/logout",
        SignedIn,
        "Revoke the bearer token used for this call",
    ),
    ep(Get, "/api/v1/me", SignedIn, "The signed-in user").returns(200, schema::<UserView>),
    // Users.
    ep(Get, "/api/v1/users", Needs(UsersRead), "List users")
        .returns(200, schema::<ListOf<UserView>>),
    ep(Post, "/api/v1/users", Needs(UsersManage), "Create a user")
        .body(schema::<NewUser>)
        .returns(201, schema::<UserView>),
    ep(Get, "/api/v1/users/<id>", Needs(UsersRead), "One user").returns(200, schema::<UserView>),
    ep(
        Post,
        "/api/v1/users/<id>/deactivate",
        Needs(UsersManage),
        "Deactivate a user and end their sessions",
    )
    .returns(200, schema::<UserView>),
    ep(
        Post,
        "/api/v1/users/<id>/reactivate",
        Needs(UsersManage),
        "Reactivate a user",
    )
    .returns(200, schema::<UserView>),
    // Audit.
    ep(
        Get,
        "/api/v1/audit",
        Needs(AuditRead),
        "Read the audit trail, newest first",
    )
    .returns(200, schema::<ListOf<AuditItem>>),
    ep(
        Get,
        "/api/v1/audit/verify",
        Needs(AuditVerify),
        "Check the audit trail's hash chain",
    )
    .returns(200, schema::<Verification>),
    // Pages.
    ep(Get, "/assets/tcr.css", Public, "Stylesheet"),
    ep(Get, "/login", Public, "Sign-in page"),
    ep(Post, "/login", Public, "Sign in"),
    ep(Post, "/logout", SignedIn, "Sign out"),
    ep(Get, "/", SignedIn, "Home page"),
    ep(Get, "/admin/users", Needs(UsersRead), "Users page"),
    ep(Get, "/admin/users/new", Needs(UsersManage), "New user form"),
    ep(Post, "/admin/users", Needs(UsersManage), "Create a user"),
    ep(
        Post,
        "/admin/users/<id>/deactivate",
        Needs(UsersManage),
        "Deactivate a user",
    ),
    ep(
        Post,
        "/admin/users/<id>/reactivate",
        Needs(UsersManage),
        "Reactivate a user",
    ),
    ep(Get, "/admin/audit", Needs(AuditRead), "Audit trail page"),
    ep(
        Get,
        "/admin/audit/verify",
        Needs(AuditVerify),
        "Audit chain check page",
    ),
];

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
