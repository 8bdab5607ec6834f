//! Scoring truth cases and innocent names.
//!
//! - **Recall**: a case's score is the best [`compare`] score of its query
//!   against the expected entity's names; it is found at threshold `t` when
//!   that score is ≥ `t`.
//! - **Alert rate**: an innocent name alerts at `t` when *any* list name
//!   scores ≥ `t` against it. Scoring every list name would take hours, so
//!   [`NameIndex`] pre-selects the list names that share at least one
//!   **token key** with the innocent name — a spelling, consonant skeleton
//!   or Double Metaphone code of a name word, or of two adjacent words glued
//!   together — and scores those. This approximates the full scan: a list
//!   name that meets the innocent only through typo similarity (no shared
//!   key), or only through titles, particles and legal forms (not keyed; such
//!   matches are capped at [`crate::score::UNINFORMATIVE_CAP`] anyway), is
//!   never scored, so alert rates here are a slight **under**-estimate.
//! - **Ordering (AUC)**: for each case, the query is also scored against a
//!   random *other* entity of the same class (its best name); the AUC is the
//!   fraction of (same-party, different-party) pairs ordered correctly, ties
//!   counting half.

use std::collections::HashMap;

use super::{par_map, Case, Rng};
use crate::analysis::{analyze, keys, Analysis, Role};
use crate::model::Entity;
use crate::score::compare;

/// The keys of an analysed name under which it meets other names (see the
/// module docs): `t:` spellings, `k:` skeletons (2+ letters), `p:` phonetic
/// codes, of name words and of adjacent name words glued together.
pub fn name_keys(a: &Analysis) -> Vec<String> {
    let words: Vec<&crate::analysis::Token> =
        a.tokens.iter().filter(|t| t.role == Role::Word).collect();
    let mut out = Vec::new();
    for t in &words {
        for s in t.spellings() {
            out.push(format!("t:{s}"));
        }
        if t.skeleton.len() >= 2 {
            out.push(format!("k:{}", t.skeleton));
        }
        if t.phonetic.len() >= 2 {
            out.push(format!("p:{}", t.phonetic));
        }
    }
    for w in a.tokens.windows(2) {
        if w[0].role == Role::LegalForm || w[1].role == Role::LegalForm {
            continue;
        }
        let glued = format!("{}{}", w[0].text, w[1].text);
        let sk = keys::skeleton(&glued);
        out.push(format!("t:{glued}"));
        if sk.len() >= 4 {
            out.push(format!("k:{sk}"));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The score of one truth case.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CaseScore {
    pub score: f32,
    /// Index of the best-scoring expected name (`None` without names).
    pub best: Option<usize>,
}

/// Best score of `query` over `names` (and which name gave it).
pub fn best_of(query: &Analysis, names: &[String]) -> CaseScore {
    let mut best = CaseScore {
        score: 0.0,
        best: None,
    };
    for (i, n) in names.iter().enumerate() {
        let s = compare(query, &analyze(n)).score;
        if best.best.is_none() || s > best.score {
            best = CaseScore {
                score: s,
                best: Some(i),
            };
        }
    }
    best
}

/// Scores every case against its expected names.
pub fn score_cases(cases: &[Case], threads: usize) -> Vec<CaseScore> {
    par_map(cases, threads, |c| {
        best_of(&analyze(&c.query), &c.expected_names)
    })
}

/// For each case, the score of its query against a random other entity of
/// the same class (a case with a different expected id), or `None` where
/// the class has no other entity. Deterministic under `seed`.
pub fn different_party_scores(cases: &[Case], seed: u64, threads: usize) -> Vec<Option<f32>> {
    let mut by_class: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in cases.iter().enumerate() {
        by_class.entry(c.class.as_str()).or_default().push(i);
    }
    // Draw the partner of each case first (sequentially: deterministic).
    let mut partner: Vec<Option<usize>> = vec![None; cases.len()];
    let mut classes: Vec<&&str> = by_class.keys().collect();
    classes.sort();
    for class in classes {
        let members = &by_class[*class];
        let mut rng = Rng::for_purpose(seed, &format!("auc:{class}"));
        for &i in members {
            for _ in 0..8 {
                let j = members[rng.below(members.len())];
                if cases[j].expected_id != cases[i].expected_id
                    && !cases[j].expected_names.is_empty()
                {
                    partner[i] = Some(j);
                    break;
                }
            }
        }
    }
    let idx: Vec<usize> = (0..cases.len()).collect();
    par_map(&idx, threads, |&i| {
        let j = partner[i]?;
        Some(best_of(&analyze(&cases[i].query), &cases[j].expected_names).score)
    })
}

/// Area under the ROC curve: the probability that a random same-party
/// score is above a random different-party score (ties count half).
/// `None` when either side is empty.
pub fn auc(pos: &[f32], neg: &[f32]) -> Option<f64> {
    if pos.is_empty() || neg.is_empty() {
        return None;
    }
    let mut neg: Vec<f32> = neg.to_vec();
    neg.sort_by(f32::total_cmp);
    let mut sum = 0.0f64;
    for &p in pos {
        let below = neg.partition_point(|&n| n < p);
        let not_above = neg.partition_point(|&n| n <= p);
        sum += below as f64 + 0.5 * (not_above - below) as f64;
    }
    Some(sum / (pos.len() as f64 * neg.len() as f64))
}

/// One distinct list name.
#[derive(Debug, Clone)]
pub struct ListName {
    pub name: String,
    /// The first entity giving this name.
    pub entity_id: String,
}

/// Every distinct list name, analysed, with postings from token keys to
/// names (see the module docs).
#[derive(Debug)]
pub struct NameIndex {
    pub names: Vec<ListName>,
    analyses: Vec<Analysis>,
    postings: HashMap<String, Vec<u32>>,
}

/// The best list name for an innocent name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InnocentScore {
    pub score: f32,
    /// Index into [`NameIndex::names`] of the best-scoring name.
    pub name: Option<u32>,
    /// Number of list names scored (the candidates).
    pub candidates: u32,
}

impl NameIndex {
    /// Indexes every name of `entities` (each distinct string once).
    pub fn build(entities: &[Entity], threads: usize) -> NameIndex {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        let mut names = Vec::new();
        for e in entities {
            for n in &e.names {
                if seen.insert(n.full.as_str(), ()).is_none() {
                    names.push(ListName {
                        name: n.full.clone(),
                        entity_id: e.id.clone(),
                    });
                }
            }
        }
        let analyses: Vec<Analysis> = par_map(&names, threads, |n| analyze(&n.name));
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, a) in analyses.iter().enumerate() {
            for k in name_keys(a) {
                postings.entry(k).or_default().push(i as u32);
            }
        }
        NameIndex {
            names,
            analyses,
            postings,
        }
    }

    /// Number of distinct names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when no name is indexed.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The candidate names of a query: those sharing a key with it.
    pub fn candidates(&self, q: &Analysis) -> Vec<u32> {
        let mut c: Vec<u32> = Vec::new();
        for k in name_keys(q) {
            if let Some(p) = self.postings.get(&k) {
                c.extend_from_slice(p);
            }
        }
        c.sort_unstable();
        c.dedup();
        c
    }

    /// Scores `name` against its candidates; the best one wins.
    pub fn best(&self, name: &str) -> InnocentScore {
        let q = analyze(name);
        let cands = self.candidates(&q);
        let mut best = InnocentScore {
            score: 0.0,
            name: None,
            candidates: cands.len() as u32,
        };
        for i in cands {
            let s = compare(&q, &self.analyses[i as usize]).score;
            if best.name.is_none() || s > best.score {
                best.score = s;
                best.name = Some(i);
            }
        }
        best
    }
}

/// Scores every innocent name against the index.
pub fn score_innocents(
    index: &NameIndex,
    innocents: &[Case],
    threads: usize,
) -> Vec<InnocentScore> {
    par_map(innocents, threads, |c| index.best(&c.query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Name, NameStrength};

    #[test]
    fn auc_counts_ordered_pairs_and_ties() {
        assert_eq!(auc(&[0.9, 0.8], &[0.1, 0.2]), Some(1.0));
        assert_eq!(auc(&[0.1], &[0.9]), Some(0.0));
        assert_eq!(auc(&[0.5], &[0.5]), Some(0.5));
        assert_eq!(auc(&[], &[0.5]), None);
    }

    #[test]
    fn candidates_share_a_key() {
        let mut e = Entity::new("un-sc", "1", Kind::Person);
        e.add_name(Name::new("Vladimir PUTIN", NameStrength::Primary));
        let mut f = Entity::new("un-sc", "2", Kind::Person);
        f.add_name(Name::new("Hassan ROUHANI", NameStrength::Primary));
        f.add_name(Name::new("Abdul Rahman", NameStrength::Aka));
        let idx = NameIndex::build(&[e, f], 1);
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.candidates(&analyze("Putin Ivan")), [0]);
        // Skeleton: a romanisation variant is a candidate.
        assert_eq!(idx.candidates(&analyze("Hasan Smith")), [1]);
        // Glued words meet their split form.
        assert_eq!(idx.candidates(&analyze("Abdulrahman")), [2]);
        assert!(idx.candidates(&analyze("John Smith")).is_empty());
        let b = idx.best("Vladimir Putin");
        assert_eq!(b.score, 1.0);
        assert_eq!(b.name, Some(0));
        assert_eq!(idx.best("John Smith").name, None);
    }

    #[test]
    fn cases_score_their_best_name() {
        let c = Case::truth(
            "typo",
            "Vladimir Puttin",
            "x",
            vec!["Hamas".into(), "PUTIN, Vladimir".into()],
        );
        let s = score_cases(&[c], 1);
        assert_eq!(s[0].best, Some(1));
        assert!(s[0].score > 0.85);
    }
}
