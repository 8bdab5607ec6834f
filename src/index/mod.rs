//! The index: the official lists compiled into memory-mapped FSTs and
//! fixed-width tables (see [`format`](mod@format) for the layout), built by [`build`](fn@build)
//! and read by [`Index`].
//!
//! An index folder is immutable once published; builds are atomic (a
//! temporary folder renamed into place). When a command is given no index,
//! [`default_index`] builds one from the lists bundled in `data/lists`
//! into a cache folder on first use and reuses it while the bundled data,
//! the format and the analysis stay the same.

pub mod build;
pub mod delhash;
pub mod format;
pub mod manifest;
pub mod mmap;
pub mod probe;
pub mod reader;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use build::{build, BuildReport};
pub use manifest::Manifest;
pub use reader::{EntityRef, Index, NameRef, PostingsRef, TokenRef, U32List};

use crate::error::{Error, ErrorKind, Result};
use crate::model::hex;

/// Where the bundled lists are: `$EMBARGO_DATA` if set, else the
/// repository's `data/lists`.
pub fn bundled_lists_dir() -> PathBuf {
    match std::env::var_os("EMBARGO_DATA") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lists"),
    }
}

/// The cache folder for default indexes: `$EMBARGO_CACHE`, else
/// `$XDG_CACHE_HOME/embargo`, else `$HOME/.cache/embargo`, else the system
/// temporary folder.
pub fn cache_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("EMBARGO_CACHE") {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(p).join("embargo");
    }
    if let Some(p) = std::env::var_os("HOME") {
        return PathBuf::from(p).join(".cache/embargo");
    }
    std::env::temp_dir().join("embargo-cache")
}

fn bundled_fingerprint(dir: &Path) -> Result<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .map_err(|e| Error::io(&d, e))?
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut h = Sha256::new();
    h.update(format::FORMAT_VERSION.to_le_bytes());
    h.update(crate::analysis::ANALYSIS_VERSION.as_bytes());
    h.update(build::analysis_data_sha256().as_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for f in files {
        let rel = f.strip_prefix(dir).unwrap_or(&f);
        h.update(rel.to_string_lossy().as_bytes());
        let bytes = std::fs::read(&f).map_err(|e| Error::io(&f, e))?;
        h.update(Sha256::digest(&bytes));
    }
    Ok(hex(&h.finalize())[..16].to_string())
}

/// The default index of the bundled lists: opened from the cache, or built
/// there first (atomically; a concurrent build of the same data is fine —
/// the first to finish wins and the other uses it).
pub fn default_index() -> Result<Index> {
    let lists = bundled_lists_dir();
    let fp = bundled_fingerprint(&lists)?;
    let dir = cache_dir().join(format!("default-{fp}"));
    if dir.join(format::MANIFEST_FILE).exists() {
        if let Ok(idx) = Index::open(&dir) {
            return Ok(idx);
        }
    }
    eprintln!(
        "note: building the default index of the bundled lists ({}) into {} (once)",
        lists.display(),
        dir.display()
    );
    let found = crate::source::read_paths(&[&lists]);
    if let Some(e) = found.errors.into_iter().next() {
        return Err(e);
    }
    if found.lists.is_empty() {
        return Err(Error::new(ErrorKind::Usage, "no bundled lists found").in_file(&lists));
    }
    match build(&found.lists, &dir) {
        Ok(_) => {}
        Err(_) if dir.join(format::MANIFEST_FILE).exists() => {}
        Err(e) => return Err(e),
    }
    let idx = Index::open(&dir)?;
    idx.verify()?;
    Ok(idx)
}

/// Fuzzing entry point (used by `fuzz/fuzz_targets/index.rs` and replayed
/// by the tests): opens a small valid index in which one file — chosen by
/// the first byte — is replaced by (or XORed with) the rest of `data`, and
/// walks every table. Must return errors, never panic.
#[doc(hidden)]
pub fn fuzz_index(data: &[u8]) {
    use std::sync::OnceLock;
    /// The manifest's bytes and the four data files of the base index.
    type Files = (Vec<u8>, [Vec<u8>; 4]);
    static BASE: OnceLock<Option<Files>> = OnceLock::new();
    let base = BASE.get_or_init(|| {
        use crate::model::{Entity, Kind, Name, NameStrength};
        let mut list = crate::source::ParsedList::new(
            "fuzz",
            crate::source::Format::OpenSanctionsJson,
            Path::new("<fuzz>"),
        );
        list.files.clear();
        for (i, n) in [
            "Vladimir Putin",
            "Мухаммад Али LLC",
            "金正恩",
            "Acme Trading S.A.",
        ]
        .iter()
        .enumerate()
        {
            let mut e = Entity::new("fuzz", i.to_string(), Kind::Person);
            e.add_name(Name::new(n, NameStrength::Primary));
            e.add_name(Name::new(format!("{n} Jr"), NameStrength::Aka));
            list.entities.push(e);
        }
        let dir = std::env::temp_dir().join(format!("embargo-fuzz-base-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        build(&[list], &dir).ok()?;
        let read = |n: &str| std::fs::read(dir.join(n)).ok();
        let out = (
            read(format::MANIFEST_FILE)?,
            [
                read(format::TERMS_FILE)?,
                read(format::KEYS_FILE)?,
                read(format::TABLES_FILE)?,
                read(format::RECORDS_FILE)?,
            ],
        );
        let _ = std::fs::remove_dir_all(&dir);
        Some(out)
    });
    let Some((manifest, files)) = base else {
        return;
    };
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let mut manifest = manifest.clone();
    let mut files = files.clone();
    let target: &mut Vec<u8> = match sel % 5 {
        0 => &mut manifest,
        k => &mut files[(k - 1) as usize],
    };
    if sel & 0x80 != 0 {
        for (i, b) in rest.iter().enumerate() {
            if let Some(t) = target.get_mut(i) {
                *t ^= b;
            }
        }
    } else {
        *target = rest.to_vec();
    }
    let Ok(idx) = Index::from_bytes(&manifest, files) else {
        return;
    };
    for t in 0..idx.term_count().min(10_000) {
        if let Ok((text, sk, _)) = idx.term(t) {
            let _ = idx.term_id(text);
            let _ = idx.key_list(format::key::SKELETON, sk.as_bytes());
            let _ = idx.deletion_terms(text.as_bytes());
            let mut n = 0usize;
            idx.for_each_deletion_term(text, 2, &mut |_| n += 1);
        }
        if let Ok(p) = idx.postings(t) {
            for n in p.iter().take(100) {
                let _ = idx.name(n);
            }
        }
    }
    for n in 0..idx.name_count().min(10_000) {
        if let Ok(r) = idx.name(n) {
            let _ = idx.name_tokens(&r);
        }
    }
    for e in 0..idx.entity_count().min(10_000) {
        if let Ok(r) = idx.entity(e) {
            let _ = idx.entity_record(&r);
        }
    }
}
