"""The phone's state machine: its installed apps (screens, navigation stacks), the home
screen, the settings and the events.

One app is in front (``model``); the others keep their navigation stack in the background
until activated again or terminated. Settings are phone-wide: a setting's name belongs to
one app (two installed apps declaring the same name is refused at start).

All methods run under ``Engine.lock`` (the HTTP server calls them from many threads).
Element handles are (layer, token, key): valid while the screen instance (or dialog)
they were found on is still shown and their node is still rendered (not scrolled away).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mobile_optout.flow.model import Platform
from mobile_optout.sim.faults import Faults
from mobile_optout.sim.model import (
    AppModel,
    ElementSpec,
    ScreenSpec,
    SettingValue,
    builtin_apps,
    launcher,
    load_app,
)
from mobile_optout.sim.render import Page, build_page, screenshot_png
from mobile_optout.sim.statefile import load_settings, save_settings
from mobile_optout.sim.tree import Builder, Node, ViewState
from mobile_optout.sim.twists import Twists


class EngineError(Exception):
    """A command the phone refuses: carries the W3C error code and HTTP status."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


PENDING_SECONDS = 1.5  # a late switch shows its placeholder / spinner this long
REJECT_SECONDS = 6.0  # a "late" save is refused this long after the tap (past a settle)
SWALLOW_SECONDS = 1.2  # swallowed-swipes: swipes this soon after a screen arrives do nothing
LAZY_SECONDS = 3.0  # lazy rows stay "Loading…" this long
FLIP_BACK_SECONDS = 1.2  # a refused save flips the switch back after this long
NOTICE_SECONDS = 2.5  # ...and shows "Couldn't save" this long
SAVE_ERROR = "Couldn't save your change. Try again."


@dataclass
class ScreenInst:
    screen: str
    number: int
    scroll: int = 0
    loading_until: float = 0.0
    fields: dict[str, str] = field(default_factory=dict)
    arrived: float = field(default_factory=time.monotonic)

    def since(self) -> float:
        """Seconds since the screen showed its content (after any loading spinner)."""
        return time.monotonic() - max(self.arrived, self.loading_until)


@dataclass(frozen=True, slots=True)
class Handle:
    layer: str  # "screen" or "dialog"
    token: tuple[object, ...]
    key: str


@dataclass
class Rendering:
    page: Page
    screen: Node
    screen_token: tuple[object, ...]
    dialog: Node | None
    dialog_token: tuple[object, ...]
    screen_keys: dict[str, Node]
    dialog_keys: dict[str, Node]
    loading: bool
    png: bytes | None = None  # the screenshot, drawn on first ask

    def resolve(self, handle: Handle) -> Node | None:
        if handle.layer == "dialog":
            ok = handle.token == self.dialog_token
            return self.dialog_keys.get(handle.key) if ok else None
        return self.screen_keys.get(handle.key) if handle.token == self.screen_token else None

    def handle(self, node: Node) -> Handle:
        if node.key.startswith("dialog:"):
            return Handle("dialog", self.dialog_token, node.key)
        return Handle("screen", self.screen_token, node.key)


def element_info(node: Node) -> dict[str, Any]:
    return {"text": node.text, "label": node.desc, "id": node.rid or node.name,
            "class": node.tag, "bounds": list(node.bounds)}


def install(apps: Sequence[str | Path], variants: tuple[str, ...], locale: str = ""
            ) -> dict[str, AppModel]:
    """The apps a phone has (names of built-in apps or app files; default: every built-in
    app), checked to be told apart: names, package and bundle ids, setting names."""
    models: dict[str, AppModel] = {}
    owner: dict[str, str] = {}
    for app in apps or builtin_apps():
        model = load_app(variants, app, locale)
        for other in models.values():
            if model.name == other.name or model.package == other.package or (
                    model.bundle == other.bundle):
                raise ValueError(f"apps {other.name} and {model.name} have the same name, "
                                 "package or bundle id")
        for setting in model.settings:
            if setting in owner:
                raise ValueError(f"apps {owner[setting]} and {model.name} both declare the "
                                 f"setting {setting!r}; a phone's setting names are shared")
            owner[setting] = model.name
        models[model.name] = model
    return models


class Engine:
    def __init__(self, platform: Platform, variants: tuple[str, ...], seed: int,
                 state_file: Path | None, apps: Sequence[str | Path] = (), locale: str = ""
                 ) -> None:
        self.lock = threading.RLock()
        self.platform = platform
        self.variants = variants
        self.seed = seed
        self.locale = locale  # the phone's language ("" is English): its apps show it
        self.apps = install(apps, variants, locale)
        self.model: AppModel = next(iter(self.apps.values()))  # the app in front
        self.builders = {name: Builder(m, platform, tablet="tablet" in variants)
                         for name, m in self.apps.items()}
        self.home = launcher(list(self.apps.values()))
        self.background: dict[str, list[ScreenInst]] = {}  # app -> its stack, not in front
        self.t0 = time.monotonic()
        self.state_file = state_file
        self.settings = {k: v for m in self.apps.values() for k, v in m.settings.items()}
        self._load_state()
        self.app_running = False
        self.app_run = 0  # bumps on every launch: a restarted app shows new elements
        self._numbers = itertools.count(1)
        self.launcher = ScreenInst("launcher", next(self._numbers))
        self.stack: list[ScreenInst] = []
        self.dialog: tuple[str, int] | None = None
        self.asking: str | None = None  # the setting a confirm dialog asks about
        self.shown: dict[str, tuple[SettingValue, float]] = {}  # setting -> (shown, until)
        self.notice: tuple[str, float, float] | None = None  # (text, from, until)
        self.events: list[dict[str, Any]] = []
        self.effects: list[str] = []  # harm done by a tap: "grant", "rate", "sign-in"...
        self.shown_on: dict[str, int] = {}  # setting -> the screen instance showing it
        self.twists = Twists(variants, seed)
        self.taps = 0
        self.transitions = 0
        self.arrivals = 0
        self.faults = Faults(variants, seed, -1)
        self._cache: tuple[tuple[object, ...], Rendering] | None = None
        self._point: tuple[float, float] | None = None  # where a tap by coordinates landed

    # ------------------------------------------------------------------ persistence
    def _load_state(self) -> None:
        load_settings(self.state_file, self.settings)

    def save_state(self) -> None:
        save_settings(self.state_file, self.settings, apps=list(self.apps))

    # ------------------------------------------------------------------ inspection
    def now_ms(self) -> int:
        return int((time.monotonic() - self.t0) * 1000)

    @property
    def current(self) -> ScreenInst:
        return self.stack[-1] if self.app_running and self.stack else self.launcher

    @property
    def builder(self) -> Builder:
        return self.builders[self.model.name]

    def spec(self, screen_id: str) -> ScreenSpec:
        """A screen of the app in front, or the phone's home screen."""
        return self.home if screen_id == "launcher" else self.model.screen(screen_id)

    def app_for(self, app_id: str) -> AppModel | None:
        """The installed app with this package (android) or bundle id (ios)."""
        return next((m for m in self.apps.values() if app_id == (
            m.package if self.platform is Platform.ANDROID else m.bundle)), None)

    def record(self, kind: str, node: Node | None = None, setting: str | None = None,
               **extra: Any) -> None:
        event: dict[str, Any] = {
            "type": kind, "screen": self.current.screen,
            "element": element_info(node) if node is not None else None,
            "setting": setting, "t": self.now_ms()}
        if kind == "tap" and self._point is not None:
            event["x"], event["y"] = self._point
        event.update(extra)
        self.events.append(event)

    def state(self) -> dict[str, Any]:
        rendering = self.render()
        return {
            "screen": self.current.screen,
            "settings": dict(self.settings),
            "offered": self.model.offered(),  # settings that exist on some screen
            "taps": self.taps,
            "app_running": self.app_running,
            "dialog": self.dialog[0] if self.dialog and not rendering.loading else None,
            "loading": rendering.loading,
            "stack": [s.screen for s in self.stack] if self.app_running else [],
            "scroll": self.current.scroll,
            "platform": self.platform.value,
            "variants": list(self.variants),
            "effects": list(self.effects),
            "locale": self.locale or "en",
            "app": self.model.name,  # the app in front (or last in front)
            "apps": list(self.apps),
        }

    # ------------------------------------------------------------------ rendering
    def view(self) -> ViewState:
        """What the screen depends on now, timed effects included."""
        inst = self.current
        now = time.monotonic()
        loading = now < inst.loading_until
        notice = ""
        if self.notice is not None and self.notice[1] <= now < self.notice[2]:
            notice = self.notice[0]
        return ViewState(
            settings=dict(self.settings), scroll=inst.scroll, loading=loading,
            fields=dict(inst.fields),
            shown={k: v for k, (v, until) in self.shown.items() if now < until
                   and self.shown_on.get(k, inst.number) == inst.number},
            pending=inst.since() < PENDING_SECONDS, lazy=inst.since() < LAZY_SECONDS,
            notice=notice)

    def render(self) -> Rendering:
        inst = self.current
        view = self.view()
        loading = view.loading
        dialog = self.dialog if not loading else None
        key = (self.app_running, self.app_run, inst.number, dialog, view.key())
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        screen = self.builder.screen(self.spec(inst.screen), view)
        spec = self.model.dialogs[dialog[0]] if dialog is not None else None
        dialog_node = self.builder.dialog(spec) if spec is not None else None
        name = self.model.app_name if self.current.screen != "launcher" else "SpringBoard"
        if dialog_node is None:
            roots = [screen]
        elif spec is not None and spec.system and self.platform is Platform.IOS:
            roots, name = [dialog_node], "SpringBoard"  # the system's alert is in front
        elif self.platform is Platform.ANDROID and spec is not None and (
                spec.system or not (spec.sheet or spec.scrim)):
            roots = [dialog_node]  # UiAutomator2 dumps the active window only
        else:
            roots = [screen, dialog_node]
        page = build_page(self.platform, roots, self.builder.m, name)
        rendering = Rendering(
            page=page, screen=screen,
            screen_token=(self.app_run, inst.number, loading),
            dialog=dialog_node, dialog_token=(dialog,),
            screen_keys={n.key: n for n in screen.walk()},
            dialog_keys={n.key: n for n in dialog_node.walk()} if dialog_node else {},
            loading=loading)
        self._cache = (key, rendering)
        return rendering

    def screenshot(self) -> bytes:
        rendering = self.render()
        if rendering.png is None:
            roots = [rendering.screen] + ([rendering.dialog] if rendering.dialog else [])
            rendering.png = screenshot_png(roots, self.builder.m, dim_from=1)
        return rendering.png

    # ------------------------------------------------------------------ app lifecycle
    def _bring_forward(self, name: str | None) -> bool:
        """Put the app ``name`` in front (the one in front goes to the background); whether
        it comes back with its own screens (it was running in the background)."""
        if name is None or name == self.model.name:
            return False
        if self.app_running and self.stack:
            self.background[self.model.name] = self.stack
        self.model = self.apps[name]
        self.dialog = None
        self.stack = self.background.pop(name, [])
        self.app_running = bool(self.stack)
        self._cache = None
        return self.app_running

    def launch(self, name: str | None = None) -> None:
        """(Re)start an app (default: the one in front) on its start screen."""
        self._bring_forward(name)
        self.background.pop(self.model.name, None)
        self.app_running = True
        self.app_run += 1
        self.dialog, self.asking = None, None
        self.shown.clear()
        self.stack = [ScreenInst(self.model.start, next(self._numbers))]
        self.arrivals = 0  # screens reached since this launch (prompts come at the first)
        self.record("launch")
        self._arrive()

    def activate(self, name: str | None = None) -> None:
        """Bring an app to the front, where it was; start it if it was not running."""
        if self._bring_forward(name):
            self.record("activate")
        elif not self.app_running:
            self.launch()

    def query(self, name: str) -> int:
        """Appium's app state: 4 in front, 3 in the background, 1 not running."""
        if name == self.model.name:
            return 4 if self.app_running else 1
        return 3 if name in self.background else 1

    def terminate(self, kind: str = "terminate", name: str | None = None) -> bool:
        if name is not None and name != self.model.name:
            return self.background.pop(name, None) is not None
        was = self.app_running
        if was:
            self.record(kind)
        self.app_running = False
        self.stack = []
        self._close_dialog()
        return was

    def crash(self) -> None:
        self.record("crash")
        self.app_running = False
        self.stack = []
        self._close_dialog()

    def new_session(self, faults: Faults) -> None:
        self.faults = faults
        self.transitions = 0

    def deep_link(self, url: str, name: str | None = None) -> None:
        """Open ``url`` in an app (default: the first whose screens claim it, else the one
        in front). A sign-in wall (the app not starting on its usual screen) keeps it."""
        if name is None:
            name = next((m.name for m in self.apps.values() if m.deep_link_target(url)),
                        None)
        if name is not None and name != self.model.name:
            self.activate(name)
        target = self.model.deep_link_target(url)
        self.record("deep_link", url=url, target=target)
        if not self.app_running:
            self.launch()
        if (target is None or self.model.start != self.model.home
                or target == self.stack[-1].screen):
            return
        self.goto(target)

    # ------------------------------------------------------------------ navigation
    def _arrive(self) -> None:
        """A forward transition: maybe a spinner first (slow), maybe a popup (popups)."""
        seconds = self.faults.loading_seconds()
        if seconds:
            self.current.loading_until = time.monotonic() + seconds
        popup = self.faults.popup_at(self.transitions) or self.twists.prompt_at(
            self.arrivals, self.platform)
        self.arrivals += 1
        if popup is not None and popup in self.model.dialogs:
            self.dialog = (popup, next(self._numbers))
        self.transitions += 1

    def goto(self, screen: str) -> None:
        screen = self.twists.instead_of(screen, self.model.screens)
        if screen not in self.model.screens:
            return
        self.stack.append(ScreenInst(screen, next(self._numbers)))
        self._arrive()

    def back(self) -> None:
        self.record("back")
        if self.dialog is not None and self.platform is Platform.ANDROID:
            self._close_dialog()
            return
        if self.dialog is not None or not self.app_running:
            return
        if len(self.stack) > 1:
            self.stack.pop()
            top = self.stack[-1]
            self.stack[-1] = ScreenInst(top.screen, next(self._numbers), scroll=top.scroll)
        elif self.platform is Platform.ANDROID:
            self.app_running = False  # back on the root screen leaves the app
            self.stack = []

    # ------------------------------------------------------------------ input
    def tap_node(self, node: Node, layer_ok: bool = True) -> None:
        """A tap on a node: the nearest ancestor with an action handles it."""
        self.taps += 1
        rendering = self.render()
        if rendering.loading:
            self.record("tap", node, blocked="loading")
            return
        in_dialog = node.key.startswith("dialog:")
        if self.dialog is not None and not in_dialog:
            self.record("tap", node, blocked=f"dialog:{self.dialog[0]}")
            return
        if not node.enabled:
            self.record("tap", node, setting=node.setting, blocked="disabled")
            return
        spec = self._spec(node.key)
        if spec is not None and spec.harm:
            self.effects.append(spec.harm)
            self.record("tap", node, harm=spec.harm)
            self.events[-1]["harm"] = spec.harm
            self._harm(spec.harm)
            return
        actor: Node | None = node
        while actor is not None and actor.tap is None and actor.setting is None:
            actor = actor.parent
        if actor is not None and actor.setting is not None:
            if actor.kind == "radio":  # a choice's option: selecting it sets the choice
                self._save(actor.setting, actor.option, self._spec(actor.key), node)
            else:
                self._tap_switch(actor, node)
            return
        tap = actor.tap if actor is not None else None
        self.record("tap", node, **({"confirmed": self.asking}
                                    if tap is not None and tap.kind == "confirm" else {}))
        if tap is None or tap.kind == "none":
            return
        if tap.kind == "goto":
            self.goto(tap.target)
        elif tap.kind == "back":
            self.back()
        elif tap.kind == "dialog":
            self.dialog = (tap.target, next(self._numbers))
        elif tap.kind == "dismiss":
            self._close_dialog()
        elif tap.kind == "confirm":
            if self.asking is not None:
                self.shown.pop(self.asking, None)
                self._set(self.asking, not self.settings[self.asking])
            self.dialog, self.asking = None, None
        elif tap.kind == "launch":
            self.launch(tap.target or None)
        elif tap.kind == "set":  # a confirmation's button (or an option's row): sets the
            name, value = tap.assignment()  # setting, closes the dialog
            assert actor is not None
            spec = self._spec(actor.key)
            self.dialog, self.asking = None, None
            self.events.pop()  # recorded once, by _save, with what became of it
            self._save(name, value, spec, node)

    def _harm(self, harm: str) -> None:
        """What a harmful button does: the dialog closes (a permission granted, the app
        rated, sharing kept); closing an unresponsive app closes it."""
        self.dialog, self.asking = None, None
        if harm == "close":
            self.terminate("crash")

    def _tap_switch(self, switch: Node, node: Node) -> None:
        """A tap on a setting's switch: it flips, asks first, or fails to save."""
        setting = switch.setting
        assert setting is not None
        spec = self._spec(switch.key)
        if not switch.enabled:
            self.record("tap", node, setting=setting, blocked="disabled")
            return
        value = not self.settings[setting]
        if "session-expires-on-tap" in self.variants:
            self.record("tap", node, setting=setting, result="signed-out")
            self.stack.append(ScreenInst("sign_in", next(self._numbers)))
            return
        if spec is not None and spec.survey and not value:
            self.record("tap", node, setting=setting, result="asked-why")
            self.goto(spec.survey)
            return
        if spec is not None and spec.confirm and not value:
            self.record("tap", node, setting=setting, result="asked")
            self.asking = setting
            if spec.optimistic:
                self.shown[setting] = (value, float("inf"))
            self.dialog = (spec.confirm, next(self._numbers))
            return
        self._save(setting, value, spec, node, done="flipped")

    def _save(self, setting: str, value: SettingValue, spec: ElementSpec | None,
              node: Node, done: str = "set") -> None:
        """A control that sets a setting (a switch, a choice's option, a confirmation's
        button): it is saved, or, with ``save_fails``, shows the value and flips back."""
        if spec is not None and spec.save in ("late", "lost"):
            self.record("tap", node, setting=setting, result=f"save-{spec.save}")
            until = time.monotonic() + REJECT_SECONDS if spec.save == "late" else float("inf")
            self.shown[setting] = (value, until)
            self.shown_on[setting] = self.current.number
            if spec.save == "late":
                self.notice = (SAVE_ERROR, until, until + NOTICE_SECONDS)
            return
        if spec is not None and spec.save_fails:
            now = time.monotonic()
            self.record("tap", node, setting=setting, result="save-failed")
            self.shown[setting] = (value, now + FLIP_BACK_SECONDS)
            self.notice = (SAVE_ERROR, now + FLIP_BACK_SECONDS,
                           now + FLIP_BACK_SECONDS + NOTICE_SECONDS)
            return
        self.record("tap", node, setting=setting, result=done)
        self._set(setting, value)
        after = self.twists.after_save(self.platform)
        if after is not None and after in self.model.dialogs and self.app_running:
            self.dialog = (after, next(self._numbers))

    def _close_dialog(self) -> None:
        """Close the dialog; a question left unanswered changes nothing."""
        if self.asking is not None:  # the switch shows the truth again
            self.shown.pop(self.asking, None)
        self.dialog, self.asking = None, None

    def _set(self, setting: str, value: SettingValue) -> None:
        self.settings[setting] = value
        self.save_state()

    def _spec(self, key: str) -> ElementSpec | None:
        """The model element a node was built from (its key is the spec's key)."""
        todo = list(self.spec(self.current.screen).body)
        if self.dialog is not None and self.dialog[0] in self.model.dialogs:
            todo += self.model.dialogs[self.dialog[0]].buttons
        while todo:
            spec = todo.pop()
            if spec.key == key:
                return spec
            todo.extend(spec.children)
        return None

    def tap_at(self, x: float, y: float) -> None:
        rendering = self.render()
        hit = None
        for root in ([rendering.dialog] if rendering.dialog else []) + [rendering.screen]:
            hit = _deepest(root, x, y)
            if hit is not None:
                break
        self._point = (x, y)
        try:
            if hit is None:
                self.taps += 1
                self.record("tap")
                return
            self.tap_node(hit)
        finally:
            self._point = None

    def type_text(self, node: Node, text: str, *, replace: bool) -> None:
        if node.kind != "edit":
            raise EngineError(400, "invalid element state",
                              f"Cannot set the element to '{text}'. Did you interact with "
                              "the correct element?")
        fields = self.current.fields
        fields[node.key] = text if replace else fields.get(node.key, "") + text
        self.record("type", node, length=len(text))

    # ------------------------------------------------------------------ scrolling
    def viewport(self) -> tuple[int, int]:
        spec = self.spec(self.current.screen)
        m = self.builder.m
        top = m.status + (m.toolbar if spec.toolbar or spec.back else 0)
        bottom = m.height - (m.bottom if spec.bottom else 0)
        return top, bottom

    def max_scroll(self) -> int:
        spec = self.spec(self.current.screen)
        top, bottom = self.viewport()
        view = self.view()
        return max(0, self.builder.content_height(spec, view) - (bottom - top))

    def scroll(self, delta: int, x: float | None = None) -> bool:
        """Scroll the body by ``delta`` px (positive: reveal content below); ``x``: where
        the gesture was (a tablet's sections pane, left of ``split``, is all on screen).
        Returns whether it can still scroll further that way."""
        inst = self.current
        if x is not None and x < self.builder.split:
            self.record("scroll", delta=0, pane="sections")
            return False
        if self.render().loading or self.dialog is not None:
            return False
        if self.twists.swallows(inst.since()):
            self.record("scroll", delta=0, swallowed=True)
            return False
        limit = self.max_scroll()
        before = inst.scroll
        inst.scroll = max(0, min(limit, inst.scroll + delta))
        self.record("scroll", delta=inst.scroll - before)
        return inst.scroll < limit if delta > 0 else inst.scroll > 0


def _deepest(root: Node, x: float, y: float) -> Node | None:
    if not root.contains(x, y):
        return None
    for child in reversed(root.children):
        hit = _deepest(child, x, y)
        if hit is not None:
            return hit
    return root
