//! Opaque references to people for web addresses and the API: an ID
//! number never appears in a URL (browser history, logs, screenshots).
//!
//! A reference is the 17-digit body of the ID number enciphered with a
//! 64-bit Feistel network (8 rounds, SHA-256 of a secret key as the round
//! function), written as 16 hex digits. It is reversible with the key, so
//! no lookup table is needed, and the same for every server process on the
//! database (the key is kept in the database's `server_keys`).

use sha2::{Digest, Sha256};
use touyan_records::CitizenId;

const ROUNDS: u8 = 8;

/// Enciphers and deciphers references with one key.
#[derive(Clone)]
pub struct PersonRefs {
    key: Vec<u8>,
}

impl PersonRefs {
    pub fn new(key: &[u8]) -> PersonRefs {
        PersonRefs { key: key.to_vec() }
    }

    fn round(&self, i: u8, half: u32) -> u32 {
        let mut h = Sha256::new();
        h.update(&self.key);
        h.update([i]);
        h.update(half.to_be_bytes());
        let d = h.finalize();
        u32::from_be_bytes([d[0], d[1], d[2], d[3]])
    }

    fn encipher(&self, v: u64) -> u64 {
        let (mut l, mut r) = ((v >> 32) as u32, v as u32);
        for i in 0..ROUNDS {
            let t = r;
            r = l ^ self.round(i, r);
            l = t;
        }
        (u64::from(l) << 32) | u64::from(r)
    }

    fn decipher(&self, v: u64) -> u64 {
        let (mut l, mut r) = ((v >> 32) as u32, v as u32);
        for i in (0..ROUNDS).rev() {
            let t = l;
            l = r ^ self.round(i, l);
            r = t;
        }
        (u64::from(l) << 32) | u64::from(r)
    }

    /// The reference of an ID number.
    pub fn encode(&self, id: &CitizenId) -> String {
        // The first 17 characters are digits (the 18th is the check).
        let body: u64 = id.as_str()[..17].parse().unwrap_or(0);
        format!("{:016x}", self.encipher(body))
    }

    /// The ID number a reference stands for; `None` for anything that is
    /// not a reference made with this key.
    pub fn decode(&self, r: &str) -> Option<CitizenId> {
        if r.len() != 16 || !r.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let body = self.decipher(u64::from_str_radix(r, 16).ok()?);
        if body >= 100_000_000_000_000_000 {
            return None;
        }
        CitizenId::with_check(&format!("{body:017}")).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip_and_hide_the_number() {
        let refs = PersonRefs::new(b"key one");
        for s in [
            "11010519491231002X",
            "440524188001010014",
            "370783197001010011",
        ] {
            let id = CitizenId::parse(s).unwrap();
            let r = refs.encode(&id);
            assert_eq!(r.len(), 16);
            assert!(!r.contains(&s[..6]), "{r}");
            assert_eq!(refs.decode(&r), Some(id));
        }
        let id = CitizenId::parse("11010519491231002X").unwrap();
        // Another key: another reference, and this one means nothing there.
        let other = PersonRefs::new(b"key two");
        assert_ne!(other.encode(&id), refs.encode(&id));
        assert_ne!(other.decode(&refs.encode(&id)), Some(id.clone()));
        // Not references.
        for bad in [
            "",
            "0123",
            "11010519491231002X",
            "ABCDEF0123456789",
            "0123456789abcdeg",
        ] {
            assert_eq!(refs.decode(bad), None, "{bad}");
        }
        // Neighbouring numbers give unrelated references.
        let a = refs.encode(&CitizenId::with_check("37078319700101001").unwrap());
        let b = refs.encode(&CitizenId::with_check("37078319700101002").unwrap());
        assert_ne!(a[..8], b[..8]);
    }
}
