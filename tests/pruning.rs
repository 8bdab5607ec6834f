//! The matcher's pruning costs no recall: on a real index (the bundled UN
//! list: Latin and Arabic-script names), every entity that scoring *every*
//! name of the index would make a hit is a hit of [`Searcher::screen`],
//! with the same score, for listed names and their variants (typos, dropped
//! and reordered tokens, glued tokens, initials) and for innocent names.

use std::collections::BTreeMap;
use std::path::PathBuf;

use embargo::analysis::analyze;
use embargo::index::{build, Index};
use embargo::model::NameStrength;
use embargo::score::compare_tokens;
use embargo::search::{Options, Query, Searcher, WEAK_ALIAS_FACTOR};

fn index(list: &str) -> Index {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = embargo::source::read_paths(&[repo.join("data/lists").join(list)]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let dir = std::env::temp_dir().join(format!(
        "embargo-pruning-test-{list}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    build(&found.lists, &dir).expect("build");
    Index::open(&dir).expect("open")
}

/// Entity id → best name score, scoring every name of the index.
fn exhaustive(idx: &Index, query: &str, threshold: f32) -> BTreeMap<String, f32> {
    let q = analyze(query);
    let mut best: BTreeMap<String, f32> = BTreeMap::new();
    for nid in 0..idx.name_count() {
        let n = idx.name(nid).expect("name");
        let tokens = idx.name_tokens(&n).expect("tokens");
        let mut s = compare_tokens(&q.tokens, &tokens).score;
        if n.strength == NameStrength::WeakAka {
            s *= WEAK_ALIAS_FACTOR;
        }
        let id = idx.entity(n.entity).expect("entity").id.to_string();
        let e = best.entry(id).or_insert(0.0);
        *e = e.max(s);
    }
    best.retain(|_, s| *s >= threshold);
    best
}

/// Variants of a listed name, the way customer records differ from it.
fn variants(name: &str) -> Vec<String> {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = vec![name.to_string()];
    if words.len() >= 2 {
        let mut r = words.clone();
        r.reverse();
        out.push(r.join(" "));
        out.push(words[1..].join(" "));
        out.push(format!("{}{} {}", words[0], words[1], words[2..].join(" ")));
        let initial: String = words[0].chars().take(1).collect();
        out.push(format!("{initial}. {}", words[1..].join(" ")));
    }
    // A particle glued with the words around it (Abd al-Rahman as
    // Abdalrahman): the listed side glues three tokens.
    for p in [" AL-", " Al-", " al-", " AL ", " Al ", " al "] {
        if let Some(at) = name.find(p) {
            let glued = format!(
                "{}{}{}",
                &name[..at],
                p.trim().trim_end_matches('-'),
                &name[at + p.len()..]
            );
            out.push(glued);
            break;
        }
    }
    // A typo in the longest word: a swap, a deletion, a changed vowel.
    if let Some(long) = words.iter().max_by_key(|w| w.chars().count()) {
        let c: Vec<char> = long.chars().collect();
        if c.len() >= 4 {
            let mut s = c.clone();
            s.swap(0, 1);
            let swapped: String = s.into_iter().collect();
            out.push(name.replacen(long, &swapped, 1));
            let mut d = c.clone();
            d.remove(c.len() / 2);
            let deleted: String = d.into_iter().collect();
            out.push(name.replacen(long, &deleted, 1));
            let voweled: String = c
                .iter()
                .map(|&x| match x {
                    'a' | 'A' => 'e',
                    'o' | 'O' => 'u',
                    other => other,
                })
                .collect();
            out.push(name.replacen(long, &voweled, 1));
        }
    }
    out
}

#[test]
fn screening_finds_every_hit_that_scoring_every_name_finds() {
    let idx = index("un-sc");
    let mut queries: Vec<String> = [
        "John Smith",
        "Mohammed Ali",
        "Muhammad Abdul Rahman",
        "Abdulrahman Mohammed",
        "Ali",
        "Al Qaida",
        "Trading Company LLC",
        "Kim Jong Un",
        "Abu Bakr al Baghdadi",
        "Хасан Ахмед",
        "Lee Alexander Paulson",
        "Abdul Rahman Al Qadi",
        "Abd Al Rahman",
        "阿不都·哈克",
        "محمد علي",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut nid = 0;
    while nid < idx.name_count() && queries.len() < 140 {
        let n = idx.name(nid).expect("name");
        queries.extend(variants(n.text));
        nid += 97;
    }
    // Long names (more query tokens than the walk's narrow masks hold).
    let mut long = 0;
    for nid in 0..idx.name_count() {
        let n = idx.name(nid).expect("name");
        if long < 8 && analyze(n.text).tokens.len() > 15 {
            queries.extend(variants(n.text));
            long += 1;
        }
    }
    assert!(long > 0, "the UN list has names of more than 15 tokens");
    let hits_checked = check(&idx, &queries);
    assert!(hits_checked > 200, "only {hits_checked} hits checked");
}

/// The same for Arabic-script queries against a list of Latin names only
/// (OFAC's SDN list): names met through a one-consonant word (عدي / Uday,
/// عیسی / 'Isa), the Persian readings (عوض / Ewaz), a Latin word with
/// the article glued on (الصيد / ELSSEID) and a pair glued through another
/// spelling of a part (حسین زاده / HOSEINZADEH).
#[test]
fn arabic_script_queries_against_latin_names_find_every_hit_that_scoring_every_name_finds() {
    let idx = index("ofac-sdn");
    let queries: Vec<String> = [
        "عدي صدام حسين التكريتي",
        "عدي التكريتي",
        "ابراهیم عیسی حاجي محمد البکر",
        "ابراهیم عیسی البکر",
        "محمد ولی محمد عوض",
        "سامي بن خميس بن صالح الصيد",
        "سامي الصيد",
        "عبد الله محمد رجب عبد الرحمن",
        // Split where the list glues, met through another spelling of a
        // part (زاده `zadh`, also `zadeh`): HOSEINZADEH, HASSANZADEH.
        "امین حسین زاده",
        "حسن حسن زاده",
        // A particle glued with the words on both sides (NAZERI, Abualfazl).
        "ابو الفضل نظری",
        "رمزي محمد عبد الله بن الشيبة",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let hits_checked = check(&idx, &queries);
    assert!(hits_checked > 10, "only {hits_checked} hits checked");
}

/// The same on a list of companies (OFAC's non-SDN lists: Russian joint
/// stock companies and their legal forms, JSC, OJSC, PAO, beside Latin
/// given names a legal form is a sound or a skeleton away from).
#[test]
fn screening_a_list_of_companies_finds_every_hit_that_scoring_every_name_finds() {
    let idx = index("ofac-cons");
    let mut queries: Vec<String> = [
        "Jessica Chen",
        "Jessica Smith",
        "Joint Stock Company",
        "OJSC Trading",
        "Public Joint Stock Company Rostelecom",
        "Otkrytoe Aktsionernoe Obshchestvo",
        "Mary Murrow",
        "Wendi Smith",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut nid = 0;
    while nid < idx.name_count() && queries.len() < 100 {
        let n = idx.name(nid).expect("name");
        queries.extend(variants(n.text));
        nid += 61;
    }
    let hits_checked = check(&idx, &queries);
    assert!(hits_checked > 100, "only {hits_checked} hits checked");
}

/// Screens every query at three thresholds and asserts the hits are
/// those of scoring every name; returns the number of hits checked.
fn check(idx: &Index, queries: &[String]) -> usize {
    let mut searcher = Searcher::new(idx);
    let mut hits_checked = 0;
    for threshold in [0.85f32, 0.75, 0.6] {
        let opts = Options {
            threshold,
            max_hits: usize::MAX,
        };
        for q in queries {
            let want = exhaustive(idx, q, threshold);
            let got: BTreeMap<String, f32> = searcher
                .screen(
                    &Query {
                        name: q.clone(),
                        ..Query::default()
                    },
                    &opts,
                )
                .expect("screen")
                .into_iter()
                .map(|h| (h.entity_id, h.explain.name_score))
                .collect();
            assert!(!searcher.stats.capped, "{q}: the hard cap was hit");
            for (id, s) in &want {
                let g = got.get(id);
                assert!(
                    g.is_some_and(|g| (g - s).abs() < 0.002),
                    "{q} @ {threshold}: {id} scores {s} when every name is scored, screening gives {g:?}"
                );
            }
            assert_eq!(
                got.len(),
                want.len(),
                "{q} @ {threshold}: {got:?} vs {want:?}"
            );
            hits_checked += want.len();
        }
    }
    hits_checked
}
