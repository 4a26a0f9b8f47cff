"""Element commands, attribute semantics per platform, and the exceptions the client raises."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common.exceptions import (
    InvalidSessionIdException,
    NoSuchElementException,
    SessionNotCreatedException,
    StaleElementReferenceException,
    UnknownMethodException,
    WebDriverException,
)
from sim.sim_helpers import TOGGLE_XPATH, connect, to_genai_android, to_genai_ios

from mobile_optout.sim import SimPhone


def test_android_attributes_are_strings(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    toggle = driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH)
    assert toggle.get_attribute("checkable") == "true"
    assert toggle.get_attribute("checked") == "true"
    assert toggle.get_attribute("class") == "android.widget.ToggleButton"
    assert toggle.get_attribute("resource-id") == "genai-toggle"
    assert toggle.get_attribute("content-desc") is None
    assert toggle.get_attribute("text") == ""
    assert toggle.get_attribute("bounds").startswith("[")
    assert toggle.is_displayed() is True
    assert toggle.is_enabled() is True
    assert toggle.is_selected() is False
    rect = toggle.rect
    assert rect["width"] > 0 and rect["height"] > 0


def test_android_unknown_attribute_is_an_unknown_command(android: SimPhone,
                                                         drivers: Any) -> None:
    driver = drivers(android)
    avatar = driver.find_element(AppiumBy.ID, "me_launcher")
    assert avatar.get_attribute("content-desc") == "My Profile and Communities"
    assert avatar.tag_name == "My Profile and Communities"  # /name is content-desc
    with pytest.raises(UnknownMethodException):
        avatar.get_attribute("colour")


def test_ios_attributes_and_unknown_displayed(ios: SimPhone, drivers: Any) -> None:
    driver = drivers(ios)
    to_genai_ios(driver)
    switch = driver.find_element(AppiumBy.CLASS_NAME, "XCUIElementTypeSwitch")
    assert switch.get_attribute("value") == "1"
    assert switch.get_attribute("type") == "XCUIElementTypeSwitch"
    assert switch.get_attribute("enabled") == "true"
    assert switch.get_attribute("label") is None
    assert switch.tag_name == "XCUIElementTypeSwitch"
    assert switch.is_displayed() is True  # the endpoint works, the attribute does not
    with pytest.raises(WebDriverException) as info:
        switch.get_attribute("displayed")
    assert type(info.value) is WebDriverException
    label = driver.find_element(
        AppiumBy.IOS_PREDICATE, "type == 'XCUIElementTypeStaticText' AND label CONTAINS 'training'")
    assert label.text == label.get_attribute("value") == label.get_attribute("label")


def test_missing_element_raises_no_such_element(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    with pytest.raises(NoSuchElementException):
        driver.find_element(AppiumBy.ACCESSIBILITY_ID, "Does not exist")
    assert driver.find_elements(AppiumBy.ACCESSIBILITY_ID, "Does not exist") == []


def test_elements_go_stale_when_their_screen_is_left(android: SimPhone,
                                                     drivers: Any) -> None:
    driver = drivers(android)
    avatar = driver.find_element(AppiumBy.ID, "me_launcher")
    avatar.click()
    with pytest.raises(StaleElementReferenceException):
        avatar.click()
    driver.back()  # the feed again, but a new rendering of it
    with pytest.raises(StaleElementReferenceException):
        avatar.get_attribute("text")
    assert android.state()["screen"] == "feed"


def test_elements_survive_a_toggle_flip(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    toggle = driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH)
    toggle.click()
    toggle.click()
    assert toggle.get_attribute("checked") == "true"


def test_quit_session_is_invalid_afterwards(android: SimPhone) -> None:
    driver = connect(android)
    driver.quit()
    with pytest.raises(InvalidSessionIdException):
        driver.find_element(AppiumBy.ID, "me_launcher")
    kinds = [e["type"] for e in android.events()]
    assert kinds.count("session_created") == kinds.count("session_deleted") == 1


def test_wrong_platform_or_driver_is_refused(ios: SimPhone, android: SimPhone) -> None:
    with pytest.raises(SessionNotCreatedException):
        connect(ios, platformName="Android")
    with pytest.raises(SessionNotCreatedException):
        connect(android, **{"appium:automationName": "Espresso"})
    with pytest.raises(SessionNotCreatedException):
        connect(android, **{"appium:appPackage": "com.example.other"})


def _http(url: str, method: str = "GET", body: object | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def test_wire_status_prefix_and_unknown_routes(android: SimPhone) -> None:
    status, body = _http(android.url + "/status")
    assert status == 200 and body["value"]["ready"] is True
    assert body["value"]["build"]["version"] == "3.x-sim"
    status, body = _http(android.url + "/wd/hub/status")
    assert status == 200
    status, body = _http(android.url + "/no/such/route")
    assert status == 404 and body["value"]["error"] == "unknown command"
    status, body = _http(android.url + "/session/nope/source")
    assert status == 404 and body["value"]["error"] == "invalid session id"
    status, body = _http(android.url + "/session", "POST", {"capabilities": {"alwaysMatch": {
        "platformName": "iOS", "appium:automationName": "XCUITest"}}})
    assert status == 500 and body["value"]["error"] == "session not created"


def test_session_through_wd_hub_prefix(android: SimPhone) -> None:
    caps = {"platformName": "Android", "appium:automationName": "UiAutomator2",
            "appium:appPackage": "com.linkedin.android"}
    status, body = _http(android.url + "/wd/hub/session", "POST",
                         {"capabilities": {"firstMatch": [{}], "alwaysMatch": caps}})
    assert status == 200
    sid = body["value"]["sessionId"]
    assert body["value"]["capabilities"]["platformName"] == "Android"
    status, body = _http(f"{android.url}/wd/hub/session/{sid}/element", "POST",
                         {"using": "id", "value": "me_launcher"})
    assert status == 200
    element = body["value"]["element-6066-11e4-a52e-4f735466cecf"]
    assert body["value"]["ELEMENT"] == element
    assert _http(f"{android.url}/session/{sid}", "DELETE")[0] == 200


def test_implicit_wait_waits_for_slow_screens(drivers: Any) -> None:
    with SimPhone("android", variants=("slow",), seed=182) as phone:  # short waits
        driver = drivers(phone)
        driver.implicitly_wait(0)
        # the first screen after launch is loading too
        assert driver.find_elements(AppiumBy.CLASS_NAME, "android.widget.ProgressBar")
        with pytest.raises(NoSuchElementException):
            driver.find_element(AppiumBy.ID, "me_launcher")
        driver.implicitly_wait(5)
        driver.find_element(AppiumBy.ID, "me_launcher").click()
        assert phone.state()["loading"] is True
        assert driver.find_element(AppiumBy.ID, "interests_panel_view_settings")
        assert phone.state()["loading"] is False
        assert driver.timeouts.implicit_wait == 5


def test_settings_endpoint(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    driver.update_settings({"waitForIdleTimeout": 0})
    assert driver.get_settings()["waitForIdleTimeout"] == 0


def test_unknown_mobile_command(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    with pytest.raises(UnknownMethodException):
        driver.execute_script("mobile: teleport", {})
