"""The ``scroll_until_visible`` step kind: scroll until the element shows. A miss after
the page's end is not_offered's evidence (``Run.seek`` keeps what it saw)."""

from __future__ import annotations

import time
from typing import Any

from mobile_optout.errors import Where
from mobile_optout.flow.model import ScrollUntilVisible, Step
from mobile_optout.flow.schema_parts import JSON, ref
from mobile_optout.located import RawMap, RawNode
from mobile_optout.results.record import StepRecord
from mobile_optout.steps.base import Compiling, Run, StepKind

DIRECTIONS = ("down", "up")
MAX_SCROLLS = 50


def build_scroll(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                 ) -> Step | None:
    if not (isinstance(node, RawMap) and "target" in node):
        target = c.locator(f, node, "scroll_until_visible target")
        if target is None:
            return None
        return ScrollUntilVisible(where=where, target=target, **common)
    m = c.payload_map(f, node, "scroll_until_visible",
                      ("target", "direction", "max_scrolls"), ("target",))
    if m is None:
        return None
    target_node = m.get("target")
    assert target_node is not None
    target = c.locator(f, target_node, "scroll_until_visible target")
    kw: dict[str, Any] = {}
    if (n := m.get("direction")) is not None:
        kw["direction"] = c.choice(f, n, "direction", DIRECTIONS)
    if (n := m.get("max_scrolls")) is not None:
        kw["max_scrolls"] = c.integer(f, n, "max_scrolls", 1, MAX_SCROLLS)
    if target is None or None in kw.values():
        return None
    return ScrollUntilVisible(where=where, target=target, **kw, **common)


def run_scroll(run: Run, step: ScrollUntilVisible, record: StepRecord) -> None:
    assert run.device is not None
    target = run.vars.locator(step.target)
    # The page may still be loading: give the target until the page has settled (nothing
    # loading, two looks a moment apart agree), at most 2 s, before the first scroll.
    device = run.device
    deadline = time.monotonic() + min(run.timeout_for(step), 2.0)
    previous = None
    while device.wait_for(target, 0.0) is None:
        screen = device.screen()
        if screen.source == previous and not screen.loading(run.flow.loading):
            break
        if time.monotonic() >= deadline:
            break
        previous = screen.source
        device.pause()
        device.changed()
    else:
        return
    if run.seek(step, target, step.direction, step.max_scrolls) is not None:
        return
    scan = run.scan
    ended = "" if scan is not None and scan.reached_end else f" ({step.max_scrolls} scrolls)"
    run.missing(step, f"{target} not found after scrolling {step.direction}{ended}")


_SCROLL: JSON = {
    "type": "object",
    "properties": {
        "target": ref("locator"),
        "direction": {"enum": list(DIRECTIONS), "description": "Which way to scroll (down)."},
        "max_scrolls": {"type": "integer", "minimum": 1, "maximum": MAX_SCROLLS,
                        "description": "Give up after this many scrolls (10)."},
    },
    "required": ["target"],
    "additionalProperties": False,
}

SCROLL = StepKind("scroll_until_visible", ScrollUntilVisible, build_scroll,
                  "Scroll until the element is visible.",
                  {"oneOf": [_SCROLL, ref("locator")]}, run_scroll)
