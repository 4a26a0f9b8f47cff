"""The website route through a real Appium 3 server and its chromium driver (installed by
npm ci from package.json), driving headless Chromium: the same flow and outcomes as with
a browser started here, witnessed by the simulated website's own state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web.web_helpers import SETTING, devices_file, run_web, saves

from mobile_optout.appium_server import free_port
from mobile_optout.results.record import Outcome
from mobile_optout.sim.site import SimSite

pytestmark = [pytest.mark.appium, pytest.mark.browser]


def through_appium(folder: Path, site: SimSite, server: Any, chromium: dict[str, str]
                   ) -> Path:
    return devices_file(folder, {
        "server": server.url, "headless": True, "base_url": site.url,
        # Appium's chromium driver starts chromedriver on 9515 unless told: tests run in
        # parallel, so each session names a free port of its own.
        "capabilities": {"appium:executable": chromium["chromedriver"],
                         "appium:chromedriverPort": free_port(),
                         "goog:chromeOptions": {"binary": chromium["chromium"]}},
    })


def test_appium_chromium_driver_changes_the_setting_then_finds_it_set(
    appium_server: Any, chromium: dict[str, str], tmp_path: Path
) -> None:
    with SimSite() as site:
        devices = through_appium(tmp_path, site, appium_server, chromium)
        first = run_web(devices, tmp_path / "out")
        second = run_web(devices, tmp_path / "out")

        assert first.outcome is Outcome.CHANGED, first.error
        assert first.server == appium_server.url
        assert "chrome" in first.device_info.lower()
        assert second.outcome is Outcome.ALREADY_SET, second.error
        assert [(e["setting"], e["value"]) for e in saves(site)] == [(SETTING, False)]
        assert site.state()["settings"][SETTING] is False


def test_appium_check_saves_nothing_and_signed_out_is_blocked(
    appium_server: Any, chromium: dict[str, str], tmp_path: Path
) -> None:
    with SimSite() as site:
        check = run_web(through_appium(tmp_path, site, appium_server, chromium),
                        tmp_path / "out", mode="check")

        assert check.outcome is Outcome.WOULD_CHANGE, check.error
        assert saves(site) == []
        assert site.state()["settings"][SETTING] is True
    with SimSite(variants=("logged-out",)) as site:
        blocked = run_web(through_appium(tmp_path, site, appium_server, chromium),
                          tmp_path / "out")

        assert blocked.outcome is Outcome.BLOCKED, blocked.error
        assert saves(site) == []
