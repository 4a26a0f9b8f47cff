"""Phone state: persistence across sessions and phones, events, several phones at once."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from appium.webdriver.common.appiumby import AppiumBy
from sim.sim_helpers import TOGGLE_XPATH, connect, setting_taps, to_genai_android

from mobile_optout.sim import VARIANTS, SimPhone, list_variants


def test_setting_survives_a_new_session(android: SimPhone, drivers: Any) -> None:
    first = drivers(android)
    to_genai_android(first)
    first.find_element(AppiumBy.XPATH, TOGGLE_XPATH).click()
    first.quit()
    second = drivers(android)
    assert android.state()["screen"] == "feed"  # the app restarted for the new session
    to_genai_android(second)
    assert second.find_element(AppiumBy.XPATH, TOGGLE_XPATH).get_attribute("checked") == "false"


def test_state_file_carries_settings_to_a_new_phone(tmp_path: Path, drivers: Any) -> None:
    state_file = tmp_path / "phone.json"
    with SimPhone("android", state_file=state_file) as phone:
        driver = drivers(phone)
        to_genai_android(driver)
        driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH).click()
    saved = json.loads(state_file.read_text())
    assert saved["settings"]["generative_ai_training"] is False
    with SimPhone("android", state_file=state_file) as phone:
        assert phone.state()["settings"]["generative_ai_training"] is False
        driver = drivers(phone)
        to_genai_android(driver)
        toggle = driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH)
        assert toggle.get_attribute("checked") == "false"
    with SimPhone("android") as fresh:  # no state file: factory settings
        assert fresh.state()["settings"]["generative_ai_training"] is True


def test_events_describe_what_happened(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH).click()
    events = android.events()
    taps = [e for e in events if e["type"] == "tap"]
    assert [e["screen"] for e in taps] == ["feed", "side_menu", "settings", "data_privacy",
                                           "genai"]
    assert taps[0]["element"]["label"] == "My Profile and Communities"
    assert taps[-1]["element"] == {"text": "", "label": "", "id": "genai-toggle",
                                   "class": "android.widget.ToggleButton",
                                   "bounds": [876, 748, 1032, 844]}
    assert taps[-1]["setting"] == "generative_ai_training"
    assert taps[-1]["result"] == "flipped"
    times = [e["t"] for e in events]
    assert times == sorted(times)
    state = android.state()
    assert state["taps"] == 5 and state["sessions"] == 1 and state["app_running"] is True


def test_reading_only_taps_no_setting(android: SimPhone, drivers: Any) -> None:
    driver = drivers(android)
    to_genai_android(driver)
    toggle = driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH)
    assert toggle.get_attribute("checked") == "true"
    driver.get_screenshot_as_png()
    assert setting_taps(android) == 0


def test_variants_are_listed_and_checked() -> None:
    assert list_variants() == list(VARIANTS)
    assert {"default", "scroll", "popups", "crash", "flaky"} <= set(list_variants())
    with pytest.raises(ValueError, match="valid variants: default, already-off"):
        SimPhone("android", variants=("sloow",))


def _opt_out(phone: SimPhone, results: dict[str, object]) -> None:
    try:
        driver = connect(phone)
        to_genai_android(driver)
        driver.find_element(AppiumBy.XPATH, TOGGLE_XPATH).click()
        driver.quit()
        results[phone.url] = phone.state()["settings"]["generative_ai_training"]
    except Exception as exc:  # reported by the main thread
        results[phone.url] = exc


def test_three_phones_at_once_in_threads() -> None:
    phones = [SimPhone("android", seed=i) for i in range(3)]
    bystander = SimPhone("ios")
    for phone in [*phones, bystander]:
        phone.start()
    try:
        results: dict[str, object] = {}
        threads = [threading.Thread(target=_opt_out, args=(p, results)) for p in phones]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert results == {p.url: False for p in phones}
        assert all(setting_taps(p) == 1 for p in phones)
        assert bystander.state()["settings"]["generative_ai_training"] is True
        assert len({p.url for p in phones}) == 3
    finally:
        for phone in [*phones, bystander]:
            phone.stop()


def test_a_stopped_phone_no_longer_answers(drivers: Any) -> None:
    phone = SimPhone("android")
    phone.start()
    driver = drivers(phone)
    phone.stop()
    with pytest.raises(Exception) as info:
        driver.find_element(AppiumBy.ID, "me_launcher")
    assert "MaxRetryError" in type(info.value).__name__ or "Connection" in str(info.value)
