//! Secret scans: the forms a secret could be printed in, and checks that text shows none of
//! them. The forms are strings, so a test can add its own (a banner line, a malformed key).

/// Every way `secret` could show up in text: hex in both cases (whole, and each half, so a
/// truncated print is caught too), and Rust's `Debug` of the bytes.
pub fn forms_of(secret: &[u8]) -> Vec<String> {
    let hex = hex::encode(secret);
    let half = hex.len() / 2;
    let mut forms = vec![
        hex[..half].to_owned(),
        hex[half..].to_owned(),
        hex.to_uppercase()[..half].to_owned(),
    ];
    forms.push(debug_list(secret));
    forms
}

/// [`forms_of`] the bytes as given and reversed: a scalar may be stored in one byte order and
/// printed in the other.
pub fn forms_in_both_byte_orders(secret: &[u8]) -> Vec<String> {
    let mut forms = forms_of(secret);
    forms.extend(forms_of(&reversed(secret)));
    forms
}

/// Rust's `Debug` of `bytes` without its brackets, e.g. `1, 2, 3`.
pub fn debug_list(bytes: &[u8]) -> String {
    format!("{bytes:?}")
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned()
}

/// The bytes in the other order.
pub fn reversed(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().rev().copied().collect()
}

/// The bytes of a hex secret as typed or printed: surrounding space and a `0x` prefix allowed.
pub fn hex_bytes(text: &str) -> Vec<u8> {
    hex::decode(text.trim().trim_start_matches("0x")).expect("hex secret")
}

/// The first of `forms` that `text` contains, compared without regard to case.
pub fn shown_form<'a>(text: &str, forms: &'a [String]) -> Option<&'a str> {
    let text = text.to_lowercase();
    forms
        .iter()
        .find(|form| text.contains(&form.to_lowercase()))
        .map(String::as_str)
}

/// Panics, naming `what` and the form, if `text` contains one of `forms` (exactly, case kept).
pub fn assert_hides_forms(text: &str, forms: &[String], what: &str) {
    for form in forms {
        assert!(
            !text.contains(form.as_str()),
            "{what} shows the secret ({form}): {text}"
        );
    }
}

/// Panics if `text` shows `secret` in any of its [`forms_of`].
pub fn assert_hides(text: &str, secret: &[u8], what: &str) {
    assert_hides_forms(text, &forms_of(secret), what);
}

/// Panics if `text` shows `secret` in any of its [`forms_in_both_byte_orders`].
pub fn assert_hides_in_both_byte_orders(text: &str, secret: &[u8], what: &str) {
    assert_hides_forms(text, &forms_in_both_byte_orders(secret), what);
}

/// A secret to look for in many outputs, named for the report.
#[derive(Clone, Debug)]
pub struct Secret {
    /// What the secret is, e.g. `node 0 key share`.
    pub name: String,
    /// The strings that would give it away.
    pub forms: Vec<String>,
}

impl Secret {
    /// A secret looked for in `forms`.
    pub fn new(name: impl Into<String>, forms: Vec<String>) -> Secret {
        Secret {
            name: name.into(),
            forms,
        }
    }
}

/// One line per (secret, output) where an output shows a secret, compared without regard to
/// case; `outputs` are (source, text) pairs. Empty when nothing leaks.
pub fn leaks(outputs: &[(String, String)], secrets: &[Secret]) -> Vec<String> {
    let mut found = Vec::new();
    for (source, text) in outputs {
        for secret in secrets {
            if let Some(form) = shown_form(text, &secret.forms) {
                found.push(format!(
                    "{} appears in {source} (as {form:.16}…)",
                    secret.name
                ));
            }
        }
    }
    found
}

/// Whether `haystack` holds `needle` as raw bytes (a secret written to a file unencoded).
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_cover_hex_halves_upper_case_and_debug() {
        assert_eq!(forms_of(&[0xab, 0xcd]), ["ab", "cd", "AB", "171, 205"]);
        assert_eq!(forms_in_both_byte_orders(&[0xab, 0xcd]).len(), 8);
    }

    #[test]
    fn scans_find_forms_in_any_case() {
        let secret = Secret::new("key", forms_of(&[0xab, 0xcd]));
        let outputs = [("log".to_owned(), "x ABCD y".to_owned())];
        assert_eq!(leaks(&outputs, &[secret]).len(), 1);
        assert!(contains_bytes(b"a\x01\x02b", &[1, 2]));
        assert_eq!(hex_bytes(" 0xabcd\n"), [0xab, 0xcd]);
    }
}
