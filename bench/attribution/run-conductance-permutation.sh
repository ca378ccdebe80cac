#!/usr/bin/env bash
# Layer conductance and feature permutation: Glasswing against Captum on the same weights and inputs.
# Needs the native backend (make setup) and .venv-ref (requirements-reference.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/attribution/tsconfig.json
cp package.json .build/attribution/
node .build/attribution/bench/attribution/conductance-permutation.js
