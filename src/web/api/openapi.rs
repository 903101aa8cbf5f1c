//! `GET /api/v1/openapi.json`: the OpenAPI 3 description, generated from the routes Rocket has
//! mounted, the route table's summaries and permissions, and the schemas of the Rust types the
//! handlers read and write. It cannot drift from the code: a test checks every mounted API route
//! appears in it.

use crate::error::ErrorBody;
use crate::web::routes::{self, Access, Endpoint};
use rocket::serde::json::Json;
use rocket::{Route, get};
use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

#[get("/api/v1/openapi.json")]
pub fn openapi(mounted: MountedRoutes) -> Json<Value> {
    Json(document(&mounted.0))
}

/// The routes Rocket has mounted, read from the running instance.
pub struct MountedRoutes(pub Vec<Route>);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for MountedRoutes {
    type Error = ();
    async fn from_request(req: &'r rocket::Request<'_>) -> rocket::request::Outcome<Self, ()> {
        rocket::request::Outcome::Success(MountedRoutes(req.rocket().routes().cloned().collect()))
    }
}

/// `/api/v1/users/<id>` → `/api/v1/users/{id}`.
fn openapi_path(path: &str) -> (String, Vec<String>) {
    let mut params = Vec::new();
    let segments: Vec<String> = path
        .split('/')
        .map(
            |seg| match seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
                Some(name) => {
                    let name = name.trim_end_matches("..").to_string();
                    params.push(name.clone());
                    format!("{{{name}}}")
                }
                None => seg.to_string(),
            },
        )
        .collect();
    (segments.join("/"), params)
}

/// The names of a mounted route's query parameters (`?<page>&<per_page>`); a trailing
/// `<filters..>` (a form of several) is not a name: see [`takes_a_form`].
pub fn query_names(route: &Route) -> Vec<String> {
    route
        .uri
        .query()
        .map(|q| {
            q.split('&')
                .filter_map(|seg| seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')))
                .filter(|name| !name.ends_with(".."))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the route takes the rest of its query as a form (`?<filters..>`): its parameters
/// are then the ones the route table lists.
pub fn takes_a_form(route: &Route) -> bool {
    route
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|seg| seg.ends_with("..>")))
}

/// The error statuses a route can answer: implied by its shape and access, plus the route
/// table's own (409 for rules about a record's state, 429 for sign-in limits).
pub fn error_statuses(endpoint: &Endpoint, path_id: bool, query: bool) -> Vec<u16> {
    let mut codes = Vec::new();
    if endpoint.body.is_some() || endpoint.upload {
        codes.extend([400, 413, 415, 422]);
    }
    match endpoint.access {
        Access::Public => {}
        Access::SignedIn => codes.push(401),
        Access::Needs(_) | Access::AnyOf(_) => codes.extend([401, 403]),
    }
    if path_id {
        codes.push(404);
    }
    if query {
        codes.push(422);
    }
    codes.extend(endpoint.errors);
    codes.sort_unstable();
    codes.dedup();
    codes
}

fn describe_status(code: u16) -> &'static str {
    match code {
        400 => "`bad_request`: the body is not JSON, or a field has the wrong type",
        401 => {
            "`unauthenticated`: no valid bearer token (or, signing in, a wrong username or password)"
        }
        403 => "`forbidden`: the role lacks the permission",
        404 => "`not_found`: no such record, or not one the caller may see",
        409 => "`conflict`: the record's state does not allow it (see API.md)",
        413 => "`payload_too_large`: the body is over the size limit",
        415 => "`unsupported_media_type`: the body is not declared `application/json`",
        422 => "`validation_failed` (with `fields`) or `consent_required`",
        429 => "`rate_limited`: too many failed sign-ins; see `Retry-After`",
        503 => "The database does not answer",
        _ => "Error",
    }
}

/// The two schema generators: bodies are described as the service reads them, responses as it
/// writes them (an `Option` it always writes is then a required, nullable field).
struct Generators {
    input: SchemaGenerator,
    output: SchemaGenerator,
    error_schema: Schema,
}

pub fn document(mounted: &[Route]) -> Value {
    let mut output = SchemaSettings::openapi3().for_serialize().into_generator();
    let error_schema = output.subschema_for::<ErrorBody>();
    let mut generators = Generators {
        input: SchemaSettings::openapi3().into_generator(),
        output,
        error_schema,
    };
    let mut paths = Map::new();
    for route in api_routes(mounted) {
        // A route missing from the table is refused to everyone (and fails the route-table
        // test): it is not part of the API.
        let Some(endpoint) = routes::for_route(route) else {
            continue;
        };
        let (path, op) = operation(route, endpoint, &mut generators);
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(route.method.as_str().to_lowercase(), Value::Object(op));
        }
    }
    let mut schemas = generators.input.take_definitions(true);
    schemas.extend(generators.output.take_definitions(true));
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "tcr — Transforming Care register and CETR service",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Errors are {\"error\": {\"code\", \"message\", \"fields\"}}. Lists are {\"items\", \"total\", \"page\", \"per_page\"}."
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        }
    })
}

/// The API's mounted routes (`/api/…` and `/health`), by path and then method.
fn api_routes(mounted: &[Route]) -> Vec<&Route> {
    let mut api_routes: Vec<&Route> = mounted
        .iter()
        .filter(|r| {
            let p = r.uri.path().to_string();
            p.starts_with("/api/") || p == "/health"
        })
        .collect();
    api_routes.sort_by_key(|r| (r.uri.path().to_string(), r.method.as_str()));
    api_routes
}

/// One route's operation object, with the OpenAPI path it sits under.
fn operation(
    route: &Route,
    endpoint: &Endpoint,
    generators: &mut Generators,
) -> (String, Map<String, Value>) {
    let (path, path_params) = openapi_path(route.uri.path());
    let (parameters, query_params) =
        parameters(route, endpoint, &path_params, &mut generators.input);
    let mut op = Map::new();
    let access = endpoint.access;
    op.insert("summary".into(), json!(endpoint.summary));
    op.insert(
        "operationId".into(),
        json!(format!(
            "{}{}",
            route.method.as_str().to_lowercase(),
            path.replace(['/', '{', '}', '.', '-'], "_")
        )),
    );
    let security = if access == Access::Public {
        json!([])
    } else {
        json!([{"bearer": []}])
    };
    op.insert("description".into(), json!(access.describe()));
    op.insert("security".into(), security);
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    if endpoint.upload {
        op.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"multipart/form-data": {"schema": {
                "type": "object",
                "required": ["file", "kind"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "PDF, Word (.docx, .doc) or PNG, JPEG or GIF, decided from its bytes"},
                    "title": {"type": "string", "maxLength": 200, "description": "Defaults to the file's name"},
                    "kind": serde_json::to_value(generators.input.subschema_for::<crate::domain::record::DocumentKind>()).unwrap_or(json!({"type": "string"})),
                }
            }}}}),
        );
    }
    if let Some(body) = endpoint.body {
        let schema = body(&mut generators.input);
        op.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"application/json": {"schema": schema}}}),
        );
    }
    let responses = responses(
        endpoint,
        !path_params.is_empty(),
        !query_params.is_empty(),
        generators,
    );
    op.insert("responses".into(), Value::Object(responses));
    (path, op)
}

/// A route's path and query parameters, and the names of the query ones.
fn parameters(
    route: &Route,
    endpoint: &Endpoint,
    path_params: &[String],
    generator: &mut SchemaGenerator,
) -> (Vec<Value>, Vec<String>) {
    let mut parameters: Vec<Value> = path_params
        .iter()
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}))
        .collect();
    let mut query_params = query_names(route);
    if takes_a_form(route) {
        for (name, _) in endpoint.query {
            if !query_params.iter().any(|n| n == name) {
                query_params.push(name.to_string());
            }
        }
    }
    for name in &query_params {
        // A parameter the route table does not type is described as text (and fails the
        // test that every query parameter is typed).
        let schema = match endpoint.query.iter().find(|(n, _)| n == name) {
            Some((_, f)) => serde_json::to_value(f(generator)).unwrap_or(json!({})),
            None => json!({"type": "string"}),
        };
        parameters.push(json!({"name": name, "in": "query", "required": false, "schema": schema}));
    }
    (parameters, query_params)
}

/// A route's responses: its success, then each error status it can answer.
fn responses(
    endpoint: &Endpoint,
    path_id: bool,
    query: bool,
    generators: &mut Generators,
) -> Map<String, Value> {
    let mut responses = Map::new();
    let status = endpoint.status;
    let ok = match (endpoint.response, endpoint.file) {
        (_, Some(media_type)) => {
            json!({"description": "Success", "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}})
        }
        (Some(f), None) if endpoint.query.iter().any(|(n, _)| *n == "format") => {
            // `?format=` answers with the file instead of the JSON.
            let file = json!({"schema": {"type": "string", "format": "binary"}});
            json!({"description": "Success", "content": {
                "application/json": {"schema": f(&mut generators.output)},
                super::export::XLSX: file.clone(),
                "text/csv": file,
            }})
        }
        (Some(f), None) => {
            json!({"description": "Success", "content": {"application/json": {"schema": f(&mut generators.output)}}})
        }
        (None, None) => json!({"description": "Success"}),
    };
    let success_schema = ok.get("content").cloned();
    responses.insert(status.to_string(), ok);
    for code in error_statuses(endpoint, path_id, query) {
        let response = if code == 503 {
            // Health: the same body, saying what is down.
            json!({"description": describe_status(code), "content": success_schema.clone()})
        } else {
            json!({"description": describe_status(code), "content": {"application/json": {"schema": generators.error_schema.clone()}}})
        };
        responses.insert(code.to_string(), response);
    }
    responses
}
