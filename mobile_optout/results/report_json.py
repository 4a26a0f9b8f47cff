"""report.json: the machine-readable record of one run (format: docs/report-format.md)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, TypeVar

from mobile_optout.errors import ReportFileError, Where
from mobile_optout.results.evidence import write_atomic
from mobile_optout.results.record import (
    ErrorInfo,
    FlowResult,
    Outcome,
    RunRecord,
    SettingObservation,
    StepRecord,
    StepStatus,
    exit_code_for,
)

REPORT_JSON = "report.json"
SCHEMA_VERSION = 1


def _result_dict(r: FlowResult) -> dict[str, Any]:
    files = list(dict.fromkeys(f for s in r.steps for f in s.evidence))
    if r.error and r.error.screen and r.error.screen not in files:
        files.append(r.error.screen)
    return {
        "device": r.device,
        "platform": r.platform,
        "flow": r.flow,
        "flow_path": r.flow_path,
        "outcome": str(r.outcome),
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "app_version": r.app_version,
        "device_info": r.device_info,
        "server": r.server,
        "attempts": r.attempts,
        "note": r.note,
        "setting": None if r.setting is None else {
            "id": r.setting.id,
            "desired": r.setting.desired,
            "before": r.setting.before,
            "after": r.setting.after,
        },
        "steps": [
            {
                "label": s.label,
                "kind": s.kind,
                "status": str(s.status),
                "duration_ms": s.duration_ms,
                "round_trips": s.round_trips,
                "file": s.file,
                "line": s.line,
                "message": s.message,
                "evidence": list(s.evidence),
            }
            for s in r.steps
        ],
        "error": None if r.error is None else {
            "type": r.error.type,
            "message": r.error.message,
            "step": r.error.step,
            "line": r.error.line,
            "file": r.error.file,
            "expected": r.error.expected,
            "actual": r.error.actual,
            "screen": r.error.screen,
        },
        "evidence": {"dir": r.evidence_dir, "files": files},
    }


def report_dict(run: RunRecord) -> dict[str, Any]:
    outcomes = [r.outcome for r in run.results]
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run.run_id,
        "mode": run.mode,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "tool_version": run.tool_version,
        "exit_code": exit_code_for(outcomes),
        "summary": dict(Counter(str(o) for o in outcomes)),
        "results": [_result_dict(r) for r in run.results],
    }


def write_report_json(run: RunRecord, run_dir: Path) -> Path:
    """Write ``run_dir/report.json`` atomically; its path."""
    text = json.dumps(report_dict(run), indent=2, ensure_ascii=False) + "\n"
    return write_atomic(run_dir / REPORT_JSON, text)


def read_report_json(path: Path) -> RunRecord:
    """A RunRecord back from a report.json this module wrote. Anything else (not JSON,
    another schema_version, a field of the wrong type) is a ``ReportFileError`` naming the
    file, the line (for JSON syntax) and the field."""
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
        raise ReportFileError(Where(str(path), 1), "nested too deeply to be a report") from None
    f = _Fields(path)
    top = f.obj(data, "the report")
    version = top.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ReportFileError(
            Where(str(path), 1),
            f"unknown schema_version {version!r}: this mobile-optout reads version "
            f"{SCHEMA_VERSION} (a newer mobile-optout wrote it?)")
    return RunRecord(
        run_id=f.text(top, "run_id"),
        mode=f.text(top, "mode"),
        started_at=f.text(top, "started_at"),
        finished_at=f.opt_str(top, "finished_at") or "",
        tool_version=f.text(top, "tool_version"),
        results=[_result_from(f, f.obj(r, f"results[{i}]"), f"results[{i}]")
                 for i, r in enumerate(f.seq(top, "results"))],
    )


class _Fields:
    """Typed reads out of parsed JSON; a wrong or missing field is a ReportFileError."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> ReportFileError:
        return ReportFileError(Where(str(self.path), 1), f"{where}: {message}")

    def obj(self, value: object, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, not {type(value).__name__}")
        return value

    def get(self, d: dict[str, Any], key: str, kinds: tuple[type, ...], what: str,
            where: str = "", *, default: object = ...) -> Any:
        if key not in d:
            if default is not ...:
                return default
            raise self.fail(f"{where}{key}", "missing")
        value = d[key]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.fail(f"{where}{key}", f"expected {what}, not {type(value).__name__}")
        return value

    def text(self, d: dict[str, Any], key: str, where: str = "", default: object = ...) -> str:
        return str(self.get(d, key, (str,), "a text", where, default=default))

    def opt_str(self, d: dict[str, Any], key: str, where: str = "") -> str | None:
        value = self.get(d, key, (str, type(None)), "a text or null", where)
        return None if value is None else str(value)

    def whole(self, d: dict[str, Any], key: str, where: str = "", default: object = ...) -> int:
        return int(self.get(d, key, (int,), "a whole number", where, default=default))

    def opt_bool(self, d: dict[str, Any], key: str, where: str) -> bool | None:
        value = self.get(d, key, (bool, type(None)), "true, false or null", where)
        return None if value is None else bool(value)

    def seq(self, d: dict[str, Any], key: str, where: str = "") -> list[Any]:
        return list(self.get(d, key, (list,), "a list", where))

    def choice(self, d: dict[str, Any], key: str, kind: type[E], where: str) -> E:
        value = self.text(d, key, where)
        try:
            return kind(value)
        except ValueError:
            known = ", ".join(str(k.value) for k in kind)
            raise self.fail(f"{where}{key}", f"{value!r} is not one of {known}") from None


E = TypeVar("E", Outcome, StepStatus)


def _result_from(f: _Fields, d: dict[str, Any], at: str) -> FlowResult:
    w = at + "."
    s = f.get(d, "setting", (dict, type(None)), "an object or null", w)
    e = f.get(d, "error", (dict, type(None)), "an object or null", w)
    evidence = f.obj(d.get("evidence", {}), f"{w}evidence")
    return FlowResult(
        device=f.text(d, "device", w),
        platform=f.text(d, "platform", w),
        flow=f.text(d, "flow", w),
        flow_path=f.text(d, "flow_path", w),
        outcome=f.choice(d, "outcome", Outcome, w),
        started_at=f.text(d, "started_at", w),
        finished_at=f.text(d, "finished_at", w, ""),
        app_version=f.text(d, "app_version", w, ""),
        device_info=f.text(d, "device_info", w, ""),
        server=f.text(d, "server", w, ""),
        attempts=f.whole(d, "attempts", w, 0),
        note=f.text(d, "note", w, ""),
        setting=None if s is None else SettingObservation(
            id=f.text(s, "id", f"{w}setting."),
            desired=bool(f.get(s, "desired", (bool,), "true or false", f"{w}setting.")),
            before=f.opt_bool(s, "before", f"{w}setting."),
            after=f.opt_bool(s, "after", f"{w}setting."),
        ),
        steps=[_step_from(f, f.obj(step, f"{w}steps[{i}]"), f"{w}steps[{i}].")
               for i, step in enumerate(f.seq(d, "steps", w))],
        error=None if e is None else ErrorInfo(
            **{k: f.text(e, k, f"{w}error.", "") for k in ("type", "message", "step", "file",
                                                       "expected", "actual", "screen")},
            line=f.whole(e, "line", f"{w}error.", 0),
        ),
        evidence_dir=f.text(evidence, "dir", f"{w}evidence.", ""),
    )


def _step_from(f: _Fields, d: dict[str, Any], w: str) -> StepRecord:
    evidence = f.seq(d, "evidence", w) if "evidence" in d else []
    return StepRecord(
        label=f.text(d, "label", w),
        kind=f.text(d, "kind", w),
        status=f.choice(d, "status", StepStatus, w),
        duration_ms=f.whole(d, "duration_ms", w, 0),
        round_trips=f.whole(d, "round_trips", w, 0),
        line=f.whole(d, "line", w, 0),
        file=f.text(d, "file", w, ""),
        message=f.text(d, "message", w, ""),
        evidence=[str(x) for x in evidence if isinstance(x, str)],
    )
