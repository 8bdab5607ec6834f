//! A quick "certainly absent" test for term spellings and skeleton keys.
//!
//! The matcher asks, for every two adjacent query tokens, whether the index
//! has a term spelled as the two glued ("abdul" + "rahman") or a skeleton
//! key equal to the glued skeleton. Nearly always it has neither, and each
//! answer cost a full FST lookup. [`Probe`] is a Bloom filter over every
//! term spelling and every skeleton key of the index (~0.5 MB, kept in the
//! cache; a key's bits share one 64-bit word, so a lookup reads one line): when it says "absent" the lookup is skipped; when it says
//! "maybe" the FST answers as before. It is never wrong about presence (a
//! key in the index always passes), so the hits cannot change.

use fst::{IntoStreamer, Streamer};

use super::mmap::Mapped;

/// The two key families the probe holds.
#[derive(Clone, Copy)]
enum Family {
    Term = 1,
    Skeleton = 2,
}

/// Bits set per key.
const HASHES: u32 = 3;

/// A Bloom filter of an index's term spellings and skeleton keys (module
/// docs).
pub struct Probe {
    bits: Vec<u64>,
    /// `bits` holds `mask + 1` bits.
    mask: u64,
}

impl Probe {
    /// The probe of `terms` (every key) and of the `kind`-typed keys of
    /// `keys` (the skeleton keys, less their kind byte).
    pub(crate) fn build(terms: &fst::Map<Mapped>, keys: &fst::Map<Mapped>, kind: u8) -> Probe {
        let n = terms.len() + keys.len() / 4;
        // ~16 bits a key: a false "maybe" for about 1 absent key in 200.
        let nbits = (n.max(1) * 16).next_power_of_two().max(1 << 12) as u64;
        let mut p = Probe {
            bits: vec![0; (nbits / 64) as usize],
            mask: nbits - 1,
        };
        let mut s = terms.keys();
        while let Some(k) = s.next() {
            p.insert(Family::Term, k);
        }
        let mut s = keys.range().ge([kind]).lt([kind + 1]).into_stream();
        while let Some((k, _)) = s.next() {
            if let Some(rest) = k.get(1..) {
                p.insert(Family::Skeleton, rest);
            }
        }
        p
    }

    fn insert(&mut self, f: Family, key: &[u8]) {
        let (w, bits) = self.word(f, key);
        if let Some(x) = self.bits.get_mut(w) {
            *x |= bits;
        }
    }

    fn contains(&self, f: Family, key: &[u8]) -> bool {
        let (w, bits) = self.word(f, key);
        self.bits.get(w).is_some_and(|x| x & bits == bits)
    }

    /// A key's word of the filter and its [`HASHES`] bits in that word (one
    /// word a key: a lookup reads one cache line).
    fn word(&self, f: Family, key: &[u8]) -> (usize, u64) {
        let h = hash(f as u8, key);
        let w = ((h >> 32) & (self.mask >> 6)) as usize;
        let mut bits = 0u64;
        for i in 0..HASHES {
            bits |= 1 << ((h >> (6 * i)) & 63);
        }
        (w, bits)
    }

    /// False only when no term is spelled `text`.
    pub fn may_be_term(&self, text: &[u8]) -> bool {
        self.contains(Family::Term, text)
    }

    /// False only when the index has no skeleton key `skeleton`.
    pub fn may_be_skeleton(&self, skeleton: &[u8]) -> bool {
        self.contains(Family::Skeleton, skeleton)
    }
}

/// A 64-bit hash of a family tag and a key (FNV-1a over 8-byte words, then
/// a SplitMix64 finaliser so every output bit depends on every input bit).
fn hash(tag: u8, key: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ u64::from(tag);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0x0000_0100_0000_01b3);
        h ^= h >> 29;
    }
    let rest = chunks.remainder();
    let mut w = [0u8; 8];
    w[..rest.len()].copy_from_slice(rest);
    h = (h ^ u64::from_le_bytes(w) ^ ((key.len() as u64) << 56))
        .wrapping_mul(0x0000_0100_0000_01b3);
    // SplitMix64 finaliser.
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}
