"""Page source in each platform's format, what is on screen, and screenshots."""

from __future__ import annotations

import io
from typing import Any

from appium.webdriver.common.appiumby import AppiumBy
from lxml import etree
from PIL import Image, ImageChops
from sim.sim_helpers import TOGGLE_XPATH, to_genai_android

from mobile_optout.sim import SimPhone

ANDROID_ORDER = ["index", "package", "class", "text", "content-desc", "resource-id",
                 "checkable", "checked", "clickable", "enabled", "focusable", "focused",
                 "long-clickable", "password", "scrollable", "selected", "bounds", "displayed"]
IOS_ORDER = ["type", "value", "name", "label", "enabled", "visible", "accessible", "x", "y",
             "width", "height", "index", "traits"]


def _in_order(attrs: list[str], order: list[str]) -> bool:
    known = [a for a in attrs if a in order]
    return known == sorted(known, key=order.index)


def _names(el: etree._Element) -> list[str]:
    """Attribute names in document order (lxml's stubs allow bytes; parsed text gives str)."""
    return [n.decode() if isinstance(n, bytes) else n for n in el.attrib]


def _first(root: etree._Element, xpath: str) -> etree._Element:
    """The first element ``xpath`` finds under ``root``."""
    found = root.xpath(xpath)
    assert isinstance(found, list) and found, f"nothing matches {xpath}"
    first = found[0]
    assert isinstance(first, etree._Element)
    return first


def test_android_source_format(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    source = driver.page_source
    assert source.startswith("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>")
    root = etree.fromstring(source.encode())
    assert root.tag == "hierarchy"
    assert dict(root.attrib.items()) == {"index": "0", "class": "hierarchy", "rotation": "0",
                                 "width": "1080", "height": "2400"}
    for el in root.iter():
        if el is root:
            continue
        assert el.tag == el.get("class")
        assert _in_order(_names(el), ANDROID_ORDER)
        assert el.get("bounds", "").count("][") == 1
    webview = _first(root, "//android.webkit.WebView")
    assert webview.get("resource-id") == "com.linkedin.android:id/infra_web_viewer_webview"
    toggle = _first(root, TOGGLE_XPATH)
    assert toggle.get("checkable") == "true" and toggle.get("checked") == "true"
    assert toggle.get("content-desc") is None and toggle.get("text") == ""
    label = toggle.getprevious()
    assert label is not None
    assert label.get("text") == "Use my data for training content creation AI models"


def test_ios_source_format(ios: SimPhone, drivers: Any) -> None:
    driver = drivers(ios)
    source = driver.page_source
    assert source.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(source.encode())
    assert root.tag == "AppiumAUT"
    app = root[0]
    assert app.tag == "XCUIElementTypeApplication" and app.get("name") == "LinkedIn"
    for el in app.iter():
        assert el.tag == el.get("type")
        assert _in_order(_names(el), IOS_ORDER)
    assert (app.get("width"), app.get("height")) == ("390", "844")


def test_only_what_is_on_screen_is_in_the_source(drivers: Any) -> None:
    with SimPhone("android", variants=("scroll",)) as phone:
        driver = drivers(phone)
        driver.find_element(AppiumBy.ID, "me_launcher").click()
        driver.find_element(AppiumBy.ID, "interests_panel_view_settings").click()
        driver.find_element(AppiumBy.XPATH, "//*[@text='Data privacy']").click()
        assert "Data for Generative AI Improvement" not in driver.page_source
        webview = driver.find_element(AppiumBy.CLASS_NAME, "android.webkit.WebView")
        more = True
        while more and "Data for Generative AI Improvement" not in driver.page_source:
            more = driver.execute_script("mobile: scrollGesture", {
                "elementId": webview.id, "direction": "down", "percent": 0.5})
        assert "Data for Generative AI Improvement" in driver.page_source
        assert "Manage your data and activity" not in driver.page_source  # scrolled away
        assert [e["type"] for e in phone.events()].count("scroll") >= 1


def test_swipe_scrolls_on_ios(drivers: Any) -> None:
    with SimPhone("ios", variants=("scroll",)) as phone:
        driver = drivers(phone)
        driver.execute_script("mobile: deepLink", {"url": "linkedin://feed",
                                                   "bundleId": "com.linkedin.LinkedIn"})
        driver.find_element(AppiumBy.ACCESSIBILITY_ID, "My Profile and Communities").click()
        driver.find_element(AppiumBy.ACCESSIBILITY_ID, "Settings").click()
        driver.find_element(AppiumBy.ACCESSIBILITY_ID, "Data privacy").click()
        query = "label BEGINSWITH 'Data for Generative'"
        assert driver.find_elements(AppiumBy.IOS_PREDICATE, query) == []
        for _ in range(5):
            if driver.find_elements(AppiumBy.IOS_PREDICATE, query):
                break
            driver.execute_script("mobile: swipe", {"direction": "up"})
        assert driver.find_elements(AppiumBy.IOS_PREDICATE, query)


def test_screenshot_shows_the_switch_state(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    before = Image.open(io.BytesIO(driver.get_screenshot_as_png()))
    assert before.size == (1080, 2400)
    driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH).click()
    after = Image.open(io.BytesIO(driver.get_screenshot_as_png()))
    box = ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox()
    assert box is not None
    rect = driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH).rect
    left, top, right, bottom = box
    assert left >= rect["x"] - 2 and right <= rect["x"] + rect["width"] + 2
    assert top >= rect["y"] - 2 and bottom <= rect["y"] + rect["height"] + 2


def test_screenshot_differs_between_screens(ios: SimPhone, drivers: Any) -> None:
    driver = drivers(ios)
    feed = driver.get_screenshot_as_png()
    assert feed.startswith(b"\x89PNG")
    driver.find_element(AppiumBy.ACCESSIBILITY_ID, "My Profile and Communities").click()
    assert driver.get_screenshot_as_png() != feed
