"""Running the website flow the way a person does: a devices file naming a browser (or an
Appium server with its chromium driver) and the simulated website as base_url."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mobile_optout.job import RunRequest, perform
from mobile_optout.results.record import FlowResult
from mobile_optout.sim.site import SimSite
from mobile_optout.values import Mode

ROOT = Path(__file__).resolve().parents[2]
WEB_FLOW = ROOT / "flows" / "linkedin" / "web.yaml"
SETTING = "generative_ai_training"


def devices_file(folder: Path, device: Mapping[str, Any]) -> Path:
    """A devices.yaml with one device, ``web`` (JSON is YAML)."""
    path = folder / "devices.yaml"
    path.write_text(json.dumps({"devices": {"web": {"platform": "web", **device}}}),
                    encoding="utf-8")
    return path


def run_web(devices: Path, output: Path, *, mode: str = "apply",
            params: Mapping[str, str] | None = None) -> FlowResult:
    """The one result of the website flow on the device ``web`` of ``devices``."""
    record = perform(RunRequest(
        mode=Mode(mode), paths=[WEB_FLOW], devices=["web"], devices_file=devices,
        output=output, params=dict(params or {}), environ={},
    )).run
    assert len(record.results) == 1, record.results
    return record.results[0]


def saves(site: SimSite) -> list[dict[str, Any]]:
    """The requests that saved (or tried to save) a switch: the site's own witness."""
    return [e for e in site.event_log() if e["type"] == "save"]
