"""Captum on PyTorch CPU for bench/attribution/deeplift-shapley.ts: DeepLift and ShapleyValueSampling on
the same model and inputs (models and loaders from captum_bench.py). Prints one JSON line.
`python captum_deeplift_shapley_bench.py WORK_FOLDER`."""

import json
import pathlib
import sys

import captum
import torch
from captum.attr import DeepLift, ShapleyValueSampling

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_bench import inputs, mnist_cnn, read_weights  # noqa: E402
from captum_perturbation_cam_bench import best, grid_mask  # noqa: E402


def main():
    work = pathlib.Path(sys.argv[1])
    mnist = mnist_cnn(read_weights(work / "mnist-cnn"))
    x = inputs(work, "mnist-inputs.bin", [64, 28, 28, 1])
    few = x[:16]
    mask = grid_mask(28, 7)
    deeplift = best(lambda: DeepLift(mnist).attribute(x, torch.zeros_like(x), target=3), 3)
    with torch.no_grad():
        sampling = best(
            lambda: ShapleyValueSampling(mnist).attribute(
                few, baselines=0.0, target=3, feature_mask=mask, n_samples=25, perturbations_per_eval=16
            ),
            3,
        )
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "captum": captum.__version__,
                "threads": torch.get_num_threads(),
                "deeplift": deeplift,
                "shapleySampling": sampling,
            }
        )
    )


if __name__ == "__main__":
    main()
