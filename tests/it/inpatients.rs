//! Inpatients for NHS England's Assuring Transformation collection (issue 17): inpatient-only
//! entries, withdrawal during a stay, objections.

use crate::register::{answers, nhs, own, parental, person, today, ymd};
use crate::support::*;
use rocket::http::Status;
use serde_json::{Value, json};
use tcr::domain::returns::{Count, Period, ReturnKind};
use tcr::services::returns;
use time::{Date, Duration, Weekday};

/// The last Sunday before today.
fn last_sunday(t: &TestApp) -> Date {
    let mut sunday = today(t) - Duration::days(1);
    while sunday.weekday() != Weekday::Sunday {
        sunday -= Duration::days(1);
    }
    sunday
}

fn admission(on: Date) -> Value {
    json!({"admitted_on": ymd(on), "hospital": "Cavell Centre", "hospital_ods_code": "rt1ab",
           "security_level": "none", "legal_status": "section_3"})
}

pub fn inpatient(nhs_number: &str, born: Date, admitted: Date) -> Value {
    json!({"nhs_number": nhs_number, "given_name": "Ola", "family_name": "Nowak",
           "date_of_birth": ymd(born), "sex": "female", "postcode": "pe2 5aa",
           "local_authority": "Peterborough", "learning_disability": true, "autism": false,
           "admission": admission(admitted)})
}

async fn weekly(t: &TestApp, sunday: Date) -> returns::Figures {
    let week = Period::parse(ReturnKind::Weekly, &ymd(sunday)).unwrap();
    returns::compute(&t.app, week).await.unwrap().0
}

async fn monthly(t: &TestApp, day: Date) -> returns::Figures {
    let label = format!("{}-{:02}", day.year(), u8::from(day.month()));
    let month = Period::parse(ReturnKind::Monthly, &label).unwrap();
    returns::compute(&t.app, month).await.unwrap().0
}

#[rocket::async_test]
async fn an_inpatient_only_entry_is_reported_weekly_and_never_on_the_register() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let sunday = last_sunday(&t);
    let admitted = sunday - Duration::days(20);
    let born = today(&t) - Duration::days(365 * 30);
    let (s, made) = t
        .post_json(
            "/api/v1/inpatients",
            Some(&c),
            &inpatient(&nhs(71), born, admitted),
        )
        .await;
    assert_eq!(s, Status::Created, "{made}");
    assert_eq!(made["status"], "inpatient_only");
    assert_eq!(made["registered_on"], Value::Null);
    assert_eq!(made["consent"], Value::Null);
    assert_eq!(made["rating"], Value::Null, "never rated");
    assert_eq!(made["in_hospital"], true);
    assert_eq!(made["admission"]["hospital_ods_code"], "RT1AB");
    let id = made["id"].as_str().unwrap().to_string();

    // Not in the register list; found when asked for by status.
    let (_, list) = t.get("/api/v1/people", Some(&c)).await;
    assert_eq!(list["total"], 0, "{list}");
    let (_, only) = t
        .get("/api/v1/people?status=inpatient_only", Some(&c))
        .await;
    assert_eq!(only["items"][0]["id"], id.as_str(), "{only}");

    // The stay's deadlines apply: a post-admission review and oversight visits.
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let kinds: Vec<&str> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"visit") && kinds.contains(&"review"),
        "{due}"
    );

    // Never rated.
    let (s, e) = t
        .post_json(
            &format!("/api/v1/people/{id}/risk-assessments"),
            Some(&c),
            &json!({"assessed_on": ymd(today(&t)), "answers": answers(&[]), "rating": null, "override_reason": null}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "{e}");

    // In the weekly return on the Assuring Transformation basis; not in the monthly register.
    let week = weekly(&t, sunday).await;
    assert_eq!(week.weekly_rows.len(), 1);
    assert_eq!(
        week.weekly_rows[0].basis.as_str(),
        "assuring_transformation"
    );
    assert_eq!(week.weekly_rows[0].length_of_stay_days, 20);
    assert_eq!(week.counts.get(Count::InHospital), 1);
    assert_eq!(week.counts.get(Count::OnRegister), 0);
    let month = monthly(&t, sunday).await;
    assert!(month.monthly_rows.is_empty());
    assert_eq!(month.counts.get(Count::OnRegister), 0);
    assert_eq!(month.counts.get(Count::Added), 0);
    assert_eq!(
        month
            .counts
            .get(Count::Rated(Some(tcr::domain::risk::Rating::Blue))),
        0
    );

    // The dashboard counts them among the inpatients, not by rating.
    let counts = tcr::services::watch::counts(&t.app, today(&t))
        .await
        .unwrap();
    assert_eq!(counts.in_hospital, 1);
    assert_eq!(counts.ratings.values().sum::<u64>(), 0);

    // The same NHS number through the consent gate: the entry joins the register, with its stay.
    let joined_on = today(&t);
    let (s, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(71), born, own(joined_on)),
        )
        .await;
    assert_eq!(s, Status::Created, "{p}");
    assert_eq!(p["id"], id.as_str(), "the same entry");
    assert_eq!(p["status"], "active");
    assert_eq!(p["rating"], "blue", "in hospital on the register");
    assert_eq!(p["registered_on"], ymd(joined_on));
    let (_, stays) = t
        .get(&format!("/api/v1/people/{id}/admissions"), Some(&c))
        .await;
    assert_eq!(stays["total"], 1, "{stays}");
    // The week before they joined still reads them as inpatient-only.
    assert_eq!(weekly(&t, sunday).await, week);
}

#[rocket::async_test]
async fn inpatient_entries_are_checked_and_unique() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 20);
    let mut body = inpatient(&nhs(72), born, today(&t));
    body["admission"]["hospital_ods_code"] = json!("R-1");
    body["admission"]["admitted_on"] = json!(ymd(today(&t) + Duration::days(1)));
    let (s, e) = t.post_json("/api/v1/inpatients", Some(&c), &body).await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    for field in ["admission.hospital_ods_code", "admission.admitted_on"] {
        assert!(e["error"]["fields"][field].is_array(), "{field}: {e}");
    }
    body.as_object_mut().unwrap().remove("admission");
    let (s, e) = t.post_json("/api/v1/inpatients", Some(&c), &body).await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(e["error"]["fields"]["admission"].is_array(), "{e}");

    // Someone already on the register is admitted on their entry instead.
    let (s, _) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(73), born, own(today(&t))),
        )
        .await;
    assert_eq!(s, Status::Created);
    let (s, e) = t
        .post_json(
            "/api/v1/inpatients",
            Some(&c),
            &inpatient(&nhs(73), born, today(&t)),
        )
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    // Nothing half-written.
    let (_, all) = t
        .get("/api/v1/people?status=inpatient_only", Some(&c))
        .await;
    assert_eq!(all["total"], 0, "{all}");
    // Analysts and panel members may not record them.
    let chair = t.token_for_role("panel_chair").await;
    let (s, _) = t
        .post_json(
            "/api/v1/inpatients",
            Some(&chair),
            &inpatient(&nhs(74), born, today(&t)),
        )
        .await;
    assert_eq!(s, Status::Forbidden);
}

#[rocket::async_test]
async fn an_objection_de_identifies_their_rows() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let sunday = last_sunday(&t);
    let born = today(&t) - Duration::days(365 * 14);
    let (s, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(75), born, parental(sunday - Duration::days(40))),
        )
        .await;
    assert_eq!(s, Status::Created, "{p}");
    let id = p["id"].as_str().unwrap();
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &admission(sunday - Duration::days(10)),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let before = weekly(&t, sunday).await;
    assert_eq!(before.weekly_rows[0].name, "Sam Lee");

    let (s, e) = t
        .post_json(
            &format!("/api/v1/people/{id}/objection"),
            Some(&c),
            &json!({"recorded_on": ymd(today(&t) + Duration::days(1)), "objects": true}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "a future day: {e}");
    let (s, v) = t
        .post_json(
            &format!("/api/v1/people/{id}/objection"),
            Some(&c),
            &json!({"recorded_on": ymd(today(&t)), "objects": true}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["objects_since"], ymd(today(&t)));
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/objection"),
            Some(&c),
            &json!({"recorded_on": ymd(today(&t)), "objects": true}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "already recorded");

    let after = weekly(&t, sunday).await;
    let row = &after.weekly_rows[0];
    assert_eq!(row.nhs_number, "");
    assert!(
        row.name.starts_with("L-") && !row.name.contains("Lee"),
        "{}",
        row.name
    );
    assert_eq!(row.local_reference.as_deref(), Some(row.name.as_str()));
    assert_eq!(row.age_band, "0-17");
    let month = monthly(&t, sunday).await;
    if let Some(r) = month.monthly_rows.first() {
        assert_eq!(r.nhs_number, "");
        assert!(r.local_reference.is_some());
    }
    // The CSV carries no NHS number or name either.
    let (s, generated) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "weekly", "period": ymd(sunday)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{generated}");
    let rid = generated["id"].as_str().unwrap();
    let (s, _, _, csv) = t
        .download(&format!("/api/v1/returns/{rid}/csv"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    let csv = String::from_utf8(csv).unwrap();
    assert!(!csv.contains("Lee") && !csv.contains(&nhs(75)), "{csv}");
    assert!(csv.contains(row.name.as_str()), "{csv}");

    // Withdrawing the objection makes the rows identifiable again.
    let (s, _) = t
        .post_json(
            &format!("/api/v1/people/{id}/objection"),
            Some(&c),
            &json!({"recorded_on": ymd(today(&t)), "objects": false}),
        )
        .await;
    assert_eq!(s, Status::Ok);
    assert_eq!(weekly(&t, sunday).await.weekly_rows[0].name, "Sam Lee");
}

#[rocket::async_test]
async fn withdrawal_during_a_stay_keeps_the_weekly_row_until_discharge() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let sunday = last_sunday(&t);
    let born = today(&t) - Duration::days(365 * 30);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(76), born, own(sunday - Duration::days(60))),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    let (_, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &admission(sunday - Duration::days(30)),
        )
        .await;
    let before = weekly(&t, sunday).await;
    assert_eq!(before.weekly_rows.len(), 1);
    assert_eq!(before.weekly_rows[0].basis.as_str(), "register");

    let (s, w) = t
        .post_json(
            &format!("/api/v1/people/{id}/consent/withdraw"),
            Some(&c),
            &json!({"withdrawn_on": ymd(sunday - Duration::days(5)), "reason": "Does not want to be on the register"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{w}");
    let after = weekly(&t, sunday).await;
    assert_eq!(
        after.weekly_rows.len(),
        1,
        "still in hospital: still reported"
    );
    assert_eq!(
        after.weekly_rows[0].basis.as_str(),
        "assuring_transformation"
    );
    assert_eq!(after.weekly_rows[0].length_of_stay_days, 30);
    assert_eq!(
        after.counts.get(Count::OnRegister),
        0,
        "but not on the register"
    );
    let month = monthly(&t, sunday).await;
    assert!(month.monthly_rows.is_empty(), "nor in the monthly rows");
    // Gone from every list.
    let (_, list) = t.get("/api/v1/people", Some(&c)).await;
    assert_eq!(list["total"], 0);
    let _ = stay;
}

#[rocket::async_test]
async fn a_transfer_keeps_one_spell() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let sunday = last_sunday(&t);
    let admitted = sunday - Duration::days(40);
    let born = today(&t) - Duration::days(365 * 30);
    let (_, p) = t
        .post_json(
            "/api/v1/people",
            Some(&c),
            &person(&nhs(77), born, own(admitted - Duration::days(30))),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    let (s, stay) = t
        .post_json(
            &format!("/api/v1/people/{id}/admissions"),
            Some(&c),
            &admission(admitted),
        )
        .await;
    assert_eq!(s, Status::Created, "{stay}");
    let first = stay["id"].as_str().unwrap().to_string();
    assert_eq!(stay["spell_id"], first.as_str());
    let (_, due_before) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let week_before = weekly(&t, sunday - Duration::days(14)).await;

    let moved_on = sunday - Duration::days(10);
    let body = |on: Date, hospital: &str| {
        json!({"transferred_on": ymd(on), "hospital": hospital, "hospital_ods_code": "rv5",
               "security_level": "medium", "legal_status": "section_3"})
    };
    let path = format!("/api/v1/admissions/{first}/transfer");
    let (s, e) = t
        .post_json(
            &path,
            Some(&c),
            &body(admitted - Duration::days(1), "Oak Ward"),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "before the admission: {e}");
    let (s, e) = t
        .post_json(&path, Some(&c), &json!({"transferred_on": ymd(moved_on), "hospital": "Cavell Centre",
                    "hospital_ods_code": "RT1AB", "security_level": "none", "legal_status": "section_3"}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "the same hospital: {e}");
    let (s, moved) = t
        .post_json(&path, Some(&c), &body(moved_on, "Oak Ward"))
        .await;
    assert_eq!(s, Status::Created, "{moved}");
    assert_eq!(moved["spell_id"], first.as_str(), "the same spell");
    assert_ne!(moved["id"], first.as_str(), "a new episode");
    assert_eq!(moved["admitted_on"], ymd(admitted));
    assert_eq!(moved["episode_started_on"], ymd(moved_on));
    assert_eq!(moved["hospital"], "Oak Ward");
    assert_eq!(moved["episodes"].as_array().unwrap().len(), 2, "{moved}");
    assert_eq!(moved["episodes"][0]["hospital"], "Cavell Centre");
    assert_eq!(moved["episodes"][0]["ended_on"], ymd(moved_on));

    // No discharge: still blue, no red rating, the same post-admission review due.
    let (_, now) = t.get(&format!("/api/v1/people/{id}"), Some(&c)).await;
    assert_eq!(now["rating"], "blue");
    assert_eq!(now["in_hospital"], true);
    let (_, ratings) = t
        .get(&format!("/api/v1/people/{id}/ratings"), Some(&c))
        .await;
    assert_eq!(ratings["total"], 1, "only the admission's blue: {ratings}");
    let (_, due_after) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let reviews = |due: &Value| -> Vec<Value> {
        due["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "review")
            .cloned()
            .collect()
    };
    assert_eq!(
        reviews(&due_after),
        reviews(&due_before),
        "no new review is owed"
    );

    // The weekly return: one spell, its start and length, the hospital as at each week.
    let week = weekly(&t, sunday).await;
    assert_eq!(week.weekly_rows.len(), 1);
    let row = &week.weekly_rows[0];
    assert_eq!(row.admitted_on, admitted);
    assert_eq!(row.length_of_stay_days, 40);
    assert_eq!(row.hospital, "Oak Ward");
    assert_eq!(row.security_level, "medium");
    assert_eq!(
        weekly(&t, sunday - Duration::days(14)).await,
        week_before,
        "an earlier week as it stood"
    );
    assert_eq!(week_before.weekly_rows[0].hospital, "Cavell Centre");
    assert_eq!(week.counts.get(Count::Discharges), 0);

    // The ended episode's id is refused, naming the spell's current one; the new one works.
    let (s, e) = t
        .post_json(
            &format!("/api/v1/admissions/{first}/discharge"),
            Some(&c),
            &json!({"discharged_on": ymd(today(&t)), "destination": "Home"}),
        )
        .await;
    assert_eq!(s, Status::Ok, "the spell's own id still addresses it: {e}");
    let (s, e) = t
        .post_json(&path, Some(&c), &body(today(&t), "Elm House"))
        .await;
    assert_eq!(
        s,
        Status::Conflict,
        "a discharged spell is not transferred: {e}"
    );
}

#[rocket::async_test]
async fn an_ended_episode_is_a_conflict_naming_the_current_one() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 30);
    let admitted = today(&t) - Duration::days(20);
    let (_, made) = t
        .post_json(
            "/api/v1/inpatients",
            Some(&c),
            &inpatient(&nhs(78), born, admitted),
        )
        .await;
    let first = made["admission"]["id"].as_str().unwrap().to_string();
    let (s, moved) = t
        .post_json(
            &format!("/api/v1/admissions/{first}/transfer"),
            Some(&c),
            &json!({"transferred_on": ymd(today(&t) - Duration::days(5)), "hospital": "Oak Ward",
                    "security_level": "low", "legal_status": "section_3"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{moved}");
    let second = moved["id"].as_str().unwrap().to_string();
    let (s, again) = t
        .post_json(
            &format!("/api/v1/admissions/{second}/transfer"),
            Some(&c),
            &json!({"transferred_on": ymd(today(&t)), "hospital": "Elm House",
                    "security_level": "low", "legal_status": "section_3"}),
        )
        .await;
    assert_eq!(s, Status::Created, "{again}");
    let (s, e) = t
        .patch_json(
            &format!("/api/v1/admissions/{second}"),
            Some(&c),
            &json!({"security_level": "none"}),
        )
        .await;
    assert_eq!(s, Status::Conflict, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains(again["id"].as_str().unwrap()),
        "{e}"
    );
    assert_eq!(again["episodes"].as_array().unwrap().len(), 3);
    // The weekly return's row shows the spell from its start, on the AT basis.
    let (_, list) = t
        .get(
            &format!("/api/v1/people/{}/admissions", made["id"].as_str().unwrap()),
            Some(&c),
        )
        .await;
    assert_eq!(list["total"], 1, "one spell: {list}");
}

#[rocket::async_test]
async fn the_collections_items_are_recorded_dated_and_exported() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let sunday = last_sunday(&t);
    let admitted = sunday - Duration::days(20);
    let born = today(&t) - Duration::days(365 * 19);
    let (_, made) = t
        .post_json(
            "/api/v1/inpatients",
            Some(&c),
            &inpatient(&nhs(79), born, admitted),
        )
        .await;
    let stay = made["admission"]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/admissions/{stay}");

    // Codes outside the policy's lists, and a barrier before the admission, are refused.
    let (s, e) = t
        .patch_json(
            &path,
            Some(&c),
            &json!({"admission_reason": "boredom", "discharge_barriers": [
                {"code": "funding", "since": ymd(admitted - Duration::days(1))}]}),
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(e["error"]["fields"]["admission_reason"].is_array(), "{e}");
    assert!(
        e["error"]["fields"]["discharge_barriers.0.since"].is_array(),
        "{e}"
    );

    let items = json!({
        "effective_on": ymd(sunday - Duration::days(5)),
        "provider": "Fens NHS Trust", "admission_reason": "risk_to_self",
        "diagnosed_after_admission": "autism", "advocate_type": "imha",
        "discharge_barriers": [{"code": "funding", "since": ymd(sunday - Duration::days(10))}],
        "ehc_plan": "no", "cqc_rating": "good",
        "section17_leave_from": ymd(sunday - Duration::days(3)),
        "section17_leave_to": ymd(sunday + Duration::days(4)),
    });
    let (s, v) = t.patch_json(&path, Some(&c), &items).await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["admission_reason"], "risk_to_self");
    assert_eq!(v["discharge_barriers"][0]["code"], "funding");
    assert_eq!(v["on_register_before_admission"], false);

    // A later change: the week as it stood keeps the earlier advocate.
    let (s, v) = t
        .patch_json(
            &path,
            Some(&c),
            &json!({"advocate_type": "none", "discharge_barriers": []}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    assert_eq!(v["advocate_type"], "none");
    assert_eq!(v["discharge_barriers"], Value::Null, "cleared");
    let week = weekly(&t, sunday).await;
    let at = week.weekly_rows[0].at.as_ref().unwrap();
    assert_eq!(at.items.advocate_type.as_deref(), Some("imha"));
    assert_eq!(at.items.discharge_barriers.len(), 1);
    assert_eq!(at.hospital_ods_code.as_deref(), Some("RT1AB"));

    // The monthly return carries the same spells for the collection's month-end cut.
    assert_eq!(monthly(&t, sunday).await.weekly_rows.len(), 1);

    // The export: the policy's columns in its order, one row per spell.
    let (s, generated) = t
        .post_json(
            "/api/v1/returns",
            Some(&c),
            &json!({"kind": "weekly", "period": ymd(sunday)}),
        )
        .await;
    assert_eq!(s, Status::Created, "{generated}");
    let rid = generated["id"].as_str().unwrap();
    let (s, kind, _, bytes) = t
        .download(&format!("/api/v1/returns/{rid}/at.csv"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], t.app.policies.collection.export.columns.join(","));
    let header: Vec<&str> = lines[0].split(',').collect();
    let row: Vec<&str> = lines[1].split(',').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("admission_reason"), "risk_to_self");
    assert_eq!(cell("advocate_type"), "imha");
    assert_eq!(
        cell("discharge_barriers"),
        format!("funding:{}", sunday - Duration::days(10))
    );
    assert_eq!(cell("basis"), "assuring_transformation");
    assert_eq!(cell("on_register_before_admission"), "no");
    assert_eq!(cell("spell_start"), ymd(admitted));
    assert_eq!(cell("nhs_number"), nhs(79).replace(' ', ""));
    // The weekly return's own CSV shows the items too, after its columns.
    let (s, _, _, bytes) = t
        .download(&format!("/api/v1/returns/{rid}/csv"), Some(&c))
        .await;
    assert_eq!(s, Status::Ok);
    let weekly_csv = String::from_utf8(bytes).unwrap();
    assert!(
        weekly_csv
            .lines()
            .next()
            .unwrap()
            .ends_with("EHC plan,CQC rating"),
        "{weekly_csv}"
    );
    assert!(
        weekly_csv.contains(",risk_to_self,") && weekly_csv.contains(",imha,"),
        "{weekly_csv}"
    );
    // Analysts never get it.
    let analyst = t.token_for_role("analyst").await;
    let (s, _, _, _) = t
        .download(&format!("/api/v1/returns/{rid}/at.csv"), Some(&analyst))
        .await;
    assert_eq!(s, Status::Forbidden);
}

#[rocket::async_test]
async fn an_inadequate_hospital_raises_a_notification_until_it_is_recorded() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let born = today(&t) - Duration::days(365 * 30);
    let admitted = today(&t) - Duration::days(12);
    let (_, made) = t
        .post_json(
            "/api/v1/inpatients",
            Some(&c),
            &inpatient(&nhs(81), born, admitted),
        )
        .await;
    let id = made["id"].as_str().unwrap().to_string();
    let stay = made["admission"]["id"].as_str().unwrap().to_string();
    let notification = |due: &Value| -> Option<Value> {
        due["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["kind"] == "notification")
            .cloned()
    };
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    assert_eq!(notification(&due), None, "{due}");

    let rated_on = today(&t) - Duration::days(5);
    let (s, v) = t
        .patch_json(
            &format!("/api/v1/admissions/{stay}"),
            Some(&c),
            &json!({"cqc_rating": "inadequate", "effective_on": ymd(rated_on)}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    let owed = notification(&due).expect("a notification is owed");
    assert_eq!(owed["due_by"], ymd(rated_on + Duration::days(3)));
    assert_eq!(owed["overdue"], true);
    let counts = tcr::services::watch::counts(&t.app, today(&t))
        .await
        .unwrap();
    assert_eq!(
        counts.overdue_visits, 1,
        "on the dashboard, with the oversight items"
    );

    let (s, v) = t
        .patch_json(
            &format!("/api/v1/admissions/{stay}"),
            Some(&c),
            &json!({"cqc_notified_on": ymd(today(&t))}),
        )
        .await;
    assert_eq!(s, Status::Ok, "{v}");
    let (_, due) = t.get(&format!("/api/v1/people/{id}/due"), Some(&c)).await;
    assert_eq!(notification(&due), None, "done: {due}");
}

#[rocket::async_test]
async fn an_inpatient_only_entrys_review_is_held_only_with_their_agreement() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = crate::reviews::panel(&t).await;
    let born = today(&t) - Duration::days(365 * 30);
    let admitted = today(&t) - Duration::days(20);
    let (_, made) = t
        .post_json(
            "/api/v1/inpatients",
            Some(&c),
            &inpatient(&nhs(83), born, admitted),
        )
        .await;
    let id = made["id"].as_str().unwrap();
    let held = today(&t) - Duration::days(2);
    let (s, r) = t
        .post_json(
            &format!("/api/v1/people/{id}/reviews"),
            Some(&c),
            &json!({"kind": "post_admission", "scheduled_for": ymd(held), "chair_id": p.chair.0,
                    "expert_by_experience_id": p.expert.0, "clinical_expert_id": p.clinician.0}),
        )
        .await;
    assert_eq!(s, Status::Created, "{r}");
    let path = format!("/api/v1/reviews/{}/outcome", r["id"].as_str().unwrap());
    let mut outcome = json!({"held_on": ymd(held), "findings": crate::reviews::findings_ctr(),
                             "recommendations": "Plan the discharge", "actions": []});
    let (s, e) = t.post_json(&path, Some(&p.chair.1), &outcome).await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert_eq!(e["error"]["code"], "consent_required");
    outcome["person_agreed"] = json!(true);
    let (s, h) = t.post_json(&path, Some(&p.chair.1), &outcome).await;
    assert_eq!(s, Status::Ok, "{h}");
    assert_eq!(h["status"], "held");
}
