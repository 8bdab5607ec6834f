//! The arguments of `embargo screen` (the binary's `main.rs` only embeds
//! them) and their checks: bad usage exits 2 before anything is read.

use std::path::PathBuf;

use clap::Args;

use super::input::Encoding;
use super::output::OutputFormat;
use super::Config;
use crate::search::{Options, DEFAULT_MAX_HITS, DEFAULT_THRESHOLD};

/// Screen a customer file (CSV with a header, or JSON lines) against an
/// index: one result per input record, in input order.
#[derive(Debug, Clone, Args)]
pub struct ScreenArgs {
    /// The index folder (default: built from the bundled lists on first use).
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// The customer file, or `-` for stdin.
    #[arg(long)]
    pub input: PathBuf,
    /// Where results go (`-` or left out: stdout). A file gets an audit
    /// stamp beside it, `<output>.manifest.json`.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Scores at or above this are hits; 0 returns the best --max-hits.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    pub threshold: f32,
    /// At most this many hits per record.
    #[arg(long, default_value_t = DEFAULT_MAX_HITS)]
    pub max_hits: usize,
    /// Output format: jsonl (one line per record) or csv (one row per hit).
    #[arg(long, default_value = "jsonl")]
    pub format: String,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Input encoding: utf-8 (default) or windows-1252 (also for Latin-1).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Exit 1 when more than this share of records cannot be screened.
    #[arg(long, default_value_t = 0.01)]
    pub max_error_rate: f64,
    /// Carry the other input columns through under "extra".
    #[arg(long)]
    pub extra: bool,
    /// Lists published more than this many days ago are flagged stale.
    #[arg(long, default_value_t = 7)]
    pub max_list_age_days: u64,
    /// Turn off the per-thread cache of token expansions (to measure it).
    #[arg(long, hide = true)]
    pub no_token_cache: bool,
    /// Read, parse and write everything but match nothing (to measure the
    /// pipeline): every record gets no hits.
    #[arg(long, hide = true)]
    pub dry_run: bool,
}

impl ScreenArgs {
    /// The run's configuration, or a usage message.
    pub fn to_config(&self) -> Result<Config, String> {
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err("--threshold must be between 0 and 1".into());
        }
        if !(0.0..=1.0).contains(&self.max_error_rate) {
            return Err("--max-error-rate must be between 0 and 1 (0.01 is 1 %)".into());
        }
        let format = OutputFormat::parse(&self.format)
            .ok_or_else(|| format!("--format {}: expected jsonl or csv", self.format))?;
        let encoding = match &self.encoding {
            None => None,
            Some(e) => Some(
                Encoding::parse(e)
                    .ok_or_else(|| format!("--encoding {e}: expected utf-8 or windows-1252"))?,
            ),
        };
        if self.threads == Some(0) {
            return Err("--threads must be at least 1".into());
        }
        Ok(Config {
            input: self.input.clone(),
            output: self.output.clone(),
            options: Options {
                threshold: self.threshold,
                max_hits: self.max_hits,
            },
            format,
            threads: self.threads.unwrap_or(0),
            encoding,
            max_error_rate: self.max_error_rate,
            extra: self.extra,
            max_list_age_days: self.max_list_age_days,
            token_cache: !self.no_token_cache,
            dry_run: self.dry_run,
            ..Config::default()
        })
    }

    /// Runs the command; returns the process exit code (0, 1, or 2 for bad
    /// usage).
    pub fn run(&self) -> u8 {
        match self.to_config() {
            Ok(cfg) => super::command(&cfg, self.index.as_deref()),
            Err(msg) => {
                eprintln!("error: {msg}");
                2
            }
        }
    }
}
