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
