#!/usr/bin/env bash
# Benchmark the dependency guard at pre-commit (issue: a change to a 1,500-package lock
# file judged against a full-size OSV database) against the `git diff --cached` floor,
# and show that a commit touching no manifest pays nothing measurable.
#
#   1. the database: benches/work/osv-db from benches/osv-db.sh (real all.zip sizes,
#      synthetic records); its index is built once before timing
#   2. a repository with a package-lock.json (v3) of 1,500 packages named after the most
#      popular npm packages, committed; then 10 versions bumped and 5 packages added, staged
#   3. hyperfine: `tollgate-deps pre-commit` vs `git diff --cached`; the same for a change
#      to a source file only; /usr/bin/time -v for peak memory
#
# Usage: benches/deps.sh   (TOLLGATE_BIN_DIR=DIR to time other binaries)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# Where corpora and results live. benches/work is git-ignored and `scan` skips ignored
# files inside a repository (as it must), so scan figures want TOLLGATE_BENCH_WORK set
# to a folder outside any repository.
WORK="${TOLLGATE_BENCH_WORK:-$HERE/work}"
DB="$WORK/osv-db"
REPO="$WORK/deps-repo"
BIN="${TOLLGATE_BIN_DIR:-$ROOT/target/release}"

[ -f "$DB/lookups.txt" ] || "$HERE/osv-db.sh"
[ -x "$BIN/tollgate-deps" ] || (cd "$ROOT" && cargo build --release --locked --bin tollgate-deps)
command -v hyperfine >/dev/null || { echo "deps.sh: hyperfine is required (apt-get install -y hyperfine)" >&2; exit 1; }

rm -rf "$REPO"
mkdir -p "$REPO"
cd "$REPO"
git init -q
git config user.email bench@example.com
git config user.name bench
python3 - "$ROOT/crates/deps/data/popular/npm-targets.txt" <<'PY'
import json, sys
names = [n.strip() for n in open(sys.argv[1]) if n.strip() and not n.startswith('#')][:1500]
def lock(versions):
    packages = {"": {"name": "app", "version": "1.0.0",
                     "dependencies": {n: "^" + versions[n] for n in list(versions)[:40]}}}
    for n, v in versions.items():
        packages["node_modules/" + n] = {"version": v, "resolved": f"https://registry.npmjs.org/{n}/-/{n.split('/')[-1]}-{v}.tgz",
                                         "integrity": "sha512-" + "A" * 86 + "=="}
    return {"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}
versions = {n: f"{1 + i % 7}.{i % 13}.{i % 5}" for i, n in enumerate(names[:1495])}
json.dump(lock(versions), open("package-lock.json", "w"), indent=2)
open("index.js", "w").write("module.exports = 1;\n")
PY
git add -A && git commit -qm base
python3 - <<'PY'
import json
lock = json.load(open("package-lock.json"))
pk = lock["packages"]
for i, k in enumerate([k for k in pk if k][:10]):
    pk[k]["version"] = "9.9.%d" % i
for n in ["lodash-extra-bench", "left-pad", "minimist", "express", "qs"]:
    pk.setdefault("node_modules/" + n, {"version": "0.0.1"})
json.dump(lock, open("package-lock.json", "w"), indent=2)
PY
git add package-lock.json
echo "staged: $(git diff --cached --numstat | awk '{print $1 " lines added"}') in a $(wc -c < package-lock.json)-byte lock of $(grep -c '"node_modules/' package-lock.json) packages"

DEPS="$BIN/tollgate-deps --osv-db $DB --format json pre-commit"
$DEPS > /dev/null || true   # builds the index if it is missing
hyperfine -N --warmup 3 --runs 30 --export-markdown "$WORK/deps-lock.md" \
    -n "tollgate-deps pre-commit (1,500-package lock)" "$DEPS" \
    -n "git diff --cached" "git diff --cached" || true
/usr/bin/time -v $DEPS 2>&1 >/dev/null | grep -E "Maximum resident|Elapsed" || true

git stash -q
echo "module.exports = 2;" > index.js
git add index.js
hyperfine -N --warmup 3 --runs 30 --export-markdown "$WORK/deps-none.md" \
    -n "tollgate-deps pre-commit (no manifest)" "$DEPS" \
    -n "git diff --cached" "git diff --cached" || true
