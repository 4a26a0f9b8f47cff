"""Flow files: load, compile, validate, and the JSON Schema of the format.

    load_flow(path) -> Flow                  one file (raises FlowError / InputErrors)
    load_flows(paths) -> list[Flow]          files and folders (folders: every flow inside)
    is_flow_file(path) -> bool               cheap: does the file say `mobile-optout: flow`?
    flow_json_schema() -> dict               JSON Schema (draft 2020-12) of the format
    Vars                                     ${NAME} values for one run

Checking every kind of input file at once (flows, devices files, simulator app files) is
``mobile_optout.validate``. Importing this package is cheap: the compiler, the schema
(and YAML) load when first used, so the layers below (driver, device) can use ``flow.model``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mobile_optout.errors import FlowError, InputErrors, LocatedError, Where
from mobile_optout.flow.model import Flow
from mobile_optout.flow.params import Vars

__all__ = [
    "Flow",
    "Vars",
    "flow_json_schema",
    "is_devices_file",
    "is_flow_file",
    "load_flow",
    "load_flows",
]

FLOW_SUFFIXES = (".yaml", ".yml")
_FLOW_MARK = re.compile(r"""^mobile-optout:[ \t]*(["']?)flow\1[ \t]*(#.*)?$""", re.MULTILINE)
_DEVICES_MARK = re.compile(r"^(devices|pools):", re.MULTILINE)


def flow_json_schema() -> dict[str, Any]:
    """The JSON Schema of the flow format (``flow/schema.py``; loaded on first use, as the
    compiler is: both reach the step kinds, which sit above the device layer)."""
    from mobile_optout.flow.schema import flow_json_schema as schema

    return schema()


def _head(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return fh.read(64_000)
    except OSError:
        return ""


def is_flow_file(path: Path) -> bool:
    """True when ``path`` is a YAML file whose top level says ``mobile-optout: flow``.

    Cheap (a text search, no YAML parsing): pytest collection calls it on every YAML file.
    """
    return path.suffix in FLOW_SUFFIXES and path.is_file() and bool(_FLOW_MARK.search(_head(path)))


def is_devices_file(path: Path) -> bool:
    """True when the file's top level has ``devices:`` or ``pools:`` (a devices file)."""
    return path.suffix in FLOW_SUFFIXES and path.is_file() and bool(
        _DEVICES_MARK.search(_head(path)))


def load_flow(path: Path) -> Flow:
    """Compile one flow file; raises FlowError (one problem) or InputErrors (several)."""
    from mobile_optout.flow.compile import compile_flow

    return compile_flow(path)


def not_a_flow(path: Path) -> LocatedError | None:
    """Why a file named on purpose cannot be read as a flow; None when it can."""
    from mobile_optout.located import display_path

    shown = display_path(path)
    if not path.exists():
        return FlowError(Where(shown, 0, 0), "no such file or folder" + _builtin_hint(path))
    if not is_flow_file(path):
        return FlowError(Where(shown, 1, 1), "not a flow file: its top level has no "
                         "'mobile-optout: flow' line")
    return None


def load_flows(paths: Sequence[Path]) -> list[Flow]:
    """Compile the named files and every flow under the named folders (sorted).

    A named file that is not a flow is an error. Problems of all files are gathered and
    raised together (InputErrors), so a user sees everything at once.
    """
    from mobile_optout.located import expand, raise_all

    flows: list[Flow] = []
    errors: list[LocatedError] = []
    for path, explicit in expand(paths, is_flow_file):
        if explicit and (problem := not_a_flow(path)):
            errors.append(problem)
            continue
        try:
            flows.append(load_flow(path))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except LocatedError as exc:
            errors.append(exc)
    raise_all(errors)
    return flows


def _builtin_hint(path: Path) -> str:
    """For a mistyped built-in flow name (``linkdin``): the name meant, and where the
    names are listed."""
    if len(path.parts) != 1 or path.is_absolute() or path.name == "flows":
        return ""
    from mobile_optout.errors import did_you_mean
    from mobile_optout.flow.builtin import names

    hint = did_you_mean(path.name, names())
    if hint:
        return f" nor a built-in flow ({hint} `mobile-optout flows` lists them)"
    return " nor a built-in flow (`mobile-optout flows` lists them)"
