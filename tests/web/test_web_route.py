"""The website route end to end: flows/linkedin/web.yaml in real headless Chromium, driven
through Selenium's own Chromium driver, against the simulated LinkedIn website. The site's
own saved state and its log of save requests are the witnesses, never the runner's word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from web.web_helpers import SETTING, WEB_FLOW, devices_file, run_web, saves

from mobile_optout.cli import main
from mobile_optout.results.record import Outcome
from mobile_optout.sim.site import SimSite

pytestmark = pytest.mark.browser


def local_browser(folder: Path, site: SimSite, **extra: object) -> Path:
    return devices_file(folder, {"browser": "chromium", "headless": True,
                                 "base_url": site.url, **extra})


def test_run_on_the_built_in_website_changes_then_finds_it_set(
    chromium: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "results"
    args = ["run", str(WEB_FLOW), "--device", "sim-web", "-o", str(output)]

    with pytest.raises(SystemExit) as first:
        main(args)
    shown = capsys.readouterr().out
    with pytest.raises(SystemExit) as second:
        main(args)
    again = capsys.readouterr().out

    assert first.value.code == 0, shown
    assert "CHANGED" in shown
    saved = json.loads((output / ".sim-state" / "sim-web.json").read_text(encoding="utf-8"))
    assert saved["settings"][SETTING] is False  # the site's own record of the switch
    assert second.value.code == 0, again
    assert "ALREADY_SET" in again


def test_check_by_the_link_reads_the_switch_and_saves_nothing(
    chromium: dict[str, str], tmp_path: Path
) -> None:
    with SimSite() as site:
        result = run_web(local_browser(tmp_path, site), tmp_path / "out", mode="check",
                         params={"ROUTE": "link"})

        assert result.outcome is Outcome.WOULD_CHANGE, result.error
        assert saves(site) == []
        assert site.state()["settings"][SETTING] is True


def test_signed_out_is_blocked_and_nothing_is_typed(
    chromium: dict[str, str], tmp_path: Path
) -> None:
    with SimSite(variants=("logged-out",)) as site:
        result = run_web(local_browser(tmp_path, site), tmp_path / "out")

        assert result.outcome is Outcome.BLOCKED
        assert "Sign-in page" in result.note
        assert not any(step.kind == "type" for step in result.steps)
        assert saves(site) == []
        assert site.state()["page"] == "/login"


def test_other_wording_aria_switch_a_slow_site_and_a_cookie_banner(
    chromium: dict[str, str], tmp_path: Path
) -> None:
    with SimSite(variants=("renamed", "slow", "popups"), seed=3) as site:
        result = run_web(local_browser(tmp_path, site), tmp_path / "out")

        assert result.outcome is Outcome.CHANGED, result.error
        assert site.state()["consent"] == "reject"  # the banner answered, the private way
        assert [(e["setting"], e["value"]) for e in saves(site)] == [(SETTING, False)]
        assert site.state()["settings"][SETTING] is False


def test_no_such_row_on_the_whole_page_is_not_offered(
    chromium: dict[str, str], tmp_path: Path
) -> None:
    with SimSite(variants=("not-offered",)) as site:
        result = run_web(local_browser(tmp_path, site), tmp_path / "out")

        assert result.outcome is Outcome.NOT_OFFERED
        assert saves(site) == []


def test_a_save_the_site_refuses_is_failed_never_changed(
    chromium: dict[str, str], tmp_path: Path
) -> None:
    with SimSite(variants=("save-fails",)) as site:
        devices = local_browser(tmp_path, site, timeouts={"step": 3})
        result = run_web(devices, tmp_path / "out", params={"ROUTE": "link"})

        assert result.outcome is Outcome.FAILED
        assert result.setting is not None and result.setting.after is True
        assert [e["ok"] for e in saves(site)] == [False, False]  # attempts: 2, no more
        assert site.state()["settings"][SETTING] is True
