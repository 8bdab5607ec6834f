//! OpenSanctions FollowTheMoney (FtM) entities, as JSON lines.
//!
//! Each line is one record, in either of two shapes:
//! - a plain entity: `{"id", "schema", "caption", "properties": {prop:
//!   [values]}, "datasets", "referents", "first_seen", "last_seen",
//!   "last_change", "target"}` (an export such as `entities.ftm.json`);
//! - a delta operation: `{"op": "ADD"|"MOD"|"DEL", "entity": {…}}` (the
//!   OpenSanctions delta protocol). A `DEL` carries only the entity id.
//!
//! Lines are applied in order: `ADD`/`MOD` (and plain lines) put the entity
//! in, a later line with the same id replaces the earlier one (no duplicate
//! ids), `DEL` takes it out. `DEL` operations are delistings relative to an
//! earlier state that this file does not hold, so they are not entities of
//! the list: they are counted in one warning.
//!
//! Parties only: schemata `Person` (person), `Organization`, `Company`,
//! `PublicBody` (organisation; `PublicBody` is an FtM subtype of
//! `Organization`), `LegalEntity` (unknown — FtM uses it where the source
//! does not say whether a person or a company is meant), `Vessel`,
//! `Airplane` (aircraft). Other schemata are not entities of the list; those
//! that describe a party are folded into it: a `Sanction` (`entity` → the
//! party) gives its `program`s to the party's programs and its authority,
//! dates and reason as attributes; an `Identification`/`Passport` (`holder`)
//! gives an identifier; an `Address` named by a party's `addressEntity` gives
//! an address. The rest (`Ownership`, `UnknownLink`, …) are skipped and
//! counted in one warning. Nested entities (property values that are
//! objects, as in `targets.nested.json`) are folded in the same way.
//!
//! Properties of a party:
//! - `name` → the primary name is the `caption` when it is one of the names,
//!   else the first name; the other names are aka. `alias`, `abbreviation`
//!   → aka; `weakAlias` → weak aka; `previousName`, `pastNames` → fka. Names
//!   in other scripts are further names (their script is detected).
//! - `firstName`/`lastName` → given/family of the primary name when there is
//!   exactly one of each and the primary name holds both; all name parts
//!   (`firstName`, `lastName`, `middleName`, `secondName`, `fatherName`,
//!   `motherName`, `nameSuffix`) are also kept as attributes
//!   (`first_name`, …).
//! - `birthDate` (and `incorporationDate` of organisations) → DOBs.
//! - `nationality`, `citizenship`, `birthCountry` → countries with those
//!   roles; `jurisdiction`, `flag` → registration; `mainCountry` → location;
//!   `country` → other. FtM writes ISO codes in lower case: the code is kept
//!   as written in `name` and upper-cased in `code` (not for FtM's
//!   non-country codes such as `eu`, `zz`, `suhh`).
//! - `address` → addresses; `birthPlace` → attribute `place_of_birth`.
//! - identifiers: `passportNumber` (passport), `idNumber` (national_id for a
//!   person, registration otherwise), `taxNumber`, `innCode`, `vatCode`
//!   (tax_id), `registrationNumber`, `ogrnCode`, `okpoCode`, `dunsCode`
//!   (registration; an airplane's `registrationNumber` is its tail number),
//!   `imoNumber`, `mmsi`, `callSign`, `swiftBic` (bic), `email`, `website`,
//!   `phone`, `serialNumber` (aircraft_serial), other codes (`leiCode`,
//!   `kppCode`, …) → other; the property name is the `raw_type`.
//! - `notes`, `description`, `summary` → remarks; `topics` → attribute
//!   `topic`; every other property → an attribute named after it in
//!   snake_case (`gender`, `position`, `title`, `source_url`, …).
//! - `datasets` → attributes `dataset`; `referents` → attributes `referent`,
//!   and links where a referent names an entry of a list this engine reads
//!   (`ofac-<n>` → `ofac-sdn:<n>` / `ofac-cons:<n>` by the entity's OFAC
//!   datasets, `gb-hmt-<n>` → `uk-ofsi:<n>`); `first_seen`, `last_change`,
//!   `target` → attributes. `last_seen` is left out: it moves on every crawl
//!   without any change to the entry.
//!
//! Version: the file states none → `None` (the newest `last_change` is a
//! property of the entries, not a publication date, and a delta file is not
//! a whole list).
//!
//! Errors: a line that is not a JSON object (a truncated last line
//! included) or an `ADD`/`MOD` without `id` or `schema` is an error naming
//! the line. A cut exactly between two lines cannot be seen.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use serde_json::{Map, Value};

use super::dates::{self, SlashOrder};
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{
    collapse_ws, list_ids, Address, CountryRole, Entity, Identifier, Kind, Name, NameStrength,
};

/// Reads the list.
pub fn read(input: &Input) -> Result<ParsedList> {
    let mut list = ParsedList::new(
        list_ids::OPENSANCTIONS,
        Format::OpenSanctionsJson,
        input.path(),
    );
    let mut reader = input.reader()?;

    // id → (order of first appearance, entity object)
    let mut kept: HashMap<String, (usize, Map<String, Value>)> = HashMap::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut dels = 0usize;
    let mut order = 0usize;
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| {
            Error::malformed(format!(
                "reading failed: {e} (a truncated or corrupt compressed file?)"
            ))
            .at(line_no + 1)
        })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let mut text = buf.as_slice();
        if line_no == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        let text = text.trim_ascii();
        if text.is_empty() {
            continue;
        }
        let value: Value = serde_json::from_slice(text).map_err(|e| {
            Error::malformed(format!(
                "line is not valid JSON ({e}): the file is malformed or truncated"
            ))
            .at(line_no)
        })?;
        let Value::Object(mut obj) = value else {
            return Err(Error::malformed("line is not a JSON object").at(line_no));
        };
        let (op, entity) = match obj.remove("op") {
            None => ("ADD".to_string(), obj),
            Some(Value::String(op)) => match obj.remove("entity") {
                Some(Value::Object(e)) => (op, e),
                _ => {
                    return Err(Error::malformed(format!(
                        "{op} operation without an \"entity\" object"
                    ))
                    .at(line_no))
                }
            },
            Some(_) => {
                return Err(Error::malformed("\"op\" is not a string").at(line_no));
            }
        };
        let id = match entity.get("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            _ => return Err(Error::malformed("entity without an \"id\"").at(line_no)),
        };
        match op.as_str() {
            "DEL" => {
                dels += 1;
                kept.remove(&id);
            }
            "ADD" | "MOD" => {
                let schema = match entity.get("schema") {
                    Some(Value::String(s)) if !s.is_empty() => s.clone(),
                    _ => {
                        return Err(
                            Error::malformed(format!("entity {id} without a \"schema\""))
                                .at(line_no),
                        )
                    }
                };
                if is_party(&schema) || is_folded(&schema) {
                    let pos = kept.get(&id).map(|(p, _)| *p).unwrap_or_else(|| {
                        order += 1;
                        order
                    });
                    kept.insert(id, (pos, entity));
                } else {
                    kept.remove(&id);
                    *skipped.entry(schema).or_default() += 1;
                }
            }
            other => {
                return Err(Error::malformed(format!(
                    "unknown operation {other:?} (expected ADD, MOD or DEL)"
                ))
                .at(line_no))
            }
        }
    }

    // Index the entities that are folded into parties.
    let mut by_party: HashMap<&str, Vec<&Map<String, Value>>> = HashMap::new();
    for (_, e) in kept.values() {
        let schema = str_of(e, "schema");
        let refs_key = match schema {
            "Sanction" => "entity",
            "Identification" | "Passport" => "holder",
            _ => continue,
        };
        for target in prop_strs(e, refs_key) {
            by_party.entry(target).or_default().push(e);
        }
    }
    let mut parties: Vec<(usize, &str, &Map<String, Value>)> = kept
        .iter()
        .filter(|(_, (_, e))| is_party(str_of(e, "schema")))
        .map(|(id, (pos, e))| (*pos, id.as_str(), e))
        .collect();
    parties.sort_by_key(|(pos, _, _)| *pos);

    let mut entities = Vec::with_capacity(parties.len());
    let mut nameless = 0usize;
    let mut warnings = Vec::new();
    for (_, id, e) in parties {
        let folded = by_party.get(id).map(Vec::as_slice).unwrap_or(&[]);
        match party(id, e, folded, &kept, &mut warnings) {
            Some(ent) => entities.push(ent),
            None => nameless += 1,
        }
    }
    for w in warnings {
        list.warn(None, None, w);
    }
    if nameless > 0 {
        list.warn(
            None,
            None,
            format!("{nameless} parties without any name skipped (nothing to screen against)"),
        );
    }
    if dels > 0 {
        list.warn(
            None,
            None,
            format!("{dels} DEL operations (delistings) not represented as entities"),
        );
    }
    let folded: usize = kept
        .values()
        .filter(|(_, e)| is_folded(str_of(e, "schema")))
        .count();
    if folded > 0 || !skipped.is_empty() {
        let mut parts: Vec<String> = Vec::new();
        if folded > 0 {
            parts.push(format!(
                "{folded} Sanction/Identification/Passport/Address records folded into the parties they name"
            ));
        }
        if !skipped.is_empty() {
            let kinds: Vec<String> = skipped.iter().map(|(s, n)| format!("{s} {n}")).collect();
            parts.push(format!(
                "{} records of other schemata skipped ({})",
                skipped.values().sum::<usize>(),
                kinds.join(", ")
            ));
        }
        list.warn(
            None,
            None,
            format!("non-party records: {}", parts.join("; ")),
        );
    }
    list.entities = entities;
    Ok(list)
}

/// Schemata that are entities of the list, and their kinds.
fn party_kind(schema: &str) -> Option<Kind> {
    Some(match schema {
        "Person" => Kind::Person,
        "Organization" | "Company" | "PublicBody" => Kind::Organization,
        "LegalEntity" => Kind::Unknown,
        "Vessel" => Kind::Vessel,
        "Airplane" => Kind::Aircraft,
        _ => return None,
    })
}

fn is_party(schema: &str) -> bool {
    party_kind(schema).is_some()
}

/// Schemata whose records are folded into the party they name.
fn is_folded(schema: &str) -> bool {
    matches!(
        schema,
        "Sanction" | "Identification" | "Passport" | "Address"
    )
}

fn str_of<'a>(e: &'a Map<String, Value>, key: &str) -> &'a str {
    e.get(key).and_then(Value::as_str).unwrap_or("")
}

fn props(e: &Map<String, Value>) -> Option<&Map<String, Value>> {
    e.get("properties").and_then(Value::as_object)
}

/// The string values of a property (a single string is accepted too).
fn prop_strs<'a>(e: &'a Map<String, Value>, key: &str) -> Vec<&'a str> {
    match props(e).and_then(|p| p.get(key)) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim()],
        _ => Vec::new(),
    }
}

/// The nested entity objects among a property's values.
fn prop_objects<'a>(e: &'a Map<String, Value>, key: &str) -> Vec<&'a Map<String, Value>> {
    match props(e).and_then(|p| p.get(key)) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(o)) => vec![o],
        _ => Vec::new(),
    }
}

/// Top-level string list (`datasets`, `referents`).
fn top_strs<'a>(e: &'a Map<String, Value>, key: &str) -> Vec<&'a str> {
    match e.get(key) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Properties with a field of their own (not made into attributes).
const HANDLED: &[&str] = &[
    "name",
    "alias",
    "abbreviation",
    "weakAlias",
    "previousName",
    "pastNames",
    "birthDate",
    "incorporationDate",
    "nationality",
    "citizenship",
    "birthCountry",
    "jurisdiction",
    "flag",
    "mainCountry",
    "country",
    "address",
    "addressEntity",
    "birthPlace",
    "notes",
    "description",
    "summary",
    "topics",
];

/// Identifier properties and their canonical kinds.
fn id_kind(prop: &str, kind: Kind) -> Option<&'static str> {
    Some(match prop {
        "passportNumber" => "passport",
        "idNumber" if kind == Kind::Person => "national_id",
        "idNumber" => "registration",
        "taxNumber" | "innCode" | "vatCode" => "tax_id",
        "registrationNumber" if kind == Kind::Aircraft => "aircraft_tail",
        "registrationNumber" | "ogrnCode" | "okpoCode" | "dunsCode" => "registration",
        "imoNumber" => "imo",
        "mmsi" => "mmsi",
        "callSign" => "call_sign",
        "swiftBic" => "bic",
        "email" => "email",
        "website" => "website",
        "phone" => "phone",
        "serialNumber" => "aircraft_serial",
        "leiCode" | "kppCode" | "npiCode" | "bikCode" | "uniqueEntityId" | "icaoCode"
        | "cageCode" | "permId" | "ricCode" | "isinCode" | "voxCode" => "other",
        _ => return None,
    })
}

/// The attribute key of a property: a few names shared with the other
/// readers, else the property name in snake_case.
fn attribute_key(prop: &str, kind: Kind) -> String {
    match prop {
        "type" if kind == Kind::Vessel => "vessel_type".into(),
        "type" if kind == Kind::Aircraft => "aircraft_type".into(),
        "grossRegisteredTonnage" => "grt".into(),
        "owner" if kind == Kind::Vessel => "vessel_owner".into(),
        _ => snake(prop),
    }
}

/// `camelCase` → `snake_case`.
fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for ch in s.chars() {
        if ch.is_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// FtM country code → ISO 3166-1 alpha-2 (upper case), where it is one.
fn iso_code(code: &str) -> Option<String> {
    let c = code.trim();
    (c.len() == 2
        && c.bytes().all(|b| b.is_ascii_alphabetic())
        && !matches!(c, "eu" | "zz" | "EU" | "ZZ"))
    .then(|| c.to_ascii_uppercase())
}

fn add_id(e: &mut Entity, kind: &str, value: &str, raw_type: &str, country: Option<&str>) {
    let value = collapse_ws(value);
    if value.is_empty() {
        return;
    }
    let id = Identifier {
        kind: kind.to_string(),
        value,
        raw_type: Some(raw_type.to_string()),
        country: country.map(str::to_string),
        note: None,
    };
    if !e.ids.contains(&id) {
        e.ids.push(id);
    }
}

fn add_remark(e: &mut Entity, text: &str) {
    let t = collapse_ws(text);
    if !t.is_empty() && !e.remarks.contains(&t) {
        e.remarks.push(t);
    }
}

fn add_address(e: &mut Entity, text: &str, country: Option<&str>) {
    let text = collapse_ws(text);
    if text.is_empty() {
        return;
    }
    let a = Address {
        text,
        country: country.map(str::to_string),
    };
    if !e.addresses.iter().any(|x| x.text == a.text) {
        e.addresses.push(a);
    }
}

/// Builds one party; `None` when it has no name at all.
fn party(
    id: &str,
    e: &Map<String, Value>,
    folded: &[&Map<String, Value>],
    all: &HashMap<String, (usize, Map<String, Value>)>,
    warnings: &mut Vec<String>,
) -> Option<Entity> {
    let schema = str_of(e, "schema");
    let kind = party_kind(schema).unwrap_or(Kind::Unknown);
    let mut ent = Entity::new(list_ids::OPENSANCTIONS, id, kind);

    // Names.
    let names = prop_strs(e, "name");
    let caption = collapse_ws(str_of(e, "caption"));
    let primary = names
        .iter()
        .map(|n| collapse_ws(n))
        .find(|n| !caption.is_empty() && *n == caption)
        .or_else(|| names.first().map(|n| collapse_ws(n)))
        .or_else(|| (!caption.is_empty()).then(|| caption.clone()))?;
    let mut first = scripted(&primary, NameStrength::Primary);
    let (given, family) = (prop_strs(e, "firstName"), prop_strs(e, "lastName"));
    if let ([g], [f]) = (given.as_slice(), family.as_slice()) {
        let lower = primary.to_lowercase();
        if lower.contains(&g.to_lowercase()) && lower.contains(&f.to_lowercase()) {
            first.given = Some(collapse_ws(g));
            first.family = Some(collapse_ws(f));
        }
    }
    ent.add_name(first);
    for (prop, strength) in [
        ("name", NameStrength::Aka),
        ("alias", NameStrength::Aka),
        ("abbreviation", NameStrength::Aka),
        ("weakAlias", NameStrength::WeakAka),
        ("previousName", NameStrength::Fka),
        ("pastNames", NameStrength::Fka),
    ] {
        for n in prop_strs(e, prop) {
            ent.add_name(scripted(n, strength));
        }
    }

    // Dates of birth (or of incorporation).
    let mut date_props = vec!["birthDate"];
    if kind != Kind::Person {
        date_props.push("incorporationDate");
    }
    for prop in date_props {
        for d in prop_strs(e, prop) {
            let dob = dates::parse_dob(d, SlashOrder::Dmy);
            if dob.date.is_none() {
                warnings.push(format!(
                    "{id}: {prop} {d:?} not understood: kept as written"
                ));
            }
            if !ent.dobs.contains(&dob) {
                ent.dobs.push(dob);
            }
        }
    }

    // Countries.
    for (prop, role) in [
        ("nationality", CountryRole::Nationality),
        ("citizenship", CountryRole::Citizenship),
        ("birthCountry", CountryRole::Birth),
        ("jurisdiction", CountryRole::Registration),
        ("flag", CountryRole::Registration),
        ("mainCountry", CountryRole::Location),
        ("country", CountryRole::Other),
    ] {
        for c in prop_strs(e, prop) {
            ent.add_country(role, c, iso_code(c).as_deref());
        }
    }

    // Addresses, places.
    for a in prop_strs(e, "address") {
        add_address(&mut ent, a, None);
    }
    for r in prop_strs(e, "addressEntity") {
        if let Some((_, a)) = all.get(r) {
            fold_address(&mut ent, a);
        }
    }
    for a in prop_objects(e, "addressEntity") {
        fold_address(&mut ent, a);
    }
    for p in prop_strs(e, "birthPlace") {
        ent.add_attribute("place_of_birth", p);
    }

    // Remarks and topics.
    for prop in ["notes", "description", "summary"] {
        for t in prop_strs(e, prop) {
            add_remark(&mut ent, t);
        }
    }
    for t in prop_strs(e, "topics") {
        ent.add_attribute("topic", t);
    }

    // Identifiers and every other property.
    if let Some(p) = props(e) {
        let mut keys: Vec<&String> = p.keys().collect();
        keys.sort();
        for key in keys {
            if HANDLED.contains(&key.as_str()) {
                continue;
            }
            for v in prop_strs(e, key) {
                match id_kind(key, kind) {
                    Some(k) => add_id(&mut ent, k, v, key, None),
                    None => ent.add_attribute(&attribute_key(key, kind), v),
                }
            }
            // Nested records (targets.nested.json).
            for obj in prop_objects(e, key) {
                fold(&mut ent, obj);
            }
        }
    }

    // Records that name this party.
    for f in folded {
        fold(&mut ent, f);
    }

    // Record-level fields.
    let datasets = top_strs(e, "datasets");
    for d in &datasets {
        ent.add_attribute("dataset", d);
    }
    let mut referents = top_strs(e, "referents");
    referents.push(id);
    for r in &referents {
        if *r != id {
            ent.add_attribute("referent", r);
        }
        if let Some(n) = r.strip_prefix("ofac-").filter(|n| is_number(n)) {
            if datasets.contains(&"us_ofac_sdn") {
                ent.add_link(format!("{}:{n}", list_ids::OFAC_SDN));
            }
            if datasets.contains(&"us_ofac_cons") {
                ent.add_link(format!("{}:{n}", list_ids::OFAC_CONS));
            }
        }
        if let Some(n) = r.strip_prefix("gb-hmt-").filter(|n| is_number(n)) {
            ent.add_link(format!("{}:{n}", list_ids::UK_OFSI));
        }
    }
    for key in ["first_seen", "last_change"] {
        ent.add_attribute(key, str_of(e, key));
    }
    if let Some(t) = e.get("target").and_then(Value::as_bool) {
        ent.add_attribute("target", if t { "true" } else { "false" });
    }
    Some(ent)
}

/// A name with its script detected from its letters (FtM does not state it).
fn scripted(text: &str, strength: NameStrength) -> Name {
    let mut n = Name::new(text, strength);
    n.script = crate::normalize::script::detect(&n.full).map(str::to_string);
    n
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Folds a Sanction, Identification/Passport or Address record into a party.
fn fold(ent: &mut Entity, rec: &Map<String, Value>) {
    match str_of(rec, "schema") {
        "Sanction" => {
            for p in prop_strs(rec, "program") {
                let p = collapse_ws(p);
                if !ent.programs.contains(&p) {
                    ent.programs.push(p);
                }
            }
            for (prop, key) in [
                ("authority", "sanction_authority"),
                ("startDate", "sanction_start_date"),
                ("endDate", "sanction_end_date"),
                ("listingDate", "listing_date"),
                ("reason", "sanction_reason"),
                ("provisions", "sanction_provisions"),
                ("status", "sanction_status"),
                ("duration", "sanction_duration"),
                ("authorityId", "sanction_authority_id"),
                ("date", "sanction_date"),
                ("description", "sanction_description"),
                ("summary", "sanction_summary"),
            ] {
                for v in prop_strs(rec, prop) {
                    ent.add_attribute(key, v);
                }
            }
            for r in prop_strs(rec, "unscId") {
                ent.add_link(format!("{}:{r}", list_ids::UN_SC));
            }
        }
        "Identification" | "Passport" => {
            let ty = prop_strs(rec, "type");
            let raw_type = ty.first().copied().unwrap_or(str_of(rec, "schema"));
            let kind = if str_of(rec, "schema") == "Passport"
                || raw_type.to_lowercase().contains("passport")
            {
                "passport"
            } else {
                "national_id"
            };
            let country = prop_strs(rec, "country").first().map(|c| c.to_string());
            for n in prop_strs(rec, "number") {
                add_id(ent, kind, n, raw_type, country.as_deref());
            }
        }
        "Address" => fold_address(ent, rec),
        _ => {}
    }
}

fn fold_address(ent: &mut Entity, rec: &Map<String, Value>) {
    let country = prop_strs(rec, "country").first().map(|c| c.to_string());
    let full = prop_strs(rec, "full");
    let text = full
        .first()
        .map(|s| s.to_string())
        .unwrap_or_else(|| collapse_ws(str_of(rec, "caption")));
    add_address(ent, &text, country.as_deref());
    if let Some(c) = &country {
        ent.add_country(CountryRole::Location, c, iso_code(c).as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{parse_bytes, read_input, Format};

    fn read_str(text: &str) -> Result<ParsedList> {
        read(&Input::from_bytes(
            "entities.json",
            text.as_bytes().to_vec(),
        ))
    }

    const PERSON: &str = r#"{"op":"ADD","entity":{"id":"NK-1","caption":"Ahmed Shah","schema":"Person","properties":{"name":["AHMED SHAH","Ahmed Shah","أحمد شاه"],"alias":["Haji Ahmad"],"weakAlias":["Shah"],"previousName":["Ahmad Noorzai"],"firstName":["Ahmed"],"lastName":["Shah"],"fatherName":["Obaidullah"],"birthDate":["1960","1961-05-02"],"nationality":["pk"],"country":["eu"],"passportNumber":["NC5140251"],"idNumber":["5440122880259"],"gender":["male"],"position":["Money changer"],"notes":["Owns a money exchange."],"topics":["sanction"],"address":["Quetta, Pakistan"],"addressEntity":["addr-1"]},"datasets":["us_ofac_sdn","gb_hmt_sanctions"],"referents":["ofac-8759","gb-hmt-8441","unsc-113966"],"first_seen":"2022-01-01T00:00:00","last_seen":"2024-05-30T00:00:00","last_change":"2024-05-28T00:00:00","target":true}}"#;
    const SANCTION: &str = r#"{"op":"MOD","entity":{"id":"s-1","caption":"DTTOT","schema":"Sanction","properties":{"entity":["NK-1"],"program":["DTTOT"],"authority":["PPATK"]}}}"#;
    const ADDRESS: &str = r#"{"op":"ADD","entity":{"id":"addr-1","caption":"Chaman","schema":"Address","properties":{"full":["Chaman, Pakistan"],"country":["pk"]}}}"#;
    const ORG: &str = r#"{"id":"NK-2","caption":"Lockheed Martin Corporation","schema":"Company","properties":{"name":["Lockheed Martin Corporation"],"alias":["洛克希德·马丁公司"],"country":["us"],"registrationNumber":["123"],"incorporationDate":["1995"]}}"#;
    const VESSEL: &str = r#"{"op":"ADD","entity":{"id":"NK-3","caption":"SEA STAR","schema":"Vessel","properties":{"name":["SEA STAR"],"pastNames":["OCEAN QUEEN"],"imoNumber":["9187629"],"flag":["ir"],"type":["Crude Oil Tanker"]}}}"#;
    const LEGAL: &str = r#"{"op":"ADD","entity":{"id":"ir-1","caption":"HENSOLDT","schema":"LegalEntity","properties":{"name":["HENSOLDT"]}}}"#;
    const DEL: &str = r#"{"op":"DEL","entity":{"id":"NK-9"}}"#;
    const LINK: &str = r#"{"op":"ADD","entity":{"id":"own-1","schema":"Ownership","properties":{"owner":["NK-1"],"asset":["NK-2"]}}}"#;

    fn sample() -> String {
        [PERSON, SANCTION, ADDRESS, ORG, VESSEL, LEGAL, DEL, LINK].join("\n") + "\n"
    }

    fn entity<'a>(l: &'a ParsedList, id: &str) -> &'a Entity {
        l.entities.iter().find(|e| e.id == id).unwrap()
    }

    #[test]
    fn only_parties_become_entities_with_their_kinds() {
        let l = read_str(&sample()).unwrap();
        let got: Vec<(&str, Kind)> = l.entities.iter().map(|e| (e.id.as_str(), e.kind)).collect();
        assert_eq!(
            got,
            [
                ("opensanctions:NK-1", Kind::Person),
                ("opensanctions:NK-2", Kind::Organization),
                ("opensanctions:NK-3", Kind::Vessel),
                ("opensanctions:ir-1", Kind::Unknown),
            ]
        );
    }

    #[test]
    fn caption_is_the_primary_name_and_the_others_keep_their_strength() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "opensanctions:NK-1");
        let names: Vec<(&str, NameStrength)> = e
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.strength))
            .collect();
        assert_eq!(
            names,
            [
                ("Ahmed Shah", NameStrength::Primary),
                ("AHMED SHAH", NameStrength::Aka),
                ("أحمد شاه", NameStrength::Aka),
                ("Haji Ahmad", NameStrength::Aka),
                ("Shah", NameStrength::WeakAka),
                ("Ahmad Noorzai", NameStrength::Fka),
            ]
        );
        assert_eq!(e.names[0].given.as_deref(), Some("Ahmed"));
        assert_eq!(e.names[0].family.as_deref(), Some("Shah"));
        assert_eq!(e.names[2].script.as_deref(), Some("Arabic"));
    }

    #[test]
    fn dates_countries_and_identifiers() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "opensanctions:NK-1");
        let dobs: Vec<String> = e.dobs.iter().map(|d| d.date.unwrap().to_string()).collect();
        assert_eq!(dobs, ["1960", "1961-05-02"]);
        let pk = e
            .countries
            .iter()
            .find(|c| c.role == CountryRole::Nationality)
            .unwrap();
        assert_eq!((pk.name.as_str(), pk.code.as_deref()), ("pk", Some("PK")));
        let eu = e.countries.iter().find(|c| c.name == "eu").unwrap();
        assert_eq!((eu.role, eu.code.as_deref()), (CountryRole::Other, None));
        let ids: Vec<(&str, &str)> = e
            .ids
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str()))
            .collect();
        assert_eq!(
            ids,
            [("national_id", "5440122880259"), ("passport", "NC5140251")]
        );
        assert_eq!(e.ids[1].raw_type.as_deref(), Some("passportNumber"));
    }

    #[test]
    fn attributes_remarks_and_topics() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "opensanctions:NK-1");
        let has = |k: &str, v: &str| e.attributes.iter().any(|a| a.key == k && a.value == v);
        assert!(has("gender", "male"));
        assert!(has("position", "Money changer"));
        assert!(has("father_name", "Obaidullah"));
        assert!(has("topic", "sanction"));
        assert!(has("dataset", "gb_hmt_sanctions"));
        assert!(has("referent", "unsc-113966"));
        assert!(has("target", "true"));
        assert!(!e.attributes.iter().any(|a| a.key == "last_seen"));
        assert_eq!(e.remarks, ["Owns a money exchange."]);
    }

    #[test]
    fn sanctions_and_address_records_are_folded_into_their_party() {
        let l = read_str(&sample()).unwrap();
        let e = entity(&l, "opensanctions:NK-1");
        assert_eq!(e.programs, ["DTTOT"]);
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "sanction_authority" && a.value == "PPATK"));
        let texts: Vec<&str> = e.addresses.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["Quetta, Pakistan", "Chaman, Pakistan"]);
    }

    #[test]
    fn referents_link_to_the_lists_this_engine_reads() {
        let l = read_str(&sample()).unwrap();
        let links: Vec<&str> = entity(&l, "opensanctions:NK-1")
            .links
            .iter()
            .map(|l| l.entity_id.as_str())
            .collect();
        assert_eq!(links, ["ofac-sdn:8759", "uk-ofsi:8441"]);
    }

    #[test]
    fn organisations_and_vessels() {
        let l = read_str(&sample()).unwrap();
        let o = entity(&l, "opensanctions:NK-2");
        assert_eq!(o.names[1].script.as_deref(), Some("Han"));
        assert_eq!(o.dobs[0].raw, "1995");
        assert_eq!(o.ids[0].kind, "registration");
        let v = entity(&l, "opensanctions:NK-3");
        assert_eq!(v.ids[0].kind, "imo");
        assert_eq!(v.names[1].strength, NameStrength::Fka);
        assert!(v
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Registration && c.code.as_deref() == Some("IR")));
    }

    #[test]
    fn dels_and_skipped_schemata_are_counted_in_warnings() {
        let l = read_str(&sample()).unwrap();
        assert!(l
            .warnings
            .iter()
            .any(|w| w.message == "1 DEL operations (delistings) not represented as entities"));
        assert!(l.warnings.iter().any(|w| w.message.contains("Ownership 1")));
    }

    #[test]
    fn a_later_line_replaces_an_earlier_one_and_del_removes() {
        let modded = LEGAL
            .replace("\"ADD\"", "\"MOD\"")
            .replace("[\"HENSOLDT\"]", "[\"HENSOLDT AG\"]");
        let text = [LEGAL, VESSEL, &modded].join("\n");
        let l = read_str(&text).unwrap();
        assert_eq!(l.entities.len(), 2);
        assert_eq!(l.entities[0].names[0].full, "HENSOLDT AG");
        let del_vessel = r#"{"op":"DEL","entity":{"id":"NK-3"}}"#;
        let l = read_str(&[LEGAL, VESSEL, del_vessel].join("\n")).unwrap();
        assert_eq!(l.entities.len(), 1);
    }

    #[test]
    fn version_is_none() {
        assert_eq!(read_str(&sample()).unwrap().version, None);
    }

    #[test]
    fn malformed_lines_are_errors_with_their_line_number() {
        let text = [PERSON, "{not json", ORG].join("\n");
        let err = read_str(&text).unwrap_err();
        assert_eq!(err.line(), Some(2));
        let truncated = &sample()[..sample().len() / 2];
        assert!(read_str(truncated).is_err());
        assert!(read_str(r#"{"op":"ADD","entity":{"id":"x"}}"#).is_err());
        assert!(read_str(r#"{"op":"FOO","entity":{"id":"x","schema":"Person"}}"#).is_err());
        assert!(read_str("[1,2]").is_err());
    }

    // ---- the real file ---------------------------------------------------

    const DELTA: &str = "opensanctions/yente-fixture-2024-07/entities.delta.json";

    fn real() -> Option<std::path::PathBuf> {
        let p = crate::source::shared_lists_dir()?.join(DELTA);
        p.is_file().then_some(p)
    }

    /// Independent count with plain serde_json: the last ADD/MOD of each id
    /// whose schema is a party, minus ids deleted afterwards.
    fn independent_party_count(text: &str) -> (usize, usize, usize) {
        let mut state: HashMap<String, Option<String>> = HashMap::new();
        let (mut lines, mut dels) = (0, 0);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            lines += 1;
            let v: Value = serde_json::from_str(line).unwrap();
            let e = &v["entity"];
            let id = e["id"].as_str().unwrap().to_string();
            if v["op"] == "DEL" {
                dels += 1;
                state.insert(id, None);
            } else {
                state.insert(id, e["schema"].as_str().map(str::to_string));
            }
        }
        let parties = state
            .values()
            .flatten()
            .filter(|s| {
                matches!(
                    s.as_str(),
                    "Person" | "Organization" | "Company" | "LegalEntity" | "Vessel" | "Airplane"
                )
            })
            .count();
        (lines, dels, parties)
    }

    #[test]
    fn real_delta_file_counts() {
        let Some(path) = real() else { return };
        let l = read_input(&Input::file(&path)).unwrap();
        assert_eq!(l.format, Format::OpenSanctionsJson);
        assert_eq!(l.version, None);
        let text = std::fs::read_to_string(&path).unwrap();
        let (lines, dels, parties) = independent_party_count(&text);
        assert_eq!((lines, dels), (1_700, 571));
        // Person 451 + Organization 97 + LegalEntity 27 + Company 1.
        assert_eq!(parties, 576);
        assert_eq!(l.entities.len(), 576);
        let by_kind = |k: Kind| l.entities.iter().filter(|e| e.kind == k).count();
        assert_eq!(
            (
                by_kind(Kind::Person),
                by_kind(Kind::Organization),
                by_kind(Kind::Unknown)
            ),
            (451, 98, 27)
        );
        assert!(l
            .warnings
            .iter()
            .any(|w| w.message == "571 DEL operations (delistings) not represented as entities"));
    }

    #[test]
    fn real_delta_file_entities() {
        let Some(path) = real() else { return };
        let l = read_input(&Input::file(&path)).unwrap();
        let e = entity(&l, "opensanctions:NK-5gNpgbdJ5D4m2iE67woWeB");
        assert_eq!(e.primary_name(), "Ahmed Shah Noorzai Obaidullah");
        assert!(e
            .names
            .iter()
            .any(|n| n.script.as_deref() == Some("Arabic")));
        assert!(e
            .names
            .iter()
            .any(|n| n.script.as_deref() == Some("Katakana")));
        assert!(e.names.iter().any(|n| n.strength == NameStrength::WeakAka));
        assert!(e.ids.iter().any(|i| i.kind == "passport"));
        let aqi = entity(&l, "opensanctions:NK-2T3S8Hu29ktYnKSTgQp2wL");
        assert_eq!(aqi.primary_name(), "AL-QAIDA IN IRAQ");
        assert_eq!(aqi.kind, Kind::Organization);
        assert!(aqi.names.len() > 50);
        let lockheed = entity(&l, "opensanctions:NK-mz7Dgcw5RGh4VRpKjKcnXB");
        assert_eq!(lockheed.primary_name(), "Lockheed Martin Corporation");
        // Programs come from the Sanction records of the file.
        assert!(l
            .entities
            .iter()
            .any(|e| e.programs.iter().any(|p| p == "DTTOT")));
        // Some parties link to their OFAC SDN entries.
        assert!(l
            .entities
            .iter()
            .any(|e| e.links.iter().any(|x| x.entity_id.starts_with("ofac-sdn:"))));
    }

    #[test]
    fn truncated_real_file_is_an_error_or_shorter_never_a_panic() {
        let Some(path) = real() else { return };
        let bytes = std::fs::read(&path).unwrap();
        let full = read_input(&Input::file(&path)).unwrap().entities.len();
        for pct in [10, 50, 90] {
            let mut cut = bytes.len() * pct / 100;
            if bytes[cut - 1] == b'\n' {
                cut += 1;
            }
            assert!(parse_bytes(Format::OpenSanctionsJson, &bytes[..cut]).is_err());
        }
        // Cut at a line boundary: a shorter list.
        let boundary = bytes[..bytes.len() / 2]
            .iter()
            .rposition(|&b| b == b'\n')
            .unwrap()
            + 1;
        if let Ok(l) = parse_bytes(Format::OpenSanctionsJson, &bytes[..boundary]) {
            assert!(l.entities.len() < full);
        }
    }

    #[test]
    fn random_bytes_are_an_error_not_a_panic() {
        let mut x: u64 = 0xD1B5_4A32_D192_ED03;
        for len in [1usize, 8, 500, 20_000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 40) as u8
                })
                .collect();
            assert!(parse_bytes(Format::OpenSanctionsJson, &bytes).is_err());
        }
    }

    #[test]
    fn parse_time_of_real_file() {
        let Some(path) = real() else { return };
        let t = std::time::Instant::now();
        let l = read_input(&Input::file(&path)).unwrap();
        eprintln!(
            "{DELTA}: {} entities in {:?}",
            l.entities.len(),
            t.elapsed()
        );
    }
}
