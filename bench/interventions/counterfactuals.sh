#!/usr/bin/env bash
# Counterfactuals for 20 rejected credit applicants: gw.counterfactuals against DiCE (dice-ml 'random' and
# 'genetic', in .venv-ref) on the same MLP, applicants and constraints, scored by the same code.
#   bash bench/interventions/counterfactuals.sh   # writes bench/interventions/counterfactuals.json and .md
set -euo pipefail
cd "$(dirname "$0")/../.."
node_modules/.bin/tsc -p bench/interventions/tsconfig.json
cp package.json .build/interventions/
node .build/interventions/bench/interventions/counterfactuals.js "$@"
