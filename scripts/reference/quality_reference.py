"""Quality-metric fixtures from Quantus and Captum, for test/unit/quality/parity.test.ts.

Run with the reference environment (never in the test command):
    .venv-ref/bin/python scripts/reference/quality_reference.py
Writes test/fixtures/quality/reference.json stamped with the library versions. Inputs are small,
fixed and written into the fixture, so the TypeScript side computes on exactly the same numbers;
stochastic metrics (Captum's infidelity) get their perturbations from the fixture too.
"""
import json
import sys
from pathlib import Path

# Quantus imports TensorFlow when it is installed; TensorFlow and torch in one process abort
# (LLVM option registered twice), and only the PyTorch side is needed here.
sys.modules["tensorflow"] = None  # type: ignore[assignment]
sys.modules["keras"] = None  # type: ignore[assignment]

import captum  # noqa: E402
import numpy as np  # noqa: E402
import quantus  # noqa: E402
import scipy  # noqa: E402
import scipy.stats  # noqa: E402
import skimage  # noqa: E402
import skimage.feature  # noqa: E402
import skimage.metrics  # noqa: E402
import torch  # noqa: E402
from captum.metrics import infidelity, sensitivity_max  # noqa: E402
from captum.attr import Saliency  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "quality" / "reference.json"
rng = np.random.default_rng(20261204)
torch.manual_seed(0)


def arr(x):
    return np.asarray(x, dtype=np.float64).tolist()


def f32(shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, size=shape).astype(np.float32)


out = {
    "versions": {
        "quantus": quantus.__version__,
        "captum": captum.__version__,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-image": skimage.__version__,
    }
}

# ---- complexity and localisation: 3 rows of 1x8x8, distinct values (no ties in the orderings) ----
n, h, w = 3, 8, 8
x = f32((n, 1, h, w), 0, 1)
a = f32((n, 1, h, w))
s = np.zeros((n, 1, h, w), dtype=np.float32)
s[0, 0, 2:5, 2:6] = 1
s[1, 0, 0:3, 5:8] = 1
s[2, 0, 4:8, 0:4] = 1
a[0, 0, 3, 3] = 1.5  # row 0's maximum inside its mask (a hit); row 1's lies where chance puts it
y = np.array([0, 1, 2])
out["grid"] = {"x": arr(x), "a": arr(a), "s": arr(s), "shape": [n, h, w, 1]}
common = dict(disable_warnings=True)
out["complexity"] = {
    "sparseness": arr(quantus.Sparseness(**common)(model=None, x_batch=x, y_batch=y, a_batch=a.copy())),
    "complexity": arr(quantus.Complexity(**common)(model=None, x_batch=x, y_batch=y, a_batch=a.copy())),
    "effective-complexity": arr(
        quantus.EffectiveComplexity(eps=0.3, **common)(model=None, x_batch=x, y_batch=y, a_batch=a.copy())
    ),
    "sparseness-raw": arr(
        quantus.Sparseness(abs=True, normalise=False, **common)(model=None, x_batch=x, y_batch=y, a_batch=a.copy())
    ),
}
loc = dict(model=None, x_batch=x, y_batch=y, s_batch=s)
out["localisation"] = {
    "pointing-game": arr(quantus.PointingGame(**common)(a_batch=a.copy(), **loc)),
    # weighted=True fails inside Quantus 0.6 (boolean-index assignment of a 2-D array), so no fixture for it
    "relevance-mass": arr(quantus.RelevanceMassAccuracy(**common)(a_batch=a.copy(), **loc)),
    "relevance-rank": arr(quantus.RelevanceRankAccuracy(**common)(a_batch=a.copy(), **loc)),
    "top-k": arr(quantus.TopKIntersection(k=10, **common)(a_batch=a.copy(), **loc)),
    "top-k-concept": arr(quantus.TopKIntersection(k=10, concept_influence=True, **common)(a_batch=a.copy(), **loc)),
}

# ---- pixel flipping on a linear model (Quantus defaults: black = input minimum, step 1) ----
features = h * w
W = f32((3, features))
b = f32((3,))
linear = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(features, 3))
with torch.no_grad():
    linear[1].weight.copy_(torch.from_numpy(W))
    linear[1].bias.copy_(torch.from_numpy(b))
linear.eval()
out["linear"] = {"W": arr(W), "b": arr(b)}
pf_args = dict(model=linear, x_batch=x, y_batch=y, a_batch=a.copy(), device="cpu")
out["pixel-flipping"] = {
    "curves": arr(quantus.PixelFlipping(**common)(**pf_args)),
    # return_auc_per_sample calls np.trapz, gone from numpy 2.4: the same rule (trapezoid, dx=1) here.
    "auc": arr(np.trapezoid(np.array(quantus.PixelFlipping(**common)(**pf_args)), dx=1, axis=1)),
    "curves-step4": arr(quantus.PixelFlipping(features_in_step=4, **common)(**pf_args)),
}

# ---- Captum infidelity with perturbations fed from the fixture ----
samples = 5
noise = f32((n, samples, 1, h, w), -0.1, 0.1)


def make_perturb():
    calls = {"k": 0}

    def perturb(inputs):
        # Captum expands inputs to (n * samples) rows, example-major.
        k = inputs.shape[0]
        pert = torch.from_numpy(noise.reshape(n * samples, 1, h, w)[:k]).to(inputs.dtype)
        calls["k"] += 1
        return pert, inputs - pert

    return perturb


xt = torch.from_numpy(x)
at = torch.from_numpy(a)
yt = torch.from_numpy(y)
infid = {}
for normalize in (False, True):
    infid[str(normalize).lower()] = arr(
        infidelity(linear, make_perturb(), xt, at, target=yt, n_perturb_samples=samples, normalize=normalize)
        .detach()
        .numpy()
    )
out["infidelity"] = {"noise": arr(noise.reshape(n, samples, h * w)), "samples": samples, **infid}

# ---- sensitivity_max of saliency on the linear model: the gradient does not depend on x ----
sal = Saliency(linear)
out["sensitivity-max-linear"] = arr(
    sensitivity_max(lambda inp, target: sal.attribute(inp, target=target, abs=False), xt, target=yt).numpy()
)

# ---- similarities: scipy's spearmanr, scikit-image's SSIM (Quantus's data range) and HOG ----
m1 = f32((28, 28), 0, 1)
m2 = (m1 + f32((28, 28), -0.3, 0.3)).astype(np.float32)
m2[3, 4] = m2[3, 5]  # a tie for the ranks
joint = float(max(m1.max(), m2.max()) - min(m1.min(), m2.min()))
out["similarity"] = {
    "m1": arr(m1),
    "m2": arr(m2),
    "spearman": float(scipy.stats.spearmanr(m1.ravel(), m2.ravel())[0]),
    "ssim": float(skimage.metrics.structural_similarity(m1, m2, data_range=joint)),
    "ssim-quantus": float(quantus.similarity_func.ssim(m1, m2)),
    "hog1": arr(skimage.feature.hog(m1, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(3, 3), block_norm="L2-Hys")),
    "hog2": arr(skimage.feature.hog(m2, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(3, 3), block_norm="L2-Hys")),
}
m3 = f32((20, 20), 0, 1)
out["similarity"]["m3"] = arr(m3)
out["similarity"]["hog3"] = arr(
    skimage.feature.hog(m3, orientations=9, pixels_per_cell=(4, 4), cells_per_block=(3, 3), block_norm="L2-Hys")
)

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(out) + "\n")
print("wrote", OUT, out["versions"])
