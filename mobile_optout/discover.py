"""Phones found, not typed: what is plugged in, from ``adb devices -l`` and (on macOS)
``xcrun xctrace list devices``.

``connected()`` lists every phone the tools report, usable or not; ``Phone.problem`` says
in plain words why one cannot be used and what to do (unlock it and allow USB debugging,
replug the cable...). ``choose`` picks the phone a run means, and never guesses: with
several phones it raises ``SeveralPhones`` listing them. A chosen phone becomes a
``DeviceProfile`` on a managed Appium with its ``appium:udid`` and platform filled in.
"""

from __future__ import annotations

import platform as host_platform
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mobile_optout.devices import DeviceProfile
from mobile_optout.errors import DeviceError, UsageError, Where
from mobile_optout.flow.model import Platform

USB = "usb"  # `--device usb`, `--device usb:SERIAL`

# adb's word for a phone it cannot use -> (said plainly, what the person should do)
ADB_STATES: dict[str, tuple[str, str]] = {
    "unauthorized": ("not authorised", "unlock the phone and tap Allow on 'Allow USB "
                     "debugging?' (tick 'Always allow from this computer')"),
    "authorizing": ("waiting for authorisation", "unlock the phone and tap Allow on 'Allow "
                    "USB debugging?'"),
    "offline": ("offline", "unplug and replug the cable, unlock the phone; if it stays "
                "offline, run `adb kill-server` and plug it in again"),
    "no permissions": ("not allowed to open it (Linux udev rules)", "add a udev rule for the "
                       "phone's vendor, or run `adb kill-server && sudo adb start-server`"),
    "recovery": ("in recovery mode", "restart the phone normally"),
    "sideload": ("in sideload mode", "restart the phone normally"),
    "bootloader": ("in bootloader mode", "restart the phone normally"),
}


@dataclass(frozen=True, slots=True)
class Phone:
    serial: str  # adb serial or iOS UDID
    platform: Platform
    state: str  # adb's state ("device" = usable), or "available" / "offline" for iOS
    model: str = ""
    emulator: bool = False

    @property
    def ready(self) -> bool:
        return self.state in ("device", "available")

    @property
    def kind(self) -> str:
        if self.platform is Platform.IOS:
            return "iPhone / iPad"
        return "Android emulator" if self.emulator else "Android phone"

    @property
    def advice(self) -> tuple[str, str]:
        """(what is wrong, said plainly; what to do); ("", "") when it is ready."""
        if self.ready:
            return "", ""
        if self.platform is Platform.IOS:
            return "offline", "unlock it, trust this computer, and keep the cable in"
        return ADB_STATES.get(self.state, (f"'{self.state}' to adb", "replug the cable"))

    @property
    def problem(self) -> str:
        """Why it cannot be used and what to do, in one line; "" when it is ready."""
        said, todo = self.advice
        return f"{said}: {todo}" if said else ""

    @property
    def name(self) -> str:
        """The device name used in results: model and serial, file-name safe."""
        base = f"{self.model}-{self.serial}" if self.model else self.serial
        return re.sub(r"[^A-Za-z0-9._-]", "_", base)

    def row(self) -> tuple[str, str, str, str, str]:
        return (self.serial, self.kind, self.model or "?", "ready" if self.ready else
                self.state, self.problem or f"--device {USB}:{self.serial}")

    def profile(self) -> DeviceProfile:
        """This phone as a device: a managed Appium, the right platform, its udid."""
        return DeviceProfile(
            name=self.name, platform=self.platform, where=Where(f"{USB}:{self.serial}", 0),
            managed=True, capabilities={"appium:udid": self.serial},
            description=f"{self.kind} on USB" + (f" ({self.model})" if self.model else ""),
        )


# ----------------------------------------------------------------------------- parsing


_ADB_LINE = re.compile(r"^(\S+)\s+(.*)$")


def parse_adb(text: str) -> list[Phone]:
    """``adb devices -l`` output -> phones (daemon chatter and the header skipped)."""
    phones: list[Phone] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith(("*", "List of devices", "adb ")):
            continue
        m = _ADB_LINE.match(line.strip())
        if m is None:
            continue
        serial, rest = m.groups()
        if rest.startswith("no permissions"):
            state, props = "no permissions", rest
        else:
            words = rest.split()
            state_words = [w for w in words if ":" not in w]
            state = " ".join(state_words[:1]) if state_words else "unknown"
            props = rest
        fields = dict(re.findall(r"\b(model|product|device|usb):(\S+)", props))
        phones.append(Phone(
            serial=serial, platform=Platform.ANDROID, state=state,
            model=fields.get("model", ""), emulator=serial.startswith("emulator-"),
        ))
    return phones


_XCTRACE_LINE = re.compile(r"^(?P<name>.+?) \((?P<os>\d+(?:\.\d+)*)\) \((?P<udid>[0-9A-Fa-f-]+)\)$")


def parse_xctrace(text: str) -> list[Phone]:
    """``xcrun xctrace list devices`` -> the physical iPhones/iPads (not simulators, not
    the Mac itself, which has no OS version in parentheses)."""
    phones: list[Phone] = []
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("=="):
            section = line.strip("= ").lower()
            continue
        if section not in ("devices", "devices offline"):
            continue
        m = _XCTRACE_LINE.match(line)
        if m is None:
            continue
        phones.append(Phone(
            serial=m["udid"], platform=Platform.IOS,
            state="available" if section == "devices" else "offline", model=m["name"],
        ))
    return phones


# ----------------------------------------------------------------------------- looking


def _output(argv: list[str], environ: Mapping[str, str], timeout: float) -> str | None:
    exe = shutil.which(argv[0], path=environ.get("PATH"))
    if exe is None:
        return None
    try:
        done = subprocess.run(  # a fixed argv, no shell
            [exe, *argv[1:]], capture_output=True, text=True, timeout=timeout, check=False,
            env=dict(environ),
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout


def connected(environ: Mapping[str, str], *, macos: bool | None = None,
              timeout: float = 15.0) -> list[Phone]:
    """Every phone plugged in (or emulator running), usable or not; [] without the tools."""
    phones = parse_adb(_output(["adb", "devices", "-l"], environ, timeout) or "")
    if macos is None:
        macos = host_platform.system() == "Darwin"
    if macos:
        text = _output(["xcrun", "xctrace", "list", "devices"], environ, timeout)
        phones += parse_xctrace(text or "")
    return phones


# ----------------------------------------------------------------------------- choosing


class SeveralPhones(UsageError):
    """Several phones are connected and the run did not say which: the list, to choose."""

    def __init__(self, phones: Sequence[Phone]) -> None:
        self.phones = list(phones)
        listing = "\n".join(f"  {p.serial}  {p.kind}  {p.model or '?'}" for p in phones)
        super().__init__(
            f"{len(phones)} phones are connected; choose one with --device {USB}:SERIAL:\n"
            + listing
        )


def choose(phones: Sequence[Phone], serial: str | None = None) -> Phone:
    """The phone a run means: ``serial`` when given; else the only usable one. Never a
    guess: several usable phones raise SeveralPhones; none, a DeviceError saying why."""
    if serial is not None:
        for p in phones:
            if p.serial == serial:
                if not p.ready:
                    raise DeviceError(f"phone {p.serial} is {p.problem}")
                return p
        seen = ", ".join(p.serial for p in phones) or "none"
        raise DeviceError(f"no phone {serial} is connected (connected: {seen})")
    ready = [p for p in phones if p.ready]
    if len(ready) == 1:
        return ready[0]
    if len(ready) > 1:
        raise SeveralPhones(ready)
    if phones:
        raise DeviceError("no connected phone can be used yet:\n" + "\n".join(
            f"  {p.serial} ({p.kind}): {p.problem}" for p in phones))
    raise DeviceError(NO_PHONE)


NO_PHONE = (
    "no phone is connected: plug it in with a USB cable and turn on USB debugging "
    "(Settings > About phone > tap Build number 7 times; then Developer options > "
    "USB debugging); `mobile-optout devices` lists what is seen"
)
NO_ADB = (
    "adb (Android platform-tools) is not installed, so no Android phone can be seen: "
    "`mobile-optout setup android` says how to get it"
)


def has_adb(environ: Mapping[str, str]) -> bool:
    return shutil.which("adb", path=environ.get("PATH")) is not None


def find(environ: Mapping[str, str], serial: str | None = None) -> Phone:
    """The phone ``--device usb[:SERIAL]`` means (see ``choose``); without adb (and no
    iPhone seen) the error says so rather than "no phone"."""
    phones = connected(environ)
    if not phones and not has_adb(environ):
        raise DeviceError(NO_ADB)
    return choose(phones, serial)
