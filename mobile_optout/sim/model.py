"""App models as data: the YAML in ``sim/apps`` read into frozen dataclasses.

Variant-dependent values are resolved at load time, so the engine sees one plain app.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mobile_optout.sim import appfile
from mobile_optout.sim.appfile import (
    APPS_DIR,
    FIRST_APP,
    app_id,
    app_path,
    builtin_apps,
    is_app_name,
    read_doc,
)

__all__ = ["APPS_DIR", "FIRST_APP", "app_id", "app_path", "builtin_apps", "is_app_name"]

# The element kinds, tap kinds and pending looks are the app file's (one list, sim/appfile.py).
KINDS = frozenset(appfile.KINDS)
TAP_KINDS = frozenset(appfile.TAP_KINDS)
PENDING = frozenset(appfile.PENDING)
SAVES = frozenset({"", "late", "lost"})  # a save refused after a while, or never made
SettingValue = bool | str  # a switch's on/off, or the option a choice has selected


def setting_value(raw: object) -> SettingValue:
    """on/off/true/false (YAML reads on/off as booleans) -> bool; any other text: an option."""
    if isinstance(raw, bool):
        return raw
    text = str(raw)
    return {"on": True, "off": False, "true": True, "false": False}.get(text.lower(), text)


DECORATION = " \u203a"  # ``decorated``: what a row that opens a page ends with
MEMBER = "Alex Example"  # the member signed in to every simulated app
MEMBERS = ("Jordan Lee", "Maria Gonzalez", "Wei Chen", "Aisha Khan", "Lukas Bauer",
           "Sofia Rossi", "Kwame Mensah", "Ines Duarte", "Priya Nair", "Tomasz Nowak")


@dataclass(frozen=True, slots=True)
class Tap:
    kind: str  # one of TAP_KINDS
    target: str = ""  # screen id for goto, dialog id for dialog, "setting=value" for set

    def assignment(self) -> tuple[str, SettingValue]:
        """A ``set`` tap's setting and value (a confirmation dialog's "Turn off")."""
        name, _, value = self.target.partition("=")
        return name.strip(), setting_value(value.strip())


@dataclass(frozen=True, slots=True)
class ElementSpec:
    key: str  # unique within the app: "<screen>/<part>/<index path>"
    kind: str
    text: str = ""
    desc: str = ""
    id: str = ""
    tap: Tap | None = None
    setting: str | None = None  # a switch's setting (tapping flips it), or a radio's
    value: str = ""  # a radio's option: tapping it selects that option
    status_of: str | None = None  # a text showing "On"/"Off" (its {state}) for a setting
    only_when: tuple[str, SettingValue] | None = None  # shown only while a setting is so
    fill: bool = False
    layout: str = "column"
    # A switch that loads late: "placeholder" (disabled, showing the opposite state) or
    # "spinner" (a progress indicator in its place) for a moment after the screen arrives.
    pending: str = ""
    lazy: bool = False  # this and every later body item arrive late, behind "Loading…"
    flat: bool = False  # a container that is not in the tree: its children sit in its parent
    confirm: str = ""  # a switch: turning it off asks this dialog first
    optimistic: bool = False  # ...and shows "off" while the question waits
    save_fails: bool = False  # a switch whose change the server refuses: it flips back
    # "late": the server refuses it after REJECT_SECONDS (the page shows the new state until
    # then); "lost": it never reaches the server (only a fresh page shows the old state).
    save: str = ""
    harm: str = ""  # what tapping this does that a privacy tool never may ("grant", "rate")
    disabled_until: str = ""  # disabled while this setting is unset ("" or "none")
    survey: str = ""  # a switch: turning it off opens this screen (reasons, then Submit)
    children: tuple[ElementSpec, ...] = ()
    android: dict[str, str] = field(default_factory=dict)
    ios: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScreenSpec:
    id: str
    title: str
    app: bool = True  # False: not the app (the launcher / home screen)
    back: bool = False  # a Back button in the toolbar / navigation bar
    web: bool = False  # Android: the body is a WebView
    live: bool = False  # content that never stops moving (autoplaying video): never idle
    web_text: str = ""
    container_id: str = ""
    deep_links: tuple[str, ...] = ()
    toolbar: tuple[ElementSpec, ...] = ()
    body: tuple[ElementSpec, ...] = ()
    bottom: tuple[ElementSpec, ...] = ()
    overlay: tuple[ElementSpec, ...] = ()  # a sticky bar drawn over the bottom of the body


@dataclass(frozen=True, slots=True)
class DialogSpec:
    id: str
    title: str
    message: str
    buttons: tuple[ElementSpec, ...]
    sheet: bool = False  # drawn over the page, which stays in the source (a web sheet)
    scrim: bool = False  # drawn by the app: a scrim over the page and a sheet, no dialog class
    system: str = ""  # a window of the system: "permission" (controller) or "anr" (android)


LAUNCHER_PACKAGE = "com.google.android.apps.nexuslauncher"  # the phone's home screen


@dataclass(frozen=True, slots=True)
class AppModel:
    name: str
    package: str
    activity: str
    bundle: str
    app_name: str
    settings: dict[str, SettingValue]
    start: str
    dialogs: dict[str, DialogSpec]
    screens: dict[str, ScreenSpec]
    home: str = ""  # the start screen without variants (a sign-in wall replaces it)
    launcher_package: str = LAUNCHER_PACKAGE
    locale: str = ""  # the language it shows ("" or en: as written)
    on_off: tuple[str, str] = ("On", "Off")  # a status text's words, in that language

    def screen(self, screen_id: str) -> ScreenSpec:
        return self.screens[screen_id]

    def offered(self) -> list[str]:
        """The settings a switch on some screen governs: the others do not exist here."""
        found: set[str] = set()

        def walk(elements: tuple[ElementSpec, ...]) -> None:
            for el in elements:
                if el.setting is not None:
                    found.add(el.setting)
                walk(el.children)

        for screen in self.screens.values():
            walk(screen.toolbar + screen.body + screen.bottom)
        return sorted(found)

    def deep_link_target(self, url: str) -> str | None:
        for screen in self.screens.values():
            if url in screen.deep_links:
                return screen.id
        return None


class _Resolver:
    def __init__(self, variants: tuple[str, ...], words: dict[str, str] | None = None) -> None:
        self.variants = variants
        # ``member-name``: the member is someone else on every phone (``{member}`` in texts)
        self.member = random.SystemRandom().choice(MEMBERS) \
            if "member-name" in variants else MEMBER
        self.words = words or {}  # English text -> the locale's (the app's translations)

    def text(self, raw: Any) -> str:
        """A text as the app shows it in its locale (a text with no translation as written)."""
        value = str(self.value(raw))
        return self.words.get(value, value)

    def value(self, raw: Any) -> Any:
        """A plain value, or {default: x, <variant>: y}: the first active variant wins;
        ``{member}`` in a text is the member's name."""
        if isinstance(raw, dict) and "default" in raw:
            for name, val in raw.items():
                if name != "default" and name in self.variants:
                    return self.value(val)
            return self.value(raw["default"])
        if isinstance(raw, str) and "{member}" in raw:
            return raw.replace("{member}", self.member)
        return raw

    def keep(self, raw: dict[str, Any]) -> bool:
        only = raw.get("if")
        if only is not None and not any(v in self.variants for v in only):
            return False
        unless = raw.get("unless") or []
        return not any(v in self.variants for v in unless)

    def tap(self, raw: Any, where: str) -> Tap | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            kind, target = raw, ""
        elif isinstance(raw, dict) and len(raw) == 1:
            kind, target = next(iter(raw.items()))
        else:
            raise ValueError(f"{where}: bad tap {raw!r}")
        if kind not in TAP_KINDS:
            raise ValueError(f"{where}: unknown tap {kind!r}")
        return Tap(kind, str(target))

    def element(self, raw: dict[str, Any], key: str) -> ElementSpec:
        kind = raw.get("kind", "text")
        if kind not in KINDS:
            raise ValueError(f"{key}: unknown kind {kind!r}")
        children = self.elements(raw.get("children") or [], key)
        pending = str(self.value(raw.get("pending")) or "")
        if pending not in PENDING:
            raise ValueError(f"{key}: unknown pending {pending!r}")
        if str(self.value(raw.get("save")) or "") not in SAVES:
            raise ValueError(f"{key}: unknown save {raw.get('save')!r}")
        tap = self.tap(raw.get("tap"), key)
        text = self.text(raw.get("text", ""))
        if text and tap is not None and tap.kind == "goto" and "decorated" in self.variants:
            text += DECORATION  # a row that opens a page shows an arrow in its name
        return ElementSpec(
            key=key,
            kind=kind,
            text=text,
            desc=self.text(raw.get("desc", "")),
            id=str(self.value(raw.get("id", ""))),
            tap=tap,
            setting=raw.get("setting"),
            value=str(raw.get("value", "")),
            status_of=raw.get("status_of"),
            only_when=self.only_when(raw.get("only_when"), key),
            fill=bool(raw.get("fill", False)),
            layout=str(raw.get("layout", "column")),
            pending=pending,
            lazy=bool(self.value(raw.get("lazy", False))),
            flat=bool(self.value(raw.get("flat", False))),
            confirm=str(self.value(raw.get("confirm")) or ""),
            optimistic=bool(self.value(raw.get("optimistic", False))),
            save_fails=bool(self.value(raw.get("save_fails", False))),
            save=str(self.value(raw.get("save")) or ""),
            harm=str(raw.get("harm", "")),
            disabled_until=str(raw.get("disabled_until", "")),
            survey=str(self.value(raw.get("survey")) or ""),
            children=children,
            android={k: self.shown(k, v) for k, v in (raw.get("android") or {}).items()},
            ios={k: self.shown(k, v) for k, v in (raw.get("ios") or {}).items()},
        )

    def shown(self, attr: str, raw: Any) -> str:
        """A per-platform attribute: its words translated, its class or id as written."""
        return self.text(raw) if attr in ("desc", "name", "label", "text") else str(
            self.value(raw))

    def only_when(self, raw: Any, where: str) -> tuple[str, SettingValue] | None:
        """``only_when: {setting: value}``: the element shows only while the setting is so."""
        if raw is None:
            return None
        if not isinstance(raw, dict) or len(raw) != 1:
            raise ValueError(f"{where}: only_when takes one setting: value")
        name, value = next(iter(raw.items()))
        return str(name), setting_value(value)

    def elements(self, raws: list[dict[str, Any]], prefix: str) -> tuple[ElementSpec, ...]:
        return tuple(
            self.element(raw, f"{prefix}/{i}") for i, raw in enumerate(raws) if self.keep(raw)
        )


def launcher(apps: list[AppModel]) -> ScreenSpec:
    """The phone's home screen: one icon per installed app; tapping one launches it."""
    icons = tuple(
        ElementSpec(key=f"launcher/body/{i}", kind="button", text=app.app_name,
                    desc=app.app_name, tap=Tap("launch", app.name),
                    android={"class": "android.widget.TextView"},
                    ios={"type": "XCUIElementTypeIcon"})
        for i, app in enumerate(apps))
    return ScreenSpec(id="launcher", title="Home", app=False, body=icons)


def translations(name: str | Path, locale: str) -> dict[str, str]:
    """An app's words in ``locale`` (its file's ``translations:``): English -> shown."""
    doc = read_doc(app_path(name).resolve())
    table: dict[str, str] = (doc.get("translations") or {}).get(locale) or {}
    return table


def load_app(variants: tuple[str, ...] = (), name: str | Path = "linkedin",
             locale: str = "") -> AppModel:
    """Read an app file (a built-in app's name, or a path) with the variants applied, in
    ``locale`` (its translations; texts it has none for stay as written)."""
    doc = read_doc(app_path(name).resolve())
    words = translations(name, locale) if locale else {}
    r = _Resolver(variants, words)
    screens: dict[str, ScreenSpec] = {}
    for sid, raw in doc["screens"].items():
        if not r.keep(raw):
            continue
        screens[sid] = ScreenSpec(
            id=sid,
            title=r.text(raw.get("title", "")),
            app=bool(raw.get("app", True)),
            back=bool(raw.get("back", False)),
            web=bool(raw.get("web", False)),
            live=bool(r.value(raw.get("live", False))),
            web_text=r.text(raw.get("web_text", "")),
            container_id=str(raw.get("container_id", "")),
            deep_links=tuple(raw.get("deep_links") or ()),
            toolbar=r.elements(raw.get("toolbar") or [], f"{sid}/toolbar"),
            body=r.elements(raw.get("body") or [], f"{sid}/body"),
            bottom=r.elements(raw.get("bottom") or [], f"{sid}/bottom"),
            overlay=r.elements(raw.get("overlay") or [], f"{sid}/overlay"),
        )
    dialogs = {
        did: DialogSpec(
            id=did,
            title=r.text(raw["title"]),
            message=r.text(raw.get("message", "")),
            buttons=r.elements(raw["buttons"], f"dialog:{did}"),
            sheet=bool(r.value(raw.get("sheet", False))),
            scrim=bool(r.value(raw.get("scrim", False))),
            system=str(raw.get("system", "")),
        )
        for did, raw in doc.get("dialogs", {}).items()
    }
    settings = {k: setting_value(r.value(v)) for k, v in doc["settings"].items()}
    model = AppModel(
        name=doc["name"],
        package=doc["android"]["package"],
        activity=doc["android"]["activity"],
        bundle=doc["ios"]["bundle"],
        app_name=doc["ios"]["name"],
        settings=settings,
        start=str(r.value(doc["start"])),
        dialogs=dialogs,
        screens=screens,
        home=str(_Resolver(()).value(doc["start"])),
        locale=locale,
        on_off=(words.get("On", "On"), words.get("Off", "Off")),
    )
    _check(model)
    return model


def _check(model: AppModel) -> None:
    """Every goto names a screen that exists (or was removed by a variant: then it is inert)."""
    if model.start not in model.screens:
        raise ValueError(f"{model.name}: the start screen {model.start!r} was removed by a variant")

    def walk(elements: tuple[ElementSpec, ...]) -> None:
        for el in elements:
            if el.tap and el.tap.kind == "dialog" and el.tap.target not in model.dialogs:
                raise ValueError(f"{el.key}: unknown dialog {el.tap.target!r}")
            if el.confirm and el.confirm not in model.dialogs:
                raise ValueError(f"{el.key}: unknown dialog {el.confirm!r}")
            walk(el.children)

    for screen in model.screens.values():
        walk(screen.toolbar + screen.body + screen.bottom + screen.overlay)
