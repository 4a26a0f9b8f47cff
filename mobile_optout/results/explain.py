"""A failed flow, explained the same way wherever it is shown (the CLI after a run, the
pytest plugin's failure report): the step and its file:line, what it waited for, the
closest texts on screen, what the screen showed, and where the evidence is."""

from __future__ import annotations

from pathlib import Path

from mobile_optout.results.record import FlowResult, Outcome, StepStatus
from mobile_optout.values import on_off


def shown(path: Path | str) -> str:
    """A path as a person wants to read it: relative to the current folder when inside."""
    p = Path(path)
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def describe_failure(result: FlowResult, run_dir: Path | None, *,
                     report: Path | None = None, screen_lines: int | None = None) -> str:
    """The failing step, its file:line, expected vs. what the screen showed, evidence.
    ``report``: the report to point at; ``screen_lines``: at most this many lines of the
    screen (None: all)."""
    lines = [f"{result.flow} on {result.device}: {result.outcome}"]
    failed = next((s for s in reversed(result.steps)
                   if s.status in (StepStatus.FAILED, StepStatus.ERROR)), None)
    step = failed or (result.steps[-1] if result.steps else None)
    err = result.error
    if step is not None:
        lines.append(f"step:     {step.label}")
        lines.append(f"at:       {step.file}:{step.line}")
    elif err is not None and err.step:
        lines.append(f"step:     {err.step} (line {err.line})")
    if result.outcome is Outcome.WOULD_CHANGE and result.setting is not None:
        s = result.setting
        lines.append(f"setting:  {s.id} is {on_off(s.before)}; "
                     f"apply would turn it {on_off(s.desired)}")
    if result.note:
        lines.append(f"why:      {result.note}")
    if err is not None:
        if err.expected:
            lines.append(f"expected: {err.expected}")
        if err.closest:
            lines.append("did you mean: " + ", ".join(repr(c) for c in err.closest)
                         + " (the closest texts on screen)")
        if err.actual:
            screen = err.actual.splitlines()
            if screen_lines is not None and len(screen) > screen_lines:
                screen = [*screen[:screen_lines], f"... {len(screen) - screen_lines} more"]
            lines.append("screen:   " + "\n          ".join(screen))
        lines.append(f"error:    {err.message}")
    if run_dir is not None:
        shots = [e for e in (step.evidence if step else []) if e.endswith(".png")]
        for shot in shots:
            lines.append(f"screenshot: {shown(run_dir / shot)}")
        if err is not None and err.screen:
            lines.append(f"page source: {shown(run_dir / err.screen)}")
        if report is not None:
            lines.append(f"report:   {shown(report)}")
        else:
            lines.append(f"run folder: {shown(run_dir)} (report.html when the session ends)")
    return "\n".join(lines)
