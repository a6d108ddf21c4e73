//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30-second steps), as the
//! common authenticator apps use them.

use totp_rs::{Algorithm, Secret, TOTP};

const ISSUER: &str = "Hai Dang IOC";

/// Creates a new random secret, base32-encoded.
pub fn new_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(bytes) => data_encoding_fallback(&bytes),
    }
}

fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    // One step of skew accepts a code from the previous or next 30 seconds.
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(ISSUER.to_owned()),
        account.replace(':', "_"),
    )
    .ok()
}

/// Checks a code at `now_ms`, allowing one step of clock skew either way.
pub fn check_code(secret: &str, code: &str, now_ms: i64) -> bool {
    matching_step(secret, code, now_ms).is_some()
}

/// Returns the 30-second time step whose code `code` is, among the step of `now_ms` and the
/// one before and after it; `None` when no step matches. Callers refuse a step they have
/// already accepted, so that a code cannot be replayed.
pub fn matching_step(secret: &str, code: &str, now_ms: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "x")?;
    let step = now_ms.div_euclid(30_000);
    [step - 1, step, step + 1].into_iter().find(|candidate| {
        u64::try_from(candidate * 30)
            .is_ok_and(|seconds| constant_time_eq(totp.generate(seconds).as_bytes(), code.as_bytes()))
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Returns the code for `now_ms`, for tests and for the command line.
pub fn code_at(secret: &str, now_ms: i64) -> Option<String> {
    let seconds = u64::try_from(now_ms / 1000).ok()?;
    totp(secret, "x").map(|t| t.generate(seconds))
}

/// Returns the `otpauth://` address that authenticator apps read from a QR code.
pub fn provisioning_url(secret: &str, account: &str) -> Option<String> {
    totp(secret, account).map(|t| t.get_url())
}

/// Base32 without padding (RFC 4648), in case the library hands back raw bytes.
fn data_encoding_fallback(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            out.push(char::from(ALPHABET[((buffer >> (bits - 5)) & 31) as usize]));
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_checks_within_one_step() {
        let secret = new_secret();
        let now = 1_780_000_000_000;
        let code = code_at(&secret, now).expect("code");
        assert!(check_code(&secret, &code, now));
        assert!(check_code(&secret, &code, now + 30_000));
        assert!(!check_code(&secret, &code, now + 95_000));
        assert!(!check_code(&secret, "12345", now));
    }

    #[test]
    fn rfc_6238_vector() {
        // RFC 6238 appendix B: secret "12345678901234567890" at T = 59 s gives 94287082
        // for 8 digits, so 287082 for 6.
        let secret = data_encoding_fallback(b"12345678901234567890");
        assert_eq!(code_at(&secret, 59_000).as_deref(), Some("287082"));
    }
}
