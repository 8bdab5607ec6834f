//! The sources file (`data/sources.toml` by default): which official list
//! files `embargo fetch` downloads, from where, and the limits it applies.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result};

/// The bundled default sources (the publishers' official URLs).
pub const DEFAULT_SOURCES: &str = include_str!("../../data/sources.toml");

/// Limits for one download (set for all sources, overridable per source).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Refuse a version that removes more than this share of the previous
    /// version's entities.
    pub max_delisting: f64,
    /// Whole-request timeout.
    pub timeout_secs: u64,
    /// Further attempts after a failed one.
    pub retries: u32,
    /// Wait before the first retry; doubled for each later one.
    pub backoff_ms: u64,
    /// Refuse a body larger than this.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_delisting: 0.10,
            timeout_secs: 120,
            retries: 3,
            backoff_ms: 2000,
            max_bytes: 1 << 30,
        }
    }
}

/// One source: a list file at a URL, saved as `<LISTS_DIR>/<id>/<file>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub url: String,
    pub file: String,
    pub limits: Limits,
}

/// The limit keys, allowed both at the top of the file and per source.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSource {
    #[serde(default)]
    id: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    file: String,
    max_delisting: Option<f64>,
    timeout_secs: Option<u64>,
    retries: Option<u32>,
    backoff_ms: Option<u64>,
    max_bytes: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    max_delisting: Option<f64>,
    timeout_secs: Option<u64>,
    retries: Option<u32>,
    backoff_ms: Option<u64>,
    max_bytes: Option<u64>,
    #[serde(default)]
    source: Vec<RawSource>,
}

fn limits_over(
    base: Limits,
    max_delisting: Option<f64>,
    timeout_secs: Option<u64>,
    retries: Option<u32>,
    backoff_ms: Option<u64>,
    max_bytes: Option<u64>,
) -> Limits {
    Limits {
        max_delisting: max_delisting.unwrap_or(base.max_delisting),
        timeout_secs: timeout_secs.unwrap_or(base.timeout_secs),
        retries: retries.unwrap_or(base.retries),
        backoff_ms: backoff_ms.unwrap_or(base.backoff_ms),
        max_bytes: max_bytes.unwrap_or(base.max_bytes),
    }
}

/// A path component that cannot climb out of the lists folder or hide.
fn plain_component(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Parses a sources file's text (`origin` names it in errors).
pub fn parse_sources(text: &str, origin: &Path) -> Result<Vec<Source>> {
    let bad = |m: String| Error::new(ErrorKind::Usage, m).in_file(origin);
    let raw: RawFile =
        toml::from_str(text).map_err(|e| bad(format!("not a valid sources file: {e}")))?;
    let base = limits_over(
        Limits::default(),
        raw.max_delisting,
        raw.timeout_secs,
        raw.retries,
        raw.backoff_ms,
        raw.max_bytes,
    );
    let mut out: Vec<Source> = Vec::with_capacity(raw.source.len());
    for s in raw.source {
        let limits = limits_over(
            base,
            s.max_delisting,
            s.timeout_secs,
            s.retries,
            s.backoff_ms,
            s.max_bytes,
        );
        if !(0.0..=1.0).contains(&limits.max_delisting) {
            return Err(bad(format!(
                "source {}: max_delisting must be in [0, 1]",
                s.id
            )));
        }
        if s.id.is_empty() || s.url.is_empty() || s.file.is_empty() {
            return Err(bad(format!(
                "source {:?}: every [[source]] needs id, url and file",
                s.id
            )));
        }
        if !plain_component(&s.id) || !plain_component(&s.file) {
            return Err(bad(format!(
                "source {:?}: id and file must be plain names (letters, digits, '-', '_', '.'; not starting with '.')",
                s.id
            )));
        }
        if !(s.url.starts_with("https://") || s.url.starts_with("http://")) {
            return Err(bad(format!("source {}: the url must be http(s)", s.id)));
        }
        if out.iter().any(|o| o.id == s.id) {
            return Err(bad(format!("source {} is given twice", s.id)));
        }
        out.push(Source {
            id: s.id,
            url: s.url,
            file: s.file,
            limits,
        });
    }
    if out.is_empty() {
        return Err(bad("no [[source]] entries".to_string()));
    }
    Ok(out)
}

/// Reads a sources file, or the bundled defaults when `path` is `None`.
pub fn load_sources(path: Option<&Path>) -> Result<Vec<Source>> {
    match path {
        None => parse_sources(DEFAULT_SOURCES, Path::new("data/sources.toml")),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
            parse_sources(&text, p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_defaults_name_the_official_lists() {
        let s = load_sources(None).unwrap();
        let ids: Vec<&str> = s.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "ofac-sdn",
                "ofac-cons",
                "un-sc",
                "uk-ofsi",
                "eu-fsf",
                "us-csl"
            ]
        );
        assert!(s.iter().all(|s| s.url.starts_with("https://")));
        assert_eq!(s[0].limits.max_delisting, 0.10);
    }

    #[test]
    fn a_source_overrides_the_file_wide_limits() {
        let s = parse_sources(
            "retries = 1\n[[source]]\nid = \"a\"\nurl = \"http://x/a\"\nfile = \"a.xml\"\nmax_delisting = 0.5\n",
            Path::new("t.toml"),
        )
        .unwrap();
        assert_eq!(s[0].limits.retries, 1);
        assert_eq!(s[0].limits.max_delisting, 0.5);
    }

    #[test]
    fn names_that_climb_out_of_the_folder_are_refused() {
        for (id, file) in [("..", "a"), ("a", "../x"), ("a/b", "x"), ("a", ".hidden")] {
            let t = format!("[[source]]\nid = \"{id}\"\nurl = \"http://x\"\nfile = \"{file}\"\n");
            assert!(parse_sources(&t, Path::new("t")).is_err(), "{id} {file}");
        }
    }

    #[test]
    fn unknown_keys_and_bad_shares_are_usage_errors() {
        let e = parse_sources(
            "[[source]]\nid=\"a\"\nurl=\"http://x\"\nfile=\"a\"\nfoo=1\n",
            Path::new("t"),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage);
        assert!(parse_sources(
            "max_delisting = 2.0\n[[source]]\nid=\"a\"\nurl=\"http://x\"\nfile=\"a\"\n",
            Path::new("t")
        )
        .is_err());
    }
}
