"""Node trees -> what a real driver returns: page source XML, and a PNG screenshot.

Screenshots are drawn with Pillow (a core dependency); should it be missing or broken, the
phone still works and a screenshot is a blank PNG of the screen's size, which
``drawing_problem`` names (``doctor`` warns with it).
"""

from __future__ import annotations

import io
import struct
import textwrap
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

from mobile_optout.flow.model import Platform
from mobile_optout.sim.tree import CONTAINERS, Metrics, Node

ANDROID_HEADER = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
IOS_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _b(value: bool) -> str:
    return "true" if value else "false"


def android_attrs(node: Node) -> dict[str, str]:
    """A node's attributes in UiAutomator2's order (see the protocol reference)."""
    left, top, right, bottom = node.bounds
    attrs = {
        "index": str(node.index),
        "package": node.package,
        "class": node.tag,
        "text": node.text,
    }
    if node.desc:
        attrs["content-desc"] = node.desc
    if node.rid:
        attrs["resource-id"] = node.rid
    attrs.update({
        "checkable": _b(node.checkable),
        "checked": _b(node.checked),
        "clickable": _b(node.clickable),
        "enabled": _b(node.enabled),
        "focusable": _b(node.clickable),
        "focused": "false",
        "long-clickable": "false",
        "password": "false",
        "scrollable": _b(node.scrollable),
        "selected": "false",
        "bounds": f"[{left},{top}][{right},{bottom}]",
        "displayed": "true",
    })
    if node.web:
        attrs["hint"] = ""
    return attrs


def ios_accessible(node: Node) -> bool:
    return node.kind not in CONTAINERS and node.kind not in (
        "frame", "content", "toolbar", "bottom", "body", "page", "dialog", "app")


def ios_attrs(node: Node) -> dict[str, str]:
    """A node's attributes in WebDriverAgent's order."""
    left, top, right, bottom = node.bounds
    attrs = {"type": node.tag}
    if node.value is not None:
        attrs["value"] = node.value
    if node.name:
        attrs["name"] = node.name
    if node.desc:
        attrs["label"] = node.desc
    attrs.update({
        "enabled": _b(node.enabled),
        "visible": "true",
        "accessible": _b(ios_accessible(node)),
        "x": str(left),
        "y": str(top),
        "width": str(right - left),
        "height": str(bottom - top),
        "index": str(node.index),
    })
    if node.traits:
        attrs["traits"] = node.traits
    return attrs


@dataclass
class Page:
    """One rendering of the screen as the driver sees it: XML plus element <-> node maps."""

    platform: Platform
    root: etree._Element
    roots: list[Node]  # the node trees in the source (screen, then any dialog)
    by_element: dict[etree._Element, Node] = field(default_factory=dict)
    by_key: dict[str, etree._Element] = field(default_factory=dict)
    _xml: str | None = None

    @property
    def xml(self) -> str:
        if self._xml is None:
            body = etree.tostring(self.root, encoding="unicode", pretty_print=True)
            header = ANDROID_HEADER if self.platform is Platform.ANDROID else IOS_HEADER
            self._xml = header + body
        return self._xml

    def node(self, el: etree._Element) -> Node | None:
        return self.by_element.get(el)

    def element(self, key: str) -> etree._Element | None:
        return self.by_key.get(key)

    def nodes(self) -> list[Node]:
        return [n for root in self.roots for n in root.walk()]


def build_page(platform: Platform, roots: list[Node], metrics: Metrics, app_name: str) -> Page:
    """Serialise node trees (screen first, dialogs after) into the platform's source tree."""
    page: Page
    if platform is Platform.ANDROID:
        root = etree.Element("hierarchy", {
            "index": "0", "class": "hierarchy", "rotation": "0",
            "width": str(metrics.width), "height": str(metrics.height)})
        page = Page(platform, root, roots)
        for i, tree in enumerate(roots):
            tree.index = i
            _add(page, root, tree, android_attrs)
    else:
        root = etree.Element("AppiumAUT")
        page = Page(platform, root, roots)
        app = Node(key="chrome:app", tag="XCUIElementTypeApplication", kind="app",
                   bounds=(0, 0, metrics.width, metrics.height), name=app_name, desc=app_name)
        app_el = etree.SubElement(root, app.tag, ios_attrs(app))
        window = _add(page, app_el, roots[0], ios_attrs)
        for tree in roots[1:]:
            tree.index = len(roots[0].children)
            _add(page, window, tree, ios_attrs)
    return page


def _add(page: Page, parent: etree._Element, node: Node,
         make: Callable[[Node], dict[str, str]]) -> etree._Element:
    el = etree.SubElement(parent, node.tag, make(node))
    page.by_element[el] = node
    page.by_key[node.key] = el
    for child in node.children:
        _add(page, el, child, make)
    return el


# ---------------------------------------------------------------------- screenshot

BLUE = (10, 102, 194)
GREY = (134, 136, 138)
INK = (29, 29, 29)
BAR = (243, 242, 239)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def drawing_problem() -> str:
    """Why screenshots would be blank here ("" when they are drawn)."""
    try:
        _font(12)
    except ImportError as exc:
        return f"Pillow cannot be imported ({exc})"
    except (OSError, ValueError) as exc:  # a Pillow built without FreeType
        return f"Pillow cannot load its font ({exc})"
    return ""


def blank_png(width: int, height: int) -> bytes:
    """A white PNG of this size (1 bit per pixel), made without Pillow."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\xff" * ((width + 7) // 8)  # filter byte, then white pixels
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grayscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height, 1)) + chunk(b"IEND", b""))


def screenshot_png(roots: list[Node], metrics: Metrics, dim_from: int) -> bytes:
    """Draws the node trees; trees from index ``dim_from`` on are dialogs over a dimmed screen."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # a broken install; doctor says so (drawing_problem)
        return blank_png(metrics.width, metrics.height)
    base = 40 if metrics.width >= 1080 else 15
    img = Image.new("RGB", (metrics.width, metrics.height), "white")
    draw = ImageDraw.Draw(img, "RGBA")
    draw.rectangle((0, 0, metrics.width, metrics.status), fill=(0, 0, 0))
    for i, tree in enumerate(roots):
        if i == dim_from:
            draw.rectangle((0, 0, metrics.width, metrics.height), fill=(0, 0, 0, 110))
        for node in tree.walk():
            _draw(draw, node, base)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _draw(draw: ImageDraw.ImageDraw, node: Node, base: int) -> None:
    left, top, right, bottom = node.bounds
    if bottom <= top or right <= left:
        return
    kind = node.kind
    if kind in ("toolbar", "bottom"):
        draw.rectangle(node.bounds, fill=BAR)
    elif kind == "dialog":
        draw.rounded_rectangle(node.bounds, radius=base // 2, fill="white")
    elif kind == "switch":
        h = bottom - top
        w = min(right - left, h * 2)
        x0 = right - w
        on = node.checked
        draw.rounded_rectangle((x0, top, right, bottom), radius=h // 2,
                               fill=BLUE if on else GREY)
        knob = (right - h, top, right, bottom) if on else (x0, top, x0 + h, bottom)
        draw.ellipse(knob, fill="white", outline=BLUE if on else GREY, width=2)
    elif kind in ("image", "image_button"):
        size = min(right - left, bottom - top)
        draw.ellipse((left, top, left + size, top + size), fill=(200, 200, 200))
        initials = "".join(w[0] for w in node.desc.split()[:2]).upper()
        draw.text((left + size // 4, top + size // 4), initials, fill=INK,
                  font=_font(base * 2 // 3))
    elif kind == "progress":
        draw.arc(node.bounds, start=0, end=270, fill=BLUE, width=max(3, base // 6))
    elif kind == "edit":
        draw.rounded_rectangle(node.bounds, radius=base // 3, fill=(238, 243, 248))
        _text(draw, node, base, GREY)
    elif kind == "button" or (kind == "link" and node.parent is not None):
        color = BLUE if kind == "link" else INK
        if kind == "button":
            draw.rounded_rectangle(node.bounds, radius=base // 2, outline=BLUE, width=2)
        _text(draw, node, base, color)
    elif kind in ("text", "heading", "tab"):
        _text(draw, node, base, INK, size=base * 5 // 4 if kind == "heading" else base)
    elif kind == "row" and node.parent is not None:
        draw.line((left, bottom - 1, right, bottom - 1), fill=(224, 224, 224), width=2)


def _text(draw: ImageDraw.ImageDraw, node: Node, base: int, color: tuple[int, int, int],
          size: int | None = None) -> None:
    text = node.text or node.desc
    if not text:
        return
    size = size or base
    left, top, right, bottom = node.bounds
    width_chars = max(4, int((right - left) / (size * 0.55)))
    lines = textwrap.wrap(text, width_chars) or [text]
    y = top + max(2, (bottom - top - len(lines) * size * 6 // 5) // 2)
    for line in lines:
        if y + size > bottom + size // 2:
            break
        draw.text((left + 4, y), line, fill=color, font=_font(size))
        y += size * 6 // 5
