"""Captum on PyTorch CPU for bench/attribution/perturbation-cam.ts: occlusion, KernelSHAP and Grad-CAM on
the same models and inputs (models and loaders from captum_bench.py). Prints one JSON line.
`python captum_perturbation_cam_bench.py WORK_FOLDER`."""

import json
import time
import pathlib
import sys

import captum
import torch
from captum.attr import KernelShap, LayerAttribution, LayerGradCam, Occlusion

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from captum_bench import inputs, mnist_cnn, read_weights, vgg_like  # noqa: E402


def best(body, repeats=3):
    """The best of `repeats` timed runs after a warm-up (the machine is shared; see perturbation-cam.ts)."""
    body()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return min(times)


def grid_mask(size: int, cell: int) -> torch.Tensor:
    index = torch.arange(size) // cell
    columns = (size + cell - 1) // cell
    return (index[:, None] * columns + index[None, :]).reshape(1, 1, size, size)


def main():
    work = pathlib.Path(sys.argv[1])
    mnist = mnist_cnn(read_weights(work / "mnist-cnn"))
    vgg = vgg_like(read_weights(work / "vgg-like"))
    x = inputs(work, "mnist-inputs.bin", [16, 28, 28, 1])
    big = inputs(work, "vgg-inputs.bin", [8, 224, 224, 3])
    mask = grid_mask(28, 4)
    layer = vgg[18]  # block4_conv2's ReLU: the output Glasswing's 'block4_conv2' (relu inside) gives

    def grad_cam():
        cam = LayerGradCam(vgg, layer).attribute(big, target=3, relu_attributions=True)
        return LayerAttribution.interpolate(cam, (224, 224), "bilinear")

    with torch.no_grad():
        occlusion = best(
            lambda: Occlusion(mnist).attribute(
                x, sliding_window_shapes=(1, 4, 4), strides=(1, 2, 2), baselines=0.0, target=3, perturbations_per_eval=169
            ),
            3,
        )
        kernel_shap = best(
            lambda: KernelShap(mnist).attribute(
                x, baselines=0.0, target=3, feature_mask=mask, n_samples=512, perturbations_per_eval=256
            ),
            3,
        )
    result = {
        "torch": torch.__version__,
        "captum": captum.__version__,
        "threads": torch.get_num_threads(),
        "occlusion": occlusion,
        "kernelShap": kernel_shap,
        "gradCam": best(grad_cam, 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
