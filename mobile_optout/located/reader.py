"""The shared half of every reader of a located YAML file (flows and parts, devices files,
the simulator's app files): gather problems as ``path:line:col`` errors, check a node's
shape and keys with one did-you-mean, raise them all at once.

A reader subclasses ``Reader`` and sets ``error_cls``; each method takes first the file the
node came from (a ``Source``, or anything with a ``.source``: a flow and its included parts
are several files read by one reader).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from mobile_optout.errors import FlowError, InputErrors, LocatedError, Where, did_you_mean
from mobile_optout.located.nodes import RawMap, RawNode, Source, describe

YAML_SUFFIXES = (".yaml", ".yml")


class InFile(Protocol):
    """What a node was read from: a Source, or a file being read that holds one."""

    @property
    def source(self) -> Source: ...


def raise_all(errors: Sequence[LocatedError],
              order: Callable[[LocatedError], tuple[int, ...]] | None = None) -> None:
    """Nothing when there is no error; the error itself when one; else all (InputErrors)."""
    if not errors:
        return
    ordered = sorted(errors, key=order) if order is not None else list(errors)
    if len(ordered) == 1:
        raise ordered[0]
    raise InputErrors(ordered)


def builtin_flows_root() -> Path:
    """Where the built-in flows are: inside the installed package (a wheel), or, in a
    source checkout (an editable install), the repository's flows/ folder."""
    package = Path(__file__).resolve().parents[1]
    inside = package / "flows"
    return inside if inside.is_dir() else package.parent / "flows"


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the current folder when inside it, else
    a built-in flow by its name (``linkedin/parts/genai-training.yaml``, never the
    site-packages path), else as it is."""
    if path.is_absolute():
        for root in (Path.cwd(), builtin_flows_root()):
            try:
                return str(path.relative_to(root))
            except ValueError:
                continue
        return str(path)
    return os.path.normpath(str(path))


def expand(paths: Sequence[Path], wanted: Callable[[Path], bool]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for every path; a folder gives its ``wanted`` files,
    recursively and sorted."""
    out: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            out.extend((p, False) for p in sorted(p for p in path.rglob("*") if wanted(p)))
        else:
            out.append((path, True))
    return out


class Reader:
    """Problems found while reading located YAML, and the checks every reader makes."""

    error_cls: type[LocatedError] = FlowError

    def __init__(self) -> None:
        self.errors: list[LocatedError] = []

    def err(self, at: InFile, where: Where, message: str, hint: str = "") -> None:
        self.errors.append(self.error_cls(where, message, at.source.snippet(where), hint))

    def add(self, error: LocatedError) -> None:
        self.errors.append(error)

    def raise_errors(self) -> None:
        raise_all(self.errors)

    def mapping(self, at: InFile, node: RawNode, what: str) -> RawMap | None:
        if isinstance(node, RawMap):
            return node
        self.err(at, node.where, f"{what} must be a mapping, not {describe(node)}")
        return None

    def keys(self, at: InFile, m: RawMap, allowed: Sequence[str], what: str) -> None:
        for key, _ in m.items:
            if key.value not in allowed:
                self.err(at, key.where, f"unknown key '{key.value}' in {what}",
                         did_you_mean(str(key.value), allowed))

    def required(self, at: InFile, m: RawMap, key: str, what: str) -> RawNode | None:
        node = m.get(key)
        if node is None:
            self.err(at, m.where, f"{what} needs '{key}'")
        return node
