//! The person's record (issue 19): notes and the chronology that merges them with the service's
//! own events; documents known by their bytes, kept in the database or a directory, each
//! download audited; panel members reading a pack only while they sit on the review; and a
//! withdrawn person's notes and documents gone.

use crate::register::{answers, nhs, parental, person, today, ymd};
use crate::reviews::{RED, findings, member};
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
async fn page_upload(
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
async fn someone(t: &TestApp, c: &str, n: u32) -> String {
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

async fn note(t: &TestApp, c: &str, id: &str, days_ago: i64, category: &str, text: &str) -> Value {
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

async fn audit_actions(t: &TestApp, person_id: &str) -> Vec<Value> {
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

#[rocket::async_test]
async fn documents_are_known_by_their_bytes_and_each_download_is_audited() {
    let t = TestApp::with(|s| s.document_limit_mb = 1).await;
    let c = t.token_for_role("commissioner").await;
    let id = someone(&t, &c, 9104).await;
    let path = format!("/api/v1/people/{id}/documents");

    let (s, pdf) = upload(&t, &c, &path, "Referral letter.pdf", PDF, "referral_letter").await;
    assert_eq!(s, Status::Created, "{pdf}");
    assert_eq!(pdf["content_type"], "application/pdf");
    assert_eq!(pdf["file_name"], "Referral_letter.pdf");
    assert_eq!(pdf["size_bytes"], PDF.len());
    assert_eq!(pdf["sha256"].as_str().unwrap().len(), 64);
    let (s, png) = upload(&t, &c, &path, "photo.png", PNG, "other").await;
    assert_eq!(s, Status::Created, "{png}");
    assert_eq!(png["content_type"], "image/png");

    // What the name claims counts for nothing.
    let exe: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 This program";
    for (name, bytes) in [
        ("letter.pdf", exe),
        ("notes.pdf", b"Just some text".as_slice()),
    ] {
        let (s, body) = upload(&t, &c, &path, name, bytes, "report").await;
        assert_eq!(s, Status::UnprocessableEntity, "{name}: {body}");
        let why = body["error"]["fields"]["file"][0].as_str().unwrap();
        assert!(why.contains("must be a PDF, a Word document"), "{why}");
    }
    // Over the limit (1 MB here).
    let mut big = PDF.to_vec();
    big.resize(1024 * 1024 + 1, b' ');
    let (s, body) = upload(&t, &c, &path, "big.pdf", &big, "report").await;
    assert_eq!(s, Status::UnprocessableEntity, "{body}");
    assert!(
        body["error"]["fields"]["file"][0]
            .as_str()
            .unwrap()
            .contains("larger than 1 MB")
    );
    // A kind is required.
    let (s, body) = upload(&t, &c, &path, "x.pdf", PDF, "").await;
    assert_eq!(s, Status::UnprocessableEntity, "{body}");
    assert!(body["error"]["fields"]["kind"].is_array(), "{body}");

    // The download: the same bytes, as an attachment, never sniffed.
    let doc_id = pdf["id"].as_str().unwrap();
    let (s, ct, disposition, bytes) = t
        .download(&format!("/api/v1/documents/{doc_id}"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(ct, "application/pdf");
    assert_eq!(disposition, "attachment; filename=\"Referral_letter.pdf\"");
    assert_eq!(bytes, PDF);
    let res = t
        .client
        .get(format!("/api/v1/documents/{doc_id}"))
        .header(Header::new("Authorization", format!("Bearer {c}")))
        .dispatch()
        .await;
    assert_eq!(
        res.headers().get_one("X-Content-Type-Options"),
        Some("nosniff")
    );
    let (_, list) = t.get(&path, Some(&c)).await;
    assert_eq!(list["total"], 2);

    // Each download has its audit entry, naming the document.
    let downloads: Vec<Value> = audit_actions(&t, &id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "document.download")
        .collect();
    assert_eq!(downloads.len(), 2, "{downloads:?}");
    assert!(downloads.iter().all(|e| e["entity_id"] == doc_id));
    // Analysts never reach a document.
    let analyst = t.token_for_role("analyst").await;
    let (s, _, _, _) = t
        .download(&format!("/api/v1/documents/{doc_id}"), Some(&analyst))
        .await;
    assert_eq!(s, Status::Forbidden);
}

#[rocket::async_test]
async fn documents_can_be_kept_in_a_directory() {
    let dir = std::env::temp_dir().join(format!("tcr-docs-{}", uuid::Uuid::new_v4().simple()));
    let kept = dir.clone();
    let t = TestApp::with(move |s| s.documents_dir = Some(kept)).await;
    let c = t.token_for_role("commissioner").await;
    let id = someone(&t, &c, 9105).await;
    let (s, doc) = upload(
        &t,
        &c,
        &format!("/api/v1/people/{id}/documents"),
        "scan.png",
        PNG,
        "correspondence",
    )
    .await;
    assert_eq!(s, Status::Created, "{doc}");
    let doc_id = doc["id"].as_str().unwrap();
    assert_eq!(std::fs::read(dir.join(doc_id)).unwrap(), PNG);
    let (s, ct, _, bytes) = t
        .download(&format!("/api/v1/documents/{doc_id}"), Some(&c))
        .await;
    assert_eq!((s, ct.as_str()), (Status::Ok, "image/png"));
    assert_eq!(bytes, PNG);
    // A refused upload leaves no file behind.
    let (s, _) = upload(
        &t,
        &c,
        &format!("/api/v1/people/{id}/documents"),
        "x.pdf",
        b"nope",
        "other",
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Schedules a review of `person` for yesterday with this panel: its id.
async fn review(
    t: &TestApp,
    person: &str,
    chair: &(String, String),
    expert: &str,
    clinician: &str,
) -> String {
    let (s, r) = t
        .post_json(
            &format!("/api/v1/people/{person}/reviews"),
            Some(&chair.1),
            &json!({"kind": "community", "scheduled_for": ymd(today(t) - Duration::days(1)),
                    "chair_id": chair.0, "expert_by_experience_id": expert, "clinical_expert_id": clinician}),
        )
        .await;
    assert_eq!(s, Status::Created, "{r}");
    r["id"].as_str().unwrap().to_string()
}

#[rocket::async_test]
async fn a_panel_member_sees_a_pack_only_while_they_sit_on_the_review() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let (chair_a, chair_b) = (
        member(&t, "panel_chair").await,
        member(&t, "panel_chair").await,
    );
    let expert = member(&t, "panel_member").await;
    let other_expert = member(&t, "panel_member").await;
    let clinician = member(&t, "clinical_expert").await;
    let other_clinician = member(&t, "clinical_expert").await;
    let ann = someone(&t, &c, 9106).await;
    let bob = someone(&t, &c, 9107).await;
    let a = review(&t, &ann, &chair_a, &expert.0, &clinician.0).await;
    let b = review(&t, &bob, &chair_b, &other_expert.0, &other_clinician.0).await;

    // The chair adds to their own review's pack, not to another's.
    let (s, in_a) = upload(
        &t,
        &chair_a.1,
        &format!("/api/v1/reviews/{a}/documents"),
        "pack.pdf",
        PDF,
        "pack_paper",
    )
    .await;
    assert_eq!(s, Status::Created, "{in_a}");
    assert_eq!(in_a["review_id"], a.as_str());
    let (s, _) = upload(
        &t,
        &chair_a.1,
        &format!("/api/v1/reviews/{b}/documents"),
        "pack.pdf",
        PDF,
        "pack_paper",
    )
    .await;
    assert_eq!(s, Status::Forbidden);
    let (s, in_b) = upload(
        &t,
        &c,
        &format!("/api/v1/reviews/{b}/documents"),
        "b.pdf",
        PDF,
        "pack_paper",
    )
    .await;
    assert_eq!(s, Status::Created, "{in_b}");
    let (s, anns) = upload(
        &t,
        &c,
        &format!("/api/v1/people/{ann}/documents"),
        "letter.pdf",
        PDF,
        "referral_letter",
    )
    .await;
    assert_eq!(s, Status::Created, "{anns}");
    let (s, bobs) = upload(
        &t,
        &c,
        &format!("/api/v1/people/{bob}/documents"),
        "letter.pdf",
        PDF,
        "referral_letter",
    )
    .await;
    assert_eq!(s, Status::Created, "{bobs}");
    let doc = |v: &Value| format!("/api/v1/documents/{}", v["id"].as_str().unwrap());

    // The expert on A: A's pack and Ann's record, nothing of B or Bob.
    let m = &expert.1;
    let (s, pack) = t
        .get(&format!("/api/v1/reviews/{a}/documents"), Some(m))
        .await;
    assert_eq!((s, pack["total"].as_u64()), (Status::Ok, Some(1)), "{pack}");
    assert_eq!(t.download(&doc(&in_a), Some(m)).await.0, Status::Ok);
    assert_eq!(t.download(&doc(&anns), Some(m)).await.0, Status::Ok);
    let (_, listed) = t
        .get(&format!("/api/v1/people/{ann}/documents"), Some(m))
        .await;
    assert_eq!(listed["total"], 2, "Ann's own and A's pack: {listed}");
    assert_eq!(
        t.get(&format!("/api/v1/reviews/{b}/documents"), Some(m))
            .await
            .0,
        Status::NotFound
    );
    assert_eq!(t.download(&doc(&in_b), Some(m)).await.0, Status::NotFound);
    assert_eq!(t.download(&doc(&bobs), Some(m)).await.0, Status::NotFound);
    assert_eq!(
        t.get(&format!("/api/v1/people/{bob}/chronology"), Some(m))
            .await
            .0,
        Status::NotFound
    );
    assert_eq!(
        t.get(&format!("/api/v1/people/{ann}/notes"), Some(m))
            .await
            .0,
        Status::Ok
    );

    // Held and its report sent: the pack closes to the panel.
    let (s, held) = t
        .post_json(
            &format!("/api/v1/reviews/{a}/outcome"),
            Some(&chair_a.1),
            &json!({"held_on": ymd(today(&t) - Duration::days(1)), "findings": findings(), "recommendations": "Keep going",
                    "actions": [{"who": "Team", "what": "Plan", "when": ymd(today(&t) + Duration::days(30)), "how": "Meet"}]}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{held}");
    assert_eq!(t.download(&doc(&in_a), Some(m)).await.0, Status::Ok);
    let (s, sent) = t
        .post_json(
            &format!("/api/v1/reviews/{a}/report-sent"),
            Some(&chair_a.1),
            &json!({"sent_on": ymd(today(&t))}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{sent}");
    assert_eq!(t.download(&doc(&in_a), Some(m)).await.0, Status::NotFound);
    // Ann's own documents follow whether they may still read Ann (holding the review booked
    // its follow-up with the same panel, so here they may).
    let reads_ann = t.get(&format!("/api/v1/people/{ann}"), Some(m)).await.0;
    assert_eq!(t.download(&doc(&anns), Some(m)).await.0, reads_ann);
    assert_eq!(
        t.get(&format!("/api/v1/reviews/{a}/documents"), Some(m))
            .await
            .0,
        Status::NotFound
    );
    // The commissioner still has everything.
    assert_eq!(t.download(&doc(&in_a), Some(&c)).await.0, Status::Ok);
}

#[rocket::async_test]
async fn a_withdrawn_persons_notes_and_documents_are_gone() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = t.token_for_role("panel_chair").await;
    let id = someone(&t, &c, 9108).await;
    note(&t, &c, &id, 2, "contact", "Spoke to dad").await;
    let (_, doc) = upload(
        &t,
        &c,
        &format!("/api/v1/people/{id}/documents"),
        "a.pdf",
        PDF,
        "report",
    )
    .await;
    let doc_id = doc["id"].as_str().unwrap().to_string();
    let (s, w) = t
        .post_json(
            &format!("/api/v1/people/{id}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(today(&t)), "reason": "Withdrew by letter"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{w}");
    for token in [&c, &chair] {
        for path in [
            format!("/api/v1/people/{id}/notes"),
            format!("/api/v1/people/{id}/chronology"),
            format!("/api/v1/people/{id}/documents"),
        ] {
            let (s, body) = t.get(&path, Some(token)).await;
            assert_eq!(s, Status::NotFound, "{path}: {body}");
        }
        assert_eq!(
            t.download(&format!("/api/v1/documents/{doc_id}"), Some(token))
                .await
                .0,
            Status::NotFound
        );
    }
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/notes"),
            Some(&c),
            &json!({"noted_on": ymd(today(&t)), "category": "other", "text": "After"}),
        )
        .await;
    assert_eq!(s, Status::NotFound);
    // Kept for records retention: the records administrator still reads them.
    let admin = t.admin_token().await;
    let (s, notes) = t
        .get(&format!("/api/v1/people/{id}/notes"), Some(&admin))
        .await;
    assert_eq!(
        (s, notes["total"].as_u64()),
        (Status::Ok, Some(1)),
        "{notes}"
    );
}

#[rocket::async_test]
async fn the_pages_upload_to_a_review_and_download_it_and_a_refusal_keeps_the_fields() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let chair = member(&t, "panel_chair").await;
    let expert = member(&t, "panel_member").await;
    let clinician = member(&t, "clinical_expert").await;
    let id = someone(&t, &c, 9109).await;
    let r = review(&t, &id, &chair, &expert.0, &clinician.0).await;
    let (user, password) = t.user_with_role("commissioner").await;
    t.page_login(&user, &password).await;
    let page = format!("/reviews/{r}");
    let action = format!("/reviews/{r}/documents");
    let (s, html) = t.page(&page).await;
    assert_eq!(s, Status::Ok);
    // The upload form, its action escaped as every attribute is.
    assert!(
        html.contains(&format!("action=\"{}\"", action.replace('/', "&#x2F;"))),
        "{html}"
    );

    let (s, html, _) = page_upload(
        &t,
        &page,
        &action,
        &[("title", "Pack: school report"), ("kind", "pack_paper")],
        ("r.pdf", b"not a pdf"),
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity, "{html}");
    assert!(html.contains("value=\"Pack: school report\""), "{html}");
    assert!(
        html.contains("<option value=\"pack_paper\" selected>"),
        "{html}"
    );
    assert!(html.contains("whatever its name says"), "{html}");

    let (s, _, location) = page_upload(
        &t,
        &page,
        &action,
        &[("title", "Pack: school report"), ("kind", "pack_paper")],
        ("report.pdf", PDF),
    )
    .await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(
        location.as_deref(),
        Some(format!("{page}#documents").as_str())
    );
    let (_, html) = t.page(&page).await;
    assert!(html.contains("Pack: school report"), "{html}");
    let at = html.find("href=\"/documents/").expect("a download link") + "href=\"".len();
    let link = &html[at..at + html[at..].find('"').unwrap()];
    let res = t.client.get(link.to_string()).dispatch().await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(
        res.headers().get_one("Content-Disposition"),
        Some("attachment; filename=\"report.pdf\"")
    );
    assert_eq!(res.into_bytes().await.unwrap(), PDF);
    // The chronology shows the document and the review.
    let (_, html) = t.page(&format!("/people/{id}/chronology")).await;
    assert!(
        html.contains("Document added: Pack: school report"),
        "{html}"
    );
    assert!(html.contains("booked for"), "{html}");
}
