#!/bin/sh
# The cost of recording provenance: the agent hook judging a Write, and
# `tollgate hook pre-commit` judging a 5-file change, with the audit log on (the
# default: agent records with line digests, provenance at pre-commit) and off
# (`[settings] audit_log = false`, given with --config so both read the same files).
#
#   benches/provenance.sh [TOLLGATE_BINARY]
#
# The repository is generated: 2,000 text files in 40 folders. The change modifies
# five files (+20 lines each). For pre-commit, three logs are timed: none (log off),
# the agent's records of the five files (the common case), and a full log (four
# files of 1 MiB, about 12,000 agent records: the most the rotation keeps).
set -eu

root=$(cd "$(dirname -- "$0")/.." && pwd -P)
bin=${1:-$root/target/release/tollgate}
if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --release --locked --bin tollgate)
fi
command -v hyperfine >/dev/null 2>&1 || { echo "provenance.sh: hyperfine is needed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-provenance-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

GIT_CONFIG_NOSYSTEM=1
GIT_CONFIG_GLOBAL=/dev/null
GIT_AUTHOR_NAME=bench
GIT_AUTHOR_EMAIL=bench@example.invalid
GIT_COMMITTER_NAME=bench
GIT_COMMITTER_EMAIL=bench@example.invalid
NO_COLOR=1
export GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL NO_COLOR
unset TOLLGATE_POLICY GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE

repo="$work/repo"
mkdir -p "$repo"
git -C "$repo" init -q -b main
d=0
while [ "$d" -lt 40 ]; do
  mkdir -p "$repo/pkg$d"
  f=0
  while [ "$f" -lt 50 ]; do
    awk -v d="$d" -v f="$f" 'BEGIN {
      printf "// module %d/%d\n", d, f
      for (i = 0; i < 60; i++) printf "fn item_%d_%d_%d(x: u64) -> u64 { x.wrapping_mul(%d) ^ 0x%x }\n", d, f, i, i + 7, i * 2654435761 % 4294967296
    }' > "$repo/pkg$d/file$f.rs"
    f=$((f + 1))
  done
  d=$((d + 1))
done
git -C "$repo" add -A
git -C "$repo" commit -q -m "base"

printf '[settings]\naudit_log = true\n' > "$work/on.toml"
printf '[settings]\naudit_log = false\n' > "$work/off.toml"

# The agent writes five files (through the hook, then on disk, as Claude Code does).
payload() { # file content -> a PreToolUse Write payload
  python3 -c 'import json, sys; print(json.dumps({"session_id": "bench", "hook_event_name": "PreToolUse",
    "cwd": sys.argv[1], "tool_name": "Write", "tool_input": {"file_path": sys.argv[2], "content": open(sys.argv[3]).read()}}))' \
    "$repo" "$1" "$2"
}
n=0
for f in pkg1/file1.rs pkg2/file2.rs pkg3/file3.rs pkg4/file4.rs pkg5/file5.rs; do
  cp "$repo/$f" "$work/new.rs"
  awk -v n="$n" 'BEGIN { for (i = 0; i < 20; i++) printf "pub fn added_%d_%d() -> u64 { %d * 31 + %d }\n", n, i, i, n }' >> "$work/new.rs"
  payload "$repo/$f" "$work/new.rs" > "$work/payload-$n.json"
  "$bin" agent-hook --config "$work/on.toml" < "$work/payload-$n.json" > "$work/answer"
  [ ! -s "$work/answer" ] || { echo "provenance.sh: the agent hook denied a write" >&2; exit 1; }
  cp "$work/new.rs" "$repo/$f"
  n=$((n + 1))
done
# The timed Write: a new 81-line file (every line digested when the log is on).
payload "$repo/pkg9/new_module.rs" "$work/new.rs" > "$work/payload-new.json"
git -C "$repo" add -A
sleep 2
git -C "$repo" update-index -q --really-refresh
cp "$repo/.git/tollgate/audit.jsonl" "$work/agent-log.jsonl"

# The hook must see the agent's lines (hooks run in the repository).
cd "$repo"
"$bin" hook pre-commit --config "$work/on.toml" > /dev/null
tail -n 1 "$repo/.git/tollgate/audit.jsonl" | grep -q '"agent_lines":100' \
  || { echo "provenance.sh: pre-commit did not recognise the agent's lines" >&2; tail -n 1 "$repo/.git/tollgate/audit.jsonl" >&2; exit 1; }

# A full log: four 1 MiB files of agent records with random digests.
python3 - "$work/full" <<'PY'
import json, os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
names = ["audit.jsonl.3", "audit.jsonl.2", "audit.jsonl.1", "audit.jsonl"]
for name in names:
    with open(os.path.join(out, name), "w") as f:
        size = 0
        while size < 1024 * 1024:
            rec = {"format": 2, "time": "2026-12-01T00:00:00Z", "hook": "agent", "repository": "/r",
                   "result": "clean", "counts": {}, "fingerprints": [], "suppressed": {}, "version": "0.1.0",
                   "agent": {"session": "s", "tool": "Edit", "path": "src/x.rs", "decision": "allow", "reasons": [],
                             "lines": [os.urandom(8).hex() for _ in range(12)]}}
            line = json.dumps(rec, separators=(",", ":")) + "\n"
            f.write(line)
            size += len(line)
PY
cat "$work/agent-log.jsonl" >> "$work/full/audit.jsonl"

log="$repo/.git/tollgate"
echo "tollgate: $("$bin" --version) ($bin)"
# hyperfine 1.15 has no --input: both run through sh, so both pay for it.
hyperfine -N --warmup 5 --min-runs 40 \
  --prepare "cp $work/agent-log.jsonl $log/audit.jsonl" \
  --command-name "agent hook, Write of an 81-line file, audit log off" "sh -c '$bin agent-hook --config $work/off.toml < $work/payload-new.json'" \
  --command-name "agent hook, Write of an 81-line file, audit log on" "sh -c '$bin agent-hook --config $work/on.toml < $work/payload-new.json'"

hyperfine -N --warmup 5 --min-runs 40 \
  --prepare "sh -c 'rm -f $log/audit.jsonl*; cp $work/agent-log.jsonl $log/audit.jsonl'" \
  --command-name "pre-commit, 5 files, audit log off" "$bin hook pre-commit --config $work/off.toml" \
  --command-name "pre-commit, 5 files, audit log on (agent records of the 5 files)" "$bin hook pre-commit --config $work/on.toml"
hyperfine -N --warmup 5 --min-runs 40 \
  --prepare "sh -c 'rm -f $log/audit.jsonl*; cp $work/full/* $log/'" \
  --command-name "pre-commit, 5 files, audit log on (full log: 4 MiB of agent records)" "$bin hook pre-commit --config $work/on.toml"
