//! Bringing a register in from a spreadsheet, through the Import page: a real `.xlsx` (written
//! with the same writer a spreadsheet program's format comes from) with the headers registers
//! really use, mapped, previewed row by row, committed in one transaction; a refused consent, a
//! possible duplicate, an idempotent second import, a preview gone stale, and a commit that fails
//! halfway and leaves nothing behind.

use crate::register::{nhs, own, person, today, ymd};
use crate::support::*;
use rocket::http::{ContentType, Status};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tcr::entities::{audit_entry, person as person_entity, rating_event};
use tcr::services::Actor;
use tcr::services::import::{self, Outcome};
use time::{Date, Duration};

/// One cell of a test sheet.
enum C {
    S(&'static str),
    T(String),
    N(f64),
    D(Date),
    B(bool),
    E,
}

/// A workbook of one sheet, `Register`, with these rows (the first the headers).
fn workbook(rows: &[Vec<C>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Register").unwrap();
    let uk = Format::new().set_num_format("dd/mm/yyyy");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                C::S(s) => {
                    sheet.write_string(r, c, *s).unwrap();
                }
                C::T(s) => {
                    sheet.write_string(r, c, s).unwrap();
                }
                C::N(n) => {
                    sheet.write_number(r, c, *n).unwrap();
                }
                C::D(d) => {
                    let when =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day()).unwrap();
                    sheet.write_datetime_with_format(r, c, &when, &uk).unwrap();
                }
                C::B(b) => {
                    sheet.write_boolean(r, c, *b).unwrap();
                }
                C::E => {}
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// Uploads a file through the Import page; the import's id when it was read.
async fn upload(t: &TestApp, name: &str, bytes: &[u8]) -> (Status, String, Option<String>) {
    let (_, page) = t.page("/import").await;
    let csrf = extract_csrf(&page).expect("csrf on the import page");
    let b = "tcr-test-boundary-7f3a";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"sheet\"\r\n\r\n\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let res = t
        .client
        .post("/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", b)))
        .body(body)
        .dispatch()
        .await;
    let status = res.status();
    let id = res
        .headers()
        .get_one("Location")
        .and_then(|l| l.strip_prefix("/import/"))
        .map(String::from);
    (status, res.into_string().await.unwrap_or_default(), id)
}

async fn commissioner(t: &TestApp) -> String {
    let (user, password) = t.user_with_role("commissioner").await;
    assert_eq!(t.page_login(&user, &password).await, Status::SeeOther);
    t.login(&user, &password).await
}

/// Each row's outcome as `(line, outcome)`, in order.
async fn outcomes(t: &TestApp, id: &str) -> Vec<(i32, String, Vec<String>, Vec<String>)> {
    let (rows, _) = import::row_page(&t.app, id, None, 1, 1000).await.unwrap();
    rows.into_iter()
        .map(|r| (r.line, r.outcome.to_string(), r.reasons, r.changes))
        .collect()
}

async fn commit(t: &TestApp, id: &str) -> (Status, String) {
    let (_, page) = t.page(&format!("/import/{id}")).await;
    let csrf = extract_csrf(&page).expect("csrf on the preview");
    let (s, body, _) = t
        .post_form(&format!("/import/{id}/commit"), &[("csrf_token", &csrf)])
        .await;
    (s, body)
}

async fn people(t: &TestApp) -> u64 {
    person_entity::Entity::find().count(&t.db).await.unwrap()
}

async fn entry(t: &TestApp, n: &str) -> Option<person_entity::Model> {
    person_entity::Entity::find()
        .filter(person_entity::Column::NhsNumber.eq(n.replace(' ', "")))
        .one(&t.db)
        .await
        .unwrap()
}

const HEADERS: [&str; 17] = [
    "NHS No.",
    "Forename",
    "Surname",
    "DOB",
    "Gender",
    "Post code",
    "LA",
    "LD",
    "Autism",
    "EHCP",
    "Placement",
    "Keyworker",
    "Consent",
    "Consent date",
    "RAG",
    "RAG date",
    "Admission date",
];

fn header_row() -> Vec<C> {
    HEADERS.iter().map(|h| C::S(h)).collect()
}

/// A row of an adult consenting themselves, rated `rag` on `rated`.
fn adult_row(t: &TestApp, n: u32, given: &'static str, rag: &'static str) -> Vec<C> {
    let d = today(t);
    vec![
        C::N(nhs(n).replace(' ', "").parse().unwrap()),
        C::S(given),
        C::S("Lee"),
        C::D(d - Duration::days(365 * 30)),
        C::S("F"),
        C::S("PE1 1AA"),
        C::S("Peterborough"),
        C::S("Y"),
        C::B(false),
        C::S("no"),
        C::S("Supported living"),
        C::S("Kim Keyworker"),
        C::S("Self"),
        C::D(d - Duration::days(60)),
        C::S(rag),
        C::T(format!(
            "{:02}/{:02}/{}",
            (d - Duration::days(30)).day(),
            (d - Duration::days(30)).month() as u8,
            (d - Duration::days(30)).year()
        )),
        C::E,
    ]
}

#[rocket::async_test]
async fn a_mapped_workbook_shows_every_outcome_and_commits_in_one_go() {
    let t = TestApp::new().await;
    let token = commissioner(&t).await;
    let d = today(&t);
    // Already on the register: one the sheet updates, one whose name and birth it shares.
    let mut known = person(
        &nhs(7),
        d - Duration::days(365 * 30),
        own(d - Duration::days(60)),
    );
    known["given_name"] = json!("Una");
    known["family_name"] = json!("Lee");
    known["setting"] = json!("supported_living");
    known["sex"] = json!("female");
    known["autism"] = json!(false);
    known["ehcp"] = json!(false);
    let (s, _) = t.post_json("/api/v1/people", Some(&token), &known).await;
    assert_eq!(s, Status::Created);
    let mut twin = person(
        &nhs(8),
        d - Duration::days(365 * 40),
        own(d - Duration::days(60)),
    );
    twin["given_name"] = json!("Dee");
    twin["family_name"] = json!("Lee");
    let (s, _) = t.post_json("/api/v1/people", Some(&token), &twin).await;
    assert_eq!(s, Status::Created);

    let mut child = adult_row(&t, 3, "Tam", "Red");
    child[3] = C::D(d - Duration::days(365 * 12));
    child[12] = C::S("self"); // a 12-year-old's own consent, without Gillick competence
    let mut dup = adult_row(&t, 4, "Dee", "Green");
    dup[3] = C::D(d - Duration::days(365 * 40));
    let mut bad = adult_row(&t, 5, "Bo", "Purple");
    bad[0] = C::S("123 456 7890");
    bad[3] = C::D(d + Duration::days(3));
    let mut inpatient = adult_row(&t, 6, "Ivy", "Blue");
    inpatient[15] = C::E;
    inpatient[16] = C::D(d - Duration::days(10));
    let mut update = adult_row(&t, 7, "Una", "Amber");
    update[11] = C::S("New Keyworker");
    let bytes = workbook(&[
        header_row(),
        adult_row(&t, 1, "Ann", "Amber"),
        adult_row(&t, 2, "=HYPERLINK(\"x\")", "Green"),
        child,
        dup,
        bad,
        inpatient,
        update,
    ]);
    let before = people(&t).await;
    let (s, body, id) = upload(&t, "register.xlsx", &bytes).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let id = id.unwrap();
    assert_eq!(people(&t).await, before, "a preview writes nothing");

    // Guessed from the headers: the hospital was never named, so the inpatient is refused.
    let rows = outcomes(&t, &id).await;
    assert_eq!(rows[5].1, "refused", "{rows:?}");
    assert!(
        rows[5].2.iter().any(|r| r.starts_with("hospital:")),
        "{rows:?}"
    );
    // The page shows the guess; the hospital column is added under another header.
    let (_, page) = t.page(&format!("/import/{id}")).await;
    assert!(
        page.contains("<option value=\"NHS No.\" selected>NHS No.</option>"),
        "guessed"
    );
    let mut with_hospital: Vec<Vec<C>> = Vec::new();
    let mut headers = header_row();
    headers.extend([C::S("Unit"), C::S("Security"), C::S("MHA")]);
    with_hospital.push(headers);
    let bytes_with = {
        let mut rows = vec![
            adult_row(&t, 1, "Ann", "Amber"),
            adult_row(&t, 2, "=HYPERLINK(\"x\")", "Green"),
        ];
        let mut child = adult_row(&t, 3, "Tam", "Red");
        child[3] = C::D(d - Duration::days(365 * 12));
        child[12] = C::S("self");
        rows.push(child);
        let mut dup = adult_row(&t, 4, "Dee", "Green");
        dup[3] = C::D(d - Duration::days(365 * 40));
        rows.push(dup);
        let mut bad = adult_row(&t, 5, "Bo", "Purple");
        bad[0] = C::S("123 456 7890");
        bad[3] = C::D(d + Duration::days(3));
        rows.push(bad);
        let mut inpatient = adult_row(&t, 6, "Ivy", "Blue");
        inpatient[15] = C::E;
        inpatient[16] = C::D(d - Duration::days(10));
        rows.push(inpatient);
        let mut update = adult_row(&t, 7, "Una", "Amber");
        update[11] = C::S("New Keyworker");
        rows.push(update);
        for (i, r) in rows.iter_mut().enumerate() {
            if i == 5 {
                r.extend([C::S("St Elsewhere"), C::S("low"), C::S("Section 3")]);
            } else {
                r.extend([C::E, C::E, C::E]);
            }
        }
        with_hospital.extend(rows);
        workbook(&with_hospital)
    };
    let (s, _, id) = upload(&t, "register-2.xlsx", &bytes_with).await;
    assert_eq!(s, Status::SeeOther);
    let id = id.unwrap();
    let (_, page) = t.page(&format!("/import/{id}")).await;
    let csrf = extract_csrf(&page).unwrap();
    let mut mapping: Vec<(String, String)> = vec![("csrf_token".into(), csrf)];
    let guessed = import::get(&t.app, &Actor::cli(), &id, false)
        .await
        .unwrap();
    for m in &guessed.mapping {
        if let Some(h) = &m.header {
            mapping.push((format!("mapping.{}", m.field), h.clone()));
        }
    }
    // "MHA" was guessed as the legal status; the unit is chosen by hand.
    mapping.push(("mapping.hospital".into(), "Unit".into()));
    let fields: Vec<(&str, &str)> = mapping
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // A column chosen twice is refused, naming the field, and the mapping is not changed.
    let mut twice = fields.clone();
    twice.push(("mapping.social_worker", "Unit"));
    let (s, page, _) = t.post_form(&format!("/import/{id}/mapping"), &twice).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(page.contains("This column is already chosen for"), "{page}");
    // The columns chosen are kept as sent, not lost.
    let social = &page[page.find("name=\"mapping.social_worker\"").unwrap()..];
    let social = &social[..social.find("</select>").unwrap()];
    assert!(
        social.contains("<option value=\"Unit\" selected>"),
        "{social}"
    );
    let (s, _, _) = t.post_form(&format!("/import/{id}/mapping"), &fields).await;
    assert_eq!(s, Status::SeeOther);

    let rows = outcomes(&t, &id).await;
    let kinds: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "add",
            "add",
            "needs_consent",
            "duplicate",
            "refused",
            "add",
            "update"
        ],
        "{rows:?}"
    );
    assert!(rows[2].2[0].contains("consent"), "{rows:?}");
    let refused = &rows[4].2;
    for field in ["nhs_number:", "date_of_birth:", "rating:"] {
        assert!(
            refused.iter().any(|r| r.starts_with(field)),
            "{field} in {refused:?}"
        );
    }
    assert_eq!(rows[6].3, ["keyworker", "rating"], "{rows:?}");
    // The worklist names who needs consent and why.
    let (s, _, _, csv) = t
        .download(&format!("/import/{id}/worklist.csv"), None)
        .await;
    assert_eq!(s, Status::Ok);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains(&format!("Needs consent,{}", nhs(3))), "{csv}");
    assert!(
        !csv.contains("Ann"),
        "rows that enter are not on the worklist"
    );

    // The mapping is kept for the next file with these headers.
    let (_, _, again) = upload(&t, "register-3.xlsx", &bytes_with).await;
    let again = import::get(&t.app, &Actor::cli(), &again.unwrap(), false)
        .await
        .unwrap();
    assert!(
        again
            .mapping
            .iter()
            .any(|m| m.field == "hospital" && m.header.as_deref() == Some("Unit"))
    );

    let (s, body) = commit(&t, &id).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    assert_eq!(people(&t).await, before + 3);
    let ann = entry(&t, &nhs(1)).await.unwrap();
    assert_eq!(ann.keyworker.as_deref(), Some("Kim Keyworker"));
    let formula = entry(&t, &nhs(2)).await.unwrap();
    assert_eq!(formula.given_name, "=HYPERLINK(\"x\")", "kept as text");
    // Ratings are dated as given; the inpatient is blue from the admission.
    let rating = rating_event::Entity::find()
        .filter(rating_event::Column::PersonId.eq(ann.id.clone()))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rating.effective_on, d - Duration::days(30));
    assert_eq!(rating.source, "import");
    let ivy = entry(&t, &nhs(6)).await.unwrap();
    let (s, view) = t
        .get(&format!("/api/v1/people/{}", ivy.id.as_str()), Some(&token))
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(view["rating"], "blue", "{view}");
    assert_eq!(view["in_hospital"], true, "{view}");
    let una = entry(&t, &nhs(7)).await.unwrap();
    assert_eq!(una.keyworker.as_deref(), Some("New Keyworker"));
    assert!(
        entry(&t, &nhs(3)).await.is_none(),
        "no consent, not on the register"
    );
    assert!(
        entry(&t, &nhs(4)).await.is_none(),
        "a possible duplicate is not added"
    );
    // Audited as one import with an entry per person.
    let commits = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("import.commit"))
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(commits.len(), 1);
    assert!(
        commits[0].detail.contains("\"added\":3"),
        "{}",
        commits[0].detail
    );
    let created = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("person.create"))
        .filter(audit_entry::Column::At.eq(commits[0].at))
        .count(&t.db)
        .await
        .unwrap();
    assert_eq!(created, 3);
    let committed = import::get(&t.app, &Actor::cli(), &id, false)
        .await
        .unwrap();
    assert!(committed.committed);
    // Committed once: a second commit is refused.
    let (s, _, _) = t
        .post_form(
            &format!("/import/{id}/commit"),
            &[(
                "csrf_token",
                &extract_csrf(&t.page("/import").await.1).unwrap(),
            )],
        )
        .await;
    assert_eq!(s, Status::Conflict);
    let _ = ymd(d);
}

/// Three adults, each with their own consent and a rating.
fn small_sheet(t: &TestApp) -> Vec<u8> {
    workbook(&[
        header_row(),
        adult_row(t, 11, "Ann", "Amber"),
        adult_row(t, 12, "Ben", "Green"),
        adult_row(t, 13, "Cy", "Red"),
    ])
}

#[rocket::async_test]
async fn the_same_file_twice_changes_nothing_the_second_time() {
    let t = TestApp::new().await;
    commissioner(&t).await;
    let bytes = small_sheet(&t);
    let (_, _, id) = upload(&t, "r.xlsx", &bytes).await;
    let (s, _) = commit(&t, &id.unwrap()).await;
    assert_eq!(s, Status::SeeOther);
    let people_after = people(&t).await;
    let ratings_after = rating_event::Entity::find().count(&t.db).await.unwrap();
    let (_, _, id) = upload(&t, "r.xlsx", &bytes).await;
    let id = id.unwrap();
    let rows = outcomes(&t, &id).await;
    assert!(rows.iter().all(|r| r.1 == "unchanged"), "{rows:?}");
    let (_, page) = t.page(&format!("/import/{id}")).await;
    assert!(page.contains("This same file was imported on"), "{page}");
    assert!(page.contains("No row would add or change anyone"));
    let (s, _) = commit(&t, &id).await;
    assert_eq!(s, Status::SeeOther);
    assert_eq!(people(&t).await, people_after);
    assert_eq!(
        rating_event::Entity::find().count(&t.db).await.unwrap(),
        ratings_after
    );
    let updates = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("person.update"))
        .count(&t.db)
        .await
        .unwrap();
    assert_eq!(updates, 0);
}

#[rocket::async_test]
async fn a_stale_preview_or_a_failure_halfway_writes_nothing() {
    let t = TestApp::new().await;
    let token = commissioner(&t).await;
    let bytes = small_sheet(&t);
    let (_, _, id) = upload(&t, "r.xlsx", &bytes).await;
    let id = id.unwrap();
    // Someone adds the third person by hand after the preview: the commit refuses.
    let d = today(&t);
    let body = person(
        &nhs(13),
        d - Duration::days(365 * 30),
        own(d - Duration::days(5)),
    );
    let (s, _) = t.post_json("/api/v1/people", Some(&token), &body).await;
    assert_eq!(s, Status::Created);
    let before = people(&t).await;
    let (s, page) = commit(&t, &id).await;
    assert_eq!(s, Status::Conflict, "{page}");
    assert_eq!(people(&t).await, before);

    // A failure in the middle of the writes (the second row's insert fails): the first row's
    // entry, rating and audit entries go with it.
    let n = nhs(12).replace(' ', "");
    let (create, drop) = if t.db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        (
            vec![
                "CREATE FUNCTION tcr_test_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql".to_string(),
                format!("CREATE TRIGGER tcr_test_refuse BEFORE INSERT ON people FOR EACH ROW WHEN (NEW.nhs_number = '{n}') EXECUTE FUNCTION tcr_test_refuse()"),
            ],
            vec![
                "DROP TRIGGER tcr_test_refuse ON people".to_string(),
                "DROP FUNCTION tcr_test_refuse()".to_string(),
            ],
        )
    } else {
        (
            vec![format!(
                "CREATE TRIGGER tcr_test_refuse BEFORE INSERT ON people WHEN NEW.nhs_number = '{n}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )],
            vec!["DROP TRIGGER tcr_test_refuse".to_string()],
        )
    };
    let fresh = workbook(&[
        header_row(),
        adult_row(&t, 11, "Ann", "Amber"),
        adult_row(&t, 12, "Ben", "Green"),
    ]);
    let (_, _, id) = upload(&t, "fresh.xlsx", &fresh).await;
    let id = id.unwrap();
    for sql in &create {
        t.db.execute_unprepared(sql).await.unwrap();
    }
    let audit_before = audit_entry::Entity::find().count(&t.db).await.unwrap();
    let ratings_before = rating_event::Entity::find().count(&t.db).await.unwrap();
    let (s, _) = commit(&t, &id).await;
    assert_eq!(s, Status::InternalServerError);
    assert_eq!(
        people(&t).await,
        before,
        "the first row went with the second"
    );
    assert!(entry(&t, &nhs(11)).await.is_none());
    assert_eq!(
        rating_event::Entity::find().count(&t.db).await.unwrap(),
        ratings_before
    );
    // Only the failed request's own records (none) and no half of the import.
    let audit_after = audit_entry::Entity::find().count(&t.db).await.unwrap();
    assert!(
        audit_after - audit_before <= 1,
        "{audit_before} → {audit_after}"
    );
    assert!(
        !import::get(&t.app, &Actor::cli(), &id, false)
            .await
            .unwrap()
            .committed
    );
    for sql in &drop {
        t.db.execute_unprepared(sql).await.unwrap();
    }
    // Mended, the same preview commits.
    let (s, _) = commit(&t, &id).await;
    assert_eq!(s, Status::SeeOther);
    assert!(entry(&t, &nhs(11)).await.is_some());
    assert!(entry(&t, &nhs(12)).await.is_some());
}

#[rocket::async_test]
async fn files_that_cannot_be_read_are_refused_with_a_reason() {
    let t = TestApp::new().await;
    commissioner(&t).await;
    for (name, bytes, why) in [
        ("notes.txt", &b"hello"[..], "Choose an Excel workbook"),
        (
            "r.xlsx",
            &b"PK\x03\x04garbage"[..],
            "cannot be read as an Excel workbook",
        ),
        ("r.csv", &b"a,\"b\n1,2"[..], "never closed"),
        ("r.csv", &b""[..], "Choose a file to import"),
    ] {
        let (s, page, _) = upload(&t, name, bytes).await;
        assert_eq!(s, Status::UnprocessableEntity, "{name}");
        assert!(page.contains(why), "{why}: {page}");
    }
    // Without a valid CSRF field the upload is refused.
    let res = t
        .client
        .post("/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", "b")))
        .body("--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nnope\r\n--b--\r\n")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
    let _ = Outcome::Add;
}

#[rocket::async_test]
async fn a_csv_with_semicolons_and_uk_dates_imports() {
    let t = TestApp::new().await;
    commissioner(&t).await;
    let d = today(&t);
    let uk = |x: Date| format!("{:02}/{:02}/{}", x.day(), x.month() as u8, x.year());
    let csv = format!(
        "\u{feff}nhs_number;given_name;family_name;date_of_birth;sex;postcode;local_authority;learning_disability;autism;ehcp;setting;consent_basis;consent_recorded_on;consent_given_by;consent_relationship\r\n\
         {};Kit;Lee;{};male;PE1 1AA;Peterborough;yes;no;no;family_home;parental;{};Ann Lee;mother\r\n",
        nhs(21),
        uk(d - Duration::days(365 * 10)),
        uk(d - Duration::days(3)),
    );
    let (s, _, id) = upload(&t, "kids.csv", csv.as_bytes()).await;
    assert_eq!(s, Status::SeeOther);
    let id = id.unwrap();
    assert_eq!(outcomes(&t, &id).await[0].1, "add");
    let (s, _) = commit(&t, &id).await;
    assert_eq!(s, Status::SeeOther);
    let kit = entry(&t, &nhs(21)).await.unwrap();
    assert_eq!(kit.date_of_birth, d - Duration::days(365 * 10));
}

#[rocket::async_test]
async fn a_preview_never_imported_is_let_go_after_a_week() {
    let t = TestApp::new().await;
    commissioner(&t).await;
    let bytes = small_sheet(&t);
    let (_, _, old) = upload(&t, "r.xlsx", &bytes).await;
    let old = old.unwrap();
    t.clock
        .advance(Duration::days(import::PREVIEW_KEPT_DAYS + 1));
    commissioner(&t).await;
    let (_, _, new) = upload(&t, "r.xlsx", &bytes).await;
    assert!(new.is_some());
    let gone = import::get(&t.app, &Actor::cli(), &old, false)
        .await
        .unwrap();
    assert_eq!(gone.status, "expired");
    assert!(gone.headers.is_empty(), "the file is let go");
    assert!(outcomes(&t, &old).await.is_empty(), "and its rows");
    let (s, page) = commit(&t, &old).await;
    assert_eq!(s, Status::Conflict);
    assert!(page.contains("Upload the file again"), "{page}");
    let (_, list) = t.page("/import").await;
    assert!(list.contains("Expired preview"));
}

/// A register of hundreds in one commit: every row written, every entry's projection refreshed
/// (in bounded chunks), and the same file again finds them all unchanged.
#[rocket::async_test]
async fn hundreds_of_rows_commit_in_one_transaction() {
    let t = TestApp::new().await;
    let bytes = tcr::bench::import::workbook(700, today(&t)).unwrap();
    let upload = || import::Upload {
        file_name: "big.xlsx".into(),
        bytes: bytes.clone(),
        sheet: None,
    };
    let actor = Actor::cli();
    let (_, counts) = import::run(&t.app, &actor, upload(), None, false)
        .await
        .unwrap();
    assert!(counts.added > 600, "{counts:?}");
    assert_eq!(people(&t).await as usize, counts.added);
    let projected = tcr::entities::person_due::Entity::find()
        .count(&t.db)
        .await
        .unwrap();
    assert_eq!(
        projected as usize, counts.added,
        "each entry's projection is written"
    );
    let (_, again) = import::run(&t.app, &actor, upload(), None, true)
        .await
        .unwrap();
    assert_eq!(again.added + again.updated, 0, "{again:?}");
    assert_eq!(again.unchanged, counts.added);
}

/// A row with the NHS number of an inpatient-only entry brings that entry onto the register with
/// its consent (as the register form does), keeping its stay; a new inpatient comes in blue.
#[rocket::async_test]
async fn an_inpatient_only_entry_joins_and_a_new_inpatient_comes_in_blue() {
    let t = TestApp::new().await;
    let token = commissioner(&t).await;
    let d = today(&t);
    let body = crate::inpatients::inpatient(
        &nhs(91),
        d - Duration::days(365 * 30),
        d - Duration::days(50),
    );
    let (s, made) = t.post_json("/api/v1/inpatients", Some(&token), &body).await;
    assert_eq!(s, Status::Created, "{made}");
    let mut joining = adult_row(&t, 91, "Jo", "Blue");
    joining[15] = C::E;
    joining[16] = C::D(d - Duration::days(50));
    let mut headers = header_row();
    headers.extend([
        C::S("Hospital"),
        C::S("Security level"),
        C::S("Legal status"),
    ]);
    let mut fresh = adult_row(&t, 92, "Kai", "Blue");
    fresh[15] = C::E;
    fresh[16] = C::D(d - Duration::days(5));
    fresh.extend([C::S("Larchmere"), C::S("medium"), C::S("section_2")]);
    joining.extend([C::S("Larchmere"), C::S("medium"), C::S("section_2")]);
    let mut plain = adult_row(&t, 93, "Lee", "Green");
    plain.extend([C::E, C::E, C::E]);
    let bytes = workbook(&[headers, joining, fresh, plain]);
    let (_, _, id) = upload(&t, "inpatients.xlsx", &bytes).await;
    let id = id.unwrap();
    let rows = outcomes(&t, &id).await;
    // The joining row's admission is the stay it already has: nothing new to admit.
    assert_eq!(rows[0].1, "add", "{rows:?}");
    let (s, page) = commit(&t, &id).await;
    assert_eq!(s, Status::SeeOther, "{page}");
    let jo = entry(&t, &nhs(91)).await.unwrap();
    assert_eq!(
        jo.id.as_str(),
        made["id"].as_str().unwrap(),
        "the same entry"
    );
    assert_eq!(jo.status, tcr::domain::person::Status::Active);
    let (_, kai) = t
        .get(
            &format!(
                "/api/v1/people/{}",
                entry(&t, &nhs(92)).await.unwrap().id.as_str()
            ),
            Some(&token),
        )
        .await;
    assert_eq!(kai["rating"], "blue", "{kai}");
    let (_, lee) = t
        .get(
            &format!(
                "/api/v1/people/{}",
                entry(&t, &nhs(93)).await.unwrap().id.as_str()
            ),
            Some(&token),
        )
        .await;
    assert_eq!(lee["rating"], "green", "{lee}");
}

#[rocket::async_test]
async fn ethnicity_comes_in_from_its_code_or_its_words() {
    use tcr::domain::ethnicity::Ethnicity;
    let t = TestApp::new().await;
    commissioner(&t).await;
    let d = today(&t);
    let born = ymd(d - Duration::days(365 * 30));
    let consented = ymd(d - Duration::days(3));
    let row = |n: u32, given: &str, ethnic: &str| {
        format!(
            "{};{given};Lee;{born};male;PE1 1AA;Peterborough;yes;no;no;family_home;self;{consented};{ethnic}\r\n",
            nhs(n)
        )
    };
    let csv = format!(
        "nhs_number;given_name;family_name;date_of_birth;sex;postcode;local_authority;learning_disability;autism;ehcp;setting;consent_basis;consent_recorded_on;Ethnic group\r\n{}{}{}{}",
        row(3100, "Ada", "White - British"),
        row(3200, "Bo", "n"),
        row(3300, "Cy", "99"),
        row(3400, "Di", "Martian"),
    );
    let (s, _, id) = upload(&t, "ethnic.csv", csv.as_bytes()).await;
    assert_eq!(s, Status::SeeOther);
    let id = id.unwrap();
    let seen = outcomes(&t, &id).await;
    assert_eq!(
        seen.iter().map(|o| o.1.as_str()).collect::<Vec<_>>(),
        ["add", "add", "add", "refused"],
        "{seen:?}"
    );
    assert!(
        seen[3].2.iter().any(|r| r.contains("NHS ethnic category")),
        "{seen:?}"
    );
    let (s, _) = commit(&t, &id).await;
    assert_eq!(s, Status::SeeOther);
    for (n, want) in [
        (3100, Ethnicity::WhiteBritish),
        (3200, Ethnicity::BlackAfrican),
        (3300, Ethnicity::NotKnown),
    ] {
        assert_eq!(entry(&t, &nhs(n)).await.unwrap().ethnicity, Some(want));
    }
    assert!(entry(&t, &nhs(3400)).await.is_none());
}
