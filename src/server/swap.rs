//! The live index: an atomically swappable `Arc<Index>`.
//!
//! Requests take a snapshot ([`Live::current`]) and keep it until they are
//! answered; a reload opens the new index, checks its format version and
//! structure ([`Index::open`]) and re-hashes every file against its
//! manifest ([`Index::verify`]) *before* swapping it in. A corrupt or
//! incompatible index is refused and the old one keeps serving. The old
//! index is dropped (its maps closed) when the last snapshot of it goes.
//!
//! ```no_run
//! use embargo::server::swap::{Live, Source};
//! let live = Live::open(Source::Dir("/srv/embargo/current".into())).unwrap();
//! let before = live.current().manifest_sha256().to_string();
//! // after `embargo build ... --out /srv/embargo/idx-2` and re-pointing
//! // the `current` symlink:
//! let r = live.reload(None).unwrap();
//! assert_eq!(r.previous, before);
//! ```

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use serde::Serialize;

use crate::error::Result;
use crate::index::{default_index, Index};

/// Where the index comes from when a reload names no path.
#[derive(Debug, Clone)]
pub enum Source {
    /// The default index of the bundled lists.
    Default,
    /// A folder (or a symlink to one, re-resolved at every reload: point
    /// it at a new build and reload).
    Dir(PathBuf),
}

/// What a reload did.
#[derive(Debug, Clone, Serialize)]
pub struct Reloaded {
    /// The manifest hash serving before.
    pub previous: String,
    /// The manifest hash serving now.
    pub current: String,
    /// False when the new index is the one already serving (nothing swapped).
    pub changed: bool,
    /// The folder opened.
    pub path: String,
}

/// The index every request screens against, swappable while serving.
pub struct Live {
    index: ArcSwap<Index>,
    source: Source,
    /// One reload at a time (verifying hashes every file: no point in two).
    reloading: Mutex<()>,
}

/// Opens `dir` and re-hashes every file: the check a new index passes
/// before it may serve. The hash pauses 0.1 ms after each 64 KiB (about
/// 0.2 s more for the bundled index) so a screening worker that needs the
/// core waits for one slice at most while traffic runs.
pub fn open_verified(dir: &Path) -> Result<Index> {
    let idx = Index::open(dir)?;
    idx.verify_paced(std::time::Duration::from_micros(100))?;
    Ok(idx)
}

impl Live {
    /// Opens (and verifies) the first index.
    pub fn open(source: Source) -> Result<Live> {
        let idx = match &source {
            Source::Default => default_index()?,
            Source::Dir(d) => open_verified(d)?,
        };
        Ok(Live::new(idx, source))
    }

    /// Serves an index already open.
    pub fn new(index: Index, source: Source) -> Live {
        Live {
            index: ArcSwap::from_pointee(index),
            source,
            reloading: Mutex::new(()),
        }
    }

    /// A snapshot of the index serving now (cheap: one atomic load and a
    /// reference count).
    pub fn current(&self) -> Arc<Index> {
        self.index.load_full()
    }

    /// Opens, verifies and swaps in the index at `path` (or, when `None`,
    /// the configured source again). Blocking: it hashes every file. On
    /// error nothing changes.
    pub fn reload(&self, path: Option<&Path>) -> Result<Reloaded> {
        self.reload_with(path, open_verified, |_| {}, drop)
    }

    /// [`Live::reload`] with the service's hooks: `open` opens and
    /// verifies a folder; `prepare` sees the new index after it verified
    /// and before it serves (to warm caches); `retire` receives the index
    /// swapped out (to free it off the hot path).
    pub fn reload_with(
        &self,
        path: Option<&Path>,
        open: impl FnOnce(&Path) -> Result<Index>,
        prepare: impl FnOnce(&Arc<Index>),
        retire: impl FnOnce(Arc<Index>),
    ) -> Result<Reloaded> {
        let _one = self.reloading.lock().unwrap_or_else(|p| p.into_inner());
        let new = match (path, &self.source) {
            (Some(p), _) => open(p)?,
            (None, Source::Dir(d)) => open(d)?,
            (None, Source::Default) => default_index()?,
        };
        let prev_sha = self.current().manifest_sha256().to_string();
        let path = new.dir().display().to_string();
        if new.manifest_sha256() == prev_sha {
            return Ok(Reloaded {
                current: prev_sha.clone(),
                previous: prev_sha,
                changed: false,
                path,
            });
        }
        let current = new.manifest_sha256().to_string();
        let new = Arc::new(new);
        prepare(&new);
        let old = self.index.swap(new);
        retire(old);
        Ok(Reloaded {
            previous: prev_sha,
            current,
            changed: true,
            path,
        })
    }
}

/// A tiny index of the given names, built into a fresh temporary folder
/// (for the unit tests of the server modules).
#[cfg(test)]
pub(crate) fn tiny_index(tag: &str, names: &[&str]) -> PathBuf {
    use crate::model::{Entity, Kind, Name, NameStrength};
    let mut list = crate::source::ParsedList::new(
        "test",
        crate::source::Format::OpenSanctionsJson,
        Path::new("<test>"),
    );
    list.files.clear();
    for (i, n) in names.iter().enumerate() {
        let mut e = Entity::new("test", i.to_string(), Kind::Person);
        e.add_name(Name::new(n, NameStrength::Primary));
        list.entities.push(e);
    }
    let dir = std::env::temp_dir().join(format!(
        "embargo-unit-{tag}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    crate::index::build(&[list], &dir).expect("build a tiny index");
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reload_swaps_in_a_new_index_and_keeps_the_old_one_on_failure() {
        let a = tiny_index("swap-a", &["Vladimir Putin"]);
        let b = tiny_index("swap-b", &["Acme Trading"]);
        let live = Live::open(Source::Dir(a.clone())).unwrap();
        let sha_a = live.current().manifest_sha256().to_string();
        let held = live.current();

        let r = live.reload(Some(&b)).unwrap();
        assert!(r.changed);
        assert_eq!(r.previous, sha_a);
        assert_eq!(live.current().manifest_sha256(), r.current);
        // A request still holding the old snapshot keeps it intact.
        assert_eq!(held.manifest_sha256(), sha_a);

        assert!(live.reload(Some(Path::new("/nonexistent"))).is_err());
        assert_eq!(live.current().manifest_sha256(), r.current);

        // No path: the configured source again.
        let back = live.reload(None).unwrap();
        assert_eq!(back.current, sha_a);
        assert!(!live.reload(None).unwrap().changed);
        let _ = std::fs::remove_dir_all(a);
        let _ = std::fs::remove_dir_all(b);
    }
}
