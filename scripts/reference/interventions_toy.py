"""Closed-form reference numbers for Glasswing's interventions (src/interventions/).

  .venv-ref/bin/python scripts/reference/interventions_toy.py   # writes test/fixtures/interventions/toy.json

1. A hand-built two-layer ReLU MLP, x (3) -> 'hidden' = relu(x W1 + b1) (4) -> 'logits' = h W2 + b2 (2),
   with two clean/corrupted pairs and a reference set of four inputs. For every hidden unit: the logits
   with that unit restored from the clean run (denoising patch), the logit difference, the normalised
   recovery (patched - corrupt) / (clean - corrupt), the logits with the unit zero-, mean- and
   noise-patched, and attribution patching (d logitdiff / dh at the corrupt run x (h_clean - h_corrupt)),
   which equals real patching here because the readout after the ReLU is linear.
2. A logistic model p = sigmoid(w . x + b): the minimal-L2 counterfactual that reaches probability t is the
   projection onto the level set w . x + b = logit(t): x* = x + (logit(t) - w . x - b) / |w|^2 w.
"""
import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "interventions" / "toy.json"

W1 = np.array([[1.0, -1.0, 0.5, 2.0], [0.5, 2.0, -1.0, 0.0], [-1.0, 0.5, 1.5, 1.0]])
B1 = np.array([0.1, -0.2, 0.0, -0.5])
W2 = np.array([[1.0, -0.5], [-2.0, 1.0], [0.5, 1.5], [1.0, -1.0]])
B2 = np.array([0.2, -0.1])
CLEAN = np.array([[1.0, 0.5, 0.25], [0.2, 1.0, 0.6]])
CORRUPT = np.array([[-0.5, 1.0, 0.75], [0.9, -0.3, 0.1]])
REFERENCE = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.5]])


def hidden(x):
    return np.maximum(x @ W1 + B1, 0.0)


def logits(h):
    return h @ W2 + B2


def diff(z):
    return z[..., 0] - z[..., 1]


def mlp():
    hc, hk = hidden(CLEAN), hidden(CORRUPT)
    zc, zk = logits(hc), logits(hk)
    mean = hidden(REFERENCE).mean(0)
    denoise, noise, zero, mean_abl = [], [], [], []
    for u in range(4):
        h = hk.copy(); h[:, u] = hc[:, u]; denoise.append(logits(h).tolist())
        h = hc.copy(); h[:, u] = hk[:, u]; noise.append(logits(h).tolist())
        h = hc.copy(); h[:, u] = 0.0; zero.append(logits(h).tolist())
        h = hc.copy(); h[:, u] = mean[u]; mean_abl.append(logits(h).tolist())
    denoise = np.array(denoise)
    recovery = (diff(denoise) - diff(zk)) / (diff(zc) - diff(zk))
    grad = W2[:, 0] - W2[:, 1]  # d logitdiff / dh, the same at every input (linear readout)
    attribution = (hc - hk) * grad  # [pairs, units]
    return {
        "W1": W1.tolist(), "b1": B1.tolist(), "W2": W2.tolist(), "b2": B2.tolist(),
        "clean": CLEAN.tolist(), "corrupt": CORRUPT.tolist(), "reference": REFERENCE.tolist(),
        "hiddenClean": hc.tolist(), "hiddenCorrupt": hk.tolist(),
        "logitsClean": zc.tolist(), "logitsCorrupt": zk.tolist(),
        "denoiseLogits": denoise.tolist(),  # [unit, pair, class]
        "noiseLogits": noise,
        "zeroLogits": zero,
        "meanLogits": mean_abl,
        "recovery": recovery.tolist(),  # [unit, pair]
        "attributionPatching": attribution.T.tolist(),  # [unit, pair]
        "patchEffect": (diff(denoise) - diff(zk)).tolist(),  # [unit, pair]
    }


def logistic():
    w = np.array([1.5, -2.0, 0.5, 1.0])
    b = -0.25
    x = np.array([-1.0, 0.5, 0.2, -0.3])
    target = 0.7
    level = np.log(target / (1 - target))
    star = x + (level - (w @ x + b)) / (w @ w) * w
    return {"w": w.tolist(), "b": b, "x": x.tolist(), "target": target, "counterfactual": star.tolist(),
            "distance": float(np.linalg.norm(star - x))}


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = {"numpy": np.__version__, "mlp": mlp(), "logistic": logistic()}
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}")
