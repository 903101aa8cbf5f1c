//! The person's record (issue 19): notes, the chronology and documents, in the API and the
//! pages. `routes::ENDPOINTS` lists the API's rows after the rest of the API, and the pages'
//! after the rest of the pages.

use super::Access::*;
use super::{Access, Endpoint, READ_PEOPLE, READ_REVIEWS, ep, schema};
use crate::domain::record::{EventKind, NoteCategory};
use crate::policy::Permission::*;
use crate::services::record::{Chronology, DocumentView, NewNote, NoteView};
use crate::services::schema::Day;
use crate::web::api::types::{ListOf, query as q};
use rocket::http::Method::{Get, Post};

/// Reading a document: whoever may read the person (their own documents) or the review (its
/// pack); the service decides which by the document.
pub const READ_DOCUMENTS: Access = AnyOf(&[
    PeopleRead,
    PeopleReadAssigned,
    PeopleReadWithdrawn,
    ReviewsRead,
    ReviewsReadAssigned,
]);

/// Adding to a review's pack: those who keep the register, and whoever records the review's
/// outcome (its chair); the service checks which review.
pub const ADD_TO_PACK: Access = AnyOf(&[PeopleWrite, ReviewsRecord, ReviewsRecordChaired]);

const CHRONOLOGY_QUERY: &[(&str, super::SchemaFn)] = &[
    ("kind", schema::<EventKind>),
    ("category", schema::<NoteCategory>),
    ("from", schema::<Day>),
    ("to", schema::<Day>),
    ("page", q::page),
];

pub(super) const API: &[Endpoint] = &[
    ep(
        Get,
        "/api/v1/people/<id>/notes",
        READ_PEOPLE,
        "A person's notes, newest first by the day it happened",
    )
    .query(&[("page", q::page), ("per_page", q::per_page)])
    .returns(200, schema::<ListOf<NoteView>>),
    ep(
        Post,
        "/api/v1/people/<id>/notes",
        Needs(PeopleWrite),
        "Add a dated note to a person's record (append-only: a correction is a new note)",
    )
    .body(schema::<NewNote>)
    .returns(201, schema::<NoteView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/people/<id>/chronology",
        READ_PEOPLE,
        "A person's chronology: their notes and the service's own events about them, newest first; filters: kind, category (of a note), from and to (days)",
    )
    .query(CHRONOLOGY_QUERY)
    .returns(200, schema::<Chronology>),
    ep(
        Get,
        "/api/v1/people/<id>/documents",
        READ_PEOPLE,
        "A person's documents: their own, and those of the review packs the caller may read",
    )
    .query(&[("page", q::page), ("per_page", q::per_page)])
    .returns(200, schema::<ListOf<DocumentView>>),
    ep(
        Post,
        "/api/v1/people/<id>/documents",
        Needs(PeopleWrite),
        "Upload a document to a person's record (multipart: file, title, kind; PDF, Word or an image, checked by its bytes)",
    )
    .upload()
    .returns(201, schema::<DocumentView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/reviews/<id>/documents",
        READ_REVIEWS,
        "A review's pack documents (a panel member: while they sit on it, until the report is sent)",
    )
    .query(&[("page", q::page), ("per_page", q::per_page)])
    .returns(200, schema::<ListOf<DocumentView>>),
    ep(
        Post,
        "/api/v1/reviews/<id>/documents",
        ADD_TO_PACK,
        "Upload a document to a review's pack (multipart: file, title, kind); its chair or a commissioner",
    )
    .upload()
    .returns(201, schema::<DocumentView>)
    .may(&[409]),
    ep(
        Get,
        "/api/v1/documents/<id>",
        READ_DOCUMENTS,
        "A document's bytes, as uploaded (each download is audited)",
    )
    .file("*/*"),
];

pub(super) const PAGES: &[Endpoint] = &[
    ep(
        Get,
        "/people/<id>/chronology",
        READ_PEOPLE,
        "A person's chronology, with the form to add a note",
    ),
    ep(
        Post,
        "/people/<id>/notes",
        Needs(PeopleWrite),
        "Add a note to a person's record",
    ),
    ep(
        Post,
        "/people/<id>/documents",
        Needs(PeopleWrite),
        "Upload a document to a person's record",
    ),
    ep(
        Post,
        "/reviews/<id>/documents",
        ADD_TO_PACK,
        "Upload a document to a review's pack",
    ),
    ep(
        Get,
        "/documents/<id>",
        READ_DOCUMENTS,
        "Download a document (audited)",
    ),
];
