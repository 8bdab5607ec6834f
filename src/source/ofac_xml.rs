//! OFAC flat XML (`sdnList`): `sdn.xml`, `consolidated.xml`.
//!
//! ```text
//! sdnList
//!   publshInformation/Publish_Date   MM/DD/YYYY (OFAC's spelling)
//!   sdnEntry*
//!     uid, lastName, firstName, title, sdnType, remarks
//!     programList/program*
//!     idList/id*            idType, idNumber, idCountry, issueDate, expirationDate
//!     akaList/aka*          type (a.k.a./f.k.a./n.k.a.), category (strong/weak), lastName, firstName
//!     addressList/address*  address1-3, city, stateOrProvince, postalCode, country
//!     nationalityList/nationality*, citizenshipList/citizenship*   country
//!     dateOfBirthList/dateOfBirthItem*   dateOfBirth
//!     placeOfBirthList/placeOfBirthItem* placeOfBirth
//!     vesselInfo            callSign, vesselType, vesselFlag, vesselOwner, tonnage, grossRegisteredTonnage
//! ```
//!
//! Elements are matched on local names (the root is namespaced). Names are
//! built as the CSV writes them (`LAST, First` for individuals) so that the
//! two forms of one publication agree. The `idList` mixes real identifiers
//! with remarks (`Additional Sanctions Information -`, `Website`, …): each
//! item goes through the same label table as the CSV remarks
//! (`ofac_csv::apply_labeled`); what is not an identifier or a
//! known field is kept as a remark.
//!
//! Whether the file is the SDN or the Consolidated list: the flat schema
//! states it nowhere, so the file name decides (`cons` in it →
//! `ofac-cons`, else `ofac-sdn`).

use std::path::Path;

use quick_xml::events::Event;

use super::dates::{parse_dob, SlashOrder};
use super::input::decode_utf8_or_1252;
use super::ofac_csv::{
    add_address, address_text, apply_labeled, ofac_name, parse_remarks, push_id, split_programs,
};
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{collapse_ws, list_ids, CountryRole, Entity, Identifier, Kind, NameStrength};

/// Reads the list.
pub fn read(input: &Input) -> Result<ParsedList> {
    let path = input.path().to_path_buf();
    let bytes = input.bytes()?;
    let (text, fell_back) = decode_utf8_or_1252(&bytes);
    let list_id = if input.file_name_lower().contains("cons") {
        list_ids::OFAC_CONS
    } else {
        list_ids::OFAC_SDN
    };
    let mut list = ParsedList::new(list_id, Format::OfacXml, &path);
    if fell_back {
        list.warn(None, None, "not valid UTF-8: read as Windows-1252");
    }
    let root = for_each_record(
        &text,
        &path,
        |depth, name| depth == 1 && (name == "sdnEntry" || name == "publshInformation"),
        |node| {
            if node.name == "publshInformation" {
                read_publish_info(&node, &mut list);
                return Ok(());
            }
            let mut warn = Vec::new();
            let e = read_entry(&node, list_id, &mut warn)
                .map_err(|e| e.at(node.line).in_file(&path))?;
            for w in warn {
                list.warn(None, Some(node.line), format!("entry {}: {w}", e.own_id));
            }
            list.entities.push(e);
            Ok(())
        },
    )?;
    if root != "sdnList" {
        return Err(Error::malformed(format!(
            "root element is <{root}>, not <sdnList>: not an OFAC XML list"
        ))
        .in_file(&path));
    }
    Ok(list)
}

fn read_publish_info(node: &Node, list: &mut ParsedList) {
    let Some(date) = node.text_of("Publish_Date") else {
        return;
    };
    match us_date(date) {
        Some(iso) => list.version = Some(iso),
        None => {
            list.warn(
                None,
                Some(node.line),
                format!("Publish_Date '{date}' is not MM/DD/YYYY: kept as written"),
            );
            list.version = Some(date.to_string());
        }
    }
}

/// `04/06/2018` → `2018-04-06`.
fn us_date(s: &str) -> Option<String> {
    let d = super::dates::parse_date(s, SlashOrder::Mdy)?;
    (d.month.is_some() && d.day.is_some()).then(|| d.to_string())
}

fn read_entry(node: &Node, list_id: &str, warn: &mut Vec<String>) -> Result<Entity> {
    let uid = node
        .text_of("uid")
        .ok_or_else(|| Error::malformed("<sdnEntry> without <uid>"))?;
    let kind = match node
        .text_of("sdnType")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("individual") => Kind::Person,
        Some("entity") => Kind::Organization,
        Some("vessel") => Kind::Vessel,
        Some("aircraft") => Kind::Aircraft,
        None => Kind::Unknown,
        Some(other) => {
            warn.push(format!("unknown sdnType '{other}': kept as unknown"));
            Kind::Unknown
        }
    };
    let mut e = Entity::new(list_id, uid, kind);
    let primary = xml_name(node.text_of("lastName"), node.text_of("firstName"), kind)
        .ok_or_else(|| Error::malformed(format!("entry {uid} has no <lastName>")))?;
    e.add_name(ofac_name(&primary, NameStrength::Primary, kind));

    for p in node.descendants(&["programList", "program"]) {
        for prog in split_programs(p.text()) {
            if !e.programs.contains(&prog) {
                e.programs.push(prog);
            }
        }
    }
    if let Some(t) = node.text_of("title") {
        e.add_attribute("title", t);
    }
    for aka in node.descendants(&["akaList", "aka"]) {
        let Some(full) = xml_name(aka.text_of("lastName"), aka.text_of("firstName"), kind) else {
            continue;
        };
        let weak = aka
            .text_of("category")
            .map(|c| c.eq_ignore_ascii_case("weak"))
            .unwrap_or(false);
        let strength = match aka.text_of("type").map(str::to_ascii_lowercase).as_deref() {
            _ if weak => NameStrength::WeakAka,
            Some("f.k.a.") | Some("fka") => NameStrength::Fka,
            Some("n.k.a.") | Some("nka") => NameStrength::Nka,
            Some("a.k.a.") | Some("aka") | None => NameStrength::Aka,
            Some(other) => {
                warn.push(format!("unknown aka type '{other}': read as a.k.a."));
                NameStrength::Aka
            }
        };
        e.add_name(ofac_name(&full, strength, kind));
    }
    for a in node.descendants(&["addressList", "address"]) {
        let street = [
            a.text_of("address1"),
            a.text_of("address2"),
            a.text_of("address3"),
        ];
        let street = address_text(&street);
        // The CSV writes "City, State Postal": so do we.
        let mut csp = address_text(&[a.text_of("city"), a.text_of("stateOrProvince")]);
        if let Some(pc) = a.text_of("postalCode") {
            if csp.is_empty() {
                csp = collapse_ws(pc);
            } else {
                csp = format!("{csp} {}", collapse_ws(pc));
            }
        }
        let text = address_text(&[Some(&street), Some(&csp)]);
        add_address(&mut e, text, a.text_of("country"));
    }
    for n in node.descendants(&["nationalityList", "nationality"]) {
        if let Some(c) = n.text_of("country") {
            let code = super::ofac_csv::country_code(c);
            e.add_country(CountryRole::Nationality, c, code);
        }
    }
    for n in node.descendants(&["citizenshipList", "citizenship"]) {
        if let Some(c) = n.text_of("country") {
            let code = super::ofac_csv::country_code(c);
            e.add_country(CountryRole::Citizenship, c, code);
        }
    }
    for d in node.descendants(&["dateOfBirthList", "dateOfBirthItem"]) {
        if let Some(raw) = d.text_of("dateOfBirth") {
            let dob = parse_dob(raw, SlashOrder::Dmy);
            if dob.date.is_none() {
                warn.push(format!(
                    "date of birth '{raw}' not understood: kept as text"
                ));
            }
            if !e.dobs.iter().any(|x| x.raw == dob.raw) {
                e.dobs.push(dob);
            }
        }
    }
    for p in node.descendants(&["placeOfBirthList", "placeOfBirthItem"]) {
        if let Some(pob) = p.text_of("placeOfBirth") {
            apply_labeled(&mut e, "POB", pob, None, None, false, warn);
        }
    }
    if let Some(v) = node.child("vesselInfo") {
        if let Some(cs) = v.text_of("callSign") {
            push_id(
                &mut e,
                Identifier {
                    kind: "call_sign".into(),
                    value: collapse_ws(cs),
                    raw_type: Some("callSign".into()),
                    country: None,
                    note: None,
                },
            );
        }
        for (tag, label) in [
            ("vesselType", "Vessel Type"),
            ("tonnage", "Vessel Tonnage"),
            ("grossRegisteredTonnage", "Vessel Gross Registered Tonnage"),
            ("vesselFlag", "Vessel Flag"),
            ("vesselOwner", "Vessel Owner"),
        ] {
            if let Some(val) = v.text_of(tag) {
                apply_labeled(&mut e, label, val, None, None, true, warn);
            }
        }
    }
    for id in node.descendants(&["idList", "id"]) {
        let (Some(ty), Some(num)) = (id.text_of("idType"), id.text_of("idNumber")) else {
            continue;
        };
        let mut note = Vec::new();
        if let Some(d) = id.text_of("issueDate") {
            note.push(format!("issued {d}"));
        }
        if let Some(d) = id.text_of("expirationDate") {
            note.push(format!("expires {d}"));
        }
        let note = (!note.is_empty()).then(|| note.join(" "));
        // Without an idCountry the number may carry it: `123 (Russia)`.
        let country = id.text_of("idCountry");
        let stored = apply_labeled(&mut e, ty, num, country, note, country.is_some(), warn);
        if !stored {
            e.remarks.push(collapse_ws(&format!("{ty} {num}")));
        }
    }
    if let Some(r) = node.text_of("remarks") {
        e.remarks.insert(0, collapse_ws(r));
        parse_remarks(&mut e, r, warn);
    }
    Ok(e)
}

/// `LAST, First` for individuals (as the CSV writes it), else the last
/// name alone (with a first name, if any, after it).
fn xml_name(last: Option<&str>, first: Option<&str>, kind: Kind) -> Option<String> {
    match (last, first) {
        (Some(l), Some(f)) if kind == Kind::Person => Some(format!("{l}, {f}")),
        (Some(l), Some(f)) => Some(format!("{l} {f}")),
        (Some(l), None) => Some(l.to_string()),
        (None, Some(f)) => Some(f.to_string()),
        (None, None) => None,
    }
}

// ---------------------------------------------------------------------------
// A small element tree, built one record at a time (shared with the
// Enhanced XML reader): the files are read in one pass, and only one
// record's elements are held at once.
// ---------------------------------------------------------------------------

/// One XML element: local name, attributes, text and children.
#[derive(Debug, Default, Clone)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    text: String,
    pub children: Vec<Node>,
    /// 1-based line the element starts on.
    pub line: u64,
}

impl Node {
    /// The element's own text, trimmed.
    pub fn text(&self) -> &str {
        self.text.trim()
    }

    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every element at the end of a path of child names.
    pub fn descendants<'a>(&'a self, path: &[&str]) -> Vec<&'a Node> {
        let mut nodes = vec![self];
        for step in path {
            nodes = nodes
                .into_iter()
                .flat_map(|n| n.children.iter().filter(|c| c.name == *step))
                .collect();
        }
        nodes
    }

    /// The trimmed text of the first child with this name; `None` when
    /// absent or empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(Node::text).filter(|t| !t.is_empty())
    }

    /// An attribute's value by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads `text` as XML and hands every *record* element — one for which
/// `is_record(depth, local_name)` holds, the root being depth 0 — to `cb`
/// as a [`Node`]. Returns the root element's local name. A document that
/// ends inside an element is an error (a truncated file).
pub(crate) fn for_each_record(
    text: &str,
    path: &Path,
    is_record: impl Fn(usize, &str) -> bool,
    mut cb: impl FnMut(Node) -> Result<()>,
) -> Result<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut root: Option<String> = None;
    // Names of open elements above the record being built.
    let mut open: Vec<String> = Vec::new();
    // The record being built and its open descendants.
    let mut building: Vec<Node> = Vec::new();
    let mut line = 1u64;
    let mut counted = 0usize;
    let mut line_at = |pos: usize| -> u64 {
        let pos = pos.min(text.len());
        if pos > counted {
            line += text.as_bytes()[counted..pos]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            counted = pos;
        }
        line
    };
    loop {
        let start_pos = reader.buffer_position() as usize;
        let ev = reader.read_event().map_err(|e| {
            let l = line_at(reader.error_position() as usize);
            Error::malformed(format!("malformed XML: {e}"))
                .at(l)
                .in_file(path)
        })?;
        match ev {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = s.local_name().as_ref().to_string();
                if root.is_none() {
                    root = Some(name.clone());
                }
                let depth = open.len() + building.len();
                if building.is_empty() && !is_record(depth, &name) {
                    if !empty {
                        open.push(name);
                    }
                    continue;
                }
                let mut attrs = Vec::new();
                for a in s.attributes().flatten() {
                    let key = a.key.local_name().as_ref().to_string();
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_else(|_| a.value.to_string());
                    attrs.push((key, value));
                }
                // Skip leading whitespace so the line is the tag's own.
                let tag_pos = start_pos + text[start_pos.min(text.len())..].find('<').unwrap_or(0);
                let node = Node {
                    name,
                    attrs,
                    line: line_at(tag_pos),
                    ..Node::default()
                };
                building.push(node);
                if empty {
                    close(&mut building, &mut cb)?;
                }
            }
            Event::End(_) => {
                if building.is_empty() {
                    open.pop();
                } else {
                    close(&mut building, &mut cb)?;
                }
            }
            Event::Text(t) => {
                if let Some(n) = building.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(n) = building.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(n) = building.last_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => n.text.push(c),
                        _ => match &*r {
                            "amp" => n.text.push('&'),
                            "lt" => n.text.push('<'),
                            "gt" => n.text.push('>'),
                            "quot" => n.text.push('"'),
                            "apos" => n.text.push('\''),
                            other => {
                                n.text.push('&');
                                n.text.push_str(other);
                                n.text.push(';');
                            }
                        },
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(inner) = building
        .last()
        .map(|n| n.name.clone())
        .or_else(|| open.last().cloned())
    {
        let l = line_at(text.len());
        return Err(Error::malformed(format!(
            "the document ends inside <{inner}>: the file looks truncated"
        ))
        .at(l)
        .in_file(path));
    }
    root.ok_or_else(|| Error::malformed("no XML element found").in_file(path))
}

fn close(building: &mut Vec<Node>, cb: &mut impl FnMut(Node) -> Result<()>) -> Result<()> {
    let Some(done) = building.pop() else {
        return Ok(());
    };
    match building.last_mut() {
        Some(parent) => {
            parent.children.push(done);
            Ok(())
        }
        None => cb(done),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::source::{parse_bytes, shared_lists_dir};

    const DOC: &str = r#"<?xml version="1.0" standalone="yes"?>
<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://tempuri.org/sdnList.xsd">
  <publshInformation>
    <Publish_Date>04/06/2018</Publish_Date>
    <Record_Count>2</Record_Count>
  </publshInformation>
  <sdnEntry>
    <uid>9639</uid>
    <firstName>Ismail Abdul Salah</firstName>
    <lastName>HANIYA</lastName>
    <sdnType>Individual</sdnType>
    <programList><program>NS-PLC</program></programList>
    <akaList>
      <aka><uid>1</uid><type>a.k.a.</type><category>strong</category><lastName>HANIYYA</lastName><firstName>Ismaeel</firstName></aka>
      <aka><uid>2</uid><type>a.k.a.</type><category>weak</category><lastName>ABU AL-&apos;ABD</lastName></aka>
    </akaList>
    <dateOfBirthList><dateOfBirthItem><uid>4</uid><dateOfBirth>circa 1962</dateOfBirth></dateOfBirthItem></dateOfBirthList>
    <placeOfBirthList><placeOfBirthItem><uid>5</uid><placeOfBirth>Gaza, Palestinian</placeOfBirth></placeOfBirthItem></placeOfBirthList>
  </sdnEntry>
  <sdnEntry>
    <uid>15036</uid>
    <lastName>ARTAVIL</lastName>
    <sdnType>Vessel</sdnType>
    <programList><program>IRAN</program></programList>
    <idList>
      <id><uid>7</uid><idType>Vessel Registration Identification</idType><idNumber>IMO 9187629</idNumber></id>
      <id><uid>8</uid><idType>Additional Sanctions Information -</idType><idNumber>Subject to Secondary Sanctions</idNumber></id>
      <id><uid>9</uid><idType>Passport</idType><idNumber>X1</idNumber><idCountry>Iran</idCountry><issueDate>01 Jan 2000</issueDate></id>
    </idList>
    <akaList><aka><uid>3</uid><type>f.k.a.</type><category>strong</category><lastName>ATLANTIC STAR</lastName></aka></akaList>
    <addressList><address><uid>2</uid><address1>213 Ferdowsi Avenue</address1><city>Tehran</city><postalCode>11365</postalCode><country>Iran</country></address></addressList>
    <remarks>(Linked To: NATIONAL IRANIAN TANKER COMPANY)</remarks>
    <vesselInfo><callSign>9HNX9</callSign><vesselType>Crude Oil Tanker</vesselType><vesselFlag>Malta</vesselFlag><tonnage>150,000</tonnage></vesselInfo>
  </sdnEntry>
</sdnList>
"#;

    #[test]
    fn reads_entries_like_the_csv() {
        let list = read(&Input::from_bytes("sdn.xml", DOC.as_bytes().to_vec())).unwrap();
        assert_eq!(list.list_id, "ofac-sdn");
        assert_eq!(list.version.as_deref(), Some("2018-04-06"));
        assert_eq!(list.entities.len(), 2);
        let p = &list.entities[0];
        assert_eq!(p.id, "ofac-sdn:9639");
        assert_eq!(p.kind, Kind::Person);
        assert_eq!(p.primary_name(), "HANIYA, Ismail Abdul Salah");
        assert_eq!(p.names[0].family.as_deref(), Some("HANIYA"));
        assert_eq!(p.names[1].full, "HANIYYA, Ismaeel");
        assert_eq!(p.names[2].full, "ABU AL-'ABD");
        assert_eq!(p.names[2].strength, NameStrength::WeakAka);
        assert!(p.dobs[0].approx);
        assert!(p
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Birth && c.code.as_deref() == Some("PS")));

        let v = &list.entities[1];
        assert_eq!(v.kind, Kind::Vessel);
        assert_eq!(v.names[1].strength, NameStrength::Fka);
        let ids: Vec<(&str, &str)> = v
            .ids
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("call_sign", "9HNX9"),
                ("imo", "9187629"),
                ("passport", "X1")
            ]
        );
        assert_eq!(v.ids[2].country.as_deref(), Some("Iran"));
        assert_eq!(v.ids[2].note.as_deref(), Some("issued 01 Jan 2000"));
        assert_eq!(v.addresses[0].text, "213 Ferdowsi Avenue, Tehran 11365");
        assert!(v
            .remarks
            .iter()
            .any(|r| r == "Additional Sanctions Information - Subject to Secondary Sanctions"));
        assert!(v
            .attributes
            .iter()
            .any(|a| a.key == "linked_to" && a.value == "NATIONAL IRANIAN TANKER COMPANY"));
        assert!(v
            .attributes
            .iter()
            .any(|a| a.key == "vessel_flag" && a.value == "Malta"));
    }

    #[test]
    fn file_name_tells_the_consolidated_list() {
        let list = read(&Input::from_bytes(
            "consolidated.xml",
            DOC.as_bytes().to_vec(),
        ))
        .unwrap();
        assert_eq!(list.list_id, "ofac-cons");
        assert_eq!(list.entities[0].id, "ofac-cons:9639");
    }

    #[test]
    fn truncated_and_foreign_documents_are_refused() {
        let cut = &DOC[..DOC.find("<uid>15036").unwrap()];
        let e = parse_bytes(Format::OfacXml, cut.as_bytes()).unwrap_err();
        assert!(e.message().contains("truncated"), "{e}");
        assert!(parse_bytes(Format::OfacXml, b"<other/>").is_err());
        assert!(parse_bytes(Format::OfacXml, b"<sdnList></sdnList>").is_err());
        assert!(parse_bytes(
            Format::OfacXml,
            b"<sdnList><sdnEntry><uid>1</uid></sdnEntry></sdnList>"
        )
        .is_err());
        assert!(parse_bytes(Format::OfacXml, b"\xff\xfe<<<").is_err());
    }

    #[test]
    fn real_consolidated_xml_agrees_with_its_csv_twin() {
        let Some(dir) = shared_lists_dir() else {
            return;
        };
        let d = dir.join("ofac-cons/2018-04-06");
        let xml = read(&Input::file(d.join("consolidated.xml"))).unwrap();
        assert_eq!(xml.list_id, "ofac-cons");
        assert_eq!(xml.entities.len(), 639);
        assert_eq!(xml.version.as_deref(), Some("2018-04-06"));
        let csv = super::super::ofac_csv::read_set(&super::super::OfacCsvSet::around(
            &d.join("cons_prim.csv"),
        ))
        .unwrap();
        assert_eq!(csv.entities.len(), 639);
        // Same ids, same primary names, and the same name set per entity.
        let mut differ = 0;
        for x in &xml.entities {
            let c = csv
                .entities
                .iter()
                .find(|c| c.id == x.id)
                .expect("same ids");
            assert_eq!(x.primary_name(), c.primary_name(), "{}", x.id);
            let mut xn: Vec<(&str, NameStrength)> = x
                .names
                .iter()
                .map(|n| (n.full.as_str(), n.strength))
                .collect();
            let mut cn: Vec<(&str, NameStrength)> = c
                .names
                .iter()
                .map(|n| (n.full.as_str(), n.strength))
                .collect();
            xn.sort();
            cn.sort();
            if xn != cn {
                differ += 1;
            }
        }
        assert!(differ <= 5, "{differ} entities differ in names");
    }

    /// Cut points: 10/50/90 %, mid-line, and inside the closing root tag.
    pub(crate) fn cut_points(len: usize, text: &[u8]) -> Vec<usize> {
        let mid_line = len / 3
            + text[len / 3..]
                .iter()
                .position(|b| *b == b'\n')
                .unwrap_or(0)
            + 7;
        let end = text.iter().rposition(|b| *b == b'>').unwrap_or(len);
        vec![
            len / 10,
            len / 2,
            len * 9 / 10,
            mid_line,
            end,
            end - 3,
            end - 12,
        ]
    }

    #[test]
    fn truncated_real_xml_is_always_an_error() {
        let Some(dir) = shared_lists_dir() else {
            return;
        };
        let bytes = std::fs::read(dir.join("ofac-cons/2018-04-06/consolidated.xml")).unwrap();
        for cut in cut_points(bytes.len(), &bytes) {
            let r = read(&Input::from_bytes(
                "consolidated.xml",
                bytes[..cut].to_vec(),
            ));
            assert!(r.is_err(), "cut at {cut} of {} read as a list", bytes.len());
        }
    }

    #[test]
    fn random_bytes_are_refused() {
        let mut x: u32 = 99;
        for len in [1usize, 10, 1000] {
            let mut bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            assert!(parse_bytes(Format::OfacXml, &bytes).is_err());
            bytes.splice(0..0, b"<sdnList><sdnEntry>".iter().copied());
            assert!(parse_bytes(Format::OfacXml, &bytes).is_err());
        }
    }

    #[test]
    fn real_file_through_detection() {
        let Some(dir) = shared_lists_dir() else {
            return;
        };
        let path = dir.join("ofac-cons/2018-04-06/consolidated.xml");
        let list = crate::source::read_input(&Input::file(&path)).unwrap();
        assert_eq!((list.format, list.entities.len()), (Format::OfacXml, 639));
        assert!(list.warnings.is_empty(), "{:?}", list.warnings);
        // a vessel with its IMO number among the idList items
        let v = list
            .entities
            .iter()
            .find(|e| e.kind == Kind::Vessel && e.ids.iter().any(|i| i.kind == "imo"))
            .unwrap();
        assert!(v.attributes.iter().any(|a| a.key == "vessel_type"));
    }
}
