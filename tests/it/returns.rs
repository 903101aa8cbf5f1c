//! The return figures, worked out from the dated history as at the end of a past period.

use crate::register::{answers, nhs, own, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use serde_json::json;
use tcr::domain::returns::{Period, ReturnKind};
use tcr::services::returns;
use time::{Duration, Weekday};

#[rocket::async_test]
async fn a_past_month_as_it_stood_and_without_withdrawn_people() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    // The last complete month, and days in it.
    let first_of_this = today(&t).replace_day(1).unwrap();
    let last_month = Period::parse(
        ReturnKind::Monthly,
        &format!(
            "{:04}-{:02}",
            (first_of_this - Duration::days(1)).year(),
            (first_of_this - Duration::days(1)).month() as u8
        ),
    )
    .unwrap();
    let in_month = |d: i64| last_month.first + Duration::days(d);
    let born = today(&t) - Duration::days(365 * 30);

    // Ann: registered before the month, red in it, admitted in it.
    let (_, ann) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(1), born, own(last_month.first - Duration::days(40))),
        )
        .await;
    let ann = ann["id"].as_str().unwrap().to_string();
    t.post_json(&format!("/api/v1/people/{ann}/risk-assessments"), Some(&c), &json!({"assessed_on": ymd(last_month.first - Duration::days(30)), "answers": answers(&[])})).await;
    t.post_json(&format!("/api/v1/people/{ann}/risk-assessments"), Some(&c), &json!({"assessed_on": ymd(in_month(2)), "answers": answers(&["mh_unstable", "behaviour_challenges", "harm_to_self_or_others", "admission_last_year", "placement_breakdown", "criminal_justice"])})).await;
    t.post_json(&format!("/api/v1/people/{ann}/admissions"), Some(&c), &json!({"admitted_on": ymd(in_month(5)), "hospital": "Cavell Centre", "security_level": "none", "legal_status": "informal"})).await;
    // Bob: joined in the month, amber.
    let (_, bob) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(2), born, own(in_month(3))),
        )
        .await;
    let bob = bob["id"].as_str().unwrap().to_string();
    t.post_json(&format!("/api/v1/people/{bob}/risk-assessments"), Some(&c), &json!({"assessed_on": ymd(in_month(4)), "answers": answers(&["mh_unstable", "behaviour_challenges", "transition"])})).await;
    // Cal: on the register then, consent withdrawn since: left out of every return.
    let (_, cal) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(3), born, own(last_month.first - Duration::days(10))),
        )
        .await;
    let cal = cal["id"].as_str().unwrap().to_string();
    // Dee: joins after the month.
    t.post_json(
        "/api/v1/people",
        Some(&c),
        &person(&nhs(4), born, own(today(&t))),
    )
    .await;
    // A referral received in the month, still awaiting.
    let referral = json!({"received_on": ymd(in_month(1)), "referrer_name": "GP", "referrer_role": "GP", "referrer_contact": "x",
        "given_name": "Eve", "family_name": "Ray", "date_of_birth": ymd(born), "reason": "Crisis"});
    t.post_json("/api/v1/referrals", Some(&c), &referral).await;

    let (before, _) = returns::compute(&t.app, last_month).await.unwrap();
    assert_eq!(before.counts["on_register"], 3, "{:?}", before.counts);
    t.post_json(
        &format!("/api/v1/people/{cal}/consent/withdraw"),
        Some(&c),
        &json!({"withdrawn_on": ymd(today(&t)), "reason": "Withdrawn"}),
    )
    .await;

    let (f, changes) = returns::compute(&t.app, last_month).await.unwrap();
    let n = |k: &str| f.counts[k];
    assert_eq!(
        n("on_register"),
        2,
        "Cal is left out even of an earlier month now"
    );
    assert_eq!(
        (n("blue"), n("amber"), n("red"), n("green")),
        (1, 1, 0, 0),
        "Ann in hospital at the month's end, Bob amber"
    );
    assert_eq!(
        (n("added"), n("left"), n("admissions"), n("discharges")),
        (1, 0, 1, 0)
    );
    assert_eq!(
        (
            n("referrals_received"),
            n("referrals_awaiting"),
            n("referrals_accepted")
        ),
        (1, 1, 0)
    );
    assert_eq!(f.by_rating_and_band["blue"]["26+"], 1);
    assert_eq!(f.monthly_rows.len(), 2);
    assert_eq!(
        f.monthly_rows[0].rating,
        Some(tcr::domain::risk::Rating::Blue),
        "blue before amber"
    );
    assert_eq!(
        f.monthly_rows[0].change, "up",
        "green at the end of the month before"
    );
    assert_eq!(f.monthly_rows[1].change, "new", "Bob joined in the month");
    assert!(!f.monthly_rows.iter().any(|r| r.nhs_number == nhs(3)));
    // The changes against the month before: Bob joined, Ann went from green to blue and was
    // admitted; Cal, withdrawn, appears nowhere.
    let who = |list: &[returns::Change]| {
        list.iter()
            .map(|c| c.nhs_number.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(who(&changes.joined), [nhs(2)], "Bob");
    assert!(changes.left.is_empty());
    assert_eq!(who(&changes.rating_changes), [nhs(1)], "Ann");
    assert_eq!(changes.rating_changes[0].detail, "green to blue");
    assert_eq!(who(&changes.admissions), [nhs(1)]);
    assert_eq!(
        changes.before["on_register"], 1,
        "only Ann was on it a month before"
    );

    // The weekly inpatient return for the Sunday ending the month's last full week.
    let mut sunday = last_month.last;
    while sunday.weekday() != Weekday::Sunday {
        sunday -= Duration::days(1);
    }
    let week = Period::parse(ReturnKind::Weekly, &ymd(sunday)).unwrap();
    let (w, _) = returns::compute(&t.app, week).await.unwrap();
    let ann_in = sunday >= in_month(5);
    assert_eq!(w.counts["in_hospital"], u64::from(ann_in));
    if ann_in {
        assert_eq!(w.weekly_rows[0].hospital, "Cavell Centre");
        assert_eq!(
            w.weekly_rows[0].length_of_stay_days,
            (sunday - in_month(5)).whole_days()
        );
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The last complete month, as `YYYY-MM`.
fn last_month(t: &TestApp) -> String {
    let d = today(t).replace_day(1).unwrap() - Duration::days(1);
    format!("{:04}-{:02}", d.year(), d.month() as u8)
}

#[rocket::async_test]
async fn generate_download_and_regenerate_byte_identical() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 20);
    let start = today(&t) - Duration::days(120);
    let (s, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(11), born, own(start)),
        )
        .await;
    assert_eq!(s, Status::Created, "{p}");
    let month = last_month(&t);

    let (s, first) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "monthly", "period": month}),
        )
        .await;
    assert_eq!(s, Status::Created, "{first}");
    for key in [
        "on_register",
        "red",
        "amber",
        "green",
        "blue",
        "added",
        "left",
        "admissions",
        "discharges",
        "reviews_held",
        "reviews_overdue",
        "actions_open",
        "actions_overdue",
        "referrals_received",
        "referrals_accepted",
        "referrals_declined",
        "referrals_awaiting",
        "referrals_overdue",
    ] {
        assert!(first["counts"][key].is_u64(), "counts.{key} in {first}");
    }
    assert_eq!(first["counts"]["on_register"], 1);
    assert_eq!(first["kind"], "monthly");
    assert_eq!(first["period"], month);
    assert!(first["as_at"].as_str().unwrap().ends_with(":59:59Z"));
    assert!(first["changes"]["people"]["joined"].is_array(), "{first}");
    let id = first["id"].as_str().unwrap().to_string();

    let (s, kind, disposition, pdf) = t
        .download(&format!("/api/v1/returns/{id}/pdf"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(kind, "application/pdf");
    assert!(disposition.contains(&format!("tcr-monthly-return-{month}.pdf")));
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(sha256_hex(&pdf), first["sha256"].as_str().unwrap());

    let (s, kind, _, csv) = t
        .download(&format!("/api/v1/returns/{id}/csv"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("NHS number,Name,"), "{csv}");
    assert!(csv.contains(&nhs(11)), "{csv}");
    assert_eq!(csv.lines().count(), 2);

    // The same period from unchanged data: a new record, the same bytes.
    t.clock.advance(Duration::minutes(5));
    let (s, again) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "monthly", "period": month}),
        )
        .await;
    assert_eq!(s, Status::Created);
    assert_ne!(again["id"], first["id"]);
    assert_eq!(again["sha256"], first["sha256"]);
    assert_eq!(again["same_as"], first["id"]);
    let (_, _, _, pdf_again) = t
        .download(
            &format!("/api/v1/returns/{}/pdf", again["id"].as_str().unwrap()),
            Some(&c),
        )
        .await;
    assert_eq!(pdf_again, pdf, "byte-identical");

    // A change to the history of that month gives a different return; the stored one stays.
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{}/risk-assessments", p["id"].as_str().unwrap()),
            Some(&c),
            &json!({"assessed_on": ymd(start + Duration::days(1)), "answers": answers(&["mh_unstable"])}),
        )
        .await;
    assert_eq!(s, Status::Created);
    let (_, changed) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "monthly", "period": month}),
        )
        .await;
    assert_ne!(changed["sha256"], first["sha256"]);
    assert!(changed["same_as"].is_null());
    let (_, _, _, pdf_first) = t
        .download(&format!("/api/v1/returns/{id}/pdf"), Some(&c))
        .await;
    assert_eq!(pdf_first, pdf, "a stored return never changes");

    let (s, list) = t.get("/api/v1/returns", Some(&c)).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(list["total"], 3);
    assert_eq!(list["items"][0]["id"], changed["id"], "newest first");

    // Every generation and download is in the audit trail.
    let admin = t.admin_token().await;
    let (_, trail) = t.get("/api/v1/audit?per_page=500", Some(&admin)).await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "return.generated").count(),
        3
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "return.pdf.downloaded")
            .count(),
        3
    );
    assert!(actions.contains(&"return.csv.downloaded"));
}

#[rocket::async_test]
async fn analysts_see_figures_never_the_people() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let analyst = t.token_for_role("analyst").await;
    let member = t.token_for_role("panel_member").await;
    let born = today(&t) - Duration::days(365 * 20);
    t.post_json(
        "/api/v1/people",
        Some(&c),
        &person(
            &nhs(21),
            born,
            own(today(&t).replace_day(1).unwrap() - Duration::days(5)),
        ),
    )
    .await;
    let body = json!({"kind": "monthly", "period": last_month(&t)});
    let (s, _) = t.post_json("/api/v1/returns", Some(&analyst), &body).await;
    assert_eq!(s, Status::Forbidden, "analysts do not generate");
    let (_, r) = t.post_json("/api/v1/returns", Some(&c), &body).await;
    let id = r["id"].as_str().unwrap();

    let (s, list) = t.get("/api/v1/returns", Some(&analyst)).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(list["items"][0]["counts"]["on_register"], 1);
    let (s, one) = t
        .get(&format!("/api/v1/returns/{id}"), Some(&analyst))
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(one["changes"]["joined"], 1);
    assert!(one["changes"].get("people").is_none(), "{one}");
    assert!(!one.to_string().contains(&nhs(21)), "no NHS number: {one}");
    for file in ["pdf", "csv"] {
        let (s, _, _, bytes) = t
            .download(&format!("/api/v1/returns/{id}/{file}"), Some(&analyst))
            .await;
        assert_eq!(s, Status::Forbidden, "{file}");
        assert!(!String::from_utf8_lossy(&bytes).contains(&nhs(21)));
    }
    let (s, _) = t.get("/api/v1/returns", Some(&member)).await;
    assert_eq!(s, Status::Forbidden, "panel members have no returns");
    let (s, one) = t.get(&format!("/api/v1/returns/{id}"), Some(&c)).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(one["changes"]["people"]["joined"][0]["nhs_number"], nhs(21));
}

#[rocket::async_test]
async fn periods_are_checked() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let mut monday = today(&t) - Duration::days(7);
    while monday.weekday() != Weekday::Monday {
        monday -= Duration::days(1);
    }
    let this_month = format!("{:04}-{:02}", today(&t).year(), today(&t).month() as u8);
    let cases = [
        (
            json!({"kind": "weekly", "period": ymd(monday)}),
            "period",
            "Sunday",
        ),
        (
            json!({"kind": "monthly", "period": this_month}),
            "period",
            "not ended",
        ),
        (
            json!({"kind": "monthly", "period": "2026-13"}),
            "period",
            "YYYY-MM",
        ),
        (
            json!({"kind": "monthly", "period": "October"}),
            "period",
            "YYYY-MM",
        ),
        (
            json!({"kind": "yearly", "period": "2026-10"}),
            "kind",
            "monthly or weekly",
        ),
        (json!({"kind": "monthly"}), "period", "Give the period"),
    ];
    for (body, field, words) in cases {
        let (s, e) = t.post_json("/api/v1/returns", Some(&c), &body).await;
        assert_eq!(s, Status::UnprocessableEntity, "{body}: {e}");
        assert_eq!(e["error"]["code"], "validation_failed");
        let message = e["error"]["fields"][field][0].as_str().unwrap_or_default();
        assert!(message.contains(words), "{body}: {e}");
    }
    let (_, list) = t.get("/api/v1/returns", Some(&c)).await;
    assert_eq!(list["total"], 0, "nothing stored");
    let (s, e) = t.get("/api/v1/returns?kind=yearly", Some(&c)).await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    let missing = uuid::Uuid::new_v4();
    for path in ["", "/pdf", "/csv"] {
        let (s, _) = t
            .get(&format!("/api/v1/returns/{missing}{path}"), Some(&c))
            .await;
        assert_eq!(s, Status::NotFound, "{path}");
    }
    // The last Sunday that has ended is accepted, as a weekly return.
    let mut sunday = today(&t) - Duration::days(1);
    while sunday.weekday() != Weekday::Sunday {
        sunday -= Duration::days(1);
    }
    let (s, w) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "weekly", "period": ymd(sunday)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{w}");
    assert_eq!(w["counts"]["in_hospital"], 0);
}

/// A month's return worked out later: edits made since, an 18th birthday in the month, and a
/// discharge on its last day.
#[rocket::async_test]
async fn a_month_as_it_stood_at_its_end() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let first_of_this = today(&t).replace_day(1).unwrap();
    let last = first_of_this - Duration::days(1);
    let month = Period::parse(
        ReturnKind::Monthly,
        &format!("{:04}-{:02}", last.year(), last.month() as u8),
    )
    .unwrap();
    let before_month = month.first - Duration::days(40);

    // Fay turns 18 on the 10th of the month: a child at its start, a young adult at its end.
    let fay_born = (month.first + Duration::days(9))
        .replace_year(month.first.year() - 18)
        .unwrap();
    let (s, fay) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(31), fay_born, own(before_month)),
        )
        .await;
    assert_eq!(s, Status::Created, "{fay}");
    // Gus: admitted before the month, discharged on its last day.
    let born = today(&t) - Duration::days(365 * 30);
    let (_, gus) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(45), born, own(before_month)),
        )
        .await;
    let gus = gus["id"].as_str().unwrap().to_string();
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{gus}/admissions"),
            Some(&c),
            &json!({"admitted_on": ymd(before_month + Duration::days(1)), "hospital": "Cavell Centre", "security_level": "none", "legal_status": "section_3"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let (s, d) = t
        .post_json(
            &format!(
                "/api/v1/admissions/{}/discharge",
                stay["id"].as_str().unwrap()
            ),
            Some(&c),
            &json!({"discharged_on": ymd(month.last), "destination": "Home"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{d}");

    let (f, changes) = returns::compute(&t.app, month).await.unwrap();
    let row = |n: u32| {
        f.monthly_rows
            .iter()
            .find(|r| r.nhs_number == nhs(n))
            .unwrap_or_else(|| panic!("{} not in {:?}", nhs(n), f.monthly_rows))
            .clone()
    };
    assert_eq!(row(31).age_band, "18-25", "Fay at the month's end");
    assert_eq!(f.by_rating_and_band["unrated"]["18-25"], 1);
    assert_eq!(f.by_rating_and_band["unrated"]["0-17"], 0);
    assert_eq!(
        row(45).rating,
        Some(tcr::domain::risk::Rating::Red),
        "red after a discharge, from the day itself"
    );
    assert_eq!(f.counts["discharges"], 1);
    assert_eq!(f.counts["blue"], 0, "not in hospital at 23:59:59 that day");
    assert_eq!(who(&changes.discharges), [nhs(45)]);
    assert_eq!(changes.rating_changes[0].detail, "blue to red");

    // Edits after the month change nothing in it; the month after sees them.
    let fay_id = fay["id"].as_str().unwrap();
    let (s, e) = t
        .patch_json(
            &format!("/api/v1/people/{fay_id}"),
            Some(&c),
            &json!({"family_name": "Ó Súilleabháin", "keyworker": "Łukasz Nowak", "setting": "residential_school"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{e}");
    let (again, _) = returns::compute(&t.app, month).await.unwrap();
    assert_eq!(again, f, "the same figures and rows as before the edit");
    assert_eq!(row(31).name, "Sam Lee");
    assert_eq!(row(31).keyworker, None);
    let (s, r) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "monthly", "period": month.label()}),
        )
        .await;
    assert_eq!(s, Status::Created, "{r}");
    let (_, _, _, csv) = t
        .download(
            &format!("/api/v1/returns/{}/csv", r["id"].as_str().unwrap()),
            Some(&c),
        )
        .await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("Sam Lee") && !csv.contains("Súilleabháin"),
        "{csv}"
    );
}

fn who(list: &[returns::Change]) -> Vec<String> {
    list.iter().map(|c| c.nhs_number.clone()).collect()
}

/// The Returns page: generate through the form, see the figures, download with the session;
/// an analyst sees the figures and is refused the files.
#[rocket::async_test]
async fn the_returns_page() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 20);
    t.post_json(
        "/api/v1/people",
        Some(&c),
        &person(
            &nhs(51),
            born,
            own(today(&t).replace_day(1).unwrap() - Duration::days(3)),
        ),
    )
    .await;
    let (user, password) = t.user_with_role("commissioner").await;
    assert_eq!(t.page_login(&user, &password).await, Status::SeeOther);
    let (s, page) = t.page("/returns").await;
    assert_eq!(s, Status::Ok);
    assert!(
        page.contains(&format!("value=\"{}\"", last_month(&t))),
        "the latest month is offered"
    );
    let csrf = extract_csrf(&page).unwrap();

    let mut monday = today(&t) - Duration::days(7);
    while monday.weekday() != Weekday::Monday {
        monday -= Duration::days(1);
    }
    let (s, body, _) = t
        .post_form(
            "/returns",
            &[
                ("csrf_token", &csrf),
                ("kind", "weekly"),
                ("period", &ymd(monday)),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(
        body.contains("give a Sunday&#x27;s date") || body.contains("give a Sunday's date"),
        "{body}"
    );
    assert!(
        body.contains("href=\"#weekly-period\""),
        "the summary links to the field"
    );

    let (s, _, location) = t
        .post_form(
            "/returns",
            &[
                ("csrf_token", &csrf),
                ("kind", "monthly"),
                ("period", &last_month(&t)),
            ],
        )
        .await;
    assert_eq!(s, Status::SeeOther);
    let location = location.unwrap();
    let (s, page) = t.page(&location).await;
    assert_eq!(s, Status::Ok);
    assert!(
        page.contains("Joined (1)") && page.contains(&nhs(51)),
        "{page}"
    );
    let (s, kind, _, pdf) = t.download(&format!("{location}/pdf"), None).await;
    assert_eq!((s, kind.as_str()), (Status::Ok, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));

    let (user, password) = t.user_with_role("analyst").await;
    assert_eq!(t.page_login(&user, &password).await, Status::SeeOther);
    let (s, page) = t.page(&location).await;
    assert_eq!(s, Status::Ok);
    assert!(
        page.contains("Joined: 1") && !page.contains(&nhs(51)),
        "{page}"
    );
    assert!(!page.contains("Download the PDF"));
    let (s, _, _, _) = t.download(&format!("{location}/pdf"), None).await;
    assert_eq!(s, Status::Forbidden);
}

/// A step-down in security recorded after a week leaves that week's inpatient return as it was.
#[rocket::async_test]
async fn a_week_as_it_stood_after_a_change_to_the_stay() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let mut sunday = today(&t) - Duration::days(1);
    while sunday.weekday() != Weekday::Sunday {
        sunday -= Duration::days(1);
    }
    let born = today(&t) - Duration::days(365 * 30);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(61), born, own(sunday - Duration::days(60))),
        )
        .await;
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{}/admissions", p["id"].as_str().unwrap()),
            Some(&c),
            &json!({"admitted_on": ymd(sunday - Duration::days(20)), "hospital": "Cavell Centre",
                    "security_level": "medium", "legal_status": "section_3"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let week = Period::parse(ReturnKind::Weekly, &ymd(sunday)).unwrap();
    let (before, _) = returns::compute(&t.app, week).await.unwrap();
    assert_eq!(before.weekly_rows[0].security_level, "medium");
    assert_eq!(before.weekly_rows[0].length_of_stay_days, 20);

    let (s, e) = t
        .patch_json(
            &format!("/api/v1/admissions/{}", stay["id"].as_str().unwrap()),
            Some(&c),
            &json!({"security_level": "none", "legal_status": "informal", "planned_discharge_on": ymd(today(&t) + Duration::days(30))}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{e}");
    let (after, _) = returns::compute(&t.app, week).await.unwrap();
    assert_eq!(after, before, "the week as it stood");
    assert_eq!(after.weekly_rows[0].legal_status, "section_3");
    assert_eq!(after.weekly_rows[0].planned_discharge_on, None);
}
