"""SIGKILL at random points of runs (the CLI's and the pytest plugin's): nothing a kill
leaves behind is broken. After every kill the history database passes PRAGMA
integrity_check, the killed run reads ``interrupted`` (or ``finished`` when the kill came
after its end), no report file is truncated or invalid, and every earlier run is exactly
as it was.

Fast on purpose: each run is a forked copy of this process (no interpreter start-up)
running the real entry point on a simulated phone; the parent reads a seeded random number
of bytes of its output, then kills it. No sleeps: the output is the clock.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import re
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from mobile_optout.cli import main

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50
SHARDS = 5
PLUGIN_KILLS = 12
SEED = 12


@pytest.fixture(autouse=True, scope="module")
def imported_once() -> None:
    """What a run imports, imported here once: each forked run then starts at once."""
    for module in ("mobile_optout.job", "mobile_optout.runner", "mobile_optout.sim.server",
                   "mobile_optout.results.html", "mobile_optout.results.junit",
                   "mobile_optout.pytest_plugin", "mobile_optout.signals"):
        importlib.import_module(module)
    from mobile_optout.sim.model import load_app

    load_app()  # the simulated app, parsed once


def forked(job: Callable[[], int]) -> tuple[int, int]:
    """Run ``job`` in a forked child whose stdout and stderr go to a pipe: (pid, read fd)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.close(read)
            os.dup2(write, 1)
            os.dup2(write, 2)
            sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
            sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
            code = job()
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def run_and_kill(job: Callable[[], int], after_bytes: int | None) -> bytes:
    """Start ``job``; SIGKILL it once it has printed ``after_bytes`` (None: let it end)."""
    pid, fd = forked(job)
    seen = b""
    try:
        while after_bytes is None or len(seen) < after_bytes:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            seen += chunk
    finally:
        os.kill(pid, signal.SIGKILL)  # harmless when it already ended
        os.waitpid(pid, 0)
        os.close(fd)
    return seen


def cli_run(output: Path) -> Callable[[], int]:
    def job() -> int:
        main(["run", str(ROOT / "flows" / "linkedin"), "--device", "sim-android",
              "--param", "ROUTE=link", "--output", str(output), "-vv"])
        return 0
    return job


def plugin_run(output: Path) -> Callable[[], int]:
    def job() -> int:
        from loguru import logger

        logger.remove()  # the run's debug lines, as they happen: what the kills count
        logger.add(sys.stderr, level="DEBUG")
        return int(pytest.main([
            str(ROOT / "flows" / "linkedin"), "--mo-device", "sim-android",
            "--mo-output", str(output), "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
            "-v", "-s", "--rootdir", str(output.parent), "-c", os.devnull]))
    return job


def snapshot(output: Path) -> dict[str, Any]:
    """Every finished or interrupted run as stored: its rows and its report files."""
    runs: dict[str, Any] = {}
    with sqlite3.connect(output / "history.db") as db:
        for run_id, status in db.execute("SELECT run_id, status FROM runs"):
            if status == "running":
                continue
            rows = db.execute("SELECT * FROM results WHERE run_id = ? ORDER BY id",
                              (run_id,)).fetchall()
            steps = db.execute("SELECT s.* FROM steps s JOIN results r ON s.result_id = r.id"
                               " WHERE r.run_id = ? ORDER BY s.id", (run_id,)).fetchall()
            files = {p.name: p.read_bytes() for p in (output / run_id).glob("*")
                     if p.is_file() and p.name != "debug.log"}
            runs[run_id] = (status, rows, steps, files)
    return runs


def check_after_kill(output: Path, before: dict[str, Any]) -> str | None:
    """Everything a kill must not break; the killed run's status (None if it never began)."""
    with sqlite3.connect(output / "history.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    main_args = ["history", "--json", "--limit", "1000", "--output", str(output)]
    with pytest.raises(SystemExit):
        main(main_args)  # opening the history marks runs whose process died
    after = snapshot(output)
    for run_id, stored in before.items():  # earlier runs are exactly as they were
        assert after[run_id] == stored, run_id
    new = sorted(set(after) - set(before))
    assert len(new) <= 1
    with sqlite3.connect(output / "history.db") as db:
        assert db.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone() \
            == (0,)
        assert db.execute("SELECT count(*) FROM results WHERE outcome = 'running'"
                          ).fetchone() == (0,)
    for run_dir in output.glob("2*"):  # no report is ever half-written
        if (report := run_dir / "report.json").exists():
            json.loads(report.read_text(encoding="utf-8"))
        if (junit := run_dir / "junit.xml").exists():
            etree.parse(str(junit))
        if (page := run_dir / "report.html").exists():
            assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
    if not new:
        return None
    status, rows, _, files = after[new[0]]
    if status == "finished":
        assert {"report.json", "junit.xml", "report.html"} <= set(files)
    else:
        assert status == "interrupted"
        assert all(r[0] for r in rows)  # every result row has an outcome (none running)
    return str(status)


def kill_at_random_points(output: Path, job: Callable[[], int], kills: int,
                          rng: random.Random) -> list[str | None]:
    run_and_kill(job, None)  # the first run changes the setting; later ones find it set
    printed = run_and_kill(job, None)
    # The run's own lines, up to its summary (printed once the reports are written): the
    # kills land among them, a few after the end.
    summary = re.search(rb"\nrun \S+ \((apply|check)\)|\n=+ .*(passed|failed)", printed)
    full = summary.start() if summary else len(printed)
    assert full > 0
    statuses = []
    for _ in range(kills):
        before = snapshot(output)
        run_and_kill(job, rng.randint(0, full + full // 10))
        statuses.append(check_after_kill(output, before))
    return statuses


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("shard", range(SHARDS))
def test_sigkill_at_random_points_of_cli_runs_breaks_nothing(tmp_path: Path,
                                                            shard: int) -> None:
    # KILLS kills in all, in SHARDS results folders of their own (parallel workers share
    # them out); each folder's history grows through its kills.
    output = tmp_path / "results"
    kills = KILLS // SHARDS
    statuses = kill_at_random_points(output, cli_run(output), kills,
                                     random.Random(SEED + shard))
    assert statuses.count("interrupted") >= kills // 3  # most kills land mid-run


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_at_random_points_of_pytest_plugin_runs_breaks_nothing(
    tmp_path: Path,
) -> None:
    output = tmp_path / "results"
    statuses = kill_at_random_points(output, plugin_run(output), PLUGIN_KILLS,
                                     random.Random(SEED))
    assert "interrupted" in statuses
