//! The C ABI: open an index, screen a name, get JSON back, free it — for
//! payment systems written in C, C++, Go (cgo), Java (JNA/Panama), Python
//! (ctypes)… The header is `include/embargo.h`; `tests/ffi.rs` checks that
//! it declares exactly the functions exported here and runs
//! `tests/c/screen.c` from several threads.
//!
//! Rules for callers (also in the header):
//! - strings in are NUL-terminated UTF-8; strings out are NUL-terminated
//!   UTF-8 JSON owned by the caller, released with [`embargo_string_free`];
//! - an index handle is safe to use from any number of threads at once
//!   (the index is immutable and `Sync`); [`embargo_close`] it once, after
//!   every call on it has returned;
//! - on failure a function returns NULL and [`embargo_last_error`] says why
//!   (per thread, until that thread's next call);
//! - no Rust panic crosses the boundary: each entry point catches it and
//!   reports an error.
//!
//! A handle keeps the searchers its calls used (one per thread screening
//! at the same moment, at most), so each call starts with the token and
//! name caches earlier calls filled instead of a cold searcher; closing
//! the handle frees them with the index.
//!
//! This module (the C boundary: raw pointers in and out) and the
//! memory-mapping module are the only places with `unsafe`; each block
//! says why it is sound.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::index::default_index;
use crate::server::request::{parse_options, render, Limits, ScreenKind};
use crate::server::warm::OwnedSearcher;

/// An open index, opaque to C.
pub struct EmbargoIndex {
    index: Arc<crate::index::Index>,
    /// Searchers not in use (warm caches), taken and given back by calls.
    idle: Mutex<Vec<OwnedSearcher>>,
}

impl EmbargoIndex {
    /// A warm searcher if one is free, else a new one.
    fn searcher(&self) -> OwnedSearcher {
        let warm = self.idle.lock().ok().and_then(|mut v| v.pop());
        warm.unwrap_or_else(|| OwnedSearcher::new(self.index.clone()))
    }

    /// Gives a searcher back for the next call.
    fn give_back(&self, s: OwnedSearcher) {
        if let Ok(mut v) = self.idle.lock() {
            v.push(s);
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

fn set_error(msg: impl Into<String>) {
    let mut m = msg.into();
    m.retain(|c| c != '\0');
    let c = CString::new(m).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(c));
}

fn clear_error() {
    LAST_ERROR.with(|e| *e.borrow_mut() = None);
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    let what = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("internal error (a panic was caught at the C boundary): {what}")
}

/// Reads a C string argument; `Ok(None)` for NULL.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that stays valid for
/// the duration of the call.
unsafe fn arg<'a>(p: *const c_char, what: &str) -> Result<Option<&'a str>, String> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, and the caller promises (the header says so) a
    // NUL-terminated string valid for this call.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str()
        .map(Some)
        .map_err(|e| format!("{what} is not valid UTF-8: {e}"))
}

/// The engine's version, e.g. `"0.1.0"` (static; never free it).
#[no_mangle]
pub extern "C" fn embargo_version() -> *const c_char {
    static V: &[u8] = concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes();
    V.as_ptr().cast()
}

/// Why the last failed call on this thread failed, or NULL. The text
/// belongs to the library and stays valid until this thread's next call.
#[no_mangle]
pub extern "C" fn embargo_last_error() -> *const c_char {
    LAST_ERROR.with(|e| {
        e.borrow()
            .as_ref()
            .map(|c| c.as_ptr())
            .unwrap_or(std::ptr::null())
    })
}

/// Opens (and verifies) the index folder at `path`; NULL or `""` opens the
/// default index of the bundled lists (built into the cache on first use).
/// Returns NULL on failure (see [`embargo_last_error`]).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn embargo_open(path: *const c_char) -> *mut EmbargoIndex {
    clear_error();
    // SAFETY: passed through under this function's own contract.
    let path = match unsafe { arg(path, "path") } {
        Ok(p) => p,
        Err(e) => {
            set_error(e);
            return std::ptr::null_mut();
        }
    };
    let opened = catch_unwind(|| match path.filter(|p| !p.is_empty()) {
        Some(p) => crate::server::swap::open_verified(Path::new(p)),
        None => default_index(),
    });
    match opened {
        Ok(Ok(index)) => Box::into_raw(Box::new(EmbargoIndex {
            index: Arc::new(index),
            idle: Mutex::new(Vec::new()),
        })),
        Ok(Err(e)) => {
            set_error(e.to_string());
            std::ptr::null_mut()
        }
        Err(p) => {
            set_error(panic_message(p.as_ref()));
            std::ptr::null_mut()
        }
    }
}

/// Screens one name. `options_json` is NULL or a JSON object with the
/// optional fields of an HTTP query (`id`, `type`, `dob`, `country`,
/// `ids`, `threshold`, `max_hits`). Returns the screening record as JSON,
/// `{"id"?, "name", "hits": [...], "manifest_sha256"}`, to be released with
/// [`embargo_string_free`]; NULL on failure (see [`embargo_last_error`]).
///
/// # Safety
/// `index` is NULL or a handle from [`embargo_open`] not yet closed; `name`
/// and `options_json` are NULL or NUL-terminated strings valid for the call.
#[no_mangle]
pub unsafe extern "C" fn embargo_screen(
    index: *const EmbargoIndex,
    name: *const c_char,
    options_json: *const c_char,
) -> *mut c_char {
    clear_error();
    if index.is_null() {
        set_error("index is NULL");
        return std::ptr::null_mut();
    }
    // SAFETY: non-NULL and, by the contract, a live handle from
    // `embargo_open` (a Box that `embargo_close` has not freed); shared
    // references from many threads are fine since `EmbargoIndex` is `Sync`
    // (an immutable index and a mutex).
    let handle = unsafe { &*index };
    // SAFETY: passed through under this function's own contract.
    let name = match unsafe { arg(name, "name") } {
        Ok(Some(n)) => n,
        Ok(None) => {
            set_error("name is NULL");
            return std::ptr::null_mut();
        }
        Err(e) => {
            set_error(e);
            return std::ptr::null_mut();
        }
    };
    // SAFETY: as above.
    let options = match unsafe { arg(options_json, "options_json") } {
        Ok(o) => o,
        Err(e) => {
            set_error(e);
            return std::ptr::null_mut();
        }
    };
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<Vec<u8>, String> {
        let item = parse_options(name, options, &Limits::default()).map_err(|e| e.message)?;
        let mut searcher = handle.searcher();
        // A panic inside skips the give-back: a searcher whose caches may
        // be half-updated is dropped, not reused.
        let hits = searcher.screen(&item.query, &item.options);
        handle.give_back(searcher);
        let hits = hits.map_err(|e| e.to_string())?;
        render(
            &ScreenKind::One,
            std::slice::from_ref(&item),
            std::slice::from_ref(&hits),
            handle.index.manifest_sha256(),
        )
        .map_err(|e| e.to_string())
    }));
    match result {
        Ok(Ok(json)) => match CString::new(json) {
            Ok(c) => c.into_raw(),
            Err(_) => {
                set_error("internal error: the JSON answer holds a NUL byte");
                std::ptr::null_mut()
            }
        },
        Ok(Err(e)) => {
            set_error(e);
            std::ptr::null_mut()
        }
        Err(p) => {
            set_error(panic_message(p.as_ref()));
            std::ptr::null_mut()
        }
    }
}

/// Releases a string returned by [`embargo_screen`]. NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string from [`embargo_screen`] not yet freed.
#[no_mangle]
pub unsafe extern "C" fn embargo_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: by the contract `s` came from `CString::into_raw` in
    // `embargo_screen` and is freed once, so retaking ownership is sound.
    drop(unsafe { CString::from_raw(s) });
}

/// Closes an index handle. NULL is ignored.
///
/// # Safety
/// `index` is NULL or a handle from [`embargo_open`] not yet closed, and no
/// other call is using it.
#[no_mangle]
pub unsafe extern "C" fn embargo_close(index: *mut EmbargoIndex) {
    if index.is_null() {
        return;
    }
    // SAFETY: by the contract the pointer came from `Box::into_raw` in
    // `embargo_open`, is closed once, and no call still borrows it.
    let b = unsafe { Box::from_raw(index) };
    // Dropping frees the searchers and unmaps the files; catch a panic
    // rather than unwind into C.
    let _ = catch_unwind(AssertUnwindSafe(move || drop(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error() -> String {
        let p = embargo_last_error();
        assert!(!p.is_null());
        // SAFETY (test): the library's own NUL-terminated error text.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }

    #[test]
    fn a_missing_index_is_null_with_a_reason() {
        let path = CString::new("/nonexistent/embargo-index").unwrap();
        // SAFETY (test): a valid C string.
        let idx = unsafe { embargo_open(path.as_ptr()) };
        assert!(idx.is_null());
        assert!(last_error().contains("not an index"), "{}", last_error());
    }

    #[test]
    fn null_arguments_are_errors_not_crashes() {
        // SAFETY (test): NULLs are allowed by the contract.
        let out = unsafe { embargo_screen(std::ptr::null(), std::ptr::null(), std::ptr::null()) };
        assert!(out.is_null());
        assert_eq!(last_error(), "index is NULL");
        // SAFETY (test): NULL is ignored.
        unsafe {
            embargo_string_free(std::ptr::null_mut());
            embargo_close(std::ptr::null_mut());
        }
    }

    #[test]
    fn calls_reuse_warm_searchers_one_per_concurrent_thread_at_most() {
        let dir = crate::server::swap::tiny_index("ffi-warm", &["Vladimir Putin"]);
        let path = CString::new(dir.to_str().unwrap()).unwrap();
        // SAFETY (test): a valid C string.
        let idx = unsafe { embargo_open(path.as_ptr()) };
        assert!(!idx.is_null(), "{}", last_error());
        let name = CString::new("Vladimir Putin").unwrap();
        let screen = |idx: *const EmbargoIndex| {
            // SAFETY (test): a live handle and valid C strings.
            let out = unsafe { embargo_screen(idx, name.as_ptr(), std::ptr::null()) };
            assert!(!out.is_null(), "{}", last_error());
            // SAFETY (test): the library's own NUL-terminated answer.
            let json = unsafe { CStr::from_ptr(out) }
                .to_string_lossy()
                .into_owned();
            // SAFETY (test): freed once.
            unsafe { embargo_string_free(out) };
            json
        };
        let first = screen(idx);
        assert!(first.contains("test:0"), "{first}");
        assert_eq!(screen(idx), first);
        // SAFETY (test): the handle is live until closed below.
        let h = unsafe { &*idx };
        assert_eq!(h.idle.lock().unwrap().len(), 1, "one searcher, reused");
        let shared = idx as usize;
        std::thread::scope(|sc| {
            for _ in 0..4 {
                sc.spawn(|| {
                    for _ in 0..20 {
                        assert_eq!(screen(shared as *const EmbargoIndex), first);
                    }
                });
            }
        });
        let n = h.idle.lock().unwrap().len();
        assert!((1..=4).contains(&n), "{n} searchers kept");
        // SAFETY (test): closed once, no call in flight.
        unsafe { embargo_close(idx) };
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn version_is_the_crate_version() {
        // SAFETY (test): a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(embargo_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
