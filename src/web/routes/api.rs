//! The API's endpoints (`/health`, `/api/v1/…`), in the order `routes::ENDPOINTS` lists them:
//! method, path, permission, summary, and what the OpenAPI document says of each.

use super::Access::*;
use super::{Endpoint, READ_PEOPLE, READ_REVIEWS, RECORD_REVIEWS, ep, schema};
use crate::domain::age::AgeBand;
use crate::domain::person::{Setting, Status as PersonStatus};
use crate::domain::referral::ReferralStatus;
use crate::domain::review::{ActionStatus, ReviewStatus};
use crate::domain::risk::{Rating, RiskTool};
use crate::policy::Permission::*;
use crate::services::admissions::{AdmissionView, Discharge, NewAdmission, NewVisit, VisitView};
use crate::services::audit::Verification;
use crate::services::people::{NewPerson, PersonView};
use crate::services::referrals::{Decision, NewReferral, OutcomeSent, ReferralView};
use crate::services::returns::{NewReturn, ReturnView};
use crate::services::review_moves::ReviewChange;
use crate::services::reviews::{
    ActionUpdate, ActionView, Cancel, NewReview, Outcome, ReportSent, ReviewView,
};
use crate::services::risk::{AssessmentView, NewAssessment, RatingHistoryItem};
use crate::services::schema::{Day, Id, ReturnKind};
use crate::services::users::{
    NewUser, PanelKindChange, PasswordChange, PasswordReset, PasswordResetDone, UserView,
};
use crate::services::worklists::ActionItem;
use crate::web::api::reviews::{DueList, Owners};
use crate::web::api::types::{self, query as q};
use crate::web::api::types::{AuditItem, Health, ListOf, LoginRequest, LoginResponse};
use rocket::http::Method::{Get, Patch, Post};

/// The API's half of `routes::ENDPOINTS`, which lists these first.
pub(super) const ENDPOINTS: &[Endpoint] = &[
    // Health and the API description.
    ep(Get, "/health", Public, "Service and database health")
        .returns(200, schema::<Health>)
        .may(&[503]),
    ep(
        Get,
        "/api/v1/openapi.json",
        Public,
        "This API described in OpenAPI 3",
    ),
    // Session.
    ep(
        Post,
        "/api/v1/login",
        Public,
        "Sign in and receive a bearer token",
    )
    .body(schema::<LoginRequest>)
    .returns(200, schema::<LoginResponse>)
    .may(&[401, 429]),
    ep(
        Post,
        "/api/v1/logout",
        SignedIn,
        "Revoke the bearer token used for this call",
    ),
    ep(Get, "/api/v1/me", SignedIn, "The signed-in user").returns(200, schema::<UserView>),
    ep(
        Post,
        "/api/v1/me/password",
        SignedIn,
        "Change one's own password; the user's other sessions and tokens end",
    )
    .body(schema::<PasswordChange>)
    .returns(200, schema::<UserView>)
    .may(&[429]),
    // Users.
    ep(Get, "/api/v1/users", Needs(UsersRead), "List users")
        .query(&[("page", q::page), ("per_page", q::per_page)])
        .returns(200, schema::<ListOf<UserView>>),
    ep(Post, "/api/v1/users", Needs(UsersManage), "Create a user")
        .body(schema::<NewUser>)
        .returns(201, schema::<UserView>)
        .may(&[409]),
    ep(Get, "/api/v1/users/<id>", Needs(UsersRead), "One user").returns(200, schema::<UserView>),
    ep(
        Post,
        "/api/v1/users/<id>/deactivate",
        Needs(UsersManage),
        "Deactivate a user and end their sessions",
    )
    .returns(200, schema::<UserView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/users/<id>/reactivate",
        Needs(UsersManage),
        "Reactivate a user",
    )
    .returns(200, schema::<UserView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/users/<id>/password",
        Needs(UsersManage),
        "Reset a user's password to a one-time password (given, or generated and returned once); their sessions end and they must change it at their next sign-in",
    )
    .body(schema::<PasswordReset>)
    .returns(200, schema::<PasswordResetDone>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/users/<id>/panel-kind",
        Needs(UsersManage),
        "Set a panel member's kind (expert_by_experience or clinical_expert), which decides the seat they may take",
    )
    .body(schema::<PanelKindChange>)
    .returns(200, schema::<UserView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/users/<id>/email",
        Needs(UsersManage),
        "Set or clear (empty or null) a user's email address, where review invitations, reminders and digests go",
    )
    .body(schema::<crate::services::users::EmailChange>)
    .returns(200, schema::<UserView>),
    // Audit.
    ep(
        Get,
        "/api/v1/audit",
        Needs(AuditRead),
        "Read the audit trail, newest first (filters: person_id, nhs_number with any spacing, user, from, to)",
    )
    .query(&[
        ("person_id", schema::<Id>),
        ("nhs_number", q::text),
        ("user", q::text),
        ("from", q::day_or_time),
        ("to", q::day_or_time),
        ("page", q::page), ("per_page", q::per_page),
    ])
    .returns(200, schema::<ListOf<AuditItem>>),
    ep(
        Get,
        "/api/v1/audit/verify",
        Needs(AuditVerify),
        "Check the audit trail's hash chain",
    )
    .returns(200, schema::<Verification>),
    // The register.
    ep(
        Post,
        "/api/v1/people",
        Needs(PeopleWrite),
        "Add a person to the register, with their consent",
    )
    .body(schema::<NewPerson>)
    .returns(201, schema::<PersonView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/people",
        READ_PEOPLE,
        "The register (`format`, xlsx or csv: the whole filtered list as a file). `q` finds people by the start of any word of their names or of their NHS number, the words in any order, ignoring case and accents; filters: rating, status, local_authority (exact), setting, age_band, overdue; sort: rating (default), name, next_review_due or days_in_hospital, `-` before it for descending; as_of: the register as it stood at the end of that day",
    )
    .query(&[
        ("rating", schema::<Rating>),
        ("q", q::search),
        ("status", schema::<PersonStatus>),
        ("as_of", schema::<Day>),
        ("local_authority", q::search),
        ("setting", schema::<Setting>),
        ("age_band", schema::<AgeBand>),
        ("overdue", q::flag),
        ("sort", q::people_sort),
        ("page", q::page), ("per_page", q::per_page),
        ("format", q::format),
    ])
    .returns(200, schema::<ListOf<PersonView>>),
    ep(Get, "/api/v1/people/<id>", READ_PEOPLE, "One person").returns(200, schema::<PersonView>),
    ep(
        Patch,
        "/api/v1/people/<id>",
        Needs(PeopleWrite),
        "Change some of a person's details",
    )
    .body(types::person_changes)
    .returns(200, schema::<PersonView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/people/<id>/consent/withdraw",
        Needs(PeopleWrite),
        "Record that consent was withdrawn",
    )
    .body(types::withdrawal)
    .returns(200, schema::<PersonView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/inpatients",
        Needs(PeopleWrite),
        "Record an inpatient-only entry (Assuring Transformation) with its admission: not on the register",
    )
    .body(schema::<crate::services::people::NewInpatient>)
    .returns(201, schema::<crate::services::people::InpatientView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/people/<id>/objection",
        Needs(PeopleWrite),
        "Record that the person objects (or no longer objects) to identifiable sharing: their rows in returns are de-identified",
    )
    .body(schema::<crate::services::people::Objection>)
    .returns(200, schema::<PersonView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/people/<id>/close",
        Needs(PeopleWrite),
        "Close a register entry",
    )
    .body(types::closure)
    .returns(200, schema::<PersonView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/risk-tool",
        Needs(RiskToolRead),
        "The risk tool: questions, weights, thresholds",
    )
    .returns(200, schema::<RiskTool>),
    ep(
        Post,
        "/api/v1/people/<id>/risk-assessments",
        Needs(RiskAssess),
        "Record a risk assessment and rating",
    )
    .body(schema::<NewAssessment>)
    .returns(201, schema::<AssessmentView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/people/<id>/ratings",
        READ_PEOPLE,
        "Rating history, newest first",
    )
    .query(&[("page", q::page), ("per_page", q::per_page)])
    .returns(200, schema::<ListOf<RatingHistoryItem>>),
    ep(
        Post,
        "/api/v1/people/<id>/admissions",
        Needs(AdmissionsRecord),
        "Record a hospital admission (rating becomes blue)",
    )
    .body(schema::<NewAdmission>)
    .returns(201, schema::<AdmissionView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/people/<id>/admissions",
        READ_PEOPLE,
        "A person's admissions and oversight visits",
    )
    .query(&[("page", q::page), ("per_page", q::per_page)])
    .returns(200, schema::<ListOf<AdmissionView>>),
    ep(
        Post,
        "/api/v1/admissions/<id>/discharge",
        Needs(AdmissionsRecord),
        "Record a discharge (rating becomes red)",
    )
    .body(schema::<Discharge>)
    .returns(200, schema::<AdmissionView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/admissions/<id>/transfer",
        Needs(AdmissionsRecord),
        "Record a transfer to another hospital: the next episode of the same spell, no discharge",
    )
    .body(schema::<crate::services::admissions::Transfer>)
    .returns(201, schema::<AdmissionView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/people/<id>/visits",
        Needs(AdmissionsRecord),
        "Record a commissioner oversight visit",
    )
    .body(schema::<NewVisit>)
    .returns(201, schema::<VisitView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/people/<id>/escalations",
        Needs(AdmissionsRecord),
        "Escalate a concern about a person to the ICB's oversight panel (from a visit: visit_id)",
    )
    .body(schema::<crate::services::escalations::NewEscalation>)
    .returns(201, schema::<crate::services::escalations::EscalationView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/escalations",
        Needs(AdmissionsRecord),
        "Escalations to the oversight panel, oldest raised first (filter: status, open or closed)",
    )
    .query(&[
        ("status", schema::<crate::domain::visits::EscalationStatus>),
        ("page", q::page), ("per_page", q::per_page),
    ])
    .returns(200, schema::<ListOf<crate::services::escalations::EscalationView>>),
    ep(
        Get,
        "/api/v1/escalations/<id>",
        Needs(AdmissionsRecord),
        "One escalation",
    )
    .returns(200, schema::<crate::services::escalations::EscalationView>),
    ep(
        Post,
        "/api/v1/escalations/<id>/close",
        Needs(AdmissionsRecord),
        "Close an open escalation with the day and the outcome",
    )
    .body(schema::<crate::services::escalations::CloseEscalation>)
    .returns(200, schema::<crate::services::escalations::EscalationView>)
    .may(&[409]),
    ep(
        Patch,
        "/api/v1/admissions/<id>",
        Needs(AdmissionsRecord),
        "Change an open admission's security level, legal status or planned discharge, from a day; with correction_reason, correct the stay as recorded (admission date, hospital, security level, legal status)",
    )
    .body(schema::<crate::services::corrections::AdmissionPatch>)
    .returns(200, schema::<AdmissionView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/risk-assessments/<id>/void",
        Needs(RiskAssess),
        "Void a risk assessment entered in error, with the reason: ratings read as if it was never entered",
    )
    .body(schema::<crate::services::corrections::Void>)
    .returns(200, schema::<crate::services::corrections::AssessmentRecord>)
    .may(&[409]),
    // Referrals.
    ep(
        Post,
        "/api/v1/referrals",
        Needs(ReferralsWrite),
        "Record a referral",
    )
    .body(schema::<NewReferral>)
    .returns(201, schema::<ReferralView>),
    ep(
        Get,
        "/api/v1/referrals",
        Needs(ReferralsRead),
        "Referrals (filters: status, overdue; `format`, xlsx or csv: the whole filtered list as a file)",
    )
    .query(&[
        ("status", schema::<ReferralStatus>),
        ("overdue", q::flag),
        ("page", q::page), ("per_page", q::per_page),
        ("format", q::format),
    ])
    .returns(200, schema::<ListOf<ReferralView>>),
    ep(
        Get,
        "/api/v1/referrals/<id>",
        Needs(ReferralsRead),
        "One referral, with possible duplicates on the register",
    )
    .returns(200, schema::<ReferralView>),
    ep(
        Post,
        "/api/v1/referrals/<id>/decision",
        Needs(ReferralsWrite),
        "Accept (adding the person through the consent gate) or decline",
    )
    .body(schema::<Decision>)
    .returns(200, schema::<ReferralView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/referrals/<id>/outcome-sent",
        Needs(ReferralsWrite),
        "Record when the referrer and family were told",
    )
    .body(schema::<OutcomeSent>)
    .returns(200, schema::<ReferralView>)
    .may(&[409]),
    // Returns.
    ep(
        Post,
        "/api/v1/returns",
        Needs(ReturnsGenerate),
        "Generate the monthly or weekly return for a period that has ended (frozen, with the SHA-256 of its PDF)",
    )
    .body(schema::<NewReturn>)
    .returns(201, schema::<ReturnView>),
    ep(
        Get,
        "/api/v1/returns",
        Needs(ReturnsRead),
        "Generated returns, newest first (filter: kind): figures only",
    )
    .query(&[("kind", schema::<ReturnKind>), ("page", q::page), ("per_page", q::per_page)])
    .returns(200, schema::<ListOf<ReturnView>>),
    ep(
        Get,
        "/api/v1/returns/<id>",
        Needs(ReturnsRead),
        "One return's figures and changes (who changed: returns.download only); `format` (xlsx or csv): the return as a file, its summary and rows (the summary alone without returns.download)",
    )
    .query(&[("format", q::format)])
    .returns(200, schema::<ReturnView>),
    ep(
        Get,
        "/api/v1/returns/<id>/pdf",
        Needs(ReturnsDownload),
        "The return's PDF, exactly as generated",
    )
    .file("application/pdf"),
    ep(
        Get,
        "/api/v1/returns/<id>/csv",
        Needs(ReturnsDownload),
        "The return's per-person rows as CSV",
    )
    .file("text/csv"),
    ep(
        Get,
        "/api/v1/returns/<id>/at.csv",
        Needs(ReturnsDownload),
        "The return's spells in hospital for NHS England's Assuring Transformation collection, in the policy's column order",
    )
    .file("text/csv"),
    ep(
        Get,
        "/api/v1/figures",
        Needs(ReturnsRead),
        "Figures over time: each month (from, to: YYYY-MM; the last 12 whole months unless given; at most 24) as at its end, by the monthly return's rules; numbers 1 to 7 as \"*\" and the rest rounded to the nearest 5 without returns.download; `format` (xlsx or csv): the same as a file, one row per month, figure and group",
    )
    .query(&[("from", q::month), ("to", q::month), ("format", q::format)])
    .returns(200, schema::<crate::domain::figures::FiguresView>)
    .may(&[422]),
    ep(
        Get,
        "/api/v1/figures.pdf",
        Needs(ReturnsRead),
        "The figures over time as a PDF with their charts and tables (from, to as for /api/v1/figures; the same disclosure)",
    )
    .query(&[("from", q::month), ("to", q::month)])
    .file("application/pdf")
    .may(&[422]),
    // Reviews and actions.
    ep(
        Post,
        "/api/v1/people/<id>/reviews",
        Needs(ReviewsSchedule),
        "Schedule a review with its panel",
    )
    .body(schema::<NewReview>)
    .returns(201, schema::<ReviewView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/reviews",
        READ_REVIEWS,
        "Reviews (filters: status, overdue, person_id; `format`, xlsx or csv: the whole filtered list as a file)",
    )
    .query(&[
        ("status", schema::<ReviewStatus>),
        ("overdue", q::flag),
        ("person_id", schema::<Id>),
        ("page", q::page), ("per_page", q::per_page),
        ("format", q::format),
    ])
    .returns(200, schema::<ListOf<ReviewView>>),
    ep(
        Get,
        "/api/v1/reviews/<id>",
        READ_REVIEWS,
        "One review with its action plan",
    )
    .returns(200, schema::<ReviewView>),
    ep(
        Get,
        "/api/v1/reviews/<id>/report.pdf",
        READ_REVIEWS,
        "A held review's report (PDF): the panel and who attended, the views, the findings under each key line of enquiry, the recommendations and the action plan",
    )
    .file("application/pdf")
    .may(&[409]),
    ep(
        Get,
        "/api/v1/reviews/<id>/easy-read.pdf",
        READ_REVIEWS,
        "A held review's report in easy read (PDF), for the person",
    )
    .file("application/pdf")
    .may(&[409]),
    ep(
        Post,
        "/api/v1/reviews/<id>/outcome",
        RECORD_REVIEWS,
        "Record a review's outcome and action plan; schedules the next review",
    )
    .body(schema::<Outcome>)
    .returns(200, schema::<ReviewView>)
    .may(&[409]),
    ep(
        Patch,
        "/api/v1/reviews/<id>/outcome",
        RECORD_REVIEWS,
        "Amend a held review's outcome and action plan until its report is sent",
    )
    .body(schema::<crate::services::review_amend::OutcomeAmendment>)
    .returns(200, schema::<ReviewView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/reviews/<id>/addenda",
        RECORD_REVIEWS,
        "Add a dated, signed addendum to a review whose report was sent",
    )
    .body(schema::<crate::services::review_amend::NewAddendum>)
    .returns(201, schema::<crate::services::review_amend::AddendumView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/reviews/<id>/addenda",
        READ_REVIEWS,
        "A review's addenda, oldest first",
    )
    .query(&[("page", q::page), ("per_page", q::per_page)])
    .returns(200, schema::<ListOf<crate::services::review_amend::AddendumView>>),
    ep(
        Post,
        "/api/v1/reviews/<id>/report-sent",
        RECORD_REVIEWS,
        "Record that the review report was sent",
    )
    .body(schema::<ReportSent>)
    .returns(200, schema::<ReviewView>)
    .may(&[409]),
    ep(
        Post,
        "/api/v1/reviews/<id>/cancel",
        Needs(ReviewsSchedule),
        "Cancel a scheduled review",
    )
    .body(schema::<Cancel>)
    .returns(200, schema::<ReviewView>)
    .may(&[409]),
    ep(
        Patch,
        "/api/v1/reviews/<id>",
        Needs(ReviewsSchedule),
        "Reschedule a scheduled review (date, start time, place or joining link) or change its panel, with a reason; its due date stays",
    )
    .body(schema::<ReviewChange>)
    .returns(200, schema::<ReviewView>)
    .may(&[409]),
    ep(
        Patch,
        "/api/v1/actions/<id>",
        Needs(ActionsUpdate),
        "Mark an action done, dropped or open again",
    )
    .body(schema::<ActionUpdate>)
    .returns(200, schema::<ActionView>),
    ep(
        Get,
        "/api/v1/actions",
        READ_REVIEWS,
        "Actions across the reviews one may read, each with its person, soonest due first then by the person's name (filters: overdue, status, who; `format`, xlsx or csv: the whole filtered list as a file)",
    )
    .query(&[
        ("overdue", q::flag),
        ("status", schema::<ActionStatus>),
        ("who", q::search),
        ("page", q::page), ("per_page", q::per_page),
        ("format", q::format),
    ])
    .returns(200, schema::<ListOf<ActionItem>>),
    ep(
        Get,
        "/api/v1/actions/owners",
        READ_REVIEWS,
        "Owners already named on the actions one may read, most used first (at most 50; `q` keeps those containing it): suggestions for an action's WHO",
    )
    .query(&[("q", q::search)])
    .returns(200, schema::<Owners>),
    ep(
        Get,
        "/api/v1/people/<id>/due",
        READ_PEOPLE,
        "Every deadline that applies to the person at the end of `as_of` (default today), reviews owed but not yet booked included",
    )
    .query(&[("as_of", schema::<Day>)])
    .returns(200, schema::<DueList>),
];
