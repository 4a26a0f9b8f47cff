"""The simulated phone and website in a language: what a real client sees."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sim.sim_helpers import connect

from mobile_optout.devices import load_devices
from mobile_optout.errors import InputError
from mobile_optout.flow.model import Platform
from mobile_optout.sim import SimPhone
from mobile_optout.sim.site import SimSite


@pytest.mark.parametrize(("platform", "key"), [(Platform.ANDROID, "locale"),
                                               (Platform.IOS, "currentLocale")])
def test_device_info_reports_the_phone_locale(platform: Platform, key: str) -> None:
    with SimPhone(platform=platform, locale="fr") as phone:
        driver = connect(phone)
        try:
            info: dict[str, Any] = driver.execute_script("mobile: deviceInfo", {})
        finally:
            driver.quit()
    assert info[key] == "fr_FR"


def test_an_english_phone_says_en_us() -> None:
    with SimPhone(platform=Platform.ANDROID) as phone:
        driver = connect(phone)
        try:
            assert driver.execute_script("mobile: deviceInfo", {})["locale"] == "en_US"
        finally:
            driver.quit()


def test_the_app_shows_its_translations() -> None:
    with SimPhone(platform=Platform.ANDROID, locale="de") as phone:
        driver = connect(phone)
        try:
            driver.find_element("accessibility id", "My Profile and Communities").click()
            source = driver.page_source
        finally:
            driver.quit()
    assert 'text="Einstellungen"' in source and 'text="Settings"' not in source


def test_the_website_sets_lang_and_shows_its_words() -> None:
    with SimSite(locale="nl") as site:
        page = urllib.request.urlopen(site.url + "/mypreferences/d/categories/privacy",
                                      timeout=10).read().decode()
    assert "<html lang=nl>" in page
    assert "Gegevensprivacy" in page and "Instellingen en privacy" in page


def test_a_bad_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="two-letter"):
        SimPhone(platform=Platform.ANDROID, locale="deutsch")


def test_devices_file_takes_a_locale_and_names_a_bad_one(tmp_path: Path) -> None:
    good = tmp_path / "devices.yaml"
    good.write_text("devices:\n  p: {platform: ios, sim: {locale: pl}}\n", encoding="utf-8")
    assert load_devices(good).devices["p"].sim is not None
    assert load_devices(good).devices["p"].sim.locale == "pl"  # type: ignore[union-attr]
    bad = tmp_path / "bad.yaml"
    bad.write_text("devices:\n  p: {platform: ios, sim: {locale: polski}}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.yaml:2:.*locale 'polski'"):
        load_devices(bad)
