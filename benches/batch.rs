//! Throughput of `embargo screen` as a whole process (index open, reading,
//! matching, output writing all included) on a generated customer file,
//! against the full bundled default index at the default threshold:
//! names per minute and peak RSS, with 1 and 2 threads and with the token
//! cache off; and the pipeline alone (`--dry-run`: everything but
//! matching), whose cost per record must stay well under 1 µs.
//!
//! ```sh
//! cargo bench --bench batch
//! ```
//!
//! Environment:
//! - `BATCH_BENCH_RECORDS` — the generated file's size (default 1,000,000);
//! - `BATCH_BENCH_THREADS` — thread counts to run (default `1,2`);
//! - `BATCH_BENCH_REPEAT` — runs of each matching configuration, threads
//!   alternating; the median is reported with every run's time (default 3);
//! - `BATCH_BENCH_MAX_SECONDS` — the longest one matching run may take
//!   (default 600): when a timed 2,000-record probe says the whole file
//!   would take longer, the matching runs use the file's first records, as
//!   many as fit, and say so (the matcher is the slow part today);
//! - `BATCH_BENCH_10M=1` — also screen 10,000,000 records (dry run, and a
//!   matching run within the same time limit) to show RSS stays flat.
//!
//! Files go to `target/batch-bench/` and are reused between runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use embargo::batch::gen::{generate, listed_names, GenFormat, Sources};

const SEED: u64 = 1;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn bench_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/batch-bench");
    let _ = std::fs::create_dir_all(&d);
    d
}

/// The generated file of `records` customers (made once).
fn customers(records: u64) -> PathBuf {
    let p = bench_dir().join(format!("customers-{records}-seed{SEED}.csv"));
    if p.exists() {
        return p;
    }
    let t = Instant::now();
    let idx = embargo::index::default_index().expect("the default index");
    let listed = listed_names(&idx).expect("listed names");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let src = Sources::load(shared.is_dir().then_some(shared.as_path()), listed);
    for n in &src.notes {
        eprintln!("{n}");
    }
    let tmp = p.with_extension("csv.tmp");
    let f = std::fs::File::create(&tmp).expect("create customer file");
    let mut w = std::io::BufWriter::new(f);
    let rep = generate(&src, records, SEED, GenFormat::Csv, &mut w).expect("generate");
    drop(w);
    std::fs::rename(&tmp, &p).expect("rename customer file");
    eprintln!(
        "generated {} customers ({} listed) in {:.1} s: {}",
        rep.records,
        rep.listed,
        t.elapsed().as_secs_f64(),
        p.display()
    );
    p
}

/// The first `n` records of a customer file, as a file of its own.
fn prefix(file: &Path, n: u64) -> PathBuf {
    let p = file.with_extension(format!("first{n}.csv"));
    if !p.exists() {
        let text = std::fs::read_to_string(file).expect("read customers");
        let cut: String = text.split_inclusive('\n').take(n as usize + 1).collect();
        std::fs::write(&p, cut).expect("write prefix");
    }
    p
}

struct Run {
    records: u64,
    seconds: f64,
    rss_mb: Option<u64>,
    hits: String,
}

fn screen(input: &Path, threads: usize, extra: &[&str]) -> Run {
    let out = bench_dir().join("out.jsonl");
    let t = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_embargo"))
        .arg("screen")
        .arg("--input")
        .arg(input)
        .arg("--output")
        .arg(&out)
        .arg("--threads")
        .arg(threads.to_string())
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("run embargo screen");
    let seconds = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "embargo screen failed:\n{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("screened "))
        .unwrap_or_default();
    let records = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let rss_mb = line
        .split("peak RSS ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok());
    let hits = line
        .split("): ")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap_or("")
        .to_string();
    Run {
        records,
        seconds,
        rss_mb,
        hits,
    }
}

fn row(what: &str, threads: usize, r: &Run) {
    let per_min = r.records as f64 / r.seconds * 60.0;
    println!(
        "| {what} | {threads} | {} | {:.2} | {:.0} | {:.3} | {} | {} |",
        r.records,
        r.seconds,
        per_min,
        r.seconds / r.records.max(1) as f64 * 1e6,
        r.rss_mb.map_or("-".into(), |m| m.to_string()),
        r.hits
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let records = env_num("BATCH_BENCH_RECORDS", 1_000_000);
    let max_s = env_num("BATCH_BENCH_MAX_SECONDS", 600) as f64;
    let threads: Vec<usize> = std::env::var("BATCH_BENCH_THREADS")
        .unwrap_or_else(|_| "1,2".into())
        .split(',')
        .filter_map(|t| t.trim().parse().ok())
        .filter(|&t| t > 0)
        .collect();
    // Build the default index first, so no run pays for it.
    let idx = embargo::index::default_index().expect("the default index");
    eprintln!(
        "index {} ({} entities, {} names)",
        idx.dir().display(),
        idx.entity_count(),
        idx.name_count()
    );
    let file = customers(records);
    println!(
        "\n`embargo screen` on {records} generated customers, default index, default threshold\n"
    );
    println!("| run | threads | records | seconds | names/min | µs/record (wall) | peak RSS MB | result |");
    println!("|---|---|---|---|---|---|---|---|");
    for &t in &threads {
        row(
            "pipeline only (--dry-run)",
            t,
            &screen(&file, t, &["--dry-run"]),
        );
    }
    // How far can matching go in the time allowed?
    let probe_n = 2000.min(records);
    let probe = screen(&prefix(&file, probe_n), 1, &[]);
    let per_record = probe.seconds / probe_n.max(1) as f64;
    let fit = ((max_s / per_record) as u64).min(records);
    let (match_file, match_n) = if fit >= records {
        (file.clone(), records)
    } else {
        let n = (fit / 1000 * 1000).max(probe_n);
        eprintln!(
            "note: matching costs {:.2} ms a record on one thread: {records} records would take {:.0} s, more than BATCH_BENCH_MAX_SECONDS={max_s}; the matching runs use the first {n} records",
            per_record * 1e3,
            per_record * records as f64
        );
        (prefix(&file, n), n)
    };
    // The machine's speed drifts: each matching run is repeated, threads
    // alternating, and the median reported with every run's time.
    let repeat = env_num("BATCH_BENCH_REPEAT", 3).max(1);
    let mut runs: Vec<Vec<Run>> = threads.iter().map(|_| Vec::new()).collect();
    for _ in 0..repeat {
        for (k, &t) in threads.iter().enumerate() {
            runs[k].push(screen(&match_file, t, &[]));
        }
    }
    for (k, &t) in threads.iter().enumerate() {
        let mut rs = std::mem::take(&mut runs[k]);
        let all: Vec<String> = rs.iter().map(|r| format!("{:.2}", r.seconds)).collect();
        rs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
        let mut median = rs.swap_remove(rs.len() / 2);
        median.hits = format!("{}; runs {} s", median.hits, all.join(" / "));
        row(
            &format!("matching, {match_n} records (median of {repeat})"),
            t,
            &median,
        );
    }
    for &t in &threads {
        row(
            &format!("matching, token cache off, {match_n} records"),
            t,
            &screen(&match_file, t, &["--no-token-cache"]),
        );
    }
    if std::env::var("BATCH_BENCH_10M").is_ok_and(|v| v == "1") {
        let big = customers(10_000_000);
        let t = threads.last().copied().unwrap_or(2);
        row(
            "pipeline only (--dry-run), 10M",
            t,
            &screen(&big, t, &["--dry-run"]),
        );
        let n10 = (fit / 1000 * 1000).max(probe_n).min(10_000_000);
        let p10 = prefix(&big, n10);
        row(
            &format!("matching, first {n10} of 10M"),
            t,
            &screen(&p10, t, &[]),
        );
    }
}
