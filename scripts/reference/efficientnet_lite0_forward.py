"""A numpy forward pass of the original EfficientNet-Lite0 checkpoint, the reference that the converted
tfjs model (gw.load('efficientnet-lite0')) is tested against.

    python scripts/reference/efficientnet_lite0_forward.py CHECKPOINT.pth INPUTS.npy LOGITS.npy

INPUTS.npy: float32 [n, h, w, 3], RGB in [0, 1]. LOGITS.npy: float64 [n, 1000], the class scores before
the softmax. Reads the PyTorch weights in their own layouts ([out, in, h, w], depthwise [C, 1, k, k])
with scripts/models/torch_legacy.py and computes in float64, independently of the converter:
TensorFlow 'same' padding, batch norm with epsilon 1e-3, ReLU6, input (255 x - 127) / 128.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
from torch_legacy import read_state_dict  # noqa: E402

EPSILON = 1e-3
# Stride of the first block of each stage; kernel sizes and channels come from the weights.
STAGE_STRIDES = [1, 2, 2, 2, 1, 2, 1]
STAGE_REPEATS = [1, 2, 2, 3, 3, 4, 1]


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad(x: np.ndarray, kernel: int, stride: int) -> np.ndarray:
    top, bottom = same_padding(x.shape[1], kernel, stride)
    left, right = same_padding(x.shape[2], kernel, stride)
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


def conv(x: np.ndarray, weight: np.ndarray, stride: int = 1) -> np.ndarray:
    """NHWC convolution with a PyTorch [out, in, k, k] weight, TensorFlow 'same' padding."""
    k = weight.shape[2]
    n, h, w, _ = x.shape
    out_h, out_w = -(-h // stride), -(-w // stride)
    padded = pad(x, k, stride)
    result = np.zeros((n, out_h, out_w, weight.shape[0]))
    for i in range(k):
        for j in range(k):
            patch = padded[:, i : i + stride * out_h : stride, j : j + stride * out_w : stride, :]
            result += patch @ weight[:, :, i, j].T
    return result


def depthwise(x: np.ndarray, weight: np.ndarray, stride: int) -> np.ndarray:
    """NHWC depthwise convolution with a PyTorch [C, 1, k, k] weight, TensorFlow 'same' padding."""
    k = weight.shape[2]
    n, h, w, c = x.shape
    out_h, out_w = -(-h // stride), -(-w // stride)
    padded = pad(x, k, stride)
    result = np.zeros((n, out_h, out_w, c))
    for i in range(k):
        for j in range(k):
            result += padded[:, i : i + stride * out_h : stride, j : j + stride * out_w : stride, :] * weight[:, 0, i, j]
    return result


def batch_norm(x: np.ndarray, state: dict, prefix: str) -> np.ndarray:
    scale = state[f"{prefix}.weight"] / np.sqrt(state[f"{prefix}.running_var"].astype(np.float64) + EPSILON)
    return (x - state[f"{prefix}.running_mean"]) * scale + state[f"{prefix}.bias"]


def relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0, 6)


def forward(state: dict, images: np.ndarray) -> np.ndarray:
    s = {name: value.astype(np.float64) for name, value in state.items() if value.dtype == np.float32}
    x = (images.astype(np.float64) * 255 - 127) / 128
    x = relu6(batch_norm(conv(x, s["_conv_stem.weight"], 2), s, "_bn0"))
    index = 0
    for stride, repeats in zip(STAGE_STRIDES, STAGE_REPEATS):
        for repeat in range(repeats):
            p = f"_blocks.{index}"
            inputs = x
            if f"{p}._expand_conv.weight" in s:
                x = relu6(batch_norm(conv(x, s[f"{p}._expand_conv.weight"]), s, f"{p}._bn0"))
            x = relu6(batch_norm(depthwise(x, s[f"{p}._depthwise_conv.weight"], stride if repeat == 0 else 1), s, f"{p}._bn1"))
            x = batch_norm(conv(x, s[f"{p}._project_conv.weight"]), s, f"{p}._bn2")
            if repeat > 0 or (stride == 1 and inputs.shape[-1] == x.shape[-1]):
                x = x + inputs
            index += 1
    x = relu6(batch_norm(conv(x, s["_conv_head.weight"]), s, "_bn1"))
    pooled = x.mean(axis=(1, 2))
    return pooled @ s["_fc.weight"].T + s["_fc.bias"]


def main(checkpoint: str, inputs: str, outputs: str) -> None:
    images = np.load(inputs)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise SystemExit(f"efficientnet_lite0_forward: inputs must be [n, h, w, 3], got {images.shape}")
    np.save(outputs, forward(read_state_dict(checkpoint), images))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
