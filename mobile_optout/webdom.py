"""Web pages as a UI tree: the DOM-to-node rules for the snapshot ``websnap.SNAPSHOT_JS``
returns (its ``mo-`` attributes are described there).

``web_node`` turns one element of that tree into the platform-neutral ``Node`` (defined
here, below ``mobile_optout.locate``, which builds it for the phones and matches it);
everything else about matching is shared with the phones.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from mobile_optout.flow.model import Platform
from mobile_optout.values import Rect
from mobile_optout.websnap import ROOT_TAG

CLICKABLE_TAGS = frozenset({"a", "button", "input", "label", "select", "summary", "textarea"})
CLICKABLE_ROLES = frozenset({"button", "link", "switch", "checkbox", "radio", "tab", "menuitem",
                             "menuitemcheckbox", "menuitemradio", "option", "treeitem"})


def _attr(el: etree._Element, name: str) -> str:
    value = el.get(name)
    return "" if value is None else value


def parse_bounds(text: str) -> Rect | None:
    """``[l,t][r,b]`` -> Rect (the same notation as UiAutomator2's ``bounds``)."""
    try:
        left_top, right_bottom = text.strip("[]").split("][")
        left, top = (int(v) for v in left_top.split(","))
        right, bottom = (int(v) for v in right_bottom.split(","))
    except ValueError:
        return None
    return Rect(left, top, right - left, bottom - top)


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """One element of the UI tree, seen the same way on every platform. Built here for
    the web (``web_node``) and in ``locate`` for the phones, which matches it; it lives in
    this module, below ``locate``, so that both build the one record."""

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
    selected: bool = False  # Android/iOS ``selected``, or an iOS "Selected" trait
    clickable: bool = False
    role: str = ""  # web: the ARIA role (explicit or implied by the tag)
    # What a text locator matches: the visible text; where there is none, the
    # accessibility text (Android content-desc). None: the same as ``texts``.
    shown: tuple[str, ...] | None = None

    @property
    def matched_texts(self) -> tuple[str, ...]:
        return self.texts if self.shown is None else self.shown

    @property
    def center(self) -> tuple[int, int] | None:
        return self.bounds.center if self.bounds else None

    def covers(self, other: Node) -> bool:
        """This node's frame holds ``other``'s centre."""
        centre = other.center
        return self.bounds is not None and centre is not None and self.bounds.contains(*centre)

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


def web_node(el: etree._Element) -> Node:
    """One element of a web snapshot as a Node: texts are what a person reads and the
    accessible name; the id is the HTML id; checkable when a switch/checkbox state
    shows."""
    name = _attr(el, "mo-name")
    texts = tuple(dict.fromkeys(t for t in (_attr(el, "mo-text"), name) if t))
    checked = _attr(el, "mo-checked")
    role = _attr(el, "mo-role")
    return Node(
        el=el, platform=Platform.WEB, cls=str(el.tag), texts=texts,
        resource_id=_attr(el, "id"), accessibility_id=name,
        bounds=parse_bounds(_attr(el, "mo-bounds")),
        displayed=_attr(el, "mo-shown") == "true",
        enabled=_attr(el, "mo-disabled") != "true",
        checkable=checked in ("true", "false"),
        checked=(checked == "true") if checked else None,
        role=role,
        clickable=str(el.tag) in CLICKABLE_TAGS or role in CLICKABLE_ROLES,
    )


def dom_path(path: str) -> str:
    """A path in the snapshot (``/webpage/html/body/...``) as the page's own XPath."""
    prefix = "/" + ROOT_TAG
    return path[len(prefix):] if path.startswith(prefix + "/") else path
