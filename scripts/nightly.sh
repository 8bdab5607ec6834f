#!/usr/bin/env bash
# The nightly rescreen: fetch -> build -> diff -> rescreen -> report.
#
#   scripts/nightly.sh WORK_DIR CUSTOMERS_FILE
#
# Environment: EMBARGO (the binary; default `embargo` on PATH),
# EMBARGO_SOURCES (a sources file; default the bundled data/sources.toml),
# THRESHOLD (default: the engine's default).
#
# WORK_DIR holds, and the script keeps up to date:
#   lists/              the fetched lists (`embargo fetch --into`)
#   indexes/<stamp>/    one index per build (never rewritten)
#   current             symlink to the index in force
#   customers/<sha256>/ the saved customer index of the customer file (built
#                       once per version of the file: `embargo customers
#                       index`; older ones are removed)
#   runs/<stamp>/       fetch.txt, diff.json, diff.txt, delta.jsonl (+ its
#                       .manifest.json audit stamp), report.txt
#
# Exit: 0 when every source updated or was current; 1 when a source was
# refused or failed (the rest of the run still happened, on the versions
# held) or a step failed; 2 bad usage.
set -uo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 WORK_DIR CUSTOMERS_FILE" >&2
    exit 2
fi
work=$1
customers=$2
embargo=${EMBARGO:-embargo}
if [ ! -f "$customers" ]; then
    echo "error: $customers: no such customer file" >&2
    exit 2
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
run="$work/runs/$stamp"
mkdir -p "$work/lists" "$work/indexes" "$run" || exit 1
report="$run/report.txt"
status=0
say() { echo "$*" | tee -a "$report"; }

say "embargo nightly $stamp"

# 1. Fetch. A refused or failed source keeps its previous version; the
#    run goes on with what is held and exits 1 at the end.
sources=()
if [ -n "${EMBARGO_SOURCES:-}" ]; then sources=(--sources "$EMBARGO_SOURCES"); fi
"$embargo" fetch "${sources[@]}" --into "$work/lists" >"$run/fetch.txt" 2>&1
fetch_rc=$?
sed 's/^/  fetch: /' "$run/fetch.txt" | tee -a "$report"
if [ $fetch_rc -ne 0 ]; then
    say "WARNING: some sources were not updated (exit $fetch_rc); screening on the versions held"
    status=1
fi

prev=""
if [ -L "$work/current" ] && [ -d "$work/current/" ]; then
    prev=$(readlink -f "$work/current")
fi
if [ -n "$prev" ] && ! grep -q " updated " "$run/fetch.txt"; then
    say "no list changed: the index in force stays $(basename "$prev"); nothing to rescreen"
    exit $status
fi

# 2. Build the new index (a new folder; the one in force is untouched).
new="$work/indexes/$stamp"
if ! "$embargo" build --lists "$work/lists" --out "$new" >>"$report" 2>&1; then
    say "ERROR: the build failed; the index in force is unchanged"
    exit 1
fi

if [ -z "$prev" ]; then
    ln -sfn "indexes/$stamp" "$work/current.tmp" && mv -T "$work/current.tmp" "$work/current"
    say "first index built: $new (screen the whole customer file once with it)"
    exit $status
fi

# 3. Diff.
"$embargo" diff --old "$prev" --new "$new" --json >"$run/diff.json" || status=1
"$embargo" diff --old "$prev" --new "$new" >"$run/diff.txt" 2>&1 || status=1
sed 's/^/  diff: /' "$run/diff.txt" | head -40 | tee -a "$report"

# 4. Rescreen the customers against what changed, through the saved
#    customer index of this version of the customer file (built here the
#    first time the file is seen; rescreen checks it is this file's).
thr=()
if [ -n "${THRESHOLD:-}" ]; then thr=(--threshold "$THRESHOLD"); fi
cust=()
if command -v sha256sum >/dev/null; then
    csum=$(sha256sum "$customers" | cut -c1-64)
    cidx="$work/customers/$csum"
    if [ ! -d "$cidx" ]; then
        mkdir -p "$work/customers" || exit 1
        if "$embargo" customers index --input "$customers" --out "$cidx" 2>>"$report"; then
            tail -n 1 "$report"
            for old in "$work/customers"/*; do
                if [ "$old" != "$cidx" ]; then rm -rf -- "$old"; fi
            done
        else
            say "WARNING: the customer index could not be built; rescreening without it"
        fi
    fi
    if [ -d "$cidx" ]; then cust=(--customers "$cidx"); fi
fi
if ! "$embargo" rescreen --old "$prev" --new "$new" --input "$customers" "${cust[@]}" \
    --output "$run/delta.jsonl" "${thr[@]}" 2>>"$report"; then
    say "ERROR: the rescreen failed; the index in force is unchanged"
    exit 1
fi
tail -n 1 "$report"

# 5. The new index goes into force (an atomic symlink swap).
ln -sfn "indexes/$stamp" "$work/current.tmp" && mv -T "$work/current.tmp" "$work/current" || status=1
say "in force: $new; results: $run/delta.jsonl (audit stamp beside it)"
exit $status
