//! Service metrics in the Prometheus text format (`GET /metrics`):
//! requests by route and status, a latency histogram of `/v1/screen`,
//! names screened, hits, load shed, timeouts, reloads, queue depth, and
//! the serving index as labels of an info gauge. Plain atomics (and one
//! small map under a mutex for the route × status counters): no metrics
//! crate needed for a dozen series.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::index::Index;

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The counters.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
    names: AtomicU64,
    hits: AtomicU64,
    shed: AtomicU64,
    timeouts: AtomicU64,
    reloads_ok: AtomicU64,
    reloads_refused: AtomicU64,
}

/// Gauges read at scrape time.
pub struct Gauges<'a> {
    pub index: &'a Index,
    pub queued: usize,
    pub queue_capacity: usize,
    pub busy: usize,
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, route: &'static str, status: u16) {
        let mut m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *m.entry((route, status)).or_insert(0) += 1;
    }

    /// Records the latency of one `/v1/screen` request.
    pub fn screen_latency(&self, d: Duration) {
        let s = d.as_secs_f64();
        for (b, c) in BUCKETS.iter().zip(&self.buckets) {
            if s <= *b {
                c.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    /// Counts names screened and hits returned.
    pub fn screened(&self, names: usize, hits: usize) {
        self.names.fetch_add(names as u64, Ordering::Relaxed);
        self.hits.fetch_add(hits as u64, Ordering::Relaxed);
    }

    pub fn shed(&self) {
        self.shed.fetch_add(1, Ordering::Relaxed);
    }

    pub fn timeout(&self) {
        self.timeouts.fetch_add(1, Ordering::Relaxed);
    }

    pub fn reload(&self, ok: bool) {
        if ok {
            &self.reloads_ok
        } else {
            &self.reloads_refused
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self, g: &Gauges<'_>) -> String {
        let mut o = String::with_capacity(4096);
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        o.push_str("# HELP embargo_requests_total HTTP requests answered, by route and status.\n# TYPE embargo_requests_total counter\n");
        {
            let m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
            for ((route, status), n) in m.iter() {
                let _ = writeln!(
                    o,
                    "embargo_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        o.push_str("# HELP embargo_screen_latency_seconds Time to answer POST /v1/screen, body read to response.\n# TYPE embargo_screen_latency_seconds histogram\n");
        for (b, c) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                o,
                "embargo_screen_latency_seconds_bucket{{le=\"{b}\"}} {}",
                get(c)
            );
        }
        let count = get(&self.latency_count);
        let _ = writeln!(
            o,
            "embargo_screen_latency_seconds_bucket{{le=\"+Inf\"}} {count}\nembargo_screen_latency_seconds_sum {}\nembargo_screen_latency_seconds_count {count}",
            get(&self.latency_sum_us) as f64 / 1e6
        );
        let counters = [
            (
                "embargo_names_screened_total",
                "Names screened.",
                get(&self.names),
            ),
            ("embargo_hits_total", "Hits returned.", get(&self.hits)),
            (
                "embargo_shed_total",
                "Requests refused with 503 because the screening queue was full.",
                get(&self.shed),
            ),
            (
                "embargo_timeouts_total",
                "Requests that ran past the per-request timeout.",
                get(&self.timeouts),
            ),
        ];
        for (name, help, v) in counters {
            let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}");
        }
        let _ = writeln!(
            o,
            "# HELP embargo_reloads_total Index reloads, by result.\n# TYPE embargo_reloads_total counter\nembargo_reloads_total{{result=\"ok\"}} {}\nembargo_reloads_total{{result=\"refused\"}} {}",
            get(&self.reloads_ok),
            get(&self.reloads_refused)
        );
        let gauges = [
            ("embargo_queue_depth", "Screening jobs waiting.", g.queued),
            (
                "embargo_queue_capacity",
                "Screening jobs the queue holds before shedding.",
                g.queue_capacity,
            ),
            ("embargo_busy_workers", "Screening workers at work.", g.busy),
        ];
        for (name, help, v) in gauges {
            let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        let m = g.index.manifest();
        let _ = writeln!(
            o,
            "# HELP embargo_index_info The index serving now (value 1).\n# TYPE embargo_index_info gauge\nembargo_index_info{{manifest_sha256=\"{}\",created=\"{}\",engine_version=\"{}\",format_version=\"{}\"}} 1",
            esc(g.index.manifest_sha256()),
            esc(&m.created),
            esc(&m.engine_version),
            m.format_version
        );
        let _ = writeln!(
            o,
            "# HELP embargo_index_entities Entities in the index serving now.\n# TYPE embargo_index_entities gauge\nembargo_index_entities {}",
            g.index.entity_count()
        );
        o.push_str("# HELP embargo_list_info Lists in the index serving now (value: entities).\n# TYPE embargo_list_info gauge\n");
        for l in &m.lists {
            let _ = writeln!(
                o,
                "embargo_list_info{{list_id=\"{}\",version=\"{}\"}} {}",
                esc(&l.list_id),
                esc(l.version.as_deref().unwrap_or("")),
                l.entities
            );
        }
        o
    }
}
