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

type Table = HashMap<String, f32, BuildHasherDefault<FxHasher>>;

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut m = Table::default();
    for line in include_str!("../../data/analysis/token_weights.tsv").lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some((t, w)) = line.split_once('\t') {
            if let Ok(w) = w.trim().parse::<f32>() {
                if w.is_finite() {
                    m.insert(t.to_string(), w.clamp(FLOOR, 1.0));
                }
            }
        }
    }
    m
});

/// Frequency-based weight of a token text, before role adjustments.
pub fn frequency_weight(text: &str) -> f32 {
    TABLE.get(text).copied().unwrap_or(RARE)
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
    fn parts_weigh_less_than_words() {
        assert!(token_weight("al", Role::Particle) < token_weight("qaida", Role::Word));
        assert!(token_weight("llc", Role::LegalForm) < 0.2);
        assert!(token_weight("j", Role::Initial) < token_weight("putin", Role::Word));
    }
}
