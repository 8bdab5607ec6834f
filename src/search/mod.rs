//! The matcher: a query (name, and optionally kind, date of birth, country,
//! identifiers) → every listed entity it may be, scored and explained.
//!
//! ## Candidates
//! Each query token is expanded to index terms through its exact
//! spellings, its deletion neighbourhood (typos within the length's edit
//! budget, first letter included), its consonant skeleton (romanisation and
//! transliteration variants) and its Double Metaphone code; adjacent query
//! tokens are also tried glued, and glued list tokens are found through the
//! `g` keys. Expansions are cached per searcher (customer names repeat their
//! tokens). Identifiers given with the query are looked up exactly.
//!
//! Common tokens must not explode the candidate set. Query tokens are
//! visited rarest first; once the tokens left could not, even matched
//! perfectly against the rarest possible list tokens, lift a name that none
//! of the rarer tokens reached to the threshold, their postings only update
//! names already found and add none. The bound used, for a name matching
//! the set S of query tokens through list terms of total weight at most L,
//! is `(W_S + L + s·(W_O + L_O)) / (W_min + L + L_O)`, where `W_min` is the
//! query's total weight less everything gluing could remove, a list term's
//! weight is at most its frequency weight (or 0.15, the largest role
//! weight, if that is more), and the other query tokens (weight `W_O`) may
//! still pair by ways the index does not retrieve at similarity at most
//! `s` = [`UNRETRIEVED_SIM`] with list tokens of weight `L_O` (taken at its
//! worst): no score can exceed it (see `src/score`), so the pruning costs
//! no recall.
//! A hard cap ([`MAX_CANDIDATES`]; names ranked by the evidence they
//! matched, `(W_S + L) / (W + L)`) stops pathological queries; hitting it
//! is counted in [`Stats`], and the screening evaluation reports how often.
//!
//! ## Scores
//! Every candidate name is scored with [`crate::score::compare`]; an entity
//! keeps its best name; weak aliases count [`WEAK_ALIAS_FACTOR`] of their
//! score. Then secondary evidence: incompatible kinds (a person against a
//! vessel) drop the entity, unknown kinds never do; a conflicting date of
//! birth lowers the score by [`DOB_CONFLICT`], an agreeing one raises a hit
//! already at the threshold by [`DOB_AGREE`] (never lifting a weak name over
//! it); a country the entity does not have costs [`COUNTRY_MISMATCH`];
//! an identifier matched exactly makes the entity a hit at
//! [`ID_MATCH_SCORE`] at least.

use std::collections::HashMap;

use serde::Serialize;

use crate::analysis::weights::frequency_weight;
use crate::analysis::{analyze, Role, Token};
use crate::error::Result;
use crate::index::build::{deletion_budget, deletions};
use crate::index::format::{key, normalize_id};
use crate::index::Index;
use crate::model::{DateOfBirth, Entity, Kind, NameStrength, PartialDate};
use crate::score::{compare_tokens, dl_distance, edit_budget, Pair};

/// The default threshold (see the README's evaluation section for the
/// recall and alert rate measured at it).
pub const DEFAULT_THRESHOLD: f32 = 0.85;
/// Default number of hits returned.
pub const DEFAULT_MAX_HITS: usize = 10;
/// The most a query token and a list token can be alike by ways the index
/// does not retrieve: an initial (0.5), a 3-letter vowel swap (0.8), a typo
/// past the indexed deletion budget (at most 0.8), and tokens glued on a
/// shared skeleton (0.9, or 0.93 for transliterated tokens).
pub const UNRETRIEVED_SIM: f32 = 0.93;
/// Token expansions a searcher keeps (then starts afresh).
pub const EXPANSION_CACHE: usize = 100_000;
/// Decoded list names a searcher keeps (then starts afresh).
pub const NAME_CACHE: usize = 200_000;
/// Hard cap of candidate names scored per query.
pub const MAX_CANDIDATES: usize = 5000;
/// Weak aliases count this share of their score.
pub const WEAK_ALIAS_FACTOR: f32 = 0.95;
/// Score lost to a conflicting date of birth.
pub const DOB_CONFLICT: f32 = 0.12;
/// Score gained by an agreeing date of birth (only at or above the threshold).
pub const DOB_AGREE: f32 = 0.03;
/// Score lost when the entity names countries and none is the query's.
pub const COUNTRY_MISMATCH: f32 = 0.02;
/// The least score of an entity whose identifier matched the query's.
pub const ID_MATCH_SCORE: f32 = 0.98;

/// What to screen.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub name: String,
    pub kind: Option<Kind>,
    pub dob: Option<PartialDate>,
    /// ISO 3166 alpha-2 code or a country name.
    pub country: Option<String>,
    /// Identifier values (types are not needed for exact matching).
    pub ids: Vec<String>,
}

/// Screening options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Scores at or above this are hits; 0 returns the best `max_hits`
    /// candidates whatever their scores.
    pub threshold: f32,
    pub max_hits: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: DEFAULT_THRESHOLD,
            max_hits: DEFAULT_MAX_HITS,
        }
    }
}

/// A score adjustment from secondary evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Adjustment {
    pub evidence: &'static str,
    pub delta: f32,
    pub why: String,
}

/// Why an entity is a hit.
#[derive(Debug, Clone, Serialize)]
pub struct Explain {
    /// The name score before adjustments.
    pub name_score: f32,
    pub pairs: Vec<Pair>,
    pub unmatched_query: Vec<String>,
    pub unmatched_listed: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capped: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
}

/// One hit: an entity, its best-matching name, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub entity_id: String,
    pub score: f32,
    pub list: String,
    pub kind: Kind,
    pub matched_name: String,
    pub primary_name: String,
    /// The matched name's strength: `primary`, `aka`, `weak_aka`, `fka`, `nka`.
    pub alias: NameStrength,
    /// Content hash of the entity's record.
    pub entity_hash: String,
    /// Ids of the same party on other lists, where the lists state it.
    pub linked: Vec<String>,
    pub explain: Explain,
}

/// Counters of one screening, for measuring the candidate stage.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Stats {
    pub terms: usize,
    pub candidates: usize,
    pub scored: usize,
    pub capped: bool,
}

/// How a query token reached an index term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    Exact,
    Fuzzy,
    Skeleton,
    Phonetic,
}

/// A reusable per-thread searcher over one index. Cheap to create; keeps a
/// cache of token expansions across queries.
pub struct Searcher<'i> {
    index: &'i Index,
    cache: HashMap<String, Vec<(u32, Via, f32)>>,
    /// Decoded tokens of list names scored before (names recur across
    /// queries through their common tokens).
    names: HashMap<u32, std::sync::Arc<Vec<Token>>>,
    /// Whether token expansions are cached across queries.
    token_cache: bool,
    pub stats: Stats,
}

/// Kinds that cannot be the same party.
fn incompatible(a: Kind, b: Kind) -> bool {
    if a == Kind::Unknown || b == Kind::Unknown {
        return false;
    }
    a != b
}

fn dob_agrees(q: &PartialDate, d: &DateOfBirth) -> Option<bool> {
    let from = d.date?;
    let slack = if d.approx { 2 } else { 0 };
    if let Some(to) = d.to {
        return Some(q.year >= from.year - slack && q.year <= to.year + slack);
    }
    if (q.year - from.year).abs() > slack {
        return Some(false);
    }
    if slack > 0 {
        return Some(true);
    }
    let part = |a: Option<u8>, b: Option<u8>| match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    Some(part(q.month, from.month) && part(q.day, from.day))
}

fn country_matches(q: &str, e: &Entity) -> Option<bool> {
    if e.countries.is_empty() {
        return None;
    }
    let q = q.trim().to_lowercase();
    Some(e.countries.iter().any(|c| {
        c.code
            .as_deref()
            .map(|k| k.eq_ignore_ascii_case(&q))
            .unwrap_or(false)
            || c.name.to_lowercase().contains(&q)
    }))
}

impl<'i> Searcher<'i> {
    pub fn new(index: &'i Index) -> Searcher<'i> {
        Searcher {
            index,
            cache: HashMap::new(),
            names: HashMap::new(),
            token_cache: true,
            stats: Stats::default(),
        }
    }

    /// Turns the per-searcher cache of token expansions on or off (on by
    /// default; off only to measure what the cache saves).
    pub fn set_token_cache(&mut self, on: bool) {
        self.token_cache = on;
        if !on {
            self.cache.clear();
        }
    }

    /// The index terms a query token reaches, how, and the most a list
    /// token of that text can weigh (its frequency weight, or the largest
    /// role weight, 0.15, if that is more).
    fn expand(&mut self, t: &Token) -> Result<Vec<(u32, Via, f32)>> {
        if let Some(v) = self.cache.get(&t.text).filter(|_| self.token_cache) {
            return Ok(v.clone());
        }
        let idx = self.index;
        let mut out: HashMap<u32, Via> = HashMap::new();
        let mut offer = |tid: u32, via: Via| {
            let e = out.entry(tid).or_insert(via);
            if via < *e {
                *e = via;
            }
        };
        for s in t.spellings() {
            if let Some(tid) = idx.term_id(s) {
                offer(tid, Via::Exact);
            }
            if t.role == Role::LegalForm {
                continue;
            }
            let budget = edit_budget(s.chars().count());
            if budget > 0 {
                for d in deletions(s, deletion_budget(s)) {
                    for tid in idx.key_list(key::DELETION, d.as_bytes())?.iter() {
                        let (text, _, _) = idx.term(tid)?;
                        let b = budget.max(edit_budget(text.chars().count()));
                        if dl_distance(s.as_bytes(), text.as_bytes(), b) <= b {
                            offer(tid, Via::Fuzzy);
                        }
                    }
                }
            }
        }
        if t.role != Role::LegalForm {
            let min_sk = if t.transliterated { 2 } else { 3 };
            if t.skeleton.len() >= min_sk {
                for tid in idx.key_list(key::SKELETON, t.skeleton.as_bytes())?.iter() {
                    offer(tid, Via::Skeleton);
                }
            }
            if t.phonetic.len() >= 3 && t.text.len() >= 4 {
                for tid in idx.key_list(key::PHONETIC, t.phonetic.as_bytes())?.iter() {
                    offer(tid, Via::Phonetic);
                }
            }
        }
        let mut v: Vec<(u32, Via, f32)> = Vec::with_capacity(out.len());
        for (tid, via) in out {
            let (text, _, _) = idx.term(tid)?;
            v.push((tid, via, frequency_weight(text).max(0.15)));
        }
        v.sort_unstable_by_key(|x| x.0);
        self.stats.terms += v.len();
        if self.token_cache {
            if self.cache.len() >= EXPANSION_CACHE {
                self.cache.clear();
            }
            self.cache.insert(t.text.clone(), v.clone());
        }
        Ok(v)
    }

    /// Screens one query (see the module docs).
    pub fn screen(&mut self, q: &Query, opts: &Options) -> Result<Vec<Hit>> {
        self.stats = Stats::default();
        let a = analyze(&q.name);
        let idx = self.index;
        let n = a.tokens.len().min(63);
        let w_all: f32 = a.tokens.iter().map(|t| t.weight).sum();
        let glue_slack: f32 = a
            .tokens
            .windows(2)
            .map(|w| w[0].weight.min(w[1].weight))
            .sum();
        let w_min = (w_all - glue_slack).max(a.tokens.iter().map(|t| t.weight).fold(0.0, f32::max));
        // A name matching the query tokens of total weight `w_s` through
        // list tokens of total weight at most `l` scores at most this (see
        // `src/score`: similarities are at most 1, unmatched query tokens
        // cost fully). The other query tokens (`w_o` in weight, `k_o` in
        // number) may still pair by ways retrieval does not index (an
        // initial, a 3-letter vowel swap, a typo past the deletion budget),
        // each at most UNRETRIEVED_SIM; the bound allows for that too.
        let bound = |w_s: f32, l: f32, w_o: f32, k_o: f32| -> f32 {
            let f = |lo: f32| {
                let den = w_min + l + lo;
                if den <= 0.0 {
                    1.0
                } else {
                    (w_s + l + UNRETRIEVED_SIM * (w_o + lo)) / den
                }
            };
            f(0.0).max(f(k_o)).min(1.0)
        };
        // Expand every token first: the most a list token reached through
        // it can weigh bounds what it can add.
        let mut expansions: Vec<Vec<(u32, Via, f32)>> = Vec::with_capacity(n);
        let mut max_listed: Vec<f32> = Vec::with_capacity(n);
        for t in a.tokens.iter().take(n) {
            let e = self.expand(t)?;
            let glued = idx.key_list(key::GLUED, t.text.as_bytes())?;
            let m = e
                .iter()
                .map(|x| x.2)
                .fold(if glued.is_empty() { 0.0 } else { 1.0 }, f32::max);
            max_listed.push(m);
            expansions.push(e);
        }
        // Rarest (heaviest) tokens first.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&x, &y| a.tokens[y].weight.total_cmp(&a.tokens[x].weight));
        let mut cand: HashMap<u32, (u64, f32)> = HashMap::new();
        let add_names = |cand: &mut HashMap<u32, (u64, f32)>,
                         names: &mut dyn Iterator<Item = u32>,
                         bit: u64,
                         lw: f32,
                         may_add: bool| {
            for nid in names {
                match cand.get_mut(&nid) {
                    Some(m) => {
                        m.0 |= bit;
                        m.1 += lw;
                    }
                    None if may_add => {
                        cand.insert(nid, (bit, lw));
                    }
                    None => {}
                }
            }
        };
        let mut w_rem: f32 = order.iter().map(|&i| a.tokens[i].weight).sum();
        let mut l_rem: f32 = order.iter().map(|&i| max_listed[i]).sum();
        for (step, &i) in order.iter().enumerate() {
            let t = &a.tokens[i];
            let may_add = opts.threshold <= 0.0
                || bound(w_rem, l_rem, w_all - w_rem, step as f32) >= opts.threshold;
            let bit = 1u64 << i;
            for &(tid, _, tw) in &expansions[i] {
                let mut it = idx.postings(tid)?.iter();
                add_names(&mut cand, &mut it, bit, tw, may_add);
            }
            let mut it = idx.key_list(key::GLUED, t.text.as_bytes())?.iter();
            add_names(&mut cand, &mut it, bit, 1.0, may_add);
            if i + 1 < n {
                let glued = format!("{}{}", t.text, a.tokens[i + 1].text);
                if let Some(tid) = idx.term_id(&glued) {
                    let mut it = idx.postings(tid)?.iter();
                    add_names(&mut cand, &mut it, bit | (1u64 << (i + 1)), 1.0, may_add);
                }
            }
            w_rem -= t.weight;
            l_rem -= max_listed[i];
        }
        // Entities matched by an identifier.
        let mut id_entities: HashMap<u32, String> = HashMap::new();
        for v in &q.ids {
            let nv = normalize_id(v);
            if nv.len() < 4 {
                continue;
            }
            // IMO numbers are indexed with and without their prefix; a typed
            // query id (`imo:9187629`) loses its type the same way.
            let mut forms = vec![nv.clone()];
            if let Some(bare) = nv.strip_prefix("IMO").filter(|b| b.len() == 7) {
                forms.push(bare.to_string());
            }
            if let Some((_, val)) = v.split_once(':') {
                let nv2 = normalize_id(val);
                if nv2.len() >= 4 && !forms.contains(&nv2) {
                    forms.push(nv2);
                }
            }
            for form in forms {
                for e in idx.key_list(key::IDENTIFIER, form.as_bytes())?.iter() {
                    id_entities.insert(e, v.clone());
                    let er = idx.entity(e)?;
                    for k in 0..er.n_names {
                        cand.entry(er.first_name + k).or_insert((0, 0.0));
                    }
                }
            }
        }
        self.stats.candidates = cand.len();
        // Prune by the bound, then cap.
        // (safe bound, cap priority, name): the bound decides admission;
        // under the hard cap, names go first by the evidence they matched
        // (query weight plus list weight reached, over the query's weight).
        let mut scored: Vec<(f32, f32, u32)> = cand
            .into_iter()
            .map(|(nid, (mask, lw))| {
                let mut ws = 0.0;
                let mut k = 0.0f32;
                for i in 0..n {
                    if mask & (1u64 << i) != 0 {
                        ws += a.tokens[i].weight;
                        k += 1.0;
                    }
                }
                let l = lw.min(k);
                let priority = (ws + l) / (w_all + l).max(f32::EPSILON);
                (bound(ws, l, w_all - ws, n as f32 - k), priority, nid)
            })
            .filter(|(b, _, nid)| {
                opts.threshold <= 0.0 || *b >= opts.threshold || self.is_id_name(*nid, &id_entities)
            })
            .collect();
        if scored.len() > MAX_CANDIDATES {
            scored.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.2.cmp(&y.2)));
            scored.truncate(MAX_CANDIDATES);
            self.stats.capped = true;
        }
        self.stats.scored = scored.len();
        // Score names; best per entity.
        let mut best: HashMap<u32, (f32, u32, crate::score::Comparison)> = HashMap::new();
        for (_, _, nid) in scored {
            let nr = idx.name(nid)?;
            let tokens = match self.names.get(&nid) {
                Some(t) => t.clone(),
                None => {
                    if self.names.len() >= NAME_CACHE {
                        self.names.clear();
                    }
                    let t = std::sync::Arc::new(idx.name_tokens(&nr)?);
                    self.names.insert(nid, t.clone());
                    t
                }
            };
            let cmp = compare_tokens(&a.tokens, &tokens);
            let mut s = cmp.score;
            if nr.strength == NameStrength::WeakAka {
                s *= WEAK_ALIAS_FACTOR;
            }
            match best.get(&nr.entity) {
                Some((b, _, _)) if *b >= s => {}
                _ => {
                    best.insert(nr.entity, (s, nid, cmp));
                }
            }
        }
        // Secondary evidence, hits.
        let mut hits = Vec::new();
        let mut ranked: Vec<(u32, (f32, u32, crate::score::Comparison))> =
            best.into_iter().collect();
        ranked.sort_by(|x, y| y.1 .0.total_cmp(&x.1 .0).then(x.0.cmp(&y.0)));
        for (ent, (name_score, nid, cmp)) in ranked {
            let er = idx.entity(ent)?;
            if let Some(k) = q.kind {
                if incompatible(k, er.kind) {
                    continue;
                }
            }
            let id_hit = id_entities.get(&ent);
            let may_qualify = opts.threshold <= 0.0
                || name_score >= opts.threshold - DOB_AGREE
                || id_hit.is_some();
            if !may_qualify {
                continue;
            }
            if opts.threshold <= 0.0 && hits.len() >= opts.max_hits * 4 {
                break;
            }
            let record = idx.entity_record(&er)?;
            let mut score = name_score;
            let mut adjustments = Vec::new();
            if let Some(v) = id_hit {
                if score < ID_MATCH_SCORE {
                    adjustments.push(Adjustment {
                        evidence: "identifier",
                        delta: ID_MATCH_SCORE - score,
                        why: format!("identifier {v} matches exactly"),
                    });
                    score = ID_MATCH_SCORE;
                }
            }
            if let Some(qd) = &q.dob {
                let verdicts: Vec<bool> = record
                    .dobs
                    .iter()
                    .filter_map(|d| dob_agrees(qd, d))
                    .collect();
                if !verdicts.is_empty() {
                    if verdicts.iter().any(|v| *v) {
                        if score >= opts.threshold && opts.threshold > 0.0 {
                            let d = DOB_AGREE.min(1.0 - score);
                            if d > 0.0 {
                                score += d;
                                adjustments.push(Adjustment {
                                    evidence: "dob",
                                    delta: d,
                                    why: format!("date of birth {qd} agrees"),
                                });
                            }
                        }
                    } else {
                        score -= DOB_CONFLICT;
                        adjustments.push(Adjustment {
                            evidence: "dob",
                            delta: -DOB_CONFLICT,
                            why: format!(
                                "date of birth {qd} conflicts with {}",
                                record
                                    .dobs
                                    .iter()
                                    .map(|d| d.raw.as_str())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            ),
                        });
                    }
                }
            }
            if let Some(c) = &q.country {
                if country_matches(c, &record) == Some(false) {
                    score -= COUNTRY_MISMATCH;
                    adjustments.push(Adjustment {
                        evidence: "country",
                        delta: -COUNTRY_MISMATCH,
                        why: format!("the entity names other countries than {c}"),
                    });
                }
            }
            let score = score.clamp(0.0, 1.0);
            if opts.threshold > 0.0 && score < opts.threshold {
                continue;
            }
            let nr = idx.name(nid)?;
            hits.push(Hit {
                entity_id: er.id.to_string(),
                score: (score * 1000.0).round() / 1000.0,
                list: er.list_id.to_string(),
                kind: er.kind,
                matched_name: nr.text.to_string(),
                primary_name: record.primary_name().to_string(),
                alias: nr.strength,
                entity_hash: Index::content_hash_hex(&er),
                linked: record.links.iter().map(|l| l.entity_id.clone()).collect(),
                explain: Explain {
                    name_score: (name_score * 1000.0).round() / 1000.0,
                    pairs: cmp.pairs,
                    unmatched_query: cmp.unmatched_query,
                    unmatched_listed: cmp.unmatched_listed,
                    capped: cmp.capped,
                    adjustments,
                },
            });
        }
        hits.sort_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then(x.entity_id.cmp(&y.entity_id))
        });
        hits.truncate(opts.max_hits);
        Ok(hits)
    }

    fn is_id_name(&self, nid: u32, ids: &HashMap<u32, String>) -> bool {
        !ids.is_empty()
            && self
                .index
                .name(nid)
                .map(|n| ids.contains_key(&n.entity))
                .unwrap_or(false)
    }
}

/// Parses a query date of birth: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub fn parse_query_dob(s: &str) -> Option<PartialDate> {
    crate::source::dates::parse_date(s, crate::source::dates::SlashOrder::Dmy)
}
