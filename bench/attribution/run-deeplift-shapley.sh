#!/usr/bin/env bash
# DeepLIFT and Shapley value sampling: Glasswing against Captum on the same weights and inputs.
# Needs the native backend (make setup) and .venv-ref (requirements-reference.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/attribution/tsconfig.json
cp package.json .build/attribution/
node .build/attribution/bench/attribution/deeplift-shapley.js
