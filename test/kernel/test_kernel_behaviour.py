"""The Glasswing kernel as front ends use it: rich results, clean errors, interrupts, comms, memory."""

import json
import os
import signal
import time

import nbformat
import pytest
from conftest import run
from nbclient import NotebookClient

DISPLAYABLE = """
const view = {
  [Symbol.for('Jupyter.display')]: () => ({
    'text/plain': 'a saliency view',
    [gw.MIME_TYPES.saliency]: { version: 1, note: 'test payload' },
  }),
}
"""


def test_notebook_runs_under_nbclient_with_glasswing_mime_types(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(DISPLAYABLE + "view"),
        nbformat.v4.new_code_cell("gw.display(view)"),
        nbformat.v4.new_code_cell("import * as glasswing from 'glasswing'\ntypeof glasswing.display"),
    ]
    NotebookClient(nb, kernel_name="glasswing", timeout=180, resources={"metadata": {"path": str(tmp_path)}}).execute()
    first, second, third = (cell.outputs for cell in nb.cells)
    assert [o.output_type for o in first] == ["execute_result"]
    assert first[0].data["application/vnd.glasswing.saliency.v1+json"] == {"version": 1, "note": "test payload"}
    assert first[0].data["text/plain"] == "a saliency view"
    assert [o.output_type for o in second] == ["display_data"]
    assert "application/vnd.glasswing.saliency.v1+json" in second[0].data
    assert third[0].data["text/plain"] == "'function'"


def test_glasswing_error_is_one_clean_line(kernel):
    _, kc = kernel
    cell = run(kc, "throw new gw.GlasswingError({ where: 'gw.explain', argument: 'model', expected: 'a model', received: '3', hint: 'Load one with gw.load.' })")
    assert cell.status == "error"
    assert cell.reply["content"]["ename"] == "GlasswingError"
    (error,) = cell.of_type("error")
    assert len(error["content"]["traceback"]) == 1
    assert "Load one with gw.load." in error["content"]["traceback"][0]


def test_type_error_shows_line_and_column(kernel):
    _, kc = kernel
    cell = run(kc, "const fine = 1\nconst wrong: number = 'text'")
    assert cell.status == "error"
    assert cell.reply["content"]["ename"] == "TypeScriptError"
    assert cell.reply["content"]["evalue"].startswith("2:7 - Type 'string' is not assignable to type 'number'")
    assert run(kc, "1 + 1").status == "ok"


def test_silent_execution_broadcasts_nothing_but_still_runs(kernel):
    _, kc = kernel
    cell = run(kc, "console.log('quiet'); var silentRan = true; 5", silent=True)
    assert cell.status == "ok"
    assert cell.messages == []
    assert run(kc, "silentRan").of_type("execute_result")[0]["content"]["data"]["text/plain"] == "true"


def test_variables_persist_and_display_updates_in_place(kernel):
    _, kc = kernel
    assert run(kc, "let counter = 41").status == "ok"
    cell = run(kc, "const out = gw.display('before'); out.update('after'); counter + 1")
    assert [m["msg_type"] for m in cell.messages] == [
        "display_data",
        "update_display_data",
        "execute_result",
    ]
    shown, updated = cell.of_type("display_data")[0], cell.of_type("update_display_data")[0]
    assert shown["content"]["transient"]["display_id"] == updated["content"]["transient"]["display_id"]
    assert updated["content"]["data"]["text/plain"] == "'after'"
    assert cell.of_type("execute_result")[0]["content"]["data"]["text/plain"] == "42"


def test_progress_bar_updates_one_display_with_html(kernel):
    _, kc = kernel
    cell = run(kc, "const bar = gw.progress({ total: 3, label: 'steps', minInterval: 0 }); for (let i = 0; i < 3; i++) bar.tick(); bar.finish()")
    assert cell.status == "ok"
    first = cell.of_type("display_data")
    updates = cell.of_type("update_display_data")
    assert len(first) == 1 and len(updates) >= 3
    assert {u["content"]["transient"]["display_id"] for u in updates} == {first[0]["content"]["transient"]["display_id"]}
    assert "<progress" in updates[-1]["content"]["data"]["text/html"]
    assert "3/3" in updates[-1]["content"]["data"]["text/plain"]


def interrupt_after(km, kc, code, seconds, by_signal=False):
    msg_id = kc.execute(code)
    time.sleep(seconds)
    started = time.monotonic()
    if by_signal:
        os.kill(km.provisioner.process.pid, signal.SIGINT)
    else:
        km.interrupt_kernel()  # interrupt_mode "message": an interrupt_request on the control channel
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    return reply, time.monotonic() - started


def test_interrupt_stops_a_synchronous_tensor_loop_then_the_next_cell_runs(kernel):
    km, kc = kernel
    assert run(kc, "import * as tf from '@tensorflow/tfjs'\nconst tensorsBefore = tf.memory().numTensors").status == "ok"
    reply, took = interrupt_after(km, kc, "let spins = 0\nwhile (true) { tf.tidy(() => { tf.ones([8, 8]).matMul(tf.ones([8, 8])) }); spins++ }", 3)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Interrupted"
    assert took < 1.5, f"interrupt took {took:.2f} s"
    # The interrupted tf.tidy never closed its scope; the kernel closes it, disposing what it held.
    after = run(
        kc,
        "[(tf.engine().state as any).scopeStack.length, tf.memory().numTensors - tensorsBefore, "
        "tf.tidy(() => tf.scalar(1).add(1).dataSync()[0]), tf.memory().numTensors - tensorsBefore]",
    )
    scopes, left, two, left_after_tidy = json.loads(after.of_type("execute_result")[0]["content"]["data"]["text/plain"])
    assert (scopes, two) == (0, 2)
    # A scope left open would hold the loop's tensors (up to 3) and record every later one. At most one
    # tensor may be orphaned: an interrupt can land inside tfjs's trackTensor, after it counts a new tensor
    # and before it records it in the scope (seen once in three fresh-clone runs of one session); nothing can dispose that one.
    assert left <= 1, f"{left} tensors left after the interrupted tidy"
    assert left_after_tidy == left, "a tidy after the interrupt left tensors behind"


def test_interrupt_stops_an_awaited_operation(kernel):
    km, kc = kernel
    reply, took = interrupt_after(km, kc, "await new Promise((resolve) => setTimeout(resolve, 60_000))", 2)
    assert reply["content"]["ename"] == "Interrupted"
    assert took < 1.5, f"interrupt took {took:.2f} s"
    assert run(kc, "'still here'").of_type("execute_result")[0]["content"]["data"]["text/plain"] == "'still here'"


def test_interrupt_stops_a_progress_reporting_dsl_loop(kernel):
    km, kc = kernel
    code = "const bar = gw.progress({ total: 1e9 }); while (true) { await new Promise((r) => setImmediate(r)); bar.tick() }"
    reply, took = interrupt_after(km, kc, code, 2)
    assert reply["content"]["status"] == "error"
    assert took < 1.5
    assert run(kc, "2 + 2").status == "ok"


def test_sigint_to_the_kernel_process_interrupts_too(kernel):
    km, kc = kernel
    reply, took = interrupt_after(km, kc, "while (true) {}", 2, by_signal=True)
    assert reply["content"]["ename"] == "Interrupted"
    assert took < 1.5
    assert run(kc, "'after SIGINT'").status == "ok"


@pytest.mark.engine_restarts
def test_a_loop_that_ignores_interrupts_restarts_the_engine_and_the_next_cell_runs(kernel):
    km, kc = kernel
    # After an await, a synchronous loop runs outside vm's breakOnSigint: the kernel restarts the engine.
    reply, took = interrupt_after(km, kc, "await Promise.resolve()\nwhile (true) {}", 2)
    assert reply["content"]["status"] == "error"
    assert took < 5, f"took {took:.2f} s"
    cell = run(kc, "typeof gw.display", timeout=120)
    assert cell.of_type("execute_result")[0]["content"]["data"]["text/plain"] == "'function'"


@pytest.mark.engine_restarts
def test_a_second_cell_interrupted_within_the_first_ones_grace_still_gets_its_own(kernel):
    km, kc = kernel
    # The first cell stops at once, leaving its 2 s grace timer pending; the second, interrupted inside
    # that window, ignores the interrupt and must still be ended by a grace of its own (it used to run on).
    first, _ = interrupt_after(km, kc, "await new Promise((resolve) => setTimeout(resolve, 60_000))", 0.5)
    assert first["content"]["ename"] == "Interrupted"
    reply, took = interrupt_after(km, kc, "await Promise.resolve()\nconst t0 = Date.now()\nwhile (Date.now() - t0 < 20_000) {}", 0.5)
    assert reply["content"]["status"] == "error"
    assert took < 5, f"the stuck cell ran {took:.2f} s after its interrupt"
    cell = run(kc, "typeof gw.display", timeout=120)
    assert cell.of_type("execute_result")[0]["content"]["data"]["text/plain"] == "'function'"


@pytest.mark.engine_restarts
def test_the_kernel_survives_its_engine_exiting(kernel):
    _, kc = kernel
    cell = run(kc, "process.exit(3)", timeout=120)
    assert cell.status == "error"
    assert cell.reply["content"]["ename"] == "EngineRestarted"
    assert run(kc, "40 + 2", timeout=120).of_type("execute_result")[0]["content"]["data"]["text/plain"] == "42"


def test_comm_round_trip_with_a_binary_buffer(kernel):
    _, kc = kernel
    setup = run(
        kc,
        "gw.registerCommTarget('glasswing.test.echo', (comm, data) => {\n"
        "  comm.onMessage((msg: any, buffers) => comm.send({ echo: msg, opened: data, sizes: buffers.map((b) => b.byteLength), sum: buffers.length ? Array.from(buffers[0]).reduce((a, b) => a + b, 0) : 0 }, buffers))\n"
        "})",
    )
    assert setup.status == "ok"
    from jupyter_client.session import Session  # noqa: F401  (the client's own message factory)

    comm_id = "test-comm-1"
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "glasswing.test.echo", "data": {"hello": 1}}))
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"ping": 2}}), buffers=[bytes([1, 2, 3, 250])])
    deadline = time.monotonic() + 30
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
            break
    assert msg["content"]["data"] == {"echo": {"ping": 2}, "opened": {"hello": 1}, "sizes": [4], "sum": 256}
    assert [bytes(b) for b in msg["buffers"]] == [bytes([1, 2, 3, 250])]

    info_id = kc.comm_info(target_name="glasswing.test.echo")
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != info_id:
        reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["comms"] == {comm_id: {"target_name": "glasswing.test.echo"}}

    # A comm to a target nobody registered is closed at once, as the messaging spec says.
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_open", {"comm_id": "nobody", "target_name": "no.such.target", "data": {}}))
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["msg_type"] == "comm_close" and msg["content"]["comm_id"] == "nobody":
            break


def test_interrupt_with_no_cell_running_stops_a_views_synchronous_work_and_does_not_stick(kernel):
    # A view's request (a saliency view's score) runs outside any cell, synchronously between its checks:
    # the interrupt button must stop it through the flag that synchronous code reads, and the view's next
    # request must run (the interrupt used to stick until a cell ran).
    km, kc = kernel
    setup = run(
        kc,
        "import { throwIfInterrupted } from 'glasswing/dist/session/interrupt'\n"
        "let viewSpins = 0\n"
        "gw.registerExplainer('spin-view', async () => ({ maps: [] }), () => {}, async (request) => {\n"
        "  while (request.metric === 'spin') { viewSpins++; throwIfInterrupted('spin view') }\n"
        "  return { metric: request.metric, title: 'quick', higherIsBetter: true, scores: [1], mean: 1 }\n"
        "})",
    )
    assert setup.status == "ok", setup.reply["content"]
    comm_id = "test-view-score"
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "glasswing.v1", "data": {}}))

    def ask(request_id, metric):
        data = {"type": "score", "requestId": request_id, "displayId": "spin-view", "metric": metric, "method": 0, "targets": [0]}
        kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))

    def answer(request_id):
        deadline = time.monotonic() + 30
        while True:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["msg_type"] == "comm_msg" and msg["content"]["data"].get("requestId") == request_id:
                return msg["content"]["data"]

    ask("spin-1", "spin")
    time.sleep(3)  # the request must reach the engine first (an interrupt before it is for nothing)
    started = time.monotonic()
    km.interrupt_kernel()
    stopped = answer("spin-1")
    took = time.monotonic() - started
    assert stopped["type"] == "error" and "interrupted" in stopped["message"], stopped
    assert took < 1.5, f"interrupt took {took:.2f} s"
    ask("quick-1", "quick")
    assert answer("quick-1") == {"type": "scored", "requestId": "quick-1", "metric": "quick", "title": "quick", "higherIsBetter": True, "scores": [1], "mean": 1}
    spins = run(kc, "viewSpins > 1000")
    assert spins.of_type("execute_result")[0]["content"]["data"]["text/plain"] == "true"


def test_kernel_opens_a_comm_to_the_front_end(kernel):
    _, kc = kernel
    cell = run(kc, "const comm = gw.openComm('glasswing.view', { kind: 'embedding' }, [new Uint8Array([7, 8])]); comm.id.length")
    (opened,) = cell.of_type("comm_open")
    assert opened["content"]["target_name"] == "glasswing.view"
    assert opened["content"]["data"] == {"kind": "embedding"}
    assert [bytes(b) for b in opened["buffers"]] == [bytes([7, 8])]


@pytest.fixture(scope="module")
def thousand_cells(kernel):
    """Memory every 100 cells over 1,000 cells that make and drop tensors: [numTensors, rss, heapUsed, heapTotal]."""
    _, kc = kernel
    # The probe collects garbage first: without that, V8 grows its heap lazily and RSS says little.
    probe = (
        "import * as tf from '@tensorflow/tfjs'\nawait gw.ready()\n"
        "require('v8').setFlagsFromString('--expose-gc')\nconst collect = require('vm').runInNewContext('gc')\n"
        "const probe = () => { collect(); collect(); const m = process.memoryUsage(); return [tf.memory().numTensors, m.rss, m.heapUsed, m.heapTotal] }"
    )
    setup = run(kc, probe)
    assert setup.status == "ok", setup.reply["content"]
    cell_code = "{ const a = tf.randomNormal([64, 64]); const s = tf.tidy(() => a.matMul(a).relu().sum()); s.dataSync(); tf.dispose([a, s]) }"

    def measure():
        return json.loads(run(kc, "JSON.stringify(probe())").of_type("execute_result")[0]["content"]["data"]["text/plain"].strip("'"))

    # Warm-up: TensorFlow's allocator, V8's heap and code caches grow over the first thousand runs of
    # these ops, then stay flat (measured: +9 to +17 MiB over cells 300 to 1,000, then +0.6 MiB over the
    # next 1,000).
    for _ in range(1000):
        warm = run(kc, cell_code)
        assert warm.status == "ok", warm.reply["content"]

    def window():
        samples = [measure()]
        for _ in range(10):
            for _ in range(100):
                assert run(kc, cell_code).status == "ok"
            samples.append(measure())
        return samples

    first = window()
    if growth_over_thousand_cells(first, 1) < 4:
        return first
    # The allocator may still be settling after the warm-up (one fresh-clone run measured +6.3 MiB here,
    # the next +1.7): a leak grows in every window, a settling allocator does not. Measure a second one.
    print(f"first 1,000 cells: RSS {growth_over_thousand_cells(first, 1):+.2f} MiB; measuring 1,000 more")
    return window()


def growth_over_thousand_cells(samples, field):
    """MiB per 1,000 cells of one field, by the median of the slopes between every two samples (100 cells
    apart and more): one sample caught just before the allocator hands memory back moves it little."""
    slopes = [
        (samples[j][field] - samples[i][field]) / (100 * (j - i))
        for i in range(len(samples))
        for j in range(i + 1, len(samples))
    ]
    slopes.sort()
    return slopes[len(slopes) // 2] * 1000 / 2**20


def test_a_thousand_cells_making_and_dropping_tensors_leave_tensors_and_heap_flat(thousand_cells):
    before, after = thousand_cells[0], thousand_cells[-1]
    assert after[0] == before[0], f"tensors {before[0]} -> {after[0]}"
    heap_mb = (after[2] - before[2]) / 2**20
    assert heap_mb < 8, f"JavaScript heap grew {heap_mb:.1f} MiB over 1,000 cells"


def test_a_thousand_cells_making_and_dropping_tensors_leave_rss_flat(thousand_cells):
    rss_mb = growth_over_thousand_cells(thousand_cells, 1)
    heap_mb = growth_over_thousand_cells(thousand_cells, 3)
    print(f"1,000 cells: RSS {rss_mb:+.2f} MiB, committed heap {heap_mb:+.2f} MiB")
    # Flat: far below one 64x64 tensor (16 KiB) a cell, and below the 4 to 5 MiB that the two leaks fixed
    # in the engine (a vm script kept per cell, 'advanced' IPC serialization) added.
    assert rss_mb < 4, f"RSS grew {rss_mb:.1f} MiB over 1,000 cells"
