"""zennit's LRP on the residual parity model, for Glasswing's LRP through layer graphs
(test/attribution/lrp-graph-parity.test.ts).

Step 2 after lrp_graph_models.mjs. Builds the same residual-cnn in PyTorch from the tfjs weights (NHWC ->
NCHW; the dense layer's rows permuted from Keras's (h, w, c) flatten order), with the residual sum as
zennit's Sum layer over the stacked branches (as zennit's ResNet canonizer does) and the concatenation as
torch.cat on channels; checks that both give the same logits; runs zennit with batch-norm merged into the
convolution before it (NamedMergeBatchNorm) and the relevance at the output set to the target's logit.
Cases, each mapped to the Glasswing composite that applies the same rules:
  epsilon               Epsilon(1e-9) on Conv2d and Linear, Norm(1e-9) on Sum, Pass on ReLU and the merged
                        batch-norms (zennit's base layer map)
  epsilon-plus          as epsilon, with ZPlus(stabilizer 1e-9, biases zeroed) on Conv2d
  epsilon-alpha2-beta1  as epsilon, with AlphaBeta(2, 1, stabilizer 1e-9, biases zeroed) on Conv2d
('epsilon-gamma' has no case: zennit's Gamma is the generalized rule of Andeol et al. (separate positive
and negative outputs, biases scaled), Glasswing's is Captum's W + gamma W+, so they differ by design.)
Max pooling has no rule in zennit (its gradient routes relevance to the maximum), which Glasswing's
epsilon rule on pooling matches up to epsilon. Writes test/fixtures/attribution/residual-cnn.lrp-zennit.json.

    .venv-ref/bin/python scripts/reference/attribution/lrp_graph_reference.py
"""

from __future__ import annotations

import json
from importlib import metadata
import pathlib
import sys

import numpy as np
import torch
from torch import nn
from zennit.attribution import Gradient
from zennit.canonizers import NamedMergeBatchNorm
from zennit.composites import LayerMapComposite
from zennit.layer import Sum
from zennit.rules import AlphaBeta, Epsilon, Norm, Pass, ZPlus
from zennit.types import Activation, BatchNorm

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_reference import FIXTURES, batch_norm, decode, dense, encode, nhwc, read_weights  # noqa: E402

EPSILON = 1e-9  # Glasswing's default epsilon (Captum's)


def conv(weights, name, in_channels, out_channels, size):
    layer = nn.Conv2d(in_channels, out_channels, size, padding=size // 2)
    layer.weight.data = torch.tensor(weights[f"{name}/kernel"].transpose(3, 2, 0, 1).copy())
    layer.bias.data = torch.tensor(weights[f"{name}/bias"].copy())
    return layer


def exact_batch_norm(weights, name, channels):
    """Keras's batch-norm with its epsilon moved into the variance (the same function): zennit's merge
    leaves the batch-norm computing x / sqrt(1 + eps) instead of the identity, a 0.05% scale per layer."""
    layer = batch_norm(weights, name, channels)
    layer.running_var.data += layer.eps
    layer.eps = 0.0
    return layer


class ResidualCnn(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.conv1, self.bn1, self.relu1 = conv(w, "conv1", 3, 8, 3), exact_batch_norm(w, "bn1", 8), nn.ReLU()
        self.conv2, self.bn2, self.relu2 = conv(w, "conv2", 8, 8, 3), exact_batch_norm(w, "bn2", 8), nn.ReLU()
        self.conv3, self.bn3 = conv(w, "conv3", 8, 8, 3), exact_batch_norm(w, "bn3", 8)
        self.add, self.relu3 = Sum(dim=-1), nn.ReLU()
        self.branch1x1, self.relu4 = conv(w, "branch1x1", 8, 4, 1), nn.ReLU()
        self.branch3x3, self.relu5 = conv(w, "branch3x3", 8, 4, 3), nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.logits = dense(w, "logits", 6 * 6 * 8, 10, (6, 6, 8))

    def forward(self, x):
        stem = self.relu1(self.bn1(self.conv1(x)))
        residual = self.bn3(self.conv3(self.relu2(self.bn2(self.conv2(stem)))))
        x = self.relu3(self.add(torch.stack([stem, residual], dim=-1)))
        x = torch.cat([self.relu4(self.branch1x1(x)), self.relu5(self.branch3x3(x))], dim=1)
        return self.logits(torch.flatten(self.pool(x), 1))


def composite(conv_rule):
    return LayerMapComposite(
        layer_map=[
            (Activation, Pass()),
            (BatchNorm, Pass()),
            (Sum, Norm(stabilizer=EPSILON)),
            (nn.Conv2d, conv_rule),
            (nn.Linear, Epsilon(epsilon=EPSILON)),
        ],
        canonizers=[NamedMergeBatchNorm([(["conv1"], "bn1"), (["conv2"], "bn2"), (["conv3"], "bn3")])],
    )


def relevance(model, x, targets, conv_rule):
    one_hot = torch.zeros(len(targets), 10)
    one_hot[torch.arange(len(targets)), torch.tensor(targets)] = 1
    with Gradient(model=model, composite=composite(conv_rule)) as attributor:
        # The relevance at the output is the target's logit, as in Glasswing (and Captum).
        _, values = attributor(x.clone().requires_grad_(True), lambda output: output * one_hot)
    return values


def main() -> None:
    name = "residual-cnn"
    record = json.loads((FIXTURES / "attribution" / f"{name}.inputs.json").read_text())
    shape = record["inputShape"]
    model = ResidualCnn(read_weights(name)).eval()
    x = torch.tensor(decode(record["inputs"], shape)).permute(0, 3, 1, 2).contiguous()
    expected = decode(record["logits"], [shape[0], 10])
    assert np.abs(model(x).detach().numpy() - expected).max() < 1e-4, f"{name}: logits differ"
    targets = record["targets"]
    cases = [
        ("lrp-epsilon", {"method": "lrp"}, Epsilon(epsilon=EPSILON)),
        ("lrp-epsilon-plus", {"method": "lrp", "composite": "epsilon-plus"}, ZPlus(stabilizer=EPSILON, zero_params="bias")),
        (
            "lrp-epsilon-alpha2-beta1",
            {"method": "lrp", "composite": "epsilon-alpha2-beta1"},
            AlphaBeta(alpha=2.0, beta=1.0, stabilizer=EPSILON, zero_params="bias"),
        ),
    ]
    out = {"architecture": name, "reference": {"zennit": metadata.version("zennit"), "torch": torch.__version__}, "cases": []}
    for case, options, rule in cases:
        values = nhwc(relevance(model, x, targets, rule).detach().float())
        out["cases"].append({"name": case, "options": options, "shape": list(values.shape), "values": encode(values)})
        print(f"{name} {case}: range {float(values.min()):.4g}..{float(values.max()):.4g}, sum {values.sum(dim=(1, 2, 3)).tolist()}")
    (FIXTURES / "attribution" / f"{name}.lrp-zennit.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
