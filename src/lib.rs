//! # embargo — denied-party screening
//!
//! The pipeline, one module a stage:
//!
//! 1. [`source`] reads the official lists (OFAC, UN, UK, EU, US CSL/DPL,
//!    Canada, Australia, OpenSanctions) into the [`model`]: one [`Entity`]
//!    per list entry, with every name and its strength, dates of birth,
//!    countries, identifiers, programmes, remarks and cross-list links.
//! 2. [`normalize`] folds names (Unicode, case, marks) and romanises other
//!    scripts; [`analysis`] tags name parts and computes the keys and frozen
//!    weights — the same code at build and query time.
//! 3. [`index`] compiles lists into a versioned, checksummed, memory-mapped
//!    index (FSTs of terms and keys, fixed-width tables, canonical records).
//! 4. [`search`] finds every entity a query may be, under exact score
//!    bounds, and scores it with [`score`] (token alignment, explained),
//!    adding date-of-birth, country, kind and identifier evidence.
//! 5. [`batch`] screens whole customer files in parallel, in order, with an
//!    audit stamp; [`delta`] diffs indexes and rescreens only what changed;
//!    [`fetch`] downloads the official lists safely; [`server`] answers
//!    HTTP requests with live index swaps; [`ffi`] is the C ABI.
//!    [`eval`] measures recall and alert rates.
//!
//! Errors everywhere are one [`Error`] type that names the file and line.
//!
//! ```no_run
//! let found = embargo::source::read_paths(&["data/lists"]);
//! for list in &found.lists {
//!     println!("{} {} entities", list.list_id, list.entities.len());
//! }
//! ```
//!
//! ## Using the library
//!
//! Compile lists into an index once (`embargo build` does the same), open
//! it — memory-mapped, milliseconds — and share it across threads; each
//! thread screens through its own [`search::Searcher`] (cheap to make, and
//! it caches token expansions across queries). Every hit serialises to the
//! hit format of the screening output.
//!
//! ```
//! use std::sync::Arc;
//! use embargo::index::{build, Index};
//! use embargo::search::{Options, Query, Searcher};
//!
//! # fn main() -> embargo::Result<()> {
//! let lists = embargo::source::read_paths(&[concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/data/lists/us-bis-dpl"
//! )]);
//! let dir = std::env::temp_dir().join(format!("embargo-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! build(&lists.lists, &dir)?;
//!
//! let index = Arc::new(Index::open(&dir)?);
//! let workers: Vec<_> = ["Aaron Abraham Villa", "Jane Customer"]
//!     .into_iter()
//!     .map(|name| {
//!         let index = Arc::clone(&index);
//!         std::thread::spawn(move || {
//!             let mut searcher = Searcher::new(&index);
//!             let query = Query { name: name.to_string(), ..Query::default() };
//!             searcher.screen(&query, &Options::default())
//!         })
//!     })
//!     .collect();
//! let hits: Vec<_> = workers.into_iter().map(|w| w.join().unwrap()).collect::<Result<_, _>>()?;
//! assert_eq!(hits[0][0].list, "us-bis-dpl");
//! assert!(hits[0][0].score >= 0.85);
//! assert!(hits[1].is_empty());
//! println!("{}", serde_json::to_string(&hits[0][0]).unwrap());
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok(())
//! # }
//! ```
//!
//! The same engine serves HTTP ([`server`], `embargo serve`) and C
//! ([`ffi`], `include/embargo.h`).

pub mod analysis;
pub mod batch;
pub mod delta;
pub mod error;
pub mod eval;
pub mod fetch;
pub mod ffi;
pub mod index;
pub mod model;
pub mod normalize;
pub mod score;
pub mod search;
pub mod server;
pub mod source;

pub use error::{Error, ErrorKind, Result};
pub use model::{Entity, Kind, Name, NameStrength};
