"""The best hand-written Appium-Python-Client script for the LinkedIn Android opt-out.

What an expert writes when they know the app's screens: the fewest commands, targeted
finds (accessibility id, UiSelector, resource id), the implicit wait instead of polling,
the expert session settings, and the same settle wait as the runner: after the tap, read
the switch back until it shows off (and, with ``hold_s``, again that much later: it must
hold; pass the runner's own hold time).
No interrupts, blockers, denylist, evidence or redaction: it trusts the happy path.

    .venv/bin/python bench/handwritten.py http://127.0.0.1:PORT
"""

from __future__ import annotations

import sys
import time

from appium import webdriver
from appium.options.android import UiAutomator2Options
from appium.webdriver.client_config import AppiumClientConfig
from appium.webdriver.common.appiumby import AppiumBy

PACKAGE = "com.linkedin.android"
POLL_S = 0.25  # the runner's poll interval on a real phone


def opt_out(url: str, hold_s: float = 0.0) -> bool:
    """Turn the setting off; whether it was changed (the phone counts the commands)."""
    options = UiAutomator2Options()
    options.app_package = PACKAGE
    options.no_reset = True
    options.set_capability("appium:settings", {"waitForIdleTimeout": 0})
    config = AppiumClientConfig(remote_server_addr=url, direct_connection=False,
                                keep_alive=True)
    driver = webdriver.Remote(url, options=options, client_config=config)
    try:
        driver.implicitly_wait(10)
        driver.execute_script("mobile: terminateApp", {"appId": PACKAGE})
        driver.execute_script("mobile: activateApp", {"appId": PACKAGE})
        steps = [
            (AppiumBy.ACCESSIBILITY_ID, "My Profile and Communities"),
            (AppiumBy.ANDROID_UIAUTOMATOR, 'new UiSelector().text("Settings")'),
            (AppiumBy.ANDROID_UIAUTOMATOR, 'new UiSelector().text("Data privacy")'),
            (AppiumBy.ANDROID_UIAUTOMATOR,
             'new UiSelector().text("Data for Generative AI Improvement")'),
        ]
        for by, value in steps:
            driver.find_element(by, value).click()
        toggle = driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR,
                                     'new UiSelector().resourceId("genai-toggle")')
        if toggle.get_attribute("checked") != "true":
            return False
        toggle.click()
        deadline = time.monotonic() + 10
        while True:  # the same settle wait as the runner: shows off, and still a moment later
            if toggle.get_attribute("checked") == "false":
                if not hold_s:
                    return True
                time.sleep(hold_s)
                if toggle.get_attribute("checked") == "false":
                    return True
            if time.monotonic() > deadline:
                return False
            time.sleep(POLL_S)
    finally:
        driver.quit()


if __name__ == "__main__":
    print(opt_out(sys.argv[1]))
