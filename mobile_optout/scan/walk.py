"""Walking a privacy page: every switch on it, and on the sub-pages its rows open.

Rules:
- Read-only. The only taps are navigation taps on rows whose text shows a status
  ("On"/"Off" and its translations, ``words.status_word``: a text of its own beside or
  below the row's title, an iOS cell's value, or "Title: On" in one text), through
  ``Device.tap`` (the denylist and the hit test apply). A switch, or a row that holds
  one, is never tapped.
- A switch is any checkable control that is not a radio button (Android ``checkable``, an
  iOS switch, a web ``switch``/``checkbox``); its label comes from the row rule
  (``Screen.label_of_switch``), never from another row.
- A page is read settled: its switches (label, state) read the same twice, at least the
  settle window apart, with nothing loading and no dialog on top; else ``Unsettled``.
- The page is read down to its end (a scroll that moves nothing on screen), at most
  ``MAX_SCROLLS`` scrolls, or it was not read. Each status row is opened once, its
  sub-page read to its end too, and left with Back; the page's anchor (or that row) must
  show again before the walk goes on (a row no longer in sight is scrolled to, down then up).
- A row whose tap opens a dialog (a picker) is closed with Back and noted; one whose tap
  leaves the row where it was opened nothing. Sub-pages are one level deep.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mobile_optout.device import Device, Target
from mobile_optout.errors import DeniedTap, StepFailed, Where
from mobile_optout.flow.model import Locator, TextMatch
from mobile_optout.inspection import suggest
from mobile_optout.locate import Node, Screen
from mobile_optout.scan.words import status_word
from mobile_optout.seen import switches

MAX_SCROLLS = 10
_HERE = Where("scan", 0)


class Unsettled(StepFailed):
    """A page whose switches did not read the same twice within the deadline."""


def signature(screen: Screen) -> tuple[tuple[str, bool | None], ...]:
    return tuple((label, n.checked) for label, n in switches(screen))


def status_rows(screen: Screen) -> list[tuple[str, Node]]:
    """(label, label node) for each row whose text shows a status and that holds no switch:
    the nearest text in the status word's row that is neither the status nor holds it."""
    rows: dict[str, Node] = {}
    for status in screen.nodes:
        if not status.texts or not screen.on_screen(status) or status.checkable:
            continue
        if _says_own_status(status):  # "AI features: On", or an iOS cell's value "On"
            if not any(n.checkable for n in _beside(screen, status)):
                rows.setdefault(" ".join(status.texts[0].split()), status)
            continue
        if status_word(status.texts[0]) is None:
            continue
        for row in (_beside(screen, status), _above(screen, status)):
            if any(n.checkable for n in row):
                break
            # a label: nothing around the status word, in the tree or by its frame
            labels = [n for n in row if n.texts and status_word(n.texts[0]) is None
                      and not Screen.inside(status, n) and not n.covers(status)]
            if labels:
                label = min(labels, key=lambda n: _gap(n, status))
                rows.setdefault(" ".join(label.texts[0].split()), label)
                break
    return list(rows.items())


_OWN_STATUS = re.compile(r"^(.*\S)\s*[:\u00b7\u2022\u2013\u2014-]\s*(\S+)$")  # colon, dots, dashes


def _says_own_status(node: Node) -> bool:
    """One element that says its name and its status: a value ("On") beside its label,
    or a text that ends with one after a colon or a dot."""
    if status_word(node.texts[0]) is not None:
        return False
    if any(status_word(t) is not None for t in node.texts[1:]):
        return True
    m = _OWN_STATUS.match(node.texts[0].strip())
    return m is not None and status_word(m.group(2)) is not None


def _beside(screen: Screen, status: Node) -> list[Node]:
    """The status word's row on screen (a label to its left or right)."""
    return [n for n in screen.row_of(status) if screen.on_screen(n)]


def _above(screen: Screen, status: Node) -> list[Node]:
    """A title above the status as its summary line: the texts of the smallest row
    container that holds the status and another text (never one as tall as a third of
    the screen: that is a list, not a row)."""
    tall = screen.size[1] / 3 if screen.size else float("inf")
    el = status.el.getparent()
    while el is not None:
        box = next((n for n in screen.nodes if n.el is el), None)
        if box is not None and box.bounds is not None and box.bounds.height > tall:
            return []
        inside = [n for n in screen.nodes if n is not status and n.el is not el
                  and Screen.inside(n, box) and screen.on_screen(n)] if box else []
        if any(n.texts for n in inside):
            return inside
        el = el.getparent()
    return []


def _gap(a: Node, b: Node) -> int:
    if a.bounds is None or b.bounds is None:
        return 10**6
    return max(0, b.bounds.x - (a.bounds.x + a.bounds.width),
               a.bounds.x - (b.bounds.x + b.bounds.width))


@dataclass(slots=True)
class Sighting:
    """A switch as the walk saw it, with the screen it was on (coverage is judged there)."""

    page: str
    via: str
    label: str
    node: Node
    screen: Screen
    row_locator: str = ""


@dataclass(slots=True)
class Walk:
    sightings: list[Sighting] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class PageWalker:
    """Reads one declared page (already open) on ``device``."""

    def __init__(self, device: Device, anchor: Locator, *, settle: float, timeout: float,
                 loading: tuple[Locator, ...] = (), cancelled: Callable[[], bool] | None = None
                 ) -> None:
        self.device = device
        self.anchor = anchor
        self.settle = settle
        self.timeout = timeout
        self.loading = loading
        self.cancelled = cancelled or (lambda: False)

    def read_settled(self, what: str) -> Screen:
        """The screen once its switches read the same twice, ``settle`` apart, with nothing
        loading and no dialog on top; ``Unsettled`` at the deadline."""
        deadline = time.monotonic() + self.timeout + self.settle
        first: tuple[tuple[tuple[str, bool | None], ...], float] | None = None
        while True:
            screen = self.device.screen(fresh=True)
            now = time.monotonic()
            if screen.loading(self.loading) or screen.dialogs():
                first = None
            else:
                sig = signature(screen)
                if first is not None and first[0] == sig and now - first[1] >= self.settle:
                    return screen
                if first is None or first[0] != sig:
                    first = (sig, now)
            if now >= deadline:
                busy = ", ".join(n.describe() for n in screen.loading(self.loading)[:2])
                raise Unsettled(
                    f"{what}: did not settle within {self.timeout + self.settle:g}s"
                    + (f" (still loading: {busy})" if busy else " (its switches kept changing)"
                       if first is None or first[0] != signature(screen) else ""),
                    expected="a settled page", actual=screen.summary(), ui_tree=screen.source)
            self.device.pause(min(self.device.poll, max(self.settle / 2, 0.05)))

    def walk(self, page: str) -> Walk:
        out = Walk()
        seen: set[tuple[str, str]] = set()
        screen = self.read_settled(page)
        for _ in range(MAX_SCROLLS):
            self._collect(out, seen, screen, page, "")
            for label, _node in status_rows(screen):
                if label not in out.opened:
                    out.opened.append(label)
                    self._open(out, seen, page, label)
            moved, screen = self._scroll(page)
            if not moved:
                return out
        raise StepFailed(f"{page}: not at its end after {MAX_SCROLLS} scrolls: the page "
                         "was not read whole")

    def _scroll(self, what: str) -> tuple[bool, Screen]:
        """Scroll down once; whether anything moved (what the page shows, not its source:
        a clock or a video changes that), and the settled screen after."""
        before = view(self.device.screen(fresh=True))
        self.device.scroll("down")
        after = self.read_settled(what)
        return view(after) != before, after

    def _collect(self, out: Walk, seen: set[tuple[str, str]], screen: Screen, page: str,
                 via: str, row_locator: str = "") -> None:
        for label, node in switches(screen):
            if (page, label) in seen:
                continue
            seen.add((page, label))
            out.sightings.append(Sighting(page, via, label, node, screen, row_locator))

    def _row(self, label: str) -> tuple[Screen, Node] | None:
        """The row ``label`` on screen: where it is, else scrolled to (the page may have come
        back at another scroll position), down then up."""
        screen = self.device.screen(fresh=True)
        for direction in ("down", "up"):
            for _ in range(MAX_SCROLLS):
                node = dict(status_rows(screen)).get(label)
                if node is not None:
                    return screen, node
                before = view(screen)
                self.device.scroll(direction)
                screen = self.device.screen(fresh=True)
                if view(screen) == before:
                    break
        return None

    def _open(self, out: Walk, seen: set[tuple[str, str]], page: str, label: str) -> None:
        """Open the row ``label``, read the sub-page to its end, come back to ``page``."""
        found = self._row(label)
        if found is None:
            raise StepFailed(f"{page}: the row {label!r} went out of sight and was not "
                             "found again: the page was not read whole")
        screen, node = found
        row_locator = suggest(screen, node)
        locator = Locator(_HERE, text=TextMatch("exact", label))
        try:
            self.device.tap(Target(label, node=node, screen=screen, locator=locator))
        except DeniedTap as exc:
            out.notes.append(f"{label}: not opened ({exc})")
            return
        if self.device.screen(fresh=True).dialogs():  # a picker, not a page: leave it be
            self.device.back()
            out.notes.append(f"{label}: opened a dialog, not a page (closed with Back)")
            return
        sub = self.read_settled(label)
        if sub.same_node(node) is not None and sub.first(locator) is not None:
            out.notes.append(f"{label}: tapping the row opened nothing")
            return
        for _ in range(MAX_SCROLLS):
            self._collect(out, seen, sub, label, page, row_locator)
            moved, sub = self._scroll(label)
            if not moved:
                break
        else:
            raise StepFailed(f"{label}: not at its end after {MAX_SCROLLS} scrolls")
        self.device.back()
        # Back on the page: its anchor shows, or the row itself (a page scrolled down).
        if self.device.wait_for(Locator(_HERE, any=(self.anchor, locator)),
                                self.timeout) is None:
            raise StepFailed(f"{page}: did not come back from {label!r} (Back did not show "
                             f"{self.anchor} or the row within {self.timeout:g}s)")


def view(screen: Screen) -> tuple[tuple[str, object], ...]:
    """What the page shows where: texts and switches with their frames."""
    return tuple((n.texts[0] if n.texts else "", n.bounds) for n in screen.nodes
                 if screen.on_screen(n) and (n.texts or n.checkable))
