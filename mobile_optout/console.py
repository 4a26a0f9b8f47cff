"""The one place that prints. Commands hand it text and tables; nothing else writes to stdout.

Logging (loguru) goes to stderr at the level the command line chose, and to the run's
debug log file; both pass through the redactor so that secrets never appear.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str = "", *, style: str | None = None) -> None:
    out.print(text, style=style, markup=False)


def warn(text: str) -> None:
    err.print(text, style="yellow", markup=False)


def error(text: str) -> None:
    err.print(text, style="red", markup=False)


def raw(text: str) -> None:
    """Machine-readable output (JSON, schema): no styling, no wrapping."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def table(columns: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "") -> None:
    t = Table(title=title or None, show_lines=False)
    for c in columns:
        t.add_column(c)
    for row in rows:
        t.add_row(*(str(c) for c in row))
    out.print(t)
