"""The Appium settings an expert opens every session with, and what a device changes.

Left at the drivers' defaults, a phone is slow in ways that surprise (see
shared/reference/real-devices.md): UiAutomator2 waits up to ``waitForIdleTimeout``
(10 000 ms) for the app to go idle before every find, tap and page source, and an app with
autoplaying video never goes idle; XCUITest does the same while ``waitForQuiescence``
holds and waits ``animationCoolOffTimeout`` (2 s) after taps. The runner does its own
waiting (it polls for the screen it expects and reads a setting back until it holds), so
these waits buy nothing but time. The defaults below lower them; everything else stays as
the driver has it.

A device overrides any of them in devices.yaml: ``settings: {waitForIdleTimeout: 10000}``
(``null`` leaves the driver's own default), or the capabilities ``appium:settings`` /
``appium:settings[name]`` / ``appium:waitForQuiescence``. ``doctor`` lists what is in
effect. Settings travel as the session capability ``appium:settings`` (Appium applies them
as the session starts: no extra round trip).

No heavy imports here: ``doctor`` and ``validate`` read these tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mobile_optout.flow.model import Platform

EXPERT_SETTINGS: dict[Platform, dict[str, Any]] = {
    # ms; 0: no idle wait at all (the runner polls for the screen it expects instead).
    Platform.ANDROID: {"waitForIdleTimeout": 0},
    # seconds; the runner's own settle waits for the screen to stop changing.
    # respectSystemAlerts: a SpringBoard alert (a permission prompt) is what the page
    # source shows while it is up, so that the runner sees it and never taps under it.
    Platform.IOS: {"animationCoolOffTimeout": 0, "respectSystemAlerts": True},
    Platform.WEB: {},  # a browser session (chromedriver) has no Appium settings
}
EXPERT_CAPABILITIES: dict[Platform, dict[str, Any]] = {
    Platform.ANDROID: {},
    Platform.IOS: {"appium:waitForQuiescence": False},
    Platform.WEB: {},
}


def settings_from_caps(caps: Mapping[str, Any]) -> dict[str, Any]:
    """Appium settings a session request carries, as Appium reads them: ``appium:settings``
    (an object), then each ``appium:settings[name]`` (which win)."""
    whole: dict[str, Any] = {}
    single: dict[str, Any] = {}
    for key, value in caps.items():
        plain = key.removeprefix("appium:")
        if plain == "settings" and isinstance(value, dict):
            whole.update(value)
        elif plain.startswith("settings[") and plain.endswith("]"):
            single[plain[len("settings["):-1]] = value
    return {**whole, **single}


def is_settings_cap(key: str) -> bool:
    plain = key.removeprefix("appium:")
    return plain == "settings" or (plain.startswith("settings[") and plain.endswith("]"))


@dataclass(frozen=True, slots=True)
class InEffect:
    """One expert value as a session will have it, and who chose it."""

    name: str  # a setting name, or a capability name (``appium:...``)
    value: Any  # None: the driver's own default
    source: str  # "tool default" | "devices file"


def in_effect(platform: Platform, settings: Mapping[str, Any], caps: Mapping[str, Any]
              ) -> list[InEffect]:
    """Every expert setting and capability, plus any the device adds, as they will be."""
    from_device = {**settings_from_caps(caps), **settings}
    rows: list[InEffect] = []
    for name, value in EXPERT_SETTINGS[platform].items():
        if name in from_device:
            rows.append(InEffect(name, from_device[name], "devices file"))
        else:
            rows.append(InEffect(name, value, "tool default"))
    rows += [InEffect(n, v, "devices file") for n, v in from_device.items()
             if n not in EXPERT_SETTINGS[platform]]
    for name, value in EXPERT_CAPABILITIES[platform].items():
        if name in caps:
            rows.append(InEffect(name, caps[name], "devices file"))
        else:
            rows.append(InEffect(name, value, "tool default"))
    return rows


def session_settings(platform: Platform, settings: Mapping[str, Any],
                     caps: Mapping[str, Any]) -> dict[str, Any]:
    """The settings to send: expert defaults, then the device's (None drops one)."""
    merged = {**EXPERT_SETTINGS[platform], **settings_from_caps(caps), **settings}
    return {k: v for k, v in merged.items() if v is not None}


def session_capabilities(platform: Platform, settings: Mapping[str, Any],
                         caps: Mapping[str, Any]) -> dict[str, Any]:
    """Expert capabilities, the device's capabilities over them, and every setting folded
    into one ``appium:settings`` object."""
    out = {**EXPERT_CAPABILITIES[platform]}
    out.update({k: v for k, v in caps.items() if not is_settings_cap(k)})
    merged = session_settings(platform, settings, caps)
    if merged:
        out["appium:settings"] = merged
    return out
