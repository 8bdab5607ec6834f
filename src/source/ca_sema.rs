//! Canada, Special Economic Measures Act (SEMA) consolidated list, XML.
//!
//! Layout: `<data-set>` holding one `<record>` per entry with `Country`,
//! `Title`, `LastName`, `GivenName`, `Entity`, `Aliases`, `DateOfBirth`,
//! `Schedule` and `Item`. The file states no date: the version is `None`.
//!
//! **Entity id** — `ca-sema:<country>/<schedule>/<item>`, where:
//! - `<country>` is the English part of `Country`: the text before its
//!   first `/` (`Burma / Birmanie` → `Burma`), whitespace trimmed and
//!   collapsed (no-break spaces included). For the Magnitsky-style entries
//!   the "country" is a regulation, and its English part is used the same
//!   way (`Justice for Victims of Corrupt Foreign Officials Regulations
//!   (JVCFOR)`);
//! - `<schedule>` is `Schedule` as written, trimmed and collapsed (`1`,
//!   `2`, `1, Part 2`, `N/A`), or empty when the record has none;
//! - `<item>` is `Item`, trimmed.
//!
//! E.g. `ca-sema:Burma/1/1`, `ca-sema:Zimbabwe/N/A/179`. A record without
//! `Country` or `Item` is an error (it cannot be identified).
//!
//! **Fields**:
//! - `LastName`/`GivenName` present → Person, named `GivenName LastName`
//!   (given/family set); else `Entity` → Organization; else Unknown.
//!   An `Entity` written in both languages (`Iranian Army/Armée
//!   iranienne`: a `/` outside parentheses) gives the English part as the
//!   primary name and the French part as an Aka.
//! - `Aliases`: a comma-separated list, split conservatively: commas
//!   inside parentheses do not split, and a piece that is only a legal-form
//!   suffix (`Ltd.`, `Co.`, `Inc.`, `LLC`, …) stays with the name before it
//!   (`Co., Ltd.`); an English/French pair `A/B` becomes two names; one
//!   pair of parentheses around a whole alias is dropped. Aliases are Aka;
//!   for a person, a one-word alias (`Andrei`, a given-name variant, or a
//!   nickname like `Motorola`) is a WeakAka: alone it identifies nobody.
//! - `DateOfBirth` (`1953-09-22`, `1964-03`, `1955`, `1972-08-10 or
//!   1972-08-11`) → one DOB per alternative.
//! - `Country` → a program (its English part) and, unless it names a
//!   regulation rather than a country, a country **as written**
//!   (`Syria / Syrie`) with role *Other*: it is the sanctions regime's
//!   country, not necessarily the person's nationality or location.
//! - `Title` → attribute `title` (as written, often bilingual).

use super::dates::{parse_dob, SlashOrder};
use super::un_xml::{split_top_level, wrapped_in_parens};
use super::xml::{read_records, XmlNode};
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{collapse_ws, list_ids, CountryRole, Entity, Kind, Name, NameStrength};

/// Reads the Canada SEMA XML.
pub fn read(input: &Input) -> Result<ParsedList> {
    let mut list = ParsedList::new(list_ids::CA_SEMA, Format::CaSemaXml, input.path());
    let is_record = |p: &[String]| p.len() == 2 && p[1] == "record";
    read_records(
        input,
        &is_record,
        |root| {
            if root.name != "data-set" {
                return Err(Error::malformed(format!(
                    "not a SEMA list: the root element is <{}>",
                    root.name
                ))
                .at(root.line));
            }
            Ok(())
        },
        |rec| {
            let e = convert(&rec, &mut list)?;
            list.entities.push(e);
            Ok(())
        },
    )?;
    Ok(list)
}

/// The English part of a bilingual `English / Français` text.
fn english_part(s: &str) -> String {
    collapse_ws(s.split('/').next().unwrap_or(s))
}

fn is_regulation(country: &str) -> bool {
    let l = country.to_lowercase();
    l.contains("regulation") || l.contains("règlement")
}

fn convert(rec: &XmlNode, list: &mut ParsedList) -> Result<Entity> {
    let country = rec
        .text_of("Country")
        .map(collapse_ws)
        .ok_or_else(|| Error::malformed("<record> without a Country").at(rec.line))?;
    let item = rec
        .text_of("Item")
        .map(collapse_ws)
        .ok_or_else(|| Error::malformed("<record> without an Item").at(rec.line))?;
    let schedule = rec.text_of("Schedule").map(collapse_ws).unwrap_or_default();
    let country_en = english_part(&country);
    let own_id = format!("{country_en}/{schedule}/{item}");

    let last = rec.text_of("LastName").map(collapse_ws);
    let given = rec.text_of("GivenName").map(collapse_ws);
    let org = rec.text_of("Entity").map(collapse_ws);
    let person = last.is_some() || given.is_some();
    let kind = if person {
        Kind::Person
    } else if org.is_some() {
        Kind::Organization
    } else {
        Kind::Unknown
    };
    let mut e = Entity::new(list_ids::CA_SEMA, own_id, kind);

    if person {
        let full = [given.as_deref(), last.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let mut name = Name::new(&full, NameStrength::Primary);
        name.given = given.clone();
        name.family = last.clone();
        e.add_name(name);
    }
    if let Some(o) = &org {
        let parts: Vec<&str> = split_top_level(o, '/')
            .into_iter()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let parts = if parts.len() >= 2 {
            parts
        } else {
            vec![o.as_str()]
        };
        for (i, p) in parts.into_iter().enumerate() {
            let strength = if i == 0 && !person {
                NameStrength::Primary
            } else {
                NameStrength::Aka
            };
            e.add_name(Name::new(p, strength));
        }
    }
    if let Some(a) = rec.text_of("Aliases") {
        for alias in split_aliases(a) {
            let strength = if person && !alias.contains(' ') {
                NameStrength::WeakAka
            } else {
                NameStrength::Aka
            };
            e.add_name(Name::new(&alias, strength));
        }
    }
    if e.names.is_empty() {
        return Err(Error::malformed(format!(
            "record {} has no LastName, GivenName, Entity or Aliases",
            e.id
        ))
        .at(rec.line));
    }

    if let Some(t) = rec.text_of("Title") {
        e.add_attribute("title", t);
    }
    if let Some(d) = rec.text_of("DateOfBirth") {
        for alt in collapse_ws(d).split(" or ") {
            let dob = parse_dob(alt, SlashOrder::Dmy);
            if dob.date.is_none() {
                list.warn(
                    None,
                    Some(rec.line),
                    format!("{}: unparseable date of birth '{}'", e.id, dob.raw),
                );
            }
            if !dob.raw.is_empty() && !e.dobs.contains(&dob) {
                e.dobs.push(dob);
            }
        }
    }
    e.programs.push(country_en);
    if !is_regulation(&country) {
        e.add_country(CountryRole::Other, &country, None);
    }
    Ok(e)
}

const LEGAL_SUFFIXES: &[&str] = &[
    "ltd",
    "ltd.",
    "limited",
    "inc",
    "inc.",
    "llc",
    "l.l.c.",
    "co",
    "co.",
    "corp",
    "corp.",
    "s.a.",
    "sa",
    "gmbh",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "llp",
    "plc",
    "pte",
    "pte.",
    "pte. ltd.",
    "s.a.r.l.",
    "sarl",
    "b.v.",
    "n.v.",
    "ag",
    "fze",
    "fzco",
    "l.p.",
    "lp",
];

fn is_legal_suffix(piece: &str) -> bool {
    LEGAL_SUFFIXES.contains(&piece.trim().to_lowercase().as_str())
}

/// The names one `Aliases` text lists (see the module doc).
pub(crate) fn split_aliases(raw: &str) -> Vec<String> {
    let s = collapse_ws(raw);
    let mut merged: Vec<String> = Vec::new();
    for piece in split_top_level(&s, ',') {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        match merged.last_mut() {
            Some(prev) if is_legal_suffix(piece) => {
                prev.push_str(", ");
                prev.push_str(piece);
            }
            _ => merged.push(piece.to_string()),
        }
    }
    let mut out = Vec::new();
    for m in merged {
        let m = m.trim();
        let m = if wrapped_in_parens(m) {
            m[1..m.len() - 1].trim()
        } else {
            m
        };
        for p in split_top_level(m, '/') {
            let p = p.trim();
            if !p.is_empty() && !out.iter().any(|o: &String| o == p) {
                out.push(p.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PartialDate;
    use crate::source::{parse_bytes, read_input};

    const XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>
<data-set xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">
	<record>
		<Country>Burma / Birmanie</Country>
		<Entity>Air Bagan</Entity>
		<Aliases>Air Bagan Holdings Pte. Ltd., Air Bagan Limited, Bagan Trading Co., Ltd.</Aliases>
		<Schedule>1</Schedule>
		<Item>1</Item>
	</record>
	<record>
		<Country>Russia / Russie</Country>
		<LastName>DYUMIN\u{a0}</LastName>
		<GivenName>Alexey Gennadyevich</GivenName>
		<Aliases>Alexei, Aleksei </Aliases>
		<DateOfBirth>1972-08-10 or 1972-08-11</DateOfBirth>
		<Schedule>1</Schedule>
		<Item>96</Item>
	</record>
	<record>
		<Country>Iran</Country>
		<Entity>Iranian Army/Arm\u{e9}e iranienne</Entity>
		<Aliases>GORT/ORTAS, (Rosselkhozbank)</Aliases>
		<Schedule>2</Schedule>
		<Item>7</Item>
	</record>
	<record>
		<Country>Zimbabwe</Country>
		<Title>Major General/major-g\u{e9}n\u{e9}ral</Title>
		<LastName>Murerwa </LastName>
		<GivenName>Ruth Chipo</GivenName>
		<DateOfBirth>1964-03</DateOfBirth>
		<Schedule>N/A</Schedule>
		<Item>180</Item>
	</record>
	<record>
		<Country>Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / \u{a0}R\u{e8}glement</Country>
		<LastName>Doe</LastName>
		<GivenName>John</GivenName>
		<Item>3</Item>
	</record>
</data-set>";

    fn list() -> ParsedList {
        parse_bytes(Format::CaSemaXml, XML.as_bytes()).unwrap()
    }

    #[test]
    fn ids_are_english_country_schedule_and_item() {
        let ids: Vec<String> = list().entities.into_iter().map(|e| e.id).collect();
        assert_eq!(
            ids,
            vec![
                "ca-sema:Burma/1/1",
                "ca-sema:Russia/1/96",
                "ca-sema:Iran/2/7",
                "ca-sema:Zimbabwe/N/A/180",
                "ca-sema:Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)//3",
            ]
        );
    }

    #[test]
    fn the_file_states_no_version() {
        assert_eq!(list().version, None);
    }

    #[test]
    fn entity_is_an_organization_and_names_are_a_person() {
        let l = list();
        assert_eq!(l.entities[0].kind, Kind::Organization);
        assert_eq!(l.entities[1].kind, Kind::Person);
        let n = &l.entities[1].names[0];
        assert_eq!(n.full, "Alexey Gennadyevich DYUMIN");
        assert_eq!(n.given.as_deref(), Some("Alexey Gennadyevich"));
        assert_eq!(n.family.as_deref(), Some("DYUMIN"));
    }

    #[test]
    fn aliases_split_on_commas_but_keep_legal_suffixes() {
        let names: Vec<String> = list().entities[0]
            .names
            .iter()
            .map(|n| n.full.clone())
            .collect();
        assert_eq!(
            names,
            vec![
                "Air Bagan",
                "Air Bagan Holdings Pte. Ltd.",
                "Air Bagan Limited",
                "Bagan Trading Co., Ltd."
            ]
        );
    }

    #[test]
    fn a_one_word_alias_of_a_person_is_weak() {
        let l = list();
        let n = &l.entities[1].names;
        assert_eq!(n[1].full, "Alexei");
        assert_eq!(n[1].strength, NameStrength::WeakAka);
    }

    #[test]
    fn bilingual_entity_names_and_slash_aliases_become_separate_names() {
        let l = list();
        let names: Vec<(&str, NameStrength)> = l.entities[2]
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.strength))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Iranian Army", NameStrength::Primary),
                ("Armée iranienne", NameStrength::Aka),
                ("GORT", NameStrength::Aka),
                ("ORTAS", NameStrength::Aka),
                ("Rosselkhozbank", NameStrength::Aka),
            ]
        );
    }

    #[test]
    fn alternative_birth_dates_are_two_dobs() {
        let l = list();
        let d = &l.entities[1].dobs;
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].date, PartialDate::checked(1972, Some(8), Some(11)));
        assert_eq!(
            l.entities[3].dobs[0].date,
            PartialDate::checked(1964, Some(3), None)
        );
    }

    #[test]
    fn country_is_a_program_and_an_other_country_unless_a_regulation() {
        let l = list();
        assert_eq!(l.entities[1].programs, vec!["Russia"]);
        assert_eq!(l.entities[1].countries[0].name, "Russia / Russie");
        assert_eq!(l.entities[1].countries[0].role, CountryRole::Other);
        assert!(l.entities[4].countries.is_empty());
        assert_eq!(
            l.entities[4].programs,
            vec!["Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"]
        );
    }

    #[test]
    fn title_is_an_attribute() {
        let l = list();
        assert_eq!(l.entities[3].attributes[0].key, "title");
        assert_eq!(
            l.entities[3].attributes[0].value,
            "Major General/major-général"
        );
    }

    #[test]
    fn a_record_without_item_is_an_error() {
        let xml = "<data-set><record><Country>Iran</Country><Entity>X</Entity></record></data-set>";
        assert!(parse_bytes(Format::CaSemaXml, xml.as_bytes()).is_err());
    }

    #[test]
    fn truncated_and_random_input_are_errors() {
        for cut in [10, XML.len() / 2, XML.len() - 5] {
            assert!(parse_bytes(Format::CaSemaXml, &XML.as_bytes()[..cut]).is_err());
        }
        let mut x: u64 = 0xDEAD_BEEF_CAFE_F00D;
        for len in [1usize, 50, 2000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            assert!(parse_bytes(Format::CaSemaXml, &bytes).is_err());
        }
    }

    // ---- real file ----

    fn real() -> Option<std::path::PathBuf> {
        let p = crate::source::shared_lists_dir()?.join("ca-sema/2020-04-15/sema-lmes.xml");
        if p.is_file() {
            Some(p)
        } else {
            eprintln!("note: {} is absent: skipped", p.display());
            None
        }
    }

    #[test]
    fn real_file_has_1369_records() {
        let Some(p) = real() else { return };
        let t = std::time::Instant::now();
        let l = read_input(&Input::file(&p)).unwrap();
        eprintln!(
            "sema-lmes.xml: {} entities, {} names, {} warnings, {:?}",
            l.entities.len(),
            l.name_count(),
            l.warnings.len(),
            t.elapsed()
        );
        assert_eq!(l.format, Format::CaSemaXml);
        assert_eq!(l.entities.len(), 1369);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(l.entities.len(), text.matches("<record>").count());
        assert_eq!(l.version, None);
        let persons = l.entities.iter().filter(|e| e.kind == Kind::Person).count();
        assert_eq!(persons, 985);
        // Hand-checked entries.
        let e = l
            .entities
            .iter()
            .find(|e| e.id == "ca-sema:Burma/1/1")
            .unwrap();
        assert_eq!(e.primary_name(), "Air Bagan");
        assert_eq!(e.names.len(), 3);
        let e = l
            .entities
            .iter()
            .find(|e| e.id == "ca-sema:Russia/1/43")
            .unwrap();
        assert_eq!(e.primary_name(), "Igor GIRKIN");
        assert!(e.names.iter().any(|n| n.full == "Igor STRELKOV"));
        let e = l
            .entities
            .iter()
            .find(|e| e.id == "ca-sema:Iran/1/25")
            .unwrap();
        assert!(e
            .names
            .iter()
            .any(|n| n.full == "Iran Aircraft Mfg. In. Co."));
    }

    #[test]
    fn truncated_real_file_is_an_error() {
        let Some(p) = real() else { return };
        let bytes = std::fs::read(&p).unwrap();
        let n = bytes.len();
        let mut cuts = vec![n / 10, n / 2, n * 9 / 10, n - 2];
        if let Some(i) = String::from_utf8_lossy(&bytes).find("</record>") {
            cuts.push(i + "</record>".len());
        }
        if let Some(nl) = bytes[n / 3..].iter().position(|&b| b == b'\n') {
            cuts.push(n / 3 + nl / 2);
        }
        for cut in cuts {
            assert!(
                parse_bytes(Format::CaSemaXml, &bytes[..cut]).is_err(),
                "cut at {cut} of {n} was accepted"
            );
        }
    }
}
