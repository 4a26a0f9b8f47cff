"""Running flows on a phone the way `mobile-optout run --server URL --platform P` does."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from mobile_optout.job import RunRequest, perform
from mobile_optout.results.record import FlowResult, RunRecord
from mobile_optout.values import Mode

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"


def run_flows(
    url: str, platform: str, paths: Sequence[Path], output: Path, *, mode: str = "apply",
    params: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None,
) -> RunRecord:
    """Run (or check) the flows at ``paths`` on the Appium endpoint ``url``."""
    return perform(RunRequest(
        mode=Mode(mode), paths=list(paths), server=url, platform=platform, output=output,
        params=params or {}, environ=dict(os.environ) if environ is None else environ,
    )).run


def run_one(
    url: str, platform: str, path: Path, output: Path, *, mode: str = "apply",
    params: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None,
) -> FlowResult:
    """The one result of running one flow on one device."""
    record = run_flows(url, platform, [path], output, mode=mode, params=params,
                       environ=environ)
    assert len(record.results) == 1, record.results
    return record.results[0]
