//! Fuzzes the HTTP service's request parser (`POST /v1/screen` bodies):
//! any bytes give a parsed request or a 4xx error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = embargo::server::request::Limits::default();
    if let Err(e) = embargo::server::request::parse_screen(data, &limits) {
        assert!((400..500).contains(&e.status), "{}", e.status);
    }
});
