"""Start and stop a local Appium 3 server installed by npm into the project folder.

The project folder is the Appium home: its ``package.json`` depends on ``appium`` and on
the drivers, so ``npm ci`` installs both and Appium finds the drivers in ``node_modules``
without any ``appium driver install``. Used by the tests (with the fake driver) and by
users who want a server for a phone on their desk::

    with AppiumServer() as server:
        print(server.url)        # http://127.0.0.1:<free port>

The server logs to a file (``server.log_path``), never to the console.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from mobile_optout.errors import DeviceError

SETUP_HINT = "run scripts/setup --test (it installs node and runs npm ci)"
RESERVED_PORTS = range(5554, 5586)  # adb's emulator ports: never ours


def project_home() -> Path:
    """The folder whose ``package.json`` pins Appium: the checkout this module lives in,
    else the current directory."""
    here = Path(__file__).resolve().parents[1]
    if (here / "package.json").is_file():
        return here
    return Path.cwd()


def free_port() -> int:
    """A free loopback TCP port outside adb's 5554-5585."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


def get_json(url: str, timeout: float = 2.0) -> Any:
    """GET ``url`` and decode its JSON body; raises OSError/ValueError on failure."""
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def status_ready(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """The ``value`` of ``GET {url}/status`` if the server says ready, else None."""
    try:
        body = get_json(url.rstrip("/") + "/status", timeout)
    except (OSError, ValueError):
        return None
    value = body.get("value") if isinstance(body, dict) else None
    if isinstance(value, dict) and value.get("ready") is True:
        return value
    return None


# The server runs in a process group of its own (a Ctrl-C at the terminal reaches us, not
# it; we stop it). So that it never outlives us, even when we are killed outright, a small
# watcher holds the read end of a pipe only we write to: when we end, in any way, the pipe
# closes and the watcher stops the server's group.
TETHER = (
    "import os, signal, sys\n"
    "sys.stdin.buffer.read()\n"
    "try:\n    os.killpg(int(sys.argv[1]), signal.SIGTERM)\n"
    "except OSError:\n    pass\n"
)


def stop_process_group(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the process group ``proc`` leads, then SIGKILL after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        proc.wait(timeout=grace)


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class AppiumServer:
    """A local Appium server on 127.0.0.1, run from ``home/node_modules``.

    ``port=0`` picks a free port. ``start()`` returns once ``/status`` says ready
    (polled against ``startup_timeout``); ``stop()`` ends the whole process group, and
    so does the end of this process, however it ends (see ``TETHER``).
    """

    def __init__(
        self,
        port: int = 0,
        home: Path | None = None,
        node: str = "node",
        *,
        log_path: Path | None = None,
        startup_timeout: float = 60.0,
        extra_args: tuple[str, ...] = (),
        env: Mapping[str, str] | None = None,
        setup_hint: str = SETUP_HINT,
    ) -> None:
        self.home = (home or project_home()).resolve()
        self.env = dict(os.environ if env is None else env)
        self.setup_hint = setup_hint
        self.node = node
        self.port = port
        self.startup_timeout = startup_timeout
        self.extra_args = extra_args
        default_log = Path(tempfile.gettempdir()) / f"mobile-optout-appium-{os.getpid()}.log"
        self.log_path = log_path or default_log
        self._proc: subprocess.Popen[bytes] | None = None
        self._tether: subprocess.Popen[bytes] | None = None

    @property
    def main_js(self) -> Path:
        return self.home / "node_modules" / "appium" / "index.js"

    @property
    def url(self) -> str:
        if self._proc is None:
            raise DeviceError("the Appium server is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def missing_prerequisite(self) -> str | None:
        """Why this server cannot start here (no node, no npm install), or None."""
        if shutil.which(self.node, path=self.env.get("PATH")) is None:
            return f"node ({self.node!r}) is not on PATH; {self.setup_hint}"
        if not self.main_js.is_file():
            return f"Appium is not installed in {self.home / 'node_modules'}; {self.setup_hint}"
        return None

    def start(self) -> AppiumServer:
        if self.running:
            return self
        missing = self.missing_prerequisite()
        if missing:
            raise DeviceError(missing)
        if self.port == 0:
            self.port = free_port()
        env = dict(self.env, APPIUM_HOME=str(self.home))
        args = [
            self.node, str(self.main_js),
            "--address", "127.0.0.1", "--port", str(self.port),
            "--log-no-colors", "--log-timestamp", *self.extra_args,
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(
                args, cwd=self.home, env=env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self._tether = subprocess.Popen(
            [sys.executable, "-c", TETHER, str(self._proc.pid)], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.startup_timeout
        url = f"http://127.0.0.1:{self.port}"
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self.stop()
                raise DeviceError(
                    f"Appium exited with code {code} before it was ready "
                    f"(log: {self.log_path}):\n{log_tail(self.log_path)}"
                )
            if status_ready(url, timeout=1.0) is not None:
                return
            time.sleep(0.1)  # polling interval of a deadline-bound wait
        self.stop()
        raise DeviceError(
            f"Appium at {url} was not ready within {self.startup_timeout:.0f} s "
            f"(log: {self.log_path}):\n{log_tail(self.log_path)}"
        )

    def exit_code(self) -> int | None:
        """None while the server runs (or was stopped by us); its exit code once it died."""
        if self._proc is None:
            return None
        return self._proc.poll()

    def require_driver(self, automation: str) -> None:
        """A ready /status does not prove a driver loaded: Appium lists the drivers it
        loaded in its log, before it answers /status. DeviceError when ``automation``
        (an automationName) is not among them."""
        wanted = f"(automationName '{automation}')".lower()
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace").lower()
        except OSError:
            text = ""
        if wanted not in text:
            raise DeviceError(
                f"Appium started but did not load a driver for automationName {automation} "
                f"(log: {self.log_path}):\n{log_tail(self.log_path)}"
            )

    def stop(self) -> None:
        if self._proc is not None:
            stop_process_group(self._proc)
            self._proc = None
        if self._tether is not None:
            assert self._tether.stdin is not None
            self._tether.stdin.close()  # the watcher finds the group gone and exits
            self._tether.wait(timeout=10)
            self._tether = None

    def __enter__(self) -> AppiumServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
