#!/usr/bin/env bash
# Attention rollout and max-flow timings against numpy / networkx (scripts/reference/transformer_reference.py).
#   bash bench/transformer/run.sh            # writes bench/transformer/results.json
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/transformer/tsconfig.json
cp package.json .build/transformer-bench/
node .build/transformer-bench/bench/transformer/bench.js "$@"
