//! A fast, non-cryptographic hasher for the matchers' own tables (words and stems as keys).
//!
//! The standard library's SipHash resists hash flooding, which matters for maps keyed by what a
//! stranger sends; these maps are keyed by the flows' vocabulary and looked up with message
//! words, so an attacker can only make lookups miss, not collide. The profile of `haven bench
//! engine` showed SipHash at several percent of the time per message; this is the multiply-and-
//! rotate hash rustc uses (FxHash), written out here rather than pulled in as a dependency.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Clone, Copy, Default)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;
pub type FxMap<K, V> = HashMap<K, V, FxBuild>;
pub type FxSet<K> = HashSet<K, FxBuild>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_work_and_words_hash_apart() {
        let mut m: FxMap<String, u32> = FxMap::default();
        for (i, w) in ["breathing", "breath", "od", "o", "", "respira"]
            .iter()
            .enumerate()
        {
            m.insert((*w).to_owned(), i as u32);
        }
        assert_eq!(m.get("breath"), Some(&1));
        assert_eq!(m.get(""), Some(&4));
        assert_eq!(m.get("respira"), Some(&5));
        assert_eq!(m.get("breathe"), None);
    }
}
