//! Index build and open: `cargo bench --bench index`.
//!
//! Builds an index of every bundled list (reporting time and size), then
//! opens it repeatedly (median and worst open time) and reports the
//! process's resident memory before and after opening. Targets (index
//! issue): build under 5 s and under 100 MB; open under 10 ms.

use std::time::{Duration, Instant};

fn rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let t = Instant::now();
    let found = embargo::source::read_paths(&[repo.join("data/lists")]);
    let read = t.elapsed();
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let dir = std::env::temp_dir().join(format!("embargo-bench-index-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let report = embargo::index::build(&found.lists, &dir).expect("build");
    println!(
        "build: {} lists, {} entities, {} names, {} terms, {} keys; read {:.2} s + build {:.2} s; {:.1} MB",
        found.lists.len(),
        report.counts.entities,
        report.counts.names,
        report.counts.terms,
        report.counts.keys,
        read.as_secs_f64(),
        report.seconds,
        report.bytes as f64 / 1e6
    );
    drop(found);
    let before = rss_kb();
    let mut times: Vec<Duration> = Vec::new();
    let mut keep = Vec::new();
    for i in 0..50 {
        let t = Instant::now();
        let idx = embargo::index::Index::open(&dir).expect("open");
        times.push(t.elapsed());
        if i == 0 {
            keep.push(idx);
        }
    }
    times.sort();
    let after = rss_kb();
    println!(
        "open: median {:.2} ms, max {:.2} ms over {} opens; RSS before open {} KB, after {} KB",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        times.len(),
        before.unwrap_or(0),
        after.unwrap_or(0)
    );
    drop(keep);
    let _ = std::fs::remove_dir_all(&dir);
}
