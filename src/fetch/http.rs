//! The blocking HTTP download behind `embargo fetch`: one GET with the
//! conditional headers of the previous download, a whole-request timeout,
//! retries with exponential backoff on failures that may pass (network
//! errors, cut-off bodies, HTTP 429 and 5xx), and the body streamed to a
//! file — never held whole in memory.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::sources::Limits;
use crate::error::{Error, ErrorKind, Result};

/// Validators of the version already held, sent as `If-None-Match` /
/// `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Download {
    /// 304: the version held is current.
    NotModified,
    /// 200: the body is in the destination file.
    Body { bytes: u64, validators: Validators },
}

/// A download and how many attempts it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub download: Download,
    pub attempts: u32,
}

/// Why one attempt failed, and whether another may succeed.
struct Failure {
    message: String,
    retry: bool,
}

fn agent(limits: &Limits) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(limits.timeout_secs.max(1))))
        .timeout_connect(Some(Duration::from_secs(limits.timeout_secs.clamp(1, 30))))
        .http_status_as_error(false)
        .user_agent(concat!("embargo/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn header(resp: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn attempt(
    agent: &ureq::Agent,
    url: &str,
    have: &Validators,
    limits: &Limits,
    dest: &Path,
) -> std::result::Result<Download, Failure> {
    let mut req = agent.get(url);
    if let Some(e) = &have.etag {
        req = req.header("If-None-Match", e);
    }
    if let Some(m) = &have.last_modified {
        req = req.header("If-Modified-Since", m);
    }
    let resp = req.call().map_err(|e| Failure {
        message: e.to_string(),
        retry: !matches!(
            e,
            ureq::Error::BadUri(_) | ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed
        ),
    })?;
    let status = resp.status().as_u16();
    if status == 304 {
        return Ok(Download::NotModified);
    }
    if status != 200 {
        return Err(Failure {
            message: format!("HTTP {status}"),
            retry: status == 429 || status == 408 || status >= 500,
        });
    }
    let validators = Validators {
        etag: header(&resp, "etag"),
        last_modified: header(&resp, "last-modified"),
    };
    let mut reader = resp
        .into_body()
        .into_with_config()
        .limit(limits.max_bytes)
        .reader();
    let io = |e: std::io::Error| Failure {
        message: format!("{}: {e}", dest.display()),
        retry: false,
    };
    let mut file = std::fs::File::create(dest).map_err(io)?;
    let bytes = std::io::copy(&mut reader, &mut file).map_err(|e| Failure {
        // A body cut off before its Content-Length, a timeout mid-body, or
        // one over the size limit.
        message: format!("the download broke off: {e}"),
        retry: true,
    })?;
    file.flush().map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(Download::Body { bytes, validators })
}

/// Downloads `url` into `dest` (created or overwritten), retrying as the
/// limits allow. The error names the URL, the attempts and the last cause.
pub fn download(url: &str, have: &Validators, limits: &Limits, dest: &Path) -> Result<Outcome> {
    let agent = agent(limits);
    let mut wait = limits.backoff_ms;
    let mut attempts = 0;
    loop {
        attempts += 1;
        match attempt(&agent, url, have, limits, dest) {
            Ok(download) => return Ok(Outcome { download, attempts }),
            Err(f) if f.retry && attempts <= limits.retries => {
                std::thread::sleep(Duration::from_millis(wait));
                wait = wait.saturating_mul(2).min(300_000);
            }
            Err(f) => {
                let _ = std::fs::remove_file(dest);
                return Err(Error::new(
                    ErrorKind::Io,
                    format!(
                        "download failed after {attempts} attempt{}: {}",
                        if attempts == 1 { "" } else { "s" },
                        f.message
                    ),
                )
                .in_file(Path::new(url)));
            }
        }
    }
}
