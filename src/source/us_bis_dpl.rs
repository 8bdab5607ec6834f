//! US BIS Denied Persons List (`dpl.txt`), tab-separated text.
//!
//! Format: a header row `"Name" "Street_Address" "City" "State" "Country"
//! "Postal_Code" "Effective_Date" "Expiration_Date" "Standard_Order"
//! "Last_Update" "Action" "FR_Citation"`, then one row per (person, address):
//! every field double-quoted, fields separated by tabs. Columns are found by
//! their header names, so a reordered file reads the same.
//!
//! Entities: the list has no id column. Rows whose `Name` is identical after
//! trimming and collapsing whitespace are ONE entity (a person or firm with
//! several addresses appears on several rows). Its id is a digest of that
//! canonical name *as written* (case and punctuation kept):
//! `us-bis-dpl:<first 16 hex digits of sha256(canonical name)>` — see
//! [`dpl_id`], which the CSL reader shares to link its DPL rows here.
//!
//! Field mapping:
//! - `Name` → the primary name. Names that embed another name with an
//!   explicit marker (`PEARL (A.K.A. NEI-CHIEN CHU) LI`, `X D/B/A Y`,
//!   `F/K/A`) also get the parts as names (`aka`, or `fka` after F.K.A.);
//!   other parentheses are left alone.
//! - Kind: always `unknown` — the list does not say whether a name is a
//!   person or a company, and this reader does not guess.
//! - `Street_Address`, `City`, `State`, `Postal_Code` → one [`Address`]
//!   (joined with `", "`), `Country` → its country and a `location` country.
//!   Identical addresses of one entity are kept once.
//! - `Effective_Date`, `Expiration_Date` (MM/DD/YYYY) and `Last_Update`
//!   (YYYY-MM-DD) → attributes `effective_date`, `expiration_date`,
//!   `last_update` as ISO dates (raw text kept, with a warning, when not a
//!   real date); `Standard_Order`, `Action`, `FR_Citation` → attributes
//!   `standard_order`, `action`, `fr_citation`. Rows of one entity may add
//!   several values of one key (renewed orders).
//!
//! Version: the newest *plausible* `Last_Update` (ISO). The real files carry
//! impossible dates (`3017-08-22`, `2922-09-01`, `3033-09-30`): a date that is
//! not a real date, or lies after today, is not used for the version and is
//! reported as a warning (it is still kept on its entity as raw text).
//!
//! Truncation: a last row with too few fields, or an unclosed quote, is an
//! error. A cut exactly between two rows cannot be seen in this format.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::dates::{self, SlashOrder};
use super::us_csl::{csv_error, is_country_code, skip_bom, QuoteGuard};
use super::{Format, Input, ParsedList};
use crate::error::{Error, Result};
use crate::model::{
    collapse_ws, hex, list_ids, Address, CountryRole, Entity, Kind, Name, NameStrength, PartialDate,
};

/// The entity id of a DPL name: `us-bis-dpl:` + the first 16 hex digits of
/// the SHA-256 of the name trimmed and whitespace-collapsed (nothing else
/// changed: case and punctuation are part of the identity).
pub fn dpl_id(name: &str) -> String {
    format!("{}:{}", list_ids::US_BIS_DPL, dpl_own_id(name))
}

/// The own-id part of [`dpl_id`].
pub fn dpl_own_id(name: &str) -> String {
    let canonical = collapse_ws(name);
    let digest = Sha256::digest(canonical.as_bytes());
    let mut h = hex(&digest);
    h.truncate(16);
    h
}

/// Reads the list.
pub fn read(input: &Input) -> Result<ParsedList> {
    read_as_of(input, today())
}

/// Column positions, found by header name.
#[derive(Default)]
struct Columns {
    name: usize,
    street: Option<usize>,
    city: Option<usize>,
    state: Option<usize>,
    country: Option<usize>,
    postal: Option<usize>,
    effective: Option<usize>,
    expiration: Option<usize>,
    standard_order: Option<usize>,
    last_update: Option<usize>,
    action: Option<usize>,
    fr_citation: Option<usize>,
}

impl Columns {
    fn from_header(fields: &[String]) -> Option<Columns> {
        let find = |want: &str| {
            fields
                .iter()
                .position(|f| f.trim().eq_ignore_ascii_case(want))
        };
        Some(Columns {
            name: find("Name")?,
            street: find("Street_Address"),
            city: find("City"),
            state: find("State"),
            country: find("Country"),
            postal: find("Postal_Code"),
            effective: find("Effective_Date"),
            expiration: find("Expiration_Date"),
            standard_order: find("Standard_Order"),
            last_update: find("Last_Update"),
            action: find("Action"),
            fr_citation: find("FR_Citation"),
        })
    }
}

/// Reads the list, judging `Last_Update` dates after `today` implausible.
fn read_as_of(input: &Input, today: PartialDate) -> Result<ParsedList> {
    let mut list = ParsedList::new(list_ids::US_BIS_DPL, Format::UsBisDplTsv, input.path());
    let mut reader = input.reader()?;
    skip_bom(&mut reader, input)?;
    let guard = QuoteGuard::new(reader, b'\t');
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(false)
        .from_reader(guard);

    let mut rec = csv::ByteRecord::new();
    let mut cols: Option<Columns> = None;
    let mut header: Vec<String> = Vec::new();
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut newest: Option<PartialDate> = None;
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
            cols = Some(Columns::from_header(&fields).ok_or_else(|| {
                Error::malformed(
                    "not a Denied Persons List: the first row is not a header with a \"Name\" column",
                )
                .at(line)
            })?);
            header = fields;
            continue;
        };
        if fields == header {
            list.warn(None, Some(line), "repeated header row skipped");
            continue;
        }
        let get = |i: Option<usize>| -> &str {
            i.and_then(|i| fields.get(i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let canonical = collapse_ws(get(Some(c.name)));
        if canonical.is_empty() {
            list.warn(
                None,
                Some(line),
                "row without a name skipped (nothing to screen against)",
            );
            continue;
        }
        let idx = match by_name.get(&canonical) {
            Some(&i) => i,
            None => {
                let mut e =
                    Entity::new(list_ids::US_BIS_DPL, dpl_own_id(&canonical), Kind::Unknown);
                e.add_name(Name::new(&canonical, NameStrength::Primary));
                for n in embedded_names(&canonical) {
                    e.add_name(n);
                }
                entities.push(e);
                by_name.insert(canonical.clone(), entities.len() - 1);
                entities.len() - 1
            }
        };
        // Last_Update first: it decides the version.
        let last_update = get(c.last_update);
        if !last_update.is_empty() {
            match dates::parse_date(last_update, SlashOrder::Mdy) {
                Some(d) if d <= today => {
                    if newest.map_or(true, |n| d > n) {
                        newest = Some(d);
                    }
                }
                Some(_) => list.warn(
                    None,
                    Some(line),
                    format!(
                        "Last_Update {last_update:?} lies in the future: kept as written, not used for the list's version"
                    ),
                ),
                None => list.warn(
                    None,
                    Some(line),
                    format!(
                        "Last_Update {last_update:?} is not a real date: kept as written, not used for the list's version"
                    ),
                ),
            }
        }
        let mut warnings: Vec<String> = Vec::new();
        let e = &mut entities[idx];
        add_address(
            e,
            &[get(c.street), get(c.city), get(c.state), get(c.postal)],
            get(c.country),
        );
        for (key, col) in [
            ("effective_date", c.effective),
            ("expiration_date", c.expiration),
            ("last_update", c.last_update),
        ] {
            let raw = get(col);
            if raw.is_empty() {
                continue;
            }
            match dates::parse_date(raw, SlashOrder::Mdy) {
                Some(d) => e.add_attribute(key, &d.to_string()),
                None => {
                    e.add_attribute(key, raw);
                    if key != "last_update" {
                        warnings.push(format!("{key} {raw:?} is not a real date: kept as written"));
                    }
                }
            }
        }
        e.add_attribute("standard_order", get(c.standard_order));
        e.add_attribute("action", get(c.action));
        e.add_attribute("fr_citation", get(c.fr_citation));
        for w in warnings {
            list.warn(None, Some(line), w);
        }
    }
    if rdr.get_ref().in_open_quote() {
        return Err(Error::malformed(
            "the last row ends inside a quoted field: the file is truncated",
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
    list.version = newest.map(|d| d.to_string());
    list.entities = entities;
    Ok(list)
}

/// Adds one address (unless the entity already has it) and its country.
fn add_address(e: &mut Entity, parts: &[&str], country: &str) {
    let text = parts
        .iter()
        .map(|p| collapse_ws(p))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let country = collapse_ws(country);
    if !country.is_empty() {
        let code = is_country_code(&country).then_some(country.as_str());
        e.add_country(CountryRole::Location, &country, code);
    }
    if text.is_empty() {
        return;
    }
    let addr = Address {
        text,
        country: (!country.is_empty()).then_some(country),
    };
    if !e.addresses.contains(&addr) {
        e.addresses.push(addr);
    }
}

/// Markers that introduce another name inside a DPL name, and the strength
/// of the name they introduce.
const MARKERS: &[(&str, NameStrength)] = &[
    ("A.K.A.", NameStrength::Aka),
    ("A/K/A", NameStrength::Aka),
    ("D/B/A", NameStrength::Aka),
    ("D.B.A.", NameStrength::Aka),
    ("F.K.A.", NameStrength::Fka),
    ("F/K/A", NameStrength::Fka),
];

/// Names embedded in a DPL name with an explicit marker:
/// `PEARL (A.K.A. NEI-CHIEN CHU) LI` → `PEARL LI` (aka), `NEI-CHIEN CHU`
/// (aka); `SIBERIAN AIRLINES D/B/A S7 AIRLINES` → `SIBERIAN AIRLINES`,
/// `S7 AIRLINES`. The first marker found is used.
fn embedded_names(name: &str) -> Vec<Name> {
    let upper = name.to_ascii_uppercase();
    let Some((pos, marker, strength)) = MARKERS
        .iter()
        .filter_map(|(m, s)| upper.find(m).map(|p| (p, *m, *s)))
        .min_by_key(|(p, _, _)| *p)
    else {
        return Vec::new();
    };
    // `to_ascii_uppercase` keeps byte offsets, so `pos` is valid in `name`.
    let before = name.get(..pos).unwrap_or("");
    let after = name.get(pos + marker.len()..).unwrap_or("");
    let (base, other) = if before.trim_end().ends_with('(') {
        let open = before.trim_end().len() - 1;
        match after.find(')') {
            Some(close) => (
                format!(
                    "{} {}",
                    before.get(..open).unwrap_or(""),
                    after.get(close + 1..).unwrap_or("")
                ),
                after.get(..close).unwrap_or("").to_string(),
            ),
            None => (
                before.get(..open).unwrap_or("").to_string(),
                after.to_string(),
            ),
        }
    } else {
        (before.to_string(), after.to_string())
    };
    let mut out = Vec::new();
    for (text, s) in [(base, NameStrength::Aka), (other, strength)] {
        let t = collapse_ws(text.trim_matches(|c: char| c.is_whitespace() || c == ','));
        if !t.is_empty() && t != name {
            out.push(Name::new(t, s));
        }
    }
    out
}

/// Today's date (UTC) from the system clock.
fn today() -> PartialDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    PartialDate {
        year: y,
        month: Some(m),
        day: Some(d),
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = if m <= 2 { y + 1 } else { y };
    (y as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{read_input, Format};

    const HEADER: &str = "\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t\"Postal_Code\"\t\"Effective_Date\"\t\"Expiration_Date\"\t\"Standard_Order\"\t\"Last_Update\"\t\"Action\"\t\"FR_Citation\"\n";

    fn row(fields: [&str; 12]) -> String {
        let quoted: Vec<String> = fields.iter().map(|f| format!("\"{f}\"")).collect();
        quoted.join("\t") + "\n"
    }

    fn sample() -> String {
        let mut s = HEADER.to_string();
        s += &row([
            " I. ASH",
            "FCI SEAGOVILLE, 2113 NORTH HIGHWAY 175",
            "SEAGOVILLE",
            "TX",
            "US",
            "75159",
            "06/19/2003",
            "06/29/2056",
            "Y",
            "2007-01-31",
            "FEDERAL REGISTER NOTICE UPDATED",
            "68 F.R. 38290 6/27/03",
        ]);
        s += &row([
            "I.  ASH",
            "12 OTHER STREET",
            "DALLAS",
            "TX",
            "US",
            "75001",
            "06/19/2003",
            "06/29/2056",
            "Y",
            "3017-08-22",
            "ADDRESS ADDED",
            "72 F.R. 4236 1/30/07",
        ]);
        s += &row([
            "PEARL (A.K.A. NEI-CHIEN CHU) LI",
            "1 MAIN ROAD",
            "TAIPEI",
            "",
            "TW",
            "",
            "02/30/2010",
            "",
            "N",
            "2019-06-12",
            "",
            "",
        ]);
        s
    }

    fn read_str(text: &str) -> Result<ParsedList> {
        let input = Input::from_bytes("dpl.txt", text.as_bytes().to_vec());
        let today = PartialDate::checked(2024, Some(1), Some(1)).unwrap();
        read_as_of(&input, today)
    }

    #[test]
    fn id_is_a_digest_of_the_trimmed_collapsed_name_as_written() {
        assert_eq!(dpl_id(" I.  ASH "), dpl_id("I. ASH"));
        assert_ne!(dpl_id("I. ASH"), dpl_id("I. Ash"));
        let id = dpl_id("I. ASH");
        assert!(id.starts_with("us-bis-dpl:"));
        assert_eq!(id.len(), "us-bis-dpl:".len() + 16);
    }

    #[test]
    fn rows_with_the_same_collapsed_name_are_one_entity_with_several_addresses() {
        let l = read_str(&sample()).unwrap();
        assert_eq!(l.entities.len(), 2);
        let ash = &l.entities[0];
        assert_eq!(ash.id, dpl_id("I. ASH"));
        assert_eq!(ash.primary_name(), "I. ASH");
        assert_eq!(ash.addresses.len(), 2);
        assert_eq!(
            ash.addresses[0].text,
            "FCI SEAGOVILLE, 2113 NORTH HIGHWAY 175, SEAGOVILLE, TX, 75159"
        );
        assert_eq!(ash.addresses[0].country.as_deref(), Some("US"));
    }

    #[test]
    fn kind_is_unknown_because_the_list_does_not_say() {
        let l = read_str(&sample()).unwrap();
        assert!(l.entities.iter().all(|e| e.kind == Kind::Unknown));
    }

    #[test]
    fn country_becomes_a_location_with_its_code() {
        let l = read_str(&sample()).unwrap();
        let c = &l.entities[1].countries[0];
        assert_eq!(
            (c.role, c.code.as_deref()),
            (CountryRole::Location, Some("TW"))
        );
    }

    #[test]
    fn dates_become_iso_attributes_and_order_details_are_kept() {
        let l = read_str(&sample()).unwrap();
        let a = |key: &str| -> Vec<&str> {
            l.entities[0]
                .attributes
                .iter()
                .filter(|a| a.key == key)
                .map(|a| a.value.as_str())
                .collect()
        };
        assert_eq!(a("effective_date"), ["2003-06-19"]);
        assert_eq!(a("expiration_date"), ["2056-06-29"]);
        assert_eq!(a("standard_order"), ["Y"]);
        assert_eq!(
            a("fr_citation"),
            ["68 F.R. 38290 6/27/03", "72 F.R. 4236 1/30/07"]
        );
        assert_eq!(a("action").len(), 2);
    }

    #[test]
    fn impossible_dates_are_kept_raw_with_a_warning() {
        let l = read_str(&sample()).unwrap();
        assert!(l.entities[0]
            .attributes
            .iter()
            .any(|a| a.key == "last_update" && a.value == "3017-08-22"));
        assert!(l.entities[1]
            .attributes
            .iter()
            .any(|a| a.key == "effective_date" && a.value == "02/30/2010"));
        assert!(l.warnings.iter().any(|w| w.message.contains("3017-08-22")));
        assert!(l.warnings.iter().any(|w| w.message.contains("02/30/2010")));
    }

    #[test]
    fn version_is_the_newest_plausible_last_update() {
        let l = read_str(&sample()).unwrap();
        assert_eq!(l.version.as_deref(), Some("2019-06-12"));
        let future = sample().replace("2019-06-12", "2099-01-01");
        let l = read_str(&future).unwrap();
        assert_eq!(l.version.as_deref(), Some("2007-01-31"));
        assert!(l.warnings.iter().any(|w| w.message.contains("future")));
    }

    #[test]
    fn embedded_aka_becomes_extra_names() {
        let l = read_str(&sample()).unwrap();
        let names: Vec<(&str, NameStrength)> = l.entities[1]
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.strength))
            .collect();
        assert_eq!(
            names,
            [
                ("PEARL (A.K.A. NEI-CHIEN CHU) LI", NameStrength::Primary),
                ("PEARL LI", NameStrength::Aka),
                ("NEI-CHIEN CHU", NameStrength::Aka),
            ]
        );
        let dba = embedded_names("SIBERIAN AIRLINES D/B/A S7 AIRLINES");
        let dba: Vec<&str> = dba.iter().map(|n| n.full.as_str()).collect();
        assert_eq!(dba, ["SIBERIAN AIRLINES", "S7 AIRLINES"]);
        assert!(embedded_names("C.I.C. ELECTRONICS (HK) LIMITED").is_empty());
    }

    #[test]
    fn truncated_rows_are_errors() {
        let s = sample();
        // Cut inside the last row's quoted field.
        let cut = &s[..s.len() - 5];
        assert!(read_str(cut).is_err());
        // Cut between fields: too few fields.
        let cut = &s[..s.rfind("\t\"N\"").unwrap()];
        assert!(read_str(cut).is_err());
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let l = read_str(&format!("\u{feff}{}", sample())).unwrap();
        assert_eq!(l.entities.len(), 2);
    }

    #[test]
    fn a_file_without_the_header_is_refused() {
        let s = sample();
        let body = &s[HEADER.len()..];
        assert!(read_str(body).is_err());
    }

    #[test]
    fn civil_dates_from_day_numbers() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    fn real(date: &str) -> Option<std::path::PathBuf> {
        let p = crate::source::shared_lists_dir()?
            .join("us-bis-dpl")
            .join(date)
            .join("dpl.txt");
        p.is_file().then_some(p)
    }

    /// (date, rows, names as written, entities after collapsing whitespace,
    /// version)
    const REAL: &[(&str, usize, usize, usize, &str)] = &[
        ("2019-06-29", 546, 416, 415, "2019-06-12"),
        ("2022-09-07", 581, 460, 459, "2022-09-02"),
        ("2023-11-30", 665, 546, 545, "2023-11-28"),
    ];

    #[test]
    fn real_files_have_the_expected_entities_and_versions() {
        for &(date, rows, as_written, entities, version) in REAL {
            let Some(path) = real(date) else { return };
            let l = read_input(&Input::file(&path)).unwrap();
            assert_eq!(l.format, Format::UsBisDplTsv);
            assert_eq!(l.entities.len(), entities, "{date}");
            assert_eq!(l.version.as_deref(), Some(version), "{date}");
            // Independent count over the raw text.
            let text = std::fs::read_to_string(&path).unwrap();
            let names: Vec<&str> = text
                .lines()
                .skip(1)
                .filter(|l| !l.is_empty())
                .map(|l| l.split('\t').next().unwrap().trim_matches('"'))
                .collect();
            assert_eq!(names.len(), rows, "{date}");
            let distinct: std::collections::HashSet<&str> = names.iter().copied().collect();
            assert_eq!(distinct.len(), as_written, "{date}");
            let collapsed: std::collections::HashSet<String> =
                names.iter().map(|n| collapse_ws(n)).collect();
            assert_eq!(collapsed.len(), entities, "{date}");
            // The impossible Last_Update dates are reported.
            assert!(l.warnings.iter().any(|w| w.message.contains("Last_Update")));
        }
    }

    #[test]
    fn real_entity_with_several_rows() {
        let Some(path) = real("2023-11-30") else {
            return;
        };
        let l = read_input(&Input::file(&path)).unwrap();
        let ash = l
            .entities
            .iter()
            .find(|e| e.id == dpl_id("I. ASH"))
            .unwrap();
        assert_eq!(ash.primary_name(), "I. ASH");
        assert!(ash
            .attributes
            .iter()
            .any(|a| a.key == "effective_date" && a.value == "2003-06-19"));
        let pearl = l
            .entities
            .iter()
            .find(|e| e.primary_name() == "PEARL (A.K.A. NEI-CHIEN CHU) LI")
            .unwrap();
        assert!(pearl.names.iter().any(|n| n.full == "NEI-CHIEN CHU"));
    }

    #[test]
    fn truncated_real_files_are_errors_or_shorter_never_a_panic() {
        let Some(path) = real("2023-11-30") else {
            return;
        };
        let bytes = std::fs::read(&path).unwrap();
        let full = read_input(&Input::file(&path)).unwrap().entities.len();
        for pct in [10, 50, 90, 99] {
            let cut = bytes.len() * pct / 100;
            let r = crate::source::parse_bytes(Format::UsBisDplTsv, &bytes[..cut]);
            // Mid-record cuts must be errors.
            assert!(r.is_err(), "cut at {pct}% was accepted");
        }
        // A cut exactly at a row boundary cannot be seen: a shorter list.
        let boundary = bytes[..bytes.len() / 2]
            .iter()
            .rposition(|&b| b == b'\n')
            .unwrap()
            + 1;
        let short = crate::source::parse_bytes(Format::UsBisDplTsv, &bytes[..boundary]).unwrap();
        assert!(short.entities.len() < full);
    }

    #[test]
    fn random_bytes_are_an_error_not_a_panic() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in [1usize, 7, 100, 5000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect();
            assert!(crate::source::parse_bytes(Format::UsBisDplTsv, &bytes).is_err());
        }
    }

    #[test]
    fn parse_time_of_real_files() {
        for &(date, ..) in REAL {
            let Some(path) = real(date) else { return };
            let t = std::time::Instant::now();
            let l = read_input(&Input::file(&path)).unwrap();
            eprintln!(
                "us-bis-dpl/{date}: {} entities in {:?}",
                l.entities.len(),
                t.elapsed()
            );
        }
    }
}
