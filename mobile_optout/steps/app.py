"""Step kinds that move the app itself: ``launch`` (start it, optionally by a deep link)
and ``back`` (the system's, the navigation bar's or the browser's back)."""

from __future__ import annotations

from typing import Any

from mobile_optout.errors import Where
from mobile_optout.flow.model import Back, Launch, Step
from mobile_optout.flow.schema_parts import string
from mobile_optout.located import RawMap, RawNode, RawScalar, describe
from mobile_optout.results.record import StepRecord
from mobile_optout.steps.base import Compiling, Run, StepKind


def build_launch(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                 ) -> Step | None:
    if isinstance(node, RawScalar) and node.value is None:
        return Launch(where=where, **common)
    m = c.payload_map(f, node, "launch", ("restart", "deep_link"), ())
    if m is None:
        return None
    kw: dict[str, Any] = {}
    if (n := m.get("restart")) is not None:
        kw["restart"] = c.boolean(f, n, "restart")
    if (n := m.get("deep_link")) is not None:
        kw["deep_link"] = c.text(f, n, "deep_link")
    if None in kw.values():
        return None
    return Launch(where=where, **common, **kw)


def run_launch(run: Run, step: Launch, record: StepRecord) -> None:
    assert run.device is not None
    link = run.vars.expand(step.deep_link) if step.deep_link else None
    run.device.launch(run.app, restart=step.restart, deep_link=link)


LAUNCH = StepKind(
    "launch", Launch, build_launch,
    "Start the app (stopping it first), optionally through a deep link.",
    {"oneOf": [{"type": "null"}, {
        "type": "object",
        "properties": {
            "restart": {"type": "boolean", "description": "Stop the app first (true)."},
            "deep_link": string("Open this URL instead of the launcher."),
        },
        "additionalProperties": False,
    }]},
    run_launch, bare=True,
)


def build_back(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
               ) -> Step | None:
    if (isinstance(node, RawScalar) and node.value is None) or (
            isinstance(node, RawMap) and not node.items):
        return Back(where=where, **common)
    c.err(f, node.where, f"back takes no value, not {describe(node)}")
    return None


def run_back(run: Run, step: Back, record: StepRecord) -> None:
    assert run.device is not None
    run.device.back()


BACK = StepKind(
    "back", Back, build_back,
    "System back (Android), the navigation bar's back button (iOS), or the browser's back "
    "(web).",
    {"oneOf": [{"type": "null"}, {"type": "object", "maxProperties": 0}]},
    run_back, bare=True,
)
