"""A phone whose session dies mid-flow (the simulated phone's `crash` variant): the runner
opens a new session, relaunches the app, and resumes at the last checkpoint, or the start."""

from __future__ import annotations

from pathlib import Path

from e2e.e2e_helpers import FLOWS, run_one

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import FlowResult, Outcome
from mobile_optout.sim import SimPhone

PART = FLOWS / "linkedin" / "parts" / "genai-training.yaml"

FLOW = """\
mobile-optout: flow
name: resume-at-checkpoint
platforms: [android]
app: {{android: {{package: com.linkedin.android}}}}
settings:
  generative_ai_training: {{desired: off}}
steps:
  - launch
  - screenshot: before-the-checkpoint
{checkpoint}
  - include: {part}
"""


def run(tmp_path: Path, checkpoint: bool) -> tuple[FlowResult, list[str]]:
    flow = tmp_path / "flow.yaml"
    flow.write_text(FLOW.format(
        checkpoint="  - checkpoint: feed" if checkpoint else "", part=PART,
    ), encoding="utf-8")
    with SimPhone(platform=Platform.ANDROID, variants=("crash",), seed=3) as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "out")
        kinds = [e["type"] for e in phone.events()]
    return result, kinds


def test_a_lost_session_resumes_at_the_last_checkpoint(tmp_path: Path) -> None:
    result, events = run(tmp_path, checkpoint=True)

    assert result.outcome is Outcome.CHANGED, result.error
    assert result.attempts == 2
    assert "crash" in events and events.count("session_created") == 2
    shots = [s for s in result.steps if s.kind == "screenshot"]
    assert len(shots) == 1  # the step before the checkpoint was not run again


def test_without_a_checkpoint_the_flow_starts_over(tmp_path: Path) -> None:
    result, _ = run(tmp_path, checkpoint=False)

    assert result.outcome is Outcome.CHANGED, result.error
    assert result.attempts == 2
    shots = [s for s in result.steps if s.kind == "screenshot"]
    assert len(shots) == 2
