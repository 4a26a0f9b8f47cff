"""What a real phone costs, on the simulated one: the cost model and the never-idle feed.

No test times anything: the phone says what it charged (GET /sim/state ``cost_ms``,
``idle_ms``, ``commands``, ``waiting``), and waits are checked by what they block."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common.exceptions import WebDriverException

from mobile_optout.flow.model import Platform
from mobile_optout.sim import SimPhone
from mobile_optout.sim.costs import CostModel, command_kind

AVATAR = (AppiumBy.ACCESSIBILITY_ID, "My Profile and Communities")


def test_commands_are_priced_by_kind_and_a_tree_by_its_size(drivers: Any) -> None:
    model = CostModel()
    with SimPhone(Platform.ANDROID, cost_model=True) as phone:
        driver = drivers(phone)
        charged: list[float] = []

        def charge(fn: Callable[[], object]) -> None:
            before = phone.state()["cost_ms"]
            fn()
            charged.append(phone.state()["cost_ms"] - before)

        charge(lambda: driver.find_element(*AVATAR))
        charge(lambda: driver.page_source)
        charge(lambda: driver.find_element(*AVATAR).click())  # find + tap
        charge(lambda: driver.page_source)  # the side menu: a smaller tree
        commands = phone.state()["commands"]
    assert charged[0] == model.find_ms
    assert charged[1] > model.source_base_ms + 20 * model.source_per_node_ms  # a feed
    assert charged[2] == model.find_ms + model.tap_ms
    assert model.source_base_ms < charged[3] < charged[1]
    assert commands["source"] == 2 and commands["find"] == 2 and commands["tap"] == 1


def test_without_the_cost_model_nothing_is_charged(drivers: Any,
                                                   android: SimPhone) -> None:
    driver = drivers(android)
    assert driver.page_source
    driver.find_element(*AVATAR).click()
    assert android.state()["cost_ms"] == 0
    assert android.state()["commands"] == {"source": 1, "find": 1, "tap": 1}


def test_xpath_finds_and_screenshots_are_priced_like_the_tree_and_the_png() -> None:
    model = CostModel()
    assert command_kind("POST", "/elements", {"using": "xpath"}) == "find_xpath"
    assert command_kind("POST", "/element", {"using": "id"}) == "find"
    assert command_kind("POST", "/execute/sync", {"script": "mobile: scrollGesture"}) == \
        "gesture"
    assert command_kind("POST", "/execute/sync", {"script": "mobile: activateApp"}) == "app"
    assert model.cost_ms("find_xpath", nodes=50) > model.cost_ms("source", nodes=50)
    assert model.cost_ms("screenshot", png_kb=200) > model.cost_ms("screenshot", png_kb=20)


@pytest.mark.parametrize("caps", [
    {"appium:settings[waitForIdleTimeout]": 7},
    {"appium:settings": {"waitForIdleTimeout": 7}},
    {"appium:settings": {"waitForIdleTimeout": 1}, "appium:settings[waitForIdleTimeout]": 7},
], ids=["settings[name]", "settings object", "settings[name] wins"])
def test_never_idle_feed_waits_the_idle_timeout_the_session_asked_for(
        drivers: Any, caps: dict[str, Any]) -> None:
    with SimPhone(Platform.ANDROID, variants=("never-idle",)) as phone:
        driver = drivers(phone, **caps)
        assert driver.get_settings()["waitForIdleTimeout"] == 7
        driver.find_element(*AVATAR)  # the feed: live video
        assert phone.state()["idle_ms"] == 7
        driver.update_settings({"waitForIdleTimeout": 3})  # the Settings API
        driver.find_element(*AVATAR).click()  # find + tap: both wait
        assert phone.state()["idle_ms"] == 7 + 3 + 3
        driver.find_element(AppiumBy.ID, "interests_panel_view_settings").click()
        idle = phone.state()["idle_ms"]
        assert driver.page_source  # the Settings page is quiet
        driver.get_screenshot_as_base64()  # a screenshot never waits for idle
        assert phone.state()["idle_ms"] == idle


def test_a_quiet_feed_never_waits(drivers: Any, android: SimPhone) -> None:
    driver = drivers(android)
    driver.find_element(*AVATAR).click()
    assert android.state()["idle_ms"] == 0


def test_ios_waits_for_quiescence_and_animations_unless_told_not_to(drivers: Any) -> None:
    with SimPhone(Platform.IOS, variants=("never-idle",)) as phone:
        strict = drivers(phone, **{"appium:waitForIdleTimeout": 0.004,
                                   "appium:animationCoolOffTimeout": 0.002})
        strict.find_element(*AVATAR)
        assert phone.state()["idle_ms"] == 4
        strict.find_element(*AVATAR).click()  # find 4, tap 4 + cool-off 2
        assert phone.state()["idle_ms"] == 4 + 4 + 4 + 2
    with SimPhone(Platform.IOS, variants=("never-idle",)) as phone:
        relaxed = drivers(phone, **{"appium:waitForQuiescence": False,
                                    "appium:settings[animationCoolOffTimeout]": 0})
        relaxed.find_element(*AVATAR).click()
        assert phone.state()["idle_ms"] == 0


def test_a_waiting_command_blocks_no_other_session_and_ends_when_the_phone_stops(
        drivers: Any) -> None:
    phone = SimPhone(Platform.ANDROID, variants=("never-idle",))
    phone.start()
    try:
        other = SimPhone(Platform.ANDROID)
        other.start()
        slow = drivers(phone)  # UiAutomator2's default: 10 000 ms per command on the feed
        failed: list[BaseException] = []

        def find() -> None:
            try:
                slow.find_element(*AVATAR)
            except WebDriverException as exc:  # the phone stopped under it
                failed.append(exc)

        waiter = threading.Thread(target=find, daemon=True)
        waiter.start()
        while phone.state()["waiting"] == 0:
            threading.Event().wait(0.01)
        # Meanwhile another session on the same phone, and another phone, answer at once.
        fast = drivers(phone, **{"appium:settings[waitForIdleTimeout]": 0})
        fast.find_element(*AVATAR)
        drivers(other).find_element(*AVATAR)
        assert phone.state()["waiting"] == 1  # the slow one is still waiting
        other.stop()
    finally:
        phone.stop()
    waiter.join(timeout=5)
    assert not waiter.is_alive()
