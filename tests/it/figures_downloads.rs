//! Figures over time as files (`GET /api/v1/figures?format=`, `GET /figures/export`): one long
//! table a row per month × figure × group, exact for the commissioner, for the analyst 1 to 7
//! as "*" and the rest rounded to the nearest 5 (so a hidden part of a breakdown cannot be found
//! by subtraction), the page's download the API's bytes, each download audited as a read with
//! its format.

use crate::export::{XLSX, cell, date_serial, entries, serial, sheet};
use crate::register::{nhs, own, person, today};
use crate::support::*;
use calamine::{Data, Range};
use rocket::http::Status;
use serde_json::json;
use tcr::domain::returns::{Period, ReturnKind};
use time::Duration;

/// Twelve people on the register through the last whole month, one of them a woman; the month.
async fn twelve(t: &TestApp, c: &str) -> Period {
    let last = Period::latest_ended(ReturnKind::Monthly, today(t));
    let registered = last.first - Duration::days(30);
    for n in 0..12u32 {
        let born = today(t) - Duration::days(365 * 30 + n as i64);
        let mut body = person(&nhs(3000 + 20 * n), born, own(registered));
        if n == 0 {
            body["sex"] = json!("female");
        }
        let (s, b) = t.post_json("/api/v1/people", Some(c), &body).await;
        assert_eq!(s, Status::Created, "{b}");
    }
    last
}

/// The CSV's rows as fields (no field here holds a comma or quote).
fn rows(csv: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8(csv.to_vec()).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "CRLF line ends");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

/// The CSV value of `figure` by `breakdown` for `group`.
fn csv_value(rows: &[Vec<String>], figure: &str, breakdown: &str, group: &str) -> String {
    rows.iter()
        .find(|r| r[2] == figure && r[4] == breakdown && r[5] == group)
        .unwrap_or_else(|| panic!("no row {figure} {breakdown} {group}"))[7]
        .clone()
}

/// The workbook's value of `figure` by `breakdown` for `group`, and its row.
fn xlsx_value(r: &Range<Data>, figure: &str, breakdown: &str, group: &str) -> (Data, usize) {
    let text = |row: usize, title: &str| cell(r, row, title).to_string();
    let row = (1..r.height())
        .find(|&i| {
            text(i, "figure") == figure
                && text(i, "breakdown") == breakdown
                && text(i, "group") == group
        })
        .unwrap_or_else(|| panic!("no row {figure} {breakdown} {group}"));
    (cell(r, row, "value"), row)
}

/// The reads of the figures as files (audited as reads, with their format).
async fn downloads(t: &TestApp) -> Vec<serde_json::Value> {
    let reads = entries(t, "figures.read").await;
    reads
        .into_iter()
        .filter(|e| e["format"] != "json")
        .collect()
}

/// The workbook's notes, as one text.
fn notes(book: &[u8]) -> String {
    let notes = sheet(book, "Notes");
    notes.rows().flatten().map(|d| d.to_string()).collect()
}

#[rocket::async_test]
async fn exact_for_the_commissioner_rounded_for_the_analyst() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let analyst = t.token_for_role("analyst").await;
    let m = twelve(&t, &c).await;
    let path = |format: &str| {
        format!(
            "/api/v1/figures?from={}&to={}&format={format}",
            m.label(),
            m.label()
        )
    };
    let name = format!("tcr-figures-{0}-to-{0}", m.label());

    // The commissioner: exact numbers, as CSV and as a workbook.
    let (s, ty, disposition, csv) = t.download(&path("csv"), Some(&c)).await;
    assert_eq!(s, Status::Ok);
    assert!(ty.starts_with("text/csv"), "{ty}");
    assert!(
        disposition.contains(&format!("{name}.csv")),
        "{disposition}"
    );
    let exact = rows(&csv);
    assert_eq!(
        exact[0].join(","),
        "month,as_at,figure,figure_name,breakdown,group,group_name,value"
    );
    assert_eq!(
        exact[1][..4],
        [
            m.label(),
            m.last.to_string(),
            "on_register".into(),
            "People on the register".into()
        ]
    );
    let (s, ty, disposition, book) = t.download(&path("xlsx"), Some(&c)).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(ty, XLSX);
    assert!(
        disposition.contains(&format!("{name}.xlsx")),
        "{disposition}"
    );
    let r = sheet(&book, "Figures");
    assert_eq!(r.height(), exact.len(), "the same rows as the CSV");
    let (value, row) = xlsx_value(&r, "on_register", "all", "all");
    assert_eq!(value, Data::Float(12.0));
    assert_eq!(date_serial(&cell(&r, row, "as_at")), serial(m.last));
    let (female, _) = xlsx_value(&r, "on_register", "sex", "female");
    assert_eq!(female, Data::Float(1.0));
    let said = notes(&book);
    assert!(
        said.contains("exact") && !said.contains("rounded"),
        "{said}"
    );

    // The analyst's, the same rows.
    let (s, _, disposition, csv) = t.download(&path("csv"), Some(&analyst)).await;
    assert_eq!(s, Status::Ok);
    assert!(
        disposition.contains(&format!("{name}.csv")),
        "{disposition}"
    );
    let rounded = rows(&csv);
    assert_eq!(rounded.len(), exact.len());
    // (figure, breakdown, group, the commissioner's, the analyst's): 1 as "*", 11 and 12 as 10,
    // so 10 - 10 leaves nothing to find; a share of nobody empty.
    for (figure, breakdown, group, exactly, as_rounded) in [
        ("on_register", "all", "all", "12", "10"),
        ("on_register", "rating", "unrated", "12", "10"),
        ("on_register", "sex", "female", "1", "*"),
        ("on_register", "sex", "male", "11", "10"),
        ("on_register", "local_authority", "Peterborough", "12", "10"),
        ("admissions", "all", "all", "0", "0"),
        ("admissions_reviewed_before_percent", "all", "all", "", ""),
    ] {
        let at = |rows| csv_value(rows, figure, breakdown, group);
        assert_eq!(at(&exact), exactly, "{figure} {breakdown} {group}");
        assert_eq!(at(&rounded), as_rounded, "{figure} {breakdown} {group}");
    }
    let (_, _, _, book) = t.download(&path("xlsx"), Some(&analyst)).await;
    let r = sheet(&book, "Figures");
    assert_eq!(
        xlsx_value(&r, "on_register", "sex", "female").0,
        Data::String("*".into())
    );
    assert_eq!(
        xlsx_value(&r, "on_register", "all", "all").0,
        Data::Float(10.0)
    );
    let said = notes(&book);
    assert!(said.contains("rounded to the nearest 5"), "{said}");

    // The JSON says the same, and that it is rounded.
    let (s, body) = t
        .get(
            &format!("/api/v1/figures?from={0}&to={0}", m.label()),
            Some(&analyst),
        )
        .await;
    assert_eq!(s, Status::Ok, "{body}");
    assert_eq!(
        (&body["suppressed"], &body["rounded"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(body["months"][0]["counts"]["on_register"], 10);
    assert_eq!(body["months"][0]["breakdowns"]["sex"]["female"], "*");

    // Each download one entry, a read with its format; the JSON's says so too.
    let exported = downloads(&t).await;
    assert_eq!(exported.len(), 4, "{exported:?}");
    assert_eq!(entries(&t, "figures.read").await.len(), 5);
    assert_eq!(exported[0]["format"], "csv");
    assert_eq!(exported[0]["from"], m.label());
    assert_eq!(exported[0]["suppressed"], false);
    assert_eq!(exported[3]["format"], "xlsx");
    assert_eq!(exported[3]["suppressed"], true);
}

#[rocket::async_test]
async fn refused_to_panel_members_and_a_bad_format_named() {
    let t = TestApp::new().await;
    let chair = t.token_for_role("panel_chair").await;
    let analyst = t.token_for_role("analyst").await;
    let (s, _, _, _) = t.download("/api/v1/figures?format=csv", Some(&chair)).await;
    assert_eq!(s, Status::Forbidden);
    let (s, e) = t.get("/api/v1/figures?format=pdf", Some(&analyst)).await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(e["error"]["fields"]["format"].is_array(), "{e}");
    let (s, e) = t
        .get("/api/v1/figures?format=csv&from=2026-13", Some(&analyst))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(e["error"]["fields"]["from"].is_array(), "{e}");
    assert!(downloads(&t).await.is_empty());
}

#[rocket::async_test]
async fn the_page_gives_the_apis_bytes_after_sign_in() {
    let t = TestApp::new().await;
    let (u, p) = t.user_with_role("commissioner").await;
    let c = t.login(&u, &p).await;
    let m = twelve(&t, &c).await;
    let range = format!("from={}&to={}", m.previous().label(), m.label());
    let (s, _) = t.page(&format!("/figures/export?format=csv&{range}")).await;
    assert_eq!(s, Status::SeeOther, "signed out: to sign in");
    assert_eq!(t.page_login(&u, &p).await, Status::SeeOther);
    for format in ["csv", "xlsx"] {
        let page = t
            .download(&format!("/figures/export?format={format}&{range}"), None)
            .await;
        let api = t
            .download(
                &format!("/api/v1/figures?format={format}&{range}"),
                Some(&c),
            )
            .await;
        assert_eq!(page.0, Status::Ok, "{format}");
        assert_eq!((&page.1, &page.2), (&api.1, &api.2), "{format}");
        assert_eq!(page.3, api.3, "{format}: the same bytes");
    }
    let (s, _) = t.page(&format!("/figures/export?{range}")).await;
    assert_eq!(s, Status::UnprocessableEntity, "no format");
}
