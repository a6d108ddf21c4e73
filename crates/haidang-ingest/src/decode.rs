//! Character decoding of text files: UTF-8 with or without BOM, UTF-16 (with BOM) and
//! Windows-1258, streamed so that large files are never decoded whole.

use std::io::{self, Read};

use encoding_rs::{Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1258};

/// Encoding of an input, as declared by the sender or detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// A byte-order mark decides; without one, UTF-8, or Windows-1258 when the first
    /// block is not valid UTF-8.
    Auto,
    Utf8,
    Utf16,
    Windows1258,
}

impl TextEncoding {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" | "" => Some(Self::Auto),
            "utf-8" | "utf8" => Some(Self::Utf8),
            "utf-16" | "utf16" | "utf-16le" | "utf-16be" => Some(Self::Utf16),
            "windows-1258" | "cp1258" => Some(Self::Windows1258),
            _ => None,
        }
    }
}

const SNIFF_BYTES: usize = 64 * 1024;

/// Wraps `inner` in a reader that yields UTF-8, with any byte-order mark removed.
pub fn utf8_reader<R: Read>(mut inner: R, declared: TextEncoding) -> io::Result<Utf8Reader<R>> {
    let mut head = vec![0u8; SNIFF_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        let n = inner.read(&mut head[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    let encoding: &'static Encoding = match (Encoding::for_bom(&head), declared) {
        (Some((encoding, _)), _) => encoding,
        (None, TextEncoding::Utf8) => UTF_8,
        (None, TextEncoding::Utf16) => UTF_16LE,
        (None, TextEncoding::Windows1258) => WINDOWS_1258,
        (None, TextEncoding::Auto) => {
            if valid_utf8_prefix(&head) {
                UTF_8
            } else {
                WINDOWS_1258
            }
        }
    };
    debug_assert!(encoding != UTF_16BE || Encoding::for_bom(&head).is_some());
    Ok(Utf8Reader {
        inner,
        decoder: encoding.new_decoder_with_bom_removal(),
        pending_input: head,
        pending_offset: 0,
        output: Vec::new(),
        output_offset: 0,
        finished: false,
    })
}

/// Whether `bytes` is valid UTF-8, allowing a character cut at the end of the block.
fn valid_utf8_prefix(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none() && bytes.len() - error.valid_up_to() < 4,
    }
}

/// A reader that transcodes its inner reader to UTF-8.
pub struct Utf8Reader<R> {
    inner: R,
    decoder: Decoder,
    pending_input: Vec<u8>,
    pending_offset: usize,
    output: Vec<u8>,
    output_offset: usize,
    finished: bool,
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.output_offset < self.output.len() {
                let n = buf.len().min(self.output.len() - self.output_offset);
                buf[..n].copy_from_slice(&self.output[self.output_offset..self.output_offset + n]);
                self.output_offset += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            if self.pending_offset >= self.pending_input.len() {
                self.pending_input.resize(SNIFF_BYTES, 0);
                let n = self.inner.read(&mut self.pending_input)?;
                self.pending_input.truncate(n);
                self.pending_offset = 0;
            }
            let last = self.pending_input.is_empty();
            let input = &self.pending_input[self.pending_offset..];
            let capacity = self
                .decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(input.len() * 3 + 16);
            let mut decoded = String::with_capacity(capacity);
            let (_, read, _) = self.decoder.decode_to_string(input, &mut decoded, last);
            self.pending_offset += read;
            self.output = decoded.into_bytes();
            self.output_offset = 0;
            if last {
                self.finished = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], declared: TextEncoding) -> String {
        let mut text = String::new();
        let result = utf8_reader(bytes, declared).and_then(|mut r| r.read_to_string(&mut text));
        assert!(result.is_ok(), "{result:?}");
        text
    }

    #[test]
    fn utf8_bom_is_removed() {
        assert_eq!(decode("\u{feff}Mũi Né".as_bytes(), TextEncoding::Auto), "Mũi Né");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Phan Thiết".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes, TextEncoding::Auto), "Phan Thiết");
    }

    #[test]
    fn windows_1258_detected_when_not_utf8() {
        // "Hàm" in Windows-1258: H, a, combining grave (0xCC), m.
        let text = decode(&[b'H', b'a', 0xCC, b'm'], TextEncoding::Auto);
        assert_eq!(text, "Ha\u{300}m");
    }
}
