//! The memory-mapping boundary: with the C ABI (`src/ffi.rs`, raw pointers
//! from C callers), the only `unsafe` code in the crate.
//!
//! An index file is mapped read-only and shared by every thread. Mapping is
//! `unsafe` because the OS lets another process change or truncate the
//! file under us, which would change the bytes behind a `&[u8]`. We make
//! that impossible by construction rather than by hope:
//!
//! - index folders are immutable: a build writes a new folder under a
//!   temporary name and renames it into place only when complete, and no
//!   code in this crate ever opens an index file for writing again;
//! - a replaced index is a *different* folder; the old one is released
//!   only when its last reader drops it.
//!
//! Every read of mapped bytes is bounds-checked by the reader, so even a
//! file corrupted on disk yields errors, never undefined behaviour.

use std::fs::File;
use std::path::Path;

use crate::error::{Error, Result};

/// A read-only mapped file (or, for an empty file, an empty slice: an
/// empty mapping is not portable).
#[derive(Debug)]
pub struct Mapped {
    map: Option<memmap2::Mmap>,
    /// Bytes held in memory instead (tests, fuzzing).
    owned: Vec<u8>,
}

impl Mapped {
    /// Maps `path` read-only.
    pub fn open(path: &Path) -> Result<Mapped> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        if len == 0 {
            return Ok(Mapped::from_vec(Vec::new()));
        }
        // SAFETY: the file is opened read-only and index files are never
        // modified after their folder is published (see the module docs);
        // all accesses through the slice are bounds-checked by the reader.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        Ok(Mapped {
            map: Some(map),
            owned: Vec::new(),
        })
    }

    /// Bytes in memory, read through the same bounds-checked reader.
    pub fn from_vec(bytes: Vec<u8>) -> Mapped {
        Mapped {
            map: None,
            owned: bytes,
        }
    }

    /// The mapped bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.map {
            Some(m) => m,
            None => &self.owned,
        }
    }
}

impl AsRef<[u8]> for Mapped {
    fn as_ref(&self) -> &[u8] {
        self.bytes()
    }
}
