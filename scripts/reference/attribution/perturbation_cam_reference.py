"""Reference numbers for Glasswing's CAM and perturbation methods on the parity models.

Captum: LayerGradCam (+ bilinear upsampling), Occlusion, FeatureAblation with the same feature mask,
ShapleyValues (exact, by permutations) for KernelSHAP with every coalition enumerated, and KernelShap /
Lime run on the SAME coalitions Glasswing samples (its seeded sampler is ported below, bit for bit).
pytorch-grad-cam: GradCAMPlusPlus, LayerCAM, ScoreCAM, read before its per-image min-max scaling.
Writes test/fixtures/attribution/<architecture>.cam-perturbation.json (values NHWC, float32 base64).
Reuses the models and codecs of captum_reference.py (same folder).

    .venv-ref/bin/python scripts/reference/attribution/perturbation_cam_reference.py
"""

from __future__ import annotations

import json
import math
import pathlib
import sys

import captum
import numpy as np
import pytorch_grad_cam
import torch
import torch.nn.functional as F
from captum._utils.models.linear_model import SkLearnLinearRegression, SkLearnRidge
from captum.attr import FeatureAblation, KernelShap, LayerAttribution, LayerGradCam, Lime, Occlusion, ShapleyValues
from pytorch_grad_cam import GradCAMPlusPlus, LayerCAM, ScoreCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_reference import FIXTURES, DeepCnn, SmallCnn, decode, encode, nhwc, read_weights  # noqa: E402

MASK32 = 0xFFFFFFFF


class Mulberry32:
    """src/attribution/random.ts's createRandom, bit for bit (all arithmetic modulo 2^32)."""

    def __init__(self, seed: int):
        self.state = (seed ^ 0x9E3779B9) & MASK32

    @staticmethod
    def _imul(a: int, b: int) -> int:
        return (a * b) & MASK32

    def next(self) -> float:
        self.state = (self.state + 0x6D2B79F5) & MASK32
        t = self.state
        t = self._imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + self._imul(t ^ (t >> 7), t | 61)) & MASK32)) & MASK32
        return ((t ^ (t >> 14)) & MASK32) / 4294967296

    def integer(self, bound: int) -> int:
        return min(bound - 1, math.floor(self.next() * bound))


def kernel_shap_coalitions(features: int, samples: int, random: Mulberry32) -> np.ndarray:
    """coalitions.ts's kernelShapCoalitions, sampled branch: paired, sizes by the kernel's mass."""
    size_mass, total = [], 0.0
    for size in range(1, features):
        total += (features - 1) / (size * (features - size))
        size_mass.append(total)
    rows = max(2, samples - samples % 2)
    values = np.zeros((rows, features), np.int64)
    for pair in range(rows // 2):
        draw = random.next() * total
        size = 1
        while size < features - 1 and size_mass[size - 1] <= draw:
            size += 1
        pool = list(range(features))
        for index in range(size):
            pick = index + random.integer(features - index)
            pool[index], pool[pick] = pool[pick], pool[index]
        values[2 * pair + 1, :] = 1
        for feature in pool[:size]:
            values[2 * pair, feature] = 1
            values[2 * pair + 1, feature] = 0
    return values


def lime_coalitions(features: int, samples: int, random: Mulberry32) -> np.ndarray:
    values = np.ones((samples, features), np.int64)
    for row in range(1, samples):
        for feature in range(features):
            values[row, feature] = 1 if random.next() < 0.5 else 0
    return values


def lime_weight(sample: torch.Tensor, width: float) -> float:
    kept = float(sample.sum())
    features = sample.numel()
    distance = 1.0 if kept == 0 else 1 - math.sqrt(kept / features)
    return math.exp(-(distance**2) / width**2)


def grid_mask(height: int, width: int, cell: tuple[int, int]) -> torch.Tensor:
    """segments.ts's grid labels, row-major cells, as a [1, 1, h, w] Captum feature mask."""
    columns = math.ceil(width / cell[1])
    ys, xs = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    return torch.tensor((ys // cell[0]) * columns + xs // cell[1]).reshape(1, 1, height, width)


def raw_grad_cam(cam_class, model, layer, x, targets, size):
    """pytorch-grad-cam's map before `scale_cam_image`: relu(get_cam_image), upsampled bilinearly."""
    cam = cam_class(model=model, target_layers=[layer])
    cam.batch_size = 64
    wrapped = [ClassifierOutputTarget(t) for t in targets]
    outputs = cam.activations_and_grads(x)
    if cam.uses_gradients:
        model.zero_grad()
        sum(target(output) for target, output in zip(wrapped, outputs)).backward()
    activations = cam.activations_and_grads.activations[0].detach().cpu().numpy()
    gradients = cam.activations_and_grads.gradients[0].cpu().numpy() if cam.uses_gradients else None
    image = cam.get_cam_image(x, layer, wrapped, activations, gradients, False)
    image = torch.tensor(np.maximum(image, 0)).unsqueeze(1).float()
    cam.activations_and_grads.release()
    return F.interpolate(image, size=size, mode="bilinear", align_corners=False)


def per_example(attribute, x, targets):
    return torch.cat([attribute(x[i : i + 1], targets[i]) for i in range(x.shape[0])])


def cases_for(model, cam_layer, x, targets):
    n, channels, height, width = x.shape
    layer = getattr(model, cam_layer)
    gradcam = LayerGradCam(model, layer).attribute(x, target=targets, relu_attributions=True)
    yield "grad-cam", {"method": "grad-cam"}, LayerAttribution.interpolate(gradcam, (height, width), "bilinear")
    for name, cam_class in [("grad-cam++", GradCAMPlusPlus), ("layer-cam", LayerCAM), ("score-cam", ScoreCAM)]:
        yield name, {"method": name}, raw_grad_cam(cam_class, model, layer, x, targets, (height, width))

    for window, stride, baseline in [(4, 2, 0.0), (3, 3, 0.5)]:
        values = Occlusion(model).attribute(
            x, sliding_window_shapes=(channels, window, window), strides=(channels, stride, stride),
            baselines=baseline, target=targets, perturbations_per_eval=64,
        )
        yield f"occlusion-{window}-{stride}", {"method": "occlusion", "window": window, "stride": stride, "baseline": baseline}, values

    cell = [4, 4]
    mask = grid_mask(height, width, cell)
    values = FeatureAblation(model).attribute(x, target=targets, feature_mask=mask, baselines=0.0, perturbations_per_eval=64)
    yield "feature-ablation-grid", {"method": "feature-ablation", "segments": {"method": "grid", "cellSize": cell}}, values

    # Exact Shapley values (all 720 orders of 6 cells) against KernelSHAP with every coalition enumerated.
    few = [math.ceil(height / 2), math.ceil(width / 3)]
    few_mask = grid_mask(height, width, few)
    values = ShapleyValues(model).attribute(x, target=targets, feature_mask=few_mask, baselines=0.0, perturbations_per_eval=120)
    yield "kernel-shap-exact", {"method": "kernel-shap", "samples": 64, "segments": {"method": "grid", "cellSize": few}}, values

    # Sampled coalitions: Captum's KernelShap objective (Lime with the Shapley similarity kernel,
    # unconstrained least squares, the empty and the full coalition weighted 1e6) on Glasswing's samples.
    features = int(mask.max()) + 1
    samples, seed = 200, 3
    random = Mulberry32(seed)
    shap_rows = [kernel_shap_coalitions(features, samples, random) for _ in range(n)]
    kernel = KernelShap(model)

    def shap_attribute(xi, target, rows=iter(shap_rows)):
        drawn = next(rows)

        def generator(_inputs, **_kwargs):
            yield torch.ones(1, features, dtype=torch.long)
            yield torch.zeros(1, features, dtype=torch.long)
            for row in drawn:
                yield torch.tensor(row).reshape(1, features)

        lime = Lime(model, interpretable_model=SkLearnLinearRegression(), similarity_func=kernel.kernel_shap_similarity_kernel, perturb_func=generator)
        return lime.attribute(xi, target=target, feature_mask=mask, baselines=0.0, n_samples=len(drawn) + 2, perturbations_per_eval=64)

    values = per_example(shap_attribute, x, targets)
    yield "kernel-shap-sampled", {"method": "kernel-shap", "samples": samples, "seed": seed, "segments": {"method": "grid", "cellSize": cell}}, values

    lime_samples, lime_seed, width_ = 150, 5, 0.25
    random = Mulberry32(lime_seed)
    lime_rows = [lime_coalitions(features, lime_samples, random) for _ in range(n)]

    def lime_attribute(xi, target, rows=iter(lime_rows)):
        drawn = next(rows)

        def generator(_inputs, **_kwargs):
            for row in drawn:
                yield torch.tensor(row).reshape(1, features)

        def similarity(_original, _perturbed, interpretable, **_kwargs):
            return torch.tensor([lime_weight(interpretable, width_)])

        lime = Lime(model, interpretable_model=SkLearnRidge(alpha=1.0), similarity_func=similarity, perturb_func=generator)
        return lime.attribute(xi, target=target, feature_mask=mask, baselines=0.0, n_samples=len(drawn), perturbations_per_eval=64)

    values = per_example(lime_attribute, x, targets)
    yield "lime-sampled", {"method": "lime", "samples": lime_samples, "seed": lime_seed, "segments": {"method": "grid", "cellSize": cell}}, values


def main() -> None:
    torch.manual_seed(0)
    for name, build, cam_layer, tfjs_layer in [("small-cnn", SmallCnn, "relu2", "conv2"), ("deep-cnn", DeepCnn, "relu3", "relu3")]:
        record = json.loads((FIXTURES / "attribution" / f"{name}.inputs.json").read_text())
        shape = record["inputShape"]
        model = build(read_weights(name)).eval()
        x = torch.tensor(decode(record["inputs"], shape)).permute(0, 3, 1, 2).contiguous()
        expected = decode(record["logits"], [shape[0], 10])
        assert np.abs(model(x).detach().numpy() - expected).max() < 1e-4, f"{name}: logits differ"
        cases = []
        for case, options, values in cases_for(model, cam_layer, x, record["targets"]):
            if options["method"] in ("grad-cam", "grad-cam++", "layer-cam", "score-cam"):
                options["layer"] = tfjs_layer
            values = nhwc(values.detach().float())
            cases.append({"name": case, "options": options, "shape": list(values.shape), "values": encode(values)})
            print(f"{name} {case}: shape {list(values.shape)}, range {float(values.min()):.4g}..{float(values.max()):.4g}")
        out = {
            "architecture": name,
            "reference": {"captum": captum.__version__, "torch": torch.__version__, "grad-cam": "1.5.7"},
            "cases": cases,
        }
        (FIXTURES / "attribution" / f"{name}.cam-perturbation.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
