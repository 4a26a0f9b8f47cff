"""report.json: the machine-readable record of one run (format: docs/report-format.md)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections import Counter
from pathlib import Path
from typing import Any

from mobile_optout.errors import ReportFileError, Where
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
        **({"sim_state": run.sim_state} if run.sim_state else {}),
        "results": [result_dict(r) for r in run.results],
    }


def write_report_json(run: RunRecord, run_dir: Path) -> Path:
    """Write ``run_dir/report.json`` atomically; its path."""
    text = json.dumps(report_dict(run), indent=2, ensure_ascii=False) + "\n"
    return write_atomic(run_dir / REPORT_JSON, text)


def read_report_json(path: Path) -> RunRecord:
    """A RunRecord back from a report.json this module wrote. Anything else (not JSON,
    another schema_version, a field missing or of the wrong type) is a ``ReportFileError``
    naming the file, the line (of a JSON syntax error) and the field."""
    where = Where(str(path), 1)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ReportFileError(Where(str(path), line), "not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportFileError(Where(str(path), exc.lineno, exc.colno),
                              f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ReportFileError(where, "nested too deeply to be a report") from None
    if not isinstance(data, dict):
        raise ReportFileError(where, f"not a report: a JSON {type(data).__name__}, "
                              "not an object")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ReportFileError(
            where, f"unknown schema_version {version!r}: this mobile-optout reads version "
            f"{SCHEMA_VERSION} (written by a newer mobile-optout?)")
    field = "results"
    try:
        results = []
        for i, item in enumerate(data["results"]):
            field = f"results[{i}]"
            results.append(result_from_dict(item))
        field = "the report"
        run = RunRecord(
            run_id=data["run_id"], mode=data["mode"], started_at=data["started_at"],
            finished_at=data["finished_at"] or "", tool_version=data["tool_version"],
            results=results,
        )
    except KeyError as exc:
        raise ReportFileError(where, f"{field}: missing {exc}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ReportFileError(where, f"{field}: {exc}") from None
    if (problem := wrong_type(run, "report")) is not None:
        raise ReportFileError(where, problem)
    return run


def wrong_type(value: object, at: str, hint: object = None) -> str | None:
    """Where a record built from plain data holds a value of the wrong type (the first
    such place), or None: the dataclasses' own annotations are the schema."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hints = typing.get_type_hints(type(value))
        for f in dataclasses.fields(value):
            if (problem := wrong_type(getattr(value, f.name), f"{at}.{f.name}",
                                      hints[f.name])) is not None:
                return problem
        return None
    if hint is None:
        return None
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        origin = typing.get_origin(option) or option
        if option is type(None) and value is None:
            return None
        if origin is list and isinstance(value, list):
            (item,) = typing.get_args(option) or (None,)
            return next((p for n, v in enumerate(value)
                         if (p := wrong_type(v, f"{at}[{n}]", item)) is not None), None)
        if isinstance(origin, type) and isinstance(value, origin) and not (
                isinstance(value, bool) and origin is int):
            return wrong_type(value, at) if dataclasses.is_dataclass(value) else None
    return f"{at}: {type(value).__name__} {str(value)[:40]!r} is not a {hint}"
