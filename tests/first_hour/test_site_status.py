"""The simulated website's page always shows the state it stores: after a click on the
switch is saved, the page's "Status:" line says the new state (and after a refused save,
the old one)."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mobile_optout.sim.site import SETTINGS, SimSite

pytestmark = pytest.mark.browser
PAGE = f"/mypreferences/d/settings/{SETTINGS['generative_ai_training'][0]}"


@pytest.mark.parametrize("variant, stored", [("default", "Off"), ("save-fails", "On")])
def test_the_status_line_follows_the_stored_state(chrome: Any, variant: str,
                                                  stored: str) -> None:
    with SimSite(variants=() if variant == "default" else (variant,)) as site:
        chrome.get(site.url + PAGE)
        assert chrome.find_element(By.ID, "status").text == "On"
        chrome.find_element(By.ID, "toggle").click()
        WebDriverWait(chrome, 10).until(lambda d: d.find_element(By.ID, "toggle").is_enabled())
        WebDriverWait(chrome, 10).until(
            lambda d: d.find_element(By.ID, "status").text == stored
            and d.find_element(By.ID, "toggle").is_selected() == (stored == "On"))
        assert site.state()["settings"]["generative_ai_training"] is (stored == "On")
