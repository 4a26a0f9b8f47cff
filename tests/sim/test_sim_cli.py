"""``mobile-optout sim``: serves until interrupted, prints its URL, exits 0."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request

import pytest


def test_sim_command_serves_until_interrupted() -> None:
    command = [sys.executable, "-m", "mobile_optout", "sim", "--platform", "ios",
               "--variant", "already-off", "--seed", "3"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            assert first.startswith("simulated ios phone at http://127.0.0.1:")
            url = first.rsplit(" ", 1)[1].strip()
            assert "already-off" in proc.stdout.readline()
            with urllib.request.urlopen(url + "/sim/state", timeout=5) as response:
                state = json.loads(response.read())["value"]
            assert state["platform"] == "ios"
            assert state["settings"]["generative_ai_training"] is False
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()


@pytest.mark.parametrize("args", [["--variant", "nope"], ["--port", "5555"]])
def test_sim_command_rejects_bad_input(args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "mobile_optout", "sim", *args],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2
    assert done.stderr.strip()
