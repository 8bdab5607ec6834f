//! Australia DFAT Consolidated List (`regulation8_consolidated.xlsx`).
//!
//! # Format
//!
//! One worksheet; a header row with the columns `Reference`, `Name of
//! Individual or Entity`, `Type`, `Name Type`, `Date of Birth`, `Place of
//! Birth`, `Citizenship`, `Address`, `Additional Information`, `Listing
//! Information`, `Committees`, `Control Date` (found by name, not position;
//! title rows above the header are skipped). Every later row is **one name**
//! of one entry: the main row carries the reference number (`2`, often a
//! numeric cell), its other names carry suffixed references (`2a`, `2b`, …,
//! and `1276c1`, `1276c2` for further variants). All rows whose reference
//! starts with the same number are one entity `au-dfat:<number>`; entity
//! fields repeat on every row and are merged and de-duplicated. Wholly empty
//! rows are skipped; a row with content but no reference is an error. The
//! file states no publication date: `version` is `None` (the `Control Date`
//! of each entry is not a version and is not turned into one).
//!
//! Values are hand-typed and loosely spelt (`Entity `, `individual`, `aka`,
//! `Aka `, `Primary name`, `original Script`, non-breaking spaces), so they
//! are compared trimmed and case-insensitively.
//!
//! # Mapping
//!
//! - **Kind**: `Type` Individual / Entity / Vessel / Aircraft → person /
//!   organization / vessel / aircraft; empty → unknown; anything else →
//!   unknown with a warning.
//! - **Names** (`Name of Individual or Entity`, as written, `"LAST, First"`
//!   order kept): `Name Type` `Primary Name` → primary; `aka` / `alias` →
//!   aka; `Formerly known as` / `Previously listed as` / `fka` → fka;
//!   `Original Script` → a script form of the primary name, also primary,
//!   its script detected from its letters (the file does not name it). An
//!   empty or unknown name type is read as primary on the main row and aka
//!   on a suffixed row (unknown ones warn). The first primary is
//!   `names[0]`.
//! - **Dates of birth**: Excel date cells and date serials (`30163`) are
//!   dates; whole numbers 1800–2100 in a number cell are years (`1954`).
//!   Text is split on lettered items (`a) 1960 b) 1962`), `;`, line breaks,
//!   `,`, ` or ` and ` >> `, and each part read by [`dates::parse_dob`]
//!   (`Approximately 1955- 1958`, `Between 1975 and 1979`, `circa 1979`);
//!   an unreadable part keeps its raw text and warns (`24/06/1402 (Hijri
//!   Calendar)`, `23-Apr-68`). `na` means none.
//! - **Citizenship** → countries with role citizenship, split on lettered
//!   items, `;`, `,`, `/`, line breaks and ` and ` (country names that
//!   contain "and", like Bosnia and Herzegovina, are kept whole).
//! - **Place of Birth** → attribute `place_of_birth` (lettered items
//!   split). **Address** → addresses (lettered items split; no separate
//!   country column). `NA` means none.
//! - **Additional Information** → remarks; IMO and MMSI numbers stated in
//!   it (`IMO number: 5145892`, `IMO Identification Number: 6183435
//!   (Company)`) → identifiers. Its UN references (`(QDe.115)`, `listed
//!   under permanent reference number QDe.118`) name *associated* entries,
//!   not the entry itself, so they are not links; the file states no UN
//!   reference of its own entries.
//! - **Committees** → programs. **Listing Information** → attribute
//!   `listing_information`; **Control Date** → attribute `control_date`
//!   (ISO).

use std::collections::HashMap;

use calamine::Data;

use super::dates::{self, SlashOrder};
use super::uk_ofsi::{cell_text, first_sheet, split_list, vessel_ids, Acc};
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{
    collapse_ws, list_ids, CountryRole, DateOfBirth, Kind, Name, NameStrength, PartialDate,
};

/// Reads the list.
pub fn read(input: &Input) -> Result<ParsedList> {
    let mut list = ParsedList::new(list_ids::AU_DFAT, Format::AuDfatXlsx, input.path());
    let range = first_sheet(input)?;
    let first_row = range.start().map(|(r, _)| u64::from(r)).unwrap_or(0);
    let mut cols: Option<Cols> = None;
    let mut groups: HashMap<String, usize> = HashMap::new();
    let mut accs: Vec<Acc> = Vec::new();
    let mut rows_before_header = 0usize;
    for (i, row) in range.rows().enumerate() {
        let line = first_row + i as u64 + 1;
        let texts: Vec<String> = row.iter().map(cell_text).collect();
        if texts.iter().all(|t| t.trim().is_empty()) {
            continue;
        }
        let Some(c) = &cols else {
            if texts
                .iter()
                .any(|t| key(t) == "name of individual or entity")
            {
                cols = Some(Cols::locate(&texts, line)?);
            } else {
                rows_before_header += 1;
                if rows_before_header > 10 {
                    return Err(Error::malformed(
                        "no header row (with 'Name of Individual or Entity') in the first rows",
                    )
                    .at(line));
                }
            }
            continue;
        };
        let reference = text(&texts, Some(c.reference));
        if reference.is_empty() {
            return Err(Error::malformed(format!(
                "row without a Reference (name '{}')",
                text(&texts, c.name)
            ))
            .at(line));
        }
        let digits = reference.bytes().take_while(u8::is_ascii_digit).count();
        let (base, suffixed) = if digits == 0 {
            (reference.to_string(), false)
        } else {
            (reference[..digits].to_string(), digits < reference.len())
        };
        let idx = match groups.get(&base) {
            Some(&k) => k,
            None => {
                accs.push(Acc::new(list_ids::AU_DFAT, &base, line));
                groups.insert(base.clone(), accs.len() - 1);
                accs.len() - 1
            }
        };
        if let Some(acc) = accs.get_mut(idx) {
            add_row(&mut list, c, acc, row, &texts, line, suffixed);
        }
    }
    if cols.is_none() {
        return Err(Error::malformed(
            "no header row (with 'Name of Individual or Entity') found",
        ));
    }
    list.entities.reserve(accs.len());
    for acc in accs {
        let e = acc.settle(&mut list);
        list.entities.push(e);
    }
    Ok(list)
}

/// Where each column is.
struct Cols {
    reference: usize,
    name: Option<usize>,
    kind: Option<usize>,
    name_type: Option<usize>,
    dob: Option<usize>,
    place_of_birth: Option<usize>,
    citizenship: Option<usize>,
    address: Option<usize>,
    info: Option<usize>,
    listing: Option<usize>,
    committees: Option<usize>,
    control_date: Option<usize>,
}

fn key(s: &str) -> String {
    collapse_ws(s).to_lowercase()
}

impl Cols {
    fn locate(row: &[String], line: u64) -> Result<Cols> {
        let keys: Vec<String> = row.iter().map(|s| key(s)).collect();
        let find = |name: &str| keys.iter().position(|k| k == name);
        let reference = find("reference")
            .ok_or_else(|| Error::malformed("header has no 'Reference' column").at(line))?;
        Ok(Cols {
            reference,
            name: find("name of individual or entity"),
            kind: find("type"),
            name_type: find("name type"),
            dob: find("date of birth"),
            place_of_birth: find("place of birth"),
            citizenship: find("citizenship"),
            address: find("address"),
            info: find("additional information"),
            listing: find("listing information"),
            committees: find("committees"),
            control_date: find("control date"),
        })
    }
}

fn text(texts: &[String], i: Option<usize>) -> &str {
    i.and_then(|i| texts.get(i)).map(|s| s.trim()).unwrap_or("")
}

/// `na`, `NA`, `N/A`, `-`: nothing stated.
fn is_none_marker(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "" | "na" | "n/a" | "-" | "nil" | "none"
    )
}

fn kind_of(t: &str) -> Option<Kind> {
    match key(t).as_str() {
        "individual" => Some(Kind::Person),
        "entity" => Some(Kind::Organization),
        "vessel" | "ship" => Some(Kind::Vessel),
        "aircraft" => Some(Kind::Aircraft),
        _ => None,
    }
}

/// The strength of a `Name Type`, and whether the name is a script form.
fn strength_of(name_type: &str, suffixed: bool) -> Option<(NameStrength, bool)> {
    let s = match key(name_type).as_str() {
        "primary name" | "primary" => (NameStrength::Primary, false),
        "aka" | "a.k.a." | "alias" | "also known as" => (NameStrength::Aka, false),
        "formerly known as" | "fka" | "f.k.a." | "previously listed as" => {
            (NameStrength::Fka, false)
        }
        "now known as" | "nka" => (NameStrength::Nka, false),
        "original script" => (NameStrength::Primary, true),
        "" if suffixed => (NameStrength::Aka, false),
        "" => (NameStrength::Primary, false),
        _ => return None,
    };
    Some(s)
}

fn add_row(
    list: &mut ParsedList,
    c: &Cols,
    acc: &mut Acc,
    row: &[Data],
    texts: &[String],
    line: u64,
    suffixed: bool,
) {
    let id = acc.entity.id.clone();

    let t = text(texts, c.kind);
    if !t.is_empty() {
        match kind_of(t) {
            Some(k) => acc.set_kind(k, list, line, t),
            None => {
                if acc.first_time(&format!("\u{0}type:{t}")) {
                    list.warn(None, Some(line), format!("{id}: unknown Type '{t}'"));
                }
            }
        }
    }

    let nt = text(texts, c.name_type);
    let (strength, script_form) = match strength_of(nt, suffixed) {
        Some(s) => s,
        None => {
            if acc.first_time(&format!("\u{0}nametype:{nt}")) {
                list.warn(
                    None,
                    Some(line),
                    format!("{id}: unknown Name Type '{nt}', read as an aka"),
                );
            }
            (NameStrength::Aka, false)
        }
    };
    let name = text(texts, c.name);
    if name.is_empty() {
        list.warn(None, Some(line), format!("{id}: row without a name"));
    } else {
        acc.add_name(Name::new(name, strength), script_form);
    }

    // Date(s) of birth.
    if let Some(cell) = c.dob.and_then(|i| row.get(i)) {
        for dob in dobs_of(cell) {
            if dob.date.is_none() && !acc.entity.dobs.iter().any(|d| d.raw == dob.raw) {
                list.warn(
                    None,
                    Some(line),
                    format!("{id}: unreadable date of birth '{}', kept as text", dob.raw),
                );
            }
            acc.add_dob(dob);
        }
    }

    let pob = text(texts, c.place_of_birth);
    if !is_none_marker(pob) {
        for p in split_list(pob, false) {
            acc.entity.add_attribute("place_of_birth", &p);
        }
    }

    let cit = text(texts, c.citizenship);
    if !is_none_marker(cit) {
        for country in split_countries(cit) {
            acc.entity
                .add_country(CountryRole::Citizenship, &country, None);
        }
    }

    let addr = text(texts, c.address);
    if !is_none_marker(addr) {
        for a in split_list(addr, false) {
            if !is_none_marker(&a) {
                acc.add_address(&a, None);
            }
        }
    }

    let info = text(texts, c.info);
    if !is_none_marker(info) && acc.first_time(info) {
        acc.add_remark(info);
        for i in vessel_ids(info) {
            acc.add_id(i);
        }
    }

    for (key, col) in [
        ("listing_information", c.listing),
        ("control_date", c.control_date),
    ] {
        if let Some(cell) = col.and_then(|i| row.get(i)) {
            acc.entity.add_attribute(key, &date_text(cell));
        }
    }
    acc.add_program(text(texts, c.committees));
}

/// Dates of birth from one cell: a date cell or serial, a year typed as a
/// number, or text with one or more dates.
fn dobs_of(cell: &Data) -> Vec<DateOfBirth> {
    let serial = match cell {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::DateTime(dt) => Some(dt.as_f64()),
        _ => None,
    };
    if let Some(v) = serial {
        if v.fract() == 0.0 && (1800.0..=2100.0).contains(&v) {
            let y = v as i32;
            return vec![DateOfBirth {
                raw: y.to_string(),
                date: PartialDate::checked(y, None, None),
                to: None,
                approx: false,
            }];
        }
        let raw = serial_date(cell, v);
        let date = dates::parse_date(&raw, SlashOrder::Dmy);
        return vec![DateOfBirth {
            raw,
            date,
            to: None,
            approx: false,
        }];
    }
    let t = cell_text(cell);
    let mut out = Vec::new();
    for item in split_list(&t, false) {
        if is_none_marker(&item) {
            continue;
        }
        let whole = parse_dob_text(&item);
        if whole.date.is_some() {
            out.push(whole);
            continue;
        }
        let mut parts = split_top_level(&item, &[";", "\n", ",", " or ", ">>"]);
        if parts.len() <= 1 {
            // "5/06/1953 15/06/1953": dates side by side.
            let words: Vec<&str> = item.split_whitespace().collect();
            if words.len() > 1
                && words
                    .iter()
                    .all(|w| w.contains('/') && parse_dob_text(w).date.is_some())
            {
                parts = words.iter().map(|w| w.to_string()).collect();
            } else {
                out.push(whole);
                continue;
            }
        }
        for p in parts {
            if !is_none_marker(&p) {
                out.push(parse_dob_text(&p));
            }
        }
    }
    out
}

/// One date-of-birth text, after mending the small slips seen in the list
/// (`alt DOB: 1962`, `21. Jul 1997`, `24 Jan.1973`, `19-Dec-1992`,
/// `09/11/ 1954`, `(Jul. 1961)`, a trailing `(comment)`). The raw text is
/// kept as written.
fn parse_dob_text(raw: &str) -> DateOfBirth {
    let raw = collapse_ws(raw);
    let mut dob = dates::parse_dob(&raw, SlashOrder::Dmy);
    if dob.date.is_some() {
        return dob;
    }
    let mended = mend_date(&raw);
    if mended != raw {
        let m = dates::parse_dob(&mended, SlashOrder::Dmy);
        if m.date.is_some() {
            dob.date = m.date;
            dob.to = m.to;
            dob.approx = m.approx;
        }
    }
    dob
}

fn mend_date(raw: &str) -> String {
    let mut t = raw.trim().to_string();
    let lower = t.to_ascii_lowercase();
    for prefix in ["alt dob:", "alt dob", "dob:"] {
        if lower.starts_with(prefix) {
            t = t[prefix.len()..].trim().to_string();
            break;
        }
    }
    if t.starts_with('(') && t.ends_with(')') {
        t = t[1..t.len() - 1].trim().to_string();
    } else if let Some(i) = t.find(" (") {
        if i > 0 {
            t.truncate(i);
        }
    }
    let mut out = String::with_capacity(t.len());
    let chars: Vec<char> = t.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        match c {
            // "21. Jul" -> "21 Jul"
            '.' if prev.is_some_and(|p| p.is_ascii_digit()) && next == Some(' ') => {}
            // "Jan.1973" -> "Jan. 1973"
            '.' if prev.is_some_and(|p| p.is_ascii_alphabetic())
                && next.is_some_and(|n| n.is_ascii_digit()) =>
            {
                out.push_str(". ")
            }
            // "19-Dec-1992" -> "19 Dec 1992"
            '-' if (prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_alphabetic()))
                || (prev.is_some_and(|p| p.is_ascii_alphabetic())
                    && next.is_some_and(|n| n.is_ascii_digit())) =>
            {
                out.push(' ')
            }
            // "09/11/ 1954" -> "09/11/1954"
            ' ' if prev == Some('/') || next == Some('/') => {}
            _ => out.push(c),
        }
    }
    out
}

/// A date cell or an Excel date serial as ISO `YYYY-MM-DD`.
fn serial_date(cell: &Data, v: f64) -> String {
    match cell {
        Data::DateTime(_) => cell_text(cell),
        _ => cell_text(&Data::DateTime(calamine::ExcelDateTime::new(
            v,
            calamine::ExcelDateTimeType::DateTime,
            false,
        ))),
    }
}

/// A date column (`Control Date`, sometimes `Listing Information`): date
/// cells and serial numbers as ISO dates, text as written.
fn date_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && (1.0..=2_958_465.0).contains(f) => {
            serial_date(cell, *f)
        }
        Data::Int(i) if (1..=2_958_465).contains(i) => serial_date(cell, *i as f64),
        _ => collapse_ws(&cell_text(cell)),
    }
}

/// Splits on any of `seps` outside parentheses; items trimmed, empty ones
/// dropped.
fn split_top_level(s: &str, seps: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1).max(0),
            _ => {}
        }
        if depth == 0 {
            if let Some(sep) = seps.iter().find(|sep| rest.starts_with(**sep)) {
                out.push(&s[start..i]);
                i += sep.len();
                start = i;
                continue;
            }
        }
        i += c.len_utf8();
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(|p| {
            collapse_ws(p)
                .trim_matches([';', ',', '.'])
                .trim()
                .to_string()
        })
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect()
}

/// Country names that contain " and " and must not be split there.
const AND_COUNTRIES: &[&str] = &[
    "Bosnia and Herzegovina",
    "Trinidad and Tobago",
    "Antigua and Barbuda",
    "Saint Kitts and Nevis",
    "Saint Vincent and the Grenadines",
    "Sao Tome and Principe",
    "Great Britain and Northern Ireland",
    "Turks and Caicos",
    "Heard Island and McDonald",
    "Wallis and Futuna",
    "Saint Pierre and Miquelon",
    "Svalbard and Jan Mayen",
];

/// The countries of a citizenship cell.
fn split_countries(s: &str) -> Vec<String> {
    const GUARD: &str = "\u{1}";
    let mut out = Vec::new();
    for item in split_list(s, false) {
        let mut guarded = item.clone();
        for c in AND_COUNTRIES {
            if guarded.contains(c) {
                guarded = guarded.replace(c, &c.replace(" and ", GUARD));
            }
        }
        for part in split_top_level(&guarded, &[";", "\n", ",", "/", " and "]) {
            let part = part.replace(GUARD, " and ");
            if !is_none_marker(&part) {
                out.push(part);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entity;
    use crate::source::{parse_bytes, read_input};
    use std::path::PathBuf;

    use crate::source::uk_ofsi::tests::xlsx;

    const HEADER: [&str; 12] = [
        "Reference",
        "Name of Individual or Entity",
        "Type",
        "Name Type",
        "Date of Birth",
        "Place of Birth",
        "Citizenship",
        "Address",
        "Additional Information",
        "Listing Information",
        "Committees",
        "Control Date",
    ];

    fn row(cells: [&str; 12]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    /// A small workbook: a person with an original-script name, an entity
    /// with aliases and an IMO number, then empty rows.
    fn fixture() -> Vec<u8> {
        xlsx(&[
            HEADER.iter().map(|s| s.to_string()).collect(),
            row([
                "#2",
                "MOHAMMAD HASSAN AKHUND",
                "Individual",
                "Primary Name",
                "a) Approximately 1955- 1958 b) 1960",
                "Kandahar, Afghanistan",
                "Russian and Ukrainian",
                "NA",
                "Title: Mullah",
                "Listed 2001",
                "1988 (Taliban)",
                "#41988",
            ]),
            row([
                "2a",
                "محمد حسن أخوند",
                "Individual",
                "Original script ",
                "#30163",
                "",
                "",
                "",
                "Title: Mullah",
                "Listed 2001",
                "1988 (Taliban)",
                "#41988",
            ]),
            row([
                "#3164",
                "CHONGCHONGANG SHIPPING COMPANY",
                "Entity ",
                "Primary Name",
                "",
                "",
                "",
                "817 Haeun, Pyongyang",
                "IMO Number: 5342883. Owner of a vessel.",
                "",
                "1718 (DPRK)",
                "",
            ]),
            row([
                "3164a",
                "Chong Chon Gang Shipping Co. Ltd.",
                "Entity",
                "aka",
                "",
                "",
                "",
                "",
                "",
                "",
                "1718 (DPRK)",
                "",
            ]),
            row([
                "3164b",
                "CCG SHIPPING",
                "Entity",
                "Formerly known as",
                "",
                "",
                "",
                "",
                "",
                "",
                "1718 (DPRK)",
                "",
            ]),
            row(["", "", "", "", "", "", "", "", "", "", "", ""]),
        ])
    }

    #[test]
    fn suffixed_references_join_their_base_entity() {
        let l = parse_bytes(Format::AuDfatXlsx, &fixture()).unwrap();
        let ids: Vec<_> = l.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["au-dfat:2", "au-dfat:3164"]);
        assert_eq!(l.version, None);
    }

    #[test]
    fn original_script_is_a_primary_script_form() {
        let l = parse_bytes(Format::AuDfatXlsx, &fixture()).unwrap();
        let e = &l.entities[0];
        assert_eq!(e.names[0].full, "MOHAMMAD HASSAN AKHUND");
        assert_eq!(e.names[1].full, "محمد حسن أخوند");
        assert_eq!(e.names[1].strength, NameStrength::Primary);
        assert_eq!(e.names[1].script.as_deref(), Some("Arabic"));
    }

    #[test]
    fn aka_and_formerly_known_as() {
        let l = parse_bytes(Format::AuDfatXlsx, &fixture()).unwrap();
        let s: Vec<_> = l.entities[1].names.iter().map(|n| n.strength).collect();
        assert_eq!(
            s,
            [NameStrength::Primary, NameStrength::Aka, NameStrength::Fka]
        );
        assert_eq!(l.entities[1].kind, Kind::Organization);
    }

    #[test]
    fn dobs_from_text_and_serial_cells_are_merged() {
        let l = parse_bytes(Format::AuDfatXlsx, &fixture()).unwrap();
        let d: Vec<_> = l.entities[0].dobs.iter().map(|d| d.raw.as_str()).collect();
        assert_eq!(d, ["Approximately 1955- 1958", "1960", "1982-07-31"]);
    }

    #[test]
    fn fields_of_a_row() {
        let l = parse_bytes(Format::AuDfatXlsx, &fixture()).unwrap();
        let e = &l.entities[0];
        let cit: Vec<_> = e.countries.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cit, ["Russian", "Ukrainian"]);
        assert!(e.addresses.is_empty(), "NA is no address");
        assert_eq!(e.programs, ["1988 (Taliban)"]);
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "control_date" && a.value == "2014-12-15"));
        let org = &l.entities[1];
        assert_eq!(org.ids[0].kind, "imo");
        assert_eq!(org.ids[0].value, "5342883");
        assert_eq!(org.addresses[0].text, "817 Haeun, Pyongyang");
    }

    #[test]
    fn a_named_row_without_reference_is_an_error() {
        let bytes = xlsx(&[
            HEADER.iter().map(|s| s.to_string()).collect(),
            row([
                "",
                "SOMEONE",
                "Individual",
                "Primary Name",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ]),
        ]);
        assert!(parse_bytes(Format::AuDfatXlsx, &bytes).is_err());
    }

    #[test]
    fn header_only_is_refused() {
        let bytes = xlsx(&[HEADER.iter().map(|s| s.to_string()).collect()]);
        assert!(parse_bytes(Format::AuDfatXlsx, &bytes).is_err());
    }

    #[test]
    fn dates_of_birth_in_many_forms() {
        let d = |c: Data| -> Vec<String> {
            dobs_of(&c)
                .into_iter()
                .map(|d| match (d.date, d.to) {
                    (Some(a), Some(b)) => format!("{a}..{b}"),
                    (Some(a), None) => a.to_string(),
                    _ => format!("?{}", d.raw),
                })
                .collect()
        };
        let s = |t: &str| Data::String(t.to_string());
        assert_eq!(d(Data::Float(30163.0)), ["1982-07-31"]);
        assert_eq!(d(Data::Float(1954.0)), ["1954"]);
        assert_eq!(
            d(s("a) 21/08/1975; b) 21/08/1976")),
            ["1975-08-21", "1976-08-21"]
        );
        assert_eq!(
            d(s("a) Approximately 1955- 1958 b) Approximately 1945-1950")),
            ["1955..1958", "1945..1950"]
        );
        assert_eq!(
            d(s("17 Aug. 1972;\n1 Jan. 1972")),
            ["1972-08-17", "1972-01-01"]
        );
        assert_eq!(
            d(s("30 December 1960  or 13 December 1960")),
            ["1960-12-30", "1960-12-13"]
        );
        assert_eq!(d(s("Between 1975 and 1979")), ["1975..1979"]);
        assert_eq!(
            d(s("24/06/1402 (Hijri Calendar)")),
            ["?24/06/1402 (Hijri Calendar)"]
        );
        assert_eq!(d(s("alt DOB: 19/11/1956")), ["1956-11-19"]);
        assert_eq!(d(s("21. Jul 1997; 1993")), ["1997-07-21", "1993"]);
        assert_eq!(d(s("19-Dec-1992")), ["1992-12-19"]);
        assert_eq!(d(s("3 March 1979 (from false passport)")), ["1979-03-03"]);
        assert_eq!(d(s("5/06/1953 15/06/1953")), ["1953-06-05", "1953-06-15"]);
        assert_eq!(d(s("23-Apr-68")), ["?23-Apr-68"]);
        assert!(d(s("na")).is_empty());
    }

    #[test]
    fn citizenship_is_split_but_country_names_stay_whole() {
        assert_eq!(
            split_countries("Russian and Ukrainian"),
            ["Russian", "Ukrainian"]
        );
        assert_eq!(
            split_countries("Bosnia and Herzegovina"),
            ["Bosnia and Herzegovina"]
        );
        assert_eq!(
            split_countries("a) German b) Moroccan"),
            ["German", "Moroccan"]
        );
        assert_eq!(
            split_countries("Malian / Mauritanian"),
            ["Malian", "Mauritanian"]
        );
        assert_eq!(
            split_countries("Saudi Arabian (this aka only, alt Citizenship Yemeni)"),
            ["Saudi Arabian (this aka only, alt Citizenship Yemeni)"]
        );
        assert!(split_countries("na").is_empty());
    }

    #[test]
    fn name_types_map_to_strengths() {
        assert_eq!(
            strength_of("Primary Name ", false),
            Some((NameStrength::Primary, false))
        );
        assert_eq!(strength_of("aka", true), Some((NameStrength::Aka, false)));
        assert_eq!(
            strength_of("Original script", true),
            Some((NameStrength::Primary, true))
        );
        assert_eq!(
            strength_of("Previously listed as", true),
            Some((NameStrength::Fka, false))
        );
        assert_eq!(strength_of("nickname", true), None);
    }

    // ----- real file -----

    fn real() -> Option<PathBuf> {
        let p = crate::source::shared_lists_dir()?
            .join("au-dfat/2024-12-17/regulation8_consolidated.xlsx");
        p.is_file().then_some(p)
    }

    fn by_id<'a>(l: &'a ParsedList, id: &str) -> &'a Entity {
        l.entities
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no entity {id}"))
    }

    #[test]
    fn real_file_has_the_stated_count_and_no_version() {
        let Some(p) = real() else { return };
        let t = std::time::Instant::now();
        let l = read_input(&Input::file(&p)).unwrap();
        let with_detection = t.elapsed();
        let t = std::time::Instant::now();
        crate::source::read_format(Format::AuDfatXlsx, &Input::file(&p)).unwrap();
        eprintln!(
            "au-dfat: {} entities, {} names, {} warnings; read {:?} ({:?} with format detection)",
            l.entities.len(),
            l.name_count(),
            l.warnings.len(),
            t.elapsed(),
            with_detection
        );
        assert_eq!(l.format, Format::AuDfatXlsx);
        assert_eq!(l.entities.len(), 3062);
        assert_eq!(l.version, None);
    }

    #[test]
    fn real_file_hand_checked_entities() {
        let Some(p) = real() else { return };
        let l = read_input(&Input::file(&p)).unwrap();
        // Reference 2 (numeric cell) and its original-script row 2a.
        let e = by_id(&l, "au-dfat:2");
        assert_eq!(e.kind, Kind::Person);
        assert_eq!(e.names[0].full, "MOHAMMAD HASSAN AKHUND");
        assert_eq!(e.names[0].strength, NameStrength::Primary);
        let arabic = e.names.iter().find(|n| n.full == "محمد حسن أخوند").unwrap();
        assert_eq!(arabic.script.as_deref(), Some("Arabic"));
        let ranges: Vec<_> = e
            .dobs
            .iter()
            .map(|d| (d.approx, d.date.unwrap().year, d.to.unwrap().year))
            .collect();
        assert_eq!(ranges, [(true, 1955, 1958), (true, 1945, 1950)]);
        assert!(e.programs.contains(&"1988 (Taliban)".to_string()));
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "control_date" && a.value == "2014-12-15"));
        // An entity with aka names and an IMO number in its text.
        let ship_co = by_id(&l, "au-dfat:3164");
        assert_eq!(ship_co.kind, Kind::Organization);
        assert!(ship_co.names.len() >= 3);
        assert!(ship_co
            .ids
            .iter()
            .any(|i| i.kind == "imo" && i.value == "5342883"));
        // Second-level suffixes (1276c1…) belong to their base reference.
        assert!(by_id(&l, "au-dfat:1276")
            .names
            .iter()
            .any(|n| n.full == "Yunis al-Mauritani"));
        // A year typed as a number is a year.
        let y = by_id(&l, "au-dfat:136");
        assert_eq!(y.dobs[0].date, PartialDate::checked(1934, None, None));
    }

    #[test]
    fn truncated_real_file_fails_or_shrinks() {
        let Some(p) = real() else { return };
        let bytes = std::fs::read(&p).unwrap();
        let full = parse_bytes(Format::AuDfatXlsx, &bytes)
            .unwrap()
            .entities
            .len();
        for pc in [10, 50, 90, 99] {
            let cut = bytes.len() * pc / 100;
            match parse_bytes(Format::AuDfatXlsx, &bytes[..cut]) {
                Err(_) => {}
                Ok(l) => assert!(l.entities.len() < full, "cut at {pc}% read whole"),
            }
        }
        // A damaged byte in the middle of the archive.
        let mut bad = bytes.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 0xff;
        let _ = parse_bytes(Format::AuDfatXlsx, &bad);
    }

    #[test]
    fn random_bytes_are_refused() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut bytes = b"PK\x03\x04".to_vec();
        for _ in 0..4096 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push(x as u8);
        }
        assert!(parse_bytes(Format::AuDfatXlsx, &bytes).is_err());
        assert!(parse_bytes(Format::AuDfatXlsx, &bytes[4..]).is_err());
    }
}
