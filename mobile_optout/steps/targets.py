"""Step kinds aimed at one element: ``tap``, ``type``, ``wait_for``, ``assert_visible`` and
``assert_not_visible``. Finding the element (waiting, interrupts, blockers, if_missing)
is the runner's shared rule (``Run.find``)."""

from __future__ import annotations

from typing import Any

from mobile_optout.errors import StepFailed, Where
from mobile_optout.flow.model import AssertNotVisible, AssertVisible, Step, Tap, TypeText, WaitFor
from mobile_optout.flow.schema_parts import ref
from mobile_optout.located import RawNode
from mobile_optout.results.record import StepRecord
from mobile_optout.steps.base import Compiling, Run, StepKind, target_builder


def run_tap(run: Run, step: Tap, record: StepRecord) -> None:
    assert run.device is not None
    run.device.tap(run.find(step, step.target, tap=True))


def build_type(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
               ) -> Step | None:
    m = c.payload_map(f, node, "type", ("target", "text", "clear"), ("target", "text"))
    if m is None:
        return None
    target_node, text_node = m.get("target"), m.get("text")
    assert target_node is not None and text_node is not None
    target = c.locator(f, target_node, "type target")
    text = c.text(f, text_node, "type text", empty_ok=True)
    clear: bool | None = True
    if (n := m.get("clear")) is not None:
        clear = c.boolean(f, n, "clear")
    if target is None or text is None or clear is None:
        return None
    return TypeText(where=where, target=target, text=text, clear=clear, **common)


def run_type(run: Run, step: TypeText, record: StepRecord) -> None:
    assert run.device is not None
    target = run.find(step, step.target, tap=True)
    run.device.type_into(target, run.vars.expand(step.text), clear=step.clear)


def run_wait_for(run: Run, step: WaitFor | AssertVisible, record: StepRecord) -> None:
    run.find(step, step.target)
    run.anchor = run.vars.locator(step.target)  # the page's own: not_offered checks it


def run_assert_not_visible(run: Run, step: AssertNotVisible, record: StepRecord) -> None:
    assert run.device is not None
    if not run.device.wait_gone(step.target, run.timeout_for(step)):
        screen = run.device.screen()
        raise StepFailed(
            f"{step.where}: {step.target} is still on screen after {run.timeout_for(step):g}s",
            expected=f"no {step.target}", actual=screen.summary(), ui_tree=screen.source,
        )


TAP = StepKind("tap", Tap, target_builder(Tap), "Tap the element.", ref("locator"), run_tap)
TYPE = StepKind(
    "type", TypeText, build_type,
    "Type text into the element; text may use ${PARAM} and ${SECRET}.",
    {
        "type": "object",
        "properties": {
            "target": ref("locator"),
            "text": {"type": ["string", "number"], "description": "What to type."},
            "clear": {"type": "boolean", "description": "Clear the field first (true)."},
        },
        "required": ["target", "text"],
        "additionalProperties": False,
    },
    run_type,
)
WAIT_FOR = StepKind("wait_for", WaitFor, target_builder(WaitFor),
                    "Wait until the element is visible.", ref("locator"), run_wait_for)
ASSERT_VISIBLE = StepKind("assert_visible", AssertVisible, target_builder(AssertVisible),
                          "Fail unless the element is visible.", ref("locator"), run_wait_for)
ASSERT_NOT_VISIBLE = StepKind(
    "assert_not_visible", AssertNotVisible, target_builder(AssertNotVisible),
    "Fail unless the element is gone (waits for it to go).", ref("locator"),
    run_assert_not_visible,
)
