//! Messages in the caller's language, from the Fluent files under `locales/`.
//!
//! Vietnamese is the default; English is chosen when the request's `Accept-Language`
//! prefers it.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::http::HeaderMap;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "vi",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VIETNAMESE: LanguageIdentifier = langid!("vi");
static ENGLISH: LanguageIdentifier = langid!("en");

/// Language of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    /// Picks the first of Vietnamese or English named in `Accept-Language`; Vietnamese
    /// when neither is named.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let Some(value) = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Self::Vi;
        };
        for part in value.split(',') {
            let tag = part.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            if tag.starts_with("vi") {
                return Self::Vi;
            }
            if tag.starts_with("en") {
                return Self::En;
            }
        }
        Self::Vi
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Self::Vi => &VIETNAMESE,
            Self::En => &ENGLISH,
        }
    }
}

/// Returns the message `id` with `args` in `lang`.
pub fn message(lang: Lang, id: &str, args: &[(&str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| (Cow::Owned((*name).to_owned()), FluentValue::from(value.clone())))
        .collect();
    LOCALES.lookup_with_args(lang.id(), id, &args)
}

/// Returns a parameter hint in `lang`. Hints are written in English in the code; the
/// Vietnamese text of each is in `server.ftl` under an id derived from the English words.
pub fn hint(lang: Lang, english: &str) -> String {
    if lang == Lang::En {
        return english.to_owned();
    }
    LOCALES
        .try_lookup(lang.id(), &hint_id(english))
        .unwrap_or_else(|| english.to_owned())
}

/// Derives the message id of a hint: `hint-` and its lower-case letters and digits, every
/// other run of characters as one `-`, at most 60 characters.
fn hint_id(english: &str) -> String {
    let mut slug = String::with_capacity(english.len());
    for c in english.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let trimmed: String = slug.trim_matches('-').chars().take(60).collect();
    format!("hint-{}", trimmed.trim_end_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_translated_for_vietnamese() {
        assert_eq!(hint(Lang::Vi, "raw, hour, day or month"), "raw, hour, day hoặc month");
        assert_eq!(hint(Lang::En, "raw, hour, day or month"), "raw, hour, day or month");
        assert_eq!(hint(Lang::Vi, "an unknown hint"), "an unknown hint");
        assert_eq!(hint_id("a start before `to`"), "hint-a-start-before-to");
    }

    #[test]
    fn english_chosen_by_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            "en-US,en;q=0.9".parse().expect("header"),
        );
        assert_eq!(Lang::from_headers(&headers), Lang::En);
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::Vi);
    }

    #[test]
    fn messages_fill_arguments_without_isolation_marks() {
        let text = message(Lang::En, "reject-invalid-time", &[("value", "x".to_owned())]);
        assert_eq!(
            text,
            "Invalid time \"x\". Use ISO 8601, such as 2025-07-01T08:00:00+07:00."
        );
        let text = message(Lang::Vi, "reject-unknown-series", &[("series", "a.b".to_owned())]);
        assert!(text.starts_with("Chuỗi số liệu \"a.b\" chưa được khai báo."), "{text}");
    }
}
