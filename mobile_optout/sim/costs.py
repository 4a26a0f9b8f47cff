"""What each command costs on a real phone, and how long a phone waits for an idle app.

Off by default (every command answers at once, so tests stay fast). With a ``CostModel``
the simulated phone answers each command after the time a UiAutomator2 / XCUITest device
would take (figures and their sources: docs/simulator.md, "Costs"):

- a page source and any XPath find walk the whole accessibility tree: a base plus a time
  per node of the screen;
- finds by id, accessibility id, UiSelector, predicate or class chain, taps, attribute
  reads: small fixed times;
- a screenshot: a base plus a time per kilobyte of PNG;
- gestures (scroll, swipe) and app commands (activate, terminate, deep link): the time the
  phone takes to animate them.

Idle waits (the ``never-idle`` variant) are separate: on a screen with live content
(autoplaying video) UiAutomator2 waits ``waitForIdleTimeout`` ms before each find, tap,
read and source, and XCUITest waits ``waitForIdleTimeout`` s while ``waitForQuiescence``
holds, plus ``animationCoolOffTimeout`` s after a tap. ``idle_wait_ms`` says how long,
from the session's settings and capabilities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mobile_optout.flow.model import Platform

# The command kinds the phone counts (GET /sim/state "commands") and prices.
SOURCE = "source"  # GET source
XPATH = "find_xpath"  # a find by XPath: builds the same tree as a source
FIND = "find"  # any other find
TAP = "tap"  # element click, pointer actions, mobile: clickGesture / tap
READ = "read"  # attribute, text, name, rect, displayed...
SCREENSHOT = "screenshot"
GESTURE = "gesture"  # mobile: scrollGesture / swipeGesture / scroll / swipe
APP = "app"  # mobile: activateApp / terminateApp / deepLink / queryAppState
BACK = "back"
OTHER = "other"  # settings, timeouts, window size, session details: no device work

# Kinds before which UiAutomator2 / XCUITest wait for the app to go idle.
WAITS_FOR_IDLE = frozenset({SOURCE, XPATH, FIND, TAP, READ, GESTURE, BACK})

# Settings as a fresh UiAutomator2 / XCUITest session has them (GET appium/settings).
DEFAULT_SETTINGS: dict[Platform, dict[str, Any]] = {
    Platform.ANDROID: {
        "waitForIdleTimeout": 10000, "waitForSelectorTimeout": 10000,
        "actionAcknowledgmentTimeout": 3000, "scrollAcknowledgmentTimeout": 200,
        "ignoreUnimportantViews": False, "allowInvisibleElements": False,
        "disableIdLocatorAutocompletion": False, "enableMultiWindows": False,
        "shouldUseCompactResponses": True,
    },
    Platform.IOS: {
        "waitForIdleTimeout": 10, "animationCoolOffTimeout": 2, "snapshotMaxDepth": 50,
        "useFirstMatch": False, "boundElementsByIndex": False,
        "shouldUseCompactResponses": True,
    },
}


@dataclass(frozen=True, slots=True)
class CostModel:
    """Milliseconds per command kind (before the round trip, which ``latency_ms`` adds)."""

    source_base_ms: float = 150.0
    source_per_node_ms: float = 4.0
    xpath_extra_ms: float = 20.0  # an XPath find: the tree, then the query over it
    find_ms: float = 20.0
    tap_ms: float = 25.0
    read_ms: float = 10.0
    screenshot_base_ms: float = 40.0
    screenshot_per_kb_ms: float = 1.0
    gesture_ms: float = 300.0
    app_ms: float = 400.0
    back_ms: float = 25.0

    def cost_ms(self, kind: str, *, nodes: int = 0, png_kb: float = 0.0) -> float:
        if kind == SOURCE:
            return self.source_base_ms + self.source_per_node_ms * nodes
        if kind == XPATH:
            return self.source_base_ms + self.source_per_node_ms * nodes + self.xpath_extra_ms
        if kind == SCREENSHOT:
            return self.screenshot_base_ms + self.screenshot_per_kb_ms * png_kb
        fixed = {FIND: self.find_ms, TAP: self.tap_ms, READ: self.read_ms,
                 GESTURE: self.gesture_ms, APP: self.app_ms, BACK: self.back_ms}
        return fixed.get(kind, 0.0)


TAP_SCRIPTS = frozenset({"clickGesture", "tap", "doubleClickGesture", "longClickGesture"})
GESTURE_SCRIPTS = frozenset({"scrollGesture", "swipeGesture", "scroll", "swipe", "dragGesture"})


def command_kind(method: str, rest: str, body: Mapping[str, Any]) -> str:
    """Which kind a session command (``rest``: the path below /session/:id) is."""
    if rest == "/source":
        return SOURCE
    if method == "POST" and rest.endswith(("/element", "/elements")):
        return XPATH if body.get("using") == "xpath" else FIND
    if rest.endswith("/click") or (rest == "/actions" and method == "POST"):
        return TAP
    if rest.startswith("/element/"):
        return READ
    if rest == "/screenshot":
        return SCREENSHOT
    if rest == "/back":
        return BACK
    if rest.startswith("/execute/"):
        script = str(body.get("script", "")).removeprefix("mobile:").strip()
        if script in TAP_SCRIPTS:
            return TAP
        if script in GESTURE_SCRIPTS:
            return GESTURE
        return APP
    return OTHER


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else default


def idle_wait_ms(platform: Platform, settings: Mapping[str, Any],
                 caps: Mapping[str, Any], kind: str) -> float:
    """How long a command of ``kind`` waits on a screen that never goes idle."""
    if kind not in WAITS_FOR_IDLE:
        return 0.0
    if platform is Platform.ANDROID:
        return max(0.0, _number(settings.get("waitForIdleTimeout"), 10000))
    plain = {k.removeprefix("appium:"): v for k, v in caps.items()}
    wait = 0.0
    if plain.get("waitForQuiescence", True) is not False:
        wait += max(0.0, _number(settings.get("waitForIdleTimeout"), 10)) * 1000
    if kind == TAP:
        wait += max(0.0, _number(settings.get("animationCoolOffTimeout"), 2)) * 1000
    return wait
