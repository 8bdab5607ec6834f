//! List updates without rescreening everything: [`diff`] tells which
//! entities were added, removed or changed between two indexes, and
//! [`rescreen`] screens a customer file against only those entities —
//! through a saved customer index ([`custindex`]), only the customers
//! that can meet them.
//!
//! Scores are absolute — token weights are frozen, never taken from the
//! index — so a customer's score against an entity does not depend on the
//! other entities indexed. A rescreen therefore screens customers against
//! a small index of just the delta's entities and gets exactly the hits a
//! full screen against the new index would give on them.

pub mod custindex;
pub mod customers;
pub mod diff;
pub mod rescreen;

pub use custindex::{build_customer_index, CustomerIndex};
pub use diff::{changed_fields, diff_entities, diff_indexes, Changed, Diff, EntityDiff, Field};
pub use rescreen::{run_rescreen, Change, Delta, DeltaHit, DeltaIndex, RescreenArgs};

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::index::Index;

/// `embargo diff`: opens both indexes and writes the diff to `out` as
/// JSON (one object) or as a human summary.
pub fn run_diff(old: &Path, new: &Path, json: bool, out: &mut dyn Write) -> Result<Diff> {
    let (o, n) = (Index::open(old)?, Index::open(new)?);
    let d = diff_indexes(&o, &n)?;
    let text = if json {
        let mut s = serde_json::to_string(&d)
            .map_err(|e| Error::malformed(format!("serialising the diff: {e}")))?;
        s.push('\n');
        s
    } else {
        diff::render_human(&d, 10)
    };
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io(Path::new("<stdout>"), e))?;
    Ok(d)
}
