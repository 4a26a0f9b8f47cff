"""Raw YAML nodes -> the typed flow model (``mobile_optout.flow.model``).

The second of two layers. It collects every problem of a file (and of the files it
includes) before raising: one ``FlowError``, or ``InputErrors`` listing them all, sorted
by file and line. Each error names path:line:col, shows the line with a caret and, for a
misspelt name, suggests the closest known one.

The format is documented in docs/flow-format.md; schema.py exports it as JSON Schema.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mobile_optout.errors import FlowError, LocatedError, Where
from mobile_optout.flow import model
from mobile_optout.flow.model import IfMissing, Locator, Platform, Step, TextMatch
from mobile_optout.flow.params import VAR_NAME, references, substitute
from mobile_optout.flow.routes_build import build_routes
from mobile_optout.located import (
    RawMap,
    RawNode,
    RawScalar,
    RawSeq,
    Reader,
    Source,
    describe,
    did_you_mean,
    display_path,
    load_raw,
    raise_all,
)

MARKER = "mobile-optout"
FLOW_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
TAG_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
SHORT_NAME = re.compile(r"[a-z0-9_-]+\Z")  # screenshot and checkpoint names

FLOW_KEYS = (
    MARKER, "name", "description", "platforms", "app", "tags", "settings", "params",
    "secrets", "allow_taps", "identity", "interrupts", "blockers", "loading", "settle",
    "steps", "catalogue", "unsupported",
)
CATALOGUE_KEYS = ("app", "title", "control", "confidence", "sources", "web")
CONFIDENCES = ("H", "M", "L")
PART_KEYS = (MARKER, "description", "params", "interrupts", "blockers", "loading", "steps")
COMMON_STEP_KEYS = ("label", "optional", "if_missing", "timeout", "when", "resembles")
ENSURE_KEYS = ("setting", "toggle", "choice", "status", "button", "desired", "confirm",
               "settle", "attempts", "errors")
CONTROL_KEYS = ("toggle", "choice", "status")
MAX_ATTEMPTS = 3
NO_PAYLOAD_KINDS = ("launch", "back")
CONDITION_KEYS = ("platform", "visible", "not_visible", "param")
APP_KEYS = {"android": ("package", "activity"), "ios": ("bundle_id",), "web": ("url",)}
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
CONTEXTS = ("native", "webview")
CONTEXT_PREFIXES = ("NATIVE_APP", "WEBVIEW", "CHROMIUM")
MAX_INCLUDES = 1000
STOP_OUTCOMES = (IfMissing.BLOCKED.value, IfMissing.NOT_OFFERED.value)


@dataclass
class _File:
    """One file being compiled: the root flow or an included file."""

    source: Source
    real: Path  # resolved path, for cycle detection and relative includes
    chain: tuple[str, ...]  # names from the root flow, for cycle messages
    subst: dict[str, str] = field(default_factory=dict)  # include params

    @property
    def folder(self) -> Path:
        return self.real.parent


@dataclass
class _Use:
    name: str
    where: Where
    source: Source


class Compiler(Reader):
    """Compiles one flow file (with its includes). Use ``compile_flow``."""

    error_cls = FlowError

    def __init__(self) -> None:
        super().__init__()
        self.order: dict[str, int] = {}  # file display path -> first seen, to sort errors
        self.uses: list[_Use] = []
        # (setting id, where, file, the choice's option names or () for on/off controls)
        self.setting_uses: list[tuple[str, Where, Source, tuple[str, ...]]] = []
        self.params: dict[str, str] = {}
        self.choices: list[model.ParamChoices] = []  # params that declare their values
        self.param_values: list[tuple[str, str, Where, Source]] = []  # values given in files
        self.secrets: list[str] = []
        self.interrupts: list[model.Interrupt] = []
        self.blockers: list[model.Blocker] = []
        self.loading: list[Locator] = []
        self.stack: list[Path] = []  # files being compiled, for include cycles
        self.includes = 0

    # ------------------------------------------------------------------ errors

    def raise_errors(self) -> None:
        """Every problem, in file order (the root flow first, then its parts)."""

        def key(e: LocatedError) -> tuple[int, int, int]:
            return (self.order.get(e.where.path, 99_999), e.where.line, e.where.col)

        raise_all(self.errors, key)

    # ------------------------------------------------------------------ scalars

    def text(self, f: _File, node: RawNode, what: str, *, empty_ok: bool = False,
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
                self.uses.append(_Use(ref.name, node.where, f.source))
            else:
                self.err(f, node.where, f"bad variable reference '${{{ref.name}}}' in {what}",
                         "a name is letters, digits and _, e.g. ${LOCALE}; "
                         "write $${...} for a literal ${...}")
        return value

    def name(self, f: _File, node: RawNode, what: str, pattern: re.Pattern[str]) -> str | None:
        value = self.text(f, node, what)
        if value is not None and not pattern.match(value):
            shape = pattern.pattern.removesuffix(r"\Z")
            self.err(f, node.where, f"{what} '{value}' must match {shape}")
            return None
        return value

    def boolean(self, f: _File, node: RawNode, what: str) -> bool | None:
        if isinstance(node, RawScalar):
            if isinstance(node.value, bool):
                return node.value
            if isinstance(node.value, str) and node.value.lower() in BOOL_WORDS:
                return BOOL_WORDS[node.value.lower()]
        self.err(f, node.where, f"{what} must be true or false, not {describe(node)}")
        return None

    def number(self, f: _File, node: RawNode, what: str) -> float | None:
        if (isinstance(node, RawScalar) and isinstance(node.value, int | float)
                and not isinstance(node.value, bool)):
            if node.value > 0 and node.value != float("inf"):
                return float(node.value)
            self.err(f, node.where, f"{what} must be a positive number of seconds, not {node.text}")
            return None
        self.err(f, node.where, f"{what} must be a number of seconds, not {describe(node)}")
        return None

    def integer(self, f: _File, node: RawNode, what: str, low: int, high: int) -> int | None:
        if (isinstance(node, RawScalar) and isinstance(node.value, int)
                and not isinstance(node.value, bool)):
            if low <= node.value <= high:
                return node.value
            self.err(f, node.where, f"{what} must be between {low} and {high}, not {node.value}")
            return None
        self.err(f, node.where, f"{what} must be a whole number, not {describe(node)}")
        return None

    def choice(self, f: _File, node: RawNode, what: str, choices: Sequence[str]) -> str | None:
        value = node.as_text if isinstance(node, RawScalar) else None
        if value is not None and value in choices:
            return value
        shown = f"'{value}'" if value is not None else describe(node)
        self.err(f, node.where, f"{what} must be one of {', '.join(choices)}, not {shown}",
                 did_you_mean(value or "", choices))
        return None

    def strings(self, f: _File, node: RawNode, what: str, *, single_ok: bool = False,
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

    def locator(self, f: _File, node: RawNode, what: str = "locator") -> Locator | None:
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

    def text_match(self, f: _File, node: RawNode) -> TextMatch | None:
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

    def locators(self, f: _File, node: RawNode, what: str) -> tuple[Locator, ...]:
        items = node.items if isinstance(node, RawSeq) else (node,)
        return tuple(loc for item in items if (loc := self.locator(f, item, what)))

    # ------------------------------------------------------------------ conditions

    def condition(self, f: _File, node: RawNode) -> model.Condition | None:
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
                    self.uses.append(_Use(str(key.value), key.where, f.source))
                else:
                    self.err(f, key.where, f"'{key.value}' is not a variable name")
                if expected is not None:
                    param = (str(key.value), expected)
                    self.param_values.append((*param, value_node.where, f.source))
        return model.Condition(m.where, platform, visible, not_visible, param)

    # ------------------------------------------------------------------ steps

    def steps(self, f: _File, node: RawNode | None, what: str) -> tuple[Step, ...]:
        if node is None:
            return ()
        if not isinstance(node, RawSeq) or not node.items:
            shown = "an empty list" if isinstance(node, RawSeq) else describe(node)
            self.err(f, node.where, f"{what} must be a non-empty list of steps, not {shown}")
            return ()
        return tuple(s for item in node.items if (s := self.step(f, item)))

    def step(self, f: _File, node: RawNode) -> Step | None:
        kinds = model.STEP_KINDS
        if isinstance(node, RawScalar):
            kind = node.as_text or ""
            if kind in NO_PAYLOAD_KINDS:
                return model.Launch(where=node.where) if kind == "launch" else model.Back(
                    where=node.where)
            if kind in kinds:
                self.err(f, node.where, f"step '{kind}' needs a value, e.g. '{kind}: ...'")
            else:
                self.err(f, node.where, f"unknown step '{kind}'", did_you_mean(kind, kinds))
            return None
        if isinstance(node, RawSeq):
            self.err(f, node.where, "a step must be a name or a mapping, not a list")
            return None
        found = [k for k, _ in node.items if k.value in kinds]
        unknown = [k for k, _ in node.items
                   if k.value not in kinds and k.value not in COMMON_STEP_KEYS]
        for key in unknown:
            name = str(key.value)
            if not found and len(unknown) == 1:
                self.err(f, key.where, f"unknown step '{name}'", did_you_mean(name, kinds))
            else:
                self.err(f, key.where, f"unknown key '{name}' in step",
                         did_you_mean(name, [*kinds, *COMMON_STEP_KEYS]))
        if len(found) > 1:
            names = ", ".join(f"'{k.value}'" for k in found)
            self.err(f, found[1].where, f"a step has exactly one kind, this one has {names}",
                     "split it into separate steps")
            return None
        if not found:
            if not unknown:
                self.err(f, node.where, f"step has no kind; expected one of: {', '.join(kinds)}")
            return None
        common = self.common(f, node)
        if common is None:
            return None
        kind_key = found[0]
        payload = node.get(str(kind_key.value))
        assert payload is not None
        return BUILDERS[str(kind_key.value)](self, f, payload, node.where, common)

    def common(self, f: _File, m: RawMap) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        errors = len(self.errors)
        if (n := m.get("label")) is not None:
            out["label"] = self.text(f, n, "label")
        if (n := m.get("timeout")) is not None:
            out["timeout"] = self.number(f, n, "timeout")
        if (n := m.get("when")) is not None:
            out["when"] = self.condition(f, n)
        optional = m.get("optional")
        if_missing = m.get("if_missing")
        if optional is not None and if_missing is not None:
            key = m.key_node("if_missing")
            assert key is not None
            self.err(f, key.where, "use either optional: or if_missing:, not both",
                     "optional: true means if_missing: skip")
        elif optional is not None:
            if self.boolean(f, optional, "optional"):
                out["if_missing"] = IfMissing.SKIP
        elif if_missing is not None:
            value = self.choice(f, if_missing, "if_missing", [i.value for i in IfMissing])
            if value:
                out["if_missing"] = IfMissing(value)
        if (n := m.get("resembles")) is not None:
            out["resembles"] = tuple(self.strings(f, n, "resembles", single_ok=True))
            if out.get("if_missing") is not IfMissing.NOT_OFFERED:
                key = m.key_node("resembles")
                assert key is not None
                self.err(f, key.where, "resembles: only applies to a step with "
                         "if_missing: not_offered", "it names what looks like the setting")
        return out if len(self.errors) == errors else None

    def payload_map(self, f: _File, node: RawNode, kind: str, keys: Sequence[str],
                    required: Sequence[str]) -> RawMap | None:
        m = self.mapping(f, node, kind)
        if m is None:
            return None
        self.keys(f, m, keys, kind)
        missing = [k for k in required if k not in m]
        for k in missing:
            self.err(f, m.where, f"{kind} needs '{k}'")
        return None if missing else m

    def build_launch(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                     ) -> Step | None:
        if isinstance(node, RawScalar) and node.value is None:
            return model.Launch(where=where, **common)
        m = self.payload_map(f, node, "launch", ("restart", "deep_link"), ())
        if m is None:
            return None
        kw: dict[str, Any] = {}
        if (n := m.get("restart")) is not None:
            kw["restart"] = self.boolean(f, n, "restart")
        if (n := m.get("deep_link")) is not None:
            kw["deep_link"] = self.text(f, n, "deep_link")
        if None in kw.values():
            return None
        return model.Launch(where=where, **common, **kw)

    def build_back(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                   ) -> Step | None:
        if (isinstance(node, RawScalar) and node.value is None) or (
                isinstance(node, RawMap) and not node.items):
            return model.Back(where=where, **common)
        self.err(f, node.where, f"back takes no value, not {describe(node)}")
        return None

    def build_target(self, f: _File, node: RawNode, where: Where, common: dict[str, Any],
                     cls: type[Step]) -> Step | None:
        target = self.locator(f, node, f"{cls.KIND} target")
        if target is None:
            return None
        return cls(where=where, target=target, **common)  # type: ignore[call-arg]

    def build_type(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                   ) -> Step | None:
        m = self.payload_map(f, node, "type", ("target", "text", "clear"), ("target", "text"))
        if m is None:
            return None
        target_node, text_node = m.get("target"), m.get("text")
        assert target_node is not None and text_node is not None
        target = self.locator(f, target_node, "type target")
        text = self.text(f, text_node, "type text", empty_ok=True)
        clear: bool | None = True
        if (n := m.get("clear")) is not None:
            clear = self.boolean(f, n, "clear")
        if target is None or text is None or clear is None:
            return None
        return model.TypeText(where=where, target=target, text=text, clear=clear, **common)

    def build_scroll(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                     ) -> Step | None:
        if not (isinstance(node, RawMap) and "target" in node):
            target = self.locator(f, node, "scroll_until_visible target")
            if target is None:
                return None
            return model.ScrollUntilVisible(where=where, target=target, **common)
        m = self.payload_map(f, node, "scroll_until_visible",
                             ("target", "direction", "max_scrolls"), ("target",))
        if m is None:
            return None
        target_node = m.get("target")
        assert target_node is not None
        target = self.locator(f, target_node, "scroll_until_visible target")
        kw: dict[str, Any] = {}
        if (n := m.get("direction")) is not None:
            kw["direction"] = self.choice(f, n, "direction", ("down", "up"))
        if (n := m.get("max_scrolls")) is not None:
            kw["max_scrolls"] = self.integer(f, n, "max_scrolls", 1, 50)
        if target is None or None in kw.values():
            return None
        return model.ScrollUntilVisible(where=where, target=target, **kw, **common)

    def build_screenshot(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                         ) -> Step | None:
        name = self.name(f, node, "screenshot name", SHORT_NAME)
        return model.Screenshot(where=where, name=name, **common) if name else None

    def build_checkpoint(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                         ) -> Step | None:
        name = self.name(f, node, "checkpoint name", SHORT_NAME)
        return model.Checkpoint(where=where, name=name, **common) if name else None

    def build_context(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                      ) -> Step | None:
        name = self.text(f, node, "context", expands=False)
        if name is None:
            return None
        if name not in CONTEXTS and not name.startswith(CONTEXT_PREFIXES):
            self.err(f, node.where, f"context must be native, webview or a context name "
                     f"(WEBVIEW_..., NATIVE_APP), not '{name}'")
            return None
        return model.SwitchContext(where=where, name=name, **common)

    def build_group(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                    ) -> Step | None:
        steps = self.steps(f, node, "do")
        return model.Group(where=where, steps=steps, **common) if steps else None

    def build_stop(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                   ) -> Step | None:
        m = self.payload_map(f, node, "stop", ("outcome", "reason"), ("outcome",))
        if m is None:
            return None
        outcome_node = m.get("outcome")
        assert outcome_node is not None
        outcome = self.choice(f, outcome_node, "outcome", STOP_OUTCOMES)
        reason: str | None = ""
        if (n := m.get("reason")) is not None:
            reason = self.text(f, n, "reason", empty_ok=True, expands=False)
        if outcome is None or reason is None:
            return None
        return model.Stop(where=where, outcome=IfMissing(outcome), reason=reason, **common)

    def build_ensure(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                     ) -> Step | None:
        m = self.payload_map(f, node, "ensure_setting", ENSURE_KEYS, ("setting",))
        if m is None:
            return None
        controls = [k for k, _ in m.items if k.value in CONTROL_KEYS]
        if len(controls) != 1:
            where_ = controls[1].where if controls else m.where
            self.err(f, where_, "ensure_setting takes exactly one control: toggle: (a switch), "
                     "choice: (options) or status: (a status text, with button:)")
            return None
        setting_node = m.get("setting")
        assert setting_node is not None
        setting = self.text(f, setting_node, "setting", expands=False)
        kw: dict[str, Any] = {}
        for key in ("toggle", "status", "button", "confirm"):
            if (n := m.get(key)) is not None:
                kw[key] = self.locator(f, n, key)
        kind = str(controls[0].value)
        if (kind == "status") != ("button" in m):
            self.err(f, m.where, "status: and button: go together: the status text shows "
                     "the state, the button changes it")
            return None
        if (n := m.get("choice")) is not None:
            kw["choice"] = self.options(f, n)
        desired: model.State | None = None
        if (n := m.get("desired")) is not None:
            desired = self.desired(f, n, [name for name, _ in kw.get("choice", ())])
            if desired is None:
                return None
        if (n := m.get("errors")) is not None:
            kw["errors"] = self.locator(f, n, "errors")
        if (n := m.get("settle")) is not None:
            kw["settle"] = self.number(f, n, "settle")
        if (n := m.get("attempts")) is not None:
            kw["attempts"] = self.integer(f, n, "attempts", 1, MAX_ATTEMPTS)
        if None in kw.values() or kw.get("choice") == ():
            return None
        if setting is not None:
            options = tuple(name for name, _ in kw.get("choice", ()))
            self.setting_uses.append((setting, setting_node.where, f.source, options))
        if setting is None:
            return None
        return model.EnsureSetting(where=where, setting=setting, desired=desired, **kw,
                                   **common)

    def options(self, f: _File, node: RawNode) -> tuple[tuple[str, Locator], ...]:
        """choice: {option name: the option's locator, ...} (at least two)."""
        m = self.mapping(f, node, "choice")
        if m is None:
            return ()
        if len(m.items) < 2:
            self.err(f, m.where, "choice needs at least two options (name: locator)")
            return ()
        out = []
        for key, value in m.items:
            loc = self.locator(f, value, f"option {key.value}")
            if loc is None:
                return ()
            out.append((str(key.value), loc))
        return tuple(out)

    def desired(self, f: _File, node: RawNode, options: Sequence[str]) -> model.State | None:
        """on/off, or (for a choice) the name of an option."""
        if options:
            return self.choice(f, node, "desired", options)
        return self.boolean(f, node, "desired")

    def build_include(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                      ) -> Step | None:
        params: dict[str, str] = {}
        if isinstance(node, RawMap):
            m = self.payload_map(f, node, "include", ("path", "params"), ("path",))
            if m is None:
                return None
            path_node = m.get("path")
            assert path_node is not None
            if (pn := m.get("params")) is not None and (pm := self.mapping(f, pn, "params")):
                for key, value in pm.items:
                    if not VAR_NAME.match(str(key.value)):
                        self.err(f, key.where, f"'{key.value}' is not a variable name")
                    elif (text := self.text(f, value, f"param {key.value}",
                                            empty_ok=True)) is not None:
                        params[str(key.value)] = text
                        self.param_values.append((str(key.value), text, value.where, f.source))
        else:
            path_node = node
        rel = self.text(f, path_node, "include path", expands=False)
        if rel is None:
            return None
        self.includes += 1
        if self.includes > MAX_INCLUDES:  # parts including parts twice grow exponentially
            if self.includes == MAX_INCLUDES + 1:
                self.err(f, path_node.where, f"too many includes (more than {MAX_INCLUDES} "
                         "in one flow, counting each include of an include)")
            return None
        rel = os.path.normpath(rel)
        target = (f.folder / rel).resolve()
        shown = os.path.normpath(Path(f.chain[-1]).parent / rel)
        if target in self.stack:
            chain = [*f.chain[self.stack.index(target):], shown]
            self.err(f, path_node.where, f"include cycle: {' -> '.join(chain)}")
            return None
        if not target.is_file():
            self.err(f, path_node.where, f"included file not found: {rel}")
            return None
        display = os.path.normpath(Path(f.source.path).parent / rel)
        steps = self.compile_included(f, target, display, (*f.chain, shown),
                                      {**f.subst, **params}, path_node.where, params)
        if steps is None:
            return None
        return model.Group(where=where, steps=steps, source=rel, **common)

    # ------------------------------------------------------------------ files

    def compile_included(
        self, parent: _File, real: Path, display: str, chain: tuple[str, ...],
                         subst: dict[str, str], at: Where, given: dict[str, str]
                         ) -> tuple[Step, ...] | None:
        self.order.setdefault(display, len(self.order))
        try:
            source, root = load_raw(real, display)
        except LocatedError as exc:
            self.add(exc)
            return None
        f = _File(source, real, chain, subst)
        m = self.mapping(f, root, "an included file") if root is not None else None
        if root is None:
            self.err(f, source.where(1), "included file is empty")
        if m is None:
            return None
        marker = m.get(MARKER)
        kind = marker.as_text if isinstance(marker, RawScalar) else None
        if kind not in ("part", "flow"):
            self.err(f, m.where, f"an included file must start with '{MARKER}: part' "
                     f"(or be a flow)")
            return None
        if kind == "part":
            self.keys(f, m, PART_KEYS, "a part")
        declared = self.header_vars(f, m)
        for name in given:
            if name not in declared:
                self.err(parent, at, f"include param {name} is not a param of {display}",
                         f"declare it under params: in {display}")
        self.header_lists(f, m)
        self.stack.append(real)
        try:
            return self.steps(f, self.required(f, m, "steps", "an included file"), "steps")
        finally:
            self.stack.pop()

    def header_vars(self, f: _File, m: RawMap) -> set[str]:
        """params: and secrets: of a flow or part; merged into the flow's (first wins)."""
        declared: set[str] = set()
        if (n := m.get("params")) is not None and (pm := self.mapping(f, n, "params")):
            for key, value in pm.items:
                name = str(key.value)
                if not VAR_NAME.match(name):
                    self.err(f, key.where,
                             f"param name '{name}' must match {VAR_NAME.pattern[:-2]}")
                    continue
                spec = self.param_spec(f, name, value, key.where)
                if spec is None:
                    continue
                declared.add(name)
                if name not in self.params:
                    self.params[name] = spec.default
                    if spec.choices:
                        self.choices.append(spec)
        if (n := m.get("secrets")) is not None:
            for name in self.strings(f, n, "secrets"):
                if not VAR_NAME.match(name):
                    self.err(f, n.where, f"secret name '{name}' must match {VAR_NAME.pattern[:-2]}")
                elif name in self.params:
                    self.err(f, n.where, f"{name} is declared both under params: and secrets:")
                elif name not in self.secrets:
                    self.secrets.append(name)
                    declared.add(name)
        return declared

    def param_spec(self, f: _File, name: str, node: RawNode, where: Where
                   ) -> model.ParamChoices | None:
        """``NAME: default`` or ``NAME: {default: d, choices: [a, b]}``."""
        if isinstance(node, RawScalar) and node.value is not None:
            return model.ParamChoices(name, node.as_text or "", (), where)
        if not isinstance(node, RawMap):
            self.err(f, node.where, f"the default of param {name} must be a text or "
                     f"number, not {describe(node)}", 'use "" for empty')
            return None
        self.keys(f, node, ("default", "choices"), f"param {name}")
        default_node = self.required(f, node, "default", f"param {name}")
        if default_node is None:
            return None
        default = self.text(f, default_node, f"the default of param {name}", empty_ok=True)
        choices: list[str] = []
        if (n := node.get("choices")) is not None:
            choices = self.strings(f, n, f"choices of param {name}")
            if not choices and isinstance(n, RawSeq):
                self.err(f, n.where, f"choices of param {name} must not be empty")
        if default is None:
            return None
        if choices and default not in choices:
            self.err(f, default_node.where, f"the default of param {name}, {default!r}, is "
                     f"not one of its choices ({', '.join(choices)})")
            return None
        return model.ParamChoices(name, default, tuple(choices), where)

    def header_lists(self, f: _File, m: RawMap) -> None:
        """interrupts: and blockers: of a flow or part."""
        if (n := m.get("interrupts")) is not None:
            for item in n.items if isinstance(n, RawSeq) else ():
                im = self.mapping(f, item, "an interrupt")
                if im is None:
                    continue
                self.keys(f, im, ("name", "when", "tap"), "interrupt")
                parts = [self.required(f, im, k, "an interrupt") for k in ("name", "when", "tap")]
                if None in parts:
                    continue
                name = self.text(f, parts[0], "interrupt name",  # type: ignore[arg-type]
                                 expands=False)
                when = self.locator(f, parts[1], "interrupt when")  # type: ignore[arg-type]
                tap = self.locator(f, parts[2], "interrupt tap")  # type: ignore[arg-type]
                if name and when and tap and im.where not in {i.where for i in self.interrupts}:
                    self.interrupts.append(model.Interrupt(name, when, tap, im.where))
            if not isinstance(n, RawSeq):
                self.err(f, n.where, f"interrupts must be a list, not {describe(n)}")
        if (n := m.get("blockers")) is not None:
            for item in n.items if isinstance(n, RawSeq) else ():
                bm = self.mapping(f, item, "a blocker")
                if bm is None:
                    continue
                self.keys(f, bm, ("name", "when"), "blocker")
                name_node = self.required(f, bm, "name", "a blocker")
                when_node = self.required(f, bm, "when", "a blocker")
                if name_node is None or when_node is None:
                    continue
                name = self.text(f, name_node, "blocker name", expands=False)
                when = self.locator(f, when_node, "blocker when")
                if name and when and bm.where not in {b.where for b in self.blockers}:
                    self.blockers.append(model.Blocker(name, when, bm.where))
            if not isinstance(n, RawSeq):
                self.err(f, n.where, f"blockers must be a list, not {describe(n)}")
        if (n := m.get("loading")) is not None:
            self.loading.extend(self.locators(f, n, "loading"))

    def flow(self, path: Path) -> model.Flow:  # noqa: PLR0915
        """Compile the flow at ``path``; raise FlowError / InputErrors listing every problem."""
        display = display_path(path)
        self.order[display] = 0
        source, root = load_raw(path, display)
        f = _File(source, path.resolve(), (Path(display).name,))
        if root is None:
            self.err(f, source.where(1), "empty file; a flow starts with 'mobile-optout: flow'")
            self.raise_errors()
        assert root is not None
        m = self.mapping(f, root, "a flow file")
        if m is None:
            self.raise_errors()
        assert m is not None
        marker = m.get(MARKER)
        kind = marker.as_text if isinstance(marker, RawScalar) else None
        if marker is None:
            self.err(f, m.where, f"not a flow: the first key must be '{MARKER}: flow'")
            self.raise_errors()
        if kind == "part":
            assert marker is not None
            self.err(f, marker.where, "this file is a part; include it from a flow "
                     "(include: path) rather than running it")
            self.raise_errors()
        if kind != "flow":
            assert marker is not None
            self.err(f, marker.where, f"{MARKER} must be 'flow', not {describe(marker)}")
        self.keys(f, m, FLOW_KEYS, "a flow")
        self.stack.append(f.real)

        name = self.header_text(f, m, "name", required=True, pattern=FLOW_NAME)
        description = self.header_text(f, m, "description") or ""
        platforms = self.platforms(f, m)
        apps = self.apps(f, m, platforms)
        tags: list[str] = []
        if (n := m.get("tags")) is not None:
            tags = self.strings(f, n, "tags", pattern=TAG_NAME)
        settings = self.settings(f, m)
        self.header_vars(f, m)
        allow: list[str] = []
        if (n := m.get("allow_taps")) is not None:
            allow = self.strings(f, n, "allow_taps", single_ok=True)
        identity: tuple[Locator, ...] = ()
        if (n := m.get("identity")) is not None:
            identity = self.locators(f, n, "identity")
        self.header_lists(f, m)
        settle = None
        if (n := m.get("settle")) is not None:
            settle = self.number(f, n, "settle")
        catalogue = self.catalogue(f, m, path)
        unsupported = self.unsupported(f, m)
        if "unsupported" in m:
            steps: tuple[Step, ...] = ()
            if (key := m.key_node("steps")) is not None:
                self.err(f, key.where, "an unsupported entry runs nothing: it has no steps")
        else:
            steps = self.steps(f, self.required(f, m, "steps", "a flow"), "steps")

        declared = {s.id: s for s in settings}
        for setting, where, src, options in self.setting_uses:
            if setting not in declared:
                known = ", ".join(sorted(declared)) or "none declared"
                self.err(src, where, f"setting '{setting}' is not declared under settings: "
                         f"({known})", did_you_mean(setting, declared))
                continue
            self.check_desired(f, declared[setting], options)
        # One result per (device, flow) records one setting's before/after: a flow that
        # governs two settings would blur them. Several flows can share a route (include).
        first = self.setting_uses[0][0] if self.setting_uses else None
        for setting, where, src, _ in self.setting_uses:
            if setting != first:
                self.err(src, where, f"ensure_setting '{setting}': this flow already ensures "
                         f"'{first}'; a flow ensures one setting (put '{setting}' in a flow "
                         "of its own; both can include the same route)")
        names = {*self.params, *self.secrets}
        for use in self.uses:
            if use.name not in names:
                self.err(use.source, use.where, f"undeclared variable ${{{use.name}}}; "
                         "declare it under params: or secrets:", did_you_mean(use.name, names))
        choices = {c.name: c for c in self.choices}
        for param_name, value, where, src in self.param_values:
            spec = choices.get(param_name)
            if spec is not None and value not in spec.choices:
                hint = did_you_mean(value, spec.choices)
                self.err(src, where, f"{spec.refusal(value)} (declared at {spec.where})",
                         hint)
        self.raise_errors()
        assert name is not None
        return model.Flow(
            path=path, name=name, where=m.where, platforms=platforms, apps=apps,
            steps=steps, description=description, tags=tuple(tags),
            settings=settings, params=tuple(self.params.items()), secrets=tuple(self.secrets),
            param_choices=tuple(self.choices),
            interrupts=tuple(self.interrupts), blockers=tuple(self.blockers),
            allow_taps=tuple(allow), identity=identity, loading=tuple(self.loading),
            settle=settle, catalogue=catalogue, unsupported=unsupported,
        )

    def catalogue(self, f: _File, m: RawMap, path: Path) -> model.Catalogue | None:
        """catalogue: {app, title, control, confidence, sources, web} (all optional)."""
        node = m.get("catalogue")
        cm = self.mapping(f, node, "catalogue") if node is not None else None
        if cm is None:
            return None
        self.keys(f, cm, CATALOGUE_KEYS, "catalogue")
        values: dict[str, str] = {}
        for key in ("title", "control", "web"):
            if (n := cm.get(key)) is not None:
                values[key] = self.text(f, n, key, expands=False) or ""
        app = path.resolve().parent.name
        if (n := cm.get("app")) is not None:
            app = self.name(f, n, "catalogue app", FLOW_NAME) or app
        confidence = ""
        if (n := cm.get("confidence")) is not None:
            confidence = self.choice(f, n, "confidence", CONFIDENCES) or ""
        sources: list[str] = []
        if (n := cm.get("sources")) is not None:
            sources = self.strings(f, n, "sources", single_ok=True)
            for source in sources:  # a page a user can open, never a path of ours
                if not source.startswith(("https://", "http://")):
                    self.err(f, n.where, f"catalogue source {source!r} is not a web address",
                             "quote the vendor's help page or a public guide: https://...")
        return model.Catalogue(app=app, confidence=confidence, sources=tuple(sources),
                               **values)

    def unsupported(self, f: _File, m: RawMap) -> model.Unsupported | None:
        """unsupported: {reason, page}: no control to drive; the flow runs nothing."""
        node = m.get("unsupported")
        um = self.payload_map(f, node, "unsupported", ("reason", "page"), ("reason",)) \
            if node is not None else None
        if um is None:
            return None
        reason_node = um.get("reason")
        assert reason_node is not None
        reason = self.text(f, reason_node, "reason", expands=False)
        page = ""
        if (n := um.get("page")) is not None:
            page = self.text(f, n, "page", expands=False) or ""
        return model.Unsupported(reason, page) if reason else None

    def check_desired(self, f: _File, spec: model.SettingSpec, options: tuple[str, ...]
                      ) -> None:
        """A choice's desired state names one of its options; a switch's is on or off."""
        source = f.source
        if spec.where is None:
            return
        if options and spec.desired not in options:
            self.err(source, spec.where, f"setting {spec.id}: desired must be one of the "
                     f"choice's options ({', '.join(options)}), not {spec.desired!r}",
                     did_you_mean(str(spec.desired), options))
        elif not options and not isinstance(spec.desired, bool):
            self.err(source, spec.where, f"setting {spec.id}: desired must be on or off, not "
                     f"{spec.desired!r} (a named option needs a choice: control)")

    def header_text(self, f: _File, m: RawMap, key: str, *, required: bool = False,
                    pattern: re.Pattern[str] | None = None) -> str | None:
        node = self.required(f, m, key, "a flow") if required else m.get(key)
        if node is None:
            return None
        return self.name(f, node, key, pattern) if pattern else self.text(f, node, key,
                                                                           expands=False)

    def platforms(self, f: _File, m: RawMap) -> tuple[Platform, ...]:
        node = self.required(f, m, "platforms", "a flow")
        if node is None:
            return ()
        items = node.items if isinstance(node, RawSeq) else (node,)
        if not items:
            self.err(f, node.where, "platforms must name at least one of: android, ios, web")
        out: list[Platform] = []
        for item in items:
            value = self.choice(f, item, "platform", PLATFORM_KEYS)
            if value is not None and Platform(value) in out:
                self.err(f, item.where, f"platform {value} is listed twice")
            elif value is not None:
                out.append(Platform(value))
        return tuple(out)

    def apps(self, f: _File, m: RawMap, platforms: tuple[Platform, ...]
             ) -> tuple[model.AppId, ...]:
        node = self.required(f, m, "app", "a flow")
        am = self.mapping(f, node, "app") if node is not None else None
        if am is None:
            return ()
        self.keys(f, am, PLATFORM_KEYS, "app")
        out = []
        for plat in Platform:
            sub = am.get(plat.value)
            if sub is None:
                if plat in platforms:
                    self.err(f, am.where, f"app needs '{plat.value}' (it is in platforms)")
                continue
            if plat not in platforms:
                key = am.key_node(plat.value)
                assert key is not None
                self.err(f, key.where, f"app.{plat.value} is given but {plat.value} is not "
                         "in platforms")
                continue
            sm = self.mapping(f, sub, f"app.{plat.value}")
            if sm is None:
                continue
            allowed = APP_KEYS[plat.value]
            self.keys(f, sm, allowed, f"app.{plat.value}")
            id_node = self.required(f, sm, allowed[0], f"app.{plat.value}")
            app_id = self.text(f, id_node, allowed[0]) if id_node is not None else None
            activity = None
            if (n := sm.get("activity")) is not None:
                activity = self.text(f, n, "activity")
            if app_id:
                out.append(model.AppId(plat, app_id, activity))
        return tuple(out)

    def settings(self, f: _File, m: RawMap) -> tuple[model.SettingSpec, ...]:
        node = m.get("settings")
        sm = self.mapping(f, node, "settings") if node is not None else None
        if sm is None:
            return ()
        out = []
        for key, value in sm.items:
            sid = str(key.value)
            if not TAG_NAME.match(sid):
                self.err(f, key.where, f"setting id '{sid}' must match {TAG_NAME.pattern[:-2]}")
                continue
            spec = self.mapping(f, value, f"setting {sid}")
            if spec is None:
                continue
            self.keys(f, spec, ("desired", "title"), f"setting {sid}")
            desired_node = self.required(f, spec, "desired", f"setting {sid}")
            desired: model.State | None = None
            if isinstance(desired_node, RawScalar) and isinstance(desired_node.value, str) \
                    and desired_node.value.lower() not in BOOL_WORDS:
                desired = self.text(f, desired_node, "desired", expands=False)  # a choice's option
            elif desired_node is not None:
                desired = self.boolean(f, desired_node, "desired")
            title = ""
            if (n := spec.get("title")) is not None:
                title = self.text(f, n, "title", expands=False) or ""
            if desired is not None:
                out.append(model.SettingSpec(sid, desired, title, key.where))
        return tuple(out)


def _target(cls: type[Step]) -> Callable[[Compiler, _File, RawNode, Where, dict[str, Any]],
                                          Step | None]:
    def build(c: Compiler, f: _File, node: RawNode, where: Where, common: dict[str, Any]
              ) -> Step | None:
        return c.build_target(f, node, where, common, cls)

    return build


BUILDERS: dict[str, Callable[[Compiler, _File, RawNode, Where, dict[str, Any]], Step | None]] = {
    "launch": Compiler.build_launch,
    "back": Compiler.build_back,
    "tap": _target(model.Tap),
    "wait_for": _target(model.WaitFor),
    "assert_visible": _target(model.AssertVisible),
    "assert_not_visible": _target(model.AssertNotVisible),
    "type": Compiler.build_type,
    "scroll_until_visible": Compiler.build_scroll,
    "screenshot": Compiler.build_screenshot,
    "include": Compiler.build_include,
    "do": Compiler.build_group,
    "checkpoint": Compiler.build_checkpoint,
    "stop": Compiler.build_stop,
    "ensure_setting": Compiler.build_ensure,
    "context": Compiler.build_context,
    "routes": build_routes,
}
assert set(BUILDERS) == set(model.STEP_KINDS), "every step kind needs a builder"


def compile_flow(path: Path) -> model.Flow:
    """Load and compile one flow file. Raises FlowError (one problem) or InputErrors."""
    return Compiler().flow(path)
