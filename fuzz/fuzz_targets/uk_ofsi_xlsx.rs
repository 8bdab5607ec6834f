//! Fuzzes the UkOfsiXlsx reader: any bytes must give a list or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = embargo::source::parse_bytes(embargo::source::Format::UkOfsiXlsx, data);
});
