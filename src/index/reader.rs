//! The index reader: opens an index folder by memory-mapping it, validates
//! its structure cheaply, and serves bounds-checked lookups.
//!
//! [`Index`] is `Send + Sync` and holds no locks; share it in an `Arc` and
//! every thread can search it. Opening costs a few file maps and a scan of
//! the section table — milliseconds — and never parses the tables.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::format::{self, le, section};
use super::manifest::Manifest;
use super::mmap::Mapped;
use crate::analysis::{Role, Token};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{hex, Entity, Kind, NameStrength};

/// A byte range of `tables.bin`.
#[derive(Debug, Clone, Copy, Default)]
struct Sec {
    off: usize,
    len: usize,
}

/// An open index.
pub struct Index {
    dir: PathBuf,
    manifest: Manifest,
    manifest_sha256: String,
    terms: fst::Map<Mapped>,
    keys: fst::Map<Mapped>,
    tables: Mapped,
    records: Mapped,
    secs: [Sec; 12],
    n_terms: u32,
    n_names: u32,
    n_entities: u32,
    n_lists: u32,
    /// Per-name figures a caller derives once from the tables (see
    /// [`Index::per_name`]).
    per_name: std::sync::OnceLock<Vec<[f32; 4]>>,
    /// Per-term figures a caller derives once (see [`Index::per_term`]).
    per_term: std::sync::OnceLock<Vec<(f32, u8)>>,
    /// The Bloom filter of term spellings and skeleton keys (see
    /// [`Index::probe`]).
    probe: std::sync::OnceLock<super::probe::Probe>,
    /// The longest term's length in bytes, found on first use.
    longest_term: std::sync::OnceLock<usize>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("dir", &self.dir)
            .field("entities", &self.n_entities)
            .field("names", &self.n_names)
            .field("terms", &self.n_terms)
            .finish()
    }
}

/// A listed name as stored.
#[derive(Debug, Clone, Copy)]
pub struct NameRef<'a> {
    pub id: u32,
    pub entity: u32,
    pub strength: NameStrength,
    pub text: &'a str,
    first_token: u32,
    n_tokens: u16,
}

impl NameRef<'_> {
    /// How many tokens the name has.
    pub fn token_count(&self) -> u16 {
        self.n_tokens
    }
}

/// An entity as stored (fixed fields; the full record via [`Index::entity_record`]).
#[derive(Debug, Clone, Copy)]
pub struct EntityRef<'a> {
    pub index: u32,
    pub id: &'a str,
    pub list_id: &'a str,
    pub kind: Kind,
    pub first_name: u32,
    pub n_names: u32,
    pub content_hash: &'a [u8],
    record: (usize, usize),
    /// Length of the hit facts stored right after the record.
    facts: usize,
}

fn corrupt(file: &str, what: impl Into<String>) -> Error {
    Error::malformed(format!(
        "index file {file} is corrupt: {} — rebuild the index",
        what.into()
    ))
}

impl Index {
    /// Opens the index in `dir`: reads the manifest, checks the format
    /// version, maps the files and validates their structure.
    pub fn open(dir: &Path) -> Result<Index> {
        let mpath = dir.join(format::MANIFEST_FILE);
        let mbytes = std::fs::read(&mpath).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::new(
                    ErrorKind::Usage,
                    "not an index (no manifest.json): build one with `embargo build --lists <PATH>... --out <DIR>`",
                )
                .in_file(dir)
            } else {
                Error::io(&mpath, e)
            }
        })?;
        let probe: serde_json::Value = serde_json::from_slice(&mbytes).map_err(|e| {
            Error::malformed(format!("unreadable manifest ({e}) — rebuild the index"))
                .in_file(&mpath)
        })?;
        let fv = probe.get("format_version").and_then(|v| v.as_u64());
        if fv != Some(format::FORMAT_VERSION as u64) {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "index format version {} is not the version this engine reads ({}): rebuild the index with this engine (`embargo build`)",
                    fv.map(|v| v.to_string()).unwrap_or_else(|| "unknown".into()),
                    format::FORMAT_VERSION
                ),
            )
            .in_file(dir));
        }
        let manifest: Manifest = serde_json::from_slice(&mbytes).map_err(|e| {
            Error::malformed(format!("unreadable manifest ({e}) — rebuild the index"))
                .in_file(&mpath)
        })?;
        if manifest.analysis_version != crate::analysis::ANALYSIS_VERSION {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "index built with analysis {} but this engine runs {}: rebuild the index so queries repeat the build's analysis",
                    manifest.analysis_version,
                    crate::analysis::ANALYSIS_VERSION
                ),
            )
            .in_file(dir));
        }
        let manifest_sha256 = hex(&Sha256::digest(&mbytes));
        let map = |name: &str| -> Result<Mapped> { Mapped::open(&dir.join(name)) };
        Index::from_parts(
            dir,
            manifest,
            manifest_sha256,
            [
                map(format::TERMS_FILE)?,
                map(format::KEYS_FILE)?,
                map(format::TABLES_FILE)?,
                map(format::RECORDS_FILE)?,
            ],
        )
    }

    /// Opens an index held in memory: the manifest's bytes and the four
    /// data files in [`format::DATA_FILES`] order, with the same validation
    /// as [`Index::open`] (for tests and the fuzz target).
    pub fn from_bytes(manifest: &[u8], files: [Vec<u8>; 4]) -> Result<Index> {
        let m: Manifest = serde_json::from_slice(manifest).map_err(|e| {
            Error::malformed(format!("unreadable manifest ({e}) — rebuild the index"))
        })?;
        if m.format_version != format::FORMAT_VERSION {
            return Err(Error::new(
                ErrorKind::Usage,
                "index format version differs: rebuild the index",
            ));
        }
        let sha = hex(&Sha256::digest(manifest));
        let [a, b, c, d] = files;
        Index::from_parts(
            Path::new("<memory>"),
            m,
            sha,
            [
                Mapped::from_vec(a),
                Mapped::from_vec(b),
                Mapped::from_vec(c),
                Mapped::from_vec(d),
            ],
        )
    }

    fn from_parts(
        dir: &Path,
        manifest: Manifest,
        manifest_sha256: String,
        files: [Mapped; 4],
    ) -> Result<Index> {
        for (name, m) in format::DATA_FILES.iter().zip(&files) {
            let want = manifest
                .files
                .iter()
                .find(|f| f.name == *name)
                .map(|f| f.bytes);
            if want != Some(m.bytes().len() as u64) {
                return Err(
                    corrupt(name, "its size differs from the manifest").in_file(&dir.join(name))
                );
            }
        }
        let [terms, keys, tables, records] = files;
        let terms = fst::Map::new(terms)
            .map_err(|e| corrupt(format::TERMS_FILE, e.to_string()).in_file(dir))?;
        let keys = fst::Map::new(keys)
            .map_err(|e| corrupt(format::KEYS_FILE, e.to_string()).in_file(dir))?;
        // The fst crate trusts its bytes once opened (a corrupt node can make
        // it index out of bounds), so check both FSTs' built-in CRC32C now.
        // It reads them once — a few milliseconds — and keeps the promise
        // that a corrupt file is an error, never a panic.
        terms
            .as_fst()
            .verify()
            .map_err(|e| corrupt(format::TERMS_FILE, e.to_string()).in_file(dir))?;
        keys.as_fst()
            .verify()
            .map_err(|e| corrupt(format::KEYS_FILE, e.to_string()).in_file(dir))?;
        let secs =
            read_sections(tables.bytes()).map_err(|e| e.in_file(&dir.join(format::TABLES_FILE)))?;
        let count = |k: u32, size: usize| -> Result<u32> {
            let s = secs[k as usize];
            if s.len % size != 0 {
                return Err(corrupt(
                    format::TABLES_FILE,
                    format!("section {k} has a partial record"),
                ));
            }
            u32::try_from(s.len / size)
                .map_err(|_| corrupt(format::TABLES_FILE, "section too large"))
        };
        let mut idx = Index {
            dir: dir.to_path_buf(),
            manifest_sha256,
            n_terms: count(section::TERMS, format::TERM_SIZE)?,
            n_names: count(section::NAMES, format::NAME_SIZE)?,
            n_entities: count(section::ENTITIES, format::ENTITY_SIZE)?,
            n_lists: count(section::LISTS, format::LIST_SIZE)?,
            per_name: std::sync::OnceLock::new(),
            per_term: std::sync::OnceLock::new(),
            probe: std::sync::OnceLock::new(),
            longest_term: std::sync::OnceLock::new(),
            manifest,
            terms,
            keys,
            tables,
            records,
            secs,
        };
        for s in [section::TOKENS] {
            if idx.secs[s as usize].len % format::TOKEN_SIZE != 0 {
                return Err(corrupt(
                    format::TABLES_FILE,
                    "token section has a partial record",
                ));
            }
        }
        for s in [
            section::POSTINGS,
            section::ALTS,
            section::KEYLISTS,
            section::DELETION_LISTS,
        ] {
            if idx.secs[s as usize].len % 4 != 0 {
                return Err(corrupt(
                    format::TABLES_FILE,
                    "a u32 list section has a partial entry",
                ));
            }
        }
        super::delhash::Table::new(idx.sec(section::DELETIONS), &[])
            .map_err(|e| corrupt(format::TABLES_FILE, e))?;
        if idx.terms.len() as u64 != idx.n_terms as u64
            || idx.manifest.counts.entities != idx.n_entities as u64
            || idx.manifest.counts.names != idx.n_names as u64
            || idx.manifest.lists.len() != idx.n_lists as usize
        {
            return Err(corrupt(
                format::TABLES_FILE,
                "its record counts differ from the manifest and the term FST",
            ));
        }
        idx.dir = dir.to_path_buf();
        Ok(idx)
    }

    /// The folder the index lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// sha256 of `manifest.json`: the identity of this index.
    pub fn manifest_sha256(&self) -> &str {
        &self.manifest_sha256
    }

    pub fn entity_count(&self) -> u32 {
        self.n_entities
    }

    pub fn name_count(&self) -> u32 {
        self.n_names
    }

    pub fn term_count(&self) -> u32 {
        self.n_terms
    }

    /// Re-checks the sha256 of every file against the manifest; the error
    /// names the first bad file.
    pub fn verify(&self) -> Result<()> {
        verify_dir(&self.dir, &self.manifest)
    }

    /// [`Index::verify`] at a gentle pace (see [`verify_dir_paced`]).
    pub fn verify_paced(&self, pause: std::time::Duration) -> Result<()> {
        verify_dir_paced(&self.dir, &self.manifest, pause)
    }

    fn sec(&self, k: u32) -> &[u8] {
        let s = self.secs[k as usize];
        self.tables.bytes().get(s.off..s.off + s.len).unwrap_or(&[])
    }

    fn str_ref(&self, off: u32, len: u32) -> Result<&str> {
        let b = self
            .sec(section::STRINGS)
            .get(off as usize..off as usize + len as usize)
            .ok_or_else(|| corrupt(format::TABLES_FILE, "a string reference is out of bounds"))?;
        std::str::from_utf8(b).map_err(|_| corrupt(format::TABLES_FILE, "a string is not UTF-8"))
    }

    fn rec(&self, k: u32, size: usize, i: u32) -> Result<&[u8]> {
        let start = i as usize * size;
        self.sec(k).get(start..start + size).ok_or_else(|| {
            corrupt(
                format::TABLES_FILE,
                format!("record {i} of section {k} is out of bounds"),
            )
        })
    }

    /// The id of a term (an exact spelling), if the index has it.
    pub fn term_id(&self, text: &str) -> Option<u32> {
        self.terms.get(text).and_then(|v| u32::try_from(v).ok())
    }

    /// A term's text, skeleton and phonetic code.
    pub fn term(&self, id: u32) -> Result<(&str, &str, &str)> {
        let r = self.rec(section::TERMS, format::TERM_SIZE, id)?;
        let g = |at| le::u32_at(r, at).unwrap_or(0);
        Ok((
            self.str_ref(g(0), g(4))?,
            self.str_ref(g(8), g(12))?,
            self.str_ref(g(16), g(20))?,
        ))
    }

    /// A term's text, skeleton and phonetic code as bytes (not yet read:
    /// no UTF-8 check) and its postings, from one read of its record: for
    /// a caller that gathers many terms' places before it reads any of
    /// their bytes ([`Index::utf8`] checks them).
    pub fn term_raw(&self, id: u32) -> Result<([&[u8]; 3], PostingsRef)> {
        let r = self.rec(section::TERMS, format::TERM_SIZE, id)?;
        let g = |at| le::u32_at(r, at).unwrap_or(0);
        let strings = self.sec(section::STRINGS);
        let s = |at: usize| {
            let (off, len) = (g(at) as usize, g(at + 4) as usize);
            strings
                .get(off..off + len)
                .ok_or_else(|| corrupt(format::TABLES_FILE, "a string reference is out of bounds"))
        };
        Ok((
            [s(0)?, s(8)?, s(16)?],
            PostingsRef {
                off: g(24),
                len: g(28),
            },
        ))
    }

    /// Index bytes as text (a corrupt-index error if they are not UTF-8).
    pub fn utf8<'b>(&self, b: &'b [u8]) -> Result<&'b str> {
        std::str::from_utf8(b).map_err(|_| corrupt(format::TABLES_FILE, "a string is not UTF-8"))
    }

    /// A term's text as bytes (no UTF-8 check: for byte-level tests).
    pub fn term_bytes(&self, id: u32) -> Result<&[u8]> {
        self.term_field(id, 0)
    }

    /// A term's skeleton as bytes (no UTF-8 check: for comparisons).
    pub fn term_skeleton_bytes(&self, id: u32) -> Result<&[u8]> {
        self.term_field(id, 8)
    }

    /// The bytes of the string a term record references at `at`.
    fn term_field(&self, id: u32, at: usize) -> Result<&[u8]> {
        let r = self.rec(section::TERMS, format::TERM_SIZE, id)?;
        let (off, len) = (
            le::u32_at(r, at).unwrap_or(0),
            le::u32_at(r, at + 4).unwrap_or(0),
        );
        self.sec(section::STRINGS)
            .get(off as usize..off as usize + len as usize)
            .ok_or_else(|| corrupt(format::TABLES_FILE, "a string reference is out of bounds"))
    }

    /// The names carrying a term (sorted name ids).
    pub fn postings(&self, term: u32) -> Result<U32List<'_>> {
        self.postings_at(self.postings_ref(term)?)
    }

    /// Where a term's postings lie, to read them later with
    /// [`postings_at`](Index::postings_at) without the term's record (the
    /// matcher keeps these with its cached token expansions).
    pub fn postings_ref(&self, term: u32) -> Result<PostingsRef> {
        let r = self.rec(section::TERMS, format::TERM_SIZE, term)?;
        Ok(PostingsRef {
            off: le::u32_at(r, 24).unwrap_or(0),
            len: le::u32_at(r, 28).unwrap_or(0),
        })
    }

    /// The postings a [`PostingsRef`] of this index points at.
    pub fn postings_at(&self, r: PostingsRef) -> Result<U32List<'_>> {
        self.u32_list(section::POSTINGS, r.off, r.len)
    }

    fn u32_list(&self, k: u32, off: u32, len: u32) -> Result<U32List<'_>> {
        let start = off as usize * 4;
        let end = start + len as usize * 4;
        let bytes = self
            .sec(k)
            .get(start..end)
            .ok_or_else(|| corrupt(format::TABLES_FILE, "a list reference is out of bounds"))?;
        Ok(U32List { bytes })
    }

    /// The u32 list stored under a typed key of `keys.fst` (empty if absent).
    pub fn key_list(&self, kind: u8, key: &[u8]) -> Result<U32List<'_>> {
        // Keys are short: build them on the stack.
        let mut buf = [0u8; 64];
        let mut heap = Vec::new();
        let k: &[u8] = if key.len() < buf.len() {
            buf[0] = kind;
            buf[1..=key.len()].copy_from_slice(key);
            &buf[..=key.len()]
        } else {
            heap.push(kind);
            heap.extend_from_slice(key);
            &heap
        };
        match self.keys.get(k) {
            None => Ok(U32List { bytes: &[] }),
            Some(v) => {
                let (off, len) = format::unpack(v);
                self.u32_list(section::KEYLISTS, off, len)
            }
        }
    }

    /// The deletion-neighbourhood table ([`delhash`](super::delhash)).
    fn deletions(&self) -> super::delhash::Table<'_> {
        super::delhash::Table::new(
            self.sec(section::DELETIONS),
            self.sec(section::DELETION_LISTS),
        )
        .unwrap_or_default()
    }

    /// The terms with deletion variant `key` (the term itself is one):
    /// a superset at worst (module docs of [`delhash`](super::delhash)).
    pub fn deletion_terms(&self, key: &[u8]) -> Vec<u32> {
        self.deletions().get(key)
    }

    /// Calls `f` with every term sharing a deletion variant with `word`
    /// with at most `budget` (≤ 2) characters deleted (the word itself
    /// included, never the empty string): the terms the lookups of
    /// [`deletions`](crate::index::build::deletions) find, all probed at
    /// once. A term may come more than once.
    pub fn for_each_deletion_term(&self, word: &str, budget: usize, f: &mut impl FnMut(u32)) {
        // A key is at most as long as the longest term: a word with more
        // characters left after its deletions has no variant to look up
        // (and a hostile 3,000-letter word would have millions).
        let longest = *self.longest_term.get_or_init(|| {
            (0..self.n_terms)
                .filter_map(|t| self.term_bytes(t).ok())
                .map(<[u8]>::len)
                .max()
                .unwrap_or(0)
        });
        if word.chars().count().saturating_sub(budget) > longest {
            return;
        }
        let mut hashes = Vec::new();
        super::delhash::variant_hashes(word, budget, &mut hashes);
        self.deletions().lookup(&hashes, f);
    }

    /// Four figures per name id, computed by `make` on first use and then
    /// shared by every thread (the matcher keeps each name's cost of
    /// unpaired list tokens here). Every caller must pass the same `make`.
    pub fn per_name(&self, make: impl FnOnce(&Index) -> Vec<[f32; 4]>) -> &[[f32; 4]] {
        self.per_name.get_or_init(|| make(self))
    }

    /// A figure and a set of flags per term id, computed by `make` on
    /// first use and then shared by every thread (the matcher keeps the
    /// heaviest list token of each term here, and which kinds of list
    /// token spell it). Every caller must pass the same `make`.
    pub fn per_term(&self, make: impl FnOnce(&Index) -> Vec<(f32, u8)>) -> &[(f32, u8)] {
        self.per_term.get_or_init(|| make(self))
    }

    /// A Bloom filter of every term spelling and skeleton key, made on
    /// first use: a cheap "certainly absent" before an FST lookup.
    pub fn probe(&self) -> &super::probe::Probe {
        self.probe.get_or_init(|| {
            super::probe::Probe::build(&self.terms, &self.keys, format::key::SKELETON)
        })
    }

    /// A name by id.
    pub fn name(&self, id: u32) -> Result<NameRef<'_>> {
        let r = self.rec(section::NAMES, format::NAME_SIZE, id)?;
        let g = |at| le::u32_at(r, at).unwrap_or(0);
        let strength = match r.get(10).copied().unwrap_or(255) {
            0 => NameStrength::Primary,
            1 => NameStrength::Aka,
            2 => NameStrength::WeakAka,
            3 => NameStrength::Fka,
            4 => NameStrength::Nka,
            _ => return Err(corrupt(format::TABLES_FILE, "bad name strength")),
        };
        let entity = g(0);
        if entity >= self.n_entities {
            return Err(corrupt(
                format::TABLES_FILE,
                "a name points past the entity table",
            ));
        }
        Ok(NameRef {
            id,
            entity,
            strength,
            text: self.str_ref(g(12), g(16))?,
            first_token: g(4),
            n_tokens: le::u16_at(r, 8).unwrap_or(0),
        })
    }

    /// A name's tokens only, without its text (no UTF-8 check): a view
    /// for [`Index::token_ref`], cheaper than [`Index::name`].
    pub fn name_shape(&self, id: u32) -> Result<NameRef<'_>> {
        let r = self.rec(section::NAMES, format::NAME_SIZE, id)?;
        let g = |at| le::u32_at(r, at).unwrap_or(0);
        Ok(NameRef {
            id,
            entity: g(0),
            strength: NameStrength::Primary,
            text: "",
            first_token: g(4),
            n_tokens: le::u16_at(r, 8).unwrap_or(0),
        })
    }

    /// The analysed tokens of a stored name, as the analysis produced them
    /// at build time.
    pub fn name_tokens(&self, name: &NameRef<'_>) -> Result<Vec<Token>> {
        let mut out = Vec::with_capacity(name.n_tokens as usize);
        for i in 0..name.n_tokens {
            let t = self.token_ref(name, i)?;
            let (text, skeleton, phonetic) = self.term(t.term)?;
            let mut alts = Vec::with_capacity(t.alts.len());
            for a in t.alts.iter() {
                alts.push(self.term(a)?.0.to_string());
            }
            out.push(Token {
                text: text.to_string(),
                alts,
                role: t.role,
                skeleton: skeleton.to_string(),
                phonetic: phonetic.to_string(),
                weight: t.weight,
                transliterated: t.transliterated,
                abjad: t.abjad,
                syllabic: t.syllabic,
                lead_surname: t.lead_surname,
            });
        }
        Ok(out)
    }

    /// Token `i` of a stored name as term ids, without its strings (what
    /// the matcher reads to bound a candidate's score cheaply).
    pub fn token_ref(&self, name: &NameRef<'_>, i: u16) -> Result<TokenRef<'_>> {
        if i >= name.n_tokens {
            return Err(corrupt(format::TABLES_FILE, "token index past the name"));
        }
        let r = self.rec(
            section::TOKENS,
            format::TOKEN_SIZE,
            name.first_token.saturating_add(i as u32),
        )?;
        let term = le::u32_at(r, 0).unwrap_or(u32::MAX);
        let weight = le::f32_at(r, 4).unwrap_or(0.0);
        let role = match r.get(8).copied().unwrap_or(255) {
            0 => Role::Word,
            1 => Role::Initial,
            2 => Role::Title,
            3 => Role::Particle,
            4 => Role::LegalForm,
            _ => return Err(corrupt(format::TABLES_FILE, "bad token role")),
        };
        if !weight.is_finite() {
            return Err(corrupt(format::TABLES_FILE, "bad token weight"));
        }
        // 0 Latin, 1 transliterated, 2 transliterated from an abjad, 3 a
        // syllable (Han, Hangul).
        let byte = r.get(9).copied().unwrap_or(0);
        let lead_surname = byte & super::build::LEAD_SURNAME_BIT != 0;
        let script = byte & !super::build::LEAD_SURNAME_BIT;
        let (transliterated, abjad, syllabic) = (script != 0, script == 2, script == 3);
        let n_alts = le::u16_at(r, 10).unwrap_or(0);
        let first_alt = le::u32_at(r, 12).unwrap_or(0);
        Ok(TokenRef {
            term,
            weight,
            role,
            transliterated,
            abjad,
            syllabic,
            lead_surname,
            alts: self.u32_list(section::ALTS, first_alt, n_alts as u32)?,
        })
    }

    /// An entity by index (0..entity_count).
    pub fn entity(&self, i: u32) -> Result<EntityRef<'_>> {
        let r = self.rec(section::ENTITIES, format::ENTITY_SIZE, i)?;
        let g = |at| le::u32_at(r, at).unwrap_or(0);
        let list = le::u16_at(r, 8).unwrap_or(0) as u32;
        let lr = self.rec(section::LISTS, format::LIST_SIZE, list)?;
        let list_id = self.str_ref(
            le::u32_at(lr, 0).unwrap_or(0),
            le::u32_at(lr, 4).unwrap_or(0),
        )?;
        let kind = match r.get(10).copied().unwrap_or(255) {
            0 => Kind::Person,
            1 => Kind::Organization,
            2 => Kind::Vessel,
            3 => Kind::Aircraft,
            4 => Kind::Unknown,
            _ => return Err(corrupt(format::TABLES_FILE, "bad entity kind")),
        };
        let (first_name, n_names) = (g(12), g(16));
        if first_name as u64 + n_names as u64 > self.n_names as u64 {
            return Err(corrupt(
                format::TABLES_FILE,
                "an entity's names are out of bounds",
            ));
        }
        let record = (g(20) as usize, g(24) as usize);
        let facts = g(60) as usize;
        if record.0 + record.1 + facts > self.records.bytes().len() {
            return Err(corrupt(
                format::RECORDS_FILE,
                "a record reference is out of bounds",
            ));
        }
        Ok(EntityRef {
            index: i,
            id: self.str_ref(g(0), g(4))?,
            list_id,
            kind,
            first_name,
            n_names,
            content_hash: r.get(28..60).unwrap_or(&[]),
            record,
            facts,
        })
    }

    /// The canonical record of an entity, as read from its list.
    pub fn entity_record(&self, e: &EntityRef<'_>) -> Result<Entity> {
        self.parse_record(e)
    }

    /// What a hit reads of an entity's record ([`HitFacts`](crate::model::HitFacts)): stored
    /// apart, right after the record.
    pub fn hit_facts(&self, e: &EntityRef<'_>) -> Result<crate::model::HitFacts> {
        let at = e.record.0 + e.record.1;
        self.parse_json(e, (at, e.facts))
    }

    /// An entity's stored record parsed as `T`.
    fn parse_record<T: serde::de::DeserializeOwned>(&self, e: &EntityRef<'_>) -> Result<T> {
        self.parse_json(e, e.record)
    }

    /// Stored JSON of entity `e` at (offset, length) of `records.bin`.
    fn parse_json<T: serde::de::DeserializeOwned>(
        &self,
        e: &EntityRef<'_>,
        (off, len): (usize, usize),
    ) -> Result<T> {
        let b =
            self.records.bytes().get(off..off + len).ok_or_else(|| {
                corrupt(format::RECORDS_FILE, "a record reference is out of bounds")
            })?;
        serde_json::from_slice(b)
            .map_err(|err| corrupt(format::RECORDS_FILE, format!("record of {}: {err}", e.id)))
    }

    /// The content hash (hex) of an entity.
    pub fn content_hash_hex(e: &EntityRef<'_>) -> String {
        hex(e.content_hash)
    }
}

/// A stored token as term ids: its spelling, its alternative spellings,
/// weight and role.
#[derive(Debug, Clone, Copy)]
pub struct TokenRef<'a> {
    pub term: u32,
    pub weight: f32,
    pub role: Role,
    pub transliterated: bool,
    /// Transliterated from a script that writes no short vowels.
    pub abjad: bool,
    /// A syllable of Han or Hangul.
    pub syllabic: bool,
    /// The lead surname of a Spanish double surname.
    pub lead_surname: bool,
    pub alts: U32List<'a>,
}

impl Default for TokenRef<'_> {
    fn default() -> Self {
        TokenRef {
            term: u32::MAX,
            weight: 0.0,
            role: Role::Word,
            transliterated: false,
            abjad: false,
            syllabic: false,
            lead_surname: false,
            alts: U32List::default(),
        }
    }
}

/// Where a term's postings lie ([`Index::postings_ref`]); meaningful only
/// for the index that gave it (read bounds-checked all the same).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostingsRef {
    off: u32,
    len: u32,
}

impl PostingsRef {
    /// The number of names.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A bounds-safe view of a little-endian u32 list in mapped bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct U32List<'a> {
    bytes: &'a [u8],
}

impl<'a> U32List<'a> {
    pub fn len(&self) -> usize {
        self.bytes.len() / 4
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.len() < 4
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        self.bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
}

fn read_sections(b: &[u8]) -> Result<[Sec; 12]> {
    let f = format::TABLES_FILE;
    if b.len() < format::HEADER_SIZE || &b[..8] != format::MAGIC {
        return Err(corrupt(
            f,
            "bad magic (not an embargo index table, or truncated)",
        ));
    }
    let version = le::u32_at(b, 8).unwrap_or(0);
    if version != format::FORMAT_VERSION {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "{f} is format version {version}, this engine reads {}: rebuild the index",
                format::FORMAT_VERSION
            ),
        ));
    }
    let n = le::u32_at(b, 12).unwrap_or(0) as usize;
    if n > 64 {
        return Err(corrupt(f, "implausible section count"));
    }
    let mut secs = [Sec::default(); 12];
    let mut seen = [false; 12];
    for i in 0..n {
        let at = format::HEADER_SIZE + i * format::SECTION_ENTRY_SIZE;
        let (Some(kind), Some(off), Some(len)) = (
            le::u32_at(b, at),
            le::u64_at(b, at + 8),
            le::u64_at(b, at + 16),
        ) else {
            return Err(corrupt(f, "truncated section table"));
        };
        let end = off
            .checked_add(len)
            .ok_or_else(|| corrupt(f, "section overflows"))?;
        if end > b.len() as u64 {
            return Err(corrupt(
                f,
                format!("section {kind} runs past the end of the file (truncated?)"),
            ));
        }
        if let Some(slot) = secs.get_mut(kind as usize) {
            *slot = Sec {
                off: off as usize,
                len: len as usize,
            };
            seen[kind as usize] = true;
        }
    }
    for k in section::ALL {
        if !seen[k as usize] {
            return Err(corrupt(f, format!("section {k} is missing")));
        }
    }
    Ok(secs)
}

/// Re-hashes every data file of an index folder against its manifest.
pub fn verify_dir(dir: &Path, manifest: &Manifest) -> Result<()> {
    verify_dir_paced(dir, manifest, std::time::Duration::ZERO)
}

/// [`verify_dir`], hashing [`PACED_SLICE`] bytes at a time and pausing
/// `pause` after each, so a service verifying a new index beside live
/// traffic never holds a core for long: a request that finds the core busy
/// waits for one slice (~40 µs of SHA-256), not a whole file.
pub const PACED_SLICE: usize = 64 << 10;

/// See [`PACED_SLICE`].
pub fn verify_dir_paced(dir: &Path, manifest: &Manifest, pause: std::time::Duration) -> Result<()> {
    use std::io::Read as _;
    for name in format::DATA_FILES {
        let want = manifest
            .files
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| corrupt(name, "missing from the manifest").in_file(dir))?;
        let p = dir.join(name);
        let mut f = std::fs::File::open(&p).map_err(|e| Error::io(&p, e))?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0u64;
        loop {
            let n = f.read(&mut buf).map_err(|e| Error::io(&p, e))?;
            if n == 0 {
                break;
            }
            if pause.is_zero() {
                h.update(&buf[..n]);
            } else {
                for slice in buf[..n].chunks(PACED_SLICE) {
                    h.update(slice);
                    std::thread::sleep(pause);
                }
            }
            total += n as u64;
        }
        let got = hex(&h.finalize());
        if got != want.sha256 || total != want.bytes {
            return Err(corrupt(name, "its sha256 differs from the manifest").in_file(&p));
        }
    }
    Ok(())
}
