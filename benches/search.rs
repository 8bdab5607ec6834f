//! In-process screening latency: `cargo bench --bench search`.
//!
//! Builds the index of every bundled list, then screens a mix of names with
//! one reused `Searcher` (single thread) at the default threshold and
//! prints p50, p99, p99.9 and max latency and candidates scored per query.
//! The mix: listed names (every 7th name of the index, so persons,
//! companies, vessels and non-Latin forms), the same with a typo, and — when
//! `../shared` is present — US census first+last names and GLEIF company
//! names (innocents, where common tokens dominate).

use std::io::{BufRead, BufReader};
use std::time::Instant;

fn innocents(shared: &std::path::Path, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let read = |p: &std::path::Path| -> Vec<String> {
        let Ok(f) = std::fs::File::open(p) else {
            return Vec::new();
        };
        BufReader::new(f)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .take(2000)
            .collect()
    };
    let first = read(&shared.join("external/us_census_names_1990/dist.male.first"));
    let last = read(&shared.join("external/us_census_names_1990/dist.female.first"));
    for i in 0..n.min(first.len() * 3) {
        if let (Some(a), Some(b)) = (
            first.get(i % first.len()),
            last.get((i * 7) % last.len().max(1)),
        ) {
            out.push(format!("{a} {b}"));
        }
    }
    out
}

fn main() {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = embargo::source::read_paths(&[repo.join("data/lists")]);
    let dir = std::env::temp_dir().join(format!("embargo-bench-search-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    embargo::index::build(&found.lists, &dir).expect("build");
    drop(found);
    let idx = embargo::index::Index::open(&dir).expect("open");
    let mut names: Vec<String> = Vec::new();
    let mut nid = 0;
    while nid < idx.name_count() && names.len() < 7000 {
        if let Ok(n) = idx.name(nid) {
            names.push(n.text.to_string());
            if names.len() % 2 == 0 {
                let mut t: Vec<char> = n.text.chars().collect();
                if t.len() > 4 {
                    t.swap(2, 3);
                }
                names.push(t.into_iter().collect());
            }
        }
        nid += 7;
    }
    let n_listed = names.len();
    names.extend(innocents(&repo.join("../shared/data"), 3000));
    let mut s = embargo::search::Searcher::new(&idx);
    let opts = embargo::search::Options::default();
    // Warm the cache and the page cache once.
    for n in names.iter().take(500) {
        let _ = s.screen(
            &embargo::search::Query {
                name: n.clone(),
                ..Default::default()
            },
            &opts,
        );
    }
    let mut lat = Vec::with_capacity(names.len());
    let mut scored = Vec::with_capacity(names.len());
    let mut pre = Vec::with_capacity(names.len());
    let mut slow = Vec::with_capacity(names.len());
    let mut hits = 0usize;
    for n in &names {
        let q = embargo::search::Query {
            name: n.clone(),
            ..Default::default()
        };
        let t = Instant::now();
        let h = s.screen(&q, &opts).expect("screen");
        lat.push(t.elapsed().as_secs_f64() * 1e6);
        slow.push((lat[lat.len() - 1], n.clone(), s.stats));
        scored.push(s.stats.scored);
        pre.push(s.stats.prefiltered);
        hits += usize::from(!h.is_empty());
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    println!(
        "mean latency: all {:.1} µs; listed names and typos {:.1} µs; innocents {:.1} µs",
        mean(&lat),
        mean(&lat[..n_listed]),
        mean(&lat[n_listed..])
    );
    slow.sort_by(|x, y| y.0.total_cmp(&x.0));
    for (t, n, st) in slow.iter().take(8) {
        println!("slow: {t:.0} µs {n:?} {st:?}");
    }
    lat.sort_by(f64::total_cmp);
    scored.sort_unstable();
    pre.sort_unstable();
    println!(
        "names past the per-token bound p50 {}, p99 {}, max {}",
        pre[pre.len() / 2],
        pre[(pre.len() - 1) * 99 / 100],
        pre[pre.len() - 1]
    );
    let p = |v: &[f64], q: f64| v[((v.len() as f64 - 1.0) * q) as usize];
    println!(
        "{} queries ({} with hits): latency p50 {:.0} µs, p99 {:.0} µs, p99.9 {:.0} µs, max {:.0} µs; candidates scored p50 {}, p99 {}, max {}",
        lat.len(),
        hits,
        p(&lat, 0.5),
        p(&lat, 0.99),
        p(&lat, 0.999),
        lat[lat.len() - 1],
        scored[scored.len() / 2],
        scored[(scored.len() - 1) * 99 / 100],
        scored[scored.len() - 1]
    );
    // Second pass: every token expansion is now cached (the steady state of
    // a batch, where customer names repeat their tokens).
    let mut lat2 = Vec::with_capacity(names.len());
    for n in &names {
        let q = embargo::search::Query {
            name: n.clone(),
            ..Default::default()
        };
        let t = Instant::now();
        let _ = s.screen(&q, &opts).expect("screen");
        lat2.push(t.elapsed().as_secs_f64() * 1e6);
    }
    println!(
        "second pass (token expansions cached): mean {:.1} µs; listed names and typos {:.1} µs; innocents {:.1} µs",
        mean(&lat2),
        mean(&lat2[..n_listed]),
        mean(&lat2[n_listed..])
    );
    lat2.sort_by(f64::total_cmp);
    println!(
        "second pass latency p50 {:.0} µs, p99 {:.0} µs, p99.9 {:.0} µs, max {:.0} µs",
        p(&lat2, 0.5),
        p(&lat2, 0.99),
        p(&lat2, 0.999),
        lat2[lat2.len() - 1]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
