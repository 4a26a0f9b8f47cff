"""Flow parameters: `${NAME}` in locators and typed text, set by --param or the environment."""

from __future__ import annotations

from pathlib import Path

from e2e.e2e_helpers import run_one

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import FlowResult, Outcome
from mobile_optout.sim import SimPhone

FLOW = """\
mobile-optout: flow
name: open-a-menu-entry
platforms: [android]
app: {android: {package: com.linkedin.android}}
params:
  ENTRY: Settings
steps:
  - launch
  - tap: {accessibility_id: "My Profile and Communities"}
  - tap: {text: "${ENTRY}"}
    timeout: 1
"""


def run(tmp_path: Path, params: dict[str, str], environ: dict[str, str]) -> FlowResult:
    tmp_path.mkdir(parents=True, exist_ok=True)
    flow = tmp_path / "flow.yaml"
    flow.write_text(FLOW, encoding="utf-8")
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "out", params=params,
                         environ=environ)
        screen = phone.state()["screen"]
    result.note = screen  # where the phone ended up, for the assertions below
    return result


def test_the_default_fills_the_locator(tmp_path: Path) -> None:
    result = run(tmp_path, {}, {})
    assert result.outcome is Outcome.PASSED, result.error
    assert result.note == "settings"


def test_param_beats_environment_beats_default(tmp_path: Path) -> None:
    from_env = run(tmp_path / "env", {}, {"ENTRY": "Groups"})
    from_param = run(tmp_path / "param", {"ENTRY": "Nowhere to be seen"}, {"ENTRY": "Groups"})

    assert from_env.outcome is Outcome.PASSED and from_env.note != "settings"
    assert from_param.outcome is Outcome.FAILED
    assert from_param.error is not None
    assert "Nowhere to be seen" in from_param.error.message
