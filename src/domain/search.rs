//! Finding people by what a user types: one fold for the stored search key and for the typed
//! words, so that case, accents and punctuation never decide whether someone is found
//! ("sean" finds Seán, "lefevre" finds Lefèvre, "Dunmore, Alfie" finds Alfie Dunmore).
//!
//! Each typed word must be the **start of a word** of the entry's names or of its NHS number
//! ("lee" finds Lee and Leeson, not Ashlee; "943 476" finds 943 476 5919): [`matches`]. That is
//! what an index can seek (`person_due_words`), so a search costs the matches, not the register.

/// Lower-case, Latin accents folded to plain letters (é→e, ñ→n, ø→o, ß→ss, æ→ae, ł→l…),
/// apostrophes dropped (O'Brien → obrien), every other non-alphanumeric character a space,
/// runs of spaces collapsed. Letters of other scripts are kept, lower-cased.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{02BC}') || is_combining(c) {
            continue;
        }
        let plain = plain(c);
        if plain.is_empty() {
            if c.is_alphanumeric() {
                out.push(c);
                space = false;
            } else if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push_str(plain);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The stored key a search reads: the folded names and the NHS number's digits.
pub fn key(given_name: &str, family_name: &str, nhs_digits: &str) -> String {
    fold(&format!("{given_name} {family_name} {nhs_digits}"))
}

/// The register's order by name: family name then given name, folded the same way ("Ó Briain"
/// sorts as "o briain"), so that both databases and every collation give one order. The tab
/// (never in a folded name) puts "Lee, Zed" before "Lee Smith, Ann".
pub fn sort_name(given_name: &str, family_name: &str) -> String {
    format!("{}\t{}", fold(family_name), fold(given_name))
}

/// The words of a typed search, folded as the key is; each must start a word of the key, in
/// any order. An NHS number typed with spaces or dashes is one word of digits. Only letters
/// and digits survive the fold, so a word never holds a `LIKE` wildcard.
pub fn tokens(query: &str) -> Vec<String> {
    if let Some(digits) = super::nhs_number::search_digits(query) {
        return vec![digits];
    }
    fold(query)
        .split_whitespace()
        .map(String::from)
        .take(8)
        .collect()
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// The plain letters for an accented lower-case Latin letter, or "" for anything else that is
/// not an ASCII letter or digit (the caller keeps other letters as they are).
fn plain(c: char) -> &'static str {
    match c {
        'a'..='z' | '0'..='9' => ascii(c),
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' | 'ǽ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' | 'ǿ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => "",
    }
}

/// An ASCII letter or digit as a static string.
fn ascii(c: char) -> &'static str {
    const ALL: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
    let at = match c {
        'a'..='z' => c as usize - 'a' as usize,
        _ => 26 + (c as usize - '0' as usize),
    };
    &ALL[at..at + 1]
}

/// The words of a stored key, each once: what the index of words holds for an entry.
pub fn words(key: &str) -> Vec<&str> {
    let mut out: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a stored key matches every word of a search: each typed word starts one of the
/// key's words (the rule the SQL applies, as a range of the word index or as [`like_patterns`]).
pub fn matches(key: &str, typed: &[String]) -> bool {
    typed
        .iter()
        .all(|t| key.split(' ').any(|w| w.starts_with(t.as_str())))
}

/// The end of the range of words starting with `typed`, for a seek on a byte-ordered index:
/// every word starting with it lies in `typed ..< prefix_end(typed)` (a folded word holds only
/// letters and digits, never the last code point).
pub fn prefix_end(typed: &str) -> String {
    format!("{typed}{}", char::MAX)
}

/// The two `LIKE` patterns that say the same as [`matches`] for one typed word over a whole
/// key (where no word index exists: a past day's register, the withdrawn list): the key starts
/// with it, or a word after a space does. A folded word holds no `LIKE` wildcard.
pub fn like_patterns(typed: &str) -> [String; 2] {
    [format!("{typed}%"), format!("% {typed}%")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        let cases = [
            ("Seán", "sean"),
            ("LEFÈVRE", "lefevre"),
            ("Lefèvre", "lefevre"),
            ("Zofia Kowalczyk-Łukasiewicz", "zofia kowalczyk lukasiewicz"),
            ("Strauß", "strauss"),
            ("Ærøskøbing", "aeroskobing"),
            ("Núñez", "nunez"),
            ("Siobhán Ó Briain", "siobhan o briain"),
            ("O'Brien", "obrien"),
            ("O’Brien", "obrien"),
            ("Dunmore, Alfie", "dunmore alfie"),
            ("  lots   of\tspace ", "lots of space"),
            ("Çelik Þór", "celik thor"),
            ("Œdipe", "oedipe"),
            ("Ștefan Țurcanu", "stefan turcanu"),
            // Decomposed (NFD) input: the combining accent is dropped.
            ("Sea\u{301}n", "sean"),
            ("Ελένη", "ελένη"),
            ("50%_x", "50 x"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input}");
        }
    }

    #[test]
    fn key_holds_names_and_digits() {
        assert_eq!(
            key("Alfie", "Dunmore", "9434765919"),
            "alfie dunmore 9434765919"
        );
    }

    #[test]
    fn typed_words_start_words_of_the_entry_in_any_order() {
        let k = key("Alfie", "Dunmore-Lee", "9434765919");
        for q in [
            "Dunmore, Alfie",
            "alfie dun",
            "DUN alf",
            "lee",
            "943 476 5919",
            "943-476-5919",
            "943 476",
            "9434",
        ] {
            assert!(matches(&k, &tokens(q)), "{q} should match");
        }
        // Inside a word is not the start of one: "more" is in Dunmore, "4765" in the number.
        for q in [
            "alfie smith",
            "943 476 5918",
            "dunmoore",
            "more",
            "4765",
            "lfie",
        ] {
            assert!(!matches(&k, &tokens(q)), "{q} should not match");
        }
        assert!(matches(&key("Seán", "Ó Briain", "1"), &tokens("sean o b")));
        assert!(matches(&key("Marie", "Lefèvre", "1"), &tokens("lefevre")));
        assert!(matches(&key("Ciara", "O'Brien", "1"), &tokens("obri")));
    }

    #[test]
    fn the_index_and_the_patterns_say_what_matches_says() {
        let k = key("Lee", "Leeson", "9434765919");
        assert_eq!(words(&k), ["9434765919", "lee", "leeson"]);
        assert_eq!(words(&key("Ann", "Ann", "1")), ["1", "ann"]);
        for typed in ["lee", "leeso", "943", "ann", "ees", "zz"] {
            let end = prefix_end(typed);
            let by_index = words(&k)
                .iter()
                .any(|w| *w >= typed && w.as_bytes() < end.as_bytes());
            let [starts, after_space] = like_patterns(typed);
            let by_like = k.starts_with(starts.trim_end_matches('%'))
                || k.contains(after_space.trim_matches('%'));
            let typed = vec![typed.to_string()];
            assert_eq!(by_index, matches(&k, &typed), "{typed:?}");
            assert_eq!(by_like, matches(&k, &typed), "{typed:?}");
        }
    }

    #[test]
    fn sort_names_order_family_then_given() {
        let mut names = vec![
            sort_name("Ben", "O'Neill"),
            sort_name("Seán", "Ó Briain"),
            sort_name("Ann", "Lee Smith"),
            sort_name("Zed", "Lee"),
            sort_name("ann", "LEE"),
        ];
        names.sort();
        assert_eq!(
            names,
            [
                "lee\tann",
                "lee\tzed",
                "lee smith\tann",
                "o briain\tsean",
                "oneill\tben"
            ]
        );
    }

    #[test]
    fn tokens_never_hold_like_wildcards() {
        for q in ["%", "_", "a%b_c", "100%", "\\"] {
            for t in tokens(q) {
                assert!(!t.contains(['%', '_', '\\']), "{q}: {t}");
            }
        }
        assert!(tokens("%%%").is_empty());
    }
}
