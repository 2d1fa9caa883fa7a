#!/usr/bin/env bash
# Build benches/work/big-repo: a git repository of >= 50,000 real text files
# (taken from the crates unpacked by corpus.sh) laid out as a monorepo
# (area/crate/... with at most ~20 files per directory), committed in one
# commit, plus a staged-but-uncommitted 5-file change (3 existing files get a
# few appended lines, 2 new files are added; one of them holds a randomly
# generated fake AWS key pair so the pre-commit scan has something to report).
#
# Usage: benches/big-repo.sh [--force]
# Env:   BIG_REPO_FILES   number of files to commit (default 55000)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# Where corpora and results live. benches/work is git-ignored and `scan` skips ignored
# files inside a repository (as it must), so scan figures want TOLLGATE_BENCH_WORK set
# to a folder outside any repository.
WORK="${TOLLGATE_BENCH_WORK:-$HERE/work}"
SRC="$WORK/crates-src"
REPO="$WORK/big-repo"
NFILES_WANTED="${BIG_REPO_FILES:-55000}"
NICE=(nice -n 10)

FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

START=$(date +%s)
G=(git -C "$REPO" -c core.autocrlf=false -c gc.auto=0)

stage_change() {
    # 3 modified files (append a few lines) + 2 new files, staged only.
    local files f i=0
    mapfile -t files < <("${G[@]}" ls-files -- '*.rs' | awk 'NR % 9973 == 1' | head -n 3)
    for f in "${files[@]}"; do
        i=$((i + 1))
        printf '\n// bench change %d\n#[allow(dead_code)]\nfn tollgate_bench_change_%d() -> usize {\n    %d * 42\n}\n' \
            "$i" "$i" "$i" >> "$REPO/$f"
    done
    mkdir -p "$REPO/services/bench-change/src" "$REPO/services/bench-change/config"
    cat > "$REPO/services/bench-change/src/lib.rs" <<'EOF'
//! Small new module added by the benchmark's staged change.
use std::collections::HashMap;

pub struct Settings {
    values: HashMap<String, String>,
}

impl Settings {
    pub fn from_env_file(text: &str) -> Self {
        let values = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Settings { values }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }
}
EOF
    # fake credentials, generated at build time (never a literal in this script)
    python3 - "$REPO/services/bench-change/config/deploy.env" <<'PY'
import secrets, string, sys
up = string.ascii_uppercase + "234567"
b64 = string.ascii_letters + string.digits + "+/"
with open(sys.argv[1], "w") as f:
    f.write("# deployment settings\nREGION=eu-west-1\nBUCKET=assets-prod\n")
    f.write("AWS_ACCESS_KEY_ID=AKIA%s\n" % "".join(secrets.choice(up) for _ in range(16)))
    f.write("AWS_SECRET_ACCESS_KEY=%s\n" % "".join(secrets.choice(b64) for _ in range(40)))
    f.write("LOG_LEVEL=info\n")
PY
    "${G[@]}" add -- "${files[@]}" services/bench-change
    echo "staged change:"
    "${G[@]}" diff --cached --stat | sed 's/^/  /'
}

if [ "$FORCE" = 1 ]; then rm -rf "$REPO" "$WORK/.big-repo.done"; fi

if [ -f "$WORK/.big-repo.done" ] && [ -d "$REPO/.git" ]; then
    if "${G[@]}" diff --cached --quiet; then
        echo "big-repo.sh: $REPO exists but nothing is staged; re-staging the 5-file change"
        stage_change
    fi
    echo "big-repo.sh: $REPO already built; use --force to rebuild"
    echo "files committed: $("${G[@]}" ls-tree -r --name-only HEAD | wc -l)"
    exit 0
fi

[ -d "$SRC" ] || { echo "big-repo.sh: $SRC missing; run benches/corpus.sh first" >&2; exit 1; }

rm -rf "$REPO"
mkdir -p "$REPO"
echo "== copying files"
SRC="$SRC" OUT="$REPO" WANT="$NFILES_WANTED" "${NICE[@]}" python3 - <<'PY'
import hashlib, os, re, shutil

src, out, want = os.environ["SRC"], os.environ["OUT"], int(os.environ["WANT"])
AREAS = ["services", "libs", "tools", "platform", "third_party/rust", "sdk/clients", "infra/agents"]
PER_DIR, MIN_DIR, MAX_FILE, PER_CRATE = 20, 8, 2_000_000, 1500
SKIP = {".gitattributes", ".gitmodules"}

def split(d):
    m = re.match(r"^(.*?)-(\d+)\.(\d+)\.(\d+)(.*)$", d)
    return (m.group(1), tuple(int(m.group(i)) for i in (2, 3, 4))) if m else (d, (0, 0, 0))

newest = {}
for d in os.listdir(src):
    if d.startswith("."):
        continue
    name, ver = split(d)
    if name not in newest or ver > newest[name][0]:
        newest[name] = (ver, d)
order = sorted(newest, key=lambda n: hashlib.sha1(n.encode()).hexdigest())

def is_text(p):
    with open(p, "rb") as f:
        return b"\0" not in f.read(8192)

def layout(files):
    """files: crate-relative paths. Returns {src_rel: dst_rel} with leaf
    directories of fewer than MIN_DIR files folded into their parent (while
    the parent stays <= PER_DIR files) and over-full ones split into part-NN."""
    tree = {}
    for f in files:
        tree.setdefault(os.path.dirname(f), []).append(f)
    dst = {f: f for f in files}
    names = {d: {os.path.basename(f) for f in fs} for d, fs in tree.items()}
    def children(d):
        return [c for c in tree if c != d and os.path.dirname(c) == d]
    changed = True
    while changed:
        changed = False
        for d in sorted(tree, key=lambda x: -x.count("/")):
            if not d or d not in tree or children(d):
                continue
            parent = os.path.dirname(d)
            fs = tree[d]
            have = tree.get(parent, [])
            if len(fs) >= MIN_DIR or len(have) + len(fs) > PER_DIR:
                continue
            pn = names.setdefault(parent, set())
            for f in fs:
                n = os.path.basename(dst[f])
                if n in pn:
                    n = os.path.basename(d) + "_" + n
                pn.add(n)
                dst[f] = os.path.join(parent, n)
            tree.setdefault(parent, []).extend(fs)
            del tree[d]
            changed = True
    for d, fs in tree.items():
        if len(fs) > PER_DIR:
            for i, f in enumerate(sorted(fs)):
                dst[f] = os.path.join(d, "part-%02d" % (i // 15 + 1), os.path.basename(dst[f]))
    return dst

count = 0
for name in order:
    if count >= want:
        break
    d = newest[name][1]
    top = os.path.join(src, d)
    h = int(hashlib.sha1(name.encode()).hexdigest(), 16)
    base = os.path.join(AREAS[h % len(AREAS)], name)
    picked = []
    for root, subdirs, names in os.walk(top):
        subdirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            if n in SKIP or "\n" in n or os.path.islink(p) or not os.path.isfile(p):
                continue
            if os.path.getsize(p) > MAX_FILE or not is_text(p):
                continue
            picked.append(os.path.relpath(p, top))
    picked = picked[: max(0, min(PER_CRATE, want - count))]
    for f, g in layout(picked).items():
        out_path = os.path.join(out, base, g)
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        shutil.copyfile(os.path.join(top, f), out_path)
    count += len(picked)

dirs = files = 0
for root, _, names in os.walk(out):
    if names:
        dirs += 1
        files += len(names)
print("copied %d files into %d directories (%.1f files per directory)" % (files, dirs, files / max(dirs, 1)))
PY

echo "== git add + commit"
"${G[@]}" init -q -b main
"${G[@]}" config user.name "Bench Builder"
"${G[@]}" config user.email "bench@example.invalid"
"${G[@]}" config gc.auto 0
# -f: keep files that some vendored .gitignore would otherwise hide
"${NICE[@]}" "${G[@]}" add -A -f .
GIT_AUTHOR_DATE="2024-01-15T10:00:00Z" GIT_COMMITTER_DATE="2024-01-15T10:00:00Z" \
    "${G[@]}" commit -q -m "Import monorepo snapshot"
echo "== git repack"
"${NICE[@]}" "${G[@]}" repack -a -d -q
"${G[@]}" prune
stage_change
touch "$WORK/.big-repo.done"

END=$(date +%s)
NF=$("${G[@]}" ls-tree -r --name-only HEAD | wc -l)
BYTES=$("${G[@]}" ls-tree -r -l HEAD | awk '{s += $4} END {print s}')
NDIRS=$("${G[@]}" ls-tree -r -d --name-only HEAD | wc -l)
printf 'big-repo.sh: %s: %d files committed in %d directories, %d bytes of content (%d MB), pack %s; took %ds\n' \
    "$REPO" "$NF" "$NDIRS" "$BYTES" "$((BYTES / 1000000))" \
    "$(du -sh "$REPO/.git/objects/pack" | cut -f1)" "$((END - START))" | tee "$WORK/big-repo.stats"
