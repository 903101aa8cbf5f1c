//! The GOV.UK date input on the pages: a date typed as day, month and year boxes is read as one
//! date; a part left out is named in the message; what was typed comes back in the boxes; and a
//! page's GET form (the register's "as of" day) reads its three boxes the same way.

use crate::register::{nhs, today, ymd};
use crate::support::*;
use rocket::http::Status;
use time::Duration;

#[rocket::async_test]
async fn a_date_typed_in_three_boxes_is_one_date_and_a_missing_part_is_named() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("commissioner").await;
    assert_eq!(t.page_login(&u, &p).await, Status::SeeOther);
    let (_, page) = t.page("/people/new").await;
    assert!(page.contains("id=\"date_of_birth-day\"") && page.contains("<legend"));
    let csrf = extract_csrf(&page).unwrap();
    let number = nhs(610);
    let born = today(&t) - Duration::days(365 * 12 + 40);
    let consent = today(&t) - Duration::days(3);
    let (bd, bm, by) = (
        born.day().to_string(),
        (born.month() as u8).to_string(),
        born.year().to_string(),
    );
    let (cd, cm, cy) = (
        consent.day().to_string(),
        (consent.month() as u8).to_string(),
        consent.year().to_string(),
    );
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("nhs_number", number.as_str()),
        ("given_name", "Aoife"),
        ("family_name", "Ní Bhriain"),
        ("date_of_birth-day", bd.as_str()),
        ("date_of_birth-month", ""),
        ("date_of_birth-year", by.as_str()),
        ("sex", "female"),
        ("postcode", "PE1 1AA"),
        ("local_authority", "Peterborough"),
        ("learning_disability", "true"),
        ("setting", "family_home"),
        ("consent.basis", "parental"),
        ("consent.recorded_on-day", cd.as_str()),
        ("consent.recorded_on-month", cm.as_str()),
        ("consent.recorded_on-year", cy.as_str()),
        ("consent.given_by", "Órla Ní Bhriain"),
        ("consent.relationship", "mother"),
    ];
    // The month left out: refused naming it, nothing saved, the day and year kept in their boxes.
    let (status, body, _) = t.post_form("/people", &fields).await;
    assert_eq!(status, Status::UnprocessableEntity, "{body}");
    assert!(body.contains("with a month"), "{body}");
    assert!(
        body.contains("href=\"#date_of_birth\""),
        "the summary links to the input"
    );
    assert_eq!(
        date_input_value(&body, "date_of_birth"),
        Some(format!("{by}--{:0>2}", bd)),
        "what was typed comes back"
    );
    let (_, list) = t.page("/people").await;
    assert!(list.contains("Nobody matches."), "nothing was saved");

    // Not a real day (31 February): refused as such.
    fields[5] = ("date_of_birth-month", "2");
    fields[4] = ("date_of_birth-day", "31");
    let (status, body, _) = t.post_form("/people", &fields).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("as a real date"), "{body}");

    // All three given, in single digits as people type them: saved as that day.
    fields[4] = ("date_of_birth-day", bd.as_str());
    fields[5] = ("date_of_birth-month", bm.as_str());
    let (status, body, location) = t.post_form("/people", &fields).await;
    assert_eq!(status, Status::SeeOther, "{body}");
    let id = location.unwrap().rsplit('/').next().unwrap().to_string();
    let (_, person) = t.page(&format!("/people/{id}/edit")).await;
    assert_eq!(date_input_value(&person, "date_of_birth"), Some(ymd(born)));

    // The register's "as of" filter reads its three boxes like a form's body: the day before
    // consent, they were not yet on it; on the consent day they were.
    let (d, m, y) = {
        let before = consent - Duration::days(1);
        (before.day(), before.month() as u8, before.year())
    };
    let (s, list) = t
        .page(&format!(
            "/people?as_of-day={d}&as_of-month={m}&as_of-year={y}"
        ))
        .await;
    assert_eq!(s, Status::Ok);
    assert!(list.contains("Nobody matches."), "{list}");
    let (_, list) = t
        .page(&format!(
            "/people?as_of-day={cd}&as_of-month={cm}&as_of-year={cy}"
        ))
        .await;
    assert!(list.contains("Bhriain"), "{list}");
}
