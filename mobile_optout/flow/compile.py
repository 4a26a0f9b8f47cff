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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mobile_optout.errors import FlowError, LocatedError, Where
from mobile_optout.flow import model
from mobile_optout.flow.model import IfMissing, Locator, Platform, Step
from mobile_optout.flow.params import VAR_NAME
from mobile_optout.flow.terms import BOOL_WORDS, PLATFORM_KEYS, Terms
from mobile_optout.flow.terms import FlowFile as _File
from mobile_optout.located import (
    RawMap,
    RawNode,
    RawScalar,
    RawSeq,
    Source,
    describe,
    did_you_mean,
    display_path,
    load_raw,
    raise_all,
)
from mobile_optout.steps import REGISTRY

MARKER = "mobile-optout"
FLOW_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
TAG_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")

FLOW_KEYS = (
    MARKER, "name", "description", "platforms", "app", "tags", "settings", "params",
    "secrets", "allow_taps", "identity", "interrupts", "blockers", "loading", "settle",
    "steps", "catalogue", "unsupported", "languages", "strings", "privacy_pages",
)
CATALOGUE_KEYS = ("app", "title", "control", "confidence", "sources", "web")
CONFIDENCES = ("H", "M", "L")
PART_KEYS = (MARKER, "description", "params", "interrupts", "blockers", "loading", "steps",
             "languages", "strings")
COMMON_STEP_KEYS = ("label", "optional", "if_missing", "timeout", "when", "resembles")
NO_PAYLOAD_KINDS = tuple(k.key for k in REGISTRY.values() if k.bare)  # `- back`
APP_KEYS = {"android": ("package", "activity"), "ios": ("bundle_id",), "web": ("url",)}
MAX_INCLUDES = 1000


class Compiler(Terms):
    """Compiles one flow file (with its includes). Use ``compile_flow``."""

    error_cls = FlowError

    def __init__(self) -> None:
        super().__init__()
        self.order: dict[str, int] = {}  # file display path -> first seen, to sort errors
        # (setting id, where, file, the choice's option names or () for on/off controls)
        self.setting_uses: list[tuple[str, Where, Source, tuple[str, ...]]] = []
        self.params: dict[str, str] = {}
        self.choices: list[model.ParamChoices] = []  # params that declare their values
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
        kinds = REGISTRY
        if isinstance(node, RawScalar):
            kind = node.as_text or ""
            if kind in kinds and kinds[kind].bare:
                return kinds[kind].model(where=node.where)
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
        return kinds[str(kind_key.value)].build(self, f, payload, node.where, common)

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

    def include(self, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                ) -> Step | None:
        """An ``include`` step's payload: the part's file, read and compiled here (cycles,
        params, the include limit), as a Group with its ``source``."""
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
        """strings:, interrupts: and blockers: of a flow or part."""
        self.l10n.header(self, f, m)
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
        identity_none: str | None = None
        if (n := m.get("identity")) is not None:
            if isinstance(n, RawMap) and "none" in n:
                identity_none = self.identity_none(f, n)
            elif isinstance(n, RawScalar) and str(n.value).casefold() == "none":
                self.err(f, n.where, "identity: none says no place, but not why",
                         'write identity: {none: "why this app\'s pages show no name"}')
            else:
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
        from mobile_optout.flow.privacy import build_privacy_pages

        privacy_pages = build_privacy_pages(self, f, m)

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
        languages = self.l10n.finish(self)
        self.raise_errors()
        assert name is not None
        return model.Flow(
            path=path, name=name, where=m.where, platforms=platforms, apps=apps,
            steps=steps, description=description, tags=tuple(tags),
            settings=settings, params=tuple(self.params.items()), secrets=tuple(self.secrets),
            param_choices=tuple(self.choices),
            interrupts=tuple(self.interrupts), blockers=tuple(self.blockers),
            allow_taps=tuple(allow), identity=identity, identity_none=identity_none,
            loading=tuple(self.loading),
            settle=settle, catalogue=catalogue, unsupported=unsupported, languages=languages,
            privacy_pages=privacy_pages,
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

    def identity_none(self, f: _File, node: RawMap) -> str | None:
        """identity: {none: why}: no place of the flow's own shows the member's name (or none a
        locator can tell from other texts), said on purpose and why."""
        m = self.payload_map(f, node, "identity", ("none",), ("none",))
        if m is None:
            return None
        why = m.get("none")
        assert why is not None
        return self.text(f, why, "identity none", expands=False)

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
                desired = self.text(f, desired_node, "desired", expands=False)  # an option
            elif desired_node is not None:
                desired = self.boolean(f, desired_node, "desired")
            title = ""
            if (n := spec.get("title")) is not None:
                title = self.text(f, n, "title", expands=False) or ""
            if desired is not None:
                out.append(model.SettingSpec(sid, desired, title, key.where))
        return tuple(out)


def compile_flow(path: Path) -> model.Flow:
    """Load and compile one flow file. Raises FlowError (one problem) or InputErrors."""
    return Compiler().flow(path)
