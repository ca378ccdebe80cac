"""SHAP's KernelExplainer (the shap package) against Glasswing's KernelSHAP with a background set, on a
small tabular MLP (6 named features -> 8 ReLU -> 2 softmax) written here as a tfjs Layers model under
test/fixtures/attribution/tabular-mlp/. With 6 features both enumerate all 62 coalitions, so both give
the exact Shapley values of the background-averaged (interventional) value function.
Writes test/fixtures/attribution/tabular-mlp.shap.json.

    .venv-ref/bin/python scripts/reference/attribution/shap_reference.py
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import shap

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_reference import encode  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]
FOLDER = ROOT / "test" / "fixtures" / "attribution" / "tabular-mlp"
NAMES = ["age", "income", "debt", "tenure", "late_payments", "savings"]


def dense(name, units, activation, input_shape=None):
    config = {"name": name, "trainable": True, "units": units, "activation": activation, "use_bias": True}
    if input_shape:
        config["batch_input_shape"] = [None, *input_shape]
        config["dtype"] = "float32"
    return {"class_name": "Dense", "config": config}


def main() -> None:
    rng = np.random.default_rng(11)
    hidden_kernel = rng.normal(0, 0.7, (6, 8)).astype(np.float32)
    hidden_bias = rng.normal(0, 0.1, 8).astype(np.float32)
    out_kernel = rng.normal(0, 0.7, (8, 2)).astype(np.float32)
    out_bias = rng.normal(0, 0.1, 2).astype(np.float32)
    FOLDER.mkdir(parents=True, exist_ok=True)
    weights = [("hidden/kernel", hidden_kernel), ("hidden/bias", hidden_bias), ("logits/kernel", out_kernel), ("logits/bias", out_bias)]
    (FOLDER / "weights.bin").write_bytes(b"".join(w.tobytes() for _, w in weights))
    model_json = {
        "format": "layers-model",
        "generatedBy": "scripts/reference/attribution/shap_reference.py",
        "convertedBy": None,
        "modelTopology": {
            "class_name": "Sequential",
            "config": {"name": "tabular_mlp", "layers": [dense("hidden", 8, "relu", [6]), dense("logits", 2, "softmax")]},
            "keras_version": "tfjs-layers 4.22.0",
            "backend": "tensor_flow.js",
        },
        "weightsManifest": [
            {"paths": ["weights.bin"], "weights": [{"name": n, "shape": list(w.shape), "dtype": "float32"} for n, w in weights]}
        ],
    }
    (FOLDER / "model.json").write_text(json.dumps(model_json, indent=1) + "\n")

    def predict(x):
        hidden = np.maximum(x.astype(np.float32) @ hidden_kernel + hidden_bias, 0)
        logits = hidden @ out_kernel + out_bias
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return (exp / exp.sum(axis=1, keepdims=True))[:, 1]

    background = rng.normal(0, 1, (12, 6)).astype(np.float32)
    inputs = rng.normal(0, 1.2, (3, 6)).astype(np.float32)
    explainer = shap.KernelExplainer(predict, background)
    values = np.asarray(explainer.shap_values(inputs, nsamples=62, silent=True), dtype=np.float32)
    print(f"shap {shap.__version__}: expected value {explainer.expected_value:.6f}, values range {values.min():.4g}..{values.max():.4g}")
    out = {
        "reference": {"shap": shap.__version__},
        "featureNames": NAMES,
        "inputs": encode(inputs),
        "background": encode(background),
        "inputShape": [3, 6],
        "backgroundShape": [12, 6],
        "target": 1,
        "expectedValue": float(explainer.expected_value),
        "values": encode(values),
    }
    (ROOT / "test" / "fixtures" / "attribution" / "tabular-mlp.shap.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
