//! The audit stamp of a screening run: what was screened, against exactly
//! which lists, with which options, and what came out — enough to prove
//! later what a customer was screened against. Written beside the output as
//! `<output>.manifest.json` and summarised on stderr.
//!
//! A list is *stale* when the date its publication states is more than
//! `--max-list-age-days` before the run, or when it states no date at all
//! (its freshness cannot be shown). The lists bundled with the engine are
//! snapshots, stale by nature.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::index::manifest::{Manifest, SourceList};
use crate::model::hex;

/// Version of the stamp's layout.
pub const STAMP_VERSION: u32 = 1;

/// One source list as the stamp records it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ListStamp {
    pub list_id: String,
    pub version: Option<String>,
    /// The sha256 of the list's one file; for a list of several files
    /// (an OFAC CSV set), the sha256 of the lines `"<sha256>  <path>\n"` of
    /// its files in path order (each file's own sha256 is in `files`).
    pub sha256: String,
    pub files: Vec<FileStamp>,
    /// Whole days from the stated publication date to the run's start
    /// (`None` when the list states no date).
    pub age_days: Option<i64>,
    pub stale: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale_reason: Option<String>,
}

/// One file with its checksum.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileStamp {
    pub path: String,
    pub sha256: String,
}

/// The index screened against.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStamp {
    pub dir: String,
    pub manifest_sha256: String,
    pub format_version: u32,
    pub analysis_version: String,
    pub created: String,
    /// Built from the lists bundled with the engine (stale snapshots).
    pub bundled_default: bool,
}

/// The options of the run.
#[derive(Debug, Clone, Serialize)]
pub struct OptionsStamp {
    pub threshold: f32,
    pub max_hits: usize,
    pub format: String,
    pub threads: usize,
    pub encoding: String,
    pub max_error_rate: f64,
    pub extra: bool,
    pub max_list_age_days: u64,
    pub token_cache: bool,
    pub dry_run: bool,
}

/// A file read or written, with its checksum.
#[derive(Debug, Clone, Serialize)]
pub struct DataStamp {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// The counts of the run.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq)]
pub struct Counts {
    /// Input records (= output records in JSON lines).
    pub records: u64,
    /// Records screened (not errors).
    pub screened: u64,
    pub with_hits: u64,
    pub hits: u64,
    pub errors: u64,
    /// `errors / records` (0 for no records).
    pub error_rate: f64,
    /// Attributes left out as unreadable (an unknown type, a bad dob).
    pub ignored_attributes: u64,
}

/// The whole stamp.
#[derive(Debug, Clone, Serialize)]
pub struct Stamp {
    pub stamp_version: u32,
    pub engine_version: String,
    pub index: IndexStamp,
    pub lists: Vec<ListStamp>,
    pub options: OptionsStamp,
    pub input: DataStamp,
    pub output: Option<DataStamp>,
    pub counts: Counts,
    /// RFC 3339 UTC.
    pub started: String,
    pub finished: String,
    pub elapsed_s: f64,
    /// `ok`, or `failed` when the error rate passed `--max-error-rate`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date a version string starts with: `YYYY-MM-DD…` or `YYYYMMDD…`.
pub fn version_date(v: &str) -> Option<(i64, u32, u32)> {
    let b = v.trim().as_bytes();
    let num = |s: &[u8]| -> Option<u32> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    let (y, m, d) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        (num(&b[..4])?, num(&b[5..7])?, num(&b[8..10])?)
    } else if b.len() >= 8 && b[..8].iter().all(u8::is_ascii_digit) {
        (num(&b[..4])?, num(&b[4..6])?, num(&b[6..8])?)
    } else {
        return None;
    };
    ((1900..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some((y as i64, m, d))
}

/// The stamp of one source list, aged at `now_unix`.
pub fn list_stamp(l: &SourceList, now_unix: u64, max_age_days: u64) -> ListStamp {
    let mut files: Vec<FileStamp> = l
        .files
        .iter()
        .map(|f| FileStamp {
            path: f.path.clone(),
            sha256: f.sha256.clone(),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let sha256 = match files.as_slice() {
        [one] => one.sha256.clone(),
        many => {
            let mut h = Sha256::new();
            for f in many {
                h.update(format!("{}  {}\n", f.sha256, f.path).as_bytes());
            }
            hex(&h.finalize())
        }
    };
    let today = (now_unix / 86_400) as i64;
    let age_days = l
        .version
        .as_deref()
        .and_then(version_date)
        .map(|(y, m, d)| today - days_from_civil(y, m, d));
    let (stale, stale_reason) = match age_days {
        None => (
            true,
            Some("the list states no publication date, so its freshness cannot be shown".into()),
        ),
        Some(a) if a > max_age_days as i64 => (
            true,
            Some(format!("published {a} days ago (more than {max_age_days})")),
        ),
        Some(_) => (false, None),
    };
    ListStamp {
        list_id: l.list_id.clone(),
        version: l.version.clone(),
        sha256,
        files,
        age_days,
        stale,
        stale_reason,
    }
}

/// Every list of an index, aged.
pub fn list_stamps(m: &Manifest, now_unix: u64, max_age_days: u64) -> Vec<ListStamp> {
    m.lists
        .iter()
        .map(|l| list_stamp(l, now_unix, max_age_days))
        .collect()
}

/// The stale-list warnings for stderr (empty when every list is fresh).
pub fn stale_warnings(lists: &[ListStamp], bundled: bool) -> Vec<String> {
    let mut out: Vec<String> = lists
        .iter()
        .filter(|l| l.stale)
        .map(|l| {
            format!(
                "warning: list {} ({}) is STALE: {}",
                l.list_id,
                l.version.as_deref().unwrap_or("no version stated"),
                l.stale_reason.as_deref().unwrap_or("")
            )
        })
        .collect();
    if bundled {
        out.push(
            "warning: this is the default index, built from the list snapshots bundled with the engine, \
             which are stale by nature: screen against current lists with `embargo fetch --into LISTS`, \
             `embargo build --lists LISTS --out INDEX` and `embargo screen --index INDEX`"
                .into(),
        );
    } else if !out.is_empty() {
        out.push(
            "warning: refresh the lists with `embargo fetch --into LISTS` and rebuild the index"
                .into(),
        );
    }
    out
}

/// The path of the stamp written beside `output`.
pub fn stamp_path(output: &Path) -> std::path::PathBuf {
    let mut s = output.as_os_str().to_owned();
    s.push(".manifest.json");
    std::path::PathBuf::from(s)
}

/// Writes the stamp (pretty JSON) beside `output`; returns its path.
pub fn write_stamp(output: &Path, stamp: &Stamp) -> Result<std::path::PathBuf> {
    let p = stamp_path(output);
    let mut text = serde_json::to_string_pretty(stamp)
        .map_err(|e| Error::malformed(format!("audit stamp: {e}")))?;
    text.push('\n');
    std::fs::write(&p, text).map_err(|e| Error::io(&p, e))?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::manifest::SourceFile;

    fn list(version: Option<&str>, files: &[(&str, &str)]) -> SourceList {
        SourceList {
            list_id: "un-sc".into(),
            format: "un-xml".into(),
            version: version.map(str::to_string),
            entities: 1,
            names: 1,
            files: files
                .iter()
                .map(|(p, h)| SourceFile {
                    path: p.to_string(),
                    sha256: h.to_string(),
                    bytes: 1,
                })
                .collect(),
        }
    }

    const DAY: u64 = 86_400;

    #[test]
    fn dates_count_days_like_the_calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28),
            2
        );
        assert_eq!(version_date("2026-02-27"), Some((2026, 2, 27)));
        assert_eq!(version_date("20231128-1"), Some((2023, 11, 28)));
        assert_eq!(version_date("v12"), None);
    }

    #[test]
    fn a_list_older_than_the_limit_is_stale() {
        let now = days_from_civil(2026, 3, 10) as u64 * DAY + 3600;
        let fresh = list_stamp(&list(Some("2026-03-05"), &[("a.xml", "ab")]), now, 7);
        assert_eq!((fresh.age_days, fresh.stale), (Some(5), false));
        assert_eq!(fresh.sha256, "ab");
        let old = list_stamp(&list(Some("2026-02-27"), &[("a.xml", "ab")]), now, 7);
        assert_eq!((old.age_days, old.stale), (Some(11), true));
    }

    #[test]
    fn a_list_without_a_date_is_stale_and_a_set_gets_one_checksum() {
        let s = list_stamp(&list(None, &[("sdn.csv", "11"), ("alt.csv", "22")]), 0, 7);
        assert!(s.stale && s.age_days.is_none());
        assert_eq!(s.sha256.len(), 64);
        assert_eq!(s.files[0].path, "alt.csv");
    }

    #[test]
    fn the_bundled_index_is_always_called_stale() {
        let w = stale_warnings(&[], true);
        assert!(w.iter().any(|l| l.contains("embargo fetch")));
        assert!(stale_warnings(&[], false).is_empty());
    }
}
