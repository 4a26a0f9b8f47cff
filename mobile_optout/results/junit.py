"""junit.xml: one run as a JUnit test suite for CI (Jenkins, GitLab, GitHub annotations).

One ``<testsuite name="mobile-optout">`` per run, one ``<testcase>`` per (device, flow)
with ``classname`` = device and ``name`` = flow.

- ``<failure>``: would_change, blocked, failed (the step, expected and actual in its body)
- ``<error>``: error, interrupted (and a result still running when the report was made)
- passed: changed, already_set, not_offered (the note in ``<system-out>``); not skipped:
  "not offered here" is an honest answer, not a test that did not run.
- ``<skipped>``: unsupported (the app has no switch to drive) and not_installed (the app
  is not on this phone): the flow did not run.

ElementTree escapes markup; characters XML 1.0 cannot hold at all are dropped first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from mobile_optout.results import record
from mobile_optout.results.evidence import write_atomic
from mobile_optout.results.record import (
    FAIL_OUTCOMES,
    NOT_RUN_OUTCOMES,
    UNFINISHED_OUTCOMES,
    FlowResult,
    Outcome,
    RunRecord,
)
from mobile_optout.values import on_off

JUNIT_XML = "junit.xml"
# From record's groups: a flow that did not reach its state is a <failure>; device errors
# and unfinished flows (interrupted, running) are <error>s.
FAILURE_OUTCOMES = FAIL_OUTCOMES - UNFINISHED_OUTCOMES
ERROR_OUTCOMES = record.ERROR_OUTCOMES | UNFINISHED_OUTCOMES

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: object) -> str:
    """The text without the characters XML 1.0 forbids (NUL, ESC, lone surrogates...)."""
    return _NOT_XML.sub("", str(text))


def _seconds(started: str, finished: str) -> float | None:
    try:
        delta = datetime.fromisoformat(finished) - datetime.fromisoformat(started)
    except (TypeError, ValueError):
        return None
    return max(delta.total_seconds(), 0.0)


def result_seconds(r: FlowResult) -> float:
    measured = _seconds(r.started_at, r.finished_at)
    return measured if measured is not None else sum(s.duration_ms for s in r.steps) / 1000


def _details(r: FlowResult) -> str:
    lines = [f"outcome: {r.outcome}"]
    if r.error is not None:
        e = r.error
        where = f" ({r.flow_path}:{e.line})" if e.line else ""
        lines += [f"error: {e.type}: {e.message}"]
        if e.step:
            lines.append(f"step: {e.step}{where}")
        if e.expected:
            lines.append(f"expected: {e.expected}")
        if e.actual:
            lines.append(f"actual: {e.actual}")
        if e.screen:
            lines.append(f"screen: {e.screen}")
    if r.setting is not None:
        s = r.setting
        lines.append(
            f"setting {s.id}: desired {on_off(s.desired)}, before {on_off(s.before)},"
            f" after {on_off(s.after)}"
        )
        if s.holding():
            lines.append(f"holding check: {s.holding()}")
    if r.note:
        lines.append(f"note: {r.note}")
    return "\n".join(lines)


def _message(r: FlowResult) -> str:
    if r.error is not None and r.error.message:
        return r.error.message
    if r.note:
        return r.note
    return {
        Outcome.WOULD_CHANGE: "the setting is not as desired (check mode changed nothing)",
        Outcome.INTERRUPTED: "the run was killed before this flow finished",
        Outcome.RUNNING: "the run was still going when this report was written",
    }.get(r.outcome, str(r.outcome))


def _steps_text(r: FlowResult) -> str:
    return "\n".join(
        f"[{s.status}] {s.label} ({s.duration_ms} ms)" + (f": {s.message}" if s.message else "")
        for s in r.steps
    )


def junit_tree(run: RunRecord) -> ET.Element:
    failures = sum(r.outcome in FAILURE_OUTCOMES for r in run.results)
    errors = sum(r.outcome in ERROR_OUTCOMES for r in run.results)
    total = _seconds(run.started_at, run.finished_at)
    if total is None:
        total = sum(result_seconds(r) for r in run.results)
    counts = {
        "tests": str(len(run.results)),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": str(sum(r.outcome in NOT_RUN_OUTCOMES for r in run.results)),
        "time": f"{total:.3f}",
    }
    root = ET.Element("testsuites", {"name": "mobile-optout", **counts})
    try:
        stamp = datetime.fromisoformat(run.started_at).strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError:
        stamp = ""
    suite = ET.SubElement(
        root, "testsuite",
        {"name": "mobile-optout", "id": "0", "timestamp": stamp, "hostname": "localhost",
         **counts},
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (("run_id", run.run_id), ("mode", run.mode),
                        ("tool_version", run.tool_version)):
        ET.SubElement(props, "property", {"name": name, "value": xml_safe(value)})
    for r in run.results:
        case = ET.SubElement(
            suite, "testcase",
            {"classname": xml_safe(r.device), "name": xml_safe(r.flow),
             "time": f"{result_seconds(r):.3f}"},
        )
        # The outcome itself and the flow's attempts, as report.json and history record them.
        facts = ET.SubElement(case, "properties")
        for name, value in (("outcome", str(r.outcome)), ("attempts", str(r.attempts))):
            ET.SubElement(facts, "property", {"name": name, "value": value})
        if r.outcome in FAILURE_OUTCOMES or r.outcome in ERROR_OUTCOMES:
            tag = "failure" if r.outcome in FAILURE_OUTCOMES else "error"
            kind = r.error.type if r.error is not None else str(r.outcome)
            el = ET.SubElement(case, tag, {"message": xml_safe(_message(r)),
                                           "type": xml_safe(kind)})
            el.text = xml_safe(_details(r))
        elif r.outcome in NOT_RUN_OUTCOMES:
            ET.SubElement(case, "skipped", {"message": xml_safe(f"{r.outcome}: {_message(r)}")})
        out = _steps_text(r)
        if r.outcome not in FAILURE_OUTCOMES and r.outcome not in ERROR_OUTCOMES:
            out = _details(r) + ("\n" + out if out else "")
        if out:
            ET.SubElement(case, "system-out").text = xml_safe(out)
    return root


def write_junit(run: RunRecord, run_dir: Path) -> Path:
    """Write ``run_dir/junit.xml`` atomically; its path."""
    root = junit_tree(run)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", xml_declaration=False)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
    return write_atomic(run_dir / JUNIT_XML, text)
