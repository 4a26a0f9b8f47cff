"""Step kinds: each kind's model, builder, JSON Schema fragment and handler, kept together
(``steps/base.py`` says what a kind is), and registered in ONE table, ``REGISTRY``.

The compiler (``flow/compile.py``), the schema (``flow/schema.py``) and the runner reach
a kind only through this table. A new kind is a module here (its dataclass, a
``flow.model.Step`` subclass with ``KIND``, can live in that module) and one line below;
``tests/flow/test_step_kinds.py`` proves every kind complete, and runs a throw-away kind.
"""

from __future__ import annotations

from mobile_optout.flow.model import Step
from mobile_optout.steps import app, ensure, group, marks, routes, scroll, targets
from mobile_optout.steps.base import StepKind

KINDS: tuple[StepKind, ...] = (
    app.LAUNCH, targets.TAP, targets.TYPE, targets.WAIT_FOR, targets.ASSERT_VISIBLE,
    targets.ASSERT_NOT_VISIBLE, scroll.SCROLL, app.BACK, marks.SCREENSHOT, group.DO,
    marks.CHECKPOINT, marks.STOP, ensure.ENSURE, marks.CONTEXT, group.INCLUDE, routes.ROUTES,
)

# YAML key -> kind: the one table.
REGISTRY: dict[str, StepKind] = {k.key: k for k in KINDS}


def register(kind: StepKind) -> StepKind:
    """Add a kind to the table (a plugin's or a test's own kind); its key must be new."""
    if kind.key in REGISTRY:
        raise ValueError(f"step kind {kind.key!r} is already registered")
    REGISTRY[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    """Remove a kind added with ``register``."""
    REGISTRY.pop(key, None)


def kind_of(step: Step) -> StepKind:
    """The kind a compiled step belongs to (by its model's ``KIND``)."""
    return REGISTRY[step.KIND]
