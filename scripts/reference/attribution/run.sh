#!/usr/bin/env bash
# Regenerates the attribution parity fixtures: the tfjs models and inputs (models.mjs), then every
# reference script in this folder on those same models and inputs. Needs the native backend and
# .venv-ref (pip install -r requirements-reference.txt).
set -euo pipefail
cd "$(dirname "$0")/../../.."
node scripts/reference/attribution/models.mjs
node scripts/reference/attribution/lrp_graph_models.mjs
for script in captum_reference.py perturbation_cam_reference.py lrp_reference.py lrp_graph_reference.py deeplift_shapley_reference.py conductance_permutation_reference.py; do
  if [ -f "scripts/reference/attribution/$script" ]; then
    .venv-ref/bin/python -W ignore "scripts/reference/attribution/$script"
  fi
done
