//! The register's ethnicity (the NHS ethnic category, by its code): set on entry, changed,
//! cleared, refused when not a code, kept as it stood for earlier days, shown, edited on the
//! form and exported.

use crate::register::{nhs, own, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use serde_json::json;
use time::Duration;

#[rocket::async_test]
async fn ethnicity_is_set_changed_cleared_and_checked() {
    let t = TestApp::new().await;
    let (user, password) = t.user_with_role("commissioner").await;
    assert_eq!(t.page_login(&user, &password).await, Status::SeeOther);
    let c = t.login(&user, &password).await;
    let born = today(&t) - Duration::days(365 * 30);
    let mut body = person(&nhs(401), born, own(today(&t) - Duration::days(30)));

    body["ethnicity"] = json!("White British");
    let (s, b) = t.post_json("/api/v1/people", Some(&c), &body).await;
    assert_eq!(
        s,
        Status::UnprocessableEntity,
        "the API takes the code: {b}"
    );
    assert!(
        b["error"]["fields"]["ethnicity"][0]
            .as_str()
            .unwrap()
            .contains("by its NHS code: A to S, Z (not stated) or 99 (not known)"),
        "{b}"
    );
    body["ethnicity"] = json!("A");
    let (s, p) = t.post_json("/api/v1/people", Some(&c), &body).await;
    assert_eq!(s, Status::Created, "{p}");
    assert_eq!(p["ethnicity"], "A");
    let id = p["id"].as_str().unwrap().to_string();

    // Without it, an entry has none.
    let (_, other) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(402), born, own(today(&t) - Duration::days(30))),
        )
        .await;
    assert_eq!(other["ethnicity"], serde_json::Value::Null, "{other}");

    let path = format!("/api/v1/people/{id}");
    let (s, p) = t
        .patch_json(&path, Some(&c), &json!({"ethnicity": "N"}))
        .await;
    assert_eq!((s, p["ethnicity"].as_str()), (Status::Ok, Some("N")), "{p}");
    let (s, b) = t
        .patch_json(&path, Some(&c), &json!({"ethnicity": "Q"}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    let (_, p) = t.get(&path, Some(&c)).await;
    assert_eq!(p["ethnicity"], "N", "a refused change changes nothing");

    // The register as it stood yesterday had the first answer (valid time).
    let yesterday = ymd(today(&t) - Duration::days(1));
    let (_, list) = t
        .get(&format!("/api/v1/people?as_of={yesterday}"), Some(&c))
        .await;
    let then: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"] == id.as_str())
        .filter_map(|i| i["ethnicity"].as_str())
        .collect();
    assert_eq!(then, ["A"], "{list}");

    // The page shows it in words; the edit form offers every category with the code chosen.
    let (_, page) = t.page(&format!("/people/{id}")).await;
    assert!(page.contains("Black or Black British - African"));
    let (_, form) = t.page(&format!("/people/{id}/edit")).await;
    assert!(
        form.contains("<option value=\"N\" selected>N: Black or Black British - African</option>")
    );
    assert!(form.contains("<option value=\"99\">99: Not known</option>"));

    // Exported as its code and its words.
    let (s, _, _, csv) = t.download("/api/v1/people?format=csv", Some(&c)).await;
    assert_eq!(s, Status::Ok);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("Ethnic category code,Ethnic category"),
        "{csv}"
    );
    assert!(
        csv.contains(",N,Black or Black British - African,"),
        "{csv}"
    );

    // Cleared, through the API and then through the form left at "Not recorded".
    let (s, p) = t
        .patch_json(&path, Some(&c), &json!({"ethnicity": null}))
        .await;
    assert_eq!(
        (s, p["ethnicity"].clone()),
        (Status::Ok, serde_json::Value::Null)
    );
    let (_, p) = t
        .patch_json(&path, Some(&c), &json!({"ethnicity": "Z"}))
        .await;
    assert_eq!(p["ethnicity"], "Z");
    let (_, page) = t.page(&format!("/people/{id}")).await;
    assert!(page.contains("Not stated"));

    // An inpatient-only entry may carry it too.
    let mut body = crate::inpatients::inpatient(&nhs(403), born, today(&t) - Duration::days(5));
    body["ethnicity"] = json!("H");
    let (s, p) = t.post_json("/api/v1/inpatients", Some(&c), &body).await;
    assert_eq!(
        (s, p["ethnicity"].as_str()),
        (Status::Created, Some("H")),
        "{p}"
    );
}
