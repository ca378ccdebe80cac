"""Kills the Glasswing kernel's engine at random points and checks that the kernel always answers and the
notebook always says what happened.

Each round sends a cell (a tensor loop, an await, a DSL call, or a quick definition), waits a random time
(0 to 1.5 s: the cell may be running, finished, or the engine still starting after the last kill), and
sends SIGKILL to whatever engine process the kernel has then. Checked every round:
- kernel_info is answered within 2 s of the kill (the kernel process never waits on its engine);
- the kill is reported as 'Glasswing: the engine stopped: ...' in the killed cell's error or at the top of
  a following cell (never silently);
- within two cells a cell runs again (the second covers an engine killed while it was starting, whose
  notice the first one carries);
- every fifth round, %replay restores the variables defined since the last loss.
The restart limit is left at its default (5 a minute), so rounds also cross the "next cell starts it" path.

    .venv/bin/python bench/kernel/kill_soak.py --rounds 30 --seed 1
"""

import argparse
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "test" / "kernel"))
from conftest import run  # noqa: E402

CELLS = [
    "import * as tf from '@tensorflow/tfjs'\nfor (let i = 0; i < 400; i++) tf.tidy(() => tf.ones([64, 64]).matMul(tf.ones([64, 64])))",
    "await new Promise((resolve) => setTimeout(resolve, 800))",
    "const few = (await gw.datasets.mnist({ split: 'test', limit: 8 })).images\nfew.shape",
    "1 + 1",
]
NOTICE = "Glasswing: the engine stopped"


def engine_pids(kernel_pid):
    """The kernel's child processes (its engine, or none while it restarts)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == kernel_pid:
            pids.append(int(entry.name))
    return pids


def reply_for(kc, msg_id, timeout=120):
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply


def stderr_of(cell):
    return "".join(m["content"]["text"] for m in cell.of_type("stream") if m["content"]["name"] == "stderr")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    km, kc = start_new_kernel(kernel_name="glasswing", startup_timeout=120)
    kernel_pid = km.provisioner.process.pid
    counts = {"rounds": 0, "kills": 0, "reported": 0, "silent": 0, "info_late": 0, "no_cell_ran": 0, "replays": 0, "replay_failed": 0}
    info_ms = []
    defined = []
    lost = []
    try:
        assert run(kc, "1", timeout=120).status == "ok"
        for round_ in range(args.rounds):
            counts["rounds"] += 1
            name = f"soak{round_}"
            assert run(kc, f"const {name} = {round_}", timeout=120).status in ("ok", "error")
            defined.append(name)
            msg_id = kc.execute(rng.choice(CELLS))
            time.sleep(rng.uniform(0, 1.5))
            pids = engine_pids(kernel_pid)
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            killed = bool(pids)
            counts["kills"] += killed
            started = time.monotonic()
            info_id = kc.kernel_info()
            # The shell replies come in order: the killed cell's, then kernel_info's.
            reply = reply_for(kc, msg_id)
            info = reply_for(kc, info_id)
            info_ms.append((time.monotonic() - started) * 1000)
            if info_ms[-1] > 2000:
                counts["info_late"] += 1
            texts = [reply["content"].get("evalue", "")]
            ran = False
            for _ in range(2):
                cell = run(kc, "'alive'", timeout=120)
                texts.append(stderr_of(cell) + cell.reply["content"].get("evalue", ""))
                if cell.status == "ok":
                    ran = True
                    break
            counts["no_cell_ran"] += not ran
            if killed:
                if any(NOTICE in text for text in texts):
                    counts["reported"] += 1
                    lost = list(defined)
                    defined = []
                else:
                    counts["silent"] += 1
            if round_ % 5 == 4:
                replay = run(kc, "%replay", timeout=300)
                counts["replays"] += 1
                if replay.status != "ok":
                    counts["replay_failed"] += 1
                elif killed and lost:
                    check = run(kc, f"[{', '.join(lost)}].length", timeout=60)
                    if check.status != "ok":
                        counts["replay_failed"] += 1
            print(json.dumps({"round": round_, "killed": killed, "info_ms": round(info_ms[-1])}), flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    info_ms.sort()
    summary = {**counts, "kernel_info_ms_p50": round(info_ms[len(info_ms) // 2]), "kernel_info_ms_max": round(info_ms[-1])}
    print(json.dumps(summary))
    ok = counts["silent"] == 0 and counts["info_late"] == 0 and counts["no_cell_ran"] == 0 and counts["replay_failed"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
