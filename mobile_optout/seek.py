"""Looking through a page for something, and what it takes to say it is not there.

``not_offered`` is a claim about the page itself, seen to its end. The rules:
- **The page itself.** The element scrolled is the one that holds the page's content:
  the scrollable that holds the page's anchor (what the flow last waited for), not the
  tallest one on screen (a tablet's two panes are both tall). That element must still be
  there at the end, with nothing modal on top (a prompt is answered where the rules allow,
  else it is the reason no claim is made) and no sign-in page (which ends the flow).
- **Seen to its end, twice.** A scroll that moved nothing is tried again (a swipe may be
  swallowed while the page settles) after a pause; the end is the second unmoved scroll in
  a row with the page's last element unchanged, and, where the driver says whether it can
  scroll more (UiAutomator2's ``scrollGesture``), it said no.
- At the end, what is still loading is waited for (up to the step's timeout), then looked
  through too.
"""

from __future__ import annotations

import time
from typing import Protocol

from mobile_optout.device import Device, Target
from mobile_optout.flow.model import Locator
from mobile_optout.locate import Node, Screen
from mobile_optout.onscreen import look

RETRY_PAUSE = 1.0  # seconds before a scroll that moved nothing is tried again
MAX_UNMOVED = 4  # unmoved scrolls in all, beyond the scrolls a step allows


class Scan(Protocol):
    """What a search through a page saw (``steps.base.Scan``): the evidence a not_offered
    needs."""

    texts: dict[str, None]
    reached_end: bool
    loading: list[str]
    doubt: str


def pane(screen: Screen, anchor: Locator | None) -> Node | None:
    """The scrollable that holds the page: the innermost one around the anchor; without
    an anchor on screen, None (the device scrolls the tallest)."""
    node = screen.first(anchor) if anchor is not None else None
    if node is None:
        return None
    scrollable = [n for n in screen.nodes if n.el.get("scrollable") == "true"
                  and n.bounds is not None and n.bounds.height > 0]
    around = [n for n in scrollable if Screen.inside(node, n)]
    if not around and node.bounds is not None:  # not in the tree: by frame
        x, y = node.bounds.center
        around = [n for n in scrollable if n.bounds is not None and n.bounds.contains(x, y)]
    if not around:
        return None
    return min(around, key=lambda n: n.bounds.width * n.bounds.height if n.bounds else 0)


def _content(screen: Screen, holder: Node | None) -> tuple[object, ...]:
    """What the holder shows (texts and frames): unchanged means the scroll moved nothing."""
    nodes = [n for n in screen.nodes if n.displayed
             and (holder is None or Screen.inside(n, holder))]
    return tuple((n.texts, n.checked, n.bounds) for n in nodes if n.texts or n.checkable)


def seek(device: Device, locator: Locator, direction: str, max_scrolls: int, *,
         timeout: float, anchor: Locator | None, loading: tuple[Locator, ...],
         scan: Scan) -> Target | None:
    """Scroll the page's own holder until the locator shows or the end shows twice; fill
    ``scan`` with what was seen."""
    deadline = time.monotonic() + timeout
    screen = device.screen()
    holder = pane(screen, anchor)
    scrolls = unmoved = 0
    while True:
        screen = device.screen()
        modal = look(screen).modal
        if modal is not None and holder is not None and modal.kind == "dialog" \
                and (inside := screen.same_node(holder)) is not None and modal.holds(inside):
            modal = None  # the page itself is presented as a sheet: it is what is scrolled
        if modal is not None:
            if device.answer_prompt(modal):
                continue
            scan.doubt = f"{modal.describe()} is on top of the page"
            return None
        here = screen.same_node(holder) if holder is not None else None
        if holder is not None and here is None:
            scan.doubt = "the page that was being scrolled is no longer on screen"
            return None
        holder = here or holder
        scan.texts.update(dict.fromkeys(
            t for n in screen.nodes if n.displayed and (
                holder is None or Screen.inside(n, holder) or not _in_scrollable(screen, n))
            for t in n.texts))
        now_loading = screen.loading(loading)
        if not scan.reached_end and scrolls < max_scrolls and unmoved < MAX_UNMOVED:
            before = _content(screen, holder)
            more = device.scroll(direction, within=holder)
            if (found := device.wait_for(locator, 0.0)) is not None:
                return found
            after = device.screen()
            moved_holder = after.same_node(holder) if holder is not None else None
            if _content(after, moved_holder or holder) != before:
                scrolls += 1
                unmoved = 0
                continue
            unmoved += 1
            if unmoved >= 2 and more is not True:
                scan.reached_end = True
                continue
            device.pause(RETRY_PAUSE)  # a swipe swallowed while the page settles
            device.changed()
            continue
        scan.loading = [n.describe() for n in now_loading]
        if not scan.reached_end or not now_loading or time.monotonic() >= deadline:
            return None
        # The end of the page is still loading: wait for it, then look and go on.
        device.pause()
        device.changed()
        if (found := device.wait_for(locator, 0.0)) is not None:
            return found
        if not device.screen().loading(loading):
            scan.reached_end = False  # the page grew: scroll on
            unmoved = 0


def _in_scrollable(screen: Screen, node: Node) -> bool:
    el = node.el.getparent()
    while el is not None:
        if el.get("scrollable") == "true":
            return True
        el = el.getparent()
    return False
