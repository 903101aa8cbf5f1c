//! Documents on the person's record and in a review's pack (issue 19): known by their bytes,
//! limited in size, kept in the database or a directory, each download audited; a panel member
//! reads a pack only while they sit on the review; a withdrawn person's notes and documents are
//! gone; the pages' upload and download.

use crate::record::{PDF, PNG, audit_actions, note, page_upload, someone, upload};
use crate::register::{today, ymd};
use crate::reviews::{findings, member};
use crate::support::*;
use rocket::http::{Header, Status};
use serde_json::{Value, json};
use time::Duration;

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
    // JSON is not a file.
    let (s, body) = t.post(&path, Some(&c), "{}").await;
    assert_eq!(s, Status::UnsupportedMediaType, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("multipart/form-data")
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
