//! The evaluation tool: recall per variant class and alert rate on innocent
//! names over a range of thresholds (see `embargo::eval` for the method).
//!
//! ```text
//! cargo run --release --example eval -- [--shared ../shared] [--write-cases DIR]
//!     [--cases FILE] [--innocents FILE] [--report docs/evaluation.md]
//!     [--seed N] [--max-per-class N] [--innocents-per-source N] [--threads N]
//! ```
//!
//! Without `--cases`/`--innocents` the truth cases and innocent names are
//! generated from `../shared` (lists and external name data); with them they
//! are read from TSV files such as `--write-cases` writes
//! (`class, split, query, expected_id, expected_names` joined by ` | `).
//! The alert rate needs the lists of `../shared`. When `../shared` is absent
//! and no case file is given, the tool says so and exits 0 (nothing to do).
//!
//! Files derived from research-only or non-commercial data must not be
//! committed: `--write-cases` writes wherever the user says, and the
//! repository keeps only the report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use embargo::eval::measure::{self, CaseScore, InnocentScore, NameIndex};
use embargo::eval::report::{self, AucRow, Example, ListLine, Report};
use embargo::eval::{self, cases, Case, Rng, Split};

#[derive(Parser, Debug)]
#[command(about = "Recall per variant class and alert rate of embargo's pairwise scores")]
struct Args {
    /// The shared folder holding data/lists and data/external.
    #[arg(long)]
    shared: Option<PathBuf>,
    /// Write the generated truth cases and innocent names into this folder
    /// (truth.tsv, innocents.tsv). Do not commit them.
    #[arg(long)]
    write_cases: Option<PathBuf>,
    /// Read truth cases from this TSV file instead of generating them.
    #[arg(long)]
    cases: Option<PathBuf>,
    /// Read innocent names from this TSV file instead of generating them.
    #[arg(long)]
    innocents: Option<PathBuf>,
    /// Write the Markdown report here (it is printed in any case).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// At most this many truth cases per class.
    #[arg(long, default_value_t = 2000)]
    max_per_class: usize,
    /// Innocent names per source (census, Faker, GLEIF).
    #[arg(long, default_value_t = 10000)]
    innocents_per_source: usize,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Examples of misses / false alerts shown in the report.
    #[arg(long, default_value_t = 30)]
    examples: usize,
}

fn find_shared(arg: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = arg {
        return p.join("data").is_dir().then(|| p.to_path_buf());
    }
    [
        PathBuf::from("../shared"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    ]
    .into_iter()
    .find(|p| p.join("data").is_dir())
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .map(|a| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$\\".contains(c)) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a
            }
        })
        .collect();
    let mut s = "cargo run --release --example eval".to_string();
    if !args.is_empty() {
        s.push_str(" -- ");
        s.push_str(&args.join(" "));
    }
    s
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("eval: {e}");
            ExitCode::from(1)
        }
    }
}

struct Timer {
    start: Instant,
    last: Instant,
    stages: Vec<(String, f64)>,
}

impl Timer {
    fn new() -> Timer {
        let now = Instant::now();
        Timer {
            start: now,
            last: now,
            stages: Vec::new(),
        }
    }
    fn lap(&mut self, stage: &str) {
        let now = Instant::now();
        let s = (now - self.last).as_secs_f64();
        eprintln!("eval: {stage}: {s:.1} s");
        self.stages.push((stage.to_string(), s));
        self.last = now;
    }
    fn total(mut self) -> Vec<(String, f64)> {
        self.stages
            .push(("total".into(), self.start.elapsed().as_secs_f64()));
        self.stages
    }
}

fn run(args: &Args) -> embargo::Result<()> {
    let mut timer = Timer::new();
    let threads = args.threads.unwrap_or_else(eval::default_threads).max(1);
    let shared = find_shared(args.shared.as_deref());
    if shared.is_none() && args.cases.is_none() {
        eprintln!(
            "eval: skipped: the shared data folder ({}) is absent. The evaluation builds its cases \
             from <shared>/data/lists and <shared>/data/external; pass --shared DIR, or --cases FILE \
             (and --innocents FILE) to score cases written earlier by --write-cases.",
            args.shared
                .as_deref()
                .unwrap_or(Path::new("../shared"))
                .display()
        );
        return Ok(());
    }
    let cfg = cases::GenConfig {
        seed: args.seed,
        max_per_class: args.max_per_class,
        innocents_per_source: args.innocents_per_source,
    };
    let mut notes: Vec<String> = Vec::new();
    if shared.is_none() {
        notes.push("the shared folder is absent: no lists, so no alert rate".into());
    }

    // Lists.
    let universe = match &shared {
        Some(s) => cases::load_lists(s),
        None => cases::Universe::default(),
    };
    notes.extend(universe.notes.iter().cloned());
    timer.lap("load lists");

    // Truth cases.
    let truth: Vec<Case> = match (&args.cases, &shared) {
        (Some(p), _) => eval::read_tsv(p)?
            .into_iter()
            .filter(|c| !c.expected_id.is_empty())
            .collect(),
        (None, Some(s)) => {
            let (mut v, trivial) = cases::list_cases(&universe, &cfg);
            notes.push(format!(
                "{trivial} list aliases equal to another name of their entity after normalisation were left out"
            ));
            match cases::load_nicknames(s) {
                Ok(n) => v.extend(cases::variant_cases(&universe, &n, &cfg)),
                Err(e) => {
                    notes.push(format!("nicknames not read ({e}): no nickname class"));
                    let none = eval::variants::Nicknames::default();
                    v.extend(cases::variant_cases(&universe, &none, &cfg));
                }
            }
            v.extend(cases::external_cases(s, &cfg, &mut notes));
            v
        }
        (None, None) => Vec::new(),
    };
    let innocents: Vec<Case> = match (&args.innocents, &shared) {
        (Some(p), _) => eval::read_tsv(p)?,
        (None, Some(s)) if args.cases.is_none() => cases::innocents(s, &cfg, &mut notes),
        (None, Some(_)) => {
            notes.push("--cases given without --innocents: no innocent names".into());
            Vec::new()
        }
        (None, None) => Vec::new(),
    };
    timer.lap("build cases");
    eprintln!(
        "eval: {} truth cases, {} innocent names",
        truth.len(),
        innocents.len()
    );

    if let Some(dir) = &args.write_cases {
        std::fs::create_dir_all(dir).map_err(|e| embargo::Error::io(dir, e))?;
        eval::write_tsv(&dir.join("truth.tsv"), &truth)?;
        eval::write_tsv(&dir.join("innocents.tsv"), &innocents)?;
        eprintln!(
            "eval: wrote {} and {} (do not commit them: some sources are research-only)",
            dir.join("truth.tsv").display(),
            dir.join("innocents.tsv").display()
        );
    }

    // Recall.
    let scores = measure::score_cases(&truth, threads);
    timer.lap("score truth cases");

    // Ordering (AUC).
    let neg = measure::different_party_scores(&truth, args.seed, threads);
    let auc = auc_rows(&truth, &scores, &neg);
    timer.lap("score different-party pairs");

    // Alert rate.
    let index = NameIndex::build(&universe.entities, threads);
    timer.lap("analyse and index list names");
    let iscores: Vec<InnocentScore> = if index.is_empty() {
        if !innocents.is_empty() {
            notes.push("no list loaded: innocent names not scored".into());
        }
        Vec::new()
    } else {
        measure::score_innocents(&index, &innocents, threads)
    };
    timer.lap("score innocent names");

    let innocents_scored: &[Case] = if iscores.is_empty() { &[] } else { &innocents };
    let mut rep = Report {
        command: command_line(),
        seed: args.seed,
        max_per_class: args.max_per_class,
        innocents_per_source: args.innocents_per_source,
        threads,
        analysis_version: embargo::analysis::ANALYSIS_VERSION.to_string(),
        lists: universe
            .lists
            .iter()
            .map(|l| ListLine {
                list_id: l.list_id.clone(),
                version: l.version.clone().unwrap_or_else(|| "–".into()),
                files: l.files.join(", "),
                entities: l.entities,
                names: l.names,
                reader: l.reader.clone(),
            })
            .collect(),
        index_names: index.len(),
        notes,
        recall_holdout: report::class_stats(&truth, &scores, Split::Holdout),
        recall_tune: report::class_stats(&truth, &scores, Split::Tune),
        alerts_holdout: report::source_stats(innocents_scored, &iscores, Split::Holdout),
        alerts_tune: report::source_stats(innocents_scored, &iscores, Split::Tune),
        auc,
        misses: misses(&truth, &scores, args.seed, args.examples),
        false_alerts: false_alerts(innocents_scored, &iscores, &index, args.examples),
        excluded: excluded(innocents_scored, &iscores, &index, 15),
        ..Report::default()
    };
    timer.lap("report");
    rep.timings = timer.total();
    let md = rep.render();
    if let Some(p) = &args.report {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| embargo::Error::io(dir, e))?;
        }
        std::fs::write(p, &md).map_err(|e| embargo::Error::io(p, e))?;
        eprintln!("eval: report written to {}", p.display());
    }
    println!("{md}");
    Ok(())
}

fn auc_rows(truth: &[Case], scores: &[CaseScore], neg: &[Option<f32>]) -> Vec<AucRow> {
    let mut order: Vec<&str> = Vec::new();
    for c in truth {
        if !order.contains(&c.class.as_str()) {
            order.push(&c.class);
        }
    }
    let row = |class: &str, filter: &dyn Fn(&Case) -> bool| {
        let side = |split: Split| {
            let mut pos = Vec::new();
            let mut ng = Vec::new();
            for ((c, s), n) in truth.iter().zip(scores).zip(neg) {
                if c.split == split && filter(c) {
                    pos.push(s.score);
                    if let Some(n) = n {
                        ng.push(*n);
                    }
                }
            }
            (pos, ng)
        };
        let (tp, tn) = side(Split::Tune);
        let (hp, hn) = side(Split::Holdout);
        AucRow {
            class: class.to_string(),
            tune: measure::auc(&tp, &tn),
            holdout: measure::auc(&hp, &hn),
            holdout_neg_at_080: hn.iter().filter(|&&x| x >= 0.80).count(),
            holdout_pairs: hn.len(),
        }
    };
    let mut out: Vec<AucRow> = order
        .iter()
        .map(|class| row(class, &|c: &Case| c.class == *class))
        .collect();
    if out.len() > 1 {
        out.push(row("all (pooled)", &|_| true));
    }
    out
}

/// Classes whose rows are not quoted in the report (it is committed): the
/// data's licences ask for caution (Google ar2en; rigour, by OpenSanctions).
/// Their numbers are reported; their names stay in ../shared.
const NOT_QUOTED: [&str; 2] = ["translit_ar2en", "translit_rigour_"];

/// Up to two misses per class (tune split, score < 0.80), at random.
fn misses(truth: &[Case], scores: &[CaseScore], seed: u64, max: usize) -> Vec<Example> {
    let mut per_class: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, (c, s)) in truth.iter().zip(scores).enumerate() {
        if c.split != Split::Tune
            || s.score >= 0.80
            || NOT_QUOTED.iter().any(|p| c.class.starts_with(p))
        {
            continue;
        }
        match per_class.iter_mut().find(|(k, _)| *k == c.class) {
            Some((_, v)) => v.push(i),
            None => per_class.push((&c.class, vec![i])),
        }
    }
    let mut rng = Rng::for_purpose(seed, "examples:misses");
    let mut out = Vec::new();
    for (_, mut idx) in per_class {
        rng.shuffle(&mut idx);
        for i in idx.into_iter().take(2) {
            let c = &truth[i];
            let s = scores[i];
            out.push(Example {
                class: c.class.clone(),
                query: c.query.clone(),
                other: s
                    .best
                    .and_then(|b| c.expected_names.get(b))
                    .cloned()
                    .unwrap_or_default(),
                other_id: c.expected_id.clone(),
                score: s.score,
            });
        }
    }
    out.truncate(max.max(1) * 2);
    out
}

fn example_of(c: &Case, s: &InnocentScore, index: &NameIndex) -> Example {
    let (other, other_id) = s
        .name
        .and_then(|n| index.names.get(n as usize))
        .map(|n| (n.name.clone(), n.entity_id.clone()))
        .unwrap_or_default();
    Example {
        class: c.class.clone(),
        query: c.query.clone(),
        other,
        other_id,
        score: s.score,
    }
}

/// The highest-scoring innocent names of the tune split per source (names
/// left out as listed excluded), interleaved across sources.
fn false_alerts(
    innocents: &[Case],
    scores: &[InnocentScore],
    index: &NameIndex,
    max: usize,
) -> Vec<Example> {
    let mut sources: Vec<&str> = Vec::new();
    for c in innocents {
        if !sources.contains(&c.class.as_str()) {
            sources.push(&c.class);
        }
    }
    let per = (max / sources.len().max(1)).max(1);
    let mut out = Vec::new();
    for src in sources {
        let mut idx: Vec<usize> = (0..innocents.len())
            .filter(|&i| innocents[i].class == src && innocents[i].split == Split::Tune)
            .filter(|&i| {
                !(scores[i].score >= report::EXACT && report::EXCLUDE_EXACT.contains(&src))
            })
            .filter(|&i| scores[i].score >= report::THRESHOLDS[0])
            .collect();
        idx.sort_by(|&a, &b| {
            scores[b]
                .score
                .total_cmp(&scores[a].score)
                .then(innocents[a].query.cmp(&innocents[b].query))
        });
        // Alerts above the cap spread over the score range (every k-th),
        // and two of those resting on one token (at the cap).
        let (capped, above): (Vec<usize>, Vec<usize>) = idx
            .into_iter()
            .partition(|&i| report::at_cap(scores[i].score));
        let n_above = per.saturating_sub(2.min(capped.len()));
        let step = (above.len() / n_above.max(1)).max(1);
        let chosen = above
            .iter()
            .step_by(step)
            .take(n_above)
            .chain(capped.iter().take(per - n_above.min(per)));
        for &i in chosen {
            out.push(example_of(&innocents[i], &scores[i], index));
        }
    }
    out
}

fn excluded(
    innocents: &[Case],
    scores: &[InnocentScore],
    index: &NameIndex,
    max: usize,
) -> Vec<Example> {
    innocents
        .iter()
        .zip(scores)
        .filter(|(c, s)| {
            s.score >= report::EXACT && report::EXCLUDE_EXACT.contains(&c.class.as_str())
        })
        .take(max)
        .map(|(c, s)| example_of(c, s, index))
        .collect()
}
