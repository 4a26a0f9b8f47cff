"""Every locator strategy, on both platforms, as UiAutomator2 / XCUITest answer them."""

from __future__ import annotations

from typing import Any

import pytest
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common.exceptions import InvalidSelectorException, NoSuchElementException
from sim.sim_helpers import to_genai_android, to_genai_ios

from mobile_optout.flow.model import Platform
from mobile_optout.sim import SimPhone


@pytest.mark.parametrize(("by", "value"), [
    (AppiumBy.ID, "me_launcher"),
    (AppiumBy.ID, "com.linkedin.android:id/me_launcher"),
    (AppiumBy.ACCESSIBILITY_ID, "My Profile and Communities"),
    (AppiumBy.XPATH, "//android.widget.ImageView[@content-desc='My Profile and Communities']"),
    (AppiumBy.ANDROID_UIAUTOMATOR, 'new UiSelector().description("My Profile and Communities")'),
    (AppiumBy.ANDROID_UIAUTOMATOR, 'new UiSelector().descriptionContains("Profile and")'),
    (AppiumBy.ANDROID_UIAUTOMATOR, 'new UiSelector().resourceIdMatches(".*:id/me_launcher")'),
    (AppiumBy.ANDROID_UIAUTOMATOR,
     'new UiSelector().className("android.widget.ImageView").clickable(true).instance(0)'),
])
def test_android_strategies_find_the_avatar(android: SimPhone, drivers: Any, by: str,
                                            value: str) -> None:
    driver = drivers(android)
    driver.find_element(by, value).click()
    assert android.state()["screen"] == "side_menu"


@pytest.mark.parametrize(("by", "value"), [
    (AppiumBy.ID, "My Profile and Communities"),
    (AppiumBy.ACCESSIBILITY_ID, "My Profile and Communities"),
    (AppiumBy.XPATH, "//XCUIElementTypeButton[@name='My Profile and Communities']"),
    (AppiumBy.IOS_PREDICATE, "type == 'XCUIElementTypeButton' AND label CONTAINS[c] 'profile'"),
    (AppiumBy.IOS_PREDICATE, "(name LIKE '*Communities') AND NOT (label == 'x') AND visible == 1"),
    (AppiumBy.IOS_PREDICATE, "label MATCHES '^My Pro.*' OR label == 'nothing'"),
    (AppiumBy.IOS_PREDICATE, "label ENDSWITH[cd] 'COMMUNITIES'"),
    (AppiumBy.IOS_CLASS_CHAIN, "**/XCUIElementTypeButton[`label == 'My Profile and Communities'`]"),
    (AppiumBy.IOS_CLASS_CHAIN, "**/XCUIElementTypeButton[1]"),
])
def test_ios_strategies_find_the_avatar(ios: SimPhone, drivers: Any, by: str,
                                        value: str) -> None:
    driver = drivers(ios)
    driver.find_element(by, value).click()
    assert ios.state()["screen"] == "side_menu"


def test_android_webview_ids_have_no_package_prefix(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    driver.find_element(AppiumBy.ID, "me_launcher").click()
    driver.find_element(AppiumBy.ID, "interests_panel_view_settings").click()
    sign_out = driver.find_element(AppiumBy.XPATH, "//*[@resource-id='sign_out']")
    assert sign_out.text == "Sign out"
    with pytest.raises(NoSuchElementException):  # UiAutomator2 prefixes bare ids
        driver.find_element(AppiumBy.ID, "sign_out")
    assert driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR,
                               'new UiSelector().resourceId("sign_out")').text == "Sign out"


def test_uiautomator_child_selector_and_checkable(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    toggle = driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR,
                                 "new UiSelector().checkable(true).checked(true)")
    assert toggle.get_attribute("resource-id") == "genai-toggle"
    child = driver.find_element(
        AppiumBy.ANDROID_UIAUTOMATOR,
        'new UiSelector().resourceId("genai-setting").childSelector('
        'new UiSelector().className("android.widget.ToggleButton"))')
    assert child.get_attribute("checked") == "true"
    sibling = driver.find_element(
        AppiumBy.ANDROID_UIAUTOMATOR,
        'new UiSelector().textContains("content creation").fromParent('
        "new UiSelector().checkable(true))")
    assert sibling.get_attribute("class") == "android.widget.ToggleButton"


def test_find_within_an_element_and_relative_xpath(ios: SimPhone, drivers: Any) -> None:
    driver = drivers(ios)
    to_genai_ios(driver)
    cell = driver.find_element(
        AppiumBy.IOS_CLASS_CHAIN,
        "**/XCUIElementTypeCell[$type == 'XCUIElementTypeSwitch'$]")
    switch = cell.find_element(AppiumBy.CLASS_NAME, "XCUIElementTypeSwitch")
    assert switch.get_attribute("value") == "1"
    label = cell.find_element(AppiumBy.XPATH, "./XCUIElementTypeStaticText")
    assert label.text == "Use my data for training content creation AI models"
    assert cell.find_elements(AppiumBy.XPATH, ".//XCUIElementTypeButton") == []


def test_class_chain_child_steps_and_indexes(ios: SimPhone, drivers: Any) -> None:
    driver = drivers(ios)
    to_genai_ios(driver)
    switch = driver.find_element(
        AppiumBy.IOS_CLASS_CHAIN, "**/XCUIElementTypeCell[-1]/XCUIElementTypeSwitch")
    assert switch.get_attribute("type") == "XCUIElementTypeSwitch"
    window = driver.find_elements(AppiumBy.IOS_CLASS_CHAIN, "XCUIElementTypeWindow[1]")
    assert len(window) == 1


@pytest.mark.parametrize(("platform", "by", "value"), [
    (Platform.ANDROID, "css selector", "#me_launcher"),
    (Platform.ANDROID, AppiumBy.IOS_PREDICATE, "label == 'x'"),
    (Platform.IOS, AppiumBy.ANDROID_UIAUTOMATOR, 'new UiSelector().text("x")'),
    (Platform.ANDROID, AppiumBy.ANDROID_UIAUTOMATOR, 'new UiSelector().txet("x")'),
    (Platform.ANDROID, AppiumBy.ANDROID_UIAUTOMATOR, "new UiSelector(.text("),
    (Platform.ANDROID, AppiumBy.XPATH, "//*[@text="),
    (Platform.ANDROID, AppiumBy.XPATH, "count(//*)"),
    (Platform.IOS, AppiumBy.IOS_PREDICATE, "label === 'x'"),
    (Platform.IOS, AppiumBy.IOS_PREDICATE, "colour == 'red'"),
    (Platform.IOS, AppiumBy.IOS_CLASS_CHAIN, "**/Button[1]"),
])
def test_bad_or_foreign_locators_are_invalid_selectors(drivers: Any, platform: Platform,
                                                       by: str, value: str) -> None:
    with SimPhone(platform) as phone:
        driver = drivers(phone)
        with pytest.raises(InvalidSelectorException):
            driver.find_element(by, value)


def test_ui_scrollable_scrolls_the_row_into_view(drivers: Any) -> None:
    with SimPhone(Platform.ANDROID, variants=("scroll",)) as phone:
        driver = drivers(phone)
        driver.find_element(AppiumBy.ID, "me_launcher").click()
        driver.find_element(AppiumBy.ID, "interests_panel_view_settings").click()
        driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR,
                            'new UiSelector().text("Data privacy")').click()
        row = driver.find_element(
            AppiumBy.ANDROID_UIAUTOMATOR,
            "new UiScrollable(new UiSelector().scrollable(true)).scrollIntoView("
            'new UiSelector().text("Data for Generative AI Improvement"))')
        assert phone.state()["scroll"] > 0
        row.click()
        assert phone.state()["screen"] == "genai"
