//! EU Financial Sanctions Files (FSF): the legacy XML 1.0, the newer XML 1.1
//! (`export`), and the legacy CSV 1.0.
//!
//! Entity id: `eu-fsf:<logical id>` (`ENTITY Id`, `sanctionEntity
//! logicalId`, CSV `Entity_logical_id`).
//!
//! **Legacy XML 1.0** (`<WHOLE Date="dd/mm/yyyy">`, version → ISO date):
//! one `ENTITY Id Type programme remark legal_basis reg_date pdf_link` per
//! entry. `Type` `P` → Person, `E` → Organization, anything else Unknown.
//! - `NAME` (`LASTNAME`, `FIRSTNAME`, `MIDDLENAME`, `WHOLENAME`, `GENDER`,
//!   `TITLE`, `FUNCTION`, `LANGUAGE`): the first NAME is the primary name,
//!   the others are Aka; `WHOLENAME` (or the parts joined) is the full name,
//!   `FIRSTNAME MIDDLENAME` → given, `LASTNAME` → family, `LANGUAGE` → `lang`
//!   as written (`FR`, `BG`, `EL`…; the Cyrillic and Greek forms get their
//!   script detected). `GENDER`/`TITLE`/`FUNCTION` → attributes `gender`,
//!   `title`, `position`.
//! - `ADDRESS` (`NUMBER`, `STREET`, `ZIPCODE`, `CITY`, `COUNTRY`, `OTHER`) →
//!   address + Location country; `BIRTH` (`DATE`, `PLACE`, `COUNTRY`) → DOB
//!   (`1963 (approximative)` → approx; `1958 - 1963` → range), attribute
//!   `place_of_birth` and Birth country; `PASSPORT` (`NUMBER`, `COUNTRY`) →
//!   identifier: the number text `AD001095 (passport-National passport)
//!   ((passport))` is split into value, type code (→ kind: passport,
//!   `id`/`ssn` → national_id, other codes → other; raw_type keeps the
//!   description) and trailing note; `CITIZEN/COUNTRY` → Citizenship.
//!   Countries are ISO 3166 alpha-3 codes here and are kept as written.
//! - entity `programme` (and any other programme a sub-record names) →
//!   programs; `remark` → remarks; `legal_basis` → attribute `legal_basis`;
//!   `reg_date` → `listed_on`; `pdf_link` → `source_url`.
//!
//! **XML 1.1** (`<export generationDate="…">`, version → its date part;
//! written from the public schema, no sample file): `sanctionEntity
//! logicalId euReferenceNumber unitedNationId designationDetails` with
//! `remark`, `regulation` (`programme`, `numberTitle`, `publicationUrl`),
//! `subjectType code` (`person` / `enterprise`), `nameAlias` (`wholeName`,
//! `firstName`, `middleName`, `lastName`, `gender`, `title`, `function`,
//! `nameLanguage`, `strong="false"` → WeakAka; the first is primary),
//! `citizenship`, `birthdate` (`birthdate`, or `year`/`monthOfYear`/
//! `dayOfMonth`, or `yearRangeFrom`/`yearRangeTo`; `circa`; `city`,
//! `place`, `region`, country), `identification` (`number`,
//! `identificationTypeCode`/`Description`, `issuedBy`, flags, country) and
//! `address`. Countries come as `countryDescription` with their
//! `countryIso2Code` (`00` = unknown, dropped). `unitedNationId` → a link
//! `un-sc:<id>`; `euReferenceNumber` → attribute `eu_reference`.
//!
//! **Legacy CSV 1.0** (`;`-separated, Windows-1252 unless valid UTF-8,
//! header `Date_file;Entity_logical_id;Subject_type;…;EU_ref_num`): one row
//! per name / address / birth / identification / citizenship record,
//! repeating the entity columns; rows are grouped by `Entity_logical_id`
//! (first occurrence order), and the record kind of a row is told by which
//! `*_logical_id` column is filled. Fields map as in the XML; the version
//! is `Date_file` as an ISO date. Columns are found by header name (the
//! first of the repeated `Entity_logical_id` columns; any header starting
//! `Date_file`).
//! The only sample (`EUSanctionsShort.csv`) was re-wrapped by its
//! committer: every line is enclosed in double quotes (inner quotes
//! doubled) and padded with tabs, and newlines inside fields appear as a
//! literal `\n`. Such a file is unwrapped line by line (a warning says so);
//! a line not wrapped like the others (e.g. cut off) is an error. That file
//! also lost its Greek (and some Baltic) letters to `?` in a re-encoding:
//! such names are kept as they are and warned about.
//! A birth date written `N/A` is no date and is not kept.
//! A record with the wrong number of fields or an unclosed quote (a cut-off
//! file) is an error.

use std::collections::HashMap;

use super::dates::{parse_date, parse_dob, SlashOrder};
use super::input::decode_utf8_or_1252;
use super::un_xml::wrapped_in_parens;
use super::xml::{iso_date_prefix, read_records, XmlNode};
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{
    collapse_ws, list_ids, Address, CountryRole, DateOfBirth, Entity, Identifier, Kind, Name,
    NameStrength,
};

// ---------------------------------------------------------------------------
// Pieces shared by the three layouts
// ---------------------------------------------------------------------------

fn kind_of(subject_type: &str) -> Kind {
    match subject_type.trim().to_ascii_lowercase().as_str() {
        "p" | "person" => Kind::Person,
        "e" | "enterprise" | "entity" | "organisation" | "organization" => Kind::Organization,
        _ => Kind::Unknown,
    }
}

/// `dd/mm/yyyy` → `yyyy-mm-dd`; other texts are kept as stated.
fn version_from(raw: &str) -> String {
    let raw = raw.trim();
    parse_date(raw, SlashOrder::Dmy)
        .filter(|d| d.day.is_some())
        .map(|d| d.to_string())
        .unwrap_or_else(|| raw.to_string())
}

fn join(parts: &[Option<&str>], sep: &str) -> String {
    parts
        .iter()
        .flatten()
        .map(|p| collapse_ws(p))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

fn opt(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// One name record, in any layout.
#[derive(Default)]
struct NameRec<'a> {
    whole: Option<&'a str>,
    first: Option<&'a str>,
    middle: Option<&'a str>,
    last: Option<&'a str>,
    gender: Option<&'a str>,
    title: Option<&'a str>,
    function: Option<&'a str>,
    lang: Option<&'a str>,
    weak: bool,
}

fn add_name_rec(e: &mut Entity, r: NameRec<'_>) {
    let given = join(&[r.first, r.middle], " ");
    let family = r.last.map(collapse_ws).unwrap_or_default();
    let full = match r.whole.map(collapse_ws) {
        Some(w) if !w.is_empty() => w,
        _ => join(&[r.first, r.middle, r.last], " "),
    };
    if !full.is_empty() {
        let strength = if e.names.is_empty() {
            NameStrength::Primary
        } else if r.weak {
            NameStrength::WeakAka
        } else {
            NameStrength::Aka
        };
        let mut name = Name::new(&full, strength);
        name.given = (!given.is_empty()).then_some(given);
        name.family = (!family.is_empty()).then_some(family);
        name.lang = r.lang.map(collapse_ws).filter(|l| !l.is_empty());
        e.add_name(name);
    }
    if let Some(g) = r.gender {
        e.add_attribute("gender", g);
    }
    if let Some(t) = r.title {
        e.add_attribute("title", t);
    }
    if let Some(f) = r.function {
        e.add_attribute("position", f);
    }
}

fn add_address(e: &mut Entity, text: String, country: Option<&str>, code: Option<&str>) {
    let country = country.map(collapse_ws).filter(|c| !c.is_empty());
    if let Some(c) = &country {
        e.add_country(CountryRole::Location, c, code);
    }
    if !text.is_empty() {
        let a = Address { text, country };
        if !e.addresses.contains(&a) {
            e.addresses.push(a);
        }
    }
}

/// EU birth dates: `1937-04-28`, `1963`, `1963 (approximative)`,
/// `1958 - 1963 (approximative)`.
fn eu_dob(raw: &str) -> DateOfBirth {
    let raw = collapse_ws(raw);
    let lower = raw.to_lowercase();
    let mut body = raw.as_str();
    let mut approx = false;
    for marker in ["(approximative)", "(approximate)", "(approx.)", "(circa)"] {
        if let Some(i) = lower.find(marker) {
            approx = true;
            body = raw[..i].trim();
            break;
        }
    }
    let mut dob = parse_dob(body, SlashOrder::Dmy);
    dob.raw = raw.clone();
    dob.approx |= approx;
    dob
}

fn add_dob(e: &mut Entity, dob: DateOfBirth, list: &mut ParsedList, line: u64) {
    // "N/A": the list says there is no date; nothing to keep.
    if dob.raw.eq_ignore_ascii_case("n/a") {
        return;
    }
    if dob.date.is_none() {
        list.warn(
            None,
            Some(line),
            format!("{}: unparseable date of birth '{}'", e.id, dob.raw),
        );
    }
    if !e.dobs.contains(&dob) {
        e.dobs.push(dob);
    }
}

fn identifier_kind(code: &str) -> &'static str {
    let c = code.to_ascii_lowercase();
    match c.as_str() {
        "passport" => "passport",
        "id" | "ssn" | "nationalid" | "national_id" => "national_id",
        _ if c.contains("passport") => "passport",
        _ if c.contains("fiscal") || c.contains("tax") => "tax_id",
        _ if c.contains("regnumber") || c.contains("registration") => "registration",
        _ if c.contains("swift") || c.contains("bic") => "bic",
        _ if c.contains("imo") => "imo",
        _ => "other",
    }
}

/// Splits the legacy `NUMBER (code-Description) (note)` text.
/// Returns (value, code, description, note).
fn split_legacy_number(text: &str) -> (String, Option<String>, Option<String>, Option<String>) {
    let t = collapse_ws(text);
    for (i, _) in t.match_indices('(') {
        let rest = &t[i + 1..];
        let code_len = rest.bytes().take_while(|b| b.is_ascii_lowercase()).count();
        if code_len == 0 || rest.as_bytes().get(code_len) != Some(&b'-') {
            continue;
        }
        // The closing parenthesis of the type.
        let mut depth = 1i32;
        let mut close = None;
        for (j, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else { continue };
        let code = rest[..code_len].to_string();
        let desc = rest[code_len + 1..close].trim().to_string();
        let note = rest[close + 1..].trim();
        // The note is wrapped in one more pair of parentheses: "((passport))".
        let note = if wrapped_in_parens(note) {
            note[1..note.len() - 1].trim()
        } else {
            note
        };
        return (
            t[..i].trim().to_string(),
            Some(code),
            (!desc.is_empty()).then_some(desc),
            (!note.is_empty()).then(|| note.to_string()),
        );
    }
    (t, None, None, None)
}

fn add_legacy_identifier(e: &mut Entity, number: &str, country: Option<&str>) {
    let (value, code, desc, note) = split_legacy_number(number);
    let kind = code
        .as_deref()
        .map(identifier_kind)
        .unwrap_or("passport")
        .to_string();
    let raw_type = match (&code, &desc) {
        (Some(c), Some(d)) => Some(format!("{c}-{d}")),
        (Some(c), None) => Some(c.clone()),
        _ => None,
    };
    push_identifier(
        e,
        Identifier {
            kind,
            value,
            raw_type,
            country: country.map(collapse_ws).filter(|c| !c.is_empty()),
            note,
        },
    );
}

fn push_identifier(e: &mut Entity, id: Identifier) {
    if id.value.is_empty() {
        let mut r = format!(
            "identification without a number: {}",
            id.raw_type.clone().unwrap_or_default()
        );
        if let Some(n) = &id.note {
            r.push_str(&format!(" ({n})"));
        }
        e.remarks.push(r);
    } else if !e.ids.contains(&id) {
        e.ids.push(id);
    }
}

fn add_program(e: &mut Entity, p: Option<&str>) {
    if let Some(p) = p.map(collapse_ws).filter(|p| !p.is_empty()) {
        if !e.programs.contains(&p) {
            e.programs.push(p);
        }
    }
}

fn add_remark(e: &mut Entity, r: Option<&str>) {
    if let Some(r) = r.map(collapse_ws).filter(|r| !r.is_empty()) {
        if !e.remarks.contains(&r) {
            e.remarks.push(r);
        }
    }
}

// ---------------------------------------------------------------------------
// XML (legacy 1.0 and 1.1)
// ---------------------------------------------------------------------------

/// Reads the EU legacy XML (`WHOLE`) or the XML 1.1 (`export`).
pub fn read_xml(input: &Input) -> Result<ParsedList> {
    let mut list = ParsedList::new(list_ids::EU_FSF, Format::EuFsfXml, input.path());
    let mut version: Option<String> = None;
    let is_record = |p: &[String]| {
        p.len() == 2
            && ((p[0] == "WHOLE" && p[1] == "ENTITY")
                || (p[0] == "export" && p[1] == "sanctionEntity"))
    };
    read_records(
        input,
        &is_record,
        |root| {
            match root.name.as_str() {
                "WHOLE" => version = root.attr("Date").map(version_from),
                "export" => {
                    version = root
                        .attr("generationDate")
                        .map(|d| iso_date_prefix(d).unwrap_or(d).to_string());
                }
                other => {
                    return Err(Error::malformed(format!(
                        "not an EU sanctions file: the root element is <{other}>"
                    ))
                    .at(root.line))
                }
            }
            Ok(())
        },
        |rec| {
            let e = if rec.name == "ENTITY" {
                legacy_entity(&rec, &mut list)?
            } else {
                export_entity(&rec, &mut list)?
            };
            list.entities.push(e);
            Ok(())
        },
    )?;
    list.version = version;
    Ok(list)
}

fn legacy_entity(rec: &XmlNode, list: &mut ParsedList) -> Result<Entity> {
    let id = rec
        .attr("Id")
        .ok_or_else(|| Error::malformed("<ENTITY> without an Id attribute").at(rec.line))?;
    let mut e = Entity::new(
        list_ids::EU_FSF,
        collapse_ws(id),
        kind_of(rec.attr("Type").unwrap_or("")),
    );
    add_program(&mut e, rec.attr("programme"));
    add_remark(&mut e, rec.attr("remark"));
    if let Some(v) = rec.attr("legal_basis") {
        e.add_attribute("legal_basis", v);
    }
    if let Some(v) = rec.attr("reg_date") {
        e.add_attribute("listed_on", v);
    }
    if let Some(v) = rec.attr("pdf_link") {
        e.add_attribute("source_url", v);
    }
    for c in &rec.children {
        add_program(&mut e, c.attr("programme"));
        match c.name.as_str() {
            "NAME" => add_name_rec(
                &mut e,
                NameRec {
                    whole: c.text_of("WHOLENAME"),
                    first: c.text_of("FIRSTNAME"),
                    middle: c.text_of("MIDDLENAME"),
                    last: c.text_of("LASTNAME"),
                    gender: c.text_of("GENDER"),
                    title: c.text_of("TITLE"),
                    function: c.text_of("FUNCTION"),
                    lang: c.text_of("LANGUAGE"),
                    weak: false,
                },
            ),
            "ADDRESS" => {
                let street = join(&[c.text_of("NUMBER"), c.text_of("STREET")], " ");
                let text = join(
                    &[
                        opt(&street),
                        c.text_of("CITY"),
                        c.text_of("ZIPCODE"),
                        c.text_of("OTHER"),
                    ],
                    ", ",
                );
                add_address(&mut e, text, c.text_of("COUNTRY"), None);
            }
            "BIRTH" => {
                if let Some(d) = c.text_of("DATE") {
                    add_dob(&mut e, eu_dob(d), list, c.line);
                }
                let place = join(&[c.text_of("PLACE"), c.text_of("COUNTRY")], ", ");
                e.add_attribute("place_of_birth", &place);
                if let Some(country) = c.text_of("COUNTRY") {
                    e.add_country(CountryRole::Birth, country, None);
                }
            }
            "PASSPORT" => {
                if let Some(n) = c.text_of("NUMBER") {
                    add_legacy_identifier(&mut e, n, c.text_of("COUNTRY"));
                }
            }
            "CITIZEN" => {
                if let Some(country) = c.text_of("COUNTRY") {
                    e.add_country(CountryRole::Citizenship, country, None);
                }
            }
            _ => {}
        }
    }
    Ok(e)
}

/// `(description, iso2 code)` of an XML 1.1 country; `00` / `UNKNOWN` dropped.
fn export_country(n: &XmlNode) -> (Option<String>, Option<String>) {
    let code = n
        .attr("countryIso2Code")
        .filter(|c| c.len() == 2 && *c != "00")
        .map(str::to_string);
    let desc = n
        .attr("countryDescription")
        .filter(|d| !d.eq_ignore_ascii_case("unknown"))
        .map(collapse_ws);
    let desc = desc.or_else(|| code.clone());
    (desc, code)
}

fn export_entity(rec: &XmlNode, list: &mut ParsedList) -> Result<Entity> {
    let id = rec.attr("logicalId").ok_or_else(|| {
        Error::malformed("<sanctionEntity> without a logicalId attribute").at(rec.line)
    })?;
    let subject = rec
        .child("subjectType")
        .and_then(|s| s.attr("code").or_else(|| s.attr("classificationCode")))
        .unwrap_or("");
    let mut e = Entity::new(list_ids::EU_FSF, collapse_ws(id), kind_of(subject));
    if let Some(un) = rec.attr("unitedNationId") {
        e.add_link(format!("{}:{}", list_ids::UN_SC, collapse_ws(un)));
    }
    if let Some(r) = rec.attr("euReferenceNumber") {
        e.add_attribute("eu_reference", r);
    }
    add_remark(&mut e, rec.attr("designationDetails"));
    for c in &rec.children {
        match c.name.as_str() {
            "remark" => add_remark(&mut e, c.value()),
            "regulation" => {
                add_program(&mut e, c.attr("programme"));
                if let Some(v) = c.attr("numberTitle") {
                    e.add_attribute("legal_basis", v);
                }
                if let Some(v) = c.text_of("publicationUrl") {
                    e.add_attribute("source_url", v);
                }
            }
            "nameAlias" => add_name_rec(
                &mut e,
                NameRec {
                    whole: c.attr("wholeName"),
                    first: c.attr("firstName"),
                    middle: c.attr("middleName"),
                    last: c.attr("lastName"),
                    gender: c.attr("gender"),
                    title: c.attr("title"),
                    function: c.attr("function"),
                    lang: c.attr("nameLanguage"),
                    weak: c.attr("strong") == Some("false"),
                },
            ),
            "citizenship" => {
                if let (Some(name), code) = export_country(c) {
                    e.add_country(CountryRole::Citizenship, &name, code.as_deref());
                }
            }
            "address" => {
                let text = join(
                    &[
                        c.attr("street"),
                        c.attr("poBox"),
                        c.attr("city"),
                        c.attr("zipCode"),
                        c.attr("region"),
                        c.attr("place"),
                    ],
                    ", ",
                );
                let (name, code) = export_country(c);
                add_address(&mut e, text, name.as_deref(), code.as_deref());
            }
            "birthdate" => {
                if let Some(dob) = export_dob(c) {
                    add_dob(&mut e, dob, list, c.line);
                }
                let (country, code) = export_country(c);
                let place = join(
                    &[
                        c.attr("city"),
                        c.attr("place"),
                        c.attr("region"),
                        country.as_deref(),
                    ],
                    ", ",
                );
                e.add_attribute("place_of_birth", &place);
                if let Some(country) = country {
                    e.add_country(CountryRole::Birth, &country, code.as_deref());
                }
            }
            "identification" => {
                let code = c.attr("identificationTypeCode").unwrap_or("");
                let mut notes: Vec<String> = Vec::new();
                if let Some(b) = c.attr("issuedBy") {
                    notes.push(format!("issued by {}", collapse_ws(b)));
                }
                for flag in [
                    "diplomatic",
                    "knownExpired",
                    "knownFalse",
                    "reportedLost",
                    "revokedByIssuer",
                ] {
                    if c.attr(flag) == Some("true") {
                        notes.push(flag.to_string());
                    }
                }
                if let Some(n) = c.attr("nameOnDocument") {
                    notes.push(format!("name on document: {}", collapse_ws(n)));
                }
                if let Some(r) = c.text_of("remark") {
                    notes.push(collapse_ws(r));
                }
                let (country, _) = export_country(c);
                let raw_type = c
                    .attr("identificationTypeDescription")
                    .or(opt(code))
                    .map(collapse_ws);
                push_identifier(
                    &mut e,
                    Identifier {
                        kind: identifier_kind(code).to_string(),
                        value: c.attr("number").map(collapse_ws).unwrap_or_default(),
                        raw_type,
                        country,
                        note: (!notes.is_empty()).then(|| notes.join("; ")),
                    },
                );
            }
            _ => {}
        }
    }
    Ok(e)
}

fn export_dob(c: &XmlNode) -> Option<DateOfBirth> {
    let circa = c.attr("circa") == Some("true");
    let mut dob = if let Some(d) = c.attr("birthdate") {
        parse_dob(iso_date_prefix(d).unwrap_or(d), SlashOrder::Dmy)
    } else if let (Some(f), Some(t)) = (c.attr("yearRangeFrom"), c.attr("yearRangeTo")) {
        parse_dob(&format!("{f} to {t}"), SlashOrder::Dmy)
    } else if let Some(y) = c.attr("year") {
        let raw = match (c.attr("monthOfYear"), c.attr("dayOfMonth")) {
            (Some(m), Some(d)) => format!("{y}-{m:0>2}-{d:0>2}"),
            (Some(m), None) => format!("{y}-{m:0>2}"),
            _ => y.to_string(),
        };
        parse_dob(&raw, SlashOrder::Dmy)
    } else {
        return None;
    };
    dob.approx |= circa;
    Some(dob)
}

// ---------------------------------------------------------------------------
// Legacy CSV 1.0
// ---------------------------------------------------------------------------

/// Undoes the committer's wrapping of `EUSanctionsShort.csv`: each line
/// `"<original line><tabs>"` with inner quotes doubled.
fn unwrap_lines(text: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        let t = line.trim_end_matches(['\r', '\t', ' ']);
        if t.is_empty() {
            out.push('\n');
            continue;
        }
        let inner = t
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .ok_or_else(|| {
                Error::malformed("line is not wrapped in double quotes like the others (cut off?)")
                    .at(i as u64 + 1)
            })?;
        let inner = inner.trim_end_matches('\t').replace("\"\"", "\"");
        out.push_str(&inner);
        out.push('\n');
    }
    Ok(out)
}

fn is_wrapped(first_line: &str) -> bool {
    let t = first_line.trim_end_matches(['\r', '\t', ' ']);
    t.starts_with("\"Date_file") && t.ends_with('"') && t.len() > 1
}

/// Column positions by header name (first occurrence wins).
struct Columns(HashMap<String, usize>);

impl Columns {
    fn get<'r>(&self, rec: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        self.0.get(name).and_then(|&i| rec.get(i)).and_then(opt)
    }
}

/// Reads the EU legacy CSV 1.0.
pub fn read_csv(input: &Input) -> Result<ParsedList> {
    let mut list = ParsedList::new(list_ids::EU_FSF, Format::EuFsfCsv, input.path());
    let bytes = input.bytes()?;
    let (text, was_1252) = decode_utf8_or_1252(&bytes);
    if was_1252 {
        list.warn(None, None, "not UTF-8: read as Windows-1252");
    }
    let first_line = text.lines().next().unwrap_or("");
    let wrapped = is_wrapped(first_line);
    let text: std::borrow::Cow<'_, str> = if wrapped {
        list.warn(
            None,
            None,
            "every line of this file was re-wrapped in double quotes and padded with tabs (not the official layout): unwrapped",
        );
        unwrap_lines(&text)?.into()
    } else {
        text
    };
    if text.matches('"').count() % 2 == 1 {
        return Err(Error::malformed(
            "unbalanced double quotes: a quoted field is never closed (cut-off file?)",
        ));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(false)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(csv_error(e)),
        None => return Err(Error::malformed("empty file: no header")),
    };
    let mut cols = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let mut h = h.trim().trim_matches('\t').to_string();
        if h.starts_with("Date_file") {
            h = "Date_file".to_string();
        }
        cols.entry(h).or_insert(i);
    }
    for needed in ["Entity_logical_id", "Subject_type"] {
        if !cols.contains_key(needed) {
            return Err(Error::malformed(format!(
                "not an EU legacy CSV 1.0: the header has no {needed} column"
            ))
            .at(1));
        }
    }
    let cols = Columns(cols);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut version: Option<String> = None;
    for rec in records {
        let rec = rec.map_err(csv_error)?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        // The re-wrapped file writes newlines inside fields as a literal `\n`.
        let rec = if wrapped {
            rec.iter()
                .map(|f| f.replace("\\n", "\n"))
                .collect::<csv::StringRecord>()
        } else {
            rec
        };
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let id = cols
            .get(&rec, "Entity_logical_id")
            .ok_or_else(|| Error::malformed("row without an Entity_logical_id").at(line))?;
        if version.is_none() {
            version = cols.get(&rec, "Date_file").map(version_from);
        }
        let pos = match index.get(id) {
            Some(&p) => p,
            None => {
                let kind = kind_of(cols.get(&rec, "Subject_type").unwrap_or(""));
                list.entities
                    .push(Entity::new(list_ids::EU_FSF, collapse_ws(id), kind));
                index.insert(id.to_string(), list.entities.len() - 1);
                list.entities.len() - 1
            }
        };
        let mut e = std::mem::replace(
            &mut list.entities[pos],
            Entity::new(list_ids::EU_FSF, "", Kind::Unknown),
        );
        csv_row(&mut e, &cols, &rec, &mut list, line);
        list.entities[pos] = e;
    }
    list.version = version;
    warn_lost_letters(&mut list);
    Ok(list)
}

/// Names with `?` in place of letters: a lossy re-encoding (the sample CSV
/// lost its Greek and some Baltic letters this way). Kept, but warned.
fn warn_lost_letters(list: &mut ParsedList) {
    let lost: Vec<String> = list
        .entities
        .iter()
        .flat_map(|e| e.names.iter().map(move |n| (e, n)))
        .filter(|(_, n)| n.full.contains('?'))
        .map(|(e, n)| {
            format!(
                "{}: name '{}' has '?' in place of letters (lost in a re-encoding of the file)",
                e.id, n.full
            )
        })
        .collect();
    for w in lost {
        list.warn(None, None, w);
    }
}

fn csv_error(e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "record has {len} fields where the header has {expected_len} (cut-off or malformed line)"
        ),
        _ => format!("malformed CSV: {e}"),
    };
    let err = Error::malformed(msg);
    match line {
        Some(l) => err.at(l),
        None => err,
    }
}

fn csv_row(
    e: &mut Entity,
    cols: &Columns,
    rec: &csv::StringRecord,
    list: &mut ParsedList,
    line: u64,
) {
    let g = |name: &str| cols.get(rec, name);
    add_program(e, g("Programme"));
    add_remark(e, g("Entity_remark"));
    if let Some(v) = g("Leba_numtitle") {
        e.add_attribute("legal_basis", v);
    }
    if let Some(v) = g("EU_ref_num") {
        e.add_attribute("eu_reference", v);
    }
    if g("Naal_logical_id").is_some() {
        add_program(e, g("Naal_programme"));
        add_name_rec(
            e,
            NameRec {
                whole: g("Naal_wholename"),
                first: g("Naal_firstname"),
                middle: g("Naal_middlename"),
                last: g("Naal_lastname"),
                gender: g("Naal_gender"),
                title: g("Naal_title"),
                function: g("Naal_function"),
                lang: g("Naal_language"),
                weak: false,
            },
        );
    }
    if g("Addr_logical_id").is_some() {
        add_program(e, g("Addr_programme"));
        let street = join(&[g("Addr_number"), g("Addr_street")], " ");
        let text = join(
            &[
                opt(&street),
                g("Addr_city"),
                g("Addr_zipcode"),
                g("Addr_other"),
            ],
            ", ",
        );
        add_address(e, text, g("Addr_country"), None);
    }
    if g("Birt_logical_id").is_some() {
        add_program(e, g("Birt_programme"));
        if let Some(d) = g("Birt_date") {
            add_dob(e, eu_dob(d), list, line);
        }
        let place = join(&[g("Birt_place"), g("Birt_country")], ", ");
        e.add_attribute("place_of_birth", &place);
        if let Some(c) = g("Birt_country") {
            e.add_country(CountryRole::Birth, c, None);
        }
    }
    if g("Iden_logical_id").is_some() {
        add_program(e, g("Iden_programme"));
        if let Some(n) = g("Iden_number") {
            add_legacy_identifier(e, n, g("Iden_country"));
        }
    }
    if g("Citi_logical_id").is_some() {
        add_program(e, g("Citi_programme"));
        if let Some(c) = g("Citi_country") {
            e.add_country(CountryRole::Citizenship, c, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PartialDate;
    use crate::source::{parse_bytes, read_input};

    const LEGACY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- GENERATED BY FSD -->
<WHOLE Date="11/02/2016">
<ENTITY Id="13" Type="P" legal_basis="1210/2003 (OJ L169)" reg_date="2003-07-07" programme="IRQ" remark="(UNSC RESOLUTION 1483)">
<NAME Id="17" Entity_id="13" programme="IRQ">
<LASTNAME>Hussein Al-Tikriti</LASTNAME><FIRSTNAME>Saddam</FIRSTNAME><MIDDLENAME/>
<WHOLENAME>Saddam Hussein Al-Tikriti</WHOLENAME><GENDER>M</GENDER><TITLE/><FUNCTION/><LANGUAGE/>
</NAME>
<NAME Id="380" Entity_id="13" programme="IRQ">
<LASTNAME/><FIRSTNAME/><MIDDLENAME/><WHOLENAME>Абу Али</WHOLENAME><GENDER/><TITLE/><FUNCTION/><LANGUAGE>BG</LANGUAGE>
</NAME>
<BIRTH Id="14" Entity_id="13" programme="IRQ"><DATE>1958 - 1963 (approximative)</DATE><PLACE>al-Awja, near Tikrit</PLACE><COUNTRY>IRQ</COUNTRY></BIRTH>
<CITIZEN Id="1" Entity_id="13" programme="IRQ"><COUNTRY>IRQ</COUNTRY></CITIZEN>
<PASSPORT Id="315" Entity_id="13" programme="IRQ"><NUMBER>AD001095 (passport-National passport) ((passport))</NUMBER><COUNTRY>IRQ</COUNTRY></PASSPORT>
<ADDRESS Id="2" Entity_id="13" programme="IRQ"><NUMBER/><STREET>Rashid Street</STREET><ZIPCODE/><CITY>Baghdad</CITY><COUNTRY>IRQ</COUNTRY><OTHER/></ADDRESS>
</ENTITY>
<ENTITY Id="20" Type="E" programme="TAQA" remark="">
<NAME Id="26" Entity_id="20" programme="TAQA"><WHOLENAME>Οργάνωση Abu Nidal</WHOLENAME><LANGUAGE>EL</LANGUAGE></NAME>
</ENTITY>
</WHOLE>
"#;

    fn legacy() -> ParsedList {
        parse_bytes(Format::EuFsfXml, LEGACY.as_bytes()).unwrap()
    }

    #[test]
    fn legacy_version_is_the_whole_date_as_iso() {
        assert_eq!(legacy().version.as_deref(), Some("2016-02-11"));
    }

    #[test]
    fn legacy_ids_and_kinds() {
        let l = legacy();
        assert_eq!(l.entities[0].id, "eu-fsf:13");
        assert_eq!(l.entities[0].kind, Kind::Person);
        assert_eq!(l.entities[1].kind, Kind::Organization);
    }

    #[test]
    fn first_name_is_primary_with_parts_and_the_others_are_akas_with_lang() {
        let l = legacy();
        let n = &l.entities[0].names;
        assert_eq!(n[0].full, "Saddam Hussein Al-Tikriti");
        assert_eq!(n[0].strength, NameStrength::Primary);
        assert_eq!(n[0].given.as_deref(), Some("Saddam"));
        assert_eq!(n[0].family.as_deref(), Some("Hussein Al-Tikriti"));
        assert_eq!(n[1].full, "Абу Али");
        assert_eq!(n[1].strength, NameStrength::Aka);
        assert_eq!(n[1].lang.as_deref(), Some("BG"));
        assert_eq!(n[1].script.as_deref(), Some("Cyrillic"));
    }

    #[test]
    fn greek_names_get_their_script() {
        let l = legacy();
        assert_eq!(l.entities[1].names[0].script.as_deref(), Some("Greek"));
        assert_eq!(l.entities[1].names[0].lang.as_deref(), Some("EL"));
    }

    #[test]
    fn approximative_range_is_an_approximate_range() {
        let d = &legacy().entities[0].dobs[0];
        assert!(d.approx);
        assert_eq!(d.date, Some(PartialDate::year(1958)));
        assert_eq!(d.to, Some(PartialDate::year(1963)));
        assert_eq!(d.raw, "1958 - 1963 (approximative)");
    }

    #[test]
    fn passport_number_text_is_split_into_value_type_and_note() {
        let l = legacy();
        let id = &l.entities[0].ids[0];
        assert_eq!(id.kind, "passport");
        assert_eq!(id.value, "AD001095");
        assert_eq!(id.raw_type.as_deref(), Some("passport-National passport"));
        assert_eq!(id.note.as_deref(), Some("(passport)"));
        assert_eq!(id.country.as_deref(), Some("IRQ"));
    }

    #[test]
    fn legacy_fields_map_to_countries_addresses_programs_and_remarks() {
        let l = legacy();
        let e = &l.entities[0];
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Citizenship && c.name == "IRQ"));
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Birth && c.name == "IRQ"));
        assert_eq!(e.addresses[0].text, "Rashid Street, Baghdad");
        assert_eq!(e.programs, vec!["IRQ"]);
        assert_eq!(e.remarks, vec!["(UNSC RESOLUTION 1483)"]);
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "place_of_birth" && a.value == "al-Awja, near Tikrit, IRQ"));
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "gender" && a.value == "M"));
    }

    const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2024-05-06T17:51:45.387+02:00" globalFileId="171">
  <sanctionEntity designationDetails="" unitedNationId="QDi.001" euReferenceNumber="EU.27.28" logicalId="13">
    <remark>UNSC RESOLUTION 1483</remark>
    <regulation regulationType="amendment" publicationDate="2003-07-08" numberTitle="1210/2003 (OJ L169)" programme="IRQ" logicalId="1">
      <publicationUrl>http://eur-lex.europa.eu/x</publicationUrl>
    </regulation>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Saddam" middleName="" lastName="Hussein Al-Tikriti" wholeName="Saddam Hussein Al-Tikriti" function="" gender="M" title="" nameLanguage="" strong="true" logicalId="17"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="Abu Ali" function="" gender="" title="" nameLanguage="" strong="false" logicalId="19"/>
    <citizenship region="" countryIso2Code="IQ" countryDescription="IRAQ" logicalId="1"/>
    <birthdate circa="true" calendarType="GREGORIAN" city="al-Awja" yearRangeFrom="1937" yearRangeTo="1939" countryIso2Code="IQ" countryDescription="IRAQ" logicalId="14"/>
    <identification diplomatic="false" knownExpired="false" knownFalse="true" number="M0887925" countryIso2Code="IQ" countryDescription="IRAQ" identificationTypeCode="passport" identificationTypeDescription="National passport" logicalId="2"/>
    <address city="Baghdad" street="Rashid Street" poBox="" zipCode="" countryIso2Code="IQ" countryDescription="IRAQ" logicalId="3"/>
  </sanctionEntity>
  <sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="" logicalId="20">
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="Bank &amp; Co" strong="true" logicalId="21"/>
  </sanctionEntity>
</export>
"#;

    fn export() -> ParsedList {
        parse_bytes(Format::EuFsfXml, EXPORT.as_bytes()).unwrap()
    }

    #[test]
    fn export_version_ids_and_kinds() {
        let l = export();
        assert_eq!(l.version.as_deref(), Some("2024-05-06"));
        assert_eq!(l.entities[0].id, "eu-fsf:13");
        assert_eq!(l.entities[0].kind, Kind::Person);
        assert_eq!(l.entities[1].kind, Kind::Organization);
        assert_eq!(l.entities[1].primary_name(), "Bank & Co");
    }

    #[test]
    fn export_weak_alias_un_link_and_details() {
        let l = export();
        let e = &l.entities[0];
        assert_eq!(e.names[0].family.as_deref(), Some("Hussein Al-Tikriti"));
        assert_eq!(e.names[1].strength, NameStrength::WeakAka);
        assert_eq!(e.links[0].entity_id, "un-sc:QDi.001");
        assert_eq!(e.programs, vec!["IRQ"]);
        assert_eq!(e.remarks, vec!["UNSC RESOLUTION 1483"]);
        assert_eq!(e.countries[0].code.as_deref(), Some("IQ"));
        assert_eq!(e.countries[0].role, CountryRole::Citizenship);
        assert!(e.dobs[0].approx);
        assert_eq!(e.dobs[0].to, Some(PartialDate::year(1939)));
        assert_eq!(e.ids[0].kind, "passport");
        assert_eq!(e.ids[0].note.as_deref(), Some("knownFalse"));
        assert_eq!(e.addresses[0].text, "Rashid Street, Baghdad");
    }

    const CSV: &str = "Date_file;Entity_logical_id;Subject_type;Leba_numtitle;Programme;Entity_remark;Naal_logical_id;Entity_logical_id;Naal_lastname;Naal_firstname;Naal_middlename;Naal_wholename;Naal_gender;Naal_language;Birt_logical_id;Birt_date;Birt_place;Birt_country;Iden_logical_id;Iden_number;Iden_country;Citi_logical_id;Citi_country;EU_ref_num\n\
04/07/2018;1;P;2018/223 (OJ L43);ZWE;;1;1;Mugabe;Robert;Gabriel;Robert Gabriel Mugabe;M;;;;;;;;;;;EU.36.64\n\
04/07/2018;1;P;1643/2002 (OJ L247);ZWE;\"Former president; retired\";;;;;;;;;101395;1924-02-21;Kutama;ZWE;;;;;;EU.36.64\n\
04/07/2018;2;E;34/2012 (OJ L15);TAQA;;5;2;;;;Al Qaida;;;;;;;7;AD1 (passport-National passport);DZA;8;DZA;EU.1\n";

    #[test]
    fn csv_rows_are_grouped_by_entity() {
        let l = parse_bytes(Format::EuFsfCsv, CSV.as_bytes()).unwrap();
        assert_eq!(l.entities.len(), 2);
        assert_eq!(l.version.as_deref(), Some("2018-07-04"));
        let e = &l.entities[0];
        assert_eq!(e.id, "eu-fsf:1");
        assert_eq!(e.primary_name(), "Robert Gabriel Mugabe");
        assert_eq!(e.names[0].given.as_deref(), Some("Robert Gabriel"));
        assert_eq!(
            e.dobs[0].date,
            PartialDate::checked(1924, Some(2), Some(21))
        );
        assert_eq!(e.remarks, vec!["Former president; retired"]);
        let f = &l.entities[1];
        assert_eq!(f.kind, Kind::Organization);
        assert_eq!(f.ids[0].value, "AD1");
        assert_eq!(f.countries[0].role, CountryRole::Citizenship);
    }

    #[test]
    fn wrapped_csv_is_unwrapped_with_a_warning() {
        let wrapped: String = CSV
            .lines()
            .map(|l| format!("\"{}\t\t\t\"\n", l.replace('"', "\"\"")))
            .collect();
        let wrapped = wrapped.replacen("Date_file", "Date_filexxxx", 1);
        let l = parse_bytes(Format::EuFsfCsv, wrapped.as_bytes()).unwrap();
        assert_eq!(l.entities.len(), 2);
        assert_eq!(l.entities[0].remarks, vec!["Former president; retired"]);
        assert_eq!(l.entities[1].primary_name(), "Al Qaida");
        assert!(l.warnings.iter().any(|w| w.message.contains("re-wrapped")));
    }

    #[test]
    fn windows_1252_csv_is_decoded() {
        let mut bytes = CSV.as_bytes().to_vec();
        let at = CSV.find("Al Qaida").unwrap();
        bytes.splice(at..at + 2, [0xC9u8, 0x6C]); // "Él"
        let l = parse_bytes(Format::EuFsfCsv, &bytes).unwrap();
        assert_eq!(l.entities[1].primary_name(), "Él Qaida");
    }

    #[test]
    fn csv_with_a_short_last_record_is_an_error() {
        let cut = &CSV[..CSV.len() - 20];
        assert!(parse_bytes(Format::EuFsfCsv, cut.as_bytes()).is_err());
    }

    #[test]
    fn csv_with_an_unclosed_quote_is_an_error() {
        let at = CSV.find("retired").unwrap();
        assert!(parse_bytes(Format::EuFsfCsv, &CSV.as_bytes()[..at]).is_err());
    }

    #[test]
    fn truncated_xml_is_an_error() {
        let cut = &LEGACY[..LEGACY.len() - 10];
        assert!(parse_bytes(Format::EuFsfXml, cut.as_bytes()).is_err());
        let cut = &EXPORT[..EXPORT.len() / 2];
        assert!(parse_bytes(Format::EuFsfXml, cut.as_bytes()).is_err());
    }

    #[test]
    fn random_bytes_are_an_error() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for len in [1usize, 9, 300, 4000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            assert!(parse_bytes(Format::EuFsfXml, &bytes).is_err());
            assert!(parse_bytes(Format::EuFsfCsv, &bytes).is_err());
        }
    }

    // ---- real files ----

    fn real(rel: &str) -> Option<std::path::PathBuf> {
        let p = crate::source::shared_lists_dir()?.join(rel);
        if p.is_file() {
            Some(p)
        } else {
            eprintln!("note: {} is absent: skipped", p.display());
            None
        }
    }

    const XML_FILE: &str = "eu-fsf/2016-02-11-subset/data.xml";
    const CSV_FILE: &str = "eu-fsf/legacy-csv-excerpt/EUSanctionsShort.csv";

    #[test]
    fn real_legacy_xml_has_595_entities() {
        let Some(p) = real(XML_FILE) else { return };
        let t = std::time::Instant::now();
        let l = read_input(&Input::file(&p)).unwrap();
        eprintln!(
            "{XML_FILE}: {} entities, {} names, {} warnings, {:?}",
            l.entities.len(),
            l.name_count(),
            l.warnings.len(),
            t.elapsed()
        );
        assert_eq!(l.format, Format::EuFsfXml);
        assert_eq!(l.entities.len(), 595);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(l.entities.len(), text.matches("<ENTITY ").count());
        assert_eq!(l.version.as_deref(), Some("2016-02-11"));
        let persons = l.entities.iter().filter(|e| e.kind == Kind::Person).count();
        assert_eq!(persons, 319);
        // Hand-checked: Saddam Hussein, his French alias and DOB.
        let e = l.entities.iter().find(|e| e.id == "eu-fsf:13").unwrap();
        assert_eq!(e.primary_name(), "Saddam Hussein Al-Tikriti");
        assert!(e
            .names
            .iter()
            .any(|n| n.full == "Abou Ali" && n.lang.as_deref() == Some("FR")));
        assert_eq!(
            e.dobs[0].date,
            PartialDate::checked(1937, Some(4), Some(28))
        );
        // Greek and Cyrillic forms are present and tagged.
        let scripts: Vec<&str> = l
            .entities
            .iter()
            .flat_map(|e| &e.names)
            .filter_map(|n| n.script.as_deref())
            .collect();
        assert!(scripts.contains(&"Greek"));
        assert!(scripts.contains(&"Cyrillic"));
    }

    #[test]
    fn real_wrapped_csv_has_93_entities() {
        let Some(p) = real(CSV_FILE) else { return };
        let t = std::time::Instant::now();
        let l = read_input(&Input::file(&p)).unwrap();
        eprintln!(
            "{CSV_FILE}: {} entities, {} names, {} warnings, {:?}",
            l.entities.len(),
            l.name_count(),
            l.warnings.len(),
            t.elapsed()
        );
        assert_eq!(l.format, Format::EuFsfCsv);
        // Independent count: second `;`-field of every data line.
        let bytes = std::fs::read(&p).unwrap();
        let text = crate::source::input::decode_1252(&bytes);
        let mut ids: Vec<&str> = text
            .lines()
            .skip(1)
            .filter_map(|l| l.split(';').nth(1))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(l.entities.len(), ids.len());
        assert_eq!(l.entities.len(), 93); // hand-checked with cut/sort/uniq
        assert_eq!(l.version.as_deref(), Some("2018-07-04"));
        let warned = l
            .warnings
            .iter()
            .filter(|w| w.message.contains("re-wrapped"))
            .count();
        assert_eq!(warned, 1);
        // The Greek names of this copy were lost to '?': kept and warned.
        assert!(l
            .warnings
            .iter()
            .any(|w| w.message.contains("in place of letters")));
        let e = l.entities.iter().find(|e| e.id == "eu-fsf:1").unwrap();
        assert_eq!(e.primary_name(), "Robert Gabriel Mugabe");
        assert_eq!(e.kind, Kind::Person);
        assert!(e.attributes.iter().any(|a| a.value == "EU.36.64"));
        assert!(e.ids.iter().any(|i| i.value == "AD001095"));
        // The one field holding a quoted ';' survives as one field.
        let e = l.entities.iter().find(|e| e.id == "eu-fsf:43").unwrap();
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "position" && a.value == "Former Governor of Karbala and An Najaf;"));
    }

    #[test]
    fn truncated_real_files_are_errors() {
        for (rel, format) in [(XML_FILE, Format::EuFsfXml), (CSV_FILE, Format::EuFsfCsv)] {
            let Some(p) = real(rel) else { continue };
            let bytes = std::fs::read(&p).unwrap();
            let n = bytes.len();
            let mut cuts = vec![n / 10, n / 2, n * 9 / 10, n - 3];
            if let Some(nl) = bytes[n / 3..].iter().position(|&b| b == b'\n') {
                cuts.push(n / 3 + nl / 2);
            }
            for cut in cuts {
                assert!(
                    parse_bytes(format, &bytes[..cut]).is_err(),
                    "{rel} cut at {cut} of {n} was accepted"
                );
            }
            if format == Format::EuFsfCsv {
                // Cut exactly after a line: a shorter but valid list.
                let nl = bytes[..n / 2].iter().rposition(|&b| b == b'\n').unwrap();
                let l = parse_bytes(format, &bytes[..=nl]).unwrap();
                assert!(l.entities.len() < 93);
            }
        }
    }
}
