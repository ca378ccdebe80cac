"""A Glasswing kernel started from the installed kernelspec, shared by the tests of one module."""

import time

import pytest
from jupyter_client.manager import start_new_kernel


class Cell:
    """What one execution produced: the reply and the iopub messages it caused."""

    def __init__(self, reply, messages):
        self.reply = reply
        self.messages = messages

    @property
    def status(self):
        return self.reply["content"]["status"]

    def of_type(self, msg_type):
        return [m for m in self.messages if m["msg_type"] == msg_type]

    def stdout(self):
        return "".join(m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == "stdout")


def run(kc, code, timeout=60, silent=False):
    """Executes code and collects its iopub messages until the kernel is idle again."""
    msg_id = kc.execute(code, silent=silent)
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
    return Cell(reply, messages)


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name="glasswing", startup_timeout=120)
    # Wait until the engine has loaded Glasswing (the first cell is queued until then).
    assert run(kc, "1", timeout=120).status == "ok"
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)
