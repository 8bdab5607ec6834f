//! (placeholder: reader being written)

use super::{OfacCsvSet, ParsedList};
use crate::error::{Error, Result};

/// Reads an OFAC CSV set.
pub fn read_set(_set: &OfacCsvSet) -> Result<ParsedList> {
    Err(Error::malformed("reader not written yet"))
}
