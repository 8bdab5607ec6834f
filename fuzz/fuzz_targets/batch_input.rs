//! Fuzzes the customer-file reader of `embargo screen`: any bytes read as
//! CSV or JSON lines give records and error records, never a panic, and
//! never more records than the input has lines.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    embargo::batch::input::fuzz_records(data);
});
