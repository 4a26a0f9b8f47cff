"""The JSON Schema (for editors) and the compiler (the authority) say the same about the
format: every key set, name pattern and choice the compiler checks appears in the schema
exactly. The schema keeps only its prose by hand; a constant that drifts fails here."""

from __future__ import annotations

from typing import Any

import pytest

from mobile_optout.flow import compile as c
from mobile_optout.flow import flow_json_schema, terms
from mobile_optout.flow.model import IfMissing, Platform
from mobile_optout.flow.params import VAR_NAME
from mobile_optout.steps import ensure, marks
from mobile_optout.steps.base import SHORT_NAME

SCHEMA = flow_json_schema()
DEFS = SCHEMA["$defs"]
FLOW, PART = SCHEMA["oneOf"]


def step_variant(kind: str) -> dict[str, Any]:
    found: dict[str, Any] = next(v for v in DEFS["step"]["oneOf"][1:] if v["required"] == [kind])
    return found


def pattern(regex: Any) -> str:
    return "^" + str(regex.pattern).removesuffix(r"\Z") + "$"


@pytest.mark.parametrize(("schema_keys", "compiler_keys"), [
    (FLOW["properties"], c.FLOW_KEYS),
    (PART["properties"], c.PART_KEYS),
    (DEFS["locator"]["oneOf"][1]["properties"], terms.LOCATOR_KEYS),
    (DEFS["condition"]["properties"], terms.CONDITION_KEYS),
    (DEFS["textMatch"]["properties"], (*terms.TEXT_MODES, "case_sensitive")),
    (FLOW["properties"]["app"]["properties"], c.APP_KEYS),
    (FLOW["properties"]["app"]["properties"]["android"]["properties"], c.APP_KEYS["android"]),
    (FLOW["properties"]["app"]["properties"]["ios"]["properties"], c.APP_KEYS["ios"]),
    ({k for k in step_variant("tap")["properties"] if k != "tap"}, c.COMMON_STEP_KEYS),
    (step_variant("ensure_setting")["properties"]["ensure_setting"]["properties"],
     ensure.ENSURE_KEYS),
    (FLOW["properties"]["catalogue"]["properties"], c.CATALOGUE_KEYS),
    (FLOW["properties"]["unsupported"]["properties"], ("reason", "page")),
    (FLOW["properties"]["identity"]["oneOf"][2]["properties"], ("none",)),
], ids=["flow", "part", "locator", "condition", "text", "app", "android", "ios", "step",
        "ensure_setting", "catalogue", "unsupported", "identity_none"])
def test_every_key_set_agrees(schema_keys: Any, compiler_keys: Any) -> None:
    assert set(schema_keys) == set(compiler_keys)


def test_every_choice_and_pattern_agrees() -> None:
    assert step_variant("tap")["properties"]["if_missing"]["enum"] == [
        i.value for i in IfMissing]
    assert set(step_variant("stop")["properties"]["stop"]["properties"]["outcome"]["enum"]) == (
        set(marks.STOP_OUTCOMES))
    assert set(DEFS["step"]["oneOf"][0]["enum"]) == set(c.NO_PAYLOAD_KINDS)
    assert FLOW["properties"]["name"]["pattern"] == pattern(c.FLOW_NAME)
    assert FLOW["properties"]["tags"]["items"]["pattern"] == pattern(c.TAG_NAME)
    assert FLOW["properties"]["platforms"]["oneOf"][0]["enum"] == [p.value for p in Platform]
    assert step_variant("screenshot")["properties"]["screenshot"]["pattern"] == pattern(
        SHORT_NAME)
    assert FLOW["properties"]["params"]["propertyNames"]["pattern"] == pattern(VAR_NAME)
    desired = FLOW["properties"]["settings"]["additionalProperties"]["properties"]["desired"]
    assert set(desired["anyOf"][1]["enum"]) == set(terms.BOOL_WORDS)
    confidence = FLOW["properties"]["catalogue"]["properties"]["confidence"]
    assert confidence["enum"] == list(c.CONFIDENCES)
