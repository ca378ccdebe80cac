"""PAIR's Guided IG (saliency.core.GuidedIG, the authors' implementation) on the parity models, with
gradients from the same PyTorch models as captum_reference.py. Writes test/fixtures/attribution/
<architecture>.path.json in the format of the other parity fixtures (values NHWC).

    .venv-ref/bin/python scripts/reference/attribution/path_reference.py
"""

from __future__ import annotations

import base64
import json
import pathlib
import sys

import numpy as np
import saliency.core as saliency
import saliency.core.guided_ig as guided_ig_module
import saliency.core.xrai as xrai_module
import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_reference import FIXTURES, DeepCnn, SmallCnn, decode, encode, read_weights  # noqa: E402


class _NumpyWithInterpolation:
    """saliency 0.2.1 calls np.quantile(..., interpolation='lower'), a keyword numpy 2 removed (now `method`)."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def quantile(a, q, interpolation="linear", **kwargs):
        return np.quantile(a, q, method=interpolation, **kwargs)


guided_ig_module.np = _NumpyWithInterpolation()

CASES = [
    ("guided-ig", {"method": "guided-ig", "steps": 64, "fraction": 0.25, "maxDistance": 0.1}),
    ("guided-ig-straight", {"method": "guided-ig", "steps": 32, "fraction": 0.25, "maxDistance": 0.0}),
]


def gradient_function(model, target):
    def call(x_batch, call_model_args=None, expected_keys=None):
        x = torch.tensor(np.asarray(x_batch, dtype=np.float32)).permute(0, 3, 1, 2).requires_grad_(True)
        model(x)[:, target].sum().backward()
        return {saliency.INPUT_OUTPUT_GRADIENTS: x.grad.permute(0, 2, 3, 1).numpy()}

    return call


def xrai_case(model, x, targets, steps=20, min_pixel_diff=10):
    """PAIR's XRAI with its own Felzenszwalb regions (handed to Glasswing as masks) and IG baselines."""
    masks, maps = [], []
    parameters = saliency.XRAIParameters(steps=steps)
    parameters.experimental_params["min_pixel_diff"] = min_pixel_diff
    for i in range(x.shape[0]):
        regions = xrai_module._get_segments_felzenszwalb(x[i])
        masks.append(np.stack(regions).astype(np.uint8))
        maps.append(
            saliency.XRAI().GetMask(
                x[i], gradient_function(model, targets[i]), segments=regions, batch_size=steps, extra_parameters=parameters
            )
        )
    count = max(m.shape[0] for m in masks)
    padded = np.zeros((len(masks), count, *masks[0].shape[1:]), np.uint8)
    for i, m in enumerate(masks):
        padded[i, : m.shape[0]] = m
    values = np.repeat(np.stack(maps)[..., None], x.shape[-1], axis=-1).astype(np.float32)
    options = {
        "method": "xrai",
        "steps": steps,
        "minPixelDiff": min_pixel_diff,
        "regions": {"method": "masks", "masksShape": list(padded.shape), "masks": base64.b64encode(padded.tobytes()).decode()},
    }
    return options, values


def main() -> None:
    for name, build in [("small-cnn", SmallCnn), ("deep-cnn", DeepCnn)]:
        record = json.loads((FIXTURES / "attribution" / f"{name}.inputs.json").read_text())
        shape = record["inputShape"]
        model = build(read_weights(name)).eval()
        x = decode(record["inputs"], shape)
        cases = []
        for case, options in CASES:
            values = np.stack(
                [
                    saliency.GuidedIG().GetMask(
                        x[i], gradient_function(model, record["targets"][i]), x_steps=options["steps"],
                        fraction=options["fraction"], max_dist=options["maxDistance"],
                    )
                    for i in range(shape[0])
                ]
            ).astype(np.float32)
            cases.append({"name": case, "options": options, "shape": list(values.shape), "values": encode(values)})
            print(f"{name} {case}: range {values.min():.4g}..{values.max():.4g}")
        options, values = xrai_case(model, x, record["targets"])
        cases.append({"name": "xrai-felzenszwalb", "options": options, "shape": list(values.shape), "values": encode(values)})
        print(f"{name} xrai: {options['regions']['masksShape'][1]} regions, range {values.min():.4g}..{values.max():.4g}")
        out = {"architecture": name, "reference": {"saliency": "0.2.1", "torch": torch.__version__}, "cases": cases}
        (FIXTURES / "attribution" / f"{name}.path.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
