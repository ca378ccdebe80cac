"""tslab's own display API and Glasswing's display helpers, through the real kernel.

tslab's `display` writes through a hook that only tslab's own kernel used to set ("Not ready" in the
Glasswing kernel); the engine sets it now (kernel/src/engine/tslab-display.ts).
"""

import base64
import unittest
from pathlib import Path

import jupyter_kernel_test
import nbformat
from conftest import run
from nbclient import NotebookClient

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "stock-tslab.ipynb"
IMPORT = 'import * as tslab from "tslab"; '
# A 1x1 PNG, a 1x1 GIF and the first bytes of a JPEG, as the bytes users pass.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
GIF = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
JPEG = base64.b64encode(bytes([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]) + b"JFIF").decode()


def bytes_of(b64):
    return f'new Uint8Array(Buffer.from("{b64}", "base64"))'


class TslabDisplayConformance(jupyter_kernel_test.KernelTests):
    """jupyter_kernel_test's display_data checks, one per tslab.display method and Glasswing helper."""

    kernel_name = "glasswing"
    language_name = "typescript"
    file_extension = ".ts"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.kc.execute_interactive("1", timeout=120)

    code_display_data = [
        {"code": IMPORT + 'tslab.display.html("<b>x</b>")', "mime": "text/html"},
        {"code": IMPORT + 'tslab.display.markdown("**x**")', "mime": "text/markdown"},
        {"code": IMPORT + 'tslab.display.text("x")', "mime": "text/plain"},
        {"code": IMPORT + 'tslab.display.svg("<svg/>")', "mime": "image/svg+xml"},
        {"code": IMPORT + 'tslab.display.latex("$x^2$")', "mime": "text/latex"},
        {"code": IMPORT + 'tslab.display.javascript("1")', "mime": "text/javascript"},
        {"code": IMPORT + f"tslab.display.png({bytes_of(PNG)})", "mime": "image/png"},
        {"code": IMPORT + f"tslab.display.jpeg({bytes_of(JPEG)})", "mime": "image/jpeg"},
        {"code": IMPORT + f"tslab.display.gif({bytes_of(GIF)})", "mime": "image/gif"},
        {"code": IMPORT + 'tslab.display.raw("application/json", "{}")', "mime": "application/json"},
        {"code": IMPORT + 'tslab.newDisplay().html("<i>y</i>")', "mime": "text/html"},
        {"code": "gw.display(gw.html('<b>x</b>'))", "mime": "text/html"},
        {"code": "gw.display(gw.markdown('**x**'))", "mime": "text/markdown"},
        {"code": f"gw.display(gw.image({bytes_of(PNG)}))", "mime": "image/png"},
        {"code": f"gw.display(gw.image({bytes_of(GIF)}))", "mime": "image/gif"},
        {"code": "gw.display({ 'text/latex': '$y$' }, { mimeBundle: true })", "mime": "text/latex"},
    ]


def displays(cell):
    return cell.of_type("display_data") + cell.of_type("update_display_data")


def test_each_tslab_display_carries_its_data_as_stock_tslab_sends_it(kernel):
    _, kc = kernel
    cell = run(kc, IMPORT + f'tslab.display.html("<b>x</b>"); tslab.display.png({bytes_of(PNG)})')
    assert cell.status == "ok", cell.reply["content"]
    html, png = (m["content"] for m in cell.of_type("display_data"))
    assert html["data"] == {"text/html": "<b>x</b>"}
    # Bytes travel base64-encoded, byte for byte.
    assert png["data"] == {"image/png": PNG}


def test_new_display_updates_one_output_in_place(kernel):
    _, kc = kernel
    cell = run(kc, IMPORT + "const d = tslab.newDisplay(); d.text('1'); d.text('2'); d.html('<b>3</b>')")
    assert cell.status == "ok", cell.reply["content"]
    kinds = [m["msg_type"] for m in displays(cell)]
    assert kinds == ["display_data", "update_display_data", "update_display_data"]
    ids = {m["content"]["transient"]["display_id"] for m in displays(cell)}
    assert len(ids) == 1 and ids != {None}
    assert [list(m["content"]["data"].values())[0] for m in displays(cell)] == ["1", "2", "<b>3</b>"]


def test_plain_display_has_no_display_id(kernel):
    _, kc = kernel
    cell = run(kc, IMPORT + "tslab.display.text('a'); tslab.display.text('b')")
    assert [m["msg_type"] for m in displays(cell)] == ["display_data", "display_data"]
    assert all("display_id" not in m["content"]["transient"] for m in displays(cell))


def test_glasswing_helpers_as_the_last_expression_are_the_cell_result(kernel):
    _, kc = kernel
    cell = run(kc, "gw.markdown('## Results')")
    (result,) = cell.of_type("execute_result")
    assert result["content"]["data"] == {"text/plain": "## Results", "text/markdown": "## Results"}
    cell = run(kc, "gw.html('<p>a &amp; b</p>')")
    (result,) = cell.of_type("execute_result")
    assert result["content"]["data"]["text/plain"] == "a & b"


def test_image_of_a_tensor_is_a_png_of_its_size(kernel):
    _, kc = kernel
    cell = run(kc, "import * as tf from '@tensorflow/tfjs'\ngw.image(tf.zeros([3, 5, 3]))")
    assert cell.status == "ok", cell.reply["content"]
    (result,) = cell.of_type("execute_result")
    png = base64.b64decode(result["content"]["data"]["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 5 and int.from_bytes(png[20:24], "big") == 3


def test_bad_input_to_the_helpers_is_a_glasswing_error(kernel):
    _, kc = kernel
    cell = run(kc, "gw.image(new Uint8Array([1, 2, 3]))")
    assert cell.reply["content"]["ename"] == "GlasswingError"
    assert "gw.image: source expected PNG, JPEG or GIF bytes, got 3 bytes" in cell.reply["content"]["evalue"]
    cell = run(kc, "gw.display({ html: 'x' }, { mimeBundle: true })")
    assert cell.reply["content"]["ename"] == "GlasswingError"
    assert "'html', which is no MIME type" in cell.reply["content"]["evalue"]


def test_a_notebook_written_for_stock_tslab_runs_unchanged(tmp_path):
    nb = nbformat.read(FIXTURE, as_version=4)
    assert nb.metadata.kernelspec.name == "tslab"
    NotebookClient(nb, kernel_name="glasswing", timeout=180, resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    versions, rich, math, picture, progress, typed = (cell.outputs for cell in code)
    assert versions[0].text.startswith("tslab 1.0.22 typescript ")
    assert [list(o.data) for o in rich] == [["text/html"], ["text/markdown"], ["text/plain"]]
    assert [list(o.data) for o in math] == [["image/svg+xml"], ["text/latex"]]
    assert picture[0].data["image/png"] == PNG
    # nbclient applies update_display_data to the output it names: one output, holding the last step.
    assert len(progress) == 1 and progress[0].data["text/plain"] == "step 3 of 3"
    assert typed[0].data["text/plain"] == "[ 2, 12 ]"


if __name__ == "__main__":
    unittest.main()
