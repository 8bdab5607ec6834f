//! OFAC legacy CSV sets: `sdn.csv` (or `cons_prim.csv`) with the optional
//! companions `add.csv`, `alt.csv` and `sdn_comments.csv` (or `cons_*`).
//!
//! The files have no header row. Columns:
//!
//! | file     | columns |
//! |----------|---------|
//! | main     | ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks |
//! | add      | ent_num, add_num, Address, City/State/Postal, Country, Add_remarks |
//! | alt      | ent_num, alt_num, alt_type (`aka`/`fka`/`nka`), alt_name, alt_remarks |
//! | comments | ent_num, continuation of that entry's Remarks |
//!
//! `-0- ` (with its trailing space) is the null marker. Official files end
//! with a `0x1A` byte after the last line; it is not a record. Its absence
//! is a warning, not an error (the 2019 copies lost it when their line
//! endings were normalised), but a last record with the wrong number of
//! fields or an unclosed quote is a truncated file and an error.
//!
//! The Remarks column hides most of the structured data (`DOB …`,
//! `Passport … (Country)`, `a.k.a. '…'`, …). `parse_remarks` and
//! `apply_labeled` turn it into fields; the flat XML and Enhanced XML
//! readers use the same two functions for their labelled items, so the three
//! OFAC formats agree on what a label means.
//!
//! How the columns map to the model:
//! - `SDN_Name` → the primary name, as written (`LAST, First` for
//!   individuals, whose family/given parts are split at the first `", "`);
//!   alt.csv rows → `Aka`/`Fka`/`Nka` names; the quoted `a.k.a. '…'`,
//!   `f.k.a. '…'`, `n.k.a. '…'` of the remarks → `WeakAka` (OFAC keeps its
//!   weak aliases there; weakness matters more to matching than the tense).
//! - `SDN_Type`: `individual` → person, `vessel`, `aircraft`; `-0-` →
//!   unknown (it is *not* proof of an organisation).
//! - `Program` `SDGT] [IRGC` → programs `SDGT`, `IRGC`; `Title` → attribute;
//!   `Call_Sign` → identifier `call_sign`; vessel columns → attributes
//!   `vessel_type`, `tonnage`, `grt`, `vessel_flag` (also a `Registration`
//!   country when it names one), `vessel_owner`.
//! - add.csv → addresses (`Address, City/State/Postal`) with their country,
//!   which is also a `Location` country.
//! - Remarks (with their sdn_comments continuation appended first) → kept
//!   whole in `remarks`, and parsed into dates of birth, countries (with
//!   ISO codes where OFAC's name is known), identifiers, attributes
//!   (`gender`, `place_of_birth`, `linked_to`, …) and weak aliases.
//! - No version: the CSV states no date.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::dates::{parse_dob, SlashOrder};
use super::input::{decode_utf8_or_1252, non_null};
use super::{Format, Input, OfacCsvSet, ParsedList};
use crate::error::{Error, Result};
use crate::model::{
    collapse_ws, Address, CountryRole, Entity, Identifier, Kind, Name, NameStrength,
};

const MAIN_FIELDS: usize = 12;
const ADD_FIELDS: usize = 6;
const ALT_FIELDS: usize = 5;
const COMMENT_FIELDS: usize = 2;

/// How many absent ent_nums a companion warning names before summarising.
const MAX_NAMED_ORPHANS: usize = 10;

/// Reads an OFAC CSV set.
pub fn read_set(set: &OfacCsvSet) -> Result<ParsedList> {
    let main_path = set.main.path().to_path_buf();
    let list_path = if set.folder.as_os_str().is_empty() {
        main_path.clone()
    } else {
        set.folder.clone()
    };
    let mut list = ParsedList::new(set.list_id, Format::OfacCsv, &list_path);
    list.files = vec![main_path.clone()];

    // --- main file -------------------------------------------------------
    let main = CsvText::load(&set.main)?;
    if main.text.trim().is_empty() {
        return Err(Error::malformed(
            "the main file is empty: refusing it rather than reading it as an empty list",
        )
        .in_file(&main_path));
    }
    main.warn_oddities(&mut list);
    let rows = main.records(MAIN_FIELDS)?;

    let mut by_ent: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    // Raw remarks and the line of each entity, parsed once comments are in.
    let mut raw_remarks: Vec<String> = Vec::with_capacity(rows.len());
    let mut lines: Vec<u64> = Vec::with_capacity(rows.len());
    for row in &rows {
        let f = |i: usize| row.rec.get(i).unwrap_or("");
        let at = |e: Error| e.at(row.line).in_file(&main_path);
        let ent = ent_num(f(0)).map_err(at)?;
        let kind = match non_null(f(2)).map(str::to_ascii_lowercase).as_deref() {
            None => Kind::Unknown,
            Some("individual") => Kind::Person,
            Some("vessel") => Kind::Vessel,
            Some("aircraft") => Kind::Aircraft,
            Some("entity") => Kind::Organization,
            Some(other) => {
                list.warn(
                    Some(&main_path),
                    Some(row.line),
                    format!("unknown SDN_Type '{other}' of entry {ent}: kept as unknown"),
                );
                Kind::Unknown
            }
        };
        let Some(name) = non_null(f(1)) else {
            return Err(at(Error::malformed(format!("entry {ent} has no name"))));
        };
        if by_ent.contains_key(&ent) {
            return Err(at(Error::malformed(format!("duplicate ent_num {ent}"))));
        }
        let mut e = Entity::new(set.list_id, ent.clone(), kind);
        e.add_name(ofac_name(name, NameStrength::Primary, kind));
        if let Some(p) = non_null(f(3)) {
            for prog in split_programs(p) {
                if !e.programs.contains(&prog) {
                    e.programs.push(prog);
                }
            }
        }
        if let Some(t) = non_null(f(4)) {
            e.add_attribute("title", t);
        }
        if let Some(cs) = non_null(f(5)) {
            push_id(
                &mut e,
                ident("call_sign", cs, Some("Call_Sign"), None, None),
            );
        }
        for (i, key) in [
            (6, "vessel_type"),
            (7, "tonnage"),
            (8, "grt"),
            (9, "vessel_flag"),
            (10, "vessel_owner"),
        ] {
            if let Some(v) = non_null(f(i)) {
                add_attr(&mut e, key, v);
            }
        }
        let remark = f(11);
        raw_remarks.push(if non_null(remark).is_some() {
            remark.to_string()
        } else {
            String::new()
        });
        lines.push(row.line);
        by_ent.insert(ent, list.entities.len());
        list.entities.push(e);
    }
    drop(rows);

    // --- companions ------------------------------------------------------
    if let Some(alt) = &set.alt {
        list.files.push(alt.path().to_path_buf());
        let file = CsvText::load(alt)?;
        file.warn_oddities(&mut list);
        let mut orphans = Orphans::default();
        for row in file.records(ALT_FIELDS)? {
            let f = |i: usize| row.rec.get(i).unwrap_or("");
            let ent = ent_num(f(0)).map_err(|e| e.at(row.line).in_file(alt.path()))?;
            let Some(&idx) = by_ent.get(&ent) else {
                orphans.add(ent, row.line);
                continue;
            };
            let strength = match non_null(f(2)).map(str::to_ascii_lowercase).as_deref() {
                Some("aka") | Some("a.k.a.") => NameStrength::Aka,
                Some("fka") | Some("f.k.a.") => NameStrength::Fka,
                Some("nka") | Some("n.k.a.") => NameStrength::Nka,
                other => {
                    let msg = format!(
                        "unknown alt_type '{}' for entry {ent}: read as a.k.a.",
                        other.unwrap_or("")
                    );
                    list.warnings.push(super::Warning {
                        path: alt.path().to_path_buf(),
                        line: Some(row.line),
                        message: msg,
                    });
                    NameStrength::Aka
                }
            };
            let e = &mut list.entities[idx];
            if let Some(n) = non_null(f(3)) {
                e.add_name(ofac_name(n, strength, e.kind));
            }
            if let Some(r) = non_null(f(4)) {
                e.remarks.push(collapse_ws(r));
            }
        }
        orphans.warn(&mut list, alt.path(), "alias");
    }

    if let Some(add) = &set.add {
        list.files.push(add.path().to_path_buf());
        let file = CsvText::load(add)?;
        file.warn_oddities(&mut list);
        let mut orphans = Orphans::default();
        for row in file.records(ADD_FIELDS)? {
            let f = |i: usize| row.rec.get(i).unwrap_or("");
            let ent = ent_num(f(0)).map_err(|e| e.at(row.line).in_file(add.path()))?;
            let Some(&idx) = by_ent.get(&ent) else {
                orphans.add(ent, row.line);
                continue;
            };
            let e = &mut list.entities[idx];
            let mut text = address_text(&[non_null(f(2)), non_null(f(3))]);
            if let Some(r) = non_null(f(5)) {
                if text.is_empty() {
                    text = collapse_ws(r);
                } else {
                    text = format!("{text} ({})", collapse_ws(r));
                }
            }
            add_address(e, text, non_null(f(4)));
        }
        orphans.warn(&mut list, add.path(), "address");
    }

    if let Some(com) = &set.comments {
        list.files.push(com.path().to_path_buf());
        let file = CsvText::load(com)?;
        file.warn_oddities(&mut list);
        let mut orphans = Orphans::default();
        for row in file.records(COMMENT_FIELDS)? {
            let ent = ent_num(row.rec.get(0).unwrap_or(""))
                .map_err(|e| e.at(row.line).in_file(com.path()))?;
            let Some(&idx) = by_ent.get(&ent) else {
                orphans.add(ent, row.line);
                continue;
            };
            // The Remarks field is cut at a fixed width and goes on here,
            // mid-word: join without a separator.
            raw_remarks[idx].push_str(row.rec.get(1).unwrap_or(""));
        }
        orphans.warn(&mut list, com.path(), "comment");
    }

    // --- remarks (after the comments have completed them) ------------------
    for (idx, raw) in raw_remarks.iter().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let e = &mut list.entities[idx];
        e.remarks.insert(0, collapse_ws(raw));
        let mut msgs = Vec::new();
        parse_remarks(e, raw, &mut msgs);
        for m in msgs {
            let m = format!("entry {}: {m}", e.own_id);
            list.warnings.push(super::Warning {
                path: main_path.clone(),
                line: Some(lines[idx]),
                message: m,
            });
        }
    }
    Ok(list)
}

/// Validates an ent_num (digits only).
fn ent_num(field: &str) -> Result<String> {
    let t = field.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::malformed(format!(
            "ent_num '{t}' is not a number (is this an OFAC CSV file?)"
        )));
    }
    Ok(t.to_string())
}

/// Companion rows whose ent_num is not in the main file (a mismatched set).
#[derive(Default)]
struct Orphans {
    count: usize,
    first_line: Option<u64>,
    ids: Vec<String>,
}

impl Orphans {
    fn add(&mut self, ent: String, line: u64) {
        self.count += 1;
        self.first_line.get_or_insert(line);
        if self.ids.len() < MAX_NAMED_ORPHANS && !self.ids.contains(&ent) {
            self.ids.push(ent);
        }
    }

    fn warn(&self, list: &mut ParsedList, path: &Path, what: &str) {
        if self.count == 0 {
            return;
        }
        let more = if self.count > self.ids.len() {
            ", …"
        } else {
            ""
        };
        list.warnings.push(super::Warning {
            path: path.to_path_buf(),
            line: self.first_line,
            message: format!(
                "{} {what} row(s) name ent_nums absent from the main file ({}{more}): ignored — is this companion from another publication?",
                self.count,
                self.ids.join(", ")
            ),
        });
    }
}

/// One file of the set, decoded, without its `0x1A` end marker.
struct CsvText {
    path: PathBuf,
    text: String,
    /// The file ended with the `0x1A` marker.
    eof_marker: bool,
    /// The bytes were not UTF-8 and were read as Windows-1252.
    windows_1252: bool,
    /// The file has no bytes at all.
    zero_bytes: bool,
}

/// One CSV record and the line it starts on.
struct Row {
    line: u64,
    rec: csv::StringRecord,
}

impl CsvText {
    fn load(input: &Input) -> Result<CsvText> {
        let path = input.path().to_path_buf();
        let bytes = input.bytes().map_err(|e| e.in_file(&path))?;
        let (text, windows_1252) = decode_utf8_or_1252(&bytes);
        let mut text = text.into_owned();
        let end = text
            .trim_end_matches(|c: char| c.is_ascii_whitespace())
            .len();
        let eof_marker = text[..end].ends_with('\u{1a}');
        if eof_marker {
            text.truncate(end - 1);
        }
        Ok(CsvText {
            path,
            zero_bytes: bytes.is_empty(),
            text,
            eof_marker,
            windows_1252,
        })
    }

    fn warn_oddities(&self, list: &mut ParsedList) {
        if self.zero_bytes {
            return;
        }
        if !self.eof_marker {
            list.warnings.push(super::Warning {
                path: self.path.clone(),
                line: None,
                message: "no end-of-file marker (0x1A): the file may have been cut at a line end or re-saved (its records were all complete)".into(),
            });
        }
        if self.windows_1252 {
            list.warnings.push(super::Warning {
                path: self.path.clone(),
                line: None,
                message: "not valid UTF-8: read as Windows-1252".into(),
            });
        }
    }

    /// Every record, each checked to have `fields` fields; the last one is
    /// also checked for an unclosed quote (a file cut mid-record).
    fn records(&self, fields: usize) -> Result<Vec<Row>> {
        let newlines: Vec<usize> = self
            .text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        let line_of = |byte: u64| newlines.partition_point(|&p| (p as u64) < byte) as u64 + 1;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(self.text.as_bytes());
        let mut rows = Vec::new();
        let mut starts = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| line_of(p.byte())).unwrap_or(0);
                Error::malformed(format!("unreadable CSV record: {e}"))
                    .at(line)
                    .in_file(&self.path)
            })?;
            if rec.len() == 1 && rec[0].trim().is_empty() {
                continue;
            }
            // The reported offset can sit on the line end before the
            // record (after a `\r`, or on blank lines): skip to its text.
            let mut byte = rec.position().map(|p| p.byte()).unwrap_or(0) as usize;
            let bytes = self.text.as_bytes();
            while byte < bytes.len() && (bytes[byte] == b'\r' || bytes[byte] == b'\n') {
                byte += 1;
            }
            let byte = byte as u64;
            starts.push(byte as usize);
            rows.push(Row {
                line: line_of(byte),
                rec,
            });
        }
        let n = rows.len();
        for (i, row) in rows.iter().enumerate() {
            if row.rec.len() != fields {
                let what = if i + 1 == n {
                    "the last record"
                } else {
                    "record"
                };
                let hint = if i + 1 == n {
                    ": the file looks truncated"
                } else {
                    ""
                };
                return Err(Error::malformed(format!(
                    "{what} has {} fields, expected {fields}{hint}",
                    row.rec.len()
                ))
                .at(row.line)
                .in_file(&self.path));
            }
        }
        if let (Some(last), Some(&start)) = (rows.last(), starts.last()) {
            let quotes = self.text[start.min(self.text.len())..]
                .bytes()
                .filter(|b| *b == b'"')
                .count();
            if quotes % 2 == 1 {
                return Err(Error::malformed(
                    "the last record has an unclosed quote: the file looks truncated",
                )
                .at(last.line)
                .in_file(&self.path));
            }
            // OFAC quotes every text field; the last field of each file
            // (Remarks, Add_remarks, alt_remarks, the comment) is quoted
            // or the null marker. Anything else is a record cut mid-field.
            // (A cut null marker is harmless, and real: the 2019 add.csv
            // ends in `-0`.)
            let tail = self.text.trim_end();
            let last_field = tail.rsplit(',').next().unwrap_or(tail).trim();
            if !(tail.ends_with('"') || ["-", "-0", "-0-"].contains(&last_field)) {
                return Err(Error::malformed(
                    "the last record ends in the middle of a field: the file looks truncated",
                )
                .at(last.line)
                .in_file(&self.path));
            }
        }
        Ok(rows)
    }
}

// ---------------------------------------------------------------------------
// Shared by the three OFAC readers.
// ---------------------------------------------------------------------------

/// Splits OFAC's program column (`SDGT] [IRGC`) into programs.
pub(crate) fn split_programs(s: &str) -> Vec<String> {
    s.split("] [")
        .map(|p| collapse_ws(p.trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace())))
        .filter(|p| !p.is_empty() && p != "-0-")
        .collect()
}

/// A name as OFAC writes it. Individuals are written `LAST, First`; their
/// family/given parts are split at the first `", "` (the flat XML gives the
/// same parts as `lastName`/`firstName`, so both formats agree).
pub(crate) fn ofac_name(full: &str, strength: NameStrength, kind: Kind) -> Name {
    let mut n = Name::new(full, strength);
    if kind == Kind::Person && !n.full.is_empty() {
        match n.full.split_once(", ") {
            Some((last, first)) if !last.trim().is_empty() && !first.trim().is_empty() => {
                n.family = Some(last.trim().to_string());
                n.given = Some(first.trim().to_string());
            }
            _ => n.family = Some(n.full.clone()),
        }
    }
    n
}

/// `Street, City State Postal` as the CSV and the flat XML both write it.
pub(crate) fn address_text(parts: &[Option<&str>]) -> String {
    let parts: Vec<String> = parts.iter().flatten().map(|p| collapse_ws(p)).collect();
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds an address (unless it is empty or already there) and its country
/// as a `Location`.
pub(crate) fn add_address(e: &mut Entity, text: String, country: Option<&str>) {
    let country = country.map(collapse_ws).filter(|c| !c.is_empty());
    if let Some(c) = &country {
        e.add_country(CountryRole::Location, c, country_code(c));
    }
    if text.is_empty() {
        return;
    }
    let a = Address { text, country };
    if !e.addresses.contains(&a) {
        e.addresses.push(a);
    }
}

/// Adds an attribute; a vessel flag is also a country of registration.
fn add_attr(e: &mut Entity, key: &str, value: &str) {
    e.add_attribute(key, value);
    if key == "vessel_flag" {
        if let Some(code) = country_code(value) {
            e.add_country(CountryRole::Registration, value, Some(code));
        }
    }
}

fn ident(
    kind: &str,
    value: &str,
    raw_type: Option<&str>,
    country: Option<&str>,
    note: Option<String>,
) -> Identifier {
    Identifier {
        kind: kind.to_string(),
        value: collapse_ws(value),
        raw_type: raw_type.map(collapse_ws),
        country: country.map(collapse_ws).filter(|c| !c.is_empty()),
        note: note.filter(|n| !n.is_empty()),
    }
}

/// Adds an identifier unless the same kind and value is there already.
pub(crate) fn push_id(e: &mut Entity, id: Identifier) {
    if id.value.is_empty() {
        return;
    }
    if e.ids
        .iter()
        .any(|x| x.kind == id.kind && x.value == id.value)
    {
        return;
    }
    e.ids.push(id);
}

/// What a label in OFAC's remarks (or an XML `idType` / feature type) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fact {
    /// An identifier of this canonical kind.
    Id(&'static str),
    /// "Identification Number": a national id for people, a registry
    /// number for anything else.
    IdNumber,
    /// A phone or fax number (no country/issue parsing).
    Phone,
    /// `Digital Currency Address - XBT <address>`.
    Crypto,
    Attr(&'static str),
    Country(CountryRole),
    Dob,
    Pob,
}

/// Labels, lower-case, as OFAC writes them. The longest matching label
/// wins, so `passport` does not swallow `passport booklet`.
const LABELS: &[(&str, Fact)] = &[
    // dates and places
    ("dob", Fact::Dob),
    ("birthdate", Fact::Dob),
    ("date of birth", Fact::Dob),
    ("pob", Fact::Pob),
    ("place of birth", Fact::Pob),
    // countries
    ("nationality", Fact::Country(CountryRole::Nationality)),
    (
        "nationality country",
        Fact::Country(CountryRole::Nationality),
    ),
    ("citizen", Fact::Country(CountryRole::Citizenship)),
    ("citizenship", Fact::Country(CountryRole::Citizenship)),
    (
        "citizenship country",
        Fact::Country(CountryRole::Citizenship),
    ),
    (
        "nationality of registration",
        Fact::Country(CountryRole::Registration),
    ),
    // attributes
    ("gender", Fact::Attr("gender")),
    ("title", Fact::Attr("title")),
    ("linked to", Fact::Attr("linked_to")),
    ("organization established date", Fact::Attr("established")),
    ("organization type", Fact::Attr("organization_type")),
    ("target type", Fact::Attr("target_type")),
    ("issuer name", Fact::Attr("issuer_name")),
    ("aircraft model", Fact::Attr("aircraft_model")),
    (
        "aircraft manufacture date",
        Fact::Attr("aircraft_manufacture_date"),
    ),
    ("aircraft operator", Fact::Attr("aircraft_operator")),
    ("vessel year of build", Fact::Attr("vessel_year_of_build")),
    ("vessel type", Fact::Attr("vessel_type")),
    ("vessel flag", Fact::Attr("vessel_flag")),
    ("former vessel flag", Fact::Attr("former_vessel_flag")),
    ("vessel owner", Fact::Attr("vessel_owner")),
    ("other vessel flag", Fact::Attr("other_vessel_flag")),
    ("other vessel type", Fact::Attr("other_vessel_type")),
    ("vessel tonnage", Fact::Attr("tonnage")),
    ("vessel gross registered tonnage", Fact::Attr("grt")),
    // passports
    ("passport", Fact::Id("passport")),
    ("passport no.", Fact::Id("passport")),
    ("passport booklet", Fact::Id("passport")),
    ("diplomatic passport", Fact::Id("passport")),
    ("british national overseas passport", Fact::Id("passport")),
    ("stateless person passport", Fact::Id("passport")),
    ("travel document number", Fact::Id("passport")),
    // national ids
    ("national id no.", Fact::Id("national_id")),
    ("national id number", Fact::Id("national_id")),
    ("national foreign id number", Fact::Id("national_id")),
    ("personal id card", Fact::Id("national_id")),
    ("cedula no.", Fact::Id("national_id")),
    ("d.n.i.", Fact::Id("national_id")),
    ("n.i.e.", Fact::Id("national_id")),
    ("ssn", Fact::Id("national_id")),
    ("c.u.r.p.", Fact::Id("national_id")),
    ("curp", Fact::Id("national_id")),
    ("c.u.i.", Fact::Id("national_id")),
    ("c.u.i.p.", Fact::Id("national_id")),
    ("i.f.e.", Fact::Id("national_id")),
    ("credencial electoral", Fact::Id("national_id")),
    ("electoral registry no.", Fact::Id("national_id")),
    ("citizen's card number", Fact::Id("national_id")),
    ("residency number", Fact::Id("national_id")),
    ("kenyan id no.", Fact::Id("national_id")),
    ("turkish identification number", Fact::Id("national_id")),
    ("turkish identificiation number", Fact::Id("national_id")),
    ("tazkira national id card", Fact::Id("national_id")),
    ("numero de identidad", Fact::Id("national_id")),
    ("bosnian personal id no.", Fact::Id("national_id")),
    ("moroccan personal id no.", Fact::Id("national_id")),
    ("stateless person id card", Fact::Id("national_id")),
    ("refugee id card", Fact::Id("national_id")),
    ("cnp (personal numerical code)", Fact::Id("national_id")),
    ("uae identification", Fact::Id("national_id")),
    ("identification number", Fact::IdNumber),
    // tax ids
    ("tax id no.", Fact::Id("tax_id")),
    ("v.a.t. number", Fact::Id("tax_id")),
    ("r.f.c.", Fact::Id("tax_id")),
    ("rfc", Fact::Id("tax_id")),
    ("nit", Fact::Id("tax_id")),
    ("ruc", Fact::Id("tax_id")),
    ("rif", Fact::Id("tax_id")),
    ("rtn", Fact::Id("tax_id")),
    ("c.u.i.t.", Fact::Id("tax_id")),
    ("c.i.f.", Fact::Id("tax_id")),
    ("italian fiscal code", Fact::Id("tax_id")),
    ("fiscal code", Fact::Id("tax_id")),
    ("us fein", Fact::Id("tax_id")),
    ("paraguayan tax identification number", Fact::Id("tax_id")),
    ("romanian tax registration", Fact::Id("tax_id")),
    (
        "numero unico de identificacao tributaria (nuit)",
        Fact::Id("tax_id"),
    ),
    // registry numbers
    ("registration number", Fact::Id("registration")),
    ("registration id", Fact::Id("registration")),
    ("business registration number", Fact::Id("registration")),
    ("business registration document", Fact::Id("registration")),
    ("business number", Fact::Id("registration")),
    ("company number", Fact::Id("registration")),
    ("uk company number", Fact::Id("registration")),
    ("commercial registry number", Fact::Id("registration")),
    ("c.r. no.", Fact::Id("registration")),
    ("romanian c.r.", Fact::Id("registration")),
    ("folio mercantil no.", Fact::Id("registration")),
    ("matricula mercantil no", Fact::Id("registration")),
    ("matricula mercantil no.", Fact::Id("registration")),
    ("trade license no.", Fact::Id("registration")),
    ("public registration number", Fact::Id("registration")),
    (
        "central registration system number",
        Fact::Id("registration"),
    ),
    ("chamber of commerce number", Fact::Id("registration")),
    ("istanbul chamber of comm. no.", Fact::Id("registration")),
    (
        "dubai chamber of commerce membership no.",
        Fact::Id("registration"),
    ),
    ("government gazette number", Fact::Id("registration")),
    (
        "unified social credit code (uscc)",
        Fact::Id("registration"),
    ),
    (
        "united social credit code certificate (usccc)",
        Fact::Id("registration"),
    ),
    ("economic register number (cbls)", Fact::Id("registration")),
    ("legal entity number", Fact::Id("registration")),
    ("license", Fact::Id("registration")),
    ("d-u-n-s number", Fact::Id("registration")),
    ("enterprise number", Fact::Id("registration")),
    ("branch unit number", Fact::Id("registration")),
    (
        "certificate of incorporation number",
        Fact::Id("registration"),
    ),
    ("le number", Fact::Id("registration")),
    ("registered charity no.", Fact::Id("registration")),
    ("organization code", Fact::Id("registration")),
    (
        "afghan money service provider license number",
        Fact::Id("registration"),
    ),
    (
        "vessel registration identification",
        Fact::Id("registration"),
    ),
    // vessels and aircraft
    ("vessel registration identification imo", Fact::Id("imo")),
    ("identification number imo", Fact::Id("imo")),
    ("company number imo", Fact::Id("imo")),
    ("international maritime organization no.", Fact::Id("imo")),
    ("imo", Fact::Id("imo")),
    ("mmsi", Fact::Id("mmsi")),
    ("vessel call sign", Fact::Id("call_sign")),
    ("other vessel call sign", Fact::Id("call_sign")),
    ("call sign", Fact::Id("call_sign")),
    (
        "aircraft manufacturer's serial number (msn)",
        Fact::Id("aircraft_serial"),
    ),
    (
        "aircraft construction number (also called l/n or s/n or f/n)",
        Fact::Id("aircraft_serial"),
    ),
    (
        "aircraft serial identification",
        Fact::Id("aircraft_serial"),
    ),
    ("aircraft tail number", Fact::Id("aircraft_tail")),
    ("previous aircraft tail number", Fact::Id("aircraft_tail")),
    ("aircraft mode s transponder code", Fact::Id("other")),
    // contact and finance
    ("swift/bic", Fact::Id("bic")),
    ("email address", Fact::Id("email")),
    ("email", Fact::Id("email")),
    ("e-mail", Fact::Id("email")),
    ("website", Fact::Id("website")),
    ("phone number", Fact::Phone),
    ("phone no.", Fact::Phone),
    ("phone", Fact::Phone),
    ("telephone", Fact::Phone),
    ("telephone no.", Fact::Phone),
    ("telephone number", Fact::Phone),
    ("fax", Fact::Phone),
    ("fax no.", Fact::Phone),
    ("digital currency address", Fact::Crypto),
    ("isin", Fact::Id("other")),
    ("identification number isin", Fact::Id("other")),
    ("equity ticker", Fact::Id("other")),
    ("bik (ru)", Fact::Id("other")),
    // other documents
    ("driver's license no.", Fact::Id("other")),
    ("birth certificate number", Fact::Id("other")),
    ("pilot license number", Fact::Id("other")),
    ("military registration number", Fact::Id("other")),
    ("cartilla de servicio militar nacional", Fact::Id("other")),
    ("immigration no.", Fact::Id("other")),
    ("visanumberid", Fact::Id("other")),
    ("sre permit no.", Fact::Id("other")),
    ("permit number", Fact::Id("other")),
    ("file number", Fact::Id("other")),
    ("chinese commercial code", Fact::Id("other")),
];

/// The longest label `text` starts with (case-insensitively, ending at a
/// word boundary), and the label's length in `text`.
pub(crate) fn match_label(text: &str) -> Option<(Fact, usize)> {
    let mut best: Option<(Fact, usize)> = None;
    for (key, fact) in LABELS {
        let n = key.len();
        if best.map(|(_, b)| b >= n).unwrap_or(false) {
            continue;
        }
        let Some(head) = text.get(..n) else { continue };
        if !head.eq_ignore_ascii_case(key) {
            continue;
        }
        let next = text[n..].chars().next();
        if next.map(|c| " :#-(,".contains(c)).unwrap_or(true) {
            best = Some((*fact, n));
        }
    }
    best
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Trims a sentence's final full stop (and commas) off a value.
fn trim_dot(v: &str) -> &str {
    v.trim().trim_end_matches(['.', ',', ';']).trim_end()
}

/// Like [`trim_dot`], but keeps the dot of a trailing abbreviation
/// (`… INDUSTRY CO.`, `… S.A.`) in a linked entry's name.
fn trim_name_dot(v: &str) -> &str {
    let v = v.trim();
    let Some(stem) = v.strip_suffix('.') else {
        return v;
    };
    let last = stem.rsplit(' ').next().unwrap_or(stem).to_ascii_uppercase();
    const ABBREV: &[&str] = &[
        "CO", "LTD", "INC", "CORP", "CIA", "PTE", "BHD", "JR", "SR", "ST", "NO",
    ];
    if ABBREV.contains(&last.as_str()) || last.contains('.') {
        v
    } else {
        stem.trim_end()
    }
}

/// Applies one labelled item: a remark part (`label` is how it was
/// written, `value` what followed) or an XML id/feature. Returns whether it
/// was stored in a field; when it was not, XML readers keep it as a remark.
///
/// `country` and `note` come from structured sources (the XML `idCountry`,
/// `issueDate`); with `structured` the value is taken as is, otherwise a
/// trailing `(Country)` and `issued …`/`expires …` are split off it.
pub(crate) fn apply_labeled(
    e: &mut Entity,
    label: &str,
    value: &str,
    country: Option<&str>,
    note: Option<String>,
    structured: bool,
    warn: &mut Vec<String>,
) -> bool {
    let label = collapse_ws(label);
    let Some((fact, n)) = match_label(&label) else {
        return false;
    };
    // A label longer than the key carries part of the value
    // (`Digital Currency Address - XBT`, `Vessel Registration Identification IMO`).
    let label_rest = label[n..].trim_matches([' ', ':', '#', '-']);
    let value = collapse_ws(value);
    let value = if label_rest.is_empty() {
        value
    } else {
        format!("{label_rest} {value}")
    };
    apply_fact(e, fact, &label, &value, country, note, structured, warn)
}

#[allow(clippy::too_many_arguments)]
fn apply_fact(
    e: &mut Entity,
    fact: Fact,
    raw_label: &str,
    value: &str,
    country: Option<&str>,
    note: Option<String>,
    structured: bool,
    warn: &mut Vec<String>,
) -> bool {
    let value = value.trim();
    if value.is_empty() || value == "-0-" {
        return false;
    }
    match fact {
        Fact::Dob => {
            let v = trim_dot(value);
            let dob = parse_dob(v, SlashOrder::Dmy);
            if dob.date.is_none() {
                warn.push(format!("date of birth '{v}' not understood: kept as text"));
            }
            if !e.dobs.iter().any(|d| d.raw == dob.raw) {
                e.dobs.push(dob);
            }
        }
        Fact::Pob => {
            let v = trim_dot(value);
            e.add_attribute("place_of_birth", v);
            if let Some((name, code)) = birth_country(v) {
                e.add_country(CountryRole::Birth, name, Some(code));
            }
        }
        Fact::Country(role) => {
            let v = trim_dot(value);
            e.add_country(role, v, country_code(v));
        }
        Fact::Attr(key) => {
            let v = if key == "linked_to" {
                trim_name_dot(value)
            } else {
                trim_dot(value)
            };
            add_attr(e, key, v);
        }
        Fact::Phone => {
            let v = trim_dot(value);
            push_id(e, ident("phone", v, Some(raw_label), country, note));
        }
        Fact::Crypto => {
            let v = trim_dot(value);
            let (code, addr) = v.split_once(' ').unwrap_or(("", v));
            let code = code.trim().to_ascii_uppercase();
            let kind = if code.is_empty() {
                "crypto".to_string()
            } else {
                format!("crypto:{code}")
            };
            let raw = format!("Digital Currency Address - {code}");
            push_id(e, ident(&kind, addr.trim(), Some(&raw), country, note));
        }
        Fact::Id(_) | Fact::IdNumber => {
            let mut kind = match fact {
                Fact::Id(k) => k,
                _ if e.kind == Kind::Person => "national_id",
                _ => "registration",
            };
            let (mut v, mut c, mut nt) = if structured {
                (trim_dot(value).to_string(), None, None)
            } else {
                split_id_value(value)
            };
            if matches!(kind, "imo" | "registration" | "other") {
                if let Some(rest) = strip_prefix_ci(&v, "IMO") {
                    let rest = rest.trim_start_matches([' ', ':', '#']);
                    if rest.starts_with(|c: char| c.is_ascii_digit()) {
                        v = rest.to_string();
                        kind = "imo";
                    }
                }
            }
            if kind == "imo" {
                v = v.trim_matches(['(', ')']).to_string();
            }
            if matches!(kind, "website" | "email") {
                c = None;
            }
            if let Some(cn) = country {
                c = Some(cn.to_string());
            }
            if note.is_some() {
                nt = note;
            }
            push_id(e, ident(kind, &v, Some(raw_label), c.as_deref(), nt));
        }
    }
    true
}

/// Splits `C 1415363 (Morocco) issued 21 May 2000 expires …` into the
/// number, the issuing country and the note.
fn split_id_value(value: &str) -> (String, Option<String>, Option<String>) {
    let lower = value.to_ascii_lowercase();
    let mut cut = value.len();
    for marker in [
        " issued",
        ", issued",
        " expires",
        ", expires",
        " expired",
        ", expired",
    ] {
        if let Some(i) = lower.find(marker) {
            cut = cut.min(i);
        }
    }
    let note = value[cut..]
        .trim_start_matches([',', ' '])
        .trim_end_matches(['.', ' '])
        .to_string();
    let mut v = trim_dot(&value[..cut]).to_string();
    let mut country = None;
    if v.ends_with(')') {
        if let Some(open) = v.rfind(" (") {
            let inner = v[open + 2..v.len() - 1].trim().to_string();
            let before = v[..open].trim().to_string();
            if !before.is_empty() && !inner.is_empty() {
                country = Some(inner);
                v = before;
            }
        }
    }
    let v = v.trim_end_matches([',', '.']).trim().to_string();
    (v, country, (!note.is_empty()).then_some(note))
}

/// The country of a place of birth (`Moscow, Russia`, `Tunisi (Tunisia)`),
/// when its last part is a country OFAC names.
fn birth_country(place: &str) -> Option<(&str, &'static str)> {
    let last = place.rsplit(',').next().unwrap_or(place).trim();
    if let Some(code) = country_code(last) {
        return Some((last, code));
    }
    // `Tunisi (Tunisia)`, `(Medina) Saudi Arabia`
    if let (Some(open), true) = (last.rfind('('), last.ends_with(')')) {
        let inner = last[open + 1..last.len() - 1].trim();
        if let Some(code) = country_code(inner) {
            return Some((inner, code));
        }
    }
    if let Some(close) = last.find(')') {
        let after = last[close + 1..].trim();
        if let Some(code) = country_code(after) {
            return Some((after, code));
        }
    }
    None
}

/// Reads the structured data out of an OFAC Remarks text (the text itself
/// is kept by the caller). Problems are pushed to `warn`.
pub(crate) fn parse_remarks(e: &mut Entity, text: &str, warn: &mut Vec<String>) {
    let t = collapse_ws(text);
    let t = t.strip_suffix('.').unwrap_or(&t);
    for part in t.split(';') {
        let mut p = part.trim();
        if p.len() >= 2 && p.starts_with('(') && p.ends_with(')') {
            p = p[1..p.len() - 1].trim();
        }
        if let Some(rest) = strip_prefix_ci(p, "alt. ") {
            p = rest.trim_start();
        }
        if p.is_empty() {
            continue;
        }
        if let Some(rest) = ["a.k.a.", "f.k.a.", "n.k.a."]
            .iter()
            .find_map(|pre| strip_prefix_ci(p, pre))
        {
            add_remark_alias(e, rest, warn);
            continue;
        }
        if let Some((fact, n)) = match_label(p) {
            let value = p[n..].trim_start_matches([' ', ':', '#', '-']).trim();
            apply_fact(e, fact, &p[..n], value, None, None, false, warn);
        }
    }
}

/// A quoted alias in the remarks: OFAC's *weak* a.k.a.s live there.
fn add_remark_alias(e: &mut Entity, rest: &str, warn: &mut Vec<String>) {
    let r = rest.trim().trim_end_matches('.').trim();
    let name = if let Some(inner) = r.strip_prefix('\'') {
        let Some(inner) = inner.strip_suffix('\'') else {
            // Cut at the Remarks field's width, its comments row missing:
            // kept (a weak alias, as far as it goes), with a warning.
            warn.push(format!(
                "weak alias '{inner}' has no closing quote (remarks cut off, comments file missing?): kept as written"
            ));
            e.add_name(ofac_name(inner, NameStrength::WeakAka, e.kind));
            return;
        };
        // `''FOOPIE''`: a nickname quoted twice.
        match inner.strip_prefix('\'').and_then(|i| i.strip_suffix('\'')) {
            Some(i) if !i.is_empty() => i,
            _ => inner,
        }
    } else {
        r
    };
    if name.trim().is_empty() {
        return;
    }
    e.add_name(ofac_name(name, NameStrength::WeakAka, e.kind));
}

/// ISO 3166-1 alpha-2 code of a country as OFAC names it.
pub(crate) fn country_code(name: &str) -> Option<&'static str> {
    let n = name.trim().trim_end_matches('.');
    let find = |n: &str| {
        COUNTRIES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(n))
            .map(|(_, code)| *code)
    };
    find(n)
        .or_else(|| find(strip_prefix_ci(n, "the ")?))
        .or_else(|| find(strip_prefix_ci(n, "region: ")?))
}

/// OFAC's country names (its Enhanced XML reference values) and a few
/// spellings its remarks use, with ISO codes.
const COUNTRIES: &[(&str, &str)] = &[
    ("Afghanistan", "AF"),
    ("Albania", "AL"),
    ("Algeria", "DZ"),
    ("Angola", "AO"),
    ("Antigua and Barbuda", "AG"),
    ("Argentina", "AR"),
    ("Armenia", "AM"),
    ("Aruba", "AW"),
    ("Australia", "AU"),
    ("Austria", "AT"),
    ("Azerbaijan", "AZ"),
    ("Bahamas", "BS"),
    ("Bahamas, The", "BS"),
    ("Bahrain", "BH"),
    ("Bangladesh", "BD"),
    ("Barbados", "BB"),
    ("Belarus", "BY"),
    ("Belgium", "BE"),
    ("Belize", "BZ"),
    ("Benin", "BJ"),
    ("Bermuda", "BM"),
    ("Bolivia", "BO"),
    ("Bosnia and Herzegovina", "BA"),
    ("Bosnia-Herzegovina", "BA"),
    ("Brazil", "BR"),
    ("British Virgin Islands", "VG"),
    ("Brunei", "BN"),
    ("Bulgaria", "BG"),
    ("Burkina Faso", "BF"),
    ("Burma", "MM"),
    ("Burundi", "BI"),
    ("Cabo Verde", "CV"),
    ("Cambodia", "KH"),
    ("Cameroon", "CM"),
    ("Canada", "CA"),
    ("Cayman Islands", "KY"),
    ("Central African Republic", "CF"),
    ("Chad", "TD"),
    ("Chile", "CL"),
    ("China", "CN"),
    ("Colombia", "CO"),
    ("Comoros", "KM"),
    ("Comoros Islands", "KM"),
    ("Congo, Democratic Republic of the", "CD"),
    ("Congo, Republic of the", "CG"),
    ("Costa Rica", "CR"),
    ("Cote d Ivoire", "CI"),
    ("Croatia", "HR"),
    ("Cuba", "CU"),
    ("Curacao", "CW"),
    ("Cyprus", "CY"),
    ("Czech Republic", "CZ"),
    ("Czechia", "CZ"),
    ("Democratic People's Republic of Korea", "KP"),
    ("Democratic Republic of the Congo", "CD"),
    ("Denmark", "DK"),
    ("Djibouti", "DJ"),
    ("Dominica", "DM"),
    ("Dominican Republic", "DO"),
    ("DPRK", "KP"),
    ("DRC", "CD"),
    ("Ecuador", "EC"),
    ("Egypt", "EG"),
    ("El Salvador", "SV"),
    ("England", "GB"),
    ("Equatorial Guinea", "GQ"),
    ("Eritrea", "ER"),
    ("Estonia", "EE"),
    ("Ethiopia", "ET"),
    ("Fiji", "FJ"),
    ("Finland", "FI"),
    ("France", "FR"),
    ("Gabon", "GA"),
    ("Gaza", "PS"),
    ("Gaza Strip", "PS"),
    ("Georgia", "GE"),
    ("Germany", "DE"),
    ("Gambia", "GM"),
    ("Ghana", "GH"),
    ("Gibraltar", "GI"),
    ("Great Britain", "GB"),
    ("Greece", "GR"),
    ("Grenada", "GD"),
    ("Guatemala", "GT"),
    ("Guernsey", "GG"),
    ("Guinea", "GN"),
    ("Guinea-Bissau", "GW"),
    ("Guyana", "GY"),
    ("Haiti", "HT"),
    ("Honduras", "HN"),
    ("Hong Kong", "HK"),
    ("Hungary", "HU"),
    ("Iceland", "IS"),
    ("India", "IN"),
    ("Indonesia", "ID"),
    ("Iran", "IR"),
    ("Iraq", "IQ"),
    ("Ireland", "IE"),
    ("Isle of Man", "IM"),
    ("Man, Isle of", "IM"),
    ("Israel", "IL"),
    ("Italy", "IT"),
    ("Jamaica", "JM"),
    ("Japan", "JP"),
    ("Jersey", "JE"),
    ("Jordan", "JO"),
    ("Kazakhstan", "KZ"),
    ("Kenya", "KE"),
    ("Korea, North", "KP"),
    ("Korea, South", "KR"),
    ("Kosovo", "XK"),
    ("Kuwait", "KW"),
    ("Kyrgyzstan", "KG"),
    ("Laos", "LA"),
    ("Latvia", "LV"),
    ("Lebanon", "LB"),
    ("Lesotho", "LS"),
    ("Liberia", "LR"),
    ("Libya", "LY"),
    ("Liechtenstein", "LI"),
    ("Lithuania", "LT"),
    ("Luxembourg", "LU"),
    ("Macau", "MO"),
    ("Macedonia", "MK"),
    ("Madagascar", "MG"),
    ("Malawi", "MW"),
    ("Malaysia", "MY"),
    ("Maldives", "MV"),
    ("Mali", "ML"),
    ("Malta", "MT"),
    ("Marshall Islands", "MH"),
    ("Mauritania", "MR"),
    ("Mauritius", "MU"),
    ("Mexico", "MX"),
    ("Moldova", "MD"),
    ("Monaco", "MC"),
    ("Mongolia", "MN"),
    ("Montenegro", "ME"),
    ("Morocco", "MA"),
    ("Mozambique", "MZ"),
    ("Namibia", "NA"),
    ("Nepal", "NP"),
    ("Netherlands", "NL"),
    ("New Zealand", "NZ"),
    ("Nicaragua", "NI"),
    ("Niger", "NE"),
    ("Nigeria", "NG"),
    ("North Korea", "KP"),
    ("North Macedonia", "MK"),
    ("North Macedonia, The Republic of", "MK"),
    ("Norway", "NO"),
    ("Oman", "OM"),
    ("Pakistan", "PK"),
    ("Palau", "PW"),
    ("Palestine", "PS"),
    ("Palestinian", "PS"),
    ("Palestinian Territories", "PS"),
    ("Panama", "PA"),
    ("Papua New Guinea", "PG"),
    ("Paraguay", "PY"),
    ("Peru", "PE"),
    ("Philippines", "PH"),
    ("Phillipines", "PH"),
    ("Poland", "PL"),
    ("Portugal", "PT"),
    ("Qatar", "QA"),
    ("Romania", "RO"),
    ("Russia", "RU"),
    ("Russian Federation", "RU"),
    ("Rwanda", "RW"),
    ("Saint Kitts and Nevis", "KN"),
    ("Saint Lucia", "LC"),
    ("Saint Vincent and the Grenadines", "VC"),
    ("Samoa", "WS"),
    ("San Marino", "SM"),
    ("Sao Tome and Principe", "ST"),
    ("Saudi Arabia", "SA"),
    ("Senegal", "SN"),
    ("Serbia", "RS"),
    ("Seychelles", "SC"),
    ("Sierra Leone", "SL"),
    ("Singapore", "SG"),
    ("Sint Maarten", "SX"),
    ("Slovakia", "SK"),
    ("Slovenia", "SI"),
    ("Somalia", "SO"),
    ("South Africa", "ZA"),
    ("South Korea", "KR"),
    ("South Sudan", "SS"),
    ("Spain", "ES"),
    ("Sri Lanka", "LK"),
    ("St Kitts and Nevis", "KN"),
    ("Sudan", "SD"),
    ("Suriname", "SR"),
    ("Swaziland", "SZ"),
    ("Sweden", "SE"),
    ("Switzerland", "CH"),
    ("Syria", "SY"),
    ("Taiwan", "TW"),
    ("Tajikistan", "TJ"),
    ("Tanzania", "TZ"),
    ("Thailand", "TH"),
    ("The Gambia", "GM"),
    ("Gambia, The", "GM"),
    ("Timor-Leste", "TL"),
    ("Togo", "TG"),
    ("Trinidad and Tobago", "TT"),
    ("Tunisia", "TN"),
    ("Turkey", "TR"),
    ("Turkiye", "TR"),
    ("Turkmenistan", "TM"),
    ("Tuvalu", "TV"),
    ("UK", "GB"),
    ("USA", "US"),
    ("U.S.A.", "US"),
    ("Uganda", "UG"),
    ("Ukraine", "UA"),
    ("United Arab Emirates", "AE"),
    ("United Kingdom", "GB"),
    ("United States", "US"),
    ("United States of America", "US"),
    ("Uruguay", "UY"),
    ("Uzbekistan", "UZ"),
    ("Vanuatu", "VU"),
    ("Venezuela", "VE"),
    ("Vietnam", "VN"),
    ("Virgin Islands, British", "VG"),
    ("West Bank", "PS"),
    ("Western Sahara", "EH"),
    ("Yemen", "YE"),
    ("Zambia", "ZM"),
    ("Zimbabwe", "ZW"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse_bytes, shared_lists_dir};

    fn set_from(
        main: &[u8],
        alt: Option<&[u8]>,
        add: Option<&[u8]>,
        com: Option<&[u8]>,
    ) -> OfacCsvSet {
        let i = |n: &str, b: &[u8]| Input::from_bytes(n, b.to_vec());
        OfacCsvSet {
            list_id: crate::model::list_ids::OFAC_SDN,
            folder: PathBuf::new(),
            main: i("sdn.csv", main),
            add: add.map(|b| i("add.csv", b)),
            alt: alt.map(|b| i("alt.csv", b)),
            comments: com.map(|b| i("sdn_comments.csv", b)),
        }
    }

    const PERSON: &str = "2674,\"ABU MARZOOK, Mousa Mohammed\",\"individual\",\"SDGT] [SDT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 09 Feb 1951; alt. DOB circa 1950; POB Gaza, Egypt; Passport 92/664 (Egypt); nationality Jordan; a.k.a. 'ABU-'UMAR'; Linked To: HAMAS.\"\r\n";

    #[test]
    fn reads_a_person_with_remarks() {
        let main = format!("{PERSON}\u{1a}");
        let alt = b"2674,100,\"aka\",\"MARZUK, Musa Abu\",-0- \r\n2674,101,\"fka\",\"OLD, Name\",-0- \r\n\x1a";
        let list = read_set(&set_from(main.as_bytes(), Some(alt), None, None)).unwrap();
        assert!(list.warnings.is_empty(), "{:?}", list.warnings);
        let e = &list.entities[0];
        assert_eq!(e.id, "ofac-sdn:2674");
        assert_eq!(e.kind, Kind::Person);
        assert_eq!(e.primary_name(), "ABU MARZOOK, Mousa Mohammed");
        assert_eq!(e.names[0].family.as_deref(), Some("ABU MARZOOK"));
        assert_eq!(e.names[0].given.as_deref(), Some("Mousa Mohammed"));
        assert_eq!(e.programs, ["SDGT", "SDT"]);
        let strengths: Vec<(&str, NameStrength)> = e
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.strength))
            .collect();
        assert_eq!(
            strengths,
            [
                ("ABU MARZOOK, Mousa Mohammed", NameStrength::Primary),
                ("MARZUK, Musa Abu", NameStrength::Aka),
                ("OLD, Name", NameStrength::Fka),
                ("ABU-'UMAR", NameStrength::WeakAka),
            ]
        );
        assert_eq!(e.dobs.len(), 2);
        assert_eq!(e.dobs[0].date.unwrap().to_string(), "1951-02-09");
        assert!(e.dobs[1].approx);
        let pass = &e.ids[0];
        assert_eq!(
            (
                pass.kind.as_str(),
                pass.value.as_str(),
                pass.country.as_deref()
            ),
            ("passport", "92/664", Some("Egypt"))
        );
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Nationality && c.code.as_deref() == Some("JO")));
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Birth && c.name == "Egypt"));
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "linked_to" && a.value == "HAMAS"));
        assert!(e.remarks[0].starts_with("DOB 09 Feb 1951;"));
    }

    #[test]
    fn comments_complete_cut_remarks() {
        let main = b"28263,\"TIAN, Yinyin\",\"individual\",\"CYBER2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 12 Jul 1986; a.k.a. 'snowsjo\"\r\n\x1a";
        let com = b"28263,\"hn'; Linked To: LAZARUS GROUP.\"\r\n\x1a";
        let list = read_set(&set_from(main, None, None, Some(com))).unwrap();
        let e = &list.entities[0];
        assert!(e
            .names
            .iter()
            .any(|n| n.full == "snowsjohn" && n.strength == NameStrength::WeakAka));
        assert!(e.attributes.iter().any(|a| a.value == "LAZARUS GROUP"));
        // Without the comments the cut alias is kept as far as it goes,
        // with a warning.
        let list = read_set(&set_from(main, None, None, None)).unwrap();
        assert_eq!(list.entities[0].names[1].full, "snowsjo");
        assert!(list
            .warnings
            .iter()
            .any(|w| w.message.contains("no closing quote")));
    }

    #[test]
    fn vessel_fields_and_imo() {
        let main = b"15036,\"ARTAVIL\",\"vessel\",\"IRAN] [IRGC\",-0- ,\"9HNX9\",\"Crude Oil Tanker\",\"150,000\",\"79,000\",\"Malta\",\"NATIONAL IRANIAN TANKER COMPANY\",\"Vessel Registration Identification IMO 9187629; MMSI 256870000; Linked To: NATIONAL IRANIAN TANKER COMPANY.\"\r\n\x1a";
        let list = read_set(&set_from(main, None, None, None)).unwrap();
        let e = &list.entities[0];
        assert_eq!(e.kind, Kind::Vessel);
        let ids: Vec<(&str, &str)> = e
            .ids
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("call_sign", "9HNX9"),
                ("imo", "9187629"),
                ("mmsi", "256870000")
            ]
        );
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "tonnage" && a.value == "150,000"));
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Registration && c.code.as_deref() == Some("MT")));
    }

    #[test]
    fn unknown_type_is_not_an_organization_and_addresses_join() {
        let main = b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
        let add = b"36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n99,26,\"x\",\"y\",\"Cuba\",-0- \r\n\x1a";
        let list = read_set(&set_from(main, None, Some(add), Some(b""))).unwrap();
        let e = &list.entities[0];
        assert_eq!(e.kind, Kind::Unknown);
        assert_eq!(e.addresses[0].text, "Havana");
        assert_eq!(e.addresses[0].country.as_deref(), Some("Cuba"));
        assert_eq!(e.countries[0].code.as_deref(), Some("CU"));
        // the orphan row of 99 is a warning naming add.csv
        assert_eq!(list.warnings.len(), 1);
        assert_eq!(list.warnings[0].path, Path::new("add.csv"));
        assert_eq!(list.warnings[0].line, Some(2));
    }

    #[test]
    fn truncation_is_an_error_and_a_missing_marker_a_warning() {
        let cut = format!("{PERSON}2675,\"X\",\"individual\"");
        let e = read_set(&set_from(cut.as_bytes(), None, None, None)).unwrap_err();
        assert!(e.to_string().contains("sdn.csv:2:"), "{e}");
        assert!(e.message().contains("truncated"));
        let cut = format!("{PERSON}2675,\"X\",\"individual\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1960; POB");
        let e = read_set(&set_from(cut.as_bytes(), None, None, None)).unwrap_err();
        assert!(e.message().contains("unclosed quote"), "{e}");
        let list = read_set(&set_from(PERSON.as_bytes(), None, None, None)).unwrap();
        assert!(list.warnings.iter().any(|w| w.message.contains("0x1A")));
        // a broken companion names the companion
        let e = read_set(&set_from(
            PERSON.as_bytes(),
            Some(b"2674,1,\"aka\""),
            None,
            None,
        ))
        .unwrap_err();
        assert_eq!(e.path(), Some(Path::new("alt.csv")));
    }

    #[test]
    fn empty_main_file_is_refused() {
        assert!(read_set(&set_from(b"", None, None, None)).is_err());
        assert!(read_set(&set_from(b"\x1a", None, None, None)).is_err());
        assert!(parse_bytes(Format::OfacCsv, b"\r\n\x1a").is_err());
    }

    #[test]
    fn remark_parts() {
        let mut e = Entity::new("ofac-sdn", "1", Kind::Organization);
        let mut w = Vec::new();
        parse_remarks(
            &mut e,
            "DOB 1960 to 1962; Digital Currency Address - XBT 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa; SWIFT/BIC HAVIGB2L; Website www.x.co.uk; Email Address a@b.com; Tax ID No. 7707083893 (Russia); Registration Number HRA 738077 (Stuttgart) (Germany); Passport C 1415363 - 16/2/1421H issued 21 May 2000; Identification Number 12345; Additional Sanctions Information - Subject to Secondary Sanctions; Gender Male; Telephone (98)(21)(66153220).",
            &mut w,
        );
        assert!(w.is_empty(), "{w:?}");
        let ids: Vec<(&str, &str, Option<&str>)> = e
            .ids
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str(), i.country.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                ("crypto:XBT", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", None),
                ("bic", "HAVIGB2L", None),
                ("website", "www.x.co.uk", None),
                ("email", "a@b.com", None),
                ("tax_id", "7707083893", Some("Russia")),
                ("registration", "HRA 738077 (Stuttgart)", Some("Germany")),
                ("passport", "C 1415363 - 16/2/1421H", None),
                ("registration", "12345", None),
                ("phone", "(98)(21)(66153220)", None),
            ]
        );
        assert_eq!(e.ids[6].note.as_deref(), Some("issued 21 May 2000"));
        let d = &e.dobs[0];
        assert_eq!((d.date.unwrap().year, d.to.unwrap().year), (1960, 1962));
        assert_eq!(e.attributes[0].value, "Male");
    }

    #[test]
    fn program_column_splits() {
        assert_eq!(
            split_programs("SDGT] [IRGC] [IFSR"),
            ["SDGT", "IRGC", "IFSR"]
        );
        assert_eq!(split_programs("CUBA"), ["CUBA"]);
    }

    /// A real set read as a user would: detection, companions found by
    /// name, the checks of `finish()`.
    fn real(rel: &str) -> Option<ParsedList> {
        let dir = shared_lists_dir()?;
        Some(crate::source::read_input(&Input::file(dir.join(rel))).unwrap())
    }

    #[test]
    fn real_sets_have_the_documented_counts() {
        for (rel, n) in [
            ("ofac-sdn/2019-01-04/sdn.csv", 7_379),
            ("ofac-sdn/2021-07-07/sdn.csv", 8_976),
            ("ofac-sdn/2023-12-28/sdn.csv", 13_821),
            ("ofac-sdn/2024-05-03/sdn.csv", 14_965),
            ("ofac-cons/2025-12-19/cons_prim.csv", 442),
        ] {
            let Some(list) = real(rel) else { return };
            assert_eq!(list.entities.len(), n, "{rel}");
            assert_eq!(list.version, None);
        }
    }

    #[test]
    fn real_2019_set_warns_of_its_missing_marker_and_has_its_kinds() {
        let Some(list) = real("ofac-sdn/2019-01-04/sdn.csv") else {
            return;
        };
        assert_eq!(list.files.len(), 4);
        assert!(list
            .warnings
            .iter()
            .any(|w| w.path.ends_with("sdn.csv") && w.message.contains("0x1A")));
        let count = |k: Kind| list.entities.iter().filter(|e| e.kind == k).count();
        assert_eq!(
            (
                count(Kind::Person),
                count(Kind::Unknown),
                count(Kind::Vessel),
                count(Kind::Aircraft)
            ),
            (3_845, 2_994, 323, 217)
        );
    }

    #[test]
    fn real_cons_set_reads_its_companions() {
        let Some(list) = real("ofac-cons/2025-12-19/cons_prim.csv") else {
            return;
        };
        assert_eq!(list.list_id, "ofac-cons");
        assert_eq!(list.files.len(), 4);
        assert!(list.path.ends_with("2025-12-19"));
        // 17018 has its remarks continued in cons_comments.csv
        let e = list.entities.iter().find(|e| e.own_id == "17018").unwrap();
        assert!(e
            .names
            .iter()
            .any(|n| n.full == "SBERBANK MUMBAI" && n.strength == NameStrength::WeakAka));
    }

    #[test]
    fn real_hand_checked_entries() {
        let Some(list) = real("ofac-sdn/2024-05-03/sdn.csv") else {
            return;
        };
        let get = |id: &str| list.entities.iter().find(|e| e.own_id == id).unwrap();
        // A person with a DOB range and weak aliases from the remarks.
        let p = get("18645");
        assert_eq!(p.primary_name(), "MUTHANA, Nasser");
        let d = &p.dobs[0];
        assert_eq!((d.date.unwrap().year, d.to.unwrap().year), (1993, 1995));
        assert!(p
            .names
            .iter()
            .any(|n| n.full == "Abu Muthanna al-Yemeni" && n.strength == NameStrength::WeakAka));
        assert!(p
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Citizenship && c.code.as_deref() == Some("GB")));
        // A person with an approximate DOB beside an exact year.
        let s = get("9584");
        assert_eq!(s.dobs.len(), 2);
        assert!(!s.dobs[0].approx && s.dobs[1].approx);
        // A vessel with an IMO number and former names (weak, in remarks).
        let v = get("4243");
        assert_eq!(v.kind, Kind::Vessel);
        assert_eq!(
            (v.ids[0].kind.as_str(), v.ids[0].value.as_str()),
            ("imo", "7406784")
        );
        assert!(v.names.iter().any(|n| n.full == "SAND SWAN"));
    }

    #[test]
    fn real_org_with_fka_names_from_alt_csv() {
        let Some(list) = real("ofac-sdn/2023-12-28/sdn.csv") else {
            return;
        };
        let fka: Vec<&Entity> = list
            .entities
            .iter()
            .filter(|e| e.names.iter().any(|n| n.strength == NameStrength::Fka))
            .collect();
        assert!(fka.len() > 300, "{}", fka.len());
        // 306 BANCO NACIONAL DE CUBA: its addresses and its weak alias.
        let b = list.entities.iter().find(|e| e.own_id == "306").unwrap();
        assert_eq!(b.kind, Kind::Unknown);
        assert_eq!(b.addresses.len(), 4);
        assert!(b
            .names
            .iter()
            .any(|n| n.full == "BNC" && n.strength == NameStrength::WeakAka));
    }

    #[test]
    fn truncated_real_main_files_never_read_as_whole() {
        let Some(dir) = shared_lists_dir() else {
            return;
        };
        for rel in [
            "ofac-sdn/2019-01-04/sdn.csv",
            "ofac-sdn/2024-05-03/sdn.csv",
            "ofac-cons/2025-12-19/cons_prim.csv",
        ] {
            let bytes = std::fs::read(dir.join(rel)).unwrap();
            let whole = read_set(&set_from(&bytes, None, None, None))
                .unwrap()
                .entities
                .len();
            let mid_line = bytes.len() / 2
                + bytes[bytes.len() / 2..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .unwrap_or(0)
                + 20;
            for cut in [
                bytes.len() / 10,
                bytes.len() / 2,
                bytes.len() * 9 / 10,
                mid_line,
                bytes.len().saturating_sub(5),
            ] {
                match read_set(&set_from(&bytes[..cut], None, None, None)) {
                    Err(e) => assert!(e.message().contains("truncated"), "{rel}@{cut}: {e}"),
                    Ok(l) => assert!(l.entities.len() < whole, "{rel}@{cut} read whole"),
                }
            }
        }
    }

    #[test]
    fn random_bytes_are_refused() {
        let mut x: u32 = 12345;
        for len in [1usize, 7, 100, 5000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            assert!(parse_bytes(Format::OfacCsv, &bytes).is_err());
        }
    }
}
