//! Frozen token weights: how informative a token is, from name-frequency
//! data fixed at one date and versioned with the analysis
//! (`data/analysis/token_weights.tsv`, made by
//! `cargo run --release --example build_weights`).
//!
//! A weight never depends on the entities an index holds: adding one entity
//! to a list must not change any other entity's score, or nightly delta
//! rescreens could not be exact.
//!
//! The table holds `token<TAB>weight` for tokens frequent enough to matter;
//! a token absent from it is rare and weighs [`RARE`]. Role multipliers
//! then lower titles, particles, legal forms and initials, and very short
//! words weigh less (two letters say little, whatever their frequency).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use rustc_hash::FxHasher;

use super::Role;

/// Weight of a token absent from the frequency table.
pub const RARE: f32 = 1.0;
/// Floor of any weight.
pub const FLOOR: f32 = 0.05;

/// The frequency table, laid out for lookups that touch one cache line:
/// open addressing over slots that hold short keys inline (a lookup runs
/// once per query token, and chasing a `String` key to the heap cost
/// more than the rest of the lookup). Keys longer than [`INLINE`] bytes
/// (few) go to an ordinary map.
struct Table {
    slots: Vec<Slot>,
    long: HashMap<String, f32, BuildHasherDefault<FxHasher>>,
}

/// Longest key held inline.
const INLINE: usize = 15;

#[derive(Clone, Copy, Default)]
struct Slot {
    key: [u8; INLINE],
    /// The key's length; 0 marks an empty slot.
    len: u8,
    weight: f32,
}

impl Table {
    fn new(entries: Vec<(String, f32)>) -> Table {
        let short = entries.iter().filter(|(k, _)| k.len() <= INLINE).count();
        let cap = (short * 2).next_power_of_two().max(16);
        let mut t = Table {
            slots: vec![Slot::default(); cap],
            long: HashMap::default(),
        };
        for (k, w) in entries {
            if k.is_empty() {
                continue;
            }
            if k.len() > INLINE {
                t.long.insert(k, w);
                continue;
            }
            let (key, len) = inline(k.as_bytes());
            let mask = t.slots.len() - 1;
            let mut i = slot_of(&key, len) & mask;
            loop {
                let s = &mut t.slots[i];
                if s.len == 0 || (s.len == len && s.key == key) {
                    *s = Slot {
                        key,
                        len,
                        weight: w,
                    };
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        t
    }

    fn get(&self, text: &str) -> Option<f32> {
        let b = text.as_bytes();
        if b.is_empty() {
            return None;
        }
        if b.len() > INLINE {
            return self.long.get(text).copied();
        }
        let (key, len) = inline(b);
        let mask = self.slots.len() - 1;
        let mut i = slot_of(&key, len) & mask;
        loop {
            let s = self.slots.get(i)?;
            if s.len == 0 {
                return None;
            }
            if s.len == len && s.key == key {
                return Some(s.weight);
            }
            i = (i + 1) & mask;
        }
    }
}

/// A short key, zero-padded, and its length.
fn inline(b: &[u8]) -> ([u8; INLINE], u8) {
    let mut key = [0u8; INLINE];
    key[..b.len()].copy_from_slice(b);
    (key, b.len() as u8)
}

/// The home slot of an inline key (before masking).
fn slot_of(key: &[u8; INLINE], len: u8) -> usize {
    let mut lo = [0u8; 8];
    lo.copy_from_slice(&key[..8]);
    let mut hi = [0u8; 8];
    hi[..7].copy_from_slice(&key[8..]);
    hi[7] = len;
    let h = (u64::from_le_bytes(lo).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from_le_bytes(hi))
        .wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (h >> 32) as usize
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut entries = Vec::new();
    for line in include_str!("../../data/analysis/token_weights.tsv").lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some((t, w)) = line.split_once('\t') {
            if let Ok(w) = w.trim().parse::<f32>() {
                if w.is_finite() {
                    entries.push((t.to_string(), w.clamp(FLOOR, 1.0)));
                }
            }
        }
    }
    Table::new(entries)
});

/// Frequency-based weight of a token text, before role adjustments.
pub fn frequency_weight(text: &str) -> f32 {
    TABLE.get(text).unwrap_or(RARE)
}

/// The weight of a token of `role` (see the module docs).
pub fn token_weight(text: &str, role: Role) -> f32 {
    let base = frequency_weight(text);
    let len = text.chars().count();
    let w = match role {
        Role::Word => {
            if len <= 2 {
                base * 0.5
            } else {
                base
            }
        }
        Role::Initial => 0.15,
        Role::Title | Role::Particle => 0.1,
        Role::LegalForm => 0.1,
    };
    w.clamp(FLOOR, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_names_weigh_less_than_rare_ones() {
        assert!(frequency_weight("john") < 0.2);
        assert!(frequency_weight("mohammed") < 0.5);
        assert_eq!(frequency_weight("lukashenko"), RARE);
    }

    #[test]
    fn the_table_finds_every_entry_and_nothing_else() {
        let mut want: HashMap<&str, f32> = HashMap::new();
        for line in include_str!("../../data/analysis/token_weights.tsv").lines() {
            if line.starts_with('#') {
                continue;
            }
            if let Some((t, w)) = line.split_once('\t') {
                if let Ok(w) = w.trim().parse::<f32>() {
                    want.insert(t, w.clamp(FLOOR, 1.0));
                }
            }
        }
        assert!(want.len() > 10_000);
        assert!(want.keys().any(|k| k.len() > INLINE), "no long key tested");
        for (k, w) in &want {
            assert_eq!(frequency_weight(k), *w, "{k}");
        }
        // Near misses: a prefix, an extension, the empty string.
        for probe in ["", "jo", "johnx", "mohamme", "zzzzzzzzzzzzzzzzzzzz", "ab\0"] {
            let expected = want.get(probe).copied().unwrap_or(RARE);
            assert_eq!(frequency_weight(probe), expected, "{probe:?}");
        }
    }

    #[test]
    fn parts_weigh_less_than_words() {
        assert!(token_weight("al", Role::Particle) < token_weight("qaida", Role::Word));
        assert!(token_weight("llc", Role::LegalForm) < 0.2);
        assert!(token_weight("j", Role::Initial) < token_weight("putin", Role::Word));
    }
}
