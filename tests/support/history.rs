//! The real OFAC SDN history beside the repository
//! (`../shared/data/lists/ofac-sdn/history/`): 308 versions of `sdn.csv` in
//! a tar.zst archive and a manifest of per-step added/removed/changed
//! counts. Shared by `tests/delta.rs` and `examples/diff_history.rs`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One manifest row: a version and its counts against the previous one.
#[derive(Debug, Clone)]
pub struct Step {
    pub file: String,
    pub entries: usize,
    /// `(added, removed, changed)`; `None` for the first version.
    pub delta: Option<(usize, usize, usize)>,
}

pub fn history_dir() -> Option<PathBuf> {
    let d = embargo::source::shared_lists_dir()?.join("ofac-sdn/history");
    if d.join("sdn-csv-history.tar.zst").is_file() {
        Some(d)
    } else {
        eprintln!(
            "note: {} is absent: skipping the history checks",
            d.display()
        );
        None
    }
}

pub fn manifest(dir: &Path) -> Vec<Step> {
    let text = std::fs::read_to_string(dir.join("sdn-csv-history.MANIFEST.tsv")).unwrap();
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f[0].starts_with('(') || f.len() < 9 {
            continue; // the 0-byte version, not in the archive
        }
        let n = |i: usize| f[i].trim().parse::<usize>().ok();
        out.push(Step {
            file: f[0].to_string(),
            entries: n(4).unwrap(),
            delta: match (n(6), n(7), n(8)) {
                (Some(a), Some(r), Some(c)) => Some((a, r, c)),
                _ => None,
            },
        });
    }
    out
}

/// Streams the archive, handing each wanted version's bytes (by file
/// name) to `f` in archive order.
pub fn for_each_version(
    dir: &Path,
    wanted: &dyn Fn(&str) -> bool,
    f: &mut dyn FnMut(&str, Vec<u8>),
) {
    let file = std::fs::File::open(dir.join("sdn-csv-history.tar.zst")).unwrap();
    let dec = zstd::stream::read::Decoder::new(file).unwrap();
    let mut ar = tar::Archive::new(dec);
    for entry in ar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().to_string();
        let name = path.rsplit('/').next().unwrap_or("").to_string();
        if name.is_empty() || !wanted(&name) {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        f(&name, bytes);
    }
}

/// Parses one `sdn.csv` version (no companions: the archive holds only the
/// main file).
pub fn parse(bytes: &[u8]) -> Vec<embargo::Entity> {
    embargo::source::parse_bytes(embargo::source::Format::OfacCsv, bytes)
        .unwrap()
        .entities
}

/// Row text by ent_num (for explaining disagreements).
pub fn rows(bytes: &[u8]) -> HashMap<String, String> {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .filter_map(|l| {
            let (id, _) = l.split_once(',')?;
            Some((id.trim().to_string(), l.to_string()))
        })
        .collect()
}
