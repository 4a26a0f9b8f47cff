"""Flow files: load, compile, validate, and the JSON Schema of the format.

    load_flow(path) -> Flow                  one file (raises FlowError / InputErrors)
    load_flows(paths) -> list[Flow]          files and folders (folders: every flow inside)
    validate(paths) -> list[LocatedError]    every problem in every file; never raises for them
    check_files(paths) -> list[FileCheck]    the same, per file (what `validate` prints)
    is_flow_file(path) -> bool               cheap: does the file say `mobile-optout: flow`?
    flow_json_schema() -> dict               JSON Schema (draft 2020-12) of the format
    Vars                                     ${NAME} values for one run
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mobile_optout.errors import FlowError, InputError, InputErrors, LocatedError, Where
from mobile_optout.flow.compile import compile_flow, display_path
from mobile_optout.flow.model import Flow
from mobile_optout.flow.params import Vars
from mobile_optout.flow.schema import flow_json_schema

__all__ = [
    "FileCheck",
    "Flow",
    "Vars",
    "check_files",
    "flow_json_schema",
    "is_devices_file",
    "is_flow_file",
    "load_flow",
    "load_flows",
    "validate",
]

FLOW_SUFFIXES = (".yaml", ".yml")
_FLOW_MARK = re.compile(r"""^mobile-optout:[ \t]*(["']?)flow\1[ \t]*(#.*)?$""", re.MULTILINE)
_DEVICES_MARK = re.compile(r"^(devices|pools):", re.MULTILINE)


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
    return compile_flow(path)


def _expand(paths: Sequence[Path]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for every path; folders give their flows, recursively."""
    out: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if is_flow_file(p))
            out.extend((p, False) for p in found)
        else:
            out.append((path, True))
    return out


def _not_a_flow(path: Path) -> LocatedError | None:
    shown = display_path(path)
    if not path.exists():
        return FlowError(Where(shown, 1, 1), "no such file or folder")
    if not is_flow_file(path):
        return FlowError(Where(shown, 1, 1), "not a flow file: its top level has no "
                         "'mobile-optout: flow' line")
    return None


def load_flows(paths: Sequence[Path]) -> list[Flow]:
    """Compile the named files and every flow under the named folders (sorted).

    A named file that is not a flow is an error. Problems of all files are gathered and
    raised together (InputErrors), so a user sees everything at once.
    """
    flows: list[Flow] = []
    errors: list[LocatedError] = []
    for path, explicit in _expand(paths):
        if explicit and (problem := _not_a_flow(path)):
            errors.append(problem)
            continue
        try:
            flows.append(load_flow(path))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except LocatedError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)
    return flows


@dataclass
class FileCheck:
    """The outcome of validating one file."""

    path: Path
    kind: str  # "flow" | "devices"
    errors: list[LocatedError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _errors_of(exc: InputError, path: Path) -> list[LocatedError]:
    if isinstance(exc, InputErrors):
        return list(exc.errors)
    if isinstance(exc, LocatedError):
        return [exc]
    return [FlowError(Where(display_path(path), 1, 1), str(exc))]


def check_files(paths: Sequence[Path]) -> list[FileCheck]:
    """Validate flows and devices files; folders give their flows (and devices files)."""
    from mobile_optout.devices import load_devices  # devices imports the flow loader

    checks: list[FileCheck] = []
    expanded: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if is_flow_file(p) or is_devices_file(p))
            expanded.extend((p, False) for p in found)
        else:
            expanded.append((path, True))
    for path, _ in expanded:
        if is_devices_file(path):
            check = FileCheck(path, "devices")
            try:
                load_devices(path)
            except InputError as exc:
                check.errors = _errors_of(exc, path)
        else:
            check = FileCheck(path, "flow")
            problem = _not_a_flow(path)
            if problem:
                check.errors = [problem]
            else:
                try:
                    load_flow(path)
                except InputError as exc:
                    check.errors = _errors_of(exc, path)
        checks.append(check)
    return checks


def validate(paths: Sequence[Path]) -> list[LocatedError]:
    """Every problem in every named file (flows and devices files); empty when all valid."""
    return [e for check in check_files(paths) for e in check.errors]
