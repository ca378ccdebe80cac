#!/usr/bin/env bash
# Builds the prebuilt extension into extension/glasswing_extension/labextension: TypeScript to lib/,
# then @jupyterlab/builder's webpack against the core package of the JupyterLab in the project's venv.
#
# It calls the builder directly on purpose: `jupyter labextension build` in JupyterLab 4.6 goes through
# jupyter-builder, which may run `jlpm install` in an npm workspace member, and that replaces the shared
# node_modules with Yarn PnP. `DEVELOPMENT=1` skips minification (faster, for iterating).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd .. && pwd)
python=${PYTHON:-.venv/bin/python}
case "$python" in /*) ;; */*) python="$root/$python" ;; esac # relative to the repository root
core=$(mktemp -d)
trap 'rm -rf "$core"' EXIT
"$python" - "$core/package.json" <<'PY'
import os, shutil, sys, jupyterlab
shutil.copy(os.path.join(os.path.dirname(jupyterlab.__file__), "staging", "package.json"), sys.argv[1])
PY
"$root/node_modules/.bin/tsc" -p tsconfig.json
node "$root/node_modules/@jupyterlab/builder/lib/build-labextension.js" --core-path "$core" ${DEVELOPMENT:+--development} .
