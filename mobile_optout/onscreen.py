"""What is on top of the page, and which questions may be answered: the rules that keep a
run from reading a state, or tapping, under something the app or the system put over it.

All of it is answered from one page-source snapshot (a ``Screen``); nothing here talks to
the device.

Rules kept here (and nowhere else):
- **What is on top decides.** A modal is, whatever its class: a dialog, alert or sheet by
  its class or framework id; a window of the system (the permission controller, Android's
  own "isn't responding" window, a SpringBoard alert); a window that floats (it does not
  cover the screen, and no page is under it); or, by geometry, an element drawn *after*
  the page's content, not one of its ancestors, that covers most of the screen and sits
  over that content: a scrim (an empty element over the page), a sheet, a full-screen
  page. Full-screen containers that hold the page are its ancestors, so never modal. The
  modal's *layer* is that element and everything drawn after it. An empty element that
  takes no touches (Android ``clickable="false"``) is a scrim only with a sheet drawn over
  it. What lies *in* the layer may be read and tapped: a settings page that the app
  presents as a full-screen sheet over another page is the page (``Modal.holds``); a
  prompt's layer is never read as a page.
- **What kind of question it is.** An OS permission prompt, an ANR dialog, a rating prompt,
  a sign-in page, or any other question (``KINDS``).
- **Only safe answers.** A permission prompt is answered only with its refusing button
  (by the framework's id, else its words); an ANR dialog with Wait; a rating prompt with
  its negative button. Where those words are not known (another language), there is no
  answer: the caller fails naming the prompt. A positive, granting, sign-in or disabled
  button is never an answer (``harmful``).
- **A sign-in page is a stop.** Two signs of one (a sign-in button, "Join now",
  "Continue as ...", "Welcome back", a password field...) make a page a sign-in page,
  wherever it appears.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.locate import Node, Query, Screen
from mobile_optout.values import fold

# The system's own windows, by package (Android) or application (iOS).
PERMISSION_PACKAGES = frozenset({"com.google.android.permissioncontroller",
                                 "com.android.permissioncontroller",
                                 "com.android.packageinstaller"})
SYSTEM_PACKAGES = PERMISSION_PACKAGES | {"android", "com.android.systemui"}
SPRINGBOARD = "SpringBoard"

# What the questions say (English; a prompt in words not listed is not answered).
PERMISSION_TEXT = re.compile(r"would like to|\ballow\b.{1,80}\bto\b|wants to access", re.I)
ANR_TEXT = re.compile(r"isn[\u2019']?t responding|is not responding|not responding", re.I)
RATING_TEXT = re.compile(
    r"enjoying\b|\brate\b|\brating\b|\breview\b|how (do|would) you (like|rate)"
    r"|\blove (using )?\w+\s*\?|like using", re.I)
# The answers that lose nothing, per kind of prompt: framework ids first, then words.
REFUSE_IDS = ("permission_deny_button", "permission_deny_and_dont_ask_again_button",
              "permission_deny_foreground_only_button")
REFUSE_WORDS = ("don't allow", "deny")
WAIT_IDS = ("aerr_wait",)
WAIT_WORDS = ("wait",)
NEGATIVE_WORDS = ("not now", "no thanks", "no, thanks", "later", "maybe later",
                  "remind me later", "no")
# Buttons that must never be tapped by a privacy tool, whatever a flow says.
GRANTING_WORDS = ("allow", "ok", "allow all", "allow access", "allow full access",
                  "while using the app", "only this time", "allow once")
POSITIVE_RATING_WORDS = ("rate now", "rate", "yes", "sure", "rate us", "rate app",
                         "write a review", "rate it", "love it", "ok")
GENERIC_WORDS = frozenset({"ok", "okay", "yes", "continue", "confirm", "save", "done",
                           "next", "got it", "accept", "agree", "i agree", "sure"})

# Sign-in pages: exact texts, beginnings, and a password field.
SIGN_IN_EXACT = frozenset({"sign in", "log in", "login", "sign in with email",
                           "join now", "sign up", "create account", "create an account",
                           "sign in with a different account", "use another account",
                           "forgot password?", "forgot password", "not you?"})
SIGN_IN_START = ("continue as ", "welcome back", "sign in to ", "log in to ",
                 "continue with google", "continue with apple", "continue with email",
                 "continue with facebook", "continue with microsoft", "sign in with ")
PASSWORD_CLASSES = frozenset({"XCUIElementTypeSecureTextField"})

KINDS = ("permission", "anr", "rating", "dialog")
COVER = 0.5  # "most of the screen": at least this share of its area
SCRIM = 0.8  # an empty element over the page covers at least this share
PAGE = 0.25  # what it covers spans at least this share of the screen's height (not a bar)


@dataclass(frozen=True, slots=True)
class Button:
    """Something to tap in a modal, and what it says."""

    node: Node
    text: str

    @property
    def enabled(self) -> bool:
        return self.node.enabled


@dataclass(frozen=True, slots=True)
class Modal:
    """What is on top of the page: its outermost element, its layer and what it asks."""

    node: Node
    layer: tuple[Node, ...]
    kind: str  # one of KINDS
    text: str
    buttons: tuple[Button, ...]

    def holds(self, node: Node) -> bool:
        """``node`` is drawn in this modal (it can be read or tapped)."""
        return any(node is n for n in self.layer)

    def describe(self) -> str:
        """'text' [A] [B], as a failure names it."""
        said = self.text if len(self.text) <= 160 else self.text[:157] + "..."
        shown = " ".join(f"[{b.text}]" + ("" if b.enabled else " (disabled)")
                         for b in self.buttons)
        return f"{said!r} {shown}".strip()

    def button(self, words: tuple[str, ...] = (), ids: tuple[str, ...] = ()) -> Button | None:
        """The enabled button with one of these framework ids, else one of these words."""
        for b in self.buttons:
            if b.enabled and ids and b.node.resource_id.rsplit("/", 1)[-1] in ids:
                return b
        wanted = [fold(w) for w in words]
        for w in wanted:
            for b in self.buttons:
                if b.enabled and fold(b.text) == w:
                    return b
        return None

    def safe_answer(self) -> Button | None:
        """The answer that loses nothing to a permission, ANR or rating prompt; None for
        any other question, or when its words are not known."""
        if self.kind == "permission":
            return self.button(REFUSE_WORDS, REFUSE_IDS)
        if self.kind == "anr":
            return self.button(WAIT_WORDS, WAIT_IDS)
        if self.kind == "rating":
            return self.button(NEGATIVE_WORDS)
        return None


def harmful(button_text: str, node: Node, modal: Modal | None) -> str:
    """Why tapping this is never allowed ("" when it may be): a disabled button, a button
    that grants a permission, rates the app, or signs in."""
    said = fold(button_text)
    if not node.enabled:
        return "it is disabled"
    if modal is not None and modal.kind == "permission" and said in GRANTING_WORDS:
        return "it would grant a permission"
    if modal is not None and modal.kind == "rating" and said in POSITIVE_RATING_WORDS:
        return "it would rate the app"
    if said in SIGN_IN_EXACT or said.startswith(SIGN_IN_START):
        return "it signs in"
    return ""


class Look:
    """The questions a runner asks of one snapshot, answered once (cached)."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen

    @cached_property
    def modal(self) -> Modal | None:
        return find_modal(self.screen)

    @cached_property
    def by_el(self) -> dict[object, Node]:
        return {n.el: n for n in self.screen.nodes}

    @cached_property
    def sign_in(self) -> list[str]:
        return sign_in_signs(self.screen)


_LOOKS: weakref.WeakKeyDictionary[Screen, Look] = weakref.WeakKeyDictionary()


def look(screen: Screen) -> Look:
    """The snapshot's answers (kept with the screen: asked many times, worked out once)."""
    cached = _LOOKS.get(screen)
    if cached is None:
        cached = _LOOKS[screen] = Look(screen)
    return cached


def node_of(screen: Screen, el: object) -> Node | None:
    """The node of a tree element of this screen."""
    return look(screen).by_el.get(el)


# ---------------------------------------------------------------- finding what is on top


def _area(n: Node) -> int:
    return n.bounds.width * n.bounds.height if n.bounds else 0


def _content(n: Node) -> bool:
    return bool(n.texts) or n.clickable or n.checkable


def _package(n: Node) -> str:
    return n.el.get("package") or ""


def _ancestors(screen: Screen, node: Node) -> set[int]:
    out: set[int] = set()
    el = node.el.getparent()
    while el is not None:
        out.add(id(el))
        el = el.getparent()
    return out


def find_modal(screen: Screen) -> Modal | None:
    """The modal on top of the page, if any (the rules in the module's docstring)."""
    nodes = [n for n in screen.nodes if n.displayed]
    if not nodes:
        return None
    order = {id(n.el): i for i, n in enumerate(screen.nodes)}
    found = _system_window(screen, nodes) or _dialog(screen) or _floating(screen, nodes) \
        or _drawn_over(screen, nodes)
    if found is None:
        return None
    top, layer = found
    start = order[id(top.el)]
    above = _ancestors(screen, top)
    if not layer:
        layer = [n for n in screen.nodes[start:] if id(n.el) not in above]
    return _modal(screen, top, tuple(layer))


def _system_window(screen: Screen, nodes: list[Node]) -> tuple[Node, list[Node]] | None:
    """A window of the system over the app: its outermost element, and its layer."""
    if screen.platform is Platform.ANDROID:
        for n in nodes:
            if _package(n) in SYSTEM_PACKAGES and _content(n) and _package(n) != \
                    "com.android.systemui":
                root = n
                while (p := root.el.getparent()) is not None and p.get("package") == \
                        _package(n):
                    parent = node_of(screen, p)
                    if parent is None:
                        break
                    root = parent
                return root, [m for m in screen.nodes if _package(m) == _package(n)]
        return None
    if screen.platform is Platform.IOS:
        app = screen.root.find("XCUIElementTypeApplication")
        if app is not None and app.get("name") == SPRINGBOARD:
            for n in nodes:
                if n.cls == "XCUIElementTypeAlert":
                    return n, []
    return None


def _dialog(screen: Screen) -> tuple[Node, list[Node]] | None:
    dialogs = screen.dialogs()
    if not dialogs:
        return None
    top = dialogs[-1]
    if screen.platform is Platform.ANDROID and top.resource_id.endswith(
            ("id/alertTitle", "id/parentPanel")):
        window = top  # a dialog window: UiAutomator2 dumps it alone, or after the page
        while (p := window.el.getparent()) is not None and p.tag != "hierarchy":
            parent = node_of(screen, p)
            if parent is None:
                break
            window = parent
        return window, [n for n in screen.nodes if Screen.inside(n, window)]
    return top, []


def _floating(screen: Screen, nodes: list[Node]) -> tuple[Node, list[Node]] | None:
    """Android: the active window, dumped alone, is smaller than the screen (a dialog)."""
    if screen.platform is not Platform.ANDROID or screen.size is None:
        return None
    windows = [n for el in screen.root if (n := node_of(screen, el)) is not None]
    if not windows:
        return None
    last = windows[-1]
    w, h = screen.size
    if last.bounds is None or _area(last) <= 0 or _area(last) >= 0.9 * w * h:
        return None
    if any(_content(n) for n in screen.nodes if Screen.inside(n, last)):
        return last, [n for n in screen.nodes if Screen.inside(n, last)]
    return None


def _drawn_over(screen: Screen, nodes: list[Node]) -> tuple[Node, list[Node]] | None:
    """The first element drawn after page content, not its ancestor, that covers most of
    the screen and sits over that content: an empty scrim, or something with content of
    its own over the content before it."""
    if screen.size is None:
        return None
    w, h = screen.size
    screen_area = w * h
    before: list[Node] = []
    for n in screen.nodes:
        if not n.displayed or n.bounds is None:
            continue
        if _area(n) >= COVER * screen_area and before:
            mine = [b for b in before if not Screen.inside(n, b)]  # not its ancestors
            under = [b for b in mine if n.covers(b)]
            if len(under) >= 2 and _spread(under) >= PAGE * h:  # a page, not a bar
                if _is_scrim(screen, n, screen_area):
                    return n, []
                own = [c for c in screen.nodes if c is not n and Screen.inside(c, n)
                       and c.displayed and _content(c) and _area(c) > 0]
                covered = [b for b in under if any(c.covers(b) for c in own)]
                if len(covered) >= 2:
                    return n, []
        if _content(n) and _area(n) < COVER * screen_area and _on_screen(n, w, h):
            before.append(n)
    return None


def _on_screen(n: Node, w: int, h: int) -> bool:
    b = n.bounds
    return b is not None and b.x >= 0 and b.y >= 0 and b.x + b.width <= w and \
        b.y + b.height <= h


def _spread(nodes: list[Node]) -> int:
    """How tall a part of the screen these nodes span (a bar's items span one bar)."""
    tops = [n.bounds.y for n in nodes if n.bounds]
    bottoms = [n.bounds.y + n.bounds.height for n in nodes if n.bounds]
    return max(bottoms) - min(tops) if tops else 0


def _is_scrim(screen: Screen, n: Node, screen_area: int) -> bool:
    """An empty element over most of the screen. On Android a view that says it takes no
    touches (``clickable="false"``: a wallpaper, a transparent overlay) lets them through
    to the page, so it is a scrim only with something drawn over it after it (its sheet)."""
    if len(n.el) != 0 or _area(n) < SCRIM * screen_area:
        return False
    if screen.platform is Platform.ANDROID and n.el.get("clickable") == "false":
        later = screen.nodes[screen.nodes.index(n) + 1:]
        return any(m.displayed and _content(m) and n.covers(m) for m in later)
    return True


def _modal(screen: Screen, top: Node, layer: tuple[Node, ...]) -> Modal:
    texts = [t for n in layer if n.displayed for t in n.texts]
    text = " / ".join(dict.fromkeys(texts))
    buttons = _buttons(screen, layer)
    said = " ".join(texts)
    packages = {_package(n) for n in layer}
    if packages & PERMISSION_PACKAGES or any(
            b.node.resource_id.rsplit("/", 1)[-1].startswith("permission_") for b in buttons) \
            or PERMISSION_TEXT.search(said):
        kind = "permission"
    elif ANR_TEXT.search(said) or any(b.node.resource_id.endswith(("aerr_wait", "aerr_close"))
                                      for b in buttons):
        kind = "anr"
    elif RATING_TEXT.search(said):
        kind = "rating"
    else:
        kind = "dialog"
    return Modal(node=top, layer=layer, kind=kind, text=text, buttons=buttons)


def _buttons(screen: Screen, layer: tuple[Node, ...]) -> tuple[Button, ...]:
    """The modal's buttons: what can be tapped in it, with what it says (its own text, or
    the text inside it)."""
    out: list[Button] = []
    seen: set[int] = set()
    for n in layer:
        if not n.displayed or not (n.clickable or n.cls.endswith("Button")):
            continue
        if n.checkable or n.cls.endswith(("Switch", "Cell", "EditText", "TextField")):
            continue
        said = n.texts[0] if n.texts else next(
            (t for c in layer if c is not n and Screen.inside(c, n) for t in c.texts), "")
        if not said or id(n.el) in seen:
            continue
        seen.add(id(n.el))
        seen.update(id(c.el) for c in layer if Screen.inside(c, n))
        out.append(Button(n, said))
    return tuple(out)


# ---------------------------------------------------------------- sign-in pages


def sign_in_signs(screen: Screen) -> list[str]:
    """The signs of a sign-in page on screen (two or more: it is one)."""
    signs: dict[str, None] = {}
    for n in screen.nodes:
        if not screen.on_screen(n):
            continue
        if n.cls in PASSWORD_CLASSES or n.el.get("password") == "true":
            signs["a password field"] = None
        for t in n.texts:
            said = fold(t)
            if said in SIGN_IN_EXACT or said.startswith(SIGN_IN_START):
                signs[t.strip()] = None
    return list(signs)


def blocked_by(screen: Screen, blockers: list[tuple[str, Locator]],
               expand: Callable[[Locator], Locator]) -> str:
    """Why this screen ends the flow as ``blocked`` ("" when it does not): one of the
    flow's blockers shows, or two signs of a sign-in page do."""
    for name, when in blockers:
        if screen.first(expand(when)) is not None:
            return name
    signs = look(screen).sign_in
    if len(signs) >= 2:
        shown = ", ".join(repr(s) for s in signs[:3])
        return f"a sign-in page ({shown}): the session has expired; nothing was tapped on it"
    return ""


# ---------------------------------------------------------------- confirmations


def answers(question: TextMatch | None, modal: Modal) -> bool:
    """The modal asks the question a flow's confirmation answers."""
    if question is None:
        return False
    return question.matches(modal.text) or any(
        question.matches(t) for n in modal.layer for t in n.texts)


def generic(text: str) -> bool:
    """A word that means opposite things in different questions ("OK", "Yes")."""
    return fold(text).rstrip("!.") in GENERIC_WORDS


def status_word(text: str) -> bool | None:
    """On/Off as a list row shows a setting's state ("On", "Off", "…, On"); None: no
    such word."""
    said = fold(text)
    tail = said.rsplit(",", 1)[-1].strip()
    return {"on": True, "off": False}.get(tail)


# ---------------------------------------------------------------- one cheap query

_ANDROID_ON_TOP = (
    'new UiSelector().resourceIdMatches(".*:id/(alertTitle|parentPanel|design_bottom_sheet'
    '|bottom_sheet|touch_outside|aerr_wait|aerr_close|permission_allow_button'
    '|permission_deny_button)")',
    'new UiSelector().className("android.app.Dialog")',
    'new UiSelector().packageNameMatches("com\\.(google\\.)?android\\.permissioncontroller'
    '|android")',
    'new UiSelector().textMatches("(?is)\\s*(sign in|join now|welcome back.*|continue as .*'
    '|sign in with a different account|log in)\\s*")',
)
_IOS_ON_TOP = (
    "type == 'XCUIElementTypeAlert' OR type == 'XCUIElementTypeSheet'",
    "label MATCHES[c] '\\s*(sign in|join now|welcome back.*|continue as .*"
    "|sign in with a different account|log in)\\s*'",
)


def on_top_query(platform: Platform, declared: Query | None) -> Query | None:
    """One server-side find for "might something be on top, or a sign-in page show?":
    the flow's own (``declared``: its interrupts and blockers) and the built-in signs.
    What it cannot see (an app's own sheet of plain views) the tree sees at the next read.
    None on a web page (the DOM snapshot answers there)."""
    if platform is Platform.ANDROID:
        clauses = [*(declared.value.split(";") if declared else ()), *_ANDROID_ON_TOP]
        return Query("android_uiautomator", ";".join(clauses))
    if platform is Platform.IOS:
        clauses = [*([declared.value] if declared else ()), *_IOS_ON_TOP]
        return Query("ios_predicate", " OR ".join(f"({c})" for c in clauses))
    return None


def away_from(cover: Node, screen: Screen) -> str:
    """The scroll that moves content away from what covers it: a bar over the lower half
    of the screen is cleared by scrolling down (the content moves up), one above by up."""
    height = screen.size[1] if screen.size else 0
    cy = cover.center[1] if cover.center else 0
    return "down" if cy * 2 >= height else "up"
