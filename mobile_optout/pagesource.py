"""A saved page source, read from a file: what ``inspect --source`` lists and what
``sim --source`` serves.

Rules:
- accepted: ``adb exec-out uiautomator dump /dev/tty`` output (the trailer uiautomator
  appends, "UI hierchary dumped to: ...", is ignored), Appium's page source (UiAutomator2
  or XCUITest), WDA's source, or a run's saved evidence;
- the platform is the file's own: a ``hierarchy`` root is Android, an ``AppiumAUT`` root
  or ``XCUIElementType...`` elements are iOS;
- anything else (not XML, another XML, an empty file) is a ``UsageError`` naming the file,
  never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from mobile_optout.errors import UsageError
from mobile_optout.flow.model import Platform

# uiautomator's own trailer (its spelling), printed after the XML on the same stream
_TRAILER = re.compile(r"UI hier[a-z]*ar[a-z]* dumped to:[^\n]*", re.IGNORECASE)


def read_page_source(path: Path) -> tuple[str, Platform]:
    """The page source in ``path`` (trailer cut) and the platform it was taken on."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    text = raw.decode("utf-8", "replace").lstrip("\ufeff")
    text = _TRAILER.sub("", text).strip()
    start = text.find("<")
    if start < 0:
        raise UsageError(f"{path}: not a UI dump (no XML in it); save one with "
                         "`adb exec-out uiautomator dump /dev/tty > FILE.xml` or "
                         "`mobile-optout inspect --xml > FILE.xml`")
    text = text[start:]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                             load_dtd=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:160]
        raise UsageError(f"{path}: not a UI dump (not readable XML: {reason})") from None
    platform = platform_of(root)
    if platform is None:
        raise UsageError(f"{path}: not a UI dump (its root is <{root.tag}>; expected "
                         "<hierarchy> from uiautomator/UiAutomator2 or <AppiumAUT> from "
                         "XCUITest/WDA)")
    return text, platform


def platform_of(root: etree._Element) -> Platform | None:
    """Android for a ``hierarchy`` root, iOS for ``AppiumAUT`` or XCUIElementType trees."""
    tag = str(root.tag)
    if tag == "hierarchy":
        return Platform.ANDROID
    if tag == "AppiumAUT" or tag.startswith("XCUIElementType"):
        return Platform.IOS
    return None
