//! The matcher: a query (name, and optionally kind, date of birth, country,
//! identifiers) → every listed entity it may be, scored and explained.
//!
//! ## Candidates
//! Each query token is expanded to index terms through its exact
//! spellings, its deletion neighbourhood (typos within the length's edit
//! budget, first letter included), its consonant skeleton (romanisation and
//! transliteration variants) and its Double Metaphone code; adjacent query
//! tokens are also tried glued, and glued list tokens are found through the
//! `g` keys (a Bloom filter, [`crate::index::probe`], skips the glued
//! lookups the index certainly lacks). Expansions are cached per searcher,
//! or in one [`ExpansionCache`] shared by a batch run's workers (customer
//! names repeat their tokens); typo candidates from the deletion
//! neighbourhood (probed all at once in the index's hash table,
//! [`crate::index::delhash`]) are checked with a bit-parallel distance
//! (`osa`), their texts read in a batch first.
//! Identifiers given with the query are looked up exactly.
//!
//! Common tokens must not explode the candidate set, and no listed name
//! that could score at or above the threshold may be lost. Scoring (see
//! `src/score`) is a ratio N/D; a name reaches the threshold T only if
//! N − T·D ≥ 0, and this splits into a sum over query tokens, which gives
//! two safe bounds:
//!
//! 1. **Per token.** Each query token i gets two numbers: `matched_i`, the
//!    most it can add to N − T·D (beyond its own −T·w_i) when it pairs
//!    with a list term it reaches (`sim·w_i + L·max(0, sim − T)`, with sim
//!    an upper bound of the pair's similarity and L the most a list token
//!    of that spelling can weigh), and `missed_i`, the most it can add
//!    when it pairs by a way the index does not retrieve — an initial
//!    (0.5, against a list token of weight 0.15) — or not at all
//!    (`unretrieved`). A name matching
//!    the set S of query tokens can reach T only if
//!    `Σ_S matched + Σ_other missed ≥ T·W`, W the query's weight (for
//!    names a glued query pair reached: less what gluing two query tokens
//!    into one could remove). So tokens are walked most decisive first —
//!    except that of the tokens every hit needs, the one with the fewest
//!    postings goes first (it alone decides the candidates) — and
//!    a name is added only through a reach that could still lift it to T
//!    (reaches come best first, so after the first that cannot, postings
//!    only mark names already found).
//! 2. **Per name.** A surviving name's tokens are read as term ids (no
//!    strings, no allocation) and, relaxing the rule that a list token
//!    pairs only once, `Σ_i max(0, max_j [s_ij·(w_i + w_j) − T·(1 − c_j)·w_j])
//!    ≥ T·(W + Σ_j c_j·w_j)` is tested, with s_ij the reached similarity
//!    (or 0.5 where an initial is one side: the one pairing not retrieved),
//!    and c_j the cost of leaving list token j unpaired. Where the gluing
//!    rule accepts a glued query pair for the name, the bound also tries
//!    the pair as one token (through the glued token's own expansion) and
//!    longer glued runs where some index term allows them, keeping the
//!    best grouping. Where a glue the bound does not model may apply —
//!    a pair glued through other spellings of its tokens, a particle
//!    glued with the words on both sides, a run of three to five Han or
//!    Hangul syllables — the glued query tokens count at their best
//!    (each at its weight plus the most one list token adds). Names a
//!    glued list pair reached (the scorer merges list tokens first) or an
//!    identifier skip this test.
//!
//! Only names passing both are scored. Every retrieval path of the scorer
//! is indexed (exact spellings, deletion neighbours, 3-letter vowel swaps,
//! skeletons — two-letter ones of transliterated terms too, one-consonant
//! terms by their vowel slots, and the rest of a Latin word after a glued
//! article — phonetic codes, glued pairs exact and on their skeleton), so
//! the pruning costs no recall; a test checks it
//! against scoring every name of an index.
//! A hard cap ([`MAX_CANDIDATES`]; names ranked by their bound) stops
//! pathological queries; hitting it is counted in [`Stats`], and the
//! screening evaluation reports how often.
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

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use rustc_hash::FxHasher;

use serde::Serialize;

mod cache;
mod osa;
pub use cache::ExpansionCache;

use crate::analysis::{analyze_deferred, Role, Token};
use crate::error::{Error, ErrorKind, Result};
use crate::index::build::deletion_budget;
use crate::index::format::{key, normalize_id, vowel_swap_keys};
use crate::index::{Index, PostingsRef, TokenRef};
use crate::model::{DateOfBirth, HitFacts, Kind, NameStrength, PartialDate};
use crate::score::{
    compare_tokens, edit_budget, is_patronymic_bytes, similarity_bound_for, spelled_by, Pair,
    TokenView, LEAST_UNMATCHED_LISTED_COST, PATRONYMIC_COST,
};

/// The default threshold (see the README's evaluation section for the
/// recall and alert rate measured at it).
pub const DEFAULT_THRESHOLD: f32 = 0.85;
/// Default number of hits returned.
pub const DEFAULT_MAX_HITS: usize = 10;
/// How alike an initial and a word starting with it are (see `src/score`).
const INITIAL_SIM: f32 = 0.5;
/// The largest weight a role gives a list token (an initial's).
const MAX_ROLE_WEIGHT: f32 = 0.15;
/// A token that may only mark names already found is not walked when its
/// postings outnumber the candidates this many times.
const SKIP_WALK_FACTOR: usize = 32;
/// Query tokens tracked per candidate name (bits of a u64 mask); tokens
/// past it count as matched at their best (a safe bound).
const MAX_MASK_TOKENS: usize = 63;

/// Slack on every bound test: the bounds sum the same terms in another
/// order than the scorer, so a name scoring exactly the threshold must not
/// be lost to float rounding.
const BOUND_SLACK: f32 = 1e-4;
/// Token expansions a searcher keeps (then starts afresh).
pub const EXPANSION_CACHE: usize = 200_000;
/// Decoded list names a searcher keeps (then starts afresh).
pub const NAME_CACHE: usize = 50_000;
/// Parsed entity records a searcher keeps (then starts afresh).
pub const RECORD_CACHE: usize = 4096;
/// Hard cap of candidate names scored per query.
pub const MAX_CANDIDATES: usize = 5000;
/// The longest name screened, in bytes of UTF-8 text: a longer "name" is
/// not a name (a pasted document, a hostile string) but seconds of work
/// (80 KB of "ali " took 5 s). Batch input, the server and the library
/// all refuse it.
pub const MAX_NAME_BYTES: usize = 1024;
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
    /// Names any query token reached.
    pub candidates: usize,
    /// Names past the per-token bound (read for the per-name bound).
    pub prefiltered: usize,
    /// Names scored in full.
    pub scored: usize,
    /// Postings read by the candidate walk.
    pub walked: usize,
    /// Token expansions computed (not found in a cache).
    pub expansions: usize,
    pub capped: bool,
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// An index term a query token reaches: its id, an upper bound of the
/// pair's token similarity, and the most a list token of that spelling can
/// weigh (its frequency weight, or the largest role weight if more).
#[derive(Debug, Clone, Copy)]
struct Reach {
    tid: u32,
    sim: f32,
    listed: f32,
    /// Where the term's postings lie (the walk reads them without the
    /// term's record).
    postings: PostingsRef,
}

/// What a query token reaches in the index, cached per searcher.
struct Expansion {
    /// Terms, sorted by id.
    reaches: Vec<Reach>,
    /// Names with two adjacent tokens that glued may be this token.
    glued: Vec<u32>,
    /// Total postings of the reached terms.
    postings: usize,
    /// Reaches as (contribution, term id, postings), best first, for
    /// `ranked_for` (threshold, token weight).
    ranked: Vec<(f32, u32, PostingsRef)>,
    ranked_for: (f32, f32),
}

/// A query token made ready for the bounds (module docs).
struct Prepared {
    exp: Arc<Expansion>,
    /// The most it is alike any list token it does not reach.
    unretrieved: f32,
    /// Its largest contribution to N − T·D when paired through a reach.
    matched: f32,
    /// Its largest contribution when not reached.
    missed: f32,
}

/// Scratch of the candidate walk, indexed by name id (dense arrays: a
/// posting costs an array access, not a hash probe): which query tokens
/// reached the name ([`PRESENT`] marks a candidate) and what they add to
/// its bound; `touched` lists the names to reset.
///
/// The masks are kept as `u16` while a query has at most [`NARROW_TOKENS`]
/// tokens (nearly all do): the array is then a quarter of the size, and the
/// walk, which reads one mask per posting at random, stays in the cache.
/// Longer queries use the `u64` array.
#[derive(Default)]
struct Walk {
    narrow: Vec<u16>,
    wide: Vec<u64>,
    /// Whether this query uses `wide`.
    is_wide: bool,
    gain: Vec<f32>,
    touched: Vec<u32>,
}

/// Mask bit of a name that is a candidate.
const PRESENT: u64 = 1 << 63;

/// Most query tokens the `u16` masks hold (one bit is [`PRESENT`]).
const NARROW_TOKENS: usize = 15;

/// A mask word of [`Walk`]: `u16` or `u64`.
trait MaskWord: Copy + Eq + std::ops::BitOr<Output = Self> + std::ops::BitAnd<Output = Self> {
    const ZERO: Self;
    /// The word of a mask given as `u64` bits ([`PRESENT`] included).
    fn of(bits: u64) -> Self;
    /// The token bits of a word, as `u64` ([`PRESENT`] left out).
    fn tokens(self) -> u64;
}

impl MaskWord for u16 {
    const ZERO: u16 = 0;
    #[inline]
    fn of(bits: u64) -> u16 {
        (bits & 0x7fff) as u16 | if bits & PRESENT != 0 { 0x8000 } else { 0 }
    }
    #[inline]
    fn tokens(self) -> u64 {
        u64::from(self & 0x7fff)
    }
}

impl MaskWord for u64 {
    const ZERO: u64 = 0;
    #[inline]
    fn of(bits: u64) -> u64 {
        bits
    }
    #[inline]
    fn tokens(self) -> u64 {
        self & !PRESENT
    }
}

/// Token `bit` reached name `nid`, adding `gain` to its bound (the first
/// reach of a token is its best: reaches come best first); a name not yet
/// a candidate becomes one only when `may_add`.
#[inline]
fn reach_in<M: MaskWord>(
    masks: &mut [M],
    gains: &mut [f32],
    touched: &mut Vec<u32>,
    nid: u32,
    bit: M,
    gain: f32,
    may_add: bool,
) {
    let Some(m) = masks.get_mut(nid as usize) else {
        return;
    };
    if *m == M::ZERO {
        if may_add {
            *m = M::of(PRESENT) | bit;
            if let Some(g) = gains.get_mut(nid as usize) {
                *g = gain;
            }
            touched.push(nid);
        }
    } else if *m & bit == M::ZERO {
        *m = *m | bit;
        if let Some(g) = gains.get_mut(nid as usize) {
            *g += gain;
        }
    }
}

impl Walk {
    /// Clears the last query's marks; the next query has `tokens` mask
    /// bits and the index `names` names.
    fn reset(&mut self, names: usize, tokens: usize) {
        for &n in &self.touched {
            if self.is_wide {
                if let Some(m) = self.wide.get_mut(n as usize) {
                    *m = 0;
                }
            } else if let Some(m) = self.narrow.get_mut(n as usize) {
                *m = 0;
            }
        }
        self.touched.clear();
        self.is_wide = tokens > NARROW_TOKENS;
        if self.gain.len() != names {
            self.narrow = Vec::new();
            self.wide = Vec::new();
            self.gain = vec![0.0; names];
        }
        if self.is_wide && self.wide.len() != names {
            self.wide = vec![0; names];
        }
        if !self.is_wide && self.narrow.len() != names {
            self.narrow = vec![0; names];
        }
    }

    /// Token `bit` reached name `nid` (see [`reach_in`]).
    #[inline]
    fn reach(&mut self, nid: u32, bit: u64, gain: f32, may_add: bool) {
        self.reach_all(std::iter::once(nid), bit, gain, may_add);
    }

    /// [`Self::reach`] for every name of `nids`.
    #[inline]
    fn reach_all(&mut self, nids: impl Iterator<Item = u32>, bit: u64, gain: f32, may_add: bool) {
        if self.is_wide {
            for nid in nids {
                reach_in(
                    &mut self.wide,
                    &mut self.gain,
                    &mut self.touched,
                    nid,
                    bit,
                    gain,
                    may_add,
                );
            }
        } else {
            let b = u16::of(bit);
            for nid in nids {
                reach_in(
                    &mut self.narrow,
                    &mut self.gain,
                    &mut self.touched,
                    nid,
                    b,
                    gain,
                    may_add,
                );
            }
        }
    }

    /// The query tokens that reached name `nid`, as bits.
    fn bits(&self, nid: u32) -> u64 {
        if self.is_wide {
            self.wide.get(nid as usize).map_or(0, |m| m.tokens())
        } else {
            self.narrow.get(nid as usize).map_or(0, |m| m.tokens())
        }
    }
}

/// The most a query token can be alike a list token its expansion does not
/// reach (module docs): an initial 0.5; legal forms meet only their own
/// form, which is retrieved. Every other way two tokens meet is retrieved,
/// so above 0.5 a name is a candidate as soon as it can be a hit.
fn unretrieved(t: &Token) -> f32 {
    if t.role == Role::LegalForm {
        return 0.0;
    }
    INITIAL_SIM
}

/// Orders an expansion's reaches by their contribution to the per-token
/// bound at threshold `thr` for a token of weight `w`, best first (the walk
/// relies on a name's first reach by a token being its best).
fn rank(e: &mut Expansion, thr: f32, w: f32) {
    e.ranked.clear();
    e.ranked.extend(e.reaches.iter().map(|r| {
        (
            r.sim * w + r.listed * (r.sim - thr).max(0.0),
            r.tid,
            r.postings,
        )
    }));
    e.ranked
        .sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    e.ranked_for = (thr, w);
}

/// Two adjacent query tokens that glued reach some names (term ids of the
/// glued spelling and of each part, where the index has them, and the
/// glued skeleton).
struct GluePair {
    /// The first token's index (the pair is `at`, `at + 1`).
    at: usize,
    concat: Option<u32>,
    parts: [Option<u32>; 2],
    skeleton: String,
    /// The glued token as the scorer makes it, and its expansion (made
    /// when a name first needs it; not cached across queries, as first and
    /// last names rarely repeat as a pair).
    token: Token,
    exp: Option<Arc<Expansion>>,
    /// Bit `end`: the scorer may glue the tokens from `at` to `end - 1`
    /// (three or more) into one, as some index term is spelled as their
    /// concatenation or has its long skeleton.
    chains: u64,
}

/// The token the scorer makes of two glued query tokens (`score::glue`).
fn glued_token(x: &Token, y: &Token) -> Token {
    let mut g = x.clone();
    g.alts = Vec::new();
    g.text.push_str(&y.text);
    g.skeleton = crate::analysis::keys::skeleton(&g.text);
    g.phonetic = crate::analysis::keys::phonetic(&g.text);
    g.weight = x.weight.max(y.weight);
    g.role = Role::Word;
    g
}

/// Per name: `[C, c1, c2, c3]`, C the cost of leaving every list token
/// unpaired (`Σ c_j·w_j`) and c1 ≥ c2 ≥ c3 its largest terms; all 0 for a
/// name with an initial (any query token may pair with it, unretrieved),
/// or one that cannot be read.
fn name_costs(idx: &Index) -> Vec<[f32; 4]> {
    let one = |nid: u32| -> Result<[f32; 4]> {
        let nr = idx.name_shape(nid)?;
        let mut out = [0.0f32; 4];
        for j in 0..nr.token_count() {
            let t = idx.token_ref(&nr, j)?;
            if t.role == Role::Initial {
                return Ok([0.0; 4]);
            }
            let c = if is_patronymic_bytes(idx.term_bytes(t.term)?) {
                PATRONYMIC_COST
            } else {
                LEAST_UNMATCHED_LISTED_COST
            } * t.weight;
            out[0] += c;
            let mut x = c;
            for slot in out[1..].iter_mut() {
                if x > *slot {
                    std::mem::swap(&mut x, slot);
                }
            }
        }
        Ok(out)
    };
    (0..idx.name_count())
        .map(|nid| one(nid).unwrap_or([0.0; 4]))
        .collect()
}

/// Per term id: the heaviest list token spelled so (as its text or one of
/// its other spellings). Role and script adjustments can make a list
/// token heavier than its spelling's frequency weight, so the per-token
/// bound takes the weight from the tokens themselves. One more figure at
/// the end: the lightest list token of all. A table that cannot be read
/// gives every term the largest weight, 1, and the lightest weight 0.
fn term_max_weights(idx: &Index) -> Vec<(f32, u8)> {
    let n = idx.term_count() as usize;
    let mut w = vec![(0.0f32, 0u8); n + 1];
    w[n] = (1.0, spelled_by::ANY);
    let mut fill = || -> Result<()> {
        for nid in 0..idx.name_count() {
            let nr = idx.name_shape(nid)?;
            for j in 0..nr.token_count() {
                let t = idx.token_ref(&nr, j)?;
                let mut kinds = if t.abjad {
                    spelled_by::ABJAD
                } else {
                    spelled_by::VOWELLED
                };
                if t.role != Role::LegalForm {
                    kinds |= spelled_by::NAME_PART;
                }
                for tid in std::iter::once(t.term).chain(t.alts.iter()) {
                    if let Some(x) = w.get_mut(tid as usize).filter(|_| (tid as usize) < n) {
                        x.0 = x.0.max(t.weight);
                        x.1 |= kinds;
                    }
                }
                w[n].0 = w[n].0.min(t.weight);
            }
        }
        Ok(())
    };
    if n == 0 || fill().is_err() {
        let mut w = vec![(1.0, spelled_by::ANY); n + 1];
        w[n].0 = 0.0;
        return w;
    }
    w
}

/// The least a name's unpaired list tokens cost when at most `k` of them
/// pair (see [`name_costs`]).
fn unpaired_floor(c: &[f32; 4], k: u32) -> f32 {
    match k {
        0 => c[0],
        1 => c[0] - c[1],
        2 => c[0] - c[1] - c[2],
        3 => c[0] - c[1] - c[2] - c[3],
        _ => 0.0,
    }
    .max(0.0)
}

/// The cache key of a query token's expansion: everything it depends on
/// (written into `k`, a buffer reused across lookups).
/// The value under `key` in a bounded memo, made by `make` when absent;
/// the memo starts afresh when it holds `cap` values.
fn memo<V>(
    map: &mut FastMap<u32, Arc<V>>,
    cap: usize,
    key: u32,
    make: impl FnOnce() -> Result<V>,
) -> Result<Arc<V>> {
    if let Some(v) = map.get(&key) {
        return Ok(v.clone());
    }
    if map.len() >= cap {
        map.clear();
    }
    let v = Arc::new(make()?);
    map.insert(key, v.clone());
    Ok(v)
}

fn token_key(t: &Token, k: &mut String) {
    k.clear();
    k.push_str(&t.text);
    k.push(char::from(b'0' + t.role as u8));
    k.push(match (t.transliterated, t.abjad, t.syllabic) {
        (_, true, _) => 'a',
        (_, false, true) => 's',
        (true, false, false) => 't',
        (false, false, false) => 'l',
    });
    for a in &t.alts {
        k.push('\u{1}');
        k.push_str(a);
    }
}

/// A reusable per-thread searcher over one index. Cheap to create; keeps a
/// cache of token expansions across queries.
pub struct Searcher<'i> {
    index: IndexHandle<'i>,
    cache: FastMap<String, Arc<Expansion>>,
    /// The cache key being looked up (a buffer kept across queries).
    key: String,
    /// A cache shared with other searchers of the same index, used instead
    /// of `cache` when set ([`Searcher::share_cache`]).
    shared: Option<Arc<ExpansionCache>>,
    /// Scratch of the candidate walk, indexed by name id.
    walk: Walk,
    /// Per term id: 0 not known yet, 1 not a patronymic, 2 a patronymic.
    patronymics: std::cell::RefCell<Vec<u8>>,
    /// Decoded tokens of list names scored before (names recur across
    /// queries through their common tokens).
    names: FastMap<u32, Arc<Vec<Token>>>,
    /// Parsed records of entities near the threshold before (a JSON parse
    /// costs ~45k instructions; the same entities come up again and again
    /// for common names).
    records: FastMap<u32, Arc<HitFacts>>,
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

fn country_matches(q: &str, e: &HitFacts) -> Option<bool> {
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

/// The index a searcher searches: borrowed (a scoped thread pool, the
/// CLI) or shared (a searcher that must outlive any borrow: a server
/// worker, a C handle).
#[derive(Clone)]
enum IndexHandle<'i> {
    Borrowed(&'i Index),
    Shared(Arc<Index>),
}

impl std::ops::Deref for IndexHandle<'_> {
    type Target = Index;

    fn deref(&self) -> &Index {
        match self {
            IndexHandle::Borrowed(i) => i,
            IndexHandle::Shared(i) => i,
        }
    }
}

impl Searcher<'static> {
    /// A searcher that holds its index (no borrow to outlive): `Send`, and
    /// it keeps the index mapped as long as it lives.
    pub fn shared(index: Arc<Index>) -> Searcher<'static> {
        Searcher::with(IndexHandle::Shared(index))
    }
}

impl<'i> Searcher<'i> {
    pub fn new(index: &'i Index) -> Searcher<'i> {
        Searcher::with(IndexHandle::Borrowed(index))
    }

    /// The index searched.
    pub fn index(&self) -> &Index {
        &self.index
    }

    fn with(index: IndexHandle<'i>) -> Searcher<'i> {
        Searcher {
            index,
            cache: FastMap::default(),
            key: String::new(),
            shared: None,
            walk: Walk::default(),
            patronymics: std::cell::RefCell::new(Vec::new()),
            names: FastMap::default(),
            records: FastMap::default(),
            token_cache: true,
            stats: Stats::default(),
        }
    }

    /// Caches token expansions in `cache`, shared with other searchers of
    /// the same index, instead of privately; a cache made for another index
    /// is not used (returns false).
    pub fn share_cache(&mut self, cache: Arc<ExpansionCache>) -> bool {
        if !cache.serves(&self.index) {
            return false;
        }
        self.cache.clear();
        self.shared = Some(cache);
        true
    }

    /// Turns the per-searcher cache of token expansions on or off (on by
    /// default; off only to measure what the cache saves).
    pub fn set_token_cache(&mut self, on: bool) {
        self.token_cache = on;
        if !on {
            self.cache.clear();
        }
    }

    /// The index terms a query token reaches (see [`Reach`]), sorted by
    /// term id; cached per searcher (customer names repeat their tokens).
    fn expand(
        &mut self,
        idx: &Index,
        t: &Token,
        unretrieved: f32,
        thr: f32,
    ) -> Result<Arc<Expansion>> {
        self.expand_with(idx, t, unretrieved, thr, self.token_cache)
    }

    /// [`Self::expand`], through the cache or not.
    fn expand_with(
        &mut self,
        idx: &Index,
        t: &Token,
        unretrieved: f32,
        thr: f32,
        cached: bool,
    ) -> Result<Arc<Expansion>> {
        let mut key = std::mem::take(&mut self.key);
        token_key(t, &mut key);
        let found = self.expand_found(t, &key, thr, cached);
        if let Some(v) = found {
            self.key = key;
            return Ok(v);
        }
        let v = self.expand_new(idx, t, unretrieved, thr);
        if let Ok(v) = &v {
            if cached {
                self.remember(key.clone(), v.clone());
            }
        }
        self.key = key;
        v
    }

    /// A cached expansion of `t` under `key`, ranked for `thr`.
    fn expand_found(
        &mut self,
        t: &Token,
        key: &str,
        thr: f32,
        cached: bool,
    ) -> Option<Arc<Expansion>> {
        if cached {
            let hit = match &self.shared {
                Some(sh) => sh.get(key),
                None => self.cache.get(key).cloned(),
            };
            if let Some(v) = hit {
                if v.ranked_for == (thr, t.weight) {
                    return Some(v);
                }
                let mut e = Expansion {
                    reaches: v.reaches.clone(),
                    glued: v.glued.clone(),
                    postings: v.postings,
                    ranked: Vec::new(),
                    ranked_for: (f32::NAN, f32::NAN),
                };
                rank(&mut e, thr, t.weight);
                let e = Arc::new(e);
                self.remember(key.to_string(), e.clone());
                return Some(e);
            }
        }
        None
    }

    /// Computes the expansion of `t` (module docs).
    fn expand_new(
        &mut self,
        idx: &Index,
        t: &Token,
        unretrieved: f32,
        thr: f32,
    ) -> Result<Arc<Expansion>> {
        // term id → reached by an exact spelling
        let mut out: FastMap<u32, bool> = FastMap::default();
        let mut checked: HashSet<u32, BuildHasherDefault<FxHasher>> = HashSet::default();
        // A spelling's deletion neighbours not yet reached, and their texts.
        let mut found: Vec<u32> = Vec::new();
        let mut texts: Vec<&[u8]> = Vec::new();
        fn offer(out: &mut FastMap<u32, bool>, tid: u32, exact: bool) {
            let e = out.entry(tid).or_insert(exact);
            *e |= exact;
        }
        for s in t.spellings() {
            if let Some(tid) = idx.term_id(s) {
                offer(&mut out, tid, true);
            }
            if t.role == Role::LegalForm {
                continue;
            }
            for v in vowel_swap_keys(s) {
                for tid in idx.key_list(key::VOWEL_SWAP, &v)?.iter() {
                    offer(&mut out, tid, false);
                }
            }
            // The deletion neighbourhood (the spelling itself included, so
            // a 3-letter token still finds 4-letter terms one insertion
            // away).
            // Each term is checked once per spelling (a term shares many
            // deletion keys with a near spelling).
            let q_budget = edit_budget(s.chars().count());
            let pattern = osa::Pattern::new(s.as_bytes());
            checked.clear();
            found.clear();
            idx.for_each_deletion_term(s, deletion_budget(s), &mut |tid| {
                if !out.contains_key(&tid) && checked.insert(tid) {
                    found.push(tid);
                }
            });
            // Their texts' places first, then their bytes, then the checks:
            // independent reads the memory system serves together.
            texts.clear();
            for &tid in &found {
                texts.push(idx.term_bytes(tid)?);
            }
            let touched = texts
                .iter()
                .fold(0u8, |a, t| a.wrapping_add(t.first().copied().unwrap_or(0)));
            std::hint::black_box(touched);
            for (&tid, text) in found.iter().zip(&texts) {
                let b = q_budget.max(edit_budget(text.len()));
                if b > 0 && pattern.within(text, b) {
                    out.insert(tid, false);
                }
            }
        }
        // The token's phonetic code, computed here when the analysis left
        // it for later (`analyze_deferred`).
        let code;
        let phonetic: &str = if t.phonetic.is_empty() {
            code = crate::analysis::keys::phonetic(&t.text);
            &code
        } else {
            &t.phonetic
        };
        // The other spellings' skeletons, once for every term bounded.
        let alt_skeletons: Vec<String> = t
            .alts
            .iter()
            .map(|a| crate::analysis::keys::skeleton(a))
            .collect();
        let view = TokenView {
            phonetic,
            alt_skeletons: Some(&alt_skeletons),
            ..TokenView::of(t)
        };
        if t.role != Role::LegalForm {
            let sk = t.skeleton.as_bytes();
            if sk.len() >= 3 || (t.transliterated && sk.len() == 2) {
                for tid in idx.key_list(key::SKELETON, sk)?.iter() {
                    offer(&mut out, tid, false);
                }
            } else if sk.len() == 2 {
                for tid in idx.key_list(key::SHORT_SKELETON, sk)?.iter() {
                    offer(&mut out, tid, false);
                }
            }
            // A vowel-less spelling of one consonant (the scorer's
            // one-consonant rule), primary or other.
            // And Latin terms with the article glued on, on the rest
            // (the scorer's article rule: الصيد `sid` / ELSSEID).
            if t.abjad {
                for a in std::iter::once(&t.text).chain(&t.alts) {
                    let ask = crate::analysis::keys::skeleton(a);
                    if ask.len() >= 2 {
                        for tid in idx.key_list(key::ARTICLE_SKELETON, ask.as_bytes())?.iter() {
                            offer(&mut out, tid, false);
                        }
                    } else if ask.len() == 1 && a.len() <= crate::score::ONE_CONSONANT_LONGEST - 2 {
                        if let Some(oc) = crate::score::one_consonant_key(a) {
                            for tid in idx.key_list(key::ONE_CONSONANT, &oc)?.iter() {
                                offer(&mut out, tid, false);
                            }
                        }
                    }
                }
            }
            // The other spellings' skeletons (the scorer lets them meet).
            for a in &t.alts {
                let ask = crate::analysis::keys::skeleton(a);
                if ask != t.skeleton && (ask.len() >= 3 || (t.transliterated && ask.len() == 2)) {
                    for tid in idx.key_list(key::SKELETON, ask.as_bytes())?.iter() {
                        offer(&mut out, tid, false);
                    }
                }
            }
            if phonetic.len() >= 3 && t.text.len() >= 4 {
                for tid in idx.key_list(key::PHONETIC, phonetic.as_bytes())?.iter() {
                    offer(&mut out, tid, false);
                }
            }
        }
        let heaviest = idx.per_term(term_max_weights);
        // Every term's record first, then a byte of each string, then the
        // bounds: independent reads the memory system serves together.
        let mut recs = Vec::with_capacity(out.len());
        for (tid, exact) in out {
            let (raw, postings) = idx.term_raw(tid)?;
            let (w, kinds) = heaviest
                .get(tid as usize)
                .copied()
                .unwrap_or((1.0, spelled_by::ANY));
            recs.push((tid, exact, raw, postings, w, kinds));
        }
        let touched = recs.iter().fold(0u8, |a, r| {
            r.2.iter()
                .fold(a, |a, s| a.wrapping_add(s.first().copied().unwrap_or(0)))
        });
        std::hint::black_box(touched);
        let mut v: Vec<Reach> = Vec::with_capacity(recs.len());
        for (tid, exact, [text, skeleton, phonetic], postings, w, kinds) in recs {
            let sim = if exact {
                1.0
            } else {
                // At least what any list token of that spelling scores.
                let (text, skeleton, phonetic) =
                    (idx.utf8(text)?, idx.utf8(skeleton)?, idx.utf8(phonetic)?);
                similarity_bound_for(view, text, skeleton, phonetic, kinds)
            };
            // A term no more alike than the unretrieved bound adds nothing.
            if sim > unretrieved {
                v.push(Reach {
                    tid,
                    sim,
                    listed: w.max(MAX_ROLE_WEIGHT),
                    postings,
                });
            }
        }
        v.sort_unstable_by_key(|x| x.tid);
        let mut glued: Vec<u32> = Vec::new();
        if t.role != Role::LegalForm {
            for s in t.spellings() {
                glued.extend(idx.key_list(key::GLUED, s.as_bytes())?.iter());
            }
            if t.skeleton.len() >= 5 {
                glued.extend(
                    idx.key_list(key::GLUED_SKELETON, t.skeleton.as_bytes())?
                        .iter(),
                );
            }
        }
        let postings = v.iter().map(|r| r.postings.len()).sum();
        let mut e = Expansion {
            reaches: v,
            glued,
            postings,
            ranked: Vec::new(),
            ranked_for: (f32::NAN, f32::NAN),
        };
        rank(&mut e, thr, t.weight);
        let v = Arc::new(e);
        self.stats.terms += v.reaches.len();
        self.stats.expansions += 1;
        Ok(v)
    }

    /// Caches an expansion (in the shared cache where there is one).
    fn remember(&mut self, key: String, e: Arc<Expansion>) {
        match &self.shared {
            Some(sh) => sh.put(key, e),
            None => {
                if self.cache.len() >= EXPANSION_CACHE {
                    self.cache.clear();
                }
                self.cache.insert(key, e);
            }
        }
    }

    /// Screens one query (see the module docs). A name over
    /// [`MAX_NAME_BYTES`] is an error, not a query.
    pub fn screen(&mut self, q: &Query, opts: &Options) -> Result<Vec<Hit>> {
        self.stats = Stats::default();
        if q.name.len() > MAX_NAME_BYTES {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "the name is {} bytes; the most screened is {MAX_NAME_BYTES} (is this a name?)",
                    q.name.len()
                ),
            ));
        }
        // Phonetic codes wait until a token is expanded or a name scored.
        let mut a = analyze_deferred(&q.name);
        // One handle for the whole query (for a shared index, one reference
        // count update per query, not per lookup).
        let handle = self.index.clone();
        let idx: &Index = &handle;
        let thr = opts.threshold;
        let prune = thr > 0.0;
        let n = a.tokens.len().min(MAX_MASK_TOKENS);
        let w_all: f32 = a.tokens.iter().map(|t| t.weight).sum();

        // Per query token: its reaches and its bound contributions.
        let lightest = {
            let h = idx.per_term(term_max_weights);
            h.last().map_or(0.0, |x| x.0)
        };
        let mut prep: Vec<Prepared> = Vec::with_capacity(n);
        for t in a.tokens.iter().take(n) {
            let u = unretrieved(t);
            let exp = self.expand(idx, t, u, thr)?;
            let w = t.weight;
            let mut matched = exp.ranked.first().map_or(0.0, |x| x.0);
            // The pair's term u·w + w_l·(u − T) is largest at the
            // heaviest list token when u ≥ T, else at the lightest.
            let lo = if u >= thr { 1.0 } else { lightest };
            let missed = (u * w + (u - thr) * lo).max(0.0);
            // Glued list tokens that this token may be (exact or on a
            // long skeleton): reached names bypass the per-name bound.
            if !exp.glued.is_empty() {
                matched = matched.max(w + (1.0 - thr).max(0.0));
            }
            prep.push(Prepared {
                exp,
                unretrieved: u,
                matched: matched.max(missed),
                missed,
            });
        }
        // Adjacent query tokens that some list token writes as one (exact
        // or on a long skeleton): their names bypass the per-name bound too,
        // and the query's weight may shrink by the lighter of the two.
        let mut glue_names: Vec<(u32, u64)> = Vec::new();
        let mut glue_pairs: Vec<GluePair> = Vec::new();
        let mut glue_slack = 0.0f32;
        for i in 0..n.saturating_sub(1) {
            let (x, y) = (&a.tokens[i], &a.tokens[i + 1]);
            if x.role == Role::LegalForm || y.role == Role::LegalForm {
                continue;
            }
            let bits = (1u64 << i) | (1u64 << (i + 1));
            let before = glue_names.len();
            let names = self.glued_pair(x, y)?;
            glue_names.extend(names.iter().map(|&nid| (nid, bits)));
            if glue_names.len() > before {
                glue_slack += x.weight.min(y.weight);
                let token = glued_token(x, y);
                glue_pairs.push(GluePair {
                    at: i,
                    concat: idx.term_id(&token.text),
                    parts: [idx.term_id(&x.text), idx.term_id(&y.text)],
                    skeleton: if x.skeleton.is_empty() || y.skeleton.is_empty() {
                        String::new()
                    } else {
                        token.skeleton.clone()
                    },
                    token,
                    exp: None,
                    chains: 0,
                });
            }
        }
        // Runs of three or more from a glue pair that the scorer may glue
        // on (`score::glue` glues a glued pair with the next token too).
        for p in glue_pairs.iter_mut() {
            let mut text = p.token.text.clone();
            for end in p.at + 3..=n {
                let t = &a.tokens[end - 1];
                if t.role == Role::LegalForm {
                    break;
                }
                text.push_str(&t.text);
                let sk = crate::analysis::keys::skeleton(&text);
                let probe = idx.probe();
                if (probe.may_be_term(text.as_bytes()) && idx.term_id(&text).is_some())
                    || (sk.len() >= 5
                        && probe.may_be_skeleton(sk.as_bytes())
                        && !idx.key_list(key::SKELETON, sk.as_bytes())?.is_empty())
                {
                    p.chains |= 1u64 << end;
                }
            }
        }
        // A glued pair (or run) pairs as one token of its heaviest part's
        // weight, at most w + (1 − T) in N − T·D: each of its tokens may
        // add that much, whatever the parts reach on their own.
        for p in &glue_pairs {
            let last = (p.at + 2..=n)
                .filter(|&e| e == p.at + 2 || p.chains & (1u64 << e) != 0)
                .max()
                .unwrap_or(p.at + 2);
            for i in p.at..last {
                if let (Some(pr), Some(t)) = (prep.get_mut(i), a.tokens.get(i)) {
                    pr.matched = pr.matched.max(t.weight + (1.0 - thr).max(0.0));
                }
            }
        }
        // Names reached by a glue the per-name bound does not model skip
        // that bound; the glued tokens count as matched at their best, and
        // the query's weight shrinks as the scorer's gluing shrinks it.
        let mut unbounded_names: Vec<(u32, u64)> = Vec::new();
        // Pairs glued through other spellings of their tokens (وهاب زاده
        // `whab zadh` as `whab zadeh` / VAHABZADEH: `score::respelled_glue`).
        for i in 0..n.saturating_sub(1) {
            let (x, y) = (&a.tokens[i], &a.tokens[i + 1]);
            if x.role == Role::LegalForm || y.role == Role::LegalForm {
                continue;
            }
            if x.alts.is_empty() && y.alts.is_empty() {
                continue;
            }
            let mut found = false;
            for (ix, sx) in std::iter::once(&x.text).chain(&x.alts).enumerate() {
                for (iy, sy) in std::iter::once(&y.text).chain(&y.alts).enumerate() {
                    if ix == 0 && iy == 0 {
                        continue;
                    }
                    let names = self.glued_pair(
                        &crate::score::respelled(x, sx),
                        &crate::score::respelled(y, sy),
                    )?;
                    let bits = (1u64 << i) | (1u64 << (i + 1));
                    found |= !names.is_empty();
                    for nid in names {
                        glue_names.push((nid, bits));
                        unbounded_names.push((nid, bits));
                    }
                }
            }
            if found {
                glue_slack += x.weight.min(y.weight);
                for (pr, t) in prep[i..i + 2].iter_mut().zip([x, y]) {
                    pr.matched = pr.matched.max(t.weight + (1.0 - thr).max(0.0));
                }
            }
        }
        // A particle between two words glued with both, the third in any
        // of its spellings (ابو الفضل `abu al fzl` / ABUALFAZL:
        // `score::glues_at`).
        for i in 0..n.saturating_sub(2) {
            let (x, y, z) = (&a.tokens[i], &a.tokens[i + 1], &a.tokens[i + 2]);
            if y.role != Role::Particle
                || matches!(x.role, Role::LegalForm | Role::Initial)
                || matches!(z.role, Role::LegalForm | Role::Initial)
            {
                continue;
            }
            let xy = glued_token(x, y);
            let mut names = self.glued_pair(&xy, z)?;
            for s in &z.alts {
                names.extend(self.glued_pair(&xy, &crate::score::respelled(z, s))?);
            }
            if names.is_empty() {
                continue;
            }
            let bits = (1u64 << i) | (1u64 << (i + 1)) | (1u64 << (i + 2));
            for nid in names {
                glue_names.push((nid, bits));
                unbounded_names.push((nid, bits));
            }
            let run = [x, y, z];
            let heaviest = run.iter().map(|t| t.weight).fold(0.0f32, f32::max);
            glue_slack += run.iter().map(|t| t.weight).sum::<f32>() - heaviest;
            for (pr, t) in prep[i..i + 3].iter_mut().zip(run) {
                pr.matched = pr.matched.max(t.weight + (1.0 - thr).max(0.0));
            }
        }
        // Runs of three to five Han or Hangul syllables spelled as one
        // index term (阿不都 `a bu du` / ABUDU: `score::syllable_run`).
        for i in 0..n {
            if !a.tokens[i].syllabic {
                continue;
            }
            for end in (i + 3..=n.min(i + 5)).rev() {
                let run = &a.tokens[i..end];
                if !run.iter().all(|t| t.syllabic) {
                    continue;
                }
                let text: String = run.iter().map(|t| t.text.as_str()).collect();
                if !idx.probe().may_be_term(text.as_bytes()) {
                    continue;
                }
                let Some(tid) = idx.term_id(&text) else {
                    continue;
                };
                let bits = (i..end).fold(0u64, |m, j| m | (1u64 << j));
                for nid in idx.postings(tid)?.iter() {
                    glue_names.push((nid, bits));
                    unbounded_names.push((nid, bits));
                }
                let heaviest = run.iter().map(|t| t.weight).fold(0.0f32, f32::max);
                glue_slack += run.iter().map(|t| t.weight).sum::<f32>() - heaviest;
                for (pr, t) in prep[i..end].iter_mut().zip(run) {
                    pr.matched = pr.matched.max(t.weight + (1.0 - thr).max(0.0));
                }
            }
        }
        // Tokens past the mask width count as matched at their best.
        let beyond: f32 = a
            .tokens
            .iter()
            .skip(n)
            .map(|t| t.weight + (1.0 - thr).max(0.0))
            .sum();
        // What a name's bound must reach: with the query's weight shrunk by
        // every glue pair for the names a glue may apply to (`direct`), as
        // it is for the others.
        let need = thr * (w_all - glue_slack).max(0.0) - BOUND_SLACK;
        let need_full = thr * w_all - BOUND_SLACK;
        // Names a glued spelling reached (and identifier matches, below)
        // go to the scorer whatever the per-name bound says.
        let mut direct: FastMap<u32, u64> = FastMap::default();
        // Of those, the ones that skip the per-name bound whatever happens:
        // a glued list pair reached them, or an identifier. Names only a
        // glued query pair reached are checked one by one (`query_glues`).
        let mut bypass: FastMap<u32, ()> = FastMap::default();
        for (i, p) in prep.iter().enumerate() {
            for &nid in &p.exp.glued {
                *direct.entry(nid).or_insert(0) |= 1u64 << i;
                bypass.insert(nid, ());
            }
        }
        for &(nid, bits) in &glue_names {
            *direct.entry(nid).or_insert(0) |= bits;
        }
        // Per name, the query tokens a glue the per-name bound does not
        // model may join (they count at their best there).
        let mut free: FastMap<u32, u64> = FastMap::default();
        for &(nid, bits) in &unbounded_names {
            *free.entry(nid).or_insert(0) |= bits;
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
                        direct.entry(er.first_name + k).or_insert(0);
                        bypass.insert(er.first_name + k, ());
                    }
                }
            }
        }
        // Walk postings, most decisive tokens first; once a name matching
        // none of the tokens walked so far could not reach the threshold,
        // postings only mark names already found.
        //
        // A token is necessary when a name it does not reach cannot reach
        // the threshold even with every other token at its best: the first
        // necessary token walked decides the candidates (no later token may
        // add any), so of those the one with the fewest postings goes
        // first. The order changes only the work, not the hits.
        let total: f32 = prep.iter().map(|p| p.matched).sum::<f32>() + beyond;
        let necessary: Vec<bool> = prep
            .iter()
            .map(|p| prune && total - (p.matched - p.missed) < need_full)
            .collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&x, &y| {
            let gx = prep[x].matched - prep[x].missed;
            let gy = prep[y].matched - prep[y].missed;
            necessary[y]
                .cmp(&necessary[x])
                .then_with(|| {
                    if necessary[x] && necessary[y] {
                        prep[x].exp.postings.cmp(&prep[y].exp.postings)
                    } else {
                        gy.total_cmp(&gx)
                    }
                })
                .then(x.cmp(&y))
        });
        let mut walk = std::mem::take(&mut self.walk);
        walk.reset(idx.name_count() as usize, n);
        let base: f32 = prep.iter().map(|p| p.missed).sum::<f32>() + beyond;
        for (&nid, &bits) in direct.iter() {
            let g: f32 = prep
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1u64 << i) != 0)
                .map(|(_, p)| p.matched - p.missed)
                .sum();
            walk.reach(nid, PRESENT | bits, g, true);
        }
        let mut rest: f32 = prep.iter().map(|p| p.matched).sum::<f32>() + beyond;
        // Tokens not walked count as matched for every candidate.
        let mut unwalked = 0.0f32;
        // Tokens not walked, by bit (they may pair with any candidate).
        let mut skipped = 0u64;
        for &i in &order {
            // Names found here are not `direct` (those are in already).
            let may_add = !prune || rest >= need_full;
            let bit = 1u64 << i;
            let p = &prep[i];
            if !may_add && p.exp.postings > SKIP_WALK_FACTOR * walk.touched.len() {
                // Marking the few candidates through this token's many
                // postings costs more than bounding each candidate.
                unwalked += p.matched - p.missed;
                rest += p.missed - p.matched;
                skipped |= bit;
                continue;
            }
            for &(c, _, at) in &p.exp.ranked {
                let g = c.max(p.missed) - p.missed;
                // A name this reach finds first can gain no more than `g`
                // from this token and every later token's best: reaches
                // come best first, so once that is short of the threshold
                // the rest of the token's reaches only mark names.
                let add = may_add && (!prune || rest - p.matched + p.missed + g >= need_full);
                let list = idx.postings_at(at)?;
                self.stats.walked += list.len();
                walk.reach_all(list.iter(), bit, g, add);
            }
            rest += p.missed - p.matched;
        }
        self.stats.candidates = walk.touched.len();
        // The walk's bound leaves out what unpaired list tokens cost: a
        // name whose tokens outnumber the query tokens that can pair with
        // them pays at least its cheapest ones. Query tokens that may pair
        // with a name unreached: initials, tokens not walked, and tokens
        // past the mask.
        let costs = idx.per_name(name_costs);
        let beyond_n = (a.tokens.len() - n) as u32;
        let mut initials = 0u64;
        for (i, t) in a.tokens.iter().take(n).enumerate() {
            if t.role == Role::Initial {
                initials |= 1u64 << i;
            }
        }

        // (priority, name): names that may reach the threshold, best
        // evidence first.
        let mut scored: Vec<(f32, u32)> = Vec::new();
        // (Most queries have no glue or identifier: skip the map probes.)
        let (any_bypass, any_direct) = (!bypass.is_empty(), !direct.is_empty());
        for &nid in &walk.touched {
            let bound = base + unwalked + walk.gain.get(nid as usize).copied().unwrap_or(0.0);
            if any_bypass && bypass.contains_key(&nid) {
                let by_id = !id_entities.is_empty() && self.is_id_name(nid, &id_entities);
                if prune && !by_id && bound < need {
                    continue;
                }
                scored.push((f32::INFINITY, nid));
                continue;
            }
            let is_direct = any_direct && direct.contains_key(&nid);
            let need = if is_direct { need } else { need_full };
            if prune && bound < need {
                continue;
            }
            if prune && !is_direct {
                let bits = walk.bits(nid);
                let k = (bits | initials | skipped).count_ones() + beyond_n;
                let floor = costs
                    .get(nid as usize)
                    .map_or(0.0, |c| unpaired_floor(c, k));
                if bound - thr * floor < need {
                    continue;
                }
            }
            self.stats.prefiltered += 1;
            let glues = if is_direct {
                self.query_glues(nid, &glue_pairs)?
            } else {
                0
            };
            for p in glue_pairs.iter_mut() {
                if glues & (1u64 << p.at) != 0 && p.exp.is_none() {
                    let u = unretrieved(&p.token);
                    p.exp = Some(self.expand_with(idx, &p.token, u, thr, false)?);
                }
            }
            let free_bits = if is_direct {
                free.get(&nid).copied().unwrap_or(0)
            } else {
                0
            };
            let (lhs, rhs, est) = self.name_bound(
                nid,
                &a.tokens,
                &prep,
                w_all,
                thr,
                (glues, free_bits),
                &glue_pairs,
            )?;
            if prune && lhs + BOUND_SLACK < rhs {
                continue;
            }
            scored.push((est, nid));
        }
        self.walk = walk;
        if scored.len() > MAX_CANDIDATES {
            scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            scored.truncate(MAX_CANDIDATES);
            self.stats.capped = true;
        }
        self.stats.scored = scored.len();
        // Score names; best per entity.
        if !scored.is_empty() {
            a.fill_phonetics();
        }
        let mut best: FastMap<u32, (f32, u32, crate::score::Comparison)> = FastMap::default();
        for (_, nid) in scored {
            let nr = idx.name(nid)?;
            let tokens = memo(&mut self.names, NAME_CACHE, nid, || idx.name_tokens(&nr))?;
            let cmp = compare_tokens(&a.tokens, &tokens);
            let mut s = cmp.score;
            if nr.strength == NameStrength::WeakAka {
                s *= WEAK_ALIAS_FACTOR;
            }
            // Equal scores: the lowest name id, whatever order the
            // candidates came in.
            match best.get(&nr.entity) {
                Some((b, bn, _)) if *b > s || (*b == s && *bn < nid) => {}
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
            let record = memo(&mut self.records, RECORD_CACHE, ent, || idx.hit_facts(&er))?;
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
                primary_name: record.primary_name.clone(),
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

    /// The names with a token that the two query tokens glued may be
    /// (the glued spelling, or its skeleton of 5 letters or more). Not
    /// memoised: first and last names rarely repeat as a pair.
    fn glued_pair(&self, x: &Token, y: &Token) -> Result<Vec<u32>> {
        let has_consonants = !x.skeleton.is_empty() && !y.skeleton.is_empty();
        let (x, y) = (x.text.as_str(), y.text.as_str());
        let idx: &Index = &self.index;
        let probe = idx.probe();
        let mut names: Vec<u32> = Vec::new();
        // The glued spelling is looked up only when the probe may hold it
        // (most pairs glue to nothing: no allocation for them).
        let mut glued = [0u8; 64];
        let n = x.len() + y.len();
        let may_be_term = if n <= glued.len() {
            glued[..x.len()].copy_from_slice(x.as_bytes());
            glued[x.len()..n].copy_from_slice(y.as_bytes());
            probe.may_be_term(&glued[..n])
        } else {
            true
        };
        if may_be_term {
            if let Some(tid) = idx.term_id(&format!("{x}{y}")) {
                names.extend(idx.postings(tid)?.iter());
            }
        }
        // (The scorer's skeleton glue wants consonants from both parts.)
        let sk = crate::analysis::keys::skeleton_of(&[x, y]);
        if has_consonants && sk.len() >= 5 && probe.may_be_skeleton(sk.as_bytes()) {
            for tid in idx.key_list(key::SKELETON, sk.as_bytes())?.iter() {
                names.extend(idx.postings(tid)?.iter());
            }
        }
        Ok(names)
    }

    /// The glue pairs the scorer may glue against name `nid` (the rule of
    /// `score::glues_at`, on term ids: a list token spelled as the two
    /// glued, or one with their long skeleton when no list token is spelled
    /// as either part), as a mask of each pair's first token.
    fn query_glues(&self, nid: u32, pairs: &[GluePair]) -> Result<u64> {
        let idx: &Index = &self.index;
        let nr = idx.name_shape(nid)?;
        let mut mask = 0u64;
        for p in pairs {
            let (mut concat, mut part, mut skeleton) = (false, false, false);
            for j in 0..nr.token_count() {
                let t = idx.token_ref(&nr, j)?;
                for tid in std::iter::once(t.term).chain(t.alts.iter()) {
                    concat |= p.concat == Some(tid);
                    part |= p.parts.contains(&Some(tid));
                }
                if p.skeleton.len() >= 5 && !skeleton {
                    skeleton = idx.term_skeleton_bytes(t.term)? == p.skeleton.as_bytes();
                }
            }
            if concat || (skeleton && !part) {
                mask |= 1u64 << p.at;
            }
        }
        Ok(mask)
    }

    /// Whether a term is a patronymic (memoised per term id).
    fn patronymic(&self, tid: u32) -> Result<bool> {
        let mut memo = self.patronymics.borrow_mut();
        if memo.len() != self.index.term_count() as usize {
            *memo = vec![0; self.index.term_count() as usize];
        }
        match memo.get(tid as usize).copied() {
            Some(1) => Ok(false),
            Some(2) => Ok(true),
            Some(_) => {
                let p = is_patronymic_bytes(self.index.term_bytes(tid)?);
                memo[tid as usize] = if p { 2 } else { 1 };
                Ok(p)
            }
            None => Ok(is_patronymic_bytes(self.index.term_bytes(tid)?)),
        }
    }

    /// The per-name bound (module docs): `(lhs, rhs, estimate)`; the name
    /// can reach `thr` only if `lhs ≥ rhs`; the estimate (an upper bound of
    /// the score before the matching rule) ranks names under the hard cap.
    ///
    /// `glues` marks the query tokens that may start a glued group against
    /// this name (bit i: tokens i and i + 1, see [`Self::query_glues`]).
    /// A group glued into one token weighs as its heaviest part and pairs
    /// with at most one list token. A glued pair is bounded like a query
    /// token, through its own expansion; a longer run from a marked token
    /// (the scorer may glue a glued pair on with the next token, when some
    /// index term is spelled as the run or has its long skeleton) at
    /// similarity 1 with the best list token. The bound takes the best of
    /// gluing or not over every such grouping (a small dynamic programme
    /// over the query tokens).
    #[allow(clippy::too_many_arguments)]
    fn name_bound(
        &self,
        nid: u32,
        q: &[Token],
        prep: &[Prepared],
        w_all: f32,
        thr: f32,
        (glues, free): (u64, u64),
        pairs: &[GluePair],
    ) -> Result<(f32, f32, f32)> {
        const MAX_LISTED: usize = 32;
        let idx: &Index = &self.index;
        let nr = idx.name_shape(nid)?;
        let m = nr.token_count() as usize;
        if m > MAX_LISTED {
            return Ok((f32::INFINITY, 0.0, f32::INFINITY));
        }
        let mut toks: [(f32, f32, TokenRef<'_>); MAX_LISTED] =
            [(0.0, 0.0, TokenRef::default()); MAX_LISTED];
        let mut cost = 0.0f32;
        for (j, slot) in toks.iter_mut().enumerate().take(m) {
            let t = idx.token_ref(&nr, j as u16)?;
            let c = if self.patronymic(t.term)? {
                PATRONYMIC_COST
            } else {
                LEAST_UNMATCHED_LISTED_COST
            };
            cost += c * t.weight;
            *slot = (t.weight, c, t);
        }
        // M: the most one list token adds to a pair at similarity 1.
        let mut most = 0.0f32;
        let mut heaviest = 0.0f32;
        for &(w, c, _) in toks.iter().take(m) {
            most = most.max(w * (1.0 - thr * (1.0 - c)));
            heaviest = heaviest.max(w);
        }
        let mut lhs = 0.0f32;
        let mut est = 0.0f32;
        // Per query token: its share of N − T·D alone (for the glue DP).
        let mut alone = [0.0f32; MAX_MASK_TOKENS];
        for (i, qt) in q.iter().enumerate() {
            let p = prep.get(i);
            let mut best = 0.0f32;
            let mut best_est = 0.0f32;
            for &(w, c, t) in toks.iter().take(m) {
                let s = match p {
                    None => 1.0,
                    Some(p) => {
                        let look = |tid: u32| {
                            p.exp
                                .reaches
                                .binary_search_by_key(&tid, |r| r.tid)
                                .map(|k| p.exp.reaches[k].sim)
                                .unwrap_or(0.0)
                        };
                        // Unretrieved pairs meet only through an initial.
                        let floor = if qt.role == Role::Initial || t.role == Role::Initial {
                            p.unretrieved
                        } else {
                            0.0
                        };
                        let mut s = floor.max(look(t.term));
                        for alt in t.alts.iter() {
                            s = s.max(look(alt));
                        }
                        s
                    }
                };
                best = best.max(s * (qt.weight + w) - thr * (1.0 - c) * w);
                best_est = best_est.max(s * (qt.weight + w));
            }
            // A token a glue the bound does not model may join pairs with
            // some list token at similarity 1 at most.
            if i < 64 && free & (1u64 << i) != 0 {
                best = best.max(qt.weight + most);
                best_est = best_est.max(qt.weight + heaviest);
            }
            lhs += best;
            est += best_est;
            if let Some(x) = alone.get_mut(i) {
                *x = best - thr * qt.weight;
            }
        }
        let den = w_all + cost;
        if glues != 0 {
            // A glued pair's share, through its expansion.
            let pair_share = |p: &GluePair| -> f32 {
                let wg = p.token.weight;
                let Some(exp) = &p.exp else {
                    return wg * (1.0 - thr) + most;
                };
                let u = unretrieved(&p.token);
                let look = |tid: u32| {
                    exp.reaches
                        .binary_search_by_key(&tid, |r| r.tid)
                        .map(|k| exp.reaches[k].sim)
                        .unwrap_or(0.0)
                };
                let mut best = 0.0f32;
                for &(w, c, t) in toks.iter().take(m) {
                    let floor = if t.role == Role::Initial { u } else { 0.0 };
                    let mut s = floor.max(look(t.term));
                    for alt in t.alts.iter() {
                        s = s.max(look(alt));
                    }
                    best = best.max(s * (wg + w) - thr * (1.0 - c) * w);
                }
                best - thr * wg
            };
            // f[i]: the best total share of tokens before i.
            let n = q.len().min(MAX_MASK_TOKENS);
            let mut f = [0.0f32; MAX_MASK_TOKENS + 1];
            for i in 0..n {
                f[i + 1] = f[i] + alone[i];
            }
            // Tokens past the mask never glue; recompute with groups.
            let mut g = [0.0f32; MAX_MASK_TOKENS + 1];
            for end in 1..=n {
                let mut b = g[end - 1] + alone[end - 1];
                let mut w_max = q[end - 1].weight;
                for start in (0..end - 1).rev() {
                    w_max = w_max.max(q[start].weight);
                    if glues & (1u64 << start) != 0 {
                        let p = pairs.iter().find(|p| p.at == start);
                        let share = match p {
                            Some(p) if start + 2 == end => Some(pair_share(p)),
                            Some(p) if p.chains & (1u64 << end) != 0 => {
                                Some(w_max * (1.0 - thr) + most)
                            }
                            Some(_) => None,
                            None => Some(w_max * (1.0 - thr) + most),
                        };
                        if let Some(share) = share {
                            b = b.max(g[start] + share);
                        }
                    }
                }
                g[end] = b;
            }
            let gain = g[n] - f[n];
            if gain > 0.0 {
                lhs += gain;
                est += gain;
            }
        }
        Ok((lhs, thr * den, est / den.max(f32::EPSILON)))
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
