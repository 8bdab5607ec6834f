//! `embargo fetch` against a local HTTP server on 127.0.0.1: updates,
//! conditional requests, and every refusal that must keep the previous
//! good version (empty, truncated, unreadable, mass delisting, server
//! errors), with one failing source never blocking another.

#[path = "support/http_server.rs"]
mod http_server;

use std::path::{Path, PathBuf};
use std::process::Command;

use embargo::fetch::{fetch_all, parse_sources, Limits, Source, Status, STATE_FILE};
use http_server::{Reply, Server};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("embargo-fetch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Fast limits for tests: two retries, 10 ms backoff.
fn limits() -> Limits {
    Limits {
        max_delisting: 0.10,
        timeout_secs: 10,
        retries: 2,
        backoff_ms: 10,
        max_bytes: 64 << 20,
    }
}

fn source(server: &Server, id: &str, path: &str, file: &str) -> Source {
    Source {
        id: id.into(),
        url: server.url(path),
        file: file.into(),
        limits: limits(),
    }
}

/// The bundled OFAC Consolidated main file (442 entities).
fn cons_prim() -> Vec<u8> {
    std::fs::read(repo().join("data/lists/ofac-cons/2025-12-19/cons_prim.csv")).unwrap()
}

/// The bundled BIS Denied Persons List (545 entities).
fn dpl() -> Vec<u8> {
    std::fs::read(repo().join("data/lists/us-bis-dpl/2023-11-30/dpl.txt")).unwrap()
}

/// The first `n` records of an OFAC CSV file, with its end marker: a
/// well-formed, shorter list.
fn first_rows(csv: &[u8], n: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(csv);
    let mut out: String = text.split_inclusive("\r\n").take(n).collect();
    out.push('\u{1a}');
    out.into_bytes()
}

#[test]
fn a_first_fetch_saves_the_list_and_its_validators() {
    let server = Server::start();
    server.script("/cons.csv", vec![Reply::ok(cons_prim()).with_etag("v1")]);
    let into = tmp("first");
    let s = fetch_all(
        &[source(&server, "ofac-cons", "/cons.csv", "cons_prim.csv")],
        &into,
    )
    .unwrap();
    assert!(!s.failed(), "{}", s.render());
    assert_eq!(s.reports[0].status, Status::Updated);
    assert_eq!(
        std::fs::read(into.join("ofac-cons/cons_prim.csv")).unwrap(),
        cons_prim()
    );
    let state = std::fs::read_to_string(into.join(STATE_FILE)).unwrap();
    assert!(state.contains("\"etag\": \"\\\"v1\\\"\""), "{state}");
    // The lists folder reads as the list and nothing else.
    let found = embargo::source::read_paths(&[&into]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(found.lists.len(), 1);
    assert_eq!(found.lists[0].entities.len(), 442);
    // No staging left behind.
    let parent = into.parent().unwrap();
    let leftovers = std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with(&format!(".{}", into.file_name().unwrap().to_string_lossy()))
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn an_unchanged_list_costs_one_conditional_request_answered_304() {
    let server = Server::start();
    server.script("/dpl.txt", vec![Reply::ok(dpl()).with_etag("abc")]);
    let into = tmp("304");
    let src = [source(&server, "us-bis-dpl", "/dpl.txt", "dpl.txt")];
    assert_eq!(
        fetch_all(&src, &into).unwrap().reports[0].status,
        Status::Updated
    );
    let s = fetch_all(&src, &into).unwrap();
    assert_eq!(s.reports[0].status, Status::NotModified, "{}", s.render());
    assert!(!s.failed());
    assert_eq!(server.conditional_requests(), 1);
    assert_eq!(
        std::fs::read(into.join("us-bis-dpl/dpl.txt")).unwrap(),
        dpl()
    );
}

#[test]
fn a_new_version_replaces_the_old_one() {
    let server = Server::start();
    let old = first_rows(&cons_prim(), 430);
    server.script(
        "/cons.csv",
        vec![
            Reply::ok(old).with_etag("v1"),
            Reply::ok(cons_prim()).with_etag("v2"),
        ],
    );
    let into = tmp("newer");
    let src = [source(&server, "ofac-cons", "/cons.csv", "cons_prim.csv")];
    fetch_all(&src, &into).unwrap();
    let s = fetch_all(&src, &into).unwrap();
    assert_eq!(s.reports[0].status, Status::Updated);
    assert!(s.reports[0].detail.contains("+12 -0"), "{}", s.render());
    assert_eq!(
        std::fs::read(into.join("ofac-cons/cons_prim.csv")).unwrap(),
        cons_prim()
    );
}

/// Fetches `good` first, then `bad`; asserts the second is refused and the
/// first is kept byte for byte.
fn assert_refused_and_kept(good: Vec<u8>, bad: Reply, file: &str, id: &str, why: &str) {
    let server = Server::start();
    server.script("/l", vec![Reply::ok(good.clone()), bad]);
    let into = tmp(&format!("refuse-{why}-{file}").replace(' ', "_"));
    let src = [source(&server, id, "/l", file)];
    assert_eq!(
        fetch_all(&src, &into).unwrap().reports[0].status,
        Status::Updated
    );
    let s = fetch_all(&src, &into).unwrap();
    let r = &s.reports[0];
    assert!(s.failed());
    assert!(
        matches!(r.status, Status::Refused | Status::Failed),
        "{}",
        s.render()
    );
    assert!(r.detail.contains(why), "expected {why:?} in: {}", r.detail);
    assert!(
        r.detail.contains("previous version is kept"),
        "{}",
        r.detail
    );
    assert_eq!(std::fs::read(into.join(id).join(file)).unwrap(), good);
}

#[test]
fn an_empty_download_is_refused() {
    assert_refused_and_kept(
        dpl(),
        Reply::ok(Vec::new()),
        "dpl.txt",
        "us-bis-dpl",
        "empty (0 bytes)",
    );
}

#[test]
fn a_truncated_file_is_refused() {
    let full = cons_prim();
    let cut = full.len() / 2 + 7;
    assert_refused_and_kept(
        full.clone(),
        Reply::ok(full[..cut].to_vec()),
        "cons_prim.csv",
        "ofac-cons",
        "truncated",
    );
}

#[test]
fn a_body_cut_off_before_its_content_length_is_retried_then_refused() {
    let full = cons_prim();
    let n = full.len() / 3;
    assert_refused_and_kept(
        full.clone(),
        Reply::ok(full).cut(n),
        "cons_prim.csv",
        "ofac-cons",
        "after 3 attempts",
    );
}

#[test]
fn an_unreadable_download_is_refused() {
    assert_refused_and_kept(
        dpl(),
        Reply::ok(b"<html><body>Service unavailable</body></html>".to_vec()),
        "dpl.txt",
        "us-bis-dpl",
        "not a readable list",
    );
}

#[test]
fn a_mass_delisting_is_refused() {
    // 300 of 442 entities: a third of the list would vanish.
    assert_refused_and_kept(
        cons_prim(),
        Reply::ok(first_rows(&cons_prim(), 300)),
        "cons_prim.csv",
        "ofac-cons",
        "would delist 142 of 442",
    );
}

#[test]
fn a_delisting_within_the_allowed_share_is_accepted() {
    let server = Server::start();
    server.script(
        "/l",
        vec![
            Reply::ok(cons_prim()),
            Reply::ok(first_rows(&cons_prim(), 420)),
        ],
    );
    let into = tmp("small-delisting");
    let src = [source(&server, "ofac-cons", "/l", "cons_prim.csv")];
    fetch_all(&src, &into).unwrap();
    let s = fetch_all(&src, &into).unwrap();
    assert_eq!(s.reports[0].status, Status::Updated, "{}", s.render());
    assert!(s.reports[0].detail.contains("+0 -22"), "{}", s.render());
}

#[test]
fn another_list_at_the_same_source_is_refused() {
    assert_refused_and_kept(
        cons_prim(),
        Reply::ok(dpl()),
        "cons_prim.csv",
        "ofac-cons",
        "is list us-bis-dpl",
    );
}

#[test]
fn one_failing_source_does_not_block_another() {
    let server = Server::start();
    server.script("/down", vec![Reply::status(500)]);
    server.script("/dpl.txt", vec![Reply::ok(dpl())]);
    let into = tmp("isolation");
    let s = fetch_all(
        &[
            source(&server, "ofac-cons", "/down", "cons_prim.csv"),
            source(&server, "us-bis-dpl", "/dpl.txt", "dpl.txt"),
        ],
        &into,
    )
    .unwrap();
    assert!(s.failed());
    assert_eq!(s.reports[0].status, Status::Failed);
    assert!(s.reports[0].detail.contains("HTTP 500"), "{}", s.render());
    assert_eq!(s.reports[1].status, Status::Updated);
    assert_eq!(
        std::fs::read(into.join("us-bis-dpl/dpl.txt")).unwrap(),
        dpl()
    );
    assert!(!into.join("ofac-cons").exists());
}

#[test]
fn server_errors_are_retried_with_backoff() {
    let server = Server::start();
    server.script(
        "/dpl.txt",
        vec![Reply::status(503), Reply::status(503), Reply::ok(dpl())],
    );
    let into = tmp("retry");
    let s = fetch_all(
        &[source(&server, "us-bis-dpl", "/dpl.txt", "dpl.txt")],
        &into,
    )
    .unwrap();
    assert_eq!(s.reports[0].status, Status::Updated, "{}", s.render());
    assert_eq!(s.reports[0].attempts, 3);
    assert_eq!(server.hits("/dpl.txt"), 3);
}

#[test]
fn a_client_error_is_not_retried() {
    let server = Server::start();
    server.script("/gone", vec![Reply::status(404)]);
    let into = tmp("404");
    let s = fetch_all(&[source(&server, "x", "/gone", "x.csv")], &into).unwrap();
    assert_eq!(s.reports[0].status, Status::Failed);
    assert_eq!(server.hits("/gone"), 1);
}

#[test]
fn a_server_that_is_down_is_retried_then_reported() {
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let into = tmp("down");
    let src = Source {
        id: "un-sc".into(),
        url: format!("http://127.0.0.1:{port}/consolidated.xml"),
        file: "consolidated.xml".into(),
        limits: limits(),
    };
    let t = std::time::Instant::now();
    let s = fetch_all(&[src], &into).unwrap();
    assert_eq!(s.reports[0].status, Status::Failed);
    assert!(
        s.reports[0].detail.contains("after 3 attempts"),
        "{}",
        s.render()
    );
    // Backoff 10 ms then 20 ms.
    assert!(t.elapsed() >= std::time::Duration::from_millis(30));
}

#[test]
fn embargo_fetch_exits_1_when_a_source_fails_and_0_when_all_succeed() {
    let server = Server::start();
    server.script("/dpl.txt", vec![Reply::ok(dpl())]);
    server.script("/empty", vec![Reply::ok(Vec::new())]);
    let dir = tmp("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, body: &str| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    let good = write(
        "good.toml",
        &format!(
            "retries = 0\n[[source]]\nid = \"us-bis-dpl\"\nurl = \"{}\"\nfile = \"dpl.txt\"\n",
            server.url("/dpl.txt")
        ),
    );
    let bad = write(
        "bad.toml",
        &format!(
            "retries = 0\n[[source]]\nid = \"ofac-sdn\"\nurl = \"{}\"\nfile = \"sdn.csv\"\n",
            server.url("/empty")
        ),
    );
    let run = |sources: &Path| {
        Command::new(env!("CARGO_BIN_EXE_embargo"))
            .args(["fetch", "--sources"])
            .arg(sources)
            .arg("--into")
            .arg(dir.join("lists"))
            .output()
            .unwrap()
    };
    let out = run(&good);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("us-bis-dpl   updated"));
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("REFUSED"));
    let out = run(&write("broken.toml", "[[source]]\nid = 3\n"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_bundled_sources_parse() {
    let s = parse_sources(embargo::fetch::sources::DEFAULT_SOURCES, Path::new("x")).unwrap();
    assert_eq!(s.len(), 6);
}

// On the real lists beside the repository (skipped with a note when absent).

#[test]
fn the_real_zero_byte_sdn_update_is_refused_and_the_previous_sdn_kept() {
    let Some(lists) = embargo::source::shared_lists_dir() else {
        return;
    };
    let sdn = std::fs::read(lists.join("ofac-sdn/2024-05-03/sdn.csv")).unwrap();
    // 2024-05-04T01:36Z: the publisher's sdn.csv came back as 0 bytes.
    assert_refused_and_kept(
        sdn,
        Reply::ok(Vec::new()),
        "sdn.csv",
        "ofac-sdn",
        "empty (0 bytes)",
    );
}

#[test]
fn real_truncated_lists_are_refused() {
    let Some(lists) = embargo::source::shared_lists_dir() else {
        return;
    };
    for (rel, id, file) in [
        ("ofac-sdn/2024-05-03/sdn.csv", "ofac-sdn", "sdn.csv"),
        (
            "un-sc/2025-11-20/un_consolidated.xml",
            "un-sc",
            "consolidated.xml",
        ),
    ] {
        let full = std::fs::read(lists.join(rel)).unwrap();
        for cut in [full.len() / 2, full.len() * 19 / 20] {
            let server = Server::start();
            server.script(
                "/l",
                vec![Reply::ok(full.clone()), Reply::ok(full[..cut].to_vec())],
            );
            let into = tmp(&format!("real-trunc-{id}-{cut}"));
            let src = [source(&server, id, "/l", file)];
            assert_eq!(
                fetch_all(&src, &into).unwrap().reports[0].status,
                Status::Updated
            );
            let s = fetch_all(&src, &into).unwrap();
            assert_eq!(
                s.reports[0].status,
                Status::Refused,
                "{rel}@{cut}: {}",
                s.render()
            );
            assert_eq!(std::fs::read(into.join(id).join(file)).unwrap(), full);
        }
    }
}

#[test]
fn the_real_zimbabwe_delisting_passes_and_a_halved_sdn_does_not() {
    let Some(lists) = embargo::source::shared_lists_dir() else {
        return;
    };
    let before = std::fs::read(lists.join("ofac-sdn/2024-02-28/sdn.csv")).unwrap();
    let after = std::fs::read(lists.join("ofac-sdn/2024-03-04/sdn.csv")).unwrap();
    let server = Server::start();
    server.script(
        "/sdn.csv",
        vec![Reply::ok(before.clone()), Reply::ok(after.clone())],
    );
    let into = tmp("zimbabwe");
    let src = [source(&server, "ofac-sdn", "/sdn.csv", "sdn.csv")];
    fetch_all(&src, &into).unwrap();
    let s = fetch_all(&src, &into).unwrap();
    // 86 of 14,510 delisted (0.6 %): a real update.
    assert_eq!(s.reports[0].status, Status::Updated, "{}", s.render());
    assert!(s.reports[0].detail.contains("+2 -86"), "{}", s.render());
    let halved = first_rows(&after, 7000);
    server.script("/sdn.csv", vec![Reply::ok(halved)]);
    let s = fetch_all(&src, &into).unwrap();
    assert_eq!(s.reports[0].status, Status::Refused, "{}", s.render());
    assert_eq!(std::fs::read(into.join("ofac-sdn/sdn.csv")).unwrap(), after);
}
