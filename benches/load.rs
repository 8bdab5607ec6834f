//! Loopback load test of `embargo serve` (harness = false):
//!
//! `cargo bench --bench load [-- --secs S] [--rates 1000,2000] [--no-swaps] [--small] [--workers N] [--quick] [--cold-swaps]`
//!
//! 1. Serves the bundled default index in-process on 127.0.0.1 (port 0).
//! 2. Saturation: 4 keep-alive connections send single-name requests back
//!    to back for S seconds → throughput and latency.
//! 3. Steady rates of 1,000 and 2,000 requests/s for S seconds each, over
//!    8 keep-alive connections on a fixed schedule; latency is measured from
//!    each request's *scheduled* time, so falling behind shows up as latency
//!    (no coordinated omission).
//! 4. During the two steady phases the index is swapped 10 times through
//!    `POST /v1/admin/reload`, between the default index and a second build
//!    (the bundled lists less Canada's), with one corrupt index among them
//!    (a copy of the second with a byte flipped and its manifest edited),
//!    which must be refused.
//!
//! Checks (exit 1 if any fails): 0 failed requests (every answer 200), the
//! corrupt index refused, and every answer stamped with the manifest hash of
//! an index that was live at some moment between its request and its answer.
//! Single-name queries: 80 % innocent names made from common given names
//! and surnames, 20 % names taken from the index (listed parties).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use embargo::index::{default_index, Index};
use embargo::server::client::Conn;
use embargo::server::swap::Source;
use embargo::server::{Config, Server};

const GIVEN: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Maria",
    "Wei",
    "Fatima",
    "Olga",
    "Hans",
    "Yuki",
    "Priya",
    "Ahmed",
    "Sofia",
];
const FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Schmidt",
    "Nguyen",
    "Kowalski",
    "Rossi",
];

/// A small deterministic generator (no rand crate needed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

fn names(idx: &Index, n: usize) -> Vec<String> {
    let mut g = Lcg(42);
    let listed = idx.name_count().max(1) as usize;
    (0..n)
        .map(|_| {
            if g.next() % 5 == 0 {
                let nid = (g.next() % listed) as u32;
                if let Ok(r) = idx.name(nid) {
                    return r.text.to_string();
                }
            }
            format!(
                "{} {}",
                GIVEN[g.next() % GIVEN.len()],
                FAMILY[g.next() % FAMILY.len()]
            )
        })
        .collect()
}

fn bodies(names: &[String]) -> Vec<Vec<u8>> {
    names
        .iter()
        .map(|n| serde_json::json!({ "name": n }).to_string().into_bytes())
        .collect()
}

/// One answer as seen by the client.
#[derive(Clone)]
struct Seen {
    sent: Instant,
    done: Instant,
    /// From the scheduled send time.
    latency: Duration,
    ok: bool,
    sha: String,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn summarize(label: &str, seen: &[Seen], wall: Duration) {
    let mut lat: Vec<Duration> = seen.iter().map(|s| s.latency).collect();
    lat.sort();
    let failed = seen.iter().filter(|s| !s.ok).count();
    println!(
        "{label:<22} {:>7} req {:>8.0} req/s  p50 {:>7.2} ms  p90 {:>7.2} ms  p99 {:>8.2} ms  max {:>8.2} ms  failed {failed}",
        seen.len(),
        seen.len() as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.50),
        percentile(&lat, 0.90),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0),
    );
}

fn sha_of(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["manifest_sha256"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Closed loop: `conns` connections, back to back, for `secs`.
fn saturate(
    addr: std::net::SocketAddr,
    bodies: &[Vec<u8>],
    conns: usize,
    secs: f64,
) -> (Vec<Seen>, Duration) {
    saturate_on(addr, "POST", "/v1/screen", bodies, conns, secs)
}

/// Closed loop on any route.
fn saturate_on(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    bodies: &[Vec<u8>],
    conns: usize,
    secs: f64,
) -> (Vec<Seen>, Duration) {
    let out = Mutex::new(Vec::new());
    let t0 = Instant::now();
    let end = t0 + Duration::from_secs_f64(secs);
    std::thread::scope(|sc| {
        for c in 0..conns {
            let out = &out;
            sc.spawn(move || {
                let mut conn = Conn::connect(addr, Duration::from_secs(30)).expect("connect");
                let mut local = Vec::new();
                let mut i = c;
                while Instant::now() < end {
                    let body = &bodies[i % bodies.len()];
                    let sent = Instant::now();
                    let r = conn.request(method, path, body);
                    let done = Instant::now();
                    let (ok, sha) = match &r {
                        Ok(r) => (r.status == 200, sha_of(&r.body)),
                        Err(_) => (false, String::new()),
                    };
                    local.push(Seen {
                        sent,
                        done,
                        latency: done - sent,
                        ok,
                        sha,
                    });
                    if r.is_err() {
                        conn = Conn::connect(addr, Duration::from_secs(30)).expect("reconnect");
                    }
                    i += conns;
                }
                out.lock().unwrap().extend(local);
            });
        }
    });
    (out.into_inner().unwrap(), t0.elapsed())
}

/// Open loop on a fixed schedule: `rate` requests/s over `conns`
/// connections for `secs`; latency from each request's scheduled time.
fn steady(
    addr: std::net::SocketAddr,
    bodies: &[Vec<u8>],
    conns: usize,
    rate: f64,
    secs: f64,
) -> (Vec<Seen>, Duration) {
    let total = (rate * secs) as usize;
    let out = Mutex::new(Vec::with_capacity(total));
    let t0 = Instant::now() + Duration::from_millis(20);
    let hard_stop = t0 + Duration::from_secs_f64(secs * 3.0 + 5.0);
    std::thread::scope(|sc| {
        for c in 0..conns {
            let out = &out;
            sc.spawn(move || {
                let mut conn = Conn::connect(addr, Duration::from_secs(30)).expect("connect");
                let mut local = Vec::new();
                let mut k = c;
                while k < total && Instant::now() < hard_stop {
                    let due = t0 + Duration::from_secs_f64(k as f64 / rate);
                    let now = Instant::now();
                    if due > now {
                        std::thread::sleep(due - now);
                    }
                    let body = &bodies[k % bodies.len()];
                    let sent = Instant::now();
                    let r = conn.request("POST", "/v1/screen", body);
                    let done = Instant::now();
                    let (ok, sha) = match &r {
                        Ok(r) => (r.status == 200, sha_of(&r.body)),
                        Err(_) => (false, String::new()),
                    };
                    local.push(Seen {
                        sent,
                        done,
                        latency: done.saturating_duration_since(due),
                        ok,
                        sha,
                    });
                    if r.is_err() {
                        conn = Conn::connect(addr, Duration::from_secs(30)).expect("reconnect");
                    }
                    k += conns;
                }
                out.lock().unwrap().extend(local);
            });
        }
    });
    (out.into_inner().unwrap(), t0.elapsed())
}

/// The server's own latency histogram (`/metrics`): (upper bound, count).
fn scrape(addr: std::net::SocketAddr) -> Vec<(f64, u64)> {
    let text = Conn::connect(addr, Duration::from_secs(10))
        .and_then(|mut c| c.request("GET", "/metrics", b""))
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .unwrap_or_default();
    text.lines()
        .filter_map(|l| l.strip_prefix("embargo_screen_latency_seconds_bucket{le=\""))
        .filter_map(|l| {
            let (le, n) = l.split_once("\"} ")?;
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().ok()?
            };
            Some((le, n.trim().parse().ok()?))
        })
        .collect()
}

/// Bucket bounds of the server-side p50 and p99 between two scrapes.
fn server_side(before: &[(f64, u64)], after: &[(f64, u64)]) -> String {
    let d: Vec<(f64, u64)> = after
        .iter()
        .zip(before.iter().map(|b| b.1).chain(std::iter::repeat(0)))
        .map(|(&(le, n), b)| (le, n.saturating_sub(b)))
        .collect();
    let total = d.last().map(|x| x.1).unwrap_or(0);
    let q = |p: f64| {
        d.iter()
            .find(|x| x.1 as f64 >= p * total as f64)
            .map(|x| x.0 * 1e3)
            .unwrap_or(f64::NAN)
    };
    format!(
        "server-side (handler) p50 <= {} ms, p99 <= {} ms",
        q(0.5),
        q(0.99)
    )
}

/// Where the slow answers were sent: while a reload ran (verifying and
/// preparing the new index), in the 0.5 s after one answered (the new
/// index's first requests), or at a quiet time.
fn by_window(seen: &[Seen], windows: &[(Instant, Instant)]) -> String {
    let after = Duration::from_millis(500);
    let mut classes: [Vec<Duration>; 3] = Default::default();
    for s in seen {
        let c = if windows.iter().any(|w| w.0 <= s.sent && s.sent <= w.1) {
            0
        } else if windows
            .iter()
            .any(|w| w.1 < s.sent && s.sent <= w.1 + after)
        {
            1
        } else {
            2
        };
        classes[c].push(s.latency);
    }
    let mut out = String::from("by window:");
    for (label, mut v) in ["reloading", "0.5 s after", "quiet"]
        .into_iter()
        .zip(classes)
    {
        v.sort();
        let slow = v.iter().filter(|d| d.as_secs_f64() > 2e-3).count();
        out.push_str(&format!(
            " {label} {} req p99 {:.2} ms ({slow} > 2 ms);",
            v.len(),
            percentile(&v, 0.99)
        ));
    }
    out
}

/// What warming saves: the first 1,000 names screened on a newly opened
/// index (its own mapping) by a cold searcher, and by one that first
/// replayed the 256 names before them (what a reload does), one thread.
fn first_queries_on_a_new_index(dir: &Path, names: &[String]) {
    use embargo::search::{Options, Query};
    use embargo::server::warm::{OwnedSearcher, RECENT};
    let opts = Options::default();
    let q = |n: &String| Query {
        name: n.clone(),
        ..Default::default()
    };
    let (recent, next) = names.split_at(RECENT.min(names.len()));
    let next = &next[..1000.min(next.len())];
    for warm in [false, true] {
        let idx = std::sync::Arc::new(Index::open(dir).expect("open B"));
        let mut s = OwnedSearcher::new(idx);
        let t = Instant::now();
        if warm {
            for n in recent {
                let _ = s.screen(&q(n), &opts);
            }
        }
        let prep = t.elapsed();
        let mut lat = Vec::with_capacity(next.len());
        for n in next {
            let t1 = Instant::now();
            let _ = s.screen(&q(n), &opts);
            lat.push(t1.elapsed());
        }
        let total: Duration = lat.iter().sum();
        let first: Vec<String> = lat[..3.min(lat.len())]
            .iter()
            .map(|d| format!("{:.2}", d.as_secs_f64() * 1e3))
            .collect();
        lat.sort();
        println!(
            "{:<22} {:>7} names  total {:>6.1} ms  p50 {:>6.3} ms  p99 {:>6.3} ms  max {:>6.2} ms  first 3: {} ms{}",
            if warm { "new index, warmed" } else { "new index, cold" },
            next.len(),
            total.as_secs_f64() * 1e3,
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            percentile(&lat, 1.0),
            first.join(" "),
            if warm {
                format!("  (replay {:.1} ms)", prep.as_secs_f64() * 1e3)
            } else {
                String::new()
            }
        );
    }
}

/// A swap as the swapper saw it: the index was stored between `lo` and `hi`.
struct Swap {
    lo: Instant,
    hi: Instant,
    sha: String,
}

fn copy_dir(src: &Path, dst: &Path) {
    let _ = std::fs::remove_dir_all(dst);
    std::fs::create_dir_all(dst).expect("mkdir");
    for e in std::fs::read_dir(src).expect("read index dir").flatten() {
        std::fs::copy(e.path(), dst.join(e.file_name())).expect("copy");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let secs: f64 = args
        .iter()
        .position(|a| a == "--secs")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let no_swaps = args.iter().any(|a| a == "--no-swaps");
    // --quick: only the steady phases (for comparing variants run by run).
    let quick = args.iter().any(|a| a == "--quick");
    let rates: Vec<f64> = args
        .iter()
        .position(|a| a == "--rates")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').filter_map(|r| r.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000.0, 2000.0]);
    let t_begin = Instant::now();
    let tmp = std::env::temp_dir().join(format!("embargo-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).expect("tmp");

    // Index A: the default; B: the bundled lists less Canada's; C: corrupt.
    // With --small (to see the service's own costs under a fast matcher):
    // A: the BIS Denied Persons and UN lists; B: the BIS list alone.
    let small = args.iter().any(|a| a == "--small");
    let lists = embargo::index::bundled_lists_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&lists)
        .expect("bundled lists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter(|p| !small || p.ends_with("us-bis-dpl"))
        .filter(|p| small || !p.ends_with("ca-sema"))
        .collect();
    paths.sort();
    let a = if small {
        let found = embargo::source::read_paths(&[lists.join("us-bis-dpl"), lists.join("un-sc")]);
        let dir = tmp.join("a");
        embargo::index::build(&found.lists, &dir).expect("build A");
        Index::open(&dir).expect("open A")
    } else {
        default_index().expect("default index")
    };
    let a_dir = a.dir().to_path_buf();
    let t = Instant::now();
    let found = embargo::source::read_paths(&paths);
    let b_dir = tmp.join("b");
    embargo::index::build(&found.lists, &b_dir).expect("build B");
    eprintln!("built index B in {:.1} s", t.elapsed().as_secs_f64());
    let c_dir = tmp.join("corrupt");
    copy_dir(&b_dir, &c_dir);
    let m = std::fs::read_to_string(c_dir.join("manifest.json")).expect("manifest");
    let mut mv: serde_json::Value = serde_json::from_str(&m).expect("manifest json");
    mv["created"] = serde_json::json!("1999-12-31T00:00:00Z");
    std::fs::write(c_dir.join("manifest.json"), mv.to_string()).expect("write");
    let rec = c_dir.join("records.bin");
    let mut bytes = std::fs::read(&rec).expect("records");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&rec, bytes).expect("write");

    let sha_a = a.manifest_sha256().to_string();
    let sha_b = Index::open(&b_dir)
        .expect("open B")
        .manifest_sha256()
        .to_string();
    let names = names(&a, 5000);
    let bodies = bodies(&names);

    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let workers: usize = args
        .iter()
        .position(|a| a == "--workers")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(cores);
    let cfg = Config {
        listen: "127.0.0.1:0".parse().expect("addr"),
        source: Source::Dir(a_dir.clone()),
        workers,
        queue: 256,
        io_threads: 1,
        timeout: Duration::from_secs(5),
        // --cold-swaps: reloads at normal priority, no warming (to compare).
        warm_swaps: !args.iter().any(|a| a == "--cold-swaps"),
        ..Config::default()
    };
    println!(
        "embargo serve load test: {cores} cores, {} screening workers, 1 I/O thread, {} s a phase, index {} ({} entities), {} swaps",
        cfg.workers,
        secs,
        &sha_a[..12],
        a.entity_count(),
        if cfg.warm_swaps { "warm" } else { "cold" }
    );
    // The matcher alone, one thread, no HTTP: what one name costs.
    if !quick {
        let mut searcher = embargo::search::Searcher::new(&a);
        let opts = embargo::search::Options::default();
        let mut lat = Vec::with_capacity(names.len());
        let t = Instant::now();
        for n in &names {
            let q = embargo::search::Query {
                name: n.clone(),
                ..Default::default()
            };
            let t1 = Instant::now();
            let _ = searcher.screen(&q, &opts);
            lat.push(t1.elapsed());
        }
        let wall = t.elapsed();
        lat.sort();
        println!(
            "{:<22} {:>7} names  mean {:>5.2} ms  p50 {:>6.2} ms  p90 {:>6.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
            "matcher alone, 1 thr",
            names.len(),
            wall.as_secs_f64() * 1e3 / names.len() as f64,
            percentile(&lat, 0.5),
            percentile(&lat, 0.9),
            percentile(&lat, 0.99),
            percentile(&lat, 1.0)
        );
    }
    if !quick {
        first_queries_on_a_new_index(&b_dir, &names);
    }
    let server = Server::start_index(cfg, a).expect("start");
    let addr = server.addr();

    // Warm-up (page in the maps, fill the caches a little).
    let _ = saturate(addr, &bodies, 2, 1.0);

    let sat = if quick {
        Vec::new()
    } else {
        let (hz, wall) = saturate_on(addr, "GET", "/healthz", &[Vec::new()], 4, secs / 2.0);
        summarize("GET /healthz, 4 conns", &hz, wall);
        let before = scrape(addr);
        let (sat, wall) = saturate(addr, &bodies, 4, secs);
        summarize("saturation, 4 conns", &sat, wall);
        println!("{:<22} {}", "", server_side(&before, &scrape(addr)));
        sat
    };

    // The swapper: 10 reloads over the two steady phases, one corrupt.
    let plan: Vec<(PathBuf, bool)> = vec![
        (b_dir.clone(), true),
        (a_dir.clone(), true),
        (b_dir.clone(), true),
        (c_dir.clone(), false),
        (a_dir.clone(), true),
        (b_dir.clone(), true),
        (a_dir.clone(), true),
        (b_dir.clone(), true),
        (a_dir.clone(), true),
        (b_dir.clone(), true),
    ];
    let plan = if no_swaps { Vec::new() } else { plan };
    let expect_good = plan.iter().filter(|p| p.1).count();
    let mut swaps = vec![Swap {
        lo: t_begin,
        hi: t_begin,
        sha: sha_a.clone(),
    }];
    let swap_errors = Mutex::new(Vec::<String>::new());
    // Every reload attempt (good or refused): from request to answer.
    let windows = Mutex::new(Vec::<(Instant, Instant)>::new());
    let done = AtomicBool::new(false);
    let mut results = Vec::new();
    std::thread::scope(|sc| {
        let swapper = sc.spawn(|| {
            let mut log = Vec::new();
            let gap = Duration::from_secs_f64(
                rates.len().max(1) as f64 * secs / (plan.len() as f64 + 1.0),
            );
            for (dir, should_pass) in &plan {
                let wake = Instant::now() + gap;
                while Instant::now() < wake && !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(10));
                }
                let body = serde_json::json!({ "path": dir }).to_string();
                let lo = Instant::now();
                let r = Conn::connect(addr, Duration::from_secs(60))
                    .and_then(|mut c| c.request("POST", "/v1/admin/reload", body.as_bytes()));
                let hi = Instant::now();
                windows.lock().unwrap().push((lo, hi));
                match r {
                    Ok(r) if r.status == 200 && *should_pass => {
                        let v: serde_json::Value =
                            serde_json::from_slice(&r.body).unwrap_or_default();
                        let sha = v["current"].as_str().unwrap_or("").to_string();
                        eprintln!(
                            "  swap to {} in {:.0} ms",
                            &sha[..12.min(sha.len())],
                            (hi - lo).as_secs_f64() * 1e3
                        );
                        log.push(Swap { lo, hi, sha });
                    }
                    Ok(r) if r.status == 422 && !*should_pass => {
                        eprintln!(
                            "  corrupt index refused in {:.0} ms",
                            (hi - lo).as_secs_f64() * 1e3
                        );
                    }
                    Ok(r) => swap_errors.lock().unwrap().push(format!(
                        "reload {} answered {}: {}",
                        dir.display(),
                        r.status,
                        String::from_utf8_lossy(&r.body)
                    )),
                    Err(e) => swap_errors.lock().unwrap().push(format!("reload: {e}")),
                }
            }
            log
        });
        for &rate in &rates {
            let before = scrape(addr);
            let (seen, wall) = steady(addr, &bodies, 8, rate, secs);
            summarize(&format!("steady {rate:.0}/s, 8 conns"), &seen, wall);
            println!("{:<22} {}", "", server_side(&before, &scrape(addr)));
            if !no_swaps {
                println!("{:<22} {}", "", by_window(&seen, &windows.lock().unwrap()));
            }
            results.extend(seen);
        }
        done.store(true, Ordering::Relaxed);
        swaps.extend(swapper.join().expect("swapper"));
    });

    // Checks.
    let mut failures: Vec<String> = swap_errors.into_inner().unwrap();
    let swapped = swaps.len() - 1;
    if swapped != expect_good {
        failures.push(format!("{swapped} good swaps, expected {expect_good}"));
    }
    let failed = results.iter().chain(&sat).filter(|s| !s.ok).count();
    if failed > 0 {
        failures.push(format!("{failed} failed requests"));
    }
    let mut unlive = 0;
    for s in &results {
        // Index i was live from (at the earliest) swaps[i].lo until (at the
        // latest) swaps[i + 1].hi.
        let ok = swaps.iter().enumerate().any(|(i, w)| {
            w.sha == s.sha && w.lo <= s.done && swaps.get(i + 1).map_or(true, |n| n.hi >= s.sent)
        });
        if !ok {
            unlive += 1;
        }
    }
    if unlive > 0 {
        failures.push(format!(
            "{unlive} answers stamped with an index that was not live"
        ));
    }
    let shas: std::collections::BTreeSet<&str> = results.iter().map(|s| s.sha.as_str()).collect();
    println!(
        "swaps: {swapped} good (of {expect_good} planned) + the corrupt one refused; answers stamped with {} distinct indexes ({}, {})",
        shas.len(),
        &sha_a[..12],
        &sha_b[..12]
    );
    let m = Conn::connect(addr, Duration::from_secs(10))
        .and_then(|mut c| c.request("GET", "/metrics", b""))
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .unwrap_or_default();
    for l in m.lines().filter(|l| {
        l.starts_with("embargo_shed_total")
            || l.starts_with("embargo_timeouts_total")
            || l.starts_with("embargo_reloads_total")
            || l.starts_with("embargo_screen_latency_seconds_count")
    }) {
        println!("  {l}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&tmp);
    if failures.is_empty() {
        println!(
            "checks: ok (0 failed requests, every answer from a live index, corrupt index refused)"
        );
    } else {
        for f in &failures {
            println!("CHECK FAILED: {f}");
        }
        std::process::exit(1);
    }
}
