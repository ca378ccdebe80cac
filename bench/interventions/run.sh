#!/usr/bin/env bash
# Activation patching of mnist-cnn, 3 layers x 7x7 cells x 64 pairs: gw.patch's batched passes against
# a one-index-per-pass loop written the TransformerLens way, in the same run (needs the native backend).
#   bash bench/interventions/run.sh        # writes bench/interventions/results.json
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/interventions/tsconfig.json
cp package.json .build/interventions/
node .build/interventions/bench/interventions/bench.js "$@"
