"""The kernel outlives its engine: a killed engine, one past its memory ceiling or its V8 heap limit each
give a clear error in the notebook, the next cell runs, and %replay restores the variables the message
names. Open comms (the views' live links) are closed with the reason at once. A request that throws in
the engine leaves it serving."""

import os
import re
import signal
import time

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import run

CEILING_MB = 1200
HEAP_MB = 640


def start(**env):
    km, kc = start_new_kernel(kernel_name="glasswing", startup_timeout=120, env={**os.environ, **env})
    assert run(kc, "1", timeout=120).status == "ok"
    return km, kc


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


@pytest.fixture(scope="module")
def kernel():
    km, kc = start(GLASSWING_ENGINE_MEMORY_MB=str(CEILING_MB), GLASSWING_ENGINE_HEAP_MB=str(HEAP_MB))
    yield km, kc
    stop(km, kc)


def value(cell):
    results = cell.of_type("execute_result")
    assert results, f"no result: {cell.reply['content']}"
    return results[0]["content"]["data"]["text/plain"]


def stderr(cell):
    return "".join(m["content"]["text"] for m in cell.of_type("stream") if m["content"]["name"] == "stderr")


def engine_pid(kc):
    return int(value(run(kc, "process.pid")))


def restored_names(text):
    """The names a restart notice says %replay restores."""
    match = re.search(r"and so restores (.*?)\. Models", text, re.S)
    assert match, text
    return [name.strip() for name in match.group(1).split(",")]


def define_state(kc, tag):
    assert run(kc, f"const {tag}Count = 41\nlet {tag}Words = ['glass', 'wing']").status == "ok"
    assert run(kc, "console.log('no names here')").status == "ok"
    assert run(kc, f"import * as tf from '@tensorflow/tfjs'\nconst {tag}Tensor = tf.tensor([1, 2, 3])").status == "ok"
    # A failing cell is not replayed.
    assert run(kc, "throw new Error('not me')").status == "error"


def check_replay(kc, notice, tag):
    names = restored_names(notice)
    assert {f"{tag}Count", f"{tag}Words", "tf", f"{tag}Tensor"} <= set(names)
    assert "Not restored" in notice
    replay = run(kc, "%replay", timeout=120)
    assert replay.status == "ok", replay.reply["content"]
    assert f"Restored {', '.join(names)} (" in replay.stdout()
    assert "\nno names here\n" not in replay.stdout()  # outputs are not shown again
    assert value(run(kc, f"[{tag}Count + 1, {tag}Words.join(''), {tag}Tensor.sum().dataSync()[0]]")) == "[ 42, 'glasswing', 6 ]"


@pytest.mark.engine_restarts
def test_sigkill_of_a_running_cell_gives_a_clear_error_and_replay_restores_the_variables(kernel):
    km, kc = kernel
    define_state(kc, "killed")
    pid = engine_pid(kc)
    msg_id = kc.execute("await new Promise((resolve) => setTimeout(resolve, 60_000))")
    time.sleep(1)
    os.kill(pid, signal.SIGKILL)
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "EngineRestarted"
    assert "killed by SIGKILL" in content["evalue"]
    assert "A fresh engine has started" in content["evalue"]
    assert re.search(r"the cell that was running \(\[\d+\]", content["evalue"])
    assert value(run(kc, "40 + 2", timeout=120)) == "42"
    assert engine_pid(kc) != pid
    check_replay(kc, content["evalue"], "killed")


@pytest.mark.engine_restarts
def test_an_engine_killed_while_idle_closes_open_comms_at_once_and_is_reported_in_the_next_cell(kernel):
    km, kc = kernel
    assert run(kc, "const idleValue = 'kept'").status == "ok"
    # A view's live link opens a comm to glasswing.v1 (registered by the library's live views).
    assert run(kc, "gw.selection().length").status == "ok"
    kc.session.send(
        kc.shell_channel.socket,
        kc.session.msg("comm_open", {"comm_id": "view-link-1", "target_name": "glasswing.v1", "data": {}}),
    )
    info_id = kc.comm_info(target_name="glasswing.v1")
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != info_id:
        reply = kc.get_shell_msg(timeout=30)
    assert "view-link-1" in reply["content"]["comms"]
    pid = engine_pid(kc)
    killed = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, killed + 10 - time.monotonic()))
        if msg["msg_type"] == "comm_close" and msg["content"]["comm_id"] == "view-link-1":
            break
    assert time.monotonic() - killed < 5, "views are told at once"
    assert msg["content"]["data"]["reason"] == "engine-restarted"
    assert "killed by SIGKILL" in msg["content"]["data"]["message"]
    cell = run(kc, "'next cell'", timeout=120)
    assert value(cell) == "'next cell'"
    notice = stderr(cell)
    assert "Glasswing: the engine stopped: it was killed by SIGKILL" in notice
    assert "idleValue" in restored_names(notice)
    assert "%replay" in notice
    # Shown once: the cell after it is quiet.
    assert stderr(run(kc, "'quiet'")) == ""


@pytest.mark.engine_restarts
def test_an_engine_past_its_memory_ceiling_gives_a_clear_error_and_replay_restores_the_variables(kernel):
    km, kc = kernel
    define_state(kc, "big")
    started = time.monotonic()
    # Native memory (Buffers, like tensors) outside V8's heap: only the RSS watchdog sees it.
    cell = run(kc, "const hog: Buffer[] = []\nwhile (true) hog.push(Buffer.alloc(50e6, 1))", timeout=120)
    took = time.monotonic() - started
    content = cell.reply["content"]
    assert content["ename"] == "EngineRestarted"
    assert f"more than its memory ceiling of {CEILING_MB} MB (GLASSWING_ENGINE_MEMORY_MB)" in content["evalue"]
    assert cell.of_type("error"), "the error is shown in the notebook"
    assert took < 30, f"took {took:.1f} s"
    assert value(run(kc, "'after the ceiling'", timeout=120)) == "'after the ceiling'"
    check_replay(kc, content["evalue"], "big")


@pytest.mark.engine_restarts
def test_an_engine_past_its_v8_heap_limit_gives_a_clear_error_and_the_next_cell_runs(kernel):
    km, kc = kernel
    cell = run(kc, "const arrays: number[][] = []\nwhile (true) arrays.push(new Array(1e6).fill(1.5))", timeout=120)
    content = cell.reply["content"]
    assert content["ename"] == "EngineRestarted"
    assert f"V8's heap limit, {HEAP_MB} MB" in content["evalue"], content["evalue"]
    assert "heap out of memory" in content["evalue"]  # V8's own last words, from the engine's stderr
    assert value(run(kc, "'after the heap limit'", timeout=120)) == "'after the heap limit'"


def test_a_request_that_throws_in_the_engine_is_answered_and_the_next_cell_runs(kernel):
    km, kc = kernel
    # Break the session's comm table so that comm_info_request throws inside the engine.
    state = "(globalThis as any)[Symbol.for('glasswing.session')]"
    broken = run(kc, f"const savedComms = {state}.comms;\n{state}.comms = null")
    assert broken.status == "ok", broken.reply["content"]
    info_id = kc.comm_info()
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != info_id:
        reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "error"
    assert "commInfo" in reply["content"]["evalue"]
    # The engine's queue goes on: completion and cells are served.
    complete_id = kc.complete("gw.expl", 7)
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != complete_id:
        reply = kc.get_shell_msg(timeout=30)
    assert "explain" in reply["content"]["matches"]
    assert value(run(kc, f"{state}.comms = savedComms;\n'served'", timeout=10)) == "'served'"


def test_replay_explains_bad_arguments_and_lists_cells(kernel):
    km, kc = kernel
    bad = run(kc, "%replay sometimes")
    assert bad.status == "error"
    assert "expected nothing (every cell), 'list', or execution counts" in bad.reply["content"]["evalue"]
    assert run(kc, "%replay list").status == "ok"
    check_id = kc.is_complete("%replay 2-5")
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != check_id:
        reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "complete"


@pytest.mark.engine_restarts
def test_restarts_past_the_limit_wait_for_the_next_cell_with_a_clear_message():
    km, kc = start(GLASSWING_ENGINE_RESTARTS_PER_MINUTE="1")
    try:
        os.kill(engine_pid(kc), signal.SIGKILL)
        time.sleep(0.5)
        first = run(kc, "'restarted once'", timeout=120)
        assert value(first) == "'restarted once'"
        assert "A fresh engine has started" in stderr(first)
        pid = engine_pid(kc)
        os.kill(pid, signal.SIGKILL)
        time.sleep(1)
        # Not restarted automatically: the kernel still answers, and the next cell starts a fresh engine.
        info = kc.kernel_info()
        assert kc.get_shell_msg(timeout=10)["parent_header"]["msg_id"] == info
        second = run(kc, "'started on demand'", timeout=120)
        assert value(second) == "'started on demand'"
        assert "stopped too often within a minute" in stderr(second)
        assert "next cell you run starts a fresh one" in stderr(second)
    finally:
        stop(km, kc)
