"""The simulated LinkedIn website over plain HTTP (no browser): the pages of the route, the
request that saves a switch, /sim/state and /sim/events, and its variants."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from mobile_optout.sim.site import GENAI_PATH, SimSite

SAVE = "/mypreferences/api/settings/generative_ai_training"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def get(url: str) -> tuple[int, str, str]:
    """(status, Location, body) without following redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as resp:
            return resp.status, "", resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), exc.read().decode("utf-8")


def post(url: str, body: object) -> int:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def sim(url: str, what: str) -> Any:
    return json.loads(get(f"{url}/sim/{what}")[2])["value"]


def test_the_setting_page_shows_the_saved_state_and_a_save_keeps_it(tmp_path: Path) -> None:
    state = tmp_path / "site.json"
    with SimSite(state_file=state) as site:
        status, _, page = get(site.url + GENAI_PATH)
        saved = post(site.url + SAVE, {"value": False})
        _, _, after = get(site.url + GENAI_PATH)

        assert status == 200
        assert "Use my data for training content creation AI models" in page
        assert 'role=switch data-setting=generative_ai_training checked>' in page
        assert saved == 200
        assert " checked>" not in after
        assert sim(site.url, "state")["settings"]["generative_ai_training"] is False
        events = [e for e in sim(site.url, "events") if e["type"] == "save"]
        assert events == [{"type": "save", "setting": "generative_ai_training",
                           "value": False, "ok": True, "t": events[0]["t"]}]
    with SimSite(state_file=state) as again:  # the site remembers, as the real one does
        assert again.state()["settings"]["generative_ai_training"] is False


@pytest.mark.parametrize(("variant", "path", "status", "location"), [
    ("logged-out", "/feed/", 302, "/login"),
    ("not-offered", GENAI_PATH, 404, ""),
    ("default", "/", 302, "/feed/"),
])
def test_variants_change_what_a_page_answers(
    variant: str, path: str, status: int, location: str
) -> None:
    with SimSite(variants=() if variant == "default" else (variant,)) as site:
        answer = get(site.url + path)

    assert answer[:2] == (status, location)


def test_not_offered_has_no_row_and_renamed_uses_other_words() -> None:
    privacy = "/mypreferences/d/categories/privacy"
    with SimSite(variants=("not-offered",)) as site:
        absent = get(site.url + privacy)[2]
    with SimSite(variants=("renamed",)) as site:
        renamed = get(site.url + privacy)[2] + get(site.url + GENAI_PATH)[2]

    assert "Generative AI" not in absent and "How LinkedIn uses your data" in absent
    assert "Data for generative AI improvement" in renamed
    assert 'role=switch aria-checked=true' in renamed


def test_a_refused_save_changes_nothing() -> None:
    with SimSite(variants=("save-fails",)) as site:
        assert post(site.url + SAVE, {"value": False}) == 500
        assert post(site.url + SAVE, {"value": "off"}) == 400
        assert site.state()["settings"]["generative_ai_training"] is True


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown web variant 'gear-route'"):
        SimSite(variants=("gear-route",))
