//! Batch screening of whole customer files (`embargo screen`): exactly one
//! result record per input record, in input order, in parallel, in flat
//! memory, with an audit stamp.
//!
//! ## The pipeline
//!
//! ```text
//! reading thread ──chunks──▶ N workers (rayon pool) ──results──▶ writer (this thread)
//!   cut records                decode, screen, render        re-order, write, count
//! ```
//!
//! - The reading thread only cuts the input into records and fields
//!   ([`input::RecordReader`]), [`CHUNK_RECORDS`] records a chunk, hashing
//!   the bytes as they pass (the stamp's input sha256).
//! - Each worker thread owns one [`Searcher`] for the whole run, so its
//!   scratch space carries over from chunk to chunk. The workers share one
//!   cache of fuzzy token expansions ([`ExpansionCache`]: customer names
//!   repeat their tokens heavily, and a token is expanded once for all
//!   threads). A worker turns records into queries, screens them and
//!   renders the output bytes.
//! - The writer puts chunks back in input order and writes them.
//! - At most [`WINDOW_PER_THREAD`] × threads + 2 chunks are in flight at
//!   once (a token is taken before a chunk is read and given back when it
//!   is written), so memory is flat however large the input, even when one
//!   chunk is slow and the ones after it are done.
//!
//! A record that cannot be screened becomes an error record with its line
//! ([`input`] says what a record is and when it is broken); the run goes on.
//! A worker that panicked (it must not) turns its chunk into error records
//! rather than losing it.

pub mod cli;
pub mod gen;
pub mod input;
pub mod output;
pub mod progress;
pub mod stamp;

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
use crate::index::Index;
use crate::model::hex;
use crate::search::{ExpansionCache, Options, Searcher};

use input::{Chunk, Encoding, InputFormat, Parsed, RecordReader, Schema};
use output::{Outcome, OutputFormat};

/// Records per chunk: large enough that hand-offs cost nothing per record,
/// small enough that a chunk of slow names does not stall the writer long.
pub const CHUNK_RECORDS: usize = 1024;
/// Chunks in flight per worker thread.
pub const WINDOW_PER_THREAD: usize = 3;
/// Error examples kept for the summary.
const ERROR_EXAMPLES: usize = 5;

/// What to screen, how, and where to write.
#[derive(Debug, Clone)]
pub struct Config {
    /// The input file, or `-` for stdin.
    pub input: PathBuf,
    /// The output file; `None` or `-` for stdout.
    pub output: Option<PathBuf>,
    pub options: Options,
    pub format: OutputFormat,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// The input encoding as stated (`None`: UTF-8, with Windows-1252
    /// detected and reported).
    pub encoding: Option<Encoding>,
    pub max_error_rate: f64,
    /// Carry the other columns under `"extra"`.
    pub extra: bool,
    pub max_list_age_days: u64,
    /// Keep each searcher's cache of token expansions (off only to measure it).
    pub token_cache: bool,
    /// Skip matching (every record gets no hits): measures the pipeline.
    pub dry_run: bool,
    /// Records per chunk.
    pub chunk_records: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            input: PathBuf::from("-"),
            output: None,
            options: Options::default(),
            format: OutputFormat::Jsonl,
            threads: 0,
            encoding: None,
            max_error_rate: 0.01,
            extra: false,
            max_list_age_days: 7,
            token_cache: true,
            dry_run: false,
            chunk_records: CHUNK_RECORDS,
        }
    }
}

impl Config {
    /// The worker threads this run uses.
    pub fn thread_count(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
    }

    fn output_file(&self) -> Option<&Path> {
        self.output.as_deref().filter(|p| *p != Path::new("-"))
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub counts: stamp::Counts,
    pub input_format: Option<InputFormat>,
    pub encoding: Option<Encoding>,
    /// Notes for stderr about the input (a likely wrong encoding).
    pub notes: Vec<String>,
    /// The first few error records: (line, message).
    pub first_errors: Vec<(u64, String)>,
    pub input_sha256: String,
    pub input_bytes: u64,
    pub output_sha256: String,
    pub output_bytes: u64,
    pub seconds: f64,
}

impl Summary {
    /// Names screened per minute.
    pub fn names_per_minute(&self) -> f64 {
        self.counts.records as f64 / self.seconds.max(1e-9) * 60.0
    }
}

/// A reader that hashes and counts what passes through it.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// One chunk's results, rendered.
struct Done {
    seq: u64,
    bytes: Vec<u8>,
    records: u64,
    with_hits: u64,
    hits: u64,
    errors: u64,
    ignored: u64,
    first_errors: Vec<(u64, String)>,
}

/// What every worker needs to know.
struct Ctx<'a> {
    index: &'a Index,
    format: InputFormat,
    schema: Schema,
    encoding: Encoding,
    out_format: OutputFormat,
    options: Options,
    extra: bool,
    token_cache: bool,
    /// The workers' shared cache of token expansions.
    cache: Arc<ExpansionCache>,
    dry_run: bool,
}

fn process(searcher: &mut Searcher<'_>, chunk: &Chunk, ctx: &Ctx<'_>) -> Done {
    let mut d = Done {
        seq: chunk.seq,
        bytes: Vec::with_capacity(chunk.records.len() * 64),
        records: 0,
        with_hits: 0,
        hits: 0,
        errors: 0,
        ignored: 0,
        first_errors: Vec::new(),
    };
    for rec in &chunk.records {
        d.records += 1;
        let parsed =
            input::parse_record(chunk, rec, ctx.format, &ctx.schema, ctx.encoding, ctx.extra);
        let (id, line, error) = match parsed {
            Parsed::Ok {
                line,
                id,
                query,
                extra,
                ignored,
            } => {
                d.ignored += ignored as u64;
                let hits = if ctx.dry_run {
                    Ok(Vec::new())
                } else {
                    searcher.screen(&query, &ctx.options)
                };
                match hits {
                    Ok(hits) => {
                        if !hits.is_empty() {
                            d.with_hits += 1;
                            d.hits += hits.len() as u64;
                        }
                        let o = Outcome::Screened {
                            id: id.as_deref(),
                            name: &query.name,
                            hits: &hits,
                            extra: extra.as_ref(),
                        };
                        output::write(&mut d.bytes, ctx.out_format, &o, ctx.extra);
                        continue;
                    }
                    Err(e) => (id, line, format!("screening failed: {e}")),
                }
            }
            Parsed::Err { line, id, error } => (id, line, error),
        };
        d.errors += 1;
        if d.first_errors.len() < ERROR_EXAMPLES {
            d.first_errors.push((line, error.clone()));
        }
        let o = Outcome::Error {
            id: id.as_deref(),
            line,
            error: &error,
        };
        output::write(&mut d.bytes, ctx.out_format, &o, ctx.extra);
    }
    d
}

/// A chunk whose worker panicked: every record an error, none lost.
fn panicked(chunk: &Chunk, ctx: &Ctx<'_>) -> Done {
    let mut d = Done {
        seq: chunk.seq,
        bytes: Vec::new(),
        records: 0,
        with_hits: 0,
        hits: 0,
        errors: 0,
        ignored: 0,
        first_errors: Vec::new(),
    };
    for rec in &chunk.records {
        d.records += 1;
        d.errors += 1;
        let error = "internal error while screening this chunk (please report it)";
        if d.first_errors.len() < ERROR_EXAMPLES {
            d.first_errors.push((rec.line, error.into()));
        }
        let o = Outcome::Error {
            id: None,
            line: rec.line,
            error,
        };
        output::write(&mut d.bytes, ctx.out_format, &o, ctx.extra);
    }
    d
}

fn worker(ctx: &Ctx<'_>, work: &Mutex<Receiver<Chunk>>, done: Sender<Done>) {
    let new_searcher = || {
        let mut s = Searcher::new(ctx.index);
        s.set_token_cache(ctx.token_cache);
        if ctx.token_cache {
            s.share_cache(ctx.cache.clone());
        }
        s
    };
    let mut searcher = new_searcher();
    loop {
        let next = match work.lock() {
            Ok(rx) => rx.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(chunk) = next else { break };
        let d = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            process(&mut searcher, &chunk, ctx)
        })) {
            Ok(d) => d,
            Err(_) => {
                searcher = new_searcher();
                panicked(&chunk, ctx)
            }
        };
        if done.send(d).is_err() {
            break;
        }
    }
}

/// Screens `cfg.input` against `index`, writing the output; see the module
/// docs. Fails only when the run as a whole cannot go on (the input cannot
/// be opened or read, it has no header or no `name` column, the output
/// cannot be written); bad records are counted, not fatal. The error-rate
/// verdict is the caller's (see [`Summary::counts`]).
pub fn run(index: &Index, cfg: &Config) -> Result<Summary> {
    let t0 = Instant::now();
    let stdin_path = Path::new("<stdin>");
    let is_stdin = cfg.input == Path::new("-");
    let in_path: &Path = if is_stdin { stdin_path } else { &cfg.input };
    let (src, total): (Box<dyn Read + Send>, Option<u64>) = if is_stdin {
        (Box::new(std::io::stdin()), None)
    } else {
        let f = std::fs::File::open(&cfg.input).map_err(|e| Error::io(&cfg.input, e))?;
        let len = f.metadata().ok().map(|m| m.len());
        (Box::new(f), len)
    };
    let read_bytes = Arc::new(AtomicU64::new(0));
    let mut hashing = HashingReader {
        inner: src,
        hasher: Sha256::new(),
        bytes: read_bytes.clone(),
    };
    let mut prefix = Vec::with_capacity(input::SNIFF_BYTES);
    (&mut hashing)
        .take(input::SNIFF_BYTES as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| Error::io(in_path, e))?;
    let sniffed = input::sniff(&prefix).map_err(|e| e.in_file(in_path))?;
    let mut summary = Summary {
        input_format: Some(sniffed.format),
        ..Summary::default()
    };
    let encoding = cfg.encoding.unwrap_or(Encoding::Utf8);
    summary.encoding = Some(encoding);
    match (cfg.encoding, sniffed.not_utf8_at_line) {
        (None | Some(Encoding::Utf8), Some(line)) => summary.notes.push(format!(
            "note: {}: line {line} is not UTF-8: the file looks like Windows-1252 / Latin-1. Records that are not UTF-8 become error records; if that is the file's encoding, rerun with --encoding windows-1252",
            in_path.display()
        )),
        (Some(Encoding::Windows1252), None) if sniffed.utf8_non_ascii => summary.notes.push(format!(
            "warning: {}: --encoding windows-1252 was given, but the file reads as UTF-8 with non-ASCII letters: names may be garbled (é read as Ã©); check the encoding",
            in_path.display()
        )),
        _ => {}
    }
    // Said now, not after an hours-long run.
    for n in &summary.notes {
        eprintln!("{n}");
    }
    let reader = BufReader::with_capacity(1 << 20, std::io::Cursor::new(prefix).chain(hashing));
    let mut records = RecordReader::new(reader, in_path, sniffed.format);
    let schema = match sniffed.format {
        InputFormat::Jsonl => Schema::default(),
        InputFormat::Csv { .. } => {
            let raw = records.read_header()?;
            let header: Vec<String> = raw
                .iter()
                .map(|h| {
                    input::decode(h, encoding, "header")
                        .map(|s| s.into_owned())
                        .map_err(|e| Error::malformed(e).in_file(in_path).at(1))
                })
                .collect::<Result<_>>()?;
            let s = Schema::from_header(&header).map_err(|e| e.in_file(in_path))?;
            records.set_name_column(s.name);
            s
        }
    };
    let threads = cfg.thread_count();
    let ctx = Ctx {
        index,
        format: sniffed.format,
        schema,
        encoding,
        out_format: cfg.format,
        options: cfg.options,
        extra: cfg.extra,
        token_cache: cfg.token_cache,
        cache: Arc::new(ExpansionCache::new(index)),
        dry_run: cfg.dry_run,
    };
    let out_path = cfg.output_file();
    if let Some(p) = out_path {
        let same = |a: &Path, b: &Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y);
        if !is_stdin && same(p, &cfg.input) {
            return Err(Error::new(
                ErrorKind::Usage,
                "the output file is the input file: writing would destroy it",
            )
            .in_file(p));
        }
    }
    let sink: Box<dyn Write> = match out_path {
        Some(p) => Box::new(std::fs::File::create(p).map_err(|e| Error::io(p, e))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let out_name = out_path.unwrap_or(Path::new("<stdout>")).to_path_buf();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, sink);
    let mut out_hash = Sha256::new();
    let mut out_bytes = 0u64;
    let mut emit = |out: &mut std::io::BufWriter<Box<dyn Write>>, b: &[u8]| -> Result<()> {
        out_hash.update(b);
        out_bytes += b.len() as u64;
        out.write_all(b).map_err(|e| Error::io(&out_name, e))
    };
    if cfg.format == OutputFormat::Csv {
        emit(&mut out, output::csv_header(cfg.extra).as_bytes())?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("embargo-screen-{i}"))
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot start {threads} threads: {e}"),
            )
        })?;
    let window = threads * WINDOW_PER_THREAD + 2;
    let chunk_records = cfg.chunk_records.max(1);
    let mut progress = progress::Progress::new(total);

    let (work_tx, work_rx) = sync_channel::<Chunk>(window);
    let (done_tx, done_rx) = channel::<Done>();
    let (token_tx, token_rx) = sync_channel::<()>(window);
    for _ in 0..window {
        let _ = token_tx.send(());
    }
    let work_rx = Mutex::new(work_rx);
    let outcome: Result<HashingReader<Box<dyn Read + Send>>> = std::thread::scope(|s| {
        let reading = s.spawn(move || -> Result<_> {
            let mut seq = 0;
            loop {
                if token_rx.recv().is_err() {
                    break;
                }
                let mut chunk = Chunk {
                    seq,
                    ..Chunk::default()
                };
                if records.fill(&mut chunk, chunk_records)? == 0 {
                    break;
                }
                if work_tx.send(chunk).is_err() {
                    break;
                }
                seq += 1;
            }
            drop(work_tx);
            Ok(records.into_inner().into_inner().into_inner().1)
        });
        let ctx = &ctx;
        let work_rx = &work_rx;
        s.spawn(move || {
            pool.broadcast(|_| worker(ctx, work_rx, done_tx.clone()));
            drop(done_tx);
        });
        // The writer: put chunks back in order and write them.
        let written = (|| -> Result<()> {
            let mut next = 0u64;
            let mut waiting: BTreeMap<u64, Done> = BTreeMap::new();
            for d in done_rx {
                waiting.insert(d.seq, d);
                while let Some(d) = waiting.remove(&next) {
                    emit(&mut out, &d.bytes)?;
                    let c = &mut summary.counts;
                    c.records += d.records;
                    c.with_hits += d.with_hits;
                    c.hits += d.hits;
                    c.errors += d.errors;
                    c.ignored_attributes += d.ignored;
                    for e in d.first_errors {
                        if summary.first_errors.len() < ERROR_EXAMPLES {
                            summary.first_errors.push(e);
                        }
                    }
                    next += 1;
                    let _ = token_tx.send(());
                    progress.update(summary.counts.records, read_bytes.load(Ordering::Relaxed));
                }
            }
            if !waiting.is_empty() {
                return Err(Error::new(
                    ErrorKind::Io,
                    "internal error: a chunk of results went missing",
                ));
            }
            out.flush().map_err(|e| Error::io(&out_name, e))
        })();
        // Whatever happened, let the reading thread and the workers end.
        drop(token_tx);
        let read = reading
            .join()
            .unwrap_or_else(|_| Err(Error::new(ErrorKind::Io, "the reading thread failed")));
        written?;
        read
    });
    progress.finish();
    let hashing = outcome?;
    summary.input_sha256 = hex(&hashing.hasher.finalize());
    summary.input_bytes = read_bytes.load(Ordering::Relaxed);
    summary.output_sha256 = hex(&out_hash.finalize());
    summary.output_bytes = out_bytes;
    let c = &mut summary.counts;
    c.screened = c.records - c.errors;
    c.error_rate = if c.records == 0 {
        0.0
    } else {
        c.errors as f64 / c.records as f64
    };
    summary.seconds = t0.elapsed().as_secs_f64();
    Ok(summary)
}

/// Seconds since the Unix epoch.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Peak resident memory of this process in bytes (`VmHWM` of
/// `/proc/self/status`; `None` where there is no such file).
pub fn peak_rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The `embargo screen` command: opens the index (`index_dir`, else the
/// bundled default), warns of stale lists, runs, prints the summary and the
/// stamp on stderr, writes the stamp beside a file output, and says how the
/// process should exit: 0, or 1 when the run failed or more records than
/// `--max-error-rate` could not be screened.
pub fn command(cfg: &Config, index_dir: Option<&Path>) -> u8 {
    let started_unix = unix_now();
    let started = crate::index::manifest::rfc3339(started_unix);
    let t0 = Instant::now();
    let opened = match index_dir {
        Some(d) => Index::open(d),
        None => crate::index::default_index(),
    };
    let index = match opened {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let open_s = t0.elapsed().as_secs_f64();
    let bundled = index_dir.is_none();
    let lists = stamp::list_stamps(index.manifest(), started_unix, cfg.max_list_age_days);
    for w in stamp::stale_warnings(&lists, bundled) {
        eprintln!("{w}");
    }
    let summary = match run(&index, cfg) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let c = summary.counts;
    let failed = c.error_rate > cfg.max_error_rate;
    let rss = peak_rss_bytes()
        .map(|b| format!("; peak RSS {} MB", b / 1_000_000))
        .unwrap_or_default();
    eprintln!(
        "screened {} records in {:.2} s ({} names/min, {} threads{}; index opened in {:.3} s): {} with hits ({} hits), {} errors ({:.3} %), {} unreadable attributes left out{rss}",
        c.records,
        summary.seconds,
        progress::human(summary.names_per_minute()),
        cfg.thread_count(),
        if cfg.dry_run { ", DRY RUN: no matching" } else { "" },
        open_s,
        c.with_hits,
        c.hits,
        c.errors,
        c.error_rate * 100.0,
        c.ignored_attributes,
    );
    for (line, e) in &summary.first_errors {
        eprintln!("  error record, line {line}: {e}");
    }
    let message = failed.then(|| {
        format!(
            "{} of {} records ({:.2} %) could not be screened, more than --max-error-rate {} allows: this output is NOT a clean screening of the file. See the error records (a wrong encoding? then --encoding windows-1252; a wrong delimiter or header?)",
            c.errors,
            c.records,
            c.error_rate * 100.0,
            cfg.max_error_rate
        )
    });
    let finished = crate::index::manifest::now_rfc3339();
    let m = index.manifest();
    let the_stamp = stamp::Stamp {
        stamp_version: stamp::STAMP_VERSION,
        engine_version: env!("CARGO_PKG_VERSION").to_string(),
        index: stamp::IndexStamp {
            dir: index.dir().display().to_string(),
            manifest_sha256: index.manifest_sha256().to_string(),
            format_version: m.format_version,
            analysis_version: m.analysis_version.clone(),
            created: m.created.clone(),
            bundled_default: bundled,
        },
        lists,
        options: stamp::OptionsStamp {
            threshold: cfg.options.threshold,
            max_hits: cfg.options.max_hits,
            format: cfg.format.as_str().to_string(),
            threads: cfg.thread_count(),
            encoding: summary
                .encoding
                .unwrap_or(Encoding::Utf8)
                .as_str()
                .to_string(),
            max_error_rate: cfg.max_error_rate,
            extra: cfg.extra,
            max_list_age_days: cfg.max_list_age_days,
            token_cache: cfg.token_cache,
            dry_run: cfg.dry_run,
        },
        input: stamp::DataStamp {
            path: if cfg.input == Path::new("-") {
                "-".into()
            } else {
                cfg.input.display().to_string()
            },
            sha256: summary.input_sha256.clone(),
            bytes: summary.input_bytes,
            format: summary.input_format.map(|f| f.describe()),
        },
        output: cfg.output_file().map(|p| stamp::DataStamp {
            path: p.display().to_string(),
            sha256: summary.output_sha256.clone(),
            bytes: summary.output_bytes,
            format: Some(cfg.format.as_str().to_string()),
        }),
        counts: c,
        started,
        finished,
        elapsed_s: (t0.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        status: if failed { "failed" } else { "ok" }.into(),
        message: message.clone(),
    };
    eprintln!(
        "stamp: engine {}, index {} (manifest {}), threshold {}, max hits {}, {} → {}",
        the_stamp.engine_version,
        the_stamp.index.dir,
        the_stamp.index.manifest_sha256,
        cfg.options.threshold,
        cfg.options.max_hits,
        the_stamp.started,
        the_stamp.finished
    );
    for l in &the_stamp.lists {
        eprintln!(
            "  list {:<11} version {:<11} sha256 {}  age {}{}",
            l.list_id,
            l.version.as_deref().unwrap_or("-"),
            l.sha256.get(..16).unwrap_or(&l.sha256),
            l.age_days.map_or("unknown".into(), |a| format!("{a} days")),
            if l.stale { "  STALE" } else { "" }
        );
    }
    if let Some(p) = cfg.output_file() {
        match stamp::write_stamp(p, &the_stamp) {
            Ok(sp) => eprintln!("audit stamp written to {}", sp.display()),
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
    }
    if let Some(msg) = message {
        eprintln!("error: {msg}");
        return 1;
    }
    0
}
