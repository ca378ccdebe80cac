#!/usr/bin/env bash
# Structure benchmark: CKA layer x layer of mnist-cnn on 10,000 images and NMF, Glasswing vs numpy / scikit-learn.
#   bash bench/structure/run.sh [--no-peers]     # prints a markdown table (also /tmp/glasswing-bench-structure/table.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/structure/tsconfig.json || true  # an unrelated missing declaration (jsfive) is only a type error
cp package.json .build/structure/
node .build/structure/bench/structure/bench.js "$@"
