//! Exports: `?format=xlsx` or `csv` on the lists and a return gives the whole filtered list as
//! a file, opened back here cell by cell (types, the marking, the formula guard), with one audit
//! entry each; the analyst's return has no one in it.

use crate::register::{nhs, own, person, today, ymd};
use crate::support::*;
use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use rocket::http::{Header, Status};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use std::io::{Cursor, Read};
use time::{Date, Duration};

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub(crate) fn workbook(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an .xlsx workbook")
}

pub(crate) fn sheet(bytes: &[u8], name: &str) -> Range<Data> {
    workbook(bytes).worksheet_range(name).expect("the sheet")
}

/// A part of the workbook's zip, as text.
pub(crate) fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("text");
    text
}

/// Every part of the workbook inflated, as one text.
pub(crate) fn all_parts(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip");
    let mut text = String::new();
    for i in 0..zip.len() {
        zip.by_index(i)
            .expect("a part")
            .read_to_string(&mut text)
            .expect("text");
    }
    text
}

/// Excel's serial number of a day.
pub(crate) fn serial(d: Date) -> f64 {
    (d - time::macros::date!(1899 - 12 - 30)).whole_days() as f64
}

pub(crate) fn header(r: &Range<Data>) -> Vec<String> {
    (0..r.width())
        .map(|c| r.get((0, c)).map(|d| d.to_string()).unwrap_or_default())
        .collect()
}

/// The column of a header, by its title.
pub(crate) fn col(r: &Range<Data>, title: &str) -> usize {
    header(r)
        .iter()
        .position(|h| h == title)
        .unwrap_or_else(|| panic!("no column {title}: {:?}", header(r)))
}

pub(crate) fn cell(r: &Range<Data>, row: usize, title: &str) -> Data {
    r.get((row, col(r, title))).cloned().unwrap_or(Data::Empty)
}

/// The day of a date cell, as its serial number; panics on any other type.
pub(crate) fn date_serial(d: &Data) -> f64 {
    match d {
        Data::DateTime(dt) => dt.as_f64(),
        other => panic!("not a date cell: {other:?}"),
    }
}

/// The audit entries of an action, newest last.
pub(crate) async fn entries(t: &TestApp, action: &str) -> Vec<Value> {
    tcr::entities::audit_entry::Entity::find()
        .order_by_asc(tcr::entities::audit_entry::Column::Seq)
        .all(&t.app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .map(|e| serde_json::from_str(&e.detail).unwrap_or(Value::Null))
        .collect()
}

async fn add(t: &TestApp, c: &str, n: u32, family: &str, la: &str) -> String {
    // Spaced out: `nhs` takes the first valid number from its argument.
    let mut body = person(
        &nhs(1000 + 20 * n),
        today(t) - Duration::days(365 * 30 + n as i64),
        own(today(t) - Duration::days(10)),
    );
    body["family_name"] = json!(family);
    body["local_authority"] = json!(la);
    let (s, p) = t.post_json("/api/v1/people", Some(c), &body).await;
    assert_eq!(s, Status::Created, "{p}");
    p["id"].as_str().unwrap().to_string()
}

#[rocket::async_test]
async fn the_register_as_a_workbook_cell_by_cell() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    // More than a page (50) in Peterborough, one elsewhere, one withdrawn.
    for n in 0..52 {
        add(&t, &c, 100 + n, &format!("Lee{n:02}"), "Peterborough").await;
    }
    let formula = add(&t, &c, 200, "=1+2", "Peterborough").await;
    add(&t, &c, 201, "Fenland", "Fenland").await;
    let gone = add(&t, &c, 202, "Gone", "Peterborough").await;
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{gone}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(today(&t)), "reason": "Withdrawn"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");

    let path = "/api/v1/people?format=xlsx&local_authority=Peterborough&sort=name&per_page=5";
    let res = t
        .client
        .get(path)
        .header(Header::new("Authorization", format!("Bearer {c}")))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    assert_eq!(res.headers().get_one("Cache-Control"), Some("no-store"));
    let disposition = res.headers().get_one("Content-Disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"tcr-register-"),
        "{disposition}"
    );
    assert!(disposition.ends_with(".xlsx\""), "{disposition}");
    assert_eq!(res.content_type().unwrap().to_string(), XLSX);
    let bytes = res.into_bytes().await.unwrap();

    assert_eq!(workbook(&bytes).sheet_names(), vec!["Register".to_string()]);
    let r = sheet(&bytes, "Register");
    let head = header(&r);
    assert_eq!(
        &head[..4],
        &["NHS number", "Family name", "Given name", "Date of birth"]
    );
    for title in [
        "Age band",
        "Setting",
        "Rating",
        "Next review due",
        "Overdue",
        "Keyworker",
    ] {
        assert!(head.iter().any(|h| h == title), "{title}: {head:?}");
    }
    // The whole filtered list, not the page of 5: the 52, and the one named "=1+2"; neither
    // Fenland nor the withdrawn.
    assert_eq!(r.height(), 1 + 53, "header and 53 rows");
    let families: Vec<String> = (1..r.height())
        .map(|row| cell(&r, row, "Family name").to_string())
        .collect();
    assert!(
        !families.iter().any(|f| f == "Fenland" || f == "Gone"),
        "{families:?}"
    );
    // Sorted by name as asked: "=1+2" sorts first.
    assert_eq!(
        cell(&r, 1, "Family name"),
        Data::String("=1+2".into()),
        "stays text"
    );
    assert_eq!(cell(&r, 2, "Family name"), Data::String("Lee00".into()));
    assert_eq!(
        cell(&r, 2, "NHS number"),
        Data::String(nhs(1000 + 20 * 100))
    );
    assert_eq!(nhs(3000).matches(' ').count(), 2, "3-3-4");
    let born = today(&t) - Duration::days(365 * 30 + 100);
    assert_eq!(date_serial(&cell(&r, 2, "Date of birth")), serial(born));
    assert!(matches!(cell(&r, 2, "Age"), Data::Float(a) if a >= 29.0));
    assert_eq!(cell(&r, 2, "Setting"), Data::String("Family home".into()));
    assert_eq!(cell(&r, 2, "Overdue"), Data::Bool(false));

    // The marking in the page header and footer; the header row frozen, the autofilter.
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains("<oddHeader>&amp;COFFICIAL-SENSITIVE: PERSONAL</oddHeader>"),
        "{xml}"
    );
    assert!(xml.contains("<oddFooter>&amp;COFFICIAL-SENSITIVE: PERSONAL</oddFooter>"));
    assert!(xml.contains("state=\"frozen\""), "frozen header");
    assert!(xml.contains("<autoFilter ref=\"A1:"), "autofilter");
    assert!(!xml.contains("<f>"), "no formula anywhere");
    assert!(!all_parts(&bytes).contains(&formula), "no ids in the file");

    // Audited once, with its filters and row count, no names.
    let audited = entries(&t, "person.export").await;
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0]["rows"], 53);
    assert_eq!(audited[0]["format"], "xlsx");
    assert_eq!(audited[0]["local_authority"], "Peterborough");
    assert!(!audited[0].to_string().contains("Lee"));

    // The records administrator reads withdrawn entries on the list, never in a file.
    let admin = t.admin_token().await;
    let (s, list) = t.get("/api/v1/people?status=withdrawn", Some(&admin)).await;
    assert_eq!((s, list["total"].clone()), (Status::Ok, json!(1)), "{list}");
    let (s, _, _, none) = t
        .download("/api/v1/people?format=xlsx&status=withdrawn", Some(&admin))
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(sheet(&none, "Register").height(), 1, "the header alone");

    // The same data, the same bytes.
    let (_, _, _, again) = t.download(path, Some(&c)).await;
    assert_eq!(again, bytes.to_vec());
}

#[rocket::async_test]
async fn the_register_as_csv_line_by_line() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    add(&t, &c, 300, "=1+2", "Peterborough").await;
    add(&t, &c, 301, "Lee", "Fenland").await;
    let (s, ty, disposition, bytes) = t
        .download(
            "/api/v1/people?format=csv&local_authority=Peterborough",
            Some(&c),
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert!(ty.starts_with("text/csv"), "{ty}");
    assert!(disposition.ends_with(".csv\""), "{disposition}");
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 3, "header, one row, the final CRLF: {text}");
    assert!(lines[0].starts_with("NHS number,Family name,Given name,Date of birth,Age,"));
    let born = today(&t) - Duration::days(365 * 30 + 300);
    assert!(
        lines[1].starts_with(&format!(
            "{},'=1+2,Sam,{},",
            nhs(1000 + 20 * 300),
            ymd(born)
        )),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "");
    assert_eq!(entries(&t, "person.export").await[0]["rows"], 1);
}

#[rocket::async_test]
async fn a_bad_format_is_refused_by_name_and_the_analyst_may_not_export_people() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    for path in [
        "/api/v1/people?format=pdf",
        "/api/v1/reviews?format=xls",
        "/api/v1/actions?format=json",
        "/api/v1/referrals?format=CSV",
    ] {
        let (s, b) = t.get(path, Some(&c)).await;
        assert_eq!(s, Status::UnprocessableEntity, "{path}: {b}");
        assert!(b["error"]["fields"]["format"].is_array(), "{path}: {b}");
    }
    let a = t.token_for_role("analyst").await;
    let (s, _, _, _) = t.download("/api/v1/people?format=xlsx", Some(&a)).await;
    assert_eq!(s, Status::Forbidden);
    assert!(entries(&t, "person.export").await.is_empty());
}

#[rocket::async_test]
async fn a_past_day_as_the_register_stood_then() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    for (n, family, joined) in [(400, "Early", 20), (401, "Late", 2)] {
        let mut body = person(
            &nhs(1000 + 20 * n),
            today(&t) - Duration::days(9000),
            own(today(&t) - Duration::days(joined)),
        );
        body["family_name"] = json!(family);
        body["registered_on"] = json!(ymd(today(&t) - Duration::days(joined)));
        let (s, b) = t.post_json("/api/v1/people", Some(&c), &body).await;
        assert_eq!(s, Status::Created, "{b}");
    }
    let day = today(&t) - Duration::days(10);
    let (s, _, disposition, bytes) = t
        .download(
            &format!("/api/v1/people?format=xlsx&as_of={}", ymd(day)),
            Some(&c),
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert!(
        disposition.contains(&format!("tcr-register-{}.xlsx", ymd(day))),
        "{disposition}"
    );
    let r = sheet(&bytes, "Register");
    assert_eq!(r.height(), 2, "Early alone was on the register then");
    assert_eq!(cell(&r, 1, "Family name"), Data::String("Early".into()));
    assert_eq!(
        entries(&t, "person.export").await[0]["as_of"],
        json!(ymd(day))
    );
}

/// The whole register of a large synthetic register as one workbook (`TCR_EXPORT_PEOPLE`,
/// default 100,000), timed: run by hand, `cargo test --test it -- --ignored at_scale`.
#[rocket::async_test]
#[ignore]
async fn the_whole_register_at_scale() {
    let t = TestApp::new().await;
    let n: usize = std::env::var("TCR_EXPORT_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let day = today(&t);
    let started = std::time::Instant::now();
    tcr::bench::seed_synthetic(&t.db, n, day, 7)
        .await
        .expect("seed");
    tcr::services::people::projection::refresh_stale(
        &t.db,
        &t.app.policies.schedule,
        day,
        1000,
        u64::MAX,
    )
    .await
    .expect("projection");
    eprintln!("seeded {n} in {:?}", started.elapsed());
    let c = t.token_for_role("commissioner").await;
    let (_, list) = t.get("/api/v1/people?per_page=1", Some(&c)).await;
    for format in ["xlsx", "csv"] {
        let started = std::time::Instant::now();
        let (s, _, _, bytes) = t
            .download(&format!("/api/v1/people?format={format}"), Some(&c))
            .await;
        assert_eq!(s, Status::Ok);
        eprintln!("{format}: {} bytes in {:?}", bytes.len(), started.elapsed());
        let rows = match format {
            "xlsx" => sheet(&bytes, "Register").height() as u64 - 1,
            _ => String::from_utf8(bytes).unwrap().matches("\r\n").count() as u64 - 1,
        };
        assert_eq!(json!(rows), list["total"], "every entry of the register");
    }
}
