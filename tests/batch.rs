//! `embargo screen` end to end: the binary over small customer files
//! against a small index built from the bundled UN list (fast to build):
//! one output record per input record, in order, for hostile input too;
//! the encoding rules and the error-rate verdict; both output formats;
//! `--extra`; the audit stamp; and the batch path giving exactly the hits
//! of the single-name path.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use embargo::index::{build, Index};
use embargo::search::{Options, Query, Searcher};
use serde_json::Value;

fn index_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let found = embargo::source::read_paths(&[repo.join("data/lists/un-sc")]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        let dir = std::env::temp_dir().join(format!("embargo-batch-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        build(&found.lists, &dir).expect("build");
        dir
    })
}

fn index() -> &'static Index {
    static IDX: OnceLock<Index> = OnceLock::new();
    IDX.get_or_init(|| Index::open(index_dir()).expect("open"))
}

/// A fresh scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("embargo-batch-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

/// Runs `embargo screen --index <test index> ARGS`, feeding `stdin`.
fn screen(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_embargo"))
        .arg("screen")
        .arg("--index")
        .arg(index_dir())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn embargo");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin);
    }
    child.wait_with_output().expect("embargo output")
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Some primary names of the test index.
fn listed(n: usize) -> Vec<String> {
    let idx = index();
    let mut out = Vec::new();
    for i in 0..idx.name_count() {
        let nr = idx.name(i).expect("name");
        if nr.strength == embargo::NameStrength::Primary && nr.text.is_ascii() {
            out.push(nr.text.to_string());
            if out.len() == n {
                break;
            }
        }
    }
    out
}

#[test]
fn hostile_input_gives_one_record_per_input_record_in_order() {
    let mut input: Vec<u8> = b"\xEF\xBB\xBFid,name,country\r\n".to_vec();
    let mut expect: Vec<(&str, bool)> = Vec::new(); // (id, is_error)
    let mut add = |input: &mut Vec<u8>, id: &'static str, rest: &[u8], error: bool| {
        input.extend_from_slice(id.as_bytes());
        input.push(b',');
        input.extend_from_slice(rest);
        input.extend_from_slice(b"\r\n");
        expect.push((id, error));
    };
    add(&mut input, "a", b"Ann Lee,US", false);
    add(&mut input, "b", b",US", true); // empty name
    add(&mut input, "c", b"   ,US", true); // blank name
    input.extend_from_slice(b"\r\n   \r\n"); // blank lines: not records
    let huge = vec![b'x'; 1 << 20];
    add(&mut input, "d", &[&huge[..], b",US"].concat(), true); // 1 MB name
    add(&mut input, "e", b"\"Broken, quote,US", true); // unclosed quote
    add(&mut input, "f", b"Jos\xE9 Garc\xEDa,ES", true); // not UTF-8
    add(&mut input, "g", b"Nul\x00Byte,US", true);
    add(&mut input, "h", b"Smith, John,US", true); // one field too many
    add(&mut input, "i", b"\"Quoted, Name\",FR", false);
    add(
        &mut input,
        "j",
        b"\"\"\"Quoted\"\" Name\",\"multi\nline\"",
        false,
    );
    add(&mut input, "k", b"Last Record,DE", false);
    let dir = scratch("hostile");
    let path = dir.join("customers.csv");
    std::fs::write(&path, &input).expect("write input");
    let out = screen(
        &[
            "--input",
            path.to_str().unwrap_or_default(),
            "--max-error-rate",
            "1",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out.stdout);
    let got: Vec<(String, bool)> = lines
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap_or("?").to_string(),
                v.get("error").is_some(),
            )
        })
        .collect();
    let want: Vec<(String, bool)> = expect.iter().map(|(i, e)| (i.to_string(), *e)).collect();
    assert_eq!(got, want, "{}", String::from_utf8_lossy(&out.stdout));
    // Error records name the physical line (the header is line 1; two
    // blank lines come before record d).
    let line_of = |id: &str| {
        lines
            .iter()
            .find(|v| v["id"] == id)
            .and_then(|v| v["line"].as_u64())
    };
    assert_eq!(line_of("b"), Some(3));
    assert_eq!(line_of("d"), Some(7));
    assert!(lines[lines.len() - 2]["name"] == "\"Quoted\" Name");
    assert!(stderr(&out).contains("7 errors"), "{}", stderr(&out));
}

/// A customer file in Windows-1252 where most names have accents.
fn cp1252_file(dir: &Path) -> PathBuf {
    let mut input = b"id,name\n".to_vec();
    for i in 0..20 {
        input.extend_from_slice(format!("{i},").as_bytes());
        input.extend_from_slice(if i % 5 == 0 {
            b"Peter Smith"
        } else {
            b"Jos\xE9 Garc\xEDa Pe\xF1a"
        });
        input.push(b'\n');
    }
    let p = dir.join("cp1252.csv");
    std::fs::write(&p, input).expect("write input");
    p
}

#[test]
fn a_misencoded_file_trips_the_error_rate_and_says_why() {
    let dir = scratch("misencoded");
    let p = cp1252_file(&dir);
    let out = screen(&["--input", p.to_str().unwrap_or_default()], b"");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--encoding windows-1252"), "{err}");
    assert!(err.contains("NOT a clean screening"), "{err}");
    // Nothing is dropped even so.
    assert_eq!(json_lines(&out.stdout).len(), 20);
}

#[test]
fn windows_1252_is_read_when_stated() {
    let dir = scratch("cp1252");
    let p = cp1252_file(&dir);
    let out = screen(
        &[
            "--input",
            p.to_str().unwrap_or_default(),
            "--encoding",
            "windows-1252",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[1]["name"], "José García Peña");
    assert!(lines.iter().all(|v| v.get("error").is_none()));
}

#[test]
fn batch_hits_are_exactly_the_single_name_hits() {
    let mut names = listed(6);
    // Variants too: a typo, reordering, lower case.
    let extra: Vec<String> = names
        .iter()
        .take(3)
        .map(|n| {
            let mut w: Vec<&str> = n.split_whitespace().collect();
            w.reverse();
            w.join(" ").to_lowercase()
        })
        .collect();
    names.extend(extra);
    names.push("Peter Smith".into());
    let mut input = String::from("id,name\n");
    for (i, n) in names.iter().enumerate() {
        input.push_str(&format!("{i},\"{}\"\n", n.replace('"', "\"\"")));
    }
    let out = screen(&["--input", "-", "--threads", "2"], input.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), names.len());
    let mut searcher = Searcher::new(index());
    let mut any_hit = false;
    for (n, line) in names.iter().zip(&lines) {
        let q = Query {
            name: n.clone(),
            ..Query::default()
        };
        let hits = searcher.screen(&q, &Options::default()).expect("screen");
        any_hit |= !hits.is_empty();
        let direct: Value =
            serde_json::from_str(&serde_json::to_string(&hits).expect("json")).expect("json");
        assert_eq!(line["hits"], direct, "{n}");
    }
    assert!(any_hit, "the listed names must hit");
}

#[test]
fn csv_output_has_a_row_per_hit_and_one_per_record_without() {
    let names = listed(2);
    let input = format!(
        "name,id\n\"{}\",h1\nPeter Smith,n1\n,e1\n",
        names[0].replace('"', "\"\"")
    );
    let out = screen(
        &["--input", "-", "--format", "csv", "--max-error-rate", "0.5"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some("id,name,entity_id,score,list,kind,matched_name,primary_name,alias,error")
    );
    let rows: Vec<&str> = rows.collect();
    assert!(
        rows[0].starts_with("h1,") && rows[0].contains("un-sc:"),
        "{text}"
    );
    let tail: Vec<&str> = rows.iter().rev().take(2).copied().collect();
    assert_eq!(tail[1], "n1,Peter Smith,,,,,,,,");
    assert_eq!(tail[0], "e1,,,,,,,,,line 4: no name");
}

#[test]
fn extra_columns_are_carried_on_request() {
    let input = "id;name;branch;segment\n7;Peter Smith;Lyon;retail\n";
    let out = screen(&["--input", "-", "--extra"], input.as_bytes());
    let lines = json_lines(&out.stdout);
    assert_eq!(
        lines[0]["extra"],
        serde_json::json!({"branch": "Lyon", "segment": "retail"})
    );
    let plain = screen(&["--input", "-"], input.as_bytes());
    assert!(json_lines(&plain.stdout)[0].get("extra").is_none());
}

#[test]
fn json_lines_input_is_read() {
    let input = "{\"id\": \"j1\", \"name\": \"Peter Smith\", \"type\": \"person\", \"dob\": \"1970\"}\n\n{\"name\": 12\n{\"id\": \"j3\", \"name\": \"Anna Berg\"}\n";
    let out = screen(
        &["--input", "-", "--max-error-rate", "0.5"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "j1");
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[2]["id"], "j3");
}

#[test]
fn the_stamp_records_what_was_screened_against() {
    use sha2::{Digest, Sha256};
    let dir = scratch("stamp");
    let input = dir.join("in.csv");
    std::fs::write(&input, "id,name\n1,Peter Smith\n2,\n").expect("write");
    let output = dir.join("out.jsonl");
    let out = screen(
        &[
            "--input",
            input.to_str().unwrap_or_default(),
            "--output",
            output.to_str().unwrap_or_default(),
            "--max-error-rate",
            "0.5",
            "--threshold",
            "0.9",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("list un-sc") && err.contains("STALE"), "{err}");
    let stamp: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("out.jsonl.manifest.json")).expect("stamp"),
    )
    .expect("stamp json");
    assert_eq!(stamp["engine_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(stamp["index"]["manifest_sha256"], index().manifest_sha256());
    assert_eq!(stamp["index"]["bundled_default"], false);
    let un = &stamp["lists"][0];
    assert_eq!(un["list_id"], "un-sc");
    assert_eq!(un["version"], "2026-02-27");
    assert_eq!(
        un["sha256"],
        index().manifest().lists[0].files[0].sha256.as_str()
    );
    assert!(un["age_days"].as_i64().is_some() && un["stale"] == true);
    assert_eq!(
        stamp["options"]["threshold"]
            .as_f64()
            .map(|t| (t * 100.0).round()),
        Some(90.0)
    );
    assert_eq!(stamp["options"]["max_hits"], 10);
    assert_eq!(stamp["counts"]["records"], 2);
    assert_eq!(stamp["counts"]["errors"], 1);
    let sha = |p: &Path| embargo::model::hex(&Sha256::digest(std::fs::read(p).expect("read")));
    assert_eq!(stamp["input"]["sha256"], sha(&input));
    assert_eq!(stamp["output"]["sha256"], sha(&output));
    assert_eq!(stamp["status"], "ok");
    let t = stamp["started"].as_str().unwrap_or("");
    assert!(
        t.len() == 20 && t.ends_with('Z') && &t[10..11] == "T",
        "{t}"
    );

    // A generous age limit makes the same list fresh.
    let fresh = screen(
        &[
            "--input",
            input.to_str().unwrap_or_default(),
            "--output",
            output.to_str().unwrap_or_default(),
            "--max-error-rate",
            "0.5",
            "--max-list-age-days",
            "100000",
        ],
        b"",
    );
    assert!(!stderr(&fresh).contains("STALE"), "{}", stderr(&fresh));
}

#[test]
fn bad_usage_exits_2_and_a_missing_name_column_exits_1() {
    assert_eq!(
        screen(&["--input", "-", "--threshold", "2"], b"")
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        screen(&["--input", "-", "--encoding", "ebcdic"], b"")
            .status
            .code(),
        Some(2)
    );
    let out = screen(&["--input", "-"], b"id,customer\n1,x\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no `name` column"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        screen(&["--input", "-"], b"").status.code(),
        Some(1),
        "an empty input"
    );
}

#[test]
fn many_small_chunks_on_many_threads_come_back_in_order() {
    // The library pipeline with 3-record chunks (the dry run matches
    // nothing, so this is about ordering and counting alone).
    let dir = scratch("order");
    let input = dir.join("in.csv");
    let mut text = String::from("id,name\n");
    for i in 0..2000 {
        if i % 97 == 0 {
            text.push_str(&format!("{i},\n"));
        } else {
            text.push_str(&format!("{i},Customer {i}\n"));
        }
    }
    std::fs::write(&input, text).expect("write");
    let output = dir.join("out.jsonl");
    let cfg = embargo::batch::Config {
        input: input.clone(),
        output: Some(output.clone()),
        threads: 4,
        chunk_records: 3,
        dry_run: true,
        ..embargo::batch::Config::default()
    };
    let s = embargo::batch::run(index(), &cfg).expect("run");
    assert_eq!((s.counts.records, s.counts.errors), (2000, 21));
    let lines = json_lines(&std::fs::read(&output).expect("output"));
    let ids: Vec<String> = lines
        .iter()
        .map(|v| v["id"].as_str().unwrap_or("").to_string())
        .collect();
    let want: Vec<String> = (0..2000).map(|i| i.to_string()).collect();
    assert_eq!(ids, want);
}
