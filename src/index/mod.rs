//! The index: the official lists compiled into memory-mapped FSTs and
//! fixed-width tables (see [`format`] for the layout), built by [`build`]
//! and read by [`Index`].
//!
//! An index folder is immutable once published; builds are atomic (a
//! temporary folder renamed into place). When a command is given no index,
//! [`default_index`] builds one from the lists bundled in `data/lists`
//! into a cache folder on first use and reuses it while the bundled data,
//! the format and the analysis stay the same.

pub mod build;
pub mod format;
pub mod manifest;
pub mod mmap;
pub mod reader;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use build::{build, BuildReport};
pub use manifest::Manifest;
pub use reader::{EntityRef, Index, NameRef, U32List};

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
