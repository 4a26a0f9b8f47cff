"""Check input files without running anything (what `mobile-optout validate` prints):
flow files and their parts, devices files, and the simulated phone's app files. Every
problem is a ``path:line:col`` error; nothing here raises for them.

Sits above the readers it calls (flow, devices, sim.apps), so none of them imports another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mobile_optout.errors import FlowError, InputError, InputErrors, LocatedError, Where
from mobile_optout.flow import is_devices_file, is_flow_file, load_flow, not_a_flow
from mobile_optout.located import display_path, expand


@dataclass
class FileCheck:
    """The outcome of validating one file."""

    path: Path
    kind: str  # "flow" | "devices" | "sim-app"
    errors: list[LocatedError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # valid, but worth a look

    @property
    def ok(self) -> bool:
        return not self.errors


def _errors_of(exc: InputError, path: Path) -> list[LocatedError]:
    if isinstance(exc, InputErrors):
        return list(exc.errors)
    if isinstance(exc, LocatedError):
        return [exc]
    return [FlowError(Where(display_path(path), 1, 1), str(exc))]


def _readers() -> list[tuple[str, Callable[[Path], bool], Callable[[Path], object]]]:
    """(kind, is it one?, read it) for every kind of file, the first that claims a file
    reads it; a file no other kind claims is read as a flow."""
    from mobile_optout.devices import load_devices
    from mobile_optout.sim.appfile import is_app_file, load_app_file

    return [("devices", is_devices_file, load_devices),
            ("sim-app", is_app_file, load_app_file)]


def check_files(paths: Sequence[Path]) -> list[FileCheck]:
    """Validate flows, devices files and simulator app files; folders give all of them."""
    readers = _readers()

    def wanted(p: Path) -> bool:
        return is_flow_file(p) or any(claims(p) for _, claims, _ in readers)

    checks: list[FileCheck] = []
    for path, _ in expand(paths, wanted):
        kind, read = next(((k, r) for k, claims, r in readers if claims(path)),
                          ("flow", None))
        check = FileCheck(path, kind)
        if read is None and (problem := not_a_flow(path)):
            check.errors = [problem]
        else:
            try:
                loaded = (read or load_flow)(path)
            except InputError as exc:
                check.errors = _errors_of(exc, path)
            else:
                check.warnings = _flow_warnings(loaded)
        checks.append(check)
    return checks


def validate(paths: Sequence[Path]) -> list[LocatedError]:
    """Every problem in every named file; empty when all are valid."""
    return [e for check in check_files(paths) for e in check.errors]


def _flow_warnings(loaded: object) -> list[str]:
    """A flow that opens screens but does not say where the member's name shows: only the
    common places (results.redact.COMMON_IDENTITY), in stored page sources, are redacted.
    ``identity: {none: why}`` says so on purpose, and is not warned about."""
    from mobile_optout.flow.model import Flow

    if not isinstance(loaded, Flow) or loaded.identity or loaded.unsupported is not None \
            or loaded.identity_none is not None:
        return []
    return [f"{loaded.where.path}: warning: no identity: only the common places of the "
            "member's name (a profile picture's description, 'Signed in as ...') are "
            "redacted; add identity: with where this app shows it, or identity: {none: why} "
            "when its pages show it nowhere a locator can tell (docs/flow-format.md)"]
