//! `embargo fetch`: download the official lists into a lists folder, safely.
//!
//! Each source (see [`sources`]) is one file kept as `<LISTS_DIR>/<id>/<file>`.
//! A download goes to a staging folder beside `LISTS_DIR` (same file
//! system), is parsed with the engine's own readers, and is compared with
//! the version held; only then is it renamed over the old file — one
//! atomic rename, so the lists folder never holds a half-written file.
//! A download is **refused**, and the previous good version kept, when it
//! is empty, cut off, unparseable (which includes truncated: the readers
//! refuse those), of another list than before, or would delist more than
//! `max_delisting` of the entities (OFAC once published a 0-byte
//! "update"). Conditional requests (`ETag` / `Last-Modified`, kept in
//! `<LISTS_DIR>/.embargo-fetch.json`) make an unchanged list cost one
//! round trip. One source failing never stops the others; the run's
//! [`Summary`] says which failed.

pub mod http;
pub mod sources;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use http::{Download, Validators};
pub use sources::{load_sources, parse_sources, Limits, Source};

use crate::error::{Error, ErrorKind, Result};
use crate::model::hex;
use crate::source::{read_input, Input, ParsedList};

/// The state file in the lists folder (the walker passes over it).
pub const STATE_FILE: &str = ".embargo-fetch.json";

/// What is remembered of a source's last good download.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub url: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    pub sha256: String,
    pub bytes: u64,
    pub entities: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When it was downloaded (RFC 3339 UTC).
    pub fetched: String,
    /// When the server last confirmed it current.
    pub checked: String,
}

/// The state file's content.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub sources: BTreeMap<String, Held>,
}

/// How a source's fetch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A new version is in place.
    Updated,
    /// The server said 304 Not Modified.
    NotModified,
    /// The server sent the same bytes again.
    Unchanged,
    /// The download was refused by a sanity check; the previous version stays.
    Refused,
    /// The download failed; the previous version stays.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Updated => "updated",
            Status::NotModified => "not-modified",
            Status::Unchanged => "unchanged",
            Status::Refused => "REFUSED",
            Status::Failed => "FAILED",
        }
    }

    /// Whether the run should exit non-zero for this.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Refused | Status::Failed)
    }
}

/// The result of one source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub id: String,
    pub status: Status,
    /// Human detail: counts, version, or why it was refused.
    pub detail: String,
    /// Where the list is held (whether or not it changed), if it is.
    pub path: Option<PathBuf>,
    pub attempts: u32,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub reports: Vec<SourceReport>,
}

impl Summary {
    /// True when some source was refused or failed.
    pub fn failed(&self) -> bool {
        self.reports.iter().any(|r| r.status.is_failure())
    }

    /// True when some source has a new version.
    pub fn updated(&self) -> bool {
        self.reports.iter().any(|r| r.status == Status::Updated)
    }

    /// One line per source.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for r in &self.reports {
            s.push_str(&format!(
                "{:<12} {:<13} {}\n",
                r.id,
                r.status.as_str(),
                r.detail
            ));
        }
        s
    }
}

fn load_state(into: &Path) -> State {
    std::fs::read(into.join(STATE_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Writes a file by a temporary name in the same folder, then renames it.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_file_name(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let n = std::io::copy(&mut f, &mut h).map_err(|e| Error::io(path, e))?;
    Ok((hex(&h.finalize()), n))
}

/// The staging folder: beside the lists folder, on the same file system,
/// so the final rename is atomic (and the walker of the lists folder never
/// meets a partial file).
fn staging_dir(into: &Path) -> PathBuf {
    let abs = std::path::absolute(into).unwrap_or_else(|_| into.to_path_buf());
    let name = abs
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "lists".into());
    let parent = abs.parent().map(Path::to_path_buf).unwrap_or(abs.clone());
    parent.join(format!(".{name}.fetch-{}", std::process::id()))
}

/// Checks a downloaded list against the version held; `Err` is the reason
/// to refuse it.
fn sanity_check(
    new: &ParsedList,
    prev: Option<&ParsedList>,
    limits: &Limits,
) -> std::result::Result<String, String> {
    let Some(prev) = prev else {
        return Ok(format!("{} entities (first version)", new.entities.len()));
    };
    if prev.list_id != new.list_id {
        return Err(format!(
            "the download is list {} but the version held is {}",
            new.list_id, prev.list_id
        ));
    }
    let new_ids: HashSet<&str> = new.entities.iter().map(|e| e.id.as_str()).collect();
    let prev_ids: HashSet<&str> = prev.entities.iter().map(|e| e.id.as_str()).collect();
    let removed = prev_ids.difference(&new_ids).count();
    let added = new_ids.difference(&prev_ids).count();
    let share = removed as f64 / prev_ids.len().max(1) as f64;
    if share > limits.max_delisting {
        return Err(format!(
            "it would delist {removed} of {} entities ({:.1} %, more than the {:.1} % allowed): an implausible update",
            prev_ids.len(),
            share * 100.0,
            limits.max_delisting * 100.0
        ));
    }
    Ok(format!(
        "{} entities (+{added} -{removed})",
        new.entities.len()
    ))
}

fn fetch_one(source: &Source, into: &Path, staging: &Path, state: &mut State) -> SourceReport {
    let target_dir = into.join(&source.id);
    let target = target_dir.join(&source.file);
    let held_exists = target.is_file();
    let held = state
        .sources
        .get(&source.id)
        .filter(|h| held_exists && h.url == source.url && h.file == source.file)
        .cloned();
    let mut report = SourceReport {
        id: source.id.clone(),
        status: Status::Failed,
        detail: String::new(),
        path: held_exists.then(|| target.clone()),
        attempts: 0,
    };
    let stage_dir = staging.join(&source.id);
    let staged = stage_dir.join(&source.file);
    if let Err(e) = std::fs::create_dir_all(&stage_dir) {
        report.detail = Error::io(&stage_dir, e).to_string();
        return report;
    }
    let validators = held
        .as_ref()
        .map(|h| Validators {
            etag: h.etag.clone(),
            last_modified: h.last_modified.clone(),
        })
        .unwrap_or_default();
    let now = crate::index::manifest::now_rfc3339();
    let outcome = match http::download(&source.url, &validators, &source.limits, &staged) {
        Ok(o) => o,
        Err(e) => {
            report.detail = format!("{e}; the previous version is kept");
            return report;
        }
    };
    report.attempts = outcome.attempts;
    let (bytes, got) = match outcome.download {
        Download::NotModified => {
            if let Some(h) = state.sources.get_mut(&source.id) {
                h.checked = now;
            }
            report.status = Status::NotModified;
            report.detail = "the version held is current (HTTP 304)".into();
            return report;
        }
        Download::Body { bytes, validators } => (bytes, validators),
    };
    let refuse = |report: &mut SourceReport, why: String| {
        report.status = Status::Refused;
        report.detail = format!(
            "{why}; {}",
            if held_exists {
                "the previous version is kept"
            } else {
                "nothing was saved"
            }
        );
    };
    if bytes == 0 {
        refuse(&mut report, "the download is empty (0 bytes)".into());
        return report;
    }
    let new = match read_input(&Input::file(&staged)) {
        Ok(l) => l,
        Err(e) => {
            refuse(
                &mut report,
                format!("the download is not a readable list ({})", e.message()),
            );
            return report;
        }
    };
    let prev = if held_exists {
        read_input(&Input::file(&target)).ok()
    } else {
        None
    };
    let detail = match sanity_check(&new, prev.as_ref(), &source.limits) {
        Ok(d) => d,
        Err(why) => {
            refuse(&mut report, why);
            return report;
        }
    };
    let (sha, _) = match sha256_file(&staged) {
        Ok(x) => x,
        Err(e) => {
            report.detail = e.to_string();
            return report;
        }
    };
    let same = held_exists && sha256_file(&target).map(|(s, _)| s == sha).unwrap_or(false);
    if !same {
        let moved = std::fs::create_dir_all(&target_dir)
            .map_err(|e| Error::io(&target_dir, e))
            .and_then(|_| std::fs::rename(&staged, &target).map_err(|e| Error::io(&target, e)))
            .and_then(|_| {
                // Make the rename durable before reporting success.
                std::fs::File::open(&target_dir)
                    .and_then(|d| d.sync_all())
                    .map_err(|e| Error::io(&target_dir, e))
            });
        if let Err(e) = moved {
            report.detail = format!("{e}; the previous version is kept");
            return report;
        }
    }
    let fetched = if same {
        held.as_ref()
            .map(|h| h.fetched.clone())
            .unwrap_or(now.clone())
    } else {
        now.clone()
    };
    state.sources.insert(
        source.id.clone(),
        Held {
            url: source.url.clone(),
            file: source.file.clone(),
            etag: got.etag,
            last_modified: got.last_modified,
            sha256: sha,
            bytes,
            entities: new.entities.len() as u64,
            version: new.version.clone(),
            fetched,
            checked: now,
        },
    );
    report.path = Some(target);
    report.status = if same {
        Status::Unchanged
    } else {
        Status::Updated
    };
    report.detail = format!(
        "{}, version {}{}",
        detail,
        new.version.as_deref().unwrap_or("-"),
        if same { " (same bytes as held)" } else { "" }
    );
    report
}

/// Fetches every source into `into` (created if needed), one after the
/// other; a failing source is reported and the others go on.
pub fn fetch_all(sources: &[Source], into: &Path) -> Result<Summary> {
    std::fs::create_dir_all(into).map_err(|e| Error::io(into, e))?;
    if !into.is_dir() {
        return Err(Error::new(ErrorKind::Usage, "not a folder").in_file(into));
    }
    let staging = staging_dir(into);
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let mut state = load_state(into);
    let mut reports = Vec::with_capacity(sources.len());
    for s in sources {
        reports.push(fetch_one(s, into, &staging, &mut state));
    }
    let _ = std::fs::remove_dir_all(&staging);
    let json = serde_json::to_vec_pretty(&state)
        .map_err(|e| Error::malformed(format!("serialising the fetch state: {e}")))?;
    write_atomic(&into.join(STATE_FILE), &json)?;
    Ok(Summary { reports })
}

/// `embargo fetch`: loads the sources (the bundled defaults when `None`),
/// fetches them and prints one line per source on stdout.
pub fn run_fetch(sources: Option<&Path>, into: &Path) -> Result<Summary> {
    let sources = load_sources(sources)?;
    let summary = fetch_all(&sources, into)?;
    print!("{}", summary.render());
    Ok(summary)
}
