#!/usr/bin/env bash
# Build benches/work/history-repo: a git repository with >= 10,000 commits of
# real text, made by replaying crate releases unpacked by corpus.sh as
# successive commits (several versions of the same crate modify the same
# paths under crates/<name>/), written with git fast-import. It has a main
# branch, a long-lived develop branch merged into main from time to time,
# feature/* branches (merged ones are deleted, some stay open), release/*
# branches and tags. The generator is the Python program embedded below.
#
# Usage: benches/history-repo.sh [--force]
# Env:   HISTORY_COMMITS    minimum number of commits (default 12000)
#        HISTORY_NO_REPACK  set to 1 to keep fast-import's packs as they are
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# Where corpora and results live. benches/work is git-ignored and `scan` skips ignored
# files inside a repository (as it must), so scan figures want TOLLGATE_BENCH_WORK set
# to a folder outside any repository.
WORK="${TOLLGATE_BENCH_WORK:-$HERE/work}"
SRC="$WORK/crates-src"
REPO="$WORK/history-repo"
NICE=(nice -n 10)

FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
G=(git -C "$REPO" -c gc.auto=0)

if [ "$FORCE" = 1 ]; then rm -rf "$REPO" "$WORK/.history-repo.done"; fi
if [ -f "$WORK/.history-repo.done" ] && [ -d "$REPO/.git" ]; then
    echo "history-repo.sh: $REPO already built; use --force to rebuild"
    cat "$WORK/history-repo.stats" 2>/dev/null || true
    exit 0
fi
[ -d "$SRC" ] || { echo "history-repo.sh: $SRC missing; run benches/corpus.sh first" >&2; exit 1; }

START=$(date +%s)
rm -rf "$REPO"
mkdir -p "$REPO"
"${G[@]}" init -q -b main
"${G[@]}" config user.name "Bench Builder"
"${G[@]}" config user.email "bench@example.invalid"
"${G[@]}" config gc.auto 0

echo "== generating history with git fast-import"
GEN="$WORK/.history-gen.py"
cat > "$GEN" <<'PY'
#!/usr/bin/env python3
"""Emit a git fast-import stream that replays real crate sources as history.

Used by history-repo.sh. Every crate with several unpacked versions in
crates-src/ is a "family": its oldest version is imported under
crates/<name>/ in commits of a few files, then every later version is applied
as a series of small commits (changed/added/deleted files of the real diff
between the two releases), so successive commits modify the same paths.

Branches: most families are replayed on main; some on a long-lived `develop`
(merged into main from time to time), some on short-lived feature/* branches
(merged back, except every fourth which stays open); release/* branches and
tags are cut from main now and then.

Stats (commits, blobs, bytes) go to stderr as JSON on the last line.
"""
import hashlib
import json
import os
import random
import re
import sys

SRC = os.environ["SRC"]
TARGET_COMMITS = int(os.environ.get("TARGET_COMMITS", "12000"))
MAX_FILE = int(os.environ.get("MAX_FILE", "262144"))
MAX_VERSION_BYTES = int(os.environ.get("MAX_VERSION_BYTES", "1500000"))
MAX_VERSION_FILES = int(os.environ.get("MAX_VERSION_FILES", "600"))
DRY = os.environ.get("DRY") == "1"

rng = random.Random(20240115)
out = sys.stdout.buffer
stats = {"commits": 0, "merges": 0, "blobs": 0, "blob_bytes": 0, "families": 0,
         "versions": 0, "branches": set(), "tags": 0}


def split(d):
    m = re.match(r"^(.*?)-(\d+)\.(\d+)\.(\d+)(.*)$", d)
    if not m:
        return None
    return m.group(1), (tuple(int(m.group(i)) for i in (2, 3, 4)), m.group(5) == "", m.group(5))


def is_text(p):
    with open(p, "rb") as f:
        return b"\0" not in f.read(8192)


def read_version(d):
    """{relpath: bytes} of the text files of one unpacked crate, or None if too big."""
    top = os.path.join(SRC, d)
    files, total = {}, 0
    for root, dirs, names in os.walk(top):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            if n in (".gitattributes", ".gitmodules") or "\n" in n or '"' in n or "\\" in n:
                continue
            if os.path.islink(p) or not os.path.isfile(p) or os.path.getsize(p) > MAX_FILE:
                continue
            if not is_text(p):
                continue
            rel = os.path.relpath(p, top)
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                continue
            with open(p, "rb") as f:
                data = f.read()
            files[rel] = data
            total += len(data)
            if total > MAX_VERSION_BYTES or len(files) > MAX_VERSION_FILES:
                return None
    return files


# --- fast-import emission -------------------------------------------------
next_mark = [0]
blob_marks = {}          # sha1 -> mark


def mark():
    next_mark[0] += 1
    return next_mark[0]


def w(s):
    if not DRY:
        out.write(s.encode() if isinstance(s, str) else s)


def blob(data):
    key = hashlib.sha1(data).digest()
    m = blob_marks.get(key)
    if m is None:
        m = mark()
        blob_marks[key] = m
        w("blob\nmark :%d\ndata %d\n" % (m, len(data)))
        w(data)
        w("\n")
        stats["blobs"] += 1
        stats["blob_bytes"] += len(data)
    return m


AUTHORS = [("Ana Souza", "ana@example.invalid"), ("Kenji Watanabe", "kenji@example.invalid"),
           ("Priya Raman", "priya@example.invalid"), ("Tom Becker", "tom@example.invalid"),
           ("Lea Dubois", "lea@example.invalid"), ("Omar Haddad", "omar@example.invalid"),
           ("Marta Nowak", "marta@example.invalid")]
clock = [1546300800]      # 2019-01-01
heads = {}                # branch -> commit mark
state = {}                # branch -> {family: (generation, {path: blob mark})}
gen = [0]


def commit(branch, msg, ops, merge=None):
    """ops: list of ('M', path, blobmark) / ('D', path)."""
    clock[0] += rng.randint(300, 20000)
    name, email = rng.choice(AUTHORS)
    m = mark()
    msg = msg.encode()
    w("commit refs/heads/%s\nmark :%d\n" % (branch, m))
    w("author %s <%s> %d +0000\ncommitter %s <%s> %d +0000\n" % (name, email, clock[0], name, email, clock[0]))
    w("data %d\n" % len(msg))
    w(msg)
    w("\n")
    if branch in heads:
        w("from :%d\n" % heads[branch])
    if merge is not None:
        w("merge :%d\n" % merge)
    for op in ops:
        if op[0] == "M":
            w("M 100644 :%d %s\n" % (op[2], op[1]))
        else:
            w("D %s\n" % op[1])
    w("\n")
    heads[branch] = m
    stats["commits"] += 1
    stats["branches"].add(branch)
    if merge is not None:
        stats["merges"] += 1
    return m


def branch_from(new, base):
    heads[new] = heads[base]
    state[new] = dict(state[base])


def merge(dst, src, msg):
    """Merge src into dst: per family, the side modified most recently wins
    (families are only ever changed on one line of development)."""
    ops = []
    new = dict(state[dst])
    for fam in set(state[src]) | set(state[dst]):
        a = state[dst].get(fam, (-1, {}))
        b = state[src].get(fam, (-1, {}))
        if b[0] > a[0]:
            new[fam] = b
            for p, bm in b[1].items():
                if a[1].get(p) != bm:
                    ops.append(("M", p, bm))
            for p in a[1]:
                if p not in b[1]:
                    ops.append(("D", p))
    commit(dst, msg, sorted(ops, key=lambda o: o[1]), merge=heads[src])
    state[dst] = new


def chunks(items, lo, hi):
    i = 0
    while i < len(items):
        n = rng.randint(lo, hi)
        yield items[i:i + n]
        i += n


def replay(branch, fam, versions):
    """Replay the versions of one crate on branch as small commits."""
    prefix = "crates/%s/" % fam
    gen[0] += 1
    cur = dict(state[branch].get(fam, (0, {}))[1])
    prev_ver = None
    for ver, files in versions:
        changes = []
        for rel in sorted(files):
            p = prefix + rel
            bm = blob(files[rel])
            if cur.get(p) != bm:
                changes.append(("M", p, bm))
        for p in sorted(cur):
            if p[len(prefix):] not in files:
                changes.append(("D", p))
        if not changes:
            continue
        stats["versions"] += 1
        # a first import goes in bigger chunks, upgrades in small ones
        parts = list(chunks(changes, 3, 12) if prev_ver is None else chunks(changes, 1, 5))
        for i, part in enumerate(parts, 1):
            if prev_ver is None:
                msg = "%s: import %s" % (fam, ver)
            else:
                msg = "%s: update %s -> %s" % (fam, prev_ver, ver)
            if len(parts) > 1:
                msg += " (%d/%d)" % (i, len(parts))
            touched = ", ".join(os.path.basename(o[1]) for o in part[:3])
            msg += "\n\nFiles: %s%s\n" % (touched, " ..." if len(part) > 3 else "")
            commit(branch, msg, part)
            for o in part:
                if o[0] == "M":
                    cur[o[1]] = o[2]
                else:
                    cur.pop(o[1], None)
            state[branch][fam] = (gen[0], dict(cur))
        prev_ver = ver


def main():
    families = {}
    for d in os.listdir(SRC):
        s = split(d) if not d.startswith(".") else None
        if s:
            families.setdefault(s[0], []).append((s[1], d))
    # families with the most versions first; ties in a stable shuffled order
    order = sorted(families, key=lambda n: (-len(families[n]), hashlib.sha1(n.encode()).hexdigest()))
    order = [n for n in order if len(families[n]) >= 2]

    readme = blob(b"# platform\n\nVendored crates, replayed release by release.\n")
    ignore = blob(b"/target\n*.swp\n")
    commit("main", "Initial commit\n", [("M", "README.md", readme), ("M", ".gitignore", ignore)])
    state["main"] = {}
    branch_from("develop", "main")

    open_features, n_fam = [], 0
    for fam in order:
        if stats["commits"] >= TARGET_COMMITS:
            break
        vers = []
        for key, d in sorted(families[fam]):
            files = read_version(d)
            if files:
                vers.append((d[len(fam) + 1:], files))
        if len(vers) < 2:
            continue
        n_fam += 1
        stats["families"] += 1
        kind = n_fam % 5
        if kind in (1, 3):                      # main
            replay("main", fam, vers)
        elif kind == 2:                         # develop, merged every 4th time
            replay("develop", fam, vers)
            if n_fam % 4 == 2:
                merge("main", "develop", "Merge branch 'develop'\n")
                if n_fam % 8 == 2:
                    merge("develop", "main", "Merge branch 'main' into develop\n")
        else:                                   # short-lived feature branch
            b = "feature/%s-upgrades" % fam
            branch_from(b, "main")
            replay(b, fam, vers)
            if n_fam % 4 == 0:
                open_features.append(b)         # stays unmerged
            else:
                merge("main", b, "Merge branch '%s'\n" % b)
        if n_fam % 15 == 0:                     # cut a release branch + tag
            rel = "release/%d.%d" % (2019 + n_fam // 60, n_fam // 15 % 4)
            branch_from(rel, "main")
            w("reset refs/tags/v%s\nfrom :%d\n\n" % (rel.split("/")[1], heads["main"]))
            stats["tags"] += 1
            notes = blob(("Release %s\n\nIncludes %d vendored crates.\n" % (rel, len(state["main"]))).encode())
            commit(rel, "Release notes for %s\n" % rel, [("M", "RELEASE_NOTES.md", notes)])
    merge("main", "develop", "Merge branch 'develop'\n")
    w("checkpoint\n")
    stats["branches"] = len(stats["branches"])
    stats["open_feature_branches"] = len(open_features)
    sys.stderr.write(json.dumps(stats) + "\n")


main()
PY
SRC="$SRC" TARGET_COMMITS="${HISTORY_COMMITS:-12000}" "${NICE[@]}" python3 "$GEN" 2>"$WORK/.history-gen.json" |
    "${NICE[@]}" "${G[@]}" fast-import --quiet
rm -f "$GEN"
echo "   generator: $(cat "$WORK/.history-gen.json")"

# merged feature branches are deleted, as a team would after merging
"${G[@]}" for-each-ref --format='%(refname:short)' --merged main 'refs/heads/feature/' |
    while read -r b; do "${G[@]}" branch -q -D "$b"; done

if [ "${HISTORY_NO_REPACK:-0}" != 1 ]; then
    echo "== git repack -a -d -f (delta-compress like a gc'ed repository)"
    T0=$(date +%s)
    "${NICE[@]}" "${G[@]}" repack -a -d -f -q --window=10 --depth=50
    echo "   repack took $(( $(date +%s) - T0 ))s"
fi
"${G[@]}" checkout -q -f main
IMPORT_END=$(date +%s)

echo "== measuring"
COMMITS=$("${G[@]}" rev-list --all --count)
MERGES=$("${G[@]}" rev-list --all --merges --count)
BRANCHES=$("${G[@]}" for-each-ref refs/heads | wc -l)
TAGS=$("${G[@]}" for-each-ref refs/tags | wc -l)
ADDED=$("${G[@]}" log -p --all | LC_ALL=C grep -a '^+' | wc -c)
LOGBYTES=$("${G[@]}" log -p --all | wc -c)
END=$(date +%s)
touch "$WORK/.history-repo.done"
{
    echo "history_repo=$REPO"
    echo "commits=$COMMITS"
    echo "merges=$MERGES"
    echo "branches=$BRANCHES"
    echo "tags=$TAGS"
    echo "added_bytes=$ADDED"
    echo "git_log_p_all_bytes=$LOGBYTES"
    echo "pack_size=$(du -sb "$REPO/.git/objects" | cut -f1)"
    echo "build_seconds=$((IMPORT_END - START))"
} > "$WORK/history-repo.stats"
printf 'history-repo.sh: %s: %d commits (%d merges) on %d branches, %d tags; added content %d bytes (%d MB; git log -p --all | grep ^+ | wc -c); built in %ds (+%ds measuring)\n' \
    "$REPO" "$COMMITS" "$MERGES" "$BRANCHES" "$TAGS" "$ADDED" "$((ADDED / 1000000))" \
    "$((IMPORT_END - START))" "$((END - IMPORT_END))"
