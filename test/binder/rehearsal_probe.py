"""Run by the Binder rehearsal with the environment's Python: starts the `glasswing` kernel that postBuild
installed into that environment (found the way its JupyterLab finds it), runs the first cells of the
quickstart lab from notebooks/, reads Fashion-MNIST, then asks for the backend. Prints one JSON line starting 'probe: '.

Usage: python rehearsal_probe.py REPO
"""

import json
import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel


def run_cell(client, code):
    """Executes one cell; returns its text/plain result, the streams it printed and any error."""
    outputs = {"result": None, "stream": "", "error": None}

    def hook(message):
        kind, content = message["msg_type"], message["content"]
        if kind == "execute_result":
            outputs["result"] = content["data"].get("text/plain")
        elif kind == "stream":
            outputs["stream"] += content["text"]
        elif kind == "error":
            outputs["error"] = f"{content['ename']}: {content['evalue']}"

    reply = client.execute_interactive(code, output_hook=hook, timeout=300)
    outputs["status"] = reply["content"]["status"]
    return outputs


def main(repo):
    notebooks = Path(repo) / "notebooks"
    lab = json.loads((notebooks / "01-quickstart.ipynb").read_text())
    cells = ["".join(cell["source"]) for cell in lab["cells"] if cell["cell_type"] == "code"][:2]
    # Fashion-MNIST comes from apt.txt's dataset-fashion-mnist, where Debian puts it (/usr/share/datasets).
    cells.append("const fashion = await gw.datasets.fashionMnist({ split: 'test', limit: 8 })\nfashion.images.shape")
    cells.append("console.log(JSON.stringify(gw.backend()))")

    spec = KernelSpecManager().get_kernel_spec("glasswing")
    manager, client = start_new_kernel(kernel_name="glasswing", cwd=str(notebooks), startup_timeout=300)
    try:
        results = [run_cell(client, code) for code in cells]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    report = {
        "sys_prefix": sys.prefix,
        "kernel_resource_dir": spec.resource_dir,
        "kernel_argv": spec.argv,
        "cells": cells,
        "results": results,
    }
    print("probe: " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
