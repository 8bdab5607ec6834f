//! (placeholder: reader being written)

use super::{Input, ParsedList};
use crate::error::{Error, Result};

/// Reads the legacy XML.
pub fn read_xml(_input: &Input) -> Result<ParsedList> {
    Err(Error::malformed("reader not written yet"))
}

/// Reads the legacy CSV.
pub fn read_csv(_input: &Input) -> Result<ParsedList> {
    Err(Error::malformed("reader not written yet"))
}
