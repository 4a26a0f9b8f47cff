"""libyaml's parser (used when PyYAML has it) builds the same nodes, at the same lines and
columns, as the pure-Python one that the error messages are written for: every flow, part,
devices file and app file in the project reads the same either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mobile_optout.located.nodes import _Loader  # the slow parser the fast one stands for

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p for pattern in ("flows/**/*.yaml", "tests/data/**/*.yaml", "mobile_optout/sim/apps/*.yaml",
                      "devices.yaml")
    for p in ROOT.glob(pattern)
)


def shape(node: Any) -> Any:
    where = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.MappingNode):
        return (node.tag, where, [(shape(k), shape(v)) for k, v in node.value])
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, where, [shape(v) for v in node.value])
    return (node.tag, where, node.value, node.style or None)  # libyaml says "" for plain


def compose(loader_cls: Any, text: str) -> Any:
    loader = loader_cls(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__)
    finally:
        loader.dispose()


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_parsers_build_the_same_nodes(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    fast, slow = compose(yaml.CSafeLoader, text), compose(_Loader, text)
    if isinstance(slow, tuple) and slow[0] == "error":
        return  # a broken file: the slow parser alone speaks (the fast one is only tried)
    assert fast is not None and slow is not None
    assert shape(fast) == shape(slow)
