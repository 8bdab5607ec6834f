//! `rescreen`: screen customers against only what changed between two
//! indexes.
//!
//! Scores are absolute: token weights are frozen (never derived from the
//! indexed entities), and the matcher's candidate pruning provably loses
//! no hit, so a customer's hits on an entity do not depend on which other
//! entities are indexed. The delta is therefore screened exactly by
//! building a small [`DeltaIndex`] of just the delta's entities — added
//! and changed ones as the new index holds them, removed ones as the old
//! index held them — and screening every customer against it with the
//! same [`Searcher`]. A hit on an added or changed entity is reported
//! with its `change`; a hit on a removed entity is a `retired` alert.
//! (The one way a full screen can differ: a query that reaches the
//! matcher's hard candidate cap in the full index; `tests/delta.rs`
//! checks exactness over real list pairs.)
//!
//! With a saved customer index ([`super::custindex`]) only the customers
//! that can meet the delta are screened, the same way; every other
//! customer's "no change" line is copied from the index
//! ([`write_indexed`]).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::custindex::{rescreen_indexed, CustomerIndex, Probe};
use super::customers::Customer;
use super::diff::{diff_indexes, Diff};
use crate::error::{Error, ErrorKind, Result};
use crate::index::Index;
use crate::search::{Hit, Options, Searcher};
use crate::source::{Format, ParsedList};

/// How a hit's entity changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Changed,
    Removed,
}

/// A hit on an added or changed entity.
#[derive(Debug, Clone, Serialize)]
pub struct DeltaHit {
    #[serde(flatten)]
    pub hit: Hit,
    pub change: Change,
}

/// What a rescreen finds for one customer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Delta {
    /// Hits on added or changed entities, best first.
    pub hits: Vec<DeltaHit>,
    /// Removed entities that hit the customer in the old index.
    pub retired: Vec<String>,
}

/// The delta's entities in an index of their own (in a temporary folder,
/// removed on drop).
pub struct DeltaIndex {
    pub diff: Diff,
    index: Option<Index>,
    dir: Option<PathBuf>,
    change: HashMap<String, Change>,
    /// Seconds spent diffing and building.
    pub seconds: f64,
}

impl Drop for DeltaIndex {
    fn drop(&mut self) {
        self.index = None;
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

impl DeltaIndex {
    /// Diffs `old` and `new` and indexes the delta's entities.
    pub fn build(old: &Index, new: &Index) -> Result<DeltaIndex> {
        let t = Instant::now();
        let diff = diff_indexes(old, new)?;
        let mut change: HashMap<String, Change> = HashMap::new();
        for id in &diff.entities.added {
            change.insert(id.clone(), Change::Added);
        }
        for c in &diff.entities.changed {
            change.insert(c.entity_id.clone(), Change::Changed);
        }
        for id in &diff.entities.removed {
            change.insert(id.clone(), Change::Removed);
        }
        // One parsed list per (list id) holding the delta's records.
        let mut lists: BTreeMap<String, ParsedList> = BTreeMap::new();
        let mut collect = |idx: &Index, want: &dyn Fn(Change) -> bool| -> Result<()> {
            let versions: HashMap<&str, Option<&String>> = idx
                .manifest()
                .lists
                .iter()
                .map(|l| (l.list_id.as_str(), l.version.as_ref()))
                .collect();
            for i in 0..idx.entity_count() {
                let e = idx.entity(i)?;
                if !change.get(e.id).is_some_and(|c| want(*c)) {
                    continue;
                }
                let rec = idx.entity_record(&e)?;
                let l = lists.entry(e.list_id.to_string()).or_insert_with(|| {
                    // An internal index: the format is not read back.
                    let mut l =
                        ParsedList::new(e.list_id, Format::OpenSanctionsJson, Path::new("<delta>"));
                    l.files.clear();
                    l.version = versions.get(e.list_id).and_then(|v| v.cloned());
                    l
                });
                l.entities.push(rec);
            }
            Ok(())
        };
        collect(new, &|c| c != Change::Removed)?;
        collect(old, &|c| c == Change::Removed)?;
        let lists: Vec<ParsedList> = lists.into_values().collect();
        let (index, dir) = if lists.is_empty() {
            (None, None)
        } else {
            let dir = std::env::temp_dir().join(format!(
                "embargo-delta-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0)
            ));
            crate::index::build(&lists, &dir)?;
            match Index::open(&dir) {
                Ok(i) => (Some(i), Some(dir)),
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(e);
                }
            }
        };
        Ok(DeltaIndex {
            diff,
            index,
            dir,
            change,
            seconds: t.elapsed().as_secs_f64(),
        })
    }

    /// The delta's index (`None` when nothing changed).
    pub fn index(&self) -> Option<&Index> {
        self.index.as_ref()
    }

    /// How an entity changed, if it is in the delta.
    pub fn change(&self, entity_id: &str) -> Option<Change> {
        self.change.get(entity_id).copied()
    }

    /// Splits hits on the delta's entities into changed-entity hits and
    /// retired ids.
    pub fn split(&self, hits: Vec<Hit>) -> Delta {
        let mut d = Delta::default();
        for h in hits {
            match self.change(&h.entity_id) {
                Some(Change::Removed) => d.retired.push(h.entity_id),
                Some(change) => d.hits.push(DeltaHit { hit: h, change }),
                None => {}
            }
        }
        d
    }
}

/// Options with no truncation unless `max_hits` is given.
pub fn rescreen_options(threshold: f32, max_hits: Option<usize>) -> Options {
    Options {
        threshold,
        // Large but safe to multiply (the matcher scales it at threshold 0).
        max_hits: max_hits.unwrap_or(u32::MAX as usize),
    }
}

/// Runs `f` over `items` on `threads` threads, each with its own state
/// from `init`; results in input order.
pub fn par_map<T: Sync, S, R: Send>(
    items: &[T],
    threads: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, 256);
    if threads == 1 || items.len() < 64 {
        let mut s = init();
        return items.iter().map(|x| f(&mut s, x)).collect();
    }
    let per = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| {
                let (init, f) = (&init, &f);
                scope.spawn(move || {
                    let mut s = init();
                    chunk.iter().map(|x| f(&mut s, x)).collect::<Vec<R>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Screens every customer against a whole index (the full screen a
/// rescreen replaces; used to check and measure it).
pub fn screen_all(
    index: &Index,
    customers: &[Customer],
    opts: &Options,
    threads: usize,
) -> Vec<std::result::Result<Vec<Hit>, String>> {
    par_map(
        customers,
        threads,
        || Searcher::new(index),
        |s, c| match &c.query {
            Ok(q) => s.screen(q, opts).map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        },
    )
}

/// Rescreens every customer against the delta.
pub fn rescreen_all(
    delta: &DeltaIndex,
    customers: &[Customer],
    opts: &Options,
    threads: usize,
) -> Vec<std::result::Result<Delta, String>> {
    let Some(idx) = delta.index() else {
        return customers
            .iter()
            .map(|c| {
                c.query
                    .as_ref()
                    .map(|_| Delta::default())
                    .map_err(Clone::clone)
            })
            .collect();
    };
    screen_all(idx, customers, opts, threads)
        .into_iter()
        .map(|r| r.map(|hits| delta.split(hits)))
        .collect()
}

/// One output line.
#[derive(Serialize)]
struct Line<'a> {
    id: Option<&'a str>,
    name: &'a str,
    hits: &'a [DeltaHit],
    retired: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    id: Option<&'a str>,
    line: u64,
    error: &'a str,
}

/// The JSON line of one customer's result.
pub fn output_line(c: &Customer, r: &std::result::Result<Delta, String>) -> String {
    let s = match (r, &c.query) {
        (Ok(d), Ok(q)) => serde_json::to_string(&Line {
            id: c.id.as_deref(),
            name: &q.name,
            hits: &d.hits,
            retired: &d.retired,
            warnings: &c.warnings,
        }),
        (Err(e), _) | (Ok(_), Err(e)) => serde_json::to_string(&ErrorLine {
            id: c.id.as_deref(),
            line: c.line,
            error: e,
        }),
    };
    s.unwrap_or_else(|e| format!("{{\"id\":null,\"line\":{},\"error\":\"{e}\"}}", c.line))
}

/// Counts of a rescreen run (also in the audit stamp).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    pub records: u64,
    pub errors: u64,
    pub with_hits: u64,
    pub hits: u64,
    pub with_retired: u64,
    pub retired: u64,
}

/// What `embargo rescreen` was asked.
#[derive(Debug, Clone)]
pub struct RescreenArgs {
    pub old: PathBuf,
    pub new: PathBuf,
    /// The customer file. With `customers` too, it must be the file the
    /// customer index was built from (checked by size and sha256).
    pub input: Option<PathBuf>,
    /// A saved customer index (`embargo customers index`).
    pub customers: Option<PathBuf>,
    pub output: PathBuf,
    pub threshold: f32,
    pub max_hits: Option<usize>,
    pub threads: usize,
}

fn index_stamp(idx: &Index) -> serde_json::Value {
    let m = idx.manifest();
    serde_json::json!({
        "path": idx.dir().display().to_string(),
        "manifest_sha256": idx.manifest_sha256(),
        "created": m.created,
        "lists": m.lists.iter().map(|l| serde_json::json!({
            "list_id": l.list_id,
            "version": l.version,
            "entities": l.entities,
            "files": l.files.iter().map(|f| serde_json::json!({"path": f.path, "sha256": f.sha256})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn tally(counts: &mut Counts, r: &std::result::Result<Delta, String>) {
    match r {
        Ok(d) => {
            counts.with_hits += u64::from(!d.hits.is_empty());
            counts.hits += d.hits.len() as u64;
            counts.with_retired += u64::from(!d.retired.is_empty());
            counts.retired += d.retired.len() as u64;
        }
        Err(_) => counts.errors += 1,
    }
}

/// Writes a rescreen through a customer index: the probed customers'
/// lines (`results`, in the probe's order) and, between them, every other
/// customer's "no change" line as stored — one line per input record, in
/// input order.
pub fn write_indexed(
    ci: &CustomerIndex,
    probe: &Probe,
    results: &[(Customer, std::result::Result<Delta, String>)],
    out: &mut dyn Write,
    out_path: &Path,
) -> Result<Counts> {
    let werr = |e: std::io::Error| Error::io(out_path, e);
    let mut counts = Counts {
        records: ci.len() as u64,
        errors: ci.manifest().counts.errors,
        ..Counts::default()
    };
    let mut next = 0usize;
    for (&cn, (c, r)) in probe.customers.iter().zip(results) {
        let cn = cn as usize;
        out.write_all(ci.lines(next, cn)?).map_err(werr)?;
        tally(&mut counts, r);
        out.write_all(output_line(c, r).as_bytes()).map_err(werr)?;
        out.write_all(b"\n").map_err(werr)?;
        next = cn + 1;
    }
    out.write_all(ci.lines(next, ci.len())?).map_err(werr)?;
    Ok(counts)
}

/// Refuses a customer index that was not built from `input` (size and
/// sha256 compared).
fn check_input(ci: &CustomerIndex, input: &Path) -> Result<()> {
    let want = &ci.manifest().input;
    let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
    let same = meta.len() == want.bytes && {
        use sha2::{Digest, Sha256};
        let mut f = std::fs::File::open(input).map_err(|e| Error::io(input, e))?;
        let mut h = Sha256::new();
        std::io::copy(&mut f, &mut h).map_err(|e| Error::io(input, e))?;
        let got: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        got == want.sha256
    };
    if !same {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "the customer index {} was built from another file ({}, {} bytes, sha256 {}): rebuild it with `embargo customers index --input {}`",
                ci.dir().display(),
                want.path,
                want.bytes,
                want.sha256,
                input.display()
            ),
        )
        .in_file(input));
    }
    Ok(())
}

/// `embargo rescreen`: diff, delta index, screen, write one line per input
/// record and the audit stamp `<output>.manifest.json`.
pub fn run_rescreen(a: &RescreenArgs) -> Result<Counts> {
    if !(a.threshold > 0.0 && a.threshold <= 1.0) {
        return Err(Error::new(
            ErrorKind::Usage,
            "--threshold must be in (0, 1] for a rescreen (0 means 'the best N whatever their score', which has no delta)",
        ));
    }
    let started = crate::index::manifest::now_rfc3339();
    let t0 = Instant::now();
    let (old, new) = (Index::open(&a.old)?, Index::open(&a.new)?);
    let delta = DeltaIndex::build(&old, &new)?;
    let opts = rescreen_options(a.threshold, a.max_hits);
    let to_stdout = a.output == Path::new("-");
    let cindex = match &a.customers {
        Some(dir) => {
            let ci = CustomerIndex::open(dir)?;
            if let Some(input) = &a.input {
                check_input(&ci, input)?;
            }
            Some(ci)
        }
        None => None,
    };
    let input_path = match (&a.input, &cindex) {
        (Some(p), _) => p.clone(),
        (None, Some(ci)) => PathBuf::from(&ci.manifest().input.path),
        (None, None) => {
            return Err(Error::new(
                ErrorKind::Usage,
                "rescreen needs --input FILE or --customers DIR (a saved customer index)",
            ))
        }
    };
    if !to_stdout && a.output == input_path {
        return Err(Error::new(
            ErrorKind::Usage,
            "--output is the input file: choose another output",
        ));
    }
    let mut out: Box<dyn Write> = if to_stdout {
        Box::new(std::io::BufWriter::new(std::io::stdout().lock()))
    } else {
        let f = std::fs::File::create(&a.output).map_err(|e| Error::io(&a.output, e))?;
        Box::new(std::io::BufWriter::with_capacity(1 << 20, f))
    };
    let mut counts = Counts::default();
    let werr = |e: std::io::Error| Error::io(&a.output, e);
    let mut probed = None;
    match &cindex {
        Some(ci) => {
            let (probe, results) = rescreen_indexed(&delta, ci, &opts, a.threads)?;
            counts = write_indexed(ci, &probe, &results, &mut out, &a.output)?;
            probed = Some(probe);
        }
        None => {
            let customers = super::customers::read_customers(&input_path)?;
            for block in customers.chunks(1 << 16) {
                let results = rescreen_all(&delta, block, &opts, a.threads);
                for (c, r) in block.iter().zip(&results) {
                    counts.records += 1;
                    tally(&mut counts, r);
                    out.write_all(output_line(c, r).as_bytes()).map_err(werr)?;
                    out.write_all(b"\n").map_err(werr)?;
                }
            }
        }
    }
    out.flush().map_err(werr)?;
    drop(out);
    let d = &delta.diff.entities;
    let seconds = t0.elapsed().as_secs_f64();
    eprintln!(
        "rescreened {} records against {} added, {} changed, {} removed entities in {:.2} s: {} with new hits ({} hits), {} with retired alerts, {} errors",
        counts.records,
        d.added.len(),
        d.changed.len(),
        d.removed.len(),
        seconds,
        counts.with_hits,
        counts.hits,
        counts.with_retired,
        counts.errors
    );
    if !to_stdout {
        let stamp = serde_json::json!({
            "command": "rescreen",
            "engine_version": env!("CARGO_PKG_VERSION"),
            "old_index": index_stamp(&old),
            "new_index": index_stamp(&new),
            "delta": {"added": d.added.len(), "changed": d.changed.len(), "removed": d.removed.len()},
            "input": input_path.display().to_string(),
            "customer_index": cindex.as_ref().map(|ci| serde_json::json!({
                "path": ci.dir().display().to_string(),
                "manifest_sha256": ci.manifest_sha256(),
                "created": ci.manifest().created,
                "input": ci.manifest().input,
                "customers_screened": probed.as_ref().map(|p| p.customers.len()),
            })),
            "output": a.output.display().to_string(),
            "threshold": a.threshold,
            "max_hits": a.max_hits,
            "counts": counts,
            "started": started,
            "finished": crate::index::manifest::now_rfc3339(),
            "seconds": (seconds * 1000.0).round() / 1000.0,
        });
        let p = PathBuf::from(format!("{}.manifest.json", a.output.display()));
        let text = serde_json::to_string_pretty(&stamp)
            .map_err(|e| Error::malformed(format!("serialising the stamp: {e}")))?;
        std::fs::write(&p, text + "\n").map_err(|e| Error::io(&p, e))?;
    }
    Ok(counts)
}
