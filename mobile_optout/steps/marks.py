"""Step kinds that mark or steer the flow rather than touch the app: ``screenshot``
(evidence), ``checkpoint`` (where a lost session resumes), ``stop`` (end with an outcome,
under ``when:``) and ``context`` (into an app's web view and back)."""

from __future__ import annotations

from typing import Any

from mobile_optout.errors import FlowEnded, Where
from mobile_optout.flow.model import Checkpoint, IfMissing, Screenshot, Step, Stop, SwitchContext
from mobile_optout.flow.schema_parts import string
from mobile_optout.located import RawNode
from mobile_optout.results.record import StepRecord
from mobile_optout.steps.base import SHORT_NAME, Compiling, Run, StepKind

STOP_OUTCOMES = (IfMissing.BLOCKED.value, IfMissing.NOT_OFFERED.value)
CONTEXTS = ("native", "webview")
CONTEXT_PREFIXES = ("NATIVE_APP", "WEBVIEW", "CHROMIUM")


def build_screenshot(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                     ) -> Step | None:
    name = c.name(f, node, "screenshot name", SHORT_NAME)
    return Screenshot(where=where, name=name, **common) if name else None


def run_screenshot(run: Run, step: Screenshot, record: StepRecord) -> None:
    run.screenshot(step.name, record)


def build_checkpoint(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                     ) -> Step | None:
    name = c.name(f, node, "checkpoint name", SHORT_NAME)
    return Checkpoint(where=where, name=name, **common) if name else None


def run_checkpoint(run: Run, step: Checkpoint, record: StepRecord) -> None:
    record.message = "resume point after a lost session"


def build_stop(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
               ) -> Step | None:
    m = c.payload_map(f, node, "stop", ("outcome", "reason"), ("outcome",))
    if m is None:
        return None
    outcome_node = m.get("outcome")
    assert outcome_node is not None
    outcome = c.choice(f, outcome_node, "outcome", STOP_OUTCOMES)
    reason: str | None = ""
    if (n := m.get("reason")) is not None:
        reason = c.text(f, n, "reason", empty_ok=True, expands=False)
    if outcome is None or reason is None:
        return None
    return Stop(where=where, outcome=IfMissing(outcome), reason=reason, **common)


def run_stop(run: Run, step: Stop, record: StepRecord) -> None:
    raise FlowEnded(step.outcome.value, step.reason or step.describe())


def build_context(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                  ) -> Step | None:
    name = c.text(f, node, "context", expands=False)
    if name is None:
        return None
    if name not in CONTEXTS and not name.startswith(CONTEXT_PREFIXES):
        c.err(f, node.where, f"context must be native, webview or a context name "
              f"(WEBVIEW_..., NATIVE_APP), not '{name}'")
        return None
    return SwitchContext(where=where, name=name, **common)


def run_context(run: Run, step: SwitchContext, record: StepRecord) -> None:
    assert run.device is not None
    record.message = run.device.switch_context(step.name, run.timeout_for(step))


_SHORT = {"type": "string", "pattern": "^[a-z0-9_-]+$"}

SCREENSHOT = StepKind("screenshot", Screenshot, build_screenshot,
                      "Save a screenshot as evidence under this name.", _SHORT, run_screenshot)
CHECKPOINT = StepKind("checkpoint", Checkpoint, build_checkpoint,
                      "After a lost session, the run resumes from the last checkpoint.",
                      _SHORT, run_checkpoint)
STOP = StepKind(
    "stop", Stop, build_stop, "End the flow with an outcome (use with when:).",
    {
        "type": "object",
        "properties": {
            "outcome": {"enum": list(STOP_OUTCOMES)},
            "reason": string("Why, for the report."),
        },
        "required": ["outcome"],
        "additionalProperties": False,
    },
    run_stop,
)
CONTEXT = StepKind(
    "context", SwitchContext, build_context,
    "Move into the app's web view (webview) or back to its own screens (native); or a "
    "context name as Appium lists it (WEBVIEW_...).",
    {"type": "string",
     "anyOf": [{"enum": list(CONTEXTS)}, {"pattern": "^(NATIVE_APP|WEBVIEW|CHROMIUM)"}]},
    run_context,
)
