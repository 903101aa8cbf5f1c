//! Panels by role: a panel member is an expert by experience or a clinical expert (set by the
//! admin), each member seat takes only its own kind, a member with no kind yet cannot be seated,
//! and the chair's double-booking is named and shown by the chair's field.

use crate::register::{nhs, own, person, today, ymd};
use crate::reviews::{member, panel};
use crate::support::*;
use rocket::http::Status;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use time::Duration;

/// An adult on the register for 90 days (own consent), by id.
pub async fn adult(t: &TestApp, token: &str, n: u32) -> String {
    adult_named(t, token, n, "Sam", "Lee").await
}

pub async fn adult_named(t: &TestApp, token: &str, n: u32, given: &str, family: &str) -> String {
    let born = today(t) - Duration::days(365 * 30);
    let joined = today(t) - Duration::days(90);
    let mut body = person(&nhs(n), born, own(joined));
    body["registered_on"] = json!(ymd(joined));
    body["given_name"] = json!(given);
    body["family_name"] = json!(family);
    let (s, p) = t.post_json("/api/v1/people", Some(token), &body).await;
    assert_eq!(s, Status::Created, "{p}");
    p["id"].as_str().unwrap().to_string()
}

fn user_body(username: &str, role: &str, kind: Value) -> Value {
    json!({"username": username, "display_name": format!("Test {username}"), "role": role,
           "password": "a long enough password", "panel_kind": kind})
}

#[rocket::async_test]
async fn a_panel_member_needs_a_kind_and_the_list_shows_it() {
    let t = TestApp::new().await;
    let admin = t.admin_token().await;
    for (body, field) in [
        (
            user_body("no.kind", "panel_member", Value::Null),
            "panel_kind",
        ),
        (
            user_body("bad.kind", "panel_member", json!("doctor")),
            "panel_kind",
        ),
        (
            user_body("chair.kind", "panel_chair", json!("clinical_expert")),
            "panel_kind",
        ),
    ] {
        let (s, e) = t.post_json("/api/v1/users", Some(&admin), &body).await;
        assert_eq!(s, Status::UnprocessableEntity, "{body}: {e}");
        assert!(e["error"]["fields"][field].is_array(), "{e}");
    }
    let (s, created) = t
        .post_json(
            "/api/v1/users",
            Some(&admin),
            &user_body("cleo.c", "panel_member", json!("clinical_expert")),
        )
        .await;
    assert_eq!(s, Status::Created, "{created}");
    assert_eq!(created["panel_kind"], "clinical_expert");
    let (_, chair) = t
        .post_json(
            "/api/v1/users",
            Some(&admin),
            &user_body("pat.c", "panel_chair", Value::Null),
        )
        .await;
    assert_eq!(chair["panel_kind"], Value::Null);
    let (_, list) = t.get("/api/v1/users?per_page=500", Some(&admin)).await;
    let kind_of = |name: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .map(|u| u["panel_kind"].clone())
    };
    assert_eq!(kind_of("cleo.c"), Some(json!("clinical_expert")));
    assert_eq!(kind_of("pat.c"), Some(Value::Null));
    assert_eq!(kind_of("no.kind"), None, "nothing was created");
}

#[rocket::async_test]
async fn each_seat_takes_only_its_own_kind() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let id = adult(&t, &c, 1).await;
    let day = ymd(today(&t) + Duration::days(7));
    let url = format!("/api/v1/people/{id}/reviews");
    let body = |e: &str, k: &str| {
        json!({"kind": "community", "scheduled_for": day, "chair_id": p.chair.0,
               "expert_by_experience_id": e, "clinical_expert_id": k})
    };
    // A second expert by experience and a second clinician, swapped into the wrong seats.
    let other_expert = member(&t, "expert_by_experience").await;
    let other_clinician = member(&t, "clinical_expert").await;
    let (s, e) = t
        .post_json(&url, Some(&c), &body(&p.expert.0, &other_expert.0))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    let why = e["error"]["fields"]["clinical_expert_id"][0]
        .as_str()
        .unwrap();
    assert!(why.contains("clinical expert"), "{why}");
    assert!(
        e["error"]["fields"]
            .get("expert_by_experience_id")
            .is_none(),
        "{e}"
    );
    let (s, e) = t
        .post_json(&url, Some(&c), &body(&other_clinician.0, &p.clinician.0))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(
        e["error"]["fields"]["expert_by_experience_id"].is_array(),
        "{e}"
    );
    // The same person in both member seats is still the three-people rule.
    let (s, e) = t
        .post_json(&url, Some(&c), &body(&p.expert.0, &p.expert.0))
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(e.to_string().contains("three different people"), "{e}");
    let (_, listed) = t.get("/api/v1/reviews", Some(&c)).await;
    assert_eq!(listed["total"], 0, "nothing was booked");
    let (s, r) = t
        .post_json(&url, Some(&c), &body(&p.expert.0, &p.clinician.0))
        .await;
    assert_eq!(s, Status::Created, "{r}");
}

#[rocket::async_test]
async fn a_panel_member_with_no_kind_is_seated_once_the_admin_sets_it() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let admin = t.admin_token().await;
    let p = panel(&t).await;
    // A panel member from before panel kinds: none on file.
    let legacy = member(&t, "clinical_expert").await;
    tcr::entities::user::Entity::update_many()
        .col_expr(
            tcr::entities::user::Column::PanelKind,
            Expr::value(Option::<String>::None),
        )
        .filter(tcr::entities::user::Column::Id.eq(legacy.0.clone()))
        .exec(&t.db)
        .await
        .unwrap();
    let id = adult(&t, &c, 2).await;
    let body = json!({"kind": "community", "scheduled_for": ymd(today(&t) + Duration::days(7)),
        "chair_id": p.chair.0, "expert_by_experience_id": p.expert.0, "clinical_expert_id": legacy.0});
    let url = format!("/api/v1/people/{id}/reviews");
    let (s, e) = t.post_json(&url, Some(&c), &body).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(
        e["error"]["fields"]["clinical_expert_id"][0]
            .as_str()
            .unwrap()
            .contains("the admin must set it"),
        "{e}"
    );

    // The Users page asks for it.
    t.page_login("admin", ADMIN_PASSWORD).await;
    let (_, users) = t.page("/admin/users").await;
    assert!(users.contains("Not set"), "{users}");
    assert!(users.contains(&format!("action=\"/admin/users/{}/panel-kind\"", legacy.0)));

    let kind_url = format!("/api/v1/users/{}/panel-kind", legacy.0);
    assert_eq!(
        t.post_json(
            &kind_url,
            Some(&c),
            &json!({"panel_kind": "clinical_expert"})
        )
        .await
        .0,
        Status::Forbidden
    );
    let (s, e) = t
        .post_json(&kind_url, Some(&admin), &json!({"panel_kind": "surgeon"}))
        .await;
    assert_eq!(s, Status::UnprocessableEntity, "{e}");
    assert!(e["error"]["fields"]["panel_kind"].is_array());
    let chair_url = format!("/api/v1/users/{}/panel-kind", p.chair.0);
    assert_eq!(
        t.post_json(
            &chair_url,
            Some(&admin),
            &json!({"panel_kind": "clinical_expert"})
        )
        .await
        .0,
        Status::Conflict,
        "only panel members have a kind"
    );
    // Set through the Users page form.
    let csrf = extract_csrf(&users).unwrap();
    let (s, _, to) = t
        .post_form(
            &format!("/admin/users/{}/panel-kind", legacy.0),
            &[("csrf_token", &csrf), ("panel_kind", "clinical_expert")],
        )
        .await;
    assert_eq!((s, to.as_deref()), (Status::SeeOther, Some("/admin/users")));
    let (_, users) = t.page("/admin/users").await;
    assert!(!users.contains("Not set"), "{users}");
    assert!(
        users.contains("is now a clinical expert panel member"),
        "{users}"
    );
    // Setting it again to the same kind is a conflict; the audit trail has the change.
    assert_eq!(
        t.post_json(
            &kind_url,
            Some(&admin),
            &json!({"panel_kind": "clinical_expert"})
        )
        .await
        .0,
        Status::Conflict
    );
    let (_, trail) = t.get("/api/v1/audit?per_page=500", Some(&admin)).await;
    assert!(
        trail["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "user.panel_kind" && e["entity_id"] == legacy.0),
        "{trail}"
    );
    let (s, r) = t.post_json(&url, Some(&c), &body).await;
    assert_eq!(s, Status::Created, "{r}");
}

#[rocket::async_test]
async fn the_new_user_form_asks_for_the_panel_kind_and_keeps_what_was_typed() {
    let t = TestApp::new().await;
    t.page_login("admin", ADMIN_PASSWORD).await;
    let (_, form) = t.page("/admin/users/new").await;
    assert!(form.contains("name=\"panel_kind\" type=\"radio\" value=\"expert_by_experience\""));
    let csrf = extract_csrf(&form).unwrap();
    let fields = |kind: &'static str| {
        vec![
            ("display_name", "Sam Sharma"),
            ("username", "sam.sharma"),
            ("role", "panel_member"),
            ("password", "a long enough password"),
            ("panel_kind", kind),
        ]
    };
    let mut missing = vec![("csrf_token", csrf.as_str())];
    missing.extend(fields(""));
    let (s, page, _) = t.post_form("/admin/users", &missing).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(page.contains("href=\"#panel_kind\""), "{page}");
    assert!(page.contains("value=\"sam.sharma\""));
    assert!(page.contains(
        "id=\"role-panel_member\" name=\"role\" type=\"radio\" value=\"panel_member\" checked"
    ));
    let mut given = vec![("csrf_token", csrf.as_str())];
    given.extend(fields("expert_by_experience"));
    let (s, _, _) = t.post_form("/admin/users", &given).await;
    assert_eq!(s, Status::SeeOther);
    let admin = t.admin_token().await;
    let (_, list) = t.get("/api/v1/users?per_page=500", Some(&admin)).await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "sam.sharma" && u["panel_kind"] == "expert_by_experience")
    );
}

/// The options of one `<select>` on a page.
pub fn options_of(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let end = html[start..].find("</select>").unwrap() + start;
    html[start..end].to_string()
}

#[rocket::async_test]
async fn the_schedule_form_lists_only_the_right_people_and_shows_the_chairs_clash_by_the_chair() {
    let t = TestApp::new().await;
    let c = t.token_for_role("commissioner").await;
    let p = panel(&t).await;
    let (chair_user, chair_pw) = t.user_with_role("panel_chair").await;
    let chair_token = t.login(&chair_user, &chair_pw).await;
    let (_, me) = t.get("/api/v1/me", Some(&chair_token)).await;
    let chair_id = me["id"].as_str().unwrap().to_string();
    let a = adult(&t, &c, 3).await;
    let b = adult(&t, &c, 4).await;
    let day = today(&t) + Duration::days(7);
    // The chair already chairs a review that day.
    let (s, r) = t
        .post_json(
            &format!("/api/v1/people/{a}/reviews"),
            Some(&c),
            &json!({"kind": "laep", "scheduled_for": ymd(day), "chair_id": chair_id}),
        )
        .await;
    assert_eq!(s, Status::Created, "{r}");
    let (s, e) = t
        .post_json(
            &format!("/api/v1/people/{b}/reviews"),
            Some(&c),
            &json!({"kind": "laep", "scheduled_for": ymd(day), "chair_id": chair_id}),
        )
        .await;
    assert_eq!(s, Status::Conflict);
    let message = e["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("Test panel_chair (the chair)"),
        "{message}"
    );
    assert!(
        e["error"].get("fields").is_none(),
        "a 409 carries no fields: {e}"
    );

    assert_eq!(t.page_login(&chair_user, &chair_pw).await, Status::SeeOther);
    let (_, form) = t.page(&format!("/people/{b}/reviews/new")).await;
    let experts = options_of(&form, "expert_by_experience_id");
    let clinicians = options_of(&form, "clinical_expert_id");
    assert!(
        experts.contains(&p.expert.0) && !experts.contains(&p.clinician.0),
        "{experts}"
    );
    assert!(clinicians.contains(&p.clinician.0) && !clinicians.contains(&p.expert.0));

    let csrf = extract_csrf(&form).unwrap();
    let d = ymd(day);
    let (s, page, _) = t
        .post_form(
            &format!("/people/{b}/reviews"),
            &[
                ("csrf_token", &csrf),
                ("kind", "laep"),
                ("scheduled_for", &d),
                ("confirm_day_off", &d),
                ("chair_id", &chair_id),
                ("starts_at", "10:00"),
            ],
        )
        .await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(page.contains("<a href=\"#chair_id\">"), "{page}");
    let chair_group = &page[page
        .find("<label class=\"label\" for=\"chair_id\"")
        .unwrap()..];
    let chair_group = &chair_group[..chair_group.find("</select>").unwrap()];
    assert!(
        chair_group.contains("(the chair) is already on the panel"),
        "{chair_group}"
    );
    assert!(page.contains("value=\"10:00\""), "what was typed is kept");
}
