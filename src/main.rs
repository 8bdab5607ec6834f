//! The `embargo` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: screening allocates many
/// small, short-lived vectors and strings per query, and glibc's malloc
/// spent ~14% of a batch run's instructions (callgrind) on them. Built
/// without transparent huge pages (`no_thp`): with them its peak RSS grew
/// ~15 MB a thread (200k records, 8 threads: 300 MB against 216 MB, and
/// 190 MB with glibc), for no measurable speed.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `println!` that ends the process quietly when stdout is closed early
/// (`embargo query … | head`) instead of panicking, and with exit code 1
/// and a message on any other write error.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("error: cannot write to stdout: {e}");
            std::process::exit(1);
        }
    }};
}

/// Denied-party screening against official sanctions lists.
#[derive(Parser)]
#[command(name = "embargo", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read lists and report, per list: id, format, stated version, entity
    /// and name counts. PATH is a list file or a folder (walked).
    Lists {
        /// List files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// One JSON object per list on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Compile lists into an index folder (which must not exist yet).
    Build {
        /// List files or folders.
        #[arg(long, required = true, num_args = 1..)]
        lists: Vec<PathBuf>,
        /// The index folder to create.
        #[arg(long)]
        out: PathBuf,
        /// Build even if some lists fail to read, leaving them out (loudly).
        #[arg(long)]
        skip_bad: bool,
    },
    /// Screen one name against an index (the bundled default when --index
    /// is left out).
    Query {
        /// The name to screen.
        name: String,
        /// The index folder (default: built from the bundled lists on first use).
        #[arg(long)]
        index: Option<PathBuf>,
        /// The party's kind: person, organization, vessel, aircraft.
        #[arg(long = "type")]
        kind: Option<String>,
        /// Date of birth: YYYY, YYYY-MM or YYYY-MM-DD.
        #[arg(long)]
        dob: Option<String>,
        /// Country: ISO 3166 alpha-2 or a name.
        #[arg(long)]
        country: Option<String>,
        /// Identifiers (passport, IMO, BIC, crypto address…), repeatable.
        #[arg(long = "id")]
        ids: Vec<String>,
        /// Scores at or above this are hits; 0 returns the best --max-hits.
        #[arg(long, default_value_t = embargo::search::DEFAULT_THRESHOLD)]
        threshold: f32,
        /// At most this many hits.
        #[arg(long, default_value_t = embargo::search::DEFAULT_MAX_HITS)]
        max_hits: usize,
        /// One JSON object on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Describe an index (and with --verify re-check every checksum).
    Inspect {
        /// The index folder.
        index: PathBuf,
        /// One JSON object on stdout.
        #[arg(long)]
        json: bool,
        /// Re-hash every file against the manifest; exit 1 naming the first bad one.
        #[arg(long)]
        verify: bool,
    },
    /// Score two names against each other (A is the query, B the listed
    /// name), or every pair of a CSV file with header `id,left,right`.
    Compare {
        /// The query name.
        #[arg(required_unless_present = "pairs")]
        name_a: Option<String>,
        /// The listed name.
        #[arg(required_unless_present = "pairs")]
        name_b: Option<String>,
        /// CSV of pairs (`id,left,right`) to score instead.
        #[arg(long, conflicts_with_all = ["name_a", "name_b"], requires = "output")]
        pairs: Option<PathBuf>,
        /// Where `--pairs` writes one JSON line per pair (`-` for stdout).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Print the analysed forms, the token pairing and the keys as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Screen a customer file (CSV or JSON lines) against an index: one
    /// result per input record, in input order, with an audit stamp.
    Screen(embargo::batch::cli::ScreenArgs),
    /// Entities added, removed and changed (with the fields that differ)
    /// between two indexes.
    Diff {
        /// The older index folder.
        #[arg(long)]
        old: PathBuf,
        /// The newer index folder.
        #[arg(long)]
        new: PathBuf,
        /// One JSON object on stdout (ids only).
        #[arg(long)]
        json: bool,
    },
    /// Download the official lists into a lists folder: conditional
    /// requests, retries, and a sanity check that keeps the previous good
    /// version of any download that is empty, truncated, unreadable or
    /// delists an implausible share.
    Fetch {
        /// The sources file (default: the bundled data/sources.toml).
        #[arg(long)]
        sources: Option<PathBuf>,
        /// The lists folder (one subfolder per source).
        #[arg(long)]
        into: PathBuf,
    },
    /// Screen a customer file against only what changed between two
    /// indexes: hits on added or changed entities, and retired alerts on
    /// removed ones. One line per input record.
    Rescreen {
        /// The older index folder.
        #[arg(long)]
        old: PathBuf,
        /// The newer index folder.
        #[arg(long)]
        new: PathBuf,
        /// The customer file (CSV with a header, or JSON lines). With
        /// --customers, optional: when given, it must be the file the
        /// customer index was built from (checked by size and sha256).
        #[arg(long, required_unless_present = "customers")]
        input: Option<PathBuf>,
        /// A saved customer index of the customer file (`embargo customers
        /// index`): only the customers that can meet the delta are
        /// screened, the others' lines are copied as stored.
        #[arg(long)]
        customers: Option<PathBuf>,
        /// Where results go (`-` for stdout); a file gets an audit stamp
        /// beside it, `<output>.manifest.json`.
        #[arg(long)]
        output: PathBuf,
        /// Scores at or above this are hits.
        #[arg(long, default_value_t = embargo::search::DEFAULT_THRESHOLD)]
        threshold: f32,
        /// At most this many hits per record (default: no limit).
        #[arg(long)]
        max_hits: Option<usize>,
        /// Worker threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Saved customer indexes for fast rescreens.
    #[command(subcommand)]
    Customers(CustomersCommand),
    /// Serve screening over HTTP (JSON): POST /v1/screen, GET /v1/lists,
    /// GET /healthz, GET /metrics, POST /v1/admin/reload.
    Serve(embargo::server::cli::ServeArgs),
}

#[derive(Subcommand)]
enum CustomersCommand {
    /// Analyse a customer file once and save it as a customer index
    /// (a folder, which must not exist yet) for `embargo rescreen
    /// --customers DIR`. Rebuild it when the customer file changes.
    Index {
        /// The customer file (CSV with a header, or JSON lines).
        #[arg(long)]
        input: PathBuf,
        /// The customer index folder to create.
        #[arg(long)]
        out: PathBuf,
        /// Worker threads (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Lists { paths, json } => cmd_lists(&paths, json),
        Command::Build {
            lists,
            out,
            skip_bad,
        } => cmd_build(&lists, &out, skip_bad),
        Command::Query {
            name,
            index,
            kind,
            dob,
            country,
            ids,
            threshold,
            max_hits,
            json,
        } => cmd_query(
            &name,
            index.as_deref(),
            kind.as_deref(),
            dob.as_deref(),
            country,
            ids,
            threshold,
            max_hits,
            json,
        ),
        Command::Inspect {
            index,
            json,
            verify,
        } => cmd_inspect(&index, json, verify),
        Command::Compare {
            name_a,
            name_b,
            pairs,
            output,
            json,
        } => match (pairs, output) {
            (Some(p), Some(o)) => cmd_compare_pairs(&p, &o),
            _ => cmd_compare(
                name_a.as_deref().unwrap_or(""),
                name_b.as_deref().unwrap_or(""),
                json,
            ),
        },
        Command::Screen(args) => ExitCode::from(args.run()),
        Command::Diff { old, new, json } => {
            match embargo::delta::run_diff(&old, &new, json, &mut std::io::stdout().lock()) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Customers(CustomersCommand::Index {
            input,
            out,
            threads,
        }) => {
            let threads = threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            match embargo::delta::build_customer_index(&input, &out, threads) {
                Ok(b) => {
                    eprintln!(
                        "customer index {}: {} records ({} cannot be screened), {} distinct tokens, {} keys, {:.1} MB, built in {:.2} s",
                        b.dir.display(),
                        b.counts.records,
                        b.counts.errors,
                        b.counts.tokens,
                        b.counts.keys,
                        b.bytes as f64 / 1e6,
                        b.seconds
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(if e.kind() == embargo::ErrorKind::Usage {
                        2
                    } else {
                        1
                    })
                }
            }
        }
        Command::Rescreen {
            old,
            new,
            input,
            customers,
            output,
            threshold,
            max_hits,
            threads,
        } => {
            let args = embargo::delta::RescreenArgs {
                old,
                new,
                input,
                customers,
                output,
                threshold,
                max_hits,
                threads: threads
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            };
            match embargo::delta::run_rescreen(&args) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(if e.kind() == embargo::ErrorKind::Usage {
                        2
                    } else {
                        1
                    })
                }
            }
        }
        Command::Fetch { sources, into } => {
            match embargo::fetch::run_fetch(sources.as_deref(), &into) {
                Ok(s) if s.failed() => {
                    eprintln!("error: some sources were not updated (see above); their previous versions are kept");
                    ExitCode::from(1)
                }
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(if e.kind() == embargo::ErrorKind::Usage {
                        2
                    } else {
                        1
                    })
                }
            }
        }
        Command::Serve(args) => args.run(),
    }
}

fn cmd_lists(paths: &[PathBuf], json: bool) -> ExitCode {
    let found = embargo::source::read_paths(paths);
    for (path, why) in &found.skipped {
        eprintln!("note: skipped {}: {}", path.display(), why);
    }
    for list in &found.lists {
        if json {
            let obj = serde_json::json!({
                "list_id": list.list_id,
                "path": list.path.display().to_string(),
                "format": list.format.as_str(),
                "version": list.version,
                "entities": list.entities.len(),
                "names": list.name_count(),
                "warnings": list.warnings.len(),
            });
            out!("{obj}");
        } else {
            out!(
                "{:<14} {:<18} {:<26} {:>7} entities {:>7} names  {}",
                list.list_id,
                list.format.as_str(),
                list.version.as_deref().unwrap_or("-"),
                list.entities.len(),
                list.name_count(),
                list.path.display()
            );
        }
        if !list.warnings.is_empty() {
            eprintln!(
                "warning: {}: {} recoverable oddities kept as raw text, e.g.:",
                list.path.display(),
                list.warnings.len()
            );
            for w in list.warnings.iter().take(3) {
                eprintln!("  {w}");
            }
        }
    }
    for e in &found.errors {
        eprintln!("error: {e}");
    }
    if found.lists.is_empty() && found.errors.is_empty() {
        eprintln!("error: no list found at the given path(s)");
        return ExitCode::from(1);
    }
    if found.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn comparison_json(a: &str, b: &str) -> serde_json::Value {
    #[derive(serde::Serialize)]
    struct Out {
        score: f32,
        left: embargo::analysis::Analysis,
        right: embargo::analysis::Analysis,
        explain: embargo::score::Comparison,
    }
    let left = embargo::analysis::analyze(a);
    let right = embargo::analysis::analyze(b);
    let cmp = embargo::score::compare(&left, &right);
    let out = Out {
        score: (cmp.score * 1000.0).round() / 1000.0,
        left,
        right,
        explain: cmp,
    };
    // Through a string, so f32 values keep their short form (0.33).
    serde_json::to_string(&out)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null)
}

fn cmd_compare(a: &str, b: &str, json: bool) -> ExitCode {
    if json {
        out!("{}", comparison_json(a, b));
    } else {
        let cmp = embargo::score::compare_names(a, b);
        out!("{:.3}", cmp.score);
        for p in &cmp.pairs {
            eprintln!(
                "  {} ~ {}  {:.2} ({:?})",
                p.query, p.listed, p.similarity, p.how
            );
        }
        if let Some(c) = &cmp.capped {
            eprintln!("  capped: {c}");
        }
    }
    ExitCode::SUCCESS
}

fn cmd_compare_pairs(pairs: &std::path::Path, output: &std::path::Path) -> ExitCode {
    use std::io::Write;
    let mut rdr = match csv::ReaderBuilder::new().flexible(true).from_path(pairs) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", pairs.display());
            return ExitCode::from(1);
        }
    };
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            eprintln!("error: {}: {e}", pairs.display());
            return ExitCode::from(1);
        }
    };
    let col = |n: &str| headers.iter().position(|h| h.trim() == n);
    let (Some(ci), Some(cl), Some(cr)) = (col("id"), col("left"), col("right")) else {
        eprintln!(
            "error: {}: the header must name the columns id,left,right",
            pairs.display()
        );
        return ExitCode::from(1);
    };
    let out: Box<dyn Write> = if output == std::path::Path::new("-") {
        Box::new(std::io::stdout().lock())
    } else {
        match std::fs::File::create(output) {
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: {}: {e}", output.display());
                return ExitCode::from(1);
            }
        }
    };
    let mut out = out;
    let (mut n, mut bad) = (0u64, 0u64);
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let v = match rec {
            Ok(r) => {
                let id = r.get(ci).unwrap_or("");
                match (r.get(cl), r.get(cr)) {
                    (Some(a), Some(b)) => {
                        let mut v = comparison_json(a, b);
                        v["id"] = serde_json::Value::from(id);
                        v
                    }
                    _ => {
                        bad += 1;
                        serde_json::json!({"id": id, "line": line, "error": "missing left or right"})
                    }
                }
            }
            Err(e) => {
                bad += 1;
                serde_json::json!({"id": null, "line": line, "error": e.to_string()})
            }
        };
        n += 1;
        if let Err(e) = writeln!(out, "{v}") {
            eprintln!("error: {}: {e}", output.display());
            return ExitCode::from(1);
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("error: {}: {e}", output.display());
        return ExitCode::from(1);
    }
    eprintln!("{n} pairs scored, {bad} bad rows");
    ExitCode::SUCCESS
}

fn cmd_build(paths: &[PathBuf], out: &std::path::Path, skip_bad: bool) -> ExitCode {
    let found = embargo::source::read_paths(paths);
    for (path, why) in &found.skipped {
        eprintln!("note: skipped {}: {}", path.display(), why);
    }
    if !found.errors.is_empty() {
        for e in &found.errors {
            eprintln!(
                "{}: {e}",
                if skip_bad {
                    "warning: LEFT OUT"
                } else {
                    "error"
                }
            );
        }
        if !skip_bad {
            eprintln!("error: the build is refused: a list failed to read (fix it, or pass --skip-bad to leave it out)");
            return ExitCode::from(1);
        }
    }
    if found.lists.is_empty() {
        eprintln!("error: no list found at the given path(s)");
        return ExitCode::from(1);
    }
    let report = match embargo::index::build(&found.lists, out) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    // Verify what was published before anyone uses it.
    match embargo::index::Index::open(out).and_then(|i| i.verify().map(|_| i)) {
        Ok(idx) => {
            eprintln!(
                "built {}: {} lists, {} entities, {} names, {} terms, {} keys, {:.1} MB in {:.2} s; manifest {}",
                out.display(),
                found.lists.len(),
                report.counts.entities,
                report.counts.names,
                report.counts.terms,
                report.counts.keys,
                report.bytes as f64 / 1e6,
                report.seconds,
                idx.manifest_sha256()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: the new index does not verify: {e}");
            ExitCode::from(1)
        }
    }
}

fn cmd_inspect(dir: &std::path::Path, json: bool, verify: bool) -> ExitCode {
    let idx = match embargo::index::Index::open(dir) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let m = idx.manifest();
    if json {
        let lists: Vec<serde_json::Value> = m
            .lists
            .iter()
            .map(|l| {
                serde_json::json!({
                    "list_id": l.list_id,
                    "format": l.format,
                    "version": l.version,
                    "entities": l.entities,
                    "names": l.names,
                    "files": l.files.iter().map(|f| serde_json::json!({"path": f.path, "sha256": f.sha256})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let v = serde_json::json!({
            "format_version": m.format_version,
            "engine_version": m.engine_version,
            "analysis_version": m.analysis_version,
            "created": m.created,
            "manifest_sha256": idx.manifest_sha256(),
            "counts": m.counts,
            "lists": lists,
            "files": m.files,
        });
        out!("{v}");
    } else {
        out!("index     {}", dir.display());
        out!("manifest  {}", idx.manifest_sha256());
        out!(
            "format    {} (engine {}, {})",
            m.format_version,
            m.engine_version,
            m.analysis_version
        );
        out!("created   {}", m.created);
        out!(
            "holds     {} entities, {} names, {} terms, {} keys",
            m.counts.entities,
            m.counts.names,
            m.counts.terms,
            m.counts.keys
        );
        for l in &m.lists {
            out!(
                "list      {:<12} {:<18} {:<12} {:>6} entities {:>6} names",
                l.list_id,
                l.format,
                l.version.as_deref().unwrap_or("-"),
                l.entities,
                l.names
            );
            for f in &l.files {
                out!(
                    "            {}  {}",
                    &f.sha256[..16.min(f.sha256.len())],
                    f.path
                );
            }
        }
        for f in &m.files {
            out!(
                "file      {:<12} {:>10} bytes  {}",
                f.name,
                f.bytes,
                f.sha256
            );
        }
    }
    if verify {
        match idx.verify() {
            Ok(()) => eprintln!("verified: every file matches the manifest"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

fn open_index(dir: Option<&std::path::Path>) -> Result<embargo::index::Index, embargo::Error> {
    match dir {
        Some(d) => embargo::index::Index::open(d),
        None => embargo::index::default_index(),
    }
}

fn parse_kind(s: &str) -> Option<embargo::Kind> {
    match s.trim().to_ascii_lowercase().as_str() {
        "person" | "individual" => Some(embargo::Kind::Person),
        "organization" | "organisation" | "entity" | "company" => Some(embargo::Kind::Organization),
        "vessel" | "ship" => Some(embargo::Kind::Vessel),
        "aircraft" => Some(embargo::Kind::Aircraft),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn cmd_query(
    name: &str,
    index: Option<&std::path::Path>,
    kind: Option<&str>,
    dob: Option<&str>,
    country: Option<String>,
    ids: Vec<String>,
    threshold: f32,
    max_hits: usize,
    json: bool,
) -> ExitCode {
    if !(0.0..=1.0).contains(&threshold) {
        eprintln!("error: --threshold must be between 0 and 1");
        return ExitCode::from(2);
    }
    let kind = match kind.map(|k| (k, parse_kind(k))) {
        Some((k, None)) => {
            eprintln!("error: --type {k}: expected person, organization, vessel or aircraft");
            return ExitCode::from(2);
        }
        Some((_, k)) => k,
        None => None,
    };
    let dob = match dob.map(|d| (d, embargo::search::parse_query_dob(d))) {
        Some((d, None)) => {
            eprintln!("error: --dob {d}: expected YYYY, YYYY-MM or YYYY-MM-DD");
            return ExitCode::from(2);
        }
        Some((_, d)) => d,
        None => None,
    };
    let idx = match open_index(index) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let q = embargo::search::Query {
        name: name.to_string(),
        kind,
        dob,
        country,
        ids,
    };
    let opts = embargo::search::Options {
        threshold,
        max_hits,
    };
    let mut s = embargo::search::Searcher::new(&idx);
    let hits = match s.screen(&q, &opts) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if json {
        // A struct, not `json!`: f32 scores print as written (0.33, not
        // 0.33000001311302185).
        #[derive(serde::Serialize)]
        struct Out<'a> {
            name: &'a str,
            hits: &'a [embargo::search::Hit],
            manifest_sha256: &'a str,
        }
        let out = Out {
            name,
            hits: &hits,
            manifest_sha256: idx.manifest_sha256(),
        };
        match serde_json::to_string(&out) {
            Ok(s) => out!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        if hits.is_empty() {
            out!("no hit at threshold {threshold}");
        }
        for h in &hits {
            out!(
                "{:.3}  {:<22} {:<12} {}  (matched {} \"{}\")",
                h.score,
                h.entity_id,
                h.kind.as_str(),
                h.primary_name,
                h.alias.as_str(),
                h.matched_name
            );
        }
    }
    ExitCode::SUCCESS
}
