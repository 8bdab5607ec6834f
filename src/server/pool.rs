//! The screening pool: a few dedicated threads that run the matcher, fed
//! through a *bounded* queue, so screening never blocks the async
//! executor and overload is refused (the caller answers 503) instead of
//! queued without bound.
//!
//! Each job carries the index snapshot (`Arc<Index>`) taken when its
//! request arrived, so the answer and its `manifest_sha256` come from one
//! index even if a swap happens meanwhile. A worker keeps one
//! searcher (with its token and name caches) across consecutive jobs on
//! the same index; when a job brings another index it takes a searcher
//! the reload warmed for it ([`Pool::prepare`], see [`super::warm`]) or
//! starts a cold one. A worker lets go of its searcher and index after a
//! short idle spell, so an index swapped out is freed (on the reaper
//! thread) once the last request using it is answered.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender, TrySendError};
use tokio::sync::oneshot;

use super::request::{render, Item, ScreenKind};
use super::warm::{OwnedSearcher, Prepared, Reaper, Recent};
use crate::index::Index;

/// How long an idle worker keeps its searcher (and so its index).
const IDLE_RELEASE: Duration = Duration::from_millis(500);

/// What a job comes back with.
#[derive(Debug)]
pub enum Outcome {
    /// The JSON answer (rendered here, off the async executor), with the
    /// number of names screened and hits found.
    Done {
        body: Vec<u8>,
        names: usize,
        hits: usize,
    },
    /// The matcher returned an error (a corrupt index region, say).
    Failed(String),
    /// The deadline passed before the job finished.
    TimedOut,
}

/// One request's screening work.
pub struct Job {
    pub index: Arc<Index>,
    pub kind: ScreenKind,
    pub items: Vec<Item>,
    pub deadline: Instant,
    pub reply: oneshot::Sender<Outcome>,
}

/// Why a job was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The queue is full: shed the request.
    Full,
    /// The pool has shut down.
    Closed,
}

/// The worker threads and their queue.
pub struct Pool {
    tx: Sender<Job>,
    queued: Arc<AtomicUsize>,
    busy: Arc<AtomicUsize>,
    capacity: usize,
    workers: usize,
    shared: Arc<Shared>,
}

/// What the workers share with the reload path (see [`super::warm`]).
struct Shared {
    recent: Recent,
    prepared: Prepared,
    reaper: Reaper,
}

impl Pool {
    /// Starts `workers` threads behind a queue of `queue` jobs.
    pub fn new(workers: usize, queue: usize) -> std::io::Result<Pool> {
        let (tx, rx) = bounded::<Job>(queue.max(1));
        let queued = Arc::new(AtomicUsize::new(0));
        let busy = Arc::new(AtomicUsize::new(0));
        let shared = Arc::new(Shared {
            recent: Recent::default(),
            prepared: Prepared::default(),
            reaper: Reaper::start()?,
        });
        for i in 0..workers.max(1) {
            let rx = rx.clone();
            let (queued, busy, shared) = (queued.clone(), busy.clone(), shared.clone());
            std::thread::Builder::new()
                .name(format!("embargo-screen-{i}"))
                .spawn(move || worker(rx, queued, busy, shared))?;
        }
        Ok(Pool {
            tx,
            queued,
            busy,
            capacity: queue.max(1),
            workers: workers.max(1),
            shared,
        })
    }

    /// Queues a job, or refuses it at once when the queue is full.
    pub fn submit(&self, job: Job) -> Result<(), Refused> {
        self.queued.fetch_add(1, Ordering::Relaxed);
        match self.tx.try_send(job) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.queued.fetch_sub(1, Ordering::Relaxed);
                Err(match e {
                    TrySendError::Full(_) => Refused::Full,
                    TrySendError::Disconnected(_) => Refused::Closed,
                })
            }
        }
    }

    /// Jobs waiting in the queue.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Jobs being screened now.
    pub fn busy(&self) -> usize {
        self.busy.load(Ordering::Relaxed)
    }

    /// The queue's capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Warms `index` before it serves: one searcher per worker, each fed
    /// the last [`super::warm::RECENT`] queries; a worker meeting `index`
    /// takes one of them. Blocking (call it from the reload thread).
    pub fn prepare(&self, index: &Arc<Index>) {
        let queries = self.shared.recent.snapshot();
        let stale = self.shared.prepared.prepare(index, self.workers, &queries);
        for s in stale {
            self.shared.reaper.searcher(s);
        }
    }

    /// Frees an index swapped out on the reaper thread, once its last
    /// request is answered.
    pub fn retire(&self, index: Arc<Index>) {
        self.shared.reaper.index(index);
    }
}

fn worker(
    rx: Receiver<Job>,
    queued: Arc<AtomicUsize>,
    busy: Arc<AtomicUsize>,
    shared: Arc<Shared>,
) {
    let mut searcher: Option<OwnedSearcher> = None;
    loop {
        // Holding a searcher (and so its index), wait only a while.
        let job = if searcher.is_some() {
            match rx.recv_timeout(IDLE_RELEASE) {
                Ok(j) => j,
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(s) = searcher.take() {
                        shared.reaper.searcher(s);
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match rx.recv() {
                Ok(j) => j,
                Err(_) => return,
            }
        };
        queued.fetch_sub(1, Ordering::Relaxed);
        if searcher
            .as_ref()
            .is_some_and(|s| !Arc::ptr_eq(s.index(), &job.index))
        {
            if let Some(old) = searcher.take() {
                shared.reaper.searcher(old);
            }
        }
        let s = searcher.get_or_insert_with(|| {
            shared
                .prepared
                .take(&job.index)
                .unwrap_or_else(|| OwnedSearcher::new(job.index.clone()))
        });
        busy.fetch_add(1, Ordering::Relaxed);
        let ok = run(s, job, &shared.recent);
        busy.fetch_sub(1, Ordering::Relaxed);
        if !ok {
            // A panic may have left the caches half-updated.
            if let Some(s) = searcher.take() {
                shared.reaper.searcher(s);
            }
        }
    }
}

/// Screens one job and sends its outcome; false if the matcher panicked.
fn run(searcher: &mut OwnedSearcher, job: Job, recent: &Recent) -> bool {
    let Job {
        index,
        kind,
        items,
        deadline,
        reply,
    } = job;
    if reply.is_closed() {
        return true; // the client gave up (timed out or went away)
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut out = Vec::with_capacity(items.len());
        for it in &items {
            if Instant::now() > deadline {
                return Outcome::TimedOut;
            }
            match searcher.screen(&it.query, &it.options) {
                Ok(h) => out.push(h),
                Err(e) => return Outcome::Failed(e.to_string()),
            }
        }
        match render(&kind, &items, &out, index.manifest_sha256()) {
            Ok(body) => Outcome::Done {
                body,
                names: items.len(),
                hits: out.iter().map(Vec::len).sum(),
            },
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }));
    match result {
        Ok(o) => {
            let _ = reply.send(o);
            // Kept (after answering) to warm the next index with.
            if let Some(first) = items.first() {
                recent.record(first);
            }
            true
        }
        Err(_) => {
            let _ = reply.send(Outcome::Failed("the matcher panicked".into()));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Options, Query};
    use crate::server::swap::tiny_index;

    fn item(name: &str) -> Item {
        Item {
            id: None,
            query: Query {
                name: name.to_string(),
                ..Query::default()
            },
            options: Options::default(),
        }
    }

    fn job(index: &Arc<Index>, names: &[&str]) -> (Job, oneshot::Receiver<Outcome>) {
        let (reply, rx) = oneshot::channel();
        let job = Job {
            index: index.clone(),
            kind: ScreenKind::One,
            items: names.iter().map(|n| item(n)).collect(),
            deadline: Instant::now() + Duration::from_secs(60),
            reply,
        };
        (job, rx)
    }

    #[test]
    fn a_job_comes_back_rendered() {
        let dir = tiny_index("pool", &["Vladimir Putin"]);
        let index = Arc::new(Index::open(&dir).unwrap());
        let pool = Pool::new(1, 4).unwrap();
        let (j, rx) = job(&index, &["Vladimir Putin"]);
        pool.submit(j).unwrap();
        match rx.blocking_recv().unwrap() {
            Outcome::Done { body, names, hits } => {
                assert_eq!((names, hits), (1, 1));
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(v["manifest_sha256"], index.manifest_sha256());
                assert_eq!(v["hits"][0]["entity_id"], "test:0");
            }
            other => panic!("{other:?}"),
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_full_queue_refuses_at_once() {
        let dir = tiny_index("pool-full", &["Vladimir Putin"]);
        let index = Arc::new(Index::open(&dir).unwrap());
        let pool = Pool::new(1, 1).unwrap();
        let many = vec!["Vladimir Putin"; 2000];
        let mut refused = 0;
        let mut receivers = Vec::new();
        for _ in 0..5 {
            let (j, rx) = job(&index, &many);
            match pool.submit(j) {
                Ok(()) => receivers.push(rx),
                Err(r) => {
                    assert_eq!(r, Refused::Full);
                    refused += 1;
                }
            }
        }
        // One job screening, one queued, the rest refused.
        assert!(refused >= 3, "{refused} refused");
        assert!(pool.queued() <= pool.capacity());
        drop(receivers); // the workers skip jobs nobody waits for
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_worker_takes_the_searcher_warmed_for_a_new_index() {
        let a = tiny_index("pool-warm-a", &["Vladimir Putin"]);
        let b = tiny_index("pool-warm-b", &["Acme Trading"]);
        let ia = Arc::new(Index::open(&a).unwrap());
        let ib = Arc::new(Index::open(&b).unwrap());
        let pool = Pool::new(1, 4).unwrap();
        let (j, rx) = job(&ia, &["Acme Trading"]);
        pool.submit(j).unwrap();
        assert!(matches!(rx.blocking_recv().unwrap(), Outcome::Done { .. }));
        // The query is kept (just after the answer) to warm the next index.
        let t = Instant::now();
        while pool.shared.recent.snapshot().is_empty() && t.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(pool.shared.recent.snapshot()[0].query.name, "Acme Trading");
        pool.prepare(&ib);
        assert_eq!(pool.shared.prepared.len(), 1);
        let (j, rx) = job(&ib, &["Acme Trading"]);
        pool.submit(j).unwrap();
        match rx.blocking_recv().unwrap() {
            Outcome::Done { hits, .. } => assert_eq!(hits, 1),
            other => panic!("{other:?}"),
        }
        assert!(pool.shared.prepared.is_empty(), "the worker took it");
        // The old index is freed (on the reaper) once nothing holds it.
        pool.retire(ia.clone());
        let weak = Arc::downgrade(&ia);
        drop(ia);
        let t = Instant::now();
        while weak.strong_count() > 0 && t.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(weak.strong_count(), 0);
        let _ = std::fs::remove_dir_all(a);
        let _ = std::fs::remove_dir_all(b);
    }

    #[test]
    fn a_past_deadline_times_out() {
        let dir = tiny_index("pool-late", &["Vladimir Putin"]);
        let index = Arc::new(Index::open(&dir).unwrap());
        let pool = Pool::new(1, 4).unwrap();
        let (mut j, rx) = job(&index, &["Vladimir Putin"]);
        j.deadline = Instant::now() - Duration::from_millis(1);
        pool.submit(j).unwrap();
        assert!(matches!(rx.blocking_recv().unwrap(), Outcome::TimedOut));
        let _ = std::fs::remove_dir_all(dir);
    }
}
