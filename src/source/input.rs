//! Opening list files: transparent gzip, whole-file or streaming access, and
//! the small text helpers every reader needs (encoding fallback, null markers).
//!
//! An [`Input`] is either a file on disk or bytes in memory (tests, fuzzing).
//! Readers ask it for a fresh streaming reader ([`Input::reader`]) or for all
//! bytes ([`Input::bytes`], for ZIP-based formats that need to seek).

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One input file of a list.
#[derive(Debug, Clone)]
pub struct Input {
    path: PathBuf,
    data: Option<std::sync::Arc<Vec<u8>>>,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

impl Input {
    /// A file on disk (read lazily; gzip is undone transparently).
    pub fn file(path: impl Into<PathBuf>) -> Input {
        Input {
            path: path.into(),
            data: None,
        }
    }

    /// Bytes in memory, with a name used in error messages.
    pub fn from_bytes(name: impl Into<PathBuf>, bytes: Vec<u8>) -> Input {
        Input {
            path: name.into(),
            data: Some(std::sync::Arc::new(bytes)),
        }
    }

    /// The path (or name) used in messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file name (last path component), lower-cased; `""` if none.
    pub fn file_name_lower(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default()
    }

    fn raw_reader(&self) -> Result<Box<dyn BufRead + '_>> {
        match &self.data {
            Some(d) => Ok(Box::new(Cursor::new(d.as_slice()))),
            None => {
                let f = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
                Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
            }
        }
    }

    /// A fresh streaming reader over the (decompressed) content.
    pub fn reader(&self) -> Result<Box<dyn BufRead + '_>> {
        let mut r = self.raw_reader()?;
        let head = r.fill_buf().map_err(|e| Error::io(&self.path, e))?;
        if head.starts_with(&GZIP_MAGIC) {
            Ok(Box::new(BufReader::new(
                flate2::bufread::MultiGzDecoder::new(r),
            )))
        } else {
            Ok(r)
        }
    }

    /// All (decompressed) bytes.
    pub fn bytes(&self) -> Result<Cow<'_, [u8]>> {
        if let Some(d) = &self.data {
            if !d.starts_with(&GZIP_MAGIC) {
                return Ok(Cow::Borrowed(d.as_slice()));
            }
        }
        let mut out = Vec::new();
        self.reader()?
            .read_to_end(&mut out)
            .map_err(|e| Error::io(&self.path, e).caused_by(GzipOrIo))?;
        Ok(Cow::Owned(out))
    }

    /// Up to `n` bytes from the start of the (decompressed) content.
    pub fn head(&self, n: usize) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(n.min(1 << 20));
        self.reader()?
            .take(n as u64)
            .read_to_end(&mut out)
            .map_err(|e| Error::io(&self.path, e))?;
        Ok(out)
    }

    /// Size of the raw file (or in-memory bytes).
    pub fn raw_len(&self) -> Result<u64> {
        match &self.data {
            Some(d) => Ok(d.len() as u64),
            None => std::fs::metadata(&self.path)
                .map(|m| m.len())
                .map_err(|e| Error::io(&self.path, e)),
        }
    }
}

#[derive(Debug)]
struct GzipOrIo;
impl std::fmt::Display for GzipOrIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("reading (possibly gzip-compressed) content")
    }
}
impl std::error::Error for GzipOrIo {}

/// Decodes text that should be UTF-8; if it is not, decodes it as
/// Windows-1252 (which every byte sequence is) and reports that it did.
/// Returns the text and whether the fallback was used.
pub fn decode_utf8_or_1252(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => {
            let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (s, true)
        }
    }
}

/// Decodes every field of a CSV record as UTF-8, falling back to
/// Windows-1252 per field, and counts the fields that needed the fallback.
pub fn decode_fields(rec: &csv::ByteRecord, not_utf8: &mut usize) -> Vec<String> {
    rec.iter()
        .map(|f| {
            let (s, fell_back) = decode_utf8_or_1252(f);
            if fell_back {
                *not_utf8 += 1;
            }
            s.into_owned()
        })
        .collect()
}

/// Decodes Windows-1252 bytes (UK ConList CSV, EU legacy CSV).
pub fn decode_1252(bytes: &[u8]) -> Cow<'_, str> {
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    s
}

/// Trims a field and maps OFAC's `-0-` null marker (and empty text) to `None`.
pub fn non_null(field: &str) -> Option<&str> {
    let t = field.trim();
    if t.is_empty() || t == "-0-" {
        None
    } else {
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_undone_transparently() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"hello,world\n").unwrap();
        let gz = enc.finish().unwrap();
        let input = Input::from_bytes("x.csv.gz", gz);
        assert_eq!(&*input.bytes().unwrap(), b"hello,world\n");
        assert_eq!(input.head(5).unwrap(), b"hello");
    }

    #[test]
    fn windows_1252_fallback_is_reported() {
        let (s, fell_back) = decode_utf8_or_1252(b"caf\xe9 \x93q\x94");
        assert!(fell_back);
        assert_eq!(s, "caf\u{e9} \u{201c}q\u{201d}");
        let (s, fell_back) = decode_utf8_or_1252("café".as_bytes());
        assert!(!fell_back);
        assert_eq!(s, "café");
    }

    #[test]
    fn ofac_null_marker_is_none() {
        assert_eq!(non_null("-0- "), None);
        assert_eq!(non_null("  "), None);
        assert_eq!(non_null(" CUBA "), Some("CUBA"));
    }
}
