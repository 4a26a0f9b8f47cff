"""Outcomes that must never pass for success: a setting the flow never read."""

from __future__ import annotations

from pathlib import Path

from e2e.e2e_helpers import linkedin_flow, run_one, write_flow

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import Outcome
from mobile_optout.sim import SimPhone

FLOW = linkedin_flow(
    "reads-only-on-ios",
    ios=True,
    rest="""\
settings:
  generative_ai_training: {desired: off}
steps:
  - launch
  - ensure_setting:
      setting: generative_ai_training
      toggle: {switch_for: {text: {contains: "training content creation"}}}
    when: {platform: ios}
""",
)


def test_a_setting_never_read_is_a_failure_not_a_pass(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, FLOW)
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "out")

    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert "without reading generative_ai_training" in result.error.message
