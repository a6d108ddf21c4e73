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

#[cfg(test)]
mod tests {
    use super::*;

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
