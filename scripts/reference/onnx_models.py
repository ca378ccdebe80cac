"""Small ONNX models for gw.load('model.onnx') tests, built with the `onnx` package (no torch needed),
with outputs from onnx's own reference evaluator (pure numpy, independent of onnxruntime).

    python -m venv /tmp/onnx-ref && /tmp/onnx-ref/bin/pip install onnx numpy
    /tmp/onnx-ref/bin/python scripts/reference/onnx_models.py test/fixtures/onnx

Writes:
- tabular.onnx: [n, 4] -> Gemm 8 -> Relu -> Gemm 3 -> Softmax (opset 17);
- image.onnx: an NHWC image [n, 8, 8, 1] -> Transpose to NCHW -> Conv 3x3 (4 channels, pads 1) -> Relu ->
  GlobalAveragePool -> Flatten -> Gemm 2 -> Softmax, the shape of what a PyTorch export does after a
  channels-last adapter;
- image-nchw.onnx: the same network taking NCHW images [n, 1, 8, 8], as PyTorch exports it;
- reference.json: each model's weights (so tests can build the same network in tfjs), seeded inputs and
  the reference evaluator's outputs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

OPSET = 17


def tensor(name: str, array: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(array.astype(np.float32), name)


def tabular(rng: np.random.Generator) -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    w = {
        "w1": rng.normal(0, 0.8, (4, 8)),
        "b1": rng.normal(0, 0.1, (8,)),
        "w2": rng.normal(0, 0.8, (8, 3)),
        "b2": rng.normal(0, 0.1, (3,)),
    }
    nodes = [
        helper.make_node("Gemm", ["features", "w1", "b1"], ["h"], name="hidden"),
        helper.make_node("Relu", ["h"], ["a"], name="relu"),
        helper.make_node("Gemm", ["a", "w2", "b2"], ["logits"], name="logits"),
        helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes,
        "tabular",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 3])],
        [tensor(k, v) for k, v in w.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)]), w


def image(rng: np.random.Generator, channels_first: bool = False, w: dict | None = None) -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    w = w or {
        "conv_w": rng.normal(0, 0.5, (4, 1, 3, 3)),
        "conv_b": rng.normal(0, 0.1, (4,)),
        "fc_w": rng.normal(0, 1.0, (4, 2)),
        "fc_b": rng.normal(0, 0.1, (2,)),
    }
    first = [] if channels_first else [helper.make_node("Transpose", ["image"], ["nchw"], name="to_nchw", perm=[0, 3, 1, 2])]
    nodes = [
        *first,
        helper.make_node("Conv", ["image" if channels_first else "nchw", "conv_w", "conv_b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["g"], name="pool"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["logits"], name="fc"),
        helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes,
        "image",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, 8, 8] if channels_first else ["batch", 8, 8, 1])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 2])],
        [tensor(k, v) for k, v in w.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)]), w


def main(out: Path) -> None:
    rng = np.random.default_rng(11)
    out.mkdir(parents=True, exist_ok=True)
    reference: dict[str, dict] = {}
    for name, build, shape in [("tabular.onnx", tabular, (4,)), ("image.onnx", image, (8, 8, 1))]:
        model, weights = build(rng)
        model.ir_version = 8
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, out / name)
        inputs = rng.uniform(0, 1, (3, *shape)).astype(np.float32)
        (outputs,) = ReferenceEvaluator(model).run(None, {model.graph.input[0].name: inputs})
        reference[name] = {
            "inputShape": list(shape),
            "inputs": inputs.reshape(-1).tolist(),
            "outputShape": list(outputs.shape),
            "outputs": outputs.astype(np.float32).reshape(-1).tolist(),
            "weights": {k: {"shape": list(v.shape), "values": v.astype(np.float32).reshape(-1).tolist()} for k, v in weights.items()},
        }
    # The same network as PyTorch exports it, channels first ([n, 1, 8, 8]): gw.load(..., { channelsFirst: true }).
    weights = {k: np.array(v["values"], np.float32).reshape(v["shape"]) for k, v in reference["image.onnx"]["weights"].items()}
    model, _ = image(rng, channels_first=True, w=weights)
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, out / "image-nchw.onnx")
    reference["versions"] = {"onnx": onnx.__version__, "numpy": np.__version__, "opset": OPSET}
    (out / "reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    print("wrote", sorted(p.name for p in out.iterdir()), "with onnx", onnx.__version__)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/onnx"))
