#!/usr/bin/env bash
# Benchmark the dependency guard's local OSV database (crates/deps/src/db) on a synthetic
# database the size of osv.dev's real dumps (npm 200k records, PyPI 18k, Go 6k,
# crates.io 2k; see benches/osv-db-gen.py for the record shapes assumed).
#
#   1. generates benches/work/osv-db/<Ecosystem>/all.zip once (--regen to redo)
#   2. first open: the index is built from the zips (index removed beforehand)
#   3. later opens: index reused, ~20 package lookups (benches/work/osv-db/lookups.txt);
#      RUNS times, min and median reported
#   each under /usr/bin/time -v for peak RSS. Results: benches/work/osv-db-results.md
#
# The timing code is the ignored test db::tests::bench_open_and_lookup, run from the
# release test binary of tollgate-deps.
#
# Usage: benches/osv-db.sh [--regen] [--scale F]
# Env:   RUNS   later-open repetitions (default 5)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# Where corpora and results live. benches/work is git-ignored and `scan` skips ignored
# files inside a repository (as it must), so scan figures want TOLLGATE_BENCH_WORK set
# to a folder outside any repository.
WORK="${TOLLGATE_BENCH_WORK:-$HERE/work}"
DB="$WORK/osv-db"
OUT="$WORK/osv-db-results.md"
RUNS="${RUNS:-5}"
REGEN=0
SCALE=1.0
while [ $# -gt 0 ]; do
    case "$1" in
        --regen) REGEN=1 ;;
        --scale) SCALE="$2"; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "osv-db.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

command -v python3 >/dev/null || { echo "osv-db.sh: python3 is required" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "osv-db.sh: /usr/bin/time is required (apt-get install -y time)" >&2; exit 1; }

if [ "$REGEN" = 1 ] || [ ! -f "$DB/lookups.txt" ]; then
    rm -rf "$DB"
    mkdir -p "$DB"
    echo "generating the synthetic database (scale $SCALE) into $DB"
    start=$(date +%s)
    python3 "$HERE/osv-db-gen.py" "$DB" --scale "$SCALE"
    echo "generated in $(( $(date +%s) - start )) s"
fi

echo "building the release test binary of tollgate-deps"
BIN=$(cd "$ROOT" && cargo test --release -p tollgate-deps --lib --no-run 2>&1 \
    | sed -n 's/.*Executable unittests src\/lib.rs (\(.*\))/\1/p' | tail -1)
[ -n "$BIN" ] || { echo "osv-db.sh: could not find the test binary" >&2; exit 1; }
BIN="$ROOT/$BIN"

export TOLLGATE_OSV_BENCH_DB="$DB" TOLLGATE_OSV_BENCH_LOOKUPS="$DB/lookups.txt"
# One run: prints "<bench line>|<max rss kB>|<wall s>|<user+sys CPU s>".
run_once() {
    local log
    log=$(mktemp)
    /usr/bin/time -v "$BIN" --ignored --exact db::tests::bench_open_and_lookup --nocapture --test-threads 1 \
        >"$log.out" 2>"$log"
    local line rss wall cpu
    line=$(grep -o 'bench: .*' "$log.out" || true)
    [ -n "$line" ] || { cat "$log.out" "$log" >&2; exit 1; }
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$log")
    rm -f "$log" "$log.out"
    echo "$line|$rss|$wall|$cpu"
}
field() { sed -n "s/.* $1=\([^ |]*\).*/\1/p" <<<"$2"; }

rm -f "$DB/.tollgate-osv-index"
sync
echo "first open (builds the index)"
first=$(run_once)
echo "  $first"
[ "$(field rebuilt "$first")" = true ] || { echo "osv-db.sh: the first open did not build the index" >&2; exit 1; }

later=()
for i in $(seq "$RUNS"); do
    r=$(run_once)
    [ "$(field rebuilt "$r")" = false ] || { echo "osv-db.sh: a later open rebuilt the index" >&2; exit 1; }
    later+=("$r")
    echo "  later open $i: $r"
done
stats() { # min and median of field $1 over the later runs
    printf '%s\n' "${later[@]}" | while read -r r; do field "$1" "$r"; done | sort -g \
        | awk '{v[NR]=$1} END {printf "min %s, median %s", v[1], v[int((NR+1)/2)]}'
}
rss_later=$(printf '%s\n' "${later[@]}" | awk -F'|' '{print $2}' | sort -n | tail -1)
zips=$(du -ch "$DB"/*/all.zip | tail -1 | cut -f1)

{
    echo "# OSV database benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
    echo
    echo "Database: $(field records "$first") indexed records, zips $zips, index $(( $(field index_bytes "$first") / 1000000 )) MB"
    echo
    echo "| step | time | peak RSS |"
    echo "| --- | --- | --- |"
    echo "| first open (index build) | $(field open_ms "$first") ms (wall $(cut -d'|' -f3 <<<"$first"), CPU $(cut -d'|' -f4 <<<"$first") s: on a shared machine wall time includes waiting) | $(( $(cut -d'|' -f2 <<<"$first") / 1024 )) MB |"
    echo "| later open | $(stats open_ms) ms | $(( rss_later / 1024 )) MB |"
    echo "| $(field lookups "$first") lookups after a later open ($(field records_found "$first") records, $(( $(field bytes_found "$first") / 1024 )) KB) | $(stats lookup_ms) ms | |"
    echo "| later open + lookups, whole process | $(printf '%s\n' "${later[@]}" | cut -d'|' -f3 | sort | head -1) wall (best) | |"
} >"$OUT"
echo
cat "$OUT"
