"""A `mobile-optout sim` server kept running across commands (its state persists between
them), and `mobile-optout ...` commands run in this process against it."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from simproc import sim_running

from mobile_optout.cli import main

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def sim_server(platform: str, *variants: str, app: str = "") -> Iterator[str]:
    """`mobile-optout sim --platform P --variant ... [--app PATH]` until the block ends;
    its URL."""
    args = [a for v in variants for a in ("--variant", v)] + (["--app", app] if app else [])
    with sim_running("--platform", platform, *args) as (_, lines):
        yield lines[0].split(" at ", 1)[1].split()[0]


def sim_json(url: str, what: str) -> Any:
    with urllib.request.urlopen(f"{url}/sim/{what}", timeout=5) as response:
        return json.loads(response.read())["value"]


def switch_taps(url: str) -> list[dict[str, Any]]:
    """The phone's own log of taps that reached a switch (a setting)."""
    return [e for e in sim_json(url, "events") if e["type"] == "tap" and e.get("setting")]


def copy_flows(folder: Path, *names: str) -> list[Path]:
    """Copies of built-in flow folders (a suggested flow is saved beside them)."""
    out = []
    for name in names:
        shutil.copytree(ROOT / "flows" / name, folder / name)
        out.append(folder / name)
    return out


def mo(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`mobile-optout ARGS` in this process: (exit code, what it printed)."""
    with pytest.raises(SystemExit) as done:
        main([*args])
    captured = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 0), captured.out + captured.err
