"""For every pytest suite under test/: engine restarts are counted across the whole run.

Each Glasswing kernel started by the tests (they inherit this environment) appends a line to
GLASSWING_ENGINE_EXIT_LOG whenever its engine stops without being asked to: a crash, a kill, an interrupt it
did not honour. A test that kills the engine on purpose is marked `engine_restarts`; any other test during
which an engine stopped fails, naming the exits, and the run ends with the count.
"""

import json
import os
import pathlib

import pytest

EXIT_LOG = pathlib.Path(__file__).resolve().parents[1] / ".cache" / "test-results" / "engine-exits.jsonl"
counts = {"expected": 0, "unexpected": 0}


def pytest_configure(config):
    config.addinivalue_line("markers", "engine_restarts: the test stops the kernel's engine on purpose")
    EXIT_LOG.parent.mkdir(parents=True, exist_ok=True)
    EXIT_LOG.write_text("")
    os.environ["GLASSWING_ENGINE_EXIT_LOG"] = str(EXIT_LOG)


def exits_since(offset):
    with EXIT_LOG.open() as log:
        log.seek(offset)
        return [json.loads(line) for line in log.read().splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def no_unexpected_engine_restart(request):
    offset = EXIT_LOG.stat().st_size if EXIT_LOG.exists() else 0
    yield
    exits = exits_since(offset) if EXIT_LOG.exists() else []
    if request.node.get_closest_marker("engine_restarts"):
        counts["expected"] += len(exits)
        return
    counts["unexpected"] += len(exits)
    if exits:
        reasons = "; ".join(f"{e['kind']}: {e['reason']}" for e in exits)
        pytest.fail(f"the engine stopped {len(exits)} time(s) during this test: {reasons}", pytrace=False)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"engine restarts: {counts['unexpected']} outside the tests that stop the engine on purpose, "
        f"{counts['expected']} in them (log: {EXIT_LOG})"
    )
