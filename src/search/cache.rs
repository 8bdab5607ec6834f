//! A cache of token expansions shared by every searcher of one index.
//!
//! A query token's expansion (the index terms it reaches, with their
//! similarities) depends only on the token and the index, and customer
//! files repeat their tokens heavily. Each [`Searcher`](super::Searcher)
//! keeps a private cache; searchers of a batch run or a service's workers
//! can instead share one [`ExpansionCache`], so a token is expanded once
//! for all threads rather than once per thread (on 16 threads the private
//! caches expanded most tokens 16 times and held 16 copies).
//!
//! The map is split into shards, each behind its own `RwLock`: lookups take
//! a read lock on one shard, and only a miss writes. A shard that fills up
//! is cleared (the entries are recomputed on demand, as with the private
//! cache). The cache remembers the manifest hash of the index it was made
//! for; a searcher of another index ignores it ([`ExpansionCache::serves`]).

use std::hash::{BuildHasher, BuildHasherDefault};
use std::sync::{Arc, RwLock};

use rustc_hash::FxHasher;

use super::{Expansion, FastMap, EXPANSION_CACHE};
use crate::index::Index;

/// One shard of the map.
type Shard = RwLock<FastMap<String, Arc<Expansion>>>;

/// Number of shards (a power of two).
const SHARDS: usize = 64;

/// Token expansions shared by the searchers of one index (module docs).
pub struct ExpansionCache {
    index: String,
    shards: Box<[Shard]>,
    per_shard: usize,
}

impl ExpansionCache {
    /// An empty cache for the searchers of `index`, holding at most about
    /// [`EXPANSION_CACHE`] expansions in all.
    pub fn new(index: &Index) -> ExpansionCache {
        ExpansionCache {
            index: index.manifest_sha256().to_string(),
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            per_shard: EXPANSION_CACHE.div_ceil(SHARDS).max(1),
        }
    }

    /// Whether this cache was made for `index` (the same manifest).
    pub fn serves(&self, index: &Index) -> bool {
        self.index == index.manifest_sha256()
    }

    /// Number of expansions held.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().map(|m| m.len()).unwrap_or(0))
            .sum()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, key: &str) -> &Shard {
        let h = BuildHasherDefault::<FxHasher>::default().hash_one(key);
        // The high bits: FxHash's low bits mix least.
        &self.shards[(h >> 58) as usize & (SHARDS - 1)]
    }

    pub(super) fn get(&self, key: &str) -> Option<Arc<Expansion>> {
        // A poisoned shard (a panic while writing) is only a cache: read on.
        let m = match self.shard(key).read() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        m.get(key).cloned()
    }

    pub(super) fn put(&self, key: String, e: Arc<Expansion>) {
        let mut m = match self.shard(&key).write() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        if m.len() >= self.per_shard && !m.contains_key(&key) {
            m.clear();
        }
        m.insert(key, e);
    }
}

impl std::fmt::Debug for ExpansionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExpansionCache")
            .field("index", &self.index)
            .field("len", &self.len())
            .finish()
    }
}
