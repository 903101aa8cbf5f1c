//! The register through the API: the consent gate, NHS numbers, the risk tool, ratings,
//! admissions, the list and its filters, edits, closing, withdrawal and who sees what.

use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use tcr::domain::nhs_number::NhsNumber;
use time::{Date, Duration};

/// A valid test-range NHS number, distinct per `n`.
pub fn nhs(n: u32) -> String {
    (n..)
        .find_map(|k| {
            let d = |i: u32| ((k / 10u32.pow(i)) % 10) as u8;
            NhsNumber::from_first_nine([9, 9, 9, d(5), d(4), d(3), d(2), d(1), d(0)])
        })
        .unwrap()
        .to_string()
}

pub fn today(t: &TestApp) -> Date {
    t.app.clock.today()
}

pub fn ymd(d: Date) -> String {
    d.to_string()
}

/// A person born `age_years` (and a few days) ago, with the given consent.
pub fn person(nhs_number: &str, born: Date, consent: Value) -> Value {
    json!({
        "nhs_number": nhs_number, "given_name": "Sam", "family_name": "Lee",
        "date_of_birth": ymd(born), "sex": "male", "postcode": "pe1 1aa",
        "local_authority": "Peterborough", "learning_disability": true, "autism": true,
        "ehcp": true, "setting": "family_home", "social_worker": null, "keyworker": null,
        "registered_on": null, "consent": consent,
    })
}

pub fn parental(on: Date) -> Value {
    json!({"basis": "parental", "recorded_on": ymd(on), "given_by": "Ann Lee", "relationship": "mother",
           "gillick_competent": false, "capacity_assessed_on": null, "best_interests_decision_on": null})
}

pub fn own(on: Date) -> Value {
    json!({"basis": "self", "recorded_on": ymd(on)})
}

fn years_ago(t: &TestApp, years: i32, extra_days: i64) -> Date {
    let d = today(t);
    d.replace_year(d.year() - years).unwrap_or(d) - Duration::days(extra_days)
}

pub async fn add(t: &TestApp, token: &str, body: &Value) -> (Status, Value) {
    t.post_json("/api/v1/people", Some(token), body).await
}

/// Answers to the risk tool with these questions "yes".
pub fn answers(yes: &[&str]) -> Value {
    let ids = [
        "mh_unstable",
        "behaviour_challenges",
        "unstable_environment",
        "crisis_last_month",
        "harm_to_self_or_others",
        "admission_last_year",
        "placement_breakdown",
        "carers_not_coping",
        "community_options_exhausted",
        "criminal_justice",
        "transition",
        "substance_misuse",
    ];
    Value::Object(
        ids.iter()
            .map(|id| (id.to_string(), json!(yes.contains(id))))
            .collect(),
    )
}

const RED: &[&str] = &[
    "mh_unstable",
    "behaviour_challenges",
    "harm_to_self_or_others",
    "admission_last_year",
    "placement_breakdown",
    "criminal_justice",
];
const AMBER: &[&str] = &["mh_unstable", "behaviour_challenges", "transition"];

#[rocket::async_test]
async fn a_child_joins_with_parental_consent() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = years_ago(&t, 15, 10);
    let (s, p) = add(
        &t,
        &c,
        &person(
            &nhs(1).replace(' ', ""),
            born,
            parental(today(&t) - Duration::days(3)),
        ),
    )
    .await;
    assert_eq!(s, Status::Created, "{p}");
    assert_eq!(p["nhs_number"], nhs(1));
    assert_eq!(p["postcode"], "PE1 1AA");
    assert_eq!(p["status"], "active");
    assert_eq!(p["age"], 15);
    assert_eq!(p["age_band"], "0-17");
    assert_eq!(p["review_type"], "cetr");
    assert_eq!(p["rating"], Value::Null);
    assert_eq!(p["in_hospital"], false);
    assert_eq!(
        p["registered_on"],
        ymd(today(&t) - Duration::days(3)),
        "defaults to the consent date"
    );
    assert_eq!(p["consent"]["basis"], "parental");
    assert_eq!(p["overdue"], json!([]));
    let id = p["id"].as_str().unwrap();
    let (s, again) = t.get(&format!("/api/v1/people/{id}"), Some(&c)).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(again["family_name"], "Lee");
}

#[rocket::async_test]
async fn every_consent_basis_at_the_16th_birthday() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    // Born so that their 16th birthday was exactly 30 days ago.
    let birthday = today(&t) - Duration::days(30);
    let born = birthday.replace_year(birthday.year() - 16).unwrap();
    let day_before = birthday - Duration::days(1);
    let mut n = 100;
    let mut try_add = |consent: Value| {
        n += 1;
        person(&nhs(n), born, consent)
    };
    let cases = vec![
        (try_add(parental(day_before)), Status::Created, None),
        (
            try_add(parental(birthday)),
            Status::UnprocessableEntity,
            Some("consent_required"),
        ),
        (
            try_add(json!({"basis": "self", "recorded_on": ymd(day_before)})),
            Status::UnprocessableEntity,
            Some("consent_required"),
        ),
        (
            try_add(
                json!({"basis": "self", "recorded_on": ymd(day_before), "gillick_competent": true}),
            ),
            Status::Created,
            None,
        ),
        (try_add(own(birthday)), Status::Created, None),
        (
            try_add(
                json!({"basis": "best_interests", "recorded_on": ymd(day_before),
            "capacity_assessed_on": ymd(day_before), "best_interests_decision_on": ymd(day_before)}),
            ),
            Status::UnprocessableEntity,
            Some("consent_required"),
        ),
        (
            try_add(
                json!({"basis": "best_interests", "recorded_on": ymd(birthday),
            "capacity_assessed_on": ymd(birthday - Duration::days(5)), "best_interests_decision_on": ymd(birthday)}),
            ),
            Status::Created,
            None,
        ),
        (
            try_add(
                json!({"basis": "best_interests", "recorded_on": ymd(birthday), "capacity_assessed_on": ymd(birthday)}),
            ),
            Status::UnprocessableEntity,
            Some("consent_required"),
        ),
        (
            try_add(
                json!({"basis": "best_interests", "recorded_on": ymd(birthday),
            "capacity_assessed_on": ymd(birthday), "best_interests_decision_on": ymd(birthday + Duration::days(1))}),
            ),
            Status::UnprocessableEntity,
            Some("consent_required"),
        ),
    ];
    let mut created = 0;
    for (body, want, code) in cases {
        let (s, b) = add(&t, &c, &body).await;
        assert_eq!(s, want, "{} → {b}", body["consent"]);
        if let Some(code) = code {
            assert_eq!(b["error"]["code"], code, "{b}");
            assert!(
                b["error"]["message"].as_str().unwrap().len() > 20,
                "the rule is named: {b}"
            );
        } else {
            created += 1;
        }
    }
    let (_, list) = t.get("/api/v1/people", Some(&c)).await;
    assert_eq!(
        list["total"], created,
        "refused entries left nothing behind"
    );
}

#[rocket::async_test]
async fn bad_input_is_refused_and_changes_nothing() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = years_ago(&t, 30, 0);
    let good = person(&nhs(1), born, own(today(&t)));

    let mut bad_check = good.clone();
    bad_check["nhs_number"] = json!("943 476 5918");
    let mut neither = good.clone();
    neither["learning_disability"] = json!(false);
    neither["autism"] = json!(false);
    let mut unknown_enum = good.clone();
    unknown_enum["setting"] = json!("castle");
    let mut huge = good.clone();
    huge["given_name"] = json!("x".repeat(10_000));
    let mut future_consent = good.clone();
    future_consent["consent"] = own(today(&t) + Duration::days(1));
    let mut no_consent = good.clone();
    no_consent["consent"] = Value::Null;
    let mut early_registration = good.clone();
    early_registration["registered_on"] = json!(ymd(today(&t) - Duration::days(1)));
    for (body, field) in [
        (bad_check, "nhs_number"),
        (neither, "learning_disability"),
        (unknown_enum, "setting"),
        (huge, "given_name"),
        (future_consent, "consent.recorded_on"),
        (no_consent, "consent"),
        (early_registration, "registered_on"),
    ] {
        let (s, b) = add(&t, &c, &body).await;
        assert_eq!(s, Status::UnprocessableEntity, "{field}: {b}");
        assert_eq!(b["error"]["code"], "validation_failed", "{b}");
        assert!(b["error"]["fields"][field].is_array(), "{field}: {b}");
    }
    let mut wrong_type = good.clone();
    wrong_type["autism"] = json!("yes");
    let (s, b) = add(&t, &c, &wrong_type).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (Status::BadRequest, Some("bad_request"))
    );
    let (s, _) = t
        .post("/api/v1/people", Some(&c), "{\"nhs_number\": ")
        .await;
    assert_eq!(s, Status::BadRequest);

    let (_, list) = t.get("/api/v1/people?status=active", Some(&c)).await;
    assert_eq!(list["total"], 0);

    assert_eq!(add(&t, &c, &good).await.0, Status::Created);
    let mut same = good.clone();
    same["nhs_number"] = json!(nhs(1).replace(' ', "-"));
    let (s, b) = add(&t, &c, &same).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (Status::Conflict, Some("conflict"))
    );

    for path in [
        "/api/v1/people/not-an-id",
        &format!("/api/v1/people/{}", uuid::Uuid::new_v4()),
    ] {
        assert_eq!(t.get(path, Some(&c)).await.0, Status::NotFound, "{path}");
    }
    let (s, _) = t.get("/api/v1/people?rating=purple", Some(&c)).await;
    assert_eq!(s, Status::UnprocessableEntity);
    let (s, _) = t.get("/api/v1/people?as_of=31-10-2026", Some(&c)).await;
    assert_eq!(s, Status::UnprocessableEntity);
}

async fn new_adult(t: &TestApp, c: &str, n: u32, consented_days_ago: i64) -> String {
    let born = years_ago(t, 30, 0);
    let (s, p) = add(
        t,
        c,
        &person(
            &nhs(n),
            born,
            own(today(t) - Duration::days(consented_days_ago)),
        ),
    )
    .await;
    assert_eq!(s, Status::Created, "{p}");
    p["id"].as_str().unwrap().to_string()
}

async fn assess(
    t: &TestApp,
    c: &str,
    id: &str,
    on: Date,
    yes: &[&str],
    rating: Option<&str>,
    reason: Option<&str>,
) -> (Status, Value) {
    t.post_json(
        &format!("/api/v1/people/{id}/risk-assessments"),
        Some(c),
        &json!({"assessed_on": ymd(on), "answers": answers(yes), "rating": rating, "override_reason": reason}),
    )
    .await
}

#[rocket::async_test]
async fn risk_assessments_suggest_and_confirm_ratings() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let (s, tool) = t.get("/api/v1/risk-tool", Some(&c)).await;
    assert_eq!(s, Status::Ok);
    assert_eq!(tool["version"], "2020-tcr-1");
    assert_eq!(tool["questions"].as_array().unwrap().len(), 12);
    assert_eq!(tool["thresholds"], json!({"red": 14, "amber": 7}));

    let id = new_adult(&t, &c, 1, 100).await;
    let d = today(&t) - Duration::days(90);
    let (s, a) = assess(&t, &c, &id, d, AMBER, None, None).await;
    assert_eq!(s, Status::Created, "{a}");
    assert_eq!(
        (
            a["score"].as_u64(),
            a["suggested_rating"].as_str(),
            a["rating"].as_str()
        ),
        (Some(7), Some("amber"), Some("amber"))
    );
    assert_eq!(a["tool_version"], "2020-tcr-1");

    let (s, b) = assess(&t, &c, &id, d, AMBER, Some("red"), None).await;
    assert_eq!(
        (s, b["error"]["fields"]["override_reason"].is_array()),
        (Status::UnprocessableEntity, true),
        "{b}"
    );
    let (s, b) = assess(&t, &c, &id, d, AMBER, Some("blue"), Some("x")).await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    let mut partial = answers(AMBER);
    partial.as_object_mut().unwrap().remove("transition");
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/risk-assessments"),
            Some(&c),
            &json!({"assessed_on": ymd(d), "answers": partial}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(
        b["error"]["fields"]["answers"][0]
            .as_str()
            .unwrap()
            .contains("transition"),
        "{b}"
    );
    let (s, _) = assess(
        &t,
        &c,
        &id,
        today(&t) - Duration::days(200),
        AMBER,
        None,
        None,
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity, "not before consent");

    let (s, a) = assess(
        &t,
        &c,
        &id,
        d + Duration::days(10),
        AMBER,
        Some("red"),
        Some("Family in crisis this week"),
    )
    .await;
    assert_eq!(
        (s, a["rating"].as_str()),
        (Status::Created, Some("red")),
        "{a}"
    );
    let (_, p) = t.get(&format!("/api/v1/people/{id}"), Some(&c)).await;
    assert_eq!(p["rating"], "red");
    assert_eq!(p["rating_since"], ymd(d + Duration::days(10)));
    let (_, h) = t
        .get(&format!("/api/v1/people/{id}/ratings"), Some(&c))
        .await;
    let items = h["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["rating"], "red");
    assert!(
        items[0]["reason"]
            .as_str()
            .unwrap()
            .contains("Family in crisis")
    );
    assert!(
        items[0]["recorded_by"]
            .as_str()
            .unwrap()
            .starts_with("commissioner")
    );
}

#[rocket::async_test]
async fn under_18_all_key_questions_mean_red() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    // 17 years and 364 days old a day ago: 17 on the assessment day, 18 today.
    let born = years_ago(&t, 18, 0);
    let (_, p) = add(
        &t,
        &c,
        &person(&nhs(7), born, own(today(&t) - Duration::days(1))),
    )
    .await;
    let id = p["id"].as_str().unwrap();
    let keys = [
        "mh_unstable",
        "behaviour_challenges",
        "unstable_environment",
        "crisis_last_month",
    ];
    let (_, a) = assess(&t, &c, id, today(&t) - Duration::days(1), &keys, None, None).await;
    assert_eq!(
        (a["score"].as_u64(), a["suggested_rating"].as_str()),
        (Some(12), Some("red")),
        "{a}"
    );
    let (_, a) = assess(&t, &c, id, today(&t), &keys, None, None).await;
    assert_eq!(a["suggested_rating"], "amber", "18 today: {a}");
}

#[rocket::async_test]
async fn hospital_makes_blue_then_red_for_fourteen_days() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let id = new_adult(&t, &c, 2, 200).await;
    let start = today(&t) - Duration::days(100);
    assess(&t, &c, &id, start, AMBER, None, None).await;

    let backdated = json!({"admitted_on": ymd(start - Duration::days(1)), "hospital": "Cavell Centre", "security_level": "low", "legal_status": "section_3"});
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &backdated,
        )
        .await;
    assert_eq!(
        s,
        Status::Conflict,
        "an admission before a recorded assessment: {b}"
    );
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&tcr::domain::dates::long_date(start)),
        "the message names the day in words: {b}"
    );
    let admitted = start + Duration::days(10);
    let admission = json!({"admitted_on": ymd(admitted), "hospital": "Cavell Centre", "security_level": "low", "legal_status": "section_3", "planned_discharge_on": null});
    let (s, a) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &admission,
        )
        .await;
    assert_eq!(s, Status::Created, "{a}");
    let admission_id = a["id"].as_str().unwrap().to_string();
    let (_, p) = t.get(&format!("/api/v1/people/{id}"), Some(&c)).await;
    assert_eq!(
        (p["rating"].as_str(), p["in_hospital"].as_bool()),
        (Some("blue"), Some(true))
    );
    assert_eq!(
        t.post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &admission
        )
        .await
        .0,
        Status::Conflict
    );
    let (s, b) = assess(&t, &c, &id, admitted + Duration::days(5), RED, None, None).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (Status::Conflict, Some("conflict")),
        "no assessment while inpatient"
    );
    let (s, v) = t.post_json(&format!("/api/v1/people/{id}/visits"), Some(&c), &json!({"visited_on": ymd(admitted + Duration::days(7)), "visitor": "Cara Commissioner"})).await;
    assert_eq!(s, Status::Created, "{v}");

    let discharged = admitted + Duration::days(30);
    let (s, _) = t
        .post_json(
            &format!("/api/v1/admissions/{admission_id}/discharge"),
            Some(&c),
            &json!({"discharged_on": ymd(admitted - Duration::days(1)), "destination": "home"}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "not before admission");
    let (s, d) = t
        .post_json(
            &format!("/api/v1/admissions/{admission_id}/discharge"),
            Some(&c),
            &json!({"discharged_on": ymd(discharged), "destination": "Family home"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{d}");
    assert_eq!(
        t.post_json(
            &format!("/api/v1/admissions/{admission_id}/discharge"),
            Some(&c),
            &json!({"discharged_on": ymd(discharged), "destination": "x"})
        )
        .await
        .0,
        Status::Conflict
    );
    let (_, p) = t.get(&format!("/api/v1/people/{id}"), Some(&c)).await;
    assert_eq!(
        (p["rating"].as_str(), p["in_hospital"].as_bool()),
        (Some("red"), Some(false))
    );

    let (s, b) = assess(
        &t,
        &c,
        &id,
        discharged + Duration::days(13),
        &[],
        None,
        None,
    )
    .await;
    assert_eq!(s, Status::Conflict, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&ymd(discharged + Duration::days(14))),
        "names the day the window ends: {b}"
    );
    assert_eq!(
        assess(
            &t,
            &c,
            &id,
            discharged + Duration::days(13),
            RED,
            None,
            None
        )
        .await
        .0,
        Status::Created,
        "red is fine"
    );
    assert_eq!(
        assess(
            &t,
            &c,
            &id,
            discharged + Duration::days(14),
            &[],
            None,
            None
        )
        .await
        .0,
        Status::Created,
        "day 14 is fine"
    );

    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/visits"),
            Some(&c),
            &json!({"visited_on": ymd(today(&t)), "visitor": "x"}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "visits are for inpatients");
    let (_, stays) = t
        .get(&format!("/api/v1/people/{id}/admissions"), Some(&c))
        .await;
    assert_eq!(stays["items"][0]["visits"].as_array().unwrap().len(), 1);

    // The register as it stood while they were in hospital.
    let (_, then) = t
        .get(
            &format!("/api/v1/people?as_of={}", ymd(admitted + Duration::days(1))),
            Some(&c),
        )
        .await;
    assert_eq!(then["items"][0]["rating"], "blue");
    assert_eq!(then["items"][0]["in_hospital"], true);
    let (_, before) = t
        .get(&format!("/api/v1/people?as_of={}", ymd(start)), Some(&c))
        .await;
    assert_eq!(before["items"][0]["rating"], "amber");
}

#[rocket::async_test]
async fn the_list_filters_searches_sorts_and_pages() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let names = [
        ("Zoë", "Adams", RED),
        ("Siân", "Brown", AMBER),
        ("Łukasz", "Clark", &[][..]),
        ("Ann", "Lee", RED),
    ];
    for (i, (given, family, yes)) in names.iter().enumerate() {
        let mut body = person(
            &nhs(20 + i as u32),
            years_ago(&t, 20, 0),
            own(today(&t) - Duration::days(50)),
        );
        body["given_name"] = json!(given);
        body["family_name"] = json!(family);
        let (_, p) = add(&t, &c, &body).await;
        assess(
            &t,
            &c,
            p["id"].as_str().unwrap(),
            today(&t) - Duration::days(40),
            yes,
            None,
            None,
        )
        .await;
    }
    let (_, all) = t.get("/api/v1/people", Some(&c)).await;
    let order: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["family_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        ["Adams", "Lee", "Brown", "Clark"],
        "red, then amber, then green; by name within"
    );
    assert_eq!(
        (
            all["total"].as_u64(),
            all["page"].as_u64(),
            all["per_page"].as_u64()
        ),
        (Some(4), Some(1), Some(50))
    );

    let (_, red) = t.get("/api/v1/people?rating=red", Some(&c)).await;
    assert_eq!(red["total"], 2);
    let (_, q) = t.get("/api/v1/people?q=si%C3%82N", Some(&c)).await;
    assert_eq!(q["items"][0]["family_name"], "Brown");
    let number = nhs(23);
    for search in [
        number.clone(),
        number.replace(' ', ""),
        number[..number.len() - 1].to_string(),
    ] {
        let (_, q) = t
            .get(
                &format!("/api/v1/people?q={}", search.replace(' ', "%20")),
                Some(&c),
            )
            .await;
        assert_eq!(q["total"], 1, "{search}");
        assert_eq!(q["items"][0]["family_name"], "Lee");
    }
    let (_, p2) = t.get("/api/v1/people?per_page=3&page=2", Some(&c)).await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 1);
    assert_eq!(p2["items"][0]["family_name"], "Clark");
    let (_, before) = t
        .get(
            &format!(
                "/api/v1/people?as_of={}",
                ymd(today(&t) - Duration::days(51))
            ),
            Some(&c),
        )
        .await;
    assert_eq!(before["total"], 0, "nobody was registered yet");
    let (_, unrated) = t
        .get(
            &format!(
                "/api/v1/people?as_of={}",
                ymd(today(&t) - Duration::days(45))
            ),
            Some(&c),
        )
        .await;
    assert_eq!(unrated["total"], 4);
    assert!(
        unrated["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["rating"].is_null())
    );
}

#[rocket::async_test]
async fn edits_follow_the_same_rules() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = years_ago(&t, 15, 0);
    let (_, p) = add(&t, &c, &person(&nhs(30), born, parental(today(&t)))).await;
    let id = p["id"].as_str().unwrap();
    let url = format!("/api/v1/people/{id}");
    let (s, b) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"keyworker": "Jo Key", "setting": "foster_care"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{b}");
    assert_eq!(
        (b["keyworker"].as_str(), b["setting"].as_str()),
        (Some("Jo Key"), Some("foster_care"))
    );
    let (s, b) = t
        .patch_json(&url, Some(&c), &json!({"keyworker": null}))
        .await;
    assert_eq!((s, b["keyworker"].clone()), (Status::Ok, Value::Null));
    // Correcting the date of birth to make them 16 at consent breaks their parental consent.
    let (s, b) = t
        .patch_json(
            &url,
            Some(&c),
            &json!({"date_of_birth": ymd(years_ago(&t, 17, 0))}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (Status::UnprocessableEntity, Some("consent_required")),
        "{b}"
    );
    let (s, b) = t
        .patch_json(&url, Some(&c), &json!({"consent": {"basis": "self"}}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{b}");
    let (s, _) = t
        .patch_json(&url, Some(&c), &json!({"status": "closed"}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    let (s, _) = t
        .patch_json(&url, Some(&c), &json!({"autism": "yes"}))
        .await;
    assert_eq!(s, Status::BadRequest);
    let (_, other) = add(&t, &c, &person(&nhs(31), born, parental(today(&t)))).await;
    let (s, _) = t
        .patch_json(&url, Some(&c), &json!({"nhs_number": other["nhs_number"]}))
        .await;
    assert_eq!(s, Status::Conflict);
    let (_, after) = t.get(&url, Some(&c)).await;
    assert_eq!(
        after["date_of_birth"],
        ymd(born),
        "refused edits changed nothing"
    );
}

#[rocket::async_test]
async fn closing_and_withdrawing() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let admin = t.admin_token().await;
    let stays = new_adult(&t, &c, 40, 30).await;
    let leaves = new_adult(&t, &c, 41, 30).await;
    let withdraws = new_adult(&t, &c, 42, 30).await;

    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{leaves}/close"),
            Some(&c),
            &json!({"closed_on": ymd(today(&t) - Duration::days(31)), "reason": "x"}),
        )
        .await;
    assert_eq!(
        s,
        Status::UnprocessableEntity,
        "not before registration: {b}"
    );
    let (s, b) = t.post_json(&format!("/api/v1/people/{leaves}/close"), Some(&c), &json!({"closed_on": ymd(today(&t) - Duration::days(5)), "reason": "Settled at home; no longer at risk"})).await;
    assert_eq!(
        (s, b["status"].as_str(), b["closed_on"].as_str().is_some()),
        (Status::Ok, Some("closed"), true),
        "{b}"
    );
    assert_eq!(
        t.post_json(
            &format!("/api/v1/people/{leaves}/close"),
            Some(&c),
            &json!({"closed_on": ymd(today(&t)), "reason": "again"})
        )
        .await
        .0,
        Status::Conflict
    );

    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{withdraws}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(today(&t)), "reason": ""}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "a reason is required: {b}");
    let (s, b) = t
        .post_json(
            &format!("/api/v1/people/{withdraws}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(today(&t)), "reason": "Family withdrew consent by letter"}),
        )
        .await;
    assert_eq!(
        (s, b["status"].as_str()),
        (Status::Ok, Some("withdrawn")),
        "{b}"
    );

    let (_, active) = t.get("/api/v1/people", Some(&c)).await;
    let ids: Vec<&str> = active["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [stays.as_str()]);
    let (_, closed) = t.get("/api/v1/people?status=closed", Some(&c)).await;
    assert_eq!(closed["items"][0]["id"], leaves.as_str());
    let (_, past) = t
        .get(
            &format!(
                "/api/v1/people?as_of={}",
                ymd(today(&t) - Duration::days(6))
            ),
            Some(&c),
        )
        .await;
    assert_eq!(
        past["total"], 2,
        "closed 5 days ago: active then; the withdrawn one is gone even from the past"
    );
    assert_eq!(
        t.get(&format!("/api/v1/people/{withdraws}"), Some(&c))
            .await
            .0,
        Status::NotFound
    );
    assert_eq!(
        t.get("/api/v1/people?status=withdrawn", Some(&c)).await.1["total"],
        0
    );

    // Kept, and readable by the records administrator only.
    let (s, kept) = t
        .get(&format!("/api/v1/people/{withdraws}"), Some(&admin))
        .await;
    assert_eq!(
        (s, kept["status"].as_str()),
        (Status::Ok, Some("withdrawn"))
    );
    let (_, admin_list) = t.get("/api/v1/people?status=withdrawn", Some(&admin)).await;
    assert_eq!(admin_list["total"], 1);
    assert_eq!(
        t.get(&format!("/api/v1/people/{stays}"), Some(&admin))
            .await
            .0,
        Status::NotFound
    );
    let (_, trail) = t
        .get(
            &format!("/api/v1/audit?person_id={withdraws}"),
            Some(&admin),
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"person.withdraw") && actions.contains(&"person.create"),
        "{actions:?}"
    );
}

#[rocket::async_test]
async fn each_role_sees_its_share_and_reads_are_audited() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let id = new_adult(&t, &c, 50, 10).await;
    let chair = t.token_for_role("panel_chair").await;
    let member = t.token_for_role("panel_member").await;
    let analyst = t.token_for_role("analyst").await;

    assert_eq!(
        t.get(&format!("/api/v1/people/{id}"), Some(&chair)).await.0,
        Status::Ok
    );
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/close"),
            Some(&chair),
            &json!({"closed_on": ymd(today(&t)), "reason": "x"}),
        )
        .await;
    assert_eq!(s, Status::Forbidden, "chairs read, commissioners write");
    assert_eq!(
        t.get(&format!("/api/v1/people/{id}"), Some(&member))
            .await
            .0,
        Status::NotFound,
        "not on any of their reviews"
    );
    assert_eq!(t.get("/api/v1/people", Some(&member)).await.1["total"], 0);
    assert_eq!(
        t.get("/api/v1/people", Some(&analyst)).await.0,
        Status::Forbidden,
        "no person records for analysts"
    );
    assert_eq!(
        t.get("/api/v1/risk-tool", Some(&analyst)).await.0,
        Status::Ok
    );

    let admin = t.admin_token().await;
    let (_, trail) = t
        .get(&format!("/api/v1/audit?person_id={id}"), Some(&admin))
        .await;
    let reads = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == "person.read")
        .count();
    assert!(reads >= 1, "{trail}");
    let (_, v) = t.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(v["ok"], true);
}
