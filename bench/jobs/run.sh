#!/usr/bin/env bash
# Throughput of a saliency job over the 10,000 MNIST test digits: in-process gw.explain, the local runner
# with 1 and 2 workers, Ray (local head, 2 CPUs) and Slurm (single node, 2 CPUs) where set up; every
# merged result checked bit for bit against the in-process one. See bench.ts. About 3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/jobs/tsconfig.json
cp package.json .build/jobs/
node .build/jobs/bench/jobs/bench.js "$@"
