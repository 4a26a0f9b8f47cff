"""A step kind lives in one place: its model, builder, schema fragment and handler, in one
module of mobile_optout.steps, registered in one table. Proven two ways: every shipped kind
has all four, and a throw-away kind written here (and registered with one call) compiles,
appears in the JSON Schema and runs on the simulated phone."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from e2e.e2e_helpers import linkedin_flow, run_one, write_flow

from mobile_optout.errors import FlowError, Where
from mobile_optout.flow import flow_json_schema, load_flow, model
from mobile_optout.flow.model import Locator, Platform, Step
from mobile_optout.located import RawNode
from mobile_optout.results.record import Outcome, StepRecord
from mobile_optout.sim import SimPhone
from mobile_optout.steps import REGISTRY, register, unregister
from mobile_optout.steps.base import Compiling, Run, StepKind


def schema_kinds() -> set[str]:
    variants = flow_json_schema()["$defs"]["step"]["oneOf"]
    return {k for v in variants[1:] for k in v["required"]}


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_every_kind_has_its_model_builder_schema_and_handler(key: str) -> None:
    kind = REGISTRY[key]
    assert issubclass(kind.model, Step)
    assert kind.key == kind.model.KIND or (key == "include" and kind.model is model.Group)
    assert callable(kind.build)
    assert callable(kind.handle)
    assert kind.description.strip()
    assert isinstance(kind.schema, dict) and kind.schema
    assert key in schema_kinds()


def test_every_step_dataclass_of_the_model_is_a_registered_kind() -> None:
    models = {cls for cls in vars(model).values()
              if isinstance(cls, type) and issubclass(cls, Step) and cls is not Step}
    registered = {k.model for k in REGISTRY.values()}
    assert models <= registered  # the others live beside their kind (flow/routes.py)
    assert all(issubclass(m, Step) for m in registered)


# ------------------------------------------------------------- a throw-away kind, in one place


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ReadAloud(Step):
    """Wait for an element and note its first text in the report."""

    KIND: ClassVar[str] = "read_aloud"
    target: Locator


def build_read_aloud(c: Compiling, f: Any, node: RawNode, where: Where,
                     common: dict[str, Any]) -> Step | None:
    target = c.locator(f, node, "read_aloud target")
    return ReadAloud(where=where, target=target, **common) if target else None


def run_read_aloud(run: Run, step: ReadAloud, record: StepRecord) -> None:
    found = run.find(step, step.target)
    record.message = f"found {found.description}"


READ_ALOUD = StepKind("read_aloud", ReadAloud, build_read_aloud,
                      "Note what an element says.", {"$ref": "#/$defs/locator"}, run_read_aloud)

FLOW = linkedin_flow("reads-aloud", """\
steps:
  - launch
  - read_aloud: {id: search_bar_text}
    label: what the search box says
""")


@pytest.fixture
def read_aloud() -> Iterator[StepKind]:
    register(READ_ALOUD)
    try:
        yield READ_ALOUD
    finally:
        unregister(READ_ALOUD.key)


def test_an_unregistered_kind_is_an_unknown_step(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, FLOW)
    with pytest.raises(FlowError, match="unknown step 'read_aloud'"):
        load_flow(flow)


def test_a_new_kind_registered_in_one_place_compiles_and_runs_on_the_phone(
        tmp_path: Path, read_aloud: StepKind) -> None:
    assert "read_aloud" in schema_kinds()
    flow = write_flow(tmp_path, FLOW)
    compiled = load_flow(flow)
    assert isinstance(compiled.steps[1], ReadAloud)

    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "out")

    assert result.outcome is Outcome.PASSED, result.error
    step = result.steps[-1]
    assert (step.kind, step.label) == ("read_aloud", "what the search box says")
    assert step.message.startswith("found ") and "search_bar_text" in step.message
