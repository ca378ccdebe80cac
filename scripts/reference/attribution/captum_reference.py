"""Captum's attributions on the parity models, for Glasswing's parity suite (test/attribution/parity.test.ts).

Step 2 of `bash scripts/reference/attribution/run.sh`. Loads the tfjs fixture models' weights into
identical PyTorch models (NHWC -> NCHW; Keras flattens (h, w, c), PyTorch (c, h, w): the first dense
layer's columns are permuted to match), checks that both give the same logits, runs Captum on the same
inputs and targets, and writes test/fixtures/attribution/<architecture>.captum.json (values in NHWC).

    .venv-ref/bin/python scripts/reference/attribution/captum_reference.py
"""

from __future__ import annotations

import base64
import copy
import json
import pathlib
import sys

import captum
import numpy as np
import torch
from captum.attr import (
    Deconvolution,
    GradientShap,
    GuidedBackprop,
    InputXGradient,
    IntegratedGradients,
    LayerGradientXActivation,
    LayerIntegratedGradients,
    NeuronGradient,
    NeuronIntegratedGradients,
    NoiseTunnel,
    Saliency,
)
from torch import nn

from glasswing_random import GlasswingRandom, captum_draws

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
ROOT = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "test" / "fixtures"
RULES = {
    "riemann-left": "riemann_left",
    "riemann-right": "riemann_right",
    "riemann-middle": "riemann_middle",
    "riemann-trapezoid": "riemann_trapezoid",
    "gauss-legendre": "gausslegendre",
}
STEPS = 16


def read_weights(name: str) -> dict[str, np.ndarray]:
    folder = FIXTURES / "models" / name
    manifest = json.loads((folder / "model.json").read_text())["weightsManifest"]
    weights: dict[str, np.ndarray] = {}
    for group in manifest:
        data = b"".join((folder / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            weights[spec["name"]] = np.frombuffer(data, np.float32, count, offset).reshape(spec["shape"])
            offset += 4 * count
    return weights


def conv(weights, name, in_channels, out_channels, padding):
    layer = nn.Conv2d(in_channels, out_channels, 3, padding=padding)
    layer.weight.data = torch.tensor(weights[f"{name}/kernel"].transpose(3, 2, 0, 1).copy())
    layer.bias.data = torch.tensor(weights[f"{name}/bias"].copy())
    return layer


def dense(weights, name, in_features, out_features, nhwc_shape=None):
    layer = nn.Linear(in_features, out_features)
    kernel = weights[f"{name}/kernel"]  # [in, out], rows in Keras's flatten order (h, w, c)
    if nhwc_shape is not None:
        h, w, c = nhwc_shape
        kernel = kernel.reshape(h, w, c, out_features).transpose(2, 0, 1, 3).reshape(in_features, out_features)
    layer.weight.data = torch.tensor(kernel.T.copy())
    layer.bias.data = torch.tensor(weights[f"{name}/bias"].copy())
    return layer


def batch_norm(weights, name, channels):
    layer = nn.BatchNorm2d(channels, eps=1e-3)
    layer.weight.data = torch.tensor(weights[f"{name}/gamma"].copy())
    layer.bias.data = torch.tensor(weights[f"{name}/beta"].copy())
    layer.running_mean.data = torch.tensor(weights[f"{name}/moving_mean"].copy())
    layer.running_var.data = torch.tensor(weights[f"{name}/moving_variance"].copy())
    return layer


class SmallCnn(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.conv1, self.relu1 = conv(w, "conv1", 1, 8, 0), nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2, self.relu2 = conv(w, "conv2", 8, 16, 0), nn.ReLU()
        self.logits = dense(w, "logits", 7 * 7 * 16, 10, (7, 7, 16))

    def forward(self, x):
        x = self.relu2(self.conv2(self.pool1(self.relu1(self.conv1(x)))))
        return self.logits(torch.flatten(x, 1))


class DeepCnn(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.conv1, self.bn1, self.relu1 = conv(w, "conv1", 3, 16, 1), batch_norm(w, "bn1", 16), nn.ReLU()
        self.conv2, self.bn2, self.relu2 = conv(w, "conv2", 16, 16, 1), batch_norm(w, "bn2", 16), nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.conv3, self.bn3, self.relu3 = conv(w, "conv3", 16, 32, 1), batch_norm(w, "bn3", 32), nn.ReLU()
        self.pool3 = nn.AvgPool2d(2)
        self.fc1, self.relu4 = dense(w, "fc1", 4 * 4 * 32, 32, (4, 4, 32)), nn.ReLU()
        self.logits = dense(w, "logits", 32, 10)

    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = self.pool3(self.relu3(self.bn3(self.conv3(x))))
        return self.logits(self.relu4(self.fc1(torch.flatten(x, 1))))


def decode(text: str, shape) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), np.float32).reshape(shape)


def encode(array) -> str:
    values = array.detach().numpy() if isinstance(array, torch.Tensor) else array
    return base64.b64encode(np.ascontiguousarray(values, dtype=np.float32).tobytes()).decode()


def nhwc(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.permute(0, 2, 3, 1) if tensor.dim() == 4 else tensor


def cases_for(model, layer_name, x, targets, neuron_hwc, baseline):
    layer = getattr(model, layer_name)
    h, w, c = neuron_hwc
    neuron = (c, h, w)
    zero = torch.zeros_like(x)
    yield "saliency", {"method": "saliency"}, Saliency(model).attribute(x, target=targets, abs=True), None
    yield "saliency-signed", {"method": "saliency", "absolute": False}, Saliency(model).attribute(x, target=targets, abs=False), None
    yield "input-x-gradient", {"method": "input-x-gradient"}, InputXGradient(model).attribute(x, target=targets), None
    for rule, captum_rule in RULES.items():
        values, delta = IntegratedGradients(model).attribute(
            x, zero, target=targets, n_steps=STEPS, method=captum_rule, return_convergence_delta=True
        )
        yield f"ig-{rule}", {"method": "integrated-gradients", "steps": STEPS, "rule": rule}, values, delta
    values, delta = IntegratedGradients(model).attribute(
        x, baseline, target=targets, n_steps=STEPS, return_convergence_delta=True
    )
    yield "ig-custom-baseline", {"method": "integrated-gradients", "steps": STEPS, "baseline": "fixture"}, values, delta
    yield "guided-backprop", {"method": "guided-backprop"}, GuidedBackprop(model).attribute(x, target=targets), None
    yield "deconvolution", {"method": "deconvolution"}, Deconvolution(model).attribute(x, target=targets), None
    yield (
        "layer-gradient-x-activation",
        {"method": "layer-gradient-x-activation", "layer": layer_name},
        LayerGradientXActivation(model, layer).attribute(x, target=targets),
        None,
    )
    values, delta = LayerIntegratedGradients(model, layer).attribute(
        x, zero, target=targets, n_steps=STEPS, return_convergence_delta=True
    )
    yield "layer-integrated-gradients", {"method": "layer-integrated-gradients", "layer": layer_name, "steps": STEPS}, values, delta
    neuron_option = {"layer": layer_name, "index": list(neuron_hwc)}
    yield (
        "neuron-gradient",
        {"method": "saliency", "absolute": False, "neuron": neuron_option},
        NeuronGradient(model, layer).attribute(x, neuron_selector=neuron),
        None,
    )
    yield (
        "neuron-integrated-gradients",
        {"method": "integrated-gradients", "steps": STEPS, "neuron": neuron_option},
        NeuronIntegratedGradients(model, layer).attribute(x, neuron_selector=neuron, baselines=zero, n_steps=STEPS),
        None,
    )


def stochastic_cases(model, x, targets, distribution):
    """GradientSHAP and noise tunnels, with Captum drawing exactly Glasswing's samples (same seed)."""
    rows, size = x.shape[0], x[0].numel()
    zero = torch.zeros_like(x)

    samples, stdev, seed = 8, 0.1, 3
    random = GlasswingRandom(seed)
    picks = [random.integer(distribution.shape[0]) for _ in range(rows * samples)]
    alphas = random.uniforms(rows * samples)
    noise = random.normals(rows * samples * size)
    with captum_draws(picks=picks, alphas=alphas, noise_nhwc=noise):
        values = GradientShap(model).attribute(x, distribution, target=targets, n_samples=samples, stdevs=stdev)
    options = {"method": "gradient-shap", "baselines": "fixture-distribution", "samples": samples, "stdev": stdev, "seed": seed}
    yield "gradient-shap", options, values, None

    for name, nt_type, method, kwargs, seed in [
        ("smoothgrad", "smoothgrad", "smoothgrad", {}, 4),
        ("vargrad", "vargrad", "vargrad", {}, 5),
    ]:
        noise = GlasswingRandom(seed).normals(rows * 6 * size)
        with captum_draws(noise_nhwc=noise):
            values = NoiseTunnel(Saliency(model)).attribute(x, nt_type=nt_type, nt_samples=6, stdevs=0.2, target=targets)
        yield name, {"method": method, "noise": {"samples": 6, "stdev": 0.2}, "seed": seed}, values, None

    noise = GlasswingRandom(6).normals(rows * 4 * size)
    with captum_draws(noise_nhwc=noise):
        values = NoiseTunnel(IntegratedGradients(model)).attribute(
            x, nt_type="smoothgrad_sq", nt_samples=4, stdevs=0.1, baselines=zero, target=targets, n_steps=8
        )
    options = {
        "method": "integrated-gradients",
        "steps": 8,
        "noise": {"type": "smoothgrad-squared", "samples": 4, "stdev": 0.1},
        "seed": 6,
    }
    yield "integrated-gradients-smoothgrad-squared", options, values, None


def main() -> None:
    torch.manual_seed(0)
    for name, build, layer_name in [("small-cnn", SmallCnn, "relu2"), ("deep-cnn", DeepCnn, "relu2")]:
        record = json.loads((FIXTURES / "attribution" / f"{name}.inputs.json").read_text())
        shape = record["inputShape"]
        model = build(read_weights(name)).eval()
        x = torch.tensor(decode(record["inputs"], shape)).permute(0, 3, 1, 2).contiguous()
        logits = model(x).detach().numpy()
        expected = decode(record["logits"], [shape[0], 10])
        assert np.abs(logits - expected).max() < 1e-4, f"{name}: logits differ by {np.abs(logits - expected).max()}"
        baseline_nhwc = np.random.default_rng(3).uniform(0, 0.5, [1, *shape[1:]]).astype(np.float32)
        baseline = torch.tensor(baseline_nhwc).permute(0, 3, 1, 2).contiguous()
        # The tfjs layer name is what Glasswing is asked for; 'relu2' exists in both models under that name
        # in the deep CNN, while in the small CNN the tfjs 'conv2' (relu activation inside) is torch's relu2.
        tfjs_layer = "conv2" if name == "small-cnn" else "relu2"
        # The same attributions in float64: where float32 and float64 disagree, an evaluation point sits
        # within round-off of a ReLU or max-pool kink, and no float32 implementation can be compared there.
        distribution_nhwc = np.random.default_rng(4).uniform(0, 1, [3, *shape[1:]]).astype(np.float32)
        distribution = torch.tensor(distribution_nhwc).permute(0, 3, 1, 2).contiguous()

        def all_cases(net, inputs, base, dist):
            neuron = record["neuron"]["index"]
            yield from cases_for(net, layer_name, inputs, record["targets"], neuron, base)
            yield from stochastic_cases(net, inputs, record["targets"], dist)

        model64 = copy.deepcopy(model).double()
        exact = {
            case: nhwc(values.detach()).numpy()
            for case, _, values, _ in all_cases(model64, x.double(), baseline.double(), distribution.double())
        }
        cases = []
        for case, options, values, delta in all_cases(model, x, baseline, distribution):
            if "layer" in options:
                options["layer"] = tfjs_layer
            if "neuron" in options:
                options["neuron"]["layer"] = tfjs_layer
            values = nhwc(values.detach())
            spread = float(np.ptp(exact[case])) or 1.0
            conditioning = float(np.abs(values.numpy() - exact[case]).max()) / spread
            if conditioning > 1e-5:
                raise SystemExit(
                    f"{name} {case}: float32 and float64 Captum differ by {conditioning:.1e} of the range: an"
                    " evaluation point lies on a kink. Choose other inputs (INPUT_SEED in models.mjs)."
                )
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
        out = {
            "architecture": name,
            "reference": {"captum": captum.__version__, "torch": torch.__version__},
            "baseline": encode(baseline_nhwc),
            "distribution": encode(distribution_nhwc),
            "cases": cases,
        }
        (FIXTURES / "attribution" / f"{name}.captum.json").write_text(json.dumps(out, indent=1) + "\n")
        print(f"{name}: {len(cases)} cases, logits match (max diff {np.abs(logits - expected).max():.2e})")


if __name__ == "__main__":
    main()
