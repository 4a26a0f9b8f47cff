"""SIGTERM (docker stop, a cancelled CI job) and SIGHUP (a closed terminal) stop a run as
Ctrl-C does: every device stops at its next step, its session is closed, what was done is
recorded, the reports are written, and the exit code says which signal (143, 129). A second
signal ends the process at once. Real processes, real signals; no sleeps: each test waits
for a line the run prints."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from mobile_optout.flow.model import Platform
from mobile_optout.sim import SimPhone

ROOT = Path(__file__).resolve().parents[2]


def start_run(phone: SimPhone, output: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mobile_optout", "run", str(ROOT / "flows" / "linkedin"),
         "--server", phone.url, "--platform", "android", "--output", str(output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=output.parent,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def wait_for_line(stream: IO[str] | None, text: str) -> None:
    assert stream is not None
    for line in stream:
        if text in line:
            return
    raise AssertionError(f"the run ended without printing {text!r}")


@pytest.fixture
def proc_cleanup() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_a_run_as_ctrl_c_does(
    sig: signal.Signals, code: int, tmp_path: Path,
    proc_cleanup: list[subprocess.Popen[str]],
) -> None:
    output = tmp_path / "results"
    with SimPhone(platform=Platform.ANDROID, variants=("slow",)) as phone:
        proc = start_run(phone, output)
        proc_cleanup.append(proc)
        wait_for_line(proc.stdout, "launch app")  # under way: the first step is done
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        sessions_left = phone.state()["sessions"]
        events = [e["type"] for e in phone.events()]

    assert proc.returncode == code, (out, err)
    assert f"interrupted ({sig.name})" in err
    assert "Traceback" not in err
    assert sessions_left == 0 and events[-1] == "session_deleted"  # the session was closed
    (report,) = output.glob("*/report.json")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["exit_code"] == code  # the record says what the process said
    assert [r["outcome"] for r in data["results"]] == ["interrupted"]
    assert (report.parent / "junit.xml").exists() and (report.parent / "report.html").exists()
    with sqlite3.connect(output / "history.db") as db:
        assert db.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
        assert db.execute("SELECT outcome FROM results").fetchall() == [("interrupted",)]


def test_a_second_signal_ends_the_run_at_once(
    tmp_path: Path, proc_cleanup: list[subprocess.Popen[str]]
) -> None:
    output = tmp_path / "results"
    with SimPhone(platform=Platform.ANDROID) as phone:
        proc = start_run(phone, output)
        proc_cleanup.append(proc)
        wait_for_line(proc.stdout, "launch app")
        phone.latency_ms = 60_000  # every command now hangs: a graceful stop would wait
        proc.send_signal(signal.SIGTERM)
        wait_for_line(proc.stderr, "stopping every device")  # the first one is being handled
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)

    assert proc.returncode == 143
    assert "SIGTERM again: stopping now" in err
    assert "Traceback" not in err
    assert not list(output.glob("*/report.json"))  # it did not wait to write them...
    history = subprocess.run(
        [sys.executable, "-m", "mobile_optout", "history", "--json", "--output", str(output)],
        capture_output=True, text=True, check=True)
    (run,) = json.loads(history.stdout)  # ...and the next look marks the run interrupted
    assert run["status"] == "interrupted"


def test_sigterm_stops_a_pytest_plugin_session_as_ctrl_c_does(
    tmp_path: Path, proc_cleanup: list[subprocess.Popen[str]]
) -> None:
    (tmp_path / "devices.yaml").write_text(
        "devices:\n  slow-phone: {platform: android, sim: {variants: [slow, popups]}}\n",
        encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", str(ROOT / "flows" / "linkedin" / "android.yaml"),
         "--mo-devices", "devices.yaml", "--mo-device", "slow-phone", "--mo-output", "runs",
         "-s", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-c", os.devnull,
         "--rootdir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    proc_cleanup.append(proc)
    wait_for_line(proc.stderr, "dismissing interrupt")  # mid-flow: a popup was dismissed
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)

    assert proc.returncode == 2, (out, err)  # pytest's own code for an interrupted session
    (report,) = (tmp_path / "runs").glob("*/report.json")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["exit_code"] == 143
    assert [r["outcome"] for r in data["results"]] == ["interrupted"]
