//! The person's record (issue 19): notes and the chronology that merges them with the service's
//! own events, its filters, a refused note kept; and the helpers the documents' tests
//! (`record_documents`) share.

use crate::register::{answers, nhs, parental, person, today, ymd};
use crate::reviews::RED;
use crate::support::*;
use rocket::http::{ContentType, Header, Status};
use serde_json::{Value, json};
use time::Duration;

/// A small but real PDF (one empty page).
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n\
2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n\
3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n\
xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n\
trailer <</Size 4 /Root 1 0 R>>\nstartxref\n186\n%%EOF\n";

/// A real 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

const BOUNDARY: &str = "tcr-record-boundary-51c2";

/// A multipart body: text fields, then the file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads through the API: (status, body).
pub async fn upload(
    t: &TestApp,
    token: &str,
    path: &str,
    file_name: &str,
    bytes: &[u8],
    kind: &str,
) -> (Status, Value) {
    let res = t
        .client
        .post(path.to_string())
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .body(multipart(
            &[("title", &format!("Title of {file_name}")), ("kind", kind)],
            Some((file_name, bytes)),
        ))
        .dispatch()
        .await;
    TestApp::json(res).await
}

/// Uploads through a page form with this client's cookies: (status, body, location).
pub async fn page_upload(
    t: &TestApp,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> (Status, String, Option<String>) {
    let (_, html) = t.page(page).await;
    let csrf = extract_csrf(&html).expect("csrf on the page");
    let mut all = vec![("csrf_token", csrf.as_str())];
    all.extend_from_slice(fields);
    let res = t
        .client
        .post(action.to_string())
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)))
        .body(multipart(&all, Some(file)))
        .dispatch()
        .await;
    let status = res.status();
    let location = res.headers().get_one("Location").map(String::from);
    (
        status,
        res.into_string().await.unwrap_or_default(),
        location,
    )
}

/// A person on the register, consented 60 days ago and rated red 10 days ago.
pub async fn someone(t: &TestApp, c: &str, n: u32) -> String {
    let born = today(t) - Duration::days(365 * 15);
    let (s, p) = t
        .post_json(
            "/api/v1/people",
            Some(c),
            &person(&nhs(n), born, parental(today(t) - Duration::days(60))),
        )
        .await;
    assert_eq!(s, Status::Created, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    let (s, a) = t
        .post_json(
            &format!("/api/v1/people/{id}/risk-assessments"),
            Some(c),
            &json!({"assessed_on": ymd(today(t) - Duration::days(10)), "answers": answers(RED)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{a}");
    id
}

pub async fn note(
    t: &TestApp,
    c: &str,
    id: &str,
    days_ago: i64,
    category: &str,
    text: &str,
) -> Value {
    let (s, n) = t
        .post_json(
            &format!("/api/v1/people/{id}/notes"),
            Some(c),
            &json!({"noted_on": ymd(today(t) - Duration::days(days_ago)), "category": category, "text": text}),
        )
        .await;
    assert_eq!(s, Status::Created, "{n}");
    n
}

pub async fn audit_actions(t: &TestApp, person_id: &str) -> Vec<Value> {
    let admin = t.admin_token().await;
    let (s, trail) = t
        .get(
            &format!("/api/v1/audit?person_id={person_id}&per_page=500"),
            Some(&admin),
        )
        .await;
    assert_eq!(s, Status::Ok, "{trail}");
    trail["items"].as_array().unwrap().clone()
}

#[rocket::async_test]
async fn notes_are_listed_newest_first_with_the_services_own_events_merged_in() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let id = someone(&t, &c, 9101).await;
    note(
        &t,
        &c,
        &id,
        30,
        "meeting",
        "MDT held at school.\nPlan agreed.",
    )
    .await;
    note(&t, &c, &id, 5, "safeguarding", "Concern raised by school").await;
    note(
        &t,
        &c,
        &id,
        30,
        "contact",
        "Called mum (written later the same day)",
    )
    .await;

    let (s, notes) = t.get(&format!("/api/v1/people/{id}/notes"), Some(&c)).await;
    assert_eq!(s, Status::Ok, "{notes}");
    let texts: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Concern raised by school",
            "Called mum (written later the same day)",
            "MDT held at school.\nPlan agreed."
        ]
    );
    assert_eq!(notes["items"][0]["category"], "safeguarding");

    let (s, chron) = t
        .get(&format!("/api/v1/people/{id}/chronology"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok, "{chron}");
    let entries = chron["entries"].as_array().unwrap();
    let days: Vec<&str> = entries.iter().map(|e| e["day"].as_str().unwrap()).collect();
    let mut sorted = days.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(days, sorted, "newest first");
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in ["note", "registered", "consent", "rated"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    assert_eq!(entries[0]["text"], "Concern raised by school");
    let rated = entries.iter().find(|e| e["kind"] == "rated").unwrap();
    assert_eq!(rated["day"], ymd(today(&t) - Duration::days(10)));
    assert!(rated["what"].as_str().unwrap().starts_with("Rated red"));

    // A stay and a review join it.
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(today(&t) - Duration::days(3)), "hospital": "Cavell Centre",
                    "security_level": "none", "legal_status": "section_2"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let (_, chron) = t
        .get(&format!("/api/v1/people/{id}/chronology"), Some(&c))
        .await;
    let admitted = chron["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "admitted")
        .expect("the admission is in the chronology");
    assert_eq!(admitted["what"], "Admitted to Cavell Centre");

    // Adding a note and reading the chronology are audited, the read as a read of the person.
    let actions: Vec<String> = audit_actions(&t, &id)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert!(actions.iter().any(|a| a == "note.add"), "{actions:?}");
    assert!(
        actions.iter().any(|a| a == "chronology.read"),
        "{actions:?}"
    );
}

#[rocket::async_test]
async fn the_chronology_filters_by_kind_category_and_days() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let id = someone(&t, &c, 9102).await;
    note(&t, &c, &id, 40, "housing", "Tenancy offered").await;
    note(&t, &c, &id, 20, "housing", "Moved in").await;
    note(&t, &c, &id, 20, "health", "Annual health check").await;
    let get = |q: String| {
        let t = &t;
        let c = c.clone();
        let id = id.clone();
        async move {
            t.get(&format!("/api/v1/people/{id}/chronology?{q}"), Some(&c))
                .await
        }
    };
    let (s, notes) = get("kind=note".into()).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(notes["total"], 3);
    let (_, housing) = get("category=housing".into()).await;
    let texts: Vec<&str> = housing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Moved in", "Tenancy offered"]);
    let from = ymd(today(&t) - Duration::days(25));
    let to = ymd(today(&t) - Duration::days(15));
    let (_, window) = get(format!("from={from}&to={to}")).await;
    assert_eq!(window["total"], 2, "{window}");
    let (_, rated) = get("kind=rated".into()).await;
    assert_eq!(rated["total"], 1);
    let (s, bad) = get("kind=gossip".into()).await;
    assert_eq!(s, Status::UnprocessableEntity, "{bad}");
    let (s, bad) = get(format!("from={to}&to={from}")).await;
    assert_eq!(s, Status::UnprocessableEntity, "{bad}");
    assert!(bad["error"]["fields"]["to"].is_array(), "{bad}");
}

#[rocket::async_test]
async fn a_refused_note_is_shown_again_with_what_was_typed() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let id = someone(&t, &c, 9103).await;
    let (user, password) = t.user_with_role("commissioner").await;
    assert_eq!(t.page_login(&user, &password).await, Status::SeeOther);
    let page = format!("/people/{id}/chronology");
    let (s, html) = t.page(&page).await;
    assert_eq!(s, Status::Ok);
    assert!(html.contains("Add a note"), "{html}");
    let csrf = extract_csrf(&html).unwrap();
    let future = today(&t) + Duration::days(3);
    let (s, html, _) = t
        .post_form(
            &format!("/people/{id}/notes"),
            &[
                ("csrf_token", &csrf),
                ("noted_on-day", &future.day().to_string()),
                ("noted_on-month", &u8::from(future.month()).to_string()),
                ("noted_on-year", &future.year().to_string()),
                ("category", "education"),
                ("text", "Visited the new school <b>today</b>"),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{html}");
    assert!(html.contains("There is a problem"), "{html}");
    assert!(
        html.contains("Visited the new school &lt;b&gt;today&lt;&#x2F;b&gt;"),
        "the text as typed, escaped: {html}"
    );
    assert!(
        html.contains("<option value=\"education\" selected>"),
        "{html}"
    );
    assert_eq!(
        date_input_value(&html, "noted_on").as_deref(),
        Some(ymd(future).as_str())
    );
    // No text: refused by its field; then a good one is added and shown.
    let (s, html, _) = t
        .post_form(
            &format!("/people/{id}/notes"),
            &[
                ("csrf_token", &csrf),
                ("noted_on", &ymd(today(&t))),
                ("category", "health"),
                ("text", "  "),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(html.contains("Enter what happened"), "{html}");
    let (s, _, location) = t
        .post_form(
            &format!("/people/{id}/notes"),
            &[
                ("csrf_token", &csrf),
                ("noted_on", &ymd(today(&t))),
                ("category", "health"),
                ("text", "Seen by the GP"),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(location.as_deref(), Some(page.as_str()));
    let (_, html) = t.page(&page).await;
    assert!(html.contains("Seen by the GP"), "{html}");
    assert!(html.contains("Note added."), "{html}");
    // The person page links to it.
    let (_, html) = t.page(&format!("/people/{id}")).await;
    assert!(html.contains(&format!("href=\"/people/{id}/chronology\"")));
}
