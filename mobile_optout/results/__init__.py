"""What a run produced and where it goes: records, the history store, reports, evidence.

A run folder ``<DIR>/<run_id>/`` holds report.json, junit.xml, report.html, debug.log and
``evidence/``; ``<DIR>/history.db`` holds every run (see ``store``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mobile_optout.results.record import RunRecord

DEFAULT_OUTPUT = Path("results")

__all__ = ["DEFAULT_OUTPUT", "finish_run"]


def finish_run(run: RunRecord, run_dir: Path) -> dict[str, Path]:
    """Write report.json, junit.xml and report.html for a finished (or killed) run.

    Each file is written to a temp file beside it and renamed, so none is ever half-written.
    """
    # Imported here: `--help` and `validate` import this package and need none of it.
    from mobile_optout.results.html import write_html
    from mobile_optout.results.junit import write_junit
    from mobile_optout.results.report_json import write_report_json

    run_dir.mkdir(parents=True, exist_ok=True)
    return {
        "json": write_report_json(run, run_dir),
        "junit": write_junit(run, run_dir),
        "html": write_html(run, run_dir),
    }
