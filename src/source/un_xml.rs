//! UN Security Council consolidated list, XML (`CONSOLIDATED_LIST`).
//!
//! Layout: `<CONSOLIDATED_LIST dateGenerated="…">` holding
//! `INDIVIDUALS/INDIVIDUAL` (→ [`Kind::Person`]) and `ENTITIES/ENTITY`
//! (→ [`Kind::Organization`]; the list does not tell vessels apart).
//! The version is the date part (`YYYY-MM-DD`) of `dateGenerated`.
//! Entity id: `un-sc:<REFERENCE_NUMBER>` (e.g. `un-sc:QDi.001`).
//!
//! Schema variants read (all in `shared/data/lists/un-sc/`): the 2016
//! pretty-printed file with Title-case `TYPE_OF_DATE` (`Exact`,
//! `Approximately`, `Between`), the later upper-case files, and a
//! third-party re-serialisation with single-quoted attributes. Dates may
//! carry a time-zone suffix (`1960-01-01-05:00`), which is dropped.
//!
//! Field mapping:
//! - `FIRST_NAME` … `FOURTH_NAME` → primary name (parts joined with one
//!   space; a lower-case `na` part, the list's "not applicable", is
//!   skipped). The parts are *ordered* parts, not roles (Korean entries put
//!   the family name first, Arabic ones give a chain of names), so no
//!   given/family split is made.
//! - `NAME_ORIGINAL_SCRIPT` → a second primary-strength name with its
//!   detected script (a trailing `(Tigrinya)` language note becomes `lang`).
//! - `INDIVIDUAL_ALIAS` / `ENTITY_ALIAS`: `QUALITY` `Good`/`a.k.a.`/empty →
//!   Aka, `Low` → WeakAka, `f.k.a.` → Fka, `n.k.a.` → Nka. One
//!   `ALIAS_NAME` sometimes lists several names: `A; B; C` is split on the
//!   semicolons (and on `b)`-style enumerators); `LATIN (NON-LATIN)` /
//!   `NON-LATIN (LATIN; LATIN)` / `X (original script: Y)` are split into
//!   their script forms. Any other parenthesis (`Al-Qaida in Egypt (AQE)`)
//!   is kept as written. An alias `NOTE` goes to remarks; an alias's own
//!   date/place of birth goes to the entity's DOBs / place of birth.
//! - `UN_LIST_TYPE` → program; `COMMENTS1` → remark; `LISTED_ON` →
//!   attribute `listed_on`; `LAST_DAY_UPDATED/VALUE` → `last_updated`;
//!   `TITLE/VALUE` → `title`; `DESIGNATION/VALUE` → `position`; `GENDER` →
//!   `gender`; `SUBMITTED_BY`/`SUBMITTED_ON` → `submitted_by`/`submitted_on`.
//! - `NATIONALITY/VALUE` → Nationality country.
//! - `*_ADDRESS` (`STREET`, `CITY`, `STATE_PROVINCE`, `ZIP_CODE`, `NOTE`) →
//!   an address; its `COUNTRY` → the address country and a Location country.
//! - `INDIVIDUAL_DATE_OF_BIRTH` (`TYPE_OF_DATE` EXACT / APPROXIMATELY /
//!   BETWEEN, any case; `DATE`, `YEAR`, `FROM_YEAR`, `TO_YEAR`, `NOTE`) →
//!   a DOB; an unparseable one keeps its raw text and is warned about.
//! - `INDIVIDUAL_PLACE_OF_BIRTH` → attribute `place_of_birth` (all parts)
//!   and a Birth country.
//! - `INDIVIDUAL_DOCUMENT` (`TYPE_OF_DOCUMENT`, `TYPE_OF_DOCUMENT2`,
//!   `NUMBER`, `ISSUING_COUNTRY`/`COUNTRY_OF_ISSUE`, `CITY_OF_ISSUE`,
//!   `DATE_OF_ISSUE`, `NOTE`) → an identifier (passport / national_id /
//!   tax_id / other); a document without a number goes to remarks.
//! - Not kept: `DATAID`, `VERSIONNUM`, `LIST_TYPE` (always "UN List"),
//!   `SORT_KEY`, `SORT_KEY_LAST_MOD`.
//!
//! Records are streamed by the shared reader in [`super::xml`].

use super::dates::{parse_dob, SlashOrder};
use super::xml::{iso_date_prefix, read_records, XmlNode};
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{
    collapse_ws, list_ids, Address, CountryRole, DateOfBirth, Entity, Identifier, Kind, Name,
    NameStrength,
};
use crate::normalize::script;

/// Whether a text is written mostly in a non-Latin script.
fn is_non_latin(s: &str) -> bool {
    matches!(script::detect(s), Some(sc) if sc != "Latin")
}

// ---------------------------------------------------------------------------
// UN reader
// ---------------------------------------------------------------------------

/// Reads the UN Security Council consolidated XML.
pub fn read(input: &Input) -> Result<ParsedList> {
    let mut list = ParsedList::new(list_ids::UN_SC, Format::UnXml, input.path());
    let mut version: Option<String> = None;
    let is_record = |p: &[String]| {
        p.len() == 3
            && ((p[1] == "INDIVIDUALS" && p[2] == "INDIVIDUAL")
                || (p[1] == "ENTITIES" && p[2] == "ENTITY"))
    };
    read_records(
        input,
        &is_record,
        |root| {
            if root.name != "CONSOLIDATED_LIST" {
                return Err(Error::malformed(format!(
                    "not a UN consolidated list: the root element is <{}>",
                    root.name
                ))
                .at(root.line));
            }
            version = root
                .attr("dateGenerated")
                .map(|d| iso_date_prefix(d).unwrap_or(d).to_string());
            Ok(())
        },
        |rec| {
            let e = convert(&rec, &mut list)?;
            list.entities.push(e);
            Ok(())
        },
    )?;
    list.version = version;
    Ok(list)
}

/// The `VALUE` children of every `name` child (UN's list-valued fields).
fn values<'a>(rec: &'a XmlNode, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    rec.all(name)
        .flat_map(|c| c.all("VALUE"))
        .filter_map(XmlNode::value)
}

fn join_parts(parts: &[Option<&str>], sep: &str) -> String {
    parts
        .iter()
        .flatten()
        .map(|p| collapse_ws(p))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

fn convert(rec: &XmlNode, list: &mut ParsedList) -> Result<Entity> {
    let person = rec.name == "INDIVIDUAL";
    let reference = rec.text_of("REFERENCE_NUMBER").ok_or_else(|| {
        Error::malformed(format!("<{}> without a REFERENCE_NUMBER", rec.name)).at(rec.line)
    })?;
    let kind = if person {
        Kind::Person
    } else {
        Kind::Organization
    };
    let mut e = Entity::new(list_ids::UN_SC, collapse_ws(reference), kind);

    // Names.
    // A lower-case "na" part is the list's "not applicable" marker.
    let part = |tag: &str| rec.text_of(tag).filter(|p| *p != "na");
    let full = join_parts(
        &[
            part("FIRST_NAME"),
            part("SECOND_NAME"),
            part("THIRD_NAME"),
            part("FOURTH_NAME"),
        ],
        " ",
    );
    if full.is_empty() {
        list.warn(
            None,
            Some(rec.line),
            format!(
                "{}: no FIRST_NAME…FOURTH_NAME; an alias is used as its name",
                e.id
            ),
        );
    }
    e.add_name(Name::new(&full, NameStrength::Primary));
    if let Some(original) = rec.text_of("NAME_ORIGINAL_SCRIPT") {
        add_original_script(&mut e, original);
    }
    for tag in ["INDIVIDUAL_ALIAS", "ENTITY_ALIAS"] {
        for alias in rec.all(tag) {
            add_alias(&mut e, alias, list)?;
        }
    }

    // Plain fields.
    if let Some(p) = rec.text_of("UN_LIST_TYPE") {
        e.programs.push(collapse_ws(p));
    }
    if let Some(c) = rec.text_of("COMMENTS1") {
        e.remarks.push(collapse_ws(c));
    }
    if let Some(d) = rec.text_of("LISTED_ON") {
        e.add_attribute("listed_on", iso_date_prefix(d).unwrap_or(d));
    }
    for v in values(rec, "TITLE") {
        e.add_attribute("title", v);
    }
    for v in values(rec, "DESIGNATION") {
        e.add_attribute("position", v);
    }
    if let Some(g) = rec.text_of("GENDER") {
        e.add_attribute("gender", g);
    }
    if let Some(s) = rec.text_of("SUBMITTED_BY") {
        e.add_attribute("submitted_by", s);
    }
    if let Some(s) = rec.text_of("SUBMITTED_ON") {
        e.add_attribute("submitted_on", iso_date_prefix(s).unwrap_or(s));
    }
    for v in values(rec, "LAST_DAY_UPDATED") {
        e.add_attribute("last_updated", iso_date_prefix(v).unwrap_or(v));
    }
    for v in values(rec, "NATIONALITY") {
        e.add_country(CountryRole::Nationality, v, None);
    }

    // Addresses.
    for tag in ["INDIVIDUAL_ADDRESS", "ENTITY_ADDRESS"] {
        for a in rec.all(tag) {
            add_address(&mut e, a);
        }
    }

    // Dates and places of birth.
    for d in rec.all("INDIVIDUAL_DATE_OF_BIRTH") {
        if let Some(dob) = un_dob(d, &e.id, list) {
            e.dobs.push(dob);
        }
    }
    for p in rec.all("INDIVIDUAL_PLACE_OF_BIRTH") {
        let place = join_parts(
            &[
                p.text_of("STREET"),
                p.text_of("CITY"),
                p.text_of("STATE_PROVINCE"),
                p.text_of("COUNTRY"),
                p.text_of("NOTE"),
            ],
            ", ",
        );
        e.add_attribute("place_of_birth", &place);
        if let Some(c) = p.text_of("COUNTRY") {
            e.add_country(CountryRole::Birth, c, None);
        }
    }

    // Documents.
    for d in rec.all("INDIVIDUAL_DOCUMENT") {
        add_document(&mut e, d);
    }
    Ok(e)
}

/// `NAME_ORIGINAL_SCRIPT`: the primary name in its own script.
fn add_original_script(e: &mut Entity, raw: &str) {
    let mut text = collapse_ws(raw);
    let mut lang = None;
    // "ኤርሚኣስ ግርማይ (Tigrinya)": a language note after a non-Latin name.
    if let Some(open) = text.rfind(" (") {
        let note = &text[open + 2..];
        if let Some(note) = note.strip_suffix(')') {
            if !note.is_empty()
                && note.chars().all(|c| c.is_ascii_alphabetic() || c == ' ')
                && is_non_latin(&text[..open])
            {
                lang = Some(note.to_string());
                text.truncate(open);
            }
        }
    }
    let strength = if is_non_latin(&text) {
        NameStrength::Primary
    } else {
        // A Latin "original script" is just another spelling.
        NameStrength::Aka
    };
    let mut name = Name::new(&text, strength);
    name.script = script::detect(&name.full).map(str::to_string);
    name.lang = lang;
    e.add_script_form(name);
}

fn alias_strength(quality: &str) -> Option<NameStrength> {
    match quality.trim().to_ascii_lowercase().as_str() {
        "" | "good" | "a.k.a." | "aka" => Some(NameStrength::Aka),
        "low" => Some(NameStrength::WeakAka),
        "f.k.a." | "fka" => Some(NameStrength::Fka),
        "n.k.a." | "nka" => Some(NameStrength::Nka),
        _ => None,
    }
}

fn add_alias(e: &mut Entity, alias: &XmlNode, list: &mut ParsedList) -> Result<()> {
    let quality = alias.text_of("QUALITY").unwrap_or("");
    let strength = match alias_strength(quality) {
        Some(s) => s,
        None => {
            list.warn(
                None,
                Some(alias.line),
                format!(
                    "{}: unknown alias QUALITY '{quality}', read as a.k.a.",
                    e.id
                ),
            );
            NameStrength::Aka
        }
    };
    let Some(name) = alias.text_of("ALIAS_NAME") else {
        return Ok(());
    };
    for part in split_alias(name) {
        e.add_name(Name::new(&part, strength));
    }
    if let Some(note) = alias.text_of("NOTE") {
        e.remarks.push(format!(
            "alias {}: {}",
            collapse_ws(name),
            collapse_ws(note)
        ));
    }
    if let Some(d) = alias.text_of("DATE_OF_BIRTH") {
        let d = collapse_ws(d);
        let dob = parse_dob(iso_date_prefix(&d).unwrap_or(&d), SlashOrder::Dmy);
        if dob.date.is_none() {
            list.warn(
                None,
                Some(alias.line),
                format!("{}: unparseable alias date of birth '{}'", e.id, dob.raw),
            );
        }
        if !e.dobs.contains(&dob) {
            e.dobs.push(dob);
        }
    }
    let place = join_parts(
        &[
            alias.text_of("CITY_OF_BIRTH"),
            alias.text_of("COUNTRY_OF_BIRTH"),
        ],
        ", ",
    );
    e.add_attribute("place_of_birth", &place);
    if let Some(c) = alias.text_of("COUNTRY_OF_BIRTH") {
        e.add_country(CountryRole::Birth, c, None);
    }
    Ok(())
}

/// Whether `(` at the start of `s` is closed by the `)` at its end.
pub(crate) fn wrapped_in_parens(s: &str) -> bool {
    if !(s.starts_with('(') && s.ends_with(')')) {
        return false;
    }
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i == s.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// Index of the `(` matching the `)` that ends `s`.
fn matching_open(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits at `sep` outside parentheses.
pub(crate) fn split_top_level(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if c == sep && depth <= 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Splits `A b) B c) C` at single-letter enumerators.
fn split_enumerators(s: &str) -> Vec<String> {
    let words: Vec<&str> = s.split(' ').collect();
    let mut out: Vec<String> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for w in words {
        let b = w.as_bytes();
        if b.len() == 2 && b[0].is_ascii_lowercase() && b[1] == b')' {
            if !cur.is_empty() {
                out.push(cur.join(" "));
            }
            cur.clear();
        } else {
            cur.push(w);
        }
    }
    if !cur.is_empty() {
        out.push(cur.join(" "));
    }
    out
}

/// The names one UN `ALIAS_NAME` holds (see the module doc).
pub(crate) fn split_alias(raw: &str) -> Vec<String> {
    let s = collapse_ws(raw);
    let s = s.trim_end_matches([',', ';']).trim();
    if s.is_empty() {
        return Vec::new();
    }
    let clean = |p: &str| -> Option<String> {
        let p = p.trim();
        let p = p
            .strip_suffix("(original script)")
            .map(str::trim)
            .unwrap_or(p);
        let p = p.trim_end_matches([',', ';']).trim();
        (!p.is_empty()).then(|| p.to_string())
    };
    if s.ends_with(')') {
        if let Some(open) = matching_open(s).filter(|&o| o > 0) {
            let outer = s[..open].trim();
            let inner = s[open + 1..s.len() - 1].trim();
            let tagged = inner
                .strip_prefix("original script:")
                .or_else(|| inner.strip_prefix("Original script:"))
                .map(str::trim);
            if !outer.is_empty()
                && !inner.is_empty()
                && (tagged.is_some() || is_non_latin(outer) != is_non_latin(inner))
            {
                let mut out: Vec<String> = clean(outer).into_iter().collect();
                for p in split_top_level(tagged.unwrap_or(inner), ';') {
                    out.extend(clean(p));
                }
                return out;
            }
        }
    }
    if s.contains('(') {
        return vec![s.to_string()];
    }
    s.split(';')
        .flat_map(split_enumerators)
        .filter_map(|p| clean(&p))
        .collect()
}

fn add_address(e: &mut Entity, a: &XmlNode) {
    let mut text = join_parts(
        &[
            a.text_of("STREET"),
            a.text_of("CITY"),
            a.text_of("STATE_PROVINCE"),
            a.text_of("ZIP_CODE"),
        ],
        ", ",
    );
    let country = a.text_of("COUNTRY").map(collapse_ws);
    if let Some(c) = &country {
        e.add_country(CountryRole::Location, c, None);
    }
    if let Some(note) = a.text_of("NOTE") {
        let note = collapse_ws(note);
        if !text.is_empty() {
            text = format!("{text} ({note})");
        } else {
            // A note about a country-only address ("as of early 2016").
            let place = country.as_deref().unwrap_or("");
            e.remarks.push(format!("address {place}: {note}"));
        }
    }
    if !text.is_empty() {
        let addr = Address { text, country };
        if !e.addresses.contains(&addr) {
            e.addresses.push(addr);
        }
    }
}

/// One `INDIVIDUAL_DATE_OF_BIRTH`; `None` when it is empty.
fn un_dob(d: &XmlNode, id: &str, list: &mut ParsedList) -> Option<DateOfBirth> {
    let kind = d.text_of("TYPE_OF_DATE").unwrap_or("").to_ascii_uppercase();
    let date = d.text_of("DATE").map(|s| iso_date_prefix(s).unwrap_or(s));
    let year = d.text_of("YEAR");
    let from = d.text_of("FROM_YEAR");
    let to = d.text_of("TO_YEAR");
    let note = d.text_of("NOTE").map(collapse_ws);
    let mut note_used = false;
    let mut dob = if from.is_some() || to.is_some() {
        let raw = match (from, to) {
            (Some(f), Some(t)) => format!("{f} to {t}"),
            (Some(x), None) | (None, Some(x)) => x.to_string(),
            (None, None) => String::new(),
        };
        parse_dob(&raw, SlashOrder::Dmy)
    } else if let Some(dt) = date {
        parse_dob(dt, SlashOrder::Dmy)
    } else if let Some(y) = year {
        // "Sep." with YEAR 1958 reads as "Sep. 1958".
        match &note {
            Some(n) if super::dates::parse_date(&format!("{n} {y}"), SlashOrder::Dmy).is_some() => {
                note_used = true;
                parse_dob(&format!("{n} {y}"), SlashOrder::Dmy)
            }
            _ => parse_dob(y, SlashOrder::Dmy),
        }
    } else if let Some(n) = &note {
        note_used = true;
        parse_dob(n, SlashOrder::Dmy)
    } else {
        if !kind.is_empty() {
            list.warn(
                None,
                Some(d.line),
                format!("{id}: date of birth of type {kind} without a date"),
            );
        }
        return None;
    };
    match kind.as_str() {
        "" | "EXACT" | "BETWEEN" => {}
        "APPROXIMATELY" => dob.approx = true,
        other => list.warn(
            None,
            Some(d.line),
            format!("{id}: unknown TYPE_OF_DATE '{other}'"),
        ),
    }
    if let Some(n) = &note {
        if n.to_ascii_lowercase().contains("approx") {
            dob.approx = true;
        }
        if !note_used {
            dob.raw = format!("{} ({n})", dob.raw);
        }
    }
    if dob.date.is_none() {
        list.warn(
            None,
            Some(d.line),
            format!("{id}: unparseable date of birth '{}'", dob.raw),
        );
    }
    Some(dob)
}

fn document_kind(t1: &str, t2: &str) -> &'static str {
    let t1 = t1.to_lowercase();
    let t2 = t2.to_lowercase();
    let both = format!("{t1} {t2}");
    if both.contains("fiscal") || both.contains("tax") {
        "tax_id"
    } else if t1.contains("passport") || t1.contains("passeport") || t1.contains("pasaporte") {
        "passport"
    } else if t1.contains("national identification")
        || t1.contains("identity")
        || t1.contains("national id")
    {
        "national_id"
    } else if both.contains("passport") {
        "passport"
    } else {
        "other"
    }
}

fn add_document(e: &mut Entity, d: &XmlNode) {
    let t1 = d.text_of("TYPE_OF_DOCUMENT").map(collapse_ws);
    let t2 = d.text_of("TYPE_OF_DOCUMENT2").map(collapse_ws);
    let number = d.text_of("NUMBER").map(collapse_ws);
    let issuing = d.text_of("ISSUING_COUNTRY").map(collapse_ws);
    let country_of_issue = d.text_of("COUNTRY_OF_ISSUE").map(collapse_ws);
    let city = d.text_of("CITY_OF_ISSUE").map(collapse_ws);
    let date = d.text_of("DATE_OF_ISSUE");
    let note = d.text_of("NOTE").map(collapse_ws);
    if t1.is_none() && t2.is_none() && number.is_none() && note.is_none() {
        return;
    }
    let raw_type = match (&t1, &t2) {
        (Some(a), Some(b)) if a != b => Some(format!("{a} ({b})")),
        (Some(a), _) => Some(a.clone()),
        (None, Some(b)) => Some(b.clone()),
        (None, None) => None,
    };
    let mut notes: Vec<String> = Vec::new();
    if let Some(dt) = date {
        notes.push(format!("issued {}", iso_date_prefix(dt).unwrap_or(dt)));
    }
    if let Some(c) = &city {
        notes.push(format!("issued in {c}"));
    }
    let country = issuing.clone().or_else(|| country_of_issue.clone());
    if let Some(c) = &country_of_issue {
        if issuing.is_some() && issuing.as_ref() != Some(c) {
            notes.push(format!("country of issue {c}"));
        }
    }
    if let Some(n) = &note {
        notes.push(n.clone());
    }
    let note_text = (!notes.is_empty()).then(|| notes.join("; "));
    match number {
        Some(value) => {
            let id = Identifier {
                kind: document_kind(t1.as_deref().unwrap_or(""), t2.as_deref().unwrap_or(""))
                    .to_string(),
                value,
                raw_type,
                country,
                note: note_text,
            };
            if !e.ids.contains(&id) {
                e.ids.push(id);
            }
        }
        None => {
            let mut r = format!("document: {}", raw_type.unwrap_or_default());
            if let Some(c) = &country {
                r.push_str(&format!(" ({c})"));
            }
            if let Some(n) = note_text {
                r.push_str(&format!(": {n}"));
            }
            e.remarks.push(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PartialDate;
    use crate::source::{parse_bytes, read_input};

    fn parse(xml: &str) -> Result<ParsedList> {
        parse_bytes(Format::UnXml, xml.as_bytes())
    }

    fn one(xml_individual: &str) -> Entity {
        let xml = format!(
            "<CONSOLIDATED_LIST dateGenerated=\"2020-03-20T19:09:21.822-04:00\"><INDIVIDUALS>{xml_individual}</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"
        );
        let mut l = parse(&xml).expect("fixture parses");
        l.entities.remove(0)
    }

    const PERSON: &str = r#"<INDIVIDUAL>
        <DATAID>110447</DATAID>
        <FIRST_NAME>MUHAMMAD</FIRST_NAME><SECOND_NAME>TAHER</SECOND_NAME><THIRD_NAME>ANWARI</THIRD_NAME>
        <UN_LIST_TYPE>Taliban</UN_LIST_TYPE>
        <REFERENCE_NUMBER>TAi.005</REFERENCE_NUMBER>
        <LISTED_ON>2001-02-23</LISTED_ON>
        <NAME_ORIGINAL_SCRIPT>محمد طاهر أنوري</NAME_ORIGINAL_SCRIPT>
        <GENDER>Male</GENDER>
        <COMMENTS1>Belongs to Andar tribe. Review
concluded.</COMMENTS1>
        <TITLE><VALUE>Mullah</VALUE></TITLE>
        <DESIGNATION><VALUE>Minister of Finance</VALUE></DESIGNATION>
        <NATIONALITY><VALUE>Afghanistan</VALUE></NATIONALITY>
        <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Mohammad Taher Anwari</ALIAS_NAME></INDIVIDUAL_ALIAS>
        <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Haji Mudir</ALIAS_NAME></INDIVIDUAL_ALIAS>
        <INDIVIDUAL_ADDRESS><CITY>Kandahar</CITY><COUNTRY>Afghanistan</COUNTRY></INDIVIDUAL_ADDRESS>
        <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>Between</TYPE_OF_DATE><FROM_YEAR>1955</FROM_YEAR><TO_YEAR>1958</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
        <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1961</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
        <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Zurmat District</CITY><COUNTRY>Afghanistan</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
        <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER> OA 123 </NUMBER><ISSUING_COUNTRY>Afghanistan</ISSUING_COUNTRY><DATE_OF_ISSUE>2001-01-01</DATE_OF_ISSUE></INDIVIDUAL_DOCUMENT>
        </INDIVIDUAL>"#;

    #[test]
    fn version_is_the_date_part_of_date_generated() {
        let l = parse(&format!(
            "<CONSOLIDATED_LIST dateGenerated='2024-11-30T00:00:00.875Z'><INDIVIDUALS>{PERSON}</INDIVIDUALS></CONSOLIDATED_LIST>"
        ))
        .unwrap();
        assert_eq!(l.version.as_deref(), Some("2024-11-30"));
    }

    #[test]
    fn id_is_the_reference_number_and_individual_is_a_person() {
        let e = one(PERSON);
        assert_eq!(e.id, "un-sc:TAi.005");
        assert_eq!(e.kind, Kind::Person);
    }

    #[test]
    fn name_parts_are_joined_into_the_primary_name() {
        assert_eq!(one(PERSON).primary_name(), "MUHAMMAD TAHER ANWARI");
    }

    #[test]
    fn original_script_is_a_second_primary_name_with_its_script() {
        let e = one(PERSON);
        let n = e
            .names
            .iter()
            .find(|n| n.full == "محمد طاهر أنوري")
            .unwrap();
        assert_eq!(n.strength, NameStrength::Primary);
        assert_eq!(n.script.as_deref(), Some("Arabic"));
    }

    #[test]
    fn alias_quality_low_is_a_weak_aka_and_good_is_an_aka() {
        let e = one(PERSON);
        let s = |t: &str| e.names.iter().find(|n| n.full == t).unwrap().strength;
        assert_eq!(s("Haji Mudir"), NameStrength::WeakAka);
        assert_eq!(s("Mohammad Taher Anwari"), NameStrength::Aka);
    }

    #[test]
    fn between_years_are_a_range_and_approximately_is_approx() {
        let e = one(PERSON);
        assert_eq!(e.dobs[0].date, Some(PartialDate::year(1955)));
        assert_eq!(e.dobs[0].to, Some(PartialDate::year(1958)));
        assert!(e.dobs[1].approx);
        assert_eq!(e.dobs[1].date, Some(PartialDate::year(1961)));
    }

    #[test]
    fn fields_go_to_programs_remarks_attributes_and_countries() {
        let e = one(PERSON);
        assert_eq!(e.programs, vec!["Taliban"]);
        assert_eq!(e.remarks, vec!["Belongs to Andar tribe. Review concluded."]);
        let attr = |k: &str| {
            e.attributes
                .iter()
                .find(|a| a.key == k)
                .map(|a| a.value.as_str())
        };
        assert_eq!(attr("title"), Some("Mullah"));
        assert_eq!(attr("position"), Some("Minister of Finance"));
        assert_eq!(attr("gender"), Some("Male"));
        assert_eq!(attr("listed_on"), Some("2001-02-23"));
        assert_eq!(attr("place_of_birth"), Some("Zurmat District, Afghanistan"));
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Nationality && c.name == "Afghanistan"));
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Birth && c.name == "Afghanistan"));
        assert_eq!(e.addresses[0].text, "Kandahar");
    }

    #[test]
    fn document_becomes_an_identifier() {
        let e = one(PERSON);
        assert_eq!(e.ids[0].kind, "passport");
        assert_eq!(e.ids[0].value, "OA 123");
        assert_eq!(e.ids[0].country.as_deref(), Some("Afghanistan"));
        assert_eq!(e.ids[0].note.as_deref(), Some("issued 2001-01-01"));
    }

    #[test]
    fn title_case_type_of_date_and_timezone_suffix_are_understood() {
        let e = one(
            "<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER>
             <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>Exact</TYPE_OF_DATE><DATE>1960-01-01-05:00</DATE></INDIVIDUAL_DATE_OF_BIRTH>
             </INDIVIDUAL>",
        );
        assert_eq!(e.dobs[0].date, PartialDate::checked(1960, Some(1), Some(1)));
    }

    #[test]
    fn an_unparseable_date_is_kept_raw_and_warned() {
        let xml = "<CONSOLIDATED_LIST dateGenerated='2020-01-01'><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER>
             <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><NOTE>30-35 years old</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
             </INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
        let l = parse(xml).unwrap();
        assert_eq!(l.entities[0].dobs[0].raw, "30-35 years old");
        assert_eq!(l.entities[0].dobs[0].date, None);
        assert_eq!(l.warnings.len(), 1);
    }

    #[test]
    fn entity_is_an_organization_with_fka_names() {
        let xml = "<CONSOLIDATED_LIST dateGenerated='2020-01-01'><ENTITIES><ENTITY><FIRST_NAME>AL-HARAMAIN</FIRST_NAME><REFERENCE_NUMBER>QDe.103</REFERENCE_NUMBER>
            <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Old Name</ALIAS_NAME></ENTITY_ALIAS>
            <ENTITY_ADDRESS><STREET>1 Road</STREET><CITY>Town</CITY><COUNTRY>Somalia</COUNTRY></ENTITY_ADDRESS>
            </ENTITY></ENTITIES></CONSOLIDATED_LIST>";
        let e = &parse(xml).unwrap().entities[0];
        assert_eq!(e.kind, Kind::Organization);
        assert_eq!(e.names[1].strength, NameStrength::Fka);
        assert_eq!(e.addresses[0].text, "1 Road, Town");
        assert_eq!(e.addresses[0].country.as_deref(), Some("Somalia"));
    }

    #[test]
    fn alias_lists_are_split_into_names() {
        assert_eq!(
            split_alias("Abdul Rehman; Abd Ur-Rehman; Abdur Rahman"),
            vec!["Abdul Rehman", "Abd Ur-Rehman", "Abdur Rahman"]
        );
        assert_eq!(
            split_alias("حسن غول (Hassan Ghul; Hassan Gul)"),
            vec!["حسن غول", "Hassan Ghul", "Hassan Gul"]
        );
        assert_eq!(
            split_alias("Amir Khazmat (original script: Амир Хазмат)"),
            vec!["Amir Khazmat", "Амир Хазмат"]
        );
        assert_eq!(
            split_alias("Mohammed Sabet; Mohammad Sabet b) M. Javad Sabet"),
            vec!["Mohammed Sabet", "Mohammad Sabet", "M. Javad Sabet"]
        );
        assert_eq!(
            split_alias("Al-Qaida in Egypt (AQE)"),
            vec!["Al-Qaida in Egypt (AQE)"]
        );
    }

    #[test]
    fn escaped_text_and_character_references_are_decoded() {
        let e = one("<INDIVIDUAL><FIRST_NAME>O&apos;NEIL &amp; SON &#233;</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER></INDIVIDUAL>");
        assert_eq!(e.primary_name(), "O'NEIL & SON é");
    }

    #[test]
    fn truncated_xml_is_an_error() {
        let xml = format!(
            "<CONSOLIDATED_LIST dateGenerated='2020-01-01'><INDIVIDUALS>{PERSON}</INDIVIDUALS>"
        );
        let err = parse(&xml).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }

    #[test]
    fn a_record_without_reference_number_is_an_error() {
        let xml = "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
        assert!(parse(xml).is_err());
    }

    #[test]
    fn random_bytes_are_an_error() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in [1usize, 7, 100, 5000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            assert!(parse_bytes(Format::UnXml, &bytes).is_err());
        }
        assert!(parse("<CONSOLIDATED_LIST/>").is_err());
        assert!(parse("<sdnList></sdnList>").is_err());
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

    /// Counts `<INDIVIDUAL>`/`<ENTITY>` openings by a plain text scan (an
    /// independent check of the reader's count).
    fn scan_count(path: &std::path::Path) -> usize {
        let text = std::fs::read_to_string(path).unwrap();
        text.matches("<INDIVIDUAL>").count()
            + text.matches("<INDIVIDUAL ").count()
            + text.matches("<ENTITY>").count()
            + text.matches("<ENTITY ").count()
    }

    const FILES: [(&str, usize, &str); 9] = [
        ("un-sc/2016-02-11-subset/data.xml", 239, "2016-02-11"),
        ("un-sc/2018-06-07/consolidated.xml", 1098, "2018-06-07"),
        ("un-sc/2018-06-21/consolidated.xml", 1100, "2018-06-21"),
        ("un-sc/2018-08-24/consolidated.xml", 1098, "2018-08-24"),
        ("un-sc/2018-10-29/consolidated.xml", 1093, "2018-10-29"),
        ("un-sc/2020-03-20/consolidated.xml", 1014, "2020-03-20"),
        ("un-sc/2024-11-30/consolidated.xml", 879, "2024-11-30"),
        ("un-sc/2025-11-20/un_consolidated.xml", 1000, "2025-11-20"),
        ("un-sc/2026-02-27/UN_consolidated.xml", 1003, "2026-02-27"),
    ];

    #[test]
    fn real_files_have_the_documented_counts_and_versions() {
        for (rel, count, version) in FILES {
            let Some(p) = real(rel) else { continue };
            let t = std::time::Instant::now();
            let l = read_input(&Input::file(&p)).unwrap();
            eprintln!(
                "{rel}: {} entities, {} names, {} warnings, {:?}",
                l.entities.len(),
                l.name_count(),
                l.warnings.len(),
                t.elapsed()
            );
            assert_eq!(l.format, Format::UnXml);
            assert_eq!(l.entities.len(), count, "{rel}");
            assert_eq!(l.entities.len(), scan_count(&p), "{rel}");
            assert_eq!(l.version.as_deref(), Some(version), "{rel}");
        }
    }

    fn entity<'a>(l: &'a ParsedList, id: &str) -> &'a Entity {
        l.entities.iter().find(|e| e.id == id).unwrap()
    }

    #[test]
    fn hand_checked_entities_2026() {
        let Some(p) = real("un-sc/2026-02-27/UN_consolidated.xml") else {
            return;
        };
        let l = read_input(&Input::file(&p)).unwrap();
        // Person with weak aliases, a DOB range and an original-script name.
        let e = entity(&l, "un-sc:TAi.144");
        assert_eq!(e.kind, Kind::Person);
        assert_eq!(e.primary_name(), "SIRAJUDDIN JALLALOUDINE HAQQANI");
        assert!(e.names.iter().any(|n| n.strength == NameStrength::WeakAka));
        let arabic = e
            .names
            .iter()
            .find(|n| n.full == "سراج الدين جلال الدين حقانى");
        assert_eq!(arabic.unwrap().script.as_deref(), Some("Arabic"));
        assert!(e
            .dobs
            .iter()
            .any(|d| d.date == Some(PartialDate::year(1977))
                && d.to == Some(PartialDate::year(1978))));
        // An organisation with f.k.a. names.
        let e = entity(&l, "un-sc:KPe.003");
        assert_eq!(e.kind, Kind::Organization);
        assert_eq!(e.primary_name(), "TANCHON COMMERCIAL BANK");
        let fka: Vec<&str> = e
            .names
            .iter()
            .filter(|n| n.strength == NameStrength::Fka)
            .map(|n| n.full.as_str())
            .collect();
        assert_eq!(
            fka,
            vec!["CHANGGWANG CREDIT BANK", "KOREA CHANGGWANG CREDIT BANK"]
        );
        // Alias lists are split.
        let any_semicolon = l
            .entities
            .iter()
            .flat_map(|e| &e.names)
            .any(|n| n.full.contains(';') && !n.full.contains('('));
        assert!(!any_semicolon);
    }

    #[test]
    fn hand_checked_entities_2016_title_case() {
        let Some(p) = real("un-sc/2016-02-11-subset/data.xml") else {
            return;
        };
        let l = read_input(&Input::file(&p)).unwrap();
        let e = entity(&l, "un-sc:IRi.043");
        assert_eq!(e.primary_name(), "MOHAMMAD BAQER ZOLQADR");
        assert!(e.names.iter().any(|n| n.full == "Mohammad Bakr Zolkadr"));
        assert_eq!(e.programs, vec!["Iran"]);
        assert!(l
            .entities
            .iter()
            .flat_map(|e| &e.dobs)
            .any(|d| d.approx && d.date.is_some()));
    }

    #[test]
    fn truncated_real_files_are_errors() {
        for (rel, _, _) in FILES {
            let Some(p) = real(rel) else { continue };
            let bytes = std::fs::read(&p).unwrap();
            let n = bytes.len();
            let mut cuts = vec![n / 10, n / 2, n * 9 / 10, n - 2, 40];
            // Mid-line: the middle of the line holding the halfway byte.
            if let Some(nl) = bytes[n / 2..].iter().position(|&b| b == b'\n') {
                cuts.push(n / 2 + nl / 2);
            }
            // Exactly after a record's closing tag.
            let text = String::from_utf8_lossy(&bytes);
            if let Some(i) = text.find("</INDIVIDUAL>") {
                cuts.push(i + "</INDIVIDUAL>".len());
            }
            for cut in cuts {
                let r = parse_bytes(Format::UnXml, &bytes[..cut]);
                assert!(r.is_err(), "{rel} cut at {cut} of {n} was accepted");
            }
        }
    }
}
