"""DiCE's counterfactuals for the credit MLP, the peer of bench/interventions/counterfactuals.ts.

The committed tfjs model (notebooks/models/credit-mlp: 63 -> 16 ReLU -> 2 -> softmax) is read from its
weights and run in numpy behind a scikit-learn-like predict_proba that takes raw credit-g rows and
encodes them as gw.datasets.creditG does (numeric attributes standardised with the training split's
mean and standard deviation, nominal ones one-hot). DiCE (dice-ml) then searches the raw attributes,
age and foreign_worker held, for the same applicants and count as the Glasswing side. The bench scores
both sides' rows with the same code.

    .venv-ref/bin/python scripts/reference/counterfactuals_dice.py input.json output.json

input.json (written by the bench): modelDir, encoding, columns, trainRows, trainLabels, queries
({index, row}), immutable (attribute names), count, seed, methods, check ({rows, probabilities}: encoded
rows and tfjs's probabilities, to check this forward pass against tfjs).
"""
import json
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd


def load_mlp(model_dir):
    """The dense layers' weights, in the order of the weights manifest."""
    model = json.loads((Path(model_dir) / "model.json").read_text())
    specs = [w for group in model["weightsManifest"] for w in group["weights"]]
    data = np.frombuffer((Path(model_dir) / "weights.bin").read_bytes(), dtype="<f4")
    weights, offset = {}, 0
    for spec in specs:
        size = int(np.prod(spec["shape"]))
        weights[spec["name"]] = data[offset : offset + size].reshape(spec["shape"]).astype(np.float32)
        offset += size
    return weights


def forward(weights, encoded):
    """softmax(relu(x W1 + b1) W2 + b2) in float32, as tfjs computes it."""
    x = np.asarray(encoded, dtype=np.float32)
    hidden = np.maximum(x @ weights["dense_1/kernel"] + weights["dense_1/bias"], 0)
    logits = hidden @ weights["logits/kernel"] + weights["logits/bias"]
    logits = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def encoder(encoding, columns):
    width = len(encoding["featureNames"])

    def encode(frame):
        out = np.zeros((len(frame), width), dtype=np.float32)
        for attribute in encoding["attributes"]:
            values = frame[attribute["name"]]
            if attribute["kind"] == "numeric":
                out[:, attribute["column"]] = (values.astype(float) - attribute["mean"]) / attribute["std"]
            else:
                for r, value in enumerate(values):
                    out[r, attribute["firstColumn"] + attribute["categories"].index(str(value))] = 1
        return out

    return encode


class CreditModel:
    """What DiCE's sklearn backend calls: predict_proba and predict on raw rows."""

    def __init__(self, weights, encode, columns):
        self.weights, self.encode, self.columns = weights, encode, columns

    def predict_proba(self, frame):
        return forward(self.weights, self.encode(frame[self.columns]))

    def predict(self, frame):
        return self.predict_proba(frame).argmax(axis=1)


def main(source, destination):
    spec = json.loads(Path(source).read_text())
    import dice_ml

    weights = load_mlp(spec["modelDir"])
    columns = spec["columns"]
    encode = encoder(spec["encoding"], columns)
    check = spec["check"]
    difference = float(np.abs(forward(weights, check["rows"]) - np.asarray(check["probabilities"])).max())
    if difference > 1e-5:
        raise SystemExit(f"the numpy forward pass differs from tfjs by {difference:g} (> 1e-5)")

    numeric = [a["name"] for a in spec["encoding"]["attributes"] if a["kind"] == "numeric"]
    train = pd.DataFrame(spec["trainRows"], columns=columns)
    for name in numeric:
        train[name] = train[name].astype(float)
    train["class"] = spec["trainLabels"]
    data = dice_ml.Data(dataframe=train, continuous_features=numeric, outcome_name="class")
    model = dice_ml.Model(model=CreditModel(weights, encode, columns), backend="sklearn")
    vary = [c for c in columns if c not in spec["immutable"]]
    results = {}
    for method in spec["methods"]:
        explainer = dice_ml.Dice(data, model, method=method)
        rows = []
        for k, query in enumerate(spec["queries"]):
            frame = pd.DataFrame([query["row"]], columns=columns)
            for name in numeric:
                frame[name] = frame[name].astype(float)
            started = time.perf_counter()
            # 'random' takes a seed; 'genetic' draws from numpy's global generator.
            seeded = {"random_seed": spec["seed"] + k} if method == "random" else {}
            np.random.seed(spec["seed"] + k)
            try:
                found = explainer.generate_counterfactuals(
                    frame,
                    total_CFs=spec["count"],
                    desired_class=spec["desiredClass"],
                    features_to_vary=vary,
                    verbose=False,
                    **seeded,
                )
                cfs = found.cf_examples_list[0].final_cfs_df
                out = [] if cfs is None else cfs[columns].values.tolist()
                error = None
            except Exception as exception:  # DiCE raises when it finds none ("No counterfactuals found")
                out, error = [], f"{type(exception).__name__}: {exception}"
            seconds = time.perf_counter() - started
            rows.append({"index": query["index"], "seconds": seconds, "counterfactuals": out, "error": error})
            print(f"{method} applicant {query['index']}: {len(out)} in {seconds:.2f} s", file=sys.stderr)
        results[method] = rows
    Path(destination).write_text(
        json.dumps(
            {
                "peer": f"dice-ml {version('dice-ml')}",
                "pandas": version("pandas"),
                "forwardMaxDifference": difference,
                "results": results,
            },
            default=lambda v: v.item() if hasattr(v, "item") else str(v),
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
