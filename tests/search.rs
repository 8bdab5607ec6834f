//! The matcher on a real index (the bundled OFAC SDN and UN lists): the
//! peers' known failures and the uninformative-name cap as regression tests.

use std::path::PathBuf;
use std::sync::OnceLock;

use embargo::index::{build, Index};
use embargo::search::{Hit, Options, Query, Searcher, DEFAULT_THRESHOLD};
use embargo::Kind;

fn index() -> &'static Index {
    static IDX: OnceLock<Index> = OnceLock::new();
    IDX.get_or_init(|| {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let found = embargo::source::read_paths(&[
            repo.join("data/lists/ofac-sdn"),
            repo.join("data/lists/un-sc"),
        ]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        let dir = std::env::temp_dir().join(format!("embargo-search-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        build(&found.lists, &dir).expect("build");
        Index::open(&dir).expect("open")
    })
}

fn screen(q: Query) -> Vec<Hit> {
    Searcher::new(index())
        .screen(&q, &Options::default())
        .expect("screen")
}

fn name(n: &str) -> Query {
    Query {
        name: n.to_string(),
        ..Query::default()
    }
}

fn top(hits: &[Hit]) -> Option<(&str, f32)> {
    hits.first().map(|h| (h.entity_id.as_str(), h.score))
}

const PUTIN: &str = "ofac-sdn:35096";
const KIM_JONG_UN: &str = "ofac-sdn:20157";

#[test]
fn an_exact_listed_name_scores_one_without_any_other_evidence() {
    assert_eq!(top(&screen(name("Vladimir Putin"))), Some((PUTIN, 1.0)));
}

#[test]
fn names_in_other_scripts_are_found() {
    assert_eq!(top(&screen(name("Владимир Путин"))), Some((PUTIN, 1.0)));
    assert_eq!(top(&screen(name("김정은"))), Some((KIM_JONG_UN, 1.0)));
}

#[test]
fn a_typo_in_the_first_letter_of_the_rarest_token_is_found() {
    let hits = screen(name("Vladimir Rutin"));
    assert_eq!(hits.first().map(|h| h.entity_id.as_str()), Some(PUTIN));
}

#[test]
fn tokens_whose_first_letters_differ_still_meet() {
    // watchman never compares Asfarov with Safarov (first-letter blocking).
    let hits = screen(name("Azamat Asfarov"));
    assert!(
        hits.iter().any(|h| h.entity_id == "ofac-sdn:26686"),
        "{hits:#?}"
    );
}

#[test]
fn kim_jong_un_keeps_his_un() {
    // No stop-word removal: "Un" is a name part.
    let full = screen(name("Kim Jong Un"));
    assert_eq!(top(&full), Some((KIM_JONG_UN, 1.0)));
    let partial = Searcher::new(index())
        .screen(
            &name("Kim Jong"),
            &Options {
                threshold: 0.0,
                max_hits: 50,
            },
        )
        .unwrap();
    let s = partial
        .iter()
        .find(|h| h.entity_id == KIM_JONG_UN)
        .map(|h| h.score);
    assert!(s.unwrap_or(0.0) < 1.0, "{s:?}");
}

#[test]
fn one_common_token_is_not_a_hit_but_threshold_zero_still_answers() {
    assert!(screen(name("Ali")).is_empty());
    let best = Searcher::new(index())
        .screen(
            &name("Ali"),
            &Options {
                threshold: 0.0,
                max_hits: 5,
            },
        )
        .unwrap();
    assert!(!best.is_empty() && best.len() <= 5);
    assert!(best.iter().all(|h| h.score < DEFAULT_THRESHOLD));
}

#[test]
fn incompatible_kinds_are_not_hits_but_unknown_never_filters() {
    let q = Query {
        kind: Some(Kind::Vessel),
        ..name("Vladimir Putin")
    };
    assert!(!screen(q).iter().any(|h| h.entity_id == PUTIN));
    // VTB's kind on the SDN CSV is unknown: a query typed organisation finds it.
    let q = Query {
        kind: Some(Kind::Organization),
        ..name("VTB Bank")
    };
    assert!(screen(q).iter().any(|h| h.entity_id == "ofac-sdn:17013"));
}

#[test]
fn a_conflicting_dob_lowers_the_score_an_agreeing_one_lifts_no_weak_name() {
    let conflict = screen(Query {
        dob: embargo::search::parse_query_dob("1980-01-01"),
        ..name("Vladimir Putin")
    });
    let h = conflict.iter().find(|h| h.entity_id == PUTIN).unwrap();
    assert!(h.score < 1.0);
    assert!(h
        .explain
        .adjustments
        .iter()
        .any(|a| a.evidence == "dob" && a.delta < 0.0));
    let weak = screen(Query {
        dob: embargo::search::parse_query_dob("1952-10-07"),
        ..name("Vladimir")
    });
    assert!(!weak.iter().any(|h| h.entity_id == PUTIN));
}

#[test]
fn an_identifier_given_with_the_query_is_strong_evidence() {
    let hits = screen(Query {
        ids: vec!["IMO 7406784".into()],
        ..name("Some Ship")
    });
    let h = hits
        .iter()
        .find(|h| h.entity_id == "ofac-sdn:4243")
        .expect("EBANO by its IMO");
    assert!(h.score >= 0.98);
    assert!(h
        .explain
        .adjustments
        .iter()
        .any(|a| a.evidence == "identifier"));
}

#[test]
fn hits_carry_hash_alias_and_explanation() {
    let hits = screen(name("PUTIN, Vladimir Vladimirovich"));
    let h = &hits[0];
    assert_eq!(h.entity_hash.len(), 64);
    assert_eq!(h.list, "ofac-sdn");
    assert_eq!(h.kind, Kind::Person);
    assert!(!h.explain.pairs.is_empty());
    let json = serde_json::to_value(h).unwrap();
    assert_eq!(json["alias"], "primary");
}

#[test]
fn sibling_companies_sharing_a_head_word_and_legal_form_are_not_hits() {
    // A listed company (from the SDN list) against an invented sibling.
    let hits = screen(name("Banco Nacional de Venezuela"));
    assert!(
        !hits.iter().any(|h| h.entity_id == "ofac-sdn:306"),
        "{hits:#?}"
    );
}

#[test]
fn embargo_query_prints_hits_as_json_with_the_index_identity() {
    let idx = index();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(["query", "--index"])
        .arg(idx.dir())
        .args(["Владимир Путин", "--json", "--max-hits", "2"])
        .output()
        .expect("run embargo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hits"][0]["entity_id"], PUTIN);
    assert_eq!(v["hits"][0]["score"], 1.0);
    assert_eq!(v["manifest_sha256"], idx.manifest_sha256());
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(["query", "x", "--threshold", "2"])
        .output()
        .expect("run embargo");
    assert_eq!(bad.status.code(), Some(2));
}

/// A searcher holding its index in an `Arc` outlives any borrow: it moves
/// to another thread on its own, and answers as a borrowing one does.
#[test]
fn a_searcher_sharing_its_index_moves_between_threads_and_answers_the_same() {
    let dir = std::env::temp_dir().join(format!("embargo-search-shared-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = embargo::source::read_paths(&[repo.join("data/lists/un-sc")]);
    build(&found.lists, &dir).expect("build");
    let idx = std::sync::Arc::new(Index::open(&dir).expect("open"));
    let queries = [
        "Kim Jong Un",
        "Abu Bakr al-Baghdadi",
        "Ким Чен Ын",
        "nobody at all",
    ];
    let expected: Vec<Vec<Hit>> = {
        let mut s = Searcher::new(&idx);
        queries
            .iter()
            .map(|q| s.screen(&name(q), &Options::default()).expect("screen"))
            .collect()
    };
    let mut shared = Searcher::shared(idx.clone());
    drop(idx);
    let got = std::thread::spawn(move || {
        queries
            .iter()
            .map(|q| {
                shared
                    .screen(&name(q), &Options::default())
                    .expect("screen")
            })
            .collect::<Vec<_>>()
    })
    .join()
    .expect("thread");
    let ids = |v: &Vec<Vec<Hit>>| -> Vec<Vec<(String, f32)>> {
        v.iter()
            .map(|h| h.iter().map(|h| (h.entity_id.clone(), h.score)).collect())
            .collect()
    };
    assert_eq!(ids(&got), ids(&expected));
    assert!(expected.iter().any(|h| !h.is_empty()), "no query hit");
    std::fs::remove_dir_all(&dir).ok();
}

/// Searchers sharing one cache of token expansions (as a batch run's
/// workers do) answer as private ones do, from several threads at once; a
/// cache made for another index is refused.
#[test]
fn searchers_sharing_an_expansion_cache_answer_as_private_ones() {
    use embargo::search::ExpansionCache;
    use std::sync::Arc;
    let idx = index();
    let queries = [
        "Kim Jong Un",
        "Abu Bakr al-Baghdadi",
        "Ким Чен Ын",
        "Mohammed Ali",
        "nobody at all",
        "Kim Jong Un",
    ];
    let ids = |hits: Vec<Hit>| -> Vec<(String, f32)> {
        hits.into_iter().map(|h| (h.entity_id, h.score)).collect()
    };
    let expected: Vec<Vec<(String, f32)>> = {
        let mut s = Searcher::new(idx);
        s.set_token_cache(false);
        queries
            .iter()
            .map(|q| ids(s.screen(&name(q), &Options::default()).expect("screen")))
            .collect()
    };
    assert!(expected.iter().any(|h| !h.is_empty()), "no query hit");
    let cache = Arc::new(ExpansionCache::new(idx));
    std::thread::scope(|scope| {
        for _ in 0..3 {
            let cache = cache.clone();
            let expected = &expected;
            scope.spawn(move || {
                let mut s = Searcher::new(idx);
                assert!(s.share_cache(cache));
                for (q, want) in queries.iter().zip(expected) {
                    let got = ids(s.screen(&name(q), &Options::default()).expect("screen"));
                    assert_eq!(&got, want, "{q}");
                }
            });
        }
    });
    assert!(!cache.is_empty(), "the shared cache was not used");

    // Another index (a different list) has other term ids: its searchers
    // must not use this cache.
    let dir = std::env::temp_dir().join(format!("embargo-search-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = embargo::source::read_paths(&[repo.join("data/lists/ofac-sdn")]);
    build(&found.lists, &dir).expect("build");
    let other = Index::open(&dir).expect("open");
    assert!(!Searcher::new(&other).share_cache(cache));
    std::fs::remove_dir_all(&dir).ok();
}

/// A "name" over a kilobyte (a pasted document, a hostile string) is an
/// error that says so, not seconds of matching; a kilobyte is screened,
/// and a word too long for a name part is matched without typo variants.
#[test]
fn a_name_over_a_kilobyte_is_refused_and_a_long_word_is_harmless() {
    let mut s = Searcher::new(index());
    let opts = Options::default();
    let e = s
        .screen(&name(&"ali ".repeat(20_000)), &opts)
        .expect_err("an 80 KB name");
    assert!(e.to_string().contains("80000 bytes"), "{e}");
    let kilo = format!("{} Vladimir Putin", "x".repeat(1024 - 15));
    assert_eq!(kilo.len(), 1024);
    s.screen(&name(&kilo), &opts).expect("1 KiB is screened");
    let long_word = format!("Vladimir {}", "ab".repeat(500));
    assert!(s.screen(&name(&long_word), &opts).is_ok());
}
