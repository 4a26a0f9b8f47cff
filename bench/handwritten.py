"""The best hand-written Appium-Python-Client script for the LinkedIn Android opt-out.

What an expert writes when they know the app's screens: the fewest commands, targeted
finds (accessibility id, UiSelector, resource id), the implicit wait instead of polling,
the expert session settings, and the same settle wait as the runner: after the tap, read
the switch back until it shows off (and, with ``hold_s``, again that much later: it must
hold; pass the runner's own hold time).
No interrupts, blockers, denylist, evidence or redaction: it trusts the happy path.

``opt_out_proven`` is the same script giving the runner's proof of a change (the truth
rules): after the settle window it leaves the page, opens it again and reads the switch
there. Its commands, frozen (``PROVEN_COMMANDS``; the phone counts them the same way):

    session (implicit wait 10 s, waitForIdleTimeout 0)
    terminateApp, activateApp
    find + click: "My Profile and Communities", "Settings", "Data privacy",
                  "Data for Generative AI Improvement"
    find the switch (resource id), read checked            -> on
    click the switch
    read checked until false (every 0.25 s), sleep the settle window, read checked
    back                                                    -> the Data privacy page
    find + click "Data for Generative AI Improvement"       -> the page, loaded again
    find the switch, read checked                           -> off: proven

What it does not check that the runner does (bench/RESULTS.md repeats this): that the
switch it reads is the one in the setting's row (it trusts a resource id); that the page
has finished loading, is enabled and that nothing is on top (sheets, prompts, sign-in
pages, the flow's blockers); that two looks agree and the reading agrees with the row's
On/Off on the way in; error texts, toasts or a flip-back during the settle window;
confirmations; the denylist under the finger; the member's name (redaction); the flow's
deadline; evidence and records.

    .venv/bin/python bench/handwritten.py http://127.0.0.1:PORT [--proven]
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
ROW = 'new UiSelector().text("Data for Generative AI Improvement")'
SWITCH = 'new UiSelector().resourceId("genai-toggle")'
# The proven script's commands after the session opens, in order (a poll may repeat the
# read of "checked" while the switch has not turned yet).
PROVEN_COMMANDS = (
    "implicit wait", "mobile: terminateApp", "mobile: activateApp",
    "find accessibility id", "click", "find UiSelector", "click",
    "find UiSelector", "click", "find UiSelector", "click",
    "find UiSelector (switch)", "attribute checked", "click (switch)",
    "attribute checked (until false)", "attribute checked (after the settle window)",
    "back", "find UiSelector (row)", "click (row)",
    "find UiSelector (switch)", "attribute checked (on the re-opened page)",
)


def opt_out_proven(url: str, hold_s: float) -> bool:
    """``opt_out`` with the runner's proof: after the settle window, back, tap the row
    again, find the switch and read it there."""
    return opt_out(url, hold_s=hold_s, reopen=True)


def opt_out(url: str, hold_s: float = 0.0, *, reopen: bool = False) -> bool:
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
            (AppiumBy.ANDROID_UIAUTOMATOR, ROW),
        ]
        for by, value in steps:
            driver.find_element(by, value).click()
        toggle = driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR, SWITCH)
        if toggle.get_attribute("checked") != "true":
            return False
        toggle.click()
        deadline = time.monotonic() + 10
        while True:  # the same settle wait as the runner: shows off, and still a moment later
            if toggle.get_attribute("checked") == "false":
                if not hold_s:
                    return not reopen or reopened_reads_off(driver)
                time.sleep(hold_s)
                if toggle.get_attribute("checked") == "false":
                    return not reopen or reopened_reads_off(driver)
            if time.monotonic() > deadline:
                return False
            time.sleep(POLL_S)
    finally:
        driver.quit()


def reopened_reads_off(driver: webdriver.Remote) -> bool:
    """The proof: back to the list, the row again, the switch read on the fresh page."""
    driver.back()
    driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR, ROW).click()
    return driver.find_element(AppiumBy.ANDROID_UIAUTOMATOR, SWITCH).get_attribute(
        "checked") == "false"


if __name__ == "__main__":
    print(opt_out(sys.argv[1], reopen="--proven" in sys.argv[2:]))
