//! Text normalisation at the edge and spelling-tolerant matching of Vietnamese names.
//!
//! Stored text is NFC. Names are compared through [`match_key`], which forgives the old and
//! new placement of tone marks (Thủy/Thuỷ, Hòa/Hoà), `i`/`y` after `qu` (Quí/Quý),
//! apostrophe styles (B'Lao/B’Lao) and letter case, without rewriting what is stored.
//! [`search_key`] also drops every diacritic, for diacritic-insensitive search.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Returns `text` in Unicode normalisation form C.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// Returns a key under which spelling variants of the same Vietnamese name are equal.
pub fn match_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        push_word_key(word, &mut key);
    }
    key
}

/// Returns a key for diacritic-insensitive search: lower case, no marks, đ as d.
pub fn search_key(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .flat_map(char::to_lowercase)
        .map(normalise_apostrophe)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Moves the tone mark of one syllable to its end, so that its position no longer matters.
fn push_word_key(word: &str, key: &mut String) {
    let mut tone = None;
    let mut letters = String::with_capacity(word.len());
    for c in word.nfd().flat_map(char::to_lowercase) {
        if TONE_MARKS.contains(&c) {
            tone = Some(c);
        } else {
            letters.push(normalise_apostrophe(c));
        }
    }
    if letters.starts_with("qu") && letters.ends_with('i') && letters.chars().count() == 3 {
        letters.pop();
        letters.push('y');
    }
    key.extend(letters.nfc());
    if let Some(tone) = tone {
        key.push('#');
        key.push(tone);
    }
}

fn normalise_apostrophe(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_placement_variants_match() {
        assert_eq!(match_key("Phường Phú Thủy"), match_key("Phường Phú Thuỷ"));
        assert_eq!(match_key("Khánh Hòa"), match_key("Khánh Hoà"));
        assert_eq!(match_key("Phú Quí"), match_key("Phú Quý"));
        assert_eq!(match_key("B'Lao"), match_key("B’Lao"));
        assert_eq!(match_key("Đắk song"), match_key("Đắk Song"));
    }

    #[test]
    fn different_tones_do_not_match() {
        assert_ne!(match_key("Hòa"), match_key("Hóa"));
        assert_ne!(match_key("Phú Thủy"), match_key("Phú Thuy"));
    }

    #[test]
    fn decomposed_input_becomes_nfc() {
        let decomposed = "Thua\u{0323}\u{0302}n";
        assert_eq!(nfc(decomposed), "Thu\u{1EAD}n");
        assert_eq!(nfc(decomposed).chars().count(), 5);
    }

    #[test]
    fn search_ignores_diacritics() {
        assert_eq!(search_key("Phường Mũi Né"), "phuong mui ne");
        assert_eq!(search_key("Đà  Lạt"), "da lat");
    }
}
