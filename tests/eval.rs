//! The evaluation tool's library on small inputs: cases from a tiny list,
//! scoring, the report. (The full evaluation is `examples/eval.rs`; it is
//! never run by the tests.)

use embargo::eval::cases::{self, GenConfig, Universe};
use embargo::eval::measure::{self, NameIndex};
use embargo::eval::report::{self, Report};
use embargo::eval::variants::Nicknames;
use embargo::eval::{self, Case, Split};
use embargo::{Entity, Kind, Name, NameStrength};

fn entity(id: &str, kind: Kind, names: &[(&str, NameStrength)]) -> Entity {
    let mut e = Entity::new("un-sc", id, kind);
    for (n, s) in names {
        let mut name = Name::new(n, *s);
        name.script = embargo::normalize::script::detect(n).map(str::to_string);
        e.add_script_form(name);
    }
    e
}

fn tiny_universe() -> Universe {
    Universe {
        entities: vec![
            entity(
                "QDi.1",
                Kind::Person,
                &[
                    ("WILLIAM Robert JOHNSTONE", NameStrength::Primary),
                    ("Bill Johnston", NameStrength::Aka),
                    ("Уильям Джонстон", NameStrength::Aka),
                    ("ZORRO", NameStrength::WeakAka),
                ],
            ),
            entity(
                "QDe.2",
                Kind::Organization,
                &[
                    ("ROSNEFT TRADING LLC", NameStrength::Primary),
                    (
                        "Rosneft Trading Limited Liability Company",
                        NameStrength::Aka,
                    ),
                    ("ROSNEFT TRADE", NameStrength::Fka),
                ],
            ),
            entity(
                "QDi.3",
                Kind::Person,
                &[("Abdul Rahman Yasin AL-HASSANI", NameStrength::Primary)],
            ),
        ],
        ..Universe::default()
    }
}

fn config() -> GenConfig {
    GenConfig {
        seed: 5,
        max_per_class: 10,
        innocents_per_source: 0,
    }
}

#[test]
fn list_cases_come_from_aliases_and_scripts() {
    let u = tiny_universe();
    let (cases, trivial) = cases::list_cases(&u, &config());
    // "Rosneft Trading Limited Liability Company" equals the primary after
    // normalisation: trivial, left out.
    assert_eq!(trivial, 1);
    let class_of = |q: &str| {
        cases
            .iter()
            .find(|c| c.query == q)
            .map(|c| c.class.as_str())
    };
    assert_eq!(class_of("Bill Johnston"), Some("list_alias"));
    assert_eq!(class_of("ZORRO"), Some("list_alias_disjoint"));
    assert_eq!(class_of("ROSNEFT TRADE"), Some("list_alias"));
    assert_eq!(class_of("Уильям Джонстон"), Some("cross_script_cyrillic"));
    let cross = cases
        .iter()
        .find(|c| c.class == "cross_script_cyrillic")
        .unwrap();
    assert!(!cross.expected_names.iter().any(|n| n.contains('Д')));
    for c in &cases {
        assert!(!c.expected_names.contains(&c.query), "{c:?}");
        assert!(c.expected_id.starts_with("un-sc:"));
    }
}

#[test]
fn variant_cases_are_deterministic_and_respect_kinds() {
    let u = tiny_universe();
    let nicks = Nicknames::from_pairs([("william", "bill")]);
    let a = cases::variant_cases(&u, &nicks, &config());
    let b = cases::variant_cases(&u, &nicks, &config());
    assert_eq!(a, b);
    for c in &a {
        let person = c.expected_id != "un-sc:QDe.2";
        match c.class.as_str() {
            "honorific" | "drop_middle" | "nickname" | "initial" | "reorder" => {
                assert!(person, "{c:?}")
            }
            "legal_form" => assert!(!person, "{c:?}"),
            _ => {}
        }
    }
    let nick = a.iter().find(|c| c.class == "nickname").unwrap();
    assert_eq!(nick.query, "BILL Robert JOHNSTONE");
    let other_seed = cases::variant_cases(
        &u,
        &nicks,
        &GenConfig {
            seed: 6,
            ..config()
        },
    );
    assert_ne!(a, other_seed);
}

#[test]
fn scoring_and_report_end_to_end() {
    let u = tiny_universe();
    let nicks = Nicknames::from_pairs([("william", "bill")]);
    let (mut truth, _) = cases::list_cases(&u, &config());
    truth.extend(cases::variant_cases(&u, &nicks, &config()));
    let scores = measure::score_cases(&truth, 2);
    assert_eq!(scores.len(), truth.len());
    // Case and punctuation changes keep an exact match.
    for (c, s) in truth.iter().zip(&scores) {
        if c.class == "case_punct" {
            assert!(s.score > 0.99, "{c:?} {s:?}");
        }
    }
    let innocents = vec![
        Case::innocent("census", "Mary Poppins"),
        Case::innocent("census", "Abdul Rahman Yasin Alhassani"),
        Case::innocent("gleif", "ROSNEFT TRADING LLC"),
    ];
    let index = NameIndex::build(&u.entities, 2);
    let iscores = measure::score_innocents(&index, &innocents, 2);
    assert_eq!(iscores[0].name, None);
    assert!(iscores[1].score > 0.9);
    assert_eq!(iscores[2].score, 1.0);
    let mut alerts = report::source_stats(&innocents, &iscores, Split::Tune);
    alerts.extend(report::source_stats(&innocents, &iscores, Split::Holdout));
    let gleif_excluded: usize = alerts
        .iter()
        .filter(|s| s.source == "gleif")
        .map(|s| s.excluded)
        .sum();
    assert_eq!(gleif_excluded, 1);
    let rep = Report {
        command: "cargo run --release --example eval -- --seed 5".into(),
        recall_holdout: report::class_stats(&truth, &scores, Split::Holdout),
        recall_tune: report::class_stats(&truth, &scores, Split::Tune),
        alerts_tune: alerts,
        ..Report::default()
    };
    let md = rep.render();
    assert!(md.contains("--seed 5"));
    assert!(md.contains("| census |"));
    assert!(md.contains("## Recall — tune split"));
}

#[test]
fn split_of_cases_is_stable_and_about_70_30() {
    let u = tiny_universe();
    let (cases, _) = cases::list_cases(&u, &config());
    for c in &cases {
        assert_eq!(c.split, eval::split_of(&c.class, &c.query, &c.expected_id));
    }
    let n = 10_000;
    let holdout = (0..n)
        .filter(|i| eval::split_of("x", &i.to_string(), "e") == Split::Holdout)
        .count();
    assert!((2_800..3_200).contains(&holdout), "{holdout}");
}

#[test]
fn un_list_yields_cases_when_the_shared_data_is_there() {
    let Some(dir) = embargo::source::shared_lists_dir() else {
        return;
    };
    let path = dir.join("un-sc/2026-02-27/UN_consolidated.xml");
    let list = embargo::source::read_input(&embargo::source::Input::file(&path)).unwrap();
    let u = Universe {
        entities: list.entities,
        ..Universe::default()
    };
    let (cases, _) = cases::list_cases(
        &u,
        &GenConfig {
            seed: 1,
            max_per_class: 30,
            innocents_per_source: 0,
        },
    );
    assert!(cases.iter().filter(|c| c.class == "list_alias").count() == 30);
    assert!(cases.iter().any(|c| c.class == "cross_script_arabic"));
    for c in &cases {
        assert!(c.expected_id.starts_with("un-sc:"));
        assert!(!c.expected_names.is_empty());
    }
}

#[test]
fn screening_mode_end_to_end_on_a_tiny_index() {
    use embargo::eval::screen::{self, CaseResult};
    let u = tiny_universe();
    let mut truth = vec![
        Case::truth(
            "typo",
            "WILLIAM Robert JOHNSTON",
            "un-sc:QDi.1",
            vec!["WILLIAM Robert JOHNSTONE".into()],
        ),
        Case::truth(
            "list_alias",
            "Bill Johnston",
            "un-sc:QDi.1",
            vec!["WILLIAM Robert JOHNSTONE".into()],
        ),
        Case::truth(
            "translit_ru",
            "Иван Петров",
            "ext:wikidata_russian:1+2",
            vec!["Ivan Petrov".into()],
        ),
    ];
    for c in &mut truth {
        c.split = Split::Holdout;
    }
    let rounds = screen::leave_out_rounds(&truth, &u.entities);
    assert_eq!(rounds, [None, Some(0), None]);
    let dir = std::env::temp_dir().join(format!("embargo-eval-screen-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut lists = screen::lists_of(&u.entities);
    lists.extend(screen::pseudo_list(&truth));
    embargo::index::build(&lists, &dir.join("all")).unwrap();
    let idx = embargo::index::Index::open(&dir.join("all")).unwrap();
    let left_out = screen::lists_of(&screen::round_entities(&u.entities, &truth, &rounds, 0));
    embargo::index::build(&left_out, &dir.join("round")).unwrap();
    let round = embargo::index::Index::open(&dir.join("round")).unwrap();

    let mut results = Vec::new();
    for (c, r) in truth.iter().zip(&rounds) {
        let i = if r.is_some() { &round } else { &idx };
        let item = [(c.query.as_str(), c.expected_id.as_str())];
        let cand = screen::screen_parallel(i, &item, &screen::CANDIDATE_OPTIONS, 2).unwrap();
        let fin = screen::screen_serial(i, &item, &screen::FINAL_OPTIONS).unwrap();
        results.push(CaseResult {
            candidate: cand[0].clone(),
            fin: fin[0].clone(),
        });
    }
    // The typo and the transliteration are found and ranked first.
    for k in [0, 2] {
        assert!(results[k].retrievable(), "{:?}", truth[k]);
        assert!(results[k].candidate.top1, "{:?}", results[k]);
        assert!(results[k].final_score() >= 0.80, "{:?}", results[k]);
    }
    // The alias must be found through the entity's other names, not itself.
    if let Some((s, name)) = &results[1].candidate.expected {
        assert_ne!(name, "Bill Johnston");
        assert!(*s < 1.0);
    }
    let st = screen::class_stats(&truth, &results, Split::Holdout);
    assert_eq!(st.last().map(|s| s.n), Some(3));

    let innocents = [("Mary Poppins", ""), ("ROSNEFT TRADING LLC", "")];
    let fin = screen::screen_serial(&idx, &innocents, &screen::FINAL_OPTIONS).unwrap();
    assert!(fin[0].best_score < 0.70);
    assert_eq!(fin[1].best_score, 1.0);
    drop((idx, round));
    std::fs::remove_dir_all(&dir).ok();
}
