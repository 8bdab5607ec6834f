//! Name parts: legal forms, titles, particles and initials, recognised from
//! the dictionaries in `data/analysis/` and tagged (never deleted).
//!
//! Rules:
//! - legal-form phrases (longest first) are merged into one token carrying
//!   the canonical form; a phrase counts only at the start or the end of a
//!   name, where legal forms stand (so "Ao Zhang" in the middle of nothing
//!   special stays a word unless at an edge — a known, cheap ambiguity
//!   that costs little because legal forms weigh little but still match);
//! - titles (phrases too: "lieutenant general") and particles are tagged;
//! - a single letter is an initial;
//! - whatever tagging would leave a name with no word keeps its words: a
//!   name that is only "Sultan" or only "General" is a name.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use rustc_hash::FxHasher;

use super::Role;

/// Fx hashing: these sets are probed for every word and phrase of every
/// query (SipHash was ~0.7% of a batch run's instructions).
type Fx = BuildHasherDefault<FxHasher>;

struct Dictionaries {
    /// Title phrases, words joined by single spaces.
    titles: HashSet<String, Fx>,
    title_max: usize,
    particles: HashSet<String, Fx>,
    /// Legal-form phrase (words joined by single spaces) → canonical form.
    legal: HashMap<String, String, Fx>,
    legal_max: usize,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn word_count(s: &str) -> usize {
    s.split(' ').count()
}

static DICT: LazyLock<Dictionaries> = LazyLock::new(|| {
    let titles: HashSet<String, Fx> = lines(include_str!("../../data/analysis/titles.txt"))
        .map(words)
        .collect();
    let particles = lines(include_str!("../../data/analysis/particles.txt"))
        .map(str::to_string)
        .collect();
    let mut legal: HashMap<String, String, Fx> = HashMap::default();
    for l in lines(include_str!("../../data/analysis/legal_forms.txt")) {
        if let Some((canon, phrase)) = l.split_once('\t') {
            legal.insert(words(phrase), canon.trim().to_string());
        }
    }
    Dictionaries {
        title_max: titles.iter().map(|t| word_count(t)).max().unwrap_or(1),
        titles,
        particles,
        legal_max: legal.keys().map(|k| word_count(k)).max().unwrap_or(1),
        legal,
    }
});

/// Is this folded word a known particle?
pub fn is_particle(w: &str) -> bool {
    DICT.particles.contains(w)
}

/// Tags romanised words: `(text, alts, script flags)` in, `(text, alts,
/// role, script flags)` out.
pub fn tag<T>(raw: Vec<(String, Vec<String>, T)>) -> Vec<(String, Vec<String>, Role, T)> {
    let d = &*DICT;
    let n = raw.len();
    let texts: Vec<&str> = raw.iter().map(|r| r.0.as_str()).collect();
    // Phrases are looked up as slices of the joined text: no allocation.
    let mut joined = String::with_capacity(texts.iter().map(|t| t.len() + 1).sum());
    let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(n);
    for t in &texts {
        if !joined.is_empty() {
            joined.push(' ');
        }
        let start = joined.len();
        joined.push_str(t);
        bounds.push((start, joined.len()));
    }
    let phrase =
        |start: usize, len: usize| -> &str { &joined[bounds[start].0..bounds[start + len - 1].1] };
    // Legal forms at the edges: longest phrase at the end, then at the start;
    // up to two stacked on each edge ("PTE FZCO", "Inc DE C.V.", "Co.,
    // Ltd." before the name), a word always left. A bare "company" is a
    // form only on the edge itself: next to another form it is as often
    // the name's own word ("UNITED COMPANY OJSC", "LLC COMPANY INTERVESP").
    let mut legal_spans: Vec<(usize, usize, String)> = Vec::new();
    let find_at =
        |start: usize, len: usize| -> Option<String> { d.legal.get(phrase(start, len)).cloned() };
    let mut end_limit = n;
    for _ in 0..2 {
        let mut found = false;
        for len in (1..=d.legal_max.min(end_limit.saturating_sub(1))).rev() {
            if let Some(c) = find_at(end_limit - len, len).filter(|c| end_limit == n || c != "co") {
                legal_spans.push((end_limit - len, end_limit, c));
                end_limit -= len;
                found = true;
                break;
            }
        }
        if !found {
            break;
        }
    }
    let mut start_limit = 0;
    for _ in 0..2 {
        let mut found = false;
        for len in (1..=d.legal_max.min(end_limit.saturating_sub(start_limit + 1))).rev() {
            if let Some(c) = find_at(start_limit, len).filter(|c| start_limit == 0 || c != "co") {
                legal_spans.push((start_limit, start_limit + len, c));
                start_limit += len;
                found = true;
                break;
            }
        }
        if !found {
            break;
        }
    }
    let mut roles: Vec<Role> = vec![Role::Word; n];
    let mut canon: Vec<Option<String>> = vec![None; n];
    let mut merged_away = vec![false; n];
    for (s, e, c) in &legal_spans {
        roles[*s] = Role::LegalForm;
        canon[*s] = Some(c.clone());
        for m in merged_away.iter_mut().take(*e).skip(s + 1) {
            *m = true;
        }
        for r in roles.iter_mut().take(*e).skip(s + 1) {
            *r = Role::LegalForm;
        }
    }
    // Titles (phrases) and particles among the remaining words.
    let mut i = 0;
    while i < n {
        if roles[i] != Role::Word {
            i += 1;
            continue;
        }
        let mut matched = 0;
        for len in (1..=d.title_max.min(n - i)).rev() {
            if roles[i..i + len].iter().all(|r| *r == Role::Word)
                && d.titles.contains(phrase(i, len))
            {
                matched = len;
                break;
            }
        }
        if matched > 0 {
            for r in roles.iter_mut().skip(i).take(matched) {
                *r = Role::Title;
            }
            i += matched;
            continue;
        }
        if texts[i].chars().count() == 1 && texts[i].chars().all(char::is_alphabetic) {
            roles[i] = Role::Initial;
        } else if d.particles.contains(texts[i]) && i + 1 < n {
            roles[i] = Role::Particle;
        }
        i += 1;
    }
    // A name must keep a word: undo title/particle tags if none is left.
    if !roles
        .iter()
        .any(|r| matches!(r, Role::Word | Role::Initial))
    {
        for r in roles.iter_mut() {
            if matches!(r, Role::Title | Role::Particle) {
                *r = Role::Word;
            }
        }
    }
    let mut out = Vec::with_capacity(n);
    for (i, (text, alts, tr)) in raw.into_iter().enumerate() {
        if merged_away[i] {
            continue;
        }
        match canon[i].take() {
            Some(c) => out.push((c, Vec::new(), Role::LegalForm, tr)),
            None => out.push((text, alts, roles[i], tr)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(words: &[&str]) -> Vec<(String, Role)> {
        tag(words
            .iter()
            .map(|w| (w.to_string(), vec![], false))
            .collect())
        .into_iter()
        .map(|(t, _, r, _)| (t, r))
        .collect()
    }

    #[test]
    fn cyrillic_legal_form_at_the_start_is_canonical_llc() {
        assert_eq!(
            t(&["ooo", "romashka"]),
            [
                ("llc".into(), Role::LegalForm),
                ("romashka".into(), Role::Word)
            ]
        );
    }

    #[test]
    fn multi_word_legal_forms_merge() {
        assert_eq!(
            t(&["grupo", "sa", "de", "cv"]),
            [
                ("grupo".into(), Role::Word),
                ("sa de cv".into(), Role::LegalForm)
            ]
        );
    }

    #[test]
    fn general_trading_keeps_both_words_as_name_parts() {
        let r = t(&["general", "trading", "llc"]);
        assert_eq!(r[0].1, Role::Title);
        assert_eq!(r[1].1, Role::Word);
        assert_eq!(r[2].1, Role::LegalForm);
    }

    #[test]
    fn stacked_legal_forms_are_each_tagged() {
        let r = t(&["wee", "tiong", "pte", "fzco"]);
        assert_eq!(r[2], ("ltd".into(), Role::LegalForm));
        assert_eq!(r[3], ("fzco".into(), Role::LegalForm));
        let r = t(&["co", "ltd", "golfesteit"]);
        assert_eq!(r[0].1, Role::LegalForm);
        assert_eq!(r[1].1, Role::LegalForm);
        assert_eq!(r[2].1, Role::Word);
        // A word is always left.
        let r = t(&["co", "ltd"]);
        assert_eq!(r[0].1, Role::Word);
    }

    #[test]
    fn a_particle_at_the_end_is_a_word() {
        // "Kim Jong Un" style: the last word is never a particle.
        assert_eq!(t(&["hassan", "al"])[1].1, Role::Word);
    }
}
