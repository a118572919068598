//! Passwords, tokens and the sign-in rules.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use time::Duration;

/// Session rules, in one place (how often a sign-in may be tried is
/// [`crate::throttle::Rules`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// A session unused for this long is over.
    pub idle: Duration,
    /// A session's last use is written at most this often.
    pub touch_every: Duration,
}

/// How long an expired session's row is kept before a sign-in removes
/// it: it opens nothing (`idle` decides), but says whose a form that the
/// expiry interrupted was, so that it is given back to that user only.
pub const EXPIRED_KEPT: Duration = Duration::hours(8);

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            idle: Duration::minutes(30),
            touch_every: Duration::minutes(1),
        }
    }
}

impl Rules {
    /// Sessions that end after `idle` unused; their last use written at
    /// most every minute, and four times within `idle` when it is short
    /// (else a use would not be written before the session ended).
    pub fn idle_for(idle: Duration) -> Rules {
        Rules {
            idle,
            touch_every: std::cmp::min(idle / 4_i32, Duration::minutes(1)),
        }
    }
}

/// The demo accounts' password.
pub const DEMO_PASSWORD: &str = "Demo@2025";

/// Why a password is not acceptable, in Chinese; `None` when it is.
pub fn weak_password(password: &str, username: &str) -> Option<String> {
    let n = password.chars().count();
    if n < 8 {
        return Some("密码至少 8 位".into());
    }
    if n > 128 {
        return Some("密码不能超过 128 位".into());
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if classes < 3 {
        return Some("密码须包含大写字母、小写字母、数字、符号中的至少三类".into());
    }
    let user = username.trim().to_lowercase();
    if !user.is_empty() && password.to_lowercase().contains(&user) {
        return Some("密码不能包含用户名".into());
    }
    if crate::passwords::common(password) {
        return Some(
            "密码过于常见（常用单词、姓名拼音或键盘排列加数字、符号），容易被猜中，请换一个".into(),
        );
    }
    None
}

/// The argon2id (memory-hard) PHC string of a password, with a fresh salt.
/// CPU-heavy: call from `spawn_blocking`.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("无法取得随机数：{e}"))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("无法计算密码摘要：{e}"))
}

/// Whether `password` matches the PHC string. CPU-heavy: call from
/// `spawn_blocking`. A malformed stored hash matches nothing.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash verified when the user name does not exist, so that a wrong
/// name takes as long as a wrong password.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$0fh1Y4R3BS8yG9wMW1G6r4uNRE+ZrVaM/U5L47/Ww1U";

/// A new session token (256 random bits, hex).
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("无法取得随机数：{e}"))?;
    Ok(hex::encode(bytes))
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session's CSRF token: derived from the session token, so nothing
/// more is stored, and it reveals nothing about the session token.
pub fn csrf_token(token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"touyan-csrf:");
    h.update(token.as_bytes());
    hex::encode(h.finalize())
}

/// Equality that takes the same time wherever the first difference is.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strength_rule() {
        assert_eq!(weak_password("Kite#2025q", "city"), None);
        // The demo's published password is refused for real accounts.
        assert!(weak_password(DEMO_PASSWORD, "city").is_some());
        assert_eq!(weak_password("kiteRUN47", "x"), None, "three classes");
        assert!(weak_password("Ab1@", "x").unwrap().contains("8 位"));
        assert!(weak_password("abcdefgh1", "x").unwrap().contains("三类"));
        assert!(weak_password("ABCDEFGH!", "x").unwrap().contains("三类"));
        assert!(
            weak_password("City@2025x", "city")
                .unwrap()
                .contains("用户名")
        );
        assert!(
            weak_password(&"Aa1!".repeat(40), "x")
                .unwrap()
                .contains("128")
        );
        // Common words with digits and symbols: also at the setup form.
        assert!(
            weak_password("Password1", "x")
                .unwrap()
                .contains("过于常见")
        );
        assert!(weak_password("Admin@2024", "x").unwrap().contains("常见"));
        // Eight characters, counted as characters, not bytes.
        assert!(weak_password("密码Aa1!", "x").is_some());
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash_password("Demo@2025").unwrap();
        let b = hash_password("Demo@2025").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "fresh salt each time");
        assert!(verify_password("Demo@2025", &a));
        assert!(!verify_password("demo@2025", &a));
        assert!(!verify_password("Demo@2025", "not a hash"));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn short_sessions_are_touched_within_their_idle_time() {
        assert_eq!(Rules::idle_for(Duration::minutes(30)), Rules::default());
        let r = Rules::idle_for(Duration::seconds(20));
        assert_eq!(
            (r.idle, r.touch_every),
            (Duration::seconds(20), Duration::seconds(5))
        );
        let r = Rules::idle_for(Duration::minutes(4));
        assert_eq!(r.touch_every, Duration::minutes(1));
    }

    #[test]
    fn tokens_hashes_and_csrf() {
        let t = new_token().unwrap();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token().unwrap());
        assert_eq!(token_hash("abc").len(), 64);
        assert_ne!(token_hash(&t), csrf_token(&t));
        assert_eq!(csrf_token(&t), csrf_token(&t));
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
