//! The index builder: lists in, an immutable index folder out.
//!
//! A build writes every file into a fresh temporary folder beside the
//! target, fsyncs them, writes the manifest last, and renames the folder
//! into place. The target must not exist: an index folder is never
//! rewritten (a running reader has it memory-mapped). See
//! [`super::format`] for the layout.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::format::{self, key, section};
use super::manifest::{Counts, IndexFile, Manifest, SourceFile, SourceList};
use crate::analysis::{self, keys, Role};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{hex, Kind, NameStrength};
use crate::score::edit_budget;
use crate::source::ParsedList;

/// Deletions indexed per term are capped here (queries use the same cap),
/// which bounds the key count; longer typos are found through the other
/// keys (skeleton, phonetic, the name's other tokens).
pub const MAX_INDEXED_DELETIONS: usize = 2;

/// A word of more characters than this gets no deletion variants but
/// itself: no name part is that long (the bundled lists' longest term has
/// 27 letters), and a hostile 3,000-letter one would have 4.5 million
/// variants of 3,000 bytes each — in a list build, a customer index or a
/// query alike.
pub const MAX_DELETION_WORD: usize = 64;

/// What a build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub dir: PathBuf,
    pub counts: Counts,
    pub bytes: u64,
    pub seconds: f64,
}

/// Every deletion neighbour of `word` with up to `d` characters removed,
/// the word itself included (SymSpell). Works on chars.
pub fn deletions(word: &str, d: usize) -> Vec<String> {
    let mut out = vec![word.to_string()];
    let mut frontier = vec![word.to_string()];
    for _ in 0..d {
        let mut next = Vec::new();
        for w in &frontier {
            let chars: Vec<char> = w.chars().collect();
            if chars.len() <= 1 {
                continue;
            }
            for i in 0..chars.len() {
                // Deleting either of two equal neighbours gives the same word.
                if i > 0 && chars[i] == chars[i - 1] {
                    continue;
                }
                let v: String = chars
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, c)| *c)
                    .collect();
                next.push(v);
            }
        }
        next.sort_unstable();
        next.dedup();
        out.extend(next.iter().cloned());
        frontier = next;
    }
    let (head, rest) = out.split_at_mut(1);
    rest.sort_unstable();
    let mut v: Vec<String> = head.to_vec();
    let mut last: Option<&String> = None;
    for r in rest.iter() {
        if last != Some(r) && r != &v[0] {
            v.push(r.clone());
        }
        last = Some(r);
    }
    v
}

/// The deletion budget used for a term (index and query side alike): 0
/// past [`MAX_DELETION_WORD`] characters.
pub fn deletion_budget(word: &str) -> usize {
    let n = word.chars().count();
    if n > MAX_DELETION_WORD {
        return 0;
    }
    edit_budget(n).min(MAX_INDEXED_DELETIONS)
}

fn kind_code(k: Kind) -> u8 {
    match k {
        Kind::Person => 0,
        Kind::Organization => 1,
        Kind::Vessel => 2,
        Kind::Aircraft => 3,
        Kind::Unknown => 4,
    }
}

fn strength_code(s: NameStrength) -> u8 {
    match s {
        NameStrength::Primary => 0,
        NameStrength::Aka => 1,
        NameStrength::WeakAka => 2,
        NameStrength::Fka => 3,
        NameStrength::Nka => 4,
    }
}

/// A token's script byte (see `format`'s `TOKENS`).
fn script_code(t: &crate::analysis::Token) -> u8 {
    let script = if t.abjad {
        2
    } else if t.syllabic {
        3
    } else {
        u8::from(t.transliterated)
    };
    script | if t.lead_surname { LEAD_SURNAME_BIT } else { 0 }
}

/// The script byte's flag for [`crate::analysis::Token::lead_surname`].
pub(crate) const LEAD_SURNAME_BIT: u8 = 0x80;

fn role_code(r: Role) -> u8 {
    match r {
        Role::Word => 0,
        Role::Initial => 1,
        Role::Title => 2,
        Role::Particle => 3,
        Role::LegalForm => 4,
    }
}

#[derive(Default)]
struct Strings {
    blob: Vec<u8>,
    seen: HashMap<String, (u32, u32)>,
}

impl Strings {
    fn add(&mut self, s: &str) -> Result<(u32, u32)> {
        if let Some(r) = self.seen.get(s) {
            return Ok(*r);
        }
        let off = u32::try_from(self.blob.len())
            .map_err(|_| Error::malformed("index string table over 4 GiB"))?;
        let len = u32::try_from(s.len()).map_err(|_| Error::malformed("string over 4 GiB"))?;
        self.blob.extend_from_slice(s.as_bytes());
        self.seen.insert(s.to_string(), (off, len));
        Ok((off, len))
    }
}

struct NameBuild {
    entity: u32,
    strength: u8,
    text: (u32, u32),
    /// Per token: text, alternative spellings, weight, role code, script
    /// code (0 Latin, 1 transliterated, 2 transliterated from an abjad).
    tokens: Vec<(String, Vec<String>, f32, u8, u8)>,
}

fn u32_of(n: usize, what: &str) -> Result<u32> {
    u32::try_from(n).map_err(|_| Error::malformed(format!("too many {what} for one index")))
}

fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let n = std::io::copy(&mut f, &mut h).map_err(|e| Error::io(path, e))?;
    Ok((hex(&h.finalize()), n))
}

/// sha256 of the analysis data compiled into this engine (dictionaries and
/// weights): recorded with every index.
pub fn analysis_data_sha256() -> String {
    let mut h = Sha256::new();
    for part in [
        include_str!("../../data/analysis/titles.txt"),
        include_str!("../../data/analysis/particles.txt"),
        include_str!("../../data/analysis/legal_forms.txt"),
        include_str!("../../data/analysis/token_weights.tsv"),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex(&h.finalize())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let f = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = BufWriter::new(f);
    w.write_all(bytes).map_err(|e| Error::io(path, e))?;
    let f = w
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

fn fst_bytes(entries: impl Iterator<Item = (Vec<u8>, u64)>) -> Result<Vec<u8>> {
    let mut b = fst::MapBuilder::memory();
    for (k, v) in entries {
        b.insert(&k, v)
            .map_err(|e| Error::malformed(format!("building FST: {e}")))?;
    }
    b.into_inner()
        .map_err(|e| Error::malformed(format!("building FST: {e}")))
}

/// Builds an index of `lists` into `out`, which must not exist.
pub fn build(lists: &[ParsedList], out: &Path) -> Result<BuildReport> {
    let started = Instant::now();
    if out.exists() {
        return Err(Error::new(
            ErrorKind::Usage,
            "the output folder exists: an index is never rewritten in place (readers may have it mapped); choose a new folder",
        )
        .in_file(out));
    }
    if lists.is_empty() {
        return Err(Error::new(ErrorKind::Usage, "no lists to index"));
    }
    if lists.len() > u16::MAX as usize {
        return Err(Error::new(ErrorKind::Usage, "too many lists for one index"));
    }
    let mut strings = Strings::default();
    let mut names: Vec<NameBuild> = Vec::new();
    let mut entities_tbl: Vec<u8> = Vec::new();
    let mut records: Vec<u8> = Vec::new();
    let mut lists_tbl: Vec<u8> = Vec::new();
    let mut entity_count = 0u32;
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut id_pairs: Vec<(Vec<u8>, u32)> = Vec::new();

    for (li, list) in lists.iter().enumerate() {
        let (o, l) = strings.add(&list.list_id)?;
        lists_tbl.extend_from_slice(&o.to_le_bytes());
        lists_tbl.extend_from_slice(&l.to_le_bytes());
        let (o, l) = strings.add(list.version.as_deref().unwrap_or(""))?;
        lists_tbl.extend_from_slice(&o.to_le_bytes());
        lists_tbl.extend_from_slice(&l.to_le_bytes());
        for e in &list.entities {
            if let Some(prev) = seen_ids.insert(e.id.clone(), li) {
                return Err(Error::new(
                    ErrorKind::Usage,
                    format!(
                        "entity {} is in two of the given lists ({} and {}): give each list once",
                        e.id,
                        lists[prev].path.display(),
                        list.path.display()
                    ),
                ));
            }
            let first_name = u32_of(names.len(), "names")?;
            for n in &e.names {
                let a = analysis::analyze(&n.full);
                let tokens = a
                    .tokens
                    .into_iter()
                    .map(|t| {
                        let script = script_code(&t);
                        (t.text, t.alts, t.weight, role_code(t.role), script)
                    })
                    .collect();
                names.push(NameBuild {
                    entity: entity_count,
                    strength: strength_code(n.strength),
                    text: strings.add(&n.full)?,
                    tokens,
                });
            }
            let n_names = u32_of(names.len(), "names")? - first_name;
            for id in &e.ids {
                let v = format::normalize_id(&id.value);
                if v.len() >= 4 {
                    let mut k = vec![key::IDENTIFIER];
                    k.extend_from_slice(v.as_bytes());
                    id_pairs.push((k, entity_count));
                    if let Some(bare) = v.strip_prefix("IMO").filter(|b| b.len() == 7) {
                        let mut k = vec![key::IDENTIFIER];
                        k.extend_from_slice(bare.as_bytes());
                        id_pairs.push((k, entity_count));
                    }
                }
            }
            let record = serde_json::to_vec(e)
                .map_err(|err| Error::malformed(format!("serialising {}: {err}", e.id)))?;
            let (id_off, id_len) = strings.add(&e.id)?;
            let rec_off = u32_of(records.len(), "record bytes")?;
            let rec_len = u32_of(record.len(), "record bytes")?;
            records.extend_from_slice(&record);
            // What a hit reads, right after the record (a few hundred
            // bytes to parse instead of the whole record).
            let facts = serde_json::to_vec(&crate::model::HitFacts::of(e))
                .map_err(|err| Error::malformed(format!("serialising {}: {err}", e.id)))?;
            let facts_len = u32_of(facts.len(), "record bytes")?;
            records.extend_from_slice(&facts);
            let mut row = Vec::with_capacity(format::ENTITY_SIZE);
            row.extend_from_slice(&id_off.to_le_bytes());
            row.extend_from_slice(&id_len.to_le_bytes());
            row.extend_from_slice(&(li as u16).to_le_bytes());
            row.push(kind_code(e.kind));
            row.push(0);
            row.extend_from_slice(&first_name.to_le_bytes());
            row.extend_from_slice(&n_names.to_le_bytes());
            row.extend_from_slice(&rec_off.to_le_bytes());
            row.extend_from_slice(&rec_len.to_le_bytes());
            let hash = Sha256::digest(&record);
            row.extend_from_slice(&hash);
            row.extend_from_slice(&facts_len.to_le_bytes());
            debug_assert_eq!(row.len(), format::ENTITY_SIZE);
            entities_tbl.extend_from_slice(&row);
            entity_count = entity_count
                .checked_add(1)
                .ok_or_else(|| Error::malformed("too many entities"))?;
        }
    }

    // Terms: every spelling of every token, with the names carrying it.
    let mut term_names: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut transliterated_terms: HashSet<&str> = HashSet::new();
    for (ni, n) in names.iter().enumerate() {
        let ni = ni as u32;
        for (text, alts, _, _, translit) in &n.tokens {
            if *translit != 0 {
                transliterated_terms.insert(text.as_str());
            }
            for t in std::iter::once(text).chain(alts.iter()) {
                let v = term_names.entry(t.clone()).or_default();
                if v.last() != Some(&ni) {
                    v.push(ni);
                }
            }
        }
    }
    let term_id: HashMap<&str, u32> = term_names
        .keys()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32))
        .collect();

    let mut terms_tbl = Vec::with_capacity(term_names.len() * format::TERM_SIZE);
    let mut postings: Vec<u8> = Vec::new();
    // (key, value) pairs, sorted and grouped below: far cheaper than a
    // BTreeMap of a million keys.
    let mut key_pairs: Vec<(Vec<u8>, u32)> = Vec::new();
    // Deletion variant → term: the `DELETIONS` hash table.
    let mut del_pairs: Vec<(String, u32)> = Vec::new();
    for (tid, (text, post)) in term_names.iter().enumerate() {
        let tid = tid as u32;
        let skeleton = keys::skeleton(text);
        let phonetic = keys::phonetic(text);
        for s in [text.as_str(), skeleton.as_str(), phonetic.as_str()] {
            let (o, l) = strings.add(s)?;
            terms_tbl.extend_from_slice(&o.to_le_bytes());
            terms_tbl.extend_from_slice(&l.to_le_bytes());
        }
        let p_off = u32_of(postings.len() / 4, "postings")?;
        for n in post {
            postings.extend_from_slice(&n.to_le_bytes());
        }
        terms_tbl.extend_from_slice(&p_off.to_le_bytes());
        terms_tbl.extend_from_slice(&u32_of(post.len(), "postings")?.to_le_bytes());
        for d in deletions(text, deletion_budget(text)) {
            del_pairs.push((d, tid));
        }
        if skeleton.len() >= 2 {
            let mut k = vec![key::SKELETON];
            k.extend_from_slice(skeleton.as_bytes());
            key_pairs.push((k, tid));
        }
        for v in format::vowel_swap_keys(text) {
            let mut k = vec![key::VOWEL_SWAP];
            k.extend_from_slice(&v);
            key_pairs.push((k, tid));
        }
        if skeleton.len() == 2 && transliterated_terms.contains(text.as_str()) {
            let mut k = vec![key::SHORT_SKELETON];
            k.extend_from_slice(skeleton.as_bytes());
            key_pairs.push((k, tid));
        }
        // One consonant: every such term of 3 to 7 letters, for a
        // vowel-less query spelling of one consonant (score's one-consonant
        // rule: عدي / UDAY).
        if skeleton.len() == 1 && (3..=crate::score::ONE_CONSONANT_LONGEST).contains(&text.len()) {
            if let Some(oc) = crate::score::one_consonant_key(text) {
                let mut k = vec![key::ONE_CONSONANT];
                k.extend_from_slice(&oc);
                key_pairs.push((k, tid));
            }
        }
        if let Some(rest) = crate::score::article_stripped(text) {
            let sk = keys::skeleton(rest);
            if sk.len() >= 2 {
                let mut k = vec![key::ARTICLE_SKELETON];
                k.extend_from_slice(sk.as_bytes());
                key_pairs.push((k, tid));
            }
        }
        if phonetic.len() >= 2 {
            let mut k = vec![key::PHONETIC];
            k.extend_from_slice(phonetic.as_bytes());
            key_pairs.push((k, tid));
        }
    }
    // Glued neighbours → names: each run's concatenation, and its
    // skeleton when of five letters or more.
    let mut glued = |run: &[(String, Vec<String>, f32, u8, u8)], ni: usize| {
        let mut k = vec![key::GLUED];
        for t in run {
            k.extend_from_slice(t.0.as_bytes());
        }
        let sk = keys::skeleton(&String::from_utf8_lossy(&k[1..]));
        key_pairs.push((k, ni as u32));
        if sk.len() >= 5 {
            let mut k = vec![key::GLUED_SKELETON];
            k.extend_from_slice(sk.as_bytes());
            key_pairs.push((k, ni as u32));
        }
    };
    let legal = role_code(Role::LegalForm);
    for (ni, n) in names.iter().enumerate() {
        for w in n.tokens.windows(2) {
            if w[0].3 != legal && w[1].3 != legal {
                glued(w, ni);
            }
        }
        // A particle between two words glues with both (the scorer's
        // `glues_at` on the listed side: MUHYI AL DIN as `muhyialdin`).
        for w in n.tokens.windows(3) {
            if w[1].3 == role_code(Role::Particle) && w[0].3 != legal && w[2].3 != legal {
                glued(w, ni);
            }
        }
    }
    key_pairs.append(&mut id_pairs);
    key_pairs.sort_unstable();
    key_pairs.dedup();
    let mut keylists: Vec<u8> = Vec::with_capacity(key_pairs.len() * 4);
    let mut key_entries: Vec<(Vec<u8>, u64)> = Vec::new();
    let mut i = 0;
    while i < key_pairs.len() {
        let mut j = i;
        let off = u32_of(keylists.len() / 4, "key lists")?;
        while j < key_pairs.len() && key_pairs[j].0 == key_pairs[i].0 {
            keylists.extend_from_slice(&key_pairs[j].1.to_le_bytes());
            j += 1;
        }
        let k = std::mem::take(&mut key_pairs[i].0);
        key_entries.push((k, format::pack(off, u32_of(j - i, "key lists")?)));
        i = j;
    }
    drop(key_pairs);
    del_pairs.sort_unstable();
    del_pairs.dedup();
    let (deletions_tbl, deletion_lists) = {
        let mut groups: Vec<(&[u8], Vec<u32>)> = Vec::new();
        for (d, tid) in &del_pairs {
            match groups.last_mut() {
                Some((k, v)) if *k == d.as_bytes() => v.push(*tid),
                _ => groups.push((d.as_bytes(), vec![*tid])),
            }
        }
        super::delhash::build(groups.iter().map(|(k, v)| (*k, v.as_slice())))?
    };
    drop(del_pairs);

    // Names and tokens.
    let mut names_tbl = Vec::with_capacity(names.len() * format::NAME_SIZE);
    let mut tokens_tbl = Vec::new();
    let mut alts_tbl = Vec::new();
    for n in &names {
        let first_tok = u32_of(tokens_tbl.len() / format::TOKEN_SIZE, "tokens")?;
        for (text, alts, weight, role, tr) in &n.tokens {
            let tid = *term_id
                .get(text.as_str())
                .ok_or_else(|| Error::malformed("internal: token without term"))?;
            let first_alt = u32_of(alts_tbl.len() / 4, "alternative spellings")?;
            for a in alts {
                let aid = *term_id
                    .get(a.as_str())
                    .ok_or_else(|| Error::malformed("internal: spelling without term"))?;
                alts_tbl.extend_from_slice(&aid.to_le_bytes());
            }
            tokens_tbl.extend_from_slice(&tid.to_le_bytes());
            tokens_tbl.extend_from_slice(&weight.to_le_bytes());
            tokens_tbl.push(*role);
            tokens_tbl.push(*tr);
            tokens_tbl.extend_from_slice(&(alts.len().min(u16::MAX as usize) as u16).to_le_bytes());
            tokens_tbl.extend_from_slice(&first_alt.to_le_bytes());
        }
        let n_tok = n.tokens.len().min(u16::MAX as usize) as u16;
        names_tbl.extend_from_slice(&n.entity.to_le_bytes());
        names_tbl.extend_from_slice(&first_tok.to_le_bytes());
        names_tbl.extend_from_slice(&n_tok.to_le_bytes());
        names_tbl.push(n.strength);
        names_tbl.push(0);
        names_tbl.extend_from_slice(&n.text.0.to_le_bytes());
        names_tbl.extend_from_slice(&n.text.1.to_le_bytes());
    }

    // tables.bin
    let sections: Vec<(u32, &[u8])> = vec![
        (section::STRINGS, &strings.blob),
        (section::TERMS, &terms_tbl),
        (section::POSTINGS, &postings),
        (section::NAMES, &names_tbl),
        (section::TOKENS, &tokens_tbl),
        (section::ALTS, &alts_tbl),
        (section::ENTITIES, &entities_tbl),
        (section::KEYLISTS, &keylists),
        (section::LISTS, &lists_tbl),
        (section::DELETIONS, &deletions_tbl),
        (section::DELETION_LISTS, &deletion_lists),
    ];
    let mut tables = Vec::new();
    tables.extend_from_slice(format::MAGIC);
    tables.extend_from_slice(&format::FORMAT_VERSION.to_le_bytes());
    tables.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    let table_end = format::HEADER_SIZE + sections.len() * format::SECTION_ENTRY_SIZE;
    let mut off = table_end.div_ceil(8) * 8;
    let mut layout = Vec::new();
    for (kind, bytes) in &sections {
        layout.push((*kind, off, bytes.len()));
        off = (off + bytes.len()).div_ceil(8) * 8;
    }
    for (kind, o, l) in &layout {
        tables.extend_from_slice(&kind.to_le_bytes());
        tables.extend_from_slice(&0u32.to_le_bytes());
        tables.extend_from_slice(&(*o as u64).to_le_bytes());
        tables.extend_from_slice(&(*l as u64).to_le_bytes());
    }
    for ((_, o, _), (_, bytes)) in layout.iter().zip(&sections) {
        tables.resize(*o, 0);
        tables.extend_from_slice(bytes);
    }

    let terms_fst = fst_bytes(term_id_sorted(&term_names))?;
    let key_count = key_entries.len() as u64;
    let keys_fst = fst_bytes(key_entries.into_iter())?;

    // Write into a temporary sibling folder, then publish by rename.
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let base = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "index".into());
    let tmp = parent.join(format!(
        ".{base}.tmp-{}-{}",
        std::process::id(),
        started.elapsed().as_nanos()
    ));
    std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let result = (|| -> Result<BuildReport> {
        let mut files = Vec::new();
        let mut total = 0u64;
        for (name, bytes) in [
            (format::TERMS_FILE, &terms_fst),
            (format::KEYS_FILE, &keys_fst),
            (format::TABLES_FILE, &tables),
            (format::RECORDS_FILE, &records),
        ] {
            write_file(&tmp.join(name), bytes)?;
            total += bytes.len() as u64;
            files.push(IndexFile {
                name: name.to_string(),
                bytes: bytes.len() as u64,
                sha256: hex(&Sha256::digest(bytes)),
            });
        }
        let mut src_lists = Vec::new();
        for l in lists {
            let mut fs = Vec::new();
            for f in &l.files {
                let (sha, bytes) = sha256_file(f)?;
                fs.push(SourceFile {
                    path: f.display().to_string(),
                    sha256: sha,
                    bytes,
                });
            }
            src_lists.push(SourceList {
                list_id: l.list_id.clone(),
                format: l.format.as_str().to_string(),
                version: l.version.clone(),
                entities: l.entities.len() as u64,
                names: l.name_count() as u64,
                files: fs,
            });
        }
        let counts = Counts {
            entities: entity_count as u64,
            names: names.len() as u64,
            terms: term_names.len() as u64,
            keys: key_count,
        };
        let manifest = Manifest {
            format_version: format::FORMAT_VERSION,
            engine_version: env!("CARGO_PKG_VERSION").to_string(),
            analysis_version: analysis::ANALYSIS_VERSION.to_string(),
            analysis_data_sha256: analysis_data_sha256(),
            created: super::manifest::now_rfc3339(),
            lists: src_lists,
            counts,
            files,
        };
        let json = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| Error::malformed(format!("serialising the manifest: {e}")))?;
        write_file(&tmp.join(format::MANIFEST_FILE), &json)?;
        total += json.len() as u64;
        if let Ok(d) = File::open(&tmp) {
            let _ = d.sync_all();
        }
        std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
        if let Ok(d) = File::open(&parent) {
            let _ = d.sync_all();
        }
        Ok(BuildReport {
            dir: out.to_path_buf(),
            counts,
            bytes: total,
            seconds: started.elapsed().as_secs_f64(),
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn term_id_sorted(terms: &BTreeMap<String, Vec<u32>>) -> impl Iterator<Item = (Vec<u8>, u64)> + '_ {
    terms
        .keys()
        .enumerate()
        .map(|(i, t)| (t.as_bytes().to_vec(), i as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletion_neighbourhood_includes_the_word_and_single_deletions() {
        let d = deletions("abc", 1);
        assert_eq!(d, ["abc", "ab", "ac", "bc"]);
        assert_eq!(deletions("aab", 1), ["aab", "aa", "ab"]);
    }

    #[test]
    fn a_word_too_long_for_a_name_part_gets_no_deletions() {
        assert_eq!(deletion_budget("transstroymekhanizatsiya"), 2);
        assert_eq!(deletion_budget(&"ж".repeat(MAX_DELETION_WORD)), 2);
        let hostile = "ab".repeat(1500);
        assert_eq!(deletion_budget(&hostile), 0);
        assert_eq!(deletions(&hostile, deletion_budget(&hostile)), [hostile]);
    }
}
