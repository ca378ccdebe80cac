"""Captum's DeepLift, LayerDeepLift, DeepLiftShap, ShapleyValues and ShapleyValueSampling on the parity
models (the same PyTorch twins as captum_reference.py), and SHAP's DeepExplainer against DeepLiftShap on
the same background. Writes test/fixtures/attribution/<architecture>.deeplift-shapley.json (values NHWC)
for test/attribution/deeplift-shapley-parity.test.ts.

Shapley value sampling: Captum draws one torch.randperm per sample, shared by the batch; here its
permutation generator is replaced by Glasswing's own orders (Mulberry32, Fisher-Yates, each order
followed by its reverse), one example at a time, so that both sum the same marginal gains. Exact
Shapley values are enumerated here by brute force over all 2^9 coalitions (3x3 grid), and checked
against Captum's ShapleyValues (every order) on a 2x2 grid.

    .venv-ref/bin/python scripts/reference/attribution/deeplift_shapley_reference.py
"""

from __future__ import annotations

import copy
import json
import math
import pathlib
import sys
import warnings

import captum
import numpy as np
import shap
import torch
from captum.attr import DeepLift, DeepLiftShap, GuidedGradCam, LayerDeepLift, ShapleyValues, ShapleyValueSampling

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_reference import FIXTURES, DeepCnn, SmallCnn, decode, encode, nhwc, read_weights  # noqa: E402
from glasswing_random import GlasswingRandom  # noqa: E402

CELL = {"small-cnn": 7, "deep-cnn": 6}


# Captum 0.9.0's DeepLift reads a stale output gradient when two hooked nonlinear modules are adjacent
# (a ReLU feeding a MaxPool2d: captum issue #1104, fixed by pull request #1843 after 0.9.0); its
# attributions then break summation-to-delta. These twins compute the same function with a copy between
# the ReLU and the max pool, so that each hook sees its own gradient; SHAP's DeepExplainer needs none.
class SeparatedSmallCnn(SmallCnn):
    def forward(self, x):
        x = self.relu1(self.conv1(x)).clone()
        x = self.relu2(self.conv2(self.pool1(x)))
        return self.logits(torch.flatten(x, 1))


class SeparatedDeepCnn(DeepCnn):
    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))).clone())
        x = self.pool3(self.relu3(self.bn3(self.conv3(x))))
        return self.logits(self.relu4(self.fc1(torch.flatten(x, 1))))
SAMPLES, SEED = 6, 3


def grid_mask(height: int, width: int, cell: int) -> np.ndarray:
    columns = math.ceil(width / cell)
    rows = np.arange(height)[:, None] // cell
    return (rows * columns + np.arange(width)[None, :] // cell).astype(np.int32)


def glasswing_orders(count: int, samples: int, random: GlasswingRandom) -> list[list[int]]:
    """shapley.ts's orders for one example: Fisher-Yates from the end, every other order reversed."""
    orders: list[list[int]] = []
    while len(orders) < samples:
        if len(orders) % 2 == 1:
            orders.append(list(reversed(orders[-1])))
            continue
        order = list(range(count))
        for i in range(count - 1, 0, -1):
            j = random.integer(i + 1)
            order[i], order[j] = order[j], order[i]
        orders.append(order)
    return orders


def deep_cases(model, x, targets, baseline, distribution, layer):
    zero = torch.zeros_like(x)
    values, delta = DeepLift(model).attribute(x, zero, target=targets, return_convergence_delta=True)
    yield "deeplift", {"method": "deeplift"}, values, delta
    values, delta = DeepLift(model).attribute(x, baseline, target=targets, return_convergence_delta=True)
    yield "deeplift-custom-baseline", {"method": "deeplift", "baseline": "fixture"}, values, delta
    values, delta = LayerDeepLift(model, getattr(model, layer)).attribute(
        x, zero, target=targets, return_convergence_delta=True
    )
    yield "layer-deeplift", {"method": "layer-deeplift", "layer": layer}, values, delta
    values = DeepLiftShap(model).attribute(x, distribution, target=targets)
    yield "deeplift-shap", {"method": "deeplift-shap", "baselines": "fixture-distribution"}, values, None


def brute_force_shapley(model, x, targets, mask, count):
    """Exact Shapley values by enumerating every coalition (2^count model calls per example)."""
    subsets = np.array([[(s >> i) & 1 for i in range(count)] for s in range(1 << count)], np.float64)
    keep = torch.tensor(subsets[:, mask], dtype=x.dtype)[:, None]  # [2^count, 1, h, w]
    factorial = [math.factorial(k) for k in range(count + 1)]
    rows = []
    with torch.no_grad():
        for row in range(x.shape[0]):
            scores = model(x[row : row + 1] * keep)[:, targets[row]].double().numpy()
            phi = np.zeros(count)
            for s in range(1 << count):
                size = bin(s).count("1")
                for i in range(count):
                    if not s & (1 << i):
                        weight = factorial[size] * factorial[count - size - 1] / factorial[count]
                        phi[i] += weight * (scores[s | (1 << i)] - scores[s])
            rows.append(torch.tensor(phi[mask], dtype=x.dtype)[None, None].expand(1, x.shape[1], *mask.shape))
    return torch.cat(rows)


def shapley_cases(model, x, targets, mask, coarse):
    count = int(mask.max()) + 1
    feature_mask = torch.tensor(mask, dtype=torch.long)[None, None]
    values = brute_force_shapley(model, x, targets, mask, count)
    yield "shapley-values", {"method": "shapley-values", "segments": "fixture-mask"}, values, None
    # Captum's ShapleyValues averages over every order (count! of them): a coarser grid keeps it short.
    coarse_mask = torch.tensor(coarse, dtype=torch.long)[None, None]
    values = ShapleyValues(model).attribute(
        x, baselines=0.0, target=targets, feature_mask=coarse_mask, perturbations_per_eval=64
    )
    yield "shapley-values-captum", {"method": "shapley-values", "segments": "fixture-coarse-mask"}, values, None
    random = GlasswingRandom(SEED)
    rows = []
    for row in range(x.shape[0]):
        sampler = ShapleyValueSampling(model)
        orders = glasswing_orders(count, SAMPLES, random)
        sampler.permutation_generator = lambda _features, _samples, orders=orders: iter(orders)
        rows.append(
            sampler.attribute(
                x[row : row + 1], baselines=0.0, target=targets[row], feature_mask=feature_mask, n_samples=SAMPLES
            )
        )
    options = {"method": "shapley-sampling", "segments": "fixture-mask", "samples": SAMPLES, "seed": SEED}
    yield "shapley-sampling", options, torch.cat(rows), None


def main() -> None:
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    for name, build, layer in [("small-cnn", SeparatedSmallCnn, "relu2"), ("deep-cnn", SeparatedDeepCnn, "relu2")]:
        record = json.loads((FIXTURES / "attribution" / f"{name}.inputs.json").read_text())
        shape = record["inputShape"]
        targets = record["targets"]
        model = build(read_weights(name)).eval()
        x = torch.tensor(decode(record["inputs"], shape)).permute(0, 3, 1, 2).contiguous()
        captum_file = json.loads((FIXTURES / "attribution" / f"{name}.captum.json").read_text())
        baseline = torch.tensor(decode(captum_file["baseline"], [1, *shape[1:]])).permute(0, 3, 1, 2).contiguous()
        distribution = torch.tensor(decode(captum_file["distribution"], [3, *shape[1:]])).permute(0, 3, 1, 2).contiguous()
        mask = grid_mask(shape[1], shape[2], CELL[name])
        coarse = grid_mask(shape[1], shape[2], shape[1] // 2)
        tfjs_layer = "conv2" if name == "small-cnn" else "relu2"

        def all_cases(net, inputs, base, dist):
            yield from deep_cases(net, inputs, targets, base, dist, layer)
            yield from shapley_cases(net, inputs, targets, mask, coarse)

        model64 = copy.deepcopy(model).double()
        exact = {
            case: nhwc(values.detach()).numpy()
            for case, _, values, _ in all_cases(model64, x.double(), baseline.double(), distribution.double())
        }
        cases = []
        for case, options, values, delta in all_cases(model, x, baseline, distribution):
            if "layer" in options:
                options["layer"] = tfjs_layer
            values = nhwc(values.detach())
            spread = float(np.ptp(exact[case])) or 1.0
            conditioning = float(np.abs(values.numpy() - exact[case]).max()) / spread
            if conditioning > 1e-5:
                raise SystemExit(f"{name} {case}: float32 and float64 Captum differ by {conditioning:.1e} of the range")
            cases.append(
                {
                    "name": case,
                    "options": options,
                    "shape": list(values.shape),
                    "values": encode(values),
                    "delta": None if delta is None else [float(d) for d in delta.detach().reshape(-1)],
                    "float32VsFloat64": conditioning,
                }
            )
        # SHAP's DeepExplainer on the same background: per output class, [n, c, h, w] per class.
        plain = (SmallCnn if name == "small-cnn" else DeepCnn)(read_weights(name)).eval()
        # Guided Grad-CAM on the plain twin (guided backprop's hooks are not affected by captum #1104).
        guided = nhwc(GuidedGradCam(plain, getattr(plain, layer)).attribute(x, target=targets).detach())
        cases.append(
            {
                "name": "guided-grad-cam",
                "options": {"method": "guided-grad-cam", "layer": tfjs_layer},
                "shape": list(guided.shape),
                "values": encode(guided),
                "delta": None,
            }
        )
        explainer = shap.DeepExplainer(plain, distribution)
        shap_values = explainer.shap_values(x, check_additivity=False)
        shap_values = np.asarray(shap_values)
        # shap >= 0.45 returns [n, c, h, w, classes]; older releases a list over classes.
        if shap_values.shape[-1] == 10 and shap_values.ndim == 5:
            picked = np.stack([shap_values[row, ..., t] for row, t in enumerate(targets)])
        else:
            picked = np.stack([shap_values[t][row] for row, t in enumerate(targets)])
        picked = torch.tensor(picked.astype(np.float32))
        cases.append(
            {
                "name": "shap-deep-explainer",
                "options": {"method": "deeplift-shap", "baselines": "fixture-distribution"},
                "shape": list(nhwc(picked).shape),
                "values": encode(nhwc(picked)),
                "delta": None,
                "expectedValue": [float(v) for v in np.asarray(explainer.expected_value).reshape(-1)],
            }
        )
        out = {
            "architecture": name,
            "reference": {"captum": captum.__version__, "torch": torch.__version__, "shap": shap.__version__},
            "mask": encode(mask.astype(np.float32)),
            "maskShape": list(mask.shape),
            "coarseMask": encode(coarse.astype(np.float32)),
            "cases": cases,
        }
        (FIXTURES / "attribution" / f"{name}.deeplift-shapley.json").write_text(json.dumps(out, indent=1) + "\n")
        print(f"{name}: {len(cases)} cases")


if __name__ == "__main__":
    main()
