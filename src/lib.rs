//! # embargo — denied-party screening
//!
//! The pipeline, one module a stage:
//!
//! 1. [`source`] reads the official lists (OFAC, UN, UK, EU, US CSL/DPL,
//!    Canada, Australia, OpenSanctions) into the [`model`]: one [`Entity`]
//!    per list entry, with every name and its strength, dates of birth,
//!    countries, identifiers, programmes, remarks and cross-list links.
//! 2. [`normalize`] turns names into comparable text (script detection now;
//!    transliteration and name parts next).
//!
//! Errors everywhere are one [`Error`] type that names the file and line.
//!
//! ```no_run
//! let found = embargo::source::read_paths(&["data/lists"]);
//! for list in &found.lists {
//!     println!("{} {} entities", list.list_id, list.entities.len());
//! }
//! ```

pub mod analysis;
pub mod batch;
pub mod error;
pub mod eval;
pub mod index;
pub mod model;
pub mod normalize;
pub mod score;
pub mod search;
pub mod source;

pub use error::{Error, ErrorKind, Result};
pub use model::{Entity, Kind, Name, NameStrength};
