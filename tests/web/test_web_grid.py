"""The website route through a real Selenium Grid 4 hub whose node relays to Appium's
chromium driver: a web device's server: can be a Grid, as a QA team's browser farm is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web.web_helpers import SETTING, devices_file, run_web, saves

from mobile_optout.appium_server import free_port
from mobile_optout.results.record import Outcome
from mobile_optout.sim.site import SimSite

pytestmark = [pytest.mark.grid, pytest.mark.appium, pytest.mark.browser]


def test_the_website_flow_runs_through_the_grid(
    web_grid: Any, chromium: dict[str, str], tmp_path: Path
) -> None:
    with SimSite() as site:
        devices = devices_file(tmp_path, {
            "server": web_grid.url, "headless": True, "base_url": site.url,
            "capabilities": {"platformName": "linux",
                             "appium:executable": chromium["chromedriver"],
                             "appium:chromedriverPort": free_port(),
                             "goog:chromeOptions": {"binary": chromium["chromium"]}},
        })
        result = run_web(devices, tmp_path / "out")

        assert result.outcome is Outcome.CHANGED, result.error
        assert result.server == web_grid.url
        assert [(e["setting"], e["value"]) for e in saves(site)] == [(SETTING, False)]
