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

from mobile_optout.browserstart import NO_DISPLAY, ROOT_NOTE, as_root, has_display
from mobile_optout.devices import (
    DeviceFile,
    DeviceProfile,
    resolve_capabilities,
    resolve_server,
)
from mobile_optout.discover import NO_ADB, Phone, connected
from mobile_optout.errors import InputError
from mobile_optout.expert import in_effect
from mobile_optout.flow.model import Platform
from mobile_optout.managed import (
    APPIUM_VERSION,
    DRIVERS,
    NODE_WANTED,
    Installation,
    appium_home,
    installation,
    node_supported,
    server_environment,
)

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
    capabilities: Mapping[str, Any] = field(default_factory=dict)  # with ${ENV} filled in
    capabilities_error: str = ""  # a capability uses a ${ENV} that is not set
    node: str | None = None  # "v20.19.0"
    npm: str | None = None
    adb: bool = False
    adb_devices: Sequence[Phone] = ()  # Android phones and emulators adb lists
    environ: Mapping[str, str] = field(default_factory=dict)
    existing_paths: frozenset[str] = frozenset()  # which of ANDROID_HOME/JAVA_HOME exist
    macos: bool = False
    xcode: str | None = None  # "Xcode 15.4"
    other_devices: Sequence[tuple[str, str]] = ()  # (name, problem) for other entries
    browser: str | None = None  # "Chromium 156.0..." (web devices with browser:)
    chromedriver: str | None = None  # "ChromeDriver 156.0..."
    profile_exists: bool = True  # the browser_profile folder is there
    display: bool = True  # a browser window can open here (browserstart.has_display)
    root: bool = False  # running as root: Chromium's sandbox goes off
    java: str | None = None  # first line of `java -version`
    managed: Installation | None = None  # the managed Appium (mobile-optout setup)
    drawing: str = ""  # why the simulated phone's screenshots would be blank ("" = drawn)


def can_run(checks: Sequence[Check]) -> bool:
    return all(c.status is not Status.FAIL for c in checks)


# ------------------------------------------------------------------------- gathering


def _version(argv: list[str], path: str | None = None) -> str | None:
    exe = shutil.which(argv[0], path=path)
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
    if profile.managed:
        return gather_tools(profile.platform, env, devices=devices, profile=profile)
    server: ServerProbe | None = None
    server_error = capabilities_error = ""
    capabilities: dict[str, Any] = {}
    if profile.sim is None and profile.browser is None:
        try:
            url = resolve_server(profile, env)
        except InputError as exc:
            server_error = str(exc)
        else:
            server = probe_server(url, profile.endpoint)
        try:
            capabilities = resolve_capabilities(profile, env)
        except InputError as exc:
            capabilities_error = str(exc)
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
    drawing = ""
    if profile.sim is not None and profile.platform is not Platform.WEB:
        from mobile_optout.sim.render import drawing_problem

        drawing = drawing_problem()
    return Facts(
        drawing=drawing, browser=browser, chromedriver=chromedriver,
        profile_exists=profile.browser_profile is None
        or Path(profile.browser_profile).expanduser().is_dir(),
        display=has_display(env), root=as_root(),
        server=server, server_error=server_error, capabilities=capabilities,
        capabilities_error=capabilities_error,
        node=_version(["node", "--version"]), npm=_version(["npm", "--version"]),
        adb=has_adb, adb_devices=_android_phones(env) if android and has_adb else (),
        environ={k: env[k] for k in ("ANDROID_HOME", "JAVA_HOME") if k in env},
        existing_paths=existing, macos=macos,
        xcode=_version(["xcodebuild", "-version"]) if ios and macos else None,
        other_devices=_other_problems(profile, devices, env),
    )  # fmt: skip


def _other_problems(profile: DeviceProfile, devices: DeviceFile | None,
                    env: Mapping[str, str]) -> list[tuple[str, str]]:
    others: list[tuple[str, str]] = []
    for other in devices.devices.values() if devices is not None else ():
        if other.name == profile.name or other.sim is not None or other.managed:
            continue
        try:
            resolve_server(other, env)
        except InputError as exc:
            others.append((other.name, str(exc)))
    return others


def gather_tools(platform: Platform, environ: Mapping[str, str] | None = None, *,
                 devices: DeviceFile | None = None, profile: DeviceProfile | None = None
                 ) -> Facts:
    """What a managed Appium for ``platform`` needs on this machine (``setup``, and
    ``doctor`` for a managed device): node, npm, Java, adb, Xcode, the installation."""
    env = dict(os.environ if environ is None else environ)
    path = env.get("PATH")
    has_adb = shutil.which("adb", path=path) is not None
    android = platform is Platform.ANDROID
    macos = host_platform.system() == "Darwin"
    derived = server_environment(env)
    existing = frozenset(
        name for name in ("ANDROID_HOME", "JAVA_HOME")
        if derived.get(name) and Path(derived[name]).is_dir()
    )  # fmt: skip
    return Facts(
        node=_version(["node", "--version"], path), npm=_version(["npm", "--version"], path),
        adb=has_adb, adb_devices=_android_phones(env) if android and has_adb else (),
        environ={k: derived[k] for k in ("ANDROID_HOME", "JAVA_HOME") if k in derived},
        existing_paths=existing, macos=macos,
        xcode=_version(["xcodebuild", "-version"], path) if not android and macos else None,
        java=_version(["java", "-version"], path) if android else None,
        managed=installation(appium_home(env)),
        other_devices=_other_problems(profile, devices, env) if profile else (),
    )  # fmt: skip


def _android_phones(env: Mapping[str, str]) -> list[Phone]:
    return [p for p in connected(env, macos=False) if p.platform is Platform.ANDROID]


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK


# ------------------------------------------------------------------------- diagnosing


def diagnose(profile: DeviceProfile, facts: Facts) -> list[Check]:
    """The checks for ``profile`` given ``facts``. Pure: no I/O."""
    if profile.managed:
        return [
            managed_check(profile.platform, facts), *requirement_checks(profile.platform, facts),
            *([_adb_devices_check(profile, facts)] if profile.platform is Platform.ANDROID
              and facts.adb else []),
            *_other_devices(facts),
        ]
    checks = [_server_check(profile, facts)]
    if profile.platform is not Platform.WEB:
        checks.append(_settings_check(profile))  # a browser session has no Appium settings
    if profile.browser is not None:
        checks.extend(_browser_checks(profile, facts))
    if profile.sim is not None and profile.platform is not Platform.WEB:
        checks.append(_screenshot_check(facts))
    if profile.sim is not None or profile.browser is not None:
        checks.extend(_other_devices(facts))
        return checks
    if facts.capabilities_error:
        checks.append(Check("capabilities", Status.FAIL, facts.capabilities_error,
                            "export the variable (run refuses to start without it)"))
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


def _where_checks(profile: DeviceProfile, facts: Facts) -> list[Check]:
    """A display (or headless), and the sandbox as root: ``browserstart``'s rules."""
    checks: list[Check] = []
    if facts.display:
        checks.append(Check("display", Status.OK, "a display is there"))
    elif profile.headless is False:
        checks.append(Check("display", Status.FAIL, NO_DISPLAY))
    else:
        checks.append(Check("display", Status.OK, "no display (neither DISPLAY nor "
                            "WAYLAND_DISPLAY): the browser runs headless"))
    if facts.root:
        checks.append(Check("sandbox", Status.WARN, ROOT_NOTE,
                            "run as a normal user to keep Chromium's sandbox"))
    return checks
def _screenshot_check(facts: Facts) -> Check:
    """Evidence is what the tool promises: blank screenshots are worth a warning."""
    if facts.drawing:
        return Check("screenshots", Status.WARN, "the simulated phone's screenshots will be "
                     f"blank: {facts.drawing}", "pip install --force-reinstall 'pillow>=10.1'")
    return Check("screenshots", Status.OK, "drawn with Pillow (text, switches, dialogs)")


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

    checks = [Check(str(profile.browser), Status.OK, facts.browser),
              *_where_checks(profile, facts)]
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


def _settings_check(profile: DeviceProfile) -> Check:
    """The Appium settings and capabilities sessions open with, and who chose each."""
    rows = in_effect(profile.platform, profile.settings, profile.capabilities)
    shown = ", ".join(
        f"{r.name}={'driver default' if r.value is None else json.dumps(r.value)}"
        f"{' (devices file)' if r.source != 'tool default' else ''}"
        for r in rows
    )
    return Check("session settings", Status.OK, shown or "the driver's defaults",
                 "" if all(r.source == "tool default" for r in rows) else
                 "set by the devices file; the tool's defaults are in docs/appium-and-grid.md")


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
        checks.append(Check(  # said the way `devices` says it (discover.NO_ADB)
            "adb", Status.WARN, NO_ADB,
            "install Android platform-tools (Android Studio's SDK Manager, or "
            "`apt install adb`) and put the platform-tools folder on PATH"))
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
    phones = facts.adb_devices
    if not phones:
        return Check("adb devices", Status.WARN, "no Android device connected",
                     "plug the phone in with USB debugging on (Developer options)")
    caps = facts.capabilities or profile.capabilities  # ${ENV} filled in when it could be
    wanted = caps.get("appium:udid") or caps.get("udid")
    listing = ", ".join(f"{p.serial} ({p.state})" for p in phones)
    if wanted and wanted not in {p.serial for p in phones}:
        return Check("adb devices", Status.WARN, f"udid {wanted} is not connected; adb sees "
                     f"{listing}", "connect that phone or fix appium:udid")  # fmt: skip
    stuck = [p for p in phones if not p.ready and (not wanted or p.serial == wanted)]
    if stuck:
        said, todo = stuck[0].advice
        return Check("adb devices", Status.WARN, f"{stuck[0].serial} is {said}; adb sees "
                     f"{listing}", todo)  # fmt: skip
    return Check("adb devices", Status.OK, listing)


def managed_check(platform: Platform, facts: Facts) -> Check:
    """Is the managed Appium installed, with this platform's driver?"""
    found = facts.managed
    driver = DRIVERS[platform]
    fix = f"run `mobile-optout setup {platform.value}` once"
    if found is None or found.appium is None:
        where = f" in {found.home}" if found else ""
        return Check("managed Appium", Status.FAIL, f"not installed{where}", fix)
    if not found.has(driver):
        return Check("managed Appium", Status.FAIL,
                     f"{found.describe()}; the {driver.name} driver is missing", fix)
    if found.appium != APPIUM_VERSION or found.drivers[driver.name] != driver.version:
        return Check("managed Appium", Status.WARN,
                     f"{found.describe()}; this version of mobile-optout is tested with Appium "
                     f"{APPIUM_VERSION} and {driver.name} {driver.version}", fix)
    return Check("managed Appium", Status.OK, found.describe())


def requirement_checks(platform: Platform, facts: Facts) -> list[Check]:
    """What the managed Appium and the platform's driver need on this machine, each missing
    piece with how to get it."""
    node_fix = (f"install Node.js {NODE_WANTED} (https://nodejs.org, `brew install node`, or "
                "your package manager)")
    checks = []
    if facts.node is None:
        checks.append(Check("node", Status.FAIL, "Node.js is not installed", node_fix))
    elif not node_supported(facts.node):
        checks.append(Check("node", Status.FAIL, f"node {facts.node} is too old for Appium 3",
                            node_fix))
    else:
        checks.append(Check("node", Status.OK, f"node {facts.node}"))
    if facts.npm is None:
        checks.append(Check("npm", Status.FAIL, "npm is not installed",
                            "install npm (it comes with Node.js; on Debian: `apt install npm`)"))
    else:
        checks.append(Check("npm", Status.OK, f"npm {facts.npm}"))
    if platform is Platform.ANDROID:
        checks.extend(_driver_tools_android(facts))
    elif not facts.macos:
        checks.append(Check("Xcode", Status.FAIL, "iPhones are driven by XCUITest, which runs "
                            "only on a Mac with Xcode", "run mobile-optout on a Mac"))
    else:
        xcode = _xcode_check(facts)
        checks.append(Check(xcode.name, Status.FAIL, xcode.detail, xcode.fix)
                      if xcode.status is not Status.OK else xcode)
    return checks


def _driver_tools_android(facts: Facts) -> list[Check]:
    checks = []
    if facts.java is None:
        checks.append(Check("java", Status.FAIL, "Java is not installed; UiAutomator2 needs "
                            "a JDK", "install a JDK 17 (`apt install openjdk-17-jdk-headless`, "
                            "`brew install --cask temurin`) or set JAVA_HOME"))
    else:
        checks.append(Check("java", Status.OK, facts.java))
    if not facts.adb:
        checks.append(Check("adb", Status.FAIL, "adb (Android platform-tools) is not on PATH",
                            "install platform-tools (https://developer.android.com/tools/"
                            "releases/platform-tools, or Android Studio) and add them to PATH"))
    sdk = facts.environ.get("ANDROID_HOME")
    if not sdk or "ANDROID_HOME" not in facts.existing_paths:
        checks.append(Check("ANDROID_HOME", Status.FAIL,
                            "the Android SDK folder is not known; UiAutomator2 needs it",
                            "export ANDROID_HOME=<the folder holding platform-tools/>"))
    else:
        checks.append(Check("ANDROID_HOME", Status.OK, sdk))
    return checks


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
