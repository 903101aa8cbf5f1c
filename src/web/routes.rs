//! Every route of the service, the permission it requires, and what the OpenAPI document says
//! of it. The `Caller` guard looks the matched route up here: a route missing from this table is
//! refused for everyone, and tests fail on it.

use crate::policy::Permission;
use rocket::http::Method;
use rocket::{Build, Rocket, Route};
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, health, the API description, stylesheet).
    Public,
    /// Any signed-in user, whatever their role (home page, sign out).
    SignedIn,
    /// Users whose role holds this permission in `policies/access.toml`.
    Needs(Permission),
    /// Users whose role holds any of these; the service then limits what each may see by which
    /// of them the role holds (reading the register: all of it, assigned people, or withdrawn).
    AnyOf(&'static [Permission]),
}

impl Access {
    pub fn allows(
        self,
        policy: &crate::policy::AccessPolicy,
        role: crate::domain::role::Role,
    ) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Needs(p) => policy.allows(role, p),
            Access::AnyOf(ps) => ps.iter().any(|p| policy.allows(role, *p)),
        }
    }

    /// In words, for the API description.
    pub fn describe(self) -> String {
        match self {
            Access::Public => "Public.".into(),
            Access::SignedIn => "Any signed-in user.".into(),
            Access::Needs(p) => format!("Requires permission `{p}` (see policies/access.toml)."),
            Access::AnyOf(ps) => {
                let names: Vec<String> = ps.iter().map(|p| format!("`{p}`")).collect();
                format!(
                    "Requires any of {}; each gives its own share of the register.",
                    names.join(", ")
                )
            }
        }
    }
}

/// Reading reviews: all of them, or the ones one sits on.
pub const READ_REVIEWS: Access =
    Access::AnyOf(&[Permission::ReviewsRead, Permission::ReviewsReadAssigned]);
/// Recording outcomes: of any review, or of the ones one chairs (the service checks which).
pub const RECORD_REVIEWS: Access =
    Access::AnyOf(&[Permission::ReviewsRecord, Permission::ReviewsRecordChaired]);

/// Reading people: the whole register, the people of one's reviews, or withdrawn records.
pub const READ_PEOPLE: Access = Access::AnyOf(&[
    Permission::PeopleRead,
    Permission::PeopleReadAssigned,
    Permission::PeopleReadWithdrawn,
]);

pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The schema of `T`, as a reference into the document's components.
pub fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub method: Method,
    /// The path as Rocket mounts it, with `<param>` segments.
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    pub body: Option<SchemaFn>,
    pub response: Option<SchemaFn>,
    pub status: u16,
    /// A file response's media type (`application/pdf`), instead of JSON.
    pub file: Option<&'static str>,
    /// The query parameters the handler reads, with their real types.
    pub query: &'static [(&'static str, SchemaFn)],
    /// Error statuses beyond those its shape implies (400/422 with a body, 401/403 by access,
    /// 404 with a path id, 422 with query parameters): 409 for a rule about the record's state.
    pub errors: &'static [u16],
}

const fn ep(method: Method, path: &'static str, access: Access, summary: &'static str) -> Endpoint {
    Endpoint {
        method,
        path,
        access,
        summary,
        body: None,
        response: None,
        status: 200,
        file: None,
        query: &[],
        errors: &[],
    }
}

impl Endpoint {
    const fn body(mut self, f: SchemaFn) -> Self {
        self.body = Some(f);
        self
    }
    const fn file(mut self, media_type: &'static str) -> Self {
        self.file = Some(media_type);
        self
    }
    const fn query(mut self, params: &'static [(&'static str, SchemaFn)]) -> Self {
        self.query = params;
        self
    }
    /// May also answer these error statuses.
    const fn may(mut self, errors: &'static [u16]) -> Self {
        self.errors = errors;
        self
    }
    const fn returns(mut self, status: u16, f: SchemaFn) -> Self {
        self.status = status;
        self.response = Some(f);
        self
    }
}

use crate::domain::age::AgeBand;
use crate::domain::person::{Setting, Status as PersonStatus};
use crate::domain::referral::ReferralStatus;
use crate::domain::review::{ActionStatus, ReviewStatus};
use crate::domain::risk::{Rating, RiskTool};
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
use Access::*;
use Method::{Get, Patch, Post};
use Permission::*;

pub static ENDPOINTS: &[Endpoint] = &[
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
        "The register. `q` finds people by the start of any word of their names or of their NHS number, the words in any order, ignoring case and accents; filters: rating, status, local_authority (exact), setting, age_band, overdue; sort: rating (default), name, next_review_due or days_in_hospital, `-` before it for descending; as_of: the register as it stood at the end of that day",
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
        "/api/v1/people/<id>/visits",
        Needs(AdmissionsRecord),
        "Record a commissioner oversight visit",
    )
    .body(schema::<NewVisit>)
    .returns(201, schema::<VisitView>)
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
        "Referrals (filters: status, overdue)",
    )
    .query(&[
        ("status", schema::<ReferralStatus>),
        ("overdue", q::flag),
        ("page", q::page), ("per_page", q::per_page),
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
        "One return's figures and changes (who changed: returns.download only)",
    )
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
        "Reviews (filters: status, overdue, person_id)",
    )
    .query(&[
        ("status", schema::<ReviewStatus>),
        ("overdue", q::flag),
        ("person_id", schema::<Id>),
        ("page", q::page), ("per_page", q::per_page),
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
        "Actions across the reviews one may read, each with its person, soonest due first then by the person's name (filters: overdue, status, who)",
    )
    .query(&[
        ("overdue", q::flag),
        ("status", schema::<ActionStatus>),
        ("who", q::search),
        ("page", q::page), ("per_page", q::per_page),
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
    // Pages.
    ep(Get, "/assets/tcr.css", Public, "Stylesheet"),
    ep(Get, "/assets/tcr.js", Public, "Script (error summary focus)"),
    ep(Get, "/login", Public, "Sign-in page"),
    ep(Post, "/login", Public, "Sign in"),
    ep(Post, "/logout", SignedIn, "Sign out"),
    ep(
        Get,
        "/account/password",
        SignedIn,
        "Change your password form",
    ),
    ep(
        Post,
        "/account/password",
        SignedIn,
        "Change your password",
    ),
    ep(Get, "/", SignedIn, "Home page"),
    ep(Get, "/admin/users", Needs(UsersRead), "Users page"),
    ep(Get, "/admin/users/new", Needs(UsersManage), "New user form"),
    ep(Post, "/admin/users", Needs(UsersManage), "Create a user"),
    ep(
        Post,
        "/admin/users/<id>/deactivate",
        Needs(UsersManage),
        "Deactivate a user",
    ),
    ep(
        Post,
        "/admin/users/<id>/reactivate",
        Needs(UsersManage),
        "Reactivate a user",
    ),
    ep(
        Post,
        "/admin/users/<id>/panel-kind",
        Needs(UsersManage),
        "Set a panel member's kind",
    ),
    ep(
        Post,
        "/admin/users/<id>/reset-password",
        Needs(UsersManage),
        "Reset a user's password to a one-time password",
    ),
    ep(Get, "/admin/audit", Needs(AuditRead), "Audit trail page"),
    ep(
        Get,
        "/admin/audit/verify",
        Needs(AuditVerify),
        "Audit chain check page",
    ),
    ep(Get, "/people", READ_PEOPLE, "Register page"),
    ep(Get, "/people/new", Needs(PeopleWrite), "Add a person form"),
    ep(Post, "/people", Needs(PeopleWrite), "Add a person"),
    ep(Get, "/people/<id>", READ_PEOPLE, "Person page"),
    ep(
        Get,
        "/people/<id>/edit",
        Needs(PeopleWrite),
        "Edit a person form",
    ),
    ep(
        Post,
        "/people/<id>/edit",
        Needs(PeopleWrite),
        "Edit a person",
    ),
    ep(
        Get,
        "/people/<id>/assess",
        Needs(RiskAssess),
        "Risk assessment form",
    ),
    ep(
        Post,
        "/people/<id>/assess",
        Needs(RiskAssess),
        "Score, then confirm, a risk assessment",
    ),
    ep(
        Get,
        "/people/<id>/admit",
        Needs(AdmissionsRecord),
        "Admission form",
    ),
    ep(
        Post,
        "/people/<id>/admit",
        Needs(AdmissionsRecord),
        "Record an admission",
    ),
    ep(
        Get,
        "/admissions/<id>/discharge",
        Needs(AdmissionsRecord),
        "Discharge form",
    ),
    ep(
        Post,
        "/admissions/<id>/discharge",
        Needs(AdmissionsRecord),
        "Record a discharge",
    ),
    ep(
        Get,
        "/admissions/<id>/change",
        Needs(AdmissionsRecord),
        "Stay change form (security level, legal status, planned discharge, from a day)",
    ),
    ep(
        Post,
        "/admissions/<id>/change",
        Needs(AdmissionsRecord),
        "Record a dated change to a stay",
    ),
    ep(
        Get,
        "/admissions/<id>/correct",
        Needs(AdmissionsRecord),
        "Stay correction form (admission date, hospital, security level, legal status, with a reason)",
    ),
    ep(
        Post,
        "/admissions/<id>/correct",
        Needs(AdmissionsRecord),
        "Correct a stay as recorded",
    ),
    ep(
        Get,
        "/risk-assessments/<id>/void",
        Needs(RiskAssess),
        "Confirm voiding a risk assessment entered in error",
    ),
    ep(
        Post,
        "/risk-assessments/<id>/void",
        Needs(RiskAssess),
        "Void a risk assessment, with the reason",
    ),
    ep(
        Get,
        "/people/<id>/visit",
        Needs(AdmissionsRecord),
        "Oversight visit form",
    ),
    ep(
        Post,
        "/people/<id>/visit",
        Needs(AdmissionsRecord),
        "Record an oversight visit",
    ),
    ep(
        Get,
        "/people/<id>/close",
        Needs(PeopleWrite),
        "Close entry form",
    ),
    ep(
        Post,
        "/people/<id>/close",
        Needs(PeopleWrite),
        "Close an entry",
    ),
    ep(
        Get,
        "/people/<id>/withdraw",
        Needs(PeopleWrite),
        "Withdraw consent form",
    ),
    ep(
        Post,
        "/people/<id>/withdraw",
        Needs(PeopleWrite),
        "Record withdrawal of consent",
    ),
    ep(Get, "/referrals", Needs(ReferralsRead), "Referrals page"),
    ep(
        Get,
        "/returns",
        Needs(ReturnsRead),
        "Returns page: generate, and the earlier returns",
    ),
    ep(
        Post,
        "/returns",
        Needs(ReturnsGenerate),
        "Generate a return",
    ),
    ep(Get, "/returns/<id>", Needs(ReturnsRead), "One return"),
    ep(
        Get,
        "/returns/<id>/pdf",
        Needs(ReturnsDownload),
        "Download a return's PDF",
    ),
    ep(
        Get,
        "/returns/<id>/csv",
        Needs(ReturnsDownload),
        "Download a return's CSV",
    ),
    ep(
        Get,
        "/referrals/new",
        Needs(ReferralsWrite),
        "Referral form",
    ),
    ep(
        Post,
        "/referrals",
        Needs(ReferralsWrite),
        "Record a referral",
    ),
    ep(
        Get,
        "/referrals/<id>",
        Needs(ReferralsRead),
        "Referral page",
    ),
    ep(
        Get,
        "/referrals/<id>/accept",
        Needs(ReferralsWrite),
        "Accept a referral: the person form",
    ),
    ep(
        Post,
        "/referrals/<id>/accept",
        Needs(ReferralsWrite),
        "Accept a referral",
    ),
    ep(
        Post,
        "/referrals/<id>/decline",
        Needs(ReferralsWrite),
        "Decline a referral",
    ),
    ep(
        Post,
        "/referrals/<id>/outcome-sent",
        Needs(ReferralsWrite),
        "Record that the outcome was sent",
    ),
    ep(Get, "/reviews", READ_REVIEWS, "Reviews page"),
    ep(
        Get,
        "/today/<part>",
        Needs(PeopleRead),
        "One part of the dashboard in full, a page at a time (reviews.read also needed)",
    ),
    ep(
        Get,
        "/people/<id>/reviews/new",
        Needs(ReviewsSchedule),
        "Schedule a review form",
    ),
    ep(
        Post,
        "/people/<id>/reviews",
        Needs(ReviewsSchedule),
        "Schedule a review",
    ),
    ep(
        Get,
        "/reviews/<id>",
        READ_REVIEWS,
        "Review page: panel, pack and outcome form",
    ),
    ep(
        Post,
        "/reviews/<id>/outcome",
        RECORD_REVIEWS,
        "Record a review's outcome",
    ),
    ep(
        Get,
        "/reviews/<id>/amend",
        RECORD_REVIEWS,
        "Form to amend a held review's outcome until its report is sent",
    ),
    ep(
        Post,
        "/reviews/<id>/amend",
        RECORD_REVIEWS,
        "Amend a held review's outcome",
    ),
    ep(
        Post,
        "/reviews/<id>/addenda",
        RECORD_REVIEWS,
        "Add an addendum to a review whose report was sent",
    ),
    ep(
        Post,
        "/reviews/<id>/report-sent",
        RECORD_REVIEWS,
        "Record that the report was sent",
    ),
    ep(
        Get,
        "/reviews/<id>/cancel",
        Needs(ReviewsSchedule),
        "Cancel a review: confirmation with a reason",
    ),
    ep(
        Post,
        "/reviews/<id>/cancel",
        Needs(ReviewsSchedule),
        "Cancel a review",
    ),
    ep(
        Get,
        "/reviews/<id>/change",
        Needs(ReviewsSchedule),
        "Move a review or change its panel: the form",
    ),
    ep(
        Post,
        "/reviews/<id>/change",
        Needs(ReviewsSchedule),
        "Move a review or change its panel",
    ),
    ep(Get, "/actions", READ_REVIEWS, "Actions page"),
    ep(
        Post,
        "/actions/<id>",
        Needs(ActionsUpdate),
        "Mark an action done or dropped",
    ),
    ep(
        Get,
        "/calendar/<secret>",
        Public,
        "A user's review calendar (iCalendar), at their secret link",
    ),
    // Forms that don't lose work.
    ep(
        Post,
        "/session/keep-alive",
        SignedIn,
        "Stay signed in: records activity now (204)",
    ),
    ep(
        Post,
        "/kept",
        Public,
        "Keep a form being typed in when the session runs out (`to`: the form's path)",
    ),
    ep(
        Get,
        "/kept/<id>",
        SignedIn,
        "A form kept after the session lapsed, offered back to its user",
    ),
    ep(
        Post,
        "/kept/<id>",
        SignedIn,
        "Send a kept form on to its own path (307)",
    ),
    ep(
        Post,
        "/kept/<id>/discard",
        SignedIn,
        "Discard a kept form",
    ),
];

/// The registry entry for a mounted route.
pub fn lookup(method: Method, path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS
        .iter()
        .find(|e| e.method == method && e.path == path)
}

/// The registry entry for the route that matched a request.
pub fn for_route(route: &Route) -> Option<&'static Endpoint> {
    lookup(route.method, route.uri.path())
}

/// Mounts every route of both faces.
pub fn mount(rocket: Rocket<Build>) -> Rocket<Build> {
    rocket
        .mount("/", crate::web::api::routes())
        .mount("/", crate::web::pages::routes())
}
