"""Fixtures for the results package (the runs themselves are built in results_helpers)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from results.results_helpers import build_run

from mobile_optout.results.record import RunRecord


@pytest.fixture
def make_run(tmp_path: Path) -> Callable[..., tuple[RunRecord, Path]]:
    """``make_run(hostile=..., screenshots=True)``: (run, run folder) with evidence on disk."""

    def make(**kwargs: object) -> tuple[RunRecord, Path]:
        run_dir = tmp_path / "results" / "20261129T031740Z-3f9a1c"
        return build_run(run_dir, **kwargs), run_dir  # type: ignore[arg-type]

    return make
