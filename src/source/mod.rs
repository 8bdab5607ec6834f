//! Reading official screening lists into the [entity model](crate::model).
//!
//! One file per format. Formats are detected from *content* (see
//! [`detect`]), never from a file name, with two documented exceptions that
//! content cannot decide: the OFAC CSV companions (`add.csv`, `alt.csv`,
//! `sdn_comments.csv`, `cons_*.csv`) are found beside their main file by
//! name, and whether an OFAC file is the SDN or the Consolidated list is told
//! by content where the file states it and by the `cons` prefix of its name
//! otherwise.
//!
//! Entry points: [`read_paths`] walks files and folders and reads every list
//! found; [`read_input`] reads one list file; [`parse_bytes`] reads bytes of a
//! known format (fuzzing, tests).
//!
//! Promises kept here for every format:
//! - a list that yields no entity is refused (an empty or truncated main file
//!   must never read as "everything was delisted");
//! - entity ids are unique within a list and every entity has a primary name;
//! - names without a stated script get one detected from their letters;
//! - oddities that can be kept (a bad date, a misspelt script) are kept as
//!   raw text and counted as [`Warning`]s.

pub mod dates;
pub mod input;
pub mod xml;

pub mod au_dfat;
pub mod ca_sema;
pub mod eu_fsf;
pub mod ofac_csv;
pub mod ofac_enhanced;
pub mod ofac_xml;
pub mod opensanctions;
pub mod uk_ofsi;
pub mod un_xml;
pub mod us_bis_dpl;
pub mod us_csl;

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::model::Entity;
pub use input::Input;

/// Every list format this engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Format {
    /// OFAC legacy CSV set (`sdn.csv` + companions, or `cons_prim.csv` + companions).
    OfacCsv,
    /// OFAC flat XML (`sdnList`, e.g. `sdn.xml`, `consolidated.xml`).
    OfacXml,
    /// OFAC Enhanced XML (`sanctionsData`), plain or inside its ZIP.
    OfacEnhancedXml,
    /// UN Security Council consolidated XML (`CONSOLIDATED_LIST`).
    UnXml,
    /// UK OFSI ConList CSV (Windows-1252).
    UkOfsiCsv,
    /// UK OFSI ConList workbook.
    UkOfsiXlsx,
    /// US trade.gov Consolidated Screening List CSV (optionally gzip).
    UsCslCsv,
    /// US BIS Denied Persons List, tab-separated.
    UsBisDplTsv,
    /// EU Financial Sanctions Files legacy XML (`WHOLE`/`ENTITY`).
    EuFsfXml,
    /// EU Financial Sanctions Files legacy CSV (`;`-separated).
    EuFsfCsv,
    /// Canada SEMA XML (`data-set`/`record`).
    CaSemaXml,
    /// Australia DFAT consolidated workbook.
    AuDfatXlsx,
    /// OpenSanctions FollowTheMoney JSON lines (entities or delta ops).
    OpenSanctionsJson,
}

impl Format {
    /// The short name shown by `embargo lists`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::OfacCsv => "ofac-csv",
            Format::OfacXml => "ofac-xml",
            Format::OfacEnhancedXml => "ofac-enhanced-xml",
            Format::UnXml => "un-xml",
            Format::UkOfsiCsv => "uk-ofsi-csv",
            Format::UkOfsiXlsx => "uk-ofsi-xlsx",
            Format::UsCslCsv => "us-csl-csv",
            Format::UsBisDplTsv => "us-bis-dpl-tsv",
            Format::EuFsfXml => "eu-fsf-xml",
            Format::EuFsfCsv => "eu-fsf-csv",
            Format::CaSemaXml => "ca-sema-xml",
            Format::AuDfatXlsx => "au-dfat-xlsx",
            Format::OpenSanctionsJson => "ftm-json",
        }
    }

    /// Every format, for tests and fuzzing.
    pub const ALL: [Format; 13] = [
        Format::OfacCsv,
        Format::OfacXml,
        Format::OfacEnhancedXml,
        Format::UnXml,
        Format::UkOfsiCsv,
        Format::UkOfsiXlsx,
        Format::UsCslCsv,
        Format::UsBisDplTsv,
        Format::EuFsfXml,
        Format::EuFsfCsv,
        Format::CaSemaXml,
        Format::AuDfatXlsx,
        Format::OpenSanctionsJson,
    ];
}

/// A recoverable oddity met while reading: kept, counted, reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub path: PathBuf,
    /// 1-based line or record number, where known.
    pub line: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path.display(), l, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// One list, read.
#[derive(Debug, Clone)]
pub struct ParsedList {
    /// Short list id (`ofac-sdn`, `un-sc`, …; see [`crate::model::list_ids`]).
    pub list_id: String,
    pub format: Format,
    /// The path the list was found at: the file, or the folder of an OFAC
    /// CSV set.
    pub path: PathBuf,
    /// Every file that was read for it (main file first).
    pub files: Vec<PathBuf>,
    /// The publication date or version the list states, if any.
    pub version: Option<String>,
    pub entities: Vec<Entity>,
    pub warnings: Vec<Warning>,
}

impl ParsedList {
    /// An empty list read from `path`.
    pub fn new(list_id: &str, format: Format, path: &Path) -> ParsedList {
        ParsedList {
            list_id: list_id.to_string(),
            format,
            path: path.to_path_buf(),
            files: vec![path.to_path_buf()],
            version: None,
            entities: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Records a warning about `path` (the list's own path when `None`).
    pub fn warn(&mut self, path: Option<&Path>, line: Option<u64>, message: impl Into<String>) {
        self.warnings.push(Warning {
            path: path.unwrap_or(&self.path).to_path_buf(),
            line,
            message: message.into(),
        });
    }

    /// Number of distinct name strings over all entities (each script form
    /// counted once per entity).
    pub fn name_count(&self) -> usize {
        self.entities.iter().map(|e| e.distinct_name_count()).sum()
    }

    /// Checks the promises every reader keeps and fills detected scripts.
    fn finish(mut self) -> Result<ParsedList> {
        if self.entities.is_empty() {
            return Err(Error::malformed(
                "no entries found: the list is empty or truncated (refusing it rather than reading it as an empty list)",
            )
            .in_file(&self.path));
        }
        let mut seen = HashSet::with_capacity(self.entities.len());
        for e in &mut self.entities {
            if !seen.insert(e.id.clone()) {
                return Err(
                    Error::malformed(format!("duplicate entity id {}", e.id)).in_file(&self.path)
                );
            }
            if e.names.is_empty() {
                return Err(
                    Error::malformed(format!("entity {} has no name", e.id)).in_file(&self.path)
                );
            }
            for n in &mut e.names {
                if n.script.is_none() {
                    n.script = crate::normalize::script::detect(&n.full).map(str::to_string);
                }
            }
        }
        Ok(self)
    }
}

/// What a file holds, as told by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// The main file of a list in this format.
    List(Format),
    /// An OFAC CSV companion: `add`, `alt` or `comments`.
    OfacCompanion(Companion),
}

/// The OFAC CSV companion files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Companion {
    Add,
    Alt,
    Comments,
}

const SNIFF_BYTES: usize = 64 * 1024;

/// Tells a file's format from its content. `Ok(None)`: not a list.
pub fn detect(input: &Input) -> Result<Option<Detected>> {
    let head = input.head(SNIFF_BYTES)?;
    if head.starts_with(b"PK\x03\x04") {
        return detect_zip(input);
    }
    Ok(detect_text(&head))
}

fn detect_zip(input: &Input) -> Result<Option<Detected>> {
    let bytes = input.bytes()?;
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(&*bytes)) {
        Ok(z) => z,
        Err(e) => {
            return Err(
                Error::malformed(format!("unreadable ZIP archive: {e}")).in_file(input.path())
            )
        }
    };
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    if names.iter().any(|n| n == "xl/workbook.xml") {
        return Ok(detect_workbook(input)?.map(Detected::List));
    }
    for name in names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with(".xml"))
    {
        let mut head = Vec::new();
        if let Ok(f) = zip.by_name(name) {
            let _ = f.take(SNIFF_BYTES as u64).read_to_end(&mut head);
        }
        if let Some(Detected::List(Format::OfacEnhancedXml)) = detect_text(&head) {
            return Ok(Some(Detected::List(Format::OfacEnhancedXml)));
        }
    }
    Ok(None)
}

/// UK ConList and DFAT workbooks differ in their header row. Only the
/// first rows of the first sheet are streamed (loading the whole sheet
/// would double the read time of a workbook).
fn detect_workbook(input: &Input) -> Result<Option<Format>> {
    use calamine::Reader;
    let bytes = input.bytes()?;
    let mut xl: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(&*bytes))
        .map_err(|e| Error::malformed(format!("unreadable workbook: {e}")).in_file(input.path()))?;
    let Some(name) = xl.sheet_names().first().cloned() else {
        return Ok(None);
    };
    let mut cells = xl.worksheet_cells_reader(&name).map_err(|e| {
        Error::malformed(format!("unreadable worksheet {name}: {e}")).in_file(input.path())
    })?;
    while let Ok(Some(c)) = cells.next_cell() {
        if c.get_position().0 > 2 {
            break;
        }
        let t = calamine::DataType::as_string(c.get_value()).unwrap_or_default();
        let t = t.trim();
        if t.eq_ignore_ascii_case("Group ID") || t.eq_ignore_ascii_case("Last Updated") {
            return Ok(Some(Format::UkOfsiXlsx));
        }
        if t.eq_ignore_ascii_case("Name of Individual or Entity") {
            return Ok(Some(Format::AuDfatXlsx));
        }
    }
    Ok(None)
}

/// The name of the first element of an XML document.
fn xml_root(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        let i = rest.find('<')?;
        rest = &rest[i + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = &rest[..end];
        return Some(name.rsplit(':').next().unwrap_or(name));
    }
}

fn detect_text(head: &[u8]) -> Option<Detected> {
    let (text, _) = input::decode_utf8_or_1252(head);
    let t = text.trim_start();
    if t.starts_with('<') {
        return match xml_root(t)? {
            "sdnList" => Some(Detected::List(Format::OfacXml)),
            "sanctionsData" => Some(Detected::List(Format::OfacEnhancedXml)),
            "CONSOLIDATED_LIST" => Some(Detected::List(Format::UnXml)),
            "WHOLE" | "export" => Some(Detected::List(Format::EuFsfXml)),
            "data-set" => Some(Detected::List(Format::CaSemaXml)),
            _ => None,
        };
    }
    if t.starts_with('{') {
        let first = t.lines().next().unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(first).ok()?;
        let has_schema = v.get("schema").is_some()
            || v.get("entity")
                .map(|e| e.get("id").is_some())
                .unwrap_or(false);
        return has_schema.then_some(Detected::List(Format::OpenSanctionsJson));
    }
    let first_line = t.lines().next().unwrap_or("");
    let unquoted = first_line.trim_start_matches('"');
    if unquoted.starts_with("Last Updated") {
        return Some(Detected::List(Format::UkOfsiCsv));
    }
    if first_line.starts_with("_id,source,") {
        return Some(Detected::List(Format::UsCslCsv));
    }
    if first_line.starts_with("\"Name\"\t") || first_line.starts_with("Name\tStreet_Address") {
        return Some(Detected::List(Format::UsBisDplTsv));
    }
    if first_line.contains("Entity_logical_id") && first_line.contains(';') {
        return Some(Detected::List(Format::EuFsfCsv));
    }
    detect_ofac_csv(t)
}

/// OFAC CSV files have no header: they are told apart by the shape of their
/// first record (numeric ent_num, then 12, 6, 5 or 2 fields).
fn detect_ofac_csv(text: &str) -> Option<Detected> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let rec = rdr.records().next()?.ok()?;
    let first = rec.get(0)?.trim();
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let second_numeric = rec
        .get(1)
        .map(|s| !s.trim().is_empty() && s.trim().bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(false);
    match rec.len() {
        12 => Some(Detected::List(Format::OfacCsv)),
        6 if second_numeric => Some(Detected::OfacCompanion(Companion::Add)),
        5 if second_numeric => Some(Detected::OfacCompanion(Companion::Alt)),
        2 => Some(Detected::OfacCompanion(Companion::Comments)),
        _ => None,
    }
}

/// An OFAC CSV set: the main file and whichever companions sit beside it.
#[derive(Debug, Clone)]
pub struct OfacCsvSet {
    /// `ofac-sdn` or `ofac-cons` (by the `cons` prefix of the main file name).
    pub list_id: &'static str,
    /// The folder holding the set (the list's path).
    pub folder: PathBuf,
    pub main: Input,
    pub add: Option<Input>,
    pub alt: Option<Input>,
    pub comments: Option<Input>,
}

impl OfacCsvSet {
    /// The set around `main`: companions are looked up beside it by name
    /// (`add.csv`/`alt.csv`/`sdn_comments.csv`, or the `cons_` equivalents,
    /// each optionally gzip-compressed as `*.csv.gz`).
    pub fn around(main: &Path) -> OfacCsvSet {
        let folder = main.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = main
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let cons = name.starts_with("cons");
        let find = |cands: &[&str]| -> Option<Input> {
            let entries = std::fs::read_dir(&folder).ok()?;
            let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            cands.iter().find_map(|c| {
                files
                    .iter()
                    .find(|p| {
                        p.file_name()
                            .map(|n| n.to_string_lossy().eq_ignore_ascii_case(c))
                            .unwrap_or(false)
                    })
                    .map(|p| Input::file(p.clone()))
            })
        };
        let (add, alt, comments): (&[&str], &[&str], &[&str]) = if cons {
            (
                &["cons_add.csv", "cons_add.csv.gz"],
                &["cons_alt.csv", "cons_alt.csv.gz"],
                &["cons_comments.csv", "cons_comments.csv.gz"],
            )
        } else {
            (
                &["add.csv", "add.csv.gz"],
                &["alt.csv", "alt.csv.gz"],
                &["sdn_comments.csv", "sdn_comments.csv.gz"],
            )
        };
        let (add, alt, comments) = (find(add), find(alt), find(comments));
        OfacCsvSet {
            list_id: if cons {
                crate::model::list_ids::OFAC_CONS
            } else {
                crate::model::list_ids::OFAC_SDN
            },
            folder,
            main: Input::file(main),
            add,
            alt,
            comments,
        }
    }
}

/// Reads one list file whose format is already known.
pub fn read_format(format: Format, input: &Input) -> Result<ParsedList> {
    let list = match format {
        Format::OfacCsv => {
            let set = if input.path().is_file() {
                OfacCsvSet::around(input.path())
            } else {
                OfacCsvSet {
                    list_id: crate::model::list_ids::OFAC_SDN,
                    folder: PathBuf::new(),
                    main: input.clone(),
                    add: None,
                    alt: None,
                    comments: None,
                }
            };
            ofac_csv::read_set(&set)
        }
        Format::OfacXml => ofac_xml::read(input),
        Format::OfacEnhancedXml => ofac_enhanced::read(input),
        Format::UnXml => un_xml::read(input),
        Format::UkOfsiCsv => uk_ofsi::read_csv(input),
        Format::UkOfsiXlsx => uk_ofsi::read_xlsx(input),
        Format::UsCslCsv => us_csl::read(input),
        Format::UsBisDplTsv => us_bis_dpl::read(input),
        Format::EuFsfXml => eu_fsf::read_xml(input),
        Format::EuFsfCsv => eu_fsf::read_csv(input),
        Format::CaSemaXml => ca_sema::read(input),
        Format::AuDfatXlsx => au_dfat::read(input),
        Format::OpenSanctionsJson => opensanctions::read(input),
    };
    list.map_err(|e| e.in_file(input.path()))?.finish()
}

/// Reads bytes of a known format (fuzzing and tests: no companions, no
/// file system).
pub fn parse_bytes(format: Format, bytes: &[u8]) -> Result<ParsedList> {
    read_format(format, &Input::from_bytes("<input>", bytes.to_vec()))
}

/// Reads one list file, detecting its format.
pub fn read_input(input: &Input) -> Result<ParsedList> {
    if input.raw_len()? == 0 {
        return Err(Error::malformed(
            "file is empty (0 bytes): refusing it rather than reading it as an empty list",
        )
        .in_file(input.path()));
    }
    match detect(input)? {
        Some(Detected::List(f)) => read_format(f, input),
        Some(Detected::OfacCompanion(_)) => Err(Error::new(
            ErrorKind::UnknownFormat,
            "this is an OFAC companion file (add/alt/comments); read the folder or the main file (sdn.csv, cons_prim.csv) instead",
        )
        .in_file(input.path())),
        None => Err(Error::new(ErrorKind::UnknownFormat, "not a list in any known format")
            .in_file(input.path())),
    }
}

/// What [`read_paths`] found: lists, errors, and files it passed over.
#[derive(Debug, Default)]
pub struct Found {
    pub lists: Vec<ParsedList>,
    pub errors: Vec<Error>,
    /// Files met while walking a folder that are not lists (notes only).
    pub skipped: Vec<(PathBuf, String)>,
}

/// Reads every list at the given files and folders. Folders are walked
/// (sorted, recursively); within one folder an OFAC CSV set is one list.
/// A failure of one list is recorded and the others are still read.
pub fn read_paths<P: AsRef<Path>>(paths: &[P]) -> Found {
    let mut found = Found::default();
    for p in paths {
        let p = p.as_ref();
        if p.is_dir() {
            walk(p, &mut found);
        } else if p.exists() {
            match read_input(&Input::file(p)) {
                Ok(l) => found.lists.push(l),
                Err(e) => found.errors.push(e),
            }
        } else {
            found.errors.push(Error::io(
                p,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            ));
        }
    }
    found
}

fn walk(dir: &Path, found: &mut Found) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            found.errors.push(Error::io(dir, e));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    let mut here: Vec<ParsedList> = Vec::new();
    let mut companions: BTreeMap<Companion, PathBuf> = BTreeMap::new();
    let mut mains = 0usize;
    for p in &paths {
        if p.is_dir() {
            walk(p, found);
            continue;
        }
        let input = Input::file(p);
        if matches!(input.raw_len(), Ok(0)) {
            let lower = input.file_name_lower();
            let name = lower.trim_end_matches(".gz");
            if name.ends_with("comments.csv")
                || name.ends_with("add.csv")
                || name.ends_with("alt.csv")
            {
                // An empty companion file is legitimate (no comments that day).
                continue;
            }
            // An empty main file is a failed download, never "no entries".
            found.errors.push(
                Error::malformed(
                    "file is empty (0 bytes): refusing it rather than reading it as an empty list",
                )
                .in_file(p),
            );
            continue;
        }
        match detect(&input) {
            Ok(Some(Detected::List(f))) => {
                if f == Format::OfacCsv {
                    mains += 1;
                }
                match read_format(f, &input) {
                    Ok(mut l) => {
                        if f == Format::OfacCsv {
                            l.path = dir.to_path_buf();
                        }
                        here.push(l)
                    }
                    Err(e) => found.errors.push(e),
                }
            }
            Ok(Some(Detected::OfacCompanion(c))) => {
                companions.insert(c, p.clone());
            }
            Ok(None) => found
                .skipped
                .push((p.clone(), "not a list in any known format".to_string())),
            Err(e) => found.errors.push(e),
        }
    }
    if mains == 0 && !companions.is_empty() {
        let names: Vec<String> = companions
            .values()
            .map(|p| p.display().to_string())
            .collect();
        found.skipped.push((
            dir.to_path_buf(),
            format!(
                "OFAC companion files without their main file (sdn.csv / cons_prim.csv): {} — not a complete list, not read",
                names.join(", ")
            ),
        ));
    }
    // Two copies of one publication in one folder (e.g. the XML and the CSV
    // set of one date) would double every entity: refuse both.
    let mut by_id: BTreeMap<String, Vec<ParsedList>> = BTreeMap::new();
    for l in here {
        by_id.entry(l.list_id.clone()).or_default().push(l);
    }
    for (id, lists) in by_id {
        if lists.len() > 1 {
            let names: Vec<String> = lists
                .iter()
                .map(|l| l.files[0].display().to_string())
                .collect();
            found.errors.push(
                Error::new(
                    ErrorKind::Usage,
                    format!(
                        "two copies of list {id} in one folder: {} — read one of them by naming its file",
                        names.join(" and ")
                    ),
                )
                .in_file(dir),
            );
        } else {
            found.lists.extend(lists);
        }
    }
}

/// The real lists beside the repository (`../shared/data/lists`), for tests.
/// `None` (after printing a visible note) when they are absent, so tests
/// that need them skip instead of failing on a machine without them.
#[doc(hidden)]
pub fn shared_lists_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/lists");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} is absent: skipping the tests on the real lists",
            dir.display()
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_from_content() {
        let d = |s: &str| detect_text(s.as_bytes());
        assert_eq!(
            d("<?xml version=\"1.0\"?>\n<sdnList xmlns=\"x\">"),
            Some(Detected::List(Format::OfacXml))
        );
        assert_eq!(
            d("<CONSOLIDATED_LIST dateGenerated=\"x\">"),
            Some(Detected::List(Format::UnXml))
        );
        assert_eq!(
            d("36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"),
            Some(Detected::List(Format::OfacCsv))
        );
        assert_eq!(
            d("36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n"),
            Some(Detected::OfacCompanion(Companion::Alt))
        );
        assert_eq!(
            d("Last Updated,02/04/2014\r\n"),
            Some(Detected::List(Format::UkOfsiCsv))
        );
        assert_eq!(d("hello world"), None);
        assert_eq!(d(""), None);
    }

    #[test]
    fn empty_bytes_are_refused_in_every_format() {
        for f in Format::ALL {
            assert!(parse_bytes(f, b"").is_err(), "{f:?} accepted empty input");
        }
    }
}
