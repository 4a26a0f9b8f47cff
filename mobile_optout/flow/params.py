"""``${NAME}`` references in flow strings: finding them, and filling them in at run time.

A flow declares its variables under ``params:`` (with a default) and ``secrets:`` (values
from the environment only, never printed). ``$${NAME}`` is a literal ``${NAME}``.

Values, first found wins: params: ``--param NAME=V`` > environment variable NAME > the
default in the flow; secrets: the environment only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from mobile_optout.errors import InputError, UsageError, did_you_mean
from mobile_optout.flow.model import Flow, Locator

VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# `$${...}` (an escape) or `${...}` (a reference); the escape is tried first
_REF = re.compile(r"\$\$\{([^}]*)\}|\$\{([^}]*)\}")


@dataclass(frozen=True, slots=True)
class Ref:
    name: str
    start: int  # offset in the string, for column numbers
    valid: bool


def references(text: str) -> Iterator[Ref]:
    """Every ``${NAME}`` in ``text`` (escapes excluded); ``valid`` False for ``${a b}``."""
    for m in _REF.finditer(text):
        if m.group(2) is not None:
            name = m.group(2)
            yield Ref(name, m.start(), VAR_NAME.match(name) is not None)


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Replace ``${NAME}`` for the names in ``values``; leave others and escapes as they are."""

    def one(m: re.Match[str]) -> str:
        name = m.group(2)
        if name is not None and name in values:
            return values[name]
        return m.group(0)

    return _REF.sub(one, text)


def check_param_names(flows: Sequence[Flow], names: Iterable[str], flag: str = "--param"
                      ) -> None:
    """Every ``--param NAME`` must be a param some chosen flow declares: a typo is refused
    before anything runs, never silently replaced by the default."""
    declared = {n for f in flows for n, _ in f.params} | {n for f in flows for n in f.secrets}
    for name in names:
        if name not in declared:
            hint = did_you_mean(name, declared)
            known = ", ".join(sorted(declared)) or "none"
            raise UsageError(f"{flag} {name}: no chosen flow declares a param {name}"
                             + (f" ({hint})" if hint else "") + f"; params: {known}")


class Vars:
    """The values of a flow's variables for one run.

    Overrides for names the flow does not declare are ignored (one ``--param`` may serve
    several flows); overriding a secret is refused, so that it never sits in argv.
    """

    def __init__(
        self, flow: Flow, overrides: Mapping[str, str], environ: Mapping[str, str]
    ) -> None:
        self.flow_name = flow.name
        self.secrets = frozenset(flow.secrets)
        self.values: dict[str, str] = {}
        declared = dict(flow.params)
        for name in overrides:
            if name in self.secrets:
                raise InputError(
                    f"--param {name}: {name} is a secret of flow '{flow.name}'; "
                    "secrets come only from the environment"
                )
        for name, default in declared.items():
            if name in overrides:
                self.values[name] = overrides[name]
            elif name in environ:
                self.values[name] = environ[name]
            else:
                self.values[name] = default
        for spec in flow.param_choices:
            value = self.values[spec.name]
            if value not in spec.choices:
                source = "--param" if spec.name in overrides else "environment variable"
                hint = did_you_mean(value, spec.choices)
                raise UsageError(f"{spec.where}: {spec.refusal(value)} (from {source} "
                                 f"{spec.name}={value}" + (f"; {hint})" if hint else ")"))
        for name in self.secrets:
            if name in environ:
                self.values[name] = environ[name]

    def expand(self, text: str) -> str:
        """``text`` with every ``${NAME}`` replaced and ``$${X}`` turned into ``${X}``."""

        def one(m: re.Match[str]) -> str:
            name = m.group(2)
            if name is None:
                return "${" + m.group(1) + "}"
            if name in self.values:
                return self.values[name]
            if name in self.secrets:
                raise InputError(
                    f"secret {name} of flow '{self.flow_name}' is not set; "
                    f"set the environment variable {name}"
                )
            raise InputError(f"unknown variable ${{{name}}} in flow '{self.flow_name}'")

        return _REF.sub(one, text)

    def shown(self, text: str) -> str:
        """``text`` for people to read (labels, reports): params filled in, secrets left
        as ``${NAME}`` so that their values never reach a screen or a file."""
        public = {k: v for k, v in self.values.items() if k not in self.secrets}
        return substitute(text, public)

    def secret_values(self) -> list[str]:
        """The values of the secrets that are set (for the redactor); empty ones left out."""
        return [self.values[n] for n in sorted(self.secrets) if self.values.get(n)]

    def locator(self, loc: Locator) -> Locator:
        """``loc`` with ``${NAME}`` filled in wherever it holds text (the same object when
        it holds none, which is nearly always)."""
        return _expand_locator(loc, self)


_LOCATOR_TEXT_FIELDS = (
    "accessibility_id", "resource_id", "class_name", "xpath", "android_uiautomator",
    "ios_predicate", "ios_class_chain",
)


def _expand_locator(loc: Locator, values: Vars) -> Locator:
    changes: dict[str, object] = {}
    for name in _LOCATOR_TEXT_FIELDS:
        value = getattr(loc, name)
        if value is not None and "${" in value:
            changes[name] = values.expand(value)
    if loc.text is not None and "${" in loc.text.value:
        changes["text"] = replace(loc.text, value=values.expand(loc.text.value))
    if loc.any:
        alts = tuple(_expand_locator(a, values) for a in loc.any)
        if any(a is not b for a, b in zip(alts, loc.any, strict=True)):
            changes["any"] = alts
    if loc.switch_for is not None:
        inner = _expand_locator(loc.switch_for, values)
        if inner is not loc.switch_for:
            changes["switch_for"] = inner
    if loc.per_platform:
        parts = tuple((p, _expand_locator(part, values)) for p, part in loc.per_platform)
        if any(a[1] is not b[1] for a, b in zip(parts, loc.per_platform, strict=True)):
            changes["per_platform"] = parts
    return replace(loc, **changes) if changes else loc  # type: ignore[arg-type]
