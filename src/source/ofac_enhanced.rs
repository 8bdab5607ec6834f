//! (placeholder: reader being written)

use super::{Input, ParsedList};
use crate::error::{Error, Result};

/// Reads the list.
pub fn read(_input: &Input) -> Result<ParsedList> {
    Err(Error::malformed("reader not written yet"))
}
