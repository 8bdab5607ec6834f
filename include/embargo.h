/*
 * embargo.h — the C ABI of the embargo denied-party screening engine.
 *
 * Hand-written to match src/ffi.rs; tests/ffi.rs checks that this header
 * declares exactly the functions the library exports, and compiles and
 * runs tests/c/screen.c against the shared library from several threads.
 *
 * Build the library with `cargo build --release`: target/release/
 * libembargo.so (Linux), libembargo.dylib (macOS) or embargo.dll (Windows).
 *
 * Rules:
 *  - Strings passed in are NUL-terminated UTF-8.
 *  - Strings returned by embargo_screen are NUL-terminated UTF-8 JSON owned
 *    by the caller: release each with embargo_string_free.
 *  - An EmbargoIndex may be used from any number of threads at once.
 *    Close it once with embargo_close, after every call on it returned.
 *  - On failure a function returns NULL and embargo_last_error() tells why;
 *    that text belongs to the library and lasts until the calling thread's
 *    next call into it.
 *  - No call panics or aborts on bad input: errors come back as NULL.
 */
#ifndef EMBARGO_H
#define EMBARGO_H

#ifdef __cplusplus
extern "C" {
#endif

/* An open index (opaque). */
typedef struct EmbargoIndex EmbargoIndex;

/* The engine's version, e.g. "0.1.0" (static; do not free). */
const char *embargo_version(void);

/* Why the last failed call on this thread failed, or NULL. */
const char *embargo_last_error(void);

/*
 * Opens and verifies the index folder at `path` (built by
 * `embargo build --lists ... --out DIR`). NULL or "" opens the default
 * index of the bundled lists, built into the cache on first use.
 * Returns NULL on failure.
 */
EmbargoIndex *embargo_open(const char *path);

/*
 * Screens one name. `options_json` is NULL or a JSON object with any of:
 * "id", "type" (person|organization|vessel|aircraft), "dob" (YYYY,
 * YYYY-MM or YYYY-MM-DD), "country", "ids" (array of strings), "threshold"
 * (0..1, default 0.85), "max_hits" (1..100, default 10).
 * Returns the screening record as JSON:
 *   {"id"?, "name", "hits": [...], "manifest_sha256"}
 * to be released with embargo_string_free; NULL on failure.
 */
char *embargo_screen(const EmbargoIndex *index, const char *name, const char *options_json);

/* Releases a string returned by embargo_screen. NULL is ignored. */
void embargo_string_free(char *s);

/* Closes an index. NULL is ignored. */
void embargo_close(EmbargoIndex *index);

#ifdef __cplusplus
}
#endif

#endif /* EMBARGO_H */
