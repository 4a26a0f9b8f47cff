"""The managed Appium: installed once per user by ``mobile-optout setup``, started per run.

A person with a phone on a USB cable should not have to install Appium, pick a driver, keep
a server running in a second terminal and type its URL. ``server: managed`` (and every
phone found on USB) means: mobile-optout starts its own Appium 3 on a free loopback port
for the run, from its own Appium home, and stops it when the run ends.

- Where: ``appium_home()`` = ``<cache>/appium`` with ``<cache>`` = ``$MOBILE_OPTOUT_CACHE``,
  else ``$XDG_CACHE_HOME/mobile-optout`` (``~/.cache/mobile-optout``) on Linux and
  ``~/Library/Caches/mobile-optout`` on macOS. That folder is the ``APPIUM_HOME``: its
  ``package.json`` depends on appium and the drivers, and Appium finds the drivers there.
- Which versions: ``APPIUM_VERSION`` is the Appium the project tests with (package.json; a
  test keeps them equal) and ``DRIVERS`` pins each platform's driver.
- How: ``install`` writes the folder's package.json (keeping drivers installed before) and
  runs ``npm install``; a second ``install`` of the same versions runs nothing.
- One Appium per device, never one shared server: a server that crashes or hangs takes
  one phone with it, each phone's Appium log is its own file in the run folder, and no
  phone waits for another's session to start. The driver-side ports that must still differ
  between phones (UiAutomator2 ``systemPort`` and ``mjpegServerPort``, XCUITest
  ``wdaLocalPort``) are given free ports by ``phone_ports``.
"""

from __future__ import annotations

import json
import os
import platform as host_platform
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mobile_optout.appium_server import AppiumServer, free_port, log_tail
from mobile_optout.errors import DeviceError
from mobile_optout.flow.model import Platform

APPIUM_VERSION = "3.8.0"  # = package.json's "appium": what the tests run against


@dataclass(frozen=True, slots=True)
class DriverPackage:
    package: str  # the npm package
    version: str
    name: str  # Appium's driver name (`appium driver list`)
    automation: str  # the automationName it serves


DRIVERS: dict[Platform, DriverPackage] = {
    Platform.ANDROID: DriverPackage("appium-uiautomator2-driver", "8.7.0", "uiautomator2",
                                    "UiAutomator2"),
    Platform.IOS: DriverPackage("appium-xcuitest-driver", "12.13.1", "xcuitest", "XCUITest"),
}
# Appium's fake driver (the tests' stand-in for a phone): a known automation, never set up
# by `setup`, but a managed server may run it when it is installed in the home.
FAKE_DRIVER = DriverPackage("@appium/fake-driver", "6.2.4", "fake", "Fake")
KNOWN_DRIVERS = (*DRIVERS.values(), FAKE_DRIVER)

CACHE_ENV = "MOBILE_OPTOUT_CACHE"
NPM_LOG = "npm-install.log"


def cache_dir(environ: Mapping[str, str] | None = None, system: str | None = None) -> Path:
    """This user's cache folder for mobile-optout (nothing in it is precious)."""
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    home = Path(env.get("HOME") or Path.home())
    if (system or host_platform.system()) == "Darwin":
        return home / "Library" / "Caches" / "mobile-optout"
    base = env.get("XDG_CACHE_HOME")
    return (Path(base) if base else home / ".cache") / "mobile-optout"


def appium_home(environ: Mapping[str, str] | None = None) -> Path:
    """The managed Appium's APPIUM_HOME."""
    return cache_dir(environ) / "appium"


# ------------------------------------------------------------------------ what is there


def installed_version(home: Path, package: str) -> str | None:
    """The version of ``package`` npm installed under ``home``, or None."""
    try:
        data = json.loads((home / "node_modules" / package / "package.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, str) else None


@dataclass(frozen=True, slots=True)
class Installation:
    """What the managed Appium home holds."""

    home: Path
    appium: str | None  # its version, None when absent
    drivers: dict[str, str]  # driver name -> version, of the known drivers present

    def describe(self) -> str:
        if self.appium is None:
            return f"no Appium in {self.home}"
        drivers = ", ".join(f"{n} {v}" for n, v in self.drivers.items()) or "no driver"
        return f"Appium {self.appium} with {drivers} in {self.home}"

    def has(self, driver: DriverPackage) -> bool:
        return self.appium is not None and driver.name in self.drivers


def installation(home: Path | None = None) -> Installation:
    home = home or appium_home()
    drivers = {d.name: v for d in KNOWN_DRIVERS if (v := installed_version(home, d.package))}
    return Installation(home, installed_version(home, "appium"), drivers)


def driver_for(platform: Platform, capabilities: Mapping[str, Any]) -> DriverPackage:
    """The driver a session needs: by its automationName, else the platform's."""
    name = capabilities.get("appium:automationName", capabilities.get("automationName"))
    for driver in KNOWN_DRIVERS:
        if str(name or "").lower() == driver.automation.lower():
            return driver
    return DRIVERS[platform]


# ------------------------------------------------------------------------ installing


def packages_for(platform: Platform) -> dict[str, str]:
    """The npm packages ``setup PLATFORM`` installs: Appium and the platform's driver."""
    driver = DRIVERS[platform]
    return {"appium": APPIUM_VERSION, driver.package: driver.version}


def npm_command(npm: str = "npm") -> list[str]:
    """The npm command run in the home (it installs what the home's package.json lists)."""
    return [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"]


def missing_packages(home: Path, packages: Mapping[str, str]) -> dict[str, str]:
    """The packages not installed at exactly the version wanted."""
    return {p: v for p, v in packages.items() if installed_version(home, p) != v}


def write_manifest(home: Path, packages: Mapping[str, str]) -> None:
    """The home's package.json: what it held before (other drivers stay) plus ``packages``."""
    path = home / "package.json"
    deps: dict[str, str] = {}
    try:
        old = json.loads(path.read_text("utf-8"))
        if isinstance(old, dict) and isinstance(old.get("dependencies"), dict):
            deps.update({str(k): str(v) for k, v in old["dependencies"].items()})
    except (OSError, ValueError):
        pass
    deps.update(packages)
    manifest = {
        "name": "mobile-optout-managed-appium", "private": True,
        "description": "Appium and its drivers for mobile-optout (written by "
                       "`mobile-optout setup`; safe to delete: setup installs it again).",
        "dependencies": dict(sorted(deps.items())),
    }  # fmt: skip
    home.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def install(home: Path, packages: Mapping[str, str], *, npm: str = "npm",
            environ: Mapping[str, str] | None = None) -> bool:
    """Install ``packages`` (name -> exact version) into ``home`` with npm. Returns False
    when they were all there already (nothing run). npm's output goes to NPM_LOG in the
    home; a failure is a DeviceError quoting its end."""
    if not missing_packages(home, packages):
        return False
    exe = shutil.which(npm, path=(environ or os.environ).get("PATH"))
    if exe is None:
        raise DeviceError(f"npm is not on PATH: install Node.js {NODE_WANTED} (it brings npm)")
    write_manifest(home, packages)
    log = home / NPM_LOG
    with log.open("wb") as out:
        done = subprocess.run(  # a fixed argv, no shell
            npm_command(exe), cwd=home, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, env=dict(environ or os.environ), check=False,
        )  # fmt: skip
    still = missing_packages(home, packages)
    if done.returncode != 0 or still:
        raise DeviceError(
            f"npm install in {home} failed (exit code {done.returncode}); log: {log}\n"
            + log_tail(log)
        )
    return True


NODE_WANTED = "20.19+ (or 22.12+)"


def node_supported(version: str) -> bool:
    """Appium 3 needs Node ^20.19 || ^22.12 || >=24."""
    try:
        major, minor = (int(p) for p in version.lstrip("v").split(".")[:2])
    except ValueError:
        return False
    return (major == 20 and minor >= 19) or (major == 22 and minor >= 12) or major >= 24


# ------------------------------------------------------------------------ running


def server_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The managed Appium's environment: the user's, plus ANDROID_HOME and JAVA_HOME worked
    out from ``adb`` and ``java`` on PATH when they are not set (UiAutomator2 needs both,
    and a person who installed platform-tools and a JDK should not have to export them)."""
    env = dict(environ)
    path = env.get("PATH")
    if not env.get("ANDROID_HOME") and not env.get("ANDROID_SDK_ROOT"):
        adb = shutil.which("adb", path=path)
        if adb is not None:
            tools = Path(adb).resolve().parent
            if tools.name == "platform-tools":
                env["ANDROID_HOME"] = str(tools.parent)
    if not env.get("JAVA_HOME"):
        java = shutil.which("java", path=path)
        if java is not None:
            env["JAVA_HOME"] = str(Path(java).resolve().parent.parent)
    return env


def phone_ports(platform: Platform, capabilities: Mapping[str, Any]) -> dict[str, int]:
    """Free ports for the driver's own port forwards, for those the device did not set:
    two phones (two Appiums) must never race for UiAutomator2's 8200 or WDA's 8100."""
    names = (("appium:systemPort", "appium:mjpegServerPort") if platform is Platform.ANDROID
             else ("appium:wdaLocalPort", "appium:mjpegServerPort"))
    plain = {k.removeprefix("appium:") for k in capabilities}
    return {n: free_port() for n in names if n.removeprefix("appium:") not in plain}


def managed_server(
    platform: Platform, capabilities: Mapping[str, Any], log_path: Path,
    environ: Mapping[str, str],
) -> AppiumServer:
    """A started Appium from the managed home, proven to have loaded the session's driver
    (a ready /status alone does not prove that). DeviceError, naming what to run, when the
    installation lacks Appium or the driver."""
    home = appium_home(environ)
    driver = driver_for(platform, capabilities)
    found = installation(home)
    hint = f"run `mobile-optout setup {platform.value}` once"
    if not found.has(driver):
        what = "Appium" if found.appium is None else f"the {driver.name} driver"
        raise DeviceError(f"{what} is not installed for the managed Appium ({home}): {hint}")
    env = server_environment(environ)
    if driver is DRIVERS[Platform.ANDROID] and not (
            env.get("ANDROID_HOME") or env.get("ANDROID_SDK_ROOT")):
        raise DeviceError("UiAutomator2 needs the Android SDK, and ANDROID_HOME is not set "
                          "(nor found from adb on PATH): export ANDROID_HOME=<the folder "
                          f"holding platform-tools/>; {hint} checks all it needs")
    server = AppiumServer(home=home, log_path=log_path, env=env, setup_hint=hint)
    server.start()
    try:
        server.require_driver(driver.automation)
    except DeviceError:
        server.stop()
        raise
    return server
