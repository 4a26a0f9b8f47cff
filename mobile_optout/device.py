"""A device as the runner sees it: waiting, settling, retrying and interrupts, on top of the
driver seam. The runner asks "wait for this", "tap that", "what state is that toggle in";
this module decides how many round trips that takes and which platform rule applies.

Rules kept here (and nowhere else):
- Nothing sleeps for a fixed time: every wait polls a condition until a deadline, at the
  device's poll interval, and returns as soon as the condition holds.
- Look-ups are cheap on the happy path: the first look of a wait asks the server directly
  (``locate.server_queries``: a find by id, accessibility id, UiSelector or predicate costs
  tens of ms on a real phone, a page source hundreds). The page source is read when it
  pays: when that look misses (one read then answers the target, its alternatives, the
  interrupts and the blockers of each poll), for what only the tree can answer (a
  ``switch_for`` row, XPath, the row's On/Off of the tap into a setting's page: every
  look for that row reads it), and whenever one was read since the last action (free).
  What the server found since the last action is not asked again (a wait, then its tap).
- Before a tap, a declared interrupt on screen (a rating dialog...) is dismissed first:
  asked of the server once per screen, or seen in the tree.
- The member's name (the flow's ``identity``) is learned as soon as a screen shows it,
  from the tree or by asking the server, so that everything stored is redacted.
- A tap on a denylisted label (Delete account, Sign out...) is refused, whether it is the
  element aimed at or the one under the finger.
- A tap by coordinates lands where it is meant: the point is hit-tested against the screen
  the target was found on (``Screen.hit``); when something else is on top (a sticky bar, a
  banner, a sheet) the target is scrolled clear or the thing is dismissed as a declared
  interrupt, else the tap is refused (``Covered``) and nothing is tapped. (An element found
  by the server is clicked as an element: the driver aims it at its visible part.)
- A transient failure (a 500, a stale element) is tried again within the deadline; a lost
  session is not handled here but raised for the runner to reopen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from loguru import logger

from mobile_optout.answers import Answers, Target, _Refused, row_status
from mobile_optout.devices import DeviceProfile
from mobile_optout.driver import APP_NOT_INSTALLED, STRATEGIES, Driver, Element, pick_context
from mobile_optout.errors import (
    Covered,
    DeniedTap,
    FlowEnded,
    Interrupted,
    LocatorRejected,
    StaleElement,
    StepFailed,
    TransientDeviceError,
    Unsupported,
)
from mobile_optout.flow.model import AppId, Flow, Locator, Platform
from mobile_optout.locate import (
    Node,
    Query,
    Screen,
    needs_server,
    server_queries,
)
from mobile_optout.onscreen import (
    Modal,
    away_from,
    blocked_by,
    harmful,
    look,
)
from mobile_optout.values import Rect, TapRecord, fold
from mobile_optout.webdom import dom_path

__all__ = ["Device", "Target"]  # Target lives in answers.py; callers import it here
T = TypeVar("T")
# What a server element says, per platform.
TEXT_ATTRIBUTE = {Platform.ANDROID: "text", Platform.IOS: "label", Platform.WEB: "innerText"}


MAX_INTERRUPTS_PER_WAIT = 6


class Device(Answers):
    def __init__(
        self,
        driver: Driver,
        profile: DeviceProfile,
        flow: Flow,
        *,
        on_event: Callable[[str, str], None] | None = None,
        on_identity: Callable[[str], None] | None = None,
        expand: Callable[[Locator], Locator] | None = None,
        cancelled: Callable[[], bool] | None = None,
        on_wait: Callable[[Locator, float], None] | None = None,
        taps: list[TapRecord] | None = None,
        on_screen: Callable[[Screen], None] | None = None,
    ) -> None:
        self.driver = driver
        self.profile = profile
        self.flow = flow
        self._screen: Screen | None = None
        self.read_at = 0.0  # when the cached screen was asked for (time.monotonic)
        self._clear = False  # no interrupt shows on this screen (until the next action)
        # Targets the server found since the last action, by (locator, the finds asked): a
        # wait and the tap that follows it, or a step's ``when: visible`` and the step, ask
        # the same question once.
        self._found: dict[tuple[str, tuple[Query, ...]], Target] = {}
        self._unsupported: set[str] = set()  # strategies this server does not implement
        self._identity_known = False  # the member's name was seen (and is redacted)
        self._identity_asked = False  # the server was asked for it on this screen
        self._on_event = on_event or (lambda kind, text: None)
        self._on_identity = on_identity
        self._expand = expand or (lambda loc: loc)  # fills in ${NAME} in locators
        self._cancelled = cancelled or (lambda: False)
        self._on_wait = on_wait or (lambda loc, seconds: None)  # still waiting, so far
        self._deny_labels = tuple(d for d in flow.denylist if d not in flow.allow_taps)
        self._deny = tuple(fold(d) for d in self._deny_labels)
        self.taps: list[TapRecord] = taps if taps is not None else []  # every tap made
        self.deadline: float | None = None  # the flow's: no loop waits past it
        self.way_in: tuple[str, bool] | None = None  # the last tapped row's On/Off status
        self.answered: list[str] = []  # "prompt -> button" for every question answered
        self.accounts: list[str] = []  # account names the pages showed, first one first
        self._last_tap: tuple[object, str] | None = None  # (what, the screen before it)
        self._unchanged = False  # nothing changed on screen since the last tap
        self._on_screen = on_screen  # every screen read (seen.py; the language: language.py)
        self.way_in_tap: Locator | None = None  # the tap into a setting's page (see tap)
        self.app_confirmed = False  # the driver was asked whether the app is installed
        self._installed: bool | None = None  # its answer (None: it cannot tell)

    # -- reading the screen --------------------------------------------------------------

    @property
    def platform(self) -> Platform:
        """What is in front: the device's platform, or web inside an app's web view."""
        return self.driver.platform

    @property
    def poll(self) -> float:
        return self.profile.timeouts.poll

    def expand(self, locator: Locator) -> Locator:
        """The locator with the flow's ${NAME}s filled in."""
        return self._expand(locator)

    def screen(self, *, fresh: bool = False) -> Screen:
        """The current UI tree; read again only after an action or when asked."""
        if self._screen is None or fresh:
            # read and parse together: a garbled source is read again, like a failed read
            self.read_at = time.monotonic()  # when this snapshot was asked for
            self._screen = self._retry(lambda: Screen(self.driver.page_source(), self.platform))
            if self._last_tap is not None and self._screen.source != self._last_tap[1]:
                self._unchanged = False
            self._notice_identity(self._screen)
            if self._on_screen is not None:
                self._on_screen(self._screen)
            self._guard(self._screen)
        return self._screen

    def _guard(self, screen: Screen) -> None:
        """Every look: a sign-in page, or one of the flow's blockers, ends the flow."""
        why = blocked_by(screen, [(b.name, b.when) for b in self.flow.blockers], self._expand)
        if why:
            raise FlowEnded("blocked", why)

    def changed(self) -> None:
        """Forget the cached screen: an action may have changed it."""
        self._screen = None
        self._clear = False
        self._found.clear()
        self._identity_asked = False

    def pause(self, seconds: float | None = None) -> None:
        """Wait one poll interval between looks; stop here if the run was interrupted."""
        if self._cancelled():
            raise Interrupted("interrupted")
        self.check_deadline()
        time.sleep(self.poll if seconds is None else seconds)

    def check_deadline(self, doing: str = "") -> None:
        """Past the flow's deadline, every loop stops here, saying so."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise StepFailed(
                f"the flow ran past its deadline{' while ' + doing if doing else ''}; "
                "stopped here", expected="the flow done within its deadline",
                actual="still waiting")

    def _retry(self, fn: Callable[[], T], *, attempts: int = 6) -> T:
        """Run a driver call, trying again after a transient failure (bounded).

        Six attempts: the chaos soak (bench/soak.py) saw four in a row fail on a phone where
        one command in ten fails, about once in 500 runs; six make it about once in 50,000
        runs, and a device that fails six times running is not transiently failing."""
        for attempt in range(1, attempts + 1):
            try:
                return fn()
            except TransientDeviceError as exc:
                if attempt == attempts:
                    raise
                logger.debug("transient failure, trying again ({}): {}", attempt, exc)
                self._on_event("retry", str(exc))
                self.pause(self.poll * attempt)
        raise AssertionError("unreachable")

    # -- finding ------------------------------------------------------------------------

    def look(self, locator: Locator, *, fresh: bool = False, tap: bool = False
             ) -> Target | None:
        """One look, no waiting: the target if it is on screen now. A page source already
        read since the last action answers for free; otherwise the server is asked directly
        when it can answer (``locate.server_queries``), and the page source is read only
        when it cannot. ``tap``: the target is about to be tapped, so a text query leaves
        denylisted labels out (and a hit needs no second look at what it says)."""
        locator = self._expand(locator)
        if needs_server(locator, self.platform):
            return self._look_server(locator)  # the flow's own: its errors are its author's
        if self._screen is not None and not fresh:
            return self._look_tree(locator)
        queries = self._queries(locator, tap=tap)
        if queries is not None:
            key = (str(locator), tuple(queries))
            if key in self._found and not fresh:
                return self._found[key]
            try:
                found = self._ask_made(queries, shown_as=str(locator))
                if found is not None:  # (its locator finds it again if it goes stale)
                    found = self._found[key] = replace(found, locator=locator)
                return found
            except _Refused:
                logger.debug("the server cannot answer {}; reading the tree", locator)
        return self._look_tree(locator, fresh=fresh)

    def _look_tree(self, locator: Locator, *, fresh: bool = False) -> Target | None:
        screen = self.screen(fresh=fresh)
        node = screen.first(locator)
        return Target(node.describe(), node=node, screen=screen, locator=locator) if node else None

    def _queries(self, locator: Locator, *, tap: bool) -> list[Query] | None:
        return self._made(
            server_queries(locator, self.platform, exclude=self._deny_labels if tap else ()))

    def _made(self, queries: list[Query] | Query | None) -> list[Query] | None:
        """Queries the runner made, unless this server has said it cannot answer one."""
        if queries is None:
            return None
        listed = [queries] if isinstance(queries, Query) else queries
        return None if any(q.strategy in self._unsupported for q in listed) else listed

    def _ask_made(self, queries: list[Query], shown_as: str = "") -> Target | None:
        try:
            return self._ask(queries, shown_as)
        except LocatorRejected as exc:
            raise _Refused(str(exc)) from exc
        except Unsupported as exc:  # e.g. a server without UiSelectors: never ask again
            self._unsupported.update(q.strategy for q in queries)
            raise _Refused(str(exc)) from exc

    def _ask(self, queries: list[Query], shown_as: str = "") -> Target | None:
        """Server-side finds in order; the first that finds something answers.
        ``shown_as``: how the target is named in messages (the flow's locator)."""
        for q in queries:
            found = self._find_all(q.strategy, q.value)
            if len(found) > q.nth:
                return Target(shown_as or f"{q.strategy}={q.value!r}", element=found[q.nth],
                              value=q.value, screened=q.screened)
        return None

    def _look_server(self, locator: Locator) -> Target | None:
        """A locator with a server-only part (UiSelector, predicate, class chain) among
        parts the tree answers: each alternative its own way."""
        loc = locator.for_platform(self.platform)
        if loc is None:
            return None
        for alt in loc.any or (loc,):
            if alt.kind not in STRATEGIES:
                target = self._look_tree(alt) if not needs_server(alt, self.platform) \
                    else self._look_server(alt)
            else:
                target = self._ask([Query(alt.kind, getattr(alt, alt.kind), alt.index or 0)])
            if target is not None:
                return target
        return None

    def _attribute(self, element: Element, name: str) -> str | None:
        return self._retry(lambda: self.driver.attribute(element, name))

    def _find_all(self, strategy: str, value: str) -> list[Element]:
        return self._retry(lambda: self.driver.find_all(strategy, value))

    def wait_for(self, locator: Locator, timeout: float, *, tap: bool = False
                 ) -> Target | None:
        """Wait until the locator matches (None at the deadline).

        The first look asks the server directly when it can: on the happy path the target
        is there and no page source is read. Before a target is handed out for a ``tap``,
        the flow's interrupts are looked for (one server query per screen, or the tree).
        A look that misses reads the page source, which answers everything at once: a
        declared interrupt is dismissed, a blocker ends the flow, the target is looked for
        again at every poll."""
        locator = self._expand(locator)
        started = time.monotonic()
        deadline = started + timeout
        dismissed = 0
        # A plain wait, and a tap, may be answered by the server alone; the tap into a
        # setting's page is aimed from the page source, so a look for its target reads
        # the tree at once (it answers the target, the interrupts and what is on top).
        cheap = self._screen is None and self._queries(locator, tap=tap) is not None \
            and not self._way_in(locator)
        on_top: Modal | None = None
        while True:
            target: Target | None = None
            try:
                if cheap:
                    cheap = False
                    self._ask_identity()
                    target = self.look(locator, tap=tap)
                    if target is not None and tap and self._on_top_shows():
                        continue  # deal with it from the page source first
                else:
                    if dismissed < MAX_INTERRUPTS_PER_WAIT and self._dismiss_interrupt():
                        dismissed += 1
                        continue
                    on_top = look(self.screen()).modal
                    if on_top is not None and dismissed < MAX_INTERRUPTS_PER_WAIT and \
                            self.answer_prompt(on_top):
                        dismissed += 1
                        continue
                    target = self._look_server(locator) \
                        if needs_server(locator, self.platform) else self._look_tree(locator)
                    if target is not None and on_top is not None and (
                            target.node is None or not on_top.holds(target.node)):
                        target = None  # under what is on top: neither read nor tapped
            except TransientDeviceError as exc:
                logger.debug("look failed, looking again: {}", exc)
            if target is not None:
                return target
            self._check_blockers()
            now = time.monotonic()
            if now >= deadline:
                if on_top is not None:
                    raise StepFailed(
                        f"{locator} is under something on top of the page: "
                        f"{on_top.describe()}, which the flow does not expect; nothing was "
                        "tapped on it", expected=str(locator),
                        actual=on_top.describe(), ui_tree=self.screen().source)
                return None
            self._on_wait(locator, now - started)
            self.pause()
            self.changed()

    def _way_in(self, locator: Locator) -> bool:
        """Whether this is the target of the tap into a setting's page (``way_in_tap``)."""
        return self.way_in_tap is not None and str(locator) == str(self.way_in_tap)

    def wait_gone(self, locator: Locator, timeout: float) -> bool:
        started = time.monotonic()
        deadline = started + timeout
        while True:
            if self.look(locator, fresh=True) is None:
                return True
            now = time.monotonic()
            if now >= deadline:
                return False
            self._on_wait(locator, now - started)
            self.pause()

    def dismiss_interrupt(self, *, fresh: bool = False, over: Node | None = None) -> bool:
        """Dismiss a declared interrupt that shows (the one drawn over ``over``, when given);
        True when one was."""
        return self._dismiss_interrupt(fresh=fresh, over=over)

    def _dismiss_interrupt(self, *, fresh: bool = False, over: Node | None = None) -> bool:
        if not self.flow.interrupts:
            return False
        screen = self.screen(fresh=fresh)
        for interrupt in self.flow.interrupts:
            if needs_server(interrupt.when, self.platform):
                shown = over is None and self._look_server(interrupt.when) is not None
            else:
                shown = any(
                    over is None or Screen.inside(over, n) or Screen.inside(n, over)
                    for n in screen.find(interrupt.when)
                )
            if not shown:
                continue
            button = self.look(interrupt.tap)
            if button is None:
                continue
            logger.info("dismissing interrupt: {}", interrupt.name)
            said = button.node.texts[0] if button.node is not None and button.node.texts \
                else button.description
            self._on_event("interrupt", f"{interrupt.name}: tapped {said!r}")
            self.answered.append(f"{interrupt.name}: {said!r}")
            self.tap(button)  # the denylist holds for interrupts too
            return True
        if over is None:
            self._clear = True  # none shows on this screen
        return False

    def _check_blockers(self) -> None:
        screen = self.screen()
        for blocker in self.flow.blockers:
            if screen.first(blocker.when) is not None:
                raise FlowEnded("blocked", blocker.name)

    # -- acting -------------------------------------------------------------------------

    def tap(self, target: Target, *, modal: Modal | None = None, said: str | None = None,
            settle: bool = True) -> Target:
        """Tap the target where it is not covered; returns the target as tapped (found
        again when it had to be scrolled clear). Never under something on top of the page
        (``modal``: the prompt the target is in), never a disabled, granting, rating or
        sign-in button, never the same button again when nothing changed since. The tap
        into a setting's page (``way_in_tap``) comes aimed from the tree (``wait_for``):
        its row's On/Off is the state that page must agree with (``toggle.Toggle.read``).
        ``settle=False``: the caller watches the effect itself (a switch's state), so the
        tree is not read again here until it changed."""
        if target.node is None and self._screen is None and self._clear:
            screen = None  # the server found it, and said nothing is on top: no tree read
        else:
            screen = target.screen if target.node is not None and target.screen is not None \
                else self.screen()
        on_top = modal or (look(screen).modal if screen is not None else None)
        node = target.node
        if on_top is not None and (node is None or not on_top.holds(node)):
            raise Covered(
                f"did not tap {target.description}: {on_top.describe()} is on top of the "
                "page", expected=target.description, actual=on_top.describe(),
                ui_tree=screen.source if screen is not None else "")
        text = said or (node.texts[0] if node is not None and node.texts else "")
        if node is not None and (why := harmful(text, node, on_top)):
            raise DeniedTap(f"refused to tap {text or target.description!r}: {why}",
                            expected="a safe element", actual=text or target.description)
        key = (target.description, node.bounds if node is not None else None)
        if self._last_tap is not None and self._last_tap[0] == key and self._unchanged:
            raise StepFailed(
                f"did not tap {target.description} again: nothing changed on screen since "
                "it was last tapped", expected="the screen to respond to the tap",
                actual=screen.summary() if screen is not None else "",
                ui_tree=screen.source if screen is not None else "")
        target, under = self._clear_path(target)
        self._check_denylist(target)
        if under is not None:
            self._check_denylist(Target(under.describe(), node=under))
        if on_top is None:  # (answering a prompt keeps what the page showed)
            self.way_in = row_status(target)
        self._last_tap = (key, self._screen.source if self._screen is not None else "")
        self._unchanged = True
        self._tap_target(target, settle=settle)
        return target

    def _clear_path(self, target: Target, tries: int = 3) -> tuple[Target, Node | None]:
        """Hit-test the point a coordinate tap would use; scroll the target clear of what
        covers it, or dismiss that as a declared interrupt. (Target, node under the finger);
        ``Covered`` when neither works: nothing was tapped."""
        covered: tuple[Node, Screen] | None = None
        for attempt in range(tries):
            node, screen = target.node, target.screen
            if node is None or node.center is None or screen is None:
                return target, None  # an element click: the platform aims it
            point = screen.tap_point(node)
            if point is not None:  # its centre, or the middle of a part nothing covers
                under = screen.hit(*point)
                return (target if point == node.center else replace(target, point=point)), under
            under = screen.hit(*node.center)
            assert under is not None  # something covers it
            covered = (under, screen)
            if self.dismiss_interrupt(over=under):
                again = self._find_again(target)
            elif attempt < tries - 1 and target.locator is not None:
                self.scroll(away_from(under, screen))
                again = self._find_again(target)
            else:
                again = None
            if again is None:
                break
            target = again
        assert covered is not None
        on_top, seen = covered
        raise Covered(
            f"did not tap {target.description}: {on_top.describe()} is on top of it "
            f"and it could not be scrolled clear",
            expected=target.description, actual=on_top.describe(), ui_tree=seen.source,
        )

    def _find_again(self, target: Target) -> Target | None:
        if target.locator is None:
            return None
        return self.look(target.locator, fresh=self._screen is None)

    def _check_denylist(self, target: Target) -> None:
        if target.screened:
            return  # the server was asked for a text that is not denylisted
        if target.node is not None:
            texts: tuple[str, ...] = target.node.texts
        else:  # a server element: what it was found by, and what it says (one more trip)
            assert target.element is not None
            element, name = target.element, TEXT_ATTRIBUTE[self.platform]
            said = self._retry(lambda: self.driver.attribute(element, name)) or ""
            texts = (target.value, said)
        for text in texts:
            folded = fold(text)
            for denied in self._deny:
                if folded == denied or folded.startswith(denied):
                    raise DeniedTap(
                        f"refused to tap {text!r}: it is on the denylist "
                        f"(add it to allow_taps: in the flow if this is really intended)",
                        expected="a safe element", actual=text,
                    )

    def _tap_target(self, target: Target, *, settle: bool = True) -> None:
        before = self._screen.source if self._screen is not None and settle else None
        node = target.node
        bounds = None
        if node is not None and node.bounds is not None:
            b = node.bounds
            bounds = [b.x, b.y, b.width, b.height]
        if node is not None and node.center is not None:
            x, y = target.point or node.center
            self._retry(lambda: self.driver.tap_at(x, y))
            self.taps.append(TapRecord(target.description, bounds, [x, y]))
        else:  # a server element, or a node with no geometry: click the element itself
            element = target.element
            if element is None:
                assert target.node is not None
                element = self._element_for(target.node)
            self._click(target, element)
            self.taps.append(TapRecord(target.description, bounds))
        self._on_event("tap", target.description)
        self._settle(before)

    def _click(self, target: Target, element: Element) -> None:
        """Click a server element. One that went stale (redrawn since it was found) is
        found again by its locator, checked against the denylist again, and clicked."""
        el = element

        def click() -> None:
            nonlocal el
            try:
                self.driver.click(el)
            except StaleElement:
                again = self._find_again(target) if self._screen is None else None
                if again is None or again.element is None:
                    raise
                self._check_denylist(again)
                el = again.element
                raise  # (tried again with the element found now)

        self._retry(click)

    def _settle(self, before: str | None, limit: float = 2.0) -> None:
        """After an action, wait (briefly) until the screen shows it changed."""
        self.changed()
        if before is None:
            return
        deadline = time.monotonic() + min(limit, self.profile.timeouts.step)
        while True:
            try:
                if self.screen(fresh=True).source != before:
                    return
            except TransientDeviceError:
                pass
            if time.monotonic() >= deadline:
                return
            self.pause()

    def type_into(self, target: Target, text: str, *, clear: bool) -> None:
        element = target.element
        if element is None:
            assert target.node is not None
            element = self._element_for(target.node)
        el = element
        self._retry(lambda: self.driver.type_into(el, text, clear=clear))
        self.changed()

    def _element_for(self, node: Node) -> Element:
        """A server element for a node from the page source (typing needs one)."""
        tree = node.el.getroottree()
        path = tree.getpath(node.el)
        if self.platform is Platform.ANDROID and path.startswith("/hierarchy"):
            path = path[len("/hierarchy"):]
            path = "/" + path if not path.startswith("//") else path
        elif self.platform is Platform.WEB:
            path = dom_path(path)
        found = self._retry(lambda: self.driver.find_all("xpath", path))
        if not found:
            raise TransientDeviceError(f"{node.describe()} is no longer on screen")
        return found[0]

    def back(self) -> None:
        before = self.screen().source
        if self.platform is Platform.IOS:
            nav = self.screen().nodes
            buttons = [
                n for n in nav if n.cls == "XCUIElementTypeButton"
                and (p := n.el.getparent()) is not None
                and p.get("type") == "XCUIElementTypeNavigationBar" and n.center
            ]
            if buttons:
                self._tap_target(Target("navigation bar back", node=buttons[0]))
                return
        self._retry(self.driver.back)
        self._on_event("back", "")
        self._settle(before)

    def scroll(self, direction: str, within: Node | None = None) -> bool | None:
        """Scroll ``within`` (the element that holds the page; default: the tallest
        scrollable); whether it can scroll more, where the driver says."""
        screen = self.screen()
        before = screen.source
        modal = look(screen).modal
        if modal is not None and not (within is not None and modal.kind == "dialog"
                                      and (here := screen.same_node(within)) is not None
                                      and modal.holds(here)):
            raise Covered(f"did not scroll: {modal.describe()} is on top of the page",
                          expected="the page", actual=modal.describe(), ui_tree=before)
        area: Rect | None = within.bounds if within is not None else None
        scrollable = [
            n for n in screen.nodes
            if n.el.get("scrollable") == "true" and n.bounds and n.bounds.height > 0
        ]
        if area is None and scrollable:
            area = max(scrollable, key=lambda n: n.bounds.height if n.bounds else 0).bounds
        more = self._retry(lambda: self.driver.scroll(direction, area))
        self._on_event("scroll", direction)
        self._settle(before, limit=min(1.0, 10 * self.poll))  # nothing moves at the end
        return more

    def launch(self, app: AppId, *, restart: bool, deep_link: str | None) -> None:
        """Start the app (afresh: ``restart``), by its web link when given."""
        if restart:
            self._start(app, lambda: self.driver.terminate_app(app))
        if deep_link:
            self._start(app, lambda: self.driver.deep_link(deep_link, app))
        else:
            self._start(app, lambda: self.driver.activate_app(app))
        self._on_event("launch", app.app_id)
        self.way_in = None
        self.changed()

    def _start(self, app: AppId, call: Callable[[], object]) -> None:
        """Stop or start the app. A first failure before the app is known to be installed
        asks whether it is (not installed ends the flow here), then tries again."""
        if self.app_confirmed:
            self._retry(call)
            return
        try:
            call()
        except TransientDeviceError:
            self.require_installed(app)
            self._retry(call)

    def switch_context(self, name: str, timeout: float) -> str:
        """Into the app's web view (``webview``: the first WEBVIEW context, waited for: a web
        view shows up once its page loads) or back (``native``); returns the context's name."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._retry(self.driver.contexts)
            chosen = pick_context(name, found)
            if chosen is not None:
                return self._enter_context(chosen)
            if time.monotonic() >= deadline:
                raise StepFailed(
                    f"no {name} context appeared within {timeout:g}s (the app offers "
                    f"{', '.join(found) or 'none'})",
                    expected=f"a {name} context", actual=", ".join(found) or "none",
                )
            self.pause()

    def _enter_context(self, name: str) -> str:
        self._retry(lambda: self.driver.set_context(name))
        self._on_event("context", name)
        self.changed()
        return name

    def require_installed(self, app: AppId) -> bool | None:
        """The app must be on the device: not installed ends the flow as ``not_installed``
        (asked once). True: it is; None: the driver cannot tell (taken at its word)."""
        if self.app_confirmed:
            return self._installed
        installed = self._installed = self.installed(app)
        self.app_confirmed = True
        if installed is False:
            raise FlowEnded("not_installed", f"{app.app_id} is not installed on "
                            f"{self.profile.name}: nothing was read or changed")
        return installed

    def installed(self, app: AppId) -> bool | None:
        """Is the app on the device (``mobile: queryAppState`` is not 0); None when the
        driver cannot tell."""
        try:
            state = self._retry(lambda: self.driver.app_state(app))
        except Unsupported:
            return None
        return state != APP_NOT_INSTALLED

    def screenshot(self) -> bytes:
        return self._retry(self.driver.screenshot_png)
