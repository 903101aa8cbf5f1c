//! The one way a word the service stores or accepts becomes a type: `vocabulary!` declares an
//! enum with the word of each variant (as stored, sent and received) and, optionally, its label
//! for people. Every status, kind, basis, rating, band and role of the domain is declared with
//! it, so the word and the variant are written once and converted in one place.

/// Declares `pub enum $name` with serde renames to each word, `ALL` (in the order written),
/// `parse` (the word to the variant), `as_str` (the variant to its word) and `choices` ("a, b or
/// c", for messages); with `= "word" / "Label"` on every variant, also `label`.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])* $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal / $label:literal),+ $(,)?
        }
    ) => {
        $crate::domain::vocabulary::vocabulary!(
            $(#[$meta])* $name { $($(#[$vmeta])* $variant = $word),+ }
        );
        impl $name {
            /// In words for people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
    (
        $(#[$meta:meta])* $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $word)] $variant),+ }

        impl $name {
            /// Every variant, in the order the vocabulary lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The variant of a word as stored or sent; `None` for any other word.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($word => Some($name::$variant),)+ _ => None }
            }

            /// The word stored and sent for this variant.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// "a, b or c", for messages.
            pub fn choices() -> String {
                $crate::domain::vocabulary::either(Self::ALL.iter().map(|v| v.as_str()))
            }
        }
    };
}
pub(crate) use vocabulary;

/// "a", "a or b", "a, b or c".
pub fn either<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = words.collect();
    match all.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => all.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    vocabulary!(
        /// A test vocabulary.
        Colour {
            DeepRed = "deep_red" / "Deep red",
            Blue = "blue" / "Blue",
        }
    );

    vocabulary!(Plain { One = "one", Two = "two", Three = "three" });

    #[test]
    fn each_word_and_variant_go_both_ways_and_nothing_else_parses() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Some(*c));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<Colour>(&json).unwrap(), *c);
        }
        assert_eq!(Colour::DeepRed.label(), "Deep red");
        assert_eq!(Colour::parse("DeepRed"), None);
        assert_eq!(Colour::parse("Deep red"), None);
        assert_eq!(Plain::choices(), "one, two or three");
        assert_eq!(Plain::parse("two"), Some(Plain::Two));
        assert_eq!(Colour::choices(), "deep_red or blue");
        assert_eq!(either(["x"].into_iter()), "x");
        assert_eq!(either(std::iter::empty()), "");
    }
}
