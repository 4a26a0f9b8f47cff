"""The LinkedIn flows in the member's language, on phones and a website in that language.

The simulated app's translations (sim/apps/linkedin.yaml ``translations:``) were written
from shared/reference/linkedin-l10n.md's other variants (another article, casing, the
competing string), not from the flows' strings file: each run proves the flow accepts what
the reference says real apps show. The phone's own state is the witness.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_helpers import FLOWS

from mobile_optout.errors import UsageError
from mobile_optout.flow.model import Platform
from mobile_optout.job import SIM_STATE, RunRequest, perform
from mobile_optout.results.record import FlowResult, Outcome
from mobile_optout.sim import SimPhone
from mobile_optout.sim.site import SimSite
from mobile_optout.values import Mode

LANGUAGES = ["de", "fr", "nl", "es", "it", "pt", "pl"]
SETTING = "generative_ai_training"
LINKEDIN = FLOWS / "linkedin"
SIM_SETTING = {"chatgpt/improve-model.yaml": "chatgpt_improve_model",
               "x/grok-training.yaml": "x_grok_training"}  # the phone's own names


def devices(folder: Path, device: dict[str, Any]) -> Path:
    path = folder / "devices.yaml"
    path.write_text(json.dumps({"devices": {"d": {**device, "timeouts": {"settle": 0.2}}}}),
                    encoding="utf-8")
    return path


def run(folder: Path, device: dict[str, Any], flow: Path, *, locale: str = "",
        params: dict[str, str] | None = None) -> FlowResult:
    record = perform(RunRequest(
        mode=Mode.APPLY, paths=[flow], devices=["d"], devices_file=devices(folder, device),
        output=folder / "out", params=params or {}, environ={}, locale=locale,
    )).run
    assert len(record.results) == 1, record.results
    return record.results[0]


def report(folder: Path) -> list[dict[str, Any]]:
    found = sorted((folder / "out").glob("*/report.json"))
    data: dict[str, Any] = json.loads(found[-1].read_text(encoding="utf-8"))
    return list(data["results"])


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("platform", ["android", "ios"])
def test_the_app_in_each_language_is_changed_then_already_set(
        platform: str, lang: str, tmp_path: Path) -> None:
    with SimPhone(platform=Platform(platform), locale=lang) as phone:
        device = {"platform": platform, "server": phone.url}
        first = run(tmp_path, device, LINKEDIN / f"{platform}.yaml")
        assert first.outcome is Outcome.CHANGED, first.error
        assert phone.state()["settings"][SETTING] is False  # the phone's own state
        assert (first.language, first.language_fallback, first.note) == (lang, False, "")

        again = run(tmp_path, device, LINKEDIN / f"{platform}.yaml")
        assert again.outcome is Outcome.ALREADY_SET, again.error
        assert phone.state()["settings"][SETTING] is False
    assert report(tmp_path)[0]["language"] == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_website_in_each_language_is_changed_then_already_set(
        lang: str, tmp_path: Path) -> None:
    with SimSite(locale=lang) as site:
        device = {"platform": "web", "browser": "chromium", "headless": True,
                  "base_url": site.url}
        first = run(tmp_path, device, LINKEDIN / "web.yaml")
        assert first.outcome is Outcome.CHANGED, first.error
        assert site.state()["settings"][SETTING] is False
        assert first.language == lang

        again = run(tmp_path, device, LINKEDIN / "web.yaml")
        assert again.outcome is Outcome.ALREADY_SET, again.error
        assert site.state()["settings"][SETTING] is False


def test_english_runs_record_english_and_no_note(tmp_path: Path) -> None:
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run(tmp_path, {"platform": "android", "server": phone.url},
                     LINKEDIN / "android.yaml")
    assert result.outcome is Outcome.CHANGED
    assert (result.language, result.language_fallback, result.note) == ("en", False, "")


def test_an_app_in_a_language_the_flow_does_not_know_fails_saying_so(tmp_path: Path) -> None:
    """cs: the reference has some Czech strings; the LinkedIn flows do not use them."""
    with SimPhone(platform=Platform.ANDROID, locale="cs") as phone:
        result = run(tmp_path, {"platform": "android", "server": phone.url},
                     LINKEDIN / "android.yaml", params={"ROUTE": "link"})
        assert phone.state()["settings"][SETTING] is True  # nothing changed
    assert result.outcome is Outcome.FAILED
    assert result.note.startswith("the app is in cs; this flow knows en, de")
    assert result.error is not None and "the app is in cs" in result.error.message


def test_locale_pins_the_language_of_the_texts(tmp_path: Path) -> None:
    """--locale (any form of the tag) names the texts' language. (That the screen, not the
    device, decides is in the website runs: the browser says en-US, the pages are not.)"""
    with SimPhone(platform=Platform.IOS, locale="de") as phone:
        result = run(tmp_path, {"platform": "ios", "server": phone.url},
                     LINKEDIN / "ios.yaml", locale="de_DE")
        assert result.outcome is Outcome.CHANGED, result.error
        assert result.language == "de"


def test_a_flow_with_english_texts_only_says_it_tried_english(tmp_path: Path) -> None:
    result = run(tmp_path, {"platform": "android", "sim": {"locale": "de"}},
                 FLOWS / "claude" / "help-improve.yaml")
    assert result.outcome is Outcome.CHANGED, result.error
    assert "texts for de unknown; tried English" in result.note
    assert (result.language, result.language_fallback) == ("en", True)
    assert report(tmp_path)[0]["language_fallback"] is True
    html = next((tmp_path / "out").glob("*/report.html")).read_text(encoding="utf-8")
    assert "<dt>language</dt><dd>en (English texts" in html


def test_an_unknown_locale_is_a_usage_error_listing_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--locale 'sv'.*known languages: de, en, es, fr"):
        run(tmp_path, {"platform": "android", "sim": {}}, LINKEDIN / "android.yaml",
            locale="sv")


@pytest.mark.parametrize("lang", ["de", "fr"])
@pytest.mark.parametrize("flow", ["chatgpt/improve-model.yaml", "x/grok-training.yaml"])
def test_catalogue_flows_in_german_and_french(flow: str, lang: str, tmp_path: Path) -> None:
    device = {"platform": "android", "sim": {"locale": lang}}
    first = run(tmp_path, device, FLOWS / flow)
    assert first.outcome is Outcome.CHANGED, first.error
    assert (first.language, first.language_fallback) == (lang, False)
    assert first.setting is not None
    saved = json.loads((tmp_path / "out" / SIM_STATE / "d.json").read_text(encoding="utf-8"))
    assert saved["settings"][SIM_SETTING[flow]] is False

    again = run(tmp_path, device, FLOWS / flow)  # the same phone (its saved state)
    assert again.outcome is Outcome.ALREADY_SET, again.error


def test_a_website_in_a_language_the_flow_does_not_know_fails_saying_so(
        tmp_path: Path) -> None:
    with SimSite(locale="cs") as site:
        device = {"platform": "web", "browser": "chromium", "headless": True,
                  "base_url": site.url, "timeouts": {"step": 3}}
        result = run(tmp_path, device, LINKEDIN / "web.yaml")
        assert site.state()["settings"][SETTING] is True
    assert result.outcome is Outcome.FAILED
    assert result.note.startswith("the app is in cs; this flow knows en, de")


def test_an_app_in_another_language_than_the_phone_is_read_in_the_app_language(
        tmp_path: Path) -> None:
    """Per-app languages: the phone says French, LinkedIn runs in German."""
    with SimPhone(platform=Platform.ANDROID, locale="de", phone_locale="fr") as phone:
        result = run(tmp_path, {"platform": "android", "server": phone.url},
                     LINKEDIN / "android.yaml")
        assert result.outcome is Outcome.CHANGED, result.error
        assert phone.state()["settings"][SETTING] is False
    assert (result.language, result.language_fallback, result.note) == ("de", False, "")
