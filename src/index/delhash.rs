//! The deletion-neighbourhood table: every deletion variant of every term
//! (SymSpell keys, [`deletions`](super::build::deletions)) → the terms
//! that have it, as an open-addressing hash table in `tables.bin`.
//!
//! Why a hash table and not the key FST: a query token of 8 letters has 37
//! variants of up to two deletions, and looking them up in an FST is a
//! chain of dependent node reads per variant, each a likely cache miss in
//! a first screen. The table's probes do not depend on each other, so
//! [`Table::lookup`] issues them all before reading any: the memory system
//! serves them together. Measured on the bundled index (analysis-10, 10,000
//! generated customers, first pass): the deletion stage of the slowest 2 %
//! of queries fell from 26 µs to 15 µs.
//!
//! Layout (both sections little-endian):
//!
//! - `DELETIONS`: a power-of-two number of u64 slots. An empty slot is 0.
//!   A full slot holds `fingerprint << 32 | value`, where the fingerprint
//!   is the high 32 bits of the key's [`hash`] with its lowest bit set
//!   (never 0), and the value is either a term id with bit 31 set (a key
//!   of one term) or the u32 offset in `DELETION_LISTS` of a list. A key
//!   lives at the first empty slot from `hash & (slots − 1)` on, wrapping
//!   (linear probing); the table is at most half full.
//! - `DELETION_LISTS`: lists of a count u32 then that many term ids.
//!
//! Keys themselves are not stored: two keys with the same slot chain and
//! fingerprint both answer a lookup of either. That costs nothing but a
//! candidate: every term found is checked against the query spelling with
//! the edit distance before it counts.

use crate::error::{Error, Result};

/// A term id value carries this bit; a list offset does not.
const INLINE: u32 = 0x8000_0000;

/// The key hash: FNV-1a over the key's UTF-8 bytes, then the MurmurHash3
/// finaliser (FNV's low bits, which pick the slot, mix poorly on their
/// own). Part of the index format: changing it needs a format version.
pub fn hash(key: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

fn fingerprint(h: u64) -> u32 {
    ((h >> 32) as u32) | 1
}

/// Builds the two sections from `(key, term ids)` groups, keys distinct.
/// The layout depends only on the groups' order (the build sorts them).
pub fn build<'a>(
    groups: impl ExactSizeIterator<Item = (&'a [u8], &'a [u32])>,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let cap = (groups.len() * 2).next_power_of_two().max(1);
    let mask = cap - 1;
    let mut slots = vec![0u64; cap];
    let mut lists: Vec<u32> = Vec::new();
    for (key, tids) in groups {
        let value = match tids {
            [one] if one & INLINE == 0 => one | INLINE,
            _ => {
                let at = u32::try_from(lists.len())
                    .ok()
                    .filter(|x| x & INLINE == 0)
                    .ok_or_else(|| Error::malformed("deletion lists over 8 GiB"))?;
                lists.push(u32::try_from(tids.len()).unwrap_or(u32::MAX));
                lists.extend_from_slice(tids);
                at
            }
        };
        let h = hash(key);
        let mut i = (h as usize) & mask;
        while slots[i] != 0 {
            i = (i + 1) & mask;
        }
        slots[i] = (u64::from(fingerprint(h)) << 32) | u64::from(value);
    }
    let slots = slots.iter().flat_map(|s| s.to_le_bytes()).collect();
    let lists = lists.iter().flat_map(|s| s.to_le_bytes()).collect();
    Ok((slots, lists))
}

/// The two sections of an index, read bounds-checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Table<'a> {
    slots: &'a [u8],
    lists: &'a [u8],
}

impl<'a> Table<'a> {
    /// The table over its sections; the slot count must be a power of two
    /// (or zero: an index without terms).
    pub fn new(slots: &'a [u8], lists: &'a [u8]) -> std::result::Result<Table<'a>, &'static str> {
        let n = slots.len() / 8;
        if slots.len() % 8 != 0 || (n != 0 && !n.is_power_of_two()) {
            return Err("the deletion table is not a power of two of slots");
        }
        Ok(Table { slots, lists })
    }

    fn slot(&self, i: usize) -> u64 {
        self.slots
            .get(i * 8..i * 8 + 8)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u64::from_le_bytes)
    }

    fn list(&self, at: u32) -> impl Iterator<Item = u32> + 'a {
        let u = |i: usize| {
            self.lists
                .get(i * 4..i * 4 + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_le_bytes)
        };
        let at = at as usize;
        let n = u(at).unwrap_or(0) as usize;
        let bytes = self
            .lists
            .get((at + 1) * 4..(at + 1 + n) * 4)
            .unwrap_or(&[]);
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// Calls `f` with every term id stored under any of the keys hashed in
    /// `hashes` (a term may come more than once). All first probes are
    /// read before any chain is followed (module docs).
    pub fn lookup(&self, hashes: &[u64], f: &mut impl FnMut(u32)) {
        let n = self.slots.len() / 8;
        if n == 0 {
            return;
        }
        let mask = n - 1;
        // Independent loads: the memory system serves them together.
        let mut first = [0u64; 128];
        let mut touched = 0u64;
        for (k, &h) in hashes.iter().enumerate() {
            let s = self.slot((h as usize) & mask);
            if let Some(x) = first.get_mut(k) {
                *x = s;
            }
            touched = touched.wrapping_add(s);
        }
        std::hint::black_box(touched);
        for (k, &h) in hashes.iter().enumerate() {
            let fp = fingerprint(h);
            let mut i = (h as usize) & mask;
            // A corrupt table may have no empty slot: probe each once.
            for step in 0..n {
                let s = match first.get(k) {
                    Some(&s) if step == 0 => s,
                    _ => self.slot(i),
                };
                if s == 0 {
                    break;
                }
                if (s >> 32) as u32 == fp {
                    let v = s as u32;
                    if v & INLINE != 0 {
                        f(v & !INLINE);
                    } else {
                        self.list(v).for_each(&mut *f);
                    }
                }
                i = (i + 1) & mask;
            }
        }
    }

    /// The term ids stored under one key.
    pub fn get(&self, key: &[u8]) -> Vec<u32> {
        let mut out = Vec::new();
        self.lookup(&[hash(key)], &mut |t| out.push(t));
        out
    }
}

/// The hashes of every deletion variant of `word` with up to `budget`
/// (at most 2) characters removed, the word itself included, into `out`:
/// the keys [`deletions`](super::build::deletions) gives, each variant
/// once or more, never the empty string. Within a run of equal
/// characters only the leftmost are deleted (the same words, once).
pub fn variant_hashes(word: &str, budget: usize, out: &mut Vec<u64>) {
    out.clear();
    let w = word.as_bytes();
    // Character byte ranges.
    let mut at: Vec<(usize, usize)> = Vec::with_capacity(w.len());
    let mut chars = word.char_indices().peekable();
    while let Some((s, _)) = chars.next() {
        let e = chars.peek().map_or(w.len(), |x| x.0);
        at.push((s, e));
    }
    let n = at.len();
    let ch = |i: usize| &w[at[i].0..at[i].1];
    let mut buf: Vec<u8> = Vec::with_capacity(w.len());
    if n > 0 {
        out.push(hash(w));
    }
    if budget == 0 || n < 2 {
        return;
    }
    for i in 0..n {
        if i > 0 && ch(i) == ch(i - 1) {
            continue;
        }
        buf.clear();
        buf.extend_from_slice(&w[..at[i].0]);
        buf.extend_from_slice(&w[at[i].1..]);
        out.push(hash(&buf));
        if budget < 2 || n < 3 {
            continue;
        }
        for j in i + 1..n {
            // A second deletion in a run only right after the first.
            if j > i + 1 && ch(j) == ch(j - 1) {
                continue;
            }
            buf.clear();
            buf.extend_from_slice(&w[..at[i].0]);
            buf.extend_from_slice(&w[at[i].1..at[j].0]);
            buf.extend_from_slice(&w[at[j].1..]);
            out.push(hash(&buf));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::build::deletions;
    use std::collections::BTreeSet;

    fn table(groups: &[(&str, Vec<u32>)]) -> (Vec<u8>, Vec<u8>) {
        build(groups.iter().map(|(k, v)| (k.as_bytes(), v.as_slice()))).unwrap()
    }

    #[test]
    fn a_key_finds_its_terms_and_an_absent_key_none() {
        let (s, l) = table(&[("putin", vec![7]), ("ptin", vec![7, 9]), ("pin", vec![3])]);
        let t = Table::new(&s, &l).unwrap();
        assert_eq!(t.get(b"putin"), vec![7]);
        assert_eq!(t.get(b"ptin"), vec![7, 9]);
        assert_eq!(t.get(b"pin"), vec![3]);
        assert!(t.get(b"putn").is_empty());
        let mut all = BTreeSet::new();
        t.lookup(&[hash(b"ptin"), hash(b"pin"), hash(b"x")], &mut |x| {
            all.insert(x);
        });
        assert_eq!(all, BTreeSet::from([3, 7, 9]));
    }

    #[test]
    fn the_variants_are_the_deletion_keys() {
        for w in [
            "putin",
            "aaaa",
            "abba",
            "mohammed",
            "ab",
            "a",
            "",
            "abc",
            "llama",
            "жук",
            "ḥasan",
            "xyzzyx",
            "vladimirovich",
        ] {
            for budget in 0..=2 {
                let want: BTreeSet<u64> = deletions(w, budget)
                    .iter()
                    .filter(|d| !d.is_empty())
                    .map(|d| hash(d.as_bytes()))
                    .collect();
                let mut got = Vec::new();
                variant_hashes(w, budget, &mut got);
                let got: BTreeSet<u64> = got.into_iter().collect();
                assert_eq!(got, want, "{w} {budget}");
            }
        }
    }

    /// The same on 5,000 random words over a small alphabet (runs of equal
    /// letters, repeats like `abab`, a two-byte letter).
    #[test]
    fn the_variants_are_the_deletion_keys_on_random_words() {
        let mut x: u64 = 7;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as usize
        };
        let letters = ['a', 'b', 'c', 'ä'];
        for _ in 0..5000 {
            let n = next() % 10;
            let w: String = (0..n).map(|_| letters[next() % letters.len()]).collect();
            for budget in 0..=2 {
                let want: BTreeSet<u64> = deletions(&w, budget)
                    .iter()
                    .filter(|d| !d.is_empty())
                    .map(|d| hash(d.as_bytes()))
                    .collect();
                let mut got = Vec::new();
                variant_hashes(&w, budget, &mut got);
                let got: BTreeSet<u64> = got.into_iter().collect();
                assert_eq!(got, want, "{w} {budget}");
            }
        }
    }

    #[test]
    fn a_corrupt_table_gives_no_panic_and_no_endless_probe() {
        let full = vec![0xffu8; 64];
        let t = Table::new(&full, &[]).unwrap();
        let mut n = 0;
        t.lookup(&[hash(b"abc"), 0, u64::MAX], &mut |_| n += 1);
        assert!(Table::new(&[0u8; 24], &[]).is_err());
        assert!(Table::new(&[0u8; 7], &[]).is_err());
    }
}
