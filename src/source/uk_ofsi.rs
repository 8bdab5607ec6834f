//! UK HM Treasury OFSI Consolidated List of asset-freeze targets ("ConList"),
//! as CSV ([`read_csv`]) or as an Excel workbook ([`read_xlsx`]).
//!
//! # Format
//!
//! Row 1 is a preamble `Last Updated,<dd/mm/yyyy>` (the list's version, read
//! into ISO `YYYY-MM-DD`); row 2 is the header; every later row is **one name
//! variant** of one target, and the rows of one target share a `Group ID`
//! (they need not be adjacent: the file is sorted by name). One entity is
//! made per Group ID: `uk-ofsi:<Group ID>`. Columns are found by their header
//! name, never by position, so both layouts seen in the wild read alike:
//!
//! - the old 29-column layout (CSV, 2014 with CRLF, 2018 with LF): alias
//!   types `Prime Alias` / `AKA` / `FKA`, one `Passport Details` and one
//!   `NI Number` column;
//! - the 36-column layout (XLSX, 2020s) that adds `Name Non-Latin Script`,
//!   `Non-Latin Script Type`, `Non-Latin Script Language`, `Alias Quality`,
//!   `UK Sanctions List Date Designated` and splits passport and national-id
//!   columns into number + details; alias types `Primary name` /
//!   `Primary name variation` / `AKA` / `FKA`.
//!
//! The CSV files are Windows-1252 (curly quotes 0x91/0x92, accented letters):
//! every field is decoded on its own, as UTF-8 when it is valid UTF-8 and as
//! Windows-1252 otherwise. A data record whose field count differs from the
//! header's is an error (this is how a truncated file shows).
//!
//! # Mapping
//!
//! - **Names**: `Name 1` … `Name 5` are given names and `Name 6` the family
//!   name (or an organisation's / ship's whole name). The full name is written
//!   given-first, `"Name 1 … Name 5 Name 6"` (e.g. `Mian MITHOO`), which is
//!   how OFSI prints names; for individuals `given` / `family` keep the parts.
//!   Strength: `Prime Alias` / `Primary name` → primary; `Primary name
//!   variation` and `AKA` → aka, or weak_aka when `Alias Quality` is
//!   `Low quality`; `FKA` → fka. The first primary row's name is `names[0]`;
//!   further primary names become aka; a group without any primary row (seen
//!   twice in 2025) gets its first name promoted, with a warning.
//!   `Name Non-Latin Script` is a separate name with the row's strength (so
//!   the script form of the primary name is primary too), `script` from
//!   `Non-Latin Script Type` (normalised: `Cryillic`/`Cyrilic` → `Cyrillic`
//!   with a warning; `Chinese` → `Han`, `Persian` → `Arabic`, `Russian` →
//!   `Cyrillic`, `Burmese` → `Myanmar`, `Korean` → `Hangul`) and `lang` from
//!   `Non-Latin Script Language` as written. `Other Information` text of the
//!   form `Name (non-Latin script): … Non Latin Script Type: …` is read the
//!   same way.
//! - **Kind**: `Group Type` Individual / Entity / Ship → person /
//!   organization / vessel (anything else: unknown, with a warning). The old
//!   CSVs list ships as `Entity`; they stay organisations, as stated.
//! - **Dates of birth**: `dd/mm/yyyy` with `00` for unknown parts
//!   (`00/00/1960` → year 1960, `00/05/1960` → May 1960), bare years, and
//!   whatever else [`dates::parse_dob`] reads; an unreadable one keeps its raw
//!   text and warns. Different rows of one group may give different dates:
//!   all are kept, once each.
//! - **Countries**: `Nationality` → nationality, `Country of Birth` → birth,
//!   the address `Country` → location. Numbered lists (`(1) Sudan (2) South
//!   Sudan`, `1) Uzbek 2) Afghan`) are split into their items.
//! - **Addresses**: `Address 1`–`6` and `Post/Zip Code` joined with `", "`,
//!   with `Country`.
//! - **Identifiers**: passports and national ids (numbered lists split; in
//!   the new layout the details column becomes the note, paired item by item
//!   when the counts agree); IMO and MMSI numbers found in `Other
//!   Information` (`IMO No 8320195`, `(IMO number):7408873`, `IMO Nos
//!   8309593,9051650`, `MMSI: 445539000`); phone / fax, e-mail, website and
//!   business registration numbers from the tagged parts of `Other
//!   Information` (`(Phone number):…`, `(Email address):…`, `(Website):…`,
//!   `(Business Reg No):…`).
//! - **Attributes**: `title`, `position`, `place_of_birth` (`Town of
//!   Birth`), `listed_on`, `last_updated`, `designated_on` (UK Sanctions List
//!   Date Designated), all dates in ISO form; `uk_sanctions_list_ref` and
//!   `gender` from `Other Information`, and for ships `vessel_flag`,
//!   `vessel_type`, `tonnage`, `vessel_length`, `year_built`, `vessel_owner`,
//!   `previous_flags`; `entity_type`, `parent_company`, `subsidiaries`.
//! - **Programs**: `Regime`. **Remarks**: `Other Information`, once per
//!   distinct text.
//! - **Links**: a UN reference stated in `Other Information` (`(UN
//!   Ref):QDi.001`, `UN Ref QDi.001`, `UN Ref: QE.A.146.14.`, `UN Reference
//!   No: TAi.172`, `(UN Ref):QDi.042 and SOi.002`) → `un-sc:<ref>`. Obvious
//!   slips are mended with a warning (`KPI.067` → `KPi.067`, `QD1.410` →
//!   `QDi.410`, `CDi. 038` → `CDi.038`); a reference without its regime
//!   prefix (`UN Ref.077`) is warned about and not linked. References inside
//!   an `(OFSI ID: …, UN Ref …)` aside name *another* target (a ship's owner)
//!   and are not links.
//!
//! Entity-level fields repeat on every row of a group; everything is merged
//! and de-duplicated.
//!
//! Helpers shared with the DFAT reader (also an XLSX list with one row per
//! name) live here: `first_sheet`, `cell_text`, `Acc`,
//! `vessel_ids`, `split_list`.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, Range, Reader};

use super::dates::{self, SlashOrder};
use super::input::decode_utf8_or_1252;
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{
    collapse_ws, list_ids, Address, CountryRole, DateOfBirth, Entity, Identifier, Kind, Name,
    NameStrength, PartialDate,
};

/// Reads the ConList CSV (Windows-1252, old 29-column layout or any layout
/// whose header names the ConList columns).
pub fn read_csv(input: &Input) -> Result<ParsedList> {
    let mut con = ConList::new(ParsedList::new(
        list_ids::UK_OFSI,
        Format::UkOfsiCsv,
        input.path(),
    ));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input.reader()?);
    let mut rec = csv::ByteRecord::new();
    let mut n: u64 = 0;
    loop {
        n += 1;
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(n);
                return Err(Error::malformed(format!("unreadable CSV record: {e}")).at(line));
            }
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(n);
        let fields: Vec<String> = rec
            .iter()
            .map(|f| decode_utf8_or_1252(f).0.into_owned())
            .collect();
        con.row(line, &fields, true)?;
    }
    con.done()
}

/// Reads the ConList workbook (first sheet).
pub fn read_xlsx(input: &Input) -> Result<ParsedList> {
    let mut con = ConList::new(ParsedList::new(
        list_ids::UK_OFSI,
        Format::UkOfsiXlsx,
        input.path(),
    ));
    let range = first_sheet(input)?;
    let first_row = range.start().map(|(r, _)| u64::from(r)).unwrap_or(0);
    for (i, row) in range.rows().enumerate() {
        let fields: Vec<String> = row.iter().map(cell_text).collect();
        con.row(first_row + i as u64 + 1, &fields, false)?;
    }
    con.done()
}

// ---------------------------------------------------------------------------
// Workbook helpers (shared with au_dfat)
// ---------------------------------------------------------------------------

/// The first worksheet of an XLSX workbook. Any failure of the ZIP or the
/// workbook (truncated file, random bytes, missing sheet) is a malformed
/// error; a panic inside the workbook library on hostile input is caught and
/// reported the same way.
pub(super) fn first_sheet(input: &Input) -> Result<Range<Data>> {
    let bytes = input.bytes()?;
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(&*bytes))
            .map_err(|e| Error::malformed(format!("unreadable workbook: {e}")))?;
        match wb.worksheet_range_at(0) {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) => Err(Error::malformed(format!("unreadable worksheet: {e}"))),
            None => Err(Error::malformed("the workbook has no worksheet")),
        }
    }));
    match opened {
        Ok(r) => r,
        Err(_) => Err(Error::malformed(
            "unreadable workbook (the XLSX reader gave up on it)",
        )),
    }
}

/// A cell as text: strings as written, whole numbers without `.0`, dates as
/// ISO `YYYY-MM-DD` (the time of day is dropped), errors and empties as `""`.
pub(super) fn cell_text(c: &Data) -> String {
    match c {
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

// ---------------------------------------------------------------------------
// Per-entity accumulation (shared with au_dfat)
// ---------------------------------------------------------------------------

/// One entity being put together from several rows: merges and de-duplicates
/// every field, and remembers which names are script forms (non-Latin
/// renderings) so that [`Acc::settle`] can pick the primary name among the
/// others.
pub(super) struct Acc {
    pub entity: Entity,
    /// Parallel to `entity.names`: true for a script form of a name.
    script_form: Vec<bool>,
    /// The first line/row the entity was seen on (for warnings).
    pub line: u64,
    /// Whether `entity.kind` was set from the list.
    pub kind_stated: bool,
    /// Free texts already analysed (they repeat on every row).
    seen_texts: HashSet<String>,
}

fn strength_rank(s: NameStrength) -> u8 {
    match s {
        NameStrength::Primary => 0,
        NameStrength::Aka => 1,
        NameStrength::Fka | NameStrength::Nka => 2,
        NameStrength::WeakAka => 3,
    }
}

impl Acc {
    pub fn new(list_id: &str, own_id: &str, line: u64) -> Acc {
        Acc {
            entity: Entity::new(list_id, own_id, Kind::Unknown),
            script_form: Vec::new(),
            line,
            kind_stated: false,
            seen_texts: HashSet::new(),
        }
    }

    /// Sets the kind; a second, different kind is reported.
    pub fn set_kind(&mut self, kind: Kind, list: &mut ParsedList, line: u64, raw: &str) {
        if !self.kind_stated {
            self.entity.kind = kind;
            self.kind_stated = true;
        } else if self.entity.kind != kind {
            list.warn(
                None,
                Some(line),
                format!(
                    "{}: rows disagree on the type ({} vs '{}'); keeping {}",
                    self.entity.id,
                    self.entity.kind.as_str(),
                    raw,
                    self.entity.kind.as_str()
                ),
            );
        }
    }

    /// True the first time `text` is offered (to analyse repeated free text
    /// once per entity).
    pub fn first_time(&mut self, text: &str) -> bool {
        self.seen_texts.insert(text.to_string())
    }

    /// Adds a name; the same text (in a compatible script) is merged, the
    /// stronger strength winning and missing details filled in.
    pub fn add_name(&mut self, mut name: Name, script_form: bool) {
        name.full = collapse_ws(&name.full);
        if name.full.is_empty() {
            return;
        }
        let found = self.entity.names.iter().position(|n| {
            n.full == name.full
                && (n.script == name.script || n.script.is_none() || name.script.is_none())
        });
        match found {
            Some(i) => {
                let n = &mut self.entity.names[i];
                if strength_rank(name.strength) < strength_rank(n.strength) {
                    n.strength = name.strength;
                }
                if n.script.is_none() {
                    n.script = name.script;
                }
                if n.lang.is_none() {
                    n.lang = name.lang;
                }
                if n.given.is_none() {
                    n.given = name.given;
                }
                if n.family.is_none() {
                    n.family = name.family;
                }
                if let Some(f) = self.script_form.get_mut(i) {
                    *f &= script_form;
                }
            }
            None => {
                self.entity.names.push(name);
                self.script_form.push(script_form);
            }
        }
    }

    /// Adds a date of birth unless its raw text is already there.
    pub fn add_dob(&mut self, dob: DateOfBirth) {
        if !dob.raw.is_empty() && !self.entity.dobs.iter().any(|d| d.raw == dob.raw) {
            self.entity.dobs.push(dob);
        }
    }

    /// Adds an identifier unless the same kind and value is already there.
    pub fn add_id(&mut self, id: Identifier) {
        if id.value.is_empty() {
            return;
        }
        if !self
            .entity
            .ids
            .iter()
            .any(|i| i.kind == id.kind && i.value == id.value)
        {
            self.entity.ids.push(id);
        }
    }

    /// Adds an address unless the same text and country is already there.
    pub fn add_address(&mut self, text: &str, country: Option<&str>) {
        let text = collapse_ws(text);
        if text.is_empty() {
            return;
        }
        let country = country.map(collapse_ws).filter(|c| !c.is_empty());
        if !self
            .entity
            .addresses
            .iter()
            .any(|a| a.text == text && a.country == country)
        {
            self.entity.addresses.push(Address { text, country });
        }
    }

    /// Adds a program once.
    pub fn add_program(&mut self, p: &str) {
        let p = collapse_ws(p);
        if !p.is_empty() && !self.entity.programs.contains(&p) {
            self.entity.programs.push(p);
        }
    }

    /// Adds a remark once (kept as written, only trimmed).
    pub fn add_remark(&mut self, r: &str) {
        let r = r.trim();
        if !r.is_empty() && !self.entity.remarks.iter().any(|x| x == r) {
            self.entity.remarks.push(r.to_string());
        }
    }

    /// Finishes the entity: exactly one primary name among the non-script
    /// names, placed first (other primaries become aka; script forms keep
    /// their strength). A group without a primary row gets its first name
    /// promoted, with a warning.
    pub fn settle(mut self, list: &mut ParsedList) -> Entity {
        let e = &mut self.entity;
        let mut primary = None;
        for (i, n) in e.names.iter_mut().enumerate() {
            if self.script_form.get(i).copied().unwrap_or(false) {
                continue;
            }
            if n.strength == NameStrength::Primary {
                if primary.is_none() {
                    primary = Some(i);
                } else {
                    n.strength = NameStrength::Aka;
                }
            }
        }
        let p = match primary {
            Some(p) => p,
            None => {
                let p = self
                    .script_form
                    .iter()
                    .position(|f| !*f)
                    .unwrap_or_default();
                if let Some(n) = e.names.get_mut(p) {
                    list.warn(
                        None,
                        Some(self.line),
                        format!(
                            "{}: no primary name given; taking '{}' as the primary name",
                            e.id, n.full
                        ),
                    );
                    n.strength = NameStrength::Primary;
                }
                p
            }
        };
        if p > 0 && p < e.names.len() {
            let n = e.names.remove(p);
            e.names.insert(0, n);
        }
        self.entity
    }
}

// ---------------------------------------------------------------------------
// Text helpers (shared with au_dfat)
// ---------------------------------------------------------------------------

/// Splits an enumerated list — `(1) a (2) b`, `1) a 2) b` when `numbered`,
/// `a) x b) y` / `(a) x (b) y` otherwise — into its items (trimmed, trailing
/// `;` `,` `.` removed, items without letters or digits dropped). Text that
/// does not start with the first marker is one item.
pub(super) fn split_list(s: &str, numbered: bool) -> Vec<String> {
    let t = s.trim();
    let label = |k: usize| -> String {
        if numbered {
            k.to_string()
        } else {
            // k is 1-based; past `z` the list cannot continue.
            char::from(b'a' + ((k - 1).min(25)) as u8).to_string()
        }
    };
    let at_marker = |text: &str, pos: usize, k: usize| -> Option<usize> {
        let l = label(k);
        let rest = &text[pos..];
        if let Some(r) = rest.strip_prefix('(') {
            if r.starts_with(l.as_str()) && r[l.len()..].starts_with(')') {
                return Some(l.len() + 2);
            }
        }
        if rest.starts_with(l.as_str()) && rest[l.len()..].starts_with(')') {
            let before_ok = pos == 0
                || text[..pos]
                    .chars()
                    .next_back()
                    .map(|c| c.is_whitespace() || matches!(c, ';' | ',' | '.' | '-'))
                    .unwrap_or(true);
            if before_ok {
                return Some(l.len() + 1);
            }
        }
        None
    };
    let Some(first) = at_marker(t, 0, 1) else {
        return clean_items(vec![t]);
    };
    let mut items = Vec::new();
    let mut pos = first;
    let mut start = first;
    let mut k = 2;
    while pos < t.len() {
        if k <= 26 || numbered {
            if let Some(len) = at_marker(t, pos, k) {
                items.push(&t[start..pos]);
                pos += len;
                start = pos;
                k += 1;
                continue;
            }
        }
        pos += t[pos..].chars().next().map(char::len_utf8).unwrap_or(1);
    }
    items.push(&t[start..]);
    clean_items(items)
}

fn clean_items(items: Vec<&str>) -> Vec<String> {
    items
        .into_iter()
        .map(|i| {
            collapse_ws(i)
                .trim_end_matches([';', ','])
                .trim_end_matches('.')
                .trim()
                .to_string()
        })
        .filter(|i| i.chars().any(char::is_alphanumeric))
        .collect()
}

/// IMO (7 digits) and MMSI (9 digits) numbers stated in free text:
/// `IMO No 8320195`, `IMO no9270658`, `(IMO number):7408873`,
/// `IMO Nos 8309593,9051650`, `International Maritime Organization (IMO) Ship
/// No.5344160`, `IMO Identification Number: 6183435`, `MMSI: 445539000`.
/// `raw_type` is the marker as written (`IMO No`).
pub(super) fn vessel_ids(text: &str) -> Vec<Identifier> {
    let b = text.as_bytes();
    let mut out: Vec<Identifier> = Vec::new();
    for (marker, kind, digits) in [("IMO", "imo", 7usize), ("MMSI", "mmsi", 9usize)] {
        let mut from = 0;
        while let Some(off) = text[from..].find(marker) {
            let start = from + off;
            let end = start + marker.len();
            from = end;
            if start > 0 && b[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            if b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            let mut p = end;
            let mut type_end = end;
            loop {
                while b
                    .get(p)
                    .is_some_and(|c| matches!(c, b' ' | b'\t' | b')' | b'(' | b':' | b'.' | b'#'))
                {
                    p += 1;
                }
                let w = b[p..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .count();
                let word = text[p..p + w].to_ascii_lowercase();
                if matches!(
                    word.as_str(),
                    "number" | "numbers" | "no" | "nos" | "num" | "ship" | "identification" | "id"
                ) {
                    p += w;
                    type_end = p;
                } else {
                    break;
                }
            }
            let raw_type = collapse_ws(&text[start..type_end].replace([')', '('], " "));
            loop {
                let d = b[p..].iter().take_while(|c| c.is_ascii_digit()).count();
                if d != digits {
                    break;
                }
                let value = &text[p..p + d];
                if !out.iter().any(|i| i.kind == kind && i.value == value) {
                    out.push(Identifier {
                        kind: kind.to_string(),
                        value: value.to_string(),
                        raw_type: Some(raw_type.clone()),
                        country: None,
                        note: None,
                    });
                }
                p += d;
                let mut next = None;
                for sep in [", ", ",", " and ", "; ", " & "] {
                    if text[p..].starts_with(sep)
                        && b.get(p + sep.len()).is_some_and(u8::is_ascii_digit)
                    {
                        next = Some(p + sep.len());
                        break;
                    }
                }
                match next {
                    Some(q) => p = q,
                    None => break,
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// UN references
// ---------------------------------------------------------------------------

/// One UN reference read from text: the reference, how many bytes it took,
/// and whether it had to be mended.
fn un_token(s: &str) -> Option<(String, usize, bool)> {
    let b = s.as_bytes();
    let up = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    if !up(0) {
        return None;
    }
    // Current form: two capitals, `i`/`e`, a dot, three digits (QDi.001).
    if up(1) {
        if let Some(&c) = b.get(2) {
            if matches!(c, b'i' | b'e' | b'I' | b'E' | b'1') {
                let mut p = 3;
                let dot = b.get(p) == Some(&b'.');
                if dot {
                    p += 1;
                }
                let mut spaces = 0;
                while b.get(p) == Some(&b' ') && spaces < 2 {
                    p += 1;
                    spaces += 1;
                }
                let d = b[p.min(b.len())..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                // "QDi.001.04" would be another form; "KPi.002.Former" is
                // the reference followed by a sentence without a space.
                let dotted_more =
                    b.get(p + d) == Some(&b'.') && b.get(p + d + 1).is_some_and(u8::is_ascii_digit);
                if d == 3 && !dotted_more && (dot || spaces > 0) {
                    let letter = if c == b'1' {
                        'i'
                    } else {
                        char::from(c.to_ascii_lowercase())
                    };
                    let tok = format!("{}{}.{}", &s[..2], letter, &s[p..p + d]);
                    let mended = !(dot && spaces == 0 && (c == b'i' || c == b'e'));
                    return Some((tok, p + d, mended));
                }
            }
        }
    }
    // Older form: capitals, then at least two dotted groups (QI.A.86.03,
    // E.29.I.11).
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=3).contains(&letters) {
        return None;
    }
    let mut p = letters;
    let mut groups = 0;
    while b.get(p) == Some(&b'.') {
        let g = b[p + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if !(1..=4).contains(&g) {
            break;
        }
        p += 1 + g;
        groups += 1;
    }
    if groups >= 2 {
        Some((s[..p].to_string(), p, false))
    } else {
        None
    }
}

/// Whether the mention at `at` sits inside an `(OFSI ID: …` aside, which
/// names another target (a ship's owner), not this one.
fn in_other_target_aside(text: &str, at: usize) -> bool {
    let before = &text[..at];
    match (before.rfind('('), before.rfind(')')) {
        (Some(o), c) if c.map_or(true, |c| c < o) => before[o..].contains("OFSI ID"),
        _ => false,
    }
}

/// UN references stated in free text, and warnings about mentions that could
/// not be read or had to be mended.
fn un_refs(text: &str) -> (Vec<String>, Vec<String>) {
    let lower = text.to_ascii_lowercase();
    let b = text.as_bytes();
    let mut refs: Vec<String> = Vec::new();
    let mut notes = Vec::new();
    let mut from = 0;
    while let Some(off) = lower[from..].find("un ref") {
        let start = from + off;
        let mut p = start + "un ref".len();
        from = p;
        if start > 0 && b[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        if lower[p..].starts_with("erence") {
            p += "erence".len();
        } else if b.get(p).is_some_and(u8::is_ascii_alphabetic) {
            continue; // "UN Refugee…"
        }
        if in_other_target_aside(text, start) {
            continue;
        }
        loop {
            while b
                .get(p)
                .is_some_and(|c| matches!(c, b' ' | b'\t' | b')' | b':' | b'.' | b'-' | b','))
            {
                p += 1;
            }
            let w = b[p..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            if matches!(lower[p..p + w].as_ref(), "no" | "nos" | "number") {
                p += w;
            } else {
                break;
            }
        }
        let mut got = false;
        while let Some((tok, used, mended)) = un_token(&text[p..]) {
            if mended {
                let raw: String = text[p..p + used].to_string();
                notes.push(format!("UN reference '{raw}' read as '{tok}'"));
            }
            if !refs.contains(&tok) {
                refs.push(tok);
            }
            got = true;
            p += used;
            let mut next = None;
            for sep in [" and ", ", ", "; ", " & "] {
                if text[p..].starts_with(sep) && un_token(&text[p + sep.len()..]).is_some() {
                    next = Some(p + sep.len());
                    break;
                }
            }
            match next {
                Some(q) => p = q,
                None => break,
            }
        }
        if !got && !lower[p..].starts_with("un ref") {
            let snippet: String = text[start..].chars().take(24).collect();
            notes.push(format!(
                "UN reference mentioned but not readable, not linked: '{}'",
                snippet.trim()
            ));
        }
    }
    (refs, notes)
}

// ---------------------------------------------------------------------------
// Scripts and dates
// ---------------------------------------------------------------------------

/// The script name for a stated `Non-Latin Script Type`, and whether the
/// statement was a misspelling (to be warned about). Unknown names are kept
/// as stated.
fn script_name(stated: &str) -> (String, bool) {
    let l = stated.trim().to_lowercase();
    let (s, misspelt) = match l.as_str() {
        "cyrillic" => ("Cyrillic", false),
        "cryillic" | "cyrilic" | "cyrllic" | "cyrilllic" | "cyrillc" | "cryllic" | "cirillic" => {
            ("Cyrillic", true)
        }
        "russian" | "ukrainian" | "belarusian" | "bulgarian" | "serbian" => ("Cyrillic", false),
        "arabic" | "persian" | "farsi" | "urdu" | "pashto" => ("Arabic", false),
        "chinese" | "han" => ("Han", false),
        "hangul" | "korean" => ("Hangul", false),
        "burmese" | "myanmar" => ("Myanmar", false),
        "georgian" => ("Georgian", false),
        "hebrew" => ("Hebrew", false),
        "thai" => ("Thai", false),
        "greek" => ("Greek", false),
        "armenian" => ("Armenian", false),
        "latin" => ("Latin", false),
        _ => return (collapse_ws(stated), false),
    };
    (s.to_string(), misspelt)
}

/// A UK date of birth: `dd/mm/yyyy` with `00` for unknown parts, or anything
/// [`dates::parse_dob`] reads (bare years, `mm/yyyy`, ISO dates from date
/// cells). `date` is `None` when unreadable.
fn parse_uk_dob(raw: &str) -> DateOfBirth {
    let t = collapse_ws(raw);
    let parts: Vec<&str> = t.split('/').map(str::trim).collect();
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if parts.len() == 3 && parts.iter().all(|p| numeric(p)) && parts[2].len() == 4 {
        let d: u8 = parts[0].parse().unwrap_or(99);
        let m: u8 = parts[1].parse().unwrap_or(99);
        let y: i32 = parts[2].parse().unwrap_or(0);
        let date = match (d, m) {
            (0, 0) => PartialDate::checked(y, None, None),
            (0, m) => PartialDate::checked(y, Some(m), None),
            (_, 0) => None,
            (d, m) => PartialDate::checked(y, Some(m), Some(d)),
        };
        return DateOfBirth {
            raw: t,
            date,
            to: None,
            approx: false,
        };
    }
    dates::parse_dob(&t, SlashOrder::Dmy)
}

/// A full date (`dd/mm/yyyy` or ISO) as ISO `YYYY-MM-DD`.
fn iso_date(raw: &str) -> Option<String> {
    let d = dates::parse_date(raw, SlashOrder::Dmy)?;
    (d.day.is_some()).then(|| d.to_string())
}

// ---------------------------------------------------------------------------
// The ConList reader proper
// ---------------------------------------------------------------------------

/// Where each column is (header names, case-insensitive).
struct Cols {
    width: usize,
    names: [Option<usize>; 6],
    title: Option<usize>,
    non_latin: Option<usize>,
    non_latin_type: Option<usize>,
    non_latin_lang: Option<usize>,
    dob: Option<usize>,
    town_of_birth: Option<usize>,
    country_of_birth: Option<usize>,
    nationality: Option<usize>,
    passport_number: Option<usize>,
    passport_details: Option<usize>,
    national_id_number: Option<usize>,
    national_id_details: Option<usize>,
    position: Option<usize>,
    address: [Option<usize>; 6],
    postcode: Option<usize>,
    country: Option<usize>,
    other_info: Option<usize>,
    group_type: Option<usize>,
    alias_type: Option<usize>,
    alias_quality: Option<usize>,
    regime: Option<usize>,
    listed_on: Option<usize>,
    designated: Option<usize>,
    last_updated: Option<usize>,
    group_id: usize,
}

fn header_key(s: &str) -> String {
    collapse_ws(s.trim_start_matches('\u{feff}')).to_lowercase()
}

impl Cols {
    fn locate(row: &[String], line: u64) -> Result<Cols> {
        let keys: Vec<String> = row.iter().map(|s| header_key(s)).collect();
        let find = |names: &[&str]| keys.iter().position(|k| names.contains(&k.as_str()));
        let name = |i: usize| find(&[format!("name {i}").as_str()]);
        let addr = |i: usize| find(&[format!("address {i}").as_str()]);
        let group_id = find(&["group id"])
            .ok_or_else(|| Error::malformed("header has no 'Group ID' column").at(line))?;
        let cols = Cols {
            width: row.len(),
            names: [name(1), name(2), name(3), name(4), name(5), name(6)],
            title: find(&["title"]),
            non_latin: find(&["name non-latin script"]),
            non_latin_type: find(&["non-latin script type"]),
            non_latin_lang: find(&["non-latin script language"]),
            dob: find(&["dob", "date of birth"]),
            town_of_birth: find(&["town of birth"]),
            country_of_birth: find(&["country of birth"]),
            nationality: find(&["nationality"]),
            passport_number: find(&["passport number"]),
            passport_details: find(&["passport details"]),
            national_id_number: find(&["national identification number", "ni number"]),
            national_id_details: find(&["national identification details"]),
            position: find(&["position"]),
            address: [addr(1), addr(2), addr(3), addr(4), addr(5), addr(6)],
            postcode: find(&["post/zip code", "postcode", "post code"]),
            country: find(&["country"]),
            other_info: find(&["other information"]),
            group_type: find(&["group type"]),
            alias_type: find(&["alias type"]),
            alias_quality: find(&["alias quality"]),
            regime: find(&["regime"]),
            listed_on: find(&["listed on"]),
            designated: find(&["uk sanctions list date designated"]),
            last_updated: find(&["last updated"]),
            group_id,
        };
        if cols.names.iter().all(Option::is_none) {
            return Err(Error::malformed("header has no 'Name 1' … 'Name 6' columns").at(line));
        }
        Ok(cols)
    }
}

/// The state of one ConList being read row by row.
struct ConList {
    list: ParsedList,
    cols: Option<Cols>,
    groups: HashMap<String, usize>,
    accs: Vec<Acc>,
}

fn cell(row: &[String], i: Option<usize>) -> &str {
    i.and_then(|i| row.get(i)).map(|s| s.trim()).unwrap_or("")
}

/// The entity tags of `Other Information` in the current layout.
const TAGS: &[&str] = &[
    "UK Sanctions List Ref",
    "UK Statement of Reasons",
    "UN Ref",
    "Gender",
    "Phone number",
    "Email address",
    "Type of entity",
    "Website",
    "Parent company",
    "Business Reg No",
    "Subsidiaries",
    "IMO number",
    "Flag of ship",
    "Type of ship",
    "Tonnage of ship",
    "Length of ship",
    "Year built",
    "Current owners",
    "Previous flags",
    "Fax",
    "Tel",
    "non-Latin script",
];

/// `(Tag):value` parts of `Other Information`, in order.
fn tagged(text: &str) -> Vec<(&'static str, &str)> {
    let mut marks: Vec<(usize, usize, &'static str)> = Vec::new();
    for (i, _) in text.match_indices('(') {
        let rest = &text[i + 1..];
        for tag in TAGS {
            if rest.starts_with(tag) && rest[tag.len()..].starts_with("):") {
                marks.push((i, i + 1 + tag.len() + 2, tag));
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(marks.len());
    for (k, &(_, value_start, tag)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map(|m| m.0).unwrap_or(text.len());
        out.push((tag, &text[value_start..end.max(value_start)]));
    }
    out
}

fn clean_value(v: &str) -> String {
    collapse_ws(v)
        .trim_matches(|c: char| c == '"' || c.is_whitespace())
        .trim_end_matches(['.', ',', ';'])
        .trim()
        .to_string()
}

impl ConList {
    fn new(list: ParsedList) -> ConList {
        ConList {
            list,
            cols: None,
            groups: HashMap::new(),
            accs: Vec::new(),
        }
    }

    /// One row (record) of the file. `strict`: the field count must equal
    /// the header's (CSV; a workbook's rows are always padded).
    fn row(&mut self, line: u64, row: &[String], strict: bool) -> Result<()> {
        if row.iter().all(|f| f.trim().is_empty()) {
            return Ok(());
        }
        let Some(cols) = &self.cols else {
            return self.before_header(line, row);
        };
        if strict && row.len() != cols.width {
            return Err(Error::malformed(format!(
                "record has {} fields, the header has {} (truncated or broken file)",
                row.len(),
                cols.width
            ))
            .at(line));
        }
        let gid = cell(row, Some(cols.group_id));
        if gid.is_empty() {
            return Err(Error::malformed("row without a Group ID").at(line));
        }
        let idx = match self.groups.get(gid) {
            Some(&i) => i,
            None => {
                self.accs.push(Acc::new(list_ids::UK_OFSI, gid, line));
                self.groups.insert(gid.to_string(), self.accs.len() - 1);
                self.accs.len() - 1
            }
        };
        let (Some(cols), Some(acc)) = (&self.cols, self.accs.get_mut(idx)) else {
            return Ok(());
        };
        add_row(&mut self.list, cols, acc, row, line);
        Ok(())
    }

    /// The preamble and header rows.
    fn before_header(&mut self, line: u64, row: &[String]) -> Result<()> {
        let first = header_key(row.first().map(String::as_str).unwrap_or(""));
        if first == "last updated" && self.list.version.is_none() {
            let stated = row
                .iter()
                .skip(1)
                .map(|s| s.trim())
                .find(|s| !s.is_empty())
                .unwrap_or("");
            if !stated.is_empty() {
                self.list.version = Some(match iso_date(stated) {
                    Some(iso) => iso,
                    None => {
                        self.list.warn(
                            None,
                            Some(line),
                            format!(
                                "'Last Updated' date '{stated}' is not a date; kept as written"
                            ),
                        );
                        stated.to_string()
                    }
                });
            }
            return Ok(());
        }
        if row.iter().any(|f| header_key(f) == "group id") {
            self.cols = Some(Cols::locate(row, line)?);
            return Ok(());
        }
        Err(Error::malformed(
            "expected the 'Last Updated' line or the header row (with 'Group ID')",
        )
        .at(line))
    }

    fn done(mut self) -> Result<ParsedList> {
        if self.cols.is_none() {
            return Err(Error::malformed(
                "no header row (with 'Group ID') found: not a ConList, or truncated",
            ));
        }
        let accs = std::mem::take(&mut self.accs);
        self.list.entities.reserve(accs.len());
        for acc in accs {
            let e = acc.settle(&mut self.list);
            self.list.entities.push(e);
        }
        Ok(self.list)
    }
}

fn strength_of(alias_type: &str, quality: &str) -> Option<NameStrength> {
    let weak = quality.trim().eq_ignore_ascii_case("low quality");
    let s = match alias_type.trim().to_lowercase().as_str() {
        "prime alias" | "primary name" | "primary" => NameStrength::Primary,
        "aka" | "primary name variation" | "alias" => {
            if weak {
                NameStrength::WeakAka
            } else {
                NameStrength::Aka
            }
        }
        "fka" => NameStrength::Fka,
        "nka" => NameStrength::Nka,
        _ => return None,
    };
    Some(s)
}

fn kind_of(group_type: &str) -> Option<Kind> {
    match group_type.trim().to_lowercase().as_str() {
        "individual" => Some(Kind::Person),
        "entity" => Some(Kind::Organization),
        "ship" | "vessel" => Some(Kind::Vessel),
        _ => None,
    }
}

/// Folds one row into its group's entity.
fn add_row(list: &mut ParsedList, c: &Cols, acc: &mut Acc, row: &[String], line: u64) {
    let id = acc.entity.id.clone();

    // Kind.
    let gt = cell(row, c.group_type);
    if !gt.is_empty() {
        match kind_of(gt) {
            Some(k) => acc.set_kind(k, list, line, gt),
            None => {
                if acc.first_time(&format!("\u{0}type:{gt}")) {
                    list.warn(None, Some(line), format!("{id}: unknown Group Type '{gt}'"));
                }
            }
        }
    }
    let is_person = kind_of(gt) == Some(Kind::Person);

    // Names.
    let at = cell(row, c.alias_type);
    let strength = match strength_of(at, cell(row, c.alias_quality)) {
        Some(s) => s,
        None => {
            if !at.is_empty() && acc.first_time(&format!("\u{0}alias:{at}")) {
                list.warn(
                    None,
                    Some(line),
                    format!("{id}: unknown Alias Type '{at}', read as an aka"),
                );
            }
            NameStrength::Aka
        }
    };
    let parts: Vec<String> = c.names.iter().map(|&i| collapse_ws(cell(row, i))).collect();
    let given = collapse_ws(&parts[..5].join(" "));
    let family = parts[5].clone();
    let full = collapse_ws(&parts.join(" "));
    if !full.is_empty() {
        let mut name = Name::new(&full, strength);
        if is_person {
            name.given = (!given.is_empty()).then_some(given);
            name.family = (!family.is_empty()).then_some(family);
        }
        acc.add_name(name, false);
    }
    let nl = cell(row, c.non_latin);
    if !nl.is_empty() {
        let stated = cell(row, c.non_latin_type);
        let lang = cell(row, c.non_latin_lang);
        add_script_name(list, acc, line, nl, stated, lang, strength);
    }

    // Title, position.
    for t in split_list(cell(row, c.title), true) {
        acc.entity.add_attribute("title", &t);
    }
    for p in split_list(cell(row, c.position), true) {
        acc.entity.add_attribute("position", &p);
    }

    // Dates of birth.
    for raw in split_list(cell(row, c.dob), true) {
        if acc.entity.dobs.iter().any(|d| d.raw == collapse_ws(&raw)) {
            continue;
        }
        let dob = parse_uk_dob(&raw);
        if dob.date.is_none() {
            list.warn(
                None,
                Some(line),
                format!("{id}: unreadable date of birth '{raw}', kept as text"),
            );
        }
        acc.add_dob(dob);
    }

    // Birth place, nationality.
    for t in split_list(cell(row, c.town_of_birth), true) {
        acc.entity.add_attribute("place_of_birth", &t);
    }
    for t in split_list(cell(row, c.country_of_birth), true) {
        acc.entity.add_country(CountryRole::Birth, &t, None);
    }
    for t in split_list(cell(row, c.nationality), true) {
        acc.entity.add_country(CountryRole::Nationality, &t, None);
    }

    // Identity documents.
    add_documents(
        acc,
        "passport",
        c.passport_number,
        c.passport_details,
        row,
        ("Passport Number", "Passport Details"),
    );
    add_documents(
        acc,
        "national_id",
        c.national_id_number,
        c.national_id_details,
        row,
        (
            if c.national_id_details.is_some() {
                "National Identification Number"
            } else {
                "NI Number"
            },
            "National Identification Details",
        ),
    );

    // Address.
    let mut addr: Vec<String> = c
        .address
        .iter()
        .map(|&i| {
            collapse_ws(cell(row, i))
                .trim_end_matches(',')
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect();
    let pc = collapse_ws(cell(row, c.postcode));
    if !pc.is_empty() {
        addr.push(pc);
    }
    let country = cell(row, c.country);
    if !addr.is_empty() {
        acc.add_address(&addr.join(", "), Some(country));
    }
    if !country.is_empty() {
        acc.entity.add_country(CountryRole::Location, country, None);
    }

    // Regime, dates of listing.
    acc.add_program(cell(row, c.regime));
    for (key, col) in [
        ("listed_on", c.listed_on),
        ("designated_on", c.designated),
        ("last_updated", c.last_updated),
    ] {
        let raw = cell(row, col);
        if raw.is_empty() {
            continue;
        }
        match iso_date(raw) {
            Some(iso) => acc.entity.add_attribute(key, &iso),
            None => {
                if acc.first_time(&format!("\u{0}{key}:{raw}")) {
                    list.warn(
                        None,
                        Some(line),
                        format!("{id}: {key} '{raw}' is not a date; kept as written"),
                    );
                }
                acc.entity.add_attribute(key, raw);
            }
        }
    }

    // Other Information.
    let oi = cell(row, c.other_info);
    if !oi.is_empty() && acc.first_time(oi) {
        acc.add_remark(oi);
        other_information(list, acc, line, oi, strength);
    }
}

/// Passport / national-id columns: numbered items of the number column, the
/// details column as their notes (paired item by item when the counts
/// agree). Without a number column (old layout) the details are the values.
fn add_documents(
    acc: &mut Acc,
    kind: &str,
    number: Option<usize>,
    details: Option<usize>,
    row: &[String],
    raw_types: (&str, &str),
) {
    let details_text = collapse_ws(cell(row, details));
    match number {
        Some(_) if !cell(row, number).is_empty() => {
            let values = split_list(cell(row, number), true);
            let notes = split_list(&details_text, true);
            let paired = notes.len() == values.len();
            for (k, v) in values.iter().enumerate() {
                let note = if paired {
                    notes.get(k).cloned()
                } else {
                    (!details_text.is_empty()).then(|| details_text.clone())
                };
                acc.add_id(Identifier {
                    kind: kind.to_string(),
                    value: v.clone(),
                    raw_type: Some(raw_types.0.to_string()),
                    country: None,
                    note,
                });
            }
        }
        Some(_) => {
            // Details without a number: no document number to index, so the
            // text is kept as an attribute.
            if !details_text.is_empty() {
                let key = format!("{kind}_details");
                acc.entity.add_attribute(&key, &details_text);
            }
        }
        None => {
            // Old layout: one column holding number and details as text.
            for v in split_list(&details_text, true) {
                acc.add_id(Identifier {
                    kind: kind.to_string(),
                    value: v,
                    raw_type: Some(raw_types.1.to_string()),
                    country: None,
                    note: None,
                });
            }
        }
    }
}

/// A non-Latin rendering of a name, with its stated script and language.
fn add_script_name(
    list: &mut ParsedList,
    acc: &mut Acc,
    line: u64,
    text: &str,
    stated_script: &str,
    lang: &str,
    strength: NameStrength,
) {
    let mut name = Name::new(text, strength);
    if name.full.is_empty() {
        return;
    }
    if !stated_script.is_empty() {
        let (script, misspelt) = script_name(stated_script);
        let detected = crate::normalize::script::detect(&name.full);
        if misspelt {
            list.warn(
                None,
                Some(line),
                format!(
                    "{}: script '{}' read as '{}'",
                    acc.entity.id, stated_script, script
                ),
            );
        } else if let Some(d) = detected {
            if d != script && d != "Other" && d != "Latin" {
                list.warn(
                    None,
                    Some(line),
                    format!(
                        "{}: name '{}' is said to be in {} script but its letters are {}; kept as stated",
                        acc.entity.id, name.full, stated_script, d
                    ),
                );
            }
        }
        name.script = Some(script);
    }
    if !lang.is_empty() {
        name.lang = Some(collapse_ws(lang));
    }
    acc.add_name(name, true);
}

/// Reads what `Other Information` states beyond its text: tagged facts,
/// links to UN entries, IMO / MMSI numbers.
fn other_information(
    list: &mut ParsedList,
    acc: &mut Acc,
    line: u64,
    text: &str,
    strength: NameStrength,
) {
    let id = acc.entity.id.clone();
    for (tag, value) in tagged(text) {
        let v = clean_value(value);
        if v.is_empty() {
            continue;
        }
        let attr = |key: &str, acc: &mut Acc| acc.entity.add_attribute(key, &v);
        match tag {
            "UK Sanctions List Ref" => {
                // "RUS0978. Financial sanctions…", "BEL0045 and GHR0050."
                for w in v.split([' ', ',', ';']) {
                    let r = w.trim_end_matches(['.', ',', ';']);
                    let is_ref = r.len() >= 4
                        && r.bytes().take(3).all(|b| b.is_ascii_uppercase())
                        && r.bytes().skip(3).all(|b| b.is_ascii_digit());
                    if is_ref {
                        acc.entity.add_attribute("uk_sanctions_list_ref", r);
                    } else if !(r.is_empty() || r == "and") {
                        break;
                    }
                }
            }
            "Gender" => attr("gender", acc),
            "Type of entity" => attr("entity_type", acc),
            "Parent company" => attr("parent_company", acc),
            "Subsidiaries" => attr("subsidiaries", acc),
            "Flag of ship" => attr("vessel_flag", acc),
            "Type of ship" => attr("vessel_type", acc),
            "Tonnage of ship" => attr("tonnage", acc),
            "Length of ship" => attr("vessel_length", acc),
            "Year built" => attr("year_built", acc),
            "Current owners" => attr("vessel_owner", acc),
            "Previous flags" => attr("previous_flags", acc),
            "Phone number" | "Fax" | "Tel" => {
                for p in split_list(&v, true) {
                    acc.add_id(Identifier {
                        kind: "phone".into(),
                        value: p,
                        raw_type: Some(tag.to_string()),
                        country: None,
                        note: None,
                    });
                }
            }
            "Email address" | "Website" => {
                for item in split_list(&v, true) {
                    for tok in item.split([' ', ',', ';']) {
                        let tok = tok.trim().trim_end_matches(['.', ',', ';', ')']);
                        let kind = if tok.contains('@') {
                            "email"
                        } else if tag == "Website" && tok.contains('.') {
                            "website"
                        } else {
                            continue;
                        };
                        acc.add_id(Identifier {
                            kind: kind.into(),
                            value: tok.to_string(),
                            raw_type: Some(tag.to_string()),
                            country: None,
                            note: None,
                        });
                    }
                }
            }
            "Business Reg No" => {
                for r in split_list(&v, true) {
                    acc.add_id(Identifier {
                        kind: "registration".into(),
                        value: r,
                        raw_type: Some(tag.to_string()),
                        country: None,
                        note: None,
                    });
                }
            }
            "non-Latin script" => {
                // "Name (non-Latin script): … Non Latin Script Type: X.
                //  Non Latin Script Language: Y."
                let (name, rest) = match v.find("Non Latin Script") {
                    Some(i) => (&v[..i], &v[i..]),
                    None => (v.as_str(), ""),
                };
                let field = |label: &str| -> String {
                    rest.find(label)
                        .map(|i| {
                            let after = &rest[i + label.len()..];
                            let end = after.find('.').unwrap_or(after.len());
                            collapse_ws(&after[..end])
                        })
                        .unwrap_or_default()
                };
                let script = field("Non Latin Script Type:");
                let lang = field("Non Latin Script Language:");
                let name = clean_value(name);
                add_script_name(list, acc, line, &name, &script, &lang, strength);
            }
            _ => {}
        }
    }
    let (refs, notes) = un_refs(text);
    for r in refs {
        acc.entity.add_link(format!("{}:{}", list_ids::UN_SC, r));
    }
    for n in notes {
        list.warn(None, Some(line), format!("{id}: {n}"));
    }
    for i in vessel_ids(text) {
        acc.add_id(i);
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::source::{parse_bytes, read_input};
    use std::path::PathBuf;

    const HEADER_OLD: &str = "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,Country of Birth,Nationality,Passport Details,NI Number,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Regime,Listed On,Last Updated,Group ID";

    /// A small old-layout CSV in Windows-1252.
    fn old_csv() -> Vec<u8> {
        let mut s = String::from("Last Updated,02/04/2014\r\n");
        s.push_str(HEADER_OLD);
        s.push_str("\r\n");
        s.push_str("ABBAS,Fayssal,,,,,Dr,00/00/1955,Hama Province,,,,,Former Minister for Transport,,,,,,,,,Former Minister,Individual,Prime Alias,Syria,28/02/2012,31/05/2013,12510\r\n");
        s.push_str("ABBAS,Faysal,,,,,,00/00/1956,Hama Province,,,,,,,,,,,,,,Former Minister,Individual,AKA,Syria,28/02/2012,31/05/2013,12510\r\n");
        s.push_str("A RAHMAN,Mohamad,Iqbal,,,,,17/08/1957,\"(1) Tirpas-Selong Village (2) Korleko\",(1)-(2) Indonesia,Indonesian,\"(1) 106261543 (Kuwaiti) (2) 1420529\",no 3603251708570001,,Jalan Nakula,Komplek Witana,,,,Tangerang,,Indonesia,UN Ref QI.A.86.03.,Individual,Prime Alias,Al-Qaida,24/01/2003,23/06/2011,6894\r\n");
        s.push_str("BEST PRECISE LTD,,,,,,,,,,,,,,,,,,,,,,\"EU listing. Owned by Mill Dene Ltd. IMO Nos 8309593,9051650\",Entity,Prime Alias,Iran,24/06/2008,10/06/2010,11523\r\n");
        s.push_str("OLD NAME LTD,,,,,,,,,,,,,,,,,,,,,,\"EU listing. Owned by Mill Dene Ltd. IMO Nos 8309593,9051650\",Entity,FKA,Iran,24/06/2008,10/06/2010,11523\r\n");
        s.push_str("DPRK~S BANK,,,,,,,,,,,,,,,,,,,,,,,Entity,Prime Alias,North Korea,01/01/2013,01/01/2013,13000\r\n");
        // `~` stands for the Windows-1252 right single quote.
        s.bytes()
            .map(|b| if b == b'~' { 0x92 } else { b })
            .collect()
    }

    /// A minimal XLSX workbook with one sheet holding `rows` (inline
    /// strings; a cell written `#123` is the number 123), for fixtures.
    pub(in crate::source) fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
        use std::io::Write;
        fn col(mut i: usize) -> String {
            let mut s = Vec::new();
            loop {
                s.push(b'A' + (i % 26) as u8);
                if i < 26 {
                    break;
                }
                i = i / 26 - 1;
            }
            s.reverse();
            String::from_utf8(s).unwrap()
        }
        let esc = |t: &str| {
            t.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let mut sheet = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        for (r, row) in rows.iter().enumerate() {
            sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, v) in row.iter().enumerate() {
                let at = format!("{}{}", col(c), r + 1);
                if v.is_empty() {
                    continue;
                }
                match v.strip_prefix('#') {
                    Some(n) => sheet.push_str(&format!(r#"<c r="{at}"><v>{n}</v></c>"#)),
                    None => sheet.push_str(&format!(
                        r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                        esc(v)
                    )),
                }
            }
            sheet.push_str("</row>");
        }
        sheet.push_str("</sheetData></worksheet>");
        let files = [
            ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
            ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
            ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
            ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in files {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const HEADER_NEW: [&str; 36] = [
        "Name 6",
        "Name 1",
        "Name 2",
        "Name 3",
        "Name 4",
        "Name 5",
        "Title",
        "Name Non-Latin Script",
        "Non-Latin Script Type",
        "Non-Latin Script Language",
        "DOB",
        "Town of Birth",
        "Country of Birth",
        "Nationality",
        "Passport Number",
        "Passport Details",
        "National Identification Number",
        "National Identification Details",
        "Position",
        "Address 1",
        "Address 2",
        "Address 3",
        "Address 4",
        "Address 5",
        "Address 6",
        "Post/Zip Code",
        "Country",
        "Other Information",
        "Group Type",
        "Alias Type",
        "Alias Quality",
        "Regime",
        "Listed On",
        "UK Sanctions List Date Designated",
        "Last Updated",
        "Group ID",
    ];

    /// A row of the 36-column layout from (column, value) pairs.
    fn new_row(cells: &[(&str, &str)]) -> Vec<String> {
        HEADER_NEW
            .iter()
            .map(|h| {
                cells
                    .iter()
                    .find(|(k, _)| k == h)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// A small workbook in the current 36-column layout.
    fn new_xlsx() -> Vec<u8> {
        let rows = vec![
            vec!["Last Updated".to_string(), "14/04/2025".to_string()],
            HEADER_NEW.iter().map(|s| s.to_string()).collect(),
            new_row(&[
                ("Name 6", "ZADACHIN"), ("Name 1", "Andrey"), ("Name 2", "Andreevich"),
                ("Name Non-Latin Script", "ЗАДАЧИН Андрей Андреевич"),
                ("Non-Latin Script Type", "Cryillic"), ("Non-Latin Script Language", "Russian"),
                ("DOB", "00/05/1970"), ("Passport Number", "(1) 123 (2) 456"),
                ("Passport Details", "(1) Russia (2) Expired"), ("Address 1", "#115280"),
                ("Country", "Russia"),
                ("Other Information", "(UK Sanctions List Ref):RUS0001. (UN Ref):QDi.001. (Gender):Male"),
                ("Group Type", "Individual"), ("Alias Type", "Primary name"),
                ("Regime", "Russia"), ("Listed On", "15/03/2022"), ("Group ID", "#15890"),
            ]),
            new_row(&[
                ("Name 6", "ZADACHIN"), ("Name 1", "Andrei"), ("DOB", "00/05/1970"),
                ("Group Type", "Individual"), ("Alias Type", "Primary name variation"),
                ("Alias Quality", "Low quality"), ("Group ID", "#15890"),
            ]),
            new_row(&[
                ("Name 6", "SAM JONG 2"),
                ("Other Information", "(UK Sanctions List Ref):DPR0100. (IMO number):7408873 (Flag of ship):North Korea (Type of ship):Oil tanker"),
                ("Group Type", "Ship"), ("Alias Type", "Primary name"), ("Group ID", "#13651"),
            ]),
            new_row(&[
                ("Name 6", "PREMERA (H.K.) INTERNATIONAL CO, LIMITED"),
                ("Group Type", "Entity"), ("Alias Type", "Primary name variation"),
                ("Group ID", "#16789"),
            ]),
        ];
        xlsx(&rows)
    }

    #[test]
    fn xlsx_version_and_groups() {
        let l = parse_bytes(Format::UkOfsiXlsx, &new_xlsx()).unwrap();
        assert_eq!(l.version.as_deref(), Some("2025-04-14"));
        assert_eq!(l.entities.len(), 3);
    }

    #[test]
    fn non_latin_name_keeps_strength_script_and_language() {
        let l = parse_bytes(Format::UkOfsiXlsx, &new_xlsx()).unwrap();
        let e = by_id(&l, "uk-ofsi:15890");
        let n = e
            .names
            .iter()
            .find(|n| n.full == "ЗАДАЧИН Андрей Андреевич")
            .unwrap();
        assert_eq!(n.strength, NameStrength::Primary);
        assert_eq!(n.script.as_deref(), Some("Cyrillic"));
        assert_eq!(n.lang.as_deref(), Some("Russian"));
        assert!(l.warnings.iter().any(|w| w.message.contains("'Cryillic'")));
    }

    #[test]
    fn low_quality_alias_is_weak() {
        let l = parse_bytes(Format::UkOfsiXlsx, &new_xlsx()).unwrap();
        let e = by_id(&l, "uk-ofsi:15890");
        let n = e
            .names
            .iter()
            .find(|n| n.full == "Andrei ZADACHIN")
            .unwrap();
        assert_eq!(n.strength, NameStrength::WeakAka);
    }

    #[test]
    fn passport_numbers_are_paired_with_their_details() {
        let l = parse_bytes(Format::UkOfsiXlsx, &new_xlsx()).unwrap();
        let e = by_id(&l, "uk-ofsi:15890");
        let p: Vec<_> = e
            .ids
            .iter()
            .filter(|i| i.kind == "passport")
            .map(|i| (i.value.as_str(), i.note.as_deref()))
            .collect();
        assert_eq!(p, [("123", Some("Russia")), ("456", Some("Expired"))]);
    }

    #[test]
    fn xlsx_fields_month_dob_number_cell_and_tags() {
        let l = parse_bytes(Format::UkOfsiXlsx, &new_xlsx()).unwrap();
        let e = by_id(&l, "uk-ofsi:15890");
        assert_eq!(e.dobs.len(), 1);
        assert_eq!(e.dobs[0].date.unwrap().to_string(), "1970-05");
        assert_eq!(e.addresses[0].text, "115280");
        assert_eq!(e.links[0].entity_id, "un-sc:QDi.001");
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "gender" && a.value == "Male"));
    }

    #[test]
    fn ship_is_a_vessel_with_imo_and_flag() {
        let l = parse_bytes(Format::UkOfsiXlsx, &new_xlsx()).unwrap();
        let e = by_id(&l, "uk-ofsi:13651");
        assert_eq!(e.kind, Kind::Vessel);
        assert_eq!(e.ids[0].kind, "imo");
        assert_eq!(e.ids[0].value, "7408873");
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "vessel_flag" && a.value == "North Korea"));
    }

    #[test]
    fn group_without_primary_row_gets_one_with_a_warning() {
        let l = parse_bytes(Format::UkOfsiXlsx, &new_xlsx()).unwrap();
        let e = by_id(&l, "uk-ofsi:16789");
        assert_eq!(e.names[0].strength, NameStrength::Primary);
        assert!(l
            .warnings
            .iter()
            .any(|w| w.message.contains("no primary name")));
    }

    fn by_id<'a>(l: &'a ParsedList, id: &str) -> &'a Entity {
        l.entities
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no entity {id}"))
    }

    #[test]
    fn csv_rows_of_one_group_make_one_entity() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        assert_eq!(l.entities.len(), 4);
        assert_eq!(l.version.as_deref(), Some("2014-04-02"));
    }

    #[test]
    fn name_parts_are_given_then_family() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        let e = by_id(&l, "uk-ofsi:6894");
        assert_eq!(e.names[0].full, "Mohamad Iqbal A RAHMAN");
        assert_eq!(e.names[0].given.as_deref(), Some("Mohamad Iqbal"));
        assert_eq!(e.names[0].family.as_deref(), Some("A RAHMAN"));
    }

    #[test]
    fn prime_alias_is_primary_and_others_are_aka_or_fka() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        let e = by_id(&l, "uk-ofsi:12510");
        assert_eq!(e.names[0].full, "Fayssal ABBAS");
        assert_eq!(e.names[0].strength, NameStrength::Primary);
        assert_eq!(e.names[1].strength, NameStrength::Aka);
        let ship_owner = by_id(&l, "uk-ofsi:11523");
        assert_eq!(ship_owner.names[1].full, "OLD NAME LTD");
        assert_eq!(ship_owner.names[1].strength, NameStrength::Fka);
    }

    #[test]
    fn zero_day_and_month_mean_year_only() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        let e = by_id(&l, "uk-ofsi:12510");
        let years: Vec<_> = e.dobs.iter().map(|d| d.date.unwrap().to_string()).collect();
        assert_eq!(years, ["1955", "1956"]);
    }

    #[test]
    fn numbered_lists_are_split() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        let e = by_id(&l, "uk-ofsi:6894");
        let passports: Vec<_> = e
            .ids
            .iter()
            .filter(|i| i.kind == "passport")
            .map(|i| i.value.as_str())
            .collect();
        assert_eq!(passports, ["106261543 (Kuwaiti)", "1420529"]);
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Birth && c.name == "Indonesia"));
        assert_eq!(
            e.attributes
                .iter()
                .filter(|a| a.key == "place_of_birth")
                .count(),
            2
        );
    }

    #[test]
    fn old_un_reference_becomes_a_link() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        let e = by_id(&l, "uk-ofsi:6894");
        assert_eq!(e.links[0].entity_id, "un-sc:QI.A.86.03");
    }

    #[test]
    fn imo_numbers_in_text_become_identifiers() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        let e = by_id(&l, "uk-ofsi:11523");
        let imos: Vec<_> = e
            .ids
            .iter()
            .filter(|i| i.kind == "imo")
            .map(|i| i.value.as_str())
            .collect();
        assert_eq!(imos, ["8309593", "9051650"]);
    }

    #[test]
    fn windows_1252_is_decoded() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        assert_eq!(
            by_id(&l, "uk-ofsi:13000").names[0].full,
            "DPRK\u{2019}S BANK"
        );
    }

    #[test]
    fn address_parts_and_country_are_kept() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        let e = by_id(&l, "uk-ofsi:6894");
        assert_eq!(
            e.addresses[0].text,
            "Jalan Nakula, Komplek Witana, Tangerang"
        );
        assert_eq!(e.addresses[0].country.as_deref(), Some("Indonesia"));
        assert!(e.programs.contains(&"Al-Qaida".to_string()));
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "listed_on" && a.value == "2003-01-24"));
    }

    #[test]
    fn title_and_position_are_attributes() {
        let l = parse_bytes(Format::UkOfsiCsv, &old_csv()).unwrap();
        let e = by_id(&l, "uk-ofsi:12510");
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "title" && a.value == "Dr"));
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "position" && a.value == "Former Minister for Transport"));
    }

    #[test]
    fn truncated_record_is_an_error() {
        let bytes = old_csv();
        let cut = &bytes[..bytes.len() - 40];
        assert!(parse_bytes(Format::UkOfsiCsv, cut).is_err());
    }

    #[test]
    fn unclosed_quote_is_an_error() {
        let mut s = String::from("Last Updated,02/04/2014\n");
        s.push_str(HEADER_OLD);
        s.push_str("\nX,,,,,,,,,,,,,,,,,,,,,,\"unterminated");
        assert!(parse_bytes(Format::UkOfsiCsv, s.as_bytes()).is_err());
    }

    #[test]
    fn missing_group_id_is_an_error() {
        let mut s = String::from("Last Updated,02/04/2014\n");
        s.push_str(HEADER_OLD);
        s.push_str("\nX,,,,,,,,,,,,,,,,,,,,,,,Entity,Prime Alias,Iran,,,\n");
        assert!(parse_bytes(Format::UkOfsiCsv, s.as_bytes()).is_err());
    }

    #[test]
    fn un_references_in_their_many_spellings() {
        let r = |t: &str| un_refs(t).0;
        assert_eq!(r("(UN Ref):QDi.001. Listed"), ["QDi.001"]);
        assert_eq!(r("UN Ref QDi.001"), ["QDi.001"]);
        assert_eq!(r("UN REF: QE.A.146.14."), ["QE.A.146.14"]);
        assert_eq!(r("UN Reference No: TAi.172. Belongs"), ["TAi.172"]);
        assert_eq!(
            r("(UN Ref):QDi.042 and SOi.002. Listed"),
            ["QDi.042", "SOi.002"]
        );
        assert_eq!(r("UN Ref.KPI.067."), ["KPi.067"]);
        assert_eq!(r("UN Ref: QD1.410."), ["QDi.410"]);
        assert_eq!(r("(UN Ref):CDi. 038. Listed"), ["CDi.038"]);
        assert_eq!(r("Un Ref KPi.002.Former Director"), ["KPi.002"]);
        assert_eq!(r("UN Refugee Agency"), Vec::<String>::new());
        assert_eq!(r("UN Ref.077. Member"), Vec::<String>::new());
        assert_eq!(un_refs("UN Ref.077. Member").1.len(), 1);
    }

    #[test]
    fn un_reference_of_a_ships_owner_is_not_a_link() {
        let t = "Listed as asset of Korea Samjong Shipping (OFSI ID: 13635, UN Reference Number: UN Ref KPe.064) (IMO number):7408873";
        assert!(un_refs(t).0.is_empty());
        assert_eq!(vessel_ids(t)[0].value, "7408873");
    }

    #[test]
    fn vessel_numbers_in_their_many_spellings() {
        let v = |t: &str| -> Vec<String> { vessel_ids(t).into_iter().map(|i| i.value).collect() };
        assert_eq!(v("IMO No9270658. Reg"), ["9270658"]);
        assert_eq!(
            v("IMO: 8937675. MMSI: 445539000."),
            ["8937675", "445539000"]
        );
        assert_eq!(
            v("International Maritime Organization (IMO) Ship No.5344160"),
            ["5344160"]
        );
        assert_eq!(
            v("IMO Identification Number: 6183435 (Company)"),
            ["6183435"]
        );
        assert_eq!(v("IMO nos 9213399 and 9193185."), ["9213399", "9193185"]);
        assert!(v("Jaish-IMohammed (QE.J.19.01.)").is_empty());
        assert!(v("vessels with IMO Number: ((a) Chol Ryong 8606173").is_empty());
    }

    #[test]
    fn uk_dates_of_birth() {
        let d = |t: &str| parse_uk_dob(t).date.map(|d| d.to_string());
        assert_eq!(d("00/00/1960").as_deref(), Some("1960"));
        assert_eq!(d("00/05/1960").as_deref(), Some("1960-05"));
        assert_eq!(d("17/08/1957").as_deref(), Some("1957-08-17"));
        assert_eq!(d("1951").as_deref(), Some("1951"));
        assert_eq!(d("05/1973").as_deref(), Some("1973-05"));
        assert_eq!(d("31/02/1960"), None);
        assert_eq!(parse_uk_dob("31/02/1960").raw, "31/02/1960");
    }

    #[test]
    fn script_types_are_normalised() {
        assert_eq!(script_name("Cryillic"), ("Cyrillic".to_string(), true));
        assert_eq!(script_name("Cyrillic"), ("Cyrillic".to_string(), false));
        assert_eq!(script_name("Chinese").0, "Han");
        assert_eq!(script_name("Klingon").0, "Klingon");
    }

    #[test]
    fn enumerated_lists() {
        assert_eq!(
            split_list("(1) Sudan (2) South Sudan", true),
            ["Sudan", "South Sudan"]
        );
        assert_eq!(split_list("1) Uzbek 2) Afghan", true), ["Uzbek", "Afghan"]);
        assert_eq!(
            split_list("(1) Russia. (2) Georgia", true),
            ["Russia", "Georgia"]
        );
        assert_eq!(split_list("Iran (2) x", true), ["Iran (2) x"]);
        assert_eq!(split_list("a) 1960 b) 1962", false), ["1960", "1962"]);
        assert_eq!(split_list("(1) Haidra (2)-(3) -", true), ["Haidra"]);
    }

    #[test]
    fn other_information_tags() {
        let t = "(UK Sanctions List Ref):RUS0978. (UK Statement of Reasons):Big company. (Phone number):(1) +7 495 1 (2) +7 495 2 (Website):www.x.ru (Email address):a@x.ru. b@x.ru (Type of entity):Joint Stock Company (Business Reg No):INN 7706001520 (Gender):Male";
        let tags: Vec<_> = tagged(t).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            tags,
            [
                "UK Sanctions List Ref",
                "UK Statement of Reasons",
                "Phone number",
                "Website",
                "Email address",
                "Type of entity",
                "Business Reg No",
                "Gender"
            ]
        );
        let mut list = ParsedList::new("uk-ofsi", Format::UkOfsiXlsx, &PathBuf::from("x"));
        let mut acc = Acc::new("uk-ofsi", "1", 1);
        other_information(&mut list, &mut acc, 1, t, NameStrength::Primary);
        let e = &acc.entity;
        let attr = |k: &str| {
            e.attributes
                .iter()
                .find(|a| a.key == k)
                .map(|a| a.value.as_str())
        };
        assert_eq!(attr("uk_sanctions_list_ref"), Some("RUS0978"));
        assert_eq!(attr("gender"), Some("Male"));
        assert_eq!(attr("entity_type"), Some("Joint Stock Company"));
        let ids: Vec<_> = e
            .ids
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("phone", "+7 495 1"),
                ("phone", "+7 495 2"),
                ("website", "www.x.ru"),
                ("email", "a@x.ru"),
                ("email", "b@x.ru"),
                ("registration", "INN 7706001520")
            ]
        );
    }

    // ----- real files -----

    fn real(rel: &str) -> Option<PathBuf> {
        let p = crate::source::shared_lists_dir()?.join(rel);
        p.is_file().then_some(p)
    }

    const REAL: [(&str, usize); 4] = [
        ("uk-ofsi/2014-04-02/sanctionsconlist.csv", 2297),
        ("uk-ofsi/2018-04-13/sanctionsconlist.csv", 2106),
        ("uk-ofsi/2023-06-05/ConList.xlsx", 3993),
        ("uk-ofsi/2025-04-14/ConList.xlsx", 4688),
    ];

    #[test]
    fn real_files_have_the_stated_counts_and_versions() {
        for (rel, count) in REAL {
            let Some(p) = real(rel) else { return };
            let t = std::time::Instant::now();
            let l = read_input(&Input::file(&p)).unwrap();
            let with_detection = t.elapsed();
            let t = std::time::Instant::now();
            let f = if rel.ends_with(".csv") {
                Format::UkOfsiCsv
            } else {
                Format::UkOfsiXlsx
            };
            crate::source::read_format(f, &Input::file(&p)).unwrap();
            eprintln!(
                "{rel}: {} entities, {} names, {} warnings; read {:?} ({:?} with format detection)",
                l.entities.len(),
                l.name_count(),
                l.warnings.len(),
                t.elapsed(),
                with_detection
            );
            assert_eq!(l.entities.len(), count, "{rel}");
            let dir = rel.split('/').nth(1).unwrap();
            assert_eq!(l.version.as_deref(), Some(dir), "{rel}");
        }
    }

    #[test]
    fn real_2025_hand_checked_entities() {
        let Some(p) = real("uk-ofsi/2025-04-14/ConList.xlsx") else {
            return;
        };
        let l = read_input(&Input::file(&p)).unwrap();
        // A ship with its IMO number, flag and the tagged facts.
        let ship = by_id(&l, "uk-ofsi:13651");
        assert_eq!(ship.kind, Kind::Vessel);
        assert!(ship
            .ids
            .iter()
            .any(|i| i.kind == "imo" && i.value == "7408873"));
        assert!(ship.links.is_empty(), "owner's UN ref is not the ship's");
        // A person with a Cyrillic primary-name form, a UN link and a gender.
        let e = by_id(&l, "uk-ofsi:13918");
        assert_eq!(e.kind, Kind::Person);
        assert_eq!(e.names[0].strength, NameStrength::Primary);
        assert!(e
            .names
            .iter()
            .any(|n| n.script.as_deref() == Some("Cyrillic")));
        // The Mian Abdul HAQ group: primary, variations, gender.
        let haq = by_id(&l, "uk-ofsi:15672");
        assert_eq!(haq.names[0].full, "Mian Abdul HAQ");
        assert!(haq.names.iter().any(|n| n.full == "Mian MITHOO"));
        assert!(haq
            .attributes
            .iter()
            .any(|a| a.key == "uk_sanctions_list_ref" && a.value == "GHR0086"));
        // A UN-listed person links to the UN entry.
        let linked = l
            .entities
            .iter()
            .filter(|e| e.links.iter().any(|k| k.entity_id.starts_with("un-sc:")))
            .count();
        assert!(linked > 800, "{linked}");
        // Low-quality aliases are weak.
        assert!(l
            .entities
            .iter()
            .any(|e| e.names.iter().any(|n| n.strength == NameStrength::WeakAka)));
        // Misspelt script names were reported.
        assert!(l.warnings.iter().any(|w| w.message.contains("Cryillic")));
        // A person with weak (low-quality) aliases, four possible birth
        // years and a UN link.
        let kony = by_id(&l, "uk-ofsi:13378");
        assert_eq!(kony.names[0].full, "ALI KONY");
        assert!(kony
            .names
            .iter()
            .any(|n| n.full == "CAESAR" && n.strength == NameStrength::WeakAka));
        let years: Vec<i32> = kony.dobs.iter().map(|d| d.date.unwrap().year).collect();
        assert_eq!(years, [1994, 1993, 1995, 1992]);
        assert_eq!(kony.links[0].entity_id, "un-sc:CFi.010");
        // An organisation with f.k.a. names.
        let adf = by_id(&l, "uk-ofsi:13189");
        assert!(adf
            .names
            .iter()
            .any(|n| n.full == "NALU" && n.strength == NameStrength::Fka));
        // A Cyrillic form with its stated language, as strong as the primary.
        let z = by_id(&l, "uk-ofsi:15890");
        let cyr = z
            .names
            .iter()
            .find(|n| n.full == "ЗАДАЧИН Андрей Андреевич")
            .unwrap();
        assert_eq!(
            (cyr.strength, cyr.script.as_deref(), cyr.lang.as_deref()),
            (NameStrength::Primary, Some("Cyrillic"), Some("Russian"))
        );
        // The groups without a primary row got one.
        let p = by_id(&l, "uk-ofsi:16789");
        assert_eq!(p.names[0].strength, NameStrength::Primary);
    }

    /// Cuts of a real file must fail or give a shorter list, never panic.
    fn check_truncations(rel: &str, format: Format) {
        let Some(p) = real(rel) else { return };
        let bytes = std::fs::read(&p).unwrap();
        let full = parse_bytes(format, &bytes).unwrap().entities.len();
        let mut cuts: Vec<usize> = [10, 50, 90, 99]
            .iter()
            .map(|pc| bytes.len() * pc / 100)
            .collect();
        // Mid-line cuts: the middle of a few lines.
        for frac in [3, 5, 7] {
            let at = bytes.len() * frac / 10;
            let line_start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map(|i| i + 1)
                .unwrap_or(0);
            let line_end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|i| at + i)
                .unwrap_or(bytes.len());
            cuts.push((line_start + line_end) / 2);
        }
        for cut in cuts {
            match parse_bytes(format, &bytes[..cut]) {
                Err(_) => {}
                Ok(l) => assert!(
                    l.entities.len() < full,
                    "{rel} cut at {cut} read as a whole list"
                ),
            }
        }
    }

    #[test]
    fn truncated_real_files_fail_or_shrink() {
        for (rel, _) in REAL {
            let f = if rel.ends_with(".csv") {
                Format::UkOfsiCsv
            } else {
                Format::UkOfsiXlsx
            };
            check_truncations(rel, f);
        }
    }

    #[test]
    fn random_bytes_are_refused() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut bytes = Vec::new();
        for _ in 0..4096 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push(x as u8);
        }
        assert!(parse_bytes(Format::UkOfsiCsv, &bytes).is_err());
        assert!(parse_bytes(Format::UkOfsiXlsx, &bytes).is_err());
        let mut zipish = b"PK\x03\x04".to_vec();
        zipish.extend_from_slice(&bytes);
        assert!(parse_bytes(Format::UkOfsiXlsx, &zipish).is_err());
    }
}
