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
from sim.sim_helpers import TOGGLE_XPATH, connect, to_genai_android, to_genai_ios

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


def _until(condition: Any, seconds: float = 5.0) -> Any:
    """Poll ``condition`` until it gives something truthy (the phone's timed behaviours)."""
    import time

    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, "the phone never got there"
        time.sleep(0.05)
    return value


def test_late_toggle_is_a_disabled_placeholder_then_the_real_switch(drivers: Any) -> None:
    with SimPhone("android", variants=("late-toggle",)) as phone:
        driver = drivers(phone)
        to_genai_android(driver)
        toggle = driver.find_element(By.XPATH, TOGGLE_XPATH)
        assert (toggle.get_attribute("enabled"), toggle.get_attribute("checked")) == (
            "false", "false")  # the placeholder shows the opposite of the setting
        toggle.click()  # a tap on it does nothing
        assert phone.state()["settings"]["generative_ai_training"] is True
        _until(lambda: driver.find_element(By.XPATH, TOGGLE_XPATH).get_attribute("enabled")
               == "true")
        assert driver.find_element(By.XPATH, TOGGLE_XPATH).get_attribute("checked") == "true"


def test_loading_toggle_shows_a_spinner_where_the_switch_will_be(drivers: Any) -> None:
    with SimPhone("ios", variants=("loading-toggle",)) as phone:
        driver = drivers(phone)
        to_genai_ios(driver)
        assert driver.find_elements(By.CLASS_NAME, "XCUIElementTypeSwitch") == []
        assert driver.find_elements(By.CLASS_NAME, "XCUIElementTypeActivityIndicator")
        _until(lambda: driver.find_elements(By.CLASS_NAME, "XCUIElementTypeSwitch"))


def test_save_fails_flips_back_with_a_snackbar(drivers: Any) -> None:
    with SimPhone("android", variants=("save-fails",)) as phone:
        driver = drivers(phone)
        to_genai_android(driver)
        driver.find_element(By.XPATH, TOGGLE_XPATH).click()
        assert driver.find_element(By.XPATH, TOGGLE_XPATH).get_attribute("checked") == "false"
        snackbar = _until(lambda: driver.find_elements(
            By.ID, "com.linkedin.android:id/snackbar_text"))
        assert snackbar[0].text == "Couldn't save your change. Try again."
        assert driver.find_element(By.XPATH, TOGGLE_XPATH).get_attribute("checked") == "true"
        assert phone.state()["settings"]["generative_ai_training"] is True


@pytest.mark.parametrize("variant", ["confirm", "optimistic-confirm"])
def test_turning_off_asks_first_and_cancel_changes_nothing(drivers: Any, variant: str) -> None:
    with SimPhone("android", variants=(variant,)) as phone:
        driver = drivers(phone)
        to_genai_android(driver)
        driver.find_element(By.XPATH, TOGGLE_XPATH).click()
        shown = driver.find_elements(By.XPATH, TOGGLE_XPATH)  # a sheet leaves the page there
        assert [t.get_attribute("checked") for t in shown] == (
            ["false"] if variant == "optimistic-confirm" else [])
        driver.find_element(By.XPATH, "//*[@text='Cancel']").click()
        assert driver.find_element(By.XPATH, TOGGLE_XPATH).get_attribute("checked") == "true"
        driver.find_element(By.XPATH, TOGGLE_XPATH).click()
        driver.find_element(By.XPATH, "//*[@text='Turn off']").click()
        assert phone.state()["settings"]["generative_ai_training"] is False
        assert [e.get("confirmed") for e in phone.events() if e["type"] == "tap"][-1] == (
            "generative_ai_training")
