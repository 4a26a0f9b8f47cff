"""The studio in real headless Chromium, driving the simulated phone: click an element, see
its locator, run a tap, see the screen change, copy the flow."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mobile_optout.sim import SimPhone
from mobile_optout.studio.server import StudioServer

pytestmark = pytest.mark.browser


def _look(browser: Any) -> int:
    return int(browser.find_element(By.TAG_NAME, "body").get_attribute("data-look") or 0)


def test_click_an_element_run_a_tap_see_the_screen_change_copy_the_flow(
    studio: tuple[StudioServer, SimPhone], chrome: Any
) -> None:
    server, phone = studio
    browser = chrome
    wait = WebDriverWait(browser, 20)
    browser.get(server.url)
    wait.until(lambda b: _look(b) >= 1)
    shot = browser.find_element(By.ID, "shot")
    assert browser.execute_script("return arguments[0].naturalWidth", shot) > 0

    me = browser.find_element(By.CSS_SELECTOR, '.box[title="My Profile and Communities"]')
    me.click()
    assert browser.find_element(By.ID, "locator").get_attribute("value") == (
        '"My Profile and Communities"')
    assert "android.widget.ImageView" in browser.find_element(By.ID, "attrs").text

    browser.find_element(By.CSS_SELECTOR, 'button[data-kind="tap"]').click()
    wait.until(lambda b: _look(b) >= 2)
    assert phone.state()["screen"] == "side_menu"
    assert browser.find_elements(By.CSS_SELECTOR, '.box[title="Settings"]')
    assert "tap: done" in browser.find_element(By.ID, "status").text

    flow = browser.find_element(By.ID, "yaml").get_attribute("value")
    assert flow.endswith('steps:\n  - tap: "My Profile and Communities"\n')

    browser.find_element(By.ID, "copy").click()
    wait.until(lambda b: "the flow" in b.find_element(By.ID, "status").text)


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_only_the_page_it_served_may_use_the_api(
    studio: tuple[StudioServer, SimPhone],
) -> None:
    server, _ = studio
    status, headers, page = _get(server.url, {})
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert b"<script>" not in page and b"http" not in page.replace(b"http-equiv", b"")

    assert _get(server.url + "api/screen", {})[0] == 403  # no token
    status, _, body = _get(server.url + "api/screen", {"X-Studio-Token": server.token})
    assert status == 200 and json.loads(body)["elements"]
    host = {"X-Studio-Token": server.token, "Host": "evil.example:80"}
    assert _get(server.url + "api/screen", host)[0] == 403  # DNS rebinding
