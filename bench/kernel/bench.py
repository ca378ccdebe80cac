"""Kernel benchmark: Glasswing beside stock tslab and ipykernel, in one run, on the same machine.

For each kernel: start-up to the first reply (kernel_info) and to the first executed cell, then execute
round trips (request sent to reply received, outputs included) for a trivial cell and a 50-line cell,
p50/p95. Stock tslab is measured bare and after a cell has imported Glasswing (by path, as stock tslab cannot resolve the root package; its types then load,
and tslab type-checks every later cell against them); Glasswing always has `gw` and its types loaded.

    .venv/bin/python bench/kernel/bench.py [--runs 60] [--json out.json]

Timings on a shared machine are noisy: run it twice, and read p50 rather than p95.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client import KernelManager

ROOT = Path(__file__).resolve().parents[2]

# Each run sends a different cell (a new constant): TypeScript kernels skip all work for a cell identical
# to the previous one, which no user types.
def TS_TRIVIAL(n: int) -> str:
    return f"{n} + 1"


PY_TRIVIAL = TS_TRIVIAL


def TS_FIFTY(n: int) -> str:
    return "\n".join([f"const v{i}: number = {i} * 2 + v{i - 1}" if i else f"const v0: number = {n}" for i in range(49)] + ["v48"])


def PY_FIFTY(n: int) -> str:
    return "\n".join([f"v{i} = {i} * 2 + v{i - 1}" if i else f"v0 = {n}" for i in range(49)] + ["v48"])


def tslab_spec(folder: Path) -> None:
    spec = folder / "kernels" / "tslab-stock"
    spec.mkdir(parents=True)
    argv = ["node", str(ROOT / "node_modules/tslab/bin/tslab"), "kernel", "--config-path", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "tslab", "language": "typescript"}))


def execute(kc, code: str, timeout: float = 120) -> float:
    """One round trip in milliseconds: request sent to execute_reply received; fails on an error reply."""
    start = time.perf_counter()
    msg_id = kc.execute(code)
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    elapsed = (time.perf_counter() - start) * 1000
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code[:40]!r} failed: {reply['content']}")
    return elapsed


def percentiles(samples):
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]}


def measure(name: str, kernel_name: str, trivial: str, fifty: str, runs: int, setup: str | None = None):
    km = KernelManager(kernel_name=kernel_name)
    start = time.perf_counter()
    km.start_kernel(cwd=str(ROOT))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        first_reply = time.perf_counter() - start
        execute(kc, trivial(0))
        first_cell = time.perf_counter() - start
        setup_ms = execute(kc, setup) if setup else None
        for n in range(5):
            execute(kc, trivial(n))
        trivial_ms = [execute(kc, trivial(n)) for n in range(runs)]
        fifty_ms = [execute(kc, fifty(n)) for n in range(max(10, runs // 2))]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {
        "kernel": name,
        "start_to_first_reply_s": first_reply,
        "start_to_first_cell_s": first_cell,
        "setup_cell_ms": setup_ms,
        "trivial_ms": percentiles(trivial_ms),
        "fifty_line_ms": percentiles(fifty_ms),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tslab_spec(Path(folder))
        os.environ["JUPYTER_PATH"] = folder + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        results = [
            measure("ipykernel", "python3", PY_TRIVIAL, PY_FIFTY, args.runs),
            measure("tslab (stock)", "tslab-stock", TS_TRIVIAL, TS_FIFTY, args.runs),
            measure("tslab + glasswing imported", "tslab-stock", TS_TRIVIAL, TS_FIFTY, args.runs, "import * as gw from './dist/index'"),
            measure("glasswing", "glasswing", TS_TRIVIAL, TS_FIFTY, args.runs),
        ]
    print(f"{'kernel':28} {'first reply':>11} {'first cell':>10} {'trivial p50/p95 ms':>19} {'50-line p50/p95 ms':>19}")
    for r in results:
        t, f = r["trivial_ms"], r["fifty_line_ms"]
        print(
            f"{r['kernel']:28} {r['start_to_first_reply_s']:>10.2f}s {r['start_to_first_cell_s']:>9.2f}s "
            f"{t['p50']:>9.1f} / {t['p95']:<7.1f} {f['p50']:>9.1f} / {f['p95']:<7.1f}"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other jobs make timings noisy)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
