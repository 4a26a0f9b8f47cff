"""A simulated app's file (``sim/apps/*.yaml``, or any file named with ``sim --app PATH``)
read through the located reader: every mistake is ``path:line:col``, and the whole file
is checked before the phone starts (``mobile-optout validate`` checks it too).

The format (docs/simulator.md has the long form; sim/apps/linkedin.yaml is an example):

    mobile-optout: sim-app          # marks the file (validate finds it by this line)
    name: linkedin                  # how the phone, --app and devices.yaml name it
    android: {package: com.linkedin.android, activity: .LaunchActivity}
    ios: {bundle: com.linkedin.LinkedIn, name: LinkedIn}
    settings: {ai_training: true}   # every switch's setting and its starting state
    start: feed                     # the screen the app opens on
    dialogs: {id: {title, message, buttons: [elements]}}
    screens: {id: {title, back, web, live, deep_links, toolbar, body, bottom: [elements]}}
                                    # live: content that never idles (never-idle variant)

An element: ``{kind, text, desc, id, tap, setting, status_of, fill, layout, children,
android: {...}, ios: {...}, if: [variants], unless: [variants]}``. Any text or boolean may
be ``{default: x, <variant>: y}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mobile_optout.errors import AppFileError
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
    read_source,
)
from mobile_optout.sim.variants import VARIANTS

MARKER = "sim-app"
_MARK = re.compile(r"^mobile-optout:[ \t]*([\"']?)sim-app\1[ \t]*(#.*)?$", re.MULTILINE)

KINDS = ("text", "heading", "row", "group", "button", "image_button", "image", "edit",
         "switch", "link", "tab", "progress", "radio")
TAP_KINDS = ("goto", "back", "dialog", "dismiss", "confirm", "launch", "none", "set")
PENDING = ("placeholder", "spinner", "late", "")
TOP_KEYS = ("mobile-optout", "name", "description", "android", "ios", "settings", "start",
            "dialogs", "screens", "translations")
ANDROID_KEYS = ("package", "activity")
IOS_KEYS = ("bundle", "name")
SCREEN_KEYS = ("title", "app", "back", "web", "live", "web_text", "container_id", "deep_links",
               "toolbar", "body", "bottom", "overlay", "if", "unless")
DIALOG_KEYS = ("title", "message", "buttons", "sheet", "scrim", "system")
ELEMENT_KEYS = ("kind", "text", "desc", "id", "tap", "setting", "value", "only_when",
                "status_of", "fill", "layout", "children", "android", "ios", "if", "unless",
                "pending", "lazy", "flat", "confirm", "optimistic", "save_fails", "save",
                "harm", "disabled_until", "survey")
PLATFORM_ATTRS = ("class", "type", "id", "desc", "name", "label", "text")
LAYOUTS = ("column", "row")
APP_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
LOCALE = re.compile(r"[a-z]{2}\Z")  # a phone's language: two letters (ISO 639-1)


@dataclass(frozen=True, slots=True)
class AppFile:
    """A checked app file: its name, ids and the document as plain values."""

    name: str
    package: str
    bundle: str
    path: str
    doc: dict[str, Any]


def is_app_file(path: Path) -> bool:
    """True when the file's top level says ``mobile-optout: sim-app`` (cheap: a text search)."""
    if path.suffix not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return bool(_MARK.search(fh.read(64_000)))
    except OSError:
        return False


def load_app_file(path: Path) -> AppFile:
    """Read and check an app file; AppFileError / InputErrors name every problem."""
    display = display_path(path)
    source = read_source(path, display, AppFileError)
    return _AppReader(source).read(parse(source, AppFileError))


def plain(node: RawNode) -> Any:
    """Raw nodes -> the plain values they hold."""
    if isinstance(node, RawMap):
        return {str(k.value): plain(v) for k, v in node.items}
    if isinstance(node, RawSeq):
        return [plain(v) for v in node.items]
    return node.value


class _AppReader(Reader):
    error_cls = AppFileError

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source
        self.screens: set[str] = set()
        self.dialogs: set[str] = set()
        self.settings: set[str] = set()

    def fail(self, node: RawNode | RawScalar, message: str, hint: str = "") -> None:
        self.err(self.source, node.where, message, hint)

    # -- values ---------------------------------------------------------------------------

    def variants(self, node: RawNode, what: str) -> None:
        if not isinstance(node, RawSeq):
            self.fail(node, f"{what} must be a list of variants, not {describe(node)}")
            return
        for item in node.items:
            name = item.as_text if isinstance(item, RawScalar) else None
            if name not in VARIANTS:
                self.fail(item, f"unknown variant {name or describe(item)!r} in {what}",
                          did_you_mean(name or "", VARIANTS))

    def value(self, node: RawNode, what: str, want: type | tuple[type, ...]) -> list[Any]:
        """A scalar, or ``{default: x, <variant>: y}``: every value it may take."""
        if isinstance(node, RawMap) and "default" in node:
            found: list[Any] = []
            for key, sub in node.items:
                if key.value != "default" and key.value not in VARIANTS:
                    self.fail(key, f"unknown variant '{key.value}' in {what}",
                              did_you_mean(str(key.value), VARIANTS))
                found += self.value(sub, what, want)
            return found
        if isinstance(node, RawScalar) and isinstance(node.value, want) and not (
                want is str and isinstance(node.value, bool)):
            return [node.value]
        if isinstance(node, RawScalar) and want is str and node.value is not None:
            return [node.as_text]  # a number written as text
        shape = "true or false" if want is bool else "a string"
        self.fail(node, f"{what} must be {shape} (or {{default: ..., <variant>: ...}}), "
                  f"not {describe(node)}")
        return []

    def text(self, node: RawNode | None, what: str) -> str | None:
        if node is None:
            return None
        if isinstance(node, RawScalar) and isinstance(node.value, str) and node.value:
            return node.value
        self.fail(node, f"{what} must be a non-empty string, not {describe(node)}")
        return None

    def translations(self, node: RawNode) -> None:
        """``translations: {de: {English text: shown text}}``."""
        tm = self.mapping(self.source, node, "translations")
        for lang, table in tm.items if tm is not None else ():
            if not LOCALE.match(str(lang.value)):
                self.fail(lang, f"'{lang.value}' is not a two-letter language code")
            words = self.mapping(self.source, table, f"translations {lang.value}")
            for english, shown in words.items if words is not None else ():
                self.text(english, f"an English text in translations {lang.value}")
                self.text(shown, f"the {lang.value} text of {english.value!r}")

    # -- the file -------------------------------------------------------------------------

    def read(self, root: RawNode | None) -> AppFile:
        if root is None:
            self.err(self.source, self.source.where(1), "empty app file")
            self.raise_errors()
        assert root is not None
        m = self.mapping(self.source, root, "an app file")
        if m is None:
            self.raise_errors()
        assert m is not None
        self.keys(self.source, m, TOP_KEYS, "an app file")
        name = self.text(self.required(self.source, m, "name", "an app file"), "name")
        if name is not None and not APP_NAME.match(name):
            self.fail(m.get("name") or m, f"name '{name}' must match {APP_NAME.pattern[:-2]}")
        package = self.ids(m, "android", ANDROID_KEYS, "package")
        bundle = self.ids(m, "ios", IOS_KEYS, "bundle")
        if (n := self.required(self.source, m, "settings", "an app file")) is not None and (
                sm := self.mapping(self.source, n, "settings")):
            for key, value in sm.items:
                self.settings.add(str(key.value))
                # on/off, or the option a choice (radio buttons) starts on
                self.value(value, f"setting {key.value}", (bool, str))
        if (n := m.get("dialogs")) is not None and (dm := self.mapping(self.source, n, "dialogs")):
            self.dialogs = {str(k.value) for k, _ in dm.items}
        screens = self.required(self.source, m, "screens", "an app file")
        sm2 = self.mapping(self.source, screens, "screens") if screens is not None else None
        if sm2 is not None:
            self.screens = {str(k.value) for k, _ in sm2.items}
        if (n := self.required(self.source, m, "start", "an app file")) is not None:
            for start in self.value(n, "start", str):
                if start not in self.screens:
                    self.fail(n, f"start names no screen: '{start}'",
                              did_you_mean(str(start), self.screens))
        if dm2 := (self.mapping(self.source, n, "dialogs")
                   if (n := m.get("dialogs")) is not None else None):
            for key, value in dm2.items:
                self.dialog(str(key.value), value)
        if sm2 is not None:
            for key, value in sm2.items:
                self.screen(str(key.value), value)
        if (n := m.get("translations")) is not None:
            self.translations(n)
        self.raise_errors()
        assert name is not None and package is not None and bundle is not None
        return AppFile(name, package, bundle, self.source.path, plain(m))

    def ids(self, m: RawMap, platform: str, keys: tuple[str, ...], key: str) -> str | None:
        node = self.required(self.source, m, platform, "an app file")
        pm = self.mapping(self.source, node, platform) if node is not None else None
        if pm is None:
            return None
        self.keys(self.source, pm, keys, platform)
        for k in keys:
            self.text(self.required(self.source, pm, k, platform), f"{platform}.{k}")
        return self.text(pm.get(key), f"{platform}.{key}")

    def dialog(self, did: str, node: RawNode) -> None:
        m = self.mapping(self.source, node, f"dialog {did}")
        if m is None:
            return
        self.keys(self.source, m, DIALOG_KEYS, f"dialog {did}")
        if (n := self.required(self.source, m, "title", f"dialog {did}")) is not None:
            self.value(n, f"dialog {did} title", str)
        for key in ("sheet", "scrim"):
            if (n := m.get(key)) is not None:
                self.value(n, f"dialog {did} {key}", bool)
        if (n := m.get("system")) is not None:
            self.value(n, f"dialog {did} system", str)
        if (n := self.required(self.source, m, "buttons", f"dialog {did}")) is not None:
            self.elements(n, f"dialog {did} buttons")

    def screen(self, sid: str, node: RawNode) -> None:
        what = f"screen {sid}"
        m = self.mapping(self.source, node, what)
        if m is None:
            return
        self.keys(self.source, m, SCREEN_KEYS, what)
        for key in ("title", "web_text", "container_id"):
            if (n := m.get(key)) is not None:
                self.value(n, f"{what} {key}", str)
        for key in ("app", "back", "web", "live"):
            if (n := m.get(key)) is not None:
                self.value(n, f"{what} {key}", bool)
        if (n := m.get("deep_links")) is not None:
            if isinstance(n, RawSeq):
                for item in n.items:
                    self.text(item, "a deep link")
            else:
                self.fail(n, f"deep_links must be a list, not {describe(n)}")
        for key in ("if", "unless"):
            if (n := m.get(key)) is not None:
                self.variants(n, f"{what} {key}")
        for key in ("toolbar", "body", "bottom", "overlay"):
            if (n := m.get(key)) is not None:
                self.elements(n, f"{what} {key}")

    def elements(self, node: RawNode, what: str) -> None:
        if not isinstance(node, RawSeq):
            self.fail(node, f"{what} must be a list of elements, not {describe(node)}")
            return
        for item in node.items:
            self.element(item, what)

    def element(self, node: RawNode, what: str) -> None:
        m = self.mapping(self.source, node, f"an element of {what}")
        if m is None:
            return
        self.keys(self.source, m, ELEMENT_KEYS, "an element")
        if (n := m.get("kind")) is not None:
            kind = n.as_text if isinstance(n, RawScalar) else None
            if kind not in KINDS:
                self.fail(n, f"unknown kind {kind or describe(n)!r}",
                          did_you_mean(kind or "", KINDS))
        for key in ("text", "desc", "id"):
            if (n := m.get(key)) is not None:
                self.value(n, f"an element's {key}", str)
        for key in ("fill", "lazy", "flat", "optimistic", "save_fails"):
            if (n := m.get(key)) is not None:
                self.value(n, key, bool)
        for key in ("confirm", "save", "harm", "disabled_until", "survey"):
            if (n := m.get(key)) is not None:
                self.value(n, key, str)
        if (n := m.get("pending")) is not None:
            for value in self.value(n, "pending", str):
                if value not in PENDING:
                    self.fail(n, f"pending must be placeholder or spinner, not {value!r}")
        if (n := m.get("layout")) is not None and (
                not isinstance(n, RawScalar) or n.as_text not in LAYOUTS):
            self.fail(n, f"layout must be column or row, not {describe(n)}")
        for key in ("setting", "status_of"):
            if (n := m.get(key)) is not None:
                setting = self.text(n, key)
                if setting is not None and setting not in self.settings:
                    self.fail(n, f"{key} names no setting: '{setting}' (declare it under "
                              "settings:)", did_you_mean(setting, self.settings))
        if (n := m.get("value")) is not None:
            self.value(n, "a radio's value", str)
        if (n := m.get("only_when")) is not None:
            om = self.mapping(self.source, n, "only_when")
            if om is not None and len(om.items) != 1:
                self.fail(n, "only_when takes one setting: value")
            elif om is not None:
                self.setting_name(om.items[0][0], "only_when")
        if (n := m.get("tap")) is not None:
            self.tap(n)
        for platform in ("android", "ios"):
            if (n := m.get(platform)) is not None and (
                    pm := self.mapping(self.source, n, f"an element's {platform}")):
                self.keys(self.source, pm, PLATFORM_ATTRS, f"an element's {platform}")
                for _, v in pm.items:
                    self.value(v, f"an element's {platform} attribute", str)
        for key in ("if", "unless"):
            if (n := m.get(key)) is not None:
                self.variants(n, f"an element's {key}")
        if (n := m.get("children")) is not None:
            self.elements(n, "children")

    def setting_name(self, node: RawNode, what: str, name: str | None = None) -> None:
        """A setting an element names (only_when, set) must be declared under settings:."""
        name = name if name is not None else (node.as_text if isinstance(node, RawScalar)
                                              else None)
        if name not in self.settings:
            self.fail(node, f"{what} names no setting: '{name}' (declare it under settings:)",
                      did_you_mean(name or "", self.settings))

    def tap(self, node: RawNode) -> None:
        if isinstance(node, RawScalar):
            kind = node.as_text
            if kind in ("goto", "dialog"):
                self.fail(node, f"tap: {kind} needs a target: {{{kind}: <id>}}")
            elif kind not in TAP_KINDS:
                self.fail(node, f"unknown tap '{kind}'", did_you_mean(kind or "", TAP_KINDS))
            return
        if not isinstance(node, RawMap) or len(node.items) != 1:
            self.fail(node, "tap must be one of back, dismiss, launch, none, {goto: screen} "
                      f"or {{dialog: id}}, not {describe(node)}")
            return
        key, target = node.items[0]
        name = target.as_text if isinstance(target, RawScalar) else None
        if key.value == "goto":
            if name not in self.screens:
                self.fail(target, f"goto names no screen: '{name}'",
                          did_you_mean(name or "", self.screens))
        elif key.value == "dialog":
            if name not in self.dialogs:
                self.fail(target, f"dialog names no dialog: '{name}'",
                          did_you_mean(name or "", self.dialogs))
        elif key.value == "set":  # {set: setting=value}: a confirmation's button
            setting, sep, _ = (name or "").partition("=")
            if not sep:
                self.fail(target, f"set takes setting=value, not {describe(target)}")
            else:
                self.setting_name(target, "set", setting.strip())
        else:
            self.fail(key, f"unknown tap '{key.value}'", did_you_mean(str(key.value), TAP_KINDS))


# ---------------------------------------------------------------- app names and files

APPS_DIR = Path(__file__).parent / "apps"


@cache
def read_doc(path: Path) -> dict[str, Any]:
    """The checked document (read once per process; never mutated)."""
    return load_app_file(path).doc


def is_app_name(text: str) -> bool:
    """A built-in app's name (``linkedin``), not an app file's path."""
    return not (text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text)


def app_path(name_or_path: str | Path) -> Path:
    """A built-in app's name (``linkedin``) or an app file's path -> the file."""
    text = str(name_or_path)
    return APPS_DIR / f"{text}.yaml" if is_app_name(text) else Path(text)


FIRST_APP = "linkedin"


def builtin_apps() -> list[str]:
    """The names of the built-in apps (every file in ``sim/apps``): LinkedIn first (the app
    in front when a phone starts, as the project's first flows expect), then by name."""
    return sorted((p.stem for p in APPS_DIR.glob("*.yaml")), key=lambda n: (n != FIRST_APP, n))


def app_id(name_or_path: str | Path, platform: str) -> str:
    """An app's package (android) or bundle id (ios), as a flow names it."""
    doc = read_doc(app_path(name_or_path).resolve())
    return str(doc["android"]["package"] if platform == "android" else doc["ios"]["bundle"])
