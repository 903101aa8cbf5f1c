//! JSON handlers: parse → authorise (the `Caller` guard) → one service call → respond.

pub mod audit;
pub mod body;
pub mod corrections;
pub mod escalations;
pub mod export;
pub mod figures;
pub mod health;
pub mod openapi;
pub mod people;
pub mod record;
pub mod referrals;
pub mod returns;
pub mod review_moves;
pub mod reviews;
pub mod session;
pub mod types;
pub mod users;

use rocket::Route;

pub fn routes() -> Vec<Route> {
    let mut all = rocket::routes![
        health::health,
        openapi::openapi,
        session::login,
        session::logout,
        session::me,
        session::change_password,
        users::list,
        users::create,
        users::get,
        users::deactivate,
        users::reactivate,
        users::reset_password,
        users::set_panel_kind,
        users::set_email,
        audit::trail,
        audit::verify,
        people::create,
        people::list,
        people::get,
        people::update,
        people::withdraw,
        people::close,
        people::record_inpatient,
        people::objection,
        people::risk_tool,
        people::assess,
        people::ratings,
        people::admit,
        people::admissions_of,
        people::discharge,
        people::transfer,
        corrections::update_admission,
        corrections::void_assessment,
        corrections::amend_outcome,
        corrections::add_addendum,
        corrections::addenda,
        people::visit,
        referrals::create,
        referrals::list,
        referrals::get,
        referrals::decide,
        referrals::outcome_sent,
        reviews::schedule,
        reviews::list,
        reviews::get,
        reviews::outcome,
        reviews::report_sent,
        reviews::report_pdf,
        reviews::easy_read_pdf,
        reviews::cancel,
        review_moves::change,
        reviews::update_action,
        reviews::actions,
        reviews::action_owners,
        reviews::due,
        returns::create,
        returns::list,
        returns::get,
        returns::pdf,
        returns::csv,
        returns::at_csv,
        figures::get,
        figures::pdf,
        record::notes,
        record::add_note,
        record::chronology,
        record::person_documents,
        record::upload_to_person,
        record::review_documents,
        record::upload_to_review,
        record::download,
        escalations::raise,
        escalations::list,
        escalations::get,
        escalations::close,
    ];
    all.shrink_to_fit();
    all
}
