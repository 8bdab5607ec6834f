//! Keeping index swaps out of the latency tail.
//!
//! A new index starts cold: every screening worker's [`Searcher`] caches
//! (token expansions, decoded list names, the candidate walk's scratch)
//! are empty, and the new files' pages are not yet mapped into the
//! process. Measured on the load bench, most answers slower than 2 ms
//! came in the half second after a swap. So a reload, before it swaps the
//! new index in:
//!
//! - replays the last [`RECENT`] queries (kept by [`Recent`]) through one
//!   fresh searcher per worker on the new index ([`Prepared`]); a worker
//!   that meets the new index takes one of these warm searchers instead of
//!   starting a cold one;
//! - runs on its own thread (verifying the new index's hashes paced, so
//!   it never holds a core for long);
//! - hands the old searchers and the old index to a reaper thread
//!   ([`Reaper`]), so freeing their caches and unmapping the old files
//!   never happens on a screening worker.
//!
//! (Lowering the reload thread's OS priority, e.g. Linux `SCHED_IDLE`,
//! needs a system call outside the standard library: not done, as the
//! crate keeps `unsafe` to the memory-mapping boundary and the C ABI, and
//! no gain from it could be told from the machine's noise.)
//!
//! [`OwnedSearcher`] is a searcher that owns (an `Arc` of) its index, so
//! it can be prepared on one thread and used on another, or kept across
//! calls (the C ABI keeps one per thread).

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::{unbounded, RecvTimeoutError, Sender};

use super::request::Item;
use crate::error::Result;
use crate::index::Index;
use crate::search::{Hit, Options, Query, Searcher};

/// How many recent queries a reload replays through each worker's new
/// searcher.
pub const RECENT: usize = 256;

/// A [`Searcher`] together with the index it searches (the searcher
/// shares the index, [`Searcher::shared`]; the `Arc` is kept beside it to
/// tell which index this is).
pub struct OwnedSearcher {
    searcher: Searcher<'static>,
    index: Arc<Index>,
}

impl OwnedSearcher {
    /// A fresh (cold) searcher over `index`.
    pub fn new(index: Arc<Index>) -> OwnedSearcher {
        OwnedSearcher {
            searcher: Searcher::shared(index.clone()),
            index,
        }
    }

    /// The index this searcher searches.
    pub fn index(&self) -> &Arc<Index> {
        &self.index
    }

    /// Screens one query (see [`Searcher::screen`]).
    pub fn screen(&mut self, q: &Query, opts: &Options) -> Result<Vec<Hit>> {
        self.searcher.screen(q, opts)
    }
}

/// The last [`RECENT`] queries screened, to warm a new index with.
#[derive(Default)]
pub struct Recent {
    ring: Mutex<VecDeque<Item>>,
}

impl Recent {
    /// Remembers a query. Never waits: when another thread is recording
    /// or a reload is reading the ring, this query is simply not kept.
    pub fn record(&self, item: &Item) {
        if let Ok(mut ring) = self.ring.try_lock() {
            if ring.len() >= RECENT {
                ring.pop_front();
            }
            ring.push_back(item.clone());
        }
    }

    /// The queries kept, oldest first.
    pub fn snapshot(&self) -> Vec<Item> {
        let ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        ring.iter().cloned().collect()
    }
}

/// Warm searchers prepared for an index about to be swapped in, taken by
/// the workers when they first meet it.
#[derive(Default)]
pub struct Prepared {
    ready: Mutex<Vec<OwnedSearcher>>,
}

impl Prepared {
    /// Makes `n` searchers over `index` and runs `queries` through each
    /// (answers and errors are thrown away: only the caches matter), then
    /// offers them, replacing any offered before. Returns the searchers
    /// offered before (for the caller to drop off the hot path).
    pub fn prepare(&self, index: &Arc<Index>, n: usize, queries: &[Item]) -> Vec<OwnedSearcher> {
        let mut ready = Vec::with_capacity(n);
        for _ in 0..n {
            let mut s = OwnedSearcher::new(index.clone());
            let replay = catch_unwind(AssertUnwindSafe(|| {
                for it in queries {
                    let _ = s.screen(&it.query, &it.options);
                }
            }));
            if replay.is_err() {
                // A panic may have left the caches half-updated.
                s = OwnedSearcher::new(index.clone());
            }
            ready.push(s);
        }
        let mut slot = self.ready.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::replace(&mut *slot, ready)
    }

    /// A prepared searcher over `index`, if one is left.
    pub fn take(&self, index: &Arc<Index>) -> Option<OwnedSearcher> {
        let mut slot = self.ready.lock().unwrap_or_else(|p| p.into_inner());
        let at = slot.iter().position(|s| Arc::ptr_eq(s.index(), index))?;
        Some(slot.swap_remove(at))
    }

    /// How many prepared searchers are left.
    pub fn len(&self) -> usize {
        self.ready.lock().map(|s| s.len()).unwrap_or(0)
    }

    /// Whether none is left.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the reaper frees.
enum Corpse {
    Searcher(Box<OwnedSearcher>),
    /// An index swapped out: freed once nothing else holds it.
    Index(Arc<Index>),
}

/// A thread that frees old searchers (their caches)
/// and old indexes (unmapping their files, once their last request is
/// answered), so a screening worker never pays for it.
pub struct Reaper {
    tx: Sender<Corpse>,
}

impl Reaper {
    /// Starts the reaper thread (it ends when the `Reaper` is dropped,
    /// after freeing what it still holds).
    pub fn start() -> std::io::Result<Reaper> {
        let (tx, rx) = unbounded::<Corpse>();
        std::thread::Builder::new()
            .name("embargo-reap".into())
            .spawn(move || {
                let mut held: Vec<Arc<Index>> = Vec::new();
                loop {
                    let wait = if held.is_empty() {
                        Duration::from_secs(3600)
                    } else {
                        Duration::from_millis(50)
                    };
                    match rx.recv_timeout(wait) {
                        Ok(Corpse::Searcher(s)) => drop(s),
                        Ok(Corpse::Index(i)) => held.push(i),
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                    // Only this list holds these: the last request on
                    // them is answered, and dropping them unmaps here.
                    held.retain(|i| Arc::strong_count(i) > 1);
                }
            })?;
        Ok(Reaper { tx })
    }

    /// Frees a searcher on the reaper thread (or here, if it has stopped).
    pub fn searcher(&self, s: OwnedSearcher) {
        let _ = self.tx.send(Corpse::Searcher(Box::new(s)));
    }

    /// Frees an index on the reaper thread once nothing else holds it.
    pub fn index(&self, i: Arc<Index>) {
        let _ = self.tx.send(Corpse::Index(i));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn an_owned_searcher_moves_between_threads_and_outlives_other_handles() {
        let dir = tiny_index("warm-owned", &["Vladimir Putin"]);
        let index = Arc::new(Index::open(&dir).unwrap());
        let mut s = OwnedSearcher::new(index.clone());
        drop(index); // the searcher's own Arc keeps the index alive
        let hits = std::thread::spawn(move || {
            s.screen(&item("Vladimir Putin").query, &Options::default())
                .unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(hits.len(), 1);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_ring_keeps_the_last_queries() {
        let r = Recent::default();
        for i in 0..RECENT + 10 {
            r.record(&item(&format!("name {i}")));
        }
        let s = r.snapshot();
        assert_eq!(s.len(), RECENT);
        assert_eq!(s[0].query.name, "name 10");
        assert_eq!(s[RECENT - 1].query.name, format!("name {}", RECENT + 9));
    }

    #[test]
    fn prepared_searchers_go_to_their_index_only() {
        let a = tiny_index("warm-a", &["Vladimir Putin"]);
        let b = tiny_index("warm-b", &["Acme Trading"]);
        let ia = Arc::new(Index::open(&a).unwrap());
        let ib = Arc::new(Index::open(&b).unwrap());
        let p = Prepared::default();
        assert!(p.prepare(&ia, 2, &[item("Putin")]).is_empty());
        assert_eq!(p.len(), 2);
        assert!(p.take(&ib).is_none());
        let mut s = p.take(&ia).unwrap();
        assert!(Arc::ptr_eq(s.index(), &ia));
        assert_eq!(
            s.screen(&item("Vladimir Putin").query, &Options::default())
                .unwrap()
                .len(),
            1
        );
        // A later preparation replaces what is left.
        assert_eq!(p.prepare(&ib, 1, &[]).len(), 1);
        assert!(p.take(&ia).is_none());
        assert!(p.take(&ib).is_some());
        assert!(p.is_empty());
        let _ = std::fs::remove_dir_all(a);
        let _ = std::fs::remove_dir_all(b);
    }

    #[test]
    fn the_reaper_frees_an_index_once_its_last_user_lets_go() {
        let dir = tiny_index("warm-reap", &["Vladimir Putin"]);
        let index = Arc::new(Index::open(&dir).unwrap());
        let weak = Arc::downgrade(&index);
        let reaper = Reaper::start().unwrap();
        let user = index.clone();
        reaper.index(index);
        reaper.searcher(OwnedSearcher::new(user.clone()));
        std::thread::sleep(Duration::from_millis(200));
        assert!(weak.upgrade().is_some(), "freed while still in use");
        drop(user);
        let t = std::time::Instant::now();
        while weak.strong_count() > 0 && t.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(weak.strong_count(), 0, "never freed");
        let _ = std::fs::remove_dir_all(dir);
    }
}
