"""Executes every lab in notebooks/ on the installed `glasswing` kernel and checks its key outputs.

Run with the project venv: `.venv/bin/python -m pytest test/notebooks` (part of `make test`).
The kernel must be installed (`make setup` does it); a missing kernel is a failure, not a skip.
"""
from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
LABS = sorted(NOTEBOOKS.glob("*.ipynb"))

SALIENCY = "application/vnd.glasswing.saliency.v1+json"
FEATURES = "application/vnd.glasswing.features.v1+json"


def _credit_features(payloads: list[dict]) -> None:
    """Lab 5: a waterfall of one applicant and a beeswarm of 50, over the 20 attributes, raw values as labels."""
    tabular = [p for p in payloads if p["modality"] == "tabular"]
    assert sorted(p["attributions"]["shape"][0] for p in tabular) == [1, 50], "one applicant, then 50"
    for p in tabular:
        assert len(p["featureNames"]) == 20 and "foreign_worker" in p["featureNames"]
        assert p["attributions"]["shape"][1] == 20 and len(p["importance"]) == 20
        assert p["outputName"] == "P(bad)" and len(p["valueLabels"]) == len(p["outputs"])
        assert all(0.0 <= o <= 1.0 for o in p["outputs"]) and all(0.0 <= b <= 1.0 for b in p["baseValues"])


def _sentiment_features(payloads: list[dict]) -> None:
    """Lab 6: three sentences, one value per token, words outside the vocabulary at exactly 0."""
    [text] = [p for p in payloads if p["modality"] == "text"]
    assert text["outputName"] == "P(positive)"
    tokens = [e["tokens"] for e in text["examples"]]
    assert tokens[2] == ["this", "was", "not", "good", "at", "all"], tokens
    for e in text["examples"]:
        assert len(e["attributions"]) == len(e["tokens"])
        assert abs(e["baseValue"] + sum(e["attributions"]) - e["output"]) < 0.05
    great = text["examples"][0]["tokens"].index("great")
    assert text["examples"][0]["attributions"][great] > 0.1


def _credit_report(html: str, pdf: str, pages: str) -> bool:
    """Lab 5's report: script-free HTML with its CSP and three results' provenance; a PDF of title + 3 pages."""
    document = (NOTEBOOKS / html).read_text(encoding="utf-8")
    assert "<script" not in document.lower() and "Content-Security-Policy" in document
    assert document.count('<section class="result">') == 3 and document.count('class="fields provenance"') == 3
    page_tree = re.findall(rb"/Type\s*/Page\b(?!s)", (NOTEBOOKS / pdf).read_bytes())
    # Opened in Debian's Chromium: the DOM it builds holds the three results and their pictures, no script.
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--dump-dom", (NOTEBOOKS / html).resolve().as_uri()],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout
    assert dom.count('<section class="result">') == 3 and dom.count("<img ") == 3 and "<script" not in dom.lower()
    return len(page_tree) == int(pages) == 4


# What each lab must show: MIME types that must appear, and (regex, check) pairs on text outputs, the
# check called with the regex's groups, so that the numbers the text claims are true.
EXPECTATIONS: dict[str, dict] = {
    "01-quickstart.ipynb": {
        "mime": [SALIENCY, "image/png"],
        "text": [
            (r"tensorflow on cpu", None),
            (r"mnist \(test\): 500 images \[28, 28, 1\]", None),
            (r"accuracy on 500 test digits: ([\d.]+) %", lambda v: float(v) > 97.0),
        ],
    },
    "02-diagnose.ipynb": {
        "mime": [SALIENCY, "image/png"],
        "text": [
            (r"shortcut model, stamped test digits: ([\d.]+) %", lambda v: float(v) > 98.0),
            (r"shortcut model: ([\d.]+) % of the attribution on the watermark", lambda v: float(v) > 30.0),
            (r"shortcut model, clean test digits: ([\d.]+) %", lambda v: float(v) < 30.0),
            (r"predicts the watermark's class for ([\d.]+) % of digits", lambda v: float(v) > 90.0),
            (r"retrained model: ([\d.]+) % of the attribution on the watermark", lambda v: float(v) < 10.0),
            (r"accuracy on stamped digits ([\d.]+) %", lambda v: float(v) > 97.0),
        ],
    },
    "10-trust.ipynb": {
        "mime": ["image/png", "text/html", "application/vnd.glasswing.matrix.v1+json"],
        "text": [
            (
                r"deletion AUC: integrated-gradients ([\d.]+), saliency ([\d.]+), random ([\d.]+)",
                lambda ig, sal, rnd: float(ig) < float(sal) < float(rnd),
            ),
            (r"integrated-gradients\s+[\d.]+ #1\s+[\d.]+ #1", None),
            (
                r"saliency after randomising every layer: Spearman ([\d.]+) \(first stage ([\d.]+)\)",
                lambda last, first: float(last) < float(first) and float(last) < 0.8,
            ),
            (
                r"relevance mass on the watermark: shortcut ([\d.]+), mnist-cnn ([\d.]+)",
                lambda s, c: float(s) > 0.3 and float(s) > 5 * float(c),
            ),
            (r"pointing game: shortcut ([\d.]+), mnist-cnn ([\d.]+)", lambda s, c: float(s) > 0.8 > 0.2 > float(c)),
        ],
    },
    "03-validate.ipynb": {
        # gw.embedLayers leaves each layer's embedding as an interactive view.
        "mime": ["application/vnd.glasswing.embedding.v1+json", "image/png"],
        "text": [
            (r"objective: (-?[\d.]+) at the start, (-?[\d.]+) after", lambda a, b: float(b) > float(a)),
            (r"(\d) of 8 units of conv2d_1 are orientation-selective", lambda v: int(v) >= 4),
            (
                r"conv2d_1: ([\d.]+) %, conv2d_2: ([\d.]+) %, dense_1: ([\d.]+) %",
                lambda a, b, c: float(a) < float(c) and float(b) < float(c) and float(c) > 90.0,
            ),
        ],
    },
    "04-neurons.ipynb": {
        "mime": ["application/vnd.glasswing.neurons.v1+json", "image/png"],
        "text": [
            (r"the most important unit, \d+, costs ([\d.]+) points", lambda v: float(v) > 0.5),
            (r"by hand: ([\d.]+) %; the dictionary says ([\d.]+) %", lambda a, b: abs(float(a) - float(b)) < 0.15),
        ],
    },
    "05-credit-scoring.ipynb": {
        "mime": [FEATURES, "image/png"],
        "features": _credit_features,
        "text": [
            (r"test accuracy ([\d.]+) %, always answering 'good' would score 68.5 %", lambda v: float(v) > 72.0),
            (r"shared: (\d)", lambda v: int(v) >= 2),
            (r"sum minus the change in P\(bad\): (-?[\d.]+e[-+]\d+)", lambda v: abs(float(v)) < 1e-5),
            (r"foreign_worker ranks (\d+) of 20", lambda v: int(v) >= 15),
            (r"foreign_worker flipped: mean change in P\(bad\) (-[\d.]+)", lambda v: float(v) < -0.05),
            (r"foreign_worker flipped: .* decisions flipped (\d+) of 200", lambda v: int(v) >= 25),
            (r"ten years older: .* decisions flipped (\d+) of 200", lambda v: int(v) <= 20),
            (r"3 results, written to (reports/credit-scoring\.html) and (reports/credit-scoring\.pdf) \((\d+) pages\)", _credit_report),
        ],
    },
    "07-bring-your-own-model.ipynb": {
        "mime": [SALIENCY, "image/png"],
        "text": [
            (r"layers model, 3 layers \(conv, flatten, probabilities\), classes zero, one", None),
            (r"your model: ([\d.]+) % on 500 test digits", lambda v: float(v) > 80.0),
            (r"saved-model: gradients false; largest difference from the tfjs model ([\d.e+-]+)", lambda v: float(v) < 1e-5),
            (r"a gradient method, on a TF SavedModel", None),
        ],
    },
    "08-imagenet.ipynb": {
        "mime": [SALIENCY, "application/vnd.glasswing.neurons.v1+json", "image/png"],
        "text": [
            (r"top-1 right on (\d) of (\d) photos that show an ImageNet class", lambda a, b: int(a) == int(b) == 6),
            (r"chelsea: (tabby|tiger cat|Egyptian cat) ", None),
            (r"coffee: espresso ([\d.]+)", lambda v: float(v) > 0.9),
            (r"deleting the top 10 % of blocks: (\d) of 3 methods hurt more than", lambda v: int(v) == 3),
            (
                r"mean spatial frequency: block2b_add ([\d.]+), block4c_add ([\d.]+), block6d_add ([\d.]+)",
                lambda a, b, c: float(a) > float(b) > float(c),
            ),
            (
                r"orientation-selective: stem (\d+) %, block2b (\d+) %; hue-selective: stem (\d+) %, block2b (\d+) %",
                lambda o1, o2, h1, h2: int(o2) > int(o1) and int(h1) > int(h2),
            ),
            (
                r"with a colour: stem (\d+) %, block4c (\d+) %; with a texture: stem (\d+) %, block4c (\d+) %",
                lambda c1, c2, t1, t2: int(c1) > 50 > int(c2) and int(t2) > 50 > int(t1),
            ),
            (r"(\d+) of (\d+) top crops come from the photo their unit was chosen for", lambda a, b: int(a) >= 3 * int(b) / 7),
        ],
    },
    "12-global.ipynb": {
        "mime": ["image/png", "application/vnd.glasswing.surrogate.v1+json", "application/vnd.glasswing.matrix.v1+json"],
        "text": [
            (r"depth-3 surrogate: agreement ([\d.]+) %, held out ([\d.]+) %", lambda a, h: float(a) > 75 and float(h) > 70),
            (r"rule list: (\d+) rules and a default, agreement ([\d.]+) %, held out ([\d.]+) %", lambda n, a, h: int(n) >= 2 and float(h) > 70),
            (r"GAM: R\^2 ([\d.]+) on the model's probabilities, held out agreement ([\d.]+) %", lambda r, h: float(r) > 0.5 and float(h) > 75),
            (r"watermark at dense_1: .* significant: (\w+)", lambda v: v == "yes"),
            (r"random at dense_1: .* significant: (\w+)", lambda v: v == "no"),
            (
                r"sex: demographic parity difference ([\d.]+); gap (-?[\d.]+) = parts (-?[\d.]+), residual ([\d.e+-]+)",
                lambda d, g, p, r: float(r) < 0.01 and abs(float(g) - float(p)) < 0.01,
            ),
            (r"counterfactual sex flip: (\d+) of 200 decisions change", lambda v: int(v) > 0),
            (r"age: demographic parity difference ([\d.]+), residual ([\d.e+-]+)", lambda d, r: float(r) < 0.01),
        ],
    },
    "09-interventions.ipynb": {
        "mime": ["image/png", "application/vnd.glasswing.matrix.v1+json"],
        "text": [
            (
                r"held-out misled digits: ([\d.]+) % -> ([\d.]+) % with the watermark pathway ablated",
                lambda before, after: float(after) >= float(before) + 4.0,
            ),
            (r"restores (-?\d+) % of the clean decision in (\d+) batched passes", lambda r, p: int(p) <= 10),
            (
                r"validity ([\d.]+), .* age and foreign_worker unchanged: (true|false)",
                lambda v, same: float(v) > 0 and same == "true",
            ),
        ],
    },
    "11-hierarchy.ipynb": {
        "mime": [
            "application/vnd.glasswing.matrix.v1+json",
            "application/vnd.glasswing.clusters.v1+json",
            "application/vnd.glasswing.atlas.v1+json",
        ],
        "text": [
            (
                r"conv2d_1 vs conv2d_2 ([\d.]+), conv2d_1 vs logits ([\d.]+); random dense_1 ([\d.]+)",
                lambda near, far, rnd: float(near) > float(far) + 0.2 and float(rnd) < 0.6,
            ),
            (
                r"seed 2 diagonal: conv2d_1 ([\d.]+), conv2d_2 ([\d.]+), dense_1 ([\d.]+), logits ([\d.]+)",
                lambda *v: all(float(x) > 0.85 for x in v),
            ),
            (r"shortcut diagonal: conv2d_1 ([\d.]+), .* dense_1 ([\d.]+)", lambda c, d: float(c) > 0.9 and float(d) < 0.6),
            (
                r"RSA \(correlation RDMs, Spearman\): seed 2 ([\d.]+), shortcut ([\d.]+); SVCCA: seed 2 ([\d.]+), shortcut ([\d.]+)",
                lambda rs, rc, ss, sc: float(rs) > float(rc) + 0.2 and float(ss) > float(sc),
            ),
            (r"4 modules of conv2d_2, sizes (\d+), (\d+), (\d+), (\d+)", lambda *v: sum(int(x) for x in v) == 16),
            (r"NMF of conv2d_2 into 4 factors: relative error ([\d.]+)", lambda v: 0 < float(v) < 0.7),
            (
                r"atlas top-digit share per cell: conv2d_2 ([\d.]+), dense_1 ([\d.]+)",
                lambda early, late: float(late) > 0.8 and float(late) > float(early) + 0.3,
            ),
        ],
    },
    "06-sentiment.ipynb": {
        "mime": [FEATURES, "image/png"],
        "features": _sentiment_features,
        "text": [
            (r"test accuracy ([\d.]+) % on 600 sentences", lambda v: float(v) > 78.0),
            (r"great\(\+([\d.]+)\)", lambda v: float(v) > 0.1),
            (r"terrible\((-[\d.]+)\)", lambda v: float(v) < 0.0),
            (r"most positive: (.*)", lambda v: "great" in v or "excellent" in v),
            (r"most negative: (.*)", lambda v: "worst" in v or "bad" in v),
            (r"P\(positive\) ([\d.]+): not\(", lambda v: float(v) < 0.5),
        ],
    },
    "13-attention.ipynb": {
        "mime": [FEATURES, "image/png"],
        "text": [
            (r"copy accuracy ([\d.]+) % on 256 sequences", lambda v: float(v) > 95.0),
            (r"heads with an induction score above 0.4: (L\dH\d \([\d.]+\).*)", lambda v: len(v) > 0),
            (r"all of them in layer 0: (true|false)", lambda v: v == "true"),
            (r"ablating the induction-pattern heads: accuracy ([\d.]+) % -> ([\d.]+) %", lambda a, b: float(a) - float(b) > 50),
            (r"ablating the other heads: accuracy ([\d.]+) % -> ([\d.]+) %", lambda a, b: float(a) - float(b) < 10),
            (r"blocks.1.attn.hook_pattern: \[1, 2, 4, 4\]", None),
            (r"Did you mean 'blocks.1.attn.hook_pattern'", None),
            (r"sentiment-transformer test accuracy ([\d.]+) %, sentiment-bow ([\d.]+) %", lambda a, b: float(a) > 70),
            (r"rollout and IG agree on the top word in (\d+) of (\d+) sentences", lambda a, b: int(b) == 4),
        ],
    },
}


def test_the_glasswing_kernel_is_installed():
    try:
        KernelSpecManager().get_kernel_spec("glasswing")
    except NoSuchKernel:
        pytest.fail("The glasswing kernel is not installed in this environment: run `make setup`.")


def test_every_lab_has_expectations_and_is_committed_clean():
    assert LABS, "no notebooks found in notebooks/"
    for path in LABS:
        assert path.name in EXPECTATIONS, f"{path.name}: add its key outputs to EXPECTATIONS"
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "glasswing", path.name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name}: commit without outputs"


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_lab_runs_top_to_bottom(path: Path):
    try:
        KernelSpecManager().get_kernel_spec("glasswing")
    except NoSuchKernel:
        pytest.fail("The glasswing kernel is not installed in this environment: run `make setup`.")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, kernel_name="glasswing", timeout=300, startup_timeout=120, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and the error, when a cell fails

    mimes: set[str] = set()
    texts: list[str] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            mimes.update(data)
            if "text/plain" in data:
                texts.append(data["text/plain"])
            if output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
    expected = EXPECTATIONS[path.name]
    for mime in expected["mime"]:
        assert mime in mimes, f"{path.name}: no output of type {mime} (got {sorted(mimes)})"
    joined = "\n".join(texts)
    for pattern, check in expected["text"]:
        match = re.search(pattern, joined)
        assert match, f"{path.name}: no output matches {pattern!r}"
        if check is not None:
            assert check(*match.groups()), f"{path.name}: {match.group(0)!r} fails its check"
    for mime_payload in (o.get("data", {}).get(SALIENCY) for c in nb.cells for o in c.get("outputs", [])):
        if mime_payload is not None:
            payload = mime_payload if isinstance(mime_payload, dict) else json.loads(mime_payload)
            assert "provenance" in payload, f"{path.name}: a saliency payload without provenance"
    features = [
        data if isinstance(data, dict) else json.loads(data)
        for data in (o.get("data", {}).get(FEATURES) for c in nb.cells for o in c.get("outputs", []))
        if data is not None
    ]
    for payload in features:
        assert payload["kind"] == "features" and "provenance" in payload, f"{path.name}: a bad features payload"
    if "features" in expected:
        expected["features"](features)
