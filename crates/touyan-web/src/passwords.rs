//! Guessable passwords (issue 15): a short shipped list of words, names,
//! keyboard rows and pinyin (`data/common-passwords.txt`), checked by
//! [`common`] for every password the system sets — the setup form, the
//! account command, the demo aside. A word with digits or symbols around
//! it (`Password1`, `Admin@2024`) is as guessable as the word.

use std::collections::HashSet;
use std::sync::OnceLock;

const LIST: &str = include_str!("../data/common-passwords.txt");

fn words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        LIST.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Whether `password` is a listed word, or one with only digits and
/// symbols added (in any places), or written with the usual stand-ins
/// (`P@ssw0rd`), or holding a listed word of five letters or more,
/// ignoring case.
pub fn common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let stand_ins: String = lower
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '$' | '5' => 's',
            '7' => 't',
            c => c,
        })
        .filter(|c| c.is_alphabetic())
        .collect();
    let w = words();
    // Short words only whole (a surname inside a name is not the name);
    // five letters and more wherever they stand (Zhangsan1985, Adm1n!2024).
    let has = |t: &str| {
        w.contains(t)
            || w.iter()
                .any(|word| word.chars().count() >= 5 && t.contains(word))
    };
    letters.is_empty() || w.contains(lower.as_str()) || has(&letters) || has(&stand_ins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_digits_and_symbols_are_common() {
        for p in [
            "Password1",
            "Password@1",
            "P@ssw0rd",
            "Admin@2024",
            "Qwerty!23",
            "1Qaz2Wsx!",
            "Woaini@520",
            "Zhang@1985",
            "12345678!",
            "Adm1n!2024",
            "Zhangsan@1985",
            "MyPassword!9",
            // The demo's published password is no password for a real
            // server.
            "Demo@2025",
        ] {
            assert!(common(p), "{p}");
        }
        for p in [
            "Test@2025x",
            "Good@2025pw",
            "Strong#2026x",
            "Xk7#mQ2v",
            "村书记Ab1!",
            "Sunflower#7x",
        ] {
            assert!(!common(p), "{p}");
        }
        assert!(words().len() > 80);
    }
}
