"""An app that is not on the phone: the flow ends `not_installed`, says so, touches nothing,
never counts as done, and does not fail the run (exit 0, like `not_offered`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from e2e.e2e_helpers import FLOWS, ROOT, run_one

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import Outcome, StepStatus
from mobile_optout.results.store import Store
from mobile_optout.sim import SimPhone

NOTES = ROOT / "tests" / "data" / "sim_apps" / "notes.yaml"  # an app that is not LinkedIn
OTHER_APP = """\
mobile-optout: flow
name: x-grok-training
platforms: [android]
app:
  android: {package: com.twitter.android}
settings:
  grok_training: {desired: off}
steps:
  - launch
  - ensure_setting:
      setting: grok_training
      toggle: {switch_for: {text: {contains: "Grok"}}}
"""


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_linkedin_missing_ends_not_installed_and_taps_nothing(
    platform: str, tmp_path: Path
) -> None:
    flow = FLOWS / "linkedin" / f"{platform}.yaml"
    with SimPhone(platform=Platform(platform), apps=[NOTES]) as phone:  # no LinkedIn
        result = run_one(phone.url, platform, flow, tmp_path / "out")
        events = phone.events()

    assert result.outcome is Outcome.NOT_INSTALLED
    app_id = "com.linkedin.android" if platform == "android" else "com.linkedin.LinkedIn"
    assert f"{app_id} is not installed" in result.note
    assert result.setting is None  # nothing read: never counted as done
    # (the flow's own launch found no app: it, and the routes step around it, are
    # skipped saying why)
    assert [(s.kind, s.status, s.message) for s in result.steps] == [
        ("launch", StepStatus.SKIPPED, result.note), ("routes", StepStatus.SKIPPED, result.note)]
    assert not [e for e in events if e["type"] in ("tap", "launch", "activate")]


def test_a_start_that_seemed_to_work_still_ends_not_installed(tmp_path: Path) -> None:
    """A driver that answers a start of a missing app as if it had worked: the flow's
    first look fails, and the run asks before it calls that a failure."""
    flow = tmp_path / "x.yaml"
    flow.write_text(OTHER_APP.replace("  - launch\n", "  - launch\n  - wait_for: "
                                      "{text: Home}\n    timeout: 1\n"), encoding="utf-8")
    with SimPhone(platform=Platform.ANDROID, apps=["linkedin"],
                  variants=("quiet-launch",)) as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "out")

    assert result.outcome is Outcome.NOT_INSTALLED, result.error
    assert "com.twitter.android is not installed" in result.note


def test_a_flow_for_an_app_the_phone_lacks_ends_not_installed(tmp_path: Path) -> None:
    """The catalogue case: flows for many apps run on one phone that has only some."""
    flow = tmp_path / "x.yaml"
    flow.write_text(OTHER_APP, encoding="utf-8")
    with SimPhone(platform=Platform.ANDROID, apps=["linkedin"]) as phone:  # no X on it
        result = run_one(phone.url, "android", flow, tmp_path / "out")

    assert result.outcome is Outcome.NOT_INSTALLED
    assert "com.twitter.android is not installed" in result.note


def test_not_installed_exits_0_and_reports_it_as_skipped_never_as_verified(
    tmp_path: Path,
) -> None:
    output = tmp_path / "results"
    (tmp_path / "devices.yaml").write_text(
        f"devices:\n  sim-android:\n    platform: android\n    sim: {{apps: [{NOTES}]}}\n",
        encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mobile_optout", "run", str(FLOWS / "linkedin"),
         "--output", str(output)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "COLUMNS": "250", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert "not_installed" in done.stdout
    assert "com.linkedin.android is not installed on sim-android" in done.stdout
    (run_dir,) = [p for p in output.iterdir() if (p / "report.json").exists()]
    (result,) = json.loads((run_dir / "report.json").read_text("utf-8"))["results"]
    assert result["outcome"] == "not_installed"
    suite = ET.parse(run_dir / "junit.xml").getroot()
    assert suite.get("skipped") == "1" and suite.get("failures") == "0"
    case = suite.find(".//testcase")
    assert case is not None
    skipped = case.find("skipped")
    assert skipped is not None and "not installed" in (skipped.get("message") or "")
    assert "app not installed" in (run_dir / "report.html").read_text("utf-8")
    with Store.open(output) as store:
        assert store.drift() == []  # no observation of the setting was recorded
