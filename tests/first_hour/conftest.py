"""What a newcomer types, run in-process (`invoke`) the way `mobile-optout ARGS` runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from mobile_optout.cli import main


@dataclass(frozen=True)
class Shown:
    code: int
    out: str
    err: str


Invoke = Callable[..., Shown]


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str], tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """``invoke(*args)``: the command line run from an empty folder (tmp_path)."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Shown:
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        captured = capsys.readouterr()
        code = exit_info.value.code
        return Shown(code if isinstance(code, int) else 0, captured.out, captured.err)

    return run
