//! Input hardening and the edges of HTTP (issue 12): control characters refused by field on both
//! databases, the sign-in page's `next`, 405/413/414/415 in the error envelope, plausible dates,
//! repeated-digit NHS numbers, and body limits that fit the longest real form.

use crate::register::{nhs, own, parental, person, today, ymd};
use crate::reviews::{findings, panel};
use crate::support::*;
use rocket::http::{ContentType, Header, Status};
use serde_json::{Value, json};
use time::Duration;

fn field_error(body: &Value, field: &str) -> String {
    body["error"]["fields"][field][0]
        .as_str()
        .unwrap_or_else(|| panic!("no error for {field}: {body}"))
        .to_string()
}

async fn people_count(t: &TestApp, token: &str) -> u64 {
    t.get("/api/v1/people?status=active", Some(token)).await.1["total"]
        .as_u64()
        .unwrap()
}

#[rocket::async_test]
async fn control_characters_are_refused_naming_the_field_and_change_nothing() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let admin = t.admin_token().await;
    let adult = today(&t) - Duration::days(365 * 30);
    let consent = own(today(&t));

    // Sign-in: a NUL in the username is a 422 naming it, never a 500 (PostgreSQL).
    let (s, b) = t
        .post_json(
            "/api/v1/login",
            None,
            &json!({"username": "ad\u{0}min", "password": "whatever password"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert_eq!(b["error"]["code"], "validation_failed");
    assert!(field_error(&b, "username").contains("control characters"));
    let (s, b) = t
        .post_json(
            "/api/v1/login",
            None,
            &json!({"username": "ad\tmin", "password": "whatever password"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");

    // Names, keyworker: NUL anywhere, and tabs or line breaks in one-line fields.
    for (field, value) in [
        ("given_name", "Sam\u{0}"),
        ("family_name", "\u{0}"),
        ("keyworker", "Jo\u{0}Bloggs"),
        ("keyworker", "Jo\tBloggs"),
        ("social_worker", "Line\nbreak"),
        ("local_authority", "Peter\u{1b}[31mborough"),
        ("postcode", "PE1\u{0}1AA"),
    ] {
        let mut body = person(&nhs(1), adult, consent.clone());
        body[field] = json!(value);
        let (s, b) = t.post_json("/api/v1/people", Some(&c), &body).await;
        assert_eq!(s, Status::UnprocessableEntity, "{field}: {b}");
        assert!(b["error"]["fields"][field].is_array(), "{field} named: {b}");
        assert!(!b.to_string().contains(value), "the value is not echoed");
    }
    let mut body = person(&nhs(1), adult, consent.clone());
    body["consent"]["given_by"] = json!("Ann\u{0}");
    let (s, b) = t.post_json("/api/v1/people", Some(&c), &body).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(b["error"]["fields"]["consent.given_by"].is_array(), "{b}");
    assert_eq!(people_count(&t, &c).await, 0, "nothing was saved");

    // Referrals: a NUL in the reason is refused; line breaks and tabs in it are fine.
    let referral = |reason: &str, name: &str| {
        json!({
            "received_on": ymd(today(&t)), "referrer_name": name, "referrer_role": "GP",
            "referrer_contact": "gp@example.nhs.uk", "given_name": "Sam", "family_name": "Lee",
            "date_of_birth": ymd(adult), "nhs_number": null, "reason": reason,
            "mdt_held_on": null, "answers": null,
        })
    };
    let (s, b) = t
        .post_json(
            "/api/v1/referrals",
            Some(&c),
            &referral("Crisis\u{0}", "Dr Shah"),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(b["error"]["fields"]["reason"].is_array(), "{b}");
    let (s, b) = t
        .post_json(
            "/api/v1/referrals",
            Some(&c),
            &referral("Crisis", "Dr\tShah"),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(b["error"]["fields"]["referrer_name"].is_array(), "{b}");
    let (s, b) = t
        .post_json(
            "/api/v1/referrals",
            Some(&c),
            &referral("Crisis at home.\r\n\tSchool placement at risk.", "Dr Shah"),
        )
        .await;
    assert_eq!(s, Status::Created, "{b}");

    // A user's display name.
    for name in ["Ann\u{0}Chair", "Ann\nChair"] {
        let (s, b) = t
            .post_json(
                "/api/v1/users",
                Some(&admin),
                &json!({"username": "ann.chair", "display_name": name, "role": "panel_chair",
                        "password": "a long enough password"}),
            )
            .await;
        assert_eq!(s, Status::UnprocessableEntity, "{b}");
        assert!(b["error"]["fields"]["display_name"].is_array(), "{b}");
    }

    // Filters in the query string: the audit `user=`, the register's `q`, any other.
    for (path, field) in [
        ("/api/v1/audit?user=ad%00min", "user"),
        ("/api/v1/audit?person_id=%00", "person_id"),
        ("/api/v1/people?q=a%00b", "q"),
        ("/api/v1/people?q=a%09b", "q"),
        ("/api/v1/reviews?person_id=%0A", "person_id"),
    ] {
        let token = if path.contains("audit") { &admin } else { &c };
        let (s, b) = t.get(path, Some(token)).await;
        assert_eq!(s, Status::UnprocessableEntity, "{path}: {b}");
        assert_eq!(b["error"]["code"], "validation_failed");
        assert!(field_error(&b, field).contains(field), "{path}: {b}");
    }
    // A control character in a path segment names nothing that exists.
    let (s, b) = t.get("/api/v1/people/%00", Some(&c)).await;
    assert_eq!(s, Status::NotFound, "{b}");
    assert_eq!(b["error"]["code"], "not_found");
    let (s, _) = t.get("/calendar/%00", None).await;
    assert_eq!(s, Status::NotFound);
    // Ordinary filters still work.
    let (s, _) = t.get("/api/v1/people?q=Zo%C3%AB", Some(&c)).await;
    assert_eq!(s, Status::Ok);
}

#[rocket::async_test]
async fn the_pages_refuse_control_characters_and_keep_what_was_typed() {
    let t = TestApp::new().await;
    // The sign-in page: a NUL in the username is refused on the page, naming the field.
    let csrf = t.csrf().await;
    let (s, body, _) = t
        .post_form(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("username", "ad\u{0}min"),
                ("password", ADMIN_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{body}");
    assert!(body.contains("username must be one line"), "{body}");

    let (u, p) = t.user_with_role("commissioner").await;
    assert_eq!(t.page_login(&u, &p).await, Status::SeeOther);
    let (_, form) = t.page("/people/new").await;
    let csrf = extract_csrf(&form).unwrap();
    let number = nhs(7);
    let born = ymd(today(&t) - Duration::days(365 * 12));
    let consent_on = ymd(today(&t));
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("nhs_number", &number),
        ("given_name", "Siân"),
        ("family_name", "Łukasz-Evans"),
        ("date_of_birth", &born),
        ("sex", "female"),
        ("postcode", "cb2 0qq"),
        ("local_authority", "Cambridgeshire"),
        ("learning_disability", "true"),
        ("setting", "family_home"),
        ("keyworker", "Jo\u{0}Bloggs"),
        ("consent.basis", "parental"),
        ("consent.recorded_on", &consent_on),
        ("consent.given_by", "Rhiannon Evans"),
        ("consent.relationship", "mother"),
    ];
    let (s, body, _) = t.post_form("/people", &fields).await;
    assert_eq!(s, Status::UnprocessableEntity, "{body}");
    assert!(body.contains("keyworker"), "{body}");
    assert!(body.contains("value=\"Siân\""), "what was typed is kept");
    let (_, list) = t.page("/people").await;
    assert!(list.contains("Nobody matches."), "nothing was saved");

    // A search with a NUL is a clear refusal naming the parameter, not a 500.
    let (s, body) = t.page("/people?q=%00").await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(body.contains("`q`"), "{body}");
    let (s, _) = t.page("/admin/audit?user=%00").await;
    assert!(s.code < 500);
}

#[rocket::async_test]
async fn next_after_sign_in_is_a_plain_local_path_or_home() {
    let t = TestApp::new().await;
    for (next, want) in [
        ("/a%09b", "/"),
        ("/a%0D%0Ab", "/"),
        ("/a%00b", "/"),
        ("/a%7Fb", "/"),
        ("/Zo%C3%AB", "/"),
        ("//evil.example", "/"),
        ("/reviews", "/reviews"),
    ] {
        let (s, page) = t.page(&format!("/login?next={next}")).await;
        assert_eq!(s, Status::Ok, "{next}");
        assert!(
            page.contains(&format!(
                "name=\"next\" value=\"{}\"",
                want.replace('/', "&#x2F;")
            )),
            "{next}: {page}"
        );
    }
    for (next, want) in [
        ("/a\tb", "/"),
        ("/a\r\nb", "/"),
        ("/a\u{0}b", "/"),
        ("/a\u{7f}b", "/"),
        ("/café", "/"),
        ("/reviews?status=scheduled", "/reviews?status=scheduled"),
    ] {
        let csrf = t.csrf().await;
        let res = t
            .client
            .post("/login")
            .header(ContentType::Form)
            .body(form(&[
                ("csrf_token", &csrf),
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", next),
            ]))
            .dispatch()
            .await;
        assert_eq!(res.status(), Status::SeeOther, "{next:?}");
        assert_eq!(res.headers().get_one("Location"), Some(want), "{next:?}");
        // Sign out again for the next case.
        let (_, home) = t.page("/").await;
        let csrf = extract_csrf(&home).unwrap();
        t.post_form("/logout", &[("csrf_token", &csrf)]).await;
    }
}

#[rocket::async_test]
async fn edges_answer_with_the_error_envelope() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    let login = json!({"username": "admin", "password": ADMIN_PASSWORD}).to_string();

    // 415: a body that is not declared JSON, as a page on another site would send it.
    for ct in [
        Some(ContentType::Plain),
        Some(ContentType::Form),
        Some(ContentType::FormData),
        None,
    ] {
        let mut req = t.client.post("/api/v1/login").body(&login);
        if let Some(ct) = ct.clone() {
            req = req.header(ct);
        }
        let (s, b) = TestApp::json(req.dispatch().await).await;
        assert_eq!(s, Status::UnsupportedMediaType, "{ct:?}: {b}");
        assert_eq!(b["error"]["code"], "unsupported_media_type");
    }
    let res = t
        .client
        .post("/api/v1/login")
        .header(ContentType::new("application", "json").with_params(("charset", "utf-8")))
        .body(&login)
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);

    // Bodyless POST routes need no Content-Type.
    let (_, chair) = t
        .post_json(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "pat.chair", "display_name": "Pat Chair", "role": "panel_chair",
                    "password": "a long enough password"}),
        )
        .await;
    let res = t
        .client
        .post(format!(
            "/api/v1/users/{}/deactivate",
            chair["id"].as_str().unwrap()
        ))
        .header(Header::new("Authorization", format!("Bearer {admin}")))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);
    let token = t.admin_token().await;
    let res = t
        .client
        .post("/api/v1/logout")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Ok);

    // 405 with Allow, for a known path and a method it does not have.
    let res = t
        .client
        .delete("/api/v1/people")
        .header(Header::new("Authorization", format!("Bearer {admin}")))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::MethodNotAllowed);
    assert_eq!(res.headers().get_one("Allow"), Some("GET, HEAD, POST"));
    let (_, b) = TestApp::json(res).await;
    assert_eq!(b["error"]["code"], "method_not_allowed");
    let res = t
        .client
        .put(format!("/api/v1/people/{}", uuid::Uuid::new_v4()))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::MethodNotAllowed);
    assert_eq!(res.headers().get_one("Allow"), Some("GET, HEAD, PATCH"));
    let res = t.client.put("/login").dispatch().await;
    assert_eq!(res.status(), Status::MethodNotAllowed);
    assert_eq!(res.headers().get_one("Allow"), Some("GET, HEAD, POST"));
    // An unknown path stays 404.
    let (s, _) = t.get("/api/v1/nothing-here", Some(&admin)).await;
    assert_eq!(s, Status::NotFound);

    // 413: a JSON body over the 1 MiB limit.
    let big = json!({"username": "admin", "password": "x".repeat(1024 * 1024 + 1)});
    let (s, b) = t.post_json("/api/v1/login", None, &big).await;
    assert_eq!(s, Status::PayloadTooLarge, "{b}");
    assert_eq!(b["error"]["code"], "payload_too_large");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("1MiB"),
        "{b}"
    );

    // 414: an over-long address.
    let (s, b) = t
        .get(
            &format!("/api/v1/people?q={}", "a".repeat(9000)),
            Some(&admin),
        )
        .await;
    assert_eq!(s, Status::UriTooLong, "{b}");
    assert_eq!(b["error"]["code"], "uri_too_long");
    let (s, page) = t.page(&format!("/people?q={}", "a".repeat(9000))).await;
    assert_eq!(s, Status::UriTooLong);
    assert!(page.contains("longer than the limit"), "{page}");
}

#[rocket::async_test]
async fn implausible_dates_and_numbers_are_refused_by_field() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let now = today(&t);
    let adult = now - Duration::days(365 * 30);

    // Date of birth from 1900-01-01 (a referral; the register also refuses over 120 years).
    let d = |s: &str| {
        time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
    };
    let referral_born = |born: &str| {
        json!({
            "received_on": ymd(now), "referrer_name": "Dr Shah", "referrer_role": "GP",
            "referrer_contact": "gp@example.nhs.uk", "given_name": "Sam", "family_name": "Lee",
            "date_of_birth": born, "nhs_number": null, "reason": "Crisis",
            "mdt_held_on": null, "answers": null,
        })
    };
    let (s, b) = t
        .post_json("/api/v1/referrals", Some(&c), &referral_born("1899-12-31"))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(
        field_error(&b, "date_of_birth").contains("1 January 1900"),
        "{b}"
    );
    let (s, b) = t
        .post_json("/api/v1/referrals", Some(&c), &referral_born("1900-01-01"))
        .await;
    assert_eq!(s, Status::Created, "{b}");
    let (s, b) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(1), d("1899-12-31"), own(now)),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(b["error"]["fields"]["date_of_birth"].is_array(), "{b}");

    // Events from 2010-01-01: consent, a referral's receipt.
    let (s, b) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(2), d("2005-01-01"), parental(d("2009-12-31"))),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(field_error(&b, "consent.recorded_on").contains("1 January 2010"));
    let (s, b) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(2), d("1980-01-01"), own(d("2010-01-01"))),
        )
        .await;
    assert_eq!(s, Status::Created, "{b}");
    let referral = json!({
        "received_on": "0001-01-01", "referrer_name": "Dr Shah", "referrer_role": "GP",
        "referrer_contact": "gp@example.nhs.uk", "given_name": "Sam", "family_name": "Lee",
        "date_of_birth": ymd(adult), "nhs_number": null, "reason": "Crisis",
        "mdt_held_on": null, "answers": null,
    });
    let (s, b) = t.post_json("/api/v1/referrals", Some(&c), &referral).await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(b["error"]["fields"]["received_on"].is_array(), "{b}");

    // NHS numbers of one repeated digit pass modulus 11 but are refused.
    for number in ["0000000000", "111 111 1111"] {
        let (s, b) = t
            .post_json("/api/v1/people", Some(&c), &person(number, adult, own(now)))
            .await;
        assert_eq!(s, Status::UnprocessableEntity, "{b}");
        assert!(field_error(&b, "nhs_number").contains("repeated"), "{b}");
    }

    // A review is booked at most two years ahead, and not before 2010.
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(3), adult, own(now)),
        )
        .await;
    let id = p["id"].as_str().unwrap().to_string();
    let panel = panel(&t).await;
    let two_years = tcr::domain::schedule::add_months(now, 24);
    let schedule = |day: String| {
        json!({"kind": "community", "scheduled_for": day, "chair_id": panel.chair.0,
               "expert_by_experience_id": panel.expert.0, "clinical_expert_id": panel.clinician.0})
    };
    for day in [
        "9999-12-31".to_string(),
        "0001-01-01".to_string(),
        ymd(two_years + Duration::days(1)),
    ] {
        let (s, b) = t
            .post_json(
                &format!("/api/v1/people/{id}/reviews"),
                Some(&c),
                &schedule(day.clone()),
            )
            .await;
        assert_eq!(s, Status::UnprocessableEntity, "{day}: {b}");
        assert!(b["error"]["fields"]["scheduled_for"].is_array(), "{b}");
    }
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&c),
            &schedule(ymd(two_years)),
        )
        .await;
    assert_eq!(s, Status::Created, "{b}");

    // Returns from January 2010.
    for (kind, period) in [
        ("monthly", "0001-01"),
        ("monthly", "1900-01"),
        ("monthly", "2009-12"),
        ("weekly", "2009-12-27"),
    ] {
        let (s, b) = t
            .post_json(
                "/api/v1/returns",
                Some(&c),
                &json!({"kind": kind, "period": period}),
            )
            .await;
        assert_eq!(s, Status::UnprocessableEntity, "{period}: {b}");
        assert!(field_error(&b, "period").contains("January 2010"), "{b}");
    }
    let (s, b) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "monthly", "period": "2010-01"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{b}");
}

#[rocket::async_test]
async fn the_longest_real_review_outcome_fits_and_fields_carry_their_limits() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let now = today(&t);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(1), now - Duration::days(365 * 30), own(now)),
        )
        .await;
    let id = p["id"].as_str().unwrap().to_string();
    let panel = panel(&t).await;
    let (s, review) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&c),
            &json!({"kind": "community", "scheduled_for": ymd(now), "chair_id": panel.chair.0,
                    "expert_by_experience_id": panel.expert.0, "clinical_expert_id": panel.clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{review}");
    let review_id = review["id"].as_str().unwrap().to_string();

    // Over-long fields and too many actions are refused with their limits, by field.
    let mut long = findings();
    long["safe"] = json!("x".repeat(10_001));
    let action = json!({"who": "School", "what": "Plan", "when": ymd(now), "how": "Meeting"});
    let (s, b) = t
        .post_json(
            &format!("/api/v1/reviews/{review_id}/outcome"),
            Some(&c),
            &json!({"held_on": ymd(now), "findings": long, "recommendations": "Keep going",
                    "actions": vec![action.clone(); 51]}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    assert!(
        field_error(&b, "findings.safe").contains("10000 characters or fewer"),
        "{b}"
    );
    assert!(field_error(&b, "actions").contains("at most 50"), "{b}");

    // Through the page: six findings of several thousand characters with line breaks and
    // punctuation, long recommendations and twenty actions, URL-encoded well over 64 KiB.
    let (u, pw) = t.user_with_role("commissioner").await;
    t.page_login(&u, &pw).await;
    let (_, page) = t.page(&format!("/reviews/{review_id}")).await;
    let csrf = extract_csrf(&page).unwrap();
    let paragraph =
        "Seen at home with mum & dad; school (part-time) says “settled”, 50% better.\r\n"
            .repeat(80);
    let day = ymd(now);
    let mut fields: Vec<(String, String)> = vec![
        ("csrf_token".into(), csrf),
        ("held_on".into(), day.clone()),
        ("recommendations".into(), paragraph.clone()),
    ];
    for key in [
        "safe",
        "current_care",
        "daily_life",
        "physical_health",
        "future_plan",
        "need_for_hospital",
    ] {
        fields.push((format!("findings[{key}]"), paragraph.clone()));
    }
    for i in 0..20 {
        fields.push((format!("actions[{i}].who"), "Community team".into()));
        fields.push((
            format!("actions[{i}].what"),
            paragraph.chars().take(1500).collect(),
        ));
        fields.push((format!("actions[{i}].when"), day.clone()));
        fields.push((
            format!("actions[{i}].how"),
            paragraph.chars().take(1500).collect(),
        ));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert!(
        form(&borrowed).len() > 128 * 1024,
        "a form larger than the old limit"
    );
    let (s, body, location) = t
        .post_form(&format!("/reviews/{review_id}/outcome"), &borrowed)
        .await;
    assert_eq!(s, Status::SeeOther, "{}", &body[..body.len().min(2000)]);
    assert!(location.is_some());
    let (_, held) = t
        .get(&format!("/api/v1/reviews/{review_id}"), Some(&c))
        .await;
    assert_eq!(held["status"], "held", "{held}");
    assert!(
        held["findings"]["safe"]
            .as_str()
            .unwrap()
            .contains("settled")
    );
}

#[test]
fn serve_on_a_taken_port_says_so_and_exits_non_zero() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let db = std::env::temp_dir().join(format!("tcr-bind-{}.db", uuid::Uuid::new_v4().simple()));
    for command in ["serve", "demo"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tcr"))
            .arg(command)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env(
                "TCR_DATABASE_URL",
                format!("sqlite://{}?mode=rwc", db.display()),
            )
            .env("TCR_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("TCR_PORT", &port)
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(!out.status.success(), "{command}: {stdout} {stderr}");
        assert!(!stdout.contains("listening"), "{command}: {stdout}");
        assert!(
            stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
            "{command}: {stderr}"
        );
    }
    drop(taken);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}
