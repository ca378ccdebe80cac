#!/usr/bin/env bash
# gw.evaluate against Quantus 0.6 / Captum 0.9 on mnist-cnn, 64 test digits, in the same run: deletion AUC
# (pixel flipping), infidelity and the cascading randomisation test. Needs the native backend (make setup)
# and .venv-ref (requirements-reference.txt, then quantus).
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/quality/tsconfig.json
cp package.json .build/quality/
node .build/quality/bench/quality/bench.js "$@"
