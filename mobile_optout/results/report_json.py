"""report.json: the machine-readable record of one run (format: docs/report-format.md)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from mobile_optout.results.evidence import write_atomic
from mobile_optout.results.record import (
    RunRecord,
    result_dict,
    result_from_dict,
    run_verdict,
)

REPORT_JSON = "report.json"
SCHEMA_VERSION = 1


def report_dict(run: RunRecord) -> dict[str, Any]:
    outcomes = [r.outcome for r in run.results]
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run.run_id,
        "mode": run.mode,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "tool_version": run.tool_version,
        "exit_code": run_verdict(run),
        "summary": dict(Counter(str(o) for o in outcomes)),
        "results": [result_dict(r) for r in run.results],
    }


def write_report_json(run: RunRecord, run_dir: Path) -> Path:
    """Write ``run_dir/report.json`` atomically; its path."""
    text = json.dumps(report_dict(run), indent=2, ensure_ascii=False) + "\n"
    return write_atomic(run_dir / REPORT_JSON, text)


def read_report_json(path: Path) -> RunRecord:
    """A RunRecord back from a report.json this module wrote."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"{path}: unknown schema_version {data.get('schema_version')!r}")
    return RunRecord(
        run_id=data["run_id"],
        mode=data["mode"],
        started_at=data["started_at"],
        finished_at=data["finished_at"],
        tool_version=data["tool_version"],
        results=[result_from_dict(r) for r in data["results"]],
    )
