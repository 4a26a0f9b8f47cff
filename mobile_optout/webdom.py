"""Web pages as a UI tree: the DOM-to-node rules for the snapshot ``websnap.SNAPSHOT_JS``
returns (its ``mo-`` attributes are described there).

``web_node`` turns one element of that tree into the platform-neutral ``Node`` of
``mobile_optout.locate``; everything else about matching is shared with the phones.
"""

from __future__ import annotations

from typing import TypedDict

from lxml import etree

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


class WebNodeFields(TypedDict):
    """A ``locate.Node``'s fields as the web gives them (``el`` and ``platform`` aside)."""

    cls: str
    texts: tuple[str, ...]
    resource_id: str
    accessibility_id: str
    bounds: Rect | None
    displayed: bool
    enabled: bool
    checkable: bool
    checked: bool | None
    role: str
    clickable: bool


def web_node(el: etree._Element) -> WebNodeFields:
    """One element of a web snapshot as a Node's fields: texts are what a person reads and
    the accessible name; the id is the HTML id; checkable when a switch/checkbox state
    shows. (``locate`` builds the Node; this module sits below it.)"""
    name = _attr(el, "mo-name")
    texts = tuple(dict.fromkeys(t for t in (_attr(el, "mo-text"), name) if t))
    checked = _attr(el, "mo-checked")
    role = _attr(el, "mo-role")
    return WebNodeFields(
        cls=str(el.tag), texts=texts,
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
