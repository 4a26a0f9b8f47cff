"""Helpers for the simulated-phone tests: client options, connecting, the usual route."""

from __future__ import annotations

from typing import Any

from appium import webdriver
from appium.options.android import UiAutomator2Options
from appium.options.ios import XCUITestOptions
from appium.webdriver.client_config import AppiumClientConfig
from appium.webdriver.common.appiumby import AppiumBy

from mobile_optout.flow.model import Platform
from mobile_optout.sim import SimPhone

PACKAGE = "com.linkedin.android"
BUNDLE = "com.linkedin.LinkedIn"
TOGGLE_XPATH = "//*[@resource-id='genai-toggle']"


def options(platform: Platform, **caps: Any) -> UiAutomator2Options | XCUITestOptions:
    opts: UiAutomator2Options | XCUITestOptions
    if platform is Platform.ANDROID:
        opts = UiAutomator2Options()
        opts.app_package = PACKAGE
        opts.app_activity = "com.linkedin.android.authenticator.LaunchActivity"
    else:
        opts = XCUITestOptions()
        opts.bundle_id = BUNDLE
    for key, value in caps.items():
        opts.set_capability(key, value)
    return opts


def connect(phone: SimPhone, **caps: Any) -> Any:
    """A real Appium client session on the phone, as the runner opens one."""
    config = AppiumClientConfig(remote_server_addr=phone.url, direct_connection=False,
                                keep_alive=True)
    return webdriver.Remote(phone.url, options=options(phone.platform, **caps),
                            client_config=config)


def to_genai_android(driver: Any) -> None:
    """avatar > Settings > Data privacy > Data for Generative AI Improvement."""
    driver.find_element(AppiumBy.ACCESSIBILITY_ID, "My Profile and Communities").click()
    driver.find_element(AppiumBy.ID, "interests_panel_view_settings").click()
    driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR,
                        'new UiSelector().textMatches("(?i)data privacy")').click()
    driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR,
                        'new UiSelector().textStartsWith("Data for Generative AI")').click()


def to_genai_ios(driver: Any) -> None:
    driver.find_element(AppiumBy.ACCESSIBILITY_ID, "My Profile and Communities").click()
    driver.find_element(AppiumBy.IOS_PREDICATE, 'label == "Settings"').click()
    driver.find_element(AppiumBy.IOS_CLASS_CHAIN,
                        '**/XCUIElementTypeCell[`label ==[c] "data privacy"`]').click()
    driver.find_element(AppiumBy.IOS_PREDICATE,
                        "label BEGINSWITH 'Data for Generative AI'").click()


def setting_taps(phone: SimPhone, setting: str = "generative_ai_training") -> int:
    return sum(1 for e in phone.events() if e["type"] == "tap" and e["setting"] == setting)
