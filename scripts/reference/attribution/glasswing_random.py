"""Glasswing's seeded random source (src/attribution/random.ts), ported bit for bit, and a context that
makes Captum draw exactly those numbers: the stochastic methods are then compared on the same samples."""

from __future__ import annotations

import contextlib
import math
from unittest import mock

import numpy as np
import torch

MASK32 = 0xFFFFFFFF


class GlasswingRandom:
    """Mulberry32 as src/attribution/random.ts has it: next, integer, normals (Box-Muller), uniforms."""

    def __init__(self, seed: int):
        self.state = (int(seed) ^ 0x9E3779B9) & MASK32

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

    def normals(self, count: int) -> np.ndarray:
        out = np.zeros(count, np.float32)
        for i in range(0, count, 2):
            radius = math.sqrt(-2 * math.log(1 - self.next()))
            angle = 2 * math.pi * self.next()
            out[i] = radius * math.cos(angle)
            if i + 1 < count:
                out[i + 1] = radius * math.sin(angle)
        return out

    def uniforms(self, count: int, low: float = 0.0, high: float = 1.0) -> np.ndarray:
        return np.array([low + (high - low) * self.next() for _ in range(count)], np.float32)


@contextlib.contextmanager
def captum_draws(picks=None, alphas=None, noise_nhwc=None):
    """Within the block, np.random.choice / np.random.uniform / torch.normal (Captum's only sources of
    randomness in GradientShap and NoiseTunnel) return the given draws instead of fresh ones."""

    def choice(n, size, *args, **kwargs):
        assert picks is not None and len(picks) == size, (size, None if picks is None else len(picks))
        return np.asarray(picks)

    def uniform(low, high, size, *args, **kwargs):
        assert alphas is not None and len(alphas) == size, (size, None if alphas is None else len(alphas))
        return np.asarray(alphas, np.float64)

    def normal(mean, std, *args, **kwargs):
        assert noise_nhwc is not None and noise_nhwc.size == std.numel(), "unexpected noise shape"
        n, c, h, w = std.shape
        z = torch.tensor(noise_nhwc.reshape(n, h, w, c)).permute(0, 3, 1, 2).to(std.dtype)
        return mean + z * std

    with mock.patch.object(np.random, "choice", choice), mock.patch.object(
        np.random, "uniform", uniform
    ), mock.patch.object(torch, "normal", normal):
        yield
