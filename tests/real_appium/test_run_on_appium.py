"""A whole flow through `mobile-optout run/check --server URL` against a real Appium 3
server (the npm-installed fake driver), recorded like any other run.

The fake driver's app never changes when tapped: a switch it shows as on stays on. That is
exactly the case where a tool must not say "done": the run reads the switch back and
reports `failed`.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mobile_optout.cli import cli

pytestmark = pytest.mark.appium

FLOW = """\
mobile-optout: flow
name: fake-ai-toggle
platforms: [android]
app:
  android: {package: io.appium.fake}
settings:
  generative_ai_training: {desired: off}
steps:
  - wait_for: {text: "Data for Generative AI Improvement"}
  - screenshot: page
  - ensure_setting:
      setting: generative_ai_training
      toggle: {switch_for: {text: "Use my data for training content creation AI models"}}
    timeout: 1
"""


def run_cli(mode: str, server: str, flow: Path, output: Path, app: str) -> tuple[int, str]:
    args = [
        mode, str(flow), "--server", server, "--platform", "android",
        "--cap", "platformName=Fake", "--cap", "appium:automationName=Fake",
        "--cap", "appium:deviceName=Fake", "--cap", f"appium:app={app}", "-o", str(output),
    ]
    result = CliRunner().invoke(cli, args, standalone_mode=False)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    code = result.return_value if isinstance(result.return_value, int) else 0
    return code, result.output


@pytest.fixture
def flow(tmp_path: Path) -> Path:
    path = tmp_path / "fake-ai-toggle.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return path


def report_of(output: Path) -> dict[str, Any]:
    (report,) = output.glob("*/report.json")
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data


def test_check_through_a_real_appium_server_reads_the_switch(
    appium_server: Any, flow: Path, tmp_path: Path, fake_app_caps: Any
) -> None:
    output = tmp_path / "results"
    code, text = run_cli("check", appium_server.url, flow, output, fake_app_caps()["appium:app"])

    assert code == 1, text  # it is on, and we wanted it off
    (result,) = report_of(output)["results"]
    assert result["outcome"] == "would_change"
    assert result["setting"]["before"] is True
    assert result["device"] == appium_server.url
    with sqlite3.connect(output / "history.db") as db:
        rows = db.execute("SELECT outcome FROM results").fetchall()
    assert rows == [("would_change",)]


def test_apply_never_claims_a_change_the_screen_does_not_show(
    appium_server: Any, flow: Path, tmp_path: Path, fake_app_caps: Any
) -> None:
    output = tmp_path / "results"
    code, text = run_cli("run", appium_server.url, flow, output, fake_app_caps()["appium:app"])

    assert code == 1, text
    (result,) = report_of(output)["results"]
    assert result["outcome"] == "failed"
    assert result["setting"]["after"] is True
    assert "still reads on" in result["error"]["message"]
