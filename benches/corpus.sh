#!/usr/bin/env bash
# Fetch a large body of real Rust-ecosystem source text from crates.io (via
# `cargo fetch` in scratch projects outside the repo), unpack every downloaded
# .crate into benches/work/crates-src/NAME-VERSION/, and assemble a ~200 MB
# (du -sb) text-only tree at benches/work/corpus-200mb.
#
# Several versions of many crates are fetched on purpose (older semver-major
# lines and a series of releases of a few popular crates): history-repo.sh
# replays them as successive commits.
#
# Usage: benches/corpus.sh [--force]
#   --force   re-run every fetch and rebuild crates-src and corpus-200mb
# Env:
#   CORPUS_FETCH_DIR   scratch cargo projects (default /tmp/tollgate-corpus-fetch)
#   CORPUS_BYTES       target size of corpus-200mb in bytes (default 200000000)
#   CORPUS_MAJORS      older semver-compatible lines fetched per family (default 6)
#   CORPUS_SERIES      releases fetched per "series" crate (default 10)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# Where corpora and results live. benches/work is git-ignored and `scan` skips ignored
# files inside a repository (as it must), so scan figures want TOLLGATE_BENCH_WORK set
# to a folder outside any repository.
WORK="${TOLLGATE_BENCH_WORK:-$HERE/work}"
FETCH="${CORPUS_FETCH_DIR:-/tmp/tollgate-corpus-fetch}"
SRC="$WORK/crates-src"
CORPUS="$WORK/corpus-200mb"
CORPUS_BYTES="${CORPUS_BYTES:-200000000}"
CORPUS_MAJORS="${CORPUS_MAJORS:-6}"
CORPUS_SERIES="${CORPUS_SERIES:-10}"
CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
NICE=(nice -n 10)

FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

command -v cargo >/dev/null || { echo "corpus.sh: cargo not found" >&2; exit 1; }
command -v python3 >/dev/null || { echo "corpus.sh: python3 not found" >&2; exit 1; }

START=$(date +%s)
mkdir -p "$WORK" "$FETCH"

if [ "$FORCE" = 1 ]; then
    rm -rf "$SRC" "$CORPUS" "$WORK/.corpus-200mb.done"
    find "$FETCH" -name .fetched -delete 2>/dev/null || true
fi

if [ -f "$WORK/.corpus-200mb.done" ] && [ -d "$CORPUS" ] && [ -d "$SRC" ]; then
    echo "corpus.sh: $CORPUS already built ($(du -sb "$CORPUS" | cut -f1) bytes); use --force to rebuild"
    exit 0
fi

# ---------------------------------------------------------------------------
# 1. scratch cargo projects + cargo fetch
# ---------------------------------------------------------------------------

# new_project DIR NAME: write an empty lib crate; dependencies are appended.
new_project() {
    mkdir -p "$1/src"
    : > "$1/src/lib.rs"
    cat > "$1/Cargo.toml" <<EOF
[package]
name = "$2"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
EOF
}

# fetch DIR: cargo fetch once (marker file makes it idempotent).
fetch() {
    local dir="$1"
    [ -f "$dir/.fetched" ] && return 0
    if (cd "$dir" && "${NICE[@]}" cargo fetch --quiet) >"$dir/fetch.log" 2>&1; then
        touch "$dir/.fetched"
        return 0
    fi
    echo "  cargo fetch failed in $dir (see $dir/fetch.log)" >&2
    return 1
}

echo "== cargo fetch: latest popular crates"
LATEST="$FETCH/latest"
new_project "$LATEST" tollgate-corpus-latest
cat >> "$LATEST/Cargo.toml" <<'EOF'
tokio = { version = "1", features = ["full"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_yaml = "0.9"
toml = "0.8"
syn = { version = "2", features = ["full"] }
quote = "1"
proc-macro2 = "1"
regex = "1"
clap = { version = "4", features = ["derive"] }
reqwest = { version = "0.12", features = ["json", "blocking"] }
hyper = { version = "1", features = ["full"] }
rustls = "0.23"
aws-config = "1"
aws-sdk-s3 = "1"
aws-sdk-dynamodb = "1"
aws-sdk-ec2 = "1"
windows-sys = "0.59"
windows = "0.58"
libc = "0.2"
rayon = "1"
diesel = { version = "2", features = ["postgres", "sqlite", "mysql"] }
sqlx = { version = "0.8", features = ["runtime-tokio", "postgres", "mysql", "sqlite"] }
tonic = "0.12"
prost = "0.13"
bevy = "0.14"
wasm-bindgen = "0.2"
web-sys = "0.3"
js-sys = "0.3"
image = "0.25"
gix = "0.66"
chrono = "0.4"
time = "0.3"
tracing = "0.1"
tracing-subscriber = "0.3"
anyhow = "1"
thiserror = "1"
actix-web = "4"
axum = "0.7"
tower = "0.5"
futures = "0.3"
rand = "0.8"
crossbeam = "0.8"
parking_lot = "0.12"
nix = "0.29"
openssl = "0.10"
ring = "0.17"
rusqlite = { version = "0.32", features = ["bundled"] }
git2 = "0.19"
redis = "0.27"
mongodb = "3"
kube = "0.95"
k8s-openapi = { version = "0.23", features = ["latest"] }
ignore = "0.4"
walkdir = "2"
EOF
fetch "$LATEST" || { echo "corpus.sh: the main fetch failed" >&2; exit 1; }

# Older versions. The sparse-index cache written by the fetch above already
# lists every published version of the crates in that graph, so versions are
# picked locally from it (no extra registry look-ups besides the fetches).
#   families: the newest release of each of the last CORPUS_MAJORS
#             semver-incompatible lines, as renamed deps in one project
#   series:   CORPUS_SERIES releases spread over the newest line, one project each
FAMILIES="tokio hyper reqwest rustls syn clap rand nom base64 image prost tonic gix
bevy_ecs windows-sys nix sqlx diesel regex regex-syntax serde_json tracing-subscriber
actix-web axum tower chrono mio bytes http h2 tokio-util futures itertools hashbrown
indexmap thiserror toml serde_yaml env_logger quick-xml aws-sdk-s3 bitflags
parking_lot crossbeam-channel rayon openssl git2 rusqlite redis mongodb kube wgpu
naga winit gix-odb gix-pack tower-http tracing quinn webpki-roots ahash heck"
SERIES="tokio serde serde_json regex clap syn hyper reqwest rustls rayon libc anyhow
tracing futures axum"

PLAN="$FETCH/plan.tsv"
CARGO_HOME="$CARGO_HOME" CORPUS_MAJORS="$CORPUS_MAJORS" CORPUS_SERIES="$CORPUS_SERIES" \
FAMILIES="$FAMILIES" SERIES="$SERIES" python3 - > "$PLAN" <<'PY'
import glob, json, os, re, sys

cache = {}
for p in glob.glob(os.path.join(os.environ["CARGO_HOME"], "registry/index/*/.cache/**/*"), recursive=True):
    if os.path.isfile(p):
        cache.setdefault(os.path.basename(p), p)

def versions(name):
    p = cache.get(name)
    if not p:
        return []
    out = []
    for part in open(p, "rb").read().split(b"\0"):
        if not part.startswith(b"{"):
            continue
        try:
            d = json.loads(part)
        except ValueError:
            continue
        v = d.get("vers", "")
        m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", v)
        if d.get("yanked") or not m:
            continue
        out.append(tuple(int(x) for x in m.groups()))
    return sorted(set(out))

def compat(v):
    return (v[0],) if v[0] else ((0, v[1]) if v[1] else (0, 0, v[2]))

def vs(v):
    return "%d.%d.%d" % v

majors = int(os.environ["CORPUS_MAJORS"])
series = int(os.environ["CORPUS_SERIES"])
for name in os.environ["FAMILIES"].split():
    lines = {}
    for v in versions(name):
        lines[compat(v)] = v          # newest release of each line
    keys = sorted(lines)[:-1][-majors:]   # skip the newest line (already fetched)
    for k in keys:
        print("family\t%s\t%s" % (name, vs(lines[k])))
for name in os.environ["SERIES"].split():
    vv = versions(name)
    if not vv:
        continue
    newest = [v for v in vv if compat(v) == compat(vv[-1])]
    n = min(series, len(newest))
    picks = sorted({newest[round(i * (len(newest) - 1) / max(n - 1, 1))] for i in range(n)})
    for v in picks[:-1]:              # the newest one is in the latest graph
        print("series\t%s\t%s" % (name, vs(v)))
PY

echo "== cargo fetch: $(grep -c '^family' "$PLAN") older release lines, $(grep -c '^series' "$PLAN") series releases"

# families: one project per crate with all its older lines as renamed deps;
# if cargo cannot resolve them together, fall back to one project per version.
for name in $(awk -F'\t' '$1=="family"{print $2}' "$PLAN" | uniq); do
    dir="$FETCH/family-$name"
    if [ ! -f "$dir/.fetched" ]; then
        new_project "$dir" "tollgate-corpus-family"
        awk -F'\t' -v n="$name" '$1=="family" && $2==n {
            alias = n "_" $3; gsub(/[.-]/, "_", alias)
            printf "%s = { package = \"%s\", version = \"=%s\" }\n", alias, n, $3 }' \
            "$PLAN" >> "$dir/Cargo.toml"
    fi
    if ! fetch "$dir" 2>/dev/null; then
        echo "  $name: lines do not resolve together; fetching one by one"
        awk -F'\t' -v n="$name" '$1=="family" && $2==n {print $3}' "$PLAN" | while read -r ver; do
            one="$FETCH/version-$name-$ver"
            [ -f "$one/.fetched" ] || { new_project "$one" tollgate-corpus-one
                printf '%s = "=%s"\n' "$name" "$ver" >> "$one/Cargo.toml"; }
            fetch "$one" || true
        done
        touch "$dir/.fetched"
    fi
done

awk -F'\t' '$1=="series"{print $2, $3}' "$PLAN" | while read -r name ver; do
    one="$FETCH/version-$name-$ver"
    [ -f "$one/.fetched" ] || { new_project "$one" tollgate-corpus-one
        printf '%s = "=%s"\n' "$name" "$ver" >> "$one/Cargo.toml"; }
    fetch "$one" || true
done

echo "== fetched $(find "$CARGO_HOME"/registry/cache -name '*.crate' | wc -l) .crate files ($(du -sh "$CARGO_HOME/registry/cache" | cut -f1))"

# ---------------------------------------------------------------------------
# 2. unpack (cargo fetch only downloads .crate files into registry/cache)
# ---------------------------------------------------------------------------
mkdir -p "$SRC"
# shellcheck disable=SC2016  # the sh -c script expands its own variables
find "$CARGO_HOME"/registry/cache -name '*.crate' -print0 |
    SRC="$SRC" "${NICE[@]}" xargs -0 -r -n 16 -P 2 sh -c '
        for f in "$@"; do
            d=$(basename "$f" .crate)
            [ -d "$SRC/$d" ] && continue
            t=$(mktemp -d "$SRC/.unpack.XXXXXX")
            if tar xzf "$f" -C "$t" 2>/dev/null && [ -d "$t/$d" ]; then
                chmod -R u+rwX "$t/$d"; mv "$t/$d" "$SRC/$d"
            else
                echo "  could not unpack $f" >&2
            fi
            rm -rf "$t"
        done' sh
echo "== unpacked $(find "$SRC" -mindepth 1 -maxdepth 1 -type d | wc -l) crates into $SRC ($(du -sb "$SRC" | cut -f1) bytes)"

# ---------------------------------------------------------------------------
# 3. corpus-200mb: text files only, newest version of each crate first, in a
#    hash-shuffled crate order, at most 6 MB from any one crate
# ---------------------------------------------------------------------------
rm -rf "$CORPUS" "$CORPUS.tmp"
SRC="$SRC" OUT="$CORPUS.tmp" TARGET="$CORPUS_BYTES" "${NICE[@]}" python3 - <<'PY'
import hashlib, os, re, shutil

src, out, target = os.environ["SRC"], os.environ["OUT"], int(os.environ["TARGET"])
PER_CRATE, MAX_FILE, DIR_BYTES = 6_000_000, 4_000_000, 4096

def split(d):
    m = re.match(r"^(.*?)-(\d+)\.(\d+)\.(\d+)(.*)$", d)
    return (m.group(1), tuple(int(m.group(i)) for i in (2, 3, 4)), m.group(5)) if m else (d, (0, 0, 0), "")

crates = {}
for d in os.listdir(src):
    if not d.startswith("."):
        name, ver, pre = split(d)
        crates.setdefault(name, []).append((ver, pre == "", d))
order = []
for rank in range(100):
    level = []
    for name, vers in crates.items():
        vers.sort(reverse=True)
        if rank < len(vers):
            level.append(vers[rank][2])
    if not level:
        break
    order += sorted(level, key=lambda d: hashlib.sha1(d.encode()).hexdigest())

def is_text(path):
    with open(path, "rb") as f:
        return b"\0" not in f.read(8192)

total = DIR_BYTES
files = 0
os.makedirs(out)
for d in order:
    if total >= target:
        break
    taken = 0
    made = set()
    for root, dirs, names in os.walk(os.path.join(src, d)):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            size = os.path.getsize(p)
            if size > MAX_FILE or taken + size > PER_CRATE or not is_text(p):
                continue
            rel = os.path.relpath(p, src)
            dst = os.path.join(out, rel)
            parent = os.path.dirname(rel)
            new_dirs = []
            while parent and parent not in made:
                new_dirs.append(parent)
                parent = os.path.dirname(parent)
            cost = size + DIR_BYTES * len(new_dirs)
            if total + cost > target:
                continue
            made.update(new_dirs)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(p, dst)
            total += cost
            taken += size
            files += 1
print("== corpus: %d files, ~%d bytes (estimate)" % (files, total))
PY
mv "$CORPUS.tmp" "$CORPUS"
touch "$WORK/.corpus-200mb.done"

BYTES=$(du -sb "$CORPUS" | cut -f1)
NFILES=$(find "$CORPUS" -type f | wc -l)
END=$(date +%s)
printf 'corpus.sh: %s: %d files, %d bytes (du -sb, %d MB); crates-src: %s bytes; took %ds\n' \
    "$CORPUS" "$NFILES" "$BYTES" "$((BYTES / 1000000))" \
    "$(du -sb "$SRC" | cut -f1)" "$((END - START))" | tee "$WORK/corpus.stats"
