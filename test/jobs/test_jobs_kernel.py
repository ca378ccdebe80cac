"""gw.jobs in the real Glasswing kernel: a job submitted from a cell shows its live progress (one output
updated in place: shards done, examples per second, ETA) and its merged result displays itself as the
saliency view, as the in-process gw.explain does; the same digits give the same values."""

import json
import time

import pytest
from jupyter_client.manager import start_new_kernel


def run(kc, code, timeout=120):
    msg_id = kc.execute(code)
    messages = []
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        if msg["msg_type"] not in ("status", "execute_input"):
            messages.append(msg)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply, messages


@pytest.fixture(scope="module")
def kc():
    km, kc = start_new_kernel(kernel_name="glasswing", startup_timeout=120)
    run(kc, "1")
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def test_a_job_from_a_cell_shows_progress_and_displays_the_in_process_result(kc, tmp_path):
    job = {
        "version": 1,
        "name": "kernel-job",
        "model": "notebooks/models/mnist-cnn",
        "data": {"dataset": "mnist", "split": "test", "limit": 256},
        "operation": {"kind": "explain", "options": {"method": "saliency"}},
        "shards": 2,
        "batchSize": 64,
        "output": str(tmp_path / "out"),
    }
    reply, messages = run(
        kc,
        f"const handle = await gw.jobs.submit({json.dumps(job)}, {{ runner: 'local', workers: 2 }})\n"
        "const merged = await handle.result()\nmerged",
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    progress = [
        m["content"]["data"]
        for m in messages
        if m["msg_type"] in ("display_data", "update_display_data")
        and "glasswing-job-progress" in m["content"]["data"].get("text/html", "")
    ]
    assert progress, [m["msg_type"] for m in messages]
    assert "job kernel-job (local): 2/2 shards done" in progress[-1]["text/plain"]
    assert "examples/s" in progress[-1]["text/plain"]
    result = [m for m in messages if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert "application/vnd.glasswing.saliency.v1+json" in result
    assert "image/png" in result

    reply, messages = run(
        kc,
        "const model = await gw.load('notebooks/models/mnist-cnn')\n"
        "const digits = await gw.datasets.mnist({ split: 'test', limit: 256 })\n"
        "const inKernel = await gw.explain(model, digits.images, { method: 'saliency', batchSize: 64 })\n"
        "merged.values.every((v, i) => Object.is(v, inKernel.values[i])) && merged.values.length === inKernel.values.length",
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    assert [m for m in messages if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == "true"
