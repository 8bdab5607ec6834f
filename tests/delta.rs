//! `diff` and `rescreen` on real list versions and on small built indexes.

#[path = "support/history.rs"]
mod history;

use std::path::{Path, PathBuf};
use std::process::Command;

use embargo::delta::{diff_entities, diff_indexes, Field};
use embargo::index::{build, Index};
use embargo::model::{Entity, Kind, Name, NameStrength};
use embargo::source::{read_paths, Format, ParsedList};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("embargo-delta-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn entity(own: &str, name: &str, kind: Kind) -> Entity {
    let mut e = Entity::new("ofac-sdn", own, kind);
    e.add_name(Name::new(name, NameStrength::Primary));
    e
}

fn list(entities: Vec<Entity>) -> ParsedList {
    let mut l = ParsedList::new("ofac-sdn", Format::OfacCsv, Path::new("<memory>"));
    l.files.clear();
    l.entities = entities;
    l
}

fn build_at(name: &str, lists: &[ParsedList]) -> (PathBuf, Index) {
    let dir = tmp(name);
    build(lists, &dir).unwrap();
    let idx = Index::open(&dir).unwrap();
    (dir, idx)
}

/// Two small versions of a list: one entity removed, one added, one
/// with a new alias, one with a new programme.
fn two_versions() -> (Vec<Entity>, Vec<Entity>) {
    let old = vec![
        entity("1", "Vladimir PUTIN", Kind::Person),
        entity("2", "ACME TRADING LLC", Kind::Organization),
        entity("3", "OCEAN STAR", Kind::Vessel),
        entity("4", "Ivan PETROV", Kind::Person),
    ];
    let mut new = old.clone();
    new.remove(1);
    new[1].programs.push("IRAN".into());
    new[2].add_name(Name::new("Ivan PETROFF", NameStrength::Aka));
    new.push(entity("5", "Olga SMIRNOVA", Kind::Person));
    (old, new)
}

#[test]
fn the_index_diff_equals_the_entity_diff() {
    let (old, new) = two_versions();
    let (_, o) = build_at("small-old", &[list(old.clone())]);
    let (_, n) = build_at("small-new", &[list(new.clone())]);
    let d = diff_indexes(&o, &n).unwrap();
    assert_eq!(d.entities, diff_entities(&old, &new));
    assert_eq!(d.entities.added, ["ofac-sdn:5"]);
    assert_eq!(d.entities.removed, ["ofac-sdn:2"]);
    let changed: Vec<(&str, &[Field])> = d
        .entities
        .changed
        .iter()
        .map(|c| (c.entity_id.as_str(), c.fields.as_slice()))
        .collect();
    assert_eq!(
        changed,
        [
            ("ofac-sdn:3", &[Field::Programs][..]),
            ("ofac-sdn:4", &[Field::Names][..])
        ]
    );
    assert_eq!(d.old, o.manifest_sha256());
    assert_eq!(d.primary_names["ofac-sdn:2"], "ACME TRADING LLC");
}

#[test]
fn an_index_against_itself_has_no_diff() {
    let (old, _) = two_versions();
    let (_, o) = build_at("self", &[list(old)]);
    assert!(diff_indexes(&o, &o).unwrap().entities.is_empty());
}

#[test]
fn embargo_diff_json_follows_the_interface() {
    let (old, new) = two_versions();
    let (od, _) = build_at("cli-old", &[list(old)]);
    let (nd, n) = build_at("cli-new", &[list(new)]);
    let out = Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(["diff", "--old"])
        .arg(&od)
        .arg("--new")
        .arg(&nd)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["new"], n.manifest_sha256());
    assert_eq!(v["added"], serde_json::json!(["ofac-sdn:5"]));
    assert_eq!(v["removed"], serde_json::json!(["ofac-sdn:2"]));
    assert_eq!(
        v["changed"],
        serde_json::json!([
            {"entity_id": "ofac-sdn:3", "fields": ["programs"]},
            {"entity_id": "ofac-sdn:4", "fields": ["names"]}
        ])
    );
    let human = Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(["diff", "--old"])
        .arg(&od)
        .arg("--new")
        .arg(&nd)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("1 added, 1 removed, 2 changed"), "{text}");
    assert!(text.contains("ACME TRADING LLC"), "{text}");
}

#[test]
fn embargo_diff_of_a_missing_index_exits_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(["diff", "--old", "/nonexistent/a", "--new", "/nonexistent/b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// Every 25th step of the 307, plus the steps named in the issue and the
/// two where the manifest counts a whitespace-only edit as a change.
const WHITESPACE_ONLY: [&str; 2] = ["2022-12-16T184340Z_sdn.csv", "2023-11-03T184330Z_sdn.csv"];

#[test]
fn diff_counts_agree_with_the_history_manifest() {
    let Some(dir) = history::history_dir() else {
        return;
    };
    let steps = history::manifest(&dir);
    let mut wanted = std::collections::HashSet::new();
    for (i, s) in steps.iter().enumerate().skip(1) {
        let named = s.file.starts_with("2024-03-04") || s.file.starts_with("2024-05-01");
        if i % 25 == 0 || named || WHITESPACE_ONLY.contains(&s.file.as_str()) {
            wanted.insert(steps[i - 1].file.clone());
            wanted.insert(s.file.clone());
        }
    }
    let by_name: std::collections::HashMap<&str, &history::Step> =
        steps.iter().map(|s| (s.file.as_str(), s)).collect();
    let mut prev: Option<(String, Vec<Entity>, Vec<u8>)> = None;
    let mut checked = 0;
    history::for_each_version(&dir, &|n| wanted.contains(n), &mut |name, bytes| {
        let ents = history::parse(&bytes);
        let step = by_name[name];
        let i = steps.iter().position(|s| s.file == name).unwrap();
        if let Some((pname, old, old_bytes)) = &prev {
            if i > 0 && steps[i - 1].file == *pname {
                let (a, r, c) = step.delta.unwrap();
                let d = diff_entities(old, &ents);
                assert_eq!((d.added.len(), d.removed.len()), (a, r), "{name}");
                if WHITESPACE_ONLY.contains(&name) {
                    // The manifest compares row bytes; one row differs only
                    // in a doubled space inside the name, which the canonical
                    // record (whitespace collapsed) does not keep.
                    assert_eq!(d.changed.len(), c - 1, "{name}");
                    let (or, nr) = (history::rows(old_bytes), history::rows(&bytes));
                    let ws_only = nr.iter().filter(|(id, row)| {
                        or.get(*id).is_some_and(|o| {
                            o != *row && o.split_whitespace().eq(row.split_whitespace())
                        })
                    });
                    assert_eq!(ws_only.count(), 1, "{name}");
                } else {
                    assert_eq!(d.changed.len(), c, "{name}");
                }
                checked += 1;
            }
        }
        prev = Some((name.to_string(), ents, bytes));
    });
    eprintln!("checked {checked} consecutive steps against the manifest");
    assert!(checked >= 14, "only {checked} steps checked");
}

#[test]
fn the_index_diff_of_real_versions_matches_the_manifest() {
    let Some(lists) = embargo::source::shared_lists_dir() else {
        return;
    };
    let sdn = lists.join("ofac-sdn");
    let idx = |date: &str| {
        let found = read_paths(&[sdn.join(date).join("sdn.csv")]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        build_at(&format!("real-{date}"), &found.lists).1
    };
    // 2024-02-28 -> 2024-03-04: +2, -86 (Zimbabwe delistings), 12 changed.
    let (a, b) = (idx("2024-02-28"), idx("2024-03-04"));
    let d = diff_indexes(&a, &b).unwrap().entities;
    assert_eq!(
        (d.added.len(), d.removed.len(), d.changed.len()),
        (2, 86, 12)
    );
    // 2024-04-26 -> 2024-05-01 (one version between them in the archive).
    let (c, e) = (idx("2024-04-26"), idx("2024-05-01"));
    let d = diff_indexes(&c, &e).unwrap().entities;
    assert_eq!((d.added.len(), d.removed.len()), (298, 0));
}

// ---- rescreen ----

use embargo::delta::custindex::{build_customer_index, rescreen_indexed, CustomerIndex};
use embargo::delta::customers::read_customers_from;
use embargo::delta::rescreen::{
    output_line, rescreen_all, rescreen_options, screen_all, write_indexed,
};
use embargo::delta::{Change, DeltaIndex};

const FIRST: [&str; 12] = [
    "James", "Maria", "Mohammed", "Wei", "Olga", "John", "Fatima", "Ivan", "Ana", "Ahmed", "Linda",
    "Sergei",
];
const LAST: [&str; 12] = [
    "Smith", "Garcia", "Khan", "Zhang", "Ivanova", "Brown", "Hassan", "Petrov", "Silva", "Ali",
    "Johnson", "Volkov",
];

/// One edit in the longest token (a customer record's typo).
fn typo(name: &str) -> String {
    let mut toks: Vec<String> = name.split_whitespace().map(str::to_string).collect();
    if let Some(t) = toks.iter_mut().max_by_key(|t| t.chars().count()) {
        let mut c: Vec<char> = t.chars().collect();
        if c.len() > 4 {
            c.swap(2, 3);
            *t = c.into_iter().collect();
        }
    }
    toks.join(" ")
}

/// "LAST, First" -> "First LAST".
fn reorder(name: &str) -> String {
    match name.split_once(", ") {
        Some((l, f)) => format!("{f} {l}"),
        None => name.to_string(),
    }
}

/// A customer file (CSV) mixing the delta's entities (as listed, with a
/// typo, reordered), some unchanged listed entities, and ordinary names.
fn customer_csv(
    old: &Index,
    new: &Index,
    d: &embargo::delta::EntityDiff,
    unchanged: usize,
) -> String {
    let mut rows = vec!["id,name,type,dob,country".to_string()];
    let mut n = 0;
    let mut push = |name: &str, kind: &str, dob: &str| {
        n += 1;
        rows.push(format!("c-{n},\"{}\",{kind},{dob},", name.replace('"', "")));
    };
    let delta_ids: std::collections::HashSet<&str> = d
        .added
        .iter()
        .chain(d.removed.iter())
        .chain(d.changed.iter().map(|c| &c.entity_id))
        .map(String::as_str)
        .collect();
    let mut kept = 0;
    for idx in [old, new] {
        for i in 0..idx.entity_count() {
            let e = idx.entity(i).unwrap();
            let rec = idx.entity_record(&e).unwrap();
            let name = rec.primary_name().to_string();
            if delta_ids.contains(e.id) {
                push(&name, "", "");
                push(&typo(&name), "", "");
                push(&reorder(&name), e.kind.as_str(), "1970");
            } else if std::ptr::eq(idx, new) && kept < unchanged && i % 97 == 0 {
                kept += 1;
                push(&name, "", "");
            }
        }
    }
    for f in FIRST {
        for l in LAST {
            push(&format!("{f} {l}"), "person", "");
        }
    }
    push("", "", "");
    rows.join("\n")
}

fn json_of(h: &embargo::search::Hit) -> serde_json::Value {
    serde_json::to_value(h).unwrap()
}

/// Checks a rescreen of the customer file `csv` against full screens of
/// the same customers against both indexes, and the rescreen through a
/// saved customer index against the plain one (every output line equal);
/// returns (customers, delta hits, retired, customers the probe screened).
fn check_exact(
    old: &Index,
    new: &Index,
    csv: &str,
    threshold: f32,
    tag: &str,
) -> (usize, usize, usize, usize) {
    let customers = read_customers_from(csv.as_bytes()).unwrap();
    let customers = &customers[..];
    let delta = DeltaIndex::build(old, new).unwrap();
    let opts = rescreen_options(threshold, None);
    let full_old = screen_all(old, customers, &opts, 2);
    let full_new = screen_all(new, customers, &opts, 2);
    let got = rescreen_all(&delta, customers, &opts, 2);
    // Through the customer index: the same lines, in the same order.
    let dir = tmp(&format!("ci-{tag}"));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("customers.csv");
    std::fs::write(&input, csv).unwrap();
    build_customer_index(&input, &dir.join("idx"), 2).unwrap();
    let ci = CustomerIndex::open(&dir.join("idx")).unwrap();
    ci.verify().unwrap();
    assert_eq!(ci.len(), customers.len());
    let (probe, results) = rescreen_indexed(&delta, &ci, &opts, 2).unwrap();
    let mut written = Vec::new();
    let counts = write_indexed(&ci, &probe, &results, &mut written, Path::new("<memory>")).unwrap();
    let written = String::from_utf8(written).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), customers.len());
    for (i, (c, r)) in customers.iter().zip(&got).enumerate() {
        assert_eq!(
            lines[i],
            output_line(c, r),
            "line {} through the customer index",
            c.line
        );
    }
    assert_eq!(counts.records as usize, customers.len());
    let _ = std::fs::remove_dir_all(&dir);
    let (mut hits, mut retired) = (0, 0);
    for (i, c) in customers.iter().enumerate() {
        let (fo, fn_, g) = (&full_old[i], &full_new[i], &got[i]);
        let (Ok(fo), Ok(fn_), Ok(g)) = (fo, fn_, g) else {
            assert!(c.query.is_err(), "line {}: {:?} {:?}", c.line, fo, g);
            assert!(g.is_err());
            continue;
        };
        let name = &c.query.as_ref().unwrap().name;
        // Hits on added/changed entities: exactly the new full screen's.
        let want: Vec<serde_json::Value> = fn_
            .iter()
            .filter(|h| {
                matches!(
                    delta.change(&h.entity_id),
                    Some(Change::Added | Change::Changed)
                )
            })
            .map(json_of)
            .collect();
        let have: Vec<serde_json::Value> = g.hits.iter().map(|h| json_of(&h.hit)).collect();
        assert_eq!(have, want, "hits of {name:?}");
        for h in &g.hits {
            assert_eq!(Some(h.change), delta.change(&h.hit.entity_id));
        }
        // Retired: exactly the old full screen's hits on removed entities.
        let want: Vec<&str> = fo
            .iter()
            .filter(|h| delta.change(&h.entity_id) == Some(Change::Removed))
            .map(|h| h.entity_id.as_str())
            .collect();
        assert_eq!(g.retired, want, "retired of {name:?}");
        // And nothing else differs between the full screens: hits on
        // unchanged entities are the same in both (scores are absolute).
        let same = |v: &Vec<embargo::search::Hit>| -> Vec<serde_json::Value> {
            v.iter()
                .filter(|h| delta.change(&h.entity_id).is_none())
                .map(json_of)
                .collect()
        };
        assert_eq!(same(fo), same(fn_), "unchanged-entity hits of {name:?}");
        hits += g.hits.len();
        retired += g.retired.len();
    }
    (customers.len(), hits, retired, probe.customers.len())
}

fn real_index(date: &str) -> Option<Index> {
    let lists = embargo::source::shared_lists_dir()?;
    let found = read_paths(&[lists.join("ofac-sdn").join(date).join("sdn.csv")]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    Some(build_at(&format!("rs-{date}"), &found.lists).1)
}

#[test]
fn rescreen_equals_the_difference_of_full_screens_on_real_pairs() {
    let Some(_) = embargo::source::shared_lists_dir() else {
        return;
    };
    let mut indexes: std::collections::HashMap<&str, Index> = Default::default();
    for d in [
        "2024-02-28",
        "2024-03-04",
        "2024-04-26",
        "2024-05-01",
        "2024-05-03",
    ] {
        indexes.insert(d, real_index(d).unwrap());
    }
    for (a, b, threshold) in [
        ("2024-04-26", "2024-05-01", 0.85),
        ("2024-02-28", "2024-03-04", 0.85),
        ("2024-05-01", "2024-05-03", 0.80),
        ("2024-05-01", "2024-05-03", 0.6),
    ] {
        let (old, new) = (&indexes[a], &indexes[b]);
        let d = diff_indexes(old, new).unwrap().entities;
        let csv = customer_csv(old, new, &d, 60);
        let (n, hits, retired, probed) =
            check_exact(old, new, &csv, threshold, &format!("{a}-{b}-{threshold}"));
        eprintln!(
            "{a} -> {b} at {threshold}: {n} customers, {hits} delta hits, {retired} retired, {probed} screened through the customer index: exact"
        );
        assert!(hits > 0 || d.added.is_empty());
        assert!(retired > 0 || d.removed.is_empty());
    }
}

/// The generator's customer mix (census, Faker names in their native
/// scripts, GLEIF companies, with ids and countries) with the listed share
/// drawn from the delta's own names: the rescreen through a customer index
/// writes exactly the plain rescreen's lines (transliterated tokens,
/// alternative spellings, identifiers and legal forms through the probe).
#[test]
fn the_customer_index_probe_is_exact_on_generated_customers() {
    use embargo::batch::gen::{generate, listed_names, GenFormat, Sources};
    let Some(_) = embargo::source::shared_lists_dir() else {
        return;
    };
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    for (a, b) in [("2024-04-26", "2024-05-01"), ("2024-02-28", "2024-03-04")] {
        let (old, new) = (real_index(a).unwrap(), real_index(b).unwrap());
        let delta = DeltaIndex::build(&old, &new).unwrap();
        let listed = listed_names(delta.index().unwrap()).unwrap();
        let src = Sources::load(Some(&shared), listed);
        let mut csv = Vec::new();
        generate(&src, 6000, 7, GenFormat::Csv, &mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let dir = tmp(&format!("gen-{a}"));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("customers.csv");
        std::fs::write(&input, &csv).unwrap();
        build_customer_index(&input, &dir.join("idx"), 2).unwrap();
        let ci = CustomerIndex::open(&dir.join("idx")).unwrap();
        let customers = read_customers_from(csv.as_bytes()).unwrap();
        for threshold in [0.85, 0.7] {
            let opts = rescreen_options(threshold, None);
            let plain = rescreen_all(&delta, &customers, &opts, 2);
            let (probe, results) = rescreen_indexed(&delta, &ci, &opts, 2).unwrap();
            let mut written = Vec::new();
            write_indexed(&ci, &probe, &results, &mut written, Path::new("<memory>")).unwrap();
            let written = String::from_utf8(written).unwrap();
            let lines: Vec<&str> = written.lines().collect();
            assert_eq!(lines.len(), customers.len());
            let mut hits = 0;
            for (i, (c, r)) in customers.iter().zip(&plain).enumerate() {
                assert_eq!(
                    lines[i],
                    output_line(c, r),
                    "{a} at {threshold}, line {}",
                    c.line
                );
                hits += r
                    .as_ref()
                    .map(|d| d.hits.len() + d.retired.len())
                    .unwrap_or(0);
            }
            eprintln!(
                "{a} -> {b} at {threshold}: {} generated customers, {hits} delta hits, {} reached, {} screened through the customer index: same lines",
                customers.len(),
                probe.reached,
                probe.customers.len()
            );
            assert!(hits > 0);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn rescreen_is_exact_on_a_small_built_pair() {
    let (old, new) = two_versions();
    let (_, o) = build_at("rs-small-old", &[list(old)]);
    let (_, n) = build_at("rs-small-new", &[list(new)]);
    let csv = "id,name,ids\n1,Vladimir Putin,\n2,Acme Trading,\n3,Ivan Petroff,\n4,Olga Smirnova,\n5,Ocean Star,\n6,Jane Doe,\n7,,\n8,Olga Smir Nova,\n9,Vladimir Putin Jr,passport:X123\n";
    let (_, hits, retired, _) = check_exact(&o, &n, csv, 0.85, "small");
    assert!(hits >= 3, "{hits}");
    assert_eq!(retired, 1);
}

#[test]
fn embargo_rescreen_writes_one_line_per_record_and_a_stamp() {
    let (old, new) = two_versions();
    let (od, o) = build_at("cli-rs-old", &[list(old)]);
    let (nd, n) = build_at("cli-rs-new", &[list(new)]);
    let dir = tmp("cli-rs");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("customers.csv");
    std::fs::write(
        &input,
        "id,name,type\nc-1,Olga Smirnova,person\nc-2,ACME Trading LLC,\nc-3,Jane Doe,\nc-4,,\nc-5,Ivan Petroff,\n",
    )
    .unwrap();
    let output = dir.join("delta.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(["rescreen", "--old"])
        .arg(&od)
        .arg("--new")
        .arg(&nd)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["id"], "c-1");
    assert_eq!(lines[0]["hits"][0]["entity_id"], "ofac-sdn:5");
    assert_eq!(lines[0]["hits"][0]["change"], "added");
    assert!(lines[0]["hits"][0]["entity_hash"].is_string());
    assert_eq!(lines[0]["retired"], serde_json::json!([]));
    assert_eq!(lines[1]["hits"], serde_json::json!([]));
    assert_eq!(lines[1]["retired"], serde_json::json!(["ofac-sdn:2"]));
    assert_eq!(lines[2]["hits"], serde_json::json!([]));
    assert_eq!(lines[3]["error"], "no name");
    assert_eq!(lines[3]["line"], 5);
    assert_eq!(lines[4]["hits"][0]["change"], "changed");
    let stamp: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("delta.jsonl.manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(stamp["old_index"]["manifest_sha256"], o.manifest_sha256());
    assert_eq!(stamp["new_index"]["manifest_sha256"], n.manifest_sha256());
    assert_eq!(stamp["counts"]["records"], 5);
    assert_eq!(stamp["delta"]["added"], 1);
    // The same through a saved customer index: the same bytes.
    let cidx = dir.join("customers.idx");
    let embargo = |args: &[&std::ffi::OsStr]| {
        Command::new(env!("CARGO_BIN_EXE_embargo"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = embargo(&[
        "customers".as_ref(),
        "index".as_ref(),
        "--input".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        cidx.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rescreen_with = |input: Option<&Path>, output: &Path| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "rescreen".as_ref(),
            "--old".as_ref(),
            od.as_os_str(),
            "--new".as_ref(),
            nd.as_os_str(),
            "--customers".as_ref(),
            cidx.as_os_str(),
            "--output".as_ref(),
            output.as_os_str(),
        ];
        if let Some(i) = input {
            args.push("--input".as_ref());
            args.push(i.as_os_str());
        }
        embargo(&args)
    };
    for (with_input, name) in [(false, "indexed.jsonl"), (true, "indexed2.jsonl")] {
        let o2 = dir.join(name);
        let out = rescreen_with(with_input.then_some(input.as_path()), &o2);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read(&o2).unwrap(),
            std::fs::read(&output).unwrap(),
            "rescreen through the customer index"
        );
        let stamp: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.manifest.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(stamp["counts"]["records"], 5);
        assert_eq!(stamp["counts"]["errors"], 1);
        assert!(stamp["customer_index"]["manifest_sha256"].is_string());
        assert!(stamp["customer_index"]["input"]["sha256"].is_string());
        assert_eq!(stamp["new_index"]["manifest_sha256"], n.manifest_sha256());
    }
    // A customer index of another file is refused; so is rebuilding one
    // in place.
    let other = dir.join("other.csv");
    std::fs::write(&other, "id,name\nc-1,Olga Smirnova\n").unwrap();
    let out = rescreen_with(Some(&other), &dir.join("x.jsonl"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rebuild it"));
    let out = embargo(&[
        "customers".as_ref(),
        "index".as_ref(),
        "--input".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        cidx.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    // Threshold 0 has no delta: bad usage.
    let out = Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(["rescreen", "--threshold", "0", "--old"])
        .arg(&od)
        .arg("--new")
        .arg(&nd)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(dir.join("x.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---- the nightly recipe, end to end against a local server ----

#[path = "support/http_server.rs"]
mod http_server;

#[test]
fn the_nightly_script_fetches_builds_diffs_and_rescreens() {
    use http_server::{Reply, Server};
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("note: bash is absent: skipping the nightly script test");
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cons = std::fs::read(repo.join("data/lists/ofac-cons/2025-12-19/cons_prim.csv")).unwrap();
    // Yesterday's list lacked the last 12 entries.
    let text = String::from_utf8_lossy(&cons).to_string();
    let mut yesterday: String = text.split_inclusive("\r\n").take(430).collect();
    yesterday.push('\u{1a}');
    let last_name = {
        let line = text.split("\r\n").nth(436).unwrap();
        line.split('"').nth(1).unwrap().to_string()
    };
    let server = Server::start();
    server.script(
        "/cons_prim.csv",
        vec![
            Reply::ok(yesterday.into_bytes()).with_etag("d1"),
            Reply::ok(cons.clone()).with_etag("d2"),
        ],
    );
    let work = tmp("nightly");
    std::fs::create_dir_all(&work).unwrap();
    let sources = work.join("sources.toml");
    std::fs::write(
        &sources,
        format!(
            "retries = 0\n[[source]]\nid = \"ofac-cons\"\nurl = \"{}\"\nfile = \"cons_prim.csv\"\n",
            server.url("/cons_prim.csv")
        ),
    )
    .unwrap();
    let customers = work.join("customers.csv");
    std::fs::write(
        &customers,
        format!("id,name\nc-1,John Smith\nc-2,\"{last_name}\"\n"),
    )
    .unwrap();
    let run = || {
        Command::new("bash")
            .arg(repo.join("scripts/nightly.sh"))
            .arg(work.join("w"))
            .arg(&customers)
            .env("EMBARGO", env!("CARGO_BIN_EXE_embargo"))
            .env("EMBARGO_SOURCES", &sources)
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a new run stamp
    let second = run();
    let out = String::from_utf8_lossy(&second.stdout);
    assert_eq!(second.status.code(), Some(0), "{out}");
    assert!(out.contains("12 added, 0 removed, 0 changed"), "{out}");
    let runs: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(work.join("w/runs"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        v.sort();
        v
    };
    let delta = std::fs::read_to_string(runs.last().unwrap().join("delta.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = delta
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["hits"], serde_json::json!([]));
    assert_eq!(lines[1]["hits"][0]["change"], "added", "{delta}");
    // Rescreened through the saved customer index of the customer file.
    let stamp: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(runs.last().unwrap().join("delta.jsonl.manifest.json")).unwrap(),
    )
    .unwrap();
    if Command::new("sha256sum").arg("--version").output().is_ok() {
        assert!(
            stamp["customer_index"]["manifest_sha256"].is_string(),
            "{stamp}"
        );
        assert_eq!(
            std::fs::read_dir(work.join("w/customers")).unwrap().count(),
            1
        );
    }
    // A third night with nothing new: 304, no build, no rescreen.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let third = run();
    let out = String::from_utf8_lossy(&third.stdout);
    assert_eq!(third.status.code(), Some(0), "{out}");
    assert!(out.contains("nothing to rescreen"), "{out}");
}
