"""The terms a flow file is written in, checked one node at a time: scalars (texts,
names, booleans, numbers, choices), locators, text matches and ``when:`` conditions.

``Terms`` is the base of the flow compiler (``flow/compile.py``), which adds the steps,
includes and the flow's header; every mistake is reported as ``path:line:col`` with a
did-you-mean, through ``located.Reader``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mobile_optout.errors import Where
from mobile_optout.flow import model
from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.flow.params import VAR_NAME, references, substitute
from mobile_optout.flow.strings import StringsTable, is_localized
from mobile_optout.located import (
    RawMap,
    RawNode,
    RawScalar,
    RawSeq,
    Reader,
    Source,
    describe,
    did_you_mean,
)

CONDITION_KEYS = ("platform", "visible", "not_visible", "param")
# locator key in YAML -> Locator field
LOCATOR_STRINGS = {
    "accessibility_id": "accessibility_id", "id": "resource_id", "class": "class_name",
    "xpath": "xpath", "android_uiautomator": "android_uiautomator",
    "ios_predicate": "ios_predicate", "ios_class_chain": "ios_class_chain", "css": "css",
    "role": "role",
}
LOCATOR_FAMILIES = ("text", *LOCATOR_STRINGS, "any", "switch_for")
PLATFORM_KEYS = tuple(p.value for p in Platform)
LOCATOR_KEYS = (*LOCATOR_FAMILIES, *PLATFORM_KEYS, "index", "name")
TEXT_MODES = ("exact", "contains", "regex")
BOOL_WORDS = {"on": True, "off": False, "true": True, "false": False}


@dataclass
class FlowFile:
    """One file being compiled: the root flow or an included file."""

    source: Source
    real: Path  # resolved path, for cycle detection and relative includes
    chain: tuple[str, ...]  # names from the root flow, for cycle messages
    subst: dict[str, str] = field(default_factory=dict)  # include params

    @property
    def folder(self) -> Path:
        return self.real.parent


@dataclass
class VarUse:
    name: str
    where: Where
    source: Source


class Terms(Reader):
    """Scalars, locators and conditions of a flow file (the compiler's base)."""

    def __init__(self) -> None:
        super().__init__()
        self.uses: list[VarUse] = []  # ${NAME} references, checked against the header
        self.param_values: list[tuple[str, str, Where, Source]] = []  # values given in files
        self.l10n = StringsTable()  # texts per language (flow/strings.py)

    # ------------------------------------------------------------------ scalars

    def text(self, f: FlowFile, node: RawNode, what: str, *, empty_ok: bool = False,
             expands: bool = True) -> str | None:
        """A string (numbers and bools read as written); records its ${VAR} uses. A field
        the runner does not expand (``expands`` False) refuses them: ${...} is expanded
        everywhere it is accepted, and refused with its line everywhere else."""
        if not isinstance(node, RawScalar) or node.value is None:
            self.err(f, node.where, f"{what} must be a string, not {describe(node)}")
            return None
        value = node.as_text or ""
        if f.subst:
            value = substitute(value, f.subst)
        if not value.strip() and not empty_ok:
            self.err(f, node.where, f"{what} must not be empty")
            return None
        for ref in references(value):
            if ref.valid and not expands:
                self.err(f, node.where, f"{what} does not take ${{{ref.name}}}: parameters "
                         "are expanded in app:, locators, labels, deep links and typed text",
                         "write the value itself (or $${...} for a literal ${...})")
            elif ref.valid:
                self.uses.append(VarUse(ref.name, node.where, f.source))
            else:
                self.err(f, node.where, f"bad variable reference '${{{ref.name}}}' in {what}",
                         "a name is letters, digits and _, e.g. ${LOCALE}; "
                         "write $${...} for a literal ${...}")
        return value

    def name(self, f: FlowFile, node: RawNode, what: str, pattern: re.Pattern[str]) -> str | None:
        value = self.text(f, node, what)
        if value is not None and not pattern.match(value):
            shape = pattern.pattern.removesuffix(r"\Z")
            self.err(f, node.where, f"{what} '{value}' must match {shape}")
            return None
        return value

    def boolean(self, f: FlowFile, node: RawNode, what: str) -> bool | None:
        if isinstance(node, RawScalar):
            if isinstance(node.value, bool):
                return node.value
            if isinstance(node.value, str) and node.value.lower() in BOOL_WORDS:
                return BOOL_WORDS[node.value.lower()]
        self.err(f, node.where, f"{what} must be true or false, not {describe(node)}")
        return None

    def number(self, f: FlowFile, node: RawNode, what: str) -> float | None:
        if (isinstance(node, RawScalar) and isinstance(node.value, int | float)
                and not isinstance(node.value, bool)):
            if node.value > 0 and node.value != float("inf"):
                return float(node.value)
            self.err(f, node.where, f"{what} must be a positive number of seconds, not {node.text}")
            return None
        self.err(f, node.where, f"{what} must be a number of seconds, not {describe(node)}")
        return None

    def integer(self, f: FlowFile, node: RawNode, what: str, low: int, high: int) -> int | None:
        if (isinstance(node, RawScalar) and isinstance(node.value, int)
                and not isinstance(node.value, bool)):
            if low <= node.value <= high:
                return node.value
            self.err(f, node.where, f"{what} must be between {low} and {high}, not {node.value}")
            return None
        self.err(f, node.where, f"{what} must be a whole number, not {describe(node)}")
        return None

    def choice(self, f: FlowFile, node: RawNode, what: str, choices: Sequence[str]) -> str | None:
        value = node.as_text if isinstance(node, RawScalar) else None
        if value is not None and value in choices:
            return value
        shown = f"'{value}'" if value is not None else describe(node)
        self.err(f, node.where, f"{what} must be one of {', '.join(choices)}, not {shown}",
                 did_you_mean(value or "", choices))
        return None

    def strings(self, f: FlowFile, node: RawNode, what: str, *, single_ok: bool = False,
                pattern: re.Pattern[str] | None = None) -> list[str]:
        items: Sequence[RawNode]
        if isinstance(node, RawSeq):
            items = node.items
        elif single_ok and isinstance(node, RawScalar) and node.value is not None:
            items = (node,)
        else:
            self.err(f, node.where, f"{what} must be a list, not {describe(node)}")
            return []
        out = []
        for item in items:
            value = (self.name(f, item, f"{what} entry", pattern) if pattern
                     else self.text(f, item, f"{what} entry"))
            if value is not None:
                out.append(value)
        return out

    # ------------------------------------------------------------------ locators

    def locator(self, f: FlowFile, node: RawNode, what: str = "locator") -> Locator | None:
        if isinstance(node, RawScalar):
            value = self.text(f, node, what)
            return None if value is None else Locator(node.where, text=TextMatch("exact", value))
        if isinstance(node, RawSeq):
            self.err(f, node.where, f"{what} must be a text or a mapping, not a list",
                     "to try several, use any: [...]")
            return None
        self.keys(f, node, LOCATOR_KEYS, what)
        families = [k for k, _ in node.items if k.value in LOCATOR_FAMILIES]
        platforms = [k for k, _ in node.items if k.value in PLATFORM_KEYS]
        if platforms:
            families.append(platforms[0])
        if not families:
            if all(k.value in LOCATOR_KEYS for k, _ in node.items):
                self.err(f, node.where, f"{what} needs one of: {', '.join(LOCATOR_FAMILIES)}, "
                         "or android:/ios:/web:")
            return None
        if len(families) > 1:
            names = " and ".join(f"'{k.value}'" for k in families)
            self.err(f, families[1].where, f"{what} takes one way to find an element, "
                     f"not both {names}", "to try several, use any: [...]")
            return None
        index: int | None = None
        if (index_node := node.get("index")) is not None:
            index = self.integer(f, index_node, "index", 0, 10_000)
        key = str(families[0].value)
        name_key = node.key_node("name")
        if name_key is not None and key != "role":
            self.err(f, name_key.where, "name: (an accessible name) goes with role: only",
                     "e.g. {role: button, name: Me}")
            return None
        if key in PLATFORM_KEYS:
            per: list[tuple[Platform, Locator]] = []
            for plat in Platform:
                sub = node.get(plat.value)
                if sub is not None and (loc := self.locator(f, sub, f"{plat.value} locator")):
                    per.append((plat, loc))
            return Locator(node.where, per_platform=tuple(per), index=index) if per else None
        sub_node = node.get(key)
        assert sub_node is not None
        if key == "text":
            match = self.text_match(f, sub_node)
            return Locator(node.where, text=match, index=index) if match else None
        if key == "any":
            if not isinstance(sub_node, RawSeq) or not sub_node.items:
                self.err(f, sub_node.where, "any must be a non-empty list of locators")
                return None
            alternatives = [self.locator(f, item, "alternative") for item in sub_node.items]
            if None in alternatives:
                return None
            return Locator(node.where, any=tuple(a for a in alternatives if a), index=index)
        if key == "switch_for":
            label = self.locator(f, sub_node, "switch_for")
            return Locator(node.where, switch_for=label, index=index) if label else None
        text = self.text(f, sub_node, key)
        if text is None:
            return None
        fields: dict[str, Any] = {LOCATOR_STRINGS[key]: text}
        if (name_node := node.get("name")) is not None:
            fields["role_name"] = self.text_match(f, name_node)
            if fields["role_name"] is None:
                return None
        return Locator(node.where, index=index, **fields)

    def text_match(self, f: FlowFile, node: RawNode) -> TextMatch | None:
        if is_localized(node):  # {key: k} or {en: ..., de: ...}: flow/strings.py
            assert isinstance(node, RawMap)
            return self.l10n.text(self, f, node)
        if isinstance(node, RawScalar):
            value = self.text(f, node, "text")
            return None if value is None else TextMatch("exact", value)
        m = self.mapping(f, node, "text")
        if m is None:
            return None
        self.keys(f, m, (*TEXT_MODES, "case_sensitive"), "text")
        modes = [k for k, _ in m.items if k.value in TEXT_MODES]
        if len(modes) != 1:
            where = modes[1].where if modes else m.where
            self.err(f, where, "text takes exactly one of exact:, contains:, regex:")
            return None
        mode = str(modes[0].value)
        value_node = m.get(mode)
        assert value_node is not None
        value = self.text(f, value_node, f"text {mode}")
        case = False
        if (case_node := m.get("case_sensitive")) is not None:
            case = bool(self.boolean(f, case_node, "case_sensitive"))
        if value is None:
            return None
        if mode == "regex":
            try:
                re.compile(value)
            except re.error as exc:
                self.err(f, value_node.where, f"invalid regular expression: {exc}")
                return None
        return TextMatch(mode, value, case)

    def locators(self, f: FlowFile, node: RawNode, what: str) -> tuple[Locator, ...]:
        items = node.items if isinstance(node, RawSeq) else (node,)
        return tuple(loc for item in items if (loc := self.locator(f, item, what)))

    # ------------------------------------------------------------------ conditions

    def condition(self, f: FlowFile, node: RawNode) -> model.Condition | None:
        m = self.mapping(f, node, "when")
        if m is None:
            return None
        self.keys(f, m, CONDITION_KEYS, "when")
        if not any(k in m for k in CONDITION_KEYS):
            self.err(f, m.where, f"when needs at least one of: {', '.join(CONDITION_KEYS)}")
            return None
        platform = visible = not_visible = None
        param = None
        if (n := m.get("platform")) is not None:
            value = self.choice(f, n, "platform", PLATFORM_KEYS)
            platform = Platform(value) if value else None
        if (n := m.get("visible")) is not None:
            visible = self.locator(f, n, "visible")
        if (n := m.get("not_visible")) is not None:
            not_visible = self.locator(f, n, "not_visible")
        if (n := m.get("param")) is not None:
            pm = self.mapping(f, n, "param")
            if pm is not None and len(pm.items) != 1:
                self.err(f, pm.where, "param takes exactly one NAME: value")
            elif pm is not None:
                key, value_node = pm.items[0]
                expected = self.text(f, value_node, f"param {key.value}", empty_ok=True)
                if VAR_NAME.match(str(key.value)):
                    self.uses.append(VarUse(str(key.value), key.where, f.source))
                else:
                    self.err(f, key.where, f"'{key.value}' is not a variable name")
                if expected is not None:
                    param = (str(key.value), expected)
                    self.param_values.append((*param, value_node.where, f.source))
        return model.Condition(m.where, platform, visible, not_visible, param)
