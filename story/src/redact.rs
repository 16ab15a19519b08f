//! Redaction: values that change from run to run (sealed cookies, tokens, random ids)
//! become numbered placeholders, `<sealed #1>`, `<sealed #2>`, so a transcript is the same
//! in every run but still shows *when* a value changed.

use std::collections::BTreeMap;

use serde_json::Value;

/// Known values shorter than this are not replaced in free text: "1" or "true" would
/// match far too much.
const MIN_SCRUBBED_CHARS: usize = 6;

/// Replaces values that change from run to run with numbered placeholders.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// Cookie name to placeholder label.
    pub(crate) cookies: BTreeMap<String, String>,
    /// Signed cookie name to the placeholder label for its signature.
    pub(crate) signed_cookies: BTreeMap<String, String>,
    /// JSON field name to placeholder label.
    pub(crate) json_fields: BTreeMap<String, String>,
    /// Every raw value seen, with its placeholder. A `Vec` keeps the order stable.
    known: Vec<(String, String)>,
    /// How many values each label has numbered so far.
    counts: BTreeMap<String, usize>,
}

impl Redactor {
    pub(crate) fn placeholder(&mut self, label: &str, raw: &str) -> String {
        if let Some((_, shown)) = self.known.iter().find(|(known, _)| known == raw) {
            return shown.clone();
        }
        let count = self.counts.entry(label.to_owned()).or_default();
        *count += 1;
        let shown = format!("<{label} #{count}>");
        self.known.push((raw.to_owned(), shown.clone()));
        shown
    }

    pub(crate) fn cookie_value(&mut self, name: &str, value: &str) -> String {
        if let Some(label) = self.signed_cookies.get(name).cloned() {
            return match split_signature(value) {
                Some((signature, rest)) => format!("{}{rest}", self.placeholder(&label, signature)),
                None => value.to_owned(),
            };
        }
        match self.cookies.get(name).cloned() {
            Some(label) if !value.is_empty() => self.placeholder(&label, value),
            _ => value.to_owned(),
        }
    }

    /// `a=1; session=xyz` with the redacted cookies' values replaced.
    pub(crate) fn cookie_header(&mut self, header: &str) -> String {
        let pairs: Vec<String> = header
            .split("; ")
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => format!("{name}={}", self.cookie_value(name, value)),
                None => pair.to_owned(),
            })
            .collect();
        pairs.join("; ")
    }

    /// `session=xyz; HttpOnly; Expires=Thu, 01 Jan 2025 ...` with the value replaced and
    /// an `Expires` date (which follows the real clock) shown as `<date>`.
    fn set_cookie(&mut self, header: &str) -> String {
        let mut parts = header.split(';');
        let first = parts.next().unwrap_or_default();
        let mut shown = self.cookie_header(first.trim());
        for attribute in parts {
            let attribute = attribute.trim();
            if attribute.to_ascii_lowercase().starts_with("expires=") {
                shown.push_str("; Expires=<date>");
            } else {
                shown.push_str("; ");
                shown.push_str(attribute);
            }
        }
        shown
    }

    pub(crate) fn header(&mut self, name: &str, value: &str) -> String {
        match name {
            "cookie" => self.cookie_header(value),
            "set-cookie" => self.set_cookie(value),
            _ => value.to_owned(),
        }
    }

    pub(crate) fn learn_json(&mut self, json: &Value) {
        match json {
            Value::Object(map) => {
                for (key, value) in map {
                    if let Some(label) = self.json_fields.get(key).cloned() {
                        let raw = match value {
                            Value::String(raw) => raw.clone(),
                            Value::Number(raw) => raw.to_string(),
                            _ => String::new(),
                        };
                        // Values too short to scrub stay visible, so they take no number:
                        // `"id": 1` elsewhere must not make the first hidden one `#2`.
                        if raw.len() >= MIN_SCRUBBED_CHARS {
                            self.placeholder(&label, &raw);
                        }
                    }
                    self.learn_json(value);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.learn_json(item)),
            _ => {}
        }
    }

    /// Replaces every known raw value in `line`, longest first so that no value is
    /// partly replaced by a shorter one it contains.
    pub(crate) fn scrub(&self, line: &str) -> String {
        let mut known: Vec<&(String, String)> = self
            .known
            .iter()
            .filter(|(raw, _)| raw.len() >= MIN_SCRUBBED_CHARS)
            .collect();
        known.sort_by_key(|(raw, _)| std::cmp::Reverse(raw.len()));
        let mut line = line.to_owned();
        for (raw, shown) in known {
            if line.contains(raw.as_str()) {
                line = line.replace(raw.as_str(), shown);
            }
        }
        line
    }
}

/// The `cookie` crate signs a cookie by putting a 44-character base64 HMAC in front of the
/// value. On the wire the signature is percent-encoded (`=` is `%3D`), so it is the first
/// 44 *decoded* characters: `(signature, value)` as sent, or `None` if it is too short.
fn split_signature(wire: &str) -> Option<(&str, &str)> {
    const SIGNATURE_CHARS: usize = 44;
    let bytes = wire.as_bytes();
    let mut end = 0;
    for _ in 0..SIGNATURE_CHARS {
        end += if bytes.get(end) == Some(&b'%') { 3 } else { 1 };
    }
    // Base64 and percent-encoding are ASCII: anything else is not a signature.
    let signature = wire.get(..end).filter(|signature| signature.is_ascii())?;
    Some((signature, &wire[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_cookie_shows_its_value_but_not_its_signature() {
        let mut redactor = Redactor::default();
        redactor
            .signed_cookies
            .insert("visits".into(), "signature".into());
        // 43 base64 characters and the padding, percent-encoded as the jar sends them.
        let signature = format!("{}%3D", "a/b".repeat(14).replace('/', "%2F") + "c");
        let first = redactor.cookie_value("visits", &format!("{signature}41"));
        assert_eq!(first, "<signature #1>41");
        assert_eq!(
            redactor.cookie_header(&format!("visits={signature}1000")),
            "visits=<signature #1>1000"
        );
        let other = format!("{}%3D", "z".repeat(43));
        assert_eq!(
            redactor.cookie_value("visits", &format!("{other}2")),
            "<signature #2>2"
        );
        // Too short to be signed: a hand-typed forgery hides nothing.
        assert_eq!(redactor.cookie_value("visits", "1000"), "1000");
        assert_eq!(redactor.cookie_value("visits", "%%%"), "%%%");
        let not_ascii = format!("{}{}", "é".repeat(30), "x".repeat(30));
        assert_eq!(redactor.cookie_value("visits", &not_ascii), not_ascii);
        // Other cookies are untouched.
        assert_eq!(
            redactor.cookie_value("theme", &format!("{signature}41")),
            format!("{signature}41")
        );
    }
}
