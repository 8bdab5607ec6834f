//! Index build/open/verify on real lists and on random entities.

use std::path::{Path, PathBuf};
use std::process::Command;

use embargo::analysis::analyze;
use embargo::index::{build, format, Index};
use embargo::model::{list_ids, Entity, Kind, Name, NameStrength};
use embargo::source::{read_paths, Format, ParsedList};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("embargo-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn small_lists() -> Vec<ParsedList> {
    let found = read_paths(&[
        repo().join("data/lists/un-sc"),
        repo().join("data/lists/ca-sema"),
        repo().join("data/lists/us-bis-dpl"),
    ]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    found.lists
}

/// The index of [`small_lists`], built once for the tests that only read it.
fn small_index() -> &'static Index {
    static IDX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    IDX.get_or_init(|| {
        let dir = tmp("small");
        build(&small_lists(), &dir).unwrap();
        Index::open(&dir).unwrap()
    })
}

#[test]
fn the_reader_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Index>();
}

#[test]
fn a_built_index_gives_back_every_entity_and_name() {
    let lists = small_lists();
    let dir = tmp("roundtrip");
    let report = build(&lists, &dir).unwrap();
    let idx = Index::open(&dir).unwrap();
    idx.verify().unwrap();
    let entities: Vec<&Entity> = lists.iter().flat_map(|l| &l.entities).collect();
    assert_eq!(idx.entity_count() as usize, entities.len());
    assert_eq!(report.counts.entities as usize, entities.len());
    for (i, e) in entities.iter().enumerate() {
        let r = idx.entity(i as u32).unwrap();
        assert_eq!(r.id, e.id);
        assert_eq!(r.kind, e.kind);
        assert_eq!(r.list_id, e.list_id);
        assert_eq!(Index::content_hash_hex(&r), e.content_hash());
        assert_eq!(&idx.entity_record(&r).unwrap(), *e);
        // What a hit reads, parsed on its own, is the record's.
        let facts = idx.hit_facts(&r).unwrap();
        assert_eq!(facts.primary_name, e.primary_name());
        assert_eq!(facts.dobs, e.dobs);
        assert_eq!(facts.countries, e.countries);
        assert_eq!(facts.links, e.links);
        assert_eq!(r.n_names as usize, e.names.len());
        for (k, n) in e.names.iter().enumerate() {
            let nr = idx.name(r.first_name + k as u32).unwrap();
            assert_eq!(nr.text, n.full);
            assert_eq!(nr.strength, n.strength);
            assert_eq!(nr.entity, i as u32);
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A small deterministic PRNG (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn random_lists(seed: u64, n: usize) -> Vec<ParsedList> {
    let syll = [
        "ka", "mo", "ham", "med", "ser", "gei", "al", "bin", "va", "ro", "sha", "li", "zh", "ou",
        "xi", "jin", "ping", "пу", "тин", "ла", "محمد", "علي", "金", "正", "김", "은", "-", "'",
        "llc", "ltd", " ", "de", "von", "ø", "ß",
    ];
    let mut rng = Rng(seed);
    let mut list = ParsedList::new(
        list_ids::OPENSANCTIONS,
        Format::OpenSanctionsJson,
        Path::new("<random>"),
    );
    // Built in memory: no input files to checksum.
    list.files.clear();
    for i in 0..n {
        let kind = [
            Kind::Person,
            Kind::Organization,
            Kind::Vessel,
            Kind::Unknown,
        ][i % 4];
        let mut e = Entity::new(list_ids::OPENSANCTIONS, format!("r{i}"), kind);
        let names = 1 + rng.next() % 4;
        for k in 0..names {
            let mut full = String::new();
            for _ in 0..1 + rng.next() % 6 {
                full.push_str(rng.pick(&syll));
                if rng.next() % 3 == 0 {
                    full.push(' ');
                }
            }
            let strength = if k == 0 {
                NameStrength::Primary
            } else {
                NameStrength::Aka
            };
            e.add_name(Name::new(format!("{full} x{i}"), strength));
        }
        list.entities.push(e);
    }
    vec![list]
}

/// Property: for random entities, every token of every name is found by its
/// own keys (term, deletion and skeleton keys), and every stored token is
/// what the analysis gives at query time.
#[test]
fn every_name_is_retrievable_by_its_own_keys() {
    for seed in [1u64, 7, 42] {
        let lists = random_lists(seed, 300);
        let dir = tmp(&format!("prop-{seed}"));
        build(&lists, &dir).unwrap();
        let idx = Index::open(&dir).unwrap();
        for nid in 0..idx.name_count() {
            let n = idx.name(nid).unwrap();
            let stored = idx.name_tokens(&n).unwrap();
            let fresh = analyze(n.text).tokens;
            assert_eq!(stored.len(), fresh.len(), "{}", n.text);
            for (s, f) in stored.iter().zip(&fresh) {
                assert_eq!(
                    (&s.text, &s.alts, s.role),
                    (&f.text, &f.alts, f.role),
                    "{}",
                    n.text
                );
                for spelling in f.spellings() {
                    let tid = idx
                        .term_id(spelling)
                        .unwrap_or_else(|| panic!("{spelling} not a term"));
                    assert!(idx.postings(tid).unwrap().iter().any(|x| x == nid));
                    let dels = idx.deletion_terms(spelling.as_bytes());
                    assert!(dels.contains(&tid), "deletion key of {spelling}");
                }
                if f.skeleton.len() >= 2 {
                    let tid = idx.term_id(&f.text).unwrap();
                    let sk = idx
                        .key_list(format::key::SKELETON, f.skeleton.as_bytes())
                        .unwrap();
                    assert!(sk.iter().any(|t| t == tid));
                }
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// The all-at-once deletion lookup finds exactly the terms that looking
/// up each deletion variant finds: for every seventh term of the UN index
/// and for typo'd spellings of them (a letter dropped, doubled, swapped,
/// or replaced, a non-Latin letter added).
#[test]
fn the_deletion_lookup_finds_what_the_variant_lookups_find() {
    use embargo::index::build::{deletion_budget, deletions};
    use std::collections::BTreeSet;
    let idx = small_index();
    let mut words: Vec<String> = Vec::new();
    for tid in (0..idx.term_count()).step_by(7) {
        let (t, _, _) = idx.term(tid).unwrap();
        let c: Vec<char> = t.chars().collect();
        words.push(t.to_string());
        if c.len() >= 3 {
            let m = c.len() / 2;
            let drop: String = c
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != m)
                .map(|x| x.1)
                .collect();
            let mut dbl = c.clone();
            dbl.insert(m, c[m]);
            let mut swp = c.clone();
            swp.swap(m - 1, m);
            let mut rep = c.clone();
            rep[m] = 'q';
            let mut uni = c.clone();
            uni.insert(1, 'ж');
            for v in [
                drop,
                dbl.into_iter().collect(),
                swp.into_iter().collect(),
                rep.into_iter().collect(),
                uni.into_iter().collect(),
            ] {
                words.push(v);
            }
        }
    }
    words.extend(["aaaa", "mohammed", "abbas", "x", "ab"].map(String::from));
    let mut nonempty = 0;
    for w in &words {
        let budget = deletion_budget(w);
        let mut expected = BTreeSet::new();
        for d in deletions(w, budget) {
            expected.extend(idx.deletion_terms(d.as_bytes()));
        }
        let mut got = BTreeSet::new();
        idx.for_each_deletion_term(w, budget, &mut |t| {
            got.insert(t);
        });
        assert_eq!(got, expected, "{w}");
        nonempty += usize::from(!got.is_empty());
    }
    assert!(nonempty > words.len() / 3, "{nonempty} of {}", words.len());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn a_changed_byte_in_any_index_file_fails_verification_naming_it() {
    let dir = tmp("corrupt-src");
    build(&random_lists(3, 50), &dir).unwrap();
    for name in format::DATA_FILES {
        let bad = tmp(&format!("corrupt-{name}"));
        copy_dir(&dir, &bad);
        let p = bad.join(name);
        let mut bytes = std::fs::read(&p).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x40;
        std::fs::write(&p, &bytes).unwrap();
        // Opening either refuses the file or gives an index whose
        // verification names it; it never panics.
        match Index::open(&bad) {
            Err(e) => assert!(e.to_string().contains(name), "{e}"),
            Ok(idx) => {
                let e = idx.verify().unwrap_err();
                assert!(e.to_string().contains(name), "{e}");
            }
        }
        std::fs::remove_dir_all(&bad).ok();
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn truncated_or_foreign_index_files_are_errors_that_say_rebuild() {
    let dir = tmp("trunc-src");
    build(&random_lists(5, 50), &dir).unwrap();
    for name in format::DATA_FILES {
        let bad = tmp(&format!("trunc-{name}"));
        copy_dir(&dir, &bad);
        let p = bad.join(name);
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() / 3]).unwrap();
        let e = Index::open(&bad).unwrap_err().to_string();
        assert!(e.contains(name) && e.contains("rebuild"), "{e}");
        std::fs::remove_dir_all(&bad).ok();
    }
    // A manifest of another format version.
    let bad = tmp("trunc-version");
    copy_dir(&dir, &bad);
    let m = std::fs::read_to_string(bad.join(format::MANIFEST_FILE)).unwrap();
    let m = m.replace(
        &format!("\"format_version\": {}", format::FORMAT_VERSION),
        "\"format_version\": 999",
    );
    std::fs::write(bad.join(format::MANIFEST_FILE), m).unwrap();
    let e = Index::open(&bad).unwrap_err().to_string();
    assert!(e.contains("rebuild"), "{e}");
    std::fs::remove_dir_all(&bad).ok();
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_index_folder_is_never_rewritten() {
    let dir = tmp("exists");
    std::fs::create_dir_all(&dir).unwrap();
    let e = build(&random_lists(9, 5), &dir).unwrap_err().to_string();
    assert!(e.contains("never rewritten"), "{e}");
    // Nothing half-built is left beside it.
    let parent = dir.parent().unwrap();
    let stem = dir.file_name().unwrap().to_string_lossy().to_string();
    assert!(!std::fs::read_dir(parent).unwrap().flatten().any(|e| e
        .file_name()
        .to_string_lossy()
        .starts_with(&format!(".{stem}.tmp"))));
    std::fs::remove_dir_all(&dir).ok();
}

fn embargo(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(args)
        .output()
        .expect("run the embargo binary")
}

#[test]
fn inspect_json_names_each_source_file_with_its_sha256() {
    let src = tmp("inspect-src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::copy(
        repo().join("data/lists/us-bis-dpl/2023-11-30/dpl.txt"),
        src.join("dpl.txt"),
    )
    .unwrap();
    let idx1 = tmp("inspect-1");
    let out = embargo(&[
        "build",
        "--lists",
        src.to_str().unwrap(),
        "--out",
        idx1.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inspect = |d: &Path| -> serde_json::Value {
        let out = embargo(&["inspect", d.to_str().unwrap(), "--json", "--verify"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v1 = inspect(&idx1);
    let sha1 = v1["lists"][0]["files"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(v1["lists"][0]["list_id"], "us-bis-dpl");
    assert_eq!(v1["lists"][0]["entities"], 545);
    assert_eq!(sha1.len(), 64);
    // One byte of the list changed: its sha256 in the manifest changes.
    let p = src.join("dpl.txt");
    let mut b = std::fs::read(&p).unwrap();
    let i = b.iter().rposition(|c| c.is_ascii_uppercase()).unwrap();
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    std::fs::write(&p, b).unwrap();
    let idx2 = tmp("inspect-2");
    let out = embargo(&[
        "build",
        "--lists",
        src.to_str().unwrap(),
        "--out",
        idx2.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v2 = inspect(&idx2);
    assert_ne!(v2["lists"][0]["files"][0]["sha256"].as_str().unwrap(), sha1);
    assert_ne!(v1["manifest_sha256"], v2["manifest_sha256"]);
    // One byte of an index file changed: --verify exits 1 naming it.
    let t = idx2.join(format::RECORDS_FILE);
    let mut b = std::fs::read(&t).unwrap();
    b[10] ^= 1;
    std::fs::write(&t, b).unwrap();
    let out = embargo(&["inspect", idx2.to_str().unwrap(), "--verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(format::RECORDS_FILE));
    for d in [src, idx1, idx2] {
        std::fs::remove_dir_all(d).ok();
    }
}

#[test]
fn a_build_with_a_bad_list_fails_naming_it_unless_skipped() {
    let src = tmp("badlist");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::copy(
        repo().join("data/lists/us-bis-dpl/2023-11-30/dpl.txt"),
        src.join("dpl.txt"),
    )
    .unwrap();
    std::fs::write(src.join("sdn.csv"), b"").unwrap();
    let out_dir = tmp("badlist-idx");
    let out = embargo(&[
        "build",
        "--lists",
        src.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sdn.csv"));
    assert!(!out_dir.exists());
    let out = embargo(&[
        "build",
        "--lists",
        src.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--skip-bad",
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("LEFT OUT"));
    std::fs::remove_dir_all(&src).ok();
    std::fs::remove_dir_all(&out_dir).ok();
}

#[test]
fn the_default_index_is_built_once_into_the_cache() {
    let data = tmp("default-data");
    std::fs::create_dir_all(data.join("dpl")).unwrap();
    std::fs::copy(
        repo().join("data/lists/us-bis-dpl/2023-11-30/dpl.txt"),
        data.join("dpl/dpl.txt"),
    )
    .unwrap();
    let cache = tmp("default-cache");
    // Environment variables are process-wide: this is the only test that
    // sets them.
    std::env::set_var("EMBARGO_DATA", &data);
    std::env::set_var("EMBARGO_CACHE", &cache);
    let a = embargo::index::default_index().unwrap();
    let b = embargo::index::default_index().unwrap();
    assert_eq!(a.dir(), b.dir());
    assert_eq!(a.manifest_sha256(), b.manifest_sha256());
    assert_eq!(a.entity_count(), 545);
    let built: Vec<_> = std::fs::read_dir(&cache).unwrap().flatten().collect();
    assert_eq!(built.len(), 1, "built once");
    std::env::remove_var("EMBARGO_DATA");
    std::env::remove_var("EMBARGO_CACHE");
    std::fs::remove_dir_all(&data).ok();
    std::fs::remove_dir_all(&cache).ok();
}

/// The probe (a Bloom filter before FST lookups of glued spellings) never
/// says "absent" of a term or skeleton key the index has, and says "maybe"
/// of few that it lacks.
#[test]
fn the_probe_passes_every_term_and_skeleton_and_few_others() {
    use embargo::index::format::key;
    let idx = small_index();
    let probe = idx.probe();
    let mut skeletons = 0;
    for tid in 0..idx.term_count() {
        let (text, skeleton, _) = idx.term(tid).unwrap();
        assert!(probe.may_be_term(text.as_bytes()), "term {text:?}");
        if !idx
            .key_list(key::SKELETON, skeleton.as_bytes())
            .unwrap()
            .is_empty()
        {
            assert!(
                probe.may_be_skeleton(skeleton.as_bytes()),
                "skeleton {skeleton:?}"
            );
            skeletons += 1;
        }
    }
    assert!(skeletons > 100);
    // Glued pairs of terms, as the matcher asks: few pass when absent.
    let (mut absent, mut passed) = (0, 0);
    for tid in 0..idx.term_count().min(3000) {
        let (a, _, _) = idx.term(tid).unwrap();
        let (b, _, _) = idx.term((tid * 7919 + 1) % idx.term_count()).unwrap();
        let glued = format!("{a}{b}zq");
        if idx.term_id(&glued).is_none() {
            absent += 1;
            passed += usize::from(probe.may_be_term(glued.as_bytes()));
        }
    }
    assert!(absent > 1000);
    assert!(
        passed * 50 < absent,
        "{passed} of {absent} absent spellings passed"
    );
}

/// The hit facts stored beside each record are what the record says: the
/// primary name, dates of birth, countries and links, for every entity of
/// the small index (UN entries carry all four).
#[test]
fn the_stored_hit_facts_are_the_records() {
    use embargo::model::HitFacts;
    let idx = small_index();
    let (mut dobs, mut countries) = (0, 0);
    for i in 0..idx.entity_count() {
        let e = idx.entity(i).unwrap();
        let record = idx.entity_record(&e).unwrap();
        let stored = idx.hit_facts(&e).unwrap();
        assert_eq!(
            serde_json::to_value(&stored).unwrap(),
            serde_json::to_value(HitFacts::of(&record)).unwrap(),
            "{}",
            e.id
        );
        assert_eq!(stored.primary_name, record.primary_name());
        dobs += usize::from(!stored.dobs.is_empty());
        countries += usize::from(!stored.countries.is_empty());
    }
    assert!(dobs > 100 && countries > 100, "{dobs} {countries}");
}

/// A word longer than any term by more than its deletions has no variant
/// to look up, and is not made into millions of them (a hostile
/// 3,000-letter token); a word just inside that length still finds the
/// longest term it is two insertions away from.
#[test]
fn the_deletion_lookup_skips_words_too_long_for_any_term() {
    let idx = small_index();
    let (longest, tid) = (0..idx.term_count())
        .map(|t| (idx.term_bytes(t).unwrap().len(), t))
        .max()
        .unwrap();
    let text = idx.term(tid).unwrap().0.to_string();
    assert_eq!(text.len(), longest, "terms are ASCII");
    // Two letters inserted: 2 deletions away, at the length limit.
    let near = format!("x{text}x");
    let mut found = Vec::new();
    idx.for_each_deletion_term(&near, 2, &mut |t| found.push(t));
    assert!(found.contains(&tid), "{near}");
    let hostile = "ab".repeat(1500);
    let mut n = 0;
    idx.for_each_deletion_term(&hostile, 2, &mut |_| n += 1);
    assert_eq!(n, 0);
}
