"""The website by its link and by its menus, with and without a display, on a site whose
names carry icons and arrows ("Me ▾"). The site's own saved state is the witness."""

from __future__ import annotations

from pathlib import Path

import pytest
from web.web_helpers import SETTING, devices_file, run_web, saves

from mobile_optout.browserstart import HEADLESS_NOTE, NO_DISPLAY, prepare
from mobile_optout.errors import SessionNotCreated
from mobile_optout.results.record import Outcome
from mobile_optout.sim.site import SimSite
from mobile_optout.values import Browser

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("route", ["link", "menu"])
def test_each_route_can_be_forced_on_a_decorated_site(
    chromium: dict[str, str], tmp_path: Path, route: str
) -> None:
    with SimSite(variants=("decorated",)) as site:
        devices = devices_file(tmp_path, {"browser": "chromium", "headless": True,
                                          "base_url": site.url})
        result = run_web(devices, tmp_path / "out", params={"ROUTE": route})

        assert result.outcome is Outcome.CHANGED, result.error
        assert result.routes == [f"{route}: reached the page"]
        assert site.state()["settings"][SETTING] is False
        assert [(e["setting"], e["value"]) for e in saves(site)] == [(SETTING, False)]
        assert result.setting is not None and result.setting.proof == "reopen"
        assert result.setting.proof_read == "off"


def test_with_no_display_the_browser_runs_headless_and_says_so(
    chromium: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with SimSite() as site:  # the device says nothing of headless
        devices = devices_file(tmp_path, {"browser": "chromium", "base_url": site.url})
        result = run_web(devices, tmp_path / "out")

        assert result.outcome is Outcome.CHANGED, result.error
        assert HEADLESS_NOTE in result.note
        assert result.routes == ["link: reached the page"]  # the address first on the web
        assert site.state()["settings"][SETTING] is False


def test_a_window_asked_for_with_no_display_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with SimSite() as site:
        devices = devices_file(tmp_path, {"browser": "chromium", "headless": False,
                                          "base_url": site.url})
        result = run_web(devices, tmp_path / "out")

    assert result.outcome is Outcome.ERROR
    assert result.error is not None and NO_DISPLAY in result.error.message


def test_where_there_is_a_display_the_browser_keeps_its_window() -> None:
    browser, notes = prepare(Browser(name="chromium"), {"DISPLAY": ":0"}, "linux")
    assert browser.headless is None  # a window
    assert HEADLESS_NOTE not in notes
    browser, notes = prepare(Browser(name="chromium"), {}, "darwin")
    assert browser.headless is None
    with pytest.raises(SessionNotCreated, match="no display"):
        prepare(Browser(name="chromium", headless=False), {}, "linux")
    browser, notes = prepare(Browser(name="chromium"), {}, "linux")
    assert browser.headless is True and HEADLESS_NOTE in notes
