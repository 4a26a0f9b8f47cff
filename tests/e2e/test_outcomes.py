"""Outcomes that must never pass for success: a setting the flow never read."""

from __future__ import annotations

from pathlib import Path

from e2e.e2e_helpers import run_one

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import Outcome
from mobile_optout.sim import SimPhone

FLOW = """\
mobile-optout: flow
name: reads-only-on-ios
platforms: [android, ios]
app:
  android: {package: com.linkedin.android}
  ios: {bundle_id: com.linkedin.LinkedIn}
settings:
  generative_ai_training: {desired: off}
steps:
  - launch
  - ensure_setting:
      setting: generative_ai_training
      toggle: {switch_for: {text: {contains: "training content creation"}}}
    when: {platform: ios}
"""


def test_a_setting_never_read_is_a_failure_not_a_pass(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(FLOW, encoding="utf-8")
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "out")

    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert "without reading generative_ai_training" in result.error.message
