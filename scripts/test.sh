#!/bin/sh
# scripts/test.sh: installs what the tests drive (real git, shellcheck, the pre-commit
# framework, ...) and runs the whole test suite. A fresh machine needs only the Rust
# toolchain and Debian's apt-get (as root or with sudo) or the tools already present.
#
#   scripts/test.sh [CARGO TEST ARGS...]     e.g. scripts/test.sh -p tollgate-secrets
#
# The end-to-end tests use the real clients users have; a test whose client is missing
# fails with a message naming it, it never skips. Python tools go into the current
# Python when pip may install there, else into a virtual environment under
# target/test-tools (put first on PATH for the tests).
set -euf
cd "$(dirname "$0")/.."

say() { echo "scripts/test.sh: $*" >&2; }

# Debian packages: git (the tests drive the real thing), shellcheck (install.sh is
# checked by a test), a C compiler for libgit2's bundled build, chromium (the HTML
# report is rendered headless by a test, which fails without it).
APT_PACKAGES="git shellcheck gcc make pkg-config python3 python3-venv chromium"
if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
  missing=""
  for pkg in $APT_PACKAGES; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null 2>&1 || { say "needs root or sudo to install:$missing"; exit 2; }
      SUDO="sudo"
    fi
    say "installing Debian packages:$missing"
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
  fi
else
  for tool in git shellcheck cc python3 chromium; do
    command -v "$tool" >/dev/null 2>&1 || say "warning: $tool is not installed; the tests that drive it will fail"
  done
fi

# Python tools: the pre-commit framework (the end-to-end test of .pre-commit-hooks.yaml);
# cyclonedx-python-lib with the official CycloneDX schemas, which tests/inventory.rs
# validates the AI bill of materials against.
PIP_PACKAGES="pre-commit cyclonedx-python-lib[validation]"
pip_quiet="--quiet --disable-pip-version-check"
# shellcheck disable=SC2086
if ! python3 -m pip install $pip_quiet $PIP_PACKAGES >/dev/null 2>&1; then
  venv="$PWD/target/test-tools/venv"
  say "this Python does not take packages (PEP 668); using the virtual environment $venv"
  [ -x "$venv/bin/python3" ] || python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/python3" -m pip install $pip_quiet $PIP_PACKAGES
  PATH="$venv/bin:$PATH"
  export PATH
fi

# The README's test command.
exec cargo test --workspace --locked "$@"
