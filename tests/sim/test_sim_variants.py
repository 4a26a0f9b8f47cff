"""Each variant's distinguishing behaviour, and seeded faults that replay identically."""

from __future__ import annotations

from typing import Any

import pytest
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common.exceptions import (
    InvalidSessionIdException,
    NoSuchElementException,
    WebDriverException,
)
from sim.sim_helpers import TOGGLE_XPATH, connect, to_genai_android

from mobile_optout.sim import SimPhone

By = AppiumBy


def test_already_off(drivers: Any) -> None:
    with SimPhone("android", variants=("already-off",)) as phone:
        driver = drivers(phone)
        to_genai_android(driver)
        assert driver.find_element(By.XPATH, TOGGLE_XPATH).get_attribute("checked") == "false"


def test_not_offered_has_no_row_and_no_page(drivers: Any) -> None:
    with SimPhone("android", variants=("not-offered",)) as phone:
        driver = drivers(phone)
        driver.find_element(By.ID, "me_launcher").click()
        driver.find_element(By.ID, "interests_panel_view_settings").click()
        driver.find_element(By.XPATH, "//*[@text='Data privacy']").click()
        assert driver.find_elements(By.XPATH, "//*[contains(@text, 'Generative AI')]") == []
        assert driver.find_element(By.XPATH, "//*[starts-with(@text, 'Social, economic')]")
        driver.execute_script("mobile: deepLink", {
            "url": "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement",
            "package": "com.linkedin.android"})
        assert phone.state()["screen"] != "genai"


def test_gear_route_only(drivers: Any) -> None:
    with SimPhone("android", variants=("gear-route",)) as phone:
        driver = drivers(phone)
        driver.find_element(By.ID, "me_launcher").click()
        assert driver.find_elements(By.ID, "interests_panel_view_settings") == []
        driver.find_element(By.XPATH, "//*[@text='View profile']").click()
        driver.find_element(By.ACCESSIBILITY_ID, "Settings menu button").click()
        assert phone.state()["screen"] == "settings"


def test_renamed_wording(drivers: Any) -> None:
    with SimPhone("android", variants=("renamed",)) as phone:
        driver = drivers(phone)
        driver.find_element(By.ID, "me_launcher").click()
        driver.find_element(By.ID, "interests_panel_view_settings").click()
        toolbar = driver.find_element(By.CLASS_NAME, "android.view.ViewGroup")
        assert toolbar.find_element(By.XPATH, ".//*[@text='Settings & Privacy']")
        driver.find_element(By.XPATH, "//*[@text='Data Privacy']").click()
        driver.find_element(By.XPATH, "//*[@text='Data for generative AI improvement']").click()
        label = driver.find_element(By.XPATH, "//*[@resource-id='toggle-label']")
        assert label.text == "Use my data for training content creation models"


def test_logged_out_shows_a_sign_in_wall(drivers: Any) -> None:
    with SimPhone("ios", variants=("logged-out",)) as phone:
        driver = drivers(phone)
        assert driver.find_element(By.ACCESSIBILITY_ID, "Sign in")
        assert driver.find_element(By.ACCESSIBILITY_ID, "Join now")
        assert driver.find_element(By.ACCESSIBILITY_ID, "Welcome to your professional community")
        with pytest.raises(NoSuchElementException):
            driver.find_element(By.ACCESSIBILITY_ID, "My Profile and Communities")
        assert phone.state()["screen"] == "sign_in"


def _walk_with_popups(driver: Any, phone: SimPhone) -> list[str]:
    """The usual route, dismissing whatever dialog shows up. Returns the dialog titles."""
    seen: list[str] = []
    steps = [(By.ID, "me_launcher"), (By.ID, "interests_panel_view_settings"),
             (By.XPATH, "//*[@text='Data privacy']"),
             (By.XPATH, "//*[@text='Data for Generative AI Improvement']"),
             (By.XPATH, TOGGLE_XPATH)]
    for by, value in steps:
        while True:
            dialog = driver.find_elements(By.ID, "android:id/alertTitle")
            if not dialog:
                break
            seen.append(dialog[0].text)
            driver.find_element(By.XPATH, "//*[@text='Not now']").click()
        driver.find_element(by, value).click()
    return seen


def test_popups_interrupt_and_both_appear(drivers: Any) -> None:
    for seed in range(4):
        with SimPhone("android", variants=("popups",), seed=seed) as phone:
            driver = drivers(phone)
            seen = _walk_with_popups(driver, phone)
            assert sorted(seen) == ["Enjoying LinkedIn?", "Turn on notifications?"]
            assert phone.state()["settings"]["generative_ai_training"] is False


def test_a_tap_under_a_dialog_is_swallowed(drivers: Any) -> None:
    with SimPhone("ios", variants=("popups",), seed=0) as phone:
        driver = drivers(phone)
        avatar = driver.find_element(By.ACCESSIBILITY_ID, "My Profile and Communities")
        avatar.click()
        while phone.state()["dialog"] is None:
            driver.back()
            driver.find_element(By.ACCESSIBILITY_ID, "My Profile and Communities").click()
        screen = phone.state()["screen"]
        buttons = driver.find_elements(By.CLASS_NAME, "XCUIElementTypeButton")
        under = [b for b in buttons if b.get_attribute("label") not in ("Not now", "Allow",
                                                                        "Rate now")]
        under[0].click()
        assert phone.state()["screen"] == screen
        assert phone.events()[-1].get("blocked", "").startswith("dialog:")


def _commands(phone: SimPhone, n: int) -> list[str]:
    """n harmless commands; what each one answered."""
    driver = connect(phone)
    outcomes = []
    for _ in range(n):
        try:
            driver.find_element(By.ID, "me_launcher").get_attribute("content-desc")
            outcomes.append("ok")
        except WebDriverException as exc:
            outcomes.append(type(exc).__name__)
    driver.quit()
    return outcomes


def test_flaky_faults_are_transient_and_replay_with_the_seed() -> None:
    runs = []
    for seed in (7, 7, 8):
        with SimPhone("android", variants=("flaky",), seed=seed) as phone:
            runs.append(_commands(phone, 40))
            assert [e for e in phone.events() if e["type"] == "fault"]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    kinds = set(runs[0]) | set(runs[2])
    assert kinds <= {"ok", "WebDriverException", "StaleElementReferenceException"}
    assert "WebDriverException" in kinds
    assert runs[0][-1] == "ok" or runs[0].count("ok") > 30  # the session lives on


def test_crash_kills_one_session_once(drivers: Any) -> None:
    with SimPhone("android", variants=("crash",), seed=2) as phone:
        driver = drivers(phone)
        to_genai_android(driver)
        driver.find_element(By.XPATH, TOGGLE_XPATH).click()
        with pytest.raises(InvalidSessionIdException):
            for _ in range(30):
                driver.find_element(By.XPATH, TOGGLE_XPATH).get_attribute("checked")
        with pytest.raises(InvalidSessionIdException):
            driver.page_source  # noqa: B018  (still dead)
        assert phone.state()["app_running"] is False
        assert [e["type"] for e in phone.events()].count("crash") == 1
        again = drivers(phone)
        assert phone.state()["screen"] == "feed"
        to_genai_android(again)
        for _ in range(30):  # only once per phone
            toggle = again.find_element(By.XPATH, TOGGLE_XPATH)
        assert toggle.get_attribute("checked") == "false"  # settings survived
