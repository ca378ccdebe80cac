"""stop_on_error: after a failing cell, the execute requests already queued are aborted (messaging spec)."""

import time

from conftest import run

SLOW_FAILURE = "await new Promise((resolve) => setTimeout(resolve, 1500))\nthrow new Error('boom')"


def replies_to(kc, msg_ids, timeout=60):
    """The shell replies to msg_ids, by id."""
    replies = {}
    deadline = time.monotonic() + timeout
    while len(replies) < len(msg_ids):
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") in msg_ids:
            replies[reply["parent_header"]["msg_id"]] = reply
    return replies


def outputs_of(kc, msg_id, timeout=10):
    """The iopub message types caused by msg_id (the kernel is idle once its replies are in)."""
    types = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
        except Exception:
            break
        if msg["parent_header"].get("msg_id") == msg_id:
            types.append(msg["msg_type"])
    return types


def test_queued_cells_are_aborted_after_an_error_then_later_cells_run(kernel):
    _, kc = kernel
    assert run(kc, "let ranAfter = 0").status == "ok"
    failing = kc.execute(SLOW_FAILURE)
    queued = [kc.execute("ranAfter += 1"), kc.execute("ranAfter += 10")]
    replies = replies_to(kc, [failing, *queued])
    assert replies[failing]["content"]["status"] == "error"
    assert replies[failing]["content"]["evalue"] == "boom"
    assert [replies[i]["content"]["status"] for i in queued] == ["aborted", "aborted"]
    # An aborted request runs nothing and shows nothing; the kernel still says busy, then idle.
    assert outputs_of(kc, queued[1]) == ["status", "status"]
    # The queue is clear: the next cell runs, and the aborted ones never did.
    cell = run(kc, "ranAfter")
    assert cell.status == "ok"
    assert cell.of_type("execute_result")[0]["content"]["data"]["text/plain"] == "0"


def test_stop_on_error_false_lets_queued_cells_run(kernel):
    _, kc = kernel
    assert run(kc, "let counted = 0").status == "ok"
    failing = kc.execute(SLOW_FAILURE, stop_on_error=False)
    queued = kc.execute("counted += 1")
    replies = replies_to(kc, [failing, queued])
    assert replies[failing]["content"]["status"] == "error"
    assert replies[queued]["content"]["status"] == "ok"
    assert run(kc, "counted").of_type("execute_result")[0]["content"]["data"]["text/plain"] == "1"


def test_a_cell_sent_after_the_error_reply_runs(kernel):
    _, kc = kernel
    assert run(kc, "throw new Error('alone')").status == "error"
    assert run(kc, "40 + 2").of_type("execute_result")[0]["content"]["data"]["text/plain"] == "42"
