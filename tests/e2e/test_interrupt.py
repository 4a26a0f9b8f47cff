"""Ctrl-C in the middle of a run: the tool stops at the next step, says so, and leaves a
complete record (reports written, history consistent) with the flow marked interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ctrl_c_stops_promptly_and_records_what_was_done(tmp_path: Path) -> None:
    output = tmp_path / "results"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mobile_optout", "run", str(ROOT / "flows" / "linkedin"),
         "--sim-variant", "slow", "--output", str(output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:  # wait for the run to be under way: the first step done
            if "launch app" in line:
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()

    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err
    assert "Traceback" not in err
    (report,) = output.glob("*/report.json")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["exit_code"] == proc.returncode  # the record says what the process said
    (result,) = data["results"]
    assert result["outcome"] == "interrupted"
    history = subprocess.run(
        [sys.executable, "-m", "mobile_optout", "history", "--json", "--output", str(output)],
        capture_output=True, text=True, check=True,
    )
    assert "interrupted" in history.stdout
