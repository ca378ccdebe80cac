"""Reference numbers for Glasswing's global explanations (gw.distill, gw.tcav, gw.fairness).

  .venv-ref/bin/python scripts/reference/global_reference.py fixtures   # test/fixtures/global/*.json
  .venv-ref/bin/python scripts/reference/global_reference.py bench      # timings for bench/global (JSON lines)

Trees: scikit-learn DecisionTreeClassifier/Regressor on a seeded synthetic teacher (float32 features, as the
trees use). t-tests: scipy.stats.ttest_ind (Student and Welch). Fairness: Fairlearn's metrics on a small table
and on German credit (src/data/files/credit-g.arff) with a fixed decision rule.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.stats import ttest_ind
from sklearn.metrics import r2_score
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "global"


def teacher(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype(np.float32)
    logits = np.stack([x[:, 0] + 0.5 * x[:, 1], -x[:, 0] + x[:, 2] * x[:, 3], 0.8 * x[:, 4] - 0.3], axis=1)
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    return x, p.astype(np.float64), p.argmax(1)


def tree_json(tree):
    t = tree.tree_
    return [
        {
            "feature": int(t.feature[i]) if t.children_left[i] >= 0 else -1,
            "threshold": float(t.threshold[i]) if t.children_left[i] >= 0 else None,
            "left": int(t.children_left[i]),
            "right": int(t.children_right[i]),
            "samples": int(t.n_node_samples[i]),
        }
        for i in range(t.node_count)
    ]


def trees():
    x, p, y = teacher(400, 7)
    xt, pt, yt = teacher(200, 8)
    curve = []
    for depth in range(1, 7):
        c = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(x, y)
        r = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(x, p)
        curve.append(
            {
                "depth": depth,
                "agreement": float((c.predict(x) == y).mean()),
                "heldOutAgreement": float((c.predict(xt) == yt).mean()),
                "r2": float(r2_score(p, r.predict(x))),
                "heldOutR2": float(r2_score(pt, r.predict(xt))),
                "classifier": tree_json(c),
                "regressor": tree_json(r),
                "importance": c.feature_importances_.tolist(),
            }
        )
    from sklearn.linear_model import Lasso

    lasso = Lasso(alpha=0.01, tol=1e-12, max_iter=100000).fit(x, p[:, 0])
    return {
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
        "lasso": {"alpha": 0.01, "target": "p[:, 0]", "coef": lasso.coef_.tolist(), "intercept": float(lasso.intercept_)},
        "train": {"x": x.astype(np.float64).tolist(), "p": p.tolist(), "y": y.tolist()},
        "test": {"x": xt.astype(np.float64).tolist(), "p": pt.tolist(), "y": yt.tolist()},
        "curve": curve,
    }


def ttests():
    rng = np.random.default_rng(3)
    cases = []
    for i, (n1, n2, shift, scale) in enumerate([(10, 10, 0.3, 1.0), (12, 30, 0.1, 3.0), (25, 8, -0.5, 0.5), (50, 50, 0.0, 1.0)]):
        a = rng.uniform(size=n1).round(3)
        b = (rng.uniform(size=n2) * scale + shift).round(3)
        s = ttest_ind(a, b, equal_var=True)
        w = ttest_ind(a, b, equal_var=False)
        cases.append(
            {
                "a": a.tolist(),
                "b": b.tolist(),
                "student": {"t": float(s.statistic), "p": float(s.pvalue), "df": float(s.df)},
                "welch": {"t": float(w.statistic), "p": float(w.pvalue), "df": float(w.df)},
            }
        )
    return {"versions": {"scipy": scipy.__version__}, "cases": cases}


def credit_rows():
    from scipy.io import arff

    data, meta = arff.loadarff(ROOT / "src" / "data" / "files" / "credit-g.arff")
    return data, meta


def credit_decisions(data):
    # The fixed rule the test applies to gw.datasets.creditG({split: 'all'}).table (file order).
    duration = data["duration"].astype(float)
    amount = data["credit_amount"].astype(float)
    checking = np.array([v.decode() for v in data["checking_status"]])
    y_pred = ((duration <= 24) & (amount <= 6000) & (checking != "<0")).astype(int)
    y_true = np.array([1 if v.decode() == "good" else 0 for v in data["class"]])
    sex = np.array(["female" if v.decode().startswith("female") else "male" for v in data["personal_status"]])
    age = np.array(["young" if a < 25 else "older" for a in data["age"].astype(float)])
    return y_true, y_pred, sex, age


def fairness_case(y_true, y_pred, sensitive):
    import fairlearn
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
        equalized_odds_ratio,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    frame = MetricFrame(
        metrics={
            "selectionRate": selection_rate,
            "accuracy": accuracy_score,
            "falsePositiveRate": false_positive_rate,
            "falseNegativeRate": false_negative_rate,
            "truePositiveRate": true_positive_rate,
        },
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=sensitive,
    )
    by = frame.by_group
    return {
        "fairlearn": fairlearn.__version__,
        "groups": {str(g): {k: float(by.loc[g, k]) for k in by.columns} for g in by.index},
        "overall": {k: float(v) for k, v in frame.overall.items()},
        "demographicParityDifference": float(demographic_parity_difference(y_true, y_pred, sensitive_features=sensitive)),
        "demographicParityRatio": float(demographic_parity_ratio(y_true, y_pred, sensitive_features=sensitive)),
        "equalizedOddsDifference": float(equalized_odds_difference(y_true, y_pred, sensitive_features=sensitive)),
        "equalizedOddsRatio": float(equalized_odds_ratio(y_true, y_pred, sensitive_features=sensitive)),
    }


def fairness():
    rng = np.random.default_rng(11)
    n = 40
    sensitive = rng.choice(["a", "b", "c"], size=n)
    y_true = rng.integers(0, 2, size=n)
    y_pred = np.where(rng.uniform(size=n) < 0.8, y_true, 1 - y_true)
    y_pred[(sensitive == "c") & (rng.uniform(size=n) < 0.3)] = 1
    small = {"yTrue": y_true.tolist(), "yPred": y_pred.tolist(), "sensitive": sensitive.tolist()}
    small.update(fairness_case(y_true, y_pred, sensitive))
    data, _ = credit_rows()
    y_true, y_pred, sex, age = credit_decisions(data)
    return {
        "small": small,
        "creditSex": fairness_case(y_true, y_pred, sex),
        "creditAge": fairness_case(y_true, y_pred, age),
    }


def fixtures():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "trees.json").write_text(json.dumps(trees()))
    (OUT / "ttest.json").write_text(json.dumps(ttests(), indent=1))
    (OUT / "fairness.json").write_text(json.dumps(fairness(), indent=1))


def bench():
    x, p, y = teacher(5000, 1)
    cache = ROOT / ".cache" / "bench-global"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "teacher.json").write_text(json.dumps({"x": x.astype(np.float64).tolist(), "p": p.tolist(), "y": y.tolist()}))
    t0 = time.perf_counter()
    for depth in range(1, 7):
        DecisionTreeClassifier(max_depth=depth, random_state=0).fit(x, y)
        DecisionTreeRegressor(max_depth=depth, random_state=0).fit(x, p)
    print(json.dumps({"what": "sklearn trees depth 1..6 x2, 5000x5", "seconds": time.perf_counter() - t0}))
    data, _ = credit_rows()
    y_true, y_pred, sex, _ = credit_decisions(data)
    t0 = time.perf_counter()
    for _ in range(20):
        fairness_case(y_true, y_pred, sex)
    print(json.dumps({"what": "fairlearn metrics x20 credit sex", "seconds": time.perf_counter() - t0}))
    # Bootstrap intervals of demographic parity and equalized odds (differences and ratios), 200 resamples.
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate

    t0 = time.perf_counter()
    frame = MetricFrame(
        metrics={"selection": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=sex,
        n_boot=200,
        ci_quantiles=[0.025, 0.975],
        random_state=1,
    )
    low, high = frame.difference_ci()
    low_r, high_r = frame.ratio_ci()
    seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "what": "fairlearn bootstrap 200 credit sex",
                "seconds": seconds,
                "demographicParityDifference": [float(low["selection"]), float(high["selection"])],
                "demographicParityRatio": [float(low_r["selection"]), float(high_r["selection"])],
            }
        )
    )
    # The lasso on each of the teacher's 3 probabilities, as gw.distill's linear surrogate fits them.
    from sklearn.linear_model import Lasso

    t0 = time.perf_counter()
    models = [Lasso(alpha=0.01).fit(x, p[:, k]) for k in range(3)]
    print(
        json.dumps(
            {
                "what": "sklearn lasso x3, 5000x5",
                "seconds": time.perf_counter() - t0,
                "coef": [m.coef_.tolist() for m in models],
                "intercept": [float(m.intercept_) for m in models],
            }
        )
    )


if __name__ == "__main__":
    {"fixtures": fixtures, "bench": bench}[sys.argv[1] if len(sys.argv) > 1 else "fixtures"]()
