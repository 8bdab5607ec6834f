//! The HTTP service end to end over loopback: answers match
//! `docs/openapi.json` (every documented path, method and status is
//! exercised and every answer validates against its schema), hostile
//! requests get 4xx/413/503 and never take the server down, and live index
//! swaps (including corrupt and incompatible indexes) never fail a request.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use embargo::server::client::{Conn, Reply};
use embargo::server::swap::Source;
use embargo::server::{Config, Server};
use serde_json::{json, Value};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds an index of bundled lists once per test process.
fn build_index(lists: &str, name: &str) -> PathBuf {
    let found = embargo::source::read_paths(&[repo().join(lists)]);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let dir = std::env::temp_dir().join(format!("embargo-srv-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    embargo::index::build(&found.lists, &dir).expect("build");
    dir
}

/// Index A: the UN list. Index B: the BIS Denied Persons List.
fn index_a() -> &'static Path {
    static A: OnceLock<PathBuf> = OnceLock::new();
    A.get_or_init(|| build_index("data/lists/un-sc", "a"))
}

fn index_b() -> &'static Path {
    static B: OnceLock<PathBuf> = OnceLock::new();
    B.get_or_init(|| build_index("data/lists/us-bis-dpl", "b"))
}

fn manifest_sha(dir: &Path) -> String {
    embargo::index::Index::open(dir)
        .unwrap()
        .manifest_sha256()
        .to_string()
}

fn config(index: &Path) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        source: Source::Dir(index.to_path_buf()),
        workers: 2,
        queue: 64,
        io_threads: 2,
        timeout: Duration::from_secs(60),
        ..Config::default()
    }
}

/// This machine's address on its default route, if it has one that is not
/// loopback (a UDP "connect" sends nothing; it only picks the interface).
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn the_service_listens_on_loopback_unless_told_otherwise() {
    let d = Config::default();
    assert!(d.listen.ip().is_loopback(), "{}", d.listen);
    assert_eq!(d.listen.to_string(), embargo::server::DEFAULT_LISTEN);
    assert_eq!(embargo::server::DEFAULT_LISTEN, "127.0.0.1:8080");
}

fn start(cfg: Config) -> Server {
    Server::start(cfg).expect("start the server")
}

fn call(s: &Server, method: &str, path: &str, body: &[u8]) -> Reply {
    Conn::connect(s.addr(), Duration::from_secs(60))
        .and_then(|mut c| c.request(method, path, body))
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

fn screen(s: &Server, body: &Value) -> Reply {
    call(s, "POST", "/v1/screen", body.to_string().as_bytes())
}

#[test]
fn one_party_is_answered_with_hits_and_the_index_hash() {
    let s = start(config(index_a()));
    let r = screen(
        &s,
        &json!({"id": "p-1", "name": "Eric Badege", "type": "person", "max_hits": 2}),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    assert_eq!(v["id"], "p-1");
    assert_eq!(v["name"], "Eric Badege");
    assert_eq!(v["hits"][0]["entity_id"], "un-sc:CDi.001");
    assert_eq!(v["manifest_sha256"], manifest_sha(index_a()));
    assert!(v["hits"].as_array().unwrap().len() <= 2);
}

#[test]
fn a_batch_is_answered_in_order_with_one_hash() {
    let s = start(config(index_a()));
    let r = screen(
        &s,
        &json!({"queries": [
            {"id": 1, "name": "Eric Badege"},
            {"id": 2, "name": "Jane Innocent-Customer"},
            {"id": 3, "name": "ERIC BADEGE", "threshold": 0.99}
        ]}),
    );
    assert_eq!(r.status, 200);
    let v = r.json();
    let results = v["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert_eq!(results[0]["hits"][0]["entity_id"], "un-sc:CDi.001");
    assert_eq!(results[1]["hits"], json!([]));
    assert_eq!(v["manifest_sha256"], manifest_sha(index_a()));
    assert!(results[0].get("manifest_sha256").is_none());
}

// ---------------------------------------------------------------------
// The OpenAPI description, checked against the server.

struct Spec(Value);

impl Spec {
    fn load() -> Spec {
        let text = std::fs::read_to_string(repo().join("docs/openapi.json")).unwrap();
        Spec(serde_json::from_str(&text).expect("docs/openapi.json is JSON"))
    }

    fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        let mut v = v;
        while let Some(r) = v.get("$ref").and_then(Value::as_str) {
            let ptr = r.trim_start_matches('#');
            v = self
                .0
                .pointer(ptr)
                .unwrap_or_else(|| panic!("dangling $ref {r}"));
        }
        v
    }

    /// Every (path, method, status) the spec documents ("default" aside).
    fn operations(&self) -> BTreeSet<(String, String, String)> {
        let mut out = BTreeSet::new();
        for (path, ops) in self.0["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                for status in op["responses"].as_object().unwrap().keys() {
                    if status != "default" {
                        out.insert((path.clone(), method.clone(), status.clone()));
                    }
                }
            }
        }
        out
    }

    /// Checks an answer against the documented response of its status.
    fn check(&self, path: &str, method: &str, r: &Reply) -> Result<(), String> {
        let op = &self.0["paths"][path][method];
        let resp = op["responses"]
            .get(r.status.to_string())
            .or_else(|| op["responses"].get("default").filter(|_| r.status >= 500))
            .ok_or_else(|| format!("{method} {path}: status {} is not documented", r.status))?;
        let resp = self.resolve(resp);
        let content = resp["content"].as_object().cloned().unwrap_or_default();
        let ctype = r.header("content-type").unwrap_or("");
        let (media, body) = content
            .iter()
            .find(|(m, _)| ctype.starts_with(m.as_str()))
            .ok_or_else(|| {
                format!(
                    "{method} {path} {}: content type {ctype:?} not documented",
                    r.status
                )
            })?;
        if let Some(h) = resp["headers"].as_object() {
            for name in h.keys() {
                if r.header(name).is_none() {
                    return Err(format!(
                        "{method} {path} {}: header {name} missing",
                        r.status
                    ));
                }
            }
        }
        if media == "application/json" {
            let v: Value = serde_json::from_slice(&r.body)
                .map_err(|e| format!("{method} {path} {}: not JSON: {e}", r.status))?;
            self.validate(&body["schema"], &v, "$")
        } else {
            Ok(())
        }
    }

    /// A small JSON Schema checker: $ref, oneOf, type, enum, required,
    /// properties, additionalProperties: false, items.
    fn validate(&self, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
        let s = self.resolve(schema);
        if let Some(alts) = s.get("oneOf").and_then(Value::as_array) {
            let errs: Vec<String> = alts
                .iter()
                .filter_map(|a| self.validate(a, v, at).err())
                .collect();
            return if errs.len() < alts.len() {
                Ok(())
            } else {
                Err(format!("{at}: matches no alternative: {errs:?}"))
            };
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                Value::String(t) => vec![t.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            let ok = types.iter().any(|t| match *t {
                "object" => v.is_object(),
                "array" => v.is_array(),
                "string" => v.is_string(),
                "number" => v.is_number(),
                "integer" => v.is_i64() || v.is_u64(),
                "boolean" => v.is_boolean(),
                "null" => v.is_null(),
                _ => false,
            });
            if !ok {
                return Err(format!("{at}: {v} is not of type {types:?}"));
            }
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            if !e.contains(v) {
                return Err(format!("{at}: {v} is not one of {e:?}"));
            }
        }
        if let Some(obj) = v.as_object() {
            for r in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let r = r.as_str().unwrap_or("");
                if !obj.contains_key(r) {
                    return Err(format!("{at}: required field {r} missing"));
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, x) in obj {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => self.validate(ps, x, &format!("{at}.{k}"))?,
                    None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        return Err(format!("{at}: field {k} is not documented"))
                    }
                    None => {}
                }
            }
        }
        if let (Some(items), Some(a)) = (s.get("items"), v.as_array()) {
            for (i, x) in a.iter().enumerate() {
                self.validate(items, x, &format!("{at}[{i}]"))?;
            }
        }
        Ok(())
    }
}

#[test]
fn the_spec_checker_catches_a_missing_field() {
    let spec = Spec::load();
    let schema = json!({"$ref": "#/components/schemas/Record"});
    assert!(spec
        .validate(
            &schema,
            &json!({"name": "x", "hits": [], "manifest_sha256": "ab"}),
            "$"
        )
        .is_ok());
    assert!(spec
        .validate(&schema, &json!({"name": "x", "hits": []}), "$")
        .is_err());
    assert!(spec
        .validate(
            &schema,
            &json!({"name": "x", "hits": [{"score": 1}], "manifest_sha256": "ab"}),
            "$"
        )
        .is_err());
}

#[test]
fn every_documented_route_and_status_answers_as_documented() {
    let spec = Spec::load();
    let seen = Mutex::new(BTreeSet::new());
    let record = |path: &str, method: &str, r: &Reply| {
        if let Err(e) = spec.check(path, method, r) {
            panic!("{e}\nbody: {}", String::from_utf8_lossy(&r.body));
        }
        seen.lock().unwrap().insert((
            path.to_string(),
            method.to_lowercase(),
            r.status.to_string(),
        ));
    };
    let s = start(config(index_a()));
    let post = |path: &str, body: &[u8]| {
        let r = call(&s, "POST", path, body);
        record(path, "post", &r);
        r
    };
    let batch = |n: usize| {
        let q: Vec<Value> = (0..n)
            .map(|i| json!({"name": format!("Eric Badege {i}")}))
            .collect();
        json!({ "queries": q }).to_string().into_bytes()
    };
    assert_eq!(
        post("/v1/screen", br#"{"name": "Eric Badege"}"#).status,
        200
    );
    assert_eq!(post("/v1/screen", &batch(3)).status, 200);
    assert_eq!(post("/v1/screen", b"{").status, 400);
    assert_eq!(post("/v1/screen", br#"{"name": ""}"#).status, 422);
    assert_eq!(post("/v1/screen", &batch(1001)).status, 413);
    for path in ["/v1/lists", "/healthz", "/metrics"] {
        let r = call(&s, "GET", path, b"");
        assert_eq!(r.status, 200, "{path}");
        record(path, "get", &r);
    }
    assert_eq!(post("/v1/admin/reload", b"").status, 200);
    assert_eq!(
        post("/v1/admin/reload", br#"{"path": "/nonexistent"}"#).status,
        422
    );
    assert_eq!(post("/v1/admin/reload", b"{").status, 400);

    // A tight server: one worker, a queue of one, a 300 ms deadline.
    let tight = start(Config {
        workers: 1,
        queue: 1,
        timeout: Duration::from_millis(300),
        ..config(index_a())
    });
    // 408: the body never arrives.
    let mut c = Conn::connect(tight.addr(), Duration::from_secs(10)).unwrap();
    c.send_raw(b"POST /v1/screen HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"na")
        .unwrap();
    let r = c.read_reply().unwrap();
    assert_eq!(r.status, 408);
    record("/v1/screen", "post", &r);
    // 504 for a batch that runs past the deadline, and 503 for requests
    // that find the worker busy and the queue full meanwhile.
    // Heavy on purpose (threshold 0 scores thousands of candidates per
    // name), so it cannot finish inside the deadline however fast the
    // matcher gets.
    let big = {
        let q: Vec<Value> = (0..1000)
            .map(|i| json!({"name": format!("Mohammed Ali Hassan {i}"), "threshold": 0.0}))
            .collect();
        json!({ "queries": q }).to_string().into_bytes()
    };
    let statuses = std::thread::scope(|sc| {
        let slow = sc.spawn(|| call(&tight, "POST", "/v1/screen", &big));
        std::thread::sleep(Duration::from_millis(50));
        let quick: Vec<_> = (0..3)
            .map(|_| sc.spawn(|| call(&tight, "POST", "/v1/screen", br#"{"name": "Eric Badege"}"#)))
            .collect();
        let mut out = vec![slow.join().unwrap()];
        out.extend(quick.into_iter().map(|h| h.join().unwrap()));
        out
    });
    assert_eq!(statuses[0].status, 504);
    assert!(
        statuses.iter().any(|r| r.status == 503),
        "{:?}",
        statuses.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in &statuses {
        record("/v1/screen", "post", r);
    }
    let metrics = String::from_utf8(call(&tight, "GET", "/metrics", b"").body).unwrap();
    let shed: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("embargo_shed_total "))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(shed >= 1, "{metrics}");

    // 403: the admin route refuses a client that is not on loopback: this
    // machine's own non-loopback address, to a server bound (deliberately)
    // to every interface. Screening answers such a client.
    let mut documented = spec.operations();
    match non_loopback_ip() {
        Some(ip) => {
            let open = start(Config {
                listen: "0.0.0.0:0".parse().unwrap(),
                ..config(index_a())
            });
            let at = std::net::SocketAddr::new(ip, open.addr().port());
            let from_outside = |method: &str, path: &str, body: &[u8]| {
                Conn::connect(at, Duration::from_secs(60))
                    .and_then(|mut c| c.request(method, path, body))
                    .unwrap_or_else(|e| panic!("{method} {path} via {at}: {e}"))
            };
            let r = from_outside("POST", "/v1/admin/reload", b"");
            assert_eq!(r.status, 403, "{}", String::from_utf8_lossy(&r.body));
            assert_eq!(r.json()["code"], "forbidden");
            record("/v1/admin/reload", "post", &r);
            let r = from_outside("POST", "/v1/screen", br#"{"name": "Eric Badege"}"#);
            assert_eq!(r.status, 200);
            // Nothing was reloaded.
            let m = String::from_utf8(call(&open, "GET", "/metrics", b"").body).unwrap();
            assert!(!m.contains("embargo_reloads_total{result=\"ok\"} 1"), "{m}");
        }
        None => {
            eprintln!("note: no non-loopback address here: the admin route's 403 is not exercised");
            documented.remove(&("/v1/admin/reload".into(), "post".into(), "403".into()));
        }
    }
    let seen = seen.into_inner().unwrap();
    assert_eq!(
        seen, documented,
        "documented vs exercised (path, method, status)"
    );
}

// ---------------------------------------------------------------------
// Hostile requests.

#[test]
fn hostile_requests_get_clear_errors_and_never_take_the_server_down() {
    let s = start(config(index_a()));
    let expect = |body: &[u8], status: u16, code: &str| {
        let r = call(&s, "POST", "/v1/screen", body);
        assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(
            r.json()["code"],
            code,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
    };
    // Deep JSON, arrays and objects.
    expect("[".repeat(100_000).as_bytes(), 400, "too_deep");
    expect("{\"a\":".repeat(50_000).as_bytes(), 400, "too_deep");
    // Invalid UTF-8, in a string and as a whole.
    expect(b"{\"name\": \"Ali \xc3\x28 Hassan\"}", 400, "invalid_utf8");
    expect(&[0xff, 0xfe, 0x00, 0x7b], 400, "invalid_utf8");
    // Not JSON, empty, not an object, out-of-range numbers.
    expect(b"", 400, "invalid_json");
    expect(b"name=Putin", 400, "invalid_json");
    expect(
        b"{\"name\": \"x\", \"threshold\": 1e400}",
        400,
        "invalid_json",
    );
    for body in ["[]", "null", "\"Putin\"", "12"] {
        expect(body.as_bytes(), 422, "invalid_body");
    }
    // Bad fields.
    expect(br#"{"name": "a\u0000b"}"#, 422, "invalid_field");
    expect(
        format!(r#"{{"name": "{}"}}"#, "x".repeat(10_000)).as_bytes(),
        422,
        "invalid_field",
    );
    expect(br#"{"name": "x", "ids": [1, 2]}"#, 422, "invalid_field");
    expect(br#"{"name": ["x"]}"#, 422, "invalid_field");
    // A 10k-name batch: over the batch limit (its body is under 1 MiB)...
    let q: Vec<Value> = (0..10_000)
        .map(|i| json!({"name": format!("n{i}")}))
        .collect();
    let body = json!({ "queries": q }).to_string();
    assert!(body.len() < 1 << 20);
    expect(body.as_bytes(), 413, "batch_too_large");
    // ...and with longer names, over the body limit.
    let q: Vec<Value> = (0..10_000)
        .map(|i| json!({"name": format!("{i} {}", "x".repeat(120))}))
        .collect();
    expect(
        json!({ "queries": q }).to_string().as_bytes(),
        413,
        "body_too_large",
    );
    // A huge declared body is refused before it is read.
    let mut c = Conn::connect(s.addr(), Duration::from_secs(10)).unwrap();
    c.send_raw(b"POST /v1/screen HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n")
        .unwrap();
    assert_eq!(c.read_reply().unwrap().status, 413);
    // A huge chunked body (no length) is cut off at the limit.
    let mut c = Conn::connect(s.addr(), Duration::from_secs(10)).unwrap();
    c.send_raw(b"POST /v1/screen HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = format!("10000\r\n{}\r\n", "a".repeat(0x10000));
    for _ in 0..40 {
        if c.send_raw(chunk.as_bytes()).is_err() {
            break; // the server answered and closed: fine
        }
    }
    assert_eq!(c.read_reply().unwrap().status, 413);
    // Garbage that is not HTTP: the connection is refused or closed.
    let mut c = Conn::connect(s.addr(), Duration::from_secs(10)).unwrap();
    let _ = c.send_raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n");
    if let Ok(r) = c.read_reply() {
        assert!((400..500).contains(&r.status));
    }
    // Wrong method, unknown route.
    assert_eq!(call(&s, "GET", "/v1/screen", b"").status, 405);
    assert_eq!(call(&s, "DELETE", "/healthz", b"").status, 405);
    assert_eq!(call(&s, "GET", "/v2/everything", b"").status, 404);
    // Still serving, and counting what it refused.
    let r = screen(&s, &json!({"name": "Eric Badege"}));
    assert_eq!(r.status, 200);
    let m = String::from_utf8(call(&s, "GET", "/metrics", b"").body).unwrap();
    assert!(
        m.contains("embargo_requests_total{route=\"/v1/screen\",status=\"413\"}"),
        "{m}"
    );
}

// ---------------------------------------------------------------------
// Live swaps.

/// A copy of `src` whose manifest is edited by `edit` and one of whose
/// data files has a byte flipped when `flip` is set.
fn tampered_copy(src: &Path, name: &str, edit: impl Fn(&mut Value), flip: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("embargo-srv-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(src).unwrap().flatten() {
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let mpath = dir.join("manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
    edit(&mut m);
    std::fs::write(&mpath, serde_json::to_vec(&m).unwrap()).unwrap();
    if flip {
        let f = dir.join("records.bin");
        let mut b = std::fs::read(&f).unwrap();
        let mid = b.len() / 2;
        b[mid] ^= 0x55;
        std::fs::write(&f, b).unwrap();
    }
    dir
}

#[cfg(unix)]
#[test]
fn live_swaps_fail_no_request_and_refuse_bad_indexes() {
    let (a, b) = (index_a().to_path_buf(), index_b().to_path_buf());
    let (sha_a, sha_b) = (manifest_sha(&a), manifest_sha(&b));
    let corrupt = tampered_copy(
        &b,
        "corrupt",
        |m| m["created"] = json!("1999-01-01T00:00:00Z"),
        true,
    );
    let incompatible = tampered_copy(
        &a,
        "incompatible",
        |m| m["format_version"] = json!(999),
        false,
    );
    // Serve through a symlink, as a deployment would (`current` -> a build).
    let link = std::env::temp_dir().join(format!("embargo-srv-current-{}", std::process::id()));
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&a, &link).unwrap();
    let s = start(config(&link));
    let first = Arc::downgrade(&s.state().live.current());

    let stop = AtomicBool::new(false);
    let answers: Mutex<Vec<(u16, String)>> = Mutex::new(Vec::new());
    let admin = |body: Value| call(&s, "POST", "/v1/admin/reload", body.to_string().as_bytes());
    std::thread::scope(|sc| {
        for t in 0..3 {
            let (stop, answers, addr) = (&stop, &answers, s.addr());
            sc.spawn(move || {
                let mut c = Conn::connect(addr, Duration::from_secs(60)).unwrap();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let name = ["Eric Badege", "Jane Doe", "Acme Trading Ltd"][(i + t) % 3];
                    let body = json!({"name": name}).to_string();
                    let r = c.request("POST", "/v1/screen", body.as_bytes()).unwrap();
                    let sha = r.json()["manifest_sha256"]
                        .as_str()
                        .unwrap_or("")
                        .to_string();
                    answers.lock().unwrap().push((r.status, sha));
                    i += 1;
                }
            });
        }
        std::thread::sleep(Duration::from_millis(200));
        let r = admin(json!({"path": b}));
        assert_eq!(
            (r.status, r.json()["current"].as_str()),
            (200, Some(sha_b.as_str()))
        );
        let r = admin(json!({"path": corrupt}));
        assert_eq!(r.status, 422);
        assert!(
            r.json()["error"].as_str().unwrap().contains("records.bin"),
            "{}",
            r.json()
        );
        let r = admin(json!({"path": incompatible}));
        assert_eq!(r.status, 422);
        assert!(
            r.json()["error"]
                .as_str()
                .unwrap()
                .contains("format version"),
            "{}",
            r.json()
        );
        std::thread::sleep(Duration::from_millis(100));
        // Still B after the refusals.
        assert_eq!(
            screen(&s, &json!({"name": "x"})).json()["manifest_sha256"],
            sha_b
        );
        // Back to A by the configured symlink (no path), then to B by re-pointing it.
        let r = admin(json!({}));
        assert_eq!(
            (r.status, r.json()["current"].as_str()),
            (200, Some(sha_a.as_str()))
        );
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(&b, &link).unwrap();
        let r = call(&s, "POST", "/v1/admin/reload", b"");
        assert_eq!(
            (r.status, r.json()["current"].as_str()),
            (200, Some(sha_b.as_str()))
        );
        std::thread::sleep(Duration::from_millis(200));
        stop.store(true, Ordering::Relaxed);
    });
    let answers = answers.into_inner().unwrap();
    assert!(answers.len() > 5, "too few requests ran: {}", answers.len());
    for (status, sha) in &answers {
        assert_eq!(*status, 200);
        assert!(
            sha == &sha_a || sha == &sha_b,
            "answered by an index never live: {sha}"
        );
    }
    assert_eq!(answers.last().unwrap().1, sha_b);
    // The first index is released once no request uses it (workers let go
    // of an idle searcher within half a second).
    let released = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        first.upgrade().is_none()
    });
    assert!(released, "the swapped-out index is still held after 10 s");
    let m = String::from_utf8(call(&s, "GET", "/metrics", b"").body).unwrap();
    assert!(
        m.contains("embargo_reloads_total{result=\"refused\"} 2"),
        "{m}"
    );
    assert!(m.contains(&format!("manifest_sha256=\"{sha_b}\"")));
    let _ = std::fs::remove_file(&link);
    let _ = std::fs::remove_dir_all(&corrupt);
    let _ = std::fs::remove_dir_all(&incompatible);
}

#[test]
fn lists_describe_the_serving_index() {
    let s = start(config(index_a()));
    let v = call(&s, "GET", "/v1/lists", b"").json();
    assert_eq!(v["manifest_sha256"], manifest_sha(index_a()));
    let l = &v["lists"][0];
    assert_eq!(l["list_id"], "un-sc");
    assert_eq!(l["sha256"].as_str().unwrap().len(), 64);
    let h = call(&s, "GET", "/healthz", b"").json();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["manifest_sha256"], v["manifest_sha256"]);
}

#[test]
fn connections_past_the_limit_wait_instead_of_piling_up() {
    let s = start(Config {
        max_connections: 2,
        ..config(index_a())
    });
    let mut held: Vec<Conn> = (0..2)
        .map(|_| {
            let mut c = Conn::connect(s.addr(), Duration::from_secs(10)).unwrap();
            assert_eq!(c.request("GET", "/healthz", b"").unwrap().status, 200);
            c
        })
        .collect();
    // A third connection is not served while both are held...
    let mut third = Conn::connect(s.addr(), Duration::from_millis(300)).unwrap();
    assert!(third.request("GET", "/healthz", b"").is_err());
    // ...and new ones are once connections close.
    drop(held.pop());
    drop(third);
    let mut fourth = Conn::connect(s.addr(), Duration::from_secs(10)).unwrap();
    assert_eq!(fourth.request("GET", "/healthz", b"").unwrap().status, 200);
}

#[cfg(unix)]
#[test]
fn the_serve_command_reloads_on_sighup_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let (a, b) = (index_a().to_path_buf(), index_b().to_path_buf());
    let link = std::env::temp_dir().join(format!("embargo-srv-hup-{}", std::process::id()));
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&a, &link).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_embargo"))
        .args(["serve", "--listen", "127.0.0.1:0", "--index"])
        .arg(&link)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start embargo serve");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    // "embargo serve: listening on http://127.0.0.1:PORT — ..."
    let addr: std::net::SocketAddr = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    let sha = |addr| {
        Conn::connect(addr, Duration::from_secs(30))
            .and_then(|mut c| c.request("POST", "/v1/screen", br#"{"name": "x"}"#))
            .unwrap()
            .json()["manifest_sha256"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(sha(addr), manifest_sha(&a));
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&b, &link).unwrap();
    let kill = |sig: &str| {
        assert!(Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .unwrap()
            .success())
    };
    kill("-HUP");
    let line = lines.next().unwrap().unwrap();
    assert!(
        line.contains("SIGHUP") && line.contains(&manifest_sha(&b)),
        "{line}"
    );
    assert_eq!(sha(addr), manifest_sha(&b));
    kill("-TERM");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_file(&link);
}

#[test]
fn idle_connections_are_closed_after_the_idle_timeout() {
    let s = start(Config {
        idle_timeout: Duration::from_millis(200),
        ..config(index_a())
    });
    let mut c = Conn::connect(s.addr(), Duration::from_secs(10)).unwrap();
    assert_eq!(c.request("GET", "/healthz", b"").unwrap().status, 200);
    std::thread::sleep(Duration::from_millis(1500));
    // The server has hung up: the next request on this connection fails.
    assert!(c.request("GET", "/healthz", b"").is_err());
    // A trickling client is cut off too.
    let mut t = Conn::connect(s.addr(), Duration::from_secs(10)).unwrap();
    t.send_raw(b"GET /healthz HTTP/1.1\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(t.send_raw(b"Host: x\r\n\r\n").is_err() || t.read_reply().is_err());
}
