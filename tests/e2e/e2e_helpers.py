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


# ------------------------------------------------ flow and devices files a test writes itself

LINKEDIN_ANDROID = "  android: {package: com.linkedin.android}\n"
LINKEDIN_IOS = "  ios: {bundle_id: com.linkedin.LinkedIn}\n"


def linkedin_flow(name: str, rest: str = "", *, ios: bool = False) -> str:
    """A flow file's text for the LinkedIn app: its header (``name``, on android, and on
    ios too with ``ios``) followed by ``rest`` (settings, steps, ...) as given."""
    platforms, app = ("android, ios", LINKEDIN_ANDROID + LINKEDIN_IOS) if ios \
        else ("android", LINKEDIN_ANDROID)
    return f"mobile-optout: flow\nname: {name}\nplatforms: [{platforms}]\napp:\n{app}{rest}"


def write_flow(folder: Path, text: str, name: str = "flow.yaml") -> Path:
    """``text`` written to ``folder/name``; that path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write_devices(folder: Path, url: str, name: str = "phone") -> Path:
    """``folder/devices.yaml`` naming one android phone, ``name``, served at ``url`` and
    polled every 0.05 s; that path."""
    path = folder / "devices.yaml"
    path.write_text(f"devices:\n  {name}:\n    platform: android\n    server: {url}\n"
                    "    timeouts: {poll: 0.05}\n", encoding="utf-8")
    return path
