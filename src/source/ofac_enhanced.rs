//! OFAC Enhanced XML (`sanctionsData`, namespaced): `SDN_ENHANCED.XML`,
//! `CONS_ENHANCED.XML`, given as the XML or as OFAC's ZIP holding it.
//!
//! ```text
//! sanctionsData
//!   publicationInfo/dataAsOf                  2025-01-10T00:00:00 → version
//!   publicationInfo/filters/sanctionsLists    which list this publication is
//!   referenceValues/referenceValue@refId      type, value, isoCode (countries)
//!   entities/entity@id
//!     generalInfo/entityType, generalInfo/remarks
//!     sanctionsLists/sanctionsList*, sanctionsPrograms/sanctionsProgram*
//!     names/name*      isPrimary, isLowQuality, aliasType (A.K.A./F.K.A./N.K.A.)
//!       translations/translation*   isPrimary, script, formattedFirstName,
//!                                   formattedLastName, formattedFullName
//!     addresses/address*   country, translations/translation/addressParts
//!     features/feature*    type, value, valueRefId, valueDate, comments
//!     identityDocuments/identityDocument*   type, documentNumber, issuingCountry
//!     relationships/relationship*           type, relatedEntity
//! ```
//!
//! Every script form of a name (each `translation`) is its own [`Name`]
//! with its `script` set; a low-quality name is a weak a.k.a. whatever its
//! alias type. Features and document types go through the label table the
//! CSV remarks use (`ofac_csv::apply_labeled`), so a date of birth
//! or an IMO number reads the same in every OFAC format; features that are
//! no field of ours are kept as remarks.
//!
//! SDN or Consolidated: the publication's `filters/sanctionsLists` say
//! which; failing that, a file whose every entity is on the `SDN List` is
//! the SDN list; failing that, `cons` in the file name means Consolidated.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::dates::{parse_date, parse_dob, SlashOrder};
use super::input::decode_utf8_or_1252;
use super::ofac_csv::{add_address, address_text, apply_labeled, parse_remarks, push_id};
use super::ofac_xml::{for_each_record, Node};
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{
    collapse_ws, list_ids, DateOfBirth, Entity, Identifier, Kind, Name, NameStrength,
};

/// The most bytes an XML member of the ZIP may unpack to (OFAC's largest
/// Enhanced file is a few hundred MB; more is an error, not a zip bomb).
const MAX_XML_BYTES: u64 = 2 << 30;

/// Reads the list.
pub fn read(input: &Input) -> Result<ParsedList> {
    let path = input.path().to_path_buf();
    let bytes = input.bytes()?;
    let (xml, member) = if bytes.starts_with(b"PK\x03\x04") {
        let (xml, name) = unzip_xml(&bytes)?;
        (std::borrow::Cow::Owned(xml), Some(name))
    } else {
        (bytes, None)
    };
    let (text, fell_back) = decode_utf8_or_1252(&xml);
    let mut list = ParsedList::new(list_ids::OFAC_SDN, Format::OfacEnhancedXml, &path);
    if fell_back {
        list.warn(None, None, "not valid UTF-8: read as Windows-1252");
    }

    let mut refs = Refs::default();
    let mut filter_lists: Vec<String> = Vec::new();
    // Per entity: is it on the SDN List (None: it names no list).
    let mut on_sdn: Vec<Option<bool>> = Vec::new();
    let root = for_each_record(
        &text,
        &path,
        |depth, name| {
            (depth == 1 && (name == "publicationInfo" || name == "referenceValues"))
                || (depth == 2 && name == "entity")
        },
        |node| {
            match node.name.as_str() {
                "publicationInfo" => {
                    read_publication_info(&node, &mut list, &mut filter_lists);
                }
                "referenceValues" => refs.read(&node),
                _ => {
                    let mut warn = Vec::new();
                    let (e, sdn) = read_entity(&node, &refs, &mut warn)
                        .map_err(|e| e.at(node.line).in_file(&path))?;
                    for w in warn {
                        list.warn(None, Some(node.line), format!("entity {}: {w}", e.own_id));
                    }
                    on_sdn.push(sdn);
                    list.entities.push(e);
                }
            }
            Ok(())
        },
    )?;
    if root != "sanctionsData" {
        return Err(Error::malformed(format!(
            "root element is <{root}>, not <sanctionsData>: not an OFAC Enhanced XML list"
        ))
        .in_file(&path));
    }

    let name_says_cons = input.file_name_lower().contains("cons")
        || member
            .as_deref()
            .map(|m| m.to_ascii_lowercase().contains("cons"))
            .unwrap_or(false);
    let list_id = choose_list_id(&filter_lists, &on_sdn, name_says_cons);
    list.list_id = list_id.to_string();
    for e in &mut list.entities {
        e.list_id = list_id.to_string();
        e.id = format!("{list_id}:{}", e.own_id);
    }
    Ok(list)
}

/// SDN or Consolidated, from what the publication says (see the module docs).
fn choose_list_id(
    filters: &[String],
    on_sdn: &[Option<bool>],
    name_says_cons: bool,
) -> &'static str {
    let is_sdn = |s: &String| s.trim().eq_ignore_ascii_case("SDN List");
    if !filters.is_empty() {
        if filters.iter().all(is_sdn) {
            return list_ids::OFAC_SDN;
        }
        return list_ids::OFAC_CONS;
    }
    let stated: Vec<bool> = on_sdn.iter().flatten().copied().collect();
    if !stated.is_empty() && stated.len() == on_sdn.len() {
        return if stated.iter().all(|s| *s) {
            list_ids::OFAC_SDN
        } else {
            list_ids::OFAC_CONS
        };
    }
    if name_says_cons {
        list_ids::OFAC_CONS
    } else {
        list_ids::OFAC_SDN
    }
}

/// The one `.xml` member of OFAC's ZIP, and its name.
fn unzip_xml(bytes: &[u8]) -> Result<(Vec<u8>, String)> {
    let zerr = |e: zip::result::ZipError| Error::malformed(format!("unreadable ZIP archive: {e}"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(zerr)?;
    let mut xmls = Vec::new();
    for i in 0..zip.len() {
        let f = zip.by_index(i).map_err(zerr)?;
        let name = f.name().map_err(zerr)?.into_owned();
        if f.is_file() && name.to_ascii_lowercase().ends_with(".xml") {
            xmls.push((i, name));
        }
    }
    let (i, name) = match xmls.len() {
        1 => xmls.remove(0),
        0 => return Err(Error::malformed("the ZIP archive holds no .xml file")),
        n => {
            let names: Vec<&str> = xmls.iter().map(|(_, n)| n.as_str()).collect();
            return Err(Error::malformed(format!(
                "the ZIP archive holds {n} .xml files ({}): expected one",
                names.join(", ")
            )));
        }
    };
    let f = zip.by_index(i).map_err(zerr)?;
    let mut out = Vec::new();
    f.take(MAX_XML_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::malformed(format!("reading {name} from the ZIP archive: {e}")))?;
    if out.len() as u64 > MAX_XML_BYTES {
        return Err(Error::malformed(format!(
            "{name} unpacks to more than {MAX_XML_BYTES} bytes: refused"
        )));
    }
    Ok((out, name))
}

fn read_publication_info(node: &Node, list: &mut ParsedList, filters: &mut Vec<String>) {
    if let Some(d) = node.text_of("dataAsOf") {
        match parse_date(d, SlashOrder::Mdy) {
            Some(date) => list.version = Some(date.to_string()),
            None => {
                list.warn(
                    None,
                    Some(node.line),
                    format!("dataAsOf '{d}' is not a date: kept as written"),
                );
                list.version = Some(d.to_string());
            }
        }
    }
    for l in node.descendants(&["filters", "sanctionsLists", "sanctionsList"]) {
        if !l.text().is_empty() {
            filters.push(l.text().to_string());
        }
    }
}

/// The reference values the entities point at by `refId`.
#[derive(Default)]
struct Refs {
    /// refId → ISO code, for countries.
    country_code: HashMap<String, String>,
    /// lower-case country name → ISO code.
    code_by_name: HashMap<String, String>,
}

impl Refs {
    fn read(&mut self, node: &Node) {
        for r in node.descendants(&["referenceValue"]) {
            if r.text_of("type") != Some("COUNTRY") {
                continue;
            }
            let (Some(id), Some(code)) = (r.attr("refId"), r.text_of("isoCode")) else {
                continue;
            };
            self.country_code.insert(id.to_string(), code.to_string());
            if let Some(v) = r.text_of("value") {
                self.code_by_name.insert(v.to_lowercase(), code.to_string());
            }
        }
    }
}

fn bool_of(node: &Node, name: &str) -> bool {
    node.text_of(name)
        .map(|t| t.eq_ignore_ascii_case("true"))
        .unwrap_or(false)
}

/// Script names as the rest of the engine writes them (those of
/// [`crate::normalize::script::detect`]); `None` lets detection decide.
fn script_name(stated: &str) -> Option<String> {
    let s = stated.trim();
    let mapped = match s.to_ascii_lowercase().as_str() {
        "" | "japanese" => return None,
        "chinese simplified" | "chinese traditional" | "chinese" => "Han",
        "korean" => "Hangul",
        _ => s,
    };
    Some(mapped.to_string())
}

fn read_entity(node: &Node, refs: &Refs, warn: &mut Vec<String>) -> Result<(Entity, Option<bool>)> {
    let own_id = node
        .attr("id")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::malformed("<entity> without an id attribute"))?;
    let info = node.child("generalInfo");
    let kind = match info
        .and_then(|g| g.text_of("entityType"))
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("individual") => Kind::Person,
        Some("entity") => Kind::Organization,
        Some("vessel") => Kind::Vessel,
        Some("aircraft") => Kind::Aircraft,
        None => Kind::Unknown,
        Some(other) => {
            warn.push(format!("unknown entityType '{other}': kept as unknown"));
            Kind::Unknown
        }
    };
    // The list id is settled once the whole file is read.
    let mut e = Entity::new(list_ids::OFAC_SDN, own_id, kind);

    // Names: the primary name's primary translation first.
    let mut names: Vec<&Node> = node.descendants(&["names", "name"]);
    names.sort_by_key(|n| !bool_of(n, "isPrimary"));
    for n in names {
        let strength = if bool_of(n, "isLowQuality") {
            NameStrength::WeakAka
        } else if bool_of(n, "isPrimary") {
            NameStrength::Primary
        } else {
            match n
                .text_of("aliasType")
                .map(str::to_ascii_uppercase)
                .as_deref()
            {
                Some("F.K.A.") | Some("FKA") => NameStrength::Fka,
                Some("N.K.A.") | Some("NKA") => NameStrength::Nka,
                Some("A.K.A.") | Some("AKA") | None => NameStrength::Aka,
                Some(other) => {
                    warn.push(format!("unknown aliasType '{other}': read as a.k.a."));
                    NameStrength::Aka
                }
            }
        };
        let mut translations = n.descendants(&["translations", "translation"]);
        translations.sort_by_key(|t| !bool_of(t, "isPrimary"));
        for t in translations {
            let full = match t.text_of("formattedFullName") {
                Some(f) => collapse_ws(f),
                None => {
                    let parts: Vec<&str> = t
                        .descendants(&["nameParts", "namePart"])
                        .into_iter()
                        .filter_map(|p| p.text_of("value"))
                        .collect();
                    collapse_ws(&parts.join(" "))
                }
            };
            if full.is_empty() {
                continue;
            }
            let mut name = Name::new(&full, strength);
            name.script = t.text_of("script").and_then(script_name);
            if kind == Kind::Person {
                name.family = t.text_of("formattedLastName").map(collapse_ws);
                name.given = t.text_of("formattedFirstName").map(collapse_ws);
            }
            e.add_name(name);
        }
    }
    if e.names.is_empty() {
        return Err(Error::malformed(format!("entity {own_id} has no name")));
    }
    if !e.names.iter().any(|n| n.strength == NameStrength::Primary) {
        warn.push("no name is marked primary: the first one is used".into());
        e.names[0].strength = NameStrength::Primary;
    }

    // Lists, programmes, legal bases.
    let lists = node.descendants(&["sanctionsLists", "sanctionsList"]);
    let on_sdn = (!lists.is_empty()).then(|| {
        lists
            .iter()
            .any(|l| l.text().eq_ignore_ascii_case("SDN List"))
    });
    for l in &lists {
        e.add_attribute("sanctions_list", l.text());
    }
    for p in node.descendants(&["sanctionsPrograms", "sanctionsProgram"]) {
        let p = collapse_ws(p.text());
        if !p.is_empty() && !e.programs.contains(&p) {
            e.programs.push(p);
        }
    }
    for t in node.descendants(&["sanctionsTypes", "sanctionsType"]) {
        e.add_attribute("sanctions_type", t.text());
    }
    for a in node.descendants(&["legalAuthorities", "legalAuthority"]) {
        e.add_attribute("legal_authority", a.text());
    }

    // Addresses: the primary translation, written as the CSV writes it.
    for a in node.descendants(&["addresses", "address"]) {
        let mut translations = a.descendants(&["translations", "translation"]);
        translations.sort_by_key(|t| !bool_of(t, "isPrimary"));
        let text = translations
            .first()
            .map(|t| address_parts_text(t))
            .unwrap_or_default();
        add_address(&mut e, text, a.text_of("country"));
    }

    // Features: dates of birth, places, countries, contact data, …
    for f in node.descendants(&["features", "feature"]) {
        let Some(ty) = f.text_of("type") else {
            continue;
        };
        let value = f.text_of("value").unwrap_or("");
        if ty.eq_ignore_ascii_case("Birthdate") {
            if let Some(dob) = feature_dob(f, value) {
                if dob.date.is_none() {
                    warn.push(format!(
                        "date of birth '{}' not understood: kept as text",
                        dob.raw
                    ));
                }
                if !e.dobs.iter().any(|d| d.raw == dob.raw) {
                    e.dobs.push(dob);
                }
            }
            continue;
        }
        if value.is_empty() {
            continue;
        }
        let note = f.text_of("comments").map(collapse_ws);
        if !apply_labeled(&mut e, ty, value, None, note, true, warn) {
            e.remarks.push(collapse_ws(&format!("{ty} {value}")));
        }
    }

    // Identity documents.
    for d in node.descendants(&["identityDocuments", "identityDocument"]) {
        let (Some(ty), Some(num)) = (d.text_of("type"), d.text_of("documentNumber")) else {
            continue;
        };
        let mut note = Vec::new();
        if let Some(a) = d.text_of("issuingAuthority") {
            note.push(format!("issued by {a}"));
        }
        if let Some(l) = d.text_of("issuingLocation") {
            note.push(format!("issued in {l}"));
        }
        if d.text_of("isValid")
            .map(|v| v.eq_ignore_ascii_case("false"))
            == Some(true)
        {
            note.push("not valid".to_string());
        }
        let note = (!note.is_empty()).then(|| note.join("; "));
        let country = d.text_of("issuingCountry");
        // Without an issuingCountry the number may carry it: `123 (Russia)`.
        if !apply_labeled(
            &mut e,
            ty,
            num,
            country,
            note.clone(),
            country.is_some(),
            warn,
        ) {
            push_id(
                &mut e,
                Identifier {
                    kind: "other".into(),
                    value: collapse_ws(num),
                    raw_type: Some(collapse_ws(ty)),
                    country: country.map(collapse_ws),
                    note,
                },
            );
        }
    }

    // Relationships: kept as the linked party's name (a different party,
    // so not a cross-list link).
    for r in node.descendants(&["relationships", "relationship"]) {
        if let Some(other) = r.text_of("relatedEntity") {
            e.add_attribute("linked_to", other);
        }
    }

    if let Some(r) = info.and_then(|g| g.text_of("remarks")) {
        e.remarks.insert(0, collapse_ws(r));
        parse_remarks(&mut e, r, warn);
    }

    // Country codes the file itself gives (by refId or by its own names).
    let by_ref: HashMap<String, &str> = node
        .descendants(&["addresses", "address", "country"])
        .into_iter()
        .chain(node.descendants(&["features", "feature"]))
        .filter_map(|n| {
            let id = n.attr("refId").or_else(|| n.text_of("valueRefId"))?;
            let code = refs.country_code.get(id)?;
            let name = if n.name == "feature" {
                n.text_of("value")?
            } else {
                n.text()
            };
            Some((name.to_lowercase(), code.as_str()))
        })
        .collect();
    for c in &mut e.countries {
        if c.code.is_none() {
            let key = c.name.to_lowercase();
            c.code = by_ref
                .get(&key)
                .map(|s| s.to_string())
                .or_else(|| refs.code_by_name.get(&key).cloned());
        }
    }
    Ok((e, on_sdn))
}

/// An address translation's parts, joined as the CSV joins them:
/// `street, City, State Postal, Region`.
fn address_parts_text(t: &Node) -> String {
    let mut street = Vec::new();
    let (mut city, mut state, mut postal, mut other) = (None, None, None, Vec::new());
    for p in t.descendants(&["addressParts", "addressPart"]) {
        let Some(v) = p.text_of("value") else {
            continue;
        };
        match p.text_of("type").map(str::to_ascii_uppercase).as_deref() {
            Some("ADDRESS1") | Some("ADDRESS2") | Some("ADDRESS3") => street.push(v),
            Some("CITY") => city = Some(v),
            Some("STATE/PROVINCE") => state = Some(v),
            Some("POSTAL CODE") => postal = Some(v),
            _ => other.push(v),
        }
    }
    let street = address_text(&street.into_iter().map(Some).collect::<Vec<_>>());
    let mut csp = address_text(&[city, state]);
    if let Some(pc) = postal {
        csp = if csp.is_empty() {
            collapse_ws(pc)
        } else {
            format!("{csp} {}", collapse_ws(pc))
        };
    }
    let mut parts = vec![Some(street.as_str()), Some(csp.as_str())];
    parts.extend(other.into_iter().map(Some));
    address_text(&parts)
}

/// A `Birthdate` feature: its text where that parses, else its
/// `valueDate` (from / to, approximate).
fn feature_dob(f: &Node, value: &str) -> Option<DateOfBirth> {
    let vd = f.child("valueDate");
    let approx = vd.map(|v| bool_of(v, "isApproximate")).unwrap_or(false);
    let range = vd.map(|v| bool_of(v, "isDateRange")).unwrap_or(false);
    if !value.is_empty() {
        let mut dob = parse_dob(value, SlashOrder::Dmy);
        dob.approx |= approx;
        if dob.date.is_some() || vd.is_none() {
            return Some(dob);
        }
    }
    let vd = vd?;
    let from = vd
        .text_of("fromDateBegin")
        .and_then(|d| parse_date(d, SlashOrder::Mdy));
    let to = vd
        .text_of("toDateEnd")
        .and_then(|d| parse_date(d, SlashOrder::Mdy));
    let raw = if value.is_empty() {
        [vd.text_of("fromDateBegin"), vd.text_of("toDateEnd")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" to ")
    } else {
        collapse_ws(value)
    };
    if raw.is_empty() {
        return None;
    }
    Some(DateOfBirth {
        raw,
        date: from,
        to: if range && to != from { to } else { None },
        approx,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CountryRole;
    use crate::source::{parse_bytes, shared_lists_dir};

    const NS: &str =
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML";

    fn doc(filters: &str, entities: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<sanctionsData xmlns="{NS}">
  <publicationInfo><dataAsOf>2025-01-10T00:00:00</dataAsOf><filters>{filters}</filters></publicationInfo>
  <referenceValues>
    <referenceValue refId="11171"><type>COUNTRY</type><value>Russia</value><isoCode>RU</isoCode></referenceValue>
  </referenceValues>
  <entities>{entities}</entities>
</sanctionsData>"#
        )
    }

    const BANK: &str = r#"
    <entity id="18268">
      <generalInfo><identityId>9992</identityId><entityType refId="601">Entity</entityType>
        <remarks>All offices worldwide; a.k.a. 'EXIAR'.</remarks></generalInfo>
      <sanctionsLists><sanctionsList refId="1550">SDN List</sanctionsList></sanctionsLists>
      <sanctionsPrograms><sanctionsProgram>UKRAINE-EO13662</sanctionsProgram><sanctionsProgram>RUSSIA-EO14024</sanctionsProgram></sanctionsPrograms>
      <names>
        <name id="2"><isPrimary>false</isPrimary><aliasType refId="1400">A.K.A.</aliasType><isLowQuality>false</isLowQuality>
          <translations>
            <translation id="5"><isPrimary>false</isPrimary><script refId="20107">Cyrillic</script><formattedFullName>АО РОСЭКСИМБАНК</formattedFullName></translation>
            <translation id="4"><isPrimary>true</isPrimary><script refId="20122">Latin</script><formattedFullName>AO ROSEKSIMBANK</formattedFullName></translation>
          </translations></name>
        <name id="1"><isPrimary>true</isPrimary><isLowQuality>false</isLowQuality>
          <translations><translation id="3"><isPrimary>true</isPrimary><script refId="20122">Latin</script>
            <formattedLastName>EXIMBANK OF RUSSIA JSC</formattedLastName><formattedFullName>EXIMBANK OF RUSSIA JSC</formattedFullName></translation></translations></name>
        <name id="6"><isPrimary>false</isPrimary><aliasType refId="1401">F.K.A.</aliasType><isLowQuality>false</isLowQuality>
          <translations><translation id="7"><isPrimary>true</isPrimary><script refId="20105">Chinese Simplified</script><formattedFullName>俄罗斯进出口银行</formattedFullName></translation></translations></name>
        <name id="8"><isPrimary>false</isPrimary><aliasType refId="1400">A.K.A.</aliasType><isLowQuality>true</isLowQuality>
          <translations><translation id="9"><isPrimary>true</isPrimary><script refId="20122">Latin</script><formattedFullName>EXIM</formattedFullName></translation></translations></name>
      </names>
      <addresses><address id="10"><country refId="11171">Russia</country><translations><translation id="11"><isPrimary>true</isPrimary><script>Latin</script>
        <addressParts><addressPart id="1"><type>ADDRESS1</type><value>12 Krasnopresnenskaya Embankments</value></addressPart>
        <addressPart id="2"><type>CITY</type><value>Moscow</value></addressPart>
        <addressPart id="3"><type>POSTAL CODE</type><value>123610</value></addressPart></addressParts></translation></translations></address></addresses>
      <features>
        <feature id="1"><type featureTypeId="13">SWIFT/BIC</type><value>EXIRRUMM</value><isPrimary>true</isPrimary></feature>
        <feature id="2"><type featureTypeId="504">Secondary sanctions risk:</type><value>Ukraine-/Russia-Related Sanctions Regulations</value></feature>
        <feature id="3"><type>Nationality of Registration</type><value>Russia</value><valueRefId>11171</valueRefId></feature>
      </features>
      <identityDocuments><identityDocument id="9"><type refId="1596">Tax ID No.</type><documentNumber>7704001959</documentNumber><isValid>true</isValid><issuingCountry refId="11171">Russia</issuingCountry></identityDocument></identityDocuments>
      <relationships><relationship id="1"><type>Owned or Controlled By</type><relatedEntity entityId="1">VEB.RF</relatedEntity></relationship></relationships>
    </entity>"#;

    const PERSON: &str = r#"
    <entity id="9639">
      <generalInfo><entityType refId="600">Individual</entityType></generalInfo>
      <sanctionsLists><sanctionsList>Non-SDN Palestinian Legislative Council List</sanctionsList></sanctionsLists>
      <names><name id="1"><isPrimary>true</isPrimary><isLowQuality>false</isLowQuality><translations><translation id="1"><isPrimary>true</isPrimary><script>Latin</script>
        <formattedFirstName>Ismail Abdul Salah</formattedFirstName><formattedLastName>HANIYA</formattedLastName><formattedFullName>HANIYA, Ismail Abdul Salah</formattedFullName></translation></translations></name></names>
      <features>
        <feature id="4"><type featureTypeId="8">Birthdate</type><value>circa 1962</value>
          <valueDate><fromDateBegin>1962-01-01</fromDateBegin><toDateEnd>1962-12-31</toDateEnd><isApproximate>true</isApproximate><isDateRange>false</isDateRange></valueDate></feature>
        <feature id="5"><type featureTypeId="9">Place of Birth</type><value>Shati</value></feature>
      </features>
    </entity>"#;

    #[test]
    fn reads_names_in_every_script() {
        let x = doc("", BANK);
        let list = read(&Input::from_bytes("sdn_enhanced.xml", x.into_bytes())).unwrap();
        assert_eq!(list.list_id, "ofac-sdn"); // its only entity is on the SDN List
        assert_eq!(list.version.as_deref(), Some("2025-01-10"));
        let e = &list.entities[0];
        assert_eq!(e.id, "ofac-sdn:18268");
        assert_eq!(e.kind, Kind::Organization);
        let names: Vec<(&str, NameStrength, Option<&str>)> = e
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.strength, n.script.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "EXIMBANK OF RUSSIA JSC",
                    NameStrength::Primary,
                    Some("Latin")
                ),
                ("AO ROSEKSIMBANK", NameStrength::Aka, Some("Latin")),
                ("АО РОСЭКСИМБАНК", NameStrength::Aka, Some("Cyrillic")),
                ("俄罗斯进出口银行", NameStrength::Fka, Some("Han")),
                ("EXIM", NameStrength::WeakAka, Some("Latin")),
                ("EXIAR", NameStrength::WeakAka, None),
            ]
        );
        assert_eq!(e.programs, ["UKRAINE-EO13662", "RUSSIA-EO14024"]);
        assert_eq!(
            e.addresses[0].text,
            "12 Krasnopresnenskaya Embankments, Moscow 123610"
        );
        let ids: Vec<(&str, &str, Option<&str>)> = e
            .ids
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str(), i.country.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                ("bic", "EXIRRUMM", None),
                ("tax_id", "7704001959", Some("Russia"))
            ]
        );
        assert!(e
            .countries
            .iter()
            .any(|c| c.role == CountryRole::Registration && c.code.as_deref() == Some("RU")));
        assert!(e
            .remarks
            .iter()
            .any(|r| r.starts_with("Secondary sanctions risk:")));
        assert_eq!(e.remarks[0], "All offices worldwide; a.k.a. 'EXIAR'.");
        assert!(e
            .attributes
            .iter()
            .any(|a| a.key == "linked_to" && a.value == "VEB.RF"));
    }

    #[test]
    fn person_dates_and_the_list_choice() {
        let x = doc("", &format!("{BANK}{PERSON}"));
        let list = read(&Input::from_bytes("x.xml", x.into_bytes())).unwrap();
        // one entity is not on the SDN List: not the SDN list
        assert_eq!(list.list_id, "ofac-cons");
        let p = &list.entities[1];
        assert_eq!(p.id, "ofac-cons:9639");
        assert_eq!(p.names[0].family.as_deref(), Some("HANIYA"));
        assert_eq!(p.names[0].given.as_deref(), Some("Ismail Abdul Salah"));
        assert_eq!(p.dobs[0].date.unwrap().year, 1962);
        assert!(p.dobs[0].approx);
        assert!(p
            .attributes
            .iter()
            .any(|a| a.key == "place_of_birth" && a.value == "Shati"));
        // the publication's filter wins over the entities
        let x = doc(
            "<sanctionsLists><sanctionsList>SDN List</sanctionsList></sanctionsLists>",
            PERSON,
        );
        assert_eq!(
            read(&Input::from_bytes("cons.xml", x.into_bytes()))
                .unwrap()
                .list_id,
            "ofac-sdn"
        );
    }

    #[test]
    fn zip_and_broken_inputs() {
        use std::io::Write;
        let x = doc("", BANK);
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            z.start_file("SDN_ENHANCED.XML", zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(x.as_bytes()).unwrap();
            z.finish().unwrap();
        }
        let zipped = buf.into_inner();
        let list = read(&Input::from_bytes("SDN_ENHANCED.ZIP", zipped.clone())).unwrap();
        assert_eq!(list.entities.len(), 1);
        // truncated ZIP, truncated XML, wrong root
        assert!(read(&Input::from_bytes(
            "a.zip",
            zipped[..zipped.len() / 2].to_vec()
        ))
        .is_err());
        let cut = &x[..x.find("<features>").unwrap()];
        let e = parse_bytes(Format::OfacEnhancedXml, cut.as_bytes()).unwrap_err();
        assert!(e.message().contains("truncated"), "{e}");
        assert!(parse_bytes(Format::OfacEnhancedXml, b"<sdnList/>").is_err());
        assert!(parse_bytes(Format::OfacEnhancedXml, doc("", "").as_bytes()).is_err());
    }

    #[test]
    fn real_consolidated_enhanced_zip() {
        let Some(dir) = shared_lists_dir() else {
            return;
        };
        let path = dir.join("ofac-cons/2025-01-10/CONS_ENHANCED.ZIP");
        let list = crate::source::read_input(&Input::file(&path)).unwrap();
        assert_eq!(list.list_id, "ofac-cons");
        assert_eq!(list.format, Format::OfacEnhancedXml);
        assert_eq!(list.version.as_deref(), Some("2025-01-10"));
        assert_eq!(list.entities.len(), 443);
        let count = |k: Kind| list.entities.iter().filter(|e| e.kind == k).count();
        assert_eq!((count(Kind::Organization), count(Kind::Person)), (363, 80));
        // SOURCES.md counts 1,579 <name> elements. They carry 1,624
        // translations (one Latin each, plus 39 Cyrillic and 6 Chinese), and
        // each script form is a name of ours; entity 18721 gives one name
        // twice, so 1,623 distinct names.
        let script = |s: &str| {
            list.entities
                .iter()
                .flat_map(|e| &e.names)
                .filter(|n| n.script.as_deref() == Some(s))
                .count()
        };
        assert_eq!(
            (script("Latin"), script("Cyrillic"), script("Han")),
            (1_578, 39, 6)
        );
        assert_eq!(list.name_count(), 1_623);
        assert!(
            list.warnings.is_empty(),
            "{:?}",
            &list.warnings[..list.warnings.len().min(5)]
        );
        // Megvii: its Chinese name is a name of its own, in the Han script.
        let m = list.entities.iter().find(|e| e.own_id == "33091").unwrap();
        assert_eq!(m.primary_name(), "MEGVII TECHNOLOGY LIMITED");
        assert!(m
            .names
            .iter()
            .any(|n| n.full == "旷视科技有限公司" && n.script.as_deref() == Some("Han")));
        // VTB: F.K.A. names, a Cyrillic form, a low-quality alias.
        let v = list.entities.iter().find(|e| e.own_id == "17013").unwrap();
        assert!(v
            .names
            .iter()
            .any(|n| n.full == "BANK VTB OAO" && n.strength == NameStrength::Fka));
        assert!(v
            .names
            .iter()
            .any(|n| n.full == "БАНК ВТБ ПАО" && n.script.as_deref() == Some("Cyrillic")));
        assert!(v
            .names
            .iter()
            .any(|n| n.full == "JSC VTB BANK NEW DELHI BRANCH"
                && n.strength == NameStrength::WeakAka));
    }

    #[test]
    fn truncated_real_enhanced_is_always_an_error() {
        let Some(dir) = shared_lists_dir() else {
            return;
        };
        let zipped = std::fs::read(dir.join("ofac-cons/2025-01-10/CONS_ENHANCED.ZIP")).unwrap();
        for cut in [zipped.len() / 10, zipped.len() / 2, zipped.len() - 30] {
            assert!(read(&Input::from_bytes(
                "CONS_ENHANCED.ZIP",
                zipped[..cut].to_vec()
            ))
            .is_err());
        }
        let (xml, _) = unzip_xml(&zipped).unwrap();
        for cut in crate::source::ofac_xml::tests::cut_points(xml.len(), &xml) {
            let r = read(&Input::from_bytes("CONS_ENHANCED.XML", xml[..cut].to_vec()));
            assert!(r.is_err(), "cut at {cut} of {} read as a list", xml.len());
        }
        // the unzipped XML reads the same as the ZIP
        let list = read(&Input::from_bytes("CONS_ENHANCED.XML", xml)).unwrap();
        assert_eq!(list.entities.len(), 443);
    }

    #[test]
    fn random_bytes_are_refused() {
        let mut x: u32 = 7;
        for len in [1usize, 10, 1000] {
            let mut bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            assert!(parse_bytes(Format::OfacEnhancedXml, &bytes).is_err());
            bytes.splice(0..0, b"PK\x03\x04".iter().copied());
            assert!(parse_bytes(Format::OfacEnhancedXml, &bytes).is_err());
        }
    }
}
