//! The index manifest (`manifest.json`): what an index was built from and
//! with, and a checksum of every file. Written last, so a folder without
//! a manifest is an unfinished build.

use serde::{Deserialize, Serialize};

/// One input file of a source list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// One source list of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceList {
    pub list_id: String,
    pub format: String,
    pub version: Option<String>,
    pub entities: u64,
    pub names: u64,
    pub files: Vec<SourceFile>,
}

/// One file of the index folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexFile {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Counts of what the index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Counts {
    pub entities: u64,
    pub names: u64,
    pub terms: u64,
    pub keys: u64,
}

/// The manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub engine_version: String,
    /// [`crate::analysis::ANALYSIS_VERSION`] at build time: queries must run
    /// the same analysis.
    pub analysis_version: String,
    /// sha256 of the analysis dictionaries and weight table compiled into
    /// the engine that built the index.
    pub analysis_data_sha256: String,
    /// UTC build time, RFC 3339.
    pub created: String,
    pub lists: Vec<SourceList>,
    pub counts: Counts,
    pub files: Vec<IndexFile>,
}

/// RFC 3339 UTC text of a Unix time in seconds (no external time crate).
pub fn rfc3339(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// The current time as RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_709_251_199), "2024-02-29T23:59:59Z");
    }
}
