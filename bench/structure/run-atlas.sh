#!/usr/bin/env bash
# Activation atlas benchmark: gw.similarity.atlas of mnist-cnn's conv2d_2 over 10,000 MNIST test images,
# time and peak RSS, each run in its own process (patch icons; then 32 feature-visualized cells).
#   bash bench/structure/run-atlas.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/structure/tsconfig.json || true  # an unrelated missing declaration (jsfive) is only a type error
cp package.json .build/structure/
node .build/structure/bench/structure/atlas.js 0
node .build/structure/bench/structure/atlas.js 32
