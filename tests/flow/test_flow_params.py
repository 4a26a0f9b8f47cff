"""${NAME} values: --param over environment over default; secrets from the environment only."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobile_optout.errors import InputError
from mobile_optout.flow import Vars, load_flow

FLOW = """\
mobile-optout: flow
name: vars
platforms: android
app: {android: {package: a.b}}
params: {LOCALE: en, QUERY: privacy}
secrets: [PASSWORD, TOKEN]
steps:
  - type: {target: {id: q}, text: "${QUERY} ${PASSWORD}"}
"""


@pytest.fixture
def flow_path(tmp_path: Path) -> Path:
    path = tmp_path / "vars.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return path


def test_param_precedence_override_then_env_then_default(flow_path: Path) -> None:
    flow = load_flow(flow_path)
    env = {"LOCALE": "fr", "QUERY": "from-env"}
    assert Vars(flow, {}, {}).expand("${LOCALE}/${QUERY}") == "en/privacy"
    assert Vars(flow, {}, env).expand("${LOCALE}/${QUERY}") == "fr/from-env"
    assert Vars(flow, {"QUERY": "given"}, env).expand("${LOCALE}/${QUERY}") == "fr/given"


def test_secrets_come_from_the_environment_only(flow_path: Path) -> None:
    flow = load_flow(flow_path)
    values = Vars(flow, {}, {"PASSWORD": "hunter2"})
    assert values.expand("pw=${PASSWORD}") == "pw=hunter2"
    assert values.secret_values() == ["hunter2"]
    with pytest.raises(InputError, match="secret TOKEN of flow 'vars' is not set"):
        values.expand("${TOKEN}")
    with pytest.raises(InputError, match="PASSWORD is a secret"):
        Vars(flow, {"PASSWORD": "on-the-command-line"}, {})


def test_escape_and_unknown_names(flow_path: Path) -> None:
    values = Vars(load_flow(flow_path), {}, {})
    assert values.expand("cost: $${LOCALE} in ${LOCALE}") == "cost: ${LOCALE} in en"
    with pytest.raises(InputError, match="unknown variable"):
        values.expand("${NOPE}")


def test_undeclared_and_malformed_references_are_compile_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(FLOW.replace("${QUERY} ${PASSWORD}", "${QUERY} ${a b} ${NOPE}"),
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_flow(path)
    text = str(info.value)
    assert "bad variable reference '${a b}'" in text
    assert "undeclared variable ${NOPE}; declare it under params: or secrets:" in text
