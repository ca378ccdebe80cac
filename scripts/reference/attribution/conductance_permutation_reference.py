"""Captum's NeuronDeepLift, FeaturePermutation, LayerConductance, NeuronConductance and InternalInfluence
on the parity models (the PyTorch twins of captum_reference.py), and FeaturePermutation over the
credit MLP's grouped one-hot attributes (the twin of tabular_reference.py). Writes
test/fixtures/attribution/<architecture>.conductance-permutation.json (values NHWC) and
credit-mlp.permutation.json for test/attribution/conductance-permutation-parity.test.ts.

Feature permutation: Captum draws one torch.randperm per feature; here its perm_func is replaced by one
that applies Glasswing's own permutation of that feature (Mulberry32, Fisher-Yates, the identity drawn
again, one permutation per feature in feature order: feature-permutation.ts), so that both shuffle the
same examples. The image cases permute 5 examples: the 2 parity inputs and the 3 rows of the fixture's
distribution (targets 0, 1, 2 for those).

    .venv-ref/bin/python scripts/reference/attribution/conductance_permutation_reference.py
"""

from __future__ import annotations

import copy
import json
import pathlib
import sys
import warnings

import captum
import numpy as np
import torch
from captum.attr import FeaturePermutation, InternalInfluence, LayerConductance, NeuronConductance, NeuronDeepLift

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_reference import FIXTURES, DeepCnn, SmallCnn, decode, encode, nhwc, read_weights  # noqa: E402
from deeplift_shapley_reference import CELL, SeparatedDeepCnn, SeparatedSmallCnn, grid_mask  # noqa: E402
from glasswing_random import GlasswingRandom  # noqa: E402

STEPS = 16
SEED = 4
EXTRA_TARGETS = [0, 1, 2]


def glasswing_permutations(count: int, features: int, random: GlasswingRandom) -> list[list[int]]:
    """feature-permutation.ts's permutations: per feature, Fisher-Yates from the end, redrawn if identity."""
    orders = []
    for _ in range(features):
        while True:
            order = list(range(count))
            for i in range(count - 1, 0, -1):
                j = random.integer(i + 1)
                order[i], order[j] = order[j], order[i]
            if order != list(range(count)):
                break
        orders.append(order)
    return orders


def permutation_with(orders: list[list[int]], feature_mask: torch.Tensor):
    """A perm_func for Captum's FeaturePermutation that applies Glasswing's permutation of the feature."""

    def permute(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        feature = int(torch.unique(feature_mask.expand_as(mask)[mask]).item())
        order = torch.tensor(orders[feature])
        return torch.where(mask.to(torch.bool), x[order], x)

    return permute


def permutation_importance(model, x, targets, feature_mask, seed):
    features = int(feature_mask.max()) + 1
    orders = glasswing_permutations(x.shape[0], features, GlasswingRandom(seed))
    method = FeaturePermutation(model, perm_func=permutation_with(orders, feature_mask))
    return method.attribute(x, target=targets, feature_mask=feature_mask)


def cases(plain, separated, x, targets, layer, neuron_hwc, mask, extra):
    h, w, c = neuron_hwc
    neuron = (c, h, w)
    zero = torch.zeros_like(x)
    yield "neuron-deeplift", {"method": "neuron-deeplift", "neuron": {"index": list(neuron_hwc)}}, NeuronDeepLift(
        separated, getattr(separated, layer)
    ).attribute(x, neuron_selector=neuron, baselines=zero), None
    values, delta = LayerConductance(plain, getattr(plain, layer)).attribute(
        x, zero, target=targets, n_steps=STEPS, return_convergence_delta=True
    )
    yield "layer-conductance", {"method": "layer-conductance", "layer": None, "steps": STEPS}, values, delta
    yield "neuron-conductance", {
        "method": "neuron-conductance",
        "through": {"index": list(neuron_hwc)},
        "steps": STEPS,
    }, NeuronConductance(plain, getattr(plain, layer)).attribute(
        x, neuron_selector=neuron, baselines=zero, target=targets, n_steps=STEPS
    ), None
    yield "internal-influence", {"method": "internal-influence", "layer": None, "steps": STEPS}, InternalInfluence(
        plain, getattr(plain, layer)
    ).attribute(x, zero, target=targets, n_steps=STEPS), None
    feature_mask = torch.tensor(mask, dtype=torch.long)[None, None]
    many = torch.cat([x, extra])
    yield "feature-permutation", {
        "method": "feature-permutation",
        "segments": "fixture-mask",
        "seed": SEED,
        "examples": "inputs-and-distribution",
    }, permutation_importance(plain, many, list(targets) + EXTRA_TARGETS, feature_mask, SEED), None


def tabular() -> None:
    """FeaturePermutation over the credit MLP's 20 attributes (one-hot columns grouped), 3 rows."""
    from tabular_reference import build  # noqa: PLC0415

    record = json.loads((FIXTURES / "attribution" / "credit-mlp.tabular.json").read_text())
    x = torch.tensor(decode(record["inputs"], record["inputShape"]).copy())
    groups = torch.tensor(record["groups"], dtype=torch.long).reshape(1, -1)
    values = permutation_importance(build(), x, record["target"], groups, SEED)
    out = {
        "reference": {"captum": captum.__version__, "torch": torch.__version__},
        "seed": SEED,
        "shape": list(values.shape),
        "values": encode(values.detach()),
    }
    (FIXTURES / "attribution" / "credit-mlp.permutation.json").write_text(json.dumps(out, indent=1) + "\n")
    print("credit-mlp: feature permutation")


def main() -> None:
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    for name, build, separate, layer in [
        ("small-cnn", SmallCnn, SeparatedSmallCnn, "relu2"),
        ("deep-cnn", DeepCnn, SeparatedDeepCnn, "relu2"),
    ]:
        record = json.loads((FIXTURES / "attribution" / f"{name}.inputs.json").read_text())
        shape = record["inputShape"]
        targets = record["targets"]
        weights = read_weights(name)
        plain, separated = build(weights).eval(), separate(weights).eval()
        x = torch.tensor(decode(record["inputs"], shape)).permute(0, 3, 1, 2).contiguous()
        captum_file = json.loads((FIXTURES / "attribution" / f"{name}.captum.json").read_text())
        extra = torch.tensor(decode(captum_file["distribution"], [3, *shape[1:]])).permute(0, 3, 1, 2).contiguous()
        mask = grid_mask(shape[1], shape[2], CELL[name])
        neuron_hwc = record["neuron"]["index"]
        tfjs_layer = record["neuron"]["layer"]
        exact = {
            case: nhwc(values.detach()).numpy()
            for case, _, values, _ in cases(
                copy.deepcopy(plain).double(), copy.deepcopy(separated).double(), x.double(), targets, layer,
                neuron_hwc, mask, extra.double(),
            )
        }
        out_cases = []
        for case, options, values, delta in cases(plain, separated, x, targets, layer, neuron_hwc, mask, extra):
            for key in ("neuron", "through"):
                if key in options:
                    options[key]["layer"] = tfjs_layer
            if "layer" in options:
                options["layer"] = tfjs_layer
            values = nhwc(values.detach())
            spread = float(np.ptp(exact[case])) or 1.0
            conditioning = float(np.abs(values.numpy() - exact[case]).max()) / spread
            if conditioning > 1e-5:
                raise SystemExit(f"{name} {case}: float32 and float64 Captum differ by {conditioning:.1e} of the range")
            out_cases.append(
                {
                    "name": case,
                    "options": options,
                    "shape": list(values.shape),
                    "values": encode(values),
                    "delta": None if delta is None else [float(d) for d in delta.detach().reshape(-1)],
                    "float32VsFloat64": conditioning,
                }
            )
        # Neuron DeepLIFT's summation-to-delta on Captum's side: its attributions sum to the unit's change.
        with torch.no_grad():
            activation = {}
            hook = getattr(separated, layer).register_forward_hook(lambda _m, _i, o: activation.__setitem__("a", o))
            separated(x)
            change = activation["a"][:, neuron_hwc[2], neuron_hwc[0], neuron_hwc[1]].clone()
            separated(torch.zeros_like(x))
            change -= activation["a"][:, neuron_hwc[2], neuron_hwc[0], neuron_hwc[1]]
            hook.remove()
        sums = torch.tensor(exact["neuron-deeplift"]).reshape(x.shape[0], -1).sum(1)
        print(f"{name}: neuron DeepLIFT sums {sums.tolist()} vs unit change {change.tolist()}")
        out = {
            "architecture": name,
            "reference": {"captum": captum.__version__, "torch": torch.__version__},
            "mask": encode(mask.astype(np.float32)),
            "maskShape": list(mask.shape),
            "extraTargets": EXTRA_TARGETS,
            "cases": out_cases,
        }
        (FIXTURES / "attribution" / f"{name}.conductance-permutation.json").write_text(json.dumps(out, indent=1) + "\n")
        print(f"{name}: {len(out_cases)} cases")
    tabular()


if __name__ == "__main__":
    main()
