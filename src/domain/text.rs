//! What text the service stores: no control characters. A NUL cannot be stored by PostgreSQL at
//! all, and the others (escape, backspace, DEL, C1 codes…) are never typed on purpose. Tabs and
//! line breaks are allowed only where the form offers several lines. This is the one rule; the
//! input layer (`services::input`) and the web layer's filters and sign-in fields call it.

/// Whether a piece of text is one line (a name, a filter) or several (findings, a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Why the text cannot be taken, or `None` when it can. Says nothing of the text itself.
pub fn control_problem(text: &str, lines: Lines) -> Option<&'static str> {
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(|c| c.is_control() && !allowed(c)) {
        return None;
    }
    Some(match lines {
        Lines::One => "must be one line of text, without tabs, line breaks or control characters",
        Lines::Many => {
            "must not contain control characters (only tabs and line breaks are allowed)"
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_by_kind_of_text() {
        let cases = [
            ("Zoë O'Neil-Łukasz", true, true),
            ("", true, true),
            ("a\tb", false, true),
            ("a\nb", false, true),
            ("a\r\nb", false, true),
            ("a\u{0}b", false, false),
            ("\u{0}", false, false),
            ("a\u{1b}[31m", false, false),
            ("a\u{7f}", false, false),
            ("a\u{85}", false, false),
            ("a\u{9f}", false, false),
            ("a\u{8}", false, false),
            ("\u{a0}non-breaking space", true, true),
            ("emoji 🙂", true, true),
        ];
        for (text, one, many) in cases {
            assert_eq!(control_problem(text, Lines::One).is_none(), one, "{text:?}");
            assert_eq!(
                control_problem(text, Lines::Many).is_none(),
                many,
                "{text:?}"
            );
        }
    }
}
