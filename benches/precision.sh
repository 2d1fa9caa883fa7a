#!/usr/bin/env bash
# Precision run of the secrets check: scan several GB of real, benign source (crate
# sources from cargo's registry cache, Python and npm packages) with the release
# `tollgate-secrets`, and count findings per rule and per 10,000 files. Every finding in
# such a corpus is a candidate false positive to read (test fixtures with keys on purpose
# are the expected true ones).
#
# Usage: benches/precision.sh [OUT_DIR]
#   OUT_DIR   where the JSON report and the summaries go (default benches/work/precision)
# Env:
#   PRECISION_CORPORA  where the pip and npm packages are installed (default /work/corpora)
#   PRECISION_BIN      a tollgate-secrets binary to use instead of building one
#   PRECISION_SKIP_INSTALL=1  use the corpora as they are (no pip/npm)
#
# Output: OUT_DIR/findings.json (the scan's report), OUT_DIR/per-rule.txt (findings per
# rule), OUT_DIR/summary.txt (bytes, files, findings and findings per 10,000 files), and
# OUT_DIR/by-rule/RULE.txt: one line per finding (path:line and the redacted line) for
# reading.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT="${1:-$HERE/work/precision}"
CORPORA="${PRECISION_CORPORA:-/work/corpora}"
NICE=(nice -n 10)
mkdir -p "$OUT" "$OUT/by-rule"

# ---------------------------------------------------------------------------
# 1. corpus: what the machine has, plus credential-heavy SDKs from PyPI and npm; PHP,
#    Ruby and Go sources from Debian packages and Python sdists (tests and docs
#    included) when an earlier corpus script left them in $CORPORA/deb/src and $CORPORA/ci
# ---------------------------------------------------------------------------
PYPI_PACKAGES=(google-cloud-storage google-auth stripe twilio slack_sdk openai azure-storage-blob
    azure-identity kubernetes hvac msal oauthlib requests-oauthlib)
NPM_PACKAGES=(firebase firebase-admin @aws-sdk/client-s3 stripe twilio @octokit/rest openai
    @slack/web-api aws-sdk)

if [ "${PRECISION_SKIP_INSTALL:-0}" != 1 ]; then
    if [ ! -f "$CORPORA/pypi-big/.done" ]; then
        mkdir -p "$CORPORA/pypi-big"
        "${NICE[@]}" pip install -q --no-deps --target "$CORPORA/pypi-big" "${PYPI_PACKAGES[@]}"
        touch "$CORPORA/pypi-big/.done"
    fi
    if [ ! -f "$CORPORA/npm-big/.done" ]; then
        mkdir -p "$CORPORA/npm-big"
        (cd "$CORPORA/npm-big" && "${NICE[@]}" npm install --no-audit --no-fund --ignore-scripts "${NPM_PACKAGES[@]}")
        touch "$CORPORA/npm-big/.done"
    fi
fi

ROOTS=()
for d in /root/.cargo/registry/src/index.crates.io-*/ /usr/lib/python3* \
    /root/.pyenv/versions/*/lib/python3*/site-packages "$CORPORA/pypi-big" "$CORPORA/npm-big" \
    "$CORPORA/deb/src" "$CORPORA/ci"; do
    [ -d "$d" ] && ROOTS+=("$d")
done
[ "${#ROOTS[@]}" -gt 0 ] || { echo "precision.sh: no corpus directory found" >&2; exit 1; }

# ---------------------------------------------------------------------------
# 2. the binary
# ---------------------------------------------------------------------------
BIN="${PRECISION_BIN:-}"
if [ -z "$BIN" ]; then
    (cd "$ROOT" && "${NICE[@]}" cargo build --release --bin tollgate-secrets)
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/tollgate-secrets"
fi

# ---------------------------------------------------------------------------
# 3. scan (from an empty directory: no repository policy or allow-list applies)
# ---------------------------------------------------------------------------
EMPTY=$(mktemp -d)
trap 'rm -rf "$EMPTY"' EXIT
printf '%s\n' "${ROOTS[@]}" > "$OUT/roots.txt"
START=$(date +%s)
# Exit status 1 means findings, which is expected here; 2 is an error.
set +e
(cd "$EMPTY" && "${NICE[@]}" "$BIN" scan "${ROOTS[@]}" --format json > "$OUT/findings.json" 2> "$OUT/stderr.txt")
STATUS=$?
set -e
[ "$STATUS" -le 1 ] || { echo "precision.sh: scan failed ($STATUS):" >&2; tail -5 "$OUT/stderr.txt" >&2; exit 1; }
SECONDS_TAKEN=$(( $(date +%s) - START ))

# ---------------------------------------------------------------------------
# 4. counts: files and bytes scanned (the report's stats), findings per rule
# ---------------------------------------------------------------------------
python3 - "$OUT" "$SECONDS_TAKEN" "${ROOTS[@]}" <<'EOF'
import collections, json, os, re, sys
out, seconds, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
report = json.load(open(os.path.join(out, "findings.json")))
findings, stats = report["findings"], report["stats"]
files, size = stats["files"], stats["bytes"]

# The line of each finding for reading, with every long token masked to its first four
# and last two characters (a whole secret is never written out).
def mask(m):
    t = m.group(0)
    return f"{t[:4]}…{t[-2:]}({len(t)})"
def context(path, line):
    try:
        with open(path, "rb") as fh:
            for n, text in enumerate(fh, 1):
                if n == line:
                    text = text.decode("utf-8", "replace").strip()[:240]
                    return re.sub(r"[A-Za-z0-9+/=_~.-]{12,}", mask, text)
    except OSError:
        pass
    return ""

per_rule = collections.Counter(f["rule"] for f in findings)
by_rule = collections.defaultdict(list)
for f in findings:
    by_rule[f["rule"]].append(f"{f['path']}:{f['line']}: [{f.get('redacted')}] {context(f['path'], f['line'])}")
for rule, lines in by_rule.items():
    with open(os.path.join(out, "by-rule", rule + ".txt"), "w") as fh:
        fh.write("\n".join(sorted(lines)) + "\n")
with open(os.path.join(out, "per-rule.txt"), "w") as fh:
    for rule, n in per_rule.most_common():
        fh.write(f"{n:7d}  {rule}\n")
total = len(findings)
generic = sum(n for r, n in per_rule.items() if r.startswith("generic"))
summary = (f"roots: {len(roots)}\nfiles scanned: {files} (binary skipped: {stats.get('binary_skipped')})\n"
           f"bytes scanned: {size} ({size / 1e9:.2f} GB)\nscan seconds: {seconds}\nfindings: {total}\n"
           f"findings per 10,000 files: {total * 10000 / max(files, 1):.2f}\n"
           f"generic-rule findings: {generic} ({generic * 10000 / max(files, 1):.2f} per 10,000 files)\n")
open(os.path.join(out, "summary.txt"), "w").write(summary)
print(summary, end="")
print("".join(open(os.path.join(out, "per-rule.txt")).readlines()[:40]), end="")
EOF
