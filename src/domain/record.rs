//! The person's record: the words of its notes and documents, the chronology's kinds of entry,
//! what a file is by its bytes (never by its name or the type a browser claims), and a file name
//! that is safe to send back in a download.

use crate::domain::vocabulary::vocabulary;

vocabulary!(
    /// What a note on a person is about: the headings of a commissioner's case record.
    NoteCategory {
        Contact = "contact" / "Contact with the person or family",
        Meeting = "meeting" / "Meeting (MDT, professionals, planning)",
        Safeguarding = "safeguarding" / "Safeguarding",
        Health = "health" / "Health (physical or mental)",
        Education = "education" / "Education",
        Housing = "housing" / "Housing and placement",
        Care = "care" / "Care and support package",
        Legal = "legal" / "Legal (Mental Health Act, court, police)",
        Other = "other" / "Other",
    }
);

vocabulary!(
    /// What an uploaded document is.
    DocumentKind {
        ReferralLetter = "referral_letter" / "Referral letter",
        PackPaper = "pack_paper" / "Review pack paper",
        Report = "report" / "Report",
        CarePlan = "care_plan" / "Care or support plan",
        Correspondence = "correspondence" / "Correspondence",
        Other = "other" / "Other",
    }
);

vocabulary!(
    /// Where a document's bytes are kept.
    Storage {
        Database = "database",
        Directory = "directory",
    }
);

vocabulary!(
    /// The kinds of entry in a person's chronology: their notes, and the service's own events.
    EventKind {
        Note = "note" / "Note",
        Registered = "registered" / "Registration",
        Consent = "consent" / "Consent",
        Rated = "rated" / "Rating",
        Admitted = "admitted" / "Admission",
        Transferred = "transferred" / "Transfer",
        Discharged = "discharged" / "Discharge",
        Visit = "visit" / "Oversight visit",
        Escalation = "escalation" / "Escalation",
        Review = "review" / "Review",
        Referral = "referral" / "Referral",
        Document = "document" / "Document",
        Closed = "closed" / "Entry closed",
    }
);

/// A file type accepted as a document, known by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
    Gif,
    /// Word 2007 and later (.docx): a zip holding `word/` parts.
    Docx,
    /// Word 97–2003 (.doc): an OLE compound file.
    Doc,
}

impl FileType {
    /// The media type sent with the download.
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Doc => "application/msword",
        }
    }
}

/// What is accepted, in words for the refusal.
pub const ACCEPTED: &str = "a PDF, a Word document (.docx or .doc) or an image (PNG, JPEG or GIF)";

/// The file's type from its bytes, or `None` when it is none of the accepted ones (whatever its
/// name says). A .docx must be a zip that names its content types and a `word/` part.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(FileType::Gif)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some(FileType::Doc)
    } else if bytes.starts_with(b"PK\x03\x04")
        && contains(bytes, b"[Content_Types].xml")
        && contains(bytes, b"word/")
    {
        Some(FileType::Docx)
    } else {
        None
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A file name safe to store and to send back in `Content-Disposition`: the last part of any
/// path, printable ASCII letters, digits and `. - _ ( )` kept, spaces as `_`, everything else
/// dropped, at most 100 characters, never empty or hidden.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut safe: String = last
        .chars()
        .filter_map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '-' | '_' | '(' | ')' => Some(c),
            ' ' => Some('_'),
            _ => None,
        })
        .collect();
    while safe.starts_with('.') {
        safe.remove(0);
    }
    if safe.chars().count() > 100 {
        let (stem, ext) = match safe.rfind('.') {
            Some(at) if safe.len() - at <= 10 => (safe[..at].to_string(), safe[at..].to_string()),
            _ => (safe.clone(), String::new()),
        };
        safe = stem.chars().take(100 - ext.len()).collect::<String>() + &ext;
    }
    if safe.is_empty() {
        "document".into()
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_accepted_type_is_known_by_its_bytes() {
        let cases: &[(&[u8], Option<FileType>)] = &[
            (b"%PDF-1.7\n%...", Some(FileType::Pdf)),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Some(FileType::Png)),
            (&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], Some(FileType::Jpeg)),
            (b"GIF89a\x01\0", Some(FileType::Gif)),
            (b"GIF87a\x01\0", Some(FileType::Gif)),
            (
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
                Some(FileType::Doc),
            ),
            (
                b"PK\x03\x04....[Content_Types].xml....word/document.xml",
                Some(FileType::Docx),
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(sniff(bytes), *want, "{bytes:?}");
        }
    }

    #[test]
    fn anything_else_is_refused_whatever_it_claims() {
        let cases: &[&[u8]] = &[
            b"",
            b"%PD",
            b"MZ\x90\0\x03\0\0\0 an .exe renamed .pdf",
            b"\x7fELF\x02\x01\x01",
            b"Hello, this is a text file called letter.pdf",
            b" %PDF-1.4 (not at the start)",
            // A zip that is not a Word document (an .xlsx, or any archive).
            b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml",
            b"PK\x03\x04....word/ but no content types",
            b"<html><script>alert(1)</script></html>",
            b"GIF90a",
        ];
        for bytes in cases {
            assert_eq!(sniff(bytes), None, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn file_names_are_made_safe_for_a_download() {
        for (given, want) in [
            ("Referral letter.pdf", "Referral_letter.pdf"),
            ("C:\\Users\\x\\report (2).docx", "report_(2).docx"),
            ("../../etc/passwd", "passwd"),
            ("a\"b;c\r\nSet-Cookie: x.pdf", "abcSet-Cookie_x.pdf"),
            ("..hidden.png", "hidden.png"),
            ("Zoë's plan.pdf", "Zos_plan.pdf"),
            ("", "document"),
            ("\"\"", "document"),
        ] {
            assert_eq!(safe_file_name(given), want, "{given}");
        }
        let long = format!("{}.pdf", "x".repeat(300));
        let safe = safe_file_name(&long);
        assert_eq!(safe.len(), 100);
        assert!(safe.ends_with(".pdf"));
    }

    #[test]
    fn every_word_parses_back() {
        for c in NoteCategory::ALL {
            assert_eq!(NoteCategory::parse(c.as_str()), Some(*c));
        }
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.as_str()), Some(*k));
        }
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(*k));
        }
    }
}
