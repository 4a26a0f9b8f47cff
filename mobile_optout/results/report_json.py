"""report.json: the machine-readable record of one run (format: docs/report-format.md)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

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
        "app": r.app,
        "outcome": str(r.outcome),
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "app_version": r.app_version,
        "device_info": r.device_info,
        "server": r.server,
        "server_version": r.server_version,
        "automation": r.automation,
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
            "closest": list(r.error.closest),
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
        results=[_result_from(r) for r in data["results"]],
    )


def _result_from(d: dict[str, Any]) -> FlowResult:
    s, e = d["setting"], d["error"]
    return FlowResult(
        device=d["device"],
        platform=d["platform"],
        flow=d["flow"],
        flow_path=d["flow_path"],
        app=d.get("app", ""),
        outcome=Outcome(d["outcome"]),
        started_at=d["started_at"],
        finished_at=d["finished_at"],
        app_version=d["app_version"],
        device_info=d.get("device_info", ""),
        server=d["server"],
        server_version=d.get("server_version", ""),
        automation=d.get("automation", ""),
        attempts=d["attempts"],
        note=d["note"],
        setting=None if s is None else SettingObservation(**s),
        steps=[
            StepRecord(**(step | {"status": StepStatus(step["status"])})) for step in d["steps"]
        ],
        error=None if e is None else ErrorInfo(**e),
        evidence_dir=d["evidence"]["dir"],
    )
