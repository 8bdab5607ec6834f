//! The one error type of the crate.
//!
//! Every error says *what* went wrong and *where*: the file (when there is
//! one) and the line or record inside it (when it is known). Callers add
//! context with [`Error::at`] / [`Error::in_file`] instead of inventing new
//! error types, so a user always sees `path:line: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// What kind of failure this is. Kept small: callers match on it to choose
/// an exit code or to decide whether a run can go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Reading or writing a file failed (the OS said no).
    Io,
    /// A file's content is not what its format promises: malformed,
    /// truncated, empty where data is required, wrongly encoded.
    Malformed,
    /// The input is not in any format this engine knows.
    UnknownFormat,
    /// The user asked for something contradictory or impossible
    /// (e.g. two copies of one publication in one folder).
    Usage,
}

/// The crate's error: a kind, a message, and where it happened.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    path: Option<PathBuf>,
    /// 1-based line (text formats) or record/row number (others).
    line: Option<u64>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a message and no location yet.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            path: None,
            line: None,
            source: None,
        }
    }

    /// Malformed content (the most common error from list readers).
    pub fn malformed(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Malformed, message)
    }

    /// Wraps an I/O error for `path`.
    pub fn io(path: &Path, err: std::io::Error) -> Self {
        Error {
            kind: ErrorKind::Io,
            message: err.to_string(),
            path: Some(path.to_path_buf()),
            line: None,
            source: Some(Box::new(err)),
        }
    }

    /// Sets the file this error is about, unless one is set already
    /// (the innermost location wins).
    pub fn in_file(mut self, path: &Path) -> Self {
        if self.path.is_none() {
            self.path = Some(path.to_path_buf());
        }
        self
    }

    /// Sets the line/record this error is about, unless one is set already.
    pub fn at(mut self, line: u64) -> Self {
        if self.line.is_none() {
            self.line = Some(line);
        }
        self
    }

    /// Keeps the lower-level error as the cause.
    pub fn caused_by(mut self, err: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(err));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message without location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The file this error is about, if known.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The line or record this error is about, if known.
    pub fn line(&self) -> Option<u64> {
        self.line
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(p), Some(l)) => write!(f, "{}:{}: {}", p.display(), l, self.message),
            (Some(p), None) => write!(f, "{}: {}", p.display(), self.message),
            (None, Some(l)) => write!(f, "line {}: {}", l, self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e.as_ref() as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_and_line() {
        let e = Error::malformed("bad date")
            .at(12)
            .in_file(Path::new("sdn.csv"));
        assert_eq!(e.to_string(), "sdn.csv:12: bad date");
    }

    #[test]
    fn innermost_location_wins() {
        let e = Error::malformed("x")
            .at(3)
            .in_file(Path::new("inner.xml"))
            .at(9)
            .in_file(Path::new("outer"));
        assert_eq!(e.to_string(), "inner.xml:3: x");
    }
}
