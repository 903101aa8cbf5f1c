//! The audit trail in sentences: what each action code means, in words for people. One table
//! ([`phrase`]) maps every code the services write; a test scans the source so that a code
//! added later without words fails the build's tests.

/// What was done, as the rest of a sentence after who did it. `{p}` stands for the person
/// concerned (their initial and family name), where there is one.
pub fn phrase(action: &str) -> Option<&'static str> {
    Some(match action {
        "login.ok" => "signed in",
        "login.failed" => "failed to sign in",
        "logout" => "signed out",
        "person.create" => "added {p} to the register",
        "person.read" => "looked at the record of {p}",
        "person.due.read" => "looked at what is due for {p}",
        "person.list" => "looked at the register",
        "person.export" => "exported the register as a file",
        "person.update" => "changed the details of {p}",
        "person.close" => "closed the entry of {p}",
        "person.withdraw" => "recorded that {p} withdrew consent",
        "person.inpatient_only" => "recorded {p} as an inpatient, not on the register",
        "person.join" => "added {p}, an inpatient-only entry, to the register with their consent",
        "person.objection" => "recorded whether {p} objects to identifiable sharing",
        "risk.assess" => "recorded a risk assessment for {p}",
        "risk.rate" => "recorded the rating {p} was given before tcr (imported)",
        "import.preview" => "uploaded a spreadsheet to import and previewed it",
        "import.commit" => "imported a spreadsheet into the register",
        "import.read" => "looked at an import",
        "import.worklist.downloaded" => "downloaded the worklist of an import",
        "rating.history.read" => "looked at the rating history of {p}",
        "admission.create" => "recorded an admission to hospital for {p}",
        "admission.discharge" => "recorded a discharge from hospital for {p}",
        "admission.update" => "changed a hospital stay of {p}",
        "admission.transfer" => "recorded a transfer between hospitals for {p}",
        "admission.list" => "looked at the hospital stays of {p}",
        "visit.create" => "recorded an oversight visit to {p}",
        "note.add" => "added a note to the record of {p}",
        "note.list" => "looked at the notes on {p}",
        "chronology.read" => "looked at the chronology of {p}",
        "document.upload" => "uploaded a document to the record of {p}",
        "document.list" => "looked at the documents of {p}",
        "document.download" => "downloaded a document from the record of {p}",
        "escalation.raise" => "escalated a concern about {p} to the oversight panel",
        "escalation.close" => "closed an escalation about {p} with its outcome",
        "escalation.read" => "looked at an escalation about {p}",
        "escalation.list" => "looked at the escalations list",
        "review.schedule" => "booked a review for {p}",
        "review.hold" => "recorded the outcome of a review for {p}",
        "review.report_sent" => "recorded that the report of a review for {p} was sent",
        "review.report_download" => "downloaded the report of a review for {p}",
        "review.cancel" => "cancelled a review for {p}",
        "review.read" => "looked at a review for {p}",
        "review.list" => "looked at the reviews list",
        "review.export" => "exported the reviews list as a file",
        "calendar.read" => "opened their review calendar",
        "action.update" => "updated an action agreed for {p}",
        "action.list" => "looked at the actions list",
        "action.export" => "exported the actions list as a file",
        "referral.create" => "recorded a referral",
        "referral.read" => "looked at a referral",
        "referral.list" => "looked at the referrals list",
        "referral.export" => "exported the referrals list as a file",
        "referral.accept" => "accepted a referral of {p}",
        "referral.decline" => "declined a referral",
        "referral.outcome_sent" => "recorded that a referral's outcome was sent",
        "user.create" => "created a user account",
        "user.deactivate" => "deactivated a user account",
        "user.reactivate" => "reactivated a user account",
        "user.password_change" => "changed their password",
        "user.password_reset" => "reset a user's password",
        "return.generated" => "generated a return",
        "return.read" => "looked at a return",
        "figures.read" => "looked at the figures over time",
        "return.pdf.downloaded" => "downloaded a return's PDF",
        "return.csv.downloaded" => "downloaded a return's CSV file",
        "return.export" => "exported a return as a spreadsheet or CSV file",
        "return.at_csv.downloaded" => "downloaded a return's Assuring Transformation export",
        "dashboard.read" => "looked at the dashboard",
        "audit.read" => "read the audit trail",
        "audit.verify" => "checked the audit trail",
        "admission.correct" => "corrected a hospital stay of {p}",
        "risk.void" => "voided a risk assessment of {p} entered in error",
        "review.change" => "moved a review for {p} or changed its panel",
        "review.amend" => "amended the outcome of a review for {p}",
        "review.addendum" => "added an addendum to the report of a review for {p}",
        "review.addenda.read" => "looked at the addenda of a review for {p}",
        "user.panel_kind" => "set a panel member's kind",
        "user.email" => "set or cleared a user's email address",
        "diary.read" => "looked at their diary of reviews",
        "form.kept" => "had a form kept when their session ended",
        "form.sent" => "sent a form kept when their session ended",
        "form.discarded" => "discarded a form kept when their session ended",
        _ => return None,
    })
}

/// "A. Lee": a person named briefly, as the trail shows them.
pub fn brief_name(given_name: &str, family_name: &str) -> String {
    match given_name.chars().next() {
        Some(initial) => format!("{}. {family_name}", initial.to_uppercase()),
        None => family_name.to_string(),
    }
}

/// "6 Dec 2026 at 14:05", from a UK wall-clock time.
pub fn when(at: time::PrimitiveDateTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {} at {:02}:{:02}",
        at.day(),
        MONTHS[usize::from(u8::from(at.month())) - 1],
        at.year(),
        at.hour(),
        at.minute()
    )
}

/// One entry as a sentence: "Cara Commissioner recorded a risk assessment for Z. Kowalczyk on
/// 6 Dec 2026 at 14:05". `person` is none when the entry names no one or the reader may not see
/// them; `when` is already in words.
pub fn sentence(who: &str, action: &str, person: Option<&str>, when: &str) -> String {
    let what = match phrase(action) {
        Some(p) => p.replace("{p}", person.unwrap_or("a person")),
        // A code without words yet: said plainly rather than shown raw.
        None => "did something the trail has no words for yet".to_string(),
    };
    format!("{who} {what} on {when}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn sentences_read_as_words() {
        assert_eq!(
            sentence(
                "Cara Commissioner",
                "risk.assess",
                Some(&brief_name("Zofia", "Kowalczyk")),
                "6 Dec 2026 at 14:05"
            ),
            "Cara Commissioner recorded a risk assessment for Z. Kowalczyk on 6 Dec 2026 at 14:05"
        );
        assert_eq!(
            sentence("Ann Admin", "person.read", None, "1 Jan 2027 at 09:00"),
            "Ann Admin looked at the record of a person on 1 Jan 2027 at 09:00"
        );
        assert!(!sentence("X", "made.up", None, "today").contains("made.up"));
        assert_eq!(brief_name("élodie", "Lefèvre"), "É. Lefèvre");
        assert_eq!(
            when(time::macros::datetime!(2026-12-06 14:05:59)),
            "6 Dec 2026 at 14:05"
        );
    }

    fn literals(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                literals(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read");
                for (i, part) in text.split('"').enumerate() {
                    if i % 2 == 1 {
                        out.push(part.to_string());
                    }
                }
            }
        }
    }

    /// Every action code written anywhere in the source has words. A code is a string literal
    /// of the trail's families (`person.create`, `login.failed`, `logout`…) in the services,
    /// which alone write audit entries (each use case with its own); consent field names and
    /// template names are not codes, nor are the pages' nested field names (`admission.hospital`).
    #[test]
    fn every_action_code_has_words() {
        const FAMILIES: &[&str] = &[
            "login",
            "person",
            "risk",
            "rating",
            "admission",
            "visit",
            "escalation",
            "review",
            "calendar",
            "action",
            "referral",
            "user",
            "return",
            "dashboard",
            "audit",
        ];
        let mut all = Vec::new();
        literals(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/services"),
            &mut all,
        );
        let mut missing: Vec<String> = all
            .into_iter()
            .filter(|s| {
                let mut parts = s.split('.');
                let family = parts.next().unwrap_or_default();
                s.contains('.')
                    && FAMILIES.contains(&family)
                    && !s.ends_with(".html")
                    && s.split('.').all(|p| {
                        !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    })
            })
            .filter(|code| phrase(code).is_none())
            .collect();
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "audit action codes without words in domain::audit_words::phrase: {missing:?}"
        );
        assert!(phrase("logout").is_some());
    }
}
