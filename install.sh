#!/bin/sh
# install.sh: builds tollgate from this checkout and installs its git hooks.
#
#   ./install.sh [--prefix DIR] [--repo DIR] [--global [--template]] [--claude]
#                [--uninstall] [--dry-run]
#
# The binaries go to PREFIX/bin (default: cargo's, ~/.cargo/bin) with `cargo install`,
# unless PREFIX/bin/tollgate is already this checkout's version. The hooks are then
# installed by `PREFIX/bin/tollgate install` (or removed by `tollgate uninstall`), so
# the installation logic lives in one place; see `tollgate install --help`.
set -eu

usage() {
  cat <<'EOF'
usage: ./install.sh [--prefix DIR] [--repo DIR] [--global [--template]] [--claude]
                    [--uninstall] [--dry-run]

  --prefix DIR   install the binaries in DIR/bin (default: ${CARGO_INSTALL_ROOT:-${CARGO_HOME:-~/.cargo}})
  --repo DIR     the repository to install the hooks in (default: the current one)
  --global       every repository of the user (a global core.hooksPath)
  --template     with --global: through init.templateDir (new clones) instead
  --claude       also Claude Code: tollgate's agent hook in .claude/settings.json
  --uninstall    take the hooks out again, restoring what was there
  --dry-run      print what would be done; build and write nothing
EOF
}

die() {
  echo "install.sh: $*" >&2
  exit 2
}

checkout=$(cd "$(dirname -- "$0")" && pwd -P)
prefix=${CARGO_INSTALL_ROOT:-${CARGO_HOME:-${HOME:?HOME is not set}/.cargo}}
action=install
dry_run=no
repo=""
global=no
template=no
claude=no

while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --repo) [ $# -ge 2 ] || die "--repo needs a directory"; repo=$2; shift 2 ;;
    --repo=*) repo=${1#--repo=}; shift ;;
    --global) global=yes; shift ;;
    --template) template=yes; shift ;;
    --claude) claude=yes; shift ;;
    --uninstall) action=uninstall; shift ;;
    --dry-run) dry_run=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[ -n "$prefix" ] || die "--prefix is empty"
[ "$template" = no ] || [ "$global" = yes ] || die "--template goes with --global"
[ -z "$repo" ] || [ "$global" = no ] || die "--repo and --global exclude each other"

# The arguments for `tollgate install|uninstall`, as positional parameters (quoting-safe).
set -- "$action"
[ -z "$repo" ] || set -- "$@" --repo "$repo"
[ "$global" = no ] || set -- "$@" --global
[ "$template" = no ] || set -- "$@" --template
[ "$claude" = no ] || set -- "$@" --claude
shown="$*"
[ "$dry_run" = no ] || set -- "$@" --dry-run

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$checkout/Cargo.toml" | head -n 1)
[ -n "$version" ] || die "cannot read the version from $checkout/Cargo.toml"
bin="$prefix/bin/tollgate"

installed=""
if [ -x "$bin" ]; then
  installed=$("$bin" --version 2>/dev/null || true)
fi

if [ "$installed" = "tollgate $version" ]; then
  echo "install.sh: $bin is already tollgate $version; not rebuilding"
elif [ "$dry_run" = yes ]; then
  echo "install.sh: would run: cargo install --locked --force --path $checkout --root $prefix"
else
  command -v cargo >/dev/null 2>&1 || die "cargo is needed to build tollgate (https://rustup.rs)"
  echo "install.sh: building tollgate $version into $prefix/bin (a release build from"
  echo "install.sh: source: about 4 minutes on 2 cores, less on more)"
  cargo install --quiet --locked --force --path "$checkout" --root "$prefix"
fi
case ":${PATH}:" in
  *":$prefix/bin:"*) ;;
  *) echo "install.sh: note: $prefix/bin is not on your PATH; the hooks call tollgate by its full"
     echo "install.sh: path, but to run it yourself add it: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac

if [ -x "$bin" ]; then
  exec "$bin" "$@"
fi
# Only a dry run gets here: nothing was built to ask for the plan.
echo "install.sh: would then run: $bin $shown"
