#!/usr/bin/env bash
# The time and peak memory of whole neuron dictionaries of MNIST CNN layers (needs the native backend).
#   bash bench/neurons/run.sh            # writes bench/neurons/results.json
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/neurons/tsconfig.json
cp package.json .build/neurons/
node .build/neurons/bench/neurons/bench.js "$@"
