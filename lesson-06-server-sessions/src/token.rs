//! The token: what the cookie carries, and the only key to a session.
//!
//! A token is 32 bytes from the operating system's random generator, in URL-safe base64
//! (43 characters). It holds no user id and no expiry: it only names a row of the
//! `sessions` table. The row keeps the token's SHA-256, never the token itself, so a copy
//! of the database holds nothing that can be sent as a cookie.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// 32 random bytes = 256 bits. Guessing a live token is hopeless even with billions of
/// sessions (128 bits would already be enough; the extra bits cost nothing).
const TOKEN_BYTES: usize = 32;
/// A token in the cookie: 32 bytes in URL-safe base64 without padding.
const TOKEN_CHARS: usize = 43;

/// A new session's token: the only copy of the secret, on its way into a cookie.
/// `Debug` hides it, so it cannot end up in a log by accident.
pub struct Token(String);

impl Token {
    /// A fresh token from the operating system's random generator.
    pub(crate) fn generate() -> Self {
        Self(random_url_safe(TOKEN_BYTES))
    }

    /// What the `sessions` table keeps in its place.
    pub(crate) fn hash(&self) -> [u8; 32] {
        token_hash(&self.0).expect("a token made here has the right shape")
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<hidden>)")
    }
}

/// The token's SHA-256: the key of its row. `None` when `token` is not shaped like a
/// token this server hands out (43 URL-safe base64 characters, 32 bytes).
///
/// Why SHA-256 and not bcrypt, as for passwords? bcrypt is slow on purpose, to make
/// guessing *likely* passwords expensive. A token has 256 random bits: there is no likely
/// token to guess, so one fast hash is enough, and every request can afford it.
pub(crate) fn token_hash(token: &str) -> Option<[u8; 32]> {
    if token.len() != TOKEN_CHARS {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    if bytes.len() != TOKEN_BYTES {
        return None;
    }
    Some(Sha256::digest(&bytes).into())
}

/// `bytes` bytes from the operating system's random generator, in URL-safe base64.
pub(crate) fn random_url_safe(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // Without the OS generator no secure token can be made; there is no fallback to want.
    getrandom::fill(&mut buffer).expect("the OS random generator is available");
    URL_SAFE_NO_PAD.encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = random_url_safe(TOKEN_BYTES);
        let b = random_url_safe(TOKEN_BYTES);
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_CHARS);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{a}"
        );
        assert!(token_hash(&a).is_some());
    }

    #[test]
    fn anything_not_shaped_like_a_token_has_no_hash() {
        let good = random_url_safe(TOKEN_BYTES);
        for bad in [
            "",
            "x",
            &good[..42],
            &format!("{good}A"),
            &format!("{}!", &good[..42]),
            &format!("{}=", &good[..42]),
            &format!("{}x", "é".repeat(21)),
        ] {
            assert_eq!(token_hash(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_stored_hash_is_not_the_token() {
        let token = random_url_safe(TOKEN_BYTES);
        let hash = token_hash(&token).unwrap();
        assert_ne!(
            &hash[..],
            URL_SAFE_NO_PAD.decode(&token).unwrap().as_slice()
        );
        assert_eq!(
            Some(hash),
            token_hash(&token),
            "the same token always finds its row"
        );
    }
}
