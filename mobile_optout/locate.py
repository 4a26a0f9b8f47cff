"""Matching locators against a UI tree: one rule set for every platform.

A page source (UiAutomator2 ``hierarchy`` XML, XCUITest ``AppiumAUT`` XML, or a web page's
DOM snapshot, see ``mobile_optout.webdom``) is parsed once
into a ``Screen`` of platform-neutral ``Node``s. Every locator that can be answered from
the tree is answered here, so one page-source read serves a target, its alternatives,
the flow's interrupts and blockers all at once. Only ``android_uiautomator``,
``ios_predicate``, ``ios_class_chain`` and ``css`` need the server (``needs_server``).

Platform differences live here and in ``device.py`` only:
- visible text: Android ``text`` and ``content-desc``; iOS ``label``, ``name`` and ``value``;
- a toggle's state: Android ``checked`` on a checkable node; iOS ``value`` "1"/"0";
- geometry: Android ``bounds="[l,t][r,b]"``; iOS ``x``/``y``/``width``/``height``.
The web's own DOM-to-node rules (texts, accessible names, roles, aria-checked/checked) are
in ``mobile_optout.webdom``; from the ``Node`` on, the web is matched by the same rules.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from mobile_optout.flow.model import Locator, Platform
from mobile_optout.values import Rect

SERVER_ONLY = frozenset({"android_uiautomator", "ios_predicate", "ios_class_chain", "css"})
_BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")
_IOS_TOGGLES = frozenset({"XCUIElementTypeSwitch", "XCUIElementTypeToggle"})
ROOT_TAGS = frozenset({"hierarchy", "AppiumAUT", "app", "webpage"})  # not elements


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """One element of the UI tree, seen the same way on every platform."""

    el: etree._Element
    platform: Platform
    cls: str
    texts: tuple[str, ...]  # what a user reads: text/content-desc, or label/name/value
    resource_id: str
    accessibility_id: str
    bounds: Rect | None
    displayed: bool
    enabled: bool
    checkable: bool
    checked: bool | None
    role: str = ""  # web: the ARIA role (explicit or implied by the tag)

    @property
    def center(self) -> tuple[int, int] | None:
        return self.bounds.center if self.bounds else None

    def describe(self) -> str:
        short = self.cls.rsplit(".", 1)[-1].removeprefix("XCUIElementType")
        parts = [short]
        if self.texts:
            parts.append(repr(self.texts[0]))
        if self.resource_id:
            parts.append(f"id={self.resource_id}")
        if self.checkable:
            parts.append(f"checked={self.checked}")
        return " ".join(parts)


def _attr(el: etree._Element, name: str) -> str:
    value = el.get(name)
    return "" if value is None or value == "null" else value


def _generic_node(el: etree._Element, platform: Platform) -> Node:
    """A node in neither platform's format (Appium's fake driver, a test double): text
    content, ``id``, ``left``/``top``/``width``/``height``, ``checked``."""
    try:
        bounds: Rect | None = Rect(*(int(_attr(el, k)) for k in ("left", "top", "width", "height")))
    except ValueError:
        bounds = None
    ident = _attr(el, "id")
    text = (el.text or "").strip()
    checked = _attr(el, "checked")
    return Node(
        el=el, platform=platform, cls=str(el.tag), texts=(text,) if text else (),
        resource_id=ident, accessibility_id=ident, bounds=bounds,
        displayed=_attr(el, "visible") != "false", enabled=_attr(el, "enabled") != "false",
        checkable=checked in ("true", "false"), checked=(checked == "true") if checked else None,
    )


def _node(el: etree._Element, platform: Platform) -> Node:
    if platform is Platform.WEB:
        from mobile_optout.webdom import web_node

        return web_node(el)
    if el.get("class") is None and el.get("type") is None:
        return _generic_node(el, platform)
    if platform is Platform.ANDROID:
        m = _BOUNDS.fullmatch(_attr(el, "bounds"))
        bounds = None
        if m:
            left, top, right, bottom = (int(g) for g in m.groups())
            bounds = Rect(left, top, right - left, bottom - top)
        checkable = _attr(el, "checkable") == "true"
        desc = _attr(el, "content-desc")
        texts = tuple(t for t in (_attr(el, "text"), desc) if t)
        return Node(
            el=el, platform=platform, cls=_attr(el, "class") or str(el.tag), texts=texts,
            resource_id=_attr(el, "resource-id"), accessibility_id=desc, bounds=bounds,
            displayed=_attr(el, "displayed") != "false", enabled=_attr(el, "enabled") != "false",
            checkable=checkable, checked=(_attr(el, "checked") == "true") if checkable else None,
        )
    cls = _attr(el, "type") or str(el.tag)
    try:
        bounds = Rect(*(int(float(_attr(el, k) or 0)) for k in ("x", "y", "width", "height")))
    except ValueError:
        bounds = None
    name, label, value = _attr(el, "name"), _attr(el, "label"), _attr(el, "value")
    toggle = cls in _IOS_TOGGLES
    texts = tuple(dict.fromkeys(t for t in (label, name, "" if toggle else value) if t))
    checked = None
    if toggle:
        checked = value in ("1", "true") if value in ("0", "1", "true", "false") else None
    return Node(
        el=el, platform=platform, cls=cls, texts=texts, resource_id=name,
        accessibility_id=name, bounds=bounds, displayed=_attr(el, "visible") != "false",
        enabled=_attr(el, "enabled") != "false", checkable=toggle, checked=checked,
    )


class Screen:
    """A parsed page source. Cheap to query many times."""

    def __init__(self, source: str, platform: Platform) -> None:
        self.source = source
        self.platform = platform
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        self.root = etree.fromstring(source.encode("utf-8"), parser)
        self.size = _screen_size(self.root)
        self.nodes: list[Node] = []
        self._by_el: dict[etree._Element, Node] = {}
        for el in self.root.iter():
            if not isinstance(el.tag, str) or el.tag in ROOT_TAGS:
                continue
            node = _node(el, platform)
            self.nodes.append(node)
            self._by_el[el] = node

    # -- matching ------------------------------------------------------------------

    def find(self, locator: Locator) -> list[Node]:
        """Every displayed node the locator matches, in document order (index applied)."""
        loc = locator.for_platform(self.platform)
        if loc is None:
            return []
        found = self._find(loc)
        if loc.index:
            return found[loc.index : loc.index + 1]
        return found

    def first(self, locator: Locator) -> Node | None:
        found = self.find(locator)
        return found[0] if found else None

    def _find(self, loc: Locator) -> list[Node]:
        kind = loc.kind
        if kind in SERVER_ONLY:
            raise ValueError(f"{kind} locators are answered by the server, not the page source")
        if kind == "any":
            for alt in loc.any:
                found = self.find(alt)
                if found:
                    return found
            return []
        if kind == "switch_for":
            assert loc.switch_for is not None
            return [t for label in self.find(loc.switch_for) if (t := self.toggle_near(label))]
        if kind == "xpath":
            assert loc.xpath is not None
            xpath = loc.xpath
            if self.platform is Platform.WEB and xpath.startswith("/html"):
                xpath = "/webpage" + xpath  # the page's own absolute paths
            try:
                hits = self.root.xpath(xpath)
            except etree.XPathError as exc:
                from mobile_optout.errors import LocatorRejected

                raise LocatorRejected(f"invalid XPath {loc.xpath!r}: {exc}") from exc
            listed = hits if isinstance(hits, list) else []
            els = [h for h in listed if isinstance(h, etree._Element)]
            return [n for h in els if (n := self._by_el.get(h)) is not None and n.displayed]
        return [n for n in self.nodes if self.on_screen(n) and _matches(n, loc)]

    def on_screen(self, node: Node) -> bool:
        """Displayed, and its centre inside the screen (a tap there would reach it)."""
        if not node.displayed:
            return False
        if node.bounds is None or self.size is None:
            return True
        x, y = node.bounds.center
        return 0 <= x < self.size[0] and 0 <= y < self.size[1] and node.bounds.height > 0

    def toggle_near(self, label: Node) -> Node | None:
        """The checkable node in the same row as ``label`` (label and switch are siblings,
        or cousins inside one row container). The label itself when it is the toggle."""
        if label.checkable:
            return label
        el: etree._Element | None = label.el.getparent()
        for _ in range(4):
            if el is None:
                break
            toggles = [
                n for d in el.iter() if (n := self._by_el.get(d)) and n.checkable and n.displayed
            ]
            if toggles:
                return min(toggles, key=lambda t: _vertical_distance(label, t))
            el = el.getparent()
        # No common row container: fall back to geometry, a toggle level with the label.
        level = [
            n for n in self.nodes
            if n.checkable and n.displayed and _vertical_distance(label, n) == 0
        ]
        return level[0] if level else None

    # -- reading -------------------------------------------------------------------

    def identity(self, locator: Locator) -> list[str]:
        """The account's own name where ``locator`` shows it. A regex text locator with a
        group names just that part: ``{text: {regex: "^(.+) profile picture$"}}``."""
        loc = locator.for_platform(self.platform)
        if loc is None:
            return []
        names: list[str] = []
        for node in self.find(loc):
            for text in node.texts:
                name = text
                if loc.text is not None and loc.text.mode == "regex":
                    m = re.search(loc.text.value, text, 0 if loc.text.case_sensitive else re.I)
                    if m is None:
                        continue
                    name = m.group(1) if m.groups() and m.group(1) else m.group(0)
                names.append(name.strip())
        return [n for n in names if n]

    def texts(self) -> Iterator[str]:
        for n in self.nodes:
            if n.displayed:
                yield from n.texts

    def near_misses(self, locator: Locator, limit: int = 3) -> list[str]:
        """Texts on screen close to what a text locator asked for (for failure messages)."""
        loc = locator.for_platform(self.platform)
        wanted = [t.text.value for t in _text_locators(loc) if t.text] if loc else []
        pool = list(dict.fromkeys(self.texts()))
        misses: list[str] = []
        for w in wanted:
            lowered = {p.casefold(): p for p in pool}
            close = difflib.get_close_matches(w.casefold(), list(lowered), n=limit, cutoff=0.6)
            misses.extend(lowered[c] for c in close)
        return list(dict.fromkeys(misses))[:limit]

    def summary(self, limit: int = 40) -> str:
        """What the screen shows, one readable node a line (the part a failure cares about)."""
        lines = [
            n.describe() for n in self.nodes if n.displayed and (n.texts or n.checkable)
        ]
        more = f"\n... {len(lines) - limit} more" if len(lines) > limit else ""
        return "\n".join(lines[:limit]) + more


def _screen_size(root: etree._Element) -> tuple[int, int] | None:
    """Android: the hierarchy root's width/height; iOS: the application element's."""
    candidates = [root, *list(root)[:1]]
    for el in candidates:
        w, h = el.get("width"), el.get("height")
        if w and h and w.isdigit() and h.isdigit() and int(w) > 0 and int(h) > 0:
            return int(w), int(h)
    return None


def _vertical_distance(a: Node, b: Node) -> int:
    if not a.bounds or not b.bounds:
        return 10**6
    a_top, a_bottom = a.bounds.y, a.bounds.y + a.bounds.height
    b_top, b_bottom = b.bounds.y, b.bounds.y + b.bounds.height
    if a_bottom > b_top and b_bottom > a_top:
        return 0  # they overlap vertically: the same row
    return min(abs(a_top - b_bottom), abs(b_top - a_bottom))


def _text_locators(loc: Locator) -> Iterator[Locator]:
    if loc.text is not None:
        yield loc
    for alt in loc.any:
        yield from _text_locators(alt)
    if loc.switch_for is not None:
        yield from _text_locators(loc.switch_for)


def _matches(node: Node, loc: Locator) -> bool:
    if loc.text is not None:
        return any(loc.text.matches(t) for t in node.texts)
    if loc.accessibility_id is not None:
        return node.accessibility_id == loc.accessibility_id
    if loc.resource_id is not None:
        rid, want = node.resource_id, loc.resource_id
        return rid == want or (":id/" not in want and rid.endswith(":id/" + want))
    if loc.class_name is not None:
        return node.cls == loc.class_name
    if loc.role is not None:
        if node.role != loc.role.casefold():
            return False
        return loc.role_name is None or any(loc.role_name.matches(t) for t in node.texts)
    return False


def needs_server(locator: Locator, platform: Platform) -> bool:
    """True when some part of the locator can only be answered by the server."""
    loc = locator.for_platform(platform)
    if loc is None:
        return False
    if loc.kind in SERVER_ONLY:
        return True
    if loc.switch_for is not None:
        return needs_server(loc.switch_for, platform)
    return any(needs_server(a, platform) for a in loc.any)
