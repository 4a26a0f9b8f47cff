"""devices.yaml -> DeviceProfile: where flows run, and with which capabilities."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mobile_optout.errors import DevicesFileError, UsageError, Where
from mobile_optout.flow.model import DEFAULT_SETTLE, Platform
from mobile_optout.flow.params import references, substitute
from mobile_optout.located import (
    RawMap,
    RawNode,
    RawScalar,
    RawSeq,
    Reader,
    Source,
    describe,
    did_you_mean,
    display_path,
    parse,
    raise_all,
    read_source,
)
from mobile_optout.values import DEFAULT_BASE_URL, Browser, redact_url


@dataclass(frozen=True, slots=True)
class SimSpec:
    """A built-in simulated phone, started in-process on a free loopback port."""

    variants: tuple[str, ...] = ()
    seed: int = 0
    latency_ms: int = 0
    cost_model: bool = False  # answer each command in the time a real phone takes
    apps: tuple[str, ...] = ()  # installed apps: built-in names or app files; () = all built-in
    locale: str = ""  # the phone's (or website's) language: de, fr...; "" English


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds. ``step``: default deadline of a lookup; ``flow``: one whole flow;
    ``command``: one HTTP command; ``session``: opening a session (a busy grid queues);
    ``settle``: how long a changed setting must hold, for flows that do not say."""

    step: float = 10.0
    flow: float = 600.0
    command: float = 60.0
    session: float = 120.0
    poll: float = 0.25  # how often a wait looks again
    settle: float = DEFAULT_SETTLE  # a change must hold this long (a flow's settle: wins)


BROWSERS = ("chromium", "chrome")


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    name: str
    platform: Platform
    where: Where
    server: str | None = None  # Appium / Grid URL; None with ``sim``
    sim: SimSpec | None = None
    capabilities: Mapping[str, Any] = field(default_factory=dict)
    # Appium settings over the tool's expert defaults (``session.py``); None: the driver's
    settings: Mapping[str, Any] = field(default_factory=dict)
    timeouts: Timeouts = field(default_factory=Timeouts)
    default: bool = False
    pool: str | None = None  # the pool (grid / farm) this device was declared in
    description: str = ""
    retries: int = 2  # how many times a lost session is reopened within one flow
    managed: bool = False  # ``server: managed``: an Appium started here for the run
    # platform: web only
    browser: str | None = None  # "chromium"/"chrome": a browser started here (no server)
    base_url: str = DEFAULT_BASE_URL  # the site flows' paths are joined to
    # a local browser without a window (a server's: --headless too); None: only where
    # there is no display (mobile_optout.browserstart)
    headless: bool | None = None
    browser_profile: str | None = None  # a browser profile folder: the user's signed-in one
    verify: str = ""  # how a change is proven here (reopen | relaunch | none); "" = reopen

    @property
    def endpoint(self) -> str:
        """The server URL without credentials: safe to print, log and store."""
        if self.sim is not None:
            return "sim:" + self.platform.value
        if self.managed:
            return MANAGED
        if self.browser is not None:
            return "browser:" + self.browser
        return redact_url(self.server or "")

    @property
    def web(self) -> Browser | None:
        """For the driver: how a web device reaches its site (None on phones)."""
        if self.platform is not Platform.WEB:
            return None
        return Browser(base_url=self.base_url, name=self.browser, headless=self.headless,
                       profile_dir=self.browser_profile)

    @property
    def http_timeout(self) -> float:
        """What one HTTP call may take: opening a session (a busy grid queues) or a command."""
        return max(self.timeouts.session, self.timeouts.command)


MANAGED = "managed"  # `server: managed`: mobile-optout runs its own Appium for the run

# A person's phone (``server: managed``, a phone found on USB): the app's data is never
# cleared and the driver never installs or uninstalls anything. ``safe_for_a_phone``
# forces these on every session and drops the ones below.
PHONE_SAFE: dict[str, bool] = {"appium:noReset": True, "appium:fullReset": False}
NEVER_ON_A_PHONE = (
    "appium:app", "appium:otherApps", "appium:uninstallOtherPackages",
    "appium:enforceAppInstall",
)


def is_fake(capabilities: Mapping[str, Any]) -> bool:
    """Appium's fake driver (the tests' stand-in): no phone, so its ``app`` is only the
    XML model it serves and installs nothing."""
    name = capabilities.get("appium:automationName", capabilities.get("automationName"))
    return str(name or "").lower() == "fake"


def unsafe_on_a_phone(capabilities: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(capability, why) for each capability a person's phone must not get."""
    plain = {k.removeprefix("appium:"): (k, v) for k, v in capabilities.items()}
    found: list[tuple[str, str]] = []
    for name, safe in PHONE_SAFE.items():
        key, value = plain.get(name.removeprefix("appium:"), (name, safe))
        if value is not safe:
            found.append((key, f"must stay {str(safe).lower()} on a person's phone: the "
                               "app's data is never cleared"))
    if not is_fake(capabilities):
        for name in NEVER_ON_A_PHONE:
            if name.removeprefix("appium:") in plain:
                key = plain[name.removeprefix("appium:")][0]
                found.append((key, "the driver never installs or uninstalls apps on a "
                                   "person's phone; install the app yourself"))
    return found


def safe_for_a_phone(capabilities: Mapping[str, Any]) -> dict[str, Any]:
    """The capabilities a person's phone gets: PHONE_SAFE forced, NEVER_ON_A_PHONE dropped
    (Appium's fake driver keeps its ``app``)."""
    fake = is_fake(capabilities)
    never = {n.removeprefix("appium:") for n in NEVER_ON_A_PHONE}
    forced = {n.removeprefix("appium:") for n in PHONE_SAFE}
    kept = {k: v for k, v in capabilities.items()
            if k.removeprefix("appium:") not in forced
            and (fake or k.removeprefix("appium:") not in never)}
    return {**kept, **PHONE_SAFE}


# ---------------------------------------------------------------------------- the file

# Capability names that carry credentials (cloud farms' vendor blocks: accessKey, ...).
_SECRET_KEY = re.compile(r"(access_?key|password|passwd|secret|token|api_?key)$", re.I)
_ONLY_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")

BUILTIN_DEVICES_YAML = """\
# The built-in devices, used when there is no devices.yaml in the current folder.
devices:
  sim-android:
    platform: android
    sim: {}
    default: true
    description: The built-in simulated Android phone
  sim-ios:
    platform: ios
    sim: {}
    description: The built-in simulated iPhone
  sim-web:
    platform: web
    sim: {}
    browser: chromium
    headless: true
    description: The built-in simulated LinkedIn website, in headless Chromium
"""
BUILTIN_DEVICES_NAME = "<built-in devices>"

DEVICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
TOP_KEYS = ("devices", "pools")
WEB_KEYS = ("browser", "base_url", "headless", "browser_profile")
DEVICE_KEYS = (
    "platform", "server", "sim", "capabilities", "settings", "timeouts", "retries",
    "description", "default", "verify", *WEB_KEYS,
)
POOL_KEYS = ("server", "capabilities", "settings", "timeouts", "retries", "description",
             "devices")
POOL_DEVICE_KEYS = ("platform", "capabilities", "settings", "timeouts", "retries",
                    "description", "default", "verify", "base_url", "headless")
SIM_KEYS = ("variants", "seed", "latency_ms", "cost_model", "apps", "locale")
VERIFY_CHOICES = ("reopen", "relaunch", "none")  # how a change is proven (mobile_optout.reach)
TIMEOUT_KEYS = ("step", "flow", "command", "session", "poll", "settle")


@dataclass(frozen=True, slots=True)
class DeviceFile:
    """A loaded devices file: profiles by name (pool devices as ``pool/device``)."""

    path: str
    devices: dict[str, DeviceProfile]

    def default(self) -> DeviceProfile:
        """The device marked ``default: true``, else the only one."""
        marked = [d for d in self.devices.values() if d.default]
        if marked:
            return marked[0]
        if len(self.devices) == 1:
            return next(iter(self.devices.values()))
        names = ", ".join(self.devices) or "none"
        raise UsageError(
            f"{self.path}: several devices and none is marked 'default: true'; "
            f"choose one with --device NAME ({names})"
        )

    def get(self, name: str) -> DeviceProfile:
        if name in self.devices:
            return self.devices[name]
        close = did_you_mean(name, self.devices)
        hint = f" ({close})" if close else ""
        raise UsageError(
            f"no device '{name}' in {self.path}{hint}; devices: {', '.join(self.devices)}"
        )


class _DevicesReader(Reader):
    """Raw nodes of a devices file -> DeviceFile, gathering every problem."""

    error_cls = DevicesFileError

    def __init__(self, source: Source, folder: Path | None = None) -> None:
        super().__init__()
        self.source = source
        self.folder = folder  # app files in sim: apps: are relative to the devices file

    def text(self, node: RawNode, what: str) -> str | None:
        if isinstance(node, RawScalar) and node.value is not None and (node.as_text or ""):
            return node.as_text
        self.err(self.source, node.where,
                 f"{what} must be a non-empty string, not {describe(node)}")
        return None

    def number(self, node: RawNode, what: str, *, whole: bool = False, low: float = 0,
               positive: bool = True) -> float | None:
        value = node.value if isinstance(node, RawScalar) else None
        ok_type = int if whole else (int, float)
        if isinstance(value, ok_type) and not isinstance(value, bool):
            assert isinstance(value, int | float)
            if (value > low if positive else value >= low) and value != float("inf"):
                return float(value)
        shape = "a whole number" if whole else "a number"
        bound = f"> {low:g}" if positive else f">= {low:g}"
        shown = node.text if isinstance(node, RawScalar) else describe(node)
        self.err(self.source, node.where, f"{what} must be {shape} {bound}, not {shown}")
        return None

    def template(self, node: RawNode, what: str) -> str | None:
        """A string that may hold ${ENV}; references are checked, not expanded."""
        value = self.text(node, what)
        if value is None:
            return None
        for ref in references(value):
            if not ref.valid:
                self.err(self.source, node.where,
                         f"bad variable reference '${{{ref.name}}}' in {what}")
                return None
        return value

    def plain(self, node: RawNode) -> Any:
        """Capabilities: raw nodes -> plain values (strings checked as templates). A
        credential (accessKey, password, token...) must be an ${ENV} reference."""
        if isinstance(node, RawMap):
            for k, v in node.items:
                if (isinstance(v, RawScalar) and isinstance(v.value, str) and v.value
                        and _SECRET_KEY.search(str(k.value))
                        and not _ONLY_REFERENCE.fullmatch(v.value)):
                    self.err(self.source, v.where,
                             f"capability '{k.value}' holds a credential: it must "
                             "come from the environment", f"write {k.value}: \"${{FARM_KEY}}\"")
            return {str(k.value): self.plain(v) for k, v in node.items}
        if isinstance(node, RawSeq):
            return [self.plain(v) for v in node.items]
        if isinstance(node.value, str):
            self.template(node, "a capability") if node.value else None
        return node.value

    def capabilities(self, node: RawNode | None) -> dict[str, Any]:
        if node is None:
            return {}
        m = self.mapping(self.source, node, "capabilities")
        return {} if m is None else {str(k.value): self.plain(v) for k, v in m.items}

    def timeouts(self, node: RawNode | None) -> Timeouts | None:
        if node is None:
            return None
        m = self.mapping(self.source, node, "timeouts")
        if m is None:
            return None
        self.keys(self.source, m, TIMEOUT_KEYS, "timeouts")
        values: dict[str, float] = {}
        for key in TIMEOUT_KEYS:
            if (n := m.get(key)) is not None and (v := self.number(n, f"timeouts.{key}")):
                values[key] = v
        return Timeouts(**values)

    def sim(self, node: RawNode) -> SimSpec | None:
        if isinstance(node, RawScalar) and node.value is None:
            return SimSpec()
        m = self.mapping(self.source, node, "sim")
        if m is None:
            return None
        self.keys(self.source, m, SIM_KEYS, "sim")
        variants: list[str] = []
        if (n := m.get("variants")) is not None:
            if isinstance(n, RawSeq):
                from mobile_optout.sim.variants import VARIANTS, unknown_variant

                for item in n.items:
                    if (v := self.text(item, "a variant")) is None:
                        continue
                    if v not in VARIANTS:
                        self.err(self.source, item.where, unknown_variant(v))
                    variants.append(v)
            else:
                self.err(self.source, n.where, f"variants must be a list, not {describe(n)}")
        apps = self.apps(m.get("apps"))
        seed = latency = 0.0
        if (n := m.get("seed")) is not None:
            seed = self.number(n, "seed", whole=True, positive=False) or 0
        if (n := m.get("latency_ms")) is not None:
            latency = self.number(n, "latency_ms", whole=True, positive=False) or 0
        cost_model = False
        if (n := m.get("cost_model")) is not None:
            cost_model = self.flag(n, "cost_model")
        locale = ""
        if (n := m.get("locale")) is not None and (text := self.text(n, "locale")) is not None:
            if not re.match(r"[a-z]{2}\Z", text):
                self.err(self.source, n.where, f"locale '{text}' is not a two-letter language "
                         "code", "e.g. de, fr")
            locale = text
        return SimSpec(tuple(variants), int(seed), int(latency), cost_model, apps, locale)

    def flag(self, node: RawNode, what: str) -> bool:
        if isinstance(node, RawScalar) and isinstance(node.value, bool):
            return node.value
        self.err(self.source, node.where, f"{what} must be true or false, not {describe(node)}")
        return False

    def settings(self, node: RawNode | None) -> dict[str, Any]:
        """Appium settings: name -> a scalar (null: leave it at the driver's default)."""
        if node is None:
            return {}
        m = self.mapping(self.source, node, "settings")
        if m is None:
            return {}
        values: dict[str, Any] = {}
        for k, v in m.items:
            if isinstance(v, RawScalar):
                values[str(k.value)] = v.value
            else:
                self.err(self.source, v.where, f"setting '{k.value}' must be a number, string, "
                         f"true/false or null, not {describe(v)}")
        return values

    def apps(self, node: RawNode | None) -> tuple[str, ...]:
        """sim: apps: built-in app names, or app files (relative to this file)."""
        from mobile_optout.sim.appfile import builtin_apps, is_app_name

        if node is None:
            return ()
        if not isinstance(node, RawSeq):
            self.err(self.source, node.where, f"apps must be a list, not {describe(node)}")
            return ()
        found: list[str] = []
        for item in node.items:
            name = self.text(item, "an app")
            if name is None:
                continue
            if not is_app_name(name):
                path = Path(name)
                path = (self.folder / path) if self.folder and not path.is_absolute() else path
                if not path.is_file():
                    self.err(self.source, item.where, f"no app file {name}")
                    continue
                found.append(str(path))
            elif name in builtin_apps():
                found.append(name)
            else:
                self.err(self.source, item.where, f"no built-in app '{name}' "
                         f"(built-in: {', '.join(builtin_apps())}; or give an app file's path)",
                         did_you_mean(name, builtin_apps()))
        return tuple(found)

    def device(self, key: RawScalar, node: RawNode, *, pool: RawMap | None = None,
               pool_name: str = "") -> DeviceProfile | None:
        name = str(key.value)
        if not DEVICE_NAME.match(name):
            self.err(self.source, key.where,
                     f"device name '{name}' must match {DEVICE_NAME.pattern[:-2]}")
            return None
        m = self.mapping(self.source, node, f"device {name}")
        if m is None:
            return None
        self.keys(self.source, m, POOL_DEVICE_KEYS if pool else DEVICE_KEYS, f"device {name}")
        errors = len(self.errors)
        platform: Platform | None = None
        plat_node = m.get("platform")
        platforms = tuple(p.value for p in Platform)
        if plat_node is None:
            self.err(self.source, m.where,
                     f"device {name} needs 'platform' (android, ios or web)")
        elif isinstance(plat_node, RawScalar) and plat_node.as_text in platforms:
            platform = Platform(plat_node.as_text)
        else:
            shown = plat_node.text if isinstance(plat_node, RawScalar) else describe(plat_node)
            self.err(self.source, plat_node.where,
                     f"platform must be android, ios or web, not {shown}")
        web = self.web(m, name, platform)
        server, sim, managed = self.runs_where(name, m, pool, platform)
        caps = self.capabilities(pool.get("capabilities") if pool else None)
        caps.update(self.capabilities(m.get("capabilities")))
        settings = self.settings(pool.get("settings") if pool else None)
        settings.update(self.settings(m.get("settings")))
        if platform is Platform.WEB and (key_node := m.key_node("settings")) is not None:
            self.err(self.source, key_node.where, "settings: (Appium settings) are for android "
                     "and ios devices; a browser session has none")
        if managed:
            self.phone_safe(m, caps)
        timeouts = self.timeouts(m.get("timeouts")) or (
            self.timeouts(pool.get("timeouts")) if pool else None) or Timeouts()
        retries = 2.0
        retries_node = m.get("retries") or (pool.get("retries") if pool else None)
        if retries_node is not None:
            retries = self.number(retries_node, "retries", whole=True, positive=False) or 0
        description = ""
        if (n := m.get("description") or (pool.get("description") if pool else None)):
            description = self.text(n, "description") or ""
        default = False
        if (n := m.get("default")) is not None:
            default = self.flag(n, "default")
        verify = ""
        if (n := m.get("verify")) is not None:
            verify = self.text(n, "verify") or ""
            if verify not in VERIFY_CHOICES:
                self.err(self.source, n.where, f"verify must be one of "
                         f"{', '.join(VERIFY_CHOICES)}, not '{verify}'")
        if len(self.errors) > errors or platform is None:
            return None
        return DeviceProfile(
            name=f"{pool_name}/{name}" if pool_name else name, platform=platform,
            where=key.where, server=server, sim=sim, capabilities=caps, settings=settings,
            timeouts=timeouts,
            default=default, pool=pool_name or None, description=description,
            retries=int(retries), managed=managed, verify=verify, **web,
        )

    def runs_where(self, name: str, m: RawMap, pool: RawMap | None,
                   platform: Platform | None = None
                   ) -> tuple[str | None, SimSpec | None, bool]:
        """(server URL, simulated phone, managed) of a device: exactly one is given (a web
        device may instead name a browser: started here)."""
        if pool is not None:
            server_node = pool.get("server")
            server = self.text(server_node, "server") if server_node is not None else None
            return server, None, False
        server_node, sim_node = m.get("server"), m.get("sim")
        local = m.get("browser") is not None and platform is Platform.WEB
        if server_node is not None and sim_node is not None:
            sim_key = m.key_node("sim")
            assert sim_key is not None
            self.err(self.source, sim_key.where,
                     f"device {name} has both server: and sim:; give one")
        elif server_node is not None and local:
            key_node = m.key_node("browser")
            assert key_node is not None
            self.err(self.source, key_node.where, f"device {name} has both server: and "
                     "browser: (a browser started here); give one")
        elif server_node is None and sim_node is None and platform is Platform.WEB:
            if not local:
                self.err(self.source, m.where, f"device {name} needs browser: chromium (a "
                         "browser started here) or server: (Appium with its chromium driver, "
                         "or a Selenium Grid)")
        elif server_node is None and sim_node is None:
            self.err(self.source, m.where,
                     f"device {name} needs server: (an Appium URL, or '{MANAGED}' for an "
                     "Appium started here) or sim: {} (the built-in simulated phone)")
        elif isinstance(server_node, RawScalar) and server_node.value == MANAGED:
            return None, None, True
        elif server_node is not None:
            return self.server(server_node), None, False
        elif sim_node is not None:
            return None, self.sim(sim_node), False
        return None, None, False

    def phone_safe(self, m: RawMap, caps: Mapping[str, Any]) -> None:
        """A managed device is a person's phone: capabilities that would clear the app's
        data or install apps are errors at their line."""
        caps_node = m.get("capabilities")
        for key, why in unsafe_on_a_phone(caps):
            node = caps_node.key_node(key) if isinstance(caps_node, RawMap) else None
            where = node.where if node is not None else m.where
            self.err(self.source, where, f"capability '{key}' with server: managed: {why}")

    def web(self, m: RawMap, name: str, platform: Platform | None) -> dict[str, Any]:
        """browser:, base_url:, headless:, browser_profile: (platform web only)."""
        src = self.source
        out: dict[str, Any] = {}
        for key in WEB_KEYS:
            node = m.get(key)
            if node is None:
                continue
            if platform is not Platform.WEB:
                key_node = m.key_node(key)
                assert key_node is not None
                if platform is not None:
                    self.err(src, key_node.where, f"{key}: is for platform: web devices only")
                continue
            if key == "browser":
                value = self.text(node, "browser")
                if value is not None and value.lower() not in BROWSERS:
                    self.err(src, node.where, f"browser must be one of {', '.join(BROWSERS)}, "
                             f"not '{value}'")
                elif value is not None:
                    out["browser"] = value.lower()
            elif key == "base_url":
                value = self.template(node, "base_url")
                if value is not None and not value.startswith(("http://", "https://", "${")):
                    self.err(src, node.where, f"base_url must be an http:// or https:// URL, "
                             f"not '{value}'", f"the default is {DEFAULT_BASE_URL}")
                elif value is not None:
                    out["base_url"] = value.rstrip("/")
            elif key == "headless":
                if isinstance(node, RawScalar) and isinstance(node.value, bool):
                    out["headless"] = node.value
                else:
                    self.err(src, node.where,
                             f"headless must be true or false, not {describe(node)}")
            elif key == "browser_profile":
                out["browser_profile"] = self.template(node, "browser_profile")
        return out

    def server(self, node: RawNode) -> str | None:
        value = self.template(node, "server")
        if value is not None and not value.startswith(("http://", "https://", "${")):
            self.err(self.source, node.where,
                     f"server must be an http:// or https:// URL or '{MANAGED}', not '{value}'",
                     "e.g. http://127.0.0.1:4723")
            return None
        password = urlsplit(value).password if value else None
        if password and not _ONLY_REFERENCE.fullmatch(password):
            self.err(self.source, node.where,
                     "a password in a server URL must come from the environment",
                     "write https://${FARM_USER}:${FARM_KEY}@host/... and set them before a run")
            return None
        return value

    def read(self, root: RawNode | None, path: str) -> DeviceFile:
        devices: dict[str, DeviceProfile] = {}
        m = self.mapping(self.source, root, "a devices file") if root is not None else None
        if root is None:
            self.err(self.source, self.source.where(1),
                     "empty devices file; it needs devices: or pools:")
        if m is not None:
            self.keys(self.source, m, TOP_KEYS, "a devices file")
            if not any(k in m for k in TOP_KEYS):
                self.err(self.source, m.where, "a devices file needs devices: or pools:")
            n = m.get("devices")
            if n is not None and (dm := self.mapping(self.source, n, "devices")):
                for key, value in dm.items:
                    if device := self.device(key, value):
                        devices[device.name] = device
            if (n := m.get("pools")) is not None and (pm := self.mapping(self.source, n, "pools")):
                for key, value in pm.items:
                    for device in self.pool(key, value):
                        devices[device.name] = device
        defaults = [d for d in devices.values() if d.default]
        for extra in defaults[1:]:
            self.err(self.source, extra.where, f"device {extra.name} is marked default, and so is "
                     f"{defaults[0].name}; mark only one")
        raise_all(self.errors, lambda e: (e.where.line, e.where.col))
        return DeviceFile(path, devices)

    def pool(self, key: RawScalar, node: RawNode) -> list[DeviceProfile]:
        name = str(key.value)
        m = self.mapping(self.source, node, f"pool {name}")
        if m is None:
            return []
        if not DEVICE_NAME.match(name):
            self.err(self.source, key.where,
                     f"pool name '{name}' must match {DEVICE_NAME.pattern[:-2]}")
        self.keys(self.source, m, POOL_KEYS, f"pool {name}")
        server_node = m.get("server")
        if server_node is None:
            self.err(self.source, m.where, f"pool {name} needs server: (the Grid or farm URL)")
        elif self.server(server_node) is None:
            return []
        devices_node = m.get("devices")
        dm = self.mapping(self.source, devices_node,
                          f"pool {name} devices") if devices_node else None
        if devices_node is None:
            self.err(self.source, m.where, f"pool {name} needs devices:")
        if dm is None or server_node is None:
            return []
        return [d for k, v in dm.items if (d := self.device(k, v, pool=m, pool_name=name))]


def parse_devices(text: str, display: str) -> DeviceFile:
    """A devices file's text -> DeviceFile; DevicesFileError / InputErrors on problems."""
    source = Source(display, text)
    return _DevicesReader(source).read(parse(source, DevicesFileError), display)


def load_devices(path: Path) -> DeviceFile:
    """Load a devices file; every problem is reported with path:line:col."""
    display = display_path(path)
    source = read_source(path, display, DevicesFileError)
    return _DevicesReader(source, path.parent).read(parse(source, DevicesFileError), display)


def builtin_devices() -> DeviceFile:
    return parse_devices(BUILTIN_DEVICES_YAML, BUILTIN_DEVICES_NAME)


DEFAULT_DEVICES_FILE = Path("devices.yaml")


def load_devices_or_builtin(path: Path | None = None, *, explicit: bool = False) -> DeviceFile:
    """``path`` (default ./devices.yaml) when it exists; the built-in simulated phones
    when it is absent, unless the user named it (``explicit``): then a UsageError."""
    path = DEFAULT_DEVICES_FILE if path is None else path
    if path.is_file():
        return load_devices(path)
    if explicit:
        raise UsageError(f"devices file not found: {path}")
    return builtin_devices()


# ---------------------------------------------------------------------------- ${ENV}


def _expand_env(text: str, environ: Mapping[str, str], profile: DeviceProfile, what: str
                ) -> str:
    for ref in references(text):
        if ref.name not in environ:
            raise DevicesFileError(
                profile.where,
                f"environment variable {ref.name} is not set (used in {what} of device "
                f"'{profile.name}')",
            )
    return substitute(text, environ)


def resolve_server(profile: DeviceProfile, environ: Mapping[str, str]) -> str:
    """The device's server URL with ${ENV} filled in. Holds credentials: never print it;
    print ``profile.endpoint``."""
    if profile.server is None:
        raise UsageError(f"device '{profile.name}' is simulated and has no server")
    return _expand_env(profile.server, environ, profile, "the server")


def resolve_web(profile: DeviceProfile, environ: Mapping[str, str]) -> DeviceProfile:
    """A web device's base_url and browser profile with ${ENV} (and ~) filled in."""
    if profile.platform is not Platform.WEB:
        return profile
    base = _expand_env(profile.base_url, environ, profile, "base_url")
    folder = profile.browser_profile
    if folder is not None:
        folder = str(Path(_expand_env(folder, environ, profile, "browser_profile"))
                     .expanduser())
    return replace(profile, base_url=base, browser_profile=folder)


def resolve_capabilities(profile: DeviceProfile, environ: Mapping[str, str]) -> dict[str, Any]:
    """The device's capabilities with ${ENV} filled in, in every string value."""

    def one(value: Any, key: str) -> Any:
        if isinstance(value, str):
            return _expand_env(value, environ, profile, f"capability {key}")
        if isinstance(value, dict):
            return {k: one(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [one(v, key) for v in value]
        return value

    return {k: one(v, k) for k, v in profile.capabilities.items()}
