//! `GET /api/v1/openapi.json`: the OpenAPI 3 description, generated from the routes Rocket has
//! mounted, the route table's summaries and permissions, and the schemas of the Rust types the
//! handlers read and write. It cannot drift from the code: a test checks every mounted API route
//! appears in it.

use crate::error::ErrorBody;
use crate::web::routes::{self, Access};
use rocket::serde::json::Json;
use rocket::{Route, get};
use schemars::generate::SchemaSettings;
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

pub fn document(mounted: &[Route]) -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let error_schema = generator.subschema_for::<ErrorBody>();
    let mut paths = Map::new();
    let mut api_routes: Vec<&Route> = mounted
        .iter()
        .filter(|r| {
            let p = r.uri.path().to_string();
            p.starts_with("/api/") || p == "/health"
        })
        .collect();
    api_routes.sort_by_key(|r| (r.uri.path().to_string(), r.method.as_str()));
    for route in api_routes {
        // A route missing from the table is refused to everyone (and fails the route-table
        // test): it is not part of the API.
        let Some(endpoint) = routes::for_route(route) else {
            continue;
        };
        let (path, path_params) = openapi_path(route.uri.path());
        let mut parameters: Vec<Value> = path_params
            .iter()
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}))
            .collect();
        if let Some(query) = route.uri.query() {
            for seg in query.split('&') {
                if let Some(name) = seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
                    parameters.push(json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}}));
                }
            }
        }
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
        if let Some(body) = endpoint.body {
            let schema = body(&mut generator);
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": schema}}}),
            );
        }
        let mut responses = Map::new();
        let status = endpoint.status;
        let ok = match (endpoint.response, endpoint.file) {
            (_, Some(media_type)) => {
                json!({"description": "Success", "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}})
            }
            (Some(f), None) => {
                json!({"description": "Success", "content": {"application/json": {"schema": f(&mut generator)}}})
            }
            (None, None) => json!({"description": "Success"}),
        };
        responses.insert(status.to_string(), ok);
        let error = json!({"description": "Error (see API.md for codes)", "content": {"application/json": {"schema": error_schema.clone()}}});
        responses.insert("4XX".into(), error);
        op.insert("responses".into(), Value::Object(responses));
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(route.method.as_str().to_lowercase(), Value::Object(op));
        }
    }
    let schemas = generator.take_definitions(true);
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
