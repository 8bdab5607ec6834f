//! In-process screening latency: `cargo bench --bench search`.
//!
//! Builds the index of every bundled list, then screens 10,000 customers
//! from the batch generator (`embargo::batch::gen`: census names, Faker
//! names in many scripts, GLEIF companies, 1 % listed names varied; with
//! their kind, date of birth, country and identifiers) with one reused
//! `Searcher` (one thread) at the default threshold, and prints p50, p99,
//! p99.9 and max latency, the candidate counts, the slowest queries, and a
//! second pass over the same customers (token expansions cached), and a
//! warm pass: the same customers screened by a searcher that first
//! screened 20,000 others (the steady state of a batch or a service: the
//! tokens they share are expanded, the others not). Without `../shared` the generator pairs names
//! from the bundled token table (and says so). It runs with mimalloc, the
//! allocator of the `embargo` binary and server; a program that links the
//! library keeps its own (`cargo bench --bench search --features
//! system-alloc` measures with the system allocator).

use std::time::Instant;

use embargo::batch::gen::{customer, listed_names, Sources};
use embargo::search::{parse_query_dob, Options, Query, Searcher, Stats};

/// The allocator the `embargo` binary (and so `embargo serve`) runs with;
/// `--features system-alloc` measures with the system's instead.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CUSTOMERS: u64 = 10_000;

fn pct(v: &[f64], q: f64) -> f64 {
    v[((v.len() as f64 - 1.0) * q) as usize]
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn main() {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = embargo::source::read_paths(&[repo.join("data/lists")]);
    let dir = std::env::temp_dir().join(format!("embargo-bench-search-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    embargo::index::build(&found.lists, &dir).expect("build");
    drop(found);
    let idx = embargo::index::Index::open(&dir).expect("open");
    let shared = repo.join("../shared");
    let src = Sources::load(
        shared.is_dir().then_some(shared.as_path()),
        listed_names(&idx).expect("listed names"),
    );
    // Customer `n` of the generator as a query, and whether it is listed.
    let query = |n: u64| -> (Query, bool) {
        let c = customer(&src, n, 1);
        let q = Query {
            name: c.name,
            kind: c.kind,
            dob: c.dob.as_deref().and_then(parse_query_dob),
            country: c.country,
            ids: c.ids,
        };
        (q, c.listed)
    };
    let queries: Vec<(Query, bool)> = (0..CUSTOMERS).map(query).collect();
    let mut s = Searcher::new(&idx);
    let opts = Options::default();
    let run = |s: &mut Searcher| -> (Vec<f64>, Vec<Stats>, usize) {
        let mut lat = Vec::with_capacity(queries.len());
        let mut stats = Vec::with_capacity(queries.len());
        let mut hits = 0;
        for (q, _) in &queries {
            let t = Instant::now();
            let h = s.screen(q, &opts).expect("screen");
            lat.push(t.elapsed().as_secs_f64() * 1e6);
            stats.push(s.stats);
            hits += usize::from(!h.is_empty());
        }
        (lat, stats, hits)
    };
    let (lat, stats, hits) = run(&mut s);
    let listed: Vec<f64> = lat
        .iter()
        .zip(&queries)
        .filter(|(_, q)| q.1)
        .map(|(l, _)| *l)
        .collect();
    let innocent: Vec<f64> = lat
        .iter()
        .zip(&queries)
        .filter(|(_, q)| !q.1)
        .map(|(l, _)| *l)
        .collect();
    let mut slow: Vec<(f64, &str, Stats)> = lat
        .iter()
        .zip(&queries)
        .zip(&stats)
        .map(|((l, q), st)| (*l, q.0.name.as_str(), *st))
        .collect();
    slow.sort_by(|x, y| y.0.total_cmp(&x.0));
    for (t, n, st) in slow.iter().take(8) {
        println!("slow: {t:.0} µs {n:?} {st:?}");
    }
    println!(
        "first pass, {} customers ({} with hits): mean {:.1} µs (listed {:.1} µs over {}, innocent {:.1} µs)",
        lat.len(),
        hits,
        mean(&lat),
        mean(&listed),
        listed.len(),
        mean(&innocent)
    );
    let mut sorted = lat.clone();
    sorted.sort_by(f64::total_cmp);
    let mut scored: Vec<usize> = stats.iter().map(|s| s.scored).collect();
    scored.sort_unstable();
    let mut pre: Vec<usize> = stats.iter().map(|s| s.prefiltered).collect();
    pre.sort_unstable();
    println!(
        "first pass latency p50 {:.0} µs, p99 {:.0} µs, p99.9 {:.0} µs, max {:.0} µs; names bounded p50 {}, p99 {}; scored in full p50 {}, p99 {}, max {}",
        pct(&sorted, 0.5),
        pct(&sorted, 0.99),
        pct(&sorted, 0.999),
        sorted[sorted.len() - 1],
        pre[pre.len() / 2],
        pre[(pre.len() - 1) * 99 / 100],
        scored[scored.len() / 2],
        scored[(scored.len() - 1) * 99 / 100],
        scored[scored.len() - 1]
    );
    let summary = |what: &str, lat: &[f64]| {
        let mut sorted = lat.to_vec();
        sorted.sort_by(f64::total_cmp);
        println!(
            "{what}: mean {:.1} µs, p50 {:.0} µs, p99 {:.0} µs, p99.9 {:.0} µs, max {:.0} µs",
            mean(lat),
            pct(&sorted, 0.5),
            pct(&sorted, 0.99),
            pct(&sorted, 0.999),
            sorted[sorted.len() - 1]
        );
    };
    let (lat2, _, _) = run(&mut s);
    summary("second pass (token expansions cached)", &lat2);
    // The steady state of a batch or a service: a searcher that has
    // screened other customers before (20,000 of them, none of the 10,000
    // measured) meets these with the tokens they share already expanded,
    // and expands the rest.
    let mut warm = Searcher::new(&idx);
    for n in CUSTOMERS..3 * CUSTOMERS {
        warm.screen(&query(n).0, &opts).expect("screen");
    }
    let (lat3, _, _) = run(&mut warm);
    summary(
        "warm pass (searcher warmed on 20,000 other customers)",
        &lat3,
    );
    let _ = std::fs::remove_dir_all(&dir);
}
