#!/bin/sh
# The cost of tollgate at commit time, as a user feels it: `git commit` of a small
# change through the installed hooks (the shell scripts and the binary, every check)
# against `git commit` of the same change in the same repository without hooks.
#
#   benches/hook.sh [TOLLGATE_BINARY]
#
# The binary defaults to target/release/tollgate (built if missing). The repository is
# generated: 2,000 text files in 40 folders, one commit; the change modifies one file
# (+12 lines) and adds one (40 lines). Before each run `git reset --soft HEAD~1` puts
# the change back in the index, so every run commits the same staged change.
#
# Three commands are timed with hyperfine in one run:
#   bare              no hooks
#   pre-commit hook   tollgate's pre-commit hook only
#   full install      what `tollgate install` puts in place (pre-commit and commit-msg
#                     both run on a commit; pre-push does not)
set -eu

root=$(cd "$(dirname -- "$0")/.." && pwd -P)
bin=${1:-$root/target/release/tollgate}
if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --release --locked --bin tollgate)
fi
command -v hyperfine >/dev/null 2>&1 || { echo "hook.sh: hyperfine is needed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-hook-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# git without the user's configuration or hooks managers.
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

# One repository, generated once and copied, so the three are identical.
seed="$work/seed"
mkdir -p "$seed"
git -C "$seed" init -q -b main
d=0
while [ "$d" -lt 40 ]; do
  mkdir -p "$seed/pkg$d"
  f=0
  while [ "$f" -lt 50 ]; do
    awk -v d="$d" -v f="$f" 'BEGIN {
      printf "// module %d/%d\n", d, f
      for (i = 0; i < 60; i++) printf "fn item_%d_%d_%d(x: u64) -> u64 { x.wrapping_mul(%d) ^ 0x%x }\n", d, f, i, i + 7, i * 2654435761 % 4294967296
    }' > "$seed/pkg$d/file$f.rs"
    f=$((f + 1))
  done
  d=$((d + 1))
done
git -C "$seed" add -A
git -C "$seed" commit -q -m "base"

# The change: one modified file, one new file; committed once so the prepare step
# (reset --soft HEAD~1) stages it before every run.
awk 'BEGIN { for (i = 0; i < 12; i++) printf "pub fn added_%d() -> &'"'"'static str { \"value %d\" }\n", i, i }' >> "$seed/pkg3/file7.rs"
awk 'BEGIN {
  print "use std::env;"
  print "pub fn token() -> String { env::var(\"API_TOKEN\").unwrap_or_default() }"
  for (i = 0; i < 38; i++) printf "pub const LIMIT_%d: u32 = %d;\n", i, i * 10
}' > "$seed/pkg5/config.rs"
git -C "$seed" add -A
git -C "$seed" commit -q -m "change"

for name in bare pre-commit full; do
  cp -R "$seed" "$work/$name"
done
"$bin" install --repo "$work/pre-commit" >/dev/null
rm "$work/pre-commit/.git/hooks/commit-msg" "$work/pre-commit/.git/hooks/pre-push"
"$bin" install --repo "$work/full" >/dev/null

# Files copied in the same second as their index are "racily clean" to git, which then
# re-reads them on every commit; an index written later makes all three repositories
# equally clean.
sleep 2
for name in bare pre-commit full; do
  git -C "$work/$name" update-index -q --really-refresh
done

# Sanity: the hooked repositories do run tollgate, and refuse a key.
key="AKIA$(printf 'QX7ZM2LRK9WVT3YP')"
printf 'KEY = "%s"\n' "$key" > "$work/full/leak.py"
git -C "$work/full" add leak.py
if git -C "$work/full" commit -q -m leak >/dev/null 2>&1; then
  echo "hook.sh: the installed hook let a key through; not benchmarking" >&2
  exit 1
fi
git -C "$work/full" rm -q --cached leak.py
rm "$work/full/leak.py"

echo "tollgate: $("$bin" --version) ($bin)"
echo "git: $(git --version); repository: 2,000 files; change: +12 lines in one file, one new 40-line file"
hyperfine -N --warmup 5 --min-runs 40 \
  --prepare "git -C $work/bare reset -q --soft HEAD~1" \
  --prepare "git -C $work/pre-commit reset -q --soft HEAD~1" \
  --prepare "git -C $work/full reset -q --soft HEAD~1" \
  --command-name "bare git commit" "git -C $work/bare commit -q -m change" \
  --command-name "git commit, tollgate pre-commit hook" "git -C $work/pre-commit commit -q -m change" \
  --command-name "git commit, full tollgate install" "git -C $work/full commit -q -m change"
