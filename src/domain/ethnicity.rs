//! The NHS ethnic category (NHS Data Dictionary "Ethnic Category", the 2001 census groups): the
//! code is what is stored and sent, so figures can be broken down by it.

use super::vocabulary::vocabulary;

vocabulary!(
    /// A person's ethnic category, by its NHS code.
    Ethnicity {
        WhiteBritish = "A" / "White - British",
        WhiteIrish = "B" / "White - Irish",
        WhiteOther = "C" / "White - Any other White background",
        MixedWhiteBlackCaribbean = "D" / "Mixed - White and Black Caribbean",
        MixedWhiteBlackAfrican = "E" / "Mixed - White and Black African",
        MixedWhiteAsian = "F" / "Mixed - White and Asian",
        MixedOther = "G" / "Mixed - Any other mixed background",
        AsianIndian = "H" / "Asian or Asian British - Indian",
        AsianPakistani = "J" / "Asian or Asian British - Pakistani",
        AsianBangladeshi = "K" / "Asian or Asian British - Bangladeshi",
        AsianOther = "L" / "Asian or Asian British - Any other Asian background",
        BlackCaribbean = "M" / "Black or Black British - Caribbean",
        BlackAfrican = "N" / "Black or Black British - African",
        BlackOther = "P" / "Black or Black British - Any other Black background",
        Chinese = "R" / "Other ethnic groups - Chinese",
        OtherGroup = "S" / "Other ethnic groups - Any other ethnic group",
        NotStated = "Z" / "Not stated",
        NotKnown = "99" / "Not known",
    }
);

/// Letters and digits only, lower case: `White - British` → `whitebritish`.
fn folded(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Ethnicity {
    /// What a form sends or an API client must send: the code (`A`…`S`, `Z`, `99`).
    pub fn message() -> &'static str {
        "Choose the ethnic category by its NHS code: A to S, Z (not stated) or 99 (not known)"
    }

    /// As a spreadsheet holds it: the code in either case (`a`, `99`), the whole words
    /// (`White - British`, `White British`) or the words after the group (`British`, `Indian`,
    /// `Not stated`).
    pub fn read(text: &str) -> Option<Self> {
        let t = text.trim();
        if let Some(e) = Self::parse(&t.to_ascii_uppercase()) {
            return Some(e);
        }
        let f = folded(t);
        if f.is_empty() {
            return None;
        }
        Self::ALL.iter().copied().find(|e| {
            let label = e.label();
            let short = label.rsplit(" - ").next().unwrap_or(label);
            folded(label) == f || folded(short) == f
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_words_are_read() {
        assert_eq!(Ethnicity::ALL.len(), 18);
        assert_eq!(Ethnicity::parse("A"), Some(Ethnicity::WhiteBritish));
        assert_eq!(Ethnicity::parse("a"), None);
        assert_eq!(Ethnicity::read("a"), Some(Ethnicity::WhiteBritish));
        assert_eq!(Ethnicity::read(" 99 "), Some(Ethnicity::NotKnown));
        assert_eq!(
            Ethnicity::read("White British"),
            Some(Ethnicity::WhiteBritish)
        );
        assert_eq!(Ethnicity::read("Indian"), Some(Ethnicity::AsianIndian));
        assert_eq!(
            Ethnicity::read("Black or Black British - African"),
            Some(Ethnicity::BlackAfrican)
        );
        assert_eq!(Ethnicity::read("not stated"), Some(Ethnicity::NotStated));
        for bad in ["", "Q", "I", "O", "British Asian", "98"] {
            assert_eq!(Ethnicity::read(bad), None, "{bad}");
        }
        // Each short form names one category.
        for e in Ethnicity::ALL {
            assert_eq!(Ethnicity::read(e.label()), Some(*e));
            let short = e.label().rsplit(" - ").next().unwrap();
            assert_eq!(Ethnicity::read(short), Some(*e), "{short}");
        }
    }
}
