"""devices.yaml -> DeviceProfile: where flows run, and with which capabilities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mobile_optout.errors import Where
from mobile_optout.flow.model import Platform


@dataclass(frozen=True, slots=True)
class SimSpec:
    """A built-in simulated phone, started in-process on a free loopback port."""

    variants: tuple[str, ...] = ()
    seed: int = 0
    latency_ms: int = 0


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds. ``step``: default deadline of a lookup; ``flow``: one whole flow;
    ``command``: one HTTP command; ``session``: opening a session (a busy grid queues)."""

    step: float = 10.0
    flow: float = 600.0
    command: float = 60.0
    session: float = 120.0
    poll: float = 0.25  # how often a wait looks again


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    name: str
    platform: Platform
    where: Where
    server: str | None = None  # Appium / Grid URL; None with ``sim``
    sim: SimSpec | None = None
    capabilities: Mapping[str, Any] = field(default_factory=dict)
    timeouts: Timeouts = field(default_factory=Timeouts)
    default: bool = False
    pool: str | None = None  # the pool (grid / farm) this device was declared in
    description: str = ""
    retries: int = 2  # how many times a lost session is reopened within one flow

    @property
    def endpoint(self) -> str:
        """The server URL without credentials: safe to print, log and store."""
        if self.sim is not None:
            return "sim:" + self.platform.value
        return redact_url(self.server or "")


def redact_url(url: str) -> str:
    """``https://user:key@hub.example/wd/hub`` -> ``https://hub.example/wd/hub``."""
    parts = urlsplit(url)
    if not parts.username and not parts.password:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
