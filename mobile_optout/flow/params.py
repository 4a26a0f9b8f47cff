"""``${NAME}`` references in flow strings: finding them, and filling them in at run time.

A flow declares its variables under ``params:`` (with a default) and ``secrets:`` (values
from the environment only, never printed). ``$${NAME}`` is a literal ``${NAME}``.

Values, first found wins: params: ``--param NAME=V`` > environment variable NAME > the
default in the flow; secrets: the environment only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mobile_optout.errors import InputError
from mobile_optout.flow.model import Flow

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

    def secret_values(self) -> list[str]:
        """The values of the secrets that are set (for the redactor); empty ones left out."""
        return [self.values[n] for n in sorted(self.secrets) if self.values.get(n)]
