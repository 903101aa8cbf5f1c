//! What a held review produces: the key lines of enquiry from the policy (education in a CETR
//! only), who attended and the person's and family's words, the report and its easy-read
//! version as PDFs (reproducible, audited, read only by those who may read the review), and the
//! report recorded as sent to whom, how, and which report (its SHA-256).

use crate::register::{nhs, own, parental, person, today, ymd};
use crate::reviews::{findings, findings_ctr, panel};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::Duration;

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Someone born `years` ago, registered, with a community review scheduled `n % 7 + 1` days
/// ago (so that one panel sits once a day): (person id, review id).
async fn booked(
    t: &TestApp,
    c: &str,
    p: &crate::reviews::Panel,
    n: u32,
    years: i64,
) -> (String, String) {
    let born = today(t) - Duration::days(365 * years + 40);
    let consent = if years < 16 {
        parental(today(t) - Duration::days(30))
    } else {
        own(today(t) - Duration::days(30))
    };
    let (s, body) = t
        .post_json("/api/v1/people", Some(c), &person(&nhs(n), born, consent))
        .await;
    assert_eq!(s, Status::Created, "{body}");
    let id = body["id"].as_str().unwrap().to_string();
    let (s, review) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(c),
            &json!({"kind": "community", "scheduled_for": ymd(held_day(t, n)),
                    "scheduled_on": ymd(today(t) - Duration::days(10)), "place": "Meeting room 2",
                    "starts_at": "10:30", "chair_id": p.chair.0,
                    "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{review}");
    (id, review["id"].as_str().unwrap().to_string())
}

fn held_day(t: &TestApp, n: u32) -> time::Date {
    today(t) - Duration::days(i64::from(n % 7) + 1)
}

fn outcome(t: &TestApp, n: u32, findings: Value) -> Value {
    json!({
        "held_on": ymd(held_day(t, n)),
        "findings": findings,
        "recommendations": "Short breaks; a positive behaviour support plan",
        "attendance": {"panel": ["chair", "clinical_expert"],
                       "others": [{"role": "person"}, {"role": "parent_carer", "name": "Ann Lee"},
                                  {"role": "social_worker", "name": "Duty team"}]},
        "person_views": "I want to stay at home.",
        "family_views": "We need help at weekends.",
        "easy_words": "You want to stay at home.\nWe will get you short breaks.",
        "actions": [{"who": "Children's social care", "what": "Arrange short breaks",
                     "when": ymd(today(t) + Duration::days(30)), "how": "Funding request"}],
    })
}

#[rocket::async_test]
async fn the_lines_of_enquiry_come_from_the_policy_and_a_cetr_answers_education() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let (_, child_review) = booked(&t, &c, &p, 110, 12).await;
    let (_, adult_review) = booked(&t, &c, &p, 121, 30).await;

    let keys = |v: &Value| -> Vec<String> {
        v["lines_of_enquiry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["key"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, child) = t
        .get(&format!("/api/v1/reviews/{child_review}"), Some(&c))
        .await;
    let (_, adult) = t
        .get(&format!("/api/v1/reviews/{adult_review}"), Some(&c))
        .await;
    assert_eq!(child["review_type"], "cetr");
    assert!(keys(&child).contains(&"education".to_string()), "{child}");
    assert_eq!(keys(&child).len(), 7);
    assert_eq!(adult["review_type"], "ctr");
    assert!(!keys(&adult).contains(&"education".to_string()));
    assert_eq!(keys(&adult).len(), 6);
    // A community review asks "need for hospital" as a community review does.
    let asked = adult["lines_of_enquiry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == "need_for_hospital")
        .unwrap()["question"]
        .clone();
    assert!(asked.as_str().unwrap().contains("community"), "{asked}");

    // A CETR without its education finding is refused, naming it; a CTR with one too.
    let (s, e) = t
        .post_json(
            &format!("/api/v1/reviews/{child_review}/outcome"),
            Some(&p.chair.1),
            &outcome(&t, 110, findings_ctr()),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(e["error"]["fields"]["findings.education"].is_array(), "{e}");
    let (s, e) = t
        .post_json(
            &format!("/api/v1/reviews/{adult_review}/outcome"),
            Some(&p.chair.1),
            &outcome(&t, 121, findings()),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(e["error"]["fields"]["findings.education"].is_array(), "{e}");

    // A bad seat or role is named; nothing is written.
    let mut bad = outcome(&t, 110, findings());
    bad["attendance"] =
        json!({"panel": ["chair", "chair", "judge"], "others": [{"role": "mayor", "name": "X"}]});
    let (s, e) = t
        .post_json(
            &format!("/api/v1/reviews/{child_review}/outcome"),
            Some(&p.chair.1),
            &bad,
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    let fields = &e["error"]["fields"];
    for f in [
        "attendance.panel[1]",
        "attendance.panel[2]",
        "attendance.others[0].role",
    ] {
        assert!(fields[f].is_array(), "{f}: {e}");
    }
    let (_, still) = t
        .get(&format!("/api/v1/reviews/{child_review}"), Some(&c))
        .await;
    assert_eq!(still["status"], "scheduled");

    // Held: what was recorded reads back, with the lines and the version it was held under.
    let (s, held) = t
        .post_json(
            &format!("/api/v1/reviews/{child_review}/outcome"),
            Some(&p.chair.1),
            &outcome(&t, 110, findings()),
        )
        .await;
    assert_eq!(s, Status::Ok, "{held}");
    assert_eq!(held["enquiry_version"], "2026-11");
    assert_eq!(
        held["attendance"]["panel"],
        json!(["chair", "clinical_expert"])
    );
    assert_eq!(held["attendance"]["others"][1]["name"], "Ann Lee");
    assert_eq!(held["person_views"], "I want to stay at home.");
    assert_eq!(held["family_views"], "We need help at weekends.");
    assert!(
        held["easy_words"]
            .as_str()
            .unwrap()
            .contains("short breaks")
    );
    assert_eq!(held["findings"]["education"], findings()["education"]);

    // The API's first contract (no attendance, no views) still holds a CTR.
    let (s, plain) = t
        .post_json(
            &format!("/api/v1/reviews/{adult_review}/outcome"),
            Some(&p.chair.1),
            &json!({"held_on": ymd(held_day(&t, 121)), "findings": findings_ctr(),
                    "recommendations": "Carry on", "actions": []}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{plain}");
    assert!(plain["attendance"].is_null());
}

#[rocket::async_test]
async fn the_report_and_easy_read_are_reproducible_audited_and_kept_when_sent() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let (person_id, review) = booked(&t, &c, &p, 210, 12).await;
    let url = |what: &str| format!("/api/v1/reviews/{review}/{what}");

    // Before it is held there is no report.
    let (s, _, _, _) = t.download(&url("report.pdf"), Some(&c)).await;
    assert_eq!(s, Status::Conflict);

    let (s, held) = t
        .post_json(
            &url("outcome"),
            Some(&p.chair.1),
            &outcome(&t, 210, findings()),
        )
        .await;
    assert_eq!(s, Status::Ok, "{held}");

    let mut digests = Vec::new();
    for (what, stem) in [("report.pdf", "report"), ("easy-read.pdf", "easy-read")] {
        let (s, kind, disposition, bytes) = t.download(&url(what), Some(&c)).await;
        assert_eq!(s, Status::Ok);
        assert!(kind.starts_with("application/pdf"), "{kind}");
        assert!(bytes.starts_with(b"%PDF-"));
        // The file is named by its review's type and day, never by the person.
        assert!(
            disposition.contains(&format!("cetr-{stem}-")),
            "{disposition}"
        );
        assert!(!disposition.contains("Lee"), "{disposition}");
        // The same review, the same bytes, whoever downloads it.
        let (_, _, _, again) = t.download(&url(what), Some(&p.expert.1)).await;
        assert_eq!(bytes, again, "{what} differs between downloads");
        digests.push(hex(&bytes));
    }
    assert_ne!(digests[0], digests[1]);

    // Each download is in the audit trail, with the SHA-256 of what went out.
    let admin = t.admin_token().await;
    let (_, trail) = t
        .get(
            &format!("/api/v1/audit?person_id={person_id}&per_page=200"),
            Some(&admin),
        )
        .await;
    let downloads: Vec<&Value> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "review.report_download")
        .collect();
    assert_eq!(downloads.len(), 4, "{trail}");

    // Recording it sent: a bad recipient or way is named; then it keeps to whom, how, and
    // which report.
    let (s, e) = t
        .post_json(
            &url("report-sent"),
            Some(&p.chair.1),
            &json!({"sent_on": ymd(today(&t)), "sent_to": ["person", "the press"], "sent_by": "pigeon"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(e["error"]["fields"]["sent_to[1]"].is_array(), "{e}");
    assert!(e["error"]["fields"]["sent_by"].is_array(), "{e}");
    let (s, sent) = t
        .post_json(
            &url("report-sent"),
            Some(&p.chair.1),
            &json!({"sent_on": ymd(today(&t)), "sent_to": ["family", "person", "provider"], "sent_by": "secure_email"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{sent}");
    assert_eq!(
        sent["report_sent_to"],
        json!(["person", "family", "provider"])
    );
    assert_eq!(sent["report_sent_by"], "secure_email");
    assert_eq!(sent["report_sha256"], digests[0]);
    assert_eq!(sent["easy_read_sha256"], digests[1]);

    // The panel member's reading ends when the report is sent; the commissioner's does not.
    let (s, _, _, _) = t.download(&url("report.pdf"), Some(&p.expert.1)).await;
    assert_eq!(s, Status::NotFound);
    let (s, _, _, bytes) = t.download(&url("report.pdf"), Some(&c)).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(hex(&bytes), digests[0], "the report is the one sent");

    // Someone who may not read reviews cannot download one.
    let analyst = t.token_for_role("analyst").await;
    let (s, _, _, _) = t.download(&url("easy-read.pdf"), Some(&analyst)).await;
    assert_eq!(s, Status::Forbidden);
}

#[rocket::async_test]
async fn the_first_contracts_report_sent_takes_the_day_alone_and_pages_ask_for_more() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let (_, review) = booked(&t, &c, &p, 310, 30).await;
    let (s, _) = t
        .post_json(
            &format!("/api/v1/reviews/{review}/outcome"),
            Some(&c),
            &json!({"held_on": ymd(held_day(&t, 310)), "findings": findings_ctr(),
                    "recommendations": "Carry on", "actions": []}),
        )
        .await;
    assert_eq!(s, Status::Ok);

    // The page refuses a report sent to no one, keeping the day typed, and names both.
    let (u, pw) = t.user_with_role("commissioner").await;
    t.page_login(&u, &pw).await;
    let page = format!("/reviews/{review}");
    let (_, html) = t.page(&page).await;
    assert!(html.contains("Download the easy-read report"), "{html}");
    let csrf = extract_csrf(&html).unwrap();
    let sent_on = today(&t);
    let (s, html, _) = t
        .post_form(
            &format!("{page}/report-sent"),
            &[
                ("csrf_token", &csrf),
                ("sent_on-day", &sent_on.day().to_string()),
                ("sent_on-month", &u8::from(sent_on.month()).to_string()),
                ("sent_on-year", &sent_on.year().to_string()),
                ("sent_to[3]", "provider"),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(html.contains("Choose how the report was sent"), "{html}");
    assert!(
        html.contains(r#"value="provider" checked"#),
        "the ticked recipient is kept: {html}"
    );
    let (s, _, _) = t
        .post_form(
            &format!("{page}/report-sent"),
            &[
                ("csrf_token", &csrf),
                ("sent_on-day", &sent_on.day().to_string()),
                ("sent_on-month", &u8::from(sent_on.month()).to_string()),
                ("sent_on-year", &sent_on.year().to_string()),
                ("sent_to[3]", "provider"),
                ("sent_by", "post"),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    let (_, html) = t.page(&page).await;
    assert!(
        html.contains("Hospital or care provider") && html.contains("SHA-256"),
        "{html}"
    );

    // The API's first contract: the day alone.
    let (_, review2) = booked(&t, &c, &p, 322, 30).await;
    t.post_json(
        &format!("/api/v1/reviews/{review2}/outcome"),
        Some(&c),
        &json!({"held_on": ymd(held_day(&t, 322)), "findings": findings_ctr(),
                "recommendations": "Carry on", "actions": []}),
    )
    .await;
    let (s, sent) = t
        .post_json(
            &format!("/api/v1/reviews/{review2}/report-sent"),
            Some(&c),
            &json!({"sent_on": ymd(today(&t))}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{sent}");
    assert_eq!(sent["report_sent_to"], json!([]));
    assert!(
        sent["report_sha256"]
            .as_str()
            .is_some_and(|h| h.len() == 64)
    );
}
