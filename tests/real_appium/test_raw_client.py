"""Conformance of the raw Appium client against a real Appium 3 server (fake driver).

These pin down what the wire really does, so that the tool's driver layer and the
simulated phone are written against facts: which locator strategies resolve, that clicks
land, and which exception class each W3C error arrives as.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import urllib3
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common import exceptions as se

from mobile_optout.appium_server import free_port

pytestmark = pytest.mark.appium


@pytest.mark.parametrize(
    ("by", "value"),
    [
        (AppiumBy.XPATH, "//MockSwitch[@id='ai_switch']"),
        (AppiumBy.ID, "ai_switch"),
        (AppiumBy.ACCESSIBILITY_ID, "ai_switch"),
        (AppiumBy.CLASS_NAME, "MockSwitch"),
    ],
)
def test_every_fake_driver_strategy_resolves(fake_session: Any, by: str, value: str) -> None:
    element = fake_session.find_element(by, value)
    assert element.tag_name == "MockSwitch"
    assert element.rect == {"x": 912, "y": 640, "width": 126, "height": 72}


def test_find_elements_returns_all_matches_and_empty_for_none(fake_session: Any) -> None:
    assert len(fake_session.find_elements(AppiumBy.CLASS_NAME, "MockSwitch")) == 2
    assert fake_session.find_elements(AppiumBy.ID, "no_such_id") == []


def test_find_from_element_searches_only_inside_it(fake_session: Any) -> None:
    row = fake_session.find_element(AppiumBy.ID, "research_row")
    inner = row.find_elements(AppiumBy.CLASS_NAME, "MockSwitch")
    assert len(inner) == 1


def test_clicks_land_on_the_element_clicked(fake_session: Any) -> None:
    switch = fake_session.find_element(AppiumBy.ID, "ai_switch")
    other = fake_session.find_element(AppiumBy.ID, "research_switch")
    switch.click()
    switch.click()
    assert switch.get_attribute("clicks") == "2"
    assert other.get_attribute("clicks") in (None, "")


def test_page_source_is_the_app_xml(fake_session: Any) -> None:
    source = fake_session.page_source
    assert 'id="ai_switch"' in source
    assert "Use my data for training content creation AI models" in source


def test_screenshot_is_a_png(fake_session: Any) -> None:
    png = base64.b64decode(fake_session.get_screenshot_as_base64())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_window_rect_comes_from_the_app(fake_session: Any) -> None:
    rect = fake_session.get_window_rect()
    assert (rect["width"], rect["height"]) == (1080, 2400)


def test_no_such_element(fake_session: Any) -> None:
    with pytest.raises(se.NoSuchElementException):
        fake_session.find_element(AppiumBy.ID, "no_such_id")


def test_invalid_selector(fake_session: Any) -> None:
    # The fake driver rejects the selector "badsel" with W3C "invalid selector" (400).
    with pytest.raises(se.InvalidSelectorException):
        fake_session.find_element(AppiumBy.XPATH, "badsel")


def test_unsupported_strategy_is_an_unknown_command(fake_session: Any) -> None:
    with pytest.raises(se.UnknownMethodException):
        fake_session.find_element(AppiumBy.ANDROID_UIAUTOMATOR, 'new UiSelector().text("x")')


def test_unimplemented_command_is_an_unknown_command(fake_session: Any) -> None:
    with pytest.raises(se.UnknownMethodException):
        fake_session.back()


def test_clicking_an_invisible_element_is_an_invalid_state(fake_session: Any) -> None:
    hidden = fake_session.find_element(AppiumBy.ID, "hidden_button")
    with pytest.raises(se.InvalidElementStateException):
        hidden.click()


def test_a_quit_session_is_an_invalid_session(
    appium_server: Any, raw_session: Any, fake_app_caps: Any
) -> None:
    session = raw_session(appium_server.url, fake_app_caps())
    session.quit()
    with pytest.raises(se.InvalidSessionIdException):
        _ = session.page_source


def test_missing_app_capability_is_session_not_created(
    appium_server: Any, raw_session: Any, fake_app_caps: Any
) -> None:
    caps = fake_app_caps()
    del caps["appium:app"]
    with pytest.raises(se.SessionNotCreatedException):
        raw_session(appium_server.url, caps)


def test_server_down_is_a_urllib3_error_not_a_selenium_one(
    raw_session: Any, fake_app_caps: Any
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(urllib3.exceptions.MaxRetryError):
        raw_session(url, fake_app_caps())


def test_capabilities_echo_back_without_the_appium_prefix(
    appium_server: Any, raw_session: Any, fake_app_caps: Any
) -> None:
    session = raw_session(appium_server.url, fake_app_caps(**{"appium:udid": "phone-7"}))
    try:
        caps = session.capabilities
    finally:
        session.quit()
    assert caps["platformName"] == "Fake"
    assert caps["automationName"] == "Fake"
    assert caps["udid"] == "phone-7"
