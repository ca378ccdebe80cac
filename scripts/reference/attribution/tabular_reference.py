"""Reference numbers for KernelSHAP, LIME and feature ablation over TABULAR features: the German-credit
MLP (notebooks/models/credit-mlp: 63 encoded columns -> 16 ReLU -> 2 -> softmax), its 20 named
attributes as feature groups (one-hot columns of a nominal attribute removed together).

Captum: FeatureAblation with the group mask; ShapleyValues (exact) on 6 coarse groups against KernelSHAP
with every coalition enumerated; KernelShap / Lime objectives on Glasswing's own coalitions (its seeded
sampler ported in perturbation_cam_reference.py). Writes test/fixtures/attribution/credit-mlp.tabular.json.

    .venv-ref/bin/python scripts/reference/attribution/tabular_reference.py
"""

from __future__ import annotations

import json
import pathlib
import sys

import captum
import numpy as np
import torch
from captum._utils.models.linear_model import SkLearnLinearRegression, SkLearnRidge
from captum.attr import FeatureAblation, KernelShap, Lime, ShapleyValues
from torch import nn

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_reference import encode  # noqa: E402
from perturbation_cam_reference import Mulberry32, kernel_shap_coalitions, lime_coalitions, lime_weight  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]
MODEL = ROOT / "notebooks" / "models" / "credit-mlp"
OUT = ROOT / "test" / "fixtures" / "attribution" / "credit-mlp.tabular.json"


def read_weights() -> dict[str, np.ndarray]:
    manifest = json.loads((MODEL / "model.json").read_text())["weightsManifest"]
    weights, offset = {}, 0
    for group in manifest:
        data = b"".join((MODEL / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"]))
            weights[spec["name"]] = np.frombuffer(data, np.float32, count, offset).reshape(spec["shape"])
            offset += 4 * count
    return weights


def build() -> nn.Module:
    w = read_weights()
    hidden, logits = nn.Linear(63, 16), nn.Linear(16, 2)
    hidden.weight.data = torch.tensor(w["dense_1/kernel"].T.copy())
    hidden.bias.data = torch.tensor(w["dense_1/bias"].copy())
    logits.weight.data = torch.tensor(w["logits/kernel"].T.copy())
    logits.bias.data = torch.tensor(w["logits/bias"].copy())
    return nn.Sequential(hidden, nn.ReLU(), logits, nn.Softmax(dim=1)).eval()


def main() -> None:
    encoding = json.loads((MODEL / "encoding.json").read_text())
    attributes = encoding["attributes"]
    groups = np.zeros(63, np.int64)
    rng = np.random.default_rng(21)
    rows = np.zeros((3, 63), np.float32)
    baseline = np.zeros(63, np.float32)
    for index, attribute in enumerate(attributes):
        if attribute["kind"] == "numeric":
            groups[attribute["column"]] = index
            rows[:, attribute["column"]] = rng.normal(size=3)
        else:
            first, k = attribute["firstColumn"], len(attribute["categories"])
            groups[first : first + k] = index
            rows[np.arange(3), first + rng.integers(0, k, size=3)] = 1
            baseline[first : first + k] = 1 / k  # the uniform mixture: no category preferred
    names = [attribute["name"] for attribute in attributes]
    model = build()
    x = torch.tensor(rows)
    base = torch.tensor(baseline).reshape(1, 63)
    mask = torch.tensor(groups).reshape(1, 63)
    target = 1
    features = len(names)
    cases = []

    def add(name, options, values):
        cases.append({"name": name, "options": options, "shape": list(values.shape), "values": encode(values.detach().float())})
        print(f"credit-mlp {name}: range {float(values.min()):.4g}..{float(values.max()):.4g}")

    add("feature-ablation-groups", {"method": "feature-ablation"},
        FeatureAblation(model).attribute(x, target=target, feature_mask=mask, baselines=base))
    coarse = torch.tensor(groups % 6).reshape(1, 63)
    add("kernel-shap-exact-6", {"method": "kernel-shap", "samples": 64, "coarse": True},
        ShapleyValues(model).attribute(x, target=target, feature_mask=coarse, baselines=base, perturbations_per_eval=120))

    samples, seed = 256, 9
    random = Mulberry32(seed)
    kernel = KernelShap(model)
    values = []
    for i in range(3):
        drawn = kernel_shap_coalitions(features, samples, random)

        def generator(_inputs, drawn=drawn, **_kwargs):
            yield torch.ones(1, features, dtype=torch.long)
            yield torch.zeros(1, features, dtype=torch.long)
            for row in drawn:
                yield torch.tensor(row).reshape(1, features)

        lime = Lime(model, SkLearnLinearRegression(), kernel.kernel_shap_similarity_kernel, generator)
        values.append(lime.attribute(x[i : i + 1], baselines=base, target=target, feature_mask=mask, n_samples=len(drawn) + 2, perturbations_per_eval=64))
    add("kernel-shap-sampled", {"method": "kernel-shap", "samples": samples, "seed": seed}, torch.cat(values))

    samples, seed = 200, 2
    random = Mulberry32(seed)
    values = []
    for i in range(3):
        drawn = lime_coalitions(features, samples, random)

        def generator(_inputs, drawn=drawn, **_kwargs):
            for row in drawn:
                yield torch.tensor(row).reshape(1, features)

        def similarity(_original, _perturbed, interpretable, **_kwargs):
            return torch.tensor([lime_weight(interpretable, 0.25)])

        lime = Lime(model, SkLearnRidge(alpha=1.0), similarity, generator)
        values.append(lime.attribute(x[i : i + 1], baselines=base, target=target, feature_mask=mask, n_samples=len(drawn), perturbations_per_eval=64))
    add("lime-sampled", {"method": "lime", "samples": samples, "seed": seed}, torch.cat(values))

    out = {
        "model": "notebooks/models/credit-mlp",
        "reference": {"captum": captum.__version__, "torch": torch.__version__},
        "inputs": encode(rows),
        "inputShape": [3, 63],
        "baseline": encode(baseline),
        "groups": groups.tolist(),
        "featureNames": names,
        "target": target,
        "cases": cases,
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
