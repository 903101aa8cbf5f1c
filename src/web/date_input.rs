//! The GOV.UK date input on every page form: a date is typed as three boxes named `<field>-day`,
//! `<field>-month` and `<field>-year`. Before a form is parsed, [`join`] puts each such triple
//! back together as one `<field>` value of the form `YYYY-MM-DD`, so every form struct, every
//! service and every check keeps reading one date string, as the JSON API sends it. What the
//! user typed is never lost: parts that are not a date are joined as typed (`2026-13-40`,
//! `2026--5`), refused by the one date rule (`services::input::Check`) naming what is missing or
//! wrong, and split again by the `date` macro to fill the three boxes when the form comes back.

const PARTS: [&str; 3] = ["-day", "-month", "-year"];

/// The form's fields with each date's three parts joined into one field, in the place of its
/// first part. A lone plain `<field>` value (an older form, a script) passes unchanged.
pub fn join(fields: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(fields.len());
    // For each date field: where it sits in `out`, and its day, month and year.
    let mut dates: Vec<(String, usize, [String; 3])> = Vec::new();
    for (name, value) in fields {
        let part = PARTS
            .iter()
            .position(|suffix| name.ends_with(suffix) && name.len() > suffix.len());
        let Some(part) = part else {
            out.push((name, value));
            continue;
        };
        let base = &name[..name.len() - PARTS[part].len()];
        let slot = match dates.iter().position(|(b, _, _)| b == base) {
            Some(i) => i,
            None => {
                out.push((base.to_string(), String::new()));
                dates.push((base.to_string(), out.len() - 1, Default::default()));
                dates.len() - 1
            }
        };
        // Hyphens would blur the join; nobody types one into a number box on purpose.
        dates[slot].2[part] = value.trim().replace('-', "");
    }
    for (_, at, [day, month, year]) in dates {
        out[at].1 = joined(&day, &month, &year);
    }
    out
}

/// `YYYY-MM-DD` when all three parts are numbers (day and month padded to two digits); the
/// parts as typed, hyphenated, otherwise; empty when all three are empty.
fn joined(day: &str, month: &str, year: &str) -> String {
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return String::new();
    }
    let pad = |s: &str| {
        if !s.is_empty() && s.len() < 2 && s.bytes().all(|b| b.is_ascii_digit()) {
            format!("0{s}")
        } else {
            s.to_string()
        }
    };
    format!("{year}-{}-{}", pad(month), pad(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn three_parts_become_one_date_in_place() {
        let got = join(pairs(&[
            ("csrf_token", "t"),
            ("consent.recorded_on-day", "5"),
            ("consent.recorded_on-month", "11"),
            ("consent.recorded_on-year", "2026"),
            ("reason", "x"),
        ]));
        assert_eq!(
            got,
            pairs(&[
                ("csrf_token", "t"),
                ("consent.recorded_on", "2026-11-05"),
                ("reason", "x")
            ])
        );
    }

    #[test]
    fn what_was_typed_survives_when_it_is_not_a_date() {
        let got = join(pairs(&[
            ("held_on-day", " 31 "),
            ("held_on-month", "feb"),
            ("held_on-year", "2026"),
            ("when-day", ""),
            ("when-month", ""),
            ("when-year", ""),
            ("due-day", "1"),
            ("due-month", ""),
            ("due-year", "2027"),
            ("odd-day", "1-2"),
        ]));
        assert_eq!(
            got,
            pairs(&[
                ("held_on", "2026-feb-31"),
                ("when", ""),
                ("due", "2027--01"),
                ("odd", "--12")
            ])
        );
        use crate::domain::dates::missing_parts;
        assert_eq!(missing_parts("2027--01"), Some("a month"));
        assert_eq!(missing_parts("--01"), Some("a month and year"));
        assert_eq!(missing_parts("2026-feb-31"), None);
        assert_eq!(missing_parts("--"), None);
        assert_eq!(missing_parts("2026-11-05"), None);
    }

    #[test]
    fn names_that_only_look_like_parts_pass_unchanged() {
        let got = join(pairs(&[("-day", "1"), ("holiday", "2")]));
        assert_eq!(got, pairs(&[("-day", "1"), ("holiday", "2")]));
    }
}
