"""``mobile-optout doctor``: can the chosen device run a flow here, and if not, what to do.

Two halves. ``gather`` looks at the machine (HTTP to the Appium server, ``node``,
``adb devices -l``, environment, ``xcodebuild``) and returns plain ``Facts``;
``diagnose`` is a pure function from a device profile and those facts to a list of
``Check`` lines, each ok / warn / fail with what to do. Only a ``fail`` means the device
cannot run (the command then exits 3); a ``warn`` is worth reading but may be fine
(for example adb checks when Appium runs on another machine).
"""

from __future__ import annotations

import base64
import json
import os
import platform as host_platform
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mobile_optout.devices import DeviceFile, DeviceProfile, adb_devices, resolve_server
from mobile_optout.errors import InputError
from mobile_optout.flow.model import Platform

LOOPBACK = ("127.0.0.1", "localhost", "::1", "0.0.0.0")


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


@dataclass(frozen=True, slots=True)
class ServerProbe:
    """What ``GET {server}/status`` said: the ``value`` object, or why there is none."""

    url: str  # safe to print (no credentials)
    value: Mapping[str, Any] | None = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything ``diagnose`` needs to know about this machine."""

    server: ServerProbe | None = None  # None: the device is simulated, or the URL unresolved
    server_error: str = ""  # the server URL could not be resolved (unset ${ENV})
    node: str | None = None  # "v20.19.0"
    npm: str | None = None
    adb: bool = False
    adb_devices: Sequence[tuple[str, str]] = ()
    environ: Mapping[str, str] = field(default_factory=dict)
    existing_paths: frozenset[str] = frozenset()  # which of ANDROID_HOME/JAVA_HOME exist
    macos: bool = False
    xcode: str | None = None  # "Xcode 15.4"
    other_devices: Sequence[tuple[str, str]] = ()  # (name, problem) for other entries
    browser: str | None = None  # "Chromium 156.0..." (web devices with browser:)
    chromedriver: str | None = None  # "ChromeDriver 156.0..."
    profile_exists: bool = True  # the browser_profile folder is there


def can_run(checks: Sequence[Check]) -> bool:
    return all(c.status is not Status.FAIL for c in checks)


# ------------------------------------------------------------------------- gathering


def _version(argv: list[str]) -> str | None:
    exe = shutil.which(argv[0])
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, *argv[1:]], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "unknown version"


def probe_server(url: str, shown: str, timeout: float = 5.0) -> ServerProbe:
    """``GET {url}/status``. ``url`` may hold credentials (sent as basic auth, never shown)."""
    parts = urlsplit(url)
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if parts.username or parts.password:
        token = f"{parts.username or ''}:{parts.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    req = urllib.request.Request(url.rstrip("/") + "/status", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return ServerProbe(shown, error=f"GET /status answered HTTP {exc.code}")
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        text = "connection refused" if "refused" in str(reason).lower() else str(reason)
        return ServerProbe(shown, error=text or type(exc).__name__)
    value = body.get("value") if isinstance(body, dict) else None
    if not isinstance(value, dict):
        return ServerProbe(shown, error="GET /status did not answer {\"value\": {...}}")
    return ServerProbe(shown, value=value)


def gather(
    profile: DeviceProfile,
    devices: DeviceFile | None = None,
    environ: Mapping[str, str] | None = None,
) -> Facts:
    """Look at this machine for ``profile``. Slow parts (adb, xcodebuild) only when the
    device needs them."""
    env = dict(os.environ if environ is None else environ)
    server: ServerProbe | None = None
    server_error = ""
    if profile.sim is None and profile.browser is None:
        try:
            url = resolve_server(profile, env)
        except InputError as exc:
            server_error = str(exc)
        else:
            server = probe_server(url, profile.endpoint)
    local = profile.sim is None and is_loopback(profile.server or "")
    android = local and profile.platform is Platform.ANDROID
    ios = local and profile.platform is Platform.IOS
    has_adb = shutil.which("adb") is not None
    existing = frozenset(
        name for name in ("ANDROID_HOME", "JAVA_HOME")
        if env.get(name) and Path(env[name]).is_dir()
    )  # fmt: skip
    macos = host_platform.system() == "Darwin"
    others: list[tuple[str, str]] = []
    if devices is not None:
        for other in devices.devices.values():
            if other.name == profile.name or other.sim is not None:
                continue
            try:
                resolve_server(other, env)
            except InputError as exc:
                others.append((other.name, str(exc)))
    browser = chromedriver = None
    if profile.browser is not None:
        from mobile_optout.driver import BROWSER_BINARIES

        names = BROWSER_BINARIES.get(profile.browser, ())
        browser = next((v for n in names if (v := _version([n, "--version"]))), None)
        chromedriver = _version(["chromedriver", "--version"])
    return Facts(
        browser=browser, chromedriver=chromedriver,
        profile_exists=profile.browser_profile is None
        or Path(profile.browser_profile).expanduser().is_dir(),
        server=server, server_error=server_error,
        node=_version(["node", "--version"]), npm=_version(["npm", "--version"]),
        adb=has_adb, adb_devices=adb_devices() if android and has_adb else (),
        environ={k: env[k] for k in ("ANDROID_HOME", "JAVA_HOME") if k in env},
        existing_paths=existing, macos=macos,
        xcode=_version(["xcodebuild", "-version"]) if ios and macos else None,
        other_devices=others,
    )  # fmt: skip


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK


# ------------------------------------------------------------------------- diagnosing


def diagnose(profile: DeviceProfile, facts: Facts) -> list[Check]:
    """The checks for ``profile`` given ``facts``. Pure: no I/O."""
    checks = [_server_check(profile, facts)]
    if profile.browser is not None:
        checks.extend(_browser_checks(profile, facts))
    if profile.sim is not None or profile.browser is not None:
        checks.extend(_other_devices(facts))
        return checks
    checks.append(_node_check(profile, facts))
    if is_loopback(profile.server or "") and profile.platform is not Platform.WEB:
        if profile.platform is Platform.ANDROID:
            checks.extend(_android_checks(profile, facts))
        else:
            checks.append(_xcode_check(facts))
    checks.extend(_other_devices(facts))
    return checks


def _server_check(profile: DeviceProfile, facts: Facts) -> Check:
    name = f"device {profile.name}"
    if profile.sim is not None:
        variants = ", ".join(profile.sim.variants) or "default"
        if profile.platform is Platform.WEB:
            return Check(name, Status.OK, f"the simulated LinkedIn website (variants: "
                         f"{variants}) in a {profile.browser} started here")  # fmt: skip
        return Check(name, Status.OK, f"simulated {profile.platform} phone (variants: "
                     f"{variants}); no Appium server, adb or SDK needed")  # fmt: skip
    if profile.browser is not None:
        return Check(name, Status.OK, f"{profile.browser} started here through Selenium's "
                     f"own driver, opening {profile.base_url}")  # fmt: skip
    if facts.server is None:
        return Check(name, Status.FAIL, facts.server_error or "no server URL",
                     "export the variable, or fix the server: line in the devices file")
    probe = facts.server
    if probe.value is None:
        fix = "start Appium there (`appium --address 127.0.0.1 --port 4723`)"
        if is_loopback(probe.url):
            fix += ", or check the port in the devices file / --server"
        return Check(f"Appium at {probe.url}", Status.FAIL,
                     f"no Appium server answers at {probe.url}: {probe.error}", fix)  # fmt: skip
    value = probe.value
    if value.get("ready") is not True:
        message = value.get("message") or "not ready"
        return Check(f"Appium at {probe.url}", Status.FAIL, f"the server says: {message}",
                     "wait for it to finish starting, or free a busy Grid node")
    build = value.get("build")
    version = build.get("version") if isinstance(build, dict) else None
    nodes = value.get("nodes")
    if isinstance(nodes, list):  # a Selenium Grid hub
        up = sum(1 for n in nodes if isinstance(n, dict) and n.get("availability") == "UP")
        detail = f"Selenium Grid ready, {up} of {len(nodes)} nodes up"
    else:
        detail = f"Appium {version or '(version not reported)'} ready"
    return Check(f"Appium at {probe.url}", Status.OK,
                 detail + "; Appium 3 does not list its drivers over HTTP: "
                 "`appium driver list --installed` where it runs")  # fmt: skip


def _browser_checks(profile: DeviceProfile, facts: Facts) -> list[Check]:
    """A browser started here needs it and a chromedriver of the same major version."""
    install = "install it (Debian: apt install chromium chromium-driver)"
    if facts.browser is None:
        return [Check(str(profile.browser), Status.FAIL, f"{profile.browser} is not on PATH",
                      install)]
    if facts.chromedriver is None:
        return [Check("chromedriver", Status.FAIL, "chromedriver is not on PATH", install)]

    def major(text: str) -> str:
        return next((w.split(".")[0] for w in text.split() if w[:1].isdigit()), "?")

    checks = [Check(str(profile.browser), Status.OK, facts.browser)]
    if major(facts.browser) != major(facts.chromedriver):
        checks.append(Check("chromedriver", Status.FAIL, f"{facts.chromedriver} does not "
                            f"match {facts.browser}", "install the chromedriver of the "
                            "browser's major version"))
    else:
        checks.append(Check("chromedriver", Status.OK, facts.chromedriver))
    if profile.browser_profile:
        if not facts.profile_exists:
            checks.append(Check("browser profile", Status.FAIL, f"{profile.browser_profile} "
                                "does not exist", "copy 'Profile Path' from chrome://version"))
        else:
            checks.append(Check("browser profile", Status.WARN, profile.browser_profile,
                                "close the browser that uses this profile before a run: "
                                "it can only be open once"))
    return checks


def _node_check(profile: DeviceProfile, facts: Facts) -> Check:
    if facts.node is None:
        return Check("node", Status.WARN, "node is not installed here",
                     "only needed to run Appium on this machine: install Node.js 20+ "
                     "(or scripts/setup --test)")  # fmt: skip
    npm = f", npm {facts.npm}" if facts.npm else ", npm missing"
    return Check("node", Status.OK, f"node {facts.node}{npm}")


def _android_checks(profile: DeviceProfile, facts: Facts) -> list[Check]:
    checks: list[Check] = []
    if not facts.adb:
        checks.append(Check("adb", Status.WARN, "adb is not on PATH",
                            "install Android platform-tools and add them to PATH"))
    else:
        checks.append(_adb_devices_check(profile, facts))
    for var in ("ANDROID_HOME", "JAVA_HOME"):
        value = facts.environ.get(var)
        if not value:
            checks.append(Check(var, Status.WARN, f"{var} is not set; UiAutomator2 needs it",
                                f"export {var}=... before starting Appium"))
        elif var not in facts.existing_paths:
            checks.append(Check(var, Status.WARN, f"{var}={value} does not exist",
                                f"point {var} at an existing folder"))
        else:
            checks.append(Check(var, Status.OK, value))
    return checks


def _adb_devices_check(profile: DeviceProfile, facts: Facts) -> Check:
    if not facts.adb_devices:
        return Check("adb devices", Status.WARN, "no Android device connected",
                     "plug the phone in with USB debugging on (Developer options)")
    states = {serial: details.split()[0] if details else "" for serial, details in
              facts.adb_devices}  # fmt: skip
    wanted = profile.capabilities.get("appium:udid") or profile.capabilities.get("udid")
    unauthorized = [s for s, state in states.items() if state == "unauthorized"]
    listing = ", ".join(f"{s} ({state})" for s, state in states.items())
    if wanted and wanted not in states:
        return Check("adb devices", Status.WARN, f"udid {wanted} is not connected; adb sees "
                     f"{listing}", "connect that phone or fix appium:udid")  # fmt: skip
    if (wanted and states.get(str(wanted)) == "unauthorized") or (
        not wanted and unauthorized
    ):
        return Check("adb devices", Status.WARN, f"not authorised: {', '.join(unauthorized)}",
                     "unlock the phone and accept the 'Allow USB debugging?' prompt")
    return Check("adb devices", Status.OK, listing)


def _xcode_check(facts: Facts) -> Check:
    if not facts.macos:
        return Check("Xcode", Status.WARN, "iOS needs Appium with XCUITest on a Mac",
                     "run Appium on a Mac and point --server / devices.yaml at it")
    if facts.xcode is None:
        return Check("Xcode", Status.WARN, "xcodebuild not found",
                     "install Xcode and run `sudo xcode-select -s /Applications/Xcode.app`")
    return Check("Xcode", Status.OK, facts.xcode)


def _other_devices(facts: Facts) -> list[Check]:
    return [
        Check(f"device {name}", Status.WARN, problem, "export the variable to use this device")
        for name, problem in facts.other_devices
    ]
