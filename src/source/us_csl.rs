//! US Consolidated Screening List (trade.gov CSL), CSV with a header row,
//! plain or gzip-compressed (undone by [`Input::reader`]).
//!
//! Header: `_id,source,entity_number,type,programs,name,title,addresses,
//! federal_register_notice,start_date,end_date,standard_order,
//! license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,
//! gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,
//! alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,
//! source_information_url,ids`. Columns are found by name; a column this
//! reader does not know becomes an attribute named after it. One row is one
//! entry of one of the source lists (SDN, Entity List, DPL, …).
//!
//! Entity ids (`us-csl:<own id>`):
//! - rows of the OFAC lists carry OFAC's entity number as `_id` *and* as
//!   `entity_number`, and OFAC puts one entry on several of its lists under
//!   one number, so the CSL repeats that `_id` (2022-05-16: 71 `_id`s on 183
//!   rows: SDN + SSI + CAP …). Such rows are keyed by source and number:
//!   `us-csl:<SRC>:<entity_number>`, `<SRC>` being the abbreviation in the
//!   source's parentheses without a trailing ` List` (`SDN`, `SSI`, `CAP`,
//!   `NS-MBS`, `CMIC`, `PLC`, `FSE`), e.g. `us-csl:SDN:34616`;
//! - other rows (BIS, State: a hash `_id`, no entity number) use the `_id`:
//!   `us-csl:<_id>`;
//! - no `_id`: `us-csl:<SRC>:<entity_number>`; neither: `us-csl:<SRC>:name-`
//!   followed by 16 hex digits of the SHA-256 of the name (with a warning).
//!
//! Two rows with the same id (the 2022-05-16 file repeats CAP row 15268,
//! differing only in `source_list_url`) are one entity: the second row's
//! fields are merged into the first, with a warning.
//!
//! Field mapping:
//! - `type` → kind (`Individual` person, `Entity` organisation, `Vessel`,
//!   `Aircraft`; empty → unknown — the BIS and State lists do not say).
//! - `name` → primary name; `alt_names` (`; `-separated) → aka. The CSL
//!   does not tell weak aliases apart, so none is marked weak.
//! - `programs` (`; `) → programs; `source` → attribute `source`.
//! - `addresses` (`; `) → addresses: a trailing two-letter code is the
//!   address's country (and a `location` country).
//! - `dates_of_birth` (`; `) → DOBs (`circa 1944`, `1969 to 1971` …);
//!   `places_of_birth` → attribute `place_of_birth`; `citizenships`,
//!   `nationalities` (ISO codes) → countries with those roles.
//! - `ids` (`; `-separated entries, each `, `-separated). Two layouts exist:
//!   older files write `[country, ][dates, ]value, type` (`CA, BC166787,
//!   Passport`; `Male, Gender`), newer ones `type, value[, country]`
//!   (`Passport, A123, IR`). The layout is told per entry from which end
//!   holds a known type label (or a country code), falling back to the
//!   majority seen so far in the file. Identity documents become
//!   [`Identifier`]s with canonical kinds (passport, national_id, tax_id,
//!   registration, imo, mmsi, bic, email, website, phone, `crypto:<CODE>`,
//!   aircraft_serial, aircraft_tail, call_sign, other), the label kept as
//!   `raw_type`, dates kept in `note`, values as written (`IMO 8898831`,
//!   kind `imo`; a `Vessel Registration Identification` that is not an IMO
//!   number is a `registration`); sanctions information (`Additional
//!   Sanctions Information -`, directives, listing dates, target type, aircraft
//!   model, …) becomes attributes keyed by the label; `Gender` → attribute
//!   `gender`; `Nationality of Registration` / `Nationality Country` /
//!   `Citizenship Country` → countries.
//! - `title`, `vessel_type`, `vessel_owner`, `gross_tonnage` (`tonnage`),
//!   `gross_registered_tonnage` (`grt`), `vessel_flag` (also a
//!   `registration` country), `federal_register_notice`, `start_date`,
//!   `end_date`, `standard_order`, `license_requirement`, `license_policy`,
//!   `source_list_url`, `source_information_url` → attributes; `call_sign`
//!   → identifier; `remarks` → remarks.
//!
//! Links: an SDN row with an entity number → `ofac-sdn:<n>`; a row of
//! another OFAC list (source ending `Treasury Department`) → `ofac-cons:<n>`;
//! a Denied Persons List row → the `us-bis-dpl` entity of its name
//! ([`super::us_bis_dpl::dpl_id`]).
//!
//! Version: the file states none → `None`.
//!
//! Quirks: the 2023-11-30 file repeats its header line (skipped with a
//! warning) and ends inside a quoted field (it is a truncated copy): a last
//! record with the wrong number of fields or an unclosed quote is an error.

use std::collections::HashMap;
use std::io::{self, BufRead, Read};

use sha2::{Digest, Sha256};

use super::dates::{self, SlashOrder};
use super::us_bis_dpl::dpl_id;
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{
    collapse_ws, hex, list_ids, Address, CountryRole, Entity, Identifier, Kind, Name, NameStrength,
};

/// The `source` of SDN rows.
const SDN_SOURCE: &str = "Specially Designated Nationals (SDN) - Treasury Department";

/// Reads the list.
pub fn read(input: &Input) -> Result<ParsedList> {
    let mut list = ParsedList::new(list_ids::US_CSL, Format::UsCslCsv, input.path());
    let mut reader = input.reader()?;
    skip_bom(&mut reader, input)?;
    let guard = QuoteGuard::new(reader, b',');
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(guard);

    let mut rec = csv::ByteRecord::new();
    let mut header: Vec<String> = Vec::new();
    let mut cols: Option<Columns> = None;
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut votes = LayoutVotes::default();
    let mut not_utf8 = 0usize;
    let mut last_line = 1u64;
    loop {
        let line = rdr.position().line();
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(e, line)),
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(line);
        last_line = line;
        let fields = super::input::decode_fields(&rec, &mut not_utf8);
        let Some(c) = &cols else {
            let c = Columns::from_header(&fields).ok_or_else(|| {
                Error::malformed(
                    "not a Consolidated Screening List: the first row is not the header (`_id,source,…,name,…`)",
                )
                .at(line)
            })?;
            header = fields;
            cols = Some(c);
            continue;
        };
        if fields == header {
            list.warn(None, Some(line), "repeated header row skipped");
            continue;
        }
        let mut warnings = Vec::new();
        let Some(e) = row_entity(c, &fields, &mut votes, &mut warnings) else {
            list.warn(
                None,
                Some(line),
                "row without a name skipped (nothing to screen against)",
            );
            continue;
        };
        for w in warnings {
            list.warn(None, Some(line), w);
        }
        match by_id.get(&e.id) {
            Some(&i) => {
                list.warn(
                    None,
                    Some(line),
                    format!(
                        "entity id {} appears on more than one row: rows merged into one entity",
                        e.id
                    ),
                );
                merge(&mut entities[i], e);
            }
            None => {
                by_id.insert(e.id.clone(), entities.len());
                entities.push(e);
            }
        }
    }
    if rdr.get_ref().in_open_quote() {
        return Err(Error::malformed(
            "the last record ends inside a quoted field: the file is truncated",
        )
        .at(last_line));
    }
    if cols.is_none() {
        return Err(Error::malformed("no header row: the file is empty"));
    }
    if not_utf8 > 0 {
        list.warn(
            None,
            None,
            format!("{not_utf8} fields were not valid UTF-8 and were read as Windows-1252"),
        );
    }
    list.entities = entities;
    Ok(list)
}

/// Column positions, found by header name.
struct Columns {
    id: Option<usize>,
    source: Option<usize>,
    entity_number: Option<usize>,
    kind: Option<usize>,
    programs: Option<usize>,
    name: usize,
    addresses: Option<usize>,
    remarks: Option<usize>,
    alt_names: Option<usize>,
    citizenships: Option<usize>,
    dates_of_birth: Option<usize>,
    nationalities: Option<usize>,
    places_of_birth: Option<usize>,
    ids: Option<usize>,
    call_sign: Option<usize>,
    vessel_flag: Option<usize>,
    /// Columns kept as attributes: (column, attribute key).
    attributes: Vec<(usize, String)>,
}

/// Columns that map to an attribute of another name.
const ATTRIBUTE_COLUMNS: &[(&str, &str)] = &[
    ("title", "title"),
    ("federal_register_notice", "federal_register_notice"),
    ("start_date", "start_date"),
    ("end_date", "end_date"),
    ("standard_order", "standard_order"),
    ("license_requirement", "license_requirement"),
    ("license_policy", "license_policy"),
    ("vessel_type", "vessel_type"),
    ("gross_tonnage", "tonnage"),
    ("gross_registered_tonnage", "grt"),
    ("vessel_flag", "vessel_flag"),
    ("vessel_owner", "vessel_owner"),
    ("source_list_url", "source_list_url"),
    ("source_information_url", "source_information_url"),
];

/// Columns with a field of their own.
const MAPPED_COLUMNS: &[&str] = &[
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "addresses",
    "remarks",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "ids",
    "call_sign",
];

impl Columns {
    fn from_header(fields: &[String]) -> Option<Columns> {
        let norm = |f: &str| f.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        let names: Vec<String> = fields.iter().map(|f| norm(f)).collect();
        if names.first().map(String::as_str) != Some("_id") {
            return None;
        }
        let find = |want: &str| names.iter().position(|n| n == want);
        let mut attributes = Vec::new();
        for (i, n) in names.iter().enumerate() {
            if let Some((_, key)) = ATTRIBUTE_COLUMNS.iter().find(|(c, _)| c == n) {
                attributes.push((i, key.to_string()));
            } else if !MAPPED_COLUMNS.contains(&n.as_str()) && !n.is_empty() {
                attributes.push((i, slug(n)));
            }
        }
        Some(Columns {
            id: find("_id"),
            source: find("source"),
            entity_number: find("entity_number"),
            kind: find("type"),
            programs: find("programs"),
            name: find("name")?,
            addresses: find("addresses"),
            remarks: find("remarks"),
            alt_names: find("alt_names"),
            citizenships: find("citizenships"),
            dates_of_birth: find("dates_of_birth"),
            nationalities: find("nationalities"),
            places_of_birth: find("places_of_birth"),
            ids: find("ids"),
            call_sign: find("call_sign"),
            vessel_flag: find("vessel_flag"),
            attributes,
        })
    }
}

/// One row → one entity (`None` for a row without a name).
fn row_entity(
    c: &Columns,
    fields: &[String],
    votes: &mut LayoutVotes,
    warnings: &mut Vec<String>,
) -> Option<Entity> {
    let get = |i: Option<usize>| -> Option<&str> {
        i.and_then(|i| fields.get(i))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    };
    let multi = |i: Option<usize>| -> Vec<&str> {
        get(i)
            .map(|s| {
                s.split("; ")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let name = collapse_ws(get(Some(c.name))?);
    if name.is_empty() {
        return None;
    }
    let source = get(c.source);
    let src = source
        .map(source_abbrev)
        .unwrap_or_else(|| "unknown".into());
    let ent_num = get(c.entity_number);
    let own_id = match (get(c.id), ent_num) {
        (Some(id), Some(n)) if id == n => format!("{src}:{n}"),
        (Some(id), _) => id.to_string(),
        (None, Some(n)) => format!("{src}:{n}"),
        (None, None) => {
            let mut h = hex(&Sha256::digest(name.as_bytes()));
            h.truncate(16);
            warnings.push(format!(
                "row without `_id` or `entity_number`: id made from its source and name ({src}:name-{h})"
            ));
            format!("{src}:name-{h}")
        }
    };
    let kind = match get(c.kind) {
        None => Kind::Unknown,
        Some(t) => match t.to_ascii_lowercase().as_str() {
            "individual" => Kind::Person,
            "entity" => Kind::Organization,
            "vessel" => Kind::Vessel,
            "aircraft" => Kind::Aircraft,
            _ => {
                warnings.push(format!("unknown type {t:?}: kind left unknown"));
                Kind::Unknown
            }
        },
    };
    let mut e = Entity::new(list_ids::US_CSL, own_id, kind);
    e.add_name(Name::new(&name, NameStrength::Primary));
    for alt in multi(c.alt_names) {
        e.add_name(Name::new(alt, NameStrength::Aka));
    }
    for p in multi(c.programs) {
        if !e.programs.iter().any(|x| x == p) {
            e.programs.push(p.to_string());
        }
    }
    if let Some(s) = source {
        e.add_attribute("source", s);
    }
    for a in multi(c.addresses) {
        add_address(&mut e, a);
    }
    for d in multi(c.dates_of_birth) {
        let dob = dates::parse_dob(d, SlashOrder::Mdy);
        if dob.date.is_none() {
            warnings.push(format!(
                "date of birth {d:?} not understood: kept as written"
            ));
        }
        if !e.dobs.contains(&dob) {
            e.dobs.push(dob);
        }
    }
    for p in multi(c.places_of_birth) {
        e.add_attribute("place_of_birth", p);
    }
    for (col, role) in [
        (c.citizenships, CountryRole::Citizenship),
        (c.nationalities, CountryRole::Nationality),
    ] {
        for cc in multi(col) {
            e.add_country(role, cc, is_country_code(cc).then_some(cc));
        }
    }
    if let Some(flag) = get(c.vessel_flag) {
        e.add_country(CountryRole::Registration, flag, None);
    }
    if let Some(cs) = get(c.call_sign) {
        push_id(&mut e, "call_sign", cs, Some("call_sign"), None, None);
    }
    for (col, key) in &c.attributes {
        if let Some(v) = get(Some(*col)) {
            e.add_attribute(key, v);
        }
    }
    if let Some(r) = get(c.remarks) {
        let r = collapse_ws(r);
        if !e.remarks.contains(&r) {
            e.remarks.push(r);
        }
    }
    if let Some(ids) = get(c.ids) {
        for entry in ids.split("; ") {
            add_id_entry(&mut e, entry, votes);
        }
    }
    // Links to the source lists' own entities.
    let is_ofac = source.is_some_and(|s| s.ends_with("Treasury Department"));
    if let Some(n) = ent_num {
        if source == Some(SDN_SOURCE) || src == "SDN" {
            e.add_link(format!("{}:{n}", list_ids::OFAC_SDN));
        } else if is_ofac {
            e.add_link(format!("{}:{n}", list_ids::OFAC_CONS));
        }
    }
    if src == "DPL" {
        e.add_link(dpl_id(&name));
    }
    Some(e)
}

/// The abbreviation a source names in parentheses, without a trailing
/// ` List` (`Specially Designated Nationals (SDN) - …` → `SDN`,
/// `… (NS-MBS List) - …` → `NS-MBS`); a slug of the whole source when it has
/// none.
fn source_abbrev(source: &str) -> String {
    let inner = source
        .find('(')
        .and_then(|i| source.get(i + 1..))
        .and_then(|s| s.find(')').and_then(|j| s.get(..j)))
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match inner {
        Some(a) => {
            let a = a.strip_suffix(" List").unwrap_or(a);
            a.split_whitespace().collect::<Vec<_>>().join("-")
        }
        None => slug(source),
    }
}

/// Lower-case key: letters and digits kept, every other run → `_`.
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

pub(super) fn is_country_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// One address: a trailing two-letter code is its country.
fn add_address(e: &mut Entity, raw: &str) {
    let raw = collapse_ws(raw);
    let (text, country) = match raw.rsplit_once(", ") {
        Some((rest, cc)) if is_country_code(cc) => (rest.to_string(), Some(cc.to_string())),
        _ if is_country_code(&raw) => (String::new(), Some(raw.clone())),
        _ => (raw.clone(), None),
    };
    if let Some(cc) = &country {
        e.add_country(CountryRole::Location, cc, Some(cc));
    }
    if text.is_empty() {
        return;
    }
    let a = Address { text, country };
    if !e.addresses.contains(&a) {
        e.addresses.push(a);
    }
}

fn push_id(
    e: &mut Entity,
    kind: &str,
    value: &str,
    raw_type: Option<&str>,
    country: Option<&str>,
    note: Option<String>,
) {
    let value = collapse_ws(value);
    if value.is_empty() {
        return;
    }
    let id = Identifier {
        kind: kind.to_string(),
        value,
        raw_type: raw_type.map(str::to_string),
        country: country.map(str::to_string),
        note,
    };
    if !e.ids.contains(&id) {
        e.ids.push(id);
    }
}

/// What an `ids` entry's label means.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    /// An identity document or number of this canonical kind.
    Id(String),
    /// Information about the entry, kept as an attribute with this key.
    Attribute(String),
    /// A country with this role.
    Country(CountryRole),
}

/// Classifies an `ids` label; `None` when it is not a label this reader
/// knows (such entries are kept as identifiers of kind `other`).
fn classify(label: &str) -> Option<Label> {
    let l = label.trim().to_ascii_lowercase();
    let l = l.trim_end_matches([':', '-', ' ']).trim_end().to_string();
    if l.is_empty() {
        return None;
    }
    let id = |k: &str| Some(Label::Id(k.to_string()));
    let has = |w: &str| l.contains(w);
    if let Some(code) = l.strip_prefix("digital currency address") {
        let code = code
            .trim_start_matches([' ', '-'])
            .trim()
            .to_ascii_uppercase();
        return Some(Label::Id(if code.is_empty() {
            "crypto".to_string()
        } else {
            format!("crypto:{code}")
        }));
    }
    match l.as_str() {
        "gender" => return Some(Label::Attribute("gender".into())),
        "nationality of registration" => return Some(Label::Country(CountryRole::Registration)),
        "nationality country" => return Some(Label::Country(CountryRole::Nationality)),
        "citizenship country" => return Some(Label::Country(CountryRole::Citizenship)),
        "mmsi" => return id("mmsi"),
        "swift/bic" | "bic" | "swift" => return id("bic"),
        "email address" | "email" => return id("email"),
        "website" => return id("website"),
        "phone number" | "phone" | "telephone" | "fax" => return id("phone"),
        "vessel registration identification" => return id("imo"),
        "other vessel call sign" | "call sign" => return id("call_sign"),
        "aircraft tail number" | "previous aircraft tail number" => return id("aircraft_tail"),
        _ => {}
    }
    if has("passport") {
        return id("passport");
    }
    if l.starts_with("aircraft") && (has("serial") || has("construction number")) {
        return id("aircraft_serial");
    }
    // Information about the listing, not an identity document.
    const INFO_PREFIXES: &[&str] = &[
        "additional sanctions information",
        "secondary sanctions risk",
        "transactions prohibited",
        "executive order",
        "caatsa",
        "ifca",
        "listing date",
        "effective date",
        "purchase/sales for divestment date",
        "target type",
        "organization type",
        "organization established date",
        "aircraft model",
        "aircraft manufacture date",
        "aircraft operator",
        "former vessel flag",
        "other vessel flag",
        "other vessel type",
        "vessel year of build",
        "vessel flag",
        "issuer name",
        "equity ticker",
        "un/locode",
    ];
    if INFO_PREFIXES.iter().any(|p| l.starts_with(p)) || l.ends_with(" date") {
        return Some(Label::Attribute(slug(&l)));
    }
    if has("tax")
        || has("fiscal code")
        || has("v.a.t")
        || has("vat number")
        || has("fein")
        || has("tributaria")
        || has("c.i.f")
        || matches!(
            l.as_str(),
            "nit #"
                | "r.f.c."
                | "rfc"
                | "ruc #"
                | "rif #"
                | "rtn"
                | "c.u.i.t."
                | "c.u.i."
                | "inn"
                | "tin"
        )
    {
        return id("tax_id");
    }
    if has("national id")
        || has("cedula")
        || has("cédula")
        || has("d.n.i")
        || has("c.u.r.p")
        || has("ssn")
        || has("social security")
        || has("personal id")
        || has("id card")
        || has("identity card")
        || has("identification number")
        || has("birth certificate")
        || has("kenyan id")
        || has("immigration no")
        || has("personal numerical code")
        || has("numero de identidad")
        || has("citizen's card")
        || has("credencial electoral")
        || has("national foreign id")
        || has("residency number")
        || has("uae identification")
        || has("identification document")
        || has("travel document")
        || matches!(l.as_str(), "c.u.i.p." | "n.i.e." | "i.f.e.")
    {
        return id("national_id");
    }
    if has("registration")
        || has("registry")
        || has("register")
        || has("company number")
        || has("business number")
        || has("commercial")
        || has("gazette")
        || has("unified social credit")
        || has("d-u-n-s")
        || has("trade license")
        || has("matricula mercantil")
        || has("c.r. no")
        || has("chamber of commerce")
        || has("legal entity number")
        || has("charity")
        || has("enterprise number")
        || has("folio mercantil")
        || has("incorporation")
        || has("social credit code")
        || has("chamber of comm")
        || has("c.r.")
        || l == "rsin"
    {
        return id("registration");
    }
    if has("isin") || has("bik") || has("serial no") || has("license") || has("transponder") {
        return id("other");
    }
    None
}

/// Running count of the `ids` layouts seen so far in a file.
#[derive(Default)]
struct LayoutVotes {
    /// `[country, ][dates, ]value, type`
    type_last: u32,
    /// `type, value[, country][, dates]`
    type_first: u32,
}

/// One `ids` entry (see the module doc for the two layouts).
fn add_id_entry(e: &mut Entity, entry: &str, votes: &mut LayoutVotes) {
    let entry = entry.trim();
    if entry.is_empty() {
        return;
    }
    let parts: Vec<&str> = entry
        .split(", ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let (Some(&first), Some(&last)) = (parts.first(), parts.last()) else {
        return;
    };
    if parts.len() < 2 {
        push_id(e, "other", entry, None, None, None);
        return;
    }
    let (first_known, last_known) = (classify(first).is_some(), classify(last).is_some());
    let type_last = match (first_known, last_known) {
        (false, true) => {
            votes.type_last += 1;
            true
        }
        (true, false) => {
            votes.type_first += 1;
            false
        }
        _ if parts.len() >= 3 && is_country_code(first) && !is_country_code(last) => {
            votes.type_last += 1;
            true
        }
        _ if parts.len() >= 3 && is_country_code(last) && !is_country_code(first) => {
            votes.type_first += 1;
            false
        }
        _ => votes.type_last > votes.type_first,
    };
    let (label, mut body): (&str, Vec<&str>) = if type_last {
        (last, parts[..parts.len() - 1].to_vec())
    } else {
        (first, parts[1..].to_vec())
    };
    // The country: first in the older layout, after the value in the newer.
    let mut country = None;
    if body.len() >= 2 {
        let pos = if type_last {
            is_country_code(body[0]).then_some(0)
        } else {
            (1..body.len()).find(|&i| is_country_code(body[i]))
        };
        if let Some(i) = pos {
            country = Some(body.remove(i));
        }
    }
    let (dates, rest): (Vec<&str>, Vec<&str>) = body.iter().partition(|p| is_iso_date(p));
    let (value, note) = if rest.is_empty() {
        (body.join(", "), None)
    } else {
        (
            rest.join(", "),
            (!dates.is_empty()).then(|| dates.join(", ")),
        )
    };
    match classify(label) {
        Some(Label::Attribute(key)) => {
            e.add_attribute(&key, &value);
            if let Some(n) = note {
                e.add_attribute(&key, &n);
            }
        }
        Some(Label::Country(role)) => {
            let code = is_country_code(&value).then_some(value.as_str());
            e.add_country(role, &value, code);
        }
        Some(Label::Id(kind)) => {
            let kind = if kind == "imo" && !value.to_ascii_uppercase().starts_with("IMO") {
                "registration".to_string()
            } else {
                kind
            };
            push_id(e, &kind, &value, Some(label), country, note);
        }
        None => push_id(e, "other", &value, Some(label), country, note),
    }
}

/// Folds a second row with the same id into the entity.
fn merge(into: &mut Entity, from: Entity) {
    if into.kind == Kind::Unknown {
        into.kind = from.kind;
    }
    for n in from.names {
        into.add_name(n);
    }
    for d in from.dobs {
        if !into.dobs.contains(&d) {
            into.dobs.push(d);
        }
    }
    for c in from.countries {
        into.add_country(c.role, &c.name, c.code.as_deref());
    }
    for a in from.addresses {
        if !into.addresses.contains(&a) {
            into.addresses.push(a);
        }
    }
    for i in from.ids {
        if !into.ids.contains(&i) {
            into.ids.push(i);
        }
    }
    for p in from.programs {
        if !into.programs.contains(&p) {
            into.programs.push(p);
        }
    }
    for r in from.remarks {
        if !into.remarks.contains(&r) {
            into.remarks.push(r);
        }
    }
    for a in from.attributes {
        into.add_attribute(&a.key, &a.value);
    }
    for l in from.links {
        into.add_link(l.entity_id);
    }
}

/// Skips a UTF-8 byte-order mark at the start (the `csv` crate would read
/// it as part of the first field).
pub(super) fn skip_bom(reader: &mut Box<dyn BufRead + '_>, input: &Input) -> Result<()> {
    let head = reader.fill_buf().map_err(|e| {
        Error::malformed(format!(
            "reading failed: {e} (a truncated or corrupt compressed file?)"
        ))
        .in_file(input.path())
    })?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// Turns a csv error into a located [`Error`].
pub(super) fn csv_error(e: csv::Error, fallback_line: u64) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(fallback_line);
    let msg = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "record has {len} fields where the header has {expected_len}: the file is truncated or malformed"
        ),
        csv::ErrorKind::Io(err) => {
            format!("reading failed: {err} (a truncated or corrupt compressed file?)")
        }
        _ => e.to_string(),
    };
    Error::malformed(msg).at(line)
}

/// A reader that follows CSV quoting the way the `csv` crate reads it, so
/// that a file ending inside a quoted field (which `csv` silently closes)
/// can be told from a complete one.
pub(super) struct QuoteGuard<R> {
    inner: R,
    delimiter: u8,
    state: QuoteState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote seen inside a quoted field: either its end or the first half
    /// of an escaped `""`.
    QuoteInQuoted,
}

impl<R: Read> QuoteGuard<R> {
    pub(super) fn new(inner: R, delimiter: u8) -> Self {
        QuoteGuard {
            inner,
            delimiter,
            state: QuoteState::FieldStart,
        }
    }

    /// Whether everything read so far ends inside an open quoted field.
    pub(super) fn in_open_quote(&self) -> bool {
        self.state == QuoteState::Quoted
    }

    fn step(&mut self, b: u8) {
        use QuoteState::*;
        let ends_field = b == self.delimiter || b == b'\n' || b == b'\r';
        self.state = match self.state {
            FieldStart | Unquoted if ends_field => FieldStart,
            FieldStart if b == b'"' => Quoted,
            FieldStart | Unquoted => Unquoted,
            Quoted if b == b'"' => QuoteInQuoted,
            Quoted => Quoted,
            QuoteInQuoted if b == b'"' => Quoted,
            QuoteInQuoted if ends_field => FieldStart,
            QuoteInQuoted => Unquoted,
        };
    }
}

impl<R: Read> Read for QuoteGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in buf.get(..n).unwrap_or(&[]) {
            self.step(b);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse_bytes, read_input, Format};

    const HEADER: &str = "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n";

    /// A row from (column, value) pairs; other columns empty.
    fn row(values: &[(&str, &str)]) -> String {
        let cols: Vec<&str> = HEADER.trim_end().split(',').collect();
        let fields: Vec<String> = cols
            .iter()
            .map(|c| {
                let v = values
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| *v)
                    .unwrap_or("");
                format!("\"{}\"", v.replace('"', "\"\""))
            })
            .collect();
        fields.join(",") + "\n"
    }

    fn read_str(text: &str) -> Result<ParsedList> {
        read(&Input::from_bytes("csl.csv", text.as_bytes().to_vec()))
    }

    fn sdn_person() -> String {
        row(&[
            ("_id", "24904"),
            ("source", SDN_SOURCE),
            ("entity_number", "24904"),
            ("type", "Individual"),
            ("programs", "SYRIA; SDGT"),
            ("name", "'ABBAS, Yasir"),
            ("addresses", "Damascus, SY; SY"),
            ("alt_names", "'ABBAS, Yasir 'Aziz; ABBAS, Yaser"),
            ("dates_of_birth", "1978-08-22; circa 1960; 1969 to 1971"),
            ("nationalities", "SY"),
            ("places_of_birth", "Damascus, Syria"),
            ("ids", "SY, 2014-08-30, N0123, Passport; Male, Gender"),
        ])
    }

    fn dpl_row() -> String {
        row(&[
            ("_id", "deb7a1d5743a85c354ca1a2c7f2664e2104b32d7"),
            (
                "source",
                "Denied Persons List (DPL) - Bureau of Industry and Security",
            ),
            ("name", " I. ASH"),
            ("addresses", "FCI SEAGOVILLE, SEAGOVILLE, TX, 75159, US"),
            ("start_date", "2003-06-19"),
            ("standard_order", "Y"),
        ])
    }

    fn ssi_org() -> String {
        row(&[
            ("_id", "18741"),
            ("source", "Sectoral Sanctions Identifications List (SSI) - Treasury Department"),
            ("entity_number", "18741"),
            ("type", "Entity"),
            ("name", "AUCTION LIMITED LIABILITY COMPANY"),
            (
                "ids",
                "Registration ID, 1234567, RU; Website, www.example.ru; Subject to Directive 1, Executive Order 13662 Directive Determination -",
            ),
        ])
    }

    fn vessel() -> String {
        row(&[
            ("_id", "9999"),
            ("source", SDN_SOURCE),
            ("entity_number", "9999"),
            ("type", "Vessel"),
            ("name", "SEA STAR"),
            ("call_sign", "9HDS9"),
            ("vessel_type", "Crude Oil Tanker"),
            ("vessel_flag", "Iran"),
            ("gross_registered_tonnage", "56068"),
            (
                "ids",
                "IMO 8898831, Vessel Registration Identification; 123456789, MMSI",
            ),
        ])
    }

    fn sample() -> String {
        HEADER.to_string() + &sdn_person() + &dpl_row() + &ssi_org() + &vessel()
    }

    fn entity<'a>(l: &'a ParsedList, id: &str) -> &'a Entity {
        l.entities.iter().find(|e| e.id == id).unwrap()
    }

    #[test]
    fn ofac_rows_are_keyed_by_source_and_number_others_by_id() {
        let l = read_str(&sample()).unwrap();
        let ids: Vec<&str> = l.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "us-csl:SDN:24904",
                "us-csl:deb7a1d5743a85c354ca1a2c7f2664e2104b32d7",
                "us-csl:SSI:18741",
                "us-csl:SDN:9999",
            ]
        );
    }

    #[test]
    fn kind_comes_from_type_and_empty_is_unknown() {
        let l = read_str(&sample()).unwrap();
        let kinds: Vec<Kind> = l.entities.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Person,
                Kind::Unknown,
                Kind::Organization,
                Kind::Vessel
            ]
        );
    }

    #[test]
    fn alt_names_are_akas() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "us-csl:SDN:24904");
        let names: Vec<(&str, NameStrength)> = e
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.strength))
            .collect();
        assert_eq!(
            names,
            [
                ("'ABBAS, Yasir", NameStrength::Primary),
                ("'ABBAS, Yasir 'Aziz", NameStrength::Aka),
                ("ABBAS, Yaser", NameStrength::Aka),
            ]
        );
    }

    #[test]
    fn dates_of_birth_exact_approximate_and_ranges() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "us-csl:SDN:24904");
        assert_eq!(e.dobs.len(), 3);
        assert_eq!(e.dobs[0].date.unwrap().to_string(), "1978-08-22");
        assert!(e.dobs[1].approx);
        assert_eq!(e.dobs[2].to.unwrap().to_string(), "1971");
    }

    #[test]
    fn programs_source_and_sdn_link() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "us-csl:SDN:24904");
        assert_eq!(e.programs, ["SYRIA", "SDGT"]);
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "source" && a.value == SDN_SOURCE));
        assert_eq!(e.links[0].entity_id, "ofac-sdn:24904");
    }

    #[test]
    fn non_sdn_ofac_rows_link_to_the_consolidated_list() {
        let l = read_str(&sample()).unwrap();
        assert_eq!(
            entity(&l, "us-csl:SSI:18741").links[0].entity_id,
            "ofac-cons:18741"
        );
    }

    #[test]
    fn dpl_rows_link_to_the_dpl_entity_of_their_name() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "us-csl:deb7a1d5743a85c354ca1a2c7f2664e2104b32d7");
        assert_eq!(e.primary_name(), "I. ASH");
        assert_eq!(e.links[0].entity_id, dpl_id("I. ASH"));
    }

    #[test]
    fn addresses_split_off_their_country_code() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "us-csl:SDN:24904");
        assert_eq!(
            e.addresses,
            [Address {
                text: "Damascus".into(),
                country: Some("SY".into())
            }]
        );
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Location && c.code.as_deref() == Some("SY")));
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Nationality && c.name == "SY"));
    }

    #[test]
    fn older_ids_layout_type_last() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "us-csl:SDN:24904");
        let p = &e.ids[0];
        assert_eq!(
            (p.kind.as_str(), p.value.as_str(), p.country.as_deref()),
            ("passport", "N0123", Some("SY"))
        );
        assert_eq!(p.note.as_deref(), Some("2014-08-30"));
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "gender" && a.value == "Male"));
    }

    #[test]
    fn newer_ids_layout_type_first() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "us-csl:SSI:18741");
        let r = &e.ids[0];
        assert_eq!(
            (r.kind.as_str(), r.value.as_str(), r.country.as_deref()),
            ("registration", "1234567", Some("RU"))
        );
        assert_eq!(r.raw_type.as_deref(), Some("Registration ID"));
        assert_eq!(e.ids[1].kind, "website");
        // An ambiguous entry follows the layout seen so far in the row/file.
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "executive_order_13662_directive_determination"
                && a.value == "Subject to Directive 1"));
    }

    #[test]
    fn vessel_fields_imo_and_call_sign() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "us-csl:SDN:9999");
        let kinds: Vec<(&str, &str)> = e
            .ids
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("call_sign", "9HDS9"),
                ("imo", "IMO 8898831"),
                ("mmsi", "123456789")
            ]
        );
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "vessel_type" && a.value == "Crude Oil Tanker"));
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "grt" && a.value == "56068"));
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Registration && c.name == "Iran"));
    }

    #[test]
    fn ids_labels_are_classified() {
        let id = |s: &str| classify(s);
        assert_eq!(id("Passport"), Some(Label::Id("passport".into())));
        assert_eq!(
            id("Digital Currency Address - XBT"),
            Some(Label::Id("crypto:XBT".into()))
        );
        assert_eq!(id("Tax ID No."), Some(Label::Id("tax_id".into())));
        assert_eq!(id("Cedula No."), Some(Label::Id("national_id".into())));
        assert_eq!(id("SWIFT/BIC"), Some(Label::Id("bic".into())));
        assert_eq!(
            id("Aircraft Manufacturer's Serial Number (MSN)"),
            Some(Label::Id("aircraft_serial".into()))
        );
        assert_eq!(
            id("Additional Sanctions Information -"),
            Some(Label::Attribute("additional_sanctions_information".into()))
        );
        assert_eq!(
            id("Nationality of Registration"),
            Some(Label::Country(CountryRole::Registration))
        );
        assert_eq!(id("RIF #"), Some(Label::Id("tax_id".into())));
        assert_eq!(id("C.U.I.P."), Some(Label::Id("national_id".into())));
        assert_eq!(
            id("Folio Mercantil No."),
            Some(Label::Id("registration".into()))
        );
        assert_eq!(id("ISIN"), Some(Label::Id("other".into())));
        assert_eq!(id("Male"), None);
        assert_eq!(id("IMO 8898831"), None);
    }

    #[test]
    fn repeated_header_is_skipped_with_a_warning() {
        let text = HEADER.to_string() + HEADER + &sdn_person();
        let l = read_str(&text).unwrap();
        assert_eq!(l.entities.len(), 1);
        assert!(l.warnings.iter().any(|w| w.message.contains("header")));
    }

    #[test]
    fn rows_sharing_an_id_are_merged_with_a_warning() {
        let text = HEADER.to_string()
            + &ssi_org()
            + &ssi_org().replace("RU;", "RU; Website, www.other.ru;");
        let l = read_str(&text).unwrap();
        assert_eq!(l.entities.len(), 1);
        assert!(l.entities[0].ids.iter().any(|i| i.value == "www.other.ru"));
        assert!(l.warnings.iter().any(|w| w.message.contains("merged")));
    }

    #[test]
    fn version_is_none() {
        assert_eq!(read_str(&sample()).unwrap().version, None);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let l = read_str(&format!("\u{feff}{}", sample())).unwrap();
        assert_eq!(l.entities.len(), 4);
    }

    #[test]
    fn gzip_input_reads_the_same() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(sample().as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        let l = read(&Input::from_bytes("csl.csv.gz", gz)).unwrap();
        assert_eq!(l.entities.len(), 4);
    }

    #[test]
    fn truncation_is_an_error() {
        let s = sample();
        // Inside the last quoted field.
        assert!(read_str(&s[..s.len() - 4]).is_err());
        // Between fields: too few fields.
        let cut = s.rfind("\"Vessel\"").unwrap();
        assert!(read_str(&s[..cut]).is_err());
        // A gzip stream cut short.
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(s.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert!(read(&Input::from_bytes("x.gz", gz[..gz.len() / 2].to_vec())).is_err());
    }

    #[test]
    fn a_file_without_the_header_is_refused() {
        assert!(read_str(&sdn_person()).is_err());
    }

    #[test]
    fn quote_guard_follows_csv_quoting() {
        let end_state = |s: &str| {
            let mut g = QuoteGuard::new(s.as_bytes(), b',');
            let mut out = Vec::new();
            g.read_to_end(&mut out).unwrap();
            g.in_open_quote()
        };
        assert!(!end_state("a,\"b \"\"c\"\"\",d\n"));
        assert!(end_state("a,\"b \"\"c"));
        assert!(!end_state("a,5'10\" tall,c"));
        assert!(end_state("\"x\",\"y,\nz"));
    }

    // ---- the real files -------------------------------------------------

    fn real(rel: &str) -> Option<std::path::PathBuf> {
        let p = crate::source::shared_lists_dir()?.join(rel);
        p.is_file().then_some(p)
    }

    const FULL: &str = "us-csl/2022-05-16/consolidated.csv.gz";
    const PARTIAL: &str = "us-csl/2023-11-30-partial/csl.csv";

    fn decompressed(path: &std::path::Path) -> Vec<u8> {
        let mut out = Vec::new();
        Input::file(path)
            .reader()
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// Independent count: data rows and distinct (source, `_id`) keys, by a
    /// plain csv scan.
    fn scan(bytes: &[u8]) -> (usize, usize, usize) {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut rows = 0;
        let mut headers = 0;
        let mut keys = std::collections::HashSet::new();
        for r in rdr.records() {
            let r = r.unwrap();
            if r.get(0) == Some("_id") {
                headers += 1;
                continue;
            }
            rows += 1;
            keys.insert((r[1].to_string(), r[0].to_string()));
        }
        (rows, headers, keys.len())
    }

    #[test]
    fn real_full_file_counts() {
        let Some(path) = real(FULL) else { return };
        let l = read_input(&Input::file(&path)).unwrap();
        assert_eq!(l.format, Format::UsCslCsv);
        assert_eq!(l.version, None);
        let (rows, headers, keys) = scan(&decompressed(&path));
        assert_eq!((rows, headers), (14_160, 1));
        // One CAP row (15268) is repeated, differing only in its
        // source_list_url: 14,160 rows are 14,159 entities.
        assert_eq!(keys, 14_159);
        assert_eq!(l.entities.len(), 14_159);
        assert_eq!(
            l.warnings
                .iter()
                .filter(|w| w.message.contains("merged"))
                .count(),
            1
        );
        let by_kind = |k: Kind| l.entities.iter().filter(|e| e.kind == k).count();
        assert_eq!(
            (
                by_kind(Kind::Person),
                by_kind(Kind::Vessel),
                by_kind(Kind::Aircraft)
            ),
            (5286, 433, 283)
        );
        assert_eq!(by_kind(Kind::Unknown), 3625);
    }

    #[test]
    fn real_full_file_entities() {
        let Some(path) = real(FULL) else { return };
        let l = read_input(&Input::file(&path)).unwrap();
        // A person with akas, an approximate DOB and a passport (old layout).
        let e = l
            .entities
            .iter()
            .find(|e| {
                e.ids
                    .iter()
                    .any(|i| i.kind == "passport" && i.value == "K475336")
            })
            .unwrap();
        let p = e.ids.iter().find(|i| i.value == "K475336").unwrap();
        assert_eq!(p.country.as_deref(), Some("JO"));
        assert_eq!(p.note.as_deref(), Some("2014-08-30, 2009-08-31"));
        assert!(e.links[0].entity_id.starts_with("ofac-sdn:"));
        // A range DOB.
        assert!(l.entities.iter().any(|e| e
            .dobs
            .iter()
            .any(|d| d.raw == "1969 to 1971" && d.to.is_some())));
        // A vessel with an IMO number.
        assert!(l.entities.iter().any(|e| e.kind == Kind::Vessel
            && e.ids
                .iter()
                .any(|i| i.kind == "imo" && i.value == "IMO 8898831")));
        // Rows of one OFAC number on three lists are three entities.
        for id in ["us-csl:SDN:18725", "us-csl:SSI:18725", "us-csl:CAP:18725"] {
            assert_eq!(entity(&l, id).primary_name(), "BANCO VTB AFRICA SA");
        }
        assert_eq!(
            entity(&l, "us-csl:SSI:18725").links[0].entity_id,
            "ofac-cons:18725"
        );
        // A DPL row links to the DPL entity.
        let ash = entity(&l, "us-csl:deb7a1d5743a85c354ca1a2c7f2664e2104b32d7");
        assert_eq!(ash.links[0].entity_id, dpl_id("I. ASH"));
        // Crypto addresses.
        assert!(l
            .entities
            .iter()
            .any(|e| e.ids.iter().any(|i| i.kind == "crypto:XBT")));
        // Every DOB that did not parse is warned about.
        let unparsed = l
            .entities
            .iter()
            .flat_map(|e| &e.dobs)
            .filter(|d| d.date.is_none())
            .count();
        assert!(
            l.warnings
                .iter()
                .filter(|w| w.message.contains("date of birth"))
                .count()
                >= unparsed
        );
    }

    #[test]
    fn real_partial_file_is_truncated_and_refused() {
        let Some(path) = real(PARTIAL) else { return };
        let err = read_input(&Input::file(&path)).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }

    #[test]
    fn real_partial_file_up_to_its_last_complete_record() {
        let Some(path) = real(PARTIAL) else { return };
        let bytes = std::fs::read(&path).unwrap();
        // The file stops in the middle of its last record: keep what comes
        // before that record's line.
        let cut = bytes.iter().rposition(|&b| b == b'\n').unwrap() + 1;
        let complete = &bytes[..cut];
        let l = parse_bytes(Format::UsCslCsv, complete).unwrap();
        let (rows, headers, keys) = scan(complete);
        assert_eq!((rows, headers), (4_226, 2));
        assert_eq!(keys, 4_226);
        assert_eq!(l.entities.len(), 4_226);
        assert_eq!(
            l.warnings
                .iter()
                .filter(|w| w.message.contains("repeated header"))
                .count(),
            1
        );
        // The newer ids layout: type first.
        let e = entity(&l, "us-csl:CMIC:30882");
        let uscc = &e.ids[0];
        assert_eq!(
            (
                uscc.kind.as_str(),
                uscc.value.as_str(),
                uscc.country.as_deref()
            ),
            ("registration", "9111000071093019X7", Some("CN"))
        );
        assert_eq!(e.links[0].entity_id, "ofac-cons:30882");
    }

    #[test]
    fn truncated_real_files_are_errors_never_a_panic() {
        let Some(path) = real(FULL) else { return };
        let raw = std::fs::read(&path).unwrap();
        let plain = decompressed(&path);
        for pct in [10, 50, 90] {
            // Cut in the compressed stream.
            let cut = raw.len() * pct / 100;
            assert!(parse_bytes(Format::UsCslCsv, &raw[..cut]).is_err());
            // Cut in the plain text, mid-line.
            let cut = plain.len() * pct / 100;
            let cut = if plain[cut - 1] == b'\n' {
                cut + 3
            } else {
                cut
            };
            assert!(
                parse_bytes(Format::UsCslCsv, &plain[..cut]).is_err(),
                "plain cut at {pct}% accepted"
            );
        }
    }

    #[test]
    fn random_bytes_are_an_error_not_a_panic() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for len in [1usize, 9, 300, 10_000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 32) as u8
                })
                .collect();
            assert!(parse_bytes(Format::UsCslCsv, &bytes).is_err());
        }
        // Random bytes after a valid header: no panic (an error or a list).
        let mut text = HEADER.as_bytes().to_vec();
        text.extend((0..2000).map(|i| (i * 37 % 251) as u8));
        let _ = parse_bytes(Format::UsCslCsv, &text);
    }

    #[test]
    fn parse_time_of_real_files() {
        let Some(path) = real(FULL) else { return };
        let t = std::time::Instant::now();
        let l = read_input(&Input::file(&path)).unwrap();
        eprintln!("{FULL}: {} entities in {:?}", l.entities.len(), t.elapsed());
        let Some(path) = real(PARTIAL) else { return };
        let t = std::time::Instant::now();
        let _ = read_input(&Input::file(&path));
        eprintln!(
            "{PARTIAL}: read (to its truncation error) in {:?}",
            t.elapsed()
        );
    }
}
