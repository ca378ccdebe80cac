"""Small Keras models of every kind gw.load reads, with Keras's own outputs, for test/fixtures/keras/.

    python -m venv /tmp/keras-ref && /tmp/keras-ref/bin/pip install .cache/wheels/tensorflow_cpu-2.21.0-*.whl
    /tmp/keras-ref/bin/python scripts/reference/keras_models.py test/fixtures/keras

Uses the Keras that comes with the pinned TensorFlow wheel (Keras 3). Writes:
- cnn.keras: a Keras 3 zip (config.json + model.weights.h5) of a Sequential CNN (conv, batch norm with
  trained statistics, depthwise conv, pooling, dense, softmax);
- functional.h5: a functional model with a skip connection (Add, Concatenate), saved in the legacy HDF5
  format (model_config attribute + model_weights groups, the layout Keras 2 wrote);
- pair/config.json + pair/model.weights.h5: a model's JSON (model.to_json()) and its weights saved apart;
- lambda.keras: a model with a Lambda layer (Python code: tfjs cannot represent it);
- keras2.h5: a functional CNN with a skip connection saved by Keras 2 itself (tf_keras 2.21.0, the Keras 2
  that pairs with the pinned TensorFlow: `pip install tf-keras==2.21.0`), whose config is Keras 2's
  (inbound nodes as lists); skipped with a note when tf_keras is not installed;
- reference.json: for each model, the inputs (seeded) and Keras's outputs, as lists of floats.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402


def randomize_batch_norm(model: keras.Model, rng: np.random.Generator) -> None:
    """Batch-norm statistics away from 0/1, so that a reader that mixes them up is caught."""
    for layer in model.layers:
        if type(layer).__name__ == "BatchNormalization":  # Keras 3 and tf_keras alike
            gamma, beta, mean, variance = layer.get_weights()
            layer.set_weights(
                [
                    rng.uniform(0.5, 1.5, gamma.shape).astype("float32"),
                    rng.normal(0, 0.3, beta.shape).astype("float32"),
                    rng.normal(0, 0.5, mean.shape).astype("float32"),
                    rng.uniform(0.5, 2.0, variance.shape).astype("float32"),
                ]
            )


def cnn() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            layers.Conv2D(4, 3, padding="same", activation="relu", name="conv"),
            layers.BatchNormalization(name="bn"),
            layers.DepthwiseConv2D(3, padding="same", activation="relu6", name="depthwise"),
            layers.MaxPooling2D(2, name="pool"),
            layers.Flatten(name="flatten"),
            layers.Dense(5, name="logits"),
            layers.Softmax(name="probabilities"),
        ],
        name="cnn",
    )


def functional() -> keras.Model:
    x = keras.Input((6,), name="features")
    h = layers.Dense(8, activation="tanh", name="hidden")(x)
    skip = layers.Dense(8, name="skip")(x)
    added = layers.Add(name="add")([h, skip])
    joined = layers.Concatenate(name="concat")([added, x])
    dropped = layers.Dropout(0.3, name="dropout")(joined)
    out = layers.Dense(3, activation="softmax", name="out")(dropped)
    return keras.Model(x, out, name="functional")


def mlp() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(6, activation="elu", name="dense_a"),
            layers.LayerNormalization(name="norm"),
            layers.Dense(2, activation="sigmoid", name="dense_b"),
        ],
        name="pair",
    )


def with_lambda() -> keras.Model:
    return keras.Sequential(
        [keras.Input((3,)), layers.Dense(2, name="dense"), layers.Lambda(lambda t: t * 2, name="double")],
        name="lambda_model",
    )


def main(out: Path) -> None:
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    out.mkdir(parents=True, exist_ok=True)
    reference: dict[str, dict] = {"versions": {}}

    def record(name: str, model: keras.Model, shape: tuple[int, ...]) -> None:
        inputs = rng.normal(0, 1, (3, *shape)).astype("float32")
        outputs = np.asarray(model(inputs, training=False)).astype("float32")
        reference[name] = {
            "inputShape": list(shape),
            "inputs": inputs.reshape(-1).tolist(),
            "outputShape": list(outputs.shape),
            "outputs": outputs.reshape(-1).tolist(),
        }

    model = cnn()
    randomize_batch_norm(model, rng)
    model.save(out / "cnn.keras")
    record("cnn.keras", model, (8, 8, 2))

    model = functional()
    model.save(out / "functional.h5")
    record("functional.h5", model, (6,))

    model = mlp()
    (out / "pair").mkdir(exist_ok=True)
    (out / "pair" / "config.json").write_text(model.to_json())
    model.save_weights(out / "pair" / "model.weights.h5")
    record("pair", model, (4,))

    with_lambda().save(out / "lambda.keras")

    try:
        import tf_keras
    except ImportError:
        print("tf_keras not installed: keras2.h5 not written (pip install tf-keras==2.21.0)")
    else:
        tf_keras.utils.set_random_seed(7)
        x = tf_keras.Input((6, 6, 3), name="image")
        c = tf_keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv")(x)
        b = tf_keras.layers.BatchNormalization(name="bn")(c)
        skip = tf_keras.layers.Conv2D(4, 1, name="skip")(x)
        added = tf_keras.layers.Add(name="add")([b, skip])
        pooled = tf_keras.layers.GlobalAveragePooling2D(name="pool")(added)
        probabilities = tf_keras.layers.Dense(3, activation="softmax", name="out")(pooled)
        model2 = tf_keras.Model(x, probabilities, name="keras2")
        randomize_batch_norm(model2, rng)
        model2.save(out_dir := out / "keras2.h5")
        record("keras2.h5", model2, (6, 6, 3))
        reference["versions"]["tf_keras"] = tf_keras.__version__ if hasattr(tf_keras, "__version__") else "2.21.0"
        print("wrote", out_dir.name, "with tf_keras")
    reference["versions"] = {"keras": keras.__version__, "numpy": np.__version__, **reference.get("versions", {})}
    (out / "reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    print("wrote", sorted(p.name for p in out.iterdir()), "with Keras", keras.__version__)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/keras"))
