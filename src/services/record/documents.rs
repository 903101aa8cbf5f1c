//! Documents on a person's record or in a review's pack: uploaded with their type decided from
//! their bytes (`domain::record::sniff`) and a size limit (`TCR_DOCUMENT_LIMIT_MB`), kept in the
//! database or as files in `TCR_DOCUMENTS_DIR`, and downloaded with an audit entry written
//! before the bytes go out.
//!
//! Who may: upload to a person, those who keep the register (`people.write`); to a review's
//! pack, also whoever records that review's outcome (`reviews::may_record_chaired_by`: its
//! chair). Read a person's own documents, whoever may read the person
//! (`people::find_readable`); a pack's, whoever may read the review (`reviews::find`: a panel
//! member only while they sit on it, until the report is sent).

use crate::auth::token::sha256_hex;
use crate::domain::ids::{PersonId, ReviewId};
use crate::domain::person::Status;
use crate::domain::record::{ACCEPTED, DocumentKind, Storage, safe_file_name, sniff};
use crate::domain::review::ReviewStatus;
use crate::entities::{document, document_content, review};
use crate::error::AppError;
use crate::policy::Permission;
use crate::services::App;
use crate::services::audit::{self, Event};
use crate::services::input::Check;
use crate::services::people::{Reader, find_readable};
use crate::services::reviews::{self, ReviewReader};
use crate::services::sessions::SignedIn;
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use std::collections::HashSet;
use time::OffsetDateTime;

/// Where an upload goes.
#[derive(Debug, Clone)]
pub enum Target {
    Person(PersonId),
    Review(ReviewId),
}

/// A file as received, with the form's fields.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Defaults to the file's name.
    pub title: Option<String>,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocumentView {
    pub id: String,
    pub person_id: PersonId,
    /// The review whose pack it is in; none for the person's own documents.
    pub review_id: Option<ReviewId>,
    pub file_name: String,
    pub title: String,
    pub kind: DocumentKind,
    pub kind_label: String,
    /// Decided from the file's bytes.
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "String")]
    pub uploaded_at: OffsetDateTime,
}

fn view(d: document::Model) -> DocumentView {
    DocumentView {
        id: d.id,
        person_id: d.person_id,
        review_id: d.review_id,
        file_name: d.file_name,
        title: d.title,
        kind: d.kind,
        kind_label: d.kind.label().into(),
        content_type: d.content_type,
        size_bytes: d.size_bytes,
        sha256: d.sha256,
        uploaded_by: d.uploaded_by,
        uploaded_at: d.uploaded_at,
    }
}

/// A document's bytes with what the download needs.
pub struct Download {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The file and the form checked: its title, kind and content type, every problem by field.
fn check_upload(
    app: &App,
    input: &Upload,
) -> Result<(String, DocumentKind, &'static str), AppError> {
    let mut c = Check::default();
    let limit = app.settings.document_limit_mb;
    let mut content_type = "";
    if input.bytes.is_empty() {
        c.fail("file", "Choose a file to upload");
    } else if input.bytes.len() as u64 > limit * 1024 * 1024 {
        c.fail(
            "file",
            format!("The file is larger than {limit} MB: make it smaller, or split it"),
        );
    } else {
        match sniff(&input.bytes) {
            Some(t) => content_type = t.content_type(),
            None => c.fail(
                "file",
                format!("The file must be {ACCEPTED}; this one is not, whatever its name says"),
            ),
        }
    }
    let title = c
        .optional_text("title", "the title", &input.title, 200)
        .unwrap_or_else(|| input.file_name.chars().take(200).collect());
    let kind = c.choice(
        "kind",
        "what the document is",
        &input.kind,
        DocumentKind::parse,
        DocumentKind::choices(),
    );
    c.finish()?;
    let kind = kind.ok_or_else(|| AppError::internal("checked input incomplete"))?;
    let title = if title.trim().is_empty() {
        "Document".to_string()
    } else {
        title
    };
    Ok((title, kind, content_type))
}

/// Uploads a document to a person's record or a review's pack, in one transaction with its
/// audit entry; with a documents directory, the file is written before the commit and removed
/// if the commit fails.
pub async fn upload(
    app: &App,
    who: &SignedIn,
    target: &Target,
    input: Upload,
) -> Result<DocumentView, AppError> {
    let has = |p| app.policies.access.allows(who.role(), p);
    let (title, kind, content_type) = check_upload(app, &input)?;
    let mut tx = audit::begin(app).await?;
    let (person_id, review_id) = match target {
        Target::Person(id) => {
            let p = find_readable(tx.conn(), &Reader::of(app, who), id).await?;
            if !has(Permission::PeopleWrite) {
                return Err(AppError::Forbidden);
            }
            if p.status == Status::Withdrawn {
                return Err(AppError::Conflict(
                    "This person withdrew consent: their record is kept read-only.".into(),
                ));
            }
            (p.id, None)
        }
        Target::Review(id) => {
            let r = reviews::find(tx.conn(), &ReviewReader::of(app, who), id).await?;
            if !has(Permission::PeopleWrite)
                && !reviews::may_record_chaired_by(app, who, r.chair_id.as_deref())
            {
                return Err(AppError::Forbidden);
            }
            if r.status == ReviewStatus::Cancelled {
                return Err(AppError::Conflict(
                    "This review was cancelled: its pack takes no more documents.".into(),
                ));
            }
            (r.person_id, Some(r.id))
        }
    };
    let id = uuid::Uuid::new_v4().to_string();
    let storage = match app.settings.documents_dir {
        Some(_) => Storage::Directory,
        None => Storage::Database,
    };
    let actor = who.actor();
    let row = document::ActiveModel {
        id: Set(id.clone()),
        person_id: Set(person_id.clone()),
        review_id: Set(review_id.clone()),
        file_name: Set(safe_file_name(&input.file_name)),
        title: Set(title),
        kind: Set(kind),
        content_type: Set(content_type.into()),
        size_bytes: Set(input.bytes.len() as i64),
        sha256: Set(sha256_hex(&input.bytes)),
        storage: Set(storage),
        uploaded_by: Set(actor.username.clone()),
        uploaded_at: Set(tx.now()),
    }
    .insert(tx.conn())
    .await?;
    tx.record(
        &actor,
        Event::person("document.upload", &person_id).detail(serde_json::json!({
            "document_id": id, "review_id": review_id, "kind": kind.as_str(),
            "sha256": row.sha256, "size_bytes": row.size_bytes,
        })),
    )
    .await?;
    let file = match &app.settings.documents_dir {
        Some(dir) => {
            rocket::tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| AppError::failed("creating the documents directory", e))?;
            let path = dir.join(&id);
            rocket::tokio::fs::write(&path, &input.bytes)
                .await
                .map_err(|e| AppError::failed("writing a document to its directory", e))?;
            Some(path)
        }
        None => {
            document_content::ActiveModel {
                document_id: Set(id.clone()),
                person_id: Set(person_id.clone()),
                content: Set(input.bytes),
            }
            .insert(tx.conn())
            .await?;
            None
        }
    };
    if let Err(e) = tx.commit().await {
        if let Some(path) = file {
            let _ = rocket::tokio::fs::remove_file(path).await;
        }
        return Err(e);
    }
    Ok(view(row))
}

/// The ids of the person's reviews this user may read (whose pack documents they may see).
async fn readable_reviews(
    app: &App,
    who: &SignedIn,
    person_id: &PersonId,
) -> Result<HashSet<ReviewId>, AppError> {
    let has = |p| app.policies.access.allows(who.role(), p);
    if !has(Permission::ReviewsRead) && !has(Permission::ReviewsReadAssigned) {
        return Ok(HashSet::new());
    }
    let reader = ReviewReader::of(app, who);
    Ok(reader
        .scope
        .select::<review::Entity>()
        .filter(review::Column::PersonId.eq(person_id))
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|r| reader.may_read(r))
        .map(|r| r.id)
        .collect())
}

/// A person's documents that this user may see (their own, and the packs of the reviews the
/// user may read), newest first; `person_id` already found readable.
pub(super) async fn person_documents_in(
    app: &App,
    who: &SignedIn,
    reader: &Reader,
    person_id: &PersonId,
) -> Result<Vec<DocumentView>, AppError> {
    let reviews = readable_reviews(app, who, person_id).await?;
    Ok(reader
        .scope
        .select::<document::Entity>()
        .filter(document::Column::PersonId.eq(person_id))
        .order_by_desc(document::Column::UploadedAt)
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|d| d.review_id.as_ref().is_none_or(|r| reviews.contains(r)))
        .map(view)
        .collect())
}

/// A person's documents for their page, which has already read (and audited) the person.
pub async fn person_documents(
    app: &App,
    who: &SignedIn,
    person_id: &PersonId,
) -> Result<Vec<DocumentView>, AppError> {
    let reader = Reader::of(app, who);
    find_readable(&app.db, &reader, person_id).await?;
    person_documents_in(app, who, &reader, person_id).await
}

/// A person's documents, read with one audit entry.
pub async fn documents_of_person(
    app: &App,
    who: &SignedIn,
    person_id: &PersonId,
) -> Result<Vec<DocumentView>, AppError> {
    let list = person_documents(app, who, person_id).await?;
    audit::record_alone(app, &who.actor(), Event::person("document.list", person_id)).await?;
    Ok(list)
}

/// A review's pack documents for its page, which has already read (and audited) the review.
pub async fn pack_documents(
    app: &App,
    who: &SignedIn,
    review_id: &ReviewId,
) -> Result<Vec<DocumentView>, AppError> {
    let reader = ReviewReader::of(app, who);
    reviews::find(&app.db, &reader, review_id).await?;
    Ok(reader
        .scope
        .select::<document::Entity>()
        .filter(document::Column::ReviewId.eq(review_id))
        .order_by_desc(document::Column::UploadedAt)
        .all(&app.db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// A review's pack documents, read with one audit entry.
pub async fn documents_of_review(
    app: &App,
    who: &SignedIn,
    review_id: &ReviewId,
) -> Result<(PersonId, Vec<DocumentView>), AppError> {
    let r = reviews::find(&app.db, &ReviewReader::of(app, who), review_id).await?;
    let list = pack_documents(app, who, review_id).await?;
    audit::record_alone(
        app,
        &who.actor(),
        Event::person("document.list", &r.person_id)
            .detail(serde_json::json!({"review_id": review_id})),
    )
    .await?;
    Ok((r.person_id, list))
}

/// A document's bytes, for whoever may read it; the download is audited before the bytes are
/// handed back. Anyone else gets "not found", as for an id that does not exist.
pub async fn download(app: &App, who: &SignedIn, id: &str) -> Result<Download, AppError> {
    let reader = Reader::of(app, who);
    let d = reader
        .scope
        .by_id::<document::Entity>(id.to_string())
        .one(&app.db)
        .await?
        .ok_or_else(|| AppError::not_found("Document"))?;
    match &d.review_id {
        Some(r) => {
            reviews::find(&app.db, &ReviewReader::of(app, who), r)
                .await
                .map_err(|_| AppError::not_found("Document"))?;
        }
        None => {
            find_readable(&app.db, &reader, &d.person_id)
                .await
                .map_err(|_| AppError::not_found("Document"))?;
        }
    }
    let bytes = match d.storage {
        Storage::Database => {
            reader
                .scope
                .by_id::<document_content::Entity>(id.to_string())
                .one(&app.db)
                .await?
                .ok_or_else(|| AppError::internal("a document's stored bytes are missing"))?
                .content
        }
        Storage::Directory => {
            let dir = app.settings.documents_dir.as_ref().ok_or_else(|| {
                AppError::internal("a document kept in TCR_DOCUMENTS_DIR, which is not set")
            })?;
            rocket::tokio::fs::read(dir.join(&d.id))
                .await
                .map_err(|e| AppError::failed("reading a document from its directory", e))?
        }
    };
    if sha256_hex(&bytes) != d.sha256 {
        return Err(AppError::internal(
            "a document's bytes no longer match their SHA-256",
        ));
    }
    audit::record_alone(
        app,
        &who.actor(),
        Event {
            action: "document.download",
            entity: "document",
            entity_id: Some(d.id.clone()),
            person_id: Some(d.person_id.clone()),
            detail: serde_json::json!({"review_id": d.review_id, "sha256": d.sha256}),
        },
    )
    .await?;
    Ok(Download {
        file_name: d.file_name,
        content_type: d.content_type,
        bytes,
    })
}
