//! Password hashing with Argon2id and the rules for new passwords.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;

/// Longest password accepted, so that hashing cannot be used to exhaust the server.
pub const MAX_LENGTH: usize = 256;

/// Passwords that appear at the top of published breach corpora, and local patterns. A new
/// password is refused if, lower-cased, it equals one of these or consists of one repeated.
const COMMON_PASSWORDS: &[&str] = &[
    "123456",
    "password",
    "12345678",
    "qwerty",
    "123456789",
    "12345",
    "1234",
    "111111",
    "1234567",
    "dragon",
    "123123",
    "baseball",
    "abc123",
    "football",
    "monkey",
    "letmein",
    "shadow",
    "master",
    "666666",
    "qwertyuiop",
    "123321",
    "mustang",
    "1234567890",
    "michael",
    "654321",
    "superman",
    "1qaz2wsx",
    "7777777",
    "121212",
    "000000",
    "qazwsx",
    "123qwe",
    "killer",
    "trustno1",
    "jordan",
    "jennifer",
    "zxcvbnm",
    "asdfgh",
    "hunter",
    "buster",
    "soccer",
    "harley",
    "batman",
    "andrew",
    "tigger",
    "sunshine",
    "iloveyou",
    "2000",
    "charlie",
    "robert",
    "thomas",
    "hockey",
    "ranger",
    "daniel",
    "starwars",
    "klaster",
    "112233",
    "george",
    "computer",
    "michelle",
    "jessica",
    "pepper",
    "1111",
    "zxcvbn",
    "555555",
    "11111111",
    "131313",
    "freedom",
    "777777",
    "pass",
    "maggie",
    "159753",
    "aaaaaa",
    "ginger",
    "princess",
    "joshua",
    "cheese",
    "amanda",
    "summer",
    "love",
    "ashley",
    "nicole",
    "chelsea",
    "biteme",
    "matthew",
    "access",
    "yankees",
    "987654321",
    "dallas",
    "austin",
    "thunder",
    "taylor",
    "matrix",
    "admin",
    "administrator",
    "welcome",
    "passw0rd",
    "p@ssw0rd",
    "changeme",
    "matkhau",
    "matkhau123",
    "anhyeuem",
    "emyeuanh",
    "vietnam",
    "hanoi",
    "saigon",
    "123456a",
    "a123456",
    "haidang",
    "quantri",
    "admin123",
    "12345678910",
    "qwerty123",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zaq12wsx",
];

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Common,
    ContainsUsername,
}

impl PasswordProblem {
    /// Message id of the reason, in the server's Fluent files.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::TooShort => "password-too-short",
            Self::TooLong => "password-too-long",
            Self::Common => "password-common",
            Self::ContainsUsername => "password-contains-username",
        }
    }
}

/// Checks a new password against the length, breach-list and username rules.
pub fn check_new_password(password: &str, username: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordProblem::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    let stripped = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!' || c == '.');
    if COMMON_PASSWORDS
        .iter()
        .any(|common| lower == *common || stripped == *common || is_repetition(&lower, common))
    {
        return Err(PasswordProblem::Common);
    }
    if repeats_short_unit(&lower) {
        return Err(PasswordProblem::Common);
    }
    if username.chars().count() >= 3 && lower.contains(&username.to_lowercase()) {
        return Err(PasswordProblem::ContainsUsername);
    }
    Ok(())
}

/// Whether the text is one unit of at most four characters repeated, like "abcabcabcabc".
fn repeats_short_unit(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (1..=4).any(|unit| chars.len().is_multiple_of(unit) && chars.chunks(unit).all(|chunk| chunk == &chars[..unit]))
}

fn is_repetition(text: &str, unit: &str) -> bool {
    !unit.is_empty() && text.len().is_multiple_of(unit.len()) && text == unit.repeat(text.len() / unit.len())
}

/// Hashes a password into an Argon2id PHC string with a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    if password.len() > MAX_LENGTH * 4 {
        return false;
    }
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash of a random password, verified against when the username is unknown, so that
/// unknown and known usernames take the same time to refuse.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&crate::auth::generate_key()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_new_passwords() {
        assert_eq!(check_new_password("short", "an"), Err(PasswordProblem::TooShort));
        assert_eq!(check_new_password("password1234", "an"), Err(PasswordProblem::Common));
        assert_eq!(check_new_password("matkhau123456", "an"), Err(PasswordProblem::Common));
        assert_eq!(check_new_password("abcabcabcabc", "an"), Err(PasswordProblem::Common));
        assert_eq!(check_new_password("aaaaaaaaaaaaa", "an"), Err(PasswordProblem::Common));
        assert_eq!(
            check_new_password("nguyenvanan-2026!", "nguyenvanan"),
            Err(PasswordProblem::ContainsUsername)
        );
        assert_eq!(check_new_password("Hải đăng soi đường 2026", "an"), Ok(()));
    }

    #[test]
    fn hash_round_trip() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }
}
