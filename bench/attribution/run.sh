#!/usr/bin/env bash
# Glasswing against Captum on the same weights and inputs: builds the benchmark, then runs both sides.
# Needs the native backend (make setup) and .venv-ref with torch and captum (requirements-reference.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/attribution/tsconfig.json
cp package.json .build/attribution/
node .build/attribution/bench/attribution/bench.js
