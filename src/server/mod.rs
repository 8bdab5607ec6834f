//! `embargo serve`: the HTTP JSON service for payment systems.
//!
//! - [`routes`]: `POST /v1/screen` (one party or a batch), `GET /v1/lists`,
//!   `GET /healthz`, `GET /metrics`, `POST /v1/admin/reload`;
//!   described in `docs/openapi.json`.
//! - [`request`]: body → validated queries (limits, clear 4xx errors), and
//!   the answer's JSON.
//! - [`pool`]: screening runs on dedicated threads behind a bounded queue;
//!   a full queue sheds the request with 503 — memory stays bounded.
//! - [`swap`]: the live index, swapped atomically after verification
//!   (admin route or SIGHUP); every answer carries the `manifest_sha256` of
//!   the index that produced it.
//! - [`warm`]: keeps swaps out of the latency tail (a reload verifies and
//!   warms the new index at the lowest CPU priority, old ones are freed
//!   off the screening threads).
//! - [`metrics`]: Prometheus text.
//!
//! Start one in-process (tests, benches, embedding):
//!
//! ```no_run
//! use embargo::server::{Config, Server};
//! let server = Server::start(Config::default()).unwrap(); // 127.0.0.1:8080
//! println!("listening on {}", server.addr());
//! server.wait(); // until SIGINT/SIGTERM (with `signals`) or `stop()`
//! ```

pub mod cli;
pub mod client;
pub mod conns;
pub mod metrics;
pub mod pool;
pub mod request;
pub mod routes;
pub mod swap;
pub mod warm;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::error::{Error, ErrorKind, Result};
use crate::index::Index;
use metrics::Metrics;
use pool::Pool;
use request::Limits;
use swap::{Live, Source};

/// The default listening address (loopback only: exposing the service is
/// a deliberate act, `--listen 0.0.0.0:8080`).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// The index served first, and reloaded when a reload names no path.
    pub source: Source,
    /// Screening threads (default: the number of cores).
    pub workers: usize,
    /// Screening jobs that may wait; one more gets 503.
    pub queue: usize,
    /// Threads of the async executor (HTTP parsing and I/O).
    pub io_threads: usize,
    /// Per-request deadline, from the request's arrival to its answer.
    pub timeout: Duration,
    pub limits: Limits,
    /// Connections held open at once; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// A connection that sends nothing this long is closed.
    pub idle_timeout: Duration,
    /// Handle SIGHUP (reload), SIGINT and SIGTERM (graceful stop).
    pub signals: bool,
    /// Reload at the lowest CPU priority and warm the new index with the
    /// recent queries before it serves (see [`warm`]). Off: the reload
    /// verifies at normal priority and the workers start cold on the new
    /// index (only to measure what warming saves).
    pub warm_swaps: bool,
}

impl Default for Config {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            source: Source::Default,
            workers: cores,
            queue: 64,
            io_threads: cores.min(4),
            timeout: Duration::from_secs(5),
            limits: Limits::default(),
            max_connections: 1024,
            idle_timeout: Duration::from_secs(60),
            signals: false,
            warm_swaps: true,
        }
    }
}

/// What every request handler shares.
pub struct AppState {
    pub live: Live,
    pub pool: Pool,
    pub metrics: Metrics,
    pub config: Config,
    pub started: Instant,
}

impl AppState {
    /// Opens, verifies, warms and swaps in a new index (see
    /// [`swap::Live::reload_with`] and [`warm`]); blocking. Call it on a
    /// thread of its own.
    pub fn reload_blocking(&self, path: Option<&std::path::Path>) -> Result<swap::Reloaded> {
        let warm = self.config.warm_swaps;
        // Paced: measured, the unpaced hash
        // (which streams 70 MB through the shared caches as fast as it
        // can) gave a worse p99 at 2,000 req/s (median 4.9 ms against
        // 3.2 ms in six runs each, on a busy machine).
        self.live.reload_with(
            path,
            swap::open_verified,
            |i| {
                if warm {
                    self.pool.prepare(i)
                }
            },
            |old| self.pool.retire(old),
        )
    }
}

/// Runs [`AppState::reload_blocking`] on a new thread (`embargo-reload`)
/// and waits for it without blocking the executor. The outer error is an
/// internal failure (no thread, a panic); the inner one a refused index.
pub async fn reload_in_background(
    st: &Arc<AppState>,
    path: Option<std::path::PathBuf>,
) -> std::result::Result<Result<swap::Reloaded>, String> {
    let (tx, rx) = oneshot::channel();
    let st2 = st.clone();
    std::thread::Builder::new()
        .name("embargo-reload".into())
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                st2.reload_blocking(path.as_deref())
            }));
            let _ = tx.send(r.map_err(|_| "the reload panicked".to_string()));
        })
        .map_err(|e| format!("cannot start the reload thread: {e}"))?;
    rx.await
        .map_err(|_| "the reload thread went away".to_string())?
}

/// A running server: its address, its state, and the means to stop it.
/// Dropping it stops it (gracefully: requests in flight are answered).
pub struct Server {
    addr: SocketAddr,
    state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn io_err(what: String, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Io, format!("{what}: {e}")).caused_by(e)
}

impl Server {
    /// Opens and verifies the index of `config.source`, binds, and serves
    /// on background threads.
    pub fn start(config: Config) -> Result<Server> {
        let live = Live::open(config.source.clone())?;
        Server::start_with(config, live)
    }

    /// Serves an index already open (`config.source` is still what a
    /// reload without a path re-opens).
    pub fn start_index(config: Config, index: Index) -> Result<Server> {
        let live = Live::new(index, config.source.clone());
        Server::start_with(config, live)
    }

    fn start_with(config: Config, live: Live) -> Result<Server> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.io_threads.max(1))
            .thread_name("embargo-http")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| io_err("cannot start the async runtime".into(), e))?;
        let listener = rt
            .block_on(tokio::net::TcpListener::bind(config.listen))
            .map_err(|e| io_err(format!("cannot listen on {}", config.listen), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| io_err("no local address".into(), e))?;
        let pool = Pool::new(config.workers, config.queue)
            .map_err(|e| io_err("cannot start the screening threads".into(), e))?;
        let signals = config.signals;
        let listener = conns::Limited::new(listener, config.max_connections, config.idle_timeout);
        let state = Arc::new(AppState {
            live,
            pool,
            metrics: Metrics::default(),
            config,
            started: Instant::now(),
        });
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let app =
            routes::router(state.clone()).into_make_service_with_connect_info::<conns::Peer>();
        let st = state.clone();
        let thread = std::thread::Builder::new()
            .name("embargo-serve".into())
            .spawn(move || {
                rt.block_on(async move {
                    if signals {
                        spawn_sighup(st.clone());
                    }
                    let shutdown = async move {
                        if signals {
                            tokio::select! {
                                _ = stop_rx => {}
                                _ = terminate() => {}
                            }
                        } else {
                            let _ = stop_rx.await;
                        }
                    };
                    if let Err(e) = axum::serve(listener, app)
                        .with_graceful_shutdown(shutdown)
                        .await
                    {
                        eprintln!("embargo serve: {e}");
                    }
                });
                // Requests still screening finish on the pool; the
                // runtime's blocking reloads are waited for a moment.
                rt.shutdown_timeout(Duration::from_secs(5));
            })
            .map_err(|e| io_err("cannot start the server thread".into(), e))?;
        Ok(Server {
            addr,
            state,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The bound address (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state (the live index, metrics).
    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Blocks until the server stops (a signal, with `signals` set).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops gracefully and waits.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// SIGINT or SIGTERM.
async fn terminate() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// SIGHUP re-opens the configured index (point its symlink at a new build
/// first), verifies it and swaps it in, or keeps the old one.
fn spawn_sighup(st: Arc<AppState>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            eprintln!("embargo serve: cannot watch SIGHUP; reload through POST /v1/admin/reload");
            return;
        };
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                match reload_in_background(&st, None).await {
                    Ok(Ok(r)) => {
                        st.metrics.reload(true);
                        eprintln!(
                            "embargo serve: SIGHUP: index {} serving{}",
                            r.current,
                            if r.changed { "" } else { " (unchanged)" }
                        );
                    }
                    Ok(Err(e)) => {
                        st.metrics.reload(false);
                        eprintln!("embargo serve: SIGHUP: reload refused, the old index keeps serving: {e}");
                    }
                    Err(e) => eprintln!("embargo serve: SIGHUP: {e}"),
                }
            }
        });
    }
    #[cfg(not(unix))]
    let _ = st;
}

/// `embargo serve`: starts, prints where it listens, serves until SIGINT
/// or SIGTERM.
pub fn run(config: Config) -> Result<()> {
    let server = Server::start(Config {
        signals: true,
        ..config
    })?;
    let idx = server.state().live.current();
    eprintln!(
        "embargo serve: listening on http://{} — index {} ({} entities, manifest {}); SIGHUP or POST /v1/admin/reload swaps in a new index",
        server.addr(),
        idx.dir().display(),
        idx.entity_count(),
        idx.manifest_sha256()
    );
    drop(idx);
    server.wait();
    eprintln!("embargo serve: stopped");
    Ok(())
}
