"""Navigating LinkedIn on the simulated phone through the real Appium client."""

from __future__ import annotations

from typing import Any

import pytest
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common.exceptions import NoSuchElementException
from sim.sim_helpers import TOGGLE_XPATH, setting_taps, to_genai_android, to_genai_ios

from mobile_optout.sim import SimPhone


def test_android_opt_out_turns_the_setting_off_with_one_tap(android: SimPhone,
                                                            drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    toggle = driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH)
    assert toggle.get_attribute("checked") == "true"
    toggle.click()
    assert toggle.get_attribute("checked") == "false"
    assert android.state()["settings"]["generative_ai_training"] is False
    assert setting_taps(android) == 1


def test_ios_opt_out_turns_the_switch_value_to_zero(ios: SimPhone, drivers: Any) -> None:
    driver = drivers(ios)
    to_genai_ios(driver)
    switch = driver.find_element(AppiumBy.CLASS_NAME, "XCUIElementTypeSwitch")
    assert switch.get_attribute("value") == "1"
    switch.click()
    assert switch.get_attribute("value") == "0"
    assert ios.state()["settings"]["generative_ai_training"] is False


def test_tapping_the_label_changes_nothing(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR,
                        'new UiSelector().text("Use my data for training content '
                        'creation AI models")').click()
    assert android.state()["settings"]["generative_ai_training"] is True
    assert setting_taps(android) == 0
    assert [e["type"] for e in android.events()].count("tap") == 5


def test_the_status_row_reflects_the_setting(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH).click()
    driver.back()
    row = driver.find_element(
        AppiumBy.XPATH, "//*[@text='Data for Generative AI Improvement']/following-sibling::*[1]")
    assert row.text == "Off"


def test_profile_gear_reaches_settings_too(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    driver.find_element(AppiumBy.ID, "me_launcher").click()
    driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR,
                        'new UiSelector().text("View profile")').click()
    driver.find_element(AppiumBy.ACCESSIBILITY_ID, "Settings menu button").click()
    assert android.state()["screen"] == "settings"
    assert driver.find_element(AppiumBy.XPATH, "//android.webkit.WebView[@text='Settings']")


def test_back_walks_the_stack_and_leaves_the_app_from_the_feed(android: SimPhone,
                                                               drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    screens = []
    for _ in range(4):
        driver.back()
        screens.append(android.state()["screen"])
    assert screens == ["data_privacy", "settings", "side_menu", "feed"]
    driver.back()
    state = android.state()
    assert state["app_running"] is False
    assert state["screen"] == "launcher"
    assert driver.query_app_state("com.linkedin.android") == 1


def test_ios_has_a_navigation_bar_back_button(ios: SimPhone, drivers: Any) -> None:
    driver = drivers(ios)
    to_genai_ios(driver)
    bar = driver.find_element(AppiumBy.CLASS_NAME, "XCUIElementTypeNavigationBar")
    bar.find_element(AppiumBy.ACCESSIBILITY_ID, "Back").click()
    assert ios.state()["screen"] == "data_privacy"
    driver.back()
    assert ios.state()["screen"] == "settings"


def test_app_lifecycle_scripts(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    assert driver.query_app_state("com.linkedin.android") == 4
    assert driver.query_app_state("com.example.other") == 0
    assert driver.terminate_app("com.linkedin.android") is True
    assert driver.query_app_state("com.linkedin.android") == 1
    with pytest.raises(NoSuchElementException):
        driver.find_element(AppiumBy.ID, "me_launcher")
    driver.activate_app("com.linkedin.android")
    assert android.state()["screen"] == "feed"
    kinds = [e["type"] for e in android.events()]
    assert kinds[:2] == ["session_created", "launch"]
    assert "terminate" in kinds


def test_launcher_icon_starts_the_app(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    driver.terminate_app("com.linkedin.android")
    driver.find_element(AppiumBy.ACCESSIBILITY_ID, "LinkedIn").click()
    assert android.state()["screen"] == "feed"


def test_deep_link_opens_the_genai_page(ios: SimPhone, drivers: Any) -> None:
    driver = drivers(ios)
    driver.execute_script("mobile: deepLink", {
        "url": "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement",
        "bundleId": "com.linkedin.LinkedIn"})
    assert ios.state()["screen"] == "genai"
    assert driver.find_element(AppiumBy.CLASS_NAME, "XCUIElementTypeSwitch")


def test_w3c_tap_hits_the_topmost_element(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    avatar = driver.find_element(AppiumBy.ID, "me_launcher")
    rect = avatar.rect
    driver.tap([(rect["x"] + rect["width"] // 2, rect["y"] + rect["height"] // 2)])
    assert android.state()["screen"] == "side_menu"


def test_click_gesture_and_ios_tap_script(android: SimPhone, ios: SimPhone,
                                          drivers: Any) -> None:
    a = drivers(android)
    avatar = a.find_element(AppiumBy.ID, "me_launcher")
    a.execute_script("mobile: clickGesture", {"elementId": avatar.id})
    assert android.state()["screen"] == "side_menu"
    i = drivers(ios)
    rect = i.find_element(AppiumBy.ACCESSIBILITY_ID, "My Profile and Communities").rect
    i.execute_script("mobile: tap", {"x": rect["x"] + 5, "y": rect["y"] + 5})
    assert ios.state()["screen"] == "side_menu"


def test_typing_into_search(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    search = driver.find_element(AppiumBy.ID, "search_bar_text")
    search.clear()
    search.send_keys("privacy")
    assert search.text == "privacy"
    typed = [e for e in android.events() if e["type"] == "type"]
    assert len(typed) == 2
