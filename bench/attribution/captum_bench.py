"""Captum on PyTorch CPU, for bench/attribution/bench.ts: the same models (weights read from the tfjs files)
and the same inputs. `python captum_bench.py WORK_FOLDER [first-call | serve]`."""

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import pathlib  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

import captum  # noqa: E402
from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam, Saliency  # noqa: E402


def read_weights(folder: pathlib.Path) -> dict:
    manifest = json.loads((folder / "model.json").read_text())["weightsManifest"]
    weights, data = {}, b"".join((folder / p).read_bytes() for g in manifest for p in g["paths"])
    offset = 0
    for spec in (w for g in manifest for w in g["weights"]):
        count = int(np.prod(spec["shape"]))
        weights[spec["name"]] = np.frombuffer(data, np.float32, count, offset).reshape(spec["shape"])
        offset += 4 * count
    return weights


def conv(w, name, cin, cout, padding):
    layer = nn.Conv2d(cin, cout, 3, padding=padding)
    layer.weight.data = torch.tensor(w[f"{name}/kernel"].transpose(3, 2, 0, 1).copy())
    layer.bias.data = torch.tensor(w[f"{name}/bias"].copy())
    return layer


def dense(w, name, cin, cout, hwc=None):
    kernel = w[f"{name}/kernel"]
    if hwc:
        kernel = kernel.reshape(*hwc, cout).transpose(2, 0, 1, 3).reshape(cin, cout)
    layer = nn.Linear(cin, cout)
    layer.weight.data = torch.tensor(kernel.T.copy())
    layer.bias.data = torch.tensor(w[f"{name}/bias"].copy())
    return layer


def mnist_cnn(w):
    return nn.Sequential(
        conv(w, "conv1", 1, 16, 0), nn.ReLU(), nn.MaxPool2d(2),
        conv(w, "conv2", 16, 32, 0), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), dense(w, "fc1", 5 * 5 * 32, 64, (5, 5, 32)), nn.ReLU(), dense(w, "logits", 64, 10),
    ).eval()


def vgg_like(w):
    layers, cin = [], 3
    for block, filters in enumerate([32, 64, 128, 128], start=1):
        for i in (1, 2):
            layers += [conv(w, f"block{block}_conv{i}", cin, filters, 1), nn.ReLU()]
            cin = filters
        layers.append(nn.MaxPool2d(2))
    layers += [nn.Flatten(), dense(w, "fc1", 14 * 14 * 128, 256, (14, 14, 128)), nn.ReLU(), dense(w, "logits", 256, 10)]
    return nn.Sequential(*layers).eval()


def inputs(work, name, shape):
    return torch.tensor(np.fromfile(work / name, np.float32).reshape(shape)).permute(0, 3, 1, 2).contiguous()


def timed(body, repeats=5):
    """Best and median of `repeats` runs after a warm one (as bench.ts does)."""
    body()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    times.sort()
    return {"best": times[0], "median": times[len(times) // 2]}


def first_call(work):
    imported = time.perf_counter()
    model = mnist_cnn(read_weights(work / "mnist-cnn"))
    loaded = time.perf_counter()
    x = inputs(work, "mnist-inputs.bin", [32, 28, 28, 1])
    IntegratedGradients(model).attribute(x, target=3, n_steps=50)
    first = time.perf_counter()
    IntegratedGradients(model).attribute(x, target=3, n_steps=50)
    second = time.perf_counter()
    return {
        "importSeconds": imported - STARTED,
        "loadSeconds": loaded - imported,
        "firstExplainSeconds": first - loaded,
        "secondExplainSeconds": second - first,
        "totalToFirstSeconds": first - STARTED,
    }


def serve(work):
    """Answers 'ig' / 'saliency' / 'grad-cam' lines on stdin with one timed run each, so that bench.ts can alternate
    Glasswing and Captum runs: on a shared machine both then see the same background load."""
    mnist = mnist_cnn(read_weights(work / "mnist-cnn"))
    vgg = vgg_like(read_weights(work / "vgg-like"))
    x = inputs(work, "mnist-inputs.bin", [32, 28, 28, 1])
    big = inputs(work, "vgg-inputs.bin", [8, 224, 224, 3])
    runs = {
        "ig": lambda: IntegratedGradients(mnist).attribute(x, target=3, n_steps=50),
        "saliency": lambda: Saliency(vgg).attribute(big, target=3),
        # block4_conv2's ReLU (vgg[18]): the output Glasswing's 'block4_conv2' (relu inside) gives.
        "grad-cam": lambda: LayerAttribution.interpolate(
            LayerGradCam(vgg, vgg[18]).attribute(big, target=3, relu_attributions=True), (224, 224), "bilinear"
        ),
    }
    print(json.dumps({"ready": True, "torch": torch.__version__, "captum": captum.__version__}), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if name not in runs:
            break
        start = time.perf_counter()
        runs[name]()
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


def main():
    work = pathlib.Path(sys.argv[1])
    if len(sys.argv) > 2:
        if sys.argv[2] == "serve":
            serve(work)
        else:
            print(json.dumps(first_call(work)))
        return
    mnist = mnist_cnn(read_weights(work / "mnist-cnn"))
    vgg = vgg_like(read_weights(work / "vgg-like"))
    x = inputs(work, "mnist-inputs.bin", [32, 28, 28, 1])
    big = inputs(work, "vgg-inputs.bin", [8, 224, 224, 3])
    result = {
        "torch": torch.__version__,
        "captum": captum.__version__,
        "threads": torch.get_num_threads(),
        "ig": timed(lambda: IntegratedGradients(mnist).attribute(x, target=3, n_steps=50)),
        "saliency": timed(lambda: Saliency(vgg).attribute(big, target=3), 3),
    }
    fresh = subprocess.run([sys.executable, __file__, str(work), "first-call"], capture_output=True, text=True, check=True)
    result["firstCall"] = json.loads(fresh.stdout.strip().splitlines()[-1])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
