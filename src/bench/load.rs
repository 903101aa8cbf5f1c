//! The load driver of `tcr bench --load`: signed-in clients (a bearer token for the API and a
//! browser session for the pages, each signed in once), the routes of issue 15, and the run of
//! one route by N clients at once with its latency percentiles and body size.
//!
//! Each client holds one keep-alive connection. The clients take request numbers from one
//! shared counter until the route's request count or its time limit is reached, so every route
//! gets the same number of requests whatever its speed (unless it is too slow for the limit).
//! A request is timed from writing it to having read the whole body.

use super::http::{Conn, Response, form_encode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How a route is reached: the JSON API with the bearer token, or a page with the session
/// cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Api,
    Page,
}

/// A route to drive: request `i` goes to `paths[i % paths.len()]`, so a route can vary its id
/// or search term over the register.
#[derive(Debug, Clone)]
pub struct Route {
    pub name: String,
    pub via: Via,
    pub paths: Vec<String>,
}

impl Route {
    pub fn new(name: &str, via: Via, paths: Vec<String>) -> Self {
        Route {
            name: name.to_string(),
            via,
            paths,
        }
    }
}

/// What the routes are driven over: people ids, names and NHS numbers on the register, and a
/// past day for `as_of`.
#[derive(Debug, Clone)]
pub struct Sample {
    pub ids: Vec<String>,
    pub family_names: Vec<String>,
    pub nhs_numbers: Vec<String>,
    /// `YYYY-MM-DD`.
    pub past_day: String,
}

/// The routes of issue 15's targets, in the order they are driven.
pub fn routes(sample: &Sample) -> Vec<Route> {
    use Via::{Api, Page};
    let people = |query: &str| vec![format!("/api/v1/people?per_page=50{query}")];
    let each = |values: &[String], make: &dyn Fn(&str) -> String| -> Vec<String> {
        values.iter().map(|v| make(v)).collect()
    };
    let day = &sample.past_day;
    vec![
        Route::new("people", Api, people("")),
        Route::new("people rating=red", Api, people("&rating=red")),
        Route::new("people rating=amber", Api, people("&rating=amber")),
        Route::new("people rating=green", Api, people("&rating=green")),
        Route::new("people rating=blue", Api, people("&rating=blue")),
        Route::new("people status=closed", Api, people("&status=closed")),
        Route::new(
            "people q=family name",
            Api,
            each(&sample.family_names, &|v| {
                format!("/api/v1/people?per_page=50&q={}", form_encode(v))
            }),
        ),
        Route::new(
            "people q=NHS number",
            Api,
            each(&sample.nhs_numbers, &|v| {
                format!("/api/v1/people?per_page=50&q={}", form_encode(v))
            }),
        ),
        Route::new("people as_of", Api, people(&format!("&as_of={day}"))),
        Route::new(
            "people as_of rating=red",
            Api,
            people(&format!("&as_of={day}&rating=red")),
        ),
        Route::new(
            "reviews overdue",
            Api,
            vec!["/api/v1/reviews?overdue=true&per_page=50".into()],
        ),
        Route::new(
            "actions overdue",
            Api,
            vec!["/api/v1/actions?overdue=true&per_page=50".into()],
        ),
        Route::new(
            "referrals",
            Api,
            vec!["/api/v1/referrals?per_page=50".into()],
        ),
        Route::new(
            "a person",
            Api,
            each(&sample.ids, &|id| format!("/api/v1/people/{id}")),
        ),
        Route::new(
            "a person's due list",
            Api,
            each(&sample.ids, &|id| format!("/api/v1/people/{id}/due")),
        ),
        Route::new(
            "person page",
            Page,
            each(&sample.ids, &|id| format!("/people/{id}")),
        ),
        Route::new("dashboard page", Page, vec!["/".into()]),
        Route::new("register page", Page, vec!["/people".into()]),
        Route::new("reviews page", Page, vec!["/reviews".into()]),
        Route::new("actions page", Page, vec!["/actions".into()]),
    ]
}

/// One signed-in client: its connection (with the browser session's cookies) and its bearer
/// token.
pub struct Client {
    conn: Conn,
    token: String,
}

impl Client {
    /// Signs in twice over one connection: `POST /api/v1/login` for a bearer token, and the
    /// sign-in form (`GET /login` for the CSRF cookie and field, then `POST /login`) for a
    /// browser session.
    pub async fn sign_in(port: u16, username: &str, password: &str) -> Result<Client, String> {
        let mut conn = Conn::new(port);
        let body = serde_json::json!({"username": username, "password": password}).to_string();
        let r = conn
            .send(
                "POST",
                "/api/v1/login",
                &[("Content-Type", "application/json")],
                body.as_bytes(),
                false,
            )
            .await
            .map_err(|e| format!("API sign-in: {e}"))?;
        let token = serde_json::from_slice::<serde_json::Value>(&r.body)
            .ok()
            .and_then(|v| v["token"].as_str().map(String::from))
            .ok_or_else(|| format!("API sign-in: status {} without a token", r.status))?;
        let page = conn
            .send("GET", "/login", &[], &[], true)
            .await
            .map_err(|e| format!("sign-in page: {e}"))?;
        let csrf = csrf_field(&page.text())
            .ok_or_else(|| format!("sign-in page: status {} without a CSRF field", page.status))?;
        let form = format!(
            "csrf_token={}&username={}&password={}&next=%2F",
            form_encode(&csrf),
            form_encode(username),
            form_encode(password)
        );
        let r = conn
            .send(
                "POST",
                "/login",
                &[("Content-Type", "application/x-www-form-urlencoded")],
                form.as_bytes(),
                true,
            )
            .await
            .map_err(|e| format!("sign-in form: {e}"))?;
        if r.status != 303 {
            return Err(format!("sign-in form: status {} (303 expected)", r.status));
        }
        Ok(Client { conn, token })
    }

    /// One request to `path` the way `via` says.
    pub async fn fetch(&mut self, via: Via, path: &str) -> std::io::Result<Response> {
        match via {
            Via::Api => {
                let bearer = format!("Bearer {}", self.token);
                self.conn
                    .send("GET", path, &[("Authorization", &bearer)], &[], false)
                    .await
            }
            Via::Page => {
                self.conn
                    .send("GET", path, &[("Accept", "text/html")], &[], true)
                    .await
            }
        }
    }
}

/// The value of the sign-in page's hidden `csrf_token` field.
fn csrf_field(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf_token\"")?;
    let rest = &html[at..];
    let value = rest.find("value=\"")? + "value=\"".len();
    let end = rest[value..].find('"')?;
    Some(rest[value..value + end].to_string())
}

/// One route under load.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub route: String,
    pub clients: usize,
    /// Requests answered 200 (the ones timed).
    pub ok: usize,
    /// Requests answered otherwise, or failed.
    pub errors: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    /// The median body size of the requests answered 200.
    pub body_bytes: usize,
    /// The first failure, in words (status and path, or the I/O error).
    pub first_error: Option<String>,
    /// Wall time of the whole run of this route.
    pub seconds: f64,
}

/// The nearest-rank percentile `p` (0 < p ≤ 100) of values sorted ascending; `None` if empty.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// What one client saw.
#[derive(Default)]
struct Seen {
    times_ms: Vec<f64>,
    bytes: Vec<usize>,
    errors: usize,
    first_error: Option<String>,
}

/// Drives `route` with every client in `clients` at once until `requests` requests were sent
/// or `limit` has passed (each client finishes the request it is in).
pub async fn drive(
    clients: &mut [Client],
    route: &Route,
    requests: usize,
    limit: Duration,
) -> Stats {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let runs = clients.iter_mut().map(|client| {
        let next = &next;
        async move {
            let mut seen = Seen::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests || started.elapsed() >= limit || route.paths.is_empty() {
                    return seen;
                }
                let path = &route.paths[i % route.paths.len()];
                let t = Instant::now();
                let answer = client.fetch(route.via, path).await;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                let failure = match answer {
                    Ok(r) if r.status == 200 => {
                        seen.times_ms.push(ms);
                        seen.bytes.push(r.body.len());
                        None
                    }
                    Ok(r) => Some(format!("status {} on {path}", r.status)),
                    Err(e) => Some(format!("{e} on {path}")),
                };
                if let Some(why) = failure {
                    seen.errors += 1;
                    seen.first_error.get_or_insert(why);
                }
            }
        }
    });
    let seen = rocket::futures::future::join_all(runs).await;
    let seconds = started.elapsed().as_secs_f64();
    summarise(&route.name, clients.len(), seen, seconds)
}

fn summarise(route: &str, clients: usize, seen: Vec<Seen>, seconds: f64) -> Stats {
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for s in seen {
        times.extend(s.times_ms);
        bytes.extend(s.bytes);
        errors += s.errors;
        first_error = first_error.or(s.first_error);
    }
    times.sort_by(f64::total_cmp);
    bytes.sort_unstable();
    Stats {
        route: route.to_string(),
        clients,
        ok: times.len(),
        errors,
        p50_ms: percentile(&times, 50.0).unwrap_or(0.0),
        p95_ms: percentile(&times, 95.0).unwrap_or(0.0),
        max_ms: times.last().copied().unwrap_or(0.0),
        body_bytes: bytes
            .get(bytes.len().saturating_sub(1) / 2)
            .copied()
            .unwrap_or(0),
        first_error,
        seconds,
    }
}

/// The header of the per-route table.
pub const TABLE_HEAD: &str = "| backend | people | clients | route | requests | errors | p50 (ms) | p95 (ms) | max (ms) | req/s | body (KB) | server peak (MB) |\n|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|";

/// One row of the per-route table; `peak_mb` is the server's peak memory once the route ran.
pub fn table_row(backend: &str, people: usize, s: &Stats, peak_mb: Option<f64>) -> String {
    let rate = if s.seconds > 0.0 {
        s.ok as f64 / s.seconds
    } else {
        0.0
    };
    format!(
        "| {backend} | {people} | {} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {rate:.1} | {:.1} | {} |",
        s.clients,
        s.route,
        s.ok,
        s.errors,
        s.p50_ms,
        s.p95_ms,
        s.max_ms,
        s.body_bytes as f64 / 1024.0,
        peak_mb.map_or("–".into(), |m| format!("{m:.0}")),
    )
}

/// A process's peak resident memory (`VmHWM`) and its current one (`VmRSS`), in MB.
pub fn memory_mb(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let read = |key: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    };
    Some((read("VmHWM:")?, read("VmRSS:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&hundred, 50.0), Some(50.0));
        assert_eq!(percentile(&hundred, 95.0), Some(95.0));
        assert_eq!(percentile(&hundred, 100.0), Some(100.0));
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&twenty, 95.0), Some(19.0));
        assert_eq!(percentile(&twenty, 50.0), Some(10.0));
        assert_eq!(percentile(&[7.0], 95.0), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 1.0), Some(1.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn a_summary_merges_the_clients_and_counts_failures() {
        let a = Seen {
            times_ms: vec![30.0, 10.0],
            bytes: vec![100, 300],
            errors: 0,
            first_error: None,
        };
        let b = Seen {
            times_ms: vec![20.0],
            bytes: vec![200],
            errors: 2,
            first_error: Some("status 500 on /x".into()),
        };
        let s = summarise("r", 2, vec![a, b], 2.0);
        assert_eq!((s.ok, s.errors, s.body_bytes), (3, 2, 200));
        assert_eq!((s.p50_ms, s.p95_ms, s.max_ms), (20.0, 30.0, 30.0));
        assert_eq!(s.first_error.as_deref(), Some("status 500 on /x"));
        let row = table_row("sqlite", 10, &s, Some(123.4));
        assert_eq!(
            row,
            "| sqlite | 10 | 2 | r | 3 | 2 | 20.0 | 30.0 | 30.0 | 1.5 | 0.2 | 123 |"
        );
    }

    #[test]
    fn the_csrf_field_is_read_from_the_sign_in_form() {
        let html = r#"<form><input type="hidden" name="csrf_token" value="ab12"><input name="x" value="y">"#;
        assert_eq!(csrf_field(html).as_deref(), Some("ab12"));
        assert_eq!(csrf_field("<p>no form</p>"), None);
    }

    #[test]
    fn every_target_route_is_driven_and_varied_routes_vary() {
        let sample = Sample {
            ids: vec!["a".into(), "b".into()],
            family_names: vec!["O'Neil".into()],
            nhs_numbers: vec!["9990000018".into()],
            past_day: "2026-10-31".into(),
        };
        let routes = routes(&sample);
        assert_eq!(routes.len(), 20);
        let find = |name: &str| routes.iter().find(|r| r.name == name).unwrap();
        assert_eq!(
            find("a person").paths,
            vec!["/api/v1/people/a", "/api/v1/people/b"]
        );
        assert_eq!(
            find("people q=family name").paths,
            vec!["/api/v1/people?per_page=50&q=O%27Neil"]
        );
        assert_eq!(
            find("people as_of rating=red").paths,
            vec!["/api/v1/people?per_page=50&as_of=2026-10-31&rating=red"]
        );
        assert_eq!(find("dashboard page").via, Via::Page);
    }
}
