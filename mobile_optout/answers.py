"""Answering what is on top, and reading a toggle, for ``Device`` (kept apart so that each
module stays small). The rules are ``mobile_optout.onscreen``'s; this is where a device
acts on them:

- ``answer_prompt``: the flow's declared interrupt first (its button inside the prompt),
  else the answer that loses nothing to a permission, ANR or rating prompt; a prompt of
  those kinds whose safe answer is not known fails naming it.
- ``_on_top_shows``: one server query per screen for what might be on top (so that a tap
  on the happy path reads no tree).
- ``enabled`` / ``toggle_state``: a server element's attributes, per platform.
- ``_notice_identity`` / ``_ask_identity``: the member's name (the flow's ``identity``),
  from the tree or by asking the server, redacted from everything stored.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from loguru import logger

from mobile_optout.driver import Driver, Element
from mobile_optout.errors import StepFailed
from mobile_optout.flow.model import Flow, Locator, Platform
from mobile_optout.locate import (
    Node,
    Query,
    Screen,
    any_shown_query,
    identity_names,
    needs_server,
    server_queries,
)
from mobile_optout.onscreen import Modal, node_of, on_top_query, status_word

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Target:
    """Something found on screen: a node from the page source, or a server element."""

    description: str
    node: Node | None = None
    element: Element | None = None
    value: str = ""  # the locator value a server element was found by
    screened: bool = False  # found by a query that leaves denylisted labels out
    screen: Screen | None = None  # the screen a node was found on (hit-tests use it)
    locator: Locator | None = None  # what found it: to find it again after a scroll
    point: tuple[int, int] | None = None  # where to tap, when not the centre (it is covered)


class _Refused(Exception):
    """The server would not answer a query the runner made (not the flow's own locator):
    a regex it cannot compile, a strategy it does not implement. The tree answers instead."""


class Answers(ABC):
    """What ``Device`` does about prompts and toggles (a mixin: ``Device`` provides the
    rest)."""

    driver: Driver
    flow: Flow
    answered: list[str]
    _clear: bool
    _on_event: Callable[[str, str], None]
    _expand: Callable[[Locator], Locator]
    _on_identity: Callable[[str], None] | None
    _identity_known: bool
    _identity_asked: bool
    accounts: list[str]

    @property
    @abstractmethod
    def platform(self) -> Platform:
        """The device's platform (``Device``)."""

    @abstractmethod
    def screen(self, *, fresh: bool = False) -> Screen:
        """Provided by ``Device``."""

    @abstractmethod
    def tap(self, target: Target, *, modal: Modal | None = None, said: str | None = None
            ) -> Target:
        """Provided by ``Device``."""

    @abstractmethod
    def _retry(self, fn: Callable[[], T], *, attempts: int = 6) -> T:
        """Provided by ``Device``."""

    @abstractmethod
    def _made(self, queries: list[Query] | Query | None) -> list[Query] | None:
        """Provided by ``Device``."""

    @abstractmethod
    def _ask_made(self, queries: list[Query], shown_as: str = "") -> Target | None:
        """Provided by ``Device``."""

    @abstractmethod
    def _attribute(self, element: Element, name: str) -> str | None:
        """Provided by ``Device``."""

    def answer_prompt(self, modal: Modal) -> bool:
        """Answer what is on top when the flow or the rules know the answer: the flow's
        declared interrupt first (its button inside the prompt), else the answer that loses
        nothing to a permission, ANR or rating prompt. True when a button was tapped; a
        prompt of those kinds whose safe answer is not known fails naming it."""
        screen = self.screen()
        for interrupt in self.flow.interrupts:
            if needs_server(interrupt.when, self.platform) or needs_server(
                    interrupt.tap, self.platform):
                continue
            if not any(modal.holds(n) for n in screen.find(self._expand(interrupt.when))):
                continue
            buttons = [n for n in screen.find(self._expand(interrupt.tap)) if modal.holds(n)]
            if buttons:
                node = buttons[0]
                self._answer(modal, interrupt.name, _target(node.describe(), node=node,
                                                           screen=screen), node)
                return True
        if modal.kind == "dialog":
            return False
        button = modal.safe_answer()
        if button is None:
            what = {"permission": "a permission prompt", "anr": "an app-not-responding "
                    "dialog", "rating": "a rating prompt"}[modal.kind]
            raise StepFailed(
                f"{what} is on top: {modal.describe()}; its safe answer is not known in "
                "these words, so nothing was tapped", expected="a known refusing button",
                actual=modal.describe(), ui_tree=screen.source)
        self._answer(modal, f"{modal.kind} prompt",
                     _target(button.node.describe(), node=button.node, screen=screen),
                     button.node)
        return True

    def _answer(self, modal: Modal, name: str, target: Target, node: Node) -> None:
        said = node.texts[0] if node.texts else next(
            (b.text for b in modal.buttons if b.node is node), node.describe())
        logger.info("answering {}: {!r}", name, said)
        self._on_event("interrupt", f"{name}: tapped {said!r}")
        self.answered.append(f"{name}: {said!r}")
        self.tap(target, modal=modal, said=said)

    def _notice_identity(self, screen: Screen) -> None:
        if self._on_identity is None:
            return
        for loc in self.flow.identity:
            for name in screen.identity(loc):
                self._identity_known = True
                self._account(name)

    def _account(self, name: str) -> None:
        """A name the page shows for the account: redacted, and remembered (a page that
        names another account than the first one seen is reported)."""
        assert self._on_identity is not None
        self._on_identity(name)
        folded = " ".join(name.split()).casefold()
        if folded not in (" ".join(a.split()).casefold() for a in self.accounts):
            self.accounts.append(name)

    def _ask_identity(self) -> None:
        """Until the member's name has been seen, ask the server for the flow's identity
        locators once per screen: a run that reads no page source still learns the name,
        so that everything it stores is redacted."""
        if self._on_identity is None or self._identity_known or self._identity_asked:
            return
        self._identity_asked = True
        locators = [loc for locator in self.flow.identity
                    if (loc := locator.for_platform(self.platform)) is not None
                    and server_queries(loc, self.platform) is not None]
        shown = self._made(any_shown_query(locators, self.platform))
        try:  # one find while it is not there
            if shown is None or not self._ask_made(shown):
                return  # (the tree answers it whenever one is read)
        except _Refused:
            return
        for loc in locators:  # then which one, in order, until a name is read
            try:
                target = self._ask_made(self._made(server_queries(loc, self.platform)) or [])
            except _Refused:
                return
            if target is None or target.element is None:
                continue
            if self.platform is Platform.IOS:
                names = ("label", "name")
            else:  # a picture says it in its description, a text in its text
                names = ("content-desc", "text") if loc.text else ("text", "content-desc")
            for name in names:
                said = self._attribute(target.element, name) or ""
                for found in identity_names(loc, [said]):
                    self._identity_known = True
                    self._account(found)
                if self._identity_known:
                    return

    def _on_top_shows(self) -> bool:
        """Might something be on top of the page, or a sign-in page show? Asked once per
        screen (until the next action), in one server query: the flow's interrupts and
        blockers, dialogs and sheets by class and framework id, the system's windows, the
        words of a sign-in page (``onscreen.on_top_query``). When it finds nothing, a tap
        goes ahead without reading the tree; else the tree answers."""
        if self._clear:
            return False
        whens = [i.when for i in self.flow.interrupts] + [b.when for b in self.flow.blockers]
        declared = any_shown_query([self._expand(w) for w in whens], self.platform) \
            if whens else None
        if whens and declared is None:
            return True  # one of them cannot be asked: the tree will tell
        query = self._made(on_top_query(self.platform, declared))
        try:
            shows = query is None or self._ask_made(query) is not None
        except _Refused:
            shows = True  # the tree will tell
        self._clear = not shows
        return shows

    def enabled(self, target: Target) -> bool:
        """Whether the element takes input (a disabled switch shows a placeholder)."""
        if target.node is not None:
            return target.node.enabled
        element = target.element
        assert element is not None
        return self._retry(lambda: self.driver.attribute(element, "enabled")) != "false"

    def toggle_state(self, target: Target) -> bool | None:
        """On or off as the screen shows it; None when the element is not a toggle."""
        if target.node is not None:
            return target.node.checked
        element = target.element
        assert element is not None
        if self.platform is Platform.WEB:
            return self._web_toggle_state(element)
        name = "checked" if self.platform is Platform.ANDROID else "value"
        value = self._retry(lambda: self.driver.attribute(element, name))
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        return None

    def _web_toggle_state(self, element: Element) -> bool | None:
        """aria-checked, or a checkbox's checked property: whichever the page uses."""

        def attr(name: str) -> str | None:
            return self._retry(lambda: self.driver.attribute(element, name))

        aria = attr("aria-checked")
        if aria in ("true", "false"):
            return aria == "true"
        if attr("type") in ("checkbox", "radio"):
            return attr("checked") == "true"
        return None




def _target(description: str, *, node: Node, screen: Screen) -> Target:
    return Target(description, node=node, screen=screen)


def row_status(target: Target) -> tuple[str, bool] | None:
    """The On/Off a tapped list row shows for its setting ("Data for ... / On"): the
    clickable row that holds the tapped node, and a status word in it."""
    node, screen = target.node, target.screen
    if node is None or screen is None:
        return None
    row: Node | None = node
    el: object = node.el
    while row is not None and not row.clickable:
        el = row.el.getparent()
        row = node_of(screen, el) if el is not None else None
    row = row or node
    for n in screen.nodes:
        if Screen.inside(n, row):
            for text in n.texts:
                state = status_word(text)
                if state is not None and len(text) <= 80:
                    return target.description, state
    return None


