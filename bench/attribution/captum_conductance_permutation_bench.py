"""Captum on PyTorch CPU for bench/attribution/conductance-permutation.ts: LayerConductance and
FeaturePermutation on the same model and inputs (models and loaders from captum_bench.py). Prints one
JSON line. `python captum_conductance_permutation_bench.py WORK_FOLDER`."""

import json
import pathlib
import sys

import captum
import torch
from captum.attr import FeaturePermutation, LayerConductance

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_bench import inputs, mnist_cnn, read_weights  # noqa: E402
from captum_perturbation_cam_bench import best, grid_mask  # noqa: E402


def main():
    work = pathlib.Path(sys.argv[1])
    mnist = mnist_cnn(read_weights(work / "mnist-cnn"))
    x = inputs(work, "mnist-inputs.bin", [256, 28, 28, 1])
    few = x[:32]
    # mnist[4]: conv2's ReLU, the output Glasswing's 'conv2' (relu inside) gives.
    conductance = best(
        lambda: LayerConductance(mnist, mnist[4]).attribute(few, torch.zeros_like(few), target=3, n_steps=50), 3
    )
    with torch.no_grad():
        permutation = best(
            lambda: FeaturePermutation(mnist).attribute(
                x, target=3, feature_mask=grid_mask(28, 7), perturbations_per_eval=16
            ),
            3,
        )
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "captum": captum.__version__,
                "threads": torch.get_num_threads(),
                "layerConductance": conductance,
                "featurePermutation": permutation,
            }
        )
    )


if __name__ == "__main__":
    main()
