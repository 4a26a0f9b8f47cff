"""The tool's driver layer (mobile_optout.driver) against a real Appium 3 server.

Each third-party failure seen in test_raw_client.py must come out of the driver as one of
the tool's own errors, with a message that names the server URL; and the capabilities a
device profile declares must reach the server intact.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mobile_optout.appium_server import AppiumServer, free_port
from mobile_optout.driver import AppiumDriver, LocatorRejected, Unsupported, connect
from mobile_optout.errors import (
    ServerUnreachable,
    SessionLost,
    SessionNotCreated,
    TransientDeviceError,
)
from mobile_optout.flow.model import Platform

pytestmark = pytest.mark.appium


@pytest.fixture
def driver(appium_server: Any, fake_app_caps: Any) -> Iterator[AppiumDriver]:
    d = connect(appium_server.url, Platform.ANDROID, None, capabilities=fake_app_caps())
    try:
        yield d
    finally:
        d.quit()


def test_profile_capabilities_reach_the_server_intact(
    appium_server: Any, fake_app_caps: Any
) -> None:
    caps = fake_app_caps(**{"appium:udid": "R58M123ABC", "appium:language": "fr"})
    d = connect(appium_server.url, Platform.ANDROID, None, capabilities=caps)
    try:
        echoed = d.capabilities
    finally:
        d.quit()
    assert echoed["platformName"] == "Fake"  # the device file wins over platform defaults
    assert echoed["automationName"] == "Fake"
    assert echoed["udid"] == "R58M123ABC"
    assert echoed["language"] == "fr"
    assert echoed["app"].endswith("fake-app.xml")
    assert echoed["noReset"] is True  # the tool keeps the user signed in by default


@pytest.mark.parametrize(("settings", "expected"), [
    ({}, 0),  # the tool's expert default
    ({"waitForIdleTimeout": 2500}, 2500),  # the device's own choice
])
def test_a_real_appium_server_applies_the_session_settings_asked_for(
    appium_server: Any, fake_app_caps: Any, settings: dict[str, Any], expected: int
) -> None:
    d = connect(appium_server.url, Platform.ANDROID, None, capabilities=fake_app_caps(),
                settings=settings)
    try:
        applied = d.settings()  # Appium's own Settings API: what the server applied
    finally:
        d.quit()
    assert applied["waitForIdleTimeout"] == expected


def test_find_click_and_read_back(driver: AppiumDriver) -> None:
    [switch] = driver.find_all("accessibility_id", "ai_switch")
    driver.click(switch)
    assert driver.attribute(switch, "clicks") == "1"
    assert driver.find_all("resource_id", "no_such_id") == []
    assert len(driver.find_all("class_name", "MockSwitch")) == 2
    assert driver.rect(switch).center == (975, 676)


def test_page_source_and_screenshot(driver: AppiumDriver) -> None:
    assert 'id="ai_switch"' in driver.page_source()
    assert driver.screenshot_png().startswith(b"\x89PNG")
    assert driver.window_size() == (1080, 2400)


def test_round_trips_are_counted(driver: AppiumDriver) -> None:
    before = driver.round_trips
    driver.page_source()
    driver.find_all("xpath", "//MockSwitch")
    assert driver.round_trips == before + 2


def test_invalid_selector_becomes_locator_rejected(driver: AppiumDriver) -> None:
    with pytest.raises(LocatorRejected, match="rejected the locator"):
        driver.find_all("xpath", "badsel")


def test_unsupported_strategy_names_the_server(driver: AppiumDriver, appium_server: Any) -> None:
    with pytest.raises(Unsupported) as info:
        driver.find_all("android_uiautomator", 'new UiSelector().text("x")')
    assert appium_server.url in str(info.value)


def test_unimplemented_command_is_unsupported(driver: AppiumDriver, appium_server: Any) -> None:
    with pytest.raises(Unsupported) as info:
        driver.back()
    assert appium_server.url in str(info.value)


def test_invalid_element_state_is_worth_a_retry(driver: AppiumDriver) -> None:
    [hidden] = driver.find_all("resource_id", "hidden_button")
    with pytest.raises(TransientDeviceError):
        driver.click(hidden)


def test_an_ended_session_is_lost(appium_server: Any, fake_app_caps: Any) -> None:
    d = connect(appium_server.url, Platform.ANDROID, None, capabilities=fake_app_caps())
    d.quit()
    with pytest.raises(SessionLost) as info:
        d.page_source()
    assert appium_server.url in str(info.value)


def test_missing_capability_is_session_not_created(
    appium_server: Any, fake_app_caps: Any
) -> None:
    caps = fake_app_caps()
    del caps["appium:app"]
    with pytest.raises(SessionNotCreated) as info:
        connect(appium_server.url, Platform.ANDROID, None, capabilities=caps)
    assert appium_server.url in str(info.value)


def test_closed_port_is_server_unreachable_naming_the_url(fake_app_caps: Any) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(ServerUnreachable) as info:
        connect(url, Platform.ANDROID, None, capabilities=fake_app_caps())
    message = str(info.value)
    assert url in message
    assert "connection refused" in message


def test_server_dying_mid_session_is_a_lost_session(
    tmp_path: Any, fake_app_caps: Any
) -> None:
    with AppiumServer(log_path=tmp_path / "appium.log") as server:
        url = server.url
        d = connect(url, Platform.ANDROID, None, capabilities=fake_app_caps())
        assert "ai_switch" in d.page_source()
    # the server is gone now; the session with it
    with pytest.raises(SessionLost) as info:
        d.page_source()
    assert url in str(info.value)
