//! NHS numbers: 10 digits, the last a modulus-11 check digit; shown 3-3-4 (`943 476 5919`).
//! Numbers starting `999` are the NHS test range, used for fixtures and demo data.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhsNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NhsNumberError {
    NotTenDigits,
    BadCheckDigit,
    /// One digit ten times (`0000000000`, `1111111111`): passes modulus 11 but is never issued.
    RepeatedDigit,
}

impl NhsNumberError {
    pub fn message(self) -> &'static str {
        match self {
            NhsNumberError::NotTenDigits => "Enter an NHS number of 10 digits, like 943 476 5919",
            NhsNumberError::BadCheckDigit => {
                "That is not a valid NHS number: check the digits (its check digit does not match)"
            }
            NhsNumberError::RepeatedDigit => {
                "That is not a real NHS number: it is one digit repeated ten times"
            }
        }
    }
}

/// The check digit for the first nine digits, or `None` when no valid number can start so.
pub fn check_digit(first_nine: &[u8; 9]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        n => Some(n as u8),
    }
}

impl NhsNumber {
    /// Accepts digits with or without spaces or dashes.
    pub fn parse(raw: &str) -> Result<Self, NhsNumberError> {
        let digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NhsNumberError::NotTenDigits);
        }
        let d: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
        if d.iter().all(|x| *x == d[0]) {
            return Err(NhsNumberError::RepeatedDigit);
        }
        let mut first_nine = [0u8; 9];
        first_nine.copy_from_slice(&d[..9]);
        match check_digit(&first_nine) {
            Some(c) if c == d[9] => Ok(NhsNumber(digits)),
            _ => Err(NhsNumberError::BadCheckDigit),
        }
    }

    /// The ten digits, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// A valid number from nine leading digits, if they admit one (demo data, tests).
    pub fn from_first_nine(first_nine: [u8; 9]) -> Option<Self> {
        let c = check_digit(&first_nine)?;
        if first_nine.iter().all(|d| *d == c) {
            return None;
        }
        let s: String = first_nine
            .iter()
            .chain(std::iter::once(&c))
            .map(|d| char::from(b'0' + d))
            .collect();
        Some(NhsNumber(s))
    }

    pub fn is_test_range(&self) -> bool {
        self.0.starts_with("999")
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

/// Digits only, for searching by a partial number typed with or without spaces.
pub fn search_digits(q: &str) -> Option<String> {
    let digits: String = q
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() >= 3 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        let cases = [
            ("9434765919", Ok("943 476 5919")),
            ("943 476 5919", Ok("943 476 5919")),
            ("943-476-5919", Ok("943 476 5919")),
            (" 943 4765919 ", Ok("943 476 5919")),
            ("9434765918", Err(NhsNumberError::BadCheckDigit)),
            ("943476591", Err(NhsNumberError::NotTenDigits)),
            ("94347659190", Err(NhsNumberError::NotTenDigits)),
            ("943476591x", Err(NhsNumberError::NotTenDigits)),
            ("", Err(NhsNumberError::NotTenDigits)),
            ("９４３４７６５９１９", Err(NhsNumberError::NotTenDigits)),
        ];
        for (raw, want) in cases {
            assert_eq!(
                NhsNumber::parse(raw).map(|n| n.to_string()),
                want.map(String::from),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn check_digit_eleven_means_zero_and_ten_means_invalid() {
        // 999 000 002: 9·10 + 9·9 + 9·8 + 2·2 = 247 = 11·22 + 5 → check 6.
        assert_eq!(check_digit(&[9, 9, 9, 0, 0, 0, 0, 0, 2]), Some(6));
        // 999 000 005: 243 + 5·2 = 253 = 11·23 → 11 − 0 = 11 → check 0.
        assert_eq!(check_digit(&[9, 9, 9, 0, 0, 0, 0, 0, 5]), Some(0));
        assert!(NhsNumber::parse("9990000050").is_ok());
        assert!(NhsNumber::parse("9434765919").is_ok());
        // Nine digits whose check would be 10 admit no valid number at all.
        let ten = (0..1000u32)
            .map(|n| {
                let mut d = [9, 9, 9, 0, 0, 0, 0, 0, 0];
                d[6] = (n / 100) as u8;
                d[7] = (n / 10 % 10) as u8;
                d[8] = (n % 10) as u8;
                d
            })
            .find(|d| check_digit(d).is_none())
            .unwrap();
        for last in 0..=9u8 {
            let s: String = ten
                .iter()
                .chain(std::iter::once(&last))
                .map(|d| char::from(b'0' + d))
                .collect();
            assert_eq!(
                NhsNumber::parse(&s),
                Err(NhsNumberError::BadCheckDigit),
                "{s}"
            );
        }
    }

    #[test]
    fn one_repeated_digit_is_refused_although_modulus_11_passes() {
        // 0000000000 and 1111111111 pass the check digit; the rule refuses them anyway.
        assert_eq!(check_digit(&[0; 9]), Some(0));
        assert_eq!(check_digit(&[1; 9]), Some(1));
        for d in 0..=9u8 {
            let s: String = std::iter::repeat_n(char::from(b'0' + d), 10).collect();
            assert_eq!(
                NhsNumber::parse(&s),
                Err(NhsNumberError::RepeatedDigit),
                "{s}"
            );
            assert!(NhsNumber::from_first_nine([d; 9]).is_none_or(|n| n.digits() != s));
        }
        assert_eq!(
            NhsNumber::parse("111 111 1111"),
            Err(NhsNumberError::RepeatedDigit)
        );
        // One digit different is an ordinary number, judged by its check digit.
        assert_eq!(
            NhsNumber::parse("1111111112"),
            Err(NhsNumberError::BadCheckDigit)
        );
        assert!(NhsNumber::parse("9990000050").is_ok());
    }

    #[test]
    fn test_range_numbers_are_generated_valid() {
        let n = NhsNumber::from_first_nine([9, 9, 9, 0, 0, 0, 0, 0, 1]).unwrap();
        assert!(n.is_test_range());
        assert_eq!(NhsNumber::parse(n.digits()), Ok(n.clone()));
    }

    #[test]
    fn search_digits_accepts_partial_numbers() {
        assert_eq!(search_digits("943 476"), Some("943476".into()));
        assert_eq!(search_digits("lee"), None);
        assert_eq!(search_digits("94"), None);
    }
}
