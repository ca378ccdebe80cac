#!/usr/bin/env bash
# Global explanations against their peers in one run: gw.distill's trees vs scikit-learn, the fairness
# metrics vs Fairlearn, gw.tcav's CAVs and scores vs Captum's TCAV on the same activations.
#   bash bench/global/run.sh            # writes bench/global/results.json (needs .venv-ref)
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/global/tsconfig.json
cp package.json .build/global/
node .build/global/bench/global/bench.js "$@"
