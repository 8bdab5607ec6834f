//! The evaluation tool: recall per variant class and alert rate on innocent
//! names over a range of thresholds (see `embargo::eval` for the method).
//!
//! ```text
//! cargo run --release --example eval -- [--mode pairwise|screen]
//!     [--shared ../shared] [--write-cases DIR]
//!     [--cases FILE] [--innocents FILE] [--report docs/evaluation.md]
//!     [--seed N] [--max-per-class N] [--innocents-per-source N] [--threads N]
//! ```
//!
//! `--mode pairwise` (the default) scores each query against its expected
//! entity's names (`docs/evaluation.md`); `--mode screen` builds indexes of
//! the same lists in a temporary folder and screens every query through the
//! matcher: candidate-stage recall, final recall, top-1, alert rate and
//! latency (`docs/evaluation-screening.md`, see `embargo::eval::screen`).
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

use clap::{Parser, ValueEnum};

use embargo::eval::measure::{self, CaseScore, InnocentScore, NameIndex};
use embargo::eval::report::{self, AucRow, Example, ListLine, Report};
use embargo::eval::screen::{self, CaseResult, IndexLine, Outcome, ScreenExample, ScreenReport};
use embargo::eval::{self, cases, Case, Rng, Split};
use embargo::index::Index;

/// What the tool measures.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Scores of each query against its expected entity's names.
    Pairwise,
    /// Each query through the matcher against an index of the lists.
    Screen,
}

#[derive(Parser, Debug)]
#[command(about = "Recall per variant class and alert rate of embargo's scores and matcher")]
struct Args {
    /// pairwise: scores against the expected entity; screen: the matcher
    /// against an index built from the same lists.
    #[arg(long, value_enum, default_value_t = Mode::Pairwise)]
    mode: Mode,
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
    /// Screen mode: write every query's final-run outcome to this TSV file
    /// (split, class or source, query, expected id, strict and party
    /// scores, best other hit's id, name and score, the expected entity's
    /// matched name), for comparing runs. Do not commit it.
    #[arg(long)]
    dump: Option<PathBuf>,
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

    if args.mode == Mode::Screen {
        return run_screen(args, &universe, truth, &innocents, notes, timer, threads);
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
    write_report(args, &rep.render())
}

fn write_report(args: &Args, md: &str) -> embargo::Result<()> {
    if let Some(p) = &args.report {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| embargo::Error::io(dir, e))?;
        }
        std::fs::write(p, md).map_err(|e| embargo::Error::io(p, e))?;
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

/// Builds an index of `lists` into `dir` and opens it.
fn build_index(
    label: &str,
    lists: &[embargo::source::ParsedList],
    dir: &Path,
) -> embargo::Result<(Index, IndexLine)> {
    let t = Instant::now();
    embargo::index::build(lists, dir)?;
    let idx = Index::open(dir)?;
    let line = IndexLine {
        label: label.to_string(),
        lists: lists
            .iter()
            .map(|l| l.list_id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        entities: idx.entity_count() as usize,
        names: idx.name_count() as usize,
        seconds: t.elapsed().as_secs_f64(),
    };
    eprintln!(
        "eval: index {label}: {} entities, {} names, {:.1} s",
        line.entities, line.names, line.seconds
    );
    Ok((idx, line))
}

/// The screening mode (see `embargo::eval::screen`): indexes in a temporary
/// folder, removed afterwards.
fn run_screen(
    args: &Args,
    universe: &cases::Universe,
    truth: Vec<Case>,
    innocents: &[Case],
    notes: Vec<String>,
    timer: Timer,
    threads: usize,
) -> embargo::Result<()> {
    let tmp = std::env::temp_dir().join(format!("embargo-eval-screen-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| embargo::Error::io(&tmp, e))?;
    }
    std::fs::create_dir_all(&tmp).map_err(|e| embargo::Error::io(&tmp, e))?;
    let out = screen_in(
        &tmp, args, universe, truth, innocents, notes, timer, threads,
    );
    if let Err(e) = std::fs::remove_dir_all(&tmp) {
        eprintln!("eval: could not remove {}: {e}", tmp.display());
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn screen_in(
    tmp: &Path,
    args: &Args,
    universe: &cases::Universe,
    truth: Vec<Case>,
    innocents: &[Case],
    mut notes: Vec<String>,
    mut timer: Timer,
    threads: usize,
) -> embargo::Result<()> {
    // Targets: 0 = lists, 1 = lists + ext, 2.. = leave-out rounds.
    let rounds = screen::leave_out_rounds(&truth, &universe.entities);
    let parties = screen::Parties::from_entities(&universe.entities);
    let (n_parties, n_linked) = parties.linked_counts();
    notes.push(format!(
        "party level: {n_linked} ids in {n_parties} parties of more than one entity by the lists' \
         stated links (largest {})",
        parties.largest()
    ));
    let n_rounds = rounds.iter().flatten().map(|r| r + 1).max().unwrap_or(0);
    let lists = screen::lists_of(&universe.entities);
    let pseudo = screen::pseudo_list(&truth);
    let mut index_lines = Vec::new();
    let mut indexes: Vec<Option<Index>> = Vec::new();
    if lists.is_empty() {
        indexes.push(None);
    } else {
        let (idx, line) = build_index("lists", &lists, &tmp.join("lists"))?;
        index_lines.push(line);
        indexes.push(Some(idx));
    }
    match pseudo {
        Some(p) => {
            let mut all = lists.clone();
            all.push(p);
            let (idx, line) = build_index("lists + ext", &all, &tmp.join("ext"))?;
            index_lines.push(line);
            indexes.push(Some(idx));
        }
        None => indexes.push(None),
    }
    drop(lists);
    for r in 0..n_rounds {
        let ents = screen::round_entities(&universe.entities, &truth, &rounds, r);
        let ls = screen::lists_of(&ents);
        let (idx, line) = build_index(
            &format!("lists, query names left out (round {})", r + 1),
            &ls,
            &tmp.join(format!("round-{r}")),
        )?;
        index_lines.push(line);
        indexes.push(Some(idx));
    }
    timer.lap("build indexes");

    let target_of = |c: &Case, round: Option<usize>| -> usize {
        if screen::is_pseudo(&c.expected_id) {
            1
        } else {
            round.map_or(0, |r| r + 2)
        }
    };
    let (mut kept, mut dropped) = (Vec::new(), 0usize);
    let mut targets = Vec::new();
    for (c, r) in truth.into_iter().zip(rounds) {
        let t = target_of(&c, r);
        if indexes.get(t).is_some_and(Option::is_some) {
            targets.push(t);
            kept.push(c);
        } else {
            dropped += 1;
        }
    }
    let truth = kept;
    if dropped > 0 {
        notes.push(format!(
            "{dropped} truth cases left out: no list loaded to screen them against"
        ));
    }
    let innocent_items: Vec<screen::Item> = match &indexes[0] {
        Some(_) => innocents.iter().map(|c| (c.query.as_str(), "")).collect(),
        None => {
            if !innocents.is_empty() {
                notes.push("no list loaded: innocent names not screened".into());
            }
            Vec::new()
        }
    };
    let items: Vec<screen::Item> = truth
        .iter()
        .map(|c| (c.query.as_str(), c.expected_id.as_str()))
        .collect();
    let left_out = targets.iter().filter(|&&t| t >= 2).count();
    eprintln!(
        "eval: screening {} truth cases ({left_out} with their query name left out, {n_rounds} rounds), {} innocent names",
        items.len(),
        innocent_items.len()
    );

    // Each target's cases, screened against its index.
    let run_all = |opts: &embargo::search::Options, par: bool| -> embargo::Result<Vec<Outcome>> {
        let mut out: Vec<Outcome> = vec![Outcome::default(); items.len()];
        for (t, idx) in indexes.iter().enumerate() {
            let Some(idx) = idx else { continue };
            let at: Vec<usize> = (0..items.len()).filter(|&i| targets[i] == t).collect();
            if at.is_empty() {
                continue;
            }
            let its: Vec<screen::Item> = at.iter().map(|&i| items[i]).collect();
            let res = if par {
                screen::screen_parallel_in(idx, &its, opts, threads, &parties)?
            } else {
                screen::screen_serial_in(idx, &its, opts, &parties)?
            };
            for (i, o) in at.into_iter().zip(res) {
                out[i] = o;
            }
        }
        Ok(out)
    };
    // Candidate stage: threshold 0, in parallel.
    let cand = run_all(&screen::CANDIDATE_OPTIONS, true)?;
    timer.lap("candidate stage (threshold 0)");
    // Final run: one thread, one searcher per index, timed.
    let fin = run_all(&screen::FINAL_OPTIONS, false)?;
    timer.lap("final run, truth cases");
    let fin_inn = match &indexes[0] {
        Some(idx) if !innocent_items.is_empty() => {
            screen::screen_serial(idx, &innocent_items, &screen::FINAL_OPTIONS)?
        }
        _ => Vec::new(),
    };
    timer.lap("final run, innocent names");

    let results: Vec<CaseResult> = cand
        .into_iter()
        .zip(fin)
        .map(|(candidate, fin)| CaseResult { candidate, fin })
        .collect();
    let group = |pick: &dyn Fn(usize) -> bool, stage: &dyn Fn(&CaseResult) -> &Outcome| {
        results
            .iter()
            .zip(&targets)
            .filter(|(_, &t)| pick(t))
            .map(|(r, _)| stage(r))
            .collect::<Vec<&Outcome>>()
    };
    let groups: [(&str, &dyn Fn(usize) -> bool); 3] = [
        ("list cases (lists index)", &|t| t == 0),
        ("list cases, query name left out (round indexes)", &|t| {
            t >= 2
        }),
        ("ext cases (lists + ext index)", &|t| t == 1),
    ];
    let mut latency = Vec::new();
    let mut latency_candidate = Vec::new();
    for (label, pick) in groups {
        latency.push(screen::latency(label, &group(pick, &|r| &r.fin)));
        latency_candidate.push(screen::latency(label, &group(pick, &|r| &r.candidate)));
    }
    latency.push(screen::latency(
        "innocent names (lists index)",
        &refs(&fin_inn),
    ));
    let mut all_fin = group(&|_| true, &|r| &r.fin);
    all_fin.extend(refs(&fin_inn));
    latency.push(screen::latency("all", &all_fin));
    latency_candidate.push(screen::latency("all", &group(&|_| true, &|r| &r.candidate)));
    latency.retain(|l| l.n > 0);
    latency_candidate.retain(|l| l.n > 0);

    let iscores = screen::innocent_scores(&fin_inn);
    let innocents_scored: &[Case] = if iscores.is_empty() { &[] } else { innocents };
    let mut rep = ScreenReport {
        command: command_line(),
        seed: args.seed,
        max_per_class: args.max_per_class,
        innocents_per_source: args.innocents_per_source,
        threads,
        analysis_version: embargo::analysis::ANALYSIS_VERSION.to_string(),
        indexes: index_lines,
        notes,
        recall_holdout: screen::class_stats(&truth, &results, Split::Holdout),
        recall_tune: screen::class_stats(&truth, &results, Split::Tune),
        alerts_holdout: report::source_stats(innocents_scored, &iscores, Split::Holdout),
        alerts_tune: report::source_stats(innocents_scored, &iscores, Split::Tune),
        latency,
        latency_candidate,
        misses: screen_misses(&truth, &results, args.seed, args.examples),
        false_alerts: screen_false_alerts(innocents_scored, &fin_inn, args.examples),
        ..ScreenReport::default()
    };
    timer.lap("report");
    rep.timings = timer.total();
    if let Some(path) = &args.dump {
        dump(path, &truth, &results, innocents_scored, &fin_inn)?;
    }
    write_report(args, &rep.render())
}

/// Writes every query's final-run outcome as TSV (see `--dump`).
fn dump(
    path: &Path,
    truth: &[Case],
    res: &[CaseResult],
    innocents: &[Case],
    fin_inn: &[Outcome],
) -> embargo::Result<()> {
    use std::fmt::Write as _;
    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    let mut out = String::from(
        "split\tclass\tquery\texpected\tstrict\tparty\tbest_other_id\tbest_other_name\tbest_other_score\texpected_name\n",
    );
    let rows = truth
        .iter()
        .zip(res.iter().map(|r| &r.fin))
        .chain(innocents.iter().zip(fin_inn));
    for (c, o) in rows {
        let (bid, bname, bs) = match &o.best_other {
            Some(b) => (b.entity_id.clone(), clean(&b.name), b.score),
            None => (String::new(), String::new(), 0.0),
        };
        let _ = writeln!(
            out,
            "{:?}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{}\t{}\t{:.4}\t{}",
            c.split,
            c.class,
            clean(&c.query),
            c.expected_id,
            o.expected.as_ref().map_or(0.0, |(s, _)| *s),
            o.party.unwrap_or(0.0),
            bid,
            bname,
            bs,
            o.expected.as_ref().map_or(String::new(), |(_, n)| clean(n))
        );
    }
    std::fs::write(path, out).map_err(|e| embargo::Error::io(path, e))
}

/// Up to two misses per class (tune split, not a hit at 0.80), at random.
fn screen_misses(truth: &[Case], res: &[CaseResult], seed: u64, max: usize) -> Vec<ScreenExample> {
    let mut per_class: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, (c, r)) in truth.iter().zip(res).enumerate() {
        if c.split != Split::Tune
            || (r.fin.expected.is_some() && r.final_score() >= 0.80)
            || NOT_QUOTED.iter().any(|p| c.class.starts_with(p))
        {
            continue;
        }
        match per_class.iter_mut().find(|(k, _)| *k == c.class) {
            Some((_, v)) => v.push(i),
            None => per_class.push((&c.class, vec![i])),
        }
    }
    let mut rng = Rng::for_purpose(seed, "examples:screen-misses");
    let mut out = Vec::new();
    for (_, mut idx) in per_class {
        rng.shuffle(&mut idx);
        for i in idx.into_iter().take(2) {
            let (c, r) = (&truth[i], &res[i]);
            out.push(ScreenExample {
                class: c.class.clone(),
                query: c.query.clone(),
                expected_id: c.expected_id.clone(),
                expected: r.candidate.expected.clone(),
                best_other: r.candidate.best_other.clone(),
            });
        }
    }
    out.truncate(max.max(1) * 2);
    out
}

/// The highest-scoring innocent names of the tune split per source (names
/// left out as listed excluded), spread over the score range.
fn screen_false_alerts(innocents: &[Case], fin: &[Outcome], max: usize) -> Vec<ScreenExample> {
    let mut sources: Vec<&str> = Vec::new();
    for c in innocents {
        if !sources.contains(&c.class.as_str()) {
            sources.push(&c.class);
        }
    }
    let per = (max / sources.len().max(1)).max(1);
    let mut out = Vec::new();
    for src in sources {
        let mut idx: Vec<usize> = (0..innocents.len().min(fin.len()))
            .filter(|&i| innocents[i].class == src && innocents[i].split == Split::Tune)
            .filter(|&i| {
                let s = fin[i].best_score;
                s >= report::THRESHOLDS[0]
                    && !(s >= report::EXACT && report::EXCLUDE_EXACT.contains(&src))
            })
            .collect();
        idx.sort_by(|&a, &b| {
            fin[b]
                .best_score
                .total_cmp(&fin[a].best_score)
                .then(innocents[a].query.cmp(&innocents[b].query))
        });
        let step = (idx.len() / per).max(1);
        for &i in idx.iter().step_by(step).take(per) {
            out.push(ScreenExample {
                class: innocents[i].class.clone(),
                query: innocents[i].query.clone(),
                expected_id: String::new(),
                expected: None,
                best_other: fin[i].best_other.clone(),
            });
        }
    }
    out
}

fn refs(v: &[Outcome]) -> Vec<&Outcome> {
    v.iter().collect()
}
