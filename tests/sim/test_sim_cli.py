"""``mobile-optout sim``: serves until interrupted, prints its URL, exits 0."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from typing import Any

import pytest
from simproc import sim_running


def serve_then_stop(platform: str, *args: str) -> tuple[list[str], dict[str, Any]]:
    """Start `mobile-optout sim --platform P ARGS`, read what it prints up to its last line
    ("... (Ctrl-C stops)") and its /sim/state, then Ctrl-C it; it must exit 0."""
    with sim_running("--platform", platform, *args) as (proc, lines):
        url = lines[0].rsplit(" ", 1)[1].strip()
        with urllib.request.urlopen(url + "/sim/state", timeout=5) as response:
            state: dict[str, Any] = json.loads(response.read())["value"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    return lines, state


def test_sim_command_serves_until_interrupted() -> None:
    lines, state = serve_then_stop("ios", "--variant", "already-off", "--seed", "3")

    assert lines[0].startswith("simulated ios phone at http://127.0.0.1:")
    assert "already-off" in lines[1]
    assert state["platform"] == "ios"
    assert state["settings"]["generative_ai_training"] is False


def test_sim_command_serves_the_website() -> None:
    lines, state = serve_then_stop("web", "--variant", "renamed")

    assert lines[0].startswith("simulated LinkedIn website at http://127.0.0.1:")
    assert (state["platform"], state["variants"]) == ("web", ["renamed"])


@pytest.mark.parametrize("args", [["--variant", "nope"], ["--port", "5555"],
                                  ["--platform", "web", "--variant", "gear-route"]])
def test_sim_command_rejects_bad_input(args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "mobile_optout", "sim", *args],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2
    assert done.stderr.strip()
