"""Captum's LRP on the parity models, for Glasswing's LRP (test/attribution/cam-perturbation-parity.test.ts).

Cases: Captum's default rules (epsilon 1e-9 on every conv, dense, pooling and batch-norm layer) on both
models, which Glasswing's 'epsilon' composite matches with batch-norm folded into the convolution before
it; and on the small CNN the gamma rule (0.25) and Captum's Alpha1_Beta0_Rule with biases set to zero
(the z+ rule) on the convolutions, epsilon on the dense layer. Writes test/fixtures/attribution/<name>.lrp.json.

    .venv-ref/bin/python scripts/reference/attribution/lrp_reference.py
"""

from __future__ import annotations

import copy
import json
import pathlib
import sys

import captum
import numpy as np
import torch
from captum.attr import LRP
from captum.attr._utils.lrp_rules import Alpha1_Beta0_Rule, EpsilonRule, GammaRule

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_reference import FIXTURES, DeepCnn, SmallCnn, decode, encode, nhwc, read_weights  # noqa: E402


def lrp(model, x, targets, conv_rule=None):
    model = copy.deepcopy(model)
    if conv_rule is not None:
        for name, module in model.named_modules():
            if isinstance(module, torch.nn.Conv2d):
                module.rule = conv_rule()
            elif isinstance(module, torch.nn.Linear):
                module.rule = EpsilonRule()
    return LRP(model).attribute(x, target=targets)


def main() -> None:
    for name, build in [("small-cnn", SmallCnn), ("deep-cnn", DeepCnn)]:
        record = json.loads((FIXTURES / "attribution" / f"{name}.inputs.json").read_text())
        shape = record["inputShape"]
        model = build(read_weights(name)).eval()
        x = torch.tensor(decode(record["inputs"], shape)).permute(0, 3, 1, 2).contiguous()
        expected = decode(record["logits"], [shape[0], 10])
        assert np.abs(model(x).detach().numpy() - expected).max() < 1e-4, f"{name}: logits differ"
        targets = record["targets"]
        cases = [("lrp-epsilon", {"method": "lrp"}, lrp(model, x, targets))]
        if name == "small-cnn":
            cases.append(("lrp-epsilon-gamma", {"method": "lrp", "composite": "epsilon-gamma"}, lrp(model, x, targets, GammaRule)))
            cases.append(
                ("lrp-epsilon-plus", {"method": "lrp", "composite": "epsilon-plus"}, lrp(model, x, targets, lambda: Alpha1_Beta0_Rule(set_bias_to_zero=True)))
            )
        out = {"architecture": name, "reference": {"captum": captum.__version__, "torch": torch.__version__}, "cases": []}
        for case, options, values in cases:
            values = nhwc(values.detach().float())
            out["cases"].append({"name": case, "options": options, "shape": list(values.shape), "values": encode(values)})
            print(f"{name} {case}: range {float(values.min()):.4g}..{float(values.max()):.4g}, sum {values.sum(dim=(1, 2, 3)).tolist()}")
        (FIXTURES / "attribution" / f"{name}.lrp.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
