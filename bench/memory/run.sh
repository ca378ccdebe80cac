#!/usr/bin/env bash
# Peak RSS of saliency, SmoothGrad, GradientSHAP and IG on 100 -> 10,000 MNIST digits (see bench.ts).
# Needs the native backend and the built-in models (make setup). Takes about 20 minutes on 2 idle cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/memory/tsconfig.json
cp package.json .build/memory/
node .build/memory/bench/memory/bench.js
