//! Integration tests over real list files: the bundled `data/` (always there)
//! and the full collection in `../shared/data/lists` (skipped with a note
//! when absent).

use std::path::{Path, PathBuf};
use std::process::Command;

use embargo::source::{read_paths, shared_lists_dir};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Entities summed over the lists found at `path`; panics (test failure)
/// naming the path if reading it gives any error.
fn entity_count(path: &Path) -> usize {
    let found = read_paths(&[path]);
    assert!(
        found.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        found
            .errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    assert!(!found.lists.is_empty(), "{}: no list found", path.display());
    found.lists.iter().map(|l| l.entities.len()).sum()
}

/// The counts the issue checks, on the real shared lists.
#[test]
fn shared_lists_have_the_published_entity_counts() {
    let Some(dir) = shared_lists_dir() else {
        return;
    };
    let table: &[(&str, usize)] = &[
        ("ofac-sdn/2019-01-04", 7_379),
        ("ofac-sdn/2021-07-07", 8_976),
        ("ofac-sdn/2023-12-28", 13_821),
        ("ofac-sdn/2024-05-03", 14_965),
        ("ofac-cons/2018-04-06/consolidated.xml", 639),
        ("ofac-cons/2025-01-10/CONS_ENHANCED.ZIP", 443),
        ("ofac-cons/2025-12-19", 442),
        ("un-sc/2016-02-11-subset/data.xml", 239),
        ("un-sc/2018-06-07/consolidated.xml", 1_098),
        ("un-sc/2024-11-30/consolidated.xml", 879),
        ("un-sc/2026-02-27/UN_consolidated.xml", 1_003),
        ("uk-ofsi/2014-04-02/sanctionsconlist.csv", 2_297),
        ("uk-ofsi/2018-04-13/sanctionsconlist.csv", 2_106),
        ("uk-ofsi/2023-06-05/ConList.xlsx", 3_993),
        ("uk-ofsi/2025-04-14/ConList.xlsx", 4_688),
        // 14,160 rows: CAP entry 15268 is published twice, identical but for
        // its source_list_url, so it is one entity (with a warning).
        ("us-csl/2022-05-16/consolidated.csv.gz", 14_159),
        ("us-bis-dpl/2023-11-30/dpl.txt", 545),
        ("ca-sema/2020-04-15/sema-lmes.xml", 1_369),
        ("au-dfat/2024-12-17/regulation8_consolidated.xlsx", 3_062),
        ("eu-fsf/2016-02-11-subset/data.xml", 595),
    ];
    let mut wrong = Vec::new();
    for (rel, want) in table {
        let got = entity_count(&dir.join(rel));
        if got != *want {
            wrong.push(format!("{rel}: {got} entities, expected {want}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Every file of the shared collection is read without a panic; the only
/// errors are the ones we expect: two copies of one publication in one
/// folder, and the partial CSL snapshot that stops mid-record.
#[test]
fn walking_the_whole_shared_collection_reads_every_list() {
    let Some(dir) = shared_lists_dir() else {
        return;
    };
    let found = read_paths(&[&dir]);
    let errors: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].contains("two copies of list ofac-cons"),
        "{errors:#?}"
    );
    assert!(
        errors[1].contains("us-csl/2023-11-30-partial/csl.csv:4233")
            && errors[1].contains("truncated"),
        "{errors:#?}"
    );
    // 8 SDN (the 2025 partial folders have no sdn.csv), 2 Consolidated, 9 UN,
    // 4 UK, 1 CSL, 3 DPL, 2 EU, 1 Canada, 1 Australia, 1 OpenSanctions.
    assert_eq!(found.lists.len(), 32);
}

/// The bundled default lists: one of each, with the expected counts.
#[test]
fn bundled_lists_are_complete() {
    let found = read_paths(&[repo().join("data/lists")]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let mut got: Vec<(String, usize)> = found
        .lists
        .iter()
        .map(|l| (l.list_id.clone(), l.entities.len()))
        .collect();
    got.sort();
    let want: Vec<(String, usize)> = [
        ("au-dfat", 3_062),
        ("ca-sema", 1_369),
        ("ofac-cons", 442),
        ("ofac-sdn", 13_821),
        ("uk-ofsi", 4_688),
        ("un-sc", 1_003),
        ("us-bis-dpl", 545),
        ("us-csl", 14_159),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), *b))
    .collect();
    assert_eq!(got, want);
}

/// The bundled samples of the other formats read too.
#[test]
fn bundled_format_samples_read() {
    let found = read_paths(&[repo().join("data/formats")]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let mut formats: Vec<&str> = found.lists.iter().map(|l| l.format.as_str()).collect();
    formats.sort();
    assert_eq!(
        formats,
        [
            "eu-fsf-csv",
            "eu-fsf-xml",
            "ofac-enhanced-xml",
            "ofac-xml",
            "uk-ofsi-csv",
            "un-xml"
        ]
    );
}

fn embargo(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(args)
        .output()
        .expect("run the embargo binary")
}

#[test]
fn lists_json_prints_one_object_per_list() {
    let path = repo().join("data/lists/us-bis-dpl");
    let out = embargo(&["lists", path.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1);
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["list_id"], "us-bis-dpl");
    assert_eq!(v["format"], "us-bis-dpl-tsv");
    assert_eq!(v["entities"], 545);
    assert_eq!(v["version"], "2023-11-28");
    assert!(v["names"].as_u64().unwrap() >= 545);
}

#[test]
fn an_empty_sdn_csv_is_refused_with_a_non_zero_exit() {
    let dir = std::env::temp_dir().join(format!("embargo-empty-sdn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sdn = dir.join("sdn.csv");
    std::fs::write(&sdn, b"").unwrap();
    for target in [&sdn, &dir] {
        let out = embargo(&["lists", target.to_str().unwrap(), "--json"]);
        assert_eq!(out.status.code(), Some(1), "{}", target.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("sdn.csv"),
            "error must name the file: {stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_usage_exits_2() {
    let out = embargo(&["lists"]);
    assert_eq!(out.status.code(), Some(2));
    let out = embargo(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let out = embargo(&["lists", "/no/such/list.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/list.csv"));
}

/// Hand-checked entities of the bundled lists: one per behaviour the
/// entity model promises.
mod hand_checked {
    use super::*;
    use embargo::model::{Entity, Kind, NameStrength};
    use std::sync::OnceLock;

    fn bundled() -> &'static Vec<Entity> {
        static ALL: OnceLock<Vec<Entity>> = OnceLock::new();
        ALL.get_or_init(|| {
            read_paths(&[repo().join("data/lists")])
                .lists
                .into_iter()
                .flat_map(|l| l.entities)
                .collect()
        })
    }

    fn entity(id: &str) -> &'static Entity {
        bundled()
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("{id} not in the bundled lists"))
    }

    #[test]
    fn a_person_with_weak_aliases_and_a_dob_range() {
        let e = entity("ofac-sdn:18645");
        assert_eq!(e.kind, Kind::Person);
        assert_eq!(e.primary_name(), "MUTHANA, Nasser");
        assert!(e
            .names
            .iter()
            .any(|n| n.full == "Abu Muthanna al-Yemeni" && n.strength == NameStrength::WeakAka));
        let dob = &e.dobs[0];
        assert_eq!(dob.raw, "1993 to 1995");
        assert_eq!(dob.date.map(|d| d.year), Some(1993));
        assert_eq!(dob.to.map(|d| d.year), Some(1995));
    }

    #[test]
    fn an_organization_with_fka_names_and_unknown_kind_from_ofac_csv() {
        let e = entity("ofac-sdn:17013");
        // OFAC's `-0-` type is not proof of an organisation.
        assert_eq!(e.kind, Kind::Unknown);
        assert!(e
            .names
            .iter()
            .any(|n| n.full == "JSC VTB BANK" && n.strength == NameStrength::Fka));
    }

    #[test]
    fn a_vessel_with_its_imo_number() {
        let e = entity("ofac-sdn:4243");
        assert_eq!(e.kind, Kind::Vessel);
        assert!(e
            .ids
            .iter()
            .any(|i| i.kind == "imo" && i.value == "7406784"));
    }

    #[test]
    fn a_uk_row_linked_to_its_un_reference() {
        let e = entity("uk-ofsi:13378");
        assert!(e.links.iter().any(|l| l.entity_id == "un-sc:CFi.010"));
        assert!(entity("un-sc:CFi.010").kind == Kind::Person);
    }

    #[test]
    fn non_latin_names_keep_their_script() {
        let non_latin = bundled()
            .iter()
            .flat_map(|e| &e.names)
            .filter(|n| n.script.as_deref().is_some_and(|s| s != "Latin"))
            .count();
        assert!(non_latin > 1000, "only {non_latin} non-Latin names");
        let e = entity("uk-ofsi:15890");
        assert!(e
            .names
            .iter()
            .any(|n| n.script.as_deref() == Some("Cyrillic")));
    }

    #[test]
    fn every_entity_has_a_stable_content_hash() {
        let e = entity("un-sc:KPi.033");
        assert_eq!(e.content_hash(), e.clone().content_hash());
        assert_eq!(e.content_hash().len(), 64);
    }
}
