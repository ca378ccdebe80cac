#!/usr/bin/env bash
# Saliency and Grad-CAM only: Glasswing against Captum on the same weights and inputs.
# Needs the native backend (make setup), .venv-ref (requirements-reference.txt) and the MNIST files
# that run.sh writes under .cache/bench-attribution (captum_bench.py's server loads them too).
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/attribution/tsconfig.json
cp package.json .build/attribution/
node .build/attribution/bench/attribution/gradient-pass.js
