"""A failing flow explains itself on the command line as it does under pytest: the step,
file:line, what it waited for, the closest texts on screen, the screenshot and the report.
While a step waits, a line says for what and for how long."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from e2e.e2e_helpers import linkedin_flow, write_flow
from rich.console import Console

from mobile_optout import console
from mobile_optout.cli import main
from mobile_optout.results.record import FlowResult, StepRecord, StepStatus

TYPO_FLOW = linkedin_flow("typo", """\
steps:
  - launch
  - tap: "My Profile and Communities"
  - tap: "Setings"
    timeout: 2.5
""")


def test_a_failure_names_its_step_line_closest_texts_screenshot_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = write_flow(tmp_path, TYPO_FLOW, "typo.yaml")
    with pytest.raises(SystemExit) as code:
        main(["run", str(flow), "-o", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code.value.code == 1, out

    assert "step:     tap" in out
    assert f"at:       {flow}:9" in out
    assert 'expected: text="Setings"' in out
    assert "did you mean: 'Settings'" in out
    shot = next(line for line in out.splitlines() if line.startswith("screenshot: "))
    assert Path(shot.removeprefix("screenshot: ")).is_file()
    report = next(line for line in out.splitlines() if line.startswith("report:   "))
    assert Path(report.removeprefix("report:   ")).is_file()

    # Not a terminal: plain lines while the step waits, at 1 s and every 5 s after.
    waits = [line for line in out.splitlines() if 'waiting for text="Setings"' in line]
    assert waits and waits[0].startswith("[sim-android] … waiting for"), out
    assert len(waits) == 1  # the wait is 2.5 s: one line, not one per look


def test_on_a_terminal_the_wait_is_one_live_line_that_goes_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    buffer = io.StringIO()
    terminal = Console(file=buffer, force_terminal=True, width=100)
    monkeypatch.setattr(console, "out", terminal)
    progress = console.LiveProgress()
    result = FlowResult(device="phone", platform="android", flow="f", flow_path="f.yaml")
    progress.waiting(result, 'text="Settings"', 1.2)
    progress.waiting(result, 'text="Settings"', 2.4)
    progress.step(result, StepRecord(label="tap", kind="tap", status=StepStatus.PASSED,
                                     duration_ms=2500))
    shown = buffer.getvalue()
    assert 'waiting for text="Settings" (2s)' in shown
    live, after = shown.rsplit("\x1b[2K", 1)  # redrawn in place, then erased
    assert "waiting for" in live and "waiting for" not in after
    assert "tap" in after and "2500" in after
