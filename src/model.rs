//! The entity model every list format is read into.
//!
//! One [`Entity`] is one entry of one official list. Its id is
//! `<list-id>:<the list's own id>` (see `docs` in the README and the table in
//! the interface page), so the same party on two lists is two entities, tied
//! together by [`Link`]s where a list states the link.
//!
//! Fields keep what the list *says*: raw text is never thrown away when it
//! cannot be parsed (a date of birth `"circa 1962-1964"` keeps its raw text
//! beside whatever could be parsed out of it). Every entity carries a
//! [`Entity::content_hash`] of its canonical record so later stages (diff,
//! rescreen, cleared alerts) can tell exactly when it changed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Stable short identifiers of the lists this engine reads.
pub mod list_ids {
    /// OFAC Specially Designated Nationals (CSV, XML, Enhanced XML).
    pub const OFAC_SDN: &str = "ofac-sdn";
    /// OFAC Consolidated (non-SDN) lists.
    pub const OFAC_CONS: &str = "ofac-cons";
    /// UN Security Council consolidated list.
    pub const UN_SC: &str = "un-sc";
    /// UK HM Treasury OFSI consolidated list (ConList).
    pub const UK_OFSI: &str = "uk-ofsi";
    /// EU Financial Sanctions Files.
    pub const EU_FSF: &str = "eu-fsf";
    /// US Consolidated Screening List (trade.gov).
    pub const US_CSL: &str = "us-csl";
    /// US BIS Denied Persons List.
    pub const US_BIS_DPL: &str = "us-bis-dpl";
    /// Canada Special Economic Measures Act list.
    pub const CA_SEMA: &str = "ca-sema";
    /// Australia DFAT consolidated list.
    pub const AU_DFAT: &str = "au-dfat";
    /// OpenSanctions FollowTheMoney entities.
    pub const OPENSANCTIONS: &str = "opensanctions";
}

/// What sort of party an entity is.
///
/// `Unknown` is used where the list does not say: OFAC's `-0-` SDN type,
/// for instance, is *not* proof of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Person,
    Organization,
    Vessel,
    Aircraft,
    Unknown,
}

impl Kind {
    /// The lower-case word used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organization => "organization",
            Kind::Vessel => "vessel",
            Kind::Aircraft => "aircraft",
            Kind::Unknown => "unknown",
        }
    }
}

/// How strongly a name identifies the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameStrength {
    /// The entry's main name.
    Primary,
    /// A strong (good quality) also-known-as.
    Aka,
    /// A weak / low-quality a.k.a. (OFAC "weak aka", UK "Low quality").
    WeakAka,
    /// Formerly known as.
    Fka,
    /// Now known as.
    Nka,
}

impl NameStrength {
    /// The word used in outputs (`"primary"`, `"aka"`, `"weak_aka"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            NameStrength::Primary => "primary",
            NameStrength::Aka => "aka",
            NameStrength::WeakAka => "weak_aka",
            NameStrength::Fka => "fka",
            NameStrength::Nka => "nka",
        }
    }
}

/// One name of an entity, as the list writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    /// The full name as written (whitespace trimmed and collapsed, nothing
    /// else changed: case, punctuation, "LAST, First" order all kept).
    pub full: String,
    pub strength: NameStrength,
    /// Script as the list states it or as detected (`"Latin"`, `"Cyrillic"`,
    /// `"Arabic"`, `"Han"`, …); `None` when neither says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// Language the list gives for the name (e.g. EU `LANGUAGE`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Given name(s) where the list gives name parts separately.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    /// Family name where the list gives name parts separately.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

impl Name {
    /// A name with only its full text and strength (the common case).
    pub fn new(full: impl AsRef<str>, strength: NameStrength) -> Name {
        Name {
            full: collapse_ws(full.as_ref()),
            strength,
            script: None,
            lang: None,
            given: None,
            family: None,
        }
    }
}

/// A calendar date, as precise as the list gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    pub year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
}

impl PartialDate {
    /// A date of which only the year is known.
    pub fn year(year: i32) -> Self {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    /// A date checked for plausibility (month 1–12, day valid for the month,
    /// year 1800–2100). `None` when it is not a real date.
    pub fn checked(year: i32, month: Option<u8>, day: Option<u8>) -> Option<Self> {
        if !(1800..=2100).contains(&year) {
            return None;
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return None;
            }
            if let Some(d) = day {
                let max = match m {
                    2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                if d == 0 || d > max {
                    return None;
                }
            }
        } else if day.is_some() {
            return None;
        }
        Some(PartialDate { year, month, day })
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{:02}", m)?;
            if let Some(d) = self.day {
                write!(f, "-{:02}", d)?;
            }
        }
        Ok(())
    }
}

/// A date of birth (or, for organisations, of registration) as the list
/// states it: an exact date, a year, a month, an approximate year, or a
/// range — always with the raw text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateOfBirth {
    /// The text as the list wrote it.
    pub raw: String,
    /// The (start of the) date; `None` when the text could not be parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// End of a range (`"1960 to 1962"`, UN `BETWEEN`), inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
    /// The list says the date is approximate (`circa`, `APPROXIMATELY`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approx: bool,
}

/// Why a country is attached to an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountryRole {
    Nationality,
    Citizenship,
    /// Country of residence, of an address, or where an organisation is based.
    Location,
    /// Place of birth's country.
    Birth,
    /// Country of registration / incorporation / flag.
    Registration,
    /// Anything else the list names ("country" columns without a stated role).
    Other,
}

/// A country tied to the entity, as the list names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Country {
    pub role: CountryRole,
    /// The country as written ("Iran", "Syria / Syrie", "IR").
    pub name: String,
    /// ISO 3166-1 alpha-2 code where the list gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A postal address (kept as text; lists rarely structure it consistently).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Street, city, region, postcode, joined with ", " in list order.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// An identity document or registry number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    /// Canonical lower-case kind: `passport`, `national_id`, `tax_id`,
    /// `registration`, `imo`, `mmsi`, `call_sign`, `bic`, `email`, `website`,
    /// `phone`, `crypto:<CODE>` (e.g. `crypto:XBT`), `aircraft_serial`,
    /// `aircraft_tail`, or `other`.
    pub kind: String,
    /// The number as written.
    pub value: String,
    /// The type as the list wrote it (e.g. `"Digital Currency Address - XBT"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_type: Option<String>,
    /// Issuing country, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Any note the list attaches (issue date, "expires …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A link the list states from this entry to an entry of another list
/// (UK rows naming a UN reference, CSL rows that are SDN entries).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    /// The other entity's id, `<list-id>:<own id>`.
    pub entity_id: String,
}

/// A free-form attribute the list gives that has no field of its own
/// (title, gender, position, place of birth, vessel tonnage, …). Diffs
/// report changes here under `remarks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Lower-case key: `title`, `gender`, `position`, `place_of_birth`,
    /// `vessel_type`, `vessel_flag`, `tonnage`, `grt`, `vessel_owner`, …
    pub key: String,
    pub value: String,
}

/// One entry of one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// `<list-id>:<own id>`, e.g. `ofac-sdn:35096`, `un-sc:QDi.001`.
    pub id: String,
    /// The list's short id (one of [`list_ids`]).
    pub list_id: String,
    /// The list's own id of the entry.
    pub own_id: String,
    pub kind: Kind,
    /// Every name; `names[0]` is the primary name. No two names share the
    /// same `full` text and script.
    pub names: Vec<Name>,
    #[serde(default)]
    pub dobs: Vec<DateOfBirth>,
    #[serde(default)]
    pub countries: Vec<Country>,
    #[serde(default)]
    pub addresses: Vec<Address>,
    #[serde(default)]
    pub ids: Vec<Identifier>,
    #[serde(default)]
    pub programs: Vec<String>,
    #[serde(default)]
    pub remarks: Vec<String>,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    #[serde(default)]
    pub links: Vec<Link>,
}

/// What a hit reads of an [`Entity`]: its primary name, dates of birth,
/// countries and links. The index stores them apart from the record
/// (parsing a whole record was 6.5 µs of a first screen's hit, 19 µs of a
/// listed name's ~100 µs); it reads from a whole record too (aliases past
/// the first name, addresses, identifiers, remarks are skipped, not
/// built).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct HitFacts {
    /// `names[0].full` of the record.
    #[serde(
        rename = "names",
        deserialize_with = "first_full_name",
        serialize_with = "as_first_full_name"
    )]
    pub primary_name: String,
    #[serde(default)]
    pub dobs: Vec<DateOfBirth>,
    #[serde(default)]
    pub countries: Vec<Country>,
    #[serde(default)]
    pub links: Vec<Link>,
}

impl HitFacts {
    /// The facts of an entity.
    pub fn of(e: &Entity) -> HitFacts {
        HitFacts {
            primary_name: e.primary_name().to_string(),
            dobs: e.dobs.clone(),
            countries: e.countries.clone(),
            links: e.links.clone(),
        }
    }
}

/// `primary_name` as a `names` array of one name with only its `full`
/// text: what [`first_full_name`] reads.
fn as_first_full_name<S: serde::Serializer>(name: &str, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Full<'a> {
        full: &'a str,
    }
    [Full { full: name }].serialize(s)
}

/// The `full` text of the first element of a `names` array; the others
/// are skipped.
fn first_full_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::de::{IgnoredAny, SeqAccess, Visitor};
    #[derive(Deserialize)]
    struct Full {
        full: String,
    }
    struct First;
    impl<'de> Visitor<'de> for First {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of names")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
            let first = seq
                .next_element::<Full>()?
                .map(|n| n.full)
                .unwrap_or_default();
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(first)
        }
    }
    d.deserialize_seq(First)
}

impl Entity {
    /// A new entity with no names or attributes yet.
    pub fn new(list_id: &str, own_id: impl Into<String>, kind: Kind) -> Entity {
        let own_id = own_id.into();
        Entity {
            id: format!("{}:{}", list_id, own_id),
            list_id: list_id.to_string(),
            own_id,
            kind,
            names: Vec::new(),
            dobs: Vec::new(),
            countries: Vec::new(),
            addresses: Vec::new(),
            ids: Vec::new(),
            programs: Vec::new(),
            remarks: Vec::new(),
            attributes: Vec::new(),
            links: Vec::new(),
        }
    }

    /// The primary name (`names[0]`), or `""` for an entity without names.
    pub fn primary_name(&self) -> &str {
        self.names.first().map(|n| n.full.as_str()).unwrap_or("")
    }

    /// Adds a name unless the same text (in the same script) is already
    /// there — the first, strongest mention wins — or it is empty. A second
    /// `Primary` becomes an `Aka`.
    pub fn add_name(&mut self, mut name: Name) {
        name.full = collapse_ws(&name.full);
        if name.full.is_empty() {
            return;
        }
        if name.strength == NameStrength::Primary
            && self
                .names
                .iter()
                .any(|n| n.strength == NameStrength::Primary)
        {
            name.strength = NameStrength::Aka;
        }
        if self
            .names
            .iter()
            .any(|n| n.full == name.full && n.script == name.script)
        {
            return;
        }
        if name.strength == NameStrength::Primary {
            self.names.insert(0, name);
        } else {
            self.names.push(name);
        }
    }

    /// Adds another script form of a name at its own strength: unlike
    /// [`Entity::add_name`], a second `Primary` stays `Primary` (the
    /// original-script form of a primary name is as strong as the Latin one).
    pub fn add_script_form(&mut self, mut name: Name) {
        name.full = collapse_ws(&name.full);
        if name.full.is_empty()
            || self
                .names
                .iter()
                .any(|n| n.full == name.full && n.script == name.script)
        {
            return;
        }
        let at = if name.strength == NameStrength::Primary {
            self.names
                .iter()
                .position(|n| n.strength != NameStrength::Primary)
                .unwrap_or(self.names.len())
        } else {
            self.names.len()
        };
        self.names.insert(at, name);
    }

    /// Adds a country unless already present with the same role.
    pub fn add_country(&mut self, role: CountryRole, name: &str, code: Option<&str>) {
        let name = collapse_ws(name);
        if name.is_empty() {
            return;
        }
        if self
            .countries
            .iter()
            .any(|c| c.role == role && c.name == name)
        {
            return;
        }
        self.countries.push(Country {
            role,
            name,
            code: code.map(str::to_string),
        });
    }

    /// Adds an attribute unless the same key/value is already present.
    pub fn add_attribute(&mut self, key: &str, value: &str) {
        let value = collapse_ws(value);
        if value.is_empty() {
            return;
        }
        if self
            .attributes
            .iter()
            .any(|a| a.key == key && a.value == value)
        {
            return;
        }
        self.attributes.push(Attribute {
            key: key.to_string(),
            value,
        });
    }

    /// Adds a link to another list's entity, once.
    pub fn add_link(&mut self, entity_id: String) {
        if !self.links.iter().any(|l| l.entity_id == entity_id) {
            self.links.push(Link { entity_id });
        }
    }

    /// Number of distinct name strings (each script form counted once).
    pub fn distinct_name_count(&self) -> usize {
        let mut seen: Vec<&str> = self.names.iter().map(|n| n.full.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }

    /// SHA-256 (hex) of the canonical record: every field of the entity,
    /// serialised as JSON in a fixed field order. Two entities with the same
    /// hash have the same parsed content; the list's version and the file it
    /// came from are *not* part of it, so an unchanged entry keeps its hash
    /// across publications.
    pub fn content_hash(&self) -> String {
        // Serialising plain data structures to a Vec cannot fail.
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        hex(&Sha256::digest(&bytes))
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// Trims and collapses every run of Unicode whitespace to one ASCII space.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_id_joins_list_and_own_id() {
        let e = Entity::new(list_ids::UN_SC, "QDi.001", Kind::Person);
        assert_eq!(e.id, "un-sc:QDi.001");
    }

    #[test]
    fn second_primary_becomes_aka_and_duplicates_are_dropped() {
        let mut e = Entity::new(list_ids::OFAC_SDN, "1", Kind::Person);
        e.add_name(Name::new("KIM  Jong Un ", NameStrength::Primary));
        e.add_name(Name::new("Kim Jong Un", NameStrength::Primary));
        e.add_name(Name::new("KIM Jong Un", NameStrength::Aka));
        e.add_name(Name::new("  ", NameStrength::Aka));
        assert_eq!(e.names.len(), 2);
        assert_eq!(e.names[0].full, "KIM Jong Un");
        assert_eq!(e.names[1].strength, NameStrength::Aka);
        assert_eq!(e.distinct_name_count(), 2);
    }

    #[test]
    fn content_hash_changes_with_any_field() {
        let mut e = Entity::new(list_ids::OFAC_SDN, "1", Kind::Person);
        e.add_name(Name::new("A B", NameStrength::Primary));
        let h1 = e.content_hash();
        assert_eq!(h1, e.clone().content_hash());
        e.remarks.push("x".into());
        assert_ne!(h1, e.content_hash());
    }

    #[test]
    fn partial_dates_are_checked() {
        assert!(PartialDate::checked(2017, Some(2), Some(29)).is_none());
        assert!(PartialDate::checked(2016, Some(2), Some(29)).is_some());
        assert!(PartialDate::checked(3017, Some(8), Some(22)).is_none());
        assert_eq!(
            PartialDate::checked(1960, Some(1), None)
                .unwrap()
                .to_string(),
            "1960-01"
        );
    }
}
