"""Keras and ONNX models on the path a user takes: gw.load of the committed fixtures in the real kernel,
an explanation displayed as a saliency view, and the clean one-line errors a user meets."""

import json
import re
from pathlib import Path

from conftest import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SALIENCY = "application/vnd.glasswing.saliency.v1+json"


def saliency_of(cell):
    (result,) = cell.of_type("execute_result")
    assert SALIENCY in result["content"]["data"], sorted(result["content"]["data"])
    payload = result["content"]["data"][SALIENCY]
    return payload if isinstance(payload, dict) else json.loads(payload)


def test_a_keras_model_is_explained_with_gradients(kernel):
    _, kc = kernel
    path = json.dumps(str(FIXTURES / "keras" / "cnn.keras"))
    cell = run(kc, f"const keras = await gw.load({path})\nconsole.log(keras.kind, keras.differentiable, keras.layerNames.join(' '))")
    assert cell.status == "ok", cell.reply["content"]
    assert cell.stdout().startswith("layers true ") and " conv bn depthwise pool flatten logits " in cell.stdout()
    code = "import * as tf from '@tensorflow/tfjs'\nconst x = tf.randomUniform([2, 8, 8, 2], 0, 1, 'float32', 1)\nawait gw.explain(keras, x, { method: 'integrated-gradients', steps: 16 })"
    cell = run(kc, code)
    assert cell.status == "ok", cell.reply["content"]
    # Two-channel inputs have no picture: the result shows as text, with IG's completeness check.
    (result,) = cell.of_type("execute_result")
    text = result["content"]["data"]["text/plain"]
    assert text.startswith("Attribution · Integrated Gradients (integrated-gradients) · 2 inputs · values [2, 8, 8, 2]")
    delta = float(re.search(r"convergence delta: max \|δ\| = ([\d.e+-]+)", text).group(1))
    assert delta < 1e-3, text
    assert run(kc, "x.dispose(); keras.dispose()").status == "ok"


def test_an_onnx_model_runs_perturbation_methods_and_refuses_gradients_clearly(kernel):
    _, kc = kernel
    path = json.dumps(str(FIXTURES / "onnx" / "image.onnx"))
    code = f"const onnx = await gw.load({path})\nconst images = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 2)\nawait gw.explain(onnx, images, {{ method: 'occlusion', window: 2 }})"
    cell = run(kc, "import * as tf from '@tensorflow/tfjs'\n" + code)
    assert cell.status == "ok", cell.reply["content"]
    assert saliency_of(cell)["methods"] == ["occlusion"]
    cell = run(kc, "await gw.explain(onnx, images, { method: 'saliency' })")
    assert cell.reply["content"]["ename"] == "GlasswingError"
    assert "a gradient method, on an ONNX model" in cell.reply["content"]["evalue"]
    (error,) = cell.of_type("error")
    assert len(error["content"]["traceback"]) == 1
    assert run(kc, "images.dispose(); onnx.dispose()").status == "ok"


def test_a_keras_layer_tfjs_lacks_is_named_in_one_line(kernel):
    _, kc = kernel
    path = json.dumps(str(FIXTURES / "keras" / "lambda.keras"))
    cell = run(kc, f"await gw.load({path})")
    assert cell.reply["content"]["ename"] == "GlasswingError"
    assert "layer 'double' (Lambda)" in cell.reply["content"]["evalue"]
