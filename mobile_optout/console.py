"""The one place that prints. Commands hand it text and tables; nothing else writes to stdout.

Logging (loguru) goes to stderr at the level the command line chose, and to the run's
debug log file; both pass through the redactor so that secrets never appear.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from mobile_optout.results.record import FlowResult, RunRecord, StepRecord
from mobile_optout.values import on_off

# Tables fit the terminal; piped (CI logs, files) they are 100 columns wide, unless the
# COLUMNS variable says otherwise. Cells wrap at word boundaries and are never cut.
PIPED_WIDTH = 100
out = Console(highlight=False, soft_wrap=True,
              width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else PIPED_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str = "", *, style: str | None = None) -> None:
    out.print(text, style=style, markup=False)


def note(text: str) -> None:
    """A remark on stderr (not part of the output a script reads)."""
    err.print(text, markup=False)


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
    """A table that fits the width; when its columns cannot fit without breaking words, one
    block per row instead (``column: value`` lines), so that nothing is cut."""
    from rich.table import Table  # tables only when one is printed: start-up stays light
    from rich.text import Text

    given = [list(row) for row in rows]  # str, or a rich Text (a styled cell)
    cells = [[c.plain if isinstance(c, Text) else str(c) for c in row] for row in given]
    filled = [i for i in range(len(columns)) if i < 2 or any(row[i] for row in cells)]
    if given and len(filled) < len(columns):  # a column nothing fills is left out
        columns = [columns[i] for i in filled]
        given = [[row[i] for i in filled] for row in given]
        cells = [[row[i] for i in filled] for row in cells]
    widths = _widths(columns, cells, out.width - 3 * len(columns) - 1)  # less the borders
    if widths is not None:
        t = Table(title=title or None, show_lines=False)
        for c, width in zip(columns, widths, strict=True):
            t.add_column(c, overflow="fold", width=width)
        for row in given:
            t.add_row(*(c if isinstance(c, Text) else Text(str(c)) for c in row))
        out.print(t, soft_wrap=False)  # cells wrap at words inside their width
        return
    import textwrap

    if title:
        out.print(title, markup=False, style="bold")
    for texts in cells:  # the first two cells name the row; the others follow, word-wrapped
        head = " · ".join(v for v in texts[:2] if v)
        rest = "; ".join(f"{c}: {v}" for c, v in zip(columns[2:], texts[2:], strict=True)
                         if v not in ("", "-"))
        out.print(head, markup=False, style="bold")
        for line in textwrap.wrap(rest, max(20, out.width - 2), break_long_words=False,
                                  break_on_hyphens=False):
            out.print("  " + line, markup=False)


def _widths(columns: Sequence[str], cells: Sequence[Sequence[str]], room: int
            ) -> list[int] | None:
    """Column widths within ``room``: each as wide as its text when all fit; else each at
    least its longest word (a URL, a flow name: never broken), the rest shared out in
    proportion to what each still lacks. None when even the longest words do not fit."""
    from rich.cells import cell_len

    texts = [[name, *(row[i] for row in cells)] for i, name in enumerate(columns)]
    natural = [max(cell_len(t) for t in col) for col in texts]
    least = [max((cell_len(w) for t in col for w in t.split()), default=1) for col in texts]
    if sum(natural) <= room:
        return natural
    if sum(least) > room:
        return None
    spare, lack = room - sum(least), [n - m for n, m in zip(natural, least, strict=True)]
    return [m + spare * extra // max(1, sum(lack)) for m, extra in zip(least, lack, strict=True)]


def inspect_listing(title: str, rows: Sequence[tuple[str, str]]) -> None:
    """One element a line: the locator to paste (never cut, however wide), then what it is
    as a YAML comment, so a whole line can be pasted after ``tap:``."""
    out.print(title, markup=False, style="bold")
    width = min(60, max((len(loc) for loc, _ in rows), default=0))
    for locator, what in rows:  # soft wrap: the terminal wraps, nothing is cropped
        out.print(f"{locator:<{width}}  # {what}", markup=False, soft_wrap=True)


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
    While a step waits more than a second, what it waits for and for how long: a live line
    on a terminal (one per device), plain lines every few seconds otherwise.
    Verbosity -1 (quiet): finished flows only; -2: nothing."""

    PLAIN_EVERY = 5.0  # seconds between plain "waiting" lines

    def __init__(self, verbosity: int = 0) -> None:
        self.verbosity = verbosity
        self._lock = threading.Lock()
        self._live: Any = None  # rich.live.Live while something waits on a terminal
        self._waits: dict[str, str] = {}  # result key -> its live line
        self._said: dict[str, float] = {}  # result key -> seconds of its last plain line

    def waiting(self, result: FlowResult, what: str, seconds: float) -> None:
        if self.verbosity < 0:
            return
        line = f"[{result.device}] … waiting for {what} ({seconds:.0f}s)"
        with self._lock:
            if out.is_terminal:
                from rich.live import Live
                from rich.text import Text

                self._waits[result.key] = line
                if self._live is None:
                    self._live = Live(console=out, transient=True, auto_refresh=False)
                    self._live.start()
                self._live.update(Text("\n".join(self._waits.values()), style="dim"),
                                  refresh=True)
                return
            last = self._said.get(result.key)
            if last is None or seconds - last >= self.PLAIN_EVERY:
                self._said[result.key] = seconds
                out.print(line, markup=False, style="dim")

    def _done_waiting(self, result: FlowResult) -> None:
        self._said.pop(result.key, None)
        if self._waits.pop(result.key, None) is not None and not self._waits:
            self._live.stop()
            self._live = None

    def step(self, result: FlowResult, record: StepRecord) -> None:
        with self._lock:
            self._done_waiting(result)
        if self.verbosity < 0:
            return
        mark = STEP_MARK.get(str(record.status), "?")
        extra = f" — {record.message}" if record.message and record.status != "passed" else ""
        line = f"[{result.device}] {mark} {record.label} ({record.duration_ms} ms){extra}"
        with self._lock:
            out.print(line, markup=False, style="dim" if record.status == "skipped" else None)

    def finished(self, result: FlowResult) -> None:
        with self._lock:
            self._done_waiting(result)
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
    from rich.text import Text

    rows = []
    for r in run.results:
        s = r.setting
        outcome = str(r.outcome)
        note = r.note or (r.error.message.splitlines()[0] if r.error else "")  # whole: wraps
        rows.append((
            r.device, r.flow, Text(outcome, style=OUTCOME_STYLE.get(outcome, "")),
            s.id if s else "", f"{on_off(s.before)} → {on_off(s.after)}" if s else "", note,
        ))
    table(("device", "flow", "outcome", "setting", "before → after", "note"), rows,
          title=f"run {run.run_id} ({run.mode})")
    failures(run, run_dir)
    out.print(f"Reports: {run_dir / 'report.html'}  (also report.json, junit.xml)", markup=False)


def failures(run: RunRecord, run_dir: Path) -> None:
    """Each result that failed (or was blocked), explained as the pytest plugin explains
    it. A check's would_change is what a check is for: the table says it."""
    from mobile_optout.results.explain import describe_failure

    for r in run.results:
        if str(r.outcome) not in ("failed", "error", "blocked"):
            continue
        text = describe_failure(r, run_dir, report=run_dir / "report.html", screen_lines=12)
        out.print()
        out.print(text, markup=False, style=OUTCOME_STYLE.get(str(r.outcome)), soft_wrap=True)


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
