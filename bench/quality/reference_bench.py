"""Quantus 0.6 / Captum 0.9 side of bench/quality/bench.ts: `python reference_bench.py WORK`.

The same mnist-cnn weights (read from the tfjs files), digits, saliency maps and infidelity perturbations as
the TypeScript side; prints one JSON line of timings and values."""
import json
import pathlib
import sys
import time

sys.modules["tensorflow"] = None  # type: ignore[assignment]  # Quantus would import it; TF + torch abort
sys.modules["keras"] = None  # type: ignore[assignment]

import numpy as np  # noqa: E402
import quantus  # noqa: E402
import torch  # noqa: E402
from captum.attr import Saliency  # noqa: E402
from captum.metrics import infidelity  # noqa: E402
from torch import nn  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "attribution"))
from captum_bench import read_weights  # noqa: E402


def conv(w, name, cin, cout):
    layer = nn.Conv2d(cin, cout, 3)
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


def main():
    work = pathlib.Path(sys.argv[1])
    torch.set_num_threads(max(1, torch.get_num_threads()))
    meta = json.loads((work / "meta.json").read_text())
    n, step, samples = meta["n"], meta["step"], meta["samples"]
    w = read_weights(ROOT / "notebooks" / "models" / "mnist-cnn")
    model = nn.Sequential(
        conv(w, "conv2d_1", 1, 8), nn.ReLU(), nn.MaxPool2d(2),
        conv(w, "conv2d_2", 8, 16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), dense(w, "dense_1", 400, 64, (5, 5, 16)), nn.ReLU(), dense(w, "logits", 64, 10), nn.Softmax(dim=-1),
    ).eval()
    x = np.fromfile(work / "inputs.bin", np.float32).reshape(n, 1, 28, 28)  # one channel: HWC and CHW flatten alike
    a = np.fromfile(work / "saliency.bin", np.float32).reshape(n, 1, 28, 28)
    noise = np.fromfile(work / "noise.bin", np.float32).reshape(n * samples, 1, 28, 28)
    y = np.array(meta["targets"])
    out = {}

    start = time.perf_counter()
    curves = quantus.PixelFlipping(features_in_step=step, disable_warnings=True)(
        model=model, x_batch=x, y_batch=y, a_batch=a.copy(), device="cpu", softmax=True, batch_size=n
    )
    out["deletion-auc"] = np.trapezoid(np.array(curves), dx=1, axis=1).tolist()
    out["deletion"] = time.perf_counter() - start

    xt, at, yt = torch.from_numpy(x), torch.from_numpy(a), torch.from_numpy(y)

    def perturb(inputs):
        pert = torch.from_numpy(noise[: inputs.shape[0]])
        return pert, inputs - pert

    start = time.perf_counter()
    with torch.no_grad():
        values = infidelity(model, perturb, xt, at, target=yt, n_perturb_samples=samples, normalize=True)
    out["infidelity-values"] = values.numpy().tolist()
    out["infidelity"] = time.perf_counter() - start

    def explain(model, inputs, targets, **kwargs):
        sal = Saliency(model)
        inp = torch.as_tensor(inputs).requires_grad_()
        return sal.attribute(inp, target=torch.as_tensor(targets), abs=True).detach().numpy()

    start = time.perf_counter()
    scores = quantus.MPRT(layer_order="top_down", disable_warnings=True, return_average_correlation=False)(
        model=model, x_batch=x, y_batch=y, a_batch=a.copy(), device="cpu", explain_func=explain, batch_size=n
    )
    out["cascade"] = time.perf_counter() - start
    # Quantus's first entry is the trained model against itself (1.0); the stages follow, top layer first.
    out["cascade-means"] = [float(np.mean(v)) for v in list(scores.values())[1:]]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
