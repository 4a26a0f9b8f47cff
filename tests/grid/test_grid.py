"""A real Selenium Grid 4 (mobile_optout.grid) relaying to real Appium and to simulated
phones: sessions go through the hub, land on the node the capabilities ask for, and a
busy grid queues then refuses."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common import exceptions as se

from mobile_optout.devices import DeviceProfile
from mobile_optout.driver import connect
from mobile_optout.errors import SessionNotCreated, Where
from mobile_optout.flow.model import Platform
from mobile_optout.grid import JSON_HEADERS, example_configs, nodes_up

pytestmark = pytest.mark.grid

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "grid"


def busy_udids(grid: Any) -> list[str]:
    """The ``appium:udid`` of every node slot that holds a session, per the hub."""
    udids = []
    for node in grid.status()["nodes"]:
        for slot in node["slots"]:
            if slot.get("session"):
                udids.append(slot["stereotype"]["appium:udid"])
    return sorted(udids)


@pytest.fixture
def sessions() -> Iterator[list[Any]]:
    """Sessions a test opens; all quit at the end so the Grid's slots are free again."""
    opened: list[Any] = []
    yield opened
    for s in opened:
        s.quit()


def test_hub_reports_every_relay_node_up(fake_grid: Any) -> None:
    status = fake_grid.status()
    assert status["ready"] is True
    assert len(nodes_up(status)) == 3


def test_session_through_the_grid_finds_and_clicks(
    fake_grid: Any, raw_session: Any, fake_app_caps: Any, sessions: list[Any]
) -> None:
    session = raw_session(fake_grid.url, fake_app_caps())
    sessions.append(session)
    switch = session.find_element(AppiumBy.ACCESSIBILITY_ID, "ai_switch")
    switch.click()
    assert switch.get_attribute("clicks") == "1"
    assert "Use my data for training" in session.page_source


def test_udid_capability_picks_the_node(
    fake_grid: Any, raw_session: Any, fake_app_caps: Any, sessions: list[Any]
) -> None:
    sessions.append(raw_session(fake_grid.url, fake_app_caps(**{"appium:udid": "fake-2"})))
    assert busy_udids(fake_grid) == ["fake-2"]
    sessions.append(raw_session(fake_grid.url, fake_app_caps(**{"appium:udid": "fake-3"})))
    assert busy_udids(fake_grid) == ["fake-2", "fake-3"]


def test_unsupported_capabilities_are_refused_at_once(
    fake_grid: Any, raw_session: Any, fake_app_caps: Any
) -> None:
    with pytest.raises(se.SessionNotCreatedException):
        raw_session(fake_grid.url, fake_app_caps(**{"appium:udid": "no-such-phone"}))


def test_a_busy_grid_queues_then_refuses(
    fake_grid: Any, raw_session: Any, fake_app_caps: Any, sessions: list[Any]
) -> None:
    for _ in range(3):
        sessions.append(raw_session(fake_grid.url, fake_app_caps()))
    assert busy_udids(fake_grid) == ["fake-1", "fake-2", "fake-3"]
    with pytest.raises(se.SessionNotCreatedException):
        raw_session(fake_grid.url, fake_app_caps())


def test_the_driver_layer_reports_a_busy_grid_as_session_not_created(
    fake_grid: Any, raw_session: Any, fake_app_caps: Any, sessions: list[Any]
) -> None:
    sessions.append(raw_session(fake_grid.url, fake_app_caps(**{"appium:udid": "fake-1"})))
    profile = DeviceProfile(
        name="grid-phone", platform=Platform.ANDROID, where=Where.unknown(),
        server=fake_grid.url, capabilities=fake_app_caps(**{"appium:udid": "fake-1"}),
    )  # fmt: skip
    with pytest.raises(SessionNotCreated) as info:
        connect(fake_grid.url, profile.platform, None, capabilities=profile.capabilities)
    assert fake_grid.url in str(info.value)


def test_raw_http_to_the_hub_needs_the_json_content_type(fake_grid: Any) -> None:
    caps = {"platformName": "Fake", "appium:udid": "no-such-phone"}
    body = json.dumps({"capabilities": {"alwaysMatch": caps}})
    req = urllib.request.Request(
        fake_grid.url + "/session", data=body.encode(), headers=JSON_HEADERS, method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=30)
    answer = json.loads(info.value.read())
    assert answer["value"]["error"] == "session not created"


def test_example_configs_match_what_the_grid_writes() -> None:
    for name, text in example_configs().items():
        assert (EXAMPLES / name).read_text("utf-8") == text, f"examples/grid/{name} is stale"


# ------------------------------------------------------------ simulated phones


def sim_caps(udid: str | None = None) -> dict[str, Any]:
    caps: dict[str, Any] = {
        "platformName": "android",
        "appium:automationName": "UiAutomator2",
        "appium:appPackage": "com.linkedin.android",  # launches LinkedIn on its feed
    }
    if udid:
        caps["appium:udid"] = udid
    return caps


def test_sessions_targeted_by_udid_land_on_that_phone(
    sim_grid: tuple[Any, list[Any]], raw_session: Any
) -> None:
    grid, phones = sim_grid
    with ExitStack() as stack:
        for target in (2, 0):
            session = raw_session(grid.url, sim_caps(f"sim-{target}"))
            stack.callback(session.quit)
            session.find_element(AppiumBy.ID, "com.linkedin.android:id/me_launcher")
        sessions_per_phone = [phone.state()["sessions"] for phone in phones]
        assert sessions_per_phone == [1, 0, 1]


def test_a_fourth_sim_session_queues_and_times_out(
    sim_grid: tuple[Any, list[Any]], raw_session: Any
) -> None:
    grid, phones = sim_grid
    with ExitStack() as stack:
        for i in range(3):
            stack.callback(raw_session(grid.url, sim_caps(f"sim-{i}")).quit)
        assert [phone.state()["sessions"] for phone in phones] == [1, 1, 1]
        with pytest.raises(se.SessionNotCreatedException):
            raw_session(grid.url, sim_caps())
