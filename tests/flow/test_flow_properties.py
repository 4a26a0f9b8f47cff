"""Whatever text a flow file holds, loading it fails only with the tool's input errors."""

from __future__ import annotations

import contextlib
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobile_optout.errors import InputError, InputErrors, LocatedError
from mobile_optout.flow import load_flow
from mobile_optout.flow.compile import COMMON_STEP_KEYS, FLOW_KEYS
from mobile_optout.flow.terms import LOCATOR_KEYS
from mobile_optout.located import RawMap, RawSeq, Source, parse
from mobile_optout.steps import REGISTRY as STEP_KINDS

DATA = Path(__file__).resolve().parents[1] / "data"
VALID = {p.name: p.read_text(encoding="utf-8") for p in (DATA / "flows_valid").glob("*.yaml")}
PARTS = DATA / "flows_valid" / "parts"

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def load_text(text: str | bytes) -> None:
    """Write ``text`` as a flow file next to a copy of the parts, and load it."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "parts").mkdir()
        for part in PARTS.iterdir():
            (root / "parts" / part.name).write_bytes(part.read_bytes())
        path = root / "flow.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        with contextlib.suppress(InputError):
            load_flow(path)


yaml_pieces = st.sampled_from(
    [*"abc:-[]{}#&*!|>'\"%@`,? \n\t$01.", "  ", "\n  ", "- ", ": ", "${", "tap"])
yaml_text = st.lists(yaml_pieces, max_size=80).map("".join)
words = st.sampled_from([*FLOW_KEYS, *STEP_KINDS, *COMMON_STEP_KEYS, *LOCATOR_KEYS, "x",
                         "${A}", "$${A}", "android", "ios", "on", "off", "0", "-1", ""])
scalars = st.one_of(words, st.integers(), st.floats(allow_nan=False), st.booleans(),
                    st.none(), st.text(max_size=8))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(words, children, max_size=5)),
    max_leaves=25,
)


@SETTINGS
@given(yaml_text)
def test_yaml_like_text_only_raises_input_errors(text: str) -> None:
    load_text(text)


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes_only_raise_input_errors(data: bytes) -> None:
    load_text(data)


@SETTINGS
@given(documents)
def test_random_documents_with_flow_words_only_raise_input_errors(doc: object) -> None:
    load_text(yaml.safe_dump(doc, allow_unicode=True))


@SETTINGS
@given(st.sampled_from(sorted(VALID)), st.data())
def test_mutated_valid_flows_only_raise_input_errors(name: str, data: st.DataObject) -> None:
    text = VALID[name]
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 20))
    insert = data.draw(st.lists(yaml_pieces, max_size=4).map("".join))
    load_text(text[:at] + insert + text[at + cut:])


def _keys(node: object) -> list[tuple[int, int, str]]:
    """(line, col, key) of every mapping key in a raw document."""
    out: list[tuple[int, int, str]] = []
    if isinstance(node, RawMap):
        for key, value in node.items:
            out.append((key.where.line, key.where.col, str(key.value)))
            out.extend(_keys(value))
    elif isinstance(node, RawSeq):
        for item in node.items:
            out.extend(_keys(item))
    return out


def _errors(text: str) -> list[LocatedError]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "parts").mkdir()
        for part in PARTS.iterdir():
            (root / "parts" / part.name).write_bytes(part.read_bytes())
        path = root / "flow.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_flow(path)
        except InputErrors as exc:
            errors = list(exc.errors)
        except LocatedError as exc:
            errors = [exc]
        else:
            return []
        # every error points at a real line of the file it names
        for error in errors:
            named = Path(error.where.path)
            target = named if named.is_absolute() else Path.cwd() / named
            lines = target.read_text(encoding="utf-8").count("\n") + 1
            assert 1 <= error.where.line <= lines, error.render()
        return errors


@SETTINGS
@given(st.sampled_from(sorted(VALID)), st.data())
def test_renaming_any_key_of_a_valid_flow_is_an_error_at_a_line(
    name: str, data: st.DataObject
) -> None:
    text = VALID[name]
    keys = _keys(parse(Source(name, text)))
    line, col, key = data.draw(st.sampled_from(keys))
    lines = text.split("\n")
    row = lines[line - 1]
    start = col - 1
    assert re.match(re.escape(key), row[start:]), (row, key)
    lines[line - 1] = row[:start] + key + "zz" + row[start + len(key):]
    assert _errors("\n".join(lines)), f"renaming {key!r} at line {line} went unnoticed"


@SETTINGS
@given(st.sampled_from(sorted(VALID)), st.data())
def test_deleting_a_line_of_a_valid_flow_errs_only_at_lines_in_the_file(
    name: str, data: st.DataObject
) -> None:
    lines = VALID[name].split("\n")
    drop = data.draw(st.integers(0, len(lines) - 1))
    _errors("\n".join(lines[:drop] + lines[drop + 1:]))
