"""Scale-out through a real Selenium Grid 4: the LinkedIn flow on three simulated phones at
once, all through the one Grid URL, as a QA team would run it on a device farm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mobile_optout.job import RunRequest, perform
from mobile_optout.results.record import Outcome

pytestmark = pytest.mark.grid

ROOT = Path(__file__).resolve().parents[2]
SETTING = "generative_ai_training"


def pool_file(tmp_path: Path, grid_url: str, targets: dict[str, str]) -> Path:
    """A devices file with one pool behind the grid; each device picked by its udid."""
    lines = [
        "pools:",
        "  farm:",
        f"    server: {grid_url}",
        "    capabilities: {appium:automationName: UiAutomator2}",
        "    devices:",
    ]
    for name, udid in targets.items():
        lines.append(f"      {name}: {{platform: android, capabilities: {{appium:udid: {udid}}}}}")
    path = tmp_path / "devices.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sessions_on(phone: Any) -> int:
    return sum(1 for e in phone.events() if e["type"] == "session_created")


def test_linkedin_runs_on_three_phones_at_once_through_the_grid(
    sim_grid: tuple[Any, list[Any]], tmp_path: Path
) -> None:
    grid, phones = sim_grid
    assert all(p.state()["settings"][SETTING] is True for p in phones)  # fresh phones
    before = [sessions_on(p) for p in phones]
    devices = pool_file(tmp_path, grid.url, {
        "phone-0": "sim-0", "phone-1": "sim-1", "phone-2": "sim-2",
        # A fourth device on phone 0: the grid queues it until phone 0 is free.
        "phone-0-again": "sim-0",
    })

    run = perform(RunRequest(
        paths=[ROOT / "flows" / "linkedin"], devices_file=devices, all_devices=True,
        parallel=4, output=tmp_path / "results",
    )).run

    outcomes = {r.device: r.outcome for r in run.results}
    assert len(outcomes) == 4, run.results
    errors = [(r.device, r.error) for r in run.results if r.outcome is Outcome.ERROR]
    assert errors == []
    assert outcomes["farm/phone-1"] is Outcome.CHANGED
    assert outcomes["farm/phone-2"] is Outcome.CHANGED
    # phone 0 ran twice, one after the other: one run changed it, the other found it done.
    assert sorted([outcomes["farm/phone-0"], outcomes["farm/phone-0-again"]]) == sorted(
        [Outcome.CHANGED, Outcome.ALREADY_SET]
    )
    assert [p.state()["settings"][SETTING] for p in phones] == [False, False, False]
    # Every phone got its own sessions through the grid (spread, not piled on one node).
    assert [sessions_on(p) - b for p, b in zip(phones, before, strict=True)] == [2, 1, 1]
