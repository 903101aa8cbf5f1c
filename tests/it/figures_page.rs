//! The Figures page (`/figures`) and its PDF (`/figures.pdf`, `/api/v1/figures.pdf`): charts
//! drawn on the server with the tables of their numbers, small numbers hidden from analysts with
//! a note saying so, a refused range kept in its form, and the same PDF from the page and the API.

use crate::register::{nhs, own, person, today};
use crate::support::*;
use rocket::http::Status;
use tcr::domain::returns::{Period, ReturnKind};
use time::Duration;

/// Three people on the register since well before the last whole month.
async fn three_people(t: &TestApp) {
    let c = t.token_for_role("commissioner").await;
    let registered = today(t) - Duration::days(120);
    let born = registered - Duration::days(30 * 365);
    for n in 0..3 {
        let (s, b) = t
            .post_json(
                "/api/v1/people",
                Some(&c),
                &person(&nhs(700 + n), born, own(registered)),
            )
            .await;
        assert_eq!(s, Status::Created, "{b}");
    }
}

async fn signed_in_as(t: &TestApp, role: &str) {
    let (u, pw) = t.user_with_role(role).await;
    assert_eq!(t.page_login(&u, &pw).await, Status::SeeOther);
}

/// The last cell of the ratings table's last row: everyone on the register that month.
fn on_register_last_month(body: &str) -> String {
    let table = body
        .split("<caption>People on the register by rating, by month</caption>")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .expect("the ratings table");
    let last_row = table.rsplit("<tr>").next().unwrap();
    let cell = last_row.rsplit("<td class=\"numeric\">").next().unwrap();
    cell.split('<').next().unwrap().to_string()
}

#[rocket::async_test]
async fn commissioners_see_exact_figures_as_charts_with_their_tables() {
    let t = TestApp::new().await;
    three_people(&t).await;
    signed_in_as(&t, "commissioner").await;
    let (s, body) = t.page("/figures").await;
    assert_eq!(s, Status::Ok, "{body}");
    assert!(
        body.contains(r#"aria-current="page">Figures</a>"#),
        "in the navigation"
    );
    // Ten sections, each a chart (an image named by its title) and a table.
    assert_eq!(
        body.matches(r#"<svg xmlns="http://www.w3.org/2000/svg" role="img""#)
            .count(),
        10
    );
    assert!(
        body.contains(
            r#"<title id="chart-ratings">Line chart of people on the register by rating"#
        )
    );
    assert!(body.contains("<h2 id=\"by-ethnicity\">By ethnicity</h2>"));
    assert_eq!(on_register_last_month(&body), "3");
    assert!(!body.contains("numbers from 1 to 7 are shown as *"));
    assert!(body.contains(r#"<p class="footer__marking">OFFICIAL-SENSITIVE</p>"#));
    // The page's files: its PDF, and the figures as a spreadsheet and CSV, for its range.
    for format in ["xlsx", "csv"] {
        assert!(
            body.contains(&format!("export?format={format}&amp;from=")),
            "{format}"
        );
    }
    assert!(body.contains("figures.pdf?from="));
    // The range form shows the months chosen: the last twelve whole months.
    let last = Period::latest_ended(ReturnKind::Monthly, today(&t));
    assert!(body.contains(&format!(r#"<option value="{}" selected>"#, last.label())));
    let mut first = last;
    for _ in 1..12 {
        first = first.previous();
    }
    assert!(body.contains(&format!(r#"<option value="{}" selected>"#, first.label())));
}

#[rocket::async_test]
async fn analysts_see_small_numbers_hidden_with_a_note_saying_so() {
    let t = TestApp::new().await;
    three_people(&t).await;
    signed_in_as(&t, "analyst").await;
    let (s, body) = t.page("/figures").await;
    assert_eq!(s, Status::Ok, "{body}");
    assert_eq!(on_register_last_month(&body), "*");
    assert!(
        body.contains("numbers from 1 to 7 are shown as *"),
        "the note"
    );
    assert!(body.contains(r#"<p class="footer__marking">OFFICIAL</p>"#));
    assert!(
        !body.contains("Sam") && !body.contains("Lee"),
        "nobody is named"
    );
}

#[rocket::async_test]
async fn the_page_is_for_commissioners_and_analysts_only() {
    let t = TestApp::new().await;
    let res = t.client.get("/figures").dispatch().await;
    assert_eq!(res.status(), Status::SeeOther);
    signed_in_as(&t, "panel_member").await;
    let (s, _) = t.page("/figures").await;
    assert_eq!(s, Status::Forbidden);
    let (s, _) = t.page("/figures.pdf").await;
    assert_eq!(s, Status::Forbidden);
    let (s, body) = t.page("/").await;
    assert_eq!(s, Status::Ok);
    assert!(
        !body.contains(">Figures</a>"),
        "not in a panel member's navigation"
    );
}

#[rocket::async_test]
async fn a_refused_range_says_why_and_keeps_what_was_chosen() {
    let t = TestApp::new().await;
    signed_in_as(&t, "analyst").await;
    let last = Period::latest_ended(ReturnKind::Monthly, today(&t));
    let (s, body) = t
        .page(&format!(
            "/figures?from={}&to={}",
            last.label(),
            last.previous().label()
        ))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{body}");
    assert!(body.contains("There is a problem"));
    assert!(
        body.contains(r##"<a href="#to">Choose a month on or after the first month</a>"##),
        "{body}"
    );
    assert!(body.contains(&format!(r#"<option value="{}" selected>"#, last.label())));
    assert!(body.contains(&format!(
        r#"<option value="{}" selected>"#,
        last.previous().label()
    )));
    assert!(!body.contains("<svg"), "no figures for a refused range");
}

#[rocket::async_test]
async fn the_pdf_is_the_same_from_the_page_and_the_api_and_its_download_is_audited() {
    let t = TestApp::new().await;
    three_people(&t).await;
    let last = Period::latest_ended(ReturnKind::Monthly, today(&t));
    let range = format!("from={}&to={}", last.previous().label(), last.label());
    let c = t.token_for_role("commissioner").await;
    let (s, content_type, disposition, api) = t
        .download(&format!("/api/v1/figures.pdf?{range}"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(content_type, "application/pdf");
    assert!(
        disposition.contains(&format!(
            "tcr-figures-{}-to-{}.pdf",
            last.previous().label(),
            last.label()
        )),
        "{disposition}"
    );
    assert!(api.starts_with(b"%PDF-"));
    signed_in_as(&t, "commissioner").await;
    let res = t
        .client
        .get(format!("/figures.pdf?{range}"))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let page = res.into_bytes().await.unwrap();
    assert!(page == api, "the same figures give the same bytes");
    // An analyst's PDF hides the small numbers, so it differs.
    let a = t.token_for_role("analyst").await;
    let (s, _, _, hidden) = t
        .download(&format!("/api/v1/figures.pdf?{range}"), Some(&a))
        .await;
    assert_eq!(s, Status::Ok);
    assert!(hidden != api);
    let (s, e) = t.get("/api/v1/figures.pdf?from=2026-13", Some(&a)).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(e["error"]["fields"]["from"].is_array(), "{e}");
    let (_, audit) = t
        .get("/api/v1/audit?per_page=500", Some(&t.admin_token().await))
        .await;
    let reads = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "figures.read")
        .count();
    assert_eq!(
        reads, 3,
        "each PDF is a read, the refused one none: {audit}"
    );
}
