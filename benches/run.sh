#!/usr/bin/env bash
# Run tollgate's benchmarks against the data built by corpus.sh, big-repo.sh
# and history-repo.sh, and write a markdown summary to benches/work/results.md.
#
#   1. pre-commit on big-repo (55k files, 5 staged files):
#        hyperfine 'git diff --cached'  vs  'tollgate-secrets pre-commit'
#   2. scan throughput on corpus-200mb: /usr/bin/time -v (MB/s, max RSS) and
#      hyperfine --runs 3; `cat` of every file as a read floor
#   3. history on history-repo (12k commits): hyperfine --runs 3
#        'git log -p --all'  vs  'tollgate-secrets history --format json',
#      /usr/bin/time -v for peak RSS, MB of added content per second
#
# If target/release/tollgate-secrets does not exist yet only the git (and
# read) floors are measured.
#
# Usage: benches/run.sh [--git-only] [--only precommit|scan|history]
# Env:   TOLLGATE_BIN_DIR   where the binaries are (default <repo>/target/release)
#        HISTORY_RUNS       hyperfine runs for the history benchmark (default 3)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# Where corpora and results live. benches/work is git-ignored and `scan` skips ignored
# files inside a repository (as it must), so scan figures want TOLLGATE_BENCH_WORK set
# to a folder outside any repository.
WORK="${TOLLGATE_BENCH_WORK:-$HERE/work}"
OUT="$WORK/results"
BIN="${TOLLGATE_BIN_DIR:-$ROOT/target/release}"
SECRETS="$BIN/tollgate-secrets"
CORPUS="$WORK/corpus-200mb"
BIG="$WORK/big-repo"
HIST="$WORK/history-repo"
HISTORY_RUNS="${HISTORY_RUNS:-3}"

GIT_ONLY=0
ONLY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --git-only) GIT_ONLY=1 ;;
        --only) ONLY="$2"; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

for tool in hyperfine python3 git; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required (apt-get install -y $tool)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is required (apt-get install -y time)" >&2; exit 1; }

HAVE_BIN=1
if [ "$GIT_ONLY" = 1 ]; then
    HAVE_BIN=0
    echo "run.sh: --git-only: measuring the git / read floors only"
elif [ ! -x "$SECRETS" ]; then
    HAVE_BIN=0
    echo "run.sh: $SECRETS not found (build it with 'cargo build --release');"
    echo "        measuring the git / read floors only"
fi

mkdir -p "$OUT"
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }
HF=(hyperfine --style basic)

# hf_stat FILE INDEX FIELD -> seconds (mean/stddev/min/max/median) of one command
hf_stat() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.6f" % (r[sys.argv[3]] or 0))' "$1" "$2" "$3"
}
# fmt SECONDS -> "123.4 ms" or "12.34 s"
fmt() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%.1f ms", s * 1000; else printf "%.2f s", s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
# time_v FILE -> "WALL_SECONDS MAX_RSS_KB" from /usr/bin/time -v output
time_v() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); t = 0; for (i = 1; i <= n; i++) t = t * 60 + p[i] }
                /Maximum resident set size/ { r = $2 }
                END { printf "%.3f %d\n", t, r }' "$1"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "n/a" }'; }

CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "uncommitted")
MD="$OUT/results.md.tmp"
{
    echo "# tollgate benchmarks"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); tollgate revision: $REV"
    echo "- machine: $(nproc) cores ($CPU), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(git --version); hyperfine $(hyperfine --version | awk '{print $2}')"
    if [ "$HAVE_BIN" = 1 ]; then
        echo "- binary: $SECRETS ($(stat -c %s "$SECRETS") bytes)"
        if [ -x "$BIN/tollgate" ]; then echo "- also present: $BIN/tollgate"; fi
    else
        echo "- binary: **not measured** ($SECRETS missing or --git-only): git / read floors only"
    fi
    echo
} > "$MD"

# ---------------------------------------------------------------------------
if want precommit; then
    if [ ! -d "$BIG/.git" ]; then
        echo "run.sh: $BIG missing; run benches/big-repo.sh" >&2
        printf '## pre-commit\n\nskipped: big-repo not built (benches/big-repo.sh)\n\n' >> "$MD"
    else
        echo "== pre-commit on big-repo"
        if git -C "$BIG" diff --cached --quiet; then
            echo "run.sh: nothing staged in $BIG; run benches/big-repo.sh to re-stage the change" >&2
            exit 1
        fi
        NF=$(git -C "$BIG" ls-files | wc -l)
        STAGED=$(git -C "$BIG" diff --cached --name-only | wc -l)
        cmds=('git diff --cached')
        if [ "$HAVE_BIN" = 1 ]; then cmds+=("$SECRETS pre-commit"); fi
        (cd "$BIG" && "${HF[@]}" -N -i --warmup 3 --export-json "$OUT/precommit.json" "${cmds[@]}")
        g=$(hf_stat "$OUT/precommit.json" 0 mean); gs=$(hf_stat "$OUT/precommit.json" 0 stddev)
        {
            echo "## pre-commit (big-repo: $NF files, $STAGED staged files)"
            echo
            echo "| command | mean | ± stddev | vs git |"
            echo "| --- | --- | --- | --- |"
            echo "| \`git diff --cached\` | $(fmt "$g") | $(fmt "$gs") | 1.0x |"
            if [ "$HAVE_BIN" = 1 ]; then
                t=$(hf_stat "$OUT/precommit.json" 1 mean); ts=$(hf_stat "$OUT/precommit.json" 1 stddev)
                echo "| \`tollgate-secrets pre-commit\` | $(fmt "$t") | $(fmt "$ts") | $(ratio "$t" "$g") |"
            fi
            echo
        } >> "$MD"
    fi
fi

# ---------------------------------------------------------------------------
if want scan; then
    if [ ! -d "$CORPUS" ]; then
        echo "run.sh: $CORPUS missing; run benches/corpus.sh" >&2
        printf '## scan\n\nskipped: corpus not built (benches/corpus.sh)\n\n' >> "$MD"
    else
        echo "== scan throughput on corpus-200mb"
        BYTES=$(du -sb "$CORPUS" | cut -f1)
        NF=$(find "$CORPUS" -type f | wc -l)
        cmds=("find '$CORPUS' -type f -print0 | xargs -0 cat")
        if [ "$HAVE_BIN" = 1 ]; then cmds+=("'$SECRETS' scan '$CORPUS' --format json"); fi
        "${HF[@]}" --shell=bash -i --warmup 1 --runs 3 --export-json "$OUT/scan.json" "${cmds[@]}"
        c=$(hf_stat "$OUT/scan.json" 0 mean)
        {
            echo "## scan (corpus-200mb: $NF files, $BYTES bytes by du -sb)"
            echo
            echo "| command | mean (3 runs) | MB/s | max RSS |"
            echo "| --- | --- | --- | --- |"
            echo "| read floor: \`cat\` of every file (find + xargs) | $(fmt "$c") | $(mbps "$BYTES" "$c") | |"
        } >> "$MD"
        if [ "$HAVE_BIN" = 1 ]; then
            rc=0
            /usr/bin/time -v -o "$OUT/scan.time" "$SECRETS" scan "$CORPUS" --format json > "$OUT/scan-output.json" || rc=$?
            [ "$rc" -le 1 ] || echo "run.sh: warning: tollgate-secrets scan exited with $rc" >&2
            read -r wall rss < <(time_v "$OUT/scan.time")
            t=$(hf_stat "$OUT/scan.json" 1 mean)
            {
                echo "| \`tollgate-secrets scan --format json\` | $(fmt "$t") | $(mbps "$BYTES" "$t") | |"
                echo "| same, single run under \`/usr/bin/time -v\` (exit $rc) | $(fmt "$wall") | $(mbps "$BYTES" "$wall") | $(mib "$rss") |"
            } >> "$MD"
            echo "   scan output: $OUT/scan-output.json ($(wc -c < "$OUT/scan-output.json") bytes)"
        fi
        echo >> "$MD"
    fi
fi

# ---------------------------------------------------------------------------
if want history; then
    if [ ! -d "$HIST/.git" ]; then
        echo "run.sh: $HIST missing; run benches/history-repo.sh" >&2
        printf '## history\n\nskipped: history-repo not built (benches/history-repo.sh)\n\n' >> "$MD"
    else
        echo "== history on history-repo"
        COMMITS=$(git -C "$HIST" rev-list --all --count)
        ADDED=$(awk -F= '$1 == "added_bytes" { print $2 }' "$WORK/history-repo.stats" 2>/dev/null || true)
        if [ -z "$ADDED" ]; then
            ADDED=$(git -C "$HIST" log -p --all | LC_ALL=C grep -a '^+' | wc -c)
        fi
        cmds=('git log -p --all')
        if [ "$HAVE_BIN" = 1 ]; then cmds+=("$SECRETS history --format json"); fi
        (cd "$HIST" && "${HF[@]}" -N -i --warmup 1 --runs "$HISTORY_RUNS" --export-json "$OUT/history.json" "${cmds[@]}")
        (cd "$HIST" && /usr/bin/time -v -o "$OUT/gitlog.time" git log -p --all > /dev/null)
        read -r gwall grss < <(time_v "$OUT/gitlog.time")
        g=$(hf_stat "$OUT/history.json" 0 mean); gs=$(hf_stat "$OUT/history.json" 0 stddev)
        {
            echo "## history (history-repo: $COMMITS commits, $ADDED bytes of added lines)"
            echo
            echo "| command | mean ($HISTORY_RUNS runs) | ± stddev | vs git | MB added/s | max RSS |"
            echo "| --- | --- | --- | --- | --- | --- |"
            echo "| \`git log -p --all\` | $(fmt "$g") | $(fmt "$gs") | 1.0x | $(mbps "$ADDED" "$g") | $(mib "$grss") |"
        } >> "$MD"
        if [ "$HAVE_BIN" = 1 ]; then
            rc=0
            (cd "$HIST" && /usr/bin/time -v -o "$OUT/history.time" "$SECRETS" history --format json > "$OUT/history-output.json") || rc=$?
            [ "$rc" -le 1 ] || echo "run.sh: warning: tollgate-secrets history exited with $rc" >&2
            read -r wall rss < <(time_v "$OUT/history.time")
            t=$(hf_stat "$OUT/history.json" 1 mean); ts=$(hf_stat "$OUT/history.json" 1 stddev)
            echo "| \`tollgate-secrets history --format json\` | $(fmt "$t") | $(fmt "$ts") | $(ratio "$t" "$g") | $(mbps "$ADDED" "$t") | $(mib "$rss") (exit $rc, $(fmt "$wall") under time -v) |" >> "$MD"
            echo "   history output: $OUT/history-output.json ($(wc -c < "$OUT/history-output.json") bytes)"
        fi
        printf '\n(git log -p --all, single run under time -v: %s)\n' "$(fmt "$gwall")" >> "$MD"
        echo >> "$MD"
    fi
fi

echo "Raw data: hyperfine JSON and /usr/bin/time -v output in \`benches/work/results/\`." >> "$MD"
mv "$MD" "$WORK/results.md"
echo
echo "==================== $WORK/results.md ===================="
cat "$WORK/results.md"
