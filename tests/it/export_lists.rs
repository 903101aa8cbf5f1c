//! Exports of the reviews, the actions tracker, the referrals and a return, opened back cell by
//! cell; the analyst's return carries the counts alone.

use crate::export::{all_parts, cell, date_serial, entries, header, part, serial, sheet, workbook};
use crate::register::{nhs, own, person, today, ymd};
use crate::support::*;
use crate::worklists::with_actions;
use calamine::{Data, Reader};
use rocket::http::Status;
use serde_json::json;
use time::Duration;

#[rocket::async_test]
async fn reviews_and_actions_with_the_lists_own_overdue() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    with_actions(
        &t,
        &c,
        400,
        ("Ann", "Able"),
        &[("Social worker", -2), ("GP", 5)],
    )
    .await;
    with_actions(
        &t,
        &c,
        401,
        ("Bo", "=cmd|' /C calc'!A0"),
        &[("@Keyworker", -1)],
    )
    .await;

    // Actions, overdue only: the two past their day, soonest first, WHEN a date.
    let (s, ty, _, bytes) = t
        .download(
            "/api/v1/actions?format=xlsx&overdue=true&per_page=1",
            Some(&c),
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert!(ty.contains("spreadsheetml"), "{ty}");
    let r = sheet(&bytes, "Actions");
    assert_eq!(
        &header(&r)[..7],
        &["Person", "Review", "WHO", "WHAT", "WHEN", "HOW", "Status"]
    );
    assert_eq!(r.height(), 3, "header and the two overdue, not one page");
    assert_eq!(cell(&r, 1, "Person"), Data::String("Ann Able".into()));
    assert_eq!(cell(&r, 1, "WHO"), Data::String("Social worker".into()));
    assert_eq!(
        date_serial(&cell(&r, 1, "WHEN")),
        serial(today(&t) - Duration::days(2))
    );
    assert_eq!(cell(&r, 1, "Overdue"), Data::Bool(true));
    assert_eq!(
        cell(&r, 2, "WHO"),
        Data::String("@Keyworker".into()),
        "stays text"
    );
    assert_eq!(
        cell(&r, 2, "Person"),
        Data::String("Bo =cmd|' /C calc'!A0".into())
    );
    // The same answer as the list's.
    let (_, list) = t.get("/api/v1/actions?overdue=true", Some(&c)).await;
    assert_eq!(list["total"], 2, "{list}");
    let audited = entries(&t, "action.export").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(
        (audited[0]["rows"].clone(), audited[0]["overdue"].clone()),
        (json!(2), json!(true))
    );

    // Actions as CSV: the owner beginning `@` guarded.
    let (_, _, _, csv) = t.download("/api/v1/actions?format=csv", Some(&c)).await;
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 5, "header, three actions, final CRLF: {text}");
    assert!(lines[0].starts_with("Person,Review,WHO,WHAT,WHEN,HOW,Status,Overdue"));
    assert!(lines[2].contains(",'@Keyworker,"), "{}", lines[2]);
    assert!(lines[1].contains(&format!(",{},", ymd(today(&t) - Duration::days(2)))));

    // Reviews: both held, a child's review a CETR, held on a date.
    let (s, _, _, bytes) = t
        .download("/api/v1/reviews?format=xlsx&status=held", Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    let r = sheet(&bytes, "Reviews");
    assert_eq!(&header(&r)[..4], &["Person", "Type", "Kind", "Status"]);
    assert_eq!(r.height(), 3);
    assert_eq!(cell(&r, 1, "Type"), Data::String("CETR".into()));
    assert_eq!(cell(&r, 1, "Status"), Data::String("held".into()));
    assert_eq!(
        date_serial(&cell(&r, 1, "Held on")),
        serial(today(&t) - Duration::days(2))
    );
    assert!(matches!(cell(&r, 1, "Chair"), Data::String(_)));
    let (s, _, _, none) = t
        .download("/api/v1/reviews?format=xlsx&status=cancelled", Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(sheet(&none, "Reviews").height(), 1, "the header alone");
    assert_eq!(entries(&t, "review.export").await[1]["rows"], 0);
}

#[rocket::async_test]
async fn referrals_filtered() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 12);
    for (days_ago, family) in [(40, "Late"), (3, "Recent")] {
        let body = json!({
            "received_on": ymd(today(&t) - Duration::days(days_ago)),
            "referrer_name": "Dr Priya Shah", "referrer_role": "GP", "referrer_contact": "x",
            "given_name": "Sam", "family_name": family, "date_of_birth": ymd(born),
            "reason": "Crisis", "mdt_held_on": null, "answers": null,
        });
        let (s, b) = t.post_json("/api/v1/referrals", Some(&c), &body).await;
        assert_eq!(s, Status::Created, "{b}");
    }
    let (s, _, _, bytes) = t
        .download("/api/v1/referrals?format=xlsx&overdue=true", Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    let r = sheet(&bytes, "Referrals");
    assert_eq!(header(&r)[0], "Received");
    assert_eq!(r.height(), 2, "the overdue one alone");
    assert_eq!(cell(&r, 1, "Family name"), Data::String("Late".into()));
    assert_eq!(
        date_serial(&cell(&r, 1, "Received")),
        serial(today(&t) - Duration::days(40))
    );
    assert_eq!(date_serial(&cell(&r, 1, "Date of birth")), serial(born));
    assert_eq!(cell(&r, 1, "Overdue"), Data::Bool(true));
    assert_eq!(entries(&t, "referral.export").await[0]["rows"], 1);
}

#[rocket::async_test]
async fn a_monthly_return_summary_and_rows_and_the_analysts_counts_alone() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 20);
    let mut body = person(&nhs(500), born, own(today(&t) - Duration::days(120)));
    body["family_name"] = json!("Zeta");
    let (s, p) = t.post_json("/api/v1/people", Some(&c), &body).await;
    assert_eq!(s, Status::Created, "{p}");
    let d = today(&t).replace_day(1).unwrap() - Duration::days(1);
    let month = format!("{:04}-{:02}", d.year(), d.month() as u8);
    let (s, made) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "monthly", "period": month}),
        )
        .await;
    assert_eq!(s, Status::Created, "{made}");
    let id = made["id"].as_str().unwrap();

    let (s, _, disposition, bytes) = t
        .download(&format!("/api/v1/returns/{id}?format=xlsx"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    assert!(
        disposition.contains(&format!("tcr-monthly-return-{month}.xlsx")),
        "{disposition}"
    );
    assert_eq!(workbook(&bytes).sheet_names(), vec!["Summary", "Rows"]);
    let summary = sheet(&bytes, "Summary");
    assert_eq!(header(&summary), ["Figure", "Number"]);
    assert_eq!(
        summary.get((1, 0)),
        Some(&Data::String("On the register".into()))
    );
    assert_eq!(summary.get((1, 1)), Some(&Data::Float(1.0)));
    let rows = sheet(&bytes, "Rows");
    assert_eq!(rows.height(), 2);
    assert_eq!(cell(&rows, 1, "NHS number"), Data::String(nhs(500)));
    assert_eq!(cell(&rows, 1, "Open actions"), Data::Float(0.0));
    for n in [1, 2] {
        let xml = part(&bytes, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            xml.contains("OFFICIAL-SENSITIVE: PERSONAL</oddHeader>"),
            "sheet {n}"
        );
        assert!(
            xml.contains("OFFICIAL-SENSITIVE: PERSONAL</oddFooter>"),
            "sheet {n}"
        );
    }
    // Its CSV is the return's own CSV.
    let (_, _, _, csv) = t
        .download(&format!("/api/v1/returns/{id}?format=csv"), Some(&c))
        .await;
    let (_, _, _, own_csv) = t
        .download(&format!("/api/v1/returns/{id}/csv"), Some(&c))
        .await;
    assert_eq!(csv, own_csv);
    let audited = entries(&t, "return.export").await;
    assert_eq!(audited[0]["rows"], 1);
    assert_eq!(audited[0]["identifiable"], true);

    // The analyst: the summary alone, no one identifiable anywhere in the file.
    let a = t.token_for_role("analyst").await;
    let (s, _, _, bytes) = t
        .download(&format!("/api/v1/returns/{id}?format=xlsx"), Some(&a))
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(workbook(&bytes).sheet_names(), vec!["Summary"]);
    let everything = all_parts(&bytes);
    for secret in [
        nhs(500),
        nhs(500).replace(' ', ""),
        "Zeta".into(),
        "Sam".into(),
    ] {
        assert!(
            !everything.contains(&secret),
            "{secret} in the analyst's file"
        );
    }
    let (s, _, _, csv) = t
        .download(&format!("/api/v1/returns/{id}?format=csv"), Some(&a))
        .await;
    assert_eq!(s, Status::Ok);
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.starts_with("Figure,Number\r\nOn the register,1\r\n"),
        "{text}"
    );
    assert!(!text.contains("Zeta") && !text.contains(&nhs(500)));
    let audited = entries(&t, "return.export").await;
    assert_eq!(audited[2]["identifiable"], false);
}

#[rocket::async_test]
async fn the_pages_link_to_their_lists_as_files_with_their_filters() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("commissioner").await;
    let c = t.login(&u, &p).await;
    for (n, la) in [(600, "Peterborough"), (620, "Fenland")] {
        let mut body = person(&nhs(n), today(&t) - Duration::days(9000), own(today(&t)));
        body["local_authority"] = json!(la);
        let (s, b) = t.post_json("/api/v1/people", Some(&c), &body).await;
        assert_eq!(s, Status::Created, "{b}");
    }
    assert_eq!(t.page_login(&u, &p).await, Status::SeeOther);
    // As a browser reads the links (Tera escapes `/` and `&`).
    let unescaped = |html: String| html.replace("&#x2F;", "/").replace("&amp;", "&");
    let (s, html) = t.page("/people?local_authority=Fenland&sort=name").await;
    assert_eq!(s, Status::Ok);
    let html = unescaped(html);
    assert!(html.contains("Download as spreadsheet (.xlsx)"), "{html}");
    assert!(
        html.contains("/people/export?format=xlsx&local_authority=Fenland&sort=name"),
        "{html}"
    );
    assert!(html.contains("/people/export?format=csv&local_authority=Fenland"));
    let (s, ty, _, bytes) = t
        .download(
            "/people/export?format=xlsx&local_authority=Fenland&sort=name",
            None,
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert!(ty.contains("spreadsheetml"), "{ty}");
    let r = sheet(&bytes, "Register");
    assert_eq!(r.height(), 2, "the Fenland one alone");
    assert_eq!(
        cell(&r, 1, "Local authority"),
        Data::String("Fenland".into())
    );
    let (s, _) = t.page("/people/export?local_authority=Fenland").await;
    assert_eq!(s, Status::UnprocessableEntity, "no format");
    for (page, link) in [
        (
            "/actions?overdue=true",
            "/actions/export?format=csv&overdue=true",
        ),
        ("/reviews", "/reviews/export?format=xlsx"),
        (
            "/referrals?section=decided",
            "/referrals/export?format=xlsx&section=decided",
        ),
    ] {
        let (s, html) = t.page(page).await;
        assert_eq!(s, Status::Ok, "{page}");
        let html = unescaped(html);
        assert!(html.contains(link), "{page}: {html}");
        assert!(html.contains("Download as CSV"), "{page}");
    }
    let (s, _, _, csv) = t.download("/referrals/export?format=csv", None).await;
    assert_eq!(s, Status::Ok);
    assert!(
        String::from_utf8(csv)
            .unwrap()
            .starts_with("Received,Family name,")
    );
}

#[rocket::async_test]
async fn a_weekly_return_its_inpatients_as_rows() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let mut sunday = today(&t) - Duration::days(1);
    while sunday.weekday() != time::Weekday::Sunday {
        sunday -= Duration::days(1);
    }
    let born = today(&t) - Duration::days(365 * 30);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(700), born, own(sunday - Duration::days(60))),
        )
        .await;
    let admitted = sunday - Duration::days(20);
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{}/admissions", p["id"].as_str().unwrap()),
            Some(&c),
            &json!({"admitted_on": ymd(admitted), "hospital": "Cavell Centre",
                    "security_level": "medium", "legal_status": "section_3"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let (s, made) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "weekly", "period": ymd(sunday)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{made}");
    let id = made["id"].as_str().unwrap();
    let (s, _, _, bytes) = t
        .download(&format!("/api/v1/returns/{id}?format=xlsx"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(workbook(&bytes).sheet_names(), vec!["Summary", "Rows"]);
    let summary = sheet(&bytes, "Summary");
    assert_eq!(
        summary.get((1, 0)),
        Some(&Data::String("In hospital".into()))
    );
    assert_eq!(summary.get((1, 1)), Some(&Data::Float(1.0)));
    let rows = sheet(&bytes, "Rows");
    assert_eq!(rows.height(), 2);
    assert_eq!(date_serial(&cell(&rows, 1, "Admitted")), serial(admitted));
    assert_eq!(cell(&rows, 1, "Length of stay (days)"), Data::Float(20.0));
    assert_eq!(cell(&rows, 1, "De-identified"), Data::Bool(false));
    assert_eq!(
        cell(&rows, 1, "Hospital"),
        Data::String("Cavell Centre".into())
    );
}
