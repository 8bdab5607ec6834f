//! The evaluation report, in Markdown.
//!
//! Holdout tables come first (they are what the report is for); tune tables
//! follow, and the examples of misses and false alerts are drawn from the
//! **tune** split only, so reading the report never leaks holdout cases
//! into tuning.

use std::fmt::Write as _;

use super::measure::{CaseScore, InnocentScore};
use super::{Case, Split};

/// The thresholds every table reports.
pub const THRESHOLDS: [f32; 6] = [0.70, 0.75, 0.80, 0.85, 0.90, 0.95];

/// Scores at or above this count as an exact match (1.0).
pub const EXACT: f32 = 0.9999;

/// True for a score equal to the scorer's uninformative cap: the match
/// rested on one common or short token (see [`crate::score`]).
pub fn at_cap(score: f32) -> bool {
    score == crate::score::UNINFORMATIVE_CAP
}

/// Recall of one class in one split.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassStats {
    pub class: String,
    pub n: usize,
    /// Cases found at each of [`THRESHOLDS`].
    pub found: [usize; 6],
    pub mean: f64,
    /// Cases scoring exactly the uninformative cap.
    pub capped: usize,
}

impl ClassStats {
    /// Recall at threshold index `i`, in [0, 1].
    pub fn recall(&self, i: usize) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.found[i] as f64 / self.n as f64
        }
    }
}

/// Recall per class (classes in first-seen order) for one split, and a last
/// `all` row pooling every case of the split.
pub fn class_stats(cases: &[Case], scores: &[CaseScore], split: Split) -> Vec<ClassStats> {
    let mut order: Vec<&str> = Vec::new();
    for c in cases {
        if !order.contains(&c.class.as_str()) {
            order.push(&c.class);
        }
    }
    let stats = |filter: &dyn Fn(&Case) -> bool, class: &str| {
        let mut s = ClassStats {
            class: class.to_string(),
            n: 0,
            found: [0; 6],
            mean: 0.0,
            capped: 0,
        };
        let mut sum = 0.0;
        for (c, sc) in cases.iter().zip(scores) {
            if c.split != split || !filter(c) {
                continue;
            }
            s.n += 1;
            sum += f64::from(sc.score);
            s.capped += usize::from(at_cap(sc.score));
            for (i, t) in THRESHOLDS.iter().enumerate() {
                if sc.score >= *t {
                    s.found[i] += 1;
                }
            }
        }
        if s.n > 0 {
            s.mean = sum / s.n as f64;
        }
        s
    };
    let mut out: Vec<ClassStats> = order
        .iter()
        .map(|class| stats(&|c: &Case| c.class == *class, class))
        .filter(|s| s.n > 0)
        .collect();
    if out.len() > 1 {
        out.push(stats(&|_| true, "all (pooled)"));
    }
    out
}

/// Alert rate of one innocent source in one split.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceStats {
    pub source: String,
    /// Names counted (after exclusions).
    pub n: usize,
    /// Names alerting at each of [`THRESHOLDS`].
    pub alerts: [usize; 6],
    /// Names left out as actually listed (GLEIF names scoring 1.0).
    pub excluded: usize,
    /// Counted names scoring 1.0 against a list name (exact namesakes).
    pub exact: usize,
    /// Mean number of list names scored per innocent name.
    pub mean_candidates: f64,
    /// Counted names whose best score is exactly the uninformative cap.
    pub capped: usize,
}

impl SourceStats {
    /// Alert rate at threshold index `i`, in [0, 1].
    pub fn rate(&self, i: usize) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.alerts[i] as f64 / self.n as f64
        }
    }
}

/// Sources whose 1.0 scores are taken as listed parties and left out.
pub const EXCLUDE_EXACT: [&str; 1] = ["gleif"];

/// Alert rates per source (first-seen order) for one split.
pub fn source_stats(
    innocents: &[Case],
    scores: &[InnocentScore],
    split: Split,
) -> Vec<SourceStats> {
    let mut order: Vec<&str> = Vec::new();
    for c in innocents {
        if !order.contains(&c.class.as_str()) {
            order.push(&c.class);
        }
    }
    order
        .iter()
        .map(|src| {
            let mut s = SourceStats {
                source: src.to_string(),
                n: 0,
                alerts: [0; 6],
                excluded: 0,
                exact: 0,
                mean_candidates: 0.0,
                capped: 0,
            };
            let mut cands = 0u64;
            for (c, sc) in innocents.iter().zip(scores) {
                if c.split != split || c.class != *src {
                    continue;
                }
                if sc.score >= EXACT && EXCLUDE_EXACT.contains(src) {
                    s.excluded += 1;
                    continue;
                }
                s.n += 1;
                cands += u64::from(sc.candidates);
                if sc.score >= EXACT {
                    s.exact += 1;
                }
                s.capped += usize::from(at_cap(sc.score));
                for (i, t) in THRESHOLDS.iter().enumerate() {
                    if sc.score >= *t {
                        s.alerts[i] += 1;
                    }
                }
            }
            if s.n > 0 {
                s.mean_candidates = cands as f64 / s.n as f64;
            }
            s
        })
        .filter(|s| s.n + s.excluded > 0)
        .collect()
}

/// AUC of one class (or `all`) per split.
#[derive(Debug, Clone, PartialEq)]
pub struct AucRow {
    pub class: String,
    pub tune: Option<f64>,
    pub holdout: Option<f64>,
    /// Different-party pairs scoring at or above 0.80 (holdout), and the
    /// holdout pairs counted.
    pub holdout_neg_at_080: usize,
    pub holdout_pairs: usize,
}

/// One example line: a query, what it was compared with, the score.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub class: String,
    pub query: String,
    pub other: String,
    pub other_id: String,
    pub score: f32,
}

/// A list that was loaded, for the header.
#[derive(Debug, Clone, PartialEq)]
pub struct ListLine {
    pub list_id: String,
    pub version: String,
    pub files: String,
    pub entities: usize,
    pub names: usize,
    pub reader: String,
}

/// Everything the report shows.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The command that regenerates the report.
    pub command: String,
    pub seed: u64,
    pub max_per_class: usize,
    pub innocents_per_source: usize,
    pub threads: usize,
    pub analysis_version: String,
    pub lists: Vec<ListLine>,
    /// Distinct list names screened for the alert rate.
    pub index_names: usize,
    pub notes: Vec<String>,
    pub recall_holdout: Vec<ClassStats>,
    pub recall_tune: Vec<ClassStats>,
    pub alerts_holdout: Vec<SourceStats>,
    pub alerts_tune: Vec<SourceStats>,
    pub auc: Vec<AucRow>,
    pub misses: Vec<Example>,
    pub false_alerts: Vec<Example>,
    pub excluded: Vec<Example>,
    /// (stage, seconds).
    pub timings: Vec<(String, f64)>,
}

fn pct(x: f64) -> String {
    format!("{:.1}", 100.0 * x)
}

fn esc(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Report {
    /// Renders the whole report as Markdown.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "# Evaluation: recall and alert rate of pairwise scores\n"
        );
        let _ = writeln!(
            o,
            "Generated by the project's evaluation tool (`examples/eval.rs`, module `embargo::eval`). \
             Regenerate with:\n\n```text\n{}\n```\n",
            self.command
        );
        let _ = writeln!(
            o,
            "Seed {}, at most {} cases per class, {} innocent names per source, {} threads, \
             analysis `{}`. Everything below except the timings is deterministic under the seed.\n",
            self.seed,
            self.max_per_class,
            self.innocents_per_source,
            self.threads,
            self.analysis_version
        );
        self.render_method(&mut o);
        if !self.lists.is_empty() {
            let _ = writeln!(o, "## Lists\n");
            let _ = writeln!(o, "| list | version | files | entities | names | read by |");
            let _ = writeln!(o, "|---|---|---|---:|---:|---|");
            for l in &self.lists {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} |",
                    l.list_id, l.version, l.files, l.entities, l.names, l.reader
                );
            }
            let _ = writeln!(
                o,
                "\n{} distinct list names are screened for the alert rate.\n",
                self.index_names
            );
        }
        if !self.notes.is_empty() {
            let _ = writeln!(o, "## Notes from this run\n");
            for n in &self.notes {
                let _ = writeln!(o, "- {}", esc(n));
            }
            let _ = writeln!(o);
        }
        for (title, rows) in [
            (
                "Recall — holdout split (reporting only)",
                &self.recall_holdout,
            ),
            ("Recall — tune split", &self.recall_tune),
        ] {
            let _ = writeln!(o, "## {title}\n");
            if rows.is_empty() {
                let _ = writeln!(o, "No cases.\n");
                continue;
            }
            let _ = write!(o, "| class | n |");
            for t in THRESHOLDS {
                let _ = write!(o, " ≥{t:.2} |");
            }
            let _ = writeln!(o, " mean score | at cap |");
            let _ = writeln!(o, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for r in rows {
                let _ = write!(o, "| {} | {} |", r.class, r.n);
                for i in 0..THRESHOLDS.len() {
                    let _ = write!(o, " {} |", pct(r.recall(i)));
                }
                let _ = writeln!(o, " {:.3} | {} |", r.mean, r.capped);
            }
            let _ = writeln!(
                o,
                "\nRecall in % of the class's cases. \"at cap\" counts cases scoring exactly the \
                 scorer's uninformative cap ({:.2}: the match rests on one common or short token); \
                 they count as found at ≥{:.2}.\n",
                crate::score::UNINFORMATIVE_CAP,
                crate::score::UNINFORMATIVE_CAP
            );
        }
        for (title, rows) in [
            (
                "Alert rate on innocent names — holdout split",
                &self.alerts_holdout,
            ),
            (
                "Alert rate on innocent names — tune split",
                &self.alerts_tune,
            ),
        ] {
            let _ = writeln!(o, "## {title}\n");
            if rows.is_empty() {
                let _ = writeln!(o, "No innocent names scored.\n");
                continue;
            }
            let _ = write!(o, "| source | n |");
            for t in THRESHOLDS {
                let _ = write!(o, " ≥{t:.2} |");
            }
            let _ = writeln!(
                o,
                " at cap | exact (1.0) | left out as listed | candidates / name |"
            );
            let _ = writeln!(
                o,
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            );
            for r in rows {
                let _ = write!(o, "| {} | {} |", r.source, r.n);
                for i in 0..THRESHOLDS.len() {
                    let _ = write!(o, " {} |", pct(r.rate(i)));
                }
                let _ = writeln!(
                    o,
                    " {} | {} | {} | {:.0} |",
                    r.capped, r.exact, r.excluded, r.mean_candidates
                );
            }
            let _ = writeln!(
                o,
                "\nAlert rate in % of the names screened: the share whose best list name scores at \
                 or above the threshold. \"at cap\" counts names whose best score is exactly the \
                 uninformative cap (they alert at ≥0.70 only). \"exact\" counts names scoring 1.0 (name-only namesakes \
                 of listed parties are legitimate alerts); GLEIF names scoring 1.0 are taken to be \
                 the listed parties themselves and left out.\n"
            );
        }
        if !self.auc.is_empty() {
            let _ = writeln!(o, "## Same-party vs different-party ordering (AUC)\n");
            let _ = writeln!(
                o,
                "Each case's score against its own entity vs the query's score against a random \
                 other entity of the same class; AUC = share of (same, different) pairs ordered \
                 correctly, ties half. The last column counts holdout different-party pairs \
                 scoring ≥ 0.80 (false alerts between unrelated entries).\n"
            );
            let _ = writeln!(
                o,
                "| class | tune | holdout | holdout different-party ≥0.80 |"
            );
            let _ = writeln!(o, "|---|---:|---:|---:|");
            let f = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_else(|| "–".into());
            for r in &self.auc {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} / {} |",
                    r.class,
                    f(r.tune),
                    f(r.holdout),
                    r.holdout_neg_at_080,
                    r.holdout_pairs
                );
            }
            let _ = writeln!(o);
        }
        for (title, rows, what) in [
            (
                "Examples of misses (tune split, score < 0.80)",
                &self.misses,
                "best expected name",
            ),
            (
                "Examples of false alerts (tune split, highest scores)",
                &self.false_alerts,
                "list name",
            ),
            (
                "GLEIF names left out as listed (score 1.0)",
                &self.excluded,
                "list name",
            ),
        ] {
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(o, "## {title}\n");
            let _ = writeln!(o, "| class | query | {what} | entity | score |");
            let _ = writeln!(o, "|---|---|---|---|---:|");
            for e in rows {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {:.3} |",
                    e.class,
                    esc(&e.query),
                    esc(&e.other),
                    esc(&e.other_id),
                    e.score
                );
            }
            let _ = writeln!(o);
        }
        if !self.timings.is_empty() {
            let _ = writeln!(o, "## Time taken\n");
            let _ = writeln!(o, "| stage | seconds |");
            let _ = writeln!(o, "|---|---:|");
            for (stage, s) in &self.timings {
                let _ = writeln!(o, "| {stage} | {s:.1} |");
            }
            let _ = writeln!(o);
        }
        o
    }

    fn render_method(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "## Method\n\n\
             - **Truth cases** (query → expected entity) are built from real data: \
             `list_alias` = an entity's a.k.a./f.k.a. names (Latin script) as queries against its \
             other names; `list_alias_disjoint` = the same for aliases that share no token key \
             with any other name of the entity (acronyms, renamings: out of reach of name \
             similarity by design); `cross_script_<script>` = non-Latin names of listed persons \
             against their Latin names (`…_org` for organisations, vessels and unknown kinds, \
             whose non-Latin names are often translations); `translit_<lang>` = Wikidata transliteration pairs \
             (two real name tokens make a name; Hebrew and Korean are full names), \
             `translit_ar2en` = Google's Arabic→English name pairs (two words), \
             `translit_rigour_<script>` = two rigour cross-script name groups, each against a \
             pseudo-entity `ext:…` holding the Latin forms. Aliases equal to another name of \
             the entity after normalisation are left out (trivial). At most {} cases of a class \
             come from one entity.\n\
             - **Synthetic variants** of real listed primary names (OFAC, UN, UK; not aircraft, \
             whose names are registration marks): `typo` (one edit in the rarest name word of \
             4+ letters, a quarter of them at its first letter), `spacing` (glue, split, \
             hyphens), `translit_variant` (Sergei/Sergey-style respellings) — these three \
             never touch legal-form words —, `case_punct`; for persons only: `reorder`, \
             `drop_middle`, `honorific`, `nickname` (carltonnorthern table), `initial` (a given \
             name abbreviated to its initial); for organisations and entries of unknown kind \
             only: `legal_form` (add, drop, respell or swap the form).\n\
             - A case's **score** is its best `compare` score over the expected entity's names; \
             it is found at t when score ≥ t.\n\
             - **Innocent names**: census 1990 first + last names (frequency-weighted), Faker \
             first + last names of every locale in native scripts, GLEIF legal names (those \
             scoring 1.0 against a list name are left out as listed). An innocent alerts at t \
             when any list name scores ≥ t. Candidates are the list names sharing a token key \
             (spelling, skeleton, phonetic code, or two glued words) with the innocent name — \
             an approximation of the full scan that can only miss alerts (matches through typos \
             alone, or through titles, particles and legal forms alone, which are capped at \
             0.70).\n\
             - Every class and source is split by a hash of the case into `tune` (~70 %) and \
             `holdout` (~30 %): tune on `tune`, report `holdout`. Examples below come from \
             `tune` only, and none is quoted from the Google ar2en or rigour data.\n",
            super::cases::PER_ENTITY
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_and_render() {
        let cases: Vec<Case> = (0..40)
            .map(|i| Case::truth("typo", &format!("q{i}"), "e", vec!["x".into()]))
            .chain((0..10).map(|i| Case::truth("reorder", &format!("r{i}"), "e", vec![])))
            .collect();
        let scores: Vec<CaseScore> = (0..50)
            .map(|i| CaseScore {
                score: if i % 2 == 0 { 0.96 } else { 0.72 },
                best: Some(0),
            })
            .collect();
        let mut rows = class_stats(&cases, &scores, Split::Tune);
        rows.extend(class_stats(&cases, &scores, Split::Holdout));
        let typo_n: usize = rows.iter().filter(|r| r.class == "typo").map(|r| r.n).sum();
        assert_eq!(typo_n, 40);
        let r = &rows[0];
        assert_eq!(r.found[0], r.n);
        assert!(r.found[5] <= r.n);
        let innocents = vec![Case::innocent("gleif", "A"), Case::innocent("census", "B")];
        let isc = vec![
            InnocentScore {
                score: 1.0,
                name: Some(0),
                candidates: 3,
            },
            InnocentScore {
                score: 0.8,
                name: Some(0),
                candidates: 1,
            },
        ];
        let mut src = source_stats(&innocents, &isc, innocents[0].split);
        src.extend(source_stats(&innocents, &isc, innocents[1].split));
        let g = src.iter().find(|s| s.source == "gleif").unwrap();
        assert_eq!((g.n, g.excluded), (0, 1));
        let c = src.iter().find(|s| s.source == "census").unwrap();
        assert_eq!(c.alerts, [1, 1, 1, 0, 0, 0]);
        let report = Report {
            command: "cargo run --release --example eval".into(),
            recall_holdout: rows.clone(),
            recall_tune: rows,
            alerts_holdout: src.clone(),
            alerts_tune: src,
            auc: vec![AucRow {
                class: "typo".into(),
                tune: Some(0.99),
                holdout: None,
                holdout_neg_at_080: 0,
                holdout_pairs: 0,
            }],
            misses: vec![Example {
                class: "typo".into(),
                query: "a|b".into(),
                other: "c".into(),
                other_id: "e".into(),
                score: 0.5,
            }],
            timings: vec![("total".into(), 1.0)],
            ..Report::default()
        };
        let md = report.render();
        assert!(md.contains("## Recall — holdout split"));
        assert!(md.contains("| typo |"));
        assert!(md.contains("≥0.85"));
        assert!(md.contains("a\\|b"));
        assert!(md.contains("cargo run --release --example eval"));
        assert!(md.contains("## Time taken"));
    }
}
