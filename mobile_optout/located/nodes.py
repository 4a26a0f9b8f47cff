"""YAML -> a raw document that remembers where every node came from.

The first of two layers (the second is a ``Reader``: ``mobile_optout.flow.compile``, the
devices file, the simulator's app files). It reads YAML
with PyYAML's safe composer only: no object construction beyond plain scalars, no tags
that run code. Each node keeps its file position, so that every later error can say
``path:line:col`` and show the offending line. Duplicate mapping keys are errors here.

Scalars keep both the value YAML 1.1 gives them (``off`` -> False) and the text as
written (``off``), so that a field meant as text (``tap: No``) reads the text.

Each kind of file passes its own error class (``FlowError``, ``DevicesFileError``...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from mobile_optout.errors import FlowError, LocatedError, Where

MAX_NODES = 20_000  # an alias bomb ("billion laughs") stops here
MAX_DEPTH = 200
MAX_BYTES = 1_000_000  # a flow or devices file is a few KB: anything this big is a mistake
SNIPPET_WIDTH = 160  # a snippet shows at most this much of a (possibly huge) line
# Control characters have no place in a flow's text (tab, newline and CR aside): a NUL or
# an escape sequence in a locator would never match and could garble a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Source:
    """A file's display path and its lines, for positions and snippets."""

    path: str
    text: str

    def where(self, line: int, col: int = 1) -> Where:
        return Where(self.path, line, col)

    @property
    def source(self) -> Source:
        """Itself: a Source is where its own errors point (see ``Reader``)."""
        return self

    def snippet(self, where: Where, *, context: int = 0) -> str:
        """The line at ``where`` with its number and a caret under the column."""
        lines = self.text.splitlines()
        if where.line < 1 or not lines:
            return ""
        if where.line > len(lines):  # the end of the file
            where = Where(where.path, len(lines), len(lines[-1]) + 1)
        first = max(1, where.line - context)
        width = len(str(where.line))
        out = []
        # A huge line is shown as a window around the column (a caret still points at it).
        start = max(0, where.col - 1 - SNIPPET_WIDTH // 2)
        for n in range(first, where.line + 1):
            line = lines[n - 1].rstrip()
            shown = line[start:start + SNIPPET_WIDTH]
            if start > 0 and shown:
                shown = "..." + shown
            if len(line) > start + SNIPPET_WIDTH:
                shown += "..."
            out.append(f"  {n:>{width}} | {_printable(shown)}")
        caret = where.col - 1 - start + (3 if start > 0 else 0)
        out.append(f"  {'':>{width}} | {' ' * max(0, caret)}^")
        return "\n".join(out)


def _printable(text: str) -> str:
    """Control characters shown as escapes, so that a snippet cannot garble a terminal."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)


@dataclass(frozen=True, slots=True)
class RawScalar:
    """A scalar: ``value`` as YAML 1.1 resolves it (str, int, float, bool, None...),
    ``text`` as written in the file."""

    value: Any
    text: str
    where: Where
    plain: bool = True  # written without quotes

    @property
    def as_text(self) -> str | None:
        """The scalar read as text: strings as they are, numbers and bools as written;
        None for null."""
        if isinstance(self.value, str):
            return self.value
        if self.value is None:
            return None
        return self.text


@dataclass(frozen=True, slots=True)
class RawSeq:
    items: tuple[RawNode, ...]
    where: Where


@dataclass(frozen=True, slots=True)
class RawMap:
    """A mapping; keys are text (as written), each with its own position."""

    items: tuple[tuple[RawScalar, RawNode], ...]
    where: Where
    keys: dict[str, int] = field(default_factory=dict)  # key text -> index in items

    def get(self, key: str) -> RawNode | None:
        i = self.keys.get(key)
        return None if i is None else self.items[i][1]

    def key_node(self, key: str) -> RawScalar | None:
        i = self.keys.get(key)
        return None if i is None else self.items[i][0]

    def __contains__(self, key: str) -> bool:
        return key in self.keys


RawNode = RawScalar | RawSeq | RawMap


def describe(node: RawNode) -> str:
    """What a node is, for messages: 'a mapping', 'a list', 'the number 3'..."""
    if isinstance(node, RawMap):
        return "a mapping"
    if isinstance(node, RawSeq):
        return "a list"
    v = node.value
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return f"the boolean {node.text}"
    if isinstance(v, int | float):
        return f"the number {node.text}"
    if isinstance(v, str):
        return "a string"
    return f"'{node.text}'"


class _Loader(yaml.SafeLoader):
    """Safe loader; we only use its composer (nodes with marks) and scalar resolver."""


# libyaml's parser, when PyYAML has it: the same nodes and marks, several times faster
# (start-up of `validate` and `run`). A document it refuses is parsed again by _Loader,
# whose messages the error texts are written for.
_FAST: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> yaml.Node | None:
    if _FAST is not None:
        fast = _FAST(text)
        try:
            node: yaml.Node | None = fast.get_single_node()
            return node
        except yaml.YAMLError:
            pass
        finally:
            fast.dispose()
    loader = _Loader(text)
    try:
        slow: yaml.Node | None = loader.get_single_node()
        return slow
    finally:
        loader.dispose()


def _fail(
    error_cls: type[LocatedError], source: Source, where: Where, message: str, hint: str = ""
) -> LocatedError:
    return error_cls(where, message, source.snippet(where), hint)


def read_source(path: Path, display: str, error_cls: type[LocatedError] = FlowError) -> Source:
    """Read a file as UTF-8 text; an unreadable file is an error at line 1."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise error_cls(Where(display, 1, 1), f"file too large ({size:,} bytes; "
                            f"at most {MAX_BYTES:,})")
        if not path.is_file():
            raise error_cls(Where(display, 1, 1), "not a regular file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise error_cls(Where(display, 1, 1), "file not found") from None
    except OSError as exc:
        raise error_cls(Where(display, 1, 1), f"cannot read file: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error_cls(Where(display, line, 1), "file is not valid UTF-8 text") from None
    return Source(display, text)


def parse(source: Source, error_cls: type[LocatedError] = FlowError) -> RawNode | None:
    """Parse one YAML document into raw nodes. None for an empty file."""
    try:
        root = _compose(source.text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = source.where(mark.line + 1, mark.column + 1) if mark else source.where(1)
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and "expected a single document" not in exc.context:
            problem = f"{exc.context}, {exc.problem}"
            opened = exc.context_mark
            if opened is not None and mark is not None and opened.line != mark.line:
                problem += f" (it began at line {opened.line + 1})"
        raise _fail(error_cls, source, where, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        # ReaderError (control characters) and friends carry a position of their own
        position = getattr(exc, "position", None)
        line = source.text[:position].count("\n") + 1 if isinstance(position, int) else 1
        reason = getattr(exc, "reason", "") or "invalid YAML"
        raise _fail(error_cls, source, source.where(line), f"YAML syntax error: {reason}") from None
    except RecursionError:
        raise _fail(error_cls, source, source.where(1), "YAML is nested too deeply") from None
    if root is None:
        return None
    return _Converter(source, error_cls).convert(root, 0)


def load_raw(path: Path, display: str, error_cls: type[LocatedError] = FlowError) -> tuple[
    Source, RawNode | None
]:
    source = read_source(path, display, error_cls)
    return source, parse(source, error_cls)


class _Converter:
    """yaml nodes -> raw nodes, with duplicate-key, alias and size checks."""

    def __init__(self, source: Source, error_cls: type[LocatedError]) -> None:
        self.source = source
        self.error_cls = error_cls
        self.count = 0
        self.active: set[int] = set()
        self.constructor = SafeConstructor()

    def where(self, node: yaml.Node) -> Where:
        return self.source.where(node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: yaml.Node, message: str) -> LocatedError:
        return _fail(self.error_cls, self.source, self.where(node), message)

    def convert(self, node: yaml.Node, depth: int) -> RawNode:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"document too large (more than {MAX_NODES} nodes)")
        if depth > MAX_DEPTH:
            raise self.fail(node, "YAML is nested too deeply")
        if id(node) in self.active:
            raise self.fail(node, "an alias refers to a node that contains it")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                items = tuple(self.convert(n, depth + 1) for n in node.value)
                return RawSeq(items, self.where(node))
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, depth)
        finally:
            self.active.discard(id(node))
        raise self.fail(node, "unsupported YAML node")

    def scalar(self, node: yaml.ScalarNode) -> RawScalar:
        value: Any
        if node.tag.startswith("tag:yaml.org,2002:") and node.tag.rsplit(":", 1)[1] in {
            "null", "bool", "int", "float", "str",
        }:
            try:
                value = self.constructor.construct_object(node)
            except (ValueError, TypeError, OverflowError, yaml.YAMLError):
                value = node.value
        else:
            value = node.value  # timestamps, binary, unknown tags: keep the text
        plain = not node.style  # None (PyYAML) or "" (libyaml): a plain scalar
        if (bad := _CONTROL.search(str(node.value))) is not None:
            char = repr(bad.group(0))[1:-1]
            raise self.fail(node, f"control character {char} in a text (written as an "
                            "escape or pasted by mistake?)")
        return RawScalar(value, str(node.value), self.where(node), plain)

    def mapping(self, node: yaml.MappingNode, depth: int) -> RawMap:
        items: list[tuple[RawScalar, RawNode]] = []
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "a mapping key must be a name, not a list or mapping")
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, "merge keys (<<) are not supported; repeat the keys")
            key = self.scalar(key_node)
            name = key.as_text or ""
            if name in keys:
                first = items[keys[name]][0].where
                raise self.fail(key_node, f"duplicate key '{name}' (first at line {first.line})")
            keys[name] = len(items)
            items.append((RawScalar(name, key.text, key.where, key.plain),
                          self.convert(value_node, depth + 1)))
        return RawMap(tuple(items), self.where(node), keys)
