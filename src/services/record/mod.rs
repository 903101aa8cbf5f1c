//! The person's record (issue 19): dated notes on a person (`notes`), the chronology that merges
//! them with the service's own events about the person (`chronology`), and documents uploaded to
//! a person or to a review's pack (`documents`).
//!
//! Who reads what is decided by the rules that already exist, never written again here: notes,
//! the chronology and a person's own documents by the register's (`people::find_readable`: the
//! whole register, or for a panel member the people of the live reviews they sit on); a review's
//! pack documents by the reviews' (`reviews::find`: every review, or those one sits on from
//! scheduling until the report is sent). Every row is read through `Scope`, so a withdrawn
//! person's notes and documents are gone with the rest of their record.

mod chronology;
mod documents;
mod notes;

pub use chronology::{Chronology, ChronologyQuery, Entry, chronology};
pub use documents::{
    DocumentView, Download, Target, Upload, documents_of_person, documents_of_review, download,
    pack_documents, person_documents, upload,
};
pub use notes::{NewNote, NoteView, add_note, notes};
