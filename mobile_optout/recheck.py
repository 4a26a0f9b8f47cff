"""Cheap re-reads of a switch already identified on a page source: one tree read per
screen state (the speed issue), without giving up a truth rule.

Once a full look (a page source) has identified the switch, its row and its state, with
nothing on top and nothing loading, the following readings of that switch on the same
page (the second look that must agree, the looks through the settle window) ask the phone
two questions, each one find:

- **is it there as expected**: the switch by its own id (unique on the snapshot), in the
  expected state and enabled (UiSelector ``checked()``/``enabled()``, an iOS predicate on
  ``value`` and ``enabled``): exactly one match;
- **is nothing wrong**: one query for whatever could make that answer wrong, which must
  find nothing: something on top (the flow's interrupts and blockers, dialogs, sheets,
  system windows, sign-in words: ``onscreen.on_top_query``), loading signs (spinners,
  progress bars, "Loading..." texts, the flow's ``loading:``), what a failed save shows
  (error texts, toasts, snackbars, the step's ``errors:``), and the switch itself in the
  other state or disabled. That last part makes a server that ignored the state filters
  of the first question answer "something is wrong" (a tree read), never a false reading.

A switch with no id of its own (pinned by its class and place), or a server that refuses
the filters, is read the long way: the element's frame (``rect``, where the snapshot saw
it; anything else means the page moved or was redrawn), its state (``checked`` /
``value``) and ``enabled``, and the same query without the switch's part.

Anything short of a clean answer makes it ambiguous (None) and the caller reads the whole
tree, which decides by the usual rules: a hit of that query (it over-matches on purpose: a
hit costs a tree read, never a wrong answer), a frame that moved, an element gone, or a
part that cannot be asked on this platform (a web page, a locator only the tree answers).
What no query can see (an app's own sheet drawn of plain views) is seen by the full reads
that bracket the cheap ones: the look right after the tap, and the re-opened page of the
proof (without a proof, a full read ends the settle window).
"""

from __future__ import annotations

from dataclasses import dataclass

from mobile_optout.answers import Target
from mobile_optout.device import Device
from mobile_optout.driver import Element
from mobile_optout.errors import LocatorRejected, TransientDeviceError, Unsupported
from mobile_optout.flow.model import Locator, Platform
from mobile_optout.locate import Query, Screen, any_shown_query
from mobile_optout.onscreen import on_top_query
from mobile_optout.values import Rect

# Over-matching signs of a failed save (a superset of toggle.ERROR_TEXT), toasts and
# snackbars (locate.NOTICE_IDS), spinners and "Loading..." texts (rows.is_loading).
_ANDROID_SIGNS = (
    'new UiSelector().textMatches("(?is).*(couldn|could not|can.?t sav|cannot sav'
    '|unable to sav|failed to|not saved|something went wrong|try again).*")',
    'new UiSelector().className("android.widget.Toast")',
    'new UiSelector().resourceIdMatches(".*id/(snackbar_text|snackbar|toast)")',
    'new UiSelector().classNameMatches(".*ProgressBar.*")',
    'new UiSelector().textMatches("(?is)\\\\s*(loading|please wait|one moment)\\\\b.*")',
)
_IOS_SIGNS = (
    "type == 'XCUIElementTypeActivityIndicator' OR "
    "type == 'XCUIElementTypeProgressIndicator'",
    " OR ".join(f"label CONTAINS[c] '{w}'" for w in (
        "couldn", "could not", "t save", "cannot sav", "unable to sav", "failed to",
        "not saved", "something went wrong", "try again", "loading", "please wait",
        "one moment")),
)


@dataclass(slots=True)
class Pinned:
    """A switch identified on a snapshot: the find that names it alone, where it was
    drawn, and (read the long way) its server element, found on first use."""

    target: Target
    query: Query
    bounds: Rect
    own_id: bool  # named by its own id: the state filters can be added to the find
    element: Element | None = None


class Recheck:
    """Cheap readings of one switch for one ``ensure_setting`` step."""

    def __init__(self, device: Device, errors: Locator | None) -> None:
        self.device = device
        self._signs = _signs_query(device, errors)
        self._filters = True  # the server takes state filters in a find (until it refuses)
        self._pinned: Pinned | None = None

    def pin(self, target: Target) -> Pinned | None:
        """The switch read from a page source, named for cheap looks (no round trip);
        None where it cannot be named alone."""
        node, screen = target.node, target.screen
        if self._signs is None or node is None or screen is None or node.bounds is None:
            return None
        if self._pinned is not None and self._pinned.target.node is node:
            return self._pinned
        named = _pin_query(screen, node, self.device.platform)
        if named is None:
            return None
        query, own_id = named
        self._pinned = Pinned(target, query, node.bounds, own_id)
        return self._pinned

    def read(self, target: Target, expected: bool) -> tuple[bool, bool] | None:
        """(state, enabled) of the switch read from a page source, looked at cheaply
        (``pin``, then ``state``); None when only the tree can answer (then the pin is
        dropped: the next cheap look names the switch afresh)."""
        pinned = self.pin(target)
        got = self.state(pinned, expected) if pinned is not None else None
        if got is None:
            self._pinned = None
        return got

    def state(self, pinned: Pinned, expected: bool) -> tuple[bool, bool] | None:
        """(state, enabled) of the pinned switch, or None: ambiguous or stale, read the
        tree. Two finds when the switch has an id of its own (see the module's rules);
        else four commands: frame, state, enabled and the query."""
        if self._signs is None:
            return None
        try:
            if pinned.own_id and self._filters:
                try:
                    return self._filtered(pinned, expected)
                except (Unsupported, LocatorRejected):  # no state filters on this server
                    self._filters = False
            return self._long_way(pinned)
        except TransientDeviceError:
            return None
        except (Unsupported, LocatorRejected):  # never ask this server cheaply again
            self._signs = None
            return None

    def _filtered(self, pinned: Pinned, expected: bool) -> tuple[bool, bool] | None:
        """Is the switch there, in ``expected`` and enabled; and nothing wrong."""
        assert self._signs is not None
        find = self.device.driver.find_all
        platform = self.device.platform
        present = _with_state(pinned.query, platform, expected, enabled=True)
        if len(find(present.strategy, present.value)) != 1:
            return None
        wrong = [_with_state(pinned.query, platform, not expected),
                 _with_state(pinned.query, platform, None, enabled=False)]
        anything = _either((self._signs, *wrong), platform)
        if find(anything.strategy, anything.value):
            return None
        return expected, True

    def _long_way(self, pinned: Pinned) -> tuple[bool, bool] | None:
        """Frame, state, enabled (of the element, found once) and the signs query."""
        device = self.device
        assert self._signs is not None
        if pinned.element is None:
            query = pinned.query
            found = device.driver.find_all(query.strategy, query.value)
            if len(found) <= query.nth:
                return None
            pinned.element = found[query.nth]
        target = Target(pinned.target.description, element=pinned.element)
        if device.driver.rect(pinned.element) != pinned.bounds:
            return None
        state = device.toggle_state(target)
        enabled = device.enabled(target)
        signs = self._signs
        if device.driver.find_all(signs.strategy, signs.value):
            return None
        if state is None:
            return None
        return state, enabled


def _signs_query(device: Device, errors: Locator | None) -> Query | None:
    """The one query of a cheap reading; None when some part cannot be asked this way."""
    platform = device.platform
    if platform is Platform.WEB:
        return None
    flow = device.flow
    whens = [device.expand(w) for w in (
        *(i.when for i in flow.interrupts), *(b.when for b in flow.blockers),
        *flow.loading, *((errors,) if errors is not None else ()))]
    declared = any_shown_query(whens, platform) if whens else None
    if whens and declared is None:
        return None
    on_top = on_top_query(platform, declared)
    if on_top is None:
        return None
    if platform is Platform.ANDROID:
        return Query(on_top.strategy, ";".join((on_top.value, *_ANDROID_SIGNS)))
    return Query(on_top.strategy, " OR ".join(f"({c})" for c in (on_top.value, *_IOS_SIGNS)))


def _pin_query(screen: Screen, node: object, platform: Platform
               ) -> tuple[Query, bool] | None:
    """A find that names this node alone, and whether it is by the node's own id: its id
    where no other node shares it, else its class and its place among the nodes of that
    class (both drivers count in the order of the page source)."""
    nodes = screen.nodes
    me = next((n for n in nodes if n is node), None)
    if me is None:
        return None
    if platform is Platform.ANDROID:
        if me.resource_id and sum(n.resource_id == me.resource_id for n in nodes) == 1:
            return Query("android_uiautomator",
                         f'new UiSelector().resourceId("{_java(me.resource_id)}")'), True
        nth = [n for n in nodes if n.cls == me.cls].index(me)
        return Query("android_uiautomator",
                     f'new UiSelector().className("{_java(me.cls)}").instance({nth})'), False
    if platform is Platform.IOS:
        if me.accessibility_id and sum(
                n.accessibility_id == me.accessibility_id for n in nodes) == 1:
            return Query("ios_predicate", f"name == {_quoted(me.accessibility_id)}"), True
        nth = [n for n in nodes if n.cls == me.cls].index(me)
        return Query("ios_class_chain", f"**/{me.cls}[{nth + 1}]"), False
    return None


def _with_state(query: Query, platform: Platform, state: bool | None, *,
                enabled: bool | None = None) -> Query:
    """The pinned find (by the switch's own id) narrowed to a state and/or enabled."""
    if platform is Platform.ANDROID:
        value = query.value
        if state is not None:
            value += f".checked({str(state).lower()})"
        if enabled is not None:
            value += f".enabled({str(enabled).lower()})"
        return Query(query.strategy, value)
    parts = [query.value]
    if state is not None:
        parts.append(f"value == {_quoted('1' if state else '0')}")
    if enabled is not None:
        parts.append(f"enabled == {int(enabled)}")
    return Query(query.strategy, " AND ".join(parts))


def _either(queries: tuple[Query, ...], platform: Platform) -> Query:
    """One find for any of these (all of the same strategy)."""
    if platform is Platform.ANDROID:
        return Query(queries[0].strategy, ";".join(q.value for q in queries))
    return Query(queries[0].strategy, " OR ".join(f"({q.value})" for q in queries))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _java(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
