#!/usr/bin/env bash
# The pre-commit cost of LARGE staged changes: for N = 5, 500 and 5000 staged
# files in the big repository built by big-repo.sh (55,000 files), time
#   git diff --cached              (the floor: git producing the staged diff)
#   tollgate-secrets pre-commit    (for each binary directory given)
# with one `hyperfine --warmup 3 --runs 20 -N -i` run per N, and write a
# markdown table to benches/work/results/large-change.md.
#
# Each N gets its own copy of big-repo (cp -a, so the index is the copy's own)
# at benches/work/large-change/nN, reset to HEAD and then staged with:
#   round(N*0.6) modified files: existing *.rs files picked with
#                awk '(NR - 1) % k == 0' over `git ls-files`, a few lines appended
#   the rest     new files: *.rs files under 128 KiB picked the same way from a
#                sorted listing of benches/work/crates-src (real source text),
#                under services/large-change/, plus one config file holding a
#                fake AWS key pair (seeded random, so the copies are
#                reproducible; tollgate-secrets exits 1 on it, hence -i)
# The copies are made once and reused (a marker records N and big-repo's
# HEAD); --force rebuilds them. Before timing, every binary is run once and
# must exit 0 or 1 (hyperfine's -i would hide a crash or a usage error).
#
# Usage: benches/large-change.sh [--force]
#   --force   rebuild the copies
# Env:   TOLLGATE_BIN_DIRS   space-separated directories holding tollgate-secrets
#                            (default <repo>/target/release)
#        LARGE_CHANGE_NS     the values of N (default "5 500 5000")
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# Where corpora and results live. benches/work is git-ignored and `scan` skips ignored
# files inside a repository (as it must), so scan figures want TOLLGATE_BENCH_WORK set
# to a folder outside any repository.
WORK="${TOLLGATE_BENCH_WORK:-$HERE/work}"
SRC="$WORK/crates-src"
BIG="$WORK/big-repo"
COPIES="$WORK/large-change"
OUT="$WORK/results"
read -r -a BIN_DIRS <<< "${TOLLGATE_BIN_DIRS:-$ROOT/target/release}"
read -r -a NS <<< "${LARGE_CHANGE_NS:-5 500 5000}"
NICE=(nice -n 10)

FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# git without the user's or the system's configuration; tollgate without a policy override
GIT_CONFIG_NOSYSTEM=1
GIT_CONFIG_GLOBAL=/dev/null
NO_COLOR=1
export GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL NO_COLOR
unset TOLLGATE_POLICY GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE

for tool in hyperfine python3 git; do
    command -v "$tool" >/dev/null || { echo "large-change.sh: $tool is required" >&2; exit 1; }
done
[ -d "$BIG/.git" ] || { echo "large-change.sh: $BIG missing; run benches/big-repo.sh" >&2; exit 1; }
[ -d "$SRC" ] || { echo "large-change.sh: $SRC missing; run benches/corpus.sh" >&2; exit 1; }
[ "${#BIN_DIRS[@]}" -gt 0 ] || { echo "large-change.sh: TOLLGATE_BIN_DIRS is empty" >&2; exit 1; }
for d in "${BIN_DIRS[@]}"; do
    [ -x "$d/tollgate-secrets" ] || {
        echo "large-change.sh: $d/tollgate-secrets not found (build it with 'cargo build --release')" >&2
        exit 1
    }
done

START=$(date +%s)
BIG_HEAD=$(git -C "$BIG" rev-parse HEAD)
mkdir -p "$COPIES" "$OUT"

# make_copy N DIR: cp -a big-repo to DIR, reset it to HEAD, stage N files.
make_copy() {
    local n="$1" dir="$2" nmod nnew nsrc k f i=0
    local -a G=(git -C "$dir" -c core.autocrlf=false -c gc.auto=0)
    nmod=$(( (n * 6 + 5) / 10 ))
    nnew=$(( n - nmod ))
    nsrc=$(( nnew > 0 ? nnew - 1 : 0 ))    # one new file is the fake-key config
    rm -rf "$dir" "$dir.tmp"
    "${NICE[@]}" cp -a "$BIG" "$dir.tmp"
    # drop big-repo's own staged 5-file change; refreshes the index's stat data
    "${NICE[@]}" git -C "$dir.tmp" -c core.autocrlf=false reset -q --hard HEAD
    mv "$dir.tmp" "$dir"

    # modified: every k-th *.rs file of the index, a few lines appended
    local -a mods=()
    k=$(( $("${G[@]}" ls-files -- '*.rs' | wc -l) / (nmod > 0 ? nmod : 1) ))
    [ "$k" -ge 1 ] || k=1
    mapfile -t mods < <("${G[@]}" ls-files -- '*.rs' | awk -v k="$k" '(NR - 1) % k == 0' | head -n "$nmod")
    for f in "${mods[@]}"; do
        i=$((i + 1))
        printf '\n// large change %d\n#[allow(dead_code)]\nfn tollgate_large_change_%d() -> usize {\n    %d * 42\n}\n' \
            "$i" "$i" "$i" >> "$dir/$f"
    done

    # new: every k-th small *.rs file of crates-src, copied under services/large-change/
    local -a news=()
    if [ "$nsrc" -gt 0 ]; then
        local list="$COPIES/.crates-src-rs.list"
        if [ "$LISTED" = 0 ]; then     # list crates-src once per invocation
            (cd "$SRC" && find . -type f -name '*.rs' -size -128k -size +0 -print |
                sed 's|^\./||' | grep -v '["\\]' | LC_ALL=C sort) > "$list"
            LISTED=1
        fi
        k=$(( $(wc -l < "$list") / nsrc ))
        [ "$k" -ge 1 ] || k=1
        mapfile -t news < <(awk -v k="$k" '(NR - 1) % k == 0' "$list" | head -n "$nsrc")
        for f in "${news[@]}"; do
            mkdir -p "$dir/services/large-change/$(dirname "$f")"
            cp "$SRC/$f" "$dir/services/large-change/$f"
        done
    fi
    if [ "$nnew" -gt 0 ]; then
        # fake credentials, generated (never a literal in this script)
        mkdir -p "$dir/services/large-change/config"
        python3 - "$dir/services/large-change/config/deploy.env" "$n" <<'PY'
import random, string, sys
rng = random.Random(20240115 + int(sys.argv[2]))
up = string.ascii_uppercase + "234567"
b64 = string.ascii_letters + string.digits + "+/"
with open(sys.argv[1], "w") as f:
    f.write("# deployment settings\nREGION=eu-west-1\nBUCKET=assets-prod\n")
    f.write("AWS_ACCESS_KEY_ID=AKIA%s\n" % "".join(rng.choice(up) for _ in range(16)))
    f.write("AWS_SECRET_ACCESS_KEY=%s\n" % "".join(rng.choice(b64) for _ in range(40)))
    f.write("LOG_LEVEL=info\n")
PY
    fi
    # -f: keep files that some vendored .gitignore would otherwise hide
    { printf '%s\n' "${mods[@]}"; [ "$nnew" -eq 0 ] || echo services/large-change; } |
        "${NICE[@]}" "${G[@]}" add -f --pathspec-from-file=-
    "${G[@]}" update-index -q --refresh >/dev/null 2>&1 || true
}

# staged_count DIR -> number of staged paths
staged_count() { git -C "$1" diff --cached --name-only | wc -l; }

# hf_stat FILE INDEX FIELD -> seconds (mean/stddev/...) of one command
hf_stat() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.6f" % (r[sys.argv[3]] or 0))' "$1" "$2" "$3"
}
# fmt SECONDS -> "123.4 ms" or "12.34 s"
fmt() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%.1f ms", s * 1000; else printf "%.2f s", s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

echo "== copies of big-repo ($BIG_HEAD) in $COPIES"
LISTED=0
for n in "${NS[@]}"; do
    dir="$COPIES/n$n"
    marker="$COPIES/.n$n.done"
    if [ "$FORCE" = 0 ] && [ -d "$dir/.git" ] && [ -f "$marker" ] &&
        [ "$(cat "$marker")" = "$n $BIG_HEAD" ] && [ "$(staged_count "$dir")" -eq "$n" ]; then
        echo "   N=$n: reusing $dir"
        continue
    fi
    T0=$(date +%s)
    rm -f "$marker"
    make_copy "$n" "$dir"
    got=$(staged_count "$dir")
    [ "$got" -eq "$n" ] || { echo "large-change.sh: $dir has $got staged files, wanted $n" >&2; exit 1; }
    echo "$n $BIG_HEAD" > "$marker"
    echo "   N=$n: built $dir in $(( $(date +%s) - T0 ))s"
done

CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
NF=$(git -C "$BIG" ls-tree -r --name-only HEAD | wc -l)
MD="$OUT/large-change.md.tmp"
{
    echo "# pre-commit on large staged changes"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores ($CPU); $(git --version); hyperfine $(hyperfine --version | awk '{print $2}')"
    echo "- repository: copies of big-repo ($NF files); N staged files = round(0.6 N) modified *.rs (+6 lines each) + new files from crates-src (one holds a fake AWS key)"
    echo "- hyperfine --warmup 3 --runs 20 -N -i; output to /dev/null; floor = \`git diff --cached\`"
    i=0
    for d in "${BIN_DIRS[@]}"; do
        i=$((i + 1))
        echo "- binary $i: $d/tollgate-secrets ($(stat -c %s "$d/tollgate-secrets") bytes)"
    done
    echo
    hdr="| N | staged diff | floor: git diff --cached |"
    sep="| ---: | ---: | ---: |"
    i=0
    for d in "${BIN_DIRS[@]}"; do
        i=$((i + 1))
        hdr="$hdr binary $i pre-commit | binary $i / floor |"
        sep="$sep ---: | ---: |"
    done
    echo "$hdr"
    echo "$sep"
} > "$MD"

for n in "${NS[@]}"; do
    dir="$COPIES/n$n"
    echo "== N=$n"
    diff_bytes=$(git -C "$dir" diff --cached | wc -c)
    names=(-n 'git diff --cached')
    cmds=('git diff --cached')
    i=0
    codes=()
    for d in "${BIN_DIRS[@]}"; do
        i=$((i + 1))
        rc=0
        (cd "$dir" && "$d/tollgate-secrets" pre-commit > "$OUT/large-change-n$n-bin$i.out" 2>&1) || rc=$?
        if [ "$rc" -gt 1 ]; then
            echo "large-change.sh: $d/tollgate-secrets pre-commit exited $rc in $dir:" >&2
            tail -n 20 "$OUT/large-change-n$n-bin$i.out" >&2
            exit 1
        fi
        codes+=("$rc")
        names+=(-n "binary $i: tollgate-secrets pre-commit")
        cmds+=("'$d/tollgate-secrets' pre-commit")
    done
    json="$OUT/large-change-n$n.json"
    (cd "$dir" && hyperfine --style basic -N -i --warmup 3 --runs 20 --export-json "$json" "${names[@]}" "${cmds[@]}")
    g=$(hf_stat "$json" 0 mean); gs=$(hf_stat "$json" 0 stddev)
    row="| $n | $((diff_bytes / 1000)) kB | $(fmt "$g") ± $(fmt "$gs") |"
    i=0
    for d in "${BIN_DIRS[@]}"; do
        i=$((i + 1))
        t=$(hf_stat "$json" "$i" mean); ts=$(hf_stat "$json" "$i" stddev)
        row="$row $(fmt "$t") ± $(fmt "$ts") (exit ${codes[$((i - 1))]}) | $(ratio "$t" "$g") |"
    done
    echo "$row" >> "$MD"
done

{
    echo
    echo "Raw data: hyperfine JSON (large-change-nN.json) and each binary's output (large-change-nN-binI.out) in \`benches/work/results/\`; took $(( $(date +%s) - START ))s."
} >> "$MD"
mv "$MD" "$OUT/large-change.md"
echo
echo "==================== $OUT/large-change.md ===================="
cat "$OUT/large-change.md"
