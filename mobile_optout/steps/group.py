"""Step kinds that hold other steps: ``do`` (a group under one label or condition) and
``include`` (another file's steps, which compiles to the same ``Group``, with its
``source``). Reading the included file (cycles, params, the include limit) is the
compiler's file handling (``Compiler.include``); running a group runs its steps in place."""

from __future__ import annotations

from typing import Any

from mobile_optout.errors import Where
from mobile_optout.flow.model import Group, Step
from mobile_optout.flow.schema_parts import ref, string
from mobile_optout.located import RawNode
from mobile_optout.results.record import StepRecord
from mobile_optout.steps.base import Compiling, Run, StepKind


def build_group(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                ) -> Step | None:
    steps = c.steps(f, node, "do")
    return Group(where=where, steps=steps, **common) if steps else None


def build_include(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                  ) -> Step | None:
    return c.include(f, node, where, common)


def run_group(run: Run, step: Group, record: StepRecord) -> None:
    run.walk(step.steps)


DO = StepKind("do", Group, build_group, "A group of steps under one label or condition.",
              ref("steps"), run_group, container=True)
INCLUDE = StepKind(
    "include", Group, build_include,
    "Run the steps of another file (a part), path relative to this file.",
    {"oneOf": [{"type": "string", "minLength": 1}, {
        "type": "object",
        "properties": {
            "path": string("The file, relative to this one."),
            "params": {"type": "object", "description": "Values for the part's params.",
                       "additionalProperties": {"type": ["string", "number", "boolean"]}},
        },
        "required": ["path"],
        "additionalProperties": False,
    }]},
    run_group, container=True,
)
