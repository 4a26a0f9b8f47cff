"""Matching locators against a UI tree: one rule set for every platform.

A page source (UiAutomator2 ``hierarchy`` XML, XCUITest ``AppiumAUT`` XML, or a web page's
DOM snapshot, see ``mobile_optout.websnap``) is parsed once
into a ``Screen`` of platform-neutral ``Node``s. Every locator that can be answered from
the tree is answered here, so one page-source read serves a target, its alternatives,
the flow's interrupts and blockers all at once. Only ``android_uiautomator``,
``ios_predicate``, ``ios_class_chain`` and ``css`` need the server (``needs_server``).

Platform differences live here and in ``device.py`` only:
- visible text: Android ``text`` and ``content-desc``; iOS ``label``, ``name`` and ``value``.
  A ``text:`` locator matches what a person sees: an Android element's ``text``, and only
  where it has none its ``content-desc`` (the words read aloud; Flutter and many Compose
  trees have nothing else); an iOS element's ``label`` and ``value``, and only where it has
  neither its ``name`` (often an identifier no one sees). An exact text matches the whole
  text, or the first line of one with several (a title merged with its subtitle);
- a toggle's state: Android ``checked`` on a checkable node; iOS ``value`` "1"/"0";
- geometry: Android ``bounds="[l,t][r,b]"``; iOS ``x``/``y``/``width``/``height``.
The web's own DOM-to-node rules (texts, accessible names, roles, aria-checked/checked) are
in ``mobile_optout.webdom``; from the ``Node`` on, the web is matched by the same rules.

Geometry decides belonging and what a finger reaches, because trees differ between
platforms, builds and web views while frames do not:
- ``Screen.switch_for`` / ``Screen.label_of_switch``: a label and a switch belong together
  when they share the smallest row holding the label and exactly one switch-like control
  (a container, a title with its summary lines, a card, a two-target preference, or a
  band); the rule is ``mobile_optout.rows``. A switch is never borrowed from another row;
  two candidates is ambiguity, not a choice.
- ``Screen.hit``: the element a tap at a point reaches is the last one in drawing order
  whose frame contains it (layout wrappers that cover the whole screen excepted).
- ``Screen.loading`` / ``Screen.dialogs`` / ``Screen.notices``: spinners, progress bars and
  "Loading..." texts; alerts, sheets and dialogs; toasts and snackbars.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from lxml import etree

from mobile_optout.errors import TransientDeviceError
from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.rows import LOADING_CLASSES, LOADING_TEXT, Rows, SwitchMatch, same_row
from mobile_optout.rows import is_loading as _is_loading
from mobile_optout.values import Rect, resembles
from mobile_optout.webdom import Node, web_node

__all__ = ["LOADING_CLASSES", "LOADING_TEXT", "Node", "Screen", "SwitchMatch"]

SERVER_ONLY = frozenset({"android_uiautomator", "ios_predicate", "ios_class_chain", "css"})
# What is a dialog or sheet on top: iOS alert/sheet types, Android dialog windows (their
# framework ids) and web-page dialogs (Chromium exposes role=dialog as android.app.Dialog).
DIALOG_CLASSES = frozenset({"XCUIElementTypeAlert", "XCUIElementTypeSheet", "android.app.Dialog"})
DIALOG_IDS = ("id/alertTitle", "id/parentPanel", "id/design_bottom_sheet", "id/bottom_sheet")
# Toasts and snackbars: the transient notes an app shows after a failed save.
NOTICE_IDS = ("id/snackbar_text", "id/snackbar", "id/toast")
# The same on a web page, by ARIA role (a spinner is role=progressbar).
WEB_DIALOG_ROLES = frozenset({"dialog", "alertdialog"})
WEB_NOTICE_ROLES = frozenset({"alert", "status"})
_BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")
_IOS_TOGGLES = frozenset({"XCUIElementTypeSwitch", "XCUIElementTypeToggle"})
ROOT_TAGS = frozenset({"hierarchy", "AppiumAUT", "app", "webpage"})  # not elements
_ON_OFF = re.compile(r"\b(on|off)\b", re.IGNORECASE)


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
        return web_node(el)
    if el.get("class") is None and el.get("type") is None and el.get("bounds") is None:
        return _generic_node(el, platform)
    if platform is Platform.ANDROID:
        m = _BOUNDS.fullmatch(_attr(el, "bounds"))
        bounds = None
        if m:
            left, top, right, bottom = (int(g) for g in m.groups())
            bounds = Rect(left, top, right - left, bottom - top)
        checkable = _attr(el, "checkable") == "true"
        desc, visible = _attr(el, "content-desc"), _attr(el, "text")
        texts = tuple(t for t in (visible, desc) if t)
        return Node(
            el=el, platform=platform, cls=_attr(el, "class") or str(el.tag), texts=texts,
            resource_id=_attr(el, "resource-id"), accessibility_id=desc, bounds=bounds,
            displayed=_attr(el, "displayed") != "false", enabled=_attr(el, "enabled") != "false",
            checkable=checkable, checked=(_attr(el, "checked") == "true") if checkable else None,
            selected=_attr(el, "selected") == "true",
            clickable=_attr(el, "clickable") == "true",
            shown=(visible,) if visible else texts,
        )
    cls = _attr(el, "type") or str(el.tag)
    try:
        bounds = Rect(*(int(float(_attr(el, k) or 0)) for k in ("x", "y", "width", "height")))
    except ValueError:
        bounds = None
    name, label, value = _attr(el, "name"), _attr(el, "label"), _attr(el, "value")
    toggle = cls in _IOS_TOGGLES
    texts = tuple(dict.fromkeys(t for t in (label, name, "" if toggle else value) if t))
    seen = tuple(dict.fromkeys(t for t in (label, "" if toggle else value) if t))
    checked = None
    if toggle:
        checked = value in ("1", "true") if value in ("0", "1", "true", "false") else None
    return Node(
        el=el, platform=platform, cls=cls, texts=texts, resource_id=name,
        accessibility_id=name, bounds=bounds, displayed=_attr(el, "visible") != "false",
        enabled=_attr(el, "enabled") != "false", checkable=toggle, checked=checked,
        selected=_attr(el, "selected") == "true" or "Selected" in _attr(el, "traits"),
        clickable=toggle or cls.endswith(("Button", "Cell", "Link")),
        shown=seen or texts,  # the name (an identifier) only where nothing is shown
    )


def _parse(source: str) -> etree._Element:
    """A page source as XML: entities and DTDs are never loaded or expanded. One that is
    not XML (a server that sent control characters, a cut-off answer) is a device error,
    worth one more read."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                             load_dtd=False)
    try:
        root = etree.fromstring(source.encode("utf-8", "replace"), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise TransientDeviceError(f"the page source is not readable XML ({reason})") from None
    if root is None:
        raise TransientDeviceError("the page source is empty")
    return root


class Screen:
    """A parsed page source. Cheap to query many times."""

    def __init__(self, source: str, platform: Platform) -> None:
        self.source = source
        self.platform = platform
        self.root = _parse(source)
        self.size = _screen_size(self.root)
        self.nodes: list[Node] = []
        self._by_el: dict[etree._Element, Node] = {}
        self._rows: Rows | None = None
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
        if loc.index is not None:
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
            switch = self.switch_for(loc.switch_for).switch
            return [switch] if switch is not None else []
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

    # -- rows: which switch belongs to which label (the rule: ``mobile_optout.rows``) ----

    @property
    def rows(self) -> Rows:
        if self._rows is None:
            self._rows = Rows(self)
        return self._rows

    def node_of(self, el: etree._Element) -> Node | None:
        return self._by_el.get(el)

    def row_of(self, node: Node) -> list[Node]:
        """Every displayed node level with ``node`` on screen (their frames overlap
        vertically by at least half the shorter one), in drawing order, ``node`` excepted."""
        return [n for n in self.nodes if n is not node and n.displayed and same_row(node, n)]

    def switch_for(self, label: Locator) -> SwitchMatch:
        """The switch that belongs to the label ``label`` finds, by the row rule
        (``mobile_optout.rows``). Never another row's switch. ``SwitchMatch.switch`` is None
        when there is none yet, or when two could belong to it (``candidates`` names them;
        ``pending`` says what is still loading in the row)."""
        return self.rows.switch_for(self.find(label))

    def label_of_switch(self, switch: Node) -> Node | None:
        """The text that names ``switch``: its own (when it says more than on/off), else
        the text whose row gives exactly this switch (None when none)."""
        return self.rows.label_of(switch)

    def labels_of_switch(self, switch: Node) -> list[Node]:
        """Every text that names ``switch``, best first (see ``rows.Rows.labels_of``)."""
        return self.rows.labels_of(switch)

    def toggle_near(self, label: Node) -> Node | None:
        """The one switch that belongs to ``label`` (kept for callers that hold a node)."""
        row = self.rows.pair(label)
        return row[0] if len(row) == 1 else None

    def same_node(self, node: Node) -> Node | None:
        """The node on this screen that is ``node`` from an earlier screen: same class and
        ids, at the same place (or at the same place in the tree)."""
        path = node.el.getroottree().getpath(node.el)
        for n in self.nodes:
            if (n.cls, n.resource_id, n.accessibility_id) != (
                    node.cls, node.resource_id, node.accessibility_id):
                continue
            if n.bounds == node.bounds or self.root.getroottree().getpath(n.el) == path:
                return n
        return None

    # -- what is on top, what is loading ---------------------------------------------

    def hit(self, x: int, y: int) -> Node | None:
        """The element a tap at (x, y) reaches: the last in drawing order whose frame
        contains the point. Wrappers with nothing to say that cover the whole screen are
        passed through (they are layout, not something drawn on top)."""
        top: Node | None = None
        for n in self.nodes:
            b = n.bounds
            if not n.displayed or b is None or b.width <= 0 or b.height <= 0:
                continue
            if not b.contains(x, y):
                continue
            if self._wrapper(n):
                continue
            top = n
        return top

    def reaches(self, x: int, y: int, node: Node) -> bool:
        """A tap at (x, y) reaches ``node`` (or something inside it) and nothing else."""
        under = self.hit(x, y)
        return under is None or self.inside(under, node) or self.inside(node, under)

    def tap_point(self, node: Node) -> tuple[int, int] | None:
        """Where a tap reaches ``node``: its centre; when something covers that, the first
        uncovered point of a grid over it (middle first, as the drivers' element clicks aim
        at the visible part); None when all of it is covered."""
        b = node.bounds
        if b is None:
            return None
        if self.reaches(*b.center, node):
            return b.center
        for fy in (0.5, 0.3, 0.7, 0.15, 0.85):
            for fx in (0.5, 0.3, 0.7):
                x, y = b.x + int(b.width * fx), b.y + int(b.height * fy)
                if self.reaches(x, y, node):
                    return x, y
        return None

    def _wrapper(self, n: Node) -> bool:
        if n.texts or n.clickable or n.checkable or self.size is None or n.bounds is None:
            return False
        w, h = self.size
        return n.bounds.width * n.bounds.height >= 0.8 * w * h

    @staticmethod
    def inside(node: Node, outer: Node) -> bool:
        """``node`` is ``outer`` or drawn within it (a descendant in the tree)."""
        el: etree._Element | None = node.el
        while el is not None:
            if el is outer.el:
                return True
            el = el.getparent()
        return False

    def loading(self, declared: tuple[Locator, ...] = ()) -> list[Node]:
        """What on screen says the page is still loading: spinners and progress bars,
        "Loading..." texts, and the loading texts a flow declares."""
        found = [n for n in self.nodes if self.on_screen(n) and _is_loading(n)]
        for loc in declared:
            found.extend(n for n in self.find(loc) if n not in found)
        return found

    def dialogs(self) -> list[Node]:
        """Dialogs, alerts and sheets on top (the outermost node of each)."""
        out: list[Node] = []
        for n in self.nodes:
            if not n.displayed or not (
                n.cls in DIALOG_CLASSES or n.resource_id.endswith(DIALOG_IDS)
                or n.role in WEB_DIALOG_ROLES
            ):
                continue
            if not any(self.inside(n, o) for o in out):
                out.append(n)
        return out

    def dialog_text(self, dialog: Node) -> str:
        """What a dialog says (an Android dialog window: the whole window's texts)."""
        root = dialog
        if dialog.resource_id.endswith(("id/alertTitle", "id/parentPanel")):
            root = self.nodes[0] if self.nodes else dialog
        texts = [t for el in root.el.iter() if (n := self._by_el.get(el)) for t in n.texts]
        return " / ".join(dict.fromkeys(texts))

    def notices(self) -> list[str]:
        """Texts of toasts and snackbars on screen."""
        return [
            t for n in self.nodes
            if n.displayed and ("Toast" in n.cls or n.resource_id.endswith(NOTICE_IDS)
                                or n.role in WEB_NOTICE_ROLES)
            for t in n.texts
        ]

    def resembling(self, words: tuple[str, ...]) -> list[str]:
        """Texts on screen that contain any of ``words`` (case and spacing ignored)."""
        return [t for t in dict.fromkeys(self.texts()) if resembles(t, words)]

    # -- reading -------------------------------------------------------------------

    def option_selected(self, option: Node) -> bool | None:
        """Whether a choice's option reads selected: the radio button or checkbox in its
        row is checked (Android), or the option, its row or something in that row says
        ``selected`` (iOS: the Selected trait). None: a mark is there but unreadable."""
        mark = self.toggle_near(option)
        if mark is not None and same_row(option, mark):
            return mark.checked
        # Geometry decides belonging: a selected element level with the option, no taller
        # than two of its rows (a list that holds every option is not this option's row).
        tall = 2 * option.bounds.height if option.bounds else 0
        return any(
            n.selected and self.on_screen(n) and same_row(option, n)
            and (n.bounds is None or n.bounds.height <= tall) for n in self.nodes)

    def status_state(self, status: Node) -> bool | None:
        """On/off as a status text shows it ("Gemini Apps Activity: Off"), or as the
        On/Off text in the same row; None when neither says."""
        for text in status.texts:
            words: list[str] = _ON_OFF.findall(text)
            if words:
                return words[-1].casefold() == "on"
        for node in self.row_of(status):
            said = [t.strip() for t in node.texts if _ON_OFF.fullmatch(t.strip())]
            if said and self.on_screen(node):
                return said[0].casefold() == "on"
        return None

    def identity(self, locator: Locator) -> list[str]:
        """The account's own name where ``locator`` shows it. A regex text locator with a
        group names just that part: ``{text: {regex: "^(.+) profile picture$"}}``."""
        loc = locator.for_platform(self.platform)
        if loc is None:
            return []
        return [n for node in self.find(loc) for n in identity_names(loc, node.texts)]

    def texts(self) -> Iterator[str]:
        for n in self.nodes:
            if n.displayed:
                yield from n.texts

    def near_misses(self, locator: Locator, limit: int = 3, cutoff: float = 0.6) -> list[str]:
        """Texts on screen close to what a text locator asked for (for failure messages)."""
        loc = locator.for_platform(self.platform)
        wanted = [t.text.value for t in _text_locators(loc) if t.text] if loc else []
        pool = list(dict.fromkeys(self.texts()))
        misses: list[str] = []
        for w in wanted:
            lowered = {p.casefold(): p for p in pool}
            close = difflib.get_close_matches(w.casefold(), list(lowered), n=limit, cutoff=cutoff)
            misses.extend(lowered[c] for c in close)
        return list(dict.fromkeys(misses))[:limit]

    def summary(self, limit: int = 40) -> str:
        """What the screen shows, one readable node a line (the part a failure cares about)."""
        lines = [
            n.describe() for n in self.nodes if n.displayed and (n.texts or n.checkable)
        ]
        more = f"\n... {len(lines) - limit} more" if len(lines) > limit else ""
        return "\n".join(lines[:limit]) + more


def identity_names(loc: Locator, texts: Sequence[str]) -> list[str]:
    """The name in the texts of an element ``loc`` found; a regex text locator with a
    group names just that part."""
    names: list[str] = []
    for text in texts:
        name = text
        if loc.text is not None and loc.text.mode == "regex":
            m = re.search(loc.text.value, text, 0 if loc.text.case_sensitive else re.I)
            if m is None:
                continue
            name = m.group(1) if m.groups() and m.group(1) else m.group(0)
        names.append(name.strip())
    return [n for n in names if n]


def _screen_size(root: etree._Element) -> tuple[int, int] | None:
    """Android: the hierarchy root's width/height (a raw dump: its top windows' frames);
    iOS: the application element's."""
    candidates = [root, *list(root)[:1]]
    for el in candidates:
        w, h = el.get("width"), el.get("height")
        if w and h and w.isdigit() and h.isdigit() and int(w) > 0 and int(h) > 0:
            return int(w), int(h)
    # a raw uiautomator dump: its windows' frames, from the top-left corner
    frames = [m for el in list(root)[:4] if (m := _BOUNDS.fullmatch(el.get("bounds") or ""))]
    if frames and all(int(m.group(1)) == 0 and int(m.group(2)) == 0 for m in frames[:1]):
        return max(int(m.group(3)) for m in frames), max(int(m.group(4)) for m in frames)
    return None


def _text_locators(loc: Locator) -> Iterator[Locator]:
    if loc.text is not None:
        yield loc
    for alt in loc.any:
        yield from _text_locators(alt)
    if loc.switch_for is not None:
        yield from _text_locators(loc.switch_for)


def _matches(node: Node, loc: Locator) -> bool:
    if loc.text is not None:
        return any(loc.text.matches(t) for t in node.matched_texts)
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


# ------------------------------------------------------------------ asking the server

class Query(NamedTuple):
    """One server-side find; ``strategy`` as in ``driver.STRATEGIES``."""

    strategy: str
    value: str
    nth: int = 0  # which match (a locator's index)
    screened: bool = False  # denylisted labels cannot match it (``exclude``)


def server_queries(locator: Locator, platform: Platform, *, exclude: Sequence[str] = ()
                   ) -> list[Query] | None:
    """The server-side finds that answer ``locator`` as the page source would, tried in
    order (the first that finds wins); None when some part needs the whole tree
    (``switch_for``'s row geometry, XPath, which costs a tree read on the server too).

    Texts become ``textMatches``/``descriptionMatches`` (Android, one find with two
    selectors) or a ``MATCHES`` predicate over label, name and value (iOS), with the same
    case and whitespace rules as ``TextMatch``; a bare resource id matches with or without
    the app's package prefix, as in the tree. ``exclude``: labels (a denylist) a text
    query must not match: the text it matched by neither is nor starts with one.

    None on a web page: there the DOM snapshot (``webdom``) answers, and ``css`` is asked
    as the flow wrote it."""
    if platform is Platform.WEB:
        return None
    loc = locator.for_platform(platform)
    if loc is None:
        return []
    if loc.any:
        out: list[Query] = []
        for alt in loc.any:
            more = server_queries(alt, platform, exclude=exclude)
            if more is None:
                return None
            out += more
        return out
    kind = loc.kind
    if kind in SERVER_ONLY or kind in ("accessibility_id", "class_name"):
        return [Query(kind, str(getattr(loc, kind)), loc.index or 0)]
    rid = loc.resource_id
    if rid is not None and (platform is Platform.IOS or ":id/" in rid):
        return [Query("resource_id", rid, loc.index or 0)]
    clauses = _clauses(loc, platform, exclude)
    if clauses is None:
        return None
    strategy = "android_uiautomator" if platform is Platform.ANDROID else "ios_predicate"
    screened = loc.text is not None and bool(exclude)
    return [Query(strategy, _join(clauses, platform), loc.index or 0, screened)]


def any_shown_query(locators: Sequence[Locator], platform: Platform) -> Query | None:
    """One server-side find that answers "does any of these show?" (for a flow's
    interrupts); None when one of them cannot be asked that way (always on a web page)."""
    if platform is Platform.WEB:
        return None
    clauses: list[str] = []
    for locator in locators:
        loc = locator.for_platform(platform)
        if loc is None:
            continue
        more = _clauses(loc, platform)
        if more is None:
            return None
        clauses += more
    if not clauses:
        return None
    strategy = "android_uiautomator" if platform is Platform.ANDROID else "ios_predicate"
    return Query(strategy, _join(clauses, platform))


def _join(clauses: list[str], platform: Platform) -> str:
    if platform is Platform.ANDROID:
        return ";".join(clauses)
    return clauses[0] if len(clauses) == 1 else " OR ".join(f"({c})" for c in clauses)


def _quoted(text: str, quote: str) -> str:
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


def _words(text: str) -> str:
    return r"\s+".join(re.escape(w) for w in text.split())


def _text_regex(match: TextMatch, exclude: Sequence[str] = ()) -> str:
    """A whole-string regex (UiSelector ``*Matches``, NSPredicate ``MATCHES``) that says
    what ``TextMatch.matches`` says, and (``exclude``) that the text does not start with
    one of those labels (the denylist's rule)."""
    flags = "(?s)" if match.case_sensitive else "(?is)"
    if exclude:
        flags += r"(?!\s*(?i:" + "|".join(_words(e) for e in exclude) + "))"
    if match.mode == "regex":
        return f"{flags}.*(?:{match.value}).*"
    words = _words(match.value)
    if match.mode == "exact":  # the whole text, or its first line when it has several
        line = r"[^\S\n]+".join(re.escape(w) for w in match.value.split())
        return rf"{flags}\s*(?:{words}\s*|{line}[^\S\n]*\n\s*\S.*)"
    return f"{flags}.*{words}.*"


def _clauses(loc: Locator, platform: Platform, exclude: Sequence[str] = ()
             ) -> list[str] | None:
    """UiSelector statements (Android) or predicate clauses (iOS), any of which matching
    means the locator matches; None when the server cannot be asked this way."""
    if loc.index:
        return None
    if loc.any:
        out: list[str] = []
        for alt in loc.any:
            more = _clauses(alt, platform, exclude)
            if more is None:
                return None
            out += more
        return out
    android = platform is Platform.ANDROID
    if loc.text is not None:
        rx = _text_regex(loc.text, exclude)
        if android:
            return [f"new UiSelector().textMatches({_quoted(rx, chr(34))})",
                    f"new UiSelector().descriptionMatches({_quoted(rx, chr(34))})"]
        q = _quoted(rx, "'")
        return [f"(label MATCHES {q} OR name MATCHES {q} OR (value MATCHES {q} AND type != "
                f"'XCUIElementTypeSwitch')) AND visible == 1"]
    if loc.accessibility_id is not None:
        return [f"new UiSelector().description({_quoted(loc.accessibility_id, chr(34))})"
                if android else f"name == {_quoted(loc.accessibility_id, chr(39))}"]
    if loc.resource_id is not None:
        rid = loc.resource_id
        if not android:
            return [f"name == {_quoted(rid, chr(39))}"]
        rx = re.escape(rid) if ":id/" in rid else f"(.+:id/)?{re.escape(rid)}"
        return [f"new UiSelector().resourceIdMatches({_quoted(rx, chr(34))})"]
    if loc.class_name is not None:
        return [f"new UiSelector().className({_quoted(loc.class_name, chr(34))})"
                if android else f"type == {_quoted(loc.class_name, chr(39))}"]
    if loc.android_uiautomator is not None and android:
        return [loc.android_uiautomator] if ";" not in loc.android_uiautomator else None
    if loc.ios_predicate is not None and not android:
        return [loc.ios_predicate]
    return None  # xpath, class chain, switch_for: the tree answers
