//! A saved customer index: the customer file analysed once, so that a
//! rescreen looks the delta's few entities up in the customers instead of
//! screening every customer again (`embargo customers index`, then
//! `embargo rescreen --customers DIR`).
//!
//! ## Why the probe is exact
//!
//! A rescreen's answer for a customer is, by definition, what the
//! [`Searcher`] finds for it in the index of the delta's entities
//! ([`DeltaIndex`]). The searcher can only score a listed name that its
//! candidate stage reached, and that stage reaches names only through
//! shared keys (see `src/search/mod.rs`): a query token's spellings
//! (exact), their deletion neighbourhoods (checked by edit distance),
//! 3-letter vowel swaps, consonant skeletons (the two-letter ones too),
//! Double Metaphone codes, glued list pairs (`g`/`G` keys), two adjacent
//! query tokens glued (the concatenation as a term, its skeleton as a
//! skeleton key), and identifiers. A reached term adds a name only when
//! the token is more alike it than the unretrieved bound (0.5).
//!
//! The customer index stores, for every distinct analysed customer token,
//! every key the searcher would look up for it (the same key-type bytes
//! as the index's `keys.fst`), and for every customer its glued adjacent
//! pairs and identifiers. A rescreen walks the delta index's own keys and
//! terms (a few thousand) and looks each up here, which gives the
//! customer tokens that reach some delta term (with the searcher's
//! edit-distance and similarity checks). A customer none of whose tokens,
//! glued pairs or identifiers meets the delta gets no candidate in the
//! searcher, hence no hit.
//!
//! Of the customers reached, most meet the delta only through a common
//! token ("ali", "trading"). A second, exact test drops those that cannot
//! score the threshold T against any delta name, from the scorer's own
//! arithmetic (`src/score`): a score is N/D with N = Σ over paired tokens
//! s·(w_q + w_l) and D = every query token's weight plus paired list
//! tokens' weights plus unpaired list tokens' (discounted) weights, so
//! N − T·D ≤ Σ over query tokens i of f_i, where f_i is −T·w_i if i stays
//! unpaired, (s − T)·(w_i + w_l) ≤ (s − T)·(w_i + L) if it pairs with
//! s > T, and (s − T)·w_i if s ≤ T. With s bounded per reached term by
//! the similarity to the term as a plain transliterated word (what the
//! searcher uses too), L the heaviest delta list token of that spelling,
//! and s ≤ 0.5 for any pair the keys do not retrieve (an initial), a
//! customer whose Σ_i max f_i is below 0 cannot reach T (above T = 0.5;
//! at lower thresholds every reached customer is screened). The scorer's
//! gluing changes the tokens, so customers where gluing is possible (a
//! glued pair or a glued list pair meets the delta) are screened
//! whatever the bound, and so are customers whose identifier meets the
//! delta (an identifier makes a hit at any name score).
//!
//! The remaining customers are screened with the normal [`Searcher`]
//! against the delta index — the same code, so the same hits, scores and
//! explanations — and every other customer's "no change" line is copied
//! from the index as stored. The probe only ever widens what the
//! searcher would look up (all tokens, not the first 63; every spelling
//! checked against every deletion key), so it may screen a customer for
//! nothing, never skip one that has a hit. `tests/delta.rs` checks the
//! result against full screens of real list pairs (at 0.85, 0.8 and 0.6),
//! line for line against screening every customer against the delta, and
//! `benches/rescreen.rs` checks the same over a million customers.
//!
//! **Keep in step with the matcher and the scorer**: a new retrieval path
//! in `Searcher::screen` must be added to [`token_keys`] / [`pair_keys`]
//! (and [`FORMAT_VERSION`] bumped), and a change to the score's N/D form,
//! to the unretrieved bound (0.5) or to the gluing rule must be reflected
//! in the probe's bound, or the probe could skip a customer with a hit.
//!
//! ## Format (version [`FORMAT_VERSION`])
//!
//! A folder, written under a temporary name and renamed into place, never
//! rewritten:
//!
//! | file | what |
//! |---|---|
//! | `manifest.json` | written last: format, engine, analysis and index-key versions, the input file (path, bytes, sha256), counts, and the sha256 and size of every other file |
//! | `keys.fst` | FST: typed key → packed (offset, len) of a u32 list in `KEYLISTS`. Token keys (list of token ids): `x` a spelling (exact term), and the index's own key types looked up for a token — `d` deletion neighbour, `v` vowel swap, `s` skeleton, `t` two-letter skeleton, `p` Double Metaphone code, `g` a spelling a glued list pair may be, `G` a skeleton of 5 letters or more a glued list pair may have. Customer keys (list of customer numbers): `X` two adjacent tokens glued (an exact term), `S` their skeleton (5 letters or more; a term skeleton), `i` a normalised identifier form |
//! | `tables.bin` | magic `EMBGCUS1`, format version (u32), section count (u32), then one 24-byte entry per section — kind (u32), reserved (u32), offset (u64), length (u64) — then the sections below |
//!
//! | kind | section | layout |
//! |---|---|---|
//! | 1 | `CUSTOMERS` | per customer (input order), 32 bytes: record (off u64 in `RECORDS`, len u32), "no change" line (off u64 in `LINES`, len u32), analysed tokens (off u32 in `TOKEN_LISTS`, count u32) |
//! | 2 | `RECORDS` | per customer, JSON: line, id, and the query (name, kind, dob, country, ids) or the error, warnings |
//! | 3 | `LINES` | per customer, the output line a rescreen writes when nothing changed for it, `\n` included; in input order, so the section is the whole output of an empty delta |
//! | 4 | `TOKENS` | per distinct token, 24 bytes: token JSON (off u32, len u32 in `TOKEN_BYTES`), postings (off u32, count u32 in `POSTINGS`), weight f32, role u8 (0 word, 1 initial, 2 title, 3 particle, 4 legal form), 3 reserved bytes |
//! | 5 | `TOKEN_BYTES` | per token, JSON: text, alts, role, skeleton, phonetic, transliterated |
//! | 6 | `POSTINGS` | u32 customer numbers, sorted, per token |
//! | 7 | `KEYLISTS` | u32 lists referenced from `keys.fst` |
//! | 8 | `TOKEN_LISTS` | u32 token ids: each customer's analysed name, in order |
//!
//! All integers little-endian; every read is bounds-checked. Opening
//! checks the manifest's versions and the section table; `verify` checks
//! every file's sha256. Any mismatch: rebuild the customer index.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use fst::Streamer;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::customers::{read_customers, Customer};
use super::rescreen::{output_line, par_map, Delta, DeltaIndex};
use crate::analysis::{analyze, keys::skeleton, Role, Token, ANALYSIS_VERSION};
use crate::error::{Error, ErrorKind, Result};
use crate::index::build::{analysis_data_sha256, deletion_budget, deletions};
use crate::index::format::{key, normalize_id, vowel_swap_keys};
use crate::index::mmap::Mapped;
use crate::index::Index;
use crate::model::{Kind, PartialDate};
use crate::score::{dl_distance, edit_budget, similarity_bound, TokenView};
use crate::search::{Options, Query, Searcher};

/// Version of this format. Bump on any change to the files above or to
/// the keys stored.
pub const FORMAT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"EMBGCUS1";
const MANIFEST_FILE: &str = "manifest.json";
const KEYS_FILE: &str = "keys.fst";
const TABLES_FILE: &str = "tables.bin";
const HEADER: usize = 16;
const ENTRY: usize = 24;
const CUSTOMER_SIZE: usize = 32;
const TOKEN_SIZE: usize = 24;

mod section {
    pub const CUSTOMERS: u32 = 1;
    pub const RECORDS: u32 = 2;
    pub const LINES: u32 = 3;
    pub const TOKENS: u32 = 4;
    pub const TOKEN_BYTES: u32 = 5;
    pub const POSTINGS: u32 = 6;
    pub const KEYLISTS: u32 = 7;
    pub const TOKEN_LISTS: u32 = 8;
    pub const ALL: [u32; 8] = [1, 2, 3, 4, 5, 6, 7, 8];
}

/// Private key types (beside the index's own, see [`key`]).
mod ckey {
    /// A token spelling, looked up as an exact term.
    pub const SPELLING: u8 = b'x';
    /// Two adjacent tokens glued, looked up as an exact term.
    pub const PAIR: u8 = b'X';
    /// The skeleton (≥ 5 letters) of two adjacent tokens glued, looked up
    /// as a term skeleton.
    pub const PAIR_SKELETON: u8 = b'S';
}

/// The input file the customer index was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Counts of a customer index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CustomerCounts {
    pub records: u64,
    /// Records that cannot be screened (their error line is stored).
    pub errors: u64,
    pub tokens: u64,
    pub keys: u64,
}

/// One file of the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// `manifest.json` of a customer index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerManifest {
    pub format_version: u32,
    pub engine_version: String,
    pub analysis_version: String,
    pub analysis_data_sha256: String,
    /// The main index format whose key types the stored keys mirror.
    pub index_format_version: u32,
    pub created: String,
    pub input: InputFile,
    pub counts: CustomerCounts,
    pub files: Vec<FileSum>,
}

/// A customer as stored (`RECORDS`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    line: u64,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    dob: Option<PartialDate>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

impl Record {
    fn of(c: &Customer) -> Record {
        let (mut r, q) = (
            Record {
                line: c.line,
                id: c.id.clone(),
                name: None,
                error: None,
                kind: None,
                dob: None,
                country: None,
                ids: Vec::new(),
                warnings: c.warnings.clone(),
            },
            &c.query,
        );
        match q {
            Ok(q) => {
                r.name = Some(q.name.clone());
                r.kind = q.kind;
                r.dob = q.dob;
                r.country = q.country.clone();
                r.ids = q.ids.clone();
            }
            Err(e) => r.error = Some(e.clone()),
        }
        r
    }

    fn into_customer(self) -> Customer {
        let query = match (self.name, self.error) {
            (Some(name), None) => Ok(Query {
                name,
                kind: self.kind,
                dob: self.dob,
                country: self.country,
                ids: self.ids,
            }),
            (_, Some(e)) => Err(e),
            (None, None) => Err("no name".to_string()),
        };
        Customer {
            line: self.line,
            id: self.id,
            query,
            warnings: self.warnings,
        }
    }
}

/// A distinct token as stored (`TOKEN_BYTES`): what the similarity check
/// of the probe needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredToken {
    text: String,
    #[serde(default)]
    alts: Vec<String>,
    role: u8,
    skeleton: String,
    phonetic: String,
    #[serde(default)]
    transliterated: bool,
    #[serde(default)]
    abjad: bool,
    #[serde(default)]
    syllabic: bool,
}

fn role_code(r: Role) -> u8 {
    match r {
        Role::Word => 0,
        Role::Initial => 1,
        Role::Title => 2,
        Role::Particle => 3,
        Role::LegalForm => 4,
    }
}

fn role_of(c: u8) -> Option<Role> {
    Some(match c {
        0 => Role::Word,
        1 => Role::Initial,
        2 => Role::Title,
        3 => Role::Particle,
        4 => Role::LegalForm,
        _ => return None,
    })
}

impl StoredToken {
    fn of(t: &Token) -> StoredToken {
        StoredToken {
            text: t.text.clone(),
            alts: t.alts.clone(),
            role: role_code(t.role),
            skeleton: t.skeleton.clone(),
            phonetic: t.phonetic.clone(),
            transliterated: t.transliterated,
            abjad: t.abjad,
            syllabic: t.syllabic,
        }
    }

    fn spellings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.text.as_str()).chain(self.alts.iter().map(String::as_str))
    }
}

/// Everything a token's expansion depends on (the searcher's cache key).
fn token_identity(t: &Token) -> String {
    let mut k = String::with_capacity(t.text.len() + 8);
    k.push_str(&t.text);
    k.push(char::from(b'0' + role_code(t.role)));
    k.push(match (t.transliterated, t.abjad, t.syllabic) {
        (_, true, _) => 'a',
        (_, false, true) => 's',
        (true, false, false) => 't',
        (false, false, false) => 'l',
    });
    k.push_str(&t.weight.to_bits().to_string());
    for a in &t.alts {
        k.push('\u{1}');
        k.push_str(a);
    }
    k
}

fn typed(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(body.len() + 1);
    k.push(kind);
    k.extend_from_slice(body);
    k
}

/// Every key the searcher looks up for a query token (module docs; the
/// mirror of `Searcher::expand` and of the glued-list lookup).
pub fn token_keys(t: &Token) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let legal = t.role == Role::LegalForm;
    for s in t.spellings() {
        out.push(typed(ckey::SPELLING, s.as_bytes()));
        if legal {
            continue;
        }
        for v in vowel_swap_keys(s) {
            out.push(typed(key::VOWEL_SWAP, &v));
        }
        for d in deletions(s, deletion_budget(s)) {
            out.push(typed(key::DELETION, d.as_bytes()));
        }
    }
    if !legal {
        let sk = t.skeleton.as_bytes();
        if sk.len() >= 3 || (t.transliterated && sk.len() == 2) {
            out.push(typed(key::SKELETON, sk));
        } else if sk.len() == 2 {
            out.push(typed(key::SHORT_SKELETON, sk));
        }
        if t.phonetic.len() >= 3 && t.text.len() >= 4 {
            out.push(typed(key::PHONETIC, t.phonetic.as_bytes()));
        }
        for s in t.spellings() {
            out.push(typed(key::GLUED, s.as_bytes()));
        }
        if t.skeleton.len() >= 5 {
            out.push(typed(key::GLUED_SKELETON, t.skeleton.as_bytes()));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The keys of a customer's glued adjacent pairs and identifiers (the
/// mirror of `Searcher::screen`'s glued-pair and identifier lookups; every
/// pair, not only those within the searcher's first 63 tokens).
pub fn pair_keys(tokens: &[Token], ids: &[String]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for w in tokens.windows(2) {
        if w[0].role == Role::LegalForm || w[1].role == Role::LegalForm {
            continue;
        }
        let glued = format!("{}{}", w[0].text, w[1].text);
        out.push(typed(ckey::PAIR, glued.as_bytes()));
        let sk = skeleton(&glued);
        if sk.len() >= 5 {
            out.push(typed(ckey::PAIR_SKELETON, sk.as_bytes()));
        }
    }
    for v in ids {
        let nv = normalize_id(v);
        if nv.len() < 4 {
            continue;
        }
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
        for f in forms {
            out.push(typed(key::IDENTIFIER, f.as_bytes()));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let n = std::io::copy(&mut f, &mut h).map_err(|e| Error::io(path, e))?;
    Ok((hex(&h.finalize()), n))
}

fn u32_of(n: usize, what: &str) -> Result<u32> {
    u32::try_from(n)
        .map_err(|_| Error::malformed(format!("too many {what} for one customer index (4 GiB)")))
}

fn corrupt(what: impl Into<String>) -> Error {
    Error::malformed(format!(
        "customer index is corrupt: {} — rebuild it with `embargo customers index`",
        what.into()
    ))
}

/// A customer analysed for the index: tokens, pair and identifier keys,
/// stored record, "no change" line.
type Analysed = (Vec<Token>, Vec<Vec<u8>>, Vec<u8>, String);

/// What a build produced.
#[derive(Debug, Clone)]
pub struct CustomerBuild {
    pub dir: PathBuf,
    pub counts: CustomerCounts,
    pub bytes: u64,
    pub seconds: f64,
}

/// Builds the customer index of `input` into `out` (which must not exist)
/// with `threads` analysis workers.
pub fn build_customer_index(input: &Path, out: &Path, threads: usize) -> Result<CustomerBuild> {
    let t0 = Instant::now();
    if out.exists() {
        return Err(Error::new(
            ErrorKind::Usage,
            "the output folder exists: a customer index is never rewritten in place; choose a new folder",
        )
        .in_file(out));
    }
    let (sha256, bytes) = sha256_file(input)?;
    let customers = read_customers(input)?;
    let n = customers.len();
    u32_of(n, "customers")?;

    let mut tok_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut tokens: Vec<StoredToken> = Vec::new();
    let mut postings: Vec<Vec<u32>> = Vec::new();
    let mut token_weights: Vec<f32> = Vec::new();
    let mut keys: FxHashMap<Vec<u8>, Vec<u32>> = FxHashMap::default();
    let mut customers_tbl: Vec<u8> = Vec::with_capacity(n * CUSTOMER_SIZE);
    let mut records: Vec<u8> = Vec::new();
    let mut lines: Vec<u8> = Vec::new();
    let mut token_lists: Vec<u8> = Vec::new();
    let mut errors = 0u64;
    for (chunk_no, chunk) in customers.chunks(1 << 15).enumerate() {
        let base = chunk_no * (1 << 15);
        // Analysis, pair keys and the stored forms in parallel; interning
        // in order.
        let done = par_map(
            chunk,
            threads,
            || (),
            |_, c| -> Result<Analysed> {
                let rec = serde_json::to_vec(&Record::of(c))
                    .map_err(|e| Error::malformed(format!("serialising a customer: {e}")))?;
                let mut line = output_line(c, &Ok(Delta::default()));
                line.push('\n');
                let (toks, pk) = match &c.query {
                    Ok(q) => {
                        let a = analyze(&q.name);
                        let pk = pair_keys(&a.tokens, &q.ids);
                        (a.tokens, pk)
                    }
                    Err(_) => (Vec::new(), Vec::new()),
                };
                Ok((toks, pk, rec, line))
            },
        );
        for (k, (c, r)) in chunk.iter().zip(done).enumerate() {
            let (toks, pk, rec, line) = r?;
            let cn = (base + k) as u32;
            if c.query.is_err() {
                errors += 1;
            }
            customers_tbl.extend_from_slice(&(records.len() as u64).to_le_bytes());
            customers_tbl.extend_from_slice(&u32_of(rec.len(), "record bytes")?.to_le_bytes());
            customers_tbl.extend_from_slice(&(lines.len() as u64).to_le_bytes());
            customers_tbl.extend_from_slice(&u32_of(line.len(), "line bytes")?.to_le_bytes());
            customers_tbl
                .extend_from_slice(&u32_of(token_lists.len() / 4, "token lists")?.to_le_bytes());
            customers_tbl.extend_from_slice(&u32_of(toks.len(), "token lists")?.to_le_bytes());
            records.extend_from_slice(&rec);
            lines.extend_from_slice(line.as_bytes());
            for t in &toks {
                let ident = token_identity(t);
                let tid = match tok_ids.get(&ident) {
                    Some(&i) => i,
                    None => {
                        let i = u32_of(tokens.len(), "tokens")?;
                        tok_ids.insert(ident, i);
                        tokens.push(StoredToken::of(t));
                        token_weights.push(t.weight);
                        postings.push(Vec::new());
                        for k in token_keys(t) {
                            keys.entry(k).or_default().push(i);
                        }
                        i
                    }
                };
                token_lists.extend_from_slice(&tid.to_le_bytes());
                let p = &mut postings[tid as usize];
                if p.last() != Some(&cn) {
                    p.push(cn);
                }
            }
            for k in pk {
                let v = keys.entry(k).or_default();
                if v.last() != Some(&cn) {
                    v.push(cn);
                }
            }
        }
    }
    drop(customers);
    drop(tok_ids);

    // Keys, sorted, into the FST and KEYLISTS.
    let mut entries: Vec<(Vec<u8>, Vec<u32>)> = keys.into_iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut keylists: Vec<u8> = Vec::new();
    let mut fb = fst::MapBuilder::memory();
    for (k, mut ids) in entries.iter_mut().map(|(k, v)| (k, std::mem::take(v))) {
        ids.sort_unstable();
        ids.dedup();
        let off = u32_of(keylists.len() / 4, "key lists")?;
        for i in &ids {
            keylists.extend_from_slice(&i.to_le_bytes());
        }
        fb.insert(
            k.as_slice(),
            crate::index::format::pack(off, u32_of(ids.len(), "key lists")?),
        )
        .map_err(|e| Error::malformed(format!("building the customer key FST: {e}")))?;
    }
    let n_keys = entries.len() as u64;
    drop(entries);
    let fst_bytes = fb
        .into_inner()
        .map_err(|e| Error::malformed(format!("building the customer key FST: {e}")))?;

    let mut tokens_tbl: Vec<u8> = Vec::with_capacity(tokens.len() * TOKEN_SIZE);
    let weights = token_weights;
    let mut token_bytes: Vec<u8> = Vec::new();
    let mut post_bytes: Vec<u8> = Vec::new();
    for ((t, p), w) in tokens.iter().zip(&postings).zip(&weights) {
        let j = serde_json::to_vec(t)
            .map_err(|e| Error::malformed(format!("serialising a token: {e}")))?;
        tokens_tbl.extend_from_slice(&u32_of(token_bytes.len(), "token bytes")?.to_le_bytes());
        tokens_tbl.extend_from_slice(&u32_of(j.len(), "token bytes")?.to_le_bytes());
        tokens_tbl.extend_from_slice(&u32_of(post_bytes.len() / 4, "postings")?.to_le_bytes());
        tokens_tbl.extend_from_slice(&u32_of(p.len(), "postings")?.to_le_bytes());
        tokens_tbl.extend_from_slice(&w.to_le_bytes());
        tokens_tbl.extend_from_slice(&[t.role, 0, 0, 0]);
        token_bytes.extend_from_slice(&j);
        for c in p {
            post_bytes.extend_from_slice(&c.to_le_bytes());
        }
    }

    // Write into a temporary folder, rename into place.
    let tmp = out.with_file_name(format!(
        ".{}.tmp-{}",
        out.file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "customers".into()),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let result = (|| -> Result<u64> {
        let sections: [(u32, &[u8]); 8] = [
            (section::CUSTOMERS, &customers_tbl),
            (section::RECORDS, &records),
            (section::LINES, &lines),
            (section::TOKENS, &tokens_tbl),
            (section::TOKEN_BYTES, &token_bytes),
            (section::POSTINGS, &post_bytes),
            (section::KEYLISTS, &keylists),
            (section::TOKEN_LISTS, &token_lists),
        ];
        write_tables(&tmp.join(TABLES_FILE), &sections)?;
        write_file(&tmp.join(KEYS_FILE), &fst_bytes)?;
        let mut files = Vec::new();
        let mut total = 0;
        for name in [KEYS_FILE, TABLES_FILE] {
            let (sha256, bytes) = sha256_file(&tmp.join(name))?;
            total += bytes;
            files.push(FileSum {
                name: name.to_string(),
                bytes,
                sha256,
            });
        }
        let m = CustomerManifest {
            format_version: FORMAT_VERSION,
            engine_version: env!("CARGO_PKG_VERSION").to_string(),
            analysis_version: ANALYSIS_VERSION.to_string(),
            analysis_data_sha256: analysis_data_sha256(),
            index_format_version: crate::index::format::FORMAT_VERSION,
            created: crate::index::manifest::now_rfc3339(),
            input: InputFile {
                path: input.display().to_string(),
                bytes,
                sha256: sha256.clone(),
            },
            counts: CustomerCounts {
                records: n as u64,
                errors,
                tokens: tokens.len() as u64,
                keys: n_keys,
            },
            files,
        };
        let text = serde_json::to_string_pretty(&m)
            .map_err(|e| Error::malformed(format!("serialising the manifest: {e}")))?;
        write_file(&tmp.join(MANIFEST_FILE), (text + "\n").as_bytes())?;
        Ok(total)
    })();
    let total = match result {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    if let Err(e) = std::fs::rename(&tmp, out) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(Error::io(out, e));
    }
    Ok(CustomerBuild {
        dir: out.to_path_buf(),
        counts: CustomerCounts {
            records: n as u64,
            errors,
            tokens: tokens.len() as u64,
            keys: n_keys,
        },
        bytes: total,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    w.write_all(bytes).map_err(|e| Error::io(path, e))?;
    let f = w
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

fn write_tables(path: &Path, sections: &[(u32, &[u8])]) -> Result<()> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let werr = |e| Error::io(path, e);
    w.write_all(MAGIC).map_err(werr)?;
    w.write_all(&FORMAT_VERSION.to_le_bytes()).map_err(werr)?;
    w.write_all(&(sections.len() as u32).to_le_bytes())
        .map_err(werr)?;
    let mut off = (HEADER + ENTRY * sections.len()) as u64;
    for (kind, bytes) in sections {
        w.write_all(&kind.to_le_bytes()).map_err(werr)?;
        w.write_all(&0u32.to_le_bytes()).map_err(werr)?;
        w.write_all(&off.to_le_bytes()).map_err(werr)?;
        w.write_all(&(bytes.len() as u64).to_le_bytes())
            .map_err(werr)?;
        off += bytes.len() as u64;
    }
    for (_, bytes) in sections {
        w.write_all(bytes).map_err(werr)?;
    }
    let f = w
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// An opened customer index (memory-mapped).
pub struct CustomerIndex {
    dir: PathBuf,
    manifest: CustomerManifest,
    manifest_sha256: String,
    keys: fst::Map<Mapped>,
    tables: Mapped,
    /// (offset, length) of each section, by kind − 1.
    sections: [(usize, usize); 8],
}

impl CustomerIndex {
    /// Opens the customer index in `dir`: checks its versions against this
    /// engine and the structure of its tables (no data is scanned).
    pub fn open(dir: &Path) -> Result<CustomerIndex> {
        let mpath = dir.join(MANIFEST_FILE);
        let mbytes = std::fs::read(&mpath).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::new(
                    ErrorKind::Usage,
                    "not a customer index (no manifest.json): build one with `embargo customers index --input FILE --out DIR`",
                )
                .in_file(dir)
            } else {
                Error::io(&mpath, e)
            }
        })?;
        let probe: serde_json::Value = serde_json::from_slice(&mbytes)
            .map_err(|e| corrupt(format!("unreadable manifest ({e})")).in_file(&mpath))?;
        let fv = probe.get("format_version").and_then(|v| v.as_u64());
        if fv != Some(FORMAT_VERSION as u64) {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "customer index format version {} is not the version this engine reads ({FORMAT_VERSION}): rebuild it with `embargo customers index`",
                    fv.map(|v| v.to_string()).unwrap_or_else(|| "unknown".into()),
                ),
            )
            .in_file(dir));
        }
        let manifest: CustomerManifest = serde_json::from_slice(&mbytes)
            .map_err(|e| corrupt(format!("unreadable manifest ({e})")).in_file(&mpath))?;
        let stale = if manifest.analysis_version != ANALYSIS_VERSION {
            Some(format!(
                "analysis {} (this engine runs {ANALYSIS_VERSION})",
                manifest.analysis_version
            ))
        } else if manifest.analysis_data_sha256 != analysis_data_sha256() {
            Some("other analysis dictionaries or weights than this engine's".to_string())
        } else if manifest.index_format_version != crate::index::format::FORMAT_VERSION {
            Some(format!(
                "the keys of index format {} (this engine uses {})",
                manifest.index_format_version,
                crate::index::format::FORMAT_VERSION
            ))
        } else {
            None
        };
        if let Some(why) = stale {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "customer index built with {why}: rebuild it with `embargo customers index`"
                ),
            )
            .in_file(dir));
        }
        let manifest_sha256 = hex(&Sha256::digest(&mbytes));
        let kpath = dir.join(KEYS_FILE);
        let keys = fst::Map::new(Mapped::open(&kpath)?)
            .map_err(|e| corrupt(format!("keys.fst: {e}")).in_file(&kpath))?;
        let tpath = dir.join(TABLES_FILE);
        let tables = Mapped::open(&tpath)?;
        let sections = parse_sections(tables.bytes()).map_err(|e| e.in_file(&tpath))?;
        let ci = CustomerIndex {
            dir: dir.to_path_buf(),
            manifest,
            manifest_sha256,
            keys,
            tables,
            sections,
        };
        let want = ci.manifest.counts.records as usize;
        if ci.section(section::CUSTOMERS).len() != want * CUSTOMER_SIZE
            || ci.section(section::TOKENS).len() != ci.manifest.counts.tokens as usize * TOKEN_SIZE
        {
            return Err(corrupt("the tables do not hold the manifest's counts").in_file(dir));
        }
        Ok(ci)
    }

    /// Re-checks every file's sha256 against the manifest.
    pub fn verify(&self) -> Result<()> {
        for f in &self.manifest.files {
            let p = self.dir.join(&f.name);
            let (sha, bytes) = sha256_file(&p)?;
            if sha != f.sha256 || bytes != f.bytes {
                return Err(corrupt(format!("{} does not match its checksum", f.name)).in_file(&p));
            }
        }
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest(&self) -> &CustomerManifest {
        &self.manifest
    }

    pub fn manifest_sha256(&self) -> &str {
        &self.manifest_sha256
    }

    /// Number of customer records.
    pub fn len(&self) -> usize {
        self.manifest.counts.records as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn section(&self, kind: u32) -> &[u8] {
        let (o, l) = self.sections[(kind - 1) as usize];
        self.tables.bytes().get(o..o + l).unwrap_or(&[])
    }

    fn entry(&self, i: usize) -> Result<(u64, u32, u64, u32)> {
        let t = self.section(section::CUSTOMERS);
        let at = i * CUSTOMER_SIZE;
        match (
            u64_at(t, at),
            u32_at(t, at + 8),
            u64_at(t, at + 12),
            u32_at(t, at + 20),
        ) {
            (Some(a), Some(b), Some(c), Some(d)) => Ok((a, b, c, d)),
            _ => Err(corrupt(format!("customer {i} out of range")).in_file(&self.dir)),
        }
    }

    /// Customer `i`'s analysed tokens (ids of distinct tokens, in order).
    fn customer_tokens(&self, i: usize) -> Result<Vec<u32>> {
        let t = self.section(section::CUSTOMERS);
        let at = i * CUSTOMER_SIZE;
        match (u32_at(t, at + 24), u32_at(t, at + 28)) {
            (Some(off), Some(len)) => self.u32_list(section::TOKEN_LISTS, off, len),
            _ => Err(corrupt(format!("customer {i} out of range")).in_file(&self.dir)),
        }
    }

    /// A token's weight and role.
    fn token_weight(&self, tid: u32) -> Result<(f32, Role)> {
        let t = self.section(section::TOKENS);
        let at = tid as usize * TOKEN_SIZE;
        let w = t
            .get(at + 16..at + 20)
            .and_then(|b| b.try_into().ok())
            .map(f32::from_le_bytes);
        match (w, t.get(at + 20).copied().and_then(role_of)) {
            (Some(w), Some(r)) => Ok((w, r)),
            _ => Err(corrupt(format!("token {tid} out of range")).in_file(&self.dir)),
        }
    }

    /// Customer `i` as read from the input (its line, id, query or error).
    pub fn customer(&self, i: usize) -> Result<Customer> {
        let (off, len, _, _) = self.entry(i)?;
        let b = self
            .section(section::RECORDS)
            .get(off as usize..off as usize + len as usize)
            .ok_or_else(|| corrupt(format!("record of customer {i}")).in_file(&self.dir))?;
        let r: Record = serde_json::from_slice(b)
            .map_err(|e| corrupt(format!("record of customer {i}: {e}")).in_file(&self.dir))?;
        Ok(r.into_customer())
    }

    /// The stored output lines of customers `from..to` (what a rescreen
    /// writes for them when nothing changed), `\n` included.
    pub fn lines(&self, from: usize, to: usize) -> Result<&[u8]> {
        if from >= to {
            return Ok(&[]);
        }
        let (_, _, a, _) = self.entry(from)?;
        let (_, _, b, bl) = self.entry(to - 1)?;
        self.section(section::LINES)
            .get(a as usize..(b + bl as u64) as usize)
            .ok_or_else(|| corrupt(format!("lines {from}..{to}")).in_file(&self.dir))
    }

    fn u32_list(&self, kind: u32, off: u32, len: u32) -> Result<Vec<u32>> {
        let s = self.section(kind);
        let (a, b) = (off as usize * 4, (off as usize + len as usize) * 4);
        let bytes = s
            .get(a..b)
            .ok_or_else(|| corrupt("a u32 list out of range").in_file(&self.dir))?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn key_list(&self, k: &[u8]) -> Result<Option<Vec<u32>>> {
        match self.keys.get(k) {
            None => Ok(None),
            Some(v) => {
                let (off, len) = crate::index::format::unpack(v);
                self.u32_list(section::KEYLISTS, off, len).map(Some)
            }
        }
    }

    fn token(&self, tid: u32) -> Result<(StoredToken, u32, u32)> {
        let t = self.section(section::TOKENS);
        let at = tid as usize * TOKEN_SIZE;
        let (Some(o), Some(l), Some(po), Some(pl)) = (
            u32_at(t, at),
            u32_at(t, at + 4),
            u32_at(t, at + 8),
            u32_at(t, at + 12),
        ) else {
            return Err(corrupt(format!("token {tid} out of range")).in_file(&self.dir));
        };
        let b = self
            .section(section::TOKEN_BYTES)
            .get(o as usize..o as usize + l as usize)
            .ok_or_else(|| corrupt(format!("token {tid}")).in_file(&self.dir))?;
        let st: StoredToken = serde_json::from_slice(b)
            .map_err(|e| corrupt(format!("token {tid}: {e}")).in_file(&self.dir))?;
        Ok((st, po, pl))
    }

    /// The customers that may have a hit in `delta` at threshold `thr`
    /// (module docs), sorted: every other customer has none.
    pub fn probe(&self, delta: &Index, thr: f32) -> Result<Probe> {
        let t = Instant::now();
        // The most a list token spelled as each delta term weighs.
        let mut listed = vec![0.0f32; delta.term_count() as usize];
        for nid in 0..delta.name_count() {
            let nr = delta.name_shape(nid)?;
            for j in 0..nr.token_count() {
                let tr = delta.token_ref(&nr, j)?;
                for tid in std::iter::once(tr.term).chain(tr.alts.iter()) {
                    if let Some(w) = listed.get_mut(tid as usize) {
                        *w = w.max(tr.weight);
                    }
                }
            }
        }
        let mut p = Prober {
            ci: self,
            delta,
            thr,
            listed,
            tokens: FxHashMap::default(),
            best: FxHashMap::default(),
            forced_tokens: FxHashSet::default(),
            forced: Vec::new(),
            lookups: 0,
        };
        // Exact spellings: every term of the delta.
        for tid in 0..delta.term_count() {
            let text = delta.term_bytes(tid)?;
            p.lookups += 2;
            if let Some(toks) = self.key_list(&typed(ckey::SPELLING, text))? {
                for tok in toks {
                    p.offer(tok, tid, Via::Exact)?;
                }
            }
            if let Some(cs) = self.key_list(&typed(ckey::PAIR, text))? {
                p.forced.extend(cs);
            }
            // The term's deletion neighbours (the delta keeps them in its
            // hash table, not its key FST: made again here, the same keys).
            let text = delta.utf8(text)?;
            for d in deletions(text, deletion_budget(text)) {
                p.lookups += 1;
                if let Some(toks) = self.key_list(&typed(key::DELETION, d.as_bytes()))? {
                    for tok in toks {
                        p.offer(tok, tid, Via::Deletion)?;
                    }
                }
            }
        }
        // Every key of the delta index.
        let kpath = delta.dir().join(crate::index::format::KEYS_FILE);
        let kbytes = std::fs::read(&kpath).map_err(|e| Error::io(&kpath, e))?;
        let kmap = fst::Map::new(kbytes)
            .map_err(|e| Error::malformed(format!("delta keys.fst: {e}")).in_file(&kpath))?;
        let mut stream = kmap.stream();
        while let Some((k, _)) = stream.next() {
            let Some((&kind, body)) = k.split_first() else {
                continue;
            };
            p.lookups += 1;
            match kind {
                key::VOWEL_SWAP | key::SKELETON | key::SHORT_SKELETON | key::PHONETIC => {
                    if kind == key::SKELETON {
                        p.lookups += 1;
                        if let Some(cs) = self.key_list(&typed(ckey::PAIR_SKELETON, body))? {
                            p.forced.extend(cs);
                        }
                    }
                    let Some(toks) = self.key_list(k)? else {
                        continue;
                    };
                    let terms: Vec<u32> = delta.key_list(kind, body)?.iter().collect();
                    for tok in toks {
                        for &tid in &terms {
                            p.offer(tok, tid, Via::Key)?;
                        }
                    }
                }
                key::GLUED | key::GLUED_SKELETON => {
                    if let Some(toks) = self.key_list(k)? {
                        p.forced_tokens.extend(toks);
                    }
                }
                key::IDENTIFIER => {
                    if let Some(cs) = self.key_list(k)? {
                        p.forced.extend(cs);
                    }
                }
                _ => {}
            }
        }
        let Prober {
            mut forced,
            forced_tokens,
            best,
            lookups,
            ..
        } = p;
        // Customers with a glued pair or an identifier meeting the delta,
        // or a token a glued list pair may be: screened whatever the bound.
        for &tok in &forced_tokens {
            let (_, po, pl) = self.token(tok)?;
            forced.extend(self.u32_list(section::POSTINGS, po, pl)?);
        }
        forced.sort_unstable();
        forced.dedup();
        let mut reached: Vec<u32> = Vec::new();
        for &tok in best.keys() {
            let (_, po, pl) = self.token(tok)?;
            reached.extend(self.u32_list(section::POSTINGS, po, pl)?);
        }
        reached.sort_unstable();
        reached.dedup();
        let reached_n = reached.len();
        // The bound (module docs): below it no name of the delta can score
        // `thr` against the customer.
        let mut weights: FxHashMap<u32, (f32, Role)> = FxHashMap::default();
        let mut customers = forced.clone();
        for c in reached {
            if forced.binary_search(&c).is_ok() {
                continue;
            }
            if thr <= INITIAL_SIM {
                customers.push(c);
                continue;
            }
            let mut sum = 0.0f32;
            let mut w_all = 0.0f32;
            for tok in self.customer_tokens(c as usize)? {
                let (w, role) = match weights.get(&tok) {
                    Some(x) => *x,
                    None => {
                        let x = self.token_weight(tok)?;
                        weights.insert(tok, x);
                        x
                    }
                };
                w_all += w;
                let unpaired = -thr * w;
                let unretrieved = if role == Role::LegalForm {
                    unpaired
                } else {
                    (INITIAL_SIM - thr) * w
                };
                let reach = best.get(&tok).copied().unwrap_or(f32::NEG_INFINITY);
                sum += unpaired.max(unretrieved).max(reach);
            }
            if sum >= -BOUND_SLACK * (1.0 + w_all) {
                customers.push(c);
            }
        }
        customers.sort_unstable();
        customers.dedup();
        if customers.last().is_some_and(|&c| c as usize >= self.len()) {
            return Err(corrupt("a customer number out of range").in_file(&self.dir));
        }
        Ok(Probe {
            customers,
            reached: reached_n + forced.len(),
            tokens: best.len() + forced_tokens.len(),
            lookups,
            seconds: t.elapsed().as_secs_f64(),
        })
    }
}

fn parse_sections(b: &[u8]) -> Result<[(usize, usize); 8]> {
    if b.get(..8) != Some(&MAGIC[..]) {
        return Err(corrupt("not a customer index table (bad magic)"));
    }
    if u32_at(b, 8) != Some(FORMAT_VERSION) {
        return Err(corrupt("tables.bin of another format version"));
    }
    let n = u32_at(b, 12).ok_or_else(|| corrupt("truncated header"))? as usize;
    let mut out = [(0usize, 0usize); 8];
    let mut seen = [false; 8];
    for i in 0..n.min(64) {
        let at = HEADER + i * ENTRY;
        let (Some(kind), Some(off), Some(len)) =
            (u32_at(b, at), u64_at(b, at + 8), u64_at(b, at + 16))
        else {
            return Err(corrupt("truncated section table"));
        };
        let (off, len) = (off as usize, len as usize);
        if !off.checked_add(len).is_some_and(|end| end <= b.len()) {
            return Err(corrupt(format!("section {kind} out of the file")));
        }
        if let Some(k) = section::ALL.iter().position(|&s| s == kind) {
            out[k] = (off, len);
            seen[k] = true;
        }
    }
    if seen.iter().any(|s| !s) {
        return Err(corrupt("a section is missing"));
    }
    Ok(out)
}

/// How a customer token met a delta term.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    /// A spelling equals the term.
    Exact,
    /// A deletion key: the searcher also checks the edit distance.
    Deletion,
    /// A skeleton, phonetic or vowel-swap key.
    Key,
}

/// How alike an initial and a word are: the most two tokens that the
/// keys do not retrieve can be alike (`src/search`).
const INITIAL_SIM: f32 = 0.5;
/// Slack for float rounding in the bound (relative to the name's weight).
const BOUND_SLACK: f32 = 1e-3;

struct Prober<'a> {
    ci: &'a CustomerIndex,
    delta: &'a Index,
    thr: f32,
    /// Per delta term: the most a list token of that spelling weighs.
    listed: Vec<f32>,
    tokens: FxHashMap<u32, StoredToken>,
    /// Per customer token reaching the delta: the most it adds to
    /// N − T·D when paired (module docs).
    best: FxHashMap<u32, f32>,
    /// Tokens a glued list pair of the delta may be.
    forced_tokens: FxHashSet<u32>,
    /// Customers screened whatever the bound.
    forced: Vec<u32>,
    lookups: usize,
}

impl Prober<'_> {
    /// Customer token `tok` meets delta term `tid` through `via`: if it
    /// reaches the term as the searcher would (the edit-distance check of
    /// deletion keys, then more alike than the unretrieved bound), the
    /// pair's contribution to N − T·D is bounded: (s − T)·(w + L) above
    /// the threshold, (s − T)·w below it, with s the similarity to the
    /// term as a plain transliterated word (an upper bound for any list
    /// token of that spelling) and L the heaviest such list token.
    fn offer(&mut self, tok: u32, tid: u32, via: Via) -> Result<()> {
        let (w, role) = self.ci.token_weight(tok)?;
        let thr = self.thr;
        let l_w = self.listed.get(tid as usize).copied().unwrap_or(1.0);
        let contribution = |s: f32| {
            if s > thr {
                (s - thr) * (w + l_w)
            } else {
                (s - thr) * w
            }
        };
        if via == Via::Exact {
            let c = contribution(1.0);
            let b = self.best.entry(tok).or_insert(c);
            *b = b.max(c);
            return Ok(());
        }
        let st = match self.tokens.get(&tok) {
            Some(s) => s,
            None => {
                let (s, _, _) = self.ci.token(tok)?;
                self.tokens.entry(tok).or_insert(s)
            }
        };
        let (text, sk, ph) = self.delta.term(tid)?;
        if via == Via::Deletion {
            let ok = st.spellings().any(|s| {
                let b = edit_budget(s.chars().count()).max(edit_budget(text.len()));
                b > 0 && dl_distance(s.as_bytes(), text.as_bytes(), b) <= b
            });
            if !ok {
                return Ok(());
            }
        }
        // The searcher's unretrieved bound: 0.5 (0 for legal forms, which
        // have no such keys).
        let unretrieved = if role == Role::LegalForm {
            0.0
        } else {
            INITIAL_SIM
        };
        let q = TokenView {
            text: &st.text,
            alts: &st.alts,
            role,
            skeleton: &st.skeleton,
            phonetic: &st.phonetic,
            transliterated: st.transliterated,
            abjad: st.abjad,
            syllabic: st.syllabic,
            alt_skeletons: None,
        };
        let sim = similarity_bound(q, text, sk, ph);
        if sim > unretrieved {
            let c = contribution(sim);
            let b = self.best.entry(tok).or_insert(c);
            *b = b.max(c);
        }
        Ok(())
    }
}

/// What a probe found.
#[derive(Debug, Clone, Default)]
pub struct Probe {
    /// Customer numbers to screen against the delta, sorted.
    pub customers: Vec<u32>,
    /// Customers some key of the delta reached (before the bound).
    pub reached: usize,
    /// Distinct customer tokens that reach a delta term.
    pub tokens: usize,
    /// Keys looked up.
    pub lookups: usize,
    pub seconds: f64,
}

/// Rescreens through a customer index: probe, then screen the probed
/// customers against the delta index with the normal searcher. Returns
/// the probe and, per probed customer (in its order), the customer and
/// its result; every other customer has no change.
#[allow(clippy::type_complexity)]
pub fn rescreen_indexed(
    delta: &DeltaIndex,
    ci: &CustomerIndex,
    opts: &Options,
    threads: usize,
) -> Result<(Probe, Vec<(Customer, std::result::Result<Delta, String>)>)> {
    let Some(idx) = delta.index() else {
        return Ok((Probe::default(), Vec::new()));
    };
    let probe = ci.probe(idx, opts.threshold)?;
    let done = par_map(
        &probe.customers,
        threads,
        || Searcher::new(idx),
        |s, &cn| -> Result<(Customer, std::result::Result<Delta, String>)> {
            let c = ci.customer(cn as usize)?;
            let r = match &c.query {
                Ok(q) => s
                    .screen(q, opts)
                    .map(|h| delta.split(h))
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.clone()),
            };
            Ok((c, r))
        },
    );
    let done: Result<Vec<_>> = done.into_iter().collect();
    Ok((probe, done?))
}

/// Counts per key type, for `embargo customers index` (what it holds).
pub fn key_census(ci: &CustomerIndex) -> BTreeMap<char, u64> {
    let mut m = BTreeMap::new();
    let mut s = ci.keys.stream();
    while let Some((k, _)) = s.next() {
        if let Some(&b) = k.first() {
            *m.entry(char::from(b)).or_insert(0) += 1;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("embargo-custindex-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn built(name: &str) -> (PathBuf, PathBuf) {
        let d = tmp(name);
        let input = d.join("c.csv");
        std::fs::write(
            &input,
            "id,name,type,dob,ids\nc-1,Vladimir Putin,person,1952-10-07,passport:X1234\nc-2,,,,\nc-3,Acme Trading LLC,company,,\nc-4,Jane Doe,martian,,\n",
        )
        .unwrap();
        let out = d.join("idx");
        build_customer_index(&input, &out, 2).unwrap();
        (d, out)
    }

    #[test]
    fn a_built_index_gives_back_every_customer_and_its_line() {
        let (d, out) = built("roundtrip");
        let ci = CustomerIndex::open(&out).unwrap();
        ci.verify().unwrap();
        let want = read_customers(&d.join("c.csv")).unwrap();
        assert_eq!(ci.len(), want.len());
        assert_eq!(ci.manifest().counts.errors, 1);
        let mut all = String::new();
        for (i, w) in want.iter().enumerate() {
            let c = ci.customer(i).unwrap();
            assert_eq!(c.line, w.line);
            assert_eq!(c.id, w.id);
            assert_eq!(c.warnings, w.warnings);
            assert_eq!(format!("{:?}", c.query), format!("{:?}", w.query));
            all.push_str(&output_line(w, &Ok(Delta::default())));
            all.push('\n');
        }
        assert_eq!(ci.lines(0, ci.len()).unwrap(), all.as_bytes());
        assert_eq!(ci.lines(1, 1).unwrap(), b"");
        // Identifier keys are stored with and without their type.
        assert!(ci.key_list(b"iX1234").unwrap().is_some());
        assert!(ci.key_list(b"iPASSPORTX1234").unwrap().is_some());
        // Never rewritten in place.
        let e = build_customer_index(&d.join("c.csv"), &out, 1).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn another_version_or_a_corrupt_file_is_refused_with_rebuild() {
        let (d, out) = built("refused");
        let m = out.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&m).unwrap();
        std::fs::write(
            &m,
            text.replace("\"format_version\": 1", "\"format_version\": 99"),
        )
        .unwrap();
        let e = CustomerIndex::open(&out).err().unwrap();
        assert_eq!(e.kind(), ErrorKind::Usage);
        assert!(e.to_string().contains("rebuild"), "{e}");
        std::fs::write(&m, &text).unwrap();
        std::fs::write(&m, text.replace(ANALYSIS_VERSION, "analysis-0")).unwrap();
        let e = CustomerIndex::open(&out).err().unwrap();
        assert!(e.to_string().contains("rebuild"), "{e}");
        std::fs::write(&m, &text).unwrap();
        // A truncated table: an error, never a panic.
        let t = out.join(TABLES_FILE);
        let bytes = std::fs::read(&t).unwrap();
        std::fs::write(&t, &bytes[..bytes.len() / 2]).unwrap();
        assert!(CustomerIndex::open(&out).is_err());
        std::fs::write(&t, &bytes[..10]).unwrap();
        assert!(CustomerIndex::open(&out).is_err());
        // A changed byte: verify says so.
        let mut b2 = bytes.clone();
        let last = b2.len() - 1;
        b2[last] ^= 1;
        std::fs::write(&t, &b2).unwrap();
        let ci = CustomerIndex::open(&out).unwrap();
        assert!(ci.verify().is_err());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn token_keys_mirror_the_searchers_lookups() {
        let a = analyze("Mohammed Al Rahman LLC");
        let words = &a.tokens;
        let keys = token_keys(&words[0]);
        assert!(keys.contains(&b"xmohammed".to_vec()));
        assert!(keys.contains(&b"dmohamed".to_vec()));
        assert!(keys.iter().any(|k| k[0] == key::SKELETON));
        assert!(keys.contains(&b"gmohammed".to_vec()));
        // Legal forms meet only their own form.
        let llc = words.iter().find(|t| t.role == Role::LegalForm).unwrap();
        assert_eq!(
            token_keys(llc),
            vec![typed(ckey::SPELLING, llc.text.as_bytes())]
        );
        let pk = pair_keys(words, &[]);
        assert!(pk.contains(&b"Xmohammedal".to_vec()));
        assert!(!pk.iter().any(|k| k.ends_with(b"llc")));
    }
}
