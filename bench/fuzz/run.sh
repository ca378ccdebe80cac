#!/usr/bin/env bash
# The fuzzing soak (see soak.ts): 100,000 cases by default; prints the outcome counts and every kind of
# failure (a raw error, an error naming no argument, a leaked tensor, a hang) with an example.
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/fuzz/tsconfig.json || true # others' type errors elsewhere do not stop the emit
cp package.json .build/fuzz/
node .build/fuzz/bench/fuzz/soak.js
