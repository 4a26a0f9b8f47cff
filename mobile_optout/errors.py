"""The tool's errors: one root, three branches.

    OptoutError                      every error the tool raises on purpose
    ├── InputError                   the user's input is wrong (exit 2)
    │   ├── FlowError                a flow file: carries path:line:col and a snippet
    │   ├── DevicesFileError         devices.yaml: same form as FlowError
    │   ├── AppFileError             a simulated phone's app file: same form
    │   ├── ReportFileError          a report.json that is not one this version reads
    │   └── UsageError               a command-line mistake (unknown device, bad --param)
    ├── StepFailed                   the app did not look as the flow expected (exit 1);
    │   │                            carries the UI tree at that moment
    │   ├── DeniedTap                a tap on a denylisted label was refused
    │   ├── Covered                  something else was on top of the tap's target
    │   └── LocatorRejected          the server refused a locator (bad XPath, predicate)
    ├── FlowEnded                    not a failure: the flow stopped with an honest outcome
    │                                (the setting is not offered here; a sign-in wall)
    ├── Interrupted                  the person pressed Ctrl-C: stop at the next safe point
    └── DeviceError                  device or infrastructure (exit 3)
        ├── ServerUnreachable        nothing answers at the Appium URL
        ├── SessionNotCreated        the server refused a new session (bad capabilities)
        │   └── GridBusy             a grid kept the request queued past its timeout
        ├── SessionLost              the session died mid-flow (invalid session, reset)
        ├── Unsupported              the server does not implement a command the flow needs
        └── TransientDeviceError     a command failed in a way worth one more try
            └── StaleElement         the element left the screen; find it again

Third-party errors (Appium, Selenium, urllib3) are converted to these in exactly
one place: ``mobile_optout.driver``. Everything above the driver sees only these.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint for a mistyped name: "did you mean 'x'?", or "" when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f"did you mean '{close[0]}'?" if close else ""


@dataclass(frozen=True, slots=True)
class Where:
    """A position in a user's file, 1-based, for messages of the form path:line:col."""

    path: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        if self.line <= 0:  # the whole file, or a name that is no file at all
            return self.path
        return f"{self.path}:{self.line}:{self.col}"

    @classmethod
    def unknown(cls, path: str | Path = "<unknown>") -> Where:
        return cls(str(path), 0, 0)


class OptoutError(Exception):
    """Root of every error the tool raises on purpose."""

    exit_code = 1


class InputError(OptoutError):
    """The user's input is wrong: a file, a flag. Never shown with a traceback."""

    exit_code = 2


class LocatedError(InputError):
    """An input error that points at a place in a file."""

    def __init__(self, where: Where, message: str, snippet: str = "", hint: str = "") -> None:
        self.where = where
        self.message = message
        self.snippet = snippet
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        text = f"{self.where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if self.snippet:
            text += "\n" + self.snippet
        return text


class FlowError(LocatedError):
    """A problem in a flow file."""


class DevicesFileError(LocatedError):
    """A problem in a devices file."""


class AppFileError(LocatedError):
    """A problem in a simulated phone's app file (``sim/apps/*.yaml``)."""


class ReportFileError(LocatedError):
    """A report.json that is not one this version of the tool wrote."""


class InputErrors(InputError):
    """Several input problems found in one pass; each is listed."""

    def __init__(self, errors: list[LocatedError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.render() for e in errors))


class UsageError(InputError):
    """A command-line mistake."""


class StepFailed(OptoutError):
    """The app did not look as the flow expected."""

    exit_code = 1

    def __init__(
        self, message: str, *, expected: str = "", actual: str = "", ui_tree: str = "",
        closest: tuple[str, ...] = (),
    ) -> None:
        self.message = message
        self.expected = expected
        self.actual = actual
        self.ui_tree = ui_tree
        self.closest = closest  # texts on screen close to what was wanted (did you mean)
        super().__init__(message)


class DeniedTap(StepFailed):
    """A tap on a denylisted label (Delete account, Sign out...) was refused."""


class Covered(StepFailed):
    """Something else is on top of the element a tap aims at; nothing was tapped."""


class FlowEnded(OptoutError):
    """The flow stopped early with an honest outcome: ``not_offered`` or ``blocked``."""

    def __init__(self, outcome: str, reason: str) -> None:
        self.outcome = outcome
        self.reason = reason
        super().__init__(f"{outcome}: {reason}")


class Interrupted(OptoutError):
    """The run was interrupted (Ctrl-C); what was done so far is recorded."""

    exit_code = 130


class DeviceError(OptoutError):
    """The device or the infrastructure failed, not the app."""

    exit_code = 3


class ServerUnreachable(DeviceError):
    """Nothing answers at the Appium server URL."""


class SessionNotCreated(DeviceError):
    """The server refused a new session, or a grid timed the request out."""


class GridBusy(SessionNotCreated):
    """Every matching device behind a grid was busy until the grid's queue timed out."""


class SessionLost(DeviceError):
    """The session died mid-flow; a new one may be opened."""


class TransientDeviceError(DeviceError):
    """A command failed in a way worth trying again (a 500, a stale element)."""


class StaleElement(TransientDeviceError):
    """The element left the screen; find it again."""


class LocatorRejected(StepFailed):
    """The server refused a locator (bad XPath, predicate, UiSelector)."""


class Unsupported(DeviceError):
    """The server does not implement a command the flow needs."""
