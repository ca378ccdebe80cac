"""Reference numbers for gw.similarity (CKA, CCA/SVCCA/PWCCA, Procrustes, RSA) on small fixed matrices.

  .venv-ref/bin/python scripts/reference/structure.py fixtures   # writes test/fixtures/structure/reference.json
  .venv-ref/bin/python scripts/reference/structure.py nmf        # writes test/fixtures/structure/nmf.json (scikit-learn NMF)
  .venv-ref/bin/python scripts/reference/structure.py cluster    # writes test/fixtures/structure/cluster.json (scipy linkage)
  .venv-ref/bin/python scripts/reference/structure.py bench DIR  # peers of bench/structure (run by bench/structure/run.sh)

CKA, minibatch CKA, CCA, SVCCA, PWCCA and Procrustes are numpy re-implementations of the published formulas
(Kornblith et al. 2019's notebook code for CKA, including center_gram and the debiased helper; Nguyen et al.
2021 for minibatch CKA; Raghu et al. 2017 / Morcos et al. 2018 for SVCCA / PWCCA, by SVD instead of
Google's covariance code, which crashes when the first layer is wider); RDM comparisons come from
rsatoolbox (compare: spearman, tau-a, corr, cosine) and its correlation RDM; euclidean and cosine RDMs
from scipy's pdist (rsatoolbox's 'euclidean' is the squared distance divided by the features).
Inputs are float32 values (as Glasswing reads them) stored in the fixture; all arithmetic is float64.
"""
import json
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
import scipy.spatial.distance as ssd

ROOT = Path(__file__).resolve().parents[2]


# ---- Kornblith et al. (2019), github.com/google-research/google-research/blob/master/representation_similarity
def gram_linear(x):
    return x.dot(x.T)


def gram_rbf(x, threshold=1.0, rule="median-squared"):
    dot_products = x.dot(x.T)
    sq_norms = np.diag(dot_products)
    sq_distances = -2 * dot_products + sq_norms[:, None] + sq_norms[None, :]
    sq_distances = np.maximum(sq_distances, 0)
    np.fill_diagonal(sq_distances, 0)
    if rule == "median-squared":
        sigma2 = threshold**2 * np.median(sq_distances)
    else:
        iu = np.triu_indices(x.shape[0], 1)
        sigma2 = (threshold * np.median(np.sqrt(sq_distances[iu]))) ** 2
    return np.exp(-sq_distances / (2 * sigma2))


def center_gram(gram, unbiased=False):
    gram = gram.copy()
    if unbiased:
        n = gram.shape[0]
        np.fill_diagonal(gram, 0)
        means = np.sum(gram, 0, dtype=np.float64) / (n - 2)
        means -= np.sum(means) / (2 * (n - 1))
        gram -= means[:, None]
        gram -= means[None, :]
        np.fill_diagonal(gram, 0)
    else:
        means = np.mean(gram, 0, dtype=np.float64)
        means -= np.mean(means) / 2
        gram -= means[:, None]
        gram -= means[None, :]
    return gram


def cka_gram(gram_x, gram_y, debiased=False):
    gram_x = center_gram(gram_x, unbiased=debiased)
    gram_y = center_gram(gram_y, unbiased=debiased)
    scaled_hsic = gram_x.ravel().dot(gram_y.ravel())
    return scaled_hsic / (np.linalg.norm(gram_x) * np.linalg.norm(gram_y))


def _debiased_helper(xty, ssr_x, ssr_y, sqn_x, sqn_y, n):
    return xty - n / (n - 2.0) * ssr_x.dot(ssr_y) + sqn_x * sqn_y / ((n - 1) * (n - 2))


def feature_space_linear_cka(x, y, debiased=False):
    x = x - np.mean(x, 0, keepdims=True)
    y = y - np.mean(y, 0, keepdims=True)
    dot_product_similarity = np.linalg.norm(x.T.dot(y)) ** 2
    normalization_x = np.linalg.norm(x.T.dot(x))
    normalization_y = np.linalg.norm(y.T.dot(y))
    if debiased:
        n = x.shape[0]
        ssr_x = np.einsum("ij,ij->i", x, x)
        ssr_y = np.einsum("ij,ij->i", y, y)
        sqn_x = np.sum(ssr_x)
        sqn_y = np.sum(ssr_y)
        dot_product_similarity = _debiased_helper(dot_product_similarity, ssr_x, ssr_y, sqn_x, sqn_y, n)
        normalization_x = np.sqrt(_debiased_helper(normalization_x**2, ssr_x, ssr_x, sqn_x, sqn_x, n))
        normalization_y = np.sqrt(_debiased_helper(normalization_y**2, ssr_y, ssr_y, sqn_y, sqn_y, n))
    return dot_product_similarity / (normalization_x * normalization_y)


# ---- Nguyen, Raghu, Kornblith (2021): minibatch CKA with the unbiased HSIC of Song et al. (2012)
def hsic1(k, l):
    m = k.shape[0]
    k = k.copy()
    l = l.copy()
    np.fill_diagonal(k, 0)
    np.fill_diagonal(l, 0)
    one = np.ones(m)
    return (
        np.trace(k @ l) + (one @ k @ one) * (one @ l @ one) / ((m - 1) * (m - 2)) - 2 / (m - 2) * (one @ k @ l @ one)
    ) / (m * (m - 3))


def hsic0(k, l):
    m = k.shape[0]
    h = np.eye(m) - np.ones((m, m)) / m
    return np.trace(k @ h @ l @ h) / (m - 1) ** 2


def minibatch_cka(x, y, batch, debiased=True):
    n = x.shape[0]
    bounds = [(s, min(n, s + batch)) for s in range(0, n, batch)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < 4:
        last = bounds.pop()
        bounds[-1] = (bounds[-1][0], last[1])
    h = hsic1 if debiased else hsic0
    xy = xx = yy = 0.0
    for s, e in bounds:
        k = gram_linear(x[s:e])
        l = gram_linear(y[s:e])
        xy += h(k, l)
        xx += h(k, k)
        yy += h(l, l)
    return xy / np.sqrt(xx * yy)


# ---- CCA by SVD (Raghu et al. 2017; Morcos et al. 2018)
def _orth(x, tol=1e-10):
    xc = x - x.mean(0)
    u, s, vt = np.linalg.svd(xc, full_matrices=False)
    keep = s**2 > tol * (s[0] ** 2)
    return u[:, keep], s[keep], vt[keep], xc


def cca(x, y):
    qx, _, _, xc = _orth(x)
    qy, _, _, _ = _orth(y)
    u, rho, vt = np.linalg.svd(qx.T @ qy, full_matrices=False)
    count = min(qx.shape[1], qy.shape[1])
    rho = np.clip(rho[:count], 0, 1)
    variates = qx @ u[:, :count]  # unit canonical variates of x
    return rho, variates, xc


def svd_reduce(x, threshold):
    xc = x - x.mean(0)
    u, s, vt = np.linalg.svd(xc, full_matrices=False)
    var = s**2
    k = int(np.searchsorted(np.cumsum(var) / var.sum(), threshold - 1e-12) + 1)
    return xc @ vt[:k].T


def svcca(x, y, threshold=0.99):
    rx = svd_reduce(x, threshold)
    ry = svd_reduce(y, threshold)
    rho, _, _ = cca(rx, ry)
    return float(rho.mean()), [rx.shape[1], ry.shape[1]]


def pwcca(x, y, side="x"):
    a, b = (x, y) if side == "x" else (y, x)
    rho, h, ac = cca(a, b)
    alpha = np.abs(h.T @ ac).sum(axis=1)
    alpha = alpha / alpha.sum()
    return float(alpha @ rho)


def procrustes(x, y):
    x = x - x.mean(0)
    y = y - y.mean(0)
    x = x / np.linalg.norm(x)
    y = y / np.linalg.norm(y)
    return float(2 - 2 * np.linalg.norm(x.T @ y, ord="nuc"))


def fixtures():
    import rsatoolbox

    rng = np.random.default_rng(14)
    n = 40
    base = rng.standard_normal((n, 8))
    x = (base @ rng.standard_normal((8, 10)) + 0.3 * rng.standard_normal((n, 10))).astype(np.float32)
    y = (np.tanh(base[:, :5] @ rng.standard_normal((5, 6))) + 0.2 * rng.standard_normal((n, 6))).astype(np.float32)
    wide = np.concatenate([x, (x[:, :10] ** 2 + 0.5 * rng.standard_normal((n, 10)))], 1)
    wide = np.concatenate([wide, rng.standard_normal((n, 10))], 1).astype(np.float32)  # 40 x 30, wider than y
    verywide = rng.standard_normal((n, 60)).astype(np.float32) + np.repeat(x[:, :6], 10, axis=1)  # d > n
    xs, ys, ws, vs = (v.astype(np.float64) for v in (x, y, wide, verywide))

    out = {"inputs": {"x": x.tolist(), "y": y.tolist(), "wide": wide.tolist(), "verywide": verywide.tolist()}}
    c = {}
    for name, (a, b) in {"x_y": (xs, ys), "wide_y": (ws, ys), "verywide_y": (vs, ys)}.items():
        c[name] = {
            "linear": feature_space_linear_cka(a, b),
            "linearGram": cka_gram(gram_linear(a - a.mean(0)), gram_linear(b - b.mean(0))),
            "linearDebiased": feature_space_linear_cka(a, b, debiased=True),
            "linearDebiasedGram": cka_gram(gram_linear(a - a.mean(0)), gram_linear(b - b.mean(0)), debiased=True),
            "rbf": cka_gram(gram_rbf(a), gram_rbf(b)),
            "rbfHalf": cka_gram(gram_rbf(a, 0.5), gram_rbf(b, 0.5)),
            "rbfDebiased": cka_gram(gram_rbf(a), gram_rbf(b), debiased=True),
            "rbfMedianDistance": cka_gram(gram_rbf(a, 1.0, "median-distance"), gram_rbf(b, 1.0, "median-distance")),
            "minibatch16": minibatch_cka(a, b, 16),
            "minibatch13": minibatch_cka(a, b, 13),  # 13,13,13,1 -> the 1 merged
            "minibatch16Biased": minibatch_cka(a, b, 16, debiased=False),
        }
    out["cka"] = c
    s = {}
    for name, (a, b) in {"x_y": (xs, ys), "wide_y": (ws, ys), "y_wide": (ys, ws)}.items():
        rho, _, _ = cca(a, b)
        sv99, comp99 = svcca(a, b, 0.99)
        sv90, comp90 = svcca(a, b, 0.9)
        s[name] = {
            "correlations": rho.tolist(),
            "meanCca": float(rho.mean()),
            "svcca99": sv99,
            "svcca99Components": comp99,
            "svcca90": sv90,
            "svcca90Components": comp90,
            "pwccaX": pwcca(a, b, "x"),
            "pwccaY": pwcca(a, b, "y"),
        }
    out["cca"] = s
    out["procrustes"] = {"x_y": procrustes(xs, ys), "wide_y": procrustes(ws, ys), "verywide_y": procrustes(vs, ys)}

    r = {}
    small_x, small_y = xs[:12], ys[:12]
    dx = rsatoolbox.data.Dataset(small_x)
    dy = rsatoolbox.data.Dataset(small_y)
    rdm_x = rsatoolbox.rdm.calc_rdm(dx, method="correlation")
    rdm_y = rsatoolbox.rdm.calc_rdm(dy, method="correlation")
    r["rdmCorrelationX"] = rdm_x.get_matrices()[0].tolist()
    r["rdmEuclideanX"] = ssd.squareform(ssd.pdist(small_x, "euclidean")).tolist()
    r["rdmCosineX"] = ssd.squareform(ssd.pdist(small_x, "cosine")).tolist()
    for method, key in (("spearman", "spearman"), ("tau-a", "kendall-tau-a"), ("corr", "pearson"), ("cosine", "cosine")):
        r[key] = float(rsatoolbox.rdm.compare(rdm_x, rdm_y, method=method)[0, 0])
    ex = rsatoolbox.rdm.RDMs(ssd.pdist(small_x, "euclidean")[None, :])
    ey = rsatoolbox.rdm.RDMs(ssd.pdist(small_y, "euclidean")[None, :])
    r["euclideanSpearman"] = float(rsatoolbox.rdm.compare(ex, ey, method="spearman")[0, 0])
    out["rsa"] = r
    out["versions"] = {p: version(p) for p in ("numpy", "scipy", "rsatoolbox", "scikit-learn")}
    path = ROOT / "test" / "fixtures" / "structure" / "reference.json"
    path.write_text(json.dumps(out))
    print(f"wrote {path}")



def nmf_fixture():
    """scikit-learn NMF (solver='mu', nndsvda/nndsvd init, tol=0) on fixed non-negative matrices: the error."""
    from sklearn.decomposition import NMF

    rng = np.random.default_rng(41)
    tall = np.maximum(rng.standard_normal((60, 12)) @ rng.standard_normal((12, 12)) * 0.5, 0).astype(np.float32)
    wide = np.maximum(rng.standard_normal((10, 30)), 0).astype(np.float32)
    out = {"inputs": {"tall": tall.tolist(), "wide": wide.tolist()}, "results": {}}
    for name, x in (("tall", tall), ("wide", wide)):
        for init in ("nndsvda", "nndsvd"):
            for k in (3, 5):
                model = NMF(n_components=k, init=init, solver="mu", max_iter=150, tol=0.0, random_state=0)
                w = model.fit_transform(x.astype(np.float64))
                err = float(np.linalg.norm(x.astype(np.float64) - w @ model.components_))
                out["results"][f"{name}-{init}-{k}"] = {"error": err, "reconstruction_err_": float(model.reconstruction_err_), "n_iter": int(model.n_iter_)}
    out["versions"] = {p: version(p) for p in ("numpy", "scikit-learn")}
    path = ROOT / "test" / "fixtures" / "structure" / "nmf.json"
    path.write_text(json.dumps(out))
    print(f"wrote {path}")



def cluster_fixture():
    """scipy average/complete linkage on 1 - Pearson correlation between units."""
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage

    rng = np.random.default_rng(7)
    z = rng.standard_normal((80, 3))
    units = np.concatenate([z[:, [0]] + 0.3 * rng.standard_normal((80, 4)), z[:, [1]] + 0.5 * rng.standard_normal((80, 3)), z[:, [2]] + 0.8 * rng.standard_normal((80, 5))], 1)
    units = units[:, rng.permutation(12)].astype(np.float32)
    r = np.corrcoef(units.astype(np.float64).T)
    dist = ssd.squareform(1 - r, checks=False)
    out = {"inputs": units.tolist(), "versions": {p: version(p) for p in ("numpy", "scipy")}}
    for method in ("average", "complete", "single"):
        lk = linkage(dist, method=method)
        out[method] = {"heights": lk[:, 2].tolist(), "sizes": lk[:, 3].tolist(), "clusters3": fcluster(lk, 3, "maxclust").tolist()}
    path = ROOT / "test" / "fixtures" / "structure" / "cluster.json"
    path.write_text(json.dumps(out))
    print(f"wrote {path}")


def bench(folder):
    """Peers for bench/structure: numpy minibatch CKA on the dumped activations, scikit-learn NMF."""
    import os
    import resource
    import time

    from sklearn.decomposition import NMF

    folder = Path(folder)
    layers = json.loads((folder / "layers.json").read_text())
    acts = []
    for layer in layers:
        shape = json.loads((folder / f"{layer}.shape").read_text())
        acts.append(np.fromfile(folder / f"{layer}.f32", dtype=np.float32).reshape(shape))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    n = acts[0].shape[0]
    k = len(acts)
    sums = np.zeros((k, k))
    for s in range(0, n, 100):
        grams = [a[s : s + 100].astype(np.float64) @ a[s : s + 100].astype(np.float64).T for a in acts]
        for i in range(k):
            for j in range(i, k):
                h = hsic1(grams[i], grams[j])
                sums[i, j] += h
                sums[j, i] = sums[i, j]
    d = np.sqrt(np.diag(sums))
    cka = sums / np.outer(d, d)
    seconds = time.perf_counter() - start
    ours = np.array(json.loads((folder / "ours-cka.json").read_text()))
    diff = float(np.max(np.abs(ours - cka)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| numpy minibatch CKA, same estimator and activations | {seconds:.2f} s, peak RSS {peak:.0f} MiB (load {load:.2f}); max abs difference from Glasswing {diff:.2e} |")
    shape = json.loads((folder / "nmf.shape").read_text())
    x = np.fromfile(folder / "nmf.f32", dtype=np.float32).reshape(shape).astype(np.float64)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    model = NMF(n_components=6, init="nndsvda", solver="mu", max_iter=200, tol=0.0, random_state=0)
    w = model.fit_transform(x)
    seconds = time.perf_counter() - start
    err = float(np.linalg.norm(x - w @ model.components_))
    print(f"| scikit-learn {version('scikit-learn')} NMF(solver='mu', nndsvda), same matrix | {seconds:.2f} s, error {err:.4f} (load {load:.2f}) |")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "bench":
        bench(sys.argv[2])
    else:
        {"fixtures": fixtures, "nmf": nmf_fixture, "cluster": cluster_fixture}[sys.argv[1] if len(sys.argv) > 1 else "fixtures"]()
