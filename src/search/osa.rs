//! The expansion's typo check, with the query spelling compiled once.
//!
//! A query token's deletion neighbourhood finds hundreds of index terms
//! that might be within its edit budget; each is checked with the distance
//! [`crate::score::dl_distance`] computes (Damerau-Levenshtein with
//! adjacent transpositions, each substring edited once). Here the query
//! spelling is compiled once into per-byte position masks ([`Pattern`]),
//! and each term is then checked in one pass over its bytes by the same
//! bit-vector algorithm `dl_distance` runs (Hyyrö's, with the
//! transposition extension, "A bit-vector algorithm for computing
//! Levenshtein and Damerau edit distances", 2003), without setting up the
//! masks again for every term. Patterns longer than 64 bytes fall back to
//! the table.

use crate::score::dl_distance;

/// A query spelling compiled for [`Pattern::within`].
pub struct Pattern<'a> {
    text: &'a [u8],
    /// Bit `i` of `peq[c]`: byte `i` of the text is `c`.
    peq: Box<[u64; 256]>,
}

impl<'a> Pattern<'a> {
    pub fn new(text: &'a [u8]) -> Pattern<'a> {
        let mut peq = Box::new([0u64; 256]);
        if text.len() <= 64 {
            for (i, &c) in text.iter().enumerate() {
                peq[c as usize] |= 1u64 << i;
            }
        }
        Pattern { text, peq }
    }

    /// Whether the OSA distance between the pattern and `other` is at most
    /// `max` (the same answer as `dl_distance(text, other, max) <= max`).
    pub fn within(&self, other: &[u8], max: usize) -> bool {
        let m = self.text.len();
        if m.abs_diff(other.len()) > max {
            return false;
        }
        if m > 64 {
            return dl_distance(self.text, other, max) <= max;
        }
        if m == 0 {
            return other.len() <= max;
        }
        crate::score::osa_bits(&self.peq, m, other, max) <= max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    #[test]
    fn agrees_with_the_table_on_names_typos_and_random_strings() {
        let words = [
            "putin",
            "puttin",
            "ptuin",
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "ca",
            "vladimirovich",
            "vladimirovch",
            "xyz",
            "mohammed",
            "muhammad",
            "mohamed",
            "abdulrahman",
            "abdurrahman",
            "smith",
            "smiht",
            "msith",
        ];
        for a in words {
            let p = Pattern::new(a.as_bytes());
            for b in words {
                for max in 0..4 {
                    assert_eq!(
                        p.within(b.as_bytes(), max),
                        dl_distance(a.as_bytes(), b.as_bytes(), max) <= max,
                        "{a} {b} {max}"
                    );
                }
            }
        }
        // Random strings over a small alphabet (many transpositions and
        // repeats), lengths 0..=70 (past the 64-bit word too).
        let mut r = Lcg(7);
        for _ in 0..20_000 {
            let la = (r.next() % 71) as usize;
            let lb = if r.next() % 2 == 0 {
                la.saturating_sub((r.next() % 3) as usize) + (r.next() % 3) as usize
            } else {
                (r.next() % 71) as usize
            };
            let a: Vec<u8> = (0..la).map(|_| b"abcd"[(r.next() % 4) as usize]).collect();
            let mut b: Vec<u8> = a.iter().copied().take(lb).collect();
            while b.len() < lb {
                b.push(b"abcd"[(r.next() % 4) as usize]);
            }
            for _ in 0..(r.next() % 4) {
                if b.len() >= 2 {
                    let i = (r.next() as usize) % (b.len() - 1);
                    b.swap(i, i + 1);
                }
                if !b.is_empty() {
                    let i = (r.next() as usize) % b.len();
                    b[i] = b"abcde"[(r.next() % 5) as usize];
                }
            }
            let p = Pattern::new(&a);
            for max in 0..4 {
                assert_eq!(
                    p.within(&b, max),
                    dl_distance(&a, &b, max) <= max,
                    "{:?} {:?} {max}",
                    String::from_utf8_lossy(&a),
                    String::from_utf8_lossy(&b)
                );
            }
        }
    }
}
