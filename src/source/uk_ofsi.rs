//! (placeholder: reader being written)

use super::{Input, ParsedList};
use crate::error::{Error, Result};

/// Reads the ConList CSV.
pub fn read_csv(_input: &Input) -> Result<ParsedList> {
    Err(Error::malformed("reader not written yet"))
}

/// Reads the ConList workbook.
pub fn read_xlsx(_input: &Input) -> Result<ParsedList> {
    Err(Error::malformed("reader not written yet"))
}
