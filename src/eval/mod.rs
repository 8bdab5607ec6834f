//! The project's own evaluation tool: recall per variant class and alert
//! rate on innocent names, over a range of thresholds (in the spirit of
//! imdb-rename's evaluation tool, separate from the tests).
//!
//! It has two modes: **pairwise** scores ([`crate::score::compare`] of the
//! query against the expected entity's names, `docs/evaluation.md`) and
//! **screening** ([`screen`]: the query through the matcher against a real
//! index — candidate-stage recall, final recall, top-1, alert rate and
//! latency, `docs/evaluation-screening.md`).
//!
//! - A **truth case** ([`Case`]) is a query name, the id of the entity it
//!   must hit and that entity's names. Cases come from real data nobody here
//!   invented ([`cases`]): aliases of one entity on the real lists,
//!   non-Latin names against their Latin forms, real transliteration pairs
//!   and name groups, and synthetic variants of real listed names made by
//!   the generators of [`variants`] (typos, reordering, dropped middle
//!   names, honorifics, legal forms, spacing, case and punctuation,
//!   nicknames, respellings).
//! - An **innocent name** is a [`Case`] without an expected entity: census,
//!   Faker and GLEIF names that should not alert.
//! - Every case is put in the `tune` (~70 %) or the `holdout` (~30 %) split by
//!   a hash of its content ([`split_of`]); holdout is for reporting only and
//!   must never be looked at while tuning.
//! - [`measure`] scores cases and innocents; [`report`] renders Markdown;
//!   [`screen`] runs and reports the screening mode.
//!
//! The example `examples/eval.rs` is the command line around this module;
//! `docs/evaluation.md` holds its latest report.

pub mod cases;
pub mod measure;
pub mod report;
pub mod screen;
pub mod variants;

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// The two parts every class is split into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Split {
    /// May be looked at and tuned on (~70 %).
    Tune,
    /// Reporting only (~30 %).
    Holdout,
}

impl Split {
    /// `"tune"` or `"holdout"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Tune => "tune",
            Split::Holdout => "holdout",
        }
    }

    /// Parses `"tune"` / `"holdout"`.
    pub fn parse(s: &str) -> Option<Split> {
        match s {
            "tune" => Some(Split::Tune),
            "holdout" => Some(Split::Holdout),
            _ => None,
        }
    }
}

/// Percentage of cases that go to [`Split::Tune`].
pub const TUNE_PERCENT: u64 = 70;

/// FNV-1a (64-bit) over the parts, each followed by a 0x1F separator:
/// stable across platforms, Rust versions and runs (unlike the std hasher).
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The split of a case, from a hash of its class, query and expected id
/// (the seed plays no part, so a case keeps its split across runs).
pub fn split_of(class: &str, query: &str, expected_id: &str) -> Split {
    // Mix the FNV output once more: its low bits alone are weakly mixed.
    let h = mix64(stable_hash(&[class, query, expected_id]));
    if h % 100 < TUNE_PERCENT {
        Split::Tune
    } else {
        Split::Holdout
    }
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A small deterministic random generator (SplitMix64): the same seed gives
/// the same cases on every platform. Not for cryptography.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator for one purpose (a class, a source) under a seed, so that
    /// adding a class does not change the cases of the others.
    pub fn for_purpose(seed: u64, purpose: &str) -> Rng {
        Rng(seed ^ mix64(stable_hash(&[purpose])))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A random element (`None` for an empty slice).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len()))
        }
    }

    /// Shuffles in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// One truth case — or, with an empty `expected_id`, one innocent name
/// (`class` is then its source: `census`, `faker`, `gleif`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Variant class (`list_alias`, `typo`, `translit_ar`, …) or innocent source.
    pub class: String,
    pub split: Split,
    /// The name screened.
    pub query: String,
    /// The entity it must hit: a list entity id (`un-sc:QDi.001`) or a
    /// pseudo-entity of external data (`ext:wikidata_ar:12+345`); empty for
    /// innocent names.
    pub expected_id: String,
    /// The expected entity's names the query is compared with.
    pub expected_names: Vec<String>,
}

impl Case {
    /// A truth case, split by [`split_of`].
    pub fn truth(class: &str, query: &str, expected_id: &str, names: Vec<String>) -> Case {
        Case {
            class: class.to_string(),
            split: split_of(class, query, expected_id),
            query: query.to_string(),
            expected_id: expected_id.to_string(),
            expected_names: names,
        }
    }

    /// An innocent name from `source`, split by [`split_of`].
    pub fn innocent(source: &str, name: &str) -> Case {
        Case::truth(source, name, "", Vec::new())
    }
}

/// Separator of `expected_names` in the TSV files.
pub const NAMES_SEP: &str = " | ";
/// Header line of the TSV files.
pub const TSV_HEADER: &str = "class\tsplit\tquery\texpected_id\texpected_names";

/// Makes a field safe for the TSV files: tabs and line breaks become spaces
/// and the names separator cannot occur inside a name.
fn tsv_field(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect();
    s.replace(NAMES_SEP, " / ")
}

/// Writes cases as TSV (`class, split, query, expected_id, expected_names`
/// joined by `" | "`), with a header line.
pub fn write_tsv(path: &Path, cases: &[Case]) -> Result<()> {
    let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = BufWriter::new(f);
    let io = |e| Error::io(path, e);
    writeln!(w, "{TSV_HEADER}").map_err(io)?;
    for c in cases {
        let names: Vec<String> = c.expected_names.iter().map(|n| tsv_field(n)).collect();
        writeln!(
            w,
            "{}\t{}\t{}\t{}\t{}",
            tsv_field(&c.class),
            c.split.as_str(),
            tsv_field(&c.query),
            tsv_field(&c.expected_id),
            names.join(NAMES_SEP)
        )
        .map_err(io)?;
    }
    w.flush().map_err(io)
}

/// Reads cases written by [`write_tsv`] (the header line is optional;
/// blank lines and `#` comments are skipped). A line with fewer than five
/// fields, an unknown split or an empty query is an error naming the line.
pub fn read_tsv(path: &Path) -> Result<Vec<Case>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = line.map_err(|e| Error::io(path, e).at(line_no))?;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') || (i == 0 && line == TSV_HEADER) {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 5 {
            return Err(Error::malformed(format!(
                "expected 5 tab-separated fields (class, split, query, expected_id, expected_names), found {}",
                fields.len()
            ))
            .in_file(path)
            .at(line_no));
        }
        let split = Split::parse(fields[1]).ok_or_else(|| {
            Error::malformed(format!(
                "split must be \"tune\" or \"holdout\", not {:?}",
                fields[1]
            ))
            .in_file(path)
            .at(line_no)
        })?;
        if fields[2].trim().is_empty() {
            return Err(Error::malformed("empty query").in_file(path).at(line_no));
        }
        let names = fields[4]
            .split(NAMES_SEP)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect();
        out.push(Case {
            class: fields[0].to_string(),
            split,
            query: fields[2].to_string(),
            expected_id: fields[3].to_string(),
            expected_names: names,
        });
    }
    Ok(out)
}

/// Maps `f` over `items` on `threads` threads (std scoped threads, blocks
/// handed out by an atomic counter so uneven costs balance), keeping order.
pub fn par_map<T, R, F>(items: &[T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    const BLOCK: usize = 64;
    let threads = threads.max(1);
    if threads == 1 || items.len() <= BLOCK {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let start = next.fetch_add(BLOCK, Ordering::Relaxed);
                        if start >= items.len() {
                            break;
                        }
                        let end = (start + BLOCK).min(items.len());
                        for (k, item) in items[start..end].iter().enumerate() {
                            out.push((start + k, f(item)));
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            // A worker only panics if `f` panics; pass that panic on.
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut all: Vec<(usize, R)> = parts.drain(..).flatten().collect();
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Number of worker threads to use: the machine's parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_deterministic_and_about_70_30() {
        let a = split_of("typo", "Vladimir Puttin", "ofac-sdn:1");
        assert_eq!(a, split_of("typo", "Vladimir Puttin", "ofac-sdn:1"));
        let n = 20_000;
        let tune = (0..n)
            .filter(|i| split_of("typo", &format!("name {i}"), "x") == Split::Tune)
            .count();
        let share = tune as f64 / n as f64;
        assert!((0.68..0.72).contains(&share), "{share}");
    }

    #[test]
    fn rng_is_deterministic() {
        let mut a = Rng::for_purpose(7, "typo");
        let mut b = Rng::for_purpose(7, "typo");
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        let mut c = Rng::for_purpose(8, "typo");
        assert_ne!(xs[0], c.next_u64());
    }

    #[test]
    fn tsv_round_trips() {
        let dir = std::env::temp_dir().join(format!("embargo-eval-tsv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("cases.tsv");
        let cases = vec![
            Case::truth(
                "typo",
                "Vladimir\tPuttin",
                "ofac-sdn:1",
                vec!["PUTIN, Vladimir".into(), "Путин | Владимир".into()],
            ),
            Case::innocent("census", "James Smith"),
        ];
        write_tsv(&p, &cases).unwrap();
        let back = read_tsv(&p).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].query, "Vladimir Puttin");
        assert_eq!(
            back[0].expected_names,
            ["PUTIN, Vladimir", "Путин / Владимир"]
        );
        assert_eq!(back[1], cases[1]);
        std::fs::write(&p, "typo\tmaybe\tx\ty\tz\n").unwrap();
        let err = read_tsv(&p).unwrap_err();
        assert_eq!(err.line(), Some(1));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn par_map_keeps_order() {
        let v: Vec<usize> = (0..1000).collect();
        let out = par_map(&v, 3, |x| x * 2);
        assert_eq!(out, (0..1000).map(|x| x * 2).collect::<Vec<_>>());
    }
}
