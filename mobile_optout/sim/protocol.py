"""The Appium protocol as the simulated phone speaks it: a session, the W3C errors it
answers with, and the table of session commands (``route``), which ``sim/commands.py``
fills and ``sim/server.py`` serves."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mobile_optout.sim.engine import EngineError, Handle
from mobile_optout.sim.faults import Faults

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
SIM_VERSION = "3.x-sim"
POLL = 0.05  # how often an implicit wait looks again (server side)
NATIVE = "NATIVE_APP"


@dataclass
class Session:
    id: str
    ordinal: int
    caps: dict[str, Any]
    faults: Faults
    implicit_ms: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    elements: dict[str, Handle] = field(default_factory=dict)
    ids: dict[Handle, str] = field(default_factory=dict)
    stale_ids: set[str] = field(default_factory=set)  # ids of elements redrawn since
    redrawn: set[Handle] = field(default_factory=set)  # (the ``redrawn-once`` variant)
    commands: int = 0
    dead: bool = False
    context: str = "NATIVE_APP"  # or the WebView's context: commands are relayed to it

    def element_id(self, handle: Handle) -> str:
        eid = self.ids.get(handle)
        if eid is None:
            eid = str(uuid.uuid4())
            self.ids[handle] = eid
            self.elements[eid] = handle
        return eid


def _err(status: int, error: str, message: str) -> EngineError:
    return EngineError(status, error, message)


def no_such_element(using: str, value: str) -> EngineError:
    return _err(404, "no such element",
                "An element could not be located on the page using the given search "
                f"parameters ({using}={value!r}).")


def stale() -> EngineError:
    return _err(404, "stale element reference",
                "The element is not linked to the same object in DOM anymore "
                "(the screen it was found on was left or re-rendered)")


def invalid_session(sid: str) -> EngineError:
    return _err(404, "invalid session id",
                f"A session is either terminated or not started (id {sid})")


def invalid_argument(message: str) -> EngineError:
    return _err(400, "invalid argument", message)


Route = tuple[str, re.Pattern[str], Callable[..., Any], bool]
ROUTES: list[Route] = []


def route(method: str, pattern: str, *, element: bool = False) -> Callable[[Any], Any]:
    """Registers a session command: ``pattern`` is below /session/:sid."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        ROUTES.append((method, re.compile(f"^{pattern}$"), fn, element))
        return fn

    return deco
