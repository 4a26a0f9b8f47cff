"""The one place that prints. Commands hand it text and tables; nothing else writes to stdout.

Logging (loguru) goes to stderr at the level the command line chose, and to the run's
debug log file; both pass through the redactor so that secrets never appear.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from mobile_optout.results.record import FlowResult, RunRecord, StepRecord
from mobile_optout.values import on_off

# Not a terminal (CI logs, pipes): wide enough that tables are not cut.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str = "", *, style: str | None = None) -> None:
    out.print(text, style=style, markup=False)


def error(text: str) -> None:
    err.print(text, style="red", markup=False)


@contextlib.contextmanager
def working(text: str) -> Iterator[None]:
    """A spinner with the time spent while something slow runs (a plain line when stderr
    is not a terminal)."""
    if not err.is_terminal:
        err.print(text + " ...", markup=False)
        yield
        return
    from rich.text import Text  # only on a terminal: start-up stays light

    started = time.monotonic()
    with err.status(Text(text)) as status:
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(1.0):
                status.update(Text(f"{text}  {time.monotonic() - started:.0f} s"))

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            yield
        finally:
            stop.set()
            ticker.join()


def ask_number(question: str, most: int) -> int:
    """Ask at the terminal for a number from 1 to ``most`` (again until one is given)."""
    import click

    answer: int = click.prompt(question, type=click.IntRange(1, most))
    return answer


def raw(text: str) -> None:
    """Machine-readable output (JSON, schema): no styling, no wrapping."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def table(columns: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "") -> None:
    from rich.table import Table  # tables only when one is printed: start-up stays light

    t = Table(title=title or None, show_lines=False)
    for c in columns:
        t.add_column(c)
    for row in rows:
        t.add_row(*(str(c) for c in row))
    out.print(t)


# --------------------------------------------------------------------------- runs

OUTCOME_STYLE = {
    "changed": "green", "already_set": "green", "passed": "green", "not_offered": "cyan",
    "unsupported": "cyan", "not_installed": "cyan", "would_change": "yellow",
    "blocked": "yellow", "failed": "red", "error": "red", "interrupted": "red",
}
STEP_MARK = {"passed": "✓", "skipped": "-", "failed": "✗", "error": "!"}


def setup_logging(verbosity: int, redact: Callable[[str], str] | None = None) -> None:
    """loguru to stderr: -q warnings only, default info, -v debug. Redacted when asked."""
    from loguru import logger

    logger.remove()
    level = {-1: "WARNING", 0: "WARNING", 1: "INFO"}.get(verbosity, "DEBUG")

    def redacting(record: Any) -> bool:
        if redact is not None:
            record["message"] = redact(str(record["message"]))
        return True

    logger.add(sys.stderr, level=level, format="<level>{level: <7}</level> {message}",
               filter=redacting, colorize=err.is_terminal)


class LiveProgress:
    """A line per step and per finished flow, prefixed by the device (devices run at once).
    Verbosity -1 (quiet): finished flows only; -2: nothing."""

    def __init__(self, verbosity: int = 0) -> None:
        self.verbosity = verbosity
        self._lock = threading.Lock()

    def step(self, result: FlowResult, record: StepRecord) -> None:
        if self.verbosity < 0:
            return
        mark = STEP_MARK.get(str(record.status), "?")
        extra = f" — {record.message}" if record.message and record.status != "passed" else ""
        line = f"[{result.device}] {mark} {record.label} ({record.duration_ms} ms){extra}"
        with self._lock:
            out.print(line, markup=False, style="dim" if record.status == "skipped" else None)

    def finished(self, result: FlowResult) -> None:
        if self.verbosity < -1:  # silent: stdout is kept for machine-readable output
            return
        outcome = str(result.outcome)
        note = f" ({result.note})" if result.note else ""
        if result.error:
            note = f" — {result.error.message.splitlines()[0]}"
        with self._lock:
            out.print(f"[{result.device}] {result.flow}: {outcome.upper()}{note}",
                      markup=False, style=OUTCOME_STYLE.get(outcome))


def run_summary(run: RunRecord, run_dir: Path) -> None:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"run {run.run_id} ({run.mode})")
    for c in ("device", "flow", "outcome", "setting", "before → after", "note"):
        t.add_column(c, overflow="fold")
    for r in run.results:
        s = r.setting
        outcome = str(r.outcome)
        note = r.note or (r.error.message.splitlines()[0] if r.error else "")
        t.add_row(
            r.device, r.flow, f"[{OUTCOME_STYLE.get(outcome, '')}]{outcome}[/]",
            s.id if s else "", f"{on_off(s.before)} → {on_off(s.after)}" if s else "",
            Text(note[:120]),
        )
    out.print(t)
    out.print(f"Reports: {run_dir / 'report.html'}  (also report.json, junit.xml)", markup=False)


def drift_warning(drift: Sequence[Any]) -> None:
    """Settings that were verified one way and are now seen the other way: loud."""
    err.print(f"DRIFT: {len(drift)} setting(s) changed back since they were verified:",
              style="bold red", markup=False)
    for d in drift:
        err.print(
            f"  {d.device} {d.setting}: verified {on_off(d.verified)} at {d.verified_at}, "
            f"now {on_off(d.observed)} ({d.observed_at})",
            style="red", markup=False,
        )
