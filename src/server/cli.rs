//! The `embargo serve` command's arguments, turned into a [`Config`] here
//! so that `main.rs` stays a thin dispatcher.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::request::Limits;
use super::swap::Source;
use super::Config;

/// Serve screening over HTTP (JSON): POST /v1/screen, GET /v1/lists,
/// GET /healthz, GET /metrics, POST /v1/admin/reload.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The index folder, or a symlink to one re-resolved at each reload
    /// (default: built from the bundled lists on first use).
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = super::DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Screening threads (default: one per core).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Screening requests that may wait before new ones get 503.
    #[arg(long, default_value_t = 64)]
    pub queue: usize,
    /// Per-request timeout in milliseconds (504 past it).
    #[arg(long, default_value_t = 5000)]
    pub timeout_ms: u64,
    /// Largest request body in bytes (413 past it).
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Most queries in one batch (413 past it).
    #[arg(long, default_value_t = 1000)]
    pub max_batch: usize,
    /// Connections held open at once (more wait in the kernel's backlog).
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
    /// Close a connection that sends nothing for this many seconds.
    #[arg(long, default_value_t = 60)]
    pub idle_timeout_s: u64,
}

impl ServeArgs {
    /// The service's configuration.
    pub fn config(&self) -> Config {
        let d = Config::default();
        Config {
            listen: self.listen,
            source: match &self.index {
                Some(p) => Source::Dir(p.clone()),
                None => Source::Default,
            },
            workers: self.workers.unwrap_or(d.workers).max(1),
            queue: self.queue.max(1),
            timeout: Duration::from_millis(self.timeout_ms.max(1)),
            limits: Limits {
                max_body: self.max_body,
                max_batch: self.max_batch,
                ..Limits::default()
            },
            max_connections: self.max_connections.max(1),
            idle_timeout: Duration::from_secs(self.idle_timeout_s.max(1)),
            ..d
        }
    }

    /// Runs the service until SIGINT/SIGTERM; exit 1 if it cannot start.
    pub fn run(&self) -> ExitCode {
        match super::run(self.config()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        }
    }
}
