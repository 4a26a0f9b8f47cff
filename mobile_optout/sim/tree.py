"""The UI tree of one moment: screen (or dialog) specs laid out into nodes with bounds.

One ``Node`` tree per platform carries everything the page source, the locators and
the screenshot need. Layout is a plain stack: toolbar on top, a scrollable body, an
optional bottom bar; containers stack their children or lay them side by side.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from mobile_optout.flow.model import Platform
from mobile_optout.sim.model import (
    AppModel,
    DialogSpec,
    ElementSpec,
    ScreenSpec,
    SettingValue,
    Tap,
)


@dataclass
class Node:
    key: str
    tag: str  # Android class / iOS type
    kind: str  # the model kind, or a chrome role ("frame", "toolbar", "body", ...)
    bounds: tuple[int, int, int, int]  # left, top, right, bottom
    text: str = ""
    desc: str = ""  # Android content-desc / iOS label
    name: str = ""  # iOS name (accessibility identifier, else label)
    rid: str = ""  # Android resource-id as shown
    package: str = ""
    tap: Tap | None = None
    setting: str | None = None
    option: str = ""  # a radio's option
    checked: bool = False
    scrollable: bool = False
    web: bool = False
    traits: str = ""
    value: str | None = None  # iOS value
    enabled: bool = True
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    index: int = 0

    @property
    def checkable(self) -> bool:
        return self.setting is not None

    @property
    def clickable(self) -> bool:
        return self.tap is not None or self.checkable or self.kind == "edit"

    def add(self, child: Node) -> Node:
        child.parent = self
        child.index = len(self.children)
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def contains(self, x: float, y: float) -> bool:
        left, top, right, bottom = self.bounds
        return left <= x < right and top <= y < bottom

    @property
    def center(self) -> tuple[int, int]:
        left, top, right, bottom = self.bounds
        return (left + right) // 2, (top + bottom) // 2


def _put(parent: Node, node: Node, spec: ElementSpec) -> None:
    """Add ``node`` to ``parent``; a ``flat`` container adds its children instead."""
    if not spec.flat:
        parent.add(node)
        return
    for child in node.children:
        parent.add(child)


@dataclass(frozen=True, slots=True)
class Metrics:
    width: int
    height: int
    status: int  # status bar height (not part of the app tree)
    toolbar: int
    bottom: int
    pad_x: int
    pad_y: int
    chars_per_line: int
    line: int
    heights: dict[str, int]
    widths: dict[str, int]  # fixed widths in a side-by-side layout


ANDROID = Metrics(
    width=1080, height=2400, status=84, toolbar=156, bottom=168, pad_x=48, pad_y=24,
    chars_per_line=40, line=56,
    heights={"row": 168, "button": 144, "image_button": 132, "image": 240, "edit": 120,
             "switch": 96, "link": 144, "tab": 168, "progress": 144, "radio": 96},
    widths={"switch": 156, "image_button": 132, "image": 132, "radio": 96},
)
IOS = Metrics(
    width=390, height=844, status=47, toolbar=44, bottom=83, pad_x=16, pad_y=8,
    chars_per_line=42, line=20,
    heights={"row": 52, "button": 50, "image_button": 44, "image": 100, "edit": 36,
             "switch": 31, "link": 44, "tab": 49, "progress": 37, "radio": 31},
    widths={"switch": 51, "image_button": 44, "image": 44, "radio": 31},
)

ANDROID_NATIVE = {
    "text": "android.widget.TextView", "heading": "android.widget.TextView",
    "row": "android.widget.LinearLayout", "group": "android.widget.LinearLayout",
    "button": "android.widget.Button", "image_button": "android.widget.ImageButton",
    "image": "android.widget.ImageView", "edit": "android.widget.EditText",
    "switch": "android.widget.Switch", "link": "android.widget.TextView",
    "tab": "android.widget.TextView", "progress": "android.widget.ProgressBar",
    "radio": "android.widget.RadioButton",
}
ANDROID_WEB = {
    **ANDROID_NATIVE,
    "row": "android.view.View", "group": "android.view.View", "image": "android.widget.Image",
    "switch": "android.widget.ToggleButton",
}
IOS_TYPES = {
    "text": "XCUIElementTypeStaticText", "heading": "XCUIElementTypeStaticText",
    "row": "XCUIElementTypeCell", "group": "XCUIElementTypeOther",
    "button": "XCUIElementTypeButton", "image_button": "XCUIElementTypeButton",
    "image": "XCUIElementTypeImage", "edit": "XCUIElementTypeTextField",
    "switch": "XCUIElementTypeSwitch", "link": "XCUIElementTypeButton",
    "tab": "XCUIElementTypeButton", "progress": "XCUIElementTypeActivityIndicator",
    "radio": "XCUIElementTypeButton",
}
IOS_TRAITS = {
    "text": "StaticText", "heading": "Header, StaticText", "button": "Button",
    "image_button": "Button", "link": "Button", "tab": "Button", "image": "Image",
    "switch": "Button, ToggleButton", "edit": "SearchField", "progress": "UpdatesFrequently",
    "radio": "Button",
}
CONTAINERS = frozenset({"row", "group"})
# The system's windows, by the package their elements carry (Android).
SYSTEM_PACKAGES = {"permission": "com.google.android.permissioncontroller", "anr": "android"}


@dataclass
class ViewState:
    """What the tree depends on besides the model."""

    settings: dict[str, SettingValue]
    scroll: int = 0
    loading: bool = False
    fields: dict[str, str] = field(default_factory=dict)  # edit key -> typed text
    shown: dict[str, SettingValue] = field(default_factory=dict)  # showing another state
    pending: bool = False  # late switches still show their placeholder / spinner
    lazy: bool = False  # lazy body items are still "Loading…"
    notice: str = ""  # a snackbar at the bottom of the screen

    def key(self) -> tuple[object, ...]:
        return (self.scroll, self.loading, tuple(sorted(self.settings.items())),
                tuple(sorted(self.fields.items())), tuple(sorted(self.shown.items())),
                self.pending, self.lazy, self.notice)


LAZY_ROW = ElementSpec(key="lazy:loading", kind="row", text="Loading…")


def arrived(items: tuple[ElementSpec, ...], view: ViewState) -> tuple[ElementSpec, ...]:
    """The body items on screen now: lazy ones are one "Loading…" row until they arrive."""
    if not view.lazy:
        return items
    for i, item in enumerate(items):
        if item.lazy:
            return (*items[:i], LAZY_ROW)
    return items


def visible_now(specs: tuple[ElementSpec, ...], view: ViewState) -> tuple[ElementSpec, ...]:
    """The elements shown now: ``only_when`` ones only while their setting is so."""
    return tuple(s for s in specs
                 if s.only_when is None or view.settings.get(s.only_when[0]) == s.only_when[1])


class Builder:
    """Builds nodes for one platform."""

    def __init__(self, model: AppModel, platform: Platform, *, tablet: bool = False) -> None:
        self.model = model
        self.platform = platform
        self.m = ANDROID if platform is Platform.ANDROID else IOS
        self.android = platform is Platform.ANDROID
        # A tablet: settings pages are two panes (the sections list, the page), both
        # scrollable and as tall; ``split`` is where the page's pane begins.
        self.split = 0
        if tablet:
            self.m = replace(self.m, width=2560, height=1600) if self.android else replace(
                self.m, width=1024, height=1366)
            self.split = self.m.width * 2 // 5

    # ------------------------------------------------------------------ sizes
    def text_height(self, text: str, kind: str) -> int:
        m = self.m
        cpl = m.chars_per_line if kind != "heading" else m.chars_per_line * 3 // 4
        line = m.line if kind != "heading" else m.line * 5 // 4
        lines = max(1, math.ceil(len(text) / cpl))
        return lines * line + 2 * m.pad_y

    def measure(self, spec: ElementSpec, view: ViewState) -> int:
        if spec.kind in CONTAINERS:
            kids = [self.measure(c, view) for c in self.children_of(spec, view)]
            inner = max(kids, default=0) if spec.layout == "row" else sum(kids)
            return max(inner + 2 * self.m.pad_y, self.m.heights["row"])
        if spec.kind in self.m.heights:
            return self.m.heights[spec.kind]
        return self.text_height(self.text_of(spec, view), spec.kind)

    def children_of(self, spec: ElementSpec, view: ViewState) -> tuple[ElementSpec, ...]:
        if spec.kind == "row" and not spec.children and spec.text:
            return (ElementSpec(key=spec.key + "/label", kind="text", text=spec.text),)
        return visible_now(spec.children, view)

    def text_of(self, spec: ElementSpec, view: ViewState) -> str:
        if spec.status_of is not None:
            on = view.shown.get(spec.status_of, view.settings.get(spec.status_of, False))
            state = self.model.on_off[0] if on else self.model.on_off[1]
            return spec.text.replace("{state}", state) if "{state}" in spec.text else state
        if spec.kind == "edit":
            return view.fields.get(spec.key, spec.text)
        return spec.text if spec.kind not in CONTAINERS else ""

    # ------------------------------------------------------------------ nodes
    def element(self, spec: ElementSpec, view: ViewState, *, web: bool, top: bool,
                box: tuple[int, int, int, int], package: str) -> Node:
        over = spec.android if self.android else spec.ios
        text = self.text_of(spec, view)
        node = Node(key=spec.key, tag="", kind=spec.kind, bounds=box, text=text,
                    desc=spec.desc, tap=spec.tap, setting=spec.setting, web=web, package=package)
        if spec.setting is not None and spec.kind == "radio":
            node.option = spec.value
            node.checked = view.shown.get(spec.setting,
                                          view.settings.get(spec.setting)) == spec.value
        elif spec.setting is not None:
            node.checked = bool(view.shown.get(spec.setting,
                                               view.settings.get(spec.setting, False)))
            if spec.pending == "spinner" and view.pending:
                return self.element(ElementSpec(key=spec.key + "/spinner", kind="progress"),
                                    view, web=web, top=top, box=box, package=package)
            if spec.pending == "placeholder" and view.pending:
                node.checked, node.enabled = not node.checked, False
            if spec.pending == "late" and view.pending:  # a default, drawn as if real
                node.checked = not node.checked
        if spec.disabled_until:
            node.enabled = view.settings.get(spec.disabled_until) not in (None, "", "none")
        if self.android:
            table = ANDROID_WEB if web else ANDROID_NATIVE
            node.tag = over.get("class", table[spec.kind])
            rid = over.get("id", spec.id)
            if rid and not web and ":" not in rid:
                rid = f"{package}:id/{rid}"
            node.rid = rid
            node.desc = over.get("desc", spec.desc)
        else:
            kind_type = "XCUIElementTypeCell" if top and spec.kind in CONTAINERS else None
            node.tag = over.get("type", kind_type or IOS_TYPES[spec.kind])
            label = over.get("label", spec.desc or (text if spec.kind != "edit" else ""))
            node.desc = label
            node.name = over.get("name", label)
            node.traits = IOS_TRAITS.get(spec.kind, "")
            if spec.kind == "switch":
                node.value = "1" if node.checked else "0"
            elif spec.kind == "radio":  # iOS marks the chosen option with the Selected trait
                node.traits = "Button, Selected" if node.checked else "Button"
            elif spec.kind in ("text", "heading") or spec.kind == "edit":
                node.value = text
        self.place_children(node, spec, view, web=web, package=package)
        if node.tag == "XCUIElementTypeCell" and not node.desc:
            # a cell reads out its texts: VoiceOver's label, and WDA's
            texts = [n.desc for n in node.walk() if n.tag == "XCUIElementTypeStaticText"]
            node.desc = node.name = ", ".join(t for t in texts if t)
        return node

    def place_children(self, node: Node, spec: ElementSpec, view: ViewState, *, web: bool,
                       package: str) -> None:
        kids = self.children_of(spec, view)
        if not kids:
            return
        left, top, right, _bottom = node.bounds
        m = self.m
        if spec.layout == "row":
            fixed = sum(m.widths.get(k.kind, 0) for k in kids if not k.fill)
            fills = [k for k in kids if k.fill or k.kind not in m.widths] or [kids[0]]
            free = (right - left - 2 * m.pad_x - fixed) // len(fills)
            x = left + m.pad_x
            for kid in kids:
                w = free if kid in fills else m.widths[kid.kind]
                h = self.measure(kid, view)
                y = top + m.pad_y
                _put(node, self.element(kid, view, web=web, top=False,
                                        box=(x, y, x + w, y + h), package=package), kid)
                x += w
        else:
            y = top + m.pad_y
            for kid in kids:
                h = self.measure(kid, view)
                _put(node, self.element(kid, view, web=web, top=False,
                                        box=(left + m.pad_x, y, right - m.pad_x, y + h),
                                        package=package), kid)
                y += h

    def bar(self, key: str, items: tuple[ElementSpec, ...], view: ViewState, *, top: int,
            height: int, package: str, lead: list[ElementSpec], tail_title: str) -> Node:
        """A toolbar / tab bar: lead items, an optional title, then the items, side by side."""
        m = self.m
        if self.android:
            tag = "android.view.ViewGroup" if key == "toolbar" else "android.widget.LinearLayout"
        else:
            tag = "XCUIElementTypeNavigationBar" if key == "toolbar" else "XCUIElementTypeTabBar"
            if key == "toolbar" and not lead:
                tag = "XCUIElementTypeOther"
        bar = Node(key=f"chrome:{key}", tag=tag, kind=key, bounds=(0, top, m.width, top + height),
                   package=package, name=tail_title if not self.android else "",
                   rid=f"{package}:id/{key}" if self.android else "")
        specs = list(lead)
        if tail_title:
            specs.append(ElementSpec(key="chrome:title", kind="text", text=tail_title, fill=True))
        specs.extend(items)
        if not specs:
            return bar
        is_tabs = key == "bottom"
        fixed = 0 if is_tabs else sum(m.widths.get(s.kind, 0) for s in specs if not s.fill)
        fills = specs if is_tabs else [s for s in specs if s.fill]
        free = (m.width - fixed) // max(1, len(fills))
        x = 0
        for spec in specs:
            w = free if spec in fills else m.widths.get(spec.kind, 0)
            bar.add(self.element(spec, view, web=False, top=False,
                                 box=(x, top, x + w, top + height), package=package))
            x += w
        return bar

    def screen(self, spec: ScreenSpec, view: ViewState) -> Node:
        """The app's window for a screen (the whole tree below the platform's root)."""
        m = self.m
        package = self.model.package if spec.app else self.model.launcher_package
        frame = Node(key="chrome:frame", tag="android.widget.FrameLayout" if self.android
                     else "XCUIElementTypeWindow", kind="frame",
                     bounds=(0, 0, m.width, m.height), package=package)
        content = frame.add(Node(
            key="chrome:content",
            tag="android.widget.LinearLayout" if self.android else "XCUIElementTypeOther",
            kind="content", bounds=(0, m.status, m.width, m.height), package=package,
            rid=(f"{package}:id/{spec.container_id}" if self.android and spec.container_id
                 else ""),
            name="" if self.android else spec.container_id))
        if view.loading:
            size = m.heights["progress"]
            cx, cy = m.width // 2, m.height // 2
            content.add(self.element(
                ElementSpec(key="chrome:progress", kind="progress"), view, web=False, top=False,
                box=(cx - size // 2, cy - size // 2, cx + size // 2, cy + size // 2),
                package=package))
            return frame
        top = m.status
        lead: list[ElementSpec] = []
        if spec.back:
            lead.append(ElementSpec(key="chrome:back", kind="image_button", desc="Back",
                                    tap=Tap("back"), ios={"label": "Back", "name": "Back"}))
        if spec.toolbar or lead:
            content.add(self.bar("toolbar", spec.toolbar, view, top=top, height=m.toolbar,
                                 package=package, lead=lead,
                                 tail_title=spec.title if spec.back else ""))
            top += m.toolbar
        bottom = m.height - (m.bottom if spec.bottom else 0)
        if self.split and spec.web and spec.id != "settings" and "settings" in \
                self.model.screens:
            sections = self.body(self.model.screens["settings"], replace(view, scroll=0),
                                 top=top, bottom=bottom, package=package, x1=self.split,
                                 pane="-sections")
            content.add(sections)
            page = content.add(self.body(spec, view, top=top, bottom=bottom, package=package,
                                         x0=self.split))
            self.level_switch(sections, page, view, package)
        else:
            content.add(self.body(spec, view, top=top, bottom=bottom, package=package))
        if spec.bottom:
            content.add(self.bar("bottom", spec.bottom, view, top=bottom, height=m.bottom,
                                 package=package, lead=[], tail_title=""))
        for item in spec.overlay:  # sticky bars over the bottom of the body
            h = self.measure(item, view)
            content.add(self.element(item, view, web=False, top=False,
                                     box=(0, bottom - h, m.width, bottom), package=package))
        if view.notice:
            note = ElementSpec(key="chrome:snackbar", kind="text", text=view.notice,
                               id="snackbar_text", ios={"name": "snackbar"})
            h = self.measure(note, view)
            content.add(self.element(note, view, web=False, top=False,
                                     box=(0, bottom - h, m.width, bottom), package=package))
        return frame

    def content_height(self, spec: ScreenSpec, view: ViewState) -> int:
        return sum(self.measure(item, view)
                   for item in arrived(visible_now(spec.body, view), view)) + self.m.pad_y

    def level_switch(self, sections: Node, page: Node, view: ViewState, package: str) -> None:
        """A tablet's sections pane holds a switch level with the page's first one."""
        ours = next((n for n in page.walk() if n.setting is not None), None)
        if ours is None:
            return
        h = self.m.heights["row"]
        y = (ours.bounds[1] + ours.bounds[3]) // 2 - h // 2
        spec = ElementSpec(key="tablet/features", kind="group", layout="row", children=(
            ElementSpec(key="tablet/features/0", kind="text", fill=True,
                        text="Show AI writing suggestions", id="features-label"),
            ElementSpec(key="tablet/features/1", kind="switch", id="features-toggle",
                        setting="genai_features")))
        holder = sections.children[0] if sections.children and self.android and \
            sections.children[0].kind == "page" else sections
        holder.add(self.element(spec, view, web=self.android, top=False,
                                box=(0, y, self.split, y + h), package=package))

    def body(self, spec: ScreenSpec, view: ViewState, *, top: int, bottom: int,
             package: str, x0: int = 0, x1: int = 0, pane: str = "") -> Node:
        m = self.m
        x1 = x1 or m.width
        box = (x0, top, x1, bottom)
        if self.android:
            if spec.web:
                holder = Node(key="chrome:webview" + pane, tag="android.webkit.WebView",
                              kind="body",
                              bounds=box, text=spec.web_text or spec.title, package=package,
                              rid=f"{package}:id/infra_web_viewer_webview", scrollable=True)
                page = holder.add(Node(key="chrome:page" + pane, tag="android.view.View",
                                       kind="page",
                                       bounds=box, text=spec.title, package=package, web=True))
            else:
                holder = Node(key="chrome:list" + pane,
                              tag="androidx.recyclerview.widget.RecyclerView",
                              kind="body", bounds=box, package=package,
                              rid=f"{package}:id/list", scrollable=True)
                page = holder
        else:
            holder = Node(key="chrome:list" + pane, tag="XCUIElementTypeTable", kind="body",
                          bounds=box, package=package, scrollable=True)
            page = holder
        y = top + m.pad_y - view.scroll
        for item in arrived(visible_now(spec.body, view), view):
            h = self.measure(item, view)
            visible = min(y + h, bottom) - max(y, top)
            if visible * 2 >= h:
                _put(page, self.element(item, view, web=spec.web and self.android,
                                        top=not item.flat, box=(x0, y, x1, y + h),
                                        package=package), item)
            y += h
        for node in page.walk():  # clip to the viewport, as the platforms report bounds
            left, t, right, b = node.bounds
            node.bounds = (left, max(t, top), right, max(min(b, bottom), t, top))
        return holder

    def dialog(self, spec: DialogSpec) -> Node:
        """A modal dialog box, centred; its own tree (Android: its own window). A system
        window belongs to the system (the permission controller, ``android``); an app-drawn
        sheet (``scrim``) is a scrim over the page and a sheet, with no dialog class."""
        if spec.scrim:
            return self.drawn_sheet(spec)
        box = self.dialog_box(spec)
        root = self.dialog_tree(spec, box, SYSTEM_PACKAGES.get(spec.system, self.model.package))
        if spec.system and not self.android:  # SpringBoard's window, holding its alert
            m = self.m
            window = Node(key=f"dialog:{spec.id}/window", tag="XCUIElementTypeWindow",
                          kind="dialog", bounds=(0, 0, m.width, m.height))
            window.add(root)
            return window
        return root

    def dialog_box(self, spec: DialogSpec) -> tuple[int, int, int, int]:
        m = self.m
        width = m.width * 5 // 6
        height = (self.text_height(spec.title, "heading") + self.text_height(spec.message, "text")
                  + m.heights["button"] + 2 * m.pad_y)
        if spec.sheet or spec.scrim:  # a sheet over the bottom of the page, full width
            return (0, m.height - height, m.width, m.height)
        left, top = (m.width - width) // 2, (m.height - height) // 2
        return (left, top, left + width, top + height)

    def drawn_sheet(self, spec: DialogSpec) -> Node:
        """The app's own sheet: a full-screen layer holding a scrim (tapping it closes the
        sheet) and the sheet, plain views (Compose, SwiftUI) with no dialog class."""
        m = self.m
        package = self.model.package
        plain = "android.view.View" if self.android else "XCUIElementTypeOther"
        layer = Node(key=f"dialog:{spec.id}", tag="android.widget.FrameLayout"
                     if self.android else "XCUIElementTypeOther", kind="dialog",
                     bounds=(0, 0, m.width, m.height), package=package)
        layer.add(Node(key=f"dialog:{spec.id}/scrim", tag=plain, kind="scrim",
                       bounds=(0, 0, m.width, m.height), package=package, tap=Tap("dismiss")))
        box = self.dialog_box(spec)
        sheet = self.dialog_tree(spec, box, package, plain=plain)
        layer.add(sheet)
        return layer

    def dialog_tree(self, spec: DialogSpec, box: tuple[int, int, int, int], package: str,
                    plain: str = "") -> Node:
        m = self.m
        view = ViewState(settings={})
        left, top, right, _ = box
        width = right - left
        title_h = self.text_height(spec.title, "heading")
        msg_h = self.text_height(spec.message, "text")
        btn_h = m.heights["button"]
        if plain:
            root = Node(key=f"dialog:{spec.id}/sheet", tag=plain, kind="group", bounds=box,
                        package=package)
            panel = root
        elif spec.sheet:
            tag = "android.app.Dialog" if self.android else "XCUIElementTypeSheet"
            root = Node(key=f"dialog:{spec.id}", tag=tag, kind="dialog", bounds=box,
                        package=package, name="" if self.android else spec.title,
                        desc="" if self.android else spec.title)
            panel = root.add(Node(key=f"dialog:{spec.id}/panel", tag="android.view.View"
                                  if self.android else "XCUIElementTypeOther", kind="group",
                                  bounds=box, package=package))
        elif self.android:
            root = Node(key=f"dialog:{spec.id}", tag="android.widget.FrameLayout", kind="dialog",
                        bounds=box, package=package, rid="android:id/content")
            panel = root.add(Node(key=f"dialog:{spec.id}/panel", tag="android.widget.LinearLayout",
                                  kind="group", bounds=box, package=package,
                                  rid=f"{package}:id/parentPanel"))
        else:
            root = Node(key=f"dialog:{spec.id}", tag="XCUIElementTypeAlert", kind="dialog",
                        bounds=box, name=spec.title, desc=spec.title)
            panel = root.add(Node(key=f"dialog:{spec.id}/panel", tag="XCUIElementTypeOther",
                                  kind="group", bounds=box))
        y = top + m.pad_y
        title = ElementSpec(key=f"dialog:{spec.id}/title", kind="heading", text=spec.title,
                            id="" if plain else "android:id/alertTitle")
        panel.add(self.element(title, view, web=False, top=False,
                               box=(left + m.pad_x, y, left + width - m.pad_x, y + title_h),
                               package=package))
        y += title_h
        message = ElementSpec(key=f"dialog:{spec.id}/message", kind="text", text=spec.message,
                              id="" if plain else "android:id/message")
        panel.add(self.element(message, view, web=False, top=False,
                               box=(left + m.pad_x, y, left + width - m.pad_x, y + msg_h),
                               package=package))
        y += msg_h
        bw = (width - 2 * m.pad_x) // max(1, len(spec.buttons))
        x = left + m.pad_x
        for spec_button in spec.buttons:  # a dialog's buttons are buttons
            button = replace(spec_button, kind="button") if spec_button.kind == "text" \
                else spec_button
            panel.add(self.element(button, view, web=False, top=False,
                                   box=(x, y, x + bw, y + btn_h), package=package))
            x += bw
        return root
